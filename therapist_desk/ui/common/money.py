"""Amounts of money on screen: two decimals, and the practice's currency."""

from __future__ import annotations

from decimal import Decimal

from therapist_desk.domain.vocabulary import PaymentMethod

METHOD_LABELS = {
    PaymentMethod.CARD: "Card",
    PaymentMethod.CASH: "Cash",
    PaymentMethod.BANK_TRANSFER: "Bank transfer",
    PaymentMethod.CHEQUE: "Cheque",
    PaymentMethod.INSURANCE: "Insurance",
    PaymentMethod.OTHER: "Other",
}
#: Currencies whose sign is plain to everyone; any other is shown by its ISO code.
SIGNS = {"GBP": "£", "EUR": "€", "USD": "$"}


def money(amount: Decimal, currency: str = "") -> str:
    """ "£1,250.00", "CHF 80.00", or "80.00" when the practice set no currency."""
    sign = "−" if amount < 0 else ""
    digits = f"{abs(amount):,.2f}"
    code = currency.strip().upper()
    if not code:
        return f"{sign}{digits}"
    if code in SIGNS:
        return f"{sign}{SIGNS[code]}{digits}"
    return f"{sign}{code} {digits}"


def balance_text(balance: Decimal, currency: str = "") -> str:
    """What a balance means in words: owed, in credit, or settled."""
    if balance > 0:
        return f"{money(balance, currency)} owed"
    if balance < 0:
        return f"{money(-balance, currency)} in credit"
    return "Nothing owed"


def spin_box_value(amount: Decimal | None) -> float:
    """A fee for a QDoubleSpinBox whose lowest value (-1) reads "No fee"."""
    return -1.0 if amount is None else float(amount)


def from_spin_box(value: float) -> Decimal | None:
    """The fee in a QDoubleSpinBox, to the cent; None at its "No fee" value."""
    return None if value < 0 else Decimal(f"{value:.2f}")
