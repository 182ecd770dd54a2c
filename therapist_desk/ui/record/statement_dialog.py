"""Choosing the period of a statement (this month, last month, or a range), then print or PDF."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from therapist_desk.ui.common.icons import icon
from therapist_desk.ui.common.optional_date import qdate
from therapist_desk.ui.common.widgets import label, named
from therapist_desk.ui.printing.statement_document import period_words

THIS_MONTH, LAST_MONTH, CUSTOM = "this_month", "last_month", "custom"
#: Prints or saves the statement for (start, end); True once done.
Output = Callable[[date, date], bool]


def month_of(day: date) -> tuple[date, date]:
    """The first and last day of the month holding `day`."""
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


class StatementDialog(QDialog):
    def __init__(
        self,
        today: date,
        print_statement: Output,
        save_statement: Output,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Statement of account")
        self._today = today
        self._print = print_statement
        self._save = save_statement
        self.period = named(QComboBox(), "Statement period")
        self.period.addItem("This month", THIS_MONTH)
        self.period.addItem("Last month", LAST_MONTH)
        self.period.addItem("A range of days", CUSTOM)
        first, _last = month_of(today)
        self.start = named(QDateEdit(qdate(first)), "Statement from")
        self.end = named(QDateEdit(qdate(today)), "Statement to")
        for field in (self.start, self.end):
            field.setCalendarPopup(True)
            field.setDisplayFormat("d MMM yyyy")
            field.dateChanged.connect(self._show_period)
        self.period.currentIndexChanged.connect(self._period_chosen)
        self.chosen = named(label("", "muted", wrap=True), "Statement covers")
        self.print_button = named(QPushButton(icon("print"), "Print…"), "Print the statement")
        self.pdf_button = named(
            QPushButton(icon("save"), "Save as PDF…"), "Save the statement as PDF"
        )
        self.print_button.clicked.connect(lambda: self._output(self._print))
        self.pdf_button.clicked.connect(lambda: self._output(self._save))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.print_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.pdf_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("Period", self.period)
        form.addRow("From", self.start)
        form.addRow("To", self.end)
        layout = QVBoxLayout(self)
        layout.addWidget(
            label(
                "Every session charged and every payment received in the period, with the "
                "balance after each. Printing or saving it is recorded in the audit trail.",
                "muted",
                wrap=True,
            )
        )
        layout.addLayout(form)
        layout.addWidget(self.chosen)
        layout.addWidget(buttons)
        self.setMinimumWidth(440)
        self._period_chosen()
        self.period.setFocus()

    def choose(self, period: str) -> None:
        self.period.setCurrentIndex(self.period.findData(period))

    def dates(self) -> tuple[date, date]:
        start, end = self.start.date(), self.end.date()
        return (
            date(start.year(), start.month(), start.day()),
            date(end.year(), end.month(), end.day()),
        )

    def _period_chosen(self) -> None:
        chosen = self.period.currentData()
        custom = chosen == CUSTOM
        self.start.setEnabled(custom)
        self.end.setEnabled(custom)
        if chosen == THIS_MONTH:
            first, last = month_of(self._today)
            self._set_dates(first, last)
        elif chosen == LAST_MONTH:
            first, last = month_of(month_of(self._today)[0] - timedelta(days=1))
            self._set_dates(first, last)
        self._show_period()

    def _set_dates(self, start: date, end: date) -> None:
        for field, value in ((self.start, start), (self.end, end)):
            field.blockSignals(True)
            field.setDate(qdate(value))
            field.blockSignals(False)

    def _show_period(self) -> None:
        start, end = self.dates()
        ok = start <= end
        self.chosen.setText(
            f"The statement covers {period_words(start, end)}."
            if ok
            else "The first day comes after the last; choose the period again."
        )
        self.print_button.setEnabled(ok)
        self.pdf_button.setEnabled(ok)

    def _output(self, output: Output) -> None:
        start, end = self.dates()
        if start <= end and output(start, end):
            self.accept()
