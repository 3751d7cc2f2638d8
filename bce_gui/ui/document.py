"""The open document: one dataset, its loss options, the live evaluation and the undo stack.

``Document`` is the Qt adapter around the core's single source of truth (a
:class:`~bce_gui.core.dataset.Dataset`). Every change goes through an undo command (see
``commands.py``), which calls the ``apply_*`` methods here; they change the dataset, tell the
:class:`~bce_gui.core.live.LiveEvaluation` which rows changed, and emit signals. Views and models
subscribe to the signals; none of them keeps a copy of the data.
"""

from __future__ import annotations

import weakref

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from ..core import memory
from ..core.dataset import CellBlock, Dataset, RowsSnapshot
from ..core.live import LiveEvaluation
from ..core.loss import LossOptions
from ..core.multiclass import options_for_task
from ..core.row_values import EvaluatedRows

#: After adding or removing this many rows, freed memory is handed back to the system at once.
TRIM_ROWS = 10_000


class Document(QObject):
    """The data the window shows, and every way to change it."""

    #: The whole dataset or the options changed: models reset, everything refreshes.
    reset = Signal()
    #: Another table is about to replace this one (open, new, example): emitted before ``reset``.
    replaced = Signal()
    #: Cells of these data rows changed (a numpy array of 0-based rows).
    cellsChanged = Signal(object)
    #: ``count`` rows are about to be inserted before ``at`` / were inserted.
    rowsAboutToBeInserted = Signal(int, int)
    rowsInserted = Signal(int, int)
    #: These rows (sorted data-row indices before removal) are about to go / went.
    rowsAboutToBeRemoved = Signal(object)
    rowsRemoved = Signal(object)
    #: Rows are about to be restored / were restored at these final positions (undo of delete).
    rowsAboutToBeRestored = Signal(object)
    rowsRestored = Signal(object)
    #: The columns changed (a weight column was added or removed).
    columnsChanged = Signal()
    #: The loss totals may have changed.
    totalsChanged = Signal()
    #: The options changed.
    optionsChanged = Signal()
    #: :attr:`modified` changed (the title's marker, the autosave).
    modifiedChanged = Signal(bool)

    def __init__(self, dataset: Dataset | None = None, options: LossOptions | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.dataset = dataset if dataset is not None else Dataset.empty()
        self.options = options or LossOptions()
        self.live = LiveEvaluation(self.dataset, self.options)
        self.undo_stack = QUndoStack(self)
        self.source_path: str | None = None
        #: Where the plot draws the rows of a table just opened, computed by the load on its
        #: thread (``core.penalty.PlotPoints``; stale once ``live.version`` moves on).
        self.first_points = None
        #: The binary-only settings the last table turned off (K classes), in words.
        self.turned_off: list[str] = []
        # How tables were joined by ID (core.join.JoinReport), by table: an undo puts back a
        # table and with it its join; a table no longer held (by undo or the window) drops out.
        self._joins: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        # Which state the data is in, and which one the file holds: a token that each data
        # command gives the data after it and gives back on undo (see :attr:`modified`).
        self._data_state = self._saved_state = object()

    # -- whole-document changes ---------------------------------------------------------------

    def set_dataset(self, dataset: Dataset, source_path: str | None = None,
                    live: LiveEvaluation | None = None, points=None) -> None:
        """Replace the data (open, new, worked example). Clears undo history.

        ``live`` is an evaluation of ``dataset`` already made (off the GUI thread, by a load);
        it is used only if it was made with the options now in force. ``points``: where the
        plot draws its rows, made from ``live`` by the load too (see :attr:`first_points`).
        """
        self.replaced.emit()
        self.dataset = dataset
        self.source_path = source_path
        options, self.turned_off = options_for_task(self.options, dataset.schema.task)
        changed = options != self.options  # pos_weight, soft labels: binary only (said in the status)
        self.options = options
        if live is None or live.dataset is not dataset or live.options != self.options:
            live = LiveEvaluation(dataset, self.options)
        self.live = live
        self.first_points = points
        if changed:
            self.optionsChanged.emit()
        self.undo_stack.clear()
        fresh = object()
        self._set_state(fresh, fresh)  # as opened (restored work says otherwise after)
        self.reset.emit()
        self.totalsChanged.emit()
        memory.trim()  # the old table and the load's temporaries go back to the OS

    def set_options(self, options: LossOptions) -> None:
        options, _off = options_for_task(options, self.dataset.schema.task)
        if options == self.options:
            return
        self.options = options
        self.live.rebuild(options)
        self.optionsChanged.emit()
        self.reset.emit()
        self.totalsChanged.emit()

    # -- saved or not --------------------------------------------------------------------------

    @property
    def modified(self) -> bool:
        """The data differs from the file as last opened or saved: Save would write something else.

        Only the data counts. The loss settings are undo steps too, but they are not in the saved
        file (they are the app's preferences, kept in its settings file, and they carry over to
        the next table), so a change of settings alone asks nobody to save. QUndoStack's own
        clean state counts every step, which is why it is not used.
        """
        return self._data_state is not self._saved_state

    @property
    def data_state(self) -> object:
        """A token for the data as it is now (a data command's "before"; compared by identity)."""
        return self._data_state

    def data_became(self, state: object) -> None:
        """A data command ran (``state``: its token) or was undone (the token before it)."""
        self._set_state(state, self._saved_state)

    def mark_saved(self) -> None:
        """The data as it is now is in the file."""
        self._set_state(self._data_state, self._data_state)

    def mark_unsaved(self) -> None:
        """The file does not hold the data as it is now (work restored after a crash), and no
        undo or redo leads back to what it holds."""
        self._set_state(self._data_state, object())

    def _set_state(self, state: object, saved: object) -> None:
        was = self.modified
        self._data_state, self._saved_state = state, saved
        if self.modified != was:
            self.modifiedChanged.emit(self.modified)

    def __len__(self) -> int:
        return len(self.dataset)

    def rows(self) -> EvaluatedRows:
        """The rows and their evaluation as the core's display values read them (a view asks for
        corrected p, ln, row loss and share through ``core.row_values``, never computes them)."""
        return EvaluatedRows.of(self.dataset, self.live)

    @property
    def has_weight(self) -> bool:
        return self.dataset.weight is not None

    @property
    def categorical(self) -> bool:
        """The table has K class columns (categorical cross-entropy)."""
        return not self.dataset.schema.task.is_binary

    # -- primitive changes, called only by undo commands -------------------------------------

    def apply_cells(self, edits: list[tuple[int, str, str]]) -> None:
        """Set cells: (data row, role, text) each."""
        numeric_rows = []
        for row, role, text in edits:
            self.dataset.set_cell_text(role, row, text)
            if role != "id":
                numeric_rows.append(row)
        rows = np.unique(np.array([e[0] for e in edits], dtype=np.int64))
        if numeric_rows:
            self.live.rows_changed(np.array(numeric_rows, dtype=np.int64))
        self.cellsChanged.emit(rows)
        if numeric_rows:
            self.totalsChanged.emit()

    def apply_block(self, rows: np.ndarray, block: CellBlock) -> None:
        """Write a block of cells into data rows ``rows`` (a paste), numpy column by column."""
        rows = np.asarray(rows, dtype=np.int64)
        self.dataset.write_cells(rows, block)
        numeric = bool(block.numbers)
        if numeric:
            self.live.rows_changed(rows)
        self.cellsChanged.emit(np.unique(rows))
        if numeric:
            self.totalsChanged.emit()

    def apply_append(self, block: CellBlock) -> None:
        """Add the block's rows at the end of the table."""
        at, count = len(self.dataset), len(block)
        self.rowsAboutToBeInserted.emit(at, count)
        self.dataset.insert_rows(at, count)
        self.dataset.write_cells(np.arange(at, at + count), block)
        self.live.rows_inserted(at, count)
        self.rowsInserted.emit(at, count)
        self.totalsChanged.emit()

    def apply_insert(self, at: int, count: int) -> None:
        self.rowsAboutToBeInserted.emit(at, count)
        self.dataset.insert_rows(at, count)
        self.live.rows_inserted(at, count)
        self.rowsInserted.emit(at, count)
        self.totalsChanged.emit()

    def apply_remove(self, rows: np.ndarray) -> RowsSnapshot:
        rows = np.unique(np.asarray(rows, dtype=np.int64))
        self.rowsAboutToBeRemoved.emit(rows)
        self.live.rows_removed(rows)
        snap = self.dataset.delete_rows(rows)
        self.rowsRemoved.emit(rows)
        self.totalsChanged.emit()
        if rows.size >= TRIM_ROWS:
            memory.trim()  # e.g. the undo of a large paste: the rows' memory goes back now
        return snap

    def apply_restore(self, snap: RowsSnapshot) -> None:
        self.rowsAboutToBeRestored.emit(snap.rows)
        self.dataset.restore_rows(snap)
        self.live.rows_restored(snap.rows)
        self.rowsRestored.emit(snap.rows)
        self.totalsChanged.emit()

    def apply_dataset(self, dataset: Dataset) -> None:
        """Put another table in place as one undoable step (a model column added, predictions
        joined by ID): unlike :meth:`set_dataset` the undo history stays."""
        self.dataset = dataset
        self.live = LiveEvaluation(dataset, self.options)
        self.columnsChanged.emit()
        self.reset.emit()
        self.totalsChanged.emit()

    def join_report(self, dataset: Dataset | None = None):
        """How ``dataset`` (default: the table shown) was joined by ID: a
        :class:`~bce_gui.core.join.JoinReport` of the predictions files joined to it, or None."""
        return self._joins.get(self.dataset if dataset is None else dataset)

    def note_join(self, dataset: Dataset, report) -> None:
        """``dataset`` (about to be shown) was joined as ``report`` says."""
        self._joins[dataset] = report

    @property
    def n_models(self) -> int:
        return len(self.dataset.schema.models)

    def apply_weight_column(self, column) -> None:
        """Install ``column`` as the weight column (None removes it)."""
        self.dataset.set_weight_column(column)
        self.live.rebuild()
        self.columnsChanged.emit()
        self.reset.emit()
        self.totalsChanged.emit()
