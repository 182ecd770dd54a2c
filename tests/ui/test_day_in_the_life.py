"""A therapist's day, driven through the real widgets from first run to search."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import QAbstractItemModel, QAbstractListModel, QDate, QModelIndex, Qt, QTime
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from tests.ui.conftest import ScriptedDialogs, answer_next_dialog, unlock, wait_for_index
from therapist_desk.records import progress_notes
from therapist_desk.ui.main_window import MainWindow
from therapist_desk.ui.record import client_record
from therapist_desk.ui.record.client_dialog import ClientDialog
from therapist_desk.ui.record.contact_dialog import ContactDialog
from therapist_desk.ui.record.note_editor import NoteEditor
from therapist_desk.ui.record.session_dialog import SessionDialog
from therapist_desk.vault.paths import VaultPaths

NEW_PASSPHRASE = "lighthouse keeper walks at noon"
CLIENT = "Marisol Quintana-Ferreira"
CONTACT = "Teodoro Quintana"
NOTE_WORDS = "Discussed the lighthouse metaphor"


def _model_text(model: QAbstractItemModel, parent: QModelIndex) -> list[str]:
    """Every cell's text, children included (a list model has one column)."""
    flat = isinstance(model, QAbstractListModel)
    columns = 1 if flat else model.columnCount(parent)
    texts = []
    for row in range(model.rowCount(parent)):
        for column in range(columns):
            index = model.index(row, column, parent)
            texts.append(str(model.data(index)))
            if column == 0 and not flat and model.rowCount(index):
                texts.extend(_model_text(model, index))
    return texts


def all_visible_text(root: QWidget) -> str:
    """Every piece of text any widget under `root` holds, shown or not, and every model's data."""
    parts = [root.windowTitle()]
    for widget in root.findChildren(QWidget):
        parts.append(widget.toolTip())
        parts.append(widget.accessibleDescription())
        if isinstance(widget, (QLabel, QLineEdit)):
            parts.append(widget.text())
        elif isinstance(widget, (QPlainTextEdit, QTextEdit)):
            parts.append(widget.toPlainText())
        elif isinstance(widget, QAbstractButton):
            parts.append(widget.text())
        elif isinstance(widget, QComboBox):
            parts.extend(widget.itemText(i) for i in range(widget.count()))
        if isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model = widget.model()
            parts.extend(_model_text(model, QModelIndex()))
    return "\n".join(part for part in parts if part)


def test_first_run_to_search(
    qtbot: QtBot,
    make_window: object,
    vault_paths: VaultPaths,
    dialogs: ScriptedDialogs,
    tmp_path: Path,
) -> None:
    window: MainWindow = make_window(vault_paths)  # type: ignore[operator]

    # First run: a weak passphrase cannot be chosen; a strong one, typed twice, can.
    first_run = window.first_run
    assert window.pages.currentWidget() is first_run
    first_run.fields.passphrase.setText("password1")
    first_run.fields.repeat.setText("password1")
    assert not first_run.create_button.isEnabled()
    first_run.fields.passphrase.setText(NEW_PASSPHRASE)
    first_run.fields.repeat.setText(NEW_PASSPHRASE)
    assert first_run.create_button.isEnabled()
    first_run.create_button.click()
    qtbot.waitUntil(lambda: first_run.currentIndex() == 1, timeout=30_000)

    # The recovery key is shown once; saving it writes a file only where the user chose.
    key = first_run.key_label.text()
    assert len(key) == 39 and key.count("-") == 7
    dialogs.save_path = tmp_path / "my-key.txt"
    first_run.save_button.click()
    assert key in dialogs.save_path.read_text()
    first_run.print_button.click()
    assert key in dialogs.printed[-1]
    assert not first_run.key_continue.isEnabled()
    first_run.stored.setChecked(True)
    first_run.key_continue.click()
    assert first_run.key_label.text() == ""

    # The practice profile, then the workspace.
    first_run.practice_form.practice_name.setText("Harbour Lane Therapy")
    first_run.practice_form.clinician_name.setText("Dr Alex Morgan")
    first_run.practice_done.click()
    assert window.is_unlocked
    workspace = window.workspace

    # Add a client.
    def fill_client(dialog: QDialog) -> None:
        assert isinstance(dialog, ClientDialog)
        dialog.legal_name.setText(CLIENT)
        dialog.preferred_name.setText("Mari")
        dialog.pronouns.setText("she/her")
        dialog.try_save()

    answer_next_dialog(fill_client)
    workspace.clients.new_client()
    record = workspace.clients.record
    assert record.client is not None and record.client.details.legal_name == CLIENT
    assert CLIENT in record.name.text()

    # Add contacts: an emergency contact with consent.
    record.show_tab(client_record.CONTACTS)

    def fill_contact(dialog: QDialog) -> None:
        assert isinstance(dialog, ContactDialog)
        dialog.role.setCurrentIndex(dialog.role.findText("Emergency contact"))
        dialog.name.setText(CONTACT)
        dialog.relationship.setText("brother")
        dialog.consent.setChecked(True)
        dialog.scope.setText("Emergencies only")
        dialog.try_save()

    answer_next_dialog(fill_contact)
    record.contacts.add()
    assert record.contacts.model.rowCount() == 1
    assert record.contacts.model.data(record.contacts.model.index(0, 0)) == CONTACT

    # Schedule a session that started an hour ago.
    now = window.open_vault.vault.now()  # type: ignore[union-attr]

    def fill_session(dialog: QDialog) -> None:
        assert isinstance(dialog, SessionDialog)
        start = (now - timedelta(hours=1)).astimezone()
        dialog.day.setDate(QDate(start.year, start.month, start.day))
        dialog.start_time.setTime(QTime(start.hour, start.minute))
        dialog._try_save()

    answer_next_dialog(fill_session)
    record.show_tab(client_record.SESSIONS)
    record.sessions.schedule()
    sessions = record.sessions
    assert sessions.model.rowCount() == 1
    sessions.table.selectRow(0)
    editor: NoteEditor = sessions.editor
    assert editor.session is not None

    # Write the note; it saves itself after a pause in typing, and says so only after the commit.
    editor.section_edit("subjective").setPlainText(f"{NOTE_WORDS} and the week's walks.")
    editor.section_edit("plan").setPlainText("Continue weekly.")
    assert editor.has_unsaved_changes
    qtbot.waitUntil(lambda: not editor.has_unsaved_changes, timeout=5_000)
    assert "saved" in editor.status.text().lower()
    assert window.status_saved.text().startswith("Saved ")
    vault = window.open_vault.vault  # type: ignore[union-attr]
    stored = progress_notes.get_note_for_session(vault, editor.session.id)
    assert stored is not None and NOTE_WORDS in stored.content.sections["subjective"]

    # Sign: the note is locked, and the editor shows a document instead of fields.
    editor.sign_button.click()
    qtbot.waitUntil(lambda: editor.pages.currentIndex() == 2)
    signed = progress_notes.get_note_for_session(vault, editor.session.id)
    assert signed is not None and signed.is_signed
    assert NOTE_WORDS in editor.document.toPlainText()
    assert signed.content_hash[:16] in editor.document.toPlainText()

    # Trying to edit is refused, through the window and through the service.
    assert not editor.section_edit("subjective").isVisible()
    import pytest

    from therapist_desk.errors import NoteIsSigned

    with pytest.raises(NoteIsSigned):
        progress_notes.save_draft(vault, editor.session.id, signed.content)

    # A correction goes in a dated addendum below the note.
    editor.add_addendum("Correction: the walks were on three days, not four.")
    assert "three days, not four" in editor.document.toPlainText()
    assert "Addendum" in editor.document.toPlainText()

    # Lock: nothing of any client is left anywhere in the window.
    workspace.lock_button.click()
    assert not window.is_unlocked
    assert window.pages.currentWidget() is window.unlock_screen
    leftover = all_visible_text(window)
    for secret in (CLIENT, "Mari", CONTACT, NOTE_WORDS, "three days", "Harbour Lane"):
        assert secret not in leftover, f"{secret!r} is still in the locked window"

    # Unlock again; search finds the note by a word in it, and opens it.
    unlock(qtbot, window, NEW_PASSPHRASE)
    wait_for_index(qtbot, window)
    window.workspace.focus_search()
    window.workspace.search_field.setText("lighthouse metaphor")
    results = window.workspace.search.model
    assert results.total() == 1
    hit = results.hit_at(results.index(0, 0, results.index(0, 0)))
    assert hit is not None and hit.kind.value == "note"
    window.workspace.search.results.setFocus()
    qtbot.keyClick(window.workspace.search.results, Qt.Key.Key_Return)
    assert window.workspace.clients.showing_record
    assert window.workspace.clients.record.sessions.editor.session is not None
