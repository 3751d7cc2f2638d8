"""What counts as unsaved: the data a Save would write, not the loss settings.

The settings (convention, reduction, probabilities or logits, ...) are not in the saved file: they
are the app's own preferences, kept in its settings file when the window closes, and they carry
over to the next table. So a change of settings alone, undoable as it is, leaves the table as
saved: no asterisk in the title, no "Save changes?" when closing or opening another file.
"""

from __future__ import annotations

import dataclasses
import sys

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox


SB = QMessageBox.StandardButton
LOAD_TIMEOUT_MS = 20_000
CSV = "id,actual,predicted,weight\na,1,0.9,1\nb,0,0.2,2\nc,1,0.65,1\nd,0,0.35,0.5\n"


pytestmark = pytest.mark.usefixtures("recovery_folder")  # (tests/ui/conftest.py)


@pytest.fixture
def opened(tmp_path, window, qtbot):
    path = tmp_path / "scores.csv"
    path.write_text(CSV)
    with qtbot.waitSignal(window.files.loadFinished, timeout=LOAD_TIMEOUT_MS) as blocker:
        assert window.files.open_path(str(path), ask=False, confirm_import=False)
    assert blocker.args == [True]
    assert window.windowTitle() == "scores.csv[*] — BCE Lab" and not window.isWindowModified()
    return window, path


def choose(combo, data) -> None:
    """Pick an item of one of the settings panel's boxes, as a click in its list does."""
    combo.setCurrentIndex(combo.findData(data))


def set_cell(w, row: int, key: str, text: str) -> None:
    m = w.model
    assert m.setData(m.index(row, m.column_of(key)), text, Qt.ItemDataRole.EditRole)


def test_a_setting_changed_alone_leaves_the_file_saved(opened, dialogs):
    w, path = opened
    sp = w.settings_panel
    before = w.doc.options
    choose(sp.policy, "torch")
    choose(sp.reduction, "sum")
    choose(sp.units, "bits")
    w.statistics.threshold.setValue(0.3)
    assert w.doc.options.policy.name == "torch" and w.doc.options.reduction == "sum"
    assert w.doc.undo_stack.count() == 2  # both are undo steps...
    assert not w.isWindowModified()  # ...that change nothing a Save writes
    assert not w.doc.modified
    assert w.files.write_recovery() is None  # nothing to recover either

    # Undo and redo of the settings still work, and stay clean.
    w.doc.undo_stack.undo()
    assert w.doc.options.reduction is None and sp.reduction.currentData() is None
    w.doc.undo_stack.undo()
    assert w.doc.options == before
    w.doc.undo_stack.redo()
    assert w.doc.options.policy.name == "torch" and not w.isWindowModified()

    # Closing asks nothing, and the file is as it was.
    assert w.close() is True
    assert dialogs.of("question") == []
    assert path.read_text() == CSV


def test_settings_do_not_make_opening_another_file_ask(opened, tmp_path, qtbot, dialogs):
    w, _path = opened
    choose(w.settings_panel.input_kind, True)  # logits
    other = tmp_path / "other.csv"
    other.write_text("actual,predicted\n1,0.75\n0,0.5\n")
    dialogs.answer("open", str(other))
    with qtbot.waitSignal(w.files.loadFinished, timeout=LOAD_TIMEOUT_MS):
        w.actions["open"].trigger()
    assert w.doc.source_path == str(other)
    assert [c.title for c in dialogs.of("question")] == ["Probabilities or logits?"]  # not "Unsaved changes"


def test_unsaved_follows_the_data_through_undo_and_redo(opened, qtbot, dialogs):
    w, _path = opened
    stack = w.doc.undo_stack
    set_cell(w, 0, "predicted", "0.8")
    assert w.isWindowModified()
    w.set_options(dataclasses.replace(w.doc.options, reduction="sum"))
    assert w.isWindowModified()  # a setting after an edit: still unsaved
    stack.undo()  # the setting
    assert w.isWindowModified()
    stack.undo()  # the edit: the data is as saved
    assert not w.isWindowModified() and w.windowTitle() == "scores.csv[*] — BCE Lab"
    stack.redo()
    assert w.isWindowModified()
    stack.redo()
    assert w.isWindowModified() and w.doc.options.reduction == "sum"

    # Saved with the setting on top: undoing the setting keeps it saved, undoing the edit does not.
    qtbot.keyClick(w.obs_view, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert not w.isWindowModified()
    stack.undo()
    assert not w.isWindowModified() and w.doc.options.reduction is None
    stack.undo()
    assert w.isWindowModified()
    stack.redo()
    assert not w.isWindowModified()

    # A new setting pushed where the old one was undone (Qt drops the redo step): still saved.
    w.set_options(dataclasses.replace(w.doc.options, logits=True))
    assert stack.count() == 2 and w.doc.options.logits
    assert not w.isWindowModified()
    assert dialogs.of("question") == []


def test_closing_after_an_edit_and_a_setting_asks_and_saves_the_data(opened, dialogs):
    w, path = opened
    set_cell(w, 1, "predicted", "0.25")
    choose(w.settings_panel.policy, "keras")
    dialogs.answer("question", SB.Save)
    assert w.close() is True
    asked = dialogs.of("question")
    assert [c.title for c in asked] == ["Unsaved changes"] and "scores.csv" in asked[0].text
    assert path.read_text() == CSV.replace("b,0,0.2,2", "b,0,0.25,2")


def test_restored_work_is_unsaved_until_saved(opened):
    w, _path = opened
    w.doc.mark_unsaved()  # as a restore after a crash does
    assert w.isWindowModified()
    assert w.files.save()
    assert not w.isWindowModified()


def test_an_edit_that_fails_part_way_leaves_the_data_unsaved(opened, monkeypatch):
    w, _path = opened
    reported = []
    monkeypatch.setattr(sys, "excepthook", lambda *exc: reported.append(exc[0]))

    def half_done(edits):
        w.doc.dataset.set_cell_text("predicted", 0, "0.85")  # changed, then it broke
        raise RuntimeError("a bug")

    monkeypatch.setattr(w.doc, "apply_cells", half_done)
    set_cell(w, 1, "predicted", "0.3")
    assert reported == [RuntimeError]
    assert w.doc.dataset.predicted.values[0] == 0.85 and w.isWindowModified()  # not the file's 0.9
