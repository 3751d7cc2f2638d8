"""Where Tab and Shift+Tab take the focus: the window's regions in reading order.

Qt moves the focus along one chain per window: the order the widgets were made in, amended by
``QWidget.setTabOrder``. That chain cannot follow this window. A QTabWidget in it hands the
focus to its tab bar wherever the tab bar sits (so Tab went plot → summary → tab bar → plot and
never back to the tables), and widgets made while the program runs (the Conventions tab's "Show
rows" buttons) join the chain at its end, far from their tab. So the window names its regions
in reading order, and Tab goes to the next region's next widget that can take the focus now;
inside a region, Qt's chain gives the order (a panel's own ``setTabOrder`` still counts).
https://doc.qt.io/qt-6/focus.html
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractScrollArea, QWidget

from .widgets import FocusFrame


def takes_tab(widget: QWidget) -> bool:
    """``widget`` is a Tab stop: it accepts Tab focus (not through a proxy) and can be seen
    and used now."""
    return (bool(widget.focusPolicy().value & Qt.FocusPolicy.TabFocus.value) and widget.focusProxy() is None
            and widget.isVisible() and widget.isEnabled())


def in_order(window: QWidget, regions: Sequence[QWidget]) -> list[QWidget]:
    """Every widget of ``regions`` in Tab order, stops or not: each region itself first, then
    its widgets in the order of the window's focus chain."""
    found: dict[int, list[QWidget]] = {i: [region] for i, region in enumerate(regions)}
    widget = window.nextInFocusChain()
    while widget is not window and widget is not None:
        for i, region in enumerate(regions):
            if widget is not region and region.isAncestorOf(widget):
                found[i].append(widget)
                break
        widget = widget.nextInFocusChain()
    return [w for i in range(len(regions)) for w in found[i]]


def next_stop(window: QWidget, regions: Sequence[QWidget], current: QWidget | None,
              forward: bool) -> QWidget | None:
    """The Tab stop after (``forward``) or before ``current``, round the window; None where
    ``current`` is in no region (Qt's own chain decides there)."""
    order = in_order(window, regions)
    at = next((i for i, w in enumerate(order) if w is current), None)
    if at is None and current is not None:  # inside a stop (a spin box's line edit): its stop
        at = next((i for i in range(len(order) - 1, -1, -1) if order[i].isAncestorOf(current)), None)
    if at is None:
        return None
    step = 1 if forward else -1
    for k in range(1, len(order) + 1):
        candidate = order[(at + step * k) % len(order)]
        if takes_tab(candidate) and candidate.window() is window:  # (not in a floating dock)
            return candidate
    return None


def scroll_stop(area: QAbstractScrollArea) -> None:
    """Make a panel that scrolls (the summary, the statistics) a Tab stop only while it has
    something to scroll: a keyboard user needs its focus for the arrow keys then, and gains
    nothing from it otherwise. With the focus it shows a frame (:class:`~.widgets.FocusFrame`)."""
    area.focus_frame = FocusFrame(area)

    def update(_lo: int = 0, _hi: int = 0) -> None:
        scrolls = area.verticalScrollBar().maximum() > 0 or area.horizontalScrollBar().maximum() > 0
        area.setFocusPolicy(Qt.FocusPolicy.StrongFocus if scrolls else Qt.FocusPolicy.NoFocus)

    area.verticalScrollBar().rangeChanged.connect(update)
    area.horizontalScrollBar().rangeChanged.connect(update)
    update()
