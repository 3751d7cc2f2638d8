"""The statistics (issue 11) in the real window at 1e6 and 1e7 rows: computed in the background,
with progress, while the window keeps answering.

For each size a CSV is opened through File → Open's path (background load); once the loss is
shown, the statistics job runs on its own. Figures: seconds from the loss shown to every
statistic shown (calibration, histogram, statistics, conventions), the progress updates
received, and the event loop's longest freeze meanwhile (a 5 ms heartbeat, as
bench_open_large.py measures it). Then one cell is edited: the loss follows at once (edit
latency is bench_edit_latency.py's), the statistics follow in the background; the figure is the
time until they are shown again and the longest freeze. Also the process's peak resident memory.
Nothing asserts a timing.

Usage: .venv/bin/python benchmarks/bench_insight_window.py [--sizes 1e6 1e7]
"""

from __future__ import annotations

import argparse
import resource
import time

import _window
from _common import ensure_csv

GOAL_FREEZE_S = 0.2  # "never freezes": no pause a person notices while the statistics run


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv=None) -> list[dict]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", nargs="*", type=float, default=[1e6, 1e7])
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes]
    paths = {n: ensure_csv(n) for n in sizes}
    app, w = _window.make_window(load_example=False)
    ins = w.insight
    results = []
    for n in sizes:
        progress: list[float] = []
        ins.progress.connect(lambda f, _t: progress.append(f))
        _window.wait_until(app, lambda: ins.current and not ins.busy)
        seconds, ok = _window.open_file(app, w, paths[n])
        assert ok and len(w.doc) == n
        meter = _window.StallMeter().start()
        t0 = time.perf_counter()
        _window.wait_until(app, lambda: ins.current and not ins.busy)
        stats_s = time.perf_counter() - t0
        stall = meter.stop()
        assert ins.result.insight.n == w.doc.live.totals.n
        steps = len(progress)
        # One edit: the statistics follow in the background.
        m = w.model
        meter = _window.StallMeter().start()
        t0 = time.perf_counter()
        m.setData(m.index(3, m.column_of("predicted")), "0.5")
        edit_loss_s = time.perf_counter() - t0
        _window.wait_until(app, lambda: ins.current and not ins.busy)
        edit_s = time.perf_counter() - t0
        edit_stall = meter.stop()
        results.append({"n": n, "open_s": seconds, "stats_s": stats_s, "stall_s": stall,
                        "steps": steps, "edit_loss_s": edit_loss_s, "edit_s": edit_s,
                        "edit_stall_s": edit_stall, "peak_mb": peak_mb(),
                        "auc": ins.result.insight.auc.value})
        ins.progress.disconnect()
    w.close()
    print(f"{'rows':>12}{'load → loss':>13}{'→ statistics':>14}{'longest freeze':>16}"
          f"{'progress':>10}{'edit → stats':>14}{'freeze':>9}{'peak RSS':>10}")
    for r in results:
        print(f"{r['n']:>12,}{r['open_s']:>11.2f} s{r['stats_s']:>12.2f} s{r['stall_s']:>14.3f} s"
              f"{r['steps']:>10}{r['edit_s']:>12.2f} s{r['edit_stall_s']:>7.3f} s"
              f"{r['peak_mb']:>7.0f} MB   goal: longest freeze < {GOAL_FREEZE_S:g} s: "
              f"{'met' if max(r['stall_s'], r['edit_stall_s']) < GOAL_FREEZE_S else 'MISSED'}")
    return results


if __name__ == "__main__":
    main()
