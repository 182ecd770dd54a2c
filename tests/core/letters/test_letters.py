"""Consents, the disclosure log, letter templates and the referral summary (no Qt)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.core.sharing.referral_practice import (
    PROCESS_NOTE_MARKER,
    ReferralPractice,
    build_referral_practice,
)
from therapist_desk.domain.records import SharingConsentDetails
from therapist_desk.domain.vocabulary import AuditKind
from therapist_desk.errors import InvalidInput
from therapist_desk.letters import letters, referral_summary
from therapist_desk.letters.referral_summary import Section, SectionText
from therapist_desk.letters.rendering import TemplateProblem
from therapist_desk.sharing import consents, disclosures
from therapist_desk.vault import Vault, audit


@pytest.fixture
def practice(vault: Vault) -> ReferralPractice:
    return build_referral_practice(vault)


def _today(vault: Vault) -> date:
    return vault.now().astimezone().date()


def test_a_consent_is_in_force_between_its_dates_and_until_withdrawn(
    vault: Vault, practice: ReferralPractice
) -> None:
    today = _today(vault)
    given = consents.add_consent(
        vault,
        practice.client_id,
        practice.professional_id,
        SharingConsentDetails(
            given_on=today - timedelta(days=10),
            expires_on=today + timedelta(days=30),
            scope="referral letter and summary",
        ),
    )
    found = consents.consent_in_force(vault, practice.client_id, practice.professional_id, today)
    assert found is not None and found.id == given.id
    assert (
        consents.consent_in_force(
            vault, practice.client_id, practice.professional_id, today + timedelta(days=31)
        )
        is None
    )
    assert (
        consents.consent_in_force(
            vault, practice.client_id, practice.professional_id, today - timedelta(days=11)
        )
        is None
    )
    # Consent for one client says nothing about another.
    assert (
        consents.consent_in_force(vault, practice.other_client_id, practice.professional_id, today)
        is None
    )
    consents.update_consent(
        vault,
        given.id,
        SharingConsentDetails(
            given_on=today - timedelta(days=10), withdrawn_on=today, scope="referral letter"
        ),
    )
    assert (
        consents.consent_in_force(vault, practice.client_id, practice.professional_id, today)
        is None
    )


def test_a_consent_needs_a_date_given_and_dates_in_order(
    vault: Vault, practice: ReferralPractice
) -> None:
    with pytest.raises(InvalidInput) as refused:
        consents.add_consent(
            vault,
            practice.client_id,
            practice.professional_id,
            SharingConsentDetails(expires_on=date(2020, 1, 1)),
        )
    assert "The date the consent was given is required." in refused.value.problems


def test_without_consent_a_letter_is_refused_unless_a_reason_is_given_and_the_reason_is_kept(
    vault: Vault, practice: ReferralPractice
) -> None:
    today = _today(vault)
    parties = letters.referral_parties(vault, practice.referral_id)
    with pytest.raises(InvalidInput) as refused:
        letters.record_sent(vault, parties, what="referral letter", how="printed", on=today)
    assert "no consent in force" in refused.value.message
    assert disclosures.disclosures_for_client(vault, practice.client_id) == []

    logged = letters.record_sent(
        vault,
        parties,
        what="referral letter",
        how="printed",
        on=today,
        without_consent_reason="Emergency: the client is at risk tonight.",
    ).disclosure
    (kept,) = disclosures.disclosures_for_client(vault, practice.client_id)
    assert kept.id == logged.id
    assert kept.details.without_consent_reason == "Emergency: the client is at risk tonight."
    assert kept.details.recipient == "Dr Priya Shah, Falmouth CMHT"
    assert (kept.professional_id, kept.referral_id, kept.consent_id) == (
        practice.professional_id,
        practice.referral_id,
        None,
    )
    (entry,) = audit.events(vault, kind=AuditKind.DISCLOSURE)
    assert entry.details.client_id == practice.client_id
    assert "without recorded consent" in entry.details.detail
    assert "Emergency" not in entry.details.detail  # the trail holds no words of the reason


def test_with_consent_the_disclosure_names_the_consent(
    vault: Vault, practice: ReferralPractice
) -> None:
    today = _today(vault)
    consent = consents.add_consent(
        vault,
        practice.client_id,
        practice.professional_id,
        SharingConsentDetails(given_on=today, scope="referral"),
    )
    parties = letters.referral_parties(vault, practice.referral_id)
    logged = letters.record_sent(
        vault,
        parties,
        what="referral summary",
        how="saved as PDF: summary.pdf",
        on=today,
        sections=("reason", "diagnoses"),
        without_consent_reason="ignored when consent is in force",
    ).disclosure
    assert logged.consent_id == consent.id
    assert logged.details.without_consent_reason == ""
    assert logged.details.sections == ("reason", "diagnoses")


def test_the_referral_letter_names_the_client_the_recipient_and_the_reason(
    vault: Vault, practice: ReferralPractice
) -> None:
    document = letters.referral_letter(vault, practice.referral_id, _today(vault))
    body = document.body_html
    for expected in (
        "Amira Haddad",
        "Dr Priya Shah",
        "Falmouth CMHT",
        "A psychiatric opinion on medication for persistent low mood.",
        "Ms Haddad",
        "Dr Alex Morgan",
        "Dear Dr Shah,",
    ):
        assert expected in body, expected
    assert document.letterhead.practice_name == "Harbour Lane Therapy"
    assert PROCESS_NOTE_MARKER not in body


def test_a_practice_template_is_checked_before_it_is_saved_and_can_be_reset(
    vault: Vault, practice: ReferralPractice
) -> None:
    with pytest.raises(TemplateProblem) as problem:
        letters.save_template(vault, "referral_letter", "<p>{{ client.legal_nam }}</p>")
    assert "client.legal_nam" in problem.value.message or "legal_nam" in problem.value.message
    with pytest.raises(TemplateProblem) as syntax:
        letters.save_template(vault, "referral_letter", "<p>ok</p>\n{% for x in %}")
    assert syntax.value.line == 2
    assert not letters.get_template(vault, "referral_letter").customised

    letters.save_template(
        vault, "referral_letter", "<p>To {{ recipient.name }} about {{ client.legal_name }}</p>"
    )
    own = letters.get_template(vault, "referral_letter")
    assert own.customised
    document = letters.referral_letter(vault, practice.referral_id, _today(vault))
    assert document.body_html == "<p>To Dr Priya Shah about Amira Haddad</p>"
    assert not letters.reset_template(vault, "referral_letter").customised
    assert (
        "Yours sincerely"
        in letters.referral_letter(vault, practice.referral_id, _today(vault)).body_html
    )


def test_every_shipped_template_renders_with_the_sample_fields() -> None:
    from therapist_desk.letters.rendering import render, shipped_template

    for kind in letters.TEMPLATES.values():
        source = shipped_template(kind.resource)
        assert render(source, letters.sample_context(kind.name)).strip()
        letters.check_template(kind.name, source)  # every branch, every field


BRANCH_TYPOS = [
    # A typo in a branch the default sample (routine, no wording, consent) never enters.
    ("referral_letter", '{% if referral.urgency == "urgent" %}', "{{ referral.urgncy }}"),
    ("referral_letter", '{% if referral.urgency == "soon" %}', "{{ client.nmae_in_letters }}"),
    ("referral_letter", "{% if referral.letter_text %}", "{{ referral.letter_txt }}"),
    ("referral_letter", "{% if not consent.in_force %}", "{{ consent.scoop }}"),
    ("referral_summary", "{% if not summary.sections %}", "{{ recipent.name }}"),
    ("general_letter", "{% if letter.subject %}", "{{ letter.subjet }}"),
    ("general_letter", "{% if not recipient.address %}", "{{ referral.reason }}"),
]


@pytest.mark.parametrize(("name", "branch", "typo"), BRANCH_TYPOS)
def test_a_typo_inside_any_branch_is_refused_with_its_line(
    vault: Vault, name: str, branch: str, typo: str
) -> None:
    source = f"<p>{{{{ client.legal_name }}}}</p>\n{branch}\n<p>{typo}</p>\n{{% endif %}}\n"
    with pytest.raises(TemplateProblem) as problem:
        letters.save_template(vault, name, source)
    assert problem.value.line == 3
    unknown = typo.strip("{} ")
    # The whole field when its object is known; the object when it is not.
    assert unknown in problem.value.message or f"({unknown.split('.')[0]}" in (
        problem.value.message
    )
    assert not letters.get_template(vault, name).customised


def test_a_typo_that_only_breaks_a_real_letter_is_refused() -> None:
    # Known fields, but a branch that fails at render time when the letter has no wording.
    source = (
        "<p>{{ client.legal_name }}</p>\n"
        "{% if not referral.letter_text %}\n<p>{{ referral.follow_up_on.year + 'x' }}</p>\n"
        "{% endif %}\n"
    )
    with pytest.raises(TemplateProblem):
        letters.check_template("referral_letter", source)


def test_without_consent_no_letter_says_the_client_agreed(
    vault: Vault, practice: ReferralPractice
) -> None:
    today = _today(vault)
    parties = letters.referral_parties(vault, practice.referral_id)
    agreed = "has agreed to this referral"
    assert agreed not in letters.referral_letter(vault, practice.referral_id, today).body_html
    assert agreed not in letters.standard_letter_text(parties, consented=False)
    summary = referral_summary.summary_document(
        vault, practice.referral_id, [SectionText(Section.REASON, "A second opinion.")], today
    )
    assert "consent" not in summary.body_html.split("This summary is confidential")[1]
    assert "Dr Alex Morgan" in summary.body_html  # the signature block

    consents.add_consent(
        vault,
        practice.client_id,
        practice.professional_id,
        SharingConsentDetails(given_on=today, scope="referral letter"),
    )
    assert agreed in letters.referral_letter(vault, practice.referral_id, today).body_html
    assert agreed in letters.standard_letter_text(parties, consented=True)
    summary = referral_summary.summary_document(
        vault, practice.referral_id, [SectionText(Section.REASON, "A second opinion.")], today
    )
    assert "with the client's consent" in summary.body_html


def test_the_consent_line_gives_the_scope_or_says_it_expired(
    vault: Vault, practice: ReferralPractice
) -> None:
    today = _today(vault)
    parties = letters.referral_parties(vault, practice.referral_id)
    in_force, words = letters.consent_state(vault, parties, today)
    assert not in_force and words.startswith("No consent to share with Dr Priya Shah")
    ended = today - timedelta(days=3)
    consents.add_consent(
        vault,
        practice.client_id,
        practice.professional_id,
        SharingConsentDetails(
            given_on=today - timedelta(days=90), expires_on=ended, scope="referral letter"
        ),
    )
    in_force, words = letters.consent_state(vault, parties, today)
    assert not in_force
    assert f"expired on {ended.day} {ended:%b %Y}" in words
    consents.add_consent(
        vault,
        practice.client_id,
        practice.professional_id,
        SharingConsentDetails(given_on=today, scope="referral letter and summary"),
    )
    in_force, words = letters.consent_state(vault, parties, today)
    assert in_force
    assert f"in force since {today.day} {today:%b %Y}" in words
    assert "scope: referral letter and summary" in words


def test_suggested_sections_come_from_the_record(vault: Vault, practice: ReferralPractice) -> None:
    excerpts = referral_summary.excerpt_candidates(vault, practice.client_id)
    assert {excerpt.note_id for excerpt in excerpts} == set(practice.signed_note_ids)
    suggested = referral_summary.suggested_text(
        vault, practice.referral_id, _today(vault), excerpts[:1]
    )
    assert "Amira Haddad" in suggested[Section.IDENTIFICATION]
    assert "F32.1" in suggested[Section.DIAGNOSES] and "confirmed" in suggested[Section.DIAGNOSES]
    assert (
        "Sertraline 50 mg once a day, prescribed by Dr Priya Shah" in suggested[Section.MEDICATIONS]
    )
    assert "overall risk low" in suggested[Section.RISK]
    assert "Passive thoughts of death" in suggested[Section.RISK]
    treatment = suggested[Section.TREATMENT]
    assert "Cognitive behavioural therapy (CBT)" in treatment
    assert "2 sessions attended" in treatment
    assert "PHQ-9 from 15 (Moderately severe)" in treatment and "to 6 (Mild)" in treatment
    assert "Sleep a little better." in suggested[Section.NOTE_EXCERPTS]
    for text in suggested.values():
        assert PROCESS_NOTE_MARKER not in text


def test_the_summary_holds_exactly_the_chosen_sections_in_print_order(
    vault: Vault, practice: ReferralPractice
) -> None:
    chosen = [
        SectionText(Section.DIAGNOSES, "F32.1 Moderate depressive episode"),
        SectionText(Section.REASON, "An opinion on medication."),
    ]
    document = referral_summary.summary_document(vault, practice.referral_id, chosen, _today(vault))
    body = document.body_html
    assert body.index("Reason for referral") < body.index("Diagnoses")
    for title in ("Current medications", "Risk summary", "Identification", "Treatment so far"):
        assert title not in body
    with pytest.raises(InvalidInput) as empty:
        referral_summary.summary_document(
            vault, practice.referral_id, [SectionText(Section.HISTORY, "  ")], _today(vault)
        )
    assert "Relevant history is chosen but has no text" in empty.value.message
    with pytest.raises(InvalidInput):
        referral_summary.summary_document(vault, practice.referral_id, [], _today(vault))
