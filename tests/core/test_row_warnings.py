"""A read's warning that quotes a row: ``compute`` numbers it as a spreadsheet does (header =
row 1), the window as its table does (from 1 below the header), or says "file line" where its
table does not hold the file's rows (QA pass 4: "label 'Cat' (row 12)" beside a table showing
that row as 11)."""

from __future__ import annotations

import pickle

from bce_gui.core.io import read_table
from bce_gui.core.io.options import RowWarning
from bce_gui.core.large import window_warnings


def test_a_case_matched_label_is_row_12_for_compute_and_row_11_in_the_window(tmp_path):
    path = tmp_path / "mc.csv"
    rows = [f"r{i},{'cat' if i % 2 else 'dog'},0.6,0.4" for i in range(1, 11)] + ["r11,Cat,0.6,0.4"]
    path.write_text("id,label,p_cat,p_dog\n" + "\n".join(rows) + "\n")
    ds, info = read_table(path)
    said = "label 'Cat' (row {}) was taken as class 'cat': class labels are matched ignoring case"
    assert list(info.warnings.values()) == [said.format(12)]  # as compute prints it
    assert window_warnings(info.warnings, ds) == [said.format(11)]  # the table's row 11
    assert ds.ids[10] == "r11"
    # Without the table (a large data set's sample): the file's line, said so
    assert window_warnings(info.warnings) == [
        "label 'Cat' (file line 12) was taken as class 'cat': class labels are matched ignoring case"]


def test_blank_lines_skipped_before_the_row_are_not_counted_by_the_table(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("actual;predicted;weight\n1;0,9;2,5\n\n\n0;0,2;1.000\n")  # '1.000' on line 5
    ds, info = read_table(path)
    assert len(ds) == 2 and info.n_blank_rows == 2
    (text,) = info.warnings.values()
    assert "'1.000' (row 5)" in text
    (shown,) = window_warnings(info.warnings, ds)
    assert "'1.000' (row 2)" in shown and shown == text.replace("row 5", "row 2")
    assert ds.data_row_of(5) == 1 and ds.data_row_of(3) is None and ds.spreadsheet_row(1) == 5


def test_a_row_warning_is_a_string_that_pickles():
    w = RowWarning("label 'A' (", 4, ") was taken as class 'a'")
    assert w == "label 'A' (row 4) was taken as class 'a'" and isinstance(w, str)
    back = pickle.loads(pickle.dumps({"k": w}))["k"]  # (a cluster worker's warnings)
    assert isinstance(back, RowWarning) and back == w and back.row == 4
    assert back.saying("row 3") == "label 'A' (row 3) was taken as class 'a'"
