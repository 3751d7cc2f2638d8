"""The importer: CSV/TSV/xlsx files in, a Dataset (or one clear TableReadError) out.

Every fixture is written into tmp_path by the test itself, so each test shows exactly which bytes
it reads.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bce_gui.core.io import ImportInfo, ReadOptions, TableReadError, read_table
from bce_gui.core.io.sniff import detect_header, sniff_delimiter


def write(tmp_path, name: str, content: str | bytes, encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
    return path


def read(tmp_path, name, content, encoding="utf-8", options=None):
    return read_table(write(tmp_path, name, content, encoding), options)


def rows(ds) -> list[int]:
    """Spreadsheet row numbers of the data rows (header = row 1)."""
    return [ds.spreadsheet_row(i) for i in range(len(ds))]


def xlsx(tmp_path, name: str, sheets: dict[str, list[list | None]]):
    """Write a workbook; ``None`` as a row leaves that row empty, ``None`` as a cell leaves it empty."""
    import xlsxwriter

    path = tmp_path / name
    workbook = xlsxwriter.Workbook(str(path))
    for sheet_name, sheet_rows in sheets.items():
        sheet = workbook.add_worksheet(sheet_name)
        for r, row in enumerate(sheet_rows):
            for c, value in enumerate(row or []):
                if value is None:
                    continue
                if isinstance(value, str):
                    sheet.write_string(r, c, value)  # "1" stays text, as typed in Excel
                else:
                    sheet.write(r, c, value)
    workbook.close()
    return path


# --------------------------------------------------------------------------------------------
# Delimiters and decimal marks
# --------------------------------------------------------------------------------------------


def test_plain_comma_csv(tmp_path):
    ds, info = read(tmp_path, "a.csv", "actual,predicted\n1,0.9\n0,0.2\n")
    assert info.delimiter == "," and info.decimal == "." and info.has_header
    assert info.format == "csv"
    np.testing.assert_array_equal(ds.actual.values, [1.0, 0.0])
    np.testing.assert_array_equal(ds.predicted.values, [0.9, 0.2])
    assert ds.actual.values.dtype == np.float64
    assert ds.weight is None and ds.ids is None and ds.extras == {}
    assert rows(ds) == [2, 3]


def test_european_semicolon_and_decimal_comma_with_header(tmp_path):
    ds, info = read(tmp_path, "eu.csv", "id;actual;predicted\n1;0;0,94\n2;1;0,3\n")
    assert info.delimiter == ";" and info.decimal == ","
    np.testing.assert_array_equal(ds.actual.values, [0.0, 1.0])
    np.testing.assert_array_equal(ds.predicted.values, [0.94, 0.3])
    assert list(ds.ids) == ["1", "2"]


def test_european_three_columns_without_header(tmp_path):
    # The example line: id 1, actual 0, predicted 0.94.
    ds, info = read(tmp_path, "eu.csv", "1;0;0,94\n2;1;0,25\n")
    assert info.delimiter == ";" and info.decimal == "," and not info.has_header
    assert list(ds.ids) == ["1", "2"]
    np.testing.assert_array_equal(ds.actual.values, [0.0, 1.0])
    np.testing.assert_array_equal(ds.predicted.values, [0.94, 0.25])
    assert rows(ds) == [1, 2]


def test_european_two_columns_without_header(tmp_path):
    # ',' and ';' both split "1;0,94" in two; only ';' gives numbers. This used to be read as
    # comma-separated: actual "1;0" (text) and predicted 94.
    ds, info = read(tmp_path, "eu2.csv", "1;0,94\n0;0,1\n1;0,5\n")
    assert info.delimiter == ";" and info.decimal == ","
    np.testing.assert_array_equal(ds.actual.values, [1.0, 0.0, 1.0])
    np.testing.assert_array_equal(ds.predicted.values, [0.94, 0.1, 0.5])
    assert ds.actual.text == {} and ds.predicted.text == {}


def test_decimal_comma_in_weight_column(tmp_path):
    ds, info = read(tmp_path, "w.csv", "actual;predicted;weight\n1;0,5;1,5\n0;0,25;2\n")
    assert info.decimal == ","
    np.testing.assert_array_equal(ds.weight.values, [1.5, 2.0])


def test_tab_separated_with_decimal_comma(tmp_path):
    ds, info = read(tmp_path, "t.tsv", "actual\tpredicted\n1\t0,9\n0\t0,2\n")
    assert info.delimiter == "\t" and info.decimal == "," and info.format == "tsv"
    np.testing.assert_array_equal(ds.predicted.values, [0.9, 0.2])


def test_tsv_suffix_forces_tab(tmp_path):
    # A comma inside a TSV cell must not make it a CSV.
    ds, info = read(tmp_path, "t.tsv", "actual\tpredicted\tnote\n1\t0.9\ta, b\n0\t0.2\tc, d\n")
    assert info.delimiter == "\t"
    assert list(ds.extras["note"]) == ["a, b", "c, d"]


def test_pipe_delimited(tmp_path):
    ds, info = read(tmp_path, "p.txt", "actual|predicted\n1|0.9\n0|0.2\n")
    assert info.delimiter == "|"
    np.testing.assert_array_equal(ds.predicted.values, [0.9, 0.2])


def test_comma_delimiter_keeps_decimal_point(tmp_path):
    ds, info = read(tmp_path, "c.csv", 'actual,predicted,note\n1,0.9,"x,y"\n0,1e-20,z\n')
    assert info.decimal == "."
    np.testing.assert_array_equal(ds.predicted.values, [0.9, 1e-20])


def test_explicit_delimiter_and_decimal_options(tmp_path):
    path = write(tmp_path, "o.txt", "actual;predicted\n1;0,9\n")
    ds, info = read_table(path, ReadOptions(delimiter=";", decimal=","))
    assert ds.predicted.values[0] == 0.9


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["actual,predicted", "1,0.9"], ","),
        (["actual;predicted", "1;0,9"], ";"),
        (["1;0;0,94", "2;1;0,3"], ";"),
        (["1;0,94", "0;0,1"], ";"),
        (["actual\tpredicted", "1\t0,5"], "\t"),
        (["a|b", "1|0.5"], "|"),
        (["just some words", "and more words"], None),
        (["The fox.", "It jumped, over the dog.", "Then it ran."], None),
    ],
)
def test_sniff_delimiter(lines, expected):
    assert sniff_delimiter(lines) == expected


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        (["actual", "predicted"], ["1", "0.5"], True),
        (["Y_TRUE", "score"], None, True),
        (["1", "0.5"], ["0", "0.2"], False),
        (["a17", "1", "0,5"], ["b18", "0", "0,2"], False),  # text IDs, no header
        (["clicked", "ctr_hat"], ["1", "0.5"], True),  # unknown names above numbers
        (["foo", "bar"], ["x", "y"], True),  # text only: names, not data
    ],
)
def test_detect_header(first, second, expected):
    assert detect_header(first, second) is expected


# --------------------------------------------------------------------------------------------
# Encodings
# --------------------------------------------------------------------------------------------

TABLE = "name,actual,predicted\nJosé,1,0.9\nZoë €,0,0.2\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TABLE.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + TABLE.encode("utf-8"), "utf-8-sig"),
        (TABLE.encode("cp1252"), "cp1252"),
    ],
)
def test_text_encodings(tmp_path, data, encoding):
    ds, info = read(tmp_path, "e.csv", data)
    assert info.encoding == encoding
    # The BOM must not stick to the first header (it would hide the "name" column).
    assert info.headers == ["name", "actual", "predicted"]
    assert list(ds.ids) == ["José", "Zoë €"]
    np.testing.assert_array_equal(ds.predicted.values, [0.9, 0.2])


def test_latin1_fallback(tmp_path):
    # 0x81 is undefined in cp1252, so only latin-1 can decode this file.
    ds, info = read(tmp_path, "l.csv", b"name,actual,predicted\nab\x81,1,0.9\n\xe9,0,0.2\n")
    assert info.encoding == "latin-1"
    assert list(ds.ids) == ["ab\x81", "é"]


def test_bom_on_first_header_of_a_synonym_file(tmp_path):
    ds, info = read(tmp_path, "b.csv", b"\xef\xbb\xbfactual;predicted\r\n1;0,5\r\n")
    assert info.mapping == {"actual": "actual", "predicted": "predicted"}
    assert ds.predicted.values[0] == 0.5


def test_excel_unicode_text_export_utf16(tmp_path):
    # Excel's "Unicode text": UTF-16 LE with BOM, tab-separated, CRLF, decimal comma locale.
    text = "ID\tActual\tPredicted\tNotes\r\nr1\t1\t0,94\tok\r\nr2\t0\t0,25\té\r\n"
    ds, info = read(tmp_path, "export.txt", text.encode("utf-16"))
    assert info.encoding == "utf-16" and info.delimiter == "\t" and info.decimal == ","
    assert list(ds.ids) == ["r1", "r2"]
    np.testing.assert_array_equal(ds.actual.values, [1.0, 0.0])
    np.testing.assert_array_equal(ds.predicted.values, [0.94, 0.25])
    assert list(ds.extras["Notes"]) == ["ok", "é"]
    assert rows(ds) == [2, 3]


def test_utf16_big_endian_with_bom(tmp_path):
    data = b"\xfe\xff" + "actual\tpredicted\n1\t0.9\n".encode("utf-16-be")
    ds, info = read(tmp_path, "be.txt", data)
    assert ds.predicted.values[0] == 0.9


def test_explicit_encoding_option(tmp_path):
    path = write(tmp_path, "x.csv", TABLE, encoding="cp1252")
    ds, info = read_table(path, ReadOptions(encoding="cp1252"))
    assert list(ds.ids) == ["José", "Zoë €"]


def test_wrong_explicit_encoding_is_a_table_read_error(tmp_path):
    path = write(tmp_path, "x.csv", TABLE, encoding="cp1252")
    with pytest.raises(TableReadError) as err:
        read_table(path, ReadOptions(encoding="utf-8"))
    assert "x.csv" in str(err.value) and "utf-8" in str(err.value)


# --------------------------------------------------------------------------------------------
# Line endings, quotes, spaces, blank lines
# --------------------------------------------------------------------------------------------


def test_crlf_line_endings(tmp_path):
    ds, info = read(tmp_path, "w.csv", "actual,predicted\r\n1,0.9\r\n0,0.2\r\n")
    assert info.headers == ["actual", "predicted"]
    np.testing.assert_array_equal(ds.predicted.values, [0.9, 0.2])
    assert ds.predicted.text == {}  # no "0.2\r" cell


def test_quoted_fields(tmp_path):
    content = (
        '"id","actual","predicted","note"\n'
        '"a, b","1","0.9","he said ""hi"""\n'
        '"c",0,0.2,"x;y"\n'
    )
    ds, info = read(tmp_path, "q.csv", content)
    assert info.delimiter == ","
    assert list(ds.ids) == ["a, b", "c"]
    np.testing.assert_array_equal(ds.actual.values, [1.0, 0.0])
    assert list(ds.extras["note"]) == ['he said "hi"', "x;y"]


def test_quoted_decimal_comma_fields_with_semicolons(tmp_path):
    ds, info = read(tmp_path, "q.csv", '"actual";"predicted"\n"1";"0,9"\n"0";"0,2"\n')
    assert info.delimiter == ";" and info.decimal == ","
    np.testing.assert_array_equal(ds.predicted.values, [0.9, 0.2])


def test_surrounding_spaces_in_headers_and_cells(tmp_path):
    ds, info = read(tmp_path, "s.csv", " Actual , Predicted ,  w \n 1 , 0.9 , 2\n0 ,  0.2,1 \n")
    assert info.mapping["actual"] == "Actual" and info.mapping["predicted"] == "Predicted"
    np.testing.assert_array_equal(ds.actual.values, [1.0, 0.0])
    np.testing.assert_array_equal(ds.predicted.values, [0.9, 0.2])
    np.testing.assert_array_equal(ds.weight.values, [2.0, 1.0])
    assert ds.actual.text == {} and ds.predicted.text == {}


def test_blank_lines_are_skipped_but_row_numbers_kept(tmp_path):
    content = "actual,predicted\n1,0.9\n\n0,0.2\n   \n,\n1,0.7\n\n"
    ds, info = read(tmp_path, "b.csv", content)
    np.testing.assert_array_equal(ds.actual.values, [1.0, 0.0, 1.0])
    # header = row 1; data on file lines 2, 4 and 7 (lines 3, 5, 6 are blank).
    assert rows(ds) == [2, 4, 7]
    assert info.n_rows == 3 and info.n_blank_rows >= 3


def test_blank_lines_with_crlf(tmp_path):
    ds, _ = read(tmp_path, "b.csv", "actual,predicted\r\n\r\n1,0.9\r\n\r\n\r\n0,0.2\r\n")
    assert rows(ds) == [3, 6]


def test_blank_lines_above_the_header_keep_row_numbers(tmp_path):
    # polars skips them on its own; the row numbers must still be the file's.
    ds, info = read(tmp_path, "lead.csv", "\n\r\n  \nactual,predicted\n1,0.9\n\n0,0.2\n")
    assert info.has_header and info.headers == ["actual", "predicted"]
    assert rows(ds) == [5, 7]


def test_blank_lines_in_a_headerless_file(tmp_path):
    ds, info = read(tmp_path, "h.csv", "\n1,0.9\n\n0,0.2\n")
    assert not info.has_header
    assert rows(ds) == [2, 4]


def test_row_numbers_reach_the_invalid_list(tmp_path):
    from bce_gui.core.evaluate import evaluate
    from bce_gui.core.loss import LossOptions
    from bce_gui.core.summary import summary_dict

    ds, _ = read(tmp_path, "r.csv", "actual,predicted\n1,0.9\n\n0,abc\n")
    summary = summary_dict(ds, evaluate(ds, LossOptions()))
    assert summary["invalid"] == [
        {"row": 4, "column": "predicted", "value": "abc", "reason": "not a number"}
    ]


# --------------------------------------------------------------------------------------------
# Headers, synonyms, extras, headerless files
# --------------------------------------------------------------------------------------------


def test_synonyms_case_insensitive_and_extras_in_order(tmp_path):
    content = "zeta,Y_PROBA,Note,Sample_Weight,TARGET,Id,alpha\nz1,0.9,n1,2,1,a,x\nz2,0.2,n2,1,0,b,y\n"
    ds, info = read(tmp_path, "s.csv", content)
    assert info.mapping == {
        "actual": "TARGET",
        "predicted": "Y_PROBA",
        "weight": "Sample_Weight",
        "id": "Id",
    }
    np.testing.assert_array_equal(ds.actual.values, [1.0, 0.0])
    np.testing.assert_array_equal(ds.predicted.values, [0.9, 0.2])
    np.testing.assert_array_equal(ds.weight.values, [2.0, 1.0])
    assert list(ds.ids) == ["a", "b"]
    # Extra columns are kept as text, in the file's order.
    assert list(ds.extras) == ["zeta", "Note", "alpha"]
    assert list(ds.extras["zeta"]) == ["z1", "z2"]
    assert list(ds.extras["alpha"]) == ["x", "y"]
    assert ds.column_names["actual"] == "TARGET"


def test_extras_and_ids_can_be_left_out(tmp_path):
    path = write(tmp_path, "s.csv", "id,actual,predicted,x\n1,1,0.5,q\n")
    ds, _ = read_table(path, ReadOptions(load_ids=False, load_extras=False))
    assert ds.ids is None and ds.extras == {}


def test_headerless_two_columns(tmp_path):
    ds, info = read(tmp_path, "h.csv", "1,0.9\n0,0.2\n1,1e-3\n")
    assert not info.has_header
    np.testing.assert_array_equal(ds.actual.values, [1.0, 0.0, 1.0])
    np.testing.assert_array_equal(ds.predicted.values, [0.9, 0.2, 1e-3])
    assert ds.ids is None
    assert rows(ds) == [1, 2, 3]  # no header: the first line is row 1


def test_headerless_three_columns_is_id_actual_predicted(tmp_path):
    ds, info = read(tmp_path, "h.csv", "17,1,0.9\n18,0,0.2\n")
    assert not info.has_header
    assert list(ds.ids) == ["17", "18"]
    np.testing.assert_array_equal(ds.actual.values, [1.0, 0.0])
    np.testing.assert_array_equal(ds.predicted.values, [0.9, 0.2])


def test_headerless_text_ids(tmp_path):
    ds, info = read(tmp_path, "h.tsv", "a17\t1\t0.9\nb18\t0\t0.2\n")
    assert not info.has_header and list(ds.ids) == ["a17", "b18"]


def test_headerless_names_columns_from_one(tmp_path):
    _, info = read(tmp_path, "h.csv", "1,0.9\n0,0.2\n")
    assert info.headers == ["column_1", "column_2"]
    assert info.mapping == {"actual": "column_1", "predicted": "column_2"}


def test_headerless_four_columns_is_an_error(tmp_path):
    with pytest.raises(TableReadError) as err:
        read(tmp_path, "h4.csv", "1,1,0.9,5\n2,0,0.2,6\n")
    assert "h4.csv" in str(err.value) and "4 columns" in str(err.value)


def test_header_option_forces_no_header(tmp_path):
    path = write(tmp_path, "x.csv", "1,0.9\n0,0.2\n")
    ds, info = read_table(path, ReadOptions(header=False))
    assert len(ds) == 2 and not info.has_header


# --------------------------------------------------------------------------------------------
# Text in number columns is kept, never lost
# --------------------------------------------------------------------------------------------


def test_text_in_number_columns_is_kept(tmp_path):
    content = "actual,predicted,weight\n1,abc,1\nyes,0.2,1\n1,,1\n0,0.3,heavy\n1,nan,1\n"
    ds, _ = read(tmp_path, "t.csv", content)
    assert math.isnan(ds.predicted.values[0]) and ds.predicted.text[0] == "abc"
    assert math.isnan(ds.actual.values[1]) and ds.actual.text[1] == "yes"
    # An empty cell is NaN without text: missing, not "not a number".
    assert math.isnan(ds.predicted.values[2]) and 2 not in ds.predicted.text
    assert math.isnan(ds.weight.values[3]) and ds.weight.text[3] == "heavy"
    # "nan" is text a person typed, not a number: kept as text too.
    assert math.isnan(ds.predicted.values[4]) and ds.predicted.text[4] == "nan"
    assert ds.predicted.cell_text(0) == "abc" and ds.predicted.cell_text(1) == "0.2"
    assert set(ds.predicted.text) == {0, 4}


def test_text_in_a_decimal_comma_file_is_kept(tmp_path):
    ds, info = read(tmp_path, "t.csv", "actual;predicted\n1;0,9\n0;zero\n1;0.5.5\n")
    assert info.decimal == ","
    assert ds.predicted.values[0] == 0.9
    assert ds.predicted.text == {1: "zero", 2: "0.5.5"}


def test_text_after_many_numbers_is_kept(tmp_path):
    # Schema inference on a sample must not turn a late text cell into a silent null.
    body = "".join(f"{i % 2},0.5\n" for i in range(20_000))
    ds, _ = read(tmp_path, "big.csv", "actual,predicted\n" + body + "1,oops\n")
    assert len(ds) == 20_001
    assert ds.predicted.text == {20_000: "oops"}
    assert ds.spreadsheet_row(20_000) == 20_002


def test_extreme_but_legal_numbers_are_exact(tmp_path):
    ds, _ = read(tmp_path, "x.csv", "actual,predicted\n1,1e-300\n0,0.99999999999999989\n1,5e-324\n")
    assert ds.predicted.values[0] == 1e-300
    assert ds.predicted.values[1] == 0.99999999999999989
    assert ds.predicted.values[2] == 5e-324


@settings(max_examples=40)
@given(
    st.lists(
        st.tuples(st.sampled_from([0.0, 1.0]), st.floats(0.0, 1.0, allow_nan=False)),
        min_size=1,
        max_size=20,
    ),
    st.booleans(),
)
def test_numbers_round_trip_exactly(tmp_path_factory, data, european):
    """Any float written with repr (or with a decimal comma) is read back bit for bit."""
    tmp = tmp_path_factory.mktemp("rt")
    if european:
        body = "".join(f"{int(y)};{repr(p).replace('.', ',')}\n" for y, p in data)
        content = "actual;predicted\n" + body
    else:
        content = "actual,predicted\n" + "".join(f"{int(y)},{p!r}\n" for y, p in data)
    ds, _ = read(tmp, "rt.csv", content)
    np.testing.assert_array_equal(ds.actual.values, [y for y, _ in data])
    np.testing.assert_array_equal(ds.predicted.values, [p for _, p in data])


# --------------------------------------------------------------------------------------------
# Spreadsheets
# --------------------------------------------------------------------------------------------


def test_xlsx_first_sheet(tmp_path):
    path = xlsx(
        tmp_path,
        "book.xlsx",
        {
            "Data": [["ID", "Actual", "Predicted", "Notes"], ["a", 1, 0.9, "x"], ["b", 0, 0.25, None]],
            "Other": [["foo", "bar"], [1, 2]],
        },
    )
    ds, info = read_table(path)
    assert info.format == "xlsx" and info.sheet == "Data"
    np.testing.assert_array_equal(ds.actual.values, [1.0, 0.0])
    np.testing.assert_array_equal(ds.predicted.values, [0.9, 0.25])
    assert list(ds.ids) == ["a", "b"]
    assert list(ds.extras["Notes"]) == ["x", ""]
    assert rows(ds) == [2, 3]


def test_xlsx_named_sheet_and_sheet_number(tmp_path):
    path = xlsx(
        tmp_path,
        "book.xlsx",
        {"Summary": [["just", "text"]], "Preds": [["label", "prob"], [1, 0.75], [0, 0.5]]},
    )
    ds, info = read_table(path, ReadOptions(sheet="Preds"))
    assert info.sheet == "Preds"
    np.testing.assert_array_equal(ds.predicted.values, [0.75, 0.5])
    ds2, info2 = read_table(path, ReadOptions(sheet="2"))
    assert info2.sheet == "Preds" and len(ds2) == 2
    ds3, info3 = read_table(path, ReadOptions(sheet=1))
    assert info3.sheet == "Preds" and len(ds3) == 2


def test_xlsx_missing_sheet_lists_the_sheets(tmp_path):
    path = xlsx(tmp_path, "book.xlsx", {"Alpha": [["actual", "predicted"], [1, 0.5]], "Beta": [["x"]]})
    with pytest.raises(TableReadError) as err:
        read_table(path, ReadOptions(sheet="Gamma"))
    msg = str(err.value)
    assert "book.xlsx" in msg and "Gamma" in msg and "Alpha" in msg and "Beta" in msg
    assert "\n" not in msg
    with pytest.raises(TableReadError) as err:
        read_table(path, ReadOptions(sheet=5))
    assert "book.xlsx" in str(err.value)


def test_xlsx_numbers_are_read_exactly(tmp_path):
    # calamine's text for a number keeps ~9 digits: 1e-20 came back as "0" (an infinite loss
    # for a class-1 row) and 0.1234567890123457 as 0.123456789.
    path = xlsx(
        tmp_path,
        "exact.xlsx",
        {"S": [["id", "actual", "predicted"], [1, 1, 0.1234567890123457], [2, 1, 1e-20], [3, 0, 1 - 1e-16]]},
    )
    ds, _ = read_table(path)
    assert ds.predicted.values[0] == 0.1234567890123457
    assert ds.predicted.values[1] == 1e-20
    assert ds.predicted.values[2] == 1 - 1e-16
    assert list(ds.ids) == ["1", "2", "3"]  # integers stay as typed, not "1.0"


def test_xlsx_blank_rows_and_rows_above_the_table(tmp_path):
    path = xlsx(
        tmp_path,
        "gaps.xlsx",
        {"S": [None, None, ["actual", "predicted"], [1, 0.9], None, [0, 0.2], None, [1, 0.3]]},
    )
    ds, info = read_table(path)
    assert info.has_header
    np.testing.assert_array_equal(ds.actual.values, [1.0, 0.0, 1.0])
    # header in sheet row 3; data in rows 4, 6, 8
    assert rows(ds) == [4, 6, 8]


def test_xlsx_text_cells_are_kept(tmp_path):
    path = xlsx(
        tmp_path,
        "t.xlsx",
        {"S": [["actual", "predicted"], [1, "abc"], [True, 0.5], ["1", " 0.25 "], [0, None]]},
    )
    ds, _ = read_table(path)
    assert ds.predicted.text[0] == "abc" and math.isnan(ds.predicted.values[0])
    assert 1 in ds.actual.text and math.isnan(ds.actual.values[1])  # TRUE is not a 0/1 number
    assert ds.actual.values[2] == 1.0 and ds.predicted.values[2] == 0.25  # numbers typed as text
    assert math.isnan(ds.predicted.values[3]) and 3 not in ds.predicted.text  # empty cell


def test_xlsx_without_header(tmp_path):
    path = xlsx(tmp_path, "h.xlsx", {"S": [[1, 0.9], [0, 0.2]]})
    ds, info = read_table(path)
    assert not info.has_header and rows(ds) == [1, 2]
    np.testing.assert_array_equal(ds.predicted.values, [0.9, 0.2])


def test_xlsx_written_by_openpyxl(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Results"
    ws.append(["y_true", "y_pred", "sample_weight"])
    ws.append([1, 0.8, 2.5])
    ws.append([0, 0.1, 1])
    path = tmp_path / "op.xlsx"
    wb.save(path)
    ds, info = read_table(path)
    assert info.sheet == "Results"
    np.testing.assert_array_equal(ds.weight.values, [2.5, 1.0])


@pytest.mark.parametrize(
    ("sheet_rows", "needle"),
    [
        ([], "empty"),
        ([["actual", "predicted"]], "no data rows"),
        ([["foo", "bar"], [1, 0.5]], "foo, bar"),
        ([["actual"], [1]], "one column"),
    ],
)
def test_xlsx_errors(tmp_path, sheet_rows, needle):
    path = xlsx(tmp_path, "bad.xlsx", {"S": sheet_rows})
    with pytest.raises(TableReadError) as err:
        read_table(path)
    assert "bad.xlsx" in str(err.value) and needle in str(err.value)
    assert "\n" not in str(err.value)


def test_not_really_an_xlsx(tmp_path):
    """Text under a workbook's name is read as the text table it is (as a Parquet file under
    any name is read by its bytes); bytes that are neither a workbook nor text are refused."""
    path = write(tmp_path, "fake.xlsx", "actual,predicted\n1,0.5\n")
    ds, info = read_table(path)
    assert info.format == "csv" and ds.predicted.values.tolist() == [0.5]
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"\x01\x02\x03\x04\x05\x06\x07\x08" * 64)
    with pytest.raises(TableReadError) as err:
        read_table(broken)
    assert "broken.xlsx" in str(err.value)


def test_xlsx_with_a_csv_suffix_is_still_read_as_a_spreadsheet(tmp_path):
    path = xlsx(tmp_path, "book.xlsx", {"S": [["actual", "predicted"], [1, 0.5]]})
    renamed = path.rename(tmp_path / "mislabelled.csv")
    ds, info = read_table(renamed)
    assert info.format == "xlsx" and ds.predicted.values[0] == 0.5


# --------------------------------------------------------------------------------------------
# Errors: one sentence, naming the file (and the row/column where it applies)
# --------------------------------------------------------------------------------------------


def check_error(err: pytest.ExceptionInfo, name: str, *needles: str) -> str:
    msg = str(err.value)
    assert isinstance(err.value, TableReadError)
    assert msg.startswith(f"{name}: "), msg
    assert "\n" not in msg and "Traceback" not in msg, msg
    assert len(msg) < 400, msg
    for needle in needles:
        assert needle in msg, (needle, msg)
    return msg


@pytest.mark.parametrize(
    ("name", "content", "needles"),
    [
        ("empty.csv", b"", ["empty"]),
        ("spaces.csv", b"  \n\t\r\n   \n", ["empty"]),
        ("bom.csv", b"\xef\xbb\xbf", ["empty"]),
        ("bom16.txt", b"\xff\xfe", ["empty"]),
        ("header.csv", b"actual,predicted\n", ["no data rows"]),
        ("header2.csv", b"actual,predicted", ["no data rows"]),
        ("header3.tsv", b"actual\tpredicted\r\n\r\n   \r\n", ["no data rows"]),
        ("image.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), ["not a text table"]),
        ("image.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), ["not a text table"]),
        ("random.bin", bytes(range(256)) * 8, ["not a text table"]),
        ("prose.txt", b"This is a letter.\nIt has no table in it\nat all\n", ["not a table"]),
        (
            "readme.txt",
            b"The quick brown fox.\nIt jumped, over the lazy dog.\nThen it ran away.\nThe end.\n",
            ["not a table"],
        ),
        ("single.csv", b"actual\n1\n0\n1\n", ["not a table"]),
        ("single2.csv", b"0.5\n0.25\n", ["not a table"]),
        ("nocols.csv", b"foo,bar\n1,0.5\n", ["actual class", "the columns are: foo, bar"]),
        ("textonly.csv", b"foo,bar\nx,y\n", ["actual class", "foo, bar"]),
        ("nopred.csv", b"actual,bar,baz\n1,0.5,2\n", ["predicted probability", "actual, bar, baz"]),
    ],
)
def test_unreadable_files(tmp_path, name, content, needles):
    with pytest.raises(TableReadError) as err:
        read(tmp_path, name, content)
    check_error(err, name, *needles)


def test_nonexistent_file(tmp_path):
    with pytest.raises(TableReadError) as err:
        read_table(tmp_path / "nowhere.csv")
    check_error(err, "nowhere.csv", "no such file")
    assert err.value.path.endswith("nowhere.csv")


def test_folder_is_not_a_file(tmp_path):
    folder = tmp_path / "data.csv"
    folder.mkdir()
    with pytest.raises(TableReadError) as err:
        read_table(folder)
    check_error(err, "data.csv", "folder")


def test_column_override_naming_a_missing_column(tmp_path):
    path = write(tmp_path, "o.csv", "clicked,ctr_hat\n1,0.5\n")
    with pytest.raises(TableReadError) as err:
        read_table(path, ReadOptions(columns={"actual": "clicks"}))
    check_error(err, "o.csv", "'clicks'", "clicked, ctr_hat")


def test_column_override_on_a_headerless_file(tmp_path):
    path = write(tmp_path, "o.csv", "1,0.5\n")
    with pytest.raises(TableReadError) as err:
        read_table(path, ReadOptions(columns={"weight": "w"}))
    check_error(err, "o.csv", "'w'", "column_1, column_2")


def test_error_attributes(tmp_path):
    err = TableReadError(tmp_path / "sub" / "x.csv", "is empty")
    assert str(err) == "x.csv: is empty"
    assert err.reason == "is empty" and err.path.endswith("x.csv")
    assert str(TableReadError(None, "something")) == "something"


def test_import_info_defaults():
    info = ImportInfo(path="x.csv", format="csv")
    assert info.first_line == 1 and info.headers == [] and info.mapping == {}
