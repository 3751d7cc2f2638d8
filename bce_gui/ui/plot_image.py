"""A pyqtgraph plot as an image for a file or the report: PNG (``PNG_WIDTH`` pixels wide) or SVG.

The PNG is drawn from the plot's scene laid out at the size asked for, never by resizing the
widget and rendering it: a plot in a tab not shown (or never shown) has a resize pending, and a
plot in a layout has its size imposed by the layout, and ``QWidget.render`` delivers both while
it draws. The report's calibration diagram was then drawn at the tab's size on an image of
another (its top left, the rest blank: a figure that looked squashed, with a blank band under
it, in the PDF). Laying the :class:`~pyqtgraph.PlotItem` out at the size and drawing the scene
(``QGraphicsScene.render``) gives an image whose content fills it, whatever the window shows.
"""

from __future__ import annotations


from PySide6.QtCore import QBuffer, QIODevice, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QImage, QPainter

#: Width of a plot's PNG in pixels.
PNG_WIDTH = 1200


def png_bytes(plot_widget, size: QSize | None = None) -> bytes:
    """``plot_widget`` (a :class:`pyqtgraph.PlotWidget`) drawn at ``size`` (device-independent
    pixels; its own size when None), as PNG ``PNG_WIDTH`` pixels wide in the same proportions:
    the widget's layout (legend, symbols and text in proportion), sharp at that width. The
    widget itself is left as it was."""
    image = render_image(plot_widget, size)
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(buffer.data())


def render_image(plot_widget, size: QSize | None = None) -> QImage:
    """The plot drawn at ``size`` (see :func:`png_bytes`) as an image ``PNG_WIDTH`` pixels wide."""
    size = QSize(size) if size is not None else plot_widget.size()
    w, h = max(size.width(), 1), max(size.height(), 1)
    ratio = max(PNG_WIDTH / w, 1.0)  # (a wider plot is drawn at its size, then scaled down)
    image = QImage(round(w * ratio), round(h * ratio), QImage.Format.Format_RGB32)
    image.setDevicePixelRatio(ratio)
    image.fill(plot_widget.backgroundBrush().color())
    item = plot_widget.getPlotItem()
    shown = item.geometry()
    area = QRectF(0.0, 0.0, w, h)
    item.setGeometry(area)  # lays the axes, view box and legend out at once
    try:
        painter = QPainter(image)
        painter.setRenderHints(plot_widget.renderHints() | QPainter.RenderHint.TextAntialiasing)
        plot_widget.scene().render(painter, area, area.translated(item.scenePos()),
                                   Qt.AspectRatioMode.IgnoreAspectRatio)
        painter.end()
    finally:
        item.setGeometry(shown)
    if image.width() != PNG_WIDTH:
        image = image.scaledToWidth(PNG_WIDTH, Qt.TransformationMode.SmoothTransformation)
    return image


def svg_bytes(plot_widget, title: str) -> bytes:
    """The plot as SVG, drawn by Qt's own QSvgGenerator from the widget as the window shows it
    (pyqtgraph 0.14's SVGExporter fails on the paths Qt 6.11 writes for closed symbols, "not
    enough values to unpack")."""
    from PySide6.QtSvg import QSvgGenerator

    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    gen = QSvgGenerator()
    gen.setOutputDevice(buffer)
    size = plot_widget.size()
    gen.setSize(QSize(size.width(), size.height()))
    gen.setViewBox(QRect(0, 0, size.width(), size.height()))
    gen.setTitle(title)
    painter = QPainter(gen)
    plot_widget.render(painter)
    painter.end()
    return bytes(buffer.data())
