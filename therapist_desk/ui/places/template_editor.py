"""Editing the practice's letter templates: the source, its fields, a check, a preview.

A template is checked (letters.check_template) for fields that do not exist,
even inside an `{% if %}` the samples never enter, and by rendering it with
made-up sample fields in every variant a real letter takes, so a mistake is
found here — with its line — rather than on the day a letter is due. Save
refuses a template that does not pass; Reset goes back to the shipped default.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from PySide6.QtCore import QStringListModel, Qt, QTimer
from PySide6.QtGui import QFontDatabase, QTextCursor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from therapist_desk.domain.records import PracticeProfile
from therapist_desk.errors import InvalidInput
from therapist_desk.letters import letters
from therapist_desk.letters.rendering import (
    PrintedDocument,
    TemplateProblem,
    letterhead_from,
    render,
)
from therapist_desk.ui.common.dialogs import DialogService
from therapist_desk.ui.common.icons import icon
from therapist_desk.ui.common.saving import SAVE_ERRORS, save_error_text
from therapist_desk.ui.common.widgets import label, named
from therapist_desk.ui.open_vault import OpenVault
from therapist_desk.ui.printing.document_preview import DocumentPreview

PREVIEW_DELAY_MS = 500
FILTER_HELP = (
    "Filters: {{ today | day }} writes a date as “2 March 2026”; "
    "{% for line in client.address | lines %} goes through a multi-line field; "
    "{{ amount | money }} writes a sum. Double-click a field to insert it."
)


def field_rows(context: Mapping[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """Every field of a template context as (dotted name, sample value), in order."""
    rows: list[tuple[str, str]] = []
    for key, value in context.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            rows.extend(field_rows(value, f"{name}."))
        elif isinstance(value, list):
            members = sorted(
                {member for item in value if isinstance(item, Mapping) for member in item}
            )
            rows.append((name, "a list; each has " + ", ".join(members)))
        elif isinstance(value, date):
            rows.append((name, f"a date, e.g. {value.isoformat()}"))
        else:
            text = " / ".join(str(value).splitlines()) if value not in (None, "") else "(empty)"
            rows.append((name, text if len(text) <= 40 else text[:39] + "…"))
    return rows


class TemplateEditor(QDialog):
    """Choose a letter template, edit its source, check it, save it or reset it."""

    def __init__(
        self, open_vault: OpenVault, dialogs: DialogService, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Letter templates")
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.setSizeGripEnabled(True)
        self._open_vault = open_vault
        self._dialogs = dialogs
        self._saved_source = ""
        self._name = ""

        self.template = named(QComboBox(), "Letter template")
        for kind in letters.TEMPLATES.values():
            self.template.addItem(kind.title, kind.name)
        self.state = named(label("", "muted"), "Template state")
        self.editor = named(QPlainTextEdit(), "Template source")
        fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        # The window's style sheet sizes every text box for prose; source wants more per line.
        self.editor.setStyleSheet(
            f"QPlainTextEdit {{ font-family: '{fixed.family()}'; font-size: 9.5pt; }}"
        )
        self.editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.editor.setTabChangesFocus(True)
        self.editor.textChanged.connect(self._edited)
        self.editor.cursorPositionChanged.connect(self._show_position)
        self.position = named(label("", "muted"), "Cursor line")
        self.problem = named(label("", wrap=True, selectable=True), "Template problem")
        self.fields_model = QStringListModel(self)
        self.fields = named(QListView(), "Fields the template may use")
        self.fields.setModel(self.fields_model)
        self.fields.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.fields.setWordWrap(True)
        self.fields.doubleClicked.connect(self._insert_field)
        self._field_names: list[str] = []
        self.preview = DocumentPreview(open_vault.paper_size)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.refresh_preview)

        self.check_button = named(QPushButton("Check"), "Check the template")
        self.save_button = named(QPushButton(icon("save"), "Save"), "Save the template")
        self.reset_button = named(
            QPushButton(icon("restore"), "Reset to the shipped default…"),
            "Reset the template to the shipped default",
        )
        self.check_button.clicked.connect(self.check)
        self.save_button.clicked.connect(self.save)
        self.reset_button.clicked.connect(self.reset)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)

        top = QHBoxLayout()
        top.addWidget(label("Template"))
        top.addWidget(self.template)
        top.addWidget(self.state, 1)
        editor_column = QWidget()
        editor_layout = QVBoxLayout(editor_column)
        editor_layout.setContentsMargins(0, 0, 0, 0)
        editor_layout.addWidget(self.editor, 1)
        editor_layout.addWidget(self.position)
        editor_layout.addWidget(self.problem)
        fields_column = QWidget()
        fields_layout = QVBoxLayout(fields_column)
        fields_layout.setContentsMargins(0, 0, 0, 0)
        fields_layout.addWidget(label("Fields (sample values)", "subheading"))
        fields_layout.addWidget(self.fields, 1)
        fields_layout.addWidget(label(FILTER_HELP, "muted", wrap=True))
        preview_column = QWidget()
        preview_layout = QVBoxLayout(preview_column)
        preview_layout.setContentsMargins(0, 0, 0, 0)
        preview_layout.addWidget(label("Preview with the sample fields", "subheading"))
        preview_layout.addWidget(self.preview, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        for column, stretch, minimum in (
            (editor_column, 5, 360),
            (fields_column, 2, 200),
            (preview_column, 4, 300),
        ):
            column.setMinimumWidth(minimum)
            splitter.addWidget(column)
            splitter.setStretchFactor(splitter.indexOf(column), stretch)
        bottom = QHBoxLayout()
        bottom.addWidget(self.check_button)
        bottom.addWidget(self.save_button)
        bottom.addWidget(self.reset_button)
        bottom.addStretch(1)
        bottom.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)
        screen = self.screen().availableGeometry()
        self.resize(min(1300, screen.width() - 40), min(820, screen.height() - 40))

        self.template.currentIndexChanged.connect(self._template_chosen)
        self._load(str(self.template.currentData()))

    # -- the chosen template ----------------------------------------------------------

    @property
    def unsaved(self) -> bool:
        return self.editor.toPlainText() != self._saved_source

    def choose(self, name: str) -> None:
        self.template.setCurrentIndex(self.template.findData(name))

    def _template_chosen(self) -> None:
        name = str(self.template.currentData())
        if name == self._name:
            return
        if self.unsaved and not self._dialogs.confirm(
            self,
            "Discard the changes?",
            f"Your changes to the {letters.TEMPLATES[self._name].title.lower()} template "
            "are not saved.",
            "Discard changes",
        ):
            self.template.blockSignals(True)
            self.template.setCurrentIndex(self.template.findData(self._name))
            self.template.blockSignals(False)
            return
        self._load(name)

    def _load(self, name: str) -> None:
        try:
            template = letters.get_template(self._open_vault.vault, name)
        except SAVE_ERRORS as error:
            self.problem.setText(f"The template could not be read: {save_error_text(error)}")
            return
        self._name = name
        self._saved_source = template.source
        self.editor.setPlainText(template.source)
        self._show_state(template.customised)
        self._field_names = []
        rows = []
        for field, sample in field_rows(letters.sample_context(name)):
            self._field_names.append(field)
            rows.append(f"{field}\n    {sample}")
        self.fields_model.setStringList(rows)
        self.problem.clear()
        self.refresh_preview()

    def _show_state(self, customised: bool) -> None:
        self.state.setText("Your practice's own version." if customised else "The shipped default.")

    # -- checking, saving, resetting --------------------------------------------------

    def _render(self) -> PrintedDocument:
        kind = letters.TEMPLATES[self._name]
        context = letters.sample_context(self._name)
        body = render(self.editor.toPlainText(), context, name=kind.title)
        return PrintedDocument(
            f"{kind.title} (sample)", body, letterhead_from(PracticeProfile(**context["practice"]))
        )

    def _show_problem(self, error: TemplateProblem | InvalidInput) -> None:
        self.problem.setText(error.message)
        line = error.line if isinstance(error, TemplateProblem) else None
        if line:
            self.go_to_line(line)

    def go_to_line(self, line: int) -> None:
        block = self.editor.document().findBlockByNumber(max(0, line - 1))
        cursor = QTextCursor(block)
        cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock, QTextCursor.MoveMode.KeepAnchor)
        self.editor.setTextCursor(cursor)
        self.editor.centerCursor()
        self.editor.setFocus()

    def check(self) -> bool:
        """Check every field and every branch (as Save does), then render with the sample
        fields; the first problem is shown and the cursor put on it."""
        self._timer.stop()
        try:
            letters.check_template(self._name, self.editor.toPlainText())
            document = self._render()
        except TemplateProblem as error:
            self._show_problem(error)
            self.preview.show_problem(error.message)
            return False
        self.problem.setText("No problems: every field is known and the template renders.")
        self.preview.show_document(document)
        return True

    def save(self) -> bool:
        try:
            saved = self._open_vault.save_template(self._name, self.editor.toPlainText())
        except (TemplateProblem, InvalidInput) as error:
            self._show_problem(error)
            return False
        except SAVE_ERRORS as error:
            self.problem.setText(f"Not saved: {save_error_text(error)}")
            return False
        self._saved_source = saved.source
        self._show_state(saved.customised)
        self.problem.setText(f"Saved. The next {saved.kind.title.lower()} uses it.")
        return True

    def reset(self) -> bool:
        title = letters.TEMPLATES[self._name].title
        if not self._dialogs.confirm(
            self,
            "Reset to the shipped default?",
            f"The practice's own {title.lower()} template is replaced by the default that "
            "comes with Therapist Desk. Your version cannot be brought back.",
            "Reset",
        ):
            return False
        try:
            template = self._open_vault.reset_template(self._name)
        except SAVE_ERRORS as error:
            self.problem.setText(f"Not reset: {save_error_text(error)}")
            return False
        self._saved_source = template.source
        self.editor.setPlainText(template.source)
        self._show_state(template.customised)
        self.problem.setText("Back to the shipped default.")
        self.refresh_preview()
        return True

    # -- the preview and the editor ---------------------------------------------------

    def refresh_preview(self) -> None:
        self._timer.stop()
        try:
            document = self._render()
        except TemplateProblem as error:
            self.preview.show_problem(error.message)
        else:
            self.preview.show_document(document)

    def _edited(self) -> None:
        self._timer.start()

    def _show_position(self) -> None:
        cursor = self.editor.textCursor()
        self.position.setText(
            f"Line {cursor.blockNumber() + 1}, column {cursor.positionInBlock() + 1}"
        )

    def _insert_field(self) -> None:
        row = self.fields.currentIndex().row()
        if 0 <= row < len(self._field_names):
            self.editor.insertPlainText("{{ " + self._field_names[row] + " }}")
            self.editor.setFocus()

    def done(self, result: int) -> None:
        self._timer.stop()
        super().done(result)

    def _may_close(self) -> bool:
        if self.property("closed_by_lock"):
            return True  # the vault is locking: nothing may be asked over it
        return not self.unsaved or self._dialogs.confirm(
            self,
            "Discard the changes?",
            "Your changes to the template are not saved.",
            "Discard changes",
        )

    def reject(self) -> None:  # Esc, Close and the window's own close button
        if self._may_close():
            super().reject()


def open_template_editor(parent: QWidget, open_vault: OpenVault, dialogs: DialogService) -> None:
    editor = TemplateEditor(open_vault, dialogs, parent)
    editor.exec()
    editor.deleteLater()
