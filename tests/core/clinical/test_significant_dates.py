"""Significant dates, and the reminders of those coming up."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select

from tests.conftest import Reopen
from therapist_desk.clinical.significant_dates import (
    add_significant_date,
    list_significant_dates,
    next_occurrence,
    remove_significant_date,
    upcoming,
    update_significant_date,
)
from therapist_desk.db.models import SignificantDateRow
from therapist_desk.domain.records import ClientDetails, SignificantDateDetails
from therapist_desk.domain.vocabulary import AuditKind
from therapist_desk.errors import InvalidInput, RecordNotFound
from therapist_desk.records.clients import create_client
from therapist_desk.records.retention import delete_client
from therapist_desk.vault import Vault, audit

DEATH = SignificantDateDetails(
    label="Her mother died",
    falls_on=date(2022, 5, 20),
    yearly=True,
    remind_days_before=14,
    notes="Hospice; she was with her.",
)


def new_client(vault: Vault, name: str = "Amira Haddad") -> str:
    return create_client(vault, ClientDetails(legal_name=name)).id


@pytest.fixture
def client_id(clocked_vault: Vault) -> str:
    return new_client(clocked_vault)


def test_a_date_reads_back_as_entered(clocked_vault: Vault, client_id: str, reopen: Reopen) -> None:
    added = add_significant_date(clocked_vault, client_id, DEATH)
    vault = reopen(clocked_vault)
    assert list_significant_dates(vault, client_id) == [added]


def test_dates_are_listed_in_calendar_order(clocked_vault: Vault, client_id: str) -> None:
    later = add_significant_date(clocked_vault, client_id, DEATH)
    earlier = add_significant_date(
        clocked_vault, client_id, replace(DEATH, label="Wedding", falls_on=date(2010, 8, 1))
    )
    assert [d.id for d in list_significant_dates(clocked_vault, client_id)] == [
        earlier.id,
        later.id,
    ]


def test_a_date_with_several_problems_is_refused_with_each_one(
    clocked_vault: Vault, client_id: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        add_significant_date(
            clocked_vault,
            client_id,
            SignificantDateDetails(label="", falls_on=None, remind_days_before=-1),
        )
    assert refused.value.problems == (
        "A name for the date is required.",
        "The date is required.",
        "The reminder comes 0 to 365 days before, not -1.",
    )
    assert refused.value.message.startswith("The date cannot be saved:")


def test_a_date_is_changed_and_removed_and_each_step_is_audited(
    clocked_vault: Vault, client_id: str
) -> None:
    added = add_significant_date(clocked_vault, client_id, DEATH)
    moved = replace(DEATH, remind_days_before=30)
    update_significant_date(clocked_vault, added.id, moved)
    assert [d.details for d in list_significant_dates(clocked_vault, client_id)] == [moved]
    remove_significant_date(clocked_vault, added.id)
    assert list_significant_dates(clocked_vault, client_id) == []
    with pytest.raises(RecordNotFound, match="no significant date"):
        remove_significant_date(clocked_vault, added.id)
    trail = [
        event.details.kind
        for event in audit.events(clocked_vault, client_id=client_id)
        if event.details.record_id == added.id and event.details.detail == "significant date"
    ]
    assert trail == [AuditKind.DELETE, AuditKind.EDIT, AuditKind.CREATE]


def test_deleting_the_client_deletes_their_dates(clocked_vault: Vault, client_id: str) -> None:
    add_significant_date(clocked_vault, client_id, DEATH)
    kept = new_client(clocked_vault, "Ben Okafor")
    add_significant_date(clocked_vault, kept, DEATH)
    delete_client(clocked_vault, client_id, "Amira Haddad")
    with clocked_vault.reading() as session:
        assert list(session.scalars(select(SignificantDateRow.client_id))) == [kept]


# -- the next occurrence -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("falls_on", "yearly", "today", "expected"),
    [
        (date(2022, 5, 20), True, date(2024, 5, 6), date(2024, 5, 20)),
        (date(2022, 5, 20), True, date(2024, 5, 20), date(2024, 5, 20)),  # today counts
        (date(2022, 5, 20), True, date(2024, 5, 21), date(2025, 5, 20)),  # next year
        (date(2024, 12, 31), True, date(2024, 6, 1), date(2024, 12, 31)),  # not yet the first
        (date(2026, 1, 1), True, date(2024, 6, 1), date(2026, 1, 1)),
        (date(2024, 6, 1), False, date(2024, 5, 6), date(2024, 6, 1)),
        (date(2024, 5, 6), False, date(2024, 5, 6), date(2024, 5, 6)),
        (date(2024, 5, 5), False, date(2024, 5, 6), None),  # a one-off that has passed
    ],
)
def test_the_next_occurrence(
    falls_on: date, yearly: bool, today: date, expected: date | None
) -> None:
    assert next_occurrence(falls_on, yearly, today) == expected


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2023, 1, 10), date(2023, 2, 28)),  # no 29 February in 2023: the 28th
        (date(2023, 2, 28), date(2023, 2, 28)),
        (date(2023, 3, 1), date(2024, 2, 29)),  # a leap year again: the 29th
        (date(2024, 2, 1), date(2024, 2, 29)),
        (date(2100, 2, 1), date(2100, 2, 28)),  # 2100 is no leap year
    ],
)
def test_29_february_falls_on_28_february_in_other_years(today: date, expected: date) -> None:
    assert next_occurrence(date(2020, 2, 29), True, today) == expected


# -- upcoming ----------------------------------------------------------------------------


def test_upcoming_lists_the_dates_within_their_own_window_soonest_first(
    clocked_vault: Vault, client_id: str
) -> None:
    today = date(2024, 5, 6)
    other = new_client(clocked_vault, "Ben Okafor")
    anniversary = add_significant_date(clocked_vault, client_id, DEATH)  # 14 days away
    tomorrow = add_significant_date(
        clocked_vault,
        other,
        SignificantDateDetails(
            "Court hearing", date(2024, 5, 7), yearly=False, remind_days_before=3
        ),
    )
    on_the_edge = add_significant_date(
        clocked_vault,
        client_id,
        SignificantDateDetails("Son's birthday", date(2015, 5, 13), remind_days_before=7),
    )
    for details in (
        SignificantDateDetails("Too far to remind", date(2015, 5, 14), remind_days_before=7),
        SignificantDateDetails("Passed this year", date(2019, 5, 5), remind_days_before=363),
        SignificantDateDetails("A one-off now past", date(2024, 5, 1), yearly=False),
        SignificantDateDetails("Not on the day itself", date(2024, 5, 8), remind_days_before=0),
    ):
        add_significant_date(clocked_vault, client_id, details)
    today_itself = add_significant_date(
        clocked_vault,
        client_id,
        SignificantDateDetails("Divorce", date(2021, 5, 6), remind_days_before=0),
    )

    found = upcoming(clocked_vault, today)

    assert [(u.significant_date.id, u.occurs_on, u.days_away) for u in found] == [
        (today_itself.id, date(2024, 5, 6), 0),
        (tomorrow.id, date(2024, 5, 7), 1),
        (on_the_edge.id, date(2024, 5, 13), 7),
        (anniversary.id, date(2024, 5, 20), 14),
    ]
    assert [u.years_since for u in found] == [3, None, 9, 2]
    # A day later, "Passed this year" is 363 days away: just inside its window.
    assert [u.significant_date.details.label for u in upcoming(clocked_vault, date(2024, 5, 7))][
        -1
    ] == "Passed this year"


def test_the_first_occurrence_of_a_yearly_date_is_no_anniversary(
    clocked_vault: Vault, client_id: str
) -> None:
    add_significant_date(
        clocked_vault,
        client_id,
        SignificantDateDetails("Baby due", date(2024, 5, 10), remind_days_before=7),
    )
    (found,) = upcoming(clocked_vault, date(2024, 5, 6))
    assert (found.days_away, found.years_since) == (4, None)
