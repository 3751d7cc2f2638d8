"""Numbers as the window, the report and the formula show them."""

from __future__ import annotations

import math

from bce_gui.core.formatting import fmt_number, fmt_result


def test_fmt_number_significant_digits_and_specials():
    assert fmt_number(0.94) == "0.94"
    assert fmt_number(-0.061875) == "−0.061875"
    assert fmt_number(1e-300) == "1e-300"
    assert fmt_number(math.inf) == "∞" and fmt_number(-math.inf) == "−∞"
    assert fmt_number(math.nan) == ""


def test_fmt_result_keeps_decimals_only_when_rounding_hides_them():
    assert fmt_result(0.214) == "0.214"  # the worked example, as the textbook writes it
    assert fmt_result(0.99997) == "1.000"  # not "1": the loss is not exactly one
    assert fmt_result(12.00004) == "12.00"
    assert fmt_result(-0.99997) == "−1.000"
    assert fmt_result(1.0) == "1"  # exactly one stays one
    assert fmt_result(math.inf) == "∞"
