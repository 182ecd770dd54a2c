"""One icon set for the whole window: Material Design Icons through qtawesome.

Icons take the palette's text colour, so they read in light and dark themes.
"""

from __future__ import annotations

import qtawesome
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPalette

NAMES = {
    "today": "mdi6.calendar-today",
    "clients": "mdi6.account-multiple-outline",
    "search": "mdi6.magnify",
    "settings": "mdi6.cog-outline",
    "lock": "mdi6.lock-outline",
    "unlock": "mdi6.lock-open-variant-outline",
    "add": "mdi6.plus",
    "edit": "mdi6.pencil-outline",
    "sign": "mdi6.file-sign",
    "risk": "mdi6.alert-outline",
    "note": "mdi6.note-text-outline",
    "save": "mdi6.content-save-outline",
    "print": "mdi6.printer-outline",
    "key": "mdi6.shield-key-outline",
    "private": "mdi6.eye-off-outline",
    "remove": "mdi6.delete-outline",
    "retention": "mdi6.archive-clock-outline",
    "audit": "mdi6.clipboard-text-clock-outline",
    "restore": "mdi6.backup-restore",
    "revise": "mdi6.file-replace-outline",
    "up": "mdi6.arrow-up",
    "down": "mdi6.arrow-down",
    "stop": "mdi6.stop-circle-outline",
    "calendar": "mdi6.calendar-week",
    "directory": "mdi6.card-account-phone-outline",
    "previous": "mdi6.chevron-left",
    "next": "mdi6.chevron-right",
    "repeat": "mdi6.repeat",
    "attended": "mdi6.check",
    "cancelled": "mdi6.cancel",
    "move": "mdi6.calendar-arrow-right",
    "payment": "mdi6.cash-plus",
    "statement": "mdi6.file-document-outline",
    "referrals": "mdi6.account-arrow-right-outline",
    "letter": "mdi6.email-edit-outline",
}


def icon(name: str, colour: QColor | None = None) -> QIcon:
    """The icon `name`, in the palette's text colour unless `colour` is given."""
    if colour is None:
        colour = QGuiApplication.palette().color(QPalette.ColorRole.ButtonText)
    made: QIcon = qtawesome.icon(NAMES[name], color=colour)
    return made
