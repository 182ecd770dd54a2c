"""The locked window: a passphrase (or the recovery key) and nothing else."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from therapist_desk.ui.common.icons import icon
from therapist_desk.ui.common.widgets import heading, label, named
from therapist_desk.vault import Secret
from therapist_desk.vault.paths import VaultPaths


class UnlockScreen(QWidget):
    """Emits `unlock_requested(Secret)`; the window does the unlocking off the GUI thread."""

    unlock_requested = Signal(Secret)
    restore_requested = Signal()

    def __init__(self, paths: VaultPaths, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "Unlock")
        self.use_passphrase = named(QRadioButton("Passphrase"), "Unlock with the passphrase")
        self.use_recovery = named(QRadioButton("Recovery key"), "Unlock with the recovery key")
        self.use_passphrase.setChecked(True)
        self.use_passphrase.toggled.connect(self._mode_changed)
        self.secret = named(QLineEdit(), "Passphrase")
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret.returnPressed.connect(self._unlock)
        self.unlock_button = named(QPushButton(icon("unlock"), "Unlock"), "Unlock")
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self._unlock)
        self.busy = named(QProgressBar(), "Unlocking")
        self.busy.setRange(0, 0)
        self.busy.setMaximumHeight(6)
        self.busy.setTextVisible(False)
        self.busy.hide()
        self.message = named(label("", wrap=True), "Unlock message")
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.restore_button = named(
            QPushButton(icon("restore"), "Restore from a backup…"), "Restore from a backup"
        )
        self.restore_button.clicked.connect(self.restore_requested)
        restore_row = QHBoxLayout()
        restore_row.addStretch(1)
        restore_row.addWidget(self.restore_button)

        modes = QWidget()
        mode_row = QHBoxLayout(modes)
        mode_row.setContentsMargins(0, 0, 0, 0)
        mode_row.addWidget(self.use_passphrase)
        mode_row.addWidget(self.use_recovery)
        mode_row.addStretch(1)
        entry = QWidget()
        entry_row = QHBoxLayout(entry)
        entry_row.setContentsMargins(0, 0, 0, 0)
        entry_row.addWidget(self.secret, 1)
        entry_row.addWidget(self.unlock_button)

        column = QWidget()
        column.setMaximumWidth(460)
        layout = QVBoxLayout(column)
        layout.setSpacing(12)
        layout.addStretch(2)
        layout.addWidget(heading("Therapist Desk is locked"))
        layout.addWidget(label(f"Vault: {paths.data_dir}", "muted", wrap=True))
        layout.addWidget(modes)
        layout.addWidget(entry)
        layout.addWidget(self.busy)
        layout.addWidget(self.message)
        layout.addLayout(restore_row)
        layout.addStretch(3)
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(column, 2)
        outer.addStretch(1)

    def _mode_changed(self) -> None:
        recovery = self.use_recovery.isChecked()
        self.secret.clear()
        self.secret.setEchoMode(
            QLineEdit.EchoMode.Normal if recovery else QLineEdit.EchoMode.Password
        )
        self.secret.setPlaceholderText(
            "XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX" if recovery else ""
        )
        self.secret.setAccessibleName("Recovery key" if recovery else "Passphrase")
        self.message.setText("")
        self.secret.setFocus()

    def _unlock(self) -> None:
        text = self.secret.text()
        if not text or self.busy.isVisible():
            return
        secret = (
            Secret(recovery_key=text) if self.use_recovery.isChecked() else Secret(passphrase=text)
        )
        self.set_busy(True)
        self.message.setText("")
        self.unlock_requested.emit(secret)

    def set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        self.unlock_button.setEnabled(not busy)
        self.secret.setEnabled(not busy)
        self.restore_button.setEnabled(not busy)

    def failed(self, message: str) -> None:
        """Show why unlocking failed; the field keeps its text only for a mistyped key."""
        self.set_busy(False)
        self.message.setText(message)
        if self.use_passphrase.isChecked():
            self.secret.clear()
        self.secret.setFocus()

    def reset(self) -> None:
        self.set_busy(False)
        self.secret.clear()
        self.message.setText("")
        self.use_passphrase.setChecked(True)
        self.secret.setFocus()
