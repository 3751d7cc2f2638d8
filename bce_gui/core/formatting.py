"""Numbers formatted one way everywhere: the table, the summary, the command line, the report."""

from __future__ import annotations

import math


def fmt_number(x: float, digits: int = 6) -> str:
    """A float with ``digits`` significant digits; inf as ∞, NaN as an empty string.

    Very small and very large magnitudes switch to scientific notation so that 1e-300 never
    shows as 0. Negative numbers use a true minus sign (−).
    """
    return _fmt(x, digits, ("∞", "−∞"), "−")


def fmt_result(x: float, digits: int = 4) -> str:
    """A computed result (a loss) with ``digits`` significant digits, like :func:`fmt_number`,
    except that a value which only rounds to a whole number keeps its decimals: 0.99997 is
    "1.000", not a misleading "1"."""
    text = fmt_number(x, digits)
    if x is not None and math.isfinite(x) and x != round(x) and text.lstrip("−").isdigit():
        text = f"{x:#.{digits}g}".replace("-", "−")
    return text


def count_text(n: int, noun: str, plural: str | None = None) -> str:
    """"1 row", "2 rows", "1,000 rows": a count with its noun in the right number."""
    return f"{n:,} {noun if n == 1 else (plural or noun + 's')}"


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
