"""The K-class engine (bce_gui.core.multiclass): scikit-learn live, the textbook formula, the
binary engine for K = 2, validation, the no-skill baseline and the per-class breakdown.

Expected values come from scikit-learn, from ``math`` on plain floats, or from the binary
engine (``bce_gui.core.loss``, itself tested against the libraries); none from this engine.
PyTorch and Keras are compared in test_multiclass_reference.py.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from sklearn.datasets import load_iris, load_wine
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss as sk_log_loss
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from bce_gui.core.class_labels import ClassesError, class_indices, detect_class_columns
from bce_gui.core.loss import LossOptions, OptionsError, binary_entropy, row_terms, totals
from bce_gui.core.multiclass import (
    SUM_TOLERANCE,
    categorical_log_loss,
    categorical_log_probs,
    categorical_row_losses,
    categorical_row_terms,
    class_breakdown,
    class_entropy,
    class_shares,
    no_skill_baseline,
    require_every_class,
    validate_categorical,
)
from bce_gui.core.policies import FLOAT64_EPS, make_policy
from bce_gui.core.validation import Reason


def opts(policy: str = "exact", eps: float | None = None, **kw) -> LossOptions:
    return LossOptions(policy=make_policy(policy, eps), **kw)


def sk(y, p, **kw) -> float:
    """scikit-learn's log_loss, its 'do not sum to one' warning silenced (tested separately)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return sk_log_loss(y, p, **kw)


# ------------------------------------------------------------------------------------------------
# A real multi-class model's out-of-fold probabilities, against scikit-learn live
# ------------------------------------------------------------------------------------------------


def _out_of_fold(loader, C: float = 1.0):
    data = loader()
    model = make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=2000))
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    proba = cross_val_predict(model, data.data, data.target, cv=folds, method="predict_proba")
    return data, proba


@pytest.fixture(scope="module")
def iris():
    return _out_of_fold(load_iris)


@pytest.fixture(scope="module")
def wine():
    return _out_of_fold(load_wine, C=100.0)  # weakly regularised: probabilities near 0 and 1


@pytest.mark.parametrize("dataset", ["iris", "wine"])
@pytest.mark.parametrize("policy", ["sklearn", "exact"])
def test_out_of_fold_model_equals_sklearn(request, dataset, policy):
    data, proba = request.getfixturevalue(dataset)
    y = data.target
    expected = sk_log_loss(y, proba, labels=[0, 1, 2])
    loss = categorical_row_losses(y, proba, opts(policy))
    assert np.isfinite(loss).all()
    assert categorical_log_loss(y, proba, policy=policy) == pytest.approx(expected, rel=1e-13)
    # The rows too: sklearn with one row at a time.
    for i in (0, 17, len(y) - 1):
        assert loss[i] == pytest.approx(
            sk_log_loss(y[i:i + 1], proba[i:i + 1], labels=[0, 1, 2]), rel=1e-14)


def test_out_of_fold_model_with_text_labels_and_detected_columns(iris):
    """The actual column as text (the species' names) and columns p_<name>: detection, class
    indices and the loss agree with scikit-learn given the same text labels."""
    data, proba = iris
    names = np.asarray(data.target_names)[data.target]  # "setosa", ...
    headers = ["id", "species", *(f"p_{n}" for n in data.target_names)]
    found = detect_class_columns(headers, labels=set(names.tolist())).best
    assert found.classes == ("setosa", "versicolor", "virginica")
    assert found.columns == ("p_setosa", "p_versicolor", "p_virginica")
    index = class_indices(names, found.classes)
    assert (index.codes == 0).all()
    expected = sk_log_loss(names, proba, labels=list(data.target_names))
    assert categorical_log_loss(index.index, proba, policy="sklearn") == pytest.approx(
        expected, rel=1e-13)


def test_out_of_fold_model_weighted_equals_sklearn(wine):
    data, proba = wine
    w = np.random.default_rng(4).random(len(data.target)) * 3
    expected = sk_log_loss(data.target, proba, sample_weight=w)
    assert categorical_log_loss(data.target, proba, w, policy="sklearn") == pytest.approx(
        expected, rel=1e-13)


def test_sklearn_logits_are_softmax_then_log_loss(wine):
    from scipy.special import softmax

    data, proba = wine
    z = np.log(proba) + np.random.default_rng(1).normal(size=proba.shape)  # any logits
    expected = sk_log_loss(data.target, softmax(z, axis=1))
    assert categorical_log_loss(data.target, z, policy="sklearn", logits=True) == pytest.approx(
        expected, rel=1e-13)


# ------------------------------------------------------------------------------------------------
# Edge cases against scikit-learn and the formula
# ------------------------------------------------------------------------------------------------

P3 = np.array([
    [0.7, 0.2, 0.1],
    [0.1, 0.8, 0.1],
    [0.25, 0.25, 0.5],
    [0.0, 0.5, 0.5],   # p = 0 for the actual class (0)
    [0.3, 0.7, 0.0],   # p = 0 for another class
])
Y3 = np.array([0, 1, 2, 0, 1])


def test_p_zero_for_the_actual_class():
    exact = categorical_row_terms(Y3, P3, opts("exact"))
    assert exact.loss[3] == math.inf and exact.corrected[3] == 0.0
    assert exact.ln_corrected[3] == -math.inf
    assert exact.loss[4] == pytest.approx(-math.log(0.7), rel=1e-15)  # another class's 0: fine
    clipped = categorical_row_terms(Y3, P3, opts("sklearn"))
    assert clipped.loss[3] == -math.log(FLOAT64_EPS)
    assert clipped.corrected[3] == FLOAT64_EPS
    assert categorical_log_loss(Y3, P3, policy="sklearn") == pytest.approx(
        sk_log_loss(Y3, P3), rel=1e-14)
    assert categorical_log_loss(Y3, P3, policy="exact") == math.inf
    assert categorical_row_losses(Y3, P3, opts("torch"))[3] == math.inf  # NLLLoss: no clamp
    custom = categorical_row_terms(Y3, P3, opts("custom", eps=1e-3))
    assert custom.loss[3] == pytest.approx(-math.log(1e-3), rel=1e-15)


def test_rows_not_summing_to_one_used_as_given_or_renormalised():
    p = P3.copy()
    p[1] = [0.2, 0.6, 0.6]      # sums to 1.4
    p[2] = [0.1, 0.1, 0.1]      # sums to 0.3
    with pytest.warns(UserWarning, match="do not sum to one"):
        expected = sk_log_loss(Y3, p)  # scikit-learn 1.9 warns and uses them as given
    assert categorical_log_loss(Y3, p, policy="sklearn") == pytest.approx(expected, rel=1e-14)
    loss = categorical_row_losses(Y3, p, opts("exact"))
    assert loss[1] == pytest.approx(-math.log(0.6), rel=1e-15)
    # --renormalize: the two rows divided by their sums (the others untouched), then sklearn.
    renormed = p.copy()
    renormed[1] /= 1.4
    renormed[2] /= renormed[2].sum()
    assert categorical_log_loss(Y3, p, policy="sklearn", renormalize=True) == pytest.approx(
        sk_log_loss(Y3, renormed), rel=1e-14)
    terms = categorical_row_terms(Y3, p, opts("exact"), renormalize=True)
    assert terms.corrected[1] == pytest.approx(0.6 / 1.4, rel=1e-15)
    assert terms.corrected[2] == pytest.approx(1 / 3, rel=1e-15)
    assert terms.corrected[0] == 0.7  # a row summing to 1 is used exactly as given
    assert terms.loss[2] == pytest.approx(math.log(3), rel=1e-15)


def test_renormalize_leaves_rows_within_the_tolerance_alone():
    p = np.array([[0.5, 0.5 + 0.9e-6, 0.0], [0.5, 0.5 + 1.1e-6, 0.0]])
    terms = categorical_row_terms(np.array([1, 1]), p, opts("exact"), renormalize=True)
    assert terms.corrected[0] == p[0, 1]
    assert terms.corrected[1] == pytest.approx(p[1, 1] / p[1].sum(), rel=1e-15)
    assert SUM_TOLERANCE == 1e-6


def test_a_class_never_present_with_and_without_the_class_list():
    y = np.array([0, 1, 1, 0])  # class 2 never occurs
    p = np.array([[0.6, 0.3, 0.1], [0.2, 0.7, 0.1], [0.1, 0.5, 0.4], [0.5, 0.25, 0.25]])
    with pytest.raises(ValueError, match="labels argument"):
        sk_log_loss(y, p)  # scikit-learn needs the class list
    expected = sk_log_loss(y, p, labels=[0, 1, 2])
    assert categorical_log_loss(y, p, policy="sklearn") == pytest.approx(expected, rel=1e-14)
    # Under the sklearn convention without --classes: a message that says what to do.
    with pytest.raises(ClassesError, match=r"'2' never occurs.*pass --classes 0,1,2"):
        require_every_class(y, (0, 1, 2), opts("sklearn"), classes_given=False)
    require_every_class(y, (0, 1, 2), opts("sklearn"), classes_given=True)
    for other in ("exact", "torch", "keras"):
        require_every_class(y, (0, 1, 2), opts(other), classes_given=False)
    shares = class_shares(y, 3)
    np.testing.assert_array_equal(shares, [0.5, 0.5, 0.0])
    assert no_skill_baseline(y, 3) == pytest.approx(math.log(2), rel=1e-15)


def test_class_order_does_not_change_the_loss():
    """--classes fixes the order; the loss of the same columns in another order is the same."""
    perm = [2, 0, 1]
    inverse = np.argsort(perm)
    a = categorical_row_losses(Y3, P3, opts("sklearn"))
    b = categorical_row_losses(inverse[Y3], P3[:, perm], opts("sklearn"))
    np.testing.assert_array_equal(a, b)


def test_logits_of_plus_minus_1000_are_exact():
    z = np.array([[1000.0, -1000.0, 0.0]] * 3 + [[-1000.0, -1000.0, -1000.0]])
    y = np.array([0, 1, 2, 1])
    expected = [0.0, 2000.0, 1000.0, math.log(3)]
    for policy in ("exact", "torch"):
        terms = categorical_row_terms(y, z, opts(policy, logits=True))
        np.testing.assert_allclose(terms.loss, expected, rtol=1e-15)
        assert math.copysign(1.0, terms.loss[0]) == 1.0  # +0, not -0
        assert terms.corrected[1] == 0.0 and terms.ln_corrected[1] == -2000.0
    keras = categorical_row_losses(y, z, opts("keras", logits=True))
    np.testing.assert_allclose(keras, expected, rtol=2**-23)


def test_exact_logits_keep_tiny_losses_textbook():
    """-ln softmax(z)_y written out with math on Python floats: log1p keeps 1.9e-22."""
    z = np.array([[50.0, 0.0], [50.0, 0.0], [3.0, 1.0], [0.5, -0.25]])
    z3 = np.array([[50.0, 0.0, -2.0], [1.0, 2.0, 3.0], [-5.0, 5.0, 1e-8]])
    y2, y3 = np.array([0, 1, 0, 1]), np.array([0, 2, 1])
    loss2 = categorical_row_losses(y2, z, opts("exact", logits=True))
    loss3 = categorical_row_losses(y3, z3, opts("exact", logits=True))
    for loss, zz, yy in ((loss2, z, y2), (loss3, z3, y3)):
        for i, (row, k) in enumerate(zip(zz.tolist(), yy.tolist())):
            top = row.index(max(row))
            m = row[top]
            tail = math.fsum(math.exp(v - m) for j, v in enumerate(row) if j != top)
            expected = -((row[k] - m) - math.log1p(tail))
            assert loss[i] == pytest.approx(expected, rel=1e-15, abs=0)
    assert loss2[0] == pytest.approx(math.exp(-50), rel=1e-15)


def test_label_smoothing_is_the_one_formula():
    """Targets y(1 - a) + a/K: -Σ_k t_k ln p_k, written out."""
    a = 0.1
    loss = categorical_row_losses(Y3[:3], P3[:3], opts("exact", label_smoothing=a))
    for i in range(3):
        t = [a / 3 + (1 - a) * (k == Y3[i]) for k in range(3)]
        expected = -math.fsum(t[k] * math.log(P3[i, k]) for k in range(3))
        assert loss[i] == pytest.approx(expected, rel=1e-14)
    smooth = categorical_row_terms(Y3, P3, opts("exact", label_smoothing=a))
    assert smooth.loss[3] == math.inf and smooth.loss[4] == math.inf  # a/K·ln 0 for any 0
    np.testing.assert_allclose(smooth.corrected[:3], np.exp(-smooth.loss[:3]), rtol=1e-15)


def test_log_probs_matrix_per_convention():
    lp = categorical_log_probs(P3, opts("sklearn"))
    np.testing.assert_allclose(lp, np.log(np.clip(P3, FLOAT64_EPS, 1 - FLOAT64_EPS)), rtol=0)
    z = np.log(P3[:3])
    np.testing.assert_allclose(np.exp(categorical_log_probs(z, opts("exact", logits=True))),
                               P3[:3], rtol=1e-14)


def test_rows_without_a_class_are_nan_and_nothing_warns():
    y = np.array([0, -1, 2, 3])
    p = np.array([[0.5, 0.5, 0.0]] * 4)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for policy in ("exact", "sklearn", "torch", "keras"):
            for logits in (False, True):
                t = categorical_row_terms(y, p, opts(policy, logits=logits))
                assert np.isnan(t.loss[[1, 3]]).all() and np.isnan(t.corrected[[1, 3]]).all()
                assert np.isfinite(t.loss[0])
                fast = categorical_row_losses(y, p, opts(policy, logits=logits))
                np.testing.assert_array_equal(fast, t.loss)


def test_no_rows():
    y = np.empty(0, dtype=np.int64)
    for policy in ("exact", "sklearn", "torch", "keras"):
        for logits in (False, True):
            for a in (0.0, 0.1):
                o = opts(policy, logits=logits, label_smoothing=a)
                assert categorical_row_terms(y, np.empty((0, 3)), o).loss.shape == (0,)
                assert categorical_row_losses(y, np.empty((0, 3)), o).shape == (0,)
                v = validate_categorical(np.empty((0, 3)), np.empty(0, np.uint8), o)
                assert v.all_valid and v.n_off_sum == 0
    assert math.isnan(categorical_log_loss(y, np.empty((0, 3))))


def test_keras_renormalises_whatever_the_setting():
    p = np.array([[0.5, 0.5, 0.5], [0.2, 0.3, 0.5]])
    y = np.array([0, 2])
    a = categorical_row_losses(y, p, opts("keras"))
    np.testing.assert_array_equal(a, categorical_row_losses(y, p, opts("keras"), renormalize=True))
    assert a[0] == pytest.approx(math.log(3), rel=2**-23)


def test_binary_only_options_are_refused():
    with pytest.raises(OptionsError, match="pos_weight"):
        categorical_row_losses(Y3, P3, opts(logits=True, pos_weight=2.0))
    with pytest.raises(OptionsError, match="soft labels"):
        categorical_row_losses(Y3, P3, opts(soft_labels=True))


# ------------------------------------------------------------------------------------------------
# K = 2 is the binary loss
# ------------------------------------------------------------------------------------------------

_RNG = np.random.default_rng(11)
_P1 = np.concatenate([_RNG.random(500), [0.0, 1.0, 1e-300, 1e-50, 1e-20, 1e-10, 0.5,
                                         0.9999999999999999, 1e-45, 1e-7, 1 - 1e-7]])
BIN_P = np.repeat(_P1, 2)                          # every p with label 0 and label 1
BIN_Y = np.tile([0, 1], _P1.size)
TWO_COLUMNS = np.column_stack([1.0 - BIN_P, BIN_P])  # (p_0, p_1) as a file would hold them


def _binary(policy, eps=None, **kw):
    return row_terms(BIN_Y.astype(np.float64), BIN_P, opts(policy, eps, **kw))


def _two(policy, eps=None, **kw):
    return categorical_row_terms(BIN_Y, TWO_COLUMNS, opts(policy, eps, **kw))


@pytest.mark.parametrize("policy,eps", [("sklearn", None), ("custom", 1e-3)])
def test_two_classes_equal_binary_bit_for_bit_when_clipping(policy, eps):
    np.testing.assert_array_equal(_two(policy, eps).loss, _binary(policy, eps).loss)
    np.testing.assert_array_equal(_two(policy, eps).ln_corrected,
                                  _binary(policy, eps).ln_corrected)
    assert categorical_log_loss(BIN_Y, TWO_COLUMNS, policy=policy, eps=eps) == pytest.approx(
        totals(_binary(policy, eps).loss, BIN_Y).mean, rel=1e-15)


def test_two_classes_equal_binary_exact():
    """The same corrected probability; the loss within 1.2e-16: the binary engine takes
    log1p(-p) for class 0 and the file's p_0 = fl(1 - p), one rounding away, is logged here."""
    two, binary = _two("exact"), _binary("exact")
    np.testing.assert_array_equal(two.corrected, binary.corrected)
    np.testing.assert_array_equal(np.isinf(two.loss), np.isinf(binary.loss))
    np.testing.assert_allclose(two.loss, binary.loss, rtol=1e-15, atol=2**-53)
    assert totals(two.loss, BIN_Y).mean == pytest.approx(totals(binary.loss, BIN_Y).mean,
                                                         rel=1e-15)


def test_two_classes_torch_equal_binary_except_where_binary_clamps_at_minus_100():
    two, binary = _two("torch"), _binary("torch")
    clamped = binary.loss == 100.0  # binary_cross_entropy clamps ln p at -100; NLLLoss does not
    corrected = np.where(BIN_Y == 1, BIN_P, 1 - BIN_P)
    np.testing.assert_array_equal(clamped, corrected < math.exp(-100))
    assert clamped.sum() == 5  # p = 0, 1e-300, 1e-50, 1e-45 with label 1; p = 1 with label 0
    np.testing.assert_allclose(two.loss[~clamped], binary.loss[~clamped], rtol=1e-15, atol=2**-53)
    with np.errstate(divide="ignore"):
        np.testing.assert_array_equal(two.loss[clamped], -np.log(corrected[clamped]))


def test_two_classes_keras_agree_to_float32():
    """Keras' BinaryCrossentropy rounds p to float32 and forms 1 - p from it; the categorical
    loss is handed p_0 itself: the actual class's probability agrees to a float32 step."""
    two, binary = _two("keras"), _binary("keras")
    np.testing.assert_allclose(two.corrected, binary.corrected, rtol=0, atol=2**-23)
    easy = (BIN_P > 1e-3) & (BIN_P < 1 - 1e-3)
    np.testing.assert_allclose(two.loss[easy], binary.loss[easy], rtol=1e-5, atol=2**-23)
    smooth_two = _two("keras", label_smoothing=0.2)
    smooth_binary = _binary("keras", label_smoothing=0.2)
    np.testing.assert_allclose(smooth_two.loss[easy], smooth_binary.loss[easy], rtol=1e-5)


@pytest.mark.parametrize("policy,eps", [("exact", None), ("sklearn", None), ("torch", None),
                                        ("custom", 1e-3)])
def test_two_classes_label_smoothing_equal_binary(policy, eps):
    inside = (BIN_P > 1e-40) & (BIN_P < 1 - 1e-16)  # torch's -100 clamp and log1p(-p) aside
    two = _two(policy, eps, label_smoothing=0.1).loss
    binary = _binary(policy, eps, label_smoothing=0.1).loss
    np.testing.assert_allclose(two[inside], binary[inside], rtol=1e-14)


@pytest.mark.parametrize("policy", ["exact", "torch", "keras"])
def test_two_logits_equal_binary_logit(policy):
    z = np.repeat(np.concatenate([_RNG.normal(0, 8, 300),
                                  [-1000.0, 1000.0, 0.0, 50.0, -50.0, 36.0, 1e-8]]), 2)
    y = np.tile([0, 1], z.size // 2)
    two = categorical_row_terms(y, np.column_stack([np.zeros_like(z), z]),
                                opts(policy, logits=True))
    binary = row_terms(y.astype(np.float64), z, opts(policy, logits=True))
    if policy == "keras":
        # Keras' binary loss of a class-0 row is z - log_sigmoid(z) in float32, which cancels:
        # within a float32 step of z (the categorical log-softmax does not cancel).
        step = 2.0**-22 * (np.maximum(1.0, np.abs(z)) + binary.loss)
        assert (np.abs(two.loss - binary.loss) <= step).all()
    else:
        np.testing.assert_allclose(two.loss, binary.loss, rtol=1e-15, atol=4e-15)
        np.testing.assert_allclose(two.corrected, binary.corrected, rtol=4e-15, atol=1e-300)


def test_two_logits_sklearn_equal_binary_while_the_sigmoid_does_not_saturate():
    z = np.repeat(np.linspace(-5, 5, 101), 2)
    y = np.tile([0, 1], z.size // 2)
    two = categorical_row_losses(y, np.column_stack([np.zeros_like(z), z]),
                                 opts("sklearn", logits=True))
    binary = row_terms(y.astype(np.float64), z, opts("sklearn", logits=True)).loss
    np.testing.assert_allclose(two, binary, rtol=1e-13)


# ------------------------------------------------------------------------------------------------
# Validation
# ------------------------------------------------------------------------------------------------


def _cell_text(p, text):
    def cell(column, row):
        if column == "y":
            return "7"
        k = int(column.split("_")[1])
        return text[k].get(row, repr(p[row, k]))
    return cell


def test_validation_names_row_column_and_reason():
    p = np.array([
        [0.2, 0.3, 0.5],
        [-0.1, 0.6, 0.5],      # negative
        [0.2, 1.5, 0.5],       # above 1
        [np.nan, 0.5, 0.5],    # text
        [np.nan, 0.5, 0.5],    # empty
        [0.4, 0.4, 0.4],       # sums to 1.2: a warning, not invalid
        [np.nan, 0.5, 0.5],    # a formula without a value
        [0.2, 0.3, 0.5],       # actual class without a column
    ])
    text = [{3: "n/a", 6: "=A1/2"}, {}, {}]
    index = class_indices(np.array([0, 1, 2, 0, 1, 2, 0, 7.0]), (0, 1, 2))
    v = validate_categorical(p, index.codes, opts("exact"), text=text)
    np.testing.assert_array_equal(v.valid, [1, 0, 0, 0, 0, 1, 0, 0])
    assert v.n_invalid == 6
    issues = v.issues("y", ["p_0", "p_1", "p_2"], _cell_text(p, text))
    got = [(i.row, i.column, i.reason) for i in issues]
    assert got == [
        (1, "p_0", "probability below 0"),
        (2, "p_1", "probability above 1"),
        (3, "p_0", "not a number"),
        (4, "p_0", "missing value"),
        (6, "p_0", "formula without a saved value"),
        (7, "y", "no prediction column for this class"),
    ]
    assert issues[2].value == "n/a" and issues[1].role == "predicted" and issues[5].role == "actual"
    assert v.issues("y", ["p_0", "p_1", "p_2"], _cell_text(p, text), limit=2) == issues[:2]
    # The row not summing to 1: counted and listed with its sum, still usable.
    assert v.n_off_sum == 1 and not v.renormalized
    assert v.sum_warnings() == [(5, pytest.approx(1.2), v.note(5))]
    assert "sum to 1.2" in v.note(5) and "used as given" in v.note(5)
    assert v.note(0) == ""
    assert v.note_codes.tolist() == [0, 0, 0, 0, 0, Reason.SUM_NOT_ONE, 0, 0]
    assert v.sum_summary() == "1 row's probabilities did not sum to 1 and were used as given"


def test_renormalize_and_keras_renormalise_and_exclude_rows_summing_to_zero():
    p = np.array([[0.2, 0.3, 0.5], [0.5, 0.5, 0.5], [0.0, 0.0, 0.0], [0.1, 0.1, 0.1]])
    codes = np.zeros(4, dtype=np.uint8)
    as_given = validate_categorical(p, codes, opts("exact"))
    assert as_given.valid.all() and as_given.n_off_sum == 3  # 0-sum row: used as given (inf)
    for v in (validate_categorical(p, codes, opts("exact"), renormalize=True),
              validate_categorical(p, codes, opts("keras"))):
        assert v.renormalized
        np.testing.assert_array_equal(v.valid, [1, 1, 0, 1])
        assert v.row_codes[2] == Reason.ZERO_SUM
        assert v.n_off_sum == 2
        assert v.note_codes.tolist() == [0, Reason.RENORMALIZED, 0,
                                         Reason.RENORMALIZED]
        assert v.sum_summary() == "2 rows' probabilities did not sum to 1 and were renormalised"
        issue, = v.issues("y", ["p_0", "p_1", "p_2"], lambda c, r: "")
        assert issue.row == 2 and issue.column == "p_0, p_1, p_2"
        assert issue.reason == "the probabilities sum to 0 and cannot be renormalised"
    terms = categorical_row_terms(np.zeros(4, dtype=np.int64), p, opts("exact"), renormalize=True)
    assert terms.corrected[1] == pytest.approx(1 / 3, rel=1e-15)


def test_logits_validation_needs_finite_numbers_and_no_sums():
    z = np.array([[5.0, -3.0, 40.0], [np.inf, 0.0, 0.0], [np.nan, 0.0, 0.0]])
    v = validate_categorical(z, np.zeros(3, dtype=np.uint8), opts(logits=True))
    np.testing.assert_array_equal(v.valid, [1, 0, 0])
    assert v.cell_codes[1, 0] == Reason.NOT_FINITE and v.cell_codes[2, 0] == Reason.MISSING
    assert v.sums is None and v.n_off_sum == 0 and not v.renormalized


def test_validation_fast_path_agrees_with_the_full_one():
    rng = np.random.default_rng(3)
    p = rng.dirichlet(np.ones(4), size=1000)
    v = validate_categorical(p, np.zeros(1000, dtype=np.uint8), opts())
    assert v.all_valid and v.n_off_sum == 0 and not v.cell_codes.any()


# ------------------------------------------------------------------------------------------------
# No-skill baseline and per-class breakdown
# ------------------------------------------------------------------------------------------------


def test_baseline_is_the_entropy_of_the_class_shares():
    y = np.array([0, 0, 0, 1, 2, 2])
    q = [3 / 6, 1 / 6, 2 / 6]
    assert no_skill_baseline(y, 3) == pytest.approx(-math.fsum(v * math.log(v) for v in q),
                                                    rel=1e-15)
    # It is the loss of always predicting the shares (scikit-learn computes it).
    assert no_skill_baseline(y, 3) == pytest.approx(sk_log_loss(y, np.tile(q, (6, 1))), rel=1e-14)
    assert no_skill_baseline(np.arange(10) % 5, 5) == pytest.approx(math.log(5), rel=1e-15)
    for rate in (0.0, 0.3, 0.5, 1.0):
        assert class_entropy([1 - rate, rate]) == pytest.approx(binary_entropy(rate), rel=1e-15)
    assert math.isnan(class_entropy([np.nan, 1.0]))


def test_weighted_shares_and_invalid_rows_left_out():
    y = np.array([0, 1, 1, 2, -1])
    w = np.array([1.0, 2.0, 1.0, 4.0, 9.0])
    np.testing.assert_allclose(class_shares(y, 3, w), [1 / 8, 3 / 8, 4 / 8])
    valid = np.array([True, True, False, True, True])
    np.testing.assert_allclose(class_shares(y, 3, w, valid), [1 / 7, 2 / 7, 4 / 7])
    assert np.isnan(class_shares(np.array([-1]), 3)).all()


def test_class_breakdown_rows_mean_and_share():
    y = np.array([0, 1, 1, 2, 2, 2, 1])
    loss = np.array([0.5, 1.0, 2.0, 0.1, 0.2, 0.3, 9.0])
    valid = np.array([True, True, True, True, True, True, False])
    b = class_breakdown(y, loss, ("a", "b", "c"), valid=valid)
    np.testing.assert_array_equal(b.rows, [1, 2, 3])
    np.testing.assert_allclose(b.mean_loss, [0.5, 1.5, 0.2])
    np.testing.assert_allclose(b.share, [0.5 / 4.1, 3.0 / 4.1, 0.6 / 4.1])
    assert b.share.sum() == pytest.approx(1.0, rel=1e-15)
    rows = b.as_dicts(bits=True)
    assert rows[1] == {"class": "b", "rows": 2, "weight": 2.0,
                       "mean_loss": pytest.approx(1.5 / math.log(2)),
                       "share": pytest.approx(3.0 / 4.1)}


def test_class_breakdown_weights_infinities_and_absent_classes():
    y = np.array([0, 0, 1, 1])
    loss = np.array([1.0, np.inf, 2.0, 4.0])
    w = np.array([2.0, 0.0, 1.0, 3.0])  # the weight-0 row's infinite loss does not count
    b = class_breakdown(y, loss, (0, 1, 2), weights=w)
    np.testing.assert_array_equal(b.rows, [2, 2, 0])
    np.testing.assert_allclose(b.weight, [2.0, 4.0, 0.0])
    np.testing.assert_allclose(b.mean_loss[:2], [1.0, 14.0 / 4.0])
    assert np.isnan(b.mean_loss[2])  # a class without rows
    np.testing.assert_allclose(b.share, [2.0 / 16.0, 14.0 / 16.0, 0.0])
    inf = class_breakdown(y, loss, (0, 1, 2))
    assert inf.mean_loss[0] == math.inf and inf.n_infinite[0] == 1
    assert np.isnan(inf.share).all()  # as a row's share when the total is infinite


def test_class_breakdown_sums_are_accurate_at_scale():
    """Per-class sums are pairwise: 1e6 rows of 0.1 sum to 1e5 to 1e-14, not bincount's 1e-11."""
    n = 1_000_000
    y = np.arange(n) % 3
    b = class_breakdown(y, np.full(n, 0.1), (0, 1, 2))
    expected = [0.1 * c for c in np.bincount(y)]
    np.testing.assert_allclose(b.sum_loss, expected, rtol=1e-14)


def test_keras_reads_the_actual_class_share_bit_for_bit_as_the_whole_matrix():
    """The row loss under Keras divides only the actual class's float32 value by its row's sum:
    the same bits as dividing the whole matrix first (the class probabilities' path)."""
    from bce_gui.core.multiclass import categorical_log_probs, categorical_row_losses
    from bce_gui.core.policies import make_policy

    rng = np.random.default_rng(11)
    P = rng.dirichlet(np.ones(5), size=20_000)
    P[::3] *= 1.013  # rows Keras renormalises
    P[5, :] = [0.0, 0.0, 1e-9, 0.5, 0.5]  # clipped at both ends
    y = rng.integers(0, 5, P.shape[0])
    y[5] = 0
    opts = LossOptions(policy=make_policy("keras"))
    whole = -categorical_log_probs(P, opts)[np.arange(P.shape[0]), y]
    rows = categorical_row_losses(y, P, opts)
    assert np.array_equal(rows.view(np.uint64), (0.0 + whole).view(np.uint64))
