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


class Accumulator:
    """Exact totals of M models' losses over the same valid rows of a K-class task.

    ``by_class`` also keeps each class's rows, Σ w·loss and infinite rows per model (the
    per-class breakdown; on by default for K > 2).
    """

    __slots__ = ("n_models", "n_classes", "weighted", "by_class", "n", "sum_w", "class_w",
                 "sum_loss", "n_infinite", "class_rows", "class_loss", "class_infinite")

    def __init__(self, n_models: int = 1, n_classes: int = 2, weighted: bool = False,
                 by_class: bool | None = None) -> None:
        if n_models < 1 or n_classes < 2:
            raise ValueError("an accumulator needs at least one model and two classes")
        self.n_models = n_models
        self.n_classes = n_classes
        self.weighted = weighted
        self.by_class = n_classes > 2 if by_class is None else by_class
        self.n = 0
        self.sum_w = ExactSum()
        # Binary: only class 1's weight is kept (class 0's is Σw minus it, exactly).
        self.class_w = [ExactSum() for _ in range(1 if n_classes == 2 else n_classes)]
        self.sum_loss = [ExactSum() for _ in range(n_models)]
        self.n_infinite = [0] * n_models
        k = n_classes if self.by_class else 0
        self.class_rows = [0] * k
        self.class_loss = [[ExactSum() for _ in range(k)] for _ in range(n_models)]
        self.class_infinite = [[0] * k for _ in range(n_models)]

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
            self._add_loss(self.sum_loss[m], self.n_infinite, m, loss, w, sign)
        if self.by_class:
            self._add_by_class(loss_rows, labels, w, sign)

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

    @staticmethod
    def _add_loss(total: ExactSum, infinite: list[int], m: int, loss, w: np.ndarray | None,
                  sign: int) -> None:
        """Σ w·loss over the rows with w > 0 and a finite loss into ``total``; the rows with
        w > 0 and an infinite loss counted in ``infinite[m]``."""
        loss = np.asarray(loss, dtype=np.float64)
        with np.errstate(invalid="ignore", over="ignore"):
            if w is None:
                contrib = loss
                inf_rows = np.isposinf(loss)
            else:
                counted = w > 0  # a weight-0 row adds nothing, even with an infinite loss
                inf_rows = np.isposinf(loss) & counted
                contrib = np.where(counted, w * loss, 0.0)
        n_inf = int(np.count_nonzero(inf_rows))
        if n_inf:
            contrib = contrib[~inf_rows]
        infinite[m] += sign * n_inf
        total.add_array(contrib, sign)

    def _add_by_class(self, loss_rows, labels: np.ndarray, w: np.ndarray | None, sign: int) -> None:
        k = _class_index(labels)
        for c in np.unique(k).tolist():
            rows = k == c
            self.class_rows[c] += sign * int(np.count_nonzero(rows))
            wc = None if w is None else w[rows]
            for m, loss in enumerate(loss_rows):
                self._add_loss(self.class_loss[m][c], self.class_infinite[m], c, loss[rows], wc, sign)

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
        if self.by_class != other.by_class:
            raise ValueError("cannot merge totals with and without the per-class breakdown")
        for c in range(len(self.class_rows)):
            self.class_rows[c] += other.class_rows[c]
            for m in range(self.n_models):
                self.class_loss[m][c].merge(other.class_loss[m][c])
                self.class_infinite[m][c] += other.class_infinite[m][c]
        return self

    def copy(self) -> "Accumulator":
        out = Accumulator(self.n_models, self.n_classes, self.weighted, self.by_class)
        return out.merge(self)

    def __getstate__(self):
        return {k: getattr(self, k) for k in self.__slots__}

    def __setstate__(self, state) -> None:
        for k, v in state.items():
            setattr(self, k, v)

    # -- results --------------------------------------------------------------------------------

    def class_weights(self) -> tuple[float, ...]:
        """The weight of each class's rows (their count when unweighted), in class order."""
        if self.n_classes == 2:
            class0 = self.sum_w.copy()
            class0.merge(self.class_w[0], -1)
            return (class0.value, self.class_w[0].value)
        return tuple(c.value for c in self.class_w)

    def class_shares(self) -> tuple[float, ...]:
        """Each class's share of the weight (the base rates), clamped to [0, 1]."""
        return self.result().class_shares

    def result(self, options=None, model: int = 0):
        """The totals (:class:`~bce_gui.core.loss.LossTotals`) of one model, reduced and
        compared with the no-skill baseline as ``options`` say (None: the weighted mean and the
        plain entropy)."""
        from .loss import LossTotals

        return LossTotals.from_sums(
            n=self.n, sum_weight=self.sum_w.value, sum_loss=self.sum_loss[model].value,
            n_infinite=self.n_infinite[model], class_weights=self.class_weights(), options=options,
        )

    def results(self, options=None) -> list:
        """:meth:`result` for every model, in the schema's order."""
        return [self.result(options, m) for m in range(self.n_models)]

    def breakdown(self, model: int = 0) -> list[dict]:
        """Per class (needs ``by_class``): rows, weight, Σ w·loss, infinite rows, mean loss
        (Σ w·loss / weight; inf with an infinite row) and share of the total loss."""
        if not self.by_class:
            raise ValueError("this accumulator keeps no per-class totals")
        weights = self.class_weights()
        total = self.sum_loss[model].value
        out = []
        for c in range(self.n_classes):
            sum_loss = self.class_loss[model][c].value
            n_inf = self.class_infinite[model][c]
            w = weights[c]
            mean = math.inf if n_inf else (sum_loss / w if w > 0 else math.nan)
            share = (sum_loss / total if not self.n_infinite[model] and math.isfinite(total)
                     and total != 0.0 else math.nan)
            out.append({"rows": self.class_rows[c], "weight": w, "sum_loss": sum_loss,
                        "n_infinite": n_inf, "mean_loss": mean, "share": share})
        return out


#: Rows per block of :func:`accumulate_in_blocks` (below the engines' own parallel threshold,
#: so a block is computed on one worker, never split again).
PIPELINE_ROWS = 1 << 17


def accumulate_in_blocks(acc: Accumulator, n: int, losses_of, labels: np.ndarray,
                         weights: np.ndarray | None = None, valid: np.ndarray | None = None,
                         block: int = PIPELINE_ROWS) -> list[np.ndarray]:
    """Compute every model's row losses a block of rows at a time, on worker threads, and add
    each block to ``acc`` here as soon as it is done. ``losses_of(a, b)`` gives the M models'
    losses of rows a..b; rows not ``valid`` get NaN and are not added. Returns the M full loss
    arrays.

    A block's temporaries (its (rows, K) matrix of a K-class table) stay cache-sized instead
    of a full copy of the table: at 1e6 rows x 10 classes an evaluation takes a fifth less
    time. (The exact sums and the logarithms do not run side by side much: both are bound by
    memory bandwidth, and the sums hold the GIL.) The result is the one
    :meth:`Accumulator.update` of all rows at once gives: the sums are exact, so the blocks
    change no digit."""
    from .loss import _executor, _workers

    out = [np.empty(n, dtype=np.float64) for _ in range(acc.n_models)]

    def compute(a: int, b: int) -> None:
        for full, part in zip(out, losses_of(a, b)):
            full[a:b] = part

    edges = list(range(0, n, block)) + [n]
    spans = list(zip(edges[:-1], edges[1:]))
    if _workers() < 2 or len(spans) < 2:
        for a, b in spans:
            compute(a, b)
        jobs = None
    else:
        jobs = [_executor().submit(compute, a, b) for a, b in spans]
    for j, (a, b) in enumerate(spans):
        if jobs is not None:
            jobs[j].result()
        rows = slice(a, b)
        if valid is None or valid[rows].all():
            acc.update([loss[rows] for loss in out], labels[rows],
                       None if weights is None else weights[rows])
            continue
        ok = valid[rows]
        for loss in out:
            loss[rows][~ok] = np.nan
        acc.update([loss[rows][ok] for loss in out], labels[rows][ok],
                   None if weights is None else weights[rows][ok])
    return out


def _class_index(labels: np.ndarray) -> np.ndarray:
    """Class indices from labels: binary numbers (soft labels count as class 1 from 0.5 up, for
    the per-class breakdown only) or indices already."""
    if labels.dtype.kind == "f":
        return (labels >= 0.5).astype(np.int64)
    return labels.astype(np.int64, copy=False)


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
    #: For a data set of several files: the file of each infinite row (parallel to
    #: ``infinite_rows``; rows are then numbered within their file, and issues name it too).
    infinite_files: list[list[str]] = field(default_factory=lambda: [[]])
    #: K classes: usable rows whose probabilities do not sum to 1 (a warning, not an
    #: exclusion), and the first of them as {row, sum}.
    n_off_sum: int = 0
    off_sum: list[dict] = field(default_factory=list)

    def add_off_sum(self, n: int, rows: list[dict]) -> None:
        self.n_off_sum += n
        self.off_sum.extend(rows[:max(self.limit - len(self.off_sum), 0)])

    def add_issues(self, n_invalid: int, issues: list[dict]) -> None:
        self.n_invalid += n_invalid
        room = self.limit - len(self.issues)
        if len(issues) > room:
            self.issues_truncated = True
        self.issues.extend(issues[:max(room, 0)])

    def add_infinite(self, rows: list[int], model: int = 0, files: list[str] | None = None) -> None:
        while len(self.infinite_rows) <= model:
            self.infinite_rows.append([])
            self.infinite_files.append([])
        lst = self.infinite_rows[model]
        room = max(self.limit - len(lst), 0)
        lst.extend(rows[:room])
        if files:
            self.infinite_files[model].extend(files[:room])

    def name_file(self, name: str) -> "RowReport":
        """Say which file of a data set every listed row is in; returns self."""
        self.issues = [{"file": name, **issue} for issue in self.issues]
        self.infinite_files = [[name] * len(rows) for rows in self.infinite_rows]
        return self

    def merge(self, other: "RowReport") -> "RowReport":
        """Append a later block's report (its rows come after this one's)."""
        self.add_issues(other.n_invalid, other.issues)
        self.issues_truncated |= other.issues_truncated
        for m, rows in enumerate(other.infinite_rows):
            files = other.infinite_files[m] if m < len(other.infinite_files) else None
            self.add_infinite(rows, m, files)
        self.add_off_sum(other.n_off_sum, other.off_sum)
        return self
