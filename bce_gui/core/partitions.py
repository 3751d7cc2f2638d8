"""A data set as partitions, each evaluated by the same function wherever it runs.

A source (one file, a folder of parts, a glob; see :mod:`.io.datasets`) is cut into
:class:`Partition` s: a slice of rows of a Parquet or Arrow file, or a whole text file (streamed
a block at a time by :mod:`.stream`). :func:`evaluate_partition` reads one partition in pieces
and evaluates each with :func:`~bce_gui.core.evaluate.evaluate` through
:class:`~bce_gui.core.blocks.BlockTotals`, returning the exact partial sums, counts and capped
row lists. On one machine :func:`compute_source` runs the partitions in order and merges them;
the Dask engine (:mod:`.cluster`) runs the very same function on workers and merges their
results on the client in the same order. Both give the single-file result to the last digit.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, replace

from .blocks import BlockTotals, Visit
from .io import NoDataRows, ReadOptions
from .io.columnar import SLICE_ROWS, frames, info_for, row_count, schema_of
from .io.datasets import DataSource, Part, check_same_columns, columnar_columns, is_url, resolve
from .io.decode import is_regular, spooled
from .io.to_dataset import frame_to_dataset, map_frame
from .loss import LossOptions
from .metrics_settings import MetricsSettings

#: Rows of a Parquet or Arrow file in one partition of the Dask engine (a worker reads them a
#: slice of SLICE_ROWS at a time).
PARTITION_ROWS = 1 << 23

Progress = Callable[[float, int], None]


@dataclass(frozen=True)
class Partition:
    """What one task evaluates: rows [start, stop) of a columnar part, or a whole text part.
    ``index`` orders the partitions (their row lists merge in this order); ``weight`` is its
    share of the work for progress (rows, or bytes of a text file)."""

    part: Part
    index: int
    start: int = 0
    stop: int | None = None
    weight: float = 1.0
    #: The part's name in listed rows (a data set of several files), else None.
    name: str | None = None


def plan(source: DataSource, rows_per_partition: int | None = None) -> list[Partition]:
    """The partitions of a data set, in row order: one per text part; a columnar part in
    slices of ``rows_per_partition`` rows (one slice: the whole part)."""
    out: list[Partition] = []
    for part in source.parts:
        name = part.label if source.several else None
        if part.kind in ("parquet", "ipc", "ipc-stream"):
            total = row_count(part.path, part.kind)
            step = rows_per_partition or max(total, 1)
            for start in range(0, max(total, 1), step):
                stop = min(start + step, total)
                out.append(Partition(part, len(out), start, stop, float(max(stop - start, 1)), name))
        else:
            size = 1.0 if is_url(part.path) else float(max(os.path.getsize(part.path), 1))
            out.append(Partition(part, len(out), weight=size, name=name))
    return out


def check_parts(source: DataSource, read_options: ReadOptions | None = None) -> None:
    """Every part has the first part's columns (and, for Parquet and Arrow, their types);
    raises :class:`TableReadError` naming the first one that does not."""
    if len(source.parts) < 2:
        return
    if source.kind in ("parquet", "ipc", "ipc-stream"):
        check_same_columns(source.parts, columnar_columns)
        return
    from .io.read import load_frame
    from .io.text_tables import table_columns

    opts = replace(read_options or ReadOptions(), n_rows=20, progress=None, is_cancelled=None)

    def header(part: Part) -> dict:
        frame, info = load_frame(part.path, opts)
        names = table_columns(frame) if info.has_header else [str(len(table_columns(frame)))]
        return {name: "" for name in names}

    check_same_columns(source.parts, header)


def evaluate_partition(partition: Partition, options: LossOptions,
                       read_options: ReadOptions | None = None, *,
                       chunk_rows: int | None = None, progress: Progress | None = None,
                       visit: Visit | None = None, keep_text: bool = False,
                       metrics: MetricsSettings | None = None) -> BlockTotals:
    """Read one partition in pieces and evaluate each (the same on one machine and on a
    cluster's worker). ``progress(fraction of this partition, rows so far)``; ``metrics``:
    keep the statistics too (see :class:`~bce_gui.core.blocks.BlockTotals`)."""
    read_options = read_options or ReadOptions()
    part = partition.part
    if part.kind in ("parquet", "ipc", "ipc-stream"):
        return _columnar(partition, options, read_options, chunk_rows, progress, visit, keep_text,
                         metrics)
    from .stream import stream_compute

    try:
        result = stream_compute(part.path, options, read_options, chunk_rows=chunk_rows,
                                progress=progress, visit=visit, name=partition.name,
                                keep_text=keep_text, metrics=metrics)
    except NoDataRows:
        if partition.name is None:
            raise
        return BlockTotals(name=partition.name)  # an empty part of a data set adds nothing
    return result.blocks


def _columnar(partition: Partition, options: LossOptions, read_options: ReadOptions,
              chunk_rows, progress, visit, keep_text, metrics=None) -> BlockTotals:
    import polars as pl

    part = partition.part
    ropts = replace(read_options, n_rows=None, progress=None, is_cancelled=None)
    if not keep_text:
        ropts = replace(ropts, load_ids=False, load_extras=False)
    info = info_for(part.path, part.kind)
    schema = schema_of(part.path, part.kind)
    # The roles come from the names alone; only the columns needed are read.
    info = replace(info)  # (mapping notes what it found in it: K classes' columns, say)
    mapping = map_frame(pl.DataFrame(schema={n: pl.String for n in schema}), info, ropts)
    wanted = set()
    for role, value in mapping.items():  # (a role may name several columns: one per class)
        if role == "id" and not ropts.load_ids:
            continue
        wanted.update([value] if isinstance(value, str) else value)
    if info.class_columns is not None:  # K classes: the class columns too
        wanted.update(info.class_columns.columns)
    columns = list(schema) if ropts.load_extras else [n for n in schema if n in wanted]
    start = partition.start
    stop = partition.stop if partition.stop is not None else row_count(part.path, part.kind)
    rows = chunk_rows or SLICE_ROWS
    name = partition.name

    def piece(offset: int, frame) -> BlockTotals:
        out = BlockTotals(name=name, metrics_settings=metrics)
        try:
            dataset, _ = frame_to_dataset(frame, replace(info, first_line=offset), mapping, ropts)
        except NoDataRows:
            return out  # only blank rows
        out.add(dataset, options, visit)
        return out

    slices = frames(part.path, part.kind, start, stop, rows, columns)
    totals = BlockTotals(name=name)
    if visit is not None or PIECE_THREADS < 2:
        pieces = (piece(offset, frame) for offset, frame in slices)
    else:
        pieces = _overlapped(slices, piece)
    done = 0
    for got in pieces:
        totals.merge(got)
        done = totals.rows
        if progress is not None:
            progress(min(1.0, done / max(stop - start, 1)), totals.rows)
    totals.warnings.update(info.warnings)
    return totals


#: Slices of a Parquet or Arrow file read and evaluated at once (polars and numpy release the
#: GIL, so one slice is read while the one before is evaluated).
PIECE_THREADS = min(os.cpu_count() or 1, 4)


def _overlapped(slices, piece):
    """``piece(offset, frame)`` of each slice, in order, with up to PIECE_THREADS slices read
    and evaluated at the same time (and no more held: memory stays a few slices)."""
    import threading
    from collections import deque
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(PIECE_THREADS, thread_name_prefix="bce-slice") as pool:
        pending: deque = deque()
        source = iter(slices)
        lock = threading.Lock()

        def work():
            with lock:  # the slices are read in order
                item = next(source, None)
            return None if item is None else piece(*item)

        for _ in range(PIECE_THREADS):
            pending.append(pool.submit(work))
        while pending:
            got = pending.popleft().result()
            if got is None:
                continue
            pending.append(pool.submit(work))
            yield got


def compute_source(source: str | os.PathLike, options: LossOptions,
                   read_options: ReadOptions | None = None, *, chunk_rows: int | None = None,
                   progress: Progress | None = None, label: str | None = None,
                   visit: Visit | None = None, keep_text: bool = False,
                   on_partition: Callable[[Partition], None] | None = None,
                   metrics: MetricsSettings | None = None):
    """The ``compute`` summary of a file or data set on this machine, a piece at a time
    (a :class:`~bce_gui.core.stream.StreamResult`). A single CSV/TSV file (or spreadsheet)
    goes through :func:`~bce_gui.core.stream.stream_compute` as it always has. ``metrics``:
    the statistics too, in the summary and the result's ``insight``."""
    from .stream import StreamResult, stream_compute

    several = isinstance(source, (list, tuple))
    label = (" ".join(map(str, source)) if several else str(source)) if label is None else label
    if not several and not is_url(str(source)) and not is_regular(source):
        # a pipe or FIFO: read once, into a file
        with spooled(source) as regular:
            return compute_source(regular, options, read_options, chunk_rows=chunk_rows,
                                  progress=progress, label=label, visit=visit,
                                  keep_text=keep_text, on_partition=on_partition,
                                  metrics=metrics)
    data = resolve(source)
    if not data.several and data.kind in ("text", "spreadsheet"):
        return stream_compute(data.parts[0].path, options, read_options, chunk_rows=chunk_rows,
                              progress=progress, source=label, visit=visit, keep_text=keep_text,
                              metrics=metrics)
    check_parts(data, read_options)
    partitions = plan(data)
    blocks = run_partitions(partitions, options, read_options, chunk_rows=chunk_rows,
                            progress=progress, visit=visit, keep_text=keep_text,
                            on_partition=on_partition, metrics=metrics)
    if blocks.empty:
        raise NoDataRows(data.source, "has no data rows" if data.several else "has a header but no data rows")
    return StreamResult(summary=blocks.summary(options, label,
                                               getattr(read_options, "classes", None) is not None),
                        totals=blocks.totals(options),
                        streamed=True, n_chunks=blocks.n_blocks, blocks=blocks,
                        insight=blocks.insight(options))


def run_partitions(partitions: list[Partition], options: LossOptions,
                   read_options: ReadOptions | None = None, *, chunk_rows: int | None = None,
                   progress: Progress | None = None, visit: Visit | None = None,
                   keep_text: bool = False,
                   on_partition: Callable[[Partition], None] | None = None,
                   metrics: MetricsSettings | None = None) -> BlockTotals:
    """Evaluate the partitions one after another, merging in order (``on_partition`` is told
    of each before it is read)."""
    total_weight = sum(p.weight for p in partitions) or 1.0
    merged = BlockTotals()
    done = 0.0
    for partition in partitions:
        before = merged.rows
        if on_partition is not None:
            on_partition(partition)

        def part_progress(fraction: float, rows: int, _done=done, _w=partition.weight,
                          _before=before) -> None:
            if progress is not None:
                progress(min(1.0, (_done + fraction * _w) / total_weight), _before + rows)

        merged.merge(evaluate_partition(partition, options, read_options, chunk_rows=chunk_rows,
                                        progress=part_progress, visit=visit, keep_text=keep_text,
                                        metrics=metrics))
        done += partition.weight
        if progress is not None:
            progress(min(1.0, done / total_weight), merged.rows)
    return merged


def merge_in_order(results: dict[int, BlockTotals]) -> BlockTotals:
    """The partitions' totals merged in partition order (whatever order they finished in)."""
    merged = BlockTotals()
    for index in sorted(results):
        merged.merge(results[index])
    return merged

