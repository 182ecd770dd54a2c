"""Adding or editing a medication, with its prescriber from the directory or in words;
and the short dialog that records when one was stopped."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDateEdit,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from therapist_desk.domain.records import Medication, MedicationDetails, Professional
from therapist_desk.ui.common.formatting import professional_text
from therapist_desk.ui.common.optional_date import DISPLAY_FORMAT, OptionalDateEdit, qdate
from therapist_desk.ui.common.record_dialog import RecordDialog
from therapist_desk.ui.common.widgets import label, named


@dataclass(frozen=True)
class MedicationEntry:
    """What the dialog saves: the details and, if chosen from the directory, the prescriber."""

    details: MedicationDetails
    prescriber_id: str | None


class MedicationDialog(RecordDialog[Medication]):
    """Calls `save(entry)` on Save; stays open, with everything typed, if it is refused."""

    def __init__(
        self,
        save: Callable[[MedicationEntry], Medication],
        directory: Sequence[Professional],
        today: date,
        medication: Medication | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("medication", parent)
        self._save = save
        self._directory = list(directory)
        self.setWindowTitle("Edit medication" if medication else "New medication")
        self.name = named(QLineEdit(), "Medication name")
        self.name.setPlaceholderText("e.g. Sertraline")
        self.dose = named(QLineEdit(), "Dose")
        self.dose.setPlaceholderText("e.g. 50 mg")
        self.frequency = named(QLineEdit(), "Frequency")
        self.frequency.setPlaceholderText("e.g. once a day, in the morning")
        self.prescriber = named(QComboBox(), "Prescriber")
        self.prescriber.setEditable(True)
        self.prescriber.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.prescriber.addItem("", None)
        for professional in self._directory:
            self.prescriber.addItem(professional_text(professional), professional.id)
        # Typing part of a name or an organisation offers the matching entries.
        completer = QCompleter(self.prescriber.model(), self)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.prescriber.setCompleter(completer)
        line = self.prescriber.lineEdit()
        assert line is not None  # the combo box is editable
        line.setPlaceholderText("Choose from the directory, or type a name")
        line.setAccessibleName("Prescriber")
        self.started_on = OptionalDateEdit("Date started", today)
        self.stopped_on = OptionalDateEdit("Date stopped", today)
        self.notes = named(QPlainTextEdit(), "Medication notes")
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(64)

        form = QFormLayout()
        form.addRow("Medication *", self.name)
        form.addRow("Dose", self.dose)
        form.addRow("Frequency", self.frequency)
        form.addRow("Prescriber", self.prescriber)
        form.addRow("Started", self.started_on)
        form.addRow("Stopped", self.stopped_on)
        form.addRow("Notes", self.notes)
        self.lay_out(form)
        self.setMinimumWidth(520)
        if medication is not None:
            self.fill(MedicationEntry(medication.details, medication.prescriber_id))
        self.name.setFocus()

    def fill(self, entry: MedicationEntry) -> None:
        details = entry.details
        self.name.setText(details.name)
        self.dose.setText(details.dose)
        self.frequency.setText(details.frequency)
        chosen = self.prescriber.findData(entry.prescriber_id) if entry.prescriber_id else -1
        if chosen >= 0:
            self.prescriber.setCurrentIndex(chosen)
        else:
            self.prescriber.setCurrentIndex(0)
            self.prescriber.setEditText(details.prescriber_name)
        self.started_on.set_value(details.started_on)
        self.stopped_on.set_value(details.stopped_on)
        self.notes.setPlainText(details.notes)

    def _prescriber(self) -> tuple[str | None, str]:
        """(directory id, name in words): typed text naming someone in the directory picks them."""
        typed = " ".join(self.prescriber.currentText().split())
        if not typed:
            return None, ""
        listed = self.prescriber.findText(typed, Qt.MatchFlag.MatchFixedString)
        if listed > 0:
            return self.prescriber.itemData(listed), ""
        by_name = [p for p in self._directory if p.details.name.casefold() == typed.casefold()]
        if len(by_name) == 1:
            return by_name[0].id, ""
        return None, typed

    def entry(self) -> MedicationEntry:
        prescriber_id, prescriber_name = self._prescriber()
        details = MedicationDetails(
            name=self.name.text().strip(),
            dose=self.dose.text().strip(),
            frequency=self.frequency.text().strip(),
            prescriber_name=prescriber_name,
            started_on=self.started_on.value(),
            stopped_on=self.stopped_on.value(),
            notes=self.notes.toPlainText().strip(),
        )
        return MedicationEntry(details, prescriber_id)

    def store(self) -> Medication:
        return self._save(self.entry())


class StopMedicationDialog(RecordDialog[Medication]):
    """Asks the day a medication was (or will be) stopped; calls `stop(day)` on Stop."""

    kept = ""  # only a day is chosen here: nothing typed to keep

    def __init__(
        self,
        stop: Callable[[date], Medication],
        medication: Medication,
        today: date,
        parent: QWidget | None = None,
    ) -> None:
        name = medication.details.name
        super().__init__("medication", parent, cancel_name="Cancel")
        self._stop = stop
        self.setWindowTitle("Stop a medication")
        self.day = named(QDateEdit(), "Date stopped")
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat(DISPLAY_FORMAT)
        self.day.setDate(qdate(today))
        named(self.problems, "Problems with stopping")
        self.save_button.setText("Stop")
        named(self.save_button, f"Stop {name}")
        form = QFormLayout()
        form.addRow("Stopped on", self.day)
        self.lay_out(
            label(
                f"The day {name} was stopped, or will be. It then moves to past medications.",
                wrap=True,
            ),
            form,
        )
        self.day.setFocus()

    def chosen_day(self) -> date:
        chosen = self.day.date()
        return date(chosen.year(), chosen.month(), chosen.day())

    def store(self) -> Medication:
        return self._stop(self.chosen_day())
