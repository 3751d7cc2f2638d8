"""The columns every statistic reads, in one shape: labels, predictions, weights.

Statistics take the *valid* rows only (as the loss accumulator does): no NaN, labels in [0, 1]
(binary) or class indices 0..K-1 (categorical), probabilities in [0, 1], weights >= 0.

* **binary**: ``actual`` is the label as a number in [0, 1] (0/1, or a soft label), and
  ``predicted`` one column: the probability of class 1;
* **categorical** (K classes): ``actual`` is the class index 0..K-1 and ``predicted`` an (n, K)
  array of probabilities, one column per class in the task's order (logits are turned into
  probabilities before: :func:`~bce_gui.core.multiclass.class_probabilities`).

The sentences here are the reasons shared by several statistics, so that they read the same
wherever they appear.
"""

from __future__ import annotations

import math

from dataclasses import dataclass
from functools import cached_property

import numpy as np

NO_ROWS = "there are no valid rows"
ZERO_WEIGHT = "the weights of the valid rows sum to 0"
SOFT_LABELS = "it needs labels of exactly 0 or 1, and some labels lie in between (soft labels)"
#: Weights beyond this: their squares (the Brier score's and the bootstrap's sums) pass the
#: largest float.
HUGE_WEIGHT = 1e150
HUGE_WEIGHTS = ("weights above 1e150 (or summing past the largest float) overflow "
                "the statistics' sums; divide the weights by a constant (the weighted mean "
                "does not change)")


@dataclass(frozen=True)
class Columns:
    """Valid rows of one model: ``y`` labels, ``p`` predictions, ``w`` weights (None: all 1)."""

    y: np.ndarray
    p: np.ndarray
    w: np.ndarray | None = None

    @property
    def n(self) -> int:
        return int(self.y.shape[0])

    @property
    def categorical(self) -> bool:
        return self.p.ndim == 2

    @property
    def n_classes(self) -> int:
        return int(self.p.shape[1]) if self.categorical else 2

    def hard_labels(self) -> bool:
        """True when every label is a class (always, for categorical tasks)."""
        if self.categorical:
            return True
        y = self.y
        return bool(np.all((y == 0.0) | (y == 1.0)))

    def sum_weight(self) -> float:
        if self.w is None:
            return float(self.n)
        with np.errstate(over="ignore"):  # (past the largest float: inf, see problem())
            return float(np.sum(self.w))

    def problem(self) -> str:
        """Why no statistic can be computed at all ("" when one can)."""
        if self.n == 0:
            return NO_ROWS
        if self.w is not None:
            total = self.sum_weight()
            if not total > 0:
                return ZERO_WEIGHT
            if not math.isfinite(total) or huge_weights(self.w):
                return HUGE_WEIGHTS
        return ""


def huge_weights(w) -> bool:
    """Weights whose squares (or sum) would pass the largest float (see HUGE_WEIGHTS)."""
    return w is not None and np.size(w) > 0 and float(np.max(np.abs(w))) > HUGE_WEIGHT


def columns(actual, predicted, weights=None) -> Columns:
    """Read the three columns into one :class:`Columns` (see the module docstring)."""
    p = np.asarray(predicted, dtype=np.float64)
    if p.ndim == 2:
        y = np.asarray(actual).astype(np.int64, copy=False)
    elif p.ndim == 1:
        y = np.asarray(actual, dtype=np.float64)
    else:
        raise ValueError("predictions are one column (binary) or an (n, K) array (K classes)")
    if y.ndim != 1 or y.shape[0] != p.shape[0]:
        raise ValueError("labels and predictions differ in length")
    w = None
    if weights is not None:
        w = np.asarray(weights, dtype=np.float64)
        if w.shape != y.shape:
            raise ValueError("weights and labels differ in length")
    return Columns(y, p, w)


def weighted_sum(values: np.ndarray, w: np.ndarray | None) -> float:
    """Σ w·v (Σ v when unweighted) with pairwise summation."""
    if w is None:
        return float(np.sum(values))
    return float(np.sum(values * w))


def top_label(cols: Columns) -> tuple[np.ndarray, np.ndarray]:
    """(correct, confidence) per row of a categorical task: whether the most probable class
    (the first on ties, as argmax) is the actual one, and its probability."""
    k = np.argmax(cols.p, axis=1)
    conf = np.take_along_axis(cols.p, k[:, None], axis=1)[:, 0]
    return (k == cols.y).astype(np.float64), conf


@dataclass(frozen=True)
class Ranked:
    """A binary task's rows sorted by prediction: ``x`` ascending, ``y`` and ``w`` with them.

    The AUC and the isotonic fit both walk the rows in this order; one sort serves both.
    ``ones`` (unweighted 0/1 labels only, else None): the sorted labels as booleans, for the
    counting paths of the AUC and the isotonic fit.
    """

    x: np.ndarray
    sorted_y: np.ndarray | None
    w: np.ndarray | None = None
    ones: np.ndarray | None = None

    @cached_property
    def y(self) -> np.ndarray:
        """The labels, sorted with ``x`` (from ``ones`` when only those were kept)."""
        return self.sorted_y if self.sorted_y is not None else self.ones.astype(np.float64)


#: From this many rows on, :func:`rank` sorts with polars (a radix sort on every core: 14 ms
#: for 1e6 keys here, numpy's single-threaded sort 51 ms); below, numpy's sort is as quick.
POLARS_SORT_ROWS = 1 << 16


def sort_keys(key: np.ndarray, threads: bool = True) -> np.ndarray:
    """``key`` (uint64) sorted ascending, as a new writable array: the same array numpy's sort
    gives (equal keys are equal bits), by polars for large arrays. ``threads=False``: on this
    thread only, for a caller whose other threads keep the cores busy (polars' sort on two
    threads was no quicker than on one beside them, for twice the processor time)."""
    if key.size < POLARS_SORT_ROWS:
        return np.sort(key)
    import polars as pl

    out = pl.Series(key).sort(multithreaded=threads).to_numpy()
    return out if out.flags.writeable else out.copy()


_ONE_BITS = np.float64(1.0).view(np.uint64)


def sortable_keys(cols: Columns, hard: bool | None = None) -> np.ndarray | None:
    """The keys :func:`rank` sorts for unweighted 0/1 labels and predictions in [0, 1], not
    yet sorted (None for other rows): the bits of a non-negative double order as the double
    does, and they are below 2^62, so the label fits in one more bit, and one sort of those
    64-bit keys (about half an argsort's time) carries the labels along with the predictions.
    ``hard``: whether every label is 0 or 1, when the caller knows."""
    x, y = cols.p, cols.y
    if cols.w is not None or cols.categorical or not x.size:
        return None
    if not (cols.hard_labels() if hard is None else hard):
        return None
    bits = x.view(np.uint64)
    # (one comparison of the bits: -0.0, a negative p, NaN and p > 1 all have larger ones)
    if not bool(np.all(bits <= _ONE_BITS)):
        return None
    key = bits << np.uint64(1)
    key |= (y == 1.0).view(np.uint8).astype(np.uint64)
    return key


def ranked_keys(key: np.ndarray) -> Ranked:
    """The rows of sorted :func:`sortable_keys` (sorted in place: a writable array)."""
    ones = (key & np.uint64(1)).astype(bool)
    key >>= np.uint64(1)
    return Ranked(key.view(np.float64), None, None, ones)


def rank(cols: Columns, hard: bool | None = None) -> Ranked:
    """Sort a binary task's rows by prediction (unweighted 0/1 labels with probabilities by
    one sort of :func:`sortable_keys`; ``hard``: whether every label is 0 or 1, if known)."""
    key = sortable_keys(cols, hard)
    if key is not None:
        return ranked_keys(sort_keys(key))
    x, y = cols.p, cols.y
    order = np.argsort(x)
    return Ranked(x[order], y[order], None if cols.w is None else cols.w[order])
