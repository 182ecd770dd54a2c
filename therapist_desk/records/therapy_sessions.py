"""Therapy sessions: when they are, who attends, and whether they came."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import Session, selectinload

from therapist_desk.db.bulk import add_in_dependency_order
from therapist_desk.db.column_types import SEALED, new_id
from therapist_desk.db.models import (
    ClientRow,
    ProgressNoteRow,
    SessionAttendeeRow,
    SessionSeriesRow,
    TherapySessionRow,
)
from therapist_desk.db.record_codec import RecordCodec
from therapist_desk.domain.records import (
    Attendee,
    AttendeeDetails,
    SessionDetails,
    TherapySession,
)
from therapist_desk.domain.vocabulary import Attendance, AuditKind, SessionKind
from therapist_desk.errors import InvalidInput, RecordNotFound
from therapist_desk.records.validation import Problems
from therapist_desk.vault import Vault, audit

TABLE = TherapySessionRow.__tablename__
ATTENDEE_TABLE = SessionAttendeeRow.__tablename__
MAX_DURATION_MINUTES = 12 * 60

#: How many attending clients each kind of session allows (least, most).
ATTENDEE_LIMITS: dict[SessionKind, tuple[int, int | None]] = {
    SessionKind.INDIVIDUAL: (1, 1),
    SessionKind.COUPLE: (2, 2),
    SessionKind.FAMILY: (2, None),
    SessionKind.GROUP: (2, None),
}


def check_session(
    starts_at: datetime,
    duration_minutes: int,
    details: SessionDetails,
    client_ids: Sequence[str],
) -> None:
    session_problems(starts_at, duration_minutes, details, client_ids).raise_if_any(
        "The session cannot be saved"
    )


def session_problems(
    starts_at: datetime,
    duration_minutes: int,
    details: SessionDetails,
    client_ids: Sequence[str],
) -> Problems:
    """Everything wrong with a booking, for the caller to add to and raise."""
    problems = Problems()
    if starts_at.tzinfo is None:
        problems.add("The start time needs a time zone.")
    if not 1 <= duration_minutes <= MAX_DURATION_MINUTES:
        problems.add(f"A session lasts between 1 and {MAX_DURATION_MINUTES} minutes.")
    least, most = ATTENDEE_LIMITS[details.kind]
    count = len(client_ids)
    if count < least or (most is not None and count > most):
        wanted = f"exactly {least}" if least == most else f"at least {least}"
        noun = "client" if least == 1 else "clients"
        article = "An" if details.kind.value[0] in "aeiou" else "A"
        problems.add(
            f"{article} {details.kind.value} session has {wanted} attending {noun}, not {count}."
        )
    if len(set(client_ids)) != count:
        problems.add("A client is listed twice among the attendees.")
    if details.fee is not None and details.fee < 0:
        problems.add("The fee cannot be negative.")
    problems.limit("Title", details.title)
    return problems


def session_from_row(codec: RecordCodec, row: TherapySessionRow) -> TherapySession:
    details, damaged = codec.open_details(row, SessionDetails)
    attendees = []
    for attendee_row in row.attendees:
        attendee, attendee_damaged = codec.open_details(attendee_row, AttendeeDetails)
        attendees.append(
            Attendee(
                attendee_row.id,
                attendee_row.client_id,
                attendee.attendance,
                attendee_damaged,
            )
        )
    attendees.sort(key=lambda attendee: attendee.client_id)
    return TherapySession(
        row.id,
        row.starts_at,
        row.duration_minutes,
        details,
        tuple(attendees),
        damaged,
        series_id=row.series_id,
    )


def new_session_rows(
    codec: RecordCodec,
    starts_at: datetime,
    duration_minutes: int,
    details: SessionDetails,
    attendance: Sequence[tuple[str, Attendance]],
    now: datetime,
    session_id: str | None = None,
    attendee_ids: Sequence[str] | None = None,
    series_id: str | None = None,
) -> tuple[TherapySessionRow, list[SessionAttendeeRow]]:
    """A new session row and its attendee rows, linked by foreign key.

    The attendees are not appended to the relationship collection: on a new
    object that costs more than the encryption, and the caller adds both in
    foreign-key order (therapist_desk.db.bulk).
    """
    row_id = session_id or new_id()
    row = TherapySessionRow(
        id=row_id,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        created_at=now,
        updated_at=now,
        series_id=series_id,
        **codec.seal_details(TABLE, row_id, details),
    )
    attendees = []
    for index, (client_id, status) in enumerate(attendance):
        attendee_id = attendee_ids[index] if attendee_ids else new_id()
        attendees.append(
            SessionAttendeeRow(
                id=attendee_id,
                session_id=row_id,
                client_id=client_id,
                **codec.seal_details(ATTENDEE_TABLE, attendee_id, AttendeeDetails(status)),
            )
        )
    return row, attendees


def load_session_row(session: Session, session_id: str) -> TherapySessionRow:
    """The session's row with its attendees, in the caller's session; raises RecordNotFound."""
    row = session.get(
        TherapySessionRow,
        session_id,
        options=[selectinload(TherapySessionRow.attendees)],
    )
    if row is None:
        raise RecordNotFound(f"There is no session with id {session_id}.")
    return row


def check_clients_exist(session: Session, client_ids: Sequence[str]) -> None:
    found = set(session.scalars(select(ClientRow.id).where(ClientRow.id.in_(client_ids))))
    missing = [client_id for client_id in client_ids if client_id not in found]
    if missing:
        raise RecordNotFound(f"There is no client with id {', '.join(missing)}.")


def schedule_session(
    vault: Vault,
    starts_at: datetime,
    duration_minutes: int,
    details: SessionDetails,
    client_ids: Sequence[str],
    *,
    series_id: str | None = None,
) -> TherapySession:
    """Book one session; `series_id` adds it to an existing recurring series."""
    check_session(starts_at, duration_minutes, details, client_ids)
    with vault.transaction() as session:
        check_clients_exist(session, client_ids)
        if series_id is not None and session.get(SessionSeriesRow, series_id) is None:
            raise RecordNotFound(f"There is no session series with id {series_id}.")
        row, attendees = new_session_rows(
            vault.codec,
            starts_at,
            duration_minutes,
            details,
            [(client_id, Attendance.SCHEDULED) for client_id in client_ids],
            vault.now(),
            series_id=series_id,
        )
        add_in_dependency_order(session, [row, *attendees])
        audit.record(
            session,
            vault,
            AuditKind.CREATE,
            client_id=client_ids[0],
            record_id=row.id,
            detail="session",
        )
    return TherapySession(
        row.id,
        starts_at,
        duration_minutes,
        details,
        tuple(
            sorted(
                (Attendee(a.id, a.client_id, Attendance.SCHEDULED) for a in attendees),
                key=lambda attendee: attendee.client_id,
            )
        ),
        series_id=series_id,
    )


def update_session(
    vault: Vault,
    session_id: str,
    starts_at: datetime,
    duration_minutes: int,
    details: SessionDetails,
) -> TherapySession:
    with vault.transaction() as session:
        row = load_session_row(session, session_id)
        check_session(starts_at, duration_minutes, details, [a.client_id for a in row.attendees])
        row.starts_at = starts_at
        row.duration_minutes = duration_minutes
        for column, blob in vault.codec.seal_details(TABLE, session_id, details).items():
            setattr(row, column, blob)
        row.updated_at = vault.now()
        first = row.attendees[0].client_id if row.attendees else ""
        audit.record(
            session, vault, AuditKind.EDIT, client_id=first, record_id=session_id, detail="session"
        )
        return session_from_row(vault.codec, row)


def set_attendance(
    vault: Vault, session_id: str, client_id: str, attendance: Attendance
) -> TherapySession:
    with vault.transaction() as session:
        row = load_session_row(session, session_id)
        for attendee in row.attendees:
            if attendee.client_id == client_id:
                attendee.attendance = vault.codec.seal(
                    ATTENDEE_TABLE, "attendance", attendee.id, attendance
                )
                row.updated_at = vault.now()
                audit.record(
                    session,
                    vault,
                    AuditKind.EDIT,
                    client_id=client_id,
                    record_id=session_id,
                    detail="attendance",
                )
                return session_from_row(vault.codec, row)
    raise InvalidInput("That client is not an attendee of this session.")


def get_session(vault: Vault, session_id: str) -> TherapySession:
    with vault.reading() as session:
        return session_from_row(vault.codec, load_session_row(session, session_id))


_SESSIONS = TherapySessionRow.__table__
_ATTENDEES = SessionAttendeeRow.__table__
_SESSION_SEALED = [c.name for c in _SESSIONS.columns if c.info.get(SEALED)]


def load_sessions(
    session: Session,
    codec: RecordCodec,
    condition: ColumnElement[bool],
    *,
    newest_first: bool = False,
) -> list[TherapySession]:
    """Sessions matching `condition`, with their attendees, in two plain queries.

    Lists of hundreds or thousands of sessions (a long record, a full week) are
    read this way rather than through ORM objects, which cost more than the
    decryption itself.
    """
    order = TherapySessionRow.starts_at.desc() if newest_first else TherapySessionRow.starts_at
    rows = session.execute(select(_SESSIONS).where(condition).order_by(order, TherapySessionRow.id))
    matching = select(TherapySessionRow.id).where(condition)
    attendees: dict[str, list[Attendee]] = {}
    for attendee in session.execute(
        select(_ATTENDEES).where(SessionAttendeeRow.session_id.in_(matching))
    ):
        opened, damaged = codec.open_mapping(
            ATTENDEE_TABLE, attendee.id, {"attendance": attendee.attendance}, AttendeeDetails
        )
        attendees.setdefault(attendee.session_id, []).append(
            Attendee(attendee.id, attendee.client_id, opened.attendance, damaged)
        )
    result = []
    for row in rows:
        blobs = {name: getattr(row, name) for name in _SESSION_SEALED}
        details, damaged = codec.open_mapping(TABLE, row.id, blobs, SessionDetails)
        present = sorted(attendees.get(row.id, ()), key=lambda attendee: attendee.client_id)
        result.append(
            TherapySession(
                row.id,
                row.starts_at,
                row.duration_minutes,
                details,
                tuple(present),
                damaged,
                series_id=row.series_id,
            )
        )
    return result


def sessions_for_client(vault: Vault, client_id: str) -> list[TherapySession]:
    """The client's sessions, joint ones included, newest first."""
    attended = select(SessionAttendeeRow.session_id).where(
        SessionAttendeeRow.client_id == client_id
    )
    with vault.reading() as session:
        return load_sessions(
            session, vault.codec, TherapySessionRow.id.in_(attended), newest_first=True
        )


def sessions_between(vault: Vault, start: datetime, end: datetime) -> list[TherapySession]:
    """Sessions starting in [start, end), earliest first."""
    with vault.reading() as session:
        return load_sessions(
            session,
            vault.codec,
            and_(TherapySessionRow.starts_at >= start, TherapySessionRow.starts_at < end),
        )


def delete_session(vault: Vault, session_id: str) -> None:
    """Remove a session booked by mistake; one with a progress note stays."""
    with vault.transaction() as session:
        row = load_session_row(session, session_id)
        has_note = session.scalar(
            select(ProgressNoteRow.id).where(ProgressNoteRow.session_id == session_id)
        )
        if has_note is not None:
            raise InvalidInput(
                "This session has a progress note, so it stays in the record. "
                "Mark it cancelled instead."
            )
        first = row.attendees[0].client_id if row.attendees else ""
        audit.record(
            session,
            vault,
            AuditKind.DELETE,
            client_id=first,
            record_id=session_id,
            detail="session",
        )
        session.delete(row)
