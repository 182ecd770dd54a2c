"""Printing a document or saving it as a PDF, and recording that it left the vault."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QWidget

from therapist_desk.errors import TherapistDeskError
from therapist_desk.letters.rendering import PaperSize, PrintedDocument
from therapist_desk.sharing.disclosures import Delivery, DocumentSent
from therapist_desk.ui.common.dialogs import DialogService
from therapist_desk.ui.printing.pages import pdf_target, save_pdf

#: Called with how the document left the vault, once it has.
Disclosed = Callable[[DocumentSent], None]


def file_name_for(title: str) -> str:
    """A file name from a document title: letters, digits and dashes only."""
    stem = re.sub(r"[^\w]+", "-", title, flags=re.UNICODE).strip("-").lower()
    return f"{stem or 'document'}.pdf"


def print_document(
    parent: QWidget,
    dialogs: DialogService,
    document: PrintedDocument,
    paper: PaperSize,
    disclosed: Disclosed,
) -> bool:
    """The print preview; when it goes to the printer, the disclosure is recorded."""
    if not dialogs.print_document(parent, document, paper):
        return False
    disclosed(DocumentSent(Delivery.PRINTED))
    return True


def save_document_as_pdf(
    parent: QWidget,
    dialogs: DialogService,
    document: PrintedDocument,
    paper: PaperSize,
    disclosed: Disclosed,
) -> Path | None:
    """Ask where, write the PDF whole there, and record the disclosure.

    Should `disclosed` raise, the PDF is removed again (not recorded, so not left
    behind) and the error goes on to the caller.
    """
    chosen = dialogs.save_file(
        parent, f"Save {document.title} as PDF", file_name_for(document.title), "PDF (*.pdf)"
    )
    if chosen is None:
        return None
    target = pdf_target(chosen)
    try:
        save_pdf(document, target, paper)
    except TherapistDeskError as error:
        dialogs.warn(parent, "The PDF was not saved", error.message)
        return None
    try:
        disclosed(DocumentSent(Delivery.SAVED_AS_PDF, target.name))
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return target
