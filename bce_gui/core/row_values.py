"""The numbers a table shows per row, computed here so that a view only formats them.

The results pane shows, for each row, the corrected probability, its natural log, the row loss
(in nats or bits) and the row's share of the total; the penalty plot draws the same row loss and
its tooltip quotes the same corrected p and ln. All of them come from :func:`values` over any
set of rows (a slice for a block of visible rows, an index array for the points drawn), NaN for
an excluded row, so the table, the plot and the summary can never disagree.

:class:`EvaluatedRows` is what the values are read from: references to the columns of the data
and of its evaluation at one moment (a background sort reads them while the user keeps editing;
an insertion or deletion replaces the arrays, never changes the ones captured).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

import numpy as np

from .loss import LossOptions, row_terms, to_units
from .row_order import invalid_rows, sort_order
from .schema import NUMERIC_ROLES

#: The result columns with a number per row.
RESULT_KEYS = ("corrected", "ln", "loss", "share")
#: Input columns whose stored numbers are their sort keys.
INPUT_KEYS = NUMERIC_ROLES
#: What the Note column (and the results export's status) says of a valid row whose loss is
#: infinite: it counts, and makes the loss infinite.
INFINITE_NOTE = "infinite: p = 0 for the actual class"
#: Sort key of the Note column for a valid row with an infinite loss: after the rows without a
#: note (0), before every excluded row (its reason code, 1 and up).
INFINITE_NOTE_KEY = 0.5
#: ... and of a valid K-class row whose probabilities do not sum to 1.
SUM_NOTE_KEY = 0.25


@dataclass(frozen=True)
class EvaluatedRows:
    """The columns of a dataset and of its evaluation, as read at one moment.

    ``loss`` is in nats with NaN for excluded rows; ``sum_loss`` is the total Σ w·loss over the
    counted rows (the totals' own, so shares add up to what the summary divides by).
    """

    options: LossOptions
    actual: np.ndarray
    predicted: np.ndarray
    valid: np.ndarray
    loss: np.ndarray
    sum_loss: float
    weight: np.ndarray | None = None
    ids: np.ndarray | None = None
    codes: Mapping[str, np.ndarray] = field(default_factory=dict)
    #: K classes: the first model's class columns (name -> values, in class order); ``actual``
    #: is then each row's class index (NaN for a row of no class).
    class_columns: Mapping[str, np.ndarray] | None = None
    #: K classes: per row, a note (rows not summing to 1; see ``Validity.notes``).
    notes: np.ndarray | None = None

    @classmethod
    def of(cls, dataset, live) -> "EvaluatedRows":
        """From a dataset and its :class:`~bce_gui.core.live.LiveEvaluation`."""
        weight = dataset.weight.values if dataset.weight is not None else None
        if not dataset.schema.task.is_binary:
            index = live.labels
            columns = {c: dataset.columns[c].values for c in dataset.schema.model.columns}
            return cls(options=live.options, actual=np.where(index >= 0, index, np.nan),
                       predicted=next(iter(columns.values())), valid=live.valid, loss=live.loss,
                       sum_loss=live.totals.sum_loss, weight=weight, ids=dataset.ids,
                       codes=dict(live.codes), class_columns=columns, notes=live.notes)
        return cls(options=live.options, actual=dataset.actual.values,
                   predicted=dataset.predicted.values, valid=live.valid, loss=live.loss,
                   sum_loss=live.totals.sum_loss, weight=weight, ids=dataset.ids,
                   codes=dict(live.codes))

    @property
    def categorical(self) -> bool:
        return self.class_columns is not None

    def terms(self, rows=slice(None)):
        """Corrected probability (of the actual class), its ln and the loss of ``rows``."""
        if not self.categorical:
            return row_terms(self.actual[rows], self.predicted[rows], self.options)
        from .multiclass import categorical_row_terms

        y = self.actual[rows]
        index = np.where(np.isnan(y), -1, y).astype(np.int64)
        matrix = np.column_stack([c[rows] for c in self.class_columns.values()])
        return categorical_row_terms(index, matrix, self.options)

    def __len__(self) -> int:
        return int(self.valid.size)


def values(src: EvaluatedRows, key: str, rows=slice(None), units: str = "nats") -> np.ndarray:
    """One result column (``RESULT_KEYS``) over ``rows``: NaN for excluded rows. The loss is in
    ``units``; corrected p and its natural log do not depend on units; a share is a fraction."""
    return block_values(src, rows, units, (key,))[key]


def block_values(src: EvaluatedRows, rows=slice(None), units: str = "nats",
                 keys: tuple[str, ...] = RESULT_KEYS) -> dict[str, np.ndarray]:
    """Several result columns over the same rows (the terms computed once for corrected and ln)."""
    unknown = set(keys) - set(RESULT_KEYS)
    if unknown:
        raise KeyError(f"not a result column: {', '.join(sorted(unknown))}")
    valid = src.valid[rows]
    out: dict[str, np.ndarray] = {}
    if "corrected" in keys or "ln" in keys:
        terms = src.terms(rows)
        if "corrected" in keys:
            out["corrected"] = np.where(valid, terms.corrected, np.nan)
        if "ln" in keys:
            out["ln"] = np.where(valid, terms.ln_corrected, np.nan)
    if "loss" in keys:
        out["loss"] = to_units(np.where(valid, src.loss[rows], np.nan), units)
    if "share" in keys:
        out["share"] = _share(src, rows, valid)
    return out


def contribution(src: EvaluatedRows, rows=slice(None)) -> np.ndarray:
    """w·loss of each row (its loss when unweighted), NaN if excluded: what the total adds up."""
    loss = np.where(src.valid[rows], src.loss[rows], np.nan)
    if src.weight is None:
        return loss
    with np.errstate(invalid="ignore"):
        return src.weight[rows] * loss


def _share(src: EvaluatedRows, rows, valid: np.ndarray) -> np.ndarray:
    """w·loss / Σ w·loss; NaN when the total is 0 or not finite (an infinite loss)."""
    total = src.sum_loss
    contrib = contribution(src, rows)
    if not np.isfinite(total) or total == 0:
        return np.full(np.shape(contrib), np.nan)
    return np.where(valid, contrib / total, np.nan)


def sort_key(src: EvaluatedRows, key: str) -> np.ndarray:
    """The whole column a view sorts by when the user sorts by ``key`` (a float column, NaN for
    rows that have no value there; text for the ID, empty text last)."""
    if key in INPUT_KEYS:
        column = src.weight if key == "weight" else getattr(src, key)
        if column is None:
            raise KeyError(f"no {key} column")
        return column
    if src.class_columns is not None and key in src.class_columns:
        return src.class_columns[key]
    if key == "loss":
        return np.where(src.valid, src.loss, np.nan)
    if key == "share":
        return contribution(src)  # the share's order, also when the total is infinite
    if key in ("corrected", "ln"):
        return values(src, key)
    if key == "note":
        # Rows without a note first, then infinite losses, then each reason of exclusion.
        codes = np.zeros(len(src), dtype=np.float64)
        for c in src.codes.values():
            codes = np.maximum(codes, c)
        if src.notes is not None:  # a sum ≠ 1 after the rows without a note, before exclusions
            codes = np.where(src.notes > 0, SUM_NOTE_KEY, codes)
        return np.where(np.isinf(src.loss), INFINITE_NOTE_KEY, codes)
    if key == "id":
        if src.ids is None:
            return np.arange(len(src), dtype=np.float64)
        return src.ids
    raise KeyError(f"no column {key!r}")


def view_order(src: EvaluatedRows, key: str | None, descending: bool = False,
               invalid_only: bool = False) -> np.ndarray | None:
    """The rows a view shows, in its order (int32): sorted by ``key`` (None: table order),
    only the excluded rows if ``invalid_only``. None means every row in table order."""
    rows = invalid_rows(src.valid) if invalid_only else None
    if key is None:
        return rows
    return sort_order(sort_key(src, key), descending, rows)


def is_infinite(src: EvaluatedRows, row: int) -> bool:
    """The row counts and its loss is infinite (what the Note column says)."""
    return bool(src.valid[row]) and bool(np.isinf(src.loss[row]))
