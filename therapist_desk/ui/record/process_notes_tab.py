"""Psychotherapy (process) notes: private, apart from the record, never printed by default."""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from therapist_desk.domain.records import PsychotherapyNote
from therapist_desk.records import psychotherapy_notes
from therapist_desk.ui.autosave import AutosaveClock
from therapist_desk.ui.common import formatting
from therapist_desk.ui.common.icons import icon
from therapist_desk.ui.common.saving import SAVE_ERRORS, save_error_text
from therapist_desk.ui.common.table_model import Column, TableModel
from therapist_desk.ui.common.widgets import empty_state, label, named
from therapist_desk.ui.held_drafts import DraftKey, HeldDraft, HeldDrafts
from therapist_desk.ui.open_vault import OpenVault


def _first_line(note: PsychotherapyNote) -> str:
    first = note.text.strip().splitlines()[0] if note.text.strip() else "(empty)"
    return f"{formatting.when(note.created_at)} — {first[:60]}"


class ProcessNotesTab(QWidget):
    def __init__(self, drafts: HeldDrafts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._drafts = drafts
        drafts.register(self)
        self._vault: OpenVault | None = None
        self._client_id: str | None = None
        self._note_id: str | None = None
        self._loading = False
        self._autosave = AutosaveClock(self._save, self)
        banner = named(
            label(
                "Private process notes. They are kept apart from the clinical record and are "
                "never printed, exported or shown in search unless you ask for them explicitly.",
                wrap=True,
            ),
            "About process notes",
        )
        banner.setStyleSheet("padding: 8px; border: 1px dashed palette(mid); border-radius: 4px;")
        self.model = TableModel[PsychotherapyNote](
            [Column("Note", _first_line)], lambda note: note.id, self
        )
        self.list = named(QListView(), "Process notes")
        self.list.setModel(self.model)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.selectionModel().selectionChanged.connect(self._selection_changed)
        self.new_button = named(QPushButton(icon("add"), "New process note"), "New process note")
        self.new_button.clicked.connect(self.new_note)
        self.editor = named(QPlainTextEdit(), "Process note text")
        self.editor.setPlaceholderText(
            "Choose a process note on the left, or start a new one with “New process note”."
        )
        self.editor.setTabChangesFocus(True)
        self.editor.setEnabled(False)
        self.editor.textChanged.connect(self._changed)
        self.status = named(label("", "muted"), "Process note status")
        self.empty = empty_state("No process notes for this client yet.")
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.list, 1)
        left_layout.addWidget(self.empty)
        left_layout.addWidget(self.new_button)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.editor, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.status)
        right_layout.addLayout(row)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(banner)
        layout.addWidget(splitter, 1)

    def attach(self, open_vault: OpenVault) -> None:
        self._vault = open_vault

    def _key(self) -> DraftKey:
        return ("process", self._note_id or f"new:{self._client_id}")

    def hand_over(self) -> None:
        """Save what is typed; if that fails, hand it to HeldDrafts, never drop it."""
        client_id, note_id = self._client_id, self._note_id
        if client_id is not None and self._autosave.dirty and not self._autosave.flush():
            text = self.editor.toPlainText()
            self._drafts.hold(
                HeldDraft(
                    self._key(),
                    (client_id, note_id, text),
                    lambda vault: vault.save_process_note(client_id, text, note_id),
                    "a process note",
                    self.status.text().removeprefix("Not saved: "),
                )
            )
        self._autosave.forget()

    def show_client(self, client_id: str | None) -> None:
        self.hand_over()
        self._client_id = client_id
        self._note_id = None
        self._set_text("", enabled=False)
        self.reload()
        if client_id is not None and self._drafts.get(self._key()) is not None:
            self._resume_held()

    def _resume_held(self) -> bool:
        """Put a draft held since it failed to save back in the editor."""
        held = self._drafts.take(self._key())
        if held is None:
            return False
        _client_id, _note_id, text = held.payload
        self._set_text(text, enabled=True)
        self.status.setText(f"Not saved yet: {held.error}")
        self._autosave.changed()
        return True

    def reload(self) -> None:
        if self._vault is None or self._client_id is None:
            self.model.clear()
            return
        notes = psychotherapy_notes.list_psychotherapy_notes(self._vault.vault, self._client_id)
        self.model.set_rows(notes)
        self.empty.setVisible(not notes)

    def _set_text(self, text: str, *, enabled: bool) -> None:
        self._loading = True
        try:
            self.editor.setPlainText(text)
        finally:
            self._loading = False
        self.editor.setEnabled(enabled)

    def new_note(self) -> None:
        self.hand_over()
        self.list.clearSelection()
        self._note_id = None
        self._set_text("", enabled=self._client_id is not None)
        if not self._resume_held():
            self.status.setText("New process note")
        self.editor.setFocus()

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        note = self.model.chosen_in(self.list)
        if note is None or note.id == self._note_id:
            return
        self.hand_over()
        self._note_id = note.id
        if not self._resume_held():
            self._set_text(note.text, enabled=True)
            self.status.setText(f"Saved {formatting.when(note.updated_at)}")

    def _changed(self) -> None:
        if not self._loading and self._client_id is not None:
            self.status.setText("Editing…")
            self._autosave.changed()

    def _save(self) -> bool:
        vault, client_id = self._vault, self._client_id
        if vault is None or client_id is None:
            return True
        try:
            note = vault.save_process_note(client_id, self.editor.toPlainText(), self._note_id)
        except SAVE_ERRORS as error:
            self.status.setText(f"Not saved: {save_error_text(error)}")
            return False
        self._note_id = note.id
        notes = [row for row in self.model.rows() if row.id != note.id] + [note]
        self.model.set_rows(sorted(notes, key=lambda row: row.created_at, reverse=True))
        self.list.selectionModel().blockSignals(True)
        self.list.setCurrentIndex(self.model.index(self.model.row_of(note.id), 0))
        self.list.selectionModel().blockSignals(False)
        self.empty.hide()
        self.status.setText(f"Saved {formatting.clock(note.updated_at)}")
        return True

    def flush(self) -> bool:
        return self._autosave.flush()

    def clear(self) -> None:
        self.hand_over()
        self._set_text("", enabled=False)
        self.model.clear()
        self.status.setText("")
        self._client_id = None
        self._note_id = None
        self._vault = None
