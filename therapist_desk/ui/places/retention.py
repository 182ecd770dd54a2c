"""Retention: whose records have been kept as long as the law asks. Nothing is deleted by itself."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from therapist_desk.records import retention
from therapist_desk.records.retention import Retention
from therapist_desk.ui.changes import Change
from therapist_desk.ui.common import formatting
from therapist_desk.ui.common.dialogs import DialogService
from therapist_desk.ui.common.icons import icon
from therapist_desk.ui.common.table_model import Column, TableModel
from therapist_desk.ui.common.widgets import empty_state, heading, label, named, record_table
from therapist_desk.ui.held_drafts import HeldDrafts
from therapist_desk.ui.open_vault import OpenVault
from therapist_desk.ui.record.delete_client_dialog import DeleteClientDialog, deletion_text
from therapist_desk.vault import settings as vault_settings


class RetentionModel(TableModel[Retention]):
    def __init__(self, vault: OpenVault | None = None, parent: QObject | None = None) -> None:
        self.vault = vault
        super().__init__(
            (
                Column("Client", self._client, lambda item: item.client.details.legal_name),
                Column(
                    "Last session",
                    lambda item: formatting.day(item.last_service),
                    lambda item: item.last_service,
                ),
                Column(
                    "Keep until",
                    lambda item: formatting.day(item.keep_until),
                    lambda item: item.keep_until,
                ),
                Column("Why that date", lambda item: item.reason),
            ),
            lambda item: item.client.id,
            parent,
        )

    def _client(self, item: Retention) -> str:
        if self.vault is not None and self.vault.privacy:
            return formatting.initials(item.client.details.legal_name)
        return item.client.details.full_name


class RetentionView(QWidget):
    open_client = Signal(str)

    def __init__(
        self, dialogs: DialogService, drafts: HeldDrafts, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        named(self, "Retention")
        self._dialogs = dialogs
        self._drafts = drafts
        self._vault: OpenVault | None = None
        self.model = RetentionModel(parent=self)
        self.show_all = named(
            QCheckBox("Show every client, not only those past their date"),
            "Show every client's retention date",
        )
        self.show_all.toggled.connect(self.refresh)
        self.summary = named(label("", wrap=True), "Retention summary")
        self.table = record_table("Retention list")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(2, Qt.SortOrder.AscendingOrder)
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.activated.connect(lambda _index: self._open())
        self.empty = empty_state("")
        self.empty.hide()
        self.open_button = named(QPushButton("Open record"), "Open the chosen client's record")
        self.open_button.clicked.connect(self._open)
        self.delete_button = named(
            QPushButton(icon("remove"), "Delete permanently…"), "Delete the chosen client"
        )
        self.delete_button.clicked.connect(self._delete)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)

        actions = QHBoxLayout()
        actions.addWidget(self.open_button)
        actions.addWidget(self.delete_button)
        actions.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(heading("Retention"))
        layout.addWidget(self.summary)
        layout.addWidget(self.show_all)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addLayout(actions)
        self._selection_changed()

    def attach(self, open_vault: OpenVault) -> None:
        self._vault = open_vault
        self.model.vault = open_vault
        open_vault.changed.connect(self._changed)

    def _changed(self, change: Change) -> None:
        if change.removed:
            for client_id in change.client_ids:
                self.model.remove(client_id)

    def refresh(self) -> None:
        vault = self._vault
        if vault is None:
            return
        store = vault.vault
        every = self.show_all.isChecked()
        self.summary.setText("Working out the dates…")
        vault.in_background(
            lambda: (
                vault_settings.retention_years(store),
                retention.retention_review(store) if every else retention.past_retention(store),
            ),
            self._loaded,
            self._failed,
        )

    def _loaded(self, result: object) -> None:
        assert isinstance(result, tuple)
        years, items = result
        self.model.set_rows(items)
        rule = (
            f"Records are kept at least {years} years after the last session, and for a "
            "client seen as a minor at least three years after they came of age (the period "
            "is set in Settings). Nothing is deleted by itself."
        )
        past = sum(1 for item in items if item.keep_until < self._today())
        if self.show_all.isChecked():
            self.summary.setText(f"{rule} {past} of {len(items)} clients are past their date.")
        else:
            self.summary.setText(
                f"{rule} {len(items)} client{'s are' if len(items) != 1 else ' is'} past "
                "their date: you may delete their records, or keep them longer."
            )
        self.empty.setText(
            "No clients yet." if self.show_all.isChecked() else "No client is past their date."
        )
        self.table.setVisible(bool(items))
        self.empty.setVisible(not items)
        if items:
            self.table.selectRow(0)
        self._selection_changed()

    def _failed(self, error: BaseException) -> None:
        self.summary.setText(
            f"The retention dates could not be worked out ({type(error).__name__})."
        )

    def _today(self) -> date:
        return self._vault.today() if self._vault is not None else date.today()

    def _chosen(self) -> Retention | None:
        return self.model.chosen_in(self.table)

    def _selection_changed(self) -> None:
        chosen = self._chosen() is not None
        self.open_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen)

    def _open(self) -> None:
        chosen = self._chosen()
        if chosen is not None:
            self.open_client.emit(chosen.client.id)

    def _delete(self) -> None:
        vault, chosen = self._vault, self._chosen()
        if vault is None or chosen is None:
            return
        dialog = DeleteClientDialog(vault, chosen.client, self._drafts, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.refresh()
            if dialog.deleted is not None:
                self._dialogs.inform(self, "Client deleted", deletion_text(dialog.deleted))

    def clear(self) -> None:
        self.model.clear()
        self.model.vault = None
        self.summary.clear()
        self._vault = None
