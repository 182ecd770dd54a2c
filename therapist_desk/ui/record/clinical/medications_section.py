"""Medications a physician prescribed, tracked alongside therapy: current and past apart."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtWidgets import QDialog, QPushButton, QWidget

from therapist_desk.clinical import medications
from therapist_desk.domain.records import Medication, Professional
from therapist_desk.sharing import professionals
from therapist_desk.ui.common import formatting
from therapist_desk.ui.common.dialogs import DialogService
from therapist_desk.ui.common.icons import icon
from therapist_desk.ui.common.table_model import Column
from therapist_desk.ui.common.widgets import named
from therapist_desk.ui.open_vault import OpenVault
from therapist_desk.ui.record.clinical.clinical_lists import CurrentAndPast, RecordsSection
from therapist_desk.ui.record.clinical.medication_dialog import (
    MedicationDialog,
    MedicationEntry,
    StopMedicationDialog,
)


class MedicationsSection(RecordsSection[Medication]):
    def __init__(self, dialogs: DialogService, parent: QWidget | None = None) -> None:
        #: The directory, by id, for naming prescribers.
        self._directory: dict[str, Professional] = {}
        # Past medications show the same columns: how often one was taken matters afterwards too.
        columns: tuple[Column[Medication], ...] = (
            Column("Medication", lambda m: m.details.name),
            Column("Dose", lambda m: m.details.dose),
            Column("Frequency", lambda m: m.details.frequency),
            Column("Prescriber", self._prescriber),
            Column("Taken", self._taken),
        )
        lists = CurrentAndPast[Medication](
            "medications",
            "Past",
            columns,
            columns,
            stretch_column=None,
            empty_text="No medications recorded yet — add one a physician prescribed.",
        )
        super().__init__(
            dialogs,
            "medication",
            lists,
            "For a medication entered in error; one no longer taken is stopped instead",
            parent,
        )
        self.stop_button = named(QPushButton(icon("stop"), "Stop…"), "Stop the medication")
        self.stop_button.setToolTip("Record the day the medication was stopped")
        self.stop_button.clicked.connect(self.stop)
        self._lay_out(
            "Medications", (self.add_button, self.edit_button, self.stop_button, self.remove_button)
        )

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

    def _records(
        self, vault: OpenVault, client_id: str
    ) -> tuple[Sequence[Medication], Sequence[Medication]]:
        self._directory = {p.id: p for p in professionals.list_professionals(vault.vault)}
        found = medications.list_medications(vault.vault, client_id)
        return found.current, found.past

    def _update_buttons(self) -> None:
        super()._update_buttons()
        self.stop_button.setEnabled(self.lists.chosen_is_current())

    def _new_dialog(self, vault: OpenVault, client_id: str) -> MedicationDialog:
        return MedicationDialog(
            lambda entry: vault.add_medication(client_id, entry.details, entry.prescriber_id),
            list(self._directory.values()),
            vault.today(),
            parent=self,
        )

    def _edit_dialog(self, vault: OpenVault, record: Medication) -> MedicationDialog:
        return MedicationDialog(
            lambda entry: vault.update_medication(record.id, entry.details, entry.prescriber_id),
            list(self._directory.values()),
            vault.today(),
            record,
            self,
        )

    @staticmethod
    def _typed(dialog: MedicationDialog) -> Callable[[], MedicationEntry]:
        return dialog.entry

    def stop(self) -> None:
        vault, medication = self._vault, self.lists.chosen()
        if vault is None or medication is None:
            return
        dialog = StopMedicationDialog(
            lambda day: vault.stop_medication(medication.id, day),
            medication,
            vault.today(),
            self,
        )
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.reload(choose=medication.id)

    def _removal(self, vault: OpenVault, record: Medication) -> tuple[str, Callable[[], object]]:
        return (
            f"{record.details.name} will be deleted from the record, as entered in error. "
            "A medication no longer taken is better stopped (Stop…), so its history stays.",
            lambda: vault.remove_medication(record),
        )

    def clear(self) -> None:
        super().clear()
        self._directory = {}
