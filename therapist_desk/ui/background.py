"""Slow work off the GUI thread: key derivation, index builds, and the like.

``run(work, on_done, on_error)`` runs ``work`` in a Python worker thread and
calls back on the GUI thread. Results come back by polling finished futures
from a GUI-thread timer rather than by emitting Qt signals from the worker:
cross-thread signal emission from Python threads has crashed PySide6 6.8+
(PYSIDE-3124), and a poll every few milliseconds costs nothing noticeable.
The key derivation releases the GIL, so the window stays responsive.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QTimer

POLL_MS = 15


@dataclass
class _Job:
    future: Future[Any]
    on_done: Callable[[Any], None]
    on_error: Callable[[BaseException], None]
    still_wanted: Callable[[], bool]


class BackgroundRunner(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # One worker: two busy Python threads would starve the window of the GIL.
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="therapist-desk-work")
        self._jobs: list[_Job] = []
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._deliver)

    def run(
        self,
        work: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
        still_wanted: Callable[[], bool] = lambda: True,
    ) -> None:
        self._jobs.append(_Job(self._pool.submit(work), on_done, on_error, still_wanted))
        if not self._timer.isActive():
            self._timer.start()

    def _deliver(self) -> None:
        finished = [job for job in self._jobs if job.future.done()]
        self._jobs = [job for job in self._jobs if not job.future.done()]
        if not self._jobs:
            self._timer.stop()
        for job in finished:
            if not job.still_wanted():
                continue
            error = job.future.exception()
            if error is None:
                job.on_done(job.future.result())
            else:
                job.on_error(error)

    @property
    def busy(self) -> bool:
        return bool(self._jobs)

    def wait_for_all(self) -> None:
        """Drop queued jobs and wait for the running one, without delivering results.

        Used on lock and exit; a long job (the index build) watches a flag and
        stops early, so this wait is short.
        """
        for job in self._jobs:
            if not job.future.cancel():
                job.future.exception()
        self._jobs.clear()
        self._timer.stop()

    def shutdown(self) -> None:
        self.wait_for_all()
        self._pool.shutdown(wait=True)
