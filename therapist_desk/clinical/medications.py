"""Medications a physician prescribes, tracked alongside therapy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from therapist_desk.db.column_types import new_id
from therapist_desk.db.models import MedicationRow, ProfessionalRow
from therapist_desk.db.record_codec import RecordCodec
from therapist_desk.domain.records import Medication, MedicationDetails
from therapist_desk.domain.vocabulary import AuditKind
from therapist_desk.errors import RecordNotFound
from therapist_desk.records.validation import Problems, load_client_row
from therapist_desk.vault import Vault, audit

TABLE = MedicationRow.__tablename__
MAX_NOTES = 20_000


def check_medication(details: MedicationDetails) -> None:
    problems = Problems()
    problems.require_text("The medication's name", details.name)
    for label, value in (
        ("Dose", details.dose),
        ("Frequency", details.frequency),
        ("Prescriber", details.prescriber_name),
    ):
        problems.limit(label, value)
    problems.limit("Notes", details.notes, MAX_NOTES)
    problems.date_order("the start date", details.started_on, "The stop date", details.stopped_on)
    problems.raise_if_any("The medication cannot be saved")


def medication_from_row(codec: RecordCodec, row: MedicationRow) -> Medication:
    details, damaged = codec.open_details(row, MedicationDetails)
    return Medication(
        row.id,
        row.client_id,
        row.prescriber_id,
        details,
        row.created_at,
        row.updated_at,
        damaged,
    )


def new_medication_row(
    codec: RecordCodec,
    client_id: str,
    prescriber_id: str | None,
    details: MedicationDetails,
    now: datetime,
    medication_id: str | None = None,
) -> MedicationRow:
    row_id = medication_id or new_id()
    return MedicationRow(
        id=row_id,
        client_id=client_id,
        prescriber_id=prescriber_id,
        created_at=now,
        updated_at=now,
        **codec.seal_details(TABLE, row_id, details),
    )


def _load(session: Session, medication_id: str) -> MedicationRow:
    row = session.get(MedicationRow, medication_id)
    if row is None:
        raise RecordNotFound(f"There is no medication with id {medication_id}.")
    return row


def _check_prescriber(session: Session, prescriber_id: str | None) -> None:
    if prescriber_id is not None and session.get(ProfessionalRow, prescriber_id) is None:
        raise RecordNotFound(f"There is no professional with id {prescriber_id} in the directory.")


@dataclass(frozen=True)
class ClientMedications:
    #: Not stopped, or stopping after the day asked about; by name.
    current: tuple[Medication, ...]
    #: Stopped, the most recently stopped first.
    past: tuple[Medication, ...]


def list_medications(vault: Vault, client_id: str, on: date | None = None) -> ClientMedications:
    """The client's medications, current and past as of `on` (default: today)."""
    on = on or vault.now().astimezone().date()
    with vault.reading() as session:
        rows = session.scalars(select(MedicationRow).where(MedicationRow.client_id == client_id))
        found = [medication_from_row(vault.codec, row) for row in rows]
    current = sorted(
        (m for m in found if m.is_current(on)),
        key=lambda m: (m.details.name.casefold(), m.details.started_on or date.min, m.id),
    )
    past = sorted(
        (m for m in found if not m.is_current(on)),
        key=lambda m: (m.details.stopped_on or date.min, m.created_at),
        reverse=True,
    )
    return ClientMedications(tuple(current), tuple(past))


def get_medication(vault: Vault, medication_id: str) -> Medication:
    with vault.reading() as session:
        return medication_from_row(vault.codec, _load(session, medication_id))


def add_medication(
    vault: Vault,
    client_id: str,
    details: MedicationDetails,
    *,
    prescriber_id: str | None = None,
) -> Medication:
    """Record a medication; the prescriber from the directory, in words, or both."""
    check_medication(details)
    now = vault.now()
    with vault.transaction() as session:
        load_client_row(session, client_id)
        _check_prescriber(session, prescriber_id)
        row = new_medication_row(vault.codec, client_id, prescriber_id, details, now)
        audit.add_recorded(session, vault, row, "medication")
    return Medication(row.id, client_id, prescriber_id, details, now, now)


def update_medication(
    vault: Vault,
    medication_id: str,
    details: MedicationDetails,
    *,
    prescriber_id: str | None = None,
) -> Medication:
    check_medication(details)
    now = vault.now()
    with vault.transaction() as session:
        row = _load(session, medication_id)
        _check_prescriber(session, prescriber_id)
        row.prescriber_id = prescriber_id
        audit.edit_recorded(session, vault, row, details, "medication")
        row.updated_at = now
        return medication_from_row(vault.codec, row)


def stop_medication(vault: Vault, medication_id: str, on: date) -> Medication:
    """Record the day the medication was stopped (today, a day past, or one planned)."""
    now = vault.now()
    with vault.transaction() as session:
        row = _load(session, medication_id)
        started_on = medication_from_row(vault.codec, row).details.started_on
        problems = Problems()
        problems.date_order("the start date", started_on, "The stop date", on)
        problems.raise_if_any("The medication cannot be stopped")
        # Only the stop date is written: any other value stays exactly as stored.
        row.stopped_on = vault.codec.seal(TABLE, "stopped_on", medication_id, on)
        row.updated_at = now
        audit.record(
            session,
            vault,
            AuditKind.EDIT,
            client_id=row.client_id,
            record_id=medication_id,
            detail="medication",
        )
        return medication_from_row(vault.codec, row)


def remove_medication(vault: Vault, medication_id: str) -> None:
    """Delete a medication entered in error (one no longer taken is stopped instead)."""
    with vault.transaction() as session:
        audit.delete_recorded(
            session, vault, _load(session, medication_id), "medication entered in error"
        )
