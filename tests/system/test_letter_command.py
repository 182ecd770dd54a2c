"""`therapist-desk letter`: referral letters and summaries as PDFs, read back with poppler."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.core.referral_practice import PROCESS_NOTE_MARKER, build_referral_practice
from tests.system.helpers import assert_one_clear_line, find_leaks, make_vault, open_vault, run_cli
from therapist_desk import consents, disclosures, vault_settings
from therapist_desk.domain.records import SharingConsentDetails
from therapist_desk.errors import ExitStatus

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


def test_the_summary_holds_the_chosen_sections_only_on_letterhead_with_page_numbers(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "vault"
    referral_id, client_id = _practice(data_dir, consent=True)
    out = tmp_path / "letters" / "summary.pdf"
    out.parent.mkdir()
    result = run_cli(
        "letter",
        "--data-dir",
        data_dir,
        "--passphrase-stdin",
        "--referral",
        referral_id,
        "--summary",
        "--sections",
        ",".join(CHOSEN),
        "--out",
        out,
    )
    assert result.returncode == ExitStatus.OK, result.stderr
    assert result.stdout.strip() == str(out)
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
        result = run_cli(
            "letter",
            "--data-dir",
            data_dir,
            "--passphrase-stdin",
            "--referral",
            referral_id,
            *extra,
            "--out",
            out,
        )
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
    refused = run_cli(
        "letter",
        "--data-dir",
        data_dir,
        "--passphrase-stdin",
        "--referral",
        referral_id,
        "--out",
        out,
    )
    line = assert_one_clear_line(refused, ExitStatus.INVALID_INPUT)
    assert "no consent in force" in line
    assert not out.exists()

    allowed = run_cli(
        "letter",
        "--data-dir",
        data_dir,
        "--passphrase-stdin",
        "--referral",
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
    result = run_cli(
        "letter",
        "--data-dir",
        data_dir,
        "--passphrase-stdin",
        "--referral",
        referral_id,
        "--out",
        out,
    )
    line = assert_one_clear_line(result, ExitStatus.FAILURE)
    assert "The template Referral letter, line 2 cannot be used" in line
    assert not out.exists()


def test_after_writing_a_letter_no_file_outside_the_chosen_place_holds_the_client_name(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "vault"
    referral_id, _client_id = _practice(data_dir, consent=True)
    chosen = tmp_path / "chosen"
    chosen.mkdir()
    temp_before = set(Path(tempfile.gettempdir()).iterdir())
    result = run_cli(
        "letter",
        "--data-dir",
        data_dir,
        "--passphrase-stdin",
        "--referral",
        referral_id,
        "--summary",
        "--out",
        chosen / "summary.pdf",
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
    home_leaks = find_leaks(tmp_path / "home", names) if (tmp_path / "home").exists() else []
    assert home_leaks == []
    assert [path.name for path in chosen.iterdir()] == ["summary.pdf"]
