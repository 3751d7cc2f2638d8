"""Spreadsheet formulas: a saved result is read exactly; a formula saved without one is kept and
named, not reported as a missing value."""

from __future__ import annotations

import re
import zipfile

import pytest

from bce_gui.core.evaluate import evaluate
from bce_gui.core.formatting import fmt_cell
from bce_gui.core.io import read_table
from bce_gui.core.loss import LossOptions
from bce_gui.core.io.xlsx_cells import formulas_without_values


def workbook(path, first_col: int = 0, first_row: int = 0, empty_value: str = ""):
    """id/actual/predicted from (first_row, first_col): C3 = C2/3 and C5 = 0.05 + 0.81 saved
    with their results, C4 a formula saved without one (followed by ``empty_value``: openpyxl
    3.1 writes ``<v />``)."""
    import xlsxwriter

    r, c = first_row, first_col
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Scores")
    ws.write_row(r, c, ["id", "actual", "predicted"])
    ws.write_row(r + 1, c, ["a", 1, 0.9])
    ws.write_row(r + 2, c, ["b", 0])
    ws.write_formula(r + 2, c + 2, "=0.9/3", None, 0.3)
    ws.write_row(r + 3, c, ["c", 1])
    ws.write_formula(r + 3, c + 2, "=0.5*2&\"\"", None, 0)
    ws.write_row(r + 4, c, ["d", 1])
    ws.write_formula(r + 4, c + 2, "=0.05+0.81", None, 0.05 + 0.81)
    wb.close()
    # Drop the saved result of the third data row's formula.
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    ref = f"{'ABCDEFG'[c + 2]}{r + 4}"
    sheet, n = re.subn(rf'(<c r="{ref}"[^>]*>)(<f>[^<]*</f>)<v>[^<]*</v>', rf"\1\2{empty_value}", sheet)
    assert n == 1
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


@pytest.mark.parametrize("first_col, first_row", [(0, 0), (1, 2)])
def test_a_formula_without_a_saved_value_is_kept_and_named(tmp_path, first_col, first_row):
    path = workbook(tmp_path / "scores.xlsx", first_col, first_row)
    ds, _info = read_table(path)
    assert ds.predicted.cell_text(2) == '=0.5*2&""'  # the formula, kept
    ev = evaluate(ds, LossOptions())
    [issue] = ev.validity.issues(ds)
    assert (issue.row, issue.role, issue.reason) == (2, "predicted", "formula without a saved value")
    assert ev.validity.n_invalid == 1


def test_saved_results_read_exactly_and_show_without_float_noise(tmp_path):
    ds, _ = read_table(workbook(tmp_path / "scores.xlsx"))
    assert ds.predicted.values[3] == 0.05 + 0.81 == 0.8600000000000001
    assert fmt_cell(ds.predicted.values[3]) == "0.86"
    assert ds.predicted.values[1] == 0.3


def test_the_finder_names_cells_as_the_frame_indexes_them(tmp_path):
    path = workbook(tmp_path / "scores.xlsx", first_col=1, first_row=2)
    assert formulas_without_values(path, "Scores") == {(5, 2): '=0.5*2&""'}
    assert formulas_without_values(path, "No such sheet") == {}
    assert formulas_without_values(tmp_path / "missing.xlsx", "Scores") == {}


@pytest.mark.parametrize("empty_value", ["<v />", "<v/>", "<v></v>"])
def test_a_formula_with_an_empty_saved_value_is_named_too(tmp_path, empty_value):
    # openpyxl 3.1.5 writes a formula it cannot calculate as <f>1/5</f><v /></c>.
    path = workbook(tmp_path / "scores.xlsx", empty_value=empty_value)
    with zipfile.ZipFile(path) as z:
        assert f"</f>{empty_value}</c>" in z.read("xl/worksheets/sheet1.xml").decode()
    assert formulas_without_values(path, "Scores") == {(3, 2): '=0.5*2&""'}
    ds, _info = read_table(path)
    ev = evaluate(ds, LossOptions())
    [issue] = ev.validity.issues(ds)
    assert (issue.row, issue.role, issue.reason) == (2, "predicted", "formula without a saved value")
