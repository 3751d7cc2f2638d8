"""Open a 1e6- and a 1e7-row CSV in the real window and show its loss; cancel a 1e7-row load.

"Open" is File → Open's path (background read, progress bar, then the table, results, summary and
plot): the figure is from the call until the new loss is on screen. Cancel: a 1e7-row load is
cancelled one second in; the figure is how long until the app is back with the old data, and the
longest the event loop froze during the load (5 ms heartbeat). Baseline in the same run: polars'
bare ``read_csv`` of the same file (the parse alone, no validation, no window).

Usage: .venv/bin/python benchmarks/bench_open_large.py [--sizes 1e6 1e7]
"""

from __future__ import annotations

import argparse
import time

import _window
from _common import ensure_csv

GOALS_S = {1_000_000: 2.0, 10_000_000: 20.0}


def main(argv=None) -> list[dict]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", nargs="*", type=float, default=[1e6, 1e7])
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes]
    paths = {n: ensure_csv(n) for n in sizes}
    import polars as pl

    app, w = _window.make_window()
    results = []
    for n in sizes:
        updates: list[int] = []
        w.files.progress.valueChanged.connect(updates.append)
        meter = _window.StallMeter().start()
        seconds, ok = _window.open_file(app, w, paths[n])
        stall = meter.stop()
        w.files.progress.valueChanged.disconnect(updates.append)
        assert ok and len(w.doc) == n, (ok, len(w.doc))
        t0 = time.perf_counter()
        pl.read_csv(paths[n])
        bare = time.perf_counter() - t0
        results.append({"n": n, "open_s": seconds, "bare_s": bare, "stall_s": stall,
                        "progress_updates": len(updates), "loss": w.summary.loss_text()})

    big = max(sizes)
    done: list[bool] = []
    w.files.loadFinished.connect(done.append)
    before = len(w.doc)
    meter = _window.StallMeter().start()
    w.files.open_path(str(paths[big]), ask=False, confirm_import=False)
    _window.spin(app, 1.0)
    t0 = time.perf_counter()
    w.files.cancel_load()
    _window.wait_until(app, lambda: bool(done))
    cancel_s = time.perf_counter() - t0
    cancel_stall = meter.stop()
    assert done == [False] and len(w.doc) == before
    w.close()

    print(f"{'rows':>12}{'open → loss shown':>19}{'polars read_csv':>17}{'longest freeze':>16}"
          f"{'progress steps':>16}   goal")
    for r in results:
        goal = GOALS_S.get(r["n"])
        verdict = "" if goal is None else f"< {goal:g} s: {'met' if r['open_s'] < goal else 'MISSED'}"
        print(f"{r['n']:>12,}{r['open_s']:>17.2f} s{r['bare_s']:>15.2f} s{r['stall_s']:>14.3f} s"
              f"{r['progress_updates']:>16}   {verdict}")
    print(f"cancel a {big:,}-row load 1 s in: back to the previous table in {cancel_s:.2f} s "
          f"(longest freeze {cancel_stall:.3f} s; the {before:,} rows shown before are untouched)")
    return results


if __name__ == "__main__":
    main()
