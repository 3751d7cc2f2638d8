"""The Note column follows the notes in view: an inserted (empty) row's long note is elided, the
whole of it in the tooltip, and deleting the row gives the Note column, the tables' pane and the
summary their widths back.

Found by a QA pass: worked example, weight column (Ctrl+Shift+G), insert a row (Ctrl+I), delete
it (Ctrl+-): the new row's note ("excluded: Actual missing; …") widened the Note column and the
tables' pane, the summary's guide scale was cut to "not i…", "very…", and after the delete the
Note column stayed huge and empty with a horizontal scroll bar.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt

from bce_gui.ui.table_views import NOTE_MAX_CHARS

SMALL = QSize(1272, 760)  # the client area of a maximised window on a 1280×800 screen


def settle(qtbot) -> None:
    for _ in range(5):
        qtbot.wait(5)


def layout_state(w) -> dict:
    view, c = w.res_view, w.model.column_of("note")
    return {"note": view.columnWidth(c), "main": w.main_splitter.sizes(),
            "tables": w.table_splitter.sizes(), "summary": w.summary.width(),
            "sideways": [v.horizontalScrollBar().isVisible() for v in (w.obs_view, w.res_view)]}


def test_a_row_inserted_and_deleted_leaves_the_layout_as_it_was(window, qtbot):
    w, m = window, window.model
    w.showNormal()
    w.resize(SMALL)
    qtbot.waitUntil(lambda: w.size() == SMALL, timeout=2000)
    w.actions["weight"].trigger()
    settle(qtbot)
    before = layout_state(w)
    assert before["sideways"] == [False, False]
    c = m.column_of("note")

    w.obs_view.setCurrentIndex(m.index(9, 0))
    w.actions["insert"].trigger()
    settle(qtbot)
    assert len(w.doc) == 11
    row = next(r for r in range(m.rowCount()) if m.data(m.index(r, c)))
    note = m.data(m.index(row, c))
    assert note.startswith("excluded: Actual missing")
    view = w.res_view
    # the long note is elided, not given the room it asks for; the tooltip has all of it
    assert view.fontMetrics().horizontalAdvance(note) > view.note_max_width()
    assert view.columnWidth(c) <= view.note_max_width()
    assert view.columnWidth(c) < view.fontMetrics().horizontalAdvance(note)
    assert m.data(m.index(row, c), Qt.ItemDataRole.ToolTipRole) == note
    # and it ends at the pane's edge: no sideways scrolling for a note
    assert view.columnViewportPosition(c) + view.columnWidth(c) <= view.viewport().width()
    assert not view.horizontalScrollBar().isVisible() and not w.obs_view.horizontalScrollBar().isVisible()
    # the pane grew by at most the note's maximum: the summary keeps the rest of its width
    assert w.main_splitter.sizes()[0] <= before["main"][0] + NOTE_MAX_CHARS * view.fontMetrics().averageCharWidth()

    w.tables.select_data_rows([row])
    w.actions["delete_rows"].trigger()
    settle(qtbot)
    assert len(w.doc) == 10
    assert layout_state(w) == before

    # undo brings the row (and its note) back, redo takes it away again: the same widths
    w.doc.undo_stack.undo()
    settle(qtbot)
    assert len(w.doc) == 11 and view.columnWidth(c) > before["note"]
    w.doc.undo_stack.redo()
    settle(qtbot)
    assert layout_state(w) == before


def test_a_note_that_goes_away_with_an_edit_gives_its_width_back(window, qtbot):
    w, m = window, window.model
    view, c = w.res_view, m.column_of("note")
    before = layout_state(w)
    predicted = m.index(2, m.column_of("predicted"))
    m.setData(predicted, "1.5")
    settle(qtbot)
    assert m.data(m.index(2, c)) == "excluded: Predicted outside [0, 1]"
    assert view.columnWidth(c) >= view.sizeHintForColumn(c)  # a one-reason note is shown whole
    m.setData(predicted, "0.83")
    settle(qtbot)
    assert layout_state(w) == before
