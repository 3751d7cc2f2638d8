"""CSV import: read_table (polars-based) vs numpy.loadtxt and pandas.read_csv.

    .venv/bin/python benchmarks/bench_import.py [--quick] [--repeat N] [--no-stages]

Files are id,actual,predicted with %.17g probabilities, written once to /tmp/bce_bench (or
$BCE_BENCH_DIR) and reused. ``read_table`` is timed as ``compute`` calls it (load_ids=False,
load_extras=False) and as the window calls it (ReadOptions(): ids loaded). Goal: 1e6 rows in
< 0.15 s (compute options). The stage breakdown times each step of read_table separately, plus
prototypes of the cheaper steps suggested for the reader, bce_gui.core.io (nothing here changes it).
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import Figure, best_of, ensure_csv, fmt_s, label, make_data, print_header, sizes  # noqa: E402

import numpy as np  # noqa: E402

GOAL_1E6 = 0.15


# --------------------------------------------------------------------------------------------
# Prototypes of suggested reader changes (same results; measured in the stage breakdown)
# --------------------------------------------------------------------------------------------


def proposed_numeric_column(frame, name: str, decimal: str = "."):
    """Cast the raw text first; strip/re-cast/classify only the cells that did not parse.

    Same values and same ``text`` dict as to_dataset.numeric_column: a cell that parses without
    stripping parses to the same number after stripping; every other cell (null, empty, padded,
    text, 'nan') comes out NaN from the first cast and is re-examined exactly as before.
    """
    import polars as pl

    raw = frame.get_column(name)
    if decimal == ",":
        raw = raw.str.replace_all(",", ".", literal=True)
    values = raw.cast(pl.Float64, strict=False).to_numpy()
    if not values.flags.writeable:
        values = values.copy()
    miss = np.isnan(values)
    cells: dict[int, str] = {}
    if miss.any():
        rows = np.flatnonzero(miss)
        sub = raw.gather(rows).str.strip_chars()
        v2 = sub.cast(pl.Float64, strict=False)
        values[rows] = v2.fill_null(np.nan).to_numpy()
        bad = (sub.is_not_null() & (sub != "") & (v2.is_null() | v2.is_nan())).to_numpy()
        if bad.any():
            bad_rows = rows[bad]
            orig = frame.get_column(name).gather(bad_rows).to_list()
            cells = {int(r): str(t) for r, t in zip(bad_rows, orig)}
            values[bad_rows] = np.nan
    return values, cells


def proposed_blank_rows(frame, actual_values: np.ndarray) -> np.ndarray:
    """Blank rows are a subset of the rows whose actual value is NaN: test only those."""
    import polars as pl

    cand = np.flatnonzero(np.isnan(actual_values))
    if not cand.size:
        return cand
    sub = frame[cand]
    stripped = [pl.col(c).str.strip_chars() for c in frame.columns]
    blank = sub.select(pl.all_horizontal([s.is_null() | (s == "") for s in stripped])).to_series()
    return cand[blank.to_numpy()]


def proposed_read(path: Path):
    """read_table's delimited path with the two suggested steps (same file handling otherwise)."""
    import polars as pl

    from bce_gui.core.io.decode import decode

    raw = path.read_bytes()
    data, _ = decode(path, raw, None)
    frame = pl.read_csv(
        io.BytesIO(data), separator=",", has_header=True, infer_schema=False, quote_char='"',
        raise_if_empty=False, truncate_ragged_lines=False,
    )
    actual, _ = proposed_numeric_column(frame, "actual")
    predicted, _ = proposed_numeric_column(frame, "predicted")
    blank = proposed_blank_rows(frame, actual)
    if blank.size:  # pragma: no cover - the benchmark files have no blank rows
        keep = np.ones(actual.size, dtype=bool)
        keep[blank] = False
        actual, predicted = actual[keep], predicted[keep]
    return actual, predicted


def _check_prototypes() -> bool:
    """The prototypes give exactly what the reader gives on awkward cells."""
    import polars as pl

    from bce_gui.core.io.to_dataset import numeric_column

    frame = pl.DataFrame({"x": ["0.5", " 0.5", "abc", "", None, "nan", "inf", "1e3", " ", "+1", "\t2\t", "-0", "1,5"]})
    ok = True
    for dec in (".", ","):
        a = numeric_column(frame, "x", dec)
        v, t = proposed_numeric_column(frame, "x", dec)
        ok &= np.array_equal(a.values, v, equal_nan=True) and a.text == t
    return bool(ok)


# --------------------------------------------------------------------------------------------


def stage_breakdown(path: Path, repeat: int) -> None:
    """Time each step read_table performs on this file, and the suggested replacements."""
    import polars as pl

    from bce_gui.core.io import ReadOptions, read_table
    from bce_gui.core.io.decode import decode
    from bce_gui.core.io.to_dataset import numeric_column

    raw = path.read_bytes()
    data, _ = decode(path, raw, None)
    frame = pl.read_csv(
        io.BytesIO(data), separator=",", has_header=True, infer_schema=False, quote_char='"',
        raise_if_empty=False, truncate_ragged_lines=False,
    )
    headers = frame.columns

    def blank_now():
        stripped = [pl.col(c).str.strip_chars() for c in headers]
        return frame.select(pl.all_horizontal([s.is_null() | (s == "") for s in stripped])).to_series().sum()

    v_actual, _ = proposed_numeric_column(frame, "actual")
    steps = {
        "read_table(compute options), whole": lambda: read_table(path, ReadOptions(load_ids=False, load_extras=False)),
        "  path.read_bytes()": lambda: path.read_bytes(),
        "  decode (isascii over all bytes)": lambda: decode(path, raw, None),
        "  pl.read_csv(all text, BytesIO)": lambda: pl.read_csv(
            io.BytesIO(data), separator=",", has_header=True, infer_schema=False, quote_char='"',
            raise_if_empty=False, truncate_ragged_lines=False),
        "  blank-row detection (strip x3)": blank_now,
        "  numeric_column('actual')": lambda: numeric_column(frame, "actual", "."),
        "  numeric_column('predicted')": lambda: numeric_column(frame, "predicted", "."),
        "  ids .fill_null('').to_numpy() (GUI only)": lambda: frame.get_column("id").fill_null("").to_numpy(),
        "suggested: pl.read_csv(path, 2 cols, text)": lambda: pl.read_csv(path, infer_schema=False, columns=["actual", "predicted"]),
        "suggested: blank rows via NaN candidates": lambda: proposed_blank_rows(frame, v_actual),
        "suggested: cast-first numeric('actual')": lambda: proposed_numeric_column(frame, "actual"),
        "suggested: cast-first numeric('predicted')": lambda: proposed_numeric_column(frame, "predicted"),
        "suggested pipeline, whole (prototype)": lambda: proposed_read(path),
        "floor: pl.read_csv typed Float64, 2 cols": lambda: pl.read_csv(
            path, columns=["actual", "predicted"], schema_overrides={"actual": pl.Float64, "predicted": pl.Float64}),
    }
    best = best_of(steps, repeat)
    print(f"  stage breakdown ({path.name}, best of {repeat}; prototypes match the reader: {_check_prototypes()})")
    for name, t in best.items():
        print(f"    {name:<46} {fmt_s(t):>10}")


def bench_size(n: int, repeat: int) -> list[Figure]:
    import pandas as pd

    from bce_gui.core.io import ReadOptions, read_table

    path = ensure_csv(n)
    size_mb = path.stat().st_size / 1e6
    compute_opts = ReadOptions(load_ids=False, load_extras=False)
    gui_opts = ReadOptions()
    y, p = make_data(n)

    ds, _info = read_table(path, compute_opts)
    same = np.array_equal(ds.actual.values, y) and np.array_equal(ds.predicted.values, p)

    funcs = {
        "ours_compute": lambda: read_table(path, compute_opts),
        "ours_ids": lambda: read_table(path, gui_opts),
        "pandas": lambda: pd.read_csv(path),
    }
    if n <= 1_000_000:
        funcs["loadtxt"] = lambda: np.loadtxt(path, delimiter=",", skiprows=1, usecols=(1, 2))
    reps = repeat if n <= 1_000_000 else max(2, repeat // 2)
    best = best_of(funcs, reps)
    tag = label(n)
    t_ours = best["ours_compute"]
    print(f"n = {tag} rows, file {size_mb:.1f} MB (best of {reps}; values round-trip exactly: {same})")
    print(f"  read_table (compute: no ids/extras)  {fmt_s(t_ours):>10}   {n / t_ours / 1e6:5.2f} M rows/s")
    print(f"  read_table (ReadOptions(): ids)      {fmt_s(best['ours_ids']):>10}   ids cost {fmt_s(max(0.0, best['ours_ids'] - t_ours))}")
    print(f"  pandas.read_csv                      {fmt_s(best['pandas']):>10}   ours/pandas {t_ours / best['pandas']:.2f}x")
    if "loadtxt" in best:
        print(f"  numpy.loadtxt (usecols 1,2)          {fmt_s(best['loadtxt']):>10}   ours/loadtxt {t_ours / best['loadtxt']:.2f}x")
    figures = [
        Figure(f"import {tag}: read_table (compute)", f"{fmt_s(t_ours)} ({size_mb:.0f} MB)",
               f"< {GOAL_1E6} s" if n == 1_000_000 else "-", t_ours < GOAL_1E6 if n == 1_000_000 else None),
        Figure(f"import {tag}: read_table (ids loaded)", fmt_s(best["ours_ids"]), "-", None),
        Figure(f"import {tag}: ours/pandas.read_csv", f"{t_ours / best['pandas']:.2f}x (pandas {fmt_s(best['pandas'])})", "-", None),
    ]
    if "loadtxt" in best:
        figures.append(Figure(f"import {tag}: ours/numpy.loadtxt", f"{t_ours / best['loadtxt']:.2f}x (loadtxt {fmt_s(best['loadtxt'])})", "-", None))
    return figures


def main(argv: list[str] | None = None) -> list[Figure]:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="1e5 and 1e6 rows only (smoke run)")
    ap.add_argument("--repeat", type=int, default=None, help="runs per candidate (default 5; 3 with --quick)")
    ap.add_argument("--no-stages", action="store_true", help="skip the per-stage breakdown of read_table")
    args = ap.parse_args(argv)
    repeat = args.repeat or (3 if args.quick else 5)
    print_header("CSV import: read_table vs pandas.read_csv vs numpy.loadtxt")
    figures: list[Figure] = []
    for n in sizes(args.quick):
        figures += bench_size(n, repeat)
    if not args.no_stages:
        stage_breakdown(ensure_csv(1_000_000), repeat)
    return figures


if __name__ == "__main__":
    main()
