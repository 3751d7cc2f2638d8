"""Shared helpers for the benchmarks: timing, seeded data, cached CSV files, result rows.

The machine these run on is small and noisy, so every figure is the best (minimum) of several
runs, candidates are interleaved run by run (a slow spell hits all of them alike), and nothing
asserts a timing: the scripts print figures and ratios measured in the same run.
"""

from __future__ import annotations

import gc
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402

SEED = 20240601
BASE_RATE = 0.3
CACHE_DIR = Path(os.environ.get("BCE_BENCH_DIR", Path(tempfile.gettempdir()) / "bce_bench"))


@dataclass
class Figure:
    """One row of the summary table printed by run_all.py."""

    name: str
    measured: str
    goal: str
    met: bool | None  # None: informational, no goal


def sizes(quick: bool) -> list[int]:
    return [100_000, 1_000_000] if quick else [1_000_000, 10_000_000]


def label(n: int) -> str:
    return f"1e{len(str(n)) - 1}" if str(n).rstrip("0") == "1" else f"{n:,}"


def make_data(n: int, seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    """y ~ Bernoulli(0.3) as float64 0/1, p ~ U(0, 1); the same arrays for the same n."""
    rng = np.random.default_rng(seed + n)
    y = (rng.random(n) < BASE_RATE).astype(np.float64)
    p = rng.random(n)
    return y, p


def best_of(funcs: dict[str, Callable[[], object]], repeat: int, *, warmup: bool = True) -> dict[str, float]:
    """Minimum wall time (s) of each function over ``repeat`` interleaved runs (gc paused)."""
    if warmup:
        for f in funcs.values():
            f()
    best = {k: float("inf") for k in funcs}
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(repeat):
            for name, f in funcs.items():
                t0 = time.perf_counter()
                f()
                dt = time.perf_counter() - t0
                if dt < best[name]:
                    best[name] = dt
    finally:
        if was_enabled:
            gc.enable()
    return best


def fmt_s(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} us"
    if seconds < 1.0:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds:.2f} s"


# --------------------------------------------------------------------------------------------
# Cached CSV files: id,actual,predicted with %.17g probabilities
# --------------------------------------------------------------------------------------------

_CHUNK = 500_000


def _format_chunk(args: tuple[int, np.ndarray, np.ndarray]) -> str:
    start, y, p = args
    return "".join(
        f"{i},{a},{b:.17g}\n" for i, a, b in zip(range(start, start + y.size), y.tolist(), p.tolist())
    )


def csv_path(n: int) -> Path:
    return CACHE_DIR / f"bce_{n}.csv"


def ensure_csv(n: int) -> Path:
    """The n-row benchmark CSV, written once (seeded, in 2 processes) and reused afterwards."""
    path = csv_path(n)
    if path.exists():
        return path
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    y, p = make_data(n)
    yi = y.astype(np.int8)
    chunks = [(s + 1, yi[s : s + _CHUNK], p[s : s + _CHUNK]) for s in range(0, n, _CHUNK)]
    t0 = time.perf_counter()
    print(f"  (writing {path} once: {n:,} rows ...)", flush=True)
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    with open(tmp, "w", encoding="ascii", newline="") as fh:
        fh.write("id,actual,predicted\n")
        if len(chunks) > 1:
            from multiprocessing import get_context

            with get_context("fork").Pool(min(2, os.cpu_count() or 1)) as pool:
                for text in pool.imap(_format_chunk, chunks):
                    fh.write(text)
        else:
            for c in chunks:
                fh.write(_format_chunk(c))
    os.replace(tmp, path)
    print(f"  (written in {time.perf_counter() - t0:.1f} s)", flush=True)
    return path


def print_header(title: str) -> None:
    print()
    print(title)
    print("-" * len(title))
