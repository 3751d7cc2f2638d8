"""The penalty curve: −ln(p) for class 1 and −ln(1 − p) for class 0, with the observations on it.

Each observation is a point at (p, its row loss) on its class's curve. Points carry their data
row, so a click selects the row in the table, and selected rows are ringed. Curves follow the
clipping convention in force (PyTorch's curve flattens at 100, scikit-learn's at 36.04).

Colours are Okabe–Ito (safe for colour-blind readers), and the classes also differ in symbol.
Past ``MAX_POINTS`` observations a deterministic, evenly spaced subset is drawn (pyqtgraph's
scatter costs ~2.7 µs a point per ``setData``, measured: 0.27 s at 1e5 points); selected points
are always drawn exactly and a note says how many points are shown.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QCheckBox, QVBoxLayout, QWidget

from ..core.formatting import fmt_number
from ..core.loss import LossOptions, class_log_probs
from .document import Document

CLASS1_COLOR = "#0072B2"  # Okabe–Ito blue
CLASS0_COLOR = "#D55E00"  # Okabe–Ito vermillion
SELECT_COLOR = "#000000"
MAX_POINTS = 20_000
MAX_SELECTED = 20_000


def _grid() -> np.ndarray:
    """p values dense near 0 and 1, where the curves bend hardest."""
    edge = np.logspace(-12, -1, 120)
    return np.unique(np.concatenate([edge, np.linspace(0.1, 0.9, 161), 1.0 - edge]))


class _PlotWidget(pg.PlotWidget):
    doubleClicked = Signal()

    def mouseDoubleClickEvent(self, ev):  # noqa: N802 (Qt name)
        super().mouseDoubleClickEvent(ev)
        self.doubleClicked.emit()


class PenaltyPlot(QWidget):
    """The plot widget and its small toolbar (log axis toggle, reset view)."""

    #: A point was clicked: its data row.
    rowClicked = Signal(int)

    def __init__(self, doc: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = doc
        self.units = "nats"
        self._selected = np.empty(0, dtype=np.int64)
        self._x = np.empty(0)
        self._y = np.empty(0)
        self._y_top = 5.0

        pg.setConfigOptions(antialias=True, background="w", foreground="k")
        self.plot = _PlotWidget(self)
        self.plot.setAccessibleName("Penalty curve plot")
        item = self.plot.getPlotItem()
        item.setLabel("bottom", "Predicted probability of class 1 (p)")
        item.setLabel("left", "Loss (nats)")
        item.showGrid(x=True, y=True, alpha=0.2)
        self.legend = item.addLegend(labelTextSize="9pt")
        self.legend.anchor(itemPos=(0.5, 0), parentPos=(0.5, 0), offset=(0, 4))
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
            size=17, symbol="o", pen=pg.mkPen(SELECT_COLOR, width=2.5), brush=pg.mkBrush(None),
            name="selected",
        )
        for it in (self.points1, self.points0, self.selected):
            item.addItem(it)
        self.points1.sigClicked.connect(self._clicked)
        self.points0.sigClicked.connect(self._clicked)
        self.plot.doubleClicked.connect(self.reset_view)
        self._auto_view = True
        # Once the user pans or zooms, edits no longer move the view under their hands.
        item.getViewBox().sigRangeChangedManually.connect(self._user_moved_view)

        self.log_axis = QCheckBox("Log-scaled loss axis")
        self.log_axis.setAccessibleName("Log-scaled loss axis")
        self.log_axis.toggled.connect(self.set_log_axis)
        self.reset_button = QPushButton("Reset view")
        self.reset_button.setToolTip("Show all points again (or double-click the plot)")
        self.reset_button.clicked.connect(self.reset_view)
        self.note = QLabel("")
        self.note.setStyleSheet("color: #555;")
        bar = QHBoxLayout()
        bar.addWidget(self.log_axis)
        bar.addWidget(self.reset_button)
        bar.addStretch(1)
        bar.addWidget(self.note)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.plot, 1)

        # Redrawing costs O(points): coalesce a burst of edits into one redraw on the next
        # turn of the event loop, so an edit's loss and summary update without waiting for it.
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(0)
        self._refresh_timer.timeout.connect(self.refresh)
        doc.reset.connect(self.schedule_refresh)
        doc.totalsChanged.connect(self.schedule_refresh)
        self.refresh()

    def schedule_refresh(self) -> None:
        self._refresh_timer.start()

    @property
    def refresh_pending(self) -> bool:
        return self._refresh_timer.isActive()

    # -- data ---------------------------------------------------------------------------------

    def _curve_options(self) -> LossOptions:
        opts = self.doc.options
        return LossOptions(policy=opts.policy)

    def point_positions(self) -> tuple[np.ndarray, np.ndarray]:
        """(x, y) of every data row: x the probability of class 1, y the row's loss (NaN if excluded)."""
        ds, live = self.doc.dataset, self.doc.live
        x = ds.predicted.values
        if self.doc.options.logits:
            with np.errstate(over="ignore"):
                x = np.exp(-np.logaddexp(0.0, -x))
        y = np.where(live.valid, live.loss, np.nan)
        if self.doc.options.pos_weight is not None:
            # Points sit on the curves: show -ln(corrected p), without the pos_weight factor.
            y = np.where(ds.actual.values == 1.0, y / self.doc.options.pos_weight, y)
        return x, y

    def _scale(self, y: np.ndarray) -> np.ndarray:
        return y / np.log(2.0) if self.units == "bits" else y

    def refresh(self) -> None:
        grid = _grid()
        lp, l0 = class_log_probs(grid, self._curve_options())
        self.curve1.setData(grid, self._scale(-lp))
        self.curve0.setData(grid, self._scale(-l0))
        x, y = self.point_positions()
        y = self._scale(y)
        self._x, self._y = x, y
        finite = np.isfinite(y)
        top = float(np.nanmax(np.where(finite, y, np.nan))) if finite.any() else 5.0
        cap = max(top * 1.15, 5.0)
        y_draw = np.where(np.isposinf(y), cap, y)  # infinite losses drawn at the top, as ∞
        self._y_draw = y_draw
        self._y_top = cap
        shown = np.flatnonzero(~np.isnan(y_draw))
        total = shown.size
        if total > MAX_POINTS:
            shown = shown[np.linspace(0, total - 1, MAX_POINTS).astype(np.int64)]
            self.note.setText(f"showing {MAX_POINTS:,} of {total:,} points")
        else:
            self.note.setText("")
        yv = self.doc.dataset.actual.values[shown]
        for item, mask in ((self.points1, yv >= 0.5), (self.points0, yv < 0.5)):
            rows = shown[mask]
            item.setData(x=x[rows], y=y_draw[rows], data=rows)
        self._draw_selected()
        self.plot.getPlotItem().setLabel("left", f"Loss ({self.units})")
        if self._auto_view:
            self.reset_view()

    def set_units(self, units: str) -> None:
        self.units = units
        self.refresh()

    # -- selection ----------------------------------------------------------------------------

    def set_selected_rows(self, rows) -> None:
        if self._refresh_timer.isActive():
            self._refresh_timer.stop()
            self.refresh()
        rows = np.asarray(rows, dtype=np.int64)
        self._selected = rows[:MAX_SELECTED]
        self._draw_selected()

    def selected_points(self) -> tuple[np.ndarray, np.ndarray]:
        """(x, y) of the ringed points (for tests and accessibility)."""
        x, y = self.selected.getData()
        return np.asarray(x), np.asarray(y)

    def _draw_selected(self) -> None:
        rows = self._selected
        rows = rows[(rows >= 0) & (rows < self._x.size)]
        if rows.size:
            yd = self._y_draw[rows]
            keep = ~np.isnan(yd)
            rows = rows[keep]
            self.selected.setData(x=self._x[rows], y=yd[keep], data=rows)
        else:
            self.selected.setData(x=[], y=[])

    def _clicked(self, _item, points, _ev=None) -> None:
        if len(points):
            self.rowClicked.emit(int(points[0].data()))

    def _tip(self, x, y, data) -> str:
        row = int(data)
        ds, live = self.doc.dataset, self.doc.live
        loss = live.loss[row] if row < live.loss.size else np.nan
        actual = ds.actual.values[row]
        corrected = x if actual == 1.0 else 1.0 - x
        return (
            f"ID {ds.id_text(row) if ds.cell_text('id', row) else row + 1}\n"
            f"actual class {fmt_number(actual)}\n"
            f"p = {fmt_number(x, 6)}\n"
            f"corrected p = {fmt_number(corrected, 6)}\n"
            f"loss = {fmt_number(self._scale(np.array([loss]))[0], 6)} {self.units}"
        )

    # -- view ---------------------------------------------------------------------------------

    def _user_moved_view(self, *_args) -> None:
        self._auto_view = False

    def set_log_axis(self, on: bool) -> None:
        if self.log_axis.isChecked() != on:
            self.log_axis.setChecked(on)
            return
        self.plot.getPlotItem().setLogMode(x=False, y=on)
        self._auto_view = True
        self.reset_view()

    def reset_view(self, *_args) -> None:
        """p from 0 to 1; loss from 0 to a little above the worst finite point (at least 5)."""
        self._auto_view = True
        item = self.plot.getPlotItem()
        item.disableAutoRange()
        item.setXRange(0.0, 1.0, padding=0.02)
        if self.log_axis.isChecked():
            item.setYRange(-4, np.log10(max(self._y_top, 1.0)) + 0.2, padding=0)
        else:
            item.setYRange(-0.03 * self._y_top, self._y_top * 1.12, padding=0)
