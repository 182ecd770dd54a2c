"""Recording a payment, or correcting one: amount, day, method, reference, the session paid for."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDoubleSpinBox,
    QFormLayout,
    QLineEdit,
    QWidget,
)

from therapist_desk.domain.records import Payment, PaymentDetails
from therapist_desk.domain.vocabulary import PaymentMethod
from therapist_desk.ui.common import formatting
from therapist_desk.ui.common.money import METHOD_LABELS, SIGNS, money
from therapist_desk.ui.common.optional_date import qdate
from therapist_desk.ui.common.record_dialog import RecordDialog
from therapist_desk.ui.common.widgets import named

#: Saves the details, for the session id given (None: towards the account).
SavePayment = Callable[[PaymentDetails, str | None], Payment]
#: A payment as typed: its details and the session it is for (None: towards the account).
PaymentEntry = tuple[PaymentDetails, str | None]


@dataclass(frozen=True)
class SessionChoice:
    """A charged session a payment can be for."""

    session_id: str
    starts_at: datetime
    #: The client's share of the session's fee.
    share: Decimal
    #: What is left of the share after the client's own payments for this session.
    unpaid: Decimal

    @property
    def paid(self) -> bool:
        return self.unpaid <= 0

    @property
    def amount_due(self) -> Decimal:
        """What a payment for this session most likely is: what is left, or the share."""
        return self.unpaid if self.unpaid > 0 else self.share

    def text(self, currency: str) -> str:
        if self.paid:
            state = " (paid)"
        elif self.unpaid < self.share:
            state = f" ({money(self.unpaid, currency)} still owed)"
        else:
            state = ""
        return f"{formatting.when(self.starts_at)} — {money(self.share, currency)}{state}"


class PaymentDialog(RecordDialog[Payment]):
    def __init__(
        self,
        save: SavePayment,
        sessions: Sequence[SessionChoice],
        currency: str,
        today: date,
        payment: Payment | None = None,
        parent: QWidget | None = None,
        *,
        owed: Decimal = Decimal("0"),
    ) -> None:
        super().__init__("payment", parent)
        self._save = save
        self._sessions = list(sessions)
        self.setWindowTitle("Correct a payment" if payment else "Record a payment")
        code = currency.strip().upper()
        self.amount = named(QDoubleSpinBox(), "Amount paid")
        self.amount.setRange(0, 1_000_000)
        self.amount.setDecimals(2)
        self.amount.setGroupSeparatorShown(True)
        if code:
            self.amount.setPrefix(SIGNS.get(code, f"{code} "))
        self.paid_on = named(QDateEdit(qdate(today)), "Day paid")
        self.paid_on.setCalendarPopup(True)
        self.paid_on.setDisplayFormat("ddd d MMM yyyy")
        self.paid_on.setMaximumDate(qdate(today))
        self.method = named(QComboBox(), "Payment method")
        for method, text in METHOD_LABELS.items():
            self.method.addItem(text, method)
        self.reference = named(QLineEdit(), "Payment reference")
        self.reference.setPlaceholderText("Optional: invoice or transfer reference, a note")
        self.for_session = named(QComboBox(), "Session paid for")
        self.for_session.addItem("Towards the account (no one session)", None)
        for choice in self._sessions:
            self.for_session.addItem(choice.text(currency), choice.session_id)
        self.for_session.activated.connect(self._session_chosen)

        form = QFormLayout()
        form.addRow("For", self.for_session)
        form.addRow("Amount", self.amount)
        form.addRow("Paid on", self.paid_on)
        form.addRow("Method", self.method)
        form.addRow("Reference", self.reference)
        self.lay_out(form)
        self.setMinimumWidth(480)

        if payment is not None:
            self.fill((payment.details, payment.session_id))
        else:
            unpaid = [choice for choice in self._sessions if not choice.paid]
            if unpaid:  # most often, the session just held
                self.for_session.setCurrentIndex(self.for_session.findData(unpaid[0].session_id))
                self.amount.setValue(float(unpaid[0].amount_due))
            elif owed > 0:  # else what is owed, towards the account
                self.amount.setValue(float(owed))
        self.for_session.setFocus()

    def fill(self, entry: PaymentEntry) -> None:
        """Show a payment already recorded, or one typed before the vault locked."""
        details, session_id = entry
        self.for_session.setCurrentIndex(max(0, self.for_session.findData(session_id)))
        self.amount.setValue(float(details.amount))
        if details.paid_on is not None:
            self.paid_on.setDate(qdate(details.paid_on))
        self.method.setCurrentIndex(self.method.findData(details.method))
        self.reference.setText(details.reference)

    def _session_chosen(self, index: int) -> None:
        session_id = self.for_session.itemData(index)
        choice = next((c for c in self._sessions if c.session_id == session_id), None)
        if choice is not None:
            self.amount.setValue(float(choice.amount_due))

    def details(self) -> PaymentDetails:
        chosen = self.paid_on.date()
        return PaymentDetails(
            amount=Decimal(f"{self.amount.value():.2f}"),
            paid_on=date(chosen.year(), chosen.month(), chosen.day()),
            method=PaymentMethod(self.method.currentData()),
            reference=self.reference.text().strip(),
        )

    def session_id(self) -> str | None:
        value = self.for_session.currentData()
        return value if isinstance(value, str) else None

    def entry(self) -> PaymentEntry:
        return self.details(), self.session_id()

    def store(self) -> Payment:
        return self._save(*self.entry())
