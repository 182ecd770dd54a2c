"""Scheduling a session: when, how long, what kind, who attends, and whether it repeats."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from PySide6.QtCore import QTime
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListView,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from therapist_desk.domain.records import SessionDetails, TherapySession
from therapist_desk.domain.vocabulary import SessionKind
from therapist_desk.errors import InvalidInput
from therapist_desk.records import calendar, fees
from therapist_desk.records.calendar import MAX_OCCURRENCES, Recurrence
from therapist_desk.ui.common import formatting
from therapist_desk.ui.common.models import AttendeeFilter, attendee_checklist
from therapist_desk.ui.common.money import from_spin_box, spin_box_value
from therapist_desk.ui.common.optional_date import qdate
from therapist_desk.ui.common.saving import SAVE_ERRORS
from therapist_desk.ui.common.widgets import label, named
from therapist_desk.ui.open_vault import OpenVault
from therapist_desk.ui.record.booking_changes import (
    Clash,
    ClashGuard,
    ClashWarning,
    date_field,
    length_field,
    local_start,
    series_clash_heading,
    time_field,
)

#: How often a series repeats, in weeks, as the Repeat list offers it (0: once).
REPEAT_CHOICES = (
    ("Does not repeat", 0),
    ("Every week", 1),
    ("Every two weeks", 2),
    ("Every four weeks", 4),
)
DEFAULT_SERIES_LENGTH = 6


@dataclass(frozen=True)
class UnfinishedSession:
    """A booking typed but not saved when the vault locked."""

    starts_at: datetime
    duration_minutes: int
    details: SessionDetails
    attendees: tuple[str, ...]
    recurrence: Recurrence | None = None


class SessionDialog(QDialog):
    """Book one session, or a weekly or fortnightly series; clashes are listed before saving."""

    def __init__(
        self,
        open_vault: OpenVault,
        first_client_id: str | None,
        start: datetime,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._vault = open_vault
        self.saved: TherapySession | None = None
        #: Every session booked, the first one first (one, or the whole series).
        self.booked: tuple[TherapySession, ...] = ()
        self.setWindowTitle("Schedule a session")
        local = start.astimezone()
        self.day = date_field("Session date", local.date())
        self.start_time = time_field("Start time", local)
        self.duration = length_field(50)
        self.repeat = named(QComboBox(), "Repeat")
        for text, weeks in REPEAT_CHOICES:
            self.repeat.addItem(text, weeks)
        self.ends_after = named(QRadioButton("After"), "Ends after a number of sessions")
        self.ends_after.setChecked(True)
        self.count = named(QSpinBox(), "Number of sessions in the series")
        self.count.setRange(2, MAX_OCCURRENCES)
        self.count.setValue(DEFAULT_SERIES_LENGTH)
        self.count.setSuffix(" sessions")
        self.ends_on = named(QRadioButton("On"), "Ends on a date")
        self.until = date_field("Last day of the series", local.date() + timedelta(weeks=11))
        self.series_summary = named(label("", "muted", wrap=True), "Sessions in the series")
        self.kind = named(QComboBox(), "Kind of session")
        for kind, text in formatting.KIND_LABELS.items():
            self.kind.addItem(text, kind)
        self.title = named(QLineEdit(), "Session title")
        self.title.setPlaceholderText("Optional, e.g. the name of a group")
        self.attendees = attendee_checklist(open_vault.clients, self)
        if first_client_id is not None:
            self.attendees.tick(first_client_id)
        self.attendee_filter = AttendeeFilter(self.attendees, self)
        self.attendee_search = named(QLineEdit(), "Find an attendee")
        self.attendee_search.setPlaceholderText("Type a name to add someone…")
        self.attendee_search.textChanged.connect(self.attendee_filter.set_text)
        self.attendee_view = named(QListView(), "Attendees")
        self.attendee_view.setModel(self.attendee_filter)
        self.attendee_view.setMinimumHeight(120)
        self.fee = named(QDoubleSpinBox(), "Fee")
        self.fee.setRange(-1, 100_000)
        self.fee.setDecimals(2)
        self.fee.setSpecialValueText("No fee")
        self.fee.setValue(spin_box_value(_default_fee(open_vault)))
        self.problems = named(label("", wrap=True), "Problems with the session")
        self.clashes = ClashWarning()

        ends = QWidget()
        ends_layout = QHBoxLayout(ends)
        ends_layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.ends_after, self.count, self.ends_on, self.until):
            ends_layout.addWidget(widget)
        ends_layout.addStretch(1)
        self.form = QFormLayout()
        self.form.addRow("Date", self.day)
        self.form.addRow("Starts", self.start_time)
        self.form.addRow("Length", self.duration)
        self.form.addRow("Repeat", self.repeat)
        self.form.addRow("Ends", ends)
        self.form.addRow("", self.series_summary)
        self.form.addRow("Kind", self.kind)
        self.form.addRow("Attending", self.attendee_search)
        self.form.addRow("", self.attendee_view)
        self.form.addRow("Title", self.title)
        self.form.addRow("Fee", self.fee)
        self._ends_row = ends
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("Schedule")
        buttons.accepted.connect(self._try_save)
        buttons.rejected.connect(self.reject)
        self.guard = ClashGuard(open_vault, self.clashes, self.save_button, self.problems)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.clashes)
        layout.addWidget(self.problems)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)

        for signal in (
            self.day.dateChanged,
            self.start_time.timeChanged,
            self.duration.valueChanged,
            self.repeat.currentIndexChanged,
            self.count.valueChanged,
            self.until.dateChanged,
            self.ends_after.toggled,
        ):
            signal.connect(self._timing_changed)
        self._timing_changed()
        self.day.setFocus()

    # -- what was typed ------------------------------------------------------------------

    def fill(self, unfinished: UnfinishedSession) -> None:
        """Put back what was typed before the vault locked."""
        local = unfinished.starts_at.astimezone()
        self.day.setDate(qdate(local.date()))
        self.start_time.setTime(QTime(local.hour, local.minute))
        self.duration.setValue(unfinished.duration_minutes)
        self.kind.setCurrentIndex(self.kind.findData(unfinished.details.kind))
        self.title.setText(unfinished.details.title)
        self.fee.setValue(spin_box_value(unfinished.details.fee))
        recurrence = unfinished.recurrence
        if recurrence is not None:
            self.repeat.setCurrentIndex(max(0, self.repeat.findData(recurrence.interval_weeks)))
            if recurrence.until is not None:
                self.ends_on.setChecked(True)
                self.until.setDate(qdate(recurrence.until))
            elif recurrence.count is not None:
                self.ends_after.setChecked(True)
                self.count.setValue(recurrence.count)
        for client_id in unfinished.attendees:
            self.attendees.tick(client_id)

    def unfinished(self) -> UnfinishedSession:
        return UnfinishedSession(
            self.starts_at(),
            self.duration.value(),
            self.details(),
            self.attendees.ticked(),
            self.recurrence(),
        )

    def starts_at(self) -> datetime:
        return local_start(self.day, self.start_time)  # on the therapist's own clock

    def details(self) -> SessionDetails:
        return SessionDetails(
            kind=SessionKind(self.kind.currentData()),
            title=self.title.text().strip(),
            fee=from_spin_box(self.fee.value()),
        )

    def recurrence(self) -> Recurrence | None:
        """How the booking repeats; None for a single session."""
        weeks = int(self.repeat.currentData())
        if not weeks:
            return None
        if self.ends_after.isChecked():
            return Recurrence(interval_weeks=weeks, count=self.count.value())
        chosen = self.until.date()
        last_day = date(chosen.year(), chosen.month(), chosen.day())
        return Recurrence(interval_weeks=weeks, until=last_day)

    # -- the series ------------------------------------------------------------------------

    def _timing_changed(self) -> None:
        self.guard.forget()
        recurrence = self.recurrence()
        self.form.setRowVisible(self._ends_row, recurrence is not None)
        self.form.setRowVisible(self.series_summary, recurrence is not None)
        self.count.setEnabled(self.ends_after.isChecked())
        self.until.setEnabled(self.ends_on.isChecked())
        self.setWindowTitle("Schedule a series" if recurrence else "Schedule a session")
        if recurrence is None:
            self.series_summary.clear()
            return
        try:
            starts = calendar.occurrence_starts(self.starts_at(), recurrence)
        except InvalidInput as error:
            self.series_summary.setText(" ".join(error.problems) or error.message)
            return
        first = starts[0].astimezone()
        every = {weeks: text.lower() for text, weeks in REPEAT_CHOICES}
        self.series_summary.setText(
            f"{len(starts)} sessions, {every[recurrence.interval_weeks]} on {first:%A}s at "
            f"{first:%H:%M}, the last on {formatting.day(starts[-1].astimezone().date())}."
        )

    # -- saving ----------------------------------------------------------------------------

    def _clashes(self) -> list[Clash]:
        vault, starts, minutes = self._vault.vault, self.starts_at(), self.duration.value()
        recurrence = self.recurrence()
        if recurrence is None:
            found = calendar.overlapping_sessions(vault, starts, minutes)
            return [(starts, found)] if found else []
        overlaps = calendar.series_overlaps(vault, starts, minutes, recurrence)
        return [(overlap.starts_at, overlap.sessions) for overlap in overlaps]

    def _clash_heading(self, clashes: list[Clash]) -> str:
        if self.recurrence() is None:
            return "That time is already booked:"
        return series_clash_heading(clashes)

    def _save(self) -> None:
        starts, minutes, details = self.starts_at(), self.duration.value(), self.details()
        attendees = self.attendees.ticked()
        recurrence = self.recurrence()
        if recurrence is None:
            self.booked = (self._vault.schedule_session(starts, minutes, details, attendees),)
        else:
            series = self._vault.book_series(starts, minutes, details, attendees, recurrence)
            self.booked = series.sessions
        self.saved = self.booked[0]

    def _try_save(self) -> None:
        proposal = (self.starts_at(), self.duration.value(), self.recurrence())
        if self.guard.attempt(proposal, self._clashes, self._clash_heading, self._save):
            self.accept()


def _default_fee(open_vault: OpenVault) -> Decimal | None:
    """The practice's default fee, or None (also when it cannot be read just now)."""
    try:
        return fees.default_fee(open_vault.vault)
    except SAVE_ERRORS:
        return None


def next_hour(now: datetime) -> datetime:
    local = now.astimezone()
    return (local + timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
