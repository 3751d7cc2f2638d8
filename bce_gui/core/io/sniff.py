"""Detection for delimited text: what polars cannot decide for itself, from a file's beginning.

The delimiter (comma, semicolon, tab or |: the one that splits the sample lines alike, numbers
preferred), whether the first row is a header (spreadsheets ask :func:`detect_header` too), the
lines above the table (blank lines, Excel's ``sep=;`` line, ``#`` comments: dropped but counted,
so row numbers stay the file's), fields padded after the delimiter (``"id", "actual"``), and a
first line too wide to be a table. Only the first :data:`SNIFF_BYTES` are looked at, so a
streamed file is detected as the whole file is.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from ..columns import SYNONYMS, normalise
from .errors import TableReadError
from .options import ReadOptions

DELIMITERS = (",", ";", "\t", "|")
SNIFF_BYTES = 64 * 1024

#: The most columns a file may have (Excel's limit): a line of millions of fields without a
#: header would otherwise become millions of columns (and gigabytes) before any check.
MAX_COLUMNS = 16_384


@dataclass
class DelimitedLayout:
    """What detection decided about a delimited text, from its beginning."""

    delimiter: str
    has_header: bool
    #: The first row's cells (the header, or the first data row) and the sample lines.
    first_row: list[str]
    lines: list[str]
    #: Lines above the header (or the first data row): blank lines, Excel's ``sep=`` line,
    #: ``#`` comment lines. They are not parsed, but they count in the row numbers.
    n_leading: int
    #: Fields are separated by the delimiter plus spaces (``"id", "actual"``): read them as
    #: Python's csv module does with ``skipinitialspace``.
    skip_space: bool = False


def detect_layout(path: Path, data: bytes, options: ReadOptions) -> tuple[bytes, DelimitedLayout]:
    """Delimiter and header of UTF-8 ``data``; returns ``data`` without the lines above its
    header (blank lines, Excel's ``sep=;`` line, ``#`` comments), which are counted instead.

    Only the first ``SNIFF_BYTES`` are looked at: the beginning of a file (longer than that)
    gives the same answer as the whole file.
    """
    if b"\r" in data and b"\n" not in data:  # old Mac line ends (CR only)
        data = data.replace(b"\r", b"\n")
    # polars skips blank lines before the header on its own, which would shift every row number
    # we report; drop them here and count them instead.
    data, n_leading, sep = _strip_preamble(data)
    lines = _sample_lines(data)
    if not lines:
        raise TableReadError(path, "is empty")

    suffix = path.suffix.lower()
    delimiter = options.delimiter or sep
    if delimiter is None:
        if suffix in (".tsv", ".tab"):
            delimiter = "\t"
        else:
            delimiter = sniff_delimiter(lines)
    if delimiter is None:
        raise TableReadError(
            path,
            "is not a table: no delimiter (comma, semicolon, tab or |) splits its lines into "
            "two or more columns",
        )
    _check_width(path, data, delimiter)
    # '"id", "actual", "predicted"': a delimiter, spaces, then a quoted field.
    spaced_quote = re.compile(re.escape(delimiter) + ' +"')
    skip_space = any(spaced_quote.search(ln) for ln in lines[:100])

    rows = list(csv.reader(lines[:2], delimiter=delimiter, skipinitialspace=skip_space))
    has_header = options.header
    if has_header is None:
        has_header = detect_header(rows[0], rows[1] if len(rows) > 1 else None)
    return data, DelimitedLayout(
        delimiter=delimiter, has_header=has_header, first_row=rows[0], lines=lines,
        n_leading=n_leading, skip_space=skip_space,
    )


def _strip_preamble(data: bytes) -> tuple[bytes, int, str | None]:
    """Drop the lines above the table: blank lines, Excel's ``sep=;`` line (which names the
    delimiter) and ``#`` comment lines (only when a line that is not one follows). Returns the
    rest, how many lines were dropped, and the delimiter a ``sep=`` line named."""
    count, sep = 0, None
    while True:
        data, blank = strip_leading_blank_lines(data)
        count += blank
        end = data.find(b"\n")
        line = (data if end < 0 else data[:end]).strip()
        if end < 0:
            return data, count, sep
        if sep is None and count == 0 and line[:4].lower() == b"sep=" and len(line) == 5:
            sep = line[4:].decode("latin-1")
        elif line.startswith(b"#"):
            rest = data[end + 1:]
            following = rest.lstrip()
            if not following or following.startswith(b"#") and b"\n" not in following:
                return data, count, sep  # nothing but comments: let the caller say so
        else:
            return data, count, sep
        data = data[end + 1:]
        count += 1


def strip_leading_blank_lines(data: bytes) -> tuple[bytes, int]:
    """Remove the blank (or whitespace-only) lines at the top; return the rest and their count."""
    count = 0
    start = 0
    while True:
        end = data.find(b"\n", start)
        if end < 0 or data[start:end].strip():
            return (data[start:] if start else data), count
        count += 1
        start = end + 1


def _sample_lines(data: bytes, limit: int = 200) -> list[str]:
    text = data[:SNIFF_BYTES].decode("utf-8", errors="replace")
    lines = text.splitlines()
    if len(data) > SNIFF_BYTES and len(lines) > 1:
        lines = lines[:-1]  # the last line of the sample may be cut in half
    return [ln for ln in lines if ln.strip()][:limit]


def sniff_delimiter(lines: list[str]) -> str | None:
    """The delimiter that splits every sample line into the same number (> 1) of fields.

    When several do, the one whose fields are numbers most often (less the fields that are not)
    wins, then the one giving more fields: ``1;0;0,94`` (three fields with ';', two with ','),
    the two-column ``1;0,94`` (two fields either way, but ``'1;0'`` is not a number) and
    ``1,0;0,9`` (a label with a decimal comma: ',' gives three fields, one of them ``0;0``) are
    semicolon-separated with a decimal comma.
    """
    best: tuple[int, int, int, str] | None = None
    for rank, delim in enumerate(DELIMITERS):
        rows = list(csv.reader(lines, delimiter=delim, skipinitialspace=True))
        counts = {len(row) for row in rows}
        if len(counts) == 1:
            n = counts.pop()
            numbers = sum(_is_number(c) for row in rows for c in row)
            score = 2 * numbers - n * len(rows)  # numbers - not numbers
            if n > 1 and (best is None or (score, n, -rank) > best[:3]):
                best = (score, n, -rank, delim)
    if best is not None:
        return best[3]
    # Ragged files: pick the delimiter most lines agree on. It must split at least half of the
    # lines into the same number (> 1) of fields; otherwise this is prose with a stray comma
    # ("It jumped, over the dog.") rather than a table.
    scores = []
    for rank, delim in enumerate(DELIMITERS):
        rows = [len(r) for r in csv.reader(lines, delimiter=delim, skipinitialspace=True)]
        if rows and max(rows) > 1:
            mode = max(set(rows), key=lambda k: (rows.count(k), k))
            if mode > 1 and 2 * rows.count(mode) >= len(rows):
                scores.append((rows.count(mode), mode, -rank, delim))
    return max(scores)[3] if scores else None


def _is_number(text: str) -> bool:
    t = text.strip().replace(",", ".")
    if not t:
        return False
    try:
        float(t)
    except ValueError:
        return False
    return True


def detect_header(first: list[str], second: list[str] | None) -> bool:
    """A header row names columns: a known synonym, or text above a number."""
    cells = [c.strip() for c in first]
    if any(normalise(c) in syn for c in cells if c for syn in SYNONYMS.values()):
        return True
    if all(_is_number(c) or not c for c in cells):
        return False
    if not any(_is_number(c) for c in cells):
        # Only text: data rows must hold numbers (actual, predicted), so this names columns.
        # Reading it as data would turn e.g. "foo,bar" into two invalid rows instead of a clear
        # "no column for the actual class; the columns are: foo, bar".
        return True
    if second is None:
        # One row of text and numbers (``obs1,1,0.9``): a one-row table, not a header without
        # data (a header of names only was decided above).
        return False
    for a, b in zip(cells, second):
        if a and not _is_number(a) and _is_number(b):
            return True
    return False


def _check_width(path: Path, data: bytes, delimiter: str) -> None:
    """Refuse a first line with more than :data:`MAX_COLUMNS` fields before parsing it."""
    end = data.find(b"\n")
    fields = data.count(delimiter.encode(), 0, end if end >= 0 else len(data)) + 1
    if fields > MAX_COLUMNS:
        raise TableReadError(
            path,
            f"is not a table BCE Lab can read: its first line has more than {MAX_COLUMNS:,} "
            f"fields (separated by {delimiter!r}); at most {MAX_COLUMNS:,} columns are read",
        )
