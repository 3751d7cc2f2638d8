"""The conventions compared for K classes (core/metrics/parity.py, categorical_parity): each
library's loss from the K-class engine, scikit-learn's checked live, and one sentence per cause
of a difference on the edge cases (p = 0, tiny p, p near 1, rows not summing to 1, float32)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from _metrics_data import multiclass_oof
from sklearn.metrics import log_loss

from bce_gui.core.loss import LossOptions
from bce_gui.core.metrics.insight import MetricsAccumulator, insight
from bce_gui.core.metrics.parity import categorical_parity
from bce_gui.core.multiclass import categorical_log_loss, categorical_row_losses, class_probabilities
from bce_gui.core.policies import make_policy


def edge_rows():
    """Four rows that each trigger one cause, then ordinary rows (summing to 1)."""
    rng = np.random.default_rng(3)
    P = rng.dirichlet([2.0, 2.0, 2.0], size=60)
    y = rng.integers(0, 3, 60)
    P[0], y[0] = [0.0, 0.5, 0.5], 0  # p = 0 for the actual class
    P[1], y[1] = [1e-20, 0.5, 0.5 - 1e-20], 0  # below scikit-learn's and Keras' bounds
    P[2], y[2] = [1 - 1e-9, 5e-10, 5e-10], 0  # within 1e-7 of 1
    P[3], y[3] = [0.5, 0.3, 0.3], 1  # sums to 1.1
    return y, P


def sentence(par, words: str) -> tuple[str, np.ndarray | None]:
    found = [(t, r) for t, r in par.explained() if words in t]
    assert len(found) == 1, (words, [t for t, _ in par.explained()])
    return found[0]


def test_each_convention_is_its_library_and_the_chosen_one_is_known():
    y, P = multiclass_oof("wine")
    exact = categorical_row_losses(y, P, LossOptions())
    par = categorical_parity(y, P, options=LossOptions(), known={"exact": exact})
    assert par.loss["sklearn"].value == pytest.approx(log_loss(y, P, labels=[0, 1, 2]), rel=1e-12)
    for name in ("exact", "torch", "keras"):
        assert par.loss[name].value == categorical_log_loss(y, P, policy=name)
    # Keras' float32 is the one difference on well-formed probabilities, said as a digit.
    text, rows = sentence(par, "Keras computes in float32")
    assert rows is None and "significant digit differs" in text
    sentence(par, "scikit-learn and PyTorch agree with the exact loss")


def test_weights_reduce_each_convention_as_its_library_does():
    y, P = multiclass_oof("iris")
    w = np.random.default_rng(0).uniform(0.5, 2.0, y.size)
    par = categorical_parity(y, P, w, options=LossOptions())
    assert par.loss["sklearn"].value == pytest.approx(
        log_loss(y, P, sample_weight=w, labels=[0, 1, 2]), rel=1e-12)  # Σw·l / Σw
    torch = categorical_row_losses(y, P, LossOptions(policy=make_policy("torch")))
    assert par.loss["torch"].value == pytest.approx(np.sum(w * torch) / y.size, rel=1e-12)  # / N


def test_the_edge_cases_are_named_with_their_rows():
    y, P = edge_rows()
    par = categorical_parity(y, P, options=LossOptions())
    assert math.isinf(par.loss["exact"].value) and math.isinf(par.loss["torch"].value)
    assert par.loss["sklearn"].value == pytest.approx(
        log_loss(y, np.clip(P, 2.2e-16, 1.0), labels=[0, 1, 2]), rel=1e-12)
    assert math.isfinite(par.loss["keras"].value)

    text, rows = sentence(par, "p = 0 for its actual class")
    assert rows.tolist() == [0]
    assert "the exact loss is infinite" in text
    assert "scikit-learn clips it to 2.2e-16 and it costs 36.0 nats" in text  # -ln(2.2e-16)
    assert "PyTorch's NLLLoss takes its log as given, so it is infinite there too" in text
    assert "Keras clips it to 1e-7 in float32, so it costs 16.1 nats" in text  # -ln(1e-7)

    text, rows = sentence(par, "below 2.2e-16 (but above 0)")
    assert rows.tolist() == [1] and "costs 36.0 nats instead of 46.1 nats" in text  # -ln(1e-20)
    text, rows = sentence(par, "below 1e-7 (but above 0)")
    assert rows.tolist() == [1] and "Keras clips it to 1e-7" in text
    text, rows = sentence(par, "within 1e-7 of 1")
    assert rows.tolist() == [2] and "1.19e-07 nats instead of 1e-09 nats" in text
    text, rows = sentence(par, "do not sum to 1")
    assert rows.tolist() == [3]
    assert text.startswith("1 row's probabilities do not sum to 1 (sum 1.1): Keras divides")
    assert "exact, scikit-learn and PyTorch take the actual class's probability as given" in text
    # Keras against exact, on the rows it neither clips nor divides.
    sentence(par, "on the rows it does not clip")


def test_k_class_sentences_follow_the_unit_their_sums_stay_sums():
    """In bits each loss is in bits (named); a row's sum of probabilities is no loss: 1.1."""
    y, P = edge_rows()
    par = categorical_parity(y, P, options=LossOptions())
    bits = [t for t, _ in par.explained("bits")]
    assert not any("nats" in t for t in bits)
    (p0,) = [t for t in bits if "p = 0 for its actual class" in t]
    assert f"and it costs {-math.log2(2.220446049250313e-16):g} bits" in p0
    (off,) = [t for t in bits if "do not sum to 1" in t]
    keras = -math.log2(float(np.float32(0.3)) / float(np.float32(1.1)))  # 0.3 of a 1.1 row
    assert off.startswith("1 row's probabilities do not sum to 1 (sum 1.1): Keras divides")
    assert (f"Keras' loss of that row: {keras:.3g} bits, against {-math.log2(0.3):.3g} bits "
            "exactly") in off


def test_rows_renormalised_by_the_user_are_no_keras_difference():
    y, P = edge_rows()
    y, P = y[3:], P[3:]  # the row summing to 1.1 and ordinary rows
    plain = categorical_parity(y, P, options=LossOptions())
    sentence(plain, "do not sum to 1")
    renorm = categorical_parity(y, P, options=LossOptions(renormalize=True))
    assert not [t for t, _ in renorm.explained() if "do not sum to 1" in t]
    assert renorm.loss["exact"].value == pytest.approx(
        categorical_log_loss(y, P, renormalize=True), rel=1e-15)


def test_logits_say_what_each_library_changes_in_k_class_terms():
    y, P = multiclass_oof("iris")
    z = np.log(np.clip(P, 1e-300, None)) + 0.7
    par = categorical_parity(y, z, options=LossOptions(logits=True))
    for name in ("exact", "sklearn", "torch", "keras"):
        assert par.loss[name].value == pytest.approx(
            categorical_log_loss(y, z, policy=name, logits=True), rel=1e-12)
    texts = " ".join(t for t, _ in par.explained())
    assert "caps each log at" not in texts  # (the binary PyTorch convention's words)
    assert "nan" not in texts.lower()


def test_the_streamed_comparison_merges_to_the_one_in_memory():
    y, P = edge_rows()
    y, P = y[1:], P[1:]  # finite under every convention
    opts = LossOptions()
    losses = categorical_row_losses(y, P, opts)
    p = class_probabilities(P, opts)
    whole = insight(y, p, options=opts, losses=losses, raw=P, n_resamples=50)
    parts = MetricsAccumulator(options=opts, n_resamples=50)
    for a, b in ((0, 20), (20, 59)):
        block = MetricsAccumulator(options=opts, n_resamples=50)
        block.update(y[a:b], p[a:b], losses[a:b], raw=P[a:b])
        parts.merge(block)
    streamed = parts.result(whole.loss, whole.baseline)
    for name in ("exact", "sklearn", "torch", "keras"):
        assert streamed.parity.loss[name].value == pytest.approx(
            whole.parity.loss[name].value, rel=1e-15)


def test_without_the_predictions_as_read_the_comparison_is_not_made():
    y, P = multiclass_oof("iris")
    opts = LossOptions()
    ins = insight(y, P, options=opts, losses=categorical_row_losses(y, P, opts), n_resamples=20)
    assert not any(s.defined for s in ins.parity.loss.values())


def test_a_streamed_block_computes_the_conventions_on_its_own_thread(monkeypatch):
    """The other conventions run on the loss engine's pool beside the block's statistics; they
    must not split their rows over that pool again (two large blocks in flight at once would
    each wait for a pool thread the other holds)."""
    import bce_gui.core.multiclass as mc
    from bce_gui.core.loss import PARALLEL_MIN_ROWS

    rng = np.random.default_rng(5)
    n = PARALLEL_MIN_ROWS
    P = rng.dirichlet([1.0, 1.0, 1.0], size=n)
    y = rng.integers(0, 3, n)
    opts = LossOptions()
    losses = categorical_row_losses(y, P, opts)
    split = []
    real = mc._executor
    monkeypatch.setattr(mc, "_executor", lambda: split.append(1) or real())
    acc = MetricsAccumulator(options=opts, n_resamples=20)
    acc.update(y, class_probabilities(P, opts), losses, raw=P)
    assert split == []
    ins = acc.result(float(np.mean(losses)), 1.0)
    assert ins.parity.loss["keras"].value == pytest.approx(
        categorical_log_loss(y, P, policy="keras"), rel=1e-12)
