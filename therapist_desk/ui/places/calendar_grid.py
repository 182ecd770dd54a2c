"""The calendar's grid: hours down the side, days across, each session a painted block.

One widget paints every block, so a full week costs one paint and no widget
per session. Blocks that overlap share their day's width side by side. The
keyboard moves between sessions (arrows, Home, End), Enter opens one, Page
Up and Page Down turn the period; a click opens a session and a double click
on an empty time books one there.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import Enum

from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QFocusEvent,
    QFont,
    QFontMetrics,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from therapist_desk.domain.records import TherapySession
from therapist_desk.domain.vocabulary import Attendance
from therapist_desk.records.calendar import CalendarDay
from therapist_desk.ui.common import formatting
from therapist_desk.ui.common.icons import icon
from therapist_desk.ui.common.widgets import named

#: The hours always shown; a session earlier or later widens the range.
FIRST_HOUR, LAST_HOUR = 8, 20
MIN_HOUR_HEIGHT = 34
GUTTER_WIDTH = 52
#: A double click books at the quarter hour it lands in.
SLOT_MINUTES = 15
MINUTES_PER_DAY = 24 * 60


class BlockState(Enum):
    # The same words as Today and the session lists use for the attendance.
    BOOKED = formatting.ATTENDANCE_LABELS[Attendance.SCHEDULED]
    ATTENDED = formatting.ATTENDANCE_LABELS[Attendance.ATTENDED]
    CANCELLED = formatting.ATTENDANCE_LABELS[Attendance.CANCELLED]
    LATE_CANCELLED = formatting.ATTENDANCE_LABELS[Attendance.LATE_CANCELLED]
    MISSED = formatting.ATTENDANCE_LABELS[Attendance.NO_SHOW]


def block_state(session: TherapySession) -> BlockState:
    """One state for the whole session, from its attendees' attendance."""
    statuses = {attendee.attendance for attendee in session.attendees}
    if Attendance.ATTENDED in statuses:
        return BlockState.ATTENDED
    if not statuses or Attendance.SCHEDULED in statuses:
        return BlockState.BOOKED
    if statuses == {Attendance.LATE_CANCELLED}:
        return BlockState.LATE_CANCELLED
    if statuses <= {Attendance.CANCELLED, Attendance.LATE_CANCELLED}:
        return BlockState.CANCELLED
    return BlockState.MISSED


NOT_HAPPENING = frozenset({BlockState.CANCELLED, BlockState.LATE_CANCELLED, BlockState.MISSED})


@dataclass(frozen=True)
class CalendarBlock:
    """A session placed in the grid: its day column, minutes after midnight, and lane."""

    session: TherapySession
    column: int
    start: int
    end: int
    lane: int
    lanes: int
    names: str
    state: BlockState

    @property
    def recurring(self) -> bool:
        return self.session.series_id is not None

    @property
    def kind(self) -> str:
        kind = formatting.KIND_LABELS[self.session.details.kind]
        title = self.session.details.title
        return f"{kind}: {title}" if title else kind

    def describe(self) -> str:
        """Everything the block says, in words (its tooltip and accessible description)."""
        session = self.session
        when = formatting.local(session.starts_at)
        parts = [
            f"{formatting.day(when.date())}, "
            f"{formatting.span(session.starts_at, session.duration_minutes)}",
            self.names or "No one attending",
            self.kind,
        ]
        if self.recurring:
            parts.append("part of a recurring series")
        parts.append(self.state.value)
        return " · ".join(parts)


def lay_out(
    days: Sequence[CalendarDay], names: Callable[[Sequence[str]], str]
) -> list[CalendarBlock]:
    """Blocks for the sessions of `days`, overlapping ones side by side.

    In reading order: day by day, earliest first; that is also the order the
    arrow keys follow.
    """
    blocks: list[CalendarBlock] = []
    for column, day in enumerate(days):
        placed: list[tuple[TherapySession, int, int, int]] = []  # session, start, end, lane
        cluster: list[int] = []  # indexes into `placed` of the current group of overlaps
        cluster_end = -1
        lane_ends: list[int] = []
        lanes_of: dict[int, int] = {}
        for session in sorted(day.sessions, key=lambda s: (s.starts_at, -s.duration_minutes)):
            local = formatting.local(session.starts_at)
            start = local.hour * 60 + local.minute
            end = min(MINUTES_PER_DAY, start + max(session.duration_minutes, 1))
            if start >= cluster_end:  # a new group: nothing before overlaps it
                for index in cluster:
                    lanes_of[index] = len(lane_ends)
                cluster, lane_ends = [], []
            lane = next((i for i, lane_end in enumerate(lane_ends) if lane_end <= start), None)
            if lane is None:
                lane = len(lane_ends)
                lane_ends.append(end)
            else:
                lane_ends[lane] = end
            cluster.append(len(placed))
            cluster_end = max(cluster_end, end)
            placed.append((session, start, end, lane))
        for index in cluster:
            lanes_of[index] = len(lane_ends)
        for index, (session, start, end, lane) in enumerate(placed):
            blocks.append(
                CalendarBlock(
                    session,
                    column,
                    start,
                    end,
                    lane,
                    lanes_of[index],
                    names(session.client_ids),
                    block_state(session),
                )
            )
    return blocks


class CalendarGrid(QWidget):
    """The painted grid of one day or one week."""

    session_opened = Signal(TherapySession)
    slot_chosen = Signal(datetime)  # a double click on an empty time
    day_chosen = Signal(date)  # a click on a day's heading
    step_requested = Signal(int)  # -1 or +1: Page Up, Page Down
    menu_requested = Signal(TherapySession, QPoint)  # the global position
    selection_moved = Signal(QRect)  # the chosen block, to scroll into view

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "Calendar", "Sessions by day and hour; arrows move between sessions")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMouseTracking(False)
        self.days: tuple[date, ...] = ()
        self.blocks: list[CalendarBlock] = []
        self.selected: int | None = None
        self.today: date | None = None
        self.now: datetime | None = None
        self._first_hour, self._last_hour = FIRST_HOUR, LAST_HOUR
        self._pressed: int | None = None
        self._icons: dict[tuple[str, int, int], QPixmap] = {}
        self._update_minimum()

    # -- what is shown -----------------------------------------------------------------

    def set_period(
        self,
        days: Sequence[date],
        blocks: list[CalendarBlock],
        today: date,
        now: datetime,
        keep: str | None = None,
    ) -> None:
        """Show `blocks` over `days`; `keep` is a session id to choose again if still there."""
        self.days = tuple(days)
        self.blocks = blocks
        self.today, self.now = today, now
        starts = [block.start for block in blocks]
        ends = [block.end for block in blocks]
        self._first_hour = min([FIRST_HOUR, *(start // 60 for start in starts)])
        self._last_hour = max([LAST_HOUR, *(math.ceil(end / 60) for end in ends)])
        self.selected = None
        if keep is not None:
            self.selected = next(
                (i for i, block in enumerate(blocks) if block.session.id == keep), None
            )
        self._selection_changed()
        self._update_minimum()
        self.update()

    def clear(self) -> None:
        self.set_period((), [], date.today(), datetime.now().astimezone())
        self.today = self.now = None

    def selected_session(self) -> TherapySession | None:
        return None if self.selected is None else self.blocks[self.selected].session

    def select_session(self, session_id: str) -> bool:
        for index, block in enumerate(self.blocks):
            if block.session.id == session_id:
                self._select(index)
                return True
        return False

    # -- geometry ------------------------------------------------------------------------

    def _header_height(self) -> int:
        return QFontMetrics(self.font()).height() * 2 + 10

    def _hours(self) -> int:
        return max(1, self._last_hour - self._first_hour)

    def _update_minimum(self) -> None:
        self.setMinimumHeight(self._header_height() + self._hours() * MIN_HOUR_HEIGHT + 2)

    def sizeHint(self) -> QSize:
        return QSize(900, self._header_height() + self._hours() * 48)

    def _hour_height(self) -> float:
        spare = self.height() - self._header_height() - 2
        return max(float(MIN_HOUR_HEIGHT), spare / self._hours())

    def _columns(self) -> list[tuple[float, float]]:
        """(left, width) of each day; an empty Saturday or Sunday takes half the room."""
        if not self.days:
            return []
        busy = {block.column for block in self.blocks}
        weights = [
            0.5 if day.weekday() >= 5 and index not in busy and len(self.days) > 1 else 1.0
            for index, day in enumerate(self.days)
        ]
        unit = (self.width() - GUTTER_WIDTH - 1) / sum(weights)
        columns, left = [], float(GUTTER_WIDTH)
        for weight in weights:
            columns.append((left, unit * weight))
            left += unit * weight
        return columns

    def _y_of(self, minutes: float) -> float:
        return self._header_height() + (minutes - self._first_hour * 60) / 60 * self._hour_height()

    def block_rect(self, index: int, columns: list[tuple[float, float]] | None = None) -> QRectF:
        block = self.blocks[index]
        left, width = (columns or self._columns())[block.column]
        lane_width = (width - 4) / block.lanes
        top = self._y_of(block.start)
        height = max(self._y_of(block.end) - top, 16.0)
        return QRectF(left + 2 + lane_width * block.lane, top + 1, lane_width - 2, height - 2)

    def block_at(self, point: QPointF | QPoint) -> int | None:
        columns = self._columns()
        for index in range(len(self.blocks) - 1, -1, -1):  # the last painted is on top
            if self.block_rect(index, columns).contains(QPointF(point)):
                return index
        return None

    def _column_at(self, x: float) -> int | None:
        for index, (left, width) in enumerate(self._columns()):
            if left <= x < left + width:
                return index
        return None

    def slot_at(self, point: QPointF | QPoint) -> datetime | None:
        """The quarter hour under `point`, on the computer's clock; None off the grid."""
        column = self._column_at(point.x())
        if column is None or point.y() < self._header_height():
            return None
        minutes = (point.y() - self._header_height()) / self._hour_height() * 60
        minutes += self._first_hour * 60
        minutes = int(minutes // SLOT_MINUTES * SLOT_MINUTES)
        if not 0 <= minutes < MINUTES_PER_DAY:
            return None
        local = datetime.combine(self.days[column], time()) + timedelta(minutes=minutes)
        return local.astimezone()

    # -- painting ----------------------------------------------------------------------------

    def _icon(self, name: str, size: int, colour: QColor) -> QPixmap:
        key = (name, size, colour.rgba())
        if key not in self._icons:
            self._icons[key] = icon(name, colour).pixmap(size, size)
        return self._icons[key]

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            self._paint(painter)
        finally:
            painter.end()

    def _paint(self, painter: QPainter) -> None:
        palette = self.palette()
        painter.fillRect(self.rect(), palette.color(QPalette.ColorRole.Base))
        columns = self._columns()
        self._paint_hours(painter, palette, columns)
        self._paint_headings(painter, palette, columns)
        # Only the blocks' rounded corners need smoothing; straight lines are drawn crisp.
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, self.font().pointSizeF() * 0.9))
        bold = QFont(small)
        bold.setBold(True)
        fonts = (small, bold, QFontMetrics(small), QFontMetrics(bold))
        for index in range(len(self.blocks)):
            self._paint_block(painter, palette, index, self.block_rect(index, columns), fonts)
        self._paint_now(painter, palette, columns)

    def _paint_hours(
        self, painter: QPainter, palette: QPalette, columns: list[tuple[float, float]]
    ) -> None:
        # Opaque colours mixed here: a translucent line across the page costs ten times more.
        base, mid = palette.color(QPalette.ColorRole.Base), palette.color(QPalette.ColorRole.Mid)
        line, faint = _mix(base, mid, 0.35), _mix(base, mid, 0.14)
        weekend = QColor(palette.color(QPalette.ColorRole.AlternateBase))
        top = self._header_height()
        bottom = self._y_of(self._last_hour * 60)
        for index, (left, width) in enumerate(columns):
            if self.days[index].weekday() >= 5:
                painter.fillRect(QRectF(left, top, width, bottom - top), weekend)
        painter.setFont(self.font())
        muted = palette.color(QPalette.ColorRole.PlaceholderText)
        right = self.width() - 1
        for hour in range(self._first_hour, self._last_hour + 1):
            y = round(self._y_of(hour * 60))
            painter.setPen(QPen(line, 1))
            painter.drawLine(GUTTER_WIDTH - 6, y, right, y)
            if hour < self._last_hour:
                half = round(self._y_of(hour * 60 + 30))
                painter.setPen(QPen(faint, 1))
                painter.drawLine(GUTTER_WIDTH, half, right, half)
                painter.setPen(muted)
                painter.drawText(
                    QRectF(0, y + 2, GUTTER_WIDTH - 10, 20),
                    int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop),
                    f"{hour:02d}:00",
                )
        painter.setPen(QPen(line, 1))
        for left, _width in columns:
            painter.drawLine(round(left), top - 4, round(left), round(bottom))

    def _paint_headings(
        self, painter: QPainter, palette: QPalette, columns: list[tuple[float, float]]
    ) -> None:
        heading_height = self._header_height()
        text = palette.color(QPalette.ColorRole.Text)
        accent = palette.color(QPalette.ColorRole.Highlight)
        single = len(self.days) == 1
        for index, (left, width) in enumerate(columns):
            day = self.days[index]
            font = QFont(self.font())
            is_today = day == self.today
            font.setBold(is_today)
            painter.setFont(font)
            painter.setPen(accent if is_today else text)
            label = formatting.long_day(day) if single else f"{day:%a}\n{day.day} {day:%b}"
            metrics = QFontMetrics(font)
            lines = [
                metrics.elidedText(part, Qt.TextElideMode.ElideRight, int(width) - 4)
                for part in label.split("\n")
            ]
            painter.drawText(
                QRectF(left, 4, width, heading_height - 8),
                int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter),
                "\n".join(lines),
            )

    def _paint_now(
        self, painter: QPainter, palette: QPalette, columns: list[tuple[float, float]]
    ) -> None:
        if self.now is None or self.today not in self.days:
            return
        local = formatting.local(self.now)
        minutes = local.hour * 60 + local.minute
        if not self._first_hour * 60 <= minutes <= self._last_hour * 60:
            return
        left, width = columns[self.days.index(self.today)]
        y = self._y_of(minutes)
        colour = palette.color(QPalette.ColorRole.Highlight)
        painter.setPen(QPen(colour, 2))
        painter.drawLine(QPointF(left, y), QPointF(left + width, y))
        painter.setBrush(colour)
        painter.drawEllipse(QPointF(left + 3, y), 3.5, 3.5)
        painter.setBrush(Qt.BrushStyle.NoBrush)

    def _paint_block(
        self,
        painter: QPainter,
        palette: QPalette,
        index: int,
        rect: QRectF,
        fonts: tuple[QFont, QFont, QFontMetrics, QFontMetrics],
    ) -> None:
        block = self.blocks[index]
        small, bold, small_metrics, bold_metrics = fonts
        accent = palette.color(QPalette.ColorRole.Highlight)
        text = palette.color(QPalette.ColorRole.Text)
        muted = palette.color(QPalette.ColorRole.PlaceholderText)
        quiet = block.state in NOT_HAPPENING
        chosen = index == self.selected
        # Opaque: the hour lines stop at a block's edge instead of running through its words.
        base = palette.color(QPalette.ColorRole.Base)
        if chosen:
            fill = _mix(base, accent, 0.42 if self.hasFocus() else 0.32)
        elif quiet:
            fill = _mix(base, palette.color(QPalette.ColorRole.Mid), 0.12)
        else:
            fill = _mix(base, accent, 0.18)
        border = QColor(muted if quiet else accent)
        if rect.width() < 12 and not chosen:
            # A sliver among many overlaps: a plain bar, quick to fill, says all it can.
            painter.fillRect(rect, border if not quiet else fill)
            return
        pen = QPen(accent if chosen else border, 2.5 if chosen else 1.2)
        if block.state in (BlockState.CANCELLED, BlockState.LATE_CANCELLED) and not chosen:
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(fill)
        painter.drawRoundedRect(rect, 4, 4)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        if not quiet:
            painter.fillRect(QRectF(rect.left(), rect.top() + 2, 3, rect.height() - 4), accent)
        inner = rect.adjusted(6, 2, -3, -1)
        if inner.width() < 14 or inner.height() < 10:
            return  # too narrow for words: the tooltip and the keyboard still tell it all
        marks = self._marks(block)
        icon_size = max(10, min(14, small_metrics.height() - 1))
        marks_width = len(marks) * (icon_size + 2)
        colour = muted if quiet else text
        for number, name in enumerate(marks):
            x = inner.right() - (number + 1) * (icon_size + 2) + 2
            if x > inner.left() + 20:
                painter.drawPixmap(QPointF(x, inner.top() + 1), self._icon(name, icon_size, colour))
        start = formatting.local(block.session.starts_at)
        when = f"{start:%H:%M}"
        line_height = small_metrics.height()
        lines: list[tuple[QFont, QFontMetrics, str, float]] = []
        if len(self.days) == 1:
            first = f"{formatting.span(block.session.starts_at, block.session.duration_minutes)}"
            lines.append((bold, bold_metrics, f"{first}  {block.names}", marks_width))
            lines.append((small, small_metrics, f"{block.kind} · {block.state.value}", 0))
        else:
            lines.append((bold, bold_metrics, f"{when}  {block.kind}", marks_width))
            lines.append((small, small_metrics, block.names, 0))
            if quiet:
                lines.append((small, small_metrics, block.state.value, 0))
        painter.setPen(colour)
        y = inner.top()
        for font, metrics, words, reserve in lines:
            if y + line_height > inner.bottom() + 3 and y > inner.top():
                break
            painter.setFont(font)
            width = int(inner.width() - reserve)
            shown = metrics.elidedText(words, Qt.TextElideMode.ElideRight, max(width, 0))
            if quiet and font is bold:
                font_struck = QFont(font)
                font_struck.setStrikeOut(block.state is not BlockState.MISSED)
                painter.setFont(font_struck)
            painter.drawText(
                QRectF(inner.left(), y, max(width, 0), line_height),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                shown,
            )
            y += line_height

    @staticmethod
    def _marks(block: CalendarBlock) -> list[str]:
        """Icon names drawn at the block's top right, rightmost first."""
        marks = []
        if block.state is BlockState.ATTENDED:
            marks.append("attended")
        elif block.state in NOT_HAPPENING:
            marks.append("cancelled")
        if block.recurring:
            marks.append("repeat")
        return marks

    # -- choosing ---------------------------------------------------------------------------

    def _selection_changed(self) -> None:
        if self.selected is None:
            self.setAccessibleDescription("Sessions by day and hour; arrows move between sessions")
            return
        self.setAccessibleDescription(self.blocks[self.selected].describe())

    def _select(self, index: int | None) -> None:
        if index == self.selected:
            return
        self.selected = index
        self._selection_changed()
        self.update()
        if index is not None:
            self.selection_moved.emit(self.block_rect(index).toAlignedRect())

    def _nearest_in(self, column: int, minutes: int) -> int | None:
        candidates = [i for i, block in enumerate(self.blocks) if block.column == column]
        if not candidates:
            return None
        return min(candidates, key=lambda i: (abs(self.blocks[i].start - minutes), i))

    def _step_days(self, direction: int) -> int | None:
        current = self.blocks[self.selected] if self.selected is not None else None
        column = current.column if current else (0 if direction > 0 else len(self.days) - 1)
        minutes = current.start if current else 9 * 60
        column += direction if current else 0
        while 0 <= column < len(self.days):
            found = self._nearest_in(column, minutes)
            if found is not None:
                return found
            column += direction
        return self.selected

    def _first_today(self) -> int:
        for index, block in enumerate(self.blocks):
            if self.today is not None and self.days[block.column] >= self.today:
                return index
        return 0

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        count = len(self.blocks)
        if key in (Qt.Key.Key_PageUp, Qt.Key.Key_PageDown):
            self.step_requested.emit(-1 if key == Qt.Key.Key_PageUp else 1)
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.selected is not None:
                self.session_opened.emit(self.blocks[self.selected].session)
            return
        if not count or key not in _MOVES:
            super().keyPressEvent(event)
            return
        if self.selected is None and key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self._select(self._first_today())
        elif key == Qt.Key.Key_Up:
            self._select(max(0, (self.selected or 0) - 1))
        elif key == Qt.Key.Key_Down:
            self._select(min(count - 1, (self.selected or 0) + 1))
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            self._select(self._step_days(-1 if key == Qt.Key.Key_Left else 1))
        elif key == Qt.Key.Key_Home:
            self._select(0)
        elif key == Qt.Key.Key_End:
            self._select(count - 1)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        if self.selected is None and self.blocks:
            self._select(self._first_today())
        self.update()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.update()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        point = event.position()
        index = self.block_at(point)
        self._pressed = None
        if index is not None:
            self._select(index)
            if event.button() == Qt.MouseButton.LeftButton:
                self._pressed = index
        elif point.y() < self._header_height() and event.button() == Qt.MouseButton.LeftButton:
            column = self._column_at(point.x())
            if column is not None and len(self.days) > 1:
                self.day_chosen.emit(self.days[column])
        self.setFocus(Qt.FocusReason.MouseFocusReason)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        pressed, self._pressed = self._pressed, None
        if (
            pressed is not None
            and event.button() == Qt.MouseButton.LeftButton
            and self.block_at(event.position()) == pressed
        ):
            self.session_opened.emit(self.blocks[pressed].session)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton or self.block_at(event.position()):
            return
        slot = self.slot_at(event.position())
        if slot is not None:
            self.slot_chosen.emit(slot)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        if event.reason() == QContextMenuEvent.Reason.Mouse:
            index = self.block_at(event.pos())
            if index is not None:
                self._select(index)
        if self.selected is None:
            return
        if event.reason() == QContextMenuEvent.Reason.Mouse:
            where = event.globalPos()
        else:
            where = self.mapToGlobal(self.block_rect(self.selected).center().toPoint())
        self.menu_requested.emit(self.blocks[self.selected].session, where)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            index = self.block_at(event.pos())
            if index is None:
                QToolTip.hideText()
            else:
                QToolTip.showText(event.globalPos(), self.blocks[index].describe(), self)
            return True
        return super().event(event)


def _mix(base: QColor, other: QColor, fraction: float) -> QColor:
    """`other` laid over `base` at `fraction` opacity, as one opaque colour."""
    return QColor(
        round(base.red() + (other.red() - base.red()) * fraction),
        round(base.green() + (other.green() - base.green()) * fraction),
        round(base.blue() + (other.blue() - base.blue()) * fraction),
    )


_MOVES = frozenset(
    {
        Qt.Key.Key_Up,
        Qt.Key.Key_Down,
        Qt.Key.Key_Left,
        Qt.Key.Key_Right,
        Qt.Key.Key_Home,
        Qt.Key.Key_End,
    }
)
