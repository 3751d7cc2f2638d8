"""Loss engine vs the plainest numpy expression and sklearn.metrics.log_loss.

    .venv/bin/python benchmarks/bench_engine.py [--quick] [--repeat N]

Ours is measured two ways: the engine path ``totals(row_losses(y, p, LossOptions()), y)`` (exact
policy) and ``evaluate(Dataset.from_arrays(y, p), LossOptions())`` (adds validation). Goals:
ours/numpy <= 1.2x, sklearn/ours >= 15x. Times are the best of N interleaved runs.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import Figure, best_of, fmt_s, label, make_data, print_header, sizes  # noqa: E402

import numpy as np  # noqa: E402

from bce_gui.core.dataset import Dataset  # noqa: E402
from bce_gui.core.evaluate import evaluate  # noqa: E402
from bce_gui.core.loss import LossOptions, row_losses, totals  # noqa: E402

GOAL_VS_NUMPY = 1.2
GOAL_VS_SKLEARN = 15.0


def numpy_plain(y: np.ndarray, p: np.ndarray) -> float:
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def bench_size(n: int, repeat: int) -> list[Figure]:
    from sklearn.metrics import log_loss as sk_log_loss

    y, p = make_data(n)
    opts = LossOptions()

    def ours_engine() -> float:
        return totals(row_losses(y, p, opts), y).mean

    def ours_evaluate() -> float:
        return evaluate(Dataset.from_arrays(y, p), opts).totals.mean

    # Sanity first: same number as numpy, and as an exactly rounded sum of the exact row losses.
    ref_np = numpy_plain(y, p)
    got_engine, got_eval = ours_engine(), ours_evaluate()
    losses = row_losses(y, p, opts)
    fsum_mean = math.fsum(losses.tolist()) / n
    rel_np = abs(got_engine - ref_np) / abs(ref_np)
    rel_fsum = abs(got_engine - fsum_mean) / abs(fsum_mean)
    rel_eval = abs(got_eval - got_engine) / abs(got_engine)

    neg = -p
    buf = np.empty_like(p)
    best = best_of(
        {
            "numpy": lambda: numpy_plain(y, p),
            "engine": ours_engine,
            "evaluate": ours_evaluate,
            # Components, to see where the time goes (exactness needs log1p for class 0).
            "log1p": lambda: np.log1p(neg, out=buf),
            "log": lambda: np.log(p, out=buf),
        },
        repeat,
    )

    # sklearn is much slower; fewer runs (one, if a single run takes more than 2 s).
    t0 = time.perf_counter()
    sk_value = float(sk_log_loss(y, p, labels=[0, 1]))
    first = time.perf_counter() - t0
    sk_runs = 1 if first > 2.0 else min(3, repeat)
    t_sk = min(first, best_of({"sk": lambda: sk_log_loss(y, p, labels=[0, 1])}, sk_runs - 1, warmup=False)["sk"]) if sk_runs > 1 else first
    rel_sk = abs(sk_value - got_engine) / abs(got_engine)

    t_np, t_eng, t_eval = best["numpy"], best["engine"], best["evaluate"]
    r_eng, r_eval = t_eng / t_np, t_eval / t_np
    s_eng, s_eval = t_sk / t_eng, t_sk / t_eval
    tag = label(n)
    print(f"n = {tag} rows (best of {repeat}; sklearn best of {sk_runs})")
    print(f"  numpy plain expression          {fmt_s(t_np):>10}")
    print(f"  ours: totals(row_losses(...))   {fmt_s(t_eng):>10}   ours/numpy {r_eng:5.2f}x  (goal <= {GOAL_VS_NUMPY}x)")
    print(f"  ours: evaluate(Dataset)         {fmt_s(t_eval):>10}   ours/numpy {r_eval:5.2f}x  (includes validation)")
    print(f"  sklearn log_loss(labels=[0,1])  {fmt_s(t_sk):>10}   sklearn/ours {s_eng:5.1f}x engine, {s_eval:5.1f}x evaluate  (goal >= {GOAL_VS_SKLEARN:g}x)")
    print(f"  components: log1p(-p) {fmt_s(best['log1p'])}, log(p) {fmt_s(best['log'])} (all rows, in place); "
          f"sklearn/numpy {t_sk / t_np:.1f}x (the most sklearn/ours can be at ours = numpy)")
    print(f"  sanity: loss {got_engine:.15f}  rel. diff vs numpy {rel_np:.1e}, vs fsum {rel_fsum:.1e}, "
          f"evaluate vs engine {rel_eval:.1e}, sklearn vs ours {rel_sk:.1e}  "
          f"[{'ok' if max(rel_np, rel_fsum, rel_eval) <= 1e-12 else 'MISMATCH'}]")
    return [
        Figure(f"engine {tag}: ours/numpy (totals∘row_losses)", f"{r_eng:.2f}x ({fmt_s(t_eng)} vs {fmt_s(t_np)})", f"<= {GOAL_VS_NUMPY}x", r_eng <= GOAL_VS_NUMPY),
        Figure(f"engine {tag}: ours/numpy (evaluate)", f"{r_eval:.2f}x ({fmt_s(t_eval)})", f"<= {GOAL_VS_NUMPY}x", r_eval <= GOAL_VS_NUMPY),
        Figure(f"engine {tag}: sklearn/ours (totals∘row_losses)", f"{s_eng:.1f}x (sklearn {fmt_s(t_sk)})", f">= {GOAL_VS_SKLEARN:g}x", s_eng >= GOAL_VS_SKLEARN),
        Figure(f"engine {tag}: sklearn/ours (evaluate)", f"{s_eval:.1f}x", f">= {GOAL_VS_SKLEARN:g}x", s_eval >= GOAL_VS_SKLEARN),
        Figure(f"engine {tag}: |ours-numpy|/numpy", f"{rel_np:.1e}", "<= 1e-12", rel_np <= 1e-12),
    ]


def main(argv: list[str] | None = None) -> list[Figure]:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="1e5 and 1e6 rows only (smoke run)")
    ap.add_argument("--repeat", type=int, default=None, help="runs per candidate (default 7; 3 with --quick)")
    args = ap.parse_args(argv)
    repeat = args.repeat or (3 if args.quick else 7)
    print_header("Loss engine: BCE Lab vs numpy vs scikit-learn")
    figures: list[Figure] = []
    for n in sizes(args.quick):
        figures += bench_size(n, repeat)
    return figures


if __name__ == "__main__":
    main()
