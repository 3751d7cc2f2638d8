"""Undo commands: every change to the data is one of these, pushed on the document's stack."""

from __future__ import annotations

import functools
import sys

import numpy as np
from PySide6.QtGui import QUndoCommand

from ..core.dataset import NumericColumn
from .document import Document


def _guarded(method):
    """Qt calls redo()/undo() from C++: an escaping Python exception there can abort the process.

    Report it through ``sys.excepthook`` (the app shows it in a dialog) instead.
    """

    @functools.wraps(method)
    def wrapper(self, *args):
        try:
            return method(self, *args)
        except Exception:  # noqa: BLE001 - reported, never swallowed
            sys.excepthook(*sys.exc_info())
            return None

    return wrapper


class SetCellsCommand(QUndoCommand):
    """Set one or more cells to new text (typing, paste, clear, cut)."""

    def __init__(self, doc: Document, edits: list[tuple[int, str, str]], text: str) -> None:
        super().__init__(text)
        self.doc = doc
        self.new = edits
        self.old = [(row, role, doc.dataset.cell_text(role, row)) for row, role, _ in edits]

    @_guarded
    def redo(self) -> None:
        self.doc.apply_cells(self.new)

    @_guarded
    def undo(self) -> None:
        self.doc.apply_cells(self.old)


class InsertRowsCommand(QUndoCommand):
    def __init__(self, doc: Document, at: int, count: int, text: str | None = None) -> None:
        super().__init__(text or (f"Insert {count} rows" if count > 1 else "Insert row"))
        self.doc, self.at, self.count = doc, at, count

    @_guarded
    def redo(self) -> None:
        self.doc.apply_insert(self.at, self.count)

    @_guarded
    def undo(self) -> None:
        self.doc.apply_remove(np.arange(self.at, self.at + self.count))


class RemoveRowsCommand(QUndoCommand):
    def __init__(self, doc: Document, rows: np.ndarray) -> None:
        rows = np.unique(np.asarray(rows, dtype=np.int64))
        super().__init__(f"Delete {rows.size} rows" if rows.size != 1 else "Delete row")
        self.doc, self.rows, self.snap = doc, rows, None

    @_guarded
    def redo(self) -> None:
        self.snap = self.doc.apply_remove(self.rows)

    @_guarded
    def undo(self) -> None:
        self.doc.apply_restore(self.snap)


class WeightColumnCommand(QUndoCommand):
    """Add a weight column of ones, or remove the weight column (keeping it for undo)."""

    def __init__(self, doc: Document, add: bool) -> None:
        super().__init__("Add weight column" if add else "Remove weight column")
        self.doc = doc
        self.before = doc.dataset.weight
        n = len(doc.dataset)
        self.after = NumericColumn(np.ones(n)) if add else None

    @_guarded
    def redo(self) -> None:
        self.doc.apply_weight_column(self.after)

    @_guarded
    def undo(self) -> None:
        self.doc.apply_weight_column(self.before)


# ---------------------------------------------------------------------------------------------
# Operations the window calls (each is one undo step)
# ---------------------------------------------------------------------------------------------


def edit_cells(doc: Document, edits: list[tuple[int, str, str]], text: str = "Edit") -> None:
    edits = [e for e in edits if doc.dataset.cell_text(e[1], e[0]) != e[2]]
    if edits:
        doc.undo_stack.push(SetCellsCommand(doc, edits, text))


def insert_rows(doc: Document, at: int, count: int = 1) -> None:
    at = max(0, min(at, len(doc)))
    doc.undo_stack.push(InsertRowsCommand(doc, at, count))


def delete_rows(doc: Document, rows) -> None:
    rows = np.unique(np.asarray(list(rows), dtype=np.int64))
    if rows.size:
        doc.undo_stack.push(RemoveRowsCommand(doc, rows))


def paste_block(doc: Document, data_rows: list[int], roles: list[str], block: list[list[str]],
                append_from: int | None = None) -> int:
    """Paste a block of text cells.

    ``data_rows`` are the target data rows for the block's first rows (as the view maps them);
    rows of the block beyond them are appended at the end of the table. ``roles`` are the target
    columns for the block's columns (extra block columns are ignored). Returns the number of
    rows appended. One undo step.
    """
    n_extra = max(0, len(block) - len(data_rows))
    targets = list(data_rows[: len(block)])
    stack = doc.undo_stack
    stack.beginMacro(f"Paste {len(block)}×{len(roles)} cells")
    try:
        if n_extra:
            start = len(doc)
            stack.push(InsertRowsCommand(doc, start, n_extra, "Add rows for paste"))
            targets += list(range(start, start + n_extra))
        edits = []
        for r, cells in zip(targets, block):
            for role, text in zip(roles, cells):
                edits.append((int(r), role, text.strip()))
        edits = [e for e in edits if doc.dataset.cell_text(e[1], e[0]) != e[2]]
        if edits:
            stack.push(SetCellsCommand(doc, edits, "Paste"))
    finally:
        stack.endMacro()
    return n_extra


def set_weight_column(doc: Document, present: bool) -> None:
    if present != doc.has_weight:
        doc.undo_stack.push(WeightColumnCommand(doc, present))
