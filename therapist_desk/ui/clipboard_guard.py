"""Record text copied to the clipboard does not stay there.

Text copied while the window is in front is cleared after a short while, and
on lock, but only if the clipboard still holds what was copied (the user may
have copied something else since).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QClipboard, QGuiApplication

CLEAR_AFTER_MS = 45_000


class ClipboardGuard(QObject):
    def __init__(self, clipboard: QClipboard, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._clipboard = clipboard
        self._copied: str | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(CLEAR_AFTER_MS)
        self._timer.timeout.connect(self.clear)
        self.enabled = False
        clipboard.dataChanged.connect(self._changed)

    def _changed(self) -> None:
        if not self.enabled or QGuiApplication.focusWindow() is None:
            return  # copied in another program: not ours to clear
        text = self._clipboard.text()
        if text:
            self._copied = text
            self._timer.start()

    def clear(self) -> None:
        self._timer.stop()
        if self._copied is not None and self._clipboard.text() == self._copied:
            self._clipboard.clear()
        self._copied = None
        # On X11, text merely selected in the window can be pasted elsewhere with the
        # middle button; drop the selection if this program still owns it.
        if self._clipboard.supportsSelection() and self._clipboard.ownsSelection():
            self._clipboard.clear(QClipboard.Mode.Selection)
