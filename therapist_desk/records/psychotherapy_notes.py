"""Psychotherapy (process) notes: the therapist's private notes, kept apart.

They live in their own table, are read only through this module, and are left
out of every print and export unless the therapist asks for them by name.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from therapist_desk.db.column_types import new_id
from therapist_desk.db.models import PsychotherapyNoteRow
from therapist_desk.db.record_codec import RecordCodec
from therapist_desk.domain.records import PsychotherapyNote, PsychotherapyNoteDetails
from therapist_desk.domain.vocabulary import AuditKind
from therapist_desk.errors import RecordNotFound
from therapist_desk.records.clients import load_client_row
from therapist_desk.records.progress_notes import MAX_SECTION_LENGTH
from therapist_desk.records.validation import Problems
from therapist_desk.vault import Vault, audit

TABLE = PsychotherapyNoteRow.__tablename__


def psychotherapy_note_from_row(codec: RecordCodec, row: PsychotherapyNoteRow) -> PsychotherapyNote:
    details, damaged = codec.open_details(row, PsychotherapyNoteDetails)
    return PsychotherapyNote(
        row.id,
        row.client_id,
        row.session_id,
        details.text,
        row.created_at,
        row.updated_at,
        damaged,
    )


def new_psychotherapy_note_row(
    codec: RecordCodec,
    client_id: str,
    session_id: str | None,
    text: str,
    created_at: datetime,
    updated_at: datetime,
    note_id: str | None = None,
) -> PsychotherapyNoteRow:
    row_id = note_id or new_id()
    return PsychotherapyNoteRow(
        id=row_id,
        client_id=client_id,
        session_id=session_id,
        created_at=created_at,
        updated_at=updated_at,
        **codec.seal_details(TABLE, row_id, PsychotherapyNoteDetails(text)),
    )


def list_psychotherapy_notes(vault: Vault, client_id: str) -> list[PsychotherapyNote]:
    with vault.reading() as session:
        rows = session.scalars(
            select(PsychotherapyNoteRow)
            .where(PsychotherapyNoteRow.client_id == client_id)
            .order_by(PsychotherapyNoteRow.created_at.desc())
        ).all()
        return [psychotherapy_note_from_row(vault.codec, row) for row in rows]


def save_psychotherapy_note(
    vault: Vault,
    client_id: str,
    text: str,
    *,
    session_id: str | None = None,
    note_id: str | None = None,
) -> PsychotherapyNote:
    """Create a process note, or overwrite the one named by `note_id`."""
    problems = Problems()
    problems.limit("The process note", text, MAX_SECTION_LENGTH)
    problems.raise_if_any("The process note cannot be saved")
    now = vault.now()
    with vault.transaction() as session:
        load_client_row(session, client_id)
        if note_id is None:
            row = new_psychotherapy_note_row(vault.codec, client_id, session_id, text, now, now)
            session.add(row)
            audit.record(
                session,
                vault,
                AuditKind.CREATE,
                client_id=client_id,
                record_id=row.id,
                detail="process note",
            )
        else:
            found = session.get(PsychotherapyNoteRow, note_id)
            if found is None or found.client_id != client_id:
                raise RecordNotFound(f"There is no process note with id {note_id} for this client.")
            row = found
            row.text = vault.codec.seal(TABLE, "text", note_id, text)
            row.updated_at = now
            audit.record(
                session,
                vault,
                AuditKind.EDIT,
                client_id=client_id,
                record_id=note_id,
                detail="process note",
            )
        session.flush()
        return psychotherapy_note_from_row(vault.codec, row)
