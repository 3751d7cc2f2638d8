"""Memory per row: resident memory of the app with a 1e6- and a 1e7-row CSV open, beyond the
empty app (the window showing the worked example), and the peak while loading.

Each size runs in a fresh process: start the window, measure, open the file through the real
loader (File → Open's path), wait for the loss, measure again; then sort by loss (the view's
row order is part of "the views") and measure once more. Figures are VmRSS after the app has
handed freed memory back (what the system sees), and ru_maxrss for the peak. "Peak / table":
the peak while opening (ru_maxrss once the window is idle after the open, before the sort)
beyond the empty app, over what the open table holds (file open − empty app); goal ≤ 1.5.

Usage: .venv/bin/python benchmarks/bench_memory.py [--sizes 1e6 1e7]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
from pathlib import Path

GOAL_B_PER_ROW = 100.0
GOAL_PEAK_RATIO = 1.5
HERE = Path(__file__).resolve().parent


def child(n: int) -> None:
    import _window
    from _common import ensure_csv
    from PySide6.QtCore import Qt

    from bce_gui.core import memory

    path = ensure_csv(n)
    app, w = _window.make_window(load_example=True)
    _window.spin(app, 0.5)
    memory.trim()
    empty = memory.rss_bytes()
    seconds, ok = _window.open_file(app, w, path)
    assert ok and len(w.doc) == n
    _window.wait_until(app, lambda: _window.idle(w))
    open_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # start-up and the open
    _window.spin(app, 1.0)
    memory.trim()
    loaded = memory.rss_bytes()
    w.model.sort(w.model.column_of("loss"), Qt.SortOrder.DescendingOrder)
    _window.wait_until(app, lambda: not w.model.sorting)
    w.tables.select_data_rows([0])  # selecting builds the view-row lookup (part of the views)
    _window.spin(app, 0.5)
    memory.trim()
    sorted_ = memory.rss_bytes()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"n": n, "empty": empty, "loaded": loaded, "sorted": sorted_, "peak": peak,
                      "open_peak": open_peak,
                      "open_s": seconds}), flush=True)
    w.doc.mark_saved()
    import os

    os._exit(0)


def main(argv=None) -> list[dict]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", nargs="*", type=float, default=[1e6, 1e7])
    ap.add_argument("--child", type=float, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child(int(args.child))
        return []
    results = []
    for n in (int(s) for s in args.sizes):
        out = subprocess.run([sys.executable, str(HERE / "bench_memory.py"), "--child", str(n)],
                             capture_output=True, text=True, timeout=1800)
        line = [ln for ln in out.stdout.splitlines() if ln.startswith("{")]
        if out.returncode or not line:
            print(out.stdout, out.stderr)
            raise SystemExit(f"child for {n} rows failed")
        results.append(json.loads(line[-1]))
    mb = 1024 * 1024
    print(f"{'rows':>12}{'empty app':>11}{'file open':>11}{'per row':>10}{'sorted':>10}{'per row':>10}"
          f"{'peak':>10}{'peak / table':>14}   goal")
    for r in results:
        per = (r["loaded"] - r["empty"]) / r["n"]
        per_sorted = (r["sorted"] - r["empty"]) / r["n"]
        ok = "met" if max(per, per_sorted) < GOAL_B_PER_ROW else "MISSED"
        ratio = (r["open_peak"] - r["empty"]) / max(r["loaded"] - r["empty"], 1)
        ok_peak = "met" if ratio <= GOAL_PEAK_RATIO else "MISSED"
        print(f"{r['n']:>12,}{r['empty'] / mb:>9.0f}MB{r['loaded'] / mb:>9.0f}MB{per:>8.1f} B"
              f"{r['sorted'] / mb:>8.0f}MB{per_sorted:>8.1f} B{r['peak'] / mb:>8.0f}MB{ratio:>13.2f}x   "
              f"< {GOAL_B_PER_ROW:g} B/row: {ok}; peak ≤ {GOAL_PEAK_RATIO:g}x: {ok_peak}")
    if len(results) >= 2:
        a, b = results[0], results[-1]
        slope = (b["loaded"] - a["loaded"]) / (b["n"] - a["n"])
        slope_sorted = (b["sorted"] - a["sorted"]) / (b["n"] - a["n"])
        fixed = (a["loaded"] - a["empty"]) - slope * a["n"]
        print(f"marginal cost per row between {a['n']:,} and {b['n']:,} rows: {slope:.1f} B "
              f"({slope_sorted:.1f} B sorted); one-off cost of the first file opened (CSV reader "
              f"library and its buffers): {fixed / mb:.0f} MB")
    return results


if __name__ == "__main__":
    main()
