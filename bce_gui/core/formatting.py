"""Numbers formatted one way everywhere: the table, the summary, the command line, the report.

Numbers meant for people (the window, the report) follow one :class:`NumberStyle`: the decimal mark
and the digit-group separator of the user's locale, or C/English. The window sets it once
(:func:`set_number_style`); the command line, CSV and JSON never do, so they stay in C. What people
type into a number field is read by :func:`parse_number`, which accepts both ``.`` and ``,`` as the
decimal mark, never reads either as a thousands separator, and refuses a whole number grouped with
the mark that is not the style's decimal mark (``1,000`` in English, ``1.000`` in German).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class NumberStyle:
    """How numbers are written for people: the decimal mark and the separator of digit groups."""

    decimal: str = "."
    group: str = ","

    def __post_init__(self) -> None:
        if self.decimal not in (".", ","):
            raise ValueError(f"decimal mark must be '.' or ',', not {self.decimal!r}")
        if self.group == self.decimal:
            raise ValueError("the group separator cannot be the decimal mark")


#: C/English: 0.5 and 1,234.
C_STYLE = NumberStyle()
_style = C_STYLE


def set_number_style(style: NumberStyle) -> None:
    """The style every formatter below uses when not given one (set by the window)."""
    global _style
    _style = style


def number_style() -> NumberStyle:
    return _style


def localize(text: str, style: NumberStyle | None = None) -> str:
    """A number written in C (``.`` decimal mark, no groups) in ``style``."""
    style = style or _style
    return text if style.decimal == "." else text.replace(".", style.decimal)


def fmt_number(x: float, digits: int = 6, style: NumberStyle | None = None) -> str:
    """A float with ``digits`` significant digits; inf as ∞, NaN as an empty string.

    Very small and very large magnitudes switch to scientific notation so that 1e-300 never
    shows as 0. Negative numbers use a true minus sign (−). The decimal mark is ``style``'s.
    """
    return localize(_fmt(x, digits, ("∞", "−∞"), "−"), style)


def fmt_result(x: float, digits: int = 4, style: NumberStyle | None = None) -> str:
    """A computed result (a loss) with ``digits`` significant digits, like :func:`fmt_number`,
    except that a value which only rounds to a whole number keeps its decimals: 0.99997 is
    "1.000", not a misleading "1"."""
    text = _fmt(x, digits, ("∞", "−∞"), "−")
    if x is not None and math.isfinite(x) and x != round(x) and text.lstrip("−").isdigit():
        text = f"{x:#.{digits}g}".replace("-", "−")
    return localize(text, style)


#: Significant digits of a loss and of its no-skill baseline wherever the window and the report
#: state them: the summary, the baseline sentence, the guide's marks and its sentence.
LOSS_DIGITS = 4


def fmt_loss(x: float, style: NumberStyle | None = None) -> str:
    """A loss (or a no-skill baseline) to :data:`LOSS_DIGITS` significant digits (see
    :func:`fmt_result`): the one text of a loss, so that the guide's "no skill 1.097" and the
    sentence beside it ("... entropy: 1.097 nats") agree (the guide said 1.1)."""
    return fmt_result(x, LOSS_DIGITS, style)


def fmt_exact(x: float, style: NumberStyle | None = None) -> str:
    """A stored number exactly, as a person would type it: 2 not 2.0, 0.94 not
    0.93999999999999995 (the shortest text that reads back as the same double); ASCII minus,
    so that what is copied or edited reads back anywhere."""
    if x is None or math.isnan(x):
        return ""
    x = float(x)
    if x.is_integer() and abs(x) < 1e16:
        return str(int(x))
    return localize(repr(x), style)


def fmt_cell(x: float, style: NumberStyle | None = None) -> str:
    """A stored number as a spreadsheet shows it: at most 15 significant digits, so that
    0.05 + 0.81 (0.8600000000000001, e.g. a formula's saved result) reads 0.86. For display only:
    editing and copying use :func:`fmt_exact`, so the value is never changed by being shown."""
    if x is None or math.isnan(x):
        return ""
    x = float(x)
    if x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return localize(f"{x:.15g}", style)


def fmt_list(texts, last: str | None = None, style: NumberStyle | None = None) -> str:
    """Numbers (as shown) listed in a sentence: "0.05, 0.20 and 0.30" (``last``: what parts the
    last two, e.g. " and "; by default the same as the others). With a decimal comma they are
    parted by "; " ("0,05; 0,20 and 0,30"), so that "0,05, 0,20" never reads as one list of
    digits."""
    style = style or _style
    sep = ", " if style.decimal == "." else "; "
    texts = list(texts)
    if len(texts) < 2:
        return "".join(texts)
    return sep.join(texts[:-1]) + (sep if last is None else last) + texts[-1]


def with_units(shown: str, units: str) -> str:
    """A number as shown followed by its unit, singular for exactly one: "1 bit", "0.693 nats"."""
    one = shown.strip() == "1"
    return f"{shown} {units[:-1] if one and units.endswith('s') else units}"


def fmt_count(n: int, style: NumberStyle | None = None) -> str:
    """A count with its digits grouped: 1,234,567 (or 1.234.567 where ',' is the decimal mark)."""
    style = style or _style
    text = f"{int(n):,}"
    return text if style.group == "," else text.replace(",", style.group)


def fmt_percent(x: float, decimals: int = 0, style: NumberStyle | None = None) -> str:
    """A fraction as a percentage: 0.214 -> 21%."""
    if x is None or not math.isfinite(x):
        return ""
    return localize(f"{x:.{decimals}%}", style).replace("-", "−")


class NumberParseError(ValueError):
    """Typed text that is not a number; ``str(err)`` says why, in one sentence."""


#: A whole number with one comma before three digits ("1,000", "-12,500"): a thousand with a
#: group separator as likely as one with a decimal comma, so refused where the decimal mark is
#: '.' (the table's cells keep it as text: ``dataset.parse_cell``).
GROUPED = re.compile(r"[+-]?[1-9]\d{0,2},\d{3}")
#: The same written with '.' ("1.000", "-12.500", "12.345.678"): where the decimal mark is ',',
#: a German reader's thousand (or million), so refused there as ``1,000`` is under '.'. A decimal
#: that cannot be a group (``0.35``, ``1.5``, ``0.350``, ``1.0001``) is still read with '.'.
POINT_GROUPED = re.compile(r"[+-]?[1-9]\d{0,2}(?:\.\d{3})+")


def looks_grouped(text: str, style: NumberStyle | None = None) -> bool:
    """Whether ``text`` (stripped, ASCII minus) is a whole number written with digit groups
    separated by the mark that is NOT ``style``'s decimal mark: ``1,000`` where the decimal
    mark is '.', ``1.000`` where it is ','. Such text is a thousand as likely as one, so neither
    a number field nor a cell reads it as a number."""
    style = style or _style
    return bool((GROUPED if style.decimal == "." else POINT_GROUPED).fullmatch(text))


def parse_number(text: str, *, finite: bool = True) -> float:
    """What a person typed into a number field, as a float.

    Both ``.`` and ``,`` are accepted as the decimal mark (``0.1`` and ``0,1`` are one tenth in
    every locale), and neither is ever read as a thousands separator; text with both marks
    (``1,000.5``) or two of one mark is refused rather than guessed at, and so is a whole number
    grouped with the other mark (:func:`looks_grouped`): ``1,000`` where the decimal mark is '.',
    ``1.000`` where it is ',' (a thousand as likely as one). A minus
    sign may be ASCII or typographic (−), and an exponent is allowed (``1e-7``, ``1,5e-3``).
    Raises :class:`NumberParseError` with a message that quotes the text.
    """
    t = text.strip().replace("\u2212", "-")
    shown = text.strip()
    if not t:
        raise NumberParseError("no number was typed")
    if "." in t and "," in t:
        raise NumberParseError(f"“{shown}” has both ‘.’ and ‘,’: type one decimal mark "
                               "and no thousands separators")
    if t.count(",") > 1 or t.count(".") > 1:
        raise NumberParseError(f"“{shown}” has more than one decimal mark: "
                               "type no thousands separators")
    if looks_grouped(t):
        group = "," if _style.decimal == "." else "."
        raise NumberParseError(f"“{shown}” could be a thousand or one: type {t.replace(group, '')} "
                               f"or {t.replace(group, _style.decimal)}")
    candidate = t.replace(",", ".")
    if "_" in candidate or any(c.isspace() for c in candidate):
        raise NumberParseError(f"“{shown}” is not a number")
    try:
        value = float(candidate)
    except ValueError:
        raise NumberParseError(f"“{shown}” is not a number") from None
    if math.isnan(value) or (finite and math.isinf(value)):
        raise NumberParseError(f"“{shown}” is not a finite number")
    return value


def count_text(n: int, noun: str, plural: str | None = None) -> str:
    """"1 row", "2 rows", "1,000 rows": a count with its noun in the right number."""
    return f"{fmt_count(n)} {noun if n == 1 else (plural or noun + 's')}"


def fmt_plain(x: float, digits: int = 6) -> str:
    """Like :func:`fmt_number` but ASCII only (for terminals, CSV and JSON-adjacent text)."""
    return _fmt(x, digits, ("inf", "-inf"), "-")


def _fmt(x: float, digits: int, infinities: tuple[str, str], minus: str) -> str:
    if x is None:
        return ""
    x = float(x)
    if math.isnan(x):
        return ""
    if math.isinf(x):
        return infinities[0] if x > 0 else infinities[1]
    if x == 0.0:
        return "0"
    text = f"{x:.{digits}g}"
    return minus + text[1:] if text.startswith("-") else text


def json_number(x: float) -> float | str | None:
    """A JSON-safe number: infinities as the strings "inf"/"-inf", NaN as null."""
    if x is None:
        return None
    x = float(x)
    if math.isnan(x):
        return None
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def one_line(text: str, limit: int | None = None) -> str:
    """``text`` as one line: control characters (a newline or a CR in a file name or a cell) are
    shown escaped (``\\n``), so a message stays one line; longer than ``limit`` characters, it
    is cut with "…" (a header of 300,000 column names must not become a 5 MB message)."""
    if not text.isprintable():
        text = "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii")
                       for c in text)
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


_SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def log_tick_texts(values, scale: float = 1.0) -> list[str]:
    """The labels of a log-scaled axis's ticks (``values``: log10 of the numbers) as numbers are
    written elsewhere in the window: 0.001, 0.1, 1, 10, 1000 (pyqtgraph writes 10 as "10¹"
    beside "1"); powers of ten beyond 1e-4 .. 1e5 as 10⁻⁶. Not localised here (the window's axes do)."""
    out = []
    for v in values:
        x = 10.0 ** float(v) * scale
        if 1e-4 <= x < 1e5:
            out.append(f"{x:.3g}")
        else:
            k = round(math.log10(x)) if x > 0 else 0
            out.append(f"10{str(k).translate(_SUPERSCRIPTS)}" if math.isclose(x, 10.0 ** k)
                       else f"{x:.1e}")
    return out

