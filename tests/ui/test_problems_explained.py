"""What the vault refuses is explained in full: each problem with what was typed, a line each."""

from __future__ import annotations

from collections.abc import Callable

from pytestqt.qtbot import QtBot

from tests.ui.conftest import ScriptedDialogs, unlock
from therapist_desk.records.terms import MAX_TERM_LENGTH
from therapist_desk.ui.common.practice_form import PracticeForm
from therapist_desk.ui.locked.first_run import FirstRunScreen
from therapist_desk.ui.main_window import MainWindow
from therapist_desk.vault.paths import VaultPaths

WindowMaker = Callable[[VaultPaths], MainWindow]

CURRENCY_PROBLEM = "The currency is a three-letter code such as GBP, EUR or USD."


def _two_problems(form: PracticeForm) -> None:
    form.practice_name.setText("Harbour Lane Therapy " * 120)  # far past the limit
    form.currency.setText("£")


def test_the_first_runs_practice_profile_lists_every_problem(
    qtbot: QtBot, vault_paths: VaultPaths, dialogs: ScriptedDialogs
) -> None:
    screen = FirstRunScreen(vault_paths, dialogs)
    qtbot.addWidget(screen)
    saved: list[object] = []
    screen.practice_saved.connect(saved.append)
    _two_problems(screen.practice_form)
    screen.practice_done.click()
    lines = screen.practice_error.text().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("Practice name is too long")
    assert lines[1] == CURRENCY_PROBLEM
    assert saved == []  # nothing was handed to the window to save

    screen.practice_form.clear()
    screen.practice_done.click()
    assert screen.practice_error.text() == ""
    assert len(saved) == 1


def test_settings_lists_every_problem_with_the_practice_profile(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    window = make_window(existing_vault)
    unlock(qtbot, window)
    settings = window.workspace.settings
    _two_problems(settings.practice_form)
    settings.save_practice.click()
    lines = settings.practice_status.text().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("Not saved: Practice name is too long")
    assert lines[1] == CURRENCY_PROBLEM


def test_a_refused_term_says_why_once(
    qtbot: QtBot,
    make_window: WindowMaker,
    existing_vault: VaultPaths,
    dialogs: ScriptedDialogs,
) -> None:
    window = make_window(existing_vault)
    unlock(qtbot, window)
    settings = window.workspace.settings
    settings.term.setText("x" * (MAX_TERM_LENGTH + 1))
    settings.add_term.click()
    assert dialogs.warnings() == [
        "The term was not added: The term is too long "
        f"({MAX_TERM_LENGTH + 1} characters; at most {MAX_TERM_LENGTH})."
    ]
