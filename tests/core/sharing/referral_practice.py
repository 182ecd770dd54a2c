"""A client with a full record and a referral to a psychiatrist, for the letter tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from therapist_desk.clinical import diagnoses, measures, medications, risk, treatment_plans
from therapist_desk.domain.records import (
    ClientDetails,
    DiagnosisDetails,
    MeasureDetails,
    MedicationDetails,
    NoteContent,
    PracticeProfile,
    ProfessionalDetails,
    ReferralDetails,
    RiskAssessmentDetails,
    SessionDetails,
    TreatmentPlanDetails,
)
from therapist_desk.domain.vocabulary import (
    Attendance,
    ClientStatus,
    DiagnosisStatus,
    Ideation,
    MeasureKind,
    NoteFormat,
    ProfessionalRole,
    ReferralUrgency,
    RiskLevel,
)
from therapist_desk.records import psychotherapy_notes
from therapist_desk.records.clients import create_client
from therapist_desk.records.practice import save_profile
from therapist_desk.records.progress_notes import save_draft, sign_note
from therapist_desk.records.therapy_sessions import schedule_session, set_attendance
from therapist_desk.sharing.professionals import add_professional
from therapist_desk.sharing.referrals import create_referral
from therapist_desk.vault import Vault

#: Words that exist only in the process note: no letter or summary may ever hold them.
PROCESS_NOTE_MARKER = "Zwiebelturm-countertransference-7731"


@dataclass(frozen=True)
class ReferralPractice:
    client_id: str
    other_client_id: str
    professional_id: str
    referral_id: str
    signed_note_ids: tuple[str, ...]


def build_referral_practice(vault: Vault) -> ReferralPractice:
    save_profile(
        vault,
        PracticeProfile(
            practice_name="Harbour Lane Therapy",
            clinician_name="Dr Alex Morgan",
            credentials="DClinPsy",
            licence_number="PYL04217",
            address="12 Harbour Lane\nFalmouth\nTR11 3AA",
            phone="01326 555 0142",
            email="alex@harbourlane.example",
        ),
    )
    client = create_client(
        vault,
        ClientDetails(
            legal_name="Amira Haddad",
            preferred_name="Mira",
            pronouns="she/her",
            name_in_letters="Ms Haddad",
            date_of_birth=date(1988, 4, 2),
            address="3 Quay Street\nFalmouth",
            status=ClientStatus.ACTIVE,
            intake_date=date(2024, 1, 8),
        ),
    )
    other = create_client(vault, ClientDetails(legal_name="Jonas Berglund-Okafor"))
    psychiatrist = add_professional(
        vault,
        ProfessionalDetails(
            name="Dr Priya Shah",
            role=ProfessionalRole.PSYCHIATRIST,
            organisation="Falmouth CMHT",
            address="Health Centre\nTrevethan Road\nFalmouth",
        ),
    )
    now = vault.now()
    signed = []
    for weeks_ago, words in ((8, "Low mood since the winter."), (2, "Sleep a little better.")):
        session = schedule_session(
            vault, now - timedelta(weeks=weeks_ago), 50, SessionDetails(), [client.id]
        )
        set_attendance(vault, session.id, client.id, Attendance.ATTENDED)
        note = save_draft(
            vault,
            session.id,
            NoteContent(
                format=NoteFormat.DAP,
                sections={"data": words, "assessment": "Engaged.", "plan": "Continue."},
            ),
        )
        signed.append(sign_note(vault, note.id).id)
        psychotherapy_notes.save_psychotherapy_note(
            vault, client.id, f"{PROCESS_NOTE_MARKER} felt protective", session_id=session.id
        )
    treatment_plans.save_plan(
        vault,
        client.id,
        TreatmentPlanDetails(
            approaches=("Cognitive behavioural therapy (CBT)",),
            presenting_problems="Low mood, early waking, withdrawal from friends.",
            goals=(
                treatment_plans.new_goal(
                    "Sleep through most nights",
                    (treatment_plans.new_objective("Keep a sleep diary for two weeks"),),
                ),
            ),
        ),
    )
    diagnoses.add_diagnosis(
        vault,
        client.id,
        DiagnosisDetails(
            code="F32.1", status=DiagnosisStatus.CONFIRMED, diagnosed_on=date(2024, 2, 1)
        ),
    )
    medications.add_medication(
        vault,
        client.id,
        MedicationDetails(
            name="Sertraline", dose="50 mg", frequency="once a day", started_on=date(2024, 2, 5)
        ),
        prescriber_id=psychiatrist.id,
    )
    for weeks_ago, items in (
        (8, (2, 2, 2, 2, 1, 2, 2, 1, 1)),
        (2, (1, 1, 1, 1, 0, 1, 1, 0, 0)),
    ):
        measures.add_measure(
            vault,
            client.id,
            MeasureDetails(
                kind=MeasureKind.PHQ9,
                taken_on=(now - timedelta(weeks=weeks_ago)).astimezone().date(),
                items=items,
            ),
        )
    risk.add_risk_assessment(
        vault,
        client.id,
        RiskAssessmentDetails(
            assessed_on=(now - timedelta(weeks=2)).astimezone().date(),
            ideation=Ideation.PASSIVE,
            ideation_details="Fleeting thoughts of not waking up.",
            protective_factors="Her brother; her cat.",
            level=RiskLevel.LOW,
        ),
    )
    referral = create_referral(
        vault,
        client.id,
        psychiatrist.id,
        ReferralDetails(
            reason="A psychiatric opinion on medication for persistent low mood.",
            urgency=ReferralUrgency.SOON,
            referred_on=now.astimezone().date(),
        ),
    )
    return ReferralPractice(client.id, other.id, psychiatrist.id, referral.id, tuple(signed))
