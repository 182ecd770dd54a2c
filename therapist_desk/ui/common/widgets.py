"""Small building blocks shared by the screens."""

from __future__ import annotations

import re
from typing import TypeVar

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHeaderView,
    QLabel,
    QLineEdit,
    QScrollArea,
    QTableView,
    QWidget,
)

W = TypeVar("W", bound=QWidget)


def named(widget: W, name: str, description: str = "") -> W:
    """Give a control the accessible name screen readers announce (and tests look for)."""
    widget.setAccessibleName(name)
    widget.setObjectName(re.sub(r"\W+", "_", name.lower()).strip("_"))
    if description:
        widget.setAccessibleDescription(description)
    return widget


def label(text: str, role: str = "", *, wrap: bool = False, selectable: bool = False) -> QLabel:
    widget = QLabel(text)
    if role:
        widget.setProperty("role", role)
    widget.setWordWrap(wrap)
    widget.setTextFormat(Qt.TextFormat.PlainText)
    if selectable:
        widget.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return widget


def heading(text: str) -> QLabel:
    return named(label(text, "heading"), text)


def subheading(text: str) -> QLabel:
    return label(text, "subheading")


def empty_state(text: str) -> QLabel:
    """A sentence that explains an empty place and what to do next."""
    widget = label(text, "empty", wrap=True)
    widget.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    return widget


def separator() -> QFrame:
    line = QFrame()
    line.setFrameShape(QFrame.Shape.HLine)
    line.setFrameShadow(QFrame.Shadow.Sunken)
    return line


class FieldAboveList(QLineEdit):
    """A filter or search box: the Down key moves on to the list below it."""

    moved_down = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Down:
            self.moved_down.emit()
            return
        super().keyPressEvent(event)


def scrolling(body: QWidget) -> QScrollArea:
    """A frameless scroll area around a page; not a tab stop itself, its contents are."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    area.setWidget(body)
    return area


#: Rows sampled when a column sizes itself to its contents; measuring all of a
#: 2,000-client list on every change would stall the window.
SIZE_SAMPLE_ROWS = 60


def record_table(name: str) -> QTableView:
    """A read-only table of records: whole rows selected, one at a time, quick to size."""
    table = named(QTableView(), name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.setShowGrid(False)
    table.setWordWrap(False)
    table.setTextElideMode(Qt.TextElideMode.ElideRight)
    header = table.horizontalHeader()
    header.setResizeContentsPrecision(SIZE_SAMPLE_ROWS)
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    return table


def select_row(table: QTableView, index: QModelIndex) -> bool:
    """Select (and scroll to) the row of `index`; False if the index is invalid (not shown)."""
    if not index.isValid():
        return False
    table.selectRow(index.row())
    table.scrollTo(index)
    return True


def focus_list(table: QTableView) -> None:
    """Down from a filter box: into the list, its first row chosen if none is."""
    table.setFocus()
    if table.model().rowCount() and not table.selectionModel().hasSelection():
        table.selectRow(0)
