"""The readers' entry points: a file (CSV, TSV, also compressed; a spreadsheet; Parquet or
Arrow) or a data set (a folder or glob of parts) to a :class:`Dataset`, to a frame, or to a
preview.

A read runs in three stages: :func:`load_frame` (the file as a frame of text columns, by
:mod:`.text_tables` or :mod:`.spreadsheets`), :func:`~.to_dataset.map_frame` (which column has
which role) and :func:`~.to_dataset.frame_to_dataset` (numbers, blank rows, row numbers). The
streamed path (:mod:`bce_gui.core.stream`) runs the last two on each block of a CSV/TSV file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..dataset import Dataset
from .columnar import columnar_kind, read_columnar
from .datasets import is_data_set
from .decode import is_regular, open_head, spooled
from .errors import TableReadError
from .options import ImportInfo, ReadOptions
from .spreadsheets import is_spreadsheet, read_spreadsheet
from .text_tables import read_delimited, table_columns
from .to_dataset import detect_decimal, frame_to_dataset, map_frame, numeric_names, strip_names


def read_table(path: str | os.PathLike, options: ReadOptions | None = None) -> tuple[Dataset, ImportInfo]:
    """Read a CSV/TSV/spreadsheet file into a :class:`Dataset` (a pipe or FIFO is read once)."""
    options = options or ReadOptions()
    if not is_regular(path):
        with spooled(path) as regular:
            return read_table(regular, options)
    frame, info = load_frame(path, options)
    mapping = map_frame(frame, info, options)
    return frame_to_dataset(frame, info, mapping, options)


def load_frame(path: str | os.PathLike, options: ReadOptions | None = None):
    """Stage 1: the file as a polars frame of text columns, and what was detected."""
    options = options or ReadOptions()
    if is_data_set(path):  # a folder or a glob: its parts as one table
        from .data_set_frames import read_data_set

        frame, info = read_data_set(str(path), options)
        options.report(0.75, "Finding the columns")
        return strip_names(frame), info
    path = Path(path)
    head = open_head(path)
    options.report(0.0, f"Reading {path.name}")
    if is_spreadsheet(path, head):
        frame, info = read_spreadsheet(path, options)
    elif columnar_kind(path, head) is not None:
        frame, info = read_columnar(path, options)
    else:
        frame, info = read_delimited(path, options)
    frame = strip_names(frame)
    options.report(0.75, "Finding the columns")
    return frame, info


@dataclass
class Preview:
    """The first rows of a file as they will be read, for an import dialog."""

    info: ImportInfo
    headers: list[str]
    rows: list[list[str]]
    mapping: dict[str, str]
    problem: str | None

    @property
    def class_columns(self):
        """K classes: the class ↔ column mapping found (None for a binary table)."""
        return self.info.class_columns

    @property
    def needs_confirmation(self) -> bool:
        """True when detection had to guess something an analyst should see."""
        i = self.info
        return bool(
            self.problem
            or i.class_problems
            or not i.has_header
            or i.decimal == ","
            or i.encoding not in ("utf-8", "utf-8-sig", "")
            or (i.format == "csv" and i.delimiter not in (",", None))
        )


def preview_table(path: str | os.PathLike, options: ReadOptions | None = None,
                  n_rows: int = 50) -> Preview:
    """Read the first ``n_rows`` rows; a missing column is reported in ``problem``, not raised."""
    from dataclasses import replace

    options = replace(options or ReadOptions(), n_rows=n_rows)
    if not is_regular(path):
        # A preview and then the load would read it twice; a pipe can be read only once.
        raise TableReadError(path, "is a pipe or a device, not a file: save it to a file to open it "
                                   "here (bce-lab compute reads it as it is)")
    frame, info = load_frame(path, options)
    problem = None
    try:
        mapping = map_frame(frame, info, options)
    except TableReadError as exc:
        problem = exc.reason
        mapping = {}
    headers = table_columns(frame)
    rows = [["" if v is None else str(v) for v in r]
            for r in frame.select(headers).head(n_rows).iter_rows()]
    info.headers = headers
    numeric = numeric_names(mapping, info)
    if numeric:
        info.decimal = options.decimal or detect_decimal(frame, numeric, info)
    return Preview(info=info, headers=headers, rows=rows, mapping=mapping, problem=problem)

