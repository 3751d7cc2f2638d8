"""From a frame of text columns, whichever reader made it, to a :class:`Dataset`.

Header names are tidied, each role (actual, predicted, weight, id) is given its column, the
decimal mark is detected, number columns are converted while the text of every cell that is not
a number is kept (and reported), blank rows are dropped while the other rows keep the numbers
the file shows, records with too many fields become row problems, and the remaining columns
are kept as text. The in-memory read and every block of a streamed one go through these same
functions, so both give the same dataset.
"""

from __future__ import annotations

import numpy as np

from ..columns import (
    ColumnError,
    REQUIRED_ROLES,
    check_distinct,
    headerless_names,
    map_columns,
    missing_role_message,
    numeric_columns,
    other_candidates,
    resolve_column,
)
from ..dataset import TEXT, Dataset, NumericColumn
from ..schema import ACTUAL, ID, NUMERIC_ROLES, PREDICTED, WEIGHT
from .class_columns import categorical_dataset, class_form, class_numeric_names
from .errors import NoDataRows, TableReadError
from .options import ColumnChoice, ImportInfo, ReadOptions, RowWarning
from .text_columns import text_column
from .text_tables import FIELDS_COLUMN, fields_problem, table_columns


def strip_names(frame):
    """The frame with the spaces around its column names stripped (a padded header still maps)."""
    return frame.rename({c: c.strip() for c in frame.columns if c != c.strip()})


def map_frame(frame, info: ImportInfo, options: ReadOptions) -> dict[str, str]:
    """Stage 2: which column is actual, predicted, weight and id (raises if one is missing)."""
    path = info.path
    headers = table_columns(frame)
    if not info.has_header:
        roles = headerless_names(len(headers))
        if roles is None and not options.columns:
            raise TableReadError(
                path,
                f"has no header row and {len(headers)} columns; without a header it must have 2 "
                "columns (actual, predicted) or 3 (id, actual, predicted)",
            )
        overrides = {r: _resolve(path, c, headers) for r, c in options.columns.items() if c}
        mapping = dict(overrides)
        if roles:
            # The positional roles fill the columns no override took, in order: with
            # --actual-column 2 on a two-column file, predicted is column 1 (not column 2 too).
            free = iter(h for h in headers if h not in overrides.values())
            for role in roles:
                if role not in mapping:
                    column = next(free, None)
                    if column is not None:
                        mapping[role] = column
    else:
        try:
            mapping = map_columns(headers, options.columns)
        except ColumnError as exc:
            raise TableReadError(path, str(exc)) from None
    info.class_columns = None
    if class_form(frame, headers, mapping, info, options) is not None:  # K class columns
        info.headers = headers
        info.mapping = dict(mapping)
        if ACTUAL not in mapping:
            raise TableReadError(path, missing_role_message(ACTUAL, headers))
        return mapping
    for role in REQUIRED_ROLES:
        if role not in mapping:
            raise TableReadError(path, missing_role_message(role, headers))
    try:
        check_distinct(mapping)
    except ColumnError as exc:
        raise TableReadError(path, str(exc)) from None
    if info.has_header:
        _warn_other_candidates(headers, mapping, options, info)
    info.headers = headers
    info.mapping = dict(mapping)
    return mapping


#: The key prefix of the warnings :func:`_warn_other_candidates` writes (one per role).
COLUMN_CHOICE = "columns:"


def _warn_other_candidates(headers: list[str], mapping: dict[str, str], options: ReadOptions,
                           info: ImportInfo) -> None:
    """A role found by name while another column's name could be it too (y_pred beside
    y_proba, label beside target): note which was taken (``info.column_choices``, for the
    import preview) and warn, saying how to choose another (``compute`` has no preview)."""
    flags = {ACTUAL: "--actual-column", PREDICTED: "--predicted-column", WEIGHT: "--weight-column",
             ID: "--id-column"}
    what = {ACTUAL: "the actual class", PREDICTED: "the predicted probability",
            WEIGHT: "the weight", ID: "the ID"}
    for role, others in other_candidates(headers, mapping, options.columns).items():
        names = " and ".join(repr(h) for h in others)
        choice = ColumnChoice(tuple(others), mapping[role],
                              f"{names} could also be {what[role]}; {mapping[role]!r} was used")
        info.column_choices[role] = choice
        info.warnings[COLUMN_CHOICE + role] = (
            f"{choice.sentence} (choose another with {flags[role]}, or in the window's import "
            "preview)")


def numeric_names(mapping: dict[str, str], info: ImportInfo) -> list[str]:
    """The columns read as numbers: the roles' (binary), or the actual one if its classes are
    numbers, the class columns and the weight (K classes)."""
    if info.class_columns is not None:
        return class_numeric_names(mapping, info.class_columns)
    return numeric_columns(mapping)


def _resolve(path: str, requested: str, headers: list[str]) -> str:
    try:
        return resolve_column(requested, headers)
    except ColumnError as exc:
        raise TableReadError(path, str(exc)) from None


def frame_to_dataset(frame, info: ImportInfo, mapping: dict[str, str], options: ReadOptions,
                     pending_texts: list | None = None) -> tuple[Dataset, ImportInfo]:
    """Stage 3: text columns to numbers, blank rows dropped, row numbers kept.

    ``pending_texts``: the text columns (IDs, extras) are left empty and (array, polars column)
    pairs appended to this list, for the caller to fill (:func:`fill_texts`) while it works on
    the numbers (:func:`~.read.read_table_while`).
    """
    import polars as pl

    path = info.path
    headers = table_columns(frame)
    options.report(0.8, "Converting numbers")

    # Blank lines (every cell empty) are skipped, but spreadsheet row numbers are kept.
    numeric = numeric_names(mapping, info)
    decimal = options.decimal or detect_decimal(frame, numeric, info)
    info.decimal = decimal
    if info.class_columns is not None:
        return categorical_dataset(frame, info, mapping, options, decimal), info
    actual_values = _first_cast(frame, mapping["actual"], decimal)
    blank = _blank_rows(frame, np.flatnonzero(np.isnan(actual_values)))
    first_row = info.first_line + (1 if info.has_header else 0)
    if decimal == ",":
        for name in numeric:
            _warn_thousands(frame, name, first_row, info)
    source_rows = None
    n_blank = int(blank.size)
    if n_blank:
        keep = np.ones(frame.height, dtype=bool)
        keep[blank] = False
        source_rows = (np.flatnonzero(keep) + first_row).astype(np.int64)
        frame = frame.filter(pl.Series(keep))
        actual_values = actual_values[keep]
    info.n_blank_rows = n_blank
    info.n_rows = frame.height
    if frame.height == 0:
        raise NoDataRows(path, "has a header but no data rows" if info.has_header else "is empty")

    columns = {
        role: numeric_column(frame, mapping[role], decimal,
                             actual_values if role == ACTUAL else None)
        for role in NUMERIC_ROLES if role in mapping
    }

    row_problems: dict[int, str] = {}
    if FIELDS_COLUMN in frame.columns:
        fields = frame.get_column(FIELDS_COLUMN).cast(pl.Float64).fill_null(np.nan).to_numpy()
        expected = len(headers)
        first = "header" if info.has_header else "first row"
        for r in np.flatnonzero(~np.isnan(fields)).tolist():
            row_problems[r] = fields_problem(fields[r], expected, first)
    def text(name: str) -> np.ndarray:
        series = frame.get_column(name)
        if pending_texts is None:
            return _text_column(series, options)
        empty = np.empty(series.len(), dtype=TEXT)  # ("" in every cell until filled)
        pending_texts.append((empty, series))
        return empty

    ids = None
    if options.load_ids and ID in mapping:
        ids = text(mapping[ID])
    extras: dict[str, np.ndarray] = {}
    if options.load_extras:
        used = set(mapping.values())
        for name in headers:
            if name not in used:
                extras[name] = text(name)
    dataset = Dataset.from_roles(
        actual=columns[ACTUAL],
        predicted=columns[PREDICTED],
        weight=columns.get(WEIGHT),
        ids=ids,
        extras=extras,
        # Without a header a column is named by its role, as a header would usually name it.
        column_names={role: mapping[role] if info.has_header else role for role in mapping},
        source_rows=source_rows,
        first_row=first_row,
        header_order=list(headers) if info.has_header else None,
        row_problems=row_problems,
    )
    return dataset, info


def detect_decimal(frame, names: list[str], info: ImportInfo) -> str:
    """',' when more number cells use a decimal comma than a decimal point (and ',' is not the
    delimiter).

    Only cells that are numbers count: a stray text cell such as ``0.5.5`` (or a note with a
    full stop) must not turn every ``0,94`` of a European file into "not a number".
    """
    import polars as pl

    names = [n for n in names if frame.schema[n] == pl.Utf8]
    if not names:
        return "."  # numbers parsed while reading (the fast path) had no decimal comma
    # (A comma-separated file has decimal commas only in quoted cells, "0,9": they count too.)
    comma = r"^\s*[+-]?(\d+,\d*|,\d+)([eE][+-]?\d+)?\s*$"
    point = r"^\s*[+-]?(\d+\.\d*|\.\d+)([eE][+-]?\d+)?\s*$"
    sample = frame.head(10_000)
    stats = sample.select(
        *[pl.col(n).str.contains(comma).sum().alias(f"c{i}") for i, n in enumerate(names)],
        *[pl.col(n).str.contains(point).sum().alias(f"p{i}") for i, n in enumerate(names)],
    ).row(0)
    k = len(names)
    n_comma, n_point = sum(v or 0 for v in stats[:k]), sum(v or 0 for v in stats[k:])
    return "," if n_comma > n_point else "."


#: "1.000" or "12.345.678": a '.' between groups of three digits, no decimal comma.
_THOUSANDS = r"^\s*[+-]?\d{1,3}(\.\d{3})+\s*$"


def _warn_thousands(frame, name: str, first_row: int, info: ImportInfo) -> None:
    """In a file with decimal commas, a cell such as ``1.000`` is read with '.' as the decimal
    point (1.0), yet it may be a thousand written with a '.' separator: say so, naming the
    column and the first such cell (once per column)."""
    import polars as pl

    if name in info.warnings or frame.schema[name] != pl.Utf8:
        return
    hits = frame.get_column(name).str.contains(_THOUSANDS).fill_null(False)
    if not hits.any():
        return
    row = int(hits.arg_max())
    text = frame.get_column(name)[row].strip()
    info.warnings[name] = RowWarning(
        f"column {name!r}: {text!r} (", first_row + row, ") has '.' between groups of three "
        f"digits in a file with decimal commas; it was read as {float(text):g}. If '.' "
        f"separates thousands in this column, correct the file"
    )


def _first_cast(frame, name: str, decimal: str) -> np.ndarray:
    """The column cast to float64 as it is (no stripping): NaN where a cell needs a closer look."""
    import polars as pl

    raw = frame.get_column(name)
    if raw.dtype == pl.Float64:  # parsed while reading (the fast path): nulls are empty cells
        values = raw.fill_null(np.nan).to_numpy()
    else:
        if decimal == ",":
            raw = raw.str.replace_all(",", ".", literal=True)
        values = raw.cast(pl.Float64, strict=False).to_numpy()
    return values.copy() if not values.flags.writeable else values


def numeric_column(frame, name: str, decimal: str, values: np.ndarray | None = None) -> NumericColumn:
    """Parse a text column into float64, remembering the text of cells that are not numbers.

    The whole column is cast once as it is; only the cells that did not parse (empty, padded
    with spaces, text, 'nan') are stripped, cast again and classified. A cell that parses
    unstripped parses to the same number stripped, so the result equals a strip-then-cast of
    every cell at a fraction of the cost.
    """
    import polars as pl

    if values is None:
        values = _first_cast(frame, name, decimal)
    if frame.get_column(name).dtype != pl.Utf8:
        return NumericColumn(values=np.ascontiguousarray(values))  # no text cells: all parsed
    miss = np.isnan(values)
    cells: dict[int, str] = {}
    if miss.any():
        rows = np.flatnonzero(miss)
        sub = frame.get_column(name).gather(rows).str.strip_chars()
        if decimal == ",":
            sub = sub.str.replace_all(",", ".", literal=True)
        again = sub.cast(pl.Float64, strict=False)
        values[rows] = again.fill_null(np.nan).to_numpy()
        bad = (sub.is_not_null() & (sub != "") & (again.is_null() | again.is_nan())).to_numpy()
        if bad.any():
            bad_rows = rows[bad]
            typed = frame.get_column(name).gather(bad_rows).to_list()
            cells = {int(r): str(t) for r, t in zip(bad_rows, typed)}
            values[bad_rows] = np.nan
    infinite = np.flatnonzero(np.isinf(values))
    if infinite.size:  # "1e400" or "inf": report what was typed, not "inf"
        typed = frame.get_column(name).gather(infinite).str.strip_chars().to_list()
        cells.update({int(r): str(t) for r, t in zip(infinite, typed)})
    return NumericColumn(values=np.ascontiguousarray(values), text=cells)


def _blank_rows(frame, candidates: np.ndarray) -> np.ndarray:
    """Which candidate rows are blank (every cell empty). Blank rows have no actual value, so
    only rows whose actual cell did not parse need checking."""
    import polars as pl

    if candidates.size == 0:
        return candidates
    sub = frame[candidates]
    empty = [
        (pl.col(c).str.strip_chars().fill_null("") == "") if sub.schema[c] == pl.Utf8
        else pl.col(c).is_null()
        for c in sub.columns
    ]
    blank = sub.select(pl.all_horizontal(empty)).to_series().to_numpy()
    return candidates[blank]


def fill_texts(pending: list, is_cancelled=None) -> None:
    """Fill the text columns :func:`frame_to_dataset` left empty (in place)."""
    for array, series in pending:
        text_column(series, is_cancelled, out=array)


def _text_column(series, options: ReadOptions) -> np.ndarray:
    """A polars column as a numpy text column (``dataset.TEXT``), straight from the reader's
    storage: no Python object per cell (see :mod:`.text_columns`)."""
    return text_column(series, options.is_cancelled)
