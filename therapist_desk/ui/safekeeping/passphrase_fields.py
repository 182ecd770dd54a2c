"""Entering a new passphrase twice, with a strength meter and a clear minimum."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QFormLayout, QLineEdit, QProgressBar, QWidget

from therapist_desk.ui.common.widgets import label, named
from therapist_desk.vault import passphrase_policy


class NewPassphraseFields(QWidget):
    """Emits `validity_changed(bool)`: True when the passphrase is strong and repeated."""

    validity_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.passphrase = named(QLineEdit(), "New passphrase")
        self.repeat = named(QLineEdit(), "Repeat the passphrase")
        for field in (self.passphrase, self.repeat):
            field.setEchoMode(QLineEdit.EchoMode.Password)
            field.textChanged.connect(self._judge)
        self.show_text = named(QCheckBox("Show what I type"), "Show the passphrase")
        self.show_text.toggled.connect(self._show)
        self.meter = named(QProgressBar(), "Passphrase strength")
        self.meter.setRange(0, 4)
        self.meter.setTextVisible(False)
        self.meter.setMaximumHeight(8)
        self.advice = named(
            label(
                f"At least {passphrase_policy.MIN_LENGTH} characters and hard to guess. "
                "Four or five unrelated words are easy to remember and strong.",
                "muted",
                wrap=True,
            ),
            "Passphrase advice",
        )
        self.match = named(label("", "muted"), "Passphrase match")
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("Passphrase", self.passphrase)
        form.addRow("", self.meter)
        form.addRow("", self.advice)
        form.addRow("Repeat it", self.repeat)
        form.addRow("", self.match)
        form.addRow("", self.show_text)
        self._valid = False

    @property
    def valid(self) -> bool:
        return self._valid

    def value(self) -> str:
        return self.passphrase.text()

    def clear(self) -> None:
        self.passphrase.clear()
        self.repeat.clear()

    def _show(self, on: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if on else QLineEdit.EchoMode.Password
        self.passphrase.setEchoMode(mode)
        self.repeat.setEchoMode(mode)

    def _judge(self) -> None:
        text = self.passphrase.text()
        if text:
            strength = passphrase_policy.assess(text)
            self.meter.setValue(strength.score if strength.acceptable else min(strength.score, 2))
            self.advice.setText(strength.advice)
        else:
            strength = None
            self.meter.setValue(0)
        repeated = self.repeat.text()
        if not repeated:
            self.match.setText("")
        elif repeated == text:
            self.match.setText("The two match.")
        else:
            self.match.setText("The two passphrases differ.")
        valid = strength is not None and strength.acceptable and repeated == text
        if valid != self._valid:
            self._valid = valid
            self.validity_changed.emit(valid)


def passphrase_field(name: str) -> QLineEdit:
    field = named(QLineEdit(), name)
    field.setEchoMode(QLineEdit.EchoMode.Password)
    return field
