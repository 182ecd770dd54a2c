"""A client's sessions, newest first, with the note of the chosen one beside them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QItemSelection, QObject, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QMenu,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from therapist_desk.domain.records import TherapySession
from therapist_desk.domain.vocabulary import Attendance
from therapist_desk.records import progress_notes, therapy_sessions
from therapist_desk.ui.changes import Change, Kind
from therapist_desk.ui.common import formatting
from therapist_desk.ui.common.dialogs import DialogService
from therapist_desk.ui.common.icons import icon
from therapist_desk.ui.common.reload import ReloadWhenShown
from therapist_desk.ui.common.saving import SAVE_ERRORS, save_error_text
from therapist_desk.ui.common.table_model import Column, TableModel
from therapist_desk.ui.common.widgets import empty_state, named, record_table
from therapist_desk.ui.held_drafts import HeldDrafts
from therapist_desk.ui.open_vault import OpenVault
from therapist_desk.ui.record.booking_changes import BookingChanges
from therapist_desk.ui.record.note_editor import NoteEditor
from therapist_desk.ui.record.session_dialog import SessionDialog, UnfinishedSession, next_hour
from therapist_desk.ui.unfinished_forms import UnfinishedForms


@dataclass(frozen=True)
class SessionLine:
    """One row of the list: a session as seen from this client's record."""

    session: TherapySession
    attendance: Attendance
    others: str
    note: str  # "Signed", "Draft" or ""

    @property
    def id(self) -> str:
        return self.session.id


def _kind(line: SessionLine) -> str:
    kind = formatting.KIND_LABELS[line.session.details.kind]
    return f"{kind} with {line.others}" if line.others else kind


def _in_series(line: SessionLine) -> bool:
    return line.session.series_id is not None


def _kind_said(line: SessionLine) -> str:
    """The kind, and for a screen reader (or a hover) what the repeat mark means."""
    kind = _kind(line)
    return f"{kind}, part of a recurring series" if _in_series(line) else kind


def session_list_model(parent: QObject | None = None) -> TableModel[SessionLine]:
    """The sessions, with a repeat mark beside those booked as part of a series."""
    repeat = icon("repeat")
    return TableModel[SessionLine](
        [
            Column(
                "When",
                lambda line: formatting.when(line.session.starts_at),
                lambda line: line.session.starts_at,
            ),
            Column(
                "Session",
                _kind,
                tooltip=_kind_said,
                accessible=_kind_said,
                icon=lambda line: repeat if _in_series(line) else None,
            ),
            Column("Attendance", lambda line: formatting.ATTENDANCE_LABELS[line.attendance]),
            Column("Note", lambda line: line.note or "—"),
        ],
        lambda line: line.id,
        parent,
    )


class SessionsTab(QWidget):
    def __init__(
        self, dialogs: DialogService, drafts: HeldDrafts, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._dialogs = dialogs
        self._vault: OpenVault | None = None
        self._client_id: str | None = None
        # Bookings typed but not saved when the vault locked, by client (memory only).
        self._unfinished = UnfinishedForms[UnfinishedSession]()
        self._reloads = ReloadWhenShown(self, self.reload)
        self.model = session_list_model(self)
        self.table = record_table("Sessions")
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.empty = empty_state("No sessions yet. Schedule the first one with the button below.")
        self.schedule_button = named(
            QPushButton(icon("add"), "Schedule a session…"), "Schedule a session"
        )
        self.schedule_button.clicked.connect(self.schedule)
        self.attendance = named(QComboBox(), "Mark attendance")
        self.attendance.addItem("Mark attendance…", None)
        for attendance, text in formatting.ATTENDANCE_LABELS.items():
            self.attendance.addItem(text, attendance)
        self.attendance.activated.connect(self._mark_attendance)
        self.attendance.setEnabled(False)
        self.changes = BookingChanges(self, dialogs, lambda: self._vault)
        self.booking_menu = QMenu(self)
        self.move_action = self.booking_menu.addAction(icon("move"), "Move this session…")
        self.cancel_action = self.booking_menu.addAction(icon("cancelled"), "Cancel this session")
        self.booking_menu.addSeparator()
        self.retime_action = self.booking_menu.addAction(
            "Change the time of this and later sessions…"
        )
        self.end_series_action = self.booking_menu.addAction("End the series from here…")
        for action, change in (
            (self.move_action, self.changes.move),
            (self.cancel_action, self.changes.cancel),
            (self.retime_action, self.changes.change_series_time),
            (self.end_series_action, self.changes.end_series),
        ):
            action.triggered.connect(lambda _checked=False, change=change: self._change(change))
        self.booking_button = named(QPushButton("Booking"), "Change the booking")
        self.booking_button.setToolTip("Move or cancel this session, or change its series")
        self.booking_button.setMenu(self.booking_menu)
        self.booking_button.setEnabled(False)
        self.editor = NoteEditor(dialogs, drafts)
        self.editor.saved.connect(self._note_saved)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.empty)
        buttons = QHBoxLayout()
        buttons.addWidget(self.schedule_button)
        buttons.addWidget(self.attendance)
        buttons.addWidget(self.booking_button)
        left_layout.addLayout(buttons)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.editor)
        splitter.setSizes([470, 690])
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(splitter)
        save = QShortcut(QKeySequence.StandardKey.Save, self)
        save.activated.connect(self.editor.flush)

    def attach(self, open_vault: OpenVault) -> None:
        self._vault = open_vault
        self.editor.attach(open_vault)
        open_vault.changed.connect(self._changed)

    def _changed(self, change: Change) -> None:
        # Changed elsewhere (the calendar): reloaded when this tab is seen again. The
        # tab's own changes reload it themselves, keeping the chosen session.
        if change.concerns(self._client_id, Kind.SESSION) and not self.isVisible():
            self._reloads.request()

    def show_client(self, client_id: str | None, session_id: str | None = None) -> None:
        self.editor.flush()
        self._client_id = client_id
        self._reloads.forget()
        self.reload(select_session=session_id)

    def reload(self, select_session: str | None = None) -> None:
        vault, client_id = self._vault, self._client_id
        if vault is None or client_id is None:
            self.model.clear()
            self.editor.show_session(None)
            return
        keep = select_session or (self.editor.session.id if self.editor.session else None)
        sessions = therapy_sessions.sessions_for_client(vault.vault, client_id)
        states = progress_notes.note_states_for_client(vault.vault, client_id)
        lines = []
        for session in sessions:
            mine = next(a for a in session.attendees if a.client_id == client_id)
            others = vault.names_of(
                [a.client_id for a in session.attendees if a.client_id != client_id]
            )
            state = states.get(session.id)
            note = "" if state is None else ("Signed" if state else "Draft")
            lines.append(SessionLine(session, mine.attendance, others, note))
        self.model.set_rows(lines)
        self.empty.setVisible(not lines)
        self.table.setVisible(bool(lines))
        row = self.model.row_of(keep) if keep else self._latest_started(lines)
        if row >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))
        else:
            self.editor.show_session(None)
            self._enable_changes(None)

    def _latest_started(self, lines: list[SessionLine]) -> int:
        """The row of the most recent session that has begun (the list is newest first)."""
        now = self._vault.vault.now() if self._vault else None
        for row, line in enumerate(lines):
            if now is not None and line.session.starts_at <= now:
                return row
        return -1

    def _selected(self) -> SessionLine | None:
        return self.model.chosen_in(self.table)

    def _enable_changes(self, line: SessionLine | None) -> None:
        self.attendance.setEnabled(line is not None)
        self.booking_button.setEnabled(line is not None)
        in_series = line is not None and line.session.series_id is not None
        self.retime_action.setEnabled(in_series)
        self.end_series_action.setEnabled(in_series)
        booked = line is not None and all(
            attendee.attendance is Attendance.SCHEDULED for attendee in line.session.attendees
        )
        self.cancel_action.setEnabled(booked)

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        line = self._selected()
        self._enable_changes(line)
        session = line.session if line else None
        if (
            session is not None
            and self.editor.session is not None
            and self.editor.session.id == session.id
        ):
            return
        self.editor.show_session(session)

    def select_session(self, session_id: str) -> bool:
        row = self.model.row_of(session_id)
        if row < 0:
            return False
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        return True

    def schedule(self) -> None:
        vault, client_id = self._vault, self._client_id
        if vault is None or client_id is None:
            return
        dialog = SessionDialog(vault, client_id, next_hour(vault.vault.now()), self)
        if self._unfinished.run(dialog, client_id, dialog.unfinished) and dialog.saved is not None:
            self.reload(select_session=dialog.saved.id)

    def _change(self, change: Callable[[TherapySession], bool]) -> None:
        """Move, cancel, retime or end the series of the chosen session."""
        line = self._selected()
        if line is None:
            return
        self.editor.flush()  # the note stays with its session, wherever the session goes
        if change(line.session):
            self.reload(select_session=line.session.id)

    def _mark_attendance(self, index: int) -> None:
        line, vault, client_id = self._selected(), self._vault, self._client_id
        attendance = self.attendance.itemData(index)
        self.attendance.setCurrentIndex(0)
        if line is None or vault is None or client_id is None or attendance is None:
            return
        try:
            vault.set_attendance(line.session.id, client_id, Attendance(attendance))
        except SAVE_ERRORS as error:
            self._dialogs.warn(self, "Attendance was not changed", save_error_text(error))
            return
        self.reload(select_session=line.session.id)

    def _note_saved(self) -> None:
        session, note = self.editor.session, self.editor.note
        if session is not None and note is not None:
            row = self.model.row_of(session.id)
            if row >= 0:
                line = self.model.record_at(row)
                self.model.put(
                    SessionLine(
                        line.session,
                        line.attendance,
                        line.others,
                        "Signed" if note.is_signed else "Draft",
                    )
                )

    def flush(self) -> bool:
        return self.editor.flush()

    def clear(self) -> None:
        self.editor.clear()
        self.model.clear()
        self._client_id = None
        self._vault = None
