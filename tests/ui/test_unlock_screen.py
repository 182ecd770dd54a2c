"""Unlocking: each way it can fail gets its own plain message; the recovery key works too."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.conftest import PASSPHRASE
from tests.ui.conftest import ScriptedDialogs, unlock
from therapist_desk.crypto.kdf import FAST_TEST_PARAMS
from therapist_desk.ui.main_window import MainWindow
from therapist_desk.ui.window_settings import WindowSettings
from therapist_desk.vault import create_vault
from therapist_desk.vault.lock import VaultLock
from therapist_desk.vault.paths import VaultPaths

WindowMaker = Callable[[VaultPaths], MainWindow]


def _attempt(qtbot: QtBot, window: MainWindow, text: str, *, recovery: bool = False) -> str:
    screen = window.unlock_screen
    if recovery:
        screen.use_recovery.setChecked(True)
    screen.secret.setText(text)
    screen.unlock_button.click()
    qtbot.waitUntil(lambda: not screen.busy.isVisible(), timeout=30_000)
    return screen.message.text()


def test_wrong_passphrase_says_so_and_keeps_the_vault_locked(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    window = make_window(existing_vault)
    message = _attempt(qtbot, window, "not the passphrase")
    assert message.startswith("Wrong passphrase")
    assert not window.is_unlocked
    assert window.unlock_screen.secret.text() == ""
    unlock(qtbot, window)
    assert window.is_unlocked


def test_a_damaged_vault_is_told_apart_from_a_wrong_passphrase(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    with sqlite3.connect(existing_vault.database) as connection:
        document = connection.execute("SELECT document FROM vault_header").fetchone()[0]
        connection.execute(
            "UPDATE vault_header SET document = ?", (document.replace(b'"', b"'", 1),)
        )
    window = make_window(existing_vault)
    message = _attempt(qtbot, window, PASSPHRASE)
    assert message.startswith("The vault is damaged")
    assert "backup" in message
    assert not window.is_unlocked


def test_unlock_with_the_recovery_key_and_a_typo_in_it(
    qtbot: QtBot, make_window: WindowMaker, vault_paths: VaultPaths
) -> None:
    created = create_vault(vault_paths, PASSPHRASE, kdf_params=FAST_TEST_PARAMS)
    created.vault.close()
    key = created.recovery_key
    typo = ("1" if key[0] != "1" else "2") + key[1:]
    window = make_window(vault_paths)
    message = _attempt(qtbot, window, typo, recovery=True)
    assert "typing mistake" in message
    assert window.unlock_screen.secret.text() == typo  # a mistyped key stays to be corrected
    window.unlock_screen.secret.setText(key.lower().replace("-", " "))
    window.unlock_screen.unlock_button.click()
    qtbot.waitUntil(lambda: window.is_unlocked, timeout=30_000)


def test_a_vault_made_by_a_newer_version_gets_its_own_message(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    with sqlite3.connect(existing_vault.database) as connection:
        connection.execute("UPDATE alembic_version SET version_num = 'ffffffffffff'")
    window = make_window(existing_vault)
    message = _attempt(qtbot, window, PASSPHRASE)
    assert "newer version" in message


def test_a_vault_open_elsewhere_is_refused_at_start(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    other = VaultLock(existing_vault.lock_file)
    other.acquire()
    try:
        window = make_window(existing_vault)
        assert window.pages.currentWidget() is window.in_use
        assert "already open" in window.in_use_message.text()
    finally:
        other.release()


def test_the_window_holds_the_vault_while_locked(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    make_window(existing_vault)
    second = VaultLock(existing_vault.lock_file)
    try:
        second.acquire()
    except Exception as error:  # noqa: BLE001 - the refusal is what we want to see
        assert "already open" in str(error)
    else:
        second.release()
        raise AssertionError("a second program could open the vault behind the lock screen")


def test_window_geometry_is_remembered_and_settings_hold_no_client_data(
    qtbot: QtBot,
    make_window: WindowMaker,
    existing_vault: VaultPaths,
    tmp_path: Path,
    window_settings: WindowSettings,
    dialogs: ScriptedDialogs,
) -> None:
    window = make_window(existing_vault)
    unlock(qtbot, window)
    window.resize(1024, 655)  # the offscreen screen is 1024 wide
    window.move(7, 9)
    QApplication.processEvents()
    size = window.size()
    window.close()
    again = MainWindow(existing_vault, window_settings, dialogs, kdf_params=FAST_TEST_PARAMS)
    qtbot.addWidget(again)
    # Offscreen, the platform places windows itself, so only the size is compared.
    assert again.size() == size
    again.close()
    settings_text = (tmp_path / "window.ini").read_bytes()
    assert b"geometry" in settings_text
    assert PASSPHRASE.encode() not in settings_text
