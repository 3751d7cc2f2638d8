"""Cells of an .xlsx that calamine reads as empty, found in the sheet's XML.

Formula cells without a saved result: a workbook written by a program that does not calculate
(openpyxl, many exporters) stores ``=B2*0.5`` with no cached value; calamine, which reads only
values, sees an empty cell, and the row would be reported as "missing value". Error cells
(``#N/A``, ``#DIV/0!``): calamine reads them as empty too. Finding both here lets the reader
keep what the sheet shows as the cell's text and say what it is.
"""

from __future__ import annotations

import html
import posixpath
import re
import zipfile
from pathlib import Path

_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#: A formula cell closed without a <v> value: "<f>A1*2</f></c>" or a shared "<f .../></c>",
#: or with an empty one, as openpyxl writes it: "<f>A1*2</f><v /></c>" (also "<v/>", "<v></v>").
_NO_VALUE = re.compile(rb"(?:</f>|<f\b[^>]*/>)\s*(?:<v\b[^>/]*/>|<v\b[^>/]*></v>)?\s*</c>")
#: A saved value: a <v> element that holds something, or an inline string.
_SAVED = re.compile(rb"<v\b[^>/]*>(?!</v>)|<is>")
_CELL = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.DOTALL)
_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')
_FORMULA = re.compile(rb"<f\b[^>]*?(?:/>|>(.*?)</f>)", re.DOTALL)


def _column_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n - 1


def _sheet_part(book: zipfile.ZipFile, sheet: str) -> str | None:
    """The zip member holding the worksheet named ``sheet``."""
    workbook = book.read("xl/workbook.xml").decode("utf-8", errors="replace")
    rid = None
    for match in re.finditer(r"<sheet\b[^>]*>", workbook):
        tag = match.group(0)
        name = re.search(r'\bname="([^"]*)"', tag)
        if name and html.unescape(name.group(1)) == sheet:
            found = re.search(r'\br:id="([^"]*)"', tag) or re.search(r'\bid="([^"]*)"', tag)
            rid = found.group(1) if found else None
            break
    if rid is None:
        return None
    rels = book.read("xl/_rels/workbook.xml.rels").decode("utf-8", errors="replace")
    for match in re.finditer(r"<Relationship\b[^>]*>", rels):
        tag = match.group(0)
        if re.search(rf'\bId="{re.escape(rid)}"', tag):
            target = re.search(r'\bTarget="([^"]*)"', tag).group(1)
            return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
    return None


def formulas_without_values(path: str | Path, sheet: str) -> dict[tuple[int, int], str]:
    """``{(0-based sheet row, 0-based column counted from the first column holding a value):
    "=formula"}`` for the formula cells of ``sheet`` saved without a result (as calamine's
    frame of the sheet indexes its cells). Empty when there are none or the file is not .xlsx."""
    try:
        with zipfile.ZipFile(path) as book:
            part = _sheet_part(book, sheet)
            if part is None:
                return {}
            data = book.read(part)
    except (OSError, KeyError, zipfile.BadZipFile, AttributeError):
        return {}
    if not _NO_VALUE.search(data):  # the usual case: every formula has its saved result
        return {}
    found: dict[tuple[int, int], str] = {}
    first_column = None
    for cell in _CELL.finditer(data):
        ref = _REF.search(cell.group(1))
        body = cell.group(2) or b""
        if ref is None:
            continue
        column = _column_index(ref.group(1))
        if _SAVED.search(body):
            first_column = column if first_column is None else min(first_column, column)
        elif b"<f" in body:
            formula = _FORMULA.search(body)
            text = html.unescape(formula.group(1).decode("utf-8", errors="replace")) if formula and formula.group(1) \
                else "(shared formula)"
            found[(int(ref.group(2)) - 1, column)] = f"={text}"
    offset = first_column or 0
    return {(row, column - offset): text for (row, column), text in found.items() if column >= offset}


def error_cells(path: str | Path, sheet_name: str) -> tuple[list[tuple[int, int, str]], int] | None:
    """``(row, column, text)`` of each error cell of ``sheet_name`` (1-based), and the sheet's
    first used column; None when it has none, or the file is not an .xlsx whose XML we understand.

    The sheet's XML is searched for error cells (``t="e"``) and parsed only when it has some.
    """
    try:
        with zipfile.ZipFile(path) as zf:
            xml_path = _sheet_part(zf, sheet_name)
            if xml_path is None:
                return None
            with zf.open(xml_path) as fh:
                if not _contains(fh, b't="e"'):
                    return None
            with zf.open(xml_path) as fh:
                return _parse_error_cells(fh)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, SyntaxError, AttributeError):
        return None


def _contains(fh, needle: bytes, block: int = 1 << 20) -> bool:
    tail = b""
    while True:
        chunk = fh.read(block)
        if not chunk:
            return False
        if needle in tail + chunk:
            return True
        tail = chunk[-len(needle):]


def _parse_error_cells(fh) -> tuple[list[tuple[int, int, str]], int]:
    """(row, column, text) of each error cell (1-based), and the first used column."""
    import xml.etree.ElementTree as ET

    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    errors = []
    first_col = None
    for _event, el in ET.iterparse(fh):
        if el.tag != f"{ns}c":
            continue
        ref = el.get("r", "")
        letters = ref.rstrip("0123456789")
        if letters and ref[len(letters):]:
            col = 0
            for ch in letters.upper():
                col = col * 26 + ord(ch) - 64
            first_col = col if first_col is None else min(first_col, col)
            if el.get("t") == "e":
                value = el.find(f"{ns}v")
                errors.append((int(ref[len(letters):]), col, (value.text or "#ERROR") if value is not None
                               else "#ERROR"))
        el.clear()
    return errors, first_col or 1
