"""A live preview of a printed document: the very pages the printer and the PDF get.

The pages are drawn by `printing.paint_document`, the one print path, into Qt's
print preview widget (pictures in memory: nothing is written to disk). When the
document cannot be made (a template mistake, an empty section), the preview
gives way to a sentence that says what is wrong.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewWidget
from PySide6.QtWidgets import QStackedWidget, QVBoxLayout, QWidget

from therapist_desk.letters.rendering import PaperSize, PrintedDocument
from therapist_desk.ui.common.widgets import label, named
from therapist_desk.ui.printing.pages import page_layout, paint_document

PAPER_NAMES = {PaperSize.A4: "A4", PaperSize.LETTER: "US Letter"}


def document_text(document: PrintedDocument) -> str:
    """The words of the document's body as they print, without markup: what the
    disclosure log keeps of a letter that went out."""
    text = QTextDocument()
    text.setHtml(document.body_html)
    return text.toPlainText().strip()


class DocumentPreview(QWidget):
    """The pages of one document, fitted to the width, with their count beneath."""

    def __init__(self, paper: PaperSize, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._paper = paper
        self._document: PrintedDocument | None = None
        self._printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        self._printer.setPageLayout(page_layout(paper))
        self.pages = named(QPrintPreviewWidget(self._printer), "Print preview")
        self.pages.paintRequested.connect(self._paint)
        self.pages.setZoomMode(QPrintPreviewWidget.ZoomMode.FitToWidth)
        self.problem = named(label("", wrap=True, selectable=True), "Preview problem")
        self.problem.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.problem.setContentsMargins(12, 12, 12, 12)
        self.page_count = named(label("", "muted"), "Page count")
        self._stack = QStackedWidget()
        self._stack.addWidget(self.pages)
        self._stack.addWidget(self.problem)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._stack, 1)
        layout.addWidget(self.page_count)

    @property
    def document(self) -> PrintedDocument | None:
        return self._document

    @property
    def paper(self) -> PaperSize:
        return self._paper

    def show_document(self, document: PrintedDocument) -> None:
        """Draw `document`'s pages now (the caller debounces)."""
        self._document = document
        self._stack.setCurrentWidget(self.pages)
        self.pages.updatePreview()
        count = self.pages.pageCount()
        self.page_count.setText(
            f"{count} page{'s' if count != 1 else ''} · {PAPER_NAMES[self._paper]}"
            " · exactly as it prints"
        )

    def show_problem(self, text: str) -> None:
        """No pages: say instead what keeps the document from being made."""
        self._document = None
        self.problem.setText(text)
        self._stack.setCurrentWidget(self.problem)
        self.page_count.setText("Nothing to print until this is put right.")

    def clear(self) -> None:
        self._document = None
        self.problem.clear()
        self.page_count.clear()
        self._stack.setCurrentWidget(self.problem)

    def _paint(self, printer: QPrinter) -> None:
        if self._document is not None:
            paint_document(self._document, printer)
