"""The directory of professionals: checking entries, counting referrals, removing someone."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

import pytest

from therapist_desk.clinical.medications import add_medication
from therapist_desk.domain.records import (
    ClientDetails,
    DisclosureDetails,
    MedicationDetails,
    ProfessionalDetails,
    ReferralDetails,
    SharingConsentDetails,
)
from therapist_desk.domain.vocabulary import AuditKind, ProfessionalRole
from therapist_desk.errors import InvalidInput, RecordNotFound
from therapist_desk.records.clients import create_client
from therapist_desk.sharing.consents import add_consent
from therapist_desk.sharing.disclosures import DisclosedTo, record_disclosure
from therapist_desk.sharing.professionals import (
    add_professional,
    check_professional,
    get_professional,
    list_professionals,
    referral_counts,
    remove_professional,
    update_professional,
)
from therapist_desk.sharing.referrals import create_referral
from therapist_desk.vault import Vault, audit

SHAH = ProfessionalDetails(
    name="Dr Priya Shah",
    role=ProfessionalRole.PSYCHIATRIST,
    organisation="Falmouth CMHT",
    email="priya.shah@example.org",
)


@pytest.mark.parametrize("email", ["priya.shah", "priya@", "priya shah@example.org", "a@b"])
def test_an_email_that_cannot_be_an_address_is_refused(email: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_professional(ProfessionalDetails(name="Dr Priya Shah", email=email), email_shape=True)
    assert refused.value.problems == (
        f"The email “{email}” does not look like an address (name@example.org).",
    )


def test_every_problem_is_listed_at_once(vault: Vault) -> None:
    with pytest.raises(InvalidInput) as refused:
        add_professional(vault, ProfessionalDetails(name=" ", email="priya@nhs"))
    assert refused.value.problems == (
        "The professional's name is required.",
        "The email “priya@nhs” does not look like an address (name@example.org).",
    )
    assert list_professionals(vault) == []


def test_a_plain_address_or_none_at_all_is_accepted() -> None:
    for email in ("p.shah+gp@nhs.example", ""):
        details = ProfessionalDetails(name="Dr Priya Shah", email=email)
        check_professional(details, email_shape=True)


def test_an_import_keeps_an_email_as_earlier_versions_took_it() -> None:
    check_professional(ProfessionalDetails(name="Dr Priya Shah", email="ask at reception"))


def test_an_edit_is_checked_like_a_new_entry(vault: Vault) -> None:
    shah = add_professional(vault, SHAH)
    with pytest.raises(InvalidInput, match="does not look like an address"):
        update_professional(vault, shah.id, replace(SHAH, email="priya.shah"))
    assert get_professional(vault, shah.id).details == SHAH


def test_referral_counts_are_clients_not_letters(vault: Vault) -> None:
    shah = add_professional(vault, SHAH)
    quiet = add_professional(vault, ProfessionalDetails(name="Dr Tomas Lind"))
    amira = create_client(vault, ClientDetails(legal_name="Amira Haddad"))
    ben = create_client(vault, ClientDetails(legal_name="Ben Okafor"))
    for client in (amira, amira, ben):  # Amira referred twice still counts once
        create_referral(vault, client.id, shah.id, ReferralDetails(reason="Review"))
    counts = referral_counts(vault)
    assert counts[shah.id] == 2
    assert quiet.id not in counts


def test_someone_no_record_names_is_removed_and_the_removal_audited(vault: Vault) -> None:
    kept = add_professional(vault, SHAH)
    gone = add_professional(vault, ProfessionalDetails(name="Dr Tomas Lind"))
    remove_professional(vault, gone.id)
    assert [p.id for p in list_professionals(vault)] == [kept.id]
    with pytest.raises(RecordNotFound):
        get_professional(vault, gone.id)
    (deleted,) = audit.events(vault, kind=AuditKind.DELETE)
    assert (deleted.details.record_id, deleted.details.detail) == (gone.id, "professional")


def _referral(vault: Vault, client_id: str, professional_id: str) -> None:
    create_referral(vault, client_id, professional_id, ReferralDetails(reason="Review"))


def _consent(vault: Vault, client_id: str, professional_id: str) -> None:
    add_consent(vault, client_id, professional_id, SharingConsentDetails(given_on=date(2024, 5, 1)))


def _prescriber(vault: Vault, client_id: str, professional_id: str) -> None:
    add_medication(
        vault, client_id, MedicationDetails(name="Sertraline"), prescriber_id=professional_id
    )


def _disclosure(vault: Vault, client_id: str, professional_id: str) -> None:
    record_disclosure(
        vault,
        client_id,
        DisclosureDetails(what="referral letter", how="printed"),
        DisclosedTo(professional_id=professional_id),
    )


@pytest.mark.parametrize(
    ("name_them", "named_in"),
    [
        (_referral, "1 referral"),
        (_consent, "1 consent to share"),
        (_prescriber, "1 medication (as prescriber)"),
        (_disclosure, "1 disclosure"),
    ],
)
def test_removal_is_refused_while_a_record_names_them(
    vault: Vault, name_them: Callable[[Vault, str, str], None], named_in: str
) -> None:
    shah = add_professional(vault, SHAH)
    client = create_client(vault, ClientDetails(legal_name="Amira Haddad"))
    name_them(vault, client.id, shah.id)
    with pytest.raises(InvalidInput) as refused:
        remove_professional(vault, shah.id)
    assert refused.value.problems == (
        f"Dr Priya Shah is still named in {named_in}, so they stay in the directory: "
        "those records must keep saying who was involved. You can still edit their details.",
    )
    assert get_professional(vault, shah.id).details == SHAH
    assert audit.events(vault, kind=AuditKind.DELETE) == []


def test_the_refusal_counts_every_kind_of_record(vault: Vault) -> None:
    shah = add_professional(vault, SHAH)
    client = create_client(vault, ClientDetails(legal_name="Amira Haddad"))
    _referral(vault, client.id, shah.id)
    _referral(vault, client.id, shah.id)
    _prescriber(vault, client.id, shah.id)
    with pytest.raises(InvalidInput, match="named in 2 referrals and 1 medication"):
        remove_professional(vault, shah.id)


def test_removing_someone_not_in_the_directory_says_so(vault: Vault) -> None:
    with pytest.raises(RecordNotFound):
        remove_professional(vault, "no-such-id")
