"""Risk assessments over time, and the client's safety plan.

A client's current risk is their latest assessment; Today lists the clients
whose current risk is high or imminent. Assessments are clinical records and
are kept: a later assessment supersedes an earlier one, it does not replace it.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from therapist_desk.db.column_types import new_id
from therapist_desk.db.models import RiskAssessmentRow, SafetyPlanRow
from therapist_desk.db.record_codec import RecordCodec
from therapist_desk.domain.records import (
    RiskAssessment,
    RiskAssessmentDetails,
    SafetyPlan,
    SafetyPlanDetails,
)
from therapist_desk.domain.vocabulary import AuditKind, RiskLevel
from therapist_desk.errors import RecordNotFound
from therapist_desk.records.validation import Problems, load_client_row
from therapist_desk.vault import Vault, audit

TABLE = RiskAssessmentRow.__tablename__
SAFETY_PLAN_TABLE = SafetyPlanRow.__tablename__
MAX_TEXT = 20_000
#: The levels that put a client on Today's list; the most urgent first.
ELEVATED = (RiskLevel.IMMINENT, RiskLevel.HIGH)
_STREAM_BATCH = 1000


def check_risk_assessment(details: RiskAssessmentDetails, today: date) -> None:
    problems = Problems()
    if details.assessed_on is None:
        problems.add("The date of the assessment is required.")
    elif details.assessed_on > today:
        problems.add(
            f"The date of the assessment ({details.assessed_on.isoformat()}) is in the future."
        )
    for label, text in (
        ("Ideation details", details.ideation_details),
        ("Plan details", details.plan_details),
        ("Intent details", details.intent_details),
        ("Means details", details.means_details),
        ("History", details.history),
        ("Protective factors", details.protective_factors),
        ("Actions", details.actions),
    ):
        problems.limit(label, text, MAX_TEXT)
    if details.level in ELEVATED and not details.actions.strip():
        problems.add(
            f"A {details.level.value} risk needs the actions taken "
            "(safety plan, contact with the GP, an emergency referral)."
        )
    problems.raise_if_any("The risk assessment cannot be saved")


def assessment_from_row(codec: RecordCodec, row: RiskAssessmentRow) -> RiskAssessment:
    details, damaged = codec.open_details(row, RiskAssessmentDetails)
    return RiskAssessment(row.id, row.client_id, details, row.created_at, damaged)


def new_assessment_row(
    codec: RecordCodec,
    client_id: str,
    details: RiskAssessmentDetails,
    now: datetime,
    assessment_id: str | None = None,
) -> RiskAssessmentRow:
    row_id = assessment_id or new_id()
    return RiskAssessmentRow(
        id=row_id,
        client_id=client_id,
        created_at=now,
        **codec.seal_details(TABLE, row_id, details),
    )


def _load(session: Session, assessment_id: str) -> RiskAssessmentRow:
    row = session.get(RiskAssessmentRow, assessment_id)
    if row is None:
        raise RecordNotFound(f"There is no risk assessment with id {assessment_id}.")
    return row


def _newest_first_key(assessment: RiskAssessment) -> tuple[date, datetime, str]:
    return (assessment.details.assessed_on or date.min, assessment.created_at, assessment.id)


def list_risk_assessments(vault: Vault, client_id: str) -> list[RiskAssessment]:
    """The client's assessments, newest first (by the date assessed, then when entered)."""
    with vault.reading() as session:
        rows = session.scalars(
            select(RiskAssessmentRow).where(RiskAssessmentRow.client_id == client_id)
        )
        found = [assessment_from_row(vault.codec, row) for row in rows]
    return sorted(found, key=_newest_first_key, reverse=True)


def current_risk(vault: Vault, client_id: str) -> RiskAssessment | None:
    """The client's latest assessment, or None if they have never been assessed."""
    assessments = list_risk_assessments(vault, client_id)
    return assessments[0] if assessments else None


def get_risk_assessment(vault: Vault, assessment_id: str) -> RiskAssessment:
    with vault.reading() as session:
        return assessment_from_row(vault.codec, _load(session, assessment_id))


def add_risk_assessment(
    vault: Vault, client_id: str, details: RiskAssessmentDetails
) -> RiskAssessment:
    now = vault.now()
    check_risk_assessment(details, now.astimezone().date())
    with vault.transaction() as session:
        load_client_row(session, client_id)
        row = new_assessment_row(vault.codec, client_id, details, now)
        audit.add_recorded(session, vault, row, "risk assessment")
    return RiskAssessment(row.id, client_id, details, now)


def update_risk_assessment(
    vault: Vault, assessment_id: str, details: RiskAssessmentDetails
) -> RiskAssessment:
    """Correct an assessment; a new assessment of a new situation is added instead."""
    check_risk_assessment(details, vault.now().astimezone().date())
    with vault.transaction() as session:
        row = _load(session, assessment_id)
        audit.edit_recorded(session, vault, row, details, "risk assessment")
        return RiskAssessment(assessment_id, row.client_id, details, row.created_at)


# Single-field views of an assessment row: `open_mapping` decrypts only these columns.
@dataclass(frozen=True)
class _AssessedOnOnly:
    assessed_on: date | None = None


@dataclass(frozen=True)
class _LevelOnly:
    level: RiskLevel | None = None


def clients_at_high_risk(vault: Vault) -> list[RiskAssessment]:
    """The current assessment of every client whose latest risk is high or imminent.

    Imminent first, then the most recently assessed. Runs over every client for
    Today, so only each assessment's date is decrypted to find the latest, then
    the level of those, and the whole record only of the ones listed.
    """
    latest: dict[str, tuple[date, datetime, str, bytes]] = {}
    with vault.reading() as session:
        # Plain table columns: ORM-annotated ones would cost more than the decryption.
        columns = RiskAssessmentRow.__table__.c
        rows = session.execute(
            select(
                columns.id,
                columns.client_id,
                columns.created_at,
                columns.assessed_on,
                columns.level,
            ).execution_options(yield_per=_STREAM_BATCH)
        )
        for row_id, client_id, created_at, assessed_blob, level_blob in rows:
            assessed_on = vault.codec.open_mapping(
                TABLE, row_id, {"assessed_on": assessed_blob}, _AssessedOnOnly
            )[0].assessed_on
            candidate = (assessed_on or date.min, created_at, row_id, level_blob)
            if client_id not in latest or candidate[:3] > latest[client_id][:3]:
                latest[client_id] = candidate
        elevated = []
        for _, _, row_id, level_blob in latest.values():
            level = vault.codec.open_mapping(TABLE, row_id, {"level": level_blob}, _LevelOnly)[
                0
            ].level
            if level in ELEVATED:
                elevated.append(row_id)
        found = [
            assessment_from_row(vault.codec, row)
            for row in session.scalars(
                select(RiskAssessmentRow).where(RiskAssessmentRow.id.in_(elevated))
            )
        ]
    found.sort(key=_newest_first_key, reverse=True)
    return sorted(found, key=lambda assessment: ELEVATED.index(assessment.details.level))


# -- the safety plan ---------------------------------------------------------------------


def check_safety_plan(details: SafetyPlanDetails) -> None:
    problems = Problems()
    texts = {field.name: getattr(details, field.name) for field in fields(details)}
    if not any(text.strip() for text in texts.values()):
        problems.add("A safety plan needs at least one of its parts filled in.")
    for name, text in texts.items():
        problems.limit(name.replace("_", " ").capitalize(), text, MAX_TEXT)
    problems.raise_if_any("The safety plan cannot be saved")


def safety_plan_from_row(codec: RecordCodec, row: SafetyPlanRow) -> SafetyPlan:
    details, damaged = codec.open_details(row, SafetyPlanDetails)
    return SafetyPlan(row.id, row.client_id, details, row.created_at, row.updated_at, damaged)


def new_safety_plan_row(
    codec: RecordCodec,
    client_id: str,
    details: SafetyPlanDetails,
    now: datetime,
    plan_id: str | None = None,
) -> SafetyPlanRow:
    row_id = plan_id or new_id()
    return SafetyPlanRow(
        id=row_id,
        client_id=client_id,
        created_at=now,
        updated_at=now,
        **codec.seal_details(SAFETY_PLAN_TABLE, row_id, details),
    )


def _safety_plan_row(session: Session, client_id: str) -> SafetyPlanRow | None:
    return session.scalar(select(SafetyPlanRow).where(SafetyPlanRow.client_id == client_id))


def get_safety_plan(vault: Vault, client_id: str) -> SafetyPlan | None:
    """The client's safety plan, or None if none has been written."""
    with vault.reading() as session:
        row = _safety_plan_row(session, client_id)
        return safety_plan_from_row(vault.codec, row) if row is not None else None


def save_safety_plan(vault: Vault, client_id: str, details: SafetyPlanDetails) -> SafetyPlan:
    """Write the client's safety plan, or rewrite the one they have (there is one per client)."""
    check_safety_plan(details)
    now = vault.now()
    with vault.transaction() as session:
        load_client_row(session, client_id)
        row = _safety_plan_row(session, client_id)
        if row is None:
            row = new_safety_plan_row(vault.codec, client_id, details, now)
            session.add(row)
            kind = AuditKind.CREATE
        else:
            for column, blob in vault.codec.seal_details(
                SAFETY_PLAN_TABLE, row.id, details
            ).items():
                setattr(row, column, blob)
            row.updated_at = now
            kind = AuditKind.EDIT
        audit.record(
            session, vault, kind, client_id=client_id, record_id=row.id, detail="safety plan"
        )
        return SafetyPlan(row.id, client_id, details, row.created_at, now)
