"""A session's progress note as the note editor saves it: with the plan objectives the
session worked on, and with the session as it now stands.

A draft and its objectives commit together or not at all; signing saves the final
wording, the objectives and the signature in one transaction, so the signature
vouches for exactly what was on screen. Each returns the session read in the same
transaction, so whoever shows or indexes the note never works from a stale copy (a
session moved in the calendar meanwhile, say).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from therapist_desk.clinical.treatment_plans import put_note_objectives
from therapist_desk.db.models import ProgressNoteRow, TherapySessionRow
from therapist_desk.domain.records import NoteContent, ProgressNote, TherapySession
from therapist_desk.records import progress_notes
from therapist_desk.records.therapy_sessions import load_sessions
from therapist_desk.vault import Vault


@dataclass(frozen=True)
class SessionNote:
    """A note as saved, and the session it belongs to."""

    note: ProgressNote
    session: TherapySession


def save_draft(
    vault: Vault,
    session_id: str,
    content: NoteContent,
    worked_on: Sequence[str] | None = None,
) -> SessionNote:
    """Save the session's draft and, unless `worked_on` is None (unchanged), the
    objectives it worked on; returns after the one commit."""
    progress_notes.check_note_content(content)
    with vault.transaction() as session:
        row = progress_notes.put_draft(session, vault, session_id, content)
        if worked_on is not None:
            put_note_objectives(session, vault, row, worked_on)
        return _as_saved(session, vault, row)


def sign_draft(
    vault: Vault,
    session_id: str,
    content: NoteContent,
    worked_on: Sequence[str] | None = None,
) -> SessionNote:
    """Save the draft as it stands (with its objectives, unless None) and sign it, all in
    one transaction; a note that cannot be saved is not signed."""
    progress_notes.check_note_content(content)
    with vault.transaction() as session:
        row = progress_notes.put_draft(session, vault, session_id, content)
        if worked_on is not None:
            put_note_objectives(session, vault, row, worked_on)
        progress_notes.put_signature(session, vault, row)
        return _as_saved(session, vault, row)


def add_addendum(vault: Vault, note_id: str, text: str) -> SessionNote:
    """A dated addendum below a signed note; returns the note with every addendum."""
    with vault.transaction() as session:
        row = progress_notes.load_note_row(session, note_id)
        progress_notes.put_addendum(session, vault, row, text)
        return _as_saved(session, vault, row)


def _as_saved(session: Session, vault: Vault, row: ProgressNoteRow) -> SessionNote:
    note = progress_notes.note_in(session, vault, row)
    (therapy_session,) = load_sessions(session, vault.codec, TherapySessionRow.id == row.session_id)
    return SessionNote(note, therapy_session)
