"""Outcome measures: entering them, charting them, and the PHQ-9 item-9 alert."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.conftest import Reopen
from therapist_desk.clinical.measures import (
    Point,
    add_measure,
    chart_series,
    get_measure,
    latest_self_harm_alert,
    list_measures,
    remove_measure,
    self_harm_alerts,
    update_measure,
)
from therapist_desk.db.models import MeasureRow
from therapist_desk.domain.records import ClientDetails, MeasureDetails, SessionDetails
from therapist_desk.domain.vocabulary import AuditKind, MeasureKind
from therapist_desk.errors import InvalidInput, RecordNotFound
from therapist_desk.records.clients import create_client
from therapist_desk.records.retention import delete_client
from therapist_desk.records.therapy_sessions import schedule_session
from therapist_desk.vault import Vault, audit

TODAY = date(2024, 5, 6)  # the clocked vault's today


def phq9(taken_on: date, *, item9: int = 0, rest: int = 1) -> MeasureDetails:
    return MeasureDetails(MeasureKind.PHQ9, taken_on, (rest,) * 8 + (item9,))


def gad7(taken_on: date, each: int = 1) -> MeasureDetails:
    return MeasureDetails(MeasureKind.GAD7, taken_on, (each,) * 7)


def scale(taken_on: date, value: int, name: str) -> MeasureDetails:
    return MeasureDetails(MeasureKind.SCALE, taken_on, (value,), label=name)


def suds(taken_on: date, value: int, step: str = "") -> MeasureDetails:
    return MeasureDetails(MeasureKind.SUDS, taken_on, (value,), label=step)


def new_client(vault: Vault, name: str = "Amira Haddad") -> str:
    return create_client(vault, ClientDetails(legal_name=name)).id


@pytest.fixture
def client_id(clocked_vault: Vault) -> str:
    return new_client(clocked_vault)


def test_a_measure_reads_back_as_entered(
    clocked_vault: Vault, client_id: str, reopen: Reopen
) -> None:
    details = replace(phq9(date(2024, 5, 1), item9=2), notes="Completed in the waiting room.")
    added = add_measure(clocked_vault, client_id, details)
    vault = reopen(clocked_vault)
    (listed,) = list_measures(vault, client_id)
    assert listed == added
    assert get_measure(vault, added.id).details == details


def test_measures_are_listed_oldest_first_by_the_date_taken(
    clocked_vault: Vault, client_id: str
) -> None:
    """Entered out of order (a paper form typed in later), listed by when they were taken."""
    may = add_measure(clocked_vault, client_id, phq9(date(2024, 5, 1)))
    march = add_measure(clocked_vault, client_id, phq9(date(2024, 3, 1)))
    april = add_measure(clocked_vault, client_id, gad7(date(2024, 4, 1)))
    assert [m.id for m in list_measures(clocked_vault, client_id)] == [march.id, april.id, may.id]
    assert [m.id for m in list_measures(clocked_vault, client_id, MeasureKind.PHQ9)] == [
        march.id,
        may.id,
    ]


def test_a_measure_with_several_problems_is_refused_with_each_one(
    clocked_vault: Vault, client_id: str
) -> None:
    details = MeasureDetails(MeasureKind.PHQ9, TODAY + timedelta(days=1), (1,) * 8)
    with pytest.raises(InvalidInput) as refused:
        add_measure(clocked_vault, client_id, details)
    assert refused.value.problems == (
        "The PHQ-9 has 9 items; 8 were answered.",
        "The date taken (2024-05-07) is in the future.",
    )
    assert refused.value.message.startswith("The PHQ-9 cannot be saved:")
    assert list_measures(clocked_vault, client_id) == []


@pytest.mark.parametrize(
    ("details", "problem"),
    [
        (MeasureDetails(MeasureKind.GAD7, None, (0,) * 7), "The date the measure was taken"),
        (scale(TODAY, 4, "  "), "The scale's name is required."),
        (scale(TODAY, 11, "Sleep"), "A 0–10 scale rating is 0 to 10, not 11."),
        (suds(TODAY, 120, "Bus"), "A SUDS rating is 0 to 100, not 120."),
    ],
    ids=["no date", "unnamed scale", "scale above 10", "suds above 100"],
)
def test_an_invalid_measure_is_refused(
    clocked_vault: Vault, client_id: str, details: MeasureDetails, problem: str
) -> None:
    with pytest.raises(InvalidInput, match=problem):
        add_measure(clocked_vault, client_id, details)


def test_a_measure_for_an_unknown_client_is_refused(clocked_vault: Vault) -> None:
    with pytest.raises(RecordNotFound, match="no client"):
        add_measure(clocked_vault, "no-such-client", phq9(TODAY))


def test_a_measure_links_only_to_a_session_the_client_attended(
    clocked_vault: Vault, client_id: str
) -> None:
    other = new_client(clocked_vault, "Ben Okafor")
    starts = clocked_vault.now() - timedelta(days=1)
    theirs = schedule_session(clocked_vault, starts, 50, SessionDetails(), [client_id]).id
    not_theirs = schedule_session(clocked_vault, starts, 50, SessionDetails(), [other]).id

    linked = add_measure(clocked_vault, client_id, phq9(TODAY), session_id=theirs)
    assert get_measure(clocked_vault, linked.id).session_id == theirs
    with pytest.raises(InvalidInput, match="session this client attended"):
        add_measure(clocked_vault, client_id, phq9(TODAY), session_id=not_theirs)
    with pytest.raises(RecordNotFound, match="no session"):
        update_measure(clocked_vault, linked.id, phq9(TODAY), session_id="no-such-session")


def test_a_measure_is_corrected_and_removed_and_each_step_is_audited(
    clocked_vault: Vault, client_id: str
) -> None:
    measure = add_measure(clocked_vault, client_id, phq9(date(2024, 5, 1)))
    corrected = phq9(date(2024, 5, 2), item9=1)
    update_measure(clocked_vault, measure.id, corrected)
    assert get_measure(clocked_vault, measure.id).details == corrected

    remove_measure(clocked_vault, measure.id)
    assert list_measures(clocked_vault, client_id) == []
    with pytest.raises(RecordNotFound):
        get_measure(clocked_vault, measure.id)

    trail = [
        (event.details.kind, event.details.record_id, event.details.detail)
        for event in audit.events(clocked_vault, client_id=client_id)
        if event.details.record_id == measure.id
    ]
    assert trail == [
        (AuditKind.DELETE, measure.id, "measure"),
        (AuditKind.EDIT, measure.id, "measure"),
        (AuditKind.CREATE, measure.id, "measure"),
    ]


def test_deleting_the_client_deletes_their_measures(clocked_vault: Vault, client_id: str) -> None:
    add_measure(clocked_vault, client_id, phq9(TODAY, item9=3))
    kept = new_client(clocked_vault, "Ben Okafor")
    add_measure(clocked_vault, kept, gad7(TODAY))

    delete_client(clocked_vault, client_id, "Amira Haddad")

    with clocked_vault.reading() as session:
        owners = list(session.scalars(select(MeasureRow.client_id)))
    assert owners == [kept]
    assert self_harm_alerts(clocked_vault) == []


# -- the chart ---------------------------------------------------------------------------


def test_the_chart_has_one_line_per_questionnaire_scale_and_suds_step(
    clocked_vault: Vault, client_id: str
) -> None:
    for details in (
        suds(date(2024, 4, 2), 80, "Riding the bus"),
        phq9(date(2024, 4, 1), rest=2),  # total 16
        scale(date(2024, 4, 1), 3, "Sleep quality"),
        phq9(date(2024, 3, 1), rest=3, item9=1),  # total 25
        scale(date(2024, 4, 8), 6, "sleep  quality"),  # the same scale, typed differently
        gad7(date(2024, 4, 1), each=2),  # total 14
        scale(date(2024, 4, 1), 7, "Confidence"),
        suds(date(2024, 4, 9), 55, "Riding the bus"),
        suds(date(2024, 4, 9), 90, "Standing in a queue"),
    ):
        add_measure(clocked_vault, client_id, details)

    series = chart_series(clocked_vault, client_id)

    assert [line.title for line in series] == [
        "PHQ-9",
        "GAD-7",
        "Confidence",
        "sleep quality",
        "SUDS: Riding the bus",
        "SUDS: Standing in a queue",
    ]
    phq, gad, _confidence, sleep, bus, _queue = series
    assert phq.points == (Point(date(2024, 3, 1), 25), Point(date(2024, 4, 1), 16))
    assert (phq.lowest, phq.highest) == (0, 27)
    assert [band.label for band in phq.bands][-1] == "Severe"
    assert gad.points == (Point(date(2024, 4, 1), 14),)
    assert sleep.points == (Point(date(2024, 4, 1), 3), Point(date(2024, 4, 8), 6))
    assert (sleep.highest, sleep.bands) == (10, ())
    assert bus.points == (Point(date(2024, 4, 2), 80), Point(date(2024, 4, 9), 55))
    assert (bus.kind, bus.label, bus.highest) == (MeasureKind.SUDS, "Riding the bus", 100)


def test_a_client_without_measures_has_an_empty_chart(clocked_vault: Vault, client_id: str) -> None:
    assert chart_series(clocked_vault, client_id) == []


# -- the item-9 alert --------------------------------------------------------------------


def test_the_banner_shows_when_the_latest_phq9_answers_item_9_above_0(
    clocked_vault: Vault, client_id: str
) -> None:
    assert latest_self_harm_alert(clocked_vault, client_id) is None
    flagged = add_measure(clocked_vault, client_id, phq9(date(2024, 4, 1), item9=2))

    alert = latest_self_harm_alert(clocked_vault, client_id)

    assert alert is not None
    assert (alert.client_id, alert.measure_id, alert.taken_on) == (
        client_id,
        flagged.id,
        date(2024, 4, 1),
    )
    assert (alert.answer, alert.response) == (2, "More than half the days")


def test_a_later_phq9_with_item_9_at_0_clears_the_alert(
    clocked_vault: Vault, client_id: str
) -> None:
    add_measure(clocked_vault, client_id, phq9(date(2024, 4, 1), item9=3))
    add_measure(clocked_vault, client_id, gad7(date(2024, 4, 20)))  # not a PHQ-9: no effect
    assert latest_self_harm_alert(clocked_vault, client_id) is not None

    add_measure(clocked_vault, client_id, phq9(date(2024, 4, 15), item9=0))
    assert latest_self_harm_alert(clocked_vault, client_id) is None


def test_an_older_phq9_typed_in_later_does_not_hide_or_raise_the_alert(
    clocked_vault: Vault, client_id: str
) -> None:
    latest = add_measure(clocked_vault, client_id, phq9(date(2024, 5, 1), item9=1))
    add_measure(clocked_vault, client_id, phq9(date(2024, 1, 1), item9=0))
    alert = latest_self_harm_alert(clocked_vault, client_id)
    assert alert is not None
    assert alert.measure_id == latest.id


def test_today_lists_every_client_whose_latest_phq9_raises_the_alert_newest_first(
    clocked_vault: Vault,
) -> None:
    earlier, later, cleared, calm = (
        new_client(clocked_vault, name) for name in ("A One", "B Two", "C Three", "D Four")
    )
    add_measure(clocked_vault, earlier, phq9(date(2024, 4, 1), item9=1))
    add_measure(clocked_vault, later, phq9(date(2024, 3, 1), item9=0))
    add_measure(clocked_vault, later, phq9(date(2024, 4, 20), item9=3))
    add_measure(clocked_vault, cleared, phq9(date(2024, 4, 1), item9=2))
    add_measure(clocked_vault, cleared, phq9(date(2024, 4, 2), item9=0))
    add_measure(clocked_vault, calm, gad7(date(2024, 4, 2), each=3))

    alerts = self_harm_alerts(clocked_vault)

    assert [(a.client_id, a.taken_on, a.answer) for a in alerts] == [
        (later, date(2024, 4, 20), 3),
        (earlier, date(2024, 4, 1), 1),
    ]


def test_the_alerts_across_clients_decrypt_the_answers_of_one_phq9_per_client(
    clocked_vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Today runs this over the whole caseload, so it must not open every measure in full."""
    for name in ("A One", "B Two", "C Three"):
        client = new_client(clocked_vault, name)
        for day in range(1, 6):
            add_measure(clocked_vault, client, phq9(date(2024, 4, day), item9=day % 2))
            add_measure(clocked_vault, client, gad7(date(2024, 4, day)))
    opened: Counter[str] = Counter()
    original = clocked_vault.codec.open_mapping

    def counting(table: str, row_id: str, blobs: Mapping[str, bytes], kind: Any) -> Any:
        for column in blobs:
            opened[column] += 1
        return original(table, row_id, blobs, kind)

    monkeypatch.setattr(clocked_vault.codec, "open_mapping", counting)

    assert len(self_harm_alerts(clocked_vault)) == 3
    assert opened == {"kind": 30, "taken_on": 15, "items": 3}


def test_measure_rows_hold_no_readable_answers(clocked_vault: Vault, client_id: str) -> None:
    add_measure(clocked_vault, client_id, phq9(TODAY, item9=3))
    with clocked_vault.reading() as session:
        count = session.scalar(select(func.count()).select_from(MeasureRow))
        items = session.scalar(select(MeasureRow.items))
    assert count == 1
    assert items is not None
    assert b"[1,1,1,1,1,1,1,1,3]" not in items
