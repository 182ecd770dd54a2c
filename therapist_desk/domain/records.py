"""The records of the vault as plain, immutable data.

Each ``*Details`` class is the editable, encrypted content of one table row:
its fields are exactly the row's encrypted columns (a test keeps the two in
step). The classes without the suffix add what is stored readable (ids, foreign
keys, timestamps) and are what services hand to the window and the command
line. ``damaged`` names the fields whose stored value could not be decrypted;
they carry their defaults, so the rest of the record can still be shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from therapist_desk.domain.vocabulary import (
    NOTE_SECTIONS,
    Attendance,
    AuditKind,
    ClientStatus,
    ContactRole,
    DiagnosisStatus,
    Ideation,
    MeasureKind,
    NoteFormat,
    ObjectiveStatus,
    PaymentMethod,
    ProfessionalRole,
    ReferralStatus,
    ReferralUrgency,
    RiskLevel,
    SessionKind,
    TermCategory,
)


@dataclass(frozen=True)
class ClientDetails:
    legal_name: str = ""
    preferred_name: str = ""
    pronouns: str = ""
    #: How the client wants to be named in letters ("Ms Rivera", "Sam").
    name_in_letters: str = ""
    date_of_birth: date | None = None
    phone: str = ""
    email: str = ""
    address: str = ""
    status: ClientStatus = ClientStatus.ENQUIRY
    referral_source: str = ""
    intake_date: date | None = None
    discharge_date: date | None = None

    @property
    def display_name(self) -> str:
        """Preferred name first, as the therapist speaks to the client."""
        return self.preferred_name or self.legal_name

    @property
    def full_name(self) -> str:
        """ "Annette Burton", or "Annette Burton ("Ann")" when she goes by another name."""
        words = self.legal_name.split()
        if self.preferred_name and self.preferred_name not in (self.legal_name, *words[:1]):
            return f"{self.legal_name} (\u201c{self.preferred_name}\u201d)"
        return self.legal_name


@dataclass(frozen=True)
class Client:
    id: str
    details: ClientDetails
    created_at: datetime
    updated_at: datetime
    damaged: tuple[str, ...] = ()


@dataclass(frozen=True)
class ContactDetails:
    role: ContactRole = ContactRole.FAMILY_MEMBER
    name: str = ""
    #: The relationship in the client's words ("mother", "school counsellor").
    relationship: str = ""
    organisation: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    consent_to_contact: bool = False
    consent_scope: str = ""
    consent_expires: date | None = None
    notes: str = ""

    def consent_in_force(self, on: date) -> bool:
        return self.consent_to_contact and (
            self.consent_expires is None or on <= self.consent_expires
        )


@dataclass(frozen=True)
class Contact:
    id: str
    client_id: str
    details: ContactDetails
    damaged: tuple[str, ...] = ()


@dataclass(frozen=True)
class SessionDetails:
    kind: SessionKind = SessionKind.INDIVIDUAL
    #: A label for the session, such as the name of a group.
    title: str = ""
    fee: Decimal | None = None
    paid: bool = False


@dataclass(frozen=True)
class AttendeeDetails:
    attendance: Attendance = Attendance.SCHEDULED


@dataclass(frozen=True)
class Attendee:
    id: str
    client_id: str
    attendance: Attendance
    damaged: tuple[str, ...] = ()


@dataclass(frozen=True)
class TherapySession:
    id: str
    starts_at: datetime
    duration_minutes: int
    details: SessionDetails
    attendees: tuple[Attendee, ...]
    damaged: tuple[str, ...] = ()
    #: The recurring series this session belongs to, if it was booked as one.
    series_id: str | None = None

    @property
    def client_ids(self) -> tuple[str, ...]:
        return tuple(attendee.client_id for attendee in self.attendees)


@dataclass(frozen=True)
class NoteContent:
    format: NoteFormat = NoteFormat.SOAP
    #: Section name → text, for the sections of `format`.
    sections: dict[str, str] = field(default_factory=dict)
    techniques: tuple[str, ...] = ()
    interventions: tuple[str, ...] = ()
    #: The client's "how are you today" rating, 0–10.
    mood: int | None = None
    risk_flag: bool = False

    def section_names(self) -> tuple[str, ...]:
        return NOTE_SECTIONS[self.format]

    def text(self) -> str:
        """All the note's words, in section order; for search and for hashing."""
        return "\n".join(self.sections.get(name, "") for name in self.section_names())


@dataclass(frozen=True)
class Addendum:
    id: str
    note_id: str
    text: str
    created_at: datetime
    damaged: tuple[str, ...] = ()


@dataclass(frozen=True)
class AddendumDetails:
    text: str = ""


@dataclass(frozen=True)
class ProgressNote:
    id: str
    session_id: str
    content: NoteContent
    created_at: datetime
    updated_at: datetime
    signed_at: datetime | None
    content_hash: str
    addenda: tuple[Addendum, ...] = ()
    damaged: tuple[str, ...] = ()

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None


@dataclass(frozen=True)
class PsychotherapyNoteDetails:
    text: str = ""


@dataclass(frozen=True)
class PsychotherapyNote:
    """Private process notes: kept apart, never printed or exported by default."""

    id: str
    client_id: str
    session_id: str | None
    text: str
    created_at: datetime
    updated_at: datetime
    damaged: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProfessionalDetails:
    name: str = ""
    role: ProfessionalRole = ProfessionalRole.GP
    organisation: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    notes: str = ""


@dataclass(frozen=True)
class Professional:
    id: str
    details: ProfessionalDetails
    damaged: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReferralDetails:
    reason: str = ""
    urgency: ReferralUrgency = ReferralUrgency.ROUTINE
    status: ReferralStatus = ReferralStatus.DRAFT
    referred_on: date | None = None
    sent_on: date | None = None
    acknowledged_on: date | None = None
    closed_on: date | None = None
    follow_up_on: date | None = None
    letter_text: str = ""


@dataclass(frozen=True)
class Referral:
    id: str
    client_id: str
    professional_id: str
    details: ReferralDetails
    created_at: datetime
    updated_at: datetime
    damaged: tuple[str, ...] = ()


@dataclass(frozen=True)
class PracticeProfile:
    """The practice's letterhead; one per vault."""

    practice_name: str = ""
    clinician_name: str = ""
    credentials: str = ""
    licence_number: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""
    #: ISO 4217 code shown beside fees ("GBP", "EUR", "USD"); empty for none.
    currency: str = ""


@dataclass(frozen=True)
class VocabularyTermDetails:
    category: TermCategory = TermCategory.TECHNIQUE
    label: str = ""


@dataclass(frozen=True)
class AuditEventDetails:
    kind: AuditKind = AuditKind.EDIT
    #: The client concerned, if any (an id, never a name).
    client_id: str = ""
    record_id: str = ""
    #: What kind of record, or where a disclosure went; never clinical text.
    detail: str = ""


@dataclass(frozen=True)
class AuditEvent:
    seq: int
    occurred_at: datetime
    details: AuditEventDetails
    damaged: tuple[str, ...] = ()


@dataclass(frozen=True)
class VaultSettingDetails:
    value: str = ""


# -- the clinical record (schema revision 0003) ------------------------------------------


@dataclass(frozen=True)
class Objective:
    """A measurable step towards a goal; `key` stays the same across plan versions."""

    key: str
    text: str = ""
    target_date: date | None = None
    status: ObjectiveStatus = ObjectiveStatus.NOT_STARTED
    interventions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Goal:
    key: str
    text: str = ""
    objectives: tuple[Objective, ...] = ()


@dataclass(frozen=True)
class TreatmentPlanDetails:
    approaches: tuple[str, ...] = ()
    presenting_problems: str = ""
    goals: tuple[Goal, ...] = ()
    start_date: date | None = None
    review_date: date | None = None
    notes: str = ""

    def objectives(self) -> tuple[Objective, ...]:
        return tuple(objective for goal in self.goals for objective in goal.objectives)


@dataclass(frozen=True)
class TreatmentPlan:
    """One version of a client's plan; a revision adds a version and keeps the earlier ones."""

    id: str
    client_id: str
    version: int
    details: TreatmentPlanDetails
    created_at: datetime
    updated_at: datetime
    damaged: tuple[str, ...] = ()


@dataclass(frozen=True)
class NoteObjectivesDetails:
    """Which plan objectives a session worked on (their keys)."""

    objective_keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class DiagnosisDetails:
    #: An ICD-10 code such as "F41.1"; checked against the shipped code list.
    code: str = ""
    #: The therapist's own words for it.
    label: str = ""
    status: DiagnosisStatus = DiagnosisStatus.PROVISIONAL
    diagnosed_on: date | None = None
    resolved_on: date | None = None
    notes: str = ""


@dataclass(frozen=True)
class Diagnosis:
    id: str
    client_id: str
    details: DiagnosisDetails
    created_at: datetime
    updated_at: datetime
    damaged: tuple[str, ...] = ()


@dataclass(frozen=True)
class MedicationDetails:
    name: str = ""
    dose: str = ""
    frequency: str = ""
    #: The prescriber in words, when they are not in the directory (or as well).
    prescriber_name: str = ""
    started_on: date | None = None
    stopped_on: date | None = None
    notes: str = ""


@dataclass(frozen=True)
class Medication:
    id: str
    client_id: str
    #: The prescriber from the directory of professionals, if chosen there.
    prescriber_id: str | None
    details: MedicationDetails
    created_at: datetime
    updated_at: datetime
    damaged: tuple[str, ...] = ()

    def is_current(self, on: date) -> bool:
        stopped = self.details.stopped_on
        return stopped is None or stopped > on


@dataclass(frozen=True)
class MeasureDetails:
    kind: MeasureKind = MeasureKind.PHQ9
    taken_on: date | None = None
    #: The answers item by item (PHQ-9: nine of 0–3; GAD-7: seven of 0–3), or the one
    #: rating of a scale (0–10) or a SUDS step (0–100).
    items: tuple[int, ...] = ()
    #: A scale's name ("Miracle question scaling") or the exposure step a SUDS rates.
    label: str = ""
    notes: str = ""


@dataclass(frozen=True)
class Measure:
    id: str
    client_id: str
    session_id: str | None
    details: MeasureDetails
    created_at: datetime
    damaged: tuple[str, ...] = ()


@dataclass(frozen=True)
class RiskAssessmentDetails:
    assessed_on: date | None = None
    ideation: Ideation = Ideation.NONE
    ideation_details: str = ""
    has_plan: bool = False
    plan_details: str = ""
    has_intent: bool = False
    intent_details: str = ""
    access_to_means: bool = False
    means_details: str = ""
    #: Earlier attempts, self-harm, and what happened then.
    history: str = ""
    protective_factors: str = ""
    level: RiskLevel = RiskLevel.LOW
    #: What was done: safety plan, contact with the GP, an emergency referral.
    actions: str = ""


@dataclass(frozen=True)
class RiskAssessment:
    id: str
    client_id: str
    details: RiskAssessmentDetails
    created_at: datetime
    damaged: tuple[str, ...] = ()


@dataclass(frozen=True)
class SafetyPlanDetails:
    """The usual structure of a safety plan, in the client's own words."""

    warning_signs: str = ""
    coping_strategies: str = ""
    #: People and social places that take the mind off things.
    distractions: str = ""
    #: People the client can ask for help.
    people_to_ask: str = ""
    #: Professionals and crisis lines, with their numbers.
    professionals: str = ""
    #: Making the environment safe (means restriction).
    safe_environment: str = ""
    reasons_for_living: str = ""


@dataclass(frozen=True)
class SafetyPlan:
    id: str
    client_id: str
    details: SafetyPlanDetails
    created_at: datetime
    updated_at: datetime
    damaged: tuple[str, ...] = ()


@dataclass(frozen=True)
class SignificantDateDetails:
    label: str = ""
    falls_on: date | None = None
    #: Remembered every year (an anniversary), or once.
    yearly: bool = True
    remind_days_before: int = 14
    notes: str = ""


@dataclass(frozen=True)
class SignificantDate:
    id: str
    client_id: str
    details: SignificantDateDetails
    created_at: datetime
    damaged: tuple[str, ...] = ()


@dataclass(frozen=True)
class SessionSeries:
    """A recurring booking; its sessions are ordinary sessions that name the series."""

    id: str
    interval_weeks: int
    created_at: datetime


@dataclass(frozen=True)
class PaymentDetails:
    amount: Decimal = Decimal("0")
    paid_on: date | None = None
    method: PaymentMethod = PaymentMethod.CARD
    #: An invoice or transfer reference, or a note.
    reference: str = ""


@dataclass(frozen=True)
class Payment:
    id: str
    client_id: str
    #: The session paid for, when the payment is for one session.
    session_id: str | None
    details: PaymentDetails
    created_at: datetime
    damaged: tuple[str, ...] = ()


# -- referrals, letters and disclosures (schema revision 0004) --------------------------


@dataclass(frozen=True)
class SharingConsentDetails:
    given_on: date | None = None
    #: The last day the consent holds; None for no end date.
    expires_on: date | None = None
    withdrawn_on: date | None = None
    #: What may be shared ("referral letter and summary", "everything relevant").
    scope: str = ""
    notes: str = ""

    def in_force(self, on: date) -> bool:
        return (
            self.given_on is not None
            and self.given_on <= on
            and (self.expires_on is None or on <= self.expires_on)
            and (self.withdrawn_on is None or on < self.withdrawn_on)
        )


@dataclass(frozen=True)
class SharingConsent:
    id: str
    client_id: str
    professional_id: str
    details: SharingConsentDetails
    created_at: datetime
    updated_at: datetime
    damaged: tuple[str, ...] = ()


@dataclass(frozen=True)
class DisclosureDetails:
    #: What went out: "referral letter", "referral summary", "safety plan", "export".
    what: str = ""
    #: To whom, in words ("Dr Priya Shah, Falmouth CMHT"; "the client").
    recipient: str = ""
    #: "printed", "saved as PDF: letter.pdf", "exported".
    how: str = ""
    #: The sections of a summary that were included.
    sections: tuple[str, ...] = ()
    #: Why it went without a recorded consent (an emergency, say); empty when consent held.
    without_consent_reason: str = ""
    #: The text that left, as it was printed (a letter's or summary's words), so the
    #: therapist can show later exactly what a colleague received; empty for exports.
    content: str = ""


@dataclass(frozen=True)
class Disclosure:
    id: str
    client_id: str
    occurred_at: datetime
    professional_id: str | None
    referral_id: str | None
    consent_id: str | None
    details: DisclosureDetails
    damaged: tuple[str, ...] = ()
