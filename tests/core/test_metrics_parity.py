"""The convention parity panel: the loss under each library's convention (from the loss
engine, checked against scikit-learn's own log_loss), and the sentences that explain each
difference on the edge cases: p = 0 and p = 1, tiny p, Keras' float32 digits."""

from __future__ import annotations

import math

import numpy as np
import pytest
from _metrics_data import breast_cancer_oof, breast_cancer_oof_logits, multiclass_oof
from sklearn.metrics import log_loss as sk_log_loss

from bce_gui.core.loss import log_loss
from bce_gui.core.metrics import parity
from bce_gui.core.metrics.parity import agreeing_digits


def test_losses_are_the_engines_under_each_convention():
    y, p = breast_cancer_oof(1e4)  # 2 rows at p = 0 and 293 at p = 1
    par = parity(y, p)
    for name in ("exact", "sklearn", "torch", "keras"):
        assert par.loss[name].value == log_loss(y, p, policy=name)
    assert par.loss["sklearn"].value == pytest.approx(sk_log_loss(y, p), rel=1e-12)


def test_p_zero_for_class_one():
    par = parity([1, 1, 0, 0], [0.0, 0.0, 0.3, 0.2])
    assert par.loss["exact"].value == math.inf
    assert par.sentences[0] == (
        "2 rows have p = 0 for class 1: the exact loss is infinite; scikit-learn clips p to "
        "2.2e-16 and each costs 36.0 nats; PyTorch caps each log at −100, so each costs 100 "
        "nats; Keras clips p to 1e-7 in float32, so each costs 16.1 nats.")
    assert par.rows["p0_class1"].tolist() == [0, 1]


def test_p_one_for_class_zero():
    par = parity([0, 1], [1.0, 0.8])
    assert par.sentences[0] == (
        "1 row has p = 1 for class 0: the exact loss is infinite; scikit-learn clips 1 − p to "
        "2.2e-16 and it costs 36.0 nats; PyTorch caps each log at −100, so it costs 100 nats; "
        "Keras clips p to 1 − 1e-7 in float32, so it costs 15.9 nats.")


def test_tiny_but_not_zero_probabilities():
    y = [1, 1, 0]
    p = [1e-20, 1e-50, 0.5]
    par = parity(y, p)
    text = "\n".join(par.sentences)
    assert ("2 rows have a probability below 2.2e-16 (but above 0) for their actual class: "
            "scikit-learn raises it to 2.2e-16, so each costs 36.0 nats instead of 46.1 to 115 "
            "nats.") in text
    assert ("1 row has a probability below 3.7e-44 (but above 0) for its actual class: PyTorch "
            "caps the log at −100, so it costs 100 nats instead of 115 nats.") in text
    assert ("2 rows have a probability below 1e-7 (but above 0) for their actual class: Keras "
            "clips it to 1e-7, so each costs 16.1 nats instead of 46.1 to 115 nats.") in text
    assert par.rows["torch_tiny"].tolist() == [1]


def test_keras_clips_near_certainty():
    par = parity([1, 0, 1], [1.0, 1e-9, 0.6])
    assert any(s.startswith("2 rows have a probability within 1e-7 of 1 for their actual class: "
                            "Keras clips it to 1 − 1e-7") for s in par.sentences)
    assert par.rows["keras_near_one"].tolist() == [0, 1]


def test_float32_digit():
    y, p = breast_cancer_oof()
    p = np.clip(p, 1e-3, 1 - 1e-3)  # nothing any library clips
    par = parity(y, p)
    keras, exact = par.loss["keras"].value, par.loss["exact"].value
    k = agreeing_digits(keras, exact)
    assert 5 <= k <= 9  # float32 keeps about 7 digits
    expected = {5: "6th", 6: "7th", 7: "8th", 8: "9th", 9: "10th"}[k]
    assert par.sentences[0].startswith(
        f"Keras computes in float32: the {expected} significant digit differs (")
    assert par.sentences[1].startswith("scikit-learn and PyTorch agree with the exact loss")
    assert par.loss["sklearn"].value == par.loss["exact"].value == par.loss["torch"].value


def test_float32_digit_apart_from_clipping():
    par = parity([1, 1, 0, 1], [0.0, 0.7, 0.2, 0.6])
    assert any(s.startswith("Keras computes in float32: on the rows it does not clip, the ")
               for s in par.sentences)


def test_agreeing_digits():
    assert agreeing_digits(0.6931472, 0.6931471) == 6
    assert agreeing_digits(0.69314718, 0.69314721) == 7
    assert agreeing_digits(1.0, 1.0) == 17
    assert agreeing_digits(0.2999999, 0.3000001) == 6


def test_rows_of_weight_zero_are_not_explained():
    par = parity([1, 0, 1], [0.0, 0.2, 0.7], [0.0, 1.0, 1.0])
    assert par.loss["exact"].defined and math.isfinite(par.loss["exact"].value)
    assert not any("p = 0" in s for s in par.sentences)


def test_logits_say_how_many_rows_each_library_changes():
    y, z = breast_cancer_oof_logits(1e4)
    par = parity(y, z, logits=True)
    for name in ("exact", "sklearn", "torch", "keras"):
        assert par.loss[name].value == log_loss(y, z, policy=name, logits=True)
    sk = [s for s in par.sentences if s.startswith("scikit-learn changes ")]
    assert len(sk) == 1 and "As sklearn.metrics.log_loss" in sk[0]
    n = par.rows["sklearn_changed"].size
    assert sk[0].startswith(f"scikit-learn changes {n} rows, the largest by ")
    # Torch works on logits with log-sigmoid: nothing to clip, nothing changed.
    assert "torch_changed" not in par.rows


def test_options_a_convention_refuses_and_k_classes():
    bad = parity([1, 0], [0.3, 0.4], pos_weight=2.0)  # pos_weight needs logits
    assert all(not s.defined and "logits" in s.reason for s in bad.loss.values())
    y, P = multiclass_oof("iris")
    multi = parity(y, P)  # (n, K) to the binary comparison: it names the K-class one
    assert all("categorical_parity" in s.reason for s in multi.loss.values())


def test_each_library_reduces_weights_its_own_way():
    """Issue 15's case: weighted rows, scikit-learn divides by Σw, PyTorch and Keras by N."""
    y = np.array([1.0, 0.0, 1.0, 0.0])
    p = np.array([0.8, 0.3, 0.6, 0.1])
    w = np.array([1.0, 2.0, 0.5, 1.0])
    par = parity(y, p, w)
    assert par.loss["sklearn"].value == pytest.approx(0.2882815, abs=1e-7)
    assert par.loss["exact"].value == pytest.approx(0.2882815, abs=1e-7)
    assert par.loss["torch"].value == pytest.approx(0.3243167, abs=1e-7)
    assert par.loss["keras"].value == pytest.approx(0.3243167, abs=1e-6)
    same = parity(y, p, w, reduction="weighted-mean")  # a reduction the user chose: for all
    assert same.loss["torch"].value == pytest.approx(0.2882815, abs=1e-7)


def test_streamed_parity_reduces_as_in_memory():
    from bce_gui.core.loss import LossOptions, row_losses
    from bce_gui.core.metrics import MetricsAccumulator, insight

    rng = np.random.default_rng(4)
    y = (rng.random(3000) < 0.4).astype(float)
    p = rng.uniform(0.001, 0.999, 3000)
    w = rng.choice([0.5, 1.0, 2.0], 3000)
    opts = LossOptions()
    whole = insight(y, p, w, options=opts)
    acc = MetricsAccumulator(options=opts, weighted=True)
    for part in np.array_split(np.arange(3000), 7):
        block = MetricsAccumulator(options=opts, weighted=True)
        block.update(y[part], p[part], row_losses(y[part], p[part], opts), w[part])
        acc.merge(block)
    streamed = acc.result(whole.loss, whole.baseline, float(np.average(y, weights=w)))
    for name in ("exact", "sklearn", "torch", "keras"):
        assert streamed.parity.loss[name].value == pytest.approx(whole.parity.loss[name].value,
                                                                 rel=1e-12), name


def test_weights_under_the_libraries_default_reductions_are_said_first():
    """scikit-learn divides Σw·l by Σw, PyTorch and Keras by N: with weights that moves the
    whole loss, so it is the first sentence; Keras' float32 digit is then read on its own
    reduction (the number shown for Keras), rows of weight 0 counted in N."""
    from bce_gui.core.metrics.parity import parity as parity_of

    y = np.array([1, 1, 0, 1, 0.0])
    p = np.array([0.9, 0.123456789012, 0.05, 0.7, 0.4])
    w = np.array([1, 1, 0, 2.5, 1.0])
    r = parity_of(y, p, w)
    first = r.sentences[0]
    assert first.startswith("With weights, the libraries reduce differently: exact and "
                            "scikit-learn divide Σw·l by the sum of the weights (Σw = 5.5); "
                            "PyTorch and Keras divide Σw·l by the number of rows (N = 5)")
    assert r.sentence_rows[0] is None and len(r.sentence_rows) == len(r.sentences)
    assert r.loss["torch"].value == pytest.approx(r.loss["exact"].value * 5.5 / 5, rel=1e-12)
    (digits,) = [s for s in r.sentences if s.startswith("Keras computes in float32")]
    shown = digits.split("(")[1].split(" nats against")[0]
    assert float(shown) == pytest.approx(r.loss["keras"].value, rel=10.0 ** -(len(shown) - 3))
    # One reduction for all, or no weights: nothing to say about it.
    same = parity_of(y, p, w, reduction="weighted-mean")
    assert not any("reduce differently" in s for s in same.sentences)
    assert not any("reduce differently" in s for s in parity_of(y, p).sentences)


def test_k_class_weights_under_default_reductions_are_said_too():
    from bce_gui.core.metrics.parity import categorical_parity

    y = np.array([0, 1, 2, 1])
    x = np.array([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.2, 0.2, 0.6], [0.3, 0.4, 0.3]])
    r = categorical_parity(y, x, np.array([1.0, 2.0, 1.0, 4.0]))
    assert r.sentences[0].startswith("With weights, the libraries reduce differently")
    assert "(Σw = 8)" in r.sentences[0] and "(N = 4)" in r.sentences[0]


def test_sentences_name_their_unit_and_follow_it():
    """Found by the team: the sentences gave each cost in nats without saying so, and still in
    nats when the window's unit was bits. Each cost is written here from its definition."""
    y, p = [1, 1, 0], [0.0, 1e-20, 0.5]
    par = parity(y, p)
    nats, bits = par.in_units("nats"), par.in_units("bits")
    assert nats == par.sentences and len(bits) == len(nats)
    eps32 = float(np.float32(1e-7))  # Keras' bound, in float32
    assert bits[0] == (
        "1 row has p = 0 for class 1: the exact loss is infinite; scikit-learn clips p to "
        f"2.2e-16 and it costs {-math.log2(2.220446049250313e-16):g} bits; PyTorch caps each "
        f"log at −100, so it costs {100 / math.log(2):.0f} bits; Keras clips p to 1e-7 in "
        f"float32, so it costs {-math.log2(eps32):.1f} bits.")
    assert ("scikit-learn raises it to 2.2e-16, so it costs 52 bits instead of "
            f"{-math.log2(1e-20):.1f} bits.") in bits[1]
    for text in bits:
        assert "nats" not in text
    assert all(" nats" in text for text in nats[:3])
    assert par.explained("bits")[0] == (bits[0], par.rows["p0_class1"])


def test_the_float32_digit_is_read_in_the_unit_shown():
    y, p = breast_cancer_oof()
    p = np.clip(p, 1e-3, 1 - 1e-3)
    par = parity(y, p)
    keras, exact = par.loss["keras"].value / math.log(2), par.loss["exact"].value / math.log(2)
    k = agreeing_digits(keras, exact)
    (said,) = [s for s in par.in_units("bits") if s.startswith("Keras computes in float32")]
    assert f"the {k + 1}" in said.split("significant")[0]
    shown = said.split("(")[1].split(" bits against ")
    assert float(shown[0]) == pytest.approx(keras, rel=10.0 ** -k)
    assert float(shown[1].split(" bits exactly")[0]) == pytest.approx(exact, rel=10.0 ** -k)


def test_logit_sentences_give_the_largest_change_in_the_unit_shown():
    y, z = breast_cancer_oof_logits(1e4)
    par = parity(y, z, logits=True)
    (nats,) = [s for s in par.in_units("nats") if s.startswith("scikit-learn changes ")]
    (bits,) = [s for s in par.in_units("bits") if s.startswith("scikit-learn changes ")]
    largest = float(nats.split("the largest by ")[1].split(" nats.")[0])
    in_bits = float(bits.split("the largest by ")[1].split(" bits.")[0])
    assert in_bits == pytest.approx(largest / math.log(2), rel=2e-2)  # 3 digits each
