"""The goals of a plan and their measurable objectives: a tree to add, move and remove
them, and the fields of the one chosen."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
from typing import TypeVar

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from therapist_desk.clinical import treatment_plans
from therapist_desk.clinical.treatment_plans import SessionWorkedOn
from therapist_desk.domain.records import Goal, Objective
from therapist_desk.domain.vocabulary import ObjectiveStatus
from therapist_desk.ui.common.dialogs import DialogService
from therapist_desk.ui.common.icons import icon
from therapist_desk.ui.common.widgets import named
from therapist_desk.ui.record.plan.plan_item_editor import PlanItemEditor
from therapist_desk.ui.record.plan.plan_tree import TEXT, PlanTreeModel

T = TypeVar("T")


def is_blank(objective: Objective) -> bool:
    """An objective added but not filled in at all."""
    return (
        not objective.text.strip()
        and objective.target_date is None
        and not any(intervention.strip() for intervention in objective.interventions)
        and objective.status is ObjectiveStatus.NOT_STARTED
    )


def described_goals(goals: Sequence[Goal]) -> tuple[Goal, ...]:
    """The goals as they are saved: a goal or objective added but left empty is left out.

    Nothing typed is dropped: only rows with no text, date, status or intervention.
    """
    kept = []
    for goal in goals:
        objectives = tuple(
            replace(
                objective,
                text=objective.text.strip(),
                interventions=tuple(
                    text.strip() for text in objective.interventions if text.strip()
                ),
            )
            for objective in goal.objectives
            if not is_blank(objective)
        )
        if goal.text.strip() or objectives:
            kept.append(replace(goal, text=goal.text.strip(), objectives=objectives))
    return tuple(kept)


def _swap(items: list[T], position: int, offset: int) -> None:
    other = position + offset
    if 0 <= other < len(items):
        items[position], items[other] = items[other], items[position]


class PlanGoals(QWidget):
    """Edits the goals of the plan on screen; `changed` after every edit the therapist makes."""

    changed = Signal()

    def __init__(self, dialogs: DialogService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._dialogs = dialogs
        #: Objectives an earlier version keeps, so the current one may let them go.
        self._kept_earlier: Collection[str] = frozenset()
        self.model = PlanTreeModel(self)
        self.tree = named(QTreeView(), "Goals and objectives")
        self.tree.setModel(self.model)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setUniformRowHeights(True)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(TEXT, QHeaderView.ResizeMode.Stretch)
        self.tree.selectionModel().currentChanged.connect(self._item_chosen)
        self.add_goal_button = named(QPushButton(icon("add"), "Add goal"), "Add a goal")
        self.add_objective_button = named(
            QPushButton(icon("add"), "Add objective"), "Add an objective to the goal"
        )
        self.up_button = named(QPushButton(icon("up"), "Up"), "Move up")
        self.down_button = named(QPushButton(icon("down"), "Down"), "Move down")
        self.remove_button = named(QPushButton(icon("remove"), "Remove…"), "Remove from the plan")
        self.add_goal_button.clicked.connect(self.add_goal)
        self.add_objective_button.clicked.connect(self.add_objective)
        self.up_button.clicked.connect(lambda: self.move_chosen(-1))
        self.down_button.clicked.connect(lambda: self.move_chosen(1))
        self.remove_button.clicked.connect(self.remove_chosen)
        self.item_editor = PlanItemEditor()
        self.item_editor.goal_text_changed.connect(self._goal_text_changed)
        self.item_editor.objective_changed.connect(self._objective_changed)

        buttons = QHBoxLayout()
        for button in self.buttons():
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.item_editor)
        self._update_buttons()

    def buttons(self) -> tuple[QPushButton, ...]:
        return (
            self.add_goal_button,
            self.add_objective_button,
            self.up_button,
            self.down_button,
            self.remove_button,
        )

    def tab_chain(self) -> list[QWidget]:
        """The controls in reading order."""
        editor = self.item_editor
        return [
            self.tree,
            *self.buttons(),
            editor.goal_text,
            editor.objective_text,
            editor.target.known,
            editor.target.editor,
            editor.status,
            editor.interventions,
            editor.intervention_adder,
            editor.remove_intervention,
        ]

    # -- showing ---------------------------------------------------------------------------------

    def show_goals(
        self,
        goals: Sequence[Goal],
        worked_on: Mapping[str, Sequence[SessionWorkedOn]],
        kept_earlier: Collection[str],
    ) -> None:
        """Show a plan's goals (the first one chosen), and which sessions worked on what."""
        self._kept_earlier = kept_earlier
        self.model.set_worked_on(worked_on)
        self._set_goals(goals, goals[0].key if goals else None)

    def goals(self) -> tuple[Goal, ...]:
        """The goals as edited, blank rows included (see `described_goals`)."""
        return self.model.goals()

    def set_worked_on(self, worked_on: Mapping[str, Sequence[SessionWorkedOn]]) -> None:
        self.model.set_worked_on(worked_on)
        item = self.model.item(self.tree.currentIndex())
        if isinstance(item, Objective):
            self.item_editor.show_sessions(item.key, self.model.sessions_for(item.key))

    def choose(self, key: str) -> bool:
        index = self.model.index_of(key)
        if index.isValid():
            self.tree.setCurrentIndex(index)
        return index.isValid()

    def clear(self) -> None:
        self.model.set_goals(())
        self.model.set_worked_on({})
        self.item_editor.clear()
        self._kept_earlier = frozenset()
        self._update_buttons()

    def _set_goals(self, goals: Sequence[Goal], select: str | None) -> None:
        self.model.set_goals(goals)
        self.tree.expandAll()
        if select is None or not self.choose(select):
            self.item_editor.show_nothing()
        self._update_buttons()

    def _item_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        item = self.model.item(current)
        if isinstance(item, Goal):
            self.item_editor.show_goal(item)
        elif isinstance(item, Objective):
            self.item_editor.show_objective(item, self.model.sessions_for(item.key))
        else:
            self.item_editor.show_nothing()
        self._update_buttons()

    def _update_buttons(self) -> None:
        current = self.tree.currentIndex()
        chosen = self.model.item(current) is not None
        siblings = self.model.rowCount(current.parent()) if chosen else 0
        self.add_objective_button.setEnabled(chosen)
        self.remove_button.setEnabled(chosen)
        self.up_button.setEnabled(chosen and current.row() > 0)
        self.down_button.setEnabled(chosen and current.row() < siblings - 1)

    # -- editing ---------------------------------------------------------------------------------

    def _replace_goal(self, goal: Goal) -> list[Goal]:
        return [goal if other.key == goal.key else other for other in self.model.goals()]

    def add_goal(self) -> None:
        # Not a change yet: an empty goal is not saved until something is typed in it.
        goal = Goal(treatment_plans.new_key())
        self._set_goals([*self.model.goals(), goal], goal.key)
        self.item_editor.focus_text()

    def add_objective(self) -> None:
        """A new objective under the chosen goal (after the chosen objective, if one is)."""
        current = self.tree.currentIndex()
        goal = self.model.goal_of(current)
        if goal is None:
            return
        chosen = self.model.item(current)
        objectives = list(goal.objectives)
        after = objectives.index(chosen) + 1 if isinstance(chosen, Objective) else len(objectives)
        objective = Objective(treatment_plans.new_key())
        objectives.insert(after, objective)
        self._set_goals(
            self._replace_goal(replace(goal, objectives=tuple(objectives))), objective.key
        )
        self.item_editor.focus_text()

    def move_chosen(self, offset: int) -> None:
        """Move the chosen goal among the goals, or objective within its goal."""
        current = self.tree.currentIndex()
        item, goal = self.model.item(current), self.model.goal_of(current)
        if item is None or goal is None:
            return
        if isinstance(item, Goal):
            goals = list(self.model.goals())
            _swap(goals, goals.index(item), offset)
        else:
            objectives = list(goal.objectives)
            _swap(objectives, objectives.index(item), offset)
            goals = self._replace_goal(replace(goal, objectives=tuple(objectives)))
        self._set_goals(goals, item.key)
        self.changed.emit()

    def remove_chosen(self) -> None:
        """Take the chosen goal or objective out, unless a session's note names it."""
        current = self.tree.currentIndex()
        item, goal = self.model.item(current), self.model.goal_of(current)
        if item is None or goal is None:
            return
        objectives = item.objectives if isinstance(item, Goal) else (item,)
        # The vault refuses it too; saying so here keeps the plan savable.
        if any(
            self.model.sessions_for(o.key) and o.key not in self._kept_earlier for o in objectives
        ):
            self._dialogs.warn(
                self,
                "This stays in the plan",
                "A session's note says it worked on this objective, so it stays in the "
                "plan as part of the record. Set its status to Dropped instead."
                if isinstance(item, Objective)
                else "A session's note says it worked on an objective of this goal, so the "
                "goal stays in the plan as part of the record. Set the status of its "
                "objectives to Dropped instead.",
            )
            return
        what = "goal" if isinstance(item, Goal) else "objective"
        described = item.text.strip() or any(not is_blank(o) for o in objectives)
        if described and not self._dialogs.confirm(
            self,
            f"Remove this {what}?",
            f"The {what}{' and its objectives' if what == 'goal' else ''} will be taken out "
            "of the plan. Earlier versions of the plan keep what they had.",
            "Remove",
        ):
            return
        row = current.row()
        if isinstance(item, Goal):
            goals = [other for other in self.model.goals() if other.key != item.key]
            neighbour = goals[min(row, len(goals) - 1)].key if goals else None
        else:
            kept = tuple(o for o in goal.objectives if o.key != item.key)
            goals = self._replace_goal(replace(goal, objectives=kept))
            neighbour = kept[min(row, len(kept) - 1)].key if kept else goal.key
        self._set_goals(goals, neighbour)
        self.changed.emit()

    def _goal_text_changed(self, key: str, text: str) -> None:
        self.model.replace_goal_text(key, text)
        self.changed.emit()

    def _objective_changed(self, objective: Objective) -> None:
        self.model.replace_objective(objective)
        self.changed.emit()
