"""A vault made when the schema head was revision 0003 opens, is upgraded, and keeps every record.

Revision 0003 added the clinical record; 0004 consents to share and the
disclosure log. The fixture holds every kind of record 0003 knew (a small demo
practice and one of each table's rows), so the upgrade must keep all of them,
leave a copy of the file as it was, and then take consents and disclosures
beside them.
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
from tests.system.helpers import export_of, run_cli
from therapist_desk.db import migration_runner
from therapist_desk.domain.records import DisclosureDetails, SharingConsentDetails
from therapist_desk.errors import ExitStatus
from therapist_desk.sharing import consents, disclosures
from therapist_desk.vault import Secret, unlock_vault
from therapist_desk.vault.check import check_vault
from therapist_desk.vault.paths import VaultPaths

REVISION = "0003"
FIXTURE = fixture_database(REVISION)
#: Tables revision 0003 added; the fixture holds rows in each.
CLINICAL_TABLES = (
    "treatment_plans",
    "note_objectives",
    "diagnoses",
    "medications",
    "measures",
    "risk_assessments",
    "safety_plans",
    "significant_dates",
    "payments",
    "session_series",
)


@pytest.fixture
def old_vault(tmp_path: Path) -> VaultPaths:
    return copy_of_fixture(REVISION, tmp_path)


def test_the_fixture_holds_every_kind_of_clinical_record() -> None:
    for table in CLINICAL_TABLES:
        ((count,),) = read_rows(FIXTURE, f'SELECT count(*) FROM "{table}"')
        assert count > 0, table


def test_the_old_vault_is_upgraded_keeping_every_record_and_a_copy_of_itself(
    old_vault: VaultPaths,
) -> None:
    assert migration_runner.head_revision() != REVISION, "nothing to upgrade"

    with unlock_vault(old_vault, Secret(passphrase=FIXTURE_PASSPHRASE)) as vault:
        assert migration_runner.current_revision(vault.engine) == migration_runner.head_revision()
        assert check_vault(vault) == []
        exported = export_of(vault, include_psychotherapy_notes=True)

    assert exported == expected_export(REVISION)
    clients = exported["clients"]
    for part in ("treatment_plans", "diagnoses", "medications", "measures", "payments"):
        assert any(client[part] for client in clients), part
    assert any(client["safety_plan"] for client in clients)

    kept = list(old_vault.upgrade_backups.iterdir())
    assert len(kept) == 1, kept
    assert kept[0].name.startswith(f"vault-before-upgrade-from-{REVISION}-")
    assert revision_of(kept[0]) == REVISION
    assert stored_contents(kept[0]) == stored_contents(FIXTURE)
    assert revision_of(old_vault.database) == migration_runner.head_revision()

    with unlock_vault(old_vault, Secret(passphrase=FIXTURE_PASSPHRASE)) as vault:
        assert export_of(vault, include_psychotherapy_notes=True) == expected_export(REVISION)
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


def test_a_client_of_the_old_vault_can_consent_and_have_a_disclosure_logged(
    old_vault: VaultPaths,
) -> None:
    """The tables revision 0004 added work beside the rows the old vault held."""
    before = expected_export(REVISION)
    client = next(c for c in before["clients"] if c["referrals"])
    referral = client["referrals"][0]
    with unlock_vault(old_vault, Secret(passphrase=FIXTURE_PASSPHRASE)) as vault:
        consent = consents.add_consent(
            vault,
            client["id"],
            referral["professional_id"],
            SharingConsentDetails(given_on=date(2026, 1, 5), scope="Referral letter"),
        )
        disclosures.record_disclosure(
            vault,
            client["id"],
            DisclosureDetails(what="referral letter", recipient="the psychiatrist", how="printed"),
            disclosures.DisclosedTo(referral["professional_id"], referral["id"], consent.id),
        )
        assert consents.consent_in_force(
            vault, client["id"], referral["professional_id"], date(2026, 2, 1)
        )
        assert [
            d.details.what for d in disclosures.disclosures_for_client(vault, client["id"])
        ] == ["referral letter"]
        assert check_vault(vault) == []


def test_the_recovery_key_kept_with_the_fixture_opens_and_upgrades_it(
    old_vault: VaultPaths,
) -> None:
    with unlock_vault(old_vault, Secret(recovery_key=recovery_key(REVISION))) as vault:
        assert migration_runner.current_revision(vault.engine) == migration_runner.head_revision()
        assert export_of(vault, include_psychotherapy_notes=True) == expected_export(REVISION)
        assert check_vault(vault) == []
