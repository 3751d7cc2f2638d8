"""The real main window, driven the way a person drives it: keys, clicks, the clipboard.

Every number a test expects is computed here, independently of the app: with
``sklearn.metrics.log_loss`` or with the formula written out in the test. Nothing is copied from
the app's own output.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QSettings, QSize, Qt
from PySide6.QtGui import QAccessible, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLineEdit
from sklearn.metrics import log_loss

from bce_gui.core.dataset import Dataset
from bce_gui.core.evaluate import evaluate
from bce_gui.ui.main_window import MainWindow

# The worked example from the textbook explanation (resources/examples/worked_example.csv).
EX_IDS = [f"ID{i}" for i in range(1, 11)]
EX_Y = [1, 0, 1, 0, 1, 1, 0, 0, 1, 0]
EX_P = [0.94, 0.10, 0.83, 0.17, 0.89, 0.94, 0.24, 0.56, 0.82, 0.12]
LN2 = math.log(2.0)
R = Qt.ItemDataRole


# ---------------------------------------------------------------------------------------------
# Independent references
# ---------------------------------------------------------------------------------------------


def sk_loss(y, p, w=None) -> float:
    return float(log_loss(np.asarray(y, float), np.asarray(p, float), labels=[0, 1], sample_weight=w))


def row_loss(y: float, p: float) -> float:
    """-ln P(actual class); log1p keeps 1 - p exact, so near-ties (0.83 vs 1 - 0.17) order right."""
    return -math.log(p) if y == 1 else -math.log1p(-p)


def torch_loss(y, p) -> float:
    """torch.nn.functional.binary_cross_entropy: each log term clamped at -100, then the mean."""
    y, p = np.asarray(y, float), np.asarray(p, float)
    with np.errstate(divide="ignore"):
        lp = np.maximum(np.log(p), -100.0)
        l0 = np.maximum(np.log(1.0 - p), -100.0)
    return float(np.mean(-(y * lp + (1 - y) * l0)))


def keras_loss(y, p) -> float:
    """Keras 3 BinaryCrossentropy in float32: p clipped to [1e-7, 1 - 1e-7], mean in float32."""
    y32 = np.asarray(y, np.float32)
    c = np.clip(np.asarray(p, np.float32), np.float32(1e-7), np.float32(1) - np.float32(1e-7))
    terms = -(y32 * np.log(c) + (np.float32(1) - y32) * np.log(np.float32(1) - c))
    return float(np.mean(terms, dtype=np.float32))


def fmt4(x: float) -> str:
    """Four significant digits, with a typographic minus (as a textbook would print it)."""
    return f"{x:.4g}".replace("-", "−")


# ---------------------------------------------------------------------------------------------
# Driving the window
# ---------------------------------------------------------------------------------------------


def col(w: MainWindow, key: str) -> int:
    c = w.model.column_of(key)
    assert c >= 0, key
    return c


def shortcut(qtbot, widget, key, modifiers=Qt.KeyboardModifier.ControlModifier) -> None:
    """Press a key chord. QTest leaves the modifiers 'held' after a chord a shortcut consumed;
    releasing Control afterwards puts QGuiApplication.keyboardModifiers() back to none, so later
    clicks are plain clicks."""
    qtbot.keyClick(widget, key, modifiers)
    qtbot.keyRelease(widget, Qt.Key.Key_Control)


def click_cell(qtbot, view, row: int, column: int, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    index = view.model().index(row, column)
    view.scrollTo(index)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, modifiers, view.visualRect(index).center())


def click_row_header(qtbot, view, row: int, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    header = view.verticalHeader()
    view.scrollTo(view.model().index(row, 0))
    y = header.sectionViewportPosition(row) + header.sectionSize(row) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, modifiers, QPoint(header.width() // 2, y))


def click_column_header(qtbot, view, column: int) -> None:
    header = view.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))


def type_into_cell(qtbot, w: MainWindow, view_row: int, key: str, text: str) -> None:
    """Click a cell, type over it (the first key opens the editor) and press Enter."""
    view = w.obs_view
    click_cell(qtbot, view, view_row, col(w, key))
    qtbot.keyClicks(view, text[0])
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit), editor
    assert editor.text() == text[0]
    if len(text) > 1:
        qtbot.keyClicks(editor, text[1:])
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    # The delegate commits and closes the editor through a queued call.
    qtbot.waitUntil(lambda: view.state() != QAbstractItemView.State.EditingState)


def counts(w: MainWindow) -> tuple[int, int]:
    text = w.summary.counts_label.text()
    used = re.search(r"N used: <b>([\d,]+)</b>", text)
    invalid = re.search(r"invalid \(excluded\): <b>([\d,]+)</b>", text)
    return int(used.group(1).replace(",", "")), int(invalid.group(1).replace(",", ""))


def snapshot(ds: Dataset) -> dict:
    out = {"n": len(ds), "ids": None if ds.ids is None else list(ds.ids),
           "extras": {k: list(v) for k, v in ds.extras.items()}}
    for role in ("actual", "predicted", "weight"):
        c = getattr(ds, role)
        out[role] = None if c is None else (c.values.copy(), dict(c.text))
    return out


def assert_same_data(a: dict, b: dict) -> None:
    assert a["n"] == b["n"]
    assert a["ids"] == b["ids"]
    assert a["extras"] == b["extras"]
    for role in ("actual", "predicted", "weight"):
        if a[role] is None or b[role] is None:
            assert a[role] is b[role] is None, role
            continue
        np.testing.assert_array_equal(a[role][0], b[role][0], err_msg=role)  # NaN == NaN here
        assert a[role][1] == b[role][1], role


def assert_live_matches_full_evaluation(w: MainWindow) -> None:
    """The incrementally updated totals agree with a from-scratch evaluation of the data."""
    full = evaluate(w.doc.dataset, w.doc.options)
    live = w.doc.live
    np.testing.assert_array_equal(live.valid, full.validity.valid)
    np.testing.assert_array_equal(live.loss, full.loss)
    t, f = live.totals, full.totals
    assert (t.n, t.n_infinite) == (f.n, f.n_infinite)
    if math.isfinite(f.mean):
        assert t.mean == pytest.approx(f.mean, rel=1e-12)
    else:
        assert t.mean == f.mean or (math.isnan(t.mean) and math.isnan(f.mean))


def shown_loss(w: MainWindow) -> float:
    return w.doc.live.totals.mean


def data_order(w: MainWindow) -> list[int]:
    return [w.model.data_row(v) for v in range(w.model.rowCount())]


def selected_rows(view) -> list[int]:
    return sorted({i.row() for i in view.selectionModel().selectedIndexes()})


# ---------------------------------------------------------------------------------------------
# First launch
# ---------------------------------------------------------------------------------------------


def test_first_launch_shows_the_worked_example(window):
    w, m = window, window.model
    assert m.rowCount() == 10
    ds = w.doc.dataset
    assert [ds.cell_text("id", i) for i in range(10)] == EX_IDS
    np.testing.assert_array_equal(ds.actual.values, EX_Y)
    np.testing.assert_array_equal(ds.predicted.values, EX_P)
    # ID6: actual 1, p 0.94 -- as the table shows it
    assert m.data(m.index(5, col(w, "id"))) == "ID6"
    assert m.data(m.index(5, col(w, "actual"))) == "1"
    assert m.data(m.index(5, col(w, "predicted"))) == "0.94"
    # ID8: actual 0, p 0.56, so the probability of what happened is 1 − 0.56 = 0.44
    assert m.data(m.index(7, col(w, "actual"))) == "0"
    assert m.data(m.index(7, col(w, "predicted"))) == "0.56"
    corrected = m.index(7, col(w, "corrected"))
    assert not w.res_view.isColumnHidden(corrected.column())
    assert w.obs_view.isColumnHidden(corrected.column())
    assert m.data(corrected) == "0.44"
    # the big number and the formula
    ref = sk_loss(EX_Y, EX_P)
    assert round(ref, 3) == 0.214
    assert w.summary.loss_text() == fmt4(ref) == "0.214"
    formula = w.summary.formula_label.text()
    sum_ln = sum(math.log(p if y == 1 else 1 - p) for y, p in zip(EX_Y, EX_P))
    assert "(1/10)" in formula
    assert "−2.140" in formula and f"{sum_ln:.4g}" == "-2.14"
    assert "0.214" in formula
    assert shown_loss(w) == pytest.approx(ref, rel=1e-12)
    assert counts(w) == (10, 0)


# ---------------------------------------------------------------------------------------------
# Editing by keyboard, invalid input
# ---------------------------------------------------------------------------------------------


def test_keyboard_edit_updates_loss_like_sklearn(window, qtbot):
    w = window
    type_into_cell(qtbot, w, 7, "predicted", "0.3")
    assert w.doc.dataset.cell_text("predicted", 7) == "0.3"
    p = list(EX_P)
    p[7] = 0.3
    ref = sk_loss(EX_Y, p)
    assert shown_loss(w) == pytest.approx(ref, rel=1e-12)
    assert w.summary.loss_text() == fmt4(ref)
    # a decimal comma is read as a decimal point
    type_into_cell(qtbot, w, 2, "predicted", "0,5")
    p[2] = 0.5
    assert w.model.data(w.model.index(2, col(w, "predicted"))) == "0.5"
    assert shown_loss(w) == pytest.approx(sk_loss(EX_Y, p), rel=1e-12)
    # a label edit moves the loss and the no-skill baseline (base rate 4/10, not 5/10)
    type_into_cell(qtbot, w, 0, "actual", "0")
    y = list(EX_Y)
    y[0] = 0
    assert shown_loss(w) == pytest.approx(sk_loss(y, p), rel=1e-12)
    base = sum(y) / len(y)
    baseline = -(base * math.log(base) + (1 - base) * math.log(1 - base))
    assert w.doc.live.totals.base_rate == pytest.approx(base, rel=1e-12)
    meaning = w.summary.meaning_label.text()
    assert f"base rate {base:.3g}" in meaning and fmt4(baseline) in meaning
    assert_live_matches_full_evaluation(w)


def test_invalid_input_is_explained_kept_and_excluded(window, qtbot):
    w, m = window, window.model
    type_into_cell(qtbot, w, 0, "predicted", "abc")
    assert counts(w) == (9, 1)
    type_into_cell(qtbot, w, 1, "predicted", "1.5")
    assert counts(w) == (8, 2)
    type_into_cell(qtbot, w, 2, "actual", "2")
    assert counts(w) == (7, 3)

    for row, key, typed, why in ((0, "predicted", "abc", "not a number"),
                                 (1, "predicted", "1.5", "outside [0, 1]"),
                                 (2, "actual", "2", "not 0 or 1")):
        index = m.index(row, col(w, key))
        assert m.data(index, R.EditRole) == typed  # what was typed is kept
        tip = m.data(index, R.ToolTipRole)
        assert why in tip and "excluded" in tip
        note = m.data(m.index(row, col(w, "note")))
        assert why in note and note.startswith("excluded")
        assert m.data(index, R.BackgroundRole) is not None
        assert m.data(m.index(row, col(w, "loss"))) == "—"
    # a valid row explains nothing
    assert m.data(m.index(3, col(w, "predicted")), R.ToolTipRole) is None
    assert not m.data(m.index(3, col(w, "note")))

    ref = sk_loss(EX_Y[3:], EX_P[3:])
    assert shown_loss(w) == pytest.approx(ref, rel=1e-12)
    assert w.summary.loss_text() == fmt4(ref)
    assert "(1/7)" in w.summary.formula_label.text()
    assert_live_matches_full_evaluation(w)


# ---------------------------------------------------------------------------------------------
# Clipboard and structural edits, each undone and redone
# ---------------------------------------------------------------------------------------------


def test_paste_block_with_header_grows_table_and_undoes(window, qtbot):
    w = window
    before = snapshot(w.doc.dataset)
    loss_before = shown_loss(w)
    QGuiApplication.clipboard().setText(
        "id\tactual\tpredicted\r\nP1\t1\t0.7\r\nP2\t0\t0.3\r\nP3\t1\t0.45\r\nP4\t0\t0,05\r\n"
    )
    click_cell(qtbot, w.obs_view, 8, col(w, "id"))
    shortcut(qtbot, w.obs_view, Qt.Key.Key_V)

    # A block with a header row is new rows: added at the end, nothing overwritten.
    ids = EX_IDS + ["P1", "P2", "P3", "P4"]
    y = EX_Y + [1, 0, 1, 0]
    p = EX_P + [0.7, 0.3, 0.45, 0.05]
    ds = w.doc.dataset
    assert len(ds) == w.model.rowCount() == 14
    assert [ds.cell_text("id", i) for i in range(14)] == ids
    np.testing.assert_array_equal(ds.actual.values, y)
    np.testing.assert_array_equal(ds.predicted.values, p)
    assert shown_loss(w) == pytest.approx(sk_loss(y, p), rel=1e-12)
    assert w.summary.loss_text() == fmt4(sk_loss(y, p))
    after = snapshot(ds)
    assert_live_matches_full_evaluation(w)

    shortcut(qtbot, w.obs_view, Qt.Key.Key_Z)  # one undo step for the whole paste
    assert w.model.rowCount() == 10
    assert_same_data(snapshot(w.doc.dataset), before)
    assert shown_loss(w) == loss_before
    assert w.summary.loss_text() == "0.214"

    shortcut(qtbot, w.obs_view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert w.model.rowCount() == 14
    assert_same_data(snapshot(w.doc.dataset), after)
    assert shown_loss(w) == pytest.approx(sk_loss(y, p), rel=1e-12)


def test_copy_selected_block_as_tsv(window, qtbot):
    w = window
    click_cell(qtbot, w.obs_view, 1, col(w, "actual"))
    click_cell(qtbot, w.obs_view, 2, col(w, "predicted"), Qt.KeyboardModifier.ShiftModifier)
    QGuiApplication.clipboard().clear()
    shortcut(qtbot, w.obs_view, Qt.Key.Key_C)
    expected = f"{EX_Y[1]}\t{EX_P[1]!r}\n{EX_Y[2]}\t{EX_P[2]!r}\n"
    assert expected == "0\t0.1\n1\t0.83\n"
    assert QGuiApplication.clipboard().text() == expected


def test_copy_then_paste_single_cells_round_trips(window, qtbot):
    """A cell copied and pasted back keeps its text (an empty cell stays empty, quotes stay)."""
    w = window
    type_into_cell(qtbot, w, 0, "id", 'say "hi"')
    for source, target in ((0, 3), (9, 4)):
        click_cell(qtbot, w.obs_view, source, col(w, "id"))
        if source == 9:
            qtbot.keyClick(w.obs_view, Qt.Key.Key_Delete)  # empty cell
        shortcut(qtbot, w.obs_view, Qt.Key.Key_C)
        click_cell(qtbot, w.obs_view, target, col(w, "id"))
        shortcut(qtbot, w.obs_view, Qt.Key.Key_V)
        assert w.doc.dataset.cell_text("id", target) == w.doc.dataset.cell_text("id", source)
    assert w.doc.dataset.cell_text("id", 3) == 'say "hi"'
    assert w.doc.dataset.cell_text("id", 4) == ""


def _undo_redo(qtbot, w, before, after) -> None:
    loss_after = shown_loss(w)
    shortcut(qtbot, w.obs_view, Qt.Key.Key_Z)
    assert_same_data(snapshot(w.doc.dataset), before["data"])
    assert w.model.rowCount() == before["data"]["n"]
    assert shown_loss(w) == before["loss"]
    assert counts(w) == before["counts"]
    shortcut(qtbot, w.obs_view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert_same_data(snapshot(w.doc.dataset), after)
    assert shown_loss(w) == pytest.approx(loss_after, rel=1e-15)
    assert_live_matches_full_evaluation(w)


def _state(w):
    return {"data": snapshot(w.doc.dataset), "loss": shown_loss(w), "counts": counts(w)}


def test_cut_undo_redo(window, qtbot):
    w = window
    before = _state(w)
    click_cell(qtbot, w.obs_view, 1, col(w, "actual"))
    click_cell(qtbot, w.obs_view, 2, col(w, "predicted"), Qt.KeyboardModifier.ShiftModifier)
    shortcut(qtbot, w.obs_view, Qt.Key.Key_X)
    assert QGuiApplication.clipboard().text() == "0\t0.1\n1\t0.83\n"
    ds = w.doc.dataset
    assert [ds.cell_text(r, i) for i in (1, 2) for r in ("actual", "predicted")] == [""] * 4
    assert counts(w) == (8, 2)
    keep = [0] + list(range(3, 10))
    assert shown_loss(w) == pytest.approx(sk_loss(np.take(EX_Y, keep), np.take(EX_P, keep)), rel=1e-12)
    _undo_redo(qtbot, w, before, snapshot(ds))


def test_clear_cells_with_delete_key_undo_redo(window, qtbot):
    w = window
    before = _state(w)
    click_cell(qtbot, w.obs_view, 4, col(w, "predicted"))
    click_cell(qtbot, w.obs_view, 6, col(w, "predicted"), Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(w.obs_view, Qt.Key.Key_Delete)
    ds = w.doc.dataset
    assert ds.cell_text("predicted", 4) == ds.cell_text("predicted", 6) == ""
    assert ds.cell_text("predicted", 5) == "0.94"
    assert ds.cell_text("actual", 4) == "1"
    keep = [i for i in range(10) if i not in (4, 6)]
    assert shown_loss(w) == pytest.approx(sk_loss(np.take(EX_Y, keep), np.take(EX_P, keep)), rel=1e-12)
    assert "missing" in w.model.data(w.model.index(4, col(w, "note")))
    _undo_redo(qtbot, w, before, snapshot(ds))


def test_insert_row_undo_redo(window, qtbot):
    w = window
    before = _state(w)
    click_cell(qtbot, w.obs_view, 3, col(w, "actual"))
    shortcut(qtbot, w.obs_view, Qt.Key.Key_I)
    ds = w.doc.dataset
    assert len(ds) == w.model.rowCount() == 11
    assert ds.cell_text("id", 3) == ds.cell_text("actual", 3) == ds.cell_text("predicted", 3) == ""
    assert [ds.cell_text("id", i) for i in (2, 4)] == ["ID3", "ID4"]
    assert w.obs_view.currentIndex().row() == 3  # the cursor is on the new row
    assert counts(w) == (10, 1)
    assert shown_loss(w) == pytest.approx(sk_loss(EX_Y, EX_P), rel=1e-12)
    _undo_redo(qtbot, w, before, snapshot(ds))


def test_delete_noncontiguous_rows_undo_redo(window, qtbot):
    w = window
    # an invalid text cell below the deleted rows must move with its row and come back
    type_into_cell(qtbot, w, 8, "predicted", "n/a")
    before = _state(w)
    click_row_header(qtbot, w.obs_view, 1)
    click_row_header(qtbot, w.obs_view, 4, Qt.KeyboardModifier.ControlModifier)
    click_row_header(qtbot, w.obs_view, 5, Qt.KeyboardModifier.ControlModifier)
    assert list(w.tables.selected_data_rows()) == [1, 4, 5]
    shortcut(qtbot, w.obs_view, Qt.Key.Key_Minus)
    keep = [0, 2, 3, 6, 7, 8, 9]
    ds = w.doc.dataset
    assert [ds.cell_text("id", i) for i in range(len(ds))] == [EX_IDS[i] for i in keep]
    assert ds.cell_text("predicted", 5) == "n/a"
    valid = [i for i in keep if i != 8]
    assert shown_loss(w) == pytest.approx(sk_loss(np.take(EX_Y, valid), np.take(EX_P, valid)), rel=1e-12)
    _undo_redo(qtbot, w, before, snapshot(ds))
    assert w.doc.dataset.cell_text("predicted", 5) == "n/a"  # still the redone state


def test_delete_rows_while_sorted_undo(window, qtbot):
    w = window
    before = _state(w)
    qtbot.mouseClick(w.worst_first, Qt.MouseButton.LeftButton)
    assert w.worst_first.isChecked()
    click_row_header(qtbot, w.obs_view, 0)  # the worst row: ID8
    click_row_header(qtbot, w.obs_view, 2, Qt.KeyboardModifier.ControlModifier)
    losses = [row_loss(y, p) for y, p in zip(EX_Y, EX_P)]
    order = list(np.argsort(-np.array(losses), kind="stable"))
    assert list(w.tables.selected_data_rows()) == sorted([order[0], order[2]])
    shortcut(qtbot, w.obs_view, Qt.Key.Key_Minus)
    assert len(w.doc) == 8
    assert "ID8" not in [w.doc.dataset.cell_text("id", i) for i in range(8)]
    _undo_redo(qtbot, w, before, snapshot(w.doc.dataset))


# ---------------------------------------------------------------------------------------------
# Conventions
# ---------------------------------------------------------------------------------------------


def test_conventions_with_a_zero_probability(window, qtbot):
    w = window
    type_into_cell(qtbot, w, 5, "predicted", "0")  # ID6 is class 1: probability 0 for what happened
    p = list(EX_P)
    p[5] = 0.0
    s = w.summary
    assert s.loss_text() == "∞"
    assert s.infinite_label.isVisible() and "ID6" in s.infinite_label.text()
    assert s.clip_button.isVisible()
    assert "infinite" in w.model.data(w.model.index(5, col(w, "note")))

    combo = w.settings_panel.policy
    refs = {"sklearn": (sk_loss(EX_Y, p), 1e-12), "torch": (torch_loss(EX_Y, p), 1e-12),
            "keras": (keras_loss(EX_Y, p), 1e-6)}
    # sanity of the references themselves: the p = 0 row costs 36.04 / 100 / 16.12 nats
    assert refs["torch"][0] == pytest.approx((100 + sum(row_loss(y, q) for y, q in zip(EX_Y, p) if q)) / 10)
    for name, (ref, rel) in refs.items():
        combo.setCurrentIndex(combo.findData(name))
        assert w.doc.options.policy.name == name
        assert shown_loss(w) == pytest.approx(ref, rel=rel), name
        assert s.loss_text() == fmt4(ref), name
        assert not s.infinite_label.isVisible() and not s.clip_button.isVisible()
        assert_live_matches_full_evaluation(w)

    combo.setCurrentIndex(combo.findData("exact"))
    assert s.loss_text() == "∞" and s.clip_button.isVisible()
    qtbot.mouseClick(s.clip_button, Qt.MouseButton.LeftButton)
    assert combo.currentData() == "sklearn"
    assert w.doc.options.policy.name == "sklearn"
    assert math.isfinite(shown_loss(w))
    assert shown_loss(w) == pytest.approx(refs["sklearn"][0], rel=1e-12)
    assert not s.clip_button.isVisible()


# ---------------------------------------------------------------------------------------------
# Plot <-> table
# ---------------------------------------------------------------------------------------------


def test_table_selection_rings_point_and_plot_click_selects_row(window, qtbot):
    w, plot = window, window.plot
    click_cell(qtbot, w.obs_view, 7, col(w, "predicted"))
    x, y = plot.selected_points()
    assert list(x) == [0.56]
    assert y[0] == pytest.approx(-math.log(1 - 0.56), rel=1e-12)

    # A real mouse click on ID3's point (class 1, p 0.83) in the plot.
    pw = plot.plot
    vb = pw.getPlotItem().getViewBox()
    target = [pt for pt in plot.points1.points() if int(pt.data()) == 2]
    assert len(target) == 1
    assert target[0].pos().x() == 0.83
    assert target[0].pos().y() == pytest.approx(-math.log(0.83), rel=1e-12)
    where = pw.mapFromScene(vb.mapViewToScene(target[0].pos()))
    with qtbot.waitSignal(plot.rowClicked, timeout=2000) as clicked:
        qtbot.mouseClick(pw.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert clicked.args == [2]
    assert list(w.tables.selected_data_rows()) == [2]
    assert selected_rows(w.res_view) == [2]
    x, y = plot.selected_points()
    assert list(x) == [0.83] and y[0] == pytest.approx(-math.log(0.83), rel=1e-12)


def test_plot_click_on_filtered_out_row_shows_it(window, qtbot):
    w, plot = window, window.plot
    type_into_cell(qtbot, w, 0, "actual", "x")
    qtbot.mouseClick(w.invalid_only, Qt.MouseButton.LeftButton)
    assert w.model.rowCount() == 1
    pt = [p for p in plot.points0.points() if int(p.data()) == 7][0]
    plot.points0.sigClicked.emit(plot.points0, [pt], None)  # the click path, without geometry
    assert not w.invalid_only.isChecked()
    assert w.model.rowCount() == 10
    assert list(w.tables.selected_data_rows()) == [7]


# ---------------------------------------------------------------------------------------------
# Row alignment of the two panes
# ---------------------------------------------------------------------------------------------


def test_results_pane_stays_row_aligned(window, qtbot):
    w = window
    rng = np.random.default_rng(7)
    n = 500
    w.doc.set_dataset(Dataset.from_arrays(rng.integers(0, 2, n), rng.uniform(0.01, 0.99, n)))
    obs, res = w.obs_view, w.res_view
    assert w.model.rowCount() == n

    click_row_header(qtbot, obs, 3)
    click_row_header(qtbot, obs, 7, Qt.KeyboardModifier.ShiftModifier)
    assert selected_rows(res) == list(range(3, 8))
    # whole rows in the results pane
    assert len(res.selectionModel().selectedRows()) == 5

    click_cell(qtbot, res, 20, col(w, "loss"))
    assert selected_rows(obs) == [20]
    click_cell(qtbot, res, 25, col(w, "loss"), Qt.KeyboardModifier.ControlModifier)
    assert selected_rows(obs) == [20, 25]

    click_cell(qtbot, obs, 0, col(w, "predicted"))
    assert obs.verticalScrollBar().value() == res.verticalScrollBar().value() == 0
    shortcut(qtbot, obs, Qt.Key.Key_End)  # Ctrl+End: to the last row
    assert obs.currentIndex().row() == n - 1
    assert obs.verticalScrollBar().value() > 0
    assert res.verticalScrollBar().value() == obs.verticalScrollBar().value()
    assert res.rowAt(res.viewport().height() - 2) == n - 1  # the last row is in view in both
    shortcut(qtbot, obs, Qt.Key.Key_Home)  # Ctrl+Home: back to the top, both panes follow
    assert obs.verticalScrollBar().value() == res.verticalScrollBar().value() == 0
    res.verticalScrollBar().setValue(100)
    assert obs.verticalScrollBar().value() == 100
    for v in (obs, res):
        assert v.rowAt(0) == res.rowAt(0)


# ---------------------------------------------------------------------------------------------
# Sorting and filtering
# ---------------------------------------------------------------------------------------------


def test_sort_by_header_worst_first_and_invalid_only(window, qtbot):
    w = window
    before = snapshot(w.doc.dataset)
    losses = np.array([row_loss(y, p) for y, p in zip(EX_Y, EX_P)])

    loss_col = col(w, "loss")
    click_column_header(qtbot, w.res_view, loss_col)
    assert data_order(w) == list(np.argsort(losses, kind="stable"))
    ids_shown = [w.model.data(w.model.index(v, col(w, "id"))) for v in range(10)]
    assert ids_shown == [EX_IDS[i] for i in np.argsort(losses, kind="stable")]
    assert w.res_view.horizontalHeader().sortIndicatorSection() == loss_col
    click_column_header(qtbot, w.res_view, loss_col)
    assert data_order(w) == list(np.argsort(-losses, kind="stable"))
    assert_same_data(snapshot(w.doc.dataset), before)  # only the view moved

    click_column_header(qtbot, w.obs_view, col(w, "predicted"))
    assert data_order(w) == list(np.argsort(EX_P, kind="stable"))
    assert_same_data(snapshot(w.doc.dataset), before)

    qtbot.mouseClick(w.worst_first, Qt.MouseButton.LeftButton)
    assert w.model.data_row(0) == int(np.argmax(losses)) == 7
    assert w.model.data(w.model.index(0, col(w, "id"))) == "ID8"
    qtbot.mouseClick(w.worst_first, Qt.MouseButton.LeftButton)
    assert data_order(w) == list(range(10))

    type_into_cell(qtbot, w, 2, "predicted", "-0.1")
    type_into_cell(qtbot, w, 6, "actual", "yes")
    qtbot.mouseClick(w.invalid_only, Qt.MouseButton.LeftButton)
    assert data_order(w) == [2, 6]
    assert w.row_count.text() == "2 of 10 rows"
    qtbot.mouseClick(w.invalid_only, Qt.MouseButton.LeftButton)
    assert w.model.rowCount() == 10


# ---------------------------------------------------------------------------------------------
# Plot view, units, weights
# ---------------------------------------------------------------------------------------------


def test_log_axis_and_reset_view(window, qtbot):
    w, plot = window, window.plot
    item = plot.plot.getPlotItem()
    assert not item.getAxis("left").logMode
    qtbot.mouseClick(plot.log_axis, Qt.MouseButton.LeftButton)
    assert plot.log_axis.isChecked() and w.actions["log_axis"].isChecked()
    assert item.getAxis("left").logMode and not item.getAxis("bottom").logMode
    shortcut(qtbot, w.obs_view, Qt.Key.Key_L)  # Ctrl+L toggles it back
    assert not plot.log_axis.isChecked() and not item.getAxis("left").logMode

    vb = item.getViewBox()
    vb.setXRange(0.4, 0.5, padding=0)
    vb.setYRange(1.0, 2.0, padding=0)
    assert vb.viewRange()[0] == pytest.approx([0.4, 0.5])
    qtbot.mouseClick(plot.reset_button, Qt.MouseButton.LeftButton)
    (x0, x1), (y0, y1) = vb.viewRange()
    assert x0 == pytest.approx(0.0, abs=0.03) and x1 == pytest.approx(1.0, abs=0.03)
    assert y0 <= 0.0 and y1 >= -math.log(1 - 0.56)  # the worst point is in view
    vb.setXRange(0.4, 0.5, padding=0)
    shortcut(qtbot, w.obs_view, Qt.Key.Key_0)  # Ctrl+0
    assert vb.viewRange()[0] == pytest.approx([x0, x1])


def test_units_bits(window, qtbot):
    w = window
    units = w.settings_panel.units
    units.setCurrentIndex(units.findData("bits"))
    ref = sk_loss(EX_Y, EX_P)
    assert w.summary.loss_text() == fmt4(ref / LN2)
    assert w.model.headerData(col(w, "loss"), Qt.Orientation.Horizontal) == "Row loss (bits)"
    cell = w.model.data(w.model.index(7, col(w, "loss")))
    assert cell == f"{-math.log(0.44) / LN2:.5g}"
    assert w.plot.plot.getPlotItem().getAxis("left").labelText == "Loss (bits)"
    units.setCurrentIndex(units.findData("nats"))
    assert w.summary.loss_text() == fmt4(ref)
    assert w.model.headerData(col(w, "loss"), Qt.Orientation.Horizontal) == "Row loss (nats)"


def test_weight_column(window, qtbot):
    w = window
    shortcut(qtbot, w.obs_view, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    wc = col(w, "weight")
    assert w.model.headerData(wc, Qt.Orientation.Horizontal) == "Weight"
    assert not w.obs_view.isColumnHidden(wc)
    assert [w.model.data(w.model.index(i, wc)) for i in range(10)] == ["1"] * 10
    assert w.actions["weight"].isChecked()
    ref = sk_loss(EX_Y, EX_P)
    assert shown_loss(w) == pytest.approx(ref, rel=1e-12)
    assert w.summary.loss_text() == "0.214"

    type_into_cell(qtbot, w, 7, "weight", "3")
    weights = [1.0] * 10
    weights[7] = 3.0
    ref_w = sk_loss(EX_Y, EX_P, weights)
    assert shown_loss(w) == pytest.approx(ref_w, rel=1e-12)
    assert w.summary.loss_text() == fmt4(ref_w)
    assert "Σw" in w.summary.formula_label.text()
    type_into_cell(qtbot, w, 0, "weight", "-1")
    assert counts(w)[1] == 1
    assert shown_loss(w) == pytest.approx(sk_loss(EX_Y[1:], EX_P[1:], weights[1:]), rel=1e-12)

    shortcut(qtbot, w.obs_view, Qt.Key.Key_Z)
    shortcut(qtbot, w.obs_view, Qt.Key.Key_Z)
    assert w.doc.dataset.weight is not None
    assert shown_loss(w) == pytest.approx(ref, rel=1e-12)
    shortcut(qtbot, w.obs_view, Qt.Key.Key_Z)
    assert w.model.column_of("weight") == -1
    assert w.doc.dataset.weight is None
    assert not w.actions["weight"].isChecked()
    assert shown_loss(w) == pytest.approx(ref, rel=1e-12)


# ---------------------------------------------------------------------------------------------
# Settings persistence
# ---------------------------------------------------------------------------------------------


def test_settings_persist_across_windows(window, make_window, settings_path, qtbot):
    w = window
    combo = w.settings_panel.policy
    combo.setCurrentIndex(combo.findData("torch"))
    w.settings_panel.units.setCurrentIndex(w.settings_panel.units.findData("bits"))
    qtbot.mouseClick(w.plot.log_axis, Qt.MouseButton.LeftButton)
    # (a size that fits the offscreen screen, or restoreGeometry rightly shrinks it to fit)
    w.resize(QSize(760, 700).boundedTo(w.screen().availableGeometry().size()))
    size = w.size()
    assert size != QSize(1400, 860)
    w.close()

    stored = QSettings(str(settings_path), QSettings.Format.IniFormat)
    assert stored.value("loss/policy") == "torch"

    w2 = make_window()
    assert w2.settings_panel.policy.currentData() == "torch"
    assert w2.doc.options.policy.name == "torch"
    assert w2.settings_panel.units.currentData() == "bits"
    assert w2.model.units == "bits" and w2.summary.units == "bits"
    assert w2.summary.loss_text() == fmt4(torch_loss(EX_Y, EX_P) / LN2)
    assert w2.plot.log_axis.isChecked()
    assert w2.plot.plot.getPlotItem().getAxis("left").logMode
    # The offscreen screen (800 px) is narrower than the window's minimum width (~980 px), so
    # restoreGeometry re-fits the frame and may move the width by a few pixels.
    assert w2.height() == size.height()
    assert abs(w2.width() - size.width()) <= 8


# ---------------------------------------------------------------------------------------------
# Keyboard-only use and accessibility
# ---------------------------------------------------------------------------------------------


def test_every_menu_action_is_reachable_by_keyboard(window):
    w = window
    menus = [a.menu() for a in w.menuBar().actions() if a.menu()]
    assert [m.title().replace("&", "") for m in menus] == ["File", "Edit", "View", "Help"]
    all_shortcuts = []
    for menu in menus:
        assert "&" in menu.title()
        mnemonics = []
        for act in menu.actions():
            if act.isSeparator():
                continue
            text = act.text()
            assert text, act
            assert "&" in text or not act.shortcut().isEmpty(), text
            if "&" in text:
                mnemonics.append(text[text.index("&") + 1].lower())
            all_shortcuts += [s.toString() for s in act.shortcuts() if not s.isEmpty()]
        assert len(mnemonics) == len(set(mnemonics)), (menu.title(), mnemonics)
    # no shortcut is bound twice (an ambiguous shortcut fires nothing)
    assert len(all_shortcuts) == len(set(all_shortcuts)), sorted(all_shortcuts)
    assert QKeySequence("F1").toString() in all_shortcuts


def _accessible_name(widget) -> str:
    iface = QAccessible.queryAccessibleInterface(widget)
    return iface.text(QAccessible.Text.Name) if iface is not None else widget.accessibleName()


def test_widgets_have_accessible_names(window):
    w, sp = window, window.settings_panel
    widgets = [w.obs_view, w.res_view, w.plot.plot, w.plot.log_axis, w.plot.reset_button,
               w.summary.loss_label, w.summary.formula_label, w.summary.clip_button, w.invalid_only,
               w.worst_first, sp, sp.policy, sp.eps, sp.input_kind, sp.smoothing, sp.pos_weight,
               sp.soft, sp.units, w.explain]
    missing = [type(x).__name__ + ":" + x.objectName() for x in widgets if not _accessible_name(x).strip()]
    assert not missing
    assert _accessible_name(w.obs_view) == "Observations table"
    assert _accessible_name(w.res_view) == "Results table"
    assert _accessible_name(w.plot.plot) == "Penalty curve plot"


def test_explain_dock_shows_current_loss(window, qtbot):
    w = window
    type_into_cell(qtbot, w, 7, "predicted", "0.3")  # edited while the dock is hidden
    p = list(EX_P)
    p[7] = 0.3
    ref = sk_loss(EX_Y, p)
    assert not w.explain_dock.isVisible()
    qtbot.keyClick(w.obs_view, Qt.Key.Key_F1)
    assert w.explain_dock.isVisible()
    text = w.explain.toPlainText()
    assert fmt4(ref) in text and "corrected" in text.lower()
    type_into_cell(qtbot, w, 7, "predicted", "0.9")  # and it follows edits while shown
    p[7] = 0.9
    assert fmt4(sk_loss(EX_Y, p)) in w.explain.toPlainText()
    qtbot.keyClick(w.obs_view, Qt.Key.Key_F1)
    assert not w.explain_dock.isVisible()


def test_new_document(window, qtbot):
    w = window
    shortcut(qtbot, w.obs_view, Qt.Key.Key_N)
    assert len(w.doc) == w.model.rowCount() == 1
    assert w.summary.loss_text() == "—"
    assert counts(w) == (0, 1)
    assert w.doc.undo_stack.count() == 0
    # and the empty table takes typing
    type_into_cell(qtbot, w, 0, "actual", "1")
    type_into_cell(qtbot, w, 0, "predicted", "0.8")
    assert shown_loss(w) == pytest.approx(-math.log(0.8), rel=1e-12)
