"""Unlocking: the therapist is told *wrong passphrase*, *damaged*, *too new*, *in use*
or *no vault*, and a failed attempt never changes the vault file or keeps it locked.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import PASSPHRASE
from therapist_desk.domain.records import ClientDetails
from therapist_desk.domain.vocabulary import AuditKind
from therapist_desk.errors import (
    ExitStatus,
    NoVault,
    VaultDamaged,
    VaultInUse,
    VaultTooNew,
    WrongPassphrase,
)
from therapist_desk.records.clients import create_client, list_clients
from therapist_desk.vault import Secret, Vault, audit, unlock_vault
from therapist_desk.vault.lock import VaultLock
from therapist_desk.vault.paths import VaultPaths

CLIENT_NAME = "Amira Haddad"


@pytest.fixture
def closed_vault(vault: Vault) -> VaultPaths:
    """A vault holding one client, closed cleanly (checkpointed, no -wal file)."""
    create_client(vault, ClientDetails(legal_name=CLIENT_NAME))
    vault.close()
    return vault.paths


def fingerprint(paths: VaultPaths) -> tuple[str, list[str]]:
    """The vault file's SHA-256 and the names of every file in its folder."""
    digest = hashlib.sha256(paths.database.read_bytes()).hexdigest()
    return digest, sorted(os.listdir(paths.data_dir))


def assert_lock_is_free(paths: VaultPaths) -> None:
    lock = VaultLock(paths.lock_file)
    lock.acquire()  # raises VaultInUse if a failed attempt kept it
    lock.release()


def assert_opens_with_its_records(paths: VaultPaths) -> None:
    with unlock_vault(paths, Secret(passphrase=PASSPHRASE)) as vault:
        assert [client.details.legal_name for client in list_clients(vault)] == [CLIENT_NAME]


def run_sql(paths: VaultPaths, statement: str, *params: object) -> None:
    """Change the vault file behind the program's back, as another tool would."""
    with contextlib.closing(sqlite3.connect(paths.database)) as connection, connection:
        connection.execute(statement, params)


def header_document(paths: VaultPaths) -> bytes:
    with contextlib.closing(sqlite3.connect(paths.database)) as connection:
        document = connection.execute("SELECT document FROM vault_header").fetchone()[0]
    assert isinstance(document, bytes)
    return document


def test_the_right_passphrase_opens_the_vault(closed_vault: VaultPaths) -> None:
    assert_opens_with_its_records(closed_vault)


def test_a_wrong_passphrase_is_named_as_such_and_changes_nothing(
    closed_vault: VaultPaths,
) -> None:
    """The user is told to retype, not that the vault is broken."""
    digest, files = fingerprint(closed_vault)
    with pytest.raises(WrongPassphrase) as refused:
        unlock_vault(closed_vault, Secret(passphrase=PASSPHRASE + " "))
    assert refused.value.exit_status is ExitStatus.WRONG_PASSPHRASE
    assert "passphrase" in refused.value.message.lower()
    # The vault file is untouched; only the time of the attempt is noted beside it…
    assert fingerprint(closed_vault) == (digest, sorted([*files, "failed-unlocks.txt"]))
    assert closed_vault.failed_unlocks.read_text().strip().endswith("passphrase")
    # …and moved into the audit trail by the next unlock.
    with unlock_vault(closed_vault, Secret(passphrase=PASSPHRASE)) as vault:
        kinds = [event.details.kind for event in audit.events(vault)]
    assert kinds[:2] == [AuditKind.UNLOCK, AuditKind.FAILED_UNLOCK]
    assert not closed_vault.failed_unlocks.exists()
    assert_opens_with_its_records(closed_vault)


def change_one_header_character(paths: VaultPaths) -> None:
    """One character of the vault id changed; the header is still valid JSON."""
    document = header_document(paths)
    vault_id = json.loads(document)["vault_id"]
    changed_id = ("1" if vault_id[0] != "1" else "2") + vault_id[1:]
    changed = document.replace(vault_id.encode(), changed_id.encode())
    assert changed != document
    json.loads(changed)
    run_sql(paths, "UPDATE vault_header SET document = ?", changed)


def change_the_kdf_iterations(paths: VaultPaths) -> None:
    """A key-slot parameter changed by one digit, still valid JSON."""
    document = header_document(paths)
    changed = document.replace(b'"iterations":1,', b'"iterations":2,', 1)
    assert changed != document
    json.loads(changed)
    run_sql(paths, "UPDATE vault_header SET document = ?", changed)


def passphrase_slot_without_argon2(paths: VaultPaths) -> None:
    """A consistent header (checksum recomputed) whose passphrase slot names no Argon2id."""
    document = json.loads(header_document(paths))
    del document["checksum"]
    slot = document["slots"]["passphrase"]
    slot["kdf"] = "hkdf-sha256"
    for name in ("memory_kib", "iterations", "lanes"):
        del slot[name]
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"))
    document["checksum"] = hashlib.sha256(canonical.encode()).hexdigest()
    run_sql(paths, "UPDATE vault_header SET document = ?", json.dumps(document).encode())


def replace_header_with_garbage(paths: VaultPaths) -> None:
    run_sql(paths, "UPDATE vault_header SET document = ?", b"\x00\xffnot a header{")


def zero_the_file(paths: VaultPaths) -> None:
    paths.database.write_bytes(bytes(paths.database.stat().st_size))


def keep_the_first_half(paths: VaultPaths) -> None:
    data = paths.database.read_bytes()
    paths.database.write_bytes(data[: len(data) // 2])


def fill_with_random_bytes(paths: VaultPaths) -> None:
    paths.database.write_bytes(os.urandom(paths.database.stat().st_size))


def empty_the_file(paths: VaultPaths) -> None:
    paths.database.write_bytes(b"")


def remove_the_schema_revision(paths: VaultPaths) -> None:
    run_sql(paths, "DELETE FROM alembic_version")


DAMAGE: dict[str, Callable[[VaultPaths], None]] = {
    "header: one character of the vault id": change_one_header_character,
    "header: key-derivation iterations": change_the_kdf_iterations,
    "header: passphrase slot without Argon2id": passphrase_slot_without_argon2,
    "header: garbage": replace_header_with_garbage,
    "file: zeroed": zero_the_file,
    "file: first half only": keep_the_first_half,
    "file: random bytes": fill_with_random_bytes,
    "file: empty": empty_the_file,
    "schema revision missing": remove_the_schema_revision,
}


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_a_damaged_vault_is_reported_as_damaged_and_left_exactly_as_it_was(
    closed_vault: VaultPaths, damage: Callable[[VaultPaths], None]
) -> None:
    """Damage is not reported as a wrong passphrase, and the attempt writes nothing.

    Restoring the good file afterwards opens it at once: no lock was kept.
    """
    good = closed_vault.database.read_bytes()
    damage(closed_vault)
    before = fingerprint(closed_vault)

    with pytest.raises(VaultDamaged) as refused:
        unlock_vault(closed_vault, Secret(passphrase=PASSPHRASE))

    assert refused.value.exit_status is ExitStatus.VAULT_DAMAGED
    assert fingerprint(closed_vault) == before
    assert_lock_is_free(closed_vault)
    closed_vault.database.write_bytes(good)
    assert_opens_with_its_records(closed_vault)


def test_a_vault_from_a_newer_program_is_refused_and_left_as_it_was(
    closed_vault: VaultPaths,
) -> None:
    """No upgrade, no backup copy, no change: the newer program can still open it."""
    run_sql(closed_vault, "UPDATE alembic_version SET version_num = 'ffffffffffff'")
    before = fingerprint(closed_vault)

    with pytest.raises(VaultTooNew) as refused:
        unlock_vault(closed_vault, Secret(passphrase=PASSPHRASE))

    assert refused.value.exit_status is ExitStatus.VAULT_TOO_NEW
    assert "ffffffffffff" in refused.value.message
    assert fingerprint(closed_vault) == before
    assert not closed_vault.upgrade_backups.exists()
    assert_lock_is_free(closed_vault)


def test_a_missing_vault_file_is_reported_and_nothing_is_created(
    closed_vault: VaultPaths,
) -> None:
    closed_vault.database.unlink()
    before = sorted(os.listdir(closed_vault.data_dir))
    with pytest.raises(NoVault) as refused:
        unlock_vault(closed_vault, Secret(passphrase=PASSPHRASE))
    assert refused.value.exit_status is ExitStatus.NO_VAULT
    assert sorted(os.listdir(closed_vault.data_dir)) == before


def test_a_missing_data_folder_is_reported_and_not_created(tmp_path: Path) -> None:
    paths = VaultPaths(tmp_path / "nowhere")
    with pytest.raises(NoVault):
        unlock_vault(paths, Secret(passphrase=PASSPHRASE))
    assert not paths.data_dir.exists()


def test_a_second_unlock_in_the_same_process_is_refused_while_the_vault_is_open(
    closed_vault: VaultPaths,
) -> None:
    """Two windows on one vault could overwrite each other's notes."""
    first = unlock_vault(closed_vault, Secret(passphrase=PASSPHRASE))
    try:
        with pytest.raises(VaultInUse) as refused:
            unlock_vault(closed_vault, Secret(passphrase=PASSPHRASE))
        assert refused.value.exit_status is ExitStatus.VAULT_IN_USE
        assert str(os.getpid()) in refused.value.message
        # The refused attempt did not disturb the window that has the vault open.
        assert [client.details.legal_name for client in list_clients(first)] == [CLIENT_NAME]
    finally:
        first.close()
    assert_opens_with_its_records(closed_vault)
