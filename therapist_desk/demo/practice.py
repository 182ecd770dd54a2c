"""A realistic synthetic practice for trying the program and for benchmarks.

Everything comes from one seeded random generator (Faker for names and
addresses, resources/demo/phrases.json for the clinical wording) and from
today's date, so the same seed on the same day gives the same practice, ids
and time stamps included. The active caseload is booked in weekly series
around today; `demo_clinical` adds each client's clinical record and payments.
"""

from __future__ import annotations

import gc
import json
import random
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from importlib import resources
from typing import Any

from faker import Faker

from therapist_desk.db.base import Base
from therapist_desk.db.bulk import insert_in_dependency_order
from therapist_desk.db.models import ProgressNoteRow, SessionSeriesRow, TherapySessionRow
from therapist_desk.demo.clinical import Case, ClinicalRecordMaker, prescribers_of, techniques_for
from therapist_desk.domain.records import (
    ClientDetails,
    ContactDetails,
    NoteContent,
    PracticeProfile,
    ProfessionalDetails,
    ReferralDetails,
    SessionDetails,
)
from therapist_desk.domain.vocabulary import (
    DEFAULT_TERMS,
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
from therapist_desk.domain.wall_clock import local_date
from therapist_desk.records.clients import new_client_row
from therapist_desk.records.contacts import new_contact_row
from therapist_desk.records.fees import CHARGED, set_default_fee, split_fee
from therapist_desk.records.practice import save_profile
from therapist_desk.records.progress_notes import new_note_row
from therapist_desk.records.psychotherapy_notes import new_psychotherapy_note_row
from therapist_desk.records.therapy_sessions import new_session_rows
from therapist_desk.sharing.professionals import new_professional_row
from therapist_desk.sharing.referrals import new_referral_row
from therapist_desk.vault import Vault

Progress = Callable[[int, int], None]
_BATCH_SESSIONS = 2000
#: The hours a weekly client can be booked at, Monday to Friday.
_HOURS = (8, 9, 10, 11, 13, 14, 15, 16, 17, 18)
#: A group member's share of the group's fee.
_GROUP_FEE_EACH = Decimal("35.00")
#: The therapy group meets on Thursday evenings, after the last individual slot.
_GROUP_SLOT = (3, 18)
#: Every (weekday, hour) an individual or couple session can be booked at, Monday to Friday.
_SLOTS = tuple(
    (weekday, hour) for weekday in range(5) for hour in _HOURS if (weekday, hour) != _GROUP_SLOT
)
_ATTENDANCE_WEIGHTS = (
    (Attendance.ATTENDED, 88),
    (Attendance.CANCELLED, 5),
    (Attendance.LATE_CANCELLED, 3),
    (Attendance.NO_SHOW, 4),
)
_CRISIS = (DEFAULT_TERMS[TermCategory.INTERVENTION][2],)
_ROUTINE_INTERVENTIONS = (DEFAULT_TERMS[TermCategory.INTERVENTION][1],)
_FORMAT_WEIGHTS = (
    (NoteFormat.SOAP, 50),
    (NoteFormat.DAP, 25),
    (NoteFormat.BIRP, 15),
    (NoteFormat.FREE, 10),
)


@dataclass(frozen=True)
class DemoOptions:
    #: About two thirds are in weekly therapy: a solo therapist's full week.
    clients: int = 50
    years: float = 2.0
    seed: int = 1
    #: Aim for about this many progress notes in all (spread across clients), if set.
    notes: int | None = None
    fee: Decimal = Decimal("90.00")
    #: If set, the first client has been seen weekly this many times: the heaviest
    #: record the window must open quickly.
    heavy_client_sessions: int = 0
    #: If set, the first client has about this many measures (PHQ-9, GAD-7, a scale and
    #: SUDS ratings, spread over their sessions): the heaviest chart.
    heavy_client_measures: int = 0


def _phrases() -> dict[str, Any]:
    text = (resources.files("therapist_desk.resources") / "demo" / "phrases.json").read_text(
        "utf-8"
    )
    data: dict[str, Any] = json.loads(text)
    return data


class _Diary:
    """The therapist's weeks: which slots are booked, so that no two sessions overlap.

    A solo therapist sees one client (or one couple) at a time. Weeks are
    counted from the one holding today (0; -1 is last week). A course of
    therapy is booked backwards from its last week, in the client's usual slot
    where it is free and in the week's next free slot where not; a full week is
    passed over, so a large practice reaches further back in time instead of
    double-booking.
    """

    def __init__(self, today: date) -> None:
        self.monday = today - timedelta(days=today.weekday())
        self.taken: dict[int, set[int]] = {}
        #: A full week's pointer to an earlier week that may have room.
        self.full: dict[int, int] = {}

    def book(self, week: int, usual: int) -> int | None:
        """Book the slot `usual` of `week` or the next free one; None if the week is full."""
        taken = self.taken.setdefault(week, set())
        if len(taken) >= len(_SLOTS):
            return None
        slot = usual
        while slot in taken:
            slot = (slot + 1) % len(_SLOTS)
        taken.add(slot)
        if len(taken) == len(_SLOTS):
            self.full[week] = week - 1
        return slot

    def open_week(self, week: int) -> int:
        """The latest week no later than `week` with a slot free."""
        passed = []
        while week in self.full:
            passed.append(week)
            week = self.full[week]
        for full in passed:
            self.full[full] = week
        return week

    def course(self, sessions: int, last_week: int, usual: int) -> list[datetime]:
        """`sessions` weekly sessions ending in `last_week` (or earlier), oldest first."""
        times: list[datetime] = []
        week = last_week
        while len(times) < sessions:
            week = self.open_week(week)
            slot = self.book(week, usual)
            assert slot is not None
            times.append(self.at(week, slot))
            week -= 1
        times.reverse()
        return times

    def at(self, week: int, slot: int) -> datetime:
        weekday, hour = _SLOTS[slot]
        day = self.monday + timedelta(weeks=week, days=weekday)
        return datetime.combine(day, time(hour)).astimezone().astimezone(UTC)


class _Generator:
    def __init__(self, vault: Vault, options: DemoOptions) -> None:
        self.vault = vault
        self.codec = vault.codec
        self.options = options
        self.rng = random.Random(options.seed)
        self.fake = Faker("en_GB")
        self.fake.seed_instance(options.seed)
        self.phrases = _phrases()
        # Every date and time stamp is reckoned from the start of today, not from
        # this moment, so the same seed on the same day gives the same practice,
        # time stamps included (sessions later today are still to come).
        self.today = vault.now().astimezone().date()
        self.now = datetime.combine(self.today, time(0)).astimezone().astimezone(UTC)
        self.counts: Counter[str] = Counter()
        self.diary = _Diary(self.today)
        #: The usual slots (indices into _SLOTS) no client has made their own yet.
        self.free_slots = list(range(len(_SLOTS)))
        self.techniques = {
            theme: techniques_for(self.phrases["clinical_record"], theme)
            for theme in self.phrases["theme_words"]
        }
        self.clinical = ClinicalRecordMaker(
            self.rng, self.new_id, self.codec, self.phrases, self.now, [], self.counts
        )

    def new_id(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def pick(self, weighted: tuple[tuple[Any, int], ...]) -> Any:
        values, weights = zip(*weighted, strict=True)
        return self.rng.choices(values, weights)[0]

    # -- people ---------------------------------------------------------------

    def professional(self, role: ProfessionalRole) -> tuple[str, Base]:
        name = f"Dr {self.fake.first_name()} {self.fake.last_name()}"
        organisation = {
            ProfessionalRole.GP: f"{self.fake.city()} Medical Practice",
            ProfessionalRole.PSYCHIATRIST: f"{self.fake.city()} Community Mental Health Team",
            ProfessionalRole.PSYCHOLOGIST: "Independent practice",
            ProfessionalRole.SPECIALIST_SERVICE: f"{self.fake.city()} Trauma Service",
            ProfessionalRole.OTHER: f"{self.fake.city()} Counselling Centre",
        }[role]
        details = ProfessionalDetails(
            name=name,
            role=role,
            organisation=organisation,
            address=self.fake.address(),
            phone=self.fake.phone_number(),
            email=self.fake.email(),
        )
        row_id = self.new_id()
        self.counts["professionals"] += 1
        return row_id, new_professional_row(self.codec, details, self.now, row_id)

    def usual_slot(self) -> int:
        """A slot of the client's own while any is left, else any slot."""
        if self.free_slots:
            return self.free_slots.pop(self.rng.randrange(len(self.free_slots)))
        return self.rng.randrange(len(_SLOTS))

    def client_details(
        self, weeks: int, *, active: bool = False
    ) -> tuple[ClientDetails, bool, list[datetime]]:
        """A client, whether they are a minor, and the times of their weekly sessions."""
        minor = self.rng.random() < 0.1
        age = self.rng.randint(8, 17) if minor else self.rng.randint(18, 76)
        birthday = self.today - timedelta(days=age * 365 + self.rng.randint(0, 364))
        female = self.rng.random() < 0.6
        first = self.fake.first_name_female() if female else self.fake.first_name_male()
        last = self.fake.last_name()
        pronouns = self.pick(((("she/her" if female else "he/him"), 92), ("they/them", 8)))
        status = ClientStatus.ACTIVE
        if not active:
            status = self.pick(
                (
                    (ClientStatus.ACTIVE, 65),
                    (ClientStatus.DISCHARGED, 25),
                    (ClientStatus.WAITLIST, 5),
                    (ClientStatus.ENQUIRY, 5),
                )
            )
        times: list[datetime] = []
        intake = discharged = None
        if status is ClientStatus.ACTIVE:
            # Seen weekly up to now, and booked for the next two weeks.
            times = self.diary.course(weeks + 2, 1, self.usual_slot())
        elif status is ClientStatus.DISCHARGED:
            ended = -self.rng.randint(1, max(1, int(self.options.years * 52) - weeks))
            times = self.diary.course(weeks, ended, self.usual_slot())
            discharged = local_date(times[-1])
        if times:
            intake = local_date(times[0])
        short = self.phrases["short_names"].get(first)
        preferred = short if short and self.rng.random() < 0.4 else first
        title = "Ms" if female else "Mr"
        details = ClientDetails(
            legal_name=f"{first} {last}",
            preferred_name=preferred,
            pronouns=pronouns,
            name_in_letters=first if minor else f"{title} {last}",
            date_of_birth=birthday,
            phone=self.fake.phone_number(),
            email=f"{first}.{last}@example.org".lower(),
            address=self.fake.address(),
            status=status,
            referral_source=self.rng.choice(self.phrases["referral_sources"]),
            intake_date=intake,
            discharge_date=discharged,
        )
        return details, minor, times

    def contacts(self, client_id: str, details: ClientDetails, minor: bool) -> Iterator[Base]:
        family_name = details.legal_name.split()[-1]
        if minor:
            yield self._contact(
                client_id,
                ContactDetails(
                    role=ContactRole.GUARDIAN,
                    name=f"{self.fake.first_name()} {family_name}",
                    relationship=self.rng.choice(
                        ("mother", "father", "grandmother", "foster carer")
                    ),
                    phone=self.fake.phone_number(),
                    consent_to_contact=True,
                    consent_scope="Appointments, school liaison and safety concerns",
                ),
            )
        if minor or self.rng.random() < 0.8:
            yield self._contact(
                client_id,
                ContactDetails(
                    role=ContactRole.EMERGENCY_CONTACT,
                    name=f"{self.fake.first_name()} {self.fake.last_name()}",
                    relationship=self.rng.choice(
                        ("partner", "sister", "brother", "friend", "parent")
                    ),
                    phone=self.fake.phone_number(),
                    consent_to_contact=True,
                    consent_scope="Emergencies only",
                    consent_expires=self.today + timedelta(days=self.rng.randint(30, 700)),
                ),
            )

    def _contact(self, client_id: str, details: ContactDetails) -> Base:
        self.counts["contacts"] += 1
        return new_contact_row(self.codec, client_id, details, self.now, self.new_id())

    # -- sessions and notes -----------------------------------------------------

    def note(
        self, session_id: str, when: datetime, problem: dict[str, str], index: int, signed: bool
    ) -> ProgressNoteRow:
        note_format = self.pick(_FORMAT_WEIGHTS)
        fill = {
            "theme_word": self.phrases["theme_words"][problem["theme"]],
            "small_win": self.rng.choice(self.phrases["small_wins"]),
            "pronoun": "they",
            "goal": problem["goal"],
            "review_at": str(index + 6),
        }
        bank = {
            "subjective": "subjective",
            "objective": "objective",
            "assessment": "assessment",
            "plan": "plan",
            "data": "subjective",
            "behaviour": "objective",
            "intervention": "plan",
            "response": "assessment",
        }
        sections: dict[str, str] = {}
        for name in NOTE_SECTIONS[note_format]:
            if name == "note":
                parts = [
                    self.rng.choice(self.phrases[key])
                    for key in ("subjective", "assessment", "plan")
                ]
                sections[name] = " ".join(part.format(**fill) for part in parts)
            else:
                sentences = self.rng.sample(self.phrases[bank[name]], 2)
                sections[name] = " ".join(sentence.format(**fill) for sentence in sentences)
        # The techniques of the plan's approach; a crisis intervention only when risk was raised.
        techniques = self.techniques[problem["theme"]]
        risk_flag = self.rng.random() < 0.03
        interventions = _CRISIS if risk_flag else _ROUTINE_INTERVENTIONS[: self.rng.randint(0, 1)]
        content = NoteContent(
            format=note_format,
            sections=sections,
            techniques=tuple(
                self.rng.sample(techniques, min(len(techniques), self.rng.randint(1, 3)))
            ),
            interventions=interventions,
            mood=max(0, min(10, 3 + index // 6 + self.rng.randint(-2, 2))),
            risk_flag=risk_flag,
        )
        signed_at = when + timedelta(hours=1, minutes=self.rng.randint(5, 50)) if signed else None
        self.counts["progress notes"] += 1
        return new_note_row(self.codec, session_id, content, when, signed_at, self.new_id())

    def session(
        self,
        when: datetime,
        kind: SessionKind,
        attendance: list[tuple[str, Attendance]],
        *,
        fee: Decimal,
        paid: bool,
        series_id: str | None = None,
        title: str = "",
    ) -> tuple[str, list[Base]]:
        session_id = self.new_id()
        details = SessionDetails(kind=kind, title=title, fee=fee, paid=paid)
        self.counts["sessions"] += 1
        row, attendees = new_session_rows(
            self.codec,
            when,
            50 if kind is not SessionKind.GROUP else 90,
            details,
            attendance,
            when - timedelta(days=7),
            session_id,
            [self.new_id() for _ in attendance],
            series_id,
        )
        return session_id, [row, *attendees]

    def series(self, interval_weeks: int, booked: datetime) -> tuple[str, Base]:
        """A recurring booking, made the week before its first session."""
        series_id = self.new_id()
        self.counts["session series"] += 1
        return series_id, SessionSeriesRow(
            id=series_id, interval_weeks=interval_weeks, created_at=booked - timedelta(days=7)
        )

    def client_sessions(self, case: Case, times: list[datetime]) -> Iterator[Base]:
        """The client's weekly sessions at `times`, their notes and their payments.

        An active client's recent weeks and the next two are one weekly series;
        earlier sessions were booked one by one.
        """
        details = case.details
        client_id = case.client_id
        active = details.status is ClientStatus.ACTIVE
        past_count = sum(when < self.now for when in times)
        series_id = None
        series_from = max(0, past_count - self.rng.randint(4, 26)) if active else len(times)
        notes_written = 0
        fee = self.options.fee
        for number, when in enumerate(times):
            if number == series_from:
                series_id, series_row = self.series(1, when)
                yield series_row
            past = when < self.now
            attendance = self.pick(_ATTENDANCE_WEIGHTS) if past else Attendance.SCHEDULED
            charged = past and attendance in CHARGED
            paid_on = self.clinical.paid_on(case, when) if charged else None
            session_id, rows = self.session(
                when,
                SessionKind.INDIVIDUAL,
                [(client_id, attendance)],
                fee=fee,
                paid=paid_on is not None,
                series_id=series_id,
            )
            yield from rows
            if paid_on is not None:
                yield self.clinical.payment(client_id, session_id, fee, paid_on, case.method)
            if past and attendance is Attendance.ATTENDED:
                case.attended.append((session_id, when))
                recent = self.now - when < timedelta(days=10)
                if recent and active and self.rng.random() < 0.5:
                    continue  # the note is still due
                note = self.note(
                    session_id,
                    when,
                    case.problem,
                    notes_written,
                    signed=not recent or self.rng.random() < 0.5,
                )
                yield note
                link = self.clinical.note_objectives(case, note.id, when)
                if link is not None:
                    yield link
                notes_written += 1

    def group_at(self, week: int) -> datetime:
        weekday, hour = _GROUP_SLOT
        day = self.diary.monday + timedelta(weeks=week, days=weekday)
        return datetime.combine(day, time(hour)).astimezone().astimezone(UTC)

    def couple_times(self, couples: int) -> list[list[datetime]]:
        """Every fourth week over the last four months, booked ahead of everyone's weekly slot."""
        booked = []
        for number in range(couples):
            usual = self.usual_slot()
            times = []
            for month in range(5):
                week = -16 + 4 * month + number % 4
                slot = self.diary.book(week, usual)
                if slot is not None:
                    times.append(self.diary.at(week, slot))
            booked.append(times)
        return booked

    def referral(self, client_id: str, professional_id: str, intake: date) -> Base:
        referred = intake + timedelta(days=self.rng.randint(14, 120))
        referred = min(referred, self.today)
        status = self.pick(
            (
                (ReferralStatus.SENT, 35),
                (ReferralStatus.ACKNOWLEDGED, 30),
                (ReferralStatus.CLOSED, 20),
                (ReferralStatus.DRAFT, 10),
                (ReferralStatus.DECLINED, 5),
            )
        )
        sent = referred if status is not ReferralStatus.DRAFT else None
        details = ReferralDetails(
            reason=self.rng.choice(self.phrases["referral_reasons"]),
            urgency=self.pick(
                (
                    (ReferralUrgency.ROUTINE, 70),
                    (ReferralUrgency.SOON, 25),
                    (ReferralUrgency.URGENT, 5),
                )
            ),
            status=status,
            referred_on=referred,
            sent_on=sent,
            acknowledged_on=referred + timedelta(days=9)
            if status in (ReferralStatus.ACKNOWLEDGED, ReferralStatus.CLOSED)
            else None,
            closed_on=referred + timedelta(days=40) if status is ReferralStatus.CLOSED else None,
            follow_up_on=referred + timedelta(days=28) if sent else None,
        )
        self.counts["referrals"] += 1
        return new_referral_row(
            self.codec, client_id, professional_id, details, self.now, self.new_id()
        )


def _weeks_for(generator: _Generator, options: DemoOptions) -> Callable[[], int]:
    if options.notes is not None and options.clients:
        # Attended sessions are ~88 % of the booked ones, and clients on the
        # waitlist or at enquiry have none (~10 %).
        per_client = options.notes / options.clients / 0.88 / 0.9
        return lambda: max(1, round(per_client * generator.rng.uniform(0.8, 1.2)))
    longest = max(1, int(options.years * 52))
    return lambda: generator.rng.randint(min(6, longest), longest)


def build_demo_practice(
    vault: Vault, options: DemoOptions, progress: Progress | None = None
) -> Counter[str]:
    """Fill `vault` with a synthetic practice; returns how many of each record were made."""
    # A benchmark's practice is a million short-lived objects without reference cycles;
    # the cyclic collector would walk them over and over for nothing.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _build(vault, options, progress)
    finally:
        if collecting:
            gc.enable()


def _build(vault: Vault, options: DemoOptions, progress: Progress | None) -> Counter[str]:
    generator = _Generator(vault, options)
    save_profile(
        vault,
        PracticeProfile(
            practice_name="Harbour Lane Therapy",
            clinician_name="Dr Alex Morgan",
            credentials="DClinPsy, HCPC registered clinical psychologist",
            licence_number="PYL04217",
            address="12 Harbour Lane\nFalmouth\nTR11 3AA",
            phone="01326 555 0142",
            email="alex@harbourlane.example",
            website="harbourlane.example",
            currency="GBP",
        ),
    )
    set_default_fee(vault, options.fee)
    rng = generator.rng
    batch: list[Base] = []
    professionals: list[tuple[str, ProfessionalRole]] = []
    for index in range(max(5, options.clients // 20)):
        role = (
            ProfessionalRole.GP,
            ProfessionalRole.PSYCHIATRIST,
            ProfessionalRole.SPECIALIST_SERVICE,
        )[index % 3]
        professional_id, row = generator.professional(role)
        professionals.append((professional_id, role))
        batch.append(row)
    generator.clinical.prescribers = prescribers_of(professionals)
    weeks_for = _weeks_for(generator, options)
    # The couples' sessions are booked first: their weeks are fixed, a weekly client's are not.
    couple_times = generator.couple_times(_couples_for(round(options.clients * 0.58)))
    adults: list[tuple[str, ClientDetails]] = []
    sessions_in_batch = 0
    # Every presenting problem once before any comes again: a small caseload still shows
    # the range of a practice (and of its measures) rather than three clients with one theme.
    problems = generator.phrases["presenting_problems"]
    problem_order = rng.sample(problems, len(problems))
    for number in range(options.clients):
        client_id = generator.new_id()
        heavy = number == 0 and bool(options.heavy_client_sessions or options.heavy_client_measures)
        weeks = weeks_for()
        if heavy:
            # Enough weeks for the measures asked for, at up to four a session.
            weeks = options.heavy_client_sessions or max(weeks, options.heavy_client_measures // 2)
        details, minor, times = generator.client_details(weeks, active=heavy)
        problem = problem_order[number % len(problem_order)]
        generator.counts["clients"] += 1
        batch.append(new_client_row(generator.codec, details, generator.now, client_id))
        batch.extend(generator.contacts(client_id, details, minor))
        case = generator.clinical.open_case(
            client_id, details, problem, options.heavy_client_measures if heavy else 0
        )
        for row in generator.client_sessions(case, times):
            batch.append(row)
            sessions_in_batch += isinstance(row, TherapySessionRow)
        batch.extend(generator.clinical.rows(case))
        if details.intake_date and rng.random() < 0.1:
            professional_id = rng.choice(professionals)[0]
            batch.append(generator.referral(client_id, professional_id, details.intake_date))
        if details.intake_date and rng.random() < 0.1:
            text = rng.choice(generator.phrases["process_notes"])
            created = datetime.combine(details.intake_date, time(18), tzinfo=UTC)
            generator.counts["psychotherapy notes"] += 1
            batch.append(
                new_psychotherapy_note_row(
                    generator.codec, client_id, None, text, created, created, generator.new_id()
                )
            )
        if not minor and details.status is ClientStatus.ACTIVE:
            adults.append((client_id, details))
        if sessions_in_batch >= _BATCH_SESSIONS:
            _write(vault, batch)
            batch, sessions_in_batch = [], 0
            if progress:
                progress(number + 1, options.clients)
    batch.extend(_joint_sessions(generator, adults, couple_times))
    _write(vault, batch)
    vault.record_event(AuditKind.IMPORT, detail=f"demo practice of {options.clients} clients")
    if progress:
        progress(options.clients, options.clients)
    return generator.counts


def _couples_for(adults: int) -> int:
    """How many couples of `adults` active adult clients are also seen together."""
    return len(range(0, min(adults - 1, max(2, adults // 25)), 2))


def _joint_sessions(
    generator: _Generator,
    adults: list[tuple[str, ClientDetails]],
    couple_times: list[list[datetime]],
) -> Iterator[Base]:
    """A few couples seen together every four weeks, and one weekly therapy group.

    Each is booked as a series; everyone charged pays their share on the day.
    """
    rng = generator.rng
    pool = list(adults)
    rng.shuffle(pool)
    pairs = [(pool[i], pool[i + 1]) for i in range(0, len(pool) - 1, 2)]
    couples = pairs[: min(_couples_for(len(pool)), len(couple_times))]
    problem = generator.phrases["presenting_problems"][4]
    for ((first_id, _first), (second_id, _second)), times in zip(
        couples, couple_times, strict=False
    ):
        if not times:
            continue
        series_id, series_row = generator.series(4, times[0])
        yield series_row
        for month, when in enumerate(times):
            past = when < generator.now
            attendance = Attendance.ATTENDED if past else Attendance.SCHEDULED
            roll_call = [(first_id, attendance), (second_id, attendance)]
            session_id, rows = _joint_session(
                generator, when, SessionKind.COUPLE, roll_call, generator.options.fee, series_id
            )
            yield from rows
            if past:
                yield generator.note(session_id, when, problem, month, signed=True)
    members = pool[len(couples) * 2 : len(couples) * 2 + 6]
    if len(members) < 2:
        return
    # The group's evening is kept free of individual sessions (it is not in _SLOTS).
    first_week = -10
    series_id, series_row = generator.series(1, generator.group_at(first_week))
    yield series_row
    group_problem = generator.phrases["presenting_problems"][1]
    for week in range(first_week, first_week + 12):
        when = generator.group_at(week)
        past = when < generator.now
        roll_call = [
            (member_id, generator.pick(_ATTENDANCE_WEIGHTS) if past else Attendance.SCHEDULED)
            for member_id, _details in members
        ]
        session_id, rows = _joint_session(
            generator,
            when,
            SessionKind.GROUP,
            roll_call,
            _GROUP_FEE_EACH * len(members),
            series_id,
            title="Thursday anxiety group",
        )
        yield from rows
        if past:
            yield generator.note(session_id, when, group_problem, week, signed=True)


def _joint_session(
    generator: _Generator,
    when: datetime,
    kind: SessionKind,
    roll_call: list[tuple[str, Attendance]],
    fee: Decimal,
    series_id: str,
    title: str = "",
) -> tuple[str, list[Base]]:
    """A session of several clients; each one charged pays their share on the day."""
    charged = [client_id for client_id, attendance in roll_call if attendance in CHARGED]
    past = when < generator.now
    session_id, rows = generator.session(
        when,
        kind,
        roll_call,
        fee=fee,
        paid=past and bool(charged),
        series_id=series_id,
        title=title,
    )
    if past and charged:
        day = when.astimezone().date()
        for client_id, share in split_fee(fee, charged).items():
            rows.append(generator.clinical.payment(client_id, session_id, share, day))
    return session_id, rows


def _write(vault: Vault, rows: list[Base]) -> None:
    with vault.transaction() as session:
        insert_in_dependency_order(session, rows)
