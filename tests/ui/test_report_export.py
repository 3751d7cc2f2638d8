"""The PDF report is one to hand on: readable tables, and the data's plot, not the window's state."""

from __future__ import annotations

import base64
import re

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QTextDocument

import bce_gui.ui.files as files_mod
from bce_gui.core.report import Figure, report_html


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
    page = report_html(window.doc.dataset, snap, source=None,
                       plot=Figure.named("plot.png", files_mod.plot_bytes(window.plot, svg=False)))
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


def ink_box(png: bytes) -> tuple[float, float, float, float]:
    """Where the drawing is in a PNG, as fractions of its width and height: the (left, top,
    right, bottom) edges of its pixels darker than the light grey of the grid."""
    image = QImage.fromData(png, "PNG").convertToFormat(QImage.Format.Format_Grayscale8)
    w, h = image.width(), image.height()
    grey = np.frombuffer(image.constBits(), dtype=np.uint8,
                         count=image.bytesPerLine() * h).reshape(h, -1)[:, :w]
    ink = grey < 200
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    return cols[0] / w, rows[0] / h, (cols[-1] + 1) / w, (rows[-1] + 1) / h


@pytest.mark.parametrize("categorical", [False, True])
def test_the_pdf_figures_fill_their_images_and_keep_their_proportions(
        window, qtbot, tmp_path, dialogs, monkeypatch, categorical):
    """The report's first export (Ctrl+Shift+P) drew the statistics' plots, whose tabs were never
    shown, at a stale size in the top left of their images, the rest blank: in the PDF a
    figure looked squashed over a blank band (QA). Each figure's drawing now reaches its
    image's right and bottom edges (the x axis, its title, the legend), and the page gives each image
    the height of its proportions. The window's plots keep their layout."""
    w = window
    if categorical:
        w.actions["example_multiclass"].trigger()
        assert w.doc.categorical
    assert w.views.currentWidget() is w.plot  # the statistics' tabs were never shown
    shown = w.plot.plot.getPlotItem().geometry()
    given = {}
    real_pdf_bytes = files_mod.pdf_bytes

    def capture(page, plot_png, images=None):
        given.update(page=page, images={"plot.png": plot_png, **images})
        return real_pdf_bytes(page, plot_png, images)

    monkeypatch.setattr(files_mod, "pdf_bytes", capture)
    dialogs.answer("save", str(tmp_path / "report.pdf"))
    qtbot.keyClick(w, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert (tmp_path / "report.pdf").read_bytes()[:5] == b"%PDF-"
    assert set(given["images"]) == {"plot.png", "calibration.png", "histogram.png"}
    tags = dict(re.findall(r"<img src='([^']+)' (width='\d+' height='\d+')>", given["page"]))
    assert set(tags) == set(given["images"])
    for name, png in given["images"].items():
        left, top, right, bottom = ink_box(png)
        assert left < 0.02 and top < 0.05, name
        assert right > 0.98 and bottom > 0.9, (name, right, bottom)  # (under: the legend's gap)
        image = QImage.fromData(png, "PNG")
        width, height = map(int, re.findall(r"\d+", tags[name]))
        assert abs(height - width * image.height() / image.width()) <= 0.5, name
    assert w.plot.plot.getPlotItem().geometry() == shown
