"""The client's safety plan: written with them, saved as it is typed, printed for them to keep.

The plan is saved after a pause in typing, when the therapist moves on, and
with "Save now"; a save that fails keeps the text on screen and, if the
therapist leaves, hands it to HeldDrafts. Printing goes through the one print
path (preview, printer or PDF) with the shipped template, and is recorded on
the client's audit trail as a disclosure.
"""

from __future__ import annotations

import re
from dataclasses import fields

from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from therapist_desk.clinical import risk
from therapist_desk.domain.records import (
    ClientDetails,
    PracticeProfile,
    SafetyPlan,
    SafetyPlanDetails,
)
from therapist_desk.domain.wall_clock import local_date
from therapist_desk.letters.rendering import (
    PaperSize,
    PrintedDocument,
    TemplateProblem,
    letterhead_from,
    render,
    shipped_template,
)
from therapist_desk.records import clients, practice
from therapist_desk.sharing.disclosures import DocumentSent
from therapist_desk.ui.autosave import AutosaveClock
from therapist_desk.ui.common import formatting
from therapist_desk.ui.common.dialogs import DialogService
from therapist_desk.ui.common.icons import icon
from therapist_desk.ui.common.saving import SAVE_ERRORS, save_error_text
from therapist_desk.ui.common.widgets import label, named, subheading
from therapist_desk.ui.held_drafts import HeldDraft, HeldDrafts
from therapist_desk.ui.open_vault import OpenVault
from therapist_desk.ui.printing.pages import fit
from therapist_desk.ui.printing.print_actions import print_document, save_document_as_pdf

TEMPLATE = "safety_plan.html"

#: The plan's parts in the order of the printed plan: field, heading, what goes there.
PARTS = (
    (
        "warning_signs",
        "1. Warning signs",
        "Thoughts, moods, situations or behaviours that tell me a crisis may be starting",
    ),
    (
        "coping_strategies",
        "2. Things I can do on my own",
        "To take my mind off my problems: a walk, music, a shower, breathing…",
    ),
    (
        "distractions",
        "3. People and places that help",
        "People and social places that take my mind off things",
    ),
    ("people_to_ask", "4. People I can ask for help", "Names and phone numbers"),
    (
        "professionals",
        "5. Professionals and crisis lines",
        "My therapist, GP, out-of-hours service, a crisis line — with numbers",
    ),
    (
        "safe_environment",
        "6. Making my surroundings safe",
        "What to remove or lock away, and who will help with it",
    ),
    (
        "reasons_for_living",
        "Reasons for living",
        "The things most important to me, worth living for",
    ),
)


def is_empty(details: SafetyPlanDetails) -> bool:
    return not any(getattr(details, field.name).strip() for field in fields(details))


#: A bullet the therapist typed themselves; the printed list has its own.
_TYPED_BULLET = re.compile(r"^(?:[-*•·–—]|\d+[.)])\s+")


def bullet_lines(text: str) -> list[str]:
    """The plan part's entries, one per line as typed, without blank lines or typed bullets."""
    entries = (_TYPED_BULLET.sub("", line.strip()) for line in text.splitlines())
    return [entry for entry in entries if entry]


def called(client: ClientDetails) -> str:
    """How the plan speaks to the client: their preferred name, else their first name.

    The plan is theirs, in their words: never "Ms Haddad", the name letters use.
    """
    words = client.legal_name.split()
    return client.preferred_name.strip() or (words[0] if words else "")


def safety_plan_document(
    plan: SafetyPlan, client: ClientDetails, profile: PracticeProfile
) -> PrintedDocument:
    """The plan as it prints: one page, dated the day it was last agreed or changed."""
    body = render(
        shipped_template(TEMPLATE),
        {
            "client": {"name": called(client)},
            "plan": {
                field.name: bullet_lines(getattr(plan.details, field.name))
                for field in fields(plan.details)
            },
            "practice": profile,
            "agreed_on": local_date(plan.updated_at),
        },
        name=TEMPLATE,
    )
    return PrintedDocument(
        f"Safety plan – {client.legal_name}",
        body,
        letterhead_from(profile),
        footer="Confidential · My safety plan",
        fit_to_pages=1,
    )


class SafetyPlanEditor(QWidget):
    def __init__(
        self, dialogs: DialogService, drafts: HeldDrafts, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._dialogs = dialogs
        self._drafts = drafts
        drafts.register(self)
        self._vault: OpenVault | None = None
        self._client_id: str | None = None
        self._plan: SafetyPlan | None = None
        self._loading = False
        self._autosave = AutosaveClock(self._save, self)
        self.fields: dict[str, QPlainTextEdit] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(4)
        for index, (name, heading, hint) in enumerate(PARTS):
            box = named(QPlainTextEdit(), heading.split(". ", 1)[-1], hint)
            box.setPlaceholderText(hint + " (one per line)")
            box.setTabChangesFocus(True)
            box.setMinimumHeight(74)
            box.setMaximumHeight(96)
            box.textChanged.connect(self._changed)
            self.fields[name] = box
            row, column = divmod(index, 2)
            title = label(heading)
            title.setStyleSheet("font-weight: 600;")
            title.setBuddy(box)
            grid.addWidget(title, row * 2, column)
            grid.addWidget(box, row * 2 + 1, column)
        self.status = named(label("", "muted"), "Safety plan status")
        self.save_button = named(QPushButton(icon("save"), "Save now"), "Save the safety plan")
        self.print_button = named(
            QPushButton(icon("print"), "Print safety plan…"), "Print the safety plan"
        )
        self.pdf_button = named(
            QPushButton(icon("save"), "Save as PDF…"), "Save the safety plan as a PDF"
        )
        self.print_button.setToolTip("Preview and print the plan for the client to keep")
        self.save_button.clicked.connect(self.save_now)
        self.print_button.clicked.connect(self.print_plan)
        self.pdf_button.clicked.connect(self.save_as_pdf)
        top = QHBoxLayout()
        top.addWidget(subheading("Safety plan"))
        top.addStretch(1)
        top.addWidget(self.save_button)
        top.addWidget(self.print_button)
        top.addWidget(self.pdf_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addLayout(grid)
        self._set_enabled(False)

    # -- the record's life cycle -------------------------------------------------------------

    def attach(self, open_vault: OpenVault) -> None:
        self._vault = open_vault

    def _key(self) -> tuple[str, str]:
        return ("safety plan", self._client_id or "")

    def show_client(self, client_id: str | None) -> None:
        self.hand_over()
        self._client_id = client_id
        self._plan = None
        vault = self._vault
        if client_id is None or vault is None:
            self._fill(SafetyPlanDetails())
            self._set_enabled(False)
            self.status.setText("")
            return
        self._plan = risk.get_safety_plan(vault.vault, client_id)
        held = self._drafts.take(self._key())
        if held is not None:
            self._fill(held.payload)
            self.status.setText(f"Not saved yet: {held.error}")
            self._autosave.changed()
        else:
            self._fill(self._plan.details if self._plan else SafetyPlanDetails())
            self._show_saved()
        self._set_enabled(True)

    def flush(self) -> bool:
        return self._autosave.flush()

    def clear(self) -> None:
        self.hand_over()
        self._fill(SafetyPlanDetails())
        self._set_enabled(False)
        self.status.setText("")
        self._client_id = None
        self._plan = None
        self._vault = None

    def hand_over(self) -> None:
        """Save what is typed; if that fails, hand it to HeldDrafts, never drop it."""
        client_id = self._client_id
        if client_id is not None and self._autosave.dirty and not self._autosave.flush():
            details = self.details()
            self._drafts.hold(
                HeldDraft(
                    self._key(),
                    details,
                    lambda vault: vault.save_safety_plan(client_id, details),
                    "a safety plan",
                    self.status.text().removeprefix("Not saved: "),
                )
            )
        self._autosave.forget()

    # -- editing -----------------------------------------------------------------------------

    def details(self) -> SafetyPlanDetails:
        return SafetyPlanDetails(
            **{name: box.toPlainText().strip() for name, box in self.fields.items()}
        )

    def _fill(self, details: SafetyPlanDetails) -> None:
        self._loading = True
        try:
            for name, box in self.fields.items():
                box.setPlainText(getattr(details, name))
        finally:
            self._loading = False
        self._update_buttons()

    def _set_enabled(self, on: bool) -> None:
        for box in self.fields.values():
            box.setEnabled(on)
        self.save_button.setEnabled(on)
        self._update_buttons()

    def _update_buttons(self) -> None:
        printable = self._client_id is not None and not is_empty(self.details())
        self.print_button.setEnabled(printable)
        self.pdf_button.setEnabled(printable)

    def _changed(self) -> None:
        if self._loading or self._client_id is None:
            return
        self.status.setText("Editing…")
        self._update_buttons()
        self._autosave.changed()

    def _show_saved(self) -> None:
        if self._plan is None:
            self.status.setText("No safety plan yet. Write it with the client, in their words.")
        else:
            self.status.setText(f"Saved {formatting.when(self._plan.updated_at)}")

    def _save(self) -> bool:
        vault, client_id = self._vault, self._client_id
        if vault is None or client_id is None:
            return True
        details = self.details()
        if is_empty(details):
            # Nothing to keep; the plan saved before stays as it was.
            self.status.setText(
                "An empty plan is not saved."
                + (" The last saved plan is kept." if self._plan else "")
            )
            return True
        try:
            self._plan = vault.save_safety_plan(client_id, details)
        except SAVE_ERRORS as error:
            self.status.setText(f"Not saved: {save_error_text(error)}")
            return False
        self.status.setText(f"Saved {formatting.clock(self._plan.updated_at)}")
        return True

    def save_now(self) -> None:
        if not self._autosave.dirty:
            self._autosave.changed()  # "Save now" always writes, even unchanged text
        self._autosave.flush()

    # -- printing ----------------------------------------------------------------------------

    def document(self) -> PrintedDocument | None:
        """The plan as it prints, once it is saved; None (and a message) if it cannot be."""
        vault, client_id = self._vault, self._client_id
        if vault is None or client_id is None:
            return None
        if not self._autosave.flush() or self._plan is None:
            self._dialogs.warn(
                self,
                "The safety plan was not printed",
                "The plan must be saved before it is printed, and it could not be: "
                f"{self.status.text().removeprefix('Not saved: ')}. What you typed is still here.",
            )
            return None
        client = clients.get_client(vault.vault, client_id).details
        profile = practice.get_profile(vault.vault)
        try:
            return safety_plan_document(self._plan, client, profile)
        except TemplateProblem as problem:
            self._dialogs.warn(self, "The safety plan was not printed", problem.message)
            return None

    def _fits_or_agreed(self, document: PrintedDocument, paper: PaperSize) -> bool:
        """True when the plan fits its page, or the therapist agrees to print more pages."""
        laid_out = fit(document, paper)
        if laid_out.fits:
            return True
        return self._dialogs.confirm(
            self,
            "The safety plan does not fit on one page",
            f"Even in the smallest readable type it takes {laid_out.pages} pages. A plan "
            "the client can keep to hand is best on one page: shorten some parts to the "
            "few things that help most, or print it on "
            f"{laid_out.pages} pages as it is.",
            f"Print on {laid_out.pages} pages",
        )

    def _disclosed(self, sent: DocumentSent) -> None:
        vault, client_id, plan = self._vault, self._client_id, self._plan
        if vault is None or client_id is None or plan is None:
            return
        try:
            vault.record_document_sent(client_id, "safety plan", sent, record_id=plan.id)
        except SAVE_ERRORS as error:
            self._dialogs.warn(
                self,
                "The disclosure was not recorded",
                f"The safety plan left the vault, but the audit trail could not record it: "
                f"{save_error_text(error)}.",
            )

    def print_plan(self) -> None:
        document = self.document()
        if document is None or self._vault is None:
            return
        paper = self._vault.paper_size
        if self._fits_or_agreed(document, paper):
            print_document(self, self._dialogs, document, paper, self._disclosed)

    def save_as_pdf(self) -> None:
        document = self.document()
        if (
            document is not None
            and self._vault is not None
            and self._fits_or_agreed(document, self._vault.paper_size)
        ):
            save_document_as_pdf(
                self, self._dialogs, document, self._vault.paper_size, self._disclosed
            )
