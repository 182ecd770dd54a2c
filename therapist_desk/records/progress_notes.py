"""Progress notes: drafts saved as the therapist types, signed and then locked.

Signing stores the time and a SHA-256 of the note's content; a signed note is
never edited again, and corrections are dated addenda below it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from therapist_desk.db.column_types import new_id
from therapist_desk.db.models import (
    NoteAddendumRow,
    ProgressNoteRow,
    SessionAttendeeRow,
    TherapySessionRow,
)
from therapist_desk.db.record_codec import RecordCodec
from therapist_desk.domain.records import (
    Addendum,
    AddendumDetails,
    AttendeeDetails,
    NoteContent,
    ProgressNote,
    TherapySession,
)
from therapist_desk.domain.signatures import note_content_hash
from therapist_desk.domain.vocabulary import NOTE_SECTIONS, Attendance, AuditKind
from therapist_desk.errors import InvalidInput, NoteIsSigned, RecordNotFound
from therapist_desk.records.therapy_sessions import load_sessions
from therapist_desk.records.validation import Problems
from therapist_desk.vault import Vault, audit

TABLE = ProgressNoteRow.__tablename__
ADDENDUM_TABLE = NoteAddendumRow.__tablename__
MAX_SECTION_LENGTH = 200_000
MAX_PICKS = 50
_STREAM_BATCH = 1000
#: Attendance for which no progress note is expected.
NO_NOTE_NEEDED = frozenset({Attendance.CANCELLED, Attendance.LATE_CANCELLED, Attendance.NO_SHOW})


def check_note_content(content: NoteContent) -> None:
    problems = Problems()
    allowed = NOTE_SECTIONS[content.format]
    unknown = sorted(set(content.sections) - set(allowed))
    if unknown:
        problems.add(
            f"A {content.format.value.upper()} note has no section named {', '.join(unknown)}."
        )
    for name, text in content.sections.items():
        problems.limit(f"The {name} section", text, MAX_SECTION_LENGTH)
    if content.mood is not None and not 0 <= content.mood <= 10:
        problems.add(f"Mood is rated 0 to 10, not {content.mood}.")
    for label, picks in (
        ("techniques", content.techniques),
        ("interventions", content.interventions),
    ):
        if len(picks) > MAX_PICKS:
            problems.add(f"At most {MAX_PICKS} {label} can be chosen.")
        if any(not pick.strip() for pick in picks):
            problems.add(f"One of the {label} is blank.")
    problems.raise_if_any("The note cannot be saved")


def note_from_row(
    codec: RecordCodec,
    row: ProgressNoteRow,
    addenda: list[NoteAddendumRow] | None = None,
) -> ProgressNote:
    content, damaged = codec.open_details(row, NoteContent)
    hash_value = ""
    try:
        opened = codec.open_value(TABLE, "content_hash", row.id, row.content_hash)
        hash_value = opened if isinstance(opened, str) else ""
    except Exception:  # noqa: BLE001 - a damaged hash is reported like any damaged field
        damaged = (*damaged, "content_hash")
    return ProgressNote(
        id=row.id,
        session_id=row.session_id,
        content=content,
        created_at=row.created_at,
        updated_at=row.updated_at,
        signed_at=row.signed_at,
        content_hash=hash_value,
        addenda=tuple(addendum_from_row(codec, addendum) for addendum in addenda or ()),
        damaged=damaged,
    )


def addendum_from_row(codec: RecordCodec, row: NoteAddendumRow) -> Addendum:
    details, damaged = codec.open_details(row, AddendumDetails)
    return Addendum(row.id, row.note_id, details.text, row.created_at, damaged)


def new_note_row(
    codec: RecordCodec,
    session_id: str,
    content: NoteContent,
    now: datetime,
    signed_at: datetime | None = None,
    note_id: str | None = None,
) -> ProgressNoteRow:
    row_id = note_id or new_id()
    content_hash = note_content_hash(session_id, content, signed_at) if signed_at else ""
    return ProgressNoteRow(
        id=row_id,
        session_id=session_id,
        created_at=now,
        updated_at=now,
        signed_at=signed_at,
        content_hash=codec.seal(TABLE, "content_hash", row_id, content_hash),
        **codec.seal_details(TABLE, row_id, content),
    )


def new_addendum_row(
    codec: RecordCodec,
    note_id: str,
    text: str,
    created_at: datetime,
    addendum_id: str | None = None,
) -> NoteAddendumRow:
    row_id = addendum_id or new_id()
    return NoteAddendumRow(
        id=row_id,
        note_id=note_id,
        created_at=created_at,
        **codec.seal_details(ADDENDUM_TABLE, row_id, AddendumDetails(text)),
    )


def _addenda(session: Session, note_id: str) -> list[NoteAddendumRow]:
    return list(
        session.scalars(
            select(NoteAddendumRow)
            .where(NoteAddendumRow.note_id == note_id)
            .order_by(NoteAddendumRow.created_at, NoteAddendumRow.id)
        )
    )


def _first_attendee(session: Session, session_id: str) -> str:
    """The client an audit entry about this session's note is filed under."""
    found = session.scalar(
        select(SessionAttendeeRow.client_id)
        .where(SessionAttendeeRow.session_id == session_id)
        .order_by(SessionAttendeeRow.client_id)
        .limit(1)
    )
    return found or ""


def _load(session: Session, note_id: str) -> ProgressNoteRow:
    row = session.get(ProgressNoteRow, note_id)
    if row is None:
        raise RecordNotFound(f"There is no progress note with id {note_id}.")
    return row


def get_note_for_session(vault: Vault, session_id: str) -> ProgressNote | None:
    with vault.reading() as session:
        row = session.scalar(
            select(ProgressNoteRow).where(ProgressNoteRow.session_id == session_id)
        )
        if row is None:
            return None
        return note_from_row(vault.codec, row, _addenda(session, row.id))


def get_note(vault: Vault, note_id: str) -> ProgressNote:
    with vault.reading() as session:
        row = _load(session, note_id)
        return note_from_row(vault.codec, row, _addenda(session, note_id))


def save_draft(vault: Vault, session_id: str, content: NoteContent) -> ProgressNote:
    """Create or overwrite the session's draft note; returns after the commit."""
    check_note_content(content)
    with vault.transaction() as session:
        row = put_draft(session, vault, session_id, content)
        return note_from_row(vault.codec, row)


def put_draft(
    session: Session, vault: Vault, session_id: str, content: NoteContent
) -> ProgressNoteRow:
    """Create or overwrite the session's draft note in the caller's transaction."""
    check_note_content(content)
    now = vault.now()
    if session.get(TherapySessionRow, session_id) is None:
        raise RecordNotFound(f"There is no session with id {session_id}.")
    client_id = _first_attendee(session, session_id)
    row = session.scalar(select(ProgressNoteRow).where(ProgressNoteRow.session_id == session_id))
    if row is None:
        row = new_note_row(vault.codec, session_id, content, now)
        session.add(row)
        kind = AuditKind.CREATE
    else:
        if row.signed_at is not None:
            raise NoteIsSigned(
                "This note is signed and can no longer be changed; add a dated addendum instead."
            )
        for column, blob in vault.codec.seal_details(TABLE, row.id, content).items():
            setattr(row, column, blob)
        row.updated_at = now
        kind = AuditKind.EDIT
    audit.record(
        session, vault, kind, client_id=client_id, record_id=row.id, detail="progress note"
    )
    session.flush()
    return row


def sign_note(vault: Vault, note_id: str) -> ProgressNote:
    """Lock the note: store the signing time and the hash of its content."""
    with vault.transaction() as session:
        row = _load(session, note_id)
        put_signature(session, vault, row)
        return note_from_row(vault.codec, row, _addenda(session, note_id))


def put_signature(session: Session, vault: Vault, row: ProgressNoteRow) -> None:
    """Sign the note in the caller's transaction: the time and the hash of what it says."""
    if row.signed_at is not None:
        raise NoteIsSigned("This note is already signed.")
    content, damaged = vault.codec.open_details(row, NoteContent)
    if damaged:
        raise InvalidInput(
            "Part of this note cannot be read ("
            + ", ".join(damaged)
            + "), so it cannot be signed. Restore the vault from a backup."
        )
    now = vault.now()
    row.signed_at = now
    row.content_hash = vault.codec.seal(
        TABLE, "content_hash", row.id, note_content_hash(row.session_id, content, now)
    )
    row.updated_at = now
    audit.record(
        session,
        vault,
        AuditKind.SIGN,
        client_id=_first_attendee(session, row.session_id),
        record_id=row.id,
        detail="progress note",
    )
    session.flush()


def add_addendum(vault: Vault, note_id: str, text: str) -> Addendum:
    """A dated correction or addition to a signed note."""
    with vault.transaction() as session:
        return put_addendum(session, vault, _load(session, note_id), text)


def put_addendum(session: Session, vault: Vault, note: ProgressNoteRow, text: str) -> Addendum:
    """An addendum below a signed note, in the caller's transaction."""
    problems = Problems()
    problems.require_text("The addendum", text, MAX_SECTION_LENGTH)
    problems.raise_if_any("The addendum cannot be saved")
    if note.signed_at is None:
        raise InvalidInput(
            "This note is still a draft; change the draft instead of adding an addendum."
        )
    now = vault.now()
    row = new_addendum_row(vault.codec, note.id, text, now)
    session.add(row)
    audit.record(
        session,
        vault,
        AuditKind.ADDENDUM,
        client_id=_first_attendee(session, note.session_id),
        record_id=note.id,
        detail="progress note",
    )
    session.flush()
    return Addendum(row.id, note.id, text, now)


def note_in(session: Session, vault: Vault, row: ProgressNoteRow) -> ProgressNote:
    """The note with its addenda, as the caller's session sees it."""
    return note_from_row(vault.codec, row, _addenda(session, row.id))


def load_note_row(session: Session, note_id: str) -> ProgressNoteRow:
    return _load(session, note_id)


@dataclass(frozen=True)
class NoteDue:
    """A past session that needs its note written or signed."""

    session: TherapySession
    draft_exists: bool


def notes_due(vault: Vault, now: datetime | None = None) -> list[NoteDue]:
    """Past sessions someone attended (or not yet marked) whose note is not signed.

    Only the attendance of candidate sessions is decrypted to rule out the
    cancelled ones; the few sessions left are then read in full.
    """
    now = now or vault.now()
    with vault.reading() as session:
        # Streamed in batches: a worker thread runs this, and one long fetch would
        # hold the GIL and freeze the window meanwhile.
        # (A Result has keys(), so dict(result) would take it for a mapping.)
        candidates: dict[str, str | None] = {
            row[0]: row[1]
            for row in session.execute(
                select(TherapySessionRow.id, ProgressNoteRow.id)
                .outerjoin(ProgressNoteRow, ProgressNoteRow.session_id == TherapySessionRow.id)
                .where(TherapySessionRow.starts_at < now, ProgressNoteRow.signed_at.is_(None))
                .execution_options(yield_per=_STREAM_BATCH)
            )
        }
        needing = set()
        attendance_rows = session.execute(
            select(
                SessionAttendeeRow.id, SessionAttendeeRow.session_id, SessionAttendeeRow.attendance
            )
            .join(TherapySessionRow, TherapySessionRow.id == SessionAttendeeRow.session_id)
            .outerjoin(ProgressNoteRow, ProgressNoteRow.session_id == TherapySessionRow.id)
            .where(TherapySessionRow.starts_at < now, ProgressNoteRow.signed_at.is_(None))
            .execution_options(yield_per=_STREAM_BATCH)
        )
        for attendee_id, session_id, blob in attendance_rows:
            opened, damaged = vault.codec.open_mapping(
                "session_attendees", attendee_id, {"attendance": blob}, AttendeeDetails
            )
            if damaged or opened.attendance not in NO_NOTE_NEEDED:
                needing.add(session_id)
        sessions = (
            load_sessions(
                session, vault.codec, TherapySessionRow.id.in_(sorted(needing)), newest_first=True
            )
            if needing
            else []
        )
    return [NoteDue(s, draft_exists=candidates.get(s.id) is not None) for s in sessions]


def note_states_for_client(vault: Vault, client_id: str) -> dict[str, bool]:
    """Session id → True if its note is signed, False if it is a draft.

    Sessions without a note are absent.
    """
    with vault.reading() as session:
        attended = select(SessionAttendeeRow.session_id).where(
            SessionAttendeeRow.client_id == client_id
        )
        rows = session.execute(
            select(ProgressNoteRow.session_id, ProgressNoteRow.signed_at).where(
                ProgressNoteRow.session_id.in_(attended)
            )
        )
        return {session_id: signed_at is not None for session_id, signed_at in rows}


def latest_risk_flag(vault: Vault, client_id: str) -> datetime | None:
    """When the client's most recent note flagged a risk concern, or None if it did not."""
    with vault.reading() as session:
        attended = select(SessionAttendeeRow.session_id).where(
            SessionAttendeeRow.client_id == client_id
        )
        row = session.execute(
            select(ProgressNoteRow, TherapySessionRow.starts_at)
            .join(TherapySessionRow, TherapySessionRow.id == ProgressNoteRow.session_id)
            .where(ProgressNoteRow.session_id.in_(attended))
            .order_by(TherapySessionRow.starts_at.desc())
            .limit(1)
        ).first()
        if row is None:
            return None
        note_row, starts_at = row
        flagged = vault.codec.open_details(note_row, NoteContent)[0].risk_flag
        return starts_at if flagged else None
