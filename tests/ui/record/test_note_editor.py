"""The note editor never loses words: format changes, failed saves, locking mid-sentence."""

from __future__ import annotations

import errno
from collections.abc import Callable
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from tests.conftest import PASSPHRASE
from tests.ui.conftest import ScriptedDialogs, answer_next_dialog, unlock
from therapist_desk.domain.records import ClientDetails, NoteContent, SessionDetails
from therapist_desk.domain.vocabulary import NoteFormat, TermCategory
from therapist_desk.records import clients, progress_notes, terms, therapy_sessions
from therapist_desk.ui.main_window import MainWindow
from therapist_desk.ui.open_vault import OpenVault
from therapist_desk.ui.record.note_editor import AddendumDialog, NoteEditor
from therapist_desk.vault import Secret, unlock_vault
from therapist_desk.vault.paths import VaultPaths

WindowMaker = Callable[[VaultPaths], MainWindow]


@pytest.fixture
def editor_window(qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths) -> MainWindow:
    with unlock_vault(existing_vault, Secret(passphrase=PASSPHRASE)) as vault:
        client = clients.create_client(vault, ClientDetails(legal_name="Ines Whitcombe"))
        session = therapy_sessions.schedule_session(
            vault, vault.now() - timedelta(hours=1), 50, SessionDetails(), [client.id]
        )
    window = make_window(existing_vault)
    unlock(qtbot, window)
    window.workspace.open_session(client.id, session.id)
    return window


def _editor(window: MainWindow) -> NoteEditor:
    return window.workspace.clients.record.sessions.editor


def _stored(window: MainWindow) -> NoteContent | None:
    editor = _editor(window)
    assert window.open_vault is not None and editor.session is not None
    note = progress_notes.get_note_for_session(window.open_vault.vault, editor.session.id)
    return note.content if note else None


def test_changing_the_format_keeps_every_word(editor_window: MainWindow) -> None:
    editor = _editor(editor_window)
    editor.section_edit("subjective").setPlainText("Felt calmer")
    editor.section_edit("objective").setPlainText("Steady eye contact")
    editor.format_box.setCurrentIndex(editor.format_box.findData(NoteFormat.DAP))
    assert editor.content().format is NoteFormat.DAP
    data = editor.section_edit("data").toPlainText()
    assert "Felt calmer" in data and "Steady eye contact" in data
    editor.format_box.setCurrentIndex(editor.format_box.findData(NoteFormat.FREE))
    assert "Steady eye contact" in editor.section_edit("note").toPlainText()


def test_ctrl_s_saves_at_once(qtbot: QtBot, editor_window: MainWindow) -> None:
    editor = _editor(editor_window)
    editor.section_edit("plan").setPlainText("Review in two weeks")
    assert _stored(editor_window) is None
    qtbot.keyClick(editor.section_edit("plan"), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    stored = _stored(editor_window)
    assert stored is not None and stored.sections["plan"] == "Review in two weeks"
    assert editor.status.text().startswith("Draft · saved")


def test_a_failed_save_keeps_the_text_and_says_not_saved(
    qtbot: QtBot, editor_window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor = _editor(editor_window)

    def disk_full(self: OpenVault, *_args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(OpenVault, "save_draft", disk_full)
    editor.section_edit("subjective").setPlainText("Words that must survive")
    assert not editor.flush()
    assert editor.status.text().startswith("Not saved")
    assert editor.section_edit("subjective").toPlainText() == "Words that must survive"
    assert editor.has_unsaved_changes
    monkeypatch.undo()
    assert editor.flush()
    stored = _stored(editor_window)
    assert stored is not None and stored.sections["subjective"] == "Words that must survive"


def test_a_draft_unsaved_at_lock_is_held_and_saved_after_unlock(
    qtbot: QtBot,
    editor_window: MainWindow,
    monkeypatch: pytest.MonkeyPatch,
    dialogs: ScriptedDialogs,
) -> None:
    editor = _editor(editor_window)
    session_id = editor.session.id if editor.session else ""
    real_save = OpenVault.save_draft

    def disk_full(self: OpenVault, *_args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(OpenVault, "save_draft", disk_full)
    editor.section_edit("assessment").setPlainText("Typed while the disk was full")
    editor_window.lock()
    assert not editor_window.is_unlocked
    assert len(editor_window.drafts) == 1
    assert editor.section_edit("assessment").toPlainText() == ""  # nothing on screen while locked
    monkeypatch.setattr(OpenVault, "save_draft", real_save)
    unlock(qtbot, editor_window)
    assert len(editor_window.drafts) == 0
    assert editor_window.open_vault is not None
    note = progress_notes.get_note_for_session(editor_window.open_vault.vault, session_id)
    assert (
        note is not None and note.content.sections["assessment"] == "Typed while the disk was full"
    )


def test_an_empty_note_cannot_be_signed(
    editor_window: MainWindow, dialogs: ScriptedDialogs
) -> None:
    editor = _editor(editor_window)
    editor.sign_button.click()
    assert any("Nothing to sign" in warning for warning in dialogs.warnings())
    assert editor.pages.currentIndex() == 1


def test_declining_to_sign_leaves_a_draft(
    editor_window: MainWindow, dialogs: ScriptedDialogs
) -> None:
    editor = _editor(editor_window)
    editor.section_edit("subjective").setPlainText("Not ready to sign")
    dialogs.confirm_answer = False
    editor.sign_button.click()
    assert editor.pages.currentIndex() == 1
    assert editor.note is None or not editor.note.is_signed


def test_a_new_technique_joins_the_pick_list_for_every_note(editor_window: MainWindow) -> None:
    editor = _editor(editor_window)
    adder = editor.techniques.adder
    assert adder is not None
    adder.setText("  Compassion-focused   imagery ")
    adder.returnPressed.emit()
    assert "Compassion-focused imagery" in editor.content().techniques
    assert editor_window.open_vault is not None
    vault = editor_window.open_vault.vault
    assert "Compassion-focused imagery" in terms.terms(vault, TermCategory.TECHNIQUE)


def test_a_refused_addendum_says_what_is_wrong_with_it(
    editor_window: MainWindow, dialogs: ScriptedDialogs
) -> None:
    editor = _editor(editor_window)
    editor.section_edit("subjective").setPlainText("Walked to the harbour twice.")
    editor.sign_button.click()
    assert editor.pages.currentIndex() == 2  # signed
    seen: list[str] = []

    def blank_then_cancel(dialog: QDialog) -> None:
        assert isinstance(dialog, AddendumDialog)
        dialog.text.setPlainText("   ")
        dialog.try_save()
        seen.append(dialog.problems.text())
        assert dialog.isVisible()
        dialog.reject()

    answer_next_dialog(blank_then_cancel)
    editor.addendum_button.click()
    assert seen == ["The addendum is required."]
