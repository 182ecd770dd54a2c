"""Restoring a backup into this vault's folder, from the unlock screen or on first run."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from therapist_desk.errors import TherapistDeskError
from therapist_desk.ui.background import BackgroundRunner
from therapist_desk.ui.common.dialogs import DialogService
from therapist_desk.ui.common.widgets import label, named
from therapist_desk.vault import Secret, backups
from therapist_desk.vault.lock import VaultLock
from therapist_desk.vault.paths import VaultPaths

RECOVERY_KEY_PATTERN = "XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX"
BACKUP_FILTER = "Therapist Desk backups (*.vault *.sqlite3);;All files (*)"


class RestoreDialog(QDialog):
    """Choose a backup, open it with its passphrase or the recovery key, bring it back.

    The backup is checked whole before anything changes. A vault already in
    the folder is replaced only with the box ticked, and is kept beside the
    restored one under a dated name.
    """

    def __init__(
        self,
        paths: VaultPaths,
        runner: BackgroundRunner,
        dialogs: DialogService,
        lock: VaultLock | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._paths = paths
        self._runner = runner
        self._dialogs = dialogs
        self._lock = lock
        self._busy = False
        self.backup: Path | None = None
        #: Where the replaced vault was kept, once restored over one.
        self.kept: Path | None = None
        self.setWindowTitle("Restore from a backup")
        self.setMinimumWidth(560)

        self.file_label = named(label("No backup chosen", "muted", wrap=True), "Chosen backup")
        self.choose = named(QPushButton("Choose backup…"), "Choose the backup file")
        self.choose.clicked.connect(self._choose)
        self.use_passphrase = named(
            QRadioButton("Passphrase of the backup"), "Open the backup with its passphrase"
        )
        self.use_recovery = named(
            QRadioButton("Recovery key"), "Open the backup with the recovery key"
        )
        self.use_passphrase.setChecked(True)
        self.use_passphrase.toggled.connect(self._mode_changed)
        self.secret = named(QLineEdit(), "Passphrase of the backup")
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret.textChanged.connect(self._update)
        self.replace = named(
            QCheckBox("Replace the vault in this folder (it is kept beside, not deleted)"),
            "Replace the current vault",
        )
        self.replace.toggled.connect(self._update)
        self.replace.setVisible(paths.vault_exists())
        self.busy = named(QProgressBar(), "Restoring")
        self.busy.setRange(0, 0)
        self.busy.setMaximumHeight(6)
        self.busy.setTextVisible(False)
        self.busy.hide()
        self.problem = named(label("", wrap=True, selectable=True), "Problem restoring")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Check and restore")
        self.buttons.accepted.connect(self._restore)
        self.buttons.rejected.connect(self.reject)

        intro = (
            "The backup is checked value by value before anything changes; a damaged backup "
            "is refused. It opens with the passphrase that was in use when it was made, or "
            "with the recovery key of that day."
        )
        file_row = QHBoxLayout()
        file_row.addWidget(self.file_label, 1)
        file_row.addWidget(self.choose)
        modes = QHBoxLayout()
        modes.addWidget(self.use_passphrase)
        modes.addWidget(self.use_recovery)
        modes.addStretch(1)
        form = QFormLayout()
        form.addRow("Backup", file_row)
        form.addRow("Open with", modes)
        self.secret_label = label("Passphrase")
        form.addRow(self.secret_label, self.secret)
        layout = QVBoxLayout(self)
        layout.addWidget(label(intro, wrap=True))
        layout.addWidget(label(f"Restore into: {paths.data_dir}", "muted", wrap=True))
        layout.addLayout(form)
        layout.addWidget(self.replace)
        layout.addWidget(self.busy)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self._update()

    def _choose(self) -> None:
        chosen = self._dialogs.open_file(self, "Choose a backup", BACKUP_FILTER)
        if chosen is None:
            return
        self.backup = chosen
        self.file_label.setText(str(chosen))
        self.problem.clear()
        self._update()
        self.secret.setFocus()

    def _mode_changed(self) -> None:
        recovery = self.use_recovery.isChecked()
        self.secret.clear()
        self.secret.setEchoMode(
            QLineEdit.EchoMode.Normal if recovery else QLineEdit.EchoMode.Password
        )
        self.secret.setAccessibleName("Recovery key" if recovery else "Passphrase of the backup")
        self.secret_label.setText("Recovery key" if recovery else "Passphrase")
        self.secret.setPlaceholderText(
            "XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX" if recovery else ""
        )
        self.secret.setFocus()

    def _ready(self) -> bool:
        return (
            not self._busy
            and self.backup is not None
            and bool(self.secret.text())
            and (self.replace.isChecked() or not self._paths.vault_exists())
        )

    def _update(self) -> None:
        self.ok.setEnabled(self._ready())

    def _restore(self) -> None:
        if not self._ready() or self.backup is None:
            return
        text = self.secret.text()
        secret = (
            Secret(recovery_key=text) if self.use_recovery.isChecked() else Secret(passphrase=text)
        )
        backup, paths, lock = self.backup, self._paths, self._lock
        replace = self.replace.isChecked()
        self._set_busy(True)
        self.problem.setText("Checking the backup, then restoring it…")
        self._runner.run(
            lambda: backups.restore_backup(backup, paths, secret, replace=replace, lock=lock),
            self._restored,
            self._failed,
        )

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.busy.setVisible(busy)
        for control in (self.choose, self.secret, self.replace, self.use_passphrase):
            control.setEnabled(not busy)
        self.use_recovery.setEnabled(not busy)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setEnabled(not busy)
        self._update()

    def _restored(self, kept: object) -> None:
        self.kept = kept if isinstance(kept, Path) else None
        self.secret.clear()
        self._set_busy(False)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self._set_busy(False)
        if isinstance(error, TherapistDeskError):
            self.problem.setText(f"Not restored: {error.message}")
        else:
            self.problem.setText(
                f"Not restored: an unexpected problem ({type(error).__name__}). "
                "Nothing was changed."
            )
        if self.use_passphrase.isChecked():
            self.secret.selectAll()
        self.secret.setFocus()

    def reject(self) -> None:
        if self._busy:
            return  # the restore finishes in moments; leaving now would hide its result
        self.secret.clear()
        super().reject()
