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

from therapist_desk import letters, referral_summary
from therapist_desk.cli_support import SecretReader, unlock
from therapist_desk.errors import ExitStatus, TherapistDeskError
from therapist_desk.ui.printing import PaperSize, save_pdf


def _application() -> QGuiApplication:
    existing = QGuiApplication.instance()
    if isinstance(existing, QGuiApplication):
        return existing
    # No screen is needed to draw a PDF.
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    return QGuiApplication(sys.argv[:1])


def command_letter(args: argparse.Namespace, reader: SecretReader, out: TextIO) -> int:
    application = _application()
    target: Path = args.out
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
                raise TherapistDeskError(
                    f"{', '.join(unknown)}: not a signed progress note of this client."
                )
            excerpts = [candidates[note_id] for note_id in args.excerpt]
            suggested = referral_summary.suggested_text(vault, args.referral, today, excerpts)
            chosen_sections = args.sections or tuple(
                section for section, text in suggested.items() if text.strip()
            )
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
            )
        except BaseException:
            target.unlink(missing_ok=True)  # not logged, so not left behind
            raise
    del application
    print(target, file=out)
    return ExitStatus.OK
