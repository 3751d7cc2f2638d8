"""Writing files: exact round trips, atomic saves, per-row results and the JSON summary.

Expected values are computed here from the formulas (math.log, explicit clipping), never by
calling the functions under test a second time.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import stat

import numpy as np
import pytest

from bce_gui.core.dataset import Dataset, NumericColumn
from bce_gui.core.evaluate import evaluate
from bce_gui.core.io import read_table
from bce_gui.core.io_write import (
    RESULT_HEADERS,
    TableWriteError,
    atomic_write,
    numeric_text,
    write_results,
    write_summary_json,
    write_table,
)
from bce_gui.core.loss import LossOptions
from bce_gui.core.policies import FLOAT64_EPS, make_policy
from bce_gui.core.summary import summary_dict

# Values that a sloppy writer (fixed digits, "%.16g", float32) would change.
HARD = [0.1 + 0.2, 1e-300, 1 - 1e-16, 5e-324, 0.94, 1 / 3, 123456789.123456789]


def _bits(a) -> list[int]:
    return np.asarray(a, dtype=np.float64).view(np.int64).tolist()


def _dataset() -> Dataset:
    """A file-shaped dataset: extra columns around the roles, typed text, empty cells, IDs."""
    n = len(HARD) + 3
    predicted = np.array([*HARD, np.nan, np.nan, 0.5])
    actual = np.array([1, 0, 1, 1, 0, 1, 0, 1, np.nan, 0], dtype=float)
    return Dataset.from_roles(
        actual=NumericColumn(actual, text={8: "yes?"}),
        predicted=NumericColumn(predicted, text={7: "abc"}),  # row 8 is empty, row 7 typed text
        ids=np.array(["a", "007", None, "d", "e,1", 'q"uote', "g", "h", "i", " j "], dtype=object),
        extras={
            "note": np.array(["x", "", "y,z", "", "tab\there", "", "", "", "", "last"], dtype=object),
            "zz first?": np.array([str(i) for i in range(n)], dtype=object),
        },
        column_names={"actual": "Y", "predicted": "prob", "id": "key"},
        header_order=["zz first?", "Y", "note", "key", "prob"],
    )


def _assert_same_numbers(a: NumericColumn, b: NumericColumn) -> None:
    assert _bits(a.values) == _bits(b.values)  # NaN payloads included: empty stays empty
    assert a.text == b.text


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".xlsx"])
def test_round_trip_is_bit_exact_and_keeps_everything(tmp_path, suffix):
    ds = _dataset()
    path = tmp_path / f"obs{suffix}"
    write_table(ds, path)
    back, info = read_table(path)

    assert info.headers == ["zz first?", "Y", "note", "key", "prob"]  # names and order kept
    _assert_same_numbers(back.predicted, ds.predicted)
    _assert_same_numbers(back.actual, ds.actual)
    assert back.predicted.values[0] == 0.1 + 0.2 != 0.3
    assert back.predicted.values[1] == 1e-300
    assert back.predicted.values[2] == 1 - 1e-16 != 1.0
    assert back.predicted.cell_text(7) == "abc"
    assert back.predicted.cell_text(8) == ""
    assert back.actual.cell_text(8) == "yes?"
    assert [("" if v is None else v) for v in back.ids] == \
        ["a", "007", "", "d", "e,1", 'q"uote', "g", "h", "i", " j "]
    assert list(back.extras) == ["zz first?", "note"]
    assert back.extras["note"].tolist() == ds.extras["note"].tolist()
    assert back.extras["zz first?"].tolist() == ds.extras["zz first?"].tolist()
    assert back.column_names["actual"] == "Y" and back.column_names["predicted"] == "prob"

    # Writing what was read gives the same file again (nothing drifts on repeated saves).
    if suffix != ".xlsx":
        again = tmp_path / f"again{suffix}"
        write_table(back, again)
        assert again.read_bytes() == path.read_bytes()


def test_csv_text_labels_are_0_and_1_and_numbers_shortest(tmp_path):
    ds = Dataset.from_arrays([1.0, 0.0, 1.0], [0.94, 0.1 + 0.2, 1.0], ids=["a", "b", "c"])
    path = tmp_path / "out.csv"
    write_table(ds, path)
    rows = list(csv.reader(io.StringIO(path.read_text("utf-8"))))
    assert rows == [["ID", "Actual", "Predicted"], ["a", "1", "0.94"],
                    ["b", "0", "0.30000000000000004"], ["c", "1", "1"]]
    assert "0.0" not in path.read_text() and "1.0" not in path.read_text()


def test_numeric_text_forms():
    col = NumericColumn(np.array([1.0, 0.0, -2.0, 0.94, np.nan, np.nan, 1e-300, 1e20]), text={5: "n/a"})
    out = numeric_text(col)
    assert out[:4] == ["1", "0", "-2", "0.94"]
    assert out[4] is None and out[5] == "n/a"
    assert float(out[6]) == 1e-300 and float(out[7]) == 1e20


def test_xlsx_cells_are_typed_numbers_and_text(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    ds = _dataset()
    path = tmp_path / "obs.xlsx"
    write_table(ds, path)
    ws = openpyxl.load_workbook(path).active
    header = [c.value for c in ws[1]]
    assert header == ["zz first?", "Y", "note", "key", "prob"]
    prob = [ws.cell(row=r, column=5).value for r in range(2, 2 + len(ds))]
    assert prob[:len(HARD)] == HARD  # numbers stored as numbers, exactly
    assert all(isinstance(v, float | int) for v in prob[:len(HARD)])
    assert prob[7] == "abc" and prob[8] is None
    assert ws.cell(row=3, column=4).value == "007"  # an ID stays text, leading zeros kept
    assert ws.cell(row=2, column=2).value == 1


def test_weight_added_in_app_goes_right_after_predicted(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("prob,note,Y,key\n0.9,x,1,a\n0.2,y,0,b\n", encoding="utf-8")
    ds, _ = read_table(src)
    ds.add_weight_column(2.0)
    ds.weight.set_cell(1, "0.5")
    for suffix in (".csv", ".xlsx"):
        out = tmp_path / f"out{suffix}"
        write_table(ds, out)
        back, info = read_table(out)
        assert info.headers == ["prob", "Weight", "note", "Y", "key"]
        assert back.weight.values.tolist() == [2.0, 0.5]
        assert back.predicted.values.tolist() == [0.9, 0.2]
    assert (tmp_path / "out.csv").read_text().splitlines()[1] == "0.9,2,x,1,a"


def test_new_table_without_header_gets_role_titles(tmp_path):
    ds = Dataset.from_arrays([1, 0], [0.7, 0.25])
    out = tmp_path / "new.tsv"
    write_table(ds, out)
    assert out.read_text().splitlines() == ["Actual\tPredicted", "1\t0.7", "0\t0.25"]


# -- atomic saves ------------------------------------------------------------------------------


def _folder_listing(folder):
    return sorted(p.name for p in folder.iterdir())


def test_atomic_write_failure_midway_keeps_original_and_leaves_no_temp(tmp_path):
    target = tmp_path / "data.csv"
    original = b"id,actual,predicted\na,1,0.9\n"
    target.write_bytes(original)

    def half_then_fail(fh):
        fh.write(b"id,actual,predicted\nBROKEN")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        atomic_write(target, half_then_fail)
    assert target.read_bytes() == original
    assert _folder_listing(tmp_path) == ["data.csv"]


@pytest.mark.parametrize("suffix", [".csv", ".tsv"])
def test_write_table_failure_inside_polars_keeps_original(tmp_path, monkeypatch, suffix):
    import polars as pl

    target = tmp_path / f"data{suffix}"
    original = b"id,actual,predicted\na,1,0.9\n"
    target.write_bytes(original)

    def exploding_write_csv(self, fh, *args, **kwargs):
        fh.write(b"half a file")
        raise RuntimeError("disk went away")

    monkeypatch.setattr(pl.DataFrame, "write_csv", exploding_write_csv)
    with pytest.raises(RuntimeError):
        write_table(Dataset.from_arrays([1, 0], [0.5, 0.5]), target)
    assert target.read_bytes() == original
    assert _folder_listing(tmp_path) == [f"data{suffix}"]


def test_write_table_failure_inside_xlsxwriter_keeps_original(tmp_path, monkeypatch):
    import xlsxwriter

    target = tmp_path / "data.xlsx"
    write_table(Dataset.from_arrays([1], [0.25]), target)
    original = target.read_bytes()

    def exploding_close(self):
        raise RuntimeError("zip failed")

    monkeypatch.setattr(xlsxwriter.Workbook, "close", exploding_close)
    with pytest.raises(RuntimeError):
        write_table(Dataset.from_arrays([0, 1], [0.5, 0.5]), target)
    assert target.read_bytes() == original
    assert _folder_listing(tmp_path) == ["data.xlsx"]


def test_too_many_rows_for_xlsx_is_a_clear_error(tmp_path, monkeypatch):
    import bce_gui.core.io_write as io_write

    monkeypatch.setattr(io_write, "XLSX_MAX_ROWS", 2)
    with pytest.raises(TableWriteError, match=r"big\.xlsx: has 3 rows"):
        write_table(Dataset.from_arrays([1, 0, 1], [0.5] * 3), tmp_path / "big.xlsx")
    assert not (tmp_path / "big.xlsx").exists()


def test_missing_folder_is_a_table_write_error(tmp_path):
    with pytest.raises(TableWriteError, match="out.csv"):
        write_table(Dataset.from_arrays([1], [0.5]), tmp_path / "no" / "such" / "out.csv")


def test_existing_file_permissions_are_kept(tmp_path):
    target = tmp_path / "shared.csv"
    target.write_text("actual,predicted\n1,0.5\n")
    os.chmod(target, 0o640)
    write_table(Dataset.from_arrays([0], [0.25]), target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert target.read_text() == "Actual,Predicted\n0,0.25\n"
    os.chmod(target, 0o604)
    write_table(Dataset.from_arrays([1], [0.75]), target, fmt="xlsx")  # format forced
    assert stat.S_IMODE(target.stat().st_mode) == 0o604
    assert target.read_bytes()[:2] == b"PK"


# -- per-row results ---------------------------------------------------------------------------


def _results(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_write_results_values_match_formulas(tmp_path):
    y = [1, 0, 1, 0, np.nan, 2, 1, 1]
    p = [0.9, 0.2, 0.0, 1e-300, 0.5, 0.5, np.nan, 1.5]
    ds = Dataset.from_roles(actual=NumericColumn(np.array(y, dtype=float)),
                 predicted=NumericColumn(np.array(p, dtype=float), text={6: "abc"}),
                 ids=np.array(list("abcdefgh"), dtype=object))
    ev = evaluate(ds, LossOptions())
    out = tmp_path / "results.csv"
    write_results(ds, ev, out)
    rows = _results(out)
    assert list(rows[0]) == RESULT_HEADERS == [
        "id", "actual", "predicted", "corrected_probability", "ln_corrected_probability",
        "row_loss", "row_loss_bits", "status"]
    assert [r["id"] for r in rows] == list("abcdefgh")
    assert [r["actual"] for r in rows][:4] == ["1", "0", "1", "0"]
    for r, yi, pi in zip(rows[:2], y, p):
        corrected = pi if yi == 1 else 1 - pi
        # ln(1 - p) taken as log1p(-p): exact for the stored p (1 - 0.2 rounds in float64).
        ln = math.log(pi) if yi == 1 else math.log1p(-pi)
        assert float(r["corrected_probability"]) == corrected
        assert float(r["ln_corrected_probability"]) == pytest.approx(ln, rel=1e-15, abs=0)
        assert float(r["row_loss"]) == -float(r["ln_corrected_probability"])
        assert r["status"] == "valid"
    # p = 0 for class 1: infinite loss, a row that counts, said as the window's Note says it.
    assert float(rows[2]["corrected_probability"]) == 0.0
    assert float(rows[2]["ln_corrected_probability"]) == -math.inf
    assert float(rows[2]["row_loss"]) == float(rows[2]["row_loss_bits"]) == math.inf
    assert rows[2]["status"] == "valid; infinite: p = 0 for the actual class"
    # 1 - 1e-300 rounds to 1.0, but the loss is ln(1 - p) to full precision: 1e-300, not 0.
    assert float(rows[3]["corrected_probability"]) == 1.0
    assert float(rows[3]["row_loss"]) == -math.log1p(-1e-300) == 1e-300
    # Invalid rows: inputs kept as typed, no numbers, the reason in words.
    expected_status = {
        4: "actual: missing value",
        5: "actual: label is not 0 or 1",
        6: "predicted: not a number",
        7: "predicted: probability outside [0, 1]",
    }
    for i, status in expected_status.items():
        assert rows[i]["status"] == status
        assert rows[i]["corrected_probability"] == rows[i]["row_loss"] == ""
        assert rows[i]["row_loss_bits"] == ""
        assert rows[i]["ln_corrected_probability"] == ""
    assert rows[6]["predicted"] == "abc" and rows[4]["actual"] == ""


def test_write_results_two_problems_in_one_row_and_row_numbers_as_ids(tmp_path):
    ds = Dataset.from_roles(actual=NumericColumn(np.array([5.0, 1.0])),
                 predicted=NumericColumn(np.array([np.nan, 0.25]), text={0: "x"}))
    out = tmp_path / "r.csv"
    write_results(ds, evaluate(ds, LossOptions()), out)
    rows = _results(out)
    assert rows[0]["status"] == "actual: label is not 0 or 1; predicted: not a number"
    assert [r["id"] for r in rows] == ["1", "2"]  # no ID column: 1-based row numbers
    assert float(rows[1]["row_loss"]) == -math.log(0.25)


def test_write_results_sklearn_clipping(tmp_path):
    ds = Dataset.from_arrays([1, 0, 1], [0.0, 1.0, 0.5])
    out = tmp_path / "r.csv"
    write_results(ds, evaluate(ds, LossOptions(policy=make_policy("sklearn"))), out)
    rows = _results(out)
    eps = FLOAT64_EPS
    assert float(rows[0]["corrected_probability"]) == pytest.approx(eps, rel=1e-12)
    assert float(rows[0]["row_loss"]) == pytest.approx(-math.log(eps), rel=1e-12)
    assert float(rows[1]["row_loss"]) == pytest.approx(-math.log(eps), rel=1e-6)
    assert float(rows[2]["row_loss"]) == pytest.approx(math.log(2), rel=1e-15)


def test_results_give_each_row_loss_in_nats_and_in_bits(tmp_path):
    """Found by the team: the results' row_loss was in nats with no unit in sight. As the
    summary gives ``loss`` (nats) and ``loss_bits``, the results give ``row_loss`` (nats, the
    column kept) and ``row_loss_bits``, each checked against its definition."""
    p = [0.25, 0.5, 0.9, 0.0]
    ds = Dataset.from_arrays([1, 0, 0, 1], p)
    out = tmp_path / "r.csv"
    write_results(ds, evaluate(ds, LossOptions()), out)
    rows = _results(out)
    q = [0.25, 0.5, 0.1]  # the actual class's probability
    for r, qi in zip(rows[:3], q):
        assert float(r["row_loss"]) == pytest.approx(-math.log(qi), rel=1e-15)
        assert float(r["row_loss_bits"]) == pytest.approx(-math.log2(qi), rel=1e-15)
        assert r["status"] == "valid"
    assert float(rows[0]["row_loss_bits"]) == pytest.approx(2.0, rel=1e-15)
    assert float(rows[3]["row_loss_bits"]) == math.inf
    assert rows[3]["status"] == "valid; infinite: p = 0 for the actual class"


def test_k_class_results_say_infinite_rows_and_keep_the_sum_note(tmp_path):
    """A K-class row with p = 0 for its actual class counts with an infinite loss: its status
    says so, and also, when its probabilities do not sum to 1, that note."""
    from bce_gui.core.dataset import text_array
    from bce_gui.core.schema import Schema

    P = np.array([[0.0, 0.6, 0.4], [0.0, 0.5, 0.4], [0.2, 0.3, 0.5]])
    cols = {"label": text_array(["a", "a", "b"])}
    cols.update({f"p_{c}": NumericColumn.from_floats(P[:, k]) for k, c in enumerate("abc")})
    ds = Dataset(cols, Schema.categorical(("a", "b", "c"), "label", ("p_a", "p_b", "p_c")))
    out = tmp_path / "r.csv"
    write_results(ds, evaluate(ds, LossOptions()), out)
    rows = _results(out)
    assert rows[0]["status"] == "valid; infinite: p = 0 for the actual class"
    assert rows[1]["status"].startswith(
        "valid; infinite: p = 0 for the actual class; the probabilities sum to 0.9")
    assert float(rows[1]["row_loss"]) == float(rows[1]["row_loss_bits"]) == math.inf
    assert rows[2]["status"] == "valid"
    assert float(rows[2]["row_loss_bits"]) == pytest.approx(-math.log2(0.3), rel=1e-15)


def test_results_of_several_models_give_each_models_prediction_and_row_loss(tmp_path):
    """Found by QA: with several models the export had no column of the other models, and the
    status of a row whose other model's prediction was missing read "predicted: missing value"
    beside a Predicted of 0.83. Each other model now adds its prediction (as typed) and its row
    loss in nats and bits; the status names the column."""
    from bce_gui.core.dataset import text_array
    from bce_gui.core.schema import Schema

    y = np.array([1.0, 0.0, 1.0, 0.0, 1.0])
    p = np.array([0.9, 0.2, 0.83, 0.4, 0.6])
    b = np.array([0.7, 0.1, np.nan, 0.5, 0.0])  # ID3 missing; ID5: p = 0 for class 1
    c = np.array([0.6, 0.3, 0.5, np.nan, 0.9])
    ds = Dataset({"id": text_array([f"ID{i}" for i in range(1, 6)]), "y": NumericColumn(y),
                  "p": NumericColumn(p), "pred_b": NumericColumn(b),
                  "status": NumericColumn(c, text={3: "=1+1"})},
                 Schema.binary("y", ("p", "pred_b", "status"), id="id"))
    out = tmp_path / "r.csv"
    write_results(ds, evaluate(ds, LossOptions()), out)
    rows = _results(out)
    assert list(rows[0]) == [
        "id", "actual", "predicted", "corrected_probability", "ln_corrected_probability",
        "row_loss", "row_loss_bits", "pred_b", "pred_b_row_loss", "pred_b_row_loss_bits",
        "status_input", "status_row_loss", "status_row_loss_bits", "status"]
    for r, yi, pi, bi, ci in zip(rows[:2], y, p, b, c):
        q = lambda v: v if yi == 1 else 1 - v  # noqa: E731 - the actual class's probability
        assert float(r["row_loss"]) == pytest.approx(-math.log(q(pi)), rel=1e-15)
        assert float(r["pred_b"]) == bi and float(r["status_input"]) == ci
        assert float(r["pred_b_row_loss"]) == pytest.approx(-math.log(q(bi)), rel=1e-15)
        assert float(r["pred_b_row_loss_bits"]) == pytest.approx(-math.log2(q(bi)), rel=1e-15)
        assert float(r["status_row_loss"]) == pytest.approx(-math.log(q(ci)), rel=1e-15)
        assert r["status"] == "valid"
    # ID3: Predicted is there, pred_b is not: excluded for every model, and said of pred_b.
    assert rows[2]["predicted"] == "0.83" and rows[2]["pred_b"] == ""
    assert rows[2]["status"] == "pred_b: missing value"
    assert rows[2]["row_loss"] == rows[2]["pred_b_row_loss"] == rows[2]["status_row_loss"] == ""
    # ID4: the third model's cell is text (a formula, guarded as in the other columns).
    assert rows[3]["status_input"] == "'=1+1"
    assert rows[3]["status"] == "status: formula without a saved value"
    # ID5: pred_b gives the actual class p = 0: its row loss is infinite; the first model's is not.
    assert float(rows[4]["pred_b_row_loss"]) == float(rows[4]["pred_b_row_loss_bits"]) == math.inf
    assert float(rows[4]["row_loss"]) == pytest.approx(-math.log(0.6), rel=1e-15)
    assert rows[4]["status"] == "valid"


def test_k_class_results_of_two_models(tmp_path):
    from bce_gui.core.dataset import text_array
    from bce_gui.core.schema import Schema

    P = np.array([[0.7, 0.2, 0.1], [0.1, 0.6, 0.3]])
    Q = np.array([[0.5, 0.25, 0.25], [0.2, 0.2, -0.6]])  # row 2: a probability below 0
    cols = {"label": text_array(["a", "c"])}
    cols.update({f"p_{k}": NumericColumn.from_floats(P[:, j]) for j, k in enumerate("abc")})
    cols.update({f"q_{k}": NumericColumn.from_floats(Q[:, j]) for j, k in enumerate("abc")})
    ds = Dataset(cols, Schema.categorical(("a", "b", "c"), "label",
                                          {"first": ("p_a", "p_b", "p_c"), "other": ("q_a", "q_b", "q_c")}))
    out = tmp_path / "r.csv"
    write_results(ds, evaluate(ds, LossOptions()), out)
    rows = _results(out)
    assert list(rows[0])[:6] == ["id", "actual", "p_a", "p_b", "p_c", "corrected_probability"]
    assert list(rows[0])[-6:] == ["q_a", "q_b", "q_c", "other_row_loss", "other_row_loss_bits", "status"]
    assert float(rows[0]["other_row_loss"]) == pytest.approx(-math.log(0.5), rel=1e-15)
    assert float(rows[0]["other_row_loss_bits"]) == pytest.approx(1.0, rel=1e-15)
    assert rows[1]["status"] == "q_c: probability below 0" and rows[1]["other_row_loss"] == ""


def test_a_results_file_reopens_as_the_table_it_came_from(tmp_path):
    """Opening an exported results file (a user may): its id, actual and predicted columns
    are found by name, the loss columns and the status stay extra columns, and the loss is the
    one of the table exported, infinite row and excluded row alike."""
    ds = Dataset.from_roles(actual=NumericColumn(np.array([1.0, 0.0, 1.0, 0.0, 1.0])),
                            predicted=NumericColumn(np.array([0.9, 0.2, 0.0, np.nan, 0.6]),
                                                    text={3: "high"}),
                            ids=np.array(list("abcde"), dtype=object))
    out = tmp_path / "r.csv"
    write_results(ds, evaluate(ds, LossOptions()), out)
    again, _info = read_table(out)
    schema = again.schema
    assert (schema.id, schema.actual, schema.model.columns) == ("id", "actual", ("predicted",))
    assert schema.weight is None
    assert set(again.columns) >= {"row_loss", "row_loss_bits", "status"}
    for opts in (LossOptions(), LossOptions(policy=make_policy("sklearn"))):
        before, after = evaluate(ds, opts), evaluate(again, opts)
        assert after.totals.mean == before.totals.mean
        assert after.validity.valid.tolist() == before.validity.valid.tolist()


# -- JSON summary ------------------------------------------------------------------------------


def test_write_summary_json_is_the_compute_json_schema(tmp_path, capsys):
    from bce_gui.cli import main

    src = tmp_path / "obs.csv"
    src.write_text("actual,predicted\n1,0.9\n0,0.2\n1,abc\n0,0.4\n", encoding="utf-8")
    ds, _ = read_table(src)
    ev = evaluate(ds, LossOptions())
    out = tmp_path / "summary.json"
    returned = write_summary_json(ds, ev, out, source=str(src))
    on_disk = json.loads(out.read_text("utf-8"))
    assert on_disk == returned == summary_dict(ds, ev, source=str(src))

    assert main(["compute", str(src), "--json", "--no-stats"]) == 0
    cli = json.loads(capsys.readouterr().out)
    assert set(on_disk) == set(cli)
    assert on_disk == cli
    # With the statistics (as the window exports them): compute's keys and numbers.
    from bce_gui.core.metrics.table import MetricsSettings

    with_stats = write_summary_json(ds, ev, out, source=str(src), metrics=MetricsSettings())
    assert main(["compute", str(src), "--json"]) == 0
    assert with_stats == json.loads(capsys.readouterr().out)
    expected = -(math.log(0.9) + math.log(0.8) + math.log(0.6)) / 3
    assert on_disk["loss"] == pytest.approx(expected, rel=1e-15)
    assert on_disk["n"] == 3 and on_disk["n_invalid"] == 1
    assert on_disk["invalid"] == [{"row": 4, "column": "predicted", "value": "abc",
                                   "reason": "not a number"}]


def test_write_summary_json_infinite_loss_is_a_string(tmp_path):
    ds = Dataset.from_arrays([1, 0], [0.0, 0.5])
    out = tmp_path / "s.json"
    write_summary_json(ds, evaluate(ds, LossOptions()), out)
    text = out.read_text("utf-8")
    assert "Infinity" not in text and "NaN" not in text
    data = json.loads(text)
    assert data["loss"] == "inf" and data["loss_bits"] == "inf"
    assert data["n_infinite"] == 1 and data["infinite_rows"] == [2]
    assert data["source"] is None
