"""The plots' legends cover no data: they sit in a band under the axes, outside the data area,
in the window and in the report, on either loss axis.

A QA pass found the penalty curve's legend over the points around q = 0.33 to 0.6 (a point at
q = 0.4 a faint "+" in the PDF) and the calibration diagram's over the bin [0.4, 0.5) at
accuracy 1.0, with its own 3-class file (``QA_MC_CSV``); an earlier one, the worst row of the
worked example under the legend on the log axis.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF, QRectF
from tests.ui.qa_data import QA_MC_CSV



@pytest.fixture(params=["worked example", "QA's 3 classes"])
def shown(request, window, qtbot, tmp_path):
    """The window at the QA's size with the worked example or the QA's file."""
    w = window
    if request.param != "worked example":
        src = tmp_path / "mc.csv"
        src.write_text(QA_MC_CSV, encoding="utf-8")
        with qtbot.waitSignal(w.files.loadFinished, timeout=20_000):
            assert w.files.open_path(str(src), ask=False, confirm_import=False)
        assert w.doc.categorical and len(w.doc) == 11
    w.resize(1280, 800)
    qtbot.waitExposed(w)
    return w


def scene_points(plot_item, items) -> list[tuple[float, float, QPointF]]:
    """(x, y, position in the scene) of every point drawn by ``items``."""
    vb = plot_item.getViewBox()
    return [(pt.pos().x(), pt.pos().y(), vb.mapViewToScene(pt.pos()))
            for item in items for pt in item.points()]


def assert_under_the_axes(plot_item, legend) -> QRectF:
    """The legend has entries, lies under the x axis (its title included) inside the plot, and
    shares no pixel with the data area."""
    assert legend.isVisible() and legend.items
    box = legend.sceneBoundingRect()
    data = plot_item.getViewBox().sceneBoundingRect()
    axis = plot_item.getAxis("bottom").sceneBoundingRect()
    assert not box.intersects(data), (box, data)
    assert box.top() >= axis.bottom() - 0.5, (box, axis)
    assert plot_item.sceneBoundingRect().contains(box), (box, plot_item.sceneBoundingRect())
    return box


@pytest.mark.parametrize("log_axis", [False, True])
def test_the_penalty_legend_covers_no_point(shown, qtbot, log_axis):
    plot = shown.plot
    plot.set_log_axis(log_axis)
    item = plot.plot.getPlotItem()
    qtbot.waitUntil(lambda: len(scene_points(item, [plot.points1, plot.points0,
                                                    *plot.class_points])) >= 10)
    box = assert_under_the_axes(item, plot.legend)
    points = scene_points(item, [plot.points1, plot.points0, *plot.class_points])
    for x, y, at in points:
        assert not box.contains(at), (x, y)
    # every point is inside the data area, so none can be under the legend
    data = item.getViewBox().sceneBoundingRect()
    assert all(data.contains(at) for _x, _y, at in points)


def test_the_calibration_legend_covers_no_bin(shown, qtbot):
    w = shown
    w.views.setCurrentWidget(w.calibration)
    qtbot.waitUntil(lambda: w.insight.current and not w.insight.busy, timeout=10_000)
    cal = w.calibration
    item = cal.plot.getPlotItem()
    box = assert_under_the_axes(item, cal.legend)
    points = scene_points(item, [cal.points])
    assert points
    for x, y, at in points:
        assert not box.contains(at), (x, y)
    if w.doc.categorical:  # the QA's bin [0.4, 0.5): accuracy 1.0, under the legend before
        assert any(abs(x - 0.4) < 1e-9 and y == 1.0 for x, y, _at in points)


def test_the_legend_takes_the_columns_the_width_holds(window, qtbot):
    """One row when the plot is wide enough, more rows (never wider than the plot) when narrow;
    the data area gives up only the band the legend needs."""
    w = window
    plot = w.plot
    item = plot.plot.getPlotItem()
    legend = plot.legend
    n = len(legend.items)
    assert n >= 3
    for width in (1200, 420, 260):
        item.setGeometry(QRectF(0, 0, width, 320))  # (as an export lays it out)
        assert legend.width() <= item.width()
        rows = legend.rowCount
        assert (rows == 1) == (width == 1200), (width, rows)
        data = item.getViewBox().sceneBoundingRect()
        assert legend.sceneBoundingRect().top() >= data.bottom()
        assert item.sceneBoundingRect().bottom() - legend.sceneBoundingRect().bottom() < 12


def test_the_report_image_leaves_out_the_selection_entry_only(window, qtbot):
    """The selection ring's entry is left out of the exported plot's legend (the other entries
    close up), and the window's legend is as it was afterwards, in its order."""
    w = window
    labels = [label.text for _sample, label in w.plot.legend.items]
    assert labels[0] == "selected"
    with w.plot.exporting():
        assert [label.text for _s, label in w.plot.legend.items] == labels[1:]
    assert [label.text for _s, label in w.plot.legend.items] == labels
