"""The exact sum and the one accumulator: order-free, invertible, mergeable."""

from __future__ import annotations

import math
import random
import pickle

import numpy as np
import pytest

from bce_gui.core.accumulate import Accumulator, RowReport
from bce_gui.core.loss import class_entropy as entropy
from bce_gui.core.exact import SMALL, ExactSum, exact_sum


def _wide(rng, n):
    """Floats over a wide range of magnitudes and both signs (the hard case for a sum)."""
    return rng.standard_normal(n) * 10.0 ** rng.integers(-30, 30, n)


@pytest.mark.parametrize("n", [1, 7, SMALL - 1, SMALL, 5000, 100_000])
def test_exact_sum_is_the_correctly_rounded_sum(n):
    rng = np.random.default_rng(n)
    v = _wide(rng, n)
    assert exact_sum(v) == math.fsum(v.tolist())
    # order does not matter, to the last bit
    assert exact_sum(v[::-1]) == exact_sum(rng.permutation(v)) == exact_sum(v)


def test_exact_sum_small_and_binned_paths_agree():
    rng = np.random.default_rng(1)
    v = _wide(rng, 3000)
    one_by_one = ExactSum()
    for x in v.tolist():
        one_by_one.add(x)
    binned = ExactSum()
    binned.add_array(v)
    assert one_by_one == binned
    assert one_by_one.value == math.fsum(v.tolist())


def test_subnormals_and_huge_values_are_exact():
    v = np.array([5e-324, 1e308, -1e308, 5e-324, 2.5e-310] * 100)
    assert exact_sum(v) == math.fsum(v.tolist())
    assert exact_sum(v) == 100 * (2 * 5e-324 + 2.5e-310)


def test_taking_terms_out_restores_the_sum_exactly():
    rng = np.random.default_rng(2)
    base = _wide(rng, 10_000)
    s = ExactSum()
    s.add_array(base)
    before = ExactSum()
    before.merge(s)
    for _ in range(50):  # many edits: add a block, take it out again
        block = _wide(rng, int(rng.integers(1, 600)))
        s.add_array(block)
        s.sub_array(block)
    assert s == before
    s.sub_array(base)
    assert s.value == 0.0


def test_merging_partitions_gives_the_whole():
    rng = np.random.default_rng(3)
    v = _wide(rng, 50_000)
    whole = exact_sum(v)
    cuts = np.sort(rng.integers(0, v.size, 9))
    parts = np.split(v, cuts)
    total = ExactSum()
    for part in parts:
        s = ExactSum()
        s.add_array(part)
        total.merge(pickle.loads(pickle.dumps(s)))  # as it travels from a cluster worker
    assert total.value == whole


def test_non_finite_terms_are_counted_and_can_be_taken_out():
    s = ExactSum()
    s.add_array(np.array([1.0, np.inf, 2.0] + [0.5] * 300))
    assert s.value == math.inf
    s.sub(math.inf)
    assert s.value == 153.0
    s.add(-math.inf)
    s.add(math.inf)
    assert math.isnan(s.value)
    s.sub(math.inf)
    assert s.value == -math.inf
    s.add(math.nan)
    assert math.isnan(s.value)
    s.sub(math.nan)
    s.sub(-math.inf)
    assert s.value == 153.0


# ---------------------------------------------------------------------------------------------
# ExactSum: the cases of the two classes it replaced (summation.ExactSum, stream.ExactAccumulator)
# ---------------------------------------------------------------------------------------------


def test_exact_sum_add_then_subtract_huge_and_tiny_restores_exactly():
    values = [0.1, 0.2, 0.3, 1e-17, 12345.678, 2.0 / 3.0]
    s = ExactSum()
    for v in values:
        s.add(v)
    original = math.fsum(values)
    assert s.value == original
    for big in (1e100, 1e-300, -1e308, 5e-324, 1e16, 3.0):
        s.add(big)
        s.add(1e-300)
        s.sub(big)
        s.sub(1e-300)
        assert s.value == original
    # a naive running sum loses everything to the 1e100
    naive = sum(values) + 1e100 - 1e100
    assert naive != original


def test_exact_sum_random_adds_and_removes_equal_fsum_of_what_remains():
    rng = random.Random(42)
    s = ExactSum()
    bag: list[float] = []
    for _ in range(3000):
        if bag and rng.random() < 0.4:
            x = bag.pop(rng.randrange(len(bag)))
            s.sub(x)
        else:
            x = rng.choice([rng.uniform(-1, 1), rng.uniform(-1, 1) * 1e100, rng.uniform(0, 1) * 1e-300,
                            float(rng.randint(-10**6, 10**6)), rng.uniform(0, 1) * 1e20])
            bag.append(x)
            s.add(x)
        assert s.value == math.fsum(bag)


def test_exact_sum_arrays_add_and_remove_exactly():
    rng = np.random.default_rng(3)
    s = ExactSum(0.5)
    a = rng.standard_normal(10_000) * 1e10
    b = rng.standard_normal(100)
    s.add_array(a)
    s.add_array(b)
    s.sub_array(a)
    assert s.value == math.fsum([0.5, math.fsum(b)])
    s.sub_array(b)
    assert s.value == 0.5
    s.add_array(np.empty(0))
    assert float(s) == 0.5


@pytest.mark.parametrize("seed", range(5))
def test_exact_accumulator_matches_fsum(seed):
    rng = np.random.default_rng(seed)
    parts = [
        rng.random(70_000),
        -np.log(rng.random(1000)),
        rng.normal(size=5000) * 10.0 ** rng.integers(-300, 300, 5000),
        np.array([5e-324, 1e-310, -2.5e-320, 1e308, -1e308, 0.0, -0.0]),
    ]
    v = np.concatenate(parts)
    rng.shuffle(v)
    acc = ExactSum()
    for piece in np.array_split(v, 7):
        acc.add_array(piece)
    assert acc.value == math.fsum(v.tolist())


def test_exact_accumulator_cancellation_and_specials():
    acc = ExactSum()
    acc.add_array(np.array([1e16, 1.0, -1e16, 1e-30]))
    assert acc.value == 1.0 + 1e-30
    acc.add_int(3)
    assert acc.value == 4.0
    inf = ExactSum()
    inf.add_array(np.array([1.0, np.inf, 2.0]))
    assert inf.value == math.inf
    nan = ExactSum()
    nan.add_array(np.array([np.inf, -np.inf]))
    assert math.isnan(nan.value)
    assert ExactSum().value == 0.0


# --------------------------------------------------------------------------------------------
# The accumulator
# --------------------------------------------------------------------------------------------


def _reference(loss, y, w=None):
    """Totals written out directly with math.fsum (the definition, not the code under test)."""
    if w is None:
        w = np.ones_like(loss)
    counted = w > 0
    inf = np.isinf(loss) & counted
    contrib = [a * b for a, b, c, i in zip(w, loss, counted, inf) if c and not i]
    sum_w = math.fsum(w.tolist())
    q1 = math.fsum((w * y).tolist()) / sum_w
    return {
        "sum_loss": math.inf if inf.any() else math.fsum(contrib),
        "sum_weight": sum_w,
        "n_infinite": int(inf.sum()),
        "base_rate": q1,
        "baseline": -(q1 * math.log(q1) + (1 - q1) * math.log(1 - q1)),
    }


@pytest.mark.parametrize("weighted", [False, True])
def test_binary_totals_match_the_definition(weighted):
    rng = np.random.default_rng(4)
    n = 20_000
    loss = rng.exponential(0.7, n)
    y = (rng.random(n) < 0.3).astype(float)
    w = rng.choice([0.0, 0.5, 1.0, 2.5], n) if weighted else None
    acc = Accumulator(weighted=weighted)
    acc.update(loss, y, w)
    t = acc.result()
    ref = _reference(loss, y, w)
    assert t.n == n
    assert t.sum_loss == ref["sum_loss"]
    assert t.sum_weight == ref["sum_weight"]
    assert t.base_rate == pytest.approx(ref["base_rate"], rel=1e-15)
    assert t.baseline == pytest.approx(ref["baseline"], rel=1e-14)


def test_soft_labels_and_infinite_rows():
    loss = np.array([0.1, np.inf, 0.3, np.inf])
    y = np.array([0.2, 1.0, 0.7, 0.0])
    w = np.array([1.0, 2.0, 1.0, 0.0])  # the second infinite row weighs 0: it does not count
    acc = Accumulator(weighted=True)
    acc.update(loss, y, w)
    t = acc.result()
    assert t.n_infinite == 1 and t.sum_loss == math.inf
    assert t.base_rate == pytest.approx((0.2 + 2.0 + 0.7) / 4.0)
    acc.remove(loss[1:2], y[1:2], w[1:2])  # the edit that makes the row finite ...
    acc.update(np.array([0.25]), y[1:2], w[1:2])
    t = acc.result()
    assert t.n_infinite == 0
    assert t.sum_loss == math.fsum([0.1, 2.0 * 0.25, 0.3])


def test_blocks_in_any_grouping_give_the_same_totals_bit_for_bit():
    rng = np.random.default_rng(5)
    n = 30_000
    loss = _wide(rng, n) ** 2
    y = (rng.random(n) < 0.5).astype(float)
    w = rng.random(n) * 3
    whole = Accumulator(weighted=True)
    whole.update(loss, y, w)
    merged = Accumulator(weighted=True)
    for part in np.array_split(np.arange(n), 13):
        acc = Accumulator(weighted=True)
        acc.update(loss[part], y[part], w[part])
        merged.merge(pickle.loads(pickle.dumps(acc)))
    assert merged.result() == whole.result()


def test_edits_leave_no_drift():
    rng = np.random.default_rng(6)
    n = 5000
    loss = rng.exponential(1.0, n)
    y = (rng.random(n) < 0.4).astype(float)
    acc = Accumulator()
    acc.update(loss, y)
    before = acc.result()
    for _ in range(200):
        i = int(rng.integers(n))
        new = np.array([rng.exponential(1.0) * 1e6])
        acc.remove(loss[i:i + 1], y[i:i + 1])
        acc.update(new, y[i:i + 1])
        acc.remove(new, y[i:i + 1])
        acc.update(loss[i:i + 1], y[i:i + 1])
    assert acc.result() == before


def test_categorical_two_models_through_the_same_accumulator():
    """A K = 3 task with two models: per-model loss sums, class shares and the baseline."""
    rng = np.random.default_rng(7)
    n, k = 9000, 3
    labels = rng.integers(0, k, n)
    p_a = rng.dirichlet(np.ones(k), n)
    p_b = rng.dirichlet(np.ones(k) * 3, n)
    loss_a = -np.log(p_a[np.arange(n), labels])
    loss_b = -np.log(p_b[np.arange(n), labels])
    w = rng.random(n)
    for weighted in (False, True):
        acc = Accumulator(n_models=2, n_classes=k, weighted=weighted)
        half = n // 2
        acc.update([loss_a[:half], loss_b[:half]], labels[:half], w[:half])
        rest = Accumulator(n_models=2, n_classes=k, weighted=weighted)
        rest.update(np.vstack([loss_a[half:], loss_b[half:]]), labels[half:], w[half:])
        acc.merge(rest)
        ta, tb = acc.results()
        ww = w if weighted else np.ones(n)
        assert ta.sum_loss == math.fsum((ww * loss_a).tolist())
        assert tb.sum_loss == math.fsum((ww * loss_b).tolist())
        shares = [math.fsum(ww[labels == c].tolist()) / math.fsum(ww.tolist()) for c in range(k)]
        assert acc.class_shares() == pytest.approx(shares, rel=1e-15)
        assert ta.baseline == tb.baseline == pytest.approx(entropy(shares), rel=1e-15)
        assert ta.mean == pytest.approx(np.average(loss_a, weights=ww), rel=1e-12)


def test_binary_task_given_class_indices_equals_labels_as_numbers():
    rng = np.random.default_rng(8)
    y = (rng.random(1000) < 0.2)
    loss = rng.random(1000)
    a = Accumulator()
    a.update(loss, y.astype(float))
    b = Accumulator()
    b.update(loss, y.astype(np.int64))
    assert a.result() == b.result()


def test_merging_different_shapes_is_refused():
    with pytest.raises(ValueError):
        Accumulator(n_models=2).merge(Accumulator())
    with pytest.raises(ValueError):
        Accumulator(weighted=True).merge(Accumulator())
    with pytest.raises(ValueError):
        Accumulator(weighted=True).update(np.ones(3), np.ones(3))


def test_row_report_merges_in_row_order_and_caps():
    a = RowReport(limit=3)
    a.add_issues(2, [{"row": 2}, {"row": 5}])
    a.add_infinite([7, 9])
    b = RowReport(limit=3)
    b.add_issues(4, [{"row": 11}, {"row": 12}, {"row": 13}, {"row": 14}])
    b.add_infinite([20, 21])
    a.merge(b)
    assert a.n_invalid == 6
    assert [i["row"] for i in a.issues] == [2, 5, 11]
    assert a.issues_truncated
    assert a.infinite_rows == [[7, 9, 20]]
    exact = RowReport(limit=2)
    exact.add_issues(2, [{"row": 1}, {"row": 2}])
    assert not exact.issues_truncated
