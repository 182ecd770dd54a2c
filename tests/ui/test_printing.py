"""The print path: letterhead, page numbers, the footer, embedded fonts, no stray files."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from therapist_desk.documents import Letterhead, PrintedDocument
from therapist_desk.ui.printing import PaperSize, pdf_bytes, save_pdf

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils is installed by .ci/run"
)

LETTERHEAD = Letterhead(
    practice_name="Harbour Lane Therapy",
    clinician_name="Dr Alex Morgan",
    credentials="DClinPsy",
    address="12 Harbour Lane\nFalmouth",
    phone="01326 555 0142",
)


def _document(paragraphs: int) -> PrintedDocument:
    body = "<h2>Statement</h2>" + "".join(
        f"<p>Paragraph {number} about Zoë Ångström, ünïcødé text that wraps. "
        + "word " * 80
        + "</p>"
        for number in range(paragraphs)
    )
    return PrintedDocument("Statement for Zoë Ångström", body, LETTERHEAD)


def _pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def test_every_page_has_its_number_and_the_footer_and_page_one_the_letterhead(
    qtbot: QtBot, tmp_path: Path
) -> None:
    target = tmp_path / "statement.pdf"
    save_pdf(_document(30), target)
    text = _pdf_text(target)
    pages = text.split("\f")[:-1]
    assert len(pages) >= 3
    assert "Harbour Lane Therapy" in pages[0] and "Dr Alex Morgan, DClinPsy" in pages[0]
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
        assert "Confidential" in page
    assert "Harbour Lane Therapy — Statement for Zoë Ångström" in pages[1]
    for number in range(30):
        assert f"Paragraph {number} about Zoë Ångström" in text.replace("\n", " ")


def test_the_fonts_are_embedded_and_the_text_selectable(qtbot: QtBot, tmp_path: Path) -> None:
    target = tmp_path / "fonts.pdf"
    save_pdf(_document(2), target)
    fonts = subprocess.run(
        ["pdffonts", str(target)], check=True, capture_output=True, text=True
    ).stdout.splitlines()[2:]
    assert fonts
    for line in fonts:
        assert line.split()[-5] == "yes", line  # the "emb" column
    assert "Zoë Ångström" in _pdf_text(target)


@pytest.mark.parametrize(
    ("paper", "size"), [(PaperSize.A4, "(A4)"), (PaperSize.LETTER, "(letter)")]
)
def test_a4_and_letter(qtbot: QtBot, tmp_path: Path, paper: PaperSize, size: str) -> None:
    target = tmp_path / "paper.pdf"
    save_pdf(_document(1), target, paper)
    info = subprocess.run(["pdfinfo", str(target)], check=True, capture_output=True, text=True)
    assert size in info.stdout


def test_making_a_pdf_leaves_no_file_behind(qtbot: QtBot, tmp_path: Path) -> None:
    before = set(Path(tempfile.gettempdir()).iterdir())
    data = pdf_bytes(_document(3))
    assert data.startswith(b"%PDF")
    assert set(Path(tempfile.gettempdir()).iterdir()) == before
    target = tmp_path / "out" / "statement.pdf"
    target.parent.mkdir()
    save_pdf(_document(3), target)
    assert sorted(os.listdir(target.parent)) == ["statement.pdf"]
