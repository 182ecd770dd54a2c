"""When to save a draft: after a pause in typing, and at least every so often while typing."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

PAUSE_MS = 1500
LONGEST_UNSAVED_MS = 10_000
RETRY_MS = 5000


class AutosaveClock(QObject):
    """Calls `save` (which returns True on success) at the right moments.

    `changed()` after every edit; `flush()` before switching away, locking or
    quitting. A failed save is retried; the text stays in the editor meanwhile.
    """

    def __init__(
        self,
        save: Callable[[], bool],
        parent: QObject | None = None,
        *,
        pause_ms: int = PAUSE_MS,
        longest_unsaved_ms: int = LONGEST_UNSAVED_MS,
        retry_ms: int = RETRY_MS,
    ) -> None:
        super().__init__(parent)
        self._save = save
        self.dirty = False
        self._pause = self._timer(pause_ms)
        self._longest = self._timer(longest_unsaved_ms)
        self._retry = self._timer(retry_ms)

    def _timer(self, interval_ms: int) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(interval_ms)
        timer.timeout.connect(self._due)
        return timer

    def changed(self) -> None:
        self.dirty = True
        self._pause.start()
        if not self._longest.isActive():
            self._longest.start()

    def flush(self) -> bool:
        """Save now if anything is unsaved; True when nothing is left unsaved."""
        if not self.dirty:
            return True
        return self._due()

    def forget(self) -> None:
        """Stop without saving: the editor saved, or handed its text to HeldDrafts."""
        self.dirty = False
        self._pause.stop()
        self._longest.stop()
        self._retry.stop()

    def _due(self) -> bool:
        self._pause.stop()
        self._longest.stop()
        self._retry.stop()
        if not self.dirty:
            return True
        if self._save():
            self.dirty = False
            return True
        self._retry.start()
        return False
