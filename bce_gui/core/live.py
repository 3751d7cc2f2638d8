"""An evaluation kept up to date edit by edit, for the window.

:func:`evaluate` recomputes everything; after one cell edit in a table of ten million rows that
would redo ten million logarithms. :class:`LiveEvaluation` keeps the per-row validity and loss
columns and the exact :class:`~bce_gui.core.accumulate.Accumulator`, and re-evaluates only the
rows an edit touched (their old terms taken out, their new ones added), so the total after an
edit costs O(rows touched), not O(table), and equals a fresh evaluation to the last digit.
"""

from __future__ import annotations

import itertools

import numpy as np

from .dataset import Dataset, NumericColumn
from .evaluate import Evaluation, labels_of, model_losses, new_accumulator
from .loss import LossOptions, LossTotals
from .validation import ROW, Validity, column_checks, row_codes, valid_rows

#: Versions of evaluations, unique in the process: a result derived from an evaluation (the
#: plot's points) names the version it was derived from, and is stale once that changes.
_versions = itertools.count(1)


class LiveEvaluation:
    """Validity, per-row loss and totals of a dataset, updated incrementally.

    The dataset stays the single source of truth: this object holds only derived columns and
    must be told which rows changed (``rows_changed``), were inserted or removed.
    """

    def __init__(self, dataset: Dataset, options: LossOptions) -> None:
        self.dataset = dataset
        self.options = options
        self.rebuild()

    # -- full recomputation -------------------------------------------------------------------

    def rebuild(self, options: LossOptions | None = None) -> None:
        """Recompute everything (new data, new options)."""
        if options is not None:
            self.options = options
        #: Changes with every change of the evaluation (rebuilt, rows changed, added, removed).
        self.version = next(_versions)
        ds, opts = self.dataset, self.options
        self._checks = column_checks(ds, logits=opts.logits, soft_labels=opts.soft_labels)
        self.codes = {name: check(ds.columns[name]) for name, check in self._checks}
        if ds.row_problems:
            self.codes[ROW] = row_codes(ds, np.arange(len(ds)))
        self.valid = valid_rows(self.codes)
        all_valid = bool(self.valid.all())
        self.losses = model_losses(ds, opts)
        if not all_valid:
            invalid = ~self.valid
            for loss in self.losses:
                loss[invalid] = np.nan
        # The labels and weights as they entered the sums: an edit has already changed the
        # dataset when ``rows_changed`` is called, so removing a row's old contribution must
        # not read the new label or weight from the dataset.
        self._y = np.array(labels_of(ds))
        self._w = None if ds.weight is None else ds.weight.values.copy()
        self.acc = new_accumulator(ds)
        # Every row at once: whole columns (or one mask over them), never a gather by index.
        if all_valid:
            self.acc.update(self.losses, self._y, self._w)
        else:
            valid = self.valid
            self.acc.update([loss[valid] for loss in self.losses], self._y[valid],
                            None if self._w is None else self._w[valid])

    @property
    def loss(self) -> np.ndarray:
        """The first model's row losses (NaN for excluded rows)."""
        return self.losses[0]

    def _accumulate(self, rows: np.ndarray, sign: int) -> None:
        """Add (sign=+1) or take out (-1) the terms of the valid ``rows``: their losses, and the
        label and weight they entered with."""
        rows = rows[self.valid[rows]]
        if rows.size:
            self.acc.update([loss[rows] for loss in self.losses], self._y[rows],
                            None if self._w is None else self._w[rows], sign)

    # -- incremental updates ------------------------------------------------------------------

    def rows_changed(self, rows) -> None:
        """Re-evaluate rows whose cells changed (any iterable of data-row indices)."""
        rows = np.unique(np.asarray(rows, dtype=np.int64))
        if rows.size == 0:
            return
        if rows.size > len(self.dataset) // 2:
            self.rebuild()
            return
        self.version = next(_versions)
        self._accumulate(rows, -1)
        ds, opts = self.dataset, self.options
        for name, check in self._checks:
            col = ds.columns[name]
            self.codes[name][rows] = check(NumericColumn(
                col.values[rows], {i: col.text[int(r)] for i, r in enumerate(rows) if int(r) in col.text}))
        if ds.row_problems and ROW not in self.codes:
            self.codes[ROW] = np.zeros(len(ds), dtype=np.uint8)
        if ROW in self.codes:
            self.codes[ROW][rows] = row_codes(ds, rows)
        self.valid[rows] = valid_rows(self.codes, rows)
        for loss, new in zip(self.losses, model_losses(ds, opts, rows)):
            new[~self.valid[rows]] = np.nan
            loss[rows] = new
        self._y[rows] = labels_of(ds, rows)
        if self._w is not None:
            self._w[rows] = ds.weight.values[rows]
        self._accumulate(rows, +1)

    def rows_inserted(self, at: int, count: int) -> None:
        """Rows were inserted into the dataset at ``at``; evaluate just them."""
        self.version = next(_versions)
        for role, codes in self.codes.items():
            self.codes[role] = np.insert(codes, at, np.zeros(count, dtype=np.uint8))
        self.valid = np.insert(self.valid, at, np.zeros(count, dtype=bool))
        self.losses = [np.insert(loss, at, np.full(count, np.nan)) for loss in self.losses]
        self._y = np.insert(self._y, at, np.zeros(count, dtype=self._y.dtype))
        if self._w is not None:
            self._w = np.insert(self._w, at, np.full(count, np.nan))
        self.rows_changed(np.arange(at, at + count))

    def rows_removed(self, rows) -> None:
        """Rows are about to be (or were) removed: call with their indices *before* removal."""
        self.version = next(_versions)
        rows = np.unique(np.asarray(rows, dtype=np.int64))
        self._accumulate(rows, -1)
        for role, codes in self.codes.items():
            self.codes[role] = np.delete(codes, rows)
        self.valid = np.delete(self.valid, rows)
        self.losses = [np.delete(loss, rows) for loss in self.losses]
        self._y = np.delete(self._y, rows)
        if self._w is not None:
            self._w = np.delete(self._w, rows)

    def rows_restored(self, rows) -> None:
        """Rows were put back (undo of a removal) at these final positions."""
        self.version = next(_versions)
        rows = np.unique(np.asarray(rows, dtype=np.int64))
        positions = rows - np.arange(rows.size)
        for role, codes in self.codes.items():
            self.codes[role] = np.insert(codes, positions, np.zeros(rows.size, dtype=np.uint8))
        self.valid = np.insert(self.valid, positions, np.zeros(rows.size, dtype=bool))
        self.losses = [np.insert(loss, positions, np.full(rows.size, np.nan)) for loss in self.losses]
        self._y = np.insert(self._y, positions, np.zeros(rows.size, dtype=self._y.dtype))
        if self._w is not None:
            self._w = np.insert(self._w, positions, np.full(rows.size, np.nan))
        self.rows_changed(rows)

    # -- results ------------------------------------------------------------------------------

    @property
    def n_invalid(self) -> int:
        """Rows left out of the loss (every row the sums do not count), without a pass over them."""
        return int(self.valid.size) - self.acc.n

    @property
    def validity(self) -> Validity:
        return Validity(codes=self.codes, valid=self.valid, names=self.dataset.column_names)

    @property
    def totals(self) -> LossTotals:
        return self.acc.result(self.options)

    def snapshot(self) -> Evaluation:
        """An :class:`Evaluation` view of the current state (for the summary, exports)."""
        return Evaluation(
            options=self.options, validity=self.validity, loss=self.loss, totals=self.totals,
            weights=self.dataset.weights, accumulator=self.acc.copy(), losses=list(self.losses),
        )
