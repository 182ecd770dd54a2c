"""A table of records, one a row, described by typed columns; and the filter over one.

`TableModel[Session]` holds the services' dataclasses (never ORM objects) and a
`Column[Session]` per column, so the type checker reads every column's lambdas
against the row type. A view asks the model, not the index, for a row's record:
`model.record_of(index)` maps the index through any proxies first. ``RECORD_ROLE``
and ``ID_ROLE`` remain for code that only holds an index.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractProxyModel,
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont, QIcon
from PySide6.QtWidgets import QAbstractItemView

from therapist_desk.search.index import fold

if TYPE_CHECKING:
    from _typeshed import SupportsRichComparison

RECORD_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2
SORT_ROLE = Qt.ItemDataRole.UserRole + 3

AnyIndex = QModelIndex | QPersistentModelIndex
_INVALID = QModelIndex()

RowT = TypeVar("RowT")
#: Money and counts line up on the right of their cells.
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


@dataclass(frozen=True)
class Column(Generic[RowT]):
    """One column: its header, each cell's text, and what else a cell may show.

    Every callable is given the row's record. A cell shows no tooltip, icon or
    colour where a callable is left out, or returns None (or "" for text).
    """

    header: str
    text: Callable[[RowT], str]
    #: What the column sorts by; its text, case-folded, when left out.
    sort_key: Callable[[RowT], SupportsRichComparison] | None = None
    tooltip: Callable[[RowT], str | None] | None = None
    #: What a screen reader says for the cell, when its text alone would mislead.
    accessible: Callable[[RowT], str] | None = None
    #: The same for every cell of the column, so a value rather than a callable.
    align: Qt.AlignmentFlag | None = None
    icon: Callable[[RowT], QIcon | None] | None = None
    foreground: Callable[[RowT], QColor | None] | None = None
    bold: Callable[[RowT], bool] | None = None
    header_tooltip: str = ""

    def sort_by(self) -> Callable[[RowT], SupportsRichComparison]:
        """What the column sorts by: its sort key, or else its text, case-folded."""
        if self.sort_key is not None:
            return self.sort_key
        text = self.text
        return lambda row: text(row).casefold()


class TableModel(QAbstractTableModel, Generic[RowT]):
    """A table of records, one per row, described by `columns`; `key` names a row's record
    (its id) for `row_of`, `put` and `remove`."""

    def __init__(
        self,
        columns: Sequence[Column[RowT]],
        key: Callable[[RowT], str],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._columns = tuple(columns)
        self.key = key
        self._rows: list[RowT] = []
        self._sorted_by: tuple[int, Qt.SortOrder] | None = None

    # Qt's interface ------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = _INVALID) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = _INVALID) -> int:
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            return (column.tooltip(row) or None) if column.tooltip else None
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return column.accessible(row) if column.accessible else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return None if column.align is None else int(column.align)
        if role == Qt.ItemDataRole.DecorationRole:
            return column.icon(row) if column.icon else None
        if role == Qt.ItemDataRole.ForegroundRole:
            colour = column.foreground(row) if column.foreground else None
            return None if colour is None else QBrush(colour)
        if role == Qt.ItemDataRole.FontRole:
            return _bold() if column.bold and column.bold(row) else None
        if role == RECORD_ROLE:
            return row
        if role == ID_ROLE:
            return self.key(row)
        if role == SORT_ROLE:
            return column.sort_by()(row)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._columns[section].header
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._columns[section].header_tooltip or None
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the records in Python: one key per row instead of a call per comparison."""
        if not 0 <= column < len(self._columns):
            return
        self._sorted_by = (column, order)
        self.layoutAboutToBeChanged.emit()
        old_rows = {id(record): row for row, record in enumerate(self._rows)}
        self._sort_rows()
        new_row = {id(record): row for row, record in enumerate(self._rows)}
        moved = {old_rows[identity]: row for identity, row in new_row.items()}
        persistent = self.persistentIndexList()
        self.changePersistentIndexList(
            persistent,
            [self.index(moved[index.row()], index.column()) for index in persistent],
        )
        self.layoutChanged.emit()

    def _sort_rows(self) -> None:
        if self._sorted_by is not None:
            column, order = self._sorted_by
            key = self._columns[column].sort_by()
            self._rows.sort(key=key, reverse=order == Qt.SortOrder.DescendingOrder)

    # Our interface -------------------------------------------------------------------

    def set_rows(self, rows: Sequence[RowT]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._sort_rows()
        self.endResetModel()

    def rows(self) -> list[RowT]:
        return list(self._rows)

    def clear(self) -> None:
        self.set_rows([])

    def record_at(self, row: int) -> RowT:
        return self._rows[row]

    def record_of(self, index: QModelIndex) -> RowT | None:
        """The record shown at `index`, an index of this model or of a proxy over it."""
        while index.isValid() and isinstance(index.model(), QAbstractProxyModel):
            proxy = index.model()
            assert isinstance(proxy, QAbstractProxyModel)
            index = proxy.mapToSource(index)
        if not index.isValid() or index.model() is not self:
            return None
        return self._rows[index.row()] if index.row() < len(self._rows) else None

    def chosen_in(self, view: QAbstractItemView) -> RowT | None:
        """The record of the row chosen in `view` (over this model, or a proxy over it)."""
        rows = view.selectionModel().selectedRows()
        return self.record_of(rows[0]) if rows else None

    def row_of(self, key: str) -> int:
        for row, record in enumerate(self._rows):
            if self.key(record) == key:
                return row
        return -1

    def put(self, record: RowT) -> int:
        """Replace the row with the same key, or append; returns its row."""
        row = self.row_of(self.key(record))
        if row >= 0:
            self._rows[row] = record
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(self._columns) - 1))
            return row
        row = len(self._rows)
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.append(record)
        self.endInsertRows()
        if self._sorted_by is not None:
            self.sort(*self._sorted_by)  # keeps the list in the order the therapist chose
            return self.row_of(self.key(record))
        return row

    def remove(self, key: str) -> None:
        row = self.row_of(key)
        if row >= 0:
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row]
            self.endRemoveRows()

    def refresh(self) -> None:
        """Everything shown may have changed (privacy mode, the date)."""
        if self._rows:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._rows) - 1, len(self._columns) - 1)
            )


def _bold() -> QFont:
    font = QFont()
    font.setBold(True)
    return font


def begins_words(terms: Sequence[str], text: str) -> bool:
    """Every term (folded, as typed) begins some word of `text` (folded)."""
    words = text.split()
    return all(any(word.startswith(term) for word in words) for term in terms)


class TypedFilter(QSortFilterProxyModel, Generic[RowT]):
    """A filter-as-you-type over a TableModel: `_words` holds what was typed, folded, and
    a subclass says in `accepts(row)` which records pass.

    Sorting is left to the source, which sorts itself with one key per row, far faster
    than the proxy's comparisons through data(); the proxy keeps the source's order (its
    own sort column stays -1).
    """

    def __init__(self, source: TableModel[RowT], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._words: list[str] = []
        self.source = source
        self.setSourceModel(source)

    def accepts(self, row: RowT) -> bool:
        raise NotImplementedError

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        return self.accepts(self.source.record_at(source_row))

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.source.sort(column, order)

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self._words = fold(text).split()
        self.endFilterChange()

    def index_of(self, key: str) -> QModelIndex:
        """Where the record is shown; invalid if it is filtered out (or not there at all)."""
        row = self.source.row_of(key)
        return self.mapFromSource(self.source.index(row, 0)) if row >= 0 else QModelIndex()
