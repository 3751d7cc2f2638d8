"""The guide: the articles' rough scale of the log loss, as a bar with the loss placed on it.

Five labelled bands (great, good, fair, not ideal, very poor), each a fifth of the bar, the
current loss marked above it and the no-skill baseline below, so the number is read against
both the scale and what predicting the base rate already scores. In a narrow summary (1280×800)
a label goes in a smaller type, then on two lines ("not / ideal"), before any is cut. Where everything sits comes
from :func:`bce_gui.core.metrics.view.guide_bar`; this widget only paints it.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPainterPath, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from ..core.metrics.view import BAND_COLOURS, GuideBar
from . import theme

#: A band the loss is not in is drawn this much of its colour over the window's (the band of the
#: loss, in its full colour, stands out).
DIMMED = 150 / 255


class GuideBarWidget(QWidget):
    """Paints a :class:`~bce_gui.core.metrics.view.GuideBar`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view: GuideBar | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("Rough scale of the log loss")
        self.setMinimumWidth(160)

    def set_view(self, view: GuideBar) -> None:
        self.view = view
        self.setAccessibleDescription(view.caption)
        self.setToolTip(view.caption + ("\n" + view.sentence if view.sentence else ""))
        self.updateGeometry()
        self.update()

    def _line(self) -> int:
        return self.fontMetrics().height()

    def _band_height(self) -> int:
        """The bar's height: room for a label on two lines of the smaller type."""
        return max(int(self._line() * 1.5), 2 * QFontMetrics(self._small_font()).height() + 2)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        # a row for the loss, the bar with its labels, a row for the ticks and the baseline
        return QSize(360, int(self._line() * 3.4) + self._band_height() + 14)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        return QSize(160, self.sizeHint().height())

    def _span(self) -> tuple[int, int]:
        """(left, width) of the bar in the widget."""
        pad = self.fontMetrics().horizontalAdvance("0.000") // 2 + 2
        return pad, max(self.width() - 2 * pad, 10)

    def _small_font(self) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF() * 0.85, 6.0))
        return font

    def band_lines(self) -> tuple[QFont, list[list[str]]]:
        """The type the bands' labels are written in and each band's lines: one line where every
        label fits its band, else the smaller type, and a label still too wide on two lines
        split between its words; only a word wider than its band ends in "…". (Measured bold:
        the band of the loss is written bold.)"""
        view = self.view
        if view is None:
            return self.font(), []
        left, width = self._span()
        room = width // view.n_bands - 6
        font = QFont(self.font())
        for font in (font, self._small_font()):
            bold = QFont(font)
            bold.setBold(True)
            fm = QFontMetrics(bold)
            if all(fm.horizontalAdvance(label) <= room for label in view.labels):
                return font, [[label] for label in view.labels]
        out = []
        for label in view.labels:
            lines = [label]
            if fm.horizontalAdvance(label) > room and " " in label:
                words = label.split(" ")
                splits = [(" ".join(words[:k]), " ".join(words[k:])) for k in range(1, len(words))]
                lines = list(min(splits, key=lambda two: max(fm.horizontalAdvance(t) for t in two)))
            out.append([fm.elidedText(line, Qt.TextElideMode.ElideRight, room) for line in lines])
        return font, out

    def _top(self) -> int:
        """The bar's top: below the row of the loss and its marker."""
        return int(self._line() * 1.2) + 8

    def band_rect(self, i: int) -> QRectF:
        """Where band ``i`` is drawn."""
        left, width = self._span()
        n = self.view.n_bands
        x0 = left + width * i // n
        x1 = left + width * (i + 1) // n
        return QRectF(x0, self._top(), x1 - x0, self._band_height())

    def band_colours(self) -> list[tuple[QColor, QColor]]:
        """Each band's (background, text) as drawn: a band the loss is not in dimmed over the
        window's colour, and its label black or white, whichever reads better there. (Black on
        the dimmed bands of the dark theme read at 3.1:1.)"""
        view = self.view
        if view is None:
            return []
        window = self.palette().color(QPalette.ColorRole.Window)
        out = []
        for i in range(view.n_bands):
            colour = QColor(BAND_COLOURS[i % len(BAND_COLOURS)])
            if view.band is not None and i != view.band:
                colour = theme.mix(window, colour, DIMMED)
            out.append((colour, theme.text_on(colour)))
        return out

    def shown_ticks(self) -> list[int]:
        """The inner boundaries whose value is written under the bar: not one the baseline's
        marker points at (its own label gives the value there)."""
        view = self.view
        if view is None:
            return []
        left, width = self._span()
        n = view.n_bands
        base_x = None if view.baseline is None else left + width * view.baseline
        out = []
        for i, tick in enumerate(view.ticks):
            x = left + width * (i + 1) // n
            if base_x is None or abs(base_x - x) >= self.fontMetrics().horizontalAdvance(tick) / 2 + 6:
                out.append(i)
        return out

    def paintEvent(self, _event) -> None:  # noqa: N802 (Qt name)
        view = self.view
        if view is None:
            return
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = self.fontMetrics()
        line = self._line()
        left, width = self._span()
        top = self._top()
        height = self._band_height()
        text = self.palette().color(QPalette.ColorRole.WindowText)
        muted = theme.muted_text(self.palette())
        n = view.n_bands
        band_font, lines = self.band_lines()
        for i, (label_lines, (colour, label_colour)) in enumerate(zip(lines, self.band_colours())):
            rect = self.band_rect(i)
            p.fillRect(rect, colour)
            p.setPen(label_colour)
            font = QFont(band_font)
            font.setBold(i == view.band)
            p.setFont(font)
            p.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), "\n".join(label_lines))
        p.setFont(self.font())
        p.setPen(muted)
        for i in self.shown_ticks():
            tick = view.ticks[i]
            x = left + width * (i + 1) // n
            w = fm.horizontalAdvance(tick)
            p.drawText(QPointF(x - w / 2, top + height + line * 0.95), tick)
        p.setPen(QPen(text, 1))
        if view.loss is not None:
            x = left + width * view.loss
            self._marker(p, x, top - 2, down=True, colour=text)
            label = view.loss_text
            w = fm.horizontalAdvance(label)
            p.setPen(text)
            p.drawText(QPointF(min(max(x - w / 2, 0), self.width() - w), top - 9 - fm.descent()),
                       label)
        if view.baseline is not None:
            x = left + width * view.baseline
            self._marker(p, x, top + height + 2, down=False, colour=muted)
            label = f"no skill {view.baseline_text}"
            w = fm.horizontalAdvance(label)
            p.setPen(muted)
            p.drawText(QPointF(min(max(x - w / 2, 0), self.width() - w),
                               top + height + line * 2.0), label)
        p.end()

    @staticmethod
    def _marker(p: QPainter, x: float, y: float, down: bool, colour: QColor) -> None:
        """A small triangle pointing at the bar (the loss above it, the baseline below)."""
        s = 5.0
        path = QPainterPath()
        if down:
            path.moveTo(x - s, y - s)
            path.lineTo(x + s, y - s)
            path.lineTo(x, y)
        else:
            path.moveTo(x - s, y + s)
            path.lineTo(x + s, y + s)
            path.lineTo(x, y)
        path.closeSubpath()
        p.fillPath(path, colour)
