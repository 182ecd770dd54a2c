"""The letter composer: choose sections, reword, see the pages, print or save, and the log."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QCheckBox, QDialog, QLabel, QPlainTextEdit
from pytestqt.qtbot import QtBot

from tests.core.sharing.referral_practice import (
    PROCESS_NOTE_MARKER,
    ReferralPractice,
    build_referral_practice,
)
from tests.ui.conftest import ScriptedDialogs, answer_next_dialog, unlock
from therapist_desk.domain.records import ProfessionalDetails, SharingConsentDetails
from therapist_desk.domain.vocabulary import ProfessionalRole, ReferralStatus
from therapist_desk.letters.referral_summary import Section
from therapist_desk.sharing import consents, disclosures, professionals, referrals
from therapist_desk.ui.changes import Kind
from therapist_desk.ui.main_window import MainWindow
from therapist_desk.ui.open_vault import OpenVault
from therapist_desk.ui.record.referrals.letter_composer import (
    ConsentReasonDialog,
    GeneralLetterComposer,
    LetterComposer,
    open_composer,
    open_general_letter,
)
from therapist_desk.vault import settings as vault_settings
from therapist_desk.vault.paths import VaultPaths

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils is installed by .ci/run"
)


@pytest.fixture
def window(
    qtbot: QtBot, make_window: Callable[[VaultPaths], MainWindow], existing_vault: VaultPaths
) -> MainWindow:
    made = make_window(existing_vault)
    unlock(qtbot, made)
    return made


@pytest.fixture
def open_vault(window: MainWindow) -> OpenVault:
    assert window.open_vault is not None
    return window.open_vault


@pytest.fixture
def practice(open_vault: OpenVault) -> ReferralPractice:
    return build_referral_practice(open_vault.vault)


@pytest.fixture
def consented(open_vault: OpenVault, practice: ReferralPractice) -> ReferralPractice:
    consents.add_consent(
        open_vault.vault,
        practice.client_id,
        practice.professional_id,
        SharingConsentDetails(given_on=open_vault.today(), scope="referral letter and summary"),
    )
    return practice


@pytest.fixture
def compose(
    qtbot: QtBot, open_vault: OpenVault, dialogs: ScriptedDialogs
) -> Iterator[Callable[[str, bool], LetterComposer]]:
    made: list[LetterComposer] = []

    def make(referral_id: str, summary: bool) -> LetterComposer:
        composer = LetterComposer(open_vault, dialogs, referral_id, summary)
        qtbot.addWidget(composer)
        composer.show()
        made.append(composer)
        return composer

    yield make
    for composer in made:
        composer.close()


def _section(composer: LetterComposer, section: Section) -> tuple[QCheckBox, QPlainTextEdit]:
    choice = next(choice for choice in composer.sections if choice.section is section)
    return choice.check, choice.text


def _pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def _everything_on_screen(composer: LetterComposer) -> str:
    texts = [composer.windowTitle()]
    texts += [box.toPlainText() for box in composer.findChildren(QPlainTextEdit)]
    texts += [widget.text() for widget in composer.findChildren(QLabel)]
    texts += [widget.text() for widget in composer.findChildren(QCheckBox)]
    document = composer.preview.document
    assert document is not None
    return "\n".join([*texts, document.body_html])


def test_unticking_a_section_takes_it_out_of_the_pages(
    qtbot: QtBot, compose: Callable[[str, bool], LetterComposer], consented: ReferralPractice
) -> None:
    composer = compose(consented.referral_id, True)
    document = composer.preview.document
    assert document is not None
    assert "Current medications" in document.body_html and "Sertraline" in document.body_html
    check, _text = _section(composer, Section.MEDICATIONS)
    check.setChecked(False)
    # The preview follows shortly after, not on every change.
    qtbot.waitUntil(
        lambda: (
            composer.preview.document is not None
            and "Sertraline" not in composer.preview.document.body_html
        ),
        timeout=3_000,
    )
    document = composer.preview.document
    assert document is not None
    assert "Current medications" not in document.body_html
    assert "Diagnoses" in document.body_html
    assert composer.preview.pages.pageCount() >= 1
    assert "page" in composer.preview.page_count.text()


@needs_poppler
def test_the_saved_pdf_has_the_edited_wording_and_the_disclosure_its_sections(
    qtbot: QtBot,
    compose: Callable[[str, bool], LetterComposer],
    consented: ReferralPractice,
    open_vault: OpenVault,
    dialogs: ScriptedDialogs,
    tmp_path: Path,
) -> None:
    composer = compose(consented.referral_id, True)
    _check, reason = _section(composer, Section.REASON)
    reason.setPlainText("Her GP asked for a second opinion on the sertraline dose.")
    history_check, history = _section(composer, Section.HISTORY)
    assert not history_check.isChecked()  # nothing recorded, so not ticked
    history.setPlainText("Grew up by the sea; a first episode at nineteen.")
    assert history_check.isChecked()  # writing into it means it goes in
    _section(composer, Section.RISK)[0].setChecked(False)
    composer.excerpts[-1].check.setChecked(True)  # the oldest note
    composer.excerpts[-1].text.setPlainText("Low mood since the winter, in her words.")
    out = tmp_path / "chosen" / "summary.pdf"
    out.parent.mkdir()
    dialogs.save_path = out
    composer.pdf_button.click()

    text = " ".join(_pdf_text(out).split())
    assert "Her GP asked for a second opinion on the sertraline dose." in text
    assert "Grew up by the sea; a first episode at nineteen." in text
    assert "Low mood since the winter, in her words." in text
    assert "Sleep a little better" not in text  # the note not ticked
    assert "Risk summary" not in text
    assert "Harbour Lane Therapy" in text and "Page 1 of" in text and "Confidential" in text
    assert PROCESS_NOTE_MARKER not in text

    logged = disclosures.disclosures_for_client(open_vault.vault, consented.client_id)
    assert len(logged) == 1
    details = logged[0].details
    assert details.what == "referral summary"
    assert details.how == "saved as PDF: summary.pdf"
    assert details.sections == (
        Section.IDENTIFICATION.value,
        Section.REASON.value,
        Section.PRESENTING_PROBLEMS.value,
        Section.HISTORY.value,
        Section.DIAGNOSES.value,
        Section.MEDICATIONS.value,
        Section.TREATMENT.value,
        Section.NOTE_EXCERPTS.value,
    )
    assert details.without_consent_reason == ""
    referral = referrals.get_referral(open_vault.vault, consented.referral_id)
    assert referral.details.status is ReferralStatus.SENT
    assert referral.details.sent_on == open_vault.today()
    assert "recorded" in composer.status.text()
    assert composer.status.text().startswith("Saved as PDF: summary.pdf")


def test_psychotherapy_notes_are_never_offered(
    compose: Callable[[str, bool], LetterComposer], consented: ReferralPractice
) -> None:
    composer = compose(consented.referral_id, True)
    assert len(composer.excerpts) == len(consented.signed_note_ids)
    for choice in composer.excerpts:
        choice.check.setChecked(True)
    composer.refresh()
    everything = _everything_on_screen(composer)
    assert "Sleep a little better" in everything  # the progress note is there to quote
    assert PROCESS_NOTE_MARKER not in everything


def test_the_letter_wording_can_be_edited_and_is_kept_with_the_referral(
    qtbot: QtBot,
    compose: Callable[[str, bool], LetterComposer],
    consented: ReferralPractice,
    open_vault: OpenVault,
    dialogs: ScriptedDialogs,
) -> None:
    composer = compose(consented.referral_id, False)
    assert composer.body is not None and not composer.body.isReadOnly()
    assert "I am writing to refer Ms Haddad" in composer.body.toPlainText()
    composer.body.setPlainText("Would you see Ms Haddad about her sleep?\n\nWith thanks.")
    # The record's disclosure log and the Referrals tab hear of it.
    with qtbot.waitSignal(
        open_vault.changed,
        check_params_cb=lambda change: (
            change.touches(Kind.DISCLOSURE) and change.touches(Kind.REFERRAL)
        ),
    ):
        composer.print_button.click()
    assert len(dialogs.printed_documents) == 1
    printed, _paper = dialogs.printed_documents[0]
    assert "Would you see Ms Haddad about her sleep?" in printed.body_html
    assert "I am writing to refer" not in printed.body_html
    assert "Dear Dr Shah" in printed.body_html
    logged = disclosures.disclosures_for_client(open_vault.vault, consented.client_id)
    assert [(d.details.what, d.details.how) for d in logged] == [("referral letter", "printed")]
    # What went is kept as it printed, in words (no markup).
    content = logged[0].details.content
    assert "Would you see Ms Haddad about her sleep?" in content and "Dear Dr Shah," in content
    assert "<p>" not in content
    referral = referrals.get_referral(open_vault.vault, consented.referral_id)
    assert referral.details.letter_text.startswith("Would you see Ms Haddad")


def test_without_consent_a_cancelled_reason_stops_and_records_nothing(
    compose: Callable[[str, bool], LetterComposer],
    practice: ReferralPractice,
    open_vault: OpenVault,
    dialogs: ScriptedDialogs,
    tmp_path: Path,
) -> None:
    composer = compose(practice.referral_id, True)
    assert "No consent" in composer.consent_note.text()
    dialogs.save_path = tmp_path / "summary.pdf"

    def leave_empty(dialog: QDialog) -> None:
        assert isinstance(dialog, ConsentReasonDialog)
        assert not dialog.go_on.isEnabled()  # no reason, no going on
        dialog.reject()

    answer_next_dialog(leave_empty)
    composer.pdf_button.click()
    assert not dialogs.save_path.exists()
    assert not [kind for kind, _title in dialogs.asked if kind == "save_file"]
    assert disclosures.disclosures_for_client(open_vault.vault, practice.client_id) == []
    referral = referrals.get_referral(open_vault.vault, practice.referral_id)
    assert referral.details.status is ReferralStatus.DRAFT
    assert "Nothing was printed" in composer.status.text()


def test_without_consent_a_given_reason_is_recorded(
    compose: Callable[[str, bool], LetterComposer],
    practice: ReferralPractice,
    open_vault: OpenVault,
    dialogs: ScriptedDialogs,
) -> None:
    composer = compose(practice.referral_id, False)

    def give_reason(dialog: QDialog) -> None:
        assert isinstance(dialog, ConsentReasonDialog)
        dialog.reason.setPlainText("Emergency: the crisis team needs this tonight.")
        dialog.go_on.click()

    answer_next_dialog(give_reason)
    composer.print_button.click()
    assert len(dialogs.printed_documents) == 1
    logged = disclosures.disclosures_for_client(open_vault.vault, practice.client_id)
    assert len(logged) == 1
    assert logged[0].details.without_consent_reason == (
        "Emergency: the crisis team needs this tonight."
    )
    assert logged[0].consent_id is None


@needs_poppler
def test_saving_leaves_no_file_with_the_client_s_name_anywhere_but_the_chosen_one(
    qtbot: QtBot,
    compose: Callable[[str, bool], LetterComposer],
    consented: ReferralPractice,
    existing_vault: VaultPaths,
    dialogs: ScriptedDialogs,
    tmp_path: Path,
) -> None:
    temp = Path(tempfile.gettempdir())
    before = set(_files_under(temp))
    composer = compose(consented.referral_id, True)
    for choice in composer.excerpts:
        choice.check.setChecked(True)
    chosen = tmp_path / "out" / "haddad-summary.pdf"
    chosen.parent.mkdir()
    dialogs.save_path = chosen
    composer.pdf_button.click()
    assert "Amira Haddad" in _pdf_text(chosen)

    new_in_temp = set(_files_under(temp)) - before
    scanned = [*new_in_temp, *_files_under(existing_vault.data_dir), *_files_under(tmp_path)]
    assert len(scanned) > 3  # the vault's files, the window's settings, the PDF…
    for path in scanned:
        if path == chosen:
            continue
        try:
            content = path.read_bytes()
        except OSError:
            continue  # gone meanwhile (another program's temporary file)
        for needle in ("Amira Haddad", "Haddad", "Sertraline"):
            assert needle.encode() not in content, path
            assert needle.encode("utf-16-be") not in content, path
    assert sorted(p.name for p in chosen.parent.iterdir()) == ["haddad-summary.pdf"]


def _files_under(folder: Path) -> list[Path]:
    """Every file under `folder` (small enough to read), skipping what cannot be listed."""
    found = []
    for root, _dirs, names in os.walk(folder, onerror=lambda _error: None):
        for name in names:
            path = Path(root) / name
            try:
                if path.is_file() and path.stat().st_size < 50_000_000:
                    found.append(path)
            except OSError:
                continue
    return found


def test_a_broken_practice_template_gives_a_clear_message_not_a_letter(
    compose: Callable[[str, bool], LetterComposer],
    consented: ReferralPractice,
    open_vault: OpenVault,
    dialogs: ScriptedDialogs,
    tmp_path: Path,
) -> None:
    vault = open_vault.vault
    # Saved templates are checked, but one may have been stored before a field was
    # renamed: it is caught when the letter is made.
    vault_settings.set_setting(
        vault, "template:referral_summary", "<p>Fine</p>\n<p>{{ client.shoe_size }}</p>\n"
    )
    composer = compose(consented.referral_id, True)
    assert composer.preview.document is None
    problem = composer.preview.problem.text()
    assert "Referral summary, line 2" in problem
    assert "shoe_size" in problem
    assert "Letter templates" in problem
    assert not composer.print_button.isEnabled() and not composer.pdf_button.isEnabled()
    assert disclosures.disclosures_for_client(vault, consented.client_id) == []


def test_open_composer_runs_the_dialog_and_a_missing_referral_is_a_warning(
    window: MainWindow,
    open_vault: OpenVault,
    dialogs: ScriptedDialogs,
    consented: ReferralPractice,
) -> None:
    seen: list[str] = []

    def look_and_close(dialog: QDialog) -> None:
        assert isinstance(dialog, LetterComposer)
        seen.append(dialog.windowTitle())
        assert dialog.width() <= 1366 and dialog.height() <= 768
        dialog.reject()

    answer_next_dialog(look_and_close)
    open_composer(window, open_vault, dialogs, consented.referral_id, False)
    assert seen == ["Referral letter — Amira Haddad"]

    open_composer(window, open_vault, dialogs, "no-such-referral", True)
    assert len(dialogs.warnings()) == 1
    assert dialogs.warnings()[0].startswith("The letter cannot be composed")


def test_locking_closes_the_composer(
    qtbot: QtBot, window: MainWindow, open_vault: OpenVault, consented: ReferralPractice
) -> None:
    closed: list[str] = []

    def lock_meanwhile(dialog: QDialog) -> None:
        assert isinstance(dialog, LetterComposer)
        dialog.body.setPlainText("Something half written")  # type: ignore[union-attr]
        closed.append(dialog.windowTitle())
        window.lock()

    answer_next_dialog(lock_meanwhile)
    open_composer(window, open_vault, ScriptedDialogs(), consented.referral_id, False)
    assert closed == ["Referral letter — Amira Haddad"]
    qtbot.waitUntil(lambda: not window.is_unlocked)
    assert not [w for w in window.findChildren(LetterComposer) if w.isVisible()]


def test_the_consent_line_shows_the_scope_and_a_missing_consent_is_a_warning(
    compose: Callable[[str, bool], LetterComposer],
    practice: ReferralPractice,
    open_vault: OpenVault,
) -> None:
    composer = compose(practice.referral_id, False)
    assert composer.consent_note.property("role") == "warning"
    assert "No consent to share with Dr Priya Shah" in composer.consent_note.text()
    assert composer.body is not None
    assert "has agreed to this referral" not in composer.body.toPlainText()
    today = open_vault.today()
    ended = today - timedelta(days=2)
    consents.add_consent(
        open_vault.vault,
        practice.client_id,
        practice.professional_id,
        SharingConsentDetails(given_on=today - timedelta(days=60), expires_on=ended),
    )
    expired = compose(practice.referral_id, False)
    assert f"expired on {ended.day} {ended:%b %Y}" in expired.consent_note.text()
    assert expired.consent_note.property("role") == "warning"
    consents.add_consent(
        open_vault.vault,
        practice.client_id,
        practice.professional_id,
        SharingConsentDetails(given_on=today, scope="referral letter and summary"),
    )
    in_force = compose(practice.referral_id, False)
    assert "scope: referral letter and summary" in in_force.consent_note.text()
    assert in_force.consent_note.property("role") == "muted"
    assert in_force.body is not None
    assert "has agreed to this referral" in in_force.body.toPlainText()
    assert in_force.address_note.isHidden()  # the psychiatrist has an address


def _no_address_recipient(open_vault: OpenVault) -> str:
    return professionals.add_professional(
        open_vault.vault,
        ProfessionalDetails(
            name="Dr Tom Hale", role=ProfessionalRole.GP, organisation="Quay Surgery"
        ),
    ).id


def test_the_general_letter_is_written_previewed_and_recorded_with_its_text(
    qtbot: QtBot,
    open_vault: OpenVault,
    practice: ReferralPractice,
    dialogs: ScriptedDialogs,
) -> None:
    hale = _no_address_recipient(open_vault)
    composer = GeneralLetterComposer(open_vault, dialogs, practice.client_id)
    qtbot.addWidget(composer)
    composer.show()
    assert composer.preview.document is None  # nobody chosen yet
    assert not composer.print_button.isEnabled()
    composer.recipient.set_selected(hale)
    assert "No consent to share with Dr Tom Hale" in composer.consent_note.text()
    assert composer.address_note.isVisible()
    assert "no postal address" in composer.address_note.text()
    composer.subject.setText("Re: a change of appointment day")
    composer.body.setPlainText("Ms Haddad now comes on Thursdays.\n\nWith thanks.")
    composer.refresh()
    document = composer.preview.document
    assert document is not None
    assert "Re: a change of appointment day" in document.body_html
    assert "Dear Dr Hale," in document.body_html

    def give_reason(dialog: QDialog) -> None:
        assert isinstance(dialog, ConsentReasonDialog)
        dialog.reason.setPlainText("The client asked me to write today.")
        dialog.go_on.click()

    answer_next_dialog(give_reason)
    with qtbot.waitSignal(
        open_vault.changed, check_params_cb=lambda change: change.touches(Kind.DISCLOSURE)
    ):
        composer.print_button.click()
    (logged,) = disclosures.disclosures_for_client(open_vault.vault, practice.client_id)
    assert logged.details.what == "letter"
    assert logged.details.recipient == "Dr Tom Hale, Quay Surgery"
    assert logged.professional_id == hale and logged.referral_id is None
    assert logged.details.without_consent_reason == "The client asked me to write today."
    assert "Ms Haddad now comes on Thursdays." in logged.details.content
    assert "recorded" in composer.status.text()
    composer.close()


@needs_poppler
def test_open_general_letter_saves_a_pdf_under_consent(
    window: MainWindow,
    open_vault: OpenVault,
    consented: ReferralPractice,
    dialogs: ScriptedDialogs,
    tmp_path: Path,
) -> None:
    out = tmp_path / "letter.pdf"
    dialogs.save_path = out

    def write_and_save(dialog: QDialog) -> None:
        assert isinstance(dialog, GeneralLetterComposer)
        dialog.recipient.set_selected(consented.professional_id)
        assert "scope: referral letter and summary" in dialog.consent_note.text()
        dialog.body.setPlainText("Thank you for seeing Ms Haddad.")
        dialog.refresh()  # as the preview does 400 ms after the last key
        dialog.pdf_button.click()
        dialog.reject()

    answer_next_dialog(write_and_save)
    open_general_letter(window, open_vault, dialogs, consented.client_id)
    assert "Thank you for seeing Ms Haddad." in _pdf_text(out)
    (logged,) = disclosures.disclosures_for_client(open_vault.vault, consented.client_id)
    assert logged.consent_id is not None and logged.details.how == "saved as PDF: letter.pdf"
    assert "Thank you for seeing Ms Haddad." in logged.details.content

    open_general_letter(window, open_vault, dialogs, "no-such-client")
    assert dialogs.warnings()[-1].startswith("The letter cannot be composed")
