"""core.row_values: the per-row numbers a table and a plot show, and the order a view sorts by.

Expected values are written out per row with the math module (no app code).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from bce_gui.core import row_values
from bce_gui.core.dataset import Dataset
from bce_gui.core.live import LiveEvaluation
from bce_gui.core.loss import LossOptions
from bce_gui.core.policies import make_policy
from bce_gui.core.row_values import EvaluatedRows

EPS64 = float(np.finfo(np.float64).eps)
LN2 = math.log(2.0)


def rows_of(actual, predicted, weights=None, ids=None, options=None) -> EvaluatedRows:
    ds = Dataset.from_arrays(actual, predicted, weights=weights, ids=ids)
    return EvaluatedRows.of(ds, LiveEvaluation(ds, options or LossOptions()))


def test_exact_values_of_every_column_with_an_excluded_row():
    # Row 2 has p outside [0, 1]: excluded, NaN in every result column.
    src = rows_of([1, 0, 1, 0], [0.8, 0.3, 1.5, 0.6])
    v = row_values.block_values(src)
    corrected = [0.8, 0.7, math.nan, 0.4]
    ln = [math.log(0.8), math.log(0.7), math.nan, math.log(0.4)]
    loss = [-x for x in ln]
    total = -(math.log(0.8) + math.log(0.7) + math.log(0.4))
    np.testing.assert_allclose(v["corrected"], corrected, rtol=1e-15)
    np.testing.assert_allclose(v["ln"], ln, rtol=1e-15)
    np.testing.assert_allclose(v["loss"], loss, rtol=1e-15)
    np.testing.assert_allclose(v["share"], [x / total for x in loss], rtol=1e-14)
    assert np.nansum(v["share"]) == pytest.approx(1.0, rel=1e-15)


def test_loss_in_bits_and_other_columns_unchanged():
    src = rows_of([1, 0], [0.25, 0.5])
    nats = row_values.block_values(src, units="nats")
    bits = row_values.block_values(src, units="bits")
    np.testing.assert_allclose(bits["loss"], [2.0, 1.0], rtol=1e-15)  # −log2(0.25), −log2(0.5)
    for key in ("corrected", "ln", "share"):
        np.testing.assert_array_equal(bits[key], nats[key])


def test_a_slice_and_an_index_array_give_the_rows_of_the_whole_column():
    rng = np.random.default_rng(4)
    y = (rng.random(50) < 0.5).astype(float)
    p = rng.uniform(0.01, 0.99, 50)
    src = rows_of(y, p, options=LossOptions(policy=make_policy("keras")))
    whole = row_values.block_values(src, units="bits")
    rows = np.array([49, 3, 17, 3])
    for key in row_values.RESULT_KEYS:
        np.testing.assert_array_equal(row_values.values(src, key, slice(10, 20), "bits"), whole[key][10:20])
        np.testing.assert_array_equal(row_values.values(src, key, rows, "bits"), whole[key][rows])


def test_sklearn_clipped_corrected_p_of_a_p_zero_row():
    # y = 1, p = 0: scikit-learn clips to ε; the corrected p is ε, not 0.
    src = rows_of([1], [0.0], options=LossOptions(policy=make_policy("sklearn")))
    v = row_values.block_values(src)
    assert v["corrected"][0] == pytest.approx(EPS64, rel=1e-14)  # (e^ln of the clipped value)
    assert v["ln"][0] == pytest.approx(math.log(EPS64), rel=1e-15)
    assert v["loss"][0] == pytest.approx(-math.log(EPS64), rel=1e-15)


def test_soft_label_corrected_p_is_the_geometric_mean():
    # y = 0.3, p = 0.8: ln = 0.3 ln 0.8 + 0.7 ln 0.2, corrected p = e^ln = 0.303…
    src = rows_of([0.3], [0.8], options=LossOptions(soft_labels=True))
    v = row_values.block_values(src)
    ln = 0.3 * math.log(0.8) + 0.7 * math.log(0.2)
    assert v["ln"][0] == pytest.approx(ln, rel=1e-14)
    assert v["corrected"][0] == pytest.approx(math.exp(ln), rel=1e-14)
    assert round(v["corrected"][0], 3) == 0.303


def test_pos_weight_loss_is_not_minus_ln():
    # PyTorch's pos_weight multiplies a class-1 row's loss; ln(corrected p) stays the log.
    z = 0.4
    src = rows_of([1], [z], options=LossOptions(logits=True, pos_weight=3.0))
    v = row_values.block_values(src)
    ln = -math.log1p(math.exp(-z))
    assert v["ln"][0] == pytest.approx(ln, rel=1e-14)
    assert v["loss"][0] == pytest.approx(-3.0 * ln, rel=1e-14)


def test_weighted_share_is_w_times_loss_over_the_total():
    src = rows_of([1, 0, 1], [0.5, 0.5, 0.9], weights=[2.0, 0.0, 1.0])
    share = row_values.values(src, "share")
    total = 2 * math.log(2) + -math.log(0.9)
    np.testing.assert_allclose(share, [2 * math.log(2) / total, 0.0, -math.log(0.9) / total], rtol=1e-14)


def test_share_is_undefined_when_the_total_is_infinite_or_zero():
    inf = rows_of([1, 0], [0.0, 0.3])  # exact convention, p = 0 for class 1
    assert np.isinf(row_values.values(inf, "loss")[0])
    assert np.isnan(row_values.values(inf, "share")).all()
    zero = rows_of([1, 0], [1.0, 0.0])
    assert np.isnan(row_values.values(zero, "share")).all()


def test_unknown_column_is_refused():
    src = rows_of([1], [0.5])
    with pytest.raises(KeyError):
        row_values.values(src, "bananas")
    with pytest.raises(KeyError):
        row_values.sort_key(src, "weight")  # no weight column


# ---------------------------------------------------------------------------------------------
# Sort keys and the order a view shows
# ---------------------------------------------------------------------------------------------


def test_sort_by_loss_puts_excluded_rows_last_either_way():
    src = rows_of([1, 0, 1, 0, 1], [0.9, 0.2, math.nan, 0.7, 0.1])  # row 2: missing
    losses = [-math.log(0.9), -math.log(0.8), None, -math.log(0.3), -math.log(0.1)]
    up = row_values.view_order(src, "loss")
    down = row_values.view_order(src, "loss", descending=True)
    valid = [i for i, l in enumerate(losses) if l is not None]
    assert list(up) == sorted(valid, key=lambda i: losses[i]) + [2]
    assert list(down) == sorted(valid, key=lambda i: -losses[i]) + [2]


def test_sort_by_share_follows_w_times_loss():
    # Row 0 has the larger loss but weight 0.1: its share is the smallest.
    src = rows_of([1, 1, 0], [0.1, 0.5, 0.4], weights=[0.1, 1.0, 1.0])
    contrib = [0.1 * -math.log(0.1), -math.log(0.5), -math.log(0.6)]
    assert list(row_values.view_order(src, "share")) == sorted(range(3), key=lambda i: contrib[i])


def test_sort_by_note_infinite_then_excluded_rows():
    src = rows_of([1, 1, 2, 0], [0.5, 0.0, 0.5, 0.5])  # row 1 infinite, row 2 label not 0/1
    assert list(row_values.view_order(src, "note")) == [0, 3, 1, 2]


def test_sort_by_id_text_with_empty_ids_last():
    src = rows_of([1, 0, 1, 0], [0.5] * 4, ids=["b", "", "a", "c"])
    assert list(row_values.view_order(src, "id")) == [2, 0, 3, 1]
    assert list(row_values.view_order(src, "id", descending=True)) == [3, 0, 2, 1]


def test_invalid_only_with_and_without_a_sort():
    src = rows_of([1, 0, 1, 0], [math.nan, 0.2, 7.0, 0.5])
    assert list(row_values.view_order(src, None, invalid_only=True)) == [0, 2]
    assert row_values.view_order(src, None) is None
    p_sorted = row_values.view_order(src, "predicted", descending=True, invalid_only=True)
    assert list(p_sorted) == [2, 0]  # 7.0, then the empty cell (NaN) last
    assert p_sorted.dtype == np.int32


def test_sort_by_corrected_p_and_ln():
    src = rows_of([1, 0, 1], [0.6, 0.9, 0.95])  # corrected 0.6, 0.1, 0.95
    assert list(row_values.view_order(src, "corrected")) == [1, 0, 2]
    assert list(row_values.view_order(src, "ln", descending=True)) == [2, 0, 1]


def test_large_key_sorted_by_the_parallel_path_gives_the_same_order():
    n = 250_000  # past row_order.PARALLEL_SORT_ROWS
    rng = np.random.default_rng(9)
    p = rng.uniform(0.001, 0.999, n)
    y = (rng.random(n) < 0.3).astype(float)
    p[::1000] = np.nan
    src = rows_of(y, p)
    order = row_values.view_order(src, "loss", descending=True)
    loss = np.where(np.isnan(p), np.nan, np.where(y == 1, -np.log(p), -np.log1p(-p)))
    shown = loss[order]
    finite = ~np.isnan(shown)
    assert finite[: int(finite.sum())].all()  # NaN (excluded rows) last
    assert np.all(np.diff(shown[finite]) <= 0)
    assert sorted(order.tolist()) == list(range(n))


def test_captured_rows_do_not_change_with_a_later_insertion():
    """A background sort reads a snapshot: inserting rows replaces the document's arrays, not
    the ones the snapshot holds."""
    ds = Dataset.from_arrays([1, 0, 1], [0.9, 0.3, 0.2])
    live = LiveEvaluation(ds, LossOptions())
    src = EvaluatedRows.of(ds, live)
    ds.insert_rows(0, 2)
    live.rows_inserted(0, 2)
    assert len(src) == 3
    assert list(row_values.view_order(src, "loss")) == [0, 1, 2]
