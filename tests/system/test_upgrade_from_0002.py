"""A vault made when the schema head was revision 0002 opens, is upgraded, and keeps every record.

Revision 0002 added the audit trail and the vault's settings; 0003 the clinical
record. The fixture stands for vaults on therapists' computers: copying it,
unlocking it with its passphrase (or its recovery key) must bring it to the
current schema, leave a copy of the file as it was, and change none of its
records; the upgraded vault then holds a clinical record like any other.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.system.helpers import JsonObject, as_version_2, export_of, run_cli
from therapist_desk import audit
from therapist_desk.db import migration_runner
from therapist_desk.diagnoses import add_diagnosis
from therapist_desk.domain.records import DiagnosisDetails, MeasureDetails, TreatmentPlanDetails
from therapist_desk.domain.vocabulary import AuditKind, MeasureKind
from therapist_desk.errors import ExitStatus
from therapist_desk.measures import add_measure
from therapist_desk.paths import VaultPaths
from therapist_desk.treatment_plans import new_goal, new_objective, save_plan
from therapist_desk.vault import Secret, unlock_vault
from therapist_desk.vault_check import check_vault
from therapist_desk.vault_settings import get_setting

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FIXTURE = FIXTURES / "vault-0002.sqlite3"
FIXTURE_PASSPHRASE = "fixture vault at revision one"

Rows = list[tuple[Any, ...]]


def _read(database: Path, query: str) -> Rows:
    # immutable: reading a copy must not leave -wal or -shm files beside it.
    connection = sqlite3.connect(f"file:{database.as_posix()}?mode=ro&immutable=1", uri=True)
    try:
        return connection.execute(query).fetchall()
    finally:
        connection.close()


def _revision_of(database: Path) -> str:
    ((revision,),) = _read(database, "SELECT version_num FROM alembic_version")
    assert isinstance(revision, str)
    return revision


def _contents(database: Path) -> dict[str, Rows]:
    """Every row of every table, as stored (ciphertexts included), in a stable order."""
    tables = _read(
        database,
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    )
    return {
        str(table): sorted(_read(database, f'SELECT * FROM "{table}"'), key=repr)
        for (table,) in tables
    }


def _expected_export() -> JsonObject:
    """The fixture's records as an export writes them today (format 2, no clinical record yet)."""
    document: JsonObject = json.loads((FIXTURES / "vault-0002.export.json").read_text("utf-8"))
    assert document["format"] == "therapist-desk/1"
    return as_version_2(document)


@pytest.fixture
def old_vault(tmp_path: Path) -> VaultPaths:
    """A private copy of the revision-0002 vault in a data folder of its own."""
    assert _revision_of(FIXTURE) == "0002", "the fixture must stay at revision 0002"
    paths = VaultPaths(tmp_path / "vault")
    paths.data_dir.mkdir(mode=0o700)
    shutil.copyfile(FIXTURE, paths.database)
    return paths


def test_the_old_vault_is_upgraded_keeping_every_record_and_a_copy_of_itself(
    old_vault: VaultPaths,
) -> None:
    assert migration_runner.head_revision() != "0002", "nothing to upgrade"
    trail_before = [seq for (seq,) in _read(FIXTURE, "SELECT seq FROM audit_events")]
    settings_before = [key for (key,) in _read(FIXTURE, "SELECT key FROM vault_settings")]
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
    assert _revision_of(kept[0]) == "0002"
    assert _contents(kept[0]) == _contents(FIXTURE)
    assert _revision_of(old_vault.database) == migration_runner.head_revision()

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
    assert _revision_of(old_vault.database) == migration_runner.head_revision()
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
    key = (FIXTURES / "vault-0002.recovery-key.txt").read_text("ascii").strip()

    with unlock_vault(old_vault, Secret(recovery_key=key)) as vault:
        assert migration_runner.current_revision(vault.engine) == migration_runner.head_revision()
        assert export_of(vault, include_psychotherapy_notes=True) == _expected_export()
        assert check_vault(vault) == []
