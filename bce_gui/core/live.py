"""An evaluation kept up to date edit by edit, for the window.

:func:`evaluate` recomputes everything; after one cell edit in a table of ten million rows that
would redo ten million logarithms. :class:`LiveEvaluation` keeps the per-row validity and loss
columns and the exact :class:`~bce_gui.core.accumulate.Accumulator`, and re-evaluates only the
rows an edit touched (their old terms taken out, their new ones added), so the total after an
edit costs O(rows touched), not O(table), and equals a fresh evaluation to the last digit.
"""

from __future__ import annotations

import numpy as np

from .dataset import Dataset
from .evaluate import Evaluation
from .loss import LossOptions, LossTotals, row_losses
from .accumulate import Accumulator
from .validation import (
    ROW,
    Validity,
    row_codes,
    validate_actual,
    validate_predicted,
    validate_weight,
)


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
        ds, opts = self.dataset, self.options
        self.codes = {
            "actual": validate_actual(ds.actual, opts.soft_labels),
            "predicted": validate_predicted(ds.predicted, opts.logits),
        }
        if ds.weight is not None:
            self.codes["weight"] = validate_weight(ds.weight)
        if ds.row_problems:
            self.codes[ROW] = row_codes(ds, np.arange(len(ds)))
        self.valid = self._valid_mask(slice(None))
        self.loss = row_losses(ds.actual.values, ds.predicted.values, opts)
        self.loss[~self.valid] = np.nan
        # The labels and weights as they entered the sums: an edit has already changed the
        # dataset when ``rows_changed`` is called, so removing a row's old contribution must
        # not read the new label or weight from the dataset.
        self._y = ds.actual.values.copy()
        self._w = None if ds.weight is None else ds.weight.values.copy()
        self._reset_sums()
        self._accumulate(np.arange(len(ds)), +1)

    def _reset_sums(self) -> None:
        self.acc = Accumulator(weighted=self._w is not None)

    def _valid_mask(self, rows) -> np.ndarray:
        ok = self.codes["actual"][rows] == 0
        ok &= self.codes["predicted"][rows] == 0
        if "weight" in self.codes:
            ok &= self.codes["weight"][rows] == 0
        if ROW in self.codes:
            ok &= self.codes[ROW][rows] == 0
        return ok

    def _accumulate(self, rows: np.ndarray, sign: int) -> None:
        """Add (sign=+1) or take out (-1) the terms of the valid ``rows``: their loss, and the
        label and weight they entered with."""
        rows = rows[self.valid[rows]]
        if rows.size:
            self.acc.update(self.loss[rows], self._y[rows],
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
        self._accumulate(rows, -1)
        ds, opts = self.dataset, self.options
        from .dataset import NumericColumn

        def sub(col: NumericColumn) -> NumericColumn:
            return NumericColumn(
                col.values[rows], {i: col.text[int(r)] for i, r in enumerate(rows) if int(r) in col.text}
            )

        self.codes["actual"][rows] = validate_actual(sub(ds.actual), opts.soft_labels)
        self.codes["predicted"][rows] = validate_predicted(sub(ds.predicted), opts.logits)
        if ds.weight is not None:
            self.codes["weight"][rows] = validate_weight(sub(ds.weight))
        if ds.row_problems and ROW not in self.codes:
            self.codes[ROW] = np.zeros(len(ds), dtype=np.uint8)
        if ROW in self.codes:
            self.codes[ROW][rows] = row_codes(ds, rows)
        self.valid[rows] = self._valid_mask(rows)
        loss = row_losses(ds.actual.values[rows], ds.predicted.values[rows], opts)
        loss[~self.valid[rows]] = np.nan
        self.loss[rows] = loss
        self._y[rows] = ds.actual.values[rows]
        if self._w is not None:
            self._w[rows] = ds.weight.values[rows]
        self._accumulate(rows, +1)

    def rows_inserted(self, at: int, count: int) -> None:
        """Rows were inserted into the dataset at ``at``; evaluate just them."""
        for role, codes in self.codes.items():
            self.codes[role] = np.insert(codes, at, np.zeros(count, dtype=np.uint8))
        self.valid = np.insert(self.valid, at, np.zeros(count, dtype=bool))
        self.loss = np.insert(self.loss, at, np.full(count, np.nan))
        self._y = np.insert(self._y, at, np.full(count, np.nan))
        if self._w is not None:
            self._w = np.insert(self._w, at, np.full(count, np.nan))
        self.rows_changed(np.arange(at, at + count))

    def rows_removed(self, rows) -> None:
        """Rows are about to be (or were) removed: call with their indices *before* removal."""
        rows = np.unique(np.asarray(rows, dtype=np.int64))
        self._accumulate(rows, -1)
        for role, codes in self.codes.items():
            self.codes[role] = np.delete(codes, rows)
        self.valid = np.delete(self.valid, rows)
        self.loss = np.delete(self.loss, rows)
        self._y = np.delete(self._y, rows)
        if self._w is not None:
            self._w = np.delete(self._w, rows)

    def rows_restored(self, rows) -> None:
        """Rows were put back (undo of a removal) at these final positions."""
        rows = np.unique(np.asarray(rows, dtype=np.int64))
        positions = rows - np.arange(rows.size)
        for role, codes in self.codes.items():
            self.codes[role] = np.insert(codes, positions, np.zeros(rows.size, dtype=np.uint8))
        self.valid = np.insert(self.valid, positions, np.zeros(rows.size, dtype=bool))
        self.loss = np.insert(self.loss, positions, np.full(rows.size, np.nan))
        self._y = np.insert(self._y, positions, np.full(rows.size, np.nan))
        if self._w is not None:
            self._w = np.insert(self._w, positions, np.full(rows.size, np.nan))
        self.rows_changed(rows)

    # -- results ------------------------------------------------------------------------------

    @property
    def validity(self) -> Validity:
        return Validity(codes=self.codes, valid=self.valid)

    @property
    def totals(self) -> LossTotals:
        return self.acc.result(self.options)

    def snapshot(self) -> Evaluation:
        """An :class:`Evaluation` view of the current state (for the summary, exports)."""
        return Evaluation(
            options=self.options, validity=self.validity, loss=self.loss, totals=self.totals,
            weights=self.dataset.weights,
        )
