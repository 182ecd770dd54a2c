"""Referrals to other professionals, and the reminders to chase them."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from therapist_desk.domain.records import ClientDetails, ProfessionalDetails, ReferralDetails
from therapist_desk.domain.vocabulary import ProfessionalRole, ReferralStatus
from therapist_desk.errors import InvalidInput, RecordNotFound
from therapist_desk.records.clients import create_client
from therapist_desk.sharing.professionals import (
    add_professional,
    get_professional,
    list_professionals,
    update_professional,
)
from therapist_desk.sharing.referrals import (
    create_referral,
    follow_ups_due,
    get_referral,
    referrals_for_client,
    update_referral,
)
from therapist_desk.vault import Vault

TODAY = date(2024, 5, 6)
SENT = ReferralDetails(
    reason="Medication review",
    status=ReferralStatus.SENT,
    referred_on=date(2024, 4, 1),
    sent_on=date(2024, 4, 2),
    follow_up_on=date(2024, 5, 1),
)


@pytest.fixture
def people(vault: Vault) -> tuple[str, str]:
    client = create_client(vault, ClientDetails(legal_name="Amira Haddad"))
    gp = add_professional(vault, ProfessionalDetails(name="Dr Priya Shah"))
    return client.id, gp.id


def test_a_referral_is_kept_with_the_client(vault: Vault, people: tuple[str, str]) -> None:
    client_id, gp_id = people
    created = create_referral(vault, client_id, gp_id, SENT)
    (listed,) = referrals_for_client(vault, client_id)
    assert listed.id == created.id
    assert (listed.professional_id, listed.details) == (gp_id, SENT)


def test_follow_ups_due_lists_unanswered_referrals_past_their_date_oldest_first(
    vault: Vault, people: tuple[str, str]
) -> None:
    client_id, gp_id = people
    later = create_referral(vault, client_id, gp_id, SENT)
    earlier = create_referral(
        vault, client_id, gp_id, replace(SENT, follow_up_on=date(2024, 4, 20))
    )
    create_referral(vault, client_id, gp_id, replace(SENT, follow_up_on=date(2024, 6, 1)))
    create_referral(vault, client_id, gp_id, replace(SENT, follow_up_on=None))
    for answered in (ReferralStatus.ACKNOWLEDGED, ReferralStatus.CLOSED, ReferralStatus.DECLINED):
        create_referral(vault, client_id, gp_id, replace(SENT, status=answered))

    assert [r.id for r in follow_ups_due(vault, TODAY)] == [earlier.id, later.id]


def test_an_acknowledged_referral_stops_being_chased(vault: Vault, people: tuple[str, str]) -> None:
    client_id, gp_id = people
    referral = create_referral(vault, client_id, gp_id, SENT)
    acknowledged = replace(
        SENT, status=ReferralStatus.ACKNOWLEDGED, acknowledged_on=date(2024, 5, 3)
    )
    update_referral(vault, referral.id, gp_id, acknowledged)
    assert follow_ups_due(vault, TODAY) == []
    assert get_referral(vault, referral.id).details == acknowledged


@pytest.mark.parametrize(
    ("details", "problem"),
    [
        (replace(SENT, reason=" "), "The reason for referral is required"),
        (replace(SENT, sent_on=date(2024, 3, 1)), "The date sent"),
        (replace(SENT, follow_up_on=date(2024, 3, 1)), "The follow-up date"),
    ],
    ids=["no reason", "sent before referred", "follow-up before referral"],
)
def test_an_inconsistent_referral_is_refused(
    vault: Vault, people: tuple[str, str], details: ReferralDetails, problem: str
) -> None:
    client_id, gp_id = people
    with pytest.raises(InvalidInput, match=problem):
        create_referral(vault, client_id, gp_id, details)
    assert referrals_for_client(vault, client_id) == []


def test_a_referral_to_an_unknown_professional_is_refused(
    vault: Vault, people: tuple[str, str]
) -> None:
    client_id, _gp_id = people
    with pytest.raises(RecordNotFound):
        create_referral(vault, client_id, "no-such-professional", SENT)


def test_the_professionals_directory_is_sorted_by_name_and_editable(vault: Vault) -> None:
    for name in ("dr Zed", "Dr Abel"):
        add_professional(vault, ProfessionalDetails(name=name))
    assert [p.details.name for p in list_professionals(vault)] == ["Dr Abel", "dr Zed"]

    first = list_professionals(vault)[0]
    moved = replace(first.details, role=ProfessionalRole.PSYCHIATRIST, organisation="CMHT")
    update_professional(vault, first.id, moved)
    assert get_professional(vault, first.id).details == moved

    with pytest.raises(InvalidInput, match="name is required"):
        add_professional(vault, ProfessionalDetails(name=""))
