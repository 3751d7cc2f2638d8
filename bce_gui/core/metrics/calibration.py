"""Calibration at a glance: the expected calibration error and the reliability diagram's bins.

Why: a loss mixes two things, how well the model ranks rows and whether its probabilities mean
what they say. A reliability diagram shows the second directly: within each bin of predicted
probability, how often class 1 actually occurred. The ECE condenses it into one number.

What (as issue 11 defines it): 10 equal-width bins of p, bin b holding [b/10, (b+1)/10) and the
last also 1.0; ECE = Σ_b (n_b / N) · |mean y_b − mean p_b|, with n_b and the means weighted by
the sample weights where given. For K classes it is the *top-label* ECE: the bins are over the
probability of the most probable class (the confidence), and "y" is whether that class was the
actual one.

Bin edges are the correctly rounded doubles b/10 (``np.arange(11) / 10``), and a row is in bin b
when edge_b <= p < edge_{b+1}: 0.3 is in bin 3 even though 0.1 * 3 is 0.30000000000000004.

:class:`CalibrationBins` holds the per-bin sums, so blocks of a streamed file and partitions
of a cluster can each fill one and merge them (``update`` / ``merge`` / ``result``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .columns import NO_ROWS, ZERO_WEIGHT, Columns, columns, top_label
from .result import Stat

N_BINS = 10


def bin_edges(n_bins: int = N_BINS) -> np.ndarray:
    """The edges 0, 1/n, ..., 1 as correctly rounded doubles."""
    return np.arange(n_bins + 1) / n_bins


def bin_index(p: np.ndarray, n_bins: int = N_BINS) -> np.ndarray:
    """The bin of each probability: b with edge_b <= p < edge_{b+1}, and 1.0 in the last bin.

    The window uses it to select a bin's rows in the table when the analyst clicks the bin.
    """
    p = np.asarray(p, dtype=np.float64)
    # floor(p · n) is the bin but for rounding next to an edge; one comparison with each
    # neighbouring edge (b / n, the same correctly rounded double as bin_edges' entry) puts
    # those rows right, as a search of the edges would, in a third of its time.
    with np.errstate(invalid="ignore"):
        f = p * n_bins
        np.floor(np.clip(f, 0, n_bins - 1, out=f), out=f)
        edge = f / n_bins
        below = p < edge
        np.divide(np.add(f, 1, out=edge), n_bins, out=edge)  # (f + 1) / n
        above = p >= edge
        above &= f < n_bins - 1
        b = f.astype(np.intp)
    b -= below
    b += above
    return b


@dataclass(frozen=True)
class ReliabilityBins:
    """The reliability diagram's data, one entry per bin.

    ``count`` rows per bin; ``weight`` their weight (= count when unweighted); ``mean_predicted``
    and ``observed`` the weighted mean p and the weighted share of class 1 (top-label: mean
    confidence and accuracy), NaN for an empty bin (plot data: empty bins are not drawn).
    ``ece`` is the expected calibration error over these bins.
    """

    edges: np.ndarray
    count: np.ndarray
    weight: np.ndarray
    mean_predicted: np.ndarray
    observed: np.ndarray
    ece: Stat
    top_label: bool = False


class CalibrationBins:
    """Per-bin sums (rows, Σw, Σw·p, Σw·y) for the ECE and the reliability diagram.

    ``update`` adds a block of valid rows, ``merge`` another block's or partition's sums,
    ``result`` gives the :class:`ReliabilityBins`. The sums are float64; merged blocks agree
    with one pass to rounding (about 1e-16 relative).
    """

    def __init__(self, n_bins: int = N_BINS) -> None:
        self.n_bins = n_bins
        self.count = np.zeros(n_bins, dtype=np.int64)
        self.sum_w = np.zeros(n_bins)
        self.sum_wp = np.zeros(n_bins)
        self.sum_wy = np.zeros(n_bins)
        self.top_label: bool | None = None

    def update(self, actual, predicted, weights=None) -> "CalibrationBins":
        cols = columns(actual, predicted, weights)
        self.add_columns(cols)
        return self

    def add_columns(self, cols: Columns, hard: bool | None = None) -> None:
        """Add valid rows (``hard``: whether the labels are all 0 or 1, when known)."""
        if cols.n == 0:
            return
        self.set_task(cols.categorical)
        if cols.categorical:
            y, p = top_label(cols)
            hard = True  # (y: whether the most probable class was the actual one)
        else:
            y, p = cols.y, cols.p
        b = bin_index(p, self.n_bins)
        nb = self.n_bins
        if cols.w is None and (hard if hard is not None else cols.hard_labels()):
            # One count of the rows per bin and class: the rows, their weight (their number)
            # and Σy (the class-1 rows) per bin, exactly as three counts would give them.
            k = (y == 1.0).astype(np.intp)
            k *= nb
            k += b  # bin b of a class-1 row counts as nb + b
            both = np.bincount(k, minlength=2 * nb)
            ones = both[nb:]
            rows = both[:nb] + ones
            self.count += rows
            self.sum_w += rows
            self.sum_wy += ones
            self.sum_wp += np.bincount(b, weights=p, minlength=nb)
            return
        self.count += np.bincount(b, minlength=nb)
        if cols.w is None:
            self.sum_w += np.bincount(b, minlength=nb)
            self.sum_wp += np.bincount(b, weights=p, minlength=nb)
            self.sum_wy += np.bincount(b, weights=y, minlength=nb)
        else:
            w = cols.w
            self.sum_w += np.bincount(b, weights=w, minlength=nb)
            self.sum_wp += np.bincount(b, weights=w * p, minlength=nb)
            self.sum_wy += np.bincount(b, weights=w * y, minlength=nb)

    def set_task(self, categorical: bool) -> None:
        """Binary rows or K-class (top-label) rows: set by the first rows, then checked."""
        if self.top_label is None:
            self.top_label = categorical
        elif self.top_label != categorical:
            raise ValueError("cannot mix binary and categorical rows in one set of bins")

    def merge(self, other: "CalibrationBins") -> "CalibrationBins":
        if other.n_bins != self.n_bins:
            raise ValueError("cannot merge bins of different widths")
        if other.top_label is not None:
            self.set_task(other.top_label)
        self.count += other.count
        self.sum_w += other.sum_w
        self.sum_wp += other.sum_wp
        self.sum_wy += other.sum_wy
        return self

    def result(self) -> ReliabilityBins:
        total_w = float(self.sum_w.sum())
        with np.errstate(invalid="ignore", divide="ignore"):
            mean_p = np.where(self.sum_w > 0, self.sum_wp / self.sum_w, np.nan)
            observed = np.where(self.sum_w > 0, self.sum_wy / self.sum_w, np.nan)
        if not self.count.any():
            ece = Stat.undefined(NO_ROWS)
        elif not total_w > 0:
            ece = Stat.undefined(ZERO_WEIGHT)
        else:
            # Σ_b (W_b / W) |Σ_b w y / W_b - Σ_b w p / W_b| = Σ_b |Σ_b w (y - p)| / W
            ece = Stat.of(float(np.sum(np.abs(self.sum_wy - self.sum_wp))) / total_w)
        return ReliabilityBins(
            edges=bin_edges(self.n_bins),
            count=self.count.copy(),
            weight=self.sum_w.copy(),
            mean_predicted=mean_p,
            observed=observed,
            ece=ece,
            top_label=bool(self.top_label),
        )


def reliability(actual, predicted, weights=None, n_bins: int = N_BINS) -> ReliabilityBins:
    """The reliability diagram's bins and the ECE of valid rows (binary or top-label)."""
    return CalibrationBins(n_bins).update(actual, predicted, weights).result()


def ece(actual, predicted, weights=None) -> Stat:
    """Expected calibration error over 10 equal-width bins (top-label for K classes)."""
    return reliability(actual, predicted, weights).ece
