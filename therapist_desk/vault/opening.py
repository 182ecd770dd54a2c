"""Creating, unlocking and closing a vault.

A vault is a folder holding one SQLite file whose values are encrypted with a
random data key; the key is stored only wrapped in the key slots of the vault
header (see therapist_desk.crypto.vault_header). Unlocking derives the slot key,
unwraps the data key, and brings the schema up to date.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Self

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from therapist_desk.crypto import kdf, recovery_key, vault_header
from therapist_desk.crypto.key_holder import KeyHolder
from therapist_desk.crypto.vault_header import HeaderDamaged, SlotWontOpen, VaultHeader
from therapist_desk.db import audit_log, migration_runner
from therapist_desk.db.column_types import new_id
from therapist_desk.db.engine import checkpoint, create_vault_engine, enable_wal
from therapist_desk.db.models import PracticeProfileRow, VaultHeaderRow
from therapist_desk.db.record_codec import RecordCodec
from therapist_desk.domain.records import AuditEventDetails, PracticeProfile
from therapist_desk.domain.vocabulary import AuditKind
from therapist_desk.errors import (
    InvalidInput,
    NoVault,
    StorageProblem,
    TherapistDeskError,
    VaultCloseProblem,
    VaultDamaged,
    VaultExists,
    VaultTooNew,
    WrongPassphrase,
)
from therapist_desk.vault.lock import VaultLock
from therapist_desk.vault.paths import VaultPaths
from therapist_desk.vault.safe_files import fsync_directory

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class UnlockTimings:
    """Seconds spent unlocking: the key derivation, and everything else."""

    key_derivation: float
    total: float

    @property
    def rest(self) -> float:
        return self.total - self.key_derivation


@dataclass(frozen=True)
class NewVault:
    vault: Vault
    #: The recovery key in its printable form; shown to the user once, never stored.
    recovery_key: str


class Vault:
    """An unlocked vault: its engine, one session factory and the record codec."""

    def __init__(
        self,
        paths: VaultPaths,
        engine: Engine,
        keys: KeyHolder,
        lock: VaultLock,
        clock: Clock = utc_now,
        timings: UnlockTimings | None = None,
        *,
        owns_lock: bool = True,
        read_only: bool = False,
    ) -> None:
        self.paths = paths
        self.engine = engine
        self.keys = keys
        self.codec = RecordCodec(keys)
        self.now = clock
        self.unlock_timings = timings
        self._lock = lock
        self._owns_lock = owns_lock
        self._open = True
        #: A backup opened to be checked: nothing is written, not even the audit trail.
        self.read_only = read_only
        self._audit_key: bytes | None = None
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    # -- sessions -----------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One short unit of work; commits on success, rolls back on any error."""
        with self._sessions.begin() as session:
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reads; nothing it does is committed."""
        with self._sessions() as session:
            try:
                yield session
            finally:
                session.rollback()

    # -- life cycle -----------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self._open

    def checkpoint(self) -> None:
        """Fold the write-ahead log into the file and empty it."""
        checkpoint(self.engine)

    def close(self) -> None:
        """Checkpoint, drop the keys, close every connection and release the lock.

        A lock handed in by the caller (the window holds one for its whole life,
        so a second program cannot open the vault while this one is locked)
        stays with the caller.
        """
        if not self._open:
            return
        self._open = False
        problem: BaseException | None = None
        try:
            if not self.read_only:
                # Each step is tried whatever happened to the one before: on a full
                # disk the lock entry may be lost and the log not folded back, but
                # every committed save is safe in the log, and the key must go.
                try:
                    self.record_event(AuditKind.LOCK)
                except (SQLAlchemyError, sqlite3.Error, OSError) as error:
                    problem = error
                try:
                    self.checkpoint()
                except (SQLAlchemyError, sqlite3.Error, OSError) as error:
                    problem = problem or error
        finally:
            self.keys.lock()
            self.engine.dispose()
            if self._owns_lock:
                self._lock.release()
        if problem is not None:
            raise VaultCloseProblem(
                "The vault was closed, but it could not record the lock or fold its log "
                f"back into the file ({_problem_text(problem)}). Everything saved is safe; free "
                "some disk space and run `therapist-desk verify`."
            ) from problem

    def audit_key(self) -> bytes:
        """The key that chains the audit trail (derived once from the data key)."""
        if self._audit_key is None:
            self._audit_key = self.keys.subkey("audit")
        return self._audit_key

    def record_event(
        self, kind: AuditKind, *, client_id: str = "", record_id: str = "", detail: str = ""
    ) -> None:
        """An audit entry in a transaction of its own (unlock, lock, backup…)."""
        with self.transaction() as session:
            audit_log.append_event(
                session,
                self.codec,
                self.audit_key(),
                AuditEventDetails(kind, client_id, record_id, detail),
                self.now(),
            )

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: object, *_exc: object) -> None:
        try:
            self.close()
        except VaultCloseProblem:
            if exc_type is None:
                raise
            # The error already on its way out says what went wrong first.

    # -- header -----------------------------------------------------------------

    def read_header(self) -> VaultHeader:
        with self.reading() as session:
            return _header_from(session.get(VaultHeaderRow, 1))

    def write_header(self, header: VaultHeader) -> None:
        with self.transaction() as session:
            row = session.get(VaultHeaderRow, 1)
            if row is None:
                raise VaultDamaged("the vault header is missing")
            row.document = header.to_bytes()


def _header_from(row: VaultHeaderRow | None) -> VaultHeader:
    if row is None:
        raise VaultDamaged("the vault header is missing")
    try:
        return VaultHeader.from_bytes(row.document)
    except HeaderDamaged as error:
        raise VaultDamaged(str(error)) from error


def create_vault(
    paths: VaultPaths,
    passphrase: str,
    *,
    kdf_params: kdf.Argon2idParams | None = None,
    practice: PracticeProfile | None = None,
    clock: Clock = utc_now,
    lock: VaultLock | None = None,
) -> NewVault:
    """Make a new, empty vault and return it unlocked with its recovery key.

    The file is built under a temporary name and renamed into place when
    complete, so a crash during creation never leaves a half-made vault.
    """
    paths.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    if paths.vault_exists():
        raise VaultExists(f"A vault already exists in {paths.data_dir}.")
    owns_lock = lock is None
    if lock is None:
        lock = VaultLock(paths.lock_file)
        lock.acquire()
    try:
        params = kdf_params or kdf.calibrate()
        data_key = vault_header.new_data_key()
        recovery = recovery_key.generate()
        header = vault_header.new_header()
        header = header.with_slot(
            vault_header.PASSPHRASE_SLOT,
            vault_header.new_passphrase_slot(header, data_key, passphrase, params),
        )
        header = header.with_slot(
            vault_header.RECOVERY_SLOT,
            vault_header.new_recovery_slot(header, data_key, recovery),
        )
        _build_vault_file(paths, header, KeyHolder(data_key), practice or PracticeProfile(), clock)
        engine = create_vault_engine(paths.database)
    except BaseException:
        if owns_lock:
            lock.release()
        raise
    vault = Vault(paths, engine, KeyHolder(data_key), lock, clock, owns_lock=owns_lock)
    return NewVault(vault, recovery_key.format_key(recovery))


def _build_vault_file(
    paths: VaultPaths,
    header: VaultHeader,
    keys: KeyHolder,
    practice: PracticeProfile,
    clock: Clock,
) -> None:
    building = paths.database.with_name(paths.database.name + ".creating")
    for leftover in _sqlite_files(building):
        leftover.unlink(missing_ok=True)
    fd = os.open(building, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    try:
        enable_wal(building)
        engine = create_vault_engine(building)
        try:
            migration_runner.upgrade_to_head(engine, backup_dir=None)
            codec = RecordCodec(keys)
            with sessionmaker(engine).begin() as session:
                session.add(VaultHeaderRow(id=1, document=header.to_bytes()))
                audit_log.append_event(
                    session,
                    codec,
                    keys.subkey("audit"),
                    AuditEventDetails(AuditKind.CREATE, detail="vault"),
                    clock(),
                )
                profile_id = new_id()
                session.add(
                    PracticeProfileRow(
                        id=profile_id,
                        updated_at=clock(),
                        **codec.seal_details("practice_profile", profile_id, practice),
                    )
                )
            checkpoint(engine)
        finally:
            engine.dispose()
        building.replace(paths.database)
        fsync_directory(paths.data_dir)
    finally:
        for leftover in _sqlite_files(building):
            leftover.unlink(missing_ok=True)


def _sqlite_files(database: Path) -> list[Path]:
    return [
        database,
        *(database.with_name(database.name + suffix) for suffix in ("-wal", "-shm")),
    ]


@dataclass(frozen=True)
class Secret:
    """What the user typed to unlock: a passphrase or a recovery key."""

    passphrase: str | None = None
    recovery_key: str | None = None

    def __post_init__(self) -> None:
        if (self.passphrase is None) == (self.recovery_key is None):
            raise ValueError("give either a passphrase or a recovery key")


def unlock_vault(
    paths: VaultPaths,
    secret: Secret,
    *,
    clock: Clock = utc_now,
    lock: VaultLock | None = None,
) -> Vault:
    """Open the vault in `paths` with `secret`.

    Raises NoVault, VaultInUse, VaultDamaged, WrongPassphrase, InvalidInput
    (a mistyped recovery key, caught before any key derivation) or VaultTooNew.
    A failed attempt writes nothing to the vault file. Pass `lock` when the
    caller already holds the vault's process lock and keeps it after closing.
    """
    started = time.perf_counter()
    if not paths.vault_exists():
        raise NoVault(
            f"There is no vault in {paths.data_dir}. "
            "Create one with `therapist-desk init`, or give the right --data-dir."
        )
    recovery = _parse_recovery_key(secret)
    owns_lock = lock is None
    if lock is None:
        lock = VaultLock(paths.lock_file)
        lock.acquire()
    engine = create_vault_engine(paths.database)
    try:
        header = _read_header_before_unlock(engine)
        derivation_started = time.perf_counter()
        try:
            data_key = _open_slot(header, secret, recovery)
        except WrongPassphrase:
            _note_failed_unlock(paths, clock(), recovery is not None)
            raise
        derivation = time.perf_counter() - derivation_started
        keys = KeyHolder(data_key)
        try:
            if migration_runner.current_revision(engine) is None:
                # The header is there, so the schema was made: without its
                # revision, "upgrading" would try to create every table again.
                raise VaultDamaged("its schema revision is missing")
            migration_runner.upgrade_to_head(engine, paths.upgrade_backups)
        except migration_runner.VaultTooNew as error:
            raise VaultTooNew(
                f"This vault was made by a newer version of Therapist Desk (schema "
                f"{error.revision}). Install the newer version to open it; nothing was changed."
            ) from error
        except migration_runner.MigrationFailed as error:
            raise TherapistDeskError(
                f"The vault could not be brought up to date ({error}); it was left as it was. "
                f"A copy made before the attempt is in {paths.upgrade_backups}."
            ) from error
        except DBAPIError as error:
            raise _unreadable(error) from error
    except BaseException:
        engine.dispose()
        if owns_lock:
            lock.release()
        raise
    timings = UnlockTimings(derivation, time.perf_counter() - started)
    vault = Vault(paths, engine, keys, lock, clock, timings, owns_lock=owns_lock)
    try:
        _record_unlock(vault, paths, recovery is not None)
    except BaseException:
        vault.close()
        raise
    return vault


def _note_failed_unlock(paths: VaultPaths, at: datetime, with_recovery_key: bool) -> None:
    """Remember a failed attempt beside the vault (the vault itself stays untouched).

    Only the time and the kind of secret are written; the next successful
    unlock moves them into the encrypted audit trail and removes the file.
    """
    try:
        with paths.failed_unlocks.open("a", encoding="ascii") as handle:
            handle.write(f"{at.isoformat()} {_secret_kind(with_recovery_key)}\n")
    except OSError:
        pass  # a full or read-only disk must not turn a wrong passphrase into a crash


def _secret_kind(with_recovery_key: bool) -> str:
    """How the vault was (or was not) unlocked, as the audit trail names it."""
    return "recovery key" if with_recovery_key else "passphrase"


def _record_unlock(vault: Vault, paths: VaultPaths, with_recovery_key: bool) -> None:
    attempts: list[tuple[datetime, str]] = []
    if paths.failed_unlocks.exists():
        for line in paths.failed_unlocks.read_text("ascii", errors="replace").splitlines():
            stamp, _, method = line.partition(" ")
            try:
                attempts.append((datetime.fromisoformat(stamp), method))
            except ValueError:
                continue
    with vault.transaction() as session:
        for at, method in attempts:
            audit_log.append_event(
                session,
                vault.codec,
                vault.audit_key(),
                AuditEventDetails(AuditKind.FAILED_UNLOCK, detail=method[:40]),
                at,
            )
        audit_log.append_event(
            session,
            vault.codec,
            vault.audit_key(),
            AuditEventDetails(AuditKind.UNLOCK, detail=_secret_kind(with_recovery_key)),
            vault.now(),
        )
    paths.failed_unlocks.unlink(missing_ok=True)


def read_header(engine: Engine) -> VaultHeader:
    """The header of the vault behind `engine`; raises VaultDamaged."""
    return _read_header_before_unlock(engine)


def unlock_data_key(header: VaultHeader, secret: Secret) -> bytes:
    """The data key from `header`'s slots; raises WrongPassphrase or InvalidInput."""
    return _open_slot(header, secret, _parse_recovery_key(secret))


def _parse_recovery_key(secret: Secret) -> bytes | None:
    """The recovery key's bytes, when that is what was typed; a mistyped one is InvalidInput."""
    if secret.recovery_key is None:
        return None
    try:
        return recovery_key.parse_key(secret.recovery_key)
    except recovery_key.RecoveryKeyInvalid as error:
        raise InvalidInput(str(error)) from error


def _open_slot(header: VaultHeader, secret: Secret, recovery: bytes | None) -> bytes:
    if recovery is not None:
        slot_name = vault_header.RECOVERY_SLOT
        wrong = "That recovery key does not open this vault. Is it the key for this vault?"
    else:
        slot_name = vault_header.PASSPHRASE_SLOT
        wrong = "Wrong passphrase. Check Caps Lock and the keyboard layout, and try again."
    slot = header.slots[slot_name]
    try:
        if recovery is not None:
            kek = vault_header.slot_key_for_recovery(recovery, slot)
        else:
            assert secret.passphrase is not None
            # A passphrase slot without Argon2id parameters raises HeaderDamaged here.
            kek = vault_header.slot_key_for_passphrase(secret.passphrase, slot)
        return vault_header.open_slot(header, slot_name, kek)
    except SlotWontOpen as error:
        raise WrongPassphrase(wrong) from error
    except HeaderDamaged as error:
        raise VaultDamaged(str(error)) from error


def _read_header_before_unlock(engine: Engine) -> VaultHeader:
    """Read the header without writing anything; every failure means damage."""
    try:
        with engine.connect() as connection:
            has_table = connection.execute(
                text("SELECT 1 FROM sqlite_master WHERE type='table' AND name='vault_header'")
            ).first()
            if has_table is None:
                raise VaultDamaged("the file is not a Therapist Desk vault, or it is empty")
            row = connection.execute(text("SELECT document FROM vault_header WHERE id = 1")).first()
    except DBAPIError as error:
        raise _unreadable(error) from error
    if row is None or not isinstance(row[0], bytes):
        raise VaultDamaged("the vault header is missing")
    try:
        return VaultHeader.from_bytes(row[0])
    except HeaderDamaged as error:
        raise VaultDamaged(str(error)) from error


#: SQLite's result codes that mean the disk or the file system, not a damaged vault.
_STORAGE_CODES = {
    "SQLITE_FULL": "the disk is full",
    "SQLITE_READONLY": "the vault's folder or file cannot be written",
    "SQLITE_CANTOPEN": "the vault's files cannot be opened",
    "SQLITE_PERM": "the vault's files may not be opened by this account",
    "SQLITE_IOERR": "the disk failed to read or write",
}


def _unreadable(error: DBAPIError) -> TherapistDeskError:
    """Damage, or a disk problem (which a restore would not cure): each its own message."""
    original = error.orig
    name = getattr(original, "sqlite_errorname", "") or ""
    for code, meaning in _STORAGE_CODES.items():
        if name == code or name.startswith(code + "_"):
            return StorageProblem(
                f"The vault cannot be opened: {meaning} ({_reason(error)}). The vault itself "
                "was not changed. Free some disk space or check the drive, then try again."
            )
    return VaultDamaged(f"the database cannot be read ({_reason(error)})")


def _problem_text(error: BaseException) -> str:
    if isinstance(error, DBAPIError):
        return _reason(error)
    if isinstance(error, sqlite3.Error):
        return str(error)
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return type(error).__name__


def _reason(error: DBAPIError) -> str:
    original = error.orig
    if isinstance(original, sqlite3.Error):
        return str(original)
    return type(original).__name__
