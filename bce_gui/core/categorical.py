"""A categorical (K-class) :class:`~bce_gui.core.dataset.Dataset`: each row's class, the checks
of its cells, and its models' probability matrices.

:mod:`~bce_gui.core.multiclass` works on arrays (an (n, K) matrix and n class indices); this
module reads them out of a dataset whose schema is categorical, for any set of rows (all of
them for :func:`~bce_gui.core.evaluate.evaluate`, an edit's rows for
:class:`~bce_gui.core.live.LiveEvaluation`, a block's for the streamed pass), so the three
check and compute a row the same way.

The actual column holds the labels as numbers (a :class:`NumericColumn`; text typed into it is
kept beside it) or as text (a ``TEXT`` column: "setosa", "versicolor", ...); either way a row's
class is found by :func:`~bce_gui.core.class_labels.class_indices` through the schema's classes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .class_labels import ClassIndex, class_indices
from .dataset import Dataset, NumericColumn
from .loss import LossOptions
from .multiclass import (
    categorical_row_losses,
    categorical_row_terms,
    check_options,
    renormalizes,
    sum_checks,
    validate_categorical,
)
from .validation import SUM_KEY, Reason, validate_weight


def _text_of(column: NumericColumn, rows) -> dict[int, str]:
    """The typed texts of ``rows`` of a column, keyed by position among those rows."""
    if isinstance(rows, slice) and rows == slice(None):
        return column.text
    if not column.text:
        return {}
    return {i: column.text[int(r)] for i, r in enumerate(np.asarray(rows).tolist())
            if int(r) in column.text}


def _subset(column: NumericColumn, rows) -> NumericColumn:
    if isinstance(rows, slice) and rows == slice(None):
        return column
    return NumericColumn(column.values[rows], _text_of(column, rows))


def class_index(dataset: Dataset, rows=slice(None)) -> ClassIndex:
    """Each row's class index 0..K-1 (-1 when the actual cell is empty or names no class) and
    its reason code, for ``rows`` (a slice or an index array)."""
    col = dataset.columns[dataset.schema.actual]
    classes = dataset.schema.task.classes
    if isinstance(col, NumericColumn):
        return class_indices(col.values[rows], classes, _text_of(col, rows))
    return class_indices(col[rows], classes)


def model_matrix(dataset: Dataset, model: int = 0, rows=slice(None)) -> np.ndarray:
    """A model's K prediction columns for ``rows`` as one (n, K) float64 matrix."""
    columns = dataset.schema.models[model].columns
    return np.column_stack([dataset.columns[c].values[rows] for c in columns])


@dataclass
class CategoricalChecks:
    """The checks of some rows of a categorical dataset.

    ``codes``: reason codes per checked column (the actual column, every model's class
    columns, the weight) and, when rows are renormalised, per row under
    :data:`~bce_gui.core.validation.SUM_KEY` (a row summing to 0). ``index``: each row's class
    index. ``off_sum``: rows whose (first model's) probabilities do not sum to 1, a note and
    never an exclusion; ``sums`` their sums (None for logits); ``renormalized``: whether such
    rows are divided by their sum (``renormalize``, or Keras) or used as given.
    """

    index: np.ndarray
    codes: dict[str, np.ndarray]
    off_sum: np.ndarray
    sums: np.ndarray | None
    renormalized: bool

    @property
    def note_code(self) -> int:
        return int(Reason.RENORMALIZED if self.renormalized else Reason.SUM_NOT_ONE)


def check_rows(dataset: Dataset, options: LossOptions, rows=slice(None)) -> CategoricalChecks:
    """Check ``rows`` of a categorical dataset (validation never changes a value)."""
    schema = dataset.schema
    found = class_index(dataset, rows)
    codes: dict[str, np.ndarray] = {schema.actual: found.codes}
    renorm = renormalizes(options, options.renormalize)
    zero = None
    off = sums = None
    for m, model in enumerate(schema.models):
        columns = [dataset.columns[c].values[rows] for c in model.columns]
        sums = _sums(columns) if not options.logits else None
        if _usable(columns, options.logits):
            # Every cell a usable number (the usual case): no (n, K) matrix is made.
            check_options(options)
            n = found.codes.size
            cell = np.zeros(n, dtype=np.uint8)
            for c in model.columns:
                codes[c] = cell.copy()
            usable = found.codes == 0
            row_codes, off_m = sum_checks(usable, sums, renorm)
        else:
            text = [_text_of(dataset.columns[c], rows) for c in model.columns]
            v = validate_categorical(np.column_stack(columns), found.codes, options, text=text,
                                     sums=sums)
            for k, c in enumerate(model.columns):
                codes[c] = np.ascontiguousarray(v.cell_codes[:, k])
            row_codes, off_m = v.row_codes, v.off_sum
        zero = row_codes if zero is None else np.maximum(zero, row_codes)
        if m == 0:
            off, first_sums = off_m, sums
    if schema.weight is not None:
        codes[schema.weight] = validate_weight(_subset(dataset.columns[schema.weight], rows))
    if renorm:
        codes[SUM_KEY] = zero
    return CategoricalChecks(found.index, codes, off, first_sums, renorm)


def _usable(columns: list[np.ndarray], logits: bool) -> bool:
    """Every cell a usable number: in [0, 1] (or finite, for logits). Two reductions a column;
    NaN fails both tests."""
    for v in columns:
        if v.size:
            lo, hi = float(np.min(v)), float(np.max(v))
            if not ((-np.inf < lo and hi < np.inf) if logits else (lo >= 0.0 and hi <= 1.0)):
                return False
    return True


def _sums(columns: list[np.ndarray]) -> np.ndarray:
    """Each row's sum of the K columns (added column by column: no (n, K) matrix)."""
    total = np.array(columns[0], dtype=np.float64, copy=True)
    for v in columns[1:]:
        total += v
    return total




def losses(dataset: Dataset, options: LossOptions, index: np.ndarray, rows=slice(None),
           sums: np.ndarray | None = None) -> list[np.ndarray]:
    """Each model's row losses (nats, before weights); ``index`` the rows' class indices, -1
    for a row of no class (its loss is dropped: such a row is invalid)."""
    safe = np.where(index >= 0, index, 0)
    return [categorical_row_losses(safe, model_matrix(dataset, m, rows), options,
                                   sums=sums if m == 0 else None)
            for m in range(len(dataset.schema.models))]


def terms(dataset: Dataset, options: LossOptions, rows=slice(None), index: np.ndarray | None = None):
    """Corrected probability (the probability of the actual class), its ln and the loss of the
    first model for ``rows`` (NaN for a row of no class)."""
    if index is None:
        index = class_index(dataset, rows).index
    return categorical_row_terms(index, model_matrix(dataset, 0, rows), options)
