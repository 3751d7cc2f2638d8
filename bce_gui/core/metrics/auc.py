"""ROC AUC: how well the predictions rank class-1 rows above class-0 rows.

Why: the loss mixes ranking and calibration; the AUC is ranking alone (a model can rank
perfectly and still be badly calibrated), and analysts know it.

What: as ``sklearn.metrics.roc_auc_score``. The AUC is the (weighted) probability that a random
class-1 row scores above a random class-0 row, ties counting one half:

    AUC = Σ_{i: y=1} Σ_{j: y=0} w_i w_j ([s_i > s_j] + ½ [s_i = s_j]) / (W₁ W₀),

which is exactly the area under scikit-learn's trapezoidal ROC curve, ties and sample weights
included. It is computed after one sort, in O(n): rows with equal scores are pooled, and each
class-1 group earns the class-0 weight below it plus half the class-0 weight tied with it.
K classes: one-vs-rest, unweighted mean over classes (``multi_class="ovr", average="macro"``).
Not defined with one class only, or with soft labels.

Streaming (:class:`AucAccumulator`): the rows are kept while they fit (``exact_limit`` rows)
and the AUC is exact; beyond, they go into a fine histogram of the logit of p (2^20 bins over
[-40, 40] by default, about 1e-4 apart) where rows in one bin count as tied. The result says
which, and bounds the histogram's error (half the weight of the class pairs sharing a bin).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .columns import (HUGE_WEIGHTS, NO_ROWS, SOFT_LABELS, ZERO_WEIGHT, Columns, Ranked, columns,
                      huge_weights, rank, ranked_keys, sort_keys, sortable_keys)
from .result import Stat

EXACT_LIMIT = 1 << 22
HISTOGRAM_BINS = 1 << 20
LOGIT_RANGE = 40.0


def _auc_of_groups(pos: np.ndarray, neg: np.ndarray) -> tuple[float, float, float]:
    """(AUC numerator, W₁, W₀) from class weights per tie group, groups in increasing score."""
    neg_below = np.cumsum(neg) - neg
    num = float(np.dot(pos, neg_below + 0.5 * neg))
    return num, float(pos.sum()), float(neg.sum())


def _group_sorted(s_sorted: np.ndarray, *cols: np.ndarray) -> list[np.ndarray]:
    """Sum each column over runs of equal sorted scores."""
    if s_sorted.size == 0:
        return [np.zeros(0) for _ in cols]
    start = np.flatnonzero(np.concatenate(([True], s_sorted[1:] != s_sorted[:-1])))
    if start.size == s_sorted.size:  # no ties: every row is its own group
        return list(cols)
    return [np.add.reduceat(c, start) for c in cols]


def _one_class_reason(w1: float, w0: float, what: str = "") -> str:
    present = "class 1" if w1 > 0 else "class 0"
    return (f"AUC is not defined: only {present} is present{what}, and the AUC compares "
            "rows of both classes")


def auc_sorted(s_sorted: np.ndarray, pos_sorted: np.ndarray, neg_sorted: np.ndarray) -> Stat:
    """Binary AUC from rows already sorted by score: class-1 and class-0 weight per row.

    For callers that sorted the scores anyway (the decomposition sorts them too).
    """
    pos, neg = _group_sorted(s_sorted, pos_sorted, neg_sorted)
    num, w1, w0 = _auc_of_groups(pos, neg)
    if not (w1 > 0 and w0 > 0):
        return Stat.undefined(_one_class_reason(w1, w0))
    return Stat.of(num / (w1 * w0))


def _counted_auc(x_sorted: np.ndarray, ones: np.ndarray) -> Stat:
    """The AUC of unweighted 0/1 labels sorted by score, in integers: each class-1 row earns
    the class-0 rows below it and half of those tied with it. The same number as
    :func:`auc_sorted`, whose float sums of counts and halves are exact below 2^53."""
    n = ones.size
    n1 = int(np.count_nonzero(ones))
    n0 = n - n1
    if not (n1 > 0 and n0 > 0):
        return Stat.undefined(_one_class_reason(float(n1), float(n0)))
    tie = x_sorted[1:] == x_sorted[:-1]
    if not tie.any():
        # the class-1 row at position i has i - (class-1 rows before it) class-0 rows below
        twice = 2 * (int(np.flatnonzero(ones).sum()) - n1 * (n1 - 1) // 2)
    else:
        ends = np.append(np.flatnonzero(~tie), n - 1)  # last row of each run of equal scores
        pos = np.diff(np.cumsum(ones, dtype=np.int64)[ends], prepend=0)
        neg = np.diff(ends, prepend=-1) - pos
        below = np.cumsum(neg) - neg
        twice = int(np.dot(pos, 2 * below + neg))
    return Stat.of((twice / 2) / (float(n1) * float(n0)))


def _ranked_auc(r: Ranked) -> Stat:
    if r.ones is not None:
        return _counted_auc(r.x, r.ones)
    pos = r.y if r.w is None else r.w * r.y
    neg = 1.0 - r.y if r.w is None else r.w * (1.0 - r.y)
    return auc_sorted(r.x, pos, neg)


def _binary(score: np.ndarray, is_pos: np.ndarray, w: np.ndarray | None) -> Stat:
    return _ranked_auc(rank(Columns(is_pos.astype(np.float64), score, w)))


def roc_auc(actual, predicted, weights=None, ranked: Ranked | None = None) -> Stat:
    """ROC AUC of valid rows: binary, or one-vs-rest macro over K classes.

    ``predicted`` may be probabilities or any score that orders the rows the same way
    (logits give the same AUC as their probabilities, without sigmoid's ties at 0 and 1).
    ``ranked``: the rows sorted by score (:func:`~.columns.rank`), when the caller has them.
    """
    cols = columns(actual, predicted, weights)
    if problem := cols.problem():
        return Stat.undefined(problem)
    if not cols.categorical:
        if not cols.hard_labels():
            return Stat.undefined(f"AUC is not defined: {SOFT_LABELS}")
        return _ranked_auc(ranked if ranked is not None else rank(cols))
    return _one_vs_rest(cols)


def _one_vs_rest(cols: Columns) -> Stat:
    per_class = []
    for k in range(cols.n_classes):
        is_k = cols.y == k
        got = _binary(cols.p[:, k], is_k, cols.w)
        if not got.defined:
            if not np.any(is_k if cols.w is None else is_k & (cols.w > 0)):
                return Stat.undefined(
                    f"one-vs-rest AUC is not defined: class {k} has no rows, so its AUC "
                    "compares nothing")
            return Stat.undefined(
                f"one-vs-rest AUC is not defined: every row is of class {k}")
        per_class.append(got.value)
    return Stat.of(float(np.mean(per_class)))


# --------------------------------------------------------------------------------------------
# Streaming
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AucResult:
    """The AUC, whether it is exact, and a bound on its error when it came from a histogram."""

    auc: Stat
    exact: bool
    max_error: float = 0.0

    @property
    def method(self) -> str:
        if self.exact:
            return "exact (all rows sorted)"
        return f"histogram of 2^20 logit bins (error at most {self.max_error:.1e})"


def _logit_bins(score: np.ndarray, logits: bool, n_bins: int) -> np.ndarray:
    """The histogram bin of each score: uniform in the logit over [-40, 40], ends clamped."""
    with np.errstate(divide="ignore", invalid="ignore"):
        z = score if logits else np.log(score) - np.log1p(-score)
    scaled = (np.clip(z, -LOGIT_RANGE, LOGIT_RANGE) + LOGIT_RANGE) * (n_bins / (2 * LOGIT_RANGE))
    return np.minimum(scaled.astype(np.int64), n_bins - 1)


class AucAccumulator:
    """The AUC of streamed blocks: exact while the rows fit, a fine histogram beyond.

    ``update(actual, predicted, weights)`` adds valid rows (binary, or K classes);
    ``merge`` adds another accumulator's rows; ``result()`` gives an :class:`AucResult`.
    ``logits``: the predictions are logits (binned as they are, not through the sigmoid).
    """

    def __init__(self, logits: bool = False, exact_limit: int = EXACT_LIMIT,
                 n_bins: int = HISTOGRAM_BINS) -> None:
        self.logits = logits
        self.exact_limit = exact_limit
        self.n_bins = n_bins
        self.n = 0
        self.soft = False
        #: Weights past HUGE_WEIGHT were given: the AUC and the decomposition say so, as they
        #: do for rows in memory (the rows are no longer kept or binned).
        self.huge = False
        self.n_classes: int | None = None
        #: K-class rows (an (n, K) array, K = 2 included), as opposed to one class-1 column.
        self.categorical: bool | None = None
        self._blocks: list[Columns] | None = []
        #: Per kept block, its sorted :func:`~.columns.sortable_keys` (None where a block has
        #: none): each block is sorted as it comes, and result() only merges the sorted runs.
        self._sorted: list[np.ndarray | None] = []
        self._hist: np.ndarray | None = None  # (K or 1, 2, n_bins): class-k weight, rest
        # The kept rows joined and (binary) sorted once, for result() and decomposition().
        self._joined: tuple[Columns, Ranked | None] | None = None

    def update(self, actual, predicted, weights=None, hard: bool | None = None
               ) -> "AucAccumulator":
        """Add valid rows (``hard``: whether every label is 0 or 1, when the caller knows)."""
        cols = columns(actual, predicted, weights)
        if cols.n == 0:
            return self
        self._classes(cols.n_classes, cols.categorical)
        if not (cols.hard_labels() if hard is None else hard):
            self.soft = True
        self._joined = None
        self.n += cols.n
        if self.huge or huge_weights(cols.w):
            self._huge()
            return self
        if self._blocks is not None:
            self._blocks.append(cols)
            if self.n > self.exact_limit:
                self._to_histogram()
            else:
                key = None if self.soft else sortable_keys(cols, hard=True)
                self._sorted.append(None if key is None else sort_keys(key, threads=False))
        else:
            self._bin(cols)
        return self

    def merge(self, other: "AucAccumulator") -> "AucAccumulator":
        if other.n_classes is not None:
            self._classes(other.n_classes, other.categorical)
        if (other.logits, other.n_bins) != (self.logits, self.n_bins):
            raise ValueError("cannot merge AUCs of different scores or bins")
        self.n += other.n
        self.soft |= other.soft
        self._joined = None
        if self.huge or other.huge:
            self._huge()
            return self
        if self._blocks is not None and other._blocks is not None and self.n <= self.exact_limit:
            self._blocks.extend(other._blocks)
            self._sorted.extend(other._sorted)
            return self
        self._to_histogram()
        if other._blocks is not None:
            for cols in other._blocks:
                self._bin(cols)
        else:
            self._hist += other._hist
        return self

    def _huge(self) -> None:
        """Weights past HUGE_WEIGHT came: no AUC (see result()), so no row is kept."""
        self.huge = True
        if self._blocks is not None:
            self._blocks, self._sorted = [], []

    def _classes(self, k: int, categorical: bool) -> None:
        if self.n_classes is None:
            self.n_classes, self.categorical = k, categorical
        elif (self.n_classes, self.categorical) != (k, categorical):
            raise ValueError("cannot mix tasks with different numbers of classes")

    def _to_histogram(self) -> None:
        if self._blocks is None:
            return
        blocks, self._blocks = self._blocks, None
        self._sorted = []
        k = self.n_classes if self.categorical else 1
        self._hist = np.zeros((k, 2, self.n_bins))
        for cols in blocks:
            self._bin(cols)

    def _bin(self, cols: Columns) -> None:
        w = np.ones(cols.n) if cols.w is None else cols.w
        targets = [(cols.p, cols.y == 1.0)] if not cols.categorical else [
            (cols.p[:, k], cols.y == k) for k in range(cols.n_classes)]
        # (K classes: the scores are probabilities, whatever the loss read; see columns.py)
        logits = self.logits and not cols.categorical
        for k, (score, is_pos) in enumerate(targets):
            b = _logit_bins(score, logits, self.n_bins)
            self._hist[k, 0] += np.bincount(b, weights=w * is_pos, minlength=self.n_bins)
            self._hist[k, 1] += np.bincount(b, weights=w * ~is_pos, minlength=self.n_bins)

    def result(self) -> AucResult:
        exact = self._blocks is not None
        if self.n == 0:
            return AucResult(Stat.undefined(NO_ROWS), exact)
        if self.huge:
            return AucResult(Stat.undefined(HUGE_WEIGHTS), exact)
        if self.soft:
            return AucResult(Stat.undefined(f"AUC is not defined: {SOFT_LABELS}"), exact)
        if exact:
            cols, ranked = self._kept()
            if ranked is not None:  # (binary, hard labels, rows to score: what roc_auc checks)
                return AucResult(_ranked_auc(ranked), True)
            if problem := cols.problem():
                return AucResult(Stat.undefined(problem), True)
            return AucResult(roc_auc(cols.y, cols.p, cols.w), True)
        per_class, errors = [], []
        for k in range(self._hist.shape[0]):
            pos, neg = self._hist[k]
            num, w1, w0 = _auc_of_groups(pos, neg)
            if not (w1 + w0 > 0):
                return AucResult(Stat.undefined(ZERO_WEIGHT), False)
            if not (w1 > 0 and w0 > 0):
                what = "" if self._hist.shape[0] == 1 else f" for class {k} against the rest"
                return AucResult(Stat.undefined(_one_class_reason(w1, w0, what)), False)
            per_class.append(num / (w1 * w0))
            errors.append(0.5 * float(np.dot(pos, neg)) / (w1 * w0))
        return AucResult(Stat.of(float(np.mean(per_class))), False, float(np.mean(errors)))


    def _kept(self) -> tuple[Columns | None, Ranked | None]:
        """The kept rows sorted by score (for a binary task with hard labels and rows to
        score: the AUC and the decomposition share one sort), and the rows as one set of
        columns where they are needed (None when the blocks' sorted runs serve)."""
        if self._joined is None:
            cols = ranked = None
            runs = self._sorted
            if (not self.categorical and not self.soft and runs
                    and all(k is not None for k in runs)):
                # Each block was sorted as it came (unweighted rows: all of them count): merge
                # the sorted runs (numpy's stable sort finds them; two merge in linear time).
                key = runs[0].copy() if len(runs) == 1 else np.sort(
                    np.concatenate(runs), kind="stable")
                ranked = ranked_keys(key)
            else:
                cols = _concat(self._blocks)
                if not cols.categorical and cols.n and not self.soft and not cols.problem():
                    ranked = rank(cols, hard=True)
            self._joined = (cols, ranked)
        return self._joined

    def _columns(self) -> Columns:
        """The kept rows as one set of columns."""
        cols, ranked = self._kept()
        if cols is None:
            cols = _concat(self._blocks)
            self._joined = (cols, ranked)
        return cols

    def decomposition(self, score: float | None = None):
        """The CORP decomposition of the same rows (binary only).

        ``score``: the mean loss to decompose (the exact log loss of the rows kept when None;
        required once the rows went into the histogram). Exact while the rows are kept; from
        the histogram, rows in one logit bin are pooled before the isotonic fit (a fit at most
        as fine as the bins: 1e-4 apart in the logit).
        """
        from .corp import BINARY_ONLY, Decomposition, decompose_blocks, decomposition
        from .isotonic import pav

        if self.categorical:  # (K = 2 columns too: the decomposition reads one class-1 column)
            return Decomposition.undefined(BINARY_ONLY)
        if self.n == 0:
            return Decomposition.undefined(NO_ROWS)
        if self.huge:
            return Decomposition.undefined(HUGE_WEIGHTS)
        if self._blocks is not None:
            cols, ranked = self._kept()
            if ranked is None or score is None:
                cols = self._columns()
                if problem := cols.problem():
                    return Decomposition.undefined(problem)
                if score is None:
                    return decomposition(cols.y, cols.p, cols.w, logits=self.logits)
            return decompose_blocks(*_recalibrated_blocks(cols, ranked), score)
        if score is None:
            return Decomposition.undefined("the mean loss is needed to decompose a streamed file")
        pos, neg = self._hist[0]
        weight = pos + neg
        keep = weight > 0
        if not keep.any():
            return Decomposition.undefined(ZERO_WEIGHT)
        _starts, bs, bw = pav(pos[keep], weight[keep])
        return decompose_blocks(bs, bw, score)


def _recalibrated_blocks(cols: Columns | None, ranked: Ranked | None = None
                         ) -> tuple[np.ndarray, np.ndarray]:
    """The isotonic blocks (Σw·y, Σw) of rows kept in memory (``ranked``: already sorted;
    ``cols`` is then not read)."""
    from .isotonic import pav, pav_of_labels, pool_ties

    r = ranked if ranked is not None else rank(cols)
    if r.ones is not None and not (r.x[1:] == r.x[:-1]).any():
        # Unweighted 0/1 labels, no tied scores: the rows are the groups (see pav_of_labels)
        return pav_of_labels(r.ones)
    if r.w is None:  # unweighted: a group's weight is its row count
        first, (gy,) = pool_ties(r.x, r.y)
        gw = np.diff(np.append(first, r.x.size)).astype(np.float64)
    else:
        keep = r.w > 0  # zero-weight rows neither fit nor score
        x, y, w = (r.x, r.y, r.w) if keep.all() else (r.x[keep], r.y[keep], r.w[keep])
        _first, (gy, gw) = pool_ties(x, w * y, w)
    _starts, bs, bw = pav(gy, gw)
    return bs, bw


def _concat(blocks: list[Columns]) -> Columns:
    if len(blocks) == 1:
        return blocks[0]
    y = np.concatenate([b.y for b in blocks])
    p = np.concatenate([b.p for b in blocks])
    if all(b.w is None for b in blocks):
        return Columns(y, p, None)
    w = np.concatenate([np.ones(b.n) if b.w is None else b.w for b in blocks])
    return Columns(y, p, w)

