"""First run: choose a passphrase, keep the recovery key, describe the practice."""

from __future__ import annotations

import html
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from therapist_desk.errors import TherapistDeskError
from therapist_desk.paths import VaultPaths
from therapist_desk.safe_files import write_file_atomically
from therapist_desk.ui.dialogs import DialogService
from therapist_desk.ui.passphrase_fields import NewPassphraseFields
from therapist_desk.ui.practice_form import PracticeForm
from therapist_desk.ui.widgets import heading, label, named

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
    recovery_key_stored = Signal()
    practice_saved = Signal(object)

    def __init__(
        self, paths: VaultPaths, dialogs: DialogService, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._paths = paths
        self._dialogs = dialogs
        self._recovery_key = ""
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
            )
        )

        # 2. The recovery key.
        self.key_label = named(QLabel(), "Recovery key")
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setPointSize(16)
        mono.setWeight(QFont.Weight.DemiBold)
        self.key_label.setFont(mono)
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.key_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.key_label.setWordWrap(True)
        self.print_button = named(QPushButton("Print…"), "Print the recovery key")
        self.save_button = named(QPushButton("Save to a file…"), "Save the recovery key to a file")
        self.print_button.clicked.connect(self._print_key)
        self.save_button.clicked.connect(self._save_key)
        buttons = QWidget()
        row = QHBoxLayout(buttons)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.print_button)
        row.addWidget(self.save_button)
        row.addStretch(1)
        self.stored = named(
            QCheckBox("I have printed or written down the recovery key and put it somewhere safe"),
            "I have stored the recovery key",
        )
        self.key_continue = named(
            QPushButton("Continue"), "Continue after storing the recovery key"
        )
        self.key_continue.setEnabled(False)
        self.stored.toggled.connect(self.key_continue.setEnabled)
        self.key_continue.clicked.connect(self._key_done)
        self.key_status = named(label("", "muted", wrap=True), "Recovery key status")
        self.addWidget(
            _page(
                heading("Your recovery key"),
                label(
                    "If you ever forget your passphrase, this key is the only way into your "
                    "records. It is shown only now. Print it or write it down and keep it "
                    "away from this computer, with your other important papers.",
                    wrap=True,
                ),
                self.key_label,
                buttons,
                self.key_status,
                self.stored,
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
        self._recovery_key = key
        self.key_label.setText(key)
        self.setCurrentIndex(1)
        self.print_button.setFocus()

    # -- page 2 ---------------------------------------------------------------------

    def _key_text(self) -> str:
        return (
            "Therapist Desk recovery key\n\n"
            f"{self._recovery_key}\n\n"
            f"For the vault in {self._paths.data_dir}, created {date.today():%d %B %Y}.\n"
            "It opens the vault if the passphrase is forgotten. Keep it safe and private.\n"
        )

    def _print_key(self) -> None:
        body = "<br>".join(html.escape(line) for line in self._key_text().splitlines())
        heading_html = "<h2>Therapist Desk recovery key</h2>"
        key = html.escape(self._recovery_key)
        key_html = f"<p style='font-family: monospace; font-size: 18pt'>{key}</p>"
        if self._dialogs.print_html(
            self, "Recovery key", heading_html + key_html + f"<p>{body}</p>"
        ):
            self.key_status.setText("The recovery key was sent to the printer.")

    def _save_key(self) -> None:
        target = self._dialogs.save_file(
            self, "Save the recovery key", "therapist-desk-recovery-key.txt", "Text files (*.txt)"
        )
        if target is None:
            return
        try:
            write_file_atomically(target, self._key_text().encode("utf-8"))
        except TherapistDeskError as error:
            self._dialogs.warn(self, "The recovery key was not saved", error.message)
            return
        self.key_status.setText(
            f"Saved to {target}. Move it off this computer (a USB stick in a safe place), "
            "then delete it here."
        )

    def _key_done(self) -> None:
        self._recovery_key = ""
        self.key_label.clear()
        self.setCurrentIndex(2)
        self.practice_form.practice_name.setFocus()
        self.recovery_key_stored.emit()

    # -- page 3 ---------------------------------------------------------------------

    def _practice_done(self) -> None:
        self.practice_error.setText("")
        self.practice_saved.emit(self.practice_form.profile())

    def practice_failed(self, message: str) -> None:
        self.practice_error.setText(message)

    def reset(self) -> None:
        self.fields.clear()
        self.practice_form.clear()
        self._recovery_key = ""
        self.key_label.clear()
        self.stored.setChecked(False)
        self.setCurrentIndex(0)
