"""Helpers that fill a vault with a record in every table, and read it all back.

`fill_every_table` uses the services (as the window would), so every sealed
column of every table holds a real ciphertext. `read_everything` reads every
record back through the services and reports which fields came back damaged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select, text

from therapist_desk.clinical import (
    diagnoses,
    measures,
    medications,
    risk,
    significant_dates,
    treatment_plans,
)
from therapist_desk.db.models import (
    AuditEventRow,
    NoteObjectivesRow,
    PracticeProfileRow,
    VaultSettingRow,
    VocabularyTermRow,
)
from therapist_desk.db.record_codec import sealed_tables
from therapist_desk.domain.records import (
    AddendumDetails,
    AttendeeDetails,
    AuditEventDetails,
    ClientDetails,
    ContactDetails,
    DiagnosisDetails,
    DisclosureDetails,
    MeasureDetails,
    MedicationDetails,
    NoteContent,
    NoteObjectivesDetails,
    PaymentDetails,
    PracticeProfile,
    ProfessionalDetails,
    PsychotherapyNoteDetails,
    ReferralDetails,
    RiskAssessmentDetails,
    SafetyPlanDetails,
    SessionDetails,
    SharingConsentDetails,
    SignificantDateDetails,
    TreatmentPlanDetails,
    VaultSettingDetails,
    VocabularyTermDetails,
)
from therapist_desk.domain.vocabulary import (
    Attendance,
    ClientStatus,
    ContactRole,
    DiagnosisStatus,
    Ideation,
    MeasureKind,
    NoteFormat,
    PaymentMethod,
    ProfessionalRole,
    ReferralStatus,
    RiskLevel,
    SessionKind,
    TermCategory,
)
from therapist_desk.records import fees
from therapist_desk.records.clients import create_client, list_clients
from therapist_desk.records.contacts import add_contact, list_contacts
from therapist_desk.records.practice import save_profile
from therapist_desk.records.progress_notes import (
    add_addendum,
    get_note_for_session,
    save_draft,
    sign_note,
)
from therapist_desk.records.psychotherapy_notes import (
    list_psychotherapy_notes,
    save_psychotherapy_note,
)
from therapist_desk.records.terms import add_term
from therapist_desk.records.therapy_sessions import (
    schedule_session,
    sessions_for_client,
    set_attendance,
)
from therapist_desk.sharing import consents, disclosures
from therapist_desk.sharing.professionals import add_professional, list_professionals
from therapist_desk.sharing.referrals import create_referral, referrals_for_client
from therapist_desk.vault import Vault
from therapist_desk.vault.settings import BACKUP_FOLDER, set_setting

#: (table, column, row id)
Place = tuple[str, str, str]

#: The readable twin of each table's sealed columns (progress_notes also has content_hash).
DETAILS_OF_TABLE: dict[str, type[Any]] = {
    "practice_profile": PracticeProfile,
    "clients": ClientDetails,
    "contacts": ContactDetails,
    "therapy_sessions": SessionDetails,
    "session_attendees": AttendeeDetails,
    "progress_notes": NoteContent,
    "note_addenda": AddendumDetails,
    "psychotherapy_notes": PsychotherapyNoteDetails,
    "professionals": ProfessionalDetails,
    "referrals": ReferralDetails,
    "vocabulary_terms": VocabularyTermDetails,
    "audit_events": AuditEventDetails,
    "vault_settings": VaultSettingDetails,
    "treatment_plans": TreatmentPlanDetails,
    "note_objectives": NoteObjectivesDetails,
    "diagnoses": DiagnosisDetails,
    "medications": MedicationDetails,
    "measures": MeasureDetails,
    "risk_assessments": RiskAssessmentDetails,
    "safety_plans": SafetyPlanDetails,
    "significant_dates": SignificantDateDetails,
    "payments": PaymentDetails,
    "sharing_consents": SharingConsentDetails,
    "disclosures": DisclosureDetails,
}


@dataclass(frozen=True)
class Filled:
    """Ids of what `fill_every_table` wrote."""

    #: One row id in each table that has sealed columns.
    row_in: dict[str, str]
    first_client: str
    second_client: str


def fill_every_table(vault: Vault) -> Filled:
    """Write at least one row into every table that holds sealed values."""
    now = vault.now()
    last_week = now - timedelta(days=7)
    save_profile(
        vault,
        PracticeProfile(
            practice_name="Harbour Lane Therapy",
            clinician_name="Dr Alex Morgan",
            credentials="DClinPsy",
            licence_number="PYL04217",
            address="12 Harbour Lane\nFalmouth",
            phone="01326 555 0142",
            email="alex@harbourlane.example",
            website="harbourlane.example",
            currency="GBP",
        ),
    )
    amira = create_client(
        vault,
        ClientDetails(
            legal_name="Amira Haddad",
            preferred_name="Amira",
            pronouns="she/her",
            name_in_letters="Ms Haddad",
            date_of_birth=date(1988, 4, 2),
            phone="07700 900123",
            email="amira@example.org",
            address="3 Quay Street",
            status=ClientStatus.ACTIVE,
            referral_source="GP",
            intake_date=date(2024, 1, 8),
        ),
    )
    jonas = create_client(
        vault,
        ClientDetails(legal_name="Jonas Berg", status=ClientStatus.ACTIVE),
    )
    contact = add_contact(
        vault,
        amira.id,
        ContactDetails(
            role=ContactRole.EMERGENCY_CONTACT,
            name="Samir Haddad",
            relationship="brother",
            phone="07700 900456",
            consent_to_contact=True,
            consent_scope="emergencies only",
            consent_expires=date(2030, 1, 1),
            notes="Lives nearby.",
        ),
    )
    professional = add_professional(
        vault,
        ProfessionalDetails(
            name="Dr Priya Shah",
            role=ProfessionalRole.PSYCHIATRIST,
            organisation="Falmouth CMHT",
        ),
    )
    referral = create_referral(
        vault,
        amira.id,
        professional.id,
        ReferralDetails(
            reason="Medication review",
            status=ReferralStatus.SENT,
            referred_on=date(2024, 2, 1),
            sent_on=date(2024, 2, 2),
            follow_up_on=date(2024, 3, 1),
            letter_text="Dear Dr Shah, ...",
        ),
    )
    individual = schedule_session(
        vault,
        last_week,
        50,
        SessionDetails(kind=SessionKind.INDIVIDUAL, fee=Decimal("90.00"), paid=True),
        [amira.id],
    )
    set_attendance(vault, individual.id, amira.id, Attendance.ATTENDED)
    draft = save_draft(
        vault,
        individual.id,
        NoteContent(
            format=NoteFormat.DAP,
            sections={"data": "Slept better.", "assessment": "Improving.", "plan": "Continue."},
            techniques=("Reflection",),
            interventions=("Crisis intervention (stabilisation, safety planning)",),
            mood=6,
        ),
    )
    signed = sign_note(vault, draft.id)
    addendum = add_addendum(vault, signed.id, "Client phoned to say the exercise helped.")
    process_note = save_psychotherapy_note(
        vault, amira.id, "Countertransference: felt protective.", session_id=individual.id
    )
    couple = schedule_session(
        vault,
        last_week + timedelta(days=1),
        80,
        SessionDetails(kind=SessionKind.COUPLE, title="Haddad/Berg"),
        [amira.id, jonas.id],
    )
    save_draft(vault, couple.id, NoteContent(format=NoteFormat.FREE, sections={"note": "Draft."}))
    plan = treatment_plans.save_plan(
        vault,
        amira.id,
        TreatmentPlanDetails(
            approaches=("Cognitive behavioural therapy (CBT)",),
            presenting_problems="Low mood and poor sleep.",
            goals=(
                treatment_plans.new_goal(
                    "Sleep through most nights",
                    (treatment_plans.new_objective("Keep a sleep diary for two weeks"),),
                ),
            ),
            start_date=date(2024, 1, 8),
            review_date=date(2024, 4, 8),
            notes="Review with the GP's letter.",
        ),
    )
    objective_key = plan.details.goals[0].objectives[0].key
    couple_note = get_note_for_session(vault, couple.id)
    assert couple_note is not None
    treatment_plans.set_note_objectives(vault, couple_note.id, (objective_key,))
    diagnosis = diagnoses.add_diagnosis(
        vault,
        amira.id,
        DiagnosisDetails(
            code="F41.1", status=DiagnosisStatus.CONFIRMED, diagnosed_on=date(2024, 1, 20)
        ),
    )
    medication = medications.add_medication(
        vault,
        amira.id,
        MedicationDetails(
            name="Sertraline", dose="50 mg", frequency="once a day", started_on=date(2024, 2, 5)
        ),
        prescriber_id=professional.id,
    )
    measure = measures.add_measure(
        vault,
        amira.id,
        MeasureDetails(
            kind=MeasureKind.PHQ9, taken_on=last_week.date(), items=(1, 2, 1, 1, 0, 1, 1, 0, 1)
        ),
        session_id=individual.id,
    )
    assessment = risk.add_risk_assessment(
        vault,
        amira.id,
        RiskAssessmentDetails(
            assessed_on=last_week.date(),
            ideation=Ideation.PASSIVE,
            ideation_details="Fleeting thoughts of not waking up.",
            protective_factors="Her brother; her cat.",
            level=RiskLevel.LOW,
        ),
    )
    safety_plan = risk.save_safety_plan(
        vault,
        amira.id,
        SafetyPlanDetails(warning_signs="Not sleeping", people_to_ask="Samir (brother)"),
    )
    anniversary = significant_dates.add_significant_date(
        vault,
        amira.id,
        SignificantDateDetails(
            label="Anniversary of her mother's death", falls_on=date(2019, 3, 14)
        ),
    )
    payment = fees.record_payment(
        vault,
        amira.id,
        PaymentDetails(
            amount=Decimal("90.00"), paid_on=last_week.date(), method=PaymentMethod.BANK_TRANSFER
        ),
        session_id=individual.id,
    )
    consent = consents.add_consent(
        vault,
        amira.id,
        professional.id,
        SharingConsentDetails(
            given_on=last_week.date(),
            expires_on=last_week.date() + timedelta(days=365),
            scope="Referral letter and summary",
            notes="Agreed in session; not the process notes.",
        ),
    )
    disclosure = disclosures.record_disclosure(
        vault,
        amira.id,
        DisclosureDetails(
            what="referral summary",
            recipient="Dr Priya Shah, Falmouth CMHT",
            how="saved as PDF: referral-summary.pdf",
            sections=("identification", "reason", "diagnoses"),
        ),
        disclosures.DisclosedTo(professional.id, referral.id, consent.id),
    )
    add_term(vault, TermCategory.INTERVENTION, "Compassion-focused imagery")
    set_setting(vault, BACKUP_FOLDER, "/media/usb/therapy-backups")
    with vault.reading() as session:
        profile_id = session.scalars(select(PracticeProfileRow.id)).one()
        term_id = session.scalars(select(VocabularyTermRow.id)).one()
        event_id = session.scalars(select(AuditEventRow.id).order_by(AuditEventRow.seq)).first()
        # The demo practice may have written settings and links of its own.
        setting_id = session.scalars(
            select(VaultSettingRow.id).where(VaultSettingRow.key == BACKUP_FOLDER)
        ).one()
        link_id = session.scalars(
            select(NoteObjectivesRow.id).where(NoteObjectivesRow.note_id == couple_note.id)
        ).one()
    assert event_id is not None
    row_in = {
        "practice_profile": profile_id,
        "clients": amira.id,
        "contacts": contact.id,
        "professionals": professional.id,
        "referrals": referral.id,
        "therapy_sessions": individual.id,
        "session_attendees": individual.attendees[0].id,
        "progress_notes": signed.id,
        "note_addenda": addendum.id,
        "psychotherapy_notes": process_note.id,
        "vocabulary_terms": term_id,
        "audit_events": event_id,
        "vault_settings": setting_id,
        "treatment_plans": plan.id,
        "note_objectives": link_id,
        "diagnoses": diagnosis.id,
        "medications": medication.id,
        "measures": measure.id,
        "risk_assessments": assessment.id,
        "safety_plans": safety_plan.id,
        "significant_dates": anniversary.id,
        "payments": payment.id,
        "sharing_consents": consent.id,
        "disclosures": disclosure.id,
    }
    missing = {table.name for table in sealed_tables()} - set(row_in)
    assert not missing, f"fill_every_table does not fill {missing}; extend it"
    return Filled(row_in, amira.id, jonas.id)


@dataclass(frozen=True)
class ReadBack:
    """Every record read through the services: where each came from, what was damaged."""

    rows_read: set[tuple[str, str]]
    damaged: set[Place]


def read_everything(vault: Vault) -> ReadBack:
    """Read every record the way the window does; no exception may escape."""
    rows: set[tuple[str, str]] = set()
    damaged: set[Place] = set()

    def record(table: str, row_id: str, fields: tuple[str, ...]) -> None:
        rows.add((table, row_id))
        damaged.update((table, field, row_id) for field in fields)

    for client in list_clients(vault):
        record("clients", client.id, client.damaged)
        for contact in list_contacts(vault, client.id):
            record("contacts", contact.id, contact.damaged)
        for therapy_session in sessions_for_client(vault, client.id):
            record("therapy_sessions", therapy_session.id, therapy_session.damaged)
            for attendee in therapy_session.attendees:
                record("session_attendees", attendee.id, attendee.damaged)
            note = get_note_for_session(vault, therapy_session.id)
            if note is not None:
                record("progress_notes", note.id, note.damaged)
                for addendum in note.addenda:
                    record("note_addenda", addendum.id, addendum.damaged)
        for process_note in list_psychotherapy_notes(vault, client.id):
            record("psychotherapy_notes", process_note.id, process_note.damaged)
        for referral in referrals_for_client(vault, client.id):
            record("referrals", referral.id, referral.damaged)
        for plan in treatment_plans.plan_versions(vault, client.id):
            record("treatment_plans", plan.id, plan.damaged)
        listed = diagnoses.list_diagnoses(vault, client.id)
        for diagnosis in (*listed.current, *listed.resolved):
            record("diagnoses", diagnosis.id, diagnosis.damaged)
        taken = medications.list_medications(vault, client.id)
        for medication in (*taken.current, *taken.past):
            record("medications", medication.id, medication.damaged)
        for measure in measures.list_measures(vault, client.id):
            record("measures", measure.id, measure.damaged)
        for assessment in risk.list_risk_assessments(vault, client.id):
            record("risk_assessments", assessment.id, assessment.damaged)
        safety_plan = risk.get_safety_plan(vault, client.id)
        if safety_plan is not None:
            record("safety_plans", safety_plan.id, safety_plan.damaged)
        for significant in significant_dates.list_significant_dates(vault, client.id):
            record("significant_dates", significant.id, significant.damaged)
        for payment in fees.payments_for_client(vault, client.id):
            record("payments", payment.id, payment.damaged)
        for consent in consents.consents_for_client(vault, client.id):
            record("sharing_consents", consent.id, consent.damaged)
        for disclosure in disclosures.disclosures_for_client(vault, client.id):
            record("disclosures", disclosure.id, disclosure.damaged)
    for professional in list_professionals(vault):
        record("professionals", professional.id, professional.damaged)
    # practice.get_profile and terms.custom_terms do not report damaged fields,
    # so these two tables are read with the codec the services use.
    with vault.reading() as session:
        for profile_row in session.scalars(select(PracticeProfileRow)):
            _, fields = vault.codec.open_details(profile_row, PracticeProfile)
            record("practice_profile", profile_row.id, fields)
        for term_row in session.scalars(select(VocabularyTermRow)):
            _, fields = vault.codec.open_details(term_row, VocabularyTermDetails)
            record("vocabulary_terms", term_row.id, fields)
        for event_row in session.scalars(select(AuditEventRow)):
            _, fields = vault.codec.open_details(event_row, AuditEventDetails)
            record("audit_events", event_row.id, fields)
        for setting_row in session.scalars(select(VaultSettingRow)):
            _, fields = vault.codec.open_details(setting_row, VaultSettingDetails)
            record("vault_settings", setting_row.id, fields)
        # treatment_plans.note_objectives returns keys only, without damage.
        for link_row in session.scalars(select(NoteObjectivesRow)):
            _, fields = vault.codec.open_details(link_row, NoteObjectivesDetails)
            record("note_objectives", link_row.id, fields)
    return ReadBack(rows, damaged)


def all_rows(vault: Vault) -> set[tuple[str, str]]:
    """(table, row id) of every row of every sealed table, straight from SQLite."""
    found: set[tuple[str, str]] = set()
    with vault.engine.connect() as connection:
        for table in sealed_tables():
            for (row_id,) in connection.execute(text(f"SELECT id FROM {table.name}")):
                found.add((table.name, row_id))
    return found
