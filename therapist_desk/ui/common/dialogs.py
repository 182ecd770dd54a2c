"""Every file picker, message box and print dialog goes through this service, so tests can
answer them; `therapist_desk.ui.qt_dialogs` holds the real ones."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from PySide6.QtWidgets import QWidget

from therapist_desk.letters.rendering import PaperSize, PrintedDocument


class DialogService(Protocol):
    def save_file(
        self, parent: QWidget, title: str, suggested_name: str, filters: str
    ) -> Path | None:
        """Ask where to save; None when the user cancels."""

    def open_file(self, parent: QWidget, title: str, filters: str) -> Path | None:
        """Ask for an existing file; None when the user cancels."""

    def choose_folder(self, parent: QWidget, title: str) -> Path | None:
        """Ask for a folder; None when the user cancels."""

    def inform(self, parent: QWidget, title: str, text: str) -> None: ...

    def warn(self, parent: QWidget, title: str, text: str) -> None: ...

    def confirm(self, parent: QWidget, title: str, text: str, action: str) -> bool:
        """Ask before a deliberate step; `action` labels the button that goes ahead."""

    def print_html(self, parent: QWidget, title: str, html: str) -> bool:
        """Show the print dialog and print `html`; False when the user cancels."""

    def print_document(self, parent: QWidget, document: PrintedDocument, paper: PaperSize) -> bool:
        """Show the print preview of `document`; True once it was sent to the printer."""
