"""Small widgets shared by the window's panes, and the sizing of dialogs to their screen."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QGuiApplication, QPainter
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QSizePolicy, QWidget

#: What a window manager adds round a window (frame and title bar): a dialog sized to the
#: screen's free area leaves this much of it, or its buttons end under the screen's edge.
FRAME_ROOM = QSize(16, 48)


class ElidedLabel(QLabel):
    """A one-line status text that is cut with "…" when there is no room, instead of widening
    its pane (and the window) to fit: the full text is in the tooltip."""

    def __init__(self, text: str = "", parent=None,
                 mode: Qt.TextElideMode = Qt.TextElideMode.ElideRight) -> None:
        super().__init__(text, parent)
        self.mode = mode
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(0)
        self.setToolTip(text)

    def setText(self, text: str) -> None:  # noqa: N802 (Qt name)
        super().setText(text)
        self.setToolTip(text)
        self.updateGeometry()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        return QSize(0, super().minimumSizeHint().height())

    def paintEvent(self, _event) -> None:  # noqa: N802 (Qt name)
        painter = QPainter(self)
        rect = self.contentsRect()
        text = self.fontMetrics().elidedText(self.text(), self.mode, rect.width())
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.drawText(rect, int(self.alignment() | Qt.AlignmentFlag.AlignVCenter), text)


def screen_room(widget: QWidget) -> QSize:
    """The largest size a top-level window of ``widget``'s screen can take with its frame
    (that of its parent's screen for a dialog not shown yet)."""
    anchor = widget.parentWidget() or widget
    screen = anchor.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return QSize(16_777_215, 16_777_215)
    return screen.availableGeometry().size() - FRAME_ROOM


def scrolling(content: QWidget, name: str) -> QScrollArea:
    """``content`` in a frameless scroll area: it fills the area when there is room and
    scrolls when there is not (a dialog's body, above buttons that must stay in view)."""
    area = QScrollArea()
    area.setAccessibleName(name)
    area.setWidget(content)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    return area


def fit_dialog(dialog: QWidget, preferred: QSize) -> None:
    """Give ``dialog`` its ``preferred`` size where the screen has room for it, else as much
    as the screen's free area holds: at 2x on a 1920×1080 screen (960×540 for Qt) an 820×560
    dialog had its Import and Cancel buttons under the screen's edge. A dialog whose body
    scrolls (see :func:`scrolling`) can be that small."""
    dialog.resize(preferred.boundedTo(screen_room(dialog)))


#: Where a long word may be broken for wrapping (after these characters), and how long a piece
#: of it may run before it is broken anyway.
BREAK_AFTER = "_-./\\"
LONGEST_PIECE = 16
ZERO_WIDTH_SPACE = "\u200b"


def breakable(text: str, longest: int = LONGEST_PIECE) -> str:
    """``text`` with zero-width spaces where a word longer than ``longest`` characters may wrap
    (after ``_ - . / \\``, else every ``longest`` characters): a word-wrapped label breaks lines
    only between words, and a model's name of 60 characters ran past the pane's edge."""
    words = []
    for word in text.split(" "):
        if len(word) > longest:
            pieces, piece = [], ""
            for ch in word:
                piece += ch
                if ch in BREAK_AFTER or len(piece) >= longest:
                    pieces.append(piece)
                    piece = ""
            word = ZERO_WIDTH_SPACE.join(pieces + ([piece] if piece else []))
        words.append(word)
    return " ".join(words)


class WrappingLabel(QLabel):
    """A word-wrapped plain-text label whose long words (models' names) wrap too, at ``_``,
    ``-``, ``.`` or every few characters, instead of widening its pane or running past its edge.
    :meth:`text` is the text as given (without the break points)."""

    def __init__(self, text: str = "", parent=None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self._text = ""
        self.setText(text)

    def setText(self, text: str) -> None:  # noqa: N802 (Qt name)
        self._text = text
        super().setText(breakable(text))

    def text(self) -> str:
        return self._text
