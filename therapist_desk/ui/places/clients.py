"""Clients: a list that filters as you type, and the chosen client's record beside it."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from therapist_desk.domain.records import Client, ClientDetails
from therapist_desk.domain.vocabulary import ClientStatus
from therapist_desk.ui.changes import Change
from therapist_desk.ui.common import formatting
from therapist_desk.ui.common.dialogs import DialogService
from therapist_desk.ui.common.icons import icon
from therapist_desk.ui.common.models import ClientFilter, ClientListModel
from therapist_desk.ui.common.widgets import (
    FieldAboveList,
    empty_state,
    focus_list,
    heading,
    label,
    named,
    record_table,
)
from therapist_desk.ui.held_drafts import HeldDrafts
from therapist_desk.ui.open_vault import OpenVault
from therapist_desk.ui.record.client_dialog import ClientDialog
from therapist_desk.ui.record.client_record import ClientRecord


class ClientsView(QWidget):
    """Two pages: the list of clients, and one client's record with a way back."""

    def __init__(
        self, dialogs: DialogService, drafts: HeldDrafts, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        named(self, "Clients")
        self._dialogs = dialogs
        self._vault: OpenVault | None = None
        # A new client typed but not saved when the vault locked (memory only).
        self._unfinished_client: ClientDetails | None = None
        self.model = ClientListModel(self._today, self)
        self.proxy = ClientFilter(self.model, self)
        self.filter = named(FieldAboveList(), "Filter clients")
        self.filter.setPlaceholderText("Filter by name…")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._filter_changed)
        self.filter.returnPressed.connect(self._open_current)
        self.status = named(QComboBox(), "Filter by status")
        self.status.addItem("All statuses", None)
        for status, text in formatting.STATUS_LABELS.items():
            self.status.addItem(text, status)
        self.status.currentIndexChanged.connect(self._status_changed)
        self.count = named(label("", "muted"), "Number of clients shown")
        self.table = record_table("Client list")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.activated.connect(self._open)
        self.filter.moved_down.connect(lambda: focus_list(self.table))
        self.no_match = empty_state("No client matches. Clear the filter, or add a new client.")
        self.no_clients = empty_state(
            "No clients yet. Add the first one with “New client” (Ctrl+N)."
        )
        self.no_match.hide()
        self.no_clients.hide()
        self.new_button = named(QPushButton(icon("add"), "New client…"), "New client")
        self.new_button.clicked.connect(self.new_client)

        top = QHBoxLayout()
        top.addWidget(heading("Clients"))
        top.addStretch(1)
        top.addWidget(self.new_button)
        filters = QHBoxLayout()
        filters.addWidget(self.filter, 1)
        filters.addWidget(self.status)
        filters.addWidget(self.count)
        list_page = QWidget()
        list_layout = QVBoxLayout(list_page)
        list_layout.setContentsMargins(0, 0, 0, 0)
        list_layout.addLayout(top)
        list_layout.addLayout(filters)
        list_layout.addWidget(self.table, 1)
        list_layout.addWidget(self.no_match)
        list_layout.addWidget(self.no_clients)

        self.back = named(QPushButton("← All clients"), "Back to all clients")
        self.back.setToolTip("Back to the list (Alt+Left)")
        self.back.clicked.connect(self.show_list)
        back_shortcut = QShortcut(QKeySequence("Alt+Left"), self)
        back_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        back_shortcut.activated.connect(self.show_list)
        self.record = ClientRecord(dialogs, drafts)
        record_page = QWidget()
        record_layout = QVBoxLayout(record_page)
        record_layout.setContentsMargins(0, 0, 0, 0)
        back_row = QHBoxLayout()
        back_row.addWidget(self.back)
        back_row.addStretch(1)
        record_layout.addLayout(back_row)
        record_layout.addWidget(self.record, 1)

        self.pages = QStackedWidget()
        self.pages.addWidget(list_page)
        self.pages.addWidget(record_page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)
        QWidget.setTabOrder(self.new_button, self.filter)
        QWidget.setTabOrder(self.filter, self.status)
        QWidget.setTabOrder(self.status, self.table)

    def _today(self) -> date:
        return self._vault.today() if self._vault else date.today()

    # -- vault --------------------------------------------------------------------------

    def attach(self, open_vault: OpenVault, clients: list[Client]) -> None:
        self._vault = open_vault
        self.record.attach(open_vault)
        self.model.set_rows(clients)
        self._after_filter()
        open_vault.changed.connect(self._changed)

    def _changed(self, change: Change) -> None:
        if change.removed:
            for client_id in change.client_ids:
                self._client_deleted(client_id)
        elif change.client is not None:
            self._client_saved(change.client)

    def set_privacy(self, on: bool) -> None:
        self.model.set_privacy(on)

    def clear(self) -> None:
        self.record.clear()
        self.model.clear()
        self.filter.clear()
        self.status.setCurrentIndex(0)
        self.pages.setCurrentIndex(0)
        self._vault = None

    def flush(self) -> bool:
        return self.record.flush()

    @property
    def showing_record(self) -> bool:
        return self.pages.currentIndex() == 1

    # -- list ------------------------------------------------------------------------------

    def show_list(self) -> None:
        self.record.flush()
        self.pages.setCurrentIndex(0)
        self.filter.setFocus()

    def _filter_changed(self, text: str) -> None:
        self.proxy.set_text(text)
        self._after_filter()

    def _status_changed(self, _index: int) -> None:
        status = self.status.currentData()
        self.proxy.set_status(ClientStatus(status) if status else None)
        self._after_filter()

    def _after_filter(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.no_clients.setVisible(total == 0)
        self.no_match.setVisible(shown == 0 and total > 0)
        self.table.setVisible(shown > 0)
        self.count.setText(f"{shown} of {total}" if shown != total else f"{total} clients")
        if shown:
            self.table.selectRow(0)  # the first match is selected; Enter opens it

    def _open_current(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self._open(rows[0])
        elif self.proxy.rowCount():
            self._open(self.proxy.index(0, 0))

    def _open(self, index: QModelIndex) -> None:
        client = self.model.record_of(index)
        if client is not None:
            self.open_client(client.id, keep_filter=True)

    def open_client(
        self,
        client_id: str,
        *,
        tab: str | None = None,
        session_id: str | None = None,
        keep_filter: bool = False,
    ) -> None:
        """Show a client's record (from the list, Today or Search)."""
        if not keep_filter:
            self.filter.clear()
            self.status.setCurrentIndex(0)
        row = self.model.row_of(client_id)
        if row >= 0:
            self.table.selectRow(self.proxy.mapFromSource(self.model.index(row, 0)).row())
        self.record.show_client(client_id, tab=tab, session_id=session_id)
        self.pages.setCurrentIndex(1)
        self.record.tabs.setFocus()

    def new_client(self) -> None:
        vault = self._vault
        if vault is None:
            return
        dialog = ClientDialog(vault.create_client, parent=self)
        if self._unfinished_client is not None:
            dialog.fill(self._unfinished_client)
            self._unfinished_client = None
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.saved is not None:
            self.open_client(dialog.saved.id)
        elif dialog.property("closed_by_lock"):
            self._unfinished_client = dialog.details()  # offered again next time

    def _client_deleted(self, client_id: str) -> None:
        self.model.remove(client_id)
        self._after_filter()
        if self.record.client is not None and self.record.client.id == client_id:
            self.record.show_client(None)
            self.pages.setCurrentIndex(0)
            self.filter.setFocus()

    def _client_saved(self, client: Client) -> None:
        self.model.put(client)
        self._after_filter()
