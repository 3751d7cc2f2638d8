"""From a dataset and loss options to everything the app shows: validity, row losses, totals.

This is the one place where a dataset becomes numbers; the command line, the window, the exports
and the report all call :func:`evaluate`, so they cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .accumulate import Accumulator, RowReport
from .dataset import Dataset
from .loss import LossOptions, LossTotals, RowTerms, row_losses, row_terms
from .validation import Validity, validate

#: Invalid cells and infinite rows listed in a summary (the counts are always exact).
LIST_LIMIT = 1000


@dataclass
class Evaluation:
    """The result of evaluating a dataset: per-row loss (NaN for excluded rows) and totals."""

    options: LossOptions
    validity: Validity
    loss: np.ndarray
    totals: LossTotals
    # The dataset's weights (None when unweighted), so that infinite_rows agrees with
    # totals.n_infinite: a weight-0 row with an infinite loss does not make the mean infinite.
    weights: np.ndarray | None = None
    #: The exact sums the totals were made from (a streamed block's, merged with the others').
    accumulator: Accumulator | None = None

    def row_report(self, dataset: Dataset, limit: int = LIST_LIMIT) -> RowReport:
        """The invalid cells and infinite rows to list (rows numbered as a spreadsheet shows
        them), with exact counts."""
        report = RowReport(limit=limit)
        if not self.validity.all_valid:
            # One issue more than the list holds: "truncated" must mean that issues were left
            # out, not merely that exactly ``limit`` of them exist.
            issues = self.validity.issues(dataset, limit=limit + 1)
            report.add_issues(self.validity.n_invalid, [
                {"row": dataset.spreadsheet_row(i.row), "column": i.column, "value": i.value,
                 "reason": i.reason}
                for i in issues
            ])
        if self.totals.n_infinite:
            report.add_infinite([dataset.spreadsheet_row(int(r))
                                 for r in self.infinite_rows(limit=limit)])
        return report

    def infinite_rows(self, limit: int | None = None) -> np.ndarray:
        """0-based rows whose loss is infinite (the rows that make the mean infinite)."""
        infinite = np.isinf(self.loss)
        if self.weights is not None:
            with np.errstate(invalid="ignore"):
                infinite &= self.weights > 0
        rows = np.flatnonzero(infinite)
        return rows if limit is None else rows[:limit]

    def worst_rows(self, k: int = 10) -> np.ndarray:
        """The k valid rows with the largest loss, largest first."""
        loss = np.where(np.isnan(self.loss), -np.inf, self.loss)
        k = min(k, int(np.count_nonzero(self.validity.valid)))
        if k <= 0:
            return np.empty(0, dtype=np.int64)
        part = np.argpartition(-loss, k - 1)[:k]
        return part[np.argsort(-loss[part], kind="stable")]


def evaluate(dataset: Dataset, options: LossOptions) -> Evaluation:
    """Validate, compute each row's loss, and aggregate over the usable rows."""
    validity = validate(dataset, logits=options.logits, soft_labels=options.soft_labels)
    y = dataset.actual.values
    w = dataset.weights
    loss = row_losses(y, dataset.predicted.values, options)
    acc = Accumulator(weighted=w is not None)
    if validity.all_valid:
        acc.update(loss, y, w)
    else:
        valid = validity.valid
        loss[~valid] = np.nan
        acc.update(loss[valid], y[valid], None if w is None else w[valid])
    return Evaluation(options=options, validity=validity, loss=loss, totals=acc.result(options),
                      weights=w, accumulator=acc)


def terms_for_rows(dataset: Dataset, options: LossOptions, rows: np.ndarray | slice) -> RowTerms:
    """Corrected probability, ln and loss for some rows (what a table shows for visible rows)."""
    return row_terms(dataset.actual.values[rows], dataset.predicted.values[rows], options)
