"""Choosing one professional from the directory, or adding one on the spot.

For any form that names a professional (a referral's recipient, say)::

    picker = ProfessionalPicker("Recipient", open_vault)
    picker.set_selected(referral.professional_id)      # or None for nobody yet
    picker.changed.connect(on_recipient_changed)       # gets the id, or None
    ...
    professional_id = picker.selected_id()             # None until someone is chosen

The picker is a filter box with a "New professional…" button beside it and a
short list below. Typing filters over every field (name, role, organisation,
address, phone, email) and selects the first match; with an empty filter
nobody is chosen for the therapist. "New professional…" opens the directory's
own dialog, with what was typed as the name, and chooses the new entry.
Enter in the filter box moves to the list rather than pressing the dialog's
default button. A picker that outlives a lock is given the new vault with
`attach()` and forgets everything with `clear()`.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from therapist_desk.domain.records import Professional
from therapist_desk.sharing import professionals
from therapist_desk.ui.common.icons import icon
from therapist_desk.ui.common.widgets import (
    FieldAboveList,
    empty_state,
    focus_list,
    named,
    record_table,
    select_row,
)
from therapist_desk.ui.open_vault import OpenVault
from therapist_desk.ui.professionals.professional_dialog import ProfessionalDialog
from therapist_desk.ui.professionals.professional_list import (
    ADDRESS,
    CLIENTS_REFERRED,
    EMAIL,
    NAME,
    ORGANISATION,
    PHONE,
    ProfessionalFilter,
    ProfessionalTableModel,
)


class _PickerField(FieldAboveList):
    """Enter moves to the list: in a dialog it must not press Save by accident."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.moved_down.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class ProfessionalPicker(QWidget):
    """One professional chosen from the directory; see the module's docstring.

    Signals:
        changed: the chosen professional's id (str), or None; emitted only when it changes.
    """

    changed = Signal(object)

    def __init__(
        self,
        name: str = "Professional",
        open_vault: OpenVault | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        named(self, name)
        self._vault = open_vault
        self._chosen_id: str | None = None
        self.model = ProfessionalTableModel(self)
        self.proxy = ProfessionalFilter(self.model, self)
        self.filter = named(_PickerField(), f"{name}: filter the directory")
        self.filter.setPlaceholderText("Type a name, role or organisation…")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._filter_changed)
        self.new_button = named(
            QPushButton(icon("add"), "New professional…"), f"{name}: add a new professional"
        )
        self.new_button.clicked.connect(self.add_new)
        self.list = record_table(f"{name}: choose from the directory")
        self.list.setModel(self.proxy)
        self.list.setSortingEnabled(True)
        self.list.sortByColumn(NAME, Qt.SortOrder.AscendingOrder)
        for column in (PHONE, EMAIL, CLIENTS_REFERRED, ADDRESS):
            self.list.hideColumn(column)
        self.list.horizontalHeader().setSectionResizeMode(
            ORGANISATION, QHeaderView.ResizeMode.Stretch
        )
        self.list.setMinimumHeight(120)
        self.list.selectionModel().selectionChanged.connect(self._selection_changed)
        self.filter.moved_down.connect(lambda: focus_list(self.list))
        self.empty = empty_state("")
        self.empty.hide()

        row = QHBoxLayout()
        row.addWidget(self.filter, 1)
        row.addWidget(self.new_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.empty)
        QWidget.setTabOrder(self.filter, self.new_button)
        QWidget.setTabOrder(self.new_button, self.list)
        self.setFocusProxy(self.filter)
        self.reload()

    # -- the API ------------------------------------------------------------------------

    def selected_id(self) -> str | None:
        """The chosen professional's id, or None."""
        return self._chosen_id

    def selected(self) -> Professional | None:
        """The chosen professional, as the directory had them when last read."""
        row = self.model.row_of(self._chosen_id) if self._chosen_id else -1
        return self.model.record_at(row) if row >= 0 else None

    def set_selected(self, professional_id: str | None) -> None:
        """Choose someone by id (clearing the filter), or nobody with None."""
        self.filter.blockSignals(True)
        self.filter.clear()
        self.filter.blockSignals(False)
        self.proxy.set_text("")
        if professional_id is None or not self._select(professional_id):
            self.list.clearSelection()
        self._after_filter()
        self._selection_changed()

    def add_new(self) -> Professional | None:
        """Add someone through the directory's dialog and choose them; None if cancelled."""
        vault = self._vault
        if vault is None:
            return None
        dialog = ProfessionalDialog(vault.add_professional, parent=self)
        dialog.name.setText(" ".join(self.filter.text().split()))
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.saved is None:
            return None
        self.reload()
        self.set_selected(dialog.saved.id)
        return dialog.saved

    def attach(self, open_vault: OpenVault) -> None:
        """Use this vault's directory (after an unlock)."""
        self._vault = open_vault
        self.reload()

    def reload(self) -> None:
        """Read the directory again, keeping the choice if that person is still in it."""
        vault = self._vault
        chosen = self._chosen_id
        if vault is None:
            self.model.clear()
        else:
            self.model.set_directory(professionals.list_professionals(vault.vault), {})
        if chosen is not None:
            self._select(chosen)
        self._after_filter()
        self._selection_changed()

    def clear(self) -> None:
        """Forget the vault and everything shown (the vault is locking)."""
        self._vault = None
        self.filter.blockSignals(True)
        self.filter.clear()
        self.filter.blockSignals(False)
        self.proxy.set_text("")
        self.reload()

    # -- inside -------------------------------------------------------------------------

    def _select(self, professional_id: str) -> bool:
        return select_row(self.list, self.proxy.index_of(professional_id))

    def _filter_changed(self, text: str) -> None:
        self.proxy.set_text(text)
        chosen_still_shown = self._chosen_id is not None and self._select(self._chosen_id)
        if text.strip() and self.proxy.rowCount() and not chosen_still_shown:
            self.list.selectRow(0)  # the first match is chosen
        self._after_filter()
        self._selection_changed()

    def _after_filter(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        if self._vault is not None and total == 0:
            self.empty.setText("The directory is empty: add someone with “New professional…”.")
        elif shown == 0 and total > 0:
            self.empty.setText("Nobody in the directory matches. Add them as new?")
        else:
            self.empty.setText("")
        self.empty.setVisible(bool(self.empty.text()))
        self.new_button.setEnabled(self._vault is not None)

    def _selection_changed(
        self, _selected: QItemSelection | None = None, _deselected: QItemSelection | None = None
    ) -> None:
        professional = self.model.chosen_in(self.list)
        chosen = professional.id if professional is not None else None
        if chosen != self._chosen_id:
            self._chosen_id = chosen
            self.changed.emit(chosen)
