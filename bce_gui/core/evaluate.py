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
    #: Every model's row losses (``loss`` is the first model's), NaN for excluded rows.
    losses: list[np.ndarray] | None = None
    #: Each row's label as it entered the sums (:func:`labels_of`: K classes, the class index),
    #: so that the statistics of the rows need not find the classes again.
    labels: np.ndarray | None = None

    def model_totals(self) -> list[LossTotals]:
        """The totals of each model of the schema, over the same rows."""
        if self.accumulator is None:
            return [self.totals]
        return self.accumulator.results(self.options)

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
        if self.validity.notes is not None:  # K classes: rows not summing to 1, with their sums
            v = self.validity
            report.add_off_sum(v.n_off_sum, [
                {"row": dataset.spreadsheet_row(int(r)), "sum": float(v.sums[r])}
                for r in v.off_sum_rows(limit=limit)])
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


def labels_of(dataset: Dataset, rows=slice(None)) -> np.ndarray:
    """The actual class of rows as the loss and the accumulator take it: for a binary task the
    label itself (0 or 1, or a soft label in [0, 1]); for a categorical task the index of the
    class in the schema's order (-1 for a label that is not a class)."""
    task = dataset.schema.task
    if task.is_binary:
        return dataset.actual.values[rows]
    from .categorical import class_index

    return class_index(dataset, rows).index


def evaluated_labels(dataset: Dataset, evaluation) -> np.ndarray:
    """:func:`labels_of` every row, taken from ``evaluation`` (an :class:`Evaluation` or a
    :class:`~bce_gui.core.live.LiveEvaluation`) where it kept them: K classes then need no
    second pass over the class column (cheap on the window's thread)."""
    if dataset.schema.task.is_binary:
        return dataset.actual.values
    labels = getattr(evaluation, "labels", None)
    return labels_of(dataset) if labels is None else labels


def evaluated_losses(evaluation) -> list[np.ndarray]:
    """Every model's row losses from an evaluation (one that keeps only the first model's
    gives that one)."""
    return list(evaluation.losses) if evaluation.losses is not None else [evaluation.loss]


def model_losses(dataset: Dataset, options: LossOptions, rows=slice(None),
                 labels: np.ndarray | None = None) -> list[np.ndarray]:
    """Each model's row losses (in nats, before sample weights) for some rows (``labels``: their
    class indices, when a K-class table's have been found already)."""
    schema = dataset.schema
    if schema.task.is_binary:
        y = dataset.actual.values[rows]
        return [row_losses(y, dataset.columns[m.columns[0]].values[rows], options)
                for m in schema.models]
    from . import categorical

    index = labels_of(dataset, rows) if labels is None else labels
    return categorical.losses(dataset, options, index, rows)


def new_accumulator(dataset: Dataset) -> Accumulator:
    """An empty accumulator shaped for the dataset's schema (models, classes, weights); a
    K-class one keeps the per-class breakdown (K = 2 included)."""
    s = dataset.schema
    return Accumulator(n_models=len(s.models), n_classes=s.task.n_classes,
                       weighted=s.weight is not None, by_class=None if s.task.is_binary else True)


def evaluate(dataset: Dataset, options: LossOptions) -> Evaluation:
    """Validate, compute each model's row losses, and aggregate over the usable rows."""
    if dataset.schema.task.is_binary:
        validity = validate(dataset, logits=options.logits, soft_labels=options.soft_labels)
        labels = labels_of(dataset)
        losses = model_losses(dataset, options)
    else:
        return _evaluate_categorical(dataset, options)
    w = dataset.weights
    acc = new_accumulator(dataset)
    if validity.all_valid:
        acc.update(losses, labels, w)
    else:
        valid = validity.valid
        for loss in losses:
            loss[~valid] = np.nan
        acc.update([loss[valid] for loss in losses], labels[valid],
                   None if w is None else w[valid])
    return Evaluation(options=options, validity=validity, loss=losses[0],
                      totals=acc.result(options), weights=w, accumulator=acc, losses=losses,
                      labels=labels)


def _evaluate_categorical(dataset: Dataset, options: LossOptions) -> Evaluation:
    """:func:`evaluate` of a K-class table: the row losses computed and added to the exact
    sums a block of rows at a time (:func:`~bce_gui.core.accumulate.accumulate_in_blocks`: the
    same totals, with small temporaries)."""
    from . import categorical
    from .accumulate import accumulate_in_blocks
    from .validation import categorical_validity

    checks = categorical.check_rows(dataset, options)
    validity = categorical_validity(dataset, checks)
    labels = checks.index
    w = dataset.weights
    acc = new_accumulator(dataset)
    losses = accumulate_in_blocks(
        acc, len(dataset),
        lambda a, b: categorical.losses(dataset, options, labels[a:b], slice(a, b)),
        labels, w, None if validity.all_valid else validity.valid)
    return Evaluation(options=options, validity=validity, loss=losses[0],
                      totals=acc.result(options), weights=w, accumulator=acc, losses=losses,
                      labels=labels)


def terms_for_rows(dataset: Dataset, options: LossOptions, rows: np.ndarray | slice) -> RowTerms:
    """Corrected probability, ln and loss for some rows (what a table shows for visible rows);
    with K classes the corrected probability is that of the actual class."""
    if not dataset.schema.task.is_binary:
        from .categorical import terms

        return terms(dataset, options, rows)
    return row_terms(dataset.actual.values[rows], dataset.predicted.values[rows], options)
