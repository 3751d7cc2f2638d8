"""Brier score, accuracy, ROC AUC and ECE against scikit-learn (and an exact reference for the
ECE, which scikit-learn does not have), on a real model's out-of-fold predictions, hand cases
and the edge cases where a statistic is not defined."""

from __future__ import annotations

import json

import numpy as np
import pytest
from _metrics_data import breast_cancer_oof, breast_cancer_oof_logits, multiclass_oof, weights
from sklearn.metrics import accuracy_score, brier_score_loss, roc_auc_score

from bce_gui.core.metrics import (AucAccumulator, ScoreAccumulator, Stat, accuracy, bin_index,
                                  brier, ece, reliability, roc_auc, scores)

REL = 1e-12


# --------------------------------------------------------------------------------------------
# Brier and accuracy
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("weighted", [False, True])
def test_brier_matches_sklearn_on_breast_cancer(weighted):
    y, p = breast_cancer_oof()
    w = weights(y.size) if weighted else None
    assert brier(y, p, w).value == pytest.approx(brier_score_loss(y, p, sample_weight=w), rel=REL)


@pytest.mark.parametrize("name", ["wine", "iris"])
@pytest.mark.parametrize("weighted", [False, True])
def test_multiclass_brier_is_sklearns_sum_over_classes(name, weighted):
    y, P = multiclass_oof(name)
    w = weights(y.size, 1) if weighted else None
    ref = brier_score_loss(y, P, sample_weight=w, labels=[0, 1, 2])
    assert brier(y, P, w).value == pytest.approx(ref, rel=REL)
    # The sum over classes: twice the binary convention's value for K = 2.
    yb, pb = breast_cancer_oof()
    two = np.column_stack((1 - pb, pb))
    assert brier(yb.astype(int), two).value == pytest.approx(2 * brier(yb, pb).value, rel=REL)


def test_brier_by_hand_and_with_soft_labels():
    assert brier([1, 0], [0.75, 0.5]).value == pytest.approx((0.0625 + 0.25) / 2)
    assert brier([0.3], [0.5]).value == pytest.approx(0.04)  # soft labels are allowed


@pytest.mark.parametrize("threshold", [0.5, 0.2, 0.9, 0.0, 1.0])
@pytest.mark.parametrize("weighted", [False, True])
def test_accuracy_matches_sklearn_at_threshold(threshold, weighted):
    y, p = breast_cancer_oof()
    w = weights(y.size) if weighted else None
    ref = accuracy_score(y, (p >= threshold).astype(float), sample_weight=w)
    assert accuracy(y, p, w, threshold).value == pytest.approx(ref, rel=REL)


def test_accuracy_threshold_is_inclusive():
    # Class 1 when p >= threshold: p = 0.5 at threshold 0.5 is predicted class 1.
    assert accuracy([1, 0], [0.5, 0.5]).value == 0.5
    assert accuracy([1, 0], [0.5, 0.4999999]).value == 1.0


@pytest.mark.parametrize("name", ["wine", "iris"])
def test_multiclass_accuracy_is_argmax(name):
    y, P = multiclass_oof(name)
    w = weights(y.size, 2)
    ref = accuracy_score(y, P.argmax(axis=1), sample_weight=w)
    assert accuracy(y, P, w).value == pytest.approx(ref, rel=REL)


def test_accuracy_not_defined_for_soft_labels_or_bad_threshold():
    got = accuracy([0.3, 1.0], [0.2, 0.9])
    assert not got.defined and "soft labels" in got.reason
    assert "between 0 and 1" in accuracy([1, 0], [0.2, 0.9], threshold=1.5).reason


# --------------------------------------------------------------------------------------------
# ROC AUC
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("decimals", [None, 2, 1])
def test_auc_matches_sklearn_with_ties_and_weights(weighted, decimals):
    y, p = breast_cancer_oof()
    if decimals is not None:
        p = np.round(p, decimals)  # many ties
    w = weights(y.size) if weighted else None
    ref = roc_auc_score(y, p, sample_weight=w)
    assert roc_auc(y, p, w).value == pytest.approx(ref, rel=REL)


def test_auc_of_logits_ranks_rows_that_sigmoid_ties():
    y, z = breast_cancer_oof_logits(1e4)  # an overfitted model: very confident logits
    p = np.exp(-np.logaddexp(0.0, -z))  # hundreds of rows round to p = 1.0 and tie
    assert np.count_nonzero(p == 1.0) > 100
    assert roc_auc(y, z).value == pytest.approx(roc_auc_score(y, z), rel=REL)
    assert roc_auc(y, p).value == pytest.approx(roc_auc_score(y, p), rel=REL)


def test_auc_by_hand():
    # Pairs (class 1, class 0): (0.8, 0.3) win, (0.8, 0.8) tie, (0.4, 0.3) win, (0.4, 0.8) loss.
    assert roc_auc([1, 1, 0, 0], [0.8, 0.4, 0.3, 0.8]).value == pytest.approx(2.5 / 4)
    # Weights count pairs by the product of the weights.
    assert roc_auc([1, 0, 0], [0.5, 0.2, 0.9], [1.0, 3.0, 1.0]).value == pytest.approx(3 / 4)


@pytest.mark.parametrize("name", ["wine", "iris"])
@pytest.mark.parametrize("weighted", [False, True])
def test_multiclass_auc_is_one_vs_rest_macro(name, weighted):
    y, P = multiclass_oof(name)
    w = weights(y.size, 3) if weighted else None
    ref = roc_auc_score(y, P, multi_class="ovr", average="macro", sample_weight=w)
    assert roc_auc(y, P, w).value == pytest.approx(ref, rel=REL)


def test_auc_not_defined_with_one_class_or_soft_labels():
    one = roc_auc([1, 1, 1], [0.2, 0.5, 0.9])
    assert not one.defined and "only class 1 is present" in one.reason
    assert "only class 0" in roc_auc([0, 0], [0.2, 0.5]).reason
    soft = roc_auc([0.2, 1.0, 0.0], [0.2, 0.5, 0.9])
    assert not soft.defined and "soft labels" in soft.reason
    missing = roc_auc([0, 1, 0, 1], np.full((4, 3), 1 / 3))
    assert not missing.defined and "class 2 has no rows" in missing.reason


def test_nothing_defined_without_rows_or_weight():
    for stat in (brier([], []), accuracy([], []), roc_auc([], []), ece([], [])):
        assert not stat.defined and stat.reason == "there are no valid rows"
    for stat in (brier([1, 0], [0.5, 0.5], [0, 0]), roc_auc([1, 0], [0.4, 0.5], [0, 0]),
                 ece([1, 0], [0.5, 0.5], [0, 0])):
        assert not stat.defined and "sum to 0" in stat.reason


# --------------------------------------------------------------------------------------------
# ECE and the reliability bins
# --------------------------------------------------------------------------------------------


def reference_ece(y, p, w=None):
    """The issue's definition, row by row: bin b holds b/10 <= p < (b+1)/10, the last also 1.0."""
    w = np.ones(len(y)) if w is None else w
    total = 0.0
    for b in range(10):
        lo, hi = b / 10, (b + 1) / 10
        members = [i for i in range(len(y)) if lo <= p[i] < hi or (b == 9 and p[i] == 1.0)]
        wb = sum(w[i] for i in members)
        if wb > 0:
            mean_y = sum(w[i] * y[i] for i in members) / wb
            mean_p = sum(w[i] * p[i] for i in members) / wb
            total += wb * abs(mean_y - mean_p)
    return total / sum(w)


@pytest.mark.parametrize("weighted", [False, True])
def test_ece_matches_the_definition_on_breast_cancer(weighted):
    y, p = breast_cancer_oof()
    w = weights(y.size) if weighted else None
    assert ece(y, p, w).value == pytest.approx(reference_ece(y, p, w), rel=1e-10)


def test_ece_by_hand():
    # Bin 0: p 0.05 (y 0) -> |0 - 0.05|; bin 9: p 0.95 and 1.0 (y 1, 1) -> |1 - 0.975|.
    y = [0, 1, 1]
    p = [0.05, 0.95, 1.0]
    assert ece(y, p).value == pytest.approx((0.05 + 2 * 0.025) / 3)


def test_bin_edges_are_the_rounded_tenths():
    p = np.array([0.0, 0.1, np.nextafter(0.3, 0.0), 0.3, 0.1 * 3, 0.7, 0.9999999, 1.0])
    assert bin_index(p).tolist() == [0, 1, 2, 3, 3, 7, 9, 9]


def test_reliability_bins_hold_counts_means_and_frequencies():
    y = np.array([0, 1, 1, 0, 1.0])
    p = np.array([0.12, 0.18, 0.85, 0.95, 1.0])
    r = reliability(y, p)
    assert r.count.tolist() == [0, 2, 0, 0, 0, 0, 0, 0, 1, 2]
    assert r.mean_predicted[1] == pytest.approx(0.15)
    assert r.observed[1] == pytest.approx(0.5)
    assert r.observed[9] == pytest.approx(0.5) and r.mean_predicted[9] == pytest.approx(0.975)
    assert np.isnan(r.observed[0])  # empty bins are not drawn
    assert r.ece.value == pytest.approx(reference_ece(y, p))


def test_top_label_ece_for_k_classes():
    y, P = multiclass_oof("wine")
    conf = P.max(axis=1)
    correct = (P.argmax(axis=1) == y).astype(float)
    got = ece(y, P)
    assert got.value == pytest.approx(reference_ece(correct, conf), rel=1e-10)
    assert reliability(y, P).top_label


# --------------------------------------------------------------------------------------------
# Streaming forms: blocks merged give one pass's numbers
# --------------------------------------------------------------------------------------------


def blocks(n, k=7):
    edges = np.linspace(0, n, k + 1).astype(int)
    return list(zip(edges[:-1], edges[1:]))


@pytest.mark.parametrize("weighted", [False, True])
def test_score_accumulator_merges_to_one_pass(weighted):
    y, p = breast_cancer_oof()
    w = weights(y.size) if weighted else None
    one = scores(y, p, w, threshold=0.3)
    parts = [ScoreAccumulator(0.3).update(y[a:b], p[a:b], None if w is None else w[a:b])
             for a, b in blocks(y.size)]
    merged = parts[0]
    for part in parts[1:]:
        merged.merge(part)
    got = merged.result()
    assert got.brier.value == pytest.approx(one.brier.value, rel=REL)
    assert got.accuracy.value == pytest.approx(one.accuracy.value, rel=REL)
    assert got.ece.value == pytest.approx(one.ece.value, rel=1e-10)
    assert got.calibration.count.tolist() == one.calibration.count.tolist()
    assert got.threshold == 0.3


def test_score_accumulator_marks_soft_labels_from_any_block():
    acc = ScoreAccumulator().update([1, 0], [0.9, 0.2])
    acc.merge(ScoreAccumulator().update([0.4], [0.3]))
    res = acc.result()
    assert res.brier.defined and not res.accuracy.defined


@pytest.mark.parametrize("weighted", [False, True])
def test_auc_accumulator_exact_while_rows_fit(weighted):
    y, p = breast_cancer_oof()
    w = weights(y.size) if weighted else None
    parts = [AucAccumulator().update(y[a:b], p[a:b], None if w is None else w[a:b])
             for a, b in blocks(y.size)]
    for part in parts[1:]:
        parts[0].merge(part)
    res = parts[0].result()
    assert res.exact and res.auc.value == pytest.approx(roc_auc_score(y, p, sample_weight=w),
                                                        rel=REL)


@pytest.mark.parametrize("weighted", [False, True])
def test_auc_accumulator_histogram_within_its_bound(weighted):
    rng = np.random.default_rng(5)
    n = 200_000
    p = rng.beta(0.7, 2.0, n)
    y = (rng.random(n) < p).astype(float)
    w = rng.gamma(2.0, 0.5, n) if weighted else None
    acc = AucAccumulator(exact_limit=50_000)
    for a, b in blocks(n, 9):
        acc.update(y[a:b], p[a:b], None if w is None else w[a:b])
    res = acc.result()
    ref = roc_auc_score(y, p, sample_weight=w)
    assert not res.exact and "histogram" in res.method
    assert abs(res.auc.value - ref) <= res.max_error
    assert res.max_error < 1e-4


def test_auc_accumulator_histogram_for_k_classes_and_one_class():
    y, P = multiclass_oof("iris")
    acc = AucAccumulator(exact_limit=10).update(y, P)
    res = acc.result()
    assert not res.exact
    assert abs(res.auc.value - roc_auc_score(y, P, multi_class="ovr")) <= res.max_error + 1e-12
    only = AucAccumulator(exact_limit=0).update([1.0, 1.0], [0.2, 0.4]).result()
    assert "only class 1" in only.auc.reason


def test_stat_never_holds_nan_and_writes_json():
    assert not Stat.of(float("nan")).defined
    assert Stat.of(float("inf")).json() == "inf"
    assert Stat.undefined("why").json() is None
    json.dumps([Stat.of(0.5).json(), Stat.of(float("inf")).json()])


@pytest.mark.parametrize("decimals", [None, 3, 1])
def test_counted_auc_is_bit_for_bit_the_sum_over_tie_groups(decimals):
    """Unweighted 0/1 labels count the AUC's pairs in integers; the float sums of counts and
    halves it replaces are exact, so the two give the same bits (ties included)."""
    from bce_gui.core.metrics.auc import _counted_auc, auc_sorted
    from bce_gui.core.metrics.columns import columns, rank

    rng = np.random.default_rng(9)
    for n in (2, 10, 1000, 300_000):
        y = (rng.random(n) < 0.3).astype(float)
        p = rng.random(n) if decimals is None else np.round(rng.random(n), decimals)
        r = rank(columns(y, p))
        assert r.ones is not None
        got = _counted_auc(r.x, r.ones)
        ref = auc_sorted(r.x, r.y, 1.0 - r.y)
        assert got.value == ref.value
    one_class = rank(columns(np.ones(5), rng.random(5)))
    assert _counted_auc(one_class.x, one_class.ones).reason == auc_sorted(
        one_class.x, one_class.y, 1.0 - one_class.y).reason


def test_rank_sorts_large_columns_as_numpy_does():
    """From POLARS_SORT_ROWS rows the keys are sorted by polars: the same array as numpy's."""
    from bce_gui.core.metrics.columns import POLARS_SORT_ROWS, columns, rank

    rng = np.random.default_rng(10)
    n = POLARS_SORT_ROWS + 1001
    y = (rng.random(n) < 0.5).astype(float)
    p = np.round(rng.random(n), 4)
    p[:5] = [0.0, 1.0, 0.0, 5e-324, 1.0]
    r = rank(columns(y, p))
    order = np.lexsort((y, p))
    assert np.array_equal(r.x, p[order]) and np.array_equal(r.y, y[order])
    assert r.x.flags.writeable and np.array_equal(r.ones, y[order] == 1.0)


def test_sortable_keys_only_for_probabilities_from_plus_zero_to_one():
    """The keys carry p's bits (and the label in one more bit) only where those order as p:
    -0.0, a negative p, NaN or p > 1 leave the rows to the general sort."""
    from bce_gui.core.metrics.columns import columns, sortable_keys

    y = np.array([0.0, 1.0, 1.0])
    ok = sortable_keys(columns(y, np.array([0.0, 0.25, 1.0])), hard=True)
    assert ok.tolist() == [0, (np.float64(0.25).view(np.uint64) << np.uint64(1)) + 1,
                           (np.float64(1.0).view(np.uint64) << np.uint64(1)) + 1]
    for bad in (-0.0, -0.5, np.nan, 1.0000000000000002):
        assert sortable_keys(columns(y, np.array([0.5, bad, 0.5])), hard=True) is None
