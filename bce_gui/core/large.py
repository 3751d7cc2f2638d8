"""A data set too large for the window's table: its summary from one streaming pass.

A table view holds at most some 7e7 rows (Qt adds up the rows' heights in an int: past that the
view overflows), and so many rows would not fit in memory anyway. Such a data set is not
loaded: :func:`summarize` reads it a piece at a time, exactly as ``compute`` does
(:mod:`.partitions`), and keeps what a window can show:

* the loss and its baseline, from the merged exact accumulators (the ``compute`` result to the
  last digit), and the statistics that stream (:class:`~.metrics.MetricsAccumulator`);
* the density of the penalty plot: the valid rows counted in :data:`DENSITY_BINS` bins of p per
  class;
* the worst :data:`SAMPLE_ROWS` rows (largest loss), with every column, as a
  :class:`~.dataset.Dataset` the table shows as a clearly labelled sample (editable: the edits
  change the sample, never the file).

:func:`estimate_rows` decides before loading: the exact count for Parquet and Arrow (from the
metadata), an estimate from the size and the first lines for text.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from .blocks import BlockTotals
from .dataset import NumericColumn, Dataset, text_array
from .evaluate import Evaluation
from .io import ReadCancelled, ReadOptions
from .io.columnar import row_count
from .io.compressed import open_bytes
from .io.datasets import is_url, resolve
from .loss import LossOptions, LossTotals

#: Rows past which the window shows the summary view instead of the table (QTableView overflows
#: near 7e7 rows). A module constant, so that tests can lower it.
TABLE_ROW_LIMIT = 60_000_000
#: Rows of the sample the table shows.
SAMPLE_ROWS = 10_000
#: Bins of p per class in the density of the penalty plot (as the plot's own density).
DENSITY_BINS = 1000
#: The column added to a sample of a data set of several files: which file each row is in.
FILE_COLUMN = "(file)"


@dataclass
class LargeSummary:
    """What :func:`summarize` found: the totals of every row, the statistics, the density and
    the worst rows (the ``sample``, worst first, with their row numbers in the file)."""

    source: str
    rows: int
    blocks: BlockTotals
    totals: LossTotals
    summary: dict
    sample: Dataset
    #: Valid rows per bin of p in [0, 1]: (class 1, class 0), DENSITY_BINS each.
    density: tuple[np.ndarray, np.ndarray]
    insight: object | None = None
    warnings: list[str] = field(default_factory=list)


def estimate_rows(source) -> int:
    """How many rows the source has: exact for Parquet and Arrow, an estimate for text (its
    size over the mean length of its first lines; for a compressed file, the size its first
    megabyte of text came from). 0 for spreadsheets (always read whole) and unknowns."""
    try:
        data = resolve(source)
    except Exception:  # the reader reports what is wrong with it
        return 0
    total = 0
    for part in data.parts:
        if part.kind in ("parquet", "ipc", "ipc-stream"):
            total += row_count(part.path, part.kind)
        elif part.kind == "text" and not is_url(part.path):
            total += _estimate_text_rows(part.path)
    return total


def _estimate_text_rows(path: str, sample: int = 1 << 20) -> int:
    try:
        size = os.path.getsize(path)
        with open_bytes(path) as fh:
            head = fh.read(sample)
            used = fh.tell() if hasattr(fh, "tell") else len(head)
    except OSError:
        return 0
    lines = head.count(b"\n")
    if not head or not lines:
        return 1 if head else 0
    if len(head) < sample:  # the whole file was read
        return lines
    return int(size / max(used, 1) * lines)


Progress = Callable[[float, str], None]


def summarize(source, options: LossOptions, read_options: ReadOptions | None = None, *,
              sample_rows: int = SAMPLE_ROWS, progress: Progress | None = None,
              is_cancelled: Callable[[], bool] | None = None) -> LargeSummary:
    """One streaming pass over the source (see the module docstring). ``progress(fraction,
    message)``; ``is_cancelled()`` polled after each piece (raises :class:`ReadCancelled`)."""
    from .metrics.table import MetricsSettings
    from .partitions import compute_source

    read_options = replace(read_options or ReadOptions(), progress=None, is_cancelled=None)
    worst = _WorstRows(sample_rows)
    density = (np.zeros(DENSITY_BINS, dtype=np.int64), np.zeros(DENSITY_BINS, dtype=np.int64))

    def visit(dataset: Dataset, ev: Evaluation) -> None:
        if is_cancelled is not None and is_cancelled():
            raise ReadCancelled()
        if dataset.schema.task.is_binary:
            valid = ev.validity.valid
            _count_density(density, dataset.actual.values[valid],
                           dataset.predicted.values[valid], options)
        worst.add(dataset, ev)

    def report(fraction: float, rows: int) -> None:
        if is_cancelled is not None and is_cancelled():
            raise ReadCancelled()
        if progress is not None:
            progress(fraction, f"Reading {rows:,} rows")

    # The statistics stream with the loss sums (each piece's merged, K classes too).
    result = compute_source(source, options, read_options, progress=report, visit=visit,
                            keep_text=True, on_partition=lambda part: worst.begin(part.name),
                            metrics=MetricsSettings())
    blocks = result.blocks
    return LargeSummary(source=str(source), rows=blocks.rows, blocks=blocks, totals=result.totals,
                        summary=result.summary, sample=worst.dataset(), density=density,
                        insight=result.insight, warnings=window_warnings(blocks.warnings))


def window_warnings(warnings: dict[str, str], dataset: Dataset | None = None) -> list[str]:
    """The read's warnings the window shows after a load: all but the ones about per-class
    columns beside a binary predicted column and about another column that could have taken
    a role, which the window's import preview asks about before the read (``compute`` prints
    them: it has no preview).

    A warning quoting a row names it as the window's table numbers it (``dataset``: the table
    read), or, where the table does not hold the file's rows (the sample of a large data
    set), as "file line N", never as a bare "row N" that the table numbers otherwise."""
    from .io.class_columns import ALSO_CLASS_COLUMNS
    from .io.options import RowWarning
    from .io.to_dataset import COLUMN_CHOICE

    def shown(text: str) -> str:
        if not isinstance(text, RowWarning):
            return text
        row = dataset.data_row_of(text.row) if dataset is not None else None
        return text.saying(f"row {row + 1}" if row is not None else f"file line {text.row}")

    return [shown(text) for key, text in warnings.items()
            if key != ALSO_CLASS_COLUMNS and not key.startswith(COLUMN_CHOICE)]


def _count_density(density, y: np.ndarray, p: np.ndarray, options: LossOptions) -> None:
    from .penalty import probability_of_class1

    x = probability_of_class1(p, options)
    with np.errstate(invalid="ignore"):
        k = np.clip((x * DENSITY_BINS).astype(np.int64), 0, DENSITY_BINS - 1)
    ones = y >= 0.5
    density[0][:] += np.bincount(k[ones], minlength=DENSITY_BINS)
    density[1][:] += np.bincount(k[~ones], minlength=DENSITY_BINS)


class _WorstRows:
    """The ``limit`` valid rows with the largest loss seen so far, with all their cells."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.pieces: list[tuple[Dataset, np.ndarray]] = []  # (rows, their losses)
        self.held = 0
        self.file: str | None = None  # the file being read, in a data set of several

    def begin(self, name: str | None) -> None:
        self.file = name

    def add(self, dataset: Dataset, ev: Evaluation) -> None:
        loss = np.where(np.isnan(ev.loss), -np.inf, ev.loss)
        valid = np.flatnonzero(ev.validity.valid)
        if not valid.size or not self.limit:
            return
        k = min(self.limit, valid.size)
        top = valid[np.argpartition(-loss[valid], k - 1)[:k]] if k < valid.size else valid
        top = np.sort(top)
        rows = subset(dataset, top)
        if self.file is not None:
            rows = with_file_column(rows, self.file)
        self.pieces.append((rows, loss[top]))
        self.held += top.size
        if self.held > 4 * self.limit:
            self._shrink()

    def _shrink(self) -> None:
        merged = concat([d for d, _ in self.pieces])
        loss = np.concatenate([l for _, l in self.pieces])
        keep = np.sort(np.argsort(-loss, kind="stable")[: self.limit])
        self.pieces = [(subset(merged, keep), loss[keep])]
        self.held = keep.size

    def dataset(self) -> Dataset:
        if not self.pieces:
            return Dataset.empty()
        self._shrink()
        merged, loss = self.pieces[0]
        order = np.argsort(-loss, kind="stable")  # worst first; ties in file order
        return subset(merged, order)


def with_file_column(dataset: Dataset, name: str) -> Dataset:
    """The rows with a first text column :data:`FILE_COLUMN` naming the file they are in."""
    columns = {FILE_COLUMN: text_array([name] * len(dataset)), **dataset.columns}
    order = [FILE_COLUMN, *(dataset.header_order or list(dataset.columns))]
    return Dataset(columns, dataset.schema, source_rows=dataset.source_rows,
                   first_row=dataset.first_row, header_order=order,
                   row_problems=dataset.row_problems)


def subset(dataset: Dataset, rows: np.ndarray) -> Dataset:
    """Some rows of a dataset as a new one, keeping the row numbers the file shows for them."""
    rows = np.asarray(rows, dtype=np.int64)
    where = {int(r): i for i, r in enumerate(rows.tolist())}
    columns = {}
    for name, col in dataset.columns.items():
        if isinstance(col, NumericColumn):
            text = {where[r]: t for r, t in col.text.items() if r in where}
            columns[name] = NumericColumn(values=col.values[rows], text=text)
        else:
            columns[name] = col[rows]
    source_rows = np.array([dataset.spreadsheet_row(int(r)) for r in rows], dtype=np.int64)
    problems = {where[r]: t for r, t in dataset.row_problems.items() if r in where}
    return Dataset(columns, dataset.schema, source_rows=source_rows, first_row=dataset.first_row,
                   header_order=dataset.header_order, row_problems=problems)


def concat(datasets: list[Dataset]) -> Dataset:
    """Datasets of the same schema one after another (their row numbers kept)."""
    if len(datasets) == 1:
        return datasets[0]
    first = datasets[0]
    offsets = np.cumsum([0] + [len(d) for d in datasets])
    columns = {}
    for name, col in first.columns.items():
        if isinstance(col, NumericColumn):
            text = {}
            for off, d in zip(offsets, datasets):
                text.update({int(off) + r: t for r, t in d.columns[name].text.items()})
            columns[name] = NumericColumn(
                values=np.concatenate([d.columns[name].values for d in datasets]), text=text)
        else:
            columns[name] = text_array(np.concatenate([np.asarray(d.columns[name], dtype=object)
                                                       for d in datasets]))
    source_rows = np.concatenate([np.array([d.spreadsheet_row(i) for i in range(len(d))],
                                           dtype=np.int64) for d in datasets])
    problems = {}
    for off, d in zip(offsets, datasets):
        problems.update({int(off) + r: t for r, t in d.row_problems.items()})
    return Dataset(columns, first.schema, source_rows=source_rows, first_row=first.first_row,
                   header_order=first.header_order, row_problems=problems)


@dataclass(frozen=True)
class DensityMarks:
    """One class's density marks of the penalty plot: the centres of its non-empty bins of p,
    the loss there (on the class's curve, in the units asked), the rows in each bin and its
    size class (0 .. levels − 1)."""

    x: np.ndarray
    y: np.ndarray
    count: np.ndarray
    level: np.ndarray


def density_marks(density: tuple[np.ndarray, np.ndarray], options: LossOptions, units: str,
                  levels: int = 6) -> tuple[DensityMarks, DensityMarks]:
    """(class 1, class 0) marks of the counted bins, on one size scale for both classes."""
    from .penalty import bin_heights, density_levels

    centres = (np.arange(DENSITY_BINS) + 0.5) / DENSITY_BINS
    both = np.concatenate(density)
    scale = density_levels(both, levels) if both.size else both
    out = []
    for k, counts in enumerate(density):
        bins = np.flatnonzero(counts)
        heights = bin_heights(centres[bins], options, units)[k]
        level = scale[k * DENSITY_BINS + bins] if bins.size else bins
        out.append(DensityMarks(centres[bins], heights, counts[bins], level))
    return out[0], out[1]
