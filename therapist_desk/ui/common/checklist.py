"""Lists with a tick beside each item: the therapist's terms, plan objectives, attendees.

`ChecklistModel[ItemT]` is a one-column `TableModel` whose rows can be ticked;
it keeps the ticked items' keys, in list order or in the order they were ticked.
`CheckList` shows one under its heading, optionally with a field to add an item.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QLineEdit, QListView, QVBoxLayout, QWidget

from therapist_desk.ui.common.table_model import AnyIndex, Column, TableModel
from therapist_desk.ui.common.widgets import named, subheading

ItemT = TypeVar("ItemT")


class ChecklistModel(TableModel[ItemT]):
    """Items with a tick each. `ticked()` gives the ticked items' keys in the list's order,
    or with `tick_order` in the order they were ticked (the first attendee ticked is the
    client whose record the session is booked from)."""

    def __init__(
        self,
        key: Callable[[ItemT], str],
        text: Callable[[ItemT], str],
        *,
        tooltip: Callable[[ItemT], str | None] | None = None,
        tick_order: bool = False,
        parent: QObject | None = None,
    ) -> None:
        super().__init__([Column("", text, tooltip=tooltip)], key, parent)
        self._tick_order = tick_order
        self._ticked: list[str] = []

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsUserCheckable
        )

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.CheckStateRole:
            return super().data(index, role)
        if not index.isValid() or not 0 <= index.row() < self.rowCount():
            return None
        ticked = self.is_ticked(self.key(self.record_at(index.row())))
        return Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if (
            role != Qt.ItemDataRole.CheckStateRole
            or not index.isValid()
            or not 0 <= index.row() < self.rowCount()
        ):
            return False
        key = self.key(self.record_at(index.row()))
        state = Qt.CheckState(value) if isinstance(value, int) else value
        if state == Qt.CheckState.Checked and key not in self._ticked:
            self._ticked.append(key)
        elif state != Qt.CheckState.Checked and key in self._ticked:
            self._ticked.remove(key)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        return True

    def set_items(self, items: Sequence[ItemT], ticked: Sequence[str]) -> None:
        """Offer `items`, those whose keys are in `ticked` ticked (in that order)."""
        self._ticked = list(dict.fromkeys(ticked))
        self.set_rows(items)

    def ticked(self) -> tuple[str, ...]:
        if self._tick_order:
            return tuple(self._ticked)
        ticked = set(self._ticked)
        return tuple(key for key in map(self.key, self.rows()) if key in ticked)

    def is_ticked(self, key: str) -> bool:
        return key in self._ticked

    def tick(self, key: str) -> None:
        if key in self._ticked:
            return
        self._ticked.append(key)
        row = self.row_of(key)
        if row >= 0:
            index = self.index(row, 0)
            self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])

    def add(self, item: ItemT) -> None:
        """Tick `item`, listing it last if it is not listed yet."""
        key = self.key(item)
        if self.row_of(key) >= 0:
            self.tick(key)
            return
        if key not in self._ticked:
            self._ticked.append(key)
        self.put(item)


class CheckList(QWidget, Generic[ItemT]):
    """A ChecklistModel's items under a heading.

    `changed` says the therapist changed a tick or added an item (a new row is not a
    dataChanged, so both are watched); filling the list with `model.set_items` is not
    a change. Built with `adder_noun`, a field below the list adds an item: what was
    typed, tidied, comes out of `term_added` for the owner to store and then `add`.
    With `hide_when_empty`, the whole list hides while it has nothing to offer.
    """

    changed = Signal()
    term_added = Signal(str)

    def __init__(
        self,
        model: ChecklistModel[ItemT],
        name: str,
        heading: str = "",
        *,
        adder_noun: str = "",
        hide_when_empty: bool = False,
        minimum_height: int = 120,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.model = model
        model.setParent(self)
        self.view = named(QListView(), name)
        self.view.setModel(model)
        self.view.setMinimumHeight(minimum_height)
        model.dataChanged.connect(lambda *_: self.changed.emit())
        model.rowsInserted.connect(lambda *_: self.changed.emit())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(subheading(heading or name))
        layout.addWidget(self.view)
        self.adder: QLineEdit | None = None
        if adder_noun:
            article = "an" if adder_noun[:1].lower() in "aeiou" else "a"
            self.adder = named(QLineEdit(), f"Add {article} {adder_noun}")
            self.adder.setPlaceholderText(f"Add {article} {adder_noun}…")
            self.adder.returnPressed.connect(self._add)
            layout.addWidget(self.adder)
        if hide_when_empty:
            for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved):
                signal.connect(self._fit)
            self._fit()

    def _fit(self) -> None:
        self.setVisible(self.model.rowCount() > 0)

    def _add(self) -> None:
        assert self.adder is not None
        text = " ".join(self.adder.text().split())
        if text:
            self.adder.clear()
            self.term_added.emit(text)

    def ticked(self) -> tuple[str, ...]:
        return self.model.ticked()

    def clear(self) -> None:
        self.model.set_items((), ())
        if self.adder is not None:
            self.adder.clear()

    def tab_chain(self) -> list[QWidget]:
        """The list, then the field to add an item (if there is one): in Tab's order."""
        return [self.view] if self.adder is None else [self.view, self.adder]
