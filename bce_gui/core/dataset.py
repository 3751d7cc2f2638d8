"""The observations: one object holding the columns the loss is computed from.

A ``Dataset`` is the single source of truth for the data. Numeric columns are float64 numpy
arrays (NaN where a cell is empty or not a number); what the user actually typed into a cell that
is not a number is kept beside the array, so nothing is ever lost or silently changed.
"""

from __future__ import annotations

import math
from collections.abc import MutableMapping
from dataclasses import dataclass, field, replace

import numpy as np

from .formatting import fmt_number, looks_grouped, number_style
from .schema import ACTUAL, ID, PREDICTED, ROLE_TITLES, WEIGHT, Schema

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



def number_text(v: float) -> str:
    """A stored number as a person would type it: 2 not 2.0, 0.94 not 0.93999999999999995."""
    if np.isnan(v):
        return ""
    if v.is_integer() and abs(v) < 1e16:
        return str(int(v))
    return repr(v)


def parse_cell(text: str) -> tuple[float, str | None]:
    """Read what a user typed into a number cell.

    Returns ``(value, None)`` for a number (a lone decimal comma is accepted: ``0,94``; but a
    whole number grouped with the mark that is not the window's decimal mark, ``1,000`` where it
    is '.' or ``1.000`` where it is ',', is a thousand as likely as one, so it is kept as text),
    ``(nan, None)`` for an empty cell, ``(±inf, text)`` for a number too large for a float
    (``1e400``), and ``(nan, text)`` for anything else, so the text is kept and reported
    instead of being lost.
    """
    t = text.strip()
    if not t:
        return math.nan, None
    if looks_grouped(t):
        # "1,000" where '.' is the decimal mark, "1.000" where ',' is: a thousand with a group
        # separator as likely as one (Excel copies formatted weights so): kept as typed and
        # reported, never read as 1 (a file's cell is refused the same way)
        return math.nan, t
    candidate = t
    if t.count(",") == 1 and "." not in t:
        candidate = t.replace(",", ".")
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
    :func:`parse_cell` ('nan', '1_000', and '1.000' where ',' is the decimal mark) go through
    :func:`parse_cell` one by one.
    """
    n = len(texts)
    try:
        values = np.array(texts, dtype=np.float64) if n else np.empty(0)
        # NaN: empty, text or 'nan'; inf: '1e400' is kept as typed (see parse_cell)
        recheck = np.flatnonzero(~np.isfinite(values)).tolist()
        if "_" in "".join(texts):
            recheck = sorted(set(recheck) | {i for i, t in enumerate(texts) if "_" in t})
        if number_style().decimal == ",":
            # numpy reads "1.000" as 1; in a German window it is a thousand as likely as one.
            # Only 1 <= |v| < 1000 can be such text (several groups do not convert at all).
            with np.errstate(invalid="ignore"):
                span = np.flatnonzero((np.abs(values) >= 1.0) & (np.abs(values) < 1000.0))
            grouped = {i for i in span.tolist() if looks_grouped(texts[i].strip())}
            if grouped:
                recheck = sorted(set(recheck) | grouped)
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


class Dataset:
    """Observations: columns by name, and a :class:`~bce_gui.core.schema.Schema` saying which
    column is the actual class, the predictions of each model, the weight and the ID.

    Numeric columns (the actual class, the predictions, the weight) are :class:`NumericColumn`;
    the ID and every other column of an imported file are text (``TEXT``), kept in the file's
    order so that a save writes them back. ``source_rows`` maps each data row to the row number a
    spreadsheet shows for it (header = row 1); ``None`` means row i is shown as
    ``first_row + i``.

    The roles of a binary table with one model are at hand as properties (:attr:`actual`,
    :attr:`predicted`, :attr:`weight`, :attr:`ids`); every role lookup goes through the schema.
    A *key* naming a column is a role name (``"id"``, ``"actual"``, ``"predicted"``: the first
    model's, ``"weight"``) or a column's name.
    """

    def __init__(self, columns: dict[str, "NumericColumn | np.ndarray"], schema: Schema, *,
                 source_rows: np.ndarray | None = None, first_row: int = 2,
                 header_order: list[str] | None = None,
                 row_problems: dict[int, str] | None = None) -> None:
        self.columns: dict[str, NumericColumn | np.ndarray] = {}
        for name, col in columns.items():
            # Readers may hand out read-only arrays; every column must be editable in place.
            self.columns[name] = col if isinstance(col, NumericColumn) else text_array(col)
        self.schema = schema
        self.source_rows = source_rows
        self.first_row = first_row
        #: The file's header, in its order (None for a file without a header or a new table).
        self.header_order = header_order
        #: Rows the file itself got wrong, with why (0-based data row -> "4 fields, header has
        #: 3"): such a row is listed as invalid and left out of the loss, however its cells read.
        self.row_problems: dict[int, str] = dict(row_problems or {})
        missing = [c for c in schema.role_columns if c not in self.columns]
        if missing:
            raise ValueError(f"the schema names columns the table does not have: {missing}")
        for role, name in schema.roles():
            if role == ACTUAL and not schema.task.is_binary:
                continue  # K classes: labels as numbers or as text
            if (role == ID) == isinstance(self.columns[name], NumericColumn):
                raise ValueError(f"column {name!r} ({role}) must be {'text' if role == ID else 'numbers'}")
        lengths = {name: len(col) for name, col in self.columns.items()}
        if len(set(lengths.values())) > 1:
            raise ValueError(f"columns differ in length: {lengths}")

    @classmethod
    def from_roles(cls, actual: "NumericColumn", predicted: "NumericColumn",
                   weight: "NumericColumn | None" = None, ids=None,
                   extras: dict[str, np.ndarray] | None = None,
                   column_names: dict[str, str] | None = None, *,
                   source_rows: np.ndarray | None = None, first_row: int = 2,
                   header_order: list[str] | None = None,
                   row_problems: dict[int, str] | None = None) -> "Dataset":
        """A binary table with one model, from its role columns (named by ``column_names``:
        role -> name; by default ``ROLE_TITLES``) and any extra text columns."""
        names = {**ROLE_TITLES, **(column_names or {})}
        by_role = {ID: None if ids is None else text_array(ids), ACTUAL: actual,
                   PREDICTED: predicted, WEIGHT: weight}
        present = {role: col for role, col in by_role.items() if col is not None}
        schema = Schema.binary(names[ACTUAL], names[PREDICTED],
                               weight=names[WEIGHT] if weight is not None else None,
                               id=names[ID] if ids is not None else None)
        columns: dict = {names[role]: col for role, col in present.items()}
        for name, col in (extras or {}).items():
            if name in columns:
                raise ValueError(f"extra column {name!r} has the name of a role column")
            columns[name] = col
        if header_order:  # the file's order
            rank = {h: k for k, h in enumerate(header_order)}
            columns = dict(sorted(columns.items(), key=lambda kv: rank.get(kv[0], len(rank))))
        return cls(columns, schema, source_rows=source_rows, first_row=first_row,
                   header_order=header_order, row_problems=row_problems)

    def __len__(self) -> int:
        return len(next(iter(self.columns.values()))) if self.columns else 0

    # -- roles ------------------------------------------------------------------------------

    def name_of(self, key: str) -> str | None:
        """The column a key names (a role, or a column's own name); None for an absent role."""
        s = self.schema
        if key in (ID, ACTUAL, PREDICTED, WEIGHT):
            return {ID: s.id, ACTUAL: s.actual, PREDICTED: s.predicted, WEIGHT: s.weight}[key]
        return key if key in self.columns else None

    @property
    def actual(self) -> "NumericColumn":
        return self.columns[self.schema.actual]

    @property
    def predicted(self) -> "NumericColumn":
        """The first model's (first) prediction column."""
        return self.columns[self.schema.predicted]

    @property
    def weight(self) -> "NumericColumn | None":
        return None if self.schema.weight is None else self.columns[self.schema.weight]

    @property
    def ids(self) -> np.ndarray | None:
        return None if self.schema.id is None else self.columns[self.schema.id]

    @property
    def weights(self) -> np.ndarray | None:
        return None if self.weight is None else self.weight.values

    @property
    def extras(self) -> "MutableMapping[str, np.ndarray]":
        """The text columns with no role, in the table's order (a view: setting a name adds or
        replaces such a column)."""
        return _Extras(self)

    @property
    def column_names(self) -> dict[str, str]:
        """Role -> column name for the roles present (the first model's prediction column)."""
        return {role: name for role in (ID, ACTUAL, PREDICTED, WEIGHT)
                if (name := self.name_of(role)) is not None}

    def model_columns(self, model: int = 0) -> list["NumericColumn"]:
        """A model's prediction columns (one for a binary task, K for a categorical one)."""
        return [self.columns[c] for c in self.schema.models[model].columns]

    # -- rows -------------------------------------------------------------------------------

    def spreadsheet_row(self, row: int) -> int:
        """The row number a spreadsheet shows for data row ``row`` (0-based)."""
        if self.source_rows is not None:
            return int(self.source_rows[row])
        return self.first_row + int(row)

    def data_row_of(self, spreadsheet_row: int) -> int | None:
        """The data row (0-based) a spreadsheet shows as ``spreadsheet_row``, None if none is
        (the inverse of :meth:`spreadsheet_row`)."""
        if self.source_rows is not None:
            hits = np.flatnonzero(self.source_rows == spreadsheet_row)
            return int(hits[0]) if hits.size else None
        row = int(spreadsheet_row) - self.first_row
        return row if 0 <= row < len(self) else None

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

    def column(self, key: str) -> "NumericColumn":
        name = self.name_of(key)
        col = None if name is None else self.columns[name]
        if not isinstance(col, NumericColumn):
            raise KeyError(f"no numeric column {key!r}")
        return col

    def cell_text(self, key: str, row: int) -> str:
        """What a cell shows for editing: the typed text, the number, or ''."""
        name = self.name_of(key)
        if name is None:
            if key == ID:
                return ""
            raise KeyError(f"no column {key!r}")
        col = self.columns[name]
        return col.cell_text(row) if isinstance(col, NumericColumn) else str(col[row])

    def _text_column(self, key: str) -> np.ndarray:
        """A text column to write into; the ID column is made (empty) on first use."""
        if key == ID and self.schema.id is None:
            name = _unique_name("ID", self.columns)
            self.columns[name] = empty_text(len(self))
            self.schema = replace(self.schema, id=name)
        return self.columns[self.name_of(key)]

    def set_cell_text(self, key: str, row: int, text: str) -> None:
        name = self.name_of(key)
        if name is None or not isinstance(self.columns[name], NumericColumn):
            self._text_column(key)[row] = text
            return
        self.columns[name].set_cell(row, text)

    def read_cells(self, rows: np.ndarray, keys) -> "CellBlock":
        """The cells of ``rows`` in these columns (for undo of a block write)."""
        rows = np.asarray(rows, dtype=np.int64)
        numbers = {k: self._cells_of(k, rows) for k in keys if k != ID}
        ids = None
        if ID in keys:
            ids = empty_text(rows.size) if self.ids is None else self.ids[rows].copy()
        return CellBlock(numbers=numbers, ids=ids)

    def _cells_of(self, key: str, rows: np.ndarray) -> "ColumnRows":
        """The cells of ``rows`` of a column as :class:`ColumnRows` (a text column's cells as
        typed text, so that writing them back restores them exactly)."""
        col = self.columns.get(self.name_of(key) or "")
        if col is None or isinstance(col, NumericColumn):
            return self.column(key).take(rows)
        texts = col[rows].tolist()
        return ColumnRows(np.full(rows.size, np.nan), {i: t for i, t in enumerate(texts) if t})

    def write_cells(self, rows: np.ndarray, block: "CellBlock") -> None:
        """Write a block of cells into ``rows`` (unique data rows, in the block's order)."""
        rows = np.asarray(rows, dtype=np.int64)
        for key, cells in block.numbers.items():
            col = self.columns.get(self.name_of(key) or "")
            if isinstance(col, NumericColumn) or col is None:
                self.column(key).put(rows, cells)
            else:  # K classes: labels kept as text
                col[rows] = [cells.text.get(i, number_text(float(v)))
                             for i, v in enumerate(cells.values.tolist())]
        if block.ids is not None:
            self._text_column(ID)[rows] = block.ids

    def insert_rows(self, at: int, count: int = 1) -> None:
        """Insert ``count`` empty rows before row ``at`` (``at == len(self)`` appends)."""
        for name, col in self.columns.items():
            if isinstance(col, NumericColumn):
                col.insert(at, count)
            else:
                self.columns[name] = np.insert(col, at, empty_text(count))
        if self.row_problems:
            self.row_problems = {(r + count if r >= at else r): t for r, t in self.row_problems.items()}
        self.source_rows = None

    def take_rows(self, rows: np.ndarray) -> "RowsSnapshot":
        rows = np.unique(np.asarray(rows, dtype=np.int64))
        return RowsSnapshot(
            rows=rows,
            numbers={n: c.take(rows) for n, c in self.columns.items() if isinstance(c, NumericColumn)},
            texts={n: c[rows].copy() for n, c in self.columns.items() if not isinstance(c, NumericColumn)},
            row_problems={i: self.row_problems[int(r)] for i, r in enumerate(rows)
                          if int(r) in self.row_problems},
        )

    def delete_rows(self, rows: np.ndarray) -> "RowsSnapshot":
        """Delete rows and return what is needed to put them back."""
        snap = self.take_rows(rows)
        for name, col in self.columns.items():
            if isinstance(col, NumericColumn):
                col.delete(snap.rows)
            else:
                self.columns[name] = np.delete(col, snap.rows)
        if self.row_problems:
            gone = set(snap.rows.tolist())
            self.row_problems = {r - int(np.searchsorted(snap.rows, r)): t
                                 for r, t in self.row_problems.items() if r not in gone}
        self.source_rows = None
        return snap

    def restore_rows(self, snap: "RowsSnapshot") -> None:
        positions = snap.rows - np.arange(snap.rows.size)
        for name, cells in snap.numbers.items():
            if name in self.columns:
                self.columns[name].restore(snap.rows, cells)
        for name, values in snap.texts.items():
            if name in self.columns:
                self.columns[name] = np.insert(self.columns[name], positions, values)
        # A column made after the deletion (an ID typed in) gets empty cells back.
        full = max(len(c) for c in self.columns.values())
        for name, col in self.columns.items():
            if len(col) < full:
                if isinstance(col, NumericColumn):
                    col.restore(snap.rows, ColumnRows(np.full(snap.rows.size, np.nan), {}))
                else:
                    self.columns[name] = np.insert(col, positions, empty_text(snap.rows.size))
        if self.row_problems or snap.row_problems:
            shifted = {}
            for r, t in self.row_problems.items():
                k = int(np.searchsorted(positions, r, side="right"))
                shifted[r + k] = t
            for i, t in snap.row_problems.items():
                shifted[int(snap.rows[i])] = t
            self.row_problems = shifted
        self.source_rows = None

    def set_weight_column(self, column: "NumericColumn | None", name: str | None = None) -> None:
        """Install ``column`` as the weight column (named ``name``, or as the weight column last
        was, or "Weight"); None removes it."""
        old = self.schema.weight
        if old is not None:
            del self.columns[old]
            self._weight_name = old
        if column is None:
            self.schema = self.schema.with_weight(None)
            return
        name = name or getattr(self, "_weight_name", None) or _unique_name(ROLE_TITLES[WEIGHT], self.columns)
        self.columns[name] = column
        self.schema = self.schema.with_weight(name)

    def add_weight_column(self, fill: float = 1.0) -> None:
        self.set_weight_column(NumericColumn(np.full(len(self), fill, dtype=np.float64)))

    def remove_weight_column(self) -> "NumericColumn | None":
        col = self.weight
        self.set_weight_column(None)
        return col

    @classmethod
    def empty(cls) -> "Dataset":
        return cls.from_arrays(np.empty(0), np.empty(0))

    @classmethod
    def from_arrays(cls, actual, predicted, weights=None, ids=None) -> "Dataset":
        """Build a binary dataset from plain arrays (scripts, tests, the worked example)."""
        return cls.from_roles(
            actual=NumericColumn.from_floats(actual),
            predicted=NumericColumn.from_floats(predicted),
            weight=None if weights is None else NumericColumn.from_floats(weights),
            ids=None if ids is None else text_array(ids),
        )


class _Extras(MutableMapping):
    """The columns of a dataset that have no role, as a mapping onto its ``columns``."""

    def __init__(self, dataset: Dataset) -> None:
        self._ds = dataset

    def _names(self) -> list[str]:
        roles = set(self._ds.schema.role_columns)
        return [name for name in self._ds.columns if name not in roles]

    def __getitem__(self, name: str) -> np.ndarray:
        if name not in self._names():
            raise KeyError(name)
        return self._ds.columns[name]

    def __setitem__(self, name: str, values) -> None:
        if name in self._ds.schema.role_columns:
            raise KeyError(f"{name!r} is a role's column")
        self._ds.columns[name] = text_array(values)

    def __delitem__(self, name: str) -> None:
        if name not in self._names():
            raise KeyError(name)
        del self._ds.columns[name]

    def __iter__(self):
        return iter(self._names())

    def __len__(self) -> int:
        return len(self._names())


def _unique_name(base: str, taken) -> str:
    name, k = base, 1
    while name in taken:
        k += 1
        name = f"{base}_{k}"
    return name


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
    """Rows removed from a dataset, enough to restore them exactly (undo of a deletion): the
    cells of every numeric and text column, by column name."""

    rows: np.ndarray
    numbers: dict[str, ColumnRows]
    texts: dict[str, np.ndarray]
    row_problems: dict[int, str] = field(default_factory=dict)
