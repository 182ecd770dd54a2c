"""A vault made when the schema head was revision 0002 opens, is upgraded, and keeps every record.

Revision 0002 added the audit trail and the vault's settings; 0003 the clinical
record. The fixture stands for vaults on therapists' computers: copying it,
unlocking it with its passphrase (or its recovery key) must bring it to the
current schema, leave a copy of the file as it was, and change none of its
records; the upgraded vault then holds a clinical record like any other.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.system.fixture_vaults import (
    FIXTURE_PASSPHRASE,
    copy_of_fixture,
    expected_export,
    fixture_database,
    read_rows,
    recovery_key,
    revision_of,
    stored_contents,
)
from tests.system.helpers import JsonObject, export_of, run_cli
from therapist_desk.clinical.diagnoses import add_diagnosis
from therapist_desk.clinical.measures import add_measure
from therapist_desk.clinical.treatment_plans import new_goal, new_objective, save_plan
from therapist_desk.db import migration_runner
from therapist_desk.domain.records import DiagnosisDetails, MeasureDetails, TreatmentPlanDetails
from therapist_desk.domain.vocabulary import AuditKind, MeasureKind
from therapist_desk.errors import ExitStatus
from therapist_desk.vault import Secret, audit, unlock_vault
from therapist_desk.vault.check import check_vault
from therapist_desk.vault.paths import VaultPaths
from therapist_desk.vault.settings import get_setting

REVISION = "0002"
FIXTURE = fixture_database(REVISION)


def _expected_export() -> JsonObject:
    """The fixture's records as an export writes them today (format 2, no clinical record yet)."""
    document = expected_export(REVISION)
    assert document["clients"], "the fixture holds records"
    return document


@pytest.fixture
def old_vault(tmp_path: Path) -> VaultPaths:
    return copy_of_fixture(REVISION, tmp_path)


def test_the_old_vault_is_upgraded_keeping_every_record_and_a_copy_of_itself(
    old_vault: VaultPaths,
) -> None:
    assert migration_runner.head_revision() != "0002", "nothing to upgrade"
    trail_before = [seq for (seq,) in read_rows(FIXTURE, "SELECT seq FROM audit_events")]
    settings_before = [key for (key,) in read_rows(FIXTURE, "SELECT key FROM vault_settings")]
    assert trail_before and settings_before, "the fixture holds what revision 0002 added"

    with unlock_vault(old_vault, Secret(passphrase=FIXTURE_PASSPHRASE)) as vault:
        assert migration_runner.current_revision(vault.engine) == migration_runner.head_revision()
        assert check_vault(vault) == []
        exported = export_of(vault, include_psychotherapy_notes=True)
        events = audit.events(vault)
        settings = {key: get_setting(vault, key) for key in settings_before}

    assert exported == _expected_export()
    assert exported["clients"], "the fixture holds records"
    assert any(client["psychotherapy_notes"] for client in exported["clients"])
    # The audit trail it had is kept, and read; this unlock is added to it.
    assert [event.seq for event in events[1:]] == sorted(trail_before, reverse=True)
    assert events[0].details.kind is AuditKind.UNLOCK
    assert [event for event in events if event.damaged] == []
    assert None not in settings.values(), settings

    # The file as it was before the upgrade is kept, still at revision 0002, row for row.
    kept = list(old_vault.upgrade_backups.iterdir())
    assert len(kept) == 1, kept
    assert kept[0].name.startswith("vault-before-upgrade-from-0002-")
    assert revision_of(kept[0]) == "0002"
    assert stored_contents(kept[0]) == stored_contents(FIXTURE)
    assert revision_of(old_vault.database) == migration_runner.head_revision()

    # Opening again upgrades nothing and copies nothing more.
    with unlock_vault(old_vault, Secret(passphrase=FIXTURE_PASSPHRASE)) as vault:
        assert export_of(vault, include_psychotherapy_notes=True) == _expected_export()
    assert len(list(old_vault.upgrade_backups.iterdir())) == 1


def test_verify_of_the_old_vault_upgrades_it_and_says_ok(old_vault: VaultPaths) -> None:
    result = run_cli(
        "verify",
        "--data-dir",
        old_vault.data_dir,
        "--passphrase-stdin",
        stdin=FIXTURE_PASSPHRASE + "\n",
    )

    assert result.returncode == ExitStatus.OK, result.stderr
    assert result.stdout == "ok\n"
    assert revision_of(old_vault.database) == migration_runner.head_revision()
    assert [path.name[:33] for path in old_vault.upgrade_backups.iterdir()] == [
        "vault-before-upgrade-from-0002-20"
    ]


def test_a_client_of_the_old_vault_can_be_given_a_clinical_record(old_vault: VaultPaths) -> None:
    """The tables revision 0003 added work beside the rows the old vault held."""
    client_id = _expected_export()["clients"][0]["id"]
    with unlock_vault(old_vault, Secret(passphrase=FIXTURE_PASSPHRASE)) as vault:
        save_plan(
            vault,
            client_id,
            TreatmentPlanDetails(goals=(new_goal("Sleep better", (new_objective("Wind down"),)),)),
        )
        add_diagnosis(vault, client_id, DiagnosisDetails(code="F51.0"))
        add_measure(
            vault,
            client_id,
            MeasureDetails(kind=MeasureKind.SUDS, taken_on=date(2024, 5, 1), items=(30,)),
        )
        exported = export_of(vault, include_psychotherapy_notes=True)
        assert check_vault(vault) == []

    client = next(c for c in exported["clients"] if c["id"] == client_id)
    assert [goal["text"] for goal in client["treatment_plans"][0]["goals"]] == ["Sleep better"]
    assert [diagnosis["code"] for diagnosis in client["diagnoses"]] == ["F51.0"]
    assert [measure["items"] for measure in client["measures"]] == [[30]]
    # Everything else is as it was.
    for key in ("treatment_plans", "diagnoses", "measures"):
        client[key] = []
    assert exported == _expected_export()


def test_the_recovery_key_kept_with_the_fixture_opens_and_upgrades_it(
    old_vault: VaultPaths,
) -> None:
    key = recovery_key(REVISION)

    with unlock_vault(old_vault, Secret(recovery_key=key)) as vault:
        assert migration_runner.current_revision(vault.engine) == migration_runner.head_revision()
        assert export_of(vault, include_psychotherapy_notes=True) == _expected_export()
        assert check_vault(vault) == []
