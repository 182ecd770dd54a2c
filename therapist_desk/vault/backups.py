"""Backups: consistent, still-encrypted copies of the vault; checking and restoring them.

A backup is made with SQLite's online backup API while the program runs (never
a file copy), written beside its final name and renamed when complete, so a
full disk leaves no truncated backup. It holds the same key slots as the vault
did when it was made: it opens with the passphrase of that day, or with the
recovery key.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.exc import DBAPIError

from therapist_desk.crypto.key_holder import KeyHolder
from therapist_desk.db import migration_runner
from therapist_desk.db.engine import create_read_only_engine
from therapist_desk.domain.vocabulary import AuditKind
from therapist_desk.errors import TherapistDeskError, VaultDamaged, VaultExists, VaultTooNew
from therapist_desk.vault import Secret, Vault, audit, unlock_vault, utc_now
from therapist_desk.vault import settings as vault_settings
from therapist_desk.vault.check import Problem, check_vault
from therapist_desk.vault.lock import VaultLock
from therapist_desk.vault.opening import read_header, unlock_data_key
from therapist_desk.vault.paths import VaultPaths
from therapist_desk.vault.safe_files import fsync_directory

MANUAL_PREFIX = "therapist-desk-backup-"
AUTOMATIC_PREFIX = "therapist-desk-auto-"
SUFFIX = ".vault"
#: Automatic backups: at most one a day (a little less, so the same evening counts).
AUTOMATIC_INTERVAL = timedelta(hours=20)
#: The window warns when the newest backup is older than this.
BACKUP_WARNING_AGE = timedelta(days=7)


class BackupFailed(TherapistDeskError):
    """The backup could not be written; the vault itself is untouched."""


def backup_name(at: datetime, *, automatic: bool) -> str:
    prefix = AUTOMATIC_PREFIX if automatic else MANUAL_PREFIX
    return f"{prefix}{at.astimezone():%Y-%m-%d-%H%M%S}{SUFFIX}"


def _reason(error: BaseException) -> str:
    if isinstance(error, OSError) and error.strerror:
        return error.strerror.lower()
    if isinstance(error, sqlite3.Error):
        return str(error)
    return type(error).__name__


def _copy_database(source: sqlite3.Connection, destination: Path) -> None:
    """One consistent snapshot of `source`, as a single self-contained file."""
    # Made readable by the owner alone before a byte is written: a file SQLite
    # creates gets the umask's permissions (often world-readable), and whoever
    # opens it meanwhile keeps reading after a later chmod. SQLite gives its
    # journal files the permissions of the database file.
    for leftover in ("", "-journal", "-wal", "-shm"):  # from an interrupted attempt
        destination.with_name(destination.name + leftover).unlink(missing_ok=True)
    os.close(os.open(destination, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    target = sqlite3.connect(destination)
    try:
        source.backup(target)
        # A backup is one file: no write-ahead log to lose when it is carried away.
        target.execute("PRAGMA journal_mode=DELETE")
    finally:
        target.close()
    with destination.open("rb") as handle:
        os.fsync(handle.fileno())


def make_backup(vault: Vault, folder: Path, *, automatic: bool = False) -> Path:
    """Copy the vault into `folder`; returns the new file. Raises BackupFailed."""
    if not folder.is_dir():
        raise BackupFailed(
            f"The backup folder {folder} is not there. If it is on an external drive, "
            "connect the drive and try again."
        )
    now = vault.now()
    target = folder / backup_name(now, automatic=automatic)
    number = 1
    while target.exists():  # two backups in one second: never replace the first
        number += 1
        target = folder / backup_name(now, automatic=automatic).replace(
            SUFFIX, f"-{number}{SUFFIX}"
        )
    partial = target.with_name(target.name + ".partial")
    try:
        with vault.engine.connect() as connection:
            driver = connection.connection.driver_connection
            assert isinstance(driver, sqlite3.Connection)
            _copy_database(driver, partial)
        partial.chmod(0o600)
        partial.replace(target)
        fsync_directory(folder)
    except (OSError, sqlite3.Error, DBAPIError) as error:
        partial.unlink(missing_ok=True)
        raise BackupFailed(
            f"The backup could not be written to {folder} ({_reason(error)}). Nothing was "
            "changed: the vault is as it was, and no partial backup was left."
        ) from error
    with vault.transaction() as session:
        vault_settings.put_setting(session, vault, vault_settings.LAST_BACKUP_AT, now.isoformat())
        vault_settings.put_setting(session, vault, vault_settings.LAST_BACKUP_FILE, str(target))
        if automatic:
            vault_settings.put_setting(
                session, vault, vault_settings.LAST_AUTOMATIC_BACKUP_AT, now.isoformat()
            )
        audit.record(
            session,
            vault,
            AuditKind.BACKUP,
            detail=f"{'automatic' if automatic else 'manual'}: {target.name}",
        )
    if automatic:
        prune_automatic_backups(folder, vault_settings.backup_state(vault).kept)
    return target


def automatic_backups(folder: Path) -> list[Path]:
    """The automatic backups in `folder`, oldest first (their names sort by time)."""
    return sorted(folder.glob(f"{AUTOMATIC_PREFIX}*{SUFFIX}"))


def prune_automatic_backups(folder: Path, kept: int) -> list[Path]:
    """Delete the oldest automatic backups beyond `kept`; manual ones are never touched."""
    removed = []
    for old in automatic_backups(folder)[:-kept] if kept > 0 else []:
        try:
            old.unlink()
            removed.append(old)
        except OSError:
            continue
    return removed


def automatic_backup_due(vault: Vault) -> bool:
    state = vault_settings.backup_state(vault)
    if state.folder is None:
        return False
    last = state.last_automatic_at
    return last is None or vault.now() - last >= AUTOMATIC_INTERVAL


@contextmanager
def opened_backup(
    backup: Path, secret: Secret | None = None, data_key: bytes | None = None
) -> Iterator[Vault]:
    """A backup opened read-only (nothing is written to it), brought to the current schema.

    Opens with `secret`, or with the data key of the unlocked vault it came
    from. A backup made by an older version is checked on an upgraded copy in
    a temporary folder, removed afterwards (it is encrypted all the same).
    """
    if not backup.is_file():
        raise TherapistDeskError(f"There is no backup file at {backup}.")
    engine = create_read_only_engine(backup)
    scratch: Path | None = None
    try:
        header = read_header(engine)
        if data_key is not None:
            key = data_key
        elif secret is not None:
            key = unlock_data_key(header, secret)
        else:
            raise ValueError("a backup opens with a secret or with the data key")
        revision = migration_runner.current_revision(engine)
        if revision is None:
            raise VaultDamaged(f"the backup {backup.name} has no schema revision")
        if revision != migration_runner.head_revision():
            if not migration_runner.is_known_revision(revision):
                raise VaultTooNew(
                    f"The backup {backup.name} was made by a newer version of Therapist Desk."
                )
            engine.dispose()
            scratch = Path(tempfile.mkdtemp(prefix="therapist-desk-check-"))
            copy = scratch / "vault.sqlite3"
            shutil.copyfile(backup, copy)
            engine = create_read_only_engine(copy, writable=True)
            migration_runner.upgrade_to_head(engine, backup_dir=None)
        yield Vault(
            VaultPaths(backup.parent),
            engine,
            KeyHolder(key),
            VaultLock(backup.with_name(backup.name + ".unused-lock")),
            utc_now,
            owns_lock=False,
            read_only=True,
        )
    except DBAPIError as error:
        raise VaultDamaged(f"the backup {backup.name} cannot be read ({error.orig})") from error
    finally:
        engine.dispose()
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)


def verify_backup(
    backup: Path, secret: Secret | None = None, *, data_key: bytes | None = None
) -> list[Problem]:
    """Check a backup as `verify` checks a vault."""
    with opened_backup(backup, secret, data_key) as vault:
        return check_vault(vault)


def record_verified(vault: Vault, backup: Path) -> None:
    with vault.transaction() as session:
        vault_settings.put_setting(
            session, vault, vault_settings.LAST_VERIFIED_AT, vault.now().isoformat()
        )
        audit.record(session, vault, AuditKind.BACKUP_VERIFIED, detail=backup.name)


def restore_backup(
    backup: Path,
    target: VaultPaths,
    secret: Secret,
    *,
    replace: bool = False,
    lock: VaultLock | None = None,
) -> Path | None:
    """Bring `backup` back as the vault in `target`; returns where a replaced vault was kept.

    The backup is checked first and refused if anything in it is damaged. A
    vault already in `target` is replaced only when `replace` is given, and
    then kept beside it under a dated name, never deleted. Pass `lock` when
    the caller already holds the target's lock (the window does).
    """
    problems = verify_backup(backup, secret)
    if problems:
        raise VaultDamaged(
            f"the backup {backup.name} has {len(problems)} problem(s) ({problems[0]}), so it "
            "was not restored; `therapist-desk verify --backup` lists them all"
        )
    target.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    owns_lock = lock is None
    if lock is None:
        lock = VaultLock(target.lock_file)
        lock.acquire()
    kept: Path | None = None
    try:
        if target.vault_exists():
            if not replace:
                raise VaultExists(
                    f"A vault already exists in {target.data_dir}. Restore into a new folder, "
                    "or confirm replacing it (`--replace`); the current vault is then kept "
                    "beside it."
                )
            kept = _set_aside(target)
        building = target.database.with_name(target.database.name + ".restoring")
        building.unlink(missing_ok=True)
        try:
            source = sqlite3.connect(f"file:{backup.as_posix()}?mode=ro", uri=True)
            try:
                _copy_database(source, building)
            finally:
                source.close()
            # closing(): sqlite3's own `with` commits but leaves the connection
            # open, holding the file (and its -wal) after it has been renamed.
            with closing(sqlite3.connect(building)) as connection:
                connection.execute("PRAGMA journal_mode=WAL")
            building.chmod(0o600)
            building.replace(target.database)
            fsync_directory(target.data_dir)
        except (OSError, sqlite3.Error) as error:
            building.unlink(missing_ok=True)
            if kept is not None:
                _put_back(kept, target)
            raise TherapistDeskError(
                f"The backup could not be restored ({_reason(error)}); nothing was changed."
            ) from error
        with unlock_vault(target, secret, lock=lock) as restored:
            restored.record_event(AuditKind.RESTORE, detail=backup.name)
    finally:
        if owns_lock:
            lock.release()
    return kept


def _set_aside(target: VaultPaths) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    kept = target.database.with_name(f"{target.database.name}.replaced-{stamp}")
    number = 1
    while kept.exists():  # replaced twice in one second: never overwrite a kept vault
        number += 1
        kept = target.database.with_name(f"{target.database.name}.replaced-{stamp}-{number}")
    for suffix in ("", "-wal", "-shm"):
        current = target.database.with_name(target.database.name + suffix)
        if current.exists():
            current.replace(kept.with_name(kept.name + suffix))
    return kept


def _put_back(kept: Path, target: VaultPaths) -> None:
    for suffix in ("", "-wal", "-shm"):
        aside = kept.with_name(kept.name + suffix)
        if aside.exists():
            aside.replace(target.database.with_name(target.database.name + suffix))
