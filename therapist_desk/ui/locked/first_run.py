"""First run: choose a passphrase, keep the recovery key, describe the practice."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from therapist_desk.domain.records import PracticeProfile
from therapist_desk.errors import InvalidInput
from therapist_desk.records import practice
from therapist_desk.ui.common.dialogs import DialogService
from therapist_desk.ui.common.practice_form import PracticeForm
from therapist_desk.ui.common.saving import save_error_text
from therapist_desk.ui.common.widgets import heading, label, named
from therapist_desk.ui.safekeeping.passphrase_fields import NewPassphraseFields
from therapist_desk.ui.safekeeping.recovery_key_sheet import RecoveryKeySheet
from therapist_desk.vault.paths import VaultPaths

_PAGE_WIDTH = 560


def _page(*widgets: QWidget, stretch_after: bool = True) -> QWidget:
    page = QWidget()
    outer = QHBoxLayout(page)
    column = QWidget()
    column.setMaximumWidth(_PAGE_WIDTH)
    layout = QVBoxLayout(column)
    layout.setSpacing(14)
    layout.addStretch(1)  # a little above the middle of the window
    for widget in widgets:
        layout.addWidget(widget)
    if stretch_after:
        layout.addStretch(2)
    outer.addStretch(1)
    outer.addWidget(column, 3)
    outer.addStretch(1)
    return page


class FirstRunScreen(QStackedWidget):
    """The three first-run pages; the window does the work each one asks for.

    Signals: `passphrase_chosen(str)`, `recovery_key_stored()`,
    `practice_saved(PracticeProfile)`.
    """

    passphrase_chosen = Signal(str)
    restore_requested = Signal()
    recovery_key_stored = Signal()
    practice_saved = Signal(PracticeProfile)

    def __init__(
        self, paths: VaultPaths, dialogs: DialogService, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._paths = paths
        self._dialogs = dialogs
        named(self, "First run")

        # 1. The passphrase.
        self.fields = NewPassphraseFields()
        self.create_button = named(QPushButton("Create my vault"), "Create my vault")
        self.create_button.setEnabled(False)
        self.create_button.setDefault(True)
        self.create_button.clicked.connect(self._create)
        self.fields.validity_changed.connect(self.create_button.setEnabled)
        self.fields.repeat.returnPressed.connect(self._create)
        self.busy = named(QProgressBar(), "Creating the vault")
        self.busy.setRange(0, 0)
        self.busy.hide()
        self.busy_label = label("Setting up encryption for this computer…", "muted")
        self.busy_label.hide()
        self.passphrase_error = named(label("", wrap=True), "First run error")
        intro = label(
            "Your records are kept in an encrypted vault on this computer. Choose the "
            "passphrase that opens it. It is never stored; if you forget it, only the "
            "recovery key you will see next can open the vault.",
            wrap=True,
        )
        where = label(f"The vault will be created in {paths.data_dir}.", "muted", wrap=True)
        self.restore_button = named(
            QPushButton("Restore from a backup instead…"), "Restore from a backup"
        )
        self.restore_button.setToolTip("Moving to a new computer? Bring your backup back here.")
        self.restore_button.clicked.connect(self.restore_requested)
        self.addWidget(
            _page(
                heading("Welcome to Therapist Desk"),
                intro,
                self.fields,
                self.create_button,
                self.busy,
                self.busy_label,
                self.passphrase_error,
                where,
                self.restore_button,
            )
        )

        # 2. The recovery key.
        self.key_sheet = RecoveryKeySheet(paths.data_dir, dialogs)
        self.key_label = self.key_sheet.key_label
        self.print_button = self.key_sheet.print_button
        self.save_button = self.key_sheet.save_button
        self.stored = self.key_sheet.stored
        self.key_continue = named(
            QPushButton("Continue"), "Continue after storing the recovery key"
        )
        self.key_continue.setEnabled(False)
        self.key_sheet.stored_changed.connect(self.key_continue.setEnabled)
        self.key_continue.clicked.connect(self._key_done)
        self.addWidget(
            _page(
                heading("Your recovery key"),
                label(
                    "If you ever forget your passphrase, this key is the only way into your "
                    "records. It is shown only now. Print it or write it down and keep it "
                    "away from this computer, with your other important papers.",
                    wrap=True,
                ),
                self.key_sheet,
                self.key_continue,
            )
        )

        # 3. The practice.
        self.practice_form = PracticeForm()
        self.practice_error = named(label("", wrap=True), "Practice profile error")
        self.practice_done = named(QPushButton("Save and start"), "Save the practice profile")
        self.practice_done.clicked.connect(self._practice_done)
        self.addWidget(
            _page(
                heading("Your practice"),
                label(
                    "These details head your letters and referral summaries. You can change "
                    "them later in Settings; leave blank what you do not need.",
                    wrap=True,
                ),
                self.practice_form,
                self.practice_error,
                self.practice_done,
            )
        )

    # -- page 1 ---------------------------------------------------------------------

    def _create(self) -> None:
        if not self.fields.valid:
            return
        self.create_button.setEnabled(False)
        self.busy.show()
        self.busy_label.show()
        self.passphrase_error.setText("")
        self.passphrase_chosen.emit(self.fields.value())

    def creation_failed(self, message: str) -> None:
        self.busy.hide()
        self.busy_label.hide()
        self.create_button.setEnabled(self.fields.valid)
        self.passphrase_error.setText(message)

    def show_recovery_key(self, key: str) -> None:
        self.fields.clear()
        self.busy.hide()
        self.busy_label.hide()
        self.key_sheet.show_key(key)
        self.setCurrentIndex(1)
        self.print_button.setFocus()

    # -- page 2 ---------------------------------------------------------------------

    def _key_done(self) -> None:
        self.key_sheet.clear()
        self.setCurrentIndex(2)
        self.practice_form.practice_name.setFocus()
        self.recovery_key_stored.emit()

    # -- page 3 ---------------------------------------------------------------------

    def _practice_done(self) -> None:
        profile = self.practice_form.profile()
        try:
            # Checked here, where the problems can be listed one a line; the window then only
            # meets what the vault itself refuses.
            practice.check_profile(profile)
        except InvalidInput as error:
            self.practice_error.setText(save_error_text(error))
            return
        self.practice_error.setText("")
        self.practice_saved.emit(profile)

    def practice_failed(self, message: str) -> None:
        self.practice_error.setText(message)

    def reset(self) -> None:
        self.fields.clear()
        self.practice_form.clear()
        self.key_sheet.clear()
        self.setCurrentIndex(0)
