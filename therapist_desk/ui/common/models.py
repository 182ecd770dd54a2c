"""The client list and its filters (by name, and of attendees), and the search results.

The tables of records are `TableModel`s (table_model.py); the lists with a tick
each are `ChecklistModel`s (checklist.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, Qt

from therapist_desk.domain.records import Client, ClientDetails
from therapist_desk.domain.vocabulary import ClientStatus
from therapist_desk.search.index import HitKind, SearchHit, fold
from therapist_desk.ui.common import formatting
from therapist_desk.ui.common.checklist import ChecklistModel
from therapist_desk.ui.common.table_model import (
    ID_ROLE,
    RECORD_ROLE,
    AnyIndex,
    Column,
    TableModel,
    TypedFilter,
    begins_words,
)

_INVALID = QModelIndex()


class ClientListModel(TableModel[Client]):
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


def name_matches(terms: Sequence[str], details: ClientDetails) -> bool:
    """Every term (folded, as typed) begins a word of the client's legal or preferred name."""
    return begins_words(terms, fold(f"{details.legal_name} {details.preferred_name}"))


class ClientFilter(TypedFilter[Client]):
    """Filters as you type: every word must begin a word of the client's names; and by status."""

    def __init__(self, source: TableModel[Client], parent: QObject | None = None) -> None:
        super().__init__(source, parent)
        self._status: ClientStatus | None = None

    def set_status(self, status: ClientStatus | None) -> None:
        self.beginFilterChange()
        self._status = status
        self.endFilterChange()

    def accepts(self, row: Client) -> bool:
        if self._status is not None and row.details.status is not self._status:
            return False
        return name_matches(self._words, row.details)


class AttendeeFilter(TypedFilter[Client]):
    """The clients whose names begin with the words typed, and everyone already ticked.

    It filters again only when the words change: someone unticked stays in sight (to be
    ticked again) until the next word is typed.
    """

    def __init__(self, source: ChecklistModel[Client], parent: QObject | None = None) -> None:
        super().__init__(source, parent)
        self._attendees = source
        self.setDynamicSortFilter(False)

    def accepts(self, row: Client) -> bool:
        return self._attendees.is_ticked(row.id) or name_matches(self._words, row.details)


def attendee_checklist(
    clients: Sequence[Client], parent: QObject | None = None
) -> ChecklistModel[Client]:
    """Every client, by the name they go by, to tick those who attend; the first ticked
    comes first."""
    model = ChecklistModel[Client](
        lambda client: client.id,
        lambda client: client.details.display_name,
        tick_order=True,
        parent=parent,
    )
    model.set_items(sorted(clients, key=lambda client: client.details.display_name.casefold()), ())
    return model


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
