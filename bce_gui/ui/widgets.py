"""Small widgets shared by the window's panes."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QPainter, QPalette, QPen
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from . import theme


class ElidedLabel(QLabel):
    """A one-line status text that is cut with "…" when there is no room, instead of widening
    its pane (and the window) to fit: the full text is in the tooltip."""

    def __init__(self, text: str = "", parent=None) -> None:
        super().__init__(text, parent)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(0)

    def setText(self, text: str) -> None:  # noqa: N802 (Qt name)
        super().setText(text)
        self.setToolTip(text)
        self.updateGeometry()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        return QSize(0, super().minimumSizeHint().height())

    def paintEvent(self, _event) -> None:  # noqa: N802 (Qt name)
        painter = QPainter(self)
        rect = self.contentsRect()
        text = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, rect.width())
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.drawText(rect, int(self.alignment() | Qt.AlignmentFlag.AlignVCenter), text)


class FocusFrame(QWidget):
    """A frame drawn over ``widget`` while it has the keyboard focus, in the palette's
    highlight (at least 3:1 against the window, as WCAG asks of a focus indicator).

    For scroll areas: Qt's styles draw no focus for them, and their content would cover a frame
    of their own."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.hide()
        widget.installEventFilter(self)

    def colour(self):
        palette = self.palette()
        return theme.readable(palette.color(QPalette.ColorRole.Highlight), palette.color(QPalette.ColorRole.Window),
                              ratio=theme.GRAPHIC_CONTRAST)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt name)
        kind = event.type()
        if kind in (QEvent.Type.FocusIn, QEvent.Type.FocusOut):
            self.setVisible(watched.hasFocus())
        if kind in (QEvent.Type.FocusIn, QEvent.Type.Resize):
            self.setGeometry(watched.rect())
            self.raise_()
        return False

    def paintEvent(self, _event) -> None:  # noqa: N802 (Qt name)
        painter = QPainter(self)
        painter.setPen(QPen(self.colour(), 2))
        painter.drawRect(self.rect().adjusted(1, 1, -1, -1))
        painter.end()
