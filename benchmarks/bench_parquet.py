"""``compute`` on a 1e7-row Parquet file against polars' own lazy scan of the same mean.

    .venv/bin/python benchmarks/bench_parquet.py [--quick] [--repeat N]

polars: ``pl.scan_parquet(f).select((-when(y == 1).then(p).otherwise(1 - p).log()).mean())``,
its fastest form (multi-threaded, no validation, float rounding). Ours: the engine of
``compute`` in the same process (``compute_source``: read by slices, every cell validated,
exact sums), and ``bce-lab compute F --json`` as a whole process. Goal: ours within 1.3x of
polars. Best of N interleaved runs.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import CACHE_DIR, REPO, Figure, best_of, fmt_s, label, make_data, print_header  # noqa: E402

GOAL = 1.3


def parquet_path(n: int) -> Path:
    import numpy as np
    import polars as pl

    path = CACHE_DIR / f"bce_{n}.parquet"
    if not path.exists():
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        y, p = make_data(n)
        tmp = path.with_suffix(".tmp")
        pl.DataFrame({"actual": y.astype(np.int8), "predicted": p}).write_parquet(
            tmp, row_group_size=1 << 20)
        tmp.replace(path)
    return path


def bench(n: int, repeat: int) -> list[Figure]:
    import polars as pl

    from bce_gui.core.io import ReadOptions
    from bce_gui.core.loss import LossOptions
    from bce_gui.core.partitions import compute_source

    path = parquet_path(n)

    def polars_mean() -> float:
        y, p = pl.col("actual"), pl.col("predicted")
        return pl.scan_parquet(path).select(
            (-pl.when(y == 1).then(p).otherwise(1 - p).log()).mean()).collect().item()

    def ours() -> float:
        return compute_source(path, LossOptions(), ReadOptions(load_ids=False,
                                                               load_extras=False)).totals.mean

    a, b = polars_mean(), ours()
    best = best_of({"polars": polars_mean, "ours": ours}, repeat)
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, str(REPO / "main.py"), "compute", str(path), "--json"],
                          capture_output=True, text=True, check=True)
    t_proc = time.perf_counter() - t0
    ratio = best["ours"] / best["polars"]
    tag = label(n)
    print(f"n = {tag} rows, {path.stat().st_size / 1e6:.0f} MB (best of {repeat})")
    print(f"  polars lazy scan, mean      {fmt_s(best['polars']):>10}   loss {a!r}")
    print(f"  ours (compute_source)       {fmt_s(best['ours']):>10}   loss {b!r}  ours/polars {ratio:.2f}x "
          f"(goal <= {GOAL}x)")
    print(f"  ours, whole process         {fmt_s(t_proc):>10}   ({len(proc.stdout)} bytes of JSON)")
    print(f"  |ours - polars| / ours      {abs(a - b) / abs(b):.1e}  (polars' float sum vs the exact one)")
    return [Figure(f"compute {tag} Parquet / polars lazy scan mean", f"{ratio:.2f}x ({fmt_s(best['ours'])} "
                   f"vs {fmt_s(best['polars'])}; process {fmt_s(t_proc)})", f"<= {GOAL}x", ratio <= GOAL)]


def main(argv: list[str] | None = None) -> list[Figure]:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="1e6 rows")
    ap.add_argument("--repeat", type=int, default=None, help="runs per candidate (default 5)")
    args = ap.parse_args(argv)
    print_header("compute on Parquet vs polars")
    return bench(1_000_000 if args.quick else 10_000_000, args.repeat or (3 if args.quick else 5))


if __name__ == "__main__":
    main()
