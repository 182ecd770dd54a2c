"""Booking sessions: who attends, joint sessions, and the calendar."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from therapist_desk.domain.records import ClientDetails, NoteContent, SessionDetails
from therapist_desk.domain.vocabulary import Attendance, NoteFormat, SessionKind
from therapist_desk.errors import InvalidInput, RecordNotFound
from therapist_desk.records.clients import create_client
from therapist_desk.records.progress_notes import save_draft
from therapist_desk.records.therapy_sessions import (
    delete_session,
    get_session,
    schedule_session,
    sessions_between,
    sessions_for_client,
    set_attendance,
)
from therapist_desk.vault import Vault

MONDAY = datetime(2024, 5, 6, 9, 0, tzinfo=UTC)
INDIVIDUAL = SessionDetails(kind=SessionKind.INDIVIDUAL, fee=Decimal("90.00"))
COUPLE = SessionDetails(kind=SessionKind.COUPLE, title="Haddad / Berg")


@pytest.fixture
def clients(vault: Vault) -> list[str]:
    return [
        create_client(vault, ClientDetails(legal_name=name)).id
        for name in ("Amira Haddad", "Jonas Berg", "Carla Diaz")
    ]


@pytest.mark.parametrize(
    ("details", "attendees", "wanted"),
    [
        (INDIVIDUAL, 0, "exactly 1"),
        (INDIVIDUAL, 2, "exactly 1"),
        (COUPLE, 1, "exactly 2"),
        (COUPLE, 3, "exactly 2"),
        (SessionDetails(kind=SessionKind.GROUP), 1, "at least 2"),
    ],
    ids=[
        "individual with nobody",
        "individual for two",
        "couple of one",
        "couple of three",
        "group",
    ],
)
def test_the_number_of_attendees_must_fit_the_kind_of_session(
    vault: Vault, clients: list[str], details: SessionDetails, attendees: int, wanted: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        schedule_session(vault, MONDAY, 50, details, clients[:attendees])
    assert len(refused.value.problems) == 1
    assert wanted in refused.value.problems[0]
    assert f"not {attendees}" in refused.value.problems[0]
    assert sessions_for_client(vault, clients[0]) == []


def test_an_individual_session_is_booked_for_its_client(vault: Vault, clients: list[str]) -> None:
    booked = schedule_session(vault, MONDAY, 50, INDIVIDUAL, [clients[0]])
    (found,) = sessions_for_client(vault, clients[0])
    assert found.id == booked.id
    assert found.starts_at == MONDAY
    assert found.duration_minutes == 50
    assert found.details == INDIVIDUAL
    assert found.client_ids == (clients[0],)
    assert [a.attendance for a in found.attendees] == [Attendance.SCHEDULED]


def test_a_joint_couple_session_shows_in_both_clients_records_and_no_one_elses(
    vault: Vault, clients: list[str]
) -> None:
    amira, jonas, carla = clients
    booked = schedule_session(vault, MONDAY, 80, COUPLE, [amira, jonas])
    assert [s.id for s in sessions_for_client(vault, amira)] == [booked.id]
    assert [s.id for s in sessions_for_client(vault, jonas)] == [booked.id]
    assert sessions_for_client(vault, carla) == []
    assert set(get_session(vault, booked.id).client_ids) == {amira, jonas}


def test_a_clients_sessions_are_listed_newest_first(vault: Vault, clients: list[str]) -> None:
    times = [MONDAY + timedelta(weeks=week) for week in (1, 0, 2)]
    for starts in times:
        schedule_session(vault, starts, 50, INDIVIDUAL, [clients[0]])
    listed = [s.starts_at for s in sessions_for_client(vault, clients[0])]
    assert listed == sorted(times, reverse=True)


def test_the_calendar_shows_sessions_starting_in_the_range_earliest_first(
    vault: Vault, clients: list[str]
) -> None:
    for hours in (30, 2, 0, 24):
        schedule_session(vault, MONDAY + timedelta(hours=hours), 50, INDIVIDUAL, [clients[0]])
    day = sessions_between(vault, MONDAY, MONDAY + timedelta(days=1))
    assert [s.starts_at for s in day] == [MONDAY, MONDAY + timedelta(hours=2)]


@pytest.mark.parametrize(
    ("starts", "minutes", "details", "problem"),
    [
        (MONDAY.replace(tzinfo=None), 50, INDIVIDUAL, "time zone"),
        (MONDAY, 0, INDIVIDUAL, "between 1 and 720 minutes"),
        (MONDAY, 50, SessionDetails(fee=Decimal("-1")), "fee cannot be negative"),
    ],
    ids=["no time zone", "no duration", "negative fee"],
)
def test_an_impossible_booking_is_refused(
    vault: Vault,
    clients: list[str],
    starts: datetime,
    minutes: int,
    details: SessionDetails,
    problem: str,
) -> None:
    with pytest.raises(InvalidInput, match=problem):
        schedule_session(vault, starts, minutes, details, [clients[0]])


def test_the_same_client_twice_in_one_session_is_refused(vault: Vault, clients: list[str]) -> None:
    with pytest.raises(InvalidInput, match="listed twice"):
        schedule_session(vault, MONDAY, 80, COUPLE, [clients[0], clients[0]])


def test_a_session_for_an_unknown_client_is_refused_and_nothing_is_booked(
    vault: Vault, clients: list[str]
) -> None:
    with pytest.raises(RecordNotFound, match="no-such-client"):
        schedule_session(vault, MONDAY, 80, COUPLE, [clients[0], "no-such-client"])
    assert sessions_for_client(vault, clients[0]) == []


def test_attendance_is_recorded_per_attendee(vault: Vault, clients: list[str]) -> None:
    amira, jonas, carla = clients
    booked = schedule_session(vault, MONDAY, 80, COUPLE, [amira, jonas])
    set_attendance(vault, booked.id, jonas, Attendance.NO_SHOW)
    attendance = {a.client_id: a.attendance for a in get_session(vault, booked.id).attendees}
    assert attendance == {amira: Attendance.SCHEDULED, jonas: Attendance.NO_SHOW}
    with pytest.raises(InvalidInput, match="not an attendee"):
        set_attendance(vault, booked.id, carla, Attendance.ATTENDED)


def test_a_session_booked_by_mistake_can_be_deleted_but_not_one_with_a_note(
    vault: Vault, clients: list[str]
) -> None:
    mistake = schedule_session(vault, MONDAY, 50, INDIVIDUAL, [clients[0]])
    kept = schedule_session(vault, MONDAY + timedelta(days=7), 50, INDIVIDUAL, [clients[0]])
    save_draft(vault, kept.id, NoteContent(format=NoteFormat.FREE, sections={"note": "Seen."}))

    delete_session(vault, mistake.id)
    with pytest.raises(InvalidInput, match="has a progress note"):
        delete_session(vault, kept.id)

    assert [s.id for s in sessions_for_client(vault, clients[0])] == [kept.id]
