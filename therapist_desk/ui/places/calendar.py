"""The Calendar place: a day or a week of sessions, to look through, open and book.

The period is read in the worker thread (`calendar.week_view`), then drawn by
one painted grid. Changes made anywhere (a booking, a cancellation, a moved
session) reload it while it is shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import pairwise

from PySide6.QtCore import QPoint, QRect, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QHBoxLayout,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from therapist_desk.domain.records import TherapySession
from therapist_desk.domain.wall_clock import monday_of
from therapist_desk.records import calendar
from therapist_desk.records.calendar import CalendarDay
from therapist_desk.ui.changes import Change, Kind
from therapist_desk.ui.common import formatting
from therapist_desk.ui.common.dialogs import DialogService
from therapist_desk.ui.common.icons import icon
from therapist_desk.ui.common.reload import ReloadWhenShown
from therapist_desk.ui.common.widgets import heading, label, named, scrolling
from therapist_desk.ui.open_vault import OpenVault
from therapist_desk.ui.places.calendar_grid import (
    NOT_HAPPENING,
    BlockState,
    CalendarGrid,
    block_state,
    lay_out,
)
from therapist_desk.ui.record.booking_changes import BookingChanges
from therapist_desk.ui.record.session_dialog import SessionDialog, UnfinishedSession, next_hour

DAY, WEEK = "day", "week"


@dataclass(frozen=True)
class _Period:
    mode: str
    #: The day shown, or the Monday of the week shown.
    first: date

    @property
    def length(self) -> int:
        return 1 if self.mode == DAY else 7

    def days(self) -> list[date]:
        return [self.first + timedelta(days=offset) for offset in range(self.length)]


def _period_title(period: _Period) -> str:
    if period.mode == DAY:
        return formatting.long_day(period.first)
    last = period.first + timedelta(days=6)
    if period.first.month == last.month:
        return f"{period.first.day}–{last.day} {last:%B %Y}"
    if period.first.year == last.year:
        return f"{period.first.day} {period.first:%b} – {last.day} {last:%b %Y}"
    return f"{period.first.day} {period.first:%b %Y} – {last.day} {last:%b %Y}"


class CalendarView(QWidget):
    """Emits `open_session(client_id, session_id)` when the therapist opens a session."""

    open_session = Signal(str, str)
    refreshed = Signal()

    def __init__(self, dialogs: DialogService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "Calendar place")
        self._dialogs = dialogs
        self._vault: OpenVault | None = None
        self._period = _Period(WEEK, monday_of(date.today()))
        self._days: tuple[CalendarDay, ...] = ()
        self._request = 0  # the latest load asked for; older answers are dropped
        self._reloads = ReloadWhenShown(self, self.refresh, shown_reloads=True)
        self._keep: str | None = None  # the session to choose again after a reload
        self._unfinished: UnfinishedSession | None = None
        self.changes = BookingChanges(self, dialogs, lambda: self._vault)

        self.title = heading("Calendar")
        self.title.setAccessibleName("Period shown")
        self.previous_button = named(QPushButton(icon("previous"), ""), "Previous week")
        self.today_button = named(QPushButton("Today"), "Go to today")
        self.next_button = named(QPushButton(icon("next"), ""), "Next week")
        self.day_button = named(QPushButton("Day"), "Day view")
        self.week_button = named(QPushButton("Week"), "Week view")
        self.modes = QButtonGroup(self)
        for button in (self.day_button, self.week_button):
            button.setCheckable(True)
            self.modes.addButton(button)
        self.week_button.setChecked(True)
        self.book_button = named(QPushButton(icon("add"), "Book a session…"), "Book a session")
        self.summary = named(label("", "muted", wrap=True), "Calendar summary")
        self.grid = CalendarGrid()
        self.scroll_area = scrolling(self.grid)

        self.previous_button.clicked.connect(lambda: self.step(-1))
        self.next_button.clicked.connect(lambda: self.step(1))
        self.today_button.clicked.connect(self.go_to_today)
        self.day_button.clicked.connect(lambda: self.set_mode(DAY))
        self.week_button.clicked.connect(lambda: self.set_mode(WEEK))
        self.book_button.clicked.connect(lambda: self.book(None))
        self.grid.session_opened.connect(self._open)
        self.grid.slot_chosen.connect(self.book)
        self.grid.day_chosen.connect(self.show_day)
        self.grid.step_requested.connect(self.step)
        self.grid.menu_requested.connect(self._menu)
        self.grid.selection_moved.connect(self._scroll_to)

        bar = QHBoxLayout()
        bar.addWidget(self.title, 1)
        for widget in (
            self.previous_button,
            self.today_button,
            self.next_button,
        ):
            bar.addWidget(widget)
        bar.addSpacing(12)
        bar.addWidget(self.day_button)
        bar.addWidget(self.week_button)
        bar.addSpacing(12)
        bar.addWidget(self.book_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.summary)
        layout.addWidget(self.scroll_area, 1)
        order = (
            self.previous_button,
            self.today_button,
            self.next_button,
            self.day_button,
            self.week_button,
            self.book_button,
            self.grid,
        )
        for first, second in pairwise(order):
            QWidget.setTabOrder(first, second)
        self._show_mode()

    # -- the vault ---------------------------------------------------------------------

    def attach(self, open_vault: OpenVault) -> None:
        self._vault = open_vault
        self._period = _Period(self._period.mode, self._first_day(open_vault.today()))
        open_vault.changed.connect(self._changed)

    def _changed(self, change: Change) -> None:
        if change.touches(Kind.SESSION) or change.removed:
            self._reloads.request()
        elif change.touches(Kind.CLIENT):
            self.relabel()

    def refresh(self) -> None:
        """Read the period in the worker thread, then draw it."""
        vault = self._vault
        if vault is None:
            return
        self._request += 1
        request, period, store = self._request, self._period, vault.vault
        if not self._days:
            self.summary.setText("Loading…")

        def work() -> tuple[CalendarDay, ...]:
            if period.mode == DAY:
                return (calendar.day_view(store, period.first),)
            return calendar.week_view(store, period.first)

        vault.in_background(
            work,
            lambda days: self._loaded(request, days),
            lambda error: self._failed(request, error),
        )

    def _failed(self, request: int, error: BaseException) -> None:
        if request == self._request:
            self.summary.setText(
                f"The calendar could not be read ({type(error).__name__}). "
                "Lock and unlock to try again."
            )

    def _loaded(self, request: int, days: tuple[CalendarDay, ...]) -> None:
        if request != self._request or self._vault is None:
            return  # the therapist has moved on to another period meanwhile
        self._days = days
        self._draw()
        self.refreshed.emit()

    def _draw(self) -> None:
        vault = self._vault
        if vault is None:
            return
        keep = self._keep or (session.id if (session := self.grid.selected_session()) else None)
        self._keep = None
        blocks = lay_out(self._days, vault.names_of)
        self.grid.set_period(
            [day.day for day in self._days], blocks, vault.today(), vault.vault.now(), keep
        )
        self._summarise([day.sessions for day in self._days])

    def _summarise(self, by_day: Sequence[Sequence[TherapySession]]) -> None:
        sessions = [session for day in by_day for session in day]
        period = "today" if self._period.mode == DAY and self._is_today() else None
        period = period or ("this day" if self._period.mode == DAY else "this week")
        if not sessions:
            self.summary.setText(
                f"No sessions {period}. Double-click a time to book one there, "
                "or use “Book a session…”."
            )
            return
        off = sum(1 for session in sessions if block_state(session) in NOT_HAPPENING)
        count = len(sessions)
        text = f"{count} session{'s' if count != 1 else ''} {period}"
        if off:
            text += f", {off} of them cancelled or missed"
        self.summary.setText(
            text + ". Arrows move between sessions, Enter opens one; "
            "double-click a free time to book."
        )

    def _is_today(self) -> bool:
        return self._vault is not None and self._period.first == self._vault.today()

    def relabel(self) -> None:
        """Names again (privacy mode changed, or a client was renamed), without reading."""
        if self._days:
            self._draw()

    # -- the period ----------------------------------------------------------------------

    def _first_day(self, day: date) -> date:
        return day if self._period.mode == DAY else monday_of(day)

    def _go(self, period: _Period) -> None:
        self._period = period
        self._show_mode()
        self.refresh()

    def _now(self) -> tuple[date, datetime]:
        if self._vault is None:
            moment = datetime.now().astimezone()
            return moment.date(), moment
        return self._vault.today(), self._vault.vault.now()

    def step(self, direction: int) -> None:
        """The previous (-1) or next (+1) day or week."""
        delta = timedelta(days=self._period.length * direction)
        self._go(_Period(self._period.mode, self._period.first + delta))

    def go_to_today(self) -> None:
        today, _now = self._now()
        self._go(_Period(self._period.mode, self._first_day(today)))

    def set_mode(self, mode: str) -> None:
        if mode == self._period.mode:
            return
        today, _now = self._now()
        shown = self._period.days()
        # A week opens on the day it holds that matters most: today, else its Monday.
        anchor = today if today in shown else shown[0]
        selected = self.grid.selected_session()
        if selected is not None:
            anchor = formatting.local(selected.starts_at).date()
            self._keep = selected.id
        self._go(_Period(mode, anchor if mode == DAY else monday_of(anchor)))

    def show_day(self, day: date) -> None:
        self._go(_Period(DAY, day))

    def show_week(self, day: date) -> None:
        """The week (Monday to Sunday) that holds `day`."""
        self._go(_Period(WEEK, monday_of(day)))

    def _show_mode(self) -> None:
        week = self._period.mode == WEEK
        self.week_button.setChecked(week)
        self.day_button.setChecked(not week)
        unit = "week" if week else "day"
        self.previous_button.setAccessibleName(f"Previous {unit}")
        self.next_button.setAccessibleName(f"Next {unit}")
        self.previous_button.setToolTip(f"The previous {unit} (Page Up)")
        self.next_button.setToolTip(f"The next {unit} (Page Down)")
        self.title.setText(_period_title(self._period))

    # -- sessions ------------------------------------------------------------------------

    def _scroll_to(self, rect: QRect) -> None:
        self.scroll_area.ensureVisible(rect.center().x(), rect.center().y(), 0, rect.height())

    def _open(self, session: TherapySession) -> None:
        if session.client_ids:
            self._keep = session.id
            self.open_session.emit(session.client_ids[0], session.id)

    def _menu(self, session: TherapySession, where: QPoint) -> None:
        menu = QMenu(self)
        menu.addAction("Open in the client's record", lambda: self._open(session))
        menu.addSeparator()
        menu.addAction(icon("move"), "Move this session…", lambda: self.changes.move(session))
        cancel = menu.addAction(
            icon("cancelled"), "Cancel this session", lambda: self.changes.cancel(session)
        )
        cancel.setEnabled(block_state(session) is BlockState.BOOKED)
        if session.series_id is not None:
            menu.addSeparator()
            menu.addAction(
                "Change the time of this and later sessions…",
                lambda: self.changes.change_series_time(session),
            )
            menu.addAction("End the series from here…", lambda: self.changes.end_series(session))
        menu.exec(where)

    def book(self, start: datetime | None) -> None:
        """Book a session at `start` (a double-clicked time), or at the next hour."""
        vault = self._vault
        if vault is None:
            return
        dialog = SessionDialog(vault, None, start or next_hour(vault.vault.now()), self)
        if self._unfinished is not None:
            dialog.fill(self._unfinished)
            self._unfinished = None
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.saved is not None:
            day = formatting.local(dialog.saved.starts_at).date()
            # The calendar may already have redrawn while the dialog closed;
            # otherwise the next drawing chooses the new booking.
            if not self.grid.select_session(dialog.saved.id):
                self._keep = dialog.saved.id
            if day not in self._period.days():
                self._keep = dialog.saved.id
                self._go(_Period(self._period.mode, self._first_day(day)))
        elif dialog.property("closed_by_lock"):
            self._unfinished = dialog.unfinished()  # offered again next time

    def clear(self) -> None:
        self._vault = None
        self._request += 1
        self._days = ()
        self._keep = None
        self.grid.clear()
        self.summary.clear()
        self.title.setText("Calendar")
