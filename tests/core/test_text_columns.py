"""Text columns (IDs, extra columns) are numpy variable-width strings: compact and editable."""

from __future__ import annotations

import numpy as np

from bce_gui.core.dataset import TEXT, Dataset, text_array
from bce_gui.core.io import read_table


def test_text_array_from_python_values():
    a = text_array(["a", None, 3, "Zoë €"])
    assert a.dtype == TEXT
    assert a.tolist() == ["a", "", "3", "Zoë €"]


def test_text_array_copies_read_only_and_views():
    base = np.array(["x", "y", "z"], dtype=TEXT)
    view = base[1:]
    a = text_array(view)
    a[0] = "changed"
    assert base.tolist() == ["x", "y", "z"]
    ro = np.array(["p", "q"], dtype=TEXT)
    ro.flags.writeable = False
    b = text_array(ro)
    b[0] = "ok"
    assert b.tolist() == ["ok", "q"] and ro.tolist() == ["p", "q"]


def test_short_ids_cost_16_bytes_a_row():
    n = 10_000
    ds = Dataset.from_arrays(np.zeros(n), np.full(n, 0.5), ids=[f"ID{i}" for i in range(n)])
    assert ds.ids.dtype == TEXT
    assert ds.ids.nbytes == 16 * n  # against ~65 bytes a row for Python str objects


def test_edits_keep_text_columns_and_undo_restores_them():
    ds = Dataset.from_arrays([1, 0, 1, 0], [0.9, 0.2, 0.7, 0.4], ids=["a", "b", "c", "d"])
    ds.extras["note"] = text_array(["n1", "n2", "n3", "n4"])
    ds.insert_rows(1, 2)
    assert ds.ids.tolist() == ["a", "", "", "b", "c", "d"]
    assert ds.extras["note"].tolist() == ["n1", "", "", "n2", "n3", "n4"]
    ds.set_cell_text("id", 1, "new")
    assert ds.cell_text("id", 1) == "new" and ds.cell_text("id", 2) == ""
    snap = ds.delete_rows(np.array([0, 2, 5]))
    assert ds.ids.tolist() == ["new", "b", "c"]
    ds.restore_rows(snap)
    assert ds.ids.tolist() == ["a", "new", "", "b", "c", "d"]
    assert ds.extras["note"].tolist() == ["n1", "", "", "n2", "n3", "n4"]
    assert ds.ids.dtype == TEXT and ds.extras["note"].dtype == TEXT


def test_imported_ids_and_extras_are_text_columns(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("id,actual,predicted,segment\n17,1,0.9,north\n,0,0.2,\nx,1,0.6,south\n", encoding="utf-8")
    ds, _info = read_table(path)
    assert ds.ids.dtype == TEXT and ds.extras["segment"].dtype == TEXT
    assert ds.ids.tolist() == ["17", "", "x"]
    assert ds.extras["segment"].tolist() == ["north", "", "south"]
