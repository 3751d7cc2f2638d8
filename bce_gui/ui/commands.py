"""Undo commands: every change to the data is one of these, pushed on the document's stack."""

from __future__ import annotations

import functools
import sys

import numpy as np
from PySide6.QtGui import QUndoCommand

from dataclasses import fields

from ..core.clipboard import PastePlan
from ..core.dataset import CellBlock, ColumnRows, NumericColumn
from ..core.loss import LossOptions
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


class DataCommand(QUndoCommand):
    """A command that changes what Save writes (every command but a change of settings).

    Each gives the data a new state token when it runs and gives back the one before it when it
    is undone, so the document knows when undo and redo lead back to the data as saved
    (:attr:`Document.modified`), whatever settings steps lie between. Subclasses write
    ``_redo``/``_undo``.
    """

    def __init__(self, doc: Document, text: str) -> None:
        super().__init__(text)
        self.doc = doc
        self._before, self._after = doc.data_state, object()

    def _redo(self) -> None:
        raise NotImplementedError

    def _undo(self) -> None:
        raise NotImplementedError

    @_guarded
    def redo(self) -> None:
        self._step(self._redo, self._after)

    @_guarded
    def undo(self) -> None:
        self._step(self._undo, self._before)

    def _step(self, apply, state: object) -> None:
        try:
            apply()
        except Exception:
            self.doc.data_became(object())  # changed part way: neither before nor after, unsaved
            raise
        self.doc.data_became(state)


class SetCellsCommand(DataCommand):
    """Set one or more cells to new text (typing, paste, clear, cut)."""

    def __init__(self, doc: Document, edits: list[tuple[int, str, str]], text: str) -> None:
        super().__init__(doc, text)
        self.new = edits
        self.old = [(row, role, doc.dataset.cell_text(role, row)) for row, role, _ in edits]

    def _redo(self) -> None:
        self.doc.apply_cells(self.new)

    def _undo(self) -> None:
        self.doc.apply_cells(self.old)


class InsertRowsCommand(DataCommand):
    def __init__(self, doc: Document, at: int, count: int, text: str | None = None) -> None:
        super().__init__(doc, text or (f"Insert {count} rows" if count > 1 else "Insert row"))
        self.at, self.count = at, count

    def _redo(self) -> None:
        self.doc.apply_insert(self.at, self.count)

    def _undo(self) -> None:
        self.doc.apply_remove(np.arange(self.at, self.at + self.count))


class RemoveRowsCommand(DataCommand):
    def __init__(self, doc: Document, rows: np.ndarray) -> None:
        rows = np.unique(np.asarray(rows, dtype=np.int64))
        super().__init__(doc, f"Delete {rows.size} rows" if rows.size != 1 else "Delete row")
        self.rows, self.snap = rows, None

    def _redo(self) -> None:
        self.snap = self.doc.apply_remove(self.rows)

    def _undo(self) -> None:
        self.doc.apply_restore(self.snap)


class SetBlockCommand(DataCommand):
    """Write a block of cells into rows (a paste over existing rows); keeps the old cells as numpy
    columns, not one Python object per cell."""

    def __init__(self, doc: Document, rows: np.ndarray, block: CellBlock, text: str = "Paste") -> None:
        super().__init__(doc, text)
        self.rows = np.asarray(rows, dtype=np.int64)
        self.new = block
        self.old = doc.dataset.read_cells(self.rows, block.roles)

    def _redo(self) -> None:
        self.doc.apply_block(self.rows, self.new)

    def _undo(self) -> None:
        self.doc.apply_block(self.rows, self.old)


class AppendRowsCommand(DataCommand):
    """Add rows holding a block of cells at the end of the table (a paste below the last row)."""

    def __init__(self, doc: Document, block: CellBlock, text: str = "Paste rows") -> None:
        super().__init__(doc, text)
        self.block = block
        self.at = len(doc.dataset)

    def _redo(self) -> None:
        self.doc.apply_append(self.block)

    def _undo(self) -> None:
        self.doc.apply_remove(np.arange(self.at, self.at + len(self.block)))


def _changed_fields(a: LossOptions, b: LossOptions) -> set[str]:
    return {f.name for f in fields(LossOptions) if getattr(a, f.name) != getattr(b, f.name)}


class SetOptionsCommand(QUndoCommand):
    """Change the loss options (a setting, the one-click clipping). Steps of one setting in a
    row (a spin box's arrows) are one undo step. Not a :class:`DataCommand`: the settings are
    not in the saved file, so they leave the document saved or unsaved as it was."""

    ID = 0x0B7

    def __init__(self, doc: Document, options: LossOptions, text: str = "Change settings") -> None:
        super().__init__(text)
        self.doc, self.old, self.new = doc, doc.options, options

    def id(self) -> int:
        return self.ID

    def mergeWith(self, other) -> bool:  # noqa: N802 (Qt name)
        if not isinstance(other, SetOptionsCommand):
            return False
        mine, theirs = _changed_fields(self.old, self.new), _changed_fields(other.old, other.new)
        if len(mine) != 1 or mine != theirs or other.old != self.new:
            return False
        self.new = other.new
        self.setObsolete(self.new == self.old)
        return True

    @_guarded
    def redo(self) -> None:
        self.doc.set_options(self.new)

    @_guarded
    def undo(self) -> None:
        self.doc.set_options(self.old)


class WeightColumnCommand(DataCommand):
    """Add a weight column of ones, or remove the weight column (keeping it for undo)."""

    def __init__(self, doc: Document, add: bool) -> None:
        super().__init__(doc, "Add weight column" if add else "Remove weight column")
        self.before = doc.dataset.weight
        n = len(doc.dataset)
        self.after = NumericColumn(np.ones(n)) if add else None

    def _redo(self) -> None:
        self.doc.apply_weight_column(self.after)

    def _undo(self) -> None:
        self.doc.apply_weight_column(self.before)


class ReplaceTableCommand(DataCommand):
    """Another table in place of this one, keeping the old for undo: a model column added, or
    a predictions file joined by ID (every column of both tables is kept)."""

    def __init__(self, doc: Document, dataset, text: str) -> None:
        super().__init__(doc, text)
        self.before = doc.dataset
        self.after = dataset

    def _redo(self) -> None:
        self.doc.apply_dataset(self.after)

    def _undo(self) -> None:
        self.doc.apply_dataset(self.before)


class ReadAsModelsCommand(QUndoCommand):
    """Extra columns of a table just opened read as further models (a table saved with several
    models reads back with the others as extra columns). The cells stay as they are and Save
    writes the same columns, so unlike a :class:`DataCommand` this leaves the data's state:
    the document still holds what the file holds, before and after (no "save changes?")."""

    def __init__(self, doc: Document, dataset, text: str) -> None:
        super().__init__(text)
        self.doc = doc
        self.before = doc.dataset
        self.after = dataset

    @_guarded
    def redo(self) -> None:
        self.doc.apply_dataset(self.after)

    @_guarded
    def undo(self) -> None:
        self.doc.apply_dataset(self.before)


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


def paste(doc: Document, plan: PastePlan, data_rows: np.ndarray) -> int:
    """Paste a planned block as one undo step; returns the number of rows added.

    Not appending, the block's first rows go into ``data_rows`` (the view rows from the
    selection down, as data rows) and the rest is added at the end. A block naming a weight
    column adds one to a table without.
    """
    n = plan.n_rows
    if not n or not plan.columns:
        return 0
    block = CellBlock.parse(plan.columns)
    over = 0 if plan.append else min(n, len(data_rows))
    stack = doc.undo_stack
    stack.beginMacro(f"Paste {n:,}×{len(plan.columns)} cells")
    try:
        if "weight" in plan.columns and not doc.has_weight:
            stack.push(WeightColumnCommand(doc, True))
        # The rows added first, then the cells over the existing ones: an undo restores the
        # cells before it removes the rows, so a filtered or sorted view, which re-orders when
        # rows come and go (not when cells change), re-orders on the restored values; and the
        # rows a paste fixes stay in an "invalid rows only" view, as rows fixed by typing do.
        if n > over:
            stack.push(AppendRowsCommand(doc, _slice_block(block, over, n)))
        if over:
            head = _slice_block(block, 0, over)
            stack.push(SetBlockCommand(doc, np.asarray(data_rows[:over], dtype=np.int64), head))
    finally:
        stack.endMacro()
    return n - over


def _slice_block(block: CellBlock, a: int, b: int) -> CellBlock:
    if a == 0 and b == len(block):
        return block
    numbers = {role: ColumnRows(c.values[a:b].copy(), {i - a: t for i, t in c.text.items() if a <= i < b})
               for role, c in block.numbers.items()}
    return CellBlock(numbers, None if block.ids is None else block.ids[a:b].copy())


def set_options(doc: Document, options: LossOptions, text: str = "Change settings") -> None:
    if options != doc.options:
        doc.undo_stack.push(SetOptionsCommand(doc, options, text))


def set_weight_column(doc: Document, present: bool) -> None:
    if present != doc.has_weight:
        doc.undo_stack.push(WeightColumnCommand(doc, present))


def replace_table(doc: Document, dataset, text: str) -> None:
    doc.undo_stack.push(ReplaceTableCommand(doc, dataset, text))


def read_as_models(doc: Document, dataset, text: str) -> None:
    doc.undo_stack.push(ReadAsModelsCommand(doc, dataset, text))
