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
    NoteFormat,
    ProfessionalRole,
    ReferralStatus,
    ReferralUrgency,
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
