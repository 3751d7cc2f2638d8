"""A data set: one file, a folder of part files, or a glob (``data/*.parquet``, ``part-*.csv``).

Analysts' large tables are often written as a folder of parts (by Spark, Dask, polars or
pandas), sometimes in Hive-style sub-folders (``year=2024/part-0.parquet``). A data set is read
as one table: its parts in name order (sub-folders included), all of one format, all with the
same columns (and, for Parquet and Arrow, the same column types); a part that differs is an
error naming it. Files a writer leaves beside the parts (``_SUCCESS``, ``_metadata``,
``.crc`` files, hidden files) are not parts.

A source with ``://`` (``s3://bucket/data/*.parquet``) is listed through fsspec, the file
systems Dask uses; its parts are then read by polars from those URLs.
"""

from __future__ import annotations

import glob as globlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from .columnar import COLUMNAR_SUFFIXES, columnar_kind, schema_of
from .compressed import compression_of, inner_suffix
from .errors import TableReadError
from .spreadsheets import SPREADSHEET_SUFFIXES

#: Suffixes of the files a folder's parts may have (a compressed one by its inner suffix).
TEXT_SUFFIXES = (".csv", ".tsv", ".tab", ".txt")
PART_SUFFIXES = TEXT_SUFFIXES + COLUMNAR_SUFFIXES
_GLOB_CHARS = "*?["


@dataclass(frozen=True)
class Part:
    """One file of a data set: its path (or URL), its format ("parquet", "ipc", "ipc-stream",
    "text" or "spreadsheet") and a short name for messages (its path inside the folder)."""

    path: str
    kind: str
    label: str


@dataclass
class DataSource:
    """What a source names: its parts in order, and what it was given as."""

    source: str
    parts: list[Part] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.parts[0].kind

    @property
    def several(self) -> bool:
        """True for a folder or a glob (rows are then numbered within their part)."""
        return len(self.parts) > 1 or self.is_collection

    is_collection: bool = False


def is_url(source: str) -> bool:
    return "://" in source


def has_glob(source: str) -> bool:
    return any(ch in source for ch in _GLOB_CHARS)


def is_data_set(source: str | os.PathLike) -> bool:
    """True for a folder or a glob pattern (several parts to read as one table)."""
    s = str(source)
    if is_url(s):
        return has_glob(s) or s.endswith("/")
    return Path(s).is_dir() or (has_glob(s) and not Path(s).exists())


def file_kind(path: str | os.PathLike, head: bytes | None = None) -> str:
    """The format of one file: "parquet", "ipc", "ipc-stream", "spreadsheet" or "text"."""
    if head is None and not is_url(str(path)):
        try:
            with open(path, "rb") as fh:
                head = fh.read(8)
        except OSError:
            head = b""
    if head is not None:
        kind = columnar_kind(path, head)
        if kind is not None:
            return kind
        if compression_of(head) is None and (head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0"))):
            return "spreadsheet"
    suffix = inner_suffix(path)
    if suffix in (".parquet", ".pq", ".parq"):
        return "parquet"
    if suffix in (".arrow", ".feather", ".ipc"):
        return "ipc"
    if suffix in SPREADSHEET_SUFFIXES:
        return "spreadsheet"
    return "text"


def _is_part_name(name: str) -> bool:
    if name.startswith((".", "_")) or name.endswith(".crc"):
        return False
    return inner_suffix(name) in PART_SUFFIXES or Path(name).suffix.lower() in PART_SUFFIXES


def resolve(source: str | os.PathLike | list) -> DataSource:
    """The parts of a source, in order: a file, a folder, a glob, or a list of files (a glob the
    shell expanded). Raises :class:`TableReadError` for a folder or glob without parts or with
    parts of two formats."""
    if isinstance(source, (list, tuple)):
        if len(source) == 1:
            return resolve(source[0])
        paths = [str(p) for p in source]
        base = os.path.commonpath(paths) if not any(is_url(p) for p in paths) else ""
        return _checked(base or paths[0], [Part(p, file_kind(p), _label(p, base)) for p in paths])
    s = str(source)
    if not is_data_set(s):
        path = s if is_url(s) else Path(s)
        return DataSource(source=s, parts=[Part(str(path), file_kind(path), Path(s).name)])
    paths = _list_url(s) if is_url(s) else _list_local(s)
    if not paths:
        what = "folder" if not has_glob(s) else "pattern"
        raise TableReadError(s, f"this {what} holds no table files (.parquet, .arrow, .csv, "
                                ".tsv, also compressed as .gz or .zst)")
    # Labels are paths below the folder (for a glob: the folder its pattern starts in).
    base = s if not has_glob(s) else s[: min(s.find(c) for c in _GLOB_CHARS if c in s)]
    if has_glob(s):
        base = base[: max(base.rfind("/"), base.rfind(os.sep)) + 1]
    return _checked(s, [Part(p, file_kind(p), _label(p, base)) for p in paths])


def _checked(s: str, parts: list[Part]) -> DataSource:
    kinds = {_family(p.kind) for p in parts}
    if len(kinds) > 1:
        first = parts[0]
        other = next(p for p in parts if _family(p.kind) != _family(first.kind))
        raise TableReadError(s, f"mixes formats: {first.label} is {_family(first.kind)} but "
                                f"{other.label} is {_family(other.kind)}; a data set's parts "
                                "must all have one format")
    if any(p.kind == "spreadsheet" for p in parts):
        raise TableReadError(s, "spreadsheets cannot be read as parts of a data set; export "
                                "them as CSV or Parquet")
    return DataSource(source=s, parts=parts, is_collection=True)


def _family(kind: str) -> str:
    return {"parquet": "Parquet", "ipc": "Arrow", "ipc-stream": "Arrow", "text": "text",
            "spreadsheet": "spreadsheet"}[kind]


def _label(path: str, base: str) -> str:
    base = base.rstrip("/\\")
    if base and path.startswith(base):
        rel = path[len(base):].lstrip("/\\")
        if rel:
            return rel
    return Path(path).name


def _list_local(source: str) -> list[str]:
    if Path(source).is_dir():
        found = [str(p) for p in Path(source).rglob("*") if p.is_file()
                 and _is_part_name(p.name) and not any(q.startswith((".", "_")) and "=" not in q
                                                        for q in p.relative_to(source).parts[:-1])]
    else:
        found = [p for p in globlib.glob(os.path.expanduser(source), recursive=True)
                 if Path(p).is_file()]
    return sorted(found, key=_natural)


def _list_url(source: str) -> list[str]:
    try:
        import fsspec
    except ImportError:
        raise TableReadError(source, "a URL needs fsspec to list its files (pip install "
                                     "'bce-lab[cluster]')") from None
    fs, _, _ = fsspec.get_fs_token_paths(source)
    protocol = source.split("://", 1)[0]
    if has_glob(source):
        paths = fs.glob(source)
    else:
        paths = [p for p in fs.find(source) if _is_part_name(Path(p).name)]
    return sorted((p if "://" in p else f"{protocol}://{p}" for p in paths), key=_natural)


def _natural(path: str):
    """part-2 before part-10: digits compare as numbers."""
    import re

    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", path)]


def check_same_columns(parts: list[Part], columns_of) -> None:
    """Raise naming the first part whose columns (names, and types where the format has them)
    differ from the first part's. ``columns_of(part)`` gives them."""
    if len(parts) < 2:
        return
    first = columns_of(parts[0])
    for part in parts[1:]:
        cols = columns_of(part)
        if cols != first:
            raise TableReadError(part.path, f"its columns differ from {parts[0].label}'s: "
                                            f"{describe_difference(first, cols)}; every part of a "
                                            "data set must have the same columns")


def describe_difference(first: dict, other: dict) -> str:
    missing = [n for n in first if n not in other]
    extra = [n for n in other if n not in first]
    if missing or extra:
        bits = []
        if missing:
            bits.append("no " + ", ".join(repr(n) for n in missing[:5]))
        if extra:
            bits.append("also " + ", ".join(repr(n) for n in extra[:5]))
        return "; ".join(bits)
    typed = [n for n in first if first[n] != other[n]]
    if typed:
        n = typed[0]
        return f"column {n!r} is {other[n]} here, {first[n]} there"
    return "the columns are in another order"


def columnar_columns(part: Part) -> dict:
    """A Parquet/Arrow part's column names and types (from its metadata)."""
    return {name: str(dtype) for name, dtype in schema_of(part.path, part.kind).items()}
