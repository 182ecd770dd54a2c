"""The referral summary: the sections the therapist ticks, in their final wording.

Each section starts from what the record holds (diagnoses, medications, the
latest risk assessment, the treatment so far) and the therapist edits the
wording before it is printed. Excerpts come only from progress notes:
psychotherapy (process) notes are never offered, and this module does not
read them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from therapist_desk.clinical import diagnoses, measures, medications, risk, treatment_plans
from therapist_desk.clinical.scoring import score
from therapist_desk.domain.records import ProgressNote, TherapySession, TreatmentPlan
from therapist_desk.domain.vocabulary import (
    Attendance,
    DiagnosisStatus,
    Ideation,
    MeasureKind,
    ObjectiveStatus,
)
from therapist_desk.errors import InvalidInput
from therapist_desk.letters import letters
from therapist_desk.letters.rendering import PrintedDocument, day
from therapist_desk.records import progress_notes, therapy_sessions
from therapist_desk.sharing.professionals import get_professional
from therapist_desk.vault import Vault


class Section(StrEnum):
    IDENTIFICATION = "identification"
    REASON = "reason"
    PRESENTING_PROBLEMS = "presenting_problems"
    HISTORY = "history"
    DIAGNOSES = "diagnoses"
    MEDICATIONS = "medications"
    RISK = "risk"
    TREATMENT = "treatment"
    NOTE_EXCERPTS = "note_excerpts"


TITLES = {
    Section.IDENTIFICATION: "Identification",
    Section.REASON: "Reason for referral",
    Section.PRESENTING_PROBLEMS: "Presenting problems",
    Section.HISTORY: "Relevant history",
    Section.DIAGNOSES: "Diagnoses",
    Section.MEDICATIONS: "Current medications",
    Section.RISK: "Risk summary",
    Section.TREATMENT: "Treatment so far",
    Section.NOTE_EXCERPTS: "From the session notes",
}

#: The order sections print in, whatever order they were ticked.
ORDER = tuple(Section)

MAX_SECTION_TEXT = 20_000

STATUS_WORDS = {
    DiagnosisStatus.PROVISIONAL: "provisional",
    DiagnosisStatus.CONFIRMED: "confirmed",
    DiagnosisStatus.RESOLVED: "resolved",
}
IDEATION_WORDS = {
    Ideation.NONE: "No thoughts of suicide reported.",
    Ideation.PASSIVE: "Passive thoughts of death, without thoughts of acting on them.",
    Ideation.ACTIVE: "Active thoughts of suicide.",
}
OBJECTIVE_WORDS = {
    ObjectiveStatus.NOT_STARTED: "not started",
    ObjectiveStatus.IN_PROGRESS: "in progress",
    ObjectiveStatus.MET: "met",
    ObjectiveStatus.REVISED: "revised",
    ObjectiveStatus.DROPPED: "dropped",
}


@dataclass(frozen=True)
class Excerpt:
    """A signed progress note the therapist may quote from."""

    note_id: str
    session_id: str
    on: date
    text: str


@dataclass(frozen=True)
class SectionText:
    section: Section
    text: str

    @property
    def title(self) -> str:
        return TITLES[self.section]


def excerpt_candidates(vault: Vault, client_id: str) -> list[Excerpt]:
    """The client's signed progress notes, newest first, to quote from."""
    found = []
    for therapy_session in therapy_sessions.sessions_for_client(vault, client_id):
        note = progress_notes.get_note_for_session(vault, therapy_session.id)
        if note is None or not note.is_signed or note.damaged:
            continue
        found.append(
            Excerpt(
                note.id,
                therapy_session.id,
                therapy_session.starts_at.astimezone().date(),
                _note_text(note),
            )
        )
    return sorted(found, key=lambda excerpt: excerpt.on, reverse=True)


def _note_text(note: ProgressNote) -> str:
    content = note.content
    parts = [
        f"{name.capitalize()}: {content.sections[name].strip()}"
        for name in content.section_names()
        if content.sections.get(name, "").strip()
    ]
    return "\n".join(parts)


def suggested_text(
    vault: Vault, referral_id: str, today: date, excerpts: Sequence[Excerpt] = ()
) -> dict[Section, str]:
    """A first wording of every section from the record, for the therapist to edit."""
    parties = letters.referral_parties(vault, referral_id)
    client = parties.client
    details = client.details
    client_id = client.id
    suggested: dict[Section, str] = {}

    identity = [f"Name: {details.legal_name}"]
    if details.preferred_name:
        identity.append(f"Known as: {details.preferred_name}")
    if details.pronouns:
        identity.append(f"Pronouns: {details.pronouns}")
    if details.date_of_birth:
        age = (
            today.year
            - details.date_of_birth.year
            - ((today.month, today.day) < (details.date_of_birth.month, details.date_of_birth.day))
        )
        identity.append(f"Date of birth: {day(details.date_of_birth)} (age {age})")
    if details.address:
        identity.append("Address: " + ", ".join(details.address.splitlines()))
    if details.phone:
        identity.append(f"Phone: {details.phone}")
    if details.intake_date:
        identity.append(f"Seen since: {day(details.intake_date)}")
    suggested[Section.IDENTIFICATION] = "\n".join(identity)

    suggested[Section.REASON] = parties.referral.details.reason

    plan = treatment_plans.current_plan(vault, client_id)
    suggested[Section.PRESENTING_PROBLEMS] = plan.details.presenting_problems if plan else ""
    suggested[Section.HISTORY] = ""

    listed = diagnoses.list_diagnoses(vault, client_id)
    suggested[Section.DIAGNOSES] = (
        "\n".join(
            f"{d.details.code} {d.details.label} ({STATUS_WORDS[d.details.status]}"
            + (f", since {day(d.details.diagnosed_on)}" if d.details.diagnosed_on else "")
            + ")"
            for d in listed.current
        )
        or "No diagnosis recorded."
    )

    taken = medications.list_medications(vault, client_id, on=today)
    lines = []
    for medication in taken.current:
        m = medication.details
        prescriber = m.prescriber_name
        if medication.prescriber_id is not None and not prescriber:
            prescriber = get_professional(vault, medication.prescriber_id).details.name
        words = " ".join(part for part in (m.name, m.dose, m.frequency) if part)
        if prescriber:
            words += f", prescribed by {prescriber}"
        if m.started_on:
            words += f", since {day(m.started_on)}"
        lines.append(words)
    suggested[Section.MEDICATIONS] = "\n".join(lines) or "No current medication recorded."

    suggested[Section.RISK] = _risk_text(vault, client_id)
    suggested[Section.TREATMENT] = _treatment_text(vault, client_id, plan)
    suggested[Section.NOTE_EXCERPTS] = excerpts_text(excerpts)
    return suggested


def excerpt_heading(excerpt: Excerpt) -> str:
    """How an excerpt is introduced: the day of its session."""
    return day(excerpt.on)


def excerpts_text(excerpts: Sequence[Excerpt]) -> str:
    """The excerpts section's wording: each excerpt under the day of its session."""
    return "\n\n".join(
        f"Session of {excerpt_heading(excerpt)}:\n{excerpt.text}" for excerpt in excerpts
    )


def _risk_text(vault: Vault, client_id: str) -> str:
    assessment = risk.current_risk(vault, client_id)
    lines = []
    if assessment is None:
        lines.append("No formal risk assessment recorded.")
    else:
        a = assessment.details
        lines.append(f"Assessed {day(a.assessed_on)}: overall risk {a.level.value}.")
        lines.append(IDEATION_WORDS[a.ideation])
        for present, label, words in (
            (a.has_plan, "plan", a.plan_details),
            (a.has_intent, "intent", a.intent_details),
            (a.access_to_means, "access to means", a.means_details),
        ):
            if present:
                lines.append(f"Reports a {label}" + (f": {words}" if words else "."))
        if a.history:
            lines.append(f"History: {a.history}")
        if a.protective_factors:
            lines.append(f"Protective factors: {a.protective_factors}")
        if a.actions:
            lines.append(f"Actions taken: {a.actions}")
    alert = measures.latest_self_harm_alert(vault, client_id)
    if alert is not None:
        lines.append(
            f"PHQ-9 of {day(alert.taken_on)}: thoughts of self-harm answered "
            f"\u201c{alert.response}\u201d."
        )
    return "\n".join(lines)


def _treatment_text(vault: Vault, client_id: str, plan: TreatmentPlan | None) -> str:
    sessions: list[TherapySession] = [
        s
        for s in therapy_sessions.sessions_for_client(vault, client_id)
        if any(
            attendee.client_id == client_id and attendee.attendance is Attendance.ATTENDED
            for attendee in s.attendees
        )
    ]
    lines = []
    if plan is not None and plan.details.approaches:
        lines.append("Approach: " + ", ".join(plan.details.approaches) + ".")
    if sessions:
        first = min(s.starts_at for s in sessions).astimezone().date()
        last = max(s.starts_at for s in sessions).astimezone().date()
        lines.append(
            f"{len(sessions)} session{'s' if len(sessions) != 1 else ''} attended, "
            f"from {day(first)} to {day(last)}."
        )
    else:
        lines.append("No sessions attended yet.")
    if plan is not None:
        for goal in plan.details.goals:
            objectives = "; ".join(
                f"{objective.text} ({OBJECTIVE_WORDS[objective.status]})"
                for objective in goal.objectives
            )
            lines.append(f"Goal: {goal.text}" + (f" — {objectives}" if objectives else ""))
    for kind in (MeasureKind.PHQ9, MeasureKind.GAD7):
        taken = [m for m in measures.list_measures(vault, client_id, kind) if not m.damaged]
        if not taken:
            continue
        first_score = score(kind, taken[0].details.items)
        name = "PHQ-9" if kind is MeasureKind.PHQ9 else "GAD-7"
        if len(taken) == 1:
            lines.append(f"{name} {first_score.summary} on {day(taken[0].details.taken_on)}.")
        else:
            last_score = score(kind, taken[-1].details.items)
            lines.append(
                f"{name} from {first_score.summary} on {day(taken[0].details.taken_on)} "
                f"to {last_score.summary} on {day(taken[-1].details.taken_on)}."
            )
    return "\n".join(lines)


def check_sections(chosen: Sequence[SectionText]) -> list[SectionText]:
    """The chosen sections in print order, or InvalidInput naming each empty one."""
    if not chosen:
        raise InvalidInput("Choose at least one section for the summary.")
    seen: dict[Section, SectionText] = {}
    problems = []
    for item in chosen:
        if item.section in seen:
            problems.append(f"{item.title} is chosen twice.")
        seen[item.section] = item
        if not item.text.strip():
            problems.append(f"{item.title} is chosen but has no text: write it or untick it.")
        elif len(item.text) > MAX_SECTION_TEXT:
            problems.append(f"{item.title} is too long (at most {MAX_SECTION_TEXT} characters).")
    if problems:
        raise InvalidInput("The summary cannot be made: " + " ".join(problems), problems)
    return [seen[section] for section in ORDER if section in seen]


def summary_document(
    vault: Vault, referral_id: str, chosen: Sequence[SectionText], today: date
) -> PrintedDocument:
    """The summary exactly as it prints: the chosen sections, in their final wording."""
    sections = check_sections(chosen)
    parties = letters.referral_parties(vault, referral_id)
    context = parties.context(today, letters.consent_for(vault, parties, today))
    context["summary"] = {
        "sections": [{"title": item.title, "text": item.text.strip()} for item in sections]
    }
    return letters.render_template(
        vault,
        "referral_summary",
        context,
        f"Referral summary: {parties.client.details.legal_name} for {parties.recipient_line}",
        parties.practice,
    )
