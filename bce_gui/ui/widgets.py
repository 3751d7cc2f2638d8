"""Small widgets shared by the window's panes, and the sizing of dialogs to their screen."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QRect, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QGuiApplication, QPainter, QPalette, QPen
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QSizePolicy, QStatusBar, QWidget

from . import theme

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


class StatusBar(QStatusBar):
    """A status bar whose messages end in "…" where they do not fit, instead of being cut
    mid-letter ("200 IDs matc"), with the whole message in its tooltip.

    The "…" goes in the middle: a long message is long by a file or model name, and its news
    ("200 of 200 IDs matched") is at the end. :meth:`currentMessage` is the whole message; the
    bar shows it shortened to its width, again whenever that changes. A message's timeout is
    kept here, as re-showing the shortened text would otherwise restart or cancel Qt's.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""  # the message as given
        self._shown = ""  # what the bar shows of it
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.clearMessage)
        # Qt shows some messages itself (a menu item's status tip): shorten those too.
        self.messageChanged.connect(self._changed)
        app = QCoreApplication.instance()
        if app is not None:  # (no Python while the window is torn down at exit: see FocusFrame)
            app.aboutToQuit.connect(self._stop_shortening)

    def _stop_shortening(self) -> None:
        self.messageChanged.disconnect(self._changed)
        self._timer.stop()

    def showMessage(self, text: str, timeout: int = 0) -> None:  # noqa: N802 (Qt name)
        self._timer.stop()
        self._full = text
        self._show()
        if timeout > 0:
            self._timer.start(timeout)

    def currentMessage(self) -> str:  # noqa: N802 (Qt name)
        """The whole message (the bar may show it shortened: :meth:`shown_message`)."""
        return self._full

    def shown_message(self) -> str:
        return QStatusBar.currentMessage(self)

    def message_room(self) -> int:
        """The width the message is drawn in: the bar's, less its permanent widgets (the only
        ones shown beside a message) and Qt's margins (6 px left, 12 px right)."""
        right = self.width() - 12
        for child in self.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly):
            if child.isVisible():
                right = min(right, child.x() - 2)
        return max(right - 6, 0)

    def _show(self) -> None:
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideMiddle, self.message_room())
        self._shown = shown
        QStatusBar.showMessage(self, shown)
        self.setToolTip(self._full if shown != self._full else "")

    def _changed(self, text: str) -> None:
        if text != self._shown:  # cleared, or a message Qt showed itself
            self._timer.stop()
            self._full = text
            self._show()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        if self._full:
            self._show()


class FocusFrame(QWidget):
    """A frame drawn over ``widget`` (or the part ``area`` gives: a tab bar's current tab) while
    it has the keyboard focus, in the palette's highlight made to stand at least 3:1 against the
    window (WCAG's figure for a focus indicator).

    Qt's styles draw no focus for a scroll area, and a faint one for a table's current cell
    (1.8:1) or a tab (under 1.8:1, and next to nothing in the dark theme)."""

    def __init__(self, widget: QWidget, area: Callable[[], QRect] | None = None) -> None:
        super().__init__(widget)
        self._widget = widget
        self._area = area or widget.rect
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.hide()
        widget.installEventFilter(self)
        # Once the program is quitting, the window's widgets are torn down: the focus moving
        # off a widget being deleted must not call back into Python (a crash at exit, -11).
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self._stop_watching)

    def _stop_watching(self) -> None:
        self._widget.removeEventFilter(self)

    def colour(self) -> QColor:
        palette = self.palette()
        return theme.readable(palette.color(QPalette.ColorRole.Highlight), palette.color(QPalette.ColorRole.Window),
                              ratio=theme.GRAPHIC_CONTRAST)

    def refresh(self) -> None:
        """Follow the widget's focus, and the area (the tab bar's current tab moved)."""
        self.setVisible(self._widget.hasFocus())
        if self.isVisible():
            self.setGeometry(self._area())
            self.raise_()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt name)
        if event.type() in (QEvent.Type.FocusIn, QEvent.Type.FocusOut, QEvent.Type.Resize):
            self.refresh()
        return False

    def paintEvent(self, _event) -> None:  # noqa: N802 (Qt name)
        painter = QPainter(self)
        painter.setPen(QPen(self.colour(), 2))
        painter.drawRect(self.rect().adjusted(1, 1, -1, -1))
        painter.end()
