"""The options have one owner, the document: the summary refreshes once per change, and the
settings file and the recovery files keep every field through LossOptions' one plain form."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QSettings

from bce_gui.core.dataset import Dataset
from bce_gui.core.loss import LossOptions
from bce_gui.core.policies import make_policy
from bce_gui.ui import commands
from bce_gui.ui import files as files_mod
from bce_gui.ui.summary_panel import SummaryPanel

EVERY_FIELD = [
    LossOptions(policy=make_policy("custom", 1e-4), logits=True, label_smoothing=0.1, pos_weight=2.5,
                soft_labels=True, reduction="sum"),
    LossOptions(policy=make_policy("keras"), label_smoothing=0.05, reduction="weighted-mean"),
    LossOptions(policy=make_policy("sklearn"), soft_labels=True, reduction="mean"),
    LossOptions(policy=make_policy("torch"), logits=True, pos_weight=0.1),
]


@pytest.fixture
def refreshes(monkeypatch):
    """Counts SummaryPanel.refresh calls (patched before the window connects it)."""
    calls = []
    real = SummaryPanel.refresh

    def counted(self):
        calls.append(1)
        real(self)

    monkeypatch.setattr(SummaryPanel, "refresh", counted)
    return calls


def test_the_summary_refreshes_once_per_change(refreshes, window, qtbot):
    w = window

    def count(change) -> int:
        refreshes.clear()
        change()
        return len(refreshes)

    panel = w.settings_panel
    assert count(lambda: panel.policy.setCurrentIndex(panel.policy.findData("sklearn"))) == 1
    assert w.doc.options.policy.name == "sklearn"
    assert count(w.doc.undo_stack.undo) == 1
    assert count(w.doc.undo_stack.redo) == 1
    assert count(lambda: w.switch_policy("torch")) == 1
    assert count(lambda: commands.edit_cells(w.doc, [(0, "predicted", "0.5")])) == 1
    assert count(lambda: commands.set_weight_column(w.doc, True)) == 1
    assert count(lambda: commands.insert_rows(w.doc, 0, 1)) == 1
    assert count(lambda: w.doc.set_dataset(Dataset.from_arrays([1, 0], [0.7, 0.2]))) == 1
    assert count(lambda: w.set_units("bits")) == 1


def test_the_panel_follows_the_document(window):
    w = window
    opts = EVERY_FIELD[0]
    w.set_options(opts)
    sp = w.settings_panel
    assert sp.current_options() == opts  # the panel shows exactly what the document uses
    w.doc.undo_stack.undo()
    assert sp.current_options() == LossOptions()
    assert w.doc.options == LossOptions()


@pytest.mark.parametrize("options", EVERY_FIELD, ids=lambda o: o.policy.name)
def test_every_field_is_remembered_in_the_settings_file(options, window, make_window, settings_path):
    w = window
    w.set_options(options)
    w.close()  # (a change of settings alone: closing asks nothing)
    stored = QSettings(str(settings_path), QSettings.Format.IniFormat)
    assert stored.value("loss/policy") == options.policy.name
    w2 = make_window()
    assert w2.doc.options == options
    assert w2.settings_panel.current_options() == options


def test_an_unreadable_settings_file_gives_the_defaults(settings_path, make_window):
    s = QSettings(str(settings_path), QSettings.Format.IniFormat)
    s.setValue("loss/policy", "bananas")
    s.setValue("loss/label_smoothing", "lots")
    s.sync()
    assert make_window().doc.options == LossOptions()


@pytest.mark.parametrize("options", EVERY_FIELD, ids=lambda o: o.policy.name)
def test_every_field_survives_a_recovery_file(options, window, make_window, qtbot, dialogs, tmp_path,
                                               monkeypatch):
    folder = tmp_path / "recovery"
    monkeypatch.setattr(files_mod, "recovery_dir", lambda: folder)
    w = window
    w.set_options(options)
    commands.edit_cells(w.doc, [(0, "id", "edited")])
    path = w.files.write_recovery()
    assert json.loads(path.read_text("utf-8"))["options"] == options.to_dict()
    w.files.close_recovery(keep=True)  # as a crash leaves it
    w2 = make_window(load_example=False)
    dialogs.answer("question", files_mod.QMessageBox.StandardButton.Yes)
    assert w2.files.offer_recovery() is True
    assert w2.doc.options == options
    assert w2.settings_panel.current_options() == options
    assert w2.doc.dataset.cell_text("id", 0) == "edited"
