"""The summary view of a data set too large for the table (``core/large.py`` computes it).

A panel over the window: the data set's name and size, the loss of every row with its baseline
and the statistics, the penalty curve with the rows drawn as a density, and a plain statement
that the table below holds a sample (the worst rows), whose edits never reach the file. When
the settings change, the numbers say which settings they are for and offer to read the data set
again.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ..core.explain import baseline_text
from ..core.formatting import fmt_count, fmt_number, fmt_result
from ..core.large import SAMPLE_ROWS, TABLE_ROW_LIMIT, LargeSummary, density_marks
from ..core.loss import LossOptions
from ..core.penalty import curves
from ..core.summary_view import shown_loss
from . import theme
from .penalty_plot import CLASS0_COLOR, CLASS1_COLOR
from .widgets import FocusFrame

#: Mark sizes of the density, smallest to largest (as the window's plot draws them).
SIZES = (5.0, 7.2, 9.4, 11.6, 13.8, 16.0)


class DataSetPanel(QFrame):
    """Shows a :class:`~bce_gui.core.large.LargeSummary`; computes nothing itself."""

    #: The user asked to read the data set again with the settings now in force.
    recomputeRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName("Data set summary")
        self.summary: LargeSummary | None = None
        self.options: LossOptions | None = None
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.headline = QLabel()
        self.headline.setWordWrap(True)
        self.loss_label = QLabel()
        self.loss_label.setObjectName("dataSetLoss")
        big = self.loss_label.font()
        big.setPointSizeF(big.pointSizeF() * 1.8)
        big.setBold(True)
        self.loss_label.setFont(big)
        self.loss_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.stats = QLabel()
        self.stats.setWordWrap(True)
        self.stats.setAccessibleName("Data set statistics")
        self.sample_note = QLabel()
        self.sample_note.setObjectName("sampleNote")
        self.sample_note.setWordWrap(True)
        self.stale = QLabel()
        self.stale.setWordWrap(True)
        self.recompute = QPushButton("Read the data set again")
        self.recompute.setToolTip("One more streaming pass with the settings now in force")
        self.recompute.clicked.connect(self.recomputeRequested)
        theme.set_text_colour(self.sample_note, theme.warning_text(self.palette()))
        self.plot = pg.PlotWidget()
        self.plot.setAccessibleName("Data set penalty curve")
        self.plot.focus_frame = FocusFrame(self.plot)  # (Tab stops here: it shows it)
        self.plot.setMinimumHeight(140)
        self.plot.setMaximumHeight(230)  # the tables and the sample's plot keep their room
        self.plot.setLabel("bottom", "Predicted probability of class 1 (p)")
        self.curve1 = self.plot.plot(pen=pg.mkPen(CLASS1_COLOR, width=2))
        self.curve0 = self.plot.plot(pen=pg.mkPen(CLASS0_COLOR, width=2))
        self.marks1 = pg.ScatterPlotItem(symbol="o", pen=None, brush=pg.mkBrush(CLASS1_COLOR))
        self.marks0 = pg.ScatterPlotItem(symbol="s", pen=None, brush=pg.mkBrush(CLASS0_COLOR))
        self.plot.addItem(self.marks1)
        self.plot.addItem(self.marks0)

        text = QVBoxLayout()
        for w in (self.title, self.headline, self.loss_label, self.details, self.stats,
                  self.sample_note, self.stale):
            text.addWidget(w)
        text.addWidget(self.recompute, 0, Qt.AlignmentFlag.AlignLeft)
        text.addStretch(1)
        row = QHBoxLayout(self)
        row.addLayout(text, 1)
        row.addWidget(self.plot, 1)

    def show_summary(self, summary: LargeSummary, options: LossOptions, units: str = "nats") -> None:
        self.summary = summary
        self.options = options
        name = Path(summary.source.rstrip("/")).name or summary.source
        self.title.setText(f"Data set: {name}")
        self.headline.setText(
            f"{fmt_count(summary.rows)} rows: more than the table can hold "
            f"({fmt_count(TABLE_ROW_LIMIT)}), so they were not loaded. Everything here is computed "
            "over all of them, in one streaming pass.")
        t = summary.totals
        shown = shown_loss(t, units)
        self.loss_label.setText(f"{fmt_result(shown.value)} {shown.units}" if not shown.empty else "—")
        self.loss_label.setAccessibleName(f"Data set loss: {self.loss_label.text()}")
        s = summary.summary
        lines = [f"N used: {fmt_count(t.n)} · invalid (excluded): {fmt_count(s['n_invalid'])}"
                 + (" · weighted" if s["weighted"] else "")]
        if shown.finite:
            lines.append(baseline_text(t, options, units))
        self.details.setText("\n".join(lines))
        self.stats.setText(self._stats_text(summary))
        sample = len(summary.sample)
        self.sample_note.setText(
            f"The table below is a sample: the {fmt_count(sample)} rows with the largest loss "
            f"(at most {fmt_count(SAMPLE_ROWS)}), worst first; the loss beside it is the sample's. "
            "Edits change the sample only: the file is never rewritten from it (Save writes the "
            "sample to a new file"
            + (", with a (file) column naming each row's part)." if "(file)" in summary.sample.columns
               else ")."))
        self.stale.hide()
        self.recompute.hide()
        self._draw(units)

    def _stats_text(self, summary: LargeSummary) -> str:
        ins = summary.insight
        if ins is None:
            return ""

        def stat(label: str, s) -> str:
            return f"{label} {fmt_number(s.value, 4)}" if s.defined else f"{label} not defined"

        parts = [stat("Brier", ins.brier), stat("AUC", ins.auc), stat("ECE", ins.ece),
                 stat("accuracy", ins.accuracy)]
        if ins.ci95.defined:
            parts.append(f"95% interval of the loss [{fmt_number(ins.ci95.low, 4)}, "
                         f"{fmt_number(ins.ci95.high, 4)}]")
        return "Statistics: " + " · ".join(parts)

    def set_units(self, units: str) -> None:
        if self.summary is not None:
            stale = self.stale.isVisibleTo(self)
            self.show_summary(self.summary, self.options, units)
            self.stale.setVisible(stale)
            self.recompute.setVisible(stale)

    def options_changed(self, options: LossOptions) -> None:
        """The settings changed: these numbers are for the old ones until read again."""
        if self.summary is None or options == self.options:
            self.stale.hide()
            self.recompute.hide()
            return
        self.stale.setText(f"These numbers are for the convention {self.options.policy.label}"
                           " and the settings then in force; the table's sample follows the new ones.")
        self.stale.show()
        self.recompute.show()

    def _draw(self, units: str) -> None:
        if self.summary is None:
            return
        opts = self.options
        x, l1, l0 = curves(opts, units)
        self.curve1.setData(x, l1, connect="finite")
        self.curve0.setData(x, l0, connect="finite")
        self.plot.setLabel("left", f"Row loss ({units})")
        ones, zeros = density_marks(self.summary.density, opts, units, len(SIZES))
        for item, marks in ((self.marks1, ones), (self.marks0, zeros)):
            item.setData(x=marks.x, y=marks.y, size=[SIZES[k] for k in marks.level.tolist()])
        heights = [float(np.max(m.y[np.isfinite(m.y)])) for m in (ones, zeros)
                   if np.isfinite(m.y).any()]
        if heights:  # the rows, not the curves' ends near p = 0 and 1, set the height shown
            self.plot.setYRange(0.0, max(heights), padding=0.1)
