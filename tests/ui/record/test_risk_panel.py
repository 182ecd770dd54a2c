"""Risk assessments, the header's risk banner, the safety plan (saved and printed) and
significant dates on the overview, driven through the window."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDialog, QWidget
from pytestqt.qtbot import QtBot

from tests.conftest import PASSPHRASE
from tests.ui.conftest import ScriptedDialogs, answer_next_dialog, tab_chain, unlock
from tests.ui.test_accessibility import _unnamed_focusable
from therapist_desk.clinical import measures, risk, significant_dates
from therapist_desk.domain.records import (
    ClientDetails,
    MeasureDetails,
    NoteContent,
    RiskAssessmentDetails,
    SessionDetails,
    SignificantDateDetails,
)
from therapist_desk.domain.vocabulary import (
    AuditKind,
    Ideation,
    MeasureKind,
    NoteFormat,
    RiskLevel,
)
from therapist_desk.records import clients, progress_notes, therapy_sessions
from therapist_desk.ui.main_window import MainWindow
from therapist_desk.ui.printing.pages import pdf_bytes
from therapist_desk.ui.record import client_record
from therapist_desk.ui.record.client_record import ClientRecord
from therapist_desk.ui.record.clinical.risk_assessment_dialog import RiskAssessmentDialog
from therapist_desk.ui.record.clinical.risk_panel import RiskPanel
from therapist_desk.ui.record.clinical.significant_date_dialog import SignificantDateDialog
from therapist_desk.vault import Secret, Vault, audit, unlock_vault
from therapist_desk.vault.paths import VaultPaths

WindowMaker = Callable[[VaultPaths], MainWindow]
needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils is installed by .ci/run"
)

#: A typical plan: a few lines in every part, in the client's words.
PLAN = {
    "warning_signs": "Not sleeping for two nights\nCancelling on friends\nThinking 'why bother'",
    "coping_strategies": "Walk the dog along the harbour\nCold shower\nBox breathing for 5 minutes",
    "distractions": "Café on Arwenack Street\nMy sister Lina's kitchen\nThe climbing wall",
    "people_to_ask": "Lina (sister) 07700 900123\nSam (friend) 07700 900456",
    "professionals": "Dr Morgan 01326 555 0142\nGP out of hours 111\nSamaritans 116 123",
    "safe_environment": "Lina keeps my tablets and gives me a week at a time\nNo alcohol at home",
    "reasons_for_living": "My daughter Noor\nFinishing the boat with Dad",
}


def _setup(paths: VaultPaths, prepare: Callable[[Vault, str], None] | None = None) -> str:
    with unlock_vault(paths, Secret(passphrase=PASSPHRASE)) as vault:
        client = clients.create_client(
            vault,
            ClientDetails(legal_name="Amira Haddad", name_in_letters="Amira Haddad"),
        )
        if prepare is not None:
            prepare(vault, client.id)
        return client.id


def _open(
    qtbot: QtBot, make_window: WindowMaker, paths: VaultPaths, client_id: str
) -> tuple[MainWindow, ClientRecord]:
    window = make_window(paths)
    unlock(qtbot, window)
    window.workspace.show_client(client_id)
    return window, window.workspace.clients.record


def _show_risk_panel(record: ClientRecord) -> RiskPanel:
    """The risk panel, on whichever tab hosts it."""
    panel = record.findChild(RiskPanel)
    assert isinstance(panel, RiskPanel)
    for index in range(record.tabs.count()):
        page = record.tabs.widget(index)
        if page is not None and page.isAncestorOf(panel):
            record.tabs.setCurrentIndex(index)
            return panel
    raise AssertionError("the risk panel is on no tab")


def _answer(kind: type[QDialog], act: Callable[[Any], None], seen: dict[str, Any]) -> None:
    """Answer the next dialog with `act`, always closing it; a failed check is kept in `seen`."""

    def fill(dialog: QDialog) -> None:
        try:
            assert isinstance(dialog, kind), type(dialog).__name__
            act(dialog)
        except Exception as error:  # noqa: BLE001 - raised again once exec has returned
            seen["error"] = error
        finally:
            if dialog.isVisible():
                dialog.reject()

    answer_next_dialog(fill)


def _raise_from(seen: dict[str, Any]) -> None:
    if "error" in seen:
        raise seen["error"]


def _flagged_note(vault: Vault, client_id: str, days_ago: int) -> None:
    when = vault.now() - timedelta(days=days_ago)
    session = therapy_sessions.schedule_session(vault, when, 50, SessionDetails(), [client_id])
    progress_notes.save_draft(
        vault,
        session.id,
        NoteContent(NoteFormat.FREE, {"note": "Spoke about last weekend."}, risk_flag=True),
    )


def test_a_high_risk_assessment_raises_the_banner_above_the_phq9_alert_and_the_note_flag(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    def prepare(vault: Vault, client_id: str) -> None:
        _flagged_note(vault, client_id, days_ago=2)
        measures.add_measure(
            vault,
            client_id,
            MeasureDetails(MeasureKind.PHQ9, date.today() - timedelta(days=1), (2,) * 8 + (3,)),
        )

    client_id = _setup(existing_vault, prepare)
    window, record = _open(qtbot, make_window, existing_vault, client_id)
    banner = record.risk_banner
    assert banner.isVisible()
    assert (
        banner.text()
        .splitlines()[0]
        .endswith("item 9 (thoughts of self-harm) answered ‘Nearly every day’ — assess risk.")
    )
    assert banner.text().splitlines()[1].startswith("Risk concern noted in the session of")
    assert "font-weight: 600" not in banner.styleSheet()
    assert record.overview.risk_level.text().startswith("Not assessed yet")
    assert record.overview.safety_plan.text() == "No safety plan yet (under Clinical)."

    panel = _show_risk_panel(record)
    assert panel.empty.isVisible()
    seen: dict[str, Any] = {}

    def assess(dialog: RiskAssessmentDialog) -> None:
        dialog.ideation.buttons[Ideation.ACTIVE].click()
        dialog.ideation_details.setPlainText("Daily thoughts of dying since the weekend.")
        dialog.plan.yes.click()
        dialog.plan.details.setText("Has thought about tablets")
        dialog.means.yes.click()
        dialog.protective.setPlainText("Her daughter; wants to finish the boat.")
        dialog.level.buttons[RiskLevel.HIGH].click()
        seen["actions label"] = dialog.actions_label.text()
        dialog.save_button.click()  # no actions yet: refused
        seen["refused"] = dialog.problems.text()
        dialog.actions_taken.setPlainText("Safety plan reviewed; GP informed by phone.")
        dialog.save_button.click()
        seen["result"] = dialog.result()

    _answer(RiskAssessmentDialog, assess, seen)
    panel.new_button.click()
    _raise_from(seen)
    assert seen["actions label"] == "Actions taken *"
    assert "needs the actions taken" in seen["refused"]
    assert seen["result"] == QDialog.DialogCode.Accepted

    today = window.open_vault.today() if window.open_vault else date.today()
    saved = risk.current_risk(window.open_vault.vault, client_id)  # type: ignore[union-attr]
    assert saved is not None
    assert saved.details.ideation is Ideation.ACTIVE and saved.details.has_plan
    assert saved.details.access_to_means and not saved.details.has_intent
    assert saved.details.assessed_on == today
    lines = banner.text().splitlines()
    assert lines[0].startswith("High risk — assessed ")
    assert "assess risk" not in lines[1] and "risk assessed since" in lines[1]
    assert lines[2].startswith("Risk concern noted in the session of")
    assert "font-weight: 600" in banner.styleSheet()  # high and imminent stand out
    assert panel.model.rowCount() == 1
    row = [panel.model.index(0, column).data() for column in range(4)]
    assert row[1:3] == ["High", "Active ideation · plan · no intent · access to means"]
    assert panel.current.text().startswith("Current risk: high (assessed ")
    record.show_tab(client_record.SESSIONS)
    record.show_tab(client_record.OVERVIEW)
    assert record.overview.risk_level.text().startswith("High — assessed ")


def test_a_low_risk_assessment_is_a_quiet_line_and_correcting_it_updates_the_banner(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    def prepare(vault: Vault, client_id: str) -> None:
        risk.add_risk_assessment(
            vault,
            client_id,
            RiskAssessmentDetails(assessed_on=date.today() - timedelta(days=1)),
        )

    client_id = _setup(existing_vault, prepare)
    _window, record = _open(qtbot, make_window, existing_vault, client_id)
    banner = record.risk_banner
    assert banner.isVisible()
    assert banner.text().startswith("Latest risk assessment: low (")
    assert "background" not in banner.styleSheet()  # quiet: no coloured box
    panel = _show_risk_panel(record)
    panel.table.selectRow(0)
    seen: dict[str, Any] = {}

    def correct(dialog: RiskAssessmentDialog) -> None:
        seen["title"] = dialog.windowTitle()
        dialog.level.buttons[RiskLevel.MODERATE].click()
        dialog.intent.yes.click()
        dialog.save_button.click()

    _answer(RiskAssessmentDialog, correct, seen)
    panel.open_button.click()
    _raise_from(seen)
    assert seen["title"].endswith("(correcting)")
    assert banner.text().startswith("Moderate risk — assessed ")
    assert "background" in banner.styleSheet() and "font-weight: 600" not in banner.styleSheet()
    assert panel.model.rowCount() == 1  # corrected in place, not a second assessment


def test_the_safety_plan_is_saved_as_typed_and_kept_when_moving_on(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    client_id = _setup(existing_vault)
    other = _setup(existing_vault)
    window, record = _open(qtbot, make_window, existing_vault, client_id)
    panel = _show_risk_panel(record)
    editor = panel.safety_plan
    assert not editor.print_button.isEnabled()  # nothing to print yet
    for name, text in PLAN.items():
        editor.fields[name].setPlainText(text)
    assert editor.print_button.isEnabled()
    assert editor.status.text() == "Editing…"
    window.workspace.show_client(other)  # moving on saves
    assert window.open_vault is not None
    plan = risk.get_safety_plan(window.open_vault.vault, client_id)
    assert plan is not None
    assert plan.details.reasons_for_living == PLAN["reasons_for_living"]
    assert plan.details.people_to_ask == PLAN["people_to_ask"]
    assert editor.fields["warning_signs"].toPlainText() == ""  # the other client's (empty) plan
    window.workspace.show_client(client_id)
    _show_risk_panel(record)
    assert editor.fields["safe_environment"].toPlainText() == PLAN["safe_environment"]
    assert editor.status.text().startswith("Saved ")
    # An edit then a lock: saved before the vault closes.
    editor.fields["coping_strategies"].setPlainText("Walk the dog\nCall Lina")
    window.lock()
    assert editor.fields["coping_strategies"].toPlainText() == ""  # nothing left on screen
    unlock(qtbot, window)
    assert window.open_vault is not None
    kept = risk.get_safety_plan(window.open_vault.vault, client_id)
    assert kept is not None and kept.details.coping_strategies == "Walk the dog\nCall Lina"


def _pdf_pages(data: bytes, tmp_path: Path) -> list[str]:
    target = tmp_path / "plan.pdf"
    target.write_bytes(data)
    text = subprocess.run(
        ["pdftotext", "-layout", str(target), "-"], check=True, capture_output=True, text=True
    ).stdout
    return text.split("\f")[:-1]


@needs_poppler
def test_the_safety_plan_prints_on_one_page_with_every_part_and_the_disclosure_is_recorded(
    qtbot: QtBot,
    make_window: WindowMaker,
    existing_vault: VaultPaths,
    dialogs: ScriptedDialogs,
    tmp_path: Path,
) -> None:
    client_id = _setup(existing_vault)
    window, record = _open(qtbot, make_window, existing_vault, client_id)
    editor = _show_risk_panel(record).safety_plan
    for name, text in PLAN.items():
        editor.fields[name].setPlainText(text)
    editor.print_button.click()
    assert len(dialogs.printed_documents) == 1
    document, paper = dialogs.printed_documents[0]
    assert window.open_vault is not None
    assert paper == window.open_vault.paper_size
    assert document.title == "Safety plan – Amira Haddad"
    pages = _pdf_pages(pdf_bytes(document, paper), tmp_path)
    assert len(pages) == 1, "a typical safety plan fits on one page"
    saved_plan = risk.get_safety_plan(window.open_vault.vault, client_id)
    assert saved_plan is not None
    plan_day = saved_plan.updated_at.astimezone().date()
    page = " ".join(pages[0].split())
    for heading in (
        "My safety plan",
        "Amira · made with",  # her own name, not the letters' formal one
        f"agreed {plan_day.day} {plan_day:%B %Y}",
        "1. Warning signs that a crisis may be starting",
        "2. Things I can do on my own to take my mind off my problems",
        "3. People and places that help me feel better",
        "4. People I can ask for help",
        "5. Professionals and crisis lines I can contact",
        "6. Making my surroundings safe",
        "The things most important to me, worth living for",
        "In an emergency, call the emergency services",
        "Page 1 of 1",
    ):
        assert heading in page, heading
    for text in PLAN.values():
        for line in text.splitlines():
            assert " ".join(line.split()) in page, line

    plan = risk.get_safety_plan(window.open_vault.vault, client_id)
    assert plan is not None
    disclosures = [
        event.details
        for event in audit.events(window.open_vault.vault)
        if event.details.kind is AuditKind.DISCLOSURE
    ]
    assert [(d.record_id, d.detail) for d in disclosures] == [(plan.id, "safety plan, printed")]

    dialogs.save_path = tmp_path / "amira-plan"
    editor.pdf_button.click()
    saved = tmp_path / "amira-plan.pdf"
    assert saved.read_bytes().startswith(b"%PDF")
    newest_first = [
        event.details.detail
        for event in audit.events(window.open_vault.vault, kind=AuditKind.DISCLOSURE)
    ]
    assert newest_first == ["safety plan, saved as PDF: amira-plan.pdf", "safety plan, printed"]


def test_a_plan_too_long_for_one_page_is_not_printed_without_a_warning(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths, dialogs: ScriptedDialogs
) -> None:
    client_id = _setup(existing_vault)
    _window, record = _open(qtbot, make_window, existing_vault, client_id)
    editor = _show_risk_panel(record).safety_plan
    endless = "\n".join(f"Something that helps, number {n}" for n in range(40))
    for name in PLAN:
        editor.fields[name].setPlainText(endless)
    dialogs.confirm_answer = False
    editor.print_button.click()
    assert ("confirm", "The safety plan does not fit on one page") in dialogs.asked
    assert dialogs.printed_documents == []  # the therapist chose to shorten it
    dialogs.confirm_answer = True
    editor.print_button.click()
    assert len(dialogs.printed_documents) == 1  # on more pages, as agreed


def test_a_cancelled_print_records_no_disclosure(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths, dialogs: ScriptedDialogs
) -> None:
    client_id = _setup(existing_vault)
    window, record = _open(qtbot, make_window, existing_vault, client_id)
    editor = _show_risk_panel(record).safety_plan
    editor.fields["people_to_ask"].setPlainText("Lina 07700 900123")
    dialogs.print_answer = False
    editor.print_button.click()
    assert ("print", "Safety plan – Amira Haddad") in dialogs.asked
    assert window.open_vault is not None
    kinds = [event.details.kind for event in audit.events(window.open_vault.vault)]
    assert AuditKind.DISCLOSURE not in kinds
    assert risk.get_safety_plan(window.open_vault.vault, client_id) is not None  # saved first


def test_a_significant_date_added_on_the_overview_shows_as_coming_up(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths, dialogs: ScriptedDialogs
) -> None:
    def prepare(vault: Vault, client_id: str) -> None:
        significant_dates.add_significant_date(
            vault,
            client_id,
            SignificantDateDetails(
                "Wedding anniversary", date.today() + timedelta(days=200), remind_days_before=7
            ),
        )

    client_id = _setup(existing_vault, prepare)
    window, record = _open(qtbot, make_window, existing_vault, client_id)
    overview = record.overview
    assert overview.dates_model.rowCount() == 1
    assert not overview.upcoming.isVisible()  # the anniversary is far off
    death = date.today().replace(year=date.today().year - 3) + timedelta(days=5)
    seen: dict[str, Any] = {}

    def add(dialog: SignificantDateDialog) -> None:
        dialog.what.setText("Anniversary of her father's death")
        dialog.falls_on.setDate(QDate(death.year, death.month, death.day))
        seen["yearly"] = dialog.yearly.isChecked()
        dialog.remind.setValue(10)
        dialog.save_button.click()

    _answer(SignificantDateDialog, add, seen)
    overview.add_date_button.click()
    _raise_from(seen)
    assert seen["yearly"] is True
    assert overview.dates_model.rowCount() == 2
    assert overview.upcoming.isVisible()
    assert overview.upcoming.text().startswith("Coming up: Anniversary of her father's death — ")
    assert "in 5 days" in overview.upcoming.text() and "3rd anniversary" in overview.upcoming.text()

    row = next(
        r
        for r in range(overview.dates_model.rowCount())
        if overview.dates_model.record_at(r).details.label.startswith("Wedding")
    )
    overview.dates_table.selectRow(row)
    overview.remove_date_button.click()
    assert ("confirm", "Remove this date?") in dialogs.asked
    assert window.open_vault is not None
    left = significant_dates.list_significant_dates(window.open_vault.vault, client_id)
    assert [entry.details.label for entry in left] == ["Anniversary of her father's death"]
    assert overview.dates_model.rowCount() == 1


def test_tab_order_in_the_risk_panel_follows_reading_order(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    def prepare(vault: Vault, client_id: str) -> None:
        risk.add_risk_assessment(vault, client_id, RiskAssessmentDetails(assessed_on=date.today()))

    _window, record = _open(qtbot, make_window, existing_vault, _setup(existing_vault, prepare))
    panel = _show_risk_panel(record)
    plan = panel.safety_plan
    plan.fields["reasons_for_living"].setPlainText("Noor")  # printing is possible now
    expected: list[QWidget] = [panel.new_button, panel.open_button, panel.table, plan.save_button]
    expected += [plan.print_button, plan.pdf_button, *plan.fields.values()]
    seen = tab_chain(panel.new_button, len(expected))
    assert [widget.accessibleName() for widget in seen] == [
        widget.accessibleName() for widget in expected
    ]


def test_every_control_of_the_risk_and_date_dialogs_is_named_and_they_fit_the_screen(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    _window, record = _open(qtbot, make_window, existing_vault, _setup(existing_vault))
    found: dict[str, Any] = {}

    def look(dialog: QDialog) -> None:
        found[dialog.windowTitle()] = (_unnamed_focusable(dialog), dialog.size())

    _answer(QDialog, look, found)
    record.overview.add_date_button.click()
    _raise_from(found)
    _answer(QDialog, look, found)
    _show_risk_panel(record).new_button.click()
    _raise_from(found)
    assert sorted(found) == ["New risk assessment", "New significant date"]
    for title, (unnamed, size) in found.items():
        assert unnamed == [], title
        assert size.width() <= 1366 and size.height() <= 700, title


def test_a_safety_plan_that_cannot_be_saved_is_held_and_comes_back(
    qtbot: QtBot,
    make_window: WindowMaker,
    existing_vault: VaultPaths,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client_id = _setup(existing_vault)
    other = _setup(existing_vault)
    window, record = _open(qtbot, make_window, existing_vault, client_id)
    editor = _show_risk_panel(record).safety_plan
    editor.fields["people_to_ask"].setPlainText("Lina 07700 900123")

    def disk_full(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(risk, "save_safety_plan", disk_full)
    window.workspace.show_client(other)  # the save fails: the text is held, not dropped
    assert len(window.drafts) == 1
    assert "a safety plan: No space left on device" in window.drafts.describe()
    monkeypatch.undo()
    window.workspace.show_client(client_id)
    _show_risk_panel(record)
    assert editor.fields["people_to_ask"].toPlainText() == "Lina 07700 900123"
    assert editor.status.text() == "Not saved yet: No space left on device"
    assert len(window.drafts) == 0  # back in its editor, which saves it
    editor.save_button.click()
    assert window.open_vault is not None
    plan = risk.get_safety_plan(window.open_vault.vault, client_id)
    assert plan is not None and plan.details.people_to_ask == "Lina 07700 900123"
