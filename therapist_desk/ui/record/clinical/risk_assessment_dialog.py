"""A dated, structured risk assessment: ideation, plan, intent, means, history, protective
factors, the overall level and the actions taken."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import (
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QWidget,
)

from therapist_desk.clinical.risk import ELEVATED
from therapist_desk.domain.records import RiskAssessment, RiskAssessmentDetails
from therapist_desk.domain.vocabulary import Ideation, RiskLevel
from therapist_desk.ui.common import formatting
from therapist_desk.ui.common.optional_date import DISPLAY_FORMAT, qdate
from therapist_desk.ui.common.record_dialog import RecordDialog
from therapist_desk.ui.common.widgets import named, scrolling
from therapist_desk.ui.record.clinical.risk_summary import IDEATION_SHORT, RISK_LEVEL_LABELS

IDEATION_CHOICES = {
    Ideation.NONE: "None",
    Ideation.PASSIVE: "Passive — wishes to be dead, no thoughts of acting",
    Ideation.ACTIVE: "Active — thoughts of killing themself",
}


def _text_box(name: str, placeholder: str = "", height: int = 52) -> QPlainTextEdit:
    box = named(QPlainTextEdit(), name)
    box.setTabChangesFocus(True)
    box.setFixedHeight(height)
    if placeholder:
        box.setPlaceholderText(placeholder)
    return box


class _LandOnChecked(QObject):
    """Tabbing into a row of radio buttons lands on the chosen one, not the first."""

    def __init__(self, buttons: list[QRadioButton], parent: QObject) -> None:
        super().__init__(parent)
        self._buttons = buttons
        for button in buttons:
            button.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.FocusIn
            and isinstance(event, QFocusEvent)
            and event.reason() in (Qt.FocusReason.TabFocusReason, Qt.FocusReason.BacktabFocusReason)
        ):
            checked = next((button for button in self._buttons if button.isChecked()), None)
            if checked is not None and checked is not watched:
                checked.setFocus(event.reason())
                return True
        return False


class _Choice(QWidget):
    """A row of radio buttons, one per value: one tab stop, the arrow keys choose."""

    changed = Signal()

    def __init__(self, name: str, choices: Mapping[Any, str]) -> None:
        super().__init__()
        self.buttons: dict[Any, QRadioButton] = {}
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for value, text in choices.items():
            # Radio buttons that share a parent are exclusive among themselves.
            button = named(QRadioButton(text), f"{name}: {text.split(' — ')[0]}")
            button.toggled.connect(lambda on: self.changed.emit() if on else None)
            self.buttons[value] = button
            row.addWidget(button)
        row.addStretch(1)
        _LandOnChecked(list(self.buttons.values()), self)
        first = next(iter(self.buttons.values()))
        first.setChecked(True)
        self.setFocusProxy(first)

    def value(self) -> object:
        return next(value for value, button in self.buttons.items() if button.isChecked())

    def set_value(self, value: object) -> None:
        self.buttons[value].setChecked(True)
        self.setFocusProxy(self.buttons[value])


class _YesNo(QWidget):
    """Yes or no, with details beside it."""

    def __init__(self, name: str, placeholder: str) -> None:
        super().__init__()
        self.no = named(QRadioButton("No"), f"{name}: no")
        self.yes = named(QRadioButton("Yes"), f"{name}: yes")
        self.no.setChecked(True)
        _LandOnChecked([self.no, self.yes], self)
        self.details = named(QLineEdit(), f"{name} details")
        self.details.setPlaceholderText(placeholder)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.no)
        row.addWidget(self.yes)
        row.addWidget(self.details, 1)
        self.setFocusProxy(self.no)

    def value(self) -> bool:
        return self.yes.isChecked()

    def set_value(self, on: bool, details: str) -> None:
        (self.yes if on else self.no).setChecked(True)
        self.setFocusProxy(self.yes if on else self.no)
        self.details.setText(details)


class RiskAssessmentDialog(RecordDialog[RiskAssessment]):
    def __init__(
        self,
        save: Callable[[RiskAssessmentDetails], RiskAssessment],
        today: date,
        assessment: RiskAssessment | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("risk assessment", parent, cancel_name="Cancel")
        self._save = save
        if assessment is not None:
            self.setWindowTitle(
                "Risk assessment of "
                f"{formatting.optional_date(assessment.details.assessed_on)} (correcting)"
            )
        else:
            self.setWindowTitle("New risk assessment")
        self.assessed_on = named(QDateEdit(), "Date of the assessment")
        self.assessed_on.setCalendarPopup(True)
        self.assessed_on.setDisplayFormat(DISPLAY_FORMAT)
        self.assessed_on.setMaximumDate(qdate(today))
        self.assessed_on.setDate(qdate(today))
        self.assessed_on.setMaximumWidth(200)
        self.ideation = _Choice("Suicidal ideation", IDEATION_CHOICES)
        self.ideation_details = _text_box(
            "Ideation details", "Frequency, intensity, duration; when it was last present"
        )
        self.plan = _YesNo("Plan", "Method, timing, place; how detailed")
        self.intent = _YesNo("Intent", "How much they intend to act; what holds them back")
        self.means = _YesNo("Access to means", "Medication stockpiles, weapons, ligature points…")
        self.history = _text_box(
            "History", "Earlier attempts, self-harm, what happened then; family history", 60
        )
        self.protective = _text_box(
            "Protective factors",
            "Reasons for living, people, faith, future plans, engagement in therapy",
            60,
        )
        self.level = _Choice("Overall risk level", RISK_LEVEL_LABELS)
        self.actions_label = QLabel("Actions taken")
        self.actions_taken = _text_box(
            "Actions taken",
            "Safety plan reviewed, GP informed, crisis team contacted, means removed…",
            70,
        )
        self.level.changed.connect(self._level_changed)

        body = QWidget()
        form = QFormLayout(body)
        form.addRow("Date", self.assessed_on)
        form.addRow("Ideation", self.ideation)
        form.addRow("Ideation details", self.ideation_details)
        form.addRow("Plan", self.plan)
        form.addRow("Intent", self.intent)
        form.addRow("Access to means", self.means)
        form.addRow("History", self.history)
        form.addRow("Protective factors", self.protective)
        form.addRow("Overall level", self.level)
        form.addRow(self.actions_label, self.actions_taken)
        page = scrolling(body)
        self.lay_out(page, stretch=page)
        self.resize(820, 640)
        if assessment is not None:
            self.fill(assessment.details)
        self._level_changed()
        self.ideation.setFocus()

    def _level_changed(self, *_args: object) -> None:
        elevated = self.level.value() in ELEVATED
        self.actions_label.setText("Actions taken *" if elevated else "Actions taken")

    def fill(self, details: RiskAssessmentDetails) -> None:
        if details.assessed_on is not None:
            self.assessed_on.setDate(qdate(details.assessed_on))
        self.ideation.set_value(details.ideation)
        self.ideation_details.setPlainText(details.ideation_details)
        self.plan.set_value(details.has_plan, details.plan_details)
        self.intent.set_value(details.has_intent, details.intent_details)
        self.means.set_value(details.access_to_means, details.means_details)
        self.history.setPlainText(details.history)
        self.protective.setPlainText(details.protective_factors)
        self.level.set_value(details.level)
        self.actions_taken.setPlainText(details.actions)

    def details(self) -> RiskAssessmentDetails:
        chosen = self.assessed_on.date()
        ideation = self.ideation.value()
        level = self.level.value()
        assert isinstance(ideation, Ideation) and isinstance(level, RiskLevel)
        return RiskAssessmentDetails(
            assessed_on=date(chosen.year(), chosen.month(), chosen.day()),
            ideation=ideation,
            ideation_details=self.ideation_details.toPlainText().strip(),
            has_plan=self.plan.value(),
            plan_details=self.plan.details.text().strip(),
            has_intent=self.intent.value(),
            intent_details=self.intent.details.text().strip(),
            access_to_means=self.means.value(),
            means_details=self.means.details.text().strip(),
            history=self.history.toPlainText().strip(),
            protective_factors=self.protective.toPlainText().strip(),
            level=level,
            actions=self.actions_taken.toPlainText().strip(),
        )

    def store(self) -> RiskAssessment:
        return self._save(self.details())


def summary_of(assessment: RiskAssessment) -> str:
    """One line for a list: "Active ideation · plan · no intent · means"."""
    details = assessment.details
    parts = [f"{IDEATION_SHORT[details.ideation]} ideation"]
    parts.append("plan" if details.has_plan else "no plan")
    parts.append("intent" if details.has_intent else "no intent")
    parts.append("access to means" if details.access_to_means else "no access to means")
    return " · ".join(parts)
