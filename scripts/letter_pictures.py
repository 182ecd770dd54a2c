"""Every default letter as a PDF and as PNG pages, to look at as their recipient would.

    python scripts/letter_pictures.py --out /tmp/letters

Builds a small demo practice in a temporary folder, picks a client with a
referral, and writes the referral letter (also as it reads without a
consent), the referral summary (every section the record has text for, with
the two newest note excerpts) and a general letter as PDFs, then turns each
page into a PNG with poppler's pdftoppm.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtGui import QGuiApplication

from therapist_desk.crypto.kdf import FAST_TEST_PARAMS
from therapist_desk.demo.practice import DemoOptions, build_demo_practice
from therapist_desk.domain.records import SharingConsentDetails
from therapist_desk.letters import letters, referral_summary
from therapist_desk.letters.rendering import PaperSize
from therapist_desk.records.clients import list_clients
from therapist_desk.sharing import consents, referrals
from therapist_desk.ui.printing.pages import save_pdf
from therapist_desk.vault import create_vault
from therapist_desk.vault.paths import VaultPaths


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("letters"))
    parser.add_argument("--paper", choices=("A4", "Letter"), default="A4")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    application = QGuiApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory(prefix="therapist-desk-letters-") as scratch:
        paths = VaultPaths(Path(scratch) / "vault")
        with create_vault(paths, "letters", kdf_params=FAST_TEST_PARAMS).vault as vault:
            build_demo_practice(vault, DemoOptions(clients=40, years=1.5))
            today = vault.now().astimezone().date()
            referral = next(
                found
                for client in list_clients(vault)
                for found in referrals.referrals_for_client(vault, client.id)
            )
            # The same letter as it reads when it goes without consent (with a reason).
            without_consent = letters.referral_letter(vault, referral.id, today)
            consents.add_consent(
                vault,
                referral.client_id,
                referral.professional_id,
                SharingConsentDetails(given_on=today, scope="referral letter and summary"),
            )
            parties = letters.referral_parties(vault, referral.id)
            excerpts = referral_summary.excerpt_candidates(vault, referral.client_id)[:2]
            suggested = referral_summary.suggested_text(vault, referral.id, today, excerpts)
            chosen = [
                referral_summary.SectionText(section, text)
                for section, text in suggested.items()
                if text.strip()
            ]
            documents = {
                "referral-letter": letters.referral_letter(vault, referral.id, today),
                "referral-letter-without-consent": without_consent,
                "referral-summary": referral_summary.summary_document(
                    vault, referral.id, chosen, today
                ),
                "general-letter": letters.general_letter(
                    vault,
                    referral.client_id,
                    parties.recipient.details,
                    "",
                    "Thank you for seeing my client last week.\n\nI would be glad to hear "
                    "your thoughts on the plan we discussed.",
                    today,
                    letters.consent_for(vault, parties, today),
                ),
            }
            for name, document in documents.items():
                pdf = args.out / f"{name}.pdf"
                save_pdf(document, pdf, PaperSize(args.paper))
                subprocess.run(
                    ["pdftoppm", "-png", "-r", "80", str(pdf), str(args.out / name)], check=True
                )
                print(pdf)
    del application
    return 0


if __name__ == "__main__":
    sys.exit(main())
