"""Today: who is coming, what is coming up, and which notes are still to write."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import (
    QVBoxLayout,
    QWidget,
)

from therapist_desk import progress_notes, referrals, therapy_sessions
from therapist_desk.domain.records import TherapySession
from therapist_desk.progress_notes import NoteDue
from therapist_desk.ui import formatting
from therapist_desk.ui.models import Column, RecordTableModel
from therapist_desk.ui.open_vault import OpenVault
from therapist_desk.ui.widgets import (
    empty_state,
    heading,
    label,
    named,
    record_table,
    scrolling,
    subheading,
)

UPCOMING_DAYS = 7


@dataclass(frozen=True)
class TodayLine:
    session: TherapySession
    names: str
    state: str

    @property
    def id(self) -> str:
        return self.session.id


class _Section(QWidget):
    """A titled table with a count, and a sentence when it is empty."""

    def __init__(
        self, title: str, columns: list[Column], empty: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._title = title
        self.title = subheading(title)
        self.model = RecordTableModel(columns, lambda line: line.id, self)
        self.table = record_table(title)
        self.table.setModel(self.model)
        self.empty = empty_state(empty)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 12)
        layout.addWidget(self.title)
        layout.addWidget(self.table)
        layout.addWidget(self.empty)

    def set_lines(self, lines: list[TodayLine]) -> None:
        self.model.set_rows(lines)
        self.title.setText(f"{self._title} ({len(lines)})")
        self.table.setVisible(bool(lines))
        self.empty.setVisible(not lines)
        rows = min(len(lines), 8)
        header = self.table.horizontalHeader().height()
        self.table.setFixedHeight(
            header + rows * self.table.verticalHeader().defaultSectionSize() + 4
        )

    def clear(self) -> None:
        self.set_lines([])


def _when(line: TodayLine) -> str:
    return formatting.span(line.session.starts_at, line.session.duration_minutes)


@dataclass(frozen=True)
class _TodayData:
    now: datetime
    tomorrow: datetime
    sessions: list[TherapySession]
    due: list[NoteDue]
    overdue_referrals: int


class TodayView(QWidget):
    """Emits `open_session(client_id, session_id)` when the therapist opens a line."""

    open_session = Signal(str, str)
    refreshed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "Today")
        self._vault: OpenVault | None = None
        self._loading = False
        self._reload_again = False
        self.title = heading("Today")
        self.summary = named(label("", "muted", wrap=True), "Today summary")
        self.today = _Section(
            "Today's sessions",
            [
                Column("Time", _when),
                Column("Client", lambda line: line.names),
                Column("Kind", lambda line: formatting.KIND_LABELS[line.session.details.kind]),
                Column("Attendance / note", lambda line: line.state),
            ],
            "No sessions today.",
        )
        self.upcoming = _Section(
            f"Next {UPCOMING_DAYS} days",
            [
                Column(
                    "Day",
                    lambda line: formatting.day(formatting.local(line.session.starts_at).date()),
                ),
                Column("Time", _when),
                Column("Client", lambda line: line.names),
                Column("Kind", lambda line: formatting.KIND_LABELS[line.session.details.kind]),
            ],
            "Nothing booked for the coming week.",
        )
        self.notes_due = _Section(
            "Notes to write",
            [
                Column("Session", lambda line: formatting.when(line.session.starts_at)),
                Column("Client", lambda line: line.names),
                Column("Note", lambda line: line.state),
            ],
            "All notes are written and signed.",
        )
        self.follow_ups = named(label("", wrap=True), "Referral follow-ups")
        for section in (self.today, self.upcoming, self.notes_due):
            section.table.activated.connect(lambda index, s=section: self._activated(s, index))
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(self.title)
        layout.addWidget(self.summary)
        layout.addWidget(self.today)
        layout.addWidget(self.notes_due)
        layout.addWidget(self.upcoming)
        layout.addWidget(self.follow_ups)
        layout.addStretch(1)
        scroll = scrolling(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    def attach(self, open_vault: OpenVault) -> None:
        self._vault = open_vault
        # Reloaded when shown; while hidden, changes (every autosave) need no reload.
        open_vault.sessions_changed.connect(lambda _ids: self._refresh_if_shown())
        open_vault.note_saved.connect(lambda _note: self._refresh_if_shown())

    def _refresh_if_shown(self) -> None:
        if self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        """Reload in a worker thread; the window stays responsive on a full caseload."""
        vault = self._vault
        if vault is None:
            return
        if self._loading:
            self._reload_again = True
            return
        self._loading = True
        if not self.today.model.rowCount() and not self.notes_due.model.rowCount():
            self.summary.setText("Loading today's sessions…")
        store = vault.vault

        def work() -> _TodayData:
            now = store.now()
            today = now.astimezone().date()
            start = datetime.combine(today, time()).astimezone()
            sessions = therapy_sessions.sessions_between(
                store, start, start + timedelta(days=1 + UPCOMING_DAYS)
            )
            return _TodayData(
                now,
                start + timedelta(days=1),
                sessions,
                progress_notes.notes_due(store, now),
                len(referrals.follow_ups_due(store, today)),
            )

        vault.in_background(work, self._show, self._failed)

    def _failed(self, error: BaseException) -> None:
        self._loading = False
        self.summary.setText(f"Today could not be read ({type(error).__name__}).")

    def _show(self, data: _TodayData) -> None:
        self._loading = False
        vault = self._vault
        if vault is None:
            return
        if self._reload_again:
            self._reload_again = False
            self.refresh()
        due_ids = {item.session.id: item for item in data.due}
        today_lines, upcoming_lines = [], []
        for session in data.sessions:
            names = vault.names_of(session.client_ids)
            if session.starts_at < data.tomorrow:
                attendance = ", ".join(
                    sorted({formatting.ATTENDANCE_LABELS[a.attendance] for a in session.attendees})
                )
                item = due_ids.get(session.id)
                state = (
                    attendance
                    if item is None
                    else f"{attendance} · note {'draft' if item.draft_exists else 'to write'}"
                )
                today_lines.append(TodayLine(session, names, state))
            else:
                upcoming_lines.append(TodayLine(session, names, ""))
        due_lines = [
            TodayLine(
                item.session,
                vault.names_of(item.session.client_ids),
                "Draft to sign" if item.draft_exists else "Not written",
            )
            for item in data.due
        ]
        self.title.setText(f"Today, {formatting.long_day(data.now.astimezone().date())}")
        self.today.set_lines(today_lines)
        self.upcoming.set_lines(upcoming_lines)
        self.notes_due.set_lines(due_lines)
        overdue = data.overdue_referrals
        self.follow_ups.setText(
            f"{overdue} referral{'s' if overdue != 1 else ''} past their follow-up date "
            "without a reply."
            if overdue
            else ""
        )
        self.follow_ups.setVisible(bool(overdue))
        self.summary.setText(
            f"{len(today_lines)} session{'s' if len(today_lines) != 1 else ''} today · "
            f"{len(due_lines)} note{'s' if len(due_lines) != 1 else ''} to write or sign · "
            f"{len(upcoming_lines)} in the next {UPCOMING_DAYS} days"
        )
        self.refreshed.emit()

    def _activated(self, section: _Section, index: QModelIndex) -> None:
        line = section.model.record_at(index.row())
        if isinstance(line, TodayLine) and line.session.client_ids:
            self.open_session.emit(line.session.client_ids[0], line.session.id)

    def clear(self) -> None:
        for section in (self.today, self.upcoming, self.notes_due):
            section.clear()
        self.follow_ups.clear()
        self.summary.clear()
        self.title.setText("Today")
        self._vault = None
        self._loading = False
        self._reload_again = False
