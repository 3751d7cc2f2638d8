"""Numbers in the window: one locale for all of them, and number fields that read both marks.

The window shows numbers in the user's locale (``system``: 0,214 in Germany) or in C/English
(``english``: 0.214), as the user chooses; :func:`apply_number_format` sets the core's
:class:`~bce_gui.core.formatting.NumberStyle` that the table, summary, plot and report all use.
The number fields (:class:`NumberSpinBox`, :class:`NumberEdit`) read what is typed with the core's
:func:`~bce_gui.core.formatting.parse_number`, so ``0.1`` and ``0,1`` are one tenth in every
locale, never ten thousand or one, and text they cannot read is reported, not dropped.
"""

from __future__ import annotations

from PySide6.QtCore import QLocale, Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QDoubleSpinBox, QLineEdit

from ..core.formatting import (
    C_STYLE,
    NumberParseError,
    NumberStyle,
    fmt_number,
    parse_number,
    set_number_style,
)

SYSTEM = "system"
ENGLISH = "english"
NUMBER_FORMATS = (SYSTEM, ENGLISH)
_SPACES = (" ", "\u00a0", "\u202f", "'", "’")


def locale_style(locale: QLocale | None = None) -> NumberStyle:
    """The decimal mark and digit-group separator of ``locale`` (default: the user's)."""
    loc = locale if locale is not None else QLocale()
    if loc.decimalPoint() != ",":
        return C_STYLE
    group = loc.groupSeparator()
    return NumberStyle(decimal=",", group=group if group in (".", *_SPACES) else ".")


def style_for(choice: str) -> NumberStyle:
    return locale_style() if choice == SYSTEM else C_STYLE


def apply_number_format(choice: str) -> NumberStyle:
    """Make ``choice`` (``system`` or ``english``) the style of every number the window shows."""
    style = style_for(choice)
    set_number_style(style)
    return style


def _strip(box: QDoubleSpinBox, text: str) -> str:
    t = text
    if box.prefix() and t.startswith(box.prefix()):
        t = t[len(box.prefix()):]
    if box.suffix() and t.endswith(box.suffix()):
        t = t[: -len(box.suffix())]
    return t.strip()


class NumberSpinBox(QDoubleSpinBox):
    """A QDoubleSpinBox that shows the window's number style and reads either decimal mark.

    Qt's own spin box reads typed text in the locale: in German ``0.1`` is "01" with a thousands
    separator, i.e. 1. Here typing goes through :func:`parse_number`; text that is not a number,
    or out of range, is kept while typing and reported with ``invalidText`` when committed
    (the previous value stays).
    """

    #: Typed text could not be used (a sentence naming it); the value was not changed.
    invalidText = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        # The value changes when the typing is committed (Enter, Tab, focus out), not at each
        # key: "1" on the way to "1,5" or "1.000,5" is not what the user means.
        self.setKeyboardTracking(False)

    def textFromValue(self, value: float) -> str:  # noqa: N802 (Qt name)
        return fmt_number(round(value, self.decimals()), 15)

    def valueFromText(self, text: str) -> float:  # noqa: N802 (Qt name)
        t = _strip(self, text)
        if self.specialValueText() and t == self.specialValueText():
            return self.minimum()
        try:
            return parse_number(t)
        except NumberParseError:
            return self.value()

    def validate(self, text: str, pos: int):
        t = _strip(self, text)
        if self.specialValueText() and t == self.specialValueText():
            return QValidator.State.Acceptable, text, pos
        try:
            value = parse_number(t)
        except NumberParseError:
            # Anything may be on its way to a number ("", "0,", "1e-"): kept while typing,
            # reported by fixup() if it is still not one when committed.
            return QValidator.State.Intermediate, text, pos
        if self.minimum() <= value <= self.maximum():
            return QValidator.State.Acceptable, text, pos
        return QValidator.State.Intermediate, text, pos

    def fixup(self, text: str) -> str:
        t = _strip(self, text)
        try:
            value = parse_number(t)
        except NumberParseError as exc:
            message = str(exc)
        else:
            if self.minimum() <= value <= self.maximum():
                return text
            message = (f"{fmt_number(value)} is outside {fmt_number(self.minimum())} "
                       f"to {fmt_number(self.maximum())}")
        self.invalidText.emit(f"{message}; {self.textFromValue(self.value())} is kept")
        return text

    def refresh_text(self) -> None:
        """Show the value again in the current number style (after the style changed)."""
        self.setSpecialValueText(self.specialValueText())  # clears Qt's text cache, redraws


class NumberEdit(QLineEdit):
    """A line edit for a number in the window's style; :meth:`number` reads either mark.

    No QDoubleValidator: it would silently refuse ``0.001`` in a German locale (the field kept
    its old value and emitted nothing). What cannot be read is reported by the caller.
    """

    def number(self) -> float:
        """The typed number; raises NumberParseError with a sentence when it is not one."""
        return parse_number(self.text())

    def set_number(self, value: float, digits: int = 15) -> None:
        self.setText(fmt_number(value, digits))

