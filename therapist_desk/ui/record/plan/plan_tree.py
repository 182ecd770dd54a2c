"""The goals of a treatment plan with their objectives beneath, as an item model.

The model holds the plan's goals as plain (frozen) records. Editing the text,
date or status of one item replaces it in place, so the selection and the
field being typed in stay put; adding, removing and moving reset the model,
and the view selects the item again by its key.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from therapist_desk.clinical.treatment_plans import SessionWorkedOn
from therapist_desk.domain.records import Goal, Objective
from therapist_desk.domain.vocabulary import ObjectiveStatus
from therapist_desk.ui.common import formatting

AnyIndex = QModelIndex | QPersistentModelIndex
_INVALID = QModelIndex()
# A goal row's internal id; an objective's internal id is its goal's row number.
_GOAL_ID = 0xFFFFFFFF

OBJECTIVE_STATUS_LABELS = {
    ObjectiveStatus.NOT_STARTED: "Not started",
    ObjectiveStatus.IN_PROGRESS: "In progress",
    ObjectiveStatus.MET: "Met",
    ObjectiveStatus.REVISED: "Revised",
    ObjectiveStatus.DROPPED: "Dropped",
}

TEXT, TARGET, STATUS, WORKED_ON = range(4)
HEADERS = ("Goal / objective", "Target date", "Status", "Worked on")
UNDESCRIBED = "(not described yet)"


def short_day(value: date) -> str:
    return f"{value.day} {value:%b %Y}"


def worked_on_summary(sessions: Sequence[SessionWorkedOn]) -> str:
    """ "3 sessions, last 4 Mar 2025", or "" when no session worked on it."""
    if not sessions:
        return ""
    last = formatting.local(max(session.starts_at for session in sessions)).date()
    count = len(sessions)
    return f"{count} session{'s' if count != 1 else ''}, last {short_day(last)}"


class PlanTreeModel(QAbstractItemModel):
    """Goals as top-level rows, each with its measurable objectives as children."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._goals: list[Goal] = []
        self._worked_on: Mapping[str, Sequence[SessionWorkedOn]] = {}

    # -- our interface ------------------------------------------------------------------------

    def set_goals(self, goals: Sequence[Goal]) -> None:
        self.beginResetModel()
        self._goals = list(goals)
        self.endResetModel()

    def goals(self) -> tuple[Goal, ...]:
        return tuple(self._goals)

    def set_worked_on(self, worked_on: Mapping[str, Sequence[SessionWorkedOn]]) -> None:
        """Which sessions worked on each objective, by objective key."""
        self._worked_on = dict(worked_on)
        for row, goal in enumerate(self._goals):
            if goal.objectives:
                parent = self.index(row, 0)
                self.dataChanged.emit(
                    self.index(0, WORKED_ON, parent),
                    self.index(len(goal.objectives) - 1, WORKED_ON, parent),
                )

    def sessions_for(self, objective_key: str) -> Sequence[SessionWorkedOn]:
        return self._worked_on.get(objective_key, ())

    def item(self, index: AnyIndex) -> Goal | Objective | None:
        if not index.isValid():
            return None
        if index.internalId() == _GOAL_ID:
            return self._goals[index.row()]
        return self._goals[index.internalId()].objectives[index.row()]

    def goal_of(self, index: AnyIndex) -> Goal | None:
        """The goal at `index`, or the goal of the objective at `index`."""
        if not index.isValid():
            return None
        row = index.row() if index.internalId() == _GOAL_ID else index.internalId()
        return self._goals[row]

    def index_of(self, key: str) -> QModelIndex:
        for row, goal in enumerate(self._goals):
            if goal.key == key:
                return self.index(row, 0)
            for sub, objective in enumerate(goal.objectives):
                if objective.key == key:
                    return self.index(sub, 0, self.index(row, 0))
        return QModelIndex()

    def replace_goal_text(self, key: str, text: str) -> None:
        index = self.index_of(key)
        if index.isValid() and index.internalId() == _GOAL_ID:
            self._goals[index.row()] = replace(self._goals[index.row()], text=text)
            self.dataChanged.emit(index, index)

    def replace_objective(self, objective: Objective) -> None:
        index = self.index_of(objective.key)
        if not index.isValid() or index.internalId() == _GOAL_ID:
            return
        goal = self._goals[index.internalId()]
        objectives = list(goal.objectives)
        objectives[index.row()] = objective
        self._goals[index.internalId()] = replace(goal, objectives=tuple(objectives))
        self.dataChanged.emit(index, index.siblingAtColumn(len(HEADERS) - 1))

    # -- Qt's interface -----------------------------------------------------------------------

    def index(self, row: int, column: int, parent: AnyIndex = _INVALID) -> QModelIndex:
        if not 0 <= column < len(HEADERS) or row < 0:
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, _GOAL_ID) if row < len(self._goals) else _INVALID
        if parent.column() != 0 or parent.internalId() != _GOAL_ID:
            return QModelIndex()  # an objective has no children
        goal = parent.row()
        if goal < len(self._goals) and row < len(self._goals[goal].objectives):
            return self.createIndex(row, column, goal)
        return QModelIndex()

    def parent(self, child: AnyIndex = _INVALID) -> QModelIndex:  # type: ignore[override]
        if not child.isValid() or child.internalId() == _GOAL_ID:
            return QModelIndex()
        return self.createIndex(child.internalId(), 0, _GOAL_ID)

    def rowCount(self, parent: AnyIndex = _INVALID) -> int:
        if not parent.isValid():
            return len(self._goals)
        if parent.column() == 0 and parent.internalId() == _GOAL_ID:
            return len(self._goals[parent.row()].objectives)
        return 0

    def columnCount(self, parent: AnyIndex = _INVALID) -> int:
        return len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(HEADERS)
        ):
            return HEADERS[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        item = self.item(index)
        if item is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(index, item)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._text(index, item) or None  # the whole text, when the column cuts it
        if role == Qt.ItemDataRole.FontRole and isinstance(item, Goal) and index.column() == 0:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def _text(self, index: AnyIndex, item: Goal | Objective) -> str:
        column = index.column()
        if isinstance(item, Goal):
            if column != TEXT:
                return ""
            return f"Goal {index.row() + 1}: {item.text.strip() or UNDESCRIBED}"
        if column == TEXT:
            number = f"{index.internalId() + 1}.{index.row() + 1}"
            return f"{number}  {item.text.strip() or UNDESCRIBED}"
        if column == TARGET:
            return short_day(item.target_date) if item.target_date else ""
        if column == STATUS:
            return OBJECTIVE_STATUS_LABELS[ObjectiveStatus(item.status)]
        return worked_on_summary(self.sessions_for(item.key))

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
