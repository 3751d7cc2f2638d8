"""The observations: one object holding the columns the loss is computed from.

A ``Dataset`` is the single source of truth for the data. Numeric columns are float64 numpy
arrays (NaN where a cell is empty or not a number); what the user actually typed into a cell that
is not a number is kept beside the array, so nothing is ever lost or silently changed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .formatting import fmt_number

#: Text columns (IDs, extra columns) use numpy's variable-width UTF-8 string dtype: 16 bytes per
#: cell for text up to 15 bytes (IDs usually are), against ~65 for an array of Python str objects.
#: An empty cell is "" (the dtype has no missing-value marker, so sorting stays possible).
TEXT = np.dtypes.StringDType()


def text_array(values) -> np.ndarray:
    """A writable, owned text column from any sequence (None and NaN-free objects become "")."""
    if isinstance(values, np.ndarray) and values.dtype == TEXT:
        return values.copy() if not values.flags.writeable or values.base is not None else values
    arr = np.asarray(values, dtype=object) if not isinstance(values, np.ndarray) else values
    if arr.dtype == object:
        missing = np.equal(arr, None)
        if missing.any():
            arr = arr.copy()
            arr[missing] = ""
    return arr.astype(TEXT)


def empty_text(count: int) -> np.ndarray:
    return np.full(count, "", dtype=TEXT)


#: Significant digits of a number shown in a table cell, a report or a tooltip.
DISPLAY_DIGITS = 6

ROLES = ("id", "actual", "predicted", "weight")
ROLE_TITLES = {"id": "ID", "actual": "Actual", "predicted": "Predicted", "weight": "Weight"}


def number_text(v: float) -> str:
    """A stored number as a person would type it: 2 not 2.0, 0.94 not 0.93999999999999995."""
    if np.isnan(v):
        return ""
    if v.is_integer() and abs(v) < 1e16:
        return str(int(v))
    return repr(v)


def parse_cell(text: str) -> tuple[float, str | None]:
    """Read what a user typed into a number cell.

    Returns ``(value, None)`` for a number (a lone decimal comma is accepted: ``0,94``),
    ``(nan, None)`` for an empty cell, ``(±inf, text)`` for a number too large for a float
    (``1e400``), and ``(nan, text)`` for anything else, so the text is kept and reported
    instead of being lost.
    """
    t = text.strip()
    if not t:
        return math.nan, None
    candidate = t.replace(",", ".") if (t.count(",") == 1 and "." not in t) else t
    if "_" in candidate:
        return math.nan, t
    try:
        v = float(candidate)
    except ValueError:
        return math.nan, t
    if math.isnan(v):
        return math.nan, t
    if math.isinf(v):
        return v, t  # "1e400" is kept as typed (the number alone would show as "inf")
    return v, None


def parse_cells(texts: list[str]) -> "ColumnRows":
    """:func:`parse_cell` over many cells at once (a pasted column of 100,000 numbers).

    numpy converts a list of plain numbers in one call; only the cells that call cannot take
    (empty, text, a decimal comma) or that Python's float() reads differently from
    :func:`parse_cell` ('nan', '1_000') go through :func:`parse_cell` one by one.
    """
    n = len(texts)
    try:
        values = np.array(texts, dtype=np.float64) if n else np.empty(0)
        # NaN: empty, text or 'nan'; inf: '1e400' is kept as typed (see parse_cell)
        recheck = np.flatnonzero(~np.isfinite(values)).tolist()
        if "_" in "".join(texts):
            recheck = sorted(set(recheck) | {i for i, t in enumerate(texts) if "_" in t})
    except ValueError:
        values = np.empty(n, dtype=np.float64)
        recheck = range(n)
    text: dict[int, str] = {}
    for i in recheck:
        v, bad = parse_cell(texts[i])
        values[i] = v
        if bad is not None:
            text[i] = bad
    return ColumnRows(values, text)


@dataclass
class ColumnRows:
    """Cells of some rows of a column (taken for undo, or parsed from a paste): their values and
    the texts of the cells that are not numbers (keyed by position in ``values``)."""

    values: np.ndarray
    text: dict[int, str]


@dataclass
class NumericColumn:
    """A float64 column plus the text of the cells that are not numbers.

    ``values[i]`` is NaN both for an empty cell and for text such as ``abc``; ``text[i]`` holds
    ``"abc"`` in the second case, so validation can tell the two apart and the UI can show what
    was typed. ``text`` also keeps what was typed for a number that is not finite (``1e400``,
    whose value is inf).
    """

    values: np.ndarray
    text: dict[int, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.values = np.ascontiguousarray(self.values, dtype=np.float64)
        if not self.values.flags.writeable:
            # Readers may hand out read-only zero-copy views; the column must be editable.
            self.values = self.values.copy()

    def __len__(self) -> int:
        return int(self.values.size)

    def cell_text(self, row: int) -> str:
        """The cell as the user would see it: the typed text, or the number, or ''."""
        if row in self.text:
            return self.text[row]
        return number_text(float(self.values[row]))

    def display_text(self, row: int, digits: int = DISPLAY_DIGITS) -> str:
        """The cell as a table shows it: the typed text, a whole number in full, any other
        number to ``digits`` significant digits (the value keeps every digit)."""
        if row in self.text:
            return self.text[row]
        v = float(self.values[row])
        if math.isnan(v) or (v.is_integer() and abs(v) < 1e15):
            return number_text(v)
        return fmt_number(v, digits)

    @classmethod
    def from_floats(cls, values) -> "NumericColumn":
        return cls(np.asarray(values, dtype=np.float64))

    def set_cell(self, row: int, text: str) -> None:
        value, bad = parse_cell(text)
        self.values[row] = value
        if bad is None:
            self.text.pop(row, None)
        else:
            self.text[row] = bad

    def insert(self, at: int, count: int) -> None:
        """Insert ``count`` empty cells before row ``at``."""
        self.values = np.insert(self.values, at, np.full(count, np.nan))
        if self.text:
            self.text = {(r + count if r >= at else r): t for r, t in self.text.items()}

    def take(self, rows: np.ndarray) -> ColumnRows:
        """Copy the given rows (sorted, unique) without changing the column."""
        return ColumnRows(
            values=self.values[rows].copy(),
            text={i: self.text[int(r)] for i, r in enumerate(rows) if int(r) in self.text},
        )

    def put(self, rows: np.ndarray, cells: ColumnRows) -> None:
        """Write ``cells`` into ``rows`` (unique; in the order of ``cells``)."""
        self.values[rows] = cells.values
        if self.text:  # the old texts of these rows go (walk the smaller of the two)
            targets = set(np.asarray(rows).tolist())
            for r in [r for r in self.text if r in targets] if len(self.text) < len(targets) else targets:
                self.text.pop(r, None)
        for i, t in cells.text.items():
            self.text[int(rows[i])] = t

    def delete(self, rows: np.ndarray) -> None:
        """Delete the given rows (sorted, unique)."""
        self.values = np.delete(self.values, rows)
        if self.text:
            gone = set(int(r) for r in rows)
            kept = {r: t for r, t in self.text.items() if r not in gone}
            self.text = {r - int(np.searchsorted(rows, r)): t for r, t in kept.items()}

    def restore(self, rows: np.ndarray, cells: ColumnRows) -> None:
        """Put back rows taken by :meth:`take` and removed by :meth:`delete`."""
        self.values = np.insert(self.values, rows - np.arange(rows.size), cells.values)
        if self.text or cells.text:
            # Shift the surviving texts up past the restored rows, then add the restored ones.
            shifted = {}
            for r, t in self.text.items():
                # r is a position in the reduced column; find its position in the full one.
                k = int(np.searchsorted(rows - np.arange(rows.size), r, side="right"))
                shifted[r + k] = t
            for i, t in cells.text.items():
                shifted[int(rows[i])] = t
            self.text = shifted


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
    #: The file's header, in its order (None for a file without a header or a new table).
    header_order: list[str] | None = None
    #: Rows the file itself got wrong, with why (0-based data row -> "4 fields, header has 3"):
    #: such a row is listed as invalid and left out of the loss, however its cells read.
    row_problems: dict[int, str] = field(default_factory=dict)

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
        # Readers may hand out read-only arrays; every column must be editable in place.
        if self.ids is not None:
            self.ids = text_array(self.ids)
        for name, col in self.extras.items():
            self.extras[name] = text_array(col)

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

    def id_texts(self) -> list[str] | None:
        """Every ID as a Python list of str ("" where empty), or None without an ID column."""
        return None if self.ids is None else self.ids.tolist()

    # ----------------------------------------------------------------------------------------
    # Editing (the UI's undo commands call these; they keep every column the same length)
    # ----------------------------------------------------------------------------------------

    def column(self, role: str) -> NumericColumn:
        col = getattr(self, role) if role in ("actual", "predicted", "weight") else None
        if col is None:
            raise KeyError(f"no numeric column {role!r}")
        return col

    def cell_text(self, role: str, row: int) -> str:
        """What a cell shows for editing: the typed text, the number, or ''."""
        if role == "id":
            return "" if self.ids is None else str(self.ids[row])
        return self.column(role).cell_text(row)

    def set_cell_text(self, role: str, row: int, text: str) -> None:
        if role == "id":
            if self.ids is None:
                self.ids = empty_text(len(self))
            self.ids[row] = text
            return
        self.column(role).set_cell(row, text)

    def read_cells(self, rows: np.ndarray, roles) -> "CellBlock":
        """The cells of ``rows`` in these roles (for undo of a block write)."""
        rows = np.asarray(rows, dtype=np.int64)
        numbers = {r: self.column(r).take(rows) for r in roles if r != "id"}
        ids = None
        if "id" in roles:
            ids = empty_text(rows.size) if self.ids is None else self.ids[rows].copy()
        return CellBlock(numbers=numbers, ids=ids)

    def write_cells(self, rows: np.ndarray, block: "CellBlock") -> None:
        """Write a block of cells into ``rows`` (unique data rows, in the block's order)."""
        rows = np.asarray(rows, dtype=np.int64)
        for role, cells in block.numbers.items():
            self.column(role).put(rows, cells)
        if block.ids is not None:
            if self.ids is None:
                self.ids = empty_text(len(self))
            self.ids[rows] = block.ids

    def _numeric_columns(self) -> list[NumericColumn]:
        return [c for c in (self.actual, self.predicted, self.weight) if c is not None]

    def insert_rows(self, at: int, count: int = 1) -> None:
        """Insert ``count`` empty rows before row ``at`` (``at == len(self)`` appends)."""
        for col in self._numeric_columns():
            col.insert(at, count)
        if self.ids is not None:
            self.ids = np.insert(self.ids, at, empty_text(count))
        for name, col in self.extras.items():
            self.extras[name] = np.insert(col, at, empty_text(count))
        if self.row_problems:
            self.row_problems = {(r + count if r >= at else r): t for r, t in self.row_problems.items()}
        self.source_rows = None

    def take_rows(self, rows: np.ndarray) -> "RowsSnapshot":
        rows = np.unique(np.asarray(rows, dtype=np.int64))
        return RowsSnapshot(
            rows=rows,
            columns={
                role: getattr(self, role).take(rows)
                for role in ("actual", "predicted", "weight")
                if getattr(self, role) is not None
            },
            ids=None if self.ids is None else self.ids[rows].copy(),
            extras={name: col[rows].copy() for name, col in self.extras.items()},
            row_problems={i: self.row_problems[int(r)] for i, r in enumerate(rows)
                          if int(r) in self.row_problems},
        )

    def delete_rows(self, rows: np.ndarray) -> "RowsSnapshot":
        """Delete rows and return what is needed to put them back."""
        snap = self.take_rows(rows)
        for role, _cells in snap.columns.items():
            getattr(self, role).delete(snap.rows)
        if self.ids is not None:
            self.ids = np.delete(self.ids, snap.rows)
        for name in self.extras:
            self.extras[name] = np.delete(self.extras[name], snap.rows)
        if self.row_problems:
            gone = set(snap.rows.tolist())
            self.row_problems = {r - int(np.searchsorted(snap.rows, r)): t
                                 for r, t in self.row_problems.items() if r not in gone}
        self.source_rows = None
        return snap

    def restore_rows(self, snap: "RowsSnapshot") -> None:
        positions = snap.rows - np.arange(snap.rows.size)
        for role, cells in snap.columns.items():
            getattr(self, role).restore(snap.rows, cells)
        if self.ids is not None and snap.ids is not None:
            self.ids = np.insert(self.ids, positions, snap.ids)
        for name, values in snap.extras.items():
            self.extras[name] = np.insert(self.extras[name], positions, values)
        if self.row_problems or snap.row_problems:
            shifted = {}
            for r, t in self.row_problems.items():
                k = int(np.searchsorted(positions, r, side="right"))
                shifted[r + k] = t
            for i, t in snap.row_problems.items():
                shifted[int(snap.rows[i])] = t
            self.row_problems = shifted
        self.source_rows = None

    def add_weight_column(self, fill: float = 1.0) -> None:
        self.weight = NumericColumn(np.full(len(self), fill, dtype=np.float64))
        self.column_names["weight"] = self.column_names.get("weight") or "Weight"

    def remove_weight_column(self) -> NumericColumn | None:
        col, self.weight = self.weight, None
        return col

    @classmethod
    def empty(cls) -> "Dataset":
        return cls.from_arrays(np.empty(0), np.empty(0))

    @classmethod
    def from_arrays(cls, actual, predicted, weights=None, ids=None) -> "Dataset":
        """Build a dataset from plain arrays (scripts, tests, the worked example)."""
        return cls(
            actual=NumericColumn.from_floats(actual),
            predicted=NumericColumn.from_floats(predicted),
            weight=None if weights is None else NumericColumn.from_floats(weights),
            ids=None if ids is None else text_array(ids),
        )


@dataclass
class CellBlock:
    """Cells for some rows, by role: numbers parsed (kept as typed when not a number), IDs as text.

    What a paste writes, and what it overwrote (for undo): numpy arrays, not a Python object
    per cell, so a block of 100,000 rows costs a few megabytes.
    """

    numbers: dict[str, ColumnRows]
    ids: np.ndarray | None = None

    @classmethod
    def parse(cls, columns: dict[str, list[str]]) -> "CellBlock":
        """From the texts of each role's cells (a pasted block, one list per role)."""
        numbers = {role: parse_cells([t.strip() for t in texts])
                   for role, texts in columns.items() if role != "id"}
        ids = None
        if "id" in columns:
            ids = np.strings.strip(np.asarray(columns["id"], dtype=TEXT)) if columns["id"] else empty_text(0)
        return cls(numbers=numbers, ids=ids)

    @property
    def roles(self) -> list[str]:
        return [*(["id"] if self.ids is not None else []), *self.numbers]

    def __len__(self) -> int:
        if self.ids is not None:
            return int(self.ids.size)
        return next((int(c.values.size) for c in self.numbers.values()), 0)


@dataclass
class RowsSnapshot:
    """Rows removed from a dataset, enough to restore them exactly (undo of a deletion)."""

    rows: np.ndarray
    columns: dict[str, ColumnRows]
    ids: np.ndarray | None
    extras: dict[str, np.ndarray]
    row_problems: dict[int, str] = field(default_factory=dict)
