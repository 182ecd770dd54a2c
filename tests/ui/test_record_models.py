"""Every table of records passes Qt's own model checks (qtmodeltester), filled as its view
fills it: the model the view owns, or the column set it shows, with rows like a caseload's."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from tests.ui.conftest import ScriptedDialogs
from therapist_desk.domain.records import (
    Attendee,
    AuditEvent,
    AuditEventDetails,
    Client,
    ClientDetails,
    Contact,
    ContactDetails,
    Diagnosis,
    DiagnosisDetails,
    Disclosure,
    DisclosureDetails,
    Measure,
    MeasureDetails,
    Medication,
    MedicationDetails,
    Payment,
    PaymentDetails,
    PsychotherapyNote,
    Referral,
    ReferralDetails,
    RiskAssessment,
    RiskAssessmentDetails,
    SessionDetails,
    SharingConsent,
    SharingConsentDetails,
    SignificantDate,
    SignificantDateDetails,
    TherapySession,
)
from therapist_desk.domain.vocabulary import (
    Attendance,
    AuditKind,
    ContactRole,
    DiagnosisStatus,
    Ideation,
    MeasureKind,
    PaymentMethod,
    ReferralStatus,
    ReferralUrgency,
    RiskLevel,
    SessionKind,
)
from therapist_desk.records.retention import Retention
from therapist_desk.ui.common.table_model import Column, TableModel
from therapist_desk.ui.held_drafts import HeldDrafts
from therapist_desk.ui.places.audit_trail import AuditTrailModel
from therapist_desk.ui.places.retention import RetentionModel
from therapist_desk.ui.places.today import AttentionLine, TodayLine, TodayView
from therapist_desk.ui.record import client_record
from therapist_desk.ui.record.clinical.clinical_lists import CurrentAndPast
from therapist_desk.ui.record.clinical.diagnoses_section import CURRENT_COLUMNS, RESOLVED_COLUMNS
from therapist_desk.ui.record.clinical.measures_tab import ITEM_9_COLUMN, MeasuresTab
from therapist_desk.ui.record.clinical.medications_section import MedicationsSection
from therapist_desk.ui.record.clinical.risk_panel import ASSESSMENT_COLUMNS
from therapist_desk.ui.record.contacts_tab import CONTACT_COLUMNS
from therapist_desk.ui.record.fees_tab import ChargeLine, FeesTab
from therapist_desk.ui.record.overview_tab import OverviewTab
from therapist_desk.ui.record.process_notes_tab import ProcessNotesTab
from therapist_desk.ui.record.referrals.referral_table import NO_REPLY_TIP
from therapist_desk.ui.record.referrals.referrals_tab import ReferralsTab

NOW = datetime(2026, 11, 27, 9, tzinfo=UTC)
TODAY = date(2026, 11, 27)
CLIENT = "client-1"


def _session(key: str, hours_from_now: int, series: str | None = None) -> TherapySession:
    return TherapySession(
        key,
        NOW + timedelta(hours=hours_from_now),
        50,
        SessionDetails(SessionKind.INDIVIDUAL),
        (Attendee(f"a-{key}", CLIENT, Attendance.SCHEDULED),),
        series_id=series,
    )


def _measure(key: str, details: MeasureDetails, damaged: tuple[str, ...] = ()) -> Measure:
    return Measure(key, CLIENT, None, details, NOW, damaged)


MEASURES = [
    _measure("phq", MeasureDetails(MeasureKind.PHQ9, TODAY, (2, 2, 1, 1, 0, 1, 2, 0, 2))),
    _measure("gad", MeasureDetails(MeasureKind.GAD7, TODAY - timedelta(days=14), (1,) * 7)),
    _measure(
        "scale",
        MeasureDetails(MeasureKind.SCALE, TODAY, (6,), label="Miracle question scaling"),
    ),
    _measure("suds", MeasureDetails(MeasureKind.SUDS, None, (70,), label="riding the bus")),
    _measure("damaged", MeasureDetails(MeasureKind.PHQ9, TODAY), damaged=("items",)),
]


def test_the_measures(qtmodeltester: ModelTester, dialogs: ScriptedDialogs, qtbot: QtBot) -> None:
    tab = MeasuresTab(dialogs)
    qtbot.addWidget(tab)
    model = tab.model
    qtmodeltester.check(model)
    model.set_rows(MEASURES)
    qtmodeltester.check(model)
    phq = model.index(model.row_of("phq"), ITEM_9_COLUMN)
    assert phq.data(Qt.ItemDataRole.DecorationRole) is not None  # item 9 answered above 0
    font = phq.data(Qt.ItemDataRole.FontRole)
    assert isinstance(font, QFont) and font.bold()
    assert "thoughts of self-harm" in phq.data(Qt.ItemDataRole.ToolTipRole)
    gad = model.index(model.row_of("gad"), ITEM_9_COLUMN)
    assert gad.data(Qt.ItemDataRole.DecorationRole) is None
    assert gad.data(Qt.ItemDataRole.ToolTipRole) is None


def test_the_fees_tabs_money_tables(
    qtmodeltester: ModelTester, dialogs: ScriptedDialogs, qtbot: QtBot
) -> None:
    tab = FeesTab(dialogs)
    qtbot.addWidget(tab)
    qtmodeltester.check(tab.charges)
    qtmodeltester.check(tab.payments)
    tab.charges.set_rows(
        [
            ChargeLine(
                "s2", NOW, "Couple", Attendance.ATTENDED, Decimal(120), Decimal(60), Decimal(0)
            ),
            ChargeLine(
                "s1",
                NOW - timedelta(days=7),
                "Individual",
                Attendance.LATE_CANCELLED,
                Decimal(90),
                Decimal(90),
                Decimal(40),
            ),
        ]
    )
    tab.payments.set_rows(
        [
            Payment("p1", CLIENT, "s1", PaymentDetails(Decimal(50), TODAY), NOW),
            Payment(
                "p2",
                CLIENT,
                None,
                PaymentDetails(Decimal("1250.5"), None, PaymentMethod.BANK_TRANSFER, "INV-7"),
                NOW,
            ),
        ]
    )
    qtmodeltester.check(tab.charges)
    qtmodeltester.check(tab.payments)
    right = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    assert tab.charges.index(0, 3).data(Qt.ItemDataRole.TextAlignmentRole) == right
    assert tab.payments.index(0, 1).data(Qt.ItemDataRole.TextAlignmentRole) == right
    assert tab.payments.index(0, 0).data(Qt.ItemDataRole.TextAlignmentRole) is None


REFERRALS = [
    Referral(
        "overdue",
        CLIENT,
        "gp",
        ReferralDetails(
            "Medication review:\nsleep worse since the dose changed",
            ReferralUrgency.SOON,
            ReferralStatus.SENT,
            referred_on=date(2020, 1, 2),
            sent_on=date(2020, 1, 3),
            follow_up_on=date(2020, 2, 1),
        ),
        NOW,
        NOW,
    ),
    Referral(
        "closed",
        CLIENT,
        "psychiatrist",
        ReferralDetails(
            "Second opinion",
            status=ReferralStatus.CLOSED,
            referred_on=TODAY - timedelta(days=60),
            sent_on=TODAY - timedelta(days=59),
            acknowledged_on=TODAY - timedelta(days=50),
            closed_on=TODAY - timedelta(days=20),
        ),
        NOW,
        NOW,
    ),
    Referral("draft", CLIENT, "gone", ReferralDetails(), NOW, NOW, damaged=("reason",)),
]


def test_the_referrals_tabs_three_tables(
    qtmodeltester: ModelTester, dialogs: ScriptedDialogs, qtbot: QtBot
) -> None:
    tab = ReferralsTab(dialogs)
    qtbot.addWidget(tab)
    models = (tab.referral_model, tab.consent_model, tab.disclosure_model)
    for model in models:
        qtmodeltester.check(model)
    tab.referral_model.set_rows(REFERRALS)
    tab.consent_model.set_rows(
        [
            SharingConsent(
                "c1",
                CLIENT,
                "gp",
                SharingConsentDetails(
                    TODAY - timedelta(days=30),
                    TODAY + timedelta(days=335),
                    scope="Referral letter\nand summary",
                ),
                NOW,
                NOW,
            ),
            SharingConsent(
                "c2",
                CLIENT,
                "psychiatrist",
                SharingConsentDetails(date(2024, 1, 1), withdrawn_on=date(2025, 1, 1)),
                NOW,
                NOW,
            ),
        ]
    )
    tab.disclosure_model.set_rows(
        [
            Disclosure(
                "d1",
                CLIENT,
                NOW,
                "gp",
                "overdue",
                "c1",
                DisclosureDetails(
                    "referral letter", how="printed", sections=("Risk", "Medications")
                ),
            ),
            Disclosure(
                "d2",
                CLIENT,
                NOW - timedelta(days=3),
                None,
                None,
                None,
                DisclosureDetails(
                    "statement",
                    recipient="The client",
                    how="PDF",
                    without_consent_reason="The client asked for it",
                ),
            ),
        ]
    )
    for model in models:
        qtmodeltester.check(model)
    referrals = tab.referral_model
    follow_up = referrals.index(referrals.row_of("overdue"), referrals.follow_up_column)
    assert follow_up.data(Qt.ItemDataRole.ToolTipRole) == NO_REPLY_TIP
    assert follow_up.data(Qt.ItemDataRole.DecorationRole) is not None
    reason = referrals.index(referrals.row_of("overdue"), referrals.reason_column)
    assert "\n" in reason.data(Qt.ItemDataRole.ToolTipRole)  # the whole reason, as written
    assert tab.disclosure_model.index(0, 4).data(Qt.ItemDataRole.ToolTipRole) == "Risk, Medications"


def test_the_audit_trail(qtmodeltester: ModelTester) -> None:
    model = AuditTrailModel()
    qtmodeltester.check(model)
    model.names = {CLIENT: "M. Q."}
    model.set_rows(
        [
            AuditEvent(1, NOW, AuditEventDetails(AuditKind.UNLOCK)),
            AuditEvent(
                2, NOW, AuditEventDetails(AuditKind.VIEW, CLIENT, "n1", detail="progress note")
            ),
            AuditEvent(3, NOW, AuditEventDetails(AuditKind.DELETE, "gone-client")),
            AuditEvent(4, NOW, AuditEventDetails(), damaged=("detail",)),
        ]
    )
    model.sort(0, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(model)
    assert model.index(0, 3).data() == "This entry is damaged and cannot be read; run Verify."


def test_retention(qtmodeltester: ModelTester) -> None:
    model = RetentionModel()
    qtmodeltester.check(model)
    client = Client(
        CLIENT, ClientDetails("Marisol Quintana", date_of_birth=date(2008, 3, 1)), NOW, NOW
    )
    other = Client("client-2", ClientDetails("Bartholomew Ng"), NOW, NOW)
    model.set_rows(
        [
            Retention(client, date(2015, 6, 1), date(2029, 3, 1), "3 years after coming of age"),
            Retention(other, date(2010, 1, 5), date(2017, 1, 5), "7 years after the last service"),
        ]
    )
    qtmodeltester.check(model)


def test_risk_contacts_and_diagnoses_column_sets(qtmodeltester: ModelTester) -> None:
    risk = TableModel[RiskAssessment](ASSESSMENT_COLUMNS, lambda a: a.id)
    risk.set_rows(
        [
            RiskAssessment(
                "r1",
                CLIENT,
                RiskAssessmentDetails(
                    TODAY,
                    Ideation.ACTIVE,
                    has_plan=True,
                    level=RiskLevel.HIGH,
                    actions="Safety plan reviewed; GP informed. " * 4,
                ),
                NOW,
            ),
            RiskAssessment("r2", CLIENT, RiskAssessmentDetails(None), NOW),
        ]
    )
    qtmodeltester.check(risk)
    contacts = TableModel[Contact](CONTACT_COLUMNS, lambda c: c.id)
    contacts.set_rows(
        [
            Contact(
                "k1",
                CLIENT,
                ContactDetails(
                    ContactRole.EMERGENCY_CONTACT,
                    "Luis Quintana",
                    relationship="brother",
                    phone="07700 900123",
                    consent_to_contact=True,
                    consent_scope="emergencies only",
                    consent_expires=TODAY + timedelta(days=365),
                ),
            ),
            Contact("k2", CLIENT, ContactDetails(name="Dr Ben Okafor")),
        ]
    )
    qtmodeltester.check(contacts)
    current = TableModel[Diagnosis](CURRENT_COLUMNS, lambda d: d.id)
    resolved = TableModel[Diagnosis](RESOLVED_COLUMNS, lambda d: d.id)
    current.set_rows(
        [
            Diagnosis(
                "d1",
                CLIENT,
                DiagnosisDetails("F41.1", "Generalized anxiety disorder", diagnosed_on=TODAY),
                NOW,
                NOW,
            )
        ]
    )
    resolved.set_rows(
        [
            Diagnosis(
                "d2",
                CLIENT,
                DiagnosisDetails(
                    "F43.2",
                    "Adjustment disorder",
                    DiagnosisStatus.RESOLVED,
                    date(2025, 1, 10),
                    date(2025, 6, 1),
                ),
                NOW,
                NOW,
            )
        ]
    )
    qtmodeltester.check(current)
    qtmodeltester.check(resolved)


def test_current_and_past_medications(
    qtmodeltester: ModelTester, dialogs: ScriptedDialogs, qtbot: QtBot
) -> None:
    section = MedicationsSection(dialogs)
    qtbot.addWidget(section)
    lists: CurrentAndPast[Medication] = section.lists
    sertraline = Medication(
        "m1",
        CLIENT,
        None,
        MedicationDetails("Sertraline", "50 mg", "once a day", "Dr Ben Okafor", TODAY),
        NOW,
        NOW,
    )
    stopped = Medication(
        "m2",
        CLIENT,
        "gp",
        MedicationDetails("Zopiclone", "7.5 mg", started_on=None, stopped_on=date(2025, 2, 1)),
        NOW,
        NOW,
    )
    lists.set_records([sertraline], [stopped])
    qtmodeltester.check(lists.current_model)
    qtmodeltester.check(lists.past_model)
    assert lists.choose("m2") and lists.chosen() == stopped


def test_significant_dates_and_process_notes(
    qtmodeltester: ModelTester, dialogs: ScriptedDialogs, qtbot: QtBot
) -> None:
    overview = OverviewTab(dialogs)
    qtbot.addWidget(overview)
    overview.dates_model.set_rows(
        [
            SignificantDate(
                "s1",
                CLIENT,
                SignificantDateDetails("Her father's death", date(2023, 12, 4), True, 21),
                NOW,
            ),
            SignificantDate(
                "s2", CLIENT, SignificantDateDetails("Court hearing", TODAY, False), NOW
            ),
        ]
    )
    qtmodeltester.check(overview.dates_model)
    notes = ProcessNotesTab(HeldDrafts())
    qtbot.addWidget(notes)
    notes.model.set_rows(
        [
            PsychotherapyNote("p1", CLIENT, None, "Felt protective of her.\nWhy?", NOW, NOW),
            PsychotherapyNote("p2", CLIENT, "s1", "   ", NOW, NOW),
        ]
    )
    qtmodeltester.check(notes.model)


def test_todays_sections(qtmodeltester: ModelTester, qtbot: QtBot) -> None:
    today = TodayView()
    qtbot.addWidget(today)
    lines = [
        TodayLine(_session("a", 1), "Marisol Quintana", "Scheduled · note to write"),
        TodayLine(_session("b", 3, series="weekly"), "A. O., B. N.", "Attended"),
    ]
    for section in (today.today, today.upcoming, today.notes_due):
        section.set_lines(lines)
        qtmodeltester.check(section.model)
    attention = [
        AttentionLine("r1", CLIENT, client_record.OVERVIEW, "M. Q.", "High risk", "27 Nov 2026"),
        AttentionLine(
            "p1", CLIENT, client_record.PLAN, "M. Q.", "Plan version 2: review overdue", ""
        ),
    ]
    for needing_care in (today.risk, today.reviews, today.dates, today.follow_ups):
        needing_care.set_lines(attention)
        qtmodeltester.check(needing_care.model)


def test_a_column_set_is_read_against_its_row_type(qtmodeltester: ModelTester) -> None:
    """The header tooltip and the fixed alignment of a column, beside a plain one."""
    model = TableModel[Client](
        [
            Column("Name", lambda c: c.details.full_name),
            Column(
                "Age",
                lambda c: "34",
                align=Qt.AlignmentFlag.AlignRight,
                header_tooltip="On the day shown",
            ),
        ],
        lambda c: c.id,
    )
    model.set_rows([Client(CLIENT, ClientDetails("Marisol Quintana"), NOW, NOW)])
    qtmodeltester.check(model)
    assert model.headerData(1, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole) == (
        "On the day shown"
    )
    assert model.headerData(0, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole) is None
