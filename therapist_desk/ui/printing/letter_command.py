"""`therapist-desk letter`: a referral letter or summary to a PDF, without a window.

It lives with the window because the PDF is drawn by the same print path the
window uses (Qt), so the file is exactly what Print and Save as PDF give.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TextIO

from PySide6.QtGui import QGuiApplication

from therapist_desk.cli.support import SecretReader, unlock
from therapist_desk.errors import ExitStatus, InvalidInput
from therapist_desk.letters import letters, referral_summary
from therapist_desk.letters.referral_summary import Section
from therapist_desk.letters.rendering import PaperSize, TemplateProblem
from therapist_desk.ui.printing.document_preview import document_text
from therapist_desk.ui.printing.pages import pdf_target, save_pdf


def _application() -> QGuiApplication:
    existing = QGuiApplication.instance()
    if isinstance(existing, QGuiApplication):
        return existing
    # No screen is needed to draw a PDF.
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    return QGuiApplication(sys.argv[:1])


def check_letter_arguments(args: argparse.Namespace) -> None:
    """Refuse options that would be silently ignored (before the passphrase is asked for)."""
    if not args.summary:
        given = [
            option
            for option, value in (("--sections", args.sections), ("--excerpt", args.excerpt))
            if value
        ]
        if given:
            raise InvalidInput(
                f"{' and '.join(given)} choose what goes in the referral summary: "
                "add --summary, or leave them out for the referral letter."
            )


def command_letter(args: argparse.Namespace, reader: SecretReader, out: TextIO) -> int:
    check_letter_arguments(args)
    target = pdf_target(args.out)
    try:
        return _write_letter(args, reader, out, target)
    except TemplateProblem as error:
        # The practice's template is input like any other: put it right in the editor.
        raise InvalidInput(
            f"{error.message} Put it right in Settings → Letter templates."
        ) from error


def _write_letter(args: argparse.Namespace, reader: SecretReader, out: TextIO, target: Path) -> int:
    application = _application()
    with unlock(args, reader) as vault:
        today = vault.now().astimezone().date()
        parties = letters.referral_parties(vault, args.referral)
        # Refused before anything is drawn: no consent and no reason, no letter.
        letters.check_may_send(vault, parties, today, args.without_consent_reason)
        sections: tuple[str, ...] = ()
        if args.summary:
            candidates = {
                excerpt.note_id: excerpt
                for excerpt in referral_summary.excerpt_candidates(vault, parties.client.id)
            }
            unknown = [note_id for note_id in args.excerpt if note_id not in candidates]
            if unknown:
                raise InvalidInput(
                    f"{', '.join(unknown)}: not a signed progress note of this client."
                )
            excerpts = [candidates[note_id] for note_id in args.excerpt]
            suggested = referral_summary.suggested_text(vault, args.referral, today, excerpts)
            chosen_sections = args.sections or tuple(
                section for section, text in suggested.items() if text.strip()
            )
            _check_sections_have_text(chosen_sections, suggested)
            chosen = [
                referral_summary.SectionText(section, suggested[section])
                for section in chosen_sections
            ]
            document = referral_summary.summary_document(vault, args.referral, chosen, today)
            sections = tuple(item.section.value for item in chosen)
            what = "referral summary"
        else:
            document = letters.referral_letter(vault, args.referral, today)
            what = "referral letter"
        save_pdf(document, target, PaperSize(args.paper))
        try:
            letters.record_sent(
                vault,
                parties,
                what=what,
                how=f"saved as PDF: {target.name}",
                on=today,
                sections=sections,
                without_consent_reason=args.without_consent_reason,
                content=document_text(document),
            )
        except BaseException:
            target.unlink(missing_ok=True)  # not logged, so not left behind
            raise
        _in_force, consent_words = letters.consent_state(vault, parties, today)
    del application
    print(target, file=out)
    print(consent_words, file=out)
    return ExitStatus.OK


def _check_sections_have_text(chosen: tuple[Section, ...], suggested: dict[Section, str]) -> None:
    """One message for the sections asked for that the record has no text for."""
    empty = [
        referral_summary.TITLES[section] for section in chosen if not suggested[section].strip()
    ]
    if empty:
        raise InvalidInput(
            "The record has no text for "
            + ", ".join(empty)
            + ": leave "
            + ("it" if len(empty) == 1 else "them")
            + " out of --sections (the command line prints the record's own wording; "
            "write your own in the window's composer)."
        )
