"""Models with long names (60 characters, as files and columns are often named) in the Compare tab.

Found by a QA pass at 1024×768 with two joined prediction files: the leaderboard's name column
took the tables' whole width (Δ loss and its interval out of view), the sentences ran past the
pane's edge, the scatter's caption and axis titles were cut. (The penalty curve's labels of
the models' points: test_point_labels.py.)
"""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QFontMetrics, QTextDocumentFragment
from PySide6.QtWidgets import QLabel

from bce_gui.ui.compare_view import _LogAxis
from tests.ui.test_compare_layout import assert_nothing_overlaps, show_comparison

#: Client areas of a maximised window (title bar and frame taken off).
SIZES = {"1024x768": QSize(1016, 728), "1280x800": QSize(1272, 760),
         "1920x1080": QSize(1912, 1040)}
LONG = ["gradient_boosted_trees_isotonic_calibrated_five_fold_average_v2",
        "logistic_regression_l2_standardised_features_with_interactions"]


def long_names_csv(path) -> None:
    rng = np.random.default_rng(3)
    n = 200
    y = rng.integers(0, 2, n)
    z = rng.normal(0, 1.2, n) + (2 * y - 1)
    cols = [1 / (1 + np.exp(-(z * s + rng.normal(0, 0.5, n)))) for s in (1.0, 0.9, 0.8)]
    lines = [",".join(["id", "actual", "predicted", *LONG])]
    lines += [",".join([f"row{i:04d}", str(y[i]), *(f"{c[i]:.4f}" for c in cols)])
              for i in range(n)]
    path.write_text("\n".join(lines) + "\n")


def comparing_long_names(make_window, qtbot, tmp_path, size: QSize):
    path = tmp_path / "wide.csv"
    long_names_csv(path)
    return show_comparison(make_window, qtbot, path, LONG, size)


def lines_fit(label: QLabel) -> bool:
    """Every line of a word-wrapped label, as drawn (with its break points), within its width."""
    shown = QLabel.text(label)  # (the text as the label draws it)
    if label.textFormat() != Qt.TextFormat.PlainText:
        shown = QTextDocumentFragment.fromHtml(shown).toPlainText()
    width = label.contentsRect().width()
    flags = int(Qt.TextFlag.TextWordWrap)
    return label.fontMetrics().boundingRect(QRect(0, 0, width, 100_000), flags, shown).width() <= width


@pytest.mark.parametrize("screen", list(SIZES))
def test_long_names_leave_the_numbers_in_view(make_window, qtbot, tmp_path, screen):
    w = comparing_long_names(make_window, qtbot, tmp_path, SIZES[screen])
    cv = w.compare_view
    for table in (cv.leaderboard, cv.differences):
        last = table.columnCount() - 1
        right = table.columnViewportPosition(last) + table.columnWidth(last)
        assert right <= table.viewport().width(), table.accessibleName()
        assert not table.horizontalScrollBar().isVisible()
        for row in range(table.rowCount()):
            item = table.item(row, 0)
            assert item.toolTip() == item.text()  # the whole name, where the cell cuts it
        names = [table.item(r, 0).text() for r in range(table.rowCount())]
        assert {n for n in names if not n.lower().startswith("predicted")} == set(LONG)
    # the name column has a sensible width: at 1024x768 it cuts a name of 60 characters; on a
    # large screen the leaderboard shows it whole
    board = cv.leaderboard
    whole = max(board.sizeHintForIndex(board.model().index(r, 0)).width() for r in range(3))
    if screen == "1024x768":
        assert board.columnWidth(0) < whole
        assert board.columnWidth(0) >= board.fontMetrics().averageCharWidth() * 14
    if screen == "1920x1080":
        assert board.columnWidth(0) >= whole
    # the tab is no wider than its pane: nothing runs past the edge, nothing scrolls sideways
    assert cv.minimumSizeHint().width() <= cv.width()
    assert cv.body.width() <= cv.scroll.viewport().width()
    assert not cv.scroll.horizontalScrollBar().isVisible()
    assert cv.other.width() <= cv.other.maximumWidth() and LONG[0] in cv.other.toolTip()
    assert_nothing_overlaps(cv)


@pytest.mark.parametrize("screen", list(SIZES))
def test_sentences_with_long_names_wrap_within_the_pane(make_window, qtbot, tmp_path, screen):
    w = comparing_long_names(make_window, qtbot, tmp_path, SIZES[screen])
    cv = w.compare_view
    text = cv.sentences.text()
    assert all(name in text for name in LONG)  # the whole names, as they are
    assert "\u200b" not in text
    view = cv.scroll.viewport()
    for label in (cv.sentences, cv.disagree_title, cv.scatter.note):
        # within the part of the tab in view (a long name widened it past the window's edge)
        assert label.mapTo(view, QPoint(label.width(), 0)).x() <= view.width(), label.text()
        assert lines_fit(label), label.text()
        assert label.height() >= label.heightForWidth(label.width()), label.text()


@pytest.mark.parametrize("screen", list(SIZES))
def test_the_scatter_shows_its_caption_and_titles(make_window, qtbot, tmp_path, screen):
    w = comparing_long_names(make_window, qtbot, tmp_path, SIZES[screen])
    cv = w.compare_view
    plot = cv.scatter
    assert plot.plot.height() >= plot.plot.minimumHeight()
    assert plot.plot.geometry().top() >= plot.note.geometry().bottom()  # not under the caption
    assert plot.note.height() >= plot.note.heightForWidth(plot.note.width())
    d = cv.current_difference()
    assert d.column == LONG[0]
    for side, name in (("bottom", d.reference), ("left", d.column)):
        axis = plot.item.getAxis(side)
        length = axis.size().height() if side == "left" else axis.size().width()
        assert axis.label.boundingRect().width() <= length
        assert axis.label.toPlainText().endswith("(nats)")  # the name is cut, not the units
        assert axis.toolTip() == f"Row loss of {name} (nats)"


def test_a_short_axis_cuts_a_name_in_its_middle_and_keeps_the_units(qtbot):
    axis = _LogAxis("left")
    axis.titles = (f"Row loss of {LONG[0]} (nats)", f"{LONG[0]} (nats)")
    axis.cut = (LONG[0], " (nats)")
    axis.setLabel(axis.titles[0])
    axis.resize(30, 160)
    shown = axis.labelString()
    plain = shown[shown.index(">") + 1:shown.rindex("<")]
    assert plain.startswith("gradien") and "…" in plain and plain.endswith("_v2 (nats)")
    assert QFontMetrics(axis.label.font()).horizontalAdvance(plain) <= 160 - 8
