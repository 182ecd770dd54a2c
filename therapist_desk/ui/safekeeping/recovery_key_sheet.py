"""A recovery key shown once: large, selectable, printable, savable, and confirmed kept."""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from therapist_desk.errors import TherapistDeskError
from therapist_desk.ui.common.dialogs import DialogService
from therapist_desk.ui.common.widgets import label, named
from therapist_desk.vault.safe_files import write_file_atomically


class RecoveryKeySheet(QWidget):
    """Emits `stored_changed(bool)` when the "I have kept it" box is ticked or cleared."""

    stored_changed = Signal(bool)

    def __init__(
        self, data_dir: Path, dialogs: DialogService, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._data_dir = data_dir
        self._dialogs = dialogs
        self._key = ""
        self.key_label = named(QLabel(), "Recovery key")
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setPointSize(16)
        mono.setWeight(QFont.Weight.DemiBold)
        self.key_label.setFont(mono)
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.key_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.key_label.setWordWrap(True)
        # Room for the key on two lines, should a narrow window wrap it.
        self.key_label.setMinimumHeight(self.key_label.fontMetrics().lineSpacing() * 2 + 8)
        self.print_button = named(QPushButton("Print…"), "Print the recovery key")
        self.save_button = named(QPushButton("Save to a file…"), "Save the recovery key to a file")
        self.print_button.clicked.connect(self._print)
        self.save_button.clicked.connect(self._save)
        self.stored = named(
            QCheckBox("I have printed or written down the recovery key and put it somewhere safe"),
            "I have stored the recovery key",
        )
        self.stored.toggled.connect(self.stored_changed)
        self.status = named(label("", "muted", wrap=True), "Recovery key status")
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.print_button)
        row.addWidget(self.save_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.key_label)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addWidget(self.stored)

    def show_key(self, key: str) -> None:
        self._key = key
        self.key_label.setText(key)
        self.stored.setChecked(False)
        self.status.clear()

    def clear(self) -> None:
        self._key = ""
        self.key_label.clear()
        self.status.clear()
        self.stored.setChecked(False)

    def _text(self) -> str:
        return (
            "Therapist Desk recovery key\n\n"
            f"{self._key}\n\n"
            f"For the vault in {self._data_dir}, made {date.today():%d %B %Y}.\n"
            "It opens the vault if the passphrase is forgotten. Keep it safe and private.\n"
        )

    def _print(self) -> None:
        body = "<br>".join(html.escape(line) for line in self._text().splitlines())
        heading_html = "<h2>Therapist Desk recovery key</h2>"
        key_html = (
            f"<p style='font-family: monospace; font-size: 18pt'>{html.escape(self._key)}</p>"
        )
        if self._dialogs.print_html(
            self, "Recovery key", heading_html + key_html + f"<p>{body}</p>"
        ):
            self.status.setText("The recovery key was sent to the printer.")

    def _save(self) -> None:
        target = self._dialogs.save_file(
            self, "Save the recovery key", "therapist-desk-recovery-key.txt", "Text files (*.txt)"
        )
        if target is None:
            return
        try:
            write_file_atomically(target, self._text().encode("utf-8"))
        except TherapistDeskError as error:
            self._dialogs.warn(self, "The recovery key was not saved", error.message)
            return
        self.status.setText(
            f"Saved to {target}. Move it off this computer (a USB stick in a safe place), "
            "then delete it here."
        )
