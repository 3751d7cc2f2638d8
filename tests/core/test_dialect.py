"""A file's dialect (delimiter, decimal mark, encoding, line ends) is read, kept and offered."""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest

from bce_gui.core.dataset import Dataset, NumericColumn
from bce_gui.core.dialect import CsvDialect, detect_line_end, dialect_of, suggested_dialect, text_is_ascii
from bce_gui.core.evaluate import evaluate
from bce_gui.core.io import read_table
from bce_gui.core.io_write import TableWriteError, write_results, write_table
from bce_gui.core.loss import LossOptions

GERMAN_EXCEL = "ID;Tatsächlich;Vorhersage\r\nKöln;1;0,94\r\nMünchen;0;0,1\r\nä;1;0,5\r\n"
GERMAN_HEADERS = {"columns": {"actual": "Tatsächlich", "predicted": "Vorhersage"}}


def read(path):
    from bce_gui.core.io import ReadOptions

    return read_table(path, ReadOptions(columns=dict(GERMAN_HEADERS["columns"])))


def test_reading_records_delimiter_decimal_encoding_and_line_ends(tmp_path):
    src = tmp_path / "de.csv"
    src.write_bytes(GERMAN_EXCEL.encode("cp1252"))
    _ds, info = read(src)
    assert (info.delimiter, info.decimal, info.encoding, info.line_end) == (";", ",", "cp1252", "\r\n")
    assert dialect_of(info) == CsvDialect(";", ",", "cp1252", "\r\n")
    plain = tmp_path / "plain.csv"
    plain.write_text("id,actual,predicted\na,1,0.5\n", encoding="utf-8")
    assert dialect_of(read_table(plain)[1]) == CsvDialect()


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8-sig", "utf-8", "utf-16"])
def test_saving_in_the_dialect_read_gives_the_same_bytes(tmp_path, encoding):
    src = tmp_path / "de.csv"
    src.write_bytes(GERMAN_EXCEL.encode(encoding))
    ds, info = read(src)
    out = tmp_path / "out.csv"
    write_table(ds, out, dialect=dialect_of(info))
    assert out.read_bytes() == src.read_bytes()
    # An edited cell is written in the file's decimal mark; the rest is untouched.
    ds.set_cell_text("predicted", 1, "0.25")
    write_table(ds, out, dialect=dialect_of(info))
    assert out.read_bytes() == GERMAN_EXCEL.replace("0,1\r\n", "0,25\r\n").encode(encoding)


def test_a_character_the_encoding_cannot_hold_is_an_error_naming_its_line(tmp_path):
    src = tmp_path / "de.csv"
    src.write_bytes(GERMAN_EXCEL.encode("cp1252"))
    ds, info = read(src)
    out = tmp_path / "out.csv"
    out.write_bytes(b"before")
    ds.set_cell_text("id", 2, "東京")
    with pytest.raises(TableWriteError, match=r"line 4 has “東京”.*cp1252.*UTF-8"):
        write_table(ds, out, dialect=dialect_of(info))
    assert out.read_bytes() == b"before"  # nothing half-written


def test_typed_text_keeps_its_own_decimal_mark(tmp_path):
    ds = Dataset.from_arrays([1, 0], [0.5, 0.25])
    ds.set_cell_text("predicted", 1, "n.a.")
    out = tmp_path / "out.csv"
    write_table(ds, out, dialect=CsvDialect(";", ","))
    assert out.read_text("utf-8").splitlines() == ["Actual;Predicted", "1;0,5", "0;n.a."]


def test_suggested_dialect_follows_the_locale_and_the_text():
    assert suggested_dialect("csv", ",", ascii_text=True) == CsvDialect(";", ",", "utf-8")
    assert suggested_dialect("csv", ".", ascii_text=False) == CsvDialect(",", ".", "utf-8-sig")
    assert suggested_dialect("tsv", ",", ascii_text=True).delimiter == "\t"
    assert CsvDialect(";", ",", "utf-8-sig", "\r\n").describe() == (
        "semicolon-separated, decimal comma, UTF-8 with BOM, CRLF line ends")


def test_text_is_ascii_looks_at_ids_extras_headers_and_typed_text():
    ds = Dataset.from_arrays([1, 0], [0.5, 0.25], ids=["a", "b"])
    assert text_is_ascii(ds)
    ds.set_cell_text("id", 1, "مرحبا")
    assert not text_is_ascii(ds)
    ds = Dataset.from_arrays([1, 0], [0.5, 0.25])
    ds.set_cell_text("predicted", 0, "😀")
    assert not text_is_ascii(ds)
    ds = Dataset.from_roles(NumericColumn.from_floats([1, 0]), NumericColumn.from_floats([0.5, 0.25]),
                            column_names={"actual": "Tatsächlich"})
    assert not text_is_ascii(ds)


def test_line_end_detection():
    assert detect_line_end(b"a,b\r\n1,2\r\n") == "\r\n"
    assert detect_line_end(b"a,b\n1,2\n") == "\n" and detect_line_end(b"a,b") == "\n"


def test_results_export_in_a_german_excel_dialect(tmp_path):
    y, p = [1, 0, 1], [0.94, 0.1, 0.5]
    ds = Dataset.from_arrays(y, p, ids=["東京", "b", "c"])
    ev = evaluate(ds, LossOptions())
    out = tmp_path / "results.csv"
    write_results(ds, ev, out, dialect=CsvDialect(";", ",", "utf-8-sig", "\r\n"))
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows[0][:3] == ["id", "actual", "predicted"]
    assert [r[0] for r in rows[1:]] == ["東京", "b", "c"]
    assert [r[2] for r in rows[1:]] == ["0,94", "0,1", "0,5"]
    losses = [float(r[5].replace(",", ".")) for r in rows[1:]]
    expected = [-np.log(0.94), -np.log(0.9), -np.log(0.5)]
    np.testing.assert_allclose(losses, expected, rtol=1e-15)
    assert all("." not in r[5] for r in rows[1:])
