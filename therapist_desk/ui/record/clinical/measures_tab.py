"""Outcome measures: the list of every PHQ-9, GAD-7, scale and SUDS rating, and their charts."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor, QIcon
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QSplitter,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from therapist_desk.clinical import measures, scoring
from therapist_desk.domain.records import Measure, MeasureDetails
from therapist_desk.domain.vocabulary import MeasureKind
from therapist_desk.ui.changes import Change, Kind
from therapist_desk.ui.common import formatting, theme
from therapist_desk.ui.common.dialogs import DialogService
from therapist_desk.ui.common.icons import icon
from therapist_desk.ui.common.reload import ReloadWhenShown
from therapist_desk.ui.common.table_model import Column, TableModel
from therapist_desk.ui.common.widgets import empty_state, label, named, record_table, scrolling
from therapist_desk.ui.held_drafts import removed_after_confirming
from therapist_desk.ui.open_vault import OpenVault
from therapist_desk.ui.record.clinical.measure_chart import ChartGrid
from therapist_desk.ui.record.clinical.measure_dialogs import (
    QuestionnaireDialog,
    RatingDialog,
    SaveMeasure,
)
from therapist_desk.ui.unfinished_forms import UnfinishedForms


def measure_name(measure: Measure) -> str:
    """ "PHQ-9", "Miracle question scaling (0–10)", "SUDS: riding the bus"."""
    details = measure.details
    if details.kind is MeasureKind.SCALE:
        return f"{details.label} (0–10)" if details.label else "0–10 scale"
    if details.kind is MeasureKind.SUDS:
        return f"SUDS: {details.label}" if details.label else "SUDS"
    return scoring.display_name(details.kind)


def _readable(measure: Measure) -> bool:
    details = measure.details
    return not measure.damaged and not scoring.item_problems(details.kind, details.items)


def score_text(measure: Measure) -> str:
    if not _readable(measure):
        return "cannot be read"
    details = measure.details
    _lowest, highest = scoring.value_range(details.kind)
    return f"{sum(details.items)} of {highest}"


def band_text(measure: Measure) -> str:
    if not _readable(measure):
        return ""
    band = scoring.band_of(measure.details.kind, sum(measure.details.items))
    return band.label if band else ""


def self_harm_answer(measure: Measure) -> int:
    """PHQ-9 item 9 (thoughts of self-harm), 0–3; 0 for other measures and unreadable ones."""
    if not _readable(measure):
        return 0
    return scoring.self_harm_answer(measure.details.kind, measure.details.items)


def alert_text(measure: Measure) -> str:
    answer = self_harm_answer(measure)
    return scoring.RESPONSES[answer] if answer else ""


def _alert_icon(measure: Measure) -> QIcon | None:
    return icon("risk") if self_harm_answer(measure) else None


def _alert_colour(measure: Measure) -> QColor | None:
    return QColor(theme.risk_colours()[0]) if self_harm_answer(measure) else None


def _alert_tip(measure: Measure) -> str | None:
    answer = self_harm_answer(measure)
    if not answer:
        return None
    return (
        f"PHQ-9 item 9 (thoughts of self-harm): ‘{scoring.RESPONSES[answer]}’. "
        "Assess risk if it has not been assessed since."
    )


#: A PHQ-9 whose item 9 is above 0 is marked as the risk banner is.
MEASURE_COLUMNS: tuple[Column[Measure], ...] = (
    Column(
        "Date",
        lambda m: formatting.optional_date(m.details.taken_on),
        lambda m: (m.details.taken_on or date.min, m.created_at),
    ),
    Column("Measure", measure_name),
    Column("Score", score_text, lambda m: sum(m.details.items) if _readable(m) else -1),
    Column("Severity", band_text),
    Column(
        "Item 9",
        alert_text,
        self_harm_answer,
        tooltip=_alert_tip,
        icon=_alert_icon,
        foreground=_alert_colour,
        bold=lambda m: self_harm_answer(m) > 0,
    ),
)
ITEM_9_COLUMN = len(MEASURE_COLUMNS) - 1
MEASURE_NAME_COLUMN = 1


class MeasuresTab(QWidget):
    """A RecordPart: loads when shown, so opening a client on another tab costs nothing here."""

    def __init__(self, dialogs: DialogService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._dialogs = dialogs
        self._vault: OpenVault | None = None
        self._client_id: str | None = None
        self._reloads = ReloadWhenShown(self, self.reload)
        # Measures typed but not saved when the vault locked, by dialog key (memory only).
        self._unfinished = UnfinishedForms[MeasureDetails]()
        self.model = TableModel[Measure](MEASURE_COLUMNS, lambda measure: measure.id, self)
        self.table = record_table("Measures")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        # Every column in view (no sideways scrolling): the measure's name gives way, elided.
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(MEASURE_NAME_COLUMN, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._size_columns()
        self.table.setAlternatingRowColors(True)
        self.table.doubleClicked.connect(self._edit_at)
        self.empty = empty_state(
            "No measures yet. Enter a PHQ-9 or GAD-7 item by item, a 0–10 scaling question, "
            "or a SUDS rating for an exposure step."
        )
        self.new_phq9 = named(QPushButton(icon("add"), "PHQ-9…"), "New PHQ-9")
        self.new_gad7 = named(QPushButton(icon("add"), "GAD-7…"), "New GAD-7")
        self.new_scale = named(QPushButton(icon("add"), "Scale…"), "New 0–10 scale rating")
        self.new_suds = named(QPushButton(icon("add"), "SUDS…"), "New SUDS rating")
        self.new_phq9.setToolTip("Enter a PHQ-9 (depression) item by item")
        self.new_gad7.setToolTip("Enter a GAD-7 (anxiety) item by item")
        self.new_scale.setToolTip("A 0–10 scaling question, such as the miracle question")
        self.new_suds.setToolTip("Subjective units of distress (0–100) for an exposure step")
        self.edit_button = named(QPushButton(icon("edit"), "Edit…"), "Edit the measure")
        self.remove_button = named(QPushButton(icon("remove"), "Remove…"), "Remove the measure")
        self.new_phq9.clicked.connect(lambda: self.add(MeasureKind.PHQ9))
        self.new_gad7.clicked.connect(lambda: self.add(MeasureKind.GAD7))
        self.new_scale.clicked.connect(lambda: self.add(MeasureKind.SCALE))
        self.new_suds.clicked.connect(lambda: self.add(MeasureKind.SUDS))
        self.edit_button.clicked.connect(lambda: self._edit_at(self.table.currentIndex()))
        self.remove_button.clicked.connect(self._remove)
        self.charts = ChartGrid(
            "The charts appear here once a measure is entered.", columns=1, compact=False
        )

        buttons = QHBoxLayout()
        buttons.addWidget(label("New:", "muted"))
        for button in (self.new_phq9, self.new_gad7, self.new_scale, self.new_suds):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.remove_button)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.empty)
        chart_page = QWidget()
        chart_layout = QVBoxLayout(chart_page)
        chart_layout.setContentsMargins(0, 0, 4, 0)
        chart_layout.addWidget(self.charts)
        chart_layout.addStretch(1)
        self.chart_area = named(scrolling(chart_page), "Measure charts")
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.chart_area)
        # The table needs its five columns in full; one chart a row reads well in the rest.
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([640, 510])
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.splitter, 1)

    def _size_columns(self) -> None:
        """Widths from the longest text each column can hold, so they never jump or scroll."""
        metrics = self.table.fontMetrics()
        header = self.table.horizontalHeader()
        style = self.table.style()
        padding = 2 * style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 16
        icon_width = style.pixelMetric(QStyle.PixelMetric.PM_SmallIconSize) + 4
        longest = {
            0: ["Wed 30 Sep 2026", "Date"],
            2: ["100 of 100", "Score"],  # "cannot be read" is rare: it may elide
            3: [band.label for kind in scoring.QUESTIONNAIRES for band in scoring.bands(kind)]
            + ["Severity"],
            ITEM_9_COLUMN: [*scoring.RESPONSES, "Item 9"],
        }
        for column, texts in longest.items():
            width = max(metrics.horizontalAdvance(text) for text in texts) + padding
            if column == ITEM_9_COLUMN:
                width += icon_width
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(column, width)

    # -- RecordPart --------------------------------------------------------------------------

    def attach(self, open_vault: OpenVault) -> None:
        self._vault = open_vault
        open_vault.changed.connect(self._changed)

    def show_client(self, client_id: str | None) -> None:
        self._client_id = client_id
        if client_id is None:
            self.model.clear()
            self.charts.clear()
            self._reloads.forget()
        else:
            self._reloads.request()

    def _changed(self, change: Change) -> None:
        if change.concerns(self._client_id, Kind.MEASURE):
            self._reloads.request()

    def reload(self) -> None:
        self._reloads.forget()
        vault, client_id = self._vault, self._client_id
        if vault is None or client_id is None:
            self.model.clear()
            self.charts.clear()
            return
        rows = measures.list_measures(vault.vault, client_id)
        self.model.set_rows(rows)
        has_rows = bool(rows)
        self.empty.setVisible(not has_rows)
        self.table.setVisible(has_rows)
        self.edit_button.setEnabled(has_rows)
        self.remove_button.setEnabled(has_rows)
        if has_rows and not self.table.currentIndex().isValid():
            self.table.selectRow(0)
        self.charts.show_series(measures.chart_series(vault.vault, client_id))

    def flush(self) -> bool:
        return True  # measures are saved by their dialogs; nothing is edited in the tab

    def clear(self) -> None:
        self.model.clear()
        self.charts.clear()
        self._client_id = None
        self._vault = None
        self._reloads.forget()

    # -- entering and correcting -----------------------------------------------------------

    def _names_used(self, kind: MeasureKind) -> list[str]:
        """The scale names (or SUDS steps) used with this client, the most recent first."""
        seen: dict[str, str] = {}
        for measure in sorted(
            self.model.rows(), key=lambda m: m.details.taken_on or date.min, reverse=True
        ):
            name = " ".join(measure.details.label.split())
            if measure.details.kind is kind and name:
                seen.setdefault(name.casefold(), name)
        return list(seen.values())

    def add(self, kind: MeasureKind) -> None:
        vault, client_id = self._vault, self._client_id
        if vault is None or client_id is None:
            return
        self._run(
            self._dialog(kind, lambda details: vault.add_measure(client_id, details), None),
            f"new:{kind.value}:{client_id}",
        )

    def _edit_at(self, index: QModelIndex) -> None:
        vault = self._vault
        if vault is None or not index.isValid():
            return
        measure = self.model.record_at(index.row())
        if measure.damaged:
            self._dialogs.warn(
                self,
                "This measure cannot be read",
                "Part of this measure could not be decrypted, so it cannot be edited. "
                "Run `therapist-desk verify` to see what is damaged; you can remove it and "
                "enter it again.",
            )
            return
        self._run(
            self._dialog(
                measure.details.kind,
                lambda details: vault.update_measure(measure, details),
                measure,
            ),
            measure.id,
        )

    def _dialog(self, kind: MeasureKind, save: SaveMeasure, measure: Measure | None) -> QDialog:
        assert self._vault is not None
        today = self._vault.today()
        if kind in scoring.QUESTIONNAIRES:
            return QuestionnaireDialog(scoring.QUESTIONNAIRES[kind], save, today, measure, self)
        return RatingDialog(
            scoring.RATING_SCALES[kind], save, today, self._names_used(kind), measure, self
        )

    def _run(self, dialog: QDialog, key: str) -> None:
        assert isinstance(dialog, QuestionnaireDialog | RatingDialog)
        if self._unfinished.run(dialog, key, dialog.details) and dialog.saved is not None:
            row = self.model.row_of(dialog.saved.id)
            if row >= 0:
                self.table.selectRow(row)

    def _remove(self) -> None:
        vault, index = self._vault, self.table.currentIndex()
        if vault is None or not index.isValid():
            return
        measure = self.model.record_at(index.row())
        taken = formatting.optional_date(measure.details.taken_on)
        removed_after_confirming(
            self,
            self._dialogs,
            "Remove this measure?",
            f"The {measure_name(measure)} of {taken} ({score_text(measure)}) will be removed "
            "from the record and its chart. Remove a measure only if it was entered in error.",
            lambda: vault.remove_measure(measure),
            "measure",
        )
