"""Formula cells an .xlsx file holds without a saved result.

A workbook written by a program that does not calculate (openpyxl, many exporters) stores
``=B2*0.5`` with no cached value; calamine, which reads only values, sees an empty cell, and the
row would be reported as "missing value". This finds those cells in the sheet's XML so the reader
can keep the formula as the cell's text and say what it is.
"""

from __future__ import annotations

import html
import posixpath
import re
import zipfile
from pathlib import Path

_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#: A formula cell closed without a <v> value: "<f>A1*2</f></c>" or a shared "<f .../></c>".
_NO_VALUE = re.compile(rb"</f>\s*</c>|<f\b[^>]*/>\s*</c>")
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
        if b"<v>" in body or b"<v " in body or b"<is>" in body:
            first_column = column if first_column is None else min(first_column, column)
        elif b"<f" in body:
            formula = _FORMULA.search(body)
            text = html.unescape(formula.group(1).decode("utf-8", errors="replace")) if formula and formula.group(1) \
                else "(shared formula)"
            found[(int(ref.group(2)) - 1, column)] = f"={text}"
    offset = first_column or 0
    return {(row, column - offset): text for (row, column), text in found.items() if column >= offset}
