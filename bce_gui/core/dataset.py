"""The observations: one object holding the columns the loss is computed from.

A ``Dataset`` is the single source of truth for the data. Numeric columns are float64 numpy
arrays (NaN where a cell is empty or not a number); what the user actually typed into a cell that
is not a number is kept beside the array, so nothing is ever lost or silently changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

ROLES = ("id", "actual", "predicted", "weight")
ROLE_TITLES = {"id": "ID", "actual": "Actual", "predicted": "Predicted", "weight": "Weight"}


def number_text(v: float) -> str:
    """A stored number as a person would type it: 2 not 2.0, 0.94 not 0.93999999999999995."""
    if np.isnan(v):
        return ""
    if v.is_integer() and abs(v) < 1e16:
        return str(int(v))
    return repr(v)


@dataclass
class NumericColumn:
    """A float64 column plus the text of the cells that are not numbers.

    ``values[i]`` is NaN both for an empty cell and for text such as ``abc``; ``text[i]`` holds
    ``"abc"`` in the second case, so validation can tell the two apart and the UI can show what
    was typed.
    """

    values: np.ndarray
    text: dict[int, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.values = np.ascontiguousarray(self.values, dtype=np.float64)

    def __len__(self) -> int:
        return int(self.values.size)

    def cell_text(self, row: int) -> str:
        """The cell as the user would see it: the typed text, or the number, or ''."""
        if row in self.text:
            return self.text[row]
        return number_text(float(self.values[row]))

    @classmethod
    def from_floats(cls, values) -> "NumericColumn":
        return cls(np.asarray(values, dtype=np.float64))


@dataclass
class Dataset:
    """Observations: ID, actual class, predicted probability (or logit), optional weight.

    ``extras`` keeps any other columns of an imported file, as text, in their original order, so
    that a save writes them back. ``source_rows`` maps each data row to the row number a
    spreadsheet shows for it (header = row 1); ``None`` means row i is shown as ``first_row + i``.
    """

    actual: NumericColumn
    predicted: NumericColumn
    weight: NumericColumn | None = None
    ids: np.ndarray | None = None
    extras: dict[str, np.ndarray] = field(default_factory=dict)
    column_names: dict[str, str] = field(default_factory=dict)
    source_rows: np.ndarray | None = None
    first_row: int = 2

    def __post_init__(self) -> None:
        n = len(self.actual)
        lengths = {"actual": n, "predicted": len(self.predicted)}
        if self.weight is not None:
            lengths["weight"] = len(self.weight)
        if self.ids is not None:
            lengths["id"] = len(self.ids)
        for name, col in self.extras.items():
            lengths[name] = len(col)
        if len(set(lengths.values())) > 1:
            raise ValueError(f"columns differ in length: {lengths}")
        for role in ROLES:
            self.column_names.setdefault(role, ROLE_TITLES[role])

    def __len__(self) -> int:
        return len(self.actual)

    @property
    def weights(self) -> np.ndarray | None:
        return None if self.weight is None else self.weight.values

    def spreadsheet_row(self, row: int) -> int:
        """The row number a spreadsheet shows for data row ``row`` (0-based)."""
        if self.source_rows is not None:
            return int(self.source_rows[row])
        return self.first_row + int(row)

    def id_text(self, row: int) -> str:
        if self.ids is None:
            return str(row + 1)
        return str(self.ids[row])

    @classmethod
    def from_arrays(cls, actual, predicted, weights=None, ids=None) -> "Dataset":
        """Build a dataset from plain arrays (scripts, tests, the worked example)."""
        return cls(
            actual=NumericColumn.from_floats(actual),
            predicted=NumericColumn.from_floats(predicted),
            weight=None if weights is None else NumericColumn.from_floats(weights),
            ids=None if ids is None else np.asarray(ids, dtype=object),
        )
