"""The bootstrap interval of the loss: the fast histogram method against the plain bootstrap
(resampling rows), its coverage on simulated data with a known expected loss, the paired form,
and the streaming forms (blocks and partitions merge to one pass)."""

from __future__ import annotations

import numpy as np
import pytest
from _metrics_data import breast_cancer_oof, weights

from bce_gui.core.loss import LossOptions, row_losses
from bce_gui.core.metrics import (HistogramBootstrap, PoissonBootstrap, bootstrap_ci,
                                  paired_bootstrap_ci)
from bce_gui.core.metrics.bootstrap import MAX_BINS, _poisson


def plain_means(x, w=None, resamples=4000, seed=123, other=None):
    """The textbook bootstrap: resample row indices, recompute the weighted mean (of x, or of
    x − other on the same rows)."""
    rng = np.random.default_rng(seed)
    n = x.size
    out = np.empty(resamples)
    for r in range(resamples):
        i = rng.integers(0, n, n)
        v = x[i] if other is None else x[i] - other[i]
        out[r] = v.mean() if w is None else np.sum(w[i] * v) / np.sum(w[i])
    return out


def interval(means):
    return np.percentile(means, [2.5, 97.5])


def losses_of(c=1.0):
    y, p = breast_cancer_oof(c)
    return row_losses(y, p, LossOptions())


def simulated(n, seed):
    rng = np.random.default_rng(seed)
    p = rng.beta(2, 5, n)
    y = (rng.random(n) < p).astype(float)
    return row_losses(y, p, LossOptions())


# --------------------------------------------------------------------------------------------
# Accuracy against the plain bootstrap
# --------------------------------------------------------------------------------------------


def test_distinct_values_are_each_their_own_bin_so_it_is_the_plain_bootstrap():
    # Up to MAX_BINS distinct values (of different 1.6%-wide bins), nothing is approximated.
    x = np.linspace(0.01, 3.0, 40) ** 2
    b = HistogramBootstrap().update(x).bins()
    assert b["c"].tolist() == [1.0] * 40  # one row per bin, no within-bin spread
    assert np.all(b["vb"] == 0.0)
    np.testing.assert_allclose(np.sort(b["mb"]), np.sort(x), rtol=0, atol=0)
    h = HistogramBootstrap(n_resamples=20000, seed=1).update(x).resampled_means()
    assert h.std() == pytest.approx(plain_means(x, resamples=20000).std(), rel=0.03)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("data", ["breast_cancer", "simulated"])
def test_interval_matches_the_plain_bootstrap(weighted, data):
    x = losses_of() if data == "breast_cancer" else simulated(20000, 2)
    w = weights(x.size, 4) if weighted else None
    plain = plain_means(x, w)
    fast = HistogramBootstrap(weighted, n_resamples=4000, seed=5).update(x, w)
    means = fast.resampled_means()
    width = np.diff(interval(plain))[0]
    # Both are Monte-Carlo estimates with 4,000 resamples: they agree to a few % of the width.
    np.testing.assert_allclose(interval(means), interval(plain), atol=0.08 * width)
    assert means.std() == pytest.approx(plain.std(), rel=0.06)
    assert means.mean() == pytest.approx(plain.mean(), abs=0.05 * width)


def test_interval_is_seeded_and_reports_how():
    x = losses_of()
    a, b = bootstrap_ci(x), bootstrap_ci(x)
    assert (a.low, a.high) == (b.low, b.high)
    c = bootstrap_ci(x, seed=1)
    assert (c.low, c.high) != (a.low, a.high)
    assert a.n_resamples == 1000 and a.seed == 0 and a.level == 0.95
    assert "histogram" in a.method and a.low < np.mean(x) < a.high
    assert a.json() == [a.low, a.high]


def test_wide_value_ranges_merge_bins_and_stay_accurate():
    rng = np.random.default_rng(9)
    x = np.exp(rng.uniform(-700, 6, 30000))  # values over 1000 binades: > 30000 fine bins
    b = HistogramBootstrap().update(x).bins()
    assert b["c"].size <= MAX_BINS
    means = HistogramBootstrap(n_resamples=3000, seed=2).update(x).resampled_means()
    assert means.std() == pytest.approx(plain_means(x, resamples=3000).std(), rel=0.06)


# --------------------------------------------------------------------------------------------
# Coverage: about 95% of intervals hold the true expected loss
# --------------------------------------------------------------------------------------------


def expected_loss_beta_2_5() -> float:
    """E[H(p)] for p ~ Beta(2, 5) and y ~ Bernoulli(p): the expected log loss of a calibrated
    model, by the midpoint rule on 2 million points (error far below 1e-9)."""
    m = 2_000_000
    p = (np.arange(m) + 0.5) / m
    density = 30.0 * p * (1.0 - p) ** 4
    h = -(p * np.log(p) + (1.0 - p) * np.log1p(-p))
    return float(np.sum(h * density) / m)


@pytest.mark.slow
@pytest.mark.parametrize("weighted", [False, True])
def test_coverage_on_simulated_data(weighted):
    truth = expected_loss_beta_2_5()
    seeds = 300
    held = 0
    for s in range(seeds):
        x = simulated(1000, 1000 + s)
        # Weights independent of the rows' loss: the weighted mean estimates the same value.
        w = np.random.default_rng(s).gamma(2.0, 0.5, x.size) if weighted else None
        ci = bootstrap_ci(x, w, seed=s)
        held += ci.low <= truth <= ci.high
    # 95% nominal; a binomial count over 300 seeds has sd 1.3%.
    assert 0.91 <= held / seeds <= 0.99


# --------------------------------------------------------------------------------------------
# Rows of infinite loss, weight 0, no rows
# --------------------------------------------------------------------------------------------


def test_infinite_rows_give_a_reason_not_an_interval():
    x = np.array([0.1, np.inf, 0.3, np.inf])
    ci = bootstrap_ci(x)
    assert not ci.defined and ci.json() is None
    assert "2 rows have an infinite loss" in ci.reason
    # A row of weight 0 adds nothing, even an infinite loss.
    ok = bootstrap_ci(x, np.array([1.0, 0.0, 1.0, 0.0]))
    assert ok.defined and ok.low >= 0.1 and ok.high <= 0.3


def test_no_rows_or_no_weight():
    assert "no valid rows" in bootstrap_ci(np.array([])).reason
    assert "sum to 0" in bootstrap_ci(np.array([0.1, 0.2]), np.zeros(2)).reason


# --------------------------------------------------------------------------------------------
# Paired: two models on the same rows
# --------------------------------------------------------------------------------------------


def test_paired_interval_matches_the_plain_paired_bootstrap():
    a, b = losses_of(1.0), losses_of(0.01)
    plain = plain_means(a, other=b)
    fast = HistogramBootstrap(n_resamples=4000, seed=3).update(a - b).resampled_means()
    width = np.diff(interval(plain))[0]
    np.testing.assert_allclose(interval(fast), interval(plain), atol=0.08 * width)
    ci = paired_bootstrap_ci(a, b)
    assert ci.low < np.mean(a) - np.mean(b) < ci.high
    # Resampling the same rows for both is what makes it narrower than two separate intervals.
    sep_a, sep_b = bootstrap_ci(a), bootstrap_ci(b)
    assert ci.high - ci.low < (sep_a.high - sep_a.low) + (sep_b.high - sep_b.low)


def test_paired_interval_of_a_model_with_itself_is_zero():
    a = losses_of()
    ci = paired_bootstrap_ci(a, a)
    assert (ci.low, ci.high) == (0.0, 0.0)


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("weighted", [False, True])
def test_the_paired_interval_of_b_minus_a_is_the_mirror_of_a_minus_b(seed, weighted):
    """Which model is the reference cannot move the interval: b − a gets exactly [−high, −low]
    of a − b (the same resamples), with ties (rows where both models agree) and rows enough to
    merge bins."""
    rng = np.random.default_rng(seed)
    n = int(rng.choice([7, 300, 5000]))
    a = -np.log(rng.uniform(0.02, 1.0, n))
    b = np.where(rng.random(n) < 0.2, a, -np.log(rng.uniform(0.02, 1.0, n)))
    w = rng.choice([0.0, 0.5, 1.0, 3.0], n) if weighted else None
    ab, ba = paired_bootstrap_ci(a, b, w), paired_bootstrap_ci(b, a, w)
    assert ab.defined and (ba.low, ba.high) == (-ab.high, -ab.low)


def test_paired_infinite_rows_are_named():
    a = np.array([0.1, np.inf, 0.3])
    b = np.array([0.2, 0.5, 0.1])
    assert "infinite loss under one model only" in paired_bootstrap_ci(a, b).reason
    assert "under both models" in paired_bootstrap_ci(a, a).reason


# --------------------------------------------------------------------------------------------
# Streaming: blocks and partitions merge to one pass
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("weighted", [False, True])
def test_histogram_blocks_merge_to_one_pass(weighted):
    x = simulated(50000, 6)
    w = weights(x.size, 6) if weighted else None
    one = HistogramBootstrap(weighted).update(x, w).result()
    parts = []
    for a, b in ((0, 7), (7, 20000), (20000, 31000), (31000, 50000)):
        parts.append(HistogramBootstrap(weighted).update(x[a:b], None if w is None else w[a:b]))
    merged = parts[3].merge(parts[1]).merge(parts[0]).merge(parts[2])  # any order
    got = merged.result()
    assert got.low == pytest.approx(one.low, rel=1e-12)
    assert got.high == pytest.approx(one.high, rel=1e-12)


def test_poisson_counts_depend_only_on_the_row_index():
    pb = PoissonBootstrap(n_resamples=37, seed=4)
    rows = np.arange(1000, 1100, dtype=np.uint64)
    all_at_once = pb.counts(rows)
    assert np.array_equal(pb.counts(rows[50:]), all_at_once[50:])
    assert not np.array_equal(PoissonBootstrap(37, seed=5).counts(rows), all_at_once)


def test_poisson_table_is_poisson_one():
    table = _poisson()
    k = np.arange(table.max() + 1)
    pmf = np.bincount(table, minlength=k.size) / table.size
    expected = np.exp(-1.0) / np.array([np.prod(np.arange(1, i + 1)) for i in k])
    np.testing.assert_allclose(pmf, expected, atol=2 ** -16)


@pytest.mark.parametrize("weighted", [False, True])
def test_poisson_partitions_merge_to_one_pass(weighted):
    x = simulated(6000, 8)
    w = weights(x.size, 8) if weighted else None
    one = PoissonBootstrap(n_resamples=400).update(x, w).result()
    cuts = (0, 1000, 1001, 4500, 6000)
    parts = [PoissonBootstrap(n_resamples=400).update(x[a:b], None if w is None else w[a:b],
                                                      first_row=a)
             for a, b in zip(cuts[:-1], cuts[1:])]
    merged = parts[2].merge(parts[0]).merge(parts[3]).merge(parts[1])
    got = merged.result()
    assert got.low == pytest.approx(one.low, rel=1e-12)
    assert got.high == pytest.approx(one.high, rel=1e-12)
    assert "Poisson" in got.method


def test_poisson_bootstrap_agrees_with_the_plain_and_the_histogram_bootstrap():
    x = simulated(5000, 10)
    plain = interval(plain_means(x, resamples=4000))
    width = plain[1] - plain[0]
    poisson = PoissonBootstrap(n_resamples=2000, seed=1).update(x).result()
    hist = bootstrap_ci(x)
    np.testing.assert_allclose([poisson.low, poisson.high], plain, atol=0.12 * width)
    np.testing.assert_allclose([hist.low, hist.high], plain, atol=0.12 * width)


def test_poisson_infinite_rows():
    pb = PoissonBootstrap(n_resamples=10).update(np.array([0.2, np.inf]))
    assert "infinite" in pb.result().reason


def test_percentiles_are_numpys_linear_percentiles_to_the_bit():
    """The interval's two order statistics, taken without np.percentile (which imports
    numpy.ma on first use), are np.percentile's numbers: same indexes, same interpolation."""
    from bce_gui.core.metrics.bootstrap import percentiles

    rng = np.random.default_rng(11)
    for n in (1, 2, 3, 39, 40, 41, 999, 1000, 1001, 4321):
        for values in (rng.normal(size=n), np.round(rng.random(n), 2), rng.exponential(size=n) * 1e-9,
                       np.full(n, 0.3)):
            for pcts in ((2.5, 97.5), (5.0, 95.0), (0.0, 100.0), (0.5, 99.5), (50.0,)):
                ref = np.percentile(values, list(pcts))
                got = percentiles(values, pcts)
                assert np.array_equal(np.asarray(got), ref)


def test_multinomial_in_pieces_draws_the_same_counts():
    """The resamples are drawn a few at a time (so another thread gets the GIL between draws):
    the same counts, and the same normal draws after them, as one call."""
    from bce_gui.core.metrics.bootstrap import _DRAW, _multinomial

    pvals = np.random.default_rng(1).random(300)
    pvals /= pvals.sum()
    pvals[-1] = max(0.0, 1.0 - pvals[:-1].sum())
    for size in (1, _DRAW, 3 * _DRAW + 5):
        one, pieces = np.random.default_rng(5), np.random.default_rng(5)
        ref = one.multinomial(10**6, pvals, size=size)
        got = _multinomial(pieces, 10**6, pvals, size)
        assert got.dtype == np.float64 and np.array_equal(got, ref)
        assert np.array_equal(one.standard_normal(4), pieces.standard_normal(4))


def test_keyed_sums_hold_the_window_of_bins_reached():
    """The histograms keep only the bins from the lowest to the highest reached; growing the
    window keeps every sum, merging adds bin by bin, and the full view is the dense array."""
    from bce_gui.core.metrics.keyed import KeyedSums

    a = KeyedSums({"count": np.int64, "sum": np.float64}, 100)
    a.add(40, count=np.array([1, 0, 2]), sum=np.array([0.5, 0.0, 1.5]))
    a.add(10, count=np.array([3]), sum=np.array([0.25]))
    a.add(41, count=np.array([4]), sum=np.array([2.0]))
    assert (a.lo, a.hi) == (10, 43) and a["count"].size == 33
    b = KeyedSums({"count": np.int64, "sum": np.float64}, 100)
    b.add(90, count=np.array([7]), sum=np.array([9.0]))
    a.merge(b)
    a.merge(KeyedSums({"count": np.int64, "sum": np.float64}, 100))  # an empty one
    dense = np.zeros(100, dtype=np.int64)
    dense[[10, 40, 41, 42, 90]] = [3, 1, 4, 2, 7]
    assert np.array_equal(a.full("count"), dense)
    assert (a.nonzero("count") + a.lo).tolist() == [10, 40, 41, 42, 90]
    assert a.full("sum")[[10, 40, 41, 42, 90]].tolist() == [0.25, 0.5, 2.0, 1.5, 9.0]
    with pytest.raises(ValueError):
        a.add(99, count=np.array([1, 1]), sum=np.array([1.0, 1.0]))
