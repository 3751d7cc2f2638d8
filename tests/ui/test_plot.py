"""The penalty plot draws each observation where its loss is, on every axis and under every option.

The heights expected here are computed in the test from the formulas (−ln p, −ln(1 − p), Keras'
smoothing, PyTorch's pos_weight), never read from the app.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from PySide6.QtCore import Qt

from bce_gui.core.dataset import Dataset
from bce_gui.core.loss import LossOptions
from bce_gui.core.policies import make_policy
from bce_gui.ui import penalty_plot

EX_Y = [1, 0, 1, 0, 1, 1, 0, 0, 1, 0]
EX_P = [0.94, 0.10, 0.83, 0.17, 0.89, 0.94, 0.24, 0.56, 0.82, 0.12]


def row_loss(y, p) -> float:
    return -math.log(p) if y == 1 else -math.log1p(-p)


def points(plot) -> list[tuple[int, float, float]]:
    """(data row, x, y) of every exactly drawn point, in view coordinates."""
    return sorted((int(pt.data()), pt.pos().x(), pt.pos().y())
                  for item in (plot.points1, plot.points0) for pt in item.points())


def press(qtbot, w, key, mods=Qt.KeyboardModifier.ControlModifier) -> None:
    qtbot.keyClick(w.obs_view, key, mods)
    qtbot.keyRelease(w.obs_view, Qt.Key.Key_Control)


def view_y_range(plot) -> tuple[float, float]:
    return tuple(plot.plot.getPlotItem().getViewBox().viewRange()[1])


def test_log_axis_draws_every_point_at_its_loss(window, qtbot):
    w, plot = window, window.plot
    press(qtbot, w, Qt.Key.Key_L)
    assert plot.log_axis.isChecked() and plot.plot.getPlotItem().getAxis("left").logMode
    drawn = points(plot)
    assert [r for r, _, _ in drawn] == list(range(10))
    low, high = view_y_range(plot)
    for row, x, y in drawn:
        assert x == EX_P[row]
        # pyqtgraph's log mode places a height h at log10(h): the point must be there, on its curve
        assert y == pytest.approx(math.log10(row_loss(EX_Y[row], EX_P[row])), rel=1e-12), row
        assert low <= y <= high  # and in view
    # the class-1 curve goes through the class-1 points on the log axis too
    cx, cy = plot.curve1.getData()  # display data: log10 of the heights
    for row, x, y in drawn:
        if EX_Y[row] == 1:
            assert np.interp(x, cx, cy) == pytest.approx(y, abs=2e-3)
    # the selection ring follows
    w.tables.select_data_rows([7])
    sx, sy = plot.selected_points()
    assert sy[0] == pytest.approx(math.log10(-math.log1p(-0.56)), rel=1e-12)
    # and back to a linear axis
    press(qtbot, w, Qt.Key.Key_L)
    assert [y for _, _, y in points(plot)] == pytest.approx(
        [row_loss(a, b) for a, b in zip(EX_Y, EX_P)], rel=1e-12)


def test_log_axis_density_marks_and_reset_view(window, qtbot, monkeypatch):
    monkeypatch.setattr(penalty_plot, "MAX_POINTS", 50)
    monkeypatch.setattr(penalty_plot, "WORST_EXACT", 5)
    w, plot = window, window.plot
    rng = np.random.default_rng(5)
    y = rng.integers(0, 2, 600).astype(float)
    p = rng.uniform(1e-3, 1 - 1e-3, 600)
    w.doc.set_dataset(Dataset.from_arrays(y, p))
    plot.refresh()
    assert plot.density_mode
    press(qtbot, w, Qt.Key.Key_L)
    vb = plot.plot.getPlotItem().getViewBox()
    vb.setYRange(5, 9, padding=0)  # panned far away
    press(qtbot, w, Qt.Key.Key_0)  # Reset view brings every mark back
    low, high = view_y_range(plot)
    for item, loss in ((plot.density1, lambda c: -math.log(c)), (plot.density0, lambda c: -math.log1p(-c))):
        marks = item.points()
        assert len(marks)
        for pt in marks:
            assert pt.pos().y() == pytest.approx(math.log10(loss(pt.pos().x())), rel=1e-9)
            assert low <= pt.pos().y() <= high


def _tip_loss(plot, item, pt) -> float:
    tip = plot._tip(pt.pos().x(), pt.pos().y(), pt.data())
    m = re.search(r"row loss = ([0-9.e+−-]+) (nats|bits)", tip)
    assert m, tip
    return float(m.group(1).replace("−", "-"))


@pytest.mark.parametrize("units", ["nats", "bits"])
def test_tooltip_says_the_height_the_point_is_drawn_at(window, qtbot, units):
    """Logits, Keras, label smoothing 0.1, pos_weight 3: the point, its tooltip and its table
    cell show one number, the loss computed as Keras/PyTorch define it."""
    w, plot = window, window.plot
    z = np.array([2.0, -1.5, 0.3, 4.0, -0.2, 1.1])
    y = np.array([1, 0, 1, 0, 0, 1], dtype=float)
    w.doc.set_dataset(Dataset.from_arrays(y, z))
    opts = LossOptions(policy=make_policy("keras"), logits=True, label_smoothing=0.1, pos_weight=3.0)
    w.set_options(opts)
    if units == "bits":
        w.settings_panel.units.setCurrentIndex(w.settings_panel.units.findData("bits"))
    plot.refresh()
    scale = math.log(2.0) if units == "bits" else 1.0
    ys = y * 0.9 + 0.05
    log_sig = -np.logaddexp(0.0, -z)
    reference = ((1 - ys) * z - (2.0 * ys + 1.0) * log_sig) / scale  # torch's form, pos_weight 3
    loss_col = w.model.column_of("loss")
    seen = 0
    for item in (plot.points1, plot.points0):
        for pt in item.points():
            row = int(pt.data())
            assert pt.pos().x() == pytest.approx(1 / (1 + math.exp(-z[row])), rel=1e-12)
            assert pt.pos().y() == pytest.approx(reference[row], rel=1e-5), row
            assert _tip_loss(plot, item, pt) == pytest.approx(pt.pos().y(), rel=1e-5)
            cell = float(w.model.data(w.model.index(row, loss_col)).replace("−", "-"))
            assert cell == pytest.approx(pt.pos().y(), rel=1e-4)
            seen += 1
    assert seen == 6
    # the curves are the losses of a class-1 / class-0 row under the same options
    cx, c1 = plot.curve1.getData()
    _, c0 = plot.curve0.getData()
    for k in range(0, cx.size, max(1, cx.size // 40)):
        pk = cx[k]
        if not 1e-6 < pk < 1 - 1e-6:
            continue
        ref1 = -(3.0 * 0.95 * math.log(pk) + 0.05 * math.log1p(-pk)) / scale
        ref0 = -(3.0 * 0.05 * math.log(pk) + 0.95 * math.log1p(-pk)) / scale
        assert c1[k] == pytest.approx(ref1, rel=1e-4, abs=1e-6)
        assert c0[k] == pytest.approx(ref0, rel=1e-4, abs=1e-6)


def test_sklearn_curve_reaches_the_clipped_point(window, qtbot):
    w, plot = window, window.plot
    m = w.model
    m.setData(m.index(5, m.column_of("predicted")), "0")  # class 1, p = 0
    combo = w.settings_panel.policy
    combo.setCurrentIndex(combo.findData("sklearn"))
    plot.refresh()
    clipped = -math.log(np.finfo(np.float64).eps)  # 36.04
    pt = [p for _, x, p in points(plot) if x == 0.0]
    assert pt == [pytest.approx(clipped, rel=1e-12)]
    _, c1 = plot.curve1.getData()
    assert np.nanmax(c1) == pytest.approx(clipped, rel=1e-9)
    # and the exact convention's curve rises past any finite point without drawing ln 0
    m.setData(m.index(5, m.column_of("predicted")), "1e-300")
    combo.setCurrentIndex(combo.findData("exact"))
    plot.refresh()
    _, c1 = plot.curve1.getData()
    assert np.nanmax(c1) >= -math.log(1e-300) * (1 - 1e-9)


def test_bin_tooltip_counts_in_the_right_number(window, monkeypatch):
    monkeypatch.setattr(penalty_plot, "MAX_POINTS", 3)
    w, plot = window, window.plot
    w.doc.set_dataset(Dataset.from_arrays([1, 1, 1, 0, 0], [0.5004, 0.9, 0.9001, 0.1, 0.3]))
    plot.refresh()
    assert plot.density_mode
    tips = {round(pt.pos().x(), 4): plot._tip(pt.pos().x(), pt.pos().y(), pt.data())
            for pt in plot.density1.points()}
    assert tips[0.5005].startswith("1 row of actual class 1\n")
    assert tips[0.9005].startswith("2 rows of actual class 1\n")


def test_rows_of_infinite_loss_are_marked_at_the_top_edge(window, qtbot):
    """p = 0 for class 1 and p = 1 for class 0: drawn at the view's top with a ▲ each and one
    "∞", said in the note; an edit that makes them finite takes the marks away."""
    w, plot = window, window.plot
    w.doc.set_dataset(Dataset.from_arrays([1, 0, 1, 0], [0.0, 1.0, 0.8, 0.3]))
    qtbot.waitUntil(lambda: plot.infinite_marks()[0].size == 2)
    x, y = plot.infinite_marks()
    assert sorted(x.tolist()) == [0.0, 1.0]
    top = view_y_range(plot)[1]
    assert np.all(y <= top) and np.all(y >= 0.8 * top)
    assert plot.infinite_label.isVisible() and plot.infinite_label.textItem.toPlainText() == "∞"
    assert "2 rows of infinite loss, drawn at the top" in plot.note.text()
    w.doc.dataset.set_cell_text("predicted", 0, "0.5")
    w.doc.dataset.set_cell_text("predicted", 1, "0.5")
    w.doc.live.rows_changed([0, 1])
    plot.refresh()
    qtbot.waitUntil(lambda: plot.infinite_marks()[0].size == 0)
    assert not plot.infinite_label.isVisible() and "infinite" not in plot.note.text()
