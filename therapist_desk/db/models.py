"""The tables of data model v1.

Columns made with ``sealed_column()`` hold AES-GCM ciphertext bound to
``table | column | row id``; their readable twins are the ``*Details``
dataclasses in ``therapist_desk.domain.records``. Everything else (ids, foreign
keys, timestamps) is stored readable; README.md lists it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from therapist_desk.db.base import Base
from therapist_desk.db.column_types import ID_LENGTH, id_column, sealed_column


class VaultHeaderRow(Base):
    """The one row holding the key slots; see therapist_desk.crypto.vault_header."""

    __tablename__ = "vault_header"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document: Mapped[bytes] = mapped_column(LargeBinary)


class PracticeProfileRow(Base):
    __tablename__ = "practice_profile"

    id: Mapped[str] = id_column()
    updated_at: Mapped[datetime]
    practice_name: Mapped[bytes] = sealed_column()
    clinician_name: Mapped[bytes] = sealed_column()
    credentials: Mapped[bytes] = sealed_column()
    licence_number: Mapped[bytes] = sealed_column()
    address: Mapped[bytes] = sealed_column()
    phone: Mapped[bytes] = sealed_column()
    email: Mapped[bytes] = sealed_column()
    website: Mapped[bytes] = sealed_column()
    currency: Mapped[bytes] = sealed_column()


class ClientRow(Base):
    __tablename__ = "clients"

    id: Mapped[str] = id_column()
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    legal_name: Mapped[bytes] = sealed_column()
    preferred_name: Mapped[bytes] = sealed_column()
    pronouns: Mapped[bytes] = sealed_column()
    name_in_letters: Mapped[bytes] = sealed_column()
    date_of_birth: Mapped[bytes] = sealed_column()
    phone: Mapped[bytes] = sealed_column()
    email: Mapped[bytes] = sealed_column()
    address: Mapped[bytes] = sealed_column()
    status: Mapped[bytes] = sealed_column()
    referral_source: Mapped[bytes] = sealed_column()
    intake_date: Mapped[bytes] = sealed_column()
    discharge_date: Mapped[bytes] = sealed_column()


class ContactRow(Base):
    __tablename__ = "contacts"

    id: Mapped[str] = id_column()
    client_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("clients.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    role: Mapped[bytes] = sealed_column()
    name: Mapped[bytes] = sealed_column()
    relationship: Mapped[bytes] = sealed_column()
    organisation: Mapped[bytes] = sealed_column()
    phone: Mapped[bytes] = sealed_column()
    email: Mapped[bytes] = sealed_column()
    address: Mapped[bytes] = sealed_column()
    consent_to_contact: Mapped[bytes] = sealed_column()
    consent_scope: Mapped[bytes] = sealed_column()
    consent_expires: Mapped[bytes] = sealed_column()
    notes: Mapped[bytes] = sealed_column()


class TherapySessionRow(Base):
    __tablename__ = "therapy_sessions"

    id: Mapped[str] = id_column()
    # Readable so the calendar and "Today" can be queried without decrypting.
    starts_at: Mapped[datetime] = mapped_column(index=True)
    duration_minutes: Mapped[int]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    kind: Mapped[bytes] = sealed_column()
    title: Mapped[bytes] = sealed_column()
    fee: Mapped[bytes] = sealed_column()
    paid: Mapped[bytes] = sealed_column()
    # Readable like the times: the calendar shows which sessions repeat.
    series_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("session_series.id", ondelete="SET NULL"), index=True
    )

    attendees: Mapped[list[SessionAttendeeRow]] = relationship(
        back_populates="session", cascade="all, delete-orphan", passive_deletes=True
    )


class SessionAttendeeRow(Base):
    __tablename__ = "session_attendees"
    __table_args__ = (UniqueConstraint("session_id", "client_id"),)

    id: Mapped[str] = id_column()
    session_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("therapy_sessions.id", ondelete="CASCADE")
    )
    client_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("clients.id", ondelete="CASCADE"), index=True
    )
    attendance: Mapped[bytes] = sealed_column()

    session: Mapped[TherapySessionRow] = relationship(back_populates="attendees")


class ProgressNoteRow(Base):
    __tablename__ = "progress_notes"

    id: Mapped[str] = id_column()
    session_id: Mapped[str] = mapped_column(
        String(ID_LENGTH),
        ForeignKey("therapy_sessions.id", ondelete="CASCADE"),
        unique=True,
    )
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # Readable so "notes still due" is a query; empty while the note is a draft.
    signed_at: Mapped[datetime | None]
    format: Mapped[bytes] = sealed_column()
    sections: Mapped[bytes] = sealed_column()
    techniques: Mapped[bytes] = sealed_column()
    interventions: Mapped[bytes] = sealed_column()
    mood: Mapped[bytes] = sealed_column()
    risk_flag: Mapped[bytes] = sealed_column()
    content_hash: Mapped[bytes] = sealed_column()


class NoteAddendumRow(Base):
    __tablename__ = "note_addenda"

    id: Mapped[str] = id_column()
    note_id: Mapped[str] = mapped_column(
        String(ID_LENGTH),
        ForeignKey("progress_notes.id", ondelete="CASCADE"),
        index=True,
    )
    created_at: Mapped[datetime]
    text: Mapped[bytes] = sealed_column()


class PsychotherapyNoteRow(Base):
    """Process notes, in a table of their own so no query for notes reaches them by accident."""

    __tablename__ = "psychotherapy_notes"

    id: Mapped[str] = id_column()
    client_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("clients.id", ondelete="CASCADE"), index=True
    )
    session_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("therapy_sessions.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    text: Mapped[bytes] = sealed_column()


class ProfessionalRow(Base):
    __tablename__ = "professionals"

    id: Mapped[str] = id_column()
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    name: Mapped[bytes] = sealed_column()
    role: Mapped[bytes] = sealed_column()
    organisation: Mapped[bytes] = sealed_column()
    address: Mapped[bytes] = sealed_column()
    phone: Mapped[bytes] = sealed_column()
    email: Mapped[bytes] = sealed_column()
    notes: Mapped[bytes] = sealed_column()


class ReferralRow(Base):
    __tablename__ = "referrals"

    id: Mapped[str] = id_column()
    client_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("clients.id", ondelete="CASCADE"), index=True
    )
    professional_id: Mapped[str] = mapped_column(
        String(ID_LENGTH),
        ForeignKey("professionals.id", ondelete="RESTRICT"),
        index=True,
    )
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    reason: Mapped[bytes] = sealed_column()
    urgency: Mapped[bytes] = sealed_column()
    status: Mapped[bytes] = sealed_column()
    referred_on: Mapped[bytes] = sealed_column()
    sent_on: Mapped[bytes] = sealed_column()
    acknowledged_on: Mapped[bytes] = sealed_column()
    closed_on: Mapped[bytes] = sealed_column()
    follow_up_on: Mapped[bytes] = sealed_column()
    letter_text: Mapped[bytes] = sealed_column()


class VocabularyTermRow(Base):
    """A pick-list entry the therapist added to the defaults."""

    __tablename__ = "vocabulary_terms"

    id: Mapped[str] = id_column()
    created_at: Mapped[datetime]
    category: Mapped[bytes] = sealed_column()
    label: Mapped[bytes] = sealed_column()


class AuditEventRow(Base):
    """One entry of the append-only audit trail; `chain` links it to the one before.

    The chain is an HMAC under a key derived from the data key, so an entry
    cannot be altered, removed or inserted without `verify` noticing.
    """

    __tablename__ = "audit_events"

    id: Mapped[str] = id_column()
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    occurred_at: Mapped[datetime] = mapped_column(index=True)
    chain: Mapped[str] = mapped_column(String(64))
    kind: Mapped[bytes] = sealed_column()
    client_id: Mapped[bytes] = sealed_column()
    record_id: Mapped[bytes] = sealed_column()
    detail: Mapped[bytes] = sealed_column()


class VaultSettingRow(Base):
    """A setting that belongs to the vault (backup folder, retention), encrypted."""

    __tablename__ = "vault_settings"

    id: Mapped[str] = id_column()
    key: Mapped[str] = mapped_column(String(64), unique=True)
    value: Mapped[bytes] = sealed_column()


# -- the clinical record (revision 0003) -----------------------------------------------


def _client_id() -> Mapped[str]:
    return mapped_column(
        String(ID_LENGTH), ForeignKey("clients.id", ondelete="CASCADE"), index=True
    )


class TreatmentPlanRow(Base):
    """One version of a client's treatment plan; revising adds a row."""

    __tablename__ = "treatment_plans"
    __table_args__ = (UniqueConstraint("client_id", "version"),)

    id: Mapped[str] = id_column()
    client_id: Mapped[str] = _client_id()
    version: Mapped[int]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    approaches: Mapped[bytes] = sealed_column()
    presenting_problems: Mapped[bytes] = sealed_column()
    goals: Mapped[bytes] = sealed_column()
    start_date: Mapped[bytes] = sealed_column()
    review_date: Mapped[bytes] = sealed_column()
    notes: Mapped[bytes] = sealed_column()


class NoteObjectivesRow(Base):
    """The plan objectives a progress note's session worked on."""

    __tablename__ = "note_objectives"

    id: Mapped[str] = id_column()
    note_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("progress_notes.id", ondelete="CASCADE"), unique=True
    )
    objective_keys: Mapped[bytes] = sealed_column()


class DiagnosisRow(Base):
    __tablename__ = "diagnoses"

    id: Mapped[str] = id_column()
    client_id: Mapped[str] = _client_id()
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    code: Mapped[bytes] = sealed_column()
    label: Mapped[bytes] = sealed_column()
    status: Mapped[bytes] = sealed_column()
    diagnosed_on: Mapped[bytes] = sealed_column()
    resolved_on: Mapped[bytes] = sealed_column()
    notes: Mapped[bytes] = sealed_column()


class MedicationRow(Base):
    __tablename__ = "medications"

    id: Mapped[str] = id_column()
    client_id: Mapped[str] = _client_id()
    prescriber_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("professionals.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    name: Mapped[bytes] = sealed_column()
    dose: Mapped[bytes] = sealed_column()
    frequency: Mapped[bytes] = sealed_column()
    prescriber_name: Mapped[bytes] = sealed_column()
    started_on: Mapped[bytes] = sealed_column()
    stopped_on: Mapped[bytes] = sealed_column()
    notes: Mapped[bytes] = sealed_column()


class MeasureRow(Base):
    __tablename__ = "measures"

    id: Mapped[str] = id_column()
    client_id: Mapped[str] = _client_id()
    session_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("therapy_sessions.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime]
    kind: Mapped[bytes] = sealed_column()
    taken_on: Mapped[bytes] = sealed_column()
    items: Mapped[bytes] = sealed_column()
    label: Mapped[bytes] = sealed_column()
    notes: Mapped[bytes] = sealed_column()


class RiskAssessmentRow(Base):
    __tablename__ = "risk_assessments"

    id: Mapped[str] = id_column()
    client_id: Mapped[str] = _client_id()
    created_at: Mapped[datetime]
    assessed_on: Mapped[bytes] = sealed_column()
    ideation: Mapped[bytes] = sealed_column()
    ideation_details: Mapped[bytes] = sealed_column()
    has_plan: Mapped[bytes] = sealed_column()
    plan_details: Mapped[bytes] = sealed_column()
    has_intent: Mapped[bytes] = sealed_column()
    intent_details: Mapped[bytes] = sealed_column()
    access_to_means: Mapped[bytes] = sealed_column()
    means_details: Mapped[bytes] = sealed_column()
    history: Mapped[bytes] = sealed_column()
    protective_factors: Mapped[bytes] = sealed_column()
    level: Mapped[bytes] = sealed_column()
    actions: Mapped[bytes] = sealed_column()


class SafetyPlanRow(Base):
    """A client's current safety plan (one per client, updated in place)."""

    __tablename__ = "safety_plans"

    id: Mapped[str] = id_column()
    client_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("clients.id", ondelete="CASCADE"), unique=True
    )
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    warning_signs: Mapped[bytes] = sealed_column()
    coping_strategies: Mapped[bytes] = sealed_column()
    distractions: Mapped[bytes] = sealed_column()
    people_to_ask: Mapped[bytes] = sealed_column()
    professionals: Mapped[bytes] = sealed_column()
    safe_environment: Mapped[bytes] = sealed_column()
    reasons_for_living: Mapped[bytes] = sealed_column()


class SignificantDateRow(Base):
    __tablename__ = "significant_dates"

    id: Mapped[str] = id_column()
    client_id: Mapped[str] = _client_id()
    created_at: Mapped[datetime]
    label: Mapped[bytes] = sealed_column()
    falls_on: Mapped[bytes] = sealed_column()
    yearly: Mapped[bytes] = sealed_column()
    remind_days_before: Mapped[bytes] = sealed_column()
    notes: Mapped[bytes] = sealed_column()


class SessionSeriesRow(Base):
    """A recurring booking: its sessions point here; nothing in it is identifying."""

    __tablename__ = "session_series"

    id: Mapped[str] = id_column()
    interval_weeks: Mapped[int]
    created_at: Mapped[datetime]


class PaymentRow(Base):
    __tablename__ = "payments"

    id: Mapped[str] = id_column()
    client_id: Mapped[str] = _client_id()
    session_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("therapy_sessions.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime]
    amount: Mapped[bytes] = sealed_column()
    paid_on: Mapped[bytes] = sealed_column()
    method: Mapped[bytes] = sealed_column()
    reference: Mapped[bytes] = sealed_column()


# -- referrals, letters and disclosures (revision 0004) -------------------------------


class SharingConsentRow(Base):
    """A client's consent to share their information with one professional."""

    __tablename__ = "sharing_consents"

    id: Mapped[str] = id_column()
    client_id: Mapped[str] = _client_id()
    professional_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("professionals.id", ondelete="RESTRICT"), index=True
    )
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    given_on: Mapped[bytes] = sealed_column()
    expires_on: Mapped[bytes] = sealed_column()
    withdrawn_on: Mapped[bytes] = sealed_column()
    scope: Mapped[bytes] = sealed_column()
    notes: Mapped[bytes] = sealed_column()


class DisclosureRow(Base):
    """One time a client's information left the vault: printed, saved as a PDF, exported."""

    __tablename__ = "disclosures"

    id: Mapped[str] = id_column()
    client_id: Mapped[str] = _client_id()
    # Readable so the record lists them in order without decrypting.
    occurred_at: Mapped[datetime] = mapped_column(index=True)
    professional_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("professionals.id", ondelete="SET NULL"), index=True
    )
    referral_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("referrals.id", ondelete="SET NULL"), index=True
    )
    consent_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("sharing_consents.id", ondelete="SET NULL")
    )
    what: Mapped[bytes] = sealed_column()
    recipient: Mapped[bytes] = sealed_column()
    how: Mapped[bytes] = sealed_column()
    sections: Mapped[bytes] = sealed_column()
    without_consent_reason: Mapped[bytes] = sealed_column()
    content: Mapped[bytes] = sealed_column()
