"""Weighted isotonic regression by pool-adjacent-violators, in numpy passes.

Why: the CORP reliability diagram and the loss decomposition need the isotonic recalibration
of the predictions: the non-decreasing function of p closest to the labels (in squared error,
and therefore in every Bregman score, the log loss included). scikit-learn and SciPy compute it
in compiled loops; the core is numpy only, so it is done here in whole-array passes.

What: the input is a sequence of groups in increasing x (rows with equal x pooled into one
group, as scikit-learn's ``IsotonicRegression`` pools ties), each with Σw·y and Σw. The classic
algorithm pools adjacent blocks whose means decrease until none do; the result is the same
whatever order the violators are pooled in. Each pass here pools *every* strictly decreasing
run of block means at once (pooling a run is a sequence of legal pairwise pools: the pooled
mean stays above the next block's). Runs of equal means are pooled first: a straight piece of
the cumulative-sum diagram lies on its convex minorant entirely or not at all, so it never
splits. A pass costs a few numpy operations over the blocks left; a handful of passes removes
most blocks, and if a long cascade keeps one going, the classic stack finishes the rest.

Several independent problems can be solved in one call (``segment_starts``: the groups that
begin a new problem, which never pool with the group before them), which is how the consistency
band fits its hundred resamples at once.
"""

from __future__ import annotations

import numpy as np

_MAX_PASSES = 40


def pav(sums: np.ndarray, weights: np.ndarray,
        segment_starts: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pool adjacent violators: ``(starts, block_sums, block_weights)`` of the fitted blocks.

    ``sums`` (Σw·y) and ``weights`` (Σw > 0) per group, groups in increasing x. ``starts`` is
    the index of each block's first group; the fitted value of a block is sum / weight.
    """
    s = np.asarray(sums, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64)
    n = s.size
    if n == 0:
        return np.zeros(0, dtype=np.int64), s.copy(), w.copy()
    starts = np.arange(n, dtype=np.int64)
    seg = np.zeros(n, dtype=bool)
    seg[0] = True
    if segment_starts is not None:
        seg[np.asarray(segment_starts, dtype=np.int64)] = True

    # Pool runs of equal means first (never split, see the module docstring).
    m = s / w
    keep = np.ones(n, dtype=bool)
    keep[1:] = (m[1:] != m[:-1]) | seg[1:]
    starts, s, w, seg = _pool(keep, starts, s, w, seg)

    for _ in range(_MAX_PASSES):
        m = s / w
        viol = (m[:-1] > m[1:]) & ~seg[1:]
        if not viol.any():
            return starts, s, w
        keep = np.ones(s.size, dtype=bool)
        keep[1:] = ~viol
        starts, s, w, seg = _pool(keep, starts, s, w, seg)
    return _stack(starts, s, w, seg)


def _pool(keep: np.ndarray, starts, s, w, seg):
    """Merge every block whose ``keep`` is False into the block before it."""
    idx = np.flatnonzero(keep)
    return starts[idx], np.add.reduceat(s, idx), np.add.reduceat(w, idx), seg[idx]


def _stack(starts, s, w, seg):
    """The classic one-pass stack over the blocks left (for the rare long cascades)."""
    out_start: list[int] = []
    out_s: list[float] = []
    out_w: list[float] = []
    top = -1
    seg_top = -1  # index in the output where the current problem begins
    for st, si, wi, sg in zip(starts.tolist(), s.tolist(), w.tolist(), seg.tolist()):
        if sg:
            seg_top = top + 1
        out_start.append(st)
        out_s.append(si)
        out_w.append(wi)
        top += 1
        while top > seg_top and out_s[top - 1] * out_w[top] > out_s[top] * out_w[top - 1]:
            out_s[top - 1] += out_s[top]
            out_w[top - 1] += out_w[top]
            out_start.pop(), out_s.pop(), out_w.pop()
            top -= 1
    return (np.asarray(out_start, dtype=np.int64), np.asarray(out_s), np.asarray(out_w))


def fitted(starts: np.ndarray, block_sums: np.ndarray, block_weights: np.ndarray,
           n_groups: int) -> np.ndarray:
    """The fitted value of each group (its block's mean)."""
    lengths = np.diff(np.append(starts, n_groups))
    return np.repeat(block_sums / block_weights, lengths)


def pool_ties(x_sorted: np.ndarray, *columns: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
    """Index of the first row of each run of equal sorted x, and each column summed per run."""
    if x_sorted.size == 0:
        return np.zeros(0, dtype=np.int64), [np.zeros(0) for _ in columns]
    first = np.flatnonzero(np.concatenate(([True], x_sorted[1:] != x_sorted[:-1])))
    if first.size == x_sorted.size:  # no ties (continuous predictions): nothing to pool
        return first, [np.asarray(c, dtype=np.float64) for c in columns]
    return first, [np.add.reduceat(c, first) for c in columns]


def isotonic_fit(x, y, weights=None) -> np.ndarray:
    """The weighted isotonic (non-decreasing in x) regression of y, one value per row.

    Rows with equal x get the same value (ties pooled, as scikit-learn does). Weights must be
    positive.
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    w = np.ones(x.size) if weights is None else np.asarray(weights, dtype=np.float64)
    order = np.argsort(x, kind="stable")
    first, (sy, sw) = pool_ties(x[order], w[order] * y[order], w[order])
    starts, bs, bw = pav(sy, sw)
    per_group = fitted(starts, bs, bw, first.size)
    per_row_sorted = np.repeat(per_group, np.diff(np.append(first, x.size)))
    out = np.empty(x.size)
    out[order] = per_row_sorted
    return out
