"""Treatment plans in versions, their checks, reviews due, and the objectives sessions worked on."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import Reopen
from tests.core.conftest import Clock
from therapist_desk.clinical.treatment_plans import (
    current_plan,
    get_plan,
    new_goal,
    new_key,
    new_objective,
    note_objectives,
    objectives_worked_on,
    plan_versions,
    plans_due_for_review,
    revise_plan,
    save_plan,
    set_note_objectives,
)
from therapist_desk.db.models import NoteObjectivesRow, TreatmentPlanRow
from therapist_desk.domain.records import (
    ClientDetails,
    Goal,
    NoteContent,
    Objective,
    SessionDetails,
    TreatmentPlanDetails,
)
from therapist_desk.domain.vocabulary import AuditKind, ObjectiveStatus, SessionKind
from therapist_desk.errors import InvalidInput, NoteIsSigned, RecordNotFound
from therapist_desk.records.clients import create_client
from therapist_desk.records.progress_notes import save_draft, sign_note
from therapist_desk.records.retention import delete_client
from therapist_desk.records.therapy_sessions import schedule_session
from therapist_desk.vault import Vault, audit

SLEEP = new_objective("Sleeps 7 hours on 5 nights a week", date(2024, 7, 1), ["Sleep hygiene"])
WALKS = new_objective("Walks outside three times a week", date(2024, 6, 15))
PANIC = new_objective("Rides the bus for two stops with SUDS below 40")
PLAN = TreatmentPlanDetails(
    approaches=("Cognitive behavioural therapy (CBT)",),
    presenting_problems="Low mood since redundancy; panic on buses.",
    goals=(new_goal("Lift low mood", [SLEEP, WALKS]), new_goal("Travel again", [PANIC])),
    start_date=date(2024, 4, 1),
    review_date=date(2024, 7, 1),
    notes="Review with GP in June.",
)


def new_client(vault: Vault, name: str = "Amira Haddad") -> str:
    return create_client(vault, ClientDetails(legal_name=name)).id


@pytest.fixture
def client_id(clocked_vault: Vault) -> str:
    return new_client(clocked_vault)


def draft_note(vault: Vault, *client_ids: str, days_ago: int = 1) -> str:
    """A past session of these clients with a draft progress note; returns the note's id."""
    kind = SessionKind.INDIVIDUAL if len(client_ids) == 1 else SessionKind.COUPLE
    starts = vault.now() - timedelta(days=days_ago)
    session_id = schedule_session(vault, starts, 50, SessionDetails(kind), client_ids).id
    return save_draft(vault, session_id, NoteContent(sections={"plan": "Continue."})).id


# -- versions ----------------------------------------------------------------------------


def test_the_first_save_makes_version_1_and_later_saves_change_it_in_place(
    clocked_vault: Vault, client_id: str, clock: Clock, reopen: Reopen
) -> None:
    assert current_plan(clocked_vault, client_id) is None
    first = save_plan(clocked_vault, client_id, PLAN)
    assert first.version == 1
    clock.advance(hours=1)
    edited = replace(PLAN, notes="GP review booked.")
    again = save_plan(clocked_vault, client_id, edited)

    vault = reopen(clocked_vault)
    (only,) = plan_versions(vault, client_id)
    assert (only.id, only.version, only.details) == (first.id, 1, edited)
    assert only.updated_at == again.updated_at == first.created_at + timedelta(hours=1)
    assert current_plan(vault, client_id) == only


def test_revising_adds_a_copy_as_the_next_version_and_keeps_the_earlier_one(
    clocked_vault: Vault, client_id: str
) -> None:
    first = save_plan(clocked_vault, client_id, PLAN)
    second = revise_plan(clocked_vault, client_id)
    assert (second.version, second.details) == (2, PLAN)
    assert second.id != first.id

    met = replace(SLEEP, status=ObjectiveStatus.MET)
    revised = replace(
        PLAN,
        goals=(replace(PLAN.goals[0], objectives=(met, WALKS)), PLAN.goals[1]),
        start_date=date(2024, 5, 6),
        review_date=date(2024, 8, 1),
    )
    save_plan(clocked_vault, client_id, revised)

    versions = plan_versions(clocked_vault, client_id)
    assert [(plan.version, plan.details) for plan in versions] == [(2, revised), (1, PLAN)]
    assert get_plan(clocked_vault, first.id).details == PLAN
    current = current_plan(clocked_vault, client_id)
    assert current is not None
    assert current.id == second.id


def test_objective_keys_stay_the_same_across_versions(clocked_vault: Vault, client_id: str) -> None:
    save_plan(clocked_vault, client_id, PLAN)
    revised = revise_plan(clocked_vault, client_id)
    assert [o.key for o in revised.details.objectives()] == [SLEEP.key, WALKS.key, PANIC.key]


def test_there_is_nothing_to_revise_before_the_first_plan(
    clocked_vault: Vault, client_id: str
) -> None:
    with pytest.raises(InvalidInput, match="no treatment plan to revise yet"):
        revise_plan(clocked_vault, client_id)


def test_saving_and_revising_are_audited_without_clinical_text(
    clocked_vault: Vault, client_id: str, clock: Clock
) -> None:
    first = save_plan(clocked_vault, client_id, PLAN)
    clock.advance(minutes=1)
    save_plan(clocked_vault, client_id, replace(PLAN, notes="x"))
    second = revise_plan(clocked_vault, client_id)
    trail = [
        (event.details.kind, event.details.record_id, event.details.detail)
        for event in audit.events(clocked_vault, client_id=client_id)
        if event.details.detail.startswith("treatment plan")
    ]
    assert trail == [
        (AuditKind.CREATE, second.id, "treatment plan, version 2"),
        (AuditKind.EDIT, first.id, "treatment plan"),
        (AuditKind.CREATE, first.id, "treatment plan"),
    ]


def test_a_plan_for_an_unknown_client_is_refused(clocked_vault: Vault) -> None:
    with pytest.raises(RecordNotFound, match="no client"):
        save_plan(clocked_vault, "no-such-client", PLAN)


# -- checks ------------------------------------------------------------------------------


def test_a_plan_with_several_problems_is_refused_with_each_one(
    clocked_vault: Vault, client_id: str
) -> None:
    blank_objective = Objective(new_key(), "  ", target_date=date(2024, 3, 1))
    duplicate = replace(WALKS, key=SLEEP.key)
    details = replace(
        PLAN,
        approaches=("CBT", " "),
        goals=(
            Goal(new_key(), "", (blank_objective,)),
            Goal(new_key(), "Travel again", (SLEEP, duplicate)),
        ),
        review_date=date(2024, 3, 1),
    )
    with pytest.raises(InvalidInput) as refused:
        save_plan(clocked_vault, client_id, details)
    assert refused.value.problems == (
        "One of the approaches is blank.",
        "The review date (2024-03-01) is before the start date (2024-04-01).",
        "Goal 1 needs a description.",
        "Objective 1.1 needs a description.",
        "The target date of objective 1.1 (2024-03-01) is before the plan's start date "
        "(2024-04-01).",
        "Objective 2.2 has the same key as another goal or objective.",
    )
    assert refused.value.message.startswith("The treatment plan cannot be saved:")
    assert plan_versions(clocked_vault, client_id) == []


def test_an_unknown_objective_status_is_refused_with_the_choices(
    clocked_vault: Vault, client_id: str
) -> None:
    odd = replace(SLEEP, status="finished")  # type: ignore[arg-type]  # as from a bad import
    details = replace(PLAN, goals=(replace(PLAN.goals[0], objectives=(odd,)),))
    with pytest.raises(InvalidInput) as refused:
        save_plan(clocked_vault, client_id, details)
    assert refused.value.problems == (
        "Objective 1.1 has an unknown status (finished); "
        "choose one of not started, in progress, met, revised, dropped.",
    )


def test_an_empty_plan_can_be_started_and_filled_in_later(
    clocked_vault: Vault, client_id: str
) -> None:
    plan = save_plan(clocked_vault, client_id, TreatmentPlanDetails())
    assert plan.details == TreatmentPlanDetails()


# -- reviews due -------------------------------------------------------------------------


def test_plans_due_for_review_are_current_versions_whose_date_has_come(
    clocked_vault: Vault, clock: Clock
) -> None:
    today = date(2024, 5, 6)
    overdue, due_today, later, revised_away, no_date = (
        new_client(clocked_vault, name) for name in ("A One", "B Two", "C Three", "D Four", "E")
    )
    save_plan(clocked_vault, overdue, replace(PLAN, review_date=date(2024, 5, 1)))
    save_plan(clocked_vault, due_today, replace(PLAN, review_date=today))
    save_plan(clocked_vault, later, replace(PLAN, review_date=date(2024, 5, 7)))
    # Version 1 was due; the revision that replaced it sets a later review.
    save_plan(clocked_vault, revised_away, replace(PLAN, review_date=date(2024, 4, 30)))
    revise_plan(clocked_vault, revised_away)
    save_plan(clocked_vault, revised_away, replace(PLAN, review_date=date(2024, 9, 1)))
    save_plan(clocked_vault, no_date, replace(PLAN, review_date=None))

    due = plans_due_for_review(clocked_vault, today)

    assert [(plan.client_id, plan.details.review_date) for plan in due] == [
        (overdue, date(2024, 5, 1)),
        (due_today, today),
    ]


# -- objectives worked on in sessions ----------------------------------------------------


def test_a_draft_note_records_the_objectives_its_session_worked_on(
    clocked_vault: Vault, client_id: str, reopen: Reopen
) -> None:
    save_plan(clocked_vault, client_id, PLAN)
    note_id = draft_note(clocked_vault, client_id)
    assert note_objectives(clocked_vault, note_id) == ()

    chosen = set_note_objectives(clocked_vault, note_id, [PANIC.key, SLEEP.key, PANIC.key])
    assert chosen == (PANIC.key, SLEEP.key)
    set_note_objectives(clocked_vault, note_id, [WALKS.key])  # changed while still a draft

    vault = reopen(clocked_vault)
    assert note_objectives(vault, note_id) == (WALKS.key,)
    with vault.reading() as session:
        assert session.scalar(select(func.count()).select_from(NoteObjectivesRow)) == 1


def test_objectives_of_a_signed_note_cannot_be_changed(
    clocked_vault: Vault, client_id: str
) -> None:
    save_plan(clocked_vault, client_id, PLAN)
    note_id = draft_note(clocked_vault, client_id)
    set_note_objectives(clocked_vault, note_id, [SLEEP.key])
    sign_note(clocked_vault, note_id)
    with pytest.raises(NoteIsSigned, match="signed, so the objectives it worked on"):
        set_note_objectives(clocked_vault, note_id, [WALKS.key])
    assert note_objectives(clocked_vault, note_id) == (SLEEP.key,)


def test_only_objectives_of_the_attendees_plans_can_be_chosen(
    clocked_vault: Vault, client_id: str
) -> None:
    save_plan(clocked_vault, client_id, PLAN)
    someone_else = new_client(clocked_vault, "Ben Okafor")
    theirs = new_objective("Ben's own objective")
    save_plan(clocked_vault, someone_else, TreatmentPlanDetails(goals=(new_goal("G", [theirs]),)))
    note_id = draft_note(clocked_vault, client_id)

    for not_ours in ([theirs.key], [PLAN.goals[0].key], ["made-up"]):
        with pytest.raises(InvalidInput, match="one of those chosen is not in it"):
            set_note_objectives(clocked_vault, note_id, [SLEEP.key, *not_ours])
    assert note_objectives(clocked_vault, note_id) == ()
    with pytest.raises(RecordNotFound, match="no progress note"):
        set_note_objectives(clocked_vault, "no-such-note", [SLEEP.key])


def test_objectives_from_an_earlier_version_remain_choosable(
    clocked_vault: Vault, client_id: str
) -> None:
    save_plan(clocked_vault, client_id, PLAN)
    revise_plan(clocked_vault, client_id)
    save_plan(clocked_vault, client_id, replace(PLAN, goals=PLAN.goals[1:]))
    note_id = draft_note(clocked_vault, client_id)
    assert set_note_objectives(clocked_vault, note_id, [SLEEP.key]) == (SLEEP.key,)


def test_the_record_shows_which_sessions_worked_on_each_objective(
    clocked_vault: Vault, client_id: str
) -> None:
    save_plan(clocked_vault, client_id, PLAN)
    partner = new_client(clocked_vault, "Ben Okafor")
    partners_objective = new_objective("Ben: says what he needs")
    save_plan(
        clocked_vault, partner, TreatmentPlanDetails(goals=(new_goal("G", [partners_objective]),))
    )
    older = draft_note(clocked_vault, client_id, days_ago=14)
    newer = draft_note(clocked_vault, client_id, days_ago=7)
    joint = draft_note(clocked_vault, client_id, partner, days_ago=3)
    set_note_objectives(clocked_vault, newer, [SLEEP.key])
    set_note_objectives(clocked_vault, older, [SLEEP.key, PANIC.key])
    set_note_objectives(clocked_vault, joint, [PANIC.key, partners_objective.key])

    worked_on = objectives_worked_on(clocked_vault, client_id)

    assert {key: [s.note_id for s in sessions] for key, sessions in worked_on.items()} == {
        SLEEP.key: [older, newer],
        PANIC.key: [older, joint],
    }
    assert worked_on[SLEEP.key][0].starts_at == clocked_vault.now() - timedelta(days=14)
    # The partner's own objective shows in his record, not in hers.
    assert [
        s.note_id for s in objectives_worked_on(clocked_vault, partner)[partners_objective.key]
    ] == [joint]


def test_an_objective_worked_on_cannot_be_deleted_from_the_plan_only_dropped(
    clocked_vault: Vault, client_id: str
) -> None:
    save_plan(clocked_vault, client_id, PLAN)
    note_id = draft_note(clocked_vault, client_id)
    set_note_objectives(clocked_vault, note_id, [WALKS.key])
    without_walks = replace(
        PLAN, goals=(replace(PLAN.goals[0], objectives=(SLEEP,)), PLAN.goals[1])
    )

    with pytest.raises(InvalidInput) as refused:
        save_plan(clocked_vault, client_id, without_walks)
    assert refused.value.problems == (
        "The objective \u201cWalks outside three times a week\u201d was worked on in a session, "
        "so it stays in the plan; mark it dropped instead.",
    )

    dropped = replace(WALKS, status=ObjectiveStatus.DROPPED)
    kept = replace(PLAN, goals=(replace(PLAN.goals[0], objectives=(SLEEP, dropped)), PLAN.goals[1]))
    save_plan(clocked_vault, client_id, kept)
    # An objective no session worked on can simply go.
    save_plan(
        clocked_vault,
        client_id,
        replace(kept, goals=(replace(PLAN.goals[0], objectives=(dropped,)), PLAN.goals[1])),
    )


def test_setting_objectives_is_audited_under_the_note(clocked_vault: Vault, client_id: str) -> None:
    save_plan(clocked_vault, client_id, PLAN)
    note_id = draft_note(clocked_vault, client_id)
    set_note_objectives(clocked_vault, note_id, [SLEEP.key])
    (event,) = [
        e
        for e in audit.events(clocked_vault, client_id=client_id)
        if e.details.record_id == note_id and e.details.detail == "objectives of a progress note"
    ]
    assert event.details.kind is AuditKind.EDIT


def test_deleting_the_client_deletes_their_plans_and_note_links(
    clocked_vault: Vault, client_id: str
) -> None:
    save_plan(clocked_vault, client_id, PLAN)
    revise_plan(clocked_vault, client_id)
    note_id = draft_note(clocked_vault, client_id)
    set_note_objectives(clocked_vault, note_id, [SLEEP.key])
    kept = new_client(clocked_vault, "Ben Okafor")
    save_plan(clocked_vault, kept, PLAN)

    delete_client(clocked_vault, client_id, "Amira Haddad")

    with clocked_vault.reading() as session:
        owners = list(session.scalars(select(TreatmentPlanRow.client_id)))
        links = session.scalar(select(func.count()).select_from(NoteObjectivesRow))
    assert owners == [kept]
    assert links == 0
