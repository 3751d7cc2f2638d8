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


# ---------------------------------------------------------------------------------------------
# From the reader's storage to numpy's, without a Python object per cell (issue 16)
# ---------------------------------------------------------------------------------------------

import polars as pl  # noqa: E402
import pytest  # noqa: E402

from bce_gui.core.io import text_columns  # noqa: E402
from bce_gui.core.io.text_columns import text_column  # noqa: E402

#: Cells around every edge of the bulk path: empty, missing, 1 to 13 bytes, multi-byte UTF-8
#: (a 12-byte cell of 6 two-byte letters), zero bytes inside and at the end, long text.
ODD_CELLS = ["a", None, "", "007", "Zoë €", "é" * 6, "é" * 7, "0123456789ab", "0123456789abc",
             "ab\x00", "\x00", "a\x00b", "q" * 20 + "\x00", "z" * 2000, "long text with ü " * 5,
             " padded ", "x" * 12, "日本語のID"]


def as_python(series) -> list[str]:
    return ["" if v is None else str(v) for v in series.to_list()]


def test_text_column_equals_the_cells_as_python_text():
    s = pl.Series(ODD_CELLS * 3)
    out = text_column(s)
    assert out.dtype == TEXT and out.flags.writeable and out.flags.owndata
    assert out.tolist() == as_python(s)


def test_text_column_over_many_chunks_slices_and_other_types():
    parts = [pl.Series([f"id{i}" for i in range(k, k + 50)]) for k in range(0, 500, 50)]
    chunked = pl.concat(parts + [pl.Series(ODD_CELLS)], rechunk=False)
    assert chunked.n_chunks() > 1
    assert text_column(chunked).tolist() == as_python(chunked)
    sliced = chunked.slice(37, 400)  # an Arrow offset into the first chunk
    assert text_column(sliced).tolist() == as_python(sliced)
    numbers = pl.Series([1, None, 30, -4])  # e.g. IDs a reader typed as numbers
    assert text_column(numbers).tolist() == ["1", "", "30", "-4"]
    assert text_column(pl.Series([], dtype=pl.String)).tolist() == []


def test_mostly_long_cells_and_filling_in_place():
    uuids = pl.Series([f"{i:08x}-aaaa-bbbb-cccc-{i:012x}" for i in range(300)] + ["short"])
    assert text_column(uuids).tolist() == as_python(uuids)
    out = np.empty(uuids.len(), dtype=TEXT)
    assert text_column(uuids, out=out) is out and out.tolist() == as_python(uuids)


def test_short_cells_make_no_python_text(monkeypatch):
    """IDs of up to 12 bytes (numbers, codes, accented names) are cast in bulk: the per-cell
    route (Python text) is taken for no cell."""
    calls = []
    monkeypatch.setattr(text_columns, "_fill_objects", lambda *a, **k: calls.append(a))
    s = pl.Series([f"ID{i}" for i in range(100_000)] + ["Zoë", "", None, "1234567890é"])  # (12 bytes)
    out = text_column(s)
    assert calls == []
    assert out[0] == "ID0" and out[99_999] == "ID99999" and out.tolist()[-4:] == ["Zoë", "", "", "1234567890é"]


def test_cancelling_stops_a_text_column():
    from bce_gui.core.io import ReadCancelled

    with pytest.raises(ReadCancelled):
        text_column(pl.Series(["a", "b"]), is_cancelled=lambda: True)


def test_imported_text_columns_keep_every_cell_as_typed(tmp_path):
    rows = [(cell or "", i % 2, 0.5) for i, cell in enumerate(ODD_CELLS) if "\x00" not in (cell or "")]
    path = tmp_path / "t.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write("id,actual,predicted,note\n")
        for i, (cell, a, p) in enumerate(rows):
            fh.write(f'"{cell}",{a},{p},"n{i} {cell}"\n')
    ds, _info = read_table(path)
    assert ds.ids.tolist() == [cell for cell, _a, _p in rows]
    assert ds.extras["note"].tolist() == [f"n{i} {cell}" for i, (cell, _a, _p) in enumerate(rows)]
    ds.set_cell_text("id", 0, "edited")  # still an ordinary, editable text column
    assert ds.cell_text("id", 0) == "edited"
