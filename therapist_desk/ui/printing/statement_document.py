"""A client's statement of account as a printed document.

The figures come from `fees.statement`; this module only words them (each
session and payment as a line a reader outside the practice understands) and
fills the shipped template, resources/templates/statement.html.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from therapist_desk.domain.records import Client, PracticeProfile
from therapist_desk.domain.vocabulary import Attendance
from therapist_desk.letters.rendering import (
    PrintedDocument,
    day,
    letterhead_from,
    render,
    shipped_template,
)
from therapist_desk.records import clients, fees, practice
from therapist_desk.records.fees import Statement, StatementLine
from therapist_desk.ui.common import formatting
from therapist_desk.ui.common.money import METHOD_LABELS
from therapist_desk.vault import Vault

TEMPLATE = "statement.html"
#: How a charge for a session that did not go ahead is worded on the statement.
_NOT_ATTENDED = {
    Attendance.LATE_CANCELLED: "cancelled at short notice",
    Attendance.NO_SHOW: "missed without notice",
}


def describe_line(line: StatementLine) -> str:
    """ "Individual session, 10:00, paid", "Payment received: card (ref. INV-12) for the
    session of 2 May 2024"."""
    if line.is_payment:
        method = METHOD_LABELS[line.method].lower() if line.method else "payment"
        reference = f" (ref. {line.reference})" if line.reference else ""
        paid_for = f" for the session of {day(line.paid_for)}" if line.paid_for else ""
        return f"Payment received: {method}{reference}{paid_for}"
    kind = formatting.KIND_LABELS[line.session_kind] if line.session_kind else "Therapy"
    text = f"{kind} session"
    if line.starts_at is not None:
        text += f", {line.starts_at:%H:%M}"
    if line.attendance in _NOT_ATTENDED:
        text += f", {_NOT_ATTENDED[line.attendance]}"
    if line.session_fee is not None and line.session_fee != line.charge:
        text += f" (your share of {line.session_fee:,.2f})"
    # Paid means this client's own share, whatever the others at a joint session paid.
    if line.charge > 0 and line.is_paid:
        text += ", paid"
    elif line.paid_towards > 0:
        text += f", {line.unpaid:,.2f} of it unpaid"
    return text


def period_words(start: date, end: date) -> str:
    """ "November 2026" for a whole month, else "3 November 2026 to 9 December 2026"."""
    next_day = date.fromordinal(end.toordinal() + 1)
    if start.day == 1 and next_day.day == 1 and (start.year, start.month) == (end.year, end.month):
        return f"{start:%B %Y}"
    return f"{start.day} {start:%B %Y} to {end.day} {end:%B %Y}"


def statement_context(
    statement: Statement, client: Client, profile: PracticeProfile, today: date
) -> dict[str, Any]:
    """The fields the statement template is given."""
    closing = statement.closing_balance
    return {
        "practice": {
            "practice_name": profile.practice_name,
            "clinician_name": profile.clinician_name,
            "credentials": profile.credentials,
            "licence_number": profile.licence_number,
            "currency": profile.currency.upper(),
        },
        "client": {
            "name": client.details.legal_name,
            "address": client.details.address,
        },
        "statement": {
            "start": statement.start,
            "end": statement.end,
            "period": period_words(statement.start, statement.end),
            "opening_balance": statement.opening_balance,
            "lines": [
                {
                    "on": line.on,
                    "description": describe_line(line),
                    "charge": line.charge,
                    "payment": line.payment,
                    "balance": line.balance,
                    "is_payment": line.is_payment,
                    "paid": line.is_paid,
                }
                for line in statement.lines
            ],
            "total_charged": statement.total_charged,
            "total_paid": statement.total_paid,
            "closing_balance": closing,
            "owed": closing > 0,
            "in_credit": closing < 0,
            "amount": abs(closing),
            "left_out": len(statement.unreadable),
        },
        "today": today,
    }


def statement_document(
    vault: Vault, client_id: str, start: date, end: date, today: date
) -> PrintedDocument:
    """The client's statement from `start` to `end`, ready to print or save."""
    profile = practice.get_profile(vault)
    client = clients.get_client(vault, client_id)
    statement = fees.statement(vault, client_id, start, end)
    body = render(
        shipped_template(TEMPLATE),
        statement_context(statement, client, profile, today),
        name=TEMPLATE,
    )
    return PrintedDocument(
        f"Statement of account, {period_words(start, end)}",
        body,
        letterhead_from(profile),
        footer="Confidential · Statement of account",
    )
