"""The fields of the goal or objective chosen in the plan's tree."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListView,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from therapist_desk.clinical.treatment_plans import SessionWorkedOn
from therapist_desk.domain.records import Goal, Objective
from therapist_desk.domain.vocabulary import ObjectiveStatus
from therapist_desk.ui.common import formatting
from therapist_desk.ui.common.icons import icon
from therapist_desk.ui.common.optional_date import OptionalDateEdit
from therapist_desk.ui.common.widgets import empty_state, label, named
from therapist_desk.ui.record.plan.plan_tree import OBJECTIVE_STATUS_LABELS


def sessions_sentence(sessions: Sequence[SessionWorkedOn]) -> str:
    if not sessions:
        return "Not worked on in a session yet."
    last = formatting.local(max(session.starts_at for session in sessions)).date()
    count = len(sessions)
    return (
        f"Worked on in {count} session{'s' if count != 1 else ''}, "
        f"most recently on {formatting.day(last)}."
    )


class PlanItemEditor(QWidget):
    """Edits one goal's text, or one objective's text, target, status and interventions."""

    goal_text_changed = Signal(str, str)  # goal key, text
    objective_changed = Signal(Objective)  # as edited

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._objective: Objective | None = None
        self._goal_key: str | None = None
        self._loading = False
        self.pages = QStackedWidget()
        self.nothing = empty_state("Choose a goal or an objective above to edit it.")
        self.pages.addWidget(self.nothing)
        self.pages.addWidget(self._build_goal_page())
        self.pages.addWidget(self._build_objective_page())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)

    def _build_goal_page(self) -> QWidget:
        page = QWidget()
        self.goal_text = named(QLineEdit(), "Goal")
        self.goal_text.setPlaceholderText("What the client wants to change, in plain words")
        self.goal_text.textEdited.connect(self._goal_edited)
        form = QFormLayout(page)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("Goal", self.goal_text)
        form.addRow(
            "",
            label("Add the measurable objectives that show progress towards it.", "muted"),
        )
        return page

    def _build_objective_page(self) -> QWidget:
        page = QWidget()
        self.objective_text = named(QLineEdit(), "Objective")
        self.objective_text.setPlaceholderText("Measurable: e.g. sleeps 7 hours on 5 nights a week")
        self.objective_text.textEdited.connect(self._objective_edited)
        self.target = OptionalDateEdit("Target date")
        self.target.changed.connect(lambda: self._objective_edited())
        self.status = named(QComboBox(), "Objective status")
        for status, text in OBJECTIVE_STATUS_LABELS.items():
            self.status.addItem(text, status)
        self.status.currentIndexChanged.connect(lambda _index: self._objective_edited())
        self.interventions_model = QStringListModel(self)
        self.interventions = named(QListView(), "Interventions")
        self.interventions.setModel(self.interventions_model)
        self.interventions.setFixedHeight(64)
        self.interventions.setToolTip("Double-click an intervention to reword it")
        self.interventions_model.dataChanged.connect(lambda *_: self._objective_edited())
        self.intervention_adder = named(QLineEdit(), "Add an intervention")
        self.intervention_adder.setPlaceholderText("Add an intervention…")
        self.intervention_adder.returnPressed.connect(self._add_intervention)
        self._completions = QStringListModel(self)
        completer = QCompleter(self._completions, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.intervention_adder.setCompleter(completer)
        self.remove_intervention = named(
            QPushButton(icon("remove"), "Remove"), "Remove the intervention"
        )
        self.remove_intervention.clicked.connect(self._remove_intervention)
        self.worked_on = named(label("", "muted"), "Sessions that worked on the objective")

        target_and_status = QHBoxLayout()
        target_and_status.addWidget(self.target, 1)
        target_and_status.addSpacing(12)
        target_and_status.addWidget(label("Status"))
        target_and_status.addWidget(self.status)
        adding = QHBoxLayout()
        adding.addWidget(self.intervention_adder, 1)
        adding.addWidget(self.remove_intervention)
        interventions = QVBoxLayout()
        interventions.addWidget(self.interventions)
        interventions.addLayout(adding)
        form = QFormLayout(page)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("Objective", self.objective_text)
        form.addRow("Target", target_and_status)
        form.addRow("Interventions", interventions)
        form.addRow("", self.worked_on)
        return page

    # -- showing ---------------------------------------------------------------------------------

    def set_intervention_terms(self, terms: Sequence[str]) -> None:
        """What the intervention field offers as you type (the pick list)."""
        self._completions.setStringList(list(terms))

    def show_nothing(self) -> None:
        self._objective = None
        self._goal_key = None
        self.pages.setCurrentWidget(self.nothing)

    def show_goal(self, goal: Goal) -> None:
        self._objective = None
        self._goal_key = goal.key
        self._loading = True
        try:
            self.goal_text.setText(goal.text)
        finally:
            self._loading = False
        self.pages.setCurrentIndex(1)

    def show_objective(self, objective: Objective, sessions: Sequence[SessionWorkedOn]) -> None:
        self._goal_key = None
        self._objective = objective
        self._loading = True
        try:
            self.objective_text.setText(objective.text)
            self.target.set_value(objective.target_date)
            self.status.setCurrentIndex(self.status.findData(ObjectiveStatus(objective.status)))
            self.interventions_model.setStringList(list(objective.interventions))
            self.intervention_adder.clear()
        finally:
            self._loading = False
        self.worked_on.setText(sessions_sentence(sessions))
        self.pages.setCurrentIndex(2)

    def show_sessions(self, objective_key: str, sessions: Sequence[SessionWorkedOn]) -> None:
        """Say again how often the objective shown was worked on (a note may have changed it)."""
        if self._objective is not None and self._objective.key == objective_key:
            self.worked_on.setText(sessions_sentence(sessions))

    def clear(self) -> None:
        """Empty every field (the vault is locking)."""
        self._loading = True
        try:
            self.goal_text.clear()
            self.objective_text.clear()
            self.target.set_value(None)
            self.interventions_model.setStringList([])
            self.intervention_adder.clear()
            self.worked_on.clear()
        finally:
            self._loading = False
        self.show_nothing()

    def focus_text(self) -> None:
        editing = self.pages.currentIndex()
        if editing == 1:
            self.goal_text.setFocus()
        elif editing == 2:
            self.objective_text.setFocus()

    # -- editing ---------------------------------------------------------------------------------

    def _goal_edited(self, text: str) -> None:
        if not self._loading and self._goal_key is not None:
            self.goal_text_changed.emit(self._goal_key, text)

    def _objective_edited(self) -> None:
        if self._loading or self._objective is None:
            return
        self._objective = replace(
            self._objective,
            text=self.objective_text.text(),
            target_date=self.target.value(),
            status=ObjectiveStatus(self.status.currentData()),
            interventions=tuple(self.interventions_model.stringList()),
        )
        self.objective_changed.emit(self._objective)

    def _add_intervention(self) -> None:
        text = " ".join(self.intervention_adder.text().split())
        if not text or self._objective is None:
            return
        self.intervention_adder.clear()
        self.interventions_model.setStringList([*self.interventions_model.stringList(), text])
        self._objective_edited()

    def _remove_intervention(self) -> None:
        index = self.interventions.currentIndex()
        if not index.isValid():
            return
        self.interventions_model.removeRow(index.row())
        self._objective_edited()
