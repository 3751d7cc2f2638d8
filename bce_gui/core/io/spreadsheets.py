"""Spreadsheets (.xlsx, .xlsm, .xls, .ods) as a polars frame of text columns.

calamine (through fastexcel) reads the cells; this module chooses the sheet, keeps the row
numbers the spreadsheet shows (blank rows above the table count), detects the header, and
corrects what calamine's text loses: numbers cut to about 9 digits (replaced by the cell's exact
value), and, in an .xlsx, error cells and formulas saved without a result, which it reads as
empty (found in the sheet's XML by :mod:`.xlsx_cells`).
"""

from __future__ import annotations

from pathlib import Path

from ..columns import unique_names
from .errors import TableReadError, first_line_of
from .options import ImportInfo, ReadOptions
from .sniff import detect_header
from .xlsx_cells import error_cells, formulas_without_values

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")


def is_spreadsheet(path: Path, head: bytes) -> bool:
    """A spreadsheet by its first bytes (zip: xlsx/ods; OLE: xls), or by its suffix unless
    those bytes are text: a CSV saved under a workbook's name is read as the table it is."""
    from .decode import _looks_binary

    is_zip = head.startswith(b"PK\x03\x04")
    is_ole = head.startswith(b"\xd0\xcf\x11\xe0")
    if is_zip or is_ole:
        return True
    text = bool(head) and (head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"))
                           or not _looks_binary(head[:4096]))
    return path.suffix.lower() in SPREADSHEET_SUFFIXES and not text


def read_spreadsheet(path: Path, options: ReadOptions):
    """One sheet (``options.sheet``: a name, a 1-based number as text or a 0-based index; the
    first when None) as a frame of text columns, and what was detected."""
    import fastexcel
    import polars as pl

    try:
        reader = fastexcel.read_excel(str(path))
    except Exception as exc:
        raise TableReadError(path, f"is not a readable spreadsheet ({first_line_of(exc)})") from None
    names = list(reader.sheet_names)
    if not names:
        raise TableReadError(path, "has no sheets")
    sheet = options.sheet if options.sheet is not None else 0
    if isinstance(sheet, str) and sheet not in names:
        if sheet.isdigit() and 1 <= int(sheet) <= len(names):
            sheet = int(sheet) - 1
        else:
            raise TableReadError(
                path, f"has no sheet named {sheet!r}; its sheets are: {', '.join(names)}"
            )
    if isinstance(sheet, int) and not 0 <= sheet < len(names):
        raise TableReadError(path, f"has no sheet number {sheet + 1}; it has {len(names)}")
    try:
        # skip_rows=0: keep the empty rows above the table (fastexcel drops them by default), so
        # that row numbers stay those the spreadsheet shows.
        limit = None if options.n_rows is None else options.n_rows + 64  # + header, blank rows
        frame = reader.load_sheet(
            sheet, header_row=None, dtypes="string", skip_rows=0, n_rows=limit
        ).to_polars()
    except Exception as exc:
        raise TableReadError(path, f"sheet cannot be read ({first_line_of(exc)})") from None
    if frame.height and frame.width:
        try:
            floats = reader.load_sheet(
                sheet, header_row=None, dtypes="float", skip_rows=0, n_rows=limit
            ).to_polars()
        except Exception:  # pragma: no cover - the text load worked; keep its (rounded) numbers
            floats = None
        if floats is not None:
            frame = _exact_numbers(frame, floats)
    sheet_name = names[sheet] if isinstance(sheet, int) else sheet
    if frame.height and frame.width:
        frame = _with_error_cells(path, sheet_name, frame)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        frame = _keep_unsaved_formulas(frame, path, sheet_name)
    blank = frame.select(
        pl.all_horizontal([pl.col(c).str.strip_chars().fill_null("") == "" for c in frame.columns])
    ).to_series() if frame.width else None
    if frame.height == 0 or frame.width == 0 or bool(blank.all()):
        raise TableReadError(path, f"sheet {sheet_name!r} is empty")
    n_leading = int(blank.arg_min())  # the first row that is not blank
    frame = frame.slice(n_leading)

    first = ["" if v is None else str(v) for v in frame.row(0)]
    second = ["" if v is None else str(v) for v in frame.row(1)] if frame.height > 1 else None
    has_header = options.header if options.header is not None else detect_header(first, second)
    if has_header:
        headers = unique_names(first)
        frame = frame.slice(1).rename(dict(zip(frame.columns, headers)))
    else:
        frame = frame.rename({c: f"column_{i + 1}" for i, c in enumerate(frame.columns)})
    frame = frame.with_columns(pl.all().cast(pl.Utf8))
    info = ImportInfo(
        path=str(path), format="xlsx", encoding="", delimiter=None, has_header=has_header,
        sheet=sheet_name, first_line=n_leading + 1,
    )
    if frame.width < 2:
        raise TableReadError(path, "is not a table: only one column was found")
    return frame, info


def _keep_unsaved_formulas(frame, path: Path, sheet_name: str):
    """Formula cells saved without a result read as empty: give them their formula as text, so
    the cell is kept and reported as a formula without a saved value, not as a missing value."""
    import polars as pl

    formulas = formulas_without_values(path, sheet_name)
    by_column: dict[int, dict[int, str]] = {}
    for (row, column), text in formulas.items():
        if row < frame.height and column < frame.width:
            by_column.setdefault(column, {})[row] = text
    for column, cells in by_column.items():
        name = frame.columns[column]
        values = frame.get_column(name).to_list()
        for row, text in cells.items():
            if values[row] is None or not str(values[row]).strip():
                values[row] = text
        frame = frame.with_columns(pl.Series(name, values, dtype=pl.Utf8))
    return frame


def _with_error_cells(path: Path, sheet_name: str, frame):
    """Put the text of error cells (``#N/A``, ``#DIV/0!``) into the frame: calamine reads them
    as empty, so an invalid cell was reported as ``''`` instead of what the sheet shows.
    """
    import polars as pl

    found = error_cells(path, sheet_name)
    if found is None:
        return frame  # none, not an xlsx, or XML we do not understand: keep calamine's reading
    errors, first_col = found
    by_column: dict[int, tuple[list[int], list[str]]] = {}
    for row, col, text in errors:
        j, i = col - first_col, row - 1
        if 0 <= j < frame.width and 0 <= i < frame.height:
            rows, texts = by_column.setdefault(j, ([], []))
            rows.append(i)
            texts.append(text)
    columns = []
    for j, name in enumerate(frame.columns):
        series = frame.get_column(name)
        if j in by_column:
            rows, texts = by_column[j]
            series = series.scatter(rows, pl.Series(texts, dtype=pl.Utf8))
        columns.append(series)
    return pl.DataFrame(columns)


def _exact_numbers(text, floats):
    """Replace lossy number texts with the exact value.

    calamine's text for a number cell keeps about 9 significant digits (0.1234567890123457 reads
    as "0.123456789", and 1e-20 as "0", which would turn a finite loss into inf). Where a cell's
    text is a number that differs from the cell's float value, use the float's shortest
    round-trip text (polars' float-to-text cast, like ``repr``); every other cell (text,
    booleans, dates, exact integers such as IDs) keeps its text.
    """
    import polars as pl

    if floats.shape != text.shape:  # pragma: no cover - both loads read the same cells
        return text
    out = []
    for name, fname in zip(text.columns, floats.columns):
        t = text.get_column(name)
        f = floats.get_column(fname).cast(pl.Float64)
        parsed = t.str.strip_chars().cast(pl.Float64, strict=False)
        lossy = (parsed.is_not_nan() & f.is_not_null() & (parsed != f)).fill_null(False)
        if lossy.any():
            t = pl.select(pl.when(lossy).then(f.cast(pl.Utf8)).otherwise(t)).to_series().alias(name)
        out.append(t)
    return pl.DataFrame(out)
