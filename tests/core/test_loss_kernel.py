"""The fast loss kernel (log of the actual class's probability plus an exact correction)
against the log1p reference it replaced: bit for bit where 1 − p is a float, within one unit in
the last place elsewhere, and each row's loss a function of that row alone."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bce_gui.core.loss import (KERNEL_BLOCK, LossOptions, _exact_hard_losses,
                               _hard_losses_log1p, row_losses, row_terms)


def ulps(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Distance in units in the last place between same-signed floats (0 for equal bits)."""
    return np.abs(a.view(np.int64) - b.view(np.int64))


def wide_probabilities(rng, n: int) -> np.ndarray:
    """p spread over every decade from 1e-300 to 1, then decimals as files write them."""
    logs = rng.uniform(math.log(1e-300), 0.0, n // 2)
    decimals = [np.round(part, digits) for digits, part
                in enumerate(np.array_split(rng.random(n - n // 2), 16), start=1)]
    return np.concatenate([np.exp(logs), *decimals])


def test_class_1_rows_are_bit_for_bit_the_reference():
    rng = np.random.default_rng(1)
    p = np.concatenate([wide_probabilities(rng, 200_000), [0.0, 1.0, 5e-324, 1 - 2**-53]])
    y = np.ones_like(p)
    new, ref = _exact_hard_losses(y, p, False), _hard_losses_log1p(y, p)
    assert np.array_equal(new.view(np.int64), ref.view(np.int64))


def test_class_0_rows_where_one_minus_p_is_a_float_are_bit_for_bit():
    rng = np.random.default_rng(2)
    # p >= 1/2 (Sterbenz) and p a multiple of 2^-53 below it (numpy's random numbers): 1 - p exact
    p = np.concatenate([0.5 + rng.random(100_000) / 2, rng.random(100_000), [0.5, 1.0, 0.0]])
    y = np.zeros_like(p)
    assert np.array_equal(_exact_hard_losses(y, p, False).view(np.int64),
                          _hard_losses_log1p(y, p).view(np.int64))


def test_class_0_rows_are_within_one_ulp_of_log1p_and_of_the_true_value():
    rng = np.random.default_rng(3)
    p = wide_probabilities(rng, 400_000)
    y = np.zeros_like(p)
    new = _exact_hard_losses(y, p, False)
    assert ulps(new, _hard_losses_log1p(y, p)).max() <= 1
    some = np.flatnonzero(p < 1.0)[::97]
    truth = np.array([-math.log1p(-v) for v in p[some].tolist()])  # glibc: within an ulp of exact
    assert ulps(new[some], truth).max() <= 1


def test_tiny_and_edge_probabilities():
    p = np.array([1e-300, 1e-20, 2**-20 * 0.999, 2**-20, 0.25, 0.5 - 2**-54, 1 - 1e-16, 1.0, 0.0])
    for label in (0.0, 1.0):
        y = np.full_like(p, label)
        assert ulps(_exact_hard_losses(y, p, False), _hard_losses_log1p(y, p)).max() <= 1
    y0 = np.zeros_like(p)
    assert _exact_hard_losses(y0, np.array([1e-20]), False)[0] == 1e-20  # -ln(1 - 1e-20)
    assert _exact_hard_losses(np.ones(1), np.zeros(1), False)[0] == math.inf
    assert _exact_hard_losses(y0[:1], np.ones(1), False)[0] == math.inf


def test_invalid_rows_are_the_reference_and_never_change_their_neighbours():
    """A label other than 0/1 or a p outside [0, 1] in a block takes the reference for that row
    only: every other row has the bits it has alone (an edit equals a full evaluation)."""
    rng = np.random.default_rng(4)
    n = KERNEL_BLOCK + 100
    p = wide_probabilities(rng, n)
    y = (rng.random(n) < 0.4).astype(float)
    odd = rng.choice(n, 40, replace=False)
    y[odd[:10]] = np.nan
    y[odd[10:20]] = 0.5
    p[odd[20:30]] = np.nan
    p[odd[30:]] = rng.choice([-0.25, 1.5, np.inf, -np.inf], 10)
    whole = _exact_hard_losses(y, p, False)
    alone = np.array([_exact_hard_losses(y[i:i + 1], p[i:i + 1], False)[0] for i in range(0, n, 7)]
                     + [_exact_hard_losses(y[i:i + 1], p[i:i + 1], False)[0] for i in odd])
    assert np.array_equal(np.concatenate([whole[::7], whole[odd]]), alone, equal_nan=True)
    ref = _hard_losses_log1p(y[odd], p[odd])
    assert np.array_equal(whole[odd], ref, equal_nan=True)


@pytest.mark.parametrize("n", [10, KERNEL_BLOCK - 1, 3 * KERNEL_BLOCK + 5, 300_000])
def test_row_losses_threads_and_blocks_give_the_same_bits(n):
    rng = np.random.default_rng(n)
    p = wide_probabilities(rng, n)
    y = (rng.random(n) < 0.3).astype(float)
    got = row_losses(y, p, LossOptions())
    one_block = _exact_hard_losses(y, p, False)
    assert np.array_equal(got.view(np.int64), one_block.view(np.int64))


def test_the_table_shows_the_kernels_log():
    """row_terms (what the table shows) and row_losses (what is summed) agree bit for bit."""
    rng = np.random.default_rng(5)
    p = wide_probabilities(rng, 50_000)
    y = (rng.random(p.size) < 0.5).astype(float)
    terms = row_terms(y, p, LossOptions())
    assert np.array_equal((-terms.ln_corrected).view(np.int64),
                          row_losses(y, p, LossOptions()).view(np.int64))


# --------------------------------------------------------------------------------------------
# The clipping conventions' kernel (scikit-learn, custom, PyTorch, Keras)
# --------------------------------------------------------------------------------------------


def adversarial_rows(seed: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Probabilities over every decade and at the clipping edges, with odd rows: NaN labels and
    p, labels other than 0/1, p outside [0, 1] and infinite."""
    rng = np.random.default_rng(seed)
    edges = [0.0, 1.0, 5e-324, 1e-300, 1e-16, 2.220446049250313e-16, 1e-7, 9.99e-8, 1 - 1e-7,
             1 - 2**-53, 1 - 2**-52, 0.5, 0.5 - 2**-54, 1e-46, 1e-38]
    p = np.concatenate([wide_probabilities(rng, n), edges * 20])
    p = p[rng.permutation(p.size)]
    y = (rng.random(p.size) < 0.4).astype(float)
    odd = rng.choice(p.size, 200, replace=False)
    y[odd[:40]] = np.nan
    y[odd[40:80]] = rng.choice([0.5, 2.0, -1.0, np.inf], 40)
    p[odd[80:120]] = np.nan
    p[odd[120:]] = rng.choice([-0.25, 1.5, np.inf, -np.inf, -0.0], 80)
    return y, p


@pytest.mark.parametrize("policy,eps", [("sklearn", None), ("custom", 1e-4), ("custom", 0.2),
                                        ("torch", None), ("keras", None)])
def test_the_clipping_conventions_kernel_is_bit_for_bit_the_general_terms(policy, eps):
    """The one-log-per-row kernel of a clipping convention gives, row by row, the very bits of
    the general terms (both classes' logs formed, then one picked), odd rows and NaN included,
    whatever the blocks and threads."""
    from bce_gui.core.loss import _general_terms
    from bce_gui.core.policies import make_policy

    options = LossOptions(policy=make_policy(policy, eps))
    for n in (7, KERNEL_BLOCK + 3, 300_000):
        y, p = adversarial_rows(n, n)
        ref = _general_terms(y, p, options)[1]
        got = row_losses(y, p, options)
        assert np.array_equal(got.view(np.int64), ref.view(np.int64))
