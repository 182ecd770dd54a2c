"""Changing a booking: move one session, cancel it, retime or end its series.

The same steps are offered from a client's sessions and from the calendar.
Every change that puts a session at a new time first lists the bookings it
would clash with; the therapist may go ahead anyway (a second click).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, time

from PySide6.QtCore import QTime
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from therapist_desk.domain.records import TherapySession
from therapist_desk.domain.vocabulary import Attendance
from therapist_desk.domain.wall_clock import at_wall_clock
from therapist_desk.records import calendar
from therapist_desk.ui.common import formatting
from therapist_desk.ui.common.dialogs import DialogService
from therapist_desk.ui.common.optional_date import qdate
from therapist_desk.ui.common.saving import SAVE_ERRORS, save_error_text, saved_or_explained
from therapist_desk.ui.common.widgets import label, named, scrolling
from therapist_desk.ui.open_vault import OpenVault

#: A proposed time and the bookings it clashes with.
Clash = tuple[datetime, Sequence[TherapySession]]


def local_start(day: QDateEdit, start: QTimeEdit) -> datetime:
    """The moment a date field and a time field name, on this computer's clock."""
    chosen_day, chosen_time = day.date(), start.time()
    naive = datetime(chosen_day.year(), chosen_day.month(), chosen_day.day())
    return naive.replace(hour=chosen_time.hour(), minute=chosen_time.minute()).astimezone()


def date_field(name: str, value: date) -> QDateEdit:
    field = named(QDateEdit(qdate(value)), name)
    field.setCalendarPopup(True)
    field.setDisplayFormat("ddd d MMM yyyy")
    return field


def time_field(name: str, value: datetime) -> QTimeEdit:
    local = value.astimezone()
    field = named(QTimeEdit(QTime(local.hour, local.minute)), name)
    field.setDisplayFormat("HH:mm")
    return field


def length_field(minutes: int) -> QSpinBox:
    field = named(QSpinBox(), "Duration in minutes")
    field.setRange(5, 12 * 60)
    field.setSingleStep(5)
    field.setValue(minutes)
    field.setSuffix(" min")
    return field


def describe(open_vault: OpenVault, session: TherapySession) -> str:
    """ "A. H. (Individual, 10:00–10:50)": who, what and when, names as lists show them."""
    kind = formatting.KIND_LABELS[session.details.kind]
    title = f" “{session.details.title}”" if session.details.title else ""
    span = formatting.span(session.starts_at, session.duration_minutes)
    return f"{open_vault.names_of(session.client_ids) or 'no one'} ({kind}{title}, {span})"


def clash_lines(open_vault: OpenVault, clashes: Sequence[Clash]) -> list[str]:
    """One line per clashing time: when, and every booking already there."""
    return [
        f"{formatting.when(starts_at)}: "
        + "; ".join(describe(open_vault, other) for other in others)
        for starts_at, others in clashes
    ]


class ClashWarning(QWidget):
    """The bookings a new time would clash with, listed in the dialog above its buttons."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = named(label("", "subheading", wrap=True), "Clashing bookings")
        self.lines = named(label("", wrap=True), "The bookings that clash")
        self.area = scrolling(self.lines)
        self.area.setMaximumHeight(150)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        layout.addWidget(self.heading)
        layout.addWidget(self.area)
        self.hide()

    def show_clashes(self, heading: str, lines: Sequence[str]) -> None:
        self.heading.setText(heading)
        self.lines.setText("\n".join(f"• {line}" for line in lines))
        self.show()

    def forget(self) -> None:
        self.heading.clear()
        self.lines.clear()
        self.hide()


class ClashGuard:
    """Saves a booking, but first lists what it would clash with.

    The first attempt at a time that clashes shows the clashes and turns the
    button into "… anyway"; a second attempt at the same time goes ahead.
    Changing the time forgets the warning.
    """

    def __init__(
        self,
        open_vault: OpenVault,
        warning: ClashWarning,
        button: QPushButton,
        problems: QLabel,
    ) -> None:
        self._vault = open_vault
        self._warning = warning
        self._button = button
        self._action = button.text()
        self._problems = problems
        self._accepted: object = None

    def forget(self) -> None:
        self._accepted = None
        self._warning.forget()
        self._button.setText(self._action)

    def attempt(
        self,
        proposal: object,
        find_clashes: Callable[[], list[Clash]],
        heading: Callable[[list[Clash]], str],
        save: Callable[[], object],
    ) -> bool:
        """True once saved; False with the clashes or the problems shown."""
        self._problems.clear()

        def saved_unless_it_clashes() -> bool:
            if proposal != self._accepted:
                clashes = find_clashes()
                if clashes:
                    self._warning.show_clashes(heading(clashes), clash_lines(self._vault, clashes))
                    self._accepted = proposal
                    self._button.setText(f"{self._action} anyway")
                    return False
            save()
            return True

        return saved_or_explained(saved_unless_it_clashes, self._problems.setText) is True


def _one_time(clashes: list[Clash]) -> str:
    return "That time is already booked:"


class _TimeDialog(QDialog):
    """A short dialog that puts bookings at a new time: a form, the clashes, the buttons."""

    def __init__(self, open_vault: OpenVault, title: str, action: str, parent: QWidget | None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self._vault = open_vault
        self.form = QFormLayout()
        self.problems = named(label("", wrap=True), "Problems with the change")
        self.clashes = ClashWarning()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button: QPushButton = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(action)
        self.buttons.rejected.connect(self.reject)
        self.guard = ClashGuard(open_vault, self.clashes, self.save_button, self.problems)

    def _finish_layout(self, intro: QLabel) -> None:
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(self.form)
        layout.addWidget(self.clashes)
        layout.addWidget(self.problems)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)


class MoveSessionDialog(_TimeDialog):
    """Move one session (one occurrence of a series keeps its series)."""

    def __init__(
        self, open_vault: OpenVault, session: TherapySession, parent: QWidget | None = None
    ) -> None:
        super().__init__(open_vault, "Move this session", "Move", parent)
        self.session = session
        self.moved: TherapySession | None = None
        local = session.starts_at.astimezone()
        self.day = date_field("New date", local.date())
        self.start_time = time_field("New start time", local)
        self.duration = length_field(session.duration_minutes)
        for signal in (
            self.day.dateChanged,
            self.start_time.timeChanged,
            self.duration.valueChanged,
        ):
            signal.connect(self.guard.forget)
        self.form.addRow("Date", self.day)
        self.form.addRow("Starts", self.start_time)
        self.form.addRow("Length", self.duration)
        intro = label(
            f"Now: {formatting.when(session.starts_at)}. Only this session moves"
            + ("; the rest of its series stays as it is." if session.series_id else "."),
            "muted",
            wrap=True,
        )
        self._finish_layout(intro)
        self.buttons.accepted.connect(self._try_save)
        self.day.setFocus()

    def _clashes(self) -> list[Clash]:
        starts = local_start(self.day, self.start_time)
        found = calendar.overlapping_sessions(
            self._vault.vault, starts, self.duration.value(), ignoring=self.session.id
        )
        return [(starts, found)] if found else []

    def _save(self) -> None:
        self.moved = self._vault.move_session(
            self.session.id, local_start(self.day, self.start_time), self.duration.value()
        )

    def _try_save(self) -> None:
        proposal = (local_start(self.day, self.start_time), self.duration.value())
        if self.guard.attempt(proposal, self._clashes, _one_time, self._save):
            self.accept()


def series_clash_heading(clashes: list[Clash]) -> str:
    count = len(clashes)
    return f"{count} of the sessions would clash with other bookings:"


def _still_booked(session: TherapySession) -> bool:
    return all(attendee.attendance is Attendance.SCHEDULED for attendee in session.attendees)


class SeriesTimeDialog(_TimeDialog):
    """Give this session and the later ones of its series a new time of day."""

    def __init__(
        self, open_vault: OpenVault, session: TherapySession, parent: QWidget | None = None
    ) -> None:
        super().__init__(open_vault, "Change the time of this and later sessions", "Change", parent)
        assert session.series_id is not None
        self.session = session
        self.series_id = session.series_id
        self.from_day = session.starts_at.astimezone().date()
        self.changed: list[TherapySession] = []
        self.start_time = time_field("New start time", session.starts_at)
        self.duration = length_field(session.duration_minutes)
        self.start_time.timeChanged.connect(self.guard.forget)
        self.duration.valueChanged.connect(self.guard.forget)
        self.form.addRow("New time", self.start_time)
        self.form.addRow("Length", self.duration)
        intro = label(
            f"From {formatting.day(self.from_day)} on, every session of this series that is "
            "still booked moves to the new time, each on its own day. Sessions with "
            "attendance recorded keep their time.",
            "muted",
            wrap=True,
        )
        self._finish_layout(intro)
        self.buttons.accepted.connect(self._try_save)
        self.start_time.setFocus()

    def _new_time(self) -> time:
        chosen = self.start_time.time()
        return time(chosen.hour(), chosen.minute())

    def _clashes(self) -> list[Clash]:
        vault = self._vault.vault
        series = calendar.series_sessions(vault, self.series_id)
        own = {member.id for member in series}
        clashes: list[Clash] = []
        for member in series:
            day = member.starts_at.astimezone().date()
            if day < self.from_day or not _still_booked(member):
                continue
            starts = at_wall_clock(datetime.combine(day, self._new_time()))
            others = [
                other
                for other in calendar.overlapping_sessions(
                    vault, starts, self.duration.value(), ignoring=member.id
                )
                if other.id not in own  # the series' own sessions move together
            ]
            if others:
                clashes.append((starts, others))
        return clashes

    def _save(self) -> None:
        self.changed = self._vault.change_series_time(
            self.series_id, self.from_day, self._new_time(), self.duration.value()
        )

    def _try_save(self) -> None:
        proposal = (self._new_time(), self.duration.value())
        if self.guard.attempt(proposal, self._clashes, series_clash_heading, self._save):
            self.accept()


class BookingChanges:
    """The steps that change a booked session, with their dialogs and confirmations.

    Each returns True when something changed (the caller reloads what it shows).
    """

    def __init__(
        self,
        parent: QWidget,
        dialogs: DialogService,
        open_vault: Callable[[], OpenVault | None],
    ) -> None:
        self._parent = parent
        self._dialogs = dialogs
        self._open_vault = open_vault

    def move(self, session: TherapySession) -> bool:
        vault = self._open_vault()
        if vault is None:
            return False
        dialog = MoveSessionDialog(vault, session, self._parent)
        return dialog.exec() == QDialog.DialogCode.Accepted and dialog.moved is not None

    def cancel(self, session: TherapySession) -> bool:
        vault = self._open_vault()
        if vault is None:
            return False
        try:
            vault.cancel_session(session.id)
        except SAVE_ERRORS as error:
            self._dialogs.warn(
                self._parent, "The session was not cancelled", save_error_text(error)
            )
            return False
        return True

    def change_series_time(self, session: TherapySession) -> bool:
        vault = self._open_vault()
        if vault is None or session.series_id is None:
            return False
        dialog = SeriesTimeDialog(vault, session, self._parent)
        return dialog.exec() == QDialog.DialogCode.Accepted

    def end_series(self, session: TherapySession) -> bool:
        vault = self._open_vault()
        if vault is None or session.series_id is None:
            return False
        from_day = session.starts_at.astimezone().date()
        if not self._dialogs.confirm(
            self._parent,
            "End the series from here?",
            f"The sessions of this series from {formatting.day(from_day)} on that are still "
            "only booked will be taken out of the calendar. Any with attendance or a note "
            "recorded stay in the record.",
            "End the series",
        ):
            return False
        try:
            ending = vault.end_series(session.series_id, from_day)
        except SAVE_ERRORS as error:
            self._dialogs.warn(self._parent, "The series was not ended", save_error_text(error))
            return False
        removed, kept = len(ending.removed), len(ending.kept)
        text = f"{removed} session{'s' if removed != 1 else ''} taken out of the calendar."
        if kept:
            text += (
                f" {kept} stay{'s' if kept == 1 else ''}, as attendance or a note is recorded "
                f"for {'it' if kept == 1 else 'them'}."
            )
        self._dialogs.inform(self._parent, "Series ended", text)
        return bool(removed)
