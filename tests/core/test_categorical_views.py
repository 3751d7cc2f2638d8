"""What the window shows of a K-class table, computed in the core: the row values, the plot's
curve and positions, the summary's texts and per-class rows, the walk-through.

Expected values are written out from the formula (math/numpy on the table's numbers) or come
from scikit-learn.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn.metrics import log_loss as sk_log_loss

from bce_gui.core import row_values
from bce_gui.core.dataset import Dataset, NumericColumn, text_array
from bce_gui.core.evaluate import evaluate
from bce_gui.core.explain import categorical_baseline_text, formula_text, sums_text, walkthrough_html
from bce_gui.core.live import LiveEvaluation
from bce_gui.core.loss import LossOptions
from bce_gui.core.penalty import actual_class_probability, categorical_curve, categorical_losses
from bce_gui.core.policies import FLOAT64_EPS, make_policy
from bce_gui.core.schema import Schema
from bce_gui.core.summary_view import class_rows

LABELS = ["b", "a", "c", "a", "c"]
P = np.array([[0.2, 0.7, 0.1], [0.6, 0.3, 0.1], [0.3, 0.3, 0.4], [0.0, 0.5, 0.5], [0.1, 0.1, 0.8]])
Y = np.array([1, 0, 2, 0, 2])


def table() -> Dataset:
    cols = {"id": text_array([f"r{i}" for i in range(5)]), "label": text_array(LABELS)}
    cols.update({f"p_{c}": NumericColumn.from_floats(P[:, k]) for k, c in enumerate("abc")})
    return Dataset(cols, Schema.categorical(("a", "b", "c"), "label", ("p_a", "p_b", "p_c"), id="id"))


def test_row_values_are_the_actual_classs_probability_its_log_and_loss():
    ds = table()
    live = LiveEvaluation(ds, LossOptions(policy=make_policy("sklearn")))
    src = row_values.EvaluatedRows.of(ds, live)
    v = row_values.block_values(src)
    q = np.clip(P[np.arange(5), Y], FLOAT64_EPS, 1 - FLOAT64_EPS)
    np.testing.assert_array_equal(v["corrected"], q)
    np.testing.assert_array_equal(v["ln"], np.log(q))
    np.testing.assert_allclose(v["share"], -np.log(q) / -np.log(q).sum(), rtol=1e-14)
    assert live.totals.mean == pytest.approx(sk_log_loss(Y, P), rel=1e-15)
    # Sorting by the actual column sorts by class order; by a class column, by its values.
    np.testing.assert_array_equal(row_values.sort_key(src, "actual"), Y.astype(float))
    np.testing.assert_array_equal(row_values.sort_key(src, "p_c"), P[:, 2])


@pytest.mark.parametrize("policy", ["exact", "sklearn", "torch", "keras"])
def test_the_curve_is_the_loss_of_a_row_with_that_q_under_the_convention(policy):
    opts = LossOptions(policy=make_policy(policy))
    q, y = categorical_curve(opts)
    assert q[0] == 0.0 and q[-1] == 1.0 and np.all(np.diff(q) > 0)
    inside = (q > 1e-6) & (q < 1 - 1e-6)
    if policy == "keras":
        np.testing.assert_allclose(y[inside], -np.log(q[inside]), rtol=1e-6, atol=2e-7)
    else:
        np.testing.assert_allclose(y[inside], -np.log(q[inside]), rtol=1e-15)
    if policy == "sklearn":
        assert y[0] == pytest.approx(-math.log(FLOAT64_EPS), rel=1e-15)  # p = 0 clipped: 36.04
    if policy in ("exact", "torch"):
        assert np.isnan(y[0])  # ln 0: not drawn
    np.testing.assert_allclose(categorical_losses(np.array([0.25]), opts), [-math.log(0.25)],
                               rtol=1e-6 if policy == "keras" else 1e-15)


def test_points_lie_on_the_curve():
    ev = evaluate(table(), LossOptions())
    q = actual_class_probability(ev.loss)
    np.testing.assert_allclose(q[[0, 1, 2, 4]], P[[0, 1, 2, 4], Y[[0, 1, 2, 4]]], rtol=1e-15)
    assert q[3] == 0.0 and ev.loss[3] == math.inf  # p = 0 for the actual class: drawn at the top


def test_summary_texts_and_per_class_rows():
    ds = table()
    ev = evaluate(ds, LossOptions(policy=make_policy("sklearn")))
    t = ev.totals
    assert formula_text(t, ev.options, categorical=True).startswith("−(1/N) Σ ln p̂ᵢ,yᵢ = −(1/5)(")
    shares = [2 / 5, 1 / 5, 2 / 5]
    entropy = -sum(s * math.log(s) for s in shares)
    assert t.baseline == pytest.approx(entropy, rel=1e-15)
    assert f"{entropy:.4g}" in categorical_baseline_text(t)
    rows = class_rows(ds.schema.task.classes, ev.accumulator.breakdown(), t)
    loss = -np.log(np.clip(P[np.arange(5), Y], FLOAT64_EPS, 1))
    assert [r.label for r in rows] == ["a", "b", "c"] and [r.rows for r in rows] == [2, 1, 2]
    for k, r in enumerate(rows):
        assert r.mean == pytest.approx(loss[Y == k].mean(), rel=1e-14)
        assert r.share == pytest.approx(loss[Y == k].sum() / loss.sum(), rel=1e-14)
        assert r.class_share == pytest.approx(shares[k], rel=1e-15)
    assert sums_text(0, False) == ""
    assert sums_text(2, True).startswith("2 rows' probabilities do not sum to 1: renormalised")


def test_walkthrough_names_each_rows_class_column():
    ds = table()
    ev = evaluate(ds, LossOptions(policy=make_policy("sklearn")))
    page = walkthrough_html(ds, ev.loss, ev.validity.valid, ev.totals, ev.options)
    assert "3 classes" in page and "p_b" in page and "<td>b</td>" in page
    assert "−(1/N) Σ ln p̂ᵢ,yᵢ" in page
