"""Diagnoses with their ICD-10 codes: current (provisional or confirmed) and resolved."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from therapist_desk.clinical import icd10
from therapist_desk.db.column_types import new_id
from therapist_desk.db.models import DiagnosisRow
from therapist_desk.db.record_codec import RecordCodec
from therapist_desk.domain.records import Diagnosis, DiagnosisDetails
from therapist_desk.domain.vocabulary import DiagnosisStatus
from therapist_desk.errors import RecordNotFound
from therapist_desk.records.validation import Problems, load_client_row
from therapist_desk.vault import Vault, audit

TABLE = DiagnosisRow.__tablename__
MAX_NOTES = 20_000


def prepare_diagnosis(details: DiagnosisDetails, today: date) -> DiagnosisDetails:
    """The details as they are stored, or InvalidInput listing every problem.

    The code is written the standard way ("f411" → "F41.1"), and an empty
    label takes the code's official description.
    """
    code = icd10.normalise(details.code)
    problems = Problems()
    if not code:
        problems.add("The ICD-10 code is required.")
    elif not icd10.is_known(code):
        problems.add(
            f"{code} is not an ICD-10 code for mental health "
            "(chapter V, F00–F99, or a related Z code)."
        )
    problems.limit("Label", details.label)
    problems.limit("Notes", details.notes, MAX_NOTES)
    resolved = details.status is DiagnosisStatus.RESOLVED
    if resolved and details.resolved_on is None:
        problems.add("A resolved diagnosis needs the date it was resolved.")
    if not resolved and details.resolved_on is not None:
        problems.add("Only a resolved diagnosis has a date resolved.")
    for label, day in (
        ("date diagnosed", details.diagnosed_on),
        ("date resolved", details.resolved_on),
    ):
        if day is not None and day > today:
            problems.add(f"The {label} ({day.isoformat()}) is in the future.")
    problems.date_order(
        "the date diagnosed", details.diagnosed_on, "The date resolved", details.resolved_on
    )
    problems.raise_if_any("The diagnosis cannot be saved")
    label = details.label.strip() or icd10.describe(code)
    return replace(details, code=code, label=label)


def diagnosis_from_row(codec: RecordCodec, row: DiagnosisRow) -> Diagnosis:
    details, damaged = codec.open_details(row, DiagnosisDetails)
    return Diagnosis(row.id, row.client_id, details, row.created_at, row.updated_at, damaged)


def new_diagnosis_row(
    codec: RecordCodec,
    client_id: str,
    details: DiagnosisDetails,
    now: datetime,
    diagnosis_id: str | None = None,
) -> DiagnosisRow:
    row_id = diagnosis_id or new_id()
    return DiagnosisRow(
        id=row_id,
        client_id=client_id,
        created_at=now,
        updated_at=now,
        **codec.seal_details(TABLE, row_id, details),
    )


def _load(session: Session, diagnosis_id: str) -> DiagnosisRow:
    row = session.get(DiagnosisRow, diagnosis_id)
    if row is None:
        raise RecordNotFound(f"There is no diagnosis with id {diagnosis_id}.")
    return row


@dataclass(frozen=True)
class ClientDiagnoses:
    #: Provisional and confirmed: confirmed first, each the longest-standing first.
    current: tuple[Diagnosis, ...]
    #: The most recently resolved first.
    resolved: tuple[Diagnosis, ...]


def list_diagnoses(vault: Vault, client_id: str) -> ClientDiagnoses:
    with vault.reading() as session:
        rows = session.scalars(select(DiagnosisRow).where(DiagnosisRow.client_id == client_id))
        found = [diagnosis_from_row(vault.codec, row) for row in rows]
    current = sorted(
        (d for d in found if d.details.status is not DiagnosisStatus.RESOLVED),
        key=lambda d: (
            d.details.status is not DiagnosisStatus.CONFIRMED,
            d.details.diagnosed_on or date.max,
            d.created_at,
        ),
    )
    resolved = sorted(
        (d for d in found if d.details.status is DiagnosisStatus.RESOLVED),
        key=lambda d: (d.details.resolved_on or date.min, d.created_at),
        reverse=True,
    )
    return ClientDiagnoses(tuple(current), tuple(resolved))


def get_diagnosis(vault: Vault, diagnosis_id: str) -> Diagnosis:
    with vault.reading() as session:
        return diagnosis_from_row(vault.codec, _load(session, diagnosis_id))


def add_diagnosis(vault: Vault, client_id: str, details: DiagnosisDetails) -> Diagnosis:
    now = vault.now()
    details = prepare_diagnosis(details, now.astimezone().date())
    with vault.transaction() as session:
        load_client_row(session, client_id)
        row = new_diagnosis_row(vault.codec, client_id, details, now)
        audit.add_recorded(session, vault, row, "diagnosis")
    return Diagnosis(row.id, client_id, details, now, now)


def update_diagnosis(vault: Vault, diagnosis_id: str, details: DiagnosisDetails) -> Diagnosis:
    now = vault.now()
    details = prepare_diagnosis(details, now.astimezone().date())
    with vault.transaction() as session:
        row = _load(session, diagnosis_id)
        audit.edit_recorded(session, vault, row, details, "diagnosis")
        row.updated_at = now
        return Diagnosis(diagnosis_id, row.client_id, details, row.created_at, now)


def remove_diagnosis(vault: Vault, diagnosis_id: str) -> None:
    """Delete a diagnosis entered in error (one that no longer applies is resolved instead)."""
    with vault.transaction() as session:
        audit.delete_recorded(
            session, vault, _load(session, diagnosis_id), "diagnosis entered in error"
        )
