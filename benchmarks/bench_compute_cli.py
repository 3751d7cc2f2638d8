"""End to end: ``python main.py compute FILE --json`` vs pandas.read_csv + sklearn log_loss.

    .venv/bin/python benchmarks/bench_compute_cli.py [--quick] [--repeat N] [--importtime]

Both sides are fresh subprocesses timed from start to exit (their output read in full), so
interpreter start-up and imports count. ``compute`` is timed twice: as it runs by default, with
every statistic of issue 11 (Brier, AUC, accuracy, ECE, the bootstrap interval, the worst-rows
shares, the decomposition, the loss under each convention), and with ``--no-stats`` (the loss
alone). Goal: ours <= 0.3x the pandas+sklearn script, with the statistics on. Both sides run
from compiled bytecode, as an installed program does: the reference's libraries were compiled
when pip installed them, and bce_gui's ``__pycache__`` is written first here (a shell with
PYTHONDONTWRITEBYTECODE set would otherwise recompile every module of ours at each run, about
70 ms that no installed copy pays). When the goal is
missed (or with --importtime) the biggest import costs of the compute path are listed from
``python -X importtime``, and a stage breakdown of one compute run is printed.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import REPO, Figure, ensure_csv, fmt_s, label, print_header  # noqa: E402

GOAL_RATIO = 0.3

REFERENCE_SCRIPT = """\
import sys
import pandas as pd
from sklearn.metrics import log_loss
df = pd.read_csv(sys.argv[1])
print(log_loss(df["actual"], df["predicted"], labels=[0, 1]))
"""

# One compute run with a clock read between stages (the calls run_compute makes: the file
# streamed in blocks, each block evaluated and its statistics accumulated, then the summary).
STAGES_SCRIPT = """\
import time, sys, json
t = [("start", time.perf_counter())]
import numpy
t.append(("import numpy", time.perf_counter()))
import polars
t.append(("import polars", time.perf_counter()))
from bce_gui.cli import build_parser
from bce_gui.core.io import ReadOptions
from bce_gui.core.loss import LossOptions
from bce_gui.core.metrics.table import MetricsSettings
from bce_gui.core.partitions import compute_source
from bce_gui.core.policies import make_policy
from bce_gui.core.stream import keep_block_memory
t.append(("import bce_gui (cli, core)", time.perf_counter()))
args = build_parser().parse_args(["compute", sys.argv[1], "--json"])
options = LossOptions(policy=make_policy(args.policy, args.eps))
keep_block_memory()
t.append(("parse arguments", time.perf_counter()))
from bce_gui.core import blocks
stats = [0.0, 0.0]
add, ins = blocks.BlockTotals.add_evaluation, blocks.BlockTotals.insight
def timed(f, k):
    def g(*a, **kw):
        t0 = time.perf_counter()
        try:
            return f(*a, **kw)
        finally:
            stats[k] += time.perf_counter() - t0
    return g
blocks.BlockTotals.add_evaluation = timed(add, 0)
blocks.BlockTotals.insight = timed(ins, 1)
r = compute_source(args.file[0], options, ReadOptions(load_ids=False, load_extras=False),
                   metrics=MetricsSettings())
t.append(("read, evaluate, statistics", time.perf_counter()))
out = json.dumps(r.summary, allow_nan=False)
t.append(("json", time.perf_counter()))
rows = [(name, t[i][1] - t[i - 1][1]) for i, (name, _) in enumerate(t) if i]
rows += [("  of which blocks' totals + statistics", stats[0]),
         ("  of which the statistics' result", stats[1])]
print(json.dumps(rows))
"""


# The compute command, then either a normal interpreter exit or os._exit once output is flushed:
# the difference is what interpreter teardown (module cleanup, freeing the frames) costs.
EXIT_SCRIPT = """\
import os, sys
from bce_gui.cli import main
rc = main(sys.argv[1:])
sys.stdout.flush(); sys.stderr.flush()
if os.environ.get("BCE_BENCH_FAST_EXIT"):
    os._exit(rc)
sys.exit(rc)
"""


def teardown_cost(path: Path, runs: int = 3) -> tuple[float, float]:
    """Best wall time of compute with a normal exit and with os._exit after the output."""
    import os

    cmd = [sys.executable, "-c", EXIT_SCRIPT, "compute", str(path), "--json"]
    normal = fast = float("inf")
    for _ in range(runs):
        normal = min(normal, run_timed(cmd)[0])
        fast = min(fast, run_timed(cmd, {**os.environ, "BCE_BENCH_FAST_EXIT": "1"})[0])
    return normal, fast


def compile_bytecode() -> None:
    """Write bce_gui's bytecode (``__pycache__``) as installing the package does."""
    import compileall

    ok = compileall.compile_dir(REPO / "bce_gui", quiet=1) and compileall.compile_file(
        REPO / "main.py", quiet=1)
    if not ok:
        raise RuntimeError("bce_gui did not compile")


def run_timed(cmd: list[str], env: dict | None = None) -> tuple[float, str]:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, env=env)
    dt = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    return dt, proc.stdout


def import_costs(path: Path, top: int = 12) -> list[tuple[float, str]]:
    """Top-level imports of the compute path by cumulative time (ms), from -X importtime."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "main.py", "compute", str(path), "--json"],
        cwd=REPO, capture_output=True, text=True,
    )
    rows = []
    for line in proc.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if m and len(m.group(3)) <= 2:  # top-level (depth 1) imports only
            rows.append((int(m.group(2)) / 1000.0, m.group(4)))
    rows.sort(reverse=True)
    return rows[:top]


def stage_breakdown(path: Path, runs: int = 3) -> list[tuple[str, float]]:
    best: dict[str, float] = {}
    order: list[str] = []
    for _ in range(runs):
        _, out = run_timed([sys.executable, "-c", STAGES_SCRIPT, str(path)])
        for name, dt in json.loads(out.strip().splitlines()[-1]):
            if name not in best:
                order.append(name)
            best[name] = min(best.get(name, float("inf")), dt)
    return [(name, best[name]) for name in order]


def main(argv: list[str] | None = None) -> list[Figure]:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="the 1e5-row file, fewer runs (smoke run)")
    ap.add_argument("--repeat", type=int, default=None, help="runs of ours (default 5; 2 with --quick)")
    ap.add_argument("--importtime", action="store_true", help="always list import costs and stages")
    args = ap.parse_args(argv)
    n = 100_000 if args.quick else 1_000_000
    runs_ours = args.repeat or (2 if args.quick else 5)
    runs_ref = 2 if args.quick else 5
    path = ensure_csv(n)
    print_header("End to end: `main.py compute FILE --json` vs pandas.read_csv + sklearn log_loss")
    compile_bytecode()

    ours_cmd = [sys.executable, "main.py", "compute", str(path), "--json"]
    loss_cmd = [*ours_cmd, "--no-stats"]
    ref_cmd = [sys.executable, "-c", REFERENCE_SCRIPT, str(path)]
    base_cmd = [sys.executable, "-c", "pass"]
    t_ours = t_loss = t_ref = t_base = float("inf")
    out_ours = out_ref = ""
    # Interleave the runs so a slow spell of the machine hits every side.
    for i in range(max(runs_ours, runs_ref)):
        if i < runs_ours:
            dt, out_ours = run_timed(ours_cmd)
            t_ours = min(t_ours, dt)
            t_loss = min(t_loss, run_timed(loss_cmd)[0])
        if i < runs_ref:
            dt, out_ref = run_timed(ref_cmd)
            t_ref = min(t_ref, dt)
        dt, _ = run_timed(base_cmd)
        t_base = min(t_base, dt)
    loss_ours = json.loads(out_ours)["loss"]
    loss_ref = float(out_ref.strip())
    rel = abs(loss_ours - loss_ref) / abs(loss_ref)
    ratio = t_ours / t_ref
    met = ratio <= GOAL_RATIO
    print(f"file {path.name} ({label(n)} rows); best of {runs_ours} (ours) / {runs_ref} (reference)")
    print(f"  python -c pass (interpreter start)       {fmt_s(t_base):>10}")
    print(f"  ours: main.py compute FILE --json        {fmt_s(t_ours):>10}   (every statistic)")
    print(f"  ours: ... --json --no-stats              {fmt_s(t_loss):>10}   (the loss alone)")
    print(f"  ref:  pandas.read_csv + sklearn log_loss {fmt_s(t_ref):>10}")
    print(f"  ours/ref {ratio:.2f}x with the statistics, {t_loss / t_ref:.2f}x without "
          f"(goal <= {GOAL_RATIO}x with them): {'met' if met else 'MISSED'};  "
          f"the statistics add {fmt_s(max(0.0, t_ours - t_loss))}")
    print(f"  loss {loss_ours!r} vs {loss_ref!r} (rel. diff {rel:.1e})")

    if not met or args.importtime:
        print("  stage breakdown of one compute run (best of 3, in-process clock):")
        for name, dt in stage_breakdown(path):
            print(f"    {name:<30} {fmt_s(dt):>10}")
        normal, fast = teardown_cost(path)
        print(f"  interpreter teardown: compute with normal exit {fmt_s(normal)}, with os._exit after "
              f"flushing {fmt_s(fast)} (teardown ~{fmt_s(max(0.0, normal - fast))})")
        print("  top-level imports of the compute path (python -X importtime, cumulative):")
        for ms, name in import_costs(path):
            print(f"    {name:<30} {ms:8.1f} ms")
    return [
        Figure(f"compute CLI {label(n)}: ours (statistics on)/(pandas+sklearn)",
               f"{ratio:.2f}x ({fmt_s(t_ours)} vs {fmt_s(t_ref)}; --no-stats {fmt_s(t_loss)} = "
               f"{t_loss / t_ref:.2f}x)", f"<= {GOAL_RATIO}x", met),
    ]


if __name__ == "__main__":
    main()
