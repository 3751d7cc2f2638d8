"""Every line of the summary can be read at 1280×800: it is shown whole, or the summary's area
scrolls (with its scroll bar shown) far enough to bring its last line into view, also after the
"How is this computed?" dock (F1) takes part of the window's height, and again after it closes.

Found by a QA pass: with the worked example and F1 at 1280×800 the summary stopped mid-line
("Convention: Exact (no clipping). Probabilities are used") with no scroll bar, because the
summary's area was fitted only when the window or the summary changed, not when the dock
shrank the column it is in.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QLabel

#: The client area of a maximised window on a 1280×800 screen (title bar and frame taken off).
SMALL = QSize(1272, 760)

ERRORS_CSV = (
    "id,actual,predicted,weight\n"
    "r1,1,0.9,1\nr2,0,abc,1\nr3,1,1.5,2\nr4,2,0.3,1\nr5,0,,1\nr6,1,0.7,x\nr7,0,0.2,1,extra\n"
    "a_really_long_identifier_value_that_is_very_long_indeed,1,0.123456789012,1\n"
    "r9,1,-0.2,1\nr10,0,0.05,0\n"
)


def settle(qtbot, w) -> None:
    """Let the deferred fits run (each may schedule one more)."""
    for _ in range(5):
        qtbot.wait(5)


def at_small_size(qtbot, w) -> None:
    w.showNormal()
    w.resize(SMALL)
    qtbot.waitUntil(lambda: w.size() == SMALL, timeout=2000)
    settle(qtbot, w)


def shown_labels(w) -> list[QLabel]:
    s = w.summary
    return [lab for lab in s.findChildren(QLabel) if lab.isVisibleTo(s) and lab.text()]


def assert_every_line_reachable(w) -> None:
    """Each label of the summary is laid out whole, and scrolling the area to its end brings
    the last one into view; where scrolling is needed the scroll bar is shown."""
    area, top = w.top_area, w.top_area.widget()
    bar = area.verticalScrollBar()
    viewport = area.viewport().height()
    assert top.height() <= viewport + bar.maximum(), "the scroll range does not cover the summary"
    if top.height() > viewport:
        assert bar.isVisible() and bar.maximum() > 0, "the summary is cut and nothing scrolls"
    labels = shown_labels(w)
    assert w.summary.policy_label in labels
    for label in labels:
        need = label.heightForWidth(label.width()) if label.wordWrap() else label.sizeHint().height()
        assert label.height() >= need, label.text()
        assert label.mapTo(top, label.rect().bottomLeft()).y() <= top.height(), label.text()
    # scrolled to the end, the last line is in view
    bar.setValue(bar.maximum())
    last = max(labels, key=lambda lab: lab.mapTo(top, lab.rect().bottomLeft()).y())
    assert last.mapTo(area.viewport(), last.rect().bottomLeft()).y() <= viewport, last.text()
    bar.setValue(0)


def toggle_explain(qtbot, w, shown: bool) -> None:
    if w.explain_dock.isVisible() != shown:
        w.actions["explain"].trigger()
    qtbot.waitUntil(lambda: w.explain_dock.isVisible() == shown, timeout=2000)
    settle(qtbot, w)


def test_worked_example_summary_is_reachable_with_and_after_the_f1_dock(window, qtbot):
    w = window
    at_small_size(qtbot, w)
    assert_every_line_reachable(w)
    before = w.right_splitter.sizes()[0]
    assert not w.top_area.verticalScrollBar().isVisible()  # it fits whole without the dock
    toggle_explain(qtbot, w, True)
    assert w.right_splitter.sizes()[0] < before  # the dock took height from the right column
    assert_every_line_reachable(w)
    assert w.top_area.verticalScrollBar().isVisible()
    toggle_explain(qtbot, w, False)
    # the summary gets its room back: whole again, no scroll bar
    assert w.right_splitter.sizes()[0] == before
    assert not w.top_area.verticalScrollBar().isVisible()
    assert_every_line_reachable(w)


def test_multiclass_per_class_table_and_convention_are_reachable(window, qtbot):
    w = window
    at_small_size(qtbot, w)
    w.actions["example_multiclass"].trigger()
    qtbot.waitUntil(lambda: w.doc.categorical and bool(w.summary.class_table.text()), timeout=5000)
    settle(qtbot, w)
    names = w.summary.class_table.name_labels()
    assert [lab.text() for lab in names] == ["apple", "banana", "cherry"]
    assert all(lab in shown_labels(w) for lab in names)
    assert_every_line_reachable(w)
    toggle_explain(qtbot, w, True)
    assert_every_line_reachable(w)


@pytest.mark.parametrize("explain", [False, True])
def test_the_options_line_of_a_weighted_file_with_errors_is_reachable(window, qtbot, tmp_path, explain):
    w = window
    at_small_size(qtbot, w)
    src = Path(tmp_path) / "errors.csv"
    src.write_text(ERRORS_CSV, encoding="utf-8")
    with qtbot.waitSignal(w.files.loadFinished, timeout=10_000) as blocker:
        assert w.files.open_path(str(src), ask=False, confirm_import=False)
    assert blocker.args == [True]
    settle(qtbot, w)
    assert w.doc.has_weight
    options = w.summary.options_label
    assert options.isVisibleTo(w.summary) and "weight column" in options.text()
    toggle_explain(qtbot, w, explain)
    assert_every_line_reachable(w)
