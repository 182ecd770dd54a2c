"""A client's referrals, their consents to share, and the log of what left the record.

Three sections, one above the other: the referrals with their workflow (draft →
sent → acknowledged → closed, or declined), the consents to share with
professionals of the directory, and the disclosure log, newest first.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from therapist_desk.domain.records import (
    Disclosure,
    Referral,
    ReferralDetails,
    SharingConsent,
    SharingConsentDetails,
)
from therapist_desk.domain.vocabulary import ReferralStatus
from therapist_desk.sharing import consents, disclosures, professionals, referrals
from therapist_desk.ui.changes import Change, Kind
from therapist_desk.ui.common import formatting
from therapist_desk.ui.common.dialogs import DialogService
from therapist_desk.ui.common.icons import icon
from therapist_desk.ui.common.reload import ReloadWhenShown
from therapist_desk.ui.common.saving import SAVE_ERRORS, save_error_text
from therapist_desk.ui.common.table_model import Column, TableModel
from therapist_desk.ui.common.widgets import empty_state, named, subheading
from therapist_desk.ui.open_vault import OpenVault
from therapist_desk.ui.record.referrals.consent_dialog import ConsentDialog, ConsentDraft
from therapist_desk.ui.record.referrals.referral_dialog import ReferralDialog, ReferralDraft
from therapist_desk.ui.record.referrals.referral_table import (
    ReferralTableModel,
    fitting_table,
    short_day,
)
from therapist_desk.ui.record.referrals.sent_text_dialog import SentTextDialog
from therapist_desk.ui.unfinished_forms import UnfinishedForms

__all__ = ["ReferralsTab", "advanced", "short_day"]

#: Which workflow step each action takes, from which statuses, and the date it stamps.
_STEPS: dict[str, tuple[ReferralStatus, frozenset[ReferralStatus], str]] = {
    "sent": (ReferralStatus.SENT, frozenset({ReferralStatus.DRAFT}), "sent_on"),
    "acknowledged": (
        ReferralStatus.ACKNOWLEDGED,
        frozenset({ReferralStatus.SENT}),
        "acknowledged_on",
    ),
    "closed": (
        ReferralStatus.CLOSED,
        frozenset({ReferralStatus.SENT, ReferralStatus.ACKNOWLEDGED}),
        "closed_on",
    ),
    "declined": (
        ReferralStatus.DECLINED,
        frozenset({ReferralStatus.SENT, ReferralStatus.ACKNOWLEDGED}),
        "closed_on",
    ),
}


def advanced(details: ReferralDetails, step: str, today: date) -> ReferralDetails:
    """The referral moved one step along its workflow, the step's date stamped today."""
    status, _from, stamp = _STEPS[step]
    if stamp == "sent_on":
        return replace(
            details, status=status, sent_on=today, referred_on=details.referred_on or today
        )
    if stamp == "acknowledged_on":
        return replace(details, status=status, acknowledged_on=today)
    return replace(details, status=status, closed_on=today)


def consent_state(consent: SharingConsent, today: date) -> str:
    details = consent.details
    if consent.damaged:
        return "Unreadable"
    if details.in_force(today):
        return "In force"
    if details.withdrawn_on is not None and details.withdrawn_on <= today:
        return "Withdrawn"
    if details.expires_on is not None and details.expires_on < today:
        return "Expired"
    return "Not yet in force"


@dataclass
class _Shown:
    """What the tab shows of one client; read together, replaced together."""

    client_id: str
    today: date
    names: dict[str, str] = field(default_factory=dict)
    referrals: list[Referral] = field(default_factory=list)
    consents: list[SharingConsent] = field(default_factory=list)
    disclosures: list[Disclosure] = field(default_factory=list)

    def name(self, professional_id: str | None) -> str:
        if professional_id is None:
            return ""
        return self.names.get(professional_id, "(not in the directory)")


def _sections(disclosure: Disclosure) -> str:
    return ", ".join(disclosure.details.sections)


def _button(icon_name: str, text: str, name: str) -> QPushButton:
    button = named(QPushButton(icon(icon_name), text) if icon_name else QPushButton(text), name)
    return button


class ReferralsTab(QWidget):
    """The Referrals tab of a client's record (a RecordPart)."""

    def __init__(self, dialogs: DialogService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "Referrals")
        self._dialogs = dialogs
        self._vault: OpenVault | None = None
        self._client_id: str | None = None
        self._reloads = ReloadWhenShown(self, self.reload)
        self._shown: _Shown | None = None
        # Dialogs closed by the lock before they were saved, by key (memory only).
        self._unfinished_referrals = UnfinishedForms[ReferralDraft]()
        self._unfinished_consents = UnfinishedForms[ConsentDraft]()

        # -- referrals
        self.referral_title = subheading("Referrals")
        self.new_button = _button("add", "New referral…", "New referral")
        self.edit_button = _button("edit", "Edit…", "Edit the referral")
        self.sent_button = _button("next", "Mark sent", "Mark the referral sent")
        self.acknowledged_button = _button(
            "attended", "Acknowledged", "Mark the referral acknowledged"
        )
        self.close_button = _button("stop", "Close", "Close the referral")
        self.declined_button = _button("cancelled", "Declined", "Mark the referral declined")
        self.letter_button = _button("print", "Letter…", "Write the referral letter")
        self.summary_button = _button("statement", "Summary…", "Compose the referral summary")
        self.general_letter_button = _button(
            "letter", "Letter to a professional…", "Write a letter to a professional"
        )
        self.general_letter_button.setToolTip(
            "A letter about this client that is not a referral (to their GP, say)"
        )
        self.general_letter_button.clicked.connect(self.write_general_letter)
        self.referral_model = ReferralTableModel(self.recipient_name, self.today, parent=self)
        self.referral_table = fitting_table("Referrals", self.referral_model, 1)
        self.referral_table.selectionModel().selectionChanged.connect(self._referral_chosen)
        self.referral_table.activated.connect(lambda _index: self.edit_referral())
        self.no_referrals = empty_state(
            "No referrals yet. When this client needs another professional's opinion, "
            "start with New referral…"
        )
        self.new_button.clicked.connect(self.new_referral)
        self.edit_button.clicked.connect(self.edit_referral)
        self.sent_button.clicked.connect(lambda: self.advance("sent"))
        self.acknowledged_button.clicked.connect(lambda: self.advance("acknowledged"))
        self.close_button.clicked.connect(lambda: self.advance("closed"))
        self.declined_button.clicked.connect(lambda: self.advance("declined"))
        self.letter_button.clicked.connect(lambda: self.compose(summary=False))
        self.summary_button.clicked.connect(lambda: self.compose(summary=True))
        self._step_buttons = {
            "sent": self.sent_button,
            "acknowledged": self.acknowledged_button,
            "closed": self.close_button,
            "declined": self.declined_button,
        }

        # -- consents
        self.consent_title = subheading("Consents to share")
        self.add_consent_button = _button("add", "Add a consent…", "Add a consent to share")
        self.edit_consent_button = _button("edit", "Edit…", "Edit the consent")
        self.withdraw_button = _button("remove", "Withdrawn…", "Record the consent withdrawn")
        self.consent_model = TableModel[SharingConsent](
            [
                Column("Shared with", lambda c: self.recipient_name(c.professional_id)),
                Column("In force?", lambda c: consent_state(c, self.today())),
                Column("Given", lambda c: short_day(c.details.given_on)),
                Column("Expires", lambda c: short_day(c.details.expires_on)),
                Column("Withdrawn", lambda c: short_day(c.details.withdrawn_on)),
                Column("Scope", lambda c: c.details.scope),
                Column("Notes", lambda c: c.details.notes.replace("\n", " ")),
            ],
            lambda consent: consent.id,
            self,
        )
        self.consent_table = fitting_table("Consents to share", self.consent_model, 6)
        self.consent_table.selectionModel().selectionChanged.connect(self._consent_chosen)
        self.consent_table.activated.connect(lambda _index: self.edit_consent())
        self.no_consents = empty_state(
            "No consent to share recorded. A letter to a professional needs the client's "
            "consent to share with them: Add a consent…"
        )
        self.add_consent_button.clicked.connect(self.add_consent)
        self.edit_consent_button.clicked.connect(self.edit_consent)
        self.withdraw_button.clicked.connect(self.withdraw_consent)

        # -- disclosures
        self.disclosure_title = subheading("Disclosure log")
        # The long cells (to whom, which sections) may be cut at 1366 px: their tooltips
        # tell all.
        self.disclosure_model = TableModel[Disclosure](
            [
                Column("When", lambda d: formatting.when(d.occurred_at)),
                Column("What", lambda d: d.details.what),
                Column("To", self.disclosed_to, tooltip=self.disclosed_to),
                Column("How", lambda d: d.details.how),
                Column("Sections", _sections, tooltip=_sections),
                Column("Consent", _consent_words),
            ],
            lambda disclosure: disclosure.id,
            self,
        )
        self.disclosure_table = fitting_table("Disclosure log", self.disclosure_model, 4)
        self.disclosure_table.selectionModel().selectionChanged.connect(self._disclosure_chosen)
        self.disclosure_table.activated.connect(lambda _index: self.show_sent_text())
        self.sent_text_button = _button("note", "Show what was sent…", "Show what was sent")
        self.sent_text_button.setToolTip("The letter or summary as it left, word for word")
        self.sent_text_button.clicked.connect(self.show_sent_text)
        self.no_disclosures = empty_state(
            "Nothing from this record has been printed, saved as PDF or exported yet. "
            "Each time it is, it is listed here."
        )

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        for title, buttons, table, empty in (
            (
                self.referral_title,
                (
                    self.new_button,
                    self.edit_button,
                    self.sent_button,
                    self.acknowledged_button,
                    self.close_button,
                    self.declined_button,
                    None,
                    self.letter_button,
                    self.summary_button,
                    None,
                    self.general_letter_button,
                ),
                self.referral_table,
                self.no_referrals,
            ),
            (
                self.consent_title,
                (self.add_consent_button, self.edit_consent_button, self.withdraw_button),
                self.consent_table,
                self.no_consents,
            ),
            (
                self.disclosure_title,
                (self.sent_text_button,),
                self.disclosure_table,
                self.no_disclosures,
            ),
        ):
            section = QWidget()
            top = QHBoxLayout()
            top.addWidget(title)
            top.addStretch(1)
            for button in buttons:
                if button is None:
                    top.addSpacing(16)
                else:
                    top.addWidget(button)
            column = QVBoxLayout(section)
            column.setContentsMargins(0, 6, 0, 6)
            column.addLayout(top)
            column.addWidget(table, 1)
            column.addWidget(empty, 1)
            splitter.addWidget(section)
        splitter.setSizes([300, 180, 180])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(splitter)
        self._show(None)

    # -- RecordPart ------------------------------------------------------------------------

    def attach(self, open_vault: OpenVault) -> None:
        self._vault = open_vault
        open_vault.changed.connect(self._changed)

    def show_client(self, client_id: str | None) -> None:
        if client_id != self._client_id:
            self._show(None)
        self._client_id = client_id
        self.reload()

    def flush(self) -> bool:
        return True  # every change is saved by its own dialog or button

    def clear(self) -> None:
        self._vault = None
        self._client_id = None
        self._show(None)

    # -- reading ---------------------------------------------------------------------------

    def today(self) -> date:
        return self._shown.today if self._shown else date.today()

    def recipient_name(self, professional_id: str | None) -> str:
        return self._shown.name(professional_id) if self._shown else ""

    def disclosed_to(self, disclosure: Disclosure) -> str:
        return disclosure.details.recipient or self.recipient_name(disclosure.professional_id)

    def _changed(self, change: Change) -> None:
        if change.concerns(
            self._client_id, Kind.REFERRAL, Kind.CONSENT, Kind.DISCLOSURE, Kind.PROFESSIONAL
        ):
            self._reloads.request()

    def reload(self) -> None:
        self._reloads.forget()
        vault, client_id = self._vault, self._client_id
        if vault is None or client_id is None or not vault.is_open:
            self._show(None)
            return
        store = vault.vault
        try:
            shown = _Shown(
                client_id,
                vault.today(),
                {p.id: p.details.name for p in professionals.list_professionals(store)},
                referrals.referrals_for_client(store, client_id),
                consents.consents_for_client(store, client_id),
                disclosures.disclosures_for_client(store, client_id),
            )
        except SAVE_ERRORS as error:
            self._show(None)
            self.no_referrals.setText(
                f"The referrals could not be read: {save_error_text(error)}. "
                "Lock and unlock to try again."
            )
            return
        self._show(shown)

    def _show(self, shown: _Shown | None) -> None:
        keep_referral, keep_consent = self.selected_referral(), self.selected_consent()
        keep_disclosure = self.selected_disclosure()
        self._shown = shown
        _fill(
            self.referral_model,
            self.referral_table,
            self.no_referrals,
            (self.referral_title, "Referrals"),
            shown.referrals if shown else None,
            keep_referral,
        )
        _fill(
            self.consent_model,
            self.consent_table,
            self.no_consents,
            (self.consent_title, "Consents to share"),
            shown.consents if shown else None,
            keep_consent,
        )
        _fill(
            self.disclosure_model,
            self.disclosure_table,
            self.no_disclosures,
            (self.disclosure_title, "Disclosure log"),
            shown.disclosures if shown else None,
            keep_disclosure,
        )
        if shown is None:
            self.no_referrals.setText(
                "No referrals yet. When this client needs another professional's opinion, "
                "start with New referral…"
            )
        enabled = shown is not None
        self.new_button.setEnabled(enabled)
        self.add_consent_button.setEnabled(enabled)
        self.general_letter_button.setEnabled(enabled)
        self._referral_chosen()
        self._consent_chosen()
        self._disclosure_chosen()

    # -- selection -------------------------------------------------------------------------

    def selected_referral(self) -> Referral | None:
        return self.referral_model.chosen_in(self.referral_table)

    def selected_consent(self) -> SharingConsent | None:
        return self.consent_model.chosen_in(self.consent_table)

    def selected_disclosure(self) -> Disclosure | None:
        return self.disclosure_model.chosen_in(self.disclosure_table)

    def select_referral(self, referral_id: str) -> bool:
        """Select (and scroll to) one referral of the client shown; False if it is not there."""
        row = self.referral_model.row_of(referral_id)
        if row < 0:
            return False
        self.referral_table.selectRow(row)
        self.referral_table.scrollTo(self.referral_model.index(row, 0))
        return True

    def _referral_chosen(self, *_args: object) -> None:
        referral = self.selected_referral()
        usable = referral is not None and not referral.damaged
        self.edit_button.setEnabled(usable)
        self.letter_button.setEnabled(usable)
        self.summary_button.setEnabled(usable)
        for step, button in self._step_buttons.items():
            button.setEnabled(
                usable and referral is not None and referral.details.status in _STEPS[step][1]
            )

    def _disclosure_chosen(self, *_args: object) -> None:
        disclosure = self.selected_disclosure()
        self.sent_text_button.setEnabled(
            disclosure is not None and bool(disclosure.details.content)
        )

    def _consent_chosen(self, *_args: object) -> None:
        consent = self.selected_consent()
        usable = consent is not None and not consent.damaged
        self.edit_consent_button.setEnabled(usable)
        self.withdraw_button.setEnabled(
            usable and consent is not None and consent.details.withdrawn_on is None
        )

    # -- referrals -------------------------------------------------------------------------

    def new_referral(self) -> None:
        vault, client_id = self._vault, self._client_id
        if vault is None or client_id is None:
            return
        dialog = ReferralDialog(
            vault,
            lambda professional_id, details: vault.create_referral(
                client_id, professional_id, details
            ),
            vault.today(),
            parent=self,
        )
        self._unfinished_referrals.run(dialog, f"new:{client_id}", dialog.draft)
        if dialog.saved is not None:
            self.select_referral(dialog.saved.id)

    def edit_referral(self) -> None:
        vault, referral = self._vault, self.selected_referral()
        if vault is None or referral is None or referral.damaged:
            return
        dialog = ReferralDialog(
            vault,
            lambda professional_id, details: vault.update_referral(
                referral.id, professional_id, details
            ),
            vault.today(),
            referral,
            self,
        )
        self._unfinished_referrals.run(dialog, referral.id, dialog.draft)

    def advance(self, step: str) -> None:
        """Move the chosen referral one step along (sent, acknowledged, closed, declined)."""
        vault, referral = self._vault, self.selected_referral()
        if vault is None or referral is None or referral.damaged:
            return
        if referral.details.status not in _STEPS[step][1]:
            return
        details = advanced(referral.details, step, vault.today())
        try:
            vault.update_referral(referral.id, referral.professional_id, details)
        except SAVE_ERRORS as error:
            self._dialogs.warn(self, "The referral was not changed", save_error_text(error))

    def compose(self, *, summary: bool) -> None:
        """The letter (or summary) for the chosen referral, in the composer."""
        vault, referral = self._vault, self.selected_referral()
        if vault is None or referral is None or referral.damaged:
            return
        # Imported here: the composer is a large window of its own, needed only on demand.
        from therapist_desk.ui.record.referrals import letter_composer

        letter_composer.open_composer(self, vault, self._dialogs, referral.id, summary)

    def write_general_letter(self) -> None:
        """A letter to a professional that is not a referral, in the composer."""
        vault, client_id = self._vault, self._client_id
        if vault is None or client_id is None:
            return
        # Imported here: the composer is a large window of its own, needed only on demand.
        from therapist_desk.ui.record.referrals import letter_composer

        letter_composer.open_general_letter(self, vault, self._dialogs, client_id)

    # -- the disclosure log ----------------------------------------------------------------

    def show_sent_text(self) -> None:
        """The chosen disclosure's text as it left (letters and summaries keep theirs)."""
        disclosure = self.selected_disclosure()
        if disclosure is None or not disclosure.details.content:
            return
        SentTextDialog(disclosure, self.disclosed_to(disclosure), self).exec()

    # -- consents --------------------------------------------------------------------------

    def add_consent(self) -> None:
        vault, client_id = self._vault, self._client_id
        if vault is None or client_id is None:
            return
        dialog = ConsentDialog(
            vault,
            lambda professional_id, details: vault.add_consent(client_id, professional_id, details),
            vault.today(),
            parent=self,
        )
        self._unfinished_consents.run(dialog, f"consent:{client_id}", dialog.draft)

    def edit_consent(self) -> None:
        vault, consent = self._vault, self.selected_consent()
        if vault is None or consent is None or consent.damaged:
            return
        dialog = ConsentDialog(
            vault,
            lambda _professional_id, details: vault.update_consent(consent.id, details),
            vault.today(),
            consent,
            self,
        )
        dialog.exec()

    def withdraw_consent(self) -> None:
        """The client withdrew their consent today (a later date goes through Edit…)."""
        vault, consent = self._vault, self.selected_consent()
        if vault is None or consent is None or consent.damaged:
            return
        today = vault.today()
        if not self._dialogs.confirm(
            self,
            "Record the consent withdrawn?",
            f"The consent to share with {self.recipient_name(consent.professional_id)} will "
            f"be recorded as withdrawn today ({formatting.day(today)}). Letters to them will "
            "then need a new consent, or a written reason.",
            "Record withdrawn",
        ):
            return
        details: SharingConsentDetails = replace(consent.details, withdrawn_on=today)
        try:
            vault.update_consent(consent.id, details)
        except SAVE_ERRORS as error:
            self._dialogs.warn(self, "The consent was not changed", save_error_text(error))


RowT = TypeVar("RowT", Referral, SharingConsent, Disclosure)


def _fill(
    model: TableModel[RowT],
    table: QTableView,
    empty: QLabel,
    title: tuple[QLabel, str],
    rows: list[RowT] | None,
    keep: RowT | None,
) -> None:
    """Show one section's rows (None: no client shown), counted in its title, and choose
    `keep` again if it is still there."""
    heading, text = title
    model.set_rows(rows or [])
    heading.setText(f"{text} ({len(rows)})" if rows is not None else text)
    table.setVisible(bool(rows))
    empty.setVisible(not rows)
    if keep is not None and model.row_of(keep.id) >= 0:
        table.selectRow(model.row_of(keep.id))


def _consent_words(disclosure: Disclosure) -> str:
    reason = disclosure.details.without_consent_reason
    if reason:
        return f"Without consent: {reason}"
    if disclosure.consent_id is not None:
        return "Consent in force"
    return "—"
