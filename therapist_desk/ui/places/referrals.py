"""Referrals: every client's referrals in one place, the next follow-up first.

The practice-wide view of what is still waiting on someone: drafts to send,
letters sent without a reply, acknowledgements not yet closed. Read in the
worker thread (one query for all referrals, one for the directory); names of
clients come from the unlocked vault's list, initials only in privacy mode.
Enter or a double-click opens the client's Referrals tab at that referral.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from therapist_desk.domain.records import ClientDetails, Professional, Referral
from therapist_desk.domain.vocabulary import ReferralStatus
from therapist_desk.search.index import fold
from therapist_desk.sharing import professionals, referrals
from therapist_desk.ui.changes import Change, Kind
from therapist_desk.ui.common.formatting import REFERRAL_STATUS_LABELS, initials
from therapist_desk.ui.common.icons import icon
from therapist_desk.ui.common.reload import ReloadWhenShown
from therapist_desk.ui.common.table_model import Column, TypedFilter, begins_words
from therapist_desk.ui.common.widgets import (
    FieldAboveList,
    empty_state,
    focus_list,
    heading,
    label,
    named,
    select_row,
)
from therapist_desk.ui.open_vault import OpenVault
from therapist_desk.ui.record.referrals.referral_table import (
    OPEN_STATUSES,
    ReferralTableModel,
    fitting_table,
    follow_up_overdue,
    one_line,
    refit,
    short_day,
)

#: The status filter's choices, in the order offered: (label, key).
OPEN, ALL, NO_REPLY = "open", "all", "no reply"
STATUS_CHOICES: tuple[tuple[str, str], ...] = (
    ("Open (draft, sent, acknowledged)", OPEN),
    ("No reply by the follow-up date", NO_REPLY),
    ("All", ALL),
    *((text, status.value) for status, text in REFERRAL_STATUS_LABELS.items()),
)
NO_REFERRALS = (
    "No referrals yet. A referral is made on a client's record: open the client, "
    "then their Referrals tab, and New referral…"
)
NO_MATCH = "No referral matches. Choose “All” above, or clear the filter."


@dataclass(frozen=True)
class _Loaded:
    today: date
    referrals: list[Referral]
    recipients: dict[str, Professional]


class ReferralsPlaceModel(ReferralTableModel):
    """Every referral, with its client first (named as `client_name` says: initials in privacy)."""

    def __init__(self, privacy: Callable[[], bool], parent: QObject | None = None) -> None:
        self._privacy = privacy
        self._recipients: dict[str, Professional] = {}
        self._clients: dict[str, ClientDetails] = {}
        self._today_is = date.today()
        self._folded: dict[str, str] = {}
        super().__init__(
            self.recipient,
            lambda: self._today_is,
            leading=[Column("Client", lambda r: self.client_name(r.client_id))],
            closing_dates=False,
            parent=parent,
        )

    def client_name(self, client_id: str) -> str:
        """The full name, as the client list gives it (many share a first name in a caseload);
        initials only in privacy mode."""
        details = self._clients.get(client_id)
        if details is None:
            return "…"
        return initials(details.legal_name) if self._privacy() else details.full_name

    def recipient(self, professional_id: str) -> str:
        person = self._recipients.get(professional_id)
        return person.details.name if person else "(not in the directory)"

    def organisation(self, professional_id: str) -> str:
        person = self._recipients.get(professional_id)
        return person.details.organisation if person else ""

    @property
    def today(self) -> date:
        return self._today_is

    def set_referrals(
        self,
        rows: list[Referral],
        recipients: dict[str, Professional],
        people: dict[str, ClientDetails],
        today: date,
    ) -> None:
        self._recipients, self._clients, self._today_is = recipients, people, today
        self._folded = {}
        self.set_rows(rows)

    def clear(self) -> None:
        self._recipients, self._clients, self._folded = {}, {}, {}
        super().clear()

    def searchable(self, referral: Referral) -> str:
        """What the text filter looks through, folded (the client's full name even in privacy
        mode: the therapist typed it, and only initials are shown)."""
        text = self._folded.get(referral.id)
        if text is None:
            details = referral.details
            person = self._clients.get(referral.client_id)
            text = fold(
                " ".join(
                    (
                        f"{person.legal_name} {person.preferred_name}" if person else "",
                        self.recipient(referral.professional_id),
                        self.organisation(referral.professional_id),
                        details.reason,
                        REFERRAL_STATUS_LABELS[details.status],
                        details.urgency.value,
                    )
                )
            )
            self._folded[referral.id] = text
        return text


class ReferralFilter(TypedFilter[Referral]):
    """By status (open ones by default) and by words typed: each word begins a word shown."""

    def __init__(self, source: ReferralsPlaceModel, parent: QObject | None = None) -> None:
        super().__init__(source, parent)
        self._referrals = source
        self._status = OPEN

    def set_status(self, key: str) -> None:
        self.beginFilterChange()
        self._status = key
        self.endFilterChange()

    def _status_fits(self, referral: Referral, today: date) -> bool:
        status = referral.details.status
        if self._status == OPEN:
            return status in OPEN_STATUSES
        if self._status == NO_REPLY:
            return follow_up_overdue(referral, today)
        return self._status == ALL or status.value == self._status

    def accepts(self, row: Referral) -> bool:
        model = self._referrals
        if not self._status_fits(row, model.today):
            return False
        return not self._words or begins_words(self._words, model.searchable(row))


class ReferralsPlace(QWidget):
    """The Referrals place. Emits `open_referral(client_id, referral_id)` on Enter."""

    open_referral = Signal(str, str)
    loaded = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "Referrals place")
        self._vault: OpenVault | None = None
        self._loading = False
        self._reloads = ReloadWhenShown(self, self.refresh, shown_reloads=True)
        self._reload_again = False
        self._loaded_once = False
        self.model = ReferralsPlaceModel(self._privacy, self)
        self.proxy = ReferralFilter(self.model, self)

        self.title = heading("Referrals")
        self.status = named(QComboBox(), "Show referrals that are")
        for text, key in STATUS_CHOICES:
            self.status.addItem(text, key)
        self.status.currentIndexChanged.connect(self._status_changed)
        self.filter = named(FieldAboveList(), "Filter the referrals")
        self.filter.setPlaceholderText("Filter by client, recipient, organisation or reason…")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._filter_changed)
        self.filter.returnPressed.connect(self.open_chosen)
        self.count = named(label("", "muted"), "Number of referrals shown")
        self.table = fitting_table("All referrals", self.proxy, self.model.reason_column)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(self.model.follow_up_column, Qt.SortOrder.AscendingOrder)
        self.table.setAlternatingRowColors(True)
        self.table.activated.connect(self._open_at)
        self.filter.moved_down.connect(lambda: focus_list(self.table))
        self.table.selectionModel().selectionChanged.connect(self._chosen_changed)
        self.details = named(label("", "muted", wrap=True, selectable=True), "Chosen referral")
        self.empty = empty_state(NO_REFERRALS)
        self.open_button = named(
            QPushButton(icon("next"), "Open in the client's record"),
            "Open the referral in the client's record",
        )
        self.open_button.setToolTip("The client's Referrals tab, at this referral (Enter)")
        self.open_button.clicked.connect(self.open_chosen)

        filters = QHBoxLayout()
        filters.addWidget(self.status)
        filters.addWidget(self.filter, 1)
        filters.addWidget(self.count)
        actions = QHBoxLayout()
        actions.addWidget(self.open_button)
        actions.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.details)
        layout.addWidget(self.empty)
        layout.addStretch(0)
        layout.addLayout(actions)
        QWidget.setTabOrder(self.status, self.filter)
        QWidget.setTabOrder(self.filter, self.table)
        QWidget.setTabOrder(self.table, self.open_button)
        self._after_filter()

    # -- vault -------------------------------------------------------------------------

    def attach(self, open_vault: OpenVault) -> None:
        self._vault = open_vault
        open_vault.changed.connect(self._changed)

    def _changed(self, change: Change) -> None:
        if change.touches(Kind.REFERRAL, Kind.CLIENT, Kind.PROFESSIONAL):
            self._reloads.request()

    def refresh(self) -> None:
        """Read every referral again, in the worker thread."""
        vault = self._vault
        if vault is None:
            return
        if self._loading:
            self._reload_again = True
            return
        self._loading = True
        if not self._loaded_once:
            self.empty.setText("Reading the referrals…")
        store = vault.vault

        def work() -> _Loaded:
            return _Loaded(
                store.now().astimezone().date(),
                referrals.all_referrals(store),
                {person.id: person for person in professionals.list_professionals(store)},
            )

        vault.in_background(work, lambda loaded: self._loaded(vault, loaded), self._failed)

    def _loaded(self, vault: OpenVault, loaded: _Loaded) -> None:
        self._loading = False
        if vault is not self._vault:
            return  # locked (and perhaps unlocked again) meanwhile
        if self._reload_again:
            self._reload_again = False
            self.refresh()
        chosen = self.chosen()
        people = {client.id: client.details for client in vault.clients}
        self._loaded_once = True
        self.model.set_referrals(loaded.referrals, loaded.recipients, people, loaded.today)
        self._after_filter(chosen.id if chosen else None)
        self.loaded.emit()

    def _failed(self, error: BaseException) -> None:
        self._loading = False
        self.model.clear()
        self._after_filter()
        self.empty.setText(
            f"The referrals could not be read ({type(error).__name__}). "
            "Lock and unlock to try again."
        )

    def relabel(self) -> None:
        """Privacy mode changed: the clients' names (or initials) again."""
        self.model.refresh()
        self._chosen_changed()

    def clear(self) -> None:
        """Forget every referral on screen (the vault is locking)."""
        self._vault = None
        self._loading = False
        self._reload_again = False
        self._loaded_once = False
        self.model.clear()
        for widget in (self.filter, self.status):
            widget.blockSignals(True)
        self.filter.clear()
        self.status.setCurrentIndex(0)
        for widget in (self.filter, self.status):
            widget.blockSignals(False)
        self.proxy.set_text("")
        self.proxy.set_status(OPEN)
        self._after_filter()

    def _privacy(self) -> bool:
        return self._vault is not None and self._vault.privacy

    # -- list ---------------------------------------------------------------------------

    def _status_changed(self, _index: int) -> None:
        self.proxy.set_status(str(self.status.currentData()))
        self._after_filter()

    def _filter_changed(self, text: str) -> None:
        self.proxy.set_text(text)
        self._after_filter()

    def _after_filter(self, choose: str | None = None) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        refit(self.table, self.model.reason_column)
        self.table.setVisible(shown > 0)
        self.empty.setVisible(shown == 0)
        if self._vault is None or not self._loaded_once:
            self.count.clear()
        else:
            self.empty.setText(NO_MATCH if total else NO_REFERRALS)
            overdue = sum(1 for referral in self.model.rows() if self.model.overdue(referral))
            noun = "referral" if total == 1 else "referrals"
            parts = [f"{shown} of {total} {noun}" if shown != total else f"{total} {noun}"]
            if overdue:
                parts.append(f"{overdue} with no reply")
            self.count.setText(" · ".join(parts))
        if not (choose is not None and self.select(choose)) and shown:
            self.table.selectRow(0)  # the first match is chosen; Enter opens it
        self._chosen_changed()

    def select(self, referral_id: str) -> bool:
        """Choose a referral if the filters show it; True if they do."""
        return select_row(self.table, self.proxy.index_of(referral_id))

    def chosen(self) -> Referral | None:
        return self.model.chosen_in(self.table) if self.proxy.rowCount() else None

    def _chosen_changed(self, *_args: Any) -> None:
        referral = self.chosen()
        self.open_button.setEnabled(referral is not None)
        self.details.setVisible(referral is not None)
        self.details.setText(self._details_line(referral) if referral else "")

    def _details_line(self, referral: Referral) -> str:
        """The chosen referral's cut cells in full, under the table."""
        details = referral.details
        to = self.model.recipient(referral.professional_id)
        organisation = self.model.organisation(referral.professional_id)
        parts = [
            f"{self.model.client_name(referral.client_id)} → {to}"
            + (f", {organisation}" if organisation else ""),
            one_line(details.reason),
        ]
        if details.acknowledged_on:
            parts.append(f"acknowledged {short_day(details.acknowledged_on)}")
        if details.closed_on:
            closed = "declined" if details.status is ReferralStatus.DECLINED else "closed"
            parts.append(f"{closed} {short_day(details.closed_on)}")
        return " · ".join(parts)

    def focus_filter(self) -> None:
        self.filter.setFocus()

    # -- opening ------------------------------------------------------------------------

    def _open_at(self, index: QModelIndex) -> None:
        referral = self.model.record_of(index)
        if referral is not None:
            self.open_referral.emit(referral.client_id, referral.id)

    def open_chosen(self) -> None:
        referral = self.chosen()
        if referral is not None:
            self.open_referral.emit(referral.client_id, referral.id)
