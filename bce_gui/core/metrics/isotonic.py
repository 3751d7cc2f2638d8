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
    if segment_starts is None and _whole_numbers(s, w):
        return _pav_whole(s, w)
    return _pav_pooled(s, w, segment_starts)


def _pav_pooled(s: np.ndarray, w: np.ndarray, segment_starts: np.ndarray | None = None
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`pav` by pooling the blocks' sums in each pass (any sums and weights)."""
    n = s.size
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


def _whole_numbers(s: np.ndarray, w: np.ndarray) -> bool:
    """True when every sum is a whole number, every weight a whole number of at least 1, and
    their totals are below 2^52, so that any sum of them is exact, in whatever order it is
    formed (unweighted rows: counts)."""
    return bool(np.all(s >= 0.0) and np.all(np.floor(s) == s) and np.all(w >= 1.0)
                and np.all(np.floor(w) == w) and float(np.sum(s)) < 2.0 ** 52
                and float(np.sum(w)) < 2.0 ** 52)


def _pav_whole(s: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`pav` of one problem whose sums and weights are whole numbers (counts), pooled the
    same way in the same passes, but with each block kept as the running totals up to its last
    group: pooling a block into the one before drops that one's totals, and a block's sums are
    differences of running totals, exact for whole numbers, so equal to the pooled sums
    (``reduceat``, several times slower, is what the general case needs for its rounding).
    The weights are at least 1, so the running weight names the group each block ends at."""
    m = s / w
    cum_w = np.cumsum(w)
    last = np.flatnonzero(np.append(m[1:] != m[:-1], True))  # runs of equal means pooled first
    cs = np.concatenate(([0.0], np.cumsum(s).take(last)))  # totals before the first block, after each
    cw = np.concatenate(([0.0], cum_w.take(last)))
    bs, bw, cw, cascade = _pool_totals(cs, cw)
    starts = _first_groups(cum_w, cw)
    if cascade:
        seg = np.zeros(bs.size, dtype=bool)
        seg[:1] = True
        return _stack(starts, bs, bw, seg)
    return starts, bs, bw


def pav_of_labels(ones: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``pav(labels, ones)[1:]`` for 0/1 labels (``ones``: True for class 1) in increasing x
    with no ties: (block sums, block weights), the same numbers as :func:`pav` gives, from
    the runs of equal labels (its first pooling) counted directly, with little memory (the
    isotonic fit of a million sorted rows)."""
    n = ones.size
    if n == 0:
        return np.zeros(0), np.zeros(0)
    ends = np.flatnonzero(ones[1:] != ones[:-1])  # the last row of every run but the last
    k = ends.size + 1
    cw = np.empty(k + 1)  # rows before the first run and up to the end of each
    cw[0] = 0.0
    np.add(ends, 1, out=cw[1:k], casting="unsafe")
    cw[k] = n
    ones_in = np.subtract(cw[1:], cw[:-1])  # each run's rows ...
    ones_in[(1 if ones[0] else 0)::2] = 0.0  # ... of which class 1 (the runs alternate)
    cs = np.empty(k + 1)
    cs[0] = 0.0
    np.cumsum(ones_in, out=cs[1:])
    bs, bw, cw, cascade = _pool_totals(cs, cw)
    if cascade:
        seg = np.zeros(bs.size, dtype=bool)
        seg[:1] = True
        _starts, bs, bw = _stack(np.zeros(bs.size, dtype=np.int64), bs, bw, seg)
    return bs, bw


def _pool_totals(cs: np.ndarray, cw: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    """PAV's passes over blocks given as running totals (``cs``, ``cw``: 0, then the totals
    after each block; whole numbers, no two neighbouring blocks of equal means): the blocks'
    sums and weights, ``cw`` left, and whether a cascade outlasted the passes (the stack then
    finishes). Each pass reuses the buffers of the first (new memory costs more than the
    arithmetic: a page fault a few thousand values)."""
    size = cs.size - 1
    bs, bw, m = np.empty(size), np.empty(size), np.empty(size)
    viol, keep = np.empty(max(size - 1, 0), dtype=bool), np.empty(size + 1, dtype=bool)
    totals = [(cs, cw), (np.empty_like(cs), np.empty_like(cw))]
    k = size
    for _ in range(_MAX_PASSES):
        np.subtract(cs[1:], cs[:-1], out=bs[:k])
        np.subtract(cw[1:], cw[:-1], out=bw[:k])
        np.divide(bs[:k], bw[:k], out=m[:k])
        v = np.greater(m[:k - 1], m[1:k], out=viol[:k - 1])
        if not v.any():
            return bs[:k].copy(), bw[:k].copy(), cw, False
        kk = keep[:k + 1]  # a block's totals go when the next block pools into it
        kk[0] = kk[k] = True
        np.logical_not(v, out=kk[1:k])
        kept = np.flatnonzero(kk)  # (then take: several times quicker than a mask index)
        totals.reverse()
        spare_s, spare_w = totals[0]
        cs = np.take(cs, kept, out=spare_s[:kept.size], mode="clip")
        cw = np.take(cw, kept, out=spare_w[:kept.size], mode="clip")
        k = kept.size - 1
    np.subtract(cs[1:], cs[:-1], out=bs[:k])
    np.subtract(cw[1:], cw[:-1], out=bw[:k])
    return bs[:k].copy(), bw[:k].copy(), cw, True


def _first_groups(cum_w: np.ndarray, cw: np.ndarray) -> np.ndarray:
    """The first group of each block, from the running weights before each block."""
    return np.searchsorted(cum_w, cw[:-1], side="right").astype(np.int64)


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
