"""Changing the passphrase, and making a new recovery key, from the window."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QVBoxLayout,
    QWidget,
)

from therapist_desk.errors import WrongPassphrase
from therapist_desk.ui.common.dialogs import DialogService
from therapist_desk.ui.common.saving import SAVE_ERRORS, save_error_text
from therapist_desk.ui.common.widgets import label, named
from therapist_desk.ui.open_vault import OpenVault
from therapist_desk.ui.safekeeping.passphrase_fields import NewPassphraseFields, passphrase_field
from therapist_desk.ui.safekeeping.recovery_key_sheet import RecoveryKeySheet


class ChangePassphraseDialog(QDialog):
    """Asks for the current passphrase (unless opened with the recovery key), then a new one."""

    def __init__(
        self, vault: OpenVault, *, ask_current: bool = True, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._vault = vault
        self.setWindowTitle("Change the passphrase")
        self.setMinimumWidth(520)
        self.current = passphrase_field("Current passphrase")
        self.fields = NewPassphraseFields()
        self.problem = named(label("", wrap=True), "Problem with the passphrase")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Change passphrase")
        self.ok.setEnabled(False)
        self.fields.validity_changed.connect(self.ok.setEnabled)
        self.buttons.accepted.connect(self._change)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        intro = (
            "The new passphrase opens the vault from now on; the old one stops working. "
            "Nothing else changes, and your recovery key still works."
        )
        if not ask_current:
            intro = "You opened the vault with the recovery key. Choose a new passphrase. " + intro
        layout.addWidget(label(intro, wrap=True))
        if ask_current:
            form = QFormLayout()
            form.addRow("Current passphrase", self.current)
            layout.addLayout(form)
        else:
            self.current.hide()
        layout.addWidget(self.fields)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self._ask_current = ask_current

    def _change(self) -> None:
        current = self.current.text() if self._ask_current else None
        self.ok.setEnabled(False)
        self.problem.setText("Changing the passphrase…")
        self._vault.change_passphrase(self.fields.value(), current, self._changed, self._failed)

    def _changed(self, _result: object) -> None:
        self.current.clear()
        self.fields.clear()
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.ok.setEnabled(self.fields.valid)
        if isinstance(error, WrongPassphrase):
            self.problem.setText("The current passphrase is not right.")
            self.current.selectAll()
            self.current.setFocus()
        elif isinstance(error, SAVE_ERRORS):
            self.problem.setText(f"The passphrase was not changed: {save_error_text(error)}")
        else:
            self.problem.setText(f"The passphrase was not changed ({type(error).__name__}).")


class NewRecoveryKeyDialog(QDialog):
    """Make a new recovery key, show it once, and make sure it is kept."""

    def __init__(
        self, vault: OpenVault, dialogs: DialogService, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._vault = vault
        self.key = ""
        self.setWindowTitle("A new recovery key")
        self.setMinimumWidth(560)
        self.explain = label(
            "A new recovery key replaces the one you have: the old key will no longer open "
            "the vault (backups made before today still open with it). Make a new key if the "
            "old one was lost or seen by someone else.",
            wrap=True,
        )
        self.sheet = RecoveryKeySheet(vault.vault.paths.data_dir, dialogs)
        self.sheet.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Make a new key")
        self.buttons.accepted.connect(self._next)
        self.buttons.rejected.connect(self.reject)
        self.sheet.stored_changed.connect(lambda stored: self.ok.setEnabled(stored))
        self.problem = named(label("", wrap=True), "Problem with the recovery key")
        layout = QVBoxLayout(self)
        layout.addWidget(self.explain)
        layout.addWidget(self.sheet)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)

    def _next(self) -> None:
        if self.key:
            self.accept()
            return
        try:
            self.key = self._vault.new_recovery_key()
        except SAVE_ERRORS as error:
            self.problem.setText(f"No new key was made: {save_error_text(error)}")
            return
        self.explain.setText(
            "This is the new recovery key. It is shown only now; the old key no longer works. "
            "Print it or write it down and keep it away from this computer."
        )
        self.sheet.show_key(self.key)
        self.sheet.show()
        self.adjustSize()
        self.ok.setText("Done")
        self.ok.setEnabled(False)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).hide()

    def reject(self) -> None:
        if self.key and not self.sheet.stored.isChecked() and not self.property("closed_by_lock"):
            return  # the key is made: it must not vanish before it is written down
        self.sheet.clear()
        super().reject()

    def accept(self) -> None:
        self.sheet.clear()
        super().accept()
