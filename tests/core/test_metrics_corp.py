"""The CORP decomposition against model-diagnostics 1.5 (the reference implementation), the
isotonic fit against scikit-learn, the CORP curve and its consistency band."""

from __future__ import annotations

import importlib

import numpy as np
import pytest
from _metrics_data import breast_cancer_oof, breast_cancer_oof_logits, multiclass_oof, weights
from model_diagnostics.scoring import LogLoss, decompose
from sklearn.isotonic import IsotonicRegression

from bce_gui.core.loss import LossOptions, row_losses
from bce_gui.core.policies import make_policy
from bce_gui.core.metrics import AucAccumulator, corp, decomposition, isotonic_fit
from bce_gui.core.metrics import isotonic as iso

REL = 1e-10


def reference(y, p, w=None):
    row = decompose(y, p, w, scoring_function=LogLoss()).row(0, named=True)
    return row


def assert_matches(got, ref):
    assert got.miscalibration.value == pytest.approx(ref["miscalibration"], rel=REL, abs=1e-15)
    assert got.discrimination.value == pytest.approx(ref["discrimination"], rel=REL, abs=1e-15)
    assert got.uncertainty.value == pytest.approx(ref["uncertainty"], rel=REL)
    assert got.score.value == pytest.approx(ref["score"], rel=REL)


# --------------------------------------------------------------------------------------------
# Isotonic regression
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("stack", [False, True])
def test_isotonic_fit_matches_sklearn_with_ties_and_weights(monkeypatch, stack):
    if stack:  # the classic stack that finishes long cascades, on its own
        monkeypatch.setattr(iso, "_MAX_PASSES", 0)
    rng = np.random.default_rng(0)
    for trial in range(200):
        n = int(rng.integers(1, 80))
        x = rng.integers(0, 12, n).astype(float)  # many ties
        y = rng.random(n) if trial % 2 else rng.integers(0, 2, n).astype(float)
        w = rng.gamma(1.0, 1.0, n) + 1e-3
        ref = IsotonicRegression().fit(x, y, sample_weight=w).predict(x)
        np.testing.assert_allclose(isotonic_fit(x, y, w), ref, rtol=1e-12, atol=1e-14)


def test_pav_cascade_falls_back_to_the_stack(monkeypatch):
    # Rising values then one deep drop: each numpy pass pools only one more block.
    y = np.concatenate((np.linspace(0.0, 1.0, 300), [-1000.0]))
    x = np.arange(y.size, dtype=float)
    monkeypatch.setattr(iso, "_MAX_PASSES", 5)
    ref = IsotonicRegression().fit(x, y).predict(x)
    np.testing.assert_allclose(isotonic_fit(x, y), ref, rtol=1e-12, atol=1e-12)


def test_pav_keeps_independent_problems_apart():
    sums = np.array([1.0, 0.0, 1.0, 0.0])
    w = np.ones(4)
    starts, bs, bw = iso.pav(sums, w, segment_starts=np.array([0, 2]))
    assert starts.tolist() == [0, 2]  # [1, 0] pools, [1, 0] pools, never across the boundary
    assert (bs / bw).tolist() == [0.5, 0.5]


# --------------------------------------------------------------------------------------------
# The decomposition
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("c", [1.0, 0.01])
def test_decomposition_matches_model_diagnostics_on_breast_cancer(weighted, c):
    y, p = breast_cancer_oof(c)
    w = weights(y.size) if weighted else None
    got = decomposition(y, p, w)
    assert_matches(got, reference(y, p, w))
    s = got
    assert s.score.value == pytest.approx(
        s.miscalibration.value - s.discrimination.value + s.uncertainty.value, rel=1e-12)


def test_decomposition_with_tied_predictions():
    y, p = breast_cancer_oof()
    p = np.round(p, 1)
    assert_matches(decomposition(y, p), reference(y, p))


def test_decomposition_of_logits_orders_by_the_logit():
    y, z = breast_cancer_oof_logits(1.0)
    p = np.exp(-np.logaddexp(0.0, -z))
    got = decomposition(y, z, logits=True)
    ref = reference(y, p)
    assert_matches(got, ref)


def test_decomposition_with_soft_labels_adds_the_labels_entropy():
    # model-diagnostics scores soft labels by the deviance (the log loss minus the labels' own
    # entropy); ours decomposes the cross-entropy the app shows, so only UNC and the score move.
    rng = np.random.default_rng(1)
    n = 400
    p = rng.beta(2, 3, n)
    y = np.clip(p + rng.normal(0, 0.2, n), 0, 1)
    got = decomposition(y, p)
    ref = reference(y, p)
    h = float(np.mean(row_losses(y, y, LossOptions(soft_labels=True))))
    assert got.miscalibration.value == pytest.approx(ref["miscalibration"], rel=REL)
    assert got.discrimination.value == pytest.approx(ref["discrimination"], rel=REL)
    assert got.uncertainty.value == pytest.approx(ref["uncertainty"] + h, rel=REL)
    assert got.score.value == pytest.approx(ref["score"] + h, rel=REL)


def test_decomposition_by_hand():
    # p = 0.2, 0.4, 0.6, 0.8 with labels 0, 1, 0, 1: the isotonic fit pools the middle pair
    # into 0.5 and keeps 0 and 1 at the ends.
    y = np.array([0, 1, 0, 1.0])
    p = np.array([0.2, 0.4, 0.6, 0.8])
    got = decomposition(y, p)
    loss = float(np.mean(-np.log([0.8, 0.4, 0.4, 0.8])))
    recal = 2 * np.log(2) / 4  # two rows at 0.5, two at certainty
    assert got.score.value == pytest.approx(loss)
    assert got.miscalibration.value == pytest.approx(loss - recal)
    assert got.uncertainty.value == pytest.approx(np.log(2))
    assert got.discrimination.value == pytest.approx(np.log(2) - recal)


def test_perfectly_calibrated_blocks_have_no_miscalibration():
    y = np.array([0, 1, 0, 1, 1, 1.0])
    p = np.array([0.5, 0.5, 0.5, 0.5, 1.0, 1.0])
    got = decomposition(y, p)
    assert got.miscalibration.value == 0.0
    assert "at most 0" in got.sentence()


def test_infinite_loss_is_all_miscalibration():
    y = np.array([1, 0, 1.0])
    p = np.array([0.0, 0.3, 0.9])
    got = decomposition(y, p)
    assert got.score.value == np.inf and got.miscalibration.value == np.inf
    assert np.isfinite(got.discrimination.value)
    assert "infinite" in got.sentence()


def test_decomposition_of_the_shown_convention_adds_up():
    y, p = breast_cancer_oof(1e4)  # rows at p = 0 and p = 1
    sk = row_losses(y, p, LossOptions(policy=make_policy("sklearn")))
    got = decomposition(y, p, losses=sk)
    assert np.isfinite(got.score.value)
    assert got.score.value == pytest.approx(np.mean(sk), rel=1e-12)
    assert got.score.value == pytest.approx(
        got.miscalibration.value - got.discrimination.value + got.uncertainty.value, rel=1e-12)


def test_decomposition_sentence():
    y, p = breast_cancer_oof()
    text = decomposition(y, p).sentence()
    assert text.startswith("Recalibrating could lower the loss by at most ")
    assert "no-skill" in text and "nats" not in text  # (no unit given: none named)


def test_the_decomposition_sentence_names_the_unit_it_is_shown_in():
    """The Statistics tab's sentence gives its three numbers in the window's unit, named."""
    import re

    from bce_gui.core.metrics.view import decomposition_sentence

    y, p = breast_cancer_oof()
    d = decomposition(y, p)
    nats, bits = decomposition_sentence(d, "nats"), decomposition_sentence(d, "bits")
    assert len(re.findall(r"\d nats", nats)) == 3 and "bits" not in nats
    assert len(re.findall(r"\d bits", bits)) == 3 and "nats" not in bits
    first = lambda text: float(re.search(r"at most ([\d.e-]+)", text).group(1))  # noqa: E731
    assert first(bits) == pytest.approx(first(nats) / np.log(2), rel=0.05)  # (2 digits)


def test_decomposition_binary_only():
    y, P = multiclass_oof("wine")
    got = decomposition(y, P)
    assert not got.defined and "binary" in got.miscalibration.reason


def test_streamed_decomposition_exact_then_from_the_histogram():
    y, p = breast_cancer_oof()
    ref = reference(y, p)
    acc = AucAccumulator()
    for a, b in ((0, 200), (200, 569)):
        acc.update(y[a:b], p[a:b])
    assert_matches(acc.decomposition(), ref)
    assert_matches(acc.decomposition(ref["score"]), ref)
    binned = AucAccumulator(exact_limit=0).update(y, p).decomposition(ref["score"])
    # Rows 1e-4 apart in the logit are pooled: the fit is that of slightly tied predictions.
    assert binned.miscalibration.value == pytest.approx(ref["miscalibration"], abs=1e-4)
    assert binned.uncertainty.value == pytest.approx(ref["uncertainty"], rel=1e-12)


# --------------------------------------------------------------------------------------------
# The CORP curve and its consistency band
# --------------------------------------------------------------------------------------------


def test_corp_curve_is_the_isotonic_step_function():
    y, p = breast_cancer_oof()
    c = corp(y, p, band_resamples=0).curve
    fit = IsotonicRegression().fit(p, y).predict(p)
    # Every row's recalibrated value is its block's value, and blocks cover the rows in order.
    for lo, hi, v in zip(c.x_low, c.x_high, c.value):
        inside = (p >= lo) & (p <= hi)
        np.testing.assert_allclose(fit[inside], v, rtol=1e-12)
    assert np.all(np.diff(c.value) > 0) and np.all(c.x_low <= c.x_high)
    assert c.weight.sum() == y.size
    x, v = c.step_xy()
    assert x.size == v.size == 2 * c.value.size
    # A step line: flat pieces (each block's value up to where the next block begins) joined
    # by vertical jumps, never a slanted segment between blocks.
    assert np.all(v[0::2] == v[1::2]) and np.all(x[1:-1:2] == x[2::2])
    assert np.all(np.diff(x) >= 0) and x[0] == c.x_low[0] and x[-1] == c.x_high[-1]


def calibrated(seed: int, n: int = 3000):
    rng = np.random.default_rng(seed)
    p = rng.beta(2, 2, n)
    return (rng.random(n) < p).astype(float), p  # calibrated by construction


def inside_share(c) -> float:
    """Share of the band's points where the CORP curve lies inside the band."""
    block = np.searchsorted(c.x_low, c.band_x, side="right") - 1
    curve = c.value[np.clip(block, 0, c.value.size - 1)]
    return float(((c.band_low <= curve) & (curve <= c.band_high)).mean())


def test_band_is_seeded_and_surrounds_the_diagonal():
    y, p = calibrated(3)
    a = corp(y, p, seed=7).curve
    b = corp(y, p, seed=7).curve
    np.testing.assert_array_equal(a.band_low, b.band_low)
    assert not np.array_equal(a.band_low, corp(y, p, seed=8).curve.band_low)
    assert a.band_grouped  # 3000 distinct p: redrawn per group
    assert np.all(a.band_low <= a.band_high)
    # Resampled under calibration, the band is centred on the diagonal.
    inside = (a.band_low <= a.band_x + 1e-12) & (a.band_x <= a.band_high + 1e-12)
    assert inside.mean() > 0.9


def test_band_holds_calibrated_models_curves_about_ninety_percent_of_the_way():
    shares = [inside_share(corp(*calibrated(s), seed=s + 100).curve) for s in range(8)]
    # Pointwise 90%: the curve of a calibrated model stays inside most of the way (about 0.87
    # on average here; neighbouring points share a block, so one dataset varies more).
    assert 0.8 < np.mean(shares) < 0.97


def test_grouped_band_matches_the_per_row_band(monkeypatch):
    # The package exports the function corp, which hides its module of the same name.
    corp_module = importlib.import_module("bce_gui.core.metrics.corp")
    y, p = calibrated(5)
    grouped = corp(y, p, seed=1).curve
    monkeypatch.setattr(corp_module, "BAND_MAX_GROUPS", 10**9)
    per_row = corp(y, p, seed=1).curve
    assert grouped.band_grouped and not per_row.band_grouped
    width_g = np.mean(grouped.band_high - grouped.band_low)
    width_r = np.mean(per_row.band_high - per_row.band_low)
    assert width_g == pytest.approx(width_r, rel=0.1)
    # Read at the same p, the two bands agree to well within their width.
    low_r = np.interp(grouped.band_x, per_row.band_x, per_row.band_low)
    assert np.median(np.abs(grouped.band_low - low_r)) < 0.25 * width_r


def test_band_flags_a_miscalibrated_model():
    rng = np.random.default_rng(4)
    n = 3000
    p_true = rng.beta(2, 2, n)
    y = (rng.random(n) < p_true).astype(float)
    p = p_true ** 3  # far too low
    c = corp(y, p, seed=1).curve
    block = np.searchsorted(c.x_low, c.band_x, side="right") - 1
    curve = c.value[np.clip(block, 0, c.value.size - 1)]
    assert ((curve > c.band_high)).mean() > 0.5


def test_small_data_band_is_per_row():
    y = np.array([0, 1, 0, 1, 1.0])
    p = np.array([0.1, 0.3, 0.5, 0.7, 0.9])
    c = corp(y, p, band_resamples=50, seed=0).curve
    assert not c.band_grouped and c.band_x.tolist() == p.tolist()
    assert c.band_resamples == 50 and c.band_level == 0.9


def test_pav_of_counts_is_bit_for_bit_the_pooled_float_sums(monkeypatch):
    """Whole-number sums and weights (unweighted rows) take the running-totals path: the same
    blocks, sums and weights, bit for bit, as the general pooling (reduceat), cascades and the
    stack included."""
    rng = np.random.default_rng(7)
    cases = []
    for n in (1, 2, 3, 50, 5000, 200_000):
        w = rng.integers(1, 4, n).astype(float)
        cases.append((np.floor(w * rng.random(n) + 0.5), w))  # groups of tied rows: counts
        cases.append(((rng.random(n) < 0.3).astype(float), np.ones(n)))  # one row a group
        cases.append((np.zeros(n), np.ones(n)))
    y = np.concatenate((np.ones(300), np.zeros(1)))  # a cascade: one pool per pass
    cases.append((y, np.ones(y.size)))
    for passes in (iso._MAX_PASSES, 3):
        monkeypatch.setattr(iso, "_MAX_PASSES", passes)
        for s, w in cases:
            assert iso._whole_numbers(s, w)
            got, ref = iso.pav(s, w), iso._pav_pooled(s, w)
            for a, b in zip(got, ref):
                assert a.dtype == b.dtype and np.array_equal(a, b)


def test_pav_of_fractions_or_weights_keeps_the_general_pooling():
    assert not iso._whole_numbers(np.array([0.5, 1.0]), np.ones(2))
    assert not iso._whole_numbers(np.array([1.0, 1.0]), np.array([1.0, 0.5]))
    assert not iso._whole_numbers(np.array([0.0, 1.0]), np.array([0.0, 1.0]))  # zero weight


def test_unweighted_decomposition_runs_are_the_rows_decomposition():
    """Unweighted 0/1 labels without ties pool their runs of equal labels before PAV: the
    decomposition is the one of the rows pooled by PAV itself, to the last bit."""
    from bce_gui.core.metrics.auc import _recalibrated_blocks
    from bce_gui.core.metrics.columns import columns, rank

    rng = np.random.default_rng(8)
    for n in (2, 17, 100_000):
        y = (rng.random(n) < 0.4).astype(float)
        cols = columns(y, rng.random(n))
        r = rank(cols)
        assert r.ones is not None
        fast = _recalibrated_blocks(cols, r)
        _starts, bs, bw = iso.pav(r.y, np.ones(n))
        assert np.array_equal(fast[0], bs) and np.array_equal(fast[1], bw)


@pytest.mark.parametrize("passes", [iso._MAX_PASSES, 2])
def test_pav_of_labels_is_pav_of_the_rows(monkeypatch, passes):
    """The isotonic fit of sorted 0/1 labels from their runs (with reused buffers): the block
    sums and weights of PAV over the rows themselves, bit for bit, cascades included."""
    monkeypatch.setattr(iso, "_MAX_PASSES", passes)
    rng = np.random.default_rng(15)
    cases = [np.array([True]), np.array([False, True]), np.ones(5, bool), np.zeros(5, bool),
             np.concatenate((np.ones(300, bool), [False]))]
    cases += [rng.random(n) < q for n in (7, 1000, 200_000) for q in (0.3, 0.5, 0.95)]
    for ones in cases:
        _starts, bs, bw = iso._pav_pooled(ones.astype(float), np.ones(ones.size))
        got = iso.pav_of_labels(ones)
        assert np.array_equal(got[0], bs) and np.array_equal(got[1], bw)
