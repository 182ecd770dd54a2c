"""The Referrals place: every client's referrals in one list, filtered, opened at the record."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QComboBox, QScrollBar, QWidget
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from tests.conftest import PASSPHRASE
from tests.ui.conftest import tab_chain, unlock
from therapist_desk.domain.records import (
    ClientDetails,
    ProfessionalDetails,
    ReferralDetails,
)
from therapist_desk.domain.vocabulary import (
    ClientStatus,
    ProfessionalRole,
    ReferralStatus,
    ReferralUrgency,
)
from therapist_desk.records import clients
from therapist_desk.sharing import professionals, referrals
from therapist_desk.ui.main_window import MainWindow
from therapist_desk.ui.navigation import CLIENTS, PLACES, REFERRALS
from therapist_desk.ui.places.referrals import ALL, NO_MATCH, NO_REPLY, OPEN, ReferralsPlace
from therapist_desk.ui.record import client_record
from therapist_desk.ui.record.referrals.referral_table import NO_REPLY_TIP, short_day
from therapist_desk.vault import Secret, unlock_vault
from therapist_desk.vault.paths import VaultPaths

WindowMaker = Callable[[VaultPaths], MainWindow]
GP = "Dr Imelda Brackenbury"
PSYCHIATRIST = "Dr Priya Shah"


def _practice(paths: VaultPaths) -> dict[str, str]:
    """Three clients, two professionals, five referrals in every state.

    Marisol: to the psychiatrist, sent 40 days ago, follow-up 5 days ago (no reply);
             to the GP, closed.
    Tobias:  to the GP, a draft, follow-up in 20 days; to the psychiatrist, declined.
    Wren:    to the psychiatrist, acknowledged, follow-up 2 days ago (they replied).
    """
    with unlock_vault(paths, Secret(passphrase=PASSPHRASE)) as vault:
        today = vault.now().astimezone().date()
        ids: dict[str, str] = {}
        for key, name in (
            ("marisol", "Marisol Ferreira"),
            ("tobias", "Tobias Lindqvist"),
            ("wren", "Wren Okafor"),
        ):
            ids[key] = clients.create_client(
                vault, ClientDetails(legal_name=name, status=ClientStatus.ACTIVE)
            ).id
        gp = professionals.add_professional(
            vault,
            ProfessionalDetails(name=GP, role=ProfessionalRole.GP, organisation="Quay Surgery"),
        ).id
        psychiatrist = professionals.add_professional(
            vault,
            ProfessionalDetails(
                name=PSYCHIATRIST,
                role=ProfessionalRole.PSYCHIATRIST,
                organisation="Falmouth CMHT",
            ),
        ).id

        def ago(days: int) -> date:
            return today - timedelta(days=days)

        for key, client, professional, details in (
            (
                "overdue",
                "marisol",
                psychiatrist,
                ReferralDetails(
                    reason="Low mood despite eight sessions;\na medication review.",
                    urgency=ReferralUrgency.SOON,
                    status=ReferralStatus.SENT,
                    referred_on=ago(40),
                    sent_on=ago(40),
                    follow_up_on=ago(5),
                ),
            ),
            (
                "closed",
                "marisol",
                gp,
                ReferralDetails(
                    reason="Thyroid check",
                    status=ReferralStatus.CLOSED,
                    referred_on=ago(200),
                    sent_on=ago(200),
                    closed_on=ago(150),
                    follow_up_on=ago(170),
                ),
            ),
            (
                "draft",
                "tobias",
                gp,
                ReferralDetails(
                    reason="Sleep study", referred_on=today, follow_up_on=today + timedelta(20)
                ),
            ),
            (
                "declined",
                "tobias",
                psychiatrist,
                ReferralDetails(
                    reason="ADHD assessment",
                    status=ReferralStatus.DECLINED,
                    referred_on=ago(90),
                    sent_on=ago(90),
                    closed_on=ago(60),
                ),
            ),
            (
                "acknowledged",
                "wren",
                psychiatrist,
                ReferralDetails(
                    reason="Second opinion on the diagnosis",
                    urgency=ReferralUrgency.URGENT,
                    status=ReferralStatus.ACKNOWLEDGED,
                    referred_on=ago(30),
                    sent_on=ago(30),
                    acknowledged_on=ago(20),
                    follow_up_on=ago(2),
                ),
            ),
        ):
            ids[key] = referrals.create_referral(vault, ids[client], professional, details).id
        ids["gp"], ids["psychiatrist"] = gp, psychiatrist
        return ids


def _place(
    qtbot: QtBot, make_window: WindowMaker, paths: VaultPaths
) -> tuple[MainWindow, ReferralsPlace]:
    window = make_window(paths)
    unlock(qtbot, window)
    place = window.workspace.referrals
    with qtbot.waitSignal(place.loaded, timeout=30_000):
        window.workspace.go_to(REFERRALS)
    return window, place


def _shown(place: ReferralsPlace, header: str = "") -> list[dict[str, str]]:
    """The rows the table shows, as header → text (or one column's texts)."""
    proxy = place.proxy
    headers = [
        str(proxy.headerData(column, Qt.Orientation.Horizontal))
        for column in range(proxy.columnCount())
    ]
    rows = [
        {title: str(proxy.data(proxy.index(row, column))) for column, title in enumerate(headers)}
        for row in range(proxy.rowCount())
    ]
    return rows


def _column(place: ReferralsPlace, header: str) -> list[str]:
    return [row[header] for row in _shown(place)]


def test_the_place_sits_under_calendar_and_every_old_place_keeps_its_name() -> None:
    titles = [title for title, _icon in PLACES]
    assert titles[:5] == ["Today", "Clients", "Calendar", "Referrals", "Directory"]
    assert PLACES[REFERRALS][0] == "Referrals"


def test_every_clients_open_referrals_are_listed_next_follow_up_first(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    ids = _practice(existing_vault)
    window, place = _place(qtbot, make_window, existing_vault)
    assert window.workspace.pages.currentWidget() is place
    today = window.open_vault.today()  # type: ignore[union-attr]
    # Open ones by default: the closed and the declined wait on nobody.
    rows = _shown(place)
    assert [row["Client"] for row in rows] == [
        "Marisol Ferreira",  # follow-up 5 days ago
        "Wren Okafor",  # 2 days ago
        "Tobias Lindqvist",  # in 20 days
    ]
    first = rows[0]
    assert first["Recipient"] == PSYCHIATRIST
    assert first["Reason"] == "Low mood despite eight sessions; a medication review."  # one line
    assert (first["Urgency"], first["Status"]) == ("Soon", "Sent")
    assert first["Referred"] == first["Sent"] == short_day(today - timedelta(days=40))
    assert place.count.text() == "3 of 5 referrals · 1 with no reply"
    # The first is chosen; the line below gives what the table cuts.
    chosen = place.chosen()
    assert chosen is not None and chosen.id == ids["overdue"]
    assert place.details.text().startswith(f"Marisol Ferreira → {PSYCHIATRIST}, Falmouth CMHT")


def test_filters_by_status_and_by_words_typed(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    ids = _practice(existing_vault)
    _window, place = _place(qtbot, make_window, existing_vault)
    status = place.status

    def choose(key: str) -> None:
        status.setCurrentIndex(status.findData(key))

    choose(ALL)
    assert len(_shown(place)) == 5
    assert place.count.text() == "5 referrals · 1 with no reply"
    choose(ReferralStatus.CLOSED.value)
    assert _column(place, "Reason") == ["Thyroid check"]
    choose(ReferralStatus.DECLINED.value)
    assert _column(place, "Reason") == ["ADHD assessment"]
    choose(NO_REPLY)
    assert _column(place, "Reason") == ["Low mood despite eight sessions; a medication review."]

    choose(ALL)
    place.filter.setText("shah")  # the recipient
    assert sorted(_column(place, "Client")) == [
        "Marisol Ferreira",
        "Tobias Lindqvist",
        "Wren Okafor",
    ]
    place.filter.setText("quay")  # the recipient's organisation
    assert sorted(_column(place, "Reason")) == ["Sleep study", "Thyroid check"]
    place.filter.setText("tob")  # the client
    assert sorted(_column(place, "Reason")) == ["ADHD assessment", "Sleep study"]
    place.filter.setText("medic  LOW")  # words of the reason, in any order and case
    assert _column(place, "Client") == ["Marisol Ferreira"]
    chosen = place.chosen()
    assert chosen is not None and chosen.id == ids["overdue"]  # the first match is chosen

    choose(OPEN)
    place.filter.setText("thyroid")  # closed: not open
    assert place.proxy.rowCount() == 0
    assert place.table.isHidden() and place.empty.isVisible()
    assert place.empty.text() == NO_MATCH
    assert not place.open_button.isEnabled()
    assert place.count.text() == "0 of 5 referrals · 1 with no reply"


def test_a_follow_up_past_without_a_reply_stands_out(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    _practice(existing_vault)
    window, place = _place(qtbot, make_window, existing_vault)
    today = window.open_vault.today()  # type: ignore[union-attr]
    proxy = place.proxy
    follow_up = place.model.follow_up_column
    by_client = {row["Client"]: row["Follow up"] for row in _shown(place)}
    assert by_client["Marisol Ferreira"] == f"{short_day(today - timedelta(days=5))} · no reply"
    # Acknowledged: they replied, so a past follow-up date is not "no reply".
    assert by_client["Wren Okafor"] == short_day(today - timedelta(days=2))
    assert by_client["Tobias Lindqvist"] == short_day(today + timedelta(days=20))

    def cell(row: int, column: int, role: Qt.ItemDataRole) -> object:
        return proxy.data(proxy.index(row, column), role)

    overdue_row = _column(place, "Client").index("Marisol Ferreira")
    other_row = _column(place, "Client").index("Wren Okafor")
    font = cell(overdue_row, 0, Qt.ItemDataRole.FontRole)
    assert font is not None and font.bold()  # type: ignore[attr-defined]
    assert cell(overdue_row, follow_up, Qt.ItemDataRole.DecorationRole) is not None
    assert cell(overdue_row, follow_up, Qt.ItemDataRole.ToolTipRole) == NO_REPLY_TIP
    assert cell(other_row, 0, Qt.ItemDataRole.FontRole) is None
    assert cell(other_row, follow_up, Qt.ItemDataRole.DecorationRole) is None


def test_privacy_mode_shows_initials_only(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    _practice(existing_vault)
    window, place = _place(qtbot, make_window, existing_vault)
    window.workspace.set_privacy(True)
    assert sorted(_column(place, "Client")) == ["M. F.", "T. L.", "W. O."]
    assert place.details.text().startswith(f"M. F. → {PSYCHIATRIST}")
    everything = " ".join(" ".join(row.values()) for row in _shown(place))
    assert "Marisol" not in everything and "Ferreira" not in everything
    # Typing a name the therapist knows still finds the client, shown by initials.
    place.filter.setText("wren")
    assert _column(place, "Client") == ["W. O."]
    place.filter.clear()
    # A reload in privacy mode (a referral changed) keeps to initials.
    with qtbot.waitSignal(place.loaded, timeout=30_000):
        place.refresh()
    assert sorted(_column(place, "Client")) == ["M. F.", "T. L.", "W. O."]
    window.workspace.set_privacy(False)
    assert "Marisol Ferreira" in _column(place, "Client")


def test_enter_opens_the_clients_referrals_tab_at_that_referral(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    ids = _practice(existing_vault)
    window, place = _place(qtbot, make_window, existing_vault)
    place.filter.setText("second opinion")
    place.filter.setFocus()
    qtbot.keyClick(place.filter, Qt.Key.Key_Return)  # the first match is chosen; Enter opens it
    workspace = window.workspace
    record = workspace.clients.record
    assert workspace.place == CLIENTS
    assert record.client is not None and record.client.id == ids["wren"]
    assert record.current_tab == client_record.REFERRALS
    chosen = record.referrals.selected_referral()
    assert chosen is not None and chosen.id == ids["acknowledged"]

    # Back to the place; a row of another client, opened from the table with Enter.
    with qtbot.waitSignal(place.loaded, timeout=30_000):
        workspace.go_to(REFERRALS)
    place.filter.clear()
    place.status.setCurrentIndex(place.status.findData(ALL))
    assert place.select(ids["declined"])
    place.table.setFocus()
    qtbot.keyClick(place.table, Qt.Key.Key_Return)
    assert workspace.place == CLIENTS
    assert record.client is not None and record.client.id == ids["tobias"]
    chosen = record.referrals.selected_referral()
    assert chosen is not None and chosen.id == ids["declined"]
    assert record.referrals.referral_table.hasFocus()


def test_the_list_follows_changes_made_elsewhere(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    ids = _practice(existing_vault)
    window, place = _place(qtbot, make_window, existing_vault)
    open_vault = window.open_vault
    assert open_vault is not None
    with qtbot.waitSignal(place.loaded, timeout=30_000):
        open_vault.create_referral(
            ids["wren"], ids["gp"], ReferralDetails(reason="Blood tests", referred_on=date.today())
        )
    assert "Blood tests" in _column(place, "Reason")
    assert place.count.text() == "4 of 6 referrals · 1 with no reply"


def test_nothing_remains_after_lock(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    _practice(existing_vault)
    window, place = _place(qtbot, make_window, existing_vault)
    place.status.setCurrentIndex(place.status.findData(ALL))
    place.filter.setText("low")
    assert place.proxy.rowCount() == 1 and place.details.text()
    window.lock()
    assert not window.is_unlocked
    assert place.model.rowCount() == 0 and place.proxy.rowCount() == 0
    assert place.filter.text() == "" and place.status.currentData() == OPEN
    assert place.count.text() == "" and place.details.text() == ""
    for widget in place.findChildren(QWidget):
        for text in (widget.toolTip(), getattr(widget, "text", lambda: "")()):
            assert "Marisol" not in str(text) and "Low mood" not in str(text)
    assert not place.open_button.isEnabled()


def _unnamed(root: QWidget) -> list[str]:
    return [
        f"{type(widget).__name__} {widget.objectName()!r}"
        for widget in root.findChildren(QWidget)
        if widget.isVisible()
        and widget.focusPolicy() != Qt.FocusPolicy.NoFocus
        and not isinstance(widget, QScrollBar)
        and not isinstance(widget.parentWidget(), QComboBox)  # the combo's own parts
        and not widget.accessibleName()
    ]


def test_tab_order_follows_reading_order_and_every_control_is_named(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    _practice(existing_vault)
    _window, place = _place(qtbot, make_window, existing_vault)
    assert _unnamed(place) == []
    chain = [widget.accessibleName() for widget in tab_chain(place.status, 4)]
    assert chain == [
        "Show referrals that are",
        "Filter the referrals",
        "All referrals",
        "Open the referral in the client's record",
    ]


def test_the_model_and_its_filter_pass_qts_model_checks(
    qtbot: QtBot,
    make_window: WindowMaker,
    existing_vault: VaultPaths,
    qtmodeltester: ModelTester,
) -> None:
    _practice(existing_vault)
    _window, place = _place(qtbot, make_window, existing_vault)
    assert place.model.rowCount() == 5
    qtmodeltester.check(place.model)
    qtmodeltester.check(place.proxy)
    assert place.model.rowCount(place.model.index(0, 0)) == 0
    assert place.model.data(QModelIndex()) is None
