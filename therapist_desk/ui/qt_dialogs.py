"""The real file pickers, message boxes and print dialogs behind `DialogService`."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from therapist_desk.letters.rendering import PaperSize, PrintedDocument
from therapist_desk.ui.printing.pages import paint_document, printer_for


class QtDialogs:
    """The real dialogs."""

    def save_file(
        self, parent: QWidget, title: str, suggested_name: str, filters: str
    ) -> Path | None:
        chosen, _filter = QFileDialog.getSaveFileName(parent, title, suggested_name, filters)
        return Path(chosen) if chosen else None

    def open_file(self, parent: QWidget, title: str, filters: str) -> Path | None:
        chosen, _filter = QFileDialog.getOpenFileName(parent, title, "", filters)
        return Path(chosen) if chosen else None

    def choose_folder(self, parent: QWidget, title: str) -> Path | None:
        chosen = QFileDialog.getExistingDirectory(parent, title)
        return Path(chosen) if chosen else None

    def inform(self, parent: QWidget, title: str, text: str) -> None:
        QMessageBox.information(parent, title, text)

    def warn(self, parent: QWidget, title: str, text: str) -> None:
        QMessageBox.warning(parent, title, text)

    def confirm(self, parent: QWidget, title: str, text: str, action: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
        go = box.addButton(action, QMessageBox.ButtonRole.AcceptRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)
        box.exec()
        return box.clickedButton() is go

    def print_html(self, parent: QWidget, title: str, html: str) -> bool:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(title)
        dialog = QPrintDialog(printer, parent)
        dialog.setWindowTitle(title)
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:
            return False
        document = QTextDocument()
        document.setHtml(html)
        document.print_(printer)
        return True

    def print_document(self, parent: QWidget, document: PrintedDocument, paper: PaperSize) -> bool:
        printer = printer_for(document, paper)
        preview = QPrintPreviewDialog(printer, parent)
        preview.setWindowTitle(f"Print preview: {document.title}")
        preview.paintRequested.connect(lambda device: paint_document(document, device))
        preview.resize(900, 720)
        return preview.exec() == QPrintPreviewDialog.DialogCode.Accepted
