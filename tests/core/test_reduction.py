"""Each convention reduces weighted row losses as its library does, on every path.

scikit-learn's ``log_loss(sample_weight=w)`` is Σ w·l / Σ w; PyTorch's ``reduction='mean'`` and
Keras' ``sum_over_batch_size`` are Σ w·l / N; ``reduction='sum'`` is Σ w·l. The expected numbers
here are written from the row losses with ``math.fsum`` (and checked against the libraries in
``test_loss_reference.py``); the in-memory evaluation, the live (edit by edit) evaluation and
the streamed computation of a file must all give them.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from bce_gui.core.dataset import Dataset
from bce_gui.core.evaluate import evaluate
from bce_gui.core.live import LiveEvaluation
from bce_gui.core.loss import REDUCTIONS, LossOptions, OptionsError, default_reduction, row_losses
from bce_gui.core.policies import POLICY_NAMES, make_policy
from bce_gui.core.stream import stream_compute

Y = [1, 0, 1, 0, 1, 1, 0, 0, 1, 0]
P = [0.8, 0.3, 0.6, 0.1, 0.95, 0.02, 0.5, 0.99, 0.7, 0.0]
W = [1, 2, 0.5, 1, 0, 3, 1.5, 0.25, 2, 1]


def policy(name):
    return make_policy(name, 1e-6 if name == "custom" else None)


def expected(options: LossOptions, y, p, w) -> float:
    """Σ w·l reduced as the option says, from the engine's row losses summed with fsum."""
    loss = row_losses(np.asarray(y, float), np.asarray(p, float), options)
    terms = [wi * li for wi, li in zip(w, loss.tolist()) if wi > 0]
    if any(math.isinf(t) for t in terms):
        return math.inf
    total = math.fsum(terms)
    how = options.reduction_used
    if how == "sum":
        return total
    if how == "mean":
        return total / len(y)
    return total / math.fsum(w) if math.fsum(w) else math.nan


@pytest.mark.parametrize("name", POLICY_NAMES)
def test_each_convention_has_its_librarys_default(name):
    opts = LossOptions(policy=policy(name))
    assert opts.reduction is None
    assert opts.reduction_used == ("mean" if name in ("torch", "keras") else "weighted-mean")
    assert opts.reduction_used == default_reduction(name)


def test_unknown_reduction_is_an_option_error():
    with pytest.raises(OptionsError, match="reduction"):
        LossOptions(reduction="median")


def _write(path, y, p, w):
    lines = ["id,actual,predicted,weight"]
    lines += [f"r{i},{a},{b!r},{c!r}" for i, (a, b, c) in enumerate(zip(y, p, w))]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize("reduction", [None, *REDUCTIONS])
@pytest.mark.parametrize("name", POLICY_NAMES)
def test_in_memory_live_and_streamed_agree_with_the_formula(tmp_path, name, reduction):
    opts = LossOptions(policy=policy(name), reduction=reduction)
    want = expected(opts, Y, P, W)
    ds = Dataset.from_arrays(Y, P, W)

    full = evaluate(ds, opts).totals
    live = LiveEvaluation(ds, opts).totals
    path = _write(tmp_path / "w.csv", Y, P, W)
    streamed = [stream_compute(path, opts, chunk_rows=k).totals for k in (1, 3, None)]
    for what, t in [("in memory", full), ("live", live)] + [("streamed", s) for s in streamed]:
        assert t.reduction == opts.reduction_used, what
        if math.isinf(want):
            assert t.mean == math.inf, what
        else:
            assert t.mean == pytest.approx(want, rel=1e-12), what


@pytest.mark.parametrize("name", POLICY_NAMES)
def test_without_weights_both_means_are_the_plain_mean(name):
    y, p = Y[:9], P[:9]  # (no p = 0 row: finite under every convention)
    means = {r: evaluate(Dataset.from_arrays(y, p), LossOptions(policy=policy(name), reduction=r)).totals
             for r in REDUCTIONS}
    assert means["mean"].mean == means["weighted-mean"].mean
    assert means["sum"].mean == pytest.approx(means["mean"].mean * len(y), rel=1e-14)


def test_live_edits_keep_the_reduction():
    """After edits the live totals still equal a full evaluation under the torch mean."""
    opts = LossOptions(policy=make_policy("torch"))
    ds = Dataset.from_arrays(Y, P, W)
    live = LiveEvaluation(ds, opts)
    ds.set_cell_text("weight", 4, "4")
    ds.set_cell_text("predicted", 9, "0.4")
    live.rows_changed([4, 9])
    ds.set_cell_text("actual", 2, "x")  # invalid: out of N as well
    live.rows_changed([2])
    full = evaluate(ds, opts).totals
    assert live.totals.n == full.n == 9
    assert live.totals.mean == pytest.approx(full.mean, rel=1e-13)
    assert full.mean == pytest.approx(full.sum_loss / 9, rel=1e-15)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_all_zero_weights(reduction):
    """scikit-learn raises (NaN here, one clear line in the CLI); the means over rows give 0."""
    t = evaluate(Dataset.from_arrays(Y[:4], P[:4], [0, 0, 0, 0]),
                 LossOptions(policy=make_policy("sklearn"), reduction=reduction)).totals
    if reduction == "weighted-mean":
        assert math.isnan(t.mean)
    else:
        assert t.mean == 0.0


def test_baseline_is_reduced_like_the_loss_so_skill_does_not_depend_on_it():
    base = LossOptions(policy=make_policy("sklearn"))
    t = {r: evaluate(Dataset.from_arrays(Y[:9], P[:9], W[:9]), replace(base, reduction=r)).totals
         for r in REDUCTIONS}
    sw, n = math.fsum(W[:9]), 9
    assert t["mean"].baseline == pytest.approx(t["weighted-mean"].baseline * sw / n, rel=1e-14)
    assert t["sum"].baseline == pytest.approx(t["weighted-mean"].baseline * sw, rel=1e-14)
    for r in ("mean", "sum"):
        assert t[r].skill == pytest.approx(t["weighted-mean"].skill, rel=1e-12)


def test_the_formula_and_the_summary_say_which_reduction():
    from bce_gui.core.explain import formula_text, reduction_text
    from bce_gui.core.summary import summary_dict

    ds = Dataset.from_arrays([1, 0, 1, 0], [0.8, 0.3, 0.6, 0.1], [1, 2, 0.5, 1])
    texts = {}
    for r in (None, *REDUCTIONS):
        opts = LossOptions(policy=make_policy("torch"), reduction=r)
        ev = evaluate(ds, opts)
        texts[r] = formula_text(ev.totals, opts)
        s = summary_dict(ds, ev)
        assert s["reduction"] == opts.reduction_used
    assert texts[None].startswith("(1/N) Σ w·loss = (1/4)(") and texts[None].endswith("0.3243")
    assert texts["weighted-mean"].startswith("(1/Σw) Σ w·loss = (1/4.5)(")
    assert texts["sum"].startswith("Σ w·loss = (")
    assert reduction_text(LossOptions(policy=make_policy("keras"))) == \
        "Reduction: mean over rows of w·l, Σw·l/N (Keras' default)."
    assert reduction_text(LossOptions(reduction="sum")) == \
        "Reduction: sum of w·l, Σw·l (chosen; the textbook's default is weighted mean, Σw·l/Σw)."


def test_weights_past_the_largest_float_give_no_loss_and_say_why():
    """Two weights of 1e308 sum to inf: the weighted mean read 0 (Σw·l / inf); now NaN with
    the reason, which the window's formula line says (compute refuses the file with it)."""
    from bce_gui.core.explain import formula_text

    t = evaluate(Dataset.from_arrays([1, 0], [0.9, 0.2], [1e308, 1e308]), LossOptions()).totals
    assert math.isinf(t.sum_weight) and math.isnan(t.mean)
    assert t.overflow.startswith("the weights sum to more than the largest float")
    assert "is undefined: the weights sum to more than the largest float" in formula_text(t, LossOptions())
    fine = evaluate(Dataset.from_arrays([1, 0], [0.9, 0.2], [1e200, 1e200]), LossOptions()).totals
    assert fine.overflow is None and fine.mean == pytest.approx(0.16425203348601802, rel=1e-12)
