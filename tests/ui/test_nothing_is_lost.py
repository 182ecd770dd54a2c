"""Typed text survives every way of moving on: a failed save, a lock, a dialog, closing."""

from __future__ import annotations

import errno
import sqlite3
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from tests.conftest import PASSPHRASE
from tests.ui.conftest import ScriptedDialogs, answer_next_dialog, unlock
from therapist_desk.domain.records import (
    ClientDetails,
    ContactDetails,
    NoteContent,
    SessionDetails,
)
from therapist_desk.domain.vocabulary import ContactRole
from therapist_desk.records import (
    clients,
    contacts,
    practice,
    progress_notes,
    psychotherapy_notes,
    therapy_sessions,
)
from therapist_desk.ui.main_window import MainWindow
from therapist_desk.ui.navigation import CLIENTS, SETTINGS
from therapist_desk.ui.open_vault import OpenVault
from therapist_desk.ui.record import client_record
from therapist_desk.ui.record.client_dialog import ClientDialog
from therapist_desk.ui.record.note_editor import AddendumDialog
from therapist_desk.vault import Secret, unlock_vault
from therapist_desk.vault.paths import VaultPaths

WindowMaker = Callable[[VaultPaths], MainWindow]


def _disk_full(*_args: object, **_kwargs: object) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.fixture
def two_sessions(existing_vault: VaultPaths) -> dict[str, str]:
    with unlock_vault(existing_vault, Secret(passphrase=PASSPHRASE)) as vault:
        client = clients.create_client(vault, ClientDetails(legal_name="Thea Lindqvist"))
        first = therapy_sessions.schedule_session(
            vault, vault.now() - timedelta(days=7), 50, SessionDetails(), [client.id]
        )
        second = therapy_sessions.schedule_session(
            vault, vault.now() - timedelta(hours=2), 50, SessionDetails(), [client.id]
        )
        return {"client": client.id, "first": first.id, "second": second.id}


@pytest.fixture
def window(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths, two_sessions: dict[str, str]
) -> Iterator[MainWindow]:
    opened = make_window(existing_vault)
    unlock(qtbot, opened)
    yield opened


def _note(window: MainWindow, session_id: str) -> NoteContent | None:
    assert window.open_vault is not None
    note = progress_notes.get_note_for_session(window.open_vault.vault, session_id)
    return note.content if note else None


def test_moving_to_another_session_after_a_failed_save_holds_the_draft(
    window: MainWindow, two_sessions: dict[str, str], monkeypatch: pytest.MonkeyPatch, qtbot: QtBot
) -> None:
    editor = window.workspace.clients.record.sessions.editor
    window.workspace.open_session(two_sessions["client"], two_sessions["first"])
    monkeypatch.setattr(OpenVault, "save_draft", _disk_full)
    editor.section_edit("subjective").setPlainText("PRECIOUS WORDS")
    window.workspace.clients.record.sessions.select_session(two_sessions["second"])
    assert editor.session is not None and editor.session.id == two_sessions["second"]
    assert len(window.drafts) == 1
    assert window.status_unsaved.text() == "1 draft not saved yet"
    assert not editor.has_unsaved_changes  # nothing typed here, so nothing to save for session 2

    # Going back shows the words again, as typed; once saving works they are stored.
    window.workspace.clients.record.sessions.select_session(two_sessions["first"])
    assert editor.section_edit("subjective").toPlainText() == "PRECIOUS WORDS"
    assert editor.status.text().startswith("Not saved yet")
    assert len(window.drafts) == 0 and editor.has_unsaved_changes
    monkeypatch.undo()
    assert editor.flush()
    stored = _note(window, two_sessions["first"])
    assert stored is not None and stored.sections["subjective"] == "PRECIOUS WORDS"
    assert _note(window, two_sessions["second"]) is None  # no empty draft written elsewhere


def test_a_draft_that_failed_to_save_keeps_retrying_after_moving_away(
    window: MainWindow, two_sessions: dict[str, str], monkeypatch: pytest.MonkeyPatch, qtbot: QtBot
) -> None:
    editor = window.workspace.clients.record.sessions.editor
    window.workspace.open_session(two_sessions["client"], two_sessions["first"])
    monkeypatch.setattr(OpenVault, "save_draft", _disk_full)
    editor.section_edit("plan").setPlainText("Retried until saved")
    window.workspace.clients.show_list()
    window.workspace.go_to(0)
    assert editor.has_unsaved_changes  # still in the editor, which keeps trying
    editor._autosave._retry.setInterval(50)
    editor._autosave._retry.start()
    qtbot.wait(200)
    assert _note(window, two_sessions["first"]) is None
    monkeypatch.undo()
    qtbot.waitUntil(lambda: not editor.has_unsaved_changes, timeout=3_000)
    stored = _note(window, two_sessions["first"])
    assert stored is not None and stored.sections["plan"] == "Retried until saved"


def test_held_drafts_are_saved_by_the_windows_retry(
    window: MainWindow, two_sessions: dict[str, str], monkeypatch: pytest.MonkeyPatch, qtbot: QtBot
) -> None:
    editor = window.workspace.clients.record.sessions.editor
    window.workspace.open_session(two_sessions["client"], two_sessions["first"])
    monkeypatch.setattr(OpenVault, "save_draft", _disk_full)
    editor.section_edit("plan").setPlainText("Held then saved")
    window.workspace.clients.record.sessions.select_session(two_sessions["second"])
    assert len(window.drafts) == 1
    monkeypatch.undo()
    window._retry_drafts.setInterval(50)
    window._retry_drafts.start()
    qtbot.waitUntil(lambda: len(window.drafts) == 0, timeout=3_000)
    stored = _note(window, two_sessions["first"])
    assert stored is not None and stored.sections["plan"] == "Held then saved"


def test_the_window_will_not_close_over_unsaved_text(
    window: MainWindow,
    two_sessions: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    dialogs: ScriptedDialogs,
) -> None:
    editor = window.workspace.clients.record.sessions.editor
    window.workspace.open_session(two_sessions["client"], two_sessions["second"])
    monkeypatch.setattr(OpenVault, "save_draft", _disk_full)
    editor.section_edit("subjective").setPlainText("Must not vanish on close")
    assert not window.close()
    assert window.is_unlocked
    assert any("Not closing" in warning for warning in dialogs.warnings())
    monkeypatch.undo()
    assert window.close()
    with unlock_vault(window.paths, Secret(passphrase=PASSPHRASE)) as vault:
        note = progress_notes.get_note_for_session(vault, two_sessions["second"])
    assert note is not None and note.content.sections["subjective"] == "Must not vanish on close"


def test_a_process_note_is_saved_even_when_the_progress_note_fails(
    window: MainWindow, two_sessions: dict[str, str], monkeypatch: pytest.MonkeyPatch, qtbot: QtBot
) -> None:
    record = window.workspace.clients.record
    window.workspace.open_session(two_sessions["client"], two_sessions["second"])
    monkeypatch.setattr(OpenVault, "save_draft", _disk_full)
    record.sessions.editor.section_edit("subjective").setPlainText("progress words")
    record.show_tab(client_record.PROCESS_NOTES)  # the flush fails
    record.process_notes.new_note()
    record.process_notes.editor.setPlainText("my own reaction")
    window.lock()
    assert len(window.drafts) == 1  # the progress note, held
    monkeypatch.undo()
    unlock(qtbot, window)
    assert len(window.drafts) == 0
    assert window.open_vault is not None
    vault = window.open_vault.vault
    process = psychotherapy_notes.list_psychotherapy_notes(vault, two_sessions["client"])
    assert [note.text for note in process] == ["my own reaction"]
    stored = _note(window, two_sessions["second"])
    assert stored is not None and stored.sections["subjective"] == "progress words"


def test_a_process_note_that_cannot_be_saved_is_held_through_a_lock(
    window: MainWindow, two_sessions: dict[str, str], monkeypatch: pytest.MonkeyPatch, qtbot: QtBot
) -> None:
    record = window.workspace.clients.record
    window.workspace.clients.open_client(two_sessions["client"], tab=client_record.PROCESS_NOTES)
    record.process_notes.new_note()
    monkeypatch.setattr(OpenVault, "save_process_note", _disk_full)
    record.process_notes.editor.setPlainText("a thought worth keeping")
    window.lock()
    assert len(window.drafts) == 1
    monkeypatch.undo()
    unlock(qtbot, window)
    assert window.open_vault is not None
    notes = psychotherapy_notes.list_psychotherapy_notes(
        window.open_vault.vault, two_sessions["client"]
    )
    assert [note.text for note in notes] == ["a thought worth keeping"]


def test_a_technique_added_on_the_spot_is_saved_with_the_note(
    window: MainWindow, two_sessions: dict[str, str]
) -> None:
    editor = window.workspace.clients.record.sessions.editor
    window.workspace.open_session(two_sessions["client"], two_sessions["second"])
    editor.section_edit("subjective").setPlainText("text")
    assert editor.flush()
    adder = editor.techniques.adder
    assert adder is not None
    adder.setText("Sandtray with figures")
    adder.returnPressed.emit()
    assert editor.has_unsaved_changes
    assert editor.flush()
    stored = _note(window, two_sessions["second"])
    assert stored is not None and "Sandtray with figures" in stored.techniques


def _signed(window: MainWindow, session_id: str) -> None:
    assert window.open_vault is not None
    vault = window.open_vault.vault
    note = progress_notes.save_draft(vault, session_id, NoteContent(sections={"subjective": "x"}))
    progress_notes.sign_note(vault, note.id)


def test_a_refused_addendum_keeps_its_text_and_a_lock_keeps_it_for_later(
    window: MainWindow, two_sessions: dict[str, str], monkeypatch: pytest.MonkeyPatch, qtbot: QtBot
) -> None:
    _signed(window, two_sessions["second"])
    window.workspace.open_session(two_sessions["client"], two_sessions["second"])
    editor = window.workspace.clients.record.sessions.editor
    assert editor.pages.currentIndex() == 2
    monkeypatch.setattr(OpenVault, "add_addendum", _disk_full)
    seen: list[str] = []

    def refused_then_locked(dialog: QDialog) -> None:
        assert isinstance(dialog, AddendumDialog)
        dialog.text.setPlainText("The correction I typed")
        dialog.try_save()
        seen.append(dialog.problems.text())
        assert dialog.isVisible()  # still open, text still there
        window.lock()  # the idle lock strikes with the dialog open

    answer_next_dialog(refused_then_locked)
    editor.addendum_button.click()
    assert seen and seen[0].startswith("Not saved")
    monkeypatch.undo()
    unlock(qtbot, window)
    window.workspace.open_session(two_sessions["client"], two_sessions["second"])
    offered: list[str] = []

    def look(dialog: QDialog) -> None:
        assert isinstance(dialog, AddendumDialog)
        offered.append(dialog.text.toPlainText())
        dialog.try_save()

    answer_next_dialog(look)
    editor.addendum_button.click()
    assert offered == ["The correction I typed"]
    assert "The correction I typed" in editor.document.toPlainText()


def test_a_new_client_form_closed_by_the_lock_is_offered_again(
    window: MainWindow, qtbot: QtBot
) -> None:
    def half_filled(dialog: QDialog) -> None:
        assert isinstance(dialog, ClientDialog)
        dialog.legal_name.setText("Half-Typed Name")
        dialog.phone.setText("0123 456")
        window.lock()

    answer_next_dialog(half_filled)
    window.workspace.clients.new_client()
    unlock(qtbot, window)
    again: list[tuple[str, str]] = []

    def look(dialog: QDialog) -> None:
        assert isinstance(dialog, ClientDialog)
        again.append((dialog.legal_name.text(), dialog.phone.text()))
        dialog.reject()

    answer_next_dialog(look)
    window.workspace.clients.new_client()
    assert again == [("Half-Typed Name", "0123 456")]


def test_the_overview_follows_a_new_emergency_contact(
    window: MainWindow, two_sessions: dict[str, str]
) -> None:
    record = window.workspace.clients.record
    window.workspace.go_to(CLIENTS)
    window.workspace.clients.open_client(two_sessions["client"])
    assert "None recorded" in record.overview.emergency.text()
    assert window.open_vault is not None
    window.open_vault.add_contact(
        two_sessions["client"],
        ContactDetails(role=ContactRole.EMERGENCY_CONTACT, name="Oskar Lindqvist"),
    )
    assert "Oskar Lindqvist" in record.overview.emergency.text()
    assert contacts.list_contacts(window.open_vault.vault, two_sessions["client"])


def test_a_note_with_an_unreadable_value_opens_read_only(
    qtbot: QtBot,
    make_window: WindowMaker,
    existing_vault: VaultPaths,
    two_sessions: dict[str, str],
) -> None:
    with unlock_vault(existing_vault, Secret(passphrase=PASSPHRASE)) as vault:
        progress_notes.save_draft(
            vault, two_sessions["second"], NoteContent(sections={"plan": "keep this"})
        )
    with sqlite3.connect(existing_vault.database) as connection:
        connection.execute("UPDATE progress_notes SET sections = x'00'")
    window = make_window(existing_vault)
    unlock(qtbot, window)
    window.workspace.open_session(two_sessions["client"], two_sessions["second"])
    editor = window.workspace.clients.record.sessions.editor
    assert editor.pages.currentIndex() == 2
    assert "cannot be read" in editor.document.toPlainText()
    assert not editor.addendum_button.isVisible()


def test_leaving_settings_saves_the_practice_profile(window: MainWindow) -> None:
    settings = window.workspace.settings
    window.workspace.go_to(SETTINGS)
    settings.practice_form.practice_name.setText("Quiet Harbour Practice")
    window.workspace.go_to(0)
    assert window.open_vault is not None
    assert practice.get_profile(window.open_vault.vault).practice_name == "Quiet Harbour Practice"
