"""Per-cell validation: which rows cannot be used, and why, in words an analyst understands.

Validation never changes a value. It returns a reason code per cell (0 = fine); rows with any
non-zero code are excluded from the loss and reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

import numpy as np

from .dataset import Dataset, NumericColumn


class Reason(IntEnum):
    OK = 0
    MISSING = 1
    NOT_A_NUMBER = 2
    PROBABILITY_RANGE = 3
    LABEL = 4
    SOFT_LABEL_RANGE = 5
    NEGATIVE_WEIGHT = 6
    NOT_FINITE = 7
    ROW_SHAPE = 8  # the file's row itself is wrong (too many fields); the text says how
    FORMULA = 9
    # A categorical task (K class columns); the numbers are stable (saved nowhere, but tests
    # and one uint8 array per column rely on them):
    NEGATIVE_PROBABILITY = 16
    PROBABILITY_ABOVE_ONE = 17
    #: The actual class is none of the classes (no column predicts it).
    UNKNOWN_CLASS = 18
    #: --renormalize (or Keras) and the row's probabilities sum to 0: it cannot be renormalised.
    ZERO_SUM = 19
    #: Notes on a usable row, never a reason to exclude it: its probabilities do not sum to 1
    #: and were used as given / divided by their sum.
    SUM_NOT_ONE = 20
    RENORMALIZED = 21

    @property
    def message(self) -> str:
        return _MESSAGES[self]

    @property
    def short(self) -> str:
        """A few words after the column's name, for a table's Note ("Predicted outside [0, 1]")."""
        return _SHORT.get(self, _MESSAGES[self])


_MESSAGES = {
    Reason.OK: "",
    Reason.MISSING: "missing value",
    Reason.NOT_A_NUMBER: "not a number",
    Reason.PROBABILITY_RANGE: "probability outside [0, 1]",
    Reason.LABEL: "label is not 0 or 1",
    Reason.SOFT_LABEL_RANGE: "label outside [0, 1]",
    Reason.NEGATIVE_WEIGHT: "negative weight",
    Reason.NOT_FINITE: "not a finite number",
    Reason.ROW_SHAPE: "the row does not fit the header",
    Reason.FORMULA: "formula without a saved value",
    Reason.UNKNOWN_CLASS: "no prediction column for this class",
    Reason.NEGATIVE_PROBABILITY: "probability below 0",
    Reason.PROBABILITY_ABOVE_ONE: "probability above 1",
    Reason.ZERO_SUM: "the probabilities sum to 0 and cannot be renormalised",
    Reason.SUM_NOT_ONE: "the probabilities do not sum to 1 (used as given)",
    Reason.RENORMALIZED: "the probabilities did not sum to 1 (renormalised)",
}

_SHORT = {
    Reason.MISSING: "missing",
    Reason.PROBABILITY_RANGE: "outside [0, 1]",
    Reason.LABEL: "not 0 or 1",
    Reason.SOFT_LABEL_RANGE: "outside [0, 1]",
    Reason.NEGATIVE_WEIGHT: "negative",
    Reason.NOT_FINITE: "not finite",
    Reason.UNKNOWN_CLASS: "not a class",
    Reason.NEGATIVE_PROBABILITY: "below 0",
    Reason.PROBABILITY_ABOVE_ONE: "above 1",
    Reason.ZERO_SUM: "sum to 0",
    Reason.SUM_NOT_ONE: "sum ≠ 1",
    Reason.RENORMALIZED: "renormalised",
}

#: The pseudo-role of problems of a whole row (``Dataset.row_problems``), reported first.
ROW = "row"
ROW_COLUMN = "(whole row)"
#: The pseudo-column of a K-class row whose probabilities sum to 0 and cannot be renormalised.
SUM_KEY = "(row sum)"


@dataclass(frozen=True)
class Issue:
    """One unusable cell: 0-based data row, role, the column's header, the text, the reason."""

    row: int
    role: str
    column: str
    value: str
    reason: str


@dataclass
class Validity:
    """Reason codes per checked column, and the resulting mask of usable rows.

    A K-class table also has ``notes``: per row, ``Reason.SUM_NOT_ONE`` or
    ``Reason.RENORMALIZED`` for a usable row whose probabilities do not sum to 1 (0 for the
    others), with the rows' ``sums``; a note never excludes a row.
    """

    codes: dict[str, np.ndarray]
    valid: np.ndarray
    #: Role -> column name (``Dataset.column_names``), so that a cell can be asked for by role.
    names: dict[str, str] = field(default_factory=dict)
    notes: np.ndarray | None = None
    sums: np.ndarray | None = None

    @property
    def n_off_sum(self) -> int:
        """Usable rows whose probabilities do not sum to 1 (K classes; 0 otherwise)."""
        return 0 if self.notes is None else int(np.count_nonzero(self.notes))

    @property
    def renormalized(self) -> bool:
        """Rows not summing to 1 are divided by their sum (else used as given)."""
        return self.notes is not None and bool(np.any(self.notes == Reason.RENORMALIZED))

    def off_sum_rows(self, limit: int | None = None) -> np.ndarray:
        """0-based usable rows whose probabilities do not sum to 1, the first ``limit``."""
        if self.notes is None:
            return np.empty(0, dtype=np.int64)
        rows = np.flatnonzero(self.notes)
        return rows if limit is None else rows[:limit]

    def note(self, row: int) -> str:
        """The note on a usable row whose probabilities do not sum to 1 ('' for the others)."""
        if self.notes is None or not self.notes[row]:
            return ""
        return sum_note(float(self.sums[row]), self.notes[row] == Reason.RENORMALIZED)

    @property
    def n_invalid(self) -> int:
        return int(self.valid.size - np.count_nonzero(self.valid))

    @property
    def all_valid(self) -> bool:
        return bool(self.valid.all())

    def invalid_rows(self) -> np.ndarray:
        return np.flatnonzero(~self.valid)

    def reason(self, column: str, row: int) -> Reason:
        """The reason code of a cell (``column``: a role, a column's name, or ``ROW``)."""
        codes = self.codes.get(self.names.get(column, column))
        return Reason.OK if codes is None else Reason(int(codes[row]))

    def issues(self, dataset: Dataset, limit: int | None = None) -> list[Issue]:
        """The unusable cells in row order (then column order), at most ``limit`` of them."""
        out: list[Issue] = []
        rows = self.invalid_rows()
        checked = [name for name in self.codes if name not in (ROW, SUM_KEY)]
        if SUM_KEY in self.codes:
            checked.append(SUM_KEY)
        for row in rows:
            if self.reason(ROW, int(row)) != Reason.OK:
                problem = dataset.row_problems.get(int(row), Reason.ROW_SHAPE.message)
                out.append(Issue(row=int(row), role=ROW, column=ROW_COLUMN, value="", reason=problem))
                if limit is not None and len(out) >= limit:
                    return out
            for name in checked:
                code = self.reason(name, int(row))
                if code == Reason.OK:
                    continue
                out.append(_issue(dataset, name, int(row), code))
                if limit is not None and len(out) >= limit:
                    return out
        return out


def _issue(dataset: Dataset, name: str, row: int, code: Reason) -> Issue:
    if name == SUM_KEY:  # a K-class row's probabilities, together
        return Issue(row=row, role="predicted", column=", ".join(dataset.schema.model.columns),
                     value="0", reason=code.message)
    col = dataset.columns[name]
    value = col.cell_text(row) if isinstance(col, NumericColumn) else str(col[row])
    return Issue(row=row, role=dataset.schema.role_of(name) or name, column=name, value=value,
                 reason=code.message)


def sum_note(row_sum: float, renormalized: bool) -> str:
    """The note on a K-class row whose probabilities do not sum to 1, with its sum."""
    what = "renormalised" if renormalized else "used as given"
    return f"the probabilities sum to {row_sum:.10g}, not 1 ({what})"


def _text_mask(column: NumericColumn) -> np.ndarray:
    mask = np.zeros(len(column), dtype=bool)
    if column.text:
        mask[np.fromiter(column.text.keys(), dtype=np.int64, count=len(column.text))] = True
    return mask


def _base_codes(column: NumericColumn) -> tuple[np.ndarray, np.ndarray]:
    """Codes for empty and non-numeric cells; also returns the NaN mask."""
    v = column.values
    nan = np.isnan(v)
    codes = np.zeros(v.size, dtype=np.uint8)
    if nan.any():
        codes[nan] = Reason.MISSING
        codes[nan & _text_mask(column)] = Reason.NOT_A_NUMBER
        # A spreadsheet formula saved without its result (or typed as one): say so.
        formulas = [row for row, text in column.text.items() if text.startswith("=")]
        if formulas:
            codes[np.asarray(formulas, dtype=np.int64)] = Reason.FORMULA
    return codes, nan


def _all_usable(ok: np.ndarray) -> np.ndarray | None:
    """All-zero codes when every cell passed (the common case: one test pass, no code pass)."""
    return np.zeros(ok.size, dtype=np.uint8) if ok.all() else None


def validate_actual(column: NumericColumn, soft_labels: bool = False) -> np.ndarray:
    """Binary labels: 0 or 1 (anything in [0, 1] with ``soft_labels``). (A K-class actual
    column is checked against its classes by :mod:`~bce_gui.core.categorical`.)"""
    v = column.values
    with np.errstate(invalid="ignore"):  # NaN fails both tests
        ok = ((v >= 0.0) & (v <= 1.0)) if soft_labels else ((v == 0.0) | (v == 1.0))
    if (fast := _all_usable(ok)) is not None:
        return fast
    codes, nan = _base_codes(column)
    with np.errstate(invalid="ignore"):
        if soft_labels:
            bad = ~nan & ~((v >= 0.0) & (v <= 1.0))
            codes[bad] = Reason.SOFT_LABEL_RANGE
        else:
            bad = ~nan & (v != 0.0) & (v != 1.0)
            codes[bad] = Reason.LABEL
    return codes


def validate_predicted(column: NumericColumn, logits: bool = False) -> np.ndarray:
    v = column.values
    with np.errstate(invalid="ignore"):
        ok = np.isfinite(v) if logits else ((v >= 0.0) & (v <= 1.0))
    if (fast := _all_usable(ok)) is not None:
        return fast
    codes, nan = _base_codes(column)
    with np.errstate(invalid="ignore"):
        if logits:
            codes[~nan & ~np.isfinite(v)] = Reason.NOT_FINITE
        else:
            codes[~nan & ~((v >= 0.0) & (v <= 1.0))] = Reason.PROBABILITY_RANGE
    return codes


def validate_weight(column: NumericColumn) -> np.ndarray:
    v = column.values
    with np.errstate(invalid="ignore"):
        ok = np.isfinite(v) & (v >= 0.0)
    if (fast := _all_usable(ok)) is not None:
        return fast
    codes, nan = _base_codes(column)
    with np.errstate(invalid="ignore"):
        codes[~nan & ~np.isfinite(v)] = Reason.NOT_FINITE
        codes[np.isfinite(v) & (v < 0.0)] = Reason.NEGATIVE_WEIGHT
    return codes


def column_checks(dataset: Dataset, *, logits: bool = False, soft_labels: bool = False):
    """(column name, check) for every column the loss reads of a binary table, in the table's
    order: the actual class, each model's predictions, the weight. ``check(column)`` gives its
    reason codes. (A K-class table is checked row by row: :mod:`~bce_gui.core.categorical`.)"""
    s = dataset.schema
    checks = [(s.actual, lambda col: validate_actual(col, soft_labels))]
    checks += [(c, lambda col: validate_predicted(col, logits)) for c in s.prediction_columns]
    if s.weight is not None:
        checks.append((s.weight, validate_weight))
    return checks


def valid_rows(codes: dict[str, np.ndarray], rows=slice(None)) -> np.ndarray:
    """The rows whose every checked cell (and the row itself) is usable."""
    it = iter(codes.values())
    ok = next(it)[rows] == 0
    for c in it:
        ok &= c[rows] == 0
    return ok


def validate(dataset: Dataset, *, logits: bool = False, soft_labels: bool = False,
             options=None) -> Validity:
    """Check every cell of the columns the loss uses (codes keyed by column name). A K-class
    table is checked under ``options`` (its loss options: renormalising, Keras)."""
    if not dataset.schema.task.is_binary:
        from .categorical import check_rows
        from .loss import LossOptions

        opts = options if options is not None else LossOptions(logits=logits)
        return categorical_validity(dataset, check_rows(dataset, opts))
    codes = {name: check(dataset.columns[name])
             for name, check in column_checks(dataset, logits=logits, soft_labels=soft_labels)}
    if dataset.row_problems:
        codes[ROW] = row_codes(dataset, np.arange(len(dataset)))
    return Validity(codes=codes, valid=valid_rows(codes), names=dataset.column_names)


def categorical_validity(dataset: Dataset, checks) -> Validity:
    """The :class:`Validity` of a K-class table from its checks
    (:class:`~bce_gui.core.categorical.CategoricalChecks` of every row)."""
    codes = dict(checks.codes)
    if dataset.row_problems:
        codes[ROW] = row_codes(dataset, np.arange(len(dataset)))
    valid = valid_rows(codes)
    notes = np.where(valid & checks.off_sum, np.uint8(checks.note_code), np.uint8(0))
    return Validity(codes=codes, valid=valid, names=dataset.column_names, notes=notes,
                    sums=checks.sums)


def row_codes(dataset: Dataset, rows: np.ndarray) -> np.ndarray:
    """ROW_SHAPE for the given rows that have a row problem, else OK."""
    problems = dataset.row_problems
    return np.array([Reason.ROW_SHAPE if int(r) in problems else Reason.OK for r in rows.tolist()],
                    dtype=np.uint8) if problems else np.zeros(rows.size, dtype=np.uint8)
