"""Delimited text (CSV, TSV) as a polars frame of text columns.

polars' CSV reader does the parsing; this module feeds it: a whole file decoded
(:mod:`.decode`) and detected (:mod:`.sniff`), or a streamed block with the header in front of
it (:func:`parse_delimited`). Every cell is read as text, except on the fast path, where the
number columns are clean and polars may parse them itself. A record with more fields than the
header is kept, cut to the header's width and marked in :data:`FIELDS_COLUMN`; a file that is
not a table at all gives a :class:`TableReadError` naming the line.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np

from ..columns import REQUIRED_ROLES, ColumnError, map_columns, numeric_columns
from ..dialect import detect_line_end
from ..formatting import one_line
from .decode import check_raw, decode, read_bytes
from .errors import TableReadError, first_line_of
from .options import ImportInfo, ReadOptions
from .sniff import SNIFF_BYTES, DelimitedLayout, detect_layout


def read_delimited(path: Path, options: ReadOptions):
    """A whole CSV/TSV file as a frame of text columns (number columns on the fast path), and
    what was detected."""
    direct, tried = _read_file_directly(path, options)
    if direct is not None:
        return direct
    try:
        raw = read_bytes(path, options)
    except OSError as exc:
        raise TableReadError(path, f"cannot be read ({exc.strerror or exc})") from None
    check_raw(path, raw)
    data, encoding = decode(path, raw, options.encoding)
    del raw
    options.report(0.5, f"Parsing {path.name}")
    data, layout = detect_layout(path, data, options)
    # (the fast path failed on the file itself already: it would fail on its text too)
    frame = parse_delimited(path, data, layout, options, fast=False if tried else None)
    return frame, _info(path, encoding, layout, data)


def _info(path: Path, encoding: str, layout: DelimitedLayout, data: bytes) -> ImportInfo:
    fmt = "tsv" if layout.delimiter == "\t" else "csv"
    info = ImportInfo(
        path=str(path), format=fmt, encoding=encoding, delimiter=layout.delimiter,
        has_header=layout.has_header, first_line=layout.n_leading + 1,
    )
    info.line_end = detect_line_end(data)
    return info


#: The beginning of a file read to decide whether polars may read the file itself.
HEAD_BYTES = 1 << 20


def _read_file_directly(path: Path, options: ReadOptions):
    """The fast path for a whole file: polars reads the file by its path (memory-mapped, no
    copy of the text in Python: a third of the time of a large file) when its beginning shows
    that the text :func:`read_delimited` would hand polars is the file itself: UTF-8 without a
    BOM, no lines above the header, no spaces after the delimiters, and a header naming the
    columns; and when the numbers are clean (:func:`_read_numbers_directly`). polars checks
    the rest of the file (UTF-8, field counts) as it reads; any doubt leaves it to the usual
    path. Returns ((frame, info) or None, whether polars tried the file and failed)."""
    if options.n_rows is not None or options.encoding is not None:
        return None, False
    try:
        with open(path, "rb") as fh:
            head = fh.read(HEAD_BYTES)
            complete = not fh.read(1)
    except OSError:
        return None, False  # (the usual path says why)
    if head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")) or not head.strip() \
            or b"\x00" in head[:4096]:
        return None, False
    if not complete:
        head = head[:head.rfind(b"\n") + 1]  # whole lines, and more than detection looks at
        if len(head) <= SNIFF_BYTES:
            return None, False
    try:
        head.decode("utf-8")
        text, layout = detect_layout(path, head, options)
    except (UnicodeDecodeError, TableReadError):
        return None, False  # (the usual path decodes it, or says what is wrong)
    if text != head or layout.skip_space or not layout.has_header:
        return None, False  # lines above the header, CR line ends, padded fields: as text
    options.report(0.1, f"Parsing {path.name}")
    frame = _read_numbers_directly(str(path), layout.delimiter, layout.first_row, layout.lines, options)
    if frame is None:
        return None, True
    return (frame, _info(path, "utf-8", layout, head)), False


#: A column that ``parse_delimited`` adds to a frame when some records have more fields than
#: the header (or the first row): their field count (null elsewhere). It follows the rows through
#: slicing and filtering, and ``frame_to_dataset`` turns it into row problems; it is never a
#: column of the table. A record that looks like numbers split at unquoted decimal commas
#: ("1,0,9" under "actual,predicted") has its count negated (:func:`fields_problem` reads it).
FIELDS_COLUMN = "\x00fields"

#: Said after "3 fields, header has 2" when the record looks split at decimal commas.
DECIMAL_COMMA_HINT = ("decimal commas in a comma-separated file must be quoted (\"0,9\"), "
                      "or use ';' as the separator")


def fields_problem(value: int, expected: int, first: str = "header") -> str:
    """The row problem of a :data:`FIELDS_COLUMN` value: "3 fields, header has 2", with the
    decimal comma hint when the value is negative."""
    text = f"{abs(int(value))} fields, {first} has {expected}"
    return f"{text}; {DECIMAL_COMMA_HINT}" if value < 0 else text


def table_columns(frame) -> list[str]:
    """The frame's columns, without :data:`FIELDS_COLUMN`."""
    return [c for c in frame.columns if c != FIELDS_COLUMN]


def parse_delimited(path: Path, data: bytes, layout: DelimitedLayout, options: ReadOptions,
                    *, fast: bool | None = None, line_offset: int | None = None):
    """UTF-8 ``data`` (from its header, or first row, on) as a polars frame.

    ``fast``: None tries the fast path (numbers parsed while reading) and falls back to text
    columns; True returns None where the fast path does not apply; False reads text columns.
    ``line_offset`` (lines of the file above ``data``; default: the leading lines) numbers the
    line named when the text cannot be parsed at all.

    A record with more fields than the header (or the first row, without a header) is kept,
    cut to the header's width, and marked in :data:`FIELDS_COLUMN`: the dataset lists it as
    invalid ("4 fields, header has 3"), whatever the path (in memory, streamed, a preview).
    """
    import polars as pl

    delimiter, has_header = layout.delimiter, layout.has_header
    if layout.skip_space:
        data = _skip_initial_space(data, delimiter)
    frame = None
    if fast is not False and has_header and options.n_rows is None:
        frame = _read_numbers_directly(data, delimiter, layout.first_row, layout.lines, options)
        if frame is None and fast:
            return None
    ragged = None
    try:
        if frame is None:
            frame = _read_text(data, delimiter, has_header, options.n_rows, ragged=False)
    except pl.exceptions.PolarsError as exc:
        # polars refuses a record with too many fields: find them (a slower, exact count of
        # each record's fields) and read again, keeping the first fields of those records.
        counts = _field_counts(data, delimiter)
        expected = int(counts[0]) if counts.size else 0
        ragged = np.flatnonzero(counts > expected)
        if ragged.size == 0:
            offset = layout.n_leading if line_offset is None else line_offset
            raise TableReadError(path, f"is not a well-formed table: {_parse_error(exc, data, offset)}") from None
        try:
            frame = _read_text(data, delimiter, has_header, options.n_rows, ragged=True)
        except pl.exceptions.PolarsError as exc2:
            raise TableReadError(path, f"is not a well-formed table: {first_line_of(exc2)}") from None
        rows = ragged - (1 if has_header else 0)
        keep = rows < frame.height
        fields = np.full(frame.height, np.nan)
        fields[rows[keep]] = counts[ragged[keep]]
        if delimiter == ",":
            split = _decimal_comma_records(data, ragged[keep], counts[ragged[keep]] - expected)
            fields[rows[keep][split]] *= -1
        frame = frame.with_columns(
            pl.Series(FIELDS_COLUMN, fields).fill_nan(None).cast(pl.Int64)
        )
    if not has_header:
        # polars names them column_1, column_2, ... in some versions and column_0, ... in
        # others; spreadsheets and 1-based --actual-column numbers use column_1.
        frame = frame.rename({c: f"column_{i + 1}" for i, c in enumerate(table_columns(frame))})
    width = len(table_columns(frame))
    if width < 2 and not frame.is_empty() or width < 2 and has_header:
        raise TableReadError(
            path,
            f"is not a table: only one column was found "
            f"({', '.join(table_columns(frame)) or 'none'}); expected at least actual and predicted",
        )
    return frame


def _parse_error(exc: Exception, data: bytes, line_offset: int) -> str:
    """polars' error as one sentence naming the line and column:
    'line 7, column 'a': the field "3"x is not properly quoted'."""
    text = str(exc)
    m = re.search(r"could not parse `(.*?)` as dtype `\w+` at column '(.*?)'", text, re.S)
    if not m:
        return first_line_of(exc)
    field_text, column = m.group(1), m.group(2)
    pos = data.find(field_text.encode("utf-8"))
    line = data.count(b"\n", 0, pos) + 1 + line_offset
    where = f"line {line}, " if pos >= 0 else ""
    shown = one_line(field_text.strip(), 60)
    return f"{where}column {column!r}: the field {shown} is not properly quoted"


def _read_text(data: bytes, delimiter: str, has_header: bool, n_rows: int | None, *, ragged: bool):
    import polars as pl

    return pl.read_csv(
        io.BytesIO(data),
        separator=delimiter,
        has_header=has_header,
        infer_schema=False,
        quote_char='"',
        raise_if_empty=False,
        truncate_ragged_lines=ragged,
        n_rows=n_rows,
    )


def _field_counts(data: bytes, delimiter: str, window: int = 1 << 24) -> np.ndarray:
    """The number of fields of each record of ``data`` (records end at a line break outside
    double quotes; a blank line is a record of one field, as polars reads it).

    Used only when polars found a record with too many fields, to say which: about 0.15 s per
    million rows, in windows of ``window`` bytes so that memory stays small.
    """
    arr = np.frombuffer(data, dtype=np.uint8)
    d = ord(delimiter)
    counts: list[np.ndarray] = []
    pending = 0  # delimiters of the record that has not ended yet
    inside = 0  # 1 when the window starts inside a quoted field
    for start in range(0, arr.size, window):
        a = arr[start:start + window]
        ends = np.flatnonzero(a == 10)
        delims = np.flatnonzero(a == d)
        quotes = np.flatnonzero(a == 34)
        if quotes.size or inside:
            # Outside quotes: an even number of quote characters before the position ("" inside
            # a quoted field counts twice, as it should).
            ends = ends[(np.searchsorted(quotes, ends) + inside) % 2 == 0]
            delims = delims[(np.searchsorted(quotes, delims) + inside) % 2 == 0]
            inside = (quotes.size + inside) % 2
        if ends.size:
            before = np.searchsorted(delims, ends)
            c = np.diff(before, prepend=0)
            c[0] += pending
            counts.append(c + 1)
            pending = int(delims.size - before[-1])
        else:
            pending += int(delims.size)
    if arr.size and arr[-1] != 10:  # the last record has no line break
        counts.append(np.array([pending + 1]))
    return np.concatenate(counts) if counts else np.empty(0, dtype=np.int64)


_WHOLE_NUMBER = re.compile(rb"\s*[-+]?\d+\s*")
_DECIMAL_POINT = re.compile(rb"\d\.\d")


def _decimal_comma_records(data: bytes, records: np.ndarray, extra: np.ndarray,
                           limit: int = 1000, window: int = 1 << 24) -> np.ndarray:
    """Which of ``records`` (sorted record numbers of ``data``, each with ``extra`` fields more
    than the header) look like numbers split at unquoted decimal commas: no empty field, no
    quote, no decimal point ("1,0,1,0.3" is not), and at least ``extra`` pairs of neighbouring
    fields that are both whole numbers ("1,0,9": "0" and "9"). Only the first ``limit`` records
    are looked at (the rest: False)."""
    out = np.zeros(records.size, dtype=bool)
    wanted = records[:limit]
    if wanted.size == 0:
        return out
    arr = np.frombuffer(data, dtype=np.uint8)
    last = int(wanted[-1])
    # Record ends as _field_counts finds them (line breaks outside quotes), window by window
    # until the last wanted record has ended.
    found: list[np.ndarray] = []
    n_found = inside = 0
    for start in range(0, arr.size, window):
        a = arr[start:start + window]
        ends = np.flatnonzero(a == 10)
        quotes = np.flatnonzero(a == 34)
        if quotes.size or inside:
            ends = ends[(np.searchsorted(quotes, ends) + inside) % 2 == 0]
            inside = (quotes.size + inside) % 2
        found.append(ends + start)
        n_found += ends.size
        if n_found > last:
            break
    ends = np.concatenate(found)[:last + 1]
    for i, r in enumerate(wanted.tolist()):
        start = int(ends[r - 1]) + 1 if r > 0 else 0
        end = int(ends[r]) if r < ends.size else arr.size
        record = data[start:end].rstrip(b"\r")
        fields = record.split(b",")
        if b'"' in record or _DECIMAL_POINT.search(record) or any(not f.strip() for f in fields):
            continue
        whole = [bool(_WHOLE_NUMBER.fullmatch(f)) for f in fields]
        pairs = sum(a and b for a, b in zip(whole, whole[1:]))
        out[i] = pairs >= int(extra[i])
    return out


def _skip_initial_space(data: bytes, delimiter: str) -> bytes:
    """Drop the spaces that follow a delimiter outside quotes, as ``csv`` does with
    ``skipinitialspace``: ``"id", "actual"`` becomes ``"id","actual"``."""
    arr = np.frombuffer(data, dtype=np.uint8)
    space = np.flatnonzero(arr == 32)
    if space.size == 0:
        return data
    quotes = np.flatnonzero(arr == 34)
    outside = np.searchsorted(quotes, space) % 2 == 0
    space = space[outside]
    # A run of spaces is dropped when the byte before the run is the delimiter.
    after_delim = np.zeros(space.size, dtype=bool)
    nz = space > 0
    after_delim[nz] = arr[space[nz] - 1] == ord(delimiter)
    run_start = np.concatenate(([-2], space[:-1])) != space - 1
    run_id = np.cumsum(run_start) - 1
    drop = after_delim[run_start][run_id]
    if not drop.any():
        return data
    keep = np.ones(arr.size, dtype=bool)
    keep[space[drop]] = False
    return arr[keep].tobytes()


def _read_numbers_directly(data: bytes | str, delimiter: str, header: list[str], lines: list[str],
                           options: ReadOptions):
    """The fast path: let polars parse the number columns while it reads (no text copies).

    Taken only when it cannot change a result: the header names the columns, no decimal comma
    is possible, and every number cell is a clean, finite number. Any cell polars cannot parse
    (text, a stray 'nan', '1e400') sends the caller back to the text path, which keeps and
    reports such cells as typed. Every column is read, so that polars checks each record's
    field count (it does not when asked for some columns only) and a record with too many
    fields also goes to the text path. Returns None when the fast path does not apply.
    ``data``: the text, or the path of a file that is that text (:func:`_read_file_directly`).
    """
    import polars as pl

    if options.decimal not in (None, ".") or (delimiter != "," and any("," in ln for ln in lines)):
        return None
    names = [h.strip() for h in header]
    if len(set(names)) != len(names) or not all(names):
        return None
    try:
        mapping = map_columns(names, options.columns)
    except ColumnError:
        return None
    if not all(r in mapping for r in REQUIRED_ROLES):
        return None
    raw = dict(zip(names, header))
    numeric = [raw[name] for name in numeric_columns(mapping)]
    # (a path is a file name, never a pattern: "scores[1].csv" is not "scores1.csv")
    source = {"source": io.BytesIO(data)} if isinstance(data, bytes) else {"source": data, "glob": False}
    try:
        frame = pl.read_csv(
            **source, separator=delimiter, has_header=True, infer_schema=False,
            quote_char='"', raise_if_empty=False, truncate_ragged_lines=False,
            schema_overrides={name: pl.Float64 for name in numeric},
        )
    except (pl.exceptions.PolarsError, OSError):  # (OSError: the file, gone meanwhile)
        return None
    clean = frame.select([pl.col(n).is_finite().fill_null(True).all() for n in numeric]).row(0)
    if clean != (True,) * len(numeric):
        return None  # 'nan' or an infinity: the text path reports it as typed
    return frame
