"""The extraction path of the exact sum (Rump-style error-free splitting, a cache-sized block
at a time) against the term-by-term integer sum, ``math.fsum`` and the binned path it falls back
to: the same integer total for every kind of block, whichever path each block takes."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bce_gui.core.exact import EXTRACT_BLOCK, EXTRACT_LEVELS, ExactSum


def one_by_one(values) -> ExactSum:
    s = ExactSum()
    for x in np.asarray(values).tolist():
        s.add(x)
    return s


def array_sum(values, sign: int = 1) -> ExactSum:
    s = ExactSum()
    s.add_array(np.asarray(values, dtype=np.float64), sign)
    return s


def binned(values) -> ExactSum:
    s = ExactSum()
    s._add_binned(np.asarray(values, dtype=np.float64), 1)
    return s


def cases(rng):
    n = 2 * EXTRACT_BLOCK + 123  # blocks, and a short last one
    yield "losses", -np.log(rng.random(n))
    yield "wide, both signs", rng.standard_normal(n) * 10.0 ** rng.integers(-30, 30, n)
    yield "whole range", rng.standard_normal(n) * np.exp(rng.uniform(-740, 700, n))
    yield "subnormals", rng.integers(-1000, 1000, n) * 5e-324
    yield "near the largest float", np.concatenate([rng.random(n) * 1e303, [1.7e308, -1.7e308]])
    yield "cancelling", np.concatenate([np.full(n, 1e16), np.full(n, -1e16), rng.random(50)])
    yield "zeros and integers", np.concatenate([np.zeros(n), rng.integers(0, 2, n).astype(float)])
    yield "one tiny among large", np.concatenate([rng.random(n) * 30, [1e-300]])


@pytest.mark.parametrize("name", [c[0] for c in cases(np.random.default_rng(0))])
def test_every_path_gives_the_same_exact_total(name):
    rng = np.random.default_rng(7)
    values = dict(cases(rng))[name]
    expected = one_by_one(values)
    assert array_sum(values) == expected
    assert binned(values) == expected
    if name != "near the largest float":  # (fsum's partial sums overflow there)
        assert array_sum(values).value == math.fsum(values.tolist())
    assert array_sum(rng.permutation(values)) == expected  # order-free, to the last bit


def test_a_block_needing_more_levels_than_allowed_finishes_in_the_binned_sum():
    """Terms from 1e300 to 1e-300 in one block: the remainders outlast EXTRACT_LEVELS."""
    rng = np.random.default_rng(8)
    v = rng.random(1000) * 10.0 ** rng.integers(-300, 300, 1000)
    assert EXTRACT_LEVELS * 38 < 2000  # (the spread of exponents is far more than the levels hold)
    assert array_sum(v) == one_by_one(v)


def test_specials_are_counted_and_the_finite_terms_summed_exactly():
    v = np.concatenate([np.random.default_rng(9).random(EXTRACT_BLOCK), [np.inf, np.nan, -np.inf, 2.0]])
    s = array_sum(v)
    finite = v[np.isfinite(v)]
    assert s._int == one_by_one(finite)._int
    assert (s._pos_inf, s._neg_inf, s._nan) == (1, 1, 1)


def test_adding_then_taking_out_an_array_leaves_nothing():
    rng = np.random.default_rng(10)
    v = rng.standard_normal(3 * EXTRACT_BLOCK) * np.exp(rng.uniform(-700, 700, 3 * EXTRACT_BLOCK))
    s = array_sum(v)
    s.add_array(v, -1)
    assert s == ExactSum()
