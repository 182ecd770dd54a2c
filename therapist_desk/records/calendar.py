"""The calendar: recurring series, single changes, clashes, and the day and week views.

A series is only a booking pattern. Each occurrence is an ordinary session that
names its series, so attendance, notes and fees work on it as on any other
session. Occurrences keep the therapist's local wall-clock time when the
clocks change: a 10:00 session stays at 10:00 in summer and in winter.

Every function that turns a time into a local day takes `zone`; None means the
computer's own time zone, the one the window shows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from therapist_desk.db.base import Base
from therapist_desk.db.bulk import add_in_dependency_order
from therapist_desk.db.column_types import new_id
from therapist_desk.db.models import (
    ProgressNoteRow,
    SessionSeriesRow,
    TherapySessionRow,
)
from therapist_desk.db.record_codec import RecordCodec
from therapist_desk.domain.records import (
    Attendee,
    AttendeeDetails,
    SessionDetails,
    SessionSeries,
    TherapySession,
)
from therapist_desk.domain.vocabulary import Attendance, AuditKind
from therapist_desk.domain.wall_clock import (
    at_wall_clock,
    day_window,
    local_date,
    monday_of,
    start_of_day,
    wall_clock,
)
from therapist_desk.errors import InvalidInput, RecordNotFound
from therapist_desk.records.therapy_sessions import (
    ATTENDEE_TABLE,
    MAX_DURATION_MINUTES,
    check_clients_exist,
    load_session_row,
    load_sessions,
    new_session_rows,
    session_from_row,
    session_problems,
    sessions_between,
)
from therapist_desk.records.validation import Problems
from therapist_desk.vault import Vault, audit

MAX_OCCURRENCES = 104
MAX_SERIES_YEARS = 2
#: How often a series may repeat, in weeks: what the booking dialog offers.
SERIES_INTERVAL_WEEKS = (1, 2, 4)
#: Attendance after which nobody is expected in the room, so the time is free again.
NOT_COMING = frozenset({Attendance.CANCELLED, Attendance.LATE_CANCELLED})


@dataclass(frozen=True)
class Recurrence:
    """How a series repeats: every `interval_weeks` weeks, `count` times or until `until`.

    Give exactly one of `count` and `until`; `until` is a local date and the
    series includes a session on that day.
    """

    interval_weeks: int = 1
    count: int | None = None
    until: date | None = None


@dataclass(frozen=True)
class BookedSeries:
    series: SessionSeries
    sessions: tuple[TherapySession, ...]


@dataclass(frozen=True)
class Overlap:
    """The booked sessions that clash with one proposed time."""

    starts_at: datetime
    sessions: tuple[TherapySession, ...]


@dataclass(frozen=True)
class SeriesEnding:
    """What ending a series did to its sessions from the chosen day on."""

    #: Sessions still only scheduled, without a note: taken out of the calendar.
    removed: tuple[str, ...]
    #: Sessions with attendance or a note recorded: they stay in the record.
    kept: tuple[str, ...]
    #: Everyone who attended the series' sessions from that day on.
    client_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class CalendarDay:
    day: date
    #: Earliest first.
    sessions: tuple[TherapySession, ...]


# -- occurrences -----------------------------------------------------------------------


def _in_two_years(day: date) -> date:
    try:
        return day.replace(year=day.year + MAX_SERIES_YEARS)
    except ValueError:  # 29 February
        return day.replace(year=day.year + MAX_SERIES_YEARS, day=28)


def _occurrence_count(first_day: date, recurrence: Recurrence) -> int:
    if recurrence.count is not None:
        return recurrence.count
    assert recurrence.until is not None
    return (recurrence.until - first_day).days // (7 * recurrence.interval_weeks) + 1


def _add_recurrence_problems(
    problems: Problems, first_start: datetime, recurrence: Recurrence, zone: tzinfo | None
) -> None:
    interval = recurrence.interval_weeks
    if interval not in SERIES_INTERVAL_WEEKS:
        problems.add(
            "A series repeats every week, every two weeks or every four weeks, "
            f"not every {interval} weeks."
        )
        return
    count, until = recurrence.count, recurrence.until
    if count is None and until is None:
        problems.add("Give the number of sessions in the series or the date it ends.")
        return
    if count is not None and until is not None:
        problems.add("Give the number of sessions in the series or the date it ends, not both.")
        return
    if first_start.tzinfo is None:
        return  # the missing time zone is already reported; there is no local day to count from
    first_day = local_date(first_start, zone)
    latest = _in_two_years(first_day)
    if until is not None and until < first_day:
        problems.add(
            f"The series ends ({until.isoformat()}) before its first session "
            f"({first_day.isoformat()})."
        )
        return
    count = _occurrence_count(first_day, recurrence)
    if not 2 <= count <= MAX_OCCURRENCES:
        problems.add(f"A series has between 2 and {MAX_OCCURRENCES} sessions, not {count}.")
        return
    last_day = first_day + timedelta(weeks=interval * (count - 1))
    if last_day > latest:
        problems.add(
            f"A series runs for at most {MAX_SERIES_YEARS} years: its last session would be on "
            f"{last_day.isoformat()}, after {latest.isoformat()}."
        )


def _starts(first_start: datetime, recurrence: Recurrence, zone: tzinfo | None) -> list[datetime]:
    first_local = wall_clock(first_start, zone)
    step = timedelta(weeks=recurrence.interval_weeks)
    count = _occurrence_count(first_local.date(), recurrence)
    # Naive local arithmetic keeps the wall-clock time; each is then placed in its own offset.
    return [first_start.astimezone(UTC)] + [
        at_wall_clock(first_local + step * index, zone) for index in range(1, count)
    ]


def occurrence_starts(
    first_start: datetime, recurrence: Recurrence, *, zone: tzinfo | None = None
) -> list[datetime]:
    """The start (in UTC) of every session of a series, for a preview or a clash check.

    Raises InvalidInput listing every problem with the recurrence.
    """
    problems = Problems()
    if first_start.tzinfo is None:
        problems.add("The start time needs a time zone.")
    _add_recurrence_problems(problems, first_start, recurrence, zone)
    problems.raise_if_any("The series cannot be booked")
    return _starts(first_start, recurrence, zone)


def book_series(
    vault: Vault,
    first_start: datetime,
    duration_minutes: int,
    details: SessionDetails,
    client_ids: Sequence[str],
    recurrence: Recurrence,
    *,
    zone: tzinfo | None = None,
) -> BookedSeries:
    """Book a recurring series: the series and every one of its sessions, in one transaction."""
    problems = session_problems(first_start, duration_minutes, details, client_ids)
    _add_recurrence_problems(problems, first_start, recurrence, zone)
    problems.raise_if_any("The series cannot be booked")
    starts = _starts(first_start, recurrence, zone)
    now = vault.now()
    series_id = new_id()
    booked: list[TherapySession] = []
    with vault.transaction() as session:
        check_clients_exist(session, client_ids)
        rows: list[Base] = [
            SessionSeriesRow(id=series_id, interval_weeks=recurrence.interval_weeks, created_at=now)
        ]
        for starts_at in starts:
            row, attendee_rows = new_session_rows(
                vault.codec,
                starts_at,
                duration_minutes,
                details,
                [(client_id, Attendance.SCHEDULED) for client_id in client_ids],
                now,
                series_id=series_id,
            )
            rows += [row, *attendee_rows]
            attendees = sorted(
                (Attendee(a.id, a.client_id, Attendance.SCHEDULED) for a in attendee_rows),
                key=lambda attendee: attendee.client_id,
            )
            booked.append(
                TherapySession(
                    row.id,
                    starts_at,
                    duration_minutes,
                    details,
                    tuple(attendees),
                    series_id=series_id,
                )
            )
        add_in_dependency_order(session, rows)
        audit.record(
            session,
            vault,
            AuditKind.CREATE,
            client_id=client_ids[0],
            record_id=series_id,
            detail=f"session series of {len(starts)}",
        )
    return BookedSeries(SessionSeries(series_id, recurrence.interval_weeks, now), tuple(booked))


# -- one session at a time ----------------------------------------------------------------


def _first_client(row: TherapySessionRow) -> str:
    return min((attendee.client_id for attendee in row.attendees), default="")


def _attendance(codec: RecordCodec, row: TherapySessionRow) -> list[Attendance | None]:
    """Each attendee's attendance; None where it cannot be read."""
    result: list[Attendance | None] = []
    for attendee in row.attendees:
        opened, damaged = codec.open_details(attendee, AttendeeDetails)
        result.append(None if damaged else opened.attendance)
    return result


def _only_scheduled(codec: RecordCodec, row: TherapySessionRow) -> bool:
    """True when nothing has been recorded about whether anyone came."""
    return all(status is Attendance.SCHEDULED for status in _attendance(codec, row))


def move_session(
    vault: Vault, session_id: str, starts_at: datetime, duration_minutes: int | None = None
) -> TherapySession:
    """Move one session (one occurrence of a series stays in its series) to another time."""
    problems = Problems()
    if starts_at.tzinfo is None:
        problems.add("The new start time needs a time zone.")
    if duration_minutes is not None and not 1 <= duration_minutes <= MAX_DURATION_MINUTES:
        problems.add(f"A session lasts between 1 and {MAX_DURATION_MINUTES} minutes.")
    problems.raise_if_any("The session cannot be moved")
    with vault.transaction() as session:
        row = load_session_row(session, session_id)
        row.starts_at = starts_at
        if duration_minutes is not None:
            row.duration_minutes = duration_minutes
        row.updated_at = vault.now()
        audit.record(
            session,
            vault,
            AuditKind.EDIT,
            client_id=_first_client(row),
            record_id=session_id,
            detail="session moved",
        )
        return session_from_row(vault.codec, row)


def cancel_session(vault: Vault, session_id: str) -> TherapySession:
    """Cancel one session (one occurrence of a series): every attendee becomes cancelled.

    A session whose attendance has already been recorded is refused: whether a
    client came, or cancelled late, matters for the record and the fees, and is
    changed client by client.
    """
    with vault.transaction() as session:
        row = load_session_row(session, session_id)
        statuses = _attendance(vault.codec, row)
        if any(status not in (Attendance.SCHEDULED, Attendance.CANCELLED) for status in statuses):
            raise InvalidInput(
                "Attendance is already recorded for this session, so it cannot be cancelled "
                "as a whole. Change the attendance of each client instead."
            )
        for attendee in row.attendees:
            attendee.attendance = vault.codec.seal(
                ATTENDEE_TABLE, "attendance", attendee.id, Attendance.CANCELLED
            )
        row.updated_at = vault.now()
        audit.record(
            session,
            vault,
            AuditKind.EDIT,
            client_id=_first_client(row),
            record_id=session_id,
            detail="session cancelled",
        )
        return session_from_row(vault.codec, row)


# -- a series from a day on ----------------------------------------------------------------


def _load_series_row(session: Session, series_id: str) -> SessionSeriesRow:
    row = session.get(SessionSeriesRow, series_id)
    if row is None:
        raise RecordNotFound(f"There is no session series with id {series_id}.")
    return row


def _series_rows_from(
    session: Session, series_id: str, from_day: date, zone: tzinfo | None
) -> list[TherapySessionRow]:
    return list(
        session.scalars(
            select(TherapySessionRow)
            .where(
                TherapySessionRow.series_id == series_id,
                TherapySessionRow.starts_at >= start_of_day(from_day, zone),
            )
            .options(selectinload(TherapySessionRow.attendees))
            .order_by(TherapySessionRow.starts_at, TherapySessionRow.id)
        )
    )


def _sessions_with_notes(session: Session, session_ids: Iterable[str]) -> set[str]:
    return set(
        session.scalars(
            select(ProgressNoteRow.session_id).where(
                ProgressNoteRow.session_id.in_(list(session_ids))
            )
        )
    )


def end_series(
    vault: Vault, series_id: str, from_day: date, *, zone: tzinfo | None = None
) -> SeriesEnding:
    """End a series from a local day on.

    Its sessions from that day on that are still only scheduled and have no
    progress note are removed; any with attendance or a note recorded stay.
    The series itself goes when none of its sessions is left.
    """
    with vault.transaction() as session:
        series_row = _load_series_row(session, series_id)
        rows = _series_rows_from(session, series_id, from_day, zone)
        with_notes = _sessions_with_notes(session, (row.id for row in rows))
        removed, kept = [], []
        client_id = ""
        attending = sorted({attendee.client_id for row in rows for attendee in row.attendees})
        for row in rows:
            client_id = client_id or _first_client(row)
            if row.id not in with_notes and _only_scheduled(vault.codec, row):
                removed.append(row.id)
                session.delete(row)
            else:
                kept.append(row.id)
        if not removed:
            return SeriesEnding((), tuple(kept), tuple(attending))
        session.flush()
        remaining = session.scalar(
            select(TherapySessionRow.id).where(TherapySessionRow.series_id == series_id).limit(1)
        )
        if remaining is None:
            session.delete(series_row)
        audit.record(
            session,
            vault,
            AuditKind.DELETE,
            client_id=client_id,
            record_id=series_id,
            detail=f"{len(removed)} sessions of a series",
        )
    return SeriesEnding(tuple(removed), tuple(kept), tuple(attending))


def change_series_time(
    vault: Vault,
    series_id: str,
    from_day: date,
    new_time: time,
    *,
    duration_minutes: int | None = None,
    zone: tzinfo | None = None,
) -> list[TherapySession]:
    """Give every still-scheduled session of a series from a local day on a new time of day.

    Each session keeps its day (one moved to another day stays there) and gets
    `new_time` on the wall clock; sessions with attendance recorded keep
    their time, as that is when they happened. Returns the sessions changed.
    """
    problems = Problems()
    if new_time.tzinfo is not None:
        problems.add("The new time is a time of day on the local clock, without a time zone.")
    if duration_minutes is not None and not 1 <= duration_minutes <= MAX_DURATION_MINUTES:
        problems.add(f"A session lasts between 1 and {MAX_DURATION_MINUTES} minutes.")
    problems.raise_if_any("The series cannot be changed")
    with vault.transaction() as session:
        _load_series_row(session, series_id)
        rows = [
            row
            for row in _series_rows_from(session, series_id, from_day, zone)
            if _only_scheduled(vault.codec, row)
        ]
        if not rows:
            return []
        now = vault.now()
        for row in rows:
            day = local_date(row.starts_at, zone)
            row.starts_at = at_wall_clock(datetime.combine(day, new_time), zone)
            if duration_minutes is not None:
                row.duration_minutes = duration_minutes
            row.updated_at = now
        audit.record(
            session,
            vault,
            AuditKind.EDIT,
            client_id=_first_client(rows[0]),
            record_id=series_id,
            detail=f"time of {len(rows)} sessions of a series",
        )
        changed = [session_from_row(vault.codec, row) for row in rows]
    return sorted(changed, key=lambda moved: (moved.starts_at, moved.id))


# -- clashes ------------------------------------------------------------------------------


def _clashes(
    session: Session,
    codec: RecordCodec,
    proposals: Sequence[tuple[datetime, int]],
    ignoring: str | None,
) -> list[tuple[TherapySession, ...]]:
    """For each proposed (start, minutes), the sessions booked over any part of it.

    Times and durations are readable, so candidates are found without
    decrypting anything; only the clashing sessions are then opened.
    """
    longest = timedelta(minutes=MAX_DURATION_MINUTES)
    clashing_ids: list[list[str]] = []
    for starts_at, minutes in proposals:
        ends_at = starts_at + timedelta(minutes=minutes)
        candidates = session.execute(
            select(
                TherapySessionRow.id,
                TherapySessionRow.starts_at,
                TherapySessionRow.duration_minutes,
            ).where(
                TherapySessionRow.starts_at > starts_at - longest,
                TherapySessionRow.starts_at < ends_at,
            )
        )
        clashing_ids.append(
            [
                session_id
                for session_id, other_start, other_minutes in candidates
                if session_id != ignoring
                and other_start + timedelta(minutes=other_minutes) > starts_at
            ]
        )
    wanted = {session_id for ids in clashing_ids for session_id in ids}
    if not wanted:
        return [() for _ in proposals]
    opened = {
        found.id: found
        for found in load_sessions(session, codec, TherapySessionRow.id.in_(wanted))
        if not found.attendees
        or any(attendee.attendance not in NOT_COMING for attendee in found.attendees)
    }
    return [
        tuple(
            sorted(
                (opened[session_id] for session_id in ids if session_id in opened),
                key=lambda found: (found.starts_at, found.id),
            )
        )
        for ids in clashing_ids
    ]


def overlapping_sessions(
    vault: Vault,
    starts_at: datetime,
    duration_minutes: int,
    *,
    ignoring: str | None = None,
) -> list[TherapySession]:
    """Sessions booked over any part of [starts_at, starts_at + duration), earliest first.

    For a warning before booking or moving; `ignoring` is the session being
    moved. Sessions that everyone cancelled leave the time free and are not
    listed.
    """
    if starts_at.tzinfo is None:
        raise InvalidInput("The start time needs a time zone.")
    with vault.reading() as session:
        (found,) = _clashes(session, vault.codec, [(starts_at, duration_minutes)], ignoring)
    return list(found)


def series_overlaps(
    vault: Vault,
    first_start: datetime,
    duration_minutes: int,
    recurrence: Recurrence,
    *,
    zone: tzinfo | None = None,
) -> list[Overlap]:
    """The clashes of every session a series would have; only the times that clash."""
    starts = occurrence_starts(first_start, recurrence, zone=zone)
    with vault.reading() as session:
        found = _clashes(
            session, vault.codec, [(start, duration_minutes) for start in starts], None
        )
    return [
        Overlap(starts_at, clashing)
        for starts_at, clashing in zip(starts, found, strict=True)
        if clashing
    ]


# -- the day and the week -------------------------------------------------------------------


def _days(vault: Vault, first: date, count: int, zone: tzinfo | None) -> tuple[CalendarDay, ...]:
    # The readable, indexed start time picks the window, so only its sessions are decrypted.
    start, end = day_window(first, count, zone)
    by_day: dict[date, list[TherapySession]] = {}
    for found in sessions_between(vault, start, end):
        by_day.setdefault(local_date(found.starts_at, zone), []).append(found)
    days = (first + timedelta(days=offset) for offset in range(count))
    return tuple(CalendarDay(day, tuple(by_day.get(day, ()))) for day in days)


def day_view(vault: Vault, day: date, *, zone: tzinfo | None = None) -> CalendarDay:
    """The sessions of one local day, earliest first."""
    (only,) = _days(vault, day, 1, zone)
    return only


def week_view(vault: Vault, day: date, *, zone: tzinfo | None = None) -> tuple[CalendarDay, ...]:
    """The seven local days, Monday to Sunday, of the week that holds `day`."""
    return _days(vault, monday_of(day), 7, zone)


# -- series membership --------------------------------------------------------------------


def _series(row: SessionSeriesRow) -> SessionSeries:
    return SessionSeries(row.id, row.interval_weeks, row.created_at)


def get_series(vault: Vault, series_id: str) -> SessionSeries:
    with vault.reading() as session:
        return _series(_load_series_row(session, series_id))


def series_of_session(vault: Vault, session_id: str) -> SessionSeries | None:
    """The series a session was booked in, or None for a single booking."""
    with vault.reading() as session:
        row = load_session_row(session, session_id)
        if row.series_id is None:
            return None
        series_row = session.get(SessionSeriesRow, row.series_id)
        return None if series_row is None else _series(series_row)


def series_sessions(vault: Vault, series_id: str) -> list[TherapySession]:
    """Every session of a series, earliest first."""
    with vault.reading() as session:
        _load_series_row(session, series_id)
        return load_sessions(session, vault.codec, TherapySessionRow.series_id == series_id)
