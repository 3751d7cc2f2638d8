"""Dataset editing: reading typed cells, and inserting/deleting/restoring rows without losing
or misaligning anything (numbers, typed text, IDs, extra columns)."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from bce_gui.core.dataset import Dataset, NumericColumn, number_text, parse_cell


@pytest.mark.parametrize(
    "text, value",
    [("0.94", 0.94), ("0,94", 0.94), (" 0.5 ", 0.5), ("1", 1.0), ("-0,5", -0.5), ("1e-300", 1e-300),
     ("2.5E3", 2500.0), (".5", 0.5), ("1,5e-3", 1.5e-3)],
)
def test_parse_cell_numbers(text, value):
    v, bad = parse_cell(text)
    assert bad is None
    assert v == value


@pytest.mark.parametrize("text", ["", "   ", "\t"])
def test_parse_cell_empty_is_missing(text):
    v, bad = parse_cell(text)
    assert math.isnan(v) and bad is None


@pytest.mark.parametrize("text", ["abc", "1_0", "nan", "NaN", "1,000.5", "1,2,3", "0.5.1", "--1", "1 0"])
def test_parse_cell_keeps_non_numbers_as_text(text):
    v, bad = parse_cell(text)
    assert math.isnan(v)
    assert bad == text.strip()


def test_infinity_is_a_number_for_validation_to_reject():
    """inf is a number (validation rejects it); what was typed is kept to show it (issue 15)."""
    v, typed = parse_cell("inf")
    assert v == math.inf and typed == "inf"
    v, typed = parse_cell(" 1e400 ")
    assert v == math.inf and typed == "1e400"
    col = NumericColumn.from_floats([0.5])
    col.set_cell(0, "-1e999")
    assert col.values[0] == -math.inf and col.cell_text(0) == "-1e999"
    col.set_cell(0, "0.25")
    assert col.cell_text(0) == "0.25" and not col.text


def test_number_text_round_trips():
    for x in (0.94, 0.1, 2.0, 1e-300, 1 / 3, 123456789.0, -0.0):
        text = number_text(x)
        assert parse_cell(text)[0] == x
    assert number_text(2.0) == "2" and number_text(0.94) == "0.94" and number_text(math.nan) == ""


def test_set_cell_keeps_typed_text_and_clears_it_again():
    col = NumericColumn.from_floats([0.1, 0.2])
    col.set_cell(0, "abc")
    assert math.isnan(col.values[0]) and col.text == {0: "abc"}
    assert col.cell_text(0) == "abc"
    col.set_cell(0, "0,3")
    assert col.values[0] == 0.3 and col.text == {} and col.cell_text(0) == "0.3"
    col.set_cell(1, "")
    assert math.isnan(col.values[1]) and col.cell_text(1) == ""


# ---------------------------------------------------------------------------------------------
# Rows: insert / delete / restore
# ---------------------------------------------------------------------------------------------


def make_dataset(n: int = 12, weighted: bool = True) -> Dataset:
    ds = Dataset.from_arrays(
        [i % 2 for i in range(n)], [(i + 1) / (n + 2) for i in range(n)],
        weights=[1.0 + i for i in range(n)] if weighted else None,
        ids=[f"ID{i}" for i in range(n)],
    )
    ds.extras["group"] = np.array([f"g{i}" for i in range(n)], dtype=object)
    ds.extras["comment"] = np.array([f"c{i}" for i in range(n)], dtype=object)
    # typed text in several columns and rows
    ds.set_cell_text("predicted", 2, "abc")
    ds.set_cell_text("predicted", 7, "n/a")
    ds.set_cell_text("actual", 5, "yes")
    ds.set_cell_text("actual", 11, "1_0")
    if weighted:
        ds.set_cell_text("weight", 9, "heavy")
    return ds


def rows_as_tuples(ds: Dataset) -> list[tuple]:
    """Every cell of every row, as the user sees it: the alignment under test."""
    out = []
    for i in range(len(ds)):
        row = [ds.cell_text("id", i), ds.cell_text("actual", i), ds.cell_text("predicted", i)]
        if ds.weight is not None:
            row.append(ds.cell_text("weight", i))
        row += [str(col[i]) for col in ds.extras.values()]
        out.append(tuple(row))
    return out


def state(ds: Dataset) -> dict:
    s = {"n": len(ds), "ids": list(ds.ids), "extras": {k: list(v) for k, v in ds.extras.items()}}
    for role in ("actual", "predicted", "weight"):
        c = getattr(ds, role)
        s[role] = None if c is None else (c.values.copy(), dict(c.text))
    return s


def assert_same_state(a: dict, b: dict) -> None:
    assert a["n"] == b["n"] and a["ids"] == b["ids"] and a["extras"] == b["extras"]
    for role in ("actual", "predicted", "weight"):
        if a[role] is None:
            assert b[role] is None
            continue
        np.testing.assert_array_equal(a[role][0], b[role][0])
        assert a[role][1] == b[role][1], role


def check_lengths(ds: Dataset) -> None:
    n = len(ds)
    assert len(ds.predicted) == n and len(ds.ids) == n
    assert ds.weight is None or len(ds.weight) == n
    assert all(len(v) == n for v in ds.extras.values())
    for col in (ds.actual, ds.predicted, ds.weight):
        if col is not None:
            assert all(0 <= r < n for r in col.text)
            assert all(math.isnan(col.values[r]) for r in col.text)  # text only where no number


def test_insert_rows_shifts_text_ids_and_extras():
    ds = make_dataset()
    before = rows_as_tuples(ds)
    ds.insert_rows(3, 2)
    check_lengths(ds)
    after = rows_as_tuples(ds)
    assert after[:3] == before[:3] and after[5:] == before[3:]
    empty = ("", "", "", "", "", "")
    assert after[3] == after[4] == empty
    ds.insert_rows(len(ds), 1)  # append
    assert rows_as_tuples(ds)[-1] == empty
    ds.insert_rows(0, 1)  # prepend
    assert rows_as_tuples(ds)[1:4] == before[:3]


@pytest.mark.parametrize("rows", [[0], [11], [2, 5, 7, 11], [0, 1, 2], [1, 3, 4, 8, 9, 10], list(range(12))])
def test_delete_then_restore_noncontiguous_rows_is_exact(rows):
    ds = make_dataset()
    before_state, before_rows = state(ds), rows_as_tuples(ds)
    snap = ds.delete_rows(np.array(rows))
    check_lengths(ds)
    assert rows_as_tuples(ds) == [r for i, r in enumerate(before_rows) if i not in rows]
    ds.restore_rows(snap)
    check_lengths(ds)
    assert rows_as_tuples(ds) == before_rows
    assert_same_state(state(ds), before_state)


def test_delete_accepts_unsorted_duplicate_rows():
    ds = make_dataset()
    before = rows_as_tuples(ds)
    snap = ds.delete_rows(np.array([7, 2, 7, 5]))
    assert rows_as_tuples(ds) == [r for i, r in enumerate(before) if i not in (2, 5, 7)]
    ds.restore_rows(snap)
    assert rows_as_tuples(ds) == before


@pytest.mark.parametrize("seed", range(5))
def test_random_structural_edits_undo_to_the_original(seed):
    """Inserts, deletions and cell edits, then every step undone in reverse: the original back."""
    rng = random.Random(seed)
    ds = make_dataset(20, weighted=seed % 2 == 0)
    original, original_state = rows_as_tuples(ds), state(ds)
    model = list(original)  # a plain list of rows, edited the obvious way
    undo = []
    for _ in range(40):
        n = len(ds)
        op = rng.choice(["insert", "delete", "edit"])
        if op == "insert":
            at, count = rng.randint(0, n), rng.randint(1, 3)
            ds.insert_rows(at, count)
            width = len(model[0]) if model else len(original[0])
            model[at:at] = [("",) * width] * count
            undo.append(("insert", at, count))
        elif op == "delete" and n > 1:
            rows = sorted(rng.sample(range(n), rng.randint(1, min(5, n - 1))))
            snap = ds.delete_rows(np.array(rows))
            removed = [model[r] for r in rows]
            model = [r for i, r in enumerate(model) if i not in rows]
            undo.append(("delete", snap, rows, removed))
        elif n:
            r = rng.randrange(n)
            role = rng.choice(["id", "actual", "predicted"])
            old = ds.cell_text(role, r)
            new = rng.choice(["0", "1", "0.25", "", "oops", "x_y"])
            ds.set_cell_text(role, r, new)
            k = ["id", "actual", "predicted"].index(role)
            row = list(model[r])
            row[k] = ds.cell_text(role, r)
            model[r] = tuple(row)
            undo.append(("edit", r, role, old))
        check_lengths(ds)
        assert rows_as_tuples(ds) == model
    for step in reversed(undo):
        if step[0] == "insert":
            ds.delete_rows(np.arange(step[1], step[1] + step[2]))
        elif step[0] == "delete":
            ds.restore_rows(step[1])
        else:
            ds.set_cell_text(step[2], step[1], step[3])
        check_lengths(ds)
    assert rows_as_tuples(ds) == original
    assert_same_state(state(ds), original_state)


def test_weight_column_add_and_remove():
    ds = make_dataset(weighted=False)
    assert ds.weight is None
    ds.add_weight_column()
    np.testing.assert_array_equal(ds.weight.values, np.ones(len(ds)))
    assert ds.column_names["weight"] == "Weight"
    col = ds.remove_weight_column()
    assert ds.weight is None and len(col) == len(ds)


def test_a_block_of_cells_is_written_and_read_back_for_undo():
    import numpy as np

    from bce_gui.core.dataset import CellBlock, Dataset

    ds = Dataset.from_arrays([1, 0, 1], [0.5, 0.2, 0.9], ids=["a", "b", "c"])
    ds.predicted.set_cell(2, "oops")
    rows = np.array([2, 0])
    before = ds.read_cells(rows, ["id", "predicted"])
    block = CellBlock.parse({"id": [" X", "Y "], "predicted": ["0,25", "n/a"]})
    ds.write_cells(rows, block)
    assert [ds.cell_text("id", i) for i in range(3)] == ["Y", "b", "X"]
    assert [ds.cell_text("predicted", i) for i in range(3)] == ["n/a", "0.2", "0.25"]
    ds.write_cells(rows, before)
    assert [ds.cell_text("id", i) for i in range(3)] == ["a", "b", "c"]
    assert [ds.cell_text("predicted", i) for i in range(3)] == ["0.5", "0.2", "oops"]


def test_a_grouped_thousand_is_kept_as_text_where_the_decimal_mark_is_a_point():
    """"1,000" (Excel's formatted 1000, or 1 with a decimal comma?) is not read as 1 where the
    window writes '.' as the decimal mark: kept as typed and reported; a comma that cannot be a
    group separator is still a decimal comma; with a decimal comma style "1,000" is one."""
    from bce_gui.core.dataset import parse_cells
    from bce_gui.core.formatting import C_STYLE, NumberStyle, set_number_style

    set_number_style(C_STYLE)
    for text in ("1,000", "-12,500", "999,999"):
        v, bad = parse_cell(text)
        assert math.isnan(v) and bad == text
    assert parse_cell("0,125") == (0.125, None) and parse_cell("12,5") == (12.5, None)
    assert parse_cell("1,0001") == (1.0001, None)
    pasted = parse_cells(["1,000", "2,500", "0,5"])  # a weight column copied from Excel
    assert math.isnan(pasted.values[0]) and pasted.text == {0: "1,000", 1: "2,500"}
    assert pasted.values[2] == 0.5
    try:
        set_number_style(NumberStyle(decimal=",", group="."))
        assert parse_cell("1,000") == (1.0, None)
    finally:
        set_number_style(C_STYLE)


def test_a_point_grouped_thousand_is_kept_as_text_where_the_decimal_mark_is_a_comma():
    """"1.000" typed or pasted in a German window (a thousand to a German reader) was read as 1
    and valid: kept as typed and reported, as "1,000" is under '.'. "0.35" stays a number, and
    numpy's fast path for a pasted column (which reads "1.000" as 1) is checked too."""
    from bce_gui.core.dataset import parse_cells
    from bce_gui.core.formatting import NumberStyle, set_number_style

    set_number_style(NumberStyle(decimal=",", group="."))
    for text in ("1.000", "-12.500", "999.999", "12.345.678"):
        v, bad = parse_cell(text)
        assert math.isnan(v) and bad == text
    assert parse_cell("0.35") == (0.35, None) and parse_cell("1.5") == (1.5, None)
    assert parse_cell("0.350") == (0.35, None) and parse_cell("1,000") == (1.0, None)
    pasted = parse_cells(["1.000", "0.5", " 2.500", "1.5", "1000.000", "0,25"])
    assert pasted.text == {0: "1.000", 2: "2.500"}
    assert math.isnan(pasted.values[0]) and math.isnan(pasted.values[2])
    assert pasted.values[[1, 3, 4, 5]].tolist() == [0.5, 1.5, 1000.0, 0.25]
    col = NumericColumn.from_floats([0.5])
    col.set_cell(0, "1.000")
    assert math.isnan(col.values[0]) and col.text == {0: "1.000"}
