"""Labels of the models' points of a row (penalty curve): coinciding points share one label, and
no label covers another or leaves the plot. The geometry (pixels), then the window.

Found by a QA pass: two models that gave a row the same p had their names drawn on top of each
other ("Predicted"/"Model 2" garbled)."""

from __future__ import annotations

from bce_gui.ui.model_actions import NEW_COLUMN
from bce_gui.ui.point_labels import MERGE_PX, Point, place_labels


def size_of(text: str) -> tuple[float, float]:
    return 7.0 * len(text), 16.0  # a label's box: 7 px a character, one line


def box(points, label):
    p = points[label.point]
    w, h = size_of(label.text)
    side, step = label.anchor
    left, top = p.x - w * side, p.y - h * step
    return left, top, left + w, top + h


def overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_points_at_one_place_share_one_label():
    points = [Point("Predicted", 300, 200), Point("Model 2", 300 + MERGE_PX, 200 - 2)]
    (label,) = place_labels(points, size_of)
    assert label.text == "Predicted, Model 2" and label.point == 0 and label.anchor == (0.0, 1.0)


def test_a_name_given_twice_is_written_once():
    points = [Point("Model 2", 10, 10), Point("Model 2", 10, 10)]
    assert [lb.text for lb in place_labels(points, size_of)] == ["Model 2"]


def test_close_points_get_labels_that_do_not_cover_each_other():
    points = [Point("Predicted", 300, 200, side=1.0), Point("Model 2", 312, 199, side=1.0)]
    labels = place_labels(points, size_of, bounds=(0, 0, 640, 400))
    assert [lb.text for lb in labels] == ["Predicted", "Model 2"]
    a, b = (box(points, lb) for lb in labels)
    assert not overlap(a, b)
    # the first keeps its place (above its point, on its side); the second goes to the other
    # side of its point, still above it
    assert labels[0].anchor == (1.0, 1.0) and labels[1].anchor == (0.0, 1.0)


def test_labels_stay_within_the_plot():
    # near the right edge the other side is out of the plot: the label stays left of its point
    points = [Point("Predicted", 630, 200, side=1.0), Point("Model 2", 640, 199, side=1.0)]
    labels = place_labels(points, size_of, bounds=(0, 0, 640, 400))
    boxes = [box(points, lb) for lb in labels]
    assert not overlap(*boxes)
    assert all(b[0] >= 0 and b[2] <= 640 and b[1] >= 0 and b[3] <= 400 for b in boxes)
    assert labels[1].anchor[0] == 1.0 and labels[1].anchor[1] != 1.0


def test_many_models_stack_without_overlap():
    points = [Point(f"Model {k}", 300 + 8 * k, 200, side=0.0) for k in range(5)]
    labels = place_labels(points, size_of, bounds=(0, 0, 640, 400))
    boxes = [box(points, lb) for lb in labels]
    assert len(labels) == 5
    assert not any(overlap(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:])


# -- the penalty curve: the models' points of the selected row --------------------------------

def label_boxes(plot):
    return [label.sceneBoundingRect() for label in plot.pair_labels]


def shown_labels(qtbot, w, row: int):
    w.show_view("penalty")
    w.tables.select_data_rows([row])
    qtbot.waitUntil(lambda: w.plot.pair_points_shown()[0].size == 2, timeout=5000)
    qtbot.wait(20)  # (drawn: the labels' boxes are in pixels once painted)
    return [label.toPlainText() for label in w.plot.pair_labels]


def test_two_models_at_one_point_share_one_label(window, qtbot):
    w = window
    assert w.model_actions.add_model_column(NEW_COLUMN)  # Model 2: a copy of Predicted
    assert shown_labels(qtbot, w, 7) == ["Predicted, Model 2"]


def test_labels_of_close_points_do_not_overlap(window, qtbot):
    w = window
    assert w.model_actions.add_model_column(NEW_COLUMN)
    m = w.model
    assert m.setData(m.index(7, m.column_of("Model 2")), "0.575")  # 0.56 for Predicted
    texts = shown_labels(qtbot, w, 7)
    assert sorted(texts) == ["Model 2", "Predicted"]
    a, b = label_boxes(w.plot)
    assert a.isValid() and b.isValid() and a.width() < 200
    assert not a.intersects(b)
    view = w.plot.plot.getPlotItem().getViewBox().sceneBoundingRect()
    assert view.contains(a) and view.contains(b)
