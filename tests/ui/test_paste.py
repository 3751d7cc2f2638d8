"""Paste lands where the user sees it: the selection, or the end of the table.

Driven with real clicks and Ctrl+V; expected tables and losses are written out here (losses with
scikit-learn), never read from the app.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication
from sklearn.metrics import log_loss

EX_IDS = [f"ID{i}" for i in range(1, 11)]
EX_Y = [1, 0, 1, 0, 1, 1, 0, 0, 1, 0]
EX_P = [0.94, 0.10, 0.83, 0.17, 0.89, 0.94, 0.24, 0.56, 0.82, 0.12]


def sk_loss(y, p) -> float:
    return float(log_loss(np.asarray(y, float), np.asarray(p, float), labels=[0, 1]))


def col(w, key: str) -> int:
    return w.model.column_of(key)


def key(qtbot, w, k, mods=Qt.KeyboardModifier.ControlModifier) -> None:
    qtbot.keyClick(w.obs_view, k, mods)
    qtbot.keyRelease(w.obs_view, Qt.Key.Key_Control)


def click_cell(qtbot, view, row: int, column: int) -> None:
    index = view.model().index(row, column)
    view.scrollTo(index)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center())


def click_below_rows(qtbot, w) -> None:
    """A click in the empty area under the last row (the current cell stays where it was)."""
    view = w.obs_view
    last = view.visualRect(w.model.index(w.model.rowCount() - 1, col(w, "actual")))
    below = QPoint(last.center().x(), last.bottom() + 3 * last.height())
    assert below.y() < view.viewport().height() and view.indexAt(below).row() == -1
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=below)


def table(w) -> list[tuple[str, str, str]]:
    ds = w.doc.dataset
    return [(ds.cell_text("id", i), ds.cell_text("actual", i), ds.cell_text("predicted", i))
            for i in range(len(ds))]


EXAMPLE = list(zip(EX_IDS, map(str, EX_Y), map(str, EX_P)))


def test_paste_after_a_click_below_the_rows_appends_whole_rows(window, qtbot, dialogs):
    w = window
    click_cell(qtbot, w.obs_view, 2, col(w, "predicted"))  # the current cell is left here
    click_below_rows(qtbot, w)
    assert w.obs_view.currentIndex().column() == col(w, "predicted")
    assert not w.obs_view.selectionModel().hasSelection()
    QGuiApplication.clipboard().setText("N1\t1\t0.6\nN2\t0\t0.35\n")
    key(qtbot, w, Qt.Key.Key_V)
    assert table(w) == EXAMPLE + [("N1", "1", "0.6"), ("N2", "0", "0.35")]
    assert w.doc.live.totals.mean == pytest.approx(sk_loss(EX_Y + [1, 0], EX_P + [0.6, 0.35]), rel=1e-12)
    assert "added at the end" in w.statusBar().currentMessage()
    # the pasted rows are where the cursor is now
    assert w.obs_view.currentIndex().row() == 10
    assert dialogs.calls == []
    key(qtbot, w, Qt.Key.Key_Z)
    assert table(w) == EXAMPLE


def test_two_columns_pasted_below_the_rows_are_actual_and_predicted(window, qtbot):
    w = window
    click_below_rows(qtbot, w)
    QGuiApplication.clipboard().setText("1\t0.7\n")
    key(qtbot, w, Qt.Key.Key_V)
    assert table(w)[-1] == ("", "1", "0.7")


def test_a_block_with_a_header_is_appended_with_columns_matched_by_name(window, qtbot):
    w = window
    click_cell(qtbot, w.obs_view, 3, col(w, "predicted"))  # a selection in the middle
    QGuiApplication.clipboard().setText("Predicted\tnote\tID\tActual\n0.25\tx\tH1\t0\n0.9\ty\tH2\t1\n")
    key(qtbot, w, Qt.Key.Key_V)
    assert table(w) == EXAMPLE + [("H1", "0", "0.25"), ("H2", "1", "0.9")]
    assert "not used: note" in w.statusBar().currentMessage()


def test_a_header_with_a_weight_column_adds_weights_in_one_undo_step(window, qtbot):
    w = window
    QGuiApplication.clipboard().setText("id\tactual\tpredicted\tweight\nW1\t1\t0.5\t4\n")
    key(qtbot, w, Qt.Key.Key_V)
    assert w.doc.has_weight
    assert w.doc.dataset.cell_text("weight", 10) == "4"
    assert w.doc.dataset.cell_text("weight", 0) == "1"
    key(qtbot, w, Qt.Key.Key_Z)
    assert not w.doc.has_weight and table(w) == EXAMPLE


def test_ctrl_i_then_paste_fills_the_new_row(window, qtbot):
    w = window
    click_cell(qtbot, w.obs_view, 3, col(w, "id"))
    key(qtbot, w, Qt.Key.Key_I)
    selected = w.obs_view.selectionModel().selectedIndexes()
    assert [(i.row(), i.column()) for i in selected] == [(3, col(w, "id"))]  # only the new row
    QGuiApplication.clipboard().setText("NEW\t1\t0.55\n")
    key(qtbot, w, Qt.Key.Key_V)
    assert table(w) == EXAMPLE[:3] + [("NEW", "1", "0.55")] + EXAMPLE[3:]


def test_a_block_too_wide_for_where_it_was_pasted_changes_nothing_and_says_why(window, qtbot, dialogs):
    w = window
    click_cell(qtbot, w.obs_view, 1, col(w, "predicted"))
    QGuiApplication.clipboard().setText("Z1\t1\t0.5\n")
    key(qtbot, w, Qt.Key.Key_V)
    assert table(w) == EXAMPLE
    warnings = dialogs.of("warning")
    assert len(warnings) == 1 and "3 columns" in warnings[0].text and "ID" in warnings[0].text
    assert w.doc.undo_stack.count() == 0


def test_paste_over_the_selection_still_overwrites_from_its_top_left(window, qtbot):
    w = window
    click_cell(qtbot, w.obs_view, 8, col(w, "actual"))
    QGuiApplication.clipboard().setText("0\t0.3\n1\t0.6\n0\t0.2\n")
    key(qtbot, w, Qt.Key.Key_V)
    assert table(w) == EXAMPLE[:8] + [("ID9", "0", "0.3"), ("ID10", "1", "0.6"), ("", "0", "0.2")]


def test_copying_an_empty_cell_copies_an_empty_line(window, qtbot):
    w = window
    w.model.setData(w.model.index(4, col(w, "id")), "")
    click_cell(qtbot, w.obs_view, 4, col(w, "id"))
    key(qtbot, w, Qt.Key.Key_C)
    assert QGuiApplication.clipboard().text() == "\n"  # not "" in quote marks


@pytest.mark.slow
def test_a_paste_of_100000_rows_is_one_undo_step_with_the_right_loss(window, qtbot):
    w = window
    n = 100_000
    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, n)
    p = np.round(rng.uniform(0.01, 0.99, n), 6)
    text = "".join(f"R{i}\t{a}\t{b!r}\n" for i, a, b in zip(range(n), y.tolist(), p.tolist()))
    QGuiApplication.clipboard().setText(text)
    click_below_rows(qtbot, w)
    key(qtbot, w, Qt.Key.Key_V)
    ds = w.doc.dataset
    assert len(ds) == n + 10
    assert ds.cell_text("id", 10 + 777) == "R777" and ds.predicted.values[10 + 777] == p[777]
    ref = sk_loss(np.concatenate([EX_Y, y]), np.concatenate([EX_P, p]))
    assert w.doc.live.totals.mean == pytest.approx(ref, rel=1e-10)
    assert w.doc.undo_stack.count() == 1
    key(qtbot, w, Qt.Key.Key_Z)
    assert table(w) == EXAMPLE and w.doc.live.totals.mean == pytest.approx(sk_loss(EX_Y, EX_P), rel=1e-12)
    key(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert len(w.doc.dataset) == n + 10
    assert w.doc.live.totals.mean == pytest.approx(ref, rel=1e-10)
    assert not math.isnan(w.doc.live.totals.mean)


def test_undoing_a_paste_into_invalid_rows_only_shows_them_again(window, qtbot, dialogs):
    """Two invalid rows, "invalid rows only", three values pasted from the first (two over
    the invalid rows, which stay in view as rows fixed by typing do, one added), then Undo:
    the two rows are invalid again and shown (the view was left empty)."""
    w = window
    ds = w.doc.dataset
    for row, text in ((3, "x"), (7, "y")):
        w.model.setData(w.model.index(row, col(w, "predicted")), text, Qt.ItemDataRole.EditRole)
    w.invalid_only.setChecked(True)
    qtbot.waitUntil(lambda: w.model.rowCount() == 2)
    ids = lambda: [w.model.data(w.model.index(r, col(w, "id"))) for r in range(w.model.rowCount())]  # noqa: E731
    assert ids() == ["ID4", "ID8"]
    QGuiApplication.clipboard().setText("0.4\n0.5\n0.6\n")
    click_cell(qtbot, w.obs_view, 0, col(w, "predicted"))
    key(qtbot, w, Qt.Key.Key_V)
    qtbot.waitUntil(lambda: len(ds) == 11)
    assert (ds.cell_text("predicted", 3), ds.cell_text("predicted", 7)) == ("0.4", "0.5")
    assert ids()[:2] == ["ID4", "ID8"] and w.model.rowCount() == 3  # (the new row: no actual)
    w.doc.undo_stack.undo()
    qtbot.waitUntil(lambda: len(ds) == 10)
    assert (ds.cell_text("predicted", 3), ds.cell_text("predicted", 7)) == ("x", "y")
    assert ids() == ["ID4", "ID8"]
    assert w.model.rowCount() == len(w.doc) - w.doc.live.totals.n == 2


def test_pasting_lines_of_a_csv_says_how_to_paste_rows(window, qtbot, dialogs):
    w = window
    QGuiApplication.clipboard().setText("A,1,0.5\n")
    click_cell(qtbot, w.obs_view, 0, col(w, "id"))
    key(qtbot, w, Qt.Key.Key_V)
    qtbot.waitUntil(lambda: w.doc.dataset.cell_text("id", 0) == "A,1,0.5")
    message = w.statusBar().currentMessage()
    assert message.startswith("Pasted 1 row") and "separated by ','" in message
    QGuiApplication.clipboard().setText("0.5\n")  # an ordinary paste says nothing more
    click_cell(qtbot, w.obs_view, 1, col(w, "predicted"))
    key(qtbot, w, Qt.Key.Key_V)
    qtbot.waitUntil(lambda: w.statusBar().currentMessage() == "Pasted 1 row")


def paste_by(qtbot, w, by: str) -> None:
    """Paste through Ctrl+V, or through Edit → Paste as a mouse user does."""
    if by == "shortcut":
        key(qtbot, w, Qt.Key.Key_V)
        return
    edit = next(a.menu() for a in w.menuBar().actions() if a.text() == "&Edit")
    paste = next(a for a in edit.actions() if a.text() == "&Paste")
    assert paste is w.actions["paste"]
    paste.trigger()


@pytest.mark.parametrize("by", ["shortcut", "menu"])
@pytest.mark.parametrize("text", ["0.3\n0.4\n\n", "0.3\r\n0.4\r\n\r\n"])
def test_a_trailing_blank_line_clears_no_cell(window, qtbot, by, text):
    """A blank line after the block is no row: ID3's Predicted stays, and two rows were pasted."""
    w = window
    click_cell(qtbot, w.obs_view, 0, col(w, "predicted"))
    QGuiApplication.clipboard().setText(text)
    paste_by(qtbot, w, by)
    expected = [("ID1", "1", "0.3"), ("ID2", "0", "0.4")] + EXAMPLE[2:]
    assert table(w) == expected
    assert w.statusBar().currentMessage() == "Pasted 2 rows"
    assert w.doc.live.totals.mean == pytest.approx(sk_loss(EX_Y, [0.3, 0.4] + EX_P[2:]), rel=1e-12)


@pytest.mark.parametrize("by", ["shortcut", "menu"])
def test_a_trailing_blank_line_below_the_table_adds_no_empty_row(window, qtbot, by):
    w = window
    click_below_rows(qtbot, w)
    QGuiApplication.clipboard().setText("N1\t1\t0.6\r\n\r\n")
    paste_by(qtbot, w, by)
    assert table(w) == EXAMPLE + [("N1", "1", "0.6")]
    assert w.doc.live.validity.all_valid
    assert w.statusBar().currentMessage() == "Pasted 1 row added at the end"


def test_a_blank_line_inside_a_block_still_clears_its_cell(window, qtbot):
    """Kept as it was: a blank line between rows is an empty cell (a spreadsheet's copy of a
    range with an empty cell in it), so the rows below stay aligned."""
    w = window
    click_cell(qtbot, w.obs_view, 0, col(w, "predicted"))
    QGuiApplication.clipboard().setText("0.3\n\n0.5\n\n")
    key(qtbot, w, Qt.Key.Key_V)
    assert table(w)[:4] == [("ID1", "1", "0.3"), ("ID2", "0", ""), ("ID3", "1", "0.5"), EXAMPLE[3]]
