"""The observations and their per-row results as one Qt table model.

``ObservationsModel`` adapts the document's numpy columns to Qt's model/view framework
(https://doc.qt.io/qt-6/model-view-programming.html). It owns no data: ``data()`` formats a value
read from the dataset or the live evaluation, ``setData()`` pushes an undo command. Two views
show it: the editable observations (input columns) and the read-only results pane (result
columns). Because they share this model and one selection model, their rows are always aligned.

Every number of the result columns comes from ``core.row_values`` (the same values the plot and
its tooltips show); this model only formats them. Sorting and the "invalid rows only" filter are a
permutation of data rows made by the core (``core.row_values.view_order``), on a background job
for large tables; the model maps its rows through it, so the data itself is never reordered.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QPalette
from PySide6.QtWidgets import QApplication, QStyle

from ..core import row_values
from ..core.class_labels import label_text
from ..core.dataset import NumericColumn
from ..core.formatting import fmt_count, fmt_exact, fmt_number
from ..core.row_values import EvaluatedRows
from ..core.schema import NUMERIC_ROLES
from ..core.validation import ROW, SUM_KEY, Reason
from . import commands, theme
from .document import Document
from .jobs import Jobs
from .plain_text import rich_text

DataRowRole = Qt.ItemDataRole.UserRole + 1
SortKeyRole = Qt.ItemDataRole.UserRole + 2
#: What an input cell answers beyond its text and alignment (an invalid cell's marks, tips).
_INPUT_MARK_ROLES = frozenset({Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.DecorationRole,
                               Qt.ItemDataRole.ToolTipRole,
                               Qt.ItemDataRole.AccessibleDescriptionRole})
#: What a result cell answers.
_RESULT_ROLES = frozenset({Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
                           Qt.ItemDataRole.TextAlignmentRole, Qt.ItemDataRole.ForegroundRole,
                           SortKeyRole})
#: Every role some cell answers. The view asks for eight roles of every cell it sizes or
#: paints (font, check state, ...), so the others are turned away before any lookup.
_SERVED_ROLES = _INPUT_MARK_ROLES | _RESULT_ROLES | {
    Qt.ItemDataRole.EditRole, DataRowRole}
BLOCK = 512
#: Result values of at most this many blocks are kept (the rows recently in view).
CACHED_BLOCKS = 256
#: From this many rows on, sorting runs on a worker thread (the event loop keeps turning; the
#: window shows "Sorting…"), and the quicker unstable sort is used: ties are in no set order.
ASYNC_SORT_ROWS = 300_000



@dataclass(frozen=True)
class Column:
    key: str
    title: str
    tip: str
    result: bool = False

    @property
    def editable(self) -> bool:
        return not self.result


#: A text cell longer than this shows itself whole in its tooltip (its column elides it).
TEXT_TIP_CHARS = 20

INPUT_COLUMNS = {
    "id": Column("id", "ID", "Observation identifier"),
    "actual": Column("actual", "Actual", "Actual class: 0 or 1"),
    "predicted": Column("predicted", "Predicted", "Predicted probability of class 1"),
    "weight": Column("weight", "Weight", "Sample weight (non-negative)"),
}
RESULT_COLUMNS = [
    Column("corrected", "Corrected p", "Probability given to the actual class: p if actual is 1, "
           "1 − p if actual is 0 (after clipping, if a convention clips)", True),
    Column("ln", "ln(corrected p)", "Natural log of the corrected probability", True),
    Column("loss", "Row loss", "This row's loss: −ln(corrected p)", True),
    Column("share", "Share", "This row's share of the total loss", True),
    Column("note", "Note", "Why a row is excluded, or why its loss is infinite", True),
]
#: K classes: the results' first column is the probability of the actual class.
CATEGORICAL_CORRECTED = Column(
    "corrected", "p(actual)", "Probability the model gave to the actual class, p̂ᵢ,yᵢ (after "
    "renormalising or clipping, if the settings do; the softmax of the logits)", True)
CATEGORICAL_LN = Column("ln", "ln p(actual)", "Natural log of the probability of the actual class",
                        True)
CATEGORICAL_NOTE = Column("note", "Note", "Why a row is excluded, why its loss is infinite, or "
                          "that its probabilities do not sum to 1", True)


def class_columns(doc) -> list[Column]:
    """K classes: the actual class, then one editable column per class (keyed by its name)."""
    schema = doc.dataset.schema
    names = ", ".join(label_text(c) for c in schema.task.classes[:8])
    more = ", …" if schema.task.n_classes > 8 else ""
    cols = [Column("actual", "Actual", f"Actual class: one of {names}{more}")]
    word = "Logit" if doc.options.logits else "Probability"
    for c, name in zip(schema.task.classes, schema.model.columns):
        label = label_text(c)
        cols.append(Column(name, f"p({label})" if not doc.options.logits else f"z({label})",
                           f"{word} of class {label}"))
    return cols


class ObservationsModel(QAbstractTableModel):
    """Input columns (editable) then result columns (read-only), over one document."""

    #: Sorting or filtering changed the order of the rows shown.
    orderChanged = Signal()
    #: A background sort started ("Sorting 10,000,000 rows…") or ended ("").
    busyChanged = Signal(str)

    def __init__(self, doc: Document, parent=None, jobs: Jobs | None = None) -> None:
        super().__init__(parent)
        self.doc = doc
        #: Where background sorts run (the window's one helper; a model of its own otherwise).
        self.jobs = jobs if jobs is not None else Jobs(self)
        self.units = "nats"
        self._order: np.ndarray | None = None
        self._inverse: np.ndarray | None = None
        self._sort: tuple[str, Qt.SortOrder] | None = None
        self._invalid_only = False
        #: Result values of blocks of BLOCK rows: {block: {key: values}}.
        self._cache: dict[int, dict[str, np.ndarray]] = {}
        self._src: EvaluatedRows | None = None
        self._pending: str | None = None
        self._sorting = False
        self._resort_after = False
        self._columns = self._make_columns()
        self._warn_icon = QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        self.set_palette(QApplication.palette())
        doc.reset.connect(self._on_reset)
        doc.cellsChanged.connect(self._on_cells_changed)
        doc.totalsChanged.connect(self._on_totals_changed)
        doc.rowsAboutToBeInserted.connect(self._before_insert)
        doc.rowsInserted.connect(self._after_insert)
        doc.rowsAboutToBeRemoved.connect(self._before_remove)
        doc.rowsRemoved.connect(self._after_structure)
        doc.rowsAboutToBeRestored.connect(self._before_restore)
        doc.rowsRestored.connect(self._after_structure)

    # -- columns ------------------------------------------------------------------------------

    def _make_columns(self) -> list[Column]:
        if self.doc.categorical:
            cols = [INPUT_COLUMNS["id"], *class_columns(self.doc), *self._model_columns()]
            if self.doc.has_weight:
                cols.append(INPUT_COLUMNS["weight"])
            return cols + [CATEGORICAL_CORRECTED, CATEGORICAL_LN, *RESULT_COLUMNS[2:-1], CATEGORICAL_NOTE]
        cols = [INPUT_COLUMNS["id"], INPUT_COLUMNS["actual"], INPUT_COLUMNS["predicted"]]
        if self.doc.options.logits:
            cols[2] = Column("predicted", "Logit", "Predicted logit (log-odds) of class 1")
        cols += self._model_columns()
        if self.doc.has_weight:
            cols.append(INPUT_COLUMNS["weight"])
        return cols + RESULT_COLUMNS

    def _model_columns(self) -> list[Column]:
        """The other models' prediction columns (a table holding several models), each keyed by
        its column's name (binary: titled by it too); the results are the first model's."""
        schema = self.doc.dataset.schema
        what = "logit (log-odds)" if self.doc.options.logits else "probability"
        if not schema.task.is_binary:  # K classes: each other model's class columns
            letter = "z" if self.doc.options.logits else "p"
            return [Column(name, f"{m.name}: {letter}({label_text(c)})",
                           f"Model {m.name}'s {what} of class {label_text(c)}, compared with the "
                           "first model in the Compare tab")
                    for m in schema.models[1:] for c, name in zip(schema.task.classes, m.columns)]
        return [Column(m.columns[0], m.columns[0],
                       f"Another model's predicted {what} of class 1, compared with Predicted "
                       "in the Compare tab")
                for m in schema.models[1:]]

    @property
    def columns(self) -> list[Column]:
        return self._columns

    def column_of(self, key: str) -> int:
        for i, c in enumerate(self._columns):
            if c.key == key:
                return i
        return -1

    def input_column_count(self) -> int:
        return sum(1 for c in self._columns if not c.result)

    # -- row mapping --------------------------------------------------------------------------

    def data_row(self, view_row: int) -> int:
        return int(self._order[view_row]) if self._order is not None else view_row

    def data_rows(self, view_rows) -> np.ndarray:
        v = np.asarray(list(view_rows), dtype=np.int64)
        return self._order[v] if self._order is not None else v

    def view_row(self, data_row: int) -> int:
        """The view row showing ``data_row``, or -1 when it is filtered out."""
        if self._order is None:
            return data_row if 0 <= data_row < len(self.doc) else -1
        if self._inverse is None:  # (int32 as the order itself: half the memory and time)
            inv = np.full(len(self.doc), -1, dtype=np.int32)
            inv[self._order] = np.arange(self._order.size, dtype=np.int32)
            self._inverse = inv
        return int(self._inverse[data_row]) if 0 <= data_row < self._inverse.size else -1

    @property
    def is_permuted(self) -> bool:
        return self._order is not None

    # -- Qt model interface -------------------------------------------------------------------

    def rowCount(self, parent=QModelIndex()) -> int:
        if parent.isValid():
            return 0
        return int(self._order.size) if self._order is not None else len(self.doc)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal:
            if not 0 <= section < len(self._columns):
                return None
            col = self._columns[section]
            if role == Qt.ItemDataRole.DisplayRole:
                if col.key == "loss":
                    return f"Row loss ({self.units})"
                return col.title
            if role == Qt.ItemDataRole.ToolTipRole:
                name = self.doc.dataset.column_names.get(col.key)
                extra = f" (file column: {name})" if name and name != col.title else ""
                tip = col.tip
                if col.key == "loss" and self.units == "bits":
                    tip = "This row's loss in bits: −log₂(corrected p) = −ln(corrected p) / ln 2"
                return rich_text(tip + extra)
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return str(self.data_row(section) + 1)
        return None

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags  # (the model's root: Qt's model tester insists)
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self._columns[index.column()].editable:
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role not in _SERVED_ROLES or not index.isValid():
            return None
        col = self._columns[index.column()]
        row = self.data_row(index.row())
        if role == DataRowRole:
            return row
        if col.result:
            return self._result_data(col, row, role)
        return self._input_data(col, row, role)

    def _input_data(self, col: Column, row: int, role):
        ds = self.doc.dataset
        R = Qt.ItemDataRole
        if role in (R.DisplayRole, R.EditRole):
            if col.key == "id":
                text = ds.cell_text("id", row)
                if role == R.DisplayRole and not text:
                    return ""
                return text
            column = ds.columns[ds.name_of(col.key)]
            if not isinstance(column, NumericColumn):  # K classes: labels as text
                return str(column[row])
            if role == R.DisplayRole:  # to the precision shown everywhere (6 digits), no float noise
                return column.display_text(row)
            if row in column.text:  # typed text that is not a number: as typed
                return column.text[row]
            return fmt_exact(float(column.values[row]))  # edited and copied exactly
        if role == R.TextAlignmentRole:
            if col.key != "id" and self._numeric(col.key):
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        if role not in _INPUT_MARK_ROLES:
            return None
        # A row the file itself got wrong (too many fields) marks each of its cells.
        reason = self._reason(col.key, row) or self._reason(ROW, row)
        if role == R.BackgroundRole and reason:
            return self._invalid_bg
        if role == R.DecorationRole and reason:
            return self._warn_icon
        if role == R.ToolTipRole:
            if reason == Reason.ROW_SHAPE:
                problem = ds.row_problems.get(row, reason.message)
                return f"The file's row has {problem} — this row is excluded from the loss"
            if reason:
                return f"{col.title}: {reason.message} — this row is excluded from the loss"
            if col.key == "id" and not ds.cell_text("id", row):
                return "No ID: the row number is shown instead"
            if not self._numeric(col.key):  # (a long text is elided in its column: whole here)
                text = ds.cell_text(col.key, row)
                if len(text) > TEXT_TIP_CHARS:
                    return text
            if col.key != "id" and self._numeric(col.key):
                full = ds.cell_text(col.key, row)
                if full != ds.column(col.key).display_text(row):
                    return f"{col.title}: {full}"  # the value as stored, every digit
        if role == R.AccessibleDescriptionRole and reason:
            return f"invalid: {reason.message}"
        return None

    def is_text_column(self, col: Column) -> bool:
        """An input column of text: the IDs, text class labels, an extra text column."""
        return not col.result and not self._numeric(col.key)

    def _numeric(self, key: str) -> bool:
        ds = self.doc.dataset
        return isinstance(ds.columns.get(ds.name_of(key) or ""), NumericColumn)

    def _reason(self, key: str, row: int) -> Reason | None:
        """The reason code of a cell (``key``: a role, a column's name, or ROW)."""
        codes = self.doc.live.codes.get(key if key in (ROW, SUM_KEY) else self.doc.dataset.name_of(key))
        if codes is None:
            return None
        code = int(codes[row])
        return Reason(code) if code else None

    def _value(self, key: str, row: int) -> float:
        """A result column's value of a row (core.row_values), computed a block of rows at a time."""
        b = row // BLOCK
        if b not in self._cache and len(self._cache) >= CACHED_BLOCKS:
            self._cache.clear()  # a long scroll: what is in view now is all that is needed
        block = self._cache.setdefault(b, {})
        values = block.get(key)
        if values is None:
            start, stop = b * BLOCK, min((b + 1) * BLOCK, len(self.doc))
            missing = tuple(k for k in row_values.RESULT_KEYS if k not in block)
            block.update(row_values.block_values(self.rows(), slice(start, stop), self.units, missing))
            values = block[key]
        return float(values[row - b * BLOCK])

    def rows(self) -> EvaluatedRows:
        """The document's rows and their evaluation, as the core reads them (read again after
        every change of the document)."""
        if self._src is None:
            self._src = self.doc.rows()
        return self._src

    def _forget(self, key: str) -> None:
        """Drop one result column from the cache (its values depend on something that changed)."""
        for block in self._cache.values():
            block.pop(key, None)

    def _result_data(self, col: Column, row: int, role):
        R = Qt.ItemDataRole
        if role not in _RESULT_ROLES:
            return None
        live = self.doc.live
        valid = bool(live.valid[row])
        if role == R.TextAlignmentRole and col.key != "note":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == R.ForegroundRole and not valid:
            return self._excluded_fg
        if role not in (R.DisplayRole, R.ToolTipRole, SortKeyRole):
            return None
        full = role == R.ToolTipRole
        if col.key == "note":
            text = self._note(row)
            return text or None
        if not valid:
            return "—" if role == R.DisplayRole else None
        value = self._value(col.key, row)
        if role == SortKeyRole:
            return value
        if col.key == "share" and np.isfinite(value):
            return fmt_number(value * 100.0, 17 if full else 3) + "%"
        return fmt_number(value, 17 if full else 5)

    def _note(self, row: int) -> str:
        live = self.doc.live
        if not live.valid[row]:
            reasons = []
            problem = self.doc.dataset.row_problems.get(row)
            if problem and self._reason(ROW, row):
                reasons.append(f"the file's row has {problem}")
            for key, title in self._checked_titles():
                r = self._reason(key, row)
                if r:
                    reasons.append(f"{title} {r.short}")  # in full: the cell's tooltip
            return "excluded: " + "; ".join(reasons)
        if row_values.is_infinite(self.rows(), row):
            return row_values.INFINITE_NOTE
        if live.notes is not None and live.notes[row]:
            return live.validity.note(row)
        return ""

    def _checked_titles(self) -> list[tuple[str, str]]:
        """(key, title) of the columns whose codes say why a row is excluded, in table order."""
        if not self.doc.categorical:
            return ([(key, INPUT_COLUMNS[key].title) for key in NUMERIC_ROLES]
                    + [(c.key, c.title) for c in self._model_columns()])
        out = [(c.key, c.title) for c in self._columns if not c.result and c.key != "id"]
        return out + [(SUM_KEY, "probabilities")]

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole):
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        col = self._columns[index.column()]
        if not col.editable:
            return False
        row = self.data_row(index.row())
        commands.edit_cells(self.doc, [(row, col.key, "" if value is None else str(value))],
                            f"Edit {col.title} of row {row + 1}")
        return True

    # -- sorting and filtering ----------------------------------------------------------------

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self._columns):
            self._sort = None
        else:
            self._sort = (self._columns[column].key, order)
        self._relayout()

    def set_invalid_only(self, on: bool) -> None:
        if on != self._invalid_only:
            self._invalid_only = on
            self._relayout()

    def set_worst_first(self, on: bool) -> None:
        if on:
            self._sort = ("loss", Qt.SortOrder.DescendingOrder)
        elif self._sort and self._sort[0] == "loss":
            self._sort = None
        self._relayout()

    @property
    def sort_state(self) -> tuple[str, Qt.SortOrder] | None:
        return self._sort

    @property
    def invalid_only(self) -> bool:
        return self._invalid_only

    def clear_order(self) -> None:
        if self._sort is None and not self._invalid_only and self._order is None and not self._sorting:
            return  # already in table order (another table opening: nothing to lay out again)
        self._sort = None
        self._invalid_only = False
        self._relayout()

    def _compute_order(self, sort=None, invalid_only=None) -> np.ndarray | None:
        """The data rows in view order (int32), or None for all rows in their own order."""
        sort = self._sort if sort is None else sort
        invalid_only = self._invalid_only if invalid_only is None else invalid_only
        return _view_order(self.rows(), sort, invalid_only)

    @property
    def sorting(self) -> bool:
        """A background sort is running; the rows are shown in their previous order meanwhile."""
        return self._sorting

    def _relayout(self) -> None:
        if self._sorts_in_background():
            self._start_order_job()
        else:
            self._drop_order_job()
            self._apply_order(self._compute_order())

    def _sorts_in_background(self) -> bool:
        return bool(self._sort) and len(self.doc) >= ASYNC_SORT_ROWS

    def _start_order_job(self) -> None:
        """Sort on a worker (a "sort" job: a newer sort supersedes a running one). The job reads
        the columns as they are now; a change of the row set meanwhile drops its result."""
        src, sort, invalid_only = self.rows(), self._sort, self._invalid_only
        self._sorting = True
        self.busyChanged.emit(f"Sorting {fmt_count(len(self.doc))} rows…")
        self.jobs.submit("sort", lambda _ctx: _view_order(src, sort, invalid_only),
                         done=self._order_ready, failed=self._order_failed)

    def _drop_order_job(self) -> None:
        """The running sort answers a question nobody asks any more (rows inserted or removed,
        another order chosen): its result is dropped."""
        if self._sorting:
            self.jobs.cancel("sort")
            self._sorting = False
            self.busyChanged.emit("")

    def _order_ready(self, order) -> None:
        self._sorting = False
        self.busyChanged.emit("")
        self._apply_order(order)

    def _order_failed(self, error: BaseException) -> None:
        self._sorting = False
        self.busyChanged.emit("")
        sys.excepthook(type(error), error, error.__traceback__)

    def _apply_order(self, order: np.ndarray | None) -> None:
        self.layoutAboutToBeChanged.emit()
        old_pers = self.persistentIndexList()
        old_rows = [self.data_row(i.row()) if i.row() < self.rowCount() else -1 for i in old_pers]
        self._order = order
        self._inverse = None
        # Where the rows of the persistent indexes (current cell, selection) went: a few rows are
        # found by one comparison each (the inverse of ten million rows costs 0.1 s).
        wanted = sorted({r for r in old_rows if r >= 0})
        if order is not None and len(wanted) <= 16:
            moved = {r: (int(v[0]) if (v := np.flatnonzero(order == r)).size else -1) for r in wanted}
        else:
            moved = {r: self.view_row(r) for r in wanted}
        new = []
        for idx, r in zip(old_pers, old_rows):
            v = moved[r] if r >= 0 else -1
            new.append(self.index(v, idx.column()) if v >= 0 else QModelIndex())
        self.changePersistentIndexList(old_pers, new)
        self.layoutChanged.emit()
        self.orderChanged.emit()

    # -- reacting to the document -------------------------------------------------------------

    def set_units(self, units: str) -> None:
        self.units = units
        self._forget("loss")
        c = self.column_of("loss")
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, c, c)
        self._emit_column_changed("loss")

    def set_palette(self, palette: QPalette) -> None:
        """Colours of invalid cells and excluded rows, derived from the views' palette."""
        self._invalid_bg = QBrush(theme.invalid_background(palette))
        self._excluded_fg = QBrush(theme.excluded_text(palette))
        self.restyle()

    def restyle(self) -> None:
        """Every cell again (the window's number style changed)."""
        if self.rowCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, len(self._columns) - 1))

    def _emit_column_changed(self, key: str) -> None:
        c = self.column_of(key)
        if c >= 0 and self.rowCount():
            self.dataChanged.emit(self.index(0, c), self.index(self.rowCount() - 1, c))

    def _on_reset(self) -> None:
        self.beginResetModel()
        self._cache.clear()
        self._src = None
        self._columns = self._make_columns()
        self._order = self._reordered_now()
        self._inverse = None
        self.endResetModel()
        self._reorder_later()

    def _on_cells_changed(self, rows: np.ndarray) -> None:
        self._src = None
        for b in np.unique(rows // BLOCK):
            self._cache.pop(int(b), None)
        if not self.rowCount():
            return
        last_col = len(self._columns) - 1
        if self._order is None:
            self.dataChanged.emit(self.index(int(rows.min()), 0), self.index(int(rows.max()), last_col))
        else:
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, last_col))

    def _on_totals_changed(self) -> None:
        self._src = None
        self._forget("share")  # every row's share of the new total
        self._emit_column_changed("share")

    def _begin(self, kind: str, rows: np.ndarray) -> None:
        """Announce an insertion or removal of data rows ``rows`` (sorted).

        A contiguous run in an unsorted view is announced as such (views keep their scroll
        position and selection); anything else is a model reset.
        """
        contiguous = rows.size and rows[-1] - rows[0] + 1 == rows.size
        self._src = None
        if self._sorting:  # the running sort is for the old rows: drop it, sort again after
            self._drop_order_job()
            self._resort_after = True
        if self._order is None and contiguous:
            self._pending = kind
            begin = self.beginInsertRows if kind == "insert" else self.beginRemoveRows
            begin(QModelIndex(), int(rows[0]), int(rows[-1]))
        else:
            self._pending = "reset"
            self.beginResetModel()

    def _before_insert(self, at: int, count: int) -> None:
        self._begin("insert", np.arange(at, at + count))

    def _after_insert(self, at: int, count: int) -> None:
        self._cache.clear()
        self._src = None
        self._finish_structure()

    def _before_remove(self, rows: np.ndarray) -> None:
        self._begin("remove", rows)

    def _before_restore(self, rows: np.ndarray) -> None:
        self._begin("insert", rows)

    def _after_structure(self, rows) -> None:
        self._cache.clear()
        self._src = None
        self._finish_structure()

    def _finish_structure(self) -> None:
        pending, self._pending = self._pending, None
        resort, self._resort_after = self._resort_after, False
        if pending in ("insert", "remove"):
            (self.endInsertRows if pending == "insert" else self.endRemoveRows)()
            if resort:
                self._relayout()
        else:
            self._order = self._reordered_now()
            self._inverse = None
            self.endResetModel()
            self._reorder_later()

    def _reordered_now(self) -> np.ndarray | None:
        """Inside a reset: the new order when quick to get; else unsorted until the sort ends."""
        self._src = None
        self._drop_order_job()
        if self._sorts_in_background():
            return self._compute_order(sort=(), invalid_only=self._invalid_only)
        return self._compute_order()

    def _reorder_later(self) -> None:
        if self._sorts_in_background():
            self._start_order_job()



def _view_order(src: EvaluatedRows, sort, invalid_only: bool) -> np.ndarray | None:
    """The core's order for a sort state of this model ((column key, Qt order) or None)."""
    if not sort:
        return row_values.view_order(src, None, invalid_only=invalid_only)
    key, order = sort
    return row_values.view_order(src, key, order == Qt.SortOrder.DescendingOrder, invalid_only)
