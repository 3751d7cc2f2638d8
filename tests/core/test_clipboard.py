"""Clipboard text: tab-separated cells, as spreadsheets copy and paste them."""

from __future__ import annotations

import random

import pytest

from bce_gui.core.clipboard import format_block, parse_block


def test_simple_block():
    assert parse_block("a\tb\nc\td") == [["a", "b"], ["c", "d"]]
    assert format_block([["a", "b"], ["c", "d"]]) == "a\tb\nc\td\n"


def test_trailing_newline_adds_no_row():
    assert parse_block("1\t0.5\n0\t0.2\n") == [["1", "0.5"], ["0", "0.2"]]
    assert parse_block("x\n") == [["x"]]


def test_crlf_and_cr_line_endings():
    assert parse_block("1\t0.5\r\n0\t0.2\r\n") == [["1", "0.5"], ["0", "0.2"]]
    assert parse_block("1\t0.5\r0\t0.2") == [["1", "0.5"], ["0", "0.2"]]


def test_empty_text_and_empty_cells():
    assert parse_block("") == []
    assert parse_block("a\t\tc\n\t\t\n") == [["a", "", "c"], ["", "", ""]]
    # an empty line inside a block is one empty row
    assert parse_block("a\tb\n\nc\td\n") == [["a", "b"], [""], ["c", "d"]]


def test_single_cell_is_kept_as_typed():
    assert parse_block("0.94") == [["0.94"]]
    assert parse_block(' say "hi" ') == [[' say "hi" ']]
    assert parse_block('"unterminated') == [['"unterminated']]
    assert parse_block('"a"b"') == [['"a"b"']]  # not a well-formed quoted field: kept


def test_quoted_cells_with_tabs_newlines_and_quotes():
    text = 'id\t"multi\nline"\n"tab\there"\t"say ""hi"""\n'
    assert parse_block(text) == [["id", "multi\nline"], ["tab\there", 'say "hi"']]
    # a quoted cell whose newline is CRLF, in a CRLF block
    assert parse_block('"a\r\nb"\tc\r\nd\te\r\n') == [["a\nb", "c"], ["d", "e"]]


@pytest.mark.parametrize(
    "rows",
    [
        [["a", "b"], ["c", "d"]],
        [["multi\nline", "x"], ["tab\there", 'quote " inside']],
        [["", ""], ["", "x"]],
        [["trailing\n"], ["\nleading"]],
        [[""]],  # one empty cell
        [['"quoted"']],  # one cell that starts and ends with a quote
        [['say "hi"']],
        [["a\tb"]],
        [["only"]],
        [["1", "0.5"], [""], ["0", "0.2"]],
    ],
)
def test_format_then_parse_round_trips(rows):
    assert parse_block(format_block(rows)) == rows


def test_random_round_trips():
    rng = random.Random(11)
    alphabet = ['a', 'b', '1', '.', ',', ' ', '"', '\t', '\n', '_', '−', 'é']
    for _ in range(500):
        width = rng.randint(1, 4)
        rows = [["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6))) for _ in range(width)]
                for _ in range(rng.randint(1, 4))]
        assert parse_block(format_block(rows)) == rows, rows


def test_spreadsheet_style_paste():
    """What LibreOffice/Excel put on the clipboard for a 3x3 range with a header row."""
    text = "ID\tActual\tPredicted\r\nID1\t1\t0.94\r\nID2\t0\t0,10\r\n"
    assert parse_block(text) == [["ID", "Actual", "Predicted"], ["ID1", "1", "0.94"], ["ID2", "0", "0,10"]]
