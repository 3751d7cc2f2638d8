"""Names beside a few points that do not cover each other (the models' points of the selected row
on the penalty curve): points within :data:`MERGE_PX` pixels of each other share one label
("Predicted, Model 2"), and a label that would cover one already placed moves to the other side
of its point, below it, then further up or down (within the plot). Two models that gave a row
the same p had their names drawn on top of each other.

Pure geometry on screen positions (pixels, y downwards); the plot maps its points to the screen
and draws the labels (pyqtgraph ``TextItem`` anchors: ``(0, 1)`` puts a label's bottom-left
corner on its point, ``(0, 0)`` its top-left corner, ``(0, 2)`` one line higher).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

#: Points closer than this (pixels, in both directions) are one point to the eye: one label.
MERGE_PX = 6.0

#: Heights tried for a label, in its own heights (anchor y): above its point, below, then
#: further up and down.
STEPS = (1.0, 0.0, 2.0, -1.0, 3.0, -2.0)


@dataclass(frozen=True)
class Point:
    name: str
    x: float  # on screen, pixels
    y: float
    #: 0 to put the label right of the point, 1 left of it (near the plot's right edge).
    side: float = 0.0


@dataclass(frozen=True)
class Label:
    text: str
    #: The point (its index in the points given) the label is drawn at.
    point: int
    anchor: tuple[float, float]


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


Box = tuple[float, float, float, float]  # left, top, right, bottom


def place_labels(points: Sequence[Point], size_of: Callable[[str], tuple[float, float]],
                 bounds: Box | None = None, merge_px: float = MERGE_PX) -> list[Label]:
    """One label per group of points within ``merge_px`` of the group's first point (the names
    joined by ", "), each at the first place that covers no label placed before it and stays
    within ``bounds``: above its point on its side, on the other side, then at the next height
    of :data:`STEPS`; else above its point. ``size_of(text)`` is a label's (width, height)."""
    groups: list[list[int]] = []
    for i, p in enumerate(points):
        for g in groups:
            first = points[g[0]]
            if abs(first.x - p.x) <= merge_px and abs(first.y - p.y) <= merge_px:
                g.append(i)
                break
        else:
            groups.append([i])
    placed: list[Box] = []
    labels = []
    for g in groups:
        p = points[g[0]]
        text = ", ".join(dict.fromkeys(points[i].name for i in g))
        w, h = size_of(text)

        def box(side: float, step: float) -> Box:
            left, top = p.x - w * side, p.y - h * step
            return (left, top, left + w, top + h)

        def free(b: Box) -> bool:
            inside = bounds is None or (b[0] >= bounds[0] and b[1] >= bounds[1]
                                        and b[2] <= bounds[2] and b[3] <= bounds[3])
            return inside and not any(_overlap(b, other) for other in placed)

        places = [(side, step) for step in STEPS for side in (p.side, 1.0 - p.side)]
        side, step = next((c for c in places if free(box(*c))), places[0])
        placed.append(box(side, step))
        labels.append(Label(text, g[0], (side, step)))
    return labels
