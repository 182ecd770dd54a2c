"""The treatment plan, driven through the window: start, save, reopen, revise, the objectives
a note worked on, and nothing typed lost to a full disk or a lock."""

from __future__ import annotations

import errno
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from tests.conftest import PASSPHRASE
from tests.ui.conftest import ScriptedDialogs, unlock
from tests.ui.test_accessibility import _unnamed_focusable
from therapist_desk.clinical import treatment_plans
from therapist_desk.domain.records import (
    ClientDetails,
    NoteContent,
    SessionDetails,
    TreatmentPlanDetails,
)
from therapist_desk.domain.vocabulary import ObjectiveStatus, SessionKind, TermCategory
from therapist_desk.errors import NoteIsSigned
from therapist_desk.records import clients, progress_notes, terms, therapy_sessions
from therapist_desk.ui.common.optional_date import qdate
from therapist_desk.ui.main_window import MainWindow
from therapist_desk.ui.navigation import CLIENTS
from therapist_desk.ui.open_vault import OpenVault
from therapist_desk.ui.record import client_record
from therapist_desk.ui.record.plan.plan_tab import EDITING, EMPTY, READING, PlanTab
from therapist_desk.ui.record.plan.plan_tree import (
    STATUS,
    TARGET,
    WORKED_ON,
    PlanTreeModel,
    short_day,
)
from therapist_desk.vault import Secret, Vault, unlock_vault
from therapist_desk.vault.paths import VaultPaths

WindowMaker = Callable[[VaultPaths], MainWindow]
BUS = treatment_plans.new_objective("Rides two bus stops with SUDS below 40")
WALKS = treatment_plans.new_objective("Walks outside three times a week")
PLAN = TreatmentPlanDetails(
    approaches=("Cognitive behavioural therapy (CBT)",),
    presenting_problems="Panic on buses since the spring.",
    goals=(
        treatment_plans.new_goal("Travel again", [BUS]),
        treatment_plans.new_goal("Lift low mood", [WALKS]),
    ),
    start_date=date(2024, 4, 1),
    review_date=date(2024, 7, 1),
)


def _disk_full(*_args: object, **_kwargs: object) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.fixture
def practice(existing_vault: VaultPaths) -> dict[str, str]:
    """Amira, with a session two hours ago; Bram, with one yesterday; no plans yet."""
    with unlock_vault(existing_vault, Secret(passphrase=PASSPHRASE)) as vault:
        amira = clients.create_client(vault, ClientDetails(legal_name="Amira Haddad"))
        bram = clients.create_client(vault, ClientDetails(legal_name="Bram Okafor"))
        session = therapy_sessions.schedule_session(
            vault, vault.now() - timedelta(hours=2), 50, SessionDetails(), [amira.id]
        )
        other = therapy_sessions.schedule_session(
            vault, vault.now() - timedelta(days=1), 50, SessionDetails(), [bram.id]
        )
        return {"amira": amira.id, "bram": bram.id, "session": session.id, "other": other.id}


@pytest.fixture
def window(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths, practice: dict[str, str]
) -> MainWindow:
    opened = make_window(existing_vault)
    unlock(qtbot, opened)
    return opened


def _vault(window: MainWindow) -> Vault:
    assert window.open_vault is not None
    return window.open_vault.vault


def _open_plan(window: MainWindow, client_id: str) -> PlanTab:
    window.workspace.go_to(CLIENTS)
    window.workspace.clients.open_client(client_id, tab=client_record.PLAN)
    return window.workspace.clients.record.plan


def _check_approach(tab: PlanTab, approach: str) -> None:
    model = tab.approaches.model
    row = next(row for row in range(model.rowCount()) if model.index(row, 0).data() == approach)
    model.setData(model.index(row, 0), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)


def _shown(tab: PlanTab, key: str, column: int) -> str:
    model = tab.goals.model
    return str(model.index_of(key).siblingAtColumn(column).data())


def test_start_a_plan_with_a_goal_and_an_objective_save_and_reopen(
    qtbot: QtBot, window: MainWindow, practice: dict[str, str]
) -> None:
    tab = _open_plan(window, practice["amira"])
    assert tab.pages.currentIndex() == EMPTY
    assert tab.empty.text().startswith("No treatment plan yet — start one")
    assert not tab.top.isVisible()
    tab.start_button.click()
    assert tab.pages.currentIndex() == EDITING
    assert tab.start_date.value() == window.open_vault.today()  # type: ignore[union-attr]
    tab.presenting_problems.setPlainText("Panic on buses since the spring.")
    _check_approach(tab, "Cognitive behavioural therapy (CBT)")
    goals = tab.goals
    editor = goals.item_editor
    goals.add_goal_button.click()
    qtbot.keyClicks(editor.goal_text, "Travel again")
    goals.add_objective_button.click()
    qtbot.keyClicks(editor.objective_text, "Rides two bus stops with SUDS below 40")
    target = window.open_vault.today() + timedelta(days=60)  # type: ignore[union-attr]
    editor.target.known.setChecked(True)
    editor.target.editor.setDate(qdate(target))
    editor.status.setCurrentIndex(editor.status.findData(ObjectiveStatus.IN_PROGRESS))
    editor.intervention_adder.setText("Graded exposure on the number 12")
    editor.intervention_adder.returnPressed.emit()
    assert tab.has_unsaved_changes
    assert treatment_plans.current_plan(_vault(window), practice["amira"]) is None

    qtbot.keyClick(tab.presenting_problems, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    stored = treatment_plans.current_plan(_vault(window), practice["amira"])
    assert stored is not None and stored.version == 1
    assert stored.details.presenting_problems == "Panic on buses since the spring."
    assert stored.details.approaches == ("Cognitive behavioural therapy (CBT)",)
    [goal] = stored.details.goals
    [objective] = goal.objectives
    assert goal.text == "Travel again"
    assert (objective.text, objective.target_date, objective.status, objective.interventions) == (
        "Rides two bus stops with SUDS below 40",
        target,
        ObjectiveStatus.IN_PROGRESS,
        ("Graded exposure on the number 12",),
    )
    assert tab.status.text().startswith("Saved")
    assert tab.version.currentText().startswith("Version 1 (current) · since")

    # Another client has no plan; coming back shows this one as it was saved.
    assert _open_plan(window, practice["bram"]).pages.currentIndex() == EMPTY
    tab = _open_plan(window, practice["amira"])
    assert tab.pages.currentIndex() == EDITING
    assert tab.presenting_problems.toPlainText() == "Panic on buses since the spring."
    assert tab.approaches.ticked() == ("Cognitive behavioural therapy (CBT)",)
    assert _shown(tab, goal.key, 0) == "Goal 1: Travel again"
    assert _shown(tab, objective.key, 0) == "1.1  Rides two bus stops with SUDS below 40"
    assert _shown(tab, objective.key, TARGET) == short_day(target)
    assert _shown(tab, objective.key, STATUS) == "In progress"
    assert _shown(tab, objective.key, WORKED_ON) == ""


def test_revising_starts_a_new_version_and_the_earlier_stays_readable_and_unchanged(
    qtbot: QtBot, window: MainWindow, practice: dict[str, str], dialogs: ScriptedDialogs
) -> None:
    treatment_plans.save_plan(_vault(window), practice["amira"], PLAN)
    tab = _open_plan(window, practice["amira"])
    assert tab.version.count() == 1 and not tab.version.isEnabled()
    tab.revise_button.click()
    assert ("confirm", "Revise the treatment plan?") in dialogs.asked
    versions = treatment_plans.plan_versions(_vault(window), practice["amira"])
    assert [plan.version for plan in versions] == [2, 1]
    assert tab.version.isEnabled()
    assert tab.version.itemText(0).startswith("Version 2 (current) · since")
    assert tab.version.itemText(1).startswith("Version 1 · ")

    # Version 2 changes; leaving the tab saves it.
    assert tab.goals.choose(BUS.key)
    editor = tab.goals.item_editor
    editor.objective_text.selectAll()
    qtbot.keyClicks(editor.objective_text, "Rides the bus into town with SUDS below 30")
    editor.status.setCurrentIndex(editor.status.findData(ObjectiveStatus.MET))
    window.workspace.clients.record.show_tab(client_record.CLINICAL)
    current, earlier = treatment_plans.plan_versions(_vault(window), practice["amira"])
    changed = current.details.goals[0].objectives[0]
    assert changed.text == "Rides the bus into town with SUDS below 30"
    assert changed.status is ObjectiveStatus.MET
    assert earlier.details == PLAN  # exactly as it was

    # The earlier version reads as a document, and cannot be changed.
    window.workspace.clients.record.show_tab(client_record.PLAN)
    tab.version.setCurrentIndex(1)
    assert tab.pages.currentIndex() == READING
    assert tab.document.isReadOnly()
    text = tab.document.toPlainText()
    assert "Version 1" in text and "Rides two bus stops with SUDS below 40" in text
    assert "SUDS below 30" not in text
    assert not tab.revise_button.isEnabled() and not tab.save_button.isEnabled()
    tab.version.setCurrentIndex(0)
    assert tab.pages.currentIndex() == EDITING
    assert tab.revise_button.isEnabled()


def test_an_objective_worked_on_in_a_note_is_counted_and_fixed_once_the_note_is_signed(
    window: MainWindow, practice: dict[str, str], dialogs: ScriptedDialogs
) -> None:
    treatment_plans.save_plan(_vault(window), practice["amira"], PLAN)
    workspace = window.workspace
    record = workspace.clients.record
    editor = record.sessions.editor

    # Bram has no plan: no list of objectives in his note.
    workspace.open_session(practice["bram"], practice["other"])
    assert not editor.objectives.isVisible()

    workspace.open_session(practice["amira"], practice["session"])
    assert editor.objectives.isVisible()
    model = editor.objectives.model
    assert [choice.text for choice in model.rows()] == [BUS.text, WALKS.text]
    model.setData(model.index(0, 0), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    editor.section_edit("subjective").setPlainText("Rode one stop with her sister.")
    assert editor.flush()
    note = progress_notes.get_note_for_session(_vault(window), practice["session"])
    assert note is not None
    assert treatment_plans.note_objectives(_vault(window), note.id) == (BUS.key,)

    record.show_tab(client_record.PLAN)
    session = therapy_sessions.get_session(_vault(window), practice["session"])
    worked = f"1 session, last {short_day(session.starts_at.astimezone().date())}"
    assert _shown(record.plan, BUS.key, WORKED_ON) == worked
    assert _shown(record.plan, WALKS.key, WORKED_ON) == ""
    assert record.plan.goals.choose(BUS.key)
    assert record.plan.goals.item_editor.worked_on.text().startswith("Worked on in 1 session")

    record.show_tab(client_record.SESSIONS)
    editor.sign_button.click()
    assert editor.pages.currentIndex() == 2  # the signed document
    document = editor.document.toPlainText()
    assert "Plan objectives worked on" in document and BUS.text in document
    assert WALKS.text not in document
    assert not editor.objectives.isVisible()
    with pytest.raises(NoteIsSigned):
        treatment_plans.set_note_objectives(_vault(window), note.id, ())


def test_a_note_held_after_a_failed_save_keeps_the_objectives_it_worked_on(
    window: MainWindow, practice: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    treatment_plans.save_plan(_vault(window), practice["amira"], PLAN)
    window.workspace.open_session(practice["amira"], practice["session"])
    editor = window.workspace.clients.record.sessions.editor
    monkeypatch.setattr(OpenVault, "save_draft", _disk_full)
    model = editor.objectives.model
    model.setData(model.index(1, 0), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    editor.section_edit("plan").setPlainText("Walk to the shop on Tuesday.")
    window.workspace.open_session(practice["bram"], practice["other"])  # moving on holds it
    assert len(window.drafts) == 1
    monkeypatch.undo()
    assert window.open_vault is not None
    assert window.drafts.save_all(window.open_vault) == []
    note = progress_notes.get_note_for_session(_vault(window), practice["session"])
    assert note is not None and note.content.sections["plan"] == "Walk to the shop on Tuesday."
    assert treatment_plans.note_objectives(_vault(window), note.id) == (WALKS.key,)


def test_a_joint_sessions_note_names_whose_objective_is_whose(
    window: MainWindow, practice: dict[str, str]
) -> None:
    vault = _vault(window)
    treatment_plans.save_plan(vault, practice["amira"], PLAN)
    own = treatment_plans.new_objective("Says no once a week without apologising")
    treatment_plans.save_plan(
        vault,
        practice["bram"],
        TreatmentPlanDetails(goals=(treatment_plans.new_goal("Assertiveness", [own]),)),
    )
    both = [practice["amira"], practice["bram"]]
    joint = therapy_sessions.schedule_session(
        vault, vault.now() - timedelta(hours=1), 60, SessionDetails(SessionKind.COUPLE), both
    )
    window.workspace.open_session(practice["amira"], joint.id)
    choices = window.workspace.clients.record.sessions.editor.objectives.model.rows()
    assert [choice.text for choice in choices] == [
        f"Amira Haddad: {BUS.text}",
        f"Amira Haddad: {WALKS.text}",
        f"Bram Okafor: {own.text}",
    ]


def test_plan_text_typed_just_before_a_lock_is_saved(
    qtbot: QtBot, window: MainWindow, practice: dict[str, str]
) -> None:
    tab = _open_plan(window, practice["amira"])
    tab.start_button.click()
    tab.presenting_problems.setPlainText("Typed a moment before the lock")
    window.lock()
    assert tab.presenting_problems.toPlainText() == ""  # nothing left on screen
    unlock(qtbot, window)
    stored = treatment_plans.current_plan(_vault(window), practice["amira"])
    assert stored is not None
    assert stored.details.presenting_problems == "Typed a moment before the lock"


def test_a_plan_that_cannot_be_saved_is_held_through_a_lock_and_saved_after(
    qtbot: QtBot, window: MainWindow, practice: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    tab = _open_plan(window, practice["amira"])
    tab.start_button.click()
    monkeypatch.setattr(treatment_plans, "save_plan", _disk_full)
    tab.presenting_problems.setPlainText("Words the full disk must not take")
    assert not tab.flush()
    assert tab.problem.isVisible() and "No space left on device" in tab.problem.text()
    assert tab.presenting_problems.toPlainText() == "Words the full disk must not take"
    window.lock()
    assert len(window.drafts) == 1
    monkeypatch.undo()
    unlock(qtbot, window)  # the window saves held drafts as it opens
    assert len(window.drafts) == 0
    stored = treatment_plans.current_plan(_vault(window), practice["amira"])
    assert stored is not None
    assert stored.details.presenting_problems == "Words the full disk must not take"


def test_a_held_plan_comes_back_when_its_client_is_opened_again(
    window: MainWindow, practice: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    treatment_plans.save_plan(_vault(window), practice["amira"], PLAN)
    tab = _open_plan(window, practice["amira"])
    monkeypatch.setattr(treatment_plans, "save_plan", _disk_full)
    tab.notes.setPlainText("Review with the GP in June")
    _open_plan(window, practice["bram"])
    assert len(window.drafts) == 1
    assert window.status_unsaved.text() == "1 draft not saved yet"
    tab = _open_plan(window, practice["amira"])
    assert tab.notes.toPlainText() == "Review with the GP in June"
    assert tab.status.text() == "Not saved yet" and len(window.drafts) == 0
    monkeypatch.undo()
    assert tab.flush()
    stored = treatment_plans.current_plan(_vault(window), practice["amira"])
    assert stored is not None and stored.details.notes == "Review with the GP in June"


def test_a_plan_the_vault_refuses_says_why_and_keeps_what_was_typed(
    qtbot: QtBot, window: MainWindow, practice: dict[str, str]
) -> None:
    treatment_plans.save_plan(_vault(window), practice["amira"], PLAN)
    tab = _open_plan(window, practice["amira"])
    assert tab.goals.choose(BUS.key)
    editor = tab.goals.item_editor
    editor.target.known.setChecked(True)
    editor.target.editor.setDate(qdate(date(2024, 3, 1)))  # before the plan's start
    assert not tab.flush()
    assert "before the plan's start date" in tab.problem.text()
    assert editor.target.value() == date(2024, 3, 1)
    editor.target.editor.setDate(qdate(date(2024, 5, 1)))
    assert tab.flush()
    assert not tab.problem.isVisible()
    stored = treatment_plans.current_plan(_vault(window), practice["amira"])
    assert stored is not None
    assert stored.details.goals[0].objectives[0].target_date == date(2024, 5, 1)


def test_goals_move_and_an_empty_one_is_not_saved(
    qtbot: QtBot, window: MainWindow, practice: dict[str, str]
) -> None:
    treatment_plans.save_plan(_vault(window), practice["amira"], PLAN)
    tab = _open_plan(window, practice["amira"])
    goals = tab.goals
    assert goals.choose(PLAN.goals[1].key)
    assert not goals.down_button.isEnabled()
    goals.up_button.click()
    goals.add_goal_button.click()  # left empty
    assert goals.model.rowCount() == 3
    assert tab.flush()
    stored = treatment_plans.current_plan(_vault(window), practice["amira"])
    assert stored is not None
    assert [goal.text for goal in stored.details.goals] == ["Lift low mood", "Travel again"]


def test_removing_asks_first_and_a_worked_on_objective_stays(
    window: MainWindow, practice: dict[str, str], dialogs: ScriptedDialogs
) -> None:
    vault = _vault(window)
    treatment_plans.save_plan(vault, practice["amira"], PLAN)
    note = progress_notes.save_draft(vault, practice["session"], NoteContent())
    treatment_plans.set_note_objectives(vault, note.id, [BUS.key])
    tab = _open_plan(window, practice["amira"])
    goals = tab.goals

    assert goals.choose(BUS.key)
    goals.remove_button.click()
    assert any("Set its status to Dropped instead" in text for text in dialogs.warnings())
    assert goals.model.index_of(BUS.key).isValid()

    assert goals.choose(WALKS.key)
    dialogs.confirm_answer = False
    goals.remove_button.click()
    assert ("confirm", "Remove this objective?") in dialogs.asked
    assert goals.model.index_of(WALKS.key).isValid()
    dialogs.confirm_answer = True
    goals.remove_button.click()
    assert not goals.model.index_of(WALKS.key).isValid()
    assert tab.flush()
    stored = treatment_plans.current_plan(vault, practice["amira"])
    assert stored is not None
    assert [o.text for o in stored.details.objectives()] == [BUS.text]


def test_an_approach_added_here_joins_the_pick_list(
    window: MainWindow, practice: dict[str, str]
) -> None:
    tab = _open_plan(window, practice["amira"])
    tab.start_button.click()
    adder = tab.approaches.adder
    assert adder is not None
    adder.setText("Compassion-focused therapy")
    adder.returnPressed.emit()
    assert tab.flush()
    assert "Compassion-focused therapy" in terms.terms(_vault(window), TermCategory.APPROACH)
    stored = treatment_plans.current_plan(_vault(window), practice["amira"])
    assert stored is not None and stored.details.approaches == ("Compassion-focused therapy",)


def test_every_control_of_the_plan_is_named_and_tabs_in_reading_order(
    window: MainWindow, practice: dict[str, str]
) -> None:
    treatment_plans.save_plan(_vault(window), practice["amira"], PLAN)
    tab = _open_plan(window, practice["amira"])
    assert tab.goals.choose(BUS.key)
    assert _unnamed_focusable(window) == []
    tab.start_date.known.setFocus()
    order = [tab.start_date.known.accessibleName()]
    for _ in range(14):
        window.focusNextChild()
        order.append(window.focusWidget().accessibleName())
    assert order == [
        "Start date is known",
        "Start date",
        "Review date is known",
        "Review date",
        "Presenting problems",
        "Approaches",
        "Add an approach",
        "Plan notes",
        "Goals and objectives",
        "Add a goal",
        "Add an objective to the goal",
        # (the goal's only objective moves neither up nor down)
        "Remove from the plan",
        "Objective",
        "Target date is known",
        "Objective status",
    ]


def test_the_plan_tree_passes_qts_model_checks(qtmodeltester: ModelTester) -> None:
    model = PlanTreeModel()
    qtmodeltester.check(model)
    model.set_goals(PLAN.goals)
    qtmodeltester.check(model)
    model.set_goals(())
    qtmodeltester.check(model)
