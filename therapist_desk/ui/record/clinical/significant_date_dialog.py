"""Adding or changing a significant date: a death, an anniversary, a hard day coming."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from therapist_desk.clinical.significant_dates import MAX_REMIND_DAYS
from therapist_desk.domain.records import SignificantDate, SignificantDateDetails
from therapist_desk.ui.common.optional_date import DISPLAY_FORMAT, qdate
from therapist_desk.ui.common.record_dialog import RecordDialog
from therapist_desk.ui.common.widgets import label, named


class SignificantDateDialog(RecordDialog[SignificantDate]):
    def __init__(
        self,
        save: Callable[[SignificantDateDetails], SignificantDate],
        today: date,
        entry: SignificantDate | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("date", parent, cancel_name="Cancel")
        self._save = save
        self.setWindowTitle("Edit significant date" if entry else "New significant date")
        self.what = named(QLineEdit(), "What the date is")
        self.what.setPlaceholderText("e.g. Anniversary of her father's death")
        self.falls_on = named(QDateEdit(), "The date")
        self.falls_on.setCalendarPopup(True)
        self.falls_on.setDisplayFormat(DISPLAY_FORMAT)
        self.falls_on.setDate(qdate(today))
        self.falls_on.setMaximumWidth(200)
        self.yearly = named(QCheckBox("Every year (an anniversary)"), "Every year")
        self.yearly.setChecked(True)
        self.remind = named(QSpinBox(), "Remind this many days before")
        self.remind.setRange(0, MAX_REMIND_DAYS)
        self.remind.setValue(SignificantDateDetails().remind_days_before)
        self.remind.setSuffix(" days before")
        self.notes = named(QPlainTextEdit(), "Notes on the date")
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(72)
        form = QFormLayout()
        form.addRow("What *", self.what)
        form.addRow("Date *", self.falls_on)
        form.addRow("", self.yearly)
        form.addRow("Remind me", self.remind)
        form.addRow(
            "",
            label("It shows on the client's overview from then until the day.", "muted", wrap=True),
        )
        form.addRow("Notes", self.notes)
        self.lay_out(form)
        self.setMinimumWidth(480)
        if entry is not None:
            self.fill(entry.details)
        self.what.setFocus()

    def fill(self, details: SignificantDateDetails) -> None:
        self.what.setText(details.label)
        if details.falls_on is not None:
            self.falls_on.setDate(qdate(details.falls_on))
        self.yearly.setChecked(details.yearly)
        self.remind.setValue(details.remind_days_before)
        self.notes.setPlainText(details.notes)

    def details(self) -> SignificantDateDetails:
        chosen = self.falls_on.date()
        return SignificantDateDetails(
            label=" ".join(self.what.text().split()),
            falls_on=date(chosen.year(), chosen.month(), chosen.day()),
            yearly=self.yearly.isChecked(),
            remind_days_before=self.remind.value(),
            notes=self.notes.toPlainText().strip(),
        )

    def store(self) -> SignificantDate:
        return self._save(self.details())
