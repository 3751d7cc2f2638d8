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
    #: A categorical task: the actual class is none of the classes (no column predicts it).
    UNKNOWN_CLASS = 18

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
}

_SHORT = {
    Reason.MISSING: "missing",
    Reason.PROBABILITY_RANGE: "outside [0, 1]",
    Reason.LABEL: "not 0 or 1",
    Reason.SOFT_LABEL_RANGE: "outside [0, 1]",
    Reason.NEGATIVE_WEIGHT: "negative",
    Reason.NOT_FINITE: "not finite",
    Reason.UNKNOWN_CLASS: "not a class",
}

#: The pseudo-role of problems of a whole row (``Dataset.row_problems``), reported first.
ROW = "row"
ROW_COLUMN = "(whole row)"


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
    """Reason codes per checked column, and the resulting mask of usable rows."""

    codes: dict[str, np.ndarray]
    valid: np.ndarray
    #: Role -> column name (``Dataset.column_names``), so that a cell can be asked for by role.
    names: dict[str, str] = field(default_factory=dict)

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
        checked = [name for name in self.codes if name != ROW]
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
                out.append(
                    Issue(
                        row=int(row),
                        role=dataset.schema.role_of(name) or name,
                        column=name,
                        value=dataset.columns[name].cell_text(int(row)),
                        reason=code.message,
                    )
                )
                if limit is not None and len(out) >= limit:
                    return out
        return out


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


def validate_actual(column: NumericColumn, soft_labels: bool = False,
                    classes: tuple | None = None) -> np.ndarray:
    """Binary labels (0 or 1; anything in [0, 1] with ``soft_labels``), or for a categorical
    task one of its ``classes`` (numbers)."""
    v = column.values
    if classes is not None:
        ok = np.isin(v, np.asarray(classes, dtype=np.float64))
        if (fast := _all_usable(ok)) is not None:
            return fast
        codes, nan = _base_codes(column)
        codes[~nan & ~ok] = Reason.UNKNOWN_CLASS
        return codes
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
    """(column name, check) for every column the loss reads, in the table's order: the actual
    class, each model's predictions, the weight. ``check(column)`` gives its reason codes."""
    s = dataset.schema
    classes = None if s.task.is_binary else tuple(float(c) for c in s.task.classes)
    checks = [(s.actual, lambda col: validate_actual(col, soft_labels, classes))]
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


def validate(dataset: Dataset, *, logits: bool = False, soft_labels: bool = False) -> Validity:
    """Check every cell of the columns the loss uses (codes keyed by column name)."""
    codes = {name: check(dataset.columns[name])
             for name, check in column_checks(dataset, logits=logits, soft_labels=soft_labels)}
    if dataset.row_problems:
        codes[ROW] = row_codes(dataset, np.arange(len(dataset)))
    return Validity(codes=codes, valid=valid_rows(codes), names=dataset.column_names)


def row_codes(dataset: Dataset, rows: np.ndarray) -> np.ndarray:
    """ROW_SHAPE for the given rows that have a row problem, else OK."""
    problems = dataset.row_problems
    return np.array([Reason.ROW_SHAPE if int(r) in problems else Reason.OK for r in rows.tolist()],
                    dtype=np.uint8) if problems else np.zeros(rows.size, dtype=np.uint8)
