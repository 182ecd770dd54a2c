"""A date field that may be left empty (a date of birth not yet known, say)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import QCheckBox, QDateEdit, QHBoxLayout, QWidget

from therapist_desk.ui.common.widgets import named

DISPLAY_FORMAT = "d MMM yyyy"


def qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


class OptionalDateEdit(QWidget):
    changed = Signal()

    def __init__(
        self, name: str, default: date | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.known = named(QCheckBox(), f"{name} is known")
        self.editor = named(QDateEdit(), name)
        self.editor.setCalendarPopup(True)
        self.editor.setDisplayFormat(DISPLAY_FORMAT)
        self.editor.setDate(qdate(default or date.today()))
        self.editor.setEnabled(False)
        self.known.toggled.connect(self.editor.setEnabled)
        self.known.toggled.connect(lambda _on: self.changed.emit())
        self.editor.dateChanged.connect(lambda _value: self.changed.emit())
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.known)
        layout.addWidget(self.editor, 1)
        self.setFocusProxy(self.known)

    def value(self) -> date | None:
        if not self.known.isChecked():
            return None
        chosen = self.editor.date()
        return date(chosen.year(), chosen.month(), chosen.day())

    def set_value(self, value: date | None) -> None:
        self.known.setChecked(value is not None)
        if value is not None:
            self.editor.setDate(qdate(value))
