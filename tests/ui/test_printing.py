"""The print path: letterhead, page numbers, the footer, embedded fonts, no stray files."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import fields
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from therapist_desk.domain.records import (
    ClientDetails,
    PracticeProfile,
    SafetyPlan,
    SafetyPlanDetails,
)
from therapist_desk.letters.rendering import Letterhead, PaperSize, PrintedDocument
from therapist_desk.ui.printing.pages import SMALLEST_FIT_SCALE, fit, pdf_bytes, save_pdf
from therapist_desk.ui.record.clinical.safety_plan_editor import safety_plan_document

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


# -- documents held to their pages (the safety plan) ------------------------------------


def _page_count(data: bytes) -> int:
    """Page objects in the PDF ("/Type /Page", not the "/Type /Pages" tree)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))


def _six(*lines: str) -> str:
    assert len(lines) == 6
    return "\n".join(lines)


#: A full plan: every part six lines long, in a client's own words.
FULL_PLAN = SafetyPlanDetails(
    warning_signs=_six(
        "Lying awake after 3am two nights running",
        "Cancelling plans with Lina and Sam",
        "Thinking 'nobody would notice if I wasn't here'",
        "Skipping meals and drinking on my own",
        "Not answering the phone to Mum",
        "Feeling numb at work and leaving early",
    ),
    coping_strategies=_six(
        "Walk the dog along the harbour to the lighthouse",
        "- A cold shower, then a hot drink",  # a bullet typed by hand
        "Box breathing for five minutes with the app",
        "Write three lines in my journal about today",
        "Put on the playlist Noor made me",
        "Sort the tools in the boat shed",
    ),
    distractions=_six(
        "Café on Arwenack Street, the window seat",
        "My sister Lina's kitchen on a Sunday",
        "The climbing wall on Tuesday evenings",
        "The library's reading room",
        "Sitting on the beach at Gyllyngvase",
        "The allotment with Dad",
    ),
    people_to_ask=_six(
        "Lina (sister) 07700 900123",
        "Sam (friend) 07700 900456",
        "Dad 07700 900789",
        "Priya from work 07700 900321",
        "Neighbour Jo at number 6, 01326 555 0199",
        "Aunt Rosa 07700 900654",
    ),
    professionals=_six(
        "Dr Morgan (therapist) 01326 555 0142, weekdays 9-5",
        "My GP, Falmouth Health Centre 01326 555 0100",
        "NHS 111, option 2 for mental health, any time",
        "Samaritans 116 123, free, any time",
        "Shout: text SHOUT to 85258",
        "Emergency: 999 or A&E at Royal Cornwall Hospital",
    ),
    safe_environment=_six(
        "Lina keeps my tablets and gives me a week at a time",
        "No alcohol in the house",
        "Razor blades go to Lina's",
        "The car keys stay with Dad when I feel like this",
        "Delete the forums from my phone",
        "Ask Sam to stay over if a night is bad",
    ),
    reasons_for_living=_six(
        "My daughter Noor",
        "Finishing the boat with Dad",
        "Seeing the Northern Lights one day",
        "The dog, Biscuit",
        "Lina's wedding next summer",
        "Swimming in the sea in May",
    ),
)
#: Agreed in April; printed whenever the test runs.
AGREED = datetime(2024, 4, 12, 15, 0, tzinfo=UTC)
CLIENT = ClientDetails(legal_name="Amira Haddad", name_in_letters="Ms Haddad")


def _plan(details: SafetyPlanDetails = FULL_PLAN) -> SafetyPlan:
    return SafetyPlan("plan", "client", details, datetime(2024, 3, 1, tzinfo=UTC), AGREED)


def test_a_full_safety_plan_prints_on_one_page_dated_the_day_it_was_agreed(
    qtbot: QtBot, tmp_path: Path
) -> None:
    document = safety_plan_document(_plan(), CLIENT, PracticeProfile(clinician_name="Dr Morgan"))
    data = pdf_bytes(document)
    assert _page_count(data) == 1
    laid_out = fit(document)
    assert (laid_out.pages, laid_out.fits) == (1, True)
    assert SMALLEST_FIT_SCALE <= laid_out.scale < 1  # shrunk, but not below readable
    target = tmp_path / "plan.pdf"
    target.write_bytes(data)
    text = _pdf_text(target)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    # The client's own first name, not the letters' "Ms Haddad"; the day it was agreed.
    assert "Amira · made with Dr Morgan · agreed 12 April 2024" in lines
    assert "Ms Haddad" not in text
    # Each line typed is a list item of its own (Qt draws the bullet, not as text),
    # and a bullet typed by hand is not printed beside the list's own.
    for part in fields(FULL_PLAN):
        for typed in getattr(FULL_PLAN, part.name).splitlines():
            assert typed.removeprefix("- ") in lines, typed
    assert "- A cold shower, then a hot drink" not in text
    assert "Page 1 of 1" in text


def test_the_preferred_name_is_used_when_the_client_has_one() -> None:
    client = ClientDetails(legal_name="Annette Burton", preferred_name="Ann")
    document = safety_plan_document(_plan(), client, PracticeProfile())
    assert "Ann · made with" in document.body_html
    assert document.title == "Safety plan – Annette Burton"


def test_a_plan_too_long_for_one_page_even_shrunk_goes_on_to_a_second(qtbot: QtBot) -> None:
    endless = "\n".join(f"Something that helps, number {n}" for n in range(40))
    document = safety_plan_document(
        _plan(SafetyPlanDetails(coping_strategies=endless, distractions=endless)),
        CLIENT,
        PracticeProfile(),
    )
    laid_out = fit(document)
    assert laid_out.pages >= 2 and not laid_out.fits
    assert laid_out.scale == SMALLEST_FIT_SCALE
    assert _page_count(pdf_bytes(document)) == laid_out.pages  # nothing is cut off


def test_a_document_with_no_page_limit_is_never_shrunk(qtbot: QtBot) -> None:
    laid_out = fit(_document(30))
    assert laid_out.scale == 1 and laid_out.pages >= 3 and laid_out.fits


def _ending(anchored: bool) -> str:
    date = '<a name="keep-together">27 November 2026</a>' if anchored else "27 November 2026"
    return (
        f"<p>{date}</p><p><br><br>Dr Sam Signer<br>DClinPsy</p>"
        "<p>This summary is confidential and for the named recipient only.</p>"
    )


def _lengths_that_split_the_ending(anchored: bool, tmp_path: Path) -> list[int]:
    """Body lengths (in lines) at which the date, signature and notice land on two pages."""
    split = []
    for lines in range(30, 75, 2):
        body = "".join(f"<p>Line {number} of the summary.</p>" for number in range(lines))
        document = PrintedDocument("Referral summary", body + _ending(anchored), LETTERHEAD)
        pdf = tmp_path / "ending.pdf"
        pdf.write_bytes(pdf_bytes(document, PaperSize.A4))
        pages = _pdf_text(pdf).split("\f")
        holding = {
            index
            for index, page in enumerate(pages)
            for part in ("27 November 2026", "Dr Sam Signer", "confidential")
            if part in page
        }
        if len(holding) > 1:
            split.append(lines)
    return split


def test_the_closing_part_is_never_split_over_two_pages(qtbot: QtBot, tmp_path: Path) -> None:
    """The date, the signature and the notice stay together, however long the body;
    without the template's anchor, some lengths would split them."""
    assert _lengths_that_split_the_ending(anchored=False, tmp_path=tmp_path)
    assert _lengths_that_split_the_ending(anchored=True, tmp_path=tmp_path) == []
