"""The loss engine against independent references.

* scikit-learn, called live: ``sklearn.metrics.log_loss`` with ``labels=[0, 1]``;
* PyTorch 2.13 and Keras 3.15 (torch backend), through the recorded fixture
  ``tests/reference/reference_values.json`` written by ``tests/reference/generate_reference.py``;
* the textbook formula, written out here with ``math`` on plain Python floats.

No expected value in this file comes from the engine itself.
"""

from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import log_loss as sk_log_loss

from bce_gui.core.loss import (
    LossOptions,
    OptionsError,
    log_loss,
    row_losses,
    row_terms,
    totals,
)
from bce_gui.core.policies import make_policy

FIXTURE = Path(__file__).resolve().parent.parent / "reference" / "reference_values.json"

# ------------------------------------------------------------------------------------------------
# Helpers
# ------------------------------------------------------------------------------------------------


def _decode(value):
    """The fixture writes non-finite floats as strings; turn them back into floats."""
    if isinstance(value, str) and value in ("inf", "-inf", "nan"):
        return float(value)
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if isinstance(value, dict):
        return {k: _decode(v) for k, v in value.items()}
    return value


def _load_cases() -> list[dict]:
    doc = _decode(json.loads(FIXTURE.read_text(encoding="utf-8")))
    return doc["cases"]


CASES = _load_cases()
TORCH_CASES = [c for c in CASES if c["library"] == "torch"]
KERAS_CASES = [c for c in CASES if c["library"] == "keras"]


def _arr(values) -> np.ndarray:
    return np.asarray(values, dtype=np.float64)


def _case_inputs(case: dict) -> tuple[np.ndarray, np.ndarray, bool]:
    """(y, x, logits?) of a fixture case; exactly one of y_pred / logits is set."""
    assert (case["y_pred"] is None) != (case["logits"] is None), case["name"]
    logits = case["logits"] is not None
    x = _arr(case["logits"] if logits else case["y_pred"])
    return _arr(case["y_true"]), x, logits


def _case_options(case: dict) -> LossOptions:
    y_true = _arr(case["y_true"])
    hard = bool(np.all((y_true == 0.0) | (y_true == 1.0)))
    return LossOptions(
        policy=make_policy(case["library"]),
        logits=case["logits"] is not None,
        label_smoothing=float(case["label_smoothing"]),
        pos_weight=case["pos_weight"],
        soft_labels=not hard,
    )


def assert_close(actual, expected, rel: float, floor: float, what: str = "") -> None:
    """Element-wise |a - e| <= rel * max(|e|, floor); infinities must match exactly."""
    a = np.atleast_1d(np.asarray(actual, dtype=np.float64))
    e = np.atleast_1d(np.asarray(expected, dtype=np.float64))
    assert a.shape == e.shape, what
    assert np.array_equal(np.isnan(a), np.isnan(e)), f"{what}: NaN positions differ"
    inf = np.isinf(e)
    assert np.array_equal(a[inf], e[inf]), f"{what}: infinities differ"
    fin = np.isfinite(e)
    err = np.abs(a[fin] - e[fin])
    bound = rel * np.maximum(np.abs(e[fin]), floor)
    bad = np.flatnonzero(err > bound)
    assert bad.size == 0, (
        f"{what}: {bad.size} value(s) out of tolerance, first rows "
        + ", ".join(
            f"[{int(np.flatnonzero(fin)[i])}] ours={a[fin][i]!r} ref={e[fin][i]!r}" for i in bad[:5]
        )
    )


def textbook(y: float, p: float) -> float:
    """-(y ln p + (1 - y) ln(1 - p)), with 0 * ln 0 = 0, on Python floats."""
    total = 0.0
    if y != 0.0:
        total += y * math.log(p)
    if y != 1.0:
        total += (1.0 - y) * math.log1p(-p)
    return -total


# ------------------------------------------------------------------------------------------------
# scikit-learn, live
# ------------------------------------------------------------------------------------------------

_RNG = np.random.default_rng(987654321)
_RAND_Y = (_RNG.random(1000) < 0.35).astype(np.float64)
_RAND_P = _RNG.random(1000)
_EXTREME_PS = [0.0, 1.0, 1e-300, 1e-50, 1.0 - 1e-16, 1e-10]

SKLEARN_DATASETS = {
    "ordinary": (
        [1, 0, 1, 0, 1, 0, 1, 1, 0, 0],
        [0.94, 0.56, 0.1, 0.9, 0.5, 0.01, 0.99, 0.3, 0.7, 0.2],
        None,
    ),
    "extremes": (
        [y for _ in _EXTREME_PS for y in (0, 1)],
        [p for p in _EXTREME_PS for _ in (0, 1)],
        None,
    ),
    "one_class_ones": ([1, 1, 1, 1], [0.9, 0.2, 1e-300, 1.0], None),
    "one_class_zeros": ([0, 0, 0], [0.0, 0.3, 1.0 - 1e-16], None),
    "random_1000": (_RAND_Y, _RAND_P, None),
    "weighted": (
        [1, 0, 1, 0, 1, 0, 1, 1, 0, 0],
        [0.94, 0.56, 0.1, 0.9, 0.5, 0.01, 0.99, 0.3, 0.7, 0.2],
        [1.0, 2.0, 0.5, 1.0, 1.0, 3.0, 1.0, 0.0, 1.0, 2.0],
    ),
    "weighted_extremes": (
        [y for _ in _EXTREME_PS for y in (0, 1)],
        [p for p in _EXTREME_PS for _ in (0, 1)],
        [0.5, 2.0, 1.0, 3.0, 0.25, 1.0, 4.0, 1.0, 1.0, 0.5, 2.0, 7.0],
    ),
    "weighted_random_1000": (_RAND_Y, _RAND_P, _RNG.random(1000) * 5.0),
}


@pytest.mark.parametrize("name", sorted(SKLEARN_DATASETS))
def test_sklearn_policy_matches_sklearn_log_loss(name):
    y, p, w = SKLEARN_DATASETS[name]
    y, p = _arr(y), _arr(p)
    w = None if w is None else _arr(w)
    expected = sk_log_loss(y, p, labels=[0, 1], sample_weight=w)
    ours = log_loss(y, p, w, policy="sklearn")
    assert math.isfinite(expected)
    assert ours == pytest.approx(expected, rel=1e-9, abs=0.0)


def test_sklearn_row_losses_match_sklearn_row_by_row():
    """One row at a time, so a compensating error between rows cannot hide."""
    y, p, _ = SKLEARN_DATASETS["extremes"]
    opts = LossOptions(policy=make_policy("sklearn"))
    ours = row_losses(_arr(y), _arr(p), opts)
    for i, (yi, pi) in enumerate(zip(y, p)):
        expected = sk_log_loss([yi], [pi], labels=[0, 1])
        assert ours[i] == pytest.approx(expected, rel=1e-9, abs=0.0), (i, yi, pi)


def test_sklearn_needs_labels_on_one_class_data_but_we_do_not():
    y = [1, 1, 1]
    p = [0.9, 0.8, 0.7]
    with pytest.raises(ValueError):
        sk_log_loss(y, p)
    # With labels=[0, 1] sklearn accepts it: that is the convention the engine follows.
    expected = sk_log_loss(y, p, labels=[0, 1])
    assert log_loss(y, p, policy="sklearn") == pytest.approx(expected, rel=1e-9, abs=0.0)
    textbook_mean = math.fsum(textbook(1.0, pi) for pi in p) / 3
    assert log_loss(y, p, policy="exact") == pytest.approx(textbook_mean, rel=1e-12)


_CUSTOM_Y = [1, 0, 1, 0, 1, 0, 1, 0]
_CUSTOM_P = [0.0, 1.0, 1e-300, 1.0 - 1e-16, 0.5, 0.2, 0.9999, 1e-4]


@pytest.mark.parametrize("eps", [1e-3, 1e-7, 0.25])
def test_custom_eps_is_clip_then_textbook(eps):
    terms = []
    for yi, pi in zip(_CUSTOM_Y, _CUSTOM_P):
        c = min(max(pi, eps), 1.0 - eps)
        terms.append(-math.log(c) if yi == 1 else -math.log(1.0 - c))
    expected = math.fsum(terms) / len(terms)
    ours = log_loss(_CUSTOM_Y, _CUSTOM_P, policy="custom", eps=eps)
    assert ours == pytest.approx(expected, rel=1e-9, abs=0.0)
    # "sklearn" with an explicit eps is the same custom convention.
    assert log_loss(_CUSTOM_Y, _CUSTOM_P, policy="sklearn", eps=eps) == ours


@pytest.mark.parametrize("eps", [1e-3, 1e-7, 1e-15, 0.25])
def test_custom_eps_clips_each_class_probability(eps):
    """The documented convention (as sklearn's two-column clip): the probability of the actual
    class, p or 1 - p, is clipped to [eps, 1 - eps]. It differs from "clip p, then 1 - p" only
    by the rounding of 1 - (1 - eps), which matters for a tiny eps (next test)."""
    terms = []
    for yi, pi in zip(_CUSTOM_Y, _CUSTOM_P):
        q = pi if yi == 1 else 1.0 - pi
        terms.append(-math.log(min(max(q, eps), 1.0 - eps)))
    expected = math.fsum(terms) / len(terms)
    ours = log_loss(_CUSTOM_Y, _CUSTOM_P, policy="custom", eps=eps)
    assert ours == pytest.approx(expected, rel=1e-12, abs=0.0)


def test_tiny_custom_eps_clips_class0_probability_at_eps_itself():
    eps = 1e-15
    assert 1.0 - (1.0 - eps) != eps  # the rounding that separates the two readings
    # y = 0, p = 1: P(class 0) = 0 is clipped up to eps, so the loss is -ln(eps) exactly.
    assert log_loss([0], [1.0], policy="custom", eps=eps) == -math.log(eps)
    assert log_loss([1], [0.0], policy="custom", eps=eps) == -math.log(eps)


# ------------------------------------------------------------------------------------------------
# PyTorch, from the fixture
# ------------------------------------------------------------------------------------------------


def test_fixture_has_expected_shape():
    assert {c["library"] for c in CASES} == {"torch", "keras"}
    assert len(TORCH_CASES) >= 14 and len(KERAS_CASES) >= 13
    weighted = [c for c in CASES if c["weights"] is not None]
    assert all("sum" in c for c in weighted)
    assert all("weighted_mean" in c for c in weighted if c["library"] == "keras")
    for c in CASES:
        n = len(c["y_true"])
        assert len(c["per_row"]) == n, c["name"]
        assert (c["y_pred"] is None) != (c["logits"] is None), c["name"]


@pytest.mark.parametrize("case", TORCH_CASES, ids=lambda c: c["name"])
def test_torch_per_row(case):
    y, x, _ = _case_inputs(case)
    opts = _case_options(case)
    expected = _arr(case["per_row"])
    weights = None if case["weights"] is None else _arr(case["weights"])
    for what, loss in (
        ("row_losses", row_losses(y, x, opts)),
        ("row_terms.loss", row_terms(y, x, opts).loss),
    ):
        if weights is not None:
            loss = loss * weights  # torch's per_row already includes the weight
        assert_close(loss, expected, rel=1e-9, floor=1e-300, what=f"{case['name']} {what}")


@pytest.mark.parametrize("case", TORCH_CASES, ids=lambda c: c["name"])
def test_torch_mean(case):
    """The torch convention reduces as torch does by default: Σ w·loss / N (N rows)."""
    y, x, _ = _case_inputs(case)
    opts = _case_options(case)
    assert opts.reduction_used == "mean"
    w = None if case["weights"] is None else _arr(case["weights"])
    t = totals(row_losses(y, x, opts), y, w, options=opts)
    assert_close(t.mean, case["mean"], rel=1e-9, floor=1e-300, what=case["name"])


@pytest.mark.parametrize("case", [c for c in TORCH_CASES if c["weights"] is not None],
                         ids=lambda c: c["name"])
def test_torch_reduction_sum(case):
    """--reduction sum is torch's reduction='sum'."""
    y, x, _ = _case_inputs(case)
    opts = replace(_case_options(case), reduction="sum")
    t = totals(row_losses(y, x, opts), y, _arr(case["weights"]), options=opts)
    assert_close(t.mean, case["sum"], rel=1e-9, floor=1e-300, what=case["name"])


def test_issue_15_example_under_each_library():
    """y = 1, 0, 1, 0; p = 0.8, 0.3, 0.6, 0.1; w = 1, 2, 0.5, 1 (measured with the libraries)."""
    y, p, w = [1, 0, 1, 0], [0.8, 0.3, 0.6, 0.1], [1, 2, 0.5, 1]
    assert log_loss(y, p, w, policy="sklearn") == pytest.approx(0.2882815, abs=5e-8)
    assert log_loss(y, p, w, policy="sklearn") == pytest.approx(
        sk_log_loss(y, p, labels=[0, 1], sample_weight=w), rel=1e-12)
    for policy in ("torch", "keras"):
        assert log_loss(y, p, w, policy=policy) == pytest.approx(0.3243167, abs=5e-8), policy
    # The same numbers on demand, whatever the convention.
    assert log_loss(y, p, w, policy="torch", reduction="weighted-mean") == pytest.approx(
        0.2882815, abs=5e-8)
    assert log_loss(y, p, w, policy="sklearn", reduction="mean") == pytest.approx(0.3243167, abs=5e-8)
    ref = {c["name"]: c for c in CASES}
    assert ref["torch_bce_weighted_issue15"]["mean"] == pytest.approx(0.3243167, abs=5e-8)
    assert ref["keras_bce_weighted_issue15"]["weighted_mean"] == pytest.approx(0.2882815, abs=5e-7)


def test_all_zero_weights_per_library():
    """scikit-learn raises (our weighted mean is undefined: NaN); torch and Keras give 0."""
    y, p, w = [1, 0, 1, 0], [0.8, 0.3, 0.6, 0.1], [0, 0, 0, 0]
    with pytest.raises((ValueError, ZeroDivisionError)):
        sk_log_loss(y, p, labels=[0, 1], sample_weight=w)
    assert math.isnan(log_loss(y, p, w, policy="sklearn"))
    ref = {c["name"]: c for c in CASES}
    for policy in ("torch", "keras"):
        assert log_loss(y, p, w, policy=policy) == 0.0 == ref[f"{policy}_bce_weights_all_zero"]["mean"]
        assert log_loss(y, p, w, policy=policy, reduction="sum") == 0.0


def test_torch_clamps_log_terms_at_minus_100():
    case = next(c for c in TORCH_CASES if c["name"] == "torch_bce_extremes")
    assert max(case["per_row"]) == 100.0
    y, x, _ = _case_inputs(case)
    loss = row_losses(y, x, _case_options(case))
    assert np.all(np.isfinite(loss)) and loss.max() == 100.0


def test_torch_logit_class0_cancellation_is_reproduced():
    """torch forms z - log_sigmoid(z): for y = 0, z = -50 it returns exactly 0 (not 1.9e-22)."""
    case = next(c for c in TORCH_CASES if c["name"] == "torch_bce_logits")
    y, z, _ = _case_inputs(case)
    row = int(np.flatnonzero((z == -50.0) & (y == 0.0))[0])
    assert case["per_row"][row] == 0.0
    assert row_losses(y, z, _case_options(case))[row] == 0.0
    # The exact convention keeps the true value log1p(e^-50).
    exact = LossOptions(policy=make_policy("exact"), logits=True)
    assert row_losses(y, z, exact)[row] == pytest.approx(math.log1p(math.exp(-50.0)), rel=1e-15)


# ------------------------------------------------------------------------------------------------
# Keras (float32), from the fixture
# ------------------------------------------------------------------------------------------------

KERAS_REL = 1e-5
# Only exact zeros need a floor; anything larger would hide a 1.0e-7 vs 1.19e-7 discrepancy.
KERAS_FLOOR = 1e-30


@pytest.mark.parametrize("case", KERAS_CASES, ids=lambda c: c["name"])
def test_keras_per_row(case):
    assert case["dtype"] == "float32"
    y, x, _ = _case_inputs(case)
    opts = _case_options(case)
    assert opts.label_smoothing == case["label_smoothing"]
    expected = _arr(case["per_row"])
    weights = None if case["weights"] is None else _arr(case["weights"])
    for what, loss in (
        ("row_losses", row_losses(y, x, opts)),
        ("row_terms.loss", row_terms(y, x, opts).loss),
    ):
        if weights is not None:
            loss = loss * weights
        assert_close(
            loss, expected, rel=KERAS_REL, floor=KERAS_FLOOR, what=f"{case['name']} {what}"
        )


@pytest.mark.parametrize("case", KERAS_CASES, ids=lambda c: c["name"])
def test_keras_mean(case):
    """Keras' default sum_over_batch_size: Σ w·loss / N."""
    y, x, _ = _case_inputs(case)
    opts = _case_options(case)
    assert opts.reduction_used == "mean"
    w = None if case["weights"] is None else _arr(case["weights"])
    t = totals(row_losses(y, x, opts), y, w, options=opts)
    assert_close(t.mean, case["mean"], rel=KERAS_REL, floor=KERAS_FLOOR, what=case["name"])


@pytest.mark.parametrize("case", [c for c in KERAS_CASES if c["weights"] is not None],
                         ids=lambda c: c["name"])
@pytest.mark.parametrize("reduction,key", [("sum", "sum"), ("weighted-mean", "weighted_mean")])
def test_keras_other_reductions(case, reduction, key):
    """reduction="sum" and "mean_with_sample_weight" (Σ w·loss / Σ w)."""
    y, x, _ = _case_inputs(case)
    opts = replace(_case_options(case), reduction=reduction)
    w = _arr(case["weights"])
    t = totals(row_losses(y, x, opts), y, w, options=opts)
    if key == "weighted_mean" and math.fsum(w) == 0.0:
        # Keras divides with divide_no_nan (0); we, as scikit-learn, call it undefined.
        assert case[key] == 0.0 and math.isnan(t.mean)
        return
    assert_close(t.mean, case[key], rel=KERAS_REL, floor=KERAS_FLOOR, what=case["name"])


def test_keras_class0_term_is_log1p_of_clipped_p():
    """y = 0, p = 0: Keras clips p to float32(1e-7) and takes -log1p(-c) ≈ 1.0e-7, not 1.19e-7."""
    case = next(c for c in KERAS_CASES if c["name"] == "keras_bce_extremes")
    y, x, _ = _case_inputs(case)
    row = int(np.flatnonzero((x == 0.0) & (y == 0.0))[0])
    c = float(np.float32(1e-7))
    assert case["per_row"][row] == pytest.approx(-math.log1p(-c), rel=1e-6)
    ours = row_losses(y, x, _case_options(case))[row]
    assert ours == pytest.approx(case["per_row"][row], rel=KERAS_REL)


# ------------------------------------------------------------------------------------------------
# The exact convention at the extremes
# ------------------------------------------------------------------------------------------------

EXACT = LossOptions(policy=make_policy("exact"))
EXACT_LOGITS = LossOptions(policy=make_policy("exact"), logits=True)


def _one(y: float, x: float, opts: LossOptions = EXACT) -> tuple[float, float]:
    """(fast-path loss, row_terms loss) for a single row."""
    a = float(row_losses(_arr([y]), _arr([x]), opts)[0])
    b = float(row_terms(_arr([y]), _arr([x]), opts).loss[0])
    return a, b


def test_exact_tiny_p_with_class_0_is_not_zero():
    for loss in _one(0.0, 1e-20):
        assert loss == 1e-20


def test_exact_tiny_p_with_class_1():
    for loss in _one(1.0, 1e-300):
        assert loss == -math.log(1e-300)
        assert loss == pytest.approx(690.7755278982137, rel=1e-15)


def test_exact_p_near_one_with_class_0():
    p = 1.0 - 1e-16
    expected = -math.log1p(-p)
    assert expected == pytest.approx(36.7368005696771, rel=1e-12)
    for loss in _one(0.0, p):
        assert loss == expected


@pytest.mark.parametrize(
    "y, z, expected",
    [(1.0, -1000.0, 1000.0), (0.0, 1000.0, 1000.0), (1.0, 1000.0, 0.0), (0.0, -1000.0, 0.0)],
)
def test_exact_huge_logits(y, z, expected):
    for loss in _one(y, z, EXACT_LOGITS):
        assert not math.isnan(loss)
        assert loss == expected


def test_exact_moderate_logits_match_textbook():
    for z in (-30.0, -5.0, -1.0, 0.0, 1e-8, 2.5, 30.0):
        for y in (0.0, 1.0):
            # -ln sigmoid(z) = log1p(e^-z) for class 1; log1p(e^z) for class 0.
            expected = math.log1p(math.exp(-z)) if y == 1.0 else math.log1p(math.exp(z))
            for loss in _one(y, z, EXACT_LOGITS):
                assert loss == pytest.approx(expected, rel=1e-14), (y, z)


def test_exact_p_zero_for_class_1_is_infinite():
    y = _arr([1.0, 0.0, 1.0])
    p = _arr([0.0, 0.0, 0.5])
    loss = row_losses(y, p, EXACT)
    assert loss[0] == math.inf
    assert loss[1] == 0.0
    assert loss[2] == pytest.approx(math.log(2.0), rel=1e-15)
    t = totals(loss, y)
    assert t.n_infinite == 1
    assert t.mean == math.inf
    assert t.n == 3
    # p = 1 for a class-0 row is the mirror case.
    loss = row_losses(_arr([0.0, 1.0]), _arr([1.0, 1.0]), EXACT)
    assert loss[0] == math.inf and loss[1] == 0.0


def test_exact_infinite_row_with_weight_zero_does_not_count():
    y = _arr([1.0, 1.0])
    p = _arr([0.0, 0.5])
    w = _arr([0.0, 2.0])
    t = totals(row_losses(y, p, EXACT), y, w)
    assert t.n_infinite == 0
    assert t.mean == pytest.approx(math.log(2.0), rel=1e-15)


# ------------------------------------------------------------------------------------------------
# Label smoothing, pos_weight, option errors
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("a", [0.05, 0.1, 0.2, 0.5, 1.0])
def test_label_smoothing_exact_equals_formula(a):
    y = [1, 0, 1, 0, 1, 0]
    p = [0.94, 0.56, 0.1, 0.9, 0.5, 0.01]
    opts = LossOptions(policy=make_policy("exact"), label_smoothing=a)
    ours = row_losses(_arr(y), _arr(p), opts)
    for i, (yi, pi) in enumerate(zip(y, p)):
        ys = yi * (1.0 - a) + a / 2.0
        expected = -(ys * math.log(pi) + (1.0 - ys) * math.log1p(-pi))
        assert ours[i] == pytest.approx(expected, rel=1e-12), (a, i)
    mean = log_loss(y, p, policy="exact", label_smoothing=a)
    assert mean == pytest.approx(float(np.mean(ours)), rel=1e-12)


def _torch_pos_weight_formula(y: float, z: float, pw: float) -> float:
    """-(pw·y·ln σ(z) + (1 - y)·ln(1 - σ(z))), textbook, for moderate z."""
    ln_sig = -math.log1p(math.exp(-z))
    ln_one_minus = -math.log1p(math.exp(z))
    return -(pw * y * ln_sig + (1.0 - y) * ln_one_minus)


@pytest.mark.parametrize("policy", ["exact", "torch"])
@pytest.mark.parametrize("pw", [0.1, 0.5, 3.0, 10.0])
def test_pos_weight_on_logits_matches_torch_formula(policy, pw):
    y = [1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 0.3, 0.8]
    z = [-5.0, -5.0, 0.0, 0.0, 2.0, 2.0, -1.5, 3.0]
    opts = LossOptions(policy=make_policy(policy), logits=True, pos_weight=pw, soft_labels=True)
    for what, ours in (
        ("row_losses", row_losses(_arr(y), _arr(z), opts)),
        ("row_terms", row_terms(_arr(y), _arr(z), opts).loss),
    ):
        for i, (yi, zi) in enumerate(zip(y, z)):
            expected = _torch_pos_weight_formula(yi, zi, pw)
            assert ours[i] == pytest.approx(expected, rel=1e-12), (what, i)


def test_pos_weight_fixture_case_is_three_times_class1_rows():
    plain = next(c for c in TORCH_CASES if c["name"] == "torch_bce_logits")
    weighted = next(c for c in TORCH_CASES if c["name"] == "torch_bce_logits_pos_weight")
    for y, a, b in zip(plain["y_true"], plain["per_row"], weighted["per_row"]):
        assert b == pytest.approx(a * (weighted["pos_weight"] if y == 1.0 else 1.0), rel=1e-15)


def test_pos_weight_without_logits_is_an_error():
    with pytest.raises(OptionsError):
        LossOptions(pos_weight=2.0)
    with pytest.raises(OptionsError):
        log_loss([1, 0], [0.5, 0.5], pos_weight=2.0)


@pytest.mark.parametrize("bad", [1.5, -0.1, float("nan")])
def test_label_smoothing_out_of_range_is_an_error(bad):
    with pytest.raises(OptionsError):
        LossOptions(label_smoothing=bad)
    with pytest.raises(OptionsError):
        log_loss([1, 0], [0.5, 0.5], label_smoothing=bad)


@pytest.mark.parametrize("bad", [0.0, -1.0, float("inf"), float("nan")])
def test_bad_pos_weight_is_an_error(bad):
    with pytest.raises(OptionsError):
        LossOptions(logits=True, pos_weight=bad)


# ------------------------------------------------------------------------------------------------
# Summation precision
# ------------------------------------------------------------------------------------------------


def _million_rows():
    rng = np.random.default_rng(4242)
    n = 1_000_000
    y = (rng.random(n) < 0.4).astype(np.float64)
    # Probabilities spread over many orders of magnitude, so losses span ~1e-12 .. ~30 nats.
    p = np.where(rng.random(n) < 0.5, rng.random(n), 10.0 ** -rng.uniform(0, 12, n))
    p = np.where(rng.random(n) < 0.5, p, 1.0 - p)
    w = rng.exponential(1.0, n)
    return y, p, w


def test_sum_loss_is_accurate_at_a_million_rows():
    y, p, w = _million_rows()
    loss = row_losses(y, p, EXACT)
    assert np.all(np.isfinite(loss))
    exact_sum = math.fsum(loss.tolist())
    t = totals(loss, y)
    assert t.sum_loss == pytest.approx(exact_sum, rel=1e-12, abs=0.0)
    assert t.sum_weight == 1_000_000.0
    assert t.mean == pytest.approx(exact_sum / 1_000_000, rel=1e-12, abs=0.0)

    products = (w * loss).tolist()
    exact_wsum = math.fsum(products)
    tw = totals(loss, y, w)
    assert tw.sum_loss == pytest.approx(exact_wsum, rel=1e-12, abs=0.0)
    assert tw.sum_weight == pytest.approx(math.fsum(w.tolist()), rel=1e-12, abs=0.0)
    assert tw.base_rate == pytest.approx(
        math.fsum((w * y).tolist()) / math.fsum(w.tolist()), rel=1e-12
    )
