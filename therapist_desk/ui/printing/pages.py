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
from dataclasses import dataclass
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
    QTextBlock,
    QTextBlockFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
)
from PySide6.QtPrintSupport import QPrinter

from therapist_desk.letters.rendering import Letterhead, PaperSize, PrintedDocument
from therapist_desk.vault.safe_files import write_file_atomically

BODY_FONT = "DejaVu Serif"
FURNITURE_FONT = "DejaVu Sans"
BODY_POINT_SIZE = 10.5
MARGINS_MM = QMarginsF(22, 16, 20, 18)  # left, top, right, bottom
#: Room at the top and foot of each page for the running head and the footer.
HEAD_ROOM_MM = 9.0
FOOT_ROOM_MM = 9.0
PDF_RESOLUTION = 300
#: How far a document held to a number of pages may be shrunk to fit them, in steps:
#: 0.8 sets the 10.5 pt body in 8.4 pt, the smallest a client should be asked to read.
SMALLEST_FIT_SCALE = 0.8
FIT_STEP = 0.025


def _page_size(paper: PaperSize) -> QPageSize:
    return QPageSize(
        QPageSize.PageSizeId.A4 if paper is PaperSize.A4 else QPageSize.PageSizeId.Letter
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
        _page_size(paper), QPageLayout.Orientation.Portrait, MARGINS_MM, QPageLayout.Unit.Millimeter
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


#: A template marks where its closing part begins with `<a name="keep-together">`.
KEEP_TOGETHER = "keep-together"


def _block_with_anchor(document: QTextDocument, name: str) -> QTextBlock | None:
    block = document.begin()
    while block.isValid():
        fragments = block.begin()
        while not fragments.atEnd():
            if name in fragments.fragment().charFormat().anchorNames():
                return block
            fragments += 1
        block = block.next()
    return None


class _Pages:
    """The document laid out for one device: its body, page count and frame.

    At a `scale` below 1 the body (letterhead included) is laid out on a page that
    much larger and drawn that much smaller: type, spacing and margins shrink alike.
    """

    def __init__(
        self, document: PrintedDocument, device: QPagedPaintDevice, scale: float = 1.0
    ) -> None:
        load_fonts()
        self.document = document
        self.scale = scale
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
        # The body's own page, in its (unscaled) coordinates.
        self.page_height = self.body_height / scale
        self.body.setPageSize(QSizeF(self.paint_rect.width() / scale, self.page_height))
        self._keep_the_ending_together()
        self.count = max(1, self.body.pageCount())

    def _keep_the_ending_together(self) -> None:
        """Start the closing part (from the KEEP_TOGETHER anchor to the end: a date,
        the signature, a notice) on a new page rather than split it over two."""
        start = _block_with_anchor(self.body, KEEP_TOGETHER)
        if start is None:
            return
        top = self.body.documentLayout().blockBoundingRect(start).top()
        bottom = self.body.documentLayout().documentSize().height()
        if bottom - top >= self.page_height:
            return  # longer than a page: it has to be split anyway
        if int(top // self.page_height) == int((bottom - 1) // self.page_height):
            return
        keep = QTextBlockFormat()
        keep.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
        QTextCursor(start).mergeBlockFormat(keep)

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
            # A long title (a recipient's full service name) ends in "…", never cut mid-letter.
            head = painter.fontMetrics().elidedText(head, Qt.TextElideMode.ElideRight, int(width))
            painter.drawText(
                QRectF(0, 0, width, self.head_room * 0.8),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop),
                head,
            )
        foot = QRectF(
            0, self.paint_rect.height() - self.foot_room * 0.7, width, self.foot_room * 0.7
        )
        painter.drawLine(foot.topLeft(), foot.topRight())
        page_number = f"Page {index + 1} of {self.count}"
        metrics = painter.fontMetrics()
        room_for_footer = (
            width - metrics.horizontalAdvance(page_number) - metrics.averageCharWidth() * 3
        )
        painter.drawText(
            foot,
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom),
            metrics.elidedText(
                self.document.footer, Qt.TextElideMode.ElideRight, int(room_for_footer)
            ),
        )
        painter.drawText(
            foot, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom), page_number
        )
        painter.restore()

        painter.save()
        painter.translate(0, self.head_room)
        painter.scale(self.scale, self.scale)
        painter.translate(0, -index * self.page_height)
        clip = QRectF(0, index * self.page_height, width / self.scale, self.page_height)
        painter.setClipRect(clip)
        context = QAbstractTextDocumentLayout.PaintContext()
        context.clip = clip
        palette = QPalette()
        palette.setColor(QPalette.ColorRole.Text, QColor("black"))
        context.palette = palette
        self.body.documentLayout().draw(painter, context)
        painter.restore()


def _fit_scales() -> list[float]:
    steps = round((1 - SMALLEST_FIT_SCALE) / FIT_STEP)
    return [round(1 - FIT_STEP * step, 4) for step in range(steps + 1)]


def _lay_out(document: PrintedDocument, device: QPagedPaintDevice) -> _Pages:
    """The document's pages on `device`: at full size, or for a document held to
    `fit_to_pages`, at the largest size that fits (the smallest allowed if none does)."""
    pages = _Pages(document, device)
    limit = document.fit_to_pages
    if limit is None or pages.count <= limit:
        return pages
    for scale in _fit_scales()[1:]:
        pages = _Pages(document, device, scale)
        if pages.count <= limit:
            break
    return pages


@dataclass(frozen=True)
class Fit:
    """How a document lays out on paper."""

    pages: int
    #: The size it is printed at: 1 in full, less when shrunk to fit its pages.
    scale: float
    fit_to_pages: int | None = None

    @property
    def fits(self) -> bool:
        """False when it takes more pages than it should even at the smallest size."""
        return self.fit_to_pages is None or self.pages <= self.fit_to_pages


def _pdf_writer(buffer: QBuffer, paper: PaperSize) -> QPdfWriter:
    """A PDF writer into `buffer`, opened here: in memory, never a file."""
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(PDF_RESOLUTION)
    writer.setPageLayout(page_layout(paper))
    return writer


def fit(document: PrintedDocument, paper: PaperSize = PaperSize.A4) -> Fit:
    """How `document` lays out on `paper`, without printing it (laid out as for the PDF)."""
    buffer = QBuffer()
    writer = _pdf_writer(buffer, paper)
    pages = _lay_out(document, writer)
    # Nothing was drawn: the writer and its buffer are dropped without a page written.
    return Fit(pages.count, pages.scale, document.fit_to_pages)


def paint_document(document: PrintedDocument, device: QPagedPaintDevice) -> int:
    """Lay `document` out for `device` and draw every page; returns the number of pages.

    A document with `fit_to_pages` is shrunk, step by step down to a readable
    minimum, until it fits; if it still does not, it prints on more pages.
    """
    pages = _lay_out(document, device)
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
    writer = _pdf_writer(buffer, paper)
    writer.setTitle(document.title)
    writer.setCreator("Therapist Desk")
    paint_document(document, writer)
    del writer  # finishes the file into the buffer
    data = bytes(buffer.data().data())
    buffer.close()
    return data


def pdf_target(chosen: Path) -> Path:
    """`chosen` as given when it ends in .pdf (any case); otherwise with .pdf added."""
    return chosen if chosen.suffix.lower() == ".pdf" else chosen.with_name(chosen.name + ".pdf")


def save_pdf(document: PrintedDocument, target: Path, paper: PaperSize = PaperSize.A4) -> None:
    """Write the PDF whole at `target`, or not at all (InvalidInput says why)."""
    write_file_atomically(target, pdf_bytes(document, paper))


def printer_for(document: PrintedDocument, paper: PaperSize = PaperSize.A4) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(document.title)
    printer.setPageLayout(page_layout(paper))
    return printer
