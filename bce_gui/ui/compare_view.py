"""The Compare tab: which model's predictions are better on these rows, and is it real (issue 12).

Shows a :class:`~bce_gui.core.compare.Comparison`: the leaderboard sorted by loss (with each
model's 95% bootstrap interval, Brier, AUC and ECE), each other model against the chosen
reference (the paired difference of mean loss with its paired bootstrap interval, the share
of rows where it is better, and a sentence on what the interval says), the rows where the two
disagree most (a click selects the row in the table, and the penalty curve shows both models'
points for it), and a scatter of the two models' row losses (a density of marks at scale).
Its losses are in the window's units (:meth:`CompareView.set_units`: nats or bits, named in the
headers, the sentences and the scatter's axes).
The words and numbers come from :mod:`bce_gui.core.compare`; this widget computes nothing.
"""

from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFontMetrics, QPalette
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QFrame, QHBoxLayout, QHeaderView, QLabel,
                               QScrollArea, QSplitter, QStyle, QStyleOptionComboBox,
                               QStyleOptionHeader, QStylePainter, QTableWidget, QTableWidgetItem,
                               QVBoxLayout, QWidget)

from ..core.compare import (Comparison, Scatter, difference_cells, difference_header,
                            disagreement_cells, disagreement_header, leaderboard_cells,
                            leaderboard_header, loss_scatter, scatter_levels, undefined_reasons)
from ..core.formatting import localize, log_tick_texts
from . import theme
from .widgets import FocusFrame, WrappingLabel, breakable
from .statistics_panel import BusyNote

POINT_COLOR = "#0072B2"  # Okabe–Ito blue
DENSITY_LEVELS = 6
DENSITY_SIZES = np.linspace(4.0, 14.0, DENSITY_LEVELS)

#: The tab asks the window for the height its tables and a usable scatter need, up to this many
#: pixels (three or four models at 1280×800); more than that (many models) scrolls.
ROOM_ASKED = 400

EMPTY_NOTE = ("The table holds one model. To compare models on the same rows, add another "
              "model's predictions: Edit → Add model column (Ctrl+Shift+M) to paste or type "
              "them, or to use another column of the file; or File → Join predictions by ID "
              "(Ctrl+Shift+J) for a predictions file with an ID column.")


class _SmallTable(QTableWidget):
    """A read-only table of a few rows (the leaderboard: one row a model), as tall as its rows,
    and the scroll bar under them when the pane is narrower than its columns (at 1280×800 with
    "% of the weight" in a column, the bar took the room of the last row).

    With ``names``, its first column holds models' names: as wide as the longest, or as the
    numbers leave room for, but not below :attr:`NAME_CHARS` characters; a longer name is cut in
    its middle ("…", the whole name in its tooltip). Where even that leaves the numbers too
    little room, their headers take two lines. (At 1024×768 a name of 60 characters took the
    whole width, and Δ loss and its interval were out of view.)"""

    #: The fewest characters of a name shown before the numbers' columns give way (scroll).
    NAME_CHARS = 14

    def __init__(self, name: str, header, names: bool = False) -> None:
        super().__init__(0, len(header))
        self.setAccessibleName(name)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)  # compact rows
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setTabKeyNavigation(False)  # read-only: Tab goes on (it went round the cells for ever)
        self.focus_frame = FocusFrame(self)  # (the style's focus on a cell is faint)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # "gradient_bo…average_v2"
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.horizontalHeader().setStretchLastSection(False)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self._names = names
        if names:  # sized by fit_columns (and the user may drag it wider)
            self.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self._fitted = False
        self._header: tuple[str, ...] = ()
        self._shown: list[str] = []
        self.set_header(header)

    def set_header(self, labels) -> None:
        """The columns' titles (on one line where there is room)."""
        self._header = tuple(labels)
        self._show_labels(list(self._header))
        self.fit_columns()

    def _show_labels(self, labels: list[str]) -> None:
        if labels != self._shown:
            self._shown = labels
            self.setHorizontalHeaderLabels(labels)

    def _cells_width(self, column: int) -> int:
        """The widest cell of ``column``, of all rows (``sizeHintForColumn`` measures the rows in
        view, and the table is not yet as tall as its rows when it is filled)."""
        model = self.model()
        widest = max((self.sizeHintForIndex(model.index(r, column)).width()
                      for r in range(self.rowCount())), default=0)
        return widest + (1 if self.showGrid() else 0)

    def _title_width(self, title: str) -> int:
        """The width a header gives ``title`` (QHeaderView measures it in bold, as a selected
        section is drawn)."""
        header = self.horizontalHeader()
        font = header.font()
        font.setBold(True)
        option = QStyleOptionHeader()
        option.initFrom(header)
        option.text = title
        option.fontMetrics = QFontMetrics(font)
        return header.style().sizeFromContents(QStyle.ContentsType.CT_HeaderSection, option,
                                               QSize(), header).width()

    def _labels(self, wrap: bool) -> list[str]:
        """The titles, on two lines with ``wrap`` where a title is wider than its column's cells
        ("Better on" stays on one line over "50% of rows")."""
        metrics = self.horizontalHeader().fontMetrics()
        return [two_lines(t, metrics)
                if wrap and c and self._title_width(t) > self._cells_width(c) else t
                for c, t in enumerate(self._header)]

    def _numbers_width(self, labels: list[str]) -> int:
        return sum(max(self._cells_width(c), self._title_width(labels[c]))
                   for c in range(1, self.columnCount()))

    def fit_columns(self) -> None:
        """The name column's width for the room the numbers leave (see the class docstring)."""
        if not self._names:
            return
        header = self.horizontalHeader()
        room = self.viewport().width()
        need = max(self._cells_width(0), self._title_width(self._header[0]))
        labels = self._labels(False)
        if need + self._numbers_width(labels) > room:
            labels = self._labels(True)
        self._show_labels(labels)
        numbers = sum(max(self._cells_width(c), header.sectionSizeHint(c))
                      for c in range(1, self.columnCount()))  # (as the header sizes them)
        least = max(self._title_width(self._header[0]),
                    self.fontMetrics().averageCharWidth() * self.NAME_CHARS)
        header.resizeSection(0, max(least, min(need, room - numbers)))

    def fit_rows(self) -> None:
        """From now on as tall as all its rows (the disagreements' table is not: it scrolls)."""
        self._fitted = True
        header = self.horizontalHeader()  # (its height as the table will give it: two lines?)
        h = max(header.minimumHeight(), header.sizeHint().height()) + 2 * self.frameWidth()
        h += sum(self.rowHeight(r) for r in range(self.rowCount()))
        if self.horizontalHeader().length() > self.width() - 2 * self.frameWidth():
            h += self.horizontalScrollBar().sizeHint().height()
        self.setFixedHeight(h + 2)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width():
            self.fit_columns()
            if self._fitted:
                self.fit_rows()  # the columns fit, or no longer do


def two_lines(text: str, metrics: QFontMetrics) -> str:
    """``text`` broken at the space that makes its longer line shortest ("Δ loss vs" over
    "reference (nats)"); one word stays as it is."""
    words = text.split(" ")
    if len(words) < 2:
        return text
    splits = [(" ".join(words[:k]), " ".join(words[k:])) for k in range(1, len(words))]
    first, second = min(splits, key=lambda s: max(metrics.horizontalAdvance(s[0]),
                                                  metrics.horizontalAdvance(s[1])))
    return f"{first}\n{second}"


def _fill(table: QTableWidget, rows, names: bool = False) -> None:
    """The cells; with ``names``, the first column's (a model's name, perhaps cut) in its
    tooltip too."""
    table.setRowCount(len(rows))
    for r, cells in enumerate(rows):
        for c, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if c:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            elif names:
                item.setToolTip(text)
            table.setItem(r, c, item)


class _NameCombo(QComboBox):
    """A choice of models no wider than :attr:`NAME_CHARS` characters: a longer name is cut in its
    middle, whole in the list and in the tooltip (a name of 60 characters pushed the bar, and
    the tab, past the window's edge)."""

    NAME_CHARS = 30

    def __init__(self, tip: str) -> None:
        super().__init__()
        self._tip = tip
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        arrow = 40  # (the frame and the drop-down arrow)
        self.setMaximumWidth(self.fontMetrics().averageCharWidth() * self.NAME_CHARS + arrow)
        self.currentTextChanged.connect(self._show_name)
        self._show_name("")

    def _show_name(self, name: str) -> None:
        self.setToolTip(f"{self._tip}: {name}" if name else self._tip)

    def showPopup(self) -> None:  # noqa: N802 (Qt name)
        view = self.view()  # the list as wide as its names (up to the screen's width)
        bar = view.verticalScrollBar().sizeHint().width()
        view.setMinimumWidth(view.sizeHintForColumn(0) + bar)
        super().showPopup()

    def paintEvent(self, _event) -> None:  # noqa: N802 (Qt name)
        painter = QStylePainter(self)
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        painter.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, option)
        field = self.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                            QStyle.SubControl.SC_ComboBoxEditField, self)
        option.currentText = self.fontMetrics().elidedText(
            option.currentText, Qt.TextElideMode.ElideMiddle, field.width() - 2)
        painter.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, option)


class _Column(QWidget):
    """The tables and their headings above the splitter's line, never squeezed below the height
    its wrapped labels need at its width.

    A QSplitter gives a pane no less than its ``minimumSizeHint``, which knows nothing of
    height-for-width: at 1280×800 the headings were given one line each, and the two-line
    heading below the leaderboard was drawn over its last row."""

    #: Its width changed: the height it needs may have too.
    widthChanged = Signal()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        hint = super().minimumSizeHint()
        layout = self.layout()
        if layout is not None and layout.hasHeightForWidth():
            hint.setHeight(max(hint.height(), layout.totalHeightForWidth(self.width())))
        return hint

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width():
            self.updateGeometry()  # the labels wrap to other heights: the splitter asks again
            self.widthChanged.emit()


class _Scroll(QScrollArea):
    """Scrolls the tab's body where the tab is shorter than it needs (many models, a small
    screen), and asks the window for the room it needs, up to :data:`ROOM_ASKED`."""

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        hint = super().minimumSizeHint()
        body = self.widget()
        if body is not None and body.isVisibleTo(self):
            hint.setHeight(max(hint.height(), min(body.minimumSizeHint().height(), ROOM_ASKED)))
        return hint

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt name)
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()  # the body needs another height (other results, other width)
        return super().eventFilter(watched, event)


class _LogAxis(pg.AxisItem):
    """Log ticks in the user's number format, and a title that fits the axis's length (a long
    model name ran off the end of a short plot): the first of :attr:`titles` that fits, else
    :attr:`cut`'s name cut in its middle with "…" before its units ("gradient_b…_v2 (nats)");
    the whole title is the axis's tooltip."""

    #: The title, then shorter ones (set before ``setLabel``).
    titles: tuple[str, ...] = ()
    #: The name and its units' suffix (" (nats)"), for the shortest title.
    cut: tuple[str, str] = ("", "")

    def tickStrings(self, values, scale, spacing):  # noqa: N802 (pyqtgraph name)
        return [localize(t) for t in super().tickStrings(values, scale, spacing)]

    def logTickStrings(self, values, scale, spacing):  # noqa: N802 (pyqtgraph name)
        return log_tick_texts(values, scale)

    def labelString(self) -> str:  # noqa: N802 (pyqtgraph name)
        size = self.size()
        room = int(size.height() if self.orientation in ("left", "right") else size.width()) - 8
        metrics = QFontMetrics(self.label.font())
        titles = self.titles or (self.labelText,)
        name, units = self.cut if self.cut[0] else (titles[-1], "")
        text = next((t for t in titles if metrics.horizontalAdvance(t) <= room), None)
        if text is None:
            left = room - metrics.horizontalAdvance(units)
            if left < metrics.horizontalAdvance("ab…"):  # (no room for the name beside it)
                name, units, left = name + units, "", room
            text = metrics.elidedText(name, Qt.TextElideMode.ElideMiddle, max(left, 0)) + units
        style = ";".join(f"{k}: {v}" for k, v in self.labelStyle.items())
        return f"<span style='{style}'>{html.escape(text)}</span>"

    def resizeEvent(self, ev=None) -> None:  # noqa: N802 (Qt name)
        if self.label is not None:
            self.label.setHtml(self.labelString())  # elided to the new length
        super().resizeEvent(ev)


class LossScatterPlot(QWidget):
    """Row loss of the reference (x) against another model's (y), log axes, the diagonal where
    both are equal: below it the other model is better."""

    rowClicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot = pg.PlotWidget(self, axisItems={"left": _LogAxis("left"),
                                                   "bottom": _LogAxis("bottom")})
        self.plot.setAccessibleName("Row loss of the reference against the other model")
        self.plot.setMenuEnabled(False)
        self.plot.focus_frame = FocusFrame(self.plot)  # (Tab stops here: it shows it)
        self.plot.setMinimumSize(160, 120)
        self.item = self.plot.getPlotItem()
        self.item.setLogMode(x=True, y=True)  # the data are log10 of the losses
        self.item.showGrid(x=True, y=True, alpha=0.2)
        self.diagonal = pg.PlotCurveItem()
        self.points = pg.ScatterPlotItem(size=6, pen=None, hoverable=True)
        self.points.sigClicked.connect(self._clicked)
        self.item.addItem(self.diagonal)
        self.item.addItem(self.points)
        self.note = WrappingLabel("")  # (on two lines in a narrow pane, not cut)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)  # (the plot has margins of its own)
        layout.addWidget(self.note)
        layout.addWidget(self.plot, 1)
        self.scatter: Scatter | None = None
        self.apply_palette(self.palette())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        """Room for the note wrapped at this width above the smallest plot: a splitter gives a
        pane no less than this, and knows nothing of height-for-width (the note took two lines
        of the plot's room, and the bottom axis's title was cut)."""
        hint = super().minimumSizeHint()
        need = (self.note.heightForWidth(self.width()) + self.layout().spacing()
                + self.plot.minimumHeight())
        hint.setHeight(max(hint.height(), need))
        return hint

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width():
            self.updateGeometry()  # the note wraps to another height

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self.apply_palette(self.palette())

    def apply_palette(self, palette: QPalette) -> None:
        bg = palette.color(QPalette.ColorRole.Base)
        fg = palette.color(QPalette.ColorRole.Text)
        theme.colour_plot(self.plot, self.item, bg, fg)
        self.diagonal.setPen(pg.mkPen(fg, width=1, style=Qt.PenStyle.DashLine))
        c = theme.readable(QColor(POINT_COLOR), bg, ratio=theme.GRAPHIC_CONTRAST)
        self._brushes = [pg.mkBrush(c.red(), c.green(), c.blue(), int(a))
                         for a in np.linspace(70, 230, DENSITY_LEVELS)]
        self._brush = pg.mkBrush(c.red(), c.green(), c.blue(), 150)
        if self.scatter is not None:
            self._draw()

    def set_scatter(self, scatter: Scatter | None, x_name: str = "", y_name: str = "") -> None:
        """Draw ``scatter``; the axes are titled with the models' names and its units."""
        self.scatter = scatter
        units = scatter.units if scatter is not None else "nats"
        for side, name in (("bottom", x_name), ("left", y_name)):
            axis = self.item.getAxis(side)
            axis.titles = (f"Row loss of {name} ({units})", f"{name} ({units})") if name else ()
            axis.cut = (name, f" ({units})")
            axis.setToolTip(axis.titles[0] if name else "")
            self.item.setLabel(side, axis.titles[0] if name else "")
        self._draw()

    def _draw(self) -> None:
        s = self.scatter
        if s is None:
            self.points.setData([], [])
            self.diagonal.setData([], [])
            self.note.setText("")
            return
        self.diagonal.setData([s.low, s.high], [s.low, s.high])
        if s.density:
            level = scatter_levels(s, DENSITY_LEVELS)
            self.points.setData(x=s.x, y=s.y, size=DENSITY_SIZES[level],
                                brush=[self._brushes[k] for k in level], data=None)
            self.note.setText(f"{s.n:,} rows, as marks larger for more rows; below the "
                              "diagonal the other model is better")
            self.plot.setToolTip("Each mark is a cell of rows, larger and darker for more rows. "
                                 f"Losses below 10⁻⁴ {s.units} are drawn at the axes' start.")
        else:
            self.points.setData(x=s.x, y=s.y, data=s.rows, brush=self._brush, size=6)
            # (short enough for one line over a narrow plot: the rest is in the tooltip)
            self.note.setText("Below the diagonal the other model is better")
            self.plot.setToolTip("One point a row: click a point to select its row. Losses "
                                 f"below 10⁻⁴ {s.units} are drawn at the axes' start.")
        self.item.setXRange(s.low, s.high, padding=0.02)
        self.item.setYRange(s.low, s.high, padding=0.02)

    def _clicked(self, _item, points, *_args) -> None:
        if len(points) and points[0].data() is not None:
            self.rowClicked.emit(int(points[0].data()))


class CompareView(QWidget):
    """The Compare tab (see the module docstring)."""

    #: The user chose another reference model (its index in the table's models).
    referenceChanged = Signal(int)
    #: The user asked to see a table row (a disagreeing row, a point of the scatter).
    rowRequested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("compareView")
        self.setAccessibleName("Compare models")
        self.result: Comparison | None = None
        self.dataset = None
        #: The units of the losses shown (the window's: "nats" or "bits").
        self.units = "nats"
        self._filling = False

        self.reference = _NameCombo("The model every other model is compared with")
        self.reference.setAccessibleName("Reference model")
        self.other = _NameCombo("The model whose disagreements and row losses are shown below")
        self.other.setAccessibleName("Model compared with the reference")
        self.busy = BusyNote()
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Reference:"))
        bar.addWidget(self.reference)
        bar.addSpacing(12)
        bar.addWidget(QLabel("Against:"))
        bar.addWidget(self.other)
        bar.addWidget(self.busy)
        bar.addStretch(1)

        self.empty = QLabel(EMPTY_NOTE)
        self.empty.setWordWrap(True)
        self.empty.setAccessibleName("Nothing to compare")
        self.leaderboard = _SmallTable("Leaderboard", leaderboard_header(self.units), names=True)
        self.differences = _SmallTable("Paired differences", difference_header(self.units),
                                       names=True)
        self.sentences = WrappingLabel("")  # (a model's long name wraps too)
        self.sentences.setAccessibleName("What the differences say")
        self.disagree = _SmallTable("Rows where the models disagree most",
                                    disagreement_header(self.units))
        self.disagree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.disagree.setMinimumWidth(150)
        self.disagree.itemSelectionChanged.connect(self._disagree_selected)
        self.scatter = LossScatterPlot()
        self.scatter.rowClicked.connect(self.rowRequested)

        lower = QSplitter(Qt.Orientation.Horizontal)
        lower.setChildrenCollapsible(False)
        self.lower = lower
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        self.disagree_title = QLabel("<b>Largest |Δ row loss|</b>")
        # (wrapped in its pane: unwrapped it widened the pane and ran into the scatter's note)
        self.disagree_title.setWordWrap(True)
        lv.addWidget(self.disagree_title)
        lv.addWidget(self.disagree, 1)
        lower.addWidget(left)
        lower.addWidget(self.scatter)
        lower.setStretchFactor(1, 1)

        upper = _Column()
        b = QVBoxLayout(upper)
        b.setContentsMargins(0, 0, 0, 0)
        b.setSpacing(3)  # (a heading belongs to its table; the room goes to the scatter)
        b.addWidget(QLabel("<b>Leaderboard</b> (lowest loss first)"))
        b.addWidget(self.leaderboard)
        differences = QLabel("<b>Against the reference</b> (paired; Δ = model − reference, "
                             "negative is better)")
        differences.setToolTip("Paired: each model's row losses on the same rows as the "
                               "reference's, row by row")
        differences.setWordWrap(True)
        self.differences_title = differences
        b.addWidget(differences)
        b.addWidget(self.differences)
        b.addWidget(self.sentences)
        # The tables above, the rows and the scatter below: drag the line between them to give
        # the scatter more room on a small screen.
        self.body = QSplitter(Qt.Orientation.Vertical)
        self.body.setObjectName("compareSplitter")
        self.body.setChildrenCollapsible(False)
        self.body.addWidget(upper)
        self.body.addWidget(lower)
        self.body.setStretchFactor(0, 0)
        self.body.setStretchFactor(1, 1)
        self.body.setSizes([1, 10_000])  # the tables as small as they can be, the scatter the rest
        # ... and again whenever the tables need less (wider, fewer models), until the user
        # drags the line (a splitter never shrinks a pane on its own).
        self._split_auto = True
        self.body.splitterMoved.connect(self._split_moved)
        # The rows' table as wide as its columns, the scatter the rest (its note on one line).
        self._lower_auto = True
        lower.splitterMoved.connect(self._lower_moved)
        self._split_timer = QTimer(self)
        self._split_timer.setSingleShot(True)
        self._split_timer.setInterval(0)
        self._split_timer.timeout.connect(self._fit_split)
        upper.widthChanged.connect(self._split_timer.start)
        # Where the tab is shorter than the tables and the smallest scatter (many models, a
        # small screen), it scrolls: nothing is drawn over anything or cut off.
        self.scroll = _Scroll()
        self.scroll.setObjectName("compareScroll")
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(self.body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(self.empty)
        layout.addWidget(self.scroll, 1)
        self.reference.currentIndexChanged.connect(self._reference_chosen)
        self.other.currentIndexChanged.connect(self._other_chosen)
        self.set_result(None)

    # -- showing ------------------------------------------------------------------------------

    def set_dataset(self, dataset) -> None:
        """The table whose rows the disagreements name (IDs)."""
        self.dataset = dataset

    def set_stale(self) -> None:
        pass

    def set_units(self, units: str) -> None:
        """Show the losses in ``units`` ("nats" or "bits"): the same comparison, converted."""
        self.units = units
        self.leaderboard.set_header(leaderboard_header(units))
        self.differences.set_header(difference_header(units))
        self.disagree.set_header(disagreement_header(units))
        if self.result is not None:
            self._show_numbers()

    def set_result(self, result: Comparison | None) -> None:
        self.result = result
        has = result is not None
        self.empty.setVisible(not has)
        self.scroll.setVisible(has)
        for w in (self.reference, self.other):
            w.setEnabled(has)
        if not has:
            self._set_items(self.reference, [], 0)
            self._set_items(self.other, [], 0)
            return
        names = [m.column for m in result.models]
        self._set_items(self.reference, names, result.reference)
        others = [d.column for d in result.differences]
        keep = self.other.currentText()
        self._set_items(self.other, others, others.index(keep) if keep in others else 0)
        self._show_numbers()

    def _show_numbers(self) -> None:
        """The tables, the sentences and the other model's rows and scatter, in the units."""
        result, units = self.result, self.units
        for table, cells in ((self.leaderboard, leaderboard_cells(result, units)),
                             (self.differences, difference_cells(result, units))):
            _fill(table, cells, names=True)
            table.fit_columns()
            table.fit_rows()
        lines = [d.sentence(units) for d in result.differences] + undefined_reasons(result)
        self.sentences.setText("\n".join(lines))
        self._show_other()
        self._split_timer.start()

    def _split_moved(self, *_args) -> None:
        self._split_auto = False

    def _lower_moved(self, *_args) -> None:
        self._lower_auto = False

    def _fit_split(self) -> None:
        """The tables get the height they need, the rows' table the width of its columns, and
        the scatter the rest (unless the user chose)."""
        sizes = self.lower.sizes()
        if self._lower_auto and sum(sizes) > 0:
            table = self.disagree
            need = (table.horizontalHeader().length() + 2 * table.frameWidth()
                    + table.verticalScrollBar().sizeHint().width())
            need = max(need, self.lower.widget(0).minimumSizeHint().width())
            if sizes[0] != need and sum(sizes) - need >= self.scatter.minimumSizeHint().width():
                self.lower.setSizes([need, sum(sizes) - need])
        sizes = self.body.sizes()
        if not self._split_auto or sum(sizes) <= 0:
            return
        need = self.body.widget(0).minimumSizeHint().height()
        if sizes[0] != need:
            self.body.setSizes([need, sum(sizes) - need])

    def _set_items(self, combo: QComboBox, names, current: int) -> None:
        self._filling = True
        try:
            if [combo.itemText(i) for i in range(combo.count())] != list(names):
                combo.clear()
                combo.addItems(list(names))
            if names:
                combo.setCurrentIndex(current)
        finally:
            self._filling = False

    def current_difference(self):
        r = self.result
        if r is None or not r.differences:
            return None
        k = max(0, min(self.other.currentIndex(), len(r.differences) - 1))
        return r.differences[k]

    def _show_other(self) -> None:
        d = self.current_difference()
        r = self.result
        if d is None or r is None:
            return
        units = self.units
        rows = disagreement_cells(self.dataset, d, units=units) if self.dataset is not None else []
        self._filling = True
        try:
            _fill(self.disagree, [(str(row + 1), ident, delta) for row, ident, delta in rows])
            self._disagree_rows = [row for row, _i, _d in rows]
        finally:
            self._filling = False
        self.disagree_title.setText(f"<b>Largest |Δ row loss|</b>: "
                                    f"{html.escape(breakable(d.column))} − "
                                    f"{html.escape(breakable(d.reference))}")
        self.scatter.set_scatter(loss_scatter(r, r.reference, d.index, units=units), d.reference,
                                 d.column)
        self._split_timer.start()  # (the rows' IDs may need another width)

    # -- the user ------------------------------------------------------------------------------

    def _reference_chosen(self, index: int) -> None:
        if not self._filling and index >= 0:
            self.referenceChanged.emit(index)

    def _other_chosen(self, _index: int) -> None:
        if not self._filling:
            self._show_other()

    def _disagree_selected(self) -> None:
        if self._filling:
            return
        rows = self.disagree.selectionModel().selectedRows()
        if rows:
            self.rowRequested.emit(self._disagree_rows[rows[0].row()])
