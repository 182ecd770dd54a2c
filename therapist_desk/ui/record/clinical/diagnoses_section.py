"""The client's diagnoses with their ICD-10 codes: current (provisional, confirmed) and resolved."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtWidgets import QWidget

from therapist_desk.clinical import diagnoses
from therapist_desk.domain.records import Diagnosis
from therapist_desk.ui.common import formatting
from therapist_desk.ui.common.dialogs import DialogService
from therapist_desk.ui.common.table_model import Column
from therapist_desk.ui.open_vault import OpenVault
from therapist_desk.ui.record.clinical.clinical_lists import CurrentAndPast, RecordsSection
from therapist_desk.ui.record.clinical.diagnosis_dialog import (
    DIAGNOSIS_STATUS_LABELS,
    DiagnosisDialog,
    UnfinishedDiagnosis,
)


def _diagnosed(diagnosis: Diagnosis) -> str:
    return formatting.optional_date(diagnosis.details.diagnosed_on)


CURRENT_COLUMNS: tuple[Column[Diagnosis], ...] = (
    Column("Code", lambda d: d.details.code),
    Column("Diagnosis", lambda d: d.details.label),
    Column("Status", lambda d: DIAGNOSIS_STATUS_LABELS[d.details.status]),
    Column("Diagnosed", _diagnosed),
)
RESOLVED_COLUMNS: tuple[Column[Diagnosis], ...] = (
    Column("Code", lambda d: d.details.code),
    Column("Diagnosis", lambda d: d.details.label),
    Column("Diagnosed", _diagnosed),
    Column("Resolved", lambda d: formatting.optional_date(d.details.resolved_on)),
)


class DiagnosesSection(RecordsSection[Diagnosis]):
    def __init__(self, dialogs: DialogService, parent: QWidget | None = None) -> None:
        lists = CurrentAndPast[Diagnosis](
            "diagnoses",
            "Resolved",
            CURRENT_COLUMNS,
            RESOLVED_COLUMNS,
            stretch_column=1,
            empty_text="No diagnoses recorded yet — add one with its ICD-10 code.",
        )
        super().__init__(
            dialogs,
            "diagnosis",
            lists,
            "For a diagnosis entered in error; one that no longer applies is resolved instead",
            parent,
        )
        self._lay_out("Diagnoses", (self.add_button, self.edit_button, self.remove_button))

    def _records(
        self, vault: OpenVault, client_id: str
    ) -> tuple[Sequence[Diagnosis], Sequence[Diagnosis]]:
        found = diagnoses.list_diagnoses(vault.vault, client_id)
        return found.current, found.resolved

    def _new_dialog(self, vault: OpenVault, client_id: str) -> DiagnosisDialog:
        return DiagnosisDialog(
            lambda details: vault.add_diagnosis(client_id, details),
            vault.today(),
            parent=self,
        )

    def _edit_dialog(self, vault: OpenVault, record: Diagnosis) -> DiagnosisDialog:
        return DiagnosisDialog(
            lambda details: vault.update_diagnosis(record.id, details),
            vault.today(),
            record,
            self,
        )

    @staticmethod
    def _typed(dialog: DiagnosisDialog) -> Callable[[], UnfinishedDiagnosis]:
        return dialog.unfinished

    def _removal(self, vault: OpenVault, record: Diagnosis) -> tuple[str, Callable[[], object]]:
        return (
            f"{record.details.code} {record.details.label} will be deleted from the "
            "record, as entered in error. A diagnosis that no longer applies is better "
            "resolved (Edit…, status Resolved), so its history stays.",
            lambda: vault.remove_diagnosis(record),
        )
