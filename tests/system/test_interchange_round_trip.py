"""Export, import into a new vault, export again: the same records."""

from __future__ import annotations

import json
import stat
from collections import Counter
from dataclasses import dataclass, fields, is_dataclass, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from tests.system.conftest import DemoVault
from tests.system.helpers import (
    CLINICAL_LISTS,
    JsonObject,
    as_version_2,
    export_of,
    file_digests,
    make_vault,
    open_vault,
    run_cli,
    without_export_time,
)
from therapist_desk.clinical.diagnoses import add_diagnosis, list_diagnoses
from therapist_desk.clinical.measures import add_measure, list_measures
from therapist_desk.clinical.medications import add_medication, list_medications
from therapist_desk.clinical.risk import (
    add_risk_assessment,
    get_safety_plan,
    list_risk_assessments,
    save_safety_plan,
)
from therapist_desk.clinical.significant_dates import add_significant_date, list_significant_dates
from therapist_desk.clinical.treatment_plans import (
    new_goal,
    new_objective,
    note_objectives,
    objectives_worked_on,
    plan_versions,
    revise_plan,
    save_plan,
    set_note_objectives,
)
from therapist_desk.domain.records import (
    ClientDetails,
    DiagnosisDetails,
    DisclosureDetails,
    MeasureDetails,
    MedicationDetails,
    NoteContent,
    PaymentDetails,
    ProfessionalDetails,
    ReferralDetails,
    RiskAssessmentDetails,
    SafetyPlanDetails,
    SessionDetails,
    SharingConsentDetails,
    SignificantDateDetails,
    TreatmentPlanDetails,
)
from therapist_desk.domain.vocabulary import (
    Attendance,
    ClientStatus,
    DiagnosisStatus,
    Ideation,
    MeasureKind,
    NoteFormat,
    ObjectiveStatus,
    PaymentMethod,
    ProfessionalRole,
    RiskLevel,
)
from therapist_desk.errors import ExitStatus
from therapist_desk.records.calendar import Recurrence, book_series, series_of_session
from therapist_desk.records.clients import create_client, get_client
from therapist_desk.records.fees import (
    client_balance,
    default_fee,
    payments_for_client,
    record_payment,
    set_default_fee,
)
from therapist_desk.records.progress_notes import get_note_for_session, save_draft, sign_note
from therapist_desk.records.psychotherapy_notes import save_psychotherapy_note
from therapist_desk.records.therapy_sessions import sessions_for_client, set_attendance
from therapist_desk.sharing.consents import add_consent, consent_in_force, consents_for_client
from therapist_desk.sharing.disclosures import (
    DisclosedTo,
    disclosures_for_client,
    record_disclosure,
)
from therapist_desk.sharing.professionals import add_professional
from therapist_desk.sharing.referrals import create_referral
from therapist_desk.vault import Vault
from therapist_desk.vault.check import check_vault

PROCESS_NOTE = "Countertransference: I felt protective today; bring to supervision."
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
#: The day the clinical record is read as of (which medications are current, what is owed).
AS_OF = date(2024, 6, 1)


def _export(data_dir: Path, *options: str) -> JsonObject:
    result = run_cli("export", *options, "--data-dir", data_dir, "--passphrase-stdin")
    assert result.returncode == ExitStatus.OK, result.stderr
    document: JsonObject = json.loads(result.stdout)
    return document


def _joint_sessions(document: JsonObject) -> list[tuple[str, JsonObject]]:
    return [
        (client["id"], session)
        for client in document["clients"]
        for session in client["sessions"]
        if session["kind"] in ("couple", "group")
    ]


def test_export_import_export_gives_the_same_document(
    tmp_path: Path, demo_vault: DemoVault
) -> None:
    vault_a = demo_vault.copy_to(tmp_path / "a")
    exported = tmp_path / "a.json"

    written = run_cli("export", "--out", exported, "--data-dir", vault_a, "--passphrase-stdin")

    assert written.returncode == ExitStatus.OK, written.stderr
    assert written.stdout == ""
    assert stat.S_IMODE(exported.stat().st_mode) == 0o600
    assert not list(tmp_path.glob(".therapist-desk-*"))  # no temporary file left behind
    document_a = json.loads(exported.read_text(encoding="utf-8"))
    assert len(document_a["clients"]) == 8
    assert _joint_sessions(document_a), "the demo practice should hold joint sessions"

    vault_b = tmp_path / "b"
    assert run_cli("init", "--data-dir", vault_b, "--passphrase-stdin").returncode == 0
    imported = run_cli("import", exported, "--data-dir", vault_b, "--passphrase-stdin")
    assert imported.returncode == ExitStatus.OK, imported.stderr
    assert imported.stdout.startswith("Imported 8 clients")
    for kind in ("session series", "treatment plan versions", "diagnoses", "measures", "payments"):
        assert kind in imported.stdout, (kind, imported.stdout)

    document_b = _export(vault_b)
    assert without_export_time(document_b) == without_export_time(document_a)


def test_export_of_one_client_names_no_other_client(tmp_path: Path, demo_vault: DemoVault) -> None:
    # A client of the session with the most attendees (the demo's therapy group).
    client_id, shared = max(
        _joint_sessions(demo_vault.export), key=lambda item: len(item[1]["attendees"])
    )
    others = {a["client_id"] for a in shared["attendees"]} - {client_id}
    assert others
    data_dir = demo_vault.copy_to(tmp_path / "vault")

    document = _export(data_dir, "--client", client_id)

    assert [client["id"] for client in document["clients"]] == [client_id]
    full = next(c for c in demo_vault.export["clients"] if c["id"] == client_id)
    assert len(document["clients"][0]["sessions"]) == len(full["sessions"])
    assert shared["id"] in {s["id"] for s in document["clients"][0]["sessions"]}
    for session in document["clients"][0]["sessions"]:
        assert [attendee["client_id"] for attendee in session["attendees"]] == [client_id]
    text = json.dumps(document)
    for other in others:
        assert other not in text
    # Another client's record never appears, and the practice settings are left out.
    assert "practice" not in document
    assert "vocabulary" not in document
    # The professionals it names (as referrer or prescriber), and no others.
    exported = document["clients"][0]
    referenced = {r["professional_id"] for r in exported["referrals"]} | {
        m["prescriber_id"] for m in exported["medications"] if m["prescriber_id"] is not None
    }
    assert {p["id"] for p in document["professionals"]} == referenced


def test_unknown_client_id_is_refused(tmp_path: Path, demo_vault: DemoVault) -> None:
    data_dir = demo_vault.copy_to(tmp_path / "vault")
    unknown = "00000000-0000-4000-8000-000000000000"

    result = run_cli("export", "--client", unknown, "--data-dir", data_dir, "--passphrase-stdin")

    assert result.returncode == ExitStatus.INVALID_INPUT
    assert result.stdout == ""
    assert unknown in result.stderr


def _process_notes(document: JsonObject) -> list[Any]:
    return [
        note for client in document["clients"] for note in client.get("psychotherapy_notes", [])
    ]


def test_psychotherapy_notes_are_exported_only_when_asked_for(
    tmp_path: Path, demo_vault: DemoVault
) -> None:
    data_dir = demo_vault.copy_to(tmp_path / "vault")
    client_id = demo_vault.export["clients"][0]["id"]
    with open_vault(data_dir) as vault:
        note = save_psychotherapy_note(vault, client_id, PROCESS_NOTE)

    plain = run_cli("export", "--data-dir", data_dir, "--passphrase-stdin")
    assert plain.returncode == ExitStatus.OK, plain.stderr
    assert PROCESS_NOTE not in plain.stdout
    assert note.id not in plain.stdout
    assert _process_notes(json.loads(plain.stdout)) == []
    single = run_cli("export", "--client", client_id, "--data-dir", data_dir, "--passphrase-stdin")
    assert single.returncode == ExitStatus.OK, single.stderr
    assert PROCESS_NOTE not in single.stdout

    out = tmp_path / "with-notes.json"
    asked = run_cli(
        "export",
        "--include-psychotherapy-notes",
        "--out",
        out,
        "--data-dir",
        data_dir,
        "--passphrase-stdin",
    )
    assert asked.returncode == ExitStatus.OK, asked.stderr
    document = json.loads(out.read_text(encoding="utf-8"))
    notes = _process_notes(document)
    assert [(n["id"], n["text"]) for n in notes if n["id"] == note.id] == [(note.id, PROCESS_NOTE)]
    owner = next(c for c in document["clients"] if c["id"] == client_id)
    assert note.id in {n["id"] for n in owner["psychotherapy_notes"]}

    # They travel with the rest into another vault.
    other = tmp_path / "other"
    assert run_cli("init", "--data-dir", other, "--passphrase-stdin").returncode == 0
    imported = run_cli("import", out, "--data-dir", other, "--passphrase-stdin")
    assert imported.returncode == ExitStatus.OK, imported.stderr
    assert "psychotherapy notes" in imported.stdout
    again = _export(other, "--include-psychotherapy-notes")
    assert without_export_time(again) == without_export_time(document)


def test_one_client_moves_to_another_vault(tmp_path: Path, demo_vault: DemoVault) -> None:
    """An export of one client (joint sessions cut down to them) imports as it was."""
    client_id, _shared = _joint_sessions(demo_vault.export)[0]
    data_dir = demo_vault.copy_to(tmp_path / "vault")
    one = tmp_path / "one.json"
    written = run_cli(
        "export", "--client", client_id, "--out", one, "--data-dir", data_dir, "--passphrase-stdin"
    )
    assert written.returncode == ExitStatus.OK, written.stderr
    other = tmp_path / "other"
    assert run_cli("init", "--data-dir", other, "--passphrase-stdin").returncode == 0

    imported = run_cli("import", one, "--data-dir", other, "--passphrase-stdin")

    assert imported.returncode == ExitStatus.OK, imported.stderr
    assert imported.stdout.startswith("Imported 1 clients")
    moved = _export(other)
    original = json.loads(one.read_text(encoding="utf-8"))
    assert moved["clients"] == original["clients"]
    assert moved["professionals"] == original["professionals"]


def test_text_with_a_lone_surrogate_survives_export_and_import(tmp_path: Path) -> None:
    """A value the vault accepted is exported as valid UTF-8 JSON and reads back the same."""
    odd_name = "Ann \ud800 Lee"
    client_id = "0f8fad5b-d9cb-469f-a165-70867728950e"
    source = tmp_path / "odd.json"
    source.write_text(
        json.dumps(
            {
                "format": "therapist-desk/1",
                "clients": [{"id": client_id, "legal_name": odd_name, "status": "active"}],
            }
        ),  # ensure_ascii: the surrogate is written as the escape \ud800
        encoding="ascii",
    )
    first = tmp_path / "first"
    assert run_cli("init", "--data-dir", first, "--passphrase-stdin").returncode == 0
    assert run_cli("import", source, "--data-dir", first, "--passphrase-stdin").returncode == 0

    printed = run_cli("export", "--data-dir", first, "--passphrase-stdin")

    assert printed.returncode == ExitStatus.OK, printed.stderr
    assert "Traceback" not in printed.stderr
    assert json.loads(printed.stdout)["clients"][0]["legal_name"] == odd_name
    out = tmp_path / "out.json"
    written = run_cli("export", "--out", out, "--data-dir", first, "--passphrase-stdin")
    assert written.returncode == ExitStatus.OK, written.stderr
    out.read_bytes().decode("utf-8")  # strictly valid UTF-8, as import requires
    second = tmp_path / "second"
    assert run_cli("init", "--data-dir", second, "--passphrase-stdin").returncode == 0
    again = run_cli("import", out, "--data-dir", second, "--passphrase-stdin")
    assert again.returncode == ExitStatus.OK, again.stderr
    assert _export(second)["clients"][0]["legal_name"] == odd_name


def test_export_is_never_written_into_the_vault_folder(tmp_path: Path) -> None:
    """Not over the vault file itself, nor beside it where readable text does not belong."""
    paths = make_vault(tmp_path / "vault")
    before = file_digests(paths.data_dir)

    for target in (paths.database, paths.data_dir / "export.json"):
        result = run_cli(
            "export", "--out", target, "--data-dir", paths.data_dir, "--passphrase-stdin"
        )

        assert result.returncode == ExitStatus.INVALID_INPUT, (target, result.stderr)
        assert "outside" in result.stderr
        assert file_digests(paths.data_dir) == before
    verified = run_cli("verify", "--data-dir", paths.data_dir, "--passphrase-stdin")
    assert verified.returncode == ExitStatus.OK, verified.stderr


def test_the_demo_practice_has_a_clinical_record(demo_vault: DemoVault) -> None:
    """`therapist-desk demo` fills in every part of the clinical record, so it can be shown."""
    clients = demo_vault.export["clients"]
    for key in CLINICAL_LISTS:
        assert any(client[key] for client in clients), key
    assert any(client["safety_plan"] for client in clients)
    assert any(len(client["treatment_plans"]) > 1 for client in clients), "a revised plan"
    kinds = Counter(measure["kind"] for client in clients for measure in client["measures"])
    assert set(kinds) == {"phq9", "gad7", "scale", "suds"}
    medications = [medication for client in clients for medication in client["medications"]]
    assert any(m["stopped_on"] is None for m in medications)
    assert any(m["stopped_on"] is not None for m in medications)
    sessions = [session for client in clients for session in client["sessions"]]
    assert demo_vault.export["session_series"]
    assert any(session["series_id"] for session in sessions)
    assert any(session["note"] and session["note"]["objectives"] for session in sessions)
    assert demo_vault.export["settings"]["default_fee"] is not None


# -- the clinical record -----------------------------------------------------------------


@dataclass(frozen=True)
class _Practice:
    """What `_fill_clinical_record` wrote."""

    client_id: str
    #: A second client with a clinical record of their own.
    other_id: str
    prescriber_id: str
    #: The objectives the first session's (signed) note says it worked on.
    worked_on: tuple[str, ...]


def _fill_clinical_record(vault: Vault) -> _Practice:
    """Give one client every kind of clinical record, through the services the window uses."""
    set_default_fee(vault, Decimal("90.00"))
    client = create_client(
        vault,
        ClientDetails(
            legal_name="Maren Olsen", status=ClientStatus.ACTIVE, intake_date=date(2024, 1, 8)
        ),
    )
    other = create_client(
        vault, ClientDetails(legal_name="Tomas Reyes", status=ClientStatus.ACTIVE)
    )
    psychiatrist = add_professional(
        vault, ProfessionalDetails(name="Dr Ines Duarte", role=ProfessionalRole.PSYCHIATRIST)
    )

    sleep = new_objective(
        "Sleep six hours on five nights a week", date(2024, 4, 1), ("Sleep hygiene",)
    )
    diary = new_objective(
        "Keep a thought diary", interventions=("Cognitive restructuring", "Homework review")
    )
    plan = TreatmentPlanDetails(
        approaches=("Cognitive behavioural therapy (CBT)",),
        presenting_problems="Low mood since the redundancy; wakes at four.",
        goals=(
            new_goal("Sleep through most nights", (sleep,)),
            new_goal("Notice self-criticism and answer it", (diary,)),
        ),
        start_date=date(2024, 1, 8),
        review_date=date(2024, 4, 8),
        notes="Review with the GP's letter.",
    )
    save_plan(vault, client.id, plan)
    revise_plan(vault, client.id)
    walk = new_objective(
        "Walk outside three times a week", date(2024, 6, 1), ("Behavioural activation",)
    )
    sleep_goal, diary_goal = plan.goals
    revised_sleep = replace(
        sleep_goal, objectives=(replace(sleep, status=ObjectiveStatus.MET), walk)
    )
    save_plan(
        vault,
        client.id,
        replace(plan, review_date=date(2024, 7, 8), goals=(revised_sleep, diary_goal)),
    )
    save_plan(
        vault,
        other.id,
        TreatmentPlanDetails(
            goals=(new_goal("Return to work", (new_objective("Agree a phased return"),)),)
        ),
    )

    series = book_series(
        vault,
        datetime(2024, 2, 5, 10, 0, tzinfo=UTC),
        50,
        SessionDetails(fee=Decimal("90.00")),
        [client.id],
        Recurrence(interval_weeks=1, count=4),
        zone=UTC,
    )
    first, second = series.sessions[:2]
    set_attendance(vault, first.id, client.id, Attendance.ATTENDED)
    set_attendance(vault, second.id, client.id, Attendance.LATE_CANCELLED)
    note = save_draft(
        vault,
        first.id,
        NoteContent(
            format=NoteFormat.SOAP,
            sections={"subjective": "Slept better on three nights.", "plan": "Keep the diary."},
            techniques=("Socratic questioning",),
            mood=5,
        ),
    )
    worked_on = set_note_objectives(vault, note.id, (sleep.key, diary.key))
    sign_note(vault, note.id)

    add_diagnosis(
        vault,
        client.id,
        DiagnosisDetails(
            code="f411",  # stored the standard way, F41.1, with its official label
            status=DiagnosisStatus.CONFIRMED,
            diagnosed_on=date(2024, 1, 15),
            notes="Worry most days for over a year.",
        ),
    )
    add_diagnosis(
        vault,
        client.id,
        DiagnosisDetails(
            code="F32.0",
            label="Mild depressive episode (2023)",
            status=DiagnosisStatus.RESOLVED,
            diagnosed_on=date(2023, 5, 2),
            resolved_on=date(2023, 12, 1),
        ),
    )
    add_diagnosis(vault, other.id, DiagnosisDetails(code="F43.2"))
    add_medication(
        vault,
        client.id,
        MedicationDetails(
            name="Sertraline", dose="50 mg", frequency="once daily", started_on=date(2024, 1, 20)
        ),
        prescriber_id=psychiatrist.id,
    )
    add_medication(
        vault,
        client.id,
        MedicationDetails(
            name="Propranolol",
            dose="10 mg",
            frequency="as needed",
            prescriber_name="Dr Webb (GP)",
            started_on=date(2023, 6, 1),
            stopped_on=date(2023, 9, 1),
        ),
    )
    taken = date(2024, 2, 5)
    for kind, items, label, session_id in (
        (MeasureKind.PHQ9, (1, 2, 1, 0, 2, 1, 0, 1, 1), "", first.id),
        (MeasureKind.GAD7, (2, 1, 2, 0, 1, 1, 0), "", first.id),
        (MeasureKind.SCALE, (6,), "Confidence speaking up", None),
        (MeasureKind.SUDS, (45,), "", None),
    ):
        add_measure(
            vault,
            client.id,
            MeasureDetails(kind=kind, taken_on=taken, items=items, label=label, notes=kind.value),
            session_id=session_id,
        )
    add_measure(vault, other.id, MeasureDetails(kind=MeasureKind.SUDS, taken_on=taken, items=(80,)))
    add_risk_assessment(
        vault,
        client.id,
        RiskAssessmentDetails(
            assessed_on=taken,
            ideation=Ideation.PASSIVE,
            ideation_details="Sometimes wishes she would not wake up.",
            access_to_means=True,
            means_details="Keeps her mother's old prescriptions.",
            protective_factors="Her sister; the dog.",
            level=RiskLevel.HIGH,
            actions="Safety plan written together; GP informed with consent.",
        ),
    )
    save_safety_plan(
        vault,
        client.id,
        SafetyPlanDetails(
            warning_signs="Staying in bed after ten.",
            coping_strategies="Walk the dog; cold water on the face.",
            people_to_ask="Sister (Liv)",
            professionals="GP surgery; crisis line",
            reasons_for_living="Liv's children.",
        ),
    )
    add_significant_date(
        vault,
        client.id,
        SignificantDateDetails(
            label="Anniversary of her father's death", falls_on=date(2019, 10, 3)
        ),
    )
    record_payment(
        vault,
        client.id,
        PaymentDetails(Decimal("90.00"), taken, PaymentMethod.CARD, "receipt 0042"),
        session_id=first.id,
    )
    record_payment(
        vault, client.id, PaymentDetails(Decimal("45.00"), date(2024, 3, 1), PaymentMethod.CASH)
    )
    return _Practice(client.id, other.id, psychiatrist.id, worked_on)


def _clinical_record(vault: Vault, client_id: str) -> dict[str, Any]:
    """Everything the window shows of a client's clinical record, read through the services."""
    sessions = sessions_for_client(vault, client_id)
    notes = [get_note_for_session(vault, each.id) for each in sessions]
    return {
        "client": get_client(vault, client_id),
        "plan versions": plan_versions(vault, client_id),
        "objectives worked on": objectives_worked_on(vault, client_id),
        "sessions": sessions,
        "series": [series_of_session(vault, each.id) for each in sessions],
        "notes": notes,
        "note objectives": [note_objectives(vault, note.id) for note in notes if note],
        "diagnoses": list_diagnoses(vault, client_id),
        "medications": list_medications(vault, client_id, on=AS_OF),
        "measures": list_measures(vault, client_id),
        "risk assessments": list_risk_assessments(vault, client_id),
        "safety plan": get_safety_plan(vault, client_id),
        "significant dates": list_significant_dates(vault, client_id),
        "payments": payments_for_client(vault, client_id),
        "balance": client_balance(vault, client_id, as_of=AS_OF, zone=UTC),
    }


def _unreadable(value: object) -> list[object]:
    """Every record in `value` (nested) with a field that could not be decrypted."""
    found: list[object] = []
    if is_dataclass(value) and not isinstance(value, type):
        if getattr(value, "damaged", ()) or getattr(value, "unreadable", ()):
            found.append(value)
        for field in fields(value):
            found += _unreadable(getattr(value, field.name))
    elif isinstance(value, dict):
        for item in value.values():
            found += _unreadable(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            found += _unreadable(item)
    return found


def _new_vault(data_dir: Path) -> Path:
    made = run_cli("init", "--data-dir", data_dir, "--passphrase-stdin")
    assert made.returncode == ExitStatus.OK, made.stderr
    return data_dir


def _import(source: Path, data_dir: Path) -> str:
    imported = run_cli("import", source, "--data-dir", data_dir, "--passphrase-stdin")
    assert imported.returncode == ExitStatus.OK, imported.stderr
    return imported.stdout


def test_every_kind_of_clinical_record_survives_export_and_import(tmp_path: Path) -> None:
    source = make_vault(tmp_path / "source").data_dir
    with open_vault(source) as vault:
        practice = _fill_clinical_record(vault)
        before = {
            client_id: _clinical_record(vault, client_id)
            for client_id in (practice.client_id, practice.other_id)
        }
    assert _unreadable(before) == []
    exported = tmp_path / "practice.json"
    written = run_cli("export", "--out", exported, "--data-dir", source, "--passphrase-stdin")
    assert written.returncode == ExitStatus.OK, written.stderr
    assert json.loads(exported.read_text("utf-8"))["format"] == "therapist-desk/2"

    target = _new_vault(tmp_path / "target")
    summary = _import(exported, target)

    assert summary.startswith(
        "Imported 2 clients, 4 sessions, 1 progress notes, 1 professionals, 1 session series, "
        "3 treatment plan versions, 3 diagnoses, 2 medications, 5 measures, 1 risk assessments, "
        "1 safety plans, 1 significant dates, 2 payments, 1 objective links."
    ), summary
    with open_vault(target) as vault:
        after = {client_id: _clinical_record(vault, client_id) for client_id in before}
        assert default_fee(vault) == Decimal("90.00")
        assert check_vault(vault) == []
    assert after == before

    # Spelled out, so that an import which lost the same thing as the export cannot pass.
    record = after[practice.client_id]
    newest, oldest = record["plan versions"]
    assert (oldest.version, newest.version) == (1, 2)
    assert [o.status for o in oldest.details.objectives()] == [ObjectiveStatus.NOT_STARTED] * 2
    assert [(o.text, o.status) for o in newest.details.objectives()] == [
        ("Sleep six hours on five nights a week", ObjectiveStatus.MET),
        ("Walk outside three times a week", ObjectiveStatus.NOT_STARTED),
        ("Keep a thought diary", ObjectiveStatus.NOT_STARTED),
    ]
    assert newest.details.objectives()[2].interventions == (
        "Cognitive restructuring",
        "Homework review",
    )
    assert record["note objectives"] == [practice.worked_on]
    assert set(record["objectives worked on"]) == set(practice.worked_on)
    assert [note.signed_at is not None for note in record["notes"] if note] == [True]
    assert {each.id for each in record["series"] if each} == {
        s.series_id for s in record["sessions"]
    }
    assert [(d.details.code, d.details.label) for d in record["diagnoses"].current] == [
        ("F41.1", "Generalized anxiety disorder")
    ]
    assert [d.details.code for d in record["diagnoses"].resolved] == ["F32.0"]
    assert [m.details.name for m in record["medications"].current] == ["Sertraline"]
    assert record["medications"].current[0].prescriber_id == practice.prescriber_id
    assert [m.details.name for m in record["medications"].past] == ["Propranolol"]
    assert sorted((m.details.kind, m.details.items) for m in record["measures"]) == sorted(
        [
            (MeasureKind.PHQ9, (1, 2, 1, 0, 2, 1, 0, 1, 1)),
            (MeasureKind.GAD7, (2, 1, 2, 0, 1, 1, 0)),
            (MeasureKind.SCALE, (6,)),
            (MeasureKind.SUDS, (45,)),
        ]
    )
    assert [r.details.level for r in record["risk assessments"]] == [RiskLevel.HIGH]
    assert record["safety plan"].details.people_to_ask == "Sister (Liv)"
    assert [d.details.falls_on for d in record["significant dates"]] == [date(2019, 10, 3)]
    assert [(p.details.amount, p.session_id is not None) for p in record["payments"]] == [
        (Decimal("90.00"), True),
        (Decimal("45.00"), False),
    ]
    # Charged: the attended session and the late cancellation; the other two lie ahead.
    assert (record["balance"].charged, record["balance"].paid) == (
        Decimal("180.00"),
        Decimal("135.00"),
    )


def test_export_of_one_client_carries_their_clinical_record_and_no_other(
    tmp_path: Path,
) -> None:
    source = make_vault(tmp_path / "source").data_dir
    with open_vault(source) as vault:
        practice = _fill_clinical_record(vault)
        before = _clinical_record(vault, practice.client_id)
        whole = export_of(vault)
    one = tmp_path / "one.json"
    written = run_cli(
        "export",
        "--client",
        practice.client_id,
        "--out",
        one,
        "--data-dir",
        source,
        "--passphrase-stdin",
    )
    assert written.returncode == ExitStatus.OK, written.stderr

    document = json.loads(one.read_text("utf-8"))
    (exported,) = document["clients"]
    full = {client["id"]: client for client in whole["clients"]}
    assert exported == full[practice.client_id]
    for key in CLINICAL_LISTS:
        assert exported[key], key
    assert exported["safety_plan"] is not None
    other = full[practice.other_id]
    others = [other["id"]] + [record["id"] for key in CLINICAL_LISTS for record in other[key]]
    others += [goal["key"] for plan in other["treatment_plans"] for goal in plan["goals"]]
    assert len(others) > 3
    text = one.read_text("utf-8")
    assert [record_id for record_id in others if record_id in text] == []
    assert document["session_series"] == whole["session_series"]
    assert [p["id"] for p in document["professionals"]] == [practice.prescriber_id]
    assert "settings" not in document  # the practice's default fee stays behind

    target = _new_vault(tmp_path / "target")
    _import(one, target)
    with open_vault(target) as vault:
        assert _clinical_record(vault, practice.client_id) == before


def test_a_version_1_document_still_imports(tmp_path: Path) -> None:
    """A file written by an earlier Therapist Desk (format 1) imports, and exports as version 2."""
    older = FIXTURES / "vault-0001.export.json"
    document = json.loads(older.read_text("utf-8"))
    assert document["format"] == "therapist-desk/1"
    target = _new_vault(tmp_path / "target")

    summary = _import(older, target)

    assert summary.startswith(f"Imported {len(document['clients'])} clients")
    again = _export(target, "--include-psychotherapy-notes")
    assert again["format"] == "therapist-desk/2"
    assert without_export_time(again) == as_version_2(document)


# -- consents to share and the disclosure log -------------------------------------------


@dataclass(frozen=True)
class _Sharing:
    """What `_fill_sharing` wrote."""

    client_id: str
    other_id: str
    #: The GP of the referral (and of the consent in force).
    gp_id: str
    #: Named only by an expired consent and a disclosure: no referral, no medication.
    psychiatrist_id: str


def _fill_sharing(vault: Vault) -> _Sharing:
    """A client with consents in force, expired and withdrawn, and a disclosure log."""
    client = create_client(
        vault, ClientDetails(legal_name="Amira Haddad", status=ClientStatus.ACTIVE)
    )
    other = create_client(
        vault, ClientDetails(legal_name="Tomas Reyes", status=ClientStatus.ACTIVE)
    )
    gp = add_professional(vault, ProfessionalDetails(name="Dr Priya Shah"))
    psychiatrist = add_professional(
        vault, ProfessionalDetails(name="Dr Ines Duarte", role=ProfessionalRole.PSYCHIATRIST)
    )
    referral = create_referral(
        vault,
        client.id,
        gp.id,
        ReferralDetails(reason="Review of medication", referred_on=date(2024, 3, 4)),
    )
    in_force = add_consent(
        vault,
        client.id,
        gp.id,
        SharingConsentDetails(
            given_on=date(2024, 3, 1),
            scope="Referral letter and summary",
            notes="Signed form scanned",
        ),
    )
    add_consent(
        vault,
        client.id,
        psychiatrist.id,
        SharingConsentDetails(given_on=date(2023, 1, 10), expires_on=date(2023, 12, 31)),
    )
    add_consent(
        vault,
        client.id,
        gp.id,
        SharingConsentDetails(
            given_on=date(2023, 5, 2), withdrawn_on=date(2023, 9, 1), scope="Everything relevant"
        ),
    )
    record_disclosure(
        vault,
        client.id,
        DisclosureDetails(
            what="referral summary",
            recipient="Dr Priya Shah, Harbour Surgery",
            how="saved as PDF: summary.pdf",
            sections=("identification", "reason", "diagnoses"),
        ),
        DisclosedTo(gp.id, referral.id, in_force.id),
    )
    record_disclosure(
        vault,
        client.id,
        DisclosureDetails(
            what="risk summary",
            recipient="Dr Ines Duarte",
            how="printed",
            without_consent_reason="Urgent: risk to life, GP unreachable.",
        ),
        DisclosedTo(psychiatrist.id),
    )
    record_disclosure(
        vault,
        client.id,
        DisclosureDetails(what="safety plan", recipient="the client", how="printed"),
    )
    add_consent(vault, other.id, gp.id, SharingConsentDetails(given_on=date(2024, 1, 2)))
    return _Sharing(client.id, other.id, gp.id, psychiatrist.id)


def _sharing_record(vault: Vault, client_id: str) -> dict[str, Any]:
    """A client's consents and disclosure log, as the window reads them."""
    return {
        "consents": consents_for_client(vault, client_id),
        "disclosures": disclosures_for_client(vault, client_id),
    }


def test_consents_and_the_disclosure_log_survive_export_and_import(tmp_path: Path) -> None:
    source = make_vault(tmp_path / "source").data_dir
    with open_vault(source) as vault:
        sharing = _fill_sharing(vault)
        before = {
            client_id: _sharing_record(vault, client_id)
            for client_id in (sharing.client_id, sharing.other_id)
        }
    assert _unreadable(before) == []
    exported = tmp_path / "practice.json"
    written = run_cli("export", "--out", exported, "--data-dir", source, "--passphrase-stdin")
    assert written.returncode == ExitStatus.OK, written.stderr
    document = json.loads(exported.read_text("utf-8"))
    client = next(c for c in document["clients"] if c["id"] == sharing.client_id)
    assert len(client["sharing_consents"]) == 3
    assert len(client["disclosures"]) == 3  # not the export itself, logged once written

    target = _new_vault(tmp_path / "target")
    summary = _import(exported, target)

    assert "4 consents to share, 3 disclosures" in summary, summary
    with open_vault(target) as vault:
        after = {client_id: _sharing_record(vault, client_id) for client_id in before}
        in_force = consent_in_force(vault, sharing.client_id, sharing.gp_id, date(2024, 6, 1))
        expired = consent_in_force(
            vault, sharing.client_id, sharing.psychiatrist_id, date(2024, 6, 1)
        )
        assert check_vault(vault) == []
    assert after == before

    # Spelled out, so that an import which lost the same thing as the export cannot pass.
    consents = after[sharing.client_id]["consents"]
    assert [
        (c.details.given_on, c.details.expires_on, c.details.withdrawn_on) for c in consents
    ] == [
        (date(2024, 3, 1), None, None),
        (date(2023, 5, 2), None, date(2023, 9, 1)),
        (date(2023, 1, 10), date(2023, 12, 31), None),
    ]
    assert in_force is not None and in_force.details.scope == "Referral letter and summary"
    assert expired is None
    summary_sent, risk, plan = sorted(
        after[sharing.client_id]["disclosures"], key=lambda d: d.occurred_at
    )
    assert summary_sent.details.sections == ("identification", "reason", "diagnoses")
    assert summary_sent.consent_id == in_force.id
    assert summary_sent.referral_id is not None
    assert risk.details.without_consent_reason == "Urgent: risk to life, GP unreachable."
    assert risk.professional_id == sharing.psychiatrist_id
    assert (plan.professional_id, plan.referral_id, plan.consent_id) == (None, None, None)


def test_export_of_one_client_carries_the_professionals_their_consents_name(
    tmp_path: Path,
) -> None:
    source = make_vault(tmp_path / "source").data_dir
    with open_vault(source) as vault:
        sharing = _fill_sharing(vault)
        before = _sharing_record(vault, sharing.client_id)
    one = tmp_path / "one.json"
    written = run_cli(
        "export",
        "--client",
        sharing.client_id,
        "--out",
        one,
        "--data-dir",
        source,
        "--passphrase-stdin",
    )
    assert written.returncode == ExitStatus.OK, written.stderr

    document = json.loads(one.read_text("utf-8"))
    (exported,) = document["clients"]
    # The psychiatrist is named only by an expired consent and a disclosure.
    assert {p["id"] for p in document["professionals"]} == {
        sharing.gp_id,
        sharing.psychiatrist_id,
    }
    assert sharing.other_id not in one.read_text("utf-8")
    assert len(exported["sharing_consents"]) == 3

    target = _new_vault(tmp_path / "target")
    _import(one, target)
    with open_vault(target) as vault:
        assert _sharing_record(vault, sharing.client_id) == before


def test_a_version_2_document_without_consents_or_disclosures_still_imports(
    tmp_path: Path,
) -> None:
    """A file of an earlier version 2 (before the two lists existed) imports, and gains them."""
    source = make_vault(tmp_path / "source").data_dir
    with open_vault(source) as vault:
        _fill_clinical_record(vault)
        document = export_of(vault)
    for client in document["clients"]:
        assert client.pop("sharing_consents") == []
        assert client.pop("disclosures") == []
    older = tmp_path / "older.json"
    older.write_text(json.dumps(document), "utf-8")
    target = _new_vault(tmp_path / "target")

    _import(older, target)

    again = without_export_time(_export(target))
    assert again == as_version_2(document)
