"""The project's corpus of odd input files: every shape a reliability pass or an issue found.

Each entry is the file's exact bytes and what reading it must give: the numbers of the valid
rows (from which a test computes the reference loss), the invalid rows as ``(row, column,
value or reason)``, warnings, or the error a read must end in. ``tests/core/test_corpus.py``
reads every file in memory (as the window does), streamed in several block sizes (as
``compute`` does) and through the command line, and checks all of them against this.

Add a file here whenever a new shape of input is found.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class OddFile:
    name: str
    data: bytes
    y: tuple = ()
    p: tuple = ()
    w: tuple | None = None
    #: (spreadsheet row, column, value) of each invalid cell; for a whole-row problem the
    #: column is "(whole row)" and the third item the reason.
    invalid: tuple = ()
    warnings: int = 0
    #: When reading must fail: a phrase of the one-line message.
    error: str | None = None
    note: str = ""
    ids: tuple | None = None


def _t(text: str, encoding: str = "utf-8") -> bytes:
    return text.encode(encoding)


Y2, P2 = (1, 0), (0.9, 0.25)

CORPUS: list[OddFile] = [
    # -- plain shapes -----------------------------------------------------------------------
    OddFile("plain.csv", _t("actual,predicted\n1,0.9\n0,0.25\n"), Y2, P2),
    OddFile("crlf.csv", _t("actual,predicted\r\n1,0.9\r\n0,0.25\r\n"), Y2, P2),
    OddFile("no_final_newline.csv", _t("actual,predicted\n1,0.9\n0,0.25"), Y2, P2),
    OddFile("bom.csv", b"\xef\xbb\xbf" + _t("actual,predicted\n1,0.9\n0,0.25\n"), Y2, P2),
    OddFile("utf16.csv", _t("id\tactual\tpredicted\nñ\t1\t0.9\nü\t0\t0.25\n", "utf-16"), Y2, P2,
            ids=("ñ", "ü")),
    OddFile("cp1252.csv", _t("id;actual;predicted\nCafé;1;0,9\nNaïve;0;0,25\n", "cp1252"), Y2, P2,
            ids=("Café", "Naïve")),
    OddFile("tab.tsv", _t("actual\tpredicted\n1\t0.9\n0\t0.25\n"), Y2, P2),
    OddFile("pipe.csv", _t("actual|predicted\n1|0.9\n0|0.25\n"), Y2, P2),
    OddFile("semicolon_decimal_comma.csv", _t("actual;predicted\n1;0,9\n0;0,25\n"), Y2, P2),
    OddFile("blank_lines.csv", _t("\n\nactual,predicted\n\n1,0.9\n\n0,0.25\n\n\n"), Y2, P2),
    OddFile("quoted_newline_id.csv", _t('id,actual,predicted\n"two\nlines",1,0.9\nb,0,0.25\n'),
            Y2, P2, ids=("two\nlines", "b")),
    OddFile("no_header_2.csv", _t("1,0.9\n0,0.25\n"), Y2, P2),
    OddFile("no_header_3.csv", _t("a,1,0.9\nb,0,0.25\n"), Y2, P2, ids=("a", "b")),
    OddFile("weighted.csv", _t("actual,predicted,weight\n1,0.9,2\n0,0.25,0.5\n"), Y2, P2, (2, 0.5)),
    OddFile("synonyms.csv", _t("Y_True,Y-Proba,Sample Weight\n1,0.9,1\n0,0.25,3\n"), Y2, P2, (1, 3)),
    OddFile("padded_cells.csv", _t("actual,predicted\n 1 , 0.9 \n0,  0.25\n"), Y2, P2),
    # -- cells that are kept and reported -----------------------------------------------------
    OddFile("text_cells.csv", _t("actual,predicted\n1,0.9\n0,abc\nx,0.5\n0,0.25\n"), Y2, P2,
            invalid=((3, "predicted", "abc"), (4, "actual", "x"))),
    OddFile("nan_and_empty.csv", _t("actual,predicted\n1,0.9\n0,nan\n1,\n0,0.25\n"), Y2, P2,
            invalid=((3, "predicted", "nan"), (4, "predicted", ""))),
    OddFile("huge_number.csv", _t("actual,predicted\n1,0.9\n0,1e400\n0,0.25\n"), Y2, P2,
            invalid=((3, "predicted", "1e400"),), note="issue 15 item 10: reported as typed"),
    OddFile("headerless_invalid.csv", _t("1,0.9\n0,0.25\n1,x\n"), Y2, P2,
            invalid=((3, "predicted", "x"),), note="issue 15 item 10: 'predicted', lower case"),
    # -- issue 15 -------------------------------------------------------------------------------
    OddFile("quoted_with_space.csv",
            _t('"id", "actual", "predicted"\n"a", "1", "0.9"\n"b, c", "0", "0.25"\n'), Y2, P2,
            ids=("a", "b, c"), note="read as csv with skipinitialspace"),
    OddFile("ragged_with_id.csv", _t("id,actual,predicted\n1,0,1,0.3\n2,1,0.9\n3,0,0.25\n"), Y2, P2,
            invalid=((2, "(whole row)", "4 fields, header has 3"),), note="item 1"),
    OddFile("ragged_no_header.csv", _t("1,0.9\n0,0.2,5\n0,0.25\n"), Y2, P2,
            invalid=((2, "(whole row)", "3 fields, first row has 2"),), note="item 6"),
    OddFile("quoted_decimal_comma.csv", _t('actual,predicted\n1,"0,9"\n0,"0,25"\n'), Y2, P2,
            note="item 6"),
    OddFile("excel_sep_line.csv", _t("sep=;\nactual;predicted\n1;0,9\n0;0,25\n"), Y2, P2, note="item 6"),
    OddFile("comment_lines.csv", _t("# from the scoring job\n#\nactual,predicted\n1,0.9\n0,0.25\n"),
            Y2, P2, note="item 6"),
    OddFile("old_mac.csv", _t("actual,predicted\r1,0.9\r0,0.25\r"), Y2, P2, note="item 6"),
    OddFile("labels_with_decimal_comma.csv", _t("1,0;0,9\n0,0;0,25\n"), Y2, P2, note="item 6"),
    OddFile("one_row_with_id.csv", _t("obs1,1,0.9\n"), (1,), (0.9,), ids=("obs1",), note="item 6"),
    OddFile("thousands_separator.csv", _t("actual;predicted;weight\n1;0,9;1.000\n0;0,25;2,5\n"),
            Y2, P2, (1.0, 2.5), warnings=1, note="item 7: read as 1, and said"),
    OddFile("formula_text_ids.csv", _t("id,actual,predicted\n=cmd|' /C calc'!A0,1,0.9\n@SUM(1),0,0.25\n"),
            Y2, P2, ids=("=cmd|' /C calc'!A0", "@SUM(1)"), note="item 9: read as text"),
    OddFile("html_ids.csv", _t('id,actual,predicted\n<!--,1,0.9\n"<img src=x>",0,0.25\n'), Y2, P2,
            ids=("<!--", "<img src=x>"), note="item 9: shown as text"),
    # -- errors: one line ---------------------------------------------------------------------
    OddFile("empty.csv", b"", error="is empty"),
    OddFile("header_only.csv", _t("actual,predicted\n"), error="no data rows"),
    OddFile("binary.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64), error="binary"),
    OddFile("prose.txt", _t("Just a note\nwith no table\n"), error="not a table"),
    OddFile("no_actual.csv", _t("foo,bar\n1,0.5\n"), error="no column for the actual class"),
    OddFile("wide_line.csv", b"1,0.5," * 20_000, error="at most 16,384 columns", note="item 3"),
    OddFile("mac_no_columns.csv", _t("foo,bar\r1,2\r"), error="the columns are: foo, bar"),
]
