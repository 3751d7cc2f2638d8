"""The window's side of issue 15: the reduction setting, file text shown as text, saving
questions and options. Dialogs are stubbed by the autouse ``dialogs`` fixture (conftest.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QMessageBox
from sklearn.metrics import log_loss

from bce_gui.core.dataset import Dataset
from bce_gui.core.io import read_table
from bce_gui.ui.files import KEEP_FORMULA_TEXT_KEY
from bce_gui.ui.plain_text import rich_text

SB = QMessageBox.StandardButton
LOAD_TIMEOUT_MS = 60_000
ISSUE_Y, ISSUE_P, ISSUE_W = [1, 0, 1, 0], [0.8, 0.3, 0.6, 0.1], [1, 2, 0.5, 1]


def open_file(w, qtbot, path: Path) -> None:
    with qtbot.waitSignal(w.files.loadFinished, timeout=LOAD_TIMEOUT_MS) as blocker:
        assert w.files.open_path(str(path), ask=False, confirm_import=False)
    assert blocker.args == [True]


def weighted_file(tmp_path) -> Path:
    path = tmp_path / "w.csv"
    rows = "\n".join(f"r{i},{y},{p},{w}" for i, (y, p, w) in enumerate(zip(ISSUE_Y, ISSUE_P, ISSUE_W)))
    path.write_text("id,actual,predicted,weight\n" + rows + "\n")
    return path


def shown(w) -> float:
    return float(w.summary.loss_text().replace("−", "-"))


# -- the reduction -------------------------------------------------------------------------------


def test_reduction_setting_follows_each_library_and_can_be_chosen(window, qtbot, tmp_path,
                                                                  make_window, settings_path):
    w = window
    open_file(w, qtbot, weighted_file(tmp_path))
    panel = w.settings_panel
    sk = log_loss(ISSUE_Y, ISSUE_P, sample_weight=ISSUE_W)
    assert shown(w) == pytest.approx(sk, abs=5e-5)  # exact: scikit-learn's weighted mean
    assert panel.reduction.currentData() is None
    assert panel.reduction.itemText(0) == "Library default (Σw·l/Σw)"

    panel.policy.setCurrentIndex(panel.policy.findData("torch"))
    assert w.doc.options.reduction_used == "mean"
    assert panel.reduction.itemText(0) == "Library default (Σw·l/N)"
    assert shown(w) == pytest.approx(0.3243167, abs=5e-5)  # PyTorch 2.13's number
    assert "(1/N) Σ w·loss" in w.summary.formula_label.text()
    assert "Reduction: mean over rows of w·l, Σw·l/N (PyTorch's default)" in w.summary.policy_label.text()

    panel.reduction.setCurrentIndex(panel.reduction.findData("weighted-mean"))
    assert w.doc.options.reduction == "weighted-mean"
    assert shown(w) == pytest.approx(sk, abs=5e-5)
    assert "chosen" in w.summary.policy_label.text()
    panel.reduction.setCurrentIndex(panel.reduction.findData("sum"))
    assert shown(w) == pytest.approx(4 * 0.3243167, abs=5e-4)

    # Undo-free: it is a setting, kept with the others.
    w.close()
    assert QSettings(str(settings_path), QSettings.Format.IniFormat).value("loss/reduction") == "sum"
    w2 = make_window()
    assert w2.doc.options.reduction == "sum" and w2.settings_panel.reduction.currentData() == "sum"


def test_reduction_reaches_the_keyboard(window, qtbot):
    """The combo is in the settings' tab order (Ctrl+2 goes to the settings)."""
    panel = window.settings_panel
    assert panel.reduction.focusPolicy() & Qt.FocusPolicy.TabFocus
    assert panel.reduction.accessibleName() == "Reduction"


# -- file text is shown as text ------------------------------------------------------------------


def test_explanation_panel_shows_ids_as_text(window, qtbot, tmp_path):
    w = window
    path = tmp_path / "ids.csv"
    path.write_text('id,actual,predicted\n<!--,1,0.9\n"<img src=x>",0,0.2\n<b>bold</b>,1,0.6\n')
    open_file(w, qtbot, path)
    w.explain_dock.show()
    w._refresh_explain()
    text = w.explain.toPlainText()
    assert "<!--" in text and "<img src=x>" in text and "<b>bold</b>" in text
    assert "Result." in text and "Convention." in text  # nothing after the ID was hidden


def test_error_dialogs_show_file_text_as_text(window, qtbot, tmp_path, dialogs):
    path = tmp_path / "h.csv"
    path.write_text("<b>foo</b>,<i>bar</i>\n1,2\n")
    with qtbot.waitSignal(window.files.loadFinished, timeout=LOAD_TIMEOUT_MS) as blocker:
        window.files.open_path(str(path), ask=False, confirm_import=False)
    assert blocker.args == [False]
    warning = dialogs.of("warning")[0].text
    doc = QTextDocument()
    doc.setHtml(warning) if GuiQt.mightBeRichText(warning) else doc.setPlainText(warning)
    assert "<b>foo</b>, <i>bar</i>" in doc.toPlainText()


def test_rich_text_leaves_plain_text_alone():
    assert rich_text("h.csv: no column") == "h.csv: no column"
    doc = QTextDocument()
    doc.setHtml(rich_text("a <img src=x> & <!-- b"))
    assert doc.toPlainText() == "a <img src=x> & <!-- b"


def test_thousands_warning_is_shown_after_opening(window, qtbot, tmp_path, dialogs):
    path = tmp_path / "t.csv"
    path.write_text("actual;predicted;weight\n1;0,9;1.000\n0;0,2;2,5\n")
    open_file(window, qtbot, path)
    warnings = dialogs.of("warning")
    assert len(warnings) == 1 and warnings[0].title == "Check these numbers"
    assert "'1.000'" in warnings[0].text and "weight" in warnings[0].text


# -- saving ------------------------------------------------------------------------------------


def test_saving_over_a_read_only_file_asks_first(window, qtbot, tmp_path, dialogs):
    w = window
    path = tmp_path / "ro.csv"
    path.write_text("actual,predicted\n1,0.9\n0,0.2\n")
    open_file(w, qtbot, path)
    w.doc.dataset.set_cell_text("predicted", 0, "0.7")
    w.doc.mark_unsaved()
    os.chmod(path, 0o444)
    dialogs.answer("question", SB.No)
    assert not w.files.save()
    assert [c.title for c in dialogs.of("question")] == ["Read-only file"]
    assert path.read_text() == "actual,predicted\n1,0.9\n0,0.2\n"
    dialogs.answer("question", SB.Yes)
    assert w.files.save()
    assert read_table(path)[0].predicted.values[0] == 0.7
    assert os.stat(path).st_mode & 0o777 == 0o444


def test_saved_csv_guards_formulas_unless_the_user_opts_out(window, qtbot, tmp_path):
    w = window
    w.doc.set_dataset(Dataset.from_arrays([1, 0], [0.9, 0.2], ids=["=HYPERLINK(\"x\")", "@SUM(1)"]))
    target = tmp_path / "out.csv"
    assert w.files._write(str(target))
    assert read_table(target)[0].ids.tolist() == ["'=HYPERLINK(\"x\")", "'@SUM(1)"]
    w.settings.setValue(KEEP_FORMULA_TEXT_KEY, True)
    assert w.files._write(str(target))
    assert read_table(target)[0].ids.tolist() == ["=HYPERLINK(\"x\")", "@SUM(1)"]


@pytest.mark.timeout(60)
def test_opening_a_fifo_in_the_window_says_so_instead_of_hanging(window, tmp_path, dialogs):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    assert not window.files.open_path(str(fifo), ask=False)
    warning = dialogs.of("warning")[0].text
    assert "pipe.csv" in warning and "not a file" in warning


def test_cells_of_a_ragged_row_are_marked(window, qtbot, tmp_path):
    w = window
    path = tmp_path / "r.csv"
    path.write_text("id,actual,predicted\na,1,0.9\nb,0,0.2,9\n")
    open_file(w, qtbot, path)
    index = w.model.index(1, w.model.column_of("predicted"))
    assert w.model.data(index, Qt.ItemDataRole.BackgroundRole) is not None
    tip = w.model.data(index, Qt.ItemDataRole.ToolTipRole)
    assert tip == "The file's row has 4 fields, header has 3 — this row is excluded from the loss"
    assert w.model.data(w.model.index(0, w.model.column_of("predicted")),
                        Qt.ItemDataRole.BackgroundRole) is None
