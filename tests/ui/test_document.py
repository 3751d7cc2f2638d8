"""The document and its undo commands, without the window: every change is one undo step, undo
gives back exactly what was there, and the signals say what changed.

The totals are checked against losses written out per row (math module, no app code).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from bce_gui.core.clipboard import parse_block, plan_paste
from bce_gui.core.dataset import Dataset
from bce_gui.core.loss import LossOptions
from bce_gui.core.policies import make_policy
from bce_gui.ui import commands
from bce_gui.ui.document import Document
from bce_gui.ui.settings_panel import SettingsPanel

Y = [1, 0, 1, 0]
P = [0.9, 0.2, 0.6, 0.3]


def loss_of(y, p) -> float:
    return -math.log(p) if y == 1 else -math.log1p(-p)


def mean_loss(y, p, w=None) -> float:
    w = [1.0] * len(y) if w is None else w
    return sum(wi * loss_of(a, b) for a, b, wi in zip(y, p, w)) / sum(w)


@pytest.fixture
def doc(qapp):
    return Document(Dataset.from_arrays(Y, P, ids=["a", "b", "c", "d"]))


class Signals:
    """Which document signals fired, in order."""

    NAMES = ("reset", "cellsChanged", "rowsInserted", "rowsRemoved", "rowsRestored", "columnsChanged",
             "totalsChanged", "optionsChanged")

    def __init__(self, doc: Document) -> None:
        self.seen: list[str] = []
        for name in self.NAMES:
            getattr(doc, name).connect(lambda *_a, n=name: self.seen.append(n))

    def take(self) -> list[str]:
        seen, self.seen = self.seen, []
        return seen


def texts(doc, role) -> list[str]:
    return [doc.dataset.cell_text(role, i) for i in range(len(doc))]


def test_set_cells_and_undo(doc):
    signals = Signals(doc)
    commands.edit_cells(doc, [(1, "predicted", "0.5"), (3, "id", "dd")], "Edit")
    assert texts(doc, "predicted")[1] == "0.5" and texts(doc, "id")[3] == "dd"
    assert doc.live.totals.mean == pytest.approx(mean_loss(Y, [0.9, 0.5, 0.6, 0.3]), rel=1e-15)
    assert signals.take() == ["cellsChanged", "totalsChanged"]
    doc.undo_stack.undo()
    assert texts(doc, "predicted") == ["0.9", "0.2", "0.6", "0.3"] and texts(doc, "id")[3] == "d"
    assert doc.live.totals.mean == pytest.approx(mean_loss(Y, P), rel=1e-15)
    commands.edit_cells(doc, [(0, "id", "a")])  # no change: no undo step
    assert doc.undo_stack.count() == 1


def test_an_id_edit_does_not_touch_the_totals(doc):
    signals = Signals(doc)
    commands.edit_cells(doc, [(0, "id", "first")])
    assert signals.take() == ["cellsChanged"]


def test_insert_delete_and_restore_rows(doc):
    signals = Signals(doc)
    commands.insert_rows(doc, 1, 2)
    assert len(doc) == 6 and texts(doc, "id") == ["a", "", "", "b", "c", "d"]
    assert doc.live.totals.n == 4  # empty rows are excluded, not counted
    assert signals.take() == ["rowsInserted", "totalsChanged"]
    doc.undo_stack.undo()
    assert texts(doc, "id") == ["a", "b", "c", "d"]
    commands.delete_rows(doc, [0, 2])
    assert texts(doc, "id") == ["b", "d"]
    assert doc.live.totals.mean == pytest.approx(mean_loss([0, 0], [0.2, 0.3]), rel=1e-15)
    signals.take()
    doc.undo_stack.undo()  # the rows come back where they were
    assert texts(doc, "id") == ["a", "b", "c", "d"] and texts(doc, "predicted")[2] == "0.6"
    assert doc.live.totals.mean == pytest.approx(mean_loss(Y, P), rel=1e-15)
    assert signals.take() == ["rowsRestored", "totalsChanged"]
    doc.undo_stack.redo()
    assert texts(doc, "id") == ["b", "d"]


def test_weight_column_add_edit_remove_and_undo(doc):
    signals = Signals(doc)
    commands.set_weight_column(doc, True)
    assert doc.has_weight and texts(doc, "weight") == ["1", "1", "1", "1"]
    assert signals.take() == ["columnsChanged", "reset", "totalsChanged"]
    commands.edit_cells(doc, [(0, "weight", "3")])
    assert doc.live.totals.mean == pytest.approx(mean_loss(Y, P, [3, 1, 1, 1]), rel=1e-15)
    commands.set_weight_column(doc, False)
    assert not doc.has_weight
    assert doc.live.totals.mean == pytest.approx(mean_loss(Y, P), rel=1e-15)
    doc.undo_stack.undo()  # the weights come back as they were, 3 included
    assert texts(doc, "weight") == ["3", "1", "1", "1"]
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    assert not doc.has_weight and doc.undo_stack.index() == 0


def test_set_options_is_one_undo_step_and_steps_of_one_setting_merge(doc):
    signals = Signals(doc)
    sk = LossOptions(policy=make_policy("sklearn"))
    commands.set_options(doc, sk)
    assert doc.options == sk and doc.live.options == sk
    assert signals.take() == ["optionsChanged", "reset", "totalsChanged"]
    for a in (0.05, 0.1, 0.15):  # a spin box's arrow, three times: one step
        commands.set_options(doc, LossOptions(policy=make_policy("sklearn"), label_smoothing=a))
    assert doc.undo_stack.count() == 2
    doc.undo_stack.undo()
    assert doc.options == sk
    doc.undo_stack.undo()
    assert doc.options == LossOptions()
    commands.set_options(doc, LossOptions())  # the same options: no step
    assert doc.undo_stack.index() == 0


def test_paste_is_one_undo_step(doc):
    block = parse_block("actual\tpredicted\tweight\n1\t0.7\t2\n0\t0.1\t1\n")
    plan = plan_paste(block, ["id", "actual", "predicted"], None)
    added = commands.paste(doc, plan, np.empty(0, dtype=np.int64))
    assert added == 2 and len(doc) == 6 and doc.has_weight
    assert texts(doc, "weight")[4:] == ["2", "1"]
    assert doc.undo_stack.count() == 1
    doc.undo_stack.undo()
    assert len(doc) == 4 and not doc.has_weight


def test_set_dataset_clears_history_and_keeps_the_options(doc):
    commands.set_options(doc, LossOptions(logits=True))
    doc.set_dataset(Dataset.from_arrays([1], [2.0]))
    assert doc.undo_stack.count() == 0 and doc.options.logits
    assert doc.live.totals.mean == pytest.approx(math.log1p(math.exp(-2.0)), rel=1e-15)


# ---------------------------------------------------------------------------------------------
# One owner of the options: the document; the settings panel follows it and asks for changes
# ---------------------------------------------------------------------------------------------


def test_the_panel_shows_the_documents_options_also_after_undo(doc, qtbot):
    panel = SettingsPanel(doc)
    qtbot.addWidget(panel)
    asked = []
    panel.optionsRequested.connect(asked.append)
    commands.set_options(doc, LossOptions(policy=make_policy("torch"), logits=True, pos_weight=2.0))
    assert panel.policy.currentData() == "torch" and panel.input_kind.currentData() is True
    assert panel.pos_weight.value() == 2.0
    doc.undo_stack.undo()
    assert panel.policy.currentData() == "exact" and panel.input_kind.currentData() is False
    assert asked == []  # showing the document's options asks for nothing


def test_the_panel_asks_and_the_document_decides(doc, qtbot):
    panel = SettingsPanel(doc)
    qtbot.addWidget(panel)
    asked = []
    panel.optionsRequested.connect(asked.append)
    panel.policy.setCurrentIndex(panel.policy.findData("keras"))
    assert [o.policy.name for o in asked] == ["keras"]
    assert doc.options.policy.name == "exact"  # nothing changes until the request is granted
    panel.optionsRequested.connect(lambda o: commands.set_options(doc, o))
    panel.soft.setChecked(True)
    assert doc.options.soft_labels and doc.options.policy.name == "keras"
    assert doc.undo_stack.count() == 1
