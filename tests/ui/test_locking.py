"""Locking: on demand, when idle, and on close; the draft is saved first, the views emptied."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.conftest import PASSPHRASE
from tests.ui.conftest import unlock
from tests.ui.test_day_in_the_life import all_visible_text
from therapist_desk.domain.records import ClientDetails, SessionDetails
from therapist_desk.records import clients, progress_notes, therapy_sessions
from therapist_desk.ui.main_window import MainWindow
from therapist_desk.vault import Secret, unlock_vault
from therapist_desk.vault.paths import VaultPaths

WindowMaker = Callable[[VaultPaths], MainWindow]


def _vault_with_a_session(paths: VaultPaths) -> str:
    with unlock_vault(paths, Secret(passphrase=PASSPHRASE)) as vault:
        client = clients.create_client(vault, ClientDetails(legal_name="Ottoline Vasquez-Brandt"))
        session = therapy_sessions.schedule_session(
            vault, vault.now() - timedelta(hours=2), 50, SessionDetails(), [client.id]
        )
        return session.id


def _open_note(qtbot: QtBot, window: MainWindow, session_id: str) -> None:
    unlock(qtbot, window)
    assert window.open_vault is not None
    client_id = window.open_vault.clients[0].id
    window.workspace.open_session(client_id, session_id)
    assert window.workspace.clients.record.sessions.editor.session is not None


def test_idle_lock_saves_the_draft_typed_just_before(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    session_id = _vault_with_a_session(existing_vault)
    window = make_window(existing_vault)
    _open_note(qtbot, window, session_id)
    window.idle.set_interval_ms(400)
    editor = window.workspace.clients.record.sessions.editor
    editor.section_edit("subjective").setPlainText("Typed a moment before walking away")
    assert editor.has_unsaved_changes
    qtbot.waitUntil(lambda: not window.is_unlocked, timeout=5_000)

    assert window.pages.currentWidget() is window.unlock_screen
    text = all_visible_text(window)
    assert "Ottoline" not in text and "walking away" not in text
    window.close()
    with unlock_vault(existing_vault, Secret(passphrase=PASSPHRASE)) as vault:
        note = progress_notes.get_note_for_session(vault, session_id)
    assert note is not None
    assert note.content.sections["subjective"] == "Typed a moment before walking away"


def test_user_activity_postpones_the_idle_lock(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    window = make_window(existing_vault)
    unlock(qtbot, window)
    window.idle.set_interval_ms(600)
    for _ in range(4):
        qtbot.wait(300)
        qtbot.keyClick(window.workspace.search_field, "a")
    assert window.is_unlocked
    qtbot.waitUntil(lambda: not window.is_unlocked, timeout=3_000)


def test_ctrl_l_locks_and_the_title_never_names_a_client(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    session_id = _vault_with_a_session(existing_vault)
    window = make_window(existing_vault)
    _open_note(qtbot, window, session_id)
    assert "Ottoline" not in window.windowTitle()
    qtbot.keyClick(window, "l", modifier=Qt.KeyboardModifier.ControlModifier)
    assert not window.is_unlocked
    assert window.windowTitle() == "Therapist Desk"
    assert window.status_lock.text() == "Locked"


def test_closing_the_window_saves_the_draft_and_closes_the_vault(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    session_id = _vault_with_a_session(existing_vault)
    window = make_window(existing_vault)
    _open_note(qtbot, window, session_id)
    editor = window.workspace.clients.record.sessions.editor
    editor.section_edit("plan").setPlainText("Written just before closing")
    window.close()
    assert not window.is_unlocked
    # The vault is closed and its lock released: another program can open it now.
    with unlock_vault(existing_vault, Secret(passphrase=PASSPHRASE)) as vault:
        note = progress_notes.get_note_for_session(vault, session_id)
    assert note is not None and note.content.sections["plan"] == "Written just before closing"


def test_switching_clients_saves_the_open_draft(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    session_id = _vault_with_a_session(existing_vault)
    with unlock_vault(existing_vault, Secret(passphrase=PASSPHRASE)) as vault:
        other = clients.create_client(vault, ClientDetails(legal_name="Second Person"))
    window = make_window(existing_vault)
    _open_note(qtbot, window, session_id)
    editor = window.workspace.clients.record.sessions.editor
    editor.section_edit("subjective").setPlainText("Saved on switching")
    window.workspace.clients.open_client(other.id)
    assert not editor.has_unsaved_changes
    assert window.open_vault is not None
    note = progress_notes.get_note_for_session(window.open_vault.vault, session_id)
    assert note is not None and note.content.sections["subjective"] == "Saved on switching"
