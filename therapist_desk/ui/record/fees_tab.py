"""A client's fees: the sessions charged, the payments received, and what is owed.

A part of the client record (`RecordPart`). Everything is read in the worker
thread; a payment recorded, corrected or removed, or a session's attendance
changed anywhere, reloads it. Statements are printed or saved as PDF through
the one print path, and each is recorded as a disclosure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from therapist_desk.domain.records import Payment
from therapist_desk.domain.vocabulary import Attendance
from therapist_desk.records import fees, practice
from therapist_desk.records.fees import Statement
from therapist_desk.sharing.disclosures import DocumentSent
from therapist_desk.ui.changes import Change, Kind
from therapist_desk.ui.common import formatting
from therapist_desk.ui.common.dialogs import DialogService
from therapist_desk.ui.common.icons import icon
from therapist_desk.ui.common.money import METHOD_LABELS, balance_text, money
from therapist_desk.ui.common.saving import SAVE_ERRORS, save_error_text
from therapist_desk.ui.common.table_model import RIGHT, Column, TableModel
from therapist_desk.ui.common.widgets import empty_state, label, named, record_table, subheading
from therapist_desk.ui.held_drafts import removed_after_confirming
from therapist_desk.ui.open_vault import OpenVault
from therapist_desk.ui.printing import print_actions
from therapist_desk.ui.printing.statement_document import statement_document
from therapist_desk.ui.record.payment_dialog import PaymentDialog, PaymentEntry, SessionChoice
from therapist_desk.ui.record.statement_dialog import StatementDialog
from therapist_desk.ui.unfinished_forms import UnfinishedForms


@dataclass(frozen=True)
class ChargeLine:
    """A session the client is charged for, and their share of its fee."""

    session_id: str
    starts_at: datetime
    kind: str
    attendance: Attendance
    fee: Decimal
    share: Decimal
    #: What is left of this client's share: their own payments for the session count,
    #: the other attendees' do not.
    unpaid: Decimal

    @property
    def paid(self) -> bool:
        return self.unpaid <= 0

    @property
    def id(self) -> str:
        return self.session_id


@dataclass(frozen=True)
class _FeesData:
    client_id: str
    statement: Statement
    charges: list[ChargeLine]
    payments: list[Payment]
    currency: str
    default_fee: Decimal | None


def _load(store: Any, client_id: str, today: date) -> _FeesData:
    """Runs in the worker: the client's whole account up to today."""
    statement = fees.statement(store, client_id, date.min, today)
    charges = []
    for line in statement.lines:
        if line.is_payment or line.session_id is None or line.starts_at is None:
            continue
        kind = formatting.KIND_LABELS[line.session_kind] if line.session_kind else "Session"
        charges.append(
            ChargeLine(
                line.session_id,
                line.starts_at,
                kind,
                line.attendance or Attendance.ATTENDED,
                line.session_fee if line.session_fee is not None else line.charge,
                line.charge,
                line.unpaid,
            )
        )
    charges.reverse()  # newest first, as the sessions tab lists them
    payments = sorted(
        fees.payments_for_client(store, client_id),
        key=lambda payment: (payment.details.paid_on or date.min, payment.created_at),
        reverse=True,
    )
    profile = practice.get_profile(store)
    return _FeesData(
        client_id, statement, charges, payments, profile.currency, fees.default_fee(store)
    )


class FeesTab(QWidget):
    def __init__(self, dialogs: DialogService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "Fees")
        self._dialogs = dialogs
        self._vault: OpenVault | None = None
        self._client_id: str | None = None
        self._data: _FeesData | None = None
        self._request = 0
        # A payment typed but not saved when the vault locked, by client (memory only).
        self._unfinished = UnfinishedForms[PaymentEntry]()
        self.balance = named(label("", "subheading"), "Balance")
        self.totals = named(label("", "muted", wrap=True), "Charged and paid")
        self.record_button = named(
            QPushButton(icon("payment"), "Record a payment…"), "Record a payment"
        )
        self.edit_button = named(QPushButton(icon("edit"), "Correct…"), "Correct the payment")
        self.remove_button = named(QPushButton(icon("remove"), "Remove…"), "Remove the payment")
        self.statement_button = named(
            QPushButton(icon("statement"), "Statement…"), "Print or save a statement"
        )
        self.record_button.clicked.connect(self.record_payment)
        self.edit_button.clicked.connect(self.edit_payment)
        self.remove_button.clicked.connect(self.remove_payment)
        self.statement_button.clicked.connect(self.statement)

        self.charges = TableModel[ChargeLine](
            [
                Column("When", lambda line: formatting.when(line.starts_at)),
                Column("Session", lambda line: line.kind),
                Column("Attendance", lambda line: formatting.ATTENDANCE_LABELS[line.attendance]),
                Column("Fee", lambda line: money(line.fee, self._currency()), align=RIGHT),
                Column("Share", lambda line: money(line.share, self._currency()), align=RIGHT),
                Column("Paid", self._paid_text),
            ],
            lambda line: line.id,
            self,
        )
        self.charge_table = record_table("Sessions charged")
        self.charge_table.setModel(self.charges)
        self.charge_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.charge_title = subheading("Sessions charged")
        self.no_charges = empty_state(
            "No sessions charged yet. A session is charged once it has been attended, "
            "cancelled at short notice or missed, and has a fee."
        )
        self.payments = TableModel[Payment](
            [
                Column("Paid on", lambda p: formatting.optional_date(p.details.paid_on)),
                Column("Amount", lambda p: money(p.details.amount, self._currency()), align=RIGHT),
                Column("Method", lambda p: METHOD_LABELS[p.details.method]),
                Column("For", self._paid_for),
                Column("Reference", lambda p: p.details.reference),
            ],
            lambda payment: payment.id,
            self,
        )
        self.payment_table = record_table("Payments received")
        self.payment_table.setModel(self.payments)
        self.payment_table.activated.connect(lambda _index: self.edit_payment())
        self.payment_table.selectionModel().selectionChanged.connect(self._payment_chosen)
        self.payment_title = subheading("Payments received")
        self.no_payments = empty_state("No payments recorded. Record one with the button above.")

        top = QHBoxLayout()
        summary = QVBoxLayout()
        summary.addWidget(self.balance)
        summary.addWidget(self.totals)
        top.addLayout(summary, 1)
        for button in (
            self.record_button,
            self.edit_button,
            self.remove_button,
            self.statement_button,
        ):
            top.addWidget(button)
        charges = QWidget()
        charges_layout = QVBoxLayout(charges)
        charges_layout.setContentsMargins(0, 0, 6, 0)
        charges_layout.addWidget(self.charge_title)
        charges_layout.addWidget(self.charge_table, 1)
        charges_layout.addWidget(self.no_charges, 1)
        payments = QWidget()
        payments_layout = QVBoxLayout(payments)
        payments_layout.setContentsMargins(6, 0, 0, 0)
        payments_layout.addWidget(self.payment_title)
        payments_layout.addWidget(self.payment_table, 1)
        payments_layout.addWidget(self.no_payments, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(charges)
        splitter.addWidget(payments)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([560, 520])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
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
        return True  # every change is saved by its own dialog

    def clear(self) -> None:
        self._request += 1
        self._vault = None
        self._client_id = None
        self._show(None)

    # -- reading -------------------------------------------------------------------------

    def _currency(self) -> str:
        return self._data.currency if self._data else ""

    def _changed(self, change: Change) -> None:
        # Sessions are what is charged; the practice profile holds the currency and fee.
        if change.concerns(self._client_id, Kind.PAYMENT, Kind.SESSION, Kind.PRACTICE):
            self.reload()

    def reload(self) -> None:
        vault, client_id = self._vault, self._client_id
        self._request += 1
        if vault is None or client_id is None:
            self._show(None)
            return
        request, store, today = self._request, vault.vault, vault.today()
        if self._data is None:
            self.balance.setText("Reading the account…")
        vault.in_background(
            lambda: _load(store, client_id, today),
            lambda data: self._loaded(request, data),
            lambda error: self._failed(request, error),
        )

    def _loaded(self, request: int, data: _FeesData) -> None:
        if request == self._request and data.client_id == self._client_id:
            self._show(data)

    def _failed(self, request: int, error: BaseException) -> None:
        if request == self._request:
            self.balance.setText("The account could not be read")
            self.totals.setText(f"({type(error).__name__}). Lock and unlock to try again.")

    def _show(self, data: _FeesData | None) -> None:
        self._data = data
        keep = self._selected_payment()
        self.charges.set_rows(data.charges if data else [])
        self.payments.set_rows(data.payments if data else [])
        has_charges, has_payments = bool(data and data.charges), bool(data and data.payments)
        self.charge_table.setVisible(has_charges)
        self.no_charges.setVisible(not has_charges)
        self.payment_table.setVisible(has_payments)
        self.no_payments.setVisible(not has_payments)
        self.charge_title.setText(f"Sessions charged ({len(data.charges) if data else 0})")
        self.payment_title.setText(f"Payments received ({len(data.payments) if data else 0})")
        if keep is not None and data is not None:
            row = self.payments.row_of(keep.id)
            if row >= 0:
                self.payment_table.selectRow(row)
        self._payment_chosen()
        enabled = data is not None
        self.record_button.setEnabled(enabled)
        self.statement_button.setEnabled(enabled)
        if data is None:
            self.balance.clear()
            self.totals.clear()
            return
        statement, currency = data.statement, data.currency
        self.balance.setText(f"Balance: {balance_text(statement.closing_balance, currency)}")
        parts = [
            f"Charged {money(statement.total_charged, currency)}",
            f"paid {money(statement.total_paid, currency)}",
        ]
        if data.default_fee is not None:
            parts.append(f"default fee {money(data.default_fee, currency)}")
        text = " · ".join(parts)
        if statement.unreadable:
            count = len(statement.unreadable)
            text += (
                f". {count} record{'s' if count != 1 else ''} could not be read and "
                f"{'is' if count == 1 else 'are'} left out: the balance may be incomplete."
            )
        self.totals.setText(text)

    def _paid_text(self, line: ChargeLine) -> str:
        """ "Paid" once this client has paid their share; "£50.00 owed" after a part payment."""
        if line.paid:
            return "Paid"
        if line.unpaid < line.share:
            return f"{money(line.unpaid, self._currency())} owed"
        return "—"

    def _paid_for(self, payment: Payment) -> str:
        if payment.session_id is None:
            return "Account"
        charges = self._data.charges if self._data else []
        line = next((c for c in charges if c.session_id == payment.session_id), None)
        return formatting.day(formatting.local(line.starts_at).date()) if line else "A session"

    def _selected_payment(self) -> Payment | None:
        return self.payments.chosen_in(self.payment_table)

    def _payment_chosen(self, *_args: object) -> None:
        chosen = self._selected_payment() is not None
        self.edit_button.setEnabled(chosen)
        self.remove_button.setEnabled(chosen)

    # -- payments --------------------------------------------------------------------------

    def _choices(self, keep: str | None = None) -> list[SessionChoice]:
        data = self._data
        if data is None:
            return []
        return [
            SessionChoice(line.session_id, line.starts_at, line.share, line.unpaid)
            for line in data.charges
            if not line.paid or line.session_id == keep
        ]

    def record_payment(self) -> None:
        vault, client_id, data = self._vault, self._client_id, self._data
        if vault is None or client_id is None or data is None:
            return
        dialog = PaymentDialog(
            lambda details, session_id: vault.record_payment(client_id, details, session_id),
            self._choices(),
            data.currency,
            vault.today(),
            parent=self,
            owed=data.statement.closing_balance,
        )
        self._unfinished.run(dialog, client_id, dialog.entry)

    def edit_payment(self) -> None:
        vault, payment, data = self._vault, self._selected_payment(), self._data
        if vault is None or payment is None or data is None:
            return
        dialog = PaymentDialog(
            lambda details, session_id: vault.update_payment(payment.id, details, session_id),
            self._choices(keep=payment.session_id),
            data.currency,
            vault.today(),
            payment,
            self,
        )
        dialog.exec()

    def remove_payment(self) -> None:
        vault, payment, data = self._vault, self._selected_payment(), self._data
        if vault is None or payment is None or data is None:
            return
        when = formatting.optional_date(payment.details.paid_on)
        removed_after_confirming(
            self,
            self._dialogs,
            "Remove this payment?",
            f"The payment of {money(payment.details.amount, data.currency)} on {when} will be "
            "removed, as if it had never been recorded. Only do this for a payment recorded "
            "by mistake.",
            lambda: vault.remove_payment(payment),
            "payment",
            "Remove the payment",
        )

    # -- statements ------------------------------------------------------------------------

    def statement(self) -> None:
        vault = self._vault
        if vault is None or self._client_id is None:
            return
        dialog = StatementDialog(
            vault.today(),
            lambda start, end: self._output_statement(start, end, to_pdf=False),
            lambda start, end: self._output_statement(start, end, to_pdf=True),
            self,
        )
        dialog.exec()

    def _output_statement(self, start: date, end: date, *, to_pdf: bool) -> bool:
        vault, client_id = self._vault, self._client_id
        if vault is None or client_id is None:
            return False
        try:
            document = statement_document(vault.vault, client_id, start, end, vault.today())
        except SAVE_ERRORS as error:
            self._dialogs.warn(self, "The statement could not be made", save_error_text(error))
            return False

        def disclosed(sent: DocumentSent) -> None:
            try:
                vault.record_document_sent(
                    client_id,
                    f"statement {start.isoformat()} to {end.isoformat()}",
                    sent,
                    record_id=client_id,
                )
            except SAVE_ERRORS as error:
                self._dialogs.warn(
                    self,
                    "The statement left the vault unrecorded",
                    f"The statement was {sent.how}, but the audit trail could not record it: "
                    f"{save_error_text(error)}.",
                )

        if to_pdf:
            saved = print_actions.save_document_as_pdf(
                self, self._dialogs, document, vault.paper_size, disclosed
            )
            return saved is not None
        return print_actions.print_document(
            self, self._dialogs, document, vault.paper_size, disclosed
        )
