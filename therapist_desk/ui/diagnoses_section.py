"""The client's diagnoses with their ICD-10 codes: current (provisional, confirmed) and resolved."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from therapist_desk import diagnoses
from therapist_desk.domain.records import Diagnosis
from therapist_desk.ui import formatting
from therapist_desk.ui.clinical_lists import CurrentAndPast
from therapist_desk.ui.diagnosis_dialog import (
    DIAGNOSIS_STATUS_LABELS,
    DiagnosisDialog,
    UnfinishedDiagnosis,
)
from therapist_desk.ui.dialogs import DialogService
from therapist_desk.ui.held_drafts import removed_after_confirming
from therapist_desk.ui.icons import icon
from therapist_desk.ui.models import Column
from therapist_desk.ui.open_vault import OpenVault
from therapist_desk.ui.unfinished_forms import UnfinishedForms
from therapist_desk.ui.widgets import named, subheading


def _diagnosed(diagnosis: Diagnosis) -> str:
    return formatting.optional_date(diagnosis.details.diagnosed_on)


CURRENT_COLUMNS = (
    Column("Code", lambda d: d.details.code),
    Column("Diagnosis", lambda d: d.details.label),
    Column("Status", lambda d: DIAGNOSIS_STATUS_LABELS[d.details.status]),
    Column("Diagnosed", _diagnosed),
)
RESOLVED_COLUMNS = (
    Column("Code", lambda d: d.details.code),
    Column("Diagnosis", lambda d: d.details.label),
    Column("Diagnosed", _diagnosed),
    Column("Resolved", lambda d: formatting.optional_date(d.details.resolved_on)),
)


class DiagnosesSection(QWidget):
    def __init__(self, dialogs: DialogService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._dialogs = dialogs
        self._vault: OpenVault | None = None
        self._client_id: str | None = None
        # Diagnoses typed but not saved when the vault locked, by client or diagnosis
        # (memory only): the dialog offers them again.
        self._unfinished = UnfinishedForms[UnfinishedDiagnosis]()
        self.add_button = named(QPushButton(icon("add"), "Add diagnosis…"), "Add a diagnosis")
        self.edit_button = named(QPushButton(icon("edit"), "Edit…"), "Edit the diagnosis")
        self.remove_button = named(
            QPushButton(icon("remove"), "Remove…"), "Remove a diagnosis entered in error"
        )
        self.remove_button.setToolTip(
            "For a diagnosis entered in error; one that no longer applies is resolved instead"
        )
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self._edit_chosen)
        self.remove_button.clicked.connect(self.remove)
        self.lists = CurrentAndPast(
            "diagnoses",
            "Resolved",
            CURRENT_COLUMNS,
            RESOLVED_COLUMNS,
            stretch_column=1,
            empty_text="No diagnoses recorded yet — add one with its ICD-10 code.",
        )
        self.lists.activated.connect(self.edit)
        self.lists.chosen_changed.connect(self._update_buttons)
        top = QHBoxLayout()
        top.addWidget(subheading("Diagnoses"), 1)
        top.addWidget(self.add_button)
        top.addWidget(self.edit_button)
        top.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.lists)
        self._update_buttons()

    def attach(self, open_vault: OpenVault) -> None:
        self._vault = open_vault

    def show_client(self, client_id: str | None) -> None:
        self._client_id = client_id
        self.reload()

    def reload(self, choose: str | None = None) -> None:
        vault, client_id = self._vault, self._client_id
        if vault is None or client_id is None:
            self.lists.clear()
            return
        found = diagnoses.list_diagnoses(vault.vault, client_id)
        self.lists.set_records(found.current, found.resolved)
        if choose is not None:
            self.lists.choose(choose)

    def _edit_chosen(self) -> None:
        self.edit(self.lists.chosen())

    def _update_buttons(self) -> None:
        chosen = self.lists.chosen() is not None
        self.edit_button.setEnabled(chosen)
        self.remove_button.setEnabled(chosen)

    def add(self) -> None:
        vault, client_id = self._vault, self._client_id
        if vault is None or client_id is None:
            return
        dialog = DiagnosisDialog(
            lambda details: diagnoses.add_diagnosis(vault.vault, client_id, details),
            vault.today(),
            parent=self,
        )
        self._run(dialog, f"new:{client_id}")

    def edit(self, diagnosis: Diagnosis | None) -> None:
        vault = self._vault
        if vault is None or diagnosis is None:
            return
        dialog = DiagnosisDialog(
            lambda details: diagnoses.update_diagnosis(vault.vault, diagnosis.id, details),
            vault.today(),
            diagnosis,
            self,
        )
        self._run(dialog, diagnosis.id)

    def _run(self, dialog: DiagnosisDialog, key: str) -> None:
        if self._unfinished.run(dialog, key, dialog.unfinished) and dialog.saved is not None:
            self.reload(choose=dialog.saved.id)

    def remove(self) -> None:
        vault, diagnosis = self._vault, self.lists.chosen()
        if vault is None or diagnosis is None:
            return
        if not removed_after_confirming(
            self,
            self._dialogs,
            "Remove this diagnosis?",
            f"{diagnosis.details.code} {diagnosis.details.label} will be deleted from the "
            "record, as entered in error. A diagnosis that no longer applies is better "
            "resolved (Edit…, status Resolved), so its history stays.",
            lambda: diagnoses.remove_diagnosis(vault.vault, diagnosis.id),
            "diagnosis",
        ):
            return
        self.reload()

    def flush(self) -> bool:
        return True  # diagnoses are saved by their dialogs; nothing is edited in the list

    def clear(self) -> None:
        self.lists.clear()
        self._client_id = None
        self._vault = None
