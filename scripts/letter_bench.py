"""How long a three-page referral summary takes to become a PDF, and the print preview to open.

    python scripts/letter_bench.py [--clients 60] [--runs 15] [--pages 3]

Builds a demo-sized vault in a temporary folder (fast test key derivation),
takes the client with the most signed notes who has a referral, and composes
their referral summary with every section and as many note excerpts as make
it run to about `--pages` pages. Then, offscreen, medians over `--runs` of:

- the summary to PDF bytes (printing.pdf_bytes: layout, drawing, fonts embedded),
  and, as a baseline in the same run, the one-page referral letter;
- making the summary document from the vault (template rendering and reads);
- opening the print preview: Qt's QPrintPreviewDialog built with the summary
  painted by the one print path, shown, and its first paint done;
- the composer's own preview (QPrintPreviewWidget) redrawn after an edit.

A figure, never a test: nothing fails on a timing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtPrintSupport import QPrintPreviewDialog
from PySide6.QtWidgets import QApplication

from therapist_desk.crypto.kdf import FAST_TEST_PARAMS
from therapist_desk.demo.practice import DemoOptions, build_demo_practice
from therapist_desk.letters import letters, referral_summary
from therapist_desk.letters.referral_summary import Section, SectionText
from therapist_desk.letters.rendering import PaperSize, PrintedDocument
from therapist_desk.records.clients import list_clients
from therapist_desk.sharing import referrals
from therapist_desk.ui.common.theme import apply_theme
from therapist_desk.ui.printing.document_preview import DocumentPreview
from therapist_desk.ui.printing.pages import paint_document, pdf_bytes, printer_for
from therapist_desk.vault import Vault, create_vault
from therapist_desk.vault.paths import VaultPaths

PASSPHRASE = "timing a quiet harbour"


def _timed(runs: int, work: Callable[[], object]) -> list[float]:
    work()  # warm: fonts registered, templates compiled
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return times


def _row(name: str, values: list[float]) -> str:
    return (
        f"{name:<44} {statistics.median(values) * 1000:8.1f} ms"
        f"   (min {min(values) * 1000:.1f}, max {max(values) * 1000:.1f}, n={len(values)})"
    )


def _page_count(data: bytes) -> int:
    return data.count(b"/Type /Page\n") or data.count(b"/Type /Page ") or data.count(b"/Page\n")


def _summary(vault: Vault, referral_id: str, excerpts: int) -> PrintedDocument:
    today = vault.now().astimezone().date()
    client_id = referrals.get_referral(vault, referral_id).client_id
    quoted = referral_summary.excerpt_candidates(vault, client_id)[:excerpts]
    suggested = referral_summary.suggested_text(vault, referral_id, today, quoted)
    suggested[Section.HISTORY] = suggested[Section.HISTORY] or (
        "Grew up by the coast; a first episode of low mood at nineteen, treated by the GP."
    )
    suggested[Section.PRESENTING_PROBLEMS] = (
        suggested[Section.PRESENTING_PROBLEMS] or "Low mood, early waking, withdrawal."
    )
    chosen = [SectionText(section, text) for section, text in suggested.items() if text.strip()]
    return referral_summary.summary_document(vault, referral_id, chosen, today)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=60)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--pages", type=int, default=3)
    args = parser.parse_args()
    app = QApplication(sys.argv[:1])
    apply_theme(app)
    scratch = Path(tempfile.mkdtemp(prefix="therapist-desk-letter-bench-"))
    paths = VaultPaths(scratch / "vault")
    with create_vault(paths, PASSPHRASE, kdf_params=FAST_TEST_PARAMS).vault as vault:
        build_demo_practice(vault, DemoOptions(clients=args.clients, years=3))
        referral = max(
            (
                found
                for client in list_clients(vault)
                for found in referrals.referrals_for_client(vault, client.id)
            ),
            key=lambda found: len(referral_summary.excerpt_candidates(vault, found.client_id)),
        )
        available = len(referral_summary.excerpt_candidates(vault, referral.client_id))
        # As many excerpts as make the summary run to the pages asked for.
        excerpts = 1
        while excerpts < available:
            pages = _page_count(pdf_bytes(_summary(vault, referral.id, excerpts)))
            if pages >= args.pages:
                break
            excerpts += 1
        summary = _summary(vault, referral.id, excerpts)
        today = vault.now().astimezone().date()
        letter = letters.referral_letter(vault, referral.id, today)
        summary_pdf = pdf_bytes(summary)
        print(
            f"{args.clients} demo clients; summary: every section, {excerpts} note excerpts, "
            f"{_page_count(summary_pdf)} pages A4, {len(summary_pdf) / 1024:.0f} KiB; "
            f"letter: {_page_count(pdf_bytes(letter))} page"
        )
        rows = [
            ("summary to PDF bytes", _timed(args.runs, lambda: pdf_bytes(summary))),
            (
                "  baseline: one-page letter to PDF bytes",
                _timed(args.runs, lambda: pdf_bytes(letter)),
            ),
            (
                "summary to PDF bytes, US Letter",
                _timed(args.runs, lambda: pdf_bytes(summary, PaperSize.LETTER)),
            ),
            (
                "making the summary from the vault",
                _timed(args.runs, lambda: _summary(vault, referral.id, excerpts)),
            ),
        ]

        def open_preview() -> None:
            printer = printer_for(summary, PaperSize.A4)
            dialog = QPrintPreviewDialog(printer)
            dialog.paintRequested.connect(lambda device: paint_document(summary, device))
            dialog.resize(900, 720)
            dialog.show()
            app.processEvents()  # the preview is generated and painted on show
            dialog.grab()  # and forced to paint now, whatever the platform
            dialog.close()
            dialog.deleteLater()
            app.processEvents()

        rows.append(("print preview dialog opened and painted", _timed(args.runs, open_preview)))
        composer_preview = DocumentPreview(PaperSize.A4)
        composer_preview.resize(620, 700)
        composer_preview.show()

        def redraw() -> None:
            composer_preview.show_document(summary)
            composer_preview.grab()

        rows.append(("composer preview redrawn after an edit", _timed(args.runs, redraw)))
        composer_preview.close()
    print()
    for name, values in rows:
        print(_row(name, values))
    print("\nA figure, not a test: nothing fails on a timing.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
