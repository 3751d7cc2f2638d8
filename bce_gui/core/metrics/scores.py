"""Two other scores beside the loss: the Brier score and the accuracy at a threshold.

Why: analysts compare models with more than the log loss. The Brier score is the other common
proper score (bounded, so one row cannot dominate it as one row can dominate a log loss);
accuracy is what most people ask first, and the threshold shows how much it depends on a cut.

What:

* :func:`brier` as ``sklearn.metrics.brier_score_loss``: binary, Σ w (p − y)² / Σ w (0 best,
  1 worst); K classes, Σ w Σ_k (p_k − [y = k])² / Σ w, the sum over classes (0 best, 2 worst),
  which is scikit-learn's multi-class form since 1.7 (``scale_by_half="auto"``: halved for
  binary, not for K classes). Soft labels are allowed here (the squared difference is
  defined); scikit-learn itself refuses them.
* :func:`accuracy` as ``sklearn.metrics.accuracy_score`` of the predicted classes: binary,
  class 1 when p >= threshold; K classes, the most probable class (the first on ties, as
  ``argmax``). It needs hard labels.

:class:`ScoreAccumulator` keeps the sums behind both and the calibration bins, for streamed
blocks and partitions (``update`` / ``merge`` / ``result``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from .calibration import CalibrationBins, ReliabilityBins
from .columns import (HUGE_WEIGHTS, NO_ROWS, SOFT_LABELS, ZERO_WEIGHT, Columns, columns,
                      huge_weights, weighted_sum)
from .result import Stat
from ..metrics_settings import DEFAULT_THRESHOLD



def _squared_errors(cols: Columns) -> np.ndarray:
    """(p − y)² per row; for K classes Σ_k (p_k − [y = k])² (formed without cancellation:
    1 − p_y is computed as a difference of the row's own entry, never as Σ p² − 2 p_y + 1)."""
    if not cols.categorical:
        d = cols.p - cols.y
        return d * d
    d = cols.p.copy()
    rows = np.arange(cols.n)
    d[rows, cols.y] -= 1.0
    return np.einsum("ij,ij->i", d, d)


def _correct(cols: Columns, threshold: float) -> np.ndarray:
    """1.0 where the predicted class is the actual one (hard labels only)."""
    return _correct_rows(cols, threshold).astype(np.float64)


def _correct_rows(cols: Columns, threshold: float) -> np.ndarray:
    """True where the predicted class is the actual one (hard labels only)."""
    if cols.categorical:
        return np.argmax(cols.p, axis=1) == cols.y
    return (cols.p >= threshold) == (cols.y == 1.0)


def brier(actual, predicted, weights=None) -> Stat:
    """The Brier score of valid rows (see the module docstring)."""
    cols = columns(actual, predicted, weights)
    if problem := cols.problem():
        return Stat.undefined(problem)
    return Stat.of(weighted_sum(_squared_errors(cols), cols.w) / cols.sum_weight())


def accuracy(actual, predicted, weights=None, threshold: float = DEFAULT_THRESHOLD) -> Stat:
    """The share (weighted) of rows whose predicted class is the actual one.

    Binary: class 1 when p >= ``threshold``; K classes: the most probable class (the threshold
    does not apply). Not defined for soft labels: a row with label 0.3 is neither right nor
    wrong.
    """
    cols = columns(actual, predicted, weights)
    if problem := cols.problem():
        return Stat.undefined(problem)
    if not cols.categorical and not (0.0 <= threshold <= 1.0):
        return Stat.undefined(f"the threshold must lie between 0 and 1, not {threshold:g}")
    if not cols.hard_labels():
        return Stat.undefined(f"accuracy is not defined: {SOFT_LABELS}")
    return Stat.of(weighted_sum(_correct(cols, threshold), cols.w) / cols.sum_weight())


@dataclass(frozen=True)
class Scores:
    """Brier score, accuracy (at ``threshold``; None for K classes) and calibration bins."""

    brier: Stat
    accuracy: Stat
    threshold: float | None
    calibration: ReliabilityBins

    @property
    def ece(self) -> Stat:
        return self.calibration.ece


class ScoreAccumulator:
    """Sums behind the Brier score, the accuracy and the ECE, for streamed blocks.

    ``update(actual, predicted, weights)`` adds valid rows; ``merge`` adds another
    accumulator's (a block's, a partition's); ``result()`` gives :class:`Scores`. Float64 sums:
    merged blocks agree with one pass to rounding.
    """

    def __init__(self, threshold: float = DEFAULT_THRESHOLD) -> None:
        self.threshold = float(threshold)
        self.n = 0
        self.sum_w = 0.0
        self.sum_sq = 0.0
        self.sum_correct = 0.0
        self.soft = False
        self.huge = False  # weights past HUGE_WEIGHT were given: nothing to sum
        self.bins = CalibrationBins()

    def update(self, actual, predicted, weights=None, hard: bool | None = None
               ) -> "ScoreAccumulator":
        """Add valid rows (``hard``: whether every label is 0 or 1, when the caller knows)."""
        cols = columns(actual, predicted, weights)
        if cols.n == 0:
            return self
        self.n += cols.n
        if self.huge or huge_weights(cols.w):  # (their squares pass the largest float: see
            self.huge = True                    # result(); nothing more is summed)
            self.bins.set_task(cols.categorical)
            return self
        self.sum_w += cols.sum_weight()
        self.sum_sq += weighted_sum(_squared_errors(cols), cols.w)
        hard = cols.hard_labels() if hard is None else hard
        self.soft |= not hard
        if hard:
            if cols.w is None:  # (a count: the sum of the 0/1 values, exactly)
                self.sum_correct += float(np.count_nonzero(_correct_rows(cols, self.threshold)))
            else:
                self.sum_correct += weighted_sum(_correct(cols, self.threshold), cols.w)
        self.bins.add_columns(cols, hard)
        return self

    def merge(self, other: "ScoreAccumulator") -> "ScoreAccumulator":
        if other.threshold != self.threshold:
            raise ValueError("cannot merge accuracies at different thresholds")
        self.n += other.n
        self.sum_w += other.sum_w
        self.sum_sq += other.sum_sq
        self.sum_correct += other.sum_correct
        self.soft |= other.soft
        self.huge |= other.huge
        self.bins.merge(other.bins)
        return self

    def result(self) -> Scores:
        categorical = bool(self.bins.top_label)
        threshold = None if categorical else self.threshold
        if self.n == 0 or not self.sum_w > 0 or self.huge:
            reason = NO_ROWS if self.n == 0 else HUGE_WEIGHTS if self.huge else ZERO_WEIGHT
            return Scores(Stat.undefined(reason), Stat.undefined(reason), threshold,
                          self._huge_bins() if self.huge else self.bins.result())
        brier_ = Stat.of(self.sum_sq / self.sum_w)
        if self.soft:
            acc = Stat.undefined(f"accuracy is not defined: {SOFT_LABELS}")
        elif not categorical and not (0.0 <= self.threshold <= 1.0):
            acc = Stat.undefined(f"the threshold must lie between 0 and 1, not {self.threshold:g}")
        else:
            acc = Stat.of(self.sum_correct / self.sum_w)
        return Scores(brier_, acc, threshold, self.bins.result())

    def _huge_bins(self) -> ReliabilityBins:
        """Weights past HUGE_WEIGHT: no bin is drawn (whichever blocks came before them) and
        the ECE says why."""
        empty = CalibrationBins(self.bins.n_bins)
        if self.bins.top_label is not None:
            empty.set_task(self.bins.top_label)
        return replace(empty.result(), ece=Stat.undefined(HUGE_WEIGHTS))


def scores(actual, predicted, weights=None, threshold: float = DEFAULT_THRESHOLD) -> Scores:
    """Brier score, accuracy and calibration bins of valid rows in one pass."""
    return ScoreAccumulator(threshold).update(actual, predicted, weights).result()
