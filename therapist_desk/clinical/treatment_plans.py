"""Treatment plans: goals and measurable objectives, in versions over time.

A client's plan is a series of versions. Saving changes the current (newest)
version in place; revising starts a new version as a copy of the current one,
and earlier versions stay as they were, so the record shows what the plan was
at any time. Goals and objectives carry keys that stay the same across
versions, and a progress note names the objectives its session worked on by
those keys.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from therapist_desk.db.column_types import new_id
from therapist_desk.db.models import (
    NoteObjectivesRow,
    ProgressNoteRow,
    SessionAttendeeRow,
    TherapySessionRow,
    TreatmentPlanRow,
)
from therapist_desk.db.record_codec import RecordCodec
from therapist_desk.domain.records import (
    Goal,
    NoteObjectivesDetails,
    Objective,
    TreatmentPlan,
    TreatmentPlanDetails,
)
from therapist_desk.domain.vocabulary import AuditKind, ObjectiveStatus
from therapist_desk.errors import InvalidInput, NoteIsSigned, RecordNotFound
from therapist_desk.records.validation import MAX_SHORT_TEXT, Problems, load_client_row
from therapist_desk.vault import Vault, audit

TABLE = TreatmentPlanRow.__tablename__
LINK_TABLE = NoteObjectivesRow.__tablename__
MAX_TEXT = 20_000
MAX_APPROACHES = 50
_STATUS_NAMES = ", ".join(status.value.replace("_", " ") for status in ObjectiveStatus)


def new_key() -> str:
    """A key for a new goal or objective; it stays the same in later versions."""
    return new_id()


def new_goal(text: str, objectives: Sequence[Objective] = ()) -> Goal:
    return Goal(new_key(), text, tuple(objectives))


def new_objective(
    text: str, target_date: date | None = None, interventions: Sequence[str] = ()
) -> Objective:
    return Objective(new_key(), text, target_date, interventions=tuple(interventions))


# -- checks ------------------------------------------------------------------------------


def check_plan(details: TreatmentPlanDetails) -> None:
    problems = Problems()
    problems.limit("Presenting problems", details.presenting_problems, MAX_TEXT)
    problems.limit("Notes", details.notes, MAX_TEXT)
    if len(details.approaches) > MAX_APPROACHES:
        problems.add(f"At most {MAX_APPROACHES} approaches can be chosen.")
    if any(not approach.strip() for approach in details.approaches):
        problems.add("One of the approaches is blank.")
    for approach in details.approaches:
        problems.limit("An approach", approach)
    problems.date_order(
        "the start date", details.start_date, "The review date", details.review_date
    )
    keys: set[str] = set()
    for number, goal in enumerate(details.goals, start=1):
        _check_key(problems, f"Goal {number}", goal.key, keys)
        _check_text(problems, f"Goal {number}", goal.text)
        for sub, objective in enumerate(goal.objectives, start=1):
            _check_objective(problems, f"Objective {number}.{sub}", objective, details, keys)
    problems.raise_if_any("The treatment plan cannot be saved")


def _check_key(problems: Problems, label: str, key: str, seen: set[str]) -> None:
    # Keys are made by new_key(); a blank or repeated one is a program error, but it
    # would break the links from notes, so it is refused like any other input.
    if not key.strip():
        problems.add(f"{label} has no key.")
    elif key in seen:
        problems.add(f"{label} has the same key as another goal or objective.")
    seen.add(key)


def _check_text(problems: Problems, label: str, text: str) -> None:
    if not text.strip():
        problems.add(f"{label} needs a description.")
    problems.limit(label, text, MAX_SHORT_TEXT)


def _check_objective(
    problems: Problems,
    label: str,
    objective: Objective,
    plan: TreatmentPlanDetails,
    keys: set[str],
) -> None:
    _check_key(problems, label, objective.key, keys)
    _check_text(problems, label, objective.text)
    try:
        ObjectiveStatus(objective.status)
    except ValueError:
        problems.add(
            f"{label} has an unknown status ({objective.status}); choose one of {_STATUS_NAMES}."
        )
    problems.date_order(
        "the plan's start date",
        plan.start_date,
        f"The target date of {label.lower()}",
        objective.target_date,
    )
    if any(not intervention.strip() for intervention in objective.interventions):
        problems.add(f"One of the interventions of {label.lower()} is blank.")


# -- rows --------------------------------------------------------------------------------


def plan_from_row(codec: RecordCodec, row: TreatmentPlanRow) -> TreatmentPlan:
    details, damaged = codec.open_details(row, TreatmentPlanDetails)
    return TreatmentPlan(
        row.id, row.client_id, row.version, details, row.created_at, row.updated_at, damaged
    )


def new_plan_row(
    codec: RecordCodec,
    client_id: str,
    version: int,
    details: TreatmentPlanDetails,
    now: datetime,
    plan_id: str | None = None,
) -> TreatmentPlanRow:
    row_id = plan_id or new_id()
    return TreatmentPlanRow(
        id=row_id,
        client_id=client_id,
        version=version,
        created_at=now,
        updated_at=now,
        **codec.seal_details(TABLE, row_id, details),
    )


def new_note_objectives_row(
    codec: RecordCodec, note_id: str, objective_keys: Sequence[str], row_id: str | None = None
) -> NoteObjectivesRow:
    """The link from a progress note to the objectives its session worked on."""
    link_id = row_id or new_id()
    return NoteObjectivesRow(
        id=link_id,
        note_id=note_id,
        **codec.seal_details(LINK_TABLE, link_id, NoteObjectivesDetails(tuple(objective_keys))),
    )


def _versions(session: Session, client_id: str) -> list[TreatmentPlanRow]:
    """The client's plan versions, newest first."""
    return list(
        session.scalars(
            select(TreatmentPlanRow)
            .where(TreatmentPlanRow.client_id == client_id)
            .order_by(TreatmentPlanRow.version.desc())
        )
    )


# -- reading -----------------------------------------------------------------------------


def get_plan(vault: Vault, plan_id: str) -> TreatmentPlan:
    with vault.reading() as session:
        row = session.get(TreatmentPlanRow, plan_id)
        if row is None:
            raise RecordNotFound(f"There is no treatment plan with id {plan_id}.")
        return plan_from_row(vault.codec, row)


def plan_versions(vault: Vault, client_id: str) -> list[TreatmentPlan]:
    """Every version of the client's plan, newest first."""
    with vault.reading() as session:
        return [plan_from_row(vault.codec, row) for row in _versions(session, client_id)]


def current_plan(vault: Vault, client_id: str) -> TreatmentPlan | None:
    """The newest version of the client's plan, or None before the first is saved."""
    with vault.reading() as session:
        row = session.scalar(
            select(TreatmentPlanRow)
            .where(TreatmentPlanRow.client_id == client_id)
            .order_by(TreatmentPlanRow.version.desc())
            .limit(1)
        )
        return plan_from_row(vault.codec, row) if row is not None else None


@dataclass(frozen=True)
class _ReviewDateOnly:
    review_date: date | None = None


def plans_due_for_review(vault: Vault, today: date) -> list[TreatmentPlan]:
    """Current plans whose review date is today or past, the longest overdue first.

    Only the review date of each current version is decrypted to choose them.
    """
    newest = (
        select(TreatmentPlanRow.client_id, func.max(TreatmentPlanRow.version).label("version"))
        .group_by(TreatmentPlanRow.client_id)
        .subquery()
    )
    with vault.reading() as session:
        current = session.execute(
            select(TreatmentPlanRow.id, TreatmentPlanRow.review_date).join(
                newest,
                (newest.c.client_id == TreatmentPlanRow.client_id)
                & (newest.c.version == TreatmentPlanRow.version),
            )
        )
        due = []
        for plan_id, blob in current:
            opened, _ = vault.codec.open_mapping(
                TABLE, plan_id, {"review_date": blob}, _ReviewDateOnly
            )
            if opened.review_date is not None and opened.review_date <= today:
                due.append(plan_id)
        rows = session.scalars(select(TreatmentPlanRow).where(TreatmentPlanRow.id.in_(due)))
        plans = [plan_from_row(vault.codec, row) for row in rows]
    return sorted(plans, key=lambda plan: (plan.details.review_date or today, plan.client_id))


# -- writing -----------------------------------------------------------------------------


def save_plan(vault: Vault, client_id: str, details: TreatmentPlanDetails) -> TreatmentPlan:
    """Save the client's plan: version 1 the first time, then the current version in place.

    An objective that a progress note says was worked on cannot be taken out
    of the plan (unless an earlier version keeps it): mark it dropped instead.
    """
    check_plan(details)
    with vault.transaction() as session:
        return _put_plan(session, vault, client_id, details)


def _put_plan(
    session: Session, vault: Vault, client_id: str, details: TreatmentPlanDetails
) -> TreatmentPlan:
    now = vault.now()
    load_client_row(session, client_id)
    versions = _versions(session, client_id)
    if not versions:
        row = new_plan_row(vault.codec, client_id, 1, details, now)
        session.add(row)
        kind = AuditKind.CREATE
    else:
        row = versions[0]
        _refuse_removing_worked_on(session, vault.codec, client_id, versions, details)
        for column, blob in vault.codec.seal_details(TABLE, row.id, details).items():
            setattr(row, column, blob)
        row.updated_at = now
        kind = AuditKind.EDIT
    audit.record(
        session, vault, kind, client_id=client_id, record_id=row.id, detail="treatment plan"
    )
    session.flush()
    return TreatmentPlan(row.id, client_id, row.version, details, row.created_at, now)


def revise_plan(
    vault: Vault, client_id: str, unsaved: TreatmentPlanDetails | None = None
) -> TreatmentPlan:
    """Start a new version of the plan as a copy of the current one; returns the new version.

    `unsaved` holds changes to the current version not saved yet: they are saved
    into it first, in the same transaction, so either both happen or neither.
    """
    if unsaved is not None:
        check_plan(unsaved)
    now = vault.now()
    with vault.transaction() as session:
        if unsaved is not None:
            _put_plan(session, vault, client_id, unsaved)
        load_client_row(session, client_id)
        versions = _versions(session, client_id)
        if not versions:
            raise InvalidInput("There is no treatment plan to revise yet; save the first one.")
        current = plan_from_row(vault.codec, versions[0])
        if current.damaged:
            raise InvalidInput(
                "Part of the current plan cannot be read ("
                + ", ".join(current.damaged)
                + "), so it cannot be copied into a new version. Restore the vault from a backup."
            )
        row = new_plan_row(vault.codec, client_id, current.version + 1, current.details, now)
        audit.add_recorded(session, vault, row, f"treatment plan, version {row.version}")
        return TreatmentPlan(row.id, client_id, row.version, current.details, now, now)


def _refuse_removing_worked_on(
    session: Session,
    codec: RecordCodec,
    client_id: str,
    versions: list[TreatmentPlanRow],
    details: TreatmentPlanDetails,
) -> None:
    current = codec.open_details(versions[0], TreatmentPlanDetails)[0]
    kept = {objective.key for objective in details.objectives()}
    for earlier in versions[1:]:
        kept |= {o.key for o in codec.open_details(earlier, TreatmentPlanDetails)[0].objectives()}
    removed = [objective for objective in current.objectives() if objective.key not in kept]
    if not removed:
        return
    worked_on = {key for key, _ in _links_for_client(session, codec, client_id)}
    problems = Problems()
    for objective in removed:
        if objective.key in worked_on:
            problems.add(
                f"The objective \u201c{_shortened(objective.text)}\u201d was worked on in a "
                "session, so it stays in the plan; mark it dropped instead."
            )
    problems.raise_if_any("The treatment plan cannot be saved")


def _shortened(text: str, length: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "\u2026"


# -- which objectives a session worked on ------------------------------------------------


@dataclass(frozen=True)
class SessionWorkedOn:
    """A session whose progress note says it worked on an objective."""

    session_id: str
    note_id: str
    starts_at: datetime


def _objective_keys_of_plans(
    session: Session, codec: RecordCodec, client_ids: Iterable[str]
) -> set[str]:
    rows = session.scalars(
        select(TreatmentPlanRow).where(TreatmentPlanRow.client_id.in_(list(client_ids)))
    )
    return {
        objective.key
        for row in rows
        for objective in codec.open_details(row, TreatmentPlanDetails)[0].objectives()
    }


def _links_for_client(
    session: Session, codec: RecordCodec, client_id: str
) -> list[tuple[str, SessionWorkedOn]]:
    """(objective key, session) for every objective named by the notes of the client's sessions."""
    attended = select(SessionAttendeeRow.session_id).where(
        SessionAttendeeRow.client_id == client_id
    )
    rows = session.execute(
        select(NoteObjectivesRow, ProgressNoteRow.session_id, TherapySessionRow.starts_at)
        .join(ProgressNoteRow, ProgressNoteRow.id == NoteObjectivesRow.note_id)
        .join(TherapySessionRow, TherapySessionRow.id == ProgressNoteRow.session_id)
        .where(ProgressNoteRow.session_id.in_(attended))
        .order_by(TherapySessionRow.starts_at, TherapySessionRow.id)
    )
    links: list[tuple[str, SessionWorkedOn]] = []
    for link, session_id, starts_at in rows:
        keys = codec.open_details(link, NoteObjectivesDetails)[0].objective_keys
        worked_on = SessionWorkedOn(session_id, link.note_id, starts_at)
        links.extend((key, worked_on) for key in keys)
    return links


def _load_note(session: Session, note_id: str) -> ProgressNoteRow:
    row = session.get(ProgressNoteRow, note_id)
    if row is None:
        raise RecordNotFound(f"There is no progress note with id {note_id}.")
    return row


def _attendees(session: Session, session_id: str) -> list[str]:
    return list(
        session.scalars(
            select(SessionAttendeeRow.client_id)
            .where(SessionAttendeeRow.session_id == session_id)
            .order_by(SessionAttendeeRow.client_id)
        )
    )


def set_note_objectives(
    vault: Vault, note_id: str, objective_keys: Sequence[str]
) -> tuple[str, ...]:
    """Record which plan objectives a draft note's session worked on; returns them."""
    with vault.transaction() as session:
        return put_note_objectives(session, vault, _load_note(session, note_id), objective_keys)


def put_note_objectives(
    session: Session, vault: Vault, note: ProgressNoteRow, objective_keys: Sequence[str]
) -> tuple[str, ...]:
    """Record, in the caller's transaction, which plan objectives a draft note's session
    worked on; returns them.

    The keys must be objectives of a plan (any version) of someone who attended
    the session. A signed note is locked, and so is this.
    """
    chosen = tuple(dict.fromkeys(objective_keys))  # the order given, without repeats
    if note.signed_at is not None:
        raise NoteIsSigned(
            "This note is signed, so the objectives it worked on can no longer be "
            "changed; add a dated addendum instead."
        )
    attendees = _attendees(session, note.session_id)
    known = _objective_keys_of_plans(session, vault.codec, attendees)
    unknown = [key for key in chosen if key not in known]
    if unknown:
        raise InvalidInput(
            "Objectives are chosen from the treatment plan of the people in the session; "
            + ("one of those chosen is" if len(unknown) == 1 else f"{len(unknown)} are")
            + " not in it."
        )
    row = session.scalar(
        select(NoteObjectivesRow).where(NoteObjectivesRow.note_id == note.id)
    ) or NoteObjectivesRow(id=new_id(), note_id=note.id)
    sealed = vault.codec.seal_details(LINK_TABLE, row.id, NoteObjectivesDetails(chosen))
    for column, blob in sealed.items():
        setattr(row, column, blob)
    session.add(row)  # a no-op for a row already stored
    audit.record(
        session,
        vault,
        AuditKind.EDIT,
        client_id=attendees[0] if attendees else "",
        record_id=note.id,
        detail="objectives of a progress note",
    )
    return chosen


def note_objectives(vault: Vault, note_id: str) -> tuple[str, ...]:
    """The keys of the objectives a note's session worked on, as chosen."""
    with vault.reading() as session:
        row = session.scalar(select(NoteObjectivesRow).where(NoteObjectivesRow.note_id == note_id))
        if row is None:
            return ()
        return vault.codec.open_details(row, NoteObjectivesDetails)[0].objective_keys


def objectives_worked_on(vault: Vault, client_id: str) -> dict[str, tuple[SessionWorkedOn, ...]]:
    """Objective key → the sessions that worked on it, oldest first.

    Only objectives of this client's own plans are listed: a joint session's
    note may also name the other attendee's objectives, which stay theirs.
    """
    with vault.reading() as session:
        own = _objective_keys_of_plans(session, vault.codec, [client_id])
        links = _links_for_client(session, vault.codec, client_id)
    worked_on: dict[str, list[SessionWorkedOn]] = {}
    for key, session_worked_on in links:
        if key in own:
            worked_on.setdefault(key, []).append(session_worked_on)
    return {key: tuple(sessions) for key, sessions in worked_on.items()}
