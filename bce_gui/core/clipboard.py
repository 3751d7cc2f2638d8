"""Tab-separated text, as spreadsheets put on the clipboard."""

from __future__ import annotations

import csv
import io


def parse_block(text: str) -> list[list[str]]:
    """Split clipboard text into rows of cells (tabs between cells, newlines between rows).

    Spreadsheets quote a cell that contains a tab or a newline; those quotes are honoured. A
    trailing newline does not make an extra empty row.
    """
    if not text:
        return []
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.endswith("\n"):
        text = text[:-1]
    if "\t" not in text and "\n" not in text:
        # One cell. Unquote it only if it is one well-formed quoted field ("" or "a ""b"""),
        # as format_block writes it; any other text is kept exactly as it is.
        inner = text[1:-1]
        if len(text) >= 2 and text[0] == text[-1] == '"' and '"' not in inner.replace('""', ""):
            return [[inner.replace('""', '"')]]
        return [[text]]
    rows = list(csv.reader(io.StringIO(text), delimiter="\t", quotechar='"'))
    return [row if row else [""] for row in rows]


def format_block(rows: list[list[str]]) -> str:
    """Rows of cells as tab-separated text that spreadsheets paste back cell by cell."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t", quotechar='"', lineterminator="\n",
                        quoting=csv.QUOTE_MINIMAL)
    writer.writerows(rows)
    return out.getvalue()
