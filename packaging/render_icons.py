"""Render resources/icons/bce-lab.svg to PNGs at the usual icon sizes, with Qt alone.

    python packaging/render_icons.py          # writes resources/icons/bce-lab-<size>.png

The PNGs are committed; ``build.py`` re-renders them only when one is missing or older than the
SVG. No display is needed (Qt's offscreen platform).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "resources" / "icons"
SVG = ICONS / "bce-lab.svg"
SIZES = (16, 32, 48, 64, 128, 256, 512)


def png_path(size: int) -> Path:
    return ICONS / f"bce-lab-{size}.png"


def stale() -> bool:
    svg_time = SVG.stat().st_mtime
    return any(not png_path(s).is_file() or png_path(s).stat().st_mtime < svg_time for s in SIZES)


def render(sizes=SIZES) -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])  # noqa: F841
    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        raise SystemExit(f"cannot read {SVG}")
    written = []
    for size in sizes:
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        renderer.render(painter, QRectF(0, 0, size, size))
        painter.end()
        out = png_path(size)
        if not image.save(str(out), "PNG"):
            raise SystemExit(f"cannot write {out}")
        written.append(out)
    return written


if __name__ == "__main__":
    for path in render():
        print(path.relative_to(ROOT))
