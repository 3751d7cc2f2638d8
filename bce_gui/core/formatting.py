"""Numbers formatted one way everywhere: the table, the summary, the command line, the report."""

from __future__ import annotations

import math


def fmt_number(x: float, digits: int = 6) -> str:
    """A float with ``digits`` significant digits; inf as ∞, NaN as an empty string.

    Very small and very large magnitudes switch to scientific notation so that 1e-300 never
    shows as 0.
    """
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    x = float(x)
    if math.isinf(x):
        return "∞" if x > 0 else "−∞"
    if x == 0.0:
        return "0"
    text = f"{x:.{digits}g}"
    return text.replace("-", "−") if text.startswith("-") else text


def fmt_plain(x: float, digits: int = 6) -> str:
    """Like :func:`fmt_number` but ASCII only (for terminals, CSV and JSON-adjacent text)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    x = float(x)
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == 0.0:
        return "0"
    return f"{x:.{digits}g}"


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
