"""The one print path: a PrintedDocument onto paper, into a PDF, or into the preview.

Every page is drawn by `paint_document`, whatever the device, so the preview
shows exactly what the printer and the PDF get. The letterhead opens page one;
later pages carry a small running head; every page ends with the footer
("Confidential") and "Page n of m". Text is black on white whatever the
window's palette, and set in the DejaVu fonts shipped in resources/fonts, which
the PDF embeds. A PDF is made in memory and written whole where the therapist
chose: no temporary file with client text is left anywhere.
"""

from __future__ import annotations

import html
from enum import StrEnum
from importlib import resources
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFont,
    QFontDatabase,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPalette,
    QPdfWriter,
    QTextDocument,
)
from PySide6.QtPrintSupport import QPrinter

from therapist_desk.documents import Letterhead, PrintedDocument
from therapist_desk.safe_files import write_file_atomically

BODY_FONT = "DejaVu Serif"
FURNITURE_FONT = "DejaVu Sans"
BODY_POINT_SIZE = 10.5
MARGINS_MM = QMarginsF(22, 16, 20, 18)  # left, top, right, bottom
#: Room at the top and foot of each page for the running head and the footer.
HEAD_ROOM_MM = 9.0
FOOT_ROOM_MM = 9.0
PDF_RESOLUTION = 300


class PaperSize(StrEnum):
    A4 = "A4"
    LETTER = "Letter"

    @property
    def page_size(self) -> QPageSize:
        return QPageSize(
            QPageSize.PageSizeId.A4 if self is PaperSize.A4 else QPageSize.PageSizeId.Letter
        )


_fonts_loaded = False


def _font(family: str, point_size: float) -> QFont:
    """A font without ligatures: "fi" stays two letters, so text copied or searched
    in the PDF reads as typed."""
    font = QFont(family)
    font.setPointSizeF(point_size)
    for feature in ("liga", "clig"):
        font.setFeature(QFont.Tag(feature), 0)
    return font


def load_fonts() -> None:
    """Register the shipped fonts with Qt once (after the application exists)."""
    global _fonts_loaded
    if _fonts_loaded:
        return
    folder = resources.files("therapist_desk.resources") / "fonts"
    for entry in folder.iterdir():
        if entry.name.endswith(".ttf"):
            QFontDatabase.addApplicationFontFromData(QByteArray(entry.read_bytes()))
    _fonts_loaded = True


def page_layout(paper: PaperSize) -> QPageLayout:
    return QPageLayout(
        paper.page_size, QPageLayout.Orientation.Portrait, MARGINS_MM, QPageLayout.Unit.Millimeter
    )


def letterhead_html(letterhead: Letterhead) -> str:
    """The block that opens page one: who writes, and how to reach them."""
    escape = html.escape
    name_line = ", ".join(
        part for part in (letterhead.clinician_name, letterhead.credentials) if part
    )
    reach = " · ".join(
        escape(part) for part in (letterhead.phone, letterhead.email, letterhead.website) if part
    )
    lines = [
        f"<div style='font-size: 15pt; font-weight: bold;'>{escape(letterhead.practice_name)}</div>"
        if letterhead.practice_name
        else "",
        f"<div>{escape(name_line)}</div>" if name_line else "",
        f"<div>Registration: {escape(letterhead.licence_number)}</div>"
        if letterhead.licence_number
        else "",
        "".join(f"<div>{escape(line)}</div>" for line in letterhead.address.splitlines() if line),
        f"<div>{reach}</div>" if reach else "",
    ]
    block = "".join(line for line in lines if line)
    if not block:
        return ""
    return (
        f"<div style='font-family: \"{FURNITURE_FONT}\"; font-size: 9pt; color: #333333;'>"
        f"{block}</div><hr style='margin-top: 6pt;'/>"
    )


class _Pages:
    """The document laid out for one device: its body, page count and frame."""

    def __init__(self, document: PrintedDocument, device: QPagedPaintDevice) -> None:
        load_fonts()
        self.document = document
        layout = device.pageLayout()
        resolution = device.logicalDpiX()
        paint = layout.paintRectPixels(resolution)
        # Coordinates on the device are relative to the printable area.
        self.paint_rect = QRectF(0, 0, paint.width(), paint.height())
        self.head_room = HEAD_ROOM_MM / 25.4 * resolution
        self.foot_room = FOOT_ROOM_MM / 25.4 * resolution
        self.body = QTextDocument()
        self.body.documentLayout().setPaintDevice(device)
        self.body.setDefaultFont(_font(BODY_FONT, BODY_POINT_SIZE))
        self.body.setDocumentMargin(0)
        self.body.setHtml(letterhead_html(document.letterhead) + document.body_html)
        self.body_height = self.paint_rect.height() - self.head_room - self.foot_room
        self.body.setPageSize(QSizeF(self.paint_rect.width(), self.body_height))
        self.count = max(1, self.body.pageCount())

    def paint(self, painter: QPainter, index: int) -> None:
        """Draw page `index` (from 0): running head, that slice of the body, footer."""
        width = self.paint_rect.width()
        painter.save()
        painter.setPen(QColor("#555555"))
        painter.setFont(_font(FURNITURE_FONT, 7.5))
        if index > 0:
            head = " — ".join(
                part
                for part in (self.document.letterhead.practice_name, self.document.title)
                if part
            )
            painter.drawText(
                QRectF(0, 0, width, self.head_room * 0.8),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop),
                head,
            )
        foot = QRectF(
            0, self.paint_rect.height() - self.foot_room * 0.7, width, self.foot_room * 0.7
        )
        painter.drawLine(foot.topLeft(), foot.topRight())
        painter.drawText(
            foot,
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom),
            self.document.footer,
        )
        painter.drawText(
            foot,
            int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom),
            f"Page {index + 1} of {self.count}",
        )
        painter.restore()

        painter.save()
        top = self.head_room
        painter.translate(0, top - index * self.body_height)
        clip = QRectF(0, index * self.body_height, width, self.body_height)
        painter.setClipRect(clip)
        context = QAbstractTextDocumentLayout.PaintContext()
        context.clip = clip
        palette = QPalette()
        palette.setColor(QPalette.ColorRole.Text, QColor("black"))
        context.palette = palette
        self.body.documentLayout().draw(painter, context)
        painter.restore()


def paint_document(document: PrintedDocument, device: QPagedPaintDevice) -> int:
    """Lay `document` out for `device` and draw every page; returns the number of pages."""
    pages = _Pages(document, device)
    painter = QPainter()
    if not painter.begin(device):
        raise OSError("the printer or file could not be opened for drawing")
    try:
        for index in range(pages.count):
            if index:
                device.newPage()
            pages.paint(painter, index)
    finally:
        painter.end()
    return pages.count


def pdf_bytes(document: PrintedDocument, paper: PaperSize = PaperSize.A4) -> bytes:
    """The document as a PDF, made in memory."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(PDF_RESOLUTION)
    writer.setPageLayout(page_layout(paper))
    writer.setTitle(document.title)
    writer.setCreator("Therapist Desk")
    paint_document(document, writer)
    del writer  # finishes the file into the buffer
    data = bytes(buffer.data().data())
    buffer.close()
    return data


def save_pdf(document: PrintedDocument, target: Path, paper: PaperSize = PaperSize.A4) -> None:
    """Write the PDF whole at `target`, or not at all (InvalidInput says why)."""
    write_file_atomically(target, pdf_bytes(document, paper))


def printer_for(document: PrintedDocument, paper: PaperSize = PaperSize.A4) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(document.title)
    printer.setPageLayout(page_layout(paper))
    return printer
