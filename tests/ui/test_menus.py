"""Every action of every menu, triggered by its shortcut as a person presses it.

A shortcut that reaches a slot with the wrong arguments opens the "Unexpected error" dialog
(the exception goes to ``sys.excepthook``); a checkable action whose tick disagrees with its
widget lies to the user. Both are checked for every action, walking the menus themselves, so an
action added later is covered without touching this file.
"""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence

from bce_gui.ui.main_window import MainWindow


def menu_actions(w: MainWindow) -> list[tuple[str, QAction]]:
    """(menu path, action) for every action of every menu and submenu."""
    out = []

    def walk(menu, path):
        for act in menu.actions():
            if act.isSeparator():
                continue
            name = f"{path} → {act.text().replace('&', '')}"
            if act.menu() is not None:
                act.menu().aboutToShow.emit()  # Open Recent fills itself when shown
                walk(act.menu(), name)
            else:
                out.append((name, act))

    for top in w.menuBar().actions():
        walk(top.menu(), top.text().replace("&", ""))
    return out


def widget_state(w: MainWindow, act: QAction) -> bool | None:
    """The state of the widget a checkable action stands for (None: not a checkable action)."""
    a = w.actions
    states = {
        id(a["invalid_only"]): lambda: w.invalid_only.isChecked() and w.model.invalid_only,
        id(a["worst_first"]): lambda: w.worst_first.isChecked(),
        id(a["log_axis"]): lambda: w.plot.log_axis.isChecked()
        and w.plot.plot.getPlotItem().getAxis("left").logMode,
        id(a["weight"]): lambda: w.doc.has_weight,
        id(a["explain"]): lambda: w.explain_dock.isVisible(),
    }
    get = states.get(id(act))
    if act.isCheckable():
        assert get is not None, f"checkable action {act.text()!r} has no widget in this test"
    return None if get is None else bool(get())


def press(qtbot, w: MainWindow, seq: QKeySequence) -> None:
    """Press a key sequence with QTest key events sent to the window's focused widget."""
    combo = seq[0]
    target = w.focusWidget() or w
    qtbot.keyClick(target, combo.key(), combo.keyboardModifiers())
    for mod, key in ((Qt.KeyboardModifier.ControlModifier, Qt.Key.Key_Control),
                     (Qt.KeyboardModifier.ShiftModifier, Qt.Key.Key_Shift)):
        if combo.keyboardModifiers() & mod:
            qtbot.keyRelease(target, key)


def make_enabled(w: MainWindow, act: QAction) -> None:
    """Undo needs an edit to undo, Redo an undone one (New empties the undo stack)."""
    m = w.model
    if act is w.actions["undo"] and not act.isEnabled():
        m.setData(m.index(0, m.column_of("predicted")), "0.5")
    if act is w.actions["redo"] and not act.isEnabled():
        m.setData(m.index(0, m.column_of("predicted")), "0.25")
        w.doc.undo_stack.undo()


class ExceptionCatcher:
    """Records what reaches sys.excepthook (where the app's "Unexpected error" dialog hangs)."""

    def __init__(self, monkeypatch) -> None:
        self.errors: list[str] = []
        monkeypatch.setattr(sys, "excepthook", lambda t, e, tb: self.errors.append(f"{t.__name__}: {e}"))


@pytest.mark.parametrize("twice", [False, True], ids=["once", "twice"])
def test_every_menu_action_works_through_its_shortcut(window, qtbot, monkeypatch, dialogs, twice):
    w = window
    catcher = ExceptionCatcher(monkeypatch)
    actions = menu_actions(w)
    names = [n for n, _ in actions]
    assert any("Worst rows first" in n for n in names) and any("Export → Re" in n for n in names)
    pressed = []
    for name, act in actions:
        keys = [s for s in act.shortcuts() if not s.isEmpty()]
        if not keys or act is w.actions["quit"]:
            continue
        w.obs_view.setFocus()
        w.obs_view.setCurrentIndex(w.model.index(0, 1))
        for seq in keys:
            make_enabled(w, act)
            assert act.isEnabled(), name
            before = act.isChecked()
            triggered = []
            act.triggered.connect(lambda *_a: triggered.append(True))
            for _ in range(2 if twice else 1):
                press(qtbot, w, seq)
            assert triggered, f"{name}: {seq.toString()} did not trigger the action"
            assert catcher.errors == [], f"{name} ({seq.toString()}): {catcher.errors}"
            state = widget_state(w, act)
            if act.isCheckable():
                assert act.isChecked() == state, f"{name}: tick {act.isChecked()} but the widget says {state}"
                assert act.isChecked() == (before if twice else not before), name
            pressed.append(name)
    # the shortcuts the issue names are among them
    for label in ("Show invalid rows only", "Worst rows first", "Log-scaled loss axis", "Paste", "Undo"):
        assert any(label in n for n in pressed), label
    # Quit last: it closes the window (unsaved changes are answered "Discard" by the stub).
    press(qtbot, w, w.actions["quit"].shortcut())
    assert catcher.errors == []
    assert not w.isVisible()


def test_checkbox_and_menu_tick_agree_both_ways(window, qtbot, monkeypatch):
    w = window
    catcher = ExceptionCatcher(monkeypatch)
    for box, key in ((w.invalid_only, "invalid_only"), (w.worst_first, "worst_first")):
        qtbot.mouseClick(box, Qt.MouseButton.LeftButton)
        assert box.isChecked() and w.actions[key].isChecked()
        press(qtbot, w, w.actions[key].shortcut())
        assert not box.isChecked() and not w.actions[key].isChecked()
        press(qtbot, w, w.actions[key].shortcut())
        assert box.isChecked() and w.actions[key].isChecked()
        qtbot.mouseClick(box, Qt.MouseButton.LeftButton)
        assert not box.isChecked() and not w.actions[key].isChecked()
    assert catcher.errors == []
