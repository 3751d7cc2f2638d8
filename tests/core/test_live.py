"""LiveEvaluation: totals kept up to date edit by edit must equal a full evaluation.

The reference is :func:`evaluate` on the final dataset (a from-scratch computation) and, for the
exact sums, :func:`math.fsum`.
"""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from bce_gui.core.dataset import Dataset
from bce_gui.core.evaluate import evaluate
from bce_gui.core.live import LiveEvaluation
from bce_gui.core.loss import LossOptions
from bce_gui.core.policies import make_policy

# What a person may type into a cell: numbers, edge probabilities, junk, blanks.
PREDICTED_TEXTS = ["0.3", "0.9", "0", "1", "1e-300", "0,25", "", "abc", "1.5", "-0.1", "nan", "inf"]
ACTUAL_TEXTS = ["0", "1", "1", "0", "", "2", "x", "0.5", "-1"]
WEIGHT_TEXTS = ["1", "2.5", "0", "0.001", "", "-1", "w", "1e6"]


def assert_matches_evaluate(live: LiveEvaluation, ds: Dataset, options: LossOptions) -> None:
    full = evaluate(ds, options)
    np.testing.assert_array_equal(live.valid, full.validity.valid)
    for role, codes in full.validity.codes.items():
        np.testing.assert_array_equal(live.codes[role], codes, err_msg=role)
    np.testing.assert_array_equal(live.loss, full.loss)  # NaN where excluded, in both
    assert live.n_invalid == full.validity.n_invalid  # (from the sums, without a pass over rows)
    t, f = live.totals, full.totals
    assert t.n == f.n
    assert t.n_infinite == f.n_infinite
    for name in ("sum_loss", "sum_weight", "base_rate", "baseline", "mean"):
        a, b = getattr(t, name), getattr(f, name)
        # The entropy of a base rate near 0 or 1 is ill-conditioned in relative terms (1 - b
        # keeps few digits): compare it absolutely, everything else relatively. Under the mean
        # over rows (torch, keras) the baseline is that entropy times Σw/N.
        scale = f.sum_weight / f.n if f.reduction == "mean" and f.n else 1.0
        absolute = 1e-13 * max(scale, 1.0) if name == "baseline" else 1e-300
        if math.isfinite(b):
            assert a == pytest.approx(b, rel=1e-12, abs=absolute), name
        else:
            assert (math.isnan(a) and math.isnan(b)) or a == b, (name, a, b)


def random_dataset(rng: np.random.Generator, n: int, weighted: bool) -> Dataset:
    ds = Dataset.from_arrays(
        rng.integers(0, 2, n).astype(float), rng.uniform(0, 1, n),
        weights=rng.uniform(0, 3, n) if weighted else None,
        ids=[f"r{i}" for i in range(n)],
    )
    ds.extras["note"] = np.array([f"x{i}" for i in range(n)], dtype=object)
    return ds


OPTIONS = {
    "exact": LossOptions(),
    "sklearn": LossOptions(policy=make_policy("sklearn")),
    "torch": LossOptions(policy=make_policy("torch")),
    "keras": LossOptions(policy=make_policy("keras")),
    "soft-smoothed": LossOptions(soft_labels=True, label_smoothing=0.1),
    "logits": LossOptions(logits=True),
}


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("opt_name", list(OPTIONS))
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_random_edit_sequences_match_full_evaluation(seed, opt_name, weighted):
    rng = np.random.default_rng(seed)
    pick = random.Random(seed)
    options = OPTIONS[opt_name]
    ds = random_dataset(rng, 60, weighted)
    live = LiveEvaluation(ds, options)
    assert_matches_evaluate(live, ds, options)
    structural = []  # a stack of ("insert", at, count) / ("delete", snapshot), for undo
    roles = ["actual", "predicted"] + (["weight"] if weighted else [])
    texts = {"actual": ACTUAL_TEXTS, "predicted": PREDICTED_TEXTS, "weight": WEIGHT_TEXTS}

    for step in range(150):
        op = pick.choices(["edit", "edit_many", "insert", "delete", "undo"], [6, 2, 1, 1, 2])[0]
        n = len(ds)
        if op in ("edit", "edit_many") and n:
            k = 1 if op == "edit" else pick.randint(2, max(2, n // 3))
            rows = [pick.randrange(n) for _ in range(k)]
            for r in rows:
                role = pick.choice(roles)
                ds.set_cell_text(role, r, pick.choice(texts[role]))
            live.rows_changed(rows)
        elif op == "insert":
            at, count = pick.randint(0, n), pick.randint(1, 4)
            ds.insert_rows(at, count)
            live.rows_inserted(at, count)
            # fill some of the new cells, as a paste would
            for r in range(at, at + count):
                if pick.random() < 0.7:
                    ds.set_cell_text("actual", r, pick.choice("01"))
                    ds.set_cell_text("predicted", r, f"{pick.random():.3f}")
                    if weighted:
                        ds.set_cell_text("weight", r, pick.choice(WEIGHT_TEXTS))
                    live.rows_changed([r])
            structural.append(("insert", at, count))
        elif op == "delete" and n > 2:
            rows = np.array(sorted(pick.sample(range(n), pick.randint(1, min(6, n - 1)))))
            live.rows_removed(rows)
            structural.append(("delete", ds.delete_rows(rows)))
        elif op == "undo" and structural:
            last = structural.pop()
            if last[0] == "insert":
                _, at, count = last
                rows = np.arange(at, at + count)
                live.rows_removed(rows)
                ds.delete_rows(rows)
            else:
                snap = last[1]
                ds.restore_rows(snap)
                live.rows_restored(snap.rows)
        if step % 10 == 0:
            assert_matches_evaluate(live, ds, options)
    assert_matches_evaluate(live, ds, options)


def test_label_and_weight_edits_update_base_rate_and_weighted_sums():
    """Removing a row's old contribution must use its old label and weight, not the new ones."""
    ds = Dataset.from_arrays([1, 1, 0, 0], [0.9, 0.8, 0.3, 0.2], weights=[1, 1, 1, 1])
    live = LiveEvaluation(ds, LossOptions())
    ds.set_cell_text("actual", 0, "0")
    live.rows_changed([0])
    assert live.totals.base_rate == pytest.approx(1 / 4)
    ds.set_cell_text("weight", 3, "5")
    live.rows_changed([3])
    assert live.totals.sum_weight == 8.0
    expected = (-math.log(0.1) - math.log(0.8) - math.log(0.7) - 5 * math.log(0.8)) / 8
    assert live.totals.mean == pytest.approx(expected, rel=1e-14)
    assert_matches_evaluate(live, ds, LossOptions())


def test_changing_options_rebuilds():
    ds = Dataset.from_arrays([1, 0], [0.0, 0.5])
    live = LiveEvaluation(ds, LossOptions())
    assert live.totals.mean == math.inf and live.totals.n_infinite == 1
    opts = LossOptions(policy=make_policy("torch"))
    live.rebuild(opts)
    assert live.totals.mean == pytest.approx((100.0 + math.log(2)) / 2, rel=1e-15)
    assert_matches_evaluate(live, ds, opts)


# ---------------------------------------------------------------------------------------------
# Cost of an edit: O(rows touched)
# ---------------------------------------------------------------------------------------------


def test_single_row_edit_on_a_million_rows_touches_one_row(monkeypatch):
    n = 1_000_000
    rng = np.random.default_rng(5)
    ds = Dataset.from_arrays(rng.integers(0, 2, n).astype(float), rng.uniform(0.001, 0.999, n))
    options = LossOptions()
    live = LiveEvaluation(ds, options)

    sizes = {"row_losses": [], "validate_actual": [], "validate_predicted": []}

    import importlib

    evaluate_module = importlib.import_module("bce_gui.core.evaluate")
    validation_module = importlib.import_module("bce_gui.core.validation")

    home = {"row_losses": evaluate_module, "validate_actual": validation_module,
            "validate_predicted": validation_module}

    def spy(name):
        real = getattr(home[name], name)

        def wrapper(*args, **kwargs):
            first = args[0]
            sizes[name].append(len(first.values) if hasattr(first, "values") else np.asarray(first).size)
            return real(*args, **kwargs)

        return wrapper

    for name in sizes:
        monkeypatch.setattr(home[name], name, spy(name))

    ds.set_cell_text("predicted", 123_456, "0.25")
    live.rows_changed([123_456])
    ds.set_cell_text("actual", 999_999, "abc")
    live.rows_changed([999_999])
    assert sizes == {"row_losses": [1, 1], "validate_actual": [1, 1], "validate_predicted": [1, 1]}

    full = evaluate(ds, options)
    assert live.totals.n == n - 1 == full.totals.n
    assert live.totals.mean == pytest.approx(full.totals.mean, rel=1e-12)
    y = ds.actual.values[123_456]
    assert live.loss[123_456] == pytest.approx(-math.log(0.25) if y == 1 else -math.log(0.75), rel=1e-15)
    assert np.isnan(live.loss[999_999]) and not live.valid[999_999]
