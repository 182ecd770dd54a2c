"""Which treatment-plan objectives a session worked on: a checkable list in the note editor."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from therapist_desk.clinical import treatment_plans
from therapist_desk.domain.records import TherapySession
from therapist_desk.domain.vocabulary import ObjectiveStatus
from therapist_desk.ui.common.checklist import CheckList, ChecklistModel
from therapist_desk.vault import Vault

#: Objectives no longer pursued are offered only if the note already names them.
_SET_ASIDE = (ObjectiveStatus.DROPPED, ObjectiveStatus.REVISED)


@dataclass(frozen=True)
class ObjectiveChoice:
    key: str
    #: What the list shows: the objective, after its owner's name in a joint session.
    text: str
    #: The goal it serves (shown as the tooltip).
    goal: str


def objective_choices(
    vault: Vault,
    session: TherapySession,
    chosen: Sequence[str],
    name_of: Callable[[str], str],
) -> list[ObjectiveChoice]:
    """The objectives of the current plans of the session's attendees, and any already chosen.

    An objective the note names that has since left the current plan is found
    in an earlier version and offered too, so saving never drops it silently.
    """
    plans = [
        (attendee.client_id, treatment_plans.plan_versions(vault, attendee.client_id))
        for attendee in session.attendees
    ]
    plans = sorted(
        ((client_id, versions) for client_id, versions in plans if versions),
        key=lambda plan: name_of(plan[0]).casefold(),
    )
    named_by_owner = len(plans) > 1
    choices: list[ObjectiveChoice] = []
    offered: set[str] = set()
    for client_id, versions in plans:
        owner = f"{name_of(client_id)}: " if named_by_owner else ""
        for goal in versions[0].details.goals:
            for objective in goal.objectives:
                if objective.status in _SET_ASIDE and objective.key not in chosen:
                    continue
                choices.append(ObjectiveChoice(objective.key, owner + objective.text, goal.text))
                offered.add(objective.key)
    for client_id, versions in plans:
        owner = f"{name_of(client_id)}: " if named_by_owner else ""
        for earlier in versions[1:]:
            for goal in earlier.details.goals:
                for objective in goal.objectives:
                    if objective.key in chosen and objective.key not in offered:
                        text = f"{owner}{objective.text} (from plan version {earlier.version})"
                        choices.append(ObjectiveChoice(objective.key, text, goal.text))
                        offered.add(objective.key)
    return choices


def worked_on_html(choices: Sequence[ObjectiveChoice], chosen: Sequence[str]) -> str:
    """The objectives a signed note worked on, as a paragraph of its document."""
    texts = [choice.text for choice in choices if choice.key in chosen]
    if not texts:
        return ""
    items = "".join(f"<li>{html.escape(text)}</li>" for text in texts)
    return f"<h3>Plan objectives worked on</h3><ul>{items}</ul>"


def _goal_tip(choice: ObjectiveChoice) -> str | None:
    return f"Goal: {choice.goal}" if choice.goal else None


def worked_on_list() -> CheckList[ObjectiveChoice]:
    """The "Worked on" list of a draft note: the objectives with a tick each, ticked those the
    session worked on; hidden when no attendee has a plan."""
    model = ChecklistModel[ObjectiveChoice](
        lambda choice: choice.key, lambda choice: choice.text, tooltip=_goal_tip
    )
    return CheckList(
        model,
        "Plan objectives worked on",
        "Worked on (treatment plan objectives)",
        hide_when_empty=True,
        minimum_height=90,
    )
