"""The window: first run, unlock, the workspace, and locking.

The window holds the vault's process lock for its whole life, so a second
program cannot open the vault even while this one is locked.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from therapist_desk.errors import TherapistDeskError, VaultInUse
from therapist_desk.records import practice
from therapist_desk.ui.background import BackgroundRunner
from therapist_desk.ui.changes import Change, Kind
from therapist_desk.ui.clipboard_guard import ClipboardGuard
from therapist_desk.ui.common import theme
from therapist_desk.ui.common.dialogs import DialogService
from therapist_desk.ui.common.widgets import heading, label, named
from therapist_desk.ui.held_drafts import SAVE_ERRORS, HeldDrafts, save_error_text
from therapist_desk.ui.idle_lock import IdleWatcher
from therapist_desk.ui.locked.first_run import FirstRunScreen
from therapist_desk.ui.locked.unlock_screen import UnlockScreen
from therapist_desk.ui.open_vault import OpenVault
from therapist_desk.ui.safekeeping.restore_dialog import RestoreDialog
from therapist_desk.ui.safekeeping.safekeeping_panel import moment
from therapist_desk.ui.window_settings import WindowSettings
from therapist_desk.ui.workspace import Workspace
from therapist_desk.vault import NewVault, Secret, Vault, backups, create_vault, unlock_vault
from therapist_desk.vault import settings as vault_settings
from therapist_desk.vault.lock import VaultLock
from therapist_desk.vault.paths import VaultPaths

TITLE = "Therapist Desk"
DRAFT_RETRY_MS = 30_000
INDEX_BUILD_DELAY_MS = 400
MIN_WIDTH, MIN_HEIGHT = 1024, 640
DEFAULT_SIZE = (1280, 760)


def _user_message(error: BaseException) -> str:
    if isinstance(error, TherapistDeskError):
        return error.message
    return (
        f"Something unexpected went wrong ({type(error).__name__}). Nothing was changed. "
        "Try again; if it keeps happening, run `therapist-desk verify`."
    )


class MainWindow(QMainWindow):
    def __init__(
        self,
        paths: VaultPaths,
        settings: WindowSettings,
        dialogs: DialogService,
        *,
        kdf_params: object | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self.setMinimumSize(MIN_WIDTH, MIN_HEIGHT)
        self.paths = paths
        self.settings = settings
        self.dialogs = dialogs
        self.runner = BackgroundRunner(self)
        self._kdf_params = kdf_params
        self._lock: VaultLock | None = None
        self.open_vault: OpenVault | None = None
        self.drafts = HeldDrafts(self)
        self._new_vault: NewVault | None = None
        self._unlocked_with_recovery_key = False

        self.first_run = FirstRunScreen(paths, dialogs)
        self.unlock_screen = UnlockScreen(paths)
        self.workspace = Workspace(settings, dialogs, self.drafts)
        self.in_use = QWidget()
        self.in_use_message = named(label("", wrap=True), "Vault in use")
        in_use_layout = QVBoxLayout(self.in_use)
        in_use_layout.addStretch(1)
        in_use_layout.addWidget(heading("Therapist Desk is already open"))
        in_use_layout.addWidget(self.in_use_message)
        in_use_layout.addStretch(2)
        self.pages = QStackedWidget()
        for page in (self.first_run, self.unlock_screen, self.workspace, self.in_use):
            self.pages.addWidget(page)
        self.setCentralWidget(self.pages)

        self.status_saved = named(QLabel(""), "Last saved")
        self.status_unsaved = named(QLabel(""), "Drafts not saved yet")
        self.status_lock = named(QLabel(""), "Lock timer")
        self.status_backup = named(QLabel(""), "Last backup")
        self.statusBar().addWidget(self.status_saved)
        self.statusBar().addWidget(self.status_unsaved)
        self.statusBar().addWidget(self.status_backup)
        self.statusBar().addPermanentWidget(self.status_lock)
        self.drafts.changed.connect(self._drafts_changed)
        self._retry_drafts = QTimer(self)
        self._retry_drafts.setInterval(DRAFT_RETRY_MS)
        self._retry_drafts.timeout.connect(self._save_held_drafts)

        self.idle = IdleWatcher(settings.idle_minutes, self)
        self.idle.idle.connect(self.lock)
        self._application().installEventFilter(self.idle)
        self.clipboard = ClipboardGuard(QApplication.clipboard(), self)

        self.first_run.passphrase_chosen.connect(self._create)
        self.first_run.practice_saved.connect(self._practice_saved)
        self.unlock_screen.unlock_requested.connect(self._unlock)
        self.unlock_screen.restore_requested.connect(self.restore)
        self.first_run.restore_requested.connect(self.restore)
        self.workspace.lock_requested.connect(self.lock)
        self.workspace.settings.idle_minutes_changed.connect(self._idle_minutes_changed)
        lock_shortcut = QShortcut(QKeySequence("Ctrl+L"), self)
        lock_shortcut.activated.connect(self.lock)

        geometry = settings.geometry()
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(*DEFAULT_SIZE)
        self._start()

    @staticmethod
    def _application() -> QApplication:
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        return app

    # -- start -----------------------------------------------------------------------------

    def _start(self) -> None:
        self.paths.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._lock = VaultLock(self.paths.lock_file)
        try:
            self._lock.acquire()
        except VaultInUse as error:
            self._lock = None
            self.in_use_message.setText(error.message)
            self.pages.setCurrentWidget(self.in_use)
            return
        if self.paths.vault_exists():
            self._show_locked()
        else:
            self.pages.setCurrentWidget(self.first_run)
            self.first_run.fields.passphrase.setFocus()

    @property
    def process_lock(self) -> VaultLock | None:
        """The vault's lock, held by the window for its whole life."""
        return self._lock

    @property
    def is_unlocked(self) -> bool:
        return self.open_vault is not None

    # -- first run ---------------------------------------------------------------------------

    def _create(self, passphrase: str) -> None:
        paths, lock, params = self.paths, self._lock, self._kdf_params

        def work() -> NewVault:
            return create_vault(paths, passphrase, kdf_params=params, lock=lock)  # type: ignore[arg-type]

        self.runner.run(
            work, self._created, lambda error: self.first_run.creation_failed(_user_message(error))
        )

    def _created(self, new_vault: NewVault) -> None:
        self._new_vault = new_vault
        self.first_run.show_recovery_key(new_vault.recovery_key)

    def _practice_saved(self, profile: object) -> None:
        new_vault = self._new_vault
        if new_vault is None:
            return
        try:
            practice.save_profile(new_vault.vault, profile)  # type: ignore[arg-type]
        except TherapistDeskError as error:
            self.first_run.practice_failed(error.message)
            return
        self._new_vault = None
        self.first_run.reset()
        self.open_unlocked(new_vault.vault)

    # -- unlock and lock -----------------------------------------------------------------------

    def _show_locked(self) -> None:
        self.unlock_screen.reset()
        self.pages.setCurrentWidget(self.unlock_screen)
        self.setWindowTitle(TITLE)
        self.status_saved.setText("")
        self.status_backup.setText("")
        self.status_lock.setText("Locked")
        self.unlock_screen.secret.setFocus()

    def _unlock(self, secret: Secret) -> None:
        paths, lock = self.paths, self._lock

        def work() -> Vault:
            return unlock_vault(paths, secret, lock=lock)

        self._unlocked_with_recovery_key = secret.recovery_key is not None
        self.runner.run(
            work, self.open_unlocked, lambda error: self.unlock_screen.failed(_user_message(error))
        )

    def open_unlocked(self, vault: Vault) -> None:
        """Show the workspace for a vault just unlocked (or created)."""
        open_vault = OpenVault(vault, self.runner, self)
        self.open_vault = open_vault
        open_vault.changed.connect(self._saved)
        clients = open_vault.load_clients()
        self.workspace.attach(open_vault, clients, self.settings.privacy_mode)
        self.pages.setCurrentWidget(self.workspace)
        if self.drafts:
            self._save_held_drafts(announce=True)
        # The index build keeps a worker busy for seconds; let the window paint
        # and Today load first, so the two do not compete with the first look.
        # Tied to `open_vault`, so it never fires once that is gone (a lock, a closed window).
        QTimer.singleShot(
            INDEX_BUILD_DELAY_MS,
            open_vault,
            lambda: open_vault.start_index_build() if self.open_vault is open_vault else None,
        )
        self.clipboard.enabled = True
        self.idle.start()
        self._show_lock_timer()
        self.status_saved.setText("")
        self._show_backup_state()
        if self._unlocked_with_recovery_key:
            self._unlocked_with_recovery_key = False
            # The passphrase was forgotten or is in doubt: offer a new one straight away.
            QTimer.singleShot(0, self._ask_new_passphrase)

    def _ask_new_passphrase(self) -> None:
        if self.open_vault is not None:
            self.workspace.settings.safekeeping.ask_new_passphrase(ask_current=False)

    def lock(self) -> None:
        """Save the open draft, clear every view and close the vault.

        Only the unlock screen remains, whatever goes wrong on the way: a draft
        that cannot be saved is held in memory, and a vault that cannot be
        checkpointed is still closed.
        """
        open_vault = self.open_vault
        if open_vault is None:
            return
        try:
            self._close_dialogs()
            self.workspace.flush()
            self.workspace.clear()
        finally:
            self.clipboard.clear()
            self.clipboard.enabled = False
            self.idle.stop()
            self._retry_drafts.stop()
            self.open_vault = None
            try:
                open_vault.close()
            except SAVE_ERRORS as error:
                self.dialogs.warn(
                    self,
                    "The vault was locked, with a problem",
                    f"Closing the vault met a problem ({save_error_text(error)}). Everything "
                    "saved before is safe; run `therapist-desk verify` when convenient.",
                )
            open_vault.deleteLater()
            self._show_locked()

    def _close_dialogs(self) -> None:
        """Close any dialog still open over the window: it may show a client's details.

        Each is marked, so its owner can keep what was typed for next time.
        """
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QDialog) and widget.isVisible():
                widget.setProperty("closed_by_lock", True)
                widget.reject()

    # -- drafts that could not be saved ------------------------------------------------------

    def _save_held_drafts(self, announce: bool = False) -> None:
        if self.open_vault is None or not self.drafts:
            self._retry_drafts.stop()
            return
        remaining = self.drafts.save_all(self.open_vault)
        if not remaining:
            self._retry_drafts.stop()  # each save said "Saved" in the status bar
            return
        self._retry_drafts.start()
        if announce:
            self.dialogs.warn(
                self,
                "Some drafts are not saved yet",
                "These could not be saved, and are kept in memory until they can be:\n"
                + self.drafts.describe()
                + "\n\nThe program tries again every half minute.",
            )

    def _drafts_changed(self, count: int) -> None:
        if count and self.open_vault is not None and not self._retry_drafts.isActive():
            self._retry_drafts.start()
        self.status_unsaved.setText(
            f"{count} draft{'s' if count != 1 else ''} not saved yet" if count else ""
        )

    # -- status --------------------------------------------------------------------------------

    def _saved(self, change: Change) -> None:
        """The status bar says when the last change was committed, and how backups stand."""
        self.status_saved.setText(f"Saved {change.at.astimezone():%H:%M}")
        if change.touches(Kind.SAFEKEEPING):
            self._show_backup_state()

    def _show_backup_state(self) -> None:
        """'Backup: <when>', and a warning when the latest is a week old or there is none."""
        if self.open_vault is None:
            self.status_backup.setText("")
            return
        vault = self.open_vault.vault
        try:
            state = vault_settings.backup_state(vault)
        except SAVE_ERRORS:
            self.status_backup.setText("")
            return
        last = state.last_backup_at
        overdue = last is None or vault.now() - last >= backups.BACKUP_WARNING_AGE
        if last is None:
            text = "No backup yet: choose a backup folder in Settings"
        elif overdue:
            days = (vault.now() - last).days
            text = f"No backup for {days} days (last {moment(last, self.open_vault.today())})"
        else:
            text = f"Backup: {moment(last, self.open_vault.today())}"
        self.status_backup.setText(text)
        warning = f"color: {theme.risk_colours()[0]}; font-weight: 600;"
        self.status_backup.setStyleSheet(warning if overdue else "")

    def _idle_minutes_changed(self, minutes: int) -> None:
        self.idle.set_minutes(minutes)
        self._show_lock_timer()

    def _show_lock_timer(self) -> None:
        self.status_lock.setText(f"Locks after {self.idle.minutes} min idle")

    # -- restore -------------------------------------------------------------------------------

    def restore(self) -> None:
        """Bring a backup back into this vault's folder (only while locked or before creation)."""
        if self.open_vault is not None or self._lock is None:
            return
        dialog = RestoreDialog(self.paths, self.runner, self.dialogs, self._lock, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        kept = (
            f" The vault that was here is kept as {dialog.kept.name}, in the same folder."
            if dialog.kept is not None
            else ""
        )
        self.dialogs.inform(
            self,
            "Backup restored",
            "The backup was checked and restored. Unlock it with the passphrase it had when "
            f"it was made, or with the recovery key.{kept}",
        )
        self.first_run.reset()
        self._show_locked()

    # -- closing ---------------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._may_close():
            event.ignore()
            return
        self._automatic_backup()
        self.lock()
        if self._new_vault is not None:
            self._new_vault.vault.close()
            self._new_vault = None
        self.settings.save_geometry(self.saveGeometry())
        self.settings.sync()
        self.runner.shutdown()
        self._application().removeEventFilter(self.idle)
        if self._lock is not None:
            self._lock.release()
            self._lock = None
        super().closeEvent(event)

    def _automatic_backup(self) -> None:
        """On close, at most once a day, into the chosen folder; never a reason to stay open."""
        open_vault = self.open_vault
        if open_vault is None:
            return
        try:
            if not backups.automatic_backup_due(open_vault.vault):
                return
            folder = vault_settings.backup_state(open_vault.vault).folder
            assert folder is not None
            self.status_saved.setText("Making the daily backup…")
            self._application().setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                open_vault.back_up_automatically(folder)
            finally:
                self._application().restoreOverrideCursor()
        except SAVE_ERRORS as error:
            self.dialogs.warn(
                self,
                "The daily backup was not made",
                f"{save_error_text(error)}\n\nYour records are safe in the vault. Make a "
                "backup from Settings when the backup folder is available.",
            )

    def _may_close(self) -> bool:
        """Never close over text that is not saved: say what is held, and stay open."""
        if self.open_vault is not None:
            self.drafts.hand_over_all()
            if self.drafts:
                self.drafts.save_all(self.open_vault)
        if not self.drafts:
            return True
        where = "" if self.open_vault is not None else " Unlock the vault so they can be saved."
        self.dialogs.warn(
            self,
            "Not closing: some drafts are not saved yet",
            "These could not be saved, so the program stays open to keep them:\n"
            + self.drafts.describe()
            + f"\n\nFree some disk space if it is full, then close again.{where}",
        )
        return False
