"""The clinical record in an interchange document (version 2): its parts, checks and rows.

Each part of a client's clinical record (treatment plans, diagnoses,
medications, measures, risk assessments, the safety plan, significant dates,
payments, consents to share and the disclosure log) is described once here:
where it sits under the client, what its records are called in a problem, its
table, the service's own check a record must pass, the records it refers to,
and how its row is made. `interchange_import` plans and writes them like the
rest of the document, and `interchange_export` writes them in the same shape.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from therapist_desk.clinical.diagnoses import new_diagnosis_row, prepare_diagnosis
from therapist_desk.clinical.measures import check_measure, new_measure_row
from therapist_desk.clinical.medications import check_medication, new_medication_row
from therapist_desk.clinical.risk import (
    check_risk_assessment,
    check_safety_plan,
    new_assessment_row,
    new_safety_plan_row,
)
from therapist_desk.clinical.significant_dates import (
    check_significant_date,
    new_significant_date_row,
)
from therapist_desk.clinical.treatment_plans import check_plan, new_plan_row
from therapist_desk.db.base import Base
from therapist_desk.db.models import (
    DiagnosisRow,
    DisclosureRow,
    MeasureRow,
    MedicationRow,
    PaymentRow,
    RiskAssessmentRow,
    SafetyPlanRow,
    SharingConsentRow,
    SignificantDateRow,
    TreatmentPlanRow,
)
from therapist_desk.db.record_codec import RecordCodec
from therapist_desk.domain.records import (
    DiagnosisDetails,
    DisclosureDetails,
    MeasureDetails,
    MedicationDetails,
    PaymentDetails,
    RiskAssessmentDetails,
    SafetyPlanDetails,
    SharingConsentDetails,
    SignificantDateDetails,
    TreatmentPlanDetails,
)
from therapist_desk.interchange.format import parse_timestamp
from therapist_desk.records.fees import check_payment, new_payment_row
from therapist_desk.sharing.consents import check_consent, new_consent_row
from therapist_desk.sharing.disclosures import DisclosedTo, check_disclosure, new_disclosure_row

JsonObject = dict[str, Any]
#: (codec, client id, the record's JSON, its checked details, when it was made) → its row.
RowMaker = Callable[[RecordCodec, str, JsonObject, Any, datetime], Base]

#: The readable references a clinical record may carry, and the kind each names.
REFERENCE_KINDS = {
    "prescriber_id": "professional",
    "professional_id": "professional",
    "session_id": "session",
    "referral_id": "referral",
    "consent_id": "consent",
}


@dataclass(frozen=True)
class ClinicalPart:
    """One kind of record in a client's clinical record."""

    #: The key under the client ("diagnoses"); the safety plan is one object, not a list.
    key: str
    #: What one record is called in a problem ("diagnosis").
    kind: str
    #: What the import summary counts ("diagnoses").
    counted_as: str
    row_type: type[Base]
    details_type: type[Any]
    #: The details as stored (a diagnosis's code written the standard way), or
    #: InvalidInput listing every problem; the second argument is today.
    prepare: Callable[[Any, date], Any]
    new_row: RowMaker
    #: The readable references a record may carry (keys of REFERENCE_KINDS).
    references: tuple[str, ...] = ()
    #: The row's own columns the JSON carries besides its references and details.
    columns: tuple[str, ...] = ()
    #: The column an export lists each client's records by (then their id).
    listed_by: str = "created_at"

    @property
    def single(self) -> bool:
        return self.key == "safety_plan"


def _checked_by(check: Callable[[Any], None]) -> Callable[[Any, date], Any]:
    def prepare(details: Any, _today: date) -> Any:
        check(details)
        return details

    return prepare


def _checked_on(check: Callable[[Any, date], None]) -> Callable[[Any, date], Any]:
    def prepare(details: Any, today: date) -> Any:
        check(details, today)
        return details

    return prepare


TREATMENT_PLANS = ClinicalPart(
    "treatment_plans",
    "treatment plan",
    "treatment plan versions",
    TreatmentPlanRow,
    TreatmentPlanDetails,
    _checked_by(check_plan),
    lambda codec, client_id, data, details, made: new_plan_row(
        codec, client_id, data["version"], details, made, data["id"]
    ),
    columns=("version",),
    listed_by="version",
)

PARTS: tuple[ClinicalPart, ...] = (
    TREATMENT_PLANS,
    ClinicalPart(
        "diagnoses",
        "diagnosis",
        "diagnoses",
        DiagnosisRow,
        DiagnosisDetails,
        prepare_diagnosis,
        lambda codec, client_id, data, details, made: new_diagnosis_row(
            codec, client_id, details, made, data["id"]
        ),
    ),
    ClinicalPart(
        "medications",
        "medication",
        "medications",
        MedicationRow,
        MedicationDetails,
        _checked_by(check_medication),
        lambda codec, client_id, data, details, made: new_medication_row(
            codec, client_id, data.get("prescriber_id"), details, made, data["id"]
        ),
        references=("prescriber_id",),
    ),
    ClinicalPart(
        "measures",
        "measure",
        "measures",
        MeasureRow,
        MeasureDetails,
        _checked_on(check_measure),
        lambda codec, client_id, data, details, made: new_measure_row(
            codec, client_id, data.get("session_id"), details, made, data["id"]
        ),
        references=("session_id",),
    ),
    ClinicalPart(
        "risk_assessments",
        "risk assessment",
        "risk assessments",
        RiskAssessmentRow,
        RiskAssessmentDetails,
        _checked_on(check_risk_assessment),
        lambda codec, client_id, data, details, made: new_assessment_row(
            codec, client_id, details, made, data["id"]
        ),
    ),
    ClinicalPart(
        "safety_plan",
        "safety plan",
        "safety plans",
        SafetyPlanRow,
        SafetyPlanDetails,
        _checked_by(check_safety_plan),
        lambda codec, client_id, data, details, made: new_safety_plan_row(
            codec, client_id, details, made, data["id"]
        ),
    ),
    ClinicalPart(
        "significant_dates",
        "significant date",
        "significant dates",
        SignificantDateRow,
        SignificantDateDetails,
        _checked_by(check_significant_date),
        lambda codec, client_id, data, details, made: new_significant_date_row(
            codec, client_id, details, made, data["id"]
        ),
    ),
    ClinicalPart(
        "payments",
        "payment",
        "payments",
        PaymentRow,
        PaymentDetails,
        _checked_on(check_payment),
        lambda codec, client_id, data, details, made: new_payment_row(
            codec, client_id, data.get("session_id"), details, made, data["id"]
        ),
        references=("session_id",),
    ),
    ClinicalPart(
        "sharing_consents",
        "consent",
        "consents to share",
        SharingConsentRow,
        SharingConsentDetails,
        _checked_by(check_consent),
        lambda codec, client_id, data, details, made: new_consent_row(
            codec, client_id, data["professional_id"], details, made, data["id"]
        ),
        references=("professional_id",),
    ),
    # After the consents: a disclosure may name the consent it went out under.
    ClinicalPart(
        "disclosures",
        "disclosure",
        "disclosures",
        DisclosureRow,
        DisclosureDetails,
        _checked_by(check_disclosure),
        # A disclosure is never edited: when it happened is its one time.
        lambda codec, client_id, data, details, _made: new_disclosure_row(
            codec,
            client_id,
            details,
            parse_timestamp(data["occurred_at"]),
            DisclosedTo(
                data.get("professional_id"), data.get("referral_id"), data.get("consent_id")
            ),
            data["id"],
        ),
        references=("professional_id", "referral_id", "consent_id"),
        columns=("occurred_at",),
        listed_by="occurred_at",
    ),
)


def clinical_records(client: JsonObject) -> Iterator[tuple[ClinicalPart, str, JsonObject]]:
    """(part, path below the client, record) for every clinical record of a client's JSON."""
    for part in PARTS:
        if part.single:
            if client.get(part.key) is not None:
                yield part, part.key, client[part.key]
            continue
        for index, record in enumerate(client.get(part.key, [])):
            yield part, f"{part.key}[{index}]", record


def plan_keys(plan: JsonObject) -> Iterator[str]:
    """The keys of every goal and objective of a treatment plan's JSON."""
    for goal in plan.get("goals", []):
        yield goal["key"]
        yield from objective_keys({"goals": [goal]})


def objective_keys(plan: JsonObject) -> Iterator[str]:
    """The keys of the objectives of a treatment plan's JSON (what a note can name)."""
    for goal in plan.get("goals", []):
        for objective in goal.get("objectives", []):
            yield objective["key"]
