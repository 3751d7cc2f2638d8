"""A reader's text column (a polars ``String`` series) as a numpy text column, without a Python
object per cell.

IDs and extra columns are kept as numpy variable-width strings (:data:`~bce_gui.core.dataset.TEXT`:
16 bytes a short cell, editable, sortable). The obvious route, ``series.to_numpy()``, makes a
Python ``str`` for every cell and then packs it: about 350 ns a cell, 3.5 s for an ID column of
ten million rows. Here the cells go from the reader's own storage to numpy's in bulk:

* polars keeps a string column as Arrow *string views*: 16 bytes a cell, the first 4 its length
  in bytes, and a cell of up to 12 bytes (most IDs) stored in the other 12, zero-padded. Those 12
  bytes are a fixed-width byte string (numpy ``S12``), which numpy turns into its own strings in
  one cast (UTF-8 decoded, trailing zero bytes dropped). The views are read through the Arrow C
  stream interface (``__arrow_c_stream__``, https://arrow.apache.org/docs/format/CStreamInterface.html),
  with ctypes: no pyarrow needed.
* a longer cell is padded by polars with zero bytes to its group's width and read as one
  ``S<width>`` block (``bin.reinterpret`` to fixed-size bytes), cast the same way;
* the rare cells a fixed-width byte string cannot carry (a cell ending in a zero byte, whose
  zeros the cast would drop; cells longer than :data:`LONGEST_PADDED` bytes) are converted one
  by one, as before.

Python text is made later, only for the cells a view shows.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable

import numpy as np

from ..dataset import TEXT
from .errors import ReadCancelled

#: Cells up to this many bytes are padded to a fixed width and cast in bulk; longer ones (rare:
#: a free-text note) are converted one by one.
LONGEST_PADDED = 1024
#: Bytes of padded text made at once (rows × width), so a few long cells cost little memory.
PAD_BLOCK_BYTES = 32 << 20
INLINE = 12  # bytes of a string view that hold a short cell


def text_column(series, is_cancelled: Callable[[], bool] | None = None) -> np.ndarray:
    """``series`` (any polars dtype; read as text) as an owned, writable ``TEXT`` array; a missing
    cell (null) becomes ""."""
    import polars as pl

    if series.dtype != pl.String:
        series = series.cast(pl.String)
    n = series.len()
    out = np.empty(n, dtype=TEXT)
    if n == 0:
        return out
    chunks = _view_chunks(series)
    if chunks is None:  # no string views (another Arrow layout): every cell through padding
        _fill_padded(out, series, np.arange(n), is_cancelled)
        return out
    start = 0
    long_rows = []
    for views, valid in chunks:
        if is_cancelled is not None and is_cancelled():
            raise ReadCancelled()
        k = views.shape[0]
        part = out[start:start + k]
        lengths = views.view(np.int32)[:, 0]
        inline = views[:, 4:].view(f"S{INLINE}")[:, 0]
        part[...] = inline  # every cell as if short (numpy decodes the UTF-8); long ones follow
        if valid is not None:
            part[~valid] = ""
            lengths = np.where(valid, lengths, 0)
        long_rows.append(np.flatnonzero(lengths > INLINE) + start)
        # A short cell ending in a zero byte lost it in the cast (S12 drops trailing zeros):
        # such cells (if any) go one by one.
        lost = np.flatnonzero((np.strings.str_len(inline) != lengths) & (lengths <= INLINE))
        if lost.size:
            _fill_objects(out, series, lost + start)
        start += k
    rows = np.concatenate(long_rows) if long_rows else np.empty(0, dtype=np.int64)
    if rows.size:
        _fill_padded(out, series, rows, is_cancelled)
    return out


def _fill_padded(out: np.ndarray, series, rows: np.ndarray,
                 is_cancelled: Callable[[], bool] | None) -> None:
    """Set ``out[rows]`` from ``series``: cells up to LONGEST_PADDED bytes padded with zero bytes
    to a common width per group (by length: a few long cells do not widen the short ones) and
    cast in bulk; the others one by one."""
    import polars as pl

    sub = series.gather(rows).fill_null("")
    length = sub.str.len_bytes().to_numpy()
    for low, high in ((0, 32), (32, 128), (128, LONGEST_PADDED)):
        group = np.flatnonzero((length > low) & (length <= high))
        step = max(1, PAD_BLOCK_BYTES // high)
        for g in range(0, group.size, step):
            if is_cancelled is not None and is_cancelled():
                raise ReadCancelled()
            idx = group[g:g + step]
            cells = sub.gather(idx)
            width = int(length[idx].max())
            col = pl.col("s")
            # pad_end counts characters: pad by (width − bytes) characters to make width bytes.
            padded = pl.DataFrame({"s": cells}).select(
                col.str.pad_end(pl.lit(width, dtype=pl.UInt32) - col.str.len_bytes() + col.str.len_chars(),
                                "\x00").cast(pl.Binary).bin.reinterpret(dtype=pl.Array(pl.UInt8, width))
            ).to_series().to_numpy()
            fixed = np.ascontiguousarray(padded).view(f"S{width}").ravel()
            out[rows[idx]] = fixed
            # A cell ending in a zero byte lost it in the cast: those go one by one.
            ends = padded[np.arange(idx.size), length[idx] - 1]
            lost = np.flatnonzero(ends == 0)
            if lost.size:
                _fill_objects(out, series, rows[idx[lost]])
    empty = np.flatnonzero(length == 0)
    out[rows[empty]] = ""
    rest = np.flatnonzero(length > LONGEST_PADDED)
    if rest.size:
        _fill_objects(out, series, rows[rest])


def _fill_objects(out: np.ndarray, series, rows: np.ndarray) -> None:
    """Set ``out[rows]`` cell by cell through Python text (the few cells bulk casts cannot carry)."""
    out[rows] = ["" if t is None else t for t in series.gather(rows).to_list()]


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
    """The series' Arrow chunks as (views: uint8 (rows, 16), valid: bool mask or None) one at a
    time, or None when polars does not hand out string views.

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
            views = _memory(array.buffers[1], (offset + n) * 16).reshape(-1, 16)[offset:]
            valid = None
            if array.null_count != 0 and array.buffers[0]:
                bits = _memory(array.buffers[0], (offset + n + 7) // 8)
                valid = np.unpackbits(bits, bitorder="little")[offset:offset + n].astype(bool)
            yield views, valid
        finally:
            array.release(ctypes.byref(array))


def _memory(address: int, nbytes: int) -> np.ndarray:
    """``nbytes`` bytes at ``address`` as a uint8 array (no copy: valid while its owner lives)."""
    if nbytes == 0:
        return np.empty(0, dtype=np.uint8)
    return np.frombuffer((ctypes.c_char * nbytes).from_address(address), dtype=np.uint8)
