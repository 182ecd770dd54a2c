"""What left the record, word for word: a letter or summary as it was sent, read-only."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from therapist_desk.domain.records import Disclosure
from therapist_desk.ui.common import formatting
from therapist_desk.ui.common.widgets import label, named


class SentTextDialog(QDialog):
    """The text of one disclosure, to read (and select, to quote), never to change."""

    def __init__(self, disclosure: Disclosure, recipient: str, parent: QWidget | None = None):
        super().__init__(parent)
        named(self, "What was sent")
        details = disclosure.details
        what = details.what or "What was sent"
        self.setWindowTitle(f"{what[:1].upper()}{what[1:]} — as sent")
        facts = [formatting.when(disclosure.occurred_at)]
        if recipient:
            facts.append(f"to {recipient}")
        if details.how:
            facts.append(details.how)
        self.facts = named(label(" · ".join(facts), "muted", wrap=True), "Sent when, to whom, how")
        self.text = named(QPlainTextEdit(), "The text that was sent")
        self.text.setReadOnly(True)
        self.text.setPlainText(details.content)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.close_button = named(buttons.button(QDialogButtonBox.StandardButton.Close), "Close")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.facts)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
        self.resize(640, 560)

    def done(self, result: int) -> None:
        # A closed dialog may linger until Qt deletes it; the client's words should not.
        self.text.clear()
        super().done(result)
