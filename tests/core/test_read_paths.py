"""The reader's fast routes for a large file (issue 16) give exactly what the usual route gives.

* A plain UTF-8 file is read by polars from its path (no copy of its text in Python); anything
  that path could read differently (another encoding, a BOM, a ragged row, a stray "nan", lines
  above the header) takes the usual route, and the dataset is the same either way.
* ``read_table_while`` runs work on the numbers while the text columns fill in.
"""

from __future__ import annotations

import threading

import numpy as np
import pytest

from bce_gui.core.io import ReadCancelled, ReadOptions, read_table, read_table_while
from bce_gui.core.io import text_tables


def text_route(path, options=None):
    """The usual route, forced: the file's bytes read and decoded in Python, then parsed."""
    options = options or ReadOptions()
    original = text_tables._read_file_directly
    text_tables._read_file_directly = lambda p, o: (None, False)
    try:
        return read_table(path, options)
    finally:
        text_tables._read_file_directly = original


def assert_same_dataset(a, b):
    assert list(a.columns) == list(b.columns) and a.schema == b.schema
    for name, col in a.columns.items():
        other = b.columns[name]
        if hasattr(col, "values"):
            np.testing.assert_array_equal(col.values, other.values, err_msg=name)
            assert col.text == other.text, name
        else:
            assert col.tolist() == other.tolist(), name
    assert a.row_problems == b.row_problems
    assert (a.source_rows is None) == (b.source_rows is None)
    if a.source_rows is not None:
        np.testing.assert_array_equal(a.source_rows, b.source_rows)
    assert a.first_row == b.first_row and a.header_order == b.header_order


def big_plain(path, n=40_000, tail=""):
    """A file of more than a megabyte (the beginning the direct route looks at), plus ``tail``."""
    rng = np.random.default_rng(5)
    y = rng.integers(0, 2, n).tolist()
    p = rng.random(n).tolist()
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write("id,actual,predicted,segment\n")
        fh.write("".join(f"ID{i:06d},{a},{b!r},s{i % 7}\n" for i, (a, b) in enumerate(zip(y, p))))
        fh.write(tail)
    return path


def test_a_plain_file_is_read_by_its_path_and_equals_the_usual_route(tmp_path, monkeypatch):
    path = big_plain(tmp_path / "plain.csv")
    expected, expected_info = text_route(path)

    def no_copy(*_a, **_k):
        raise AssertionError("the text of a plain file was read into Python")

    monkeypatch.setattr(text_tables, "read_bytes", no_copy)
    ds, info = read_table(path)
    assert_same_dataset(ds, expected)
    assert (info.encoding, info.delimiter, info.has_header, info.line_end, info.n_rows) == \
        (expected_info.encoding, expected_info.delimiter, expected_info.has_header,
         expected_info.line_end, expected_info.n_rows)


def test_a_file_name_is_never_a_pattern(tmp_path):
    """polars expands "*" and "[...]" in a path: "scores[1].csv" would read "scores1.csv"."""
    (tmp_path / "scores1.csv").write_text("id,actual,predicted\nother,0,0.1\n", encoding="utf-8")
    (tmp_path / "scores[1].csv").write_text("id,actual,predicted\nmine,1,0.9\n", encoding="utf-8")
    (tmp_path / "a*.csv").write_text("id,actual,predicted\nstar,1,0.8\n", encoding="utf-8")
    assert read_table(tmp_path / "scores[1].csv")[0].ids.tolist() == ["mine"]
    assert read_table(tmp_path / "a*.csv")[0].ids.tolist() == ["star"]


@pytest.mark.parametrize("tail, what", [
    ("ID\xe9t\xe9,1,0.5,s\n", "cp1252 after the first megabyte"),
    ("x,1,0.5,s,extra\n", "a row with too many fields"),
    ("y,1,nan,s\n", "a stray nan"),
    ("z,1,abc,s\n", "text in a number column"),
    ("w,1,1e400,s\n", "a number too large for a float"),
    ("\n\n", "blank lines at the end"),
])
def test_what_the_file_itself_contradicts_later_takes_the_usual_route(tmp_path, tail, what):
    path = tmp_path / "later.csv"
    big_plain(path)
    with open(path, "ab") as fh:
        fh.write(tail.encode("cp1252"))
    ds, info = read_table(path)
    expected, expected_info = text_route(path)
    assert_same_dataset(ds, expected)
    assert info.encoding == expected_info.encoding, what


@pytest.mark.parametrize("head, encoding", [
    (b"\xef\xbb\xbfid,actual,predicted\n", "utf-8-sig"),  # a BOM
    (b"sep=,\nid,actual,predicted\n", "utf-8"),  # Excel's line above the header
    (b"\n\nid,actual,predicted\n", "utf-8"),  # blank lines above it
    (b'"id", "actual", "predicted"\n', "utf-8"),  # spaces after the delimiters
])
def test_beginnings_the_path_would_read_differently_take_the_usual_route(tmp_path, head, encoding):
    path = tmp_path / "odd.csv"
    path.write_bytes(head + b"".join(b"r%d,%d,0.%d\n" % (i, i % 2, i % 9 + 1) for i in range(50_000)))
    ds, info = read_table(path)
    expected, _ = text_route(path)
    assert_same_dataset(ds, expected)
    assert info.encoding == encoding and len(ds) == 50_000


def test_read_table_while_works_on_the_numbers_while_the_texts_fill_in(tmp_path):
    path = big_plain(tmp_path / "t.csv", n=30_000)
    expected, _ = read_table(path)
    seen = []

    def work(ds):
        seen.append((threading.get_ident(), ds.actual.values.copy(), len(ds)))
        return "done"

    ds, info, result = read_table_while(path, ReadOptions(), work)
    assert result == "done" and seen[0][0] == threading.get_ident()
    np.testing.assert_array_equal(seen[0][1], expected.actual.values)
    assert_same_dataset(ds, expected)  # the text columns are complete when it returns


def test_read_table_while_reports_what_went_wrong_and_stops_the_texts(tmp_path):
    path = big_plain(tmp_path / "t.csv", n=30_000)

    def fails(_ds):
        raise ValueError("work failed")

    with pytest.raises(ValueError, match="work failed"):
        read_table_while(path, ReadOptions(), fails)
    with pytest.raises(ReadCancelled):
        read_table_while(path, ReadOptions(is_cancelled=lambda: True), lambda ds: None)


def test_decode_is_untouched_by_the_direct_route(tmp_path):
    """A latin-1 file (not UTF-8 from its first byte) never reaches polars by path."""
    path = tmp_path / "latin.csv"
    path.write_bytes("id,actual,predicted\nZo\xeb,1,0.5\n".encode("latin-1"))
    ds, info = read_table(path)
    assert ds.ids.tolist() == ["Zoë"] and info.encoding in ("cp1252", "latin-1")


def test_a_text_table_under_a_workbooks_name_is_read_as_text(tmp_path):
    """A CSV saved as .xlsx (or .xls, .ods) is read as the table it is, in memory and
    streamed; a real workbook's bytes (zip, OLE) still go to the spreadsheet reader."""
    from bce_gui.core.io import read_table
    from bce_gui.core.io.spreadsheets import is_spreadsheet
    from bce_gui.core.loss import LossOptions
    from bce_gui.core.stream import stream_compute

    for suffix in (".xlsx", ".xls", ".ods"):
        path = tmp_path / f"named{suffix}"
        path.write_text("actual,predicted\n1,0.9\n0,0.2\n")
        ds, info = read_table(path)
        assert info.format == "csv" and ds.predicted.values.tolist() == [0.9, 0.2]
        assert stream_compute(path, LossOptions()).totals.n == 2
    assert is_spreadsheet(tmp_path / "a.csv", b"PK\x03\x04\x14\x00\x06\x00")
    assert is_spreadsheet(tmp_path / "a.xlsx", b"\x00\x01\x02\x03garbage")
