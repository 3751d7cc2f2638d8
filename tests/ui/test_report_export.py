"""The PDF report is one to hand on: readable tables, and the data's plot, not the window's state."""

from __future__ import annotations

import base64
import re

import numpy as np
import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QImage, QTextDocument

import bce_gui.ui.files as files_mod
from bce_gui.core.report import Figure, report_html


pytestmark = pytest.mark.usefixtures("recovery_folder")  # (tests/ui/conftest.py)


def export_pdf(w, qtbot, tmp_path, monkeypatch, dialogs) -> dict:
    """Ctrl+Shift+P to tmp_path/report.pdf (a PDF is written); the page and the images the
    window handed to the PDF writer ({"page": html, "images": {name: png}})."""
    given = {}
    real_pdf_bytes = files_mod.pdf_bytes

    def capture(page, plot_png, images=None):
        given.update(page=page, images={"plot.png": plot_png, **images})
        return real_pdf_bytes(page, plot_png, images)

    monkeypatch.setattr(files_mod, "pdf_bytes", capture)
    dialogs.answer("save", str(tmp_path / "report.pdf"))
    qtbot.keyClick(w, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert (tmp_path / "report.pdf").read_bytes()[:5] == b"%PDF-"
    return given


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
    given = export_pdf(w, qtbot, tmp_path, monkeypatch, dialogs)
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


# -- each heading on the page of what it heads ---------------------------------------------------

def laid_out(page: str, images: dict[str, bytes], keep: bool = True) -> QTextDocument:
    """The report's document as the PDF prints it (A4 at the PDF's resolution)."""
    from PySide6.QtCore import QBuffer, QIODevice

    from bce_gui.ui import report_pdf

    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    size = report_pdf.page_size(report_pdf.pdf_writer(buffer))
    if keep:
        return report_pdf.report_document(page, images, size)
    doc = QTextDocument()
    for name, data in images.items():
        doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(name), QImage.fromData(data, "PNG"))
    doc.setHtml(page)
    doc.setPageSize(size)
    return doc


def page_faults(doc: QTextDocument) -> list[str]:
    """What is wrong with the pages, in words: a heading drawn across two pages, a heading
    whose next line is on another page (it ends a page), a heading apart from its figure or its table's first row of data when one of
    them follows within a short paragraph or two, a blank page."""
    from PySide6.QtGui import QTextCursor

    layout = doc.documentLayout()
    layout.documentSize()
    height = doc.pageSize().height()

    def pages(block) -> tuple[int, int]:
        """The pages of the first and the last line of ``block``."""
        r = layout.blockBoundingRect(block)
        lines = block.layout()
        first = lines.lineAt(0)
        last = lines.lineAt(lines.lineCount() - 1)
        return (int((r.top() + first.y() + first.height() - 0.5) // height),
                int((r.top() + last.y() + last.height() - 0.5) // height))

    def heads(block) -> list:
        """The non-empty blocks after a heading up to its figure or table's first data row
        (that one included), at most four."""
        out = []
        follow = block.next()
        while follow.isValid() and not follow.blockFormat().headingLevel() and len(out) < 4:
            table = QTextCursor(follow).currentTable()
            if table is not None:
                if table.cellAt(follow.position()).row() >= min(table.format().headerRowCount(),
                                                               table.rows() - 1):
                    return [*out, follow]
            elif follow.text().strip():
                out.append(follow)
                if "\ufffc" in follow.text():
                    return out
            follow = follow.next()
        return out[:1]  # text only: its first block

    faults, starts = [], set()
    block = doc.begin()
    while block.isValid():
        if block.text().strip():
            starts.add(pages(block)[0])
        if block.blockFormat().headingLevel():
            page = pages(block)[0]
            top = layout.blockBoundingRect(block).top() + block.layout().lineAt(0).y()
            if int(top // height) != page:  # drawn across the foot of a page and the next
                faults.append(f"{block.text()!r} across pages {int(top // height) + 1} and {page + 1}")
            for follow in heads(block):
                if pages(follow)[0] != page or ("\ufffc" in follow.text() and pages(follow)[1] != page):
                    faults.append(f"{block.text()!r} on page {page + 1}, {follow.text()[:20]!r} "
                                  f"after it on page {pages(follow)[0] + 1}")
                    break
        block = block.next()
    blank = sorted(set(range(doc.pageCount())) - starts)
    if blank:
        faults.append(f"blank page(s) {[p + 1 for p in blank]}")
    return faults


def tall_png(height: int) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    image = QImage(480, height, QImage.Format.Format_RGB32)
    image.fill(0x3366AA)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data)


def test_a_heading_is_kept_with_its_figure_or_table_wherever_the_page_breaks(qapp):
    """Pages of text of every length before a heading, its paragraph and a figure or a table:
    where the page broke between a heading and what it heads (QA: "Calibration" at the foot
    of page 1, its chart on page 2), the heading now starts the next page; no page is blank."""
    from bce_gui.core.report import STYLE, TABLE

    figure = Figure.named("fig.png", tall_png(300))
    table = (TABLE + "<thead><tr><th>Bin</th><th>Rows</th></tr></thead>"
             + "".join(f"<tr><td>{i}</td><td>{i * 3}</td></tr>" for i in range(12)) + "</table>")
    before_fix, faults = 0, []
    for lines in range(20, 90, 3):
        filler = "".join(f"<p>Line {i} of the text before.</p>" for i in range(lines))
        page = (f"<html><head><style>{STYLE}</style></head><body><h1>Report</h1>{filler}"
                f"<h2>Calibration</h2><p>What the figure shows.</p><p>{figure.tag(480)}</p>"
                f"<h2>Per bin</h2><p>The table's note.</p>{table}<h3>After</h3><p>End.</p></body></html>")
        before_fix += bool(page_faults(laid_out(page, {"fig.png": tall_png(300)}, keep=False)))
        faults += [f"{lines} lines: {f}" for f in page_faults(laid_out(page, {"fig.png": tall_png(300)}))]
    assert before_fix > 5  # (the sweep does meet the breaks it is about)
    assert faults == []


@pytest.mark.parametrize("categorical", [False, True])
def test_no_page_of_the_report_ends_with_a_heading(window, qtbot, tmp_path, dialogs, monkeypatch,
                                                   categorical):
    """The report as Ctrl+Shift+P writes it: a binary table of 300 rows with two models
    compared, and the three-class example."""
    from bce_gui.core.dataset import Dataset

    w = window
    if categorical:
        w.actions["example_multiclass"].trigger()
    else:
        rng = np.random.default_rng(5)
        y = (rng.random(300) < 0.5).astype(float)
        p = np.clip(0.5 + (y - 0.5) * rng.uniform(0.0, 0.8, 300), 0.01, 0.99)
        w.doc.set_dataset(Dataset.from_arrays(y, p, ids=[f"patient-{i:04d}" for i in range(300)]))
        w.model_actions.add_model_column("A copy of Predicted (paste or type the other model's predictions over it)")
    given = export_pdf(w, qtbot, tmp_path, monkeypatch, dialogs)
    assert ("Models compared" in given["page"]) != categorical
    doc = laid_out(given["page"], given["images"])
    assert doc.pageCount() >= 2 and page_faults(doc) == []
