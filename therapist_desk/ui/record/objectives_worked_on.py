"""Which treatment-plan objectives a session worked on: a checkable list in the note editor."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import QListView, QVBoxLayout, QWidget

from therapist_desk.clinical import treatment_plans
from therapist_desk.domain.records import TherapySession
from therapist_desk.domain.vocabulary import ObjectiveStatus
from therapist_desk.ui.common.widgets import named, subheading
from therapist_desk.vault import Vault

AnyIndex = QModelIndex | QPersistentModelIndex
_INVALID = QModelIndex()
#: Objectives no longer pursued are offered only if the note already names them.
_SET_ASIDE = (ObjectiveStatus.DROPPED, ObjectiveStatus.REVISED)


@dataclass(frozen=True)
class ObjectiveChoice:
    key: str
    #: What the list shows: the objective, after its owner's name in a joint session.
    text: str
    #: The goal it serves (shown as the tooltip).
    goal: str


def objective_choices(
    vault: Vault,
    session: TherapySession,
    chosen: Sequence[str],
    name_of: Callable[[str], str],
) -> list[ObjectiveChoice]:
    """The objectives of the current plans of the session's attendees, and any already chosen.

    An objective the note names that has since left the current plan is found
    in an earlier version and offered too, so saving never drops it silently.
    """
    plans = [
        (attendee.client_id, treatment_plans.plan_versions(vault, attendee.client_id))
        for attendee in session.attendees
    ]
    plans = sorted(
        ((client_id, versions) for client_id, versions in plans if versions),
        key=lambda plan: name_of(plan[0]).casefold(),
    )
    named_by_owner = len(plans) > 1
    choices: list[ObjectiveChoice] = []
    offered: set[str] = set()
    for client_id, versions in plans:
        owner = f"{name_of(client_id)}: " if named_by_owner else ""
        for goal in versions[0].details.goals:
            for objective in goal.objectives:
                if objective.status in _SET_ASIDE and objective.key not in chosen:
                    continue
                choices.append(ObjectiveChoice(objective.key, owner + objective.text, goal.text))
                offered.add(objective.key)
    for client_id, versions in plans:
        owner = f"{name_of(client_id)}: " if named_by_owner else ""
        for earlier in versions[1:]:
            for goal in earlier.details.goals:
                for objective in goal.objectives:
                    if objective.key in chosen and objective.key not in offered:
                        text = f"{owner}{objective.text} (from plan version {earlier.version})"
                        choices.append(ObjectiveChoice(objective.key, text, goal.text))
                        offered.add(objective.key)
    return choices


def worked_on_html(choices: Sequence[ObjectiveChoice], chosen: Sequence[str]) -> str:
    """The objectives a signed note worked on, as a paragraph of its document."""
    texts = [choice.text for choice in choices if choice.key in chosen]
    if not texts:
        return ""
    items = "".join(f"<li>{html.escape(text)}</li>" for text in texts)
    return f"<h3>Plan objectives worked on</h3><ul>{items}</ul>"


class ObjectiveChecklistModel(QAbstractListModel):
    """Objectives with a tick each; ticked ones are those the session worked on."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._choices: list[ObjectiveChoice] = []
        self._checked: set[str] = set()
        self.editable = True

    def set_choices(self, choices: Sequence[ObjectiveChoice], checked: Sequence[str]) -> None:
        self.beginResetModel()
        self._choices = list(choices)
        self._checked = set(checked)
        self.endResetModel()

    def choices(self) -> list[ObjectiveChoice]:
        return list(self._choices)

    def checked_keys(self) -> tuple[str, ...]:
        """The keys ticked, in the list's order."""
        return tuple(choice.key for choice in self._choices if choice.key in self._checked)

    def rowCount(self, parent: AnyIndex = _INVALID) -> int:
        return 0 if parent.isValid() else len(self._choices)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._choices):
            return None
        choice = self._choices[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return choice.text
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"Goal: {choice.goal}" if choice.goal else None
        if role == Qt.ItemDataRole.CheckStateRole:
            checked = choice.key in self._checked
            return Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.editable:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.CheckStateRole or not self.editable:
            return False
        key = self._choices[index.row()].key
        state = Qt.CheckState(value) if isinstance(value, int) else value
        if state == Qt.CheckState.Checked:
            self._checked.add(key)
        else:
            self._checked.discard(key)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        return True


class ObjectivesWorkedOn(QWidget):
    """The "Worked on" list of a draft note; hidden when no attendee has a plan."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = ObjectiveChecklistModel(self)
        self.view = named(QListView(), "Plan objectives worked on")
        self.view.setModel(self.model)
        self.view.setMinimumHeight(90)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.model.dataChanged.connect(lambda *_: self.changed.emit())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(subheading("Worked on (treatment plan objectives)"))
        layout.addWidget(self.view)
        self.hide()

    def show_choices(self, choices: Sequence[ObjectiveChoice], checked: Sequence[str]) -> None:
        self.model.set_choices(choices, checked)
        self.setVisible(bool(choices))

    def checked_keys(self) -> tuple[str, ...]:
        return self.model.checked_keys()

    def clear(self) -> None:
        self.show_choices((), ())
