"""The client's treatment plan: problems, approaches, goals and measurable objectives.

Changes save after a pause in typing, on leaving the tab or the client, with
Ctrl+S, and on lock; a plan that cannot be saved stays on screen and is held
in memory when the therapist moves on (see held_drafts.py). "Revise the
plan…" starts a new version as a copy of the current one; earlier versions
are shown read-only.
"""

from __future__ import annotations

import itertools

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from therapist_desk.clinical import treatment_plans
from therapist_desk.clinical.treatment_plans import SessionWorkedOn
from therapist_desk.domain.records import TreatmentPlan, TreatmentPlanDetails
from therapist_desk.domain.vocabulary import TermCategory
from therapist_desk.records import terms
from therapist_desk.ui.autosave import AutosaveClock
from therapist_desk.ui.changes import Change, Kind
from therapist_desk.ui.common import formatting, theme
from therapist_desk.ui.common.dialogs import DialogService
from therapist_desk.ui.common.icons import icon
from therapist_desk.ui.common.optional_date import OptionalDateEdit
from therapist_desk.ui.common.pick_list import offer_terms, pick_list
from therapist_desk.ui.common.reload import ReloadWhenShown
from therapist_desk.ui.common.saving import SAVE_ERRORS, save_error_text
from therapist_desk.ui.common.widgets import empty_state, label, named, scrolling, subheading
from therapist_desk.ui.held_drafts import DraftKey, HeldDraft, HeldDrafts
from therapist_desk.ui.open_vault import OpenVault
from therapist_desk.ui.record.plan.plan_document import render_plan_html, version_title
from therapist_desk.ui.record.plan.plan_goals import PlanGoals, described_goals

EMPTY, EDITING, READING = range(3)


class PlanTab(QWidget):
    def __init__(
        self, dialogs: DialogService, drafts: HeldDrafts, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._dialogs = dialogs
        self._drafts = drafts
        drafts.register(self)
        self._vault: OpenVault | None = None
        self._client_id: str | None = None
        self._counts = ReloadWhenShown(self, self._count_worked_on)
        #: Every version of the client's plan, newest (current) first.
        self._versions: list[TreatmentPlan] = []
        self._worked_on: dict[str, tuple[SessionWorkedOn, ...]] = {}
        #: Whether the fields hold the current plan (or a new one) to edit.
        self._editing = False
        #: What the vault holds of the plan on screen; None before it is first saved.
        self._saved_details: TreatmentPlanDetails | None = None
        self._last_error = ""
        self._loading = False
        self._autosave = AutosaveClock(self._save, self)

        self.version = named(QComboBox(), "Plan version")
        self.version.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.version.currentIndexChanged.connect(self._version_chosen)
        self.revise_button = named(
            QPushButton(icon("revise"), "Revise the plan…"), "Revise the plan"
        )
        self.revise_button.setToolTip("Start a new version; this one stays readable as it is")
        self.revise_button.clicked.connect(self.revise)
        self.status = named(label("", "muted"), "Plan status")
        self.save_button = named(QPushButton(icon("save"), "Save now"), "Save the plan now")
        self.save_button.setToolTip("Save now (Ctrl+S); changes also save as you pause")
        self.save_button.clicked.connect(self.flush)
        self.problem = named(label("", wrap=True), "Problems with the plan")
        self.problem.hide()
        self.top = QWidget()
        top = QHBoxLayout(self.top)
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.version)
        top.addWidget(self.revise_button)
        top.addStretch(1)
        top.addWidget(self.status)
        top.addWidget(self.save_button)

        self.pages = QStackedWidget()
        self.pages.addWidget(self._build_empty())
        self.pages.addWidget(self._build_editor())
        self.document = named(QTextBrowser(), "Plan version, read-only")
        self.document.setOpenLinks(False)
        self.pages.addWidget(self.document)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(self.top)
        layout.addWidget(self.problem)
        layout.addWidget(self.pages, 1)
        save = QShortcut(QKeySequence.StandardKey.Save, self)
        save.activated.connect(self.flush)
        self._fix_tab_order()
        self._show_blank()

    # -- building ------------------------------------------------------------------------------

    def _build_empty(self) -> QWidget:
        page = QWidget()
        self.empty = empty_state(
            "No treatment plan yet — start one with the presenting problems, "
            "goals and measurable objectives."
        )
        self.start_button = named(
            QPushButton(icon("add"), "Start a treatment plan"), "Start a treatment plan"
        )
        self.start_button.clicked.connect(self.start)
        row = QHBoxLayout()
        row.addWidget(self.start_button)
        row.addStretch(1)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.empty)
        layout.addLayout(row)
        layout.addStretch(1)
        return page

    def _build_editor(self) -> QWidget:
        self.start_date = OptionalDateEdit("Start date")
        self.review_date = OptionalDateEdit("Review date")
        self.presenting_problems = named(QPlainTextEdit(), "Presenting problems")
        self.approaches = pick_list("Approaches", "approach")
        self.notes = named(QPlainTextEdit(), "Plan notes")
        for edit in (self.presenting_problems, self.notes):
            edit.setTabChangesFocus(True)
            edit.setMinimumHeight(80)
            edit.textChanged.connect(self._changed)
        self.start_date.changed.connect(self._changed)
        self.review_date.changed.connect(self._changed)
        self.approaches.changed.connect(self._changed)
        self.approaches.term_added.connect(self._add_approach)
        dates = QFormLayout()
        dates.setContentsMargins(0, 0, 0, 0)
        dates.addRow("Start date", self.start_date)
        dates.addRow("Review date", self.review_date)
        plan_wide = QWidget()
        left = QVBoxLayout(plan_wide)
        left.setContentsMargins(0, 0, 8, 0)
        left.addLayout(dates)
        left.addWidget(subheading("Presenting problems"))
        left.addWidget(self.presenting_problems, 1)
        left.addWidget(self.approaches)
        left.addWidget(subheading("Notes"))
        left.addWidget(self.notes, 1)

        self.goals = PlanGoals(self._dialogs)
        self.goals.changed.connect(self._changed)
        goals = QWidget()
        right = QVBoxLayout(goals)
        right.setContentsMargins(8, 0, 0, 0)
        right.addWidget(subheading("Goals and measurable objectives"))
        right.addWidget(self.goals, 1)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(scrolling(plan_wide))
        splitter.addWidget(goals)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([380, 760])
        splitter.setChildrenCollapsible(False)
        return splitter

    def _fix_tab_order(self) -> None:
        chain: list[QWidget] = [
            self.version,
            self.revise_button,
            self.save_button,
            self.start_button,
            self.start_date.known,
            self.start_date.editor,
            self.review_date.known,
            self.review_date.editor,
            self.presenting_problems,
            *self.approaches.tab_chain(),
            self.notes,
            *self.goals.tab_chain(),
            self.document,
        ]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    # -- showing a client ------------------------------------------------------------------------

    def attach(self, open_vault: OpenVault) -> None:
        self._vault = open_vault
        open_vault.changed.connect(self._changed_elsewhere)

    def _key(self) -> DraftKey:
        return ("plan", self._client_id or "")

    def show_client(self, client_id: str | None) -> None:
        """Show the client's plan (saving, or holding, the one on screen first)."""
        self.hand_over()
        self._client_id = client_id
        self.reload()

    def reload(self) -> None:
        vault, client_id = self._vault, self._client_id
        if vault is None or client_id is None:
            self._show_blank()
            return
        self._versions = treatment_plans.plan_versions(vault.vault, client_id)
        self._worked_on = treatment_plans.objectives_worked_on(vault.vault, client_id)
        interventions = terms.terms(vault.vault, TermCategory.INTERVENTION)
        self.goals.item_editor.set_intervention_terms(interventions)
        self._fill_version_picker()
        current = self._versions[0] if self._versions else None
        held = self._drafts.take(self._key())
        if held is not None:
            # Not saved earlier: it comes back as it was typed, and saves as soon as it can.
            self._edit(held.payload, current.details if current else None)
            self._last_error = held.error
            self._show_problem(f"Not saved yet: {held.error}")
            self.status.setText("Not saved yet")
            self._autosave.changed()
        elif current is None:
            self._show_empty()
        elif current.damaged:
            self._read(current, None)
        else:
            self._edit(current.details, current.details)

    def _fill_version_picker(self) -> None:
        self.version.blockSignals(True)
        try:
            self.version.clear()
            for position, plan in enumerate(self._versions):
                newer = self._versions[position - 1] if position else None
                self.version.addItem(version_title(plan, newer), plan.id)
            if not self._versions:
                self.version.addItem("Version 1 (new) · not saved yet", None)
            self.version.setCurrentIndex(0)
        finally:
            self.version.blockSignals(False)
        self.version.setEnabled(len(self._versions) > 1)
        self._update_actions()

    def _show_blank(self) -> None:
        """No client: nothing to show or start."""
        self._show_empty()
        self.start_button.setEnabled(False)

    def _show_empty(self) -> None:
        self._editing = False
        self._saved_details = None
        self._show_problem("")
        self.status.setText("")
        self.top.hide()
        self.start_button.setEnabled(True)
        self.pages.setCurrentIndex(EMPTY)

    def _edit(self, details: TreatmentPlanDetails, saved: TreatmentPlanDetails | None) -> None:
        """Put a plan in the fields; `saved` is what the vault holds of it."""
        vault = self._vault
        assert vault is not None
        self._loading = True
        try:
            self.start_date.set_value(details.start_date)
            self.review_date.set_value(details.review_date)
            self.presenting_problems.setPlainText(details.presenting_problems)
            # The chosen approaches first, so they show without scrolling the long list.
            offered = terms.terms(vault.vault, TermCategory.APPROACH)
            others = [term for term in offered if term not in details.approaches]
            offer_terms(self.approaches, [*details.approaches, *others], details.approaches)
            self.notes.setPlainText(details.notes)
            kept_earlier = {
                objective.key
                for plan in self._versions[1:]
                for objective in plan.details.objectives()
            }
            self.goals.show_goals(details.goals, self._worked_on, kept_earlier)
        finally:
            self._loading = False
        self._editing = True
        self._saved_details = saved
        self._show_problem("")
        self.status.setText(self._saved_text())
        self.top.show()
        self.pages.setCurrentIndex(EDITING)
        self._update_actions()

    def _saved_text(self) -> str:
        if not self._versions:
            return "New plan — not saved yet"
        return f"Saved {formatting.when(self._versions[0].updated_at)}"

    def _read(self, plan: TreatmentPlan, newer: TreatmentPlan | None) -> None:
        self.document.setHtml(render_plan_html(plan, newer, self._worked_on))
        self.top.show()
        self.pages.setCurrentIndex(READING)
        self._update_actions()

    def _show_problem(self, text: str) -> None:
        if text:
            colour, background = theme.risk_colours()
            self.problem.setStyleSheet(
                f"color: {colour}; background: {background}; padding: 6px 10px; border-radius: 4px;"
            )
        self.problem.setText(text)
        self.problem.setVisible(bool(text))

    def _changed_elsewhere(self, change: Change) -> None:
        # A note may have worked on an objective: the counts follow, once the plan is seen.
        if change.concerns(self._client_id, Kind.NOTE):
            self._counts.request()

    def _count_worked_on(self) -> None:
        vault, client_id = self._vault, self._client_id
        if vault is None or client_id is None or not self._versions:
            return
        try:
            self._worked_on = treatment_plans.objectives_worked_on(vault.vault, client_id)
        except SAVE_ERRORS:
            return  # the counts shown stay; the next change tries again
        self.goals.set_worked_on(self._worked_on)

    # -- versions --------------------------------------------------------------------------------

    def _version_chosen(self, position: int) -> None:
        if position <= 0 or position >= len(self._versions):
            current = self._versions[0] if self._versions else None
            if self._editing:
                self.pages.setCurrentIndex(EDITING)
                self._update_actions()
            elif current is not None:
                self._read(current, None)
            return
        # What is being edited stays in the fields meanwhile; saving it now is only prudent.
        self.flush()
        self._read(self._versions[position], self._versions[position - 1])

    def revise(self) -> None:
        """Start a new version as a copy of the current one, which stays as it is."""
        vault, client_id = self._vault, self._client_id
        if vault is None or client_id is None or not self._versions:
            return
        number = self._versions[0].version
        if not self._dialogs.confirm(
            self,
            "Revise the treatment plan?",
            f"Version {number + 1} starts as a copy of this one, for you to change. "
            f"Version {number} stays exactly as it is now, and can still be read from "
            "the version list.",
            f"Start version {number + 1}",
        ):
            return
        details = self.details()
        unsaved = details if self._editing and details != self._saved_details else None
        try:
            # The changes to this version and the new version: one commit, or neither.
            revised = vault.revise_plan(client_id, unsaved)
        except SAVE_ERRORS as error:
            self._dialogs.warn(
                self,
                "The plan was not revised",
                f"{save_error_text(error)}\n\nWhat you typed is still there.",
            )
            return
        self._autosave.forget()
        self.reload()
        self.status.setText(f"Version {number + 1} started {formatting.clock(revised.created_at)}")

    # -- editing ---------------------------------------------------------------------------------

    def start(self) -> None:
        """Begin a first plan (saved once something is typed in it)."""
        vault = self._vault
        if vault is None or self._client_id is None:
            return
        fresh = TreatmentPlanDetails(start_date=vault.today())
        self._edit(fresh, fresh)
        self.presenting_problems.setFocus()

    def details(self) -> TreatmentPlanDetails:
        """The plan as it is on screen."""
        return TreatmentPlanDetails(
            approaches=self.approaches.ticked(),
            presenting_problems=self.presenting_problems.toPlainText(),
            goals=described_goals(self.goals.goals()),
            start_date=self.start_date.value(),
            review_date=self.review_date.value(),
            notes=self.notes.toPlainText(),
        )

    @property
    def has_unsaved_changes(self) -> bool:
        return self._autosave.dirty

    def _changed(self) -> None:
        if self._loading or not self._editing:
            return
        self.status.setText("Editing…")
        self._autosave.changed()

    def _add_approach(self, text: str) -> None:
        if self._vault is None:
            return
        try:
            self._vault.add_term(TermCategory.APPROACH, text)
        except SAVE_ERRORS as error:
            self._dialogs.warn(self, "The approach was not added", save_error_text(error))
            return
        self.approaches.model.add(text)

    def _update_actions(self) -> None:
        editing_current = self._editing and self.pages.currentIndex() == EDITING
        self.save_button.setEnabled(editing_current)
        self.revise_button.setEnabled(
            editing_current and bool(self._versions) and not self._versions[0].damaged
        )

    # -- saving ----------------------------------------------------------------------------------

    def flush(self) -> bool:
        """Save the plan now if it has changes; True when nothing is left unsaved."""
        return self._autosave.flush()

    def _save(self) -> bool:
        vault, client_id = self._vault, self._client_id
        if vault is None or client_id is None or not self._editing:
            return True
        details = self.details()
        if details == self._saved_details:
            self._show_problem("")
            self.status.setText(self._saved_text())
            return True
        try:
            plan = vault.save_plan(client_id, details)
        except SAVE_ERRORS as error:
            self._last_error = save_error_text(error)
            self._show_problem(f"Not saved: {self._last_error} What you typed is still here.")
            self.status.setText("Not saved")
            return False
        self._saved_details = details
        if self._versions and self._versions[0].id == plan.id:
            self._versions[0] = plan
        else:
            self._versions.insert(0, plan)
            self._fill_version_picker()
        self._show_problem("")
        self.status.setText(f"Saved {formatting.clock(plan.updated_at)}")
        return True

    def hand_over(self) -> None:
        """Save what is on screen; if that fails, hand it to HeldDrafts, never drop it."""
        client_id = self._client_id
        if client_id is not None and self._autosave.dirty and not self._autosave.flush():
            details = self.details()
            self._drafts.hold(
                HeldDraft(
                    self._key(),
                    details,
                    lambda vault: vault.save_plan(client_id, details),
                    "a treatment plan",
                    self._last_error,
                )
            )
        self._autosave.forget()

    def clear(self) -> None:
        """Forget everything on screen (the vault is locking); unsaved changes are held."""
        self.hand_over()
        self._client_id = None
        self._versions = []
        self._worked_on = {}
        self._loading = True
        try:
            self.start_date.set_value(None)
            self.review_date.set_value(None)
            self.presenting_problems.clear()
            self.notes.clear()
            self.approaches.clear()
            self.goals.clear()
            self.document.clear()
            self.version.blockSignals(True)
            self.version.clear()
            self.version.blockSignals(False)
        finally:
            self._loading = False
        self._show_blank()
        self._vault = None
