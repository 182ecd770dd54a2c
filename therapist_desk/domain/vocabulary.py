"""The fixed vocabularies of the record, and the pick lists a therapist can extend."""

from __future__ import annotations

from enum import StrEnum


class ClientStatus(StrEnum):
    ENQUIRY = "enquiry"
    WAITLIST = "waitlist"
    ACTIVE = "active"
    DISCHARGED = "discharged"


class ContactRole(StrEnum):
    FAMILY_MEMBER = "family_member"
    PARTNER = "partner"
    GUARDIAN = "guardian"
    EMERGENCY_CONTACT = "emergency_contact"
    PROFESSIONAL = "professional"


class SessionKind(StrEnum):
    INDIVIDUAL = "individual"
    COUPLE = "couple"
    FAMILY = "family"
    GROUP = "group"


class Attendance(StrEnum):
    SCHEDULED = "scheduled"
    ATTENDED = "attended"
    CANCELLED = "cancelled"
    LATE_CANCELLED = "late_cancelled"
    NO_SHOW = "no_show"


class NoteFormat(StrEnum):
    SOAP = "soap"
    DAP = "dap"
    BIRP = "birp"
    FREE = "free"


#: The sections of each note format, in the order they are written.
NOTE_SECTIONS: dict[NoteFormat, tuple[str, ...]] = {
    NoteFormat.SOAP: ("subjective", "objective", "assessment", "plan"),
    NoteFormat.DAP: ("data", "assessment", "plan"),
    NoteFormat.BIRP: ("behaviour", "intervention", "response", "plan"),
    NoteFormat.FREE: ("note",),
}


class ReferralUrgency(StrEnum):
    ROUTINE = "routine"
    SOON = "soon"
    URGENT = "urgent"


class ReferralStatus(StrEnum):
    DRAFT = "draft"
    SENT = "sent"
    ACKNOWLEDGED = "acknowledged"
    CLOSED = "closed"
    DECLINED = "declined"


class ProfessionalRole(StrEnum):
    GP = "gp"
    PSYCHIATRIST = "psychiatrist"
    PSYCHOLOGIST = "psychologist"
    SPECIALIST_SERVICE = "specialist_service"
    OTHER = "other"


class ObjectiveStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    MET = "met"
    REVISED = "revised"
    DROPPED = "dropped"


class DiagnosisStatus(StrEnum):
    PROVISIONAL = "provisional"
    CONFIRMED = "confirmed"
    RESOLVED = "resolved"


class MeasureKind(StrEnum):
    """PHQ-9 and GAD-7 item by item; the therapist's own 0–10 scales; SUDS (0–100)."""

    PHQ9 = "phq9"
    GAD7 = "gad7"
    SCALE = "scale"
    SUDS = "suds"


class Ideation(StrEnum):
    NONE = "none"
    PASSIVE = "passive"  # wishing to be dead, without thoughts of acting
    ACTIVE = "active"  # thoughts of killing oneself


class RiskLevel(StrEnum):
    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"
    IMMINENT = "imminent"


class PaymentMethod(StrEnum):
    CASH = "cash"
    CARD = "card"
    BANK_TRANSFER = "bank_transfer"
    CHEQUE = "cheque"
    INSURANCE = "insurance"
    OTHER = "other"


class TermCategory(StrEnum):
    """The pick lists of a progress note and a treatment plan."""

    APPROACH = "approach"
    TECHNIQUE = "technique"
    INTERVENTION = "intervention"


#: What every vault offers before the therapist adds their own terms.
DEFAULT_TERMS: dict[TermCategory, tuple[str, ...]] = {
    TermCategory.APPROACH: (
        "Psychodynamic",
        "Behavioural",
        "Systematic desensitization",
        "Aversion therapy",
        "Flooding",
        "Cognitive behavioural therapy (CBT)",
        "Humanistic",
        "Holistic",
        "Solution-focused",
        "Family systems",
        "Art therapy",
        "Play therapy",
        "Writing therapy",
        "Music therapy",
        "Dance therapy",
        "Drama therapy",
        "Hypnotherapy",
    ),
    TermCategory.TECHNIQUE: (
        "Empathic mirroring",
        "Reflection",
        "Thought stopping",
        "Push-button technique",
        "Role play",
        "Miracle question",
        "Relaxation exercises",
        "Graded exposure",
    ),
    TermCategory.INTERVENTION: (
        "Group intervention (family and friends)",
        "Individual behavioural intervention (reinforcement)",
        "Crisis intervention (stabilisation, safety planning)",
        "Psychopharmacology (medication by a physician)",
    ),
}


class AuditKind(StrEnum):
    """What an audit-trail entry records (never the clinical text itself)."""

    UNLOCK = "unlock"
    FAILED_UNLOCK = "failed_unlock"
    LOCK = "lock"
    CREATE = "create"
    EDIT = "edit"
    SIGN = "sign"
    ADDENDUM = "addendum"
    DELETE = "delete"
    VIEW = "view"
    DISCLOSURE = "disclosure"
    IMPORT = "import"
    BACKUP = "backup"
    BACKUP_VERIFIED = "backup_verified"
    RESTORE = "restore"
    PASSPHRASE_CHANGE = "passphrase_change"
    RECOVERY_KEY_CHANGE = "recovery_key_change"
