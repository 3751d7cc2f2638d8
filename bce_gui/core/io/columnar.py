"""Parquet and Arrow IPC (Feather v2) files: typed columns, read by polars a slice at a time.

These formats carry their own column types, so nothing is sniffed: the header is the schema's
names, number columns (integers, floats, decimals, booleans) become float64 as they are, and a
column of any other type (text, dates, ...) is handed over as text, so that a probability
column of strings is still checked cell by cell and every cell that is not a number is
reported, never dropped. A null is an empty cell. Rows are numbered from 1 (the first data
row), as ``with_row_index(offset=1)`` numbers them; Parquet and Arrow have no header line.

Reading is by slices of rows (:func:`frames`): polars reads only the row groups (or record
batches) a slice touches, so memory stays flat however large the file.
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import TableReadError, first_line_of
from .options import ImportInfo, ReadOptions

PARQUET_SUFFIXES = (".parquet", ".pq", ".parq")
IPC_SUFFIXES = (".arrow", ".feather", ".ipc", ".arrows")
COLUMNAR_SUFFIXES = PARQUET_SUFFIXES + IPC_SUFFIXES
#: Rows read at a time when streaming (a slice of 1M rows of three columns is ~24 MB).
SLICE_ROWS = 1 << 20

_PARQUET_MAGIC = b"PAR1"
_IPC_FILE_MAGIC = b"ARROW1"
_IPC_STREAM_MAGIC = b"\xff\xff\xff\xff"


def columnar_kind(path: str | os.PathLike, head: bytes | None = None) -> str | None:
    """"parquet", "ipc" (an Arrow IPC file, Feather v2), "ipc-stream" or None, from the file's
    first bytes (its name decides only when they say nothing)."""
    if head is None:
        try:
            with open(path, "rb") as fh:
                head = fh.read(8)
        except OSError:
            head = b""
    if head.startswith(_PARQUET_MAGIC):
        return "parquet"
    if head.startswith(_IPC_FILE_MAGIC):
        return "ipc"
    if head.startswith(_IPC_STREAM_MAGIC):
        return "ipc-stream"
    if head.startswith(b"FEA1"):
        raise TableReadError(path, "is a Feather version 1 file; save it as Feather 2 (Arrow IPC) "
                                   "or Parquet to read it")
    return None


def _scan(path, kind: str):
    import polars as pl

    try:
        if kind == "parquet":
            return pl.scan_parquet(path)
        if kind == "ipc":
            return pl.scan_ipc(path)
        return pl.read_ipc_stream(path).lazy()  # a stream has no index: read it once
    except Exception as exc:  # polars' errors for a damaged file
        raise TableReadError(path, f"is not a readable {_name(kind)} file ({first_line_of(exc)})") from None


def _name(kind: str) -> str:
    return "Parquet" if kind == "parquet" else "Arrow"


def schema_of(path, kind: str) -> dict:
    """Column name -> polars type, from the file's metadata (nothing else is read)."""
    try:
        return dict(_scan(path, kind).collect_schema())
    except TableReadError:
        raise
    except Exception as exc:
        raise TableReadError(path, f"is not a readable {_name(kind)} file ({first_line_of(exc)})") from None


def row_count(path, kind: str) -> int:
    """The number of rows, from the metadata (a Parquet footer, the IPC batches' lengths)."""
    import polars as pl

    try:
        return int(_scan(path, kind).select(pl.len()).collect().item())
    except TableReadError:
        raise
    except Exception as exc:
        raise TableReadError(path, f"is not a readable {_name(kind)} file ({first_line_of(exc)})") from None


def as_table(frame):
    """The frame as the readers hand frames on: float64 number columns, text elsewhere.

    Integers, floats, decimals and booleans are numbers as they are (1 and 0 for booleans);
    text stays text (checked cell by cell); any other type (a date, a list) becomes its text,
    which the number columns then report as not a number."""
    import polars as pl

    exprs = []
    for name, dtype in frame.schema.items():
        col = pl.col(name)
        if dtype == pl.Float64:
            exprs.append(col)
        elif dtype.is_numeric() or dtype == pl.Boolean:
            exprs.append(col.cast(pl.Float64))
        elif dtype in (pl.String, pl.Null):
            exprs.append(col.cast(pl.String))
        else:
            try:
                exprs.append(col.cast(pl.String))
            except Exception:  # pragma: no cover - every type has a text form in polars
                exprs.append(col.map_elements(str, return_dtype=pl.String))
    return frame.select(exprs)


def info_for(path, kind: str) -> ImportInfo:
    """What a columnar read found: rows numbered from 1 (no header line), names as stored."""
    return ImportInfo(path=str(path), format=kind.split("-")[0], encoding="", delimiter=None,
                      has_header=True, first_line=0)


def frames(path, kind: str, start: int = 0, stop: int | None = None,
           rows: int = SLICE_ROWS, columns: list[str] | None = None):
    """The rows [start, stop) of the file as frames of at most ``rows`` rows (see
    :func:`as_table`), each with the 0-based index of its first row."""
    lazy = _scan(path, kind)
    if columns is not None:
        lazy = lazy.select(columns)
    if stop is None:
        stop = row_count(path, kind)
    for offset in range(start, stop, rows):
        try:
            frame = lazy.slice(offset, min(rows, stop - offset)).collect()
        except Exception as exc:
            raise TableReadError(path, f"cannot be read past row {offset + 1} "
                                       f"({first_line_of(exc)})") from None
        yield offset, as_table(frame)


def read_columnar(path: Path, options: ReadOptions):
    """The whole file (or its first ``options.n_rows`` rows) as one frame, and its info."""
    kind = columnar_kind(path)
    total = row_count(path, kind)
    stop = total if options.n_rows is None else min(total, options.n_rows)
    parts = []
    for offset, frame in frames(path, kind, 0, stop):
        options.report(0.7 * (offset + frame.height) / max(stop, 1), f"Reading {Path(path).name}")
        parts.append(frame)
    import polars as pl

    if not parts:
        parts = [as_table(_scan(path, kind).head(0).collect())]
    frame = pl.concat(parts, rechunk=False) if len(parts) > 1 else parts[0]
    return frame, info_for(path, kind)
