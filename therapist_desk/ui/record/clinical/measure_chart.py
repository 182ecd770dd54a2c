"""Charts of outcome measures over time: one line per series, severity bands shaded behind.

A chart is built once and then fed new points (`show_series`): opening another
client replaces the data of the charts already on screen instead of building
new ones, which keeps opening a record quick. Colours come from the palette
(light or dark) when a chart is shown, and the band shades are soft enough
that the line always reads on top of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from PySide6.QtCharts import (
    QAreaSeries,
    QCategoryAxis,
    QChart,
    QChartView,
    QDateTimeAxis,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import QDateTime, QEvent, QMargins, QPointF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QCursor,
    QFont,
    QFontMetrics,
    QGuiApplication,
    QPainter,
    QPalette,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import QGridLayout, QToolTip, QWidget

from therapist_desk.clinical import scoring
from therapist_desk.clinical.measures import Point, Series
from therapist_desk.clinical.scoring import Band
from therapist_desk.domain.vocabulary import MeasureKind
from therapist_desk.ui.common import formatting, theme
from therapist_desk.ui.common.widgets import empty_state

# Band shades from the mildest to the most severe, soft enough for the line to read on top.
BAND_SHADES_LIGHT = ("#e4f2e4", "#eef3da", "#fbf1d5", "#fbe4d2", "#f7d9d9")
BAND_SHADES_DARK = ("#22342a", "#2f3826", "#3d3624", "#432f24", "#472628")
LINE_LIGHT = "#1f5fa8"
LINE_DARK = "#8ab4f8"
#: A chart with one measurement still spans a few weeks, so the point is not on the edge.
SINGLE_POINT_SPAN = timedelta(days=21)
COMPACT_HEIGHT = 190
FULL_HEIGHT = 250
#: Below this width a compact chart shortens "Moderately severe" so the plot keeps its room.
FULL_BAND_NAMES_WIDTH = 300

_TICK_INTERVAL = {
    MeasureKind.PHQ9: 5,
    MeasureKind.GAD7: 5,
    MeasureKind.SCALE: 2,
    MeasureKind.SUDS: 20,
}


def _moment(day: date) -> float:
    """Where a date sits on the time axis: noon local time, in milliseconds."""
    return datetime.combine(day, time(12)).astimezone().timestamp() * 1000


def _day_of(milliseconds: float) -> date:
    return datetime.fromtimestamp(milliseconds / 1000).astimezone().date()


def band_shades(count: int) -> list[str]:
    """`count` shades, mildest first, spread over the palette's scale."""
    shades = BAND_SHADES_DARK if theme.is_dark() else BAND_SHADES_LIGHT
    if count <= 1:
        return [shades[0]] * count
    step = (len(shades) - 1) / (count - 1)
    return [shades[round(index * step)] for index in range(count)]


def describe(series: Series) -> str:
    """The chart in a sentence, for screen readers and the tooltip of the chart itself."""
    points = series.points
    if not points:
        return f"{series.title}: no measurements."
    latest = points[-1]
    band = scoring.band_of(series.kind, latest.value) if series.bands else None
    value = f"{latest.value} ({band.label})" if band else str(latest.value)
    count = len(points)
    return (
        f"{series.title}: {count} measurement{'s' if count != 1 else ''} from "
        f"{formatting.day(points[0].taken_on)} to {formatting.day(latest.taken_on)}; "
        f"latest {value}."
    )


class MeasureChart(QChartView):
    """One series over time: the line with its points, dates below, bands behind."""

    def __init__(self, *, compact: bool = False, parent: QWidget | None = None) -> None:
        self.chart_ = QChart()
        super().__init__(self.chart_, parent)
        self.compact = compact
        self.series: Series | None = None
        chart = self.chart_
        chart.legend().hide()
        chart.setBackgroundRoundness(0)
        self._margins = QMargins(4, 2, 4, 2) if compact else QMargins(8, 4, 8, 4)
        chart.setMargins(self._margins)
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        self.line = QLineSeries()
        self.line.setPointsVisible(True)
        self.line.setMarkerSize(5.0 if compact else 6.0)
        self.line.hovered.connect(self._hovered)
        self.axis_x = QDateTimeAxis()
        self.axis_x.setFormat("d MMM yy")
        self.axis_x.setTickCount(4 if compact else 6)
        self.axis_y = QValueAxis()
        self.axis_y.setLabelFormat("%d")
        self.axis_y.setTickType(QValueAxis.TickType.TicksDynamic)
        self.axis_y.setTickAnchor(0)
        self.axis_y.setMinorTickCount(0)
        #: The band names beside the bands, on the right.
        self.axis_bands = QCategoryAxis()
        self.axis_bands.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionCenter)
        self.axis_bands.setGridLineVisible(False)
        self.axis_bands.setLineVisible(False)
        self.axis_bands.setTruncateLabels(False)
        chart.addAxis(self.axis_x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(self.axis_y, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(self.axis_bands, Qt.AlignmentFlag.AlignRight)
        #: One shaded area per band; their edges are QLineSeries owned by the chart.
        self._areas: list[tuple[QAreaSeries, QLineSeries, QLineSeries]] = []
        self._bands: tuple[Band, ...] = ()
        #: Whether the band names are shortened for want of width (compact charts only).
        self._short_names = False
        chart.addSeries(self.line)
        self.line.attachAxis(self.axis_x)
        self.line.attachAxis(self.axis_y)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a picture; its words are in the description
        self.setMinimumHeight(COMPACT_HEIGHT if compact else FULL_HEIGHT)
        self.setMaximumHeight(COMPACT_HEIGHT if compact else FULL_HEIGHT)
        self.setMinimumWidth(260)
        self._apply_palette()

    # -- data ------------------------------------------------------------------------------

    def show_series(self, series: Series) -> None:
        """Show `series`, replacing whatever the chart showed (its axes and bands too)."""
        self.series = series
        self.setAccessibleName(f"{series.title} chart")
        description = describe(series)
        self.setAccessibleDescription(description)
        self.setToolTip(description)
        self.chart_.setTitle(self._title(series))
        self.axis_y.setRange(series.lowest, series.highest)
        self.axis_y.setTickInterval(_TICK_INTERVAL[series.kind])
        if series.bands != self._bands:
            self._set_bands(series)
        start, end = self._span(series.points)
        self.axis_x.setRange(
            QDateTime.fromMSecsSinceEpoch(round(start)), QDateTime.fromMSecsSinceEpoch(round(end))
        )
        for (_area, upper, lower), band in zip(self._areas, self._bands, strict=True):
            top, bottom = self._band_edges(series, band)
            upper.replace([QPointF(start, top), QPointF(end, top)])
            lower.replace([QPointF(start, bottom), QPointF(end, bottom)])
        self.line.replace(
            [QPointF(_moment(point.taken_on), point.value) for point in series.points]
        )

    def values(self) -> list[tuple[date, int]]:
        """What the line shows, oldest first: (date, value) for each point."""
        return [(_day_of(point.x()), round(point.y())) for point in self.line.points()]

    def band_labels(self) -> list[str]:
        return list(self.axis_bands.categoriesLabels())

    def _title(self, series: Series) -> str:
        if not series.points:
            return series.title
        latest = series.points[-1]
        band = scoring.band_of(series.kind, latest.value) if series.bands else None
        value = f"{latest.value} {band.label.lower()}" if band else str(latest.value)
        if self.compact:  # the date of the latest point is on the axis below
            return f"{series.title} · latest {value}"
        return f"{series.title} · latest {value} ({formatting.day(latest.taken_on)})"

    @staticmethod
    def _span(points: Sequence[Point]) -> tuple[float, float]:
        if not points:
            today = date.today()
            return _moment(today - SINGLE_POINT_SPAN), _moment(today)
        first, last = points[0].taken_on, points[-1].taken_on
        if first == last:
            return _moment(first - SINGLE_POINT_SPAN), _moment(last + SINGLE_POINT_SPAN)
        pad = max((last - first) / 30, timedelta(days=2))
        return _moment(first - pad), _moment(last + pad)

    @staticmethod
    def _band_edges(series: Series, band: Band) -> tuple[float, float]:
        # Bands are whole-number ranges (0–4, 5–9): shade half a point either side so
        # neighbouring bands meet without a gap.
        top = min(band.high + 0.5, series.highest)
        bottom = max(band.low - 0.5, series.lowest)
        return top, bottom

    def _set_bands(self, series: Series) -> None:
        chart = self.chart_
        for area, upper, lower in self._areas:
            chart.removeSeries(area)
            area.deleteLater()
            upper.deleteLater()
            lower.deleteLater()
        self._areas = []
        for label in list(self.axis_bands.categoriesLabels()):
            self.axis_bands.remove(label)
        self._bands = series.bands
        self.axis_bands.setVisible(bool(series.bands))
        if not series.bands:
            self.chart_.setMargins(self._margins)
            return
        # The line is drawn last, on top of the bands.
        chart.removeSeries(self.line)
        self.axis_bands.setStartValue(series.lowest)
        for band in series.bands:
            upper, lower = QLineSeries(chart), QLineSeries(chart)
            area = QAreaSeries(upper, lower)
            area.setName(band.label)
            area.setPen(QPen(Qt.PenStyle.NoPen))
            chart.addSeries(area)
            area.attachAxis(self.axis_x)
            area.attachAxis(self.axis_y)
            self._areas.append((area, upper, lower))
            self.axis_bands.append(self._band_label(band), self._band_edges(series, band)[0])
        # An axis is drawn only with a series on it: the bands carry their own names.
        for area, _upper, _lower in self._areas:
            area.attachAxis(self.axis_bands)
        self.axis_bands.setRange(series.lowest, series.highest)
        chart.addSeries(self.line)
        self.line.attachAxis(self.axis_x)
        self.line.attachAxis(self.axis_y)
        self._apply_palette()
        self._make_room_for_band_names()

    def _band_label(self, band: Band) -> str:
        if self._short_names:
            return band.label.replace("Moderately", "Mod.")
        return band.label

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        short = self.compact and event.size().width() < FULL_BAND_NAMES_WIDTH
        if short == self._short_names:
            return
        old = [self._band_label(band) for band in self._bands]
        self._short_names = short
        for was, band in zip(old, self._bands, strict=True):
            now = self._band_label(band)
            if now != was:
                self.axis_bands.replaceLabel(was, now)
        self._make_room_for_band_names()

    def _make_room_for_band_names(self) -> None:
        """Widen the right margin so the longest band name shows whole.

        Qt Charts sizes the band axis here for a name of about "Moderate" and lets a
        longer one run off the chart's edge; the margin takes up the difference.
        """
        metrics = QFontMetrics(self.axis_bands.labelsFont())
        longest = max(
            (metrics.horizontalAdvance(self._band_label(band)) for band in self._bands), default=0
        )
        extra = max(0, longest - metrics.horizontalAdvance("Moderate"))
        margins = QMargins(self._margins)
        margins.setRight(margins.right() + extra)
        self.chart_.setMargins(margins)

    # -- looks -------------------------------------------------------------------------------

    def _apply_palette(self) -> None:
        palette = QGuiApplication.palette()
        text = palette.color(QPalette.ColorRole.Text)
        muted = palette.color(QPalette.ColorRole.PlaceholderText)
        grid = QColor(palette.color(QPalette.ColorRole.Mid))
        grid.setAlpha(110)
        chart = self.chart_
        chart.setBackgroundBrush(QBrush(palette.color(QPalette.ColorRole.Base)))
        chart.setBackgroundPen(QPen(palette.color(QPalette.ColorRole.Mid)))
        chart.setTitleBrush(QBrush(text))
        title_font = QFont(chart.titleFont())
        title_font.setPointSizeF(9.5 if self.compact else 10.5)
        title_font.setBold(True)
        chart.setTitleFont(title_font)
        label_font = QFont()
        label_font.setPointSizeF(8 if self.compact else 8.5)
        for axis in (self.axis_x, self.axis_y, self.axis_bands):
            axis.setLabelsBrush(QBrush(muted if axis is self.axis_bands else text))
            axis.setLabelsFont(label_font)
            axis.setGridLineColor(grid)
            axis.setLinePenColor(grid)
        self.axis_x.setGridLineVisible(False)
        colour = QColor(LINE_DARK if theme.is_dark() else LINE_LIGHT)
        pen = QPen(colour)
        pen.setWidthF(2.0)
        self.line.setPen(pen)
        self.line.setColor(colour)
        self.line.setBrush(QBrush(colour))
        for (area, _upper, _lower), shade in zip(
            self._areas, band_shades(len(self._areas)), strict=True
        ):
            area.setBrush(QBrush(QColor(shade)))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._apply_palette()  # the system switched between light and dark

    def _hovered(self, point: QPointF, state: bool) -> None:
        series = self.series
        if not state or series is None or not series.points:
            QToolTip.hideText()
            return
        day = _day_of(point.x())
        nearest = min(series.points, key=lambda p: abs((p.taken_on - day).days))
        band = scoring.band_of(series.kind, nearest.value) if series.bands else None
        value = f"{nearest.value} ({band.label})" if band else str(nearest.value)
        QToolTip.showText(QCursor.pos(), f"{formatting.day(nearest.taken_on)}: {value}", self)


class ChartGrid(QWidget):
    """Charts in a grid; the charts are kept and refilled for each client.

    With `min_chart_width` the grid flows: as many columns as fit that width, up to
    `columns`, so the charts use the page's width whatever the window's size.
    """

    def __init__(
        self,
        empty_text: str,
        *,
        columns: int,
        compact: bool,
        min_chart_width: int = 0,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._most_columns = columns
        self._columns = columns
        self._min_chart_width = min_chart_width
        self._compact = compact
        self.charts: list[MeasureChart] = []
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setSpacing(8)
        self.empty = empty_state(empty_text)
        self._grid.addWidget(self.empty, 0, 0, 1, columns)
        self._stretch_columns()

    @property
    def columns(self) -> int:
        """How many charts sit side by side now."""
        return self._columns

    def _stretch_columns(self) -> None:
        for column in range(self._most_columns):
            self._grid.setColumnStretch(column, 1 if column < self._columns else 0)

    def _columns_for(self, width: int) -> int:
        if self._min_chart_width <= 0:
            return self._most_columns
        spacing = self._grid.spacing()
        fitting = (width + spacing) // (self._min_chart_width + spacing)
        return max(1, min(self._most_columns, fitting))

    def _place(self) -> None:
        for index, chart in enumerate(self.charts):
            self._grid.removeWidget(chart)
            self._grid.addWidget(chart, 1 + index // self._columns, index % self._columns)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        columns = self._columns_for(event.size().width())
        if columns != self._columns:
            self._columns = columns
            self._stretch_columns()
            self._place()

    def show_series(self, series: Sequence[Series]) -> None:
        while len(self.charts) < len(series):
            chart = MeasureChart(compact=self._compact)
            index = len(self.charts)
            self._grid.addWidget(chart, 1 + index // self._columns, index % self._columns)
            self.charts.append(chart)
        for chart, one in zip(self.charts, series, strict=False):
            chart.show_series(one)
            chart.show()
        for chart in self.charts[len(series) :]:
            chart.hide()
        self.empty.setVisible(not series)

    def visible_charts(self) -> list[MeasureChart]:
        return [chart for chart in self.charts if not chart.isHidden()]

    def chart_titled(self, title: str) -> MeasureChart:
        """The chart of the series with this title ("PHQ-9", "SUDS: riding the bus")."""
        for chart in self.visible_charts():
            if chart.series is not None and chart.series.title == title:
                return chart
        raise KeyError(title)

    def clear(self) -> None:
        self.show_series([])
