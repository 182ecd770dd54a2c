"""Backups: one private, self-contained, still-encrypted file; checked without being
touched; pruned only when automatic; restored whole or not at all.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import sqlite3
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from tests.conftest import PASSPHRASE
from tests.core.conftest import Clock
from tests.db.populate import fill_every_table
from tests.system.helpers import export_in_process, export_of
from therapist_desk.crypto.kdf import FAST_TEST_PARAMS
from therapist_desk.domain.records import ClientDetails
from therapist_desk.domain.vocabulary import AuditKind
from therapist_desk.errors import VaultDamaged, VaultExists, WrongPassphrase
from therapist_desk.records.clients import create_client, list_clients
from therapist_desk.vault import (
    Secret,
    Vault,
    audit,
    backups,
    create_vault,
    passphrases,
    unlock_vault,
)
from therapist_desk.vault import settings as vault_settings
from therapist_desk.vault.backups import BackupFailed
from therapist_desk.vault.check import check_vault
from therapist_desk.vault.paths import VaultPaths

MANUAL_NAME = re.compile(r"therapist-desk-backup-\d{4}-\d{2}-\d{2}-\d{6}\.vault")
NEW_PASSPHRASE = "lanterns over the estuary tonight"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def listing(folder: Path) -> dict[str, str]:
    return {path.name: digest(path) for path in sorted(folder.iterdir())}


def uses_wal(database: Path) -> bool:
    """Whether the file is in WAL mode, read from its header (bytes 18-19: 2 is WAL, 1 is not)."""
    with database.open("rb") as handle:
        versions = handle.read(20)[18:20]
    assert versions in (b"\x01\x01", b"\x02\x02"), versions
    return versions == b"\x02\x02"


def vault_files(paths: VaultPaths) -> dict[str, str]:
    """The vault file and its write-ahead log, byte for byte."""
    return {
        path.name: digest(path)
        for path in (paths.database, paths.database.with_name("vault.sqlite3-wal"))
        if path.exists()
    }


@pytest.fixture
def drive(tmp_path: Path) -> Path:
    """The backup folder (an external drive, say)."""
    folder = tmp_path / "drive"
    folder.mkdir()
    return folder


@dataclass
class Opened:
    vault: Vault
    recovery_key: str
    clock: Clock


@pytest.fixture
def opened(vault_paths: VaultPaths, clock: Clock) -> Iterator[Opened]:
    """A new vault on the test's clock, with its recovery key."""
    created = create_vault(vault_paths, PASSPHRASE, kdf_params=FAST_TEST_PARAMS, clock=clock)
    with created.vault as vault:
        yield Opened(vault, created.recovery_key, clock)


def test_a_backup_is_one_private_file_named_by_its_time_with_no_log_beside_it(
    opened: Opened, drive: Path
) -> None:
    vault = opened.vault
    fill_every_table(vault)
    at = opened.clock()

    made = backups.make_backup(vault, drive)

    assert made.parent == drive
    assert MANUAL_NAME.fullmatch(made.name), made.name
    assert made.name == f"therapist-desk-backup-{at.astimezone():%Y-%m-%d-%H%M%S}.vault"
    assert [path.name for path in drive.iterdir()] == [made.name]  # no .partial, no -journal
    assert stat.S_IMODE(made.stat().st_mode) == 0o600
    assert not uses_wal(made)  # one file: nothing to lose in a -wal
    state = vault_settings.backup_state(vault)
    assert (state.last_backup_at, state.last_backup_file) == (at, made)
    assert audit.events(vault)[0].details.detail == f"manual: {made.name}"


def test_two_backups_in_the_same_second_are_both_kept(opened: Opened, drive: Path) -> None:
    first = backups.make_backup(opened.vault, drive)
    create_client(opened.vault, ClientDetails(legal_name="Added Between Backups"))
    second = backups.make_backup(opened.vault, drive)  # the test's clock has not moved
    assert first != second and first.exists() and second.exists()
    assert second.name == first.name.replace(".vault", "-2.vault")
    with backups.opened_backup(second, Secret(passphrase=PASSPHRASE)) as copy:
        assert [c.details.legal_name for c in list_clients(copy)] == ["Added Between Backups"]


def test_a_backup_verifies_with_either_secret_or_the_data_key_and_is_not_touched(
    opened: Opened, drive: Path
) -> None:
    vault = opened.vault
    fill_every_table(vault)
    made = backups.make_backup(vault, drive)
    before = listing(drive)

    assert backups.verify_backup(made, Secret(passphrase=PASSPHRASE)) == []
    assert backups.verify_backup(made, Secret(recovery_key=opened.recovery_key)) == []
    assert backups.verify_backup(made, data_key=vault.keys.data_key()) == []
    with pytest.raises(WrongPassphrase):
        backups.verify_backup(made, Secret(passphrase=NEW_PASSPHRASE))

    # Checking a backup writes nothing beside it: no -wal, -shm or lock file.
    assert listing(drive) == before


def test_the_backup_is_never_readable_by_others_even_while_it_is_written(
    opened: Opened, drive: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    modes: list[int] = []
    copy = backups._copy_database

    def copy_and_look(source: sqlite3.Connection, destination: Path) -> None:
        copy(source, destination)
        modes.append(stat.S_IMODE(destination.stat().st_mode))

    monkeypatch.setattr(backups, "_copy_database", copy_and_look)
    previous = os.umask(0o022)
    try:
        made = backups.make_backup(opened.vault, drive)
    finally:
        os.umask(previous)

    assert modes == [0o600]
    assert stat.S_IMODE(made.stat().st_mode) == 0o600


def test_automatic_backups_are_pruned_to_the_setting_and_manual_ones_are_kept(
    opened: Opened, drive: Path
) -> None:
    vault, clock = opened.vault, opened.clock
    vault_settings.set_setting(vault, vault_settings.BACKUPS_KEPT, "3")
    automatic, manual = [], []
    for day in range(5):
        clock.advance(days=1)
        automatic.append(backups.make_backup(vault, drive, automatic=True))
        clock.advance(hours=1)
        if day in (0, 3):
            manual.append(backups.make_backup(vault, drive))

    assert sorted(path.name for path in drive.iterdir()) == sorted(
        path.name for path in automatic[-3:] + manual
    )
    assert backups.automatic_backups(drive) == automatic[-3:]


def test_automatic_backups_come_at_most_every_twenty_hours_once_a_folder_is_set(
    opened: Opened, drive: Path
) -> None:
    vault, clock = opened.vault, opened.clock
    assert not backups.automatic_backup_due(vault)  # nowhere to put it yet
    vault_settings.set_setting(vault, vault_settings.BACKUP_FOLDER, str(drive))
    assert backups.automatic_backup_due(vault)

    backups.make_backup(vault, drive, automatic=True)
    assert not backups.automatic_backup_due(vault)
    clock.advance(hours=19, minutes=59)
    assert not backups.automatic_backup_due(vault)
    clock.advance(minutes=1)
    assert backups.automatic_backup_due(vault)


def test_a_backup_into_a_missing_folder_says_so_and_changes_nothing(
    opened: Opened, tmp_path: Path
) -> None:
    vault = opened.vault
    unplugged = tmp_path / "unplugged-drive"
    before = len(audit.events(vault))

    with pytest.raises(BackupFailed, match="connect the drive") as raised:
        backups.make_backup(vault, unplugged)

    assert str(unplugged) in raised.value.message
    assert not unplugged.exists()
    assert vault_settings.backup_state(vault).last_backup_at is None
    assert len(audit.events(vault)) == before


def test_a_backup_failing_midway_leaves_no_file_and_the_vault_as_it_was(
    opened: Opened, drive: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault = opened.vault
    fill_every_table(vault)
    exported = export_of(vault, include_psychotherapy_notes=True)
    events = audit.events(vault)
    files = vault_files(vault.paths)
    written: list[Path] = []

    def disk_full(source: sqlite3.Connection, destination: Path) -> None:
        with destination.open("wb") as handle:
            handle.write(b"SQLite format 3\x00" + os.urandom(40_000))
        written.append(destination)
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(backups, "_copy_database", disk_full)

    with pytest.raises(BackupFailed, match="no space left on device") as raised:
        backups.make_backup(vault, drive)

    assert "no partial backup was left" in raised.value.message
    assert written, "the failure must come from the copy"
    assert list(drive.iterdir()) == []
    assert vault_files(vault.paths) == files
    assert audit.events(vault) == events
    assert vault_settings.backup_state(vault).last_backup_at is None
    assert export_of(vault, include_psychotherapy_notes=True) == exported
    assert check_vault(vault) == []


def test_a_restored_backup_holds_exactly_the_records_backed_up(
    opened: Opened, drive: Path, tmp_path: Path
) -> None:
    vault = opened.vault
    fill_every_table(vault)
    made = backups.make_backup(vault, drive)
    exported = export_of(vault, include_psychotherapy_notes=True)
    # Written after the backup: not in it.
    create_client(vault, ClientDetails(legal_name="After The Backup"))
    restored = VaultPaths(tmp_path / "restored")

    kept = backups.restore_backup(made, restored, Secret(passphrase=PASSPHRASE))

    assert kept is None
    assert export_in_process(restored.data_dir, include_psychotherapy_notes=True) == exported
    assert uses_wal(restored.database)
    assert sorted(path.name for path in restored.data_dir.iterdir()) == [
        "vault.lock",
        "vault.sqlite3",
    ]
    with unlock_vault(restored, Secret(passphrase=PASSPHRASE)) as again:
        assert check_vault(again) == []
        kinds = [event.details for event in audit.events(again, kind=AuditKind.RESTORE)]
    assert [details.detail for details in kinds] == [made.name]


def _closed_vault_with(folder: Path, name: str) -> VaultPaths:
    paths = VaultPaths(folder)
    created = create_vault(paths, PASSPHRASE, kdf_params=FAST_TEST_PARAMS)
    with created.vault as vault:
        create_client(vault, ClientDetails(legal_name=name))
    return paths


def _names(paths: VaultPaths, secret: Secret | None = None) -> list[str]:
    with unlock_vault(paths, secret or Secret(passphrase=PASSPHRASE)) as vault:
        return [client.details.legal_name for client in list_clients(vault)]


def test_restoring_over_a_vault_needs_replace_and_keeps_the_old_one_beside_it(
    opened: Opened, drive: Path, tmp_path: Path
) -> None:
    create_client(opened.vault, ClientDetails(legal_name="In The Backup"))
    made = backups.make_backup(opened.vault, drive)
    current = _closed_vault_with(tmp_path / "current", "In The Current Vault")
    before = vault_files(current)

    with pytest.raises(VaultExists, match="--replace"):
        backups.restore_backup(made, current, Secret(passphrase=PASSPHRASE))
    assert vault_files(current) == before

    kept = backups.restore_backup(made, current, Secret(passphrase=PASSPHRASE), replace=True)

    assert kept is not None
    assert kept.parent == current.data_dir
    assert re.fullmatch(r"vault\.sqlite3\.replaced-\d{8}-\d{6}", kept.name), kept.name
    assert digest(kept) == before["vault.sqlite3"]
    assert _names(current) == ["In The Backup"]
    # The vault it replaced still opens, with everything it held.
    elsewhere = VaultPaths(tmp_path / "kept")
    elsewhere.data_dir.mkdir()
    elsewhere.database.write_bytes(kept.read_bytes())
    assert _names(elsewhere) == ["In The Current Vault"]


def test_replacing_twice_in_the_same_second_keeps_both_replaced_vaults(
    opened: Opened, drive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = backups.make_backup(opened.vault, drive)
    current = _closed_vault_with(tmp_path / "current", "The Original Vault")
    original = digest(current.database)

    class FrozenTime(datetime):
        @classmethod
        def now(cls, tz: object = None) -> FrozenTime:
            return cls(2024, 5, 6, 9, 30, 0)

    monkeypatch.setattr(backups, "datetime", FrozenTime)
    first = backups.restore_backup(made, current, Secret(passphrase=PASSPHRASE), replace=True)
    second = backups.restore_backup(made, current, Secret(passphrase=PASSPHRASE), replace=True)

    assert first is not None and second is not None
    assert first != second
    assert digest(first) == original  # the therapist's own vault is never overwritten
    assert second.exists()


def _flip_a_byte_of(backup: Path) -> tuple[str, str]:
    connection = sqlite3.connect(backup)
    try:
        row_id, blob = connection.execute(
            "SELECT id, legal_name FROM clients ORDER BY id LIMIT 1"
        ).fetchone()
        damaged = bytearray(blob)
        damaged[len(damaged) // 2] ^= 0x40
        with connection:
            connection.execute(
                "UPDATE clients SET legal_name = ? WHERE id = ?", (bytes(damaged), row_id)
            )
    finally:
        connection.close()
    return "clients.legal_name", row_id


def test_a_damaged_backup_is_refused_by_restore_and_verify_names_the_place(
    opened: Opened, drive: Path, tmp_path: Path
) -> None:
    fill_every_table(opened.vault)
    made = backups.make_backup(opened.vault, drive)
    place, row_id = _flip_a_byte_of(made)
    target = VaultPaths(tmp_path / "restored")

    with pytest.raises(VaultDamaged, match="was not restored") as raised:
        backups.restore_backup(made, target, Secret(passphrase=PASSPHRASE))

    assert f"{place}, row {row_id}" in raised.value.message
    assert not target.vault_exists()
    problems = backups.verify_backup(made, Secret(passphrase=PASSPHRASE))
    assert [str(problem) for problem in problems] == [
        f"{place}, row {row_id}: cannot be decrypted (altered, moved or damaged)"
    ]


def test_a_backup_keeps_the_secrets_of_the_day_it_was_made(opened: Opened, drive: Path) -> None:
    vault = opened.vault
    create_client(vault, ClientDetails(legal_name="Before The Change"))
    made = backups.make_backup(vault, drive)

    passphrases.change_passphrase(vault, NEW_PASSPHRASE)
    new_key = passphrases.new_recovery_key(vault)

    assert backups.verify_backup(made, Secret(passphrase=PASSPHRASE)) == []
    assert backups.verify_backup(made, Secret(recovery_key=opened.recovery_key)) == []
    with pytest.raises(WrongPassphrase):
        backups.verify_backup(made, Secret(passphrase=NEW_PASSPHRASE))
    with pytest.raises(WrongPassphrase):
        backups.verify_backup(made, Secret(recovery_key=new_key))
