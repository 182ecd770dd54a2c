"""Adding or editing a diagnosis: an ICD-10 code picked by code or words, and the therapist's
own label for it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QWidget,
)

from therapist_desk.clinical import icd10
from therapist_desk.clinical.icd10 import Icd10Code
from therapist_desk.domain.records import Diagnosis, DiagnosisDetails
from therapist_desk.domain.vocabulary import DiagnosisStatus
from therapist_desk.ui.common.optional_date import OptionalDateEdit
from therapist_desk.ui.common.record_dialog import RecordDialog
from therapist_desk.ui.common.widgets import FieldAboveList, label, named

AnyIndex = QModelIndex | QPersistentModelIndex
_INVALID = QModelIndex()

DIAGNOSIS_STATUS_LABELS = {
    DiagnosisStatus.PROVISIONAL: "Provisional",
    DiagnosisStatus.CONFIRMED: "Confirmed",
    DiagnosisStatus.RESOLVED: "Resolved",
}
#: Matches shown at once; the therapist narrows the search rather than scrolls far.
MATCHES_SHOWN = 40


class Icd10MatchesModel(QAbstractListModel):
    """The codes matching what was typed, best first: "F41.1  Generalized anxiety disorder"."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._codes: list[Icd10Code] = []

    def set_codes(self, codes: list[Icd10Code]) -> None:
        self.beginResetModel()
        self._codes = list(codes)
        self.endResetModel()

    def code_at(self, row: int) -> Icd10Code | None:
        return self._codes[row] if 0 <= row < len(self._codes) else None

    def rowCount(self, parent: AnyIndex = _INVALID) -> int:
        return 0 if parent.isValid() else len(self._codes)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        code = self.code_at(index.row()) if index.isValid() else None
        if code is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return f"{code.code}  {code.description}"
        return None


@dataclass(frozen=True)
class UnfinishedDiagnosis:
    """What was typed in the dialog when the vault locked, to offer again."""

    search: str
    details: DiagnosisDetails


class DiagnosisDialog(RecordDialog[Diagnosis]):
    """Calls `save(details)` on Save; stays open, with everything typed, if it is refused."""

    def __init__(
        self,
        save: Callable[[DiagnosisDetails], Diagnosis],
        today: date,
        diagnosis: Diagnosis | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("diagnosis", parent)
        self._save = save
        self._today = today
        self._code = ""
        self.setWindowTitle("Edit diagnosis" if diagnosis else "New diagnosis")
        self.search = named(FieldAboveList(), "Search ICD-10 codes")
        self.search.setPlaceholderText("Type a code (F41.1) or words (generalised anxiety)")
        self.search.textChanged.connect(self._search_changed)
        self.search.moved_down.connect(self._to_matches)
        self.matches_model = Icd10MatchesModel(self)
        self.matches = named(QListView(), "Matching ICD-10 codes")
        self.matches.setModel(self.matches_model)
        self.matches.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.matches.setMinimumHeight(150)
        self.matches.selectionModel().currentChanged.connect(self._match_chosen)
        self.matches.activated.connect(lambda _index: self._pick())
        self.chosen = named(label("No code chosen yet.", "muted", wrap=True), "Chosen code")
        self.label_edit = named(QLineEdit(), "Diagnosis label")
        self.status = named(QComboBox(), "Diagnosis status")
        for status, text in DIAGNOSIS_STATUS_LABELS.items():
            self.status.addItem(text, status)
        self.status.currentIndexChanged.connect(self._status_changed)
        self.diagnosed_on = OptionalDateEdit("Date diagnosed", today)
        self.resolved_on = OptionalDateEdit("Date resolved", today)
        self.notes = named(QPlainTextEdit(), "Diagnosis notes")
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(64)
        # Enter in the search or the list picks the code, not the dialog's Save button.
        for picker in (self.search, self.matches):
            picker.installEventFilter(self)

        form = QFormLayout()
        form.addRow("ICD-10 code *", self.search)
        form.addRow("", self.matches)
        form.addRow("", self.chosen)
        form.addRow("Label", self.label_edit)
        form.addRow("Status", self.status)
        form.addRow("Diagnosed", self.diagnosed_on)
        form.addRow("Resolved", self.resolved_on)
        form.addRow("Notes", self.notes)
        self.lay_out(form)
        self.setMinimumWidth(620)
        if diagnosis is not None:
            self.fill(UnfinishedDiagnosis(diagnosis.details.code, diagnosis.details))
        else:
            self.diagnosed_on.set_value(today)
            self._status_changed()
        self.search.setFocus()

    # -- the code picker ---------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            self._pick()
            return True
        return super().eventFilter(watched, event)

    def _search_changed(self, text: str) -> None:
        self.matches_model.set_codes(icd10.search(text, MATCHES_SHOWN))
        if self.matches_model.rowCount():
            self.matches.setCurrentIndex(self.matches_model.index(0))  # the best match

    def _to_matches(self) -> None:
        if self.matches_model.rowCount():
            self.matches.setFocus()

    def _match_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        code = self.matches_model.code_at(current.row()) if current.isValid() else None
        if code is not None:
            self._choose(code.code)

    def _choose(self, code: str) -> None:
        previous_description = icd10.describe(self._code) if self._code else ""
        self._code = code
        description = icd10.describe(code)
        self.chosen.setText(f"Chosen: {code} — {description}")
        self.label_edit.setPlaceholderText(description)
        # The label follows the code until the therapist writes their own.
        if self.label_edit.text().strip() in ("", previous_description):
            self.label_edit.setText(description)

    def _pick(self) -> None:
        """Take the chosen match and move on to the label."""
        if self._code:
            self.label_edit.setFocus()
            self.label_edit.selectAll()

    @property
    def code(self) -> str:
        return self._code

    # -- the rest ----------------------------------------------------------------------------

    def _status_changed(self) -> None:
        resolved = self.status.currentData() == DiagnosisStatus.RESOLVED
        self.resolved_on.setEnabled(resolved)
        if resolved and self.resolved_on.value() is None:
            self.resolved_on.set_value(self._today)
        if not resolved:
            self.resolved_on.set_value(None)

    def fill(self, unfinished: UnfinishedDiagnosis) -> None:
        details = unfinished.details
        self.search.setText(unfinished.search)
        if icd10.is_known(details.code):
            self._choose(icd10.normalise(details.code))
        self.label_edit.setText(details.label)
        self.status.setCurrentIndex(self.status.findData(details.status))
        self.diagnosed_on.set_value(details.diagnosed_on)
        self._status_changed()
        self.resolved_on.set_value(details.resolved_on)
        self.notes.setPlainText(details.notes)

    def details(self) -> DiagnosisDetails:
        return DiagnosisDetails(
            code=self._code,
            label=self.label_edit.text().strip(),
            status=DiagnosisStatus(self.status.currentData()),
            diagnosed_on=self.diagnosed_on.value(),
            resolved_on=self.resolved_on.value(),
            notes=self.notes.toPlainText().strip(),
        )

    def unfinished(self) -> UnfinishedDiagnosis:
        return UnfinishedDiagnosis(self.search.text(), self.details())

    def store(self) -> Diagnosis:
        return self._save(self.details())
