"""The main window: observations, results, summary, penalty curve and settings on one screen.

The window only assembles widgets and routes user actions; each slot calls one core function or
one undo operation. Data lives in the :class:`Document`.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
from PySide6.QtCore import QByteArray, QEvent, QItemSelectionModel, QLocale, QSettings, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QGuiApplication, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QAbstractScrollArea,
    QCheckBox,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ..core.clipboard import PasteError, delimited_lines, parse_block, plan_paste
from ..core.dataset import Dataset
from ..core.formatting import count_text
from ..core.explain import walkthrough_html
from ..core.formatting import C_STYLE, fmt_count, fmt_number
from ..core.loss import OPTION_KEYS, LossOptions
from ..core.policies import make_policy
from ..resources import multiclass_example_path, resource_path, worked_example_path
from . import commands, theme
from .document import Document
from .files import FileController
from .focus_order import next_stop, scroll_stop
from .compare_jobs import CompareController
from .compare_view import CompareView
from .insight_jobs import InsightController
from .insight_plots import CalibrationPlot, LossHistogramPlot
from .jobs import Jobs
from .large_view import DataSetPanel
from .model_actions import ModelActions
from .numbers import ENGLISH, NUMBER_FORMATS, SYSTEM, apply_number_format, locale_style
from .parity_panel import ParityPanel
from .penalty_plot import PenaltyPlot
from .settings_panel import SettingsPanel
from .plain_text import rich_text
from .statistics_panel import StatisticsPanel
from .summary_panel import SummaryPanel
from .table_model import ObservationsModel
from .table_views import DataTableView, LinkedTables, copy_text, paste_start
from .widgets import ElidedLabel, FocusFrame, StatusBar

#: The window's size on first start, when the screen has room for it (else: as large as fits).
DEFAULT_SIZE = QSize(1400, 860)
#: The plot keeps at least this share of the right column's height whatever the summary says.
PLOT_SHARE = 0.35
#: ... and a data area (inside its axes) at least this many lines of text high, and as high as
#: its vertical axis's title is long, where the right column has room for that under the
#: summary's first lines (caption, loss and its units): at 2x on 1920×1080 (960×540 for Qt)
#: the plots kept 35 % and drew their data in ~50 px, axis titles cut, while the summary had
#: 65 %. The summary scrolls instead. (9 lines: at 1280×800 the worked example's summary is
#: still whole above the penalty curve, also with an infinite loss.)
PLOT_MIN_LINES = 9
#: The summary's caption while the table holds the sample of a large data set.
SAMPLE_CAPTION = "Log loss of the sample (the rows in the table)"
#: The tables take at most this share (%) of the window's width when it is divided for them.
TABLES_SHARE = 58
#: Where the two tables do not both fit, the observations keep the width of their columns up to
#: this share (%) of the tables' pane, and the results scroll sideways: the analyst's own values
#: stay whole while a derived column (a 2.2204e-16, a long note) needs more room.
OBSERVATIONS_SHARE = 60
#: Rows a click on a statistic (a calibration bin, the worst rows) selects at most.
MAX_SELECTED = 20_000
#: The tabs beside the penalty curve, by key: (title, shortcut).
VIEW_TABS = {"penalty": ("Penalty curve", "Ctrl+3"), "calibration": ("Calibration", "Ctrl+4"),
             "histogram": ("Row losses", "Ctrl+5"), "statistics": ("Statistics", "Ctrl+6"),
             "conventions": ("Conventions", "Ctrl+7"), "compare": ("Compare", "Ctrl+8")}


def load_multiclass_example() -> Dataset:
    """Twelve fruit photos and a model's probabilities for apple, banana and cherry (loss
    0.488): the worked example of categorical cross-entropy, read as any file is."""
    from ..core.io import read_table

    dataset, _info = read_table(multiclass_example_path())
    return dataset


def load_worked_example() -> Dataset:
    """The ten-observation example from the textbook explanation (loss 0.214).

    The file is ours and plain (ID, Actual, Predicted), so the csv module reads it: importing the
    general reader's polars would add ~0.35 s to every start-up for ten rows.
    """
    import csv

    with open(worked_example_path(), encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    dataset = Dataset.from_arrays([float(r["Actual"]) for r in rows], [float(r["Predicted"]) for r in rows],
                                  ids=[r["ID"] for r in rows])
    dataset.header_order = ["ID", "Actual", "Predicted"]  # (the default names are the file's)
    return dataset


class MainWindow(QMainWindow):
    def __init__(self, settings: QSettings | None = None, load_example: bool = True) -> None:
        super().__init__()
        self.setStatusBar(StatusBar())  # (a long message ends in "…", whole in the tooltip)
        self.settings = settings or QSettings()
        self.setAcceptDrops(True)
        self._update_title()
        icon = resource_path("icons", "bce-lab.svg")
        if icon.exists():
            self.setWindowIcon(QIcon(str(icon)))

        number_format = str(self.settings.value("view/number_format", SYSTEM))
        self.number_format = number_format if number_format in NUMBER_FORMATS else SYSTEM
        apply_number_format(self.number_format)
        if self.settings.value("view/dark", False, type=bool):
            theme.use_dark(True)
        self.doc = Document(options=self._stored_options())
        #: Background work of this window: sorting, loading, autosaving.
        self.jobs = Jobs(self)
        self.model = ObservationsModel(self.doc, self, jobs=self.jobs)
        self.obs_view = DataTableView(self.model, results=False, name="Observations table")
        self.res_view = DataTableView(self.model, results=True, name="Results table")
        self.tables = LinkedTables(self.obs_view, self.res_view)
        self.summary = SummaryPanel(self.doc)
        self.plot = PenaltyPlot(self.doc)
        # The statistics (issue 11): computed in the background, shown beside the penalty curve.
        self.insight = InsightController(self.doc, self.jobs, self)
        self.calibration = CalibrationPlot()
        self.loss_histogram = LossHistogramPlot()
        self.statistics = StatisticsPanel()
        self.parity = ParityPanel()
        # Several models on the same rows (issue 12): compared in the background too.
        self.compare = CompareController(self.doc, self.jobs, self)
        self.compare_view = CompareView()
        self.model_actions = ModelActions(self, self.doc, lambda text: self.statusBar().showMessage(text, 8000),
                                          self.jobs)
        self.settings_panel = SettingsPanel(self.doc)
        self.explain = QTextBrowser()
        self.explain.setAccessibleName("How is this computed")
        self.explain.setOpenExternalLinks(False)

        self.files = FileController(self, self.doc, self.settings, jobs=self.jobs)
        self._build_layout()
        self._create_actions()
        self._build_menus()
        self._connect()
        self._restore_state()
        self.data_set_dock.hide()  # (a saved layout may have had it open: it shows only a data set)
        if load_example:
            self.load_example()
        self.obs_view.setFocus()

    # -- construction -------------------------------------------------------------------------

    def _build_layout(self) -> None:
        self.invalid_only = QCheckBox("Invalid rows only")
        self.invalid_only.setToolTip("Show only the rows excluded from the loss")
        self.worst_first = QCheckBox("Worst rows first")
        self.worst_first.setToolTip("Sort by row loss, largest first")
        # Status texts elide instead of widening the pane (and with it the window).
        self.row_count = ElidedLabel()
        self.row_count.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.busy_label = ElidedLabel()
        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)  # indeterminate: a sort gives no progress to report
        self.busy_bar.setMaximumWidth(90)
        self.busy_bar.setAccessibleName("Sorting in progress")
        self.busy_label.hide()
        self.busy_bar.hide()
        bar = QHBoxLayout()
        bar.addWidget(QLabel("<b>Observations</b>"))
        bar.addStretch(1)
        bar.addWidget(self.invalid_only)
        bar.addWidget(self.worst_first)
        bar.addWidget(self.row_count, 1)
        # A background sort is reported in the status bar, with the loading progress: showing it
        # there never changes the width the tables' pane needs.
        for w in (self.busy_label, self.busy_bar):
            self.statusBar().addPermanentWidget(w)

        self.table_splitter = QSplitter(Qt.Orientation.Horizontal)
        self.table_splitter.setObjectName("tableSplitter")
        self.table_splitter.addWidget(self.obs_view)
        self.table_splitter.addWidget(self.res_view)
        self.table_splitter.setStretchFactor(0, 0)  # the observations keep their width
        self.table_splitter.setStretchFactor(1, 1)
        self.table_splitter.setCollapsible(0, False)
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(6, 6, 0, 6)
        lv.addLayout(bar)
        lv.addWidget(self.table_splitter, 1)

        self.right_splitter = QSplitter(Qt.Orientation.Vertical)
        self.right_splitter.setObjectName("rightSplitter")
        top = QWidget()
        th = QHBoxLayout(top)
        th.setContentsMargins(0, 0, 0, 0)
        th.addWidget(self.summary, 1)  # the summary takes the room the settings do not need
        th.addWidget(self.settings_panel, 0)
        # The splitter gives the summary the height its content needs (see _fit_summary); only
        # where even that leaves the plot too little does the summary scroll, never cut.
        self.top_area = QScrollArea()
        self.top_area.setObjectName("summaryArea")
        self.top_area.setAccessibleName("Summary and settings")
        self.top_area.setWidget(top)
        self.top_area.setWidgetResizable(True)
        self.top_area.setFrameShape(QScrollArea.Shape.NoFrame)
        self.top_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.right_splitter.addWidget(self.top_area)
        self.right_splitter.addWidget(self._build_views())
        self.right_splitter.setStretchFactor(0, 0)
        self.right_splitter.setStretchFactor(1, 1)

        self.main_splitter = QSplitter(Qt.Orientation.Horizontal)
        self.main_splitter.setObjectName("mainSplitter")
        self.main_splitter.addWidget(left)
        self.main_splitter.addWidget(self.right_splitter)
        # A wider or narrower window changes the right side (plot); the tables keep the width
        # their columns need.
        self.main_splitter.setStretchFactor(0, 0)
        self.main_splitter.setStretchFactor(1, 1)
        self.setCentralWidget(self.main_splitter)

        self.explain_dock = QDockWidget("How is this computed?", self)
        self.explain_dock.setObjectName("explainDock")
        self.explain_dock.setWidget(self.explain)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.explain_dock)
        self.explain_dock.hide()
        # A data set too large for the table: its summary over the tables (see large_view.py).
        self.data_set_panel = DataSetPanel()
        self.data_set_dock = QDockWidget("Data set", self)
        self.data_set_dock.setObjectName("dataSetDock")
        self.data_set_dock.setWidget(self.data_set_panel)
        self.addDockWidget(Qt.DockWidgetArea.TopDockWidgetArea, self.data_set_dock)
        self.data_set_dock.hide()
        self.resize(self.first_size())
        self._sized = False
        # No pane can be dragged to nothing: a collapsed tables pane hid both tables, and Ctrl+1
        # then sent typing into a table nobody could see (View → Reset layout restores the rest).
        for splitter in (self.main_splitter, self.table_splitter, self.right_splitter):
            splitter.setChildrenCollapsible(False)
        em = self.fontMetrics().horizontalAdvance("M")
        for view in (self.obs_view, self.res_view):
            view.setMinimumWidth(10 * em)
        self.plot.setMinimumSize(16 * em, 8 * em)
        self._summary_auto = True  # the summary's height follows its content until dragged
        self._plot_needs = (0, 0)  # the plots' pane's width and what it needs (see _plot_need)
        self._split_auto = True  # tables | right side follows the window's size until dragged
        self._to_top = False  # scroll to the top when the worst-first order arrives
        self._closing_for_signal = False
        self._fit_timer = QTimer(self)
        self._fit_timer.setSingleShot(True)
        self._fit_timer.setInterval(0)
        self._fit_timer.timeout.connect(self._fit_summary)

        # Inside a region (see focus_regions), Tab goes as the eye reads: the settings top to
        # bottom, the plot's bar before the plot. (Set here: Qt forgets the order set inside a
        # widget when it joins the window.)
        sp = self.settings_panel
        for chain in ([sp.policy, sp.eps, sp.input_kind, sp.smoothing, sp.pos_weight, sp.reduction,
                       sp.soft, sp.renormalize, sp.units],
                      [self.plot.log_axis, self.plot.reset_button, self.plot.plot]):
            for a, b in zip(chain, chain[1:]):
                QWidget.setTabOrder(a, b)
        for area in (self.top_area, self.statistics, self.parity, self.compare_view.scroll):
            scroll_stop(area)
        # Where the style shows the focus faintly (a table's current cell, a tab), a frame too.
        for view in (self.obs_view, self.res_view):
            view.focus_frame = FocusFrame(view)
        bar = self.views.tabBar()
        bar.focus_frame = FocusFrame(bar, lambda: bar.tabRect(bar.currentIndex()))
        bar.currentChanged.connect(bar.focus_frame.refresh)

    def focus_regions(self) -> list[QWidget]:
        """The window's parts in the order Tab visits them (Shift+Tab the other way round):
        the data set's summary above the tables, the tables and their options, the summary
        (its buttons; itself where it scrolls) and the settings beside it, the tabs and the open
        tab's page, the walk-through dock, the status bar's Cancel, and round again."""
        return [self.data_set_dock, self.obs_view, self.res_view, self.invalid_only, self.worst_first,
                self.top_area, self.views.tabBar(), *self.view_pages.values(), self.explain_dock,
                self.statusBar()]

    def focusNextPrevChild(self, forward: bool) -> bool:  # noqa: N802 (Qt name)
        """Tab and Shift+Tab, from any widget of the window: the next stop of
        :meth:`focus_regions` (see focus_order.py for why Qt's chain alone cannot do it)."""
        target = next_stop(self, self.focus_regions(), QApplication.focusWidget(), forward)
        if target is None:
            return super().focusNextPrevChild(forward)
        target.setFocus(Qt.FocusReason.TabFocusReason if forward else Qt.FocusReason.BacktabFocusReason)
        return True

    def _build_views(self) -> QTabWidget:
        """The penalty curve and, in tabs beside it, the statistics' views."""
        self.views = QTabWidget()
        self.views.setObjectName("views")
        self.views.setAccessibleName("Plots and statistics")
        self.views.setDocumentMode(True)
        self.views.setUsesScrollButtons(True)
        self.views.tabBar().setAccessibleName("Plots and statistics tabs")
        self.view_pages = {"penalty": self.plot, "calibration": self.calibration,
                           "histogram": self.loss_histogram, "statistics": self.statistics,
                           "conventions": self.parity, "compare": self.compare_view}
        for key, page in self.view_pages.items():
            title, keys = VIEW_TABS[key]
            self.views.addTab(page, title)
            self.views.setTabToolTip(self.views.count() - 1, f"{title} ({keys})")
        # Every tab's name whole: the window's division never narrows the right side below them
        # (at 1280×800 the notes' room for "invalid rows only" cut "Comp…" and brought arrows).
        self.views.setMinimumWidth(self.views.tabBar().sizeHint().width())
        # A running computation shows its progress in the tabs' corner, whatever tab is open.
        self.insight_bar = QProgressBar()
        self.insight_bar.setRange(0, 100)
        self.insight_bar.setMaximumWidth(90)
        self.insight_bar.setAccessibleName("Computing the statistics")
        self.insight_bar.setTextVisible(False)
        self.insight_bar.hide()
        self.views.setCornerWidget(self.insight_bar, Qt.Corner.TopRightCorner)
        self._insight_timer = QTimer(self)  # no flicker for a computation that ends at once
        self._insight_timer.setSingleShot(True)
        self._insight_timer.setInterval(300)
        self._insight_timer.timeout.connect(self._show_insight_busy)
        return self.views

    def first_size(self) -> QSize:
        """1400×860, or less where the screen is smaller: the first window fits the screen's
        available area at any scale (at 1.5x a 1920×1080 screen is 1280×720 for Qt)."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return QSize(1400, 860)
        available = screen.availableGeometry()
        # The frame and title bar come on top of this size: leave room for them.
        return QSize(min(1400, available.width() - 40), min(860, available.height() - 60))

    def _action(self, text: str, slot, shortcut=None, tip: str = "", checkable: bool = False) -> QAction:
        act = QAction(text, self)
        if shortcut is not None:
            if isinstance(shortcut, (list, tuple)):
                act.setShortcuts([QKeySequence(s) for s in shortcut])
            else:
                act.setShortcut(QKeySequence(shortcut))
        if tip:
            act.setStatusTip(tip)
            act.setToolTip(tip)
        act.setCheckable(checkable)
        # PySide6 delivers a shortcut's triggered() to a C++ slot such as QCheckBox.setChecked
        # with no argument (TypeError), and a menu click's triggered(bool) to slots that take
        # none: pass each slot exactly what it takes, the action's own tick for checkable ones.
        if checkable:
            act.triggered.connect(lambda *_args: slot(act.isChecked()))
        else:
            act.triggered.connect(lambda *_args: slot())
        self.addAction(act)
        return act

    def _create_actions(self) -> None:
        """Every action of the window, with its shortcut, in one place."""
        SK = QKeySequence.StandardKey
        a = self.actions = {}
        a["new"] = self._action("&New", self.new_document, SK.New, "Start an empty table")
        a["open"] = self._action("&Open…", self.files.open_dialog, SK.Open,
                                 "Open a CSV, TSV, spreadsheet, Parquet or Arrow file")
        a["open_folder"] = self._action("Open &Folder…", self.files.open_folder_dialog, "Ctrl+Alt+O",
                                        "Open a folder of part files (Parquet, Arrow, CSV) as one data set")
        a["save"] = self._action("&Save", self.files.save, SK.Save, "Save the observations")
        a["save_as"] = self._action("Save &As…", self.files.save_as, "Ctrl+Shift+S",
                                    "Save the observations to a new file (CSV, TSV or .xlsx)")
        a["export_results"] = self._action("Per-row &results (CSV)…", self.files.export_results, "Ctrl+Shift+R",
                                           "Corrected probability, ln and loss of every row")
        a["export_summary"] = self._action("&Summary (JSON)…", self.files.export_summary, None,
                                           "The summary in the schema of compute --json")
        a["export_plot"] = self._action("&Plot (PNG or SVG)…", lambda: self.files.export_plot(self.plot),
                                        None, "The penalty curve as an image")
        a["export_report"] = self._action("Re&port (PDF or HTML)…",
                                          lambda: self.files.export_report(self.plot), "Ctrl+Shift+P",
                                          "Summary, formula, plot, worst and invalid rows")
        a["join"] = self._action("&Join predictions by ID…", self.model_actions.join_predictions,
                                 "Ctrl+Shift+J", "Add another model's predictions from a file, "
                                 "matched to the table's rows by ID")
        a["add_model"] = self._action("Add &model column…", self.model_actions.add_model_column,
                                      "Ctrl+Shift+M", "Another model's predictions in a column of "
                                      "their own, compared with Predicted in the Compare tab")
        a["clear_recent"] = self._action("&Clear list", self.files.clear_recent, None, "Forget the recent files")
        a["quit"] = self._action("&Quit", self.close, "Ctrl+Q", "Quit BCE Lab")
        undo = self.doc.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcut(SK.Undo)
        redo = self.doc.undo_stack.createRedoAction(self, "&Redo")
        # SK.Redo is Ctrl+Y on Windows: adding Ctrl+Y again made the shortcut ambiguous (dead).
        redo_keys = []
        for key in (QKeySequence(SK.Redo), QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")):
            if key not in redo_keys:
                redo_keys.append(key)
        redo.setShortcuts(redo_keys)
        a["undo"], a["redo"] = undo, redo
        a["cut"] = self._action("Cu&t", self.cut, SK.Cut, "Copy the selected cells and clear them")
        a["copy"] = self._action("&Copy", self.copy, SK.Copy, "Copy the selected cells as tab-separated text")
        a["paste"] = self._action("&Paste", self.paste, SK.Paste, "Paste cells from a spreadsheet")
        a["clear"] = self._action("C&lear cells", self.clear_cells, SK.Delete, "Empty the selected cells")
        a["insert"] = self._action("&Insert row", self.insert_row, "Ctrl+I", "Insert an empty row above the current one")
        a["delete_rows"] = self._action("&Delete rows", self.delete_rows, "Ctrl+-", "Delete the selected rows")
        a["select_all"] = self._action("Select &all", self.obs_view.selectAll, SK.SelectAll, "Select every cell")
        a["weight"] = self._action("&Weight column", self.toggle_weight, "Ctrl+Shift+G",
                                   "Add or remove a column of sample weights", checkable=True)
        a["invalid_only"] = self._action("Show &invalid rows only", self.invalid_only.setChecked, "Ctrl+Shift+E",
                                         "Show only the rows excluded from the loss", checkable=True)
        a["worst_first"] = self._action("&Worst rows first", self.worst_first.setChecked, "Ctrl+Shift+W",
                                        "Sort rows by loss, largest first", checkable=True)
        a["unsort"] = self._action("&Original order", self.clear_order, "Ctrl+Shift+O",
                                   "Show the rows in their original order, all of them")
        a["log_axis"] = self._action("&Log-scaled loss axis", self.plot.set_log_axis, "Ctrl+L",
                                     "Log scale for the plot's loss axis", checkable=True)
        a["reset_view"] = self._action("&Reset plot view", self.plot.reset_view, "Ctrl+0", "Show all points")
        a["focus_table"] = self._action("Go to &table", lambda: self.focus_visible(self.obs_view), "Ctrl+1",
                                        "Move the focus to the table")
        a["focus_settings"] = self._action("Go to &settings", lambda: self.focus_visible(self.settings_panel.policy),
                                           "Ctrl+2",
                                           "Move the focus to the settings")
        for key, (title, keys) in VIEW_TABS.items():
            a[f"view_{key}"] = self._action(f"{title}", lambda k=key: self.show_view(k), keys,
                                            f"Show the {title.lower()} beside the summary")
        a["explain"] = self.explain_dock.toggleViewAction()
        a["explain"].setText("&How is this computed?")
        a["explain"].setShortcut(SK.HelpContents)
        a["example"] = self._action("Load worked &example", self.load_example, None,
                                    "Load the ten-observation example (loss 0.214)")
        a["example_multiclass"] = self._action(
            "Load &multi-class example", self.load_multiclass_example, None,
            "Load a worked example with three classes: twelve fruit photos (loss 0.488)")
        a["about"] = self._action("&About BCE Lab", self.about, None, "Version and credits")
        locale = QLocale()
        a["numbers_system"] = self._action(
            f"Your &locale ({locale.name()}: {fmt_number(0.5, style=locale_style(locale))})",
            lambda _on: self.set_number_format(SYSTEM), None,
            "Numbers with the decimal mark of your locale", checkable=True)
        a["numbers_english"] = self._action(
            f"&English ({fmt_number(0.5, style=C_STYLE)})", lambda _on: self.set_number_format(ENGLISH), None,
            "Numbers with a decimal point", checkable=True)
        a["sort_up"] = self._action("Sort &ascending by this column", lambda: self.sort_current(False),
                                    "Ctrl+Shift+A", "Sort the rows by the column of the current cell, smallest first")
        a["sort_down"] = self._action("Sort d&escending by this column", lambda: self.sort_current(True),
                                      "Ctrl+Shift+D", "Sort the rows by the column of the current cell, largest first")
        a["reset_layout"] = self._action("Reset la&yout", self.reset_layout, None,
                                         "Show every pane at its first size again")
        a["dark"] = self._action("&Dark theme", self.set_dark, None,
                                 "Light text on dark backgrounds (where the desktop does not set it)",
                                 checkable=True)
        a["dark"].setChecked(self.settings.value("view/dark", False, type=bool))
        group = QActionGroup(self)
        for key in ("numbers_system", "numbers_english"):
            group.addAction(a[key])
        a[f"numbers_{self.number_format}"].setChecked(True)

    def _build_menus(self) -> None:
        a, mb = self.actions, self.menuBar()
        m = mb.addMenu("&File")
        for key in ("new", "open", "open_folder"):
            m.addAction(a[key])
        self.recent_menu = m.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        for key in ("save", "save_as", None, "join"):
            m.addSeparator() if key is None else m.addAction(a[key])
        export = m.addMenu("&Export")
        for key in ("export_results", "export_summary", "export_plot", "export_report"):
            export.addAction(a[key])
        m.addSeparator()
        m.addAction(a["quit"])
        m = mb.addMenu("&Edit")
        for key in ("undo", "redo", None, "cut", "copy", "paste", "clear", None, "insert",
                    "delete_rows", "weight", "add_model", None, "select_all"):
            m.addSeparator() if key is None else m.addAction(a[key])
        m = mb.addMenu("&View")
        for key in ("invalid_only", "worst_first", "unsort", "sort_up", "sort_down", None, "log_axis",
                    "reset_view", None, "focus_table", "focus_settings", "reset_layout"):
            m.addSeparator() if key is None else m.addAction(a[key])
        m.addSeparator()
        for key in VIEW_TABS:
            m.addAction(a[f"view_{key}"])
        m.addSeparator()
        numbers = m.addMenu("&Number format")
        for key in ("numbers_system", "numbers_english"):
            numbers.addAction(a[key])
        m.addAction(a["dark"])
        m = mb.addMenu("&Help")
        for key in ("explain", "example", "example_multiclass", None, "about"):
            m.addSeparator() if key is None else m.addAction(a[key])

    def _connect(self) -> None:
        self.settings_panel.optionsRequested.connect(self.set_options)
        self.doc.optionsChanged.connect(self.plot.refresh)
        self.settings_panel.unitsChanged.connect(self.set_units)
        self.summary.switchPolicyRequested.connect(self.switch_policy)
        self.summary.showRowsRequested.connect(self.tables.select_data_rows)
        self.plot.rowClicked.connect(self.select_row_from_plot)
        self._connect_insight()
        self.obs_view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.invalid_only.toggled.connect(self.model.set_invalid_only)
        self.invalid_only.toggled.connect(self.actions["invalid_only"].setChecked)
        self.worst_first.toggled.connect(self._worst_first_toggled)
        self.worst_first.toggled.connect(self.model.set_worst_first)
        self.worst_first.toggled.connect(self.actions["worst_first"].setChecked)
        self.plot.log_axis.toggled.connect(self.actions["log_axis"].setChecked)
        self.obs_view.horizontalHeader().sectionClicked.connect(self._header_clicked)
        self.res_view.horizontalHeader().sectionClicked.connect(self._header_clicked)
        self.model.orderChanged.connect(self._order_changed)
        self.model.busyChanged.connect(self._busy_changed)
        self.doc.totalsChanged.connect(self._refresh_status)
        # While hidden the walk-through is not kept up to date: refresh it when it is shown.
        self.explain_dock.visibilityChanged.connect(lambda shown: shown and self._refresh_explain())
        self.doc.reset.connect(self._refresh_status)
        self.doc.modifiedChanged.connect(self.setWindowModified)
        # An edit, an undo or another table: what the status bar said of the last action (e.g.
        # "Pasted 2 rows") is stale; an action that has something to say says it after this.
        self.doc.undo_stack.indexChanged.connect(self.statusBar().clearMessage)
        self.doc.reset.connect(self._update_title)
        self.files.pathChanged.connect(self._update_title)
        self.doc.columnsChanged.connect(self._columns_changed)
        self.doc.reset.connect(self._columns_changed)  # another table: its own columns
        self.doc.replaced.connect(self._another_table)
        self.doc.replaced.connect(self._data_set_closed)  # (a data set's sample shows it again)
        self.files.largeOpened.connect(self._show_data_set)
        self.doc.optionsChanged.connect(lambda: self.data_set_panel.options_changed(self.doc.options))
        self.data_set_panel.recomputeRequested.connect(self._read_data_set_again)
        self.invalid_only.toggled.connect(self._show_notes)
        self.model.modelReset.connect(self._refit_tables)  # new data, options or columns
        self.res_view.noteResized.connect(self._refit_tables)  # notes appeared or went away
        self.summary.contentChanged.connect(self._fit_timer.start)
        # The summary's room also changes without the window resizing (the F1 dock opening or
        # closing, a splitter dragged) and its content without the summary saying so (the
        # settings growing a row): fit again then, or the scroll bar policy is stale and the
        # end of the summary cut with no way to reach it.
        self.right_splitter.installEventFilter(self)
        self.top_area.widget().installEventFilter(self)
        self.right_splitter.splitterMoved.connect(self._summary_dragged)
        # Another plot has other axes; a legend of more rows leaves less room for the data.
        self.views.currentChanged.connect(self._schedule_fit)
        for page in self.view_pages.values():
            graph = getattr(page, "plot", None)
            if hasattr(graph, "getPlotItem"):
                graph.getPlotItem().getViewBox().sigResized.connect(self._schedule_fit)
        self.main_splitter.splitterMoved.connect(self._main_dragged)

    def _connect_insight(self) -> None:
        ins = self.insight
        for view in (self.calibration, self.loss_histogram, self.statistics, self.parity):
            ins.updated.connect(view.set_result)
        for view in (self.statistics, self.parity):
            ins.stale.connect(view.set_stale)
        ins.busyChanged.connect(self._insight_busy)
        ins.progress.connect(self._insight_progress)
        self.statistics.thresholdChanged.connect(ins.set_threshold)
        self.statistics.showRowsRequested.connect(self.show_rows)
        self.parity.showRowsRequested.connect(self.show_rows)
        self.calibration.binClicked.connect(self.select_bin)
        self.files.report_extras = self.report_extras
        self.files.insight = ins
        cmp = self.compare
        cmp.updated.connect(self._show_comparison)
        cmp.busyChanged.connect(self.compare_view.busy.set_busy)
        cmp.progress.connect(self.compare_view.busy.set_progress)
        self.statistics.thresholdChanged.connect(cmp.set_threshold)
        self.compare_view.referenceChanged.connect(cmp.set_reference)
        self.compare_view.rowRequested.connect(self.select_row_from_plot)
        # Another table: the comparison shown is of the old one, and must not keep it alive.
        self.doc.replaced.connect(self._forget_comparison)

    def _forget_comparison(self) -> None:
        self.compare_view.set_dataset(None)
        self.compare_view.set_result(None)

    def _show_comparison(self, result) -> None:
        self.compare_view.set_dataset(self.doc.dataset)
        self.compare_view.set_result(result)

    # -- slots (thin: one call into the document, core or a model) ---------------------------

    def show_view(self, key: str) -> None:
        """Bring a tab beside the penalty curve to the front (View menu, Ctrl+3 to Ctrl+7)."""
        self.views.setCurrentWidget(self.view_pages[key])

    def show_rows(self, rows) -> None:
        """Select rows a statistic points at (the worst rows, a parity sentence's rows)."""
        rows = np.asarray(rows, dtype=np.int64)
        if rows.size and self.model.view_row(int(rows[0])) < 0:
            self.clear_order()  # hidden by "invalid rows only": show every row
        self.tables.select_data_rows(rows[:MAX_SELECTED])

    def select_bin(self, b: int) -> None:
        """A bin of the calibration diagram was clicked: select its rows in the table."""
        rows = self.insight.bin_rows(b)
        self.show_rows(rows)
        shown = min(rows.size, MAX_SELECTED)
        more = f" (the first {fmt_count(shown)})" if shown < rows.size else ""
        self.statusBar().showMessage(
            f"Selected {count_text(int(rows.size), 'row')} of calibration bin {b + 1}{more}", 8000)

    def _insight_busy(self, busy: bool) -> None:
        self.statistics.busy.set_busy(False)
        if busy:
            self._insight_timer.start()
        else:
            self._insight_timer.stop()
            self.insight_bar.hide()

    def _show_insight_busy(self) -> None:
        self.insight_bar.setValue(0)
        self.insight_bar.show()
        self.statistics.busy.set_busy(True)

    def _insight_progress(self, fraction: float, what: str) -> None:
        self.insight_bar.setValue(int(fraction * 100))
        self.insight_bar.setToolTip(f"Computing the statistics: {what}")
        if self.statistics.busy.isVisible():
            self.statistics.busy.set_progress(fraction, what)

    def report_extras(self) -> dict:
        """What a report adds to the summary and the penalty curve: the statistics of the table
        as it is now, and their plots as images."""
        from .files import widget_png

        result = self.insight.compute_now()
        return {"insight": result, "units": self.model.units,
                "comparison": self.compare.compute_now(),
                "images": {"calibration": widget_png(self.calibration),
                           "histogram": widget_png(self.loss_histogram)}}

    def _columns_changed(self) -> None:
        self.actions["weight"].setChecked(self.doc.has_weight)

    def _show_data_set(self, summary) -> None:
        self.data_set_panel.show_summary(summary, self.doc.options, self.model.units)
        self.data_set_dock.show()
        self.summary.caption.setText(SAMPLE_CAPTION)

    def _data_set_closed(self) -> None:
        self.data_set_dock.hide()
        self.summary.caption.setText(self.summary.CAPTION)

    def _read_data_set_again(self) -> None:
        if self.files.sample_of and self.files.maybe_save("reading the data set again"):
            from ..core.io import ReadOptions

            self.files.start_load(self.files.sample_of, ReadOptions())

    def _another_table(self) -> None:
        """A new table opens in its own order with nothing selected: the last file's sort,
        filter and selection (rows 3 to 7 of *that* file) mean nothing here."""
        self.clear_order()
        self.obs_view.selectionModel().clear()
        self.plot.set_selected_rows([])

    def _show_notes(self, on: bool) -> None:
        """Invalid rows only: their results are all "—", the reasons are in the Note column."""
        if on and self.model.rowCount():
            self.res_view.scrollTo(self.model.index(0, self.model.column_of("note")),
                                   QAbstractItemView.ScrollHint.PositionAtTop)

    def set_options(self, options: LossOptions, text: str = "Change settings") -> None:
        """A change of settings is one undo step; the panel shows what the document uses."""
        commands.set_options(self.doc, options, text)

    def switch_policy(self, name: str) -> None:
        new = dataclasses.replace(self.doc.options, policy=make_policy(name))
        self.set_options(new, f"Use {new.policy.label} clipping")

    def set_units(self, units: str) -> None:
        if units == self.model.units:
            return  # (the settings panel's box echoes a change back: nothing is shown twice)
        self.model.set_units(units)
        self.summary.set_units(units)
        self.plot.set_units(units)
        for view in (self.loss_histogram, self.statistics, self.parity, self.compare_view):
            view.set_units(units)
        self.settings_panel.set_units(units)
        self.data_set_panel.set_units(units)
        self._fit_tables()  # "Row loss (bits)"

    def set_number_format(self, choice: str) -> None:
        """Show every number in the user's locale (``system``) or in English (``english``)."""
        if choice not in NUMBER_FORMATS:
            return
        self.number_format = choice
        self.actions[f"numbers_{choice}"].setChecked(True)
        apply_number_format(choice)
        self.model.restyle()
        self.summary.refresh()
        self.settings_panel.refresh_numbers()
        self.plot.restyle_numbers()
        self._refresh_status()
        self._refresh_explain()

    def sort_current(self, descending: bool) -> None:
        """Sort by the column of the current cell (of the table that has the focus)."""
        view = self.res_view if self.res_view.hasFocus() else self.obs_view
        column = view.currentIndex().column()
        if column < 0:
            self.statusBar().showMessage("Select a cell in the column to sort by", 5000)
            return
        self.model.sort(column, Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder)

    def focus_visible(self, widget: QWidget) -> None:
        """Focus ``widget``, first bringing its pane back if it cannot be seen: typing must never
        go into a widget nobody can see."""
        # (A scroll area's own region is all under its viewport: ask the viewport.)
        shown = widget.viewport() if isinstance(widget, QAbstractScrollArea) else widget
        if not widget.isVisible() or shown.visibleRegion().isEmpty():
            self.reset_layout()
        widget.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def reset_layout(self) -> None:
        """View → Reset layout: every pane shown again, at its first size."""
        self.explain_dock.setFloating(False)
        for splitter in (self.main_splitter, self.table_splitter, self.right_splitter):
            for i in range(splitter.count()):
                splitter.widget(i).show()
        self.default_layout()

    def set_dark(self, on: bool) -> None:
        theme.use_dark(bool(on))
        self.settings.setValue("view/dark", bool(on))

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for i, path in enumerate(self.files.recent()):
            act = self.recent_menu.addAction(f"&{i + 1} {Path(path).name}")
            act.setToolTip(rich_text(path))
            act.setStatusTip(path)
            act.triggered.connect(lambda _checked=False, p=path: self.files.open_path(p))
        if not self.files.recent():
            self.recent_menu.addAction("(no recent files)").setEnabled(False)
        self.recent_menu.addSeparator()
        self.recent_menu.addAction(self.actions["clear_recent"])

    def load_example(self) -> None:
        if not self.files.maybe_save("loading the worked example"):
            return
        self._example = True
        self.doc.set_dataset(load_worked_example(), None)
        self.statusBar().showMessage("Worked example loaded: edit any cell and watch the loss follow", 5000)

    def load_multiclass_example(self) -> None:
        if not self.files.maybe_save("loading the multi-class example"):
            return
        self._example = "Multi-class example"
        self.doc.set_dataset(load_multiclass_example(), None)
        self.statusBar().showMessage(
            "Multi-class example loaded: three classes, one probability column each; edit any "
            "cell and watch the loss follow", 5000)

    def new_document(self) -> None:
        if not self.files.maybe_save("starting a new table"):
            return
        self._example = False
        ds = Dataset.empty()
        ds.insert_rows(0, 1)
        self.doc.set_dataset(ds, None)
        self.obs_view.setCurrentIndex(self.model.index(0, self.model.column_of("id")))
        self.statusBar().showMessage("New table: type or paste observations (ID, actual, predicted)", 5000)

    def copy(self) -> None:
        view = self.res_view if self.res_view.hasFocus() else self.obs_view
        text = copy_text(view)
        if text:
            QGuiApplication.clipboard().setText(text)

    def cut(self) -> None:
        self.copy()
        self.clear_cells("Cut")

    def clear_cells(self, label: str = "Clear cells") -> None:
        edits = [(self.model.data_row(i.row()), self.model.columns[i.column()].key, "")
                 for i in self.obs_view.selectionModel().selectedIndexes()
                 if self.model.columns[i.column()].editable]
        commands.edit_cells(self.doc, edits, label if isinstance(label, str) else "Clear cells")

    def paste(self) -> None:
        """Where the user sees the selection; below the last row (nothing selected) or a block
        with a header row: added at the end, columns matched by header (core.clipboard)."""
        block = parse_block(QGuiApplication.clipboard().text())
        if not block:
            return
        start = paste_start(self.obs_view)
        inputs = [c for c in self.model.columns if not c.result]
        shown = [c.key for c in inputs]
        try:
            plan = plan_paste(block, shown, None if start is None else start[1],
                              [c.title for c in inputs])
        except PasteError as exc:
            QMessageBox.warning(self, "Paste", str(exc))
            return
        rows = np.empty(0, dtype=np.int64)
        if not plan.append:
            rows = self.model.data_rows(range(start[0], min(start[0] + plan.n_rows, self.model.rowCount())))
        first = len(self.doc) if plan.append else int(rows[0]) if rows.size else len(self.doc)
        added = commands.paste(self.doc, plan, rows)
        msg = f"Pasted {count_text(plan.n_rows, 'row')}"
        if added:
            msg += " added at the end" if added == plan.n_rows else f", {count_text(added, 'row')} of them added"
        if plan.ignored:
            msg += f"; not used: {', '.join(plan.ignored)}"
        sep = delimited_lines(block)
        if sep is not None:
            msg += (f" — each line whole into one cell: its cells are separated by '{sep}', not "
                    "tabs (copy them from a spreadsheet, or open the file with File → Open)")
        self.statusBar().showMessage(msg, 15000 if sep else 8000)
        self._go_to_data_row(first, shown.index(plan.roles[0]) if plan.roles else 0)

    def _go_to_data_row(self, data_row: int, column: int) -> None:
        """Make this cell the current and only selected one, scrolled into view."""
        v = self.model.view_row(data_row)
        if v < 0:
            return
        index = self.model.index(v, column)
        self.obs_view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.obs_view.scrollTo(index)

    def insert_row(self) -> None:
        idx = self.obs_view.currentIndex()
        at = self.model.data_row(idx.row()) if idx.isValid() else len(self.doc)
        commands.insert_rows(self.doc, at, 1)
        # The new row alone is selected (the old selection moved down with its rows): a paste
        # now fills it instead of starting at the row below.
        self._go_to_data_row(at, max(idx.column(), 0))

    def delete_rows(self) -> None:
        rows = self.tables.selected_data_rows()
        if rows.size:
            commands.delete_rows(self.doc, rows)

    def toggle_weight(self, on: bool) -> None:
        commands.set_weight_column(self.doc, bool(on))
        self._columns_changed()  # the tick says what the table has, even if nothing changed

    def clear_order(self) -> None:
        self.invalid_only.setChecked(False)
        self.worst_first.setChecked(False)
        self.model.clear_order()

    def select_row_from_plot(self, data_row: int) -> None:
        if self.model.view_row(data_row) < 0:
            self.clear_order()
        self.tables.select_data_rows([data_row])

    def _header_clicked(self, section: int) -> None:
        state = self.model.sort_state
        key = self.model.columns[section].key
        if state and state[0] == key:
            order = (Qt.SortOrder.DescendingOrder if state[1] == Qt.SortOrder.AscendingOrder
                     else Qt.SortOrder.AscendingOrder)
        else:
            order = Qt.SortOrder.AscendingOrder
        self.model.sort(section, order)

    def _worst_first_toggled(self, on: bool) -> None:
        self._to_top = on  # the worst rows are at the top: show them when the order arrives

    def _busy_changed(self, text: str) -> None:
        self.busy_label.setText(text)
        self.busy_label.setVisible(bool(text))
        self.busy_bar.setVisible(bool(text))

    def _order_changed(self) -> None:
        state = self.model.sort_state
        for view in (self.obs_view, self.res_view):
            header = view.horizontalHeader()
            if state:
                header.setSortIndicator(self.model.column_of(state[0]), state[1])
            else:
                header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self._refit_tables()  # other rows in view, and the sorted column's arrow
        if self.worst_first.isChecked() and state != ("loss", Qt.SortOrder.DescendingOrder):
            self.worst_first.blockSignals(True)
            self.worst_first.setChecked(False)
            self.worst_first.blockSignals(False)
            self.actions["worst_first"].setChecked(False)
        if self._to_top and state == ("loss", Qt.SortOrder.DescendingOrder):
            self._to_top = False
            self.obs_view.scrollToTop()  # the results pane follows
        self._refresh_status()
        self._selection_changed()

    def _selection_changed(self, *_args) -> None:
        self.plot.set_selected_rows(self.tables.selected_data_rows())

    def _refresh_status(self) -> None:
        n, shown = len(self.doc), self.model.rowCount()
        self.row_count.setText(f"{fmt_count(shown)} of {fmt_count(n)} rows" if shown != n else f"{fmt_count(n)} rows")
        if self.explain_dock.isVisible() or not self.explain.toPlainText():
            self._refresh_explain()

    def _refresh_explain(self) -> None:
        live = self.doc.live
        self.explain.setHtml(walkthrough_html(self.doc.dataset, live.loss, live.valid, live.totals,
                                              self.doc.options))

    def about(self) -> None:
        # Version, licences of the bundled components, where settings and recovery files live.
        from .about_dialog import AboutDialog

        dialog = AboutDialog(self.settings, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()  # window-modal without blocking the event loop
        self.about_dialog = dialog

    # -- persistence --------------------------------------------------------------------------

    def _stored_options(self) -> LossOptions:
        """The options in force when the window last closed (LossOptions' own plain form)."""
        s = self.settings
        try:
            return LossOptions.from_dict({key: s.value(f"loss/{key}") for key in OPTION_KEYS})
        except ValueError:
            return LossOptions()

    def _restore_state(self) -> None:
        s = self.settings
        for key, restore in (("window/geometry", self.restoreGeometry), ("window/state", self.restoreState),
                             ("window/main_splitter", self.main_splitter.restoreState),
                             ("window/table_splitter", self.table_splitter.restoreState),
                             ("window/right_splitter", self.right_splitter.restoreState)):
            value = s.value(key)
            if isinstance(value, QByteArray):
                restore(value)
        units = str(s.value("view/units", "nats"))
        if units in ("nats", "bits") and units != "nats":
            self.set_units(units)
        if s.value("view/log_axis", False, type=bool):
            self.plot.set_log_axis(True)

    def save_state(self) -> None:
        s = self.settings
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        s.setValue("window/main_splitter", self.main_splitter.saveState())
        s.setValue("window/table_splitter", self.table_splitter.saveState())
        s.setValue("window/right_splitter", self.right_splitter.saveState())
        for key, value in self.doc.options.to_dict().items():
            # (a float as its repr: the settings file keeps text, and repr reads back exactly)
            s.setValue(f"loss/{key}", "" if value is None else repr(value) if isinstance(value, float) else value)
        s.setValue("view/units", self.model.units)
        s.setValue("view/log_axis", self.plot.log_axis.isChecked())
        s.setValue("view/number_format", self.number_format)
        s.sync()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().showEvent(event)
        if not self._sized:
            self._sized = True
            restored = self.settings.value("window/geometry") is not None
            self.fit_to_screen(default=not restored)
            if self.settings.value("window/main_splitter") is None or self._pane_collapsed():
                self.default_layout()
            else:
                self._split_auto = False  # the user's own division, as they left it
                self._fit_tables()
                self._fit_summary()

    def fit_to_screen(self, default: bool = False) -> None:
        """Keep the window on its screen: a restored size from a larger screen (or a width the
        window grew to) is cut to the screen's free area. ``default``: first start, no saved
        size: DEFAULT_SIZE, or 85 % of a larger screen, or maximised on a smaller one."""
        screen = self.screen()
        if screen is None:
            return
        avail = screen.availableGeometry()
        frame = self.frameGeometry()
        extra = QSize(frame.width() - self.width(), frame.height() - self.height())
        if extra.height() <= 0 and QGuiApplication.platformName() == "xcb":
            extra = QSize(8, 40)  # an X11 window manager frames the window only after it is shown
        room = avail.size() - extra
        if default:
            if DEFAULT_SIZE.width() > room.width() or DEFAULT_SIZE.height() > room.height():
                self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)
                return
            self.resize(DEFAULT_SIZE.expandedTo(QSize(avail.width() * 85 // 100, avail.height() * 85 // 100))
                        .boundedTo(room))
        elif self.width() > room.width() or self.height() > room.height():
            self.resize(self.size().boundedTo(room))
        frame = self.frameGeometry()
        if not avail.contains(frame):
            self.move(max(avail.left(), min(frame.left(), avail.right() - frame.width())),
                      max(avail.top(), min(frame.top(), avail.bottom() - frame.height())))

    def _pane_collapsed(self) -> bool:
        """A splitter pane at (next to) nothing, e.g. as saved by an older version."""
        return any(size < 8 for splitter in (self.main_splitter, self.table_splitter, self.right_splitter)
                   for size in splitter.sizes())

    def default_layout(self) -> None:
        """Tables sized to their columns on the left; summary and settings, as tall as their
        content, above the plot on the right."""
        self._split_auto = True
        self._fit_summary()
        self._fit_tables(main=True)
        self._summary_auto = True
        self._fit_summary()

    def _fit_tables(self, main: bool = False) -> None:
        """Give each table pane the width its columns need (the observations exactly, up to
        OBSERVATIONS_SHARE where both do not fit; the results the rest). ``main``: also divide the window between tables and the right side
        (summary, settings and plot), which keeps at least 100 − TABLES_SHARE %."""
        obs, res = self.obs_view.fit_columns(), self.res_view.fit_columns()
        left, right = self.main_splitter.sizes()
        total = left + right
        if total <= 0:
            return
        if main:
            left = min(obs + res + self.left_pane_margins(), total * TABLES_SHARE // 100)
            self.main_splitter.setSizes([left, total - left])
            # (the table splitter learns its new width only at the next layout: compute it)
            left = self.main_splitter.sizes()[0]
            inner = left - self.left_pane_margins()
        else:
            inner = sum(self.table_splitter.sizes())
        if inner > 0:
            first = min(obs, inner * OBSERVATIONS_SHARE // 100) if obs + res > inner else obs
            self.table_splitter.setSizes([first, inner - first])

    def _refit_tables(self) -> None:
        """New data, columns or window size: refit, dividing the window again unless the user
        has placed the divider between tables and plot."""
        self._fit_tables(main=self._split_auto)

    def left_pane_margins(self) -> int:
        lv = self.main_splitter.widget(0).layout()
        m = lv.contentsMargins()
        return m.left() + m.right() + self.table_splitter.handleWidth()

    def _summary_dragged(self, *_args) -> None:
        self._summary_auto = False

    def _main_dragged(self, *_args) -> None:
        self._split_auto = False
        self._fit_timer.start()

    def _fit_summary(self) -> None:
        """The summary and settings get the height their content needs at the current width
        (an infinite loss adds its explanation and buttons), the plot the rest; never less than
        the plot's floor (see _plot_floor). Once the user drags the divider, it only grows to fit."""
        top, area = self.top_area.widget(), self.top_area
        # The settings show whole names when there is room, but leave the summary at least half.
        sp = self.settings_panel
        width = area.width() - 2 * area.frameWidth()
        sp.setMaximumWidth(max(sp.minimumSizeHint().width(), width * 48 // 100))
        # The scroll area only ever scrolls up and down: it is as wide as what it holds needs.
        scroll = area.verticalScrollBar().sizeHint().width()
        area.setMinimumWidth(top.minimumSizeHint().width() + scroll)
        sizes = self.right_splitter.sizes()
        total = sum(sizes)
        if total <= 0 or width <= 0:
            return
        need = top.heightForWidth(width) if top.hasHeightForWidth() else top.sizeHint().height()
        need = max(need, top.minimumSizeHint().height())
        height = min(need, total - self._plot_floor(total))
        if sizes[0] < height or (self._summary_auto and sizes[0] != height):
            self.right_splitter.setSizes([height, total - height])
        else:
            height = sizes[0]
        # A scroll bar only when even the room allowed cannot hold it all (a very short window).
        area.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff if need <= height
                                        else Qt.ScrollBarPolicy.ScrollBarAsNeeded)

    def _plot_floor(self, total: int) -> int:
        """The height the plots' pane keeps out of ``total``: PLOT_SHARE of it, and what the
        plot needs (see _plot_need) as long as the summary keeps its first lines: the loss is
        never scrolled away."""
        line = self.fontMetrics().height()
        need = self._plot_need()
        if need is None:  # (no plot laid out yet at this width: its axes and legend, roughly)
            need = (9 + PLOT_MIN_LINES) * line
        s = self.summary
        first_lines = s.unit_label.geometry().bottom() + s.layout().contentsMargins().bottom()
        first_lines = max(first_lines, 5 * line) + 2 * self.top_area.frameWidth()
        return max(int(total * PLOT_SHARE), min(need, total - first_lines))

    def _plot_need(self) -> int | None:
        """The plots' pane's height for a data area of PLOT_MIN_LINES lines, and no shorter
        than the vertical axis's title: the tab bar, the page's tool row, the axes with their
        titles and the legend under them come on top. Measured on the plot shown (a page
        without a plot keeps what the last plot needed); None before any was laid out."""
        page = self.views.currentWidget()
        graph = getattr(page, "plot", None)
        if hasattr(graph, "getPlotItem") and graph.isVisible():
            item = graph.getPlotItem()
            box = item.getViewBox()
            if box.height() >= 1:  # (squeezed to nothing it tells the axes' share no more)
                around = self.views.height() - int(box.height())
                axis = item.getAxis("left")
                title = axis.label.boundingRect().width() if axis.isVisible() and axis.label.isVisible() else 0
                line = self.fontMetrics().height()
                data = max(PLOT_MIN_LINES * line, int(title) + line)
                self._plot_needs = (self.views.width(), around + data)
        width, need = self._plot_needs
        return need if width == self.views.width() else None

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt name)
        kind = event.type()
        if ((kind == QEvent.Type.Resize and watched is self.right_splitter)
                or (kind == QEvent.Type.LayoutRequest and watched is self.top_area.widget())):
            self._schedule_fit()
        return super().eventFilter(watched, event)

    def _schedule_fit(self, *_args) -> None:
        if not self._fit_timer.isActive():  # (a fit already due is not put off)
            self._fit_timer.start()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        if self._sized:
            self._refit_tables()  # e.g. the window manager maximised the first window
        self._fit_timer.start()

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if not self._closing_for_signal and not self.files.maybe_save("closing"):
            event.ignore()
            return
        self.save_state()
        # A clean exit leaves nothing to recover; one by signal keeps the unsaved work it wrote.
        self.files.shut_down(keep_recovery=self._closing_for_signal and self.doc.modified)
        super().closeEvent(event)

    def close_for_signal(self) -> None:
        """SIGTERM / Ctrl+C: nobody may be there to answer "Save changes?" (a logout, a
        shutdown). Unsaved work goes to this instance's recovery folder, the window closes
        without asking, and the next start offers the work back."""
        self._closing_for_signal = True
        if self.doc.modified:
            self.files.finish_autosave()
            self.files.write_recovery()
        self.close()

    def dragEnterEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802 (Qt name)
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.files.open_path(paths[0])

    def open_path(self, path: str) -> bool:
        """Open a file (command line, drop, recent list); the current data stays on failure."""
        return self.files.open_path(path)

    def _update_title(self) -> None:
        """File name (or what is shown) and the unsaved marker Qt draws for [*]."""
        path = getattr(getattr(self, "doc", None), "source_path", None)
        example = getattr(self, "_example", False)
        name = Path(path).name if path else (
            example if isinstance(example, str) else "Worked example" if example else "Untitled")
        sample_of = getattr(getattr(self, "files", None), "sample_of", None)
        if sample_of and not path:
            name = f"Sample of {Path(sample_of.rstrip('/')).name}"
        self.setWindowTitle(f"{name}[*] — BCE Lab")
