"""The progress-note editor: sections of the chosen format, pick lists, mood, risk, sign.

Drafts save themselves after a pause in typing (and at least every ten
seconds while typing), whenever the therapist switches away, and on lock;
"Saved" shows only after the commit returned. A signed note reads as a
document, with its dated addenda below.
"""

from __future__ import annotations

import html
import itertools
from collections.abc import Callable, Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from therapist_desk.clinical import treatment_plans
from therapist_desk.clinical.session_notes import SessionNote
from therapist_desk.domain.records import Addendum, NoteContent, ProgressNote, TherapySession
from therapist_desk.domain.vocabulary import NOTE_SECTIONS, NoteFormat, TermCategory
from therapist_desk.errors import TherapistDeskError
from therapist_desk.records import progress_notes, terms
from therapist_desk.ui.autosave import AutosaveClock
from therapist_desk.ui.common import formatting
from therapist_desk.ui.common.checklist import CheckList
from therapist_desk.ui.common.dialogs import DialogService
from therapist_desk.ui.common.icons import icon
from therapist_desk.ui.common.pick_list import offer_terms, pick_list
from therapist_desk.ui.common.record_dialog import RecordDialog
from therapist_desk.ui.common.saving import SAVE_ERRORS, save_error_text
from therapist_desk.ui.common.widgets import empty_state, label, named, scrolling, subheading
from therapist_desk.ui.held_drafts import HeldDraft, HeldDrafts
from therapist_desk.ui.open_vault import OpenVault
from therapist_desk.ui.record.objectives_worked_on import (
    objective_choices,
    worked_on_html,
    worked_on_list,
)


class AddendumDialog(RecordDialog[Addendum]):
    """Calls `save(text)` on Save; stays open, with the text, if it is refused."""

    def __init__(self, save: Callable[[str], Addendum], parent: QWidget | None = None) -> None:
        super().__init__("addendum", parent)
        self._save = save
        self.setWindowTitle("Add an addendum")
        self.text = named(QPlainTextEdit(), "Addendum text")
        self.text.setTabChangesFocus(True)
        self.lay_out(
            label(
                "An addendum is dated and added below the signed note; the note itself "
                "stays as it was signed.",
                wrap=True,
            ),
            self.text,
        )
        self.resize(520, 300)

    def store(self) -> Addendum:
        return self._save(self.text.toPlainText())


class NoteEditor(QWidget):
    #: The note on screen was saved, signed or given an addendum (after the commit).
    saved = Signal()

    def __init__(
        self, dialogs: DialogService, drafts: HeldDrafts, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        named(self, "Progress note")
        self._dialogs = dialogs
        self._drafts = drafts
        drafts.register(self)
        # An addendum typed but not saved when the vault locked, by note id: the
        # dialog opens with it again next time.
        self._addendum_drafts: dict[str, str] = {}
        self._vault: OpenVault | None = None
        self._session: TherapySession | None = None
        self._note: ProgressNote | None = None
        #: The plan objectives the vault holds for the note on screen.
        self._stored_objectives: tuple[str, ...] = ()
        self._loading = False
        self._autosave = AutosaveClock(self._save, self)
        self._section_edits: dict[str, QPlainTextEdit] = {}

        self.facts = named(label("", "subheading", wrap=True), "Session facts")
        self.pages = QStackedWidget()
        self.empty = empty_state("Choose a session to read or write its note.")
        self.pages.addWidget(self.empty)
        self.pages.addWidget(self._build_editor())
        self.pages.addWidget(self._build_signed())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.facts)
        layout.addWidget(self.pages, 1)
        self.facts.hide()

    # -- building ------------------------------------------------------------------------

    def _build_editor(self) -> QWidget:
        page = QWidget()
        self.format_box = named(QComboBox(), "Note format")
        for note_format, text in formatting.FORMAT_LABELS.items():
            self.format_box.addItem(text, note_format)
        self.format_box.currentIndexChanged.connect(self._format_changed)
        self.status = named(label("", "muted"), "Note status")
        top = QHBoxLayout()
        top.addWidget(QLabel("Format"))
        top.addWidget(self.format_box)
        top.addStretch(1)
        top.addWidget(self.status)

        self.sections_box = QVBoxLayout()
        self.sections_box.setSpacing(6)
        self.mood = named(QSpinBox(), "Mood today, 0 to 10")
        self.mood.setRange(-1, 10)
        self.mood.setSpecialValueText("Not rated")
        self.mood.valueChanged.connect(self._changed)
        self.risk = named(QCheckBox("Risk concern noted in this session"), "Risk concern")
        self.risk.toggled.connect(self._changed)
        facts_row = QHBoxLayout()
        facts_row.addWidget(QLabel("Mood today (0–10)"))
        facts_row.addWidget(self.mood)
        facts_row.addSpacing(24)
        facts_row.addWidget(self.risk)
        facts_row.addStretch(1)
        self.techniques = pick_list("Techniques used", "technique")
        self.interventions = pick_list("Interventions", "intervention")
        for pick, category in (
            (self.techniques, TermCategory.TECHNIQUE),
            (self.interventions, TermCategory.INTERVENTION),
        ):
            pick.changed.connect(self._changed)
            pick.term_added.connect(
                lambda text, pl=pick, cat=category: self._add_term(pl, cat, text)
            )
        picks = QHBoxLayout()
        picks.addWidget(self.techniques)
        picks.addWidget(self.interventions)
        self.objectives = worked_on_list()
        self.objectives.changed.connect(self._changed)

        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.addLayout(self.sections_box)
        body_layout.addLayout(facts_row)
        body_layout.addLayout(picks)
        body_layout.addWidget(self.objectives)
        body_layout.addStretch(1)
        scroll = scrolling(body)

        self.save_button = named(QPushButton(icon("save"), "Save now"), "Save the note now")
        self.save_button.clicked.connect(self.flush)
        self.sign_button = named(QPushButton(icon("sign"), "Sign note…"), "Sign the note")
        self.sign_button.clicked.connect(self._sign)
        bottom = QHBoxLayout()
        bottom.addWidget(self.save_button)
        bottom.addStretch(1)
        bottom.addWidget(self.sign_button)

        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(top)
        layout.addWidget(scroll, 1)
        layout.addLayout(bottom)
        return page

    def _build_signed(self) -> QWidget:
        page = QWidget()
        self.document = named(QTextBrowser(), "Signed note")
        self.document.setOpenLinks(False)
        self.addendum_button = named(
            QPushButton(icon("add"), "Add an addendum…"), "Add an addendum"
        )
        self.addendum_button.clicked.connect(self._add_addendum)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.addendum_button)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.document, 1)
        layout.addLayout(bottom)
        return page

    def _rebuild_sections(self, note_format: NoteFormat, texts: dict[str, str]) -> None:
        while self.sections_box.count():
            item = self.sections_box.takeAt(0)
            widget = item.widget() if item else None
            if widget is not None:
                # Empty it and take it out of the window now: deleteLater only runs
                # when the event loop next turns, and the window may be locking.
                if isinstance(widget, QPlainTextEdit):
                    widget.blockSignals(True)
                    widget.clear()
                widget.setParent(None)
                widget.deleteLater()
        self._section_edits = {}
        for name in NOTE_SECTIONS[note_format]:
            title = formatting.SECTION_LABELS[name]
            edit = named(QPlainTextEdit(), title)
            edit.setTabChangesFocus(True)
            edit.setMinimumHeight(90 if note_format is not NoteFormat.FREE else 260)
            edit.setPlainText(texts.get(name, ""))
            edit.textChanged.connect(self._changed)
            self.sections_box.addWidget(subheading(title))
            self.sections_box.addWidget(edit)
            self._section_edits[name] = edit
        self._fix_tab_order()

    def _fix_tab_order(self) -> None:
        chain: list[QWidget] = [self.format_box, *self._section_edits.values()]
        chain += [
            self.mood,
            self.risk,
            *self.techniques.tab_chain(),
            *self.interventions.tab_chain(),
            *self.objectives.tab_chain(),
            self.save_button,
            self.sign_button,
        ]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    # -- showing a session -------------------------------------------------------------------

    def attach(self, open_vault: OpenVault) -> None:
        self._vault = open_vault
        vault = open_vault.vault
        offer_terms(self.techniques, terms.terms(vault, TermCategory.TECHNIQUE), ())
        offer_terms(self.interventions, terms.terms(vault, TermCategory.INTERVENTION), ())

    @property
    def session(self) -> TherapySession | None:
        return self._session

    @property
    def note(self) -> ProgressNote | None:
        return self._note

    def hand_over(self) -> None:
        """Save what is on screen; if that fails, hand it to HeldDrafts, never drop it."""
        session = self._session
        if session is not None and self._autosave.dirty and not self._autosave.flush():
            content = self.content()
            worked_on = self.objectives.ticked()
            # The objectives are written with the note only if they changed.
            changed = worked_on if worked_on != self._stored_objectives else None
            when = formatting.when(session.starts_at)
            self._drafts.hold(
                HeldDraft(
                    ("note", session.id),
                    (session, content, worked_on),
                    lambda vault: vault.save_draft(session.id, content, changed),
                    f"the note of the session of {when}",
                    self.status.text().removeprefix("Not saved: "),
                )
            )
        self._autosave.forget()

    def show_session(self, session: TherapySession | None) -> None:
        """Show the note of `session` (saving, or holding, the one on screen first)."""
        self.hand_over()
        self._session = session
        self._note = None
        if session is None or self._vault is None:
            self._show_empty()
            return
        vault = self._vault
        by_status: dict[str, list[str]] = {}
        for attendee in session.attendees:
            status = formatting.ATTENDANCE_LABELS[attendee.attendance]
            by_status.setdefault(status, []).append(vault.name_of(attendee.client_id))
        attendance = " · ".join(
            f"{status}: {', '.join(names)}" for status, names in by_status.items()
        )
        self.facts.setText(
            f"{formatting.day(formatting.local(session.starts_at).date())}, "
            f"{formatting.span(session.starts_at, session.duration_minutes)} · "
            f"{formatting.KIND_LABELS[session.details.kind]}\n{attendance}"
        )
        self.facts.show()
        note = progress_notes.get_note_for_session(vault.vault, session.id)
        self._note = note
        held = self._drafts.take(("note", session.id))
        self._stored_objectives = (
            treatment_plans.note_objectives(vault.vault, note.id) if note else ()
        )
        if note is not None and (note.is_signed or note.damaged):
            self._show_signed(note)
        elif held is not None:
            # Not saved earlier: it comes back as it was typed, and saves as soon as it can.
            _held_session, content, worked_on = held.payload
            self._show_draft(content, worked_on)
            self.status.setText(f"Not saved yet: {held.error}")
            self._autosave.changed()
        else:
            self._show_draft(note.content if note else NoteContent(), self._stored_objectives)

    def _show_empty(self) -> None:
        self._autosave.forget()
        self.facts.hide()
        self.facts.setText("")
        self.pages.setCurrentWidget(self.empty)

    def _show_draft(self, content: NoteContent, worked_on: Sequence[str]) -> None:
        self._loading = True
        try:
            self.format_box.setCurrentIndex(self.format_box.findData(content.format))
            self._rebuild_sections(content.format, content.sections)
            self.mood.setValue(-1 if content.mood is None else content.mood)
            self.risk.setChecked(content.risk_flag)
            vault = self._vault
            assert vault is not None
            offer_terms(
                self.techniques,
                terms.terms(vault.vault, TermCategory.TECHNIQUE),
                content.techniques,
            )
            offer_terms(
                self.interventions,
                terms.terms(vault.vault, TermCategory.INTERVENTION),
                content.interventions,
            )
            assert self._session is not None
            choices = objective_choices(vault.vault, self._session, worked_on, vault.name_of)
            self.objectives.model.set_items(choices, worked_on)
        finally:
            self._loading = False
        if self._note is None:
            self.status.setText("New note — not saved yet")
        else:
            self.status.setText(f"Draft · saved {formatting.clock(self._note.updated_at)}")
        self.pages.setCurrentIndex(1)

    def _show_signed(self, note: ProgressNote) -> None:
        self._autosave.forget()
        self.document.setHtml(render_note_html(note, self._worked_on_html(note)))
        # A note with a value that cannot be decrypted is only shown, never saved
        # over: its other values may still be recovered from a backup.
        self.addendum_button.setVisible(note.is_signed and not note.damaged)
        self.pages.setCurrentIndex(2)

    def _worked_on_html(self, note: ProgressNote) -> str:
        """The plan objectives a signed note worked on, for its document."""
        vault, session = self._vault, self._session
        if vault is None or session is None or not self._stored_objectives:
            return ""
        chosen = self._stored_objectives
        return worked_on_html(
            objective_choices(vault.vault, session, chosen, vault.name_of), chosen
        )

    def clear(self) -> None:
        """Forget everything on screen (the vault is locking).

        A draft that still cannot be saved is handed to HeldDrafts, never dropped.
        """
        self.hand_over()
        self._session = None
        self._note = None
        self._loading = True
        try:
            self._rebuild_sections(NoteFormat.SOAP, {})
            self.mood.setValue(-1)
            self.risk.setChecked(False)
            self.techniques.model.set_items((), ())
            self.interventions.model.set_items((), ())
            self.objectives.clear()
            self._stored_objectives = ()
        finally:
            self._loading = False
        self.document.clear()
        self.status.setText("")
        self._show_empty()
        self._vault = None

    # -- editing and saving -------------------------------------------------------------------

    def content(self) -> NoteContent:
        note_format = NoteFormat(self.format_box.currentData())
        return NoteContent(
            format=note_format,
            sections={name: edit.toPlainText() for name, edit in self._section_edits.items()},
            techniques=self.techniques.ticked(),
            interventions=self.interventions.ticked(),
            mood=None if self.mood.value() < 0 else self.mood.value(),
            risk_flag=self.risk.isChecked(),
        )

    def section_edit(self, name: str) -> QPlainTextEdit:
        return self._section_edits[name]

    @property
    def has_unsaved_changes(self) -> bool:
        return self._autosave.dirty

    def _changed(self) -> None:
        if self._loading or self._session is None or self.pages.currentIndex() != 1:
            return
        self.status.setText("Draft · editing…")
        self._autosave.changed()

    def _format_changed(self) -> None:
        if self._loading:
            return
        old = {name: edit.toPlainText() for name, edit in self._section_edits.items()}
        new_format = NoteFormat(self.format_box.currentData())
        kept = {name: text for name, text in old.items() if name in NOTE_SECTIONS[new_format]}
        # Text in a section the new format lacks goes to its first section, labelled,
        # so changing the format never drops words.
        moved = [
            f"{formatting.SECTION_LABELS[name]}: {text}"
            for name, text in old.items()
            if text.strip() and name not in kept
        ]
        if moved:
            first = NOTE_SECTIONS[new_format][0]
            kept[first] = "\n\n".join(part for part in (kept.get(first, ""), *moved) if part)
        self._loading = True
        try:
            self._rebuild_sections(new_format, kept)
        finally:
            self._loading = False
        self._changed()

    def flush(self) -> bool:
        """Save the draft now if it has changes; True when nothing is left unsaved."""
        return self._autosave.flush()

    def _objectives_to_save(self) -> tuple[tuple[str, ...], tuple[str, ...] | None]:
        """The objectives ticked, and those to write with the note (None: unchanged)."""
        worked_on = self.objectives.ticked()
        return worked_on, (worked_on if worked_on != self._stored_objectives else None)

    def _saved(self, saved: SessionNote, worked_on: tuple[str, ...]) -> None:
        self._stored_objectives = worked_on
        self._note, self._session = saved.note, saved.session
        self.saved.emit()

    def _save(self) -> bool:
        """The draft and the objectives it worked on, in one commit."""
        vault, session = self._vault, self._session
        if vault is None or session is None:
            return True
        worked_on, changed = self._objectives_to_save()
        try:
            saved = vault.save_draft(session.id, self.content(), changed)
        except SAVE_ERRORS as error:
            self.status.setText(f"Not saved: {save_error_text(error)}")
            return False
        self.status.setText(f"Draft · saved {formatting.clock(saved.note.updated_at)}")
        self._saved(saved, worked_on)
        return True

    def _add_term(self, pick: CheckList[str], category: TermCategory, text: str) -> None:
        if self._vault is None:
            return
        try:
            self._vault.add_term(category, text)
        except SAVE_ERRORS as error:
            self._dialogs.warn(self, "The term was not added", save_error_text(error))
            return
        pick.model.add(text)

    def _sign(self) -> None:
        vault, session = self._vault, self._session
        if vault is None or session is None:
            return
        if not any(text.strip() for text in self.content().sections.values()):
            self._dialogs.warn(self, "Nothing to sign", "Write the note before signing it.")
            return
        if not self._dialogs.confirm(
            self,
            "Sign this note?",
            "Signing locks the note: it can no longer be changed, and any later "
            "correction becomes a dated addendum below it.",
            "Sign",
        ):
            return
        worked_on, changed = self._objectives_to_save()
        try:
            # What is on screen is saved and signed in one commit: the signature vouches
            # for exactly that, and a note that cannot be saved is not signed.
            saved = vault.sign_draft(session.id, self.content(), changed)
        except SAVE_ERRORS as error:
            self._dialogs.warn(self, "The note was not signed", save_error_text(error))
            return
        self._autosave.forget()
        self._saved(saved, worked_on)
        self._show_signed(saved.note)

    def _add_addendum(self) -> None:
        vault, session, note = self._vault, self._session, self._note
        if vault is None or session is None or note is None:
            return
        dialog = AddendumDialog(self.add_addendum, self)
        dialog.text.setPlainText(self._addendum_drafts.pop(note.id, ""))
        if dialog.exec() != QDialog.DialogCode.Accepted:
            typed = dialog.text.toPlainText()
            if typed.strip() and dialog.property("closed_by_lock"):
                self._addendum_drafts[note.id] = typed  # offered again next time

    def add_addendum(self, text: str) -> Addendum:
        """Save an addendum below the signed note, and show it; raises if it is refused or
        cannot be written."""
        vault, session, note = self._vault, self._session, self._note
        if vault is None or session is None or note is None:
            raise TherapistDeskError("the vault is locked")
        saved = vault.add_addendum(note.id, text)
        self._saved(saved, self._stored_objectives)
        self._show_signed(saved.note)
        return saved.note.addenda[-1]


def render_note_html(note: ProgressNote, worked_on: str = "") -> str:
    """A signed note as a readable document (everything escaped).

    `worked_on` is the plan objectives it worked on, as HTML (see objectives_worked_on).
    """
    content = note.content
    parts = []
    if note.damaged:
        parts.append(
            "<p><b>Part of this note cannot be read ("
            + html.escape(", ".join(note.damaged))
            + "). It is shown read-only, so nothing more is lost; restore a backup to "
            "recover it, and run “therapist-desk verify” to see what else is affected.</b></p>"
        )
    parts.append(f"<p><b>{formatting.FORMAT_LABELS[content.format]} note</b></p>")
    for name in content.section_names():
        text = html.escape(content.sections.get(name, "")).replace("\n", "<br>")
        parts.append(f"<h3>{formatting.SECTION_LABELS[name]}</h3><p>{text or '—'}</p>")
    details = []
    if content.mood is not None:
        details.append(f"Mood today: {content.mood}/10")
    if content.risk_flag:
        details.append("<b>Risk concern noted</b>")
    if content.techniques:
        details.append("Techniques: " + html.escape(", ".join(content.techniques)))
    if content.interventions:
        details.append("Interventions: " + html.escape(", ".join(content.interventions)))
    if details:
        parts.append("<p>" + "<br>".join(details) + "</p>")
    if worked_on:
        parts.append(worked_on)
    if note.signed_at is not None:
        signed = formatting.local(note.signed_at)
        parts.append(
            f"<p><i>Signed {formatting.day(signed.date())} at {signed:%H:%M}. "
            f"Content fingerprint {note.content_hash[:16]}…</i></p>"
        )
    for addendum in note.addenda:
        added = formatting.local(addendum.created_at)
        text = html.escape(addendum.text).replace("\n", "<br>")
        parts.append(
            f"<hr><p><b>Addendum, {formatting.day(added.date())} at {added:%H:%M}</b><br>{text}</p>"
        )
    return "\n".join(parts)
