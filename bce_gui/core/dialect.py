"""The dialect of a delimited text file: delimiter, decimal mark, encoding and line ends.

A file is saved in the dialect it was read in (a German Excel's ``;``-separated, decimal-comma,
CRLF file stays one), and a new file gets a dialect that suits the user's locale: decimal comma
and ``;`` where the comma is the decimal mark, and UTF-8 with a byte-order mark when the text is
not ASCII, without which Excel shows CJK or Arabic IDs as mojibake.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

#: Python codec names of the encodings as the reader reports them; "utf-8-sig" has a BOM.
_ENCODING_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 with BOM", "utf-16": "UTF-16",
                   "cp1252": "Windows-1252", "latin-1": "Latin-1"}
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}


@dataclass(frozen=True)
class CsvDialect:
    """How a delimited text file is written."""

    delimiter: str = ","
    decimal: str = "."
    encoding: str = "utf-8"
    line_end: str = "\n"

    def __post_init__(self) -> None:
        if self.decimal not in (".", ","):
            raise ValueError(f"decimal mark must be '.' or ',', not {self.decimal!r}")
        if self.line_end not in ("\n", "\r\n"):
            raise ValueError(f"line end must be LF or CRLF, not {self.line_end!r}")

    def describe(self) -> str:
        """"semicolon-separated, decimal comma, UTF-8 with BOM, CRLF" (for a status message)."""
        parts = [f"{_DELIMITER_NAMES.get(self.delimiter, repr(self.delimiter))}-separated",
                 "decimal comma" if self.decimal == "," else "decimal point",
                 _ENCODING_NAMES.get(self.encoding, self.encoding)]
        if self.line_end == "\r\n":
            parts.append("CRLF line ends")
        return ", ".join(parts)

    def to_dict(self) -> dict[str, str]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data) -> CsvDialect | None:
        """The dialect stored by :meth:`to_dict`, or None if ``data`` is not one."""
        if not isinstance(data, dict):
            return None
        try:
            return cls(**{k: str(data[k]) for k in ("delimiter", "decimal", "encoding", "line_end")})
        except (KeyError, ValueError, TypeError):
            return None


def dialect_of(info) -> CsvDialect | None:
    """The dialect a file was read in (from its :class:`~bce_gui.core.io.ImportInfo`);
    None for a spreadsheet."""
    if info.format not in ("csv", "tsv") or not info.delimiter:
        return None
    return CsvDialect(delimiter=info.delimiter, decimal=info.decimal or ".",
                      encoding=info.encoding or "utf-8",
                      line_end=getattr(info, "line_end", "\n") or "\n")


def suggested_dialect(fmt: str, decimal: str, ascii_text: bool, line_end: str = "\n") -> CsvDialect:
    """The dialect for a new CSV or TSV file: ``decimal`` is the decimal mark of the user's
    locale (a CSV with a decimal comma is ``;``-separated, as Excel there expects), UTF-8, with a
    BOM when the text is not ASCII."""
    delimiter = "\t" if fmt == "tsv" else (";" if decimal == "," else ",")
    return CsvDialect(delimiter=delimiter, decimal=decimal,
                      encoding="utf-8" if ascii_text else "utf-8-sig", line_end=line_end)


def detect_line_end(data: bytes) -> str:
    """CRLF when the text's first line ends so, else LF."""
    end = data.find(b"\n", 0, 1 << 16)
    return "\r\n" if end > 0 and data[end - 1:end] == b"\r" else "\n"


def text_is_ascii(dataset) -> bool:
    """Whether every text the dataset saves (headers, IDs, extra columns, typed cells) is ASCII."""
    names = list(dataset.column_names.values()) + list(dataset.header_order or [])
    if not "".join(str(n) for n in names).isascii():
        return False
    texts = []
    for column in dataset.columns.values():
        if isinstance(column, np.ndarray):
            texts.append(column)
        elif not "".join(column.text.values()).isascii():
            return False
    block = 100_000
    for values in texts:
        values = np.asarray(values)
        for start in range(0, values.size, block):
            if not "".join(map(str, values[start:start + block].tolist())).isascii():
                return False
    return True
