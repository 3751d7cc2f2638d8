"""Start-up: process start to the window shown (``python main.py``, offscreen), median of runs.

The app prints "ready: <title>" when its window is first shown if BCE_LAB_REPORT_READY=1.
Baseline in the same run: a bare PySide6 script that shows an empty QWidget.

Usage: .venv/bin/python benchmarks/bench_startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GOAL_S = 1.5
BARE = ("from PySide6.QtWidgets import QApplication, QWidget\n"
        "app = QApplication([]); w = QWidget(); w.show(); app.processEvents(); print('ready: bare', flush=True)")


def time_to_ready(cmd: list[str], env: dict) -> float:
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        for line in proc.stdout:
            if line.startswith("ready:"):
                return time.perf_counter() - t0
        raise RuntimeError(f"{cmd} ended without 'ready:'")
    finally:
        proc.terminate()
        proc.wait(30)


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args(argv)
    home = tempfile.mkdtemp(prefix="bce_start_")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", BCE_LAB_REPORT_READY="1", HOME=home,
               XDG_CONFIG_HOME=os.path.join(home, "config"), XDG_DATA_HOME=os.path.join(home, "data"))
    app_cmd = [sys.executable, "main.py"]
    bare_cmd = [sys.executable, "-c", BARE]
    time_to_ready(app_cmd, env)  # warm the file cache once
    ours, bare = [], []
    for _ in range(args.runs):  # interleaved, so a slow spell hits both
        ours.append(time_to_ready(app_cmd, env))
        bare.append(time_to_ready(bare_cmd, env))
    m, b = statistics.median(ours), statistics.median(bare)
    ok = "met" if m < GOAL_S else "MISSED"
    print(f"start-up to window shown (median of {args.runs}): BCE Lab {m:.2f} s "
          f"(min {min(ours):.2f}, max {max(ours):.2f}); bare PySide6 window {b:.2f} s; "
          f"goal < {GOAL_S:g} s: {ok}")
    return {"median_s": m, "bare_s": b}


if __name__ == "__main__":
    main()
