"""The list of places on the left of the window."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QSize, Qt

from therapist_desk.ui.common.icons import icon
from therapist_desk.ui.common.table_model import AnyIndex

_INVALID = QModelIndex()

#: (title, icon name); the order of the list and of the content pages.
PLACES = (
    ("Today", "today"),
    ("Clients", "clients"),
    ("Calendar", "calendar"),
    ("Referrals", "referrals"),
    ("Directory", "directory"),
    ("Search", "search"),
    ("Retention", "retention"),
    ("Audit trail", "audit"),
    ("Settings", "settings"),
)
# Use these names, never the numbers: a new place moves the ones after it.
(
    TODAY,
    CLIENTS,
    CALENDAR,
    REFERRALS,
    DIRECTORY,
    SEARCH,
    RETENTION,
    AUDIT_TRAIL,
    SETTINGS,
) = range(len(PLACES))


class NavigationModel(QAbstractListModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._icons = [icon(name) for _title, name in PLACES]

    def rowCount(self, parent: AnyIndex = _INVALID) -> int:
        return 0 if parent.isValid() else len(PLACES)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(PLACES):
            return None
        title, _icon = PLACES[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return title
        if role == Qt.ItemDataRole.DecorationRole:
            return self._icons[index.row()]
        if role == Qt.ItemDataRole.SizeHintRole:
            return QSize(150, 36)
        return None
