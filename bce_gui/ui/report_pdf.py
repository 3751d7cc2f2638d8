"""The report's pages: its HTML laid out by Qt's QTextDocument for the PDF, each heading kept on
the page of what it heads.

QTextDocument breaks pages where the text runs out, with no "keep with next": a heading could
end a page, its figure or table on the next (QA: "Calibration" at the foot of page 1, its chart
on page 2). :func:`keep_headings_with_next` measures the laid-out pages and moves such a
heading to the top of the next page, one heading at a time, since each move shifts everything
after it. What a heading is kept with is its *lead* (:func:`heading_lead`): the text up to its
figure or its table's first row of data. Qt's CSS "page-break-after: avoid" is not honoured.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QIODevice, QSizeF, QUrl
from PySide6.QtGui import QImage, QPageSize, QPdfWriter, QTextBlock, QTextCursor, QTextDocument

#: A table at most this share of a page's height stays whole with its heading (a short table
#: split after its first row reads badly); a longer one keeps its first row of data.
SHORT_TABLE = 1 / 3
#: A lead taller than this share of a page is cut to the heading's first following line: a
#: break could not keep it whole, and would leave most of a page blank.
TALL_LEAD = 0.9
#: Dots per inch of the report's page (A4) as the document is laid out and printed.
RESOLUTION = 110
#: Image placeholders in a block's text (QTextDocument's object replacement character).
IMAGE = "\ufffc"


def _rect(doc: QTextDocument, block: QTextBlock):
    return doc.documentLayout().blockBoundingRect(block)


def _first_line_bottom(doc: QTextDocument, block: QTextBlock) -> float:
    """Where the first line of ``block`` ends, in the document (a line is never split; a
    block's lines can be: it is on the page of its first line)."""
    rect = _rect(doc, block)
    layout = block.layout()
    if layout is not None and layout.lineCount():
        line = layout.lineAt(0)
        return rect.top() + line.y() + line.height()
    return rect.bottom()


def _row_bottom(doc: QTextDocument, table, row: int) -> float:
    """Where row ``row`` of ``table`` ends: the foot of its tallest cell's text (a row is
    never split between pages unless it is taller than a page)."""
    return max(_rect(doc, table.cellAt(row, c).lastCursorPosition().block()).bottom()
               for c in range(table.columns()))


def page_of(doc: QTextDocument, y: float) -> int:
    """The page (from 0) that the document's position ``y`` lies on."""
    return int(y // doc.pageSize().height())


def headings(doc: QTextDocument) -> list[QTextBlock]:
    """The blocks made from <h1> to <h6>, in order."""
    out = []
    block = doc.begin()
    while block.isValid():
        if block.blockFormat().headingLevel() > 0:
            out.append(block)
        block = block.next()
    return out


def heading_lead(doc: QTextDocument, heading: QTextBlock) -> float:
    """Where what ``heading`` must share its page with ends (a position in the document): its
    paragraphs up to its first figure (the whole image) or table (the first row of data; a
    short table whole), or, without either before the next heading, its first line of text.
    A lead taller than a page is cut to that first line."""
    page = doc.pageSize().height()
    top = _rect(doc, heading).top()
    first = None
    block = heading.next()
    while block.isValid() and block.blockFormat().headingLevel() == 0:
        table = QTextCursor(block).currentTable()
        if first is None and (table is not None or block.text().strip()):
            first = block
        if table is not None:
            end = _row_bottom(doc, table, table.rows() - 1)
            if end - top > SHORT_TABLE * page:
                end = _row_bottom(doc, table, min(table.format().headerRowCount(), table.rows() - 1))
            break
        if IMAGE in block.text():
            end = _rect(doc, block).bottom()
            break
        block = block.next()
    else:
        end = None
    if first is None:
        return _rect(doc, heading).bottom()
    if end is None or end - top > TALL_LEAD * page:
        return _first_line_bottom(doc, first)
    return end


def stranded_headings(doc: QTextDocument) -> list[QTextBlock]:
    """The headings whose lead (:func:`heading_lead`) does not end on the heading's page: each
    ends a page, or shares it with only the start of what it heads."""
    return [h for h in headings(doc)
            if page_of(doc, _rect(doc, h).top()) != page_of(doc, heading_lead(doc, h) - 0.5)]


def keep_headings_with_next(doc: QTextDocument) -> int:
    """Move each stranded heading (:func:`stranded_headings`) to the top of the next page, one
    at a time, top down (a move shifts everything after it). ``doc`` has its page size.
    Returns how many headings were moved.

    The heading is moved by its top margin, measured to the next page's first line, not by
    ``page-break-before``: Qt draws a heading that it began within a few points of a page's
    foot across the two pages, and breaking before it then skips a page (a blank page)."""
    moved = 0
    tried: set[int] = set()
    while True:
        doc.documentLayout().documentSize()  # (laid out anew after each move)
        stranded = [h for h in stranded_headings(doc) if h.position() not in tried]
        if not stranded:
            return moved
        heading = stranded[0]
        tried.add(heading.position())  # (a lead longer than a page stays stranded: once)
        top = _rect(doc, heading).top()
        _move_to(doc, heading, (page_of(doc, top) + 1) * doc.pageSize().height()
                 + doc.rootFrame().frameFormat().topMargin())
        moved += 1


def _move_to(doc: QTextDocument, heading: QTextBlock, y: float) -> None:
    """Give ``heading`` the top margin that starts it at ``y``. Measured, a few times: Qt
    collapses a block's top margin with the bottom margin of the block before it."""
    for _ in range(4):
        top = _rect(doc, heading).top()
        if abs(top - y) < 0.5:
            return
        fmt = heading.blockFormat()
        fmt.setTopMargin(max(fmt.topMargin() + y - top, 0.0))
        QTextCursor(heading).setBlockFormat(fmt)
        doc.documentLayout().documentSize()


def report_document(page_html: str, images: dict[str, bytes], page_size: QSizeF) -> QTextDocument:
    """The report laid out on pages of ``page_size`` (the printer's, in its pixels), ready to
    print: ``images`` are the PNGs the page names (``plot.png``, ...), and each heading is on
    the page of what it heads."""
    doc = QTextDocument()
    for name, data in images.items():
        image = QImage.fromData(QByteArray(data), "PNG")
        doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(name), image)
    doc.setHtml(page_html)
    doc.setPageSize(page_size)
    keep_headings_with_next(doc)
    return doc


def pdf_writer(device: QIODevice) -> QPdfWriter:
    """A PDF writer onto ``device``: A4 at :data:`RESOLUTION`, titled."""
    writer = QPdfWriter(device)
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setResolution(RESOLUTION)
    writer.setTitle("BCE Lab report")
    writer.setCreator("BCE Lab")
    return writer


def page_size(writer: QPdfWriter) -> QSizeF:
    """The page the report is laid out on: the writer's printable area, in its pixels."""
    return writer.pageLayout().paintRectPixels(writer.resolution()).size().toSizeF()
