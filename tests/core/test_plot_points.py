"""core.penalty.plot_points: where the plot draws every row, computed in one pass where a table
is loaded, equals the plain computation it replaces (issue 16)."""

from __future__ import annotations

import numpy as np
import pytest

from bce_gui.core.dataset import Dataset
from bce_gui.core.live import LiveEvaluation
from bce_gui.core.loss import LossOptions, to_units
from bce_gui.core.penalty import extreme_prediction, plot_points, probability_of_class1, worst_rows
from bce_gui.core.policies import make_policy
from bce_gui.core.row_values import EvaluatedRows


def table(n: int, seed: int = 1, logits: bool = False) -> Dataset:
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.35).astype(float)
    p = rng.normal(0, 3, n) if logits else rng.random(n)
    if not logits:
        p[::97] = 0.0  # infinite losses for the class-1 rows among them
        p[::89] = 1.0
        p[::53] = 1.5  # invalid: outside [0, 1]
        p[5] = 1e-300
    p[::61] = np.nan  # empty cells
    y[::71] = 2.0  # invalid label
    return Dataset.from_arrays(y, p)


def reference(src: EvaluatedRows, bins: int, max_points: int, worst: int):
    """The computation as the plot did it before: whole columns, argpartition."""
    loss = np.where(src.valid, src.loss, np.nan)
    drawn = ~np.isnan(loss)
    finite = drawn & np.isfinite(loss)
    top = float(loss[finite].max()) if finite.any() else None
    pos = finite & (loss > 0)
    low = float(loss[pos].min()) if pos.any() else None
    extreme = extreme_prediction(src.predicted[drawn], src.options)
    with np.errstate(invalid="ignore"):
        x = np.where(drawn, probability_of_class1(src.predicted, src.options), 0.0)
    b = np.minimum((x * bins).astype(np.int32), bins - 1)
    b += np.where(src.actual >= 0.5, 0, bins).astype(np.int32)
    codes = np.where(drawn, b, -1).astype(np.int16)
    k = min(worst, int(drawn.sum()))
    keyed = np.where(drawn, loss, -np.inf)
    worst_set = np.sort(np.argpartition(keyed, keyed.size - k)[keyed.size - k:])
    return codes, top, low, extreme, worst_set, keyed


@pytest.mark.parametrize("logits", [False, True])
@pytest.mark.parametrize("n", [30, 5_000, 200_003])
def test_plot_points_equal_the_plain_computation(n, logits):
    ds = table(n, logits=logits)
    opts = LossOptions(logits=logits, policy=make_policy("exact"))
    live = LiveEvaluation(ds, opts)
    src = EvaluatedRows.of(ds, live)
    pts = plot_points(src, live.version, bins=1000, max_points=1000, worst=300)
    codes, top, low, extreme, worst_set, keyed = reference(src, 1000, 1000, 300)
    assert pts.version == live.version
    assert pts.n_drawn == int(np.count_nonzero(codes >= 0))
    assert (pts.top_nats, pts.low_nats, pts.extreme) == (top, low, extreme)
    if pts.density:
        np.testing.assert_array_equal(pts.codes, codes)
        np.testing.assert_array_equal(pts.counts, np.bincount(codes[codes >= 0], minlength=2000))
        # The same losses (ties may be broken by other rows of equal loss)
        np.testing.assert_array_equal(np.sort(keyed[pts.exact_rows]), np.sort(keyed[worst_set]))
        assert np.all(np.diff(pts.exact_rows) > 0)
    else:
        assert n == 30 and pts.codes.size == 0
        np.testing.assert_array_equal(pts.exact_rows, np.flatnonzero(codes >= 0))


def test_units_are_converted_as_each_row_would_be():
    ds = table(3_000)
    live = LiveEvaluation(ds, LossOptions())
    pts = plot_points(EvaluatedRows.of(ds, live), live.version, bins=100, max_points=10, worst=5)
    loss = live.loss[np.isfinite(live.loss)]
    bits = to_units(loss, "bits")
    assert pts.top("bits") == float(bits.max()) and pts.low("bits") == float(bits[bits > 0].min())
    assert pts.top("nats") == float(loss.max())


def test_nothing_to_draw():
    ds = Dataset.from_arrays([2.0, 3.0], [0.5, 0.5])  # every label invalid
    live = LiveEvaluation(ds, LossOptions())
    pts = plot_points(EvaluatedRows.of(ds, live), live.version, bins=10, max_points=1, worst=5)
    assert (pts.n_drawn, pts.top_nats, pts.low_nats, pts.extreme) == (0, None, None, None)
    assert pts.exact_rows.size == 0


def test_worst_rows_falls_back_when_the_sample_misleads():
    """A sample of every k-th row can miss the top rows' neighbourhood: with all the large losses
    between the sampled rows, fewer rows than wanted pass its threshold; every row is then
    partitioned, and the answer is still the exact top k."""
    n, k = 100_000, 50
    loss = np.full(n, 1.0)
    step = max(1, n // (64 * k))
    big = np.arange(1, n, step)[:k]  # never a sampled row (those are multiples of step)
    loss[big] = 100.0 + np.arange(k)
    drawn = np.ones(n, dtype=bool)
    np.testing.assert_array_equal(worst_rows(loss, drawn, k), np.sort(big))
    loss2 = np.random.default_rng(3).random(n)
    loss2[::7] = np.inf
    got = worst_rows(loss2, drawn, k)
    assert np.all(np.isinf(loss2[got])) and got.size == k
    assert worst_rows(loss2, drawn, 0).size == 0


def test_live_version_moves_with_every_change():
    ds = Dataset.from_arrays([1, 0, 1], [0.9, 0.2, 0.7])
    live = LiveEvaluation(ds, LossOptions())
    seen = {live.version}
    ds.set_cell_text("predicted", 0, "0.5")
    live.rows_changed([0])
    seen.add(live.version)
    ds.insert_rows(1, 1)
    live.rows_inserted(1, 1)
    seen.add(live.version)
    live.rows_removed([1])
    ds.delete_rows(np.array([1]))
    seen.add(live.version)
    live.rebuild(LossOptions(policy=make_policy("sklearn")))
    seen.add(live.version)
    assert len(seen) == 5
    assert LiveEvaluation(ds, LossOptions()).version not in seen  # unique in the process


def test_k_classes_are_placed_at_the_actual_class_probability():
    """K classes: one curve, rows binned by q = p(actual class) (as the loss used it), no class
    offset; the curve must reach down to the smallest q drawn."""
    from bce_gui.core.dataset import NumericColumn
    from bce_gui.core.schema import Schema

    rng = np.random.default_rng(3)
    n, k = 50_000, 4
    y = rng.integers(0, k, n)
    p = rng.dirichlet(np.ones(k), n)
    p[7] = [0.0, 1.0, 0.0, 0.0] if y[7] != 1 else [1.0, 0.0, 0.0, 0.0]  # infinite loss
    p[11, :] = [1e-9, 1e-9, 1e-9, 1 - 3e-9]
    y[11] = 0
    cols = {"y": NumericColumn.from_floats(y.astype(float))}
    cols.update({f"p_{c}": NumericColumn.from_floats(p[:, c]) for c in range(k)})
    ds = Dataset(cols, Schema.categorical(list(range(k)), "y", tuple(f"p_{c}" for c in range(k))))
    live = LiveEvaluation(ds, LossOptions())
    pts = plot_points(EvaluatedRows.of(ds, live), live.version, bins=100, max_points=1000, worst=30)
    q = p[np.arange(n), y]
    assert pts.density and pts.n_drawn == n
    expected = np.minimum((np.exp(-live.loss) * 100).astype(np.int64), 99)
    np.testing.assert_array_equal(pts.codes, expected)
    np.testing.assert_array_equal(pts.counts[:100], np.bincount(expected, minlength=100))
    assert pts.counts[100:].sum() == 0
    assert pts.extreme == pytest.approx(q[q > 0].min(), rel=1e-9)
    assert 7 in pts.exact_rows and 11 in pts.exact_rows  # the worst rows are drawn exactly
