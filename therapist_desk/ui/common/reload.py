"""Reloading a view when what it shows has changed: at once if it can be seen, else later."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QWidget


class ReloadWhenShown(QObject):
    """Runs `reload` for a view at once while the view is shown. While it is hidden, any
    number of requests wait and run it once, when it is shown again; or, for a place
    that reloads every time it is shown anyway (`shown_reloads=True`), they are dropped.

    Every place and tab that shows records refreshes through one of these, so a
    change made elsewhere (each autosave, say) costs a hidden view nothing.
    """

    def __init__(
        self, view: QWidget, reload: Callable[[], None], *, shown_reloads: bool = False
    ) -> None:
        super().__init__(view)
        self._view = view
        self._reload = reload
        self._shown_reloads = shown_reloads
        self._waiting = False
        if not shown_reloads:
            view.installEventFilter(self)

    @property
    def waiting(self) -> bool:
        """Whether a reload waits for the view to be shown."""
        return self._waiting

    def request(self) -> None:
        if self._view.isVisible():
            self._waiting = False
            self._reload()
        elif not self._shown_reloads:
            self._waiting = True

    def forget(self) -> None:
        """Drop a waiting request (the view was cleared, or reloaded by other means)."""
        self._waiting = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._view and event.type() == QEvent.Type.Show and self._waiting:
            self._waiting = False
            self._reload()
        return False
