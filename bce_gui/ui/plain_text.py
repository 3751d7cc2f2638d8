"""Text from files shown where Qt may read it as rich text (message boxes, tooltips).

Qt renders a string as HTML when it merely looks like HTML (``Qt.mightBeRichText``), so a
header, an ID or a file name such as ``<img src=x>`` or ``<!--`` would be obeyed rather than
shown. Every such string goes through :func:`rich_text`, which escapes it and keeps its line
breaks.
"""

from __future__ import annotations

from PySide6.QtGui import Qt


def rich_text(plain: str) -> str:
    """A string Qt shows as exactly ``plain``: unchanged when Qt would take it as plain text
    anyway, else escaped rich text (line breaks kept)."""
    if not Qt.mightBeRichText(plain):
        return plain
    return Qt.convertFromPlainText(plain, Qt.WhiteSpaceMode.WhiteSpaceNormal)
