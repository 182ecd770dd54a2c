"""The audit trail: who opened, changed, disclosed or deleted what, and when (never the text)."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from therapist_desk.domain.records import AuditEvent
from therapist_desk.domain.vocabulary import AuditKind
from therapist_desk.ui.common import formatting
from therapist_desk.ui.common.table_model import Column, TableModel
from therapist_desk.ui.common.widgets import empty_state, heading, label, named, record_table
from therapist_desk.ui.open_vault import OpenVault
from therapist_desk.vault import audit

KIND_LABELS = {
    AuditKind.UNLOCK: "Unlocked",
    AuditKind.FAILED_UNLOCK: "Failed unlock",
    AuditKind.LOCK: "Locked",
    AuditKind.CREATE: "Created",
    AuditKind.EDIT: "Edited",
    AuditKind.SIGN: "Signed",
    AuditKind.ADDENDUM: "Addendum",
    AuditKind.DELETE: "Deleted",
    AuditKind.VIEW: "Viewed",
    AuditKind.DISCLOSURE: "Disclosed (print, PDF, export)",
    AuditKind.IMPORT: "Imported",
    AuditKind.BACKUP: "Backed up",
    AuditKind.BACKUP_VERIFIED: "Backup checked",
    AuditKind.RESTORE: "Restored",
    AuditKind.PASSPHRASE_CHANGE: "Passphrase changed",
    AuditKind.RECOVERY_KEY_CHANGE: "Recovery key changed",
}


def _moment(value: datetime) -> str:
    local = formatting.local(value)
    return f"{formatting.day(local.date())} {local:%H:%M:%S}"


class AuditTrailModel(TableModel[AuditEvent]):
    def __init__(self, parent: QObject | None = None) -> None:
        #: Client id → how the trail names them (full name, or initials in privacy mode).
        self.names: dict[str, str] = {}
        super().__init__(
            (
                Column("When", lambda event: _moment(event.occurred_at), lambda e: e.seq),
                Column("What", lambda event: KIND_LABELS[event.details.kind]),
                Column("Client", self._client),
                Column("Detail", self._detail),
            ),
            lambda event: str(event.seq),
            parent,
        )

    def _client(self, event: AuditEvent) -> str:
        client_id = event.details.client_id
        if not client_id:
            return ""
        return self.names.get(client_id) or "a deleted client"

    @staticmethod
    def _detail(event: AuditEvent) -> str:
        if event.damaged:
            return "This entry is damaged and cannot be read; run Verify."
        return event.details.detail


class AuditTrailView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "Audit trail")
        self._vault: OpenVault | None = None
        self._shown_privacy: bool | None = None
        self.model = AuditTrailModel(self)
        self.client_filter = named(QComboBox(), "Filter the audit trail by client")
        self.client_filter.setMinimumWidth(220)
        self.kind_filter = named(QComboBox(), "Filter the audit trail by kind")
        self.kind_filter.addItem("Every kind", None)
        for kind, text in KIND_LABELS.items():
            self.kind_filter.addItem(text, kind.value)
        self.client_filter.currentIndexChanged.connect(self.reload)
        self.kind_filter.currentIndexChanged.connect(self.reload)
        self.reload_button = named(QPushButton("Reload"), "Reload the audit trail")
        self.reload_button.clicked.connect(self.reload)
        self.count = named(label("", "muted"), "Number of audit entries shown")
        self.table = record_table("Audit entries")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.empty = empty_state("No entries match. Choose every client and every kind.")
        self.empty.hide()

        top = QHBoxLayout()
        top.addWidget(heading("Audit trail"))
        top.addStretch(1)
        top.addWidget(self.reload_button)
        filters = QHBoxLayout()
        filters.addWidget(label("Client"))
        filters.addWidget(self.client_filter)
        filters.addWidget(label("Kind"))
        filters.addWidget(self.kind_filter)
        filters.addStretch(1)
        filters.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(
            label(
                "Every unlock, view, change, disclosure, backup and deletion, in the order they "
                "happened. Entries are encrypted and chained to each other, so one removed or "
                "altered is found by Verify. They name the record, never what it says.",
                "muted",
                wrap=True,
            )
        )
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        QWidget.setTabOrder(self.reload_button, self.client_filter)
        QWidget.setTabOrder(self.client_filter, self.kind_filter)
        QWidget.setTabOrder(self.kind_filter, self.table)

    def attach(self, open_vault: OpenVault) -> None:
        self._vault = open_vault
        self._shown_privacy = None

    def _fill_clients(self) -> None:
        """The client choices, named as the lists name them (initials in privacy mode)."""
        vault = self._vault
        if vault is None or self._shown_privacy == vault.privacy:
            return
        chosen = self.client_filter.currentData()
        self.model.names = {
            client.id: formatting.initials(client.details.legal_name)
            if vault.privacy
            else client.details.full_name
            for client in vault.clients
        }
        self.client_filter.blockSignals(True)
        self.client_filter.clear()
        self.client_filter.addItem("Every client", None)
        for client in sorted(vault.clients, key=lambda c: c.details.legal_name.casefold()):
            self.client_filter.addItem(self.model.names[client.id], client.id)
        found = self.client_filter.findData(chosen) if chosen else 0
        self.client_filter.setCurrentIndex(max(found, 0))
        self.client_filter.blockSignals(False)
        self._shown_privacy = vault.privacy

    def choose_client(self, client_id: str | None) -> None:
        """Filter to one client's entries (from their record); loading is the caller's."""
        self._shown_privacy = None
        self._fill_clients()
        found = self.client_filter.findData(client_id) if client_id else 0
        self.client_filter.blockSignals(True)
        self.client_filter.setCurrentIndex(max(found, 0))
        self.client_filter.blockSignals(False)

    def refresh(self) -> None:
        """The place is being shown: names may have changed, entries have been added."""
        self._shown_privacy = None
        self._fill_clients()
        self.reload()

    def reload(self) -> None:
        vault = self._vault
        if vault is None:
            return
        client_id = self.client_filter.currentData()
        kind_value = self.kind_filter.currentData()
        kind = AuditKind(kind_value) if kind_value else None
        store = vault.vault
        self.count.setText("Loading…")
        vault.in_background(
            lambda: audit.events(store, client_id=client_id, kind=kind),
            self._loaded,
            self._failed,
        )

    def _loaded(self, events: object) -> None:
        assert isinstance(events, list)
        self.model.set_rows(events)
        shown = len(events)
        self.count.setText(f"{shown} entr{'ies' if shown != 1 else 'y'}")
        self.table.setVisible(shown > 0)
        self.empty.setVisible(shown == 0)

    def _failed(self, error: BaseException) -> None:
        self.count.setText(f"The audit trail could not be read ({type(error).__name__}).")

    def clear(self) -> None:
        self.model.clear()
        self.model.names = {}
        self.client_filter.blockSignals(True)
        self.client_filter.clear()
        self.client_filter.blockSignals(False)
        self.kind_filter.blockSignals(True)
        self.kind_filter.setCurrentIndex(0)
        self.kind_filter.blockSignals(False)
        self.count.clear()
        self._vault = None
        self._shown_privacy = None
