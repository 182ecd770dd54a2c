"""The calendar: recurring series, single changes, clashes, and the day and week views."""

from __future__ import annotations

import time as time_module
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from tests.conftest import Reopen
from therapist_desk.db.models import SessionSeriesRow
from therapist_desk.domain.records import ClientDetails, NoteContent, SessionDetails
from therapist_desk.domain.vocabulary import Attendance, AuditKind, NoteFormat, SessionKind
from therapist_desk.errors import InvalidInput, RecordNotFound
from therapist_desk.records.calendar import (
    MAX_OCCURRENCES,
    Recurrence,
    book_series,
    cancel_session,
    change_series_time,
    day_view,
    end_series,
    get_series,
    move_session,
    occurrence_starts,
    overlapping_sessions,
    series_of_session,
    series_overlaps,
    series_sessions,
    week_view,
)
from therapist_desk.records.clients import create_client
from therapist_desk.records.progress_notes import save_draft
from therapist_desk.records.therapy_sessions import (
    get_session,
    schedule_session,
    sessions_for_client,
    set_attendance,
)
from therapist_desk.vault import Vault, audit

LONDON = ZoneInfo("Europe/London")
AUCKLAND = ZoneInfo("Pacific/Auckland")
#: 10:00 in London two weeks before the clocks go forward (31 March 2024), given in UTC
#: as stored times are: arithmetic on a ZoneInfo time would keep the wall clock by itself.
BEFORE_SPRING = datetime(2024, 3, 18, 10, 0, tzinfo=UTC)
INDIVIDUAL = SessionDetails(kind=SessionKind.INDIVIDUAL, fee=Decimal("90.00"))
COUPLE = SessionDetails(kind=SessionKind.COUPLE, fee=Decimal("120.00"))
NOTE = NoteContent(format=NoteFormat.FREE, sections={"note": "Seen."})


@pytest.fixture
def clients(vault: Vault) -> list[str]:
    return sorted(
        create_client(vault, ClientDetails(legal_name=name)).id
        for name in ("Amira Haddad", "Jonas Berg", "Carla Diaz")
    )


def weekly(count: int) -> Recurrence:
    return Recurrence(interval_weeks=1, count=count)


def local_times(sessions: list[datetime], zone: ZoneInfo = LONDON) -> list[tuple[int, int]]:
    return [(moment.astimezone(zone).hour, moment.astimezone(zone).minute) for moment in sessions]


def series_count(vault: Vault) -> int:
    with vault.reading() as session:
        return session.scalar(select(func.count()).select_from(SessionSeriesRow)) or 0


# -- booking a series --------------------------------------------------------------------


def test_a_weekly_series_books_each_session_with_its_series(
    vault: Vault, clients: list[str], reopen: Reopen
) -> None:
    booked = book_series(
        vault, BEFORE_SPRING, 50, INDIVIDUAL, [clients[0]], weekly(12), zone=LONDON
    )

    assert booked.series.interval_weeks == 1
    assert len(booked.sessions) == 12
    assert {s.series_id for s in booked.sessions} == {booked.series.id}
    again = reopen(vault)
    stored = series_sessions(again, booked.series.id)
    assert [s.id for s in stored] == [s.id for s in booked.sessions]
    assert [s.starts_at for s in stored] == [s.starts_at for s in booked.sessions]
    assert all(s.details == INDIVIDUAL and s.duration_minutes == 50 for s in stored)
    assert all(s.client_ids == (clients[0],) for s in stored)
    assert all(a.attendance is Attendance.SCHEDULED for s in stored for a in s.attendees)
    assert len(sessions_for_client(again, clients[0])) == 12
    assert get_session(again, stored[5].id).series_id == booked.series.id


def test_the_wall_clock_time_stays_when_the_clocks_go_forward(
    vault: Vault, clients: list[str]
) -> None:
    booked = book_series(vault, BEFORE_SPRING, 50, INDIVIDUAL, [clients[0]], weekly(4), zone=LONDON)

    starts = [s.starts_at for s in series_sessions(vault, booked.series.id)]
    assert local_times(starts) == [(10, 0)] * 4
    assert [moment.astimezone(LONDON).date() for moment in starts] == [
        date(2024, 3, 18),
        date(2024, 3, 25),
        date(2024, 4, 1),
        date(2024, 4, 8),
    ]
    # GMT then BST: the same 10:00 is an hour earlier in UTC after 31 March.
    assert [moment.astimezone(UTC).hour for moment in starts] == [10, 10, 9, 9]


def test_the_wall_clock_time_stays_when_the_clocks_go_back(
    vault: Vault, clients: list[str]
) -> None:
    first = datetime(2024, 10, 14, 17, 30, tzinfo=LONDON).astimezone(UTC)
    booked = book_series(
        vault, first, 50, INDIVIDUAL, [clients[0]], Recurrence(2, count=3), zone=LONDON
    )

    starts = [s.starts_at for s in booked.sessions]
    assert local_times(starts) == [(17, 30)] * 3
    assert [moment.astimezone(UTC).hour for moment in starts] == [16, 17, 17]
    assert [moment.astimezone(LONDON).date() for moment in starts] == [
        date(2024, 10, 14),
        date(2024, 10, 28),
        date(2024, 11, 11),
    ]


@pytest.fixture
def computer_in_new_york(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The computer's own time zone is New York for the length of the test."""
    if not hasattr(time_module, "tzset"):
        pytest.skip("the process time zone can only be changed on POSIX")
    monkeypatch.setenv("TZ", "America/New_York")
    time_module.tzset()
    yield
    monkeypatch.undo()
    time_module.tzset()


@pytest.mark.usefixtures("computer_in_new_york")
def test_without_a_zone_the_series_keeps_the_computers_wall_clock(
    vault: Vault, clients: list[str]
) -> None:
    # As the window makes it: a local time read from the screen, fixed to today's offset.
    first = datetime(2024, 3, 4, 9, 0).astimezone()
    booked = book_series(vault, first, 50, INDIVIDUAL, [clients[0]], weekly(3))

    new_york = ZoneInfo("America/New_York")
    starts = [s.starts_at for s in booked.sessions]
    assert local_times(starts, new_york) == [(9, 0)] * 3
    assert [moment.astimezone(UTC).hour for moment in starts] == [14, 13, 13]
    assert [d.day for d in week_view(vault, date(2024, 3, 13)) if d.sessions] == [date(2024, 3, 11)]


def test_a_fortnightly_series_until_a_date_includes_a_session_on_that_day(
    vault: Vault, clients: list[str]
) -> None:
    on_the_day = Recurrence(interval_weeks=2, until=date(2024, 4, 29))
    the_day_before = Recurrence(interval_weeks=2, until=date(2024, 4, 28))

    assert len(occurrence_starts(BEFORE_SPRING, on_the_day, zone=LONDON)) == 4
    assert len(occurrence_starts(BEFORE_SPRING, the_day_before, zone=LONDON)) == 3
    booked = book_series(
        vault, BEFORE_SPRING, 50, INDIVIDUAL, [clients[0]], on_the_day, zone=LONDON
    )
    assert booked.series.interval_weeks == 2
    assert [s.starts_at.astimezone(LONDON).date() for s in booked.sessions] == [
        date(2024, 3, 18),
        date(2024, 4, 1),
        date(2024, 4, 15),
        date(2024, 4, 29),
    ]


def test_a_series_can_have_104_sessions_and_run_up_to_two_years(
    vault: Vault, clients: list[str]
) -> None:
    most = occurrence_starts(BEFORE_SPRING, weekly(MAX_OCCURRENCES), zone=LONDON)
    assert len(most) == 104
    two_years = occurrence_starts(
        BEFORE_SPRING, Recurrence(interval_weeks=4, until=date(2026, 3, 18)), zone=LONDON
    )
    assert len(two_years) == 27
    assert two_years[-1].astimezone(LONDON).date() == date(2026, 3, 16)
    assert local_times(two_years) == [(10, 0)] * len(two_years)


@pytest.mark.parametrize(
    ("recurrence", "problem"),
    [
        (weekly(105), "between 2 and 104 sessions, not 105"),
        (weekly(1), "between 2 and 104 sessions, not 1"),
        (Recurrence(1, until=date(2026, 3, 18)), "between 2 and 104 sessions, not 105"),
        (Recurrence(4, count=30), "last session would be on 2026-06-08, after 2026-03-18"),
        (Recurrence(2, until=date(2026, 4, 1)), "last session would be on 2026-03-30"),
        (Recurrence(1, until=date(2024, 3, 17)), "ends (2024-03-17) before its first session"),
        (Recurrence(1), "number of sessions in the series or the date it ends."),
        (Recurrence(1, count=4, until=date(2024, 5, 1)), "not both"),
        (Recurrence(0, count=4), "every two weeks or every four weeks, not every 0 weeks"),
        (Recurrence(3, count=4), "every two weeks or every four weeks, not every 3 weeks"),
        (Recurrence(12, count=4), "every two weeks or every four weeks, not every 12 weeks"),
    ],
    ids=[
        "105 sessions",
        "one session",
        "weekly for two years",
        "every 4 weeks thirty times",
        "fortnightly past two years",
        "ends before it starts",
        "neither count nor end",
        "count and end",
        "every 0 weeks",
        "every 3 weeks, which booking does not offer",
        "every 12 weeks",
    ],
)
def test_an_impossible_series_is_refused_and_nothing_is_booked(
    vault: Vault, clients: list[str], recurrence: Recurrence, problem: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        book_series(vault, BEFORE_SPRING, 50, INDIVIDUAL, [clients[0]], recurrence, zone=LONDON)
    assert refused.value.message.startswith("The series cannot be booked: ")
    assert len(refused.value.problems) == 1
    assert problem in refused.value.problems[0]
    assert sessions_for_client(vault, clients[0]) == []
    assert series_count(vault) == 0


def test_every_problem_with_a_series_is_listed_at_once(vault: Vault, clients: list[str]) -> None:
    with pytest.raises(InvalidInput) as refused:
        book_series(vault, BEFORE_SPRING, 0, INDIVIDUAL, clients[:2], weekly(200), zone=LONDON)
    problems = refused.value.problems
    assert len(problems) == 3
    assert "between 1 and 720 minutes" in problems[0]
    assert "exactly 1 attending client, not 2" in problems[1]
    assert "not 200" in problems[2]


def test_a_series_without_a_time_zone_is_refused(vault: Vault, clients: list[str]) -> None:
    with pytest.raises(InvalidInput, match="needs a time zone"):
        book_series(vault, datetime(2024, 3, 18, 10), 50, INDIVIDUAL, [clients[0]], weekly(3))
    with pytest.raises(InvalidInput, match="needs a time zone"):
        occurrence_starts(datetime(2024, 3, 18, 10), weekly(3))


def test_a_series_for_an_unknown_client_writes_nothing(vault: Vault, clients: list[str]) -> None:
    with pytest.raises(RecordNotFound, match="no-such-client"):
        book_series(vault, BEFORE_SPRING, 80, COUPLE, [clients[0], "no-such-client"], weekly(6))
    assert sessions_for_client(vault, clients[0]) == []
    assert series_count(vault) == 0


def test_booking_a_series_is_one_audit_entry_naming_its_size(
    vault: Vault, clients: list[str]
) -> None:
    booked = book_series(vault, BEFORE_SPRING, 80, COUPLE, clients[:2], weekly(12), zone=LONDON)
    (created,) = [
        event
        for event in audit.events(vault, kind=AuditKind.CREATE)
        if event.details.detail.startswith("session series")
    ]
    assert created.details.record_id == booked.series.id
    assert created.details.client_id == clients[0]
    assert created.details.detail == "session series of 12"


def test_a_joint_series_shows_in_each_attendees_record(vault: Vault, clients: list[str]) -> None:
    amira, jonas, carla = clients
    booked = book_series(vault, BEFORE_SPRING, 80, COUPLE, [jonas, amira], weekly(3), zone=LONDON)
    assert all(s.client_ids == (amira, jonas) for s in booked.sessions)
    assert len(sessions_for_client(vault, amira)) == 3
    assert len(sessions_for_client(vault, jonas)) == 3
    assert sessions_for_client(vault, carla) == []


# -- series membership -------------------------------------------------------------------


def test_a_session_knows_its_series_and_a_single_booking_has_none(
    vault: Vault, clients: list[str]
) -> None:
    booked = book_series(
        vault, BEFORE_SPRING, 50, INDIVIDUAL, [clients[0]], Recurrence(2, count=3), zone=LONDON
    )
    single = schedule_session(
        vault, BEFORE_SPRING + timedelta(days=1), 50, INDIVIDUAL, [clients[0]]
    )

    assert series_of_session(vault, booked.sessions[1].id) == booked.series
    assert get_series(vault, booked.series.id) == booked.series
    assert series_of_session(vault, single.id) is None
    assert single.series_id is None
    with pytest.raises(RecordNotFound, match="no session series"):
        get_series(vault, "no-such-series")


def test_a_single_session_can_be_added_to_an_existing_series(
    vault: Vault, clients: list[str]
) -> None:
    booked = book_series(vault, BEFORE_SPRING, 50, INDIVIDUAL, [clients[0]], weekly(2), zone=LONDON)
    extra_start = booked.sessions[-1].starts_at + timedelta(weeks=1)
    extra = schedule_session(
        vault, extra_start, 50, INDIVIDUAL, [clients[0]], series_id=booked.series.id
    )
    assert extra.series_id == booked.series.id
    assert [s.id for s in series_sessions(vault, booked.series.id)][-1] == extra.id
    with pytest.raises(RecordNotFound, match="no session series"):
        schedule_session(vault, extra_start, 50, INDIVIDUAL, [clients[0]], series_id="nope")


# -- single exceptions ------------------------------------------------------------------


def test_moving_one_session_keeps_it_in_its_series_and_leaves_the_others(
    vault: Vault, clients: list[str]
) -> None:
    booked = book_series(vault, BEFORE_SPRING, 50, INDIVIDUAL, [clients[0]], weekly(4), zone=LONDON)
    second = booked.sessions[1]
    new_start = datetime(2024, 3, 27, 15, 0, tzinfo=LONDON)

    moved = move_session(vault, second.id, new_start, 80)

    assert moved.starts_at == new_start
    assert moved.duration_minutes == 80
    assert moved.series_id == booked.series.id
    stored = series_sessions(vault, booked.series.id)
    assert [s.starts_at for s in stored] == [
        booked.sessions[0].starts_at,
        new_start,
        booked.sessions[2].starts_at,
        booked.sessions[3].starts_at,
    ]
    assert [s.duration_minutes for s in stored] == [50, 80, 50, 50]
    edit = audit.events(vault, kind=AuditKind.EDIT)[0]
    assert (edit.details.record_id, edit.details.detail) == (second.id, "session moved")


def test_moving_keeps_the_duration_unless_one_is_given(vault: Vault, clients: list[str]) -> None:
    single = schedule_session(vault, BEFORE_SPRING, 50, INDIVIDUAL, [clients[0]])
    moved = move_session(vault, single.id, BEFORE_SPRING + timedelta(hours=2))
    assert moved.duration_minutes == 50
    assert moved.series_id is None


def test_an_impossible_move_is_refused_with_every_problem(vault: Vault, clients: list[str]) -> None:
    single = schedule_session(vault, BEFORE_SPRING, 50, INDIVIDUAL, [clients[0]])
    with pytest.raises(InvalidInput) as refused:
        move_session(vault, single.id, datetime(2024, 3, 19, 10), 0)
    assert refused.value.message.startswith("The session cannot be moved")
    assert len(refused.value.problems) == 2
    with pytest.raises(RecordNotFound):
        move_session(vault, "no-such-session", BEFORE_SPRING)
    assert get_session(vault, single.id).starts_at == BEFORE_SPRING


def test_cancelling_one_session_cancels_it_for_every_attendee(
    vault: Vault, clients: list[str]
) -> None:
    booked = book_series(vault, BEFORE_SPRING, 80, COUPLE, clients[:2], weekly(3), zone=LONDON)
    cancelled = cancel_session(vault, booked.sessions[1].id)

    assert [a.attendance for a in cancelled.attendees] == [Attendance.CANCELLED] * 2
    assert cancelled.series_id == booked.series.id
    stored = series_sessions(vault, booked.series.id)
    assert [{a.attendance for a in s.attendees} for s in stored] == [
        {Attendance.SCHEDULED},
        {Attendance.CANCELLED},
        {Attendance.SCHEDULED},
    ]
    edit = audit.events(vault, kind=AuditKind.EDIT)[0]
    assert edit.details.detail == "session cancelled"
    assert edit.details.record_id == booked.sessions[1].id


def test_a_session_with_attendance_recorded_is_not_cancelled_as_a_whole(
    vault: Vault, clients: list[str]
) -> None:
    amira, jonas, _ = clients
    session = schedule_session(vault, BEFORE_SPRING, 80, COUPLE, [amira, jonas])
    set_attendance(vault, session.id, jonas, Attendance.LATE_CANCELLED)
    with pytest.raises(InvalidInput, match="Change the attendance of each client"):
        cancel_session(vault, session.id)
    attendance = {a.client_id: a.attendance for a in get_session(vault, session.id).attendees}
    assert attendance == {amira: Attendance.SCHEDULED, jonas: Attendance.LATE_CANCELLED}


# -- a series from a day on ---------------------------------------------------------------


def test_ending_a_series_removes_only_what_has_not_happened(
    vault: Vault, clients: list[str]
) -> None:
    booked = book_series(vault, BEFORE_SPRING, 50, INDIVIDUAL, [clients[0]], weekly(6), zone=LONDON)
    ids = [s.id for s in booked.sessions]
    set_attendance(vault, ids[0], clients[0], Attendance.ATTENDED)
    set_attendance(vault, ids[3], clients[0], Attendance.CANCELLED)
    save_draft(vault, ids[4], NOTE)

    ending = end_series(vault, booked.series.id, date(2024, 3, 25), zone=LONDON)

    assert ending.removed == (ids[1], ids[2], ids[5])
    assert ending.kept == (ids[3], ids[4])
    assert [s.id for s in series_sessions(vault, booked.series.id)] == [ids[0], ids[3], ids[4]]
    assert get_series(vault, booked.series.id) == booked.series
    deleted = audit.events(vault, kind=AuditKind.DELETE)[0]
    assert deleted.details.record_id == booked.series.id
    assert deleted.details.detail == "3 sessions of a series"


def test_ending_a_series_counts_from_the_start_of_the_local_day(
    vault: Vault, clients: list[str]
) -> None:
    # 00:30 in Auckland on Tuesday is still Monday in UTC.
    first = datetime(2024, 6, 4, 0, 30, tzinfo=AUCKLAND)
    booked = book_series(vault, first, 50, INDIVIDUAL, [clients[0]], weekly(3), zone=AUCKLAND)

    ending = end_series(vault, booked.series.id, date(2024, 6, 11), zone=AUCKLAND)

    assert ending.removed == tuple(s.id for s in booked.sessions[1:])


def test_ending_a_series_before_it_began_removes_it_entirely(
    vault: Vault, clients: list[str]
) -> None:
    booked = book_series(vault, BEFORE_SPRING, 50, INDIVIDUAL, [clients[0]], weekly(3), zone=LONDON)
    ending = end_series(vault, booked.series.id, date(2024, 1, 1), zone=LONDON)
    assert len(ending.removed) == 3
    assert sessions_for_client(vault, clients[0]) == []
    with pytest.raises(RecordNotFound):
        get_series(vault, booked.series.id)


def test_ending_a_series_after_its_last_session_changes_nothing(
    vault: Vault, clients: list[str]
) -> None:
    booked = book_series(vault, BEFORE_SPRING, 50, INDIVIDUAL, [clients[0]], weekly(3), zone=LONDON)
    deletions_before = len(audit.events(vault, kind=AuditKind.DELETE))
    ending = end_series(vault, booked.series.id, date(2024, 6, 1), zone=LONDON)
    assert (ending.removed, ending.kept) == ((), ())
    assert len(series_sessions(vault, booked.series.id)) == 3
    assert len(audit.events(vault, kind=AuditKind.DELETE)) == deletions_before
    with pytest.raises(RecordNotFound):
        end_series(vault, "no-such-series", date(2024, 6, 1))


def test_changing_the_time_of_a_series_from_a_day_on_keeps_each_sessions_day(
    vault: Vault, clients: list[str]
) -> None:
    booked = book_series(vault, BEFORE_SPRING, 50, INDIVIDUAL, [clients[0]], weekly(5), zone=LONDON)
    ids = [s.id for s in booked.sessions]
    set_attendance(vault, ids[2], clients[0], Attendance.NO_SHOW)
    # One session moved to the Wednesday of its week, before the change.
    move_session(vault, ids[3], datetime(2024, 4, 10, 9, 0, tzinfo=LONDON))

    changed = change_series_time(
        vault, booked.series.id, date(2024, 3, 25), time(16, 15), duration_minutes=60, zone=LONDON
    )

    assert [s.id for s in changed] == [ids[1], ids[3], ids[4]]
    stored = {s.id: s for s in series_sessions(vault, booked.series.id)}
    local = {key: s.starts_at.astimezone(LONDON) for key, s in stored.items()}
    assert local[ids[0]] == datetime(2024, 3, 18, 10, 0, tzinfo=LONDON)
    assert local[ids[1]] == datetime(2024, 3, 25, 16, 15, tzinfo=LONDON)
    assert local[ids[2]] == datetime(2024, 4, 1, 10, 0, tzinfo=LONDON)
    assert local[ids[3]] == datetime(2024, 4, 10, 16, 15, tzinfo=LONDON)
    assert local[ids[4]] == datetime(2024, 4, 15, 16, 15, tzinfo=LONDON)
    assert [stored[key].duration_minutes for key in ids] == [50, 60, 50, 60, 60]
    edit = audit.events(vault, kind=AuditKind.EDIT)[0]
    assert edit.details.record_id == booked.series.id
    assert edit.details.detail == "time of 3 sessions of a series"


def test_a_new_time_for_a_series_is_a_local_time_of_day(vault: Vault, clients: list[str]) -> None:
    booked = book_series(vault, BEFORE_SPRING, 50, INDIVIDUAL, [clients[0]], weekly(2), zone=LONDON)
    with pytest.raises(InvalidInput) as refused:
        change_series_time(
            vault, booked.series.id, date(2024, 3, 1), time(9, tzinfo=UTC), duration_minutes=0
        )
    assert len(refused.value.problems) == 2
    assert "without a time zone" in refused.value.problems[0]
    assert [s.starts_at for s in series_sessions(vault, booked.series.id)] == [
        s.starts_at for s in booked.sessions
    ]


# -- clashes ------------------------------------------------------------------------------


def test_overlaps_are_sessions_over_any_part_of_the_proposed_time(
    vault: Vault, clients: list[str]
) -> None:
    ten = datetime(2024, 5, 6, 10, 0, tzinfo=UTC)
    booked = schedule_session(vault, ten, 50, INDIVIDUAL, [clients[0]])
    long_one = schedule_session(vault, ten - timedelta(hours=3), 180, INDIVIDUAL, [clients[1]])

    def clash(start: datetime, minutes: int, ignoring: str | None = None) -> list[str]:
        return [s.id for s in overlapping_sessions(vault, start, minutes, ignoring=ignoring)]

    assert clash(ten + timedelta(minutes=50), 50) == []  # starts as the other ends
    assert clash(ten - timedelta(minutes=50), 50) == [long_one.id]
    assert clash(ten + timedelta(minutes=49), 50) == [booked.id]
    assert clash(ten + timedelta(minutes=10), 5) == [booked.id]
    assert clash(ten - timedelta(minutes=10), 11) == [long_one.id, booked.id]
    assert clash(ten - timedelta(minutes=10), 11, ignoring=booked.id) == [long_one.id]
    assert clash(ten + timedelta(minutes=60), 120) == []


def test_a_session_everyone_cancelled_leaves_the_time_free(
    vault: Vault, clients: list[str]
) -> None:
    amira, jonas, _ = clients
    ten = datetime(2024, 5, 6, 10, 0, tzinfo=UTC)
    joint = schedule_session(vault, ten, 80, COUPLE, [amira, jonas])
    set_attendance(vault, joint.id, amira, Attendance.CANCELLED)
    assert [s.id for s in overlapping_sessions(vault, ten, 30)] == [joint.id]
    set_attendance(vault, joint.id, jonas, Attendance.LATE_CANCELLED)
    assert overlapping_sessions(vault, ten, 30) == []


def test_a_series_is_checked_for_clashes_occurrence_by_occurrence(
    vault: Vault, clients: list[str]
) -> None:
    in_the_way = schedule_session(
        vault, datetime(2024, 4, 1, 10, 30, tzinfo=LONDON), 50, INDIVIDUAL, [clients[1]]
    )
    schedule_session(
        vault, datetime(2024, 4, 8, 11, 0, tzinfo=LONDON), 50, INDIVIDUAL, [clients[1]]
    )

    overlaps = series_overlaps(vault, BEFORE_SPRING, 60, weekly(6), zone=LONDON)

    assert [(o.starts_at, [s.id for s in o.sessions]) for o in overlaps] == [
        (datetime(2024, 4, 1, 10, 0, tzinfo=LONDON), [in_the_way.id])
    ]


# -- the day and the week -----------------------------------------------------------------


def test_the_week_runs_from_monday_midnight_to_sunday_midnight_local_time(
    vault: Vault, clients: list[str]
) -> None:
    def book_at(local: datetime) -> str:
        return schedule_session(vault, local, 30, INDIVIDUAL, [clients[0]]).id

    # The week of Monday 25 March 2024; the clocks go forward on its Sunday.
    before = book_at(datetime(2024, 3, 24, 23, 59, tzinfo=LONDON))
    first = book_at(datetime(2024, 3, 25, 0, 0, tzinfo=LONDON))
    wednesday_late = book_at(datetime(2024, 3, 27, 18, 0, tzinfo=LONDON))
    wednesday_early = book_at(datetime(2024, 3, 27, 8, 0, tzinfo=LONDON))
    last = book_at(datetime(2024, 3, 31, 23, 59, tzinfo=LONDON))
    after = book_at(datetime(2024, 4, 1, 0, 0, tzinfo=LONDON))

    week = week_view(vault, date(2024, 3, 29), zone=LONDON)

    assert [d.day for d in week] == [date(2024, 3, 25) + timedelta(days=n) for n in range(7)]
    assert [[s.id for s in d.sessions] for d in week] == [
        [first],
        [],
        [wednesday_early, wednesday_late],
        [],
        [],
        [],
        [last],
    ]
    assert before not in {s.id for d in week for s in d.sessions}
    assert after not in {s.id for d in week for s in d.sessions}
    assert week_view(vault, date(2024, 3, 25), zone=LONDON) == week
    assert week_view(vault, date(2024, 3, 31), zone=LONDON) == week
    # Midnight starting the next week (summer time) is still Sunday in UTC.
    next_monday = week_view(vault, date(2024, 4, 1), zone=LONDON)[0]
    assert [s.id for s in next_monday.sessions] == [after]


def test_the_day_is_the_local_day_not_the_utc_day(vault: Vault, clients: list[str]) -> None:
    # 08:00 on Tuesday in Auckland is 20:00 on Monday in UTC.
    tuesday_morning = schedule_session(
        vault, datetime(2024, 6, 4, 8, 0, tzinfo=AUCKLAND), 50, INDIVIDUAL, [clients[0]]
    )
    monday_night = schedule_session(
        vault, datetime(2024, 6, 3, 23, 30, tzinfo=AUCKLAND), 50, INDIVIDUAL, [clients[0]]
    )

    tuesday = day_view(vault, date(2024, 6, 4), zone=AUCKLAND)
    assert tuesday.day == date(2024, 6, 4)
    assert [s.id for s in tuesday.sessions] == [tuesday_morning.id]
    assert [s.id for s in day_view(vault, date(2024, 6, 3), zone=AUCKLAND).sessions] == [
        monday_night.id
    ]
    assert day_view(vault, date(2024, 6, 4), zone=UTC).sessions == ()


def test_a_25_hour_day_holds_its_last_hour(vault: Vault, clients: list[str]) -> None:
    late = schedule_session(
        vault, datetime(2024, 10, 27, 23, 30, tzinfo=LONDON), 50, INDIVIDUAL, [clients[0]]
    )
    sunday = day_view(vault, date(2024, 10, 27), zone=LONDON)
    assert [s.id for s in sunday.sessions] == [late.id]
    assert day_view(vault, date(2024, 10, 28), zone=LONDON).sessions == ()


def test_the_week_view_carries_series_membership(vault: Vault, clients: list[str]) -> None:
    booked = book_series(vault, BEFORE_SPRING, 50, INDIVIDUAL, [clients[0]], weekly(3), zone=LONDON)
    week = week_view(vault, date(2024, 3, 25), zone=LONDON)
    (monday,) = [s for d in week for s in d.sessions]
    assert monday.id == booked.sessions[1].id
    assert monday.series_id == booked.series.id
    assert monday.details == INDIVIDUAL
