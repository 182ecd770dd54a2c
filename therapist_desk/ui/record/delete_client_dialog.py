"""Deleting a client for good: a specific, typed confirmation, then a purge."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from therapist_desk.domain.records import Client
from therapist_desk.records.retention import ClientDeleted
from therapist_desk.ui.common.saving import SAVE_ERRORS, save_error_text
from therapist_desk.ui.common.widgets import label, named
from therapist_desk.ui.held_drafts import HeldDrafts
from therapist_desk.ui.open_vault import OpenVault


class DeleteClientDialog(QDialog):
    """The Delete button wakes only when the client's full legal name is typed."""

    def __init__(
        self,
        vault: OpenVault,
        client: Client,
        drafts: HeldDrafts,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._vault = vault
        self._client = client
        self._drafts = drafts
        #: Sessions removed with the client, once deleted.
        self.deleted: ClientDeleted | None = None
        legal_name = client.details.legal_name
        self.setWindowTitle("Delete a client permanently")
        explain = label(
            f"This deletes {legal_name} and everything that is only theirs: contacts, "
            "referrals, progress notes with their addenda, process notes, and the sessions "
            "only they attended. Sessions they shared keep the other attendees. The vault is "
            "then compacted so that nothing of the record is left in its files.\n\n"
            "This cannot be undone. Backups made before now still hold the record. The audit "
            "trail keeps a line saying a client was deleted, without their name.",
            wrap=True,
        )
        self.confirmation = named(QLineEdit(), "Type the client's full legal name to confirm")
        self.confirmation.textChanged.connect(self._typed)
        self.busy = named(QProgressBar(), "Deleting")
        self.busy.setRange(0, 0)
        self.busy.setMaximumHeight(6)
        self.busy.setTextVisible(False)
        self.busy.hide()
        self.problem = named(label("", wrap=True), "Problem deleting the client")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.delete = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.delete.setText("Delete permanently")
        self.delete.setEnabled(False)
        self.delete.setAutoDefault(False)
        self.delete.setDefault(False)
        self.cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.cancel.setDefault(True)
        self.buttons.accepted.connect(self._delete)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(label(f"To confirm, type their full legal name, {legal_name}:", wrap=True))
        form.addRow("Full legal name", self.confirmation)
        layout = QVBoxLayout(self)
        layout.addWidget(explain)
        layout.addLayout(form)
        layout.addWidget(self.busy)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)
        self.confirmation.setFocus()

    def _matches(self) -> bool:
        return self.confirmation.text().strip() == self._client.details.legal_name.strip()

    def _typed(self) -> None:
        self.delete.setEnabled(self._matches() and not self.busy.isVisible())
        self.problem.clear()

    def _delete(self) -> None:
        if not self._matches() or self.busy.isVisible():
            return
        if self._drafts:
            # A held draft may belong to this client; deleting waits until it is saved.
            self.problem.setText(
                "Some drafts are not saved yet (see the status bar). Delete the client once "
                "they are saved."
            )
            return
        self.busy.show()
        self.delete.setEnabled(False)
        self.confirmation.setEnabled(False)
        self.cancel.setEnabled(False)
        self._vault.delete_client(
            self._client.id, self.confirmation.text(), self._deleted, self._failed
        )

    def _deleted(self, deleted: ClientDeleted) -> None:
        self.deleted = deleted
        self.busy.hide()
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.busy.hide()
        self.confirmation.setEnabled(True)
        self.cancel.setEnabled(True)
        self._typed()
        reason = (
            save_error_text(error)
            if isinstance(error, SAVE_ERRORS)
            else (f"an unexpected problem ({type(error).__name__})")
        )
        self.problem.setText(f"The client was not deleted: {reason}")

    def reject(self) -> None:
        if self.busy.isVisible() and not self.property("closed_by_lock"):
            return  # the deletion is under way; it finishes in moments
        super().reject()


def deletion_text(deleted: ClientDeleted) -> str:
    """What the therapist is told once a client is deleted."""
    removed = deleted.sessions_removed
    said = (
        f"The client and {removed} session{'s' if removed != 1 else ''} of their own were deleted"
    )
    if deleted.compaction_problem:
        return (
            f"{said}. The vault could not be compacted afterwards "
            f"({deleted.compaction_problem}); their old data was overwritten as it was "
            "deleted, and the rest is cleared when the vault is locked."
        )
    return f"{said}, and the vault was compacted."
