"""A version of a treatment plan as a readable document (earlier versions are read, not edited)."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

from therapist_desk.clinical.treatment_plans import SessionWorkedOn
from therapist_desk.domain.records import TreatmentPlan
from therapist_desk.domain.vocabulary import ObjectiveStatus
from therapist_desk.ui.common import formatting
from therapist_desk.ui.record.plan.plan_tree import OBJECTIVE_STATUS_LABELS, worked_on_summary


def version_span(plan: TreatmentPlan, newer: TreatmentPlan | None) -> str:
    """When a version was the plan: "since Mon 3 Mar 2025", or from one day to another."""
    began = formatting.day(formatting.local(plan.created_at).date())
    if newer is None:
        return f"since {began}"
    return f"{began} – {formatting.day(formatting.local(newer.created_at).date())}"


def version_title(plan: TreatmentPlan, newer: TreatmentPlan | None) -> str:
    current = " (current)" if newer is None else ""
    return f"Version {plan.version}{current} · {version_span(plan, newer)}"


def _text(value: str) -> str:
    return html.escape(value.strip()).replace("\n", "<br>") or "—"


def render_plan_html(
    plan: TreatmentPlan,
    newer: TreatmentPlan | None,
    worked_on: Mapping[str, Sequence[SessionWorkedOn]],
) -> str:
    """The plan as it stood in this version, everything escaped."""
    details = plan.details
    parts = [f"<h2>Treatment plan, {html.escape(version_title(plan, newer))}</h2>"]
    if plan.damaged:
        parts.append(
            "<p><b>Part of this plan cannot be read ("
            + html.escape(", ".join(plan.damaged))
            + "). It is shown read-only, so nothing more is lost; restore a backup to "
            "recover it, and run “therapist-desk verify” to see what else is affected.</b></p>"
        )
    if newer is not None:
        parts.append("<p><i>An earlier version, kept as it was when the plan was revised.</i></p>")
    parts.append(
        f"<p>Started: {formatting.optional_date(details.start_date)}<br>"
        f"Review: {formatting.optional_date(details.review_date)}<br>"
        f"Approaches: {html.escape(', '.join(details.approaches)) or '—'}</p>"
    )
    parts.append(f"<h3>Presenting problems</h3><p>{_text(details.presenting_problems)}</p>")
    parts.append("<h3>Goals and objectives</h3>")
    if not details.goals:
        parts.append("<p>—</p>")
    for number, goal in enumerate(details.goals, start=1):
        parts.append(f"<p><b>Goal {number}: {_text(goal.text)}</b></p><ul>")
        for sub, objective in enumerate(goal.objectives, start=1):
            facts = [OBJECTIVE_STATUS_LABELS[ObjectiveStatus(objective.status)]]
            if objective.target_date:
                facts.append(f"target {formatting.day(objective.target_date)}")
            sessions = worked_on_summary(worked_on.get(objective.key, ()))
            if sessions:
                facts.append(f"worked on in {sessions}")
            line = f"{number}.{sub} {_text(objective.text)} <i>({'; '.join(facts)})</i>"
            if objective.interventions:
                line += "<br>Interventions: " + html.escape(", ".join(objective.interventions))
            parts.append(f"<li>{line}</li>")
        parts.append("</ul>")
    parts.append(f"<h3>Notes</h3><p>{_text(details.notes)}</p>")
    return "\n".join(parts)
