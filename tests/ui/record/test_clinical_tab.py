"""Diagnoses with an ICD-10 picker and medications, driven through the window."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from tests.conftest import PASSPHRASE
from tests.ui.conftest import ScriptedDialogs, answer_next_dialog, unlock
from tests.ui.test_accessibility import _unnamed_focusable
from therapist_desk.clinical import diagnoses, icd10, medications
from therapist_desk.domain.records import (
    ClientDetails,
    DiagnosisDetails,
    MedicationDetails,
    ProfessionalDetails,
)
from therapist_desk.domain.vocabulary import DiagnosisStatus, ProfessionalRole
from therapist_desk.records import clients
from therapist_desk.sharing import professionals
from therapist_desk.ui.common import formatting
from therapist_desk.ui.common.optional_date import qdate
from therapist_desk.ui.main_window import MainWindow
from therapist_desk.ui.navigation import CLIENTS
from therapist_desk.ui.record import client_record
from therapist_desk.ui.record.clinical.clinical_tab import ClinicalTab
from therapist_desk.ui.record.clinical.diagnosis_dialog import DiagnosisDialog, Icd10MatchesModel
from therapist_desk.ui.record.clinical.medication_dialog import (
    MedicationDialog,
    StopMedicationDialog,
)
from therapist_desk.vault import Secret, Vault, unlock_vault
from therapist_desk.vault.paths import VaultPaths

WindowMaker = Callable[[VaultPaths], MainWindow]


@pytest.fixture
def client_id(existing_vault: VaultPaths) -> str:
    with unlock_vault(existing_vault, Secret(passphrase=PASSPHRASE)) as vault:
        professionals.add_professional(
            vault,
            ProfessionalDetails(
                name="Dr Amal Rahman", role=ProfessionalRole.PSYCHIATRIST, organisation="Eastside"
            ),
        )
        return clients.create_client(vault, ClientDetails(legal_name="Noor Vasquez")).id


@pytest.fixture
def window(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths, client_id: str
) -> MainWindow:
    opened = make_window(existing_vault)
    unlock(qtbot, opened)
    return opened


def _vault(window: MainWindow) -> Vault:
    assert window.open_vault is not None
    return window.open_vault.vault


def _open_clinical(window: MainWindow, client_id: str) -> ClinicalTab:
    window.workspace.go_to(CLIENTS)
    window.workspace.clients.open_client(client_id, tab=client_record.CLINICAL)
    return window.workspace.clients.record.clinical


def _in_dialog(kind: type[QDialog], act: Callable[[QDialog], None]) -> list[str]:
    """Answer the next dialog with `act`; what went wrong inside is returned, not raised,
    because the dialog must close either way or the test would hang."""
    problems: list[str] = []

    def answer(dialog: QDialog) -> None:
        try:
            assert isinstance(dialog, kind), f"{type(dialog).__name__} opened"
            act(dialog)
        except AssertionError as error:
            problems.append(str(error))
        finally:
            if dialog.isVisible():
                dialog.reject()

    answer_next_dialog(answer)
    return problems


def test_add_a_diagnosis_by_typing_a_code_and_pressing_enter(
    qtbot: QtBot, window: MainWindow, client_id: str
) -> None:
    section = _open_clinical(window, client_id).diagnoses
    assert section.lists.empty.isVisible()
    assert not section.edit_button.isEnabled()
    seen: dict[str, object] = {}

    def pick(dialog: QDialog) -> None:
        assert isinstance(dialog, DiagnosisDialog)
        qtbot.keyClicks(dialog.search, "F41")
        seen["first match"] = dialog.matches.currentIndex().row()
        seen["chosen"] = dialog.code
        qtbot.keyClick(dialog.search, Qt.Key.Key_Return)
        seen["still open"] = dialog.isVisible()  # Enter picked the code, it did not save
        seen["focus"] = dialog.focusWidget() is dialog.label_edit
        seen["label"] = dialog.label_edit.text()
        dialog.status.setCurrentIndex(dialog.status.findData(DiagnosisStatus.CONFIRMED))
        dialog.try_save()

    problems = _in_dialog(DiagnosisDialog, pick)
    section.add_button.click()
    assert problems == []
    assert seen == {
        "first match": 0,
        "chosen": "F41",
        "still open": True,
        "focus": True,
        "label": "Other anxiety disorders",
    }
    shown = [
        (d.details.code, d.details.label, d.details.status)
        for d in section.lists.current_model.rows()
    ]
    assert shown == [("F41", "Other anxiety disorders", DiagnosisStatus.CONFIRMED)]
    assert not section.lists.empty.isVisible()
    stored = diagnoses.list_diagnoses(_vault(window), client_id)
    assert [d.details.code for d in stored.current] == ["F41"]


def test_the_picker_filters_by_words_as_you_type(qtbot: QtBot, window: MainWindow) -> None:
    dialog = DiagnosisDialog(lambda details: pytest.fail("not saved"), date(2025, 3, 4))
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.search, "generalised anx")
    assert dialog.matches_model.code_at(0) == icd10.Icd10Code(
        "F41.1", "Generalized anxiety disorder"
    )
    assert dialog.code == "F41.1"
    dialog.search.clear()
    qtbot.keyClicks(dialog.search, "ptsd")
    assert dialog.code == "F43.1"
    assert dialog.label_edit.text() == icd10.describe("F43.1")  # the label follows the code
    dialog.label_edit.setText("PTSD after the accident")
    dialog.search.clear()
    qtbot.keyClicks(dialog.search, "F43.2")
    assert dialog.label_edit.text() == "PTSD after the accident"  # …until it is the therapist's


def test_edit_and_then_resolve_a_diagnosis(
    window: MainWindow, client_id: str, dialogs: ScriptedDialogs
) -> None:
    made = diagnoses.add_diagnosis(
        _vault(window), client_id, DiagnosisDetails(code="F32.1", diagnosed_on=date(2024, 2, 1))
    )
    section = _open_clinical(window, client_id).diagnoses
    assert section.lists.choose(made.id)

    def relabel(dialog: QDialog) -> None:
        assert isinstance(dialog, DiagnosisDialog)
        assert dialog.code == "F32.1"
        dialog.label_edit.setText("Moderate depression after redundancy")
        dialog.try_save()

    assert _in_dialog(DiagnosisDialog, relabel) == []
    section.edit_button.click()
    [current] = section.lists.current_model.rows()
    assert current.details.label == "Moderate depression after redundancy"

    today = window.open_vault.today()  # type: ignore[union-attr]

    def resolve(dialog: QDialog) -> None:
        assert isinstance(dialog, DiagnosisDialog)
        assert not dialog.resolved_on.isEnabled()
        dialog.status.setCurrentIndex(dialog.status.findData(DiagnosisStatus.RESOLVED))
        assert dialog.resolved_on.value() == today  # offered as today
        dialog.try_save()

    assert section.lists.choose(made.id)
    assert _in_dialog(DiagnosisDialog, resolve) == []
    section.edit_button.click()
    assert section.lists.current_model.rows() == []
    [resolved] = section.lists.past_model.rows()
    assert resolved.details.status is DiagnosisStatus.RESOLVED
    assert resolved.details.resolved_on == today
    assert section.lists.past_title.isVisible() and section.lists.past_title.text() == "Resolved"
    assert section.lists.past_model.data(section.lists.past_model.index(0, 3)) == formatting.day(
        today
    )


def test_a_refused_diagnosis_says_why_and_keeps_what_was_typed(
    qtbot: QtBot, window: MainWindow, client_id: str
) -> None:
    section = _open_clinical(window, client_id).diagnoses
    seen: list[str] = []

    def future(dialog: QDialog) -> None:
        assert isinstance(dialog, DiagnosisDialog)
        qtbot.keyClicks(dialog.search, "F40.0")
        dialog.diagnosed_on.set_value(date.today() + timedelta(days=30))
        dialog.try_save()
        seen.append(dialog.problems.text())
        seen.append(dialog.code)

    assert _in_dialog(DiagnosisDialog, future) == []
    section.add_button.click()
    assert "is in the future" in seen[0] and seen[1] == "F40.0"
    assert diagnoses.list_diagnoses(_vault(window), client_id).current == ()


def test_remove_a_diagnosis_entered_in_error_after_confirming(
    window: MainWindow, client_id: str, dialogs: ScriptedDialogs
) -> None:
    made = diagnoses.add_diagnosis(_vault(window), client_id, DiagnosisDetails(code="F42"))
    section = _open_clinical(window, client_id).diagnoses
    assert section.lists.choose(made.id)
    dialogs.confirm_answer = False
    section.remove_button.click()
    assert ("confirm", "Remove this diagnosis?") in dialogs.asked
    assert len(section.lists.current_model.rows()) == 1
    dialogs.confirm_answer = True
    section.remove_button.click()
    assert section.lists.current_model.rows() == []
    assert section.lists.empty.isVisible()
    assert diagnoses.list_diagnoses(_vault(window), client_id).current == ()


def test_a_diagnosis_half_typed_when_the_vault_locks_is_offered_again(
    qtbot: QtBot, window: MainWindow, client_id: str
) -> None:
    section = _open_clinical(window, client_id).diagnoses

    def interrupted(dialog: QDialog) -> None:
        assert isinstance(dialog, DiagnosisDialog)
        qtbot.keyClicks(dialog.search, "F43.1")
        dialog.label_edit.setText("PTSD after the flood")
        dialog.notes.setPlainText("Nightmares most nights")
        window.lock()  # the idle lock strikes with the dialog open

    assert _in_dialog(DiagnosisDialog, interrupted) == []
    section.add_button.click()
    assert not window.is_unlocked
    unlock(qtbot, window)
    section = _open_clinical(window, client_id).diagnoses
    again: list[tuple[str, str, str]] = []

    def look(dialog: QDialog) -> None:
        assert isinstance(dialog, DiagnosisDialog)
        again.append((dialog.code, dialog.label_edit.text(), dialog.notes.toPlainText()))

    assert _in_dialog(DiagnosisDialog, look) == []
    section.add_button.click()
    assert again == [("F43.1", "PTSD after the flood", "Nightmares most nights")]


def test_add_stop_and_list_medications(
    window: MainWindow, client_id: str, dialogs: ScriptedDialogs
) -> None:
    section = _open_clinical(window, client_id).medications
    assert section.lists.empty.isVisible()
    today = window.open_vault.today()  # type: ignore[union-attr]
    started = today - timedelta(days=90)

    def from_directory(dialog: QDialog) -> None:
        assert isinstance(dialog, MedicationDialog)
        dialog.name.setText("Sertraline")
        dialog.dose.setText("50 mg")
        dialog.frequency.setText("once a day")
        dialog.prescriber.setCurrentIndex(
            dialog.prescriber.findText("Dr Amal Rahman (Psychiatrist, Eastside)")
        )
        dialog.started_on.set_value(started)
        dialog.try_save()

    assert _in_dialog(MedicationDialog, from_directory) == []
    section.add_button.click()

    def typed_prescriber(dialog: QDialog) -> None:
        assert isinstance(dialog, MedicationDialog)
        dialog.name.setText("Propranolol")
        dialog.dose.setText("10 mg")
        dialog.frequency.setText("as needed before flights")
        dialog.prescriber.setEditText("Dr Jonas Berg, private clinic")
        dialog.try_save()

    assert _in_dialog(MedicationDialog, typed_prescriber) == []
    section.add_button.click()
    model = section.lists.current_model
    rows = [[model.data(model.index(row, column)) for column in range(4)] for row in range(2)]
    assert rows == [
        ["Propranolol", "10 mg", "as needed before flights", "Dr Jonas Berg, private clinic"],
        ["Sertraline", "50 mg", "once a day", "Dr Amal Rahman"],
    ]
    stored = medications.list_medications(_vault(window), client_id).current
    sertraline = next(m for m in stored if m.details.name == "Sertraline")
    assert sertraline.prescriber_id is not None and sertraline.details.prescriber_name == ""

    # Stopping moves it to the past, with the days it was taken.
    assert section.lists.choose(sertraline.id)
    assert section.stop_button.isEnabled()

    def stop_yesterday(dialog: QDialog) -> None:
        assert isinstance(dialog, StopMedicationDialog)
        dialog.day.setDate(qdate(today - timedelta(days=1)))
        dialog.try_save()

    assert _in_dialog(StopMedicationDialog, stop_yesterday) == []
    section.stop_button.click()
    assert [m.details.name for m in section.lists.current_model.rows()] == ["Propranolol"]
    [past] = section.lists.past_model.rows()
    assert past.details.stopped_on == today - timedelta(days=1)
    past_model = section.lists.past_model
    # A past medication keeps every column of a current one, how often it was taken included.
    headers = [
        model.headerData(column, Qt.Orientation.Horizontal) for column in range(model.columnCount())
    ]
    assert [
        past_model.headerData(column, Qt.Orientation.Horizontal)
        for column in range(past_model.columnCount())
    ] == headers
    assert headers[2] == "Frequency"
    assert [past_model.data(past_model.index(0, column)) for column in range(5)] == [
        "Sertraline",
        "50 mg",
        "once a day",
        "Dr Amal Rahman",
        f"{formatting.day(started)} – {formatting.day(today - timedelta(days=1))}",
    ]
    assert section.lists.past_title.text() == "Past"
    assert section.lists.choose(past.id)
    assert not section.stop_button.isEnabled()  # already stopped
    assert section.edit_button.isEnabled()


def test_a_medication_half_typed_when_the_vault_locks_is_offered_again(
    qtbot: QtBot, window: MainWindow, client_id: str
) -> None:
    section = _open_clinical(window, client_id).medications

    def interrupted(dialog: QDialog) -> None:
        assert isinstance(dialog, MedicationDialog)
        dialog.name.setText("Mirtazapine")
        dialog.dose.setText("15 mg at night")
        window.lock()

    assert _in_dialog(MedicationDialog, interrupted) == []
    section.add_button.click()
    unlock(qtbot, window)
    section = _open_clinical(window, client_id).medications
    again: list[tuple[str, str]] = []

    def look(dialog: QDialog) -> None:
        assert isinstance(dialog, MedicationDialog)
        again.append((dialog.name.text(), dialog.dose.text()))

    assert _in_dialog(MedicationDialog, look) == []
    section.add_button.click()
    assert again == [("Mirtazapine", "15 mg at night")]


def test_every_control_of_the_clinical_tab_and_its_dialogs_is_named(
    window: MainWindow, client_id: str
) -> None:
    vault = _vault(window)
    diagnoses.add_diagnosis(vault, client_id, DiagnosisDetails(code="F41.1"))
    medications.add_medication(vault, client_id, MedicationDetails(name="Sertraline"))
    tab = _open_clinical(window, client_id)
    assert _unnamed_focusable(window) == []
    unnamed: list[list[str]] = []
    for kind, button in (
        (DiagnosisDialog, tab.diagnoses.add_button),
        (MedicationDialog, tab.medications.add_button),
        (StopMedicationDialog, tab.medications.stop_button),
    ):
        assert _in_dialog(kind, lambda dialog: unnamed.append(_unnamed_focusable(dialog))) == []
        assert tab.medications.lists.choose(tab.medications.lists.current_model.rows()[0].id)
        button.click()
    assert unnamed == [[], [], []]


def test_the_code_matches_pass_qts_model_checks(qtmodeltester: ModelTester) -> None:
    model = Icd10MatchesModel()
    qtmodeltester.check(model)
    model.set_codes(icd10.search("anxiety", 10))
    qtmodeltester.check(model)
