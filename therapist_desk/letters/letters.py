"""Letters from templates the practice can edit: referral letters, summaries, general letters.

The shipped templates live in resources/templates; a practice's own version of
one is kept, encrypted, among the vault's settings. A template is checked
before it is saved, so a mistake is caught in the editor, never on the day a
letter is due: every field it names must exist, and it must render with
sample fields in every variant a real letter can take (each urgency, with and
without the referral's own wording, with and without a consent, with empty
addresses), so a typo inside an `{% if %}` is caught as well.

Letters to a third party need the client's consent to share with that
recipient, in force on the day. Without one, the letter may go only with a
written reason, which the disclosure log keeps.
"""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from datetime import date
from typing import Any

from jinja2 import Environment, nodes
from sqlalchemy.orm import Session

from therapist_desk.domain.records import (
    Client,
    Disclosure,
    DisclosureDetails,
    PracticeProfile,
    Professional,
    ProfessionalDetails,
    Referral,
    SharingConsent,
)
from therapist_desk.domain.vocabulary import ProfessionalRole, ReferralStatus, ReferralUrgency
from therapist_desk.errors import InvalidInput
from therapist_desk.letters.rendering import (
    PrintedDocument,
    TemplateProblem,
    letterhead_from,
    render,
    shipped_template,
)
from therapist_desk.records.clients import get_client
from therapist_desk.records.practice import get_profile
from therapist_desk.records.validation import MAX_SHORT_TEXT
from therapist_desk.sharing import consents, disclosures, referrals
from therapist_desk.sharing.disclosures import DisclosedTo
from therapist_desk.sharing.professionals import get_professional
from therapist_desk.vault import Vault
from therapist_desk.vault import settings as vault_settings


@dataclass(frozen=True)
class TemplateKind:
    name: str
    title: str
    #: The resource file of the shipped default.
    resource: str
    #: The fields a template of this kind may use, for the editor's help.
    fields: tuple[str, ...]


_COMMON_FIELDS = (
    "today",
    "practice.practice_name",
    "practice.clinician_name",
    "practice.credentials",
    "practice.licence_number",
    "practice.address",
    "practice.phone",
    "practice.email",
    "practice.website",
    "client.legal_name",
    "client.preferred_name",
    "client.name_in_letters",
    "client.pronouns",
    "client.date_of_birth",
    "client.address",
    "client.phone",
    "client.email",
    "recipient.name",
    "recipient.salutation",
    "recipient.role",
    "recipient.organisation",
    "recipient.address",
    "recipient.phone",
    "recipient.email",
)
_CONSENT_FIELDS = (
    "consent.in_force",
    "consent.given_on",
    "consent.expires_on",
    "consent.scope",
)
_REFERRAL_FIELDS = (
    "referral.reason",
    "referral.urgency",
    "referral.status",
    "referral.referred_on",
    "referral.follow_up_on",
    "referral.letter_text",
)

TEMPLATES: dict[str, TemplateKind] = {
    kind.name: kind
    for kind in (
        TemplateKind(
            "referral_letter",
            "Referral letter",
            "referral_letter.html",
            _COMMON_FIELDS + _CONSENT_FIELDS + _REFERRAL_FIELDS,
        ),
        TemplateKind(
            "referral_summary",
            "Referral summary",
            "referral_summary.html",
            _COMMON_FIELDS
            + _CONSENT_FIELDS
            + _REFERRAL_FIELDS
            + ("summary.sections (each: title, text)",),
        ),
        TemplateKind(
            "general_letter",
            "General letter",
            "general_letter.html",
            (*_COMMON_FIELDS, *_CONSENT_FIELDS, "letter.subject", "letter.text"),
        ),
    )
}

_SETTING_PREFIX = "template:"
#: A template longer than this is surely a mistake (a pasted document).
MAX_TEMPLATE_LENGTH = 200_000


@dataclass(frozen=True)
class LetterTemplate:
    kind: TemplateKind
    source: str
    #: True when the practice has its own version (False: the shipped default).
    customised: bool


def _kind(name: str) -> TemplateKind:
    try:
        return TEMPLATES[name]
    except KeyError:
        raise InvalidInput(f"There is no letter template called {name!r}.") from None


def get_template(vault: Vault, name: str) -> LetterTemplate:
    kind = _kind(name)
    own = vault_settings.get_setting(vault, _SETTING_PREFIX + name)
    if own:
        return LetterTemplate(kind, own, customised=True)
    return LetterTemplate(kind, shipped_template(kind.resource), customised=False)


def save_template(vault: Vault, name: str, source: str) -> LetterTemplate:
    """Keep the practice's version, once it renders with sample fields (TemplateProblem if not)."""
    kind = _kind(name)
    if not source.strip():
        raise InvalidInput("A template cannot be empty; use Reset to go back to the default.")
    if len(source) > MAX_TEMPLATE_LENGTH:
        raise InvalidInput(
            f"The template is too long ({len(source):,} characters; "
            f"at most {MAX_TEMPLATE_LENGTH:,})."
        )
    check_template(name, source)
    vault_settings.change_setting(vault, _SETTING_PREFIX + name, source)
    return LetterTemplate(kind, source, customised=True)


def reset_template(vault: Vault, name: str) -> LetterTemplate:
    """Go back to the shipped default (the practice's version is forgotten)."""
    kind = _kind(name)
    vault_settings.change_setting(vault, _SETTING_PREFIX + name, "")
    return LetterTemplate(kind, shipped_template(kind.resource), customised=False)


# -- checking a template ----------------------------------------------------------------

#: Names Jinja2 itself provides inside a template.
_JINJA_NAMES = frozenset(
    {"loop", "range", "dict", "lipsum", "cycler", "joiner", "namespace", "self", "caller"}
)


def check_template(name: str, source: str) -> None:
    """Refuse (TemplateProblem naming the line) a template a real letter would break on.

    Every field it names must exist, even inside an `{% if %}` the sample fields
    never enter; and it must render in every variant a real letter takes (each
    urgency, with and without the letter's own wording, with and without a
    consent, with empty addresses and dates).
    """
    kind = _kind(name)
    variants = sample_variants(name)
    render(source, variants[0], name=kind.title)  # a syntax error first, with its line
    _check_names(kind, source, variants[0])
    for context in variants[1:]:
        render(source, context, name=kind.title)


def _check_names(kind: TemplateKind, source: str, context: Mapping[str, Any]) -> None:
    tree = Environment(trim_blocks=True, lstrip_blocks=True).parse(source)
    # Loop variables, {% set %} names and macro arguments are the template's own.
    own = {node.name for node in tree.find_all(nodes.Name) if node.ctx in ("store", "param")}
    allowed = set(context) | own | _JINJA_NAMES
    problems: list[tuple[int, str]] = []
    for name in tree.find_all(nodes.Name):
        if name.ctx == "load" and name.name not in allowed:
            problems.append((name.lineno, _unknown(name.name, list(context))))
    looked_up: list[tuple[nodes.Node, str]] = [
        (found, found.attr) for found in tree.find_all(nodes.Getattr)
    ]
    looked_up += [
        (found, found.arg.value)
        for found in tree.find_all(nodes.Getitem)
        if isinstance(found.arg, nodes.Const) and isinstance(found.arg.value, str)
    ]
    for found, attribute in looked_up:
        target = getattr(found, "node", None)
        if not isinstance(target, nodes.Name) or target.name not in context or target.name in own:
            continue
        fields = context[target.name]
        if not isinstance(fields, Mapping):
            if attribute.startswith("_") or not hasattr(fields, attribute):  # today.year is fine
                problems.append((found.lineno, _unknown(f"{target.name}.{attribute}", [])))
        elif attribute not in fields:
            known = [f"{target.name}.{key}" for key in fields]
            problems.append((found.lineno, _unknown(f"{target.name}.{attribute}", known)))
    if problems:
        line, reason = min(problems)
        raise TemplateProblem(kind.title, reason, line)


def _unknown(field: str, known: list[str]) -> str:
    close = difflib.get_close_matches(field, known, n=1)
    hint = f"; did you mean {close[0]}?" if close else ""
    return f"it uses a field that does not exist ({field}{hint})"


def sample_variants(name: str) -> list[dict[str, Any]]:
    """The sample fields in every shape a real letter of this kind can take."""
    base = sample_context(name)
    urgencies: list[str | None] = [None]
    wordings: list[str | None] = [None]
    if "referral" in base:
        urgencies = [urgency.value for urgency in ReferralUrgency]
        wordings = ["", "Would you see them?\n\nWith thanks."]
    elif "letter" in base:
        wordings = ["", "A subject line"]
    variants = []
    for urgency, wording, consented, sparse in itertools.product(
        urgencies, wordings, (True, False), (False, True)
    ):
        context = sample_context(name)
        if urgency is not None:
            context["referral"]["urgency"] = urgency
        if wording is not None and "referral" in context:
            context["referral"]["letter_text"] = wording
        elif wording is not None:
            context["letter"]["subject"] = wording
        if not consented:
            context["consent"] = consent_fields(None)
        if sparse:
            _empty_optional_fields(context)
        variants.append(context)
    return variants


def _empty_optional_fields(context: dict[str, Any]) -> None:
    """What a real record may well lack: addresses, dates, a credential, an organisation."""
    for group, fields in (
        ("practice", ("credentials", "licence_number", "address", "phone", "email", "website")),
        ("client", ("preferred_name", "pronouns", "address", "phone", "email")),
        ("recipient", ("organisation", "address", "phone", "email")),
        ("consent", ("scope",)),
    ):
        for field in fields:
            if group in context:
                context[group][field] = ""
    if "client" in context:
        context["client"]["date_of_birth"] = None
    if "referral" in context:
        context["referral"].update(referred_on=None, follow_up_on=None)
    if "consent" in context:
        context["consent"]["expires_on"] = None


# -- the fields a template sees ---------------------------------------------------------


def _practice_fields(profile: PracticeProfile) -> dict[str, Any]:
    return asdict(profile)


def _client_fields(client: Client) -> dict[str, Any]:
    details = client.details
    return {
        "legal_name": details.legal_name,
        "preferred_name": details.preferred_name,
        "name_in_letters": details.name_in_letters or details.legal_name,
        "pronouns": details.pronouns,
        "date_of_birth": details.date_of_birth,
        "address": details.address,
        "phone": details.phone,
        "email": details.email,
    }


ROLE_NAMES = {
    ProfessionalRole.GP: "GP",
    ProfessionalRole.PSYCHIATRIST: "Psychiatrist",
    ProfessionalRole.PSYCHOLOGIST: "Psychologist",
    ProfessionalRole.SPECIALIST_SERVICE: "Specialist service",
    ProfessionalRole.OTHER: "Professional",
}


TITLES = {"dr", "prof", "professor", "mr", "mrs", "ms", "mx", "miss", "sir", "dame"}


def salutation(name: str) -> str:
    """How a letter greets its recipient: "Dr Priya Shah" → "Dr Shah"; others as written."""
    words = name.split()
    if len(words) >= 3 and words[0].rstrip(".").casefold() in TITLES:
        return f"{words[0]} {words[-1]}"
    return name or "colleague"


def recipient_fields(details: ProfessionalDetails) -> dict[str, Any]:
    return {
        "name": details.name,
        "salutation": salutation(details.name),
        "role": ROLE_NAMES[details.role],
        "organisation": details.organisation,
        "address": details.address,
        "phone": details.phone,
        "email": details.email,
    }


def consent_fields(consent: SharingConsent | None) -> dict[str, Any]:
    """`consent.*`: whether a consent to share with this recipient is in force today, and
    its dates and scope; a letter without one must not say the client agreed to it."""
    if consent is None:
        return {"in_force": False, "given_on": None, "expires_on": None, "scope": ""}
    details = consent.details
    return {
        "in_force": True,
        "given_on": details.given_on,
        "expires_on": details.expires_on,
        "scope": details.scope,
    }


def _referral_fields(referral: Referral) -> dict[str, Any]:
    details = referral.details
    return {
        "reason": details.reason,
        "urgency": details.urgency.value,
        "status": details.status.value,
        "referred_on": details.referred_on,
        "follow_up_on": details.follow_up_on,
        "letter_text": details.letter_text,
    }


def sample_context(name: str | None = None) -> dict[str, Any]:
    """Every field, with made-up values: for checking and previewing a template.

    With `name`, only the fields that kind of letter is given (a general letter
    has no referral), so a check passes only when the real letter will render.
    """
    every = _every_sample_field()
    if name is None:
        return every
    given = {field.split(".")[0].split(" ")[0] for field in _kind(name).fields}
    return {key: value for key, value in every.items() if key in given}


def _every_sample_field() -> dict[str, Any]:
    sample_day = date(2026, 3, 2)
    return {
        "today": sample_day,
        "practice": _practice_fields(
            PracticeProfile(
                practice_name="Harbour Lane Therapy",
                clinician_name="Dr Alex Morgan",
                credentials="DClinPsy",
                licence_number="PYL04217",
                address="12 Harbour Lane\nFalmouth\nTR11 3AA",
                phone="01326 555 0142",
                email="alex@harbourlane.example",
                website="harbourlane.example",
                currency="GBP",
            )
        ),
        "client": {
            "legal_name": "Sample Client",
            "preferred_name": "Sam",
            "name_in_letters": "Mx Client",
            "pronouns": "they/them",
            "date_of_birth": date(1990, 5, 17),
            "address": "1 Example Street\nTownsville",
            "phone": "07700 900000",
            "email": "sam@example.org",
        },
        "recipient": recipient_fields(
            ProfessionalDetails(
                name="Dr Priya Shah",
                role=ProfessionalRole.PSYCHIATRIST,
                organisation="Community Mental Health Team",
                address="Health Centre\nMain Road",
            )
        ),
        "referral": {
            "reason": "A psychiatric opinion on medication for low mood.",
            "urgency": ReferralUrgency.ROUTINE.value,
            "status": ReferralStatus.DRAFT.value,
            "referred_on": sample_day,
            "follow_up_on": date(2026, 3, 30),
            "letter_text": "",
        },
        "summary": {
            "sections": [
                {"title": "Reason for referral", "text": "A psychiatric opinion."},
                {"title": "Diagnoses", "text": "F32.1 Moderate depressive episode"},
            ]
        },
        "letter": {"subject": "", "text": "A first paragraph.\n\nA second paragraph."},
        "consent": {
            "in_force": True,
            "given_on": date(2026, 2, 16),
            "expires_on": date(2027, 2, 15),
            "scope": "referral letter and summary",
        },
    }


def _letter_fields(
    today: date,
    practice: PracticeProfile,
    client: Client,
    recipient: ProfessionalDetails,
    consent: SharingConsent | None,
) -> dict[str, Any]:
    return {
        "today": today,
        "practice": _practice_fields(practice),
        "client": _client_fields(client),
        "recipient": recipient_fields(recipient),
        "consent": consent_fields(consent),
    }


@dataclass(frozen=True)
class LetterParties:
    """Who a letter is about, to whom it goes, and from whom."""

    client: Client
    recipient: Professional
    practice: PracticeProfile

    @property
    def recipient_line(self) -> str:
        details = self.recipient.details
        return ", ".join(part for part in (details.name, details.organisation) if part)

    def base_context(self, today: date, consent: SharingConsent | None) -> dict[str, Any]:
        """The fields every letter has; `consent` is the one in force today (None: none is)."""
        return _letter_fields(today, self.practice, self.client, self.recipient.details, consent)


@dataclass(frozen=True)
class ReferralParties(LetterParties):
    """Everything a referral's letters are about: the referral, who, to whom, from whom."""

    referral: Referral

    def context(self, today: date, consent: SharingConsent | None) -> dict[str, Any]:
        return {**self.base_context(today, consent), "referral": _referral_fields(self.referral)}


def referral_parties(vault: Vault, referral_id: str) -> ReferralParties:
    referral = referrals.get_referral(vault, referral_id)
    return ReferralParties(
        client=get_client(vault, referral.client_id),
        recipient=get_professional(vault, referral.professional_id),
        practice=get_profile(vault),
        referral=referral,
    )


def letter_parties(vault: Vault, client_id: str, professional_id: str) -> LetterParties:
    """The parties of a general letter: the client and a professional of the directory."""
    return LetterParties(
        get_client(vault, client_id), get_professional(vault, professional_id), get_profile(vault)
    )


def render_template(
    vault: Vault, name: str, context: Mapping[str, Any], title: str, practice: PracticeProfile
) -> PrintedDocument:
    """The practice's template `name` filled with `context`, on `practice`'s letterhead."""
    template = get_template(vault, name)
    body = render(template.source, context, name=template.kind.title)
    return PrintedDocument(title, body, letterhead_from(practice))


def referral_letter(
    vault: Vault, referral_id: str, today: date, letter_text: str | None = None
) -> PrintedDocument:
    """The referral letter; `letter_text`, when given, is the body's wording as edited
    in the composer (the referral's own wording otherwise)."""
    parties = referral_parties(vault, referral_id)
    context = parties.context(today, consent_for(vault, parties, today))
    if letter_text is not None:
        context["referral"]["letter_text"] = letter_text
    return render_template(
        vault,
        "referral_letter",
        context,
        f"Referral letter: {parties.client.details.legal_name} to {parties.recipient_line}",
        parties.practice,
    )


AGREED = "has agreed to this referral and to my sharing this information with you."
FURTHER = "Please do not hesitate to contact me if you need anything further."


def standard_letter_text(parties: ReferralParties, consented: bool) -> str:
    """The body the shipped referral letter prints when the referral has no wording of its own.

    Only with a consent in force (`consented`) does it say the client agreed.
    """
    name = parties.client.details.name_in_letters or parties.client.details.legal_name
    closing = f"{name} {AGREED} {FURTHER}" if consented else FURTHER
    return "\n\n".join(
        (
            f"I am writing to refer {name}, whom I see for psychotherapy, for your assessment.",
            parties.referral.details.reason.strip(),
            closing,
        )
    )


def template_uses(vault: Vault, name: str, field: str) -> bool:
    """Whether the practice's version of a template reads `field` (\"referral.letter_text\")."""
    return field in get_template(vault, name).source


def general_letter(
    vault: Vault,
    client_id: str,
    recipient: ProfessionalDetails,
    subject: str,
    text: str,
    today: date,
    consent: SharingConsent | None = None,
) -> PrintedDocument:
    """A letter about the client to anyone, in the therapist's words (`consent`: the one in
    force for this recipient today, if any)."""
    if not text.strip():
        raise InvalidInput("The letter has no text yet.")
    client = get_client(vault, client_id)
    practice = get_profile(vault)
    context = {
        **_letter_fields(today, practice, client, recipient, consent),
        "letter": {"subject": subject, "text": text},
    }
    to = ", ".join(part for part in (recipient.name, recipient.organisation) if part)
    return render_template(
        vault,
        "general_letter",
        context,
        f"Letter: {client.details.legal_name} to {to or '—'}",
        practice,
    )


# -- consent, and recording what went out -----------------------------------------------


def consent_for(vault: Vault, parties: LetterParties, on: date) -> SharingConsent | None:
    return consents.consent_in_force(vault, parties.client.id, parties.recipient.id, on)


def _short_day(value: date) -> str:
    return f"{value.day} {value:%b %Y}"


def consent_state(vault: Vault, parties: LetterParties, on: date) -> tuple[bool, str]:
    """(in force, a sentence for the therapist): the consent in force with its date and
    scope, or why there is none (never given, expired, withdrawn, not yet begun)."""
    to = parties.recipient_line or "this recipient"
    consent = consent_for(vault, parties, on)
    if consent is not None:
        details = consent.details
        since = _short_day(details.given_on) if details.given_on else "an unknown date"
        until = f", until {_short_day(details.expires_on)}" if details.expires_on else ""
        scope = details.scope.strip() or "not stated"
        return True, f"Consent to share with {to} in force since {since}{until}, scope: {scope}."
    recorded = [
        found
        for found in consents.consents_for_client(vault, parties.client.id)
        if found.professional_id == parties.recipient.id and not found.damaged
    ]
    if not recorded:
        return False, f"No consent to share with {to} is recorded."
    latest = recorded[0].details  # newest by the date given
    if latest.withdrawn_on is not None and latest.withdrawn_on <= on:
        return (
            False,
            f"The consent to share with {to} was withdrawn on {_short_day(latest.withdrawn_on)}.",
        )
    if latest.expires_on is not None and latest.expires_on < on:
        return False, f"The consent to share with {to} expired on {_short_day(latest.expires_on)}."
    if latest.given_on is not None and latest.given_on > on:
        return False, f"The consent to share with {to} begins on {_short_day(latest.given_on)}."
    return False, f"No consent to share with {to} is in force today."


def check_may_send(
    vault: Vault, parties: LetterParties, on: date, without_consent_reason: str = ""
) -> SharingConsent | None:
    """The consent that allows sending, or None when a reason stands in for it.

    Raises InvalidInput when there is neither: a letter to a third party needs
    the client's consent, or a written reason to go without it.
    """
    consent = consent_for(vault, parties, on)
    reason = without_consent_reason.strip()
    if consent is None and not reason:
        raise InvalidInput(
            f"{parties.client.details.legal_name} has no consent in force to share with "
            f"{parties.recipient_line or 'this recipient'} on {on.isoformat()}. Record the "
            "client's consent first, or give the reason it must go without (an emergency, say)."
        )
    if len(reason) > MAX_SHORT_TEXT:
        raise InvalidInput(f"The reason is too long (at most {MAX_SHORT_TEXT} characters).")
    return consent


def _disclose(
    session: Session,
    vault: Vault,
    parties: LetterParties,
    details: DisclosureDetails,
    on: date,
    referral_id: str | None,
) -> Disclosure:
    consent = check_may_send(vault, parties, on, details.without_consent_reason)
    return disclosures.add_disclosure(
        session,
        vault,
        parties.client.id,
        replace(
            details,
            recipient=parties.recipient_line,
            without_consent_reason=""
            if consent is not None
            else details.without_consent_reason.strip(),
        ),
        DisclosedTo(
            professional_id=parties.recipient.id,
            referral_id=referral_id,
            consent_id=consent.id if consent is not None else None,
        ),
    )


def record_letter_sent(
    vault: Vault,
    parties: LetterParties,
    *,
    how: str,
    on: date,
    without_consent_reason: str = "",
    content: str = "",
) -> Disclosure:
    """Log a general letter that went to `parties.recipient`, with its printed text.

    Refused (InvalidInput) without a consent in force on that day or a reason.
    """
    with vault.transaction() as session:
        return _disclose(
            session,
            vault,
            parties,
            DisclosureDetails(
                what="letter",
                how=how,
                without_consent_reason=without_consent_reason,
                content=content,
            ),
            on,
            None,
        )


@dataclass(frozen=True)
class SentReferral:
    """What sending a referral's letter or summary recorded: the disclosure, and the
    referral as it now stands (sent, with the wording it went with)."""

    disclosure: Disclosure
    referral: Referral


def record_sent(
    vault: Vault,
    parties: ReferralParties,
    *,
    what: str,
    how: str,
    on: date,
    sections: tuple[str, ...] = (),
    without_consent_reason: str = "",
    letter_text: str | None = None,
    content: str = "",
) -> SentReferral:
    """Log a letter or summary that went to the referral's recipient, in one transaction
    with what it changes on the referral.

    Refused (InvalidInput) when the client has no consent in force for that
    recipient on that day and no reason is given; the reason is kept, and so is
    `content`, the text as it was printed. A draft referral is marked sent, and
    `letter_text`, when given, is kept as the wording it went with. Either all of
    it is recorded or none of it.
    """
    with vault.transaction() as session:
        disclosure = _disclose(
            session,
            vault,
            parties,
            DisclosureDetails(
                what=what,
                how=how,
                sections=sections,
                without_consent_reason=without_consent_reason,
                content=content,
            ),
            on,
            parties.referral.id,
        )
        referral = _mark_sent(session, vault, parties.referral.id, on, letter_text)
    return SentReferral(disclosure, referral)


def _mark_sent(
    session: Session, vault: Vault, referral_id: str, on: date, letter_text: str | None
) -> Referral:
    """A draft referral becomes sent on `on` once its letter went out; `letter_text`, when
    given, keeps the wording it went with. Later statuses are left as they are."""
    referral = referrals.referral_in(session, vault, referral_id)
    details = referral.details
    changes: dict[str, Any] = {}
    if letter_text is not None and letter_text != details.letter_text:
        changes["letter_text"] = letter_text
    if details.status is ReferralStatus.DRAFT and (
        details.referred_on is None or details.referred_on <= on
    ):
        changes.update(status=ReferralStatus.SENT, sent_on=on)
    if not changes:
        return referral
    return referrals.put_referral(
        session, vault, referral_id, referral.professional_id, replace(details, **changes)
    )
