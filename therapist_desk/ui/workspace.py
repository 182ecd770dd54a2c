"""The unlocked window: a header with search and Lock, the places on the left, one place shown."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListView,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from therapist_desk.domain.records import Client
from therapist_desk.records import progress_notes
from therapist_desk.search.index import HitKind, SearchHit
from therapist_desk.ui.common.dialogs import DialogService
from therapist_desk.ui.common.icons import icon
from therapist_desk.ui.common.widgets import FieldAboveList, label, named
from therapist_desk.ui.held_drafts import HeldDrafts
from therapist_desk.ui.navigation import (
    AUDIT_TRAIL,
    CALENDAR,
    CLIENTS,
    DIRECTORY,
    REFERRALS,
    RETENTION,
    SEARCH,
    SETTINGS,
    TODAY,
    NavigationModel,
)
from therapist_desk.ui.open_vault import OpenVault
from therapist_desk.ui.places.audit_trail import AuditTrailView
from therapist_desk.ui.places.calendar import CalendarView
from therapist_desk.ui.places.clients import ClientsView
from therapist_desk.ui.places.directory import DirectoryView
from therapist_desk.ui.places.referrals import ReferralsPlace
from therapist_desk.ui.places.retention import RetentionView
from therapist_desk.ui.places.search import SearchView
from therapist_desk.ui.places.settings import SettingsView
from therapist_desk.ui.places.today import TodayView
from therapist_desk.ui.record import client_record
from therapist_desk.ui.window_settings import WindowSettings


class Workspace(QWidget):
    lock_requested = Signal()

    def __init__(
        self,
        settings: WindowSettings,
        dialogs: DialogService,
        drafts: HeldDrafts,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        named(self, "Workspace")
        self._vault: OpenVault | None = None
        title = label("Therapist Desk", "subheading")
        self.search_field = named(FieldAboveList(), "Search everything")
        self.search_field.setPlaceholderText("Search (Ctrl+K)")
        self.search_field.setClearButtonEnabled(True)
        self.search_field.setMaximumWidth(420)
        self.search_field.textEdited.connect(lambda _text: self.go_to(SEARCH))
        self.lock_button = named(QPushButton(icon("lock"), "Lock"), "Lock")
        self.lock_button.setToolTip("Lock now (Ctrl+L)")
        self.lock_button.clicked.connect(self.lock_requested)
        header = QHBoxLayout()
        header.addWidget(title)
        header.addStretch(1)
        header.addWidget(self.search_field, 2)
        header.addStretch(1)
        header.addWidget(self.lock_button)

        self.navigation_model = NavigationModel(self)
        self.navigation = named(QListView(), "Places")
        self.navigation.setObjectName("navigation")
        self.navigation.setModel(self.navigation_model)
        self.navigation.setFixedWidth(170)
        self.navigation.selectionModel().currentChanged.connect(
            lambda current, _previous: self._show_place(current.row())
        )

        self.today = TodayView()
        self.clients = ClientsView(dialogs, drafts)
        self.calendar = CalendarView(dialogs)
        self.referrals = ReferralsPlace()
        self.directory = DirectoryView(dialogs)
        self.search = SearchView(self.search_field)
        self.retention = RetentionView(dialogs, drafts)
        self.audit_trail = AuditTrailView()
        self.settings = SettingsView(settings, dialogs, drafts)
        self.pages = QStackedWidget()
        for page in self._places():
            self.pages.addWidget(page)
        self.today.open_session.connect(self.open_session)
        self.today.open_record.connect(self.open_record)
        self.calendar.open_session.connect(self.open_session)
        self.referrals.open_referral.connect(self.open_referral)
        self.search.open_hit.connect(self.open_hit)
        self.retention.open_client.connect(self.show_client)
        self.clients.record.audit_requested.connect(self.show_audit_trail)
        self.settings.privacy_changed.connect(self.set_privacy)

        body = QHBoxLayout()
        body.setSpacing(12)
        body.addWidget(self.navigation)
        body.addWidget(self.pages, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 4)
        layout.addLayout(header)
        layout.addLayout(body, 1)

        for keys, action in (
            ("Ctrl+K", self.focus_search),
            (QKeySequence.StandardKey.New, self._new),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(action)
        QWidget.setTabOrder(self.search_field, self.lock_button)
        QWidget.setTabOrder(self.lock_button, self.navigation)

    # -- places ------------------------------------------------------------------------

    def _places(self) -> tuple[QWidget, ...]:
        """The pages, in the order of the navigation list."""
        return (
            self.today,
            self.clients,
            self.calendar,
            self.referrals,
            self.directory,
            self.search,
            self.retention,
            self.audit_trail,
            self.settings,
        )

    def go_to(self, place: int) -> None:
        if self.navigation.currentIndex().row() != place:
            self.navigation.selectionModel().setCurrentIndex(
                self.navigation_model.index(place), QItemSelectionModel.SelectionFlag.ClearAndSelect
            )

    def _show_place(self, place: int) -> None:
        if place < 0:
            return
        if self.pages.currentIndex() == CLIENTS and place != CLIENTS:
            self.clients.flush()  # switching away saves the open draft
        if self.pages.currentIndex() == SETTINGS and place != SETTINGS:
            self.settings.flush()
        self.pages.setCurrentIndex(place)
        if place == TODAY:
            self.today.refresh()
        elif place == CALENDAR:
            self.calendar.refresh()
        elif place == REFERRALS:
            self.referrals.refresh()
        elif place == DIRECTORY:
            self.directory.refresh()
        elif place == RETENTION:
            self.retention.refresh()
        elif place == AUDIT_TRAIL:
            self.audit_trail.refresh()
        elif place == SETTINGS:
            self.settings.safekeeping.refresh()

    @property
    def place(self) -> int:
        return self.pages.currentIndex()

    def focus_search(self) -> None:
        self.go_to(SEARCH)
        self.search.focus_field()

    def _new(self) -> None:
        if (
            self.place == CLIENTS
            and self.clients.record.client is not None
            and self.clients.record.current_tab == client_record.SESSIONS
        ):
            self.clients.record.sessions.schedule()
        elif self.place == DIRECTORY:
            self.directory.add()
        else:
            self.go_to(CLIENTS)
            self.clients.new_client()

    def open_session(self, client_id: str, session_id: str) -> None:
        self.go_to(CLIENTS)
        self.clients.open_client(client_id, tab=client_record.SESSIONS, session_id=session_id)

    def open_record(self, client_id: str, tab: str) -> None:
        """A client's record at one tab (from Today); the overview if that tab is not built."""
        self.go_to(CLIENTS)
        record = self.clients.record
        self.clients.open_client(client_id, tab=tab if record.has_tab(tab) else None)

    def open_referral(self, client_id: str, referral_id: str) -> None:
        """A client's Referrals tab with one referral chosen (from the Referrals place)."""
        self.go_to(CLIENTS)
        self.clients.open_client(client_id, tab=client_record.REFERRALS)
        tab = self.clients.record.referrals
        if tab.select_referral(referral_id):
            tab.referral_table.setFocus()

    def show_client(self, client_id: str) -> None:
        self.go_to(CLIENTS)
        self.clients.open_client(client_id)

    def show_audit_trail(self, client_id: str) -> None:
        """One client's entries in the audit trail (from their record)."""
        self.audit_trail.choose_client(client_id)
        if self.place == AUDIT_TRAIL:
            self.audit_trail.reload()
        else:
            self.go_to(AUDIT_TRAIL)  # showing the place loads the entries

    def open_hit(self, hit: SearchHit) -> None:
        tabs = {
            HitKind.CLIENT: client_record.OVERVIEW,
            HitKind.CONTACT: client_record.CONTACTS,
            HitKind.NOTE: client_record.SESSIONS,
            HitKind.REFERRAL: client_record.REFERRALS,
        }
        self.go_to(CLIENTS)
        session_id = None
        if hit.kind is HitKind.NOTE and self._vault is not None:
            session_id = progress_notes.get_note(self._vault.vault, hit.record_id).session_id
        self.clients.open_client(hit.client_id, tab=tabs[hit.kind], session_id=session_id)

    # -- vault -------------------------------------------------------------------------------

    def set_privacy(self, on: bool) -> None:
        """Initials only in every list (Today, the client list, Referrals, a record's sessions).

        The Directory is left as it is: professionals are not clients.
        """
        if self._vault is not None:
            self._vault.privacy = on
        self.clients.set_privacy(on)
        self.today.refresh()
        self.calendar.relabel()
        self.referrals.relabel()
        if self.clients.showing_record:
            self.clients.record.refresh_header()
            self.clients.record.sessions.reload()

    def attach(self, open_vault: OpenVault, clients: list[Client], privacy: bool) -> None:
        self._vault = open_vault
        open_vault.privacy = privacy
        self.clients.attach(open_vault, clients)
        self.clients.set_privacy(privacy)
        self.today.attach(open_vault)
        self.calendar.attach(open_vault)
        self.referrals.attach(open_vault)
        self.directory.attach(open_vault)
        self.search.attach(open_vault)
        self.retention.attach(open_vault)
        self.audit_trail.attach(open_vault)
        self.settings.attach(open_vault)
        if self.place == TODAY and self.navigation.currentIndex().row() == TODAY:
            self.today.refresh()
        else:
            self.go_to(TODAY)  # showing Today refreshes it
        self.navigation.setFocus()

    def flush(self) -> bool:
        clients_saved = self.clients.flush()
        settings_saved = self.settings.flush()
        return clients_saved and settings_saved

    def clear(self) -> None:
        """Forget every record on screen (the vault is locking)."""
        self.search_field.blockSignals(True)
        self.search_field.clear()
        self.search_field.blockSignals(False)
        for page in self._places():
            page.clear()  # type: ignore[attr-defined]
        self.navigation.clearSelection()
        self._vault = None
