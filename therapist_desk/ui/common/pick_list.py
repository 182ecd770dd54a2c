"""A pick list the therapist can extend: checkable terms, with a field to add one."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLineEdit, QListView, QVBoxLayout, QWidget

from therapist_desk.ui.common.models import CheckableListModel
from therapist_desk.ui.common.widgets import named, subheading


class PickList(QWidget):
    """A checkable list of terms with a field to add one (techniques, approaches…)."""

    changed = Signal()
    term_added = Signal(str)

    def __init__(self, title: str, noun: str) -> None:
        super().__init__()
        self.model = CheckableListModel(self)
        self.view = named(QListView(), title)
        self.view.setModel(self.model)
        self.view.setMinimumHeight(120)
        self.adder = named(QLineEdit(), f"Add {_article(noun)} {noun}")
        self.adder.setPlaceholderText(f"Add {_article(noun)} {noun}…")
        self.adder.returnPressed.connect(self._add)
        self.model.dataChanged.connect(lambda *_: self.changed.emit())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(subheading(title))
        layout.addWidget(self.view)
        layout.addWidget(self.adder)

    def _add(self) -> None:
        text = " ".join(self.adder.text().split())
        if text:
            self.adder.clear()
            self.term_added.emit(text)

    def set_editable(self, editable: bool) -> None:
        self.model.editable = editable
        self.adder.setEnabled(editable)


def _article(noun: str) -> str:
    return "an" if noun[:1].lower() in "aeiou" else "a"
