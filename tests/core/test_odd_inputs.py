"""The odd inputs of issue 15: files that were refused, misread, or read silently wrong.

Each test names the item it covers. Expected losses are written from the numbers with
``math`` (the textbook formula) or scikit-learn, never copied from our output; every file is
read both in memory (``read_table``, what the window uses) and streamed (``stream_compute``,
what ``compute`` uses), which must agree.
"""

from __future__ import annotations

import math
import os
import resource
import threading
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import log_loss as sk_log_loss

from bce_gui.core.evaluate import evaluate
from bce_gui.core.io import MAX_COLUMNS, MESSAGE_LIMIT, ReadOptions, TableReadError, read_table
from bce_gui.core.io.text_tables import _decimal_comma_records
from bce_gui.core.loss import LossOptions
from bce_gui.core.policies import make_policy
from bce_gui.core.stream import stream_compute
from bce_gui.core.summary import summary_dict

READ = ReadOptions(load_ids=False, load_extras=False)
SK = LossOptions(policy=make_policy("sklearn"))


def sk(y, p, w=None) -> float:
    return float(sk_log_loss(y, p, labels=[0, 1], sample_weight=w))


def both(path: Path, options: LossOptions = SK, read: ReadOptions = READ,
         runs=({}, {"chunk_rows": 1}, {"block_bytes": 7})) -> dict:
    """The summary in memory; the streamed one (several block sizes) must be the same."""
    dataset, info = read_table(path, read)
    expected = summary_dict(dataset, evaluate(dataset, options), source="s",
                            warnings=list(info.warnings.values()))
    for kw in runs:
        got = stream_compute(path, options, read, source="s", **kw).summary
        for key, value in expected.items():
            if isinstance(value, float):
                assert got[key] == pytest.approx(value, rel=1e-12), (key, kw)
            else:
                assert got[key] == value, (key, kw)
    return expected


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def failure(path: Path) -> str:
    with pytest.raises(TableReadError) as err:
        read_table(path, READ)
    message = str(err.value)
    with pytest.raises(TableReadError) as err2:
        stream_compute(path, SK, READ)
    assert str(err2.value) == message
    return message


# -- quoted fields after a delimiter and a space -------------------------------------------------


def test_quoted_fields_after_a_comma_and_a_space(tmp_path):
    path = write(tmp_path, "q.csv", '"id", "actual", "predicted"\n"a", "1", "0.9"\n"b", "0", "0.2"\n'
                                    '"c, d", "1", "0.4"\n')
    s = both(path)
    assert s["n"] == 3 and s["n_invalid"] == 0
    assert s["loss"] == pytest.approx(sk([1, 0, 1], [0.9, 0.2, 0.4]), rel=1e-12)
    ds, _ = read_table(path)  # the window's read, with IDs: as csv.reader(skipinitialspace=True)
    assert ds.ids.tolist() == ["a", "b", "c, d"]


# -- item 1: a row with too many fields ----------------------------------------------------------


@pytest.mark.parametrize("read", [READ, ReadOptions(columns={"actual": "actual"}), ReadOptions()],
                         ids=["compute", "--actual-column", "window"])
def test_a_row_with_too_many_fields_is_invalid_not_shifted(tmp_path, read):
    path = write(tmp_path, "r.csv", "id,actual,predicted\n1,0,1,0.3\n2,1,0.8\n3,0,0.1\n")
    s = both(path, read=read)
    assert s["n"] == 2 and s["n_invalid"] == 1
    assert s["invalid"] == [{"row": 2, "column": "(whole row)", "value": "",
                             "reason": "4 fields, header has 3"}]
    assert s["loss"] == pytest.approx(sk([1, 0], [0.8, 0.1]), rel=1e-12)


DECIMAL_COMMAS = ('; decimal commas in a comma-separated file must be quoted ("0,9"), or use '
                  "';' as the separator")


def test_a_row_split_at_an_unquoted_decimal_comma_says_so(tmp_path):
    # "0,9" unquoted in a comma-separated file: the record has a field too many.
    path = write(tmp_path, "dc.csv", "actual,predicted\n1,0.9\n0,0,2\n1,0,\n1,0.4\n0,0.3,7\n")
    s = both(path)
    assert s["n"] == 2 and [(i["row"], i["reason"]) for i in s["invalid"]] == [
        (3, "3 fields, header has 2" + DECIMAL_COMMAS),
        (4, "3 fields, header has 2"),  # an empty last field: a trailing comma, no hint
        (6, "3 fields, header has 2"),  # a decimal point: not split at a decimal comma
    ]
    s = both(write(tmp_path, "k.csv", "y,p_a,p_b\na,0,7,0,3\nb,0.1,0.9\na,0.6,0.4\n"))
    assert [(i["row"], i["reason"]) for i in s["invalid"] if i["column"] == "(whole row)"] == [
        (2, "5 fields, header has 3" + DECIMAL_COMMAS)]
    # Records found across windows, a quoted line break counted as inside its record.
    data = b'a,b\n"q\nr",1\n1,0,9\n2,3\n1,0,9,1,5\n"1",0,9'
    for window in (3, 5, 1 << 24):
        assert _decimal_comma_records(data, np.array([2, 4, 5]), np.array([1, 3, 1]),
                                      window=window).tolist() == [True, True, False]
    # Only a comma separates fields so: a semicolon file's extra field is only counted.
    s = both(write(tmp_path, "sc.csv", "actual;predicted\n1;0,9\n0;0;2\n"))
    assert [(i["row"], i["reason"]) for i in s["invalid"]] == [(3, "3 fields, header has 2")]


def test_ragged_rows_at_scale_are_all_listed(tmp_path):
    rows = [f"r{i},{i % 2},0.{i % 9 + 1}" for i in range(200_000)]
    rows[150_000] += ",extra"
    path = write(tmp_path, "big.csv", "id,actual,predicted\n" + "\n".join(rows) + "\n")
    s = both(path, runs=({}, {"chunk_rows": 7000}, {"block_bytes": 100_000}))
    assert s["n_invalid"] == 1 and s["invalid"][0]["row"] == 150_002
    assert s["n"] == 199_999


def test_a_two_column_file_without_header_with_one_long_row(tmp_path):
    path = write(tmp_path, "two.csv", "1,0.9\n0,0.2\n1,0.5,7\n0,0.3\n")
    s = both(path)
    assert s["n"] == 3 and [(i["row"], i["reason"]) for i in s["invalid"]] == [
        (3, "3 fields, first row has 2")]


# -- item 2: one column, two roles ---------------------------------------------------------------


@pytest.mark.parametrize("content", ["actual,predicted\n1,0.9\n0,0.2\n", "id,actual,p\nx,1,0.9\n"])
def test_one_column_given_two_roles_is_refused(tmp_path, content):
    path = write(tmp_path, "d.csv", content)
    read = ReadOptions(load_ids=False, load_extras=False,
                       columns={"actual": "actual", "predicted": "actual"})
    for reader in (lambda: read_table(path, read), lambda: stream_compute(path, SK, read)):
        with pytest.raises(TableReadError, match="'actual' is given two roles"):
            reader()


# -- item 3: a wide line without a header --------------------------------------------------------


def test_a_wide_line_is_refused_early_with_a_short_message(tmp_path):
    path = write(tmp_path, "wide.csv", b"1,0.5," * 100_000)  # 600 kB, 200,000 fields
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    message = failure(path)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert f"at most {MAX_COLUMNS:,} columns" in message and "more than 16,384 fields" in message
    assert len(message) < 300
    assert grown_mb < 200  # (it used 0.9 GB for 1 MB of such a line)


def test_long_column_lists_in_messages_are_cut(tmp_path):
    header = ",".join(f"col{i}" for i in range(5000))
    path = write(tmp_path, "many.csv", header + "\n" + ",".join("1" for _ in range(5000)) + "\n")
    message = failure(path)
    assert "no column for the actual class" in message
    assert "5,000 columns" in message and len(message) <= MESSAGE_LIMIT + 40


# -- item 4: FIFOs and standard input ------------------------------------------------------------


@pytest.mark.timeout(60)
def test_a_fifo_is_read_once(tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    content = b"actual,predicted\n1,0.9\n0,0.2\n"

    def feed():
        with open(fifo, "wb") as fh:
            fh.write(content)

    for read in (lambda: read_table(fifo, READ)[0].actual.values.tolist(),
                 lambda: stream_compute(fifo, SK, READ).summary["n"]):
        writer = threading.Thread(target=feed)
        writer.start()
        result = read()
        writer.join()
        assert result in ([1.0, 0.0], 2)


# -- item 6: valid files that were refused -------------------------------------------------------


@pytest.mark.parametrize(("name", "content", "y", "p"), [
    ("quoted_decimal_comma.csv", 'actual,predicted\n1,"0,9"\n0,"0,25"\n', [1, 0], [0.9, 0.25]),
    ("excel_sep.csv", "sep=;\nactual;predicted\n1;0,9\n0;0,25\n", [1, 0], [0.9, 0.25]),
    ("comments.csv", "# exported 2026-01-02\n# model v3\nactual,predicted\n1,0.9\n0,0.25\n",
     [1, 0], [0.9, 0.25]),
    ("old_mac.csv", "actual,predicted\r1,0.9\r0,0.25\r", [1, 0], [0.9, 0.25]),
    ("labels_decimal_comma.csv", "1,0;0,9\n0,0;0,25\n", [1, 0], [0.9, 0.25]),
    ("one_row_with_id.csv", "obs1,1,0.9\n", [1], [0.9]),
])
def test_valid_files_are_read(tmp_path, name, content, y, p):
    s = both(write(tmp_path, name, content))
    assert s["n"] == len(y) and s["n_invalid"] == 0
    assert s["loss"] == pytest.approx(sk(y, p), rel=1e-12)


def test_preamble_lines_count_in_the_row_numbers(tmp_path):
    path = write(tmp_path, "c.csv", "sep=,\n# note\n\nactual,predicted\n1,0.9\n0,x\n")
    s = both(path)
    assert s["invalid"][0]["row"] == 6  # the file's line, as a spreadsheet shows it


def test_old_mac_line_ends_never_reach_a_message(tmp_path):
    path = write(tmp_path, "m.csv", "foo,bar\r1,2\r")
    message = failure(path)
    assert "\r" not in message and "foo, bar" in message


# -- item 7: '.' thousands separators in a decimal-comma file ------------------------------------


def test_thousands_separator_in_a_decimal_comma_file_is_warned_about(tmp_path):
    path = write(tmp_path, "t.csv", "actual;predicted;weight\n1;0,9;1.000\n0;0,2;2,5\n1;0,6;1\n")
    s = both(path)
    assert len(s["warnings"]) == 1
    warning = s["warnings"][0]
    assert "'weight'" in warning and "'1.000'" in warning and "row 2" in warning
    plain = both(write(tmp_path, "u.csv", "actual;predicted;weight\n1;0,9;1,5\n0;0,2;2,5\n"))
    assert plain["warnings"] == []


# -- item 10: minor ------------------------------------------------------------------------------


def test_a_newline_in_a_file_name_stays_one_line(tmp_path):
    path = write(tmp_path, "bad\nname.csv", "foo,bar\n1,2\n")
    message = failure(path)
    assert "\n" not in message and "bad\\nname.csv" in message


def test_invalid_cells_are_reported_as_typed(tmp_path):
    path = write(tmp_path, "i.csv", "actual,predicted\n1,1e400\n0,-inf\n1,0.5\n")
    s = both(path)
    assert [i["value"] for i in s["invalid"]] == ["1e400", "-inf"]


def test_headerless_columns_are_named_like_the_others(tmp_path):
    s = both(write(tmp_path, "h.csv", "1,0.9\n0,x\n"))
    assert s["invalid"][0]["column"] == "predicted"


def test_xlsx_error_cells_are_reported_as_the_sheet_shows_them(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["C3"], ws["D3"] = "actual", "predicted"
    ws["C4"], ws["D4"] = 1, 0.9
    ws["C5"], ws["D5"] = 0, "#N/A"
    ws["D5"].data_type = "e"
    ws["C6"], ws["D6"] = 1, "#DIV/0!"
    ws["D6"].data_type = "e"
    path = tmp_path / "e.xlsx"
    wb.save(path)
    s = both(path)
    assert [(i["row"], i["value"]) for i in s["invalid"]] == [(5, "#N/A"), (6, "#DIV/0!")]
