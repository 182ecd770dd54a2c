"""Settings for keeping the records safe: backups, the passphrase, the recovery key, retention."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from therapist_desk.ui.common import formatting
from therapist_desk.ui.common.dialogs import DialogService
from therapist_desk.ui.common.saving import SAVE_ERRORS, save_error_text
from therapist_desk.ui.common.widgets import label, named, subheading
from therapist_desk.ui.open_vault import OpenVault
from therapist_desk.ui.safekeeping.passphrase_dialogs import (
    ChangePassphraseDialog,
    NewRecoveryKeyDialog,
)
from therapist_desk.vault import backups
from therapist_desk.vault import settings as vault_settings


def moment(value: datetime | None, today: date | None = None) -> str:
    """ "today at 09:10", "yesterday at 18:30", or the date and time; "never" for none."""
    if value is None:
        return "never"
    local = value.astimezone()
    today = today or date.today()
    if local.date() == today:
        return f"today at {local:%H:%M}"
    if local.date() == today - timedelta(days=1):
        return f"yesterday at {local:%H:%M}"
    return f"{formatting.day(local.date())} at {local:%H:%M}"


class SafekeepingPanel(QWidget):
    def __init__(self, dialogs: DialogService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._dialogs = dialogs
        self._vault: OpenVault | None = None
        self.folder = named(label("", selectable=True, wrap=True), "Backup folder")
        self.choose = named(QPushButton("Choose folder…"), "Choose the backup folder")
        self.choose.clicked.connect(self._choose_folder)
        self.kept = named(QSpinBox(), "Automatic backups kept")
        self.kept.setRange(1, 365)
        self.kept.setSuffix(" automatic backups")
        self.kept.setMaximumWidth(220)
        self.kept.valueChanged.connect(self._kept_changed)
        self.back_up = named(QPushButton("Back up now"), "Back up now")
        self.back_up.clicked.connect(self.back_up_now)
        self.check = named(QPushButton("Check the latest backup"), "Check the latest backup")
        self.check.clicked.connect(self.check_latest)
        self.last_backup = named(label("", wrap=True), "Last backup")
        self.last_verified = named(label("", wrap=True), "Last backup check")
        self.backup_status = named(label("", wrap=True), "Backup status")
        self.change_passphrase = named(
            QPushButton("Change the passphrase…"), "Change the passphrase"
        )
        self.change_passphrase.clicked.connect(lambda: self.ask_new_passphrase(ask_current=True))
        self.new_key = named(QPushButton("Make a new recovery key…"), "Make a new recovery key")
        self.new_key.clicked.connect(self._new_recovery_key)
        self.retention = named(QSpinBox(), "Years to keep records after the last session")
        self.retention.setRange(1, 100)
        self.retention.setSuffix(" years")
        self.retention.setMaximumWidth(220)
        self.retention.valueChanged.connect(self._retention_changed)

        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(self.choose)
        actions = QHBoxLayout()
        actions.addWidget(self.back_up)
        actions.addWidget(self.check)
        actions.addStretch(1)
        form = QFormLayout()
        form.addRow("Folder", folder_row)
        form.addRow("Keep the last", self.kept)
        form.addRow("Last backup", self.last_backup)
        form.addRow("Last checked", self.last_verified)
        secrets = QHBoxLayout()
        secrets.addWidget(self.change_passphrase)
        secrets.addWidget(self.new_key)
        secrets.addStretch(1)
        retention_form = QFormLayout()
        retention_form.addRow("Keep records", self.retention)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(subheading("Backups"))
        layout.addWidget(
            label(
                "Backups are encrypted copies of the vault, made while you work. Keep them on "
                "another drive. A backup opens with the passphrase of the day it was made, or "
                "with your recovery key. An automatic backup is made when you close the "
                "program, at most once a day.",
                "muted",
                wrap=True,
            )
        )
        layout.addLayout(form)
        layout.addLayout(actions)
        layout.addWidget(self.backup_status)
        layout.addWidget(subheading("Passphrase and recovery key"))
        layout.addLayout(secrets)
        layout.addWidget(subheading("How long records are kept"))
        layout.addWidget(
            label(
                "At least this long after the last session, and for a client seen as a minor, "
                "at least three years after they came of age. Nothing is deleted by itself: "
                "the Retention page lists who has passed their date.",
                "muted",
                wrap=True,
            )
        )
        layout.addLayout(retention_form)

    def attach(self, open_vault: OpenVault) -> None:
        self._vault = open_vault
        self.refresh()

    def refresh(self) -> None:
        vault = self._vault
        if vault is None:
            return
        state = vault_settings.backup_state(vault.vault)
        self.folder.setText(str(state.folder) if state.folder else "Not chosen yet")
        self.kept.blockSignals(True)
        self.kept.setValue(state.kept)
        self.kept.blockSignals(False)
        self.last_backup.setText(moment(state.last_backup_at, vault.today()))
        self.last_verified.setText(moment(state.last_verified_at, vault.today()))
        self.back_up.setEnabled(state.folder is not None)
        self.check.setEnabled(state.last_backup_file is not None)
        self.retention.blockSignals(True)
        self.retention.setValue(vault_settings.retention_years(vault.vault))
        self.retention.blockSignals(False)

    def _choose_folder(self) -> None:
        vault = self._vault
        if vault is None:
            return
        folder = self._dialogs.choose_folder(self, "Choose where backups go")
        if folder is None:
            return
        self._saved_or_warned(lambda: vault.choose_backup_folder(folder))
        self.refresh()

    def _kept_changed(self, value: int) -> None:
        vault = self._vault
        if vault is not None:
            self._saved_or_warned(lambda: vault.keep_backups(value))

    def _retention_changed(self, value: int) -> None:
        vault = self._vault
        if vault is not None:
            self._saved_or_warned(lambda: vault.keep_records_for(value))

    def _saved_or_warned(self, save: Callable[[], None]) -> None:
        try:
            save()
        except SAVE_ERRORS as error:
            self._dialogs.warn(self, "The setting was not saved", save_error_text(error))
            self.refresh()  # back to what the vault holds

    def back_up_now(self) -> None:
        vault = self._vault
        if vault is None:
            return
        folder = vault_settings.backup_state(vault.vault).folder
        if folder is None:
            self._dialogs.warn(self, "No backup folder", "Choose a folder for backups first.")
            return
        self.back_up.setEnabled(False)
        self.backup_status.setText("Making a backup…")

        def done(made: Path) -> None:
            self.backup_status.setText(f"Backed up to {made}.")
            self.refresh()

        vault.back_up(folder, done, self._failed)

    def check_latest(self) -> None:
        vault = self._vault
        if vault is None:
            return
        latest = vault_settings.backup_state(vault.vault).last_backup_file
        if latest is None:
            return
        self.check.setEnabled(False)
        self.backup_status.setText(f"Checking {latest.name}…")
        store = vault.vault
        key = store.keys.data_key()

        def done(problems: object) -> None:
            self.check.setEnabled(True)
            if problems:
                count = len(problems) if isinstance(problems, list) else 0
                self.backup_status.setText(
                    f"The backup {latest.name} has problems ({count}): make a new one "
                    "now, and keep the older backups."
                )
                return
            try:
                vault.record_backup_checked(Path(latest))
            except SAVE_ERRORS as error:
                self._failed(error)
                return
            self.backup_status.setText(f"{latest.name} is whole: every value reads back.")
            self.refresh()

        vault.in_background(lambda: backups.verify_backup(latest, data_key=key), done, self._failed)

    def _failed(self, error: BaseException) -> None:
        self.refresh()
        message = save_error_text(error) if isinstance(error, SAVE_ERRORS) else type(error).__name__
        self.backup_status.setText(message)
        self._dialogs.warn(self, "Backup", message)

    def ask_new_passphrase(self, *, ask_current: bool) -> ChangePassphraseDialog | None:
        """Open the passphrase dialog over the window (without blocking); returns it."""
        if self._vault is None:
            return None
        dialog = ChangePassphraseDialog(self._vault, ask_current=ask_current, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(
            lambda: self._dialogs.inform(
                self, "Passphrase changed", "Use the new passphrase from now on."
            )
        )
        dialog.open()
        return dialog

    def _new_recovery_key(self) -> None:
        if self._vault is None:
            return
        NewRecoveryKeyDialog(self._vault, self._dialogs, self).exec()

    def clear(self) -> None:
        self.folder.clear()
        self.last_backup.clear()
        self.last_verified.clear()
        self.backup_status.clear()
        self._vault = None
