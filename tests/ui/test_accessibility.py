"""Every control a keyboard can reach has a name a screen reader can say."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSpinBox,
    QComboBox,
    QScrollBar,
    QTabBar,
    QWidget,
)
from pytestqt.qtbot import QtBot

from tests.conftest import PASSPHRASE
from tests.ui.conftest import unlock
from therapist_desk.domain.records import ClientDetails, SessionDetails
from therapist_desk.records import clients, therapy_sessions
from therapist_desk.ui.main_window import MainWindow
from therapist_desk.ui.navigation import PLACES
from therapist_desk.vault import Secret, unlock_vault
from therapist_desk.vault.paths import VaultPaths

WindowMaker = Callable[[VaultPaths], MainWindow]


def _unnamed_focusable(root: QWidget) -> list[str]:
    missing = []
    for widget in root.findChildren(QWidget):
        if not widget.isVisible() or widget.focusPolicy() == Qt.FocusPolicy.NoFocus:
            continue
        if isinstance(widget, (QScrollBar, QTabBar)):
            continue  # scroll bars are not tab stops; a tab bar's tabs carry their own text
        if isinstance(widget.parentWidget(), (QAbstractSpinBox, QComboBox)):
            continue  # the editing part of a named spin box or combo box
        if isinstance(widget, QAbstractScrollArea) and not widget.accessibleName():
            # A scroll area that only frames named content is not itself a stop.
            inner = widget.viewport()
            if widget.focusPolicy() != Qt.FocusPolicy.NoFocus and inner.findChildren(QWidget):
                missing.append(f"{type(widget).__name__} {widget.objectName()!r}")
            continue
        if not widget.accessibleName():
            missing.append(f"{type(widget).__name__} {widget.objectName()!r}")
    return missing


def test_every_reachable_control_is_named_on_every_screen(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    with unlock_vault(existing_vault, Secret(passphrase=PASSPHRASE)) as vault:
        client = clients.create_client(vault, ClientDetails(legal_name="Named Person"))
        therapy_sessions.schedule_session(
            vault, vault.now() - timedelta(hours=1), 50, SessionDetails(), [client.id]
        )
    window = make_window(existing_vault)
    assert _unnamed_focusable(window) == []  # the unlock screen
    unlock(qtbot, window)
    workspace = window.workspace
    for place in range(len(PLACES)):
        workspace.go_to(place)
        assert _unnamed_focusable(window) == [], f"place {place}"
    assert window.open_vault is not None
    sessions = therapy_sessions.sessions_for_client(window.open_vault.vault, client.id)
    workspace.open_session(client.id, sessions[0].id)
    record = workspace.clients.record
    for tab in range(record.tabs.count()):
        record.tabs.setCurrentIndex(tab)
        assert _unnamed_focusable(window) == [], f"record tab {tab}"


def test_tab_order_on_the_unlock_screen_follows_reading_order(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    window = make_window(existing_vault)
    screen = window.unlock_screen
    screen.use_passphrase.setFocus()
    order = [screen.use_passphrase.accessibleName()]
    for _ in range(3):
        window.focusNextChild()
        order.append(window.focusWidget().accessibleName())
    assert order == [
        "Unlock with the passphrase",
        "Unlock with the recovery key",
        "Passphrase",
        "Unlock",
    ]
