"""Current and past records of one kind, shown apart: the building block of the Clinical tab."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, Protocol, TypeVar

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from therapist_desk.ui.common.dialogs import DialogService
from therapist_desk.ui.common.icons import icon
from therapist_desk.ui.common.table_model import Column, TableModel
from therapist_desk.ui.common.widgets import empty_state, label, named, record_table, subheading
from therapist_desk.ui.held_drafts import removed_after_confirming
from therapist_desk.ui.open_vault import OpenVault
from therapist_desk.ui.unfinished_forms import UnfinishedForms

#: Rows a list grows to before it scrolls within the page.
MOST_ROWS_SHOWN = 8


class Identified(Protocol):
    @property
    def id(self) -> str: ...


RecordT = TypeVar("RecordT", bound=Identified)


def fit_to_rows(table: QTableView, rows: int) -> None:
    """Make a table exactly as tall as its rows (at least one), so the page scrolls, not it."""
    shown = min(max(rows, 1), MOST_ROWS_SHOWN)
    height = (
        table.horizontalHeader().sizeHint().height()
        + table.verticalHeader().defaultSectionSize() * shown
        + 2 * table.frameWidth()
    )
    table.setFixedHeight(height)


class CurrentAndPast(QWidget, Generic[RecordT]):
    """Two tables of records, current above past; one chosen row between them."""

    chosen_changed = Signal()
    activated = Signal(object)  # the record (a RecordT), on Enter or a double-click

    def __init__(
        self,
        noun: str,
        past_title: str,
        current_columns: Sequence[Column[RecordT]],
        past_columns: Sequence[Column[RecordT]],
        stretch_column: int | None,
        empty_text: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.current_model = TableModel(current_columns, _id_of, self)
        self.past_model = TableModel(past_columns, _id_of, self)
        self.current = self._table(f"Current {noun}", self.current_model, stretch_column)
        self.past = self._table(f"{past_title} {noun}", self.past_model, stretch_column)
        self.past_title = label(past_title, "muted")
        self.empty = empty_state(empty_text)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.empty)
        layout.addWidget(self.current)
        layout.addWidget(self.past_title)
        layout.addWidget(self.past)

    def _table(
        self, name: str, model: TableModel[RecordT], stretch_column: int | None
    ) -> QTableView:
        table = record_table(name)
        table.setModel(model)
        table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if stretch_column is not None:  # else the last column takes the room left
            header.setStretchLastSection(False)
            header.setSectionResizeMode(stretch_column, QHeaderView.ResizeMode.Stretch)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.selectionModel().selectionChanged.connect(
            lambda selected, _deselected, chosen_in=table: self._selected(chosen_in, selected)
        )
        table.activated.connect(
            lambda index, model=model: self.activated.emit(model.record_at(index.row()))
        )
        return table

    def _selected(self, table: QTableView, selected: QItemSelection) -> None:
        if not selected.isEmpty():
            other = self.past if table is self.current else self.current
            other.clearSelection()
        self.chosen_changed.emit()

    def set_records(self, current: Sequence[RecordT], past: Sequence[RecordT]) -> None:
        self.current_model.set_rows(current)
        self.past_model.set_rows(past)
        fit_to_rows(self.current, len(current))
        fit_to_rows(self.past, len(past))
        self.empty.setVisible(not current and not past)
        self.current.setVisible(bool(current))
        self.past_title.setVisible(bool(past))
        self.past.setVisible(bool(past))
        self.chosen_changed.emit()

    def chosen(self) -> RecordT | None:
        """The record whose row is chosen in either table."""
        chosen = self.current_model.chosen_in(self.current)
        return chosen if chosen is not None else self.past_model.chosen_in(self.past)

    def choose(self, record_id: str) -> bool:
        for table, model in ((self.current, self.current_model), (self.past, self.past_model)):
            row = model.row_of(record_id)
            if row >= 0:
                table.selectRow(row)
                table.setCurrentIndex(model.index(row, 0))
                return True
        return False

    def chosen_is_current(self) -> bool:
        return bool(self.current.selectionModel().selectedRows())

    def clear(self) -> None:
        self.set_records((), ())


def _id_of(record: Identified) -> str:
    return record.id


class RecordsSection(QWidget, Generic[RecordT]):
    """A heading with Add, Edit and Remove over the current and past records of one kind
    (a ClinicalSection). Each record is saved by its own dialog, so nothing is edited in
    the lists; a subclass says how records are listed, opened and removed."""

    def __init__(
        self,
        dialogs: DialogService,
        noun: str,
        lists: CurrentAndPast[RecordT],
        remove_tip: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._dialogs = dialogs
        self._noun = noun
        self._vault: OpenVault | None = None
        self._client_id: str | None = None
        # Forms typed but not saved when the vault locked, by client ("new:…") or record
        # (memory only): the dialog offers them again.
        self._unfinished = UnfinishedForms[Any]()
        self.lists = lists
        self.add_button = named(QPushButton(icon("add"), f"Add {noun}…"), f"Add a {noun}")
        self.edit_button = named(QPushButton(icon("edit"), "Edit…"), f"Edit the {noun}")
        self.remove_button = named(
            QPushButton(icon("remove"), "Remove…"), f"Remove a {noun} entered in error"
        )
        self.remove_button.setToolTip(remove_tip)
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(lambda: self.edit(self.lists.chosen()))
        self.remove_button.clicked.connect(self.remove)
        lists.activated.connect(self.edit)
        lists.chosen_changed.connect(self._update_buttons)

    def _lay_out(self, heading: str, buttons: Sequence[QPushButton]) -> None:
        top = QHBoxLayout()
        top.addWidget(subheading(heading), 1)
        for button in buttons:
            top.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.lists)
        self._update_buttons()

    # -- what a subclass says ---------------------------------------------------------------

    def _records(
        self, vault: OpenVault, client_id: str
    ) -> tuple[Sequence[RecordT], Sequence[RecordT]]:
        """The client's current and past records."""
        raise NotImplementedError

    def _new_dialog(self, vault: OpenVault, client_id: str) -> Any:
        """The dialog that adds a record: a RefillableDialog with `saved` once it has."""
        raise NotImplementedError

    def _edit_dialog(self, vault: OpenVault, record: RecordT) -> Any:
        raise NotImplementedError

    @staticmethod
    def _typed(dialog: Any) -> Callable[[], Any]:
        """What `dialog` hands over to be offered again if the lock closes it."""
        raise NotImplementedError

    def _removal(self, vault: OpenVault, record: RecordT) -> tuple[str, Callable[[], object]]:
        """What removing `record` means, in words, and what removes it."""
        raise NotImplementedError

    # -- the rest ----------------------------------------------------------------------------

    def _update_buttons(self) -> None:
        chosen = self.lists.chosen() is not None
        self.edit_button.setEnabled(chosen)
        self.remove_button.setEnabled(chosen)

    def attach(self, open_vault: OpenVault) -> None:
        self._vault = open_vault

    def show_client(self, client_id: str | None) -> None:
        self._client_id = client_id
        self.reload()

    def reload(self, choose: str | None = None) -> None:
        vault, client_id = self._vault, self._client_id
        if vault is None or client_id is None:
            self.lists.clear()
            return
        self.lists.set_records(*self._records(vault, client_id))
        if choose is not None:
            self.lists.choose(choose)

    def add(self) -> None:
        vault, client_id = self._vault, self._client_id
        if vault is not None and client_id is not None:
            self._run(self._new_dialog(vault, client_id), f"new:{client_id}")

    def edit(self, record: RecordT | None) -> None:
        vault = self._vault
        if vault is not None and record is not None:
            self._run(self._edit_dialog(vault, record), record.id)

    def _run(self, dialog: Any, key: str) -> None:
        if self._unfinished.run(dialog, key, self._typed(dialog)) and dialog.saved is not None:
            self.reload(choose=dialog.saved.id)

    def remove(self) -> None:
        vault, record = self._vault, self.lists.chosen()
        if vault is None or record is None:
            return
        consequence, remove = self._removal(vault, record)
        if removed_after_confirming(
            self, self._dialogs, f"Remove this {self._noun}?", consequence, remove, self._noun
        ):
            self.reload()

    def flush(self) -> bool:
        return True  # records are saved by their dialogs; nothing is edited in the lists

    def clear(self) -> None:
        self.lists.clear()
        self._client_id = None
        self._vault = None
