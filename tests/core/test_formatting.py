"""Numbers as the window, the report and the formula show them."""

from __future__ import annotations

import math
import re

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


# ---------------------------------------------------------------------------------------------
# One style for every number people read; one parser for every number people type
# ---------------------------------------------------------------------------------------------

import pytest  # noqa: E402

from bce_gui.core.formatting import (  # noqa: E402
    C_STYLE,
    NumberParseError,
    NumberStyle,
    fmt_cell,
    fmt_count,
    fmt_exact,
    fmt_percent,
    number_style,
    parse_number,
    set_number_style,
)

GERMAN = NumberStyle(decimal=",", group=".")


def test_a_style_sets_the_decimal_mark_and_digit_groups_of_every_formatter():
    assert fmt_number(0.214, style=GERMAN) == "0,214"
    assert fmt_number(-1.5e-300, style=GERMAN) == "−1,5e-300"
    assert fmt_result(0.99997, style=GERMAN) == "1,000"
    assert fmt_exact(0.94, style=GERMAN) == "0,94" and fmt_exact(2.0, style=GERMAN) == "2"
    assert fmt_count(1234567, style=GERMAN) == "1.234.567"
    assert fmt_percent(-0.0512, 1, style=GERMAN) == "−5,1%"
    assert fmt_count(1234567) == "1,234,567" and fmt_percent(0.214) == "21%"


def test_the_window_sets_the_style_once_and_plain_text_stays_c():
    from bce_gui.core.formatting import fmt_plain

    set_number_style(GERMAN)
    try:
        assert number_style() is GERMAN
        assert fmt_number(0.5) == "0,5" and fmt_count(10_000) == "10.000"
        assert fmt_plain(0.5) == "0.5"  # terminals, CSV and JSON are never localised
    finally:
        set_number_style(C_STYLE)
    assert fmt_number(0.5) == "0.5"


def test_fmt_cell_shows_at_most_15_digits_and_fmt_exact_round_trips():
    noisy = 0.05 + 0.81  # 0.8600000000000001, as a spreadsheet formula saves it
    assert fmt_cell(noisy) == "0.86"
    assert fmt_exact(noisy) == "0.8600000000000001"
    assert float(fmt_exact(noisy)) == noisy
    assert fmt_cell(1e-20) == "1e-20" and fmt_cell(1.0) == "1" and fmt_cell(math.nan) == ""
    assert fmt_cell(0.123456789012345678) == "0.123456789012346"


@pytest.mark.parametrize("text, value", [
    ("0.1", 0.1), ("0,1", 0.1), (" 0,001 ", 0.001), ("1,0001", 1.0001), ("1.000", 1.0),
    ("1e-7", 1e-7), ("1,5e-3", 1.5e-3), ("−0,25", -0.25), ("+3", 3.0), (",5", 0.5),
])
def test_parse_number_takes_either_decimal_mark_and_never_groups(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text, says", [
    ("", "no number"), ("abc", "“abc” is not a number"), ("1,000.5", "both ‘.’ and ‘,’"),
    ("1.000,5", "both"), ("1,000,000", "more than one decimal mark"), ("1.2.3", "more than one"),
    ("1_000", "not a number"), ("1 000", "not a number"), ("nan", "not a finite number"),
    ("inf", "not a finite number"), ("1,000", "could be a thousand or one: type 1000 or 1.000"),
])
def test_parse_number_refuses_what_it_cannot_read_and_says_why(text, says):
    with pytest.raises(NumberParseError, match=says):
        parse_number(text)


def test_parse_number_agrees_with_the_table_cells_parser():
    from bce_gui.core.dataset import parse_cell

    for text in ("0.94", "0,94", "1e-3", "-2", "1,0001", "0.5 "):
        assert parse_number(text) == parse_cell(text)[0]
    # "1,000" (a thousand or one?) where '.' is the decimal mark: both refuse to guess
    with pytest.raises(NumberParseError, match="could be a thousand or one"):
        parse_number("1,000")
    value, kept = parse_cell("1,000")
    assert math.isnan(value) and kept == "1,000"


@pytest.mark.parametrize("text", ["1.000", "-12.500", "+999.999", " 1.500 "])
def test_a_point_grouped_thousand_is_refused_where_the_decimal_mark_is_a_comma(text):
    """German readers write a thousand "1.000": it was read as 1 in a German window with no
    word (a label smoothing of 1). Refused as "1,000" is where the decimal mark is '.'."""
    set_number_style(GERMAN)
    t = text.strip()
    whole, decimal = t.replace(".", ""), t.replace(".", ",")
    with pytest.raises(NumberParseError, match=f"could be a thousand or one: type "
                                               f"{re.escape(whole)} or {re.escape(decimal)}"):
        parse_number(text)
    set_number_style(C_STYLE)
    assert parse_number(text) == float(t)  # with '.' as the decimal mark it is a decimal


@pytest.mark.parametrize("text, value", [
    ("0.35", 0.35), ("0.350", 0.35), ("1.5", 1.5), ("12.50", 12.5), ("1.0001", 1.0001),
    ("0,35", 0.35), ("1,000", 1.0), ("1.5e3", 1500.0), ("1000", 1000.0),
])
def test_a_comma_style_still_reads_decimals_written_with_a_point(text, value):
    """Only a whole number in groups of three is ambiguous: 0.35 (no group starts with 0),
    1.5 or 1.0001 (not three digits) are decimals in every locale."""
    set_number_style(GERMAN)
    assert parse_number(text) == value


def test_looks_grouped_takes_the_other_mark_of_the_style():
    from bce_gui.core.formatting import looks_grouped

    assert looks_grouped("1,000", C_STYLE) and not looks_grouped("1.000", C_STYLE)
    assert looks_grouped("1.000", GERMAN) and not looks_grouped("1,000", GERMAN)
    assert looks_grouped("12.345.678", GERMAN)  # a million in groups
    assert not any(looks_grouped(t, GERMAN) for t in ("0.350", "1.5", "1.0001", "1000", "01.000"))
    set_number_style(GERMAN)
    with pytest.raises(NumberParseError, match="more than one decimal mark"):
        parse_number("12.345.678")
