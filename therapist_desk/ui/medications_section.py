"""Medications a physician prescribed, tracked alongside therapy: current and past apart."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from therapist_desk import medications, professionals
from therapist_desk.domain.records import Medication, Professional
from therapist_desk.ui import formatting
from therapist_desk.ui.clinical_lists import CurrentAndPast
from therapist_desk.ui.dialogs import DialogService
from therapist_desk.ui.held_drafts import removed_after_confirming
from therapist_desk.ui.icons import icon
from therapist_desk.ui.medication_dialog import (
    MedicationDialog,
    MedicationEntry,
    StopMedicationDialog,
)
from therapist_desk.ui.models import Column
from therapist_desk.ui.open_vault import OpenVault
from therapist_desk.ui.unfinished_forms import UnfinishedForms
from therapist_desk.ui.widgets import named, subheading


class MedicationsSection(QWidget):
    def __init__(self, dialogs: DialogService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._dialogs = dialogs
        self._vault: OpenVault | None = None
        self._client_id: str | None = None
        #: The directory, by id, for naming prescribers.
        self._directory: dict[str, Professional] = {}
        # Medications typed but not saved when the vault locked (memory only).
        self._unfinished = UnfinishedForms[MedicationEntry]()
        self.add_button = named(QPushButton(icon("add"), "Add medication…"), "Add a medication")
        self.edit_button = named(QPushButton(icon("edit"), "Edit…"), "Edit the medication")
        self.stop_button = named(QPushButton(icon("stop"), "Stop…"), "Stop the medication")
        self.stop_button.setToolTip("Record the day the medication was stopped")
        self.remove_button = named(
            QPushButton(icon("remove"), "Remove…"), "Remove a medication entered in error"
        )
        self.remove_button.setToolTip(
            "For a medication entered in error; one no longer taken is stopped instead"
        )
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self._edit_chosen)
        self.stop_button.clicked.connect(self.stop)
        self.remove_button.clicked.connect(self.remove)
        # Past medications show the same columns: how often one was taken matters afterwards too.
        columns = (
            Column("Medication", lambda m: m.details.name),
            Column("Dose", lambda m: m.details.dose),
            Column("Frequency", lambda m: m.details.frequency),
            Column("Prescriber", self._prescriber),
            Column("Taken", self._taken),
        )
        self.lists = CurrentAndPast(
            "medications",
            "Past",
            columns,
            columns,
            stretch_column=None,
            empty_text="No medications recorded yet — add one a physician prescribed.",
        )
        self.lists.activated.connect(self.edit)
        self.lists.chosen_changed.connect(self._update_buttons)
        top = QHBoxLayout()
        top.addWidget(subheading("Medications"), 1)
        for button in (self.add_button, self.edit_button, self.stop_button, self.remove_button):
            top.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.lists)
        self._update_buttons()

    def _prescriber(self, medication: Medication) -> str:
        listed = self._directory.get(medication.prescriber_id or "")
        return listed.details.name if listed else medication.details.prescriber_name

    @staticmethod
    def _taken(medication: Medication) -> str:
        started, stopped = medication.details.started_on, medication.details.stopped_on
        if started and stopped:
            return f"{formatting.day(started)} – {formatting.day(stopped)}"
        if stopped:
            return f"until {formatting.day(stopped)}"
        return f"since {formatting.day(started)}" if started else ""

    def attach(self, open_vault: OpenVault) -> None:
        self._vault = open_vault

    def show_client(self, client_id: str | None) -> None:
        self._client_id = client_id
        self.reload()

    def reload(self, choose: str | None = None) -> None:
        vault, client_id = self._vault, self._client_id
        if vault is None or client_id is None:
            self._directory = {}
            self.lists.clear()
            return
        self._directory = {p.id: p for p in professionals.list_professionals(vault.vault)}
        found = medications.list_medications(vault.vault, client_id)
        self.lists.set_records(found.current, found.past)
        if choose is not None:
            self.lists.choose(choose)

    def _edit_chosen(self) -> None:
        self.edit(self.lists.chosen())

    def _update_buttons(self) -> None:
        chosen = self.lists.chosen() is not None
        self.edit_button.setEnabled(chosen)
        self.remove_button.setEnabled(chosen)
        self.stop_button.setEnabled(self.lists.chosen_is_current())

    def add(self) -> None:
        vault, client_id = self._vault, self._client_id
        if vault is None or client_id is None:
            return
        dialog = MedicationDialog(
            lambda entry: medications.add_medication(
                vault.vault, client_id, entry.details, prescriber_id=entry.prescriber_id
            ),
            list(self._directory.values()),
            vault.today(),
            parent=self,
        )
        self._run(dialog, f"new:{client_id}")

    def edit(self, medication: Medication | None) -> None:
        vault = self._vault
        if vault is None or medication is None:
            return
        dialog = MedicationDialog(
            lambda entry: medications.update_medication(
                vault.vault, medication.id, entry.details, prescriber_id=entry.prescriber_id
            ),
            list(self._directory.values()),
            vault.today(),
            medication,
            self,
        )
        self._run(dialog, medication.id)

    def _run(self, dialog: MedicationDialog, key: str) -> None:
        if self._unfinished.run(dialog, key, dialog.entry) and dialog.saved is not None:
            self.reload(choose=dialog.saved.id)

    def stop(self) -> None:
        vault, medication = self._vault, self.lists.chosen()
        if vault is None or medication is None:
            return
        dialog = StopMedicationDialog(
            lambda day: medications.stop_medication(vault.vault, medication.id, day),
            medication,
            vault.today(),
            self,
        )
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.reload(choose=medication.id)

    def remove(self) -> None:
        vault, medication = self._vault, self.lists.chosen()
        if vault is None or medication is None:
            return
        if not removed_after_confirming(
            self,
            self._dialogs,
            "Remove this medication?",
            f"{medication.details.name} will be deleted from the record, as entered in error. "
            "A medication no longer taken is better stopped (Stop…), so its history stays.",
            lambda: medications.remove_medication(vault.vault, medication.id),
            "medication",
        ):
            return
        self.reload()

    def flush(self) -> bool:
        return True  # medications are saved by their dialogs; nothing is edited in the list

    def clear(self) -> None:
        self.lists.clear()
        self._directory = {}
        self._client_id = None
        self._vault = None
