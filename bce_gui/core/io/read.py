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
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from ..dataset import Dataset
from .columnar import columnar_kind, read_columnar
from .datasets import is_data_set
from .decode import is_regular, open_head, spooled
from .errors import TableReadError
from .options import ColumnChoice, ImportInfo, ReadOptions
from .spreadsheets import is_spreadsheet, read_spreadsheet
from .text_tables import read_delimited, table_columns
from .to_dataset import (
    detect_decimal,
    fill_texts,
    frame_to_dataset,
    map_frame,
    numeric_names,
    strip_names,
)

T = TypeVar("T")


def warm_up() -> None:
    """Import the reader's library ahead of the first file (polars takes about half a second
    to import): a window calls this off its GUI thread, so the first Open has nothing to wait
    for there."""
    import polars  # noqa: F401


def read_table(path: str | os.PathLike, options: ReadOptions | None = None) -> tuple[Dataset, ImportInfo]:
    """Read a CSV/TSV/spreadsheet file into a :class:`Dataset` (a pipe or FIFO is read once)."""
    options = options or ReadOptions()
    if not is_regular(path):
        with spooled(path) as regular:
            return read_table(regular, options)
    frame, info = load_frame(path, options)
    mapping = map_frame(frame, info, options)
    return frame_to_dataset(frame, info, mapping, options)


def read_table_while(path: str | os.PathLike, options: ReadOptions | None,
                     work: Callable[[Dataset], T]) -> tuple[Dataset, ImportInfo, T]:
    """:func:`read_table`, running ``work(dataset)`` on this thread while the text columns (IDs,
    extras) are converted on another: at ten million rows each takes a fraction of a second,
    and two cores do both at once. ``work`` sees every numeric column; the text columns fill in
    as it runs, so it must not read them. Returns (dataset, info, what ``work`` returned)."""
    options = options or ReadOptions()
    if not is_regular(path):
        with spooled(path) as regular:
            return read_table_while(regular, options, work)
    frame, info = load_frame(path, options)
    mapping = map_frame(frame, info, options)
    pending: list = []
    dataset, info = frame_to_dataset(frame, info, mapping, options, pending_texts=pending)
    del frame  # (the pending columns keep what they need of it)
    if not pending:
        return dataset, info, work(dataset)
    stop = threading.Event()
    errors: list[BaseException] = []

    def stopped() -> bool:
        return stop.is_set() or (options.is_cancelled is not None and options.is_cancelled())

    def fill() -> None:
        try:
            fill_texts(pending, stopped)
        except BaseException as exc:  # noqa: BLE001 - raised again on the calling thread
            errors.append(exc)

    thread = threading.Thread(target=fill, name="bce-text-columns", daemon=True)
    thread.start()
    try:
        result = work(dataset)
    except BaseException:
        stop.set()
        raise
    finally:
        thread.join()
    if errors:
        raise errors[0]
    return dataset, info, result


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
    def column_choices(self) -> dict[str, ColumnChoice]:
        """Per role found by its name beside other columns whose names could be it too, the
        column used and the sentence saying so ("'y_pred' could also be the predicted
        probability; 'y_proba' was used")."""
        return self.info.column_choices

    @property
    def needs_confirmation(self) -> bool:
        """True when detection had to guess something an analyst should see."""
        i = self.info
        return bool(
            self.problem
            or self.column_choices
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

