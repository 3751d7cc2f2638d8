"""Streaming ``compute``: a CSV/TSV read a block at a time gives the in-memory result.

Every streamed summary is compared with ``read_table`` + ``evaluate`` + ``summary_dict`` on the
same file (floats to 1e-12 relative, everything else equal: the invalid list, row numbers,
counts), for chunks of 1, 7 and 1000 rows and for blocks of text down to one byte (so blocks end
inside quotes, CRLF pairs and multi-byte characters). The sums are also checked against
``math.fsum`` of the per-row terms written out here, which the exact accumulator must match to
the last bit. The ``compute`` command around it (progress bar, Ctrl+C, exit status, memory of
the real process) is tested in tests/test_cli.py and tests/e2e/test_compute_process.py.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from bce_gui.core.evaluate import evaluate
from bce_gui.core.io import ReadOptions, TableReadError, read_table
from bce_gui.core.loss import LossOptions
from bce_gui.core.policies import make_policy
from bce_gui.core.stream import stream_compute
from bce_gui.core.summary import summary_dict

FLOAT_KEYS = {
    "loss", "loss_bits", "sum_loss", "sum_weight", "base_rate", "baseline_loss", "baseline_bits",
    "skill",
}
CHUNKS = [1, 7, 1000]
READ = ReadOptions(load_ids=False, load_extras=False)  # what compute reads


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def in_memory(path, options=None, read=READ):
    """The in-memory summary, or the error message."""
    try:
        dataset, _ = read_table(path, read)
    except TableReadError as exc:
        return str(exc)
    return summary_dict(dataset, evaluate(dataset, options or LossOptions()), source="src")


def streamed(path, options=None, read=READ, **kw):
    try:
        return stream_compute(path, options or LossOptions(), read, source="src", **kw).summary
    except TableReadError as exc:
        return str(exc)


def assert_same(got, expected):
    """Equal summaries: floats to 1e-12 relative, the rest exactly."""
    if isinstance(expected, str) or isinstance(got, str):
        assert got == expected
        return
    assert got.keys() == expected.keys()
    for key, want in expected.items():
        have = got[key]
        if key in FLOAT_KEYS and isinstance(want, float) and isinstance(have, float):
            assert have == pytest.approx(want, rel=1e-12, abs=1e-300), key
        else:
            assert have == want, key


def check(path, options=None, read=READ, chunks=CHUNKS, blocks=()):
    """Streamed == in memory for chunks of ``chunks`` rows, and for blocks of ``blocks`` bytes
    of text (a block of 1 byte is one record); returns the summary."""
    expected = in_memory(path, options, read)
    runs = [(c, None) for c in chunks] + [(None, b) for b in blocks]
    results = []
    for chunk_rows, block_bytes in runs:
        got = streamed(path, options, read, chunk_rows=chunk_rows, block_bytes=block_bytes)
        assert_same(got, expected)
        results.append(got)
    if not isinstance(expected, str):
        # Exact sums: the block size cannot change a single bit.
        for other in results[1:]:
            assert other == results[0]
    return results[0]


def write(tmp_path, name, text, encoding="utf-8", newline="\n"):
    path = tmp_path / name
    path.write_bytes(text.replace("\n", newline).encode(encoding))
    return path


def table(rows, header="actual,predicted", sep=","):
    lines = [header] if header is not None else []
    lines += [sep.join(map(str, r)) for r in rows]
    return "\n".join(lines) + "\n"


def random_rows(n, seed=1, weights=False):
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.3).astype(int)
    p = rng.random(n)
    if weights:
        w = rng.random(n) * 3
        return y, p, w, [(int(a), repr(float(b)), repr(float(c))) for a, b, c in zip(y, p, w)]
    return y, p, None, [(int(a), repr(float(b))) for a, b in zip(y, p)]


def test_sums_are_the_correctly_rounded_sums_of_the_row_terms(tmp_path):
    """Σ loss, Σ w and Σ w·y equal math.fsum of the terms written out here, to the last bit."""
    y, p, w, rows = random_rows(2000, seed=7, weights=True)
    path = write(tmp_path, "w.csv", table(rows, header="actual,predicted,weight"))
    loss = np.where(y == 1, -np.log(p), -np.log1p(-p))
    for chunk_rows in (7, 333, None):
        s = stream_compute(path, LossOptions(), READ, chunk_rows=chunk_rows).summary
        assert s["sum_loss"] == math.fsum((w * loss).tolist())
        assert s["sum_weight"] == math.fsum(w.tolist())
        assert s["base_rate"] == math.fsum((w * y).tolist()) / math.fsum(w.tolist())
        assert s["loss"] == s["sum_loss"] / s["sum_weight"]
    unweighted = write(tmp_path, "u.csv", table([r[:2] for r in rows]))
    s = stream_compute(unweighted, LossOptions(), READ, chunk_rows=7).summary
    assert s["sum_loss"] == math.fsum(loss.tolist()) and s["n"] == 2000
    assert s["loss"] == math.fsum(loss.tolist()) / 2000


# --------------------------------------------------------------------------------------------
# Every convention and option
# --------------------------------------------------------------------------------------------


OPTIONS = {
    "exact": LossOptions(),
    "sklearn": LossOptions(policy=make_policy("sklearn")),
    "torch": LossOptions(policy=make_policy("torch")),
    "keras": LossOptions(policy=make_policy("keras")),
    "eps": LossOptions(policy=make_policy("custom", 1e-3)),
    "logits": LossOptions(logits=True),
    "torch-logits-pos-weight": LossOptions(policy=make_policy("torch"), logits=True, pos_weight=3.0),
    "exact-logits-pos-weight": LossOptions(logits=True, pos_weight=0.1),
    "keras-logits": LossOptions(policy=make_policy("keras"), logits=True),
    "smoothing": LossOptions(label_smoothing=0.1),
    "keras-smoothing": LossOptions(policy=make_policy("keras"), label_smoothing=0.2),
    "soft": LossOptions(soft_labels=True),
}


@pytest.fixture(scope="module")
def option_files(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("options")
    rng = np.random.default_rng(3)
    n = 160
    y = (rng.random(n) < 0.4).astype(float)
    p = rng.random(n)
    p[:3] = [0.0, 1.0, 1e-20]  # extremes: clipped or infinite, per convention
    z = rng.normal(size=n) * 8
    soft = np.round(rng.random(n), 3)
    w = rng.random(n) * 2
    w[5] = 0.0
    def rows(cols):
        return "\n".join(",".join(repr(float(c)) for c in r) for r in zip(*cols))
    files = {
        "prob": ("actual,predicted\n" + rows([y, p]) + "\n"),
        "prob-weighted": ("actual,predicted,weight\n" + rows([y, p, w]) + "\n"),
        "logit": ("actual,predicted\n" + rows([y, z]) + "\n"),
        "logit-weighted": ("actual,predicted,weight\n" + rows([y, z, w]) + "\n"),
        "soft": ("actual,predicted,weight\n" + rows([soft, p, w]) + "\n"),
    }
    out = {}
    for name, text in files.items():
        # A few invalid cells and a blank line in the middle, so the chunks differ.
        lines = text.splitlines()
        lines[50] = "1,abc" + (",1" if "weight" in lines[0] else "")
        lines[120] = ""
        lines[143] = "2,0.5" + (",1" if "weight" in lines[0] else "")
        out[name] = write(tmp, f"{name}.csv", "\n".join(lines) + "\n")
    return out


@pytest.mark.parametrize(
    ("name", "weighted"),
    [(name, w) for name in sorted(OPTIONS) for w in (False, True) if name != "soft" or w],
)
def test_every_convention_matches_in_memory(option_files, name, weighted):
    options = OPTIONS[name]
    kind = "soft" if options.soft_labels else ("logit" if options.logits else "prob")
    key = kind if kind == "soft" else kind + ("-weighted" if weighted else "")
    s = check(option_files[key], options)
    assert s["n_invalid"] == 2 and [i["row"] for i in s["invalid"]] == [51, 144]


def test_infinite_loss_in_a_later_chunk(tmp_path):
    _y, _p, _w, rows = random_rows(300, seed=2)
    rows[210] = (1, "0")  # p = 0 for class 1: an infinite loss under the exact convention
    rows[250] = (0, "1")
    s = check(write(tmp_path, "inf.csv", table(rows)))
    assert s["loss"] == "inf" and s["n_infinite"] == 2 and s["infinite_rows"] == [212, 252]
    clipped = check(write(tmp_path, "inf2.csv", table(rows)), OPTIONS["sklearn"])
    assert isinstance(clipped["loss"], float) and clipped["n_infinite"] == 0


def test_infinite_loss_with_weight_zero_does_not_count(tmp_path):
    _y, _p, _w, rows = random_rows(50, seed=4, weights=True)
    rows[30] = (1, "0", "0")  # weight 0: excluded from the mean, not infinite
    s = check(write(tmp_path, "w0.csv", table(rows, header="actual,predicted,weight")))
    assert s["n_infinite"] == 0 and isinstance(s["loss"], float)


# --------------------------------------------------------------------------------------------
# File shapes: delimiters, decimal comma, CRLF, quotes, blank lines, encodings
# --------------------------------------------------------------------------------------------


def _messy_rows(n, sep=",", decimal="."):
    """Rows with invalid cells spread over the file (so over several chunks)."""
    _y, _p, _w, rows = random_rows(n, seed=11)
    out = []
    for i, (a, b) in enumerate(rows):
        b = b.replace(".", decimal)
        if i % 37 == 5:
            b = "abc"
        elif i % 53 == 7:
            a = ""
        elif i % 71 == 9:
            b = "1" + decimal + "5"
        out.append(f"{a}{sep}{b}")
    return out


def test_header_and_invalid_cells_in_many_chunks(tmp_path):
    path = write(tmp_path, "messy.csv", "actual,predicted\n" + "\n".join(_messy_rows(500)) + "\n")
    s = check(path, blocks=(1, 97, 1000))
    assert s["n_invalid"] > 20
    assert {i["reason"] for i in s["invalid"]} == {
        "not a number", "missing value", "probability outside [0, 1]"
    }


def test_no_header(tmp_path):
    _y, _p, _w, rows = random_rows(200, seed=5)
    rows[40] = (1, "x")
    body = "\n".join(f"{a},{b}" for a, b in rows) + "\n"
    s = check(write(tmp_path, "nohead.csv", body), blocks=(1, 50))
    assert s["invalid"] == [{"row": 41, "column": "predicted", "value": "x", "reason": "not a number"}]
    three = "\n".join(f"id{i},{a},{b}" for i, (a, b) in enumerate(rows)) + "\n"
    check(write(tmp_path, "nohead3.csv", three), chunks=[7], blocks=(3, 200))


def test_semicolon_and_decimal_comma(tmp_path):
    text = "actual;predicted\n" + "\n".join(_messy_rows(300, sep=";", decimal=",")) + "\n"
    s = check(write(tmp_path, "eu.csv", text), blocks=(1, 101))
    assert s["n"] > 250
    headerless = "\n".join(_messy_rows(300, sep=";", decimal=",")) + "\n"
    check(write(tmp_path, "eu2.csv", headerless), chunks=[7], blocks=(64,))


def test_decimal_comma_decided_on_the_first_rows_as_in_memory(tmp_path):
    """The decimal mark is decided on the first 10 000 rows, in memory and streamed alike; the
    first 64 KB (the sniffing sample) have no comma at all."""
    rows = [f"{i % 2};0.{i % 97 + 1}" for i in range(4000)]
    rows += [f"{i % 2};0,{i % 89 + 1}" for i in range(9000)]
    s = check(write(tmp_path, "late_comma.csv", "actual;predicted\n" + "\n".join(rows) + "\n"),
              chunks=[1000], blocks=(4096,))
    assert s["n_invalid"] == 0


def test_crlf_quotes_and_blank_lines(tmp_path):
    lines = ['"actual","predicted","note"']
    for i in range(300):
        if i % 41 == 3:
            lines.append("")  # blank lines keep the row numbers
        note = f'"line one\nline ""two"", {i}"' if i % 29 == 0 else f"n{i}"
        pred = '"abc"' if i % 67 == 4 else f'"{(i % 10) / 10 + 0.05}"'
        lines.append(f"{i % 2},{pred},{note}")
    text = "\n".join(lines) + "\n"
    expected_bad = None
    for newline in ("\n", "\r\n"):
        path = write(tmp_path, f"q{len(newline)}.csv", text, newline=newline)
        s = check(path, chunks=[1, 1000], blocks=(1, 7, 300))
        rows = [i["row"] for i in s["invalid"]]
        assert rows and (expected_bad is None or rows == expected_bad)
        expected_bad = rows


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252", "utf-16"])
def test_records_split_across_reads(tmp_path, encoding):
    """Past the beginning of the file, each block is read from the file: reads end inside
    quoted fields (with line breaks and doubled quotes), CRLF pairs and multi-byte characters."""
    lines = ["actual,predicted,note"]
    for i in range(6000):
        if i % 13 == 0:
            note = f'"é\r\nsecond line, ""quoted"" {i}"'
        else:
            note = "ça" if i % 2 else "x"
        pred = "zéro" if i % 401 == 7 else f"{(i % 10) / 10 + 0.05}"
        lines.append(f"{i % 2},{pred},{note}")
        if i % 997 == 3:
            lines.append("")
    path = write(tmp_path, "split.csv", "\n".join(lines) + "\n", encoding=encoding, newline="\r\n")
    assert path.stat().st_size > 96 * 1024  # more than the beginning read for detection (64 KB)
    s = check(path, chunks=[1000], blocks=(211, 4099))
    assert s["n_invalid"] == 15 and s["invalid"][0]["value"] == "zéro"


def test_blank_lines_above_the_header_and_at_the_end(tmp_path):
    _y, _p, _w, rows = random_rows(100, seed=8)
    rows[20] = (1, "oops")
    text = "\n  \n\n" + table(rows) + "\n\n \n"
    s = check(write(tmp_path, "blank.csv", text), blocks=(1, 33))
    assert s["invalid"][0]["row"] == 3 + 1 + 21


def test_bom_utf16_and_cp1252(tmp_path):
    _y, _p, _w, rows = random_rows(150, seed=9)
    rows[77] = (1, "zéro")
    text = "actual,predicted,remarque\n" + "\n".join(
        f"{a},{b},{'élevé' if i % 3 else 'ça'}" for i, (a, b) in enumerate(rows)
    ) + "\n"
    for encoding in ("utf-8-sig", "utf-16", "cp1252", "utf-8"):
        s = check(write(tmp_path, f"{encoding}.csv", text, encoding=encoding),
                  chunks=[7], blocks=(1, 5, 64))
        assert s["invalid"][0]["value"] == "zéro"


def test_a_file_that_is_not_utf8_after_its_first_megabytes(tmp_path):
    """The beginning decides UTF-8, a later cp1252 byte makes the whole file cp1252 (as in
    memory): the stream starts over with the same encoding the whole-file reader chose."""
    _y, _p, _w, rows = random_rows(150_000, seed=10)  # > 1 MB of ASCII first
    rows[-5] = (1, "5€")  # byte 0x80 in cp1252
    path = write(tmp_path, "late.csv", table(rows), encoding="cp1252")
    assert path.stat().st_size > 2 << 20
    s = check(path, chunks=[50_000], blocks=(1 << 20,))
    assert s["invalid"][-1]["value"] == "5€"
    # Started over twice: for the encoding, then for text columns (the "5€" cell is text).
    assert stream_compute(path, LossOptions(), READ, block_bytes=1 << 20).restarts == 2


def test_fast_path_decided_for_the_whole_file(tmp_path):
    """Numbers parsed while reading are taken only if the whole file allows it (as in memory):
    a text cell in a later block sends the stream back to text columns, where a row holding
    only an ID is invalid rather than blank."""
    _y, _p, _w, rows = random_rows(5000, seed=12)
    lines = ["id,actual,predicted"] + [f"r{i},{a},{b}" for i, (a, b) in enumerate(rows)]
    lines[10] = "r9b,,"  # only the ID
    lines[4900] = "r4899,1,abc"
    path = write(tmp_path, "fast.csv", "\n".join(lines) + "\n")
    s = check(path, chunks=[1000], blocks=(1 << 12,))
    assert [i["row"] for i in s["invalid"]] == [11, 11, 4901]
    assert stream_compute(path, LossOptions(), READ, block_bytes=1 << 12).restarts == 1
    clean = path.with_name("clean.csv")
    clean.write_text("\n".join(lines[:4900] + lines[4901:]) + "\n")
    s = check(clean, chunks=[1000], blocks=(1 << 12,))
    # The ID-only row is invalid (missing values) on the fast path too: every column is read
    # there now (a row is blank only when every cell is), as on the text path and in the window.
    assert s["n_invalid"] == 1 and s["n"] == 4998
    assert [i["row"] for i in s["invalid"]] == [11, 11]


def test_column_options_and_tsv(tmp_path):
    _y, _p, _w, rows = random_rows(120, seed=13, weights=True)
    text = "obs\tclicked\tctr_hat\tw\n" + "\n".join(
        f"u{i}\t{a}\t{b}\t{c}" for i, (a, b, c) in enumerate(rows)
    ) + "\n"
    path = write(tmp_path, "cols.tsv", text)
    read = ReadOptions(load_ids=False, load_extras=False, columns={
        "actual": "clicked", "predicted": "3", "weight": "w", "id": "obs"})
    s = check(path, read=read, blocks=(17,))
    assert s["weighted"] and s["n"] == 120


def test_many_invalid_rows_cap_the_list_not_the_count(tmp_path):
    rows = [(1, "bad") if i % 2 else (0, "0.25") for i in range(2500)]
    s = check(write(tmp_path, "many.csv", table(rows)), chunks=[7, 1000], blocks=(500,))
    assert s["n_invalid"] == 1250 and len(s["invalid"]) == 1000 and s["invalid_truncated"]
    assert s["invalid"][-1]["row"] == 2001


def test_first_chunk_all_invalid(tmp_path):
    rows = [(1, "nope")] * 20 + [(1, "0.9"), (0, "0.2")] * 20
    s = check(write(tmp_path, "first_bad.csv", table(rows)), chunks=[7, 20])
    assert s["n_invalid"] == 20 and s["n"] == 40 and s["invalid"][0]["row"] == 2


def test_no_valid_row_at_all(tmp_path):
    rows = [(1, "nope")] * 30
    s = check(write(tmp_path, "none.csv", table(rows)), chunks=[7])
    assert s["n"] == 0 and s["n_invalid"] == 30 and s["loss"] is None


# --------------------------------------------------------------------------------------------
# Errors: the same one-line messages as in memory
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"", "is empty"),
        (b"  \n\n \n", "is empty"),
        (b"actual,predicted\n", "no data rows"),
        (b"actual,predicted\n\n\n  \n", "no data rows"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "binary"),
        (b"Just a note\nwith no table\n", "not a table"),
        (b"foo,bar\n1,0.5\n", "foo, bar"),
        (b"\xef\xbb\xbfa;b;c;d;e\n1;2;3;4;5\n", "actual"),
    ],
)
def test_errors_are_the_in_memory_errors(tmp_path, content, needle):
    path = tmp_path / "e.csv"
    path.write_bytes(content)
    message = in_memory(path)
    assert isinstance(message, str) and needle in message
    for chunk_rows, block_bytes in [(None, None), (1, 1), (2, 5)]:
        assert streamed(path, chunk_rows=chunk_rows, block_bytes=block_bytes) == message


def _row_problems(summary):
    return [(i["row"], i["reason"]) for i in summary["invalid"] if i["column"] == "(whole row)"]


@pytest.mark.parametrize(("content", "expected"), [
    (b"actual,predicted\n1,0.5\n0,abc\n1,0.2,9\n", [(4, "3 fields, header has 2")]),
    (b"1,0.5\n0,abc\n\n1,0.2,9\n", [(4, "3 fields, first row has 2")]),
    (b"id,actual,predicted\n1,0,1,0.3\n2,1,0.4\n", [(2, "4 fields, header has 3")]),
])
def test_ragged_rows_are_listed_as_invalid_streamed_as_in_memory(tmp_path, content, expected):
    """A row with too many fields is one invalid row (never taken with shifted values)."""
    path = tmp_path / "r.csv"
    path.write_bytes(content)
    s = check(path, chunks=[1, 2, 1000], blocks=(1, 5))
    assert _row_problems(s) == expected


def test_ragged_row_in_a_later_block_names_its_line(tmp_path):
    lines = ["actual,predicted"] + ["1,0.5"] * 500 + ["0,abc", '1,"two\nlines"', "1,0.2,9"] + ["0,0.1"] * 50
    path = write(tmp_path, "ragged.csv", "\n".join(lines) + "\n")
    s = check(path, chunks=[100], blocks=(64, 1000))
    # Rows are numbered as a spreadsheet shows them (the two-line record is one row), as for
    # every invalid cell.
    assert _row_problems(s) == [(504, "3 fields, header has 2")]
    assert s["n"] == 550 and s["n_invalid"] == 3


def test_ragged_row_without_quotes_in_a_later_block(tmp_path):
    lines = ["actual,predicted"] + ["1,0.5"] * 3000 + ["0,abc"] + ["1,0.25"] * 100 + ["1,0.2,9"]
    path = write(tmp_path, "ragged2.csv", "\n".join(lines) + "\n")
    s = check(path, chunks=[1000], blocks=(1000, 1 << 12))
    assert _row_problems(s) == [(3103, "3 fields, header has 2")]


def test_missing_file_and_folder(tmp_path):
    from bce_gui.core.partitions import compute_source

    assert streamed(tmp_path / "nope.csv") == in_memory(tmp_path / "nope.csv")
    # A folder is a data set (tests/core/test_datasets.py): compute reads it through
    # compute_source, and an empty one is refused as read_table refuses it.
    with pytest.raises(TableReadError) as err:
        compute_source(tmp_path, LossOptions(), READ)
    assert str(err.value) == in_memory(tmp_path)
    assert "holds no table files" in str(err.value)


def test_spreadsheets_are_read_whole(tmp_path):
    xlsxwriter = pytest.importorskip("xlsxwriter")
    path = tmp_path / "s.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    for r, row in enumerate([("actual", "predicted"), (1, 0.9), (0, 0.2), (1, "x")]):
        sheet.write_row(r, 0, row)
    book.close()
    result = stream_compute(path, LossOptions(), READ, chunk_rows=1, source="src")
    assert not result.streamed
    assert_same(result.summary, in_memory(path))


# --------------------------------------------------------------------------------------------
# The statistics (issue 11): streamed block by block, the same numbers as in memory
# --------------------------------------------------------------------------------------------


def _oof_file(tmp_path, weighted: bool, invalid: bool) -> Path:
    """Out-of-fold predictions of a real model (breast cancer), as compute reads them."""
    from _metrics_data import breast_cancer_oof, weights

    y, p = breast_cancer_oof()
    w = weights(y.size)
    lines = ["actual,predicted" + (",weight" if weighted else "")]
    for i in range(y.size):
        cells = [f"{y[i]:g}", repr(float(p[i]))] + ([repr(float(w[i]))] if weighted else [])
        if invalid and i % 97 == 3:
            cells[1] = "n/a"  # excluded from the loss and from every statistic
        lines.append(",".join(cells))
    path = tmp_path / "oof.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def _in_memory_statistics(path, options, settings):
    from bce_gui.core.metrics.table import ModelColumns, table_insight

    dataset, _ = read_table(path, READ)
    ev = evaluate(dataset, options)
    return table_insight(ModelColumns.of(dataset, ev), settings).insight


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("invalid", [False, True])
@pytest.mark.parametrize("chunk_rows", [None, 1, 50])
def test_streamed_statistics_are_the_in_memory_statistics(tmp_path, weighted, invalid, chunk_rows):
    from bce_gui.core.metrics import to_json
    from bce_gui.core.metrics.table import MetricsSettings

    path = _oof_file(tmp_path, weighted, invalid)
    opts = LossOptions(policy=make_policy("sklearn"))
    settings = MetricsSettings(threshold=0.4, n_resamples=300, seed=3)
    result = stream_compute(path, opts, READ, chunk_rows=chunk_rows, metrics=settings)
    assert (result.n_chunks > 1) == (chunk_rows is not None)  # block by block, merged
    got = result.summary
    whole = to_json(_in_memory_statistics(path, opts, settings))
    assert got["threshold"] == 0.4 and got["not_defined"] == {}
    for key in ("brier", "auc", "accuracy", "ece"):
        assert got[key] == pytest.approx(whole[key], rel=1e-12), key
    assert got["ci95"] == pytest.approx(whole["ci95"], rel=1e-12)
    for key in ("miscalibration", "discrimination", "uncertainty"):
        assert got["decomposition"][key] == pytest.approx(whole["decomposition"][key], rel=1e-10)
    for key in ("exact", "sklearn", "torch", "keras"):
        assert got["by_policy"][key] == pytest.approx(whole["by_policy"][key], rel=1e-12)
    # The loss itself is the loss accumulator's: by_policy of the chosen convention is it.
    assert got["by_policy"]["sklearn"] == pytest.approx(got["loss"], rel=1e-15)
    # Worst rows from a histogram when streamed: within the bins' width (1/64).
    for key in ("1%", "10%"):
        assert got["worst_share"][key] == pytest.approx(whole["worst_share"][key], rel=0.02)
    assert "300 resamples, seed 3" in got["methods"]["ci95"]
    assert got["methods"]["auc"].startswith("exact")


HUGE_FILES = {  # a weight past 1e150 in the first, a middle or the last block
    "first": "actual,predicted,weight\n0,0.2,1e200\n1,0.9,1\n1,0.6,2\n0,0.4,1\n1,0.7,1\n",
    "middle": "actual,predicted,weight\n1,0.9,1\n1,0.6,2\n0,0.2,1e200\n0,0.4,1\n1,0.7,1\n",
    "last": "actual,predicted,weight\n1,0.9,1\n0,0.2,1\n1,0.6,2\n0,0.4,1\n1,0.7,1e200\n",
    "logits": "actual,predicted,weight\n1,2.2,1\n0,-1.5,1\n1,0.3,2\n0,-0.4,1e180\n",
    "classes": "actual,p_a,p_b,p_c,weight\na,0.7,0.2,0.1,1\nb,0.1,0.8,0.1,1\n"
               "c,0.2,0.2,0.6,2\na,0.5,0.3,0.2,1e200\nb,0.3,0.4,0.3,1\n",
}


@pytest.mark.parametrize("name", sorted(HUGE_FILES))
@pytest.mark.parametrize("chunk_rows", [None, 1, 2])
def test_huge_weights_streamed_say_what_the_rows_in_memory_say(tmp_path, name, chunk_rows):
    """Weights past 1e150 in a file read block by block: every statistic is not defined for
    the reason the window's statistics give (the weights' squares pass the largest float),
    with the same keys, and no numpy overflow warning (an error under this suite's settings).
    The block accumulators squared the weights: overflow warnings, a ci95 said to have
    'drawn only rows of weight 0', worst-rows shares, an ECE and the conventions' losses."""
    from bce_gui.core.metrics.columns import HUGE_WEIGHTS
    from bce_gui.core.metrics.table import MetricsSettings, statistics_json

    path = tmp_path / f"{name}.csv"
    path.write_text(HUGE_FILES[name])
    opts = LossOptions(logits=name == "logits")
    settings = MetricsSettings(n_resamples=200)
    got = stream_compute(path, opts, READ, chunk_rows=chunk_rows, metrics=settings)
    assert (got.n_chunks > 1) == (chunk_rows is not None)
    whole = statistics_json(_in_memory_statistics(path, opts, settings), settings)
    assert {k: got.summary[k] for k in whole} == whole
    reasons = whole["not_defined"]
    assert set(reasons) >= {"brier", "auc", "accuracy", "ece", "ci95", "worst_share.1%",
                            "worst_share.10%", "by_policy.exact", "by_policy.keras"}
    assert all(HUGE_WEIGHTS in why for key, why in reasons.items()
               if not key.startswith("decomposition") or name != "classes")
    assert got.insight.calibration.count.sum() == 0  # (no bin drawn from part of the rows)
    assert got.summary["loss"] == pytest.approx(in_memory(path, opts)["loss"], rel=1e-15)


def test_huge_weights_in_one_part_of_a_data_set(tmp_path):
    """A folder of several parts, the huge weight in the second: the statistics of the
    concatenated file (the loss too)."""
    from bce_gui.core.metrics.table import MetricsSettings
    from bce_gui.core.partitions import compute_source

    header, *rows = HUGE_FILES["middle"].splitlines()
    folder = tmp_path / "parts"
    folder.mkdir()
    for k, part in enumerate((rows[:2], rows[2:4], rows[4:])):
        (folder / f"part-{k}.csv").write_text("\n".join([header, *part]) + "\n")
    whole = tmp_path / "whole.csv"
    whole.write_text(HUGE_FILES["middle"])
    settings = MetricsSettings(n_resamples=200)
    parts = compute_source(folder, LossOptions(), READ, metrics=settings)
    one = compute_source(whole, LossOptions(), READ, metrics=settings)
    assert parts.n_chunks == 3
    for key in ("loss", "brier", "ece", "ci95", "worst_share", "by_policy", "not_defined",
                "methods"):
        assert parts.summary[key] == one.summary[key], key
    assert len(one.summary["not_defined"]) == 14


def test_statistics_are_left_out_when_not_asked_for(tmp_path):
    path = _oof_file(tmp_path, False, False)
    plain = stream_compute(path, LossOptions(), READ)
    assert "brier" not in plain.summary and plain.insight is None
    from bce_gui.core.metrics.table import MetricsSettings

    with_stats = stream_compute(path, LossOptions(), READ, metrics=MetricsSettings())
    # Nothing else changes: the loss keys are the same, the statistics are added.
    assert {k: v for k, v in with_stats.summary.items() if k in plain.summary} == plain.summary


def test_spreadsheet_statistics_come_from_the_same_accumulator(tmp_path):
    xlsxwriter = pytest.importorskip("xlsxwriter")
    from bce_gui.core.metrics.table import MetricsSettings

    path = tmp_path / "s.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    rows = [("actual", "predicted"), (1, 0.9), (0, 0.2), (1, 0.4), (0, 0.7), (1, "x")]
    for r, row in enumerate(rows):
        sheet.write_row(r, 0, row)
    book.close()
    csv = tmp_path / "s.csv"
    csv.write_text("\n".join(",".join(map(str, r)) for r in rows) + "\n")
    settings = MetricsSettings(n_resamples=100)
    a = stream_compute(path, LossOptions(), READ, metrics=settings)
    b = stream_compute(csv, LossOptions(), READ, metrics=settings)
    assert not a.streamed and b.streamed
    for key in ("brier", "auc", "accuracy", "ece", "ci95", "worst_share", "decomposition",
                "by_policy"):
        assert a.summary[key] == pytest.approx(b.summary[key], rel=1e-12), key
    assert a.summary["auc"] == 0.75  # 3 of the 4 (class 1, class 0) pairs ranked right
