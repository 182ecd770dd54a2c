"""`therapist-desk bench --window`: how the window feels on a vault of realistic size.

Measures, offscreen, on a demo vault (built here, or an existing one given
with --data-dir): the time from the end of the key derivation to the client
list being shown; the search index build and the longest stall of the GUI
thread while it runs; search latency per keystroke; resident memory once
unlocked and indexed; and the time to open a client with 500 sessions.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, TextIO

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QElapsedTimer, QEventLoop, QSettings, QTimer
from PySide6.QtWidgets import QApplication

from therapist_desk.bench.vault_bench import BENCH_PASSPHRASE
from therapist_desk.crypto import kdf
from therapist_desk.demo.practice import DemoOptions, build_demo_practice
from therapist_desk.records import therapy_sessions
from therapist_desk.ui.main_window import MainWindow
from therapist_desk.ui.qt_dialogs import QtDialogs
from therapist_desk.ui.record import client_record
from therapist_desk.ui.window_settings import WindowSettings
from therapist_desk.vault import Secret, create_vault, unlock_vault
from therapist_desk.vault.paths import VaultPaths

HEAVY_CLIENT_SESSIONS = 500
#: What a therapist types: client names, clinical words, a phrase.
QUERIES = ("walker", "anxiety", "sleep", "thought record", "exposure", "sam", "harbour", "grief")


def _resident_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _settle(app: QApplication, milliseconds: int = 0) -> None:
    loop = QEventLoop()
    QTimer.singleShot(milliseconds, loop.quit)
    loop.exec()


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def build_vault(paths: VaultPaths, clients: int, notes: int) -> None:
    created = create_vault(paths, BENCH_PASSPHRASE, kdf_params=kdf.calibrate())
    with created.vault as vault:
        build_demo_practice(
            vault,
            DemoOptions(clients=clients, notes=notes, heavy_client_sessions=HEAVY_CLIENT_SESSIONS),
        )


def measure(paths: VaultPaths, scratch: Path) -> dict[str, Any]:
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    settings = WindowSettings(QSettings(str(scratch / "window.ini"), QSettings.Format.IniFormat))
    window = MainWindow(paths, settings, QtDialogs())
    window.resize(1366, 768)
    window.show()
    _settle(app)

    # Unlock as the window's worker thread does, then time what follows the KDF.
    vault = unlock_vault(paths, Secret(passphrase=BENCH_PASSPHRASE), lock=window.process_lock)
    assert vault.unlock_timings is not None
    started = time.perf_counter()
    window.open_unlocked(vault)
    window.workspace.go_to(1)
    app.processEvents()
    list_shown = time.perf_counter() - started + vault.unlock_timings.rest

    # The index builds in a worker thread; a GUI-thread timer measures the stalls.
    gaps: list[float] = []
    clock = QElapsedTimer()
    clock.start()
    last = [clock.elapsed()]

    def tick() -> None:
        now = clock.elapsed()
        gaps.append(now - last[0])
        last[0] = now

    ticker = QTimer()
    ticker.setInterval(5)
    ticker.timeout.connect(tick)
    # open_unlocked has started the build in a worker thread.
    ticker.start()
    assert window.open_vault is not None
    while window.open_vault.index is None:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
    ticker.stop()
    build_seconds = window.open_vault.index_build_seconds or 0.0
    indexed = len(window.open_vault.index)
    longest_stall = max(gaps) if gaps else 0.0
    memory = _resident_mb()

    # Search as you type: every prefix of every query, through the view.
    window.workspace.focus_search()
    latencies = []
    for query in QUERIES:
        for end in range(1, len(query) + 1):
            started = time.perf_counter()
            window.workspace.search_field.setText(query[:end])
            app.processEvents()
            latencies.append((time.perf_counter() - started) * 1000)
        window.workspace.search_field.clear()

    # The heaviest record: the client with the most sessions.
    heavy = max(
        window.open_vault.clients,
        key=lambda client: len(
            therapy_sessions.sessions_for_client(window.open_vault.vault, client.id)  # type: ignore[union-attr]
        ),
    )
    session_count = len(therapy_sessions.sessions_for_client(window.open_vault.vault, heavy.id))
    opens = []
    for _ in range(5):
        window.workspace.clients.show_list()
        started = time.perf_counter()
        window.workspace.clients.open_client(heavy.id, tab=client_record.SESSIONS)
        app.processEvents()
        opens.append(time.perf_counter() - started)
    window.close()
    return {
        "key_derivation_seconds": round(vault.unlock_timings.key_derivation, 3),
        "derivation_end_to_client_list_ms": round(list_shown * 1000, 1),
        "index_build_seconds": round(build_seconds, 2),
        "index_records": indexed,
        "longest_gui_stall_during_build_ms": round(longest_stall, 1),
        "search_keystroke_ms": {
            "median": round(statistics.median(latencies), 2),
            "p95": round(_percentile(latencies, 0.95), 2),
            "count": len(latencies),
        },
        "resident_memory_mb": round(memory, 1),
        "open_client_ms": {
            "sessions": session_count,
            "median": round(statistics.median(opens) * 1000, 1),
        },
    }


def _table(figures: dict[str, Any]) -> str:
    search = figures["search_keystroke_ms"]
    opened = figures["open_client_ms"]
    rows = [
        ("key derivation, s", f"{figures['key_derivation_seconds']:.3f}"),
        (
            "end of key derivation to client list, ms",
            f"{figures['derivation_end_to_client_list_ms']:.1f}",
        ),
        ("search index build, s", f"{figures['index_build_seconds']:.2f}"),
        ("records in the index", f"{figures['index_records']:,}"),
        (
            "longest GUI-thread stall during the build, ms",
            f"{figures['longest_gui_stall_during_build_ms']:.1f}",
        ),
        (f"search per keystroke, median of {search['count']}, ms", f"{search['median']:.2f}"),
        ("search per keystroke, 95th percentile, ms", f"{search['p95']:.2f}"),
        ("resident memory, unlocked and indexed, MB", f"{figures['resident_memory_mb']:.1f}"),
        (
            f"open a client with {opened['sessions']} sessions, median of 5, ms",
            f"{opened['median']:.1f}",
        ),
    ]
    lines = ["Therapist Desk window benchmark (offscreen, 1366x768)", ""]
    lines += [f"{name:<56}{value:>12}" for name, value in rows]
    return "\n".join(lines)


def run_window_bench(
    clients: int,
    notes: int,
    data_dir: Path | None,
    work_dir: Path | None,
    *,
    as_json: bool,
    out: TextIO,
) -> int:
    with tempfile.TemporaryDirectory(
        prefix="therapist-desk-window-bench-", dir=work_dir
    ) as scratch:
        scratch_path = Path(scratch)
        paths = VaultPaths(data_dir) if data_dir else VaultPaths(scratch_path / "demo")
        if not paths.vault_exists():
            build_vault(paths, clients, notes)
        figures = measure(paths, scratch_path)
    out.write(json.dumps(figures, indent=2) + "\n" if as_json else _table(figures) + "\n")
    return 0
