"""Streaming ``compute``: wall time and peak memory, streamed vs read whole, as the file grows.

    .venv/bin/python benchmarks/bench_stream_compute.py [--quick] [--big] [--repeat N]

Each run is a fresh subprocess timed from start to exit: ``main.py compute FILE --json
--no-stats`` (CSV files are streamed a block at a time; the loss alone, as the in-memory script
computes) against the same computation with the whole file in
memory (``read_table`` + ``evaluate`` + ``summary_dict``, the in-memory path ``compute`` took
before streaming). Peak resident memory is each child's own maximum RSS, from ``/usr/bin/time
-v`` (or, without it, ``os.wait4`` in a small launcher), so one run's peak never hides another's. Files: 1e6 and 1e7 rows (``--big`` adds 3e7, ~0.9 GB;
``--quick``: 1e5 and 1e6). The two results must agree to 1e-12 relative.

Goal: streamed memory flat (for files larger than one 8 MB block, the largest file's peak
within 30 MB of the smallest's), and streamed no slower than in memory (ratio <= 1.1 at 1e6 rows
and above; the machine is noisy, so read ratios near 1 as "the same"). Also printed: the peak of
``compute --json`` as it runs by default, with every statistic: the exact AUC and decomposition
keep 8 bytes a row up to 2^22 rows (core/metrics/auc.py EXACT_LIMIT), then a histogram, so that
peak grows up to 2^22 rows and is flat beyond (informational).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import REPO, Figure, ensure_csv, fmt_s, label, print_header  # noqa: E402

FLAT_MB = 30
GOAL_RATIO = 1.1

# The in-memory computation, ending like `compute` does (output flushed, then os._exit).
IN_MEMORY_SCRIPT = """\
import json, os, sys
from bce_gui.core.evaluate import evaluate
from bce_gui.core.io import ReadOptions, read_table
from bce_gui.core.loss import LossOptions
from bce_gui.core.summary import summary_dict
ds, _ = read_table(sys.argv[1], ReadOptions(load_ids=False, load_extras=False))
print(json.dumps(summary_dict(ds, evaluate(ds, LossOptions()), source=sys.argv[1]), allow_nan=False))
sys.stdout.flush()
os._exit(0)
"""


TIME = "/usr/bin/time"
# Without GNU time: a small launcher spawns the measured process and reports its ru_maxrss. (A
# child's ru_maxrss counts the memory of the process it was forked from until its exec, so the
# benchmark itself, which may hold large arrays, must not be the direct parent.)
LAUNCH = (
    "import os, sys; pid = os.posix_spawn(sys.executable, [sys.executable, *sys.argv[1:]], "
    "dict(os.environ)); _, status, ru = os.wait4(pid, 0); "
    "print('Maximum resident set size (kbytes):', ru.ru_maxrss, file=sys.stderr); "
    "sys.exit(os.waitstatus_to_exitcode(status))"
)


def run_measured(cmd: list[str]) -> tuple[float, float, str]:
    """(wall seconds, peak RSS in MB, stdout) of ``python ARGS`` (``cmd[0]`` is python)."""
    if os.path.exists(TIME):
        full = [TIME, "-v", *cmd]
    else:
        full = [cmd[0], "-S", "-c", LAUNCH, *cmd[1:]]
    t0 = time.perf_counter()
    proc = subprocess.run(full, cwd=REPO, capture_output=True, text=True)
    dt = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    m = re.findall(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    rss_kib = int(m[-1])
    if sys.platform == "darwin" and not os.path.exists(TIME):
        rss_kib //= 1024  # ru_maxrss is in bytes on macOS
    return dt, rss_kib / 1024.0, proc.stdout


def main(argv: list[str] | None = None) -> list[Figure]:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="1e5 and 1e6 rows, fewer runs (smoke run)")
    ap.add_argument("--big", action="store_true", help="also 3e7 rows (a ~0.9 GB file)")
    ap.add_argument("--repeat", type=int, default=None, help="runs per size and mode (default 3; 1 with --quick)")
    args = ap.parse_args(argv)
    if not hasattr(os, "wait4") and not os.path.exists(TIME):
        print("bench_stream_compute: needs /usr/bin/time or os.wait4 (Linux/macOS); skipped")
        return []
    ns = [100_000, 1_000_000] if args.quick else [1_000_000, 10_000_000]
    if args.big:
        ns.append(30_000_000)
    repeat = args.repeat or (1 if args.quick else 3)
    paths = {n: ensure_csv(n) for n in ns}  # (written once, by worker processes)
    print_header("Streaming compute: `main.py compute FILE --json --no-stats` (streamed) vs the whole file in memory")
    print(f"best of {repeat} runs per cell (interleaved); peak RSS of each child process")
    print(f"  {'rows':>6} {'file':>9}  {'streamed':>10} {'peak':>8} {'rows/s':>8}   "
          f"{'in memory':>10} {'peak':>8} {'rows/s':>8}   {'time ratio':>10}")
    rows = {}
    for n in ns:
        path = paths[n]
        stats_cmd = [sys.executable, "main.py", "compute", str(path), "--json"]
        streamed_cmd = [*stats_cmd, "--no-stats"]
        memory_cmd = [sys.executable, "-c", IN_MEMORY_SCRIPT, str(path)]
        best = {"s": (float("inf"), 0.0, ""), "m": (float("inf"), 0.0, ""),
                "x": (float("inf"), 0.0, "")}
        peak = {"s": 0.0, "m": 0.0, "x": 0.0}
        for _ in range(repeat):
            for key, cmd in (("s", streamed_cmd), ("m", memory_cmd), ("x", stats_cmd)):
                dt, rss, out = run_measured(cmd)
                peak[key] = max(peak[key], rss)  # the peak is the same every run; keep the largest
                if dt < best[key][0]:
                    best[key] = (dt, rss, out)
        t_s, t_m = best["s"][0], best["m"][0]
        loss_s = json.loads(best["s"][2])["loss"]
        loss_m = json.loads(best["m"][2])["loss"]
        rel = abs(loss_s - loss_m) / abs(loss_m)
        assert rel <= 1e-12, (loss_s, loss_m)
        size_mb = path.stat().st_size / 1e6
        rows[n] = (t_s, peak["s"], t_m, peak["m"], peak["x"])
        print(f"  {label(n):>6} {size_mb:7.0f} MB  {fmt_s(t_s):>10} {peak['s']:6.0f} MB {n / t_s:8.2g}   "
              f"{fmt_s(t_m):>10} {peak['m']:6.0f} MB {n / t_m:8.2g}   {t_s / t_m:9.2f}x"
              f"   (loss rel. diff {rel:.0e}; with every statistic: {fmt_s(best['x'][0])}, "
              f"peak {peak['x']:.0f} MB)")
    # Flat means: the same peak for every file larger than one block (a smaller file is one
    # block of its own size).
    from bce_gui.core.stream import DEFAULT_BLOCK_BYTES

    big = [n for n in ns if paths[n].stat().st_size > DEFAULT_BLOCK_BYTES]
    small, large = (big[0], big[-1]) if len(big) >= 2 else (ns[0], ns[-1])
    growth_s = rows[large][1] - rows[small][1]
    growth_m = rows[large][3] - rows[small][3]
    flat = growth_s <= FLAT_MB if len(big) >= 2 else None
    verdict = "informational: one file above a block" if flat is None else ("met" if flat else "MISSED")
    growth_x = rows[large][4] - rows[small][4]
    print(f"  with every statistic: peak {growth_x:+.0f} MB from {label(small)} to {label(large)} "
          f"rows (the exact AUC's keys, 8 B a row up to 2^22 rows, then a histogram)")
    print(f"  peak growth {label(small)} -> {label(large)} rows: streamed {growth_s:+.0f} MB "
          f"(goal <= {FLAT_MB} MB for files above a block: {verdict}), in memory {growth_m:+.0f} MB")
    figures = [
        Figure(f"compute streamed: peak RSS growth {label(small)}->{label(large)} rows",
               f"{growth_s:+.0f} MB ({rows[small][1]:.0f} -> {rows[large][1]:.0f} MB; "
               f"in memory {rows[small][3]:.0f} -> {rows[large][3]:.0f} MB)",
               f"<= {FLAT_MB} MB", flat),
    ]
    for n in ns:
        if n >= 1_000_000:
            t_s, _ps, t_m, _pm, _px = rows[n]
            ratio = t_s / t_m
            figures.append(Figure(
                f"compute streamed/in memory {label(n)} rows", f"{ratio:.2f}x ({fmt_s(t_s)} vs {fmt_s(t_m)})",
                f"<= {GOAL_RATIO}x", ratio <= GOAL_RATIO,
            ))
    return figures


if __name__ == "__main__":
    main()
