"""Tab and Shift+Tab go round the whole window, and the focus shows wherever it lands.

Found by a QA pass: after Ctrl+2 and Tab, the focus went plot → summary → tab bar → Log axis →
Reset view → plot and never back to the tables, the filters or the settings (the QTabWidget in
Qt's focus chain handed the focus to its tab bar, earlier in the chain); on the summary nothing
showed that it had the focus.
"""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QKeySequence, QPalette
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QWidget

from bce_gui.ui import theme
from bce_gui.ui.focus_order import in_order
from bce_gui.ui.table_views import DataTableView

K, M = Qt.Key, Qt.KeyboardModifier


def focused() -> QWidget | None:
    """The widget with the focus, a spin box for its inner line edit."""
    widget = QApplication.focusWidget()
    parent = widget.parentWidget() if widget is not None else None
    return parent if isinstance(parent, QAbstractSpinBox) else widget


def tab(qtbot, forward: bool = True) -> QWidget | None:
    """Tab (Shift+Tab); Ctrl+Tab in a table, whose own Tab goes from cell to cell."""
    widget = QApplication.focusWidget()
    mods = M.NoModifier if forward else M.ShiftModifier
    if isinstance(widget, DataTableView):
        mods |= M.ControlModifier
    qtbot.keyClick(widget, K.Key_Tab if forward else K.Key_Backtab, mods)
    if mods & M.ControlModifier:
        qtbot.keyRelease(QApplication.focusWidget(), K.Key_Control)
    return focused()


def round_trip(qtbot, start: QWidget, forward: bool = True, most: int = 60) -> list[QWidget]:
    """The widgets Tab visits from ``start`` until it is back there (``start`` not listed)."""
    assert focused() is start
    seen = []
    for _ in range(most):
        widget = tab(qtbot, forward)
        if widget is start:
            return seen
        seen.append(widget)
    raise AssertionError(f"Tab never came back to {start}: {seen[-12:]}")


def ctrl(qtbot, w, keys: str) -> None:
    seq = QKeySequence(keys)[0]
    qtbot.keyClick(QApplication.focusWidget() or w, seq.key(), seq.keyboardModifiers())


def main_cycle(w) -> list[QWidget]:
    sp = w.settings_panel
    return [sp.policy, sp.input_kind, sp.smoothing, sp.reduction, sp.soft, sp.units,  # (eps, weight: off)
            w.views.tabBar(), w.plot.log_axis, w.plot.reset_button, w.plot.plot,
            w.obs_view, w.res_view, w.invalid_only, w.worst_first]


def test_tab_from_the_settings_goes_round_the_whole_window(window, qtbot):
    """The QA pass's keys: Ctrl+2, then Tab until the focus is back in the settings."""
    w = window
    ctrl(qtbot, w, "Ctrl+2")
    sp = w.settings_panel
    assert focused() is sp.policy
    assert round_trip(qtbot, sp.policy) == main_cycle(w)[1:]


def test_shift_tab_goes_the_same_way_back(window, qtbot):
    w = window
    ctrl(qtbot, w, "Ctrl+2")
    cycle = main_cycle(w)
    assert round_trip(qtbot, w.settings_panel.policy, forward=False) == cycle[:0:-1]


def test_tab_starts_from_the_table_and_ends_there(window, qtbot):
    w = window
    ctrl(qtbot, w, "Ctrl+1")
    assert focused() is w.obs_view
    cycle = main_cycle(w)
    start = cycle.index(w.obs_view)
    assert round_trip(qtbot, w.obs_view) == cycle[start + 1:] + cycle[:start]


@pytest.fixture
def two_models(make_window, qtbot, tmp_path):
    """Twelve rows, a second model and a probability of 0 (an infinite loss under the exact
    convention: the summary's two buttons show, and the Conventions tab's "Show rows"), every
    statistic and the comparison computed."""
    path = tmp_path / "two.csv"
    path.write_text("id,actual,predicted,other\n" + "".join(
        f"R{i},{i % 2},{0.0 if i == 3 else 0.3 + 0.04 * i},{0.5 + 0.02 * i}\n" for i in range(12)))
    w = make_window(load_example=False)
    with qtbot.waitSignal(w.files.loadFinished, timeout=20_000):
        assert w.files.open_path(str(path), ask=False, confirm_import=False)
    assert w.model_actions.add_model_column("other")
    qtbot.waitUntil(lambda: w.insight.current and not w.insight.busy, timeout=10_000)
    qtbot.waitUntil(lambda: w.compare.current and not w.compare._busy
                    and w.compare_view.leaderboard.rowCount() == 2, timeout=10_000)
    assert w.summary.clip_button.isVisible() and w.parity.row_buttons
    return w


def page_stops(w) -> dict[str, list[QWidget]]:
    cv = w.compare_view
    return {"penalty": [w.plot.log_axis, w.plot.reset_button, w.plot.plot],
            "calibration": [w.calibration.plot], "histogram": [w.loss_histogram.plot],
            "statistics": [w.statistics.threshold, w.statistics.worst_button],
            "conventions": list(w.parity.row_buttons),  # (made after the window, as results came)
            "compare": [cv.reference, cv.other, cv.leaderboard, cv.differences, cv.disagree, cv.scatter.plot]}


def test_tab_goes_through_the_open_tab_and_on_to_the_tables(two_models, qtbot):
    """Every tab's controls come after the tab bar, then the tables: the read-only tables of
    the Compare tab no longer keep Tab going round their cells."""
    w = two_models
    sp = w.settings_panel
    for key, stops in page_stops(w).items():
        w.show_view(key)
        w.obs_view.setFocus()
        cycle = round_trip(qtbot, w.obs_view)
        assert cycle == [w.res_view, w.invalid_only, w.worst_first,
                         w.summary.clip_button, w.summary.show_inf_button,
                         sp.policy, sp.input_kind, sp.smoothing, sp.reduction, sp.soft, sp.units,
                         w.views.tabBar(), *stops], key
        assert round_trip(qtbot, w.obs_view, forward=False) == cycle[::-1], key


def test_every_widget_tab_can_reach_is_in_a_region(two_models):
    """A control added later outside the regions would be skipped by Tab: none is."""
    w = two_models
    listed = in_order(w, w.focus_regions())
    missing = [x for x in w.findChildren(QWidget)
               if x.focusPolicy().value & Qt.FocusPolicy.TabFocus.value and x.focusProxy() is None
               and x.window() is w and not any(x is y for y in listed)]
    assert not missing, [(type(x).__name__, x.accessibleName(), x.objectName()) for x in missing]


def test_the_summary_is_a_stop_while_it_scrolls_and_then_shows_its_focus(window, qtbot):
    """At 1400×860 the summary fits and Tab passes it by (test above); in a small window it
    scrolls, and Tab stops there (the arrow keys scroll it) with a frame in the highlight."""
    w = window
    w.resize(1000, 560)
    qtbot.waitUntil(lambda: w.top_area.verticalScrollBar().maximum() > 0)
    w.worst_first.setFocus()
    assert tab(qtbot) is w.top_area
    frame = w.top_area.focus_frame
    assert frame.isVisible()
    image = w.top_area.grab().toImage()
    assert image.pixelColor(1, image.height() // 2) == frame.colour()
    window_colour = w.top_area.palette().color(QPalette.ColorRole.Window)
    assert theme.contrast(frame.colour(), window_colour) >= theme.GRAPHIC_CONTRAST
    scrolled = w.top_area.verticalScrollBar().value()
    qtbot.keyClick(w.top_area, K.Key_Down)
    assert w.top_area.verticalScrollBar().value() > scrolled
    assert tab(qtbot) is w.settings_panel.policy
    assert not frame.isVisible()
    assert tab(qtbot, forward=False) is w.top_area
    assert tab(qtbot, forward=False) is w.worst_first


def luminance(image: QImage) -> np.ndarray:
    """WCAG relative luminance of each pixel (written out here, not the app's)."""
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    h, w = image.height(), image.width()
    bgra = np.frombuffer(image.constBits(), np.uint8).reshape(h, image.bytesPerLine())[:, :w * 4]
    rgb = bgra.reshape(h, w, 4)[..., 2::-1] / 255
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    return linear @ np.array([0.2126, 0.7152, 0.0722])


def focus_change(focused: QImage, unfocused: QImage) -> float:
    """How much the focus changes the drawing: the largest contrast between a pixel with the
    focus and the same pixel without (1: no change)."""
    a, b = luminance(focused), luminance(unfocused)
    return float(np.max((np.maximum(a, b) + 0.05) / (np.minimum(a, b) + 0.05)))


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_the_focus_shows_wherever_tab_takes_it(two_models, qtbot, dark):
    """Each Tab stop is drawn otherwise with the focus than without it, in both themes and on
    every tab: the summary showed nothing, a table's current cell and a tab changed by 1.8:1
    (next to nothing in the dark theme). Where the window draws the focus itself (a frame over
    the tables, the tab, the plots and the scroll areas) the change is at least 3:1; elsewhere
    the style's own focus ring is kept (2.3:1 and more)."""
    w = two_models
    before = QPalette(QApplication.palette())
    if dark:
        w.set_dark(True)
    try:
        _every_stop_shows_its_focus(w, qtbot)
    finally:  # (the application's palette outlives the window: later tests expect the light one)
        if dark:
            w.set_dark(False)
        QApplication.setPalette(before)


def _every_stop_shows_its_focus(w, qtbot) -> None:
    w.resize(1000, 560)  # (the summary scrolls: a stop too)
    qtbot.waitUntil(lambda: w.top_area.verticalScrollBar().maximum() > 0)
    faint, seen = {}, set()
    for key in page_stops(w):
        w.show_view(key)
        w.obs_view.setFocus()
        start = tab(qtbot, forward=False)  # (a key moved the focus: styles draw it now)
        previous, shown = start, start.grab().toImage()
        for _ in range(60):
            widget = tab(qtbot)
            change = focus_change(shown, previous.grab().toImage())
            framed = hasattr(previous, "focus_frame") or previous is w.plot.plot
            if change < (theme.GRAPHIC_CONTRAST if framed else 2.0):
                faint[f"{type(previous).__name__} {previous.accessibleName()}"] = round(change, 2)
            seen.add(id(previous))
            if widget is start:
                break
            previous, shown = widget, widget.grab().toImage()
    assert not faint
    assert len(seen) >= 25 and id(w.top_area) in seen  # (every stop of every tab)


def test_the_tab_bars_frame_follows_the_current_tab(window, qtbot):
    """With the focus on the tab bar the arrow keys change tabs: the frame goes with them."""
    w = window
    bar = w.views.tabBar()
    w.plot.log_axis.setFocus()
    assert tab(qtbot, forward=False) is bar
    frame = bar.focus_frame
    assert frame.isVisible() and frame.geometry() == bar.tabRect(0)
    qtbot.keyClick(bar, K.Key_Right)
    assert w.views.currentWidget() is w.calibration
    assert frame.geometry() == bar.tabRect(1)
    w.worst_first.setFocus()
    assert not frame.isVisible()
