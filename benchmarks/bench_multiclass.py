"""K-class engine vs the plainest numpy expression and sklearn.metrics.log_loss.

    .venv/bin/python benchmarks/bench_multiclass.py [--quick] [--repeat N] [--classes K]

1e6 rows x 10 classes (1e5 with --quick): P ~ Dirichlet(1), y ~ Uniform{0..K-1}. Ours is
measured as the engine path, ``categorical_row_losses(y, P, exact)`` summed exactly by the one
accumulator a block of rows at a time (``accumulate_in_blocks``, as ``evaluate`` does for K
classes), and with validation of every cell and row sum
first (``validate_categorical``, what an evaluation of a file does). Goals (issue 10): engine/numpy <= 1.5x, where numpy is
``-log(P[arange(n), y]).mean()``; sklearn/engine >= 10x. Times are the best of N interleaved
runs; nothing here asserts a timing.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import SEED, Figure, best_of, fmt_s, label, print_header  # noqa: E402

import numpy as np  # noqa: E402

from bce_gui.core.accumulate import Accumulator, accumulate_in_blocks  # noqa: E402
from bce_gui.core.loss import LossOptions  # noqa: E402
from bce_gui.core.multiclass import categorical_row_losses, validate_categorical  # noqa: E402
from bce_gui.core.policies import make_policy  # noqa: E402

GOAL_VS_NUMPY = 1.5
GOAL_VS_SKLEARN = 10.0


def make_data(n: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(SEED + n + k)
    p = rng.dirichlet(np.ones(k), size=n)
    y = rng.integers(0, k, size=n)
    return y, p


def numpy_plain(y: np.ndarray, p: np.ndarray) -> float:
    return float(-np.log(p[np.arange(p.shape[0]), y]).mean())


def bench(n: int, k: int, repeat: int) -> list[Figure]:
    from sklearn.metrics import log_loss as sk_log_loss

    y, p = make_data(n, k)
    opts = LossOptions()
    no_codes = np.zeros(n, dtype=np.uint8)
    labels = list(range(k))

    def total(valid=None, sums=None) -> float:
        acc = Accumulator(n_classes=k, by_class=False)
        accumulate_in_blocks(acc, n, lambda a, b: [categorical_row_losses(
            y[a:b], p[a:b], opts, sums=None if sums is None else sums[a:b])], y, valid=valid)
        return acc.result(opts).mean

    def engine() -> float:
        return total()

    def with_validation() -> float:
        v = validate_categorical(p, no_codes, opts)
        return total(None if v.all_valid else v.valid, v.sums)

    ref = numpy_plain(y, p)
    got = engine()
    fsum = math.fsum(categorical_row_losses(y, p, opts).tolist()) / n
    best = best_of({"numpy": lambda: numpy_plain(y, p), "engine": engine,
                    "validated": with_validation}, repeat)

    t0 = time.perf_counter()
    sk_value = float(sk_log_loss(y, p, labels=labels))
    first = time.perf_counter() - t0
    t_sk = first if first > 2.0 else min(
        first, best_of({"sk": lambda: sk_log_loss(y, p, labels=labels)}, 2, warmup=False)["sk"])

    t_np, t_eng, t_val = best["numpy"], best["engine"], best["validated"]
    r_eng, r_val = t_eng / t_np, t_val / t_np
    s_eng, s_val = t_sk / t_eng, t_sk / t_val
    rel_np = abs(got - ref) / ref
    rel_fsum = abs(got - fsum) / fsum
    rel_sk = abs(got - sk_value) / sk_value
    tag = f"{label(n)} x {k}"
    print(f"n = {label(n)} rows x {k} classes (best of {repeat})")
    print(f"  numpy -log(P[arange(n), y]).mean()   {fmt_s(t_np):>10}")
    print(f"  ours: categorical_row_losses + sum   {fmt_s(t_eng):>10}   ours/numpy {r_eng:5.2f}x  "
          f"(goal <= {GOAL_VS_NUMPY}x)")
    print(f"  ours: validate_categorical + loss    {fmt_s(t_val):>10}   ours/numpy {r_val:5.2f}x  "
          "(every cell and row sum checked)")
    print(f"  sklearn log_loss(labels=0..{k - 1})       {fmt_s(t_sk):>10}   sklearn/ours "
          f"{s_eng:5.1f}x engine, {s_val:5.1f}x validated  (goal >= {GOAL_VS_SKLEARN:g}x)")
    ok = max(rel_np, rel_fsum, rel_sk) <= 1e-12
    print(f"  sanity: loss {got:.15f}  rel. diff vs numpy {rel_np:.1e}, vs fsum {rel_fsum:.1e}, "
          f"vs sklearn {rel_sk:.1e}  [{'ok' if ok else 'MISMATCH'}]")
    # The other conventions (informational: they clip, renormalise in float32 or log-softmax).
    others = {
        name: (lambda o=o, x=x: categorical_row_losses(y, x, o))
        for name, o, x in (
            ("sklearn", LossOptions(policy=make_policy("sklearn")), p),
            ("keras", LossOptions(policy=make_policy("keras")), p),
            ("exact, logits", LossOptions(logits=True), np.log(p)),
            ("torch, logits", LossOptions(policy=make_policy("torch"), logits=True), np.log(p)),
            ("exact, smoothing 0.1", LossOptions(label_smoothing=0.1), p),
        )
    }
    timed = best_of(others, max(2, repeat // 2))
    print("  other conventions (row losses): " + ", ".join(
        f"{name} {fmt_s(t)} ({t / t_np:.1f}x numpy)" for name, t in timed.items()))
    return [
        Figure(f"multiclass {tag}: ours/numpy", f"{r_eng:.2f}x ({fmt_s(t_eng)} vs {fmt_s(t_np)})",
               f"<= {GOAL_VS_NUMPY}x", r_eng <= GOAL_VS_NUMPY),
        Figure(f"multiclass {tag}: ours/numpy (validated)", f"{r_val:.2f}x ({fmt_s(t_val)})",
               "-", None),
        Figure(f"multiclass {tag}: sklearn/ours", f"{s_eng:.1f}x (sklearn {fmt_s(t_sk)})",
               f">= {GOAL_VS_SKLEARN:g}x", s_eng >= GOAL_VS_SKLEARN),
        Figure(f"multiclass {tag}: sklearn/ours (validated)", f"{s_val:.1f}x",
               f">= {GOAL_VS_SKLEARN:g}x", s_val >= GOAL_VS_SKLEARN),
        Figure(f"multiclass {tag}: |ours-numpy|/numpy", f"{rel_np:.1e}", "<= 1e-12",
               rel_np <= 1e-12),
    ]


def main(argv: list[str] | None = None) -> list[Figure]:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="1e5 rows (smoke run)")
    ap.add_argument("--repeat", type=int, default=None, help="runs per candidate (default 7)")
    ap.add_argument("--classes", type=int, default=10, help="K (default 10)")
    args = ap.parse_args(argv)
    repeat = args.repeat or (3 if args.quick else 7)
    print_header("Multi-class engine: BCE Lab vs numpy vs scikit-learn")
    return bench(100_000 if args.quick else 1_000_000, args.classes, repeat)


if __name__ == "__main__":
    main()
