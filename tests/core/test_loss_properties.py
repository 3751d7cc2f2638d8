"""Properties any binary cross-entropy must have, checked with hypothesis on random inputs."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bce_gui.core.loss import LossOptions, row_losses, row_terms, totals
from bce_gui.core.policies import make_policy

EPS64 = float(np.finfo(np.float64).eps)
LN2 = math.log(2.0)
FAST = settings(deadline=None, max_examples=60)

POLICIES = ["exact", "sklearn", "torch", "keras"]

probabilities = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
moderate_logits = st.floats(min_value=-30.0, max_value=30.0, allow_nan=False)
wide_logits = st.floats(min_value=-1e4, max_value=1e4, allow_nan=False)
hard_label = st.sampled_from([0.0, 1.0])
soft_label = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
weight = st.floats(min_value=0.0, max_value=100.0, allow_nan=False)


@st.composite
def rows(draw, x=probabilities, y=hard_label, min_size=1, max_size=40, weighted=False):
    n = draw(st.integers(min_value=min_size, max_value=max_size))
    ys = np.array(draw(st.lists(y, min_size=n, max_size=n)), dtype=np.float64)
    xs = np.array(draw(st.lists(x, min_size=n, max_size=n)), dtype=np.float64)
    if not weighted:
        return ys, xs
    ws = np.array(draw(st.lists(weight, min_size=n, max_size=n)), dtype=np.float64)
    return ys, xs, ws


def opts(policy: str, **kw) -> LossOptions:
    return LossOptions(policy=make_policy(policy), **kw)


def close(a: float, b: float, rel: float) -> bool:
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= rel * max(abs(a), abs(b)) or a == b


# --------------------------------------------------------------------------------------------
# Non-negativity
# --------------------------------------------------------------------------------------------


@FAST
@given(data=rows(), policy=st.sampled_from(POLICIES))
def test_loss_is_non_negative_on_probabilities(data, policy):
    y, p = data
    for loss in (row_losses(y, p, opts(policy)), row_terms(y, p, opts(policy)).loss):
        assert not np.any(np.isnan(loss))
        assert np.all(loss >= 0.0)


@FAST
@given(data=rows(x=wide_logits), policy=st.sampled_from(POLICIES))
def test_loss_is_non_negative_on_logits(data, policy):
    y, z = data
    o = opts(policy, logits=True)
    for loss in (row_losses(y, z, o), row_terms(y, z, o).loss):
        assert not np.any(np.isnan(loss))
        assert np.all(loss >= 0.0)


@FAST
@given(
    data=rows(x=probabilities, y=soft_label),
    policy=st.sampled_from(POLICIES),
    smoothing=st.sampled_from([0.0, 0.1, 0.5]),
)
def test_loss_is_non_negative_with_soft_labels_and_smoothing(data, policy, smoothing):
    y, p = data
    o = opts(policy, soft_labels=True, label_smoothing=smoothing)
    loss = row_losses(y, p, o)
    assert not np.any(np.isnan(loss))
    assert np.all(loss >= 0.0)


@FAST
@given(
    data=rows(x=wide_logits, y=soft_label),
    policy=st.sampled_from(["exact", "torch"]),
    pos_weight=st.floats(min_value=0.01, max_value=100.0),
)
def test_loss_is_non_negative_with_pos_weight(data, policy, pos_weight):
    y, z = data
    loss = row_losses(y, z, opts(policy, logits=True, soft_labels=True, pos_weight=pos_weight))
    assert not np.any(np.isnan(loss))
    assert np.all(loss >= 0.0)


# --------------------------------------------------------------------------------------------
# Invariances of the mean
# --------------------------------------------------------------------------------------------


@FAST
@given(data=rows(weighted=True, min_size=2), seed=st.integers(0, 2**32 - 1))
def test_mean_is_invariant_under_row_permutation(data, seed):
    y, p, w = data
    assume(w.sum() > 0)
    perm = np.random.default_rng(seed).permutation(y.size)
    o = opts("sklearn")
    a = totals(row_losses(y, p, o), y, w)
    b = totals(row_losses(y[perm], p[perm], o), y[perm], w[perm])
    assert close(a.mean, b.mean, 1e-12)
    assert close(a.base_rate, b.base_rate, 1e-12)
    ua, ub = totals(row_losses(y, p, o), y), totals(row_losses(y[perm], p[perm], o), y[perm])
    assert close(ua.mean, ub.mean, 1e-12)


@FAST
@given(data=rows(x=moderate_logits))
def test_logits_and_probabilities_agree(data):
    y, z = data
    p = 1.0 / (1.0 + np.exp(-z))  # the probabilities a user would have, rounded to float64
    from_logits = row_losses(y, z, opts("exact", logits=True))
    from_probs = row_losses(y, p, opts("exact"))
    for yi, zi, pi, a, b in zip(y, z, p, from_logits, from_probs):
        # Probability of the actual class, computed from z without cancellation.
        q = 1.0 / (1.0 + math.exp(-zi if yi == 1.0 else zi))
        # Rounding p costs a relative error of a few eps in p, i.e. an absolute error of
        # about eps * p / q in the loss; each computed loss also carries a few eps relative.
        tol = 4.0 * EPS64 * (pi / q) + 4.0 * EPS64 * max(a, b)
        assert abs(a - b) <= tol, (yi, zi, pi, a, b)


@FAST
@given(data=rows(), policy=st.sampled_from(POLICIES))
def test_unit_weights_equal_no_weights(data, policy):
    y, p = data
    loss = row_losses(y, p, opts(policy))
    a = totals(loss, y)
    b = totals(loss, y, np.ones_like(y))
    assert close(a.mean, b.mean, 1e-12)
    assert a.sum_weight == b.sum_weight == y.size
    assert close(a.base_rate, b.base_rate, 1e-12)
    assert a.n_infinite == b.n_infinite


@FAST
@given(data=rows(weighted=True), policy=st.sampled_from(POLICIES))
def test_duplicating_every_row_leaves_mean_unchanged(data, policy):
    y, p, w = data
    o = opts(policy)
    loss = row_losses(y, p, o)
    y2, p2, w2 = np.concatenate([y, y]), np.concatenate([p, p]), np.concatenate([w, w])
    loss2 = row_losses(y2, p2, o)
    assert close(totals(loss, y).mean, totals(loss2, y2).mean, 1e-12)
    if w.sum() > 0:
        assert close(totals(loss, y, w).mean, totals(loss2, y2, w2).mean, 1e-12)


@FAST
@given(
    data=rows(weighted=True),
    scale=st.floats(min_value=1e-3, max_value=1e3),
    policy=st.sampled_from(POLICIES),
)
def test_scaling_weights_leaves_mean_unchanged(data, scale, policy):
    y, p, w = data
    assume(w.sum() > 0 and (w * scale).sum() > 0)  # (5e-324 * 1e-3 underflows to a zero sum)
    loss = row_losses(y, p, opts(policy))
    a = totals(loss, y, w)
    b = totals(loss, y, w * scale)
    assert close(a.mean, b.mean, 1e-12)
    assert close(a.base_rate, b.base_rate, 1e-12)


@FAST
@given(data=rows(weighted=True), policy=st.sampled_from(POLICIES))
def test_mean_bits_is_mean_over_ln2(data, policy):
    y, p, w = data
    assume(w.sum() > 0)
    t = totals(row_losses(y, p, opts(policy)), y, w)
    if math.isinf(t.mean):
        assert t.mean_bits == math.inf
    else:
        assert t.mean_bits == pytest.approx(t.mean / LN2, rel=1e-15, abs=0.0)
        assert t.baseline_bits == pytest.approx(t.baseline / LN2, rel=1e-15, abs=0.0)
