"""Concentration, the guide scale, the histogram of row losses, the all-in-one insight(), the
streamed MetricsAccumulator and the ``compute --json`` keys."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import numpy as np
import pytest
from _metrics_data import breast_cancer_oof, multiclass_oof, weights
from hypothesis import example, given
from hypothesis import strategies as st
from sklearn.metrics import brier_score_loss, log_loss as sk_log_loss, roc_auc_score

from bce_gui.core.loss import LossOptions, row_losses, totals
from bce_gui.core.metrics import (MetricsAccumulator, ShareHistogram, concentration, guide,
                                  insight, loss_histogram, to_json)
from bce_gui.core.policies import make_policy

# --------------------------------------------------------------------------------------------
# Concentration
# --------------------------------------------------------------------------------------------


def test_worst_shares_by_hand():
    # 100 rows: one costs 50, the other 99 cost 0.5 each: total 99.5.
    x = np.full(100, 0.5)
    x[37] = 50.0
    c = concentration(x)
    assert c.share[0.01].value == pytest.approx(50 / 99.5)
    assert c.share[0.10].value == pytest.approx((50 + 9 * 0.5) / 99.5)
    assert c.worst_rows[0] == 37
    assert c.worst_rows[1:4].tolist() == [0, 1, 2]  # ties: lower rows first
    assert c.share_label(0.01) == "1%"


def test_worst_rows_round_up_and_weights_count():
    x = np.array([1.0, 2.0, 3.0, 4.0, 10.0])
    # 1% of 5 rows is 0.05 rows: the single worst row.
    assert concentration(x).share[0.01].value == pytest.approx(10 / 20)
    # Weighted: rows rank by what they add, w · loss.
    w = np.array([10.0, 1.0, 1.0, 1.0, 0.0])
    c = concentration(x, w)
    assert c.worst_rows[0] == 0 and c.share[0.01].value == pytest.approx(10 / 19)


def test_concentration_on_breast_cancer_matches_a_sort():
    y, p = breast_cancer_oof()
    x = row_losses(y, p, LossOptions())
    s = np.sort(x)[::-1]
    c = concentration(x, worst=20)
    assert c.share[0.01].value == pytest.approx(s[:6].sum() / s.sum(), rel=1e-12)  # ⌈5.69⌉
    assert c.share[0.10].value == pytest.approx(s[:57].sum() / s.sum(), rel=1e-12)
    np.testing.assert_array_equal(x[c.worst_rows], s[:20])


def test_concentration_not_defined_with_infinite_rows_or_no_loss():
    c = concentration(np.array([0.1, np.inf, 0.2]))
    assert "1 row has an infinite loss and carries all of it" in c.share[0.01].reason
    assert c.worst_rows[0] == 1 and c.n_infinite == 1
    assert "total loss is 0" in concentration(np.zeros(4)).share[0.1].reason
    assert concentration(np.array([])).share[0.1].reason == "there are no valid rows"


def test_share_histogram_streams_the_shares():
    rng = np.random.default_rng(2)
    x = rng.exponential(0.4, 100_000) ** 2
    exact = concentration(x).share
    h = ShareHistogram()
    for a in range(0, x.size, 30_000):
        h.update(x[a:a + 30_000])
    got = h.result()
    for f in (0.01, 0.10):
        assert got[f].value == pytest.approx(exact[f].value, rel=0.01)


# --------------------------------------------------------------------------------------------
# The guide and the histogram
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("loss, label", [(0.01, "great"), (0.05, "good"), (0.19, "good"),
                                         (0.2, "fair"), (0.3, "fair"), (0.31, "not ideal"),
                                         (1.0, "not ideal"), (1.01, "very poor"),
                                         (math.inf, "very poor")])
def test_guide_bands(loss, label):
    assert guide(loss).label == label


def test_guide_sentence_names_the_base_rate_and_baseline():
    g = guide(0.09, baseline=0.0980, base_rate=0.02)
    assert g.edges == (0.0, 0.05, 0.20, 0.30, 1.00, math.inf)
    assert g.labels == ("great", "good", "fair", "not ideal", "very poor")
    assert g.sentence == ("The scale ignores the base rate: with 2.0% of rows in class 1, always "
                          "predicting 2.0% already scores 0.098 nats (good on this scale), so judge "
                          "the loss against that no-skill baseline.")
    assert "class's share" in guide(0.5, baseline=1.0).sentence
    # in bits the baseline is in bits (the band is the scale's, placed in nats): 1 bit, singular
    half = guide(0.214, baseline=math.log(2), base_rate=0.5, units="bits").sentence
    assert "always predicting 50% already scores 1 bit (not ideal on this scale)" in half
    assert "0.693" not in half


def test_loss_histogram_counts_every_finite_row():
    x = np.array([0.0, 0.1, 0.5, 1.0, np.inf, 2.0])
    h = loss_histogram(x, bins=4)
    assert h.edges.tolist() == [0.0, 0.5, 1.0, 1.5, 2.0]
    assert h.counts.tolist() == [2, 1, 1, 1] and h.n_infinite == 1  # 2.0 in the last bin
    big = loss_histogram(np.random.default_rng(0).exponential(size=1_000_000))
    assert big.counts.size == 200 and big.counts.sum() == 1_000_000  # fine bins at scale


# --------------------------------------------------------------------------------------------
# insight() and compute --json
# --------------------------------------------------------------------------------------------


def test_insight_on_breast_cancer_against_sklearn():
    y, p = breast_cancer_oof()
    w = weights(y.size)
    ins = insight(y, p, w)
    assert ins.loss == pytest.approx(sk_log_loss(y, p, sample_weight=w), rel=1e-12)
    assert ins.brier.value == pytest.approx(brier_score_loss(y, p, sample_weight=w), rel=1e-12)
    assert ins.auc.value == pytest.approx(roc_auc_score(y, p, sample_weight=w), rel=1e-12)
    d = ins.decomposition
    assert ins.loss == pytest.approx(d.miscalibration.value - d.discrimination.value
                                     + d.uncertainty.value, rel=1e-12)
    assert d.uncertainty.value == pytest.approx(ins.baseline, rel=1e-12)
    assert ins.ci95.low < ins.loss < ins.ci95.high
    assert ins.corp is not None and ins.parity is not None and ins.histogram is not None


def test_json_has_the_issue_keys_and_is_json():
    y, p = breast_cancer_oof()
    out = to_json(insight(y, p, threshold=0.4))
    assert set(out) == {"brier", "auc", "accuracy", "threshold", "ece", "ci95", "worst_share",
                        "decomposition", "by_policy", "not_defined"}
    assert out["threshold"] == 0.4
    assert set(out["worst_share"]) == {"1%", "10%"}
    assert set(out["decomposition"]) == {"miscalibration", "discrimination", "uncertainty"}
    assert set(out["by_policy"]) == {"exact", "sklearn", "torch", "keras"}
    assert len(out["ci95"]) == 2 and out["not_defined"] == {}
    json.loads(json.dumps(out, allow_nan=False))


def test_json_writes_infinity_and_reasons():
    y = np.array([1, 1, 0, 1.0])
    p = np.array([0.0, 0.8, 0.3, 0.6])
    out = to_json(insight(y, p))
    assert out["by_policy"]["exact"] == "inf"
    assert out["decomposition"]["miscalibration"] == "inf"
    assert out["ci95"] is None and "infinite" in out["not_defined"]["ci95"]
    assert out["worst_share"]["1%"] is None and "worst_share.1%" in out["not_defined"]
    json.dumps(out, allow_nan=False)
    one = to_json(insight(np.ones(3), np.array([0.2, 0.5, 0.9])))
    assert one["auc"] is None and "only class 1" in one["not_defined"]["auc"]


def test_insight_follows_the_chosen_convention():
    y = np.array([1, 1, 0, 1.0])
    p = np.array([0.0, 0.8, 0.3, 0.6])
    opts = LossOptions(policy=make_policy("sklearn"))
    ins = insight(y, p, options=opts)
    assert ins.loss == pytest.approx(sk_log_loss(y, p), rel=1e-12)
    d = ins.decomposition  # the number shown is the one decomposed
    assert ins.loss == pytest.approx(d.miscalibration.value - d.discrimination.value
                                     + d.uncertainty.value, rel=1e-12)
    smoothed = insight(y, p, options=LossOptions(label_smoothing=0.1))
    assert "exact log loss" in smoothed.notes["decomposition"]


def test_insight_with_logits():
    y, p = breast_cancer_oof()
    z = np.log(p) - np.log1p(-p)
    a = insight(y, p)
    b = insight(y, z, options=LossOptions(logits=True))
    assert b.loss == pytest.approx(a.loss, rel=1e-9)
    assert b.brier.value == pytest.approx(a.brier.value, rel=1e-9)
    assert b.auc.value == pytest.approx(a.auc.value, rel=1e-12)
    assert b.decomposition.miscalibration.value == pytest.approx(
        a.decomposition.miscalibration.value, rel=1e-6)


def test_insight_for_k_classes():
    y, P = multiclass_oof("wine")
    losses = -np.log(P[np.arange(y.size), y])  # the K-class engine's exact loss
    ins = insight(y, P, losses=losses)
    assert ins.loss == pytest.approx(sk_log_loss(y, P), rel=1e-12)
    assert ins.auc.value == pytest.approx(roc_auc_score(y, P, multi_class="ovr"), rel=1e-12)
    assert ins.threshold is None
    assert "binary" in ins.decomposition.miscalibration.reason
    out = to_json(ins)  # without the predictions as read, the conventions are not compared
    assert out["by_policy"]["exact"] is None and "not given" in out["not_defined"]["by_policy.exact"]
    compared = to_json(insight(y, P, losses=losses, raw=P))
    assert compared["by_policy"]["exact"] == ins.loss
    assert compared["by_policy"]["sklearn"] == pytest.approx(sk_log_loss(y, P), rel=1e-12)
    shares = np.bincount(y) / y.size
    assert ins.baseline == pytest.approx(-np.sum(shares * np.log(shares)))
    with pytest.raises(ValueError):
        insight(y, P)  # K classes need the engine's row losses


# --------------------------------------------------------------------------------------------
# Streaming
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("weighted", [False, True])
def test_streamed_blocks_give_the_in_memory_statistics(weighted):
    y, p = breast_cancer_oof()
    w = weights(y.size) if weighted else None
    opts = LossOptions()
    losses = row_losses(y, p, opts)
    whole = insight(y, p, w)
    parts = []
    for a, b in ((0, 100), (100, 101), (101, 400), (400, 569)):
        acc = MetricsAccumulator(options=opts, weighted=weighted)
        parts.append(acc.update(y[a:b], p[a:b], losses[a:b], None if w is None else w[a:b]))
    merged = parts[2].merge(parts[0]).merge(parts[3]).merge(parts[1])
    t = totals(losses, y, w)
    got = merged.result(t.mean, t.baseline, t.base_rate)
    a, b = to_json(got), to_json(whole)
    for key in ("brier", "auc", "accuracy", "ece"):
        assert a[key] == pytest.approx(b[key], rel=1e-12)
    assert a["ci95"] == pytest.approx(b["ci95"], rel=1e-12)
    for key in ("miscalibration", "discrimination", "uncertainty"):
        assert a["decomposition"][key] == pytest.approx(b["decomposition"][key], rel=1e-10)
    for key in ("exact", "sklearn", "torch", "keras"):
        assert a["by_policy"][key] == pytest.approx(b["by_policy"][key], rel=1e-12)
    for key in ("1%", "10%"):
        assert a["worst_share"][key] == pytest.approx(b["worst_share"][key], rel=0.02)
    assert "exact" in got.notes["auc"] and "histogram" in got.notes["ci95"]


def test_streamed_infinite_rows_under_one_convention():
    y = np.array([1, 0, 1.0])
    p = np.array([0.0, 0.3, 0.9])
    losses = row_losses(y, p, LossOptions())
    acc = MetricsAccumulator().update(y, p, losses)
    t = totals(losses, y)
    out = to_json(acc.result(t.mean, t.baseline, t.base_rate))
    assert out["by_policy"]["exact"] == "inf"
    assert out["by_policy"]["sklearn"] == pytest.approx(sk_log_loss(y, p), rel=1e-12)


def test_no_reference_library_is_loaded_at_run_time():
    code = ("import sys, numpy as np\n"
            "from bce_gui.core.metrics import insight\n"
            "y = np.array([0, 1, 1, 0.]); p = np.array([0.2, 0.7, 0.6, 0.4])\n"
            "insight(y, p)\n"
            "bad = [m for m in ('sklearn', 'scipy', 'model_diagnostics', 'PySide6', 'polars')\n"
            "       if m in sys.modules]\n"
            "print(','.join(bad))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


# --------------------------------------------------------------------------------------------
# Any valid rows: never an exception, never a NaN in the JSON
# --------------------------------------------------------------------------------------------


_p = st.one_of(st.sampled_from([0.0, 1.0, 1e-300, 1e-20, 1 - 1e-16, 0.5]),
               st.floats(0.0, 1.0, allow_nan=False))


@given(rows=st.lists(st.tuples(st.sampled_from([0.0, 1.0, 0.3]), _p,
                               st.sampled_from([0.0, 1.0, 2.5])), max_size=25),
       weighted=st.booleans(), threshold=st.floats(0.0, 1.0))
@example(rows=[(0.0, 5e-324, 0.0)], weighted=False, threshold=0.0)  # a loss of 5e-324: no bin width
def test_any_valid_rows_give_json_without_nan(rows, weighted, threshold):
    y = np.array([r[0] for r in rows], dtype=float)
    p = np.array([r[1] for r in rows], dtype=float)
    w = np.array([r[2] for r in rows], dtype=float) if weighted else None
    soft = bool(np.any(y == 0.3))
    ins = insight(y, p, w, options=LossOptions(soft_labels=soft), threshold=threshold,
                  n_resamples=50, band_resamples=5)
    out = to_json(ins)
    json.dumps(out, allow_nan=False)
    for key, value in out.items():
        if value is None:
            assert out["not_defined"][key]


def test_shares_binned_with_the_bootstrap_are_the_shares_binned_alone():
    """Unweighted rows are binned once for the interval and the shares: the shares' counts and
    sums are the ones their own binning gives, inf, NaN and negative losses included."""
    from bce_gui.core.metrics.bootstrap import bin_values

    rng = np.random.default_rng(12)
    blocks = [rng.exponential(size=5000), np.array([0.0, np.inf, np.nan, 1e-300, 3.0]),
              np.array([-0.0, 2.0]), np.array([-1.5, 0.5])]
    for block in blocks:
        alone, shared = ShareHistogram(), ShareHistogram()
        alone.update(block)
        if not shared.add_bins(bin_values(block)):
            shared.update(block)
        assert np.array_equal(shared.sums.full("count"), alone.sums.full("count"))
        assert np.array_equal(shared.sums.full("total"), alone.sums.full("total"))
        assert shared.n_infinite == alone.n_infinite
    assert not ShareHistogram().add_bins(bin_values(np.array([-1.5])))


def test_blocks_sorted_as_they_come_give_the_auc_and_decomposition_of_one_sort():
    """The AUC accumulator sorts each block as it arrives and merges the sorted runs: the
    same AUC and decomposition, to the bit, as the rows sorted at once; a block it cannot key
    (p = -0.0) sends every row through the one sort."""
    from bce_gui.core.metrics import AucAccumulator

    rng = np.random.default_rng(13)
    n = 200_000
    y = (rng.random(n) < 0.35).astype(float)
    p = np.round(rng.random(n), 5)
    cuts = [0, 70_000, 70_001, 150_000, n]
    for odd in (False, True):
        q = p.copy()
        if odd:
            q[70_000] = -0.0
        one = AucAccumulator().update(y, q)
        one._sorted = [None]  # the one sort of every row
        blocks = AucAccumulator()
        for a, b in zip(cuts[:-1], cuts[1:]):
            blocks.update(y[a:b], q[a:b])
        assert (blocks._sorted[1] is None) == odd
        assert blocks.result().auc.value == one.result().auc.value
        da, db = blocks.decomposition(0.6), one.decomposition(0.6)
        assert (da.miscalibration.value, da.discrimination.value) == (
            db.miscalibration.value, db.discrimination.value)


def test_calibration_counts_of_hard_labels_are_the_weighted_sums():
    """Unweighted 0/1 labels fill the reliability bins by one count per bin and class: the
    same counts, weights and class-1 sums as summing the labels."""
    from bce_gui.core.metrics.calibration import CalibrationBins
    from bce_gui.core.metrics.columns import columns

    rng = np.random.default_rng(14)
    y = (rng.random(10_000) < 0.3).astype(float)
    p = np.concatenate([rng.random(9_990), [0.0, 0.1, 0.2, 0.3, 0.7, 0.9, 1.0, 0.5, 0.6, 0.8]])
    fast, general = CalibrationBins(), CalibrationBins()
    fast.add_columns(columns(y, p), hard=True)
    general.add_columns(columns(y, p), hard=False)
    for name in ("count", "sum_w", "sum_wp", "sum_wy"):
        assert np.array_equal(getattr(fast, name), getattr(general, name))


@pytest.mark.parametrize("weight", [1e200, 1e308])
def test_weights_too_large_for_the_statistics_say_so_without_a_warning(weight):
    """Weights past 1e150 (their squares overflow) or summing past the largest float: every
    statistic is "not defined" with the reason, no numpy overflow warning (an error under this
    suite's settings) and no exception — the window's statistics job raised OverflowError."""
    from bce_gui.core.metrics.columns import HUGE_WEIGHTS

    y, p = np.array([1, 0, 1.0]), np.array([0.9, 0.2, 0.6])
    ins = insight(y, p, np.full(3, weight))
    for stat in (ins.brier, ins.auc, ins.accuracy, ins.decomposition.miscalibration,
                 ins.worst_share[0.01], ins.parity.loss["exact"], ins.ece):
        assert stat.value is None and HUGE_WEIGHTS in stat.reason
    assert HUGE_WEIGHTS in ins.ci95.reason
    ordinary = insight(y, p, np.full(3, 1e140))  # (still fine below 1e150)
    assert ordinary.brier.value == pytest.approx(insight(y, p).brier.value, rel=1e-12)


def test_k_classes_with_huge_weights_say_so_too():
    """K classes: the conventions' comparison and the ECE said nothing of the weights (the
    comparison gave losses, the ECE 'there are no valid rows'); the task stays K-class."""
    from bce_gui.core.metrics.columns import HUGE_WEIGHTS

    y, P = multiclass_oof("wine")
    w = np.ones(y.size)
    w[5] = 1e200
    ins = insight(y, P, w, losses=-np.log(P[np.arange(y.size), y]), raw=P)
    for stat in (ins.brier, ins.auc, ins.accuracy, ins.ece, ins.parity.loss["sklearn"]):
        assert stat.value is None and stat.reason == HUGE_WEIGHTS
    assert ins.categorical and ins.threshold is None


@pytest.mark.parametrize("exact_limit", [None, 2])  # (2: the AUC from its histogram)
@pytest.mark.parametrize("at", [0, 2, 4])
def test_streamed_blocks_with_huge_weights_give_the_in_memory_reasons(exact_limit, at):
    """A weight past 1e150 in one block: the merged blocks give the in-memory statistics'
    keys and reasons, whatever block holds it and in whatever order blocks merge (each block
    accumulator squared the weights: overflow warnings, errors under this suite's settings)."""
    y = np.array([1, 0, 1, 0, 1.0])
    p = np.array([0.9, 0.2, 0.6, 0.4, 0.7])
    w = np.array([1.0, 1.0, 2.0, 1.0, 1.0])
    w[at] = 1e200
    opts = LossOptions()
    losses = row_losses(y, p, opts)
    whole = to_json(insight(y, p, w, options=opts))

    def block(a, b):
        acc = MetricsAccumulator(options=opts, weighted=True, exact_limit=exact_limit)
        return acc.update(y[a:b], p[a:b], losses[a:b], w[a:b])

    t = totals(losses, y, w)
    for order in ((0, 1, 2), (2, 0, 1), (1, 2, 0)):
        parts = [block(0, 2), block(2, 4), block(4, 5)]
        merged = parts[order[0]].merge(parts[order[1]]).merge(parts[order[2]])
        got = merged.result(t.mean, t.baseline, t.base_rate, scale=t.scale)
        assert to_json(got) == whole
        assert got.calibration.count.sum() == 0
    assert len(whole["not_defined"]) == 14
