"""Compressed delimited text (``.csv.gz``, ``.tsv.gz``, ``.csv.zst``, ...): the same tables,
read through a decompressing stream.

Every text path reads a file's bytes through :func:`open_bytes`: a plain file is opened as it
is; a gzip or Zstandard file (known by its first bytes, whatever its name) is decompressed as it
is read, so the streamed ``compute`` keeps its flat memory and the in-memory reader sees the
text it would see in the uncompressed file. Decompression is the standard library's ``gzip``
and Zstandard's own library (``compression.zstd`` from Python 3.14, the ``zstandard`` package
before).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

from .errors import TableReadError

GZIP_MAGIC = b"\x1f\x8b"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
#: Suffixes of compressed files, stripped to find the table's own suffix (``.csv``).
COMPRESSED_SUFFIXES = (".gz", ".gzip", ".zst", ".zstd")


def compression_of(head: bytes) -> str | None:
    """"gzip", "zstd" or None, from a file's first bytes."""
    if head.startswith(GZIP_MAGIC):
        return "gzip"
    if head.startswith(ZSTD_MAGIC):
        return "zstd"
    return None


def inner_suffix(path: str | os.PathLike) -> str:
    """The table's suffix under a compression suffix: ``.csv`` for ``a.csv.gz``."""
    p = Path(path)
    if p.suffix.lower() in COMPRESSED_SUFFIXES:
        p = p.with_suffix("")
    return p.suffix.lower()


class _Counted:
    """A compressed file's raw handle, remembered so progress can be told in its bytes."""

    def __init__(self, stream: BinaryIO, raw: BinaryIO):
        self._stream = stream
        self._raw = raw

    def read(self, n: int = -1) -> bytes:
        try:
            return self._stream.read(n)
        except (OSError, EOFError, ValueError) as exc:  # a damaged or truncated archive
            raise TableReadError(getattr(self._raw, "name", None),
                                 f"cannot be decompressed ({exc})") from None

    def tell(self) -> int:
        """How far into the compressed file (for progress)."""
        return self._raw.tell()

    def fileno(self) -> int:
        return self._raw.fileno()

    def seek(self, offset: int, whence: int = 0) -> int:
        if (offset, whence) != (0, 0):
            raise OSError("a compressed stream can only be rewound")
        self._raw.seek(0)
        self._stream = _decompressor(self._raw, compression_of(self._raw.read(4)) or "")
        return 0

    def close(self) -> None:
        try:
            self._stream.close()
        finally:
            self._raw.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _decompressor(raw: BinaryIO, kind: str) -> BinaryIO:
    raw.seek(0)
    if kind == "gzip":
        import gzip

        return gzip.GzipFile(fileobj=raw, mode="rb")
    if kind == "zstd":
        try:
            from compression import zstd  # Python 3.14+
        except ImportError:
            import zstandard

            return zstandard.ZstdDecompressor().stream_reader(raw, read_across_frames=True)
        return zstd.ZstdFile(raw, mode="rb")
    raise ValueError(kind)


def open_bytes(path: str | os.PathLike) -> BinaryIO:
    """The file's bytes, decompressed if it is a gzip or Zstandard file. ``tell()`` and the
    size (``os.fstat(f.fileno())``) are those of the file on disk, for progress."""
    raw = open(path, "rb")
    kind = compression_of(raw.read(4))
    raw.seek(0)
    if kind is None:
        return raw
    return _Counted(_decompressor(raw, kind), raw)


def is_compressed(path: str | os.PathLike) -> bool:
    """True for a gzip or Zstandard file (by its first bytes)."""
    try:
        with open(path, "rb") as fh:
            return compression_of(fh.read(4)) is not None
    except OSError:
        return False


def read_decompressed(path: Path, limit: int | None = None, chunk: int = 1 << 24,
                      report=None) -> bytes:
    """The whole decompressed text (or its first ``limit`` bytes, for a preview).
    ``report(fraction)`` is told how far into the compressed file the read is."""
    size = max(os.path.getsize(path), 1)
    parts: list[bytes] = []
    have = 0
    with open_bytes(path) as fh:
        while limit is None or have < limit:
            block = fh.read(chunk if limit is None else min(chunk, limit - have))
            if not block:
                break
            parts.append(block)
            have += len(block)
            if report is not None:
                report(min(1.0, fh.tell() / size))
    return b"".join(parts)
