"""The letter template editor in Settings: check, save, reset, fields and the preview."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from tests.core.sharing.referral_practice import ReferralPractice, build_referral_practice
from tests.ui.conftest import ScriptedDialogs, answer_next_dialog, unlock
from therapist_desk.letters import letters
from therapist_desk.letters.rendering import shipped_template
from therapist_desk.ui.main_window import MainWindow
from therapist_desk.ui.open_vault import OpenVault
from therapist_desk.ui.places.template_editor import TemplateEditor
from therapist_desk.vault.paths import VaultPaths

BROKEN = (
    "<p>Dear {{ recipient.salutation }},</p>\n<p>{% if client.legal_name %}</p>\n<p>Yours</p>\n"
)
UNKNOWN_FIELD = "<p>Dear {{ recipient.salutation }},</p>\n<p>{{ client.shoe_size }}</p>\n"


@pytest.fixture
def window(
    qtbot: QtBot, make_window: Callable[[VaultPaths], MainWindow], existing_vault: VaultPaths
) -> MainWindow:
    made = make_window(existing_vault)
    unlock(qtbot, made)
    return made


@pytest.fixture
def open_vault(window: MainWindow) -> OpenVault:
    assert window.open_vault is not None
    return window.open_vault


@pytest.fixture
def editor(
    qtbot: QtBot, open_vault: OpenVault, dialogs: ScriptedDialogs
) -> Iterator[TemplateEditor]:
    made = TemplateEditor(open_vault, dialogs)
    qtbot.addWidget(made)
    made.show()
    yield made
    made.close()


def test_check_shows_the_first_problem_with_its_line_and_puts_the_cursor_there(
    editor: TemplateEditor,
) -> None:
    editor.choose("referral_letter")
    editor.editor.setPlainText(UNKNOWN_FIELD)
    assert not editor.check()
    assert "Referral letter, line 2" in editor.problem.text()
    assert "shoe_size" in editor.problem.text()
    assert editor.editor.textCursor().blockNumber() == 1  # line 2
    assert editor.position.text().startswith("Line 2")
    assert editor.preview.document is None

    editor.editor.setPlainText(shipped_template("referral_letter.html"))
    assert editor.check()
    assert "No problems" in editor.problem.text()
    assert editor.preview.document is not None
    assert "Dear Dr Shah" in editor.preview.document.body_html  # the sample recipient


@pytest.mark.parametrize(
    ("branch", "line"),
    [
        ('{% if referral.urgency == "urgent" %}', "<p>{{ referral.urgncy }}</p>"),
        ("{% if referral.letter_text %}", "<p>{{ referral.letter_txt }}</p>"),
        ("{% if not consent.in_force %}", "<p>{{ consent.scoop }}</p>"),
    ],
)
def test_check_finds_a_typo_in_a_branch_the_sample_never_enters(
    editor: TemplateEditor, branch: str, line: str
) -> None:
    editor.choose("referral_letter")
    editor.editor.setPlainText(
        f"<p>Dear {{{{ recipient.salutation }}}},</p>\n{branch}\n{line}\n{{% endif %}}\n"
    )
    assert not editor.check()
    assert "Referral letter, line 3" in editor.problem.text()
    assert editor.editor.textCursor().blockNumber() == 2  # line 3
    assert editor.preview.document is None


def test_save_refuses_a_broken_template_with_its_line(
    editor: TemplateEditor, open_vault: OpenVault
) -> None:
    editor.choose("referral_summary")
    editor.editor.setPlainText(BROKEN)
    assert not editor.save()
    problem = editor.problem.text()
    assert "Referral summary" in problem and "line" in problem
    assert "endif" in problem or "end of template" in problem
    assert not letters.get_template(open_vault.vault, "referral_summary").customised
    assert editor.unsaved


def test_a_general_letter_may_not_use_referral_fields(
    editor: TemplateEditor, open_vault: OpenVault
) -> None:
    editor.choose("general_letter")
    editor.editor.setPlainText("<p>{{ letter.text }}</p>\n<p>{{ referral.reason }}</p>\n")
    assert not editor.save()
    assert "General letter, line 2" in editor.problem.text()
    assert not letters.get_template(open_vault.vault, "general_letter").customised


def test_a_good_template_is_saved_and_used_by_the_next_letter(
    editor: TemplateEditor, open_vault: OpenVault
) -> None:
    practice: ReferralPractice = build_referral_practice(open_vault.vault)
    editor.choose("referral_letter")
    source = shipped_template("referral_letter.html").replace(
        "<p>Yours sincerely,</p>", "<p>With warm regards from the harbour,</p>"
    )
    editor.editor.setPlainText(source)
    assert editor.save()
    assert editor.state.text() == "Your practice's own version."
    assert not editor.unsaved
    letter = letters.referral_letter(open_vault.vault, practice.referral_id, open_vault.today())
    assert "With warm regards from the harbour," in letter.body_html
    assert "Yours sincerely" not in letter.body_html


def test_reset_asks_first_and_restores_the_default(
    editor: TemplateEditor, open_vault: OpenVault, dialogs: ScriptedDialogs
) -> None:
    letters.save_template(open_vault.vault, "general_letter", "<p>{{ letter.text }}</p>\n")
    editor.choose("general_letter")
    assert editor.editor.toPlainText() == "<p>{{ letter.text }}</p>\n"
    dialogs.confirm_answer = False
    assert not editor.reset()
    assert letters.get_template(open_vault.vault, "general_letter").customised
    dialogs.confirm_answer = True
    assert editor.reset()
    assert ("confirm", "Reset to the shipped default?") in dialogs.asked
    assert editor.editor.toPlainText() == shipped_template("general_letter.html")
    assert not letters.get_template(open_vault.vault, "general_letter").customised
    assert editor.state.text() == "The shipped default."


def test_the_fields_are_listed_and_a_double_click_inserts_one(
    qtbot: QtBot, editor: TemplateEditor
) -> None:
    editor.choose("referral_summary")
    rows = editor.fields_model.stringList()
    names = [row.split("\n")[0] for row in rows]
    for field in ("client.legal_name", "recipient.salutation", "referral.reason", "today"):
        assert field in names
    assert "summary.sections" in names
    assert "letter.text" not in names  # a summary is not given a general letter's fields
    editor.editor.setPlainText("")
    editor.fields.setCurrentIndex(editor.fields_model.index(names.index("client.legal_name")))
    editor.fields.doubleClicked.emit(editor.fields.currentIndex())
    assert editor.editor.toPlainText() == "{{ client.legal_name }}"


def test_switching_away_from_unsaved_changes_asks(
    editor: TemplateEditor, dialogs: ScriptedDialogs
) -> None:
    editor.choose("referral_letter")
    editor.editor.setPlainText("<p>changed</p>")
    dialogs.confirm_answer = False
    editor.choose("general_letter")
    assert editor.template.currentData() == "referral_letter"
    assert editor.editor.toPlainText() == "<p>changed</p>"
    dialogs.confirm_answer = True
    editor.choose("general_letter")
    assert editor.editor.toPlainText() == shipped_template("general_letter.html")


def test_settings_opens_the_editor(qtbot: QtBot, window: MainWindow) -> None:
    seen: list[str] = []

    def look(dialog: QDialog) -> None:
        assert isinstance(dialog, TemplateEditor)
        seen.append(dialog.template.currentText())
        dialog.reject()

    answer_next_dialog(look)
    window.workspace.settings.edit_templates.click()
    assert seen == ["Referral letter"]


def test_locking_closes_the_editor_without_asking_over_the_lock(
    qtbot: QtBot, window: MainWindow, dialogs: ScriptedDialogs
) -> None:
    seen: list[str] = []

    def edit_then_lock(dialog: QDialog) -> None:
        assert isinstance(dialog, TemplateEditor)
        dialog.editor.setPlainText("<p>half written</p>")
        seen.append("open")
        window.lock()

    answer_next_dialog(edit_then_lock)
    window.workspace.settings.edit_templates.click()
    assert seen == ["open"]
    assert not [kind for kind, _title in dialogs.asked if kind == "confirm"]
    assert not [w for w in window.findChildren(TemplateEditor) if w.isVisible()]
