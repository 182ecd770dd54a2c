"""Composing a referral letter or summary, or a general letter: choose, reword, see the
pages, print or save.

The flow is the command line's (ui/letter_command.py), with a person in it:
the consent check comes before anything leaves the vault, the document is
drawn by the one print path (the preview beside the choices is those very
pages), and once it is printed or saved the disclosure is recorded on the
client, with the text that went, and a draft referral becomes sent.
Psychotherapy notes are never offered: excerpts come from signed progress notes
only. The general letter (`open_general_letter`) is the same composer with the
recipient chosen from the directory and the whole body in the therapist's words.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from therapist_desk.errors import InvalidInput
from therapist_desk.letters import letters, referral_summary
from therapist_desk.letters.letters import LetterParties
from therapist_desk.letters.referral_summary import Excerpt, Section, SectionText
from therapist_desk.letters.rendering import PrintedDocument, TemplateProblem
from therapist_desk.records.clients import get_client
from therapist_desk.sharing.disclosures import Delivery, DocumentSent
from therapist_desk.ui.common.dialogs import DialogService
from therapist_desk.ui.common.icons import icon
from therapist_desk.ui.common.saving import SAVE_ERRORS, save_error_text
from therapist_desk.ui.common.theme import risk_colours
from therapist_desk.ui.common.widgets import heading, label, named, scrolling, subheading
from therapist_desk.ui.open_vault import OpenVault
from therapist_desk.ui.printing.document_preview import DocumentPreview, document_text
from therapist_desk.ui.printing.print_actions import Disclosed, print_document, save_document_as_pdf
from therapist_desk.ui.professionals.professional_picker import ProfessionalPicker

#: The preview follows the typing this long after the last key, not on every key.
PREVIEW_DELAY_MS = 400
SECTION_HINTS = {
    Section.HISTORY: "Relevant history: nothing is recorded for this; write it here…",
    Section.PRESENTING_PROBLEMS: "The presenting problems, in your words…",
}


def open_composer(
    parent: QWidget,
    open_vault: OpenVault,
    dialogs: DialogService,
    referral_id: str,
    summary: bool,
) -> None:
    """Compose the referral letter (or, with `summary`, the referral summary) and send it."""
    try:
        composer = LetterComposer(open_vault, dialogs, referral_id, summary, parent)
    except SAVE_ERRORS as error:
        dialogs.warn(parent, "The letter cannot be composed", save_error_text(error))
        return
    composer.exec()
    composer.deleteLater()  # client text stays in memory no longer than the dialog


def open_general_letter(
    parent: QWidget, open_vault: OpenVault, dialogs: DialogService, client_id: str
) -> None:
    """Write a letter about the client to a professional of the directory, and send it."""
    try:
        composer = GeneralLetterComposer(open_vault, dialogs, client_id, parent)
    except SAVE_ERRORS as error:
        dialogs.warn(parent, "The letter cannot be composed", save_error_text(error))
        return
    composer.exec()
    composer.deleteLater()


def show_warning(widget: QLabel, warning: bool) -> None:
    """A line that must be seen (no consent, no address) stands out; otherwise it is muted."""
    widget.setProperty("role", "warning" if warning else "muted")
    if warning:
        text, background = risk_colours()
        widget.setStyleSheet(
            f"QLabel {{ color: {text}; background: {background}; padding: 6px; "
            "border-radius: 4px; }"
        )
    else:
        widget.setStyleSheet("")
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def text_box(name: str, text: str, *, max_lines: int = 8) -> QPlainTextEdit:
    """A multi-line field as tall as its text (within reason); Tab moves on."""
    box = named(QPlainTextEdit(text), name)
    box.setTabChangesFocus(True)
    box.ensurePolished()  # the style sheet sets the font size; measure with it
    lines = max(2, min(max_lines, text.count("\n") + 1 + len(text) // 60))
    spacing = QFontMetrics(box.font()).lineSpacing()
    box.setFixedHeight(spacing * lines + 2 * box.frameWidth() + 12)
    return box


class SectionChoice:
    """One section of the summary: ticked or not, and its wording."""

    def __init__(self, section: Section, text: str) -> None:
        self.section = section
        title = referral_summary.TITLES[section]
        self.check = named(QCheckBox(title), f"Include {title.lower()}")
        self.check.setChecked(bool(text.strip()))
        self.text = text_box(f"{title} wording", text)
        self.text.setPlaceholderText(SECTION_HINTS.get(section, f"{title}…"))
        # Writing into an empty, unticked section means it should go in.
        self.text.textChanged.connect(self._written)
        self._was_empty = not text.strip()

    def _written(self) -> None:
        if self._was_empty and self.text.toPlainText().strip():
            self.check.setChecked(True)
        self._was_empty = not self.text.toPlainText().strip()


class ExcerptChoice:
    """One signed progress note the summary may quote, with its (editable) wording."""

    def __init__(self, excerpt: Excerpt) -> None:
        self.excerpt = excerpt
        day = referral_summary.excerpt_heading(excerpt)
        self.check = named(QCheckBox(f"Session of {day}"), f"Quote the note of {day}")
        self.text = text_box(f"Excerpt of {day}", excerpt.text, max_lines=5)

    def chosen(self) -> Excerpt:
        return replace(self.excerpt, text=self.text.toPlainText().strip())


class ConsentReasonDialog(QDialog):
    """No consent in force: going on needs a written reason, which is recorded."""

    def __init__(self, explanation: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("No consent to share")
        self.reason = named(QPlainTextEdit(), "Reason to go without consent")
        self.reason.setTabChangesFocus(True)
        self.reason.setPlaceholderText(
            "For example: an emergency — the client is at risk and the crisis team needs this now."
        )
        self.go_on = named(
            QPushButton("Go on and record the reason"), "Go on without consent, recording why"
        )
        self.go_on.setEnabled(False)
        self.reason.textChanged.connect(
            lambda: self.go_on.setEnabled(bool(self.reason.toPlainText().strip()))
        )
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        buttons.addButton(self.go_on, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label(explanation, wrap=True))
        layout.addWidget(
            label(
                "You may go on only with a written reason (an emergency, say). It is kept "
                "with the record of what was sent.",
                "muted",
                wrap=True,
            )
        )
        layout.addWidget(self.reason)
        layout.addWidget(buttons)
        self.setMinimumWidth(480)
        self.reason.setFocus()

    def given_reason(self) -> str | None:
        """The reason, once the dialog has run; None to stop (cancelled or left empty)."""
        if self.result() != QDialog.DialogCode.Accepted:
            return None
        return self.reason.toPlainText().strip() or None


class Composer(QDialog):
    """What every letter's composer shares: the parties, the consent line, the preview
    beside the choices, and sending (consent check, print or PDF, the disclosure log)."""

    def __init__(
        self, open_vault: OpenVault, dialogs: DialogService, parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        self._open_vault = open_vault
        self._dialogs = dialogs
        self._today = open_vault.today()
        self._parties: LetterParties | None = None
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.setSizeGripEnabled(True)
        self.preview = DocumentPreview(open_vault.paper_size)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        self.status = named(label("", "muted", wrap=True), "Composer status")
        self.consent_note = named(label("", "muted", wrap=True), "Consent")
        self.address_note = named(label("", "muted", wrap=True), "Recipient's address")
        self.address_note.hide()
        self.print_button = named(QPushButton(icon("print"), "Print…"), "Print")
        self.pdf_button = named(QPushButton(icon("save"), "Save as PDF…"), "Save as PDF")
        self.print_button.clicked.connect(lambda: self._send(self._print))
        self.pdf_button.clicked.connect(lambda: self._send(self._save_pdf))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.addButton(self.print_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.pdf_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.rejected.connect(self.reject)

    def _lay_out(self, what: str, top: list[QWidget], choices: QWidget) -> None:
        """The choices (under a heading, the parties and the consent line) beside the pages."""
        self.print_button.setAccessibleName(f"Print the {what.lower()}")
        self.pdf_button.setAccessibleName(f"Save the {what.lower()} as PDF")
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(heading(what))
        for widget in top:
            left_layout.addWidget(widget)
        left_layout.addWidget(self.consent_note)
        left_layout.addWidget(self.address_note)
        left_layout.addWidget(scrolling(choices), 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(left)
        splitter.addWidget(self.preview)
        splitter.setStretchFactor(0, 5)
        splitter.setStretchFactor(1, 6)
        left.setMinimumWidth(380)
        self.preview.setMinimumWidth(380)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)
        self._fit_to_screen()

    def done(self, result: int) -> None:
        self._timer.stop()  # closed by the lock, say: no preview of a locked vault
        super().done(result)

    def _fit_to_screen(self) -> None:
        screen = self.screen().availableGeometry()
        self.resize(min(1280, screen.width() - 40), min(860, screen.height() - 40))

    def _show_parties(self) -> None:
        """The consent line (with its scope, or why there is none) and the address warning."""
        parties = self._parties
        if parties is None:
            self.consent_note.setText("Choose the recipient to see the client's consent.")
            show_warning(self.consent_note, False)
            self.address_note.hide()
            return
        in_force, words = letters.consent_state(self._open_vault.vault, parties, self._today)
        if not in_force:
            words += " Sending will ask for the reason it must go without."
        self.consent_note.setText(words)
        show_warning(self.consent_note, not in_force)
        has_address = bool(parties.recipient.details.address.strip())
        self.address_note.setText(
            ""
            if has_address
            else f"The directory has no postal address for {parties.recipient_line}: the "
            "letter will print without one. Add it in the directory if it goes by post."
        )
        show_warning(self.address_note, not has_address)
        self.address_note.setVisible(not has_address)

    # -- the document ------------------------------------------------------------------

    def schedule_refresh(self) -> None:
        self._timer.start()

    @abstractmethod
    def make_document(self) -> PrintedDocument:
        """The document exactly as the choices say now."""

    def refresh(self) -> None:
        """Make the document from the choices now and show its pages (or what is wrong)."""
        self._timer.stop()
        try:
            document = self.make_document()
        except TemplateProblem as error:
            self.preview.show_problem(
                f"{error.message}\n\nPut it right in Settings → Letter templates, or reset the "
                "template to the shipped default there."
            )
        except SAVE_ERRORS as error:
            self.preview.show_problem(save_error_text(error))
        else:
            self.preview.show_document(document)
        ready = self.preview.document is not None
        self.print_button.setEnabled(ready)
        self.pdf_button.setEnabled(ready)

    # -- sending -------------------------------------------------------------------------

    @abstractmethod
    def _record(self, how: str, reason: str, content: str) -> None:
        """Log the disclosure: `how` it went, the `reason` to go without consent, the text."""

    def _reason_to_go_without_consent(self) -> str | None:
        """ "" when a consent is in force; otherwise the written reason, or None to stop."""
        parties = self._parties
        if parties is None:
            return None
        if letters.consent_for(self._open_vault.vault, parties, self._today) is not None:
            return ""
        client = parties.client.details.legal_name
        dialog = ConsentReasonDialog(
            f"{client} has no consent recorded to share information with "
            f"{parties.recipient_line}, in force today.",
            self,
        )
        dialog.exec()
        return dialog.given_reason()

    def _send(self, output: Callable[[PrintedDocument, str], DocumentSent | None]) -> None:
        self.refresh()  # what goes out is what the choices say now, not 400 ms ago
        document = self.preview.document
        if document is None:
            return
        reason = self._reason_to_go_without_consent()
        if reason is None:
            self.status.setText("Nothing was printed or saved.")
            return
        sent = output(document, reason)
        if sent is not None:
            # Only the first letter changes: capitalize() would write "saved as pdf".
            said = sent.how[:1].upper() + sent.how[1:]
            self.status.setText(f"{said}, and recorded in the client's disclosures.")
            self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Close")

    def _recorder(self, document: PrintedDocument, reason: str) -> Disclosed:
        return lambda sent: self._record(sent.how, reason, document_text(document))

    def _print(self, document: PrintedDocument, reason: str) -> DocumentSent | None:
        paper = self.preview.paper
        try:
            printed = print_document(
                self, self._dialogs, document, paper, self._recorder(document, reason)
            )
        except SAVE_ERRORS as error:
            self._dialogs.warn(
                self,
                "Printed, but not recorded",
                "It was sent to the printer, but the disclosure could not be recorded: "
                f"{save_error_text(error)} Note it on the client's record by hand.",
            )
            return None
        return DocumentSent(Delivery.PRINTED) if printed else None

    def _save_pdf(self, document: PrintedDocument, reason: str) -> DocumentSent | None:
        paper = self.preview.paper
        try:
            target = save_document_as_pdf(
                self, self._dialogs, document, paper, self._recorder(document, reason)
            )
        except SAVE_ERRORS as error:  # save_document_as_pdf removed the unrecorded PDF
            self._dialogs.warn(
                self,
                "The PDF was not saved",
                f"The disclosure could not be recorded, so the PDF was removed: "
                f"{save_error_text(error)}",
            )
            return None
        return None if target is None else DocumentSent(Delivery.SAVED_AS_PDF, target.name)


class LetterComposer(Composer):
    """The referral letter or summary, composed beside the pages it prints as."""

    def __init__(
        self,
        open_vault: OpenVault,
        dialogs: DialogService,
        referral_id: str,
        summary: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(open_vault, dialogs, parent)
        self._referral_id = referral_id
        self.summary = summary
        vault = open_vault.vault
        self._referral_parties = parties = letters.referral_parties(vault, referral_id)
        self._parties = parties
        what = "Referral summary" if summary else "Referral letter"
        self.setWindowTitle(f"{what} — {parties.client.details.legal_name}")

        self.sections: list[SectionChoice] = []
        self.excerpts: list[ExcerptChoice] = []
        self.excerpts_check: QCheckBox | None = None
        self.body: QPlainTextEdit | None = None
        consented = letters.consent_for(vault, parties, self._today) is not None
        self._standard_text = letters.standard_letter_text(parties, consented)
        self._template_has_body = letters.template_uses(
            vault, "referral_letter", "referral.letter_text"
        )

        choices = QWidget()
        choices_layout = QVBoxLayout(choices)
        choices_layout.setContentsMargins(0, 0, 8, 0)
        if summary:
            self._summary_choices(choices_layout)
        else:
            self._letter_choices(choices_layout)
        choices_layout.addStretch(1)
        about = label(f"{parties.client.details.legal_name} to {parties.recipient_line}", wrap=True)
        self._lay_out(what, [about], choices)
        self._show_parties()
        self.refresh()

    # -- building the choices ---------------------------------------------------------

    def _summary_choices(self, layout: QVBoxLayout) -> None:
        vault = self._open_vault.vault
        candidates = referral_summary.excerpt_candidates(vault, self._referral_parties.client.id)
        suggested = referral_summary.suggested_text(vault, self._referral_id, self._today)
        layout.addWidget(
            label(
                "Tick what goes in and reword it as you wish; the pages beside show exactly "
                "what will be printed.",
                "muted",
                wrap=True,
            )
        )
        for section in referral_summary.ORDER:
            if section is Section.NOTE_EXCERPTS:
                continue
            choice = SectionChoice(section, suggested[section])
            choice.check.toggled.connect(self.schedule_refresh)
            choice.text.textChanged.connect(self.schedule_refresh)
            self.sections.append(choice)
            layout.addWidget(choice.check)
            layout.addWidget(choice.text)
        title = referral_summary.TITLES[Section.NOTE_EXCERPTS]
        self.excerpts_check = check = named(QCheckBox(title), f"Include {title.lower()}")
        check.toggled.connect(self.schedule_refresh)
        layout.addWidget(check)
        layout.addWidget(
            label(
                "Signed progress notes only; private process notes are never offered. "
                "Tick the notes to quote and trim each to what the recipient needs."
                if candidates
                else "There are no signed progress notes to quote yet.",
                "muted",
                wrap=True,
            )
        )
        for excerpt in candidates:
            choice_of_note = ExcerptChoice(excerpt)
            choice_of_note.check.toggled.connect(self._excerpt_ticked)
            choice_of_note.text.textChanged.connect(self.schedule_refresh)
            self.excerpts.append(choice_of_note)
            layout.addWidget(choice_of_note.check)
            layout.addWidget(choice_of_note.text)

    def _letter_choices(self, layout: QVBoxLayout) -> None:
        stored = self._referral_parties.referral.details.letter_text
        self.body = body = text_box("Letter wording", stored or self._standard_text, max_lines=18)
        body.setPlaceholderText("Empty: the template's standard wording is printed.")
        body.textChanged.connect(self.schedule_refresh)
        layout.addWidget(subheading("The letter's wording"))
        if self._template_has_body:
            hint = (
                "The date, the addresses, the greeting and the signature come from the "
                "practice's letter template; the paragraphs between are yours to word."
            )
        else:
            body.setReadOnly(True)
            hint = (
                "The practice's referral letter template does not use the referral's own "
                "wording (referral.letter_text), so the letter prints as the template says. "
                "Change the template in Settings → Letter templates."
            )
        layout.addWidget(label(hint, "muted", wrap=True))
        layout.addWidget(body)

    # -- the document ------------------------------------------------------------------

    def _excerpt_ticked(self) -> None:
        if self.excerpts_check is not None:
            self.excerpts_check.setChecked(any(c.check.isChecked() for c in self.excerpts))
        self.schedule_refresh()

    def chosen_sections(self) -> list[SectionText]:
        chosen = [
            SectionText(choice.section, choice.text.toPlainText())
            for choice in self.sections
            if choice.check.isChecked()
        ]
        if self.excerpts_check is not None and self.excerpts_check.isChecked():
            quoted = [choice.chosen() for choice in self.excerpts if choice.check.isChecked()]
            chosen.append(
                SectionText(Section.NOTE_EXCERPTS, referral_summary.excerpts_text(quoted))
            )
        return chosen

    def letter_text(self) -> str | None:
        """The wording to print and keep ("" for the template's standard wording)."""
        if self.body is None or not self._template_has_body:
            return None
        text = self.body.toPlainText().strip()
        return "" if text == self._standard_text.strip() else text

    def make_document(self) -> PrintedDocument:
        vault = self._open_vault.vault
        if self.summary:
            return referral_summary.summary_document(
                vault, self._referral_id, self.chosen_sections(), self._today
            )
        return letters.referral_letter(vault, self._referral_id, self._today, self.letter_text())

    # -- sending -------------------------------------------------------------------------

    def _record(self, how: str, reason: str, content: str) -> None:
        """Log the disclosure with the printed text, mark a draft referral sent and keep the
        letter's wording: all in one commit, or nothing."""
        self._open_vault.record_sent(
            self._referral_parties,
            what="referral summary" if self.summary else "referral letter",
            how=how,
            on=self._today,
            sections=tuple(item.section.value for item in self._printed_sections()),
            without_consent_reason=reason,
            letter_text=self.letter_text(),
            content=content,
        )

    def _printed_sections(self) -> list[SectionText]:
        return referral_summary.check_sections(self.chosen_sections()) if self.summary else []


class GeneralLetterComposer(Composer):
    """A letter about the client to a professional of the directory, in the therapist's words."""

    def __init__(
        self,
        open_vault: OpenVault,
        dialogs: DialogService,
        client_id: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(open_vault, dialogs, parent)
        self._client_id = client_id
        client = get_client(open_vault.vault, client_id)
        self.setWindowTitle(f"Letter — {client.details.legal_name}")
        self.recipient = ProfessionalPicker("Recipient", open_vault)
        self.recipient.changed.connect(self._recipient_chosen)
        self.subject = named(QLineEdit(), "Subject line")
        self.subject.setPlaceholderText(
            f"Empty: \u201cRe: {client.details.legal_name}\u201d and the date of birth"
        )
        self.subject.textChanged.connect(self.schedule_refresh)
        self.body = text_box("Letter wording", "", max_lines=18)
        self.body.setPlaceholderText("The letter's paragraphs, separated by an empty line…")
        self.body.textChanged.connect(self.schedule_refresh)

        choices = QWidget()
        layout = QVBoxLayout(choices)
        layout.setContentsMargins(0, 0, 8, 0)
        layout.addWidget(subheading("To"))
        layout.addWidget(self.recipient)
        layout.addWidget(subheading("Subject"))
        layout.addWidget(self.subject)
        layout.addWidget(subheading("The letter's wording"))
        layout.addWidget(
            label(
                "The date, the addresses, the greeting and the signature come from the "
                "practice's general letter template; the paragraphs between are yours.",
                "muted",
                wrap=True,
            )
        )
        layout.addWidget(self.body)
        layout.addStretch(1)
        about = label(f"About {client.details.legal_name}", wrap=True)
        self._lay_out("Letter", [about], choices)
        self._show_parties()
        self.refresh()

    def _recipient_chosen(self, professional_id: str | None) -> None:
        self._parties = (
            None
            if professional_id is None
            else letters.letter_parties(self._open_vault.vault, self._client_id, professional_id)
        )
        self._show_parties()
        self.schedule_refresh()

    def make_document(self) -> PrintedDocument:
        parties = self._parties
        if parties is None:
            raise InvalidInput("Choose the recipient from the directory (or add them there).")
        vault = self._open_vault.vault
        return letters.general_letter(
            vault,
            self._client_id,
            parties.recipient.details,
            self.subject.text().strip(),
            self.body.toPlainText(),
            self._today,
            letters.consent_for(vault, parties, self._today),
        )

    def _record(self, how: str, reason: str, content: str) -> None:
        parties = self._parties
        if parties is None:  # the buttons are off until a recipient is chosen
            raise InvalidInput("Choose the recipient first.")
        self._open_vault.record_letter_sent(
            parties,
            how=how,
            on=self._today,
            without_consent_reason=reason,
            content=content,
        )
