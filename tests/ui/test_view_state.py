"""What the view keeps and what it must not: sort, filter and selection are per table; the report
shows no selection; in "invalid rows only" the reasons are in sight."""

from __future__ import annotations

import base64
import re

import numpy as np
from PySide6.QtCore import QPoint, QRect, Qt

from bce_gui.core.dataset import Dataset

LOAD_TIMEOUT_MS = 20_000


def open_file(w, qtbot, path) -> None:
    with qtbot.waitSignal(w.files.loadFinished, timeout=LOAD_TIMEOUT_MS) as blocker:
        assert w.files.open_path(str(path), ask=False, confirm_import=False)
    assert blocker.args == [True]


def click_header(qtbot, view, column: int) -> None:
    header = view.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))


def test_sort_filter_and_selection_do_not_carry_over_to_the_next_file(window, qtbot, tmp_path):
    w = window
    w.worst_first.setChecked(True)
    w.tables.select_data_rows([2, 3, 4])
    assert w.model.is_permuted and w.plot.selected_points()[0].size == 3
    src = tmp_path / "next.csv"
    src.write_text("id,actual,predicted\n" + "".join(f"n{i},{i % 2},0.{i + 1}\n" for i in range(8)),
                   encoding="utf-8")
    open_file(w, qtbot, src)
    assert not w.model.is_permuted and w.model.sort_state is None
    assert not w.worst_first.isChecked() and not w.actions["worst_first"].isChecked()
    assert w.obs_view.horizontalHeader().sortIndicatorSection() == -1
    assert w.tables.selected_data_rows().size == 0
    assert w.plot.selected_points()[0].size == 0  # no rings on rows 3-5 of a file never selected
    assert [w.model.data(w.model.index(v, 0)) for v in range(3)] == ["n0", "n1", "n2"]


def test_options_changes_keep_the_sort(window):
    w = window
    w.worst_first.setChecked(True)
    order = [w.model.data_row(v) for v in range(10)]
    w.settings_panel.soft.setChecked(True)  # the same table, other options: the order stays
    assert w.worst_first.isChecked() and [w.model.data_row(v) for v in range(10)] == order


def test_invalid_rows_only_brings_the_reasons_into_view(window, qtbot):
    w = window
    w.resize(1000, 700)
    w.reset_layout()
    m = w.model
    assert m.setData(m.index(3, m.column_of("predicted")), "abc")
    note = m.column_of("note")
    view = w.res_view
    visible = view.viewport().rect()
    view.scrollTo(m.index(3, 0))  # the Note column may be in view at this size: scroll it away
    view.horizontalScrollBar().setValue(0)
    w.invalid_only.setChecked(True)
    rect = view.visualRect(m.index(0, note))
    assert rect.intersects(visible) and rect.left() < visible.right() - 40
    assert "not a number" in m.data(m.index(0, note))


def png_of_report(w, path) -> bytes:
    assert w.files.export_report(w.plot, str(path))
    page = path.read_text("utf-8")
    return base64.b64decode(re.search(r"data:image/png;base64,([A-Za-z0-9+/=]+)", page).group(1))


def test_the_report_plot_shows_no_selection(window, qtbot, tmp_path):
    """A header click that selected a whole column ringed every point in the report's plot."""
    w = window
    png_of_report(w, tmp_path / "first.html")  # (the first drawing settles the axes' widths)
    click_header(qtbot, w.obs_view, w.model.column_of("predicted"))
    w.obs_view.selectColumn(w.model.column_of("predicted"))
    assert w.plot.selected_points()[0].size == 10
    selected = png_of_report(w, tmp_path / "selected.html")
    assert w.plot.selected_points()[0].size == 10  # the window still shows its selection
    w.obs_view.clearSelection()
    assert w.plot.selected_points()[0].size == 0
    plain = png_of_report(w, tmp_path / "plain.html")
    assert selected == plain
    assert isinstance(QRect(), QRect) and np.isfinite(w.doc.live.totals.mean)
