"""The PDF report is one to hand on: readable tables, and the data's plot, not the window's state."""

from __future__ import annotations

import base64
import re

import pytest
from PySide6.QtGui import QTextDocument

import bce_gui.ui.files as files_mod
from bce_gui.core.report import report_html


@pytest.fixture(autouse=True)
def recovery_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(files_mod, "recovery_dir", lambda: tmp_path / "recovery")


def embedded_png(html: str) -> bytes:
    m = re.search(r"src='data:image/png;base64,([^']+)'", html)
    assert m
    return base64.b64decode(m.group(1))


def test_the_report_plot_has_no_selection_ring(window, qtbot, tmp_path):
    w = window
    w.tables.select_data_rows([7])  # ID8, ringed in the window
    assert len(w.plot.selected_points()[0]) == 1
    assert w.files.export_report(w.plot, str(tmp_path / "with.html"))
    reported = embedded_png((tmp_path / "with.html").read_text("utf-8"))
    assert w.plot.selected.isVisible()  # the window keeps its ring
    ringed = files_mod._widget_bytes(w.plot.plot, svg=False)  # the window as it is
    w.tables.select_data_rows([])
    w.plot.set_selected_rows([])
    clean = files_mod.plot_bytes(w.plot, svg=False)
    assert reported == clean != ringed


def test_the_pdf_tables_have_room_around_each_cell(window):
    """What Qt's PDF writer lays out: every table cell has padding (the cells ran together)."""
    snap = window.doc.live.snapshot()
    page = report_html(window.doc.dataset, snap, source=None, plot_src="plot.png")
    doc = QTextDocument()
    doc.setHtml(page)
    tables = [f for f in doc.rootFrame().childFrames() if f.__class__.__name__ == "QTextTable"]
    assert tables
    for table in tables:
        assert table.format().headerRowCount() == 1  # repeated where a page breaks the table
        for r in range(table.rows()):
            for c in range(table.columns()):
                fmt = table.cellAt(r, c).format().toTableCellFormat()
                assert fmt.leftPadding() >= 4 and fmt.rightPadding() >= 4, (r, c)
