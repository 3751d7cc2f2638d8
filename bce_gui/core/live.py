"""An evaluation kept up to date edit by edit, for the window.

:func:`evaluate` recomputes everything; after one cell edit in a table of ten million rows that
would redo ten million logarithms. :class:`LiveEvaluation` keeps the per-row validity and loss
columns and the exact :class:`~bce_gui.core.accumulate.Accumulator`, and re-evaluates only the
rows an edit touched (their old terms taken out, their new ones added), so the total after an
edit costs O(rows touched), not O(table), and equals a fresh evaluation to the last digit.
"""

from __future__ import annotations

import numpy as np

from .dataset import Dataset, NumericColumn
from .evaluate import Evaluation, labels_of, model_losses, new_accumulator
from .loss import LossOptions, LossTotals
from .validation import ROW, Validity, column_checks, row_codes, valid_rows


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
        #: K classes: per-row notes (rows whose probabilities do not sum to 1) and row sums.
        self.notes: np.ndarray | None = None
        self.sums: np.ndarray | None = None
        if ds.schema.task.is_binary:
            self._checks = column_checks(ds, logits=opts.logits, soft_labels=opts.soft_labels)
            self.codes = {name: check(ds.columns[name]) for name, check in self._checks}
            labels = None
        else:
            checks = self._categorical_checks(slice(None))
            self.codes = dict(checks.codes)
            labels = checks.index
        if ds.row_problems:
            self.codes[ROW] = row_codes(ds, np.arange(len(ds)))
        self.valid = valid_rows(self.codes)
        # The labels and weights as they entered the sums: an edit has already changed the
        # dataset when ``rows_changed`` is called, so removing a row's old contribution must
        # not read the new label or weight from the dataset.
        self._w = None if ds.weight is None else ds.weight.values.copy()
        self.acc = new_accumulator(ds)
        if labels is not None:  # K classes: losses and sums a block of rows at a time
            from . import categorical
            from .accumulate import accumulate_in_blocks

            self._set_notes(checks, slice(None))
            self._y = np.array(labels)
            self.losses = accumulate_in_blocks(
                self.acc, len(ds),
                lambda a, b: categorical.losses(ds, opts, labels[a:b], slice(a, b)),
                self._y, self._w, None if self.valid.all() else self.valid)
            return
        self.losses = model_losses(ds, opts, labels=labels)
        for loss in self.losses:
            loss[~self.valid] = np.nan
        self._y = np.array(labels_of(ds))
        self.acc = new_accumulator(ds)
        self._accumulate(np.arange(len(ds)), +1)

    def _categorical_checks(self, rows):
        from .categorical import check_rows

        return check_rows(self.dataset, self.options, rows)

    def _set_notes(self, checks, rows) -> None:
        """The notes and sums of ``rows`` from their checks (after ``valid`` was updated)."""
        if self.notes is None:
            n = len(self.dataset)
            self.notes = np.zeros(n, dtype=np.uint8)
            self.sums = None if checks.sums is None else np.full(n, np.nan)
        self.notes[rows] = np.where(self.valid[rows] & checks.off_sum,
                                    np.uint8(checks.note_code), np.uint8(0))
        if self.sums is not None and checks.sums is not None:
            self.sums[rows] = checks.sums

    @property
    def loss(self) -> np.ndarray:
        """The first model's row losses (NaN for excluded rows)."""
        return self.losses[0]

    @property
    def labels(self) -> np.ndarray:
        """Each row's label as it entered the sums (binary: the label; K classes: the class
        index, -1 for a label that is no class), kept up to date with edits."""
        return self._y

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
        self._accumulate(rows, -1)
        ds, opts = self.dataset, self.options
        checks = labels = None
        if ds.schema.task.is_binary:
            for name, check in self._checks:
                col = ds.columns[name]
                self.codes[name][rows] = check(NumericColumn(
                    col.values[rows], {i: col.text[int(r)] for i, r in enumerate(rows) if int(r) in col.text}))
        else:
            checks = self._categorical_checks(rows)
            for name, codes in checks.codes.items():
                self.codes[name][rows] = codes
            labels = checks.index
        if ds.row_problems and ROW not in self.codes:
            self.codes[ROW] = np.zeros(len(ds), dtype=np.uint8)
        if ROW in self.codes:
            self.codes[ROW][rows] = row_codes(ds, rows)
        self.valid[rows] = valid_rows(self.codes, rows)
        if checks is not None:
            self._set_notes(checks, rows)
        for loss, new in zip(self.losses, model_losses(ds, opts, rows, labels=labels)):
            new[~self.valid[rows]] = np.nan
            loss[rows] = new
        self._y[rows] = labels_of(ds, rows) if labels is None else labels
        if self._w is not None:
            self._w[rows] = ds.weight.values[rows]
        self._accumulate(rows, +1)

    def rows_inserted(self, at: int, count: int) -> None:
        """Rows were inserted into the dataset at ``at``; evaluate just them."""
        for role, codes in self.codes.items():
            self.codes[role] = np.insert(codes, at, np.zeros(count, dtype=np.uint8))
        self.valid = np.insert(self.valid, at, np.zeros(count, dtype=bool))
        self._resize_notes(lambda a, fill: np.insert(a, at, np.full(count, fill, dtype=a.dtype)))
        self.losses = [np.insert(loss, at, np.full(count, np.nan)) for loss in self.losses]
        self._y = np.insert(self._y, at, np.zeros(count, dtype=self._y.dtype))
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
        self._resize_notes(lambda a, _fill: np.delete(a, rows))
        self.losses = [np.delete(loss, rows) for loss in self.losses]
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
        self._resize_notes(lambda a, fill: np.insert(a, positions, np.full(rows.size, fill, dtype=a.dtype)))
        self.losses = [np.insert(loss, positions, np.full(rows.size, np.nan)) for loss in self.losses]
        self._y = np.insert(self._y, positions, np.zeros(rows.size, dtype=self._y.dtype))
        if self._w is not None:
            self._w = np.insert(self._w, positions, np.full(rows.size, np.nan))
        self.rows_changed(rows)

    def _resize_notes(self, change) -> None:
        """Insert or delete rows of the notes and sums as of the codes (``change(array, fill)``)."""
        if self.notes is not None:
            self.notes = change(self.notes, 0)
        if self.sums is not None:
            self.sums = change(self.sums, np.nan)

    # -- results ------------------------------------------------------------------------------

    @property
    def validity(self) -> Validity:
        return Validity(codes=self.codes, valid=self.valid, names=self.dataset.column_names,
                        notes=self.notes, sums=self.sums)

    @property
    def totals(self) -> LossTotals:
        return self.acc.result(self.options)

    def snapshot(self) -> Evaluation:
        """An :class:`Evaluation` view of the current state (for the summary, exports)."""
        return Evaluation(
            options=self.options, validity=self.validity, loss=self.loss, totals=self.totals,
            weights=self.dataset.weights, accumulator=self.acc.copy(), losses=list(self.losses),
        )
