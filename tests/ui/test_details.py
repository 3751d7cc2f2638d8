"""The smaller things an analyst meets: scrolling, notes, undoable settings, Save As, clipping."""

from __future__ import annotations

import math

import numpy as np
import pytest
from PySide6.QtCore import Qt

from bce_gui.core.dataset import Dataset

EX_Y = [1, 0, 1, 0, 1, 1, 0, 0, 1, 0]
EX_P = [0.94, 0.10, 0.83, 0.17, 0.89, 0.94, 0.24, 0.56, 0.82, 0.12]
CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


def key(qtbot, w, k, mods=CTRL) -> None:
    qtbot.keyClick(w.obs_view, k, mods)
    qtbot.keyRelease(w.obs_view, Qt.Key.Key_Control)


def test_worst_rows_first_scrolls_to_the_top(window, qtbot):
    w = window
    rng = np.random.default_rng(1)
    y, p = rng.integers(0, 2, 500), rng.uniform(0.01, 0.99, 500)
    w.doc.set_dataset(Dataset.from_arrays(y, p))
    w.obs_view.setFocus()
    w.obs_view.setCurrentIndex(w.model.index(0, 1))
    key(qtbot, w, Qt.Key.Key_End)  # to the last row
    assert w.obs_view.verticalScrollBar().value() > 0
    key(qtbot, w, Qt.Key.Key_W, CTRL | SHIFT)
    assert w.worst_first.isChecked()
    worst = int(np.argmax(np.where(y == 1, -np.log(p), -np.log1p(-p))))
    assert w.model.data_row(0) == worst
    assert w.obs_view.verticalScrollBar().value() == 0 == w.res_view.verticalScrollBar().value()
    assert w.obs_view.rowAt(0) == 0  # the worst row is the first one in view


def test_a_long_note_is_shown_whole(window, qtbot):
    w, m = window, window.model
    m.setData(m.index(1, m.column_of("predicted")), "not a probability")
    m.setData(m.index(2, m.column_of("predicted")), "1.5")
    qtbot.wait(1)
    view, c = w.res_view, m.column_of("note")
    assert m.data(m.index(2, c)) == "excluded: Predicted outside [0, 1]"
    assert view.columnWidth(c) >= view.sizeHintForColumn(c)
    assert view.columnViewportPosition(c) + view.columnWidth(c) <= view.viewport().width()
    assert m.data(m.index(2, c), Qt.ItemDataRole.ToolTipRole) == m.data(m.index(2, c))


def test_changing_a_setting_is_one_undo_step(window, qtbot):
    w, sp = window, window.settings_panel
    sp.policy.setCurrentIndex(sp.policy.findData("torch"))
    assert w.doc.options.policy.name == "torch"
    key(qtbot, w, Qt.Key.Key_Z)
    assert w.doc.options.policy.name == "exact" and sp.policy.currentData() == "exact"
    assert w.summary.loss_text() == "0.214"
    key(qtbot, w, Qt.Key.Key_Z, CTRL | SHIFT)
    assert w.doc.options.policy.name == "torch" and sp.policy.currentData() == "torch"
    # the arrows of a spin box, pressed three times, are one step
    sp.input_kind.setCurrentIndex(1)  # logits
    for _ in range(3):
        sp.pos_weight.stepUp()
    assert w.doc.options.pos_weight == 3.0
    key(qtbot, w, Qt.Key.Key_Z)
    assert w.doc.options.pos_weight is None and sp.pos_weight.value() == 0.0
    assert w.doc.options.logits
    key(qtbot, w, Qt.Key.Key_Z)
    assert not w.doc.options.logits and sp.input_kind.currentIndex() == 0


def test_the_one_click_clipping_is_undoable(window, qtbot):
    w, s, m = window, window.summary, window.model
    m.setData(m.index(5, m.column_of("predicted")), "0")
    assert s.loss_text() == "∞"
    qtbot.mouseClick(s.clip_button, Qt.MouseButton.LeftButton)
    assert w.doc.options.policy.name == "sklearn" and math.isfinite(w.doc.live.totals.mean)
    assert w.doc.undo_stack.undoText() == "Use scikit-learn clipping"
    key(qtbot, w, Qt.Key.Key_Z)
    assert w.doc.options.policy.name == "exact" and s.loss_text() == "∞"
    assert w.settings_panel.policy.currentData() == "exact"
    assert w.model.data(m.index(5, m.column_of("predicted"))) == "0"  # the data did not move


@pytest.mark.parametrize("name, chosen", [("scores.xlsx", "Excel workbook (*.xlsx)"), ("scores.tsv", "TSV, tab-separated (*.tsv)"),
                                          ("scores.csv", "CSV, comma-separated, decimal point (*.csv)"), ("old.ods", "Excel workbook (*.xlsx)")])
def test_save_as_suggests_a_name_and_type_that_agree(window, dialogs, tmp_path, name, chosen):
    w = window
    w.doc.source_path = str(tmp_path / name)
    w.files.save_as()  # cancelled by the stub
    call = dialogs.of("save")[-1]
    assert call.selected_filter == chosen
    suffix = chosen.split("*")[1].rstrip(")")
    assert call.text.endswith(suffix)
