"""The Referrals tab: a referral's workflow, consents to share, and the disclosure log."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QDialog, QScrollBar, QWidget
from pytestqt.qtbot import QtBot

from tests.conftest import PASSPHRASE
from tests.ui.conftest import ScriptedDialogs, answer_next_dialog, tab_chain, unlock
from therapist_desk.domain.records import (
    ClientDetails,
    DisclosureDetails,
    ProfessionalDetails,
    ReferralDetails,
    SharingConsentDetails,
)
from therapist_desk.domain.vocabulary import (
    ClientStatus,
    ProfessionalRole,
    ReferralStatus,
    ReferralUrgency,
)
from therapist_desk.letters import letters
from therapist_desk.records import clients
from therapist_desk.sharing import consents, professionals, referrals
from therapist_desk.sharing.disclosures import Delivery, DocumentSent
from therapist_desk.ui.main_window import MainWindow
from therapist_desk.ui.navigation import CLIENTS
from therapist_desk.ui.record import client_record
from therapist_desk.ui.record.referrals.consent_dialog import ConsentDialog
from therapist_desk.ui.record.referrals.referral_dialog import ReferralDialog
from therapist_desk.ui.record.referrals.referrals_tab import ReferralsTab, short_day
from therapist_desk.ui.record.referrals.sent_text_dialog import SentTextDialog
from therapist_desk.vault import Secret, unlock_vault
from therapist_desk.vault.paths import VaultPaths

WindowMaker = Callable[[VaultPaths], MainWindow]
GP = "Dr Imelda Brackenbury"
PSYCHIATRIST = "Dr Priya Shah"


def _practice(paths: VaultPaths) -> dict[str, str]:
    """A client and two professionals in the directory."""
    with unlock_vault(paths, Secret(passphrase=PASSPHRASE)) as vault:
        client = clients.create_client(
            vault, ClientDetails(legal_name="Marisol Ferreira", status=ClientStatus.ACTIVE)
        )
        gp = professionals.add_professional(
            vault,
            ProfessionalDetails(name=GP, role=ProfessionalRole.GP, organisation="Quay Surgery"),
        )
        psychiatrist = professionals.add_professional(
            vault,
            ProfessionalDetails(
                name=PSYCHIATRIST,
                role=ProfessionalRole.PSYCHIATRIST,
                organisation="Falmouth CMHT",
            ),
        )
        return {"client": client.id, "gp": gp.id, "psychiatrist": psychiatrist.id}


def _tab(
    qtbot: QtBot, make_window: WindowMaker, paths: VaultPaths, client_id: str
) -> tuple[MainWindow, ReferralsTab]:
    window = make_window(paths)
    unlock(qtbot, window)
    window.workspace.go_to(CLIENTS)
    window.workspace.clients.open_client(client_id, tab=client_record.REFERRALS)
    record = window.workspace.clients.record
    assert record.current_tab == client_record.REFERRALS
    return window, record.referrals


def _row(tab: ReferralsTab, row: int = 0) -> dict[str, str]:
    model = tab.referral_model
    return {
        str(model.headerData(column, Qt.Orientation.Horizontal)): model.data(
            model.index(row, column)
        )
        for column in range(model.columnCount())
    }


def _cells(model: object, row: int = 0) -> list[str]:
    from therapist_desk.ui.common.table_model import TableModel

    assert isinstance(model, TableModel)
    return [model.data(model.index(row, column)) for column in range(model.columnCount())]


def _enabled_steps(tab: ReferralsTab) -> set[str]:
    return {
        name
        for name, button in (
            ("sent", tab.sent_button),
            ("acknowledged", tab.acknowledged_button),
            ("closed", tab.close_button),
            ("declined", tab.declined_button),
        )
        if button.isEnabled()
    }


def test_a_new_referral_goes_from_draft_to_sent_to_acknowledged_to_closed(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    ids = _practice(existing_vault)
    window, tab = _tab(qtbot, make_window, existing_vault, ids["client"])
    assert tab.no_referrals.isVisible() and not tab.referral_table.isVisible()
    assert not tab.edit_button.isEnabled() and _enabled_steps(tab) == set()
    today = window.open_vault.today()  # type: ignore[union-attr]

    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, ReferralDialog)
        dialog.recipient.filter.setText("shah")  # the first match is chosen
        dialog.reason.setPlainText("Low mood despite eight sessions; a medication review.")
        dialog.urgency.setCurrentIndex(dialog.urgency.findData(ReferralUrgency.SOON))
        dialog.save_button.click()

    answer_next_dialog(fill)
    tab.new_button.click()

    assert tab.referral_title.text() == "Referrals (1)"
    row = _row(tab)
    assert row["Recipient"] == PSYCHIATRIST
    assert row["Reason"].startswith("Low mood despite eight sessions")
    assert (row["Urgency"], row["Status"]) == ("Soon", "Draft")
    assert row["Referred"] == short_day(today)
    assert row["Sent"] == row["Acknowledged"] == row["Closed"] == "—"
    assert row["Follow up"] == short_day(today + timedelta(days=28))
    assert tab.selected_referral() is not None  # the new referral is chosen
    assert _enabled_steps(tab) == {"sent"}

    tab.sent_button.click()
    row = _row(tab)
    assert (row["Status"], row["Sent"]) == ("Sent", short_day(today))
    assert _enabled_steps(tab) == {"acknowledged", "closed", "declined"}

    tab.acknowledged_button.click()
    row = _row(tab)
    assert (row["Status"], row["Acknowledged"]) == ("Acknowledged", short_day(today))
    assert _enabled_steps(tab) == {"closed", "declined"}

    tab.close_button.click()
    row = _row(tab)
    assert (row["Status"], row["Closed"]) == ("Closed", short_day(today))
    assert _enabled_steps(tab) == set()

    # What the tab shows is what was stored.
    (stored,) = referrals.referrals_for_client(
        window.open_vault.vault,  # type: ignore[union-attr]
        ids["client"],
    )
    assert stored.professional_id == ids["psychiatrist"]
    assert stored.details.status is ReferralStatus.CLOSED
    assert stored.details.sent_on == stored.details.acknowledged_on == today
    assert stored.details.closed_on == today


def test_a_sent_referral_can_be_declined(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    ids = _practice(existing_vault)
    with unlock_vault(existing_vault, Secret(passphrase=PASSPHRASE)) as vault:
        today = vault.now().astimezone().date()
        referrals.create_referral(
            vault,
            ids["client"],
            ids["gp"],
            ReferralDetails(
                reason="Physical health check",
                status=ReferralStatus.SENT,
                referred_on=today - timedelta(days=10),
                sent_on=today - timedelta(days=10),
            ),
        )
    _window, tab = _tab(qtbot, make_window, existing_vault, ids["client"])
    tab.referral_table.selectRow(0)
    assert _enabled_steps(tab) == {"acknowledged", "closed", "declined"}
    tab.declined_button.click()
    row = _row(tab)
    assert (row["Status"], row["Closed"]) == ("Declined", short_day(today))
    assert row["Sent"] == short_day(today - timedelta(days=10))  # earlier dates stay
    assert _enabled_steps(tab) == set()
    assert tab.edit_button.isEnabled()  # a mistake can still be corrected


def test_the_referral_dialog_says_what_is_missing_and_keeps_what_was_typed(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    ids = _practice(existing_vault)
    window, tab = _tab(qtbot, make_window, existing_vault, ids["client"])
    said: list[str] = []

    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, ReferralDialog)
        dialog.reason.setPlainText("Assessment for ADHD")
        dialog.save_button.click()
        said.append(dialog.problems.text())
        dialog.recipient.set_selected(ids["gp"])
        dialog.reason.clear()
        dialog.save_button.click()
        said.append(dialog.problems.text())
        # The follow-up before the referral date: the service's date check answers.
        dialog.reason.setPlainText("Assessment for ADHD")
        dialog.follow_up_on.set_value(date(2001, 1, 1))
        dialog.save_button.click()
        said.append(dialog.problems.text())
        assert dialog.isVisible()
        dialog.reject()

    answer_next_dialog(fill)
    tab.new_button.click()
    assert said[0].startswith("Choose the professional to refer to")
    assert "reason for referral" in said[1].lower()
    assert "follow-up date" in said[2].lower()
    assert referrals.referrals_for_client(window.open_vault.vault, ids["client"]) == []  # type: ignore[union-attr]


def test_a_follow_up_past_without_a_reply_stands_out(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    ids = _practice(existing_vault)
    with unlock_vault(existing_vault, Secret(passphrase=PASSPHRASE)) as vault:
        today = vault.now().astimezone().date()
        for professional, status in (("gp", ReferralStatus.SENT), ("psychiatrist", None)):
            referrals.create_referral(
                vault,
                ids["client"],
                ids[professional],
                ReferralDetails(
                    reason="Review",
                    status=status or ReferralStatus.ACKNOWLEDGED,
                    referred_on=today - timedelta(days=40),
                    sent_on=today - timedelta(days=40),
                    acknowledged_on=None if status else today - timedelta(days=30),
                    follow_up_on=today - timedelta(days=5),
                ),
            )
    _window, tab = _tab(qtbot, make_window, existing_vault, ids["client"])
    model = tab.referral_model
    last = model.columnCount() - 1
    flagged = {
        _row(tab, row)["Recipient"]: _row(tab, row)["Follow up"] for row in range(model.rowCount())
    }
    assert flagged[GP].endswith("· no reply")
    assert flagged[PSYCHIATRIST] == short_day(today - timedelta(days=5))  # they replied
    gp_row = next(row for row in range(model.rowCount()) if _row(tab, row)["Recipient"] == GP)
    assert model.data(model.index(gp_row, 0), Qt.ItemDataRole.FontRole).bold()
    assert model.data(model.index(gp_row, last), Qt.ItemDataRole.DecorationRole) is not None
    other = 1 - gp_row
    assert model.data(model.index(other, 0), Qt.ItemDataRole.FontRole) is None


def test_consents_to_share_show_plainly_whether_they_are_in_force(
    qtbot: QtBot,
    make_window: WindowMaker,
    existing_vault: VaultPaths,
    dialogs: ScriptedDialogs,
) -> None:
    ids = _practice(existing_vault)
    with unlock_vault(existing_vault, Secret(passphrase=PASSPHRASE)) as vault:
        today = vault.now().astimezone().date()
        consents.add_consent(
            vault,
            ids["client"],
            ids["gp"],
            SharingConsentDetails(
                given_on=today - timedelta(days=400),
                expires_on=today - timedelta(days=35),
                scope="Letters about physical health",
            ),
        )
    window, tab = _tab(qtbot, make_window, existing_vault, ids["client"])
    assert tab.consent_title.text() == "Consents to share (1)"
    assert _cells(tab.consent_model)[:4] == [
        GP,
        "Expired",
        short_day(today - timedelta(days=400)),
        short_day(today - timedelta(days=35)),
    ]

    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, ConsentDialog)
        dialog.recipient.set_selected(ids["psychiatrist"])
        dialog.scope.setText("Referral letter and summary")
        dialog.notes.setPlainText("Signed form, scanned")
        dialog.save_button.click()

    answer_next_dialog(fill)
    tab.add_consent_button.click()
    assert tab.consent_title.text() == "Consents to share (2)"
    newest = _cells(tab.consent_model, 0)  # newest given first
    assert newest == [
        PSYCHIATRIST,
        "In force",
        short_day(today),
        "—",
        "—",
        "Referral letter and summary",
        "Signed form, scanned",
    ]
    store = window.open_vault.vault  # type: ignore[union-attr]
    assert consents.consent_in_force(store, ids["client"], ids["psychiatrist"], today)

    # Withdrawn today: no longer in force, and the button has nothing left to do.
    tab.consent_table.selectRow(0)
    assert tab.withdraw_button.isEnabled()
    tab.withdraw_button.click()
    assert ("confirm", "Record the consent withdrawn?") in dialogs.asked
    assert _cells(tab.consent_model, 0)[1:5] == [
        "Withdrawn",
        short_day(today),
        "—",
        short_day(today),
    ]
    assert consents.consent_in_force(store, ids["client"], ids["psychiatrist"], today) is None
    assert not tab.withdraw_button.isEnabled()


def test_the_consent_dialog_passes_on_the_services_date_check(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    ids = _practice(existing_vault)
    _window, tab = _tab(qtbot, make_window, existing_vault, ids["client"])
    said: list[str] = []

    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, ConsentDialog)
        dialog.save_button.click()
        said.append(dialog.problems.text())
        dialog.recipient.set_selected(ids["gp"])
        dialog.expires_on.set_value(date(2001, 1, 1))
        dialog.save_button.click()
        said.append(dialog.problems.text())
        dialog.reject()

    answer_next_dialog(fill)
    tab.add_consent_button.click()
    assert said[0].startswith("Choose the professional the client consents to share with")
    assert "expiry date" in said[1].lower()
    assert tab.consent_model.rowCount() == 0


def test_every_disclosure_appears_in_the_log_newest_first(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    ids = _practice(existing_vault)
    with unlock_vault(existing_vault, Secret(passphrase=PASSPHRASE)) as vault:
        referral = referrals.create_referral(
            vault, ids["client"], ids["psychiatrist"], ReferralDetails(reason="Medication review")
        )
    window, tab = _tab(qtbot, make_window, existing_vault, ids["client"])
    assert tab.no_disclosures.isVisible() and tab.disclosure_title.text() == "Disclosure log (0)"
    open_vault = window.open_vault
    assert open_vault is not None

    # A print from elsewhere on the record (the safety plan's Print button says this).
    open_vault.record_document_sent(
        ids["client"],
        "safety plan",
        DocumentSent(Delivery.SAVED_AS_PDF, "plan.pdf"),
        record_id="plan-id",
    )
    assert tab.disclosure_title.text() == "Disclosure log (1)"
    assert _cells(tab.disclosure_model)[1:4] == [
        "safety plan",
        "the client",
        "saved as PDF: plan.pdf",
    ]

    # A referral summary sent in an emergency, without a consent in force.
    parties = letters.referral_parties(open_vault.vault, referral.id)
    open_vault.record_sent(
        parties,
        what="referral summary",
        how="printed",
        on=open_vault.today(),
        sections=("Identification", "Risk summary"),
        without_consent_reason="Imminent risk; client unreachable",
    )
    assert tab.disclosure_model.rowCount() == 2
    newest = _cells(tab.disclosure_model, 0)
    assert newest[1:] == [
        "referral summary",
        f"{PSYCHIATRIST}, Falmouth CMHT",
        "printed",
        "Identification, Risk summary",
        "Without consent: Imminent risk; client unreachable",
    ]
    assert tab.no_disclosures.isHidden()


def test_nothing_is_shown_after_lock(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    ids = _practice(existing_vault)
    with unlock_vault(existing_vault, Secret(passphrase=PASSPHRASE)) as vault:
        today = vault.now().astimezone().date()
        referrals.create_referral(
            vault, ids["client"], ids["gp"], ReferralDetails(reason="Sleep problems")
        )
        consents.add_consent(vault, ids["client"], ids["gp"], SharingConsentDetails(given_on=today))
    window, tab = _tab(qtbot, make_window, existing_vault, ids["client"])
    window.open_vault.record_document_sent(  # type: ignore[union-attr]
        ids["client"], "statement", DocumentSent(Delivery.PRINTED), record_id=ids["client"]
    )
    assert tab.referral_model.rowCount() == tab.consent_model.rowCount() == 1
    assert tab.disclosure_model.rowCount() == 1
    window.lock()
    assert not window.is_unlocked
    for model in (tab.referral_model, tab.consent_model, tab.disclosure_model):
        assert model.rowCount() == 0
    assert not tab.new_button.isEnabled() and not tab.add_consent_button.isEnabled()
    shown = " ".join(
        widget.text() for widget in (tab.referral_title, tab.consent_title, tab.disclosure_title)
    )
    assert "Sleep" not in shown and "(1)" not in shown


def _unnamed(root: QWidget) -> list[str]:
    missing = []
    for widget in root.findChildren(QWidget):
        if not widget.isVisible() or widget.focusPolicy() == Qt.FocusPolicy.NoFocus:
            continue
        if isinstance(widget, QScrollBar) or isinstance(
            widget.parentWidget(), (QAbstractSpinBox, QComboBox)
        ):
            continue
        if not widget.accessibleName():
            missing.append(f"{type(widget).__name__} {widget.objectName()!r}")
    return missing


def test_tab_order_follows_reading_order_and_every_control_is_named(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    ids = _practice(existing_vault)
    with unlock_vault(existing_vault, Secret(passphrase=PASSPHRASE)) as vault:
        today = vault.now().astimezone().date()
        referrals.create_referral(
            vault, ids["client"], ids["gp"], ReferralDetails(reason="Sleep problems")
        )
        consents.add_consent(vault, ids["client"], ids["gp"], SharingConsentDetails(given_on=today))
    window, tab = _tab(qtbot, make_window, existing_vault, ids["client"])
    window.open_vault.record_document_sent(  # type: ignore[union-attr]
        ids["client"], "statement", DocumentSent(Delivery.PRINTED), record_id=ids["client"]
    )
    tab.referral_table.selectRow(0)
    tab.consent_table.selectRow(0)
    assert _unnamed(tab) == []
    chain = [widget.accessibleName() for widget in tab_chain(tab.new_button, 13)]
    assert chain == [
        "New referral",
        "Edit the referral",
        "Mark the referral sent",
        "Write the referral letter",
        "Compose the referral summary",
        "Write a letter to a professional",
        "Referrals",
        "Add a consent to share",
        "Edit the consent",
        "Record the consent withdrawn",
        "Consents to share",
        "Disclosure log",
        chain[-1],  # on to whatever follows the tab
    ]

    checked: list[list[str]] = []

    def look(dialog: QDialog) -> None:
        checked.append(_unnamed(dialog))
        first = dialog.focusWidget()
        assert first is not None
        checked.append([w.accessibleName() for w in tab_chain(first, 6)])
        dialog.reject()

    answer_next_dialog(look)
    tab.new_button.click()
    assert checked[0] == []
    assert checked[1] == [
        "Refer to: filter the directory",
        "Refer to: add a new professional",
        "Refer to: choose from the directory",
        "Reason for referral",
        "Urgency",
        "Referred on is known",
    ]
    answer_next_dialog(look)
    tab.add_consent_button.click()
    assert checked[2] == []
    assert checked[3][:4] == [
        "Share with: filter the directory",
        "Share with: add a new professional",
        "Share with: choose from the directory",
        "Consent given on",
    ]


def test_a_letter_to_a_professional_opens_the_general_letter_composer(
    qtbot: QtBot,
    make_window: WindowMaker,
    existing_vault: VaultPaths,
    dialogs: ScriptedDialogs,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from therapist_desk.ui.record.referrals import letter_composer

    calls: list[tuple[object, ...]] = []
    monkeypatch.setattr(
        letter_composer,
        "open_general_letter",
        lambda *args: calls.append(args),
        raising=False,  # another part of the window provides it
    )
    ids = _practice(existing_vault)
    window, tab = _tab(qtbot, make_window, existing_vault, ids["client"])
    button = tab.general_letter_button
    assert button.text() == "Letter to a professional…"
    assert button.accessibleName() == "Write a letter to a professional"
    assert button.isVisible() and button.isEnabled()  # no referral needed, only the client
    assert tab.selected_referral() is None
    button.click()
    assert calls == [(tab, window.open_vault, dialogs, ids["client"])]
    window.lock()
    assert not button.isEnabled()


def test_the_long_cells_of_the_disclosure_log_show_in_full_in_a_tooltip(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    ids = _practice(existing_vault)
    window, tab = _tab(qtbot, make_window, existing_vault, ids["client"])
    open_vault = window.open_vault
    assert open_vault is not None
    sections = (
        "Identification",
        "Presenting problem",
        "Risk summary",
        "Diagnoses",
        "Medications",
        "Measures over time",
        "Treatment so far",
    )
    recipient = (
        f"{PSYCHIATRIST}, Penryn and Falmouth Community Mental Health Team (Trevithick House)"
    )
    open_vault.log_disclosure(
        ids["client"],
        DisclosureDetails(
            what="referral summary", recipient=recipient, how="printed", sections=sections
        ),
    )
    model = tab.disclosure_model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    to, listed = headers.index("To"), headers.index("Sections")
    tip = Qt.ItemDataRole.ToolTipRole
    assert model.data(model.index(0, to), tip) == recipient
    assert model.data(model.index(0, listed), tip) == ", ".join(sections)
    assert model.data(model.index(0, headers.index("When")), tip) is None
    # At 1366 px the sections are cut, which is why the tooltip is there.
    table = tab.disclosure_table
    wanted = table.fontMetrics().horizontalAdvance(", ".join(sections))
    assert table.columnWidth(listed) < wanted


def _log_a_letter(window: MainWindow, client_id: str, content: str) -> None:
    assert window.open_vault is not None
    window.open_vault.log_disclosure(
        client_id,
        DisclosureDetails(
            what="referral letter", recipient=PSYCHIATRIST, how="printed", content=content
        ),
    )


def test_what_was_sent_can_be_read_again_word_for_word(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    ids = _practice(existing_vault)
    window, tab = _tab(qtbot, make_window, existing_vault, ids["client"])
    letter = "Dear Dr Shah,\n\n" + "Thank you for seeing Marisol.\n" * 80 + "\nYours sincerely"
    _log_a_letter(window, ids["client"], letter)
    button = tab.sent_text_button
    assert button.accessibleName() == "Show what was sent" and not button.isEnabled()
    tab.disclosure_table.selectRow(0)
    assert button.isEnabled()
    seen: list[object] = []

    def read(dialog: QDialog) -> None:
        assert isinstance(dialog, SentTextDialog)
        text = dialog.text
        seen.append(
            (
                dialog.accessibleName(),
                text.toPlainText(),
                text.isReadOnly(),
                text.verticalScrollBar().maximum() > 0,  # long: it scrolls
                dialog.close_button.accessibleName(),
                PSYCHIATRIST in dialog.facts.text(),
            )
        )
        dialog.close_button.click()

    answer_next_dialog(read)
    button.click()
    assert seen == [("What was sent", letter, True, True, "Close", True)]

    # A double-click (or Enter) on the log does the same.
    answer_next_dialog(read)
    tab.disclosure_table.activated.emit(tab.disclosure_model.index(0, 0))
    assert len(seen) == 2


def test_a_disclosure_without_text_offers_nothing_to_read(
    qtbot: QtBot,
    make_window: WindowMaker,
    existing_vault: VaultPaths,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ids = _practice(existing_vault)
    window, tab = _tab(qtbot, make_window, existing_vault, ids["client"])
    opened: list[str] = []

    def exec_(dialog: SentTextDialog) -> int:
        opened.append("opened")
        return 0

    monkeypatch.setattr(SentTextDialog, "exec", exec_)
    window.open_vault.record_document_sent(  # type: ignore[union-attr]
        ids["client"], "statement", DocumentSent(Delivery.PRINTED), record_id=ids["client"]
    )
    tab.disclosure_table.selectRow(0)
    assert not tab.sent_text_button.isEnabled()
    tab.disclosure_table.activated.emit(tab.disclosure_model.index(0, 0))
    tab.show_sent_text()
    assert opened == []
    # One with text, logged later, is newest and can be read; the selection stays put.
    _log_a_letter(window, ids["client"], "Dear Dr Shah")
    assert not tab.sent_text_button.isEnabled()  # still on the statement
    tab.disclosure_table.selectRow(0)
    assert tab.sent_text_button.isEnabled()
    tab.sent_text_button.click()
    assert opened == ["opened"]
