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
