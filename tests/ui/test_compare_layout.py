"""The Compare tab laid out at the screen sizes analysts have: nothing drawn over anything, nothing
cut, with a weight column ("% of the weight" widens the differences) and several models.

Found in the window at 1280×800: the heading "Against the reference" (two lines there) was drawn
over the leaderboard's last row, because the splitter above the scatter gave the tables the
height of one-line headings.
"""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QLabel

#: Client areas of a maximised window (title bar and frame taken off), as in test_table_layout.
SIZES = {"1280x800": QSize(1272, 760), "1920x1080": QSize(1600, 960)}
LOAD_TIMEOUT_MS = 20_000


def scores_csv(path, n_models: int) -> str:
    rng = np.random.default_rng(7)
    n = 400
    y = rng.integers(0, 2, n)
    z = rng.normal(0, 1.2, n) + (2 * y - 1)
    names = ["logreg_v2", "gradient_boosting", "random_forest", "naive_bayes", "svm_platt",
             "knn_25"][: n_models - 1]
    models = [1 / (1 + np.exp(-(z * (0.8 + 0.1 * k) + rng.normal(0, 0.6, n)))) for k in range(len(names))]
    weight = rng.choice([0.5, 1, 2, 3], n)
    lines = [",".join(["id", "actual", "predicted", *names, "weight"])]
    for i in range(n):
        cells = [f"R{i + 1:04d}", str(y[i]), f"{1 / (1 + np.exp(-z[i])):.4f}",
                 *(f"{m[i]:.4f}" for m in models), str(weight[i])]
        lines.append(",".join(cells))
    path.write_text("\n".join(lines) + "\n")
    return names


def settle(qtbot) -> None:
    """Let the deferred fits run (each may schedule one more)."""
    for _ in range(5):
        qtbot.wait(5)


def show_comparison(make_window, qtbot, path, names, size: QSize):
    """A window that opened ``path``, added the columns ``names`` as models and shows the
    Compare tab at ``size``, the comparison computed and laid out."""
    w = make_window(load_example=False)
    with qtbot.waitSignal(w.files.loadFinished, timeout=LOAD_TIMEOUT_MS):
        assert w.files.open_path(str(path), ask=False, confirm_import=False)
    for name in names:
        assert w.model_actions.add_model_column(name)
    w.show_view("compare")
    w.showNormal()
    w.resize(size)
    qtbot.waitUntil(lambda: w.size() == size, timeout=2000)
    qtbot.waitUntil(lambda: w.compare.current and not w.compare._busy
                    and w.compare_view.leaderboard.rowCount() == len(names) + 1,
                    timeout=LOAD_TIMEOUT_MS)
    settle(qtbot)
    return w


def comparing(make_window, qtbot, tmp_path, size: QSize, n_models: int):
    path = tmp_path / "scores.csv"
    w = show_comparison(make_window, qtbot, path, scores_csv(path, n_models), size)
    assert w.doc.has_weight and w.doc.n_models == n_models
    return w


def assert_nothing_overlaps(cv) -> None:
    """The headings, tables and sentences above the scatter are each laid out whole, one below
    the other, and the tables show every row."""
    column = cv.body.widget(0)
    layout = column.layout()
    shown = [layout.itemAt(i).widget() for i in range(layout.count())]
    shown = [x for x in shown if x is not None and x.isVisibleTo(cv)]
    for above, below in zip(shown, shown[1:]):
        assert above.geometry().bottom() < below.geometry().top(), (above.accessibleName() or above.text())
    for x in shown:
        if isinstance(x, QLabel) and x.wordWrap():
            assert x.height() >= x.heightForWidth(x.width()), x.text()
    assert shown[-1].geometry().bottom() < column.height()
    for table in (cv.leaderboard, cv.differences):
        last = table.rowCount() - 1
        assert table.rowViewportPosition(last) + table.rowHeight(last) <= table.viewport().height()
        assert not table.verticalScrollBar().isVisible()
    # and the scatter below them
    lower = cv.body.widget(1)
    assert lower.geometry().top() > column.geometry().bottom()
    assert cv.scatter.plot.height() >= cv.scatter.plot.minimumHeight()


def test_the_leaderboard_clears_the_next_heading_at_1280x800(make_window, qtbot, tmp_path):
    w = comparing(make_window, qtbot, tmp_path, SIZES["1280x800"], n_models=3)
    cv = w.compare_view
    heading = cv.differences_title
    board = cv.leaderboard.geometry()
    assert not board.intersects(heading.geometry())
    assert board.bottom() < heading.geometry().top()
    assert_nothing_overlaps(cv)
    assert not cv.scroll.verticalScrollBar().isVisible()  # three models: all of it in view
    assert w.minimumSizeHint().height() <= SIZES["1280x800"].height()


@pytest.mark.parametrize("screen", list(SIZES))
@pytest.mark.parametrize("n_models", [2, 3])
def test_the_compare_tab_is_laid_out_whole(make_window, qtbot, tmp_path, screen, n_models):
    w = comparing(make_window, qtbot, tmp_path, SIZES[screen], n_models)
    cv = w.compare_view
    assert_nothing_overlaps(cv)
    assert not cv.scroll.verticalScrollBar().isVisible()
    # the scatter's axis titles fit their axes (shortened to the model's name if need be)
    for side in ("left", "bottom"):
        axis = cv.scatter.item.getAxis(side)
        length = axis.size().height() if side == "left" else axis.size().width()
        assert axis.label.boundingRect().width() <= length
        assert axis.toolTip().startswith("Row loss of ")


def test_the_tables_give_the_scatter_back_the_room_they_no_longer_need(make_window, qtbot, tmp_path):
    w = comparing(make_window, qtbot, tmp_path, SIZES["1280x800"], n_models=3)
    cv = w.compare_view
    small = cv.scatter.height()
    w.resize(SIZES["1920x1080"])  # wider: the sentences take fewer lines
    qtbot.waitUntil(lambda: w.size() == SIZES["1920x1080"], timeout=2000)
    settle(qtbot)
    column = cv.body.widget(0)
    assert cv.body.sizes()[0] == column.minimumSizeHint().height()
    assert cv.scatter.height() > small
    assert_nothing_overlaps(cv)


def test_many_models_scroll_instead_of_overlapping(make_window, qtbot, tmp_path):
    w = comparing(make_window, qtbot, tmp_path, SIZES["1280x800"], n_models=7)
    cv = w.compare_view
    assert_nothing_overlaps(cv)
    bar = cv.scroll.verticalScrollBar()
    assert bar.isVisible() and bar.maximum() > 0  # the tab scrolls to the scatter
    assert cv.body.height() <= cv.scroll.viewport().height() + bar.maximum()
    # and the window still fits the screen
    assert w.minimumSizeHint().height() <= SIZES["1280x800"].height()
