"""Sort and filter permutations (core, no Qt)."""

from __future__ import annotations

import numpy as np
import pytest

from bce_gui.core import row_order
from bce_gui.core.dataset import TEXT


@pytest.mark.parametrize("n", [10, 1000, row_order.PARALLEL_SORT_ROWS + 10])
@pytest.mark.parametrize("descending", [False, True])
def test_float_order_nan_last_in_both_directions(n, descending):
    rng = np.random.default_rng(n)
    v = rng.random(n)
    v[rng.integers(0, n, n // 10)] = np.nan
    v[0] = np.inf
    perm = row_order.sort_order(v, descending)
    assert perm.dtype == np.int32 and np.array_equal(np.sort(perm), np.arange(n))
    s = v[perm]
    k = int(np.count_nonzero(~np.isnan(v)))
    assert np.isnan(s[k:]).all() and not np.isnan(s[:k]).any()
    d = np.diff(s[:k])
    assert (d <= 0).all() if descending else (d >= 0).all()


def test_small_sorts_are_stable_and_filters_apply():
    v = np.array([2.0, 1.0, 2.0, np.nan, 1.0, 2.0])
    assert row_order.sort_order(v).tolist() == [1, 4, 0, 2, 5, 3]
    assert row_order.sort_order(v, descending=True).tolist() == [0, 2, 5, 1, 4, 3]
    rows = np.array([0, 3, 4])
    assert row_order.sort_order(v, rows=rows).tolist() == [4, 0, 3]


def test_text_order_stable_empty_last():
    ids = np.array(["b", "a", "", "b", "a", "c"], dtype=TEXT)
    assert row_order.sort_order(ids).tolist() == [1, 4, 0, 3, 5, 2]
    assert row_order.sort_order(ids, descending=True).tolist() == [5, 0, 3, 1, 4, 2]


def test_invalid_rows():
    assert row_order.invalid_rows(np.array([True, False, True, False])).tolist() == [1, 3]


@pytest.mark.parametrize("descending", [False, True])
def test_parallel_order_is_exact_for_signs_zeros_infinities_and_close_values(monkeypatch, descending):
    """The large-table path sorts the floats' bit patterns: the order must be the numbers' own,
    for negative values, -0.0 and 0.0, ±inf, and values one ulp apart."""
    monkeypatch.setattr(row_order, "PARALLEL_SORT_ROWS", 4)
    rng = np.random.default_rng(5)
    base = rng.normal(size=2000) * 10.0 ** rng.integers(-300, 300, 2000)
    special = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1.0, np.nextafter(1.0, 2.0),
                        -1.0, np.nextafter(-1.0, -2.0), 5e-324, -5e-324, np.nan])
    values = np.concatenate([base, special])
    rng.shuffle(values)
    perm = row_order.sort_order(values, descending)
    assert perm.dtype == np.int32 and sorted(perm.tolist()) == list(range(values.size))
    shown = values[perm]
    nan = np.isnan(shown)
    assert nan.sum() == 2 and nan[-2:].all()  # NaN last
    finite = shown[~nan]
    assert np.all(np.diff(finite) <= 0) if descending else np.all(np.diff(finite) >= 0)
    assert not np.shares_memory(perm, values)
