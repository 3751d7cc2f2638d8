"""A reader's text column (a polars ``String`` series) as a numpy text column, without a Python
object per cell.

IDs and extra columns are kept as numpy variable-width strings (:data:`~bce_gui.core.dataset.TEXT`:
16 bytes a short cell, editable, sortable). The obvious route, ``series.to_numpy()``, makes a
Python ``str`` for every cell and then packs it: about 350 ns a cell, 3.5 s for an ID column of
ten million rows. Here the cells go from the reader's own storage to numpy's in bulk:

* polars keeps a string column as Arrow *string views*: 16 bytes a cell, the first 4 its length
  in bytes, and a cell of up to 12 bytes (most IDs) stored in the other 12, zero-padded. Those
  bytes are a fixed-width byte string (numpy ``S12``, or narrower when the cells are), which
  numpy turns into its own strings in one cast (UTF-8 decoded, trailing zero bytes dropped). The views are read through the Arrow C
  stream interface (``__arrow_c_stream__``, https://arrow.apache.org/docs/format/CStreamInterface.html),
  with ctypes: no pyarrow needed.
* a longer cell (a UUID, a note) and the rare short cell a fixed-width byte string cannot carry
  (one ending in a zero byte, which the cast would drop) go through Python text, as before:
  for cells of 30 bytes and more that is as fast as anything numpy offers.

Python text is made later, only for the cells a view shows.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable

import numpy as np

from ..dataset import TEXT
from .errors import ReadCancelled

INLINE = 12  # bytes of a string view that hold a short cell


def text_column(series, is_cancelled: Callable[[], bool] | None = None,
                out: np.ndarray | None = None) -> np.ndarray:
    """``series`` (any polars dtype; read as text) as an owned, writable ``TEXT`` array; a missing
    cell (null) becomes "". ``out``: the array to fill (``TEXT``, as long as the series)."""
    import polars as pl

    if series.dtype != pl.String:
        series = series.cast(pl.String)
    if series.null_count():
        series = series.fill_null("")
    n = series.len()
    out = np.empty(n, dtype=TEXT) if out is None else out
    if n == 0:
        return out
    chunks = _view_chunks(series)
    if chunks is None:  # no string views (another Arrow layout): Python text, as before
        _fill_objects(out, series, slice(None))
        return out
    start = 0
    for views in chunks:
        if is_cancelled is not None and is_cancelled():
            raise ReadCancelled()
        k = views.shape[0]
        part = out[start:start + k]
        lengths = views.view(np.int32)[:, 0]
        long = np.flatnonzero(lengths > INLINE)
        if 2 * long.size > k:  # mostly long cells (UUIDs, notes): Python text is faster there
            _fill_objects(part, series, slice(start, start + k), slice(None))
            start += k
            continue
        # Every cell as if short, as wide as the widest short cell of the chunk (a narrower
        # fixed width casts faster); numpy decodes the UTF-8. Long cells are set after.
        width = max(1, min(INLINE, int(lengths.max())))
        # (the cells' bytes where they are: 16 bytes apart, 4 bytes into each view)
        inline = np.ndarray((k,), dtype=f"S{width}", buffer=views, offset=4,
                            strides=(views.strides[0],))
        part[...] = inline
        # The long cells, and the short ones that lost a trailing zero byte in the cast (the
        # byte string's length, its trailing zeros dropped, is not the cell's), through Python
        # text.
        rows = long
        lost = np.flatnonzero((np.strings.str_len(inline) != lengths) & (lengths <= width))
        if lost.size:
            rows = np.union1d(long, lost)
        if rows.size:
            _fill_objects(part, series, rows + start, rows)
        start += k
    return out


def _fill_objects(out: np.ndarray, series, rows, at=None) -> None:
    """``out[at]`` (default: ``rows``) = the cells ``rows`` of ``series`` (no nulls), through
    Python text: for the cells a bulk cast cannot carry."""
    cells = series[rows] if isinstance(rows, slice) else series.gather(rows)
    out[rows if at is None else at] = cells.to_list()


# --------------------------------------------------------------------------------------------
# Arrow's C stream interface, read with ctypes
# --------------------------------------------------------------------------------------------


class _ArrowSchema(ctypes.Structure):
    pass


_ArrowSchema._fields_ = [
    ("format", ctypes.c_char_p), ("name", ctypes.c_char_p), ("metadata", ctypes.c_char_p),
    ("flags", ctypes.c_int64), ("n_children", ctypes.c_int64),
    ("children", ctypes.POINTER(ctypes.POINTER(_ArrowSchema))),
    ("dictionary", ctypes.POINTER(_ArrowSchema)),
    ("release", ctypes.CFUNCTYPE(None, ctypes.POINTER(_ArrowSchema))),
    ("private_data", ctypes.c_void_p),
]


class _ArrowArray(ctypes.Structure):
    pass


_ArrowArray._fields_ = [
    ("length", ctypes.c_int64), ("null_count", ctypes.c_int64), ("offset", ctypes.c_int64),
    ("n_buffers", ctypes.c_int64), ("n_children", ctypes.c_int64),
    ("buffers", ctypes.POINTER(ctypes.c_void_p)),
    ("children", ctypes.POINTER(ctypes.POINTER(_ArrowArray))),
    ("dictionary", ctypes.POINTER(_ArrowArray)),
    ("release", ctypes.CFUNCTYPE(None, ctypes.POINTER(_ArrowArray))),
    ("private_data", ctypes.c_void_p),
]


class _ArrowArrayStream(ctypes.Structure):
    pass


_ArrowArrayStream._fields_ = [
    ("get_schema", ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(_ArrowArrayStream),
                                    ctypes.POINTER(_ArrowSchema))),
    ("get_next", ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(_ArrowArrayStream),
                                  ctypes.POINTER(_ArrowArray))),
    ("get_last_error", ctypes.CFUNCTYPE(ctypes.c_char_p, ctypes.POINTER(_ArrowArrayStream))),
    ("release", ctypes.CFUNCTYPE(None, ctypes.POINTER(_ArrowArrayStream))),
    ("private_data", ctypes.c_void_p),
]

_capsule_pointer = ctypes.pythonapi.PyCapsule_GetPointer
_capsule_pointer.restype = ctypes.c_void_p
_capsule_pointer.argtypes = [ctypes.py_object, ctypes.c_char_p]


def _view_chunks(series):
    """The string views of the series' Arrow chunks (uint8, one row of 16 bytes a cell), one
    chunk at a time, or None when polars does not hand out string views.

    The views point into the exported chunk, which is released when the next one is asked for
    (or the loop ends): use them before that, keep nothing of them.
    """
    try:
        capsule = series.__arrow_c_stream__()
    except (AttributeError, TypeError, NotImplementedError):
        return None
    stream = ctypes.cast(_capsule_pointer(capsule, b"arrow_array_stream"),
                         ctypes.POINTER(_ArrowArrayStream)).contents
    schema = _ArrowSchema()
    if stream.get_schema(ctypes.byref(stream), ctypes.byref(schema)) != 0:
        return None
    try:
        fmt = schema.format
    finally:
        schema.release(ctypes.byref(schema))
    if fmt != b"vu":  # utf8 view
        return None
    return _chunks(capsule, stream)


def _chunks(capsule, stream):
    """(The capsule is held here: it releases the stream when it goes.)"""
    while True:
        array = _ArrowArray()
        if stream.get_next(ctypes.byref(stream), ctypes.byref(array)) != 0:
            error = stream.get_last_error(ctypes.byref(stream))
            raise RuntimeError(f"reading a text column: {(error or b'').decode('utf-8', 'replace')}")
        if not array.release:  # the end of the stream
            return
        try:
            n, offset = int(array.length), int(array.offset)
            if array.null_count != 0:  # (the caller filled the nulls in: none are expected)
                raise RuntimeError("reading a text column: unexpected missing cells")
            yield _memory(array.buffers[1], (offset + n) * 16).reshape(-1, 16)[offset:]
        finally:
            array.release(ctypes.byref(array))


def _memory(address: int, nbytes: int) -> np.ndarray:
    """``nbytes`` bytes at ``address`` as a uint8 array (no copy: valid while its owner lives)."""
    if nbytes == 0:
        return np.empty(0, dtype=np.uint8)
    return np.frombuffer((ctypes.c_char * nbytes).from_address(address), dtype=np.uint8)
