"""One accumulator for the totals of a loss: in memory, edit by edit, block by block, partition
by partition.

Every way the app computes a total goes through :class:`Accumulator`:

* :func:`~bce_gui.core.evaluate.evaluate` adds all valid rows at once;
* :class:`~bce_gui.core.live.LiveEvaluation` takes an edited row's old terms out and adds its new
  ones (``remove`` then ``update``);
* the streaming pass adds one block at a time, and a cluster's partitions each fill their own
  accumulator, which the client merges (``merge``).

All sums are exact (:class:`~bce_gui.core.exact.ExactSum`) and counts are integers, so these
paths give the same totals to the last digit, whatever the order, the block size or the number
of partitions. :class:`RowReport` carries what is listed rather than summed (the first invalid
cells and infinite rows, with exact counts); it merges but cannot take rows out.

The accumulator holds, over the valid rows: their count N; Σw (N when unweighted); per class,
the weight of the rows of that class (Σw·y for a binary soft label y); and per model Σw·loss
over the rows with w > 0 and a finite loss, and the number of rows with w > 0 and an infinite
loss. :meth:`Accumulator.result` turns them into one :class:`~bce_gui.core.loss.LossTotals` per
model (the mean, the no-skill baseline and the skill are computed there, once).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .exact import ExactSum


def entropy(shares) -> float:
    """-Σ q ln q in nats (0·ln 0 = 0): the loss of always predicting the class shares q."""
    total = 0.0
    for q in shares:
        if not (0.0 <= q <= 1.0):
            return math.nan
        if 0.0 < q < 1.0:
            total -= q * math.log(q)
    return total


class Accumulator:
    """Exact totals of M models' losses over the same valid rows of a K-class task."""

    __slots__ = ("n_models", "n_classes", "weighted", "n", "sum_w", "class_w", "sum_loss",
                 "n_infinite")

    def __init__(self, n_models: int = 1, n_classes: int = 2, weighted: bool = False) -> None:
        if n_models < 1 or n_classes < 2:
            raise ValueError("an accumulator needs at least one model and two classes")
        self.n_models = n_models
        self.n_classes = n_classes
        self.weighted = weighted
        self.n = 0
        self.sum_w = ExactSum()
        # Binary: only class 1's weight is kept (class 0's is Σw minus it, exactly).
        self.class_w = [ExactSum() for _ in range(1 if n_classes == 2 else n_classes)]
        self.sum_loss = [ExactSum() for _ in range(n_models)]
        self.n_infinite = [0] * n_models

    # -- adding and taking out rows -----------------------------------------------------------

    def update(self, losses, labels, weights=None, sign: int = 1) -> None:
        """Add (``sign`` = 1) or take out (-1) valid rows.

        ``losses``: the rows' loss, one array (one model) or a sequence of M arrays / an (M, n)
        array. ``labels``: binary, the label as a number in [0, 1] (the weight of class 1);
        categorical, the class index 0..K-1. ``weights``: the rows' sample weights (required
        when the accumulator is weighted, ignored otherwise).
        """
        loss_rows = _per_model(losses, self.n_models)
        labels = np.asarray(labels)
        n = int(labels.size)
        if any(l.size != n for l in loss_rows):
            raise ValueError("losses and labels differ in length")
        if n == 0:
            return
        w = None
        if self.weighted:
            if weights is None:
                raise ValueError("a weighted accumulator needs the rows' weights")
            w = np.asarray(weights, dtype=np.float64)
        self.n += sign * n
        if w is None:
            self.sum_w.add_int(n, sign)
        else:
            self.sum_w.add_array(w, sign)
        self._add_classes(labels, w, sign)
        for m, loss in enumerate(loss_rows):
            self._add_loss(m, loss, w, sign)

    def remove(self, losses, labels, weights=None) -> None:
        """Take out rows added before (an edit's old values): the totals are as if they had
        never been added."""
        self.update(losses, labels, weights, sign=-1)

    def _add_classes(self, labels: np.ndarray, w: np.ndarray | None, sign: int) -> None:
        if self.n_classes == 2 and labels.dtype.kind == "f":
            y = labels
            if w is None:
                ones = int(np.count_nonzero(y == 1.0))
                if ones + int(np.count_nonzero(y == 0.0)) == y.size:  # hard labels: a count
                    self.class_w[0].add_int(ones, sign)
                else:
                    self.class_w[0].add_array(y, sign)
            else:
                with np.errstate(invalid="ignore", over="ignore"):
                    self.class_w[0].add_array(w * y, sign)
            return
        k = labels.astype(np.int64, copy=False)
        if self.n_classes == 2:  # binary given as class indices
            if w is None:
                self.class_w[0].add_int(int(np.count_nonzero(k == 1)), sign)
            else:
                self.class_w[0].add_array(w[k == 1], sign)
            return
        if w is None:
            counts = np.bincount(k, minlength=self.n_classes)
            for c in np.flatnonzero(counts).tolist():
                self.class_w[c].add_int(int(counts[c]), sign)
        else:
            for c in np.unique(k).tolist():
                self.class_w[c].add_array(w[k == c], sign)

    def _add_loss(self, m: int, loss: np.ndarray, w: np.ndarray | None, sign: int) -> None:
        loss = np.asarray(loss, dtype=np.float64)
        with np.errstate(invalid="ignore", over="ignore"):
            if w is None:
                contrib = loss
                infinite = np.isposinf(loss)
            else:
                counted = w > 0  # a weight-0 row adds nothing, even with an infinite loss
                infinite = np.isposinf(loss) & counted
                contrib = np.where(counted, w * loss, 0.0)
        n_inf = int(np.count_nonzero(infinite))
        if n_inf:
            contrib = contrib[~infinite]
        self.n_infinite[m] += sign * n_inf
        self.sum_loss[m].add_array(contrib, sign)

    # -- combining ------------------------------------------------------------------------------

    def merge(self, other: "Accumulator") -> "Accumulator":
        """Add another accumulator's rows (a block, a partition) to this one; returns self."""
        if (other.n_models, other.n_classes) != (self.n_models, self.n_classes):
            raise ValueError("cannot merge totals of different models or tasks")
        if other.weighted != self.weighted:
            raise ValueError("cannot merge weighted and unweighted totals")
        self.n += other.n
        self.sum_w.merge(other.sum_w)
        for a, b in zip(self.class_w, other.class_w):
            a.merge(b)
        for m in range(self.n_models):
            self.sum_loss[m].merge(other.sum_loss[m])
            self.n_infinite[m] += other.n_infinite[m]
        return self

    def copy(self) -> "Accumulator":
        out = Accumulator(self.n_models, self.n_classes, self.weighted)
        return out.merge(self)

    def __getstate__(self):
        return {k: getattr(self, k) for k in self.__slots__}

    def __setstate__(self, state) -> None:
        for k, v in state.items():
            setattr(self, k, v)

    # -- results --------------------------------------------------------------------------------

    def class_shares(self) -> tuple[float, ...]:
        """Each class's share of the weight (the base rates), clamped to [0, 1]."""
        sum_w = self.sum_w.value
        if not sum_w > 0:
            return tuple(math.nan for _ in range(self.n_classes))
        if self.n_classes == 2:
            q1 = _clamp(self.class_w[0].value / sum_w)
            shares = (1.0 - q1, q1) if math.isfinite(q1) else (math.nan, math.nan)
            return shares
        return tuple(_clamp(c.value / sum_w) for c in self.class_w)

    def result(self, model: int | None = None):
        """The totals of one model (``model``), or a list with one per model."""
        from .loss import LossTotals

        shares = self.class_shares()
        baseline = entropy(shares) if all(math.isfinite(q) for q in shares) else math.nan
        base_rate = shares[1] if self.n_classes == 2 else math.nan
        sum_w = self.sum_w.value

        def one(m: int) -> LossTotals:
            return LossTotals(
                n=self.n,
                sum_weight=sum_w,
                sum_loss=math.inf if self.n_infinite[m] else self.sum_loss[m].value,
                n_infinite=self.n_infinite[m],
                base_rate=base_rate,
                baseline=baseline,
            )

        if model is not None:
            return one(model)
        return [one(m) for m in range(self.n_models)]


def _clamp(q: float) -> float:
    return min(max(q, 0.0), 1.0) if math.isfinite(q) else q


def _per_model(losses, n_models: int) -> list[np.ndarray]:
    if isinstance(losses, np.ndarray) and losses.ndim == 1:
        rows = [losses]
    else:
        rows = [np.asarray(l, dtype=np.float64) for l in losses]
    if len(rows) != n_models:
        raise ValueError(f"expected the losses of {n_models} model(s), got {len(rows)}")
    return rows


@dataclass
class RowReport:
    """What is listed rather than summed: the first ``limit`` invalid cells and infinite rows,
    in row order, and exact counts. Blocks and partitions merge in row order."""

    limit: int = 1000
    n_invalid: int = 0
    issues: list[dict] = field(default_factory=list)
    #: Spreadsheet row numbers of rows with an infinite loss, per model.
    infinite_rows: list[list[int]] = field(default_factory=lambda: [[]])
    #: True when more issues exist than the list holds.
    issues_truncated: bool = False

    def add_issues(self, n_invalid: int, issues: list[dict]) -> None:
        self.n_invalid += n_invalid
        room = self.limit - len(self.issues)
        if len(issues) > room:
            self.issues_truncated = True
        self.issues.extend(issues[:max(room, 0)])

    def add_infinite(self, rows: list[int], model: int = 0) -> None:
        while len(self.infinite_rows) <= model:
            self.infinite_rows.append([])
        lst = self.infinite_rows[model]
        lst.extend(rows[:max(self.limit - len(lst), 0)])

    def merge(self, other: "RowReport") -> "RowReport":
        """Append a later block's report (its rows come after this one's)."""
        self.add_issues(other.n_invalid, other.issues)
        self.issues_truncated |= other.issues_truncated
        for m, rows in enumerate(other.infinite_rows):
            self.add_infinite(rows, m)
        return self
