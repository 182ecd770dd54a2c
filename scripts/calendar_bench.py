"""How fast the calendar shows a week, on the 2,000-client demo vault.

    python scripts/calendar_bench.py [--data-dir DIR] [--runs 15]

Builds the demo vault (2,000 clients, 100,000 notes, fast test key derivation)
in a temporary folder, or copies one given with --data-dir (the copy is
changed, never the original). Books a full week for a solo therapist (40
sessions, some of them series, attended or cancelled) in an empty week ahead,
then measures, offscreen at the window's size for 1366×768, the medians of
--runs runs in this one process:

- reading the week with `calendar.week_view` (the worker thread's part),
  beside reading the same rows without decrypting anything;
- laying out and painting the grid, beside painting the same grid empty;
- the whole of it in the window: from asking for the week to the grid painted.

The demo's own current week (every active client of 2,000, far beyond one
therapist's week) is measured the same way, as a stress figure.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time as clock
from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QSettings, QTimer
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from therapist_desk.crypto.kdf import FAST_TEST_PARAMS
from therapist_desk.db.models import TherapySessionRow
from therapist_desk.demo.practice import DemoOptions, build_demo_practice
from therapist_desk.domain.records import SessionDetails
from therapist_desk.domain.vocabulary import Attendance, ClientStatus
from therapist_desk.domain.wall_clock import day_window, monday_of
from therapist_desk.records import calendar, clients, therapy_sessions
from therapist_desk.records.calendar import CalendarDay, Recurrence
from therapist_desk.ui.main_window import MainWindow
from therapist_desk.ui.navigation import CALENDAR
from therapist_desk.ui.places.calendar_grid import CalendarGrid, lay_out
from therapist_desk.ui.qt_dialogs import QtDialogs
from therapist_desk.ui.window_settings import WindowSettings
from therapist_desk.vault import Secret, Vault, create_vault, unlock_vault
from therapist_desk.vault.paths import VaultPaths

PASSPHRASE = "calendar bench passphrase"
HOURS = (8, 9, 10, 11, 13, 14, 15, 16)  # eight sessions a day, Monday to Friday


def median_ms(runs: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        started = clock.perf_counter()
        work()
        times.append((clock.perf_counter() - started) * 1000)
    return statistics.median(times)


def book_full_week(vault: Vault, monday: date) -> int:
    """Forty sessions in the week of `monday`: ten weekly series, the rest single bookings."""
    active = [c.id for c in clients.list_clients(vault) if c.details.status is ClientStatus.ACTIVE]
    details = SessionDetails(fee=Decimal("90.00"))
    booked = 0
    for number, (weekday, hour) in enumerate((d, h) for d in range(5) for h in HOURS):
        start = datetime.combine(monday + timedelta(days=weekday), time(hour)).astimezone()
        client = [active[number % len(active)]]
        if number % 4 == 0:
            calendar.book_series(vault, start, 50, details, client, Recurrence(count=4))
        else:
            session = therapy_sessions.schedule_session(vault, start, 50, details, client)
            if number % 7 == 1:
                therapy_sessions.set_attendance(vault, session.id, client[0], Attendance.CANCELLED)
        booked += 1
    return booked


def plain_rows(vault: Vault, monday: date) -> int:
    """The week's session rows as stored, nothing decrypted: the floor under week_view."""
    start, end = day_window(monday, 7)
    with vault.reading() as session:
        rows = session.execute(
            select(TherapySessionRow.__table__).where(
                TherapySessionRow.starts_at >= start, TherapySessionRow.starts_at < end
            )
        ).all()
    return len(rows)


def settle(milliseconds: int = 0) -> None:
    loop = QEventLoop()
    QTimer.singleShot(milliseconds, loop.quit)
    loop.exec()


def paint_ms(grid: CalendarGrid, days: Sequence[CalendarDay], names: Callable, runs: int) -> float:
    image = QImage(grid.size(), QImage.Format.Format_ARGB32_Premultiplied)
    today = date.today()
    now = datetime.now().astimezone()

    def draw() -> None:
        grid.set_period([day.day for day in days], lay_out(days, names), today, now)
        grid.render(image)

    draw()  # fonts and icons are made on the first paint
    return median_ms(runs, draw)


def measure(paths: VaultPaths, runs: int, scratch: Path) -> None:
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    with unlock_vault(paths, Secret(passphrase=PASSPHRASE)) as vault:
        today = vault.now().astimezone().date()
        full_week = monday_of(today) + timedelta(weeks=8)
        booked = book_full_week(vault, full_week)
        names_by_id = {c.id: c.details.display_name for c in clients.list_clients(vault)}

        def names(ids: Sequence[str]) -> str:
            return ", ".join(names_by_id.get(client_id, "") for client_id in ids)

        grid = CalendarGrid()
        grid.resize(1150, 650)  # the grid's size in the window at 1366×768
        rows = []
        for label, monday in (
            (f"a full week ({booked} sessions)", full_week),
            ("the demo's current week", monday_of(today)),
        ):
            days = calendar.week_view(vault, monday)
            count = sum(len(day.sessions) for day in days)
            read = median_ms(runs, lambda monday=monday: calendar.week_view(vault, monday))
            floor = median_ms(runs, lambda monday=monday: plain_rows(vault, monday))
            painted = paint_ms(grid, days, names, runs)
            empty = [CalendarDay(day.day, ()) for day in days]
            frame = paint_ms(grid, empty, names, runs)
            rows.append((label, count, read, floor, painted, frame))

    settings = WindowSettings(QSettings(str(scratch / "window.ini"), QSettings.Format.IniFormat))
    window = MainWindow(paths, settings, QtDialogs())
    window.resize(1366, 768)
    window.show()
    window._unlock(Secret(passphrase=PASSPHRASE))
    while not window.is_unlocked:
        settle(20)
    while window.open_vault is not None and window.open_vault.index is None:
        settle(50)  # the search index build would share the worker
    window.workspace.go_to(CALENDAR)
    view = window.workspace.calendar
    settle(300)
    whole = []
    for run in range(runs):
        monday = full_week if run % 2 == 0 else full_week + timedelta(weeks=1)
        done: list[float] = []
        view.refreshed.connect(lambda done=done: done.append(clock.perf_counter()))
        started = clock.perf_counter()
        view.show_week(monday)
        while not done:
            app.processEvents()
        view.grid.repaint()
        finished = clock.perf_counter()
        view.refreshed.disconnect()
        if monday == full_week:
            whole.append((finished - started) * 1000)
    window.close()

    print(f"Calendar week, medians of {runs} runs (ms)")
    print(f"{'week':<34}{'sessions':>9}{'week_view':>11}{'rows only':>11}{'paint':>8}{'empty':>8}")
    for label, count, read, floor, painted, frame in rows:
        print(f"{label:<34}{count:>9}{read:>11.1f}{floor:>11.1f}{painted:>8.1f}{frame:>8.1f}")
    print(
        f"In the window, asking for the full week to the grid painted: "
        f"{statistics.median(whole):.1f} ms (worker, hand-over by a 15 ms poll, layout, paint)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="therapist-desk-calendar-bench-"))
    try:
        paths = VaultPaths(scratch / "vault")
        if args.data_dir:
            shutil.copytree(args.data_dir, paths.data_dir)
        else:
            with create_vault(paths, PASSPHRASE, kdf_params=FAST_TEST_PARAMS).vault as vault:
                build_demo_practice(vault, DemoOptions(clients=2000, notes=100_000))
        measure(paths, args.runs, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
