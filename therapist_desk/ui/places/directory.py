"""The directory of professionals: GPs, psychiatrists, psychologists, specialist services.

A list that filters as you type over every field, with Add, Edit and Remove.
Professionals are not clients, so privacy mode leaves this place as it is; the
only thing it shows of clients is how many have been referred to each person.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from therapist_desk.domain.records import Professional, ProfessionalDetails
from therapist_desk.sharing import professionals
from therapist_desk.ui.common.dialogs import DialogService
from therapist_desk.ui.common.icons import icon
from therapist_desk.ui.common.saving import SAVE_ERRORS, save_error_text
from therapist_desk.ui.common.widgets import (
    FieldAboveList,
    empty_state,
    focus_list,
    heading,
    label,
    named,
    record_table,
    select_row,
)
from therapist_desk.ui.open_vault import OpenVault
from therapist_desk.ui.professionals.professional_dialog import ProfessionalDialog
from therapist_desk.ui.professionals.professional_list import (
    ADDRESS,
    NAME,
    ORGANISATION,
    ProfessionalFilter,
    ProfessionalTableModel,
    one_line,
)
from therapist_desk.ui.unfinished_forms import UnfinishedForms

_NEW = "new"  # the key of an unfinished new entry


class DirectoryView(QWidget):
    """The Directory place: the list, its filter, and Add / Edit / Remove."""

    def __init__(self, dialogs: DialogService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "Directory")
        self._dialogs = dialogs
        self._vault: OpenVault | None = None
        # What was typed in a dialog the lock closed (memory only), by entry id or _NEW.
        self._unfinished = UnfinishedForms[ProfessionalDetails]()
        self.model = ProfessionalTableModel(self)
        self.proxy = ProfessionalFilter(self.model, self)

        self.new_button = named(QPushButton(icon("add"), "New professional…"), "New professional")
        self.new_button.setToolTip("Add someone to the directory (Ctrl+N)")
        self.new_button.clicked.connect(self.add)
        self.filter = named(FieldAboveList(), "Filter the directory")
        self.filter.setPlaceholderText("Filter by name, role, organisation, address, phone, email…")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._filter_changed)
        self.filter.returnPressed.connect(self._edit_current)
        self.count = named(label("", "muted"), "Number of professionals shown")
        self.table = record_table("Directory of professionals")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(NAME, Qt.SortOrder.AscendingOrder)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        # The two long fields share what is left; the tooltip and the line below show them whole.
        header.setSectionResizeMode(ORGANISATION, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(ADDRESS, QHeaderView.ResizeMode.Stretch)
        self.table.activated.connect(self._edit_at)
        self.filter.moved_down.connect(lambda: focus_list(self.table))
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.details = named(label("", "muted", wrap=True, selectable=True), "Chosen professional")
        self.no_match = empty_state(
            "Nobody in the directory matches. Clear the filter, or add someone new."
        )
        self.no_one = empty_state(
            "No one in the directory yet. Add the GPs, psychiatrists and services you work "
            "with (“New professional”, Ctrl+N), and referrals can name them."
        )
        self.no_match.hide()
        self.no_one.hide()
        self.edit_button = named(QPushButton(icon("edit"), "Edit…"), "Edit the chosen professional")
        self.edit_button.clicked.connect(self._edit_current)
        self.remove_button = named(
            QPushButton(icon("remove"), "Remove…"), "Remove the chosen professional"
        )
        self.remove_button.clicked.connect(self.remove)

        top = QHBoxLayout()
        top.addWidget(heading("Directory"))
        top.addStretch(1)
        top.addWidget(self.new_button)
        filters = QHBoxLayout()
        filters.addWidget(self.filter, 1)
        filters.addWidget(self.count)
        actions = QHBoxLayout()
        actions.addWidget(self.edit_button)
        actions.addWidget(self.remove_button)
        actions.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.details)
        layout.addWidget(self.no_match)
        layout.addWidget(self.no_one)
        layout.addStretch(0)
        layout.addLayout(actions)
        QWidget.setTabOrder(self.new_button, self.filter)
        QWidget.setTabOrder(self.filter, self.table)
        QWidget.setTabOrder(self.table, self.edit_button)
        QWidget.setTabOrder(self.edit_button, self.remove_button)
        self._after_filter()

    # -- vault --------------------------------------------------------------------------

    def attach(self, open_vault: OpenVault) -> None:
        self._vault = open_vault

    def refresh(self) -> None:
        """Read the directory again (shown again; a referral elsewhere changes the counts)."""
        self._reload(self.chosen_id())

    def clear(self) -> None:
        """Forget every entry on screen (the vault is locking)."""
        self._vault = None
        self.model.clear()
        self.filter.blockSignals(True)
        self.filter.clear()
        self.filter.blockSignals(False)
        self.proxy.set_text("")
        self._after_filter()

    def _reload(self, choose: str | None = None) -> None:
        vault = self._vault
        if vault is None:
            return
        try:
            people = professionals.list_professionals(vault.vault)
            counts = professionals.referral_counts(vault.vault)
        except SAVE_ERRORS as error:
            self._dialogs.warn(self, "The directory could not be read", save_error_text(error))
            return
        self.model.set_directory(people, counts)
        self._after_filter(choose)

    # -- list ---------------------------------------------------------------------------

    def _filter_changed(self, text: str) -> None:
        self.proxy.set_text(text)
        self._after_filter()

    def _after_filter(self, choose: str | None = None) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.no_one.setVisible(self._vault is not None and total == 0)
        self.no_match.setVisible(shown == 0 and total > 0)
        self.table.setVisible(shown > 0)
        if self._vault is None:
            self.count.clear()
        elif shown != total:
            self.count.setText(f"{shown} of {total}")
        else:
            self.count.setText(f"{total} {'person' if total == 1 else 'people'}")
        if choose is not None and self.select(choose):
            pass
        elif shown:
            self.table.selectRow(0)  # the first match is selected; Enter opens it
        self._update_buttons()

    def select(self, professional_id: str) -> bool:
        """Select an entry if the filter shows it; True if it did."""
        return select_row(self.table, self.proxy.index_of(professional_id))

    def show_professional(self, professional_id: str) -> None:
        """Show one entry, clearing a filter that would hide it."""
        if not self.select(professional_id):
            self.filter.clear()
            self.select(professional_id)
        self.table.setFocus()

    def chosen(self) -> Professional | None:
        return self.model.chosen_in(self.table) if self.proxy.rowCount() else None

    def chosen_id(self) -> str | None:
        professional = self.chosen()
        return professional.id if professional else None

    def _update_buttons(self) -> None:
        professional = self.chosen()
        chosen = professional is not None
        self.details.setText(_details_line(professional) if professional else "")
        self.details.setVisible(chosen)
        self.edit_button.setEnabled(chosen)
        self.remove_button.setEnabled(chosen)
        self.new_button.setEnabled(self._vault is not None)

    # -- add, edit, remove --------------------------------------------------------------

    def add(self) -> None:
        vault = self._vault
        if vault is None:
            return
        dialog = ProfessionalDialog(vault.add_professional, parent=self)
        self._run(dialog, _NEW)

    def _edit_current(self) -> None:
        self.edit(self.chosen())

    def _edit_at(self, index: QModelIndex) -> None:
        professional = self.model.record_of(index)
        if professional is not None:
            self.edit(professional)

    def edit(self, professional: Professional | None) -> None:
        vault = self._vault
        if vault is None or professional is None:
            return
        dialog = ProfessionalDialog(
            lambda details: vault.update_professional(professional.id, details),
            professional,
            self,
        )
        self._run(dialog, professional.id)

    def _run(self, dialog: ProfessionalDialog, key: str) -> None:
        if self._unfinished.run(dialog, key, dialog.details) and dialog.saved is not None:
            self._reload(dialog.saved.id)
            if not self.select(dialog.saved.id):
                self.show_professional(dialog.saved.id)  # the filter hid the new entry

    def remove(self) -> None:
        vault, professional = self._vault, self.chosen()
        if vault is None or professional is None:
            return
        name = professional.details.name
        try:
            refusal = professionals.why_not_removable(vault.vault, professional.id)
        except SAVE_ERRORS as error:
            self._dialogs.warn(self, "Not removed", save_error_text(error))
            return
        if refusal is not None:
            self._dialogs.warn(self, "Not removed", refusal)
            return
        if not self._dialogs.confirm(
            self,
            f"Remove {name}?",
            f"{name} will be taken out of the directory.",
            "Remove",
        ):
            return
        try:
            vault.remove_professional(professional.id)
        except SAVE_ERRORS as error:
            self._dialogs.warn(self, "Not removed", save_error_text(error))
            return
        self._reload()


def _details_line(professional: Professional) -> str:
    """The chosen entry's long fields in full, under the table."""
    details = professional.details
    parts = [details.name]
    if details.address:
        parts.append(one_line(details.address))
    if details.notes:
        parts.append(f"Notes: {' '.join(details.notes.split())}")
    return " · ".join(parts)
