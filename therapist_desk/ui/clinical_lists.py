"""Current and past records of one kind, shown apart: the building block of the Clinical tab."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QVBoxLayout, QWidget

from therapist_desk.ui.models import Column, RecordTableModel
from therapist_desk.ui.widgets import empty_state, label, record_table

#: Rows a list grows to before it scrolls within the page.
MOST_ROWS_SHOWN = 8


def fit_to_rows(table: QTableView, rows: int) -> None:
    """Make a table exactly as tall as its rows (at least one), so the page scrolls, not it."""
    shown = min(max(rows, 1), MOST_ROWS_SHOWN)
    height = (
        table.horizontalHeader().sizeHint().height()
        + table.verticalHeader().defaultSectionSize() * shown
        + 2 * table.frameWidth()
    )
    table.setFixedHeight(height)


class CurrentAndPast(QWidget):
    """Two tables of records, current above past; one chosen row between them."""

    chosen_changed = Signal()
    activated = Signal(object)  # the record, on Enter or a double-click

    def __init__(
        self,
        noun: str,
        past_title: str,
        current_columns: Sequence[Column],
        past_columns: Sequence[Column],
        stretch_column: int | None,
        empty_text: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.current_model = RecordTableModel(current_columns, lambda record: record.id, self)
        self.past_model = RecordTableModel(past_columns, lambda record: record.id, self)
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

    def _table(self, name: str, model: RecordTableModel, stretch_column: int | None) -> QTableView:
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

    def set_records(self, current: Sequence[Any], past: Sequence[Any]) -> None:
        self.current_model.set_rows(current)
        self.past_model.set_rows(past)
        fit_to_rows(self.current, len(current))
        fit_to_rows(self.past, len(past))
        self.empty.setVisible(not current and not past)
        self.current.setVisible(bool(current))
        self.past_title.setVisible(bool(past))
        self.past.setVisible(bool(past))
        self.chosen_changed.emit()

    def chosen(self) -> Any | None:
        """The record whose row is chosen in either table."""
        for table, model in ((self.current, self.current_model), (self.past, self.past_model)):
            rows = table.selectionModel().selectedRows()
            if rows:
                return model.record_at(rows[0].row())
        return None

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
