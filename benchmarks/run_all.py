"""Run every benchmark and print one table: figure, measured, goal, met.

    .venv/bin/python benchmarks/run_all.py [--quick]        (``make bench`` runs this)

Nothing asserts a timing (the machine is small and noisy); the exit status is 0 whether or not
the goals are met, and non-zero only if a benchmark itself fails.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_compute_cli  # noqa: E402
import bench_engine  # noqa: E402
import bench_import  # noqa: E402
import bench_kernel  # noqa: E402
import bench_parquet  # noqa: E402
import bench_multiclass  # noqa: E402
import bench_open_to_loss  # noqa: E402
import bench_stream_compute  # noqa: E402
from _common import Figure  # noqa: E402


HERE = Path(__file__).resolve().parent
SCALE_SCRIPTS = ["bench_open_multiclass.py", "bench_open_large.py", "bench_edit_latency.py", "bench_memory.py",
                 "bench_view_ops.py", "bench_plot.py", "bench_startup.py", "bench_paste.py", "bench_cluster.py"]


def print_table(figures: list[Figure]) -> None:
    rows = [("figure", "measured", "goal", "met")]
    for f in figures:
        met = "-" if f.met is None else ("yes" if f.met else "NO")
        rows.append((f.name, f.measured, f.goal, met))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    line = "  ".join("-" * w for w in widths)
    print()
    for i, r in enumerate(rows):
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
        if i == 0:
            print(line)


def main(argv: list[str] | None = None) -> list[Figure]:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="1e5/1e6 rows only (smoke run)")
    args = ap.parse_args(argv)
    sub = ["--quick"] if args.quick else []
    t0 = time.perf_counter()
    figures: list[Figure] = []
    figures += bench_engine.main(sub)
    figures += bench_kernel.main(sub)
    figures += bench_parquet.main(sub)
    figures += bench_import.main(sub)
    figures += bench_compute_cli.main(sub)
    figures += bench_stream_compute.main(sub)
    figures += bench_open_to_loss.main(sub)
    figures += bench_multiclass.main(sub)
    if not args.quick:
        # The window at scale (issue "Millions of rows"): one script per figure, each in a
        # process of its own so that one's memory does not weigh on the next.
        for script in SCALE_SCRIPTS:
            print(f"\n$ python benchmarks/{script}", flush=True)
            subprocess.run([sys.executable, str(HERE / script)], check=True)
    print_table(figures)
    goals = [f for f in figures if f.met is not None]
    print(f"\n{sum(f.met for f in goals)}/{len(goals)} goals met; "
          f"{'quick' if args.quick else 'full'} run took {time.perf_counter() - t0:.0f} s")
    return figures


if __name__ == "__main__":
    main()
