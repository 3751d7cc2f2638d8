"""Layout: no pane collapses to nothing, View → Reset layout, nothing hidden takes the focus;
the first window fits the screen at any scale; pens keep their thickness at high DPI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QSplitter, QWidget

ROOT = Path(__file__).resolve().parents[2]


def visible_on_screen(widget: QWidget) -> bool:
    shown = widget.viewport() if isinstance(widget, QAbstractScrollArea) else widget
    return widget.isVisible() and not shown.visibleRegion().isEmpty() and shown.width() > 20


def test_dragging_the_splitter_cannot_hide_the_tables(window, qtbot):
    w = window
    w.main_splitter.moveSplitter(0, 1)  # dragged fully left
    assert w.main_splitter.sizes()[0] > 0
    w.table_splitter.moveSplitter(0, 1)
    w.table_splitter.moveSplitter(10_000, 1)
    assert all(size > 0 for size in w.table_splitter.sizes())
    assert visible_on_screen(w.obs_view) and visible_on_screen(w.res_view)
    w.right_splitter.moveSplitter(10_000, 1)
    assert visible_on_screen(w.plot.plot)


def collapsed_state() -> bytes:
    """A main splitter state with the tables pane at width 0 (as an older version saved it)."""
    s = QSplitter()
    s.addWidget(QWidget())
    s.addWidget(QWidget())
    s.resize(1400, 800)
    s.setSizes([0, 1400])
    return s.saveState()


def test_a_saved_collapsed_pane_is_shown_again(settings_path, make_window, qtbot):
    settings = QSettings(str(settings_path), QSettings.Format.IniFormat)
    settings.setValue("window/main_splitter", collapsed_state())
    settings.sync()
    w = make_window()
    qtbot.waitUntil(lambda: w.main_splitter.sizes()[0] > 100)
    assert visible_on_screen(w.obs_view)


def test_ctrl_1_never_focuses_a_hidden_table(window, qtbot):
    """Ctrl+1 focused an invisible table, and typed keys edited data nobody could see."""
    w = window
    left = w.main_splitter.widget(0)
    left.hide()  # however it came to be hidden
    assert not w.obs_view.isVisible()
    qtbot.keyClick(w.settings_panel.policy, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyRelease(w.settings_panel.policy, Qt.Key.Key_Control)
    assert visible_on_screen(w.obs_view)
    assert QApplication.focusWidget() is w.obs_view


def test_view_reset_layout(window, qtbot):
    w = window
    first = w.main_splitter.sizes()
    w.main_splitter.moveSplitter(200, 1)
    w.right_splitter.moveSplitter(40, 1)
    assert w.main_splitter.sizes() != first
    view_menu = next(a.menu() for a in w.menuBar().actions() if a.text() == "&View")
    reset = next(a for a in view_menu.actions() if a.text().replace("&", "") == "Reset layout")
    reset.trigger()
    assert w.main_splitter.sizes() == pytest.approx(first, abs=2)
    assert visible_on_screen(w.obs_view) and visible_on_screen(w.plot.plot)


# ---------------------------------------------------------------------------------------------
# High DPI (a process of its own: the scale factor is read when Qt starts)
# ---------------------------------------------------------------------------------------------

PROBE = r"""
import json, sys
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
app = QApplication([])
from bce_gui.ui.main_window import MainWindow
w = MainWindow(QSettings(sys.argv[1], QSettings.Format.IniFormat))
w.show()
app.processEvents()
frame, avail = w.frameGeometry(), w.screen().availableGeometry()
axis = w.plot.plot.getPlotItem().getAxis("left")
print(json.dumps({
    "dpr": w.devicePixelRatioF(),
    "frame": [frame.x(), frame.y(), frame.width(), frame.height()],
    "available": [avail.x(), avail.y(), avail.width(), avail.height()],
    "curve": w.plot.curve1.opts["pen"].widthF(), "dashed": w.plot.curve0.opts["pen"].widthF(),
    "cosmetic": w.plot.curve1.opts["pen"].isCosmetic(), "axis": axis.pen().widthF(),
}))
w.close()
"""


def probe(tmp_path, scale: float) -> dict:
    screen = tmp_path / "screen.json"
    screen.write_text(json.dumps({"screens": [{"name": "s", "x": 0, "y": 0, "width": 1920, "height": 1080,
                                               "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={screen}", QT_SCALE_FACTOR=str(scale),
               PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", PROBE, str(tmp_path / "settings.ini")], env=env,
                         capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.slow
@pytest.mark.parametrize("scale", [1.0, 1.5, 2.0])
def test_first_window_fits_the_screen_and_pens_keep_their_thickness(tmp_path, scale):
    """At 1.5x the first window (2100×1290 device pixels) was larger than a 1920×1080 screen,
    and at 2x the curves were half as thick as at 1x."""
    got = probe(tmp_path, scale)
    assert got["dpr"] == scale
    x, y, width, height = got["frame"]
    ax, ay, aw, ah = got["available"]
    assert aw == round(1920 / scale) and ah == round(1080 / scale)
    assert ax <= x and ay <= y and x + width <= ax + aw and y + height <= ay + ah, got
    assert width >= min(1400, aw - 40) and height >= min(860, ah - 60)  # as big as fits
    # Cosmetic pens are drawn in device pixels: widths scale with the device pixel ratio.
    assert got["cosmetic"]
    assert got["curve"] == pytest.approx(2 * scale) and got["dashed"] == pytest.approx(2 * scale)
    assert got["axis"] == pytest.approx(scale)
