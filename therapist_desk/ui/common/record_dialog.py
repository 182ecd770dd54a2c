"""The dialog that edits one record: its form, a line saying what is wrong, Save and Cancel."""

from __future__ import annotations

from typing import Generic, TypeVar

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLayout, QVBoxLayout, QWidget

from therapist_desk.ui.common.saving import saved_or_explained
from therapist_desk.ui.common.widgets import label, named

SavedT = TypeVar("SavedT")

_SAVE = QDialogButtonBox.StandardButton.Save
_CANCEL = QDialogButtonBox.StandardButton.Cancel


class RecordDialog(QDialog, Generic[SavedT]):
    """A dialog that edits one record (`what`: "diagnosis").

    Save runs `precheck()`, then `store()`; the dialog closes only once the record is
    stored, and holds it in `saved`. A problem the precheck finds, a refusal from the
    vault or a failed write is explained (`explain`: in the problems line), and what
    was typed stays, to be put right or tried again.

    A subclass builds its form, then calls `lay_out` with its parts, and says in
    `store()` how the record is saved.
    """

    #: Said after the reason a write failed (a subclass may word it for its form).
    kept = "What you typed is still here."

    def __init__(self, what: str, parent: QWidget | None = None, *, cancel_name: str = "") -> None:
        super().__init__(parent)
        self.saved: SavedT | None = None
        self.problems = named(label("", wrap=True), f"Problems with the {what}")
        self.buttons = QDialogButtonBox(_SAVE | _CANCEL)
        self.save_button = named(self.buttons.button(_SAVE), f"Save the {what}")
        cancel_name = cancel_name or f"Cancel the {what}"
        self.cancel_button = named(self.buttons.button(_CANCEL), cancel_name)
        self.buttons.accepted.connect(self.try_save)
        self.buttons.rejected.connect(self.reject)

    def lay_out(self, *parts: QWidget | QLayout, stretch: QWidget | None = None) -> None:
        """The dialog's parts from the top (the problems line among them, or else below
        them), then Save and Cancel; `stretch` takes the height to spare."""
        layout = QVBoxLayout(self)
        if not any(part is self.problems for part in parts):
            parts = (*parts, self.problems)
        for part in parts:
            if isinstance(part, QLayout):
                layout.addLayout(part)
            else:
                layout.addWidget(part, 1 if part is stretch else 0)
        layout.addWidget(self.buttons)

    def try_save(self) -> None:
        """Save: the precheck, then `store()`; the dialog closes once the record is stored."""
        if not self.precheck():
            return
        self.saved = saved_or_explained(self.store, self.explain, self.kept)
        if self.saved is not None:
            self.accept()

    def precheck(self) -> bool:
        """What the form can tell before the vault is asked (an answer missing, nobody
        chosen); False once it has said why not."""
        return True

    def store(self) -> SavedT:
        """Save the record as the form has it; raises if it cannot be saved."""
        raise NotImplementedError

    def explain(self, text: str) -> None:
        """Say why the record was not saved."""
        self.problems.setText(text)
