"""Contacts: the people around a client, and whether the therapist may speak to them."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from therapist_desk.domain.records import ClientDetails, ContactDetails
from therapist_desk.domain.vocabulary import ContactRole
from therapist_desk.errors import InvalidInput, RecordNotFound
from therapist_desk.records.clients import create_client
from therapist_desk.records.contacts import (
    add_contact,
    list_contacts,
    remove_contact,
    update_contact,
)
from therapist_desk.vault import Vault

MOTHER = ContactDetails(
    role=ContactRole.FAMILY_MEMBER,
    name="Leila Haddad",
    relationship="mother",
    phone="07700 900111",
    consent_to_contact=True,
    consent_scope="appointments only",
    consent_expires=date(2024, 12, 31),
)


@pytest.fixture
def client_id(vault: Vault) -> str:
    return create_client(vault, ClientDetails(legal_name="Amira Haddad")).id


def test_a_contact_with_consent_is_kept_with_its_scope_and_expiry(
    vault: Vault, client_id: str
) -> None:
    added = add_contact(vault, client_id, MOTHER)
    (contact,) = list_contacts(vault, client_id)
    assert contact.id == added.id
    assert contact.details == MOTHER
    assert contact.details.consent_in_force(date(2024, 12, 31))
    assert not contact.details.consent_in_force(date(2025, 1, 1))


def test_contacts_belong_to_their_own_client_only(vault: Vault, client_id: str) -> None:
    other = create_client(vault, ClientDetails(legal_name="Jonas Berg"))
    add_contact(vault, client_id, MOTHER)
    assert list_contacts(vault, other.id) == []


def test_contacts_are_listed_by_role_then_name(vault: Vault, client_id: str) -> None:
    for role, name in [
        (ContactRole.PARTNER, "Sam"),
        (ContactRole.FAMILY_MEMBER, "zara"),
        (ContactRole.FAMILY_MEMBER, "Omar"),
    ]:
        add_contact(vault, client_id, ContactDetails(role=role, name=name))
    assert [c.details.name for c in list_contacts(vault, client_id)] == ["Omar", "zara", "Sam"]


def test_an_expiry_date_without_consent_is_refused(vault: Vault, client_id: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        add_contact(vault, client_id, replace(MOTHER, consent_to_contact=False))
    assert refused.value.problems == ("A consent expiry date needs consent to contact.",)
    assert list_contacts(vault, client_id) == []


def test_a_contact_needs_a_name(vault: Vault, client_id: str) -> None:
    with pytest.raises(InvalidInput, match="The contact's name is required"):
        add_contact(vault, client_id, replace(MOTHER, name=" "))


def test_withdrawn_consent_is_saved_and_the_contact_can_be_removed(
    vault: Vault, client_id: str
) -> None:
    added = add_contact(vault, client_id, MOTHER)
    withdrawn = replace(MOTHER, consent_to_contact=False, consent_expires=None)
    update_contact(vault, added.id, withdrawn)
    (contact,) = list_contacts(vault, client_id)
    assert not contact.details.consent_in_force(date(2024, 6, 1))

    remove_contact(vault, added.id)
    assert list_contacts(vault, client_id) == []


def test_a_contact_for_an_unknown_client_is_refused(vault: Vault) -> None:
    with pytest.raises(RecordNotFound):
        add_contact(vault, "no-such-client", MOTHER)
