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


@pytest.mark.parametrize("text", ["0.3\n0.4\n\n", "0.3\r\n0.4\r\n\r\n", "0.3\n0.4\n\n\n\n",
                                  "0.3\r0.4\r\r", "0.3\n0.4\n  \n", "0.3\n0.4\n\n \n"])
def test_trailing_blank_lines_are_no_rows(text):
    """A blank line after a block (a spreadsheet's copy ends in one newline; one more is noise)
    would clear the cell under the block, or add an empty row below the table."""
    assert parse_block(text) == [["0.3"], ["0.4"]]


def test_trailing_blank_lines_of_a_wider_block_and_its_empty_cells():
    assert parse_block("a\t1\t0.5\nb\t0\t0.2\n\n") == [["a", "1", "0.5"], ["b", "0", "0.2"]]
    # a row of empty cells (a line of tabs) is a row: a copied range whose last row is empty
    assert parse_block("a\t0.5\n\t\n") == [["a", "0.5"], ["", ""]]
    assert parse_block("a\t0.5\n\t\n\n") == [["a", "0.5"], ["", ""]]
    # a quoted cell that ends in newlines keeps them
    assert parse_block('a\t"x\n\n"\n\n') == [["a", "x\n\n"]]


def test_blank_lines_inside_a_block_stay_rows():
    assert parse_block("0.3\n\n0.4\n\n") == [["0.3"], [""], ["0.4"]]


def test_only_newlines_is_one_empty_cell():
    """What a spreadsheet copies from one empty cell: pasted, it clears the cell."""
    for text in ("\n", "\r\n", "\n\n", "\r\n\r\n"):
        assert parse_block(text) == [[""]], text


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
        [["", ""], ["", ""]],
    ],
)
def test_format_then_parse_round_trips(rows):
    assert parse_block(format_block(rows)) == rows


def blank_line(row: list[str]) -> bool:
    """A row that format_block writes as a blank line: one cell of nothing but spaces."""
    return len(row) == 1 and not row[0].strip(" ")


def test_random_round_trips():
    """Every block comes back, but for blank last lines (see parse_block): those are dropped."""
    rng = random.Random(11)
    alphabet = ['a', 'b', '1', '.', ',', ' ', '"', '\t', '\n', '_', '−', 'é']
    for _ in range(500):
        width = rng.randint(1, 4)
        rows = [["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6))) for _ in range(width)]
                for _ in range(rng.randint(1, 4))]
        expected = list(rows)
        while len(expected) > 1 and blank_line(expected[-1]):
            expected.pop()
        assert parse_block(format_block(rows)) == expected, rows


def test_spreadsheet_style_paste():
    """What LibreOffice/Excel put on the clipboard for a 3x3 range with a header row."""
    text = "ID\tActual\tPredicted\r\nID1\t1\t0.94\r\nID2\t0\t0,10\r\n"
    assert parse_block(text) == [["ID", "Actual", "Predicted"], ["ID1", "1", "0.94"], ["ID2", "0", "0,10"]]


# ---------------------------------------------------------------------------------------------
# Where a pasted block goes
# ---------------------------------------------------------------------------------------------

from bce_gui.core.clipboard import PasteError, header_roles, plan_paste  # noqa: E402
from bce_gui.core.dataset import parse_cell, parse_cells  # noqa: E402

SHOWN = ["id", "actual", "predicted"]


def test_a_copied_empty_cell_is_an_empty_line_and_pastes_back_empty():
    assert format_block([[""]]) == "\n"
    assert parse_block("\n") == [[""]]
    # a one-column copy whose last cell is empty ends in a blank line: not a row (see
    # parse_block); the copy of an empty cell inside the block is one
    assert parse_block(format_block([["a"], [""]])) == [["a"]]
    assert parse_block(format_block([["a"], [""], ["b"]])) == [["a"], [""], ["b"]]


def test_header_rows_are_recognised_by_name_and_never_hold_numbers():
    assert header_roles(["Y_true", "proba", "who", "ID"]) == ["actual", "predicted", None, "id"]
    assert header_roles(["p", "p"]) == ["predicted", None]
    assert header_roles(["1", "0.5"]) is None
    assert header_roles(["id", "0.5"]) is None
    assert header_roles(["foo", "bar"]) is None


def test_plan_with_a_header_appends_and_names_what_it_ignores():
    plan = plan_paste([["predicted", "extra", "actual"], ["0.5", "x", "1"]], SHOWN, 1)
    assert plan.append and plan.header and plan.n_rows == 1
    assert plan.columns == {"predicted": ["0.5"], "actual": ["1"]}
    assert plan.ignored == ["extra"]


def test_plan_with_nothing_selected_reads_columns_as_a_headerless_file():
    assert plan_paste([["1", "0.5"]], SHOWN, None).columns == {"actual": ["1"], "predicted": ["0.5"]}
    plan = plan_paste([["a", "1", "0.5", "2", "z"]], SHOWN + ["weight"], None)
    assert plan.append and plan.roles == ["id", "actual", "predicted", "weight"] and plan.ignored == ["column 5"]


def test_plan_over_a_selection_and_a_block_that_does_not_fit():
    plan = plan_paste([["1", "0.5"], ["0"]], SHOWN, 1)
    assert not plan.append and plan.columns == {"actual": ["1", "0"], "predicted": ["0.5", ""]}
    with pytest.raises(PasteError, match="3 columns.*Predicted column on the table has only 1"):
        plan_paste([["a", "1", "0.5"]], SHOWN, 2)
    # K classes: the class column is named as the table titles it
    with pytest.raises(PasteError, match=r"from the p\(b\) column on the table has only 2"):
        plan_paste([["0.2", "0.3", "0.5"]], ["id", "actual", "p_a", "p_b", "p_c"], 3,
                   ["ID", "Actual", "p(a)", "p(b)", "p(c)"])
    wide = plan_paste([["a", "1", "0.5", "n1", "n2"]], SHOWN, 0)  # wider than the whole table
    assert wide.roles == SHOWN and wide.ignored == ["column 4", "column 5"]


def test_parse_cells_agrees_with_parse_cell_cell_by_cell():
    rng = random.Random(5)
    pieces = ["1", "0.5", "", " 2 ", "abc", "nan", "NaN", "1_000", "0,5", "inf", "-1e-300", "1.", "+.5",
              "1e400", "0x10", "١", "1,000.5"]
    for _ in range(200):
        cells = [rng.choice(pieces) for _ in range(rng.randint(0, 8))]
        got = parse_cells(cells)
        for i, c in enumerate(cells):
            v, bad = parse_cell(c)
            assert (got.values[i] == v) or (v != v and got.values[i] != got.values[i]), (c, got.values[i], v)
            assert got.text.get(i) == bad, c


def test_lines_copied_from_a_csv_are_recognised_not_split():
    """'A,1,0.5' lines (a CSV in a text editor) paste whole into one cell each; the separator
    is found so the window can say so. IDs with one comma, decimal commas and tab-separated
    blocks are not such lines."""
    from bce_gui.core.clipboard import delimited_lines, parse_block

    assert delimited_lines(parse_block("A,1,0.5\nB,0,0.25\n")) == ","
    assert delimited_lines(parse_block("A;1;0,5\nB;0;0,25")) == ";"
    assert delimited_lines(parse_block("A,1,0.5")) == ","
    assert delimited_lines(parse_block("Smith, John\nDoe, Jane")) is None  # one comma: names
    assert delimited_lines(parse_block("0,5\n0,25")) is None  # decimal commas
    assert delimited_lines(parse_block("A\t1\t0.5\nB\t0\t0.25")) is None  # cells already
    assert delimited_lines(parse_block("A,1,0.5\nB,0")) is None  # not the same shape


K_SHOWN = ["id", "actual", "p_apple", "p_banana", "p_cherry", "Model 2_p_apple"]
K_TITLES = ["ID", "Actual", "p(apple)", "p(banana)", "p(cherry)", "Model 2: p(apple)"]


def test_a_header_with_the_tables_own_titles_names_its_columns():
    """A K-class table shows its class columns as p(apple), and keys them by the file's names
    (p_apple): a header as the table shows it must match, as "Predicted" does."""
    block = [["ID", "Actual", "p(apple)", "p(banana)", "p(cherry)"], ["F13", "banana", "0.2", "0.7", "0.1"]]
    plan = plan_paste(block, K_SHOWN, None, K_TITLES)
    assert plan.header and plan.append and plan.ignored == []
    assert plan.columns == {"id": ["F13"], "actual": ["banana"], "p_apple": ["0.2"],
                            "p_banana": ["0.7"], "p_cherry": ["0.1"]}
    # in any order, with any case and spacing, and another model's titled columns too
    block = [["p(Cherry)", " Model 2: p(apple) ", "p(apple)"], ["0.1", "0.3", "0.2"]]
    plan = plan_paste(block, K_SHOWN, 2, K_TITLES)
    assert plan.columns == {"p_cherry": ["0.1"], "Model 2_p_apple": ["0.3"], "p_apple": ["0.2"]}
    # the columns' keys still match, and an unknown name is named as not used
    plan = plan_paste([["p_apple", "z(kiwi)"], ["0.5", "1"]], K_SHOWN, None, K_TITLES)
    assert plan.columns == {"p_apple": ["0.5"]} and plan.ignored == ["z(kiwi)"]
    # without the titles the table's headers were not recognised
    assert plan_paste(block, K_SHOWN, 2).header is False


def test_binary_titles_match_as_before():
    titles = ["ID", "Actual", "Logit", "Model 2"]
    plan = plan_paste([["Logit", "Model 2"], ["0.5", "-1"]], ["id", "actual", "predicted", "Model 2"],
                      None, titles)
    assert plan.columns == {"predicted": ["0.5"], "Model 2": ["-1"]}
