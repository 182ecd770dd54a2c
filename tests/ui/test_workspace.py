"""Today, the client list, joint sessions, privacy mode and search staying current."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.conftest import PASSPHRASE, MoveClock
from tests.ui.conftest import ScriptedDialogs, unlock, wait_for_index
from therapist_desk.domain.records import ClientDetails, NoteContent, SessionDetails
from therapist_desk.domain.vocabulary import Attendance, ClientStatus, SessionKind
from therapist_desk.records import clients, progress_notes, therapy_sessions
from therapist_desk.search.index import HitKind
from therapist_desk.ui.main_window import MainWindow
from therapist_desk.ui.record import client_record
from therapist_desk.vault import Secret, unlock_vault
from therapist_desk.vault.paths import VaultPaths

WindowMaker = Callable[[VaultPaths], MainWindow]


def _practice(paths: VaultPaths) -> dict[str, str]:
    """Two partners seen together today, one of them also yesterday with no note yet."""
    with unlock_vault(paths, Secret(passphrase=PASSPHRASE)) as vault:
        rosa = clients.create_client(
            vault, ClientDetails(legal_name="Rosalind Achterberg", status=ClientStatus.ACTIVE)
        )
        ivo = clients.create_client(
            vault, ClientDetails(legal_name="Ivo Achterberg", status=ClientStatus.ACTIVE)
        )
        now = vault.now()
        joint = therapy_sessions.schedule_session(
            vault,
            now + timedelta(minutes=30),
            60,
            SessionDetails(kind=SessionKind.COUPLE),
            [rosa.id, ivo.id],
        )
        yesterday = therapy_sessions.schedule_session(
            vault, now - timedelta(days=1), 50, SessionDetails(), [rosa.id]
        )
        therapy_sessions.set_attendance(vault, yesterday.id, rosa.id, Attendance.ATTENDED)
        cancelled = therapy_sessions.schedule_session(
            vault, now - timedelta(days=2), 50, SessionDetails(), [ivo.id]
        )
        therapy_sessions.set_attendance(vault, cancelled.id, ivo.id, Attendance.CANCELLED)
        return {"rosa": rosa.id, "ivo": ivo.id, "joint": joint.id, "yesterday": yesterday.id}


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 12, 31, 23, 50, tzinfo=ZoneInfo("Europe/London")),  # the year's end
        datetime(2028, 2, 29, 23, 45, tzinfo=ZoneInfo("Europe/London")),  # a leap day
        # The clocks go back an hour at 02:00 BST: half an hour on is still the same night.
        datetime(2026, 10, 25, 1, 40, tzinfo=ZoneInfo("Europe/London")),
    ],
)
def test_a_session_half_an_hour_away_is_shown_on_its_own_day(
    qtbot: QtBot,
    make_window: WindowMaker,
    existing_vault: VaultPaths,
    clock_at: MoveClock,
    moment: datetime,
) -> None:
    clock_at(moment)
    ids = _practice(existing_vault)
    window = make_window(existing_vault)
    unlock(qtbot, window)
    today = window.workspace.today
    qtbot.waitUntil(lambda: today.notes_due.model.rowCount() > 0, timeout=5_000)
    starts = therapy_sessions.get_session(window.open_vault.vault, ids["joint"]).starts_at  # type: ignore[union-attr]
    on_today = [line.session.id for line in today.today.model.rows()]
    coming = [line.session.id for line in today.upcoming.model.rows()]
    if starts.astimezone().date() == moment.date():
        assert ids["joint"] in on_today
    else:
        assert ids["joint"] in coming and ids["joint"] not in on_today
    assert [line.session.id for line in today.notes_due.model.rows()] == [ids["yesterday"]]


def test_today_lists_sessions_and_the_notes_still_to_write(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    ids = _practice(existing_vault)
    window = make_window(existing_vault)
    unlock(qtbot, window)
    today = window.workspace.today
    qtbot.waitUntil(lambda: today.notes_due.model.rowCount() > 0, timeout=5_000)
    due = [line.session.id for line in today.notes_due.model.rows()]
    assert due == [ids["yesterday"]]  # the cancelled session needs no note
    assert today.notes_due.title.text() == "Notes to write (1)"
    upcoming_and_today = [
        line.session.id for line in today.today.model.rows() + today.upcoming.model.rows()
    ]
    assert ids["joint"] in upcoming_and_today

    # Writing the note takes it off the list (Today reloads when shown again).
    window.workspace.open_session(ids["rosa"], ids["yesterday"])
    editor = window.workspace.clients.record.sessions.editor
    editor.section_edit("subjective").setPlainText("Reviewed the week")
    assert editor.flush()
    with qtbot.waitSignal(today.refreshed, timeout=5_000):
        window.workspace.go_to(0)
    # A draft still needs signing.
    assert [line.state for line in today.notes_due.model.rows()] == ["Draft to sign"]


def test_a_joint_session_shows_in_each_partners_record(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    ids = _practice(existing_vault)
    window = make_window(existing_vault)
    unlock(qtbot, window)
    clients_view = window.workspace.clients
    for who, partner in (("rosa", "Ivo"), ("ivo", "Rosalind")):
        clients_view.open_client(ids[who], tab=client_record.SESSIONS)
        rows = clients_view.record.sessions.model.rows()
        joint = [line for line in rows if line.session.id == ids["joint"]]
        assert len(joint) == 1
        assert partner in joint[0].others


def test_privacy_mode_shows_initials_in_every_list(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    ids = _practice(existing_vault)
    window = make_window(existing_vault)
    unlock(qtbot, window)
    workspace = window.workspace
    workspace.settings.privacy.setChecked(True)
    names = [
        workspace.clients.model.data(workspace.clients.model.index(row, 0))
        for row in range(workspace.clients.model.rowCount())
    ]
    assert sorted(names) == ["I. A.", "R. A."]
    qtbot.waitUntil(lambda: workspace.today.notes_due.model.rowCount() == 1, timeout=5_000)
    qtbot.waitUntil(
        lambda: [line.names for line in workspace.today.notes_due.model.rows()] == ["R. A."],
        timeout=5_000,
    )
    workspace.clients.open_client(ids["rosa"], tab=client_record.SESSIONS)
    others = [line.others for line in workspace.clients.record.sessions.model.rows() if line.others]
    assert others == ["I. A."]
    assert window.settings.privacy_mode


def test_discharge_and_reactivate_from_the_record(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths, dialogs: ScriptedDialogs
) -> None:
    ids = _practice(existing_vault)
    window = make_window(existing_vault)
    unlock(qtbot, window)
    record = window.workspace.clients.record
    window.workspace.clients.open_client(ids["ivo"])
    record.discharge_button.click()
    assert record.client is not None and record.client.details.status is ClientStatus.DISCHARGED
    assert "Discharged" in record.facts.text()
    assert record.discharge_button.text() == "Reactivate"
    record.discharge_button.click()
    assert record.client is not None and record.client.details.status is ClientStatus.ACTIVE
    assert record.client.details.discharge_date is None
    # The list follows: filtering by status finds Ivo among the active clients.
    clients_view = window.workspace.clients
    clients_view.show_list()
    clients_view.status.setCurrentIndex(clients_view.status.findText("Active"))
    assert clients_view.proxy.rowCount() == 2


def test_search_stays_current_as_records_change(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    ids = _practice(existing_vault)
    window = make_window(existing_vault)
    unlock(qtbot, window)
    wait_for_index(qtbot, window)
    assert window.open_vault is not None
    index = window.open_vault.index
    assert index is not None
    window.open_vault.update_client(ids["ivo"], ClientDetails(legal_name="Ivo Zwanenburg"))
    window.open_vault.save_draft(
        ids["yesterday"], NoteContent(sections={"subjective": "Spoke about the carousel dream"})
    )
    assert [hit.record_id for hit in index.search("zwanen")["client"]] == [ids["ivo"]]  # type: ignore[index]
    assert index.search("achterberg ivo")[HitKind.CLIENT] == []
    notes = index.search("carousel")[HitKind.NOTE]
    assert len(notes) == 1 and notes[0].client_id == ids["rosa"]
    note = progress_notes.get_note_for_session(window.open_vault.vault, ids["yesterday"])
    assert note is not None and notes[0].record_id == note.id


def test_copied_record_text_is_cleared_on_lock(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    _practice(existing_vault)
    window = make_window(existing_vault)
    unlock(qtbot, window)
    window.activateWindow()
    clipboard = QApplication.clipboard()
    window.clipboard._copied = None
    clipboard.setText("Rosalind Achterberg, 12 Canal Street")
    window.clipboard._copied = "Rosalind Achterberg, 12 Canal Street"  # as if copied in the window
    window.lock()
    assert clipboard.text() == ""
    clipboard.setText("something copied elsewhere later")
    window.clipboard.clear()
    assert clipboard.text() == "something copied elsewhere later"
