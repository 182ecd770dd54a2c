"""Scheduling a session: when, how long, what kind, and who attends."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, Qt, QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLineEdit,
    QListView,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from therapist_desk.domain.records import Client, SessionDetails, TherapySession
from therapist_desk.domain.vocabulary import SessionKind
from therapist_desk.errors import InvalidInput
from therapist_desk.search_index import fold
from therapist_desk.ui import formatting
from therapist_desk.ui.held_drafts import SAVE_ERRORS, save_error_text
from therapist_desk.ui.models import AnyIndex
from therapist_desk.ui.optional_date import qdate
from therapist_desk.ui.widgets import label, named

ScheduleFn = Callable[[datetime, int, SessionDetails, Sequence[str]], TherapySession]
_INVALID = QModelIndex()


@dataclass(frozen=True)
class UnfinishedSession:
    """A booking typed but not saved when the vault locked."""

    starts_at: datetime
    duration_minutes: int
    details: SessionDetails
    attendees: tuple[str, ...]


class AttendeeModel(QAbstractListModel):
    """Clients with a tick for those who attend; filtered by a typed name."""

    def __init__(self, clients: Sequence[Client], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._all = sorted(clients, key=lambda client: client.details.display_name.casefold())
        self._shown = list(self._all)
        self._checked: list[str] = []

    def rowCount(self, parent: AnyIndex = _INVALID) -> int:
        return 0 if parent.isValid() else len(self._shown)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._shown):
            return None
        client = self._shown[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return client.details.display_name
        if role == Qt.ItemDataRole.CheckStateRole:
            checked = client.id in self._checked
            return Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsUserCheckable
        )

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.CheckStateRole:
            return False
        client_id = self._shown[index.row()].id
        state = Qt.CheckState(value) if isinstance(value, int) else value
        if state == Qt.CheckState.Checked and client_id not in self._checked:
            self._checked.append(client_id)
        elif state != Qt.CheckState.Checked and client_id in self._checked:
            self._checked.remove(client_id)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        return True

    def check(self, client_id: str) -> None:
        if client_id not in self._checked:
            self._checked.append(client_id)
            self.filter("")

    def checked(self) -> list[str]:
        return list(self._checked)

    def filter(self, text: str) -> None:
        terms = fold(text).split()
        self.beginResetModel()
        self._shown = [
            client
            for client in self._all
            if client.id in self._checked
            or all(
                any(
                    word.startswith(term)
                    for word in fold(
                        client.details.legal_name + " " + client.details.preferred_name
                    ).split()
                )
                for term in terms
            )
        ]
        self.endResetModel()


class SessionDialog(QDialog):
    def __init__(
        self,
        schedule: ScheduleFn,
        clients: Sequence[Client],
        first_client_id: str,
        start: datetime,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._schedule = schedule
        self.saved: TherapySession | None = None
        self.setWindowTitle("Schedule a session")
        local = start.astimezone()
        self.day = named(QDateEdit(qdate(local.date())), "Session date")
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("ddd d MMM yyyy")
        self.start_time = named(QTimeEdit(QTime(local.hour, local.minute)), "Start time")
        self.start_time.setDisplayFormat("HH:mm")
        self.duration = named(QSpinBox(), "Duration in minutes")
        self.duration.setRange(5, 12 * 60)
        self.duration.setSingleStep(5)
        self.duration.setValue(50)
        self.duration.setSuffix(" min")
        self.kind = named(QComboBox(), "Kind of session")
        for kind, text in formatting.KIND_LABELS.items():
            self.kind.addItem(text, kind)
        self.title = named(QLineEdit(), "Session title")
        self.title.setPlaceholderText("Optional, e.g. the name of a group")
        self.attendees = AttendeeModel(clients, self)
        self.attendees.check(first_client_id)
        self.attendee_search = named(QLineEdit(), "Find an attendee")
        self.attendee_search.setPlaceholderText("Type a name to add someone…")
        self.attendee_search.textChanged.connect(self.attendees.filter)
        self.attendee_view = named(QListView(), "Attendees")
        self.attendee_view.setModel(self.attendees)
        self.attendee_view.setMinimumHeight(140)
        self.fee = named(QDoubleSpinBox(), "Fee")
        self.fee.setRange(-1, 100_000)
        self.fee.setDecimals(2)
        self.fee.setSpecialValueText("No fee")
        self.fee.setValue(-1)
        self.paid = named(QCheckBox("Paid"), "Paid")
        self.problems = named(label("", wrap=True), "Problems with the session")

        form = QFormLayout()
        form.addRow("Date", self.day)
        form.addRow("Starts", self.start_time)
        form.addRow("Length", self.duration)
        form.addRow("Kind", self.kind)
        form.addRow("Attending", self.attendee_search)
        form.addRow("", self.attendee_view)
        form.addRow("Title", self.title)
        form.addRow("Fee", self.fee)
        form.addRow("", self.paid)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("Schedule")
        buttons.accepted.connect(self._try_save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problems)
        layout.addWidget(buttons)
        self.day.setFocus()

    def fill(self, unfinished: UnfinishedSession) -> None:
        """Put back what was typed before the vault locked."""
        local = unfinished.starts_at.astimezone()
        self.day.setDate(qdate(local.date()))
        self.start_time.setTime(QTime(local.hour, local.minute))
        self.duration.setValue(unfinished.duration_minutes)
        self.kind.setCurrentIndex(self.kind.findData(unfinished.details.kind))
        self.title.setText(unfinished.details.title)
        fee = unfinished.details.fee
        self.fee.setValue(-1 if fee is None else float(fee))
        self.paid.setChecked(unfinished.details.paid)
        for client_id in unfinished.attendees:
            self.attendees.check(client_id)

    def unfinished(self) -> UnfinishedSession:
        return UnfinishedSession(
            self.starts_at(), self.duration.value(), self.details(), tuple(self.attendees.checked())
        )

    def starts_at(self) -> datetime:
        chosen_day, chosen_time = self.day.date(), self.start_time.time()
        naive = datetime.combine(
            datetime(chosen_day.year(), chosen_day.month(), chosen_day.day()).date(),
            time(chosen_time.hour(), chosen_time.minute()),
        )
        return naive.astimezone()  # the computer's time zone, as the therapist sees it

    def details(self) -> SessionDetails:
        fee = None if self.fee.value() < 0 else Decimal(f"{self.fee.value():.2f}")
        return SessionDetails(
            kind=SessionKind(self.kind.currentData()),
            title=self.title.text().strip(),
            fee=fee,
            paid=self.paid.isChecked(),
        )

    def _try_save(self) -> None:
        try:
            self.saved = self._schedule(
                self.starts_at(), self.duration.value(), self.details(), self.attendees.checked()
            )
        except InvalidInput as error:
            self.problems.setText("\n".join(error.problems) or error.message)
            return
        except SAVE_ERRORS as error:
            self.problems.setText(
                f"Not saved: {save_error_text(error)}. What you typed is still here."
            )
            return
        self.accept()


def next_hour(now: datetime) -> datetime:
    local = now.astimezone()
    return (local + timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
