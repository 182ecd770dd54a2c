"""Medications: the prescriber from the directory or in words, current apart from past."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select

from tests.conftest import Reopen
from therapist_desk.clinical.medications import (
    add_medication,
    get_medication,
    list_medications,
    remove_medication,
    stop_medication,
    update_medication,
)
from therapist_desk.db.models import MedicationRow
from therapist_desk.domain.records import ClientDetails, MedicationDetails, ProfessionalDetails
from therapist_desk.domain.vocabulary import AuditKind, ProfessionalRole
from therapist_desk.errors import InvalidInput, RecordNotFound
from therapist_desk.records.clients import create_client
from therapist_desk.records.retention import delete_client
from therapist_desk.sharing.professionals import add_professional
from therapist_desk.vault import Vault, audit

TODAY = date(2024, 5, 6)
SERTRALINE = MedicationDetails(
    name="Sertraline",
    dose="50 mg",
    frequency="once daily",
    started_on=date(2024, 2, 1),
    notes="Some nausea in the first week.",
)


@pytest.fixture
def client_id(clocked_vault: Vault) -> str:
    return create_client(clocked_vault, ClientDetails(legal_name="Amira Haddad")).id


@pytest.fixture
def psychiatrist_id(clocked_vault: Vault) -> str:
    details = ProfessionalDetails(name="Dr Priya Shah", role=ProfessionalRole.PSYCHIATRIST)
    return add_professional(clocked_vault, details).id


def test_a_medication_with_a_prescriber_from_the_directory_reads_back(
    clocked_vault: Vault, client_id: str, psychiatrist_id: str, reopen: Reopen
) -> None:
    added = add_medication(clocked_vault, client_id, SERTRALINE, prescriber_id=psychiatrist_id)
    vault = reopen(clocked_vault)
    found = get_medication(vault, added.id)
    assert found == added
    assert (found.prescriber_id, found.details) == (psychiatrist_id, SERTRALINE)


def test_a_prescriber_can_be_named_in_words_instead(clocked_vault: Vault, client_id: str) -> None:
    details = replace(SERTRALINE, prescriber_name="Dr Lee (out-of-hours GP)")
    added = add_medication(clocked_vault, client_id, details)
    assert get_medication(clocked_vault, added.id).prescriber_id is None
    assert (
        get_medication(clocked_vault, added.id).details.prescriber_name == details.prescriber_name
    )


def test_a_prescriber_not_in_the_directory_is_refused(clocked_vault: Vault, client_id: str) -> None:
    with pytest.raises(RecordNotFound, match="no professional with id nobody in the directory"):
        add_medication(clocked_vault, client_id, SERTRALINE, prescriber_id="nobody")
    assert list_medications(clocked_vault, client_id, TODAY).current == ()


def test_a_medication_with_several_problems_is_refused_with_each_one(
    clocked_vault: Vault, client_id: str
) -> None:
    details = MedicationDetails(
        name=" ", dose="x" * 2001, started_on=date(2024, 3, 1), stopped_on=date(2024, 2, 1)
    )
    with pytest.raises(InvalidInput) as refused:
        add_medication(clocked_vault, client_id, details)
    assert refused.value.problems == (
        "The medication's name is required.",
        "Dose is too long (2001 characters; at most 2000).",
        "The stop date (2024-02-01) is before the start date (2024-03-01).",
    )
    assert refused.value.message.startswith("The medication cannot be saved:")


def test_current_and_past_medications_are_listed_apart(
    clocked_vault: Vault, client_id: str
) -> None:
    ending_soon = add_medication(
        clocked_vault, client_id, replace(SERTRALINE, name="zopiclone", stopped_on=date(2024, 5, 9))
    )
    ongoing = add_medication(clocked_vault, client_id, replace(SERTRALINE, name="Propranolol"))
    stopped_today = add_medication(
        clocked_vault, client_id, replace(SERTRALINE, name="Mirtazapine", stopped_on=TODAY)
    )
    stopped_earlier = add_medication(
        clocked_vault,
        client_id,
        replace(SERTRALINE, name="Citalopram", stopped_on=date(2024, 3, 1)),
    )

    listed = list_medications(clocked_vault, client_id, TODAY)

    assert [m.id for m in listed.current] == [ongoing.id, ending_soon.id]
    assert [m.id for m in listed.past] == [stopped_today.id, stopped_earlier.id]
    # Without a date, "today" is the vault's.
    assert list_medications(clocked_vault, client_id) == listed


def test_stopping_a_medication_keeps_it_in_the_past_list(
    clocked_vault: Vault, client_id: str, psychiatrist_id: str
) -> None:
    added = add_medication(clocked_vault, client_id, SERTRALINE, prescriber_id=psychiatrist_id)
    stopped = stop_medication(clocked_vault, added.id, date(2024, 5, 1))
    assert stopped.details == replace(SERTRALINE, stopped_on=date(2024, 5, 1))
    assert stopped.prescriber_id == psychiatrist_id
    listed = list_medications(clocked_vault, client_id, TODAY)
    assert (listed.current, [m.id for m in listed.past]) == ((), [added.id])


def test_a_stop_before_the_start_is_refused(clocked_vault: Vault, client_id: str) -> None:
    added = add_medication(clocked_vault, client_id, SERTRALINE)
    with pytest.raises(InvalidInput, match=r"The stop date \(2024-01-01\) is before the start"):
        stop_medication(clocked_vault, added.id, date(2024, 1, 1))
    assert get_medication(clocked_vault, added.id).details.stopped_on is None


def test_changing_the_prescriber_and_removing_an_entry_made_in_error_are_audited(
    clocked_vault: Vault, client_id: str, psychiatrist_id: str
) -> None:
    added = add_medication(clocked_vault, client_id, SERTRALINE)
    moved = update_medication(
        clocked_vault, added.id, replace(SERTRALINE, dose="100 mg"), prescriber_id=psychiatrist_id
    )
    assert (moved.prescriber_id, moved.details.dose) == (psychiatrist_id, "100 mg")
    remove_medication(clocked_vault, added.id)
    with pytest.raises(RecordNotFound, match="no medication"):
        get_medication(clocked_vault, added.id)
    trail = [
        (event.details.kind, event.details.detail)
        for event in audit.events(clocked_vault, client_id=client_id)
        if event.details.record_id == added.id
    ]
    assert trail == [
        (AuditKind.DELETE, "medication entered in error"),
        (AuditKind.EDIT, "medication"),
        (AuditKind.CREATE, "medication"),
    ]


def test_deleting_the_client_deletes_their_medications(
    clocked_vault: Vault, client_id: str, psychiatrist_id: str
) -> None:
    add_medication(clocked_vault, client_id, SERTRALINE, prescriber_id=psychiatrist_id)
    kept = create_client(clocked_vault, ClientDetails(legal_name="Ben Okafor")).id
    add_medication(clocked_vault, kept, SERTRALINE)

    delete_client(clocked_vault, client_id, "Amira Haddad")

    with clocked_vault.reading() as session:
        assert list(session.scalars(select(MedicationRow.client_id))) == [kept]
