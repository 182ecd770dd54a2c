"""The clinical record and the accounts of the demo practice.

For each client `demo_practice` makes, a `Case` decides up front what their
record holds: a treatment plan (revised once for some), whether they are at
risk, how they pay. `demo_practice` asks it, session by session, which plan
objectives a note worked on and whether a session was paid; afterwards
`ClinicalRecordMaker.rows` writes the plan versions, diagnoses, medications,
measures (trending as therapy goes on), risk assessments, safety plan and
significant dates. Everything comes from the practice's one seeded random
generator, so the same seed on the same day gives the same record.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from therapist_desk.clinical.diagnoses import new_diagnosis_row
from therapist_desk.clinical.measures import new_measure_row
from therapist_desk.clinical.medications import new_medication_row
from therapist_desk.clinical.risk import new_assessment_row, new_safety_plan_row
from therapist_desk.clinical.scoring import QUESTIONNAIRES
from therapist_desk.clinical.significant_dates import new_significant_date_row
from therapist_desk.clinical.treatment_plans import new_note_objectives_row, new_plan_row
from therapist_desk.db.base import Base
from therapist_desk.db.record_codec import RecordCodec
from therapist_desk.domain.records import (
    ClientDetails,
    DiagnosisDetails,
    Goal,
    MeasureDetails,
    MedicationDetails,
    Objective,
    PaymentDetails,
    RiskAssessmentDetails,
    SafetyPlanDetails,
    SignificantDateDetails,
    TreatmentPlanDetails,
)
from therapist_desk.domain.vocabulary import (
    ClientStatus,
    DiagnosisStatus,
    Ideation,
    MeasureKind,
    ObjectiveStatus,
    PaymentMethod,
    ProfessionalRole,
    RiskLevel,
)
from therapist_desk.domain.wall_clock import local_date
from therapist_desk.records.fees import new_payment_row

#: How often, in attended sessions, the questionnaires are given.
QUESTIONNAIRE_EVERY = 4
#: Weeks between plan reviews.
REVIEW_WEEKS = 12
_QUESTIONNAIRE_KINDS = {
    "mood": (MeasureKind.PHQ9,),
    "grief": (MeasureKind.PHQ9,),
    "stress": (MeasureKind.PHQ9,),
    "anxiety": (MeasureKind.GAD7,),
    "ocd": (MeasureKind.GAD7,),
    "trauma": (MeasureKind.GAD7,),
    "child": (MeasureKind.GAD7,),
    "relationship": (),
}
_SET_ASIDE = (ObjectiveStatus.REVISED, ObjectiveStatus.DROPPED)
#: The thoughts of suicide that go with each level of risk the demo records.
_IDEATION_OF = {
    RiskLevel.LOW: Ideation.NONE,
    RiskLevel.MODERATE: Ideation.PASSIVE,
    RiskLevel.HIGH: Ideation.ACTIVE,
}
_AT_RISK_THEMES = frozenset({"mood", "grief", "trauma", "stress"})
_PAYMENT_METHODS = (
    (PaymentMethod.CARD, 60),
    (PaymentMethod.BANK_TRANSFER, 28),
    (PaymentMethod.CASH, 8),
    (PaymentMethod.INSURANCE, 4),
)
#: Days after the session that a payment by each method arrives (least, most).
_PAYMENT_DELAYS = {
    PaymentMethod.BANK_TRANSFER: (0, 5),
    PaymentMethod.INSURANCE: (7, 21),
}


@dataclass(frozen=True)
class PlanVersion:
    plan_id: str
    version: int
    created_at: datetime
    updated_at: datetime
    details: TreatmentPlanDetails
    #: When each objective of this version is worked on: (from, until); until None if open.
    periods: dict[str, tuple[date, date | None]]


@dataclass
class Case:
    """What one client's clinical record holds, decided before their sessions are made."""

    client_id: str
    details: ClientDetails
    problem: dict[str, str]
    plan: tuple[PlanVersion, ...]
    method: PaymentMethod
    #: The client has not paid for their sessions of the last this many weeks.
    owes_weeks: int
    at_risk: bool
    #: Make about this many measures (the heavy client of a benchmark); 0 for the usual.
    measure_target: int = 0
    #: (session id, start) of each session the client attended, oldest first.
    attended: list[tuple[str, datetime]] = field(default_factory=list)
    #: (plan version, objective key) of every objective a note has worked on.
    worked_on: set[tuple[int, str]] = field(default_factory=set)

    @property
    def theme(self) -> str:
        return self.problem["theme"]


class ClinicalRecordMaker:
    """Makes the clinical record of each demo client, and the payments for their sessions."""

    def __init__(
        self,
        rng: random.Random,
        new_id: Callable[[], str],
        codec: RecordCodec,
        phrases: dict[str, Any],
        now: datetime,
        prescribers: list[str],
        counts: Counter[str],
    ) -> None:
        self.rng = rng
        self.new_id = new_id
        self.codec = codec
        self.words: dict[str, Any] = phrases["clinical_record"]
        self.now = now
        self.today = local_date(now)
        self.prescribers = prescribers
        self.counts = counts
        self.references: Counter[str] = Counter()
        # The first client at high risk is made so, so that Today has one to show.
        self.high_risk_made = False
        # And the first active client whose problem can carry a risk does, so that risk
        # assessments and a safety plan show however few clients the demo has.
        self.at_risk_made = False
        # Likewise the first client who could take a medication does, and the first who
        # could have changed medication has, so that current and finished courses show
        # whatever day the demo is made.
        self.switch_made = False
        self.medication_made = False
        self.revision_made = False
        # The first yearly date comes up soon, so that Today has a reminder to show.
        self.reminder_made = False
        # And the first clients who could rate a scale or a SUDS step do, so that every
        # kind of measure shows in a small demo too.
        self.scale_made = False
        self.suds_made = False

    def pick(self, weighted: tuple[tuple[Any, int], ...]) -> Any:
        values, weights = zip(*weighted, strict=True)
        return self.rng.choices(values, weights)[0]

    def _stamp(self, day: date, hour: int = 17) -> datetime:
        return datetime.combine(day, time(hour)).astimezone().astimezone(UTC)

    # -- the case ---------------------------------------------------------------------

    def open_case(
        self,
        client_id: str,
        details: ClientDetails,
        problem: dict[str, str],
        measure_target: int = 0,
    ) -> Case:
        rng = self.rng
        at_risk = problem["theme"] in _AT_RISK_THEMES and (
            rng.random() < 0.25 or (not self.at_risk_made and details.status is ClientStatus.ACTIVE)
        )
        self.at_risk_made = self.at_risk_made or at_risk
        plan: tuple[PlanVersion, ...] = ()
        if details.intake_date is not None:
            wanted = {ClientStatus.ACTIVE: 0.85, ClientStatus.DISCHARGED: 0.4}
            if rng.random() < wanted.get(details.status, 0.0):
                plan = self._plan(client_id, details, problem, details.intake_date)
        return Case(
            client_id,
            details,
            problem,
            plan,
            method=self.pick(_PAYMENT_METHODS),
            owes_weeks=rng.randint(1, 3) if rng.random() < 0.07 else 0,
            at_risk=at_risk,
            measure_target=measure_target,
        )

    # -- treatment plans ------------------------------------------------------------------

    def _plan(
        self, client_id: str, details: ClientDetails, problem: dict[str, str], intake: date
    ) -> tuple[PlanVersion, ...]:
        rng = self.rng
        start = intake + timedelta(days=rng.randint(7, 13))
        last_day = details.discharge_date or self.today
        if start > last_day - timedelta(days=7):
            return ()
        techniques = techniques_for(self.words, problem["theme"])
        wording = self.words["problems"][problem["problem"]]
        goal_text = problem["goal"][0].upper() + problem["goal"][1:]
        main = Goal(
            self.new_id(),
            goal_text,
            tuple(
                Objective(
                    self.new_id(),
                    text,
                    start + timedelta(weeks=8 + 4 * index),
                    ObjectiveStatus.NOT_STARTED,
                    tuple(rng.sample(techniques, min(len(techniques), rng.randint(1, 2)))),
                )
                for index, text in enumerate(wording["objectives"])
            ),
        )
        goals = [main]
        if rng.random() < 0.5:
            relapse = self.words["relapse_goal"]
            goals.append(
                Goal(
                    self.new_id(),
                    relapse["goal"][0].upper() + relapse["goal"][1:],
                    tuple(
                        Objective(self.new_id(), text, start + timedelta(weeks=20 + 4 * index))
                        for index, text in enumerate(relapse["objectives"])
                    ),
                )
            )
        first = TreatmentPlanDetails(
            approaches=tuple(self.words["approaches"][problem["theme"]]),
            presenting_problems=problem["problem"][0].upper() + problem["problem"][1:] + ".",
            goals=tuple(goals),
            start_date=start,
            review_date=start + timedelta(weeks=REVIEW_WEEKS),
            notes=rng.choice(self.words["plan_notes"]),
        )
        slow = rng.random() < 0.2
        revised_on = start + timedelta(weeks=REVIEW_WEEKS)
        created = self._stamp(start)
        # Saved in place at the latest session before today (or before discharge).
        last_saved = self._stamp(last_day - timedelta(days=1))
        if revised_on > last_day - timedelta(weeks=2) or (
            rng.random() >= 0.4 and self.revision_made
        ):
            current = self._progress(first, start, last_day, slow)
            return (
                PlanVersion(
                    self.new_id(),
                    1,
                    created,
                    last_saved,
                    self._reviewed(current, start, last_day),
                    _periods(current, start, slow),
                ),
            )
        # Reviewed after twelve weeks: the third objective is broken into smaller steps.
        self.revision_made = True
        before = self._progress(first, start, revised_on, slow)
        revised_goals = list(before.goals)
        main_objectives = list(revised_goals[0].objectives)
        if len(main_objectives) > 2:
            main_objectives[2] = replace(main_objectives[2], status=ObjectiveStatus.REVISED)
            main_objectives.append(
                Objective(
                    self.new_id(),
                    self.words["revised_objective"],
                    revised_on + timedelta(weeks=8),
                    ObjectiveStatus.IN_PROGRESS,
                    main_objectives[2].interventions,
                )
            )
        revised_goals[0] = replace(revised_goals[0], objectives=tuple(main_objectives))
        second = replace(
            before, goals=tuple(revised_goals), review_date=revised_on + timedelta(weeks=12)
        )
        current = self._progress(second, start, last_day, slow)
        revised_at = self._stamp(revised_on)
        return (
            PlanVersion(
                self.new_id(), 1, created, revised_at, before, _periods(before, start, slow)
            ),
            PlanVersion(
                self.new_id(),
                2,
                revised_at,
                last_saved,
                self._reviewed(current, revised_on, last_day),
                _periods(current, start, slow),
            ),
        )

    def _progress(
        self, plan: TreatmentPlanDetails, start: date, on: date, slow: bool
    ) -> TreatmentPlanDetails:
        """The objectives' statuses as they stood on `on`: each met by about its target date."""
        goals = []
        for goal in plan.goals:
            objectives = []
            for objective in goal.objectives:
                status = objective.status
                if status not in _SET_ASIDE:
                    begins, met = _active_period(objective, start, slow)
                    if on < begins:
                        status = ObjectiveStatus.NOT_STARTED
                    elif met is None or on < met:
                        status = ObjectiveStatus.IN_PROGRESS
                    else:
                        status = ObjectiveStatus.MET
                objectives.append(replace(objective, status=status))
            goals.append(replace(goal, objectives=tuple(objectives)))
        return replace(plan, goals=tuple(goals))

    def _reviewed(self, plan: TreatmentPlanDetails, since: date, on: date) -> TreatmentPlanDetails:
        """Review dates move on at each review; a few are left overdue."""
        if plan.review_date is None or plan.review_date > on:
            return plan
        reviews = (on - since).days // (7 * REVIEW_WEEKS)
        if self.rng.random() < 0.2:
            reviews -= 1  # the review is overdue, as Today will say
        return replace(
            plan, review_date=plan.review_date + timedelta(weeks=REVIEW_WEEKS * max(0, reviews))
        )

    def plan_rows(self, case: Case) -> Iterator[Base]:
        for version in case.plan:
            details = self._as_worked(version, case.worked_on)
            row = new_plan_row(
                self.codec,
                case.client_id,
                version.version,
                details,
                version.created_at,
                version.plan_id,
            )
            row.updated_at = version.updated_at
            self.counts["treatment plan versions"] += 1
            yield row

    def _as_worked(
        self, version: PlanVersion, worked_on: set[tuple[int, str]]
    ) -> TreatmentPlanDetails:
        """An objective no session has worked on yet (its notes still due) is not started."""
        goals = []
        for goal in version.details.goals:
            objectives = tuple(
                replace(objective, status=ObjectiveStatus.NOT_STARTED)
                if objective.status is ObjectiveStatus.IN_PROGRESS
                and (version.version, objective.key) not in worked_on
                else objective
                for objective in goal.objectives
            )
            goals.append(replace(goal, objectives=objectives))
        return replace(version.details, goals=tuple(goals))

    def note_objectives(self, case: Case, note_id: str, when: datetime) -> Base | None:
        """The link from a note to the objectives its session worked on: those of the plan of
        that day that had been started and were not yet met, revised or dropped."""
        current = None
        for version in case.plan:
            if version.created_at <= when:
                current = version
        if current is None:
            return None
        day = local_date(when)
        keys = [
            key
            for key, (begins, ends) in current.periods.items()
            if begins <= day and (ends is None or day < ends)
        ]
        if not keys:
            return None
        case.worked_on.update((current.version, key) for key in keys)
        self.counts["objective links"] += 1
        return new_note_objectives_row(self.codec, note_id, keys, self.new_id())

    # -- payments -----------------------------------------------------------------------

    def paid_on(self, case: Case, when: datetime) -> date | None:
        """When the client paid for the session at `when`; None while it is still owed."""
        day = local_date(when)
        if case.owes_weeks and self.now - when < timedelta(weeks=case.owes_weeks):
            return None
        least, most = _PAYMENT_DELAYS.get(case.method, (0, 0))
        paid = day + timedelta(days=self.rng.randint(least, most)) if most else day
        # A transfer that has not arrived yet is owed, as it is on a real account.
        return paid if paid <= self.today else None

    def payment(
        self,
        client_id: str,
        session_id: str,
        amount: Decimal,
        paid_on: date,
        method: PaymentMethod = PaymentMethod.CARD,
    ) -> Base:
        reference = ""
        template = self.words["payment_references"].get(method.value)
        if template:
            self.references[method.value] += 1
            reference = template.format(year=paid_on.year, number=self.references[method.value])
        details = PaymentDetails(amount, paid_on, method, reference)
        self.counts["payments"] += 1
        return new_payment_row(
            self.codec, client_id, session_id, details, self._stamp(paid_on, 18), self.new_id()
        )

    # -- the rest of the record ----------------------------------------------------------

    def rows(self, case: Case) -> Iterator[Base]:
        """Everything of the case but the sessions: plans, diagnoses, medications, measures…"""
        yield from self.plan_rows(case)
        if case.details.intake_date is None:
            return
        yield from self.diagnoses(case, case.details.intake_date)
        yield from self.medications(case, case.details.intake_date)
        yield from self.measures(case)
        if case.at_risk:
            yield from self.risk(case, case.details.intake_date)
        yield from self.significant_dates(case, case.details.intake_date)

    def diagnoses(self, case: Case, intake: date) -> Iterator[Base]:
        rng = self.rng
        if rng.random() >= 0.85:
            return
        wording = self.words["problems"][case.problem["problem"]]
        found = [(wording["diagnosis"], wording["label"])]
        second = self.words["second_diagnoses"].get(case.theme)
        if second and rng.random() < 0.2:
            found.append((second["diagnosis"], second["label"]))
        diagnosed = min(intake + timedelta(days=rng.randint(7, 21)), self.today)
        discharged = case.details.discharge_date
        for code, label in found:
            status = (
                DiagnosisStatus.CONFIRMED if rng.random() < 0.65 else DiagnosisStatus.PROVISIONAL
            )
            resolved = None
            if discharged and discharged >= diagnosed and case.plan and rng.random() < 0.5:
                status, resolved = DiagnosisStatus.RESOLVED, discharged
            details = DiagnosisDetails(code, label, status, diagnosed, resolved)
            self.counts["diagnoses"] += 1
            yield new_diagnosis_row(
                self.codec, case.client_id, details, self._stamp(diagnosed), self.new_id()
            )

    def medications(self, case: Case, intake: date) -> Iterator[Base]:
        rng = self.rng
        suitable = [m for m in self.words["medications"] if case.theme in m["themes"]]
        if not suitable or (rng.random() >= 0.3 and self.medication_made):
            return
        self.medication_made = True
        first, *others = rng.sample(suitable, len(suitable))
        started = min(intake + timedelta(days=rng.randint(-120, 60)), self.today)
        stopped = None
        taken_days = (self.today - started).days
        if others and (rng.random() < 0.25 or not self.switch_made) and taken_days > 14:
            stopped = started + timedelta(days=rng.randint(14, min(200, taken_days - 1)))
            self.switch_made = True
        yield self._medication(case, first, started, stopped)
        if stopped is not None:
            yield self._medication(case, others[0], stopped + timedelta(days=1), None)

    def _medication(
        self, case: Case, drug: dict[str, Any], started: date, stopped: date | None
    ) -> Base:
        rng = self.rng
        prescriber_id = None
        prescriber_name = ""
        if self.prescribers and rng.random() < 0.8:
            prescriber_id = rng.choice(self.prescribers)
        else:
            prescriber_name = rng.choice(self.words["typed_prescribers"])
        notes = self.words["medication_notes"]
        details = MedicationDetails(
            name=drug["name"],
            dose=drug["dose"],
            frequency=drug["frequency"],
            prescriber_name=prescriber_name,
            started_on=started,
            stopped_on=stopped,
            notes=notes[2] if stopped else rng.choice(notes[:2]),
        )
        self.counts["medications"] += 1
        return new_medication_row(
            self.codec, case.client_id, prescriber_id, details, self._stamp(started), self.new_id()
        )

    # -- measures -------------------------------------------------------------------------

    def _schedule(self, case: Case) -> list[tuple[MeasureKind, str, int]]:
        """(kind, label, index into the attended sessions) of every measure the case gets."""
        rng = self.rng
        attended = len(case.attended)
        if case.measure_target:
            # The heaviest chart: the target spread over every session, all four kinds.
            every = (MeasureKind.PHQ9, MeasureKind.GAD7, MeasureKind.SCALE, MeasureKind.SUDS)
            scale = self.words["scales"][0]
            target = case.measure_target
            return [
                (kind, scale if kind is MeasureKind.SCALE else "", number * attended // target)
                for number, kind in ((n, every[n % len(every)]) for n in range(target))
            ]
        schedule: list[tuple[MeasureKind, str, int]] = []
        kinds = _QUESTIONNAIRE_KINDS[case.theme]
        if case.at_risk and MeasureKind.PHQ9 not in kinds:
            kinds = (MeasureKind.PHQ9, *kinds)
        elif kinds and rng.random() < 0.3:
            kinds = (MeasureKind.PHQ9, MeasureKind.GAD7)
        for index in range(0, attended, QUESTIONNAIRE_EVERY):
            schedule.extend((kind, "", index) for kind in kinds)
        if case.theme == "relationship" or rng.random() < 0.15 or not self.scale_made:
            self.scale_made = True
            scales = self.words["scales"]
            label = scales[3] if case.theme == "relationship" else rng.choice(scales[:3])
            schedule.extend((MeasureKind.SCALE, label, i) for i in range(0, attended, 2))
        steps = self.words["exposure_steps"].get(case.theme)
        if steps and attended > 3 and (rng.random() < 0.35 or not self.suds_made):
            self.suds_made = True
            for number, step in enumerate(steps):
                first = 3 + 3 * number
                schedule.extend(
                    (MeasureKind.SUDS, step, i) for i in range(first, min(first + 3, attended))
                )
        return schedule

    def measures(self, case: Case) -> Iterator[Base]:
        if not case.attended:
            return
        rng = self.rng
        schedule = self._schedule(case)
        # Each line of the chart has a start and how far it comes down (or up) over therapy.
        lines: dict[tuple[MeasureKind, str], list[int]] = {}
        for kind, label, index in schedule:
            lines.setdefault((kind, label), []).append(index)
        stuck = rng.random() < 0.15
        alert_stays = case.at_risk and rng.random() < 0.5
        for (kind, label), indices in lines.items():
            values = self._trend(kind, len(indices), stuck)
            for point, (index, value) in enumerate(zip(indices, values, strict=True)):
                session_id, when = case.attended[index]
                if kind in QUESTIONNAIRES:
                    late = point >= len(indices) // 2
                    self_harm = case.at_risk and (alert_stays or not late)
                    items = self._answers(kind, value, self_harm)
                else:
                    items = (value,)
                notes = self._measure_note(kind, items) if rng.random() < 0.1 else ""
                details = MeasureDetails(kind, local_date(when), items, label, notes)
                self.counts["measures"] += 1
                yield new_measure_row(
                    self.codec,
                    case.client_id,
                    session_id,
                    details,
                    when + timedelta(minutes=50),
                    self.new_id(),
                )

    def _measure_note(self, kind: MeasureKind, items: tuple[int, ...]) -> str:
        """A note that fits the measure; talking item 9 through only when it was answered."""
        notes = self.words["measure_notes"]
        if kind is MeasureKind.PHQ9 and items[-1] > 0:
            return str(self.rng.choice(notes["phq9_item_9"]))
        return str(self.rng.choice(notes[kind.value]))

    def _trend(self, kind: MeasureKind, count: int, stuck: bool) -> list[int]:
        """`count` plausible values over therapy: scores come down, ratings go up."""
        rng = self.rng
        if kind is MeasureKind.SUDS:
            start = rng.randint(70, 90)
            return [max(5, start - point * rng.randint(15, 25)) for point in range(count)]
        if kind is MeasureKind.SCALE:
            start, end, highest = rng.randint(2, 4), rng.randint(6, 8), 10
        else:
            highest = QUESTIONNAIRES[kind].highest_total
            start = rng.randint(11, 20) if kind is MeasureKind.PHQ9 else rng.randint(9, 17)
            end = round(start * (rng.uniform(0.85, 0.95) if stuck else rng.uniform(0.25, 0.6)))
        settles = max(1, min(count - 1, 8))  # most change comes in the first months
        values = []
        for point in range(count):
            wobble = rng.randint(-1, 1) if 0 < point < count - 1 else 0
            value = round(start + (end - start) * min(1.0, point / settles)) + wobble
            values.append(min(highest, max(0, value)))
        return values

    def _answers(self, kind: MeasureKind, total: int, self_harm: bool) -> tuple[int, ...]:
        """Item-by-item answers adding up to about `total` (item 9 set apart on a PHQ-9)."""
        rng = self.rng
        count = len(QUESTIONNAIRES[kind].items)
        last = 0
        if kind is MeasureKind.PHQ9:
            count -= 1
            last = rng.choice((1, 1, 2)) if self_harm else 0
        spread = min(max(0, total - last), 3 * count)
        base, extra = divmod(spread, count)
        answers = [base] * count
        for index in rng.sample(range(count), extra):
            answers[index] += 1
        return (*answers, last) if kind is MeasureKind.PHQ9 else tuple(answers)

    # -- risk -----------------------------------------------------------------------------

    def _assessment(self, level: RiskLevel, on: date, history: str) -> RiskAssessmentDetails:
        """An assessment whose every detail fits `level`, worded from that level's own lists."""
        rng = self.rng
        words = self.words["risk"][level.value]
        ideation = _IDEATION_OF[level]
        active = ideation is Ideation.ACTIVE
        # A plan and the means for it go together (tablets at home, a car and a bridge).
        plan = rng.choice(words["plans"]) if active else {"plan": "", "means": ""}
        return RiskAssessmentDetails(
            assessed_on=on,
            ideation=ideation,
            ideation_details=rng.choice(words["ideation_details"]),
            has_plan=active,
            plan_details=plan["plan"],
            has_intent=active,
            intent_details=rng.choice(words["intent_details"]) if active else "",
            access_to_means=active,
            means_details=plan["means"],
            history=history,
            protective_factors=rng.choice(words["protective_factors"]),
            level=level,
            actions=rng.choice(words["actions"]),
        )

    def risk(self, case: Case, intake: date) -> Iterator[Base]:
        rng = self.rng
        first_day = min(intake + timedelta(days=7), self.today)
        # The client's past stays the same from one assessment to the next.
        history = rng.choice(self.words["risk"]["history"])
        # At intake: passive thoughts of death, a moderate risk.
        assessments = [self._assessment(RiskLevel.MODERATE, first_day, history)]
        active = case.details.status is ClientStatus.ACTIVE
        if active and not self.high_risk_made:
            self.high_risk_made = True
            recent = max(first_day, self.today - timedelta(days=rng.randint(3, 20)))
            assessments.append(self._assessment(RiskLevel.HIGH, recent, history))
        elif rng.random() < 0.5:
            later = min(first_day + timedelta(weeks=10), self.today)
            assessments.append(self._assessment(RiskLevel.LOW, later, history))
        for details in assessments:
            assert details.assessed_on is not None
            self.counts["risk assessments"] += 1
            yield new_assessment_row(
                self.codec,
                case.client_id,
                details,
                self._stamp(details.assessed_on),
                self.new_id(),
            )
        plan = new_safety_plan_row(
            self.codec,
            case.client_id,
            SafetyPlanDetails(**self.words["safety_plan"]),
            self._stamp(first_day),
            self.new_id(),
        )
        last_assessed = assessments[-1].assessed_on
        assert last_assessed is not None
        plan.updated_at = self._stamp(last_assessed)
        self.counts["safety plans"] += 1
        yield plan

    # -- significant dates -----------------------------------------------------------------

    def significant_dates(self, case: Case, intake: date) -> Iterator[Base]:
        rng = self.rng
        dates = self.words["significant_dates"]
        chosen = list(dates.get(case.theme, ()))
        # Some other clients have one too, the first always, so that any demo shows one.
        if not chosen and (not self.counts["significant dates"] or rng.random() < 0.12):
            chosen = [rng.choice(dates["other"])]
        for entry in chosen:
            once = entry.get("once", False)
            if once:
                falls_on = self.today + timedelta(days=rng.randint(3, 60))
            elif rng.random() < 0.3 or not self.reminder_made:
                # Coming up soon, so the reminder shows on Today.
                self.reminder_made = True
                soon = self.today + timedelta(days=rng.randint(2, entry["remind"]))
                falls_on = _in_year(soon, soon.year - rng.randint(1, 3))
            else:
                falls_on = intake - timedelta(days=rng.randint(60, 3000))
            details = SignificantDateDetails(
                label=entry["label"],
                falls_on=falls_on,
                yearly=not once,
                remind_days_before=entry["remind"],
            )
            self.counts["significant dates"] += 1
            yield new_significant_date_row(
                self.codec, case.client_id, details, self._stamp(intake), self.new_id()
            )


def prescribers_of(professionals: list[tuple[str, ProfessionalRole]]) -> list[str]:
    """The directory's professionals who prescribe: GPs and psychiatrists."""
    return [
        professional_id
        for professional_id, role in professionals
        if role in (ProfessionalRole.GP, ProfessionalRole.PSYCHIATRIST)
    ]


def techniques_for(words: dict[str, Any], theme: str) -> tuple[str, ...]:
    """The techniques of the approaches a plan for `theme` names, without repeats."""
    by_approach = words["approach_techniques"]
    found = [
        technique for approach in words["approaches"][theme] for technique in by_approach[approach]
    ]
    return tuple(dict.fromkeys(found))


def _active_period(objective: Objective, start: date, slow: bool) -> tuple[date, date | None]:
    """When an objective is worked on: from about eight weeks before its target (not before
    the plan starts) until it is met at its target date; never met if progress is slow."""
    target = objective.target_date or start
    return max(start, target - timedelta(weeks=8)), None if slow else target


def _periods(
    plan: TreatmentPlanDetails, start: date, slow: bool
) -> dict[str, tuple[date, date | None]]:
    """The objectives a session can work on under `plan` (not revised away or dropped)."""
    return {
        objective.key: _active_period(objective, start, slow)
        for objective in plan.objectives()
        if objective.status not in _SET_ASIDE
    }


def _in_year(day: date, year: int) -> date:
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February
        return day.replace(year=year, day=28)
