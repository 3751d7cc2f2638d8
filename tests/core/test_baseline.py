"""The no-skill baseline is computed with the same options as the loss it is compared with.

The reference is a brute-force search for the best constant prediction under the options, with
the loss written out here; the in-memory, live and streamed evaluations must all agree with it.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from bce_gui.core.dataset import Dataset
from bce_gui.core.evaluate import evaluate
from bce_gui.core.live import LiveEvaluation
from bce_gui.core.loss import LossOptions, binary_entropy, no_skill
from bce_gui.core.policies import make_policy
from bce_gui.core.stream import stream_compute

Y = np.array([1, 0, 1, 0, 0, 1, 0, 0, 0, 1], dtype=float)
W = np.array([1, 2, 1, 1, 3, 1, 1, 2, 1, 1], dtype=float)


def searched(y, w, smoothing=0.0, pos_weight=1.0) -> tuple[float, float]:
    q = np.linspace(1e-5, 1 - 1e-5, 999_981)
    ys = y * (1 - smoothing) + smoothing / 2
    a = float(np.sum(w * pos_weight * ys) / np.sum(w))
    b = float(np.sum(w * (1 - ys)) / np.sum(w))
    mean = -(a * np.log(q) + b * np.log1p(-q))
    k = int(np.argmin(mean))
    return float(q[k]), float(mean[k])


@pytest.mark.parametrize("opts", [
    LossOptions(),
    LossOptions(policy=make_policy("sklearn")),
    LossOptions(logits=True, pos_weight=3.0),
    LossOptions(label_smoothing=0.2),
    LossOptions(policy=make_policy("torch"), logits=True, label_smoothing=0.1, pos_weight=0.5),
], ids=["exact", "sklearn", "pos_weight", "smoothing", "torch-all"])
def test_baseline_is_the_best_constant_under_the_options(opts, tmp_path):
    z = np.linspace(-2, 2, Y.size) if opts.logits else np.linspace(0.1, 0.9, Y.size)
    ds = Dataset.from_arrays(Y, z, weights=W)
    q, best = searched(Y, W, opts.label_smoothing, opts.pos_weight or 1.0)
    # reduced as the loss is (PyTorch's default divides Σw·l by N, not by Σw)
    best *= {"weighted-mean": 1.0, "mean": W.sum() / W.size, "sum": W.sum()}[opts.reduction_used]
    ev = evaluate(ds, opts)
    t = ev.totals
    assert t.base_rate == pytest.approx(np.sum(W * Y) / np.sum(W), rel=1e-15)
    assert t.baseline_prediction == pytest.approx(q, abs=2e-5)
    assert t.baseline == pytest.approx(best, rel=1e-9)
    assert t.skill == pytest.approx(1 - t.mean / best, rel=1e-9)
    live = LiveEvaluation(ds, opts).totals
    assert live.baseline == pytest.approx(t.baseline, rel=1e-12)
    # and the command line's streamed pass
    path = tmp_path / "d.csv"
    path.write_text("actual,predicted,weight\n" + "".join(
        f"{a:g},{float(p)!r},{wt:g}\n" for a, p, wt in zip(Y, z, W)))
    streamed = stream_compute(path, opts).totals
    assert streamed.baseline == pytest.approx(t.baseline, rel=1e-12)


def test_without_options_the_baseline_is_the_binary_entropy_of_the_base_rate():
    for q in (0.0, 0.3, 0.5, 1.0):
        assert no_skill(q) == (q, binary_entropy(q))
        p, loss = no_skill(q, LossOptions())
        assert p == q and loss == pytest.approx(binary_entropy(q), rel=1e-15, abs=0)
    assert no_skill(1.0, LossOptions(logits=True, pos_weight=2.0)) == (1.0, 0.0)
    assert all(math.isnan(v) for v in no_skill(math.nan, LossOptions()))
