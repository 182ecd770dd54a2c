"""Risk assessments over time, clients at high risk for Today, and the safety plan."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import Reopen
from tests.core.conftest import Clock
from therapist_desk.clinical.risk import (
    add_risk_assessment,
    clients_at_high_risk,
    current_risk,
    get_risk_assessment,
    get_safety_plan,
    list_risk_assessments,
    save_safety_plan,
    update_risk_assessment,
)
from therapist_desk.db.models import RiskAssessmentRow, SafetyPlanRow
from therapist_desk.domain.records import ClientDetails, RiskAssessmentDetails, SafetyPlanDetails
from therapist_desk.domain.vocabulary import AuditKind, Ideation, RiskLevel
from therapist_desk.errors import InvalidInput, RecordNotFound
from therapist_desk.records.clients import create_client
from therapist_desk.records.retention import delete_client
from therapist_desk.vault import Vault, audit

LOW = RiskAssessmentDetails(
    assessed_on=date(2024, 4, 1),
    ideation=Ideation.PASSIVE,
    ideation_details="Sometimes wishes she would not wake up.",
    protective_factors="Her children; her faith.",
    level=RiskLevel.LOW,
)
HIGH = replace(
    LOW,
    ideation=Ideation.ACTIVE,
    has_plan=True,
    plan_details="Has thought about the bridge.",
    level=RiskLevel.HIGH,
    actions="Safety plan written together; GP called the same day.",
)
PLAN = SafetyPlanDetails(
    warning_signs="Not sleeping; staying in bed.",
    coping_strategies="Walk the dog; box breathing.",
    people_to_ask="Sister (Leila).",
    professionals="GP surgery; Samaritans 116 123.",
    reasons_for_living="My children.",
)


def new_client(vault: Vault, name: str = "Amira Haddad") -> str:
    return create_client(vault, ClientDetails(legal_name=name)).id


@pytest.fixture
def client_id(clocked_vault: Vault) -> str:
    return new_client(clocked_vault)


def test_an_assessment_reads_back_as_entered(
    clocked_vault: Vault, client_id: str, reopen: Reopen
) -> None:
    added = add_risk_assessment(clocked_vault, client_id, HIGH)
    vault = reopen(clocked_vault)
    assert get_risk_assessment(vault, added.id) == added
    assert list_risk_assessments(vault, client_id) == [added]


def test_assessments_are_listed_newest_first_and_the_latest_is_current(
    clocked_vault: Vault, client_id: str, clock: Clock
) -> None:
    assert current_risk(clocked_vault, client_id) is None
    april = add_risk_assessment(clocked_vault, client_id, HIGH)
    clock.advance(minutes=5)
    march = add_risk_assessment(
        clocked_vault, client_id, replace(LOW, assessed_on=date(2024, 3, 1))
    )
    clock.advance(minutes=5)
    # A second assessment the same day, entered later, supersedes the first.
    april_again = add_risk_assessment(clocked_vault, client_id, LOW)

    listed = list_risk_assessments(clocked_vault, client_id)

    assert [a.id for a in listed] == [april_again.id, april.id, march.id]
    assert current_risk(clocked_vault, client_id) == april_again


def test_an_assessment_with_several_problems_is_refused_with_each_one(
    clocked_vault: Vault, client_id: str
) -> None:
    details = replace(HIGH, assessed_on=date(2024, 5, 7), actions="  ")
    with pytest.raises(InvalidInput) as refused:
        add_risk_assessment(clocked_vault, client_id, details)
    assert refused.value.problems == (
        "The date of the assessment (2024-05-07) is in the future.",
        "A high risk needs the actions taken "
        "(safety plan, contact with the GP, an emergency referral).",
    )
    assert refused.value.message.startswith("The risk assessment cannot be saved:")
    with pytest.raises(InvalidInput, match=r"The date of the assessment is required\."):
        add_risk_assessment(clocked_vault, client_id, replace(LOW, assessed_on=None))
    assert list_risk_assessments(clocked_vault, client_id) == []


def test_an_assessment_is_corrected_in_place_and_audited(
    clocked_vault: Vault, client_id: str
) -> None:
    added = add_risk_assessment(clocked_vault, client_id, LOW)
    corrected = replace(LOW, history="Overdose in 2019.")
    update_risk_assessment(clocked_vault, added.id, corrected)
    assert get_risk_assessment(clocked_vault, added.id).details == corrected
    trail = [
        (event.details.kind, event.details.detail)
        for event in audit.events(clocked_vault, client_id=client_id)
        if event.details.record_id == added.id
    ]
    assert trail == [(AuditKind.EDIT, "risk assessment"), (AuditKind.CREATE, "risk assessment")]


def test_an_assessment_for_an_unknown_client_is_refused(clocked_vault: Vault) -> None:
    with pytest.raises(RecordNotFound, match="no client"):
        add_risk_assessment(clocked_vault, "no-such-client", LOW)


def test_today_lists_clients_whose_current_risk_is_high_or_imminent(
    clocked_vault: Vault, clock: Clock
) -> None:
    high, imminent, lowered, low, raised_today, _never_assessed = (
        new_client(clocked_vault, name) for name in ("A", "B", "C", "D", "E", "F")
    )
    add_risk_assessment(clocked_vault, high, HIGH)
    add_risk_assessment(
        clocked_vault,
        imminent,
        replace(HIGH, level=RiskLevel.IMMINENT, assessed_on=date(2024, 3, 1)),
    )
    add_risk_assessment(clocked_vault, lowered, HIGH)
    add_risk_assessment(clocked_vault, lowered, replace(LOW, assessed_on=date(2024, 4, 20)))
    add_risk_assessment(clocked_vault, low, LOW)
    # An old high assessment typed in after a newer low one does not make the risk high.
    add_risk_assessment(clocked_vault, low, replace(HIGH, assessed_on=date(2024, 1, 1)))
    add_risk_assessment(clocked_vault, raised_today, LOW)
    clock.advance(hours=1)
    add_risk_assessment(clocked_vault, raised_today, replace(HIGH, assessed_on=date(2024, 5, 6)))

    found = clients_at_high_risk(clocked_vault)

    assert [(a.client_id, a.details.level) for a in found] == [
        (imminent, RiskLevel.IMMINENT),
        (raised_today, RiskLevel.HIGH),
        (high, RiskLevel.HIGH),
    ]
    assert found[1].details == replace(HIGH, assessed_on=date(2024, 5, 6))


def test_deleting_the_client_deletes_their_assessments_and_safety_plan(
    clocked_vault: Vault, client_id: str
) -> None:
    add_risk_assessment(clocked_vault, client_id, HIGH)
    save_safety_plan(clocked_vault, client_id, PLAN)
    kept = new_client(clocked_vault, "Ben Okafor")
    add_risk_assessment(clocked_vault, kept, LOW)

    delete_client(clocked_vault, client_id, "Amira Haddad")

    with clocked_vault.reading() as session:
        assert list(session.scalars(select(RiskAssessmentRow.client_id))) == [kept]
        assert session.scalar(select(func.count()).select_from(SafetyPlanRow)) == 0
    assert clients_at_high_risk(clocked_vault) == []


# -- the safety plan ---------------------------------------------------------------------


def test_a_client_has_one_safety_plan_saved_over_in_place(
    clocked_vault: Vault, client_id: str, clock: Clock, reopen: Reopen
) -> None:
    assert get_safety_plan(clocked_vault, client_id) is None
    first = save_safety_plan(clocked_vault, client_id, PLAN)
    clock.advance(days=2)
    revised = replace(PLAN, distractions="The allotment; the library café.")
    second = save_safety_plan(clocked_vault, client_id, revised)

    vault = reopen(clocked_vault)
    found = get_safety_plan(vault, client_id)
    assert found == second
    assert (found.id, found.details) == (first.id, revised)
    assert found.created_at == first.created_at
    assert found.updated_at == first.created_at + timedelta(days=2)
    with vault.reading() as session:
        assert session.scalar(select(func.count()).select_from(SafetyPlanRow)) == 1
    trail = [
        event.details.kind
        for event in audit.events(vault, client_id=client_id)
        if event.details.detail == "safety plan"
    ]
    assert trail == [AuditKind.EDIT, AuditKind.CREATE]


def test_an_empty_safety_plan_is_refused(clocked_vault: Vault, client_id: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        save_safety_plan(clocked_vault, client_id, SafetyPlanDetails(warning_signs="   "))
    assert refused.value.problems == ("A safety plan needs at least one of its parts filled in.",)
    assert get_safety_plan(clocked_vault, client_id) is None


def test_a_safety_plan_for_an_unknown_client_is_refused(clocked_vault: Vault) -> None:
    with pytest.raises(RecordNotFound, match="no client"):
        save_safety_plan(clocked_vault, "no-such-client", PLAN)
