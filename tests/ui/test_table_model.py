"""The table model as a Qt adapter over a Document, without the window.

pytest-qt's ``qtmodeltester`` (Qt's QAbstractItemModelTester) checks the model's contract (row
and column counts, indexes, parents, data for every role, the signals around inserts, removals,
resets and layout changes) while the document changes under it.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from PySide6.QtCore import Qt

from bce_gui.core.dataset import Dataset
from bce_gui.core.loss import LossOptions
from bce_gui.core.policies import make_policy
from bce_gui.ui import commands, table_model
from bce_gui.ui.document import Document
from bce_gui.ui.table_model import ObservationsModel

R = Qt.ItemDataRole


@pytest.fixture
def doc(qapp):
    ds = Dataset.from_arrays([1, 0, 1, 0, 1], [0.9, 0.2, 0.0, 1.7, 0.6], ids=["a", "b", "c", "d", "e"])
    return Document(ds)


@pytest.fixture
def model(doc):
    m = ObservationsModel(doc)
    yield m
    m.jobs.shutdown()


def cell(model, view_row: int, key: str, role=R.DisplayRole):
    return model.data(model.index(view_row, model.column_of(key)), role)


def number(model, view_row: int, key: str) -> float:
    """A result cell's value as its tooltip gives it, every digit (a share in %)."""
    return float(cell(model, view_row, key, R.ToolTipRole).replace("−", "-").rstrip("%"))


def test_model_contract_through_edits_inserts_removals_and_sorts(model, doc, qtmodeltester):
    qtmodeltester.check(model, force_py=True)
    commands.edit_cells(doc, [(0, "predicted", "0.4")])
    commands.insert_rows(doc, 2, 3)
    commands.delete_rows(doc, [0, 4])
    doc.undo_stack.undo()
    commands.set_weight_column(doc, True)
    model.sort(model.column_of("loss"), Qt.SortOrder.DescendingOrder)
    commands.insert_rows(doc, 1, 1)  # into a sorted view: a reset
    model.set_invalid_only(True)
    model.clear_order()
    commands.set_options(doc, LossOptions(logits=True))
    doc.undo_stack.undo()
    doc.set_dataset(Dataset.from_arrays([1], [0.5]))
    qtmodeltester.check(model, force_py=True)


def test_columns_follow_the_document(model, doc):
    keys = [c.key for c in model.columns]
    assert keys == ["id", "actual", "predicted", "corrected", "ln", "loss", "share", "note"]
    assert [c.editable for c in model.columns][:3] == [True, True, True]
    commands.set_weight_column(doc, True)
    assert model.column_of("weight") == 3
    commands.set_options(doc, LossOptions(logits=True))
    assert model.headerData(model.column_of("predicted"), Qt.Orientation.Horizontal) == "Logit"


def test_cells_show_the_values_of_each_row(model):
    assert cell(model, 0, "id") == "a"
    assert cell(model, 0, "corrected") == "0.9"
    assert number(model, 0, "ln") == pytest.approx(math.log(0.9), rel=1e-15)
    assert number(model, 1, "loss") == pytest.approx(-math.log(0.8), rel=1e-15)
    assert cell(model, 2, "loss") == "∞"  # p = 0 for class 1
    assert cell(model, 2, "note") == "infinite: p = 0 for the actual class"
    assert cell(model, 3, "loss") == "—"  # p = 1.7 is excluded
    assert "Predicted outside [0, 1]" in cell(model, 3, "note")
    assert model.data(model.index(3, model.column_of("predicted")), R.ToolTipRole).startswith("Predicted:")


def test_share_follows_every_edit_and_units_only_change_the_loss(model, doc):
    commands.edit_cells(doc, [(2, "predicted", "0.5")])  # no more infinite loss
    losses = [-math.log(0.9), -math.log(0.8), -math.log(0.5), None, -math.log(0.6)]
    total = sum(l for l in losses if l is not None)
    for r, l in enumerate(losses):
        if l is not None:
            assert number(model, r, "share") == pytest.approx(100 * l / total, rel=1e-14)
    commands.edit_cells(doc, [(0, "predicted", "0.1")])
    total += -math.log(0.1) - losses[0]
    assert number(model, 0, "share") == pytest.approx(
        100 * -math.log(0.1) / total, rel=1e-14)
    changed = []
    model.dataChanged.connect(lambda a, b, roles: changed.append((a.column(), b.column())))
    model.set_units("bits")
    assert (model.column_of("loss"),) * 2 in changed
    assert number(model, 0, "loss") == pytest.approx(-math.log2(0.1), rel=1e-15)
    assert model.headerData(model.column_of("loss"), Qt.Orientation.Horizontal) == "Row loss (bits)"


def test_an_edit_announces_its_row_only(model, doc):
    changed = []
    model.dataChanged.connect(lambda a, b, roles: changed.append((a.row(), b.row())))
    commands.edit_cells(doc, [(3, "predicted", "0.3")])
    assert (3, 3) in changed
    assert cell(model, 3, "loss") != "—"


def test_set_data_is_one_undo_step_and_results_are_read_only(model, doc):
    assert model.setData(model.index(1, model.column_of("predicted")), "0.25")
    assert doc.dataset.predicted.values[1] == 0.25
    assert doc.undo_stack.count() == 1
    assert not model.setData(model.index(1, model.column_of("loss")), "3")
    assert not model.flags(model.index(1, model.column_of("loss"))) & Qt.ItemFlag.ItemIsEditable
    doc.undo_stack.undo()
    assert doc.dataset.predicted.values[1] == 0.2


def test_the_model_maps_rows_through_the_cores_order(model, doc):
    model.sort(model.column_of("predicted"), Qt.SortOrder.AscendingOrder)
    assert [model.data_row(v) for v in range(5)] == [2, 1, 4, 0, 3]
    assert [model.view_row(r) for r in range(5)] == [3, 1, 0, 4, 2]
    assert model.headerData(0, Qt.Orientation.Vertical) == "3"  # the data row's number
    model.set_invalid_only(True)
    assert model.rowCount() == 1 and model.data_row(0) == 3
    assert model.view_row(0) == -1
    model.clear_order()
    assert not model.is_permuted and model.rowCount() == 5


def test_a_background_sort_through_jobs(model, doc, qtbot, monkeypatch):
    monkeypatch.setattr(table_model, "ASYNC_SORT_ROWS", 3)
    busy = []
    model.busyChanged.connect(busy.append)
    model.sort(model.column_of("loss"), Qt.SortOrder.DescendingOrder)
    assert model.sorting and busy == ["Sorting 5 rows…"]
    assert [model.data_row(v) for v in range(5)] == [0, 1, 2, 3, 4]  # the old order meanwhile
    assert model.jobs.wait(10_000)
    assert not model.sorting and busy[-1] == ""
    # c (∞), e (0.51), b (0.22), a (0.105), then d (excluded) last
    assert [model.data_row(v) for v in range(5)] == [2, 4, 1, 0, 3]


def test_a_sort_superseded_by_another_applies_only_the_last(model, doc, qtbot, monkeypatch):
    monkeypatch.setattr(table_model, "ASYNC_SORT_ROWS", 3)
    orders = []
    model.orderChanged.connect(lambda: orders.append([model.data_row(v) for v in range(model.rowCount())]))
    model.sort(model.column_of("predicted"), Qt.SortOrder.AscendingOrder)
    model.sort(model.column_of("predicted"), Qt.SortOrder.DescendingOrder)
    assert model.jobs.wait(10_000)
    assert orders == [[3, 0, 4, 1, 2]]


def test_removing_rows_while_sorting_drops_the_stale_order(model, doc, qtbot, monkeypatch):
    monkeypatch.setattr(table_model, "ASYNC_SORT_ROWS", 3)
    model.sort(model.column_of("predicted"), Qt.SortOrder.AscendingOrder)
    commands.delete_rows(doc, [0])
    qtbot.waitUntil(lambda: not model.sorting, timeout=10_000)
    assert model.jobs.wait(10_000)
    # b 0.2, c 0.0, d 1.7, e 0.6 -> c, b, e, d (data rows after the removal)
    assert [model.data_row(v) for v in range(model.rowCount())] == [1, 0, 3, 2]


def test_clipping_convention_shown_in_the_table(model, doc):
    commands.set_options(doc, LossOptions(policy=make_policy("sklearn")))
    eps = float(np.finfo(np.float64).eps)
    assert number(model, 2, "corrected") == pytest.approx(eps, rel=1e-14)
    assert cell(model, 2, "note") is None
