"""A small data set (a folder or glob of parts) read whole, as one frame: what the window
opens when its rows fit in the table (larger ones get the streamed summary, ``core/large.py``).

The parts are read by the readers of their format and stacked in order; their rows are then
numbered 1, 2, ... through the whole data set, as the one table the window shows.
"""

from __future__ import annotations

from dataclasses import replace

from .datasets import resolve
from .options import ImportInfo, ReadOptions


def read_data_set(source: str, options: ReadOptions):
    """The parts of ``source`` stacked into one frame (the first ``options.n_rows`` rows for a
    preview), and an :class:`ImportInfo` for the whole (rows numbered from 1)."""
    import polars as pl

    from ..partitions import check_parts
    from .read import load_frame

    data = resolve(source)
    check_parts(data, options)
    frames = []
    have = 0
    first: ImportInfo | None = None
    for k, part in enumerate(data.parts):
        opts = replace(options, progress=None,
                       n_rows=None if options.n_rows is None else options.n_rows - have)
        options.report(0.7 * k / len(data.parts), f"Reading {part.label}")
        frame, info = load_frame(part.path, opts)
        first = first or info
        frames.append(frame)
        have += frame.height
        if options.n_rows is not None and have >= options.n_rows:
            break
    frame = pl.concat(frames, how="diagonal_relaxed") if len(frames) > 1 else frames[0]
    # Rows numbered 1, 2, ... through the data set (the parts' header lines are not rows).
    info = replace(first, path=source, first_line=0 if first.has_header else 1, warnings={})
    return frame, info
