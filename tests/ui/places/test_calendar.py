"""The calendar place, recurring series and single exceptions, through the real widgets."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from PySide6.QtCore import QPoint, Qt, QTime
from PySide6.QtWidgets import QDialog
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from tests.conftest import PASSPHRASE
from tests.ui.conftest import ScriptedDialogs, answer_next_dialog, unlock
from therapist_desk.domain.records import (
    Attendee,
    ClientDetails,
    SessionDetails,
    TherapySession,
)
from therapist_desk.domain.vocabulary import Attendance, ClientStatus
from therapist_desk.domain.wall_clock import monday_of
from therapist_desk.records import calendar, clients, therapy_sessions
from therapist_desk.records.calendar import CalendarDay, Recurrence
from therapist_desk.ui.common.optional_date import qdate
from therapist_desk.ui.main_window import MainWindow
from therapist_desk.ui.navigation import CALENDAR, CLIENTS, SETTINGS
from therapist_desk.ui.places.calendar import CalendarView
from therapist_desk.ui.places.calendar_grid import BlockState, lay_out
from therapist_desk.ui.record import client_record
from therapist_desk.ui.record.booking_changes import MoveSessionDialog, SeriesTimeDialog
from therapist_desk.ui.record.session_dialog import SessionDialog
from therapist_desk.ui.record.sessions_tab import SessionLine, SessionsTab, session_list_model
from therapist_desk.vault import Secret, Vault, unlock_vault
from therapist_desk.vault.paths import VaultPaths

WindowMaker = Callable[[VaultPaths], MainWindow]
INDIVIDUAL = SessionDetails(fee=Decimal("90.00"))


def _next_monday(vault: Vault) -> date:
    """Next week's Monday: every session of these tests is still to come."""
    return monday_of(vault.now().astimezone().date()) + timedelta(weeks=1)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute)).astimezone()


def _local(session: TherapySession) -> datetime:
    return session.starts_at.astimezone()


def _practice(paths: VaultPaths, *, series: bool = False) -> dict[str, str]:
    """Amira and Jonas, both active; with `series`, Amira's weekly series of 6 at 10:00."""
    with unlock_vault(paths, Secret(passphrase=PASSPHRASE)) as vault:
        ids = {
            key: clients.create_client(
                vault, ClientDetails(legal_name=name, status=ClientStatus.ACTIVE)
            ).id
            for key, name in (("amira", "Amira Haddad"), ("jonas", "Jonas Berg"))
        }
        monday = _next_monday(vault)
        ids["monday"] = monday.isoformat()
        if series:
            booked = calendar.book_series(
                vault,
                _at(monday, 10),
                50,
                INDIVIDUAL,
                [ids["amira"]],
                Recurrence(interval_weeks=1, count=6),
            )
            ids["series"] = booked.series.id
            for number, session in enumerate(booked.sessions, start=1):
                ids[f"s{number}"] = session.id
        return ids


def _open(
    qtbot: QtBot, make_window: WindowMaker, paths: VaultPaths, client_id: str
) -> tuple[MainWindow, SessionsTab]:
    window = make_window(paths)
    unlock(qtbot, window)
    window.workspace.clients.open_client(client_id, tab=client_record.SESSIONS)
    return window, window.workspace.clients.record.sessions


def _select(tab: SessionsTab, session_id: str) -> None:
    row = tab.model.row_of(session_id)
    assert row >= 0
    tab.table.selectRow(row)


def _show_week(qtbot: QtBot, window: MainWindow, day: date) -> CalendarView:
    view = window.workspace.calendar
    if window.workspace.place != CALENDAR:
        window.workspace.go_to(CALENDAR)
    with qtbot.waitSignal(view.refreshed, timeout=5_000):
        view.show_week(day)
    return view


def vault_of(window: MainWindow) -> Vault:
    assert window.open_vault is not None
    return window.open_vault.vault


def _series(window: MainWindow, series_id: str) -> list[TherapySession]:
    assert window.open_vault is not None
    return calendar.series_sessions(window.open_vault.vault, series_id)


# -- booking a series ----------------------------------------------------------------------


def test_a_weekly_series_of_six_is_booked_and_shows_in_the_week_view(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    ids = _practice(existing_vault)
    window, tab = _open(qtbot, make_window, existing_vault, ids["amira"])
    monday = date.fromisoformat(ids["monday"])

    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, SessionDialog)
        dialog.day.setDate(qdate(monday))
        dialog.start_time.setTime(QTime(10, 0))
        dialog.repeat.setCurrentIndex(dialog.repeat.findData(1))
        dialog.count.setValue(6)
        assert dialog.series_summary.text().startswith("6 sessions, every week on Mondays at 10:00")
        dialog._try_save()

    answer_next_dialog(fill)
    tab.schedule()
    lines = tab.model.rows()
    assert len(lines) == 6
    series_ids = {line.session.series_id for line in lines}
    assert len(series_ids) == 1 and None not in series_ids
    for row in range(6):  # each marked as part of a series, in words and with the repeat icon
        index = tab.model.index(row, 1)
        assert tab.model.data(index) == "Individual"
        assert tab.model.data(index, Qt.ItemDataRole.DecorationRole) is not None
        assert tab.model.data(index, Qt.ItemDataRole.ToolTipRole).endswith("recurring series")
    assert sorted(_local(line.session) for line in lines) == [
        _at(monday + timedelta(weeks=week), 10) for week in range(6)
    ]

    for week in range(6):
        view = _show_week(qtbot, window, monday + timedelta(weeks=week))
        assert [
            (block.column, block.start, block.names, block.recurring, block.state)
            for block in view.grid.blocks
        ] == [(0, 10 * 60, "Amira Haddad", True, BlockState.BOOKED)]
        assert view.summary.text().startswith("1 session this week")
    view = _show_week(qtbot, window, monday + timedelta(weeks=6))
    assert view.grid.blocks == []
    assert view.summary.text().startswith("No sessions this week")


def test_the_overlap_warning_lists_every_clashing_occurrence_and_can_be_accepted(
    qtbot: QtBot,
    make_window: WindowMaker,
    existing_vault: VaultPaths,
) -> None:
    ids = _practice(existing_vault)
    monday = date.fromisoformat(ids["monday"])
    with unlock_vault(existing_vault, Secret(passphrase=PASSPHRASE)) as vault:
        # Jonas is booked over the 3rd and the 5th week's time, and beside (not over) the 2nd.
        for start, minutes in (
            (_at(monday + timedelta(weeks=2), 10, 20), 50),
            (_at(monday + timedelta(weeks=4), 9, 30), 45),
            (_at(monday + timedelta(weeks=1), 10, 50), 50),
        ):
            therapy_sessions.schedule_session(vault, start, minutes, INDIVIDUAL, [ids["jonas"]])
    window, tab = _open(qtbot, make_window, existing_vault, ids["amira"])
    seen: dict[str, object] = {}

    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, SessionDialog)
        dialog.day.setDate(qdate(monday))
        dialog.start_time.setTime(QTime(10, 0))
        dialog.repeat.setCurrentIndex(dialog.repeat.findData(1))
        dialog.count.setValue(6)
        dialog._try_save()
        # Warned, not booked: the clashes are listed and the button asks again.
        seen["heading"] = dialog.clashes.heading.text()
        seen["lines"] = dialog.clashes.lines.text().splitlines()
        seen["button"] = dialog.save_button.text()
        seen["booked"] = len(therapy_sessions.sessions_for_client(vault_of(window), ids["amira"]))
        # Another time forgets the warning; going back to the clashing time warns again.
        dialog.start_time.setTime(QTime(12, 0))
        seen["forgotten"] = (dialog.clashes.isHidden(), dialog.save_button.text())
        dialog.start_time.setTime(QTime(10, 0))
        dialog._try_save()
        dialog._try_save()  # "Schedule anyway"

    answer_next_dialog(fill)
    tab.schedule()
    assert seen["heading"] == "2 of the sessions would clash with other bookings:"
    lines = seen["lines"]
    assert isinstance(lines, list) and len(lines) == 2
    third, fifth = monday + timedelta(weeks=2), monday + timedelta(weeks=4)
    assert lines[0].startswith(f"• {third:%a} {third.day} {third:%b %Y}, 10:00: Jonas Berg")
    assert "10:20–11:10" in lines[0]
    assert lines[1].startswith(f"• {fifth:%a} {fifth.day} {fifth:%b %Y}, 10:00: Jonas Berg")
    assert seen["button"] == "Schedule anyway"
    assert seen["booked"] == 0
    assert seen["forgotten"] == (True, "Schedule")
    assert tab.model.rowCount() == 6  # booked once the therapist accepted the clashes


def test_a_new_session_starts_with_the_default_fee(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    ids = _practice(existing_vault)
    window = make_window(existing_vault)
    unlock(qtbot, window)
    settings = window.workspace.settings
    window.workspace.go_to(SETTINGS)
    settings.default_fee.setValue(85)
    settings.default_fee.editingFinished.emit()
    assert window.open_vault is not None
    dialog = SessionDialog(window.open_vault, ids["amira"], _at(date.today(), 9), window)
    assert dialog.fee.value() == 85
    assert dialog.details().fee == Decimal("85.00")
    settings.default_fee.setValue(-1)  # "None"
    settings.default_fee.editingFinished.emit()
    assert SessionDialog(window.open_vault, ids["amira"], _at(date.today(), 9)).fee.text() == (
        "No fee"
    )


# -- single exceptions -------------------------------------------------------------------------


def test_moving_one_session_leaves_the_rest_of_its_series(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    ids = _practice(existing_vault, series=True)
    window, tab = _open(qtbot, make_window, existing_vault, ids["amira"])
    _select(tab, ids["s3"])
    assert tab.booking_button.isEnabled() and tab.retime_action.isEnabled()

    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, MoveSessionDialog)
        dialog.start_time.setTime(QTime(14, 30))
        dialog._try_save()

    answer_next_dialog(fill)
    tab.move_action.trigger()
    monday = date.fromisoformat(ids["monday"])
    sessions = _series(window, ids["series"])
    assert [_local(session) for session in sessions] == [
        _at(monday + timedelta(weeks=week), 14 if week == 2 else 10, 30 if week == 2 else 0)
        for week in range(6)
    ]
    view = _show_week(qtbot, window, monday + timedelta(weeks=2))
    assert [(block.start, block.recurring) for block in view.grid.blocks] == [(14 * 60 + 30, True)]
    view = _show_week(qtbot, window, monday + timedelta(weeks=3))
    assert [block.start for block in view.grid.blocks] == [10 * 60]


def test_cancelling_one_session_of_a_series(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    ids = _practice(existing_vault, series=True)
    window, tab = _open(qtbot, make_window, existing_vault, ids["amira"])
    _select(tab, ids["s2"])
    tab.cancel_action.trigger()
    attendance = [session.attendees[0].attendance for session in _series(window, ids["series"])]
    assert attendance == [Attendance.SCHEDULED, Attendance.CANCELLED] + [Attendance.SCHEDULED] * 4
    row = tab.model.row_of(ids["s2"])
    assert tab.model.data(tab.model.index(row, 2)) == "Cancelled"
    assert not tab.cancel_action.isEnabled()  # already cancelled
    view = _show_week(qtbot, window, date.fromisoformat(ids["monday"]) + timedelta(weeks=1))
    assert [block.state for block in view.grid.blocks] == [BlockState.CANCELLED]
    assert view.summary.text().startswith("1 session this week, 1 of them cancelled or missed")


def test_ending_the_series_keeps_what_was_recorded(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths, dialogs: ScriptedDialogs
) -> None:
    ids = _practice(existing_vault, series=True)
    with unlock_vault(existing_vault, Secret(passphrase=PASSPHRASE)) as vault:
        # Recorded ahead of time (a client who said they would not come): it must stay.
        therapy_sessions.set_attendance(vault, ids["s5"], ids["amira"], Attendance.CANCELLED)
    window, tab = _open(qtbot, make_window, existing_vault, ids["amira"])
    _select(tab, ids["s4"])
    assert tab.end_series_action.isEnabled()
    tab.end_series_action.trigger()
    assert ("confirm", "End the series from here?") in dialogs.asked
    assert (
        "inform",
        "Series ended: 2 sessions taken out of the calendar. 1 stays, as attendance or a "
        "note is recorded for it.",
    ) in dialogs.asked
    remaining = [session.id for session in _series(window, ids["series"])]
    assert remaining == [ids["s1"], ids["s2"], ids["s3"], ids["s5"]]
    assert tab.model.rowCount() == 4
    view = _show_week(qtbot, window, date.fromisoformat(ids["monday"]) + timedelta(weeks=3))
    assert view.grid.blocks == []


def test_changing_the_time_of_this_and_later_sessions(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    ids = _practice(existing_vault, series=True)
    monday = date.fromisoformat(ids["monday"])
    with unlock_vault(existing_vault, Secret(passphrase=PASSPHRASE)) as vault:
        # Jonas already has Monday 16:00 in the sixth week.
        therapy_sessions.schedule_session(
            vault, _at(monday + timedelta(weeks=5), 16), 50, INDIVIDUAL, [ids["jonas"]]
        )
    window, tab = _open(qtbot, make_window, existing_vault, ids["amira"])
    _select(tab, ids["s3"])
    seen: dict[str, str] = {}

    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, SeriesTimeDialog)
        dialog.start_time.setTime(QTime(16, 0))
        dialog._try_save()
        seen["clashes"] = dialog.clashes.lines.text()
        dialog._try_save()

    answer_next_dialog(fill)
    tab.retime_action.trigger()
    assert "Jonas Berg" in seen["clashes"] and len(seen["clashes"].splitlines()) == 1
    assert [_local(session).hour for session in _series(window, ids["series"])] == [
        10,
        10,
        16,
        16,
        16,
        16,
    ]


def test_a_single_session_offers_no_series_changes(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    ids = _practice(existing_vault)
    with unlock_vault(existing_vault, Secret(passphrase=PASSPHRASE)) as vault:
        single = therapy_sessions.schedule_session(
            vault, _at(_next_monday(vault), 9), 50, INDIVIDUAL, [ids["amira"]]
        )
    _window, tab = _open(qtbot, make_window, existing_vault, ids["amira"])
    _select(tab, single.id)
    index = tab.model.index(tab.model.row_of(single.id), 1)
    assert tab.model.data(index, Qt.ItemDataRole.DecorationRole) is None
    assert tab.model.data(index, Qt.ItemDataRole.ToolTipRole) == "Individual"
    assert tab.move_action.isEnabled() and tab.cancel_action.isEnabled()
    assert not tab.retime_action.isEnabled() and not tab.end_series_action.isEnabled()


# -- the calendar place -------------------------------------------------------------------------


def _week_of_three(paths: VaultPaths) -> dict[str, str]:
    ids = _practice(paths)
    monday = date.fromisoformat(ids["monday"])
    with unlock_vault(paths, Secret(passphrase=PASSPHRASE)) as vault:
        for key, day, hour, client in (
            ("mon_10", monday, 10, "amira"),
            ("mon_15", monday, 15, "jonas"),
            ("wed_09", monday + timedelta(days=2), 9, "amira"),
        ):
            ids[key] = therapy_sessions.schedule_session(
                vault, _at(day, hour), 50, INDIVIDUAL, [ids[client]]
            ).id
    return ids


def test_arrows_move_between_sessions_and_enter_opens_one(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    ids = _week_of_three(existing_vault)
    window = make_window(existing_vault)
    unlock(qtbot, window)
    view = _show_week(qtbot, window, date.fromisoformat(ids["monday"]))
    grid = view.grid

    def chosen() -> str | None:
        session = grid.selected_session()
        return session.id if session else None

    qtbot.keyClick(grid, Qt.Key.Key_Down)
    assert chosen() == ids["mon_10"]
    assert "Amira Haddad" in grid.accessibleDescription()
    qtbot.keyClick(grid, Qt.Key.Key_Right)
    assert chosen() == ids["wed_09"]
    qtbot.keyClick(grid, Qt.Key.Key_Left)
    assert chosen() == ids["mon_10"]  # the nearest in time on Monday
    qtbot.keyClick(grid, Qt.Key.Key_Down)
    assert chosen() == ids["mon_15"]
    qtbot.keyClick(grid, Qt.Key.Key_End)
    assert chosen() == ids["wed_09"]
    qtbot.keyClick(grid, Qt.Key.Key_Home)
    qtbot.keyClick(grid, Qt.Key.Key_Down)
    qtbot.keyClick(grid, Qt.Key.Key_Return)
    assert window.workspace.place == CLIENTS
    record = window.workspace.clients.record
    assert record.client is not None and record.client.id == ids["jonas"]
    assert record.current_tab == client_record.SESSIONS
    assert record.sessions.editor.session is not None
    assert record.sessions.editor.session.id == ids["mon_15"]

    # Back in the calendar, Page Down turns to the next week and Page Up back again.
    view = _show_week(qtbot, window, date.fromisoformat(ids["monday"]))
    with qtbot.waitSignal(view.refreshed, timeout=5_000):
        qtbot.keyClick(grid, Qt.Key.Key_PageDown)
    assert grid.blocks == [] and grid.days[0] == date.fromisoformat(ids["monday"]) + timedelta(7)
    with qtbot.waitSignal(view.refreshed, timeout=5_000):
        qtbot.keyClick(grid, Qt.Key.Key_PageUp)
    assert len(grid.blocks) == 3


def test_clicking_a_session_opens_it_and_the_day_view_shows_one_day(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    ids = _week_of_three(existing_vault)
    window = make_window(existing_vault)
    unlock(qtbot, window)
    monday = date.fromisoformat(ids["monday"])
    view = _show_week(qtbot, window, monday)
    # A click on Wednesday's heading shows that day alone.
    grid = view.grid
    left, width = grid._columns()[2]
    with qtbot.waitSignal(view.refreshed, timeout=5_000):
        qtbot.mouseClick(grid, Qt.MouseButton.LeftButton, pos=QPoint(int(left + width / 2), 10))
    assert view.day_button.isChecked()
    assert grid.days == (monday + timedelta(days=2),)
    assert [block.session.id for block in grid.blocks] == [ids["wed_09"]]
    centre = grid.block_rect(0).center().toPoint()
    qtbot.mouseClick(grid, Qt.MouseButton.LeftButton, pos=centre)
    record = window.workspace.clients.record
    assert window.workspace.place == CLIENTS
    assert record.sessions.editor.session is not None
    assert record.sessions.editor.session.id == ids["wed_09"]


def test_double_clicking_a_free_time_books_a_session_there(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    ids = _week_of_three(existing_vault)
    window = make_window(existing_vault)
    unlock(qtbot, window)
    monday = date.fromisoformat(ids["monday"])
    view = _show_week(qtbot, window, monday)
    grid = view.grid
    left, width = grid._columns()[1]  # Tuesday
    where = QPoint(int(left + width / 2), int(grid._y_of(15 * 60 + 20)))
    seen: dict[str, datetime] = {}

    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, SessionDialog)
        seen["start"] = dialog.starts_at()
        assert dialog.attendees.ticked() == ()  # from the calendar, nobody is chosen yet
        dialog.attendees.tick(ids["jonas"])
        dialog._try_save()

    answer_next_dialog(fill)
    with qtbot.waitSignal(view.refreshed, timeout=5_000):
        qtbot.mouseDClick(grid, Qt.MouseButton.LeftButton, pos=where)
    assert seen["start"] == _at(monday + timedelta(days=1), 15, 15)  # the quarter hour
    tuesday = [block for block in grid.blocks if block.column == 1]
    assert [(block.start, block.names) for block in tuesday] == [(15 * 60 + 15, "Jonas Berg")]
    assert grid.selected_session() is not None
    assert grid.selected_session() is tuesday[0].session  # the new booking is chosen


def test_the_calendar_follows_privacy_mode_and_forgets_everything_on_lock(
    qtbot: QtBot, make_window: WindowMaker, existing_vault: VaultPaths
) -> None:
    ids = _week_of_three(existing_vault)
    window = make_window(existing_vault)
    unlock(qtbot, window)
    view = _show_week(qtbot, window, date.fromisoformat(ids["monday"]))
    window.workspace.settings.privacy.setChecked(True)
    assert sorted(block.names for block in view.grid.blocks) == ["A. H.", "A. H.", "J. B."]
    qtbot.keyClick(view.grid, Qt.Key.Key_Down)
    assert "A. H." in view.grid.accessibleDescription()
    assert "Amira" not in view.grid.accessibleDescription()
    window.workspace.lock_button.click()
    assert view.grid.blocks == [] and view.grid.selected_session() is None
    assert "A. H." not in view.grid.accessibleDescription()
    assert view.summary.text() == "" and view.title.text() == "Calendar"


def test_the_session_list_model_passes_the_model_tester(
    qtmodeltester: ModelTester, qtbot: QtBot
) -> None:
    model = session_list_model()
    qtmodeltester.check(model)
    start = _at(date(2026, 11, 23), 10)
    model.set_rows(
        [
            SessionLine(
                TherapySession(key, start, 50, SessionDetails(), (), series_id=series),
                Attendance.SCHEDULED,
                "",
                "",
            )
            for key, series in (("a", "series-1"), ("b", None))
        ]
    )
    qtmodeltester.check(model)
    assert model.data(model.index(0, 1), Qt.ItemDataRole.DecorationRole) is not None


def test_overlapping_sessions_share_their_day_side_by_side() -> None:
    day = date(2026, 11, 23)

    def session(key: str, hour: int, minute: int, minutes: int = 50) -> TherapySession:
        return TherapySession(
            key,
            _at(day, hour, minute),
            minutes,
            SessionDetails(),
            (Attendee(f"a-{key}", f"client-{key}", Attendance.SCHEDULED),),
        )

    sessions = (
        session("a", 10, 0),
        session("b", 10, 30),
        session("c", 11, 0),
        session("d", 13, 0),
    )
    blocks = lay_out([CalendarDay(day, sessions)], lambda ids: ", ".join(ids))
    assert [(b.session.id, b.lane, b.lanes) for b in blocks] == [
        ("a", 0, 2),
        ("b", 1, 2),
        ("c", 0, 2),  # after a ends, beside b
        ("d", 0, 1),
    ]
    assert blocks[0].names == "client-a"


def test_the_calendar_names_attendance_with_the_words_today_uses() -> None:
    from therapist_desk.domain.vocabulary import Attendance
    from therapist_desk.ui.common import formatting
    from therapist_desk.ui.places.calendar_grid import BlockState

    assert BlockState.BOOKED.value == formatting.ATTENDANCE_LABELS[Attendance.SCHEDULED]
    assert BlockState.BOOKED.value == "Scheduled"
    assert "Booked" not in {state.value for state in BlockState}


def test_the_booking_dialog_offers_exactly_the_intervals_a_series_may_repeat_at() -> None:
    from therapist_desk.records import calendar
    from therapist_desk.ui.record.session_dialog import REPEAT_CHOICES

    offered = tuple(weeks for _text, weeks in REPEAT_CHOICES if weeks)
    assert offered == calendar.SERIES_INTERVAL_WEEKS
