"""A vault made when the schema head was revision 0001 opens, is upgraded, and keeps every record.

The fixture stands for vaults on therapists' computers: copying it, unlocking
it with its passphrase (or its recovery key) must bring it to the current
schema, leave a copy of the file as it was, and change none of its records.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.system.helpers import JsonObject, as_version_2, export_of
from therapist_desk import audit
from therapist_desk.db import migration_runner
from therapist_desk.domain.vocabulary import AuditKind
from therapist_desk.paths import VaultPaths
from therapist_desk.vault import Secret, unlock_vault
from therapist_desk.vault_check import check_vault

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FIXTURE = FIXTURES / "vault-0001.sqlite3"
FIXTURE_PASSPHRASE = "fixture vault at revision one"


def _revision_of(database: Path) -> str:
    # immutable: reading a copy must not leave -wal or -shm files beside it.
    connection = sqlite3.connect(f"file:{database.as_posix()}?mode=ro&immutable=1", uri=True)
    try:
        (revision,) = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    finally:
        connection.close()
    assert isinstance(revision, str)
    return revision


def _expected_export() -> JsonObject:
    """What the fixture's records export as today (the stored export is format 1)."""
    document: JsonObject = json.loads((FIXTURES / "vault-0001.export.json").read_text("utf-8"))
    return as_version_2(document)


@pytest.fixture
def old_vault(tmp_path: Path) -> VaultPaths:
    """A private copy of the revision-0001 vault in a data folder of its own."""
    assert _revision_of(FIXTURE) == "0001", "the fixture must stay at revision 0001"
    paths = VaultPaths(tmp_path / "vault")
    paths.data_dir.mkdir(mode=0o700)
    shutil.copyfile(FIXTURE, paths.database)
    return paths


def test_the_old_vault_is_upgraded_keeping_every_record_and_a_copy_of_itself(
    old_vault: VaultPaths,
) -> None:
    assert migration_runner.head_revision() != "0001", "nothing to upgrade"

    with unlock_vault(old_vault, Secret(passphrase=FIXTURE_PASSPHRASE)) as vault:
        assert migration_runner.current_revision(vault.engine) == migration_runner.head_revision()
        assert check_vault(vault) == []
        exported = export_of(vault, include_psychotherapy_notes=True)
        # The upgrade added the audit trail; it starts with this unlock.
        assert [event.details.kind for event in audit.events(vault)] == [AuditKind.UNLOCK]

    assert exported == _expected_export()
    assert exported["clients"], "the fixture holds records"
    assert any(client["psychotherapy_notes"] for client in exported["clients"])

    # The file as it was before the upgrade is kept, still at revision 0001.
    kept = list(old_vault.upgrade_backups.iterdir())
    assert len(kept) == 1, kept
    assert kept[0].name.startswith("vault-before-upgrade-from-0001-")
    assert _revision_of(kept[0]) == "0001"
    assert _revision_of(old_vault.database) == migration_runner.head_revision()

    # Opening again upgrades nothing and copies nothing more.
    with unlock_vault(old_vault, Secret(passphrase=FIXTURE_PASSPHRASE)) as vault:
        assert export_of(vault, include_psychotherapy_notes=True) == _expected_export()
    assert len(list(old_vault.upgrade_backups.iterdir())) == 1


def test_the_recovery_key_kept_with_the_fixture_opens_and_upgrades_it(
    old_vault: VaultPaths,
) -> None:
    key = (FIXTURES / "vault-0001.recovery-key.txt").read_text("ascii").strip()

    with unlock_vault(old_vault, Secret(recovery_key=key)) as vault:
        assert migration_runner.current_revision(vault.engine) == migration_runner.head_revision()
        assert export_of(vault, include_psychotherapy_notes=True) == _expected_export()
        assert check_vault(vault) == []
