"""Property: any valid table, written in any dialect we claim to read, gives the loss of its numbers.

Hypothesis draws a table (labels, probabilities, maybe weights and IDs) and a dialect (delimiter,
decimal mark, quoting, spaces after the delimiter, line ends, encoding, header or not), writes
the bytes, and reads them back with detection alone, in memory (the window's path) and streamed
(``compute``'s path). The reference is the textbook weighted mean computed with ``math`` from
the same numbers that were written.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bce_gui.core.evaluate import evaluate
from bce_gui.core.io import ReadOptions, read_table
from bce_gui.core.loss import LossOptions
from bce_gui.core.stream import stream_compute

# IDs with letters (so that a row without a header is not taken for one), some with accents
# (cp1252 and UTF-16 must carry them), spaces and delimiters inside (those get quoted).
ID_TEXT = st.text(alphabet="abcxyzéÅ _-;,|", min_size=0, max_size=6).map(lambda t: "r" + t)


@st.composite
def tables(draw):
    n = draw(st.integers(1, 25))
    y = draw(st.lists(st.sampled_from([0, 1]), min_size=n, max_size=n))
    # Probabilities with up to 6 decimals, written as plain decimals (no exponent).
    p = [k / 10 ** 6 for k in draw(st.lists(st.integers(1, 999_999), min_size=n, max_size=n))]
    weighted = draw(st.booleans())
    w = [k / 100 for k in draw(st.lists(st.integers(1, 100_000), min_size=n, max_size=n))] \
        if weighted else None
    ids = draw(st.lists(ID_TEXT, min_size=n, max_size=n)) if draw(st.booleans()) else None
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    decimal = draw(st.sampled_from([".", ","]))
    quoting = draw(st.sampled_from(["minimal", "all", "all_spaced"]))
    if delimiter == "," and decimal == "," and quoting == "minimal":
        quoting = "all"  # a decimal comma in a comma file exists only quoted
    # Without a header a file must be (actual, predicted) or (id, actual, predicted).
    header = draw(st.booleans()) or weighted
    line_end = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
    labels_as = draw(st.sampled_from(["int", "float"]))
    return dict(y=y, p=p, w=w, ids=ids, delimiter=delimiter, decimal=decimal, quoting=quoting,
                header=header, line_end=line_end, encoding=encoding, labels_as=labels_as)


def render(t) -> bytes:
    d, dec = t["delimiter"], t["decimal"]

    def number(x: float, label: bool = False) -> str:
        text = (f"{x:.1f}" if t["labels_as"] == "float" else str(int(x))) if label else repr(x)
        return text.replace(".", dec)

    def field(text: str) -> str:
        needs = t["quoting"] != "minimal" or any(c in text for c in (d, '"', "\n", "\r")) \
            or text != text.strip()
        return '"' + text.replace('"', '""') + '"' if needs else text

    columns = []
    if t["ids"] is not None:
        columns.append(("id", t["ids"]))
    columns.append(("actual", [number(v, label=True) for v in t["y"]]))
    columns.append(("predicted", [number(v) for v in t["p"]]))
    if t["w"] is not None:
        columns.append(("weight", [number(v) for v in t["w"]]))
    sep = d + " " if t["quoting"] == "all_spaced" else d
    lines = [sep.join(field(name) for name, _ in columns)] if t["header"] else []
    for i in range(len(t["y"])):
        lines.append(sep.join(field(cells[i]) for _, cells in columns))
    return (t["line_end"].join(lines) + t["line_end"]).encode(t["encoding"])


def reference(t) -> float:
    w = t["w"] or [1.0] * len(t["y"])
    terms = [wi * -(math.log(pi) if yi == 1 else math.log1p(-pi))
             for yi, pi, wi in zip(t["y"], t["p"], w)]
    return math.fsum(terms) / math.fsum(w)


@settings(max_examples=80, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(t=tables())
def test_any_dialect_gives_the_loss_of_its_numbers(tmp_path, t):
    suffix = ".tsv" if t["delimiter"] == "\t" and t["encoding"] == "utf-8" else ".csv"
    path = tmp_path / f"t{suffix}"
    path.write_bytes(render(t))
    want = reference(t)
    n = len(t["y"])

    dataset, info = read_table(path)  # the window's read: every column, detection alone
    ev = evaluate(dataset, LossOptions())
    assert ev.validity.n_invalid == 0, ev.validity.issues(dataset)[:3]
    assert ev.totals.n == n
    assert ev.totals.mean == pytest.approx(want, rel=1e-12)
    if t["ids"] is not None:
        assert dataset.ids.tolist() == t["ids"]

    for kw in ({}, {"chunk_rows": 3}):
        s = stream_compute(path, LossOptions(), ReadOptions(load_ids=False, load_extras=False), **kw)
        assert s.summary["n"] == n and s.summary["n_invalid"] == 0
        assert s.totals.mean == pytest.approx(want, rel=1e-12)
