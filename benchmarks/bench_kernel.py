"""The per-block loss kernel and the exact sum, at 1e7 rows, against plain numpy.

    .venv/bin/python benchmarks/bench_kernel.py [--quick] [--repeat N]

Goals: the loss kernel (``core/loss.py`` ``_exact_hard_losses``, one thread, the exact
convention) within 1.5x of a plain ``np.log`` over one float64 column (allocating its result,
as the kernel does); the exact sum (``core/exact.py``, Rump-style extraction) reported beside
the binned sum it replaced and ``np.sum``. Inputs: p as decimals with 6 digits (as files write
them: 1 − p is then rarely a float, so the correction is exercised), y ~ Bernoulli(0.3).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import Figure, best_of, fmt_s, label, make_data, print_header  # noqa: E402

import numpy as np  # noqa: E402

from bce_gui.core.exact import ExactSum  # noqa: E402
from bce_gui.core.loss import LossOptions, _exact_hard_losses, _hard_losses_log1p, row_losses  # noqa: E402

GOAL_KERNEL = 1.5


def bench(n: int, repeat: int) -> list[Figure]:
    np.seterr(divide="ignore")
    y, p = make_data(n)
    p = np.round(p, 6)
    opts = LossOptions()
    losses = _exact_hard_losses(y, p, False)
    assert np.array_equal(losses, row_losses(y, p, opts))

    def extract() -> ExactSum:
        s = ExactSum()
        s.add_array(losses)
        return s

    def binned() -> ExactSum:
        s = ExactSum()
        s._add_binned(losses, 1)
        return s

    assert extract() == binned()
    best = best_of({
        "log": lambda: np.log(p),  # (p = 0 rows: -inf, as the kernel gives inf)
        "kernel": lambda: _exact_hard_losses(y, p, False),
        "log1p kernel (before)": lambda: _hard_losses_log1p(y, p),
        "row_losses (threads)": lambda: row_losses(y, p, opts),
        "exact sum": extract,
        "binned sum (before)": binned,
        "np.sum": lambda: np.sum(losses),
    }, repeat)
    tag = label(n)
    ratio = best["kernel"] / best["log"]
    print(f"n = {tag} rows (best of {repeat})")
    for name, t in best.items():
        print(f"  {name:24s} {fmt_s(t):>10}  {t / n * 1e9:5.1f} ns/row")
    print(f"  kernel / np.log {ratio:.2f}x (goal <= {GOAL_KERNEL}x); before: "
          f"{best['log1p kernel (before)'] / best['log']:.2f}x; with the engine's threads "
          f"{best['row_losses (threads)'] / best['log']:.2f}x")
    print(f"  exact sum {best['exact sum'] / n * 1e9:.1f} ns/value (binned: "
          f"{best['binned sum (before)'] / n * 1e9:.1f}; np.sum {best['np.sum'] / n * 1e9:.2f})")
    return [
        Figure(f"loss kernel {tag} / np.log (one thread)", f"{ratio:.2f}x ({fmt_s(best['kernel'])} vs "
               f"{fmt_s(best['log'])}; log1p kernel {best['log1p kernel (before)'] / best['log']:.1f}x)",
               f"<= {GOAL_KERNEL}x", ratio <= GOAL_KERNEL),
        Figure(f"exact sum {tag}, ns/value", f"{best['exact sum'] / n * 1e9:.1f} (binned "
               f"{best['binned sum (before)'] / n * 1e9:.1f})", "-", None),
    ]


def main(argv: list[str] | None = None) -> list[Figure]:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="1e6 rows only")
    ap.add_argument("--repeat", type=int, default=None, help="runs per candidate (default 7)")
    args = ap.parse_args(argv)
    print_header("Loss kernel and exact sum")
    n = 1_000_000 if args.quick else 10_000_000
    return bench(n, args.repeat or (3 if args.quick else 7))


if __name__ == "__main__":
    main()
