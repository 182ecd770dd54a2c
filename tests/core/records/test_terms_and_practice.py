"""Pick lists the therapist extends, and the practice profile on the letterhead."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.conftest import Reopen
from therapist_desk.domain.records import PracticeProfile
from therapist_desk.domain.vocabulary import DEFAULT_TERMS, TermCategory
from therapist_desk.errors import InvalidInput
from therapist_desk.records.practice import get_profile, save_profile
from therapist_desk.records.terms import add_term, terms
from therapist_desk.vault import Vault

PROFILE = PracticeProfile(
    practice_name="Harbour Lane Therapy",
    clinician_name="Dr Alex Morgan",
    credentials="DClinPsy",
    licence_number="PYL04217",
    address="12 Harbour Lane\nFalmouth",
    phone="01326 555 0142",
    email="alex@harbourlane.example",
    website="harbourlane.example",
    currency="GBP",
)


def test_a_new_term_is_added_after_the_defaults_and_kept(vault: Vault, reopen: Reopen) -> None:
    category = TermCategory.TECHNIQUE
    listed = add_term(vault, category, "Compassion-focused imagery")
    assert listed == [*DEFAULT_TERMS[category], "Compassion-focused imagery"]
    assert terms(reopen(vault), category) == listed


@pytest.mark.parametrize(
    "again",
    ["compassion-FOCUSED imagery", "  Compassion-focused   imagery ", "Reflection"],
    ids=["other case", "extra spaces", "a default term"],
)
def test_a_term_already_in_the_list_is_not_added_twice(vault: Vault, again: str) -> None:
    first = add_term(vault, TermCategory.TECHNIQUE, "Compassion-focused imagery")
    assert add_term(vault, TermCategory.TECHNIQUE, again) == first


def test_a_term_belongs_to_one_pick_list(vault: Vault) -> None:
    add_term(vault, TermCategory.INTERVENTION, "Safety plan review")
    assert "Safety plan review" in terms(vault, TermCategory.INTERVENTION)
    assert terms(vault, TermCategory.TECHNIQUE) == list(DEFAULT_TERMS[TermCategory.TECHNIQUE])


def test_a_blank_term_is_refused(vault: Vault) -> None:
    with pytest.raises(InvalidInput, match="The term is required"):
        add_term(vault, TermCategory.APPROACH, "   ")
    assert terms(vault, TermCategory.APPROACH) == list(DEFAULT_TERMS[TermCategory.APPROACH])


def test_a_new_vault_has_an_empty_profile(vault: Vault) -> None:
    assert get_profile(vault) == PracticeProfile()


def test_the_practice_profile_is_saved_and_kept(vault: Vault, reopen: Reopen) -> None:
    save_profile(vault, PROFILE)
    assert get_profile(reopen(vault)) == PROFILE


@pytest.mark.parametrize("currency", ["", "EUR", "USD"])
def test_a_three_letter_currency_or_none_is_accepted(vault: Vault, currency: str) -> None:
    save_profile(vault, replace(PROFILE, currency=currency))
    assert get_profile(vault).currency == currency


@pytest.mark.parametrize("currency", ["EURO", "£", "12A", "GB"])
def test_a_currency_that_is_not_a_three_letter_code_is_refused(vault: Vault, currency: str) -> None:
    save_profile(vault, PROFILE)
    with pytest.raises(InvalidInput, match="three-letter code"):
        save_profile(vault, replace(PROFILE, currency=currency))
    assert get_profile(vault) == PROFILE
