"""Every issue-11 statistic at 1e6 and 1e7 rows: BCE Lab's core/metrics against the plain
bootstrap and scikit-learn's functions, in the same run.

    .venv/bin/python benchmarks/bench_metrics.py [--quick] [--repeat N]

"All statistics" is one ``insight()`` call: Brier, accuracy, ECE and reliability bins, ROC AUC,
the 95% bootstrap interval (1,000 resamples), the worst 1%/10% shares and worst rows, the CORP
decomposition with the CORP curve and its 90% consistency band (100 redraws), the loss under
four conventions with their sentences, the guide and the row-loss histogram. Goal: under 1 s at
1e6 rows (bootstrap included). Baselines measured here: the plain bootstrap (resampling rows;
timed on a few resamples and scaled to 1,000) and scikit-learn's brier_score_loss,
roc_auc_score, accuracy_score, log_loss (per convention) and IsotonicRegression (the
recalibration model-diagnostics' decompose uses). Nothing asserts a timing.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import Figure, best_of, fmt_s, label, print_header, sizes  # noqa: E402

import numpy as np  # noqa: E402

from bce_gui.core.loss import LossOptions, row_losses, totals  # noqa: E402
from bce_gui.core.metrics import (MetricsAccumulator, PoissonBootstrap, bootstrap_ci,  # noqa: E402
                                  concentration, corp, insight, loss_histogram, parity, roc_auc,
                                  scores)
from bce_gui.core.metrics.columns import columns, rank  # noqa: E402

GOAL_1E6 = 1.0
SEED = 20240611
PLAIN_RESAMPLES = 1000


def make_model_data(n: int) -> tuple[np.ndarray, np.ndarray]:
    """A real-shaped model: skewed predictions, somewhat over-confident, labels drawn from the
    truth (so AUC, calibration and the decomposition have something to find)."""
    rng = np.random.default_rng(SEED + n)
    truth = rng.beta(0.6, 1.6, n)
    y = (rng.random(n) < truth).astype(np.float64)
    z = np.log(truth) - np.log1p(-truth)
    p = 1.0 / (1.0 + np.exp(-1.3 * z))  # over-confident: logits stretched by 1.3
    return y, p


def plain_bootstrap_time(losses: np.ndarray, resamples: int) -> float:
    """Seconds per resample of the textbook bootstrap (resample row indices, take the mean)."""
    rng = np.random.default_rng(0)
    n = losses.size
    t0 = time.perf_counter()
    for _ in range(resamples):
        losses[rng.integers(0, n, n)].mean()
    return (time.perf_counter() - t0) / resamples


def sklearn_all(y: np.ndarray, p: np.ndarray) -> dict[str, float]:
    """scikit-learn's functions for what it has (no bootstrap, no CORP curve, no sentences)."""
    from sklearn.isotonic import IsotonicRegression
    from sklearn.metrics import accuracy_score, brier_score_loss, log_loss, roc_auc_score

    out = {}
    t = {}
    for name, f in (
        ("brier", lambda: brier_score_loss(y, p)),
        ("auc", lambda: roc_auc_score(y, p)),
        ("accuracy", lambda: accuracy_score(y, p >= 0.5)),
        ("log_loss", lambda: log_loss(y, p)),
        ("isotonic", lambda: IsotonicRegression().fit(p, y).predict(p)),
    ):
        t0 = time.perf_counter()
        out[name] = f()
        t[name] = time.perf_counter() - t0
    return {"values": out, "times": t}


def parts(y, p, losses) -> dict[str, float]:
    """One run of each piece, to see where the time goes."""
    cols = columns(y, p)
    out = {}
    steps = {
        "sort (rank)": lambda: rank(cols),
        "Brier/accuracy/ECE": lambda: scores(y, p),
        "AUC (incl. sort)": lambda: roc_auc(y, p),
        "bootstrap 1000": lambda: bootstrap_ci(losses),
        "worst shares + rows": lambda: concentration(losses),
        "CORP + band (incl. sort)": lambda: corp(y, p, losses=losses),
        "parity (4 conventions)": lambda: parity(y, p),
        "histogram": lambda: loss_histogram(losses),
    }
    for name, f in steps.items():
        t0 = time.perf_counter()
        f()
        out[name] = time.perf_counter() - t0
    return out


def bench_size(n: int, repeat: int) -> list[Figure]:
    y, p = make_model_data(n)
    opts = LossOptions()
    losses = row_losses(y, p, opts)
    tag = label(n)

    runs = repeat if n <= 1_000_000 else max(1, repeat // 3)
    best = best_of({"insight": lambda: insight(y, p, losses=losses)}, runs)
    t_all = best["insight"]
    t_all_loss = best_of({"i": lambda: insight(y, p)}, 1, warmup=False)["i"]
    ins = insight(y, p, losses=losses)

    # Streamed: blocks of 1e6 rows through MetricsAccumulator, then result().
    def streamed():
        acc = MetricsAccumulator(options=opts)
        step = 1_000_000
        for a in range(0, n, step):
            acc.update(y[a:a + step], p[a:a + step], losses[a:a + step])
        t = totals(losses, y)
        return acc.result(t.mean, t.baseline, t.base_rate)

    t_stream = best_of({"s": streamed}, 1, warmup=False)["s"]

    plain_r = 20 if n <= 1_000_000 else 5
    t_plain = plain_bootstrap_time(losses, plain_r) * PLAIN_RESAMPLES
    t_boot = best_of({"b": lambda: bootstrap_ci(losses)}, runs)["b"]

    m = min(n, 100_000)
    t0 = time.perf_counter()
    PoissonBootstrap().update(losses[:m])
    t_poisson = (time.perf_counter() - t0) * n / m

    sk = sklearn_all(y, p)
    t_sk = sum(sk["times"].values())
    pieces = parts(y, p, losses)

    v = sk["values"]
    rel = {
        "brier": abs(ins.brier.value - v["brier"]) / v["brier"],
        "auc": abs(ins.auc.value - v["auc"]) / v["auc"],
        "accuracy": abs(ins.accuracy.value - v["accuracy"]) / v["accuracy"],
        "log_loss (sklearn convention)": abs(ins.parity.loss["sklearn"].value - v["log_loss"])
        / v["log_loss"],
    }

    print(f"n = {tag} rows (best of {runs})")
    goal = f"(goal < {GOAL_1E6:g} s)" if n == 1_000_000 else "(in the background)"
    print(f"  ours: insight(), all statistics     {fmt_s(t_all):>10}   {goal}")
    print(f"  ours: insight() computing the losses {fmt_s(t_all_loss):>9}")
    print(f"  ours: streamed, 1e6-row blocks      {fmt_s(t_stream):>10}   (MetricsAccumulator: no CORP curve/parity sentences)")
    print(f"  ours: bootstrap alone (1,000)       {fmt_s(t_boot):>10}")
    print(f"  plain bootstrap (1,000 resamples)   {fmt_s(t_plain):>10}   (timed on {plain_r}, scaled)  "
          f"plain/ours {t_plain / t_boot:,.0f}x")
    print(f"  Poisson bootstrap (per-row hashes)  {fmt_s(t_poisson):>10}   (timed on {m:,} rows, scaled)")
    print(f"  scikit-learn, what it has           {fmt_s(t_sk):>10}   "
          + ", ".join(f"{k} {fmt_s(s)}" for k, s in sk["times"].items()))
    print("  where ours goes: " + ", ".join(f"{k} {fmt_s(s)}" for k, s in pieces.items()))
    print("  sanity vs scikit-learn (rel. diff): "
          + ", ".join(f"{k} {r:.1e}" for k, r in rel.items())
          + f"  [{'ok' if max(rel.values()) <= 1e-10 else 'MISMATCH'}]")
    print(f"  loss {ins.loss:.6f}, ci95 [{ins.ci95.low:.6f}, {ins.ci95.high:.6f}], "
          f"MCB {ins.decomposition.miscalibration.value:.5f} DSC "
          f"{ins.decomposition.discrimination.value:.5f} UNC {ins.decomposition.uncertainty.value:.5f}")
    figures = [
        Figure(f"metrics {tag}: all statistics (insight)", fmt_s(t_all),
               f"< {GOAL_1E6:g} s" if n == 1_000_000 else "background",
               t_all < GOAL_1E6 if n == 1_000_000 else None),
        Figure(f"metrics {tag}: plain bootstrap / ours", f"{t_plain / t_boot:,.0f}x "
               f"({fmt_s(t_plain)} vs {fmt_s(t_boot)})", "-", None),
        Figure(f"metrics {tag}: scikit-learn subset / ours all", f"{t_sk / t_all:.1f}x "
               f"({fmt_s(t_sk)})", "-", None),
    ]
    return figures


def main(argv: list[str] | None = None) -> list[Figure]:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="1e5 and 1e6 rows only (smoke run)")
    ap.add_argument("--repeat", type=int, default=None, help="runs (default 5; 2 with --quick)")
    args = ap.parse_args(argv)
    repeat = args.repeat or (2 if args.quick else 5)
    print_header("Statistics (issue 11): BCE Lab core/metrics vs plain bootstrap vs scikit-learn")
    figures: list[Figure] = []
    for n in sizes(args.quick):
        figures += bench_size(n, repeat)
    return figures


if __name__ == "__main__":
    main()
