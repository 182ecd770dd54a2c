"""The search index while the vault is open: built in a worker after unlock, and kept up
to date by every change the window makes (changes made during the build are replayed
on it once it is ready)."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from therapist_desk.search.index import SearchIndex, build_index
from therapist_desk.ui.background import BackgroundRunner
from therapist_desk.vault import Vault

PROGRESS_MS = 250


class LiveIndex(QObject):
    progressed = Signal(int)  # records indexed so far
    ready = Signal()
    failed = Signal(str)  # a sentence for the user

    def __init__(
        self,
        vault: Vault,
        runner: BackgroundRunner,
        still_open: Callable[[], bool],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._vault = vault
        self._runner = runner
        self._still_open = still_open
        self.index: SearchIndex | None = None
        self.build_seconds: float | None = None
        self._indexed_so_far = 0
        self._closing = False  # read by the build in the worker: stop, the vault is locking
        self._pending: list[Callable[[SearchIndex], None]] = []
        self._progress_timer = QTimer(self)
        self._progress_timer.setInterval(PROGRESS_MS)
        self._progress_timer.timeout.connect(self._report_progress)

    def start_build(self) -> None:
        """Build the index in a worker thread; changes meanwhile are replayed after."""
        vault = self._vault

        def count(indexed: int) -> None:
            self._indexed_so_far = indexed  # read by the GUI thread's timer

        def work() -> SearchIndex:
            started = time.perf_counter()
            # The build makes hundreds of thousands of long-lived objects; each full
            # garbage collection meanwhile would walk them all and stall the window
            # for ~100 ms. They hold no reference cycles, so collection can wait.
            gc.disable()
            try:
                index = build_index(vault, count, lambda: self._closing)
                gc.freeze()  # before collection resumes, or its first full pass walks the index
            finally:
                gc.enable()
            self.build_seconds = time.perf_counter() - started
            return index

        self._progress_timer.start()
        self._runner.run(work, self._built, self._build_failed, self._still_open)

    def update(self, change: Callable[[SearchIndex], None]) -> None:
        """Apply a change now, or once the index being built is ready."""
        if self.index is None:
            self._pending.append(change)
        else:
            change(self.index)

    def close(self) -> None:
        """Stop a build under way and drop the index (the runner is waited on by the caller)."""
        self._closing = True

    def forget(self) -> None:
        self._progress_timer.stop()
        self.index = None
        gc.unfreeze()
        self._pending.clear()

    def _report_progress(self) -> None:
        if self.index is None:
            self.progressed.emit(self._indexed_so_far)

    def _built(self, index: SearchIndex) -> None:
        self._progress_timer.stop()
        for change in self._pending:
            change(index)
        self._pending.clear()
        self.index = index
        self.ready.emit()

    def _build_failed(self, error: BaseException) -> None:
        self._progress_timer.stop()
        self._pending.clear()
        self.failed.emit(
            f"Search is not available ({type(error).__name__}). Lock and unlock to try again."
        )
