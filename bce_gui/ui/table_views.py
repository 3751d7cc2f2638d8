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
    QStyledItemDelegate,
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

#: The Note column grows to show a note of up to this many (average) characters, e.g.
#: "excluded: Predicted outside [0, 1]"; a longer one (several reasons) is elided, the whole of
#: it in the cell's tooltip, rather than pushing the summary aside.
NOTE_MAX_CHARS = 40
#: A text column (IDs, text labels, extra text) is fitted to its values up to this many
#: characters; a longer value is elided, whole in its tooltip (a 60-character ID pushed every
#: other column out of view).
TEXT_MAX_CHARS = 24
#: Where the pane has less room than the notes ask for, the Note column is narrowed to the room,
#: but not below this many characters (or the notes' own width): in a narrow window the pane
#: scrolls sideways to a readable note rather than showing "ex…".
NOTE_MIN_CHARS = 24


class InViewDelegate(QStyledItemDelegate):
    """Paints a cell that the pane's edge cuts in the part of it in view, so that its text is
    whole there or ends in "…" (the view's elide mode): the edge never cuts a 1.5 to a "1" or an
    ID "p10-999" to "p10". A cell wholly in view is painted as by the default delegate.

    (QStyledItemDelegate paints, sizes and places its editor from the option this fills in; the
    size of a cell's content does not depend on its rectangle while words do not wrap.)"""

    def initStyleOption(self, option, index) -> None:  # noqa: N802 (Qt name)
        super().initStyleOption(option, index)
        view = self.parent()
        rect = option.rect
        left, right = max(rect.left(), 0), min(rect.right(), view.viewport().width() - 1)
        if left <= right and (left, right) != (rect.left(), rect.right()):
            rect.setLeft(left)
            rect.setRight(right)
            option.rect = rect


class DataTableView(QTableView):
    """A QTableView over the observations model showing one group of its columns."""

    #: The Note column was fitted to other notes (one appeared, or went away): the pane may
    #: need more room, or can give some back.
    noteResized = Signal()

    def __init__(self, model: ObservationsModel, results: bool, name: str, parent=None) -> None:
        super().__init__(parent)
        self.results = results
        self.setModel(model)
        self.setAccessibleName(name)
        self.setAlternatingRowColors(True)
        self.setSortingEnabled(False)
        self.setWordWrap(False)
        self.setItemDelegate(InViewDelegate(self))
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
        self._last_rows: dict[int, int] = {}  # _last_rows_width by column, until the rows change
        for signal in (model.modelReset, model.layoutChanged, model.dataChanged, model.rowsInserted,
                       model.rowsRemoved, model.headerDataChanged):
            signal.connect(self._last_rows.clear)
        self.apply_columns()
        corner = self.findChild(QAbstractButton)  # the select-all button above the row numbers
        if corner is not None:
            corner.setAccessibleName("Select all cells")
        self._note_width = -1  # the Note column's width as last fitted (before any stretch)
        self._note_exact = False  # the next fit_note may also narrow the column
        if results:
            # Notes appear and go with edits, insertions and deletions: the Note column follows
            # the notes in view, up to NOTE_MAX_CHARS (the full note is also the cell's
            # tooltip). Scrolling only widens it: the pane does not change width as rows pass.
            self._note_timer = QTimer(self)
            self._note_timer.setSingleShot(True)
            self._note_timer.setInterval(0)
            self._note_timer.timeout.connect(self.fit_note)
            for signal in (model.dataChanged, model.layoutChanged, model.rowsInserted, model.rowsRemoved):
                signal.connect(self._notes_changed)
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

    def _notes_changed(self, *_args) -> None:
        self._note_exact = True
        self._note_timer.start()

    def fit_note(self) -> None:
        """Fit the Note column to the notes in view: wider for a new note, and after an edit,
        insertion or deletion also narrower when a note went away."""
        exact, self._note_exact = self._note_exact, False
        c = self.model().column_of("note")
        if c < 0 or self.isColumnHidden(c):
            return
        width = self._fitted_width(c)
        if width > self._note_width or (exact and width != self._note_width):
            self._note_width = width
            self.setColumnWidth(c, width)
            self.noteResized.emit()
        self.squeeze_note()

    def squeeze_note(self) -> None:
        """A Note column wider than the room the pane was given is narrowed to it (down to
        NOTE_MIN_CHARS), its notes elided with the whole of each in the tooltip: the pane does not
        scroll sideways for a long note. With room, the column is the width the notes ask for."""
        c = self.model().column_of("note")
        if c < 0 or self.isColumnHidden(c) or self._note_width < 0:
            return
        header = self.horizontalHeader()
        room = self.viewport().width() - header.sectionPosition(c)
        readable = min(self._note_width, NOTE_MIN_CHARS * self.fontMetrics().averageCharWidth())
        least = max(self._fitted_title_width(c), header.minimumSectionSize(), readable)
        size = header.sectionSize(c)
        if size > room and size > least:  # it sticks out of the pane: narrow it
            self.setColumnWidth(c, max(least, room))
        elif size < self._note_width and room > size:  # narrowed before; there is room now
            self.setColumnWidth(c, min(self._note_width, room))

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        if self.results:
            self.squeeze_note()

    def scrollContentsBy(self, dx: int, dy: int) -> None:  # noqa: N802 (Qt name)
        super().scrollContentsBy(dx, dy)
        if dx:
            # Qt moves the pixels in view and paints only the strip uncovered; a cell the edge
            # cut was painted for that edge (InViewDelegate), so every cell is painted again.
            self.viewport().update()

    def apply_columns(self) -> None:
        model: ObservationsModel = self.model()
        for i, col in enumerate(model.columns):
            self.setColumnHidden(i, col.result != self.results)
        self.horizontalHeader().setStretchLastSection(True)
        # (the window fits the columns' widths after a reset, with the panes' division)

    def _title_width(self, section: int) -> int:
        title = self.model().headerData(section, Qt.Orientation.Horizontal) or ""
        return self.horizontalHeader().fontMetrics().horizontalAdvance(str(title))

    def note_max_width(self) -> int:
        return NOTE_MAX_CHARS * self.fontMetrics().averageCharWidth()

    def _fitted_title_width(self, section: int) -> int:
        """A column's title with the header's margins (and the sort arrow when it shows one)."""
        header = self.horizontalHeader()
        margin = 2 * self.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header) + 6
        arrow = self.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize, None, header) + margin // 2
        return self._title_width(section) + margin + (arrow if header.sortIndicatorSection() == section else 0)

    def _fitted_width(self, section: int) -> int:
        """A column's width for its title and the values in view (a note up to its maximum)."""
        header = self.horizontalHeader()
        title = self._fitted_title_width(section)
        col = self.model().columns[section]
        content = self.sizeHintForColumn(section) + 4
        if col.key != "note":  # (the Note column follows the notes in view: see fit_note)
            content = max(content, self._last_rows_width(section) + 4)
        if col.key == "note":
            content = min(content, self.note_max_width())
        elif self.model().is_text_column(col):
            content = min(content, TEXT_MAX_CHARS * self.fontMetrics().averageCharWidth())
        return max(title, content, header.minimumSectionSize())

    def _last_rows_width(self, section: int) -> int:
        """The widest of the table's last FIT_ROWS cells in a column. Qt measures the rows in view
        and those around them; a stacked data set's last part can be wider ("p10-999" under
        "p1-0"), and Ctrl+End goes there. A fixed number of rows, whatever the table's size."""
        model = self.model()
        n = model.rowCount()
        if n <= FIT_ROWS:
            return 0  # (Qt measured every row)
        if section not in self._last_rows:  # (a window being resized asks again and again)
            widest = max(self.sizeHintForIndex(model.index(r, section)).width() for r in range(n - FIT_ROWS, n))
            self._last_rows[section] = widest + (1 if self.showGrid() else 0)  # as Qt counts
        return self._last_rows[section]

    def fit_columns(self) -> int:
        """Size each shown column to its title and the values in view; return the width this
        pane needs to show them all without scrolling sideways (row numbers, the scroll bar and
        the frame included). Column widths never widen the window: the splitter gives the pane
        this width when there is room, and the pane scrolls sideways when there is not."""
        model: ObservationsModel = self.model()
        total = 0
        for i, col in enumerate(model.columns):
            if self.isColumnHidden(i):
                continue
            width = self._fitted_width(i)
            self.setColumnWidth(i, width)
            if col.key == "note":
                self._note_width = width
                QTimer.singleShot(0, self.squeeze_note)  # once the pane has its new width
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
        """The results follow the current row up and down, never sideways: scrolling to the
        row's loss cell scrolled a narrow results pane to its right on every file opened (the
        first column, Corrected p, shown as "…" under a header cut to "d p")."""
        if current.isValid():
            bar = self.res.horizontalScrollBar()
            left = bar.value()
            self.res.scrollTo(self.res.model().index(current.row(), self.res.model().column_of("loss")))
            bar.setValue(left)

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
