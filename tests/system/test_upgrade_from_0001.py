"""A vault made when the schema head was revision 0001 opens, is upgraded, and keeps every record.

The fixture stands for vaults on therapists' computers: copying it, unlocking
it with its passphrase (or its recovery key) must bring it to the current
schema, leave a copy of the file as it was, and change none of its records.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.system.fixture_vaults import (
    FIXTURE_PASSPHRASE,
    copy_of_fixture,
    expected_export,
    recovery_key,
    revision_of,
)
from tests.system.helpers import JsonObject, export_of
from therapist_desk.db import migration_runner
from therapist_desk.domain.vocabulary import AuditKind
from therapist_desk.vault import Secret, audit, unlock_vault
from therapist_desk.vault.check import check_vault
from therapist_desk.vault.paths import VaultPaths

REVISION = "0001"


def _expected_export() -> JsonObject:
    """What the fixture's records export as today (the stored export is format 1)."""
    return expected_export(REVISION)


@pytest.fixture
def old_vault(tmp_path: Path) -> VaultPaths:
    return copy_of_fixture(REVISION, tmp_path)


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
    assert revision_of(kept[0]) == "0001"
    assert revision_of(old_vault.database) == migration_runner.head_revision()

    # Opening again upgrades nothing and copies nothing more.
    with unlock_vault(old_vault, Secret(passphrase=FIXTURE_PASSPHRASE)) as vault:
        assert export_of(vault, include_psychotherapy_notes=True) == _expected_export()
    assert len(list(old_vault.upgrade_backups.iterdir())) == 1


def test_the_recovery_key_kept_with_the_fixture_opens_and_upgrades_it(
    old_vault: VaultPaths,
) -> None:
    key = recovery_key(REVISION)

    with unlock_vault(old_vault, Secret(recovery_key=key)) as vault:
        assert migration_runner.current_revision(vault.engine) == migration_runner.head_revision()
        assert export_of(vault, include_psychotherapy_notes=True) == _expected_export()
        assert check_vault(vault) == []
