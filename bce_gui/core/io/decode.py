"""From a file to UTF-8 bytes: what the text readers start from.

Opening (a pipe, a FIFO or standard input is first spooled to a temporary file, since the readers
look at a file's beginning before reading it), reading in chunks (so that progress and
cancellation work on large files), refusing an empty or binary file, and decoding: a BOM,
UTF-16, UTF-8, else cp1252, else latin-1. The streamed path (:mod:`bce_gui.core.stream`) decodes
its blocks with the same decisions.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from .errors import TableReadError
from .options import ReadOptions


@contextmanager
def spooled(path: str | os.PathLike | None, stream: BinaryIO | None = None,
            name: str | None = None) -> Iterator[Path]:
    """A regular file with the bytes of ``path`` (or of ``stream``, e.g. standard input).

    A pipe, a FIFO or ``/dev/stdin`` can be read only once, and the readers look at a file's
    beginning before reading it (an 8-byte peek at a FIFO consumed those bytes, and opening it
    again waited forever). Such a source is copied once, a block at a time, into a temporary
    folder (under the name ``name``, or the source's own, so that messages still name it) and
    removed afterwards. A regular file is yielded as it is.
    """
    if stream is None:
        path = Path(path)
        try:
            st = os.stat(path)
        except OSError:
            yield path  # open_head reports why it cannot be opened
            return
        if stat.S_ISREG(st.st_mode) or stat.S_ISDIR(st.st_mode):
            yield path
            return
    label = name or (Path(path).name if path is not None else "stdin") or "stdin"
    with tempfile.TemporaryDirectory(prefix="bce-lab-") as folder:
        target = Path(folder) / label
        try:
            with open(target, "wb") as out:
                if stream is not None:
                    shutil.copyfileobj(stream, out, 1 << 20)
                else:
                    with open(path, "rb") as src:
                        shutil.copyfileobj(src, out, 1 << 20)
        except OSError as exc:
            raise TableReadError(label, f"cannot be read ({exc.strerror or exc})") from None
        yield target


def is_regular(path: str | os.PathLike) -> bool:
    """True for a regular file (or something that does not exist: the readers say so)."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode) or stat.S_ISDIR(os.stat(path).st_mode)
    except OSError:
        return True


def open_head(path: Path) -> bytes:
    """The first 8 bytes of the file, or the TableReadError that says why it cannot be opened."""
    try:
        if path.is_dir():
            raise TableReadError(path, "is a folder, not a file")
        with open(path, "rb") as fh:
            return fh.read(8)
    except FileNotFoundError:
        raise TableReadError(path, "no such file") from None
    except PermissionError:
        raise TableReadError(path, "permission denied: the file cannot be opened") from None
    except OSError as exc:
        raise TableReadError(path, f"cannot be opened ({exc.strerror or exc})") from None


#: The beginning of a file a preview reads (its first rows, then whole lines only): the same
#: megabyte as the direct read's look at the head (text_tables.HEAD_BYTES). A later problem
#: (a badly quoted field, a byte of another encoding) is found by the read of the whole file.
PREVIEW_BYTES = 1 << 20


def read_bytes(path: Path, options: ReadOptions, chunk: int = 1 << 24) -> bytes:
    """The whole file, read in chunks so that progress and cancellation work on large files
    (a gzip or Zstandard file decompressed)."""
    from .compressed import is_compressed, read_decompressed

    if is_compressed(path):  # a .gz or .zst file: its text
        limit = None if options.n_rows is None else PREVIEW_BYTES + 1
        data = read_decompressed(path, limit, report=lambda f: options.report(
            0.5 * f, f"Reading {path.name}"))
        more = limit is not None and len(data) == limit
        data = data[:limit - 1] if more else data
        return data[:data.rfind(b"\n") + 1] if more and b"\n" in data else data
    if options.n_rows is not None:
        with open(path, "rb") as fh:  # a preview needs only the beginning
            data, more = fh.read(PREVIEW_BYTES), fh.read(1)
        return data[:data.rfind(b"\n") + 1] if more and b"\n" in data else data
    if options.progress is None and options.is_cancelled is None:
        return path.read_bytes()
    size = max(path.stat().st_size, 1)
    parts = []
    with open(path, "rb") as fh:
        while True:
            block = fh.read(chunk)
            if not block:
                break
            parts.append(block)
            options.report(0.5 * min(1.0, sum(map(len, parts)) / size), f"Reading {path.name}")
    return b"".join(parts)


def check_raw(path: Path, raw: bytes, complete: bool = True) -> None:
    """Refuse an empty or binary file from its bytes (``complete``: ``raw`` is the whole file,
    not only its beginning, so that a blank beginning means an empty file)."""
    if complete and (not raw or raw.isspace()):  # (strip() would copy the whole file)
        raise TableReadError(path, "is empty")
    if not raw.startswith((b"\xff\xfe", b"\xfe\xff")) and _looks_binary(raw[:4096]):
        raise TableReadError(path, "is not a text table (it looks like a binary file)")


def _looks_binary(sample: bytes) -> bool:
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return control > max(8, len(sample) // 100)


def decode(path: Path, data: bytes, encoding: str | None) -> tuple[bytes, str]:
    """Return UTF-8 bytes (no BOM) and the name of the encoding the file was in."""
    if encoding:
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise TableReadError(path, f"cannot be decoded as {encoding} ({exc})") from None
        return text.lstrip("\ufeff").encode("utf-8"), encoding
    if data.startswith(b"\xef\xbb\xbf"):
        data, bom = data[3:], True
    else:
        bom = False
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16").encode("utf-8"), "utf-16"
        except UnicodeDecodeError:
            raise TableReadError(path, "starts like UTF-16 text but cannot be decoded") from None
    if data.isascii():
        return data, "utf-8-sig" if bom else "utf-8"
    try:
        data.decode("utf-8")
        return data, "utf-8-sig" if bom else "utf-8"
    except UnicodeDecodeError:
        pass
    for enc in ("cp1252", "latin-1"):
        try:
            return data.decode(enc).encode("utf-8"), enc
        except UnicodeDecodeError:
            continue
    raise TableReadError(path, "is not readable text")  # pragma: no cover - latin-1 decodes all
