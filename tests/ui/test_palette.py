"""Colours come from the palette: warnings, invalid cells and the plot readable on light and dark.

Text must keep a contrast of at least 4.5:1 (WCAG AA) against what it is drawn on; curves 3:1.
The dark palette is a desktop's (KDE Breeze Dark's colours), not one the app makes itself.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from bce_gui.core.dataset import Dataset

R = QPalette.ColorRole
BREEZE_DARK = {R.Window: "#31363b", R.WindowText: "#eff0f1", R.Base: "#232629",
               R.AlternateBase: "#31363b", R.Text: "#eff0f1", R.Button: "#31363b",
               R.ButtonText: "#eff0f1", R.Highlight: "#3daee9", R.HighlightedText: "#eff0f1",
               R.ToolTipBase: "#31363b", R.ToolTipText: "#eff0f1", R.PlaceholderText: "#a0a0a0"}


def contrast(a: QColor, b: QColor) -> float:
    """WCAG 2 contrast ratio, written out here (not the app's)."""

    def lum(c: QColor) -> float:
        ch = [v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4 for v in (c.redF(), c.greenF(), c.blueF())]
        return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2]

    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def dark_palette() -> QPalette:
    p = QPalette(QApplication.style().standardPalette())
    for role, name in BREEZE_DARK.items():
        for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
            p.setColor(group, role, QColor(name))
    return p


@pytest.fixture(params=["light", "dark"])
def palette(request):
    before = QPalette(QApplication.palette())
    p = QApplication.style().standardPalette() if request.param == "light" else dark_palette()
    QApplication.setPalette(p)
    yield p
    QApplication.setPalette(before)


def text_colour(label) -> QColor:
    return label.palette().color(label.foregroundRole())


def colour_of(brush) -> QColor:
    return brush.color() if hasattr(brush, "color") else QColor(brush)


def mixed_window(w):
    """Invalid cells, an excluded row, an infinite loss, a settings error: every warning shown."""
    w.doc.set_dataset(Dataset.from_arrays([1, 0, 1, 0], [0.0, 0.3, 0.8, 0.4], ids=["a", "b", "c", "d"]))
    m = w.model
    assert m.setData(m.index(1, m.column_of("predicted")), "abc")
    w.settings_panel.error.setText("Label smoothing: “x” is not a number")
    return m


def test_text_colours_are_readable_on_the_palette(palette, window):
    w = window
    m = mixed_window(w)
    base, alt = palette.color(R.Base), palette.color(R.AlternateBase)
    text, window_bg = palette.color(R.Text), palette.color(R.Window)

    invalid = colour_of(m.data(m.index(1, m.column_of("predicted")), 8))  # BackgroundRole
    assert contrast(text, invalid) >= 4.5, invalid.name()  # pale pink under white text was 1.2:1
    assert invalid != base  # still marked
    excluded = colour_of(m.data(m.index(1, m.column_of("loss")), 9))  # ForegroundRole
    assert min(contrast(excluded, base), contrast(excluded, alt)) >= 4.5, excluded.name()

    assert w.summary.infinite_label.isVisibleTo(w)
    for label in (w.summary.infinite_label, w.summary.caption, w.summary.policy_label,
                  w.settings_panel.error, w.plot.note):
        assert contrast(text_colour(label), window_bg) >= 4.5, (label.text()[:30], text_colour(label).name())


def test_the_plot_follows_the_palette(palette, window):
    w = window
    plot = w.plot.plot
    bg = plot.backgroundBrush().color()
    assert bg == palette.color(R.Base)  # not white on a dark desktop
    axis = plot.getPlotItem().getAxis("left")
    assert axis.textPen().color() == palette.color(R.Text)
    assert contrast(axis.pen().color(), bg) >= 4.5
    for curve in (w.plot.curve1, w.plot.curve0):
        assert contrast(curve.opts["pen"].color(), bg) >= 3.0
    for _sample, label in w.plot.legend.items:  # the legend's text too
        assert contrast(QColor(label.opts["color"]), bg) >= 4.5
        assert QColor(label.opts["color"]).name() in label.item.toHtml()


def test_switching_to_a_dark_palette_recolours_the_open_window(window):
    w = window
    before = QPalette(QApplication.palette())
    try:
        QApplication.setPalette(dark_palette())
        QApplication.processEvents()  # Qt posts the palette change to every widget
        assert w.plot.plot.backgroundBrush().color() == QColor(BREEZE_DARK[R.Base])
        m = mixed_window(w)
        invalid = colour_of(m.data(m.index(1, m.column_of("predicted")), 8))
        assert contrast(QColor(BREEZE_DARK[R.Text]), invalid) >= 4.5
    finally:
        QApplication.setPalette(before)
    QApplication.processEvents()
    assert w.plot.plot.backgroundBrush().color() == before.color(R.Base)


def test_dark_theme_option_and_exports_stay_light(window, tmp_path, qtbot):
    w = window
    before = QPalette(QApplication.palette())
    try:
        w.actions["dark"].trigger()
        QApplication.processEvents()
        assert QApplication.palette().color(R.Base).lightnessF() < 0.3
        assert w.plot.plot.backgroundBrush().color() == QApplication.palette().color(R.Base)
        with w.plot.exporting() as exported:
            assert exported.backgroundBrush().color().lightnessF() > 0.9  # paper is white
        assert w.plot.plot.backgroundBrush().color() == QApplication.palette().color(R.Base)
        w.actions["dark"].trigger()
        assert QApplication.palette().color(R.Base) == before.color(R.Base)
    finally:
        QApplication.setPalette(before)


#: A probability of class 1 for a row of class 1 and one of class 0 whose loss falls in each
#: band of the guide: great, good, fair, not ideal, very poor.
IN_BAND = (0.97, 0.9, 0.8, 0.6, 0.2)


@pytest.mark.parametrize("theme_name", ["light", "Breeze dark", "View → Dark theme"])
def test_the_guide_bar_labels_are_readable_on_their_bands(window, qtbot, theme_name):
    """Every band's label keeps 4.5:1 against the band as drawn, whichever band the loss is in
    (the others are dimmed over the window's colour). Found in the dark theme: the dimmed bands
    kept black text, "great" at 3.4:1 and "very poor" at 3.1:1."""
    w = window
    before = QPalette(QApplication.palette())
    try:
        if theme_name == "View → Dark theme":
            w.actions["dark"].trigger()
        else:
            QApplication.setPalette(QApplication.style().standardPalette() if theme_name == "light"
                                    else dark_palette())
        QApplication.processEvents()
        g = w.summary.guide
        for band, p in enumerate(IN_BAND):
            w.doc.set_dataset(Dataset.from_arrays([1, 0], [p, 1 - p]))
            qtbot.waitUntil(lambda: g.view is not None and g.view.band == band)
            image = w.grab().toImage()
            for i, (_colour, text) in enumerate(g.band_colours()):
                rect = g.band_rect(i).toRect()
                corner = g.mapTo(w, rect.topLeft())
                drawn = image.pixelColor(corner.x() + 1, corner.y() + 1)  # the band as drawn
                assert contrast(text, drawn) >= 4.5, (band, i, text.name(), drawn.name())
                # and its label is written in that colour: its strokes' cores (antialiased,
                # never quite the colour) read as well
                ink = max((image.pixelColor(corner.x() + x, corner.y() + y)
                           for x in range(rect.width()) for y in range(rect.height())),
                          key=lambda c: contrast(c, drawn))
                assert contrast(ink, drawn) >= 4.5, (band, i, text.name(), ink.name())
            outside = g.mapTo(w, g.band_rect(0).toRect().topLeft()) - QPoint(2, 0)
            if band != 0:  # a dimmed band is its colour over what surrounds the bar
                window_colour = image.pixelColor(outside)
                assert g.band_colours()[0][0] == mix_over(QColor("#009E73"), window_colour, 150 / 255)
    finally:
        QApplication.setPalette(before)
        QApplication.processEvents()


def mix_over(colour: QColor, background: QColor, alpha: float) -> QColor:
    """``colour`` painted with opacity ``alpha`` over ``background`` (written out here)."""
    return QColor.fromRgbF(*(b + (c - b) * alpha for c, b in zip(colour.getRgbF()[:3], background.getRgbF()[:3])))
