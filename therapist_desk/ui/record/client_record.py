"""One client's record: a header and tabs. Opening a client never opens a window."""

from __future__ import annotations

import contextlib
from typing import Protocol

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from therapist_desk.clinical import measures, risk
from therapist_desk.domain.records import Client, ClientDetails
from therapist_desk.domain.vocabulary import ClientStatus
from therapist_desk.records import clients, progress_notes
from therapist_desk.ui.changes import Change, Kind
from therapist_desk.ui.common import formatting
from therapist_desk.ui.common.dialogs import DialogService
from therapist_desk.ui.common.formatting import initials
from therapist_desk.ui.common.icons import icon
from therapist_desk.ui.common.saving import SAVE_ERRORS, save_error_text
from therapist_desk.ui.common.widgets import empty_state, heading, label, named
from therapist_desk.ui.held_drafts import HeldDrafts
from therapist_desk.ui.open_vault import OpenVault
from therapist_desk.ui.record.client_dialog import ClientDialog
from therapist_desk.ui.record.clinical.clinical_tab import ClinicalTab
from therapist_desk.ui.record.clinical.measures_tab import MeasuresTab
from therapist_desk.ui.record.clinical.risk_summary import banner_for
from therapist_desk.ui.record.contacts_tab import ContactsTab
from therapist_desk.ui.record.delete_client_dialog import DeleteClientDialog, deletion_text
from therapist_desk.ui.record.fees_tab import FeesTab
from therapist_desk.ui.record.overview_tab import OverviewTab
from therapist_desk.ui.record.plan.plan_tab import PlanTab
from therapist_desk.ui.record.process_notes_tab import ProcessNotesTab
from therapist_desk.ui.record.referrals.referrals_tab import ReferralsTab
from therapist_desk.ui.record.sessions_tab import SessionsTab
from therapist_desk.ui.unfinished_forms import UnfinishedForms

#: The record's tabs, by name; `show_tab` and `open_client(tab=...)` take these.
OVERVIEW = "overview"
SESSIONS = "sessions"
PLAN = "plan"
MEASURES = "measures"
CLINICAL = "clinical"
CONTACTS = "contacts"
REFERRALS = "referrals"
FEES = "fees"
PROCESS_NOTES = "process_notes"
#: Left to right. A part whose tab is not built yet is skipped.
TAB_ORDER = (
    OVERVIEW,
    SESSIONS,
    PLAN,
    MEASURES,
    CLINICAL,
    CONTACTS,
    REFERRALS,
    FEES,
    PROCESS_NOTES,
)


class RecordPart(Protocol):
    """A tab that shows one client's records of one kind."""

    def attach(self, open_vault: OpenVault) -> None: ...

    def show_client(self, client_id: str | None) -> None: ...

    def flush(self) -> bool:
        """Save what is being edited; False if something could not be saved (it is held)."""
        ...

    def clear(self) -> None:
        """Forget everything shown (the vault is locking)."""
        ...


class ClientRecord(QWidget):
    audit_requested = Signal(str)  # client id

    def __init__(
        self, dialogs: DialogService, drafts: HeldDrafts, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        named(self, "Client record")
        self._dialogs = dialogs
        self._drafts = drafts
        self._vault: OpenVault | None = None
        self._client: Client | None = None
        # Edits typed but not saved when the vault locked, by client (memory only).
        self._unfinished_edits = UnfinishedForms[ClientDetails]()

        self.name = heading("")
        self.name.setAccessibleName("Client name")
        self.facts = named(label("", "muted"), "Client facts")
        self.risk_banner = named(QLabel(), "Risk banner")
        self.risk_banner.setWordWrap(True)
        self.risk_banner.hide()
        self.edit_button = named(QPushButton(icon("edit"), "Edit…"), "Edit the client")
        self.discharge_button = named(QPushButton("Discharge…"), "Discharge the client")
        self.schedule_button = named(
            QPushButton(icon("add"), "Schedule…"), "Schedule a session for the client"
        )
        self.delete_button = named(QPushButton(icon("remove"), "Delete…"), "Delete the client")
        self.delete_button.setToolTip("Delete this client and their records permanently")
        self.audit_button = named(
            QPushButton(icon("audit"), "Audit trail"), "Show the client's audit trail"
        )
        self.audit_button.setToolTip("Who opened, changed or disclosed this record, and when")
        self.audit_button.clicked.connect(
            lambda: self.audit_requested.emit(self._client.id) if self._client else None
        )
        self.edit_button.clicked.connect(self.edit)
        self.discharge_button.clicked.connect(self._discharge_or_reactivate)
        self.delete_button.clicked.connect(self.delete_client)
        header_buttons = QHBoxLayout()
        header_buttons.addWidget(self.name, 1)
        header_buttons.addWidget(self.audit_button)
        header_buttons.addWidget(self.schedule_button)
        header_buttons.addWidget(self.edit_button)
        header_buttons.addWidget(self.discharge_button)
        header_buttons.addWidget(self.delete_button)

        self.overview = OverviewTab(dialogs)
        self.measures = MeasuresTab(dialogs)
        self.sessions = SessionsTab(dialogs, drafts)
        self.plan = PlanTab(dialogs, drafts)
        self.clinical = ClinicalTab(dialogs, drafts)
        self.contacts = ContactsTab(dialogs)
        self.referrals = ReferralsTab(dialogs)
        self.fees = FeesTab(dialogs)
        self.process_notes = ProcessNotesTab(drafts)
        self.schedule_button.clicked.connect(self._schedule)
        self.tabs = named(QTabWidget(), "Client record tabs")
        self.tabs.setUsesScrollButtons(True)
        #: Tabs that follow the RecordPart protocol (all but Overview and Sessions).
        self._parts: dict[str, RecordPart] = {}
        self._tab_widgets: dict[str, QWidget] = {OVERVIEW: self.overview, SESSIONS: self.sessions}
        self.tabs.addTab(self.overview, "Overview")
        self.tabs.addTab(self.sessions, "Sessions && notes")
        self._add_part(MEASURES, self.measures, "Measures")
        self._add_part(PLAN, self.plan, "Plan")
        self._add_part(CLINICAL, self.clinical, "Clinical")
        self._add_part(CONTACTS, self.contacts, "Contacts")
        self._add_part(REFERRALS, self.referrals, "Referrals")
        self._add_part(FEES, self.fees, "Fees")
        self._add_part(PROCESS_NOTES, self.process_notes, "Process notes (private)", "private")
        self.tabs.currentChanged.connect(self._tab_changed)

        record = QWidget()
        record_layout = QVBoxLayout(record)
        record_layout.setContentsMargins(0, 0, 0, 0)
        record_layout.addLayout(header_buttons)
        record_layout.addWidget(self.facts)
        record_layout.addWidget(self.risk_banner)
        record_layout.addWidget(self.tabs, 1)
        self.empty = empty_state("No client is open.")
        self.pages = QStackedWidget()
        self.pages.addWidget(self.empty)
        self.pages.addWidget(record)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)

    def _add_part(self, name: str, part: QWidget, title: str, icon_name: str = "") -> None:
        """Put a RecordPart's tab in its place in TAB_ORDER."""
        self._parts[name] = part  # type: ignore[assignment]
        self._tab_widgets[name] = part
        position = TAB_ORDER.index(name)
        index = sum(1 for other in TAB_ORDER[:position] if other in self._tab_widgets)
        if icon_name:
            self.tabs.insertTab(index, part, icon(icon_name), title)
        else:
            self.tabs.insertTab(index, part, title)

    def show_tab(self, name: str) -> None:
        self.tabs.setCurrentWidget(self._tab_widgets[name])

    def has_tab(self, name: str) -> bool:
        return name in self._tab_widgets

    @property
    def current_tab(self) -> str:
        current = self.tabs.currentWidget()
        return next(name for name, widget in self._tab_widgets.items() if widget is current)

    # -- vault -------------------------------------------------------------------------

    def attach(self, open_vault: OpenVault) -> None:
        self._vault = open_vault
        self.overview.attach(open_vault)
        self.sessions.attach(open_vault)
        for part in self._parts.values():
            part.attach(open_vault)
        open_vault.changed.connect(self._changed)

    def _changed(self, change: Change) -> None:
        client = self._client
        if client is None or change.removed:
            return
        if change.concerns(client.id, Kind.MEASURE, Kind.RISK, Kind.NOTE):
            self._show_risk(client)  # the banner: risk level, item 9, a note's risk flag

    @property
    def client(self) -> Client | None:
        return self._client

    def show_client(
        self, client_id: str | None, *, tab: str | None = None, session_id: str | None = None
    ) -> None:
        """Open a client (saving whatever is being edited first)."""
        self.flush()
        vault = self._vault
        if client_id is None or vault is None:
            self._client = None
            self.pages.setCurrentWidget(self.empty)
            self.sessions.show_client(None)
            for part in self._parts.values():
                part.show_client(None)
            self.overview.show_client(None)
            return
        client = clients.get_client(vault.vault, client_id)
        if self._client is None or self._client.id != client_id:
            # A full disk must not hide the record; the next save will say so.
            with contextlib.suppress(*SAVE_ERRORS):
                vault.record_view(client_id)
        self._client = client
        self._show_header(client)
        self.overview.show_client(client)
        self.sessions.show_client(client.id, session_id)
        for part in self._parts.values():
            part.show_client(client.id)
        self.pages.setCurrentIndex(1)
        if tab is not None:
            self.show_tab(tab)

    def _show_header(self, client: Client) -> None:
        details = client.details
        private = self._vault is not None and self._vault.privacy
        self.name.setText(initials(details.legal_name) if private else details.full_name)
        assert self._vault is not None
        age = formatting.age_on(details.date_of_birth, self._vault.today())
        parts = [part for part in (details.pronouns, f"{age}" if age is not None else "") if part]
        parts.append(formatting.STATUS_LABELS[details.status])
        if details.intake_date:
            parts.append(f"client since {formatting.day(details.intake_date)}")
        self.facts.setText(" · ".join(parts))
        discharged = details.status is ClientStatus.DISCHARGED
        self.discharge_button.setText("Reactivate" if discharged else "Discharge…")
        self.discharge_button.setAccessibleName(
            "Reactivate the client" if discharged else "Discharge the client"
        )
        self._show_risk(client)

    def refresh_header(self) -> None:
        if self._client is not None:
            self._show_header(self._client)

    def _show_risk(self, client: Client) -> None:
        """The banner: the latest risk assessment's level, the latest PHQ-9's item-9 alert and
        the latest note's risk flag, in that order of weight (see risk_summary)."""
        assert self._vault is not None
        vault = self._vault.vault
        banner = banner_for(
            risk.current_risk(vault, client.id),
            measures.latest_self_harm_alert(vault, client.id),
            progress_notes.latest_risk_flag(vault, client.id),
        )
        if banner is None:
            self.risk_banner.hide()
            return
        self.risk_banner.setStyleSheet(banner.style)
        self.risk_banner.setText(banner.text)
        self.risk_banner.show()

    # -- actions ---------------------------------------------------------------------------

    def edit(self) -> None:
        vault, client = self._vault, self._client
        if vault is None or client is None:
            return
        dialog = ClientDialog(lambda details: vault.update_client(client.id, details), client, self)
        if (
            self._unfinished_edits.run(dialog, client.id, dialog.details)
            and dialog.saved is not None
        ):
            self.show_client(client.id, tab=self.current_tab)

    def _discharge_or_reactivate(self) -> None:
        vault, client = self._vault, self._client
        if vault is None or client is None:
            return
        try:
            if client.details.status is ClientStatus.DISCHARGED:
                vault.reactivate_client(client.id)
            else:
                if not self._dialogs.confirm(
                    self,
                    "Discharge this client?",
                    f"{client.details.display_name} will be marked discharged as of today. "
                    "Their record stays as it is, and you can reactivate them later.",
                    "Discharge",
                ):
                    return
                vault.discharge_client(client.id, vault.today())
        except SAVE_ERRORS as error:
            self._dialogs.warn(self, "The client was not changed", save_error_text(error))
            return
        self.show_client(client.id, tab=self.current_tab)

    def delete_client(self) -> None:
        vault, client = self._vault, self._client
        if vault is None or client is None:
            return
        self.flush()  # an open draft is saved (or held) before anything is deleted
        dialog = DeleteClientDialog(vault, client, self._drafts, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        deleted = dialog.deleted
        if deleted is not None:
            self._dialogs.inform(self, "Client deleted", deletion_text(deleted))

    def _schedule(self) -> None:
        self.show_tab(SESSIONS)
        self.sessions.schedule()

    def _tab_changed(self, _index: int) -> None:
        # Leaving a tab saves whatever it was editing.
        self.flush()

    def flush(self) -> bool:
        # Every part, always: a failure in one must not leave another unsaved.
        saved = [self.sessions.flush()] + [part.flush() for part in self._parts.values()]
        return all(saved)

    def clear(self) -> None:
        self.sessions.clear()
        self.overview.clear()
        for part in self._parts.values():
            part.clear()
        self._client = None
        self._vault = None
        self.name.clear()
        self.facts.clear()
        self.risk_banner.clear()
        self.risk_banner.hide()
        self.show_tab(OVERVIEW)
        self.pages.setCurrentWidget(self.empty)
