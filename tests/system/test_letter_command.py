"""`therapist-desk letter`: referral letters and summaries as PDFs, read back with poppler."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.core.sharing.referral_practice import PROCESS_NOTE_MARKER, build_referral_practice
from tests.system.helpers import (
    assert_one_clear_line,
    cli_env,
    find_leaks,
    make_vault,
    open_vault,
    run_cli,
)
from therapist_desk.domain.records import SharingConsentDetails
from therapist_desk.errors import ExitStatus
from therapist_desk.sharing import consents, disclosures
from therapist_desk.vault import settings as vault_settings

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils is installed by .ci/run"
)

CHOSEN = ("reason", "diagnoses", "medications", "risk", "treatment")
NOT_CHOSEN_TITLES = ("Identification", "Presenting problems", "From the session notes")


def _practice(data_dir: Path, *, consent: bool) -> tuple[str, str]:
    make_vault(data_dir)
    with open_vault(data_dir) as vault:
        practice = build_referral_practice(vault)
        if consent:
            consents.add_consent(
                vault,
                practice.client_id,
                practice.professional_id,
                SharingConsentDetails(given_on=vault.now().astimezone().date(), scope="referral"),
            )
    return practice.referral_id, practice.client_id


def _text(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout


def _letter(
    data_dir: Path, referral_id: str, *extra: str | Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return run_cli(
        "letter",
        "--data-dir",
        data_dir,
        "--passphrase-stdin",
        "--referral",
        referral_id,
        *extra,
        env=env,
    )


def test_the_summary_holds_the_chosen_sections_only_on_letterhead_with_page_numbers(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "vault"
    referral_id, client_id = _practice(data_dir, consent=True)
    out = tmp_path / "letters" / "summary.pdf"
    out.parent.mkdir()
    result = _letter(
        data_dir, referral_id, "--summary", "--sections", ",".join(CHOSEN), "--out", out
    )
    assert result.returncode == ExitStatus.OK, result.stderr
    path_line, consent_line = result.stdout.strip().splitlines()
    assert path_line == str(out)
    assert "in force since" in consent_line and "scope: referral" in consent_line
    text = _text(out)
    for title in (
        "Reason for referral",
        "Diagnoses",
        "Current medications",
        "Risk summary",
        "Treatment so far",
    ):
        assert title in text, title
    for title in NOT_CHOSEN_TITLES:
        assert title not in text, title
    assert "F32.1" in text and "Sertraline" in text
    assert PROCESS_NOTE_MARKER not in text
    assert "Harbour Lane Therapy" in text and "Registration: PYL04217" in text
    assert "Confidential" in text and "Page 1 of" in text
    fonts = subprocess.run(
        ["pdffonts", str(out)], check=True, capture_output=True, text=True
    ).stdout.splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts
    with open_vault(data_dir) as vault:
        (logged,) = disclosures.disclosures_for_client(vault, client_id)
    assert logged.details.what == "referral summary"
    assert logged.details.sections == CHOSEN
    assert logged.consent_id is not None


def test_the_letter_and_the_default_summary_never_hold_process_notes(tmp_path: Path) -> None:
    data_dir = tmp_path / "vault"
    referral_id, _client_id = _practice(data_dir, consent=True)
    for extra, name in (((), "letter.pdf"), (("--summary",), "summary.pdf")):
        out = tmp_path / name
        result = _letter(data_dir, referral_id, *extra, "--out", out)
        assert result.returncode == ExitStatus.OK, result.stderr
        text = _text(out)
        assert "Amira Haddad" in text
        assert PROCESS_NOTE_MARKER not in text


def test_without_consent_the_letter_is_refused_and_with_a_reason_it_is_recorded(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "vault"
    referral_id, client_id = _practice(data_dir, consent=False)
    out = tmp_path / "letter.pdf"
    refused = _letter(data_dir, referral_id, "--out", out)
    line = assert_one_clear_line(refused, ExitStatus.INVALID_INPUT)
    assert "no consent in force" in line
    assert not out.exists()

    allowed = _letter(
        data_dir,
        referral_id,
        "--out",
        out,
        "--without-consent-reason",
        "Urgent: risk to life, GP unreachable.",
    )
    assert allowed.returncode == ExitStatus.OK, allowed.stderr
    with open_vault(data_dir) as vault:
        (logged,) = disclosures.disclosures_for_client(vault, client_id)
    assert logged.details.without_consent_reason == "Urgent: risk to life, GP unreachable."
    assert logged.consent_id is None


def test_a_broken_template_gives_one_clear_line_and_no_file(tmp_path: Path) -> None:
    data_dir = tmp_path / "vault"
    referral_id, _client_id = _practice(data_dir, consent=True)
    with open_vault(data_dir) as vault:
        # As if saved by hand or by an older version, past the editor's check.
        vault_settings.set_setting(
            vault, "template:referral_letter", "<p>Dear {{ recipient.nmae }}</p>\n<p>{% if %}"
        )
    out = tmp_path / "letter.pdf"
    result = _letter(data_dir, referral_id, "--out", out)
    line = assert_one_clear_line(result, ExitStatus.INVALID_INPUT)
    assert "The template Referral letter, line 2 cannot be used" in line
    assert "Letter templates" in line
    assert not out.exists()


def test_after_writing_a_letter_no_file_outside_the_chosen_place_holds_the_client_name(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "vault"
    referral_id, _client_id = _practice(data_dir, consent=True)
    chosen = tmp_path / "chosen"
    chosen.mkdir()
    home = tmp_path / "letter-home"  # the child's HOME (and XDG folders): scanned below
    home.mkdir()
    temp_before = set(Path(tempfile.gettempdir()).iterdir())
    result = _letter(
        data_dir, referral_id, "--summary", "--out", chosen / "summary.pdf", env=cli_env(home)
    )
    assert result.returncode == ExitStatus.OK, result.stderr
    names = ["Amira Haddad", "Haddad"]
    assert find_leaks(data_dir, names) == []
    new_in_temp = set(Path(tempfile.gettempdir()).iterdir()) - temp_before
    for path in new_in_temp:
        if path.is_dir():
            assert find_leaks(path, names) == [], path
        else:
            content = path.read_bytes()
            assert not any(
                name.encode(encoding) in content
                for name in names
                for encoding in ("utf-8", "utf-16-le", "utf-16-be")
            ), path
    assert find_leaks(home, names) == []
    stray_pdfs = [
        path
        for folder in (data_dir, home, *(p for p in new_in_temp if p.is_dir()))
        for path in folder.rglob("*.pdf")
    ] + [path for path in new_in_temp if path.suffix.lower() == ".pdf"]
    for stray in stray_pdfs:  # page text is compressed: read it as a PDF reader would
        assert not any(name in _text(stray) for name in names), stray
    assert [path.name for path in chosen.iterdir()] == ["summary.pdf"]


AGREED = "has agreed to this referral"


def test_a_letter_without_consent_never_says_the_client_agreed(tmp_path: Path) -> None:
    data_dir = tmp_path / "vault"
    referral_id, client_id = _practice(data_dir, consent=False)
    out = tmp_path / "letter.pdf"
    reason = "Emergency: risk to life, the crisis team needs this now."
    result = _letter(data_dir, referral_id, "--out", out, "--without-consent-reason", reason)
    assert result.returncode == ExitStatus.OK, result.stderr
    assert "No consent to share with Dr Priya Shah" in result.stdout
    text = " ".join(_text(out).split())
    assert "Please do not hesitate to contact me" in text
    assert AGREED not in text
    summary = tmp_path / "summary.pdf"
    result = _letter(
        data_dir, referral_id, "--summary", "--out", summary, "--without-consent-reason", reason
    )
    assert result.returncode == ExitStatus.OK, result.stderr
    assert "client's consent" not in " ".join(_text(summary).split())
    with open_vault(data_dir) as vault:
        logged = disclosures.disclosures_for_client(vault, client_id)
    # What went is kept: the words of the letter as printed.
    letter_logged = next(d for d in logged if d.details.what == "referral letter")
    assert "Please do not hesitate to contact me" in letter_logged.details.content
    assert "Dear Dr Shah," in letter_logged.details.content
    assert AGREED not in letter_logged.details.content
    assert "<p>" not in letter_logged.details.content


def test_a_letter_with_consent_says_the_client_agreed_and_keeps_its_text(tmp_path: Path) -> None:
    data_dir = tmp_path / "vault"
    referral_id, client_id = _practice(data_dir, consent=True)
    out = tmp_path / "letter"  # .pdf is added
    result = _letter(data_dir, referral_id, "--out", out)
    assert result.returncode == ExitStatus.OK, result.stderr
    written = tmp_path / "letter.pdf"
    assert result.stdout.splitlines()[0] == str(written)
    assert not out.exists()
    assert AGREED in " ".join(_text(written).split())
    with open_vault(data_dir) as vault:
        (logged,) = disclosures.disclosures_for_client(vault, client_id)
    assert AGREED in " ".join(logged.details.content.split())
    assert logged.details.how == "saved as PDF: letter.pdf"


@pytest.mark.parametrize(
    "options", [("--sections", "reason,diagnoses"), ("--excerpt", "some-note-id")]
)
def test_summary_options_without_summary_are_a_usage_error(
    tmp_path: Path, options: tuple[str, str]
) -> None:
    data_dir = tmp_path / "vault"
    referral_id, client_id = _practice(data_dir, consent=True)
    out = tmp_path / "letter.pdf"
    line = assert_one_clear_line(
        _letter(data_dir, referral_id, "--out", out, *options), ExitStatus.INVALID_INPUT
    )
    assert options[0] in line and "--summary" in line
    assert not out.exists()
    with open_vault(data_dir) as vault:
        assert disclosures.disclosures_for_client(vault, client_id) == []


def test_sections_without_text_are_named_once_without_window_words(tmp_path: Path) -> None:
    data_dir = tmp_path / "vault"
    referral_id, _client_id = _practice(data_dir, consent=True)
    out = tmp_path / "summary.pdf"
    result = _letter(
        data_dir, referral_id, "--summary", "--sections", "reason,history", "--out", out
    )
    line = assert_one_clear_line(result, ExitStatus.INVALID_INPUT)
    assert line.count("Relevant history") == 1
    assert "untick" not in line and "--sections" in line
    assert not out.exists()
