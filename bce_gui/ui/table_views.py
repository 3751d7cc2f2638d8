"""The two table views (observations, results) kept row-aligned, and clipboard handling."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QItemSelection, QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemDelegate,
    QAbstractItemView,
    QAbstractScrollArea,
    QHeaderView,
    QStyle,
    QTableView,
)

from ..core.clipboard import format_block
from ..core.formatting import fmt_exact
from .table_model import SortKeyRole, ObservationsModel


def rows_to_ranges(rows: np.ndarray) -> list[tuple[int, int]]:
    """Sorted unique rows as (first, last) runs: [1,2,3,7] -> [(1,3), (7,7)]."""
    if rows.size == 0:
        return []
    breaks = np.flatnonzero(np.diff(rows) != 1)
    starts = np.concatenate([[rows[0]], rows[breaks + 1]])
    ends = np.concatenate([rows[breaks], [rows[-1]]])
    return list(zip(starts.tolist(), ends.tolist()))


def selected_view_rows(view: QTableView) -> np.ndarray:
    """View rows with any selected cell, from selection ranges (fast for huge selections)."""
    sel = view.selectionModel()
    if sel is None:
        return np.empty(0, dtype=np.int64)
    parts = [np.arange(r.top(), r.bottom() + 1) for r in sel.selection()]
    if not parts:
        return np.empty(0, dtype=np.int64)
    return np.unique(np.concatenate(parts))


#: Rows looked at when a column is sized to its content (about a screenful).
FIT_ROWS = 60


class DataTableView(QTableView):
    """A QTableView over the observations model showing one group of its columns."""

    #: A column grew to show its content (a note appeared): the pane may need more room.
    widened = Signal()

    def __init__(self, model: ObservationsModel, results: bool, name: str, parent=None) -> None:
        super().__init__(parent)
        self.results = results
        self.setModel(model)
        self.setAccessibleName(name)
        self.setAlternatingRowColors(True)
        self.setSortingEnabled(False)
        self.setWordWrap(False)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.horizontalHeader().setSortIndicatorShown(True)
        self.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.horizontalHeader().setSectionsClickable(True)
        self.horizontalHeader().setHighlightSections(False)
        # Widths from the rows a screen shows, not from a thousand rows (Qt's default): fitting
        # the columns of a ten-million-row table stays a matter of milliseconds.
        self.horizontalHeader().setResizeContentsPrecision(FIT_ROWS)
        if results:
            self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
            self.verticalHeader().hide()
            self.setTabKeyNavigation(False)  # read-only: Tab goes on to the next control
        else:
            # One vertical scroll bar, the results pane's, at the right edge of both tables: in
            # the observations pane it covered the Predicted column. The panes scroll together.
            self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            self.setEditTriggers(
                QAbstractItemView.EditTrigger.DoubleClicked
                | QAbstractItemView.EditTrigger.EditKeyPressed
                | QAbstractItemView.EditTrigger.AnyKeyPressed
            )
        model.modelReset.connect(self.apply_columns)
        self.apply_columns()
        corner = self.findChild(QAbstractButton)  # the select-all button above the row numbers
        if corner is not None:
            corner.setAccessibleName("Select all cells")
        if results:
            # Notes appear with edits: the Note column grows to show them (the pane scrolls
            # sideways if it must; the full note is also the cell's tooltip).
            self._note_timer = QTimer(self)
            self._note_timer.setSingleShot(True)
            self._note_timer.setInterval(0)
            self._note_timer.timeout.connect(self.fit_note)
            model.dataChanged.connect(self._note_timer.start)
            model.layoutChanged.connect(self._note_timer.start)
            self.verticalScrollBar().valueChanged.connect(self._note_timer.start)

    # -- keyboard: as in a spreadsheet, and never a trap ----------------------------------------

    def _edge(self, forward: bool) -> bool:
        """The current cell is the last (forward) or first visible cell: Tab leaves the table."""
        current = self.currentIndex()
        if not current.isValid():
            return True
        visible = [c for c in range(self.model().columnCount()) if not self.isColumnHidden(c)]
        if not visible:
            return True
        if forward:
            return current.row() >= self.model().rowCount() - 1 and current.column() >= visible[-1]
        return current.row() <= 0 and current.column() <= visible[0]

    def _leave(self, forward: bool) -> bool:
        """Move the focus to the next (previous) control, past the table's own cell navigation."""
        return QAbstractScrollArea.focusNextPrevChild(self, forward)

    def focusNextPrevChild(self, forward: bool) -> bool:  # noqa: N802 (Qt name)
        if self.tabKeyNavigation() and self._edge(forward):
            return self._leave(forward)
        return super().focusNextPrevChild(forward)

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt name)
        key, mods = event.key(), event.modifiers()
        ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
        if ctrl and key in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):  # Ctrl+Tab: next pane, always
            self._leave(key == Qt.Key.Key_Tab and not mods & Qt.KeyboardModifier.ShiftModifier)
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not ctrl \
                and self.state() != QAbstractItemView.State.EditingState:
            self._move_down(up=bool(mods & Qt.KeyboardModifier.ShiftModifier))
            return
        super().keyPressEvent(event)

    def _move_down(self, up: bool = False) -> None:
        current = self.currentIndex()
        if current.isValid():
            row = current.row() + (-1 if up else 1)
            if 0 <= row < self.model().rowCount():
                self.setCurrentIndex(self.model().index(row, current.column()))

    def closeEditor(self, editor, hint) -> None:  # noqa: N802 (Qt name)
        """Enter commits and moves down; Tab commits and moves to the next cell *without* opening
        its editor (an open editor would take Ctrl+Z for its own text, not undo the edit)."""
        H = QAbstractItemDelegate.EndEditHint
        if hint in (H.EditNextItem, H.EditPreviousItem):
            super().closeEditor(editor, H.NoHint)
            forward = hint == H.EditNextItem
            if not self._edge(forward):
                action = (QAbstractItemView.CursorAction.MoveNext if forward
                          else QAbstractItemView.CursorAction.MovePrevious)
                index = self.moveCursor(action, Qt.KeyboardModifier.NoModifier)
                if index.isValid():
                    self.setCurrentIndex(index)
            return
        super().closeEditor(editor, hint)
        if hint == H.SubmitModelCache:  # Enter
            self._move_down()

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self.model().set_palette(self.palette())

    def fit_note(self) -> None:
        c = self.model().column_of("note")
        if c >= 0 and not self.isColumnHidden(c):
            need = self.sizeHintForColumn(c) + 4
            if need > self.columnWidth(c):
                self.setColumnWidth(c, need)
                self.widened.emit()

    def apply_columns(self) -> None:
        model: ObservationsModel = self.model()
        for i, col in enumerate(model.columns):
            self.setColumnHidden(i, col.result != self.results)
        self.horizontalHeader().setStretchLastSection(True)
        # (the window fits the columns' widths after a reset, with the panes' division)

    def _title_width(self, section: int) -> int:
        title = self.model().headerData(section, Qt.Orientation.Horizontal) or ""
        return self.horizontalHeader().fontMetrics().horizontalAdvance(str(title))

    def fit_columns(self) -> int:
        """Size each shown column to its title and the values in view; return the width this
        pane needs to show them all without scrolling sideways (row numbers, the scroll bar and
        the frame included). Column widths never widen the window: the splitter gives the pane
        this width when there is room, and the pane scrolls sideways when there is not."""
        model: ObservationsModel = self.model()
        header = self.horizontalHeader()
        margin = 2 * self.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header) + 6
        arrow = self.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize, None, header) + margin // 2
        total = 0
        for i, col in enumerate(model.columns):
            if self.isColumnHidden(i):
                continue
            title = self._title_width(i) + margin + (arrow if header.sortIndicatorSection() == i else 0)
            width = max(title, self.sizeHintForColumn(i) + 4, header.minimumSectionSize())
            self.setColumnWidth(i, width)
            total += width
        if self.verticalHeader().isVisible() or not self.results:
            total += self.verticalHeader().sizeHint().width()
        if self.verticalScrollBarPolicy() != Qt.ScrollBarPolicy.ScrollBarAlwaysOff:
            total += self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        return total + 2 * self.frameWidth()


class LinkedTables:
    """Keeps the observations and results views on the same rows: selection and scrolling."""

    def __init__(self, obs: DataTableView, res: DataTableView) -> None:
        self.obs, self.res = obs, res
        self._busy = False
        obs.selectionModel().selectionChanged.connect(lambda *_: self._mirror(obs, res))
        res.selectionModel().selectionChanged.connect(lambda *_: self._mirror(res, obs))
        obs.verticalScrollBar().valueChanged.connect(res.verticalScrollBar().setValue)
        res.verticalScrollBar().valueChanged.connect(obs.verticalScrollBar().setValue)
        obs.selectionModel().currentRowChanged.connect(self._current_obs)
        for view in (obs, res):
            view.horizontalScrollBar().rangeChanged.connect(self._sideways)
        self._sideways()

    def _sideways(self, *_args) -> None:
        """Both panes show a horizontal scroll bar, or neither: their rows keep the same height
        of view, so the last row of one is the last row of the other."""
        need = any(v.horizontalScrollBar().maximum() > 0 for v in (self.obs, self.res))
        policy = Qt.ScrollBarPolicy.ScrollBarAlwaysOn if need else Qt.ScrollBarPolicy.ScrollBarAlwaysOff
        for v in (self.obs, self.res):
            if v.horizontalScrollBarPolicy() != policy:
                v.setHorizontalScrollBarPolicy(policy)

    def _mirror(self, source: QTableView, target: QTableView) -> None:
        if self._busy:
            return
        self._busy = True
        try:
            rows = selected_view_rows(source)
            model = target.model()
            sel = QItemSelection()
            last = model.columnCount() - 1
            for a, b in rows_to_ranges(rows):
                sel.select(model.index(a, 0), model.index(b, last))
            flags = QItemSelectionModel.SelectionFlag.ClearAndSelect
            if target is self.obs:
                # Keep the user's cell selection in the observations if it covers these rows.
                if np.array_equal(selected_view_rows(target), rows):
                    return
            target.selectionModel().select(sel, flags)
        finally:
            self._busy = False

    def _current_obs(self, current, _previous) -> None:
        if current.isValid():
            self.res.scrollTo(self.res.model().index(current.row(), self.res.model().column_of("loss")))

    def selected_data_rows(self) -> np.ndarray:
        model: ObservationsModel = self.obs.model()
        return np.unique(model.data_rows(selected_view_rows(self.obs)))

    def select_data_rows(self, data_rows, scroll: bool = True) -> None:
        """Select whole rows in both views (e.g. from a click on the plot)."""
        model: ObservationsModel = self.obs.model()
        view_rows = np.array([model.view_row(int(r)) for r in np.atleast_1d(data_rows)], dtype=np.int64)
        view_rows = np.unique(view_rows[view_rows >= 0])
        sel = QItemSelection()
        last = model.columnCount() - 1
        for a, b in rows_to_ranges(view_rows):
            sel.select(model.index(a, 0), model.index(b, last))
        self.obs.selectionModel().select(sel, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        if view_rows.size:
            first = model.index(int(view_rows[0]), 0)
            self.obs.selectionModel().setCurrentIndex(first, QItemSelectionModel.SelectionFlag.NoUpdate)
            if scroll:
                self.obs.scrollTo(first, QAbstractItemView.ScrollHint.PositionAtCenter)


# ---------------------------------------------------------------------------------------------
# Clipboard
# ---------------------------------------------------------------------------------------------


def copy_text(view: QTableView) -> str:
    """The selected cells of a view as tab-separated text (bounding box, blanks where unselected)."""
    model: ObservationsModel = view.model()
    sel = view.selectionModel()
    indexes = [i for i in sel.selectedIndexes() if not view.isColumnHidden(i.column())]
    if not indexes:
        return ""
    rows = sorted({i.row() for i in indexes})
    cols = sorted({i.column() for i in indexes})
    chosen = {(i.row(), i.column()) for i in indexes}
    row_pos = {r: k for k, r in enumerate(rows)}
    out = [[""] * len(cols) for _ in rows]
    for r, c in chosen:
        out[row_pos[r]][cols.index(c)] = cell_copy_text(model, r, c)
    return format_block(out)


def cell_copy_text(model: ObservationsModel, view_row: int, column: int) -> str:
    index = model.index(view_row, column)
    col = model.columns[column]
    if not col.result:
        return model.data(index, Qt.ItemDataRole.EditRole) or ""
    value = model.data(index, SortKeyRole)
    if isinstance(value, float):
        return fmt_exact(value) if np.isfinite(value) else ("inf" if value > 0 else "")
    return model.data(index, Qt.ItemDataRole.DisplayRole) or ""


def paste_start(view: QTableView) -> tuple[int, int] | None:
    """(view row, column) of the selection's top-left cell, where a paste starts; None when
    nothing is selected (the user clicked below the last row: the block is added at the end).
    The current cell alone does not count: it stays where it was after such a click."""
    sel = [r for r in view.selectionModel().selection() if not view.isColumnHidden(r.left())]
    if not sel:
        return None
    return min(r.top() for r in sel), min(r.left() for r in sel)
