"""A cell never shows digits that read as another number: its text is whole, or it ends in "…";
the summary's guide and the tabs' names are whole at 1280×800; a long status message ends in
"…" (whole in its tooltip), at the window's smallest size too.

Found by a QA pass at 1280×800: a 3-class file with weights, row 1's p(cat) set to 0, Worst rows
first (Ctrl+Shift+W) and "Use scikit-learn clipping": the results pane widened for "2.2204e-16",
the observations' pane was narrowed below its columns, and the pane's edge cut the Weight column
to "Weig", its 1.5 to "1" and 0.5 to "0". What a cell paints is checked here from Qt's own
painting model: the delegate's style option (the rectangle and text the style draws), the
style's text rectangle and the view's font metrics; the style elides a text wider than its
rectangle, and nothing outside the viewport is seen.
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QStatusTipEvent
from PySide6.QtWidgets import QApplication, QStatusBar, QStyle, QStyleOptionViewItem
from tests.ui.qa_data import QA_MC_CSV

SMALL = QSize(1272, 760)  # the client area of a maximised window on a 1280×800 screen
LARGE = QSize(1600, 960)



def settle(qtbot) -> None:
    for _ in range(5):
        qtbot.wait(5)


def at_size(qtbot, w, size: QSize) -> None:
    w.showNormal()
    w.resize(size)
    qtbot.waitUntil(lambda: w.size() == size, timeout=2000)
    settle(qtbot)


def open_and_wait(w, qtbot, path) -> None:
    with qtbot.waitSignal(w.files.loadFinished, timeout=60_000) as blocker:
        assert w.files.open_path(str(path), ask=False)
    assert blocker.args == [True]
    settle(qtbot)


def painted(view, row: int, column: int) -> tuple[str, bool]:
    """(text, whole) of a cell as the view paints it: the delegate's option gives the rectangle
    and text the style draws; the style elides a text wider than its text rectangle (the view's
    elide mode), and only the part of that rectangle inside the viewport is seen. ``whole``:
    every character of the text painted is seen; otherwise the text is cut by the pane's edge."""
    index = view.model().index(row, column)
    option = QStyleOptionViewItem()
    view.initViewItemOption(option)
    option.rect = view.visualRect(index)
    view.itemDelegateForIndex(index).initStyleOption(option, index)
    style = view.style()
    box = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, option, view)
    margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1
    box = box.adjusted(margin, 0, -margin, 0)
    text = option.text
    width = option.fontMetrics.horizontalAdvance(text)
    if width > box.width():  # the style elides it to the box: the box's ends are where ink is
        assert option.textElideMode != Qt.TextElideMode.ElideNone
        text = option.fontMetrics.elidedText(text, option.textElideMode, box.width())
        left, right = box.left(), box.right()
    elif option.displayAlignment & Qt.AlignmentFlag.AlignRight:
        left, right = box.right() + 1 - width, box.right()
    else:
        left, right = box.left(), box.left() + width - 1
    return text, 0 <= left and right < view.viewport().width()


def cells_in_view(view):
    model = view.model()
    first = max(view.rowAt(0), 0)
    last = view.rowAt(view.viewport().height() - 1)
    last = model.rowCount() - 1 if last < 0 else last
    for c in range(model.columnCount()):
        x = view.columnViewportPosition(c)
        if view.isColumnHidden(c) or x + view.columnWidth(c) <= 0 or x >= view.viewport().width():
            continue
        for r in range(first, last + 1):
            yield r, c


def misread_cells(view) -> list[str]:
    """Cells in view whose painted text is cut without an "…": e.g. "1.5" seen as "1"."""
    out = []
    for r, c in cells_in_view(view):
        text, whole = painted(view, r, c)
        if text and not whole:
            out.append(f"row {r} {view.model().headerData(c, Qt.Orientation.Horizontal)}: {text!r}")
    return out


def whole_columns(view) -> list[str]:
    """Titles of the shown columns wholly inside the pane and at least as wide as their values."""
    model, out = view.model(), []
    for c in range(model.columnCount()):
        if view.isColumnHidden(c):
            continue
        x, width = view.columnViewportPosition(c), view.columnWidth(c)
        if x >= 0 and x + width <= view.viewport().width() and width >= view.sizeHintForColumn(c):
            out.append(model.headerData(c, Qt.Orientation.Horizontal))
    return out


def shown_titles(view) -> list[str]:
    m = view.model()
    return [m.headerData(c, Qt.Orientation.Horizontal) for c in range(m.columnCount()) if not view.isColumnHidden(c)]


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["1280x800", "1920x1080"])
def test_clipping_a_zero_never_cuts_the_weights_to_other_numbers(window, qtbot, tmp_path, size):
    w, m = window, window.model
    path = tmp_path / "mc.csv"
    path.write_text(QA_MC_CSV, encoding="utf-8")
    at_size(qtbot, w, size)
    open_and_wait(w, qtbot, path)
    m.setData(m.index(0, m.column_of("p_cat")), "0")
    settle(qtbot)
    qtbot.keyClick(w, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert w.worst_first.isChecked()
    settle(qtbot)
    assert w.summary.clip_button.isVisible()
    qtbot.mouseClick(w.summary.clip_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert w.doc.options.policy.name == "sklearn"
    assert m.data(m.index(0, m.column_of("corrected"))) == "2.2204e-16"
    # the observations keep the width of their columns: every one whole, "Weight" included
    assert whole_columns(w.obs_view) == shown_titles(w.obs_view)
    weights = [m.data(m.index(r, m.column_of("weight"))) for r in range(m.rowCount())]
    assert sorted(weights) == sorted(["1", "2", "1", "1.5", "1", "0.5", "1", "1", "1", "2", "1"])
    # and no cell of either pane is cut to fewer digits by its column or by the pane's edge
    for view in (w.obs_view, w.res_view):
        assert misread_cells(view) == []


class PaintedRegion(QObject):
    """Records the region of each paint event of a widget."""

    def __init__(self, widget) -> None:
        super().__init__()
        self.rects: list = []
        widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.Paint:
            self.rects.append(event.region().boundingRect())
        return False


def test_scrolling_sideways_paints_the_cut_cells_again(window, qtbot, tmp_path):
    """Qt scrolls the pixels in view and paints only the strip uncovered: a cell painted for the
    edge that cut it ("th…" of a note) would stay where it was moved, cut, unless every cell is
    painted again."""
    w = window
    path = tmp_path / "mc.csv"
    path.write_text(QA_MC_CSV, encoding="utf-8")
    at_size(qtbot, w, SMALL)
    open_and_wait(w, qtbot, path)
    view = w.res_view
    bar = view.horizontalScrollBar()
    assert bar.maximum() > 0  # the notes do not fit beside the observations at 1280×800
    painted_rects = PaintedRegion(view.viewport())
    bar.setValue(bar.maximum())
    qtbot.waitUntil(lambda: bool(painted_rects.rects))
    assert painted_rects.rects[-1] == view.viewport().rect()
    assert misread_cells(view) == []
    painted_rects.rects.clear()
    bar.setValue(bar.maximum() - 3)
    qtbot.waitUntil(lambda: bool(painted_rects.rects))
    assert painted_rects.rects[-1] == view.viewport().rect()
    assert misread_cells(view) == []


def test_a_stacked_data_sets_last_ids_are_whole(window, qtbot, dialogs, tmp_path):
    """Parts 1, 2 and 10 stacked: the ID column was fitted to the first rows ("p1-0") and the
    last part's IDs showed as "p10…". The columns are fitted to the table's last rows too."""
    w, m = window, window.model
    folder = tmp_path / "pq"
    folder.mkdir()
    rng = np.random.default_rng(4)
    for part in (1, 2, 10):
        n = 1000
        pl.DataFrame({"id": [f"p{part}-{i}" for i in range(n)],
                      "actual": rng.integers(0, 2, n), "predicted": rng.uniform(0.01, 0.99, n),
                      "weight": rng.uniform(0.5, 1.5, n)}).write_parquet(folder / f"part-{part}.parquet")
    at_size(qtbot, w, SMALL)
    dialogs.answer("folder", str(folder))
    with qtbot.waitSignal(w.files.loadFinished, timeout=60_000):
        w.actions["open_folder"].trigger()
    settle(qtbot)
    assert len(w.doc) == 3000
    view = w.obs_view
    view.setFocus()
    view.setCurrentIndex(m.index(0, 0))
    qtbot.keyClick(view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot)
    assert view.currentIndex().row() == 2999
    c = m.column_of("id")
    last = [painted(view, r, c)[0] for r, col in cells_in_view(view) if col == c]
    assert last[-1] == "p10-999"
    assert all(text.startswith("p10-") and "…" not in text for text in last), last
    assert misread_cells(view) == [] and misread_cells(w.res_view) == []


def write_parts(folder, bad_row: bool) -> None:
    """Parts 1, 2 and 10 of 1000 rows each (IDs p1-0 … p10-999), weights, full-precision floats;
    with ``bad_row`` row p2-4's prediction is "abc"."""
    folder.mkdir()
    rng = np.random.default_rng(4)
    for part in (1, 2, 10):
        lines = ["id,actual,predicted,weight"]
        for i in range(1000):
            p = "abc" if bad_row and (part, i) == (2, 4) else repr(float(rng.uniform(0.01, 0.99)))
            lines.append(f"p{part}-{i},{int(rng.integers(0, 2))},{p},{float(rng.uniform(0.5, 1.5))!r}")
        (folder / f"part-{part}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def tab_names_whole(w) -> bool:
    bar = w.views.tabBar()
    return all(bar.tabRect(i).width() >= bar.tabSizeHint(i).width() and bar.tabRect(i).right() < bar.width()
               for i in range(bar.count()))


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["1280x800", "1920x1080"])
def test_the_guides_labels_and_the_tabs_names_are_whole(window, qtbot, tmp_path, size):
    """At 1280×800 a binary data set narrowed the summary: the guide's bands read "not id…" and
    "very …"; with "invalid rows only" the tables' pane grew for the notes and the tab bar cut
    "Comp…" behind scroll arrows. The labels go on two lines in a narrow bar, and the right side
    never gets narrower than its tabs' names."""
    w = window
    folder = tmp_path / "bad"
    write_parts(folder, bad_row=True)
    at_size(qtbot, w, size)
    open_and_wait(w, qtbot, folder)
    assert len(w.doc) == 3000 and w.doc.live.n_invalid == 1
    g = w.summary.guide
    for invalid_only in (False, True, False):
        w.invalid_only.setChecked(invalid_only)
        settle(qtbot)
        # (while the statistics are computed a progress bar shares the tabs' row, for a moment)
        qtbot.waitUntil(lambda: not w.insight.busy and not w.insight_bar.isVisible(), timeout=20_000)
        settle(qtbot)
        assert w.model.rowCount() == (1 if invalid_only else 3000)
        assert g.isVisible()
        font, lines = g.band_lines()
        assert [" ".join(band) for band in lines] == list(g.view.labels), lines
        assert all(len(band) <= 2 for band in lines)
        # every line fits its band, in bold (the band of the loss) and in the type used
        bold = QFont(font)
        bold.setBold(True)
        band_width = (g.width() - 2 * g._span()[0]) // g.view.n_bands
        assert all(QFontMetrics(bold).horizontalAdvance(line) <= band_width - 6 for band in lines for line in band)
        rows = max(len(band) for band in lines)
        assert rows * QFontMetrics(font).height() <= g._band_height()
        assert tab_names_whole(w), (invalid_only, w.views.width(), w.views.tabBar().sizeHint().width())


LONG_MODEL = "gradient_boosted_trees_isotonic_calibrated_five_fold_average_v2"


def test_a_long_status_message_ends_in_an_ellipsis_at_the_smallest_size(window, qtbot, tmp_path):
    """Found by a QA pass: a join's message, at the window's smallest size, was cut bare
    ("…200 IDs matc"). It ends in "…" now (in its middle: the news is at its end), whole in the
    tooltip, shortened again to the bar's width, and its timeout still runs; the results' cells
    there end in "…" too ("−0.…"), never cut bare."""
    w = window
    path = tmp_path / f"{LONG_MODEL}.csv"
    path.write_text("id,predicted\n" + "".join(f"ID{i},0.{i}5\n" for i in range(1, 11)))
    assert w.model_actions.join_predictions(str(path))
    qtbot.waitUntil(lambda: not w.model_actions.joining, timeout=10_000)
    bar = w.statusBar()
    message = bar.currentMessage()  # the whole message
    assert message.startswith(f"Joined {LONG_MODEL}.csv as model {LONG_MODEL}") and message.endswith("file's 10 IDs)")
    w.showNormal()
    w.resize(1, 1)  # the smallest the window can be
    qtbot.waitUntil(lambda: w.width() < 1000)
    settle(qtbot)
    shown = QStatusBar.currentMessage(bar)  # what the bar draws
    assert shown == bar.shown_message() and shown != message
    assert "…" in shown and shown.startswith("Joined ") and shown.endswith("file's 10 IDs)")
    assert bar.fontMetrics().horizontalAdvance(shown) <= bar.message_room()
    assert bar.toolTip() == message
    assert misread_cells(w.res_view) == [] and misread_cells(w.obs_view) == []
    w.resize(1400, 860)  # room again: the whole message, no tooltip needed
    settle(qtbot)
    assert bar.shown_message() == message and bar.toolTip() == ""
    assert bar._timer.isActive()  # (shortening it again kept its timeout)
    bar._timer.timeout.emit()
    assert bar.currentMessage() == "" and bar.shown_message() == ""


def test_a_long_status_tip_is_shortened_too(window, qtbot):
    """Qt shows a menu item's status tip itself: that goes through the same shortening."""
    w = window
    w.showNormal()
    w.resize(1, 1)
    settle(qtbot)
    bar = w.statusBar()
    tip = "A status tip " + "long " * 200 + "end"
    QApplication.sendEvent(w, QStatusTipEvent(tip))
    assert bar.currentMessage() == tip and bar.shown_message().endswith("end")
    assert "…" in bar.shown_message() and bar.toolTip() == tip
    assert bar.fontMetrics().horizontalAdvance(bar.shown_message()) <= bar.message_room()
