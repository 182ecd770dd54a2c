"""Today: who is coming today and this week, which notes are still to write, what needs care.

Everything is read in the worker thread. Besides the sessions and the notes
due, Today gathers what asks for attention in the active caseload: clients
whose latest risk assessment is high or imminent, PHQ-9 answers of thoughts of
self-harm, treatment plans due for review, significant dates coming up, and
referrals sent whose follow-up date has passed without a reply.
Each line opens the right tab of the right client's record. When nothing
needs attention, Today says so in one quiet line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from typing import Generic, TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QVBoxLayout,
    QWidget,
)

from therapist_desk.clinical import measures, risk, significant_dates, treatment_plans
from therapist_desk.clinical.measures import SelfHarmAlert
from therapist_desk.clinical.significant_dates import UpcomingDate
from therapist_desk.domain.records import (
    Referral,
    RiskAssessment,
    TherapySession,
    TreatmentPlan,
)
from therapist_desk.domain.vocabulary import ClientStatus
from therapist_desk.records import progress_notes, therapy_sessions
from therapist_desk.records.progress_notes import NoteDue
from therapist_desk.sharing import professionals, referrals
from therapist_desk.ui.changes import Change, Kind
from therapist_desk.ui.common import formatting
from therapist_desk.ui.common.reload import ReloadWhenShown
from therapist_desk.ui.common.table_model import Column, TableModel
from therapist_desk.ui.common.widgets import (
    empty_state,
    heading,
    label,
    named,
    record_table,
    scrolling,
    subheading,
)
from therapist_desk.ui.open_vault import OpenVault
from therapist_desk.ui.record import client_record
from therapist_desk.ui.record.clinical.risk_summary import RISK_LEVEL_LABELS

UPCOMING_DAYS = 7
#: Rows a section shows before its table scrolls: a full day of sessions, and fewer of the
#: rest, so that every section's heading is in sight without scrolling on a 1366×768 laptop.
SECTION_ROWS = 8
WEEK_AND_NOTES_ROWS = 5
ATTENTION_ROWS = 3


@dataclass(frozen=True)
class TodayLine:
    session: TherapySession
    names: str
    state: str

    @property
    def id(self) -> str:
        return self.session.id


@dataclass(frozen=True)
class AttentionLine:
    """Something about one client that needs the therapist's attention, and where it is."""

    id: str
    client_id: str
    #: The client record's tab that shows it (client_record.OVERVIEW, PLAN, REFERRALS…).
    tab: str
    names: str
    what: str
    when: str


LineT = TypeVar("LineT", TodayLine, AttentionLine)


class _Section(QWidget, Generic[LineT]):
    """A titled table with a count, and a sentence when it is empty (or nothing at all)."""

    def __init__(
        self,
        title: str,
        columns: list[Column[LineT]],
        empty: str,
        stretch: int,
        parent: QWidget | None = None,
        *,
        rows: int = ATTENTION_ROWS,
    ) -> None:
        super().__init__(parent)
        self._title = title
        self._rows = rows
        self.title = subheading(title)
        self.model: TableModel[LineT] = TableModel(columns, lambda line: line.id, self)
        self.table = record_table(title)
        self.table.setModel(self.model)
        # Half the page wide: the longest column gives way (elided) rather than scroll sideways.
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.empty = empty_state(empty)
        self.empty.setVisible(bool(empty))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 6)
        layout.addWidget(self.title)
        layout.addWidget(self.table)
        layout.addWidget(self.empty)

    def set_lines(self, lines: list[LineT]) -> None:
        self.model.set_rows(lines)
        self.title.setText(f"{self._title} ({len(lines)})")
        self.table.setVisible(bool(lines))
        self.empty.setVisible(not lines and bool(self.empty.text()))
        rows = max(1, min(len(lines), self._rows))
        header = self.table.horizontalHeader().sizeHint().height()
        self.table.setFixedHeight(
            header + rows * self.table.verticalHeader().defaultSectionSize() + 4
        )

    def clear(self) -> None:
        self.set_lines([])


def _attention(title: str) -> _Section[AttentionLine]:
    """A section of what needs attention; hidden, not explained, when there is nothing."""
    return _Section[AttentionLine](title, _attention_columns(), "", stretch=1)


def _when(line: TodayLine) -> str:
    return formatting.span(line.session.starts_at, line.session.duration_minutes)


def _attention_columns() -> list[Column[AttentionLine]]:
    return [
        Column("Client", lambda line: line.names),
        Column("What", lambda line: line.what),
        Column("When", lambda line: line.when),
    ]


@dataclass(frozen=True)
class _TodayData:
    now: datetime
    tomorrow: datetime
    sessions: list[TherapySession]
    due: list[NoteDue]
    overdue_referrals: list[Referral]
    #: Professionals' names by id, for the referral follow-ups.
    recipients: dict[str, str]
    at_risk: list[RiskAssessment]
    self_harm: list[SelfHarmAlert]
    reviews: list[TreatmentPlan]
    dates: list[UpcomingDate]


def _days_away(days: int) -> str:
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    return f"in {days} days"


#: What Today shows: sessions and notes due, measures and risk alerts, significant dates,
#: referrals waiting for a reply, plans due for review, and the clients they belong to.
SHOWN_ON_TODAY = (
    Kind.SESSION,
    Kind.NOTE,
    Kind.MEASURE,
    Kind.RISK,
    Kind.SIGNIFICANT_DATE,
    Kind.CLIENT,
    Kind.REFERRAL,
    Kind.PLAN,
    Kind.PROFESSIONAL,
)


class TodayView(QWidget):
    """Emits `open_session(client_id, session_id)` when the therapist opens a session line,
    and `open_record(client_id, tab)` for a line about the record (a plan, a risk, a date)."""

    open_session = Signal(str, str)
    open_record = Signal(str, str)
    refreshed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "Today")
        self._vault: OpenVault | None = None
        self._loading = False
        self._reloads = ReloadWhenShown(self, self.refresh, shown_reloads=True)
        self._reload_again = False
        self.title = heading("Today")
        self.summary = named(label("", "muted", wrap=True), "Today summary")
        self.today = _Section[TodayLine](
            "Today's sessions",
            [
                Column("Time", _when),
                Column("Client", lambda line: line.names),
                Column("Kind", lambda line: formatting.KIND_LABELS[line.session.details.kind]),
                Column("Attendance / note", lambda line: line.state),
            ],
            "No sessions today.",
            stretch=3,
            rows=SECTION_ROWS,
        )
        self.upcoming = _Section[TodayLine](
            "The week ahead",
            [
                Column(
                    "Day",
                    lambda line: formatting.day(formatting.local(line.session.starts_at).date()),
                ),
                Column("Time", _when),
                Column("Client", lambda line: line.names),
                Column("Kind", lambda line: formatting.KIND_LABELS[line.session.details.kind]),
            ],
            f"Nothing booked for the next {UPCOMING_DAYS} days.",
            stretch=2,
            rows=WEEK_AND_NOTES_ROWS,
        )
        self.notes_due = _Section[TodayLine](
            "Notes to write",
            [
                Column("Session", lambda line: formatting.when(line.session.starts_at)),
                Column("Client", lambda line: line.names),
                Column("Note", lambda line: line.state),
            ],
            "All notes are written and signed.",
            stretch=1,
            rows=WEEK_AND_NOTES_ROWS,
        )
        self.risk = _attention("Risk and self-harm alerts")
        self.reviews = _attention("Treatment plans due for review")
        self.dates = _attention("Significant dates coming up")
        self.follow_ups = _attention("Referral follow-ups due")
        self.all_calm = named(
            empty_state(
                "Nothing else needs attention: no risk alerts, no plans due for review, "
                "no significant dates coming up, no referral follow-ups due."
            ),
            "Nothing needs attention",
        )
        self.all_calm.hide()
        for session_section in (self.today, self.upcoming, self.notes_due):
            session_section.table.activated.connect(
                lambda index, s=session_section: self._open_session(s.model.record_of(index))
            )
        for attention_section in self._attention_sections():
            attention_section.table.activated.connect(
                lambda index, s=attention_section: self._open_record(s.model.record_of(index))
            )
            attention_section.hide()

        # Two columns of about the same height: the day on the left (sessions, notes, then the
        # referrals to chase), the week and the clients needing attention on the right.
        left, right = QVBoxLayout(), QVBoxLayout()
        for column, widgets in (
            (left, (self.today, self.notes_due, self.follow_ups)),
            (right, (self.upcoming, self.risk, self.reviews, self.dates, self.all_calm)),
        ):
            for widget in widgets:
                column.addWidget(widget)
        left.addStretch(1)
        right.addStretch(1)
        columns = QHBoxLayout()
        columns.setSpacing(24)
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(self.title)
        layout.addWidget(self.summary)
        layout.addLayout(columns, 1)
        scroll = scrolling(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        order = [
            *(section.table for section in (self.today, self.upcoming, self.notes_due)),
            *(section.table for section in self._attention_sections()),
        ]
        for first, second in pairwise(order):
            QWidget.setTabOrder(first, second)

    def attach(self, open_vault: OpenVault) -> None:
        self._vault = open_vault
        open_vault.changed.connect(self._changed)

    def _changed(self, change: Change) -> None:
        if change.touches(*SHOWN_ON_TODAY):
            self._reloads.request()

    def refresh(self) -> None:
        """Reload in a worker thread; the window stays responsive on a full caseload."""
        vault = self._vault
        if vault is None:
            return
        if self._loading:
            self._reload_again = True
            return
        self._loading = True
        if not self.today.model.rowCount() and not self.notes_due.model.rowCount():
            self.summary.setText("Loading today's sessions…")
        store = vault.vault

        def work() -> _TodayData:
            now = store.now()
            today = now.astimezone().date()
            start = datetime.combine(today, time()).astimezone()
            sessions = therapy_sessions.sessions_between(
                store, start, start + timedelta(days=1 + UPCOMING_DAYS)
            )
            return _TodayData(
                now,
                start + timedelta(days=1),
                sessions,
                progress_notes.notes_due(store, now),
                referrals.follow_ups_due(store, today),
                {p.id: p.details.name for p in professionals.list_professionals(store)},
                risk.clients_at_high_risk(store),
                measures.self_harm_alerts(store),
                treatment_plans.plans_due_for_review(store, today),
                significant_dates.upcoming(store, today),
            )

        vault.in_background(work, self._show, self._failed)

    def _failed(self, error: BaseException) -> None:
        self._loading = False
        self.summary.setText(f"Today could not be read ({type(error).__name__}).")

    def _show(self, data: _TodayData) -> None:
        self._loading = False
        vault = self._vault
        if vault is None:
            return
        if self._reload_again:
            self._reload_again = False
            self.refresh()
        due_ids = {item.session.id: item for item in data.due}
        today_lines, upcoming_lines = [], []
        for session in data.sessions:
            names = vault.names_of(session.client_ids)
            if session.starts_at < data.tomorrow:
                attendance = ", ".join(
                    sorted({formatting.ATTENDANCE_LABELS[a.attendance] for a in session.attendees})
                )
                item = due_ids.get(session.id)
                state = (
                    attendance
                    if item is None
                    else f"{attendance} · note {'draft' if item.draft_exists else 'to write'}"
                )
                today_lines.append(TodayLine(session, names, state))
            else:
                upcoming_lines.append(TodayLine(session, names, ""))
        due_lines = [
            TodayLine(
                item.session,
                vault.names_of(item.session.client_ids),
                "Draft to sign" if item.draft_exists else "Not written",
            )
            for item in data.due
        ]
        today = data.now.astimezone().date()
        self.title.setText(f"Today, {formatting.long_day(today)}")
        self.today.set_lines(today_lines)
        self.upcoming.set_lines(upcoming_lines)
        self.notes_due.set_lines(due_lines)
        attention = self._show_attention(vault, data, today)
        parts = [
            f"{len(today_lines)} session{'s' if len(today_lines) != 1 else ''} today",
            f"{len(due_lines)} note{'s' if len(due_lines) != 1 else ''} to write or sign",
            f"{len(upcoming_lines)} in the next {UPCOMING_DAYS} days",
        ]
        if attention:
            parts.append(f"{attention} thing{'s' if attention != 1 else ''} needing attention")
        overdue = len(self.follow_ups.model.rows())
        if overdue:
            parts.append(f"{overdue} referral follow-up{'s' if overdue != 1 else ''} due")
        self.summary.setText(" · ".join(parts))
        self.refreshed.emit()

    def _show_attention(self, vault: OpenVault, data: _TodayData, today: date) -> int:
        """Fill the risk, review and dates sections (active clients only) and the referral
        follow-ups (any client: a referral left unanswered matters after discharge too);
        returns the count of the first three."""
        active = {
            client.id for client in vault.clients if client.details.status is ClientStatus.ACTIVE
        }
        risk_lines = [
            AttentionLine(
                assessment.id,
                assessment.client_id,
                client_record.OVERVIEW,
                vault.name_of(assessment.client_id),
                f"{RISK_LEVEL_LABELS[assessment.details.level]} risk",
                formatting.optional_date(assessment.details.assessed_on),
            )
            for assessment in data.at_risk
            if assessment.client_id in active
        ]
        risk_lines += [
            AttentionLine(
                alert.measure_id,
                alert.client_id,
                client_record.MEASURES,
                vault.name_of(alert.client_id),
                f"PHQ-9 item 9 (self-harm): {alert.response.lower()}",
                formatting.day(alert.taken_on),
            )
            for alert in data.self_harm
            if alert.client_id in active
        ]
        review_lines = [
            AttentionLine(
                plan.id,
                plan.client_id,
                client_record.PLAN,
                vault.name_of(plan.client_id),
                _review_words(plan, today),
                formatting.optional_date(plan.details.review_date),
            )
            for plan in data.reviews
            if plan.client_id in active
        ]
        date_lines = [
            AttentionLine(
                item.significant_date.id,
                item.significant_date.client_id,
                client_record.OVERVIEW,
                vault.name_of(item.significant_date.client_id),
                _date_words(item),
                f"{formatting.day(item.occurs_on)} ({_days_away(item.days_away)})",
            )
            for item in data.dates
            if item.significant_date.client_id in active
        ]
        follow_up_lines = [
            AttentionLine(
                referral.id,
                referral.client_id,
                client_record.REFERRALS,
                vault.name_of(referral.client_id),
                _follow_up_words(referral, data.recipients),
                formatting.optional_date(referral.details.follow_up_on),
            )
            for referral in data.overdue_referrals
        ]
        for section, lines in (
            (self.risk, risk_lines),
            (self.reviews, review_lines),
            (self.dates, date_lines),
            (self.follow_ups, follow_up_lines),
        ):
            section.set_lines(lines)
            section.setVisible(bool(lines))
        count = len(risk_lines) + len(review_lines) + len(date_lines)
        self.all_calm.setVisible(count == 0 and not follow_up_lines)
        return count  # the follow-ups have their own count in the summary

    def _open_session(self, line: TodayLine | None) -> None:
        if line is not None and line.session.client_ids:
            self.open_session.emit(line.session.client_ids[0], line.session.id)

    def _open_record(self, line: AttentionLine | None) -> None:
        if line is not None:
            self.open_record.emit(line.client_id, line.tab)

    def _attention_sections(self) -> tuple[_Section[AttentionLine], ...]:
        return (self.risk, self.reviews, self.dates, self.follow_ups)

    def clear(self) -> None:
        for section in (self.today, self.upcoming, self.notes_due):
            section.clear()
        for attention in self._attention_sections():
            attention.clear()
            attention.hide()
        self.all_calm.hide()
        self.summary.clear()
        self.title.setText("Today")
        self._vault = None
        self._loading = False
        self._reload_again = False


def _review_words(plan: TreatmentPlan, today: date) -> str:
    review = plan.details.review_date
    overdue = review is not None and review < today
    return f"Plan version {plan.version}: review {'overdue' if overdue else 'due'}"


def _date_words(item: UpcomingDate) -> str:
    """ "Her father's death (3rd anniversary)": the label as the therapist wrote it."""
    label_text = item.significant_date.details.label or "A significant date"
    years = item.years_since
    return f"{label_text} ({_ordinal(years)} anniversary)" if years else label_text


def _ordinal(number: int) -> str:
    if 10 <= number % 100 <= 20:
        return f"{number}th"
    return f"{number}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(number % 10, 'th') }"


def _follow_up_words(referral: Referral, recipients: dict[str, str]) -> str:
    """ "Referral to Dr Priya Shah: no reply since 3 Mar 2025"."""
    to = recipients.get(referral.professional_id, "a professional")
    sent = referral.details.sent_on
    return f"Referral to {to}: no reply" + (f" since {formatting.day(sent)}" if sent else "")
