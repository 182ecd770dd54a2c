"""The window's own settings: size and position, idle time, privacy mode, paper size.

Stored with QSettings in the user's configuration folder. Nothing about any
client is ever written here (no recent clients, no search history).
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QLocale, QSettings

from therapist_desk.letters.rendering import PaperSize

#: Where Letter paper is the norm; A4 everywhere else.
LETTER_TERRITORIES = {
    QLocale.Country.UnitedStates,
    QLocale.Country.Canada,
    QLocale.Country.Mexico,
    QLocale.Country.Philippines,
    QLocale.Country.Chile,
    QLocale.Country.Colombia,
}

DEFAULT_IDLE_MINUTES = 5
IDLE_MINUTE_CHOICES = (1, 2, 5, 10, 15, 30)


class WindowSettings:
    def __init__(self, store: QSettings | None = None) -> None:
        self._store = store or QSettings(
            QSettings.Format.IniFormat, QSettings.Scope.UserScope, "TherapistDesk", "window"
        )

    @property
    def idle_minutes(self) -> int:
        value = self._store.value("lock/idle_minutes", DEFAULT_IDLE_MINUTES)
        try:
            minutes = int(str(value))
        except ValueError:
            return DEFAULT_IDLE_MINUTES
        return minutes if minutes in IDLE_MINUTE_CHOICES else DEFAULT_IDLE_MINUTES

    @idle_minutes.setter
    def idle_minutes(self, minutes: int) -> None:
        self._store.setValue("lock/idle_minutes", minutes)

    @property
    def privacy_mode(self) -> bool:
        return str(self._store.value("privacy/initials_only", "false")).lower() == "true"

    @privacy_mode.setter
    def privacy_mode(self, on: bool) -> None:
        self._store.setValue("privacy/initials_only", "true" if on else "false")

    @property
    def paper_size(self) -> PaperSize:
        stored = str(self._store.value("print/paper", ""))
        if stored in PaperSize.__members__.values():
            return PaperSize(stored)
        territory = QLocale.system().territory()
        return PaperSize.LETTER if territory in LETTER_TERRITORIES else PaperSize.A4

    @paper_size.setter
    def paper_size(self, paper: PaperSize) -> None:
        self._store.setValue("print/paper", paper.value)

    def geometry(self) -> QByteArray | None:
        value = self._store.value("window/geometry")
        return value if isinstance(value, QByteArray) else None

    def save_geometry(self, geometry: QByteArray) -> None:
        self._store.setValue("window/geometry", geometry)

    def sync(self) -> None:
        self._store.sync()

    @property
    def file_name(self) -> str:
        return self._store.fileName()
