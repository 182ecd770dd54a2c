"""Diagnoses: ICD-10 codes checked and written the standard way, current apart from resolved."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select

from tests.conftest import Reopen
from tests.core.conftest import Clock
from therapist_desk.clinical.diagnoses import (
    add_diagnosis,
    get_diagnosis,
    list_diagnoses,
    remove_diagnosis,
    update_diagnosis,
)
from therapist_desk.db.models import DiagnosisRow
from therapist_desk.domain.records import ClientDetails, DiagnosisDetails
from therapist_desk.domain.vocabulary import AuditKind, DiagnosisStatus
from therapist_desk.errors import InvalidInput, RecordNotFound
from therapist_desk.records.clients import create_client
from therapist_desk.records.retention import delete_client
from therapist_desk.vault import Vault, audit

GAD = DiagnosisDetails(
    code="F41.1",
    label="Generalised anxiety",
    status=DiagnosisStatus.CONFIRMED,
    diagnosed_on=date(2024, 2, 1),
    notes="Confirmed by the GP's letter.",
)


@pytest.fixture
def client_id(clocked_vault: Vault) -> str:
    return create_client(clocked_vault, ClientDetails(legal_name="Amira Haddad")).id


def test_a_diagnosis_reads_back_as_entered(
    clocked_vault: Vault, client_id: str, reopen: Reopen
) -> None:
    added = add_diagnosis(clocked_vault, client_id, GAD)
    vault = reopen(clocked_vault)
    assert get_diagnosis(vault, added.id) == added
    assert list_diagnoses(vault, client_id).current == (added,)


def test_the_code_is_written_the_standard_way_and_an_empty_label_takes_the_official_one(
    clocked_vault: Vault, client_id: str
) -> None:
    added = add_diagnosis(clocked_vault, client_id, DiagnosisDetails(code=" f43 1 "))
    assert (added.details.code, added.details.label) == ("F43.1", "Post-traumatic stress disorder")
    assert get_diagnosis(clocked_vault, added.id).details == added.details


def test_a_code_outside_the_mental_health_codes_is_refused(
    clocked_vault: Vault, client_id: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        add_diagnosis(clocked_vault, client_id, replace(GAD, code="j45"))
    assert refused.value.problems == (
        "J45 is not an ICD-10 code for mental health (chapter V, F00–F99, or a related Z code).",
    )


def test_a_diagnosis_with_several_problems_is_refused_with_each_one(
    clocked_vault: Vault, client_id: str
) -> None:
    details = DiagnosisDetails(
        code="",
        status=DiagnosisStatus.RESOLVED,
        diagnosed_on=date(2024, 6, 1),
    )
    with pytest.raises(InvalidInput) as refused:
        add_diagnosis(clocked_vault, client_id, details)
    assert refused.value.problems == (
        "The ICD-10 code is required.",
        "A resolved diagnosis needs the date it was resolved.",
        "The date diagnosed (2024-06-01) is in the future.",
    )
    assert refused.value.message.startswith("The diagnosis cannot be saved:")


@pytest.mark.parametrize(
    ("details", "problem"),
    [
        (
            replace(GAD, status=DiagnosisStatus.RESOLVED, resolved_on=date(2024, 1, 1)),
            "The date resolved (2024-01-01) is before the date diagnosed (2024-02-01).",
        ),
        (
            replace(GAD, resolved_on=date(2024, 4, 1)),
            "Only a resolved diagnosis has a date resolved.",
        ),
    ],
    ids=["resolved before diagnosed", "resolved date on a current diagnosis"],
)
def test_inconsistent_dates_are_refused(
    clocked_vault: Vault, client_id: str, details: DiagnosisDetails, problem: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        add_diagnosis(clocked_vault, client_id, details)
    assert refused.value.problems == (problem,)


def test_current_and_resolved_diagnoses_are_listed_apart(
    clocked_vault: Vault, client_id: str
) -> None:
    provisional = add_diagnosis(
        clocked_vault,
        client_id,
        DiagnosisDetails(code="F32.1", diagnosed_on=date(2024, 1, 1)),
    )
    confirmed_later = add_diagnosis(
        clocked_vault, client_id, replace(GAD, diagnosed_on=date(2024, 3, 1))
    )
    confirmed_earlier = add_diagnosis(clocked_vault, client_id, GAD)
    resolved_long_ago = add_diagnosis(
        clocked_vault,
        client_id,
        replace(GAD, code="F43.2", status=DiagnosisStatus.RESOLVED, resolved_on=date(2024, 2, 10)),
    )
    resolved_lately = add_diagnosis(
        clocked_vault,
        client_id,
        replace(GAD, code="Z63.4", status=DiagnosisStatus.RESOLVED, resolved_on=date(2024, 4, 1)),
    )

    listed = list_diagnoses(clocked_vault, client_id)

    assert [d.id for d in listed.current] == [
        confirmed_earlier.id,
        confirmed_later.id,
        provisional.id,
    ]
    assert [d.id for d in listed.resolved] == [resolved_lately.id, resolved_long_ago.id]


def test_resolving_a_diagnosis_moves_it_to_the_resolved_list(
    clocked_vault: Vault, client_id: str, clock: Clock
) -> None:
    added = add_diagnosis(clocked_vault, client_id, GAD)
    clock.advance(days=1)
    resolved = update_diagnosis(
        clocked_vault,
        added.id,
        replace(GAD, status=DiagnosisStatus.RESOLVED, resolved_on=date(2024, 5, 6)),
    )
    assert resolved.updated_at == clock.current
    assert resolved.created_at == added.created_at
    listed = list_diagnoses(clocked_vault, client_id)
    assert (listed.current, [d.id for d in listed.resolved]) == ((), [added.id])


def test_a_diagnosis_entered_in_error_is_removed_and_every_step_is_audited(
    clocked_vault: Vault, client_id: str
) -> None:
    added = add_diagnosis(clocked_vault, client_id, GAD)
    update_diagnosis(clocked_vault, added.id, replace(GAD, label=""))
    remove_diagnosis(clocked_vault, added.id)

    assert list_diagnoses(clocked_vault, client_id).current == ()
    with pytest.raises(RecordNotFound, match="no diagnosis"):
        get_diagnosis(clocked_vault, added.id)
    trail = [
        (event.details.kind, event.details.detail)
        for event in audit.events(clocked_vault, client_id=client_id)
        if event.details.record_id == added.id
    ]
    assert trail == [
        (AuditKind.DELETE, "diagnosis entered in error"),
        (AuditKind.EDIT, "diagnosis"),
        (AuditKind.CREATE, "diagnosis"),
    ]


def test_a_diagnosis_for_an_unknown_client_is_refused(clocked_vault: Vault) -> None:
    with pytest.raises(RecordNotFound, match="no client"):
        add_diagnosis(clocked_vault, "no-such-client", GAD)


def test_deleting_the_client_deletes_their_diagnoses(clocked_vault: Vault, client_id: str) -> None:
    add_diagnosis(clocked_vault, client_id, GAD)
    kept = create_client(clocked_vault, ClientDetails(legal_name="Ben Okafor")).id
    add_diagnosis(clocked_vault, kept, GAD)

    delete_client(clocked_vault, client_id, "Amira Haddad")

    with clocked_vault.reading() as session:
        assert list(session.scalars(select(DiagnosisRow.client_id))) == [kept]
