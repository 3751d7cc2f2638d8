"""The penalty curve: −ln(p) for class 1 and −ln(1 − p) for class 0, with the observations on it.

Each observation is a point at (p, its row loss) on its class's curve. Points carry their data
row, so a click selects the row in the table, and selected rows are ringed. Curves follow every
option in force (PyTorch's curve flattens at 100, scikit-learn's at 36.04, pos_weight raises the
class-1 curve); what is drawn where is computed in ``core.penalty``, this widget only displays it.

Colours are Okabe–Ito (safe for colour-blind readers), and the classes also differ in symbol.

K classes (a categorical table): one curve, −ln q, where q is the probability the model gave to
the actual class; every row lies on it, coloured (and shaped) by its actual class, eight
Okabe–Ito colours and symbols; past eight classes they repeat and a point's tooltip names its
class. The density past ``MAX_POINTS`` counts the rows in bins of q, whatever their class.

Past ``MAX_POINTS`` observations (pyqtgraph's scatter costs ~2.7 µs a point per ``setData``:
0.27 s at 1e5 points) the plot draws a *density*: because every point lies on its class's curve,
the observations are counted in ``BINS`` bins of p per class and each non-empty bin is one mark
on the curve, its size and opacity growing with its count. The ``WORST_EXACT`` worst rows, the
rows just edited and the selected rows are still drawn exactly, as points that carry their row.
The counts are kept per row (a 2-byte bin code), so an edit moves a row between bins in O(1)
instead of recounting ten million rows; pan and zoom redraw a few thousand marks whatever n is.
"""

from __future__ import annotations

from contextlib import contextmanager

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPalette, QPen
from PySide6.QtWidgets import QApplication, QHBoxLayout, QPushButton, QCheckBox, QVBoxLayout, QWidget

from ..core import row_values
from ..core.compare import row_points
from ..core.formatting import fmt_count, localize, log_tick_texts
from ..core.class_labels import label_text
from ..core.penalty import (
    PlotPoints,
    bin_codes,
    actual_class_probability,
    bin_heights,
    bin_tip,
    categorical_bin_heights,
    categorical_bin_tip,
    categorical_curve,
    categorical_point_tip,
    curves,
    density_levels,
    extreme_prediction,
    log_coordinates,
    lowest_positive,
    plot_points,
    point_tip,
    probability_of_class1,
)
from ..core.row_values import EvaluatedRows
from . import theme
from .document import Document
from .plain_text import rich_text
from .plot_legend import LegendBelow, entry_left_out
from .point_labels import Point, place_labels
from .widgets import ElidedLabel

CLASS1_COLOR = "#0072B2"  # Okabe–Ito blue
CLASS0_COLOR = "#D55E00"  # Okabe–Ito vermillion
MAX_POINTS = 20_000
MAX_SELECTED = 20_000
BINS = 1000
WORST_EXACT = 300
RECENT_EXACT = 200
DENSITY_LEVELS = 6
DENSITY_SIZES = np.linspace(5.0, 16.0, DENSITY_LEVELS)
#: K classes: Okabe–Ito's eight colours (blue, vermillion, bluish green, reddish purple, orange,
#: sky blue, yellow, black) and a symbol each; past eight classes both repeat.
CLASS_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442",
                 "#000000"]
CLASS_SYMBOLS = ["o", "s", "t", "d", "t1", "p", "h", "star"]


def points_of(rows: EvaluatedRows, version: int) -> PlotPoints:
    """Where this plot draws every row of a table (the core's computation with the plot's
    sizes); a pure function of its arguments, so a load runs it on its own thread."""
    return plot_points(rows, version, bins=BINS, max_points=MAX_POINTS, worst=WORST_EXACT)


def _level_brushes(colour: str) -> list:
    c = QColor(colour)
    return [pg.mkBrush(c.red(), c.green(), c.blue(), int(a))
            for a in np.linspace(70, 220, DENSITY_LEVELS)]


class _Axis(pg.AxisItem):
    """Tick labels in the window's number style (0,5 where ',' is the decimal mark)."""

    def tickStrings(self, values, scale, spacing):  # noqa: N802 (pyqtgraph name)
        return [localize(text) for text in super().tickStrings(values, scale, spacing)]

    def logTickStrings(self, values, scale, spacing):  # noqa: N802 (pyqtgraph name)
        return log_tick_texts(values, scale)


class _PlotWidget(pg.PlotWidget):
    """The plot area: double-click resets the view; with the focus (a highlighted frame), the
    arrow keys pan, + and − zoom and Home resets, as the mouse does."""

    doubleClicked = Signal()
    #: The view was panned or zoomed from the keyboard.
    movedByKeys = Signal()
    PAN = 0.1  # of the visible range, per arrow key
    ZOOM = 1.25

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def paintEvent(self, ev):  # noqa: N802 (Qt name)
        super().paintEvent(ev)
        if self.hasFocus():  # the focus frame, drawn over the plot (a border would shrink it)
            painter = QPainter(self.viewport())
            painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Highlight), 2))
            painter.drawRect(self.viewport().rect().adjusted(1, 1, -1, -1))
            painter.end()

    def focusInEvent(self, ev):  # noqa: N802 (Qt name)
        super().focusInEvent(ev)
        self.viewport().update()

    def focusOutEvent(self, ev):  # noqa: N802 (Qt name)
        super().focusOutEvent(ev)
        self.viewport().update()

    def mouseDoubleClickEvent(self, ev):  # noqa: N802 (Qt name)
        super().mouseDoubleClickEvent(ev)
        self.doubleClicked.emit()

    def keyPressEvent(self, ev):  # noqa: N802 (Qt name)
        key, K = ev.key(), Qt.Key
        vb = self.getPlotItem().getViewBox()
        (x0, x1), (y0, y1) = vb.viewRange()
        pans = {K.Key_Left: (-1, 0), K.Key_Right: (1, 0), K.Key_Up: (0, 1), K.Key_Down: (0, -1)}
        if ev.modifiers() & ~Qt.KeyboardModifier.KeypadModifier & ~Qt.KeyboardModifier.ShiftModifier:
            super().keyPressEvent(ev)  # Ctrl+…: the window's shortcuts
        elif key in pans:
            dx, dy = pans[key]
            vb.translateBy(x=dx * self.PAN * (x1 - x0), y=dy * self.PAN * (y1 - y0))
            self.movedByKeys.emit()
        elif key in (K.Key_Plus, K.Key_Equal, K.Key_Minus, K.Key_Underscore):
            factor = 1 / self.ZOOM if key in (K.Key_Plus, K.Key_Equal) else self.ZOOM
            vb.scaleBy((factor, factor))
            self.movedByKeys.emit()
        elif key == K.Key_Home:
            self.doubleClicked.emit()
        else:
            super().keyPressEvent(ev)


class PenaltyPlot(QWidget):
    """The plot widget and its small toolbar (log axis toggle, reset view)."""

    #: A point was clicked: its data row.
    rowClicked = Signal(int)

    def __init__(self, doc: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = doc
        self.units = "nats"
        self._selected = np.empty(0, dtype=np.int64)
        self._y_top = 5.0
        self._y_low = 1e-4  # the smallest positive loss drawn: the bottom of a log-scaled view
        self._density = False
        self._codes = np.empty(0, dtype=np.int16)  # per row: bin + BINS * (class 0), -1 not drawn
        self._counts = np.zeros(2 * BINS, dtype=np.int64)
        self._exact_rows = np.empty(0, dtype=np.int64)  # the worst rows, drawn exactly
        self._points: PlotPoints | None = None  # the last full computation (see refresh)
        self._recent: list[int] = []  # rows edited since the last full refresh, drawn exactly
        self._full_needed = True
        self._categorical = False  # K classes: one curve, points coloured by class

        pg.setConfigOptions(antialias=True, background="w", foreground="k")
        self.plot = _PlotWidget(self, axisItems={"left": _Axis("left"), "bottom": _Axis("bottom")})
        self.plot.setAccessibleName("Penalty curve plot")
        item = self.plot.getPlotItem()
        item.setLabel("bottom", "Predicted probability of class 1 (p)")
        item.setLabel("left", "Loss (nats)")
        item.showGrid(x=True, y=True, alpha=0.2)
        self.legend = item.addLegend(labelTextSize="9pt")
        self.legend_band = LegendBelow(item, self.legend)  # under the axes: it covers no point
        self.curve1 = item.plot(pen=pg.mkPen(CLASS1_COLOR, width=2), name="−ln(p): actual class 1")
        self.curve0 = item.plot(
            pen=pg.mkPen(CLASS0_COLOR, width=2, style=Qt.PenStyle.DashLine),
            name="−ln(1 − p): actual class 0",
        )
        common = dict(hoverable=True, tip=self._tip, pxMode=True)
        self.points1 = pg.ScatterPlotItem(
            size=9, symbol="o", pen=pg.mkPen("w", width=0.8), brush=pg.mkBrush(CLASS1_COLOR),
            hoverSize=13, name="class 1 observations", **common,
        )
        self.points0 = pg.ScatterPlotItem(
            size=9, symbol="s", pen=pg.mkPen("w", width=0.8), brush=pg.mkBrush(CLASS0_COLOR),
            hoverSize=13, name="class 0 observations", **common,
        )
        self.selected = pg.ScatterPlotItem(
            size=17, symbol="o", pen=pg.mkPen("k", width=2.5), brush=pg.mkBrush(None),
            name="selected",
        )
        self._brushes1 = _level_brushes(CLASS1_COLOR)
        self._brushes0 = _level_brushes(CLASS0_COLOR)
        dense = dict(hoverable=True, tip=self._tip, pxMode=True, pen=None, hoverSize=14)
        self.density1 = pg.ScatterPlotItem(symbol="o", brush=self._brushes1[-1],
                                           name="class 1, many rows (size = count)", **dense)
        self.density0 = pg.ScatterPlotItem(symbol="s", brush=self._brushes0[-1],
                                           name="class 0, many rows (size = count)", **dense)
        # Several models (issue 12): the selected row's point under each model, joined by a line.
        self.pair_line = pg.PlotCurveItem()
        self.pair_points = pg.ScatterPlotItem(size=12, symbol="d", pxMode=True)
        self.pair_labels: list[pg.TextItem] = []
        self._pair: list[tuple[str, float, float]] = []  # (name, x, y drawn) of each model
        self._pair_placed: list = []
        item.getViewBox().sigTransformChanged.connect(self._label_pair)
        # Rows with an infinite loss (p = 0 for their actual class) sit at the top edge of the
        # view: an open triangle over each and "∞" say that they are off the scale.
        self.infinite = pg.ScatterPlotItem(size=16, symbol="t1", pen=pg.mkPen("#d62728", width=1.6),
                                           brush=pg.mkBrush(None), pxMode=True)
        self.infinite_label = pg.TextItem(color="#d62728", anchor=(-0.25, 0.5))
        self.infinite_label.setHtml("<span style='font-size: 15pt; font-weight: bold'>∞</span>")
        self.infinite_label.setVisible(False)
        for it in (self.density1, self.density0, self.points1, self.points0, self.selected,
                   self.pair_line, self.pair_points, self.infinite, self.infinite_label):
            item.addItem(it)
        # K classes: one item per colour (a class k is drawn by item k % 8).
        self.class_points = []
        for k, symbol in enumerate(CLASS_SYMBOLS):
            it = pg.ScatterPlotItem(size=9, symbol=symbol, pen=pg.mkPen("w", width=0.8),
                                    brush=pg.mkBrush(CLASS_COLOURS[k]), hoverSize=13,
                                    name=f"class {k}", **common)
            it.sigClicked.connect(self._clicked)
            item.addItem(it)
            self.legend.removeItem(it)  # in the legend only while K classes are drawn
            self.class_points.append(it)
        self._class_legend: list = []
        self._legend_density = True
        self._show_density_legend(False)
        self.density1.sigClicked.connect(self._clicked)
        self.density0.sigClicked.connect(self._clicked)
        self.points1.sigClicked.connect(self._clicked)
        self.points0.sigClicked.connect(self._clicked)
        self.plot.doubleClicked.connect(self.reset_view)
        self.plot.movedByKeys.connect(self._user_moved_view)
        self._auto_view = True
        # Once the user pans or zooms, edits no longer move the view under their hands.
        item.getViewBox().sigRangeChangedManually.connect(self._user_moved_view)

        self.log_axis = QCheckBox("Log-scaled loss axis")
        self.log_axis.setAccessibleName("Log-scaled loss axis")
        self.log_axis.toggled.connect(self.set_log_axis)
        self.reset_button = QPushButton("Reset view")
        self.reset_button.setToolTip("Show all points again (or double-click the plot)")
        self.reset_button.clicked.connect(self.reset_view)
        self.note = ElidedLabel("")  # a long density note elides instead of widening the pane
        bar = QHBoxLayout()
        bar.addWidget(self.log_axis)
        bar.addWidget(self.reset_button)
        bar.addWidget(self.note, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.plot, 1)

        # Redrawing costs O(points): coalesce a burst of edits into one redraw on the next
        # turn of the event loop, so an edit's loss and summary update without waiting for it.
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(0)
        self._refresh_timer.timeout.connect(self._on_timer)
        doc.reset.connect(self._structure_changed)
        for sig in (doc.rowsInserted, doc.rowsRemoved, doc.rowsRestored):
            sig.connect(self._structure_changed)
        doc.cellsChanged.connect(self._cells_changed)
        doc.totalsChanged.connect(self.schedule_refresh)
        self._screen_hooked = False
        self._apply_style(redraw=False)
        self.refresh()

    # -- look ---------------------------------------------------------------------------------

    def _apply_style(self, palette: QPalette | None = None, scale: float | None = None,
                     redraw: bool = True) -> None:
        """Colours from the palette (a dark palette gets a dark plot, its curves lightened to keep
        3:1 against the background) and pen widths in device-independent pixels: Qt draws a
        cosmetic pen's width in device pixels, so at 2x scaling a 2-pixel curve was half as thick
        as at 1x. (Symbols are already scaled by pyqtgraph.)"""
        palette = palette if palette is not None else self.palette()
        scale = self.devicePixelRatioF() if scale is None else scale
        bg = palette.color(QPalette.ColorRole.Base)
        fg = palette.color(QPalette.ColorRole.Text)
        c1 = theme.readable(QColor(CLASS1_COLOR), bg, ratio=theme.GRAPHIC_CONTRAST)
        c0 = theme.readable(QColor(CLASS0_COLOR), bg, ratio=theme.GRAPHIC_CONTRAST)
        self.colours = {"background": bg, "text": fg, "class1": c1, "class0": c0}
        theme.colour_plot(self.plot, self.plot.getPlotItem(), bg, fg, width=scale)
        self.curve1.setPen(pg.mkPen(c1, width=2 * scale))
        self.curve0.setPen(pg.mkPen(c0, width=2 * scale, style=Qt.PenStyle.DashLine))
        for points, colour in ((self.points1, c1), (self.points0, c0)):
            points.setPen(pg.mkPen(bg, width=0.8))
            points.setBrush(pg.mkBrush(colour))
        self.selected.setPen(pg.mkPen(fg, width=2.5))
        self.pair_line.setPen(pg.mkPen(fg, width=1.5 * scale, style=Qt.PenStyle.DotLine))
        self.pair_points.setPen(pg.mkPen(fg, width=1.5))
        self.pair_points.setBrush(pg.mkBrush(bg))
        for it, colour in zip(self.class_points, CLASS_COLOURS):
            it.setPen(pg.mkPen(bg, width=0.8))
            it.setBrush(pg.mkBrush(theme.readable(QColor(colour), bg, ratio=theme.GRAPHIC_CONTRAST)))
        self._brushes1 = _level_brushes(c1.name())
        self._brushes0 = _level_brushes(c0.name())
        self.legend.setLabelTextColor(fg)
        for _sample, label in self.legend.items:  # (setLabelTextColor alone leaves drawn labels)
            label.setText(label.text, color=fg.name())
        self.legend.setBrush(pg.mkBrush(bg))
        theme.set_text_colour(self.note, theme.muted_text(palette))
        if redraw:  # the points again, with the new brushes (all of them if the rows changed)
            self.refresh() if self._full_needed or self.refresh_pending else self._draw()

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._apply_style()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().showEvent(event)
        handle = self.window().windowHandle()
        if not self._screen_hooked and handle is not None:
            self._screen_hooked = True  # moved to a screen of another scale: pens follow
            handle.screenChanged.connect(lambda *_: self._apply_style())
        self._apply_style()

    @contextmanager
    def exporting(self):
        """The plot as a document shows it (an export, the report): light colours, pens of one
        image pixel per pixel, and no selection rings (a selection means nothing on paper)."""
        selected = self._selected
        self._selected = np.empty(0, dtype=np.int64)
        self._apply_style(QApplication.style().standardPalette(), scale=1.0)  # redraws
        try:
            with self.without_selection() as plot:  # nor its legend entry
                yield plot
        finally:
            self._selected = selected
            self._apply_style()

    def schedule_refresh(self) -> None:
        self._refresh_timer.start()

    @property
    def refresh_pending(self) -> bool:
        return self._refresh_timer.isActive()

    @property
    def density_mode(self) -> bool:
        """True when the observations are drawn as a density (more than MAX_POINTS of them)."""
        return self._density

    def _structure_changed(self, *_args) -> None:
        self._full_needed = True
        self.schedule_refresh()

    def _cells_changed(self, rows) -> None:
        """An edit: in density mode move the edited rows between bins now (O(rows))."""
        rows = np.asarray(rows, dtype=np.int64)
        if not self._density or self._full_needed or self._codes.size != len(self.doc):
            self._full_needed = True
            return
        old = self._codes[rows]
        new = self._bin_codes(rows)
        np.subtract.at(self._counts, old[old >= 0], 1)
        np.add.at(self._counts, new[new >= 0], 1)
        self._codes[rows] = new
        _x, y = self._positions(rows)
        finite = y[np.isfinite(y)]
        if finite.size:
            self._y_top = max(self._y_top, float(finite.max()) * 1.15)
            self._y_low = min(self._y_low, lowest_positive(finite, self._y_low))
        self._recent = (self._recent + [int(r) for r in rows[:RECENT_EXACT]])[-RECENT_EXACT:]

    def _on_timer(self) -> None:
        if self._full_needed or not self._density or self._codes.size != len(self.doc):
            self.refresh()
        else:
            self._draw()

    # -- data ---------------------------------------------------------------------------------

    def _x_of(self, rows) -> np.ndarray:
        """The probability of class 1 of ``rows`` (the sigmoid of the logit for logits); K
        classes: the probability of the actual class, as the loss uses it."""
        if self._categorical:  # (from the row losses: no K-column matrix for a million rows)
            return actual_class_probability(self.doc.live.loss[rows])
        return probability_of_class1(self.doc.dataset.predicted.values[rows], self.doc.options)

    def _positions(self, rows) -> tuple[np.ndarray, np.ndarray]:
        """(x, y) of ``rows``: x the probability of class 1, y the row's loss in the units shown,
        the same number the table and the tooltip show (NaN when the row is excluded, +inf when
        its loss is infinite)."""
        return self._x_of(rows), row_values.values(self.doc.rows(), "loss", rows, self.units)

    @property
    def log_scale(self) -> bool:
        return self.log_axis.isChecked()

    def _view_y(self, y: np.ndarray) -> np.ndarray:
        """Heights as the view places them: on a log-scaled axis pyqtgraph transforms its curves
        itself but not scatter items, which must be given log10 of the height."""
        return log_coordinates(y, self._y_low) if self.log_scale else y

    def _draw_y(self, y: np.ndarray) -> np.ndarray:
        # infinite losses drawn at the top, as ∞
        return self._view_y(np.where(np.isposinf(y), self._y_top, y))

    def _bin_codes(self, rows) -> np.ndarray:
        """Per row: its bin of p (0..BINS-1), plus BINS for class 0; -1 for a row not drawn."""
        return bin_codes(self.doc.rows(), rows, BINS)

    def refresh(self) -> None:
        """Recompute everything drawn from the document (new data, options, units, structure).

        Where the rows go (:class:`PlotPoints`, a pass over every row) is computed only when
        the evaluation changed since the last time: not for other units, and not for a table
        just opened, whose points the load computed on its own thread (``doc.first_points``).
        """
        self._refresh_timer.stop()
        self._full_needed = False
        self._recent = []
        self._set_mode(self.doc.categorical)
        version = self.doc.live.version
        pts = self._points
        if pts is None or pts.version != version:
            first = self.doc.first_points
            pts = first if first is not None and first.version == version else points_of(self.doc.rows(), version)
            self._points = pts
        top, low = pts.top(self.units), pts.low(self.units)
        self._y_top = max(max(top, 0.0) * 1.15 if top is not None else 5.75, 5.0)
        self._y_low = min(low if low is not None else 1e-4, 1e-4)
        opts = self.doc.options
        if self._categorical:
            q, l1 = categorical_curve(opts, self.units, pts.extreme)
            self.curve1.setData(q, l1, connect="finite")
            self.curve0.setData([], [])
        else:
            extreme = pts.extreme
            ds = self.doc.dataset
            # (several models: the curves reach every model's points, drawn for a selected row)
            for column in ds.schema.prediction_columns[1:]:
                e = extreme_prediction(ds.columns[column].values, opts, where=self.doc.live.valid)
                if e is not None:
                    extreme = e if extreme is None else (max(extreme, e) if opts.logits else min(extreme, e))
            x, l1, l0 = curves(opts, self.units, extreme)
            self.curve1.setData(x, l1, connect="finite")
            self.curve0.setData(x, l0, connect="finite")
        self._density = pts.density
        # (edits change the codes and counts in place; the points are recomputed after one)
        self._codes, self._counts, self._exact_rows = pts.codes, pts.counts, pts.exact_rows
        self._draw()
        self.plot.getPlotItem().setLabel("left", f"Loss ({self.units})")
        if self._auto_view:
            self.reset_view()

    def _draw(self) -> None:
        """Draw the density marks (if any), the exact points and the selection from the state."""
        rows = self._exact_rows
        if self._recent:
            rows = np.union1d(rows, np.asarray(self._recent, dtype=np.int64))
            rows = rows[rows < len(self.doc)]
        x, y = self._positions(rows)
        keep = ~np.isnan(y)
        infinite = np.isposinf(y[keep])
        rows, x, y = rows[keep], x[keep], self._draw_y(y[keep])
        self._draw_infinite(x[infinite], y[infinite])
        if self._categorical:
            group = self.doc.live.labels[rows] % len(self.class_points)
            for k, item in enumerate(self.class_points):
                mask = group == k
                item.setData(x=x[mask], y=y[mask], data=rows[mask])
            for item in (self.points1, self.points0):
                item.setData(x=[], y=[])
        else:
            cls1 = self.doc.dataset.actual.values[rows] >= 0.5
            for item, mask in ((self.points1, cls1), (self.points0, ~cls1)):
                item.setData(x=x[mask], y=y[mask], data=rows[mask])
            for item in self.class_points:
                if len(item.data):
                    item.setData(x=[], y=[])
        self._show_density_legend(self._density)
        if self._density:
            self._draw_density()
            n = int(self._counts.sum())
            marks = int(np.count_nonzero(self._counts))
            self.note.setText(f"{fmt_count(n)} points drawn as {fmt_count(marks)} density marks (size ∝ count); "
                              f"the {fmt_count(rows.size)} worst or edited rows exactly")
        else:
            for item in (self.density1, self.density0):
                item.setData(x=[], y=[])
            self.note.setText("")
        n_inf = int(np.count_nonzero(infinite))
        if n_inf:
            said = self.note.text()
            self.note.setText((said + "; " if said else "")
                              + f"▲ ∞: {fmt_count(n_inf)} row{'s' if n_inf != 1 else ''} of "
                              "infinite loss, drawn at the top")
        self._draw_selected()

    def _draw_infinite(self, x: np.ndarray, y: np.ndarray) -> None:
        """The marks over the rows whose loss is infinite (drawn at the view's top), and one
        "∞" over the first of them."""
        self.infinite.setData(x=x, y=y)
        self.infinite_label.setVisible(bool(x.size))
        if x.size:
            # beside the first mark, on the side with room (a mark at p = 1 has none right)
            self.infinite_label.setAnchor((1.25, 0.5) if x[0] > 0.5 else (-0.25, 0.5))
            self.infinite_label.setPos(float(x[0]), float(y[0]))

    def infinite_marks(self) -> tuple[np.ndarray, np.ndarray]:
        """(x, y) of the infinite-loss marks drawn (for tests)."""
        x, y = self.infinite.getData()
        return np.asarray(x), np.asarray(y)

    def _set_mode(self, categorical: bool) -> None:
        """Binary (two curves, two classes) or K classes (one curve, points by class): the axis
        title and the legend follow."""
        classes = self.doc.dataset.schema.task.classes if categorical else ()
        key = (categorical, classes, self.units)
        if getattr(self, "_mode_key", None) == key:
            return
        self._mode_key = key
        self._categorical = categorical
        item = self.plot.getPlotItem()
        legend = self.legend
        for it in (self.curve1, self.curve0, self.points1, self.points0, *self._class_legend):
            legend.removeItem(it)
        self._class_legend = []
        if categorical:
            item.setLabel("bottom", "Probability of the actual class (q)")
            legend.addItem(self.curve1, f"−{self._log()}(q): every class")
            n = len(classes)
            for k, it in enumerate(self.class_points[:n]):
                legend.addItem(it, f"actual {label_text(classes[k])}" if n <= len(self.class_points)
                               else f"classes {k + 1}, {k + 1 + len(self.class_points)}, … (hover)")
                self._class_legend.append(it)
        else:
            item.setLabel("bottom", "Predicted probability of class 1 (p)")
            legend.addItem(self.curve1, f"−{self._log()}(p): actual class 1")
            legend.addItem(self.curve0, f"−{self._log()}(1 − p): actual class 0")
        for it in (self.density1, self.density0):  # the density entries follow the curves'
            if self._legend_density:
                legend.removeItem(it)
                legend.addItem(it, self._density_name(it))
        fg = self.colours["text"] if hasattr(self, "colours") else None
        if fg is not None:
            for _sample, label in legend.items:
                label.setText(label.text, color=fg.name())

    def _log(self) -> str:
        """The logarithm the curves are drawn with: ln in nats, log₂ in bits."""
        return "log₂" if self.units == "bits" else "ln"

    def _density_name(self, item) -> str:
        if self._categorical:
            return "many rows (size = count)" if item is self.density1 else ""
        return "class 1, many rows (size = count)" if item is self.density1 else "class 0, many rows (size = count)"

    def _show_density_legend(self, on: bool) -> None:
        """The density entries are in the legend only while the density is drawn."""
        if on == self._legend_density:
            return
        self._legend_density = on
        for it in (self.density1, self.density0):
            if on and not (self._categorical and it is self.density0):
                self.legend.addItem(it, self._density_name(it))
            else:
                self.legend.removeItem(it)

    def _draw_density(self) -> None:
        """One mark per non-empty bin, in DENSITY_LEVELS sizes and opacities (log of the count).
        Few distinct symbols keep pyqtgraph's symbol atlas small: a redraw costs milliseconds."""
        centres = (np.arange(BINS) + 0.5) / BINS
        if self._categorical:
            h1 = h0 = categorical_bin_heights(centres, self.doc.options, self.units)
        else:
            h1, h0 = bin_heights(centres, self.doc.options, self.units)
        bins = np.flatnonzero(self._counts)
        levels = np.empty(self._counts.size, dtype=int)
        levels[bins] = density_levels(self._counts[bins], DENSITY_LEVELS)  # one scale for both
        for item, counts, curve, brushes, cls in (
            (self.density1, self._counts[:BINS], h1, self._brushes1, 0),
            (self.density0, self._counts[BINS:], h0, self._brushes0, BINS),
        ):
            bins = np.flatnonzero(counts)
            level = levels[bins + cls]
            item.setData(x=centres[bins], y=self._draw_y(curve[bins]), size=DENSITY_SIZES[level],
                         brush=[brushes[k] for k in level], data=-(bins + cls) - 1)

    def set_units(self, units: str) -> None:
        self.units = units
        self.refresh()

    def restyle_numbers(self) -> None:
        """Redraw the tick labels and the note in the window's (new) number style."""
        for name in ("left", "bottom"):
            axis = self.plot.getPlotItem().getAxis(name)
            axis.picture = None  # pyqtgraph's cached drawing of the ticks
            axis.update()
        self._draw()

    # -- selection ----------------------------------------------------------------------------

    def set_selected_rows(self, rows) -> None:
        if self._refresh_timer.isActive():
            self._refresh_timer.stop()
            self.refresh()
        rows = np.asarray(rows, dtype=np.int64)
        self._selected = rows[:MAX_SELECTED]
        self._draw_selected()

    @contextmanager
    def without_selection(self):
        """The plot as a report shows it: the selection ring is the window's state, not the
        data's (nor is its entry in the legend)."""
        shown = self.selected.isVisible()
        self.selected.hide()
        try:
            with entry_left_out(self.legend, self.selected):
                yield self.plot
        finally:
            self.selected.setVisible(shown)

    def selected_points(self) -> tuple[np.ndarray, np.ndarray]:
        """(x, y) of the ringed points (for tests and accessibility)."""
        x, y = self.selected.getData()
        return np.asarray(x), np.asarray(y)

    def _draw_selected(self) -> None:
        rows = self._selected
        rows = rows[(rows >= 0) & (rows < len(self.doc))]
        if rows.size:
            x, y = self._positions(rows)
            keep = ~np.isnan(y)
            self.selected.setData(x=x[keep], y=self._draw_y(y[keep]), data=rows[keep])
        else:
            self.selected.setData(x=[], y=[])
        self._draw_pair(rows[:1])

    def _draw_pair(self, rows) -> None:
        """With several models: the first selected row's point under each model (diamonds),
        joined by a line, each named; nothing with one model or no selection."""
        points = []
        if rows.size and self.doc.n_models >= 2 and int(rows[0]) < len(self.doc):
            points = [(name, x, y) for name, x, y in row_points(
                self.doc.dataset, self.doc.options, self.doc.live.losses, int(rows[0]),
                units=self.units) if np.isfinite(y) and np.isfinite(x)]
        self._pair = []
        self._label_pair()
        if not points:
            self.pair_line.setData([], [])
            self.pair_points.setData([], [])
            return
        x = np.array([p[1] for p in points])
        y = self._draw_y(np.array([p[2] for p in points]))
        self.pair_line.setData(x, y)
        self.pair_points.setData(x=x, y=y)
        self._pair = [(name, float(px), float(py)) for (name, _x, _y), px, py in zip(points, x, y)]
        self._pair_placed = []  # (drawn anew, in the palette's colour)
        self._label_pair()
        top = max(p[2] for p in points)
        if self._auto_view and not self.log_scale and top > self._y_top:
            # the other model's point is above the view: show it (until the user pans or zooms)
            self.plot.getPlotItem().setYRange(-0.03 * top, top * 1.12, padding=0)

    def _label_pair(self) -> None:
        """Name the selected row's points, one label for points that coincide on screen and
        none over another (:func:`~bce_gui.ui.point_labels.place_labels`); again when the view
        moves (zoomed in, two close points part)."""
        item = self.plot.getPlotItem()
        vb = item.getViewBox()
        # (a name right of a point near p = 1 would run off the plot: it goes left there)
        shown = [Point(name, at.x(), at.y(), 1.0 if x > 0.5 else 0.0)
                 for name, x, y in self._pair for at in (vb.mapViewToScene(QPointF(x, y)),)]

        def size_of(text: str) -> tuple[float, float]:
            probe = pg.TextItem(text)  # (held: its text item goes with it)
            box = probe.textItem.boundingRect()
            return box.width(), box.height()

        view = vb.sceneBoundingRect()
        labels = place_labels(shown, size_of, bounds=(view.left(), view.top(), view.right(),
                                                      view.bottom()))
        if labels == self._pair_placed:
            return
        self._pair_placed = labels
        for label in self.pair_labels:
            item.removeItem(label)
        self.pair_labels = []
        fg = self.palette().color(QPalette.ColorRole.Text)
        for placed in labels:
            _name, x, y = self._pair[placed.point]
            label = pg.TextItem(placed.text, color=fg, anchor=placed.anchor)
            label.setPos(x, y)
            item.addItem(label)
            self.pair_labels.append(label)

    def pair_points_shown(self) -> tuple[np.ndarray, np.ndarray]:
        """(x, y) of the models' points of the selected row (for tests)."""
        x, y = self.pair_points.getData()
        return np.asarray(x), np.asarray(y)

    def _clicked(self, _item, points, _ev=None) -> None:
        if len(points):
            data = int(points[0].data())
            row = data if data >= 0 else self._worst_row_in_bin(-data - 1)
            if row >= 0:
                self.rowClicked.emit(row)

    def _worst_row_in_bin(self, code: int) -> int:
        """A density mark was clicked: the row with the largest loss among its rows."""
        rows = np.flatnonzero(self._codes == code)
        if not rows.size:
            return -1
        loss = self.doc.live.loss[rows]
        return int(rows[np.argmax(np.where(np.isnan(loss), -np.inf, loss))])

    def _bin_tip(self, code: int) -> str:
        if self._categorical:
            count = int(self._counts[code]) if 0 <= code < self._counts.size else 0
            return categorical_bin_tip(count, code / BINS, (code + 1) / BINS)
        cls, b = (1, code) if code < BINS else (0, code - BINS)
        count = int(self._counts[code]) if 0 <= code < self._counts.size else 0
        return bin_tip(count, cls, b / BINS, (b + 1) / BINS)

    def _tip(self, x, y, data) -> str:
        if int(data) < 0:
            return self._bin_tip(-int(data) - 1)
        row = int(data)
        live = self.doc.live
        if row >= live.loss.size:
            return ""
        # (the ID is file text: shown as text, never as markup)
        if self._categorical:
            values = row_values.block_values(self.doc.rows(), slice(row, row + 1), self.units,
                                             ("corrected", "ln"))
            note = live.validity.note(row)
            return rich_text(categorical_point_tip(
                self.doc.dataset, self.doc.options, row, float(values["corrected"][0]),
                float(values["ln"][0]), float(live.loss[row]), self.units, note))
        return rich_text(point_tip(self.doc.dataset, self.doc.options, row, float(live.loss[row]),
                                   self.units))

    # -- view ---------------------------------------------------------------------------------

    def _user_moved_view(self, *_args) -> None:
        self._auto_view = False

    def set_log_axis(self, on: bool) -> None:
        if self.log_axis.isChecked() != on:
            self.log_axis.setChecked(on)
            return
        self.plot.getPlotItem().setLogMode(x=False, y=on)
        self._auto_view = True
        self._draw()  # the points' coordinates change with the axis
        self.reset_view()

    def reset_view(self, *_args) -> None:
        """p from 0 to 1; loss from 0 to a little above the worst finite point (at least 5)."""
        self._auto_view = True
        item = self.plot.getPlotItem()
        item.disableAutoRange()
        item.setXRange(0.0, 1.0, padding=0.02)
        if self.log_scale:
            low, top = log_coordinates(np.array([self._y_low, max(self._y_top, 1.0)]))
            item.setYRange(low - 0.3, top + 0.2, padding=0)
        else:
            item.setYRange(-0.03 * self._y_top, self._y_top * 1.12, padding=0)
