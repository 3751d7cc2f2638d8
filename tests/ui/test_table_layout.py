"""The first screen shows what an analyst needs, at the screen sizes analysts have.

The window is sized as it is on a 1280×800, 1400×860 and 1920×1080 screen with a window manager
(the title bar takes about 30 px), then every column, label and the plot are checked to be fully
in view: not cut, not scrolled away, not squeezed under a scroll bar.
"""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QByteArray, QRect, QSettings, QSize, Qt

from bce_gui.core.dataset import Dataset

#: Client areas of a maximised window on each screen (title bar and frame taken off).
SIZES = {"1280x800": QSize(1272, 760), "1400x860": QSize(1392, 820), "1920x1080": QSize(1600, 960)}


def at_size(qtbot, w, size: QSize) -> None:
    w.showNormal()
    w.resize(size)
    qtbot.waitUntil(lambda: w.size() == size, timeout=2000)
    qtbot.wait(1)  # the deferred fits run on the next turn of the event loop
    assert w.size() == size


def fully_visible_columns(view) -> list[str]:
    """Titles of the shown columns that are wholly in the view, their values and titles uncut."""
    model, header = view.model(), view.horizontalHeader()
    out = []
    for c in range(model.columnCount()):
        if view.isColumnHidden(c):
            continue
        left = view.columnViewportPosition(c)
        width = view.columnWidth(c)
        title = model.headerData(c, Qt.Orientation.Horizontal)
        text_fits = width >= view.sizeHintForColumn(c) and width >= header.fontMetrics().horizontalAdvance(title)
        if left >= 0 and left + width <= view.viewport().width() and text_fits:
            out.append(title)
    return out


def shown_titles(view) -> list[str]:
    m = view.model()
    return [m.headerData(c, Qt.Orientation.Horizontal) for c in range(m.columnCount()) if not view.isColumnHidden(c)]


def assert_summary_fits(w) -> None:
    """Every label of the summary is shown whole: nothing scrolled away, nothing cut."""
    area, top = w.top_area, w.top_area.widget()
    assert not area.verticalScrollBar().isVisible(), "the summary needs scrolling"
    assert top.height() <= area.viewport().height()
    s = w.summary
    for label in (s.loss_label, s.formula_label, s.meaning_label, s.infinite_label, s.policy_label):
        if not label.isVisibleTo(s):
            continue
        need = label.heightForWidth(label.width()) if label.wordWrap() else label.sizeHint().height()
        assert label.height() >= need, label.text()
        bottom = label.mapTo(top, label.rect().bottomLeft()).y()
        assert bottom <= top.height()


@pytest.mark.parametrize("screen", list(SIZES))
def test_the_worked_example_is_shown_whole_at_each_screen_size(window, qtbot, screen):
    w = window
    at_size(qtbot, w, SIZES[screen])
    assert w.minimumSizeHint().width() <= SIZES["1280x800"].width()
    assert w.minimumSizeHint().height() <= SIZES["1280x800"].height()
    for view in (w.obs_view, w.res_view):
        assert fully_visible_columns(view) == shown_titles(view), screen
    assert shown_titles(w.obs_view) == ["ID", "Actual", "Predicted"]
    assert shown_titles(w.res_view) == ["Corrected p", "ln(corrected p)", "Row loss (nats)", "Share", "Note"]
    # every row of the example is in view, and no sideways scrolling is needed
    assert w.res_view.rowAt(w.res_view.viewport().height() - 1) in (-1, 9)
    assert not w.obs_view.horizontalScrollBar().isVisible() and not w.res_view.horizontalScrollBar().isVisible()
    # the summary is whole; the plot keeps a fair share of the right side
    assert_summary_fits(w)
    right = w.right_splitter.sizes()
    assert right[1] >= 0.35 * sum(right) - 1
    assert w.plot.width() >= 0.35 * w.width()


def test_forty_rows_and_a_weight_column_keep_every_column_clear_of_the_scroll_bar(window, qtbot):
    w = window
    rng = np.random.default_rng(2)
    w.doc.set_dataset(Dataset.from_arrays(rng.integers(0, 2, 40), rng.uniform(size=40),
                                          ids=[f"obs-{i:05d}" for i in range(40)]))
    at_size(qtbot, w, SIZES["1280x800"])
    w.actions["weight"].trigger()
    qtbot.wait(1)
    assert shown_titles(w.obs_view) == ["ID", "Actual", "Predicted", "Weight"]
    assert not w.obs_view.verticalScrollBar().isVisible()  # one scroll bar, at the results' edge
    assert w.res_view.verticalScrollBar().isVisible()
    for view in (w.obs_view, w.res_view):
        assert fully_visible_columns(view) == shown_titles(view)
    # a predicted value is shown to 6 digits (its every digit in the tooltip and the editor)
    m = w.model
    index = m.index(0, m.column_of("predicted"))
    full = repr(float(w.doc.dataset.predicted.values[0]))
    assert m.data(index) == f"{float(full):.6g}" and m.data(index, Qt.ItemDataRole.EditRole) == full
    assert full in m.data(index, Qt.ItemDataRole.ToolTipRole)


@pytest.mark.parametrize("screen", list(SIZES))
def test_an_infinite_loss_summary_is_shown_whole(window, qtbot, screen):
    w = window
    at_size(qtbot, w, SIZES[screen])
    m = w.model
    m.setData(m.index(5, m.column_of("predicted")), "0")  # ID6, class 1: p = 0
    m.setData(m.index(2, m.column_of("predicted")), "x")  # and one invalid row, with its note
    qtbot.wait(1)
    s = w.summary
    assert s.loss_text() == "∞" and s.infinite_label.isVisible() and s.clip_button.isVisible()
    assert_summary_fits(w)
    for button in (s.clip_button, s.show_inf_button):
        assert button.width() >= button.sizeHint().width()
    right = w.right_splitter.sizes()
    assert right[1] >= 0.35 * sum(right) - 1
    # the notes are whole in the Note column, with every other column
    assert fully_visible_columns(w.res_view) == shown_titles(w.res_view)
    # and when the loss is finite again the summary gives the room back to the plot: the top
    # is as tall as the taller of summary and settings needs, no taller
    m.setData(m.index(5, m.column_of("predicted")), "0.94")
    qtbot.wait(1)
    need = max(s.sizeHint().height(), w.settings_panel.sizeHint().height())
    top = w.top_area.widget()
    width = w.top_area.width() - 2 * w.top_area.frameWidth()
    need = max(need, top.heightForWidth(width))  # (wrapped sentences: their height at this width)
    assert w.right_splitter.sizes()[0] <= need + 2 * w.top_area.frameWidth()


def big_dataset(n: int) -> Dataset:
    rng = np.random.default_rng(8)
    p = rng.uniform(size=n)
    p[::50] = 7.5  # invalid rows, for "invalid rows only"
    return Dataset.from_arrays(rng.integers(0, 2, n), p, ids=np.char.add("row-", np.arange(n).astype(str)))


def test_sorting_filtering_and_long_status_texts_never_widen_the_window(window, qtbot, monkeypatch):
    from bce_gui.ui import table_model

    monkeypatch.setattr(table_model, "ASYNC_SORT_ROWS", 1000)  # sort in the background, "Sorting…"
    w = window
    at_size(qtbot, w, SIZES["1400x860"])
    w.doc.set_dataset(big_dataset(1_200_000))
    qtbot.wait(1)
    size, minimum = w.size(), w.minimumSizeHint().width()
    qtbot.mouseClick(w.worst_first, Qt.MouseButton.LeftButton)
    assert w.busy_label.isVisible() and "Sorting 1,200,000 rows" in w.busy_label.text()
    assert w.size() == size and w.minimumSizeHint().width() <= minimum
    qtbot.waitUntil(lambda: not w.model.sorting, timeout=10_000)
    qtbot.mouseClick(w.invalid_only, Qt.MouseButton.LeftButton)
    assert w.size() == size and w.minimumSizeHint().width() <= minimum
    qtbot.waitUntil(lambda: not w.model.sorting, timeout=10_000)
    assert w.row_count.text() == "24,000 of 1,200,000 rows"
    w.plot.note.setText("1,176,000 points drawn as 2,000 density marks (size ∝ count); " * 4)
    qtbot.wait(1)
    assert w.size() == size
    assert w.minimumSizeHint().width() <= minimum
    assert w.plot.note.toolTip().startswith("1,176,000 points")  # the whole text, on hover


def test_a_restored_size_from_a_larger_screen_fits_this_one(settings_path, qtbot, make_window):
    settings = QSettings(str(settings_path), QSettings.Format.IniFormat)
    w0 = make_window()
    w0.showNormal()
    w0.resize(2561, 1300)  # what a window that widened itself saved, on a larger screen
    settings.setValue("window/geometry", w0.saveGeometry())
    settings.sync()
    w0.close()
    w = make_window()
    avail: QRect = w.screen().availableGeometry()
    assert avail.width() < 2561 and avail.height() < 1300  # the test screen is smaller than that
    assert w.width() <= avail.width() and w.height() <= avail.height()
    assert avail.contains(w.frameGeometry())
    assert w.minimumSizeHint().width() <= avail.width()


def test_first_start_fits_the_screen(settings_path, qtbot):
    from bce_gui.ui.main_window import MainWindow

    w = MainWindow(QSettings(str(settings_path), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    avail = w.screen().availableGeometry()
    # the 800x600 offscreen screen cannot hold the default 1400x860: the window fills it instead
    assert w.isMaximized() or (w.width() <= avail.width() and w.height() <= avail.height())
    assert isinstance(w.saveGeometry(), QByteArray)


def test_a_long_id_is_elided_in_a_column_of_bounded_width(window, qtbot):
    """A 60-character ID no longer pushes Actual and Predicted out of view: its column stops
    at TEXT_MAX_CHARS characters and the cell's tooltip holds the whole ID."""
    from PySide6.QtCore import Qt

    from bce_gui.core.dataset import Dataset
    from bce_gui.ui.table_views import TEXT_MAX_CHARS

    w = window
    w.resize(1280, 800)
    long_id = "a_really_long_identifier_value_that_is_very_long_indeed_yes"
    w.doc.set_dataset(Dataset.from_arrays([1, 0, 1], [0.9, 0.2, 0.7], ids=["r1", long_id, "r3"]))
    qtbot.wait(50)
    view, model = w.obs_view, w.obs_view.model()
    c = model.column_of("id")
    cap = TEXT_MAX_CHARS * view.fontMetrics().averageCharWidth()
    assert view.columnWidth(c) <= cap + 4
    assert view.fontMetrics().horizontalAdvance(long_id) > view.columnWidth(c)  # elided
    assert model.data(model.index(1, c), Qt.ItemDataRole.ToolTipRole) == long_id
    assert model.data(model.index(0, c), Qt.ItemDataRole.ToolTipRole) is None  # short: no tip
    # The numbers beside it are in view, not scrolled off to the right.
    for key in ("actual", "predicted"):
        rect = view.visualRect(model.index(1, model.column_of(key)))
        assert rect.right() <= view.viewport().width(), key


def test_a_typed_value_wider_than_its_column_widens_it(window, qtbot):
    """1e400 typed over 0.94 showed as "1e4…" (read as 1e4): the column widens to the text."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QLineEdit

    w = window
    view, model = w.obs_view, w.obs_view.model()
    c = model.column_of("predicted")
    index = model.index(0, c)
    text = "1e400000000"  # kept as typed (not a finite number), wider than any 0.xx
    assert view.fontMetrics().horizontalAdvance(text) + 8 > view.columnWidth(c)
    view.setCurrentIndex(index)
    view.edit(index)
    editor = view.findChild(QLineEdit)
    assert editor is not None
    editor.setText(text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: w.doc.dataset.cell_text("predicted", 0) == text)
    qtbot.waitUntil(lambda: view.columnWidth(c) >= view.fontMetrics().horizontalAdvance(text))
