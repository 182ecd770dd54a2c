"""Risk: dated, structured risk assessments over time, and the client's safety plan.

`RiskPanel` is a RecordPart (attach, show_client, flush, clear) so whichever
tab hosts it can hand it the client. Assessments are kept: a new situation is
a new assessment, and opening an old one corrects it.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from therapist_desk.clinical import risk
from therapist_desk.domain.records import RiskAssessment, RiskAssessmentDetails
from therapist_desk.domain.vocabulary import RiskLevel
from therapist_desk.ui.changes import Change, Kind
from therapist_desk.ui.common import formatting
from therapist_desk.ui.common.dialogs import DialogService
from therapist_desk.ui.common.icons import icon
from therapist_desk.ui.common.table_model import Column, TableModel
from therapist_desk.ui.common.widgets import (
    empty_state,
    label,
    named,
    record_table,
    separator,
    subheading,
)
from therapist_desk.ui.held_drafts import HeldDrafts
from therapist_desk.ui.open_vault import OpenVault
from therapist_desk.ui.record.clinical.risk_assessment_dialog import (
    RiskAssessmentDialog,
    summary_of,
)
from therapist_desk.ui.record.clinical.risk_summary import RISK_LEVEL_LABELS, Banner, Weight
from therapist_desk.ui.record.clinical.safety_plan_editor import SafetyPlanEditor
from therapist_desk.ui.unfinished_forms import UnfinishedForms

ASSESSMENT_COLUMNS: tuple[Column[RiskAssessment], ...] = (
    Column(
        "Date",
        lambda a: formatting.optional_date(a.details.assessed_on),
        lambda a: (a.details.assessed_on or date.min, a.created_at),
    ),
    Column(
        "Level",
        lambda a: RISK_LEVEL_LABELS[a.details.level],
        lambda a: list(RiskLevel).index(a.details.level),
    ),
    Column("Ideation, plan, intent, means", summary_of),
    Column("Actions taken", lambda a: formatting.shortened(a.details.actions, 80)),
)
#: Rows of the assessment list shown before it scrolls.
VISIBLE_ASSESSMENTS = 4


def current_level_text(assessment: RiskAssessment | None) -> str:
    if assessment is None:
        return "No risk assessment recorded yet."
    details = assessment.details
    return (
        f"Current risk: {RISK_LEVEL_LABELS[details.level].lower()} "
        f"(assessed {formatting.optional_date(details.assessed_on)})"
    )


class RiskPanel(QWidget):
    def __init__(
        self, dialogs: DialogService, drafts: HeldDrafts, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        named(self, "Risk and safety plan")
        self._dialogs = dialogs
        self._vault: OpenVault | None = None
        self._client_id: str | None = None
        # An assessment typed but not saved when the vault locked, by key (memory only).
        self._unfinished = UnfinishedForms[RiskAssessmentDetails]()
        self.current = named(label("", wrap=True), "Current risk level")
        self.model = TableModel[RiskAssessment](ASSESSMENT_COLUMNS, lambda a: a.id, self)
        self.table = record_table("Risk assessments")
        self.table.setModel(self.model)
        self.table.doubleClicked.connect(self._open_at)
        self.empty = empty_state(
            "No risk assessments yet. Record one whenever risk comes up: after a PHQ-9 item 9 "
            "above 0, a disclosure, or a crisis."
        )
        self.new_button = named(
            QPushButton(icon("risk"), "New risk assessment…"), "New risk assessment"
        )
        self.open_button = named(
            QPushButton(icon("edit"), "Open / correct…"), "Open the risk assessment"
        )
        self.new_button.clicked.connect(self.new_assessment)
        self.open_button.clicked.connect(lambda: self._open_at(self.table.currentIndex()))
        self.safety_plan = SafetyPlanEditor(dialogs, drafts)

        top = QHBoxLayout()
        top.addWidget(subheading("Risk assessments"))
        top.addStretch(1)
        top.addWidget(self.new_button)
        top.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.current)
        layout.addWidget(self.table)
        layout.addWidget(self.empty)
        layout.addSpacing(12)
        layout.addWidget(separator())
        layout.addWidget(self.safety_plan)

    # -- RecordPart --------------------------------------------------------------------------

    def attach(self, open_vault: OpenVault) -> None:
        self._vault = open_vault
        self.safety_plan.attach(open_vault)
        open_vault.changed.connect(self._changed)

    def show_client(self, client_id: str | None) -> None:
        self._client_id = client_id
        self.safety_plan.show_client(client_id)
        self.reload()

    def _changed(self, change: Change) -> None:
        if change.concerns(self._client_id, Kind.RISK):
            self.reload()

    def reload(self) -> None:
        vault, client_id = self._vault, self._client_id
        if vault is None or client_id is None:
            self.model.clear()
            self.current.clear()
            return
        assessments = risk.list_risk_assessments(vault.vault, client_id)
        self.model.set_rows(assessments)
        latest = assessments[0] if assessments else None
        self.current.setText(current_level_text(latest))
        level = latest.details.level if latest else None
        weight = (
            Weight.URGENT
            if level in risk.ELEVATED
            else Weight.ATTENTION
            if level is RiskLevel.MODERATE
            else Weight.QUIET
        )
        self.current.setStyleSheet("" if latest is None else Banner((), weight).style)
        has_rows = bool(assessments)
        self.table.setVisible(has_rows)
        self.empty.setVisible(not has_rows)
        self.open_button.setEnabled(has_rows)
        if has_rows:
            header = self.table.horizontalHeader().sizeHint().height()
            row = self.table.verticalHeader().defaultSectionSize()
            shown = min(len(assessments), VISIBLE_ASSESSMENTS)
            self.table.setFixedHeight(header + row * shown + 2 * self.table.frameWidth() + 2)
            if not self.table.currentIndex().isValid():
                self.table.selectRow(0)

    def flush(self) -> bool:
        return self.safety_plan.flush()

    def clear(self) -> None:
        self.safety_plan.clear()
        self.model.clear()
        self.current.clear()
        self._client_id = None
        self._vault = None

    # -- assessments -------------------------------------------------------------------------

    def new_assessment(self) -> None:
        vault, client_id = self._vault, self._client_id
        if vault is None or client_id is None:
            return
        dialog = RiskAssessmentDialog(
            lambda details: vault.add_risk_assessment(client_id, details), vault.today(), None, self
        )
        self._run(dialog, f"new:{client_id}")

    def _open_at(self, index: QModelIndex) -> None:
        vault = self._vault
        if vault is None or not index.isValid():
            return
        assessment = self.model.record_at(index.row())
        dialog = RiskAssessmentDialog(
            lambda details: vault.update_risk_assessment(assessment.id, details),
            vault.today(),
            assessment,
            self,
        )
        self._run(dialog, assessment.id)

    def _run(self, dialog: RiskAssessmentDialog, key: str) -> None:
        if self._unfinished.run(dialog, key, dialog.details) and dialog.saved is not None:
            row = self.model.row_of(dialog.saved.id)
            if row >= 0:
                self.table.selectRow(row)
