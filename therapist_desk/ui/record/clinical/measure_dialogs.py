"""Entering a measure: a PHQ-9 or GAD-7 item by item, a 0–10 scale, or a SUDS rating.

The questionnaire is laid out as on paper (each item's published wording, its
four answers in columns) and is quick from the keyboard: Tab goes from item to
item, the arrow keys change an answer, and typing 0–3 answers the item and
moves on to the next. The total and the severity band follow every answer;
PHQ-9 item 9 above 0 raises an alert at once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from PySide6.QtCore import QDate, QEvent, QObject, Qt
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QRadioButton,
    QSlider,
    QSpinBox,
    QWidget,
)

from therapist_desk.clinical import scoring
from therapist_desk.clinical.scoring import Questionnaire, RatingScale
from therapist_desk.domain.records import Measure, MeasureDetails
from therapist_desk.domain.vocabulary import MeasureKind
from therapist_desk.ui.common import formatting, theme
from therapist_desk.ui.common.optional_date import DISPLAY_FORMAT, qdate
from therapist_desk.ui.common.record_dialog import RecordDialog
from therapist_desk.ui.common.widgets import label, named, scrolling

SaveMeasure = Callable[[MeasureDetails], Measure]

#: Scaling questions a solution-focused therapist often asks, offered after the client's own.
SUGGESTED_SCALES = (
    "Miracle question scaling",
    "Progress towards the goal",
    "Confidence",
    "Motivation",
)

_ANSWER_COLUMN_WIDTH = 112
DATE_FIELD_WIDTH = 200


def self_harm_alert_text(answer: int) -> str:
    """The alert for PHQ-9 item 9, in the words a clinician expects."""
    return (
        f"Item {scoring.SELF_HARM_ITEM} (thoughts of self-harm) answered "
        f"‘{scoring.RESPONSES[answer]}’ — assess risk."
    )


def alert_style() -> str:
    text, background = theme.risk_colours()
    return (
        f"color: {text}; background: {background}; padding: 8px 10px; "
        "border-radius: 4px; font-weight: 600;"
    )


def _date_field(name: str, today: date) -> QDateEdit:
    field = named(QDateEdit(), name)
    field.setCalendarPopup(True)
    field.setDisplayFormat(DISPLAY_FORMAT)
    field.setMaximumDate(qdate(today))
    field.setDate(qdate(today))
    field.setMaximumWidth(DATE_FIELD_WIDTH)
    return field


def _as_date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def _notes_field(name: str) -> QPlainTextEdit:
    notes = named(QPlainTextEdit(), name)
    notes.setTabChangesFocus(True)
    notes.setFixedHeight(54)
    return notes


class QuestionnaireDialog(RecordDialog[Measure]):
    """A PHQ-9 or GAD-7, answered item by item."""

    kept = "The answers are still here."

    def __init__(
        self,
        questionnaire: Questionnaire,
        save: SaveMeasure,
        today: date,
        measure: Measure | None = None,
        parent: QWidget | None = None,
    ) -> None:
        name = questionnaire.name
        super().__init__(name, parent, cancel_name="Cancel")
        self.questionnaire = questionnaire
        self._save = save
        self.setWindowTitle(
            f"{name} of {formatting.day(measure.details.taken_on)}"
            if measure is not None and measure.details.taken_on
            else f"New {name}"
        )
        self.taken_on = _date_field(f"Date the {name} was taken", today)
        stem = label(questionnaire.stem, wrap=True)
        stem.setStyleSheet("font-weight: 600;")

        items = QWidget()
        grid = QGridLayout(items)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(2)
        grid.setColumnStretch(0, 1)
        for answer, response in enumerate(questionnaire.responses):
            header = label(f"{response}\n({answer})", "muted", wrap=True)
            header.setAlignment(Qt.AlignmentFlag.AlignCenter)
            header.setFixedWidth(_ANSWER_COLUMN_WIDTH)
            grid.addWidget(header, 0, 1 + answer)
        #: One exclusive group per item; a button's id is its answer (0–3).
        self.answers: list[QButtonGroup] = []
        self._item_labels: list[QLabel] = []
        for index, wording in enumerate(questionnaire.items):
            number = index + 1
            item_label = label(f"{number}. {wording}", wrap=True)
            item_label.setContentsMargins(0, 6, 0, 6)
            grid.addWidget(item_label, 1 + index, 0)
            self._item_labels.append(item_label)
            group = QButtonGroup(self)
            for answer, response in enumerate(questionnaire.responses):
                radio = named(QRadioButton(), f"Item {number}: {response}", wording)
                radio.installEventFilter(self)
                group.addButton(radio, answer)
                cell = QHBoxLayout()
                cell.addStretch(1)
                cell.addWidget(radio)
                cell.addStretch(1)
                grid.addLayout(cell, 1 + index, 1 + answer)
            group.idToggled.connect(self._answer_changed)
            self.answers.append(group)
        # Spare height goes below the last item, not between the rows.
        grid.setRowStretch(len(questionnaire.items) + 1, 1)

        self.total = named(label("", wrap=True), f"{name} total and severity")
        self.total.setStyleSheet("font-size: 12pt; font-weight: 600;")
        self.alert = named(label("", wrap=True), "Self-harm alert")
        self.alert.hide()
        self.notes = _notes_field(f"{name} notes")

        top = QFormLayout()
        top.addRow("Date taken", self.taken_on)
        notes_row = QFormLayout()
        notes_row.addRow("Notes", self.notes)
        answers = scrolling(items)
        self.lay_out(
            top,
            stem,
            answers,
            self.total,
            self.alert,
            notes_row,
            self.problems,
            label(scoring.ATTRIBUTION, "muted", wrap=True),
            stretch=answers,
        )
        self.resize(900, 700)
        if measure is not None:
            self.fill(measure.details)
        self._answer_changed()
        self._first_radio(0).setFocus()

    # -- answers ---------------------------------------------------------------------------

    def _first_radio(self, item: int) -> QRadioButton:
        group = self.answers[item]
        checked = group.checkedButton() or group.button(0)
        assert isinstance(checked, QRadioButton)
        return checked

    def radio(self, item: int, answer: int) -> QRadioButton:
        """The button of `answer` (0–3) to item `item` (0-based)."""
        button = self.answers[item].button(answer)
        assert isinstance(button, QRadioButton)
        return button

    def answer(self, item: int, answer: int) -> None:
        self.radio(item, answer).setChecked(True)

    def item_answers(self) -> list[int | None]:
        return [None if group.checkedId() < 0 else group.checkedId() for group in self.answers]

    def _item_of(self, watched: QObject) -> int | None:
        for index, group in enumerate(self.answers):
            if watched in group.buttons():
                return index
        return None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        item = self._item_of(watched)
        if item is None:
            return super().eventFilter(watched, event)
        if (
            event.type() == QEvent.Type.FocusIn
            and isinstance(event, QFocusEvent)
            and event.reason() in (Qt.FocusReason.TabFocusReason, Qt.FocusReason.BacktabFocusReason)
        ):
            # Tabbing into an item lands on its answer, not on "Not at all".
            target = self._first_radio(item)
            if target is not watched:
                target.setFocus(event.reason())
                return True
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            return self._key(item, watched, event)
        return super().eventFilter(watched, event)

    def _key(self, item: int, watched: QObject, event: QKeyEvent) -> bool:
        key = event.key()
        group = self.answers[item]
        assert isinstance(watched, QRadioButton)
        current = group.id(watched)
        typed = key - Qt.Key.Key_0.value
        if 0 <= typed <= self.questionnaire.highest_answer:
            # Typing the answer's number answers the item and moves on to the next.
            self.answer(item, typed)
            self._move_on(item)
            return True
        if key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            step = -1 if key == Qt.Key.Key_Left else 1
            chosen = min(max(current + step, 0), self.questionnaire.highest_answer)
            self.answer(item, chosen)
            self.radio(item, chosen).setFocus()
            return True
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            target = item + (-1 if key == Qt.Key.Key_Up else 1)
            if 0 <= target < len(self.answers):
                self._first_radio(target).setFocus(Qt.FocusReason.OtherFocusReason)
            return True
        return False

    def _move_on(self, item: int) -> None:
        if item + 1 < len(self.answers):
            self._first_radio(item + 1).setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.notes.setFocus()

    def _answer_changed(self, *_args: object) -> None:
        answers = self.item_answers()
        given = [answer for answer in answers if answer is not None]
        questionnaire = self.questionnaire
        so_far = sum(given)
        if len(given) < len(answers):
            self.total.setText(
                f"{len(given)} of {len(answers)} items answered · "
                f"total so far {so_far} of {questionnaire.highest_total}"
            )
        else:
            band = scoring.band_of(questionnaire.kind, so_far)
            assert band is not None
            self.total.setText(
                f"Total {so_far} of {questionnaire.highest_total} · {band.label} "
                f"({questionnaire.name} {band.low}–{band.high})"
            )
        self_harm = (
            answers[scoring.SELF_HARM_ITEM - 1] if questionnaire.kind is MeasureKind.PHQ9 else None
        )
        item_label = (
            self._item_labels[scoring.SELF_HARM_ITEM - 1] if self_harm is not None else None
        )
        if self_harm:
            self.alert.setText(self_harm_alert_text(self_harm))
            self.alert.setStyleSheet(alert_style())
            self.alert.show()
            if item_label is not None:
                item_label.setStyleSheet(f"color: {theme.risk_colours()[0]}; font-weight: 600;")
        else:
            self.alert.hide()
            self.alert.clear()
            if item_label is not None:
                item_label.setStyleSheet("")

    # -- the record ---------------------------------------------------------------------------

    def fill(self, details: MeasureDetails) -> None:
        if details.taken_on is not None:
            self.taken_on.setDate(qdate(details.taken_on))
        for index, answer in enumerate(details.items[: len(self.answers)]):
            if 0 <= answer <= self.questionnaire.highest_answer:
                self.answer(index, answer)
        self.notes.setPlainText(details.notes)

    def details(self) -> MeasureDetails:
        return MeasureDetails(
            kind=self.questionnaire.kind,
            taken_on=_as_date(self.taken_on.date()),
            items=tuple(-1 if answer is None else answer for answer in self.item_answers()),
            notes=self.notes.toPlainText().strip(),
        )

    def precheck(self) -> bool:
        missing = [
            str(index + 1) for index, answer in enumerate(self.item_answers()) if answer is None
        ]
        if missing:
            which = ", ".join(missing[:-1]) + (" and " if len(missing) > 1 else "") + missing[-1]
            self.explain(
                f"Item{'s' if len(missing) > 1 else ''} {which} "
                f"{'are' if len(missing) > 1 else 'is'} not answered yet."
            )
            self._first_radio(int(missing[0]) - 1).setFocus(Qt.FocusReason.OtherFocusReason)
            return False
        return True

    def store(self) -> Measure:
        return self._save(self.details())


class RatingDialog(RecordDialog[Measure]):
    """A 0–10 scaling question or a SUDS rating of one exposure step."""

    def __init__(
        self,
        scale: RatingScale,
        save: SaveMeasure,
        today: date,
        names_used: Sequence[str],
        measure: Measure | None = None,
        parent: QWidget | None = None,
    ) -> None:
        suds = scale.kind is MeasureKind.SUDS
        what = "SUDS rating" if suds else "scale rating"
        super().__init__(what, parent, cancel_name="Cancel")
        self.scale = scale
        self._save = save
        self.setWindowTitle(f"Edit {what}" if measure is not None else f"New {what}")
        self.taken_on = _date_field(f"Date of the {what}", today)
        self.name = named(QComboBox(), "Exposure step" if suds else "Scale name")
        self.name.setEditable(True)
        self.name.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        offered = list(dict.fromkeys(names_used))
        if not suds:
            known = {name.casefold() for name in offered}
            offered += [name for name in SUGGESTED_SCALES if name.casefold() not in known]
        self.name.addItems(offered)
        self.name.setCurrentIndex(-1)
        line = self.name.lineEdit()
        assert line is not None
        line.setPlaceholderText(
            "e.g. riding the bus for two stops" if suds else "e.g. Miracle question scaling"
        )
        self.value = named(QSpinBox(), "SUDS value" if suds else "Scale value")
        self.value.setRange(scale.lowest, scale.highest)
        self.slider = named(
            QSlider(Qt.Orientation.Horizontal), "SUDS slider" if suds else "Scale slider"
        )
        self.slider.setRange(scale.lowest, scale.highest)
        self.slider.setSingleStep(5 if suds else 1)
        self.slider.setPageStep(10 if suds else 2)
        self.slider.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.slider.setTickInterval(10 if suds else 1)
        self.value.valueChanged.connect(self.slider.setValue)
        self.slider.valueChanged.connect(self.value.setValue)
        anchors = label(
            "0 no distress · 50 moderate distress · 100 the worst distress imaginable"
            if suds
            else "0 the lowest · 10 the highest (as the question was put to the client)",
            "muted",
            wrap=True,
        )
        value_row = QHBoxLayout()
        value_row.addWidget(self.value)
        value_row.addWidget(self.slider, 1)
        self.notes = _notes_field(f"{what.capitalize()} notes")
        form = QFormLayout()
        form.addRow("Date", self.taken_on)
        form.addRow("Exposure step" if suds else "Scale *", self.name)
        form.addRow(f"Rating ({scale.lowest}–{scale.highest})", value_row)
        form.addRow("", anchors)
        form.addRow("Notes", self.notes)
        self.lay_out(form)
        self.setMinimumWidth(560)
        if measure is not None:
            self.fill(measure.details)
        self.name.setFocus()

    def fill(self, details: MeasureDetails) -> None:
        if details.taken_on is not None:
            self.taken_on.setDate(qdate(details.taken_on))
        self.name.setEditText(details.label)
        if details.items:
            self.value.setValue(details.items[0])
        self.notes.setPlainText(details.notes)

    def details(self) -> MeasureDetails:
        return MeasureDetails(
            kind=self.scale.kind,
            taken_on=_as_date(self.taken_on.date()),
            items=(self.value.value(),),
            label=" ".join(self.name.currentText().split()),
            notes=self.notes.toPlainText().strip(),
        )

    def store(self) -> Measure:
        return self._save(self.details())
