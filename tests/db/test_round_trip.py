"""Whatever the therapist saves is what they read after closing and reopening the vault.

Each test writes through the services or `RecordCodec.seal_details` on real
rows, commits, closes the vault (checkpoint, key dropped), unlocks it again
from the file and reads back through the services.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

import pytest

from tests.conftest import Reopen
from tests.db.populate import DETAILS_OF_TABLE, Filled, fill_every_table
from therapist_desk.clinical import (
    diagnoses,
    measures,
    medications,
    risk,
    significant_dates,
    treatment_plans,
)
from therapist_desk.db.base import Base
from therapist_desk.db.models import NoteObjectivesRow, ProgressNoteRow, PsychotherapyNoteRow
from therapist_desk.domain.records import (
    AddendumDetails,
    AttendeeDetails,
    ClientDetails,
    NoteContent,
    NoteObjectivesDetails,
    PsychotherapyNoteDetails,
    SessionDetails,
    VaultSettingDetails,
)
from therapist_desk.domain.vocabulary import Attendance, ClientStatus, NoteFormat, SessionKind
from therapist_desk.records import fees
from therapist_desk.records.clients import create_client, get_client
from therapist_desk.records.contacts import list_contacts
from therapist_desk.records.practice import get_profile
from therapist_desk.records.progress_notes import (
    get_note,
    get_note_for_session,
    save_draft,
    sign_note,
)
from therapist_desk.records.psychotherapy_notes import list_psychotherapy_notes
from therapist_desk.records.terms import custom_terms
from therapist_desk.records.therapy_sessions import get_session, schedule_session, set_attendance
from therapist_desk.sharing import consents, disclosures
from therapist_desk.sharing.professionals import get_professional
from therapist_desk.sharing.referrals import get_referral
from therapist_desk.vault import Vault, audit
from therapist_desk.vault.settings import BACKUP_FOLDER, get_setting

EDGE_TEXTS = {
    "empty": "",
    "emoji": "Zoë 👩🏽‍⚕️🧠💬 🏳️‍🌈",
    "arabic": "مرحبا، كيف حالك اليوم؟",
    "hebrew": "שלום, מה שלומך היום?",
    "mixed direction": "Sara \u202bשרה\u202c — سارة (23)",
    "nul characters": "before\x00after\x00",
    "lone surrogate": "\ud800",
    "surrogates among text": "a\udfffb\ud800c",
    "looks like sql": "'); DROP TABLE clients;--",
    "line breaks and tabs": "line one\r\nline two\n\tindented\n",
    "invisible characters": "\ufeff\u200d\u200b",
}
FIVE_MB = ("Session transcript — ünïcödé 🧠 \u05e9\u05dc\u05d5\u05dd\n" * 200_000)[:5_000_000]
MODEL_OF_TABLE = {mapper.class_.__tablename__: mapper.class_ for mapper in Base.registry.mappers}


def unusual_details(details_type: type[Any], text: str, *, optionals: bool) -> Any:
    """A record of `details_type` with `text` in every text field and no default left.

    With `optionals=False` every optional field is empty (None) instead.
    """
    hints = typing.get_type_hints(details_type)
    values: dict[str, Any] = {}
    for index, field in enumerate(dataclasses.fields(details_type)):
        annotation = hints[field.name]
        optional = typing.get_origin(annotation) in (typing.Union, types.UnionType)
        if optional:
            if not optionals:
                values[field.name] = None
                continue
            (annotation,) = [a for a in typing.get_args(annotation) if a is not type(None)]
        values[field.name] = _unusual(annotation, text, index)
    return details_type(**values)


def _unusual(annotation: Any, text: str, index: int) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, StrEnum):
        return list(annotation)[-1]  # never the default
    if typing.get_origin(annotation) is tuple:
        (item, *_rest) = typing.get_args(annotation)
        if item is int:
            return (0, 3, 100, -1)
        if dataclasses.is_dataclass(item):
            return (_nested(item, text, index), _nested(item, f"{text}²", index + 1))
        return (text, "Graded exposure", text)
    if typing.get_origin(annotation) is dict:
        return {"note": text, "plan": f"{text}!"}
    plain: dict[Any, Any] = {
        str: text,
        bool: True,
        int: 10,
        date: date(1931, 2, 28) + timedelta(days=index),
        Decimal: Decimal("1234.50"),
    }
    return plain[annotation]


def _nested(record_type: Any, text: str, index: int) -> Any:
    """A nested record (a plan's goal, an objective) with every field set, keys included."""
    hints = typing.get_type_hints(record_type)
    values: dict[str, Any] = {}
    for position, field in enumerate(dataclasses.fields(record_type)):
        annotation = hints[field.name]
        if typing.get_origin(annotation) in (typing.Union, types.UnionType):
            (annotation,) = [a for a in typing.get_args(annotation) if a is not type(None)]
        values[field.name] = (
            f"key-{index}-{position}" if field.name == "key" else _unusual(annotation, text, index)
        )
    return record_type(**values)


def overwrite_every_table(
    vault: Vault, text: str, *, optionals: bool
) -> tuple[Filled, dict[str, Any]]:
    """Seal unusual values into one real row of every table; returns what was written."""
    filled = fill_every_table(vault)
    written: dict[str, Any] = {}
    with vault.transaction() as session:
        for table, row_id in filled.row_in.items():
            details_type = DETAILS_OF_TABLE[table]
            details = unusual_details(details_type, text, optionals=optionals)
            row = session.get(MODEL_OF_TABLE[table], row_id)
            assert row is not None
            for column, blob in vault.codec.seal_details(table, row_id, details).items():
                setattr(row, column, blob)
            written[table] = details
        note_row = session.get(ProgressNoteRow, filled.row_in["progress_notes"])
        assert note_row is not None
        note_row.content_hash = vault.codec.seal(
            "progress_notes", "content_hash", note_row.id, text
        )
    return filled, written


def read_back_through_services(vault: Vault, filled: Filled) -> dict[str, Any]:
    """What the window would show for each row that was overwritten."""
    ids = filled.row_in
    client = get_client(vault, ids["clients"])
    (contact,) = [c for c in list_contacts(vault, ids["clients"]) if c.id == ids["contacts"]]
    therapy_session = get_session(vault, ids["therapy_sessions"])
    (attendee,) = [a for a in therapy_session.attendees if a.id == ids["session_attendees"]]
    note = get_note(vault, ids["progress_notes"])
    (addendum,) = [a for a in note.addenda if a.id == ids["note_addenda"]]
    (process_note,) = [
        p
        for p in list_psychotherapy_notes(vault, ids["clients"])
        if p.id == ids["psychotherapy_notes"]
    ]
    professional = get_professional(vault, ids["professionals"])
    referral = get_referral(vault, ids["referrals"])
    plan = treatment_plans.get_plan(vault, ids["treatment_plans"])
    diagnosis = diagnoses.get_diagnosis(vault, ids["diagnoses"])
    medication = medications.get_medication(vault, ids["medications"])
    measure = measures.get_measure(vault, ids["measures"])
    assessment = risk.get_risk_assessment(vault, ids["risk_assessments"])
    safety_plan = risk.get_safety_plan(vault, ids["clients"])
    assert safety_plan is not None and safety_plan.id == ids["safety_plans"]
    (significant,) = [
        d
        for d in significant_dates.list_significant_dates(vault, ids["clients"])
        if d.id == ids["significant_dates"]
    ]
    payment = fees.get_payment(vault, ids["payments"])
    consent = consents.get_consent(vault, ids["sharing_consents"])
    (disclosure,) = [
        d
        for d in disclosures.disclosures_for_client(vault, ids["clients"])
        if d.id == ids["disclosures"]
    ]
    with vault.reading() as session:
        link_row = session.get(NoteObjectivesRow, ids["note_objectives"])
        assert link_row is not None
        link, link_damaged = vault.codec.open_details(link_row, NoteObjectivesDetails)
    damaged = [
        client.damaged,
        contact.damaged,
        therapy_session.damaged,
        attendee.damaged,
        note.damaged,
        addendum.damaged,
        process_note.damaged,
        professional.damaged,
        referral.damaged,
        plan.damaged,
        diagnosis.damaged,
        medication.damaged,
        measure.damaged,
        assessment.damaged,
        safety_plan.damaged,
        significant.damaged,
        payment.damaged,
        consent.damaged,
        disclosure.damaged,
        link_damaged,
    ]
    assert all(fields == () for fields in damaged), damaged
    (term,) = custom_terms(vault)
    oldest_event = audit.events(vault)[-1]  # the overwritten entry is the first one
    assert oldest_event.damaged == ()
    (setting,) = [
        VaultSettingDetails(value)
        for value in [get_setting(vault, BACKUP_FOLDER)]
        if value is not None
    ]
    return {
        "audit_events": oldest_event.details,
        "vault_settings": setting,
        "practice_profile": get_profile(vault),
        "clients": client.details,
        "contacts": contact.details,
        "therapy_sessions": therapy_session.details,
        "session_attendees": AttendeeDetails(attendee.attendance),
        "progress_notes": note.content,
        "content_hash": note.content_hash,
        "note_addenda": AddendumDetails(addendum.text),
        "psychotherapy_notes": PsychotherapyNoteDetails(process_note.text),
        "professionals": professional.details,
        "referrals": referral.details,
        "vocabulary_terms": term,
        "treatment_plans": plan.details,
        "note_objectives": link,
        "diagnoses": diagnosis.details,
        "medications": medication.details,
        "measures": measure.details,
        "risk_assessments": assessment.details,
        "safety_plans": safety_plan.details,
        "significant_dates": significant.details,
        "payments": payment.details,
        "sharing_consents": consent.details,
        "disclosures": disclosure.details,
    }


@pytest.mark.parametrize("text", EDGE_TEXTS.values(), ids=EDGE_TEXTS.keys())
def test_every_field_of_every_table_survives_closing_and_reopening(
    vault: Vault, reopen: Reopen, text: str
) -> None:
    filled, written = overwrite_every_table(vault, text, optionals=True)
    reopened = reopen(vault)
    read = read_back_through_services(reopened, filled)
    for table in DETAILS_OF_TABLE:
        assert read[table] == written[table], table
    assert read["content_hash"] == text
    assert read["therapy_sessions"].fee is not None
    assert str(read["therapy_sessions"].fee) == "1234.50"


def test_empty_optional_fields_stay_empty_after_reopening(vault: Vault, reopen: Reopen) -> None:
    """No date of birth stays 'no date of birth', not a default date."""
    filled, written = overwrite_every_table(vault, "plain text", optionals=False)
    reopened = reopen(vault)
    read = read_back_through_services(reopened, filled)
    for table in DETAILS_OF_TABLE:
        assert read[table] == written[table], table
    assert read["clients"].date_of_birth is None
    assert read["therapy_sessions"].fee is None
    assert read["progress_notes"].mood is None


def test_five_megabytes_of_text_survive_in_a_note(vault: Vault, reopen: Reopen) -> None:
    """A pasted transcript is neither cut short nor refused on reading."""
    filled = fill_every_table(vault)
    process_id = filled.row_in["psychotherapy_notes"]
    note_id = filled.row_in["progress_notes"]
    sections = {"data": FIVE_MB, "assessment": "short", "plan": FIVE_MB[::-1]}
    with vault.transaction() as session:
        process_row = session.get(PsychotherapyNoteRow, process_id)
        note_row = session.get(ProgressNoteRow, note_id)
        assert process_row is not None and note_row is not None
        for column, blob in vault.codec.seal_details(
            "psychotherapy_notes", process_id, PsychotherapyNoteDetails(FIVE_MB)
        ).items():
            setattr(process_row, column, blob)
        note_row.sections = vault.codec.seal("progress_notes", "sections", note_id, sections)

    reopened = reopen(vault)
    (process_note,) = [
        p for p in list_psychotherapy_notes(reopened, filled.first_client) if p.id == process_id
    ]
    assert process_note.damaged == ()
    assert process_note.text == FIVE_MB
    note = get_note(reopened, note_id)
    assert note.damaged == ()
    assert note.content.sections == sections


def test_a_record_entered_through_the_services_reads_back_unchanged(
    vault: Vault, reopen: Reopen
) -> None:
    """Names in any script, a fee with pence, ticks and pick lists, all as entered."""
    details = ClientDetails(
        legal_name="سارة بن علي",
        preferred_name="שרה 🌿",
        pronouns="she/her",
        name_in_letters="'); DROP TABLE clients;--",
        date_of_birth=date(1990, 2, 28),
        address="Flat 2\x00, \ud800 Road",
        status=ClientStatus.ACTIVE,
        intake_date=date(2024, 1, 8),
    )
    client = create_client(vault, details)
    starts = datetime(2024, 3, 4, 9, 30, tzinfo=UTC)
    session_details = SessionDetails(
        kind=SessionKind.INDIVIDUAL, title="Intake 👋", fee=Decimal("85.50"), paid=True
    )
    booked = schedule_session(vault, starts, 50, session_details, [client.id])
    set_attendance(vault, booked.id, client.id, Attendance.ATTENDED)
    content = NoteContent(
        format=NoteFormat.SOAP,
        sections={
            "subjective": "Feels 'better' 🙂; slept\x00 well",
            "objective": "مبتسمة",
            "assessment": "\ud800",
            "plan": "",
        },
        techniques=("Reflection", "Graded exposure"),
        interventions=(),
        mood=0,
        risk_flag=True,
    )
    signed = sign_note(vault, save_draft(vault, booked.id, content).id)

    reopened = reopen(vault)

    assert get_client(reopened, client.id).details == details
    session_back = get_session(reopened, booked.id)
    assert session_back.details == session_details
    assert str(session_back.details.fee) == "85.50"
    assert session_back.starts_at == starts
    assert [a.attendance for a in session_back.attendees] == [Attendance.ATTENDED]
    note = get_note_for_session(reopened, booked.id)
    assert note is not None
    assert note.content == content
    assert note.signed_at == signed.signed_at
    assert note.content_hash == signed.content_hash
