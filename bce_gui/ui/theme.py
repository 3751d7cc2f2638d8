"""Colours derived from the palette: readable on a light and on a dark one.

Every colour the window adds (invalid cells, excluded rows, warnings, captions, the plot) is
computed from the palette in force, so a dark desktop theme gets a dark variant of each, and text
keeps a contrast of at least 4.5:1 against its background (WCAG 2 AA for normal text); curves and
marks keep 3:1 (WCAG's figure for graphics). https://www.w3.org/TR/WCAG21/#contrast-minimum
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QWidget

TEXT_CONTRAST = 4.5
GRAPHIC_CONTRAST = 3.0
WARNING = QColor("#a40000")  # the warning red on a light background
INVALID = QColor("#e0301e")  # the hue of an invalid cell's background


def luminance(colour: QColor) -> float:
    """WCAG relative luminance (0 black .. 1 white)."""

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return (0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF())
            + 0.0722 * channel(colour.blueF()))


def contrast(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio of two colours (1 .. 21)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def mix(a: QColor, b: QColor, t: float) -> QColor:
    """``a`` moved a fraction ``t`` of the way to ``b``."""
    return QColor.fromRgbF(a.redF() + (b.redF() - a.redF()) * t, a.greenF() + (b.greenF() - a.greenF()) * t,
                           a.blueF() + (b.blueF() - a.blueF()) * t)


def is_dark(palette: QPalette) -> bool:
    return luminance(palette.color(QPalette.ColorRole.Base)) < luminance(palette.color(QPalette.ColorRole.Text))


def readable(colour: QColor, *backgrounds: QColor, ratio: float = TEXT_CONTRAST) -> QColor:
    """``colour``, lightened or darkened (its hue kept) until it reaches ``ratio`` against every
    background."""
    dark_bg = sum(luminance(b) for b in backgrounds) / len(backgrounds) < 0.18
    target = QColor("white") if dark_bg else QColor("black")
    for step in range(21):
        c = mix(colour, target, step / 20)
        if all(contrast(c, b) >= ratio for b in backgrounds):
            return c
    return target


def text_on(background: QColor) -> QColor:
    """Black or white, whichever reads better on ``background``: at least 4.58:1 on any colour
    (the worst background, of luminance 0.18, gives both that)."""
    return max((QColor("black"), QColor("white")), key=lambda text: contrast(text, background))


def _role(palette: QPalette, role: QPalette.ColorRole) -> QColor:
    return palette.color(QPalette.ColorGroup.Active, role)


def warning_text(palette: QPalette) -> QColor:
    """Red text for warnings (an infinite loss, a setting that cannot be used)."""
    return readable(WARNING, _role(palette, QPalette.ColorRole.Window))


def muted_text(palette: QPalette) -> QColor:
    """Secondary text (captions, notes): between text and background, still readable."""
    window = _role(palette, QPalette.ColorRole.Window)
    return readable(mix(_role(palette, QPalette.ColorRole.WindowText), window, 0.35), window)


def invalid_background(palette: QPalette) -> QColor:
    """The background of an invalid cell: a red tint of the table's own background, so the
    palette's text stays readable on it (pale pink under white text could not be read)."""
    base = _role(palette, QPalette.ColorRole.Base)
    text = _role(palette, QPalette.ColorRole.Text)
    for t in (0.22, 0.18, 0.14, 0.1, 0.06):
        bg = mix(base, INVALID, t)
        if contrast(text, bg) >= TEXT_CONTRAST:
            return bg
    return base


def excluded_text(palette: QPalette) -> QColor:
    """Text of an excluded row's results: dimmed, readable on both alternating row colours."""
    base = _role(palette, QPalette.ColorRole.Base)
    alternate = _role(palette, QPalette.ColorRole.AlternateBase)
    return readable(mix(_role(palette, QPalette.ColorRole.Text), base, 0.4), base, alternate)


def set_text_colour(widget: QWidget, colour: QColor) -> None:
    """Draw ``widget``'s text (a label's) in ``colour``, leaving the rest of its palette alone."""
    palette = widget.palette()
    palette.setColor(QPalette.ColorRole.WindowText, colour)
    widget.setPalette(palette)


_desktop_palette: QPalette | None = None


def colour_plot(plot, item, background: QColor, text: QColor, width: float = 1.0) -> None:
    """A pyqtgraph plot (its widget and its PlotItem) in the palette's colours: the background,
    and the left and bottom axes' lines (``width``) and labels in the text colour."""
    import pyqtgraph as pg  # (loaded by then: only plots call this)

    plot.setBackground(background)
    for name in ("left", "bottom"):
        axis = item.getAxis(name)
        axis.setPen(pg.mkPen(text, width=width))
        axis.setTextPen(text)


def use_dark(on: bool) -> None:
    """Switch the application to :func:`dark_palette`, or back to the desktop's palette."""
    global _desktop_palette
    app = QApplication.instance()
    if _desktop_palette is None:
        _desktop_palette = QPalette(app.palette())
    app.setPalette(dark_palette() if on else _desktop_palette)


def dark_palette() -> QPalette:
    """A dark palette for the Fusion style (View → Dark theme, where the desktop gives none)."""
    p = QPalette()
    R = QPalette.ColorRole
    colours = {
        R.Window: "#2b2b2b", R.WindowText: "#e8e8e8", R.Base: "#1e1e1e", R.AlternateBase: "#2a2a2a",
        R.ToolTipBase: "#3a3a3a", R.ToolTipText: "#f0f0f0", R.Text: "#e8e8e8", R.Button: "#353535",
        R.ButtonText: "#e8e8e8", R.BrightText: "#ff6b6b", R.Highlight: "#2f65ca",
        R.HighlightedText: "#ffffff", R.Link: "#6ab0ff", R.PlaceholderText: "#a0a0a0",
        R.Light: "#505050", R.Midlight: "#404040", R.Mid: "#303030", R.Dark: "#202020",
        R.Shadow: "#000000",
    }
    for role, name in colours.items():
        p.setColor(role, QColor(name))
    for role in (R.WindowText, R.Text, R.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor("#8a8a8a"))
    return p
