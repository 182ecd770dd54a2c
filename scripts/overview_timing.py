"""How long opening a heavy client's overview takes, with its charts and without them.

    python scripts/overview_timing.py [--clients 200] [--runs 9]

Builds a demo vault in a temporary folder (fast test key derivation) whose
first client has 500 sessions and 100 measures, opens the real window
offscreen at 1366x768, and opens that client's record on the Overview from
the client list, again and again: alternately as the program does it, and
with the overview's charts switched off (the baseline, in the same run). The
time is from the click to the end of the event loop's pass (layout and paint
included). A figure, never a test: nothing fails on a timing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from therapist_desk.clinical import measures
from therapist_desk.crypto.kdf import FAST_TEST_PARAMS
from therapist_desk.demo.practice import DemoOptions, build_demo_practice
from therapist_desk.records import therapy_sessions
from therapist_desk.ui.common.theme import apply_theme
from therapist_desk.ui.main_window import MainWindow
from therapist_desk.ui.qt_dialogs import QtDialogs
from therapist_desk.ui.record import client_record
from therapist_desk.ui.record.overview_tab import OVERVIEW_KINDS, OverviewTab
from therapist_desk.ui.window_settings import WindowSettings
from therapist_desk.vault import Secret, create_vault, unlock_vault
from therapist_desk.vault.paths import VaultPaths

PASSPHRASE = "timing a quiet harbour"
SESSIONS = 500
MEASURES = 100


def _milliseconds(values: list[float]) -> str:
    return (
        f"median {statistics.median(values) * 1000:6.1f} ms  "
        f"(min {min(values) * 1000:.1f}, max {max(values) * 1000:.1f}, n={len(values)})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="therapist-desk-overview-timing-"))
    paths = VaultPaths(scratch / "vault")
    with create_vault(paths, PASSPHRASE, kdf_params=FAST_TEST_PARAMS).vault as vault:
        build_demo_practice(
            vault,
            DemoOptions(
                clients=args.clients,
                heavy_client_sessions=SESSIONS,
                heavy_client_measures=MEASURES,
            ),
        )

    app = QApplication(sys.argv)
    apply_theme(app)
    settings = WindowSettings(QSettings(str(scratch / "window.ini"), QSettings.Format.IniFormat))
    window = MainWindow(paths, settings, QtDialogs())
    window.resize(1366, 768)
    window.show()
    app.processEvents()
    window.open_unlocked(
        unlock_vault(paths, Secret(passphrase=PASSPHRASE), lock=window.process_lock)
    )
    open_vault = window.open_vault
    assert open_vault is not None
    while open_vault.index is None:  # the index build would compete for the GIL
        app.processEvents()
        time.sleep(0.01)
    heavy = max(
        open_vault.clients,
        key=lambda client: len(therapy_sessions.sessions_for_client(open_vault.vault, client.id)),
    )
    sessions = len(therapy_sessions.sessions_for_client(open_vault.vault, heavy.id))
    counted = len(measures.list_measures(open_vault.vault, heavy.id))
    series = measures.chart_series(open_vault.vault, heavy.id)
    workspace = window.workspace
    workspace.show_client(heavy.id)  # the first opening warms caches; not counted
    app.processEvents()

    with_charts = OverviewTab._show_charts
    without_charts = lambda self, _client_id: self.charts.clear()  # noqa: E731
    timings: dict[str, list[float]] = {"with charts": [], "without charts (baseline)": []}
    #: The same openings split in two: the record filled in, then laid out and painted.
    parts: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in timings}
    reads: list[float] = []
    # Blocks of openings, baseline and charts in turn, so that a busy moment of the machine
    # spreads over both; each block starts with an opening that is not counted (the charts
    # appearing or going away re-lays the page out once).
    for block in range(4):
        baseline = block % 2 == 0
        name = "without charts (baseline)" if baseline else "with charts"
        OverviewTab._show_charts = without_charts if baseline else with_charts  # type: ignore[method-assign]
        for run in range(1 + (args.runs + 1) // 2):
            workspace.clients.show_list()
            app.processEvents()
            started = time.perf_counter()
            workspace.clients.open_client(heavy.id, tab=client_record.OVERVIEW)
            filled = time.perf_counter()
            app.processEvents()
            painted = time.perf_counter()
            if run == 0:
                continue
            timings[name].append(painted - started)
            parts[name][0].append(filled - started)
            parts[name][1].append(painted - filled)
            started = time.perf_counter()
            measures.chart_series(open_vault.vault, heavy.id)
            reads.append(time.perf_counter() - started)
    OverviewTab._show_charts = with_charts  # type: ignore[method-assign]
    charted = sum(1 for one in series if one.kind in OVERVIEW_KINDS)
    print(
        f"Opening the record on its overview: a client with {sessions} sessions and {counted} "
        f"measures ({len(series)} series, {charted} charted on the overview), offscreen, "
        "1366x768, from the client list:"
    )
    for name, values in timings.items():
        print(f"  {name:<28}{_milliseconds(values)}")
        filled, painted = parts[name]
        print(f"    {'record filled in':<26}{_milliseconds(filled)}")
        print(f"    {'laid out and painted':<26}{_milliseconds(painted)}")
    print(f"  {'reading the chart series':<28}{_milliseconds(reads)}")
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
