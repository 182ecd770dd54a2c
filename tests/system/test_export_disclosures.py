"""`export` logs what it wrote in each exported client's disclosure log, once it is written."""

from __future__ import annotations

import json
from pathlib import Path

from tests.system.helpers import (
    JsonObject,
    export_in_process,
    make_vault,
    open_vault,
    run_cli,
    without_export_time,
)
from therapist_desk.domain.records import ClientDetails, Disclosure
from therapist_desk.domain.vocabulary import AuditKind, ClientStatus
from therapist_desk.errors import ExitStatus
from therapist_desk.records.clients import create_client
from therapist_desk.records.psychotherapy_notes import save_psychotherapy_note
from therapist_desk.sharing.disclosures import disclosures_for_client
from therapist_desk.vault import audit

#: What every export's disclosure says went out, psychotherapy notes aside.
PARTS = (
    "contacts",
    "sessions",
    "referrals",
    "treatment_plans",
    "diagnoses",
    "medications",
    "measures",
    "risk_assessments",
    "safety_plan",
    "significant_dates",
    "payments",
    "sharing_consents",
    "disclosures",
)


def _practice(data_dir: Path) -> list[str]:
    """Three clients, the first with a psychotherapy note; their ids in order of creation."""
    make_vault(data_dir)
    with open_vault(data_dir) as vault:
        ids = [
            create_client(vault, ClientDetails(legal_name=name, status=ClientStatus.ACTIVE)).id
            for name in ("Amira Haddad", "Tomas Reyes", "Maren Olsen")
        ]
        save_psychotherapy_note(vault, ids[0], "Felt protective; take to supervision.")
    return ids


def _logs(data_dir: Path, client_ids: list[str]) -> dict[str, list[Disclosure]]:
    with open_vault(data_dir) as vault:
        return {client_id: disclosures_for_client(vault, client_id) for client_id in client_ids}


def _export(data_dir: Path, *options: str | Path) -> str:
    result = run_cli("export", *options, "--data-dir", data_dir, "--passphrase-stdin")
    assert result.returncode == ExitStatus.OK, result.stderr
    return result.stdout


def test_a_whole_vault_export_is_logged_for_every_client(tmp_path: Path) -> None:
    data_dir = tmp_path / "vault"
    client_ids = _practice(data_dir)

    _export(data_dir)

    logs = _logs(data_dir, client_ids)
    for client_id in client_ids:
        (logged,) = logs[client_id]
        assert logged.details.what == "export"
        assert logged.details.recipient == "standard output"
        assert logged.details.how == "exported"
        # Psychotherapy notes were left out, and the log says so.
        assert logged.details.sections == PARTS
        assert logged.details.without_consent_reason == ""
        assert (logged.professional_id, logged.referral_id, logged.consent_id) == (None,) * 3
        assert logged.damaged == ()
    with open_vault(data_dir) as vault:
        entries = [e.details for e in audit.events(vault, kind=AuditKind.DISCLOSURE)]
    # The audit trail keeps its one entry for the whole vault, as before.
    assert [(e.client_id, e.detail) for e in entries] == [
        ("", "export of whole vault to standard output")
    ]


def test_an_export_of_one_client_is_logged_for_that_client_only(tmp_path: Path) -> None:
    data_dir = tmp_path / "vault"
    chosen, *others = _practice(data_dir)
    outside = tmp_path / "outside"
    outside.mkdir()

    _export(
        data_dir,
        "--client",
        chosen,
        "--include-psychotherapy-notes",
        "--out",
        outside / "for-the-gp.json",
    )

    logs = _logs(data_dir, [chosen, *others])
    (logged,) = logs[chosen]
    assert logged.details.recipient == "for-the-gp.json"  # the file's name, not its folder
    assert "psychotherapy_notes" in logged.details.sections
    assert logged.details.sections == (*PARTS[:3], "psychotherapy_notes", *PARTS[3:])
    assert all(logs[other] == [] for other in others)
    with open_vault(data_dir) as vault:
        entries = [e.details for e in audit.events(vault, kind=AuditKind.DISCLOSURE)]
    assert [(e.client_id, e.detail) for e in entries] == [
        (chosen, "export of 1 client(s) with psychotherapy notes to for-the-gp.json")
    ]


def test_an_export_refused_before_writing_logs_nothing(tmp_path: Path) -> None:
    data_dir = tmp_path / "vault"
    client_ids = _practice(data_dir)
    unknown = "3f2504e0-4f89-41d3-9a0c-0305e82c3303"

    unknown_client = run_cli(
        "export", "--client", unknown, "--data-dir", data_dir, "--passphrase-stdin"
    )
    into_the_vault = run_cli(
        "export", "--out", data_dir / "records.json", "--data-dir", data_dir, "--passphrase-stdin"
    )

    assert unknown_client.returncode != ExitStatus.OK
    assert into_the_vault.returncode == ExitStatus.INVALID_INPUT
    assert _logs(data_dir, client_ids) == {client_id: [] for client_id in client_ids}


def test_the_next_export_holds_the_same_records_and_the_logged_export(tmp_path: Path) -> None:
    """Logging an export changes the vault only by that disclosure."""
    data_dir = tmp_path / "vault"
    client_ids = _practice(data_dir)
    first: JsonObject = without_export_time(json.loads(_export(data_dir)))

    second = export_in_process(data_dir)

    assert {**second, "clients": []} == {**first, "clients": []}
    for before, after in zip(first["clients"], second["clients"], strict=True):
        assert before["disclosures"] == []
        (logged,) = after["disclosures"]
        assert (logged["what"], logged["recipient"], logged["how"]) == (
            "export",
            "standard output",
            "exported",
        )
        assert {**after, "disclosures": []} == before
    assert [client["id"] for client in second["clients"]] == client_ids
