"""The two plots of the statistics: the calibration (reliability) diagram and the histogram of
row losses.

* :class:`CalibrationPlot`: the observed frequency of class 1 against the mean predicted p in
  10 bins of p, with the diagonal of perfect calibration, each bin's row count as a bar along
  the foot, the ECE, and the CORP curve (the isotonic recalibration, a step line) with its 90%
  consistency band. Clicking a bin asks for its rows to be selected in the table.
* :class:`LossHistogramPlot`: how many rows have each loss, on a log-scaled count axis (a few
  rows of large loss stay visible beside millions of small ones), with the mean marked.

Both draw what :mod:`bce_gui.core.metrics.view` computed; the data are handed to pyqtgraph in
whole arrays. Their size does not grow with the rows (10 bins, at most 512 histogram bars), so
they redraw in the same time at 10 rows and at ten million.
"""

from __future__ import annotations

from contextlib import contextmanager

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QHBoxLayout, QVBoxLayout, QWidget

from ..core.formatting import localize, log_tick_texts
from ..core.metrics.calibration import bin_index
from ..core.metrics.table import TableInsight
from ..core.metrics.view import HistogramView, ReliabilityView, histogram_view, reliability_view
from . import theme
from .plain_text import rich_text
from .plot_legend import LegendBelow
from .widgets import ElidedLabel, FocusFrame

OBSERVED_COLOR = "#D55E00"  # Okabe–Ito vermillion: the bins' observed frequencies
CORP_COLOR = "#0072B2"  # Okabe–Ito blue: the CORP curve and its band
BAR_COLOR = "#999999"


class _Axis(pg.AxisItem):
    """Tick labels in the window's number style."""

    def tickStrings(self, values, scale, spacing):  # noqa: N802 (pyqtgraph name)
        return [localize(text) for text in super().tickStrings(values, scale, spacing)]

    def logTickStrings(self, values, scale, spacing):  # noqa: N802 (pyqtgraph name)
        """A log-scaled axis here counts rows: no label below one row (0.9 rows means nothing)."""
        texts = log_tick_texts(values, scale)
        return ["" if 10.0 ** v * scale < 1 - 1e-9 else t for v, t in zip(values, texts)]


class _Plot(QWidget):
    """A pyqtgraph plot with a note line above it, coloured from the palette."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot = pg.PlotWidget(self, axisItems={"left": _Axis("left"), "bottom": _Axis("bottom")})
        self.plot.setAccessibleName(name)
        self.plot.setMenuEnabled(False)
        self.plot.focus_frame = FocusFrame(self.plot)  # (Tab stops here: it shows it)
        self.plot.setMinimumSize(160, 120)
        self.item = self.plot.getPlotItem()
        self.item.showGrid(x=True, y=True, alpha=0.2)
        for name in ("left", "bottom"):
            self.item.getAxis(name).enableAutoSIPrefix(False)  # 0.2, not 200 (×0.001)
        self.note = ElidedLabel("")
        self.bar = QHBoxLayout()
        self.bar.addWidget(self.note, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.bar)
        layout.addWidget(self.plot, 1)
        self.result: TableInsight | None = None

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        return QSize(480, 360)

    def _colours(self, palette: QPalette) -> tuple[QColor, QColor]:
        bg = palette.color(QPalette.ColorRole.Base)
        fg = palette.color(QPalette.ColorRole.Text)
        theme.colour_plot(self.plot, self.item, bg, fg)
        theme.set_text_colour(self.note, theme.muted_text(palette))
        return bg, fg

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self.apply_palette(self.palette())

    def apply_palette(self, palette: QPalette) -> None:  # overridden
        self._colours(palette)

    @contextmanager
    def exporting(self):
        """The plot as a document shows it: light colours whatever the window's theme."""
        self.apply_palette(QApplication.style().standardPalette())
        try:
            yield self.plot
        finally:
            self.apply_palette(self.palette())


class CalibrationPlot(_Plot):
    """The reliability diagram of the latest statistics (see the module docstring)."""

    #: A bin was clicked: its index (0..9).
    binClicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Calibration diagram", parent)
        item = self.item
        item.setLabel("bottom", "Predicted probability of class 1 (mean p per bin)")
        item.setLabel("left", "Observed frequency of class 1")
        self.legend = item.addLegend(labelTextSize="9pt")
        self.bars = pg.BarGraphItem(x=[], height=[], width=0.09, brush=pg.mkBrush(BAR_COLOR))
        item.addItem(self.bars)
        self.diagonal = item.plot([0, 1], [0, 1], name="perfectly calibrated")
        self.band_low = pg.PlotCurveItem([], [])
        self.band_high = pg.PlotCurveItem([], [])
        self.band = pg.FillBetweenItem(self.band_low, self.band_high)
        item.addItem(self.band_low)
        item.addItem(self.band_high)
        item.addItem(self.band)
        # (A legend entry draws its item's pen and fill: a FillBetweenItem has neither, so an
        # empty curve with the band's fill stands for it there.)
        self.band_key = pg.PlotDataItem([], [], pen=None, fillLevel=0.0)
        self.legend.addItem(self.band_key, "90% consistency band")
        self.corp = item.plot([], [], name="CORP: isotonic recalibration")
        self.points = pg.ScatterPlotItem(size=10, symbol="o", hoverable=True, hoverSize=14,
                                         tip=self._tip)
        item.addItem(self.points)
        self.legend.addItem(self.points, "observed, per bin of p (bars: rows)")
        self.legend_band = LegendBelow(item, self.legend)  # under the axes: it covers no bin
        item.setXRange(0.0, 1.0, padding=0.02)
        item.setYRange(0.0, 1.0, padding=0.06)  # (a point at 1.0 shows whole in a short plot)
        item.setMouseEnabled(x=False, y=False)
        item.hideButtons()
        self.view: ReliabilityView | None = None
        self.selected_bin: int | None = None
        self.plot.scene().sigMouseClicked.connect(self._scene_clicked)
        self.plot.scene().sigMouseMoved.connect(self._hover)
        self.apply_palette(self.palette())

    def apply_palette(self, palette: QPalette) -> None:
        bg, fg = self._colours(palette)
        self.colours = {
            "observed": theme.readable(QColor(OBSERVED_COLOR), bg, ratio=theme.GRAPHIC_CONTRAST),
            "corp": theme.readable(QColor(CORP_COLOR), bg, ratio=theme.GRAPHIC_CONTRAST),
            "bar": theme.mix(bg, fg, 0.3), "bar_selected": theme.mix(bg, fg, 0.6), "text": fg,
        }
        self.diagonal.setPen(pg.mkPen(theme.mix(bg, fg, 0.5), width=1, style=Qt.PenStyle.DashLine))
        corp = self.colours["corp"]
        self.corp.setPen(pg.mkPen(corp, width=2))
        band = QColor(corp)
        band.setAlpha(50)
        self.band.setBrush(pg.mkBrush(band))
        self.band_key.setFillBrush(pg.mkBrush(band))
        for curve in (self.band_low, self.band_high):
            curve.setPen(pg.mkPen(None))
        self.points.setBrush(pg.mkBrush(self.colours["observed"]))
        self.points.setPen(pg.mkPen(bg, width=0.8))
        self.legend.setLabelTextColor(fg)
        self._colour_legend()
        self.legend.setBrush(pg.mkBrush(bg))
        self._draw_bars()

    def _colour_legend(self) -> None:
        fg = self.colours["text"]
        for _sample, label in self.legend.items:
            label.setText(label.text, color=fg.name())

    def _fill_legend(self, v: ReliabilityView) -> None:
        """The legend names what is drawn: no band or CORP entry without them (K classes)."""
        self.legend.clear()
        self.legend.addItem(self.diagonal, "perfectly calibrated")
        if v.band_x.size:
            self.legend.addItem(self.band_key, "90% consistency band")
        if v.step_x.size:
            self.legend.addItem(self.corp, "CORP: isotonic recalibration")
        self.legend.addItem(self.points, v.points_label)
        self._colour_legend()

    def set_result(self, result: TableInsight) -> None:
        self.result = result
        self.view = reliability_view(result.insight)
        v = self.view
        self.item.setLabel("bottom", v.x_title)
        self.item.setLabel("left", v.y_title)
        self.points.setData(x=v.x, y=v.y, data=v.bins)
        self.corp.setData(v.step_x, v.step_y)
        self.band_low.setData(v.band_x, v.band_low)
        self.band_high.setData(v.band_x, v.band_high)
        self.band.setVisible(bool(v.band_x.size))
        self._fill_legend(v)
        extra = v.band_text or v.curve_note
        self.note.setText(v.ece_text + (f" · {extra}" if extra else ""))
        self.selected_bin = None
        self._draw_bars()

    def _draw_bars(self) -> None:
        v = self.view
        if v is None:
            return
        filled = np.flatnonzero(v.counts > 0)  # (an empty bin draws nothing, not a flat outline)
        brushes = [pg.mkBrush(self.colours["bar_selected" if b == self.selected_bin else "bar"])
                   for b in filled.tolist()]
        self.bars.setOpts(x=v.bar_center[filled], height=v.bar_height[filled], width=v.bar_width,
                          brushes=brushes)

    # -- clicks and tips ----------------------------------------------------------------------

    def bin_at(self, x: float) -> int | None:
        """The bin under a point of the plot (None outside [0, 1])."""
        if self.view is None or not 0.0 <= x <= 1.0:
            return None
        return int(bin_index(np.array([x]), self.view.counts.size)[0])

    def click_bin(self, b: int) -> None:
        """Select bin ``b`` (what a click on it does)."""
        if self.view is None or not 0 <= b < self.view.counts.size or not self.view.counts[b]:
            return
        self.selected_bin = b
        self._draw_bars()
        self.binClicked.emit(b)

    def _scene_clicked(self, ev) -> None:
        if ev.button() != Qt.MouseButton.LeftButton:
            return
        vb = self.item.getViewBox()
        if not vb.sceneBoundingRect().contains(ev.scenePos()):
            return
        b = self.bin_at(vb.mapSceneToView(ev.scenePos()).x())
        if b is not None:
            self.click_bin(b)

    def _hover(self, pos) -> None:
        vb = self.item.getViewBox()
        b = self.bin_at(vb.mapSceneToView(pos).x()) if vb.sceneBoundingRect().contains(pos) else None
        self.plot.setToolTip(rich_text(self.view.tip(b)) if b is not None and self.view else "")

    def _tip(self, x, y, data) -> str:
        return rich_text(self.view.tip(int(data))) if self.view is not None else ""


class LossHistogramPlot(_Plot):
    """The histogram of the latest statistics' row losses (see the module docstring)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Histogram of row losses", parent)
        item = self.item
        item.setLogMode(x=False, y=True)  # the axis shows 10^k; the bars are given log10 counts
        item.setLabel("left", "Rows (log scale)")
        item.setLabel("bottom", "Row loss (nats)")
        self.bars = pg.BarGraphItem(x0=[], x1=[], y0=[], y1=[])
        item.addItem(self.bars)
        self.mean_line = pg.InfiniteLine(angle=90, movable=False, label="mean",
                                         labelOpts={"position": 0.9})
        item.addItem(self.mean_line)
        self.units = "nats"
        self.view: HistogramView | None = None
        self.plot.scene().sigMouseMoved.connect(self._hover)
        self.apply_palette(self.palette())

    def apply_palette(self, palette: QPalette) -> None:
        bg, fg = self._colours(palette)
        colour = theme.readable(QColor(CORP_COLOR), bg, ratio=theme.GRAPHIC_CONTRAST)
        self.bars.setOpts(brush=pg.mkBrush(colour), pen=pg.mkPen(bg, width=0.5))
        self.mean_line.setPen(pg.mkPen(fg, width=1, style=Qt.PenStyle.DashLine))
        self.mean_line.label.setColor(fg)

    def set_units(self, units: str) -> None:
        self.units = units
        if self.result is not None:
            self.set_result(self.result)

    def set_result(self, result: TableInsight) -> None:
        self.result = result
        v = self.view = histogram_view(result.insight, self.units)
        keep = np.isfinite(v.height)
        self.bars.setOpts(x0=v.left[keep], x1=v.right[keep], y0=v.bottom, y1=v.height[keep])
        self.item.setLabel("bottom", v.x_title)
        if v.mean is not None:
            self.mean_line.setValue(v.mean)
            self.mean_line.label.setFormat(v.mean_text)
        self.mean_line.setVisible(v.mean is not None)
        self.note.setText(v.note)
        top = v.top
        self.item.setXRange(0.0, v.right_end, padding=0.02)
        self.item.setYRange(v.bottom, top, padding=0)

    def _hover(self, pos) -> None:
        v = self.view
        vb = self.item.getViewBox()
        tip = ""
        if v is not None and vb.sceneBoundingRect().contains(pos):
            i = v.bar_at(vb.mapSceneToView(pos).x())
            tip = v.tip(i, self.units) if i is not None else ""
        self.plot.setToolTip(tip)
