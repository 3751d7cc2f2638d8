"""core.penalty: what the plot draws is what the table shows (heights, curves, tooltips)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bce_gui.core.dataset import Dataset
from bce_gui.core.evaluate import evaluate
from bce_gui.core.loss import LossOptions
from bce_gui.core.penalty import (
    bin_tip,
    curves,
    extreme_prediction,
    log_coordinates,
    point_tip,
    probability_of_class1,
)
from bce_gui.core.policies import make_policy

EPS64 = float(np.finfo(np.float64).eps)


def test_sklearn_curve_flattens_at_the_clip_and_reaches_p_zero():
    x, l1, l0 = curves(LossOptions(policy=make_policy("sklearn")))
    assert x[0] == 0.0 and x[-1] == 1.0
    assert l1[0] == pytest.approx(-math.log(EPS64), rel=1e-12)  # 36.04 at p = 0
    assert l0[-1] == pytest.approx(-math.log(EPS64), rel=1e-12)
    assert np.nanmax(l1) == pytest.approx(36.0436533891, rel=1e-9)


def test_exact_curve_leaves_out_ln_zero_and_follows_the_most_extreme_point():
    opts = LossOptions()
    x, l1, _ = curves(opts, extreme=extreme_prediction(np.array([1e-200, 0.5]), opts))
    assert np.isnan(l1[0])  # p = 0: −ln 0 is not drawn
    assert np.nanmax(l1) == pytest.approx(-math.log(1e-200), rel=1e-6)
    x, l1, _ = curves(opts, units="bits")
    i = int(np.argmin(np.abs(x - 0.25)))
    assert l1[i] == pytest.approx(-math.log2(x[i]), rel=1e-12)


def test_logit_curves_reach_a_logit_of_minus_1000():
    opts = LossOptions(logits=True)
    z = np.array([-1000.0, 3.0])
    x, l1, l0 = curves(opts, extreme=extreme_prediction(z, opts))
    assert np.nanmax(l1) == pytest.approx(1000.0, rel=1e-9)
    assert probability_of_class1(z, opts)[0] == 0.0
    assert np.all(np.diff(x) >= 0)


def test_pos_weight_and_smoothing_raise_the_class1_curve():
    opts = LossOptions(logits=True, pos_weight=3.0, label_smoothing=0.1)
    x, l1, l0 = curves(opts)
    i = int(np.argmin(np.abs(x - 0.3)))
    p = x[i]
    assert l1[i] == pytest.approx(-(3 * 0.95 * math.log(p) + 0.05 * math.log1p(-p)), rel=1e-9)
    assert l0[i] == pytest.approx(-(3 * 0.05 * math.log(p) + 0.95 * math.log1p(-p)), rel=1e-9)


def test_log_coordinates():
    y = np.array([100.0, 1.0, 0.0, np.nan, np.inf])
    out = log_coordinates(y, floor=1e-4)
    assert out[:3].tolist() == [2.0, 0.0, -4.0]
    assert np.isnan(out[3]) and out[4] == np.inf


@pytest.mark.parametrize("policy, y, p, corrected", [
    ("sklearn", 1.0, 0.0, EPS64),   # the table's clipped value, not 0
    ("exact", 0.0, 0.25, 0.75),
])
def test_point_tip_shows_what_the_table_shows(policy, y, p, corrected):
    ds = Dataset.from_arrays([y], [p], ids=["a"])
    opts = LossOptions(policy=make_policy(policy))
    ev = evaluate(ds, opts)
    tip = point_tip(ds, opts, 0, float(ev.loss[0]), "nats")
    assert "ID a" in tip
    assert f"corrected p = {corrected:.6g}" in tip
    assert f"row loss = {-math.log(corrected):.6g} nats" in tip


def test_point_tip_of_a_soft_label():
    ds = Dataset.from_arrays([0.3], [0.8])
    opts = LossOptions(soft_labels=True)
    ev = evaluate(ds, opts)
    loss = -(0.3 * math.log(0.8) + 0.7 * math.log(0.2))
    tip = point_tip(ds, opts, 0, float(ev.loss[0]), "nats")
    assert f"row loss = {loss:.6g} nats" in tip
    assert f"corrected p = {math.exp(-loss):.6g}" in tip  # as the table shows it (0.303)


def test_bin_tip_grammar():
    assert bin_tip(1, 0, 0.5, 0.501).startswith("1 row of actual class 0")
    assert bin_tip(2500, 1, 0.5, 0.501).startswith("2,500 rows of actual class 1")


def test_density_levels_grow_with_the_log_of_the_count():
    from bce_gui.core.penalty import density_levels

    counts = np.array([1, 2, 10, 100, 1000])
    levels = density_levels(counts, 6)
    expected = [max(1, min(6, math.ceil(math.log1p(c) / math.log1p(1000) * 6))) - 1 for c in counts]
    assert levels.tolist() == expected
    assert levels[-1] == 5 and levels[0] == 0
    assert density_levels(np.array([], dtype=int), 6).size == 0
