"""A 1e8-row partitioned Parquet data set: the single-machine stream against a local 2-worker
Dask cluster, in rows per second.

    .venv/bin/python benchmarks/bench_cluster.py [--rows N] [--parts K] [--workers W]

The data set (K parts, written once into the benchmark cache) is read by ``compute``'s local
engine (``compute_source``: one process, slices read and evaluated two at a time) and by the
Dask engine (``cluster_compute``: a local cluster of W worker processes, partitions of 2^23
rows), with the cluster's start-up timed apart. Both results must be equal to the last digit.
This machine has 2 cores: a 2-worker cluster has no more cores than the local engine, so it
shows the cost of the partitioning and of the transport, not a speed-up; on a cluster of
machines the rows per second grow with the workers, each reading its own partitions.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import CACHE_DIR, SEED, Figure, fmt_s, print_header  # noqa: E402


def data_set(n: int, parts: int) -> Path:
    import numpy as np
    import polars as pl

    folder = CACHE_DIR / f"bce_set_{n}_{parts}"
    if (folder / "_SUCCESS").exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    print(f"  (writing {folder}: {n:,} rows in {parts} parts, once ...)", flush=True)
    per = n // parts
    for k in range(parts):
        rng = np.random.default_rng(SEED + k)
        y = (rng.random(per) < 0.3).astype(np.int8)
        p = rng.random(per)
        w = rng.choice(np.array([0.5, 1.0, 2.0]), per)
        pl.DataFrame({"actual": y, "predicted": p, "weight": w}).write_parquet(
            folder / f"part-{k:04d}.parquet", row_group_size=1 << 20)
    (folder / "_SUCCESS").write_text("")
    print(f"  (written in {time.perf_counter() - t0:.0f} s)", flush=True)
    return folder


def main(argv: list[str] | None = None) -> list[Figure]:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=100_000_000)
    ap.add_argument("--parts", type=int, default=20)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--quick", action="store_true", help="1e7 rows in 4 parts")
    args = ap.parse_args(argv)
    if args.quick:
        args.rows, args.parts = 10_000_000, 4
    print_header(f"Data set of {args.rows:,} rows: one machine vs a local {args.workers}-worker Dask cluster")
    from bce_gui.core import cluster
    from bce_gui.core.io import ReadOptions
    from bce_gui.core.loss import LossOptions
    from bce_gui.core.partitions import compute_source

    folder = data_set(args.rows, args.parts)
    read = ReadOptions(load_ids=False, load_extras=False)
    options = LossOptions()
    t0 = time.perf_counter()
    local = compute_source(folder, options, read)
    t_local = time.perf_counter() - t0
    t0 = time.perf_counter()
    client = cluster.start_client(workers=args.workers)
    t_start = time.perf_counter() - t0
    try:
        client.submit(os.getpid).result()  # the workers are up
        t0 = time.perf_counter()
        remote = cluster.cluster_compute(folder, options, read, client=client)
        t_cluster = time.perf_counter() - t0
    finally:
        cluster._close(client)
    n = local.totals.n
    same = remote.summary == local.summary
    print(f"  one machine (compute)          {fmt_s(t_local):>9}  {n / t_local / 1e6:6.1f} M rows/s")
    print(f"  Dask, {args.workers} workers (start-up {fmt_s(t_start)})  {fmt_s(t_cluster):>9}  "
          f"{n / t_cluster / 1e6:6.1f} M rows/s")
    print(f"  results equal to the last digit: {same} (loss {local.summary['loss']!r})")
    print(f"  cores here: {os.cpu_count()}")
    return [
        Figure(f"data set {args.rows:.0e} rows, one machine", f"{n / t_local / 1e6:.1f} M rows/s ({fmt_s(t_local)})",
               "-", None),
        Figure(f"data set {args.rows:.0e} rows, Dask {args.workers} workers",
               f"{n / t_cluster / 1e6:.1f} M rows/s ({fmt_s(t_cluster)} + start {fmt_s(t_start)}); equal: {same}",
               "equal results", same),
    ]


if __name__ == "__main__":
    main()
