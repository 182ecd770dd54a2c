"""Clients: taking someone on, correcting their record, discharging and welcoming them back."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from tests.conftest import Reopen
from tests.core.conftest import Clock
from therapist_desk.domain.records import ClientDetails
from therapist_desk.domain.vocabulary import ClientStatus
from therapist_desk.errors import InvalidInput, RecordNotFound
from therapist_desk.records.clients import (
    create_client,
    discharge_client,
    get_client,
    list_clients,
    reactivate_client,
    update_client,
)
from therapist_desk.vault import Vault

AMIRA = ClientDetails(
    legal_name="Amira Haddad",
    preferred_name="Amira",
    pronouns="she/her",
    date_of_birth=date(1988, 4, 2),
    email="amira@example.org",
    status=ClientStatus.ACTIVE,
    intake_date=date(2024, 1, 8),
)


def test_a_new_client_is_listed_and_reads_back_as_entered(vault: Vault, reopen: Reopen) -> None:
    created = create_client(vault, AMIRA)
    reopened = reopen(vault)
    assert [client.id for client in list_clients(reopened)] == [created.id]
    client = get_client(reopened, created.id)
    assert client.details == AMIRA
    assert client.damaged == ()


def test_clients_are_listed_by_the_name_the_therapist_uses_regardless_of_case(
    vault: Vault,
) -> None:
    for legal, preferred in [("Zoe Adams", "bea"), ("Carl Young", ""), ("Anna Zed", "Dee")]:
        create_client(vault, ClientDetails(legal_name=legal, preferred_name=preferred))
    shown = [client.details.display_name for client in list_clients(vault)]
    assert shown == ["bea", "Carl Young", "Dee"]


def test_a_client_with_several_problems_is_refused_with_each_one_listed(
    vault: Vault,
) -> None:
    """The therapist fixes everything at once instead of one error per attempt."""
    tomorrow = vault.now().date() + timedelta(days=1)
    details = ClientDetails(
        legal_name="   ",
        date_of_birth=tomorrow,
        intake_date=date(2024, 3, 1),
        discharge_date=date(2024, 2, 1),
    )
    with pytest.raises(InvalidInput) as refused:
        create_client(vault, details)
    assert refused.value.problems == (
        "Legal name is required.",
        "Date of birth is in the future.",
        "The discharge date (2024-02-01) is before the intake date (2024-03-01).",
    )
    for problem in refused.value.problems:
        assert problem in refused.value.message
    assert list_clients(vault) == []


def test_a_discharged_client_needs_a_discharge_date(vault: Vault) -> None:
    with pytest.raises(InvalidInput) as refused:
        create_client(vault, ClientDetails(legal_name="Jo", status=ClientStatus.DISCHARGED))
    assert refused.value.problems == ("A discharged client needs a discharge date.",)


def test_an_over_long_name_is_refused(vault: Vault) -> None:
    with pytest.raises(InvalidInput, match="Legal name is too long"):
        create_client(vault, ClientDetails(legal_name="x" * 201))


def test_updating_a_client_changes_the_record_but_not_when_it_was_created(
    clocked_vault: Vault, clock: Clock
) -> None:
    created = create_client(clocked_vault, AMIRA)
    later = clock.advance(days=3)
    corrected = replace(AMIRA, email="amira.h@example.org")

    update_client(clocked_vault, created.id, corrected)

    client = get_client(clocked_vault, created.id)
    assert client.details.email == "amira.h@example.org"
    assert client.created_at == created.created_at
    assert client.updated_at == later


def test_an_invalid_update_is_refused_and_the_record_stays_as_it_was(vault: Vault) -> None:
    created = create_client(vault, AMIRA)
    with pytest.raises(InvalidInput):
        update_client(vault, created.id, ClientDetails(legal_name=""))
    assert get_client(vault, created.id).details == AMIRA


def test_discharge_and_reactivate(vault: Vault) -> None:
    created = create_client(vault, AMIRA)

    discharged = discharge_client(vault, created.id, date(2024, 6, 30))
    assert discharged.details.status is ClientStatus.DISCHARGED
    assert get_client(vault, created.id).details.discharge_date == date(2024, 6, 30)

    reactivate_client(vault, created.id)
    back = get_client(vault, created.id).details
    assert back.status is ClientStatus.ACTIVE
    assert back.discharge_date is None
    assert back.legal_name == AMIRA.legal_name


def test_a_discharge_dated_before_intake_is_refused_and_nothing_changes(vault: Vault) -> None:
    created = create_client(vault, AMIRA)
    with pytest.raises(InvalidInput, match="before the intake date"):
        discharge_client(vault, created.id, date(2023, 12, 31))
    assert get_client(vault, created.id).details == AMIRA


def test_an_unknown_client_is_reported_not_created(vault: Vault) -> None:
    with pytest.raises(RecordNotFound):
        get_client(vault, "no-such-client")
    with pytest.raises(RecordNotFound):
        update_client(vault, "no-such-client", AMIRA)
    assert list_clients(vault) == []
