"""Datasets with several models and with K classes, evaluated through the one accumulator.

Several models are not exposed in the window and ``compute`` yet (K classes are: see
test_multiclass_files.py); the core carries them (issue "One core for K classes and several
models").
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn.metrics import log_loss as sk_log_loss

from bce_gui.core.dataset import Dataset, NumericColumn
from bce_gui.core.evaluate import evaluate
from bce_gui.core.live import LiveEvaluation
from bce_gui.core.loss import LossOptions, class_entropy
from bce_gui.core.policies import make_policy
from bce_gui.core.schema import Schema
from bce_gui.core.summary import summary_dict


def col(values) -> NumericColumn:
    return NumericColumn.from_floats(values)


def two_models(n=500, seed=1, weighted=False) -> Dataset:
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.35).astype(float)
    a = np.clip(y * 0.6 + rng.random(n) * 0.4, 0.001, 0.999)
    b = rng.uniform(0.01, 0.99, n)
    columns = {"y": col(y), "model_a": col(a), "model_b": col(b)}
    if weighted:
        columns["w"] = col(rng.choice([0.0, 0.5, 1.0, 3.0], n))
    schema = Schema.binary("y", ("model_a", "model_b"), weight="w" if weighted else None)
    return Dataset(columns, schema)


@pytest.mark.parametrize("weighted", [False, True])
def test_two_models_each_equal_their_own_single_model_evaluation(weighted):
    ds = two_models(weighted=weighted)
    ev = evaluate(ds, LossOptions())
    t_a, t_b = ev.model_totals()
    for name, t, loss in (("model_a", t_a, ev.losses[0]), ("model_b", t_b, ev.losses[1])):
        alone = Dataset({"y": ds.columns["y"], name: ds.columns[name],
                         **({"w": ds.columns["w"]} if weighted else {})},
                        Schema.binary("y", name, weight="w" if weighted else None))
        single = evaluate(alone, LossOptions())
        assert t == single.totals  # the same exact sums: equal to the last bit
        np.testing.assert_array_equal(loss, single.loss)
    assert ev.totals == t_a  # the first model is "the" model
    assert t_a.mean < t_b.mean  # model a is informative, b is noise


def test_a_bad_cell_in_one_model_excludes_the_row_for_every_model():
    ds = two_models(n=20)
    ds.set_cell_text("model_b", 3, "oops")
    ds.set_cell_text("model_a", 7, "1.5")
    ev = evaluate(ds, LossOptions())
    assert ev.validity.n_invalid == 2 and not ev.validity.valid[[3, 7]].any()
    assert all(t.n == 18 for t in ev.model_totals())
    issues = ev.validity.issues(ds)
    assert [(i.row, i.column, i.role, i.reason) for i in issues] == [
        (3, "model_b", "predicted", "not a number"),
        (7, "model_a", "predicted", "probability outside [0, 1]"),
    ]


def test_live_edits_of_any_model_equal_a_fresh_evaluation():
    ds = two_models(n=300, weighted=True)
    live = LiveEvaluation(ds, LossOptions())
    for row, name, text in [(5, "model_b", "0.25"), (9, "model_a", "x"), (9, "model_a", "0.5"),
                            (11, "w", "2"), (12, "y", "1")]:
        ds.set_cell_text(name, row, text)
        live.rows_changed([row])
        fresh = evaluate(ds, LossOptions())
        assert live.acc.results(live.options) == fresh.model_totals()
        for mine, theirs in zip(live.losses, fresh.losses):
            np.testing.assert_array_equal(mine, theirs)


def categorical(n=600, k=4, seed=3, weighted=False):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, k, n)
    p = rng.dirichlet(np.ones(k), n)
    p[np.arange(n), labels] += 0.5  # some skill
    p /= p.sum(axis=1, keepdims=True)
    classes = [10 * c for c in range(k)]  # labels are numbers, not indices
    columns = {"label": col(np.asarray(classes, float)[labels])}
    names = []
    for c in range(k):
        name = f"p_{classes[c]}"
        columns[name] = col(p[:, c])
        names.append(name)
    w = rng.random(n) * 2 if weighted else None
    if weighted:
        columns["w"] = col(w)
    schema = Schema.categorical(classes, "label", tuple(names), weight="w" if weighted else None)
    return Dataset(columns, schema), labels, p, w


@pytest.mark.parametrize("weighted", [False, True])
def test_categorical_loss_baseline_and_shares(weighted):
    ds, labels, p, w = categorical(weighted=weighted)
    ev = evaluate(ds, LossOptions(policy=make_policy("sklearn")))
    t = ev.totals
    assert t.mean == pytest.approx(sk_log_loss(labels, p, sample_weight=w, labels=range(4)), rel=1e-13)
    ww = np.ones(labels.size) if w is None else w
    shares = [math.fsum(ww[labels == c].tolist()) / math.fsum(ww.tolist()) for c in range(4)]
    assert t.class_shares == pytest.approx(shares, rel=1e-14)
    assert t.baseline == pytest.approx(class_entropy(shares), rel=1e-14)
    assert 0 < t.skill < 1
    s = summary_dict(ds, ev)
    assert s["loss"] == t.mean and s["n"] == labels.size and s["n_invalid"] == 0


def test_categorical_labels_that_are_not_classes_are_invalid_and_edits_stay_exact():
    ds, labels, p, _ = categorical(n=50)
    ds.set_cell_text("label", 4, "7")   # not a class
    ds.set_cell_text("p_20", 6, "-0.1")
    live = LiveEvaluation(ds, LossOptions())
    ev = evaluate(ds, LossOptions())
    assert [(i.row, i.column, i.reason) for i in ev.validity.issues(ds)] == [
        (4, "label", "no prediction column for this class"),
        (6, "p_20", "probability below 0"),
    ]
    keep = np.ones(50, bool)
    keep[[4, 6]] = False
    assert ev.totals.mean == pytest.approx(
        -np.mean(np.log(p[np.arange(50), labels][keep])), rel=1e-13)
    ds.set_cell_text("label", 4, "30")
    live.rows_changed([4])
    assert live.totals == evaluate(ds, LossOptions()).totals
