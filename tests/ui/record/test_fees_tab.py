"""A client's fees: charged sessions, payments, the balance, and statements on paper and in PDF."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from tests.conftest import PASSPHRASE
from tests.ui.conftest import ScriptedDialogs, answer_next_dialog, unlock
from therapist_desk.domain.records import (
    ClientDetails,
    PaymentDetails,
    PracticeProfile,
    SessionDetails,
)
from therapist_desk.domain.vocabulary import (
    Attendance,
    AuditKind,
    ClientStatus,
    PaymentMethod,
    SessionKind,
)
from therapist_desk.letters.rendering import PaperSize
from therapist_desk.records import clients, fees, practice, therapy_sessions
from therapist_desk.ui.main_window import MainWindow
from therapist_desk.ui.navigation import CLIENTS, SETTINGS
from therapist_desk.ui.printing.pages import pdf_bytes
from therapist_desk.ui.record import client_record
from therapist_desk.ui.record.fees_tab import FeesTab
from therapist_desk.ui.record.payment_dialog import PaymentDialog
from therapist_desk.ui.record.statement_dialog import (
    LAST_MONTH,
    THIS_MONTH,
    StatementDialog,
    month_of,
)
from therapist_desk.vault import Secret, audit, unlock_vault
from therapist_desk.vault.paths import VaultPaths

WindowMaker = Callable[[VaultPaths], MainWindow]
NAME = "Zoë Ångström"
ADDRESS = "4 Quay Street\nFalmouth\nTR11 3HH"


def _last_month(today: date) -> tuple[date, date]:
    return month_of(month_of(today)[0] - timedelta(days=1))


def _account(paths: VaultPaths) -> dict[str, str]:
    """Last month: an attended session, a late cancellation, a cancelled one (not charged)
    and a couple session shared with a partner; every fee 90 (the couple's 120)."""
    with unlock_vault(paths, Secret(passphrase=PASSPHRASE)) as vault:
        practice.save_profile(
            vault,
            PracticeProfile(
                practice_name="Harbour Lane Therapy",
                clinician_name="Dr Alex Morgan",
                licence_number="PYL04217",
                address="12 Harbour Lane\nFalmouth",
                currency="GBP",
            ),
        )
        zoe = clients.create_client(
            vault,
            ClientDetails(legal_name=NAME, address=ADDRESS, status=ClientStatus.ACTIVE),
        ).id
        partner = clients.create_client(
            vault, ClientDetails(legal_name="Teo Ångström", status=ClientStatus.ACTIVE)
        ).id
        first, _last = _last_month(vault.now().astimezone().date())
        ids = {"zoe": zoe, "partner": partner}
        for key, day, attendance in (
            ("attended", 2, Attendance.ATTENDED),
            ("late", 9, Attendance.LATE_CANCELLED),
            ("cancelled", 16, Attendance.CANCELLED),
        ):
            start = datetime.combine(first + timedelta(days=day), time(10)).astimezone()
            session = therapy_sessions.schedule_session(
                vault, start, 50, SessionDetails(fee=Decimal("90.00")), [zoe]
            )
            therapy_sessions.set_attendance(vault, session.id, zoe, attendance)
            ids[key] = session.id
        start = datetime.combine(first + timedelta(days=20), time(18)).astimezone()
        couple = therapy_sessions.schedule_session(
            vault,
            start,
            60,
            SessionDetails(kind=SessionKind.COUPLE, fee=Decimal("120.00")),
            [zoe, partner],
        )
        for client_id in (zoe, partner):
            therapy_sessions.set_attendance(vault, couple.id, client_id, Attendance.ATTENDED)
        ids["couple"] = couple.id
        return ids


def _fees(qtbot: QtBot, make_window: WindowMaker, paths: VaultPaths, client_id: str) -> FeesTab:
    window = make_window(paths)
    unlock(qtbot, window)
    window.workspace.go_to(CLIENTS)
    window.workspace.clients.open_client(client_id, tab=client_record.FEES)
    tab = window.workspace.clients.record.fees
    qtbot.waitUntil(lambda: tab.charges.rowCount() > 0, timeout=5_000)
    return tab


def _cells(tab: FeesTab, row: int) -> list[str]:
    model = tab.charges
    return [model.data(model.index(row, column)) for column in range(model.columnCount())]


def test_charged_sessions_a_payment_and_the_balance(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    ids = _account(existing_vault)
    tab = _fees(qtbot, make_window, existing_vault, ids["zoe"])
    # The cancelled session is not charged; the couple's fee is shared.
    assert [line.session_id for line in tab.charges.rows()] == [
        ids["couple"],
        ids["late"],
        ids["attended"],
    ]
    assert _cells(tab, 0)[1:] == ["Couple", "Attended", "£120.00", "£60.00", "—"]
    assert _cells(tab, 1)[2] == "Late cancellation"
    assert tab.balance.text() == "Balance: £240.00 owed"
    assert tab.no_payments.isVisible() and not tab.payment_table.isVisible()

    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, PaymentDialog)
        # The session just held, for its share, is offered first.
        assert dialog.session_id() == ids["couple"]
        assert dialog.amount.value() == 60
        dialog.method.setCurrentIndex(dialog.method.findData(PaymentMethod.CASH))
        dialog.reference.setText("receipt 17")
        dialog.try_save()

    answer_next_dialog(fill)
    tab.record_payment()
    qtbot.waitUntil(lambda: tab.balance.text() == "Balance: £180.00 owed", timeout=5_000)
    assert _cells(tab, 0)[5] == "Paid"
    assert tab.payments.rowCount() == 1
    payment = tab.payments.record_at(0)
    assert payment.session_id == ids["couple"] and payment.details.reference == "receipt 17"
    assert "Charged £240.00 · paid £60.00" in tab.totals.text()


def test_correcting_and_removing_a_payment(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths, dialogs: ScriptedDialogs
) -> None:
    ids = _account(existing_vault)
    with unlock_vault(existing_vault, Secret(passphrase=PASSPHRASE)) as vault:
        paid_on = vault.now().astimezone().date()
        fees.record_payment(
            vault, ids["zoe"], PaymentDetails(Decimal("50.00"), paid_on, PaymentMethod.CARD)
        )
    tab = _fees(qtbot, make_window, existing_vault, ids["zoe"])
    qtbot.waitUntil(lambda: tab.payments.rowCount() == 1, timeout=5_000)
    assert tab.balance.text() == "Balance: £190.00 owed"
    assert not tab.edit_button.isEnabled()
    tab.payment_table.selectRow(0)
    assert tab.edit_button.isEnabled() and tab.remove_button.isEnabled()

    def correct(dialog: QDialog) -> None:
        assert isinstance(dialog, PaymentDialog)
        assert dialog.session_id() is None and dialog.amount.value() == 50  # as recorded
        dialog.for_session.setCurrentIndex(dialog.for_session.findData(ids["attended"]))
        dialog.amount.setValue(90)
        dialog.try_save()

    answer_next_dialog(correct)
    tab.edit_payment()
    qtbot.waitUntil(lambda: tab.balance.text() == "Balance: £150.00 owed", timeout=5_000)
    attended_row = tab.charges.row_of(ids["attended"])
    assert _cells(tab, attended_row)[5] == "Paid"

    tab.payment_table.selectRow(0)
    tab.remove_payment()
    assert ("confirm", "Remove this payment?") in dialogs.asked
    qtbot.waitUntil(lambda: tab.balance.text() == "Balance: £240.00 owed", timeout=5_000)
    assert tab.payments.rowCount() == 0
    assert _cells(tab, tab.charges.row_of(ids["attended"]))[5] == "—"  # unpaid again


def test_a_joint_session_paid_by_one_partner_is_still_owed_by_the_other(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    ids = _account(existing_vault)
    with unlock_vault(existing_vault, Secret(passphrase=PASSPHRASE)) as vault:
        paid_on = vault.now().astimezone().date()
        # Zoë pays £10 of her £60 share, then the rest.
        for amount in ("10.00", "50.00"):
            fees.record_payment(
                vault,
                ids["zoe"],
                PaymentDetails(Decimal(amount), paid_on, PaymentMethod.CARD),
                session_id=ids["couple"],
            )
    zoe = _fees(qtbot, make_window, existing_vault, ids["zoe"])
    assert _cells(zoe, zoe.charges.row_of(ids["couple"]))[5] == "Paid"

    zoe.window().close()
    tab = _fees(qtbot, make_window, existing_vault, ids["partner"])
    assert _cells(tab, 0)[1:] == ["Couple", "Attended", "£120.00", "£60.00", "—"]
    assert tab.balance.text() == "Balance: £60.00 owed"

    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, PaymentDialog)
        # The session Teo owes for is offered, for his own share.
        assert dialog.session_id() == ids["couple"]
        assert dialog.amount.value() == 60
        dialog.amount.setValue(20)
        dialog.try_save()

    answer_next_dialog(fill)
    tab.record_payment()
    qtbot.waitUntil(lambda: tab.balance.text() == "Balance: £40.00 owed", timeout=5_000)
    assert _cells(tab, 0)[5] == "£40.00 owed"

    def rest(dialog: QDialog) -> None:
        assert isinstance(dialog, PaymentDialog)
        # A part-paid session is still offered, for what is left of the share.
        assert dialog.session_id() == ids["couple"]
        assert "£40.00 still owed" in dialog.for_session.currentText()
        assert dialog.amount.value() == 40
        dialog.try_save()

    answer_next_dialog(rest)
    tab.record_payment()
    qtbot.waitUntil(lambda: tab.balance.text() == "Balance: Nothing owed", timeout=5_000)
    assert _cells(tab, 0)[5] == "Paid"
    assert all(payment.session_id == ids["couple"] for payment in tab.payments.rows())


def test_a_payment_the_service_refuses_stays_typed_with_the_reason(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    ids = _account(existing_vault)
    tab = _fees(qtbot, make_window, existing_vault, ids["zoe"])
    seen: dict[str, object] = {}

    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, PaymentDialog)
        dialog.amount.setValue(0)
        dialog.reference.setText("kept as typed")
        dialog.try_save()
        seen["problems"] = dialog.problems.text()
        seen["open"] = dialog.isVisible()
        seen["reference"] = dialog.reference.text()
        dialog.reject()

    answer_next_dialog(fill)
    tab.record_payment()
    assert seen == {
        "problems": "The amount must be more than zero.",
        "open": True,
        "reference": "kept as typed",
    }


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def _has_row(text: str, parts: tuple[str, ...]) -> bool:
    """True when one line of `text` holds every part, in order."""
    for line in text.splitlines():
        position = 0
        for part in parts:
            found = line.find(part, position)
            if found < 0:
                break
            position = found + len(part)
        else:
            return True
    return False


def _pdf_text(data: bytes, tmp_path: Path) -> str:
    target = tmp_path / "statement.pdf"
    target.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-layout", str(target), "-"], check=True, capture_output=True, text=True
    ).stdout


needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils is installed by .ci/run"
)


@needs_poppler
def test_printing_last_months_statement(
    qtbot: QtBot,
    make_window: WindowMaker,
    existing_vault: VaultPaths,
    dialogs: ScriptedDialogs,
    tmp_path: Path,
) -> None:
    ids = _account(existing_vault)
    with unlock_vault(existing_vault, Secret(passphrase=PASSPHRASE)) as vault:
        today = vault.now().astimezone().date()
        first, last = _last_month(today)
        # Paid before the period (opening balance) and in it.
        fees.record_payment(
            vault,
            ids["zoe"],
            PaymentDetails(Decimal("25.00"), first - timedelta(days=3), PaymentMethod.CASH),
        )
        fees.record_payment(
            vault,
            ids["zoe"],
            PaymentDetails(
                Decimal("90.00"), first + timedelta(days=2), PaymentMethod.BANK_TRANSFER, "INV-7"
            ),
            session_id=ids["attended"],
        )
    tab = _fees(qtbot, make_window, existing_vault, ids["zoe"])
    window = tab.window()
    assert isinstance(window, MainWindow)
    window.workspace.go_to(SETTINGS)
    settings = window.workspace.settings
    settings.paper.setCurrentIndex(settings.paper.findData(PaperSize.LETTER))
    window.workspace.clients.open_client(ids["zoe"], tab=client_record.FEES)

    def choose(dialog: QDialog) -> None:
        assert isinstance(dialog, StatementDialog)
        dialog.choose(LAST_MONTH)
        assert dialog.dates() == (first, last)
        dialog.print_button.click()

    answer_next_dialog(choose)
    tab.statement()
    assert len(dialogs.printed_documents) == 1
    document, paper = dialogs.printed_documents[0]
    assert paper is PaperSize.LETTER
    assert document.letterhead.practice_name == "Harbour Lane Therapy"
    text = _pdf_text(pdf_bytes(document, paper), tmp_path)
    words = " ".join(text.split())
    for expected in (
        "Harbour Lane Therapy",
        "Registration: PYL04217",
        NAME,
        "4 Quay Street",
        "TR11 3HH",
        "Statement of account",
        f"{first:%B %Y}",
        "Amounts in GBP",
        "INV-7)",
        "(your share of",
        f"Balance due on {_day(last)}: 125.00 GBP",
        "Confidential · Statement of account",
    ):
        assert expected in words, expected
    # Each line in date order, with its running balance (CR: in credit).
    for row in (
        (_day(first), "Balance brought forward", "25.00 CR"),
        (_day(first + timedelta(days=2)), "Individual session, 10:00", "90.00", "65.00"),
        (_day(first + timedelta(days=2)), "Payment received: bank transfer", "90.00", "25.00 CR"),
        (_day(first + timedelta(days=9)), "Individual session, 10:00, cancelled at", "65.00"),
        (_day(first + timedelta(days=20)), "Couple session, 18:00", "60.00", "125.00"),
        ("Totals for the period", "240.00", "90.00"),
    ):
        assert _has_row(text, row), row
    rows = [line for line in text.splitlines() if _has_row(line, (_day(first + timedelta(2)),))]
    assert "Individual" in rows[0] and "Payment" in rows[1]  # the session, then its payment
    assert words.count("Individual session") == 2  # the cancelled session is not charged
    disclosures = audit.events(
        window.open_vault.vault,  # type: ignore[union-attr]
        client_id=ids["zoe"],
        kind=AuditKind.DISCLOSURE,
    )
    assert [event.details.detail for event in disclosures] == [
        f"statement {first.isoformat()} to {last.isoformat()}, printed"
    ]


@needs_poppler
def test_saving_a_statement_as_pdf(
    qtbot: QtBot,
    make_window: WindowMaker,
    existing_vault: VaultPaths,
    dialogs: ScriptedDialogs,
    tmp_path: Path,
) -> None:
    ids = _account(existing_vault)
    tab = _fees(qtbot, make_window, existing_vault, ids["zoe"])
    dialogs.save_path = tmp_path / "for the insurer"

    def choose(dialog: QDialog) -> None:
        assert isinstance(dialog, StatementDialog)
        dialog.choose("custom")
        dialog.start.setDate(dialog.start.date().addDays(-400))
        dialog.pdf_button.click()

    answer_next_dialog(choose)
    tab.statement()
    saved = tmp_path / "for the insurer.pdf"
    assert saved.exists()
    words = " ".join(_pdf_text(saved.read_bytes(), tmp_path).split())
    assert NAME in words and "Balance due on" in words and "240.00" in words
    assert dialogs.printed_documents == []
    window = tab.window()
    assert isinstance(window, MainWindow) and window.open_vault is not None
    (event,) = audit.events(window.open_vault.vault, kind=AuditKind.DISCLOSURE)
    assert event.details.detail.endswith(", saved as PDF: for the insurer.pdf")


@pytest.mark.parametrize(
    ("today", "last_month"),
    [
        (date(2027, 1, 1), (date(2026, 12, 1), date(2026, 12, 31))),  # just past the year's end
        (date(2028, 2, 29), (date(2028, 1, 1), date(2028, 1, 31))),  # a leap day
        (date(2028, 3, 1), (date(2028, 2, 1), date(2028, 2, 29))),  # the day after one
        (date(2026, 3, 31), (date(2026, 2, 1), date(2026, 2, 28))),  # a long month's end
        (date(2026, 10, 25), (date(2026, 9, 1), date(2026, 9, 30))),  # the clocks go back
    ],
)
def test_last_month_is_the_calendar_month_before_today(
    qtbot: QtBot, today: date, last_month: tuple[date, date]
) -> None:
    dialog = StatementDialog(today, lambda *_dates: True, lambda *_dates: True)
    qtbot.addWidget(dialog)
    dialog.choose(LAST_MONTH)
    assert dialog.dates() == last_month
    dialog.choose(THIS_MONTH)
    assert dialog.dates()[0] == today.replace(day=1)
