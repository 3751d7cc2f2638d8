"""Keyboard only: Tab never traps, Enter moves down, Ctrl+Z after Tab undoes, the plot and the
sort work from keys, and Alt+E opens the Edit menu."""

from __future__ import annotations

import math

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QAbstractSpinBox, QApplication, QLabel, QLineEdit

from bce_gui.core.dataset import Dataset

EX_Y = [1, 0, 1, 0, 1, 1, 0, 0, 1, 0]
EX_P = [0.94, 0.10, 0.83, 0.17, 0.89, 0.94, 0.24, 0.56, 0.82, 0.12]
K, M = Qt.Key, Qt.KeyboardModifier


def focused():
    """The widget with the focus, a spin box for its inner line edit."""
    widget = QApplication.focusWidget()
    parent = widget.parentWidget() if widget is not None else None
    return parent if isinstance(parent, QAbstractSpinBox) else widget


def press(qtbot, key, modifiers=M.NoModifier, widget=None) -> None:
    qtbot.keyClick(widget or QApplication.focusWidget(), key, modifiers)
    if modifiers & M.ControlModifier:
        qtbot.keyRelease(widget or QApplication.focusWidget(), K.Key_Control)


def col(w, key: str) -> int:
    return w.model.column_of(key)


def focus_cell(w, row: int, key: str):
    w.obs_view.setFocus()
    w.obs_view.setCurrentIndex(w.model.index(row, col(w, key)))
    assert focused() is w.obs_view


# ---------------------------------------------------------------------------------------------
# Tab and Ctrl+Tab
# ---------------------------------------------------------------------------------------------


def test_tab_moves_through_cells_and_leaves_at_the_last_one(window, qtbot):
    w = window
    focus_cell(w, 0, "id")
    press(qtbot, K.Key_Tab)
    assert focused() is w.obs_view and w.obs_view.currentIndex().column() == col(w, "actual")
    focus_cell(w, 9, "predicted")  # the last visible cell: Tab goes on to the next pane
    press(qtbot, K.Key_Tab)
    assert focused() is w.res_view
    focus_cell(w, 0, "id")
    press(qtbot, K.Key_Backtab, M.ShiftModifier)
    assert focused() is not w.obs_view


def test_ctrl_tab_leaves_the_table_from_any_cell_and_tab_reaches_the_checkboxes(window, qtbot):
    w = window
    focus_cell(w, 4, "actual")
    press(qtbot, K.Key_Tab, M.ControlModifier)
    assert focused() is w.res_view  # the results table is reachable forward
    press(qtbot, K.Key_Tab)
    assert focused() is w.invalid_only
    press(qtbot, K.Key_Tab)
    assert focused() is w.worst_first
    press(qtbot, K.Key_Tab)
    assert focused() is w.settings_panel.policy


def test_settings_tab_chain_is_not_split_by_the_infinite_loss_buttons(window, qtbot):
    w = window
    w.doc.set_dataset(Dataset.from_arrays([1, 0], [0.0, 0.3]))
    assert w.summary.clip_button.isVisibleTo(w)
    w.worst_first.setFocus()
    seen = []
    for _ in range(16):
        press(qtbot, K.Key_Tab)
        seen.append(focused())
    sp = w.settings_panel
    settings = [sp.policy, sp.input_kind, sp.smoothing, sp.reduction, sp.soft, sp.units]  # eps, pos_weight disabled
    start = seen.index(sp.policy)
    assert seen[start:start + len(settings)] == settings
    assert seen.index(w.summary.clip_button) < start and seen.index(w.summary.show_inf_button) < start
    assert w.plot.plot in seen  # the plot takes the focus too


def test_read_only_tables_of_the_dialogs_let_tab_go_on(window, qtbot, tmp_path):
    w = window
    w.about()
    dialog = w.about_dialog
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    dialog.table.setFocus()
    dialog.table.setCurrentCell(0, 0)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.table)
    press(qtbot, K.Key_Tab, widget=dialog.table)
    assert QApplication.focusWidget() is not dialog.table
    dialog.close()

    from bce_gui.core.io import ReadOptions, preview_table
    from bce_gui.ui.import_dialog import ImportDialog

    src = tmp_path / "x.csv"
    src.write_text("a;b\n1;0,5\n", encoding="utf-8")
    imp = ImportDialog(str(src), preview_table(src, ReadOptions()), ReadOptions(), w)
    qtbot.addWidget(imp)
    imp.show()
    qtbot.waitExposed(imp)
    imp.activateWindow()
    imp.table.setFocus()
    imp.table.setCurrentCell(0, 0)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is imp.table)
    press(qtbot, K.Key_Tab, widget=imp.table)
    assert QApplication.focusWidget() is not imp.table


# ---------------------------------------------------------------------------------------------
# Editing as in a spreadsheet
# ---------------------------------------------------------------------------------------------


def start_typing(qtbot, w, row: int, key: str, text: str) -> QLineEdit:
    focus_cell(w, row, key)
    qtbot.keyClicks(w.obs_view, text[0])
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    qtbot.keyClicks(editor, text[1:])
    return editor


def test_enter_commits_and_moves_down(window, qtbot):
    w = window
    editor = start_typing(qtbot, w, 2, "predicted", "0.3")
    press(qtbot, K.Key_Return, widget=editor)
    qtbot.waitUntil(lambda: w.obs_view.state() != QAbstractItemView.State.EditingState)
    assert w.doc.dataset.predicted.values[2] == 0.3
    assert w.obs_view.currentIndex().row() == 3
    assert w.obs_view.currentIndex().column() == col(w, "predicted")
    press(qtbot, K.Key_Return, widget=w.obs_view)  # not editing: Enter moves down too
    assert w.obs_view.currentIndex().row() == 4


def test_ctrl_z_after_tab_undoes_the_edit(window, qtbot):
    """The next cell's editor used to open and take Ctrl+Z for its own (empty) undo."""
    w = window
    editor = start_typing(qtbot, w, 2, "actual", "0")
    press(qtbot, K.Key_Tab, widget=editor)
    qtbot.waitUntil(lambda: w.obs_view.state() != QAbstractItemView.State.EditingState)
    assert w.doc.dataset.actual.values[2] == 0.0
    assert w.obs_view.currentIndex().column() == col(w, "predicted")  # moved on, not editing
    assert focused() is w.obs_view
    press(qtbot, K.Key_Z, M.ControlModifier)
    assert w.doc.dataset.actual.values[2] == 1.0
    y = np.array(EX_Y, float)
    p = np.array(EX_P)
    assert w.doc.live.totals.mean == pytest.approx(float(np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p)))))


# ---------------------------------------------------------------------------------------------
# The plot and sorting from the keyboard
# ---------------------------------------------------------------------------------------------


def test_the_plot_shows_focus_and_pans_zooms_and_resets_with_keys(window, qtbot):
    w = window
    plot = w.plot.plot
    vb = plot.getPlotItem().getViewBox()
    plot.setFocus()
    assert plot.hasFocus()
    image = plot.grab().toImage()
    highlight = plot.palette().highlight().color()
    ratio = image.devicePixelRatio()
    edge = image.pixelColor(0, int(image.height() / 2))
    assert edge == highlight, (edge.name(), highlight.name())  # a visible focus frame
    (x0, x1), (y0, y1) = vb.viewRange()
    press(qtbot, K.Key_Right, widget=plot)
    (a0, a1), _ = vb.viewRange()
    assert a0 == pytest.approx(x0 + 0.1 * (x1 - x0)) and a1 == pytest.approx(x1 + 0.1 * (x1 - x0))
    press(qtbot, K.Key_Up, widget=plot)
    _, (b0, _b1) = vb.viewRange()
    assert b0 == pytest.approx(y0 + 0.1 * (y1 - y0))
    press(qtbot, K.Key_Plus, widget=plot)
    (c0, c1), _ = vb.viewRange()
    assert c1 - c0 == pytest.approx((x1 - x0) / 1.25)
    press(qtbot, K.Key_Minus, widget=plot)
    press(qtbot, K.Key_Minus, widget=plot)
    (d0, d1), _ = vb.viewRange()
    assert d1 - d0 == pytest.approx((x1 - x0) * 1.25)
    w.doc.set_dataset(w.doc.dataset)  # an edit does not move a view the user moved
    assert vb.viewRange()[0][1] - vb.viewRange()[0][0] == pytest.approx(d1 - d0)
    press(qtbot, K.Key_Home, widget=plot)
    (e0, e1), _ = vb.viewRange()
    assert (e0, e1) == pytest.approx((x0, x1)) and ratio > 0


@pytest.mark.parametrize("by", ["shortcut", "menu"])
def test_sort_by_the_current_column_from_the_keyboard(window, qtbot, by):
    w = window
    focus_cell(w, 3, "predicted")

    def sort(descending: bool) -> None:
        if by == "menu":
            w.actions["sort_down" if descending else "sort_up"].trigger()
        else:
            press(qtbot, K.Key_D if descending else K.Key_A, M.ControlModifier | M.ShiftModifier,
                  widget=w.obs_view)

    sort(False)
    assert [w.model.data_row(v) for v in range(10)] == list(np.argsort(EX_P, kind="stable"))
    sort(True)
    order = [w.model.data_row(v) for v in range(10)]
    assert [EX_P[r] for r in order] == sorted(EX_P, reverse=True)
    assert w.obs_view.horizontalHeader().sortIndicatorSection() == col(w, "predicted")
    # In the results table, the loss column.
    w.res_view.setFocus()
    w.res_view.setCurrentIndex(w.model.index(0, col(w, "loss")))
    if by == "menu":
        w.actions["sort_down"].trigger()
    else:
        press(qtbot, K.Key_D, M.ControlModifier | M.ShiftModifier, widget=w.res_view)
    losses = [-math.log(p if y == 1 else 1 - p) for y, p in zip(EX_Y, EX_P)]
    assert w.model.data_row(0) == int(np.argmax(losses))


# ---------------------------------------------------------------------------------------------
# Mnemonics
# ---------------------------------------------------------------------------------------------


def mnemonic(text: str) -> str | None:
    i = text.replace("&&", "").find("&")
    return text.replace("&&", "")[i + 1].lower() if i >= 0 else None


def test_alt_letters_are_unique_and_alt_e_opens_the_edit_menu(window, qtbot):
    w = window
    letters = [mnemonic(a.text()) for a in w.menuBar().actions()]
    for label in w.findChildren(QLabel):
        if label.buddy() is not None and label.isVisibleTo(w):
            letters.append(mnemonic(label.text()))
    letters = [c for c in letters if c]
    assert len(letters) == len(set(letters)), sorted(letters)  # Epsilon took Alt+E from Edit

    edit = next(a.menu() for a in w.menuBar().actions() if a.text() == "&Edit")
    focus_cell(w, 0, "id")
    qtbot.keyClick(w.obs_view, K.Key_E, M.AltModifier)
    qtbot.waitUntil(edit.isVisible)
    edit.close()
