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

    def __init__(self, save: Callable[[], bool], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._save = save
        self.dirty = False
        self._pause = QTimer(self)
        self._pause.setSingleShot(True)
        self._pause.setInterval(PAUSE_MS)
        self._pause.timeout.connect(self._due)
        self._longest = QTimer(self)
        self._longest.setSingleShot(True)
        self._longest.setInterval(LONGEST_UNSAVED_MS)
        self._longest.timeout.connect(self._due)
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.setInterval(RETRY_MS)
        self._retry.timeout.connect(self._due)

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
