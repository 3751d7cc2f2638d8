"""The window's state after a load, a New or an Undo says what the table is (QA pass 4): the
Weight column tick, the status bar, row numbers in the warnings, the epsilon shown for each
convention, the Add model column choices. Dialogs are stubbed by the autouse ``dialogs``
fixture (conftest.py)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt

from bce_gui.core.policies import make_policy
from tests.ui.qa_data import QA_MC_CSV

LOAD_TIMEOUT_MS = 60_000
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier



def mc_file(tmp_path) -> Path:
    path = tmp_path / "mc.csv"
    path.write_text(QA_MC_CSV)
    return path


def weighted_file(tmp_path) -> Path:
    path = tmp_path / "w.csv"
    path.write_text("id,actual,predicted,weight\na,1,0.8,1\nb,0,0.3,2\nc,1,0.6,0.5\n")
    return path


def open_file(w, qtbot, path: Path) -> None:
    with qtbot.waitSignal(w.files.loadFinished, timeout=LOAD_TIMEOUT_MS) as blocker:
        assert w.files.open_path(str(path), ask=False, confirm_import=False)
    assert blocker.args == [True]


def press(qtbot, w, key, modifiers=CTRL_SHIFT) -> None:
    qtbot.keyClick(w.obs_view, key, modifiers)
    qtbot.keyRelease(w.obs_view, Qt.Key.Key_Control)


# -- 1. the Weight column tick follows the table --------------------------------------------------


def test_weight_tick_is_set_by_a_loaded_table_so_one_shortcut_removes_the_column(window, qtbot, tmp_path):
    w = window
    assert not w.doc.has_weight and not w.actions["weight"].isChecked()
    open_file(w, qtbot, weighted_file(tmp_path))
    assert w.doc.has_weight and w.actions["weight"].isChecked()
    press(qtbot, w, Qt.Key.Key_G)  # the first press removes it (it used to add nothing)
    assert not w.doc.has_weight and w.model.column_of("weight") == -1
    assert not w.actions["weight"].isChecked()
    press(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo: back, ticked
    assert w.doc.has_weight and w.actions["weight"].isChecked()


def test_weight_tick_after_a_k_class_load_through_the_menu(window, qtbot, tmp_path):
    w = window
    open_file(w, qtbot, mc_file(tmp_path))
    assert w.doc.categorical and w.doc.has_weight
    assert w.actions["weight"].isChecked()
    w.actions["weight"].trigger()  # the Edit menu's entry
    assert not w.doc.has_weight and not w.actions["weight"].isChecked()


def test_weight_tick_after_new_and_after_undo_of_adding_the_column(window, qtbot, tmp_path):
    w = window
    open_file(w, qtbot, weighted_file(tmp_path))
    assert w.actions["weight"].isChecked()
    press(qtbot, w, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)  # New: no weight column
    assert not w.doc.has_weight and not w.actions["weight"].isChecked()
    press(qtbot, w, Qt.Key.Key_G)  # the first press adds it
    assert w.doc.has_weight and w.actions["weight"].isChecked()
    w.doc.undo_stack.undo()
    assert not w.doc.has_weight and not w.actions["weight"].isChecked()
    w.doc.undo_stack.redo()
    assert w.doc.has_weight and w.actions["weight"].isChecked()
    w.load_example()  # the worked example has none
    assert not w.doc.has_weight and not w.actions["weight"].isChecked()


# -- 4. the status bar says what is happening now ------------------------------------------------


def test_a_loads_progress_is_gone_before_its_dialogs(window, qtbot, tmp_path, dialogs, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    w = window
    seen = []
    stub = QMessageBox.warning

    def warning(*args, **kwargs):
        seen.append((w.files.progress.isVisible(), w.files.cancel_button.isVisible()))
        return stub(*args, **kwargs)

    monkeypatch.setattr(QMessageBox, "warning", staticmethod(warning))
    open_file(w, qtbot, mc_file(tmp_path))
    assert [c.title for c in dialogs.of("warning")] == ["Check these numbers"]
    assert seen == [(False, False)]  # neither "Computing the losses 90%" nor Cancel behind it
    assert w.statusBar().currentMessage().startswith("Opened mc.csv: 11 rows")


def test_an_edit_replaces_the_last_actions_status(window, qtbot):
    from PySide6.QtGui import QGuiApplication

    w = window
    w.obs_view.setCurrentIndex(w.model.index(0, w.model.column_of("id")))
    QGuiApplication.clipboard().setText("N1\t1\t0.6\nN2\t0\t0.35\n")
    press(qtbot, w, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert w.statusBar().currentMessage().startswith("Pasted 2 rows")
    w.obs_view.selectAll()
    press(qtbot, w, Qt.Key.Key_Delete, Qt.KeyboardModifier.NoModifier)  # Clear cells
    assert w.doc.undo_stack.undoText() == "Clear cells"
    assert w.statusBar().currentMessage() == ""  # not "Pasted 2 rows" any more
    press(qtbot, w, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert w.statusBar().currentMessage().startswith("Pasted 2 rows")
    press(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undone: not pasted
    assert w.statusBar().currentMessage() == ""


# -- 2. rows in the window's messages are the table's rows ---------------------------------------


def test_check_these_numbers_names_the_row_as_the_table_numbers_it(window, qtbot, tmp_path, dialogs):
    w = window
    open_file(w, qtbot, mc_file(tmp_path))
    (warning,) = dialogs.of("warning")
    assert "label 'Cat' (row 11) was taken as class 'cat'" in warning.text  # compute: row 12
    header = w.model.headerData(10, Qt.Orientation.Vertical)
    label = w.model.data(w.model.index(10, w.model.column_of("actual")))
    assert (header, label) == ("11", "Cat")


def test_a_join_names_the_tables_duplicate_ids_by_the_tables_rows(window, qtbot, tmp_path, dialogs):
    w = window
    path = tmp_path / "t.csv"
    path.write_text("id,actual,predicted\na,1,0.8\nb,0,0.3\na,1,0.6\n")
    open_file(w, qtbot, path)
    other = tmp_path / "other.csv"
    other.write_text("id,predicted\na,0.5\nb,0.4\n")
    w.model_actions.join_predictions(str(other))
    qtbot.waitUntil(lambda: not w.model_actions.joining, timeout=10_000)
    assert "the table: duplicate IDs: 'a' (rows 1, 3)" in dialogs.of("warning")[-1].text
    assert [w.model.headerData(r, Qt.Orientation.Vertical) for r in (0, 2)] == ["1", "3"]


# -- 3. the epsilon field shows the epsilon in force ---------------------------------------------


def choose(panel, name: str) -> None:
    panel.policy.setCurrentIndex(panel.policy.findData(name))


def test_the_epsilon_field_shows_each_conventions_own(window, qtbot, tmp_path):
    import numpy as np

    w = window
    panel = w.settings_panel
    eps = panel.eps
    shown = {}
    for name in ("exact", "sklearn", "torch", "keras"):
        choose(panel, name)
        assert w.doc.options.policy.name == name
        shown[name] = (eps.text(), eps.placeholderText(), eps.isEnabled())
    assert shown == {
        "exact": ("", "none (no clipping)", False),  # Exact clips nothing
        "sklearn": (f"{np.finfo(np.float64).eps:.3g}", "", False),  # float64 ε, 2.22e-16
        "torch": ("", "none (log ≥ -100)", False),  # binary_cross_entropy clamps its logs
        "keras": ("1e-07", "", False),  # keras.config.epsilon()
    }
    choose(panel, "exact")
    assert "infinite loss" in eps.toolTip()
    choose(panel, "torch")
    assert "-100" in eps.toolTip()
    # A K-class table: PyTorch's NLLLoss clamps nothing
    open_file(w, qtbot, mc_file(tmp_path))
    assert w.doc.options.policy.name == "torch"
    assert (eps.text(), eps.placeholderText()) == ("", "none (no clipping)")
    assert "-100" not in eps.toolTip() and "NLLLoss" in eps.toolTip()


def test_a_custom_epsilon_is_editable_and_kept_while_another_convention_is_shown(window, qtbot):
    w = window
    panel = w.settings_panel
    eps = panel.eps
    choose(panel, "custom")
    assert eps.isEnabled() and eps.text() == "1e-07" and w.doc.options.policy.eps == 1e-7
    eps.setFocus()
    eps.selectAll()
    qtbot.keyClicks(eps, "0.001")
    qtbot.keyClick(eps, Qt.Key.Key_Return)
    assert w.doc.options.policy.eps == 0.001
    choose(panel, "sklearn")
    assert not eps.isEnabled() and eps.text() == "2.22e-16"
    assert w.doc.options.policy.name == "sklearn"
    choose(panel, "custom")  # the typed epsilon again, not scikit-learn's
    assert eps.text() == "0.001" and w.doc.options.policy.eps == 0.001
    # The document's options changed otherwise (an undo, a restored file): the field follows
    choose(panel, "keras")
    w.set_options(replace(w.doc.options, policy=make_policy("custom", 0.05)))
    assert eps.text() == "0.05" and eps.isEnabled()
    w.doc.undo_stack.undo()  # (the convention's steps in a row are one undo step)
    assert w.doc.options.policy.name == "exact"
    assert (eps.text(), eps.placeholderText(), eps.isEnabled()) == ("", "none (no clipping)", False)
    choose(panel, "custom")  # the last custom epsilon
    assert eps.text() == "0.05" and w.doc.options.policy.eps == 0.05


def test_a_k_class_table_describes_the_k_class_conventions_everywhere(window, qtbot, tmp_path):
    """PyTorch's and Keras' K-class losses are NLLLoss and CategoricalCrossentropy, not their
    binary losses: the convention list, the summary's convention line, the report and the
    walk-through say so for a K-class table (and the binary words come back with a binary one)."""
    from bce_gui.core.report import report_html

    w = window
    panel = w.settings_panel
    torch_item = panel.policy.findData("torch")
    assert "−100" in panel.policy.itemText(torch_item)  # the example: binary
    open_file(w, qtbot, mc_file(tmp_path))
    assert "NLLLoss" in panel.policy.itemText(torch_item)
    for name, words, binary_words in (("torch", "NLLLoss", "binary_cross_entropy"),
                                      ("keras", "CategoricalCrossentropy", "BinaryCrossentropy")):
        choose(panel, name)
        qtbot.waitUntil(lambda: words in w.summary.policy_label.text())
        assert binary_words not in w.summary.policy_label.text()
        html = report_html(w.doc.dataset, w.doc.live.snapshot(), source=None)
        assert words in html and binary_words not in html
    w.load_example()
    qtbot.waitUntil(lambda: "−100" in panel.policy.itemText(torch_item))
    assert "BinaryCrossentropy" in w.summary.policy_label.text()  # (keras still chosen)
