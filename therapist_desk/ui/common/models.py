"""Item models over plain data for the window's lists and tables.

Each model holds a list of the services' dataclasses and a column spec; views
never see ORM objects. ``RECORD_ROLE`` returns the row's record and
``ID_ROLE`` its id.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractListModel,
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from therapist_desk.domain.records import Client
from therapist_desk.domain.vocabulary import ClientStatus
from therapist_desk.search.index import HitKind, SearchHit, fold
from therapist_desk.ui.common import formatting

RECORD_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2
SORT_ROLE = Qt.ItemDataRole.UserRole + 3

AnyIndex = QModelIndex | QPersistentModelIndex
_INVALID = QModelIndex()


@dataclass(frozen=True)
class Column:
    header: str
    text: Callable[[Any], str]
    sort_key: Callable[[Any], Any] | None = None


class RecordTableModel(QAbstractTableModel):
    """A table of records, one per row, described by `columns`."""

    def __init__(
        self,
        columns: Sequence[Column],
        record_id: Callable[[Any], str],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._columns = tuple(columns)
        self._record_id = record_id
        self._rows: list[Any] = []
        self._sorted_by: tuple[int, Qt.SortOrder] | None = None

    # Qt's interface ------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = _INVALID) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = _INVALID) -> int:
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        record = self._rows[index.row()]
        column = self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(record)
        if role == RECORD_ROLE:
            return record
        if role == ID_ROLE:
            return self._record_id(record)
        if role == SORT_ROLE:
            return column.sort_key(record) if column.sort_key else column.text(record).casefold()
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self._columns)
        ):
            return self._columns[section].header
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the records in Python: one key per row instead of a call per comparison."""
        if not 0 <= column < len(self._columns):
            return
        self._sorted_by = (column, order)
        spec = self._columns[column]
        key = spec.sort_key or (lambda record: spec.text(record).casefold())
        self.layoutAboutToBeChanged.emit()
        old_rows = {id(record): row for row, record in enumerate(self._rows)}
        self._rows.sort(key=key, reverse=order == Qt.SortOrder.DescendingOrder)
        new_row = {id(record): row for row, record in enumerate(self._rows)}
        moved = {old_rows[identity]: row for identity, row in new_row.items()}
        persistent = self.persistentIndexList()
        self.changePersistentIndexList(
            persistent,
            [self.index(moved[index.row()], index.column()) for index in persistent],
        )
        self.layoutChanged.emit()

    # Our interface -------------------------------------------------------------------

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        if self._sorted_by is not None:
            column, order = self._sorted_by
            spec = self._columns[column]
            key = spec.sort_key or (lambda record: spec.text(record).casefold())
            self._rows.sort(key=key, reverse=order == Qt.SortOrder.DescendingOrder)
        self.endResetModel()

    def rows(self) -> list[Any]:
        return list(self._rows)

    def clear(self) -> None:
        self.set_rows([])

    def record_at(self, row: int) -> Any:
        return self._rows[row]

    def row_of(self, record_id: str) -> int:
        for row, record in enumerate(self._rows):
            if self._record_id(record) == record_id:
                return row
        return -1

    def put(self, record: Any) -> int:
        """Replace the row with the same id, or append; returns its row."""
        row = self.row_of(self._record_id(record))
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
            return self.row_of(self._record_id(record))
        return row

    def remove(self, record_id: str) -> None:
        row = self.row_of(record_id)
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


class ClientListModel(RecordTableModel):
    """Clients, named as the therapist calls them; initials only in privacy mode."""

    def __init__(self, today: Callable[[], date], parent: QObject | None = None) -> None:
        self.privacy = False
        self._today = today
        super().__init__(
            (
                Column("Name", self._name, lambda client: client.details.legal_name.casefold()),
                Column("Pronouns", lambda client: client.details.pronouns),
                Column("Status", lambda client: formatting.STATUS_LABELS[client.details.status]),
                Column("Age", self._age, self._age_key),
                Column(
                    "Client since",
                    lambda client: formatting.optional_date(client.details.intake_date),
                    lambda client: client.details.intake_date or date.min,
                ),
            ),
            lambda client: client.id,
            parent,
        )

    def _name(self, client: Client) -> str:
        details = client.details
        if self.privacy:
            return formatting.initials(details.legal_name)
        return details.full_name

    def _age(self, client: Client) -> str:
        age = formatting.age_on(client.details.date_of_birth, self._today())
        return "" if age is None else str(age)

    def _age_key(self, client: Client) -> int:
        age = formatting.age_on(client.details.date_of_birth, self._today())
        return -1 if age is None else age

    def set_privacy(self, on: bool) -> None:
        self.privacy = on
        self.refresh()


class TypedFilter(QSortFilterProxyModel):
    """A filter-as-you-type over a RecordTableModel: `_words` holds what was typed, folded.

    Sorting is left to the source, which sorts itself with one key per row, far faster
    than the proxy's comparisons through data(); the proxy keeps the source's order (its
    own sort column stays -1). Subclasses decide in filterAcceptsRow what the words match.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._words: list[str] = []

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        source = self.sourceModel()
        if source is not None:
            source.sort(column, order)

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self._words = fold(text).split()
        self.endFilterChange()

    def index_of(self, record_id: str) -> QModelIndex:
        """Where the record is shown; invalid if it is filtered out (or not there at all)."""
        source = self.sourceModel()
        row = source.row_of(record_id) if isinstance(source, RecordTableModel) else -1
        return self.mapFromSource(source.index(row, 0)) if row >= 0 else QModelIndex()


class ClientFilter(TypedFilter):
    """Filters as you type: every word must begin a word of the client's names; and by status."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._status: ClientStatus | None = None

    def set_status(self, status: ClientStatus | None) -> None:
        self.beginFilterChange()
        self._status = status
        self.endFilterChange()

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        model = self.sourceModel()
        client = model.data(model.index(source_row, 0, source_parent), RECORD_ROLE)
        if not isinstance(client, Client):
            return False
        if self._status is not None and client.details.status is not self._status:
            return False
        if not self._words:
            return True
        details = client.details
        name_words = fold(f"{details.legal_name} {details.preferred_name}").split()
        return all(any(word.startswith(term) for word in name_words) for term in self._words)


class CheckableListModel(QAbstractListModel):
    """A pick list: terms with a tick each (techniques, interventions)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._terms: list[str] = []
        self._checked: set[str] = set()
        self.editable = True

    def rowCount(self, parent: AnyIndex = _INVALID) -> int:
        return 0 if parent.isValid() else len(self._terms)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._terms):
            return None
        term = self._terms[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return term
        if role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if term in self._checked else Qt.CheckState.Unchecked
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
        term = self._terms[index.row()]
        state = Qt.CheckState(value) if isinstance(value, int) else value
        if state == Qt.CheckState.Checked:
            self._checked.add(term)
        else:
            self._checked.discard(term)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        return True

    def set_terms(self, terms: Sequence[str], checked: Sequence[str]) -> None:
        """Offer `terms`; a checked term no longer on the list is kept and shown."""
        self.beginResetModel()
        self._terms = list(terms) + [term for term in checked if term not in terms]
        self._checked = set(checked)
        self.endResetModel()

    def checked(self) -> tuple[str, ...]:
        return tuple(term for term in self._terms if term in self._checked)

    def add_term(self, term: str) -> None:
        if term in self._terms:
            self._checked.add(term)
            row = self._terms.index(term)
            self.dataChanged.emit(self.index(row), self.index(row))
            return
        row = len(self._terms)
        self.beginInsertRows(QModelIndex(), row, row)
        self._terms.append(term)
        self._checked.add(term)
        self.endInsertRows()


# A group row's internal id; a hit's internal id is its group's row number.
_GROUP_ID = 0xFFFFFFFF

GROUP_TITLES = {
    HitKind.CLIENT: "Clients",
    HitKind.CONTACT: "Contacts",
    HitKind.NOTE: "Progress notes",
    HitKind.REFERRAL: "Referrals",
}


class SearchResultsModel(QAbstractItemModel):
    """Search results grouped by kind: a group row per kind that has hits, hits beneath."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._groups: list[tuple[HitKind, list[SearchHit]]] = []

    def set_results(self, grouped: dict[HitKind, list[SearchHit]]) -> None:
        self.beginResetModel()
        self._groups = [(kind, hits) for kind, hits in grouped.items() if hits]
        self.endResetModel()

    def clear(self) -> None:
        self.set_results({})

    def total(self) -> int:
        return sum(len(hits) for _kind, hits in self._groups)

    def index(self, row: int, column: int, parent: AnyIndex = _INVALID) -> QModelIndex:
        if column != 0 or row < 0:
            return QModelIndex()
        if not parent.isValid():
            if row < len(self._groups):
                return self.createIndex(row, 0, _GROUP_ID)
            return QModelIndex()
        if parent.internalId() != _GROUP_ID:
            return QModelIndex()  # a hit has no children
        group = parent.row()
        if group < len(self._groups) and row < len(self._groups[group][1]):
            return self.createIndex(row, 0, group)
        return QModelIndex()

    def parent(self, child: AnyIndex = _INVALID) -> QModelIndex:  # type: ignore[override]
        if not child.isValid() or child.internalId() == _GROUP_ID:
            return QModelIndex()
        return self.createIndex(child.internalId(), 0, _GROUP_ID)

    def rowCount(self, parent: AnyIndex = _INVALID) -> int:
        if not parent.isValid():
            return len(self._groups)
        if parent.internalId() == _GROUP_ID and parent.row() < len(self._groups):
            return len(self._groups[parent.row()][1])
        return 0

    def columnCount(self, parent: AnyIndex = _INVALID) -> int:
        return 1

    def hit_at(self, index: AnyIndex) -> SearchHit | None:
        if not index.isValid() or index.internalId() == _GROUP_ID:
            return None
        return self._groups[index.internalId()][1][index.row()]

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if index.internalId() == _GROUP_ID:
            kind, hits = self._groups[index.row()]
            if role == Qt.ItemDataRole.DisplayRole:
                return f"{GROUP_TITLES[kind]} ({len(hits)})"
            return None
        hit = self.hit_at(index)
        if hit is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{hit.title}\n{hit.summary}" if hit.summary else hit.title
        if role == RECORD_ROLE:
            return hit
        if role == ID_ROLE:
            return hit.record_id
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if index.internalId() == _GROUP_ID:
            return Qt.ItemFlag.ItemIsEnabled
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
