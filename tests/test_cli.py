"""The command line: ``python main.py compute FILE [options]`` and the no-display start.

Loss values are checked against sklearn.metrics.log_loss (or, for conventions sklearn does not
have, against the textbook formula written out with numpy here), never against numbers copied
from our own output. Most tests call ``bce_gui.cli.main`` in-process for speed; a few run
``main.py`` in a subprocess to check what only a real process shows: exit status, the exact
stderr, and that Qt is never imported.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy.special import expit
from sklearn.metrics import log_loss

from bce_gui.cli import build_parser, main

ROOT = Path(__file__).resolve().parent.parent
MAIN = ROOT / "main.py"

Y = np.array([1, 0, 1, 1, 0, 0, 1, 0], dtype=float)
P = np.array([0.94, 0.56, 0.1, 0.9, 0.5, 0.01, 0.99, 0.3])
W = np.array([1.0, 2.0, 0.5, 1.0, 3.0, 1.0, 1.0, 0.25])


def sk(y, p, **kw) -> float:
    return float(log_loss(y, p, labels=[0, 1], **kw))


def csv_file(tmp_path, name="data.csv", y=Y, p=P, w=None, header="actual,predicted", sep=","):
    lines = [header + (f"{sep}weight" if w is not None else "")]
    for i in range(len(y)):
        cells = [f"{y[i]:g}", repr(float(p[i]))]
        if w is not None:
            cells.append(repr(float(w[i])))
        lines.append(sep.join(cells))
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run_json(capsys, *args) -> tuple[int, dict, str]:
    code = main(["compute", *map(str, args), "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    lines = out.strip().splitlines()
    assert len(lines) == 1, out  # one JSON object, nothing else on stdout
    return code, json.loads(lines[0]), err


def run_fail(capsys, *args) -> str:
    code = main(["compute", *map(str, args)])
    out, err = capsys.readouterr()
    assert code == 2, (out, err)
    assert out == ""
    lines = err.strip("\n").split("\n")
    assert len(lines) == 1, err  # ONE line, no traceback
    assert "Traceback" not in err
    return lines[0]


def subprocess_run(args, env=None, timeout=60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


# --------------------------------------------------------------------------------------------
# Loss values against references
# --------------------------------------------------------------------------------------------


def test_exact_policy_matches_sklearn(tmp_path, capsys):
    _, result, err = run_json(capsys, csv_file(tmp_path))
    assert result["loss"] == pytest.approx(sk(Y, P), rel=1e-12)
    assert result["loss_bits"] == pytest.approx(sk(Y, P) / math.log(2), rel=1e-12)
    assert result["n"] == 8 and result["n_invalid"] == 0 and result["invalid"] == []
    assert result["policy"] == "exact"
    assert err == ""  # no warning when every row is valid


def test_sklearn_policy_matches_sklearn_at_the_extremes(tmp_path, capsys):
    y = np.array([1, 0, 1, 0, 1, 0], dtype=float)
    p = np.array([0.0, 1.0, 1.0, 0.0, 1e-300, 0.5])
    _, result, _ = run_json(capsys, csv_file(tmp_path, y=y, p=p), "--policy", "sklearn")
    assert result["loss"] == pytest.approx(sk(y, p), rel=1e-12)
    assert result["policy"] == "sklearn"


def test_exact_policy_gives_inf_as_a_string(tmp_path, capsys):
    y = np.array([1, 0, 1], dtype=float)
    p = np.array([0.0, 0.2, 0.9])
    _, result, _ = run_json(capsys, csv_file(tmp_path, y=y, p=p))
    assert result["loss"] == "inf" and result["loss_bits"] == "inf"
    assert result["n"] == 3 and result["n_invalid"] == 0


def test_exact_policy_human_summary_says_inf(tmp_path, capsys):
    y = np.array([1, 0], dtype=float)
    p = np.array([0.0, 0.2])
    assert main(["compute", str(csv_file(tmp_path, y=y, p=p))]) == 0
    out, _ = capsys.readouterr()
    assert "inf" in out and "row(s) 2" in out  # the offending row, numbered as a spreadsheet


def test_weights_match_sklearn_sample_weight(tmp_path, capsys):
    _, result, _ = run_json(capsys, csv_file(tmp_path, w=W))
    assert result["loss"] == pytest.approx(sk(Y, P, sample_weight=W), rel=1e-12)


def test_weight_column_by_name(tmp_path, capsys):
    path = csv_file(tmp_path, w=W)
    text = path.read_text().replace("weight", "importance", 1)
    path.write_text(text)
    _, unweighted, _ = run_json(capsys, path)
    assert unweighted["loss"] == pytest.approx(sk(Y, P), rel=1e-12)
    _, weighted, _ = run_json(capsys, path, "--weight-column", "IMPORTANCE")
    assert weighted["loss"] == pytest.approx(sk(Y, P, sample_weight=W), rel=1e-12)


def test_custom_eps_clips_each_class_probability(tmp_path, capsys):
    y = np.array([1, 0, 1, 0], dtype=float)
    p = np.array([0.0, 1.0, 0.5, 1e-9])
    eps = 1e-7
    # The probability of each class is clipped to [eps, 1 - eps].
    expected = np.mean(-(y * np.log(np.clip(p, eps, 1 - eps)) + (1 - y) * np.log(np.clip(1 - p, eps, 1 - eps))))
    _, result, _ = run_json(capsys, csv_file(tmp_path, y=y, p=p), "--eps", eps)
    assert result["loss"] == pytest.approx(expected, rel=1e-12)
    assert result["policy"] == "custom" and result["eps"] == eps
    # sklearn on pre-clipped probabilities agrees up to its rounding of 1 - (1 - eps).
    assert result["loss"] == pytest.approx(sk(y, np.clip(p, eps, 1 - eps)), rel=1e-9)


@pytest.mark.parametrize("policy, where", [("sklearn", "where scikit-learn clips at float64 machine epsilon"),
                                           ("exact", "where exact does not clip")])
def test_eps_with_sklearn_or_exact_warns_that_it_is_the_custom_convention(tmp_path, capsys, policy,
                                                                           where):
    _, result, err = run_json(capsys, csv_file(tmp_path), "--policy", policy, "--eps", "0.1")
    assert result["policy"] == "custom" and result["eps"] == 0.1
    assert result["loss"] == pytest.approx(sk(Y, np.clip(P, 0.1, 0.9)), rel=1e-12)
    warning = (f"--eps 0.1 with --policy {policy} is the custom convention: each class's "
               f"probability is clipped to [0.1, 1 - 0.1], {where}")
    assert result["warnings"] == [warning]
    assert err == f"bce-lab: warning: {warning}\n"
    # --eps alone (the documented way) and --policy custom say nothing.
    for args in (["--eps", "0.1"], ["--policy", "custom", "--eps", "0.1"]):
        _, result, err = run_json(capsys, csv_file(tmp_path), *args)
        assert result["policy"] == "custom" and result["warnings"] == [] and err == ""


def test_logits_match_sklearn_on_the_sigmoid(tmp_path, capsys):
    z = np.array([2.5, -1.0, -3.0, 0.0, 4.0, -0.5, 1.5, -2.0])
    _, result, _ = run_json(capsys, csv_file(tmp_path, p=z), "--logits")
    assert result["loss"] == pytest.approx(sk(Y, expit(z)), rel=1e-12)
    assert result["logits"] is True


def test_pos_weight_matches_the_pytorch_formula(tmp_path, capsys):
    z = np.array([2.5, -1.0, -3.0, 0.0, 4.0, -0.5, 1.5, -2.0])
    pw = 3.0
    # torch.nn.BCEWithLogitsLoss(pos_weight=pw), reduction "mean":
    # mean over rows of -[pw * y * log s(z) + (1 - y) * log(1 - s(z))]
    expected = np.mean(-(pw * Y * np.log(expit(z)) + (1 - Y) * np.log(expit(-z))))
    _, result, _ = run_json(
        capsys, csv_file(tmp_path, p=z), "--logits", "--pos-weight", pw, "--policy", "torch"
    )
    assert result["loss"] == pytest.approx(expected, rel=1e-12)
    assert result["pos_weight"] == pw


def test_label_smoothing_matches_the_keras_formula(tmp_path, capsys):
    a = 0.1
    ys = Y * (1 - a) + a / 2
    expected = np.mean(-(ys * np.log(P) + (1 - ys) * np.log1p(-P)))
    _, result, _ = run_json(capsys, csv_file(tmp_path), "--label-smoothing", a)
    assert result["loss"] == pytest.approx(expected, rel=1e-12)
    assert result["label_smoothing"] == a


def test_torch_policy_clamps_logs_at_minus_100(tmp_path, capsys):
    y = np.array([1, 0, 1, 0], dtype=float)
    p = np.array([0.0, 1.0, 0.25, 0.5])
    with np.errstate(divide="ignore"):
        terms = -(y * np.maximum(np.log(p), -100) + (1 - y) * np.maximum(np.log1p(-p), -100))
    _, result, _ = run_json(capsys, csv_file(tmp_path, y=y, p=p), "--policy", "torch")
    assert result["loss"] == pytest.approx(terms.mean(), rel=1e-12)
    assert result["loss"] == pytest.approx((100 + 100 + math.log(4) + math.log(2)) / 4, rel=1e-12)


def test_keras_policy_clips_at_1e_7_in_float32(tmp_path, capsys):
    y = np.array([1, 0, 1, 0], dtype=float)
    p = np.array([0.0, 1.0, 0.25, 0.5])
    c = np.clip(p.astype(np.float32), np.float32(1e-7), np.float32(1 - 1e-7))
    expected = float(np.mean(-(y * np.log(c) + (1 - y) * np.log1p(-c))))
    _, result, _ = run_json(capsys, csv_file(tmp_path, y=y, p=p), "--policy", "keras")
    # float32 arithmetic: agree to float32 precision, not to the last float64 digit.
    assert result["loss"] == pytest.approx(expected, rel=1e-6)
    assert result["policy"] == "keras"


def test_european_file_via_the_command_line(tmp_path, capsys):
    path = write(tmp_path, "eu.csv", "id;actual;predicted\n1;0;0,94\n2;1;0,3\n3;1;0,75\n")
    _, result, _ = run_json(capsys, path)
    assert result["loss"] == pytest.approx(sk([0, 1, 1], [0.94, 0.3, 0.75]), rel=1e-12)


def test_xlsx_with_sheet_and_column_options(tmp_path, capsys):
    import xlsxwriter

    path = tmp_path / "book.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet("Notes").write(0, 0, "nothing here")
    ws = wb.add_worksheet("Model B")
    for r, row in enumerate([["clicked", "ctr_hat"], [1, 0.8], [0, 0.35], [1, 1e-20]]):
        ws.write_row(r, 0, row)
    wb.close()
    _, result, _ = run_json(
        capsys, path, "--sheet", "Model B", "--actual-column", "clicked",
        "--predicted-column", "CTR_HAT", "--policy", "sklearn",
    )
    assert result["loss"] == pytest.approx(sk([1, 0, 1], [0.8, 0.35, 1e-20]), rel=1e-12)
    line = run_fail(capsys, path, "--sheet", "Model C")
    assert "Model C" in line and "Notes, Model B" in line


# --------------------------------------------------------------------------------------------
# Invalid rows
# --------------------------------------------------------------------------------------------


def test_invalid_rows_are_excluded_listed_and_warned_about(tmp_path, capsys):
    text = "id,actual,predicted\na,1,0.9\nb,0,abc\n\nc,2,0.5\nd,0,0.25\ne,1,1.5\nf,1,\n"
    code, result, err = run_json(capsys, write(tmp_path, "inv.csv", text))
    assert code == 0
    assert result["n"] == 2 and result["n_invalid"] == 4
    assert result["loss"] == pytest.approx(sk([1, 0], [0.9, 0.25]), rel=1e-12)
    # Header = row 1, the blank line is row 4 and still counts.
    assert result["invalid"] == [
        {"row": 3, "column": "predicted", "value": "abc", "reason": "not a number"},
        {"row": 5, "column": "actual", "value": "2", "reason": "label is not 0 or 1"},
        {"row": 7, "column": "predicted", "value": "1.5", "reason": "probability outside [0, 1]"},
        {"row": 8, "column": "predicted", "value": "", "reason": "missing value"},
    ]
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "warning" in lines[0] and "4 invalid" in lines[0]
    assert "row 3" in lines[0]


def test_invalid_list_is_capped_but_n_invalid_is_exact(tmp_path, capsys):
    body = "".join("1,oops\n" for _ in range(1500)) + "1,0.75\n0,0.5\n"
    _, result, _ = run_json(capsys, write(tmp_path, "many.csv", "actual,predicted\n" + body))
    assert result["n_invalid"] == 1500 and result["n"] == 2
    assert 0 < len(result["invalid"]) <= 1000
    assert result["invalid"][0]["row"] == 2
    assert result["loss"] == pytest.approx(sk([1, 0], [0.75, 0.5]), rel=1e-12)


def test_a_whole_row_problem_names_no_empty_value_and_hints_at_decimal_commas(tmp_path, capsys):
    path = write(tmp_path, "dc.csv", "actual,predicted\n1,0,9\n0,0,2\n")
    line = run_fail(capsys, path)
    assert line == (f"bce-lab: error: {path}: no valid row remains (2 invalid; first at row 2 "
                    "(whole row): 3 fields, header has 2; decimal commas in a comma-separated file "
                    "must be quoted (\"0,9\"), or use ';' as the separator)")
    code = main(["compute", str(write(tmp_path, "r.csv", "actual,predicted\n1,0.9\n0,0.2,x\n"))])
    err = capsys.readouterr().err
    assert code == 0 and err == ("bce-lab: warning: 1 invalid row(s) excluded from the loss; first "
                                 "at row 3 (whole row): 3 fields, header has 2\n")


def test_strict_fails_on_any_invalid_row(tmp_path, capsys):
    path = write(tmp_path, "s.csv", "actual,predicted\n1,0.9\n0,abc\n")
    line = run_fail(capsys, path, "--strict")
    assert "s.csv" in line and "row 3" in line


def test_strict_passes_a_clean_file(tmp_path, capsys):
    _, result, _ = run_json(capsys, csv_file(tmp_path), "--strict")
    assert result["n_invalid"] == 0


def test_no_valid_row_remains(tmp_path, capsys):
    # One line: the error, not a warning about invalid rows followed by the error.
    line = run_fail(capsys, write(tmp_path, "bad.csv", "actual,predicted\n1,x\n0,y\n"))
    assert "bad.csv" in line and "no valid row" in line and "row 2" in line
    assert "warning" not in line


def test_no_valid_row_in_a_clean_looking_weighted_file(tmp_path, capsys):
    line = run_fail(capsys, write(tmp_path, "w.csv", "actual,predicted,weight\n1,0.5,-1\n"))
    assert "no valid row" in line and "negative weight" in line


@pytest.mark.parametrize("extra", [[], ["--no-stats"], ["--reduction", "sum"]])
def test_weights_whose_sum_overflows_are_an_error_not_a_loss_of_0(tmp_path, extra):
    # Each weight is a float, their sum is not: Σw·l/Σw was 0 (true: 0.1643, the weighted mean
    # being scale-invariant), with a dozen numpy overflow warnings on stderr.
    path = write(tmp_path, "wbig.csv", "actual,predicted,weight\n1,0.9,1e308\n0,0.2,1e308\n")
    proc = subprocess_run([str(MAIN), "compute", str(path), "--json", *extra])
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr == (f"bce-lab: error: {path}: the weights sum to more than the largest "
                           "float (1.8e308): divide them by a constant, the weighted mean does "
                           "not change\n")
    # One weighted loss alone too large for a float (Σw finite).
    path = write(tmp_path, "wl.csv", "actual,predicted,weight\n1,0.001,1.5e308\n0,0.2,1\n")
    proc = subprocess_run([str(MAIN), "compute", str(path), *extra])
    assert proc.returncode == 2 and proc.stderr == (
        f"bce-lab: error: {path}: the weights times the losses sum to more than the largest "
        "float (1.8e308): divide them by a constant, the weighted mean does not change\n")


def test_huge_weights_read_in_blocks_warn_nothing_and_say_why(tmp_path):
    """A weight of 1e200 (its square passes the largest float) in a file read in blocks: the
    loss (Σw fits), every statistic null with the in-memory reason, nothing on stderr. The
    blocks' statistics squared the weights: numpy overflow warnings on stderr and a ci95 said
    to have 'drawn only rows of weight 0'."""
    from bce_gui.core.metrics.columns import HUGE_WEIGHTS

    path = write(tmp_path, "huge.csv", "actual,predicted,weight\n1,0.9,1\n0,0.2,1e200\n"
                                       "1,0.6,2\n0,0.4,1\n1,0.7,1\n")
    outputs = []
    for extra in ([], ["--chunk-rows", "2"]):
        proc = subprocess_run([str(MAIN), "compute", str(path), "--json", *extra])
        assert proc.returncode == 0 and proc.stderr == "", proc.stderr
        outputs.append(json.loads(proc.stdout))
    whole, blocks = outputs
    assert blocks == whole
    assert blocks["loss"] == pytest.approx(0.2231435513142097, rel=1e-12)  # -ln 0.8
    assert blocks["ci95"] is None and blocks["not_defined"]["ci95"] == f"no interval: {HUGE_WEIGHTS}"
    assert set(blocks["not_defined"]) == {
        "brier", "auc", "accuracy", "ece", "ci95", "worst_share.1%", "worst_share.10%",
        "decomposition.miscalibration", "decomposition.discrimination",
        "decomposition.uncertainty", "by_policy.exact", "by_policy.sklearn", "by_policy.torch",
        "by_policy.keras"}


def test_weights_adding_up_to_zero(tmp_path, capsys):
    line = run_fail(capsys, write(tmp_path, "z.csv", "actual,predicted,weight\n1,0.5,0\n0,x,1\n"))
    assert "z.csv" in line and "add up to 0" in line


# --------------------------------------------------------------------------------------------
# Weighted files: each library's reduction (issue 15)
# --------------------------------------------------------------------------------------------

ISSUE_ROWS = "actual,predicted,weight\n1,0.8,1\n0,0.3,2\n1,0.6,0.5\n0,0.1,1\n"


@pytest.mark.parametrize(("policy", "expected", "reduction"), [
    ("sklearn", 0.2882815, "weighted-mean"),
    ("exact", 0.2882815, "weighted-mean"),
    ("torch", 0.3243167, "mean"),   # PyTorch 2.13: binary_cross_entropy(weight=w), mean
    ("keras", 0.3243167, "mean"),   # Keras 3.15: sum_over_batch_size
])
def test_weighted_file_reduces_as_each_library(tmp_path, capsys, policy, expected, reduction):
    path = write(tmp_path, "w.csv", ISSUE_ROWS)
    _, out, _ = run_json(capsys, path, "--policy", policy)
    assert out["loss"] == pytest.approx(expected, abs=5e-8)
    assert out["reduction"] == reduction
    assert out["reduction_description"] == {
        "weighted-mean": "weighted mean, Σw·l/Σw", "mean": "mean over rows of w·l, Σw·l/N"}[reduction]


@pytest.mark.parametrize(("reduction", "expected"), [
    ("weighted-mean", 0.2882815), ("mean", 0.3243167), ("sum", 4 * 0.3243167)])
def test_reduction_option(tmp_path, capsys, reduction, expected):
    path = write(tmp_path, "w.csv", ISSUE_ROWS)
    for policy in ("torch", "sklearn"):
        _, out, _ = run_json(capsys, path, "--policy", policy, "--reduction", reduction)
        assert out["loss"] == pytest.approx(expected, abs=2e-7), policy
        assert out["reduction"] == reduction


def test_human_summary_names_the_reduction(tmp_path, capsys):
    assert main(["compute", str(write(tmp_path, "w.csv", ISSUE_ROWS)), "--policy", "torch"]) == 0
    out = capsys.readouterr().out
    assert "reduction    mean: mean over rows of w·l, Σw·l/N" in out


def test_unknown_reduction_is_one_line(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["compute", str(write(tmp_path, "w.csv", ISSUE_ROWS)), "--reduction", "median"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "--reduction" in err


def test_all_zero_weights_per_library(tmp_path, capsys):
    path = write(tmp_path, "z.csv", "actual,predicted,weight\n1,0.8,0\n0,0.3,0\n")
    line = run_fail(capsys, path, "--policy", "sklearn")
    assert "add up to 0" in line and "weighted mean is undefined" in line
    for policy in ("torch", "keras"):
        _, out, _ = run_json(capsys, path, "--policy", policy)
        assert out["loss"] == 0.0 and out["n"] == 2


# --------------------------------------------------------------------------------------------
# Errors: exit 2, one line, no traceback
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "needle"),
    [
        ("empty.csv", b"", "empty"),
        ("blank.csv", b"  \n \n", "empty"),
        ("header.csv", b"actual,predicted\n", "no data rows"),
        ("pic.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "not a text table"),
        ("prose.txt", b"Just a note\nwith no table\n", "not a table"),
        ("one.csv", b"predicted\n0.5\n", "not a table"),
        ("cols.csv", b"foo,bar\n1,0.5\n", "foo, bar"),
    ],
)
def test_unreadable_file_exits_2_with_one_line(tmp_path, capsys, name, content, needle):
    path = tmp_path / name
    path.write_bytes(content)
    line = run_fail(capsys, path)
    assert line.startswith("bce-lab: error: ") and name in line and needle in line


def test_nonexistent_file(tmp_path, capsys):
    line = run_fail(capsys, tmp_path / "missing.csv")
    assert "missing.csv" in line and "no such file" in line


@pytest.mark.parametrize("name, needle", [("", "the file name is empty"),
                                           (" ", "the file name ' ' holds only spaces")])
@pytest.mark.parametrize("before", [[], ["a.csv"], ["--labels", "a.csv"]])
def test_an_empty_file_name_is_refused_not_read_as_the_folder(tmp_path, capsys, monkeypatch, name,
                                                              needle, before):
    # "" used to be read as '.', every CSV of the current folder one data set.
    monkeypatch.chdir(tmp_path)
    csv_file(tmp_path, "a.csv")
    csv_file(tmp_path, "b.csv")
    line = run_fail(capsys, *before, name)
    assert line == f"bce-lab: error: {needle}"


@pytest.mark.parametrize("option", ["--actual-column", "--predicted-column", "--weight-column", "--id-column"])
def test_column_option_naming_a_missing_column(tmp_path, capsys, option):
    line = run_fail(capsys, csv_file(tmp_path), option, "nope")
    assert "'nope'" in line and "actual, predicted" in line


def test_column_options_by_number(tmp_path, capsys):
    path = write(tmp_path, "n.csv", "obs,truth_value,model_out\nx,1,0.8\ny,0,0.4\n")
    _, result, _ = run_json(
        capsys, path, "--actual-column", "2", "--predicted-column", "3", "--id-column", "obs"
    )
    assert result["loss"] == pytest.approx(sk([1, 0], [0.8, 0.4]), rel=1e-12)


@pytest.mark.parametrize(
    "args",
    [
        ["--policy", "nope"],
        ["--policy", "custom"],
        ["--pos-weight", "2"],  # needs --logits
        ["--logits", "--pos-weight", "-1"],
        ["--label-smoothing", "1.5"],
        ["--eps", "0.7"],
        ["--policy", "keras", "--eps", "0.1"],
    ],
)
def test_bad_options_exit_2_with_one_line(tmp_path, capsys, args):
    line = run_fail(capsys, csv_file(tmp_path), *args)
    assert line.startswith("bce-lab: error: ")


# --------------------------------------------------------------------------------------------
# Human output and --help
# --------------------------------------------------------------------------------------------


def test_human_summary(tmp_path, capsys):
    assert main(["compute", str(csv_file(tmp_path)), "--policy", "sklearn"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert len(out.strip().splitlines()) <= 15  # short: 8 lines of loss, 6 of statistics
    assert f"{sk(Y, P):.6g}" in out
    assert "bits" in out and "sklearn" in out and "8" in out
    with pytest.raises(json.JSONDecodeError):
        json.loads(out)


def _compute_parser():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    return sub.choices["compute"]


def test_help_documents_every_option_with_an_example(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["compute", "--help"])
    assert exc.value.code == 0
    out, _ = capsys.readouterr()
    promised = [
        "--policy", "--eps", "--logits", "--label-smoothing", "--pos-weight", "--actual-column",
        "--predicted-column", "--weight-column", "--id-column", "--strict", "--json",
        "--reduction", "--threshold", "--bootstrap", "--seed", "--no-stats",
    ]
    for option in promised:
        assert option in out, option
    for policy in ("exact", "sklearn", "torch", "keras"):
        assert policy in out
    for action in _compute_parser()._actions:
        if action.option_strings and action.dest != "help":
            assert "e.g." in (action.help or ""), action.option_strings
    assert "compute" in out and "exit status" in out
    flat = " ".join(out.split())
    for reduction in ("weighted-mean", "mean", "sum"):
        assert reduction in flat
    assert "sum(w*l)/sum(w)" in flat and "sum(w*l)/N" in flat
    # How a file read in blocks gets its bootstrap interval and AUC.
    for words in ("histogram of the row losses", "multinomial", "exact (all rows kept and sorted)",
                  "2^20 bins of the logit"):
        assert words in flat, words


def test_top_level_help_mentions_compute(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    assert "compute" in capsys.readouterr().out


# --------------------------------------------------------------------------------------------
# Real processes
# --------------------------------------------------------------------------------------------


def test_subprocess_compute_json(tmp_path):
    path = csv_file(tmp_path, w=W)
    proc = subprocess_run([str(MAIN), "compute", str(path), "--json", "--policy", "sklearn"])
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    result = json.loads(proc.stdout)
    assert result["loss"] == pytest.approx(sk(Y, P, sample_weight=W), rel=1e-12)
    for key in ("loss", "loss_bits", "n", "n_invalid", "invalid", "policy"):
        assert key in result


def test_subprocess_error_is_one_line_without_traceback(tmp_path):
    (tmp_path / "empty.csv").write_bytes(b"")
    proc = subprocess_run([str(MAIN), "compute", str(tmp_path / "empty.csv"), "--json"])
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and proc.stderr.endswith("\n")
    assert "empty.csv" in proc.stderr and "Traceback" not in proc.stderr


def test_subprocess_invalid_rows_warn_and_exit_0(tmp_path):
    path = write(tmp_path, "w.csv", "actual,predicted\n1,0.9\n0,zero\n")
    proc = subprocess_run([str(MAIN), "compute", str(path)])
    assert proc.returncode == 0
    assert proc.stderr.count("\n") == 1 and "warning" in proc.stderr and "row 3" in proc.stderr
    assert "log loss" in proc.stdout


def test_compute_does_not_import_qt(tmp_path):
    """Nor, for a binary file with every statistic, the K-class engine (5 ms of imports)."""
    path = csv_file(tmp_path)
    script = (
        "import sys\n"
        "from bce_gui.cli import main\n"
        f"code = main(['compute', {str(path)!r}, '--json'])\n"
        "qt = sorted(m for m in sys.modules if m.startswith(('PySide6', 'pyqtgraph', 'PyQt', 'shiboken')))\n"
        "print('QT', code, qt, 'bce_gui.core.multiclass' in sys.modules)\n"
    )
    proc = subprocess_run(["-c", script])
    assert proc.returncode == 0, proc.stderr
    *summary, last = proc.stdout.strip().splitlines()
    assert last == "QT 0 [] False"
    assert set(json.loads("\n".join(summary))["by_policy"]) == {"exact", "sklearn", "torch", "keras"}


def _no_display_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    return env


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="display detection is for Linux")
@pytest.mark.parametrize("args", [[], ["gui"]])
def test_no_display_prints_one_line_and_exits_nonzero(args):
    proc = subprocess_run([str(MAIN), *args], env=_no_display_env())
    assert proc.returncode > 0  # an ordinary exit, not killed by a signal (a Qt abort is -6)
    output = (proc.stdout + proc.stderr).strip().splitlines()
    assert len(output) == 1, proc.stdout + proc.stderr
    assert "compute" in output[0]
    assert "Traceback" not in proc.stderr and "qt.qpa" not in proc.stderr


# --------------------------------------------------------------------------------------------
# Output errors and unusual sources (issue 15, items 4, 5, 10)
# --------------------------------------------------------------------------------------------


def _shell(command: str, tmp_path, timeout=60) -> subprocess.CompletedProcess:
    """Run ``command`` in sh with $BCE bound to this interpreter running main.py."""
    env = dict(os.environ, BCE=f"{sys.executable} {MAIN}")
    return subprocess.run(["sh", "-c", command], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=timeout)


def _big(tmp_path) -> Path:
    lines = ["actual,predicted"] + [f"{i % 2},0.{i % 9 + 1}" for i in range(50)]
    return write(tmp_path, "big.csv", "\n".join(lines) + "\n")


@pytest.mark.parametrize("reader", ["head -1", "true"])
def test_a_closed_pipe_ends_quietly(tmp_path, reader):
    path = _big(tmp_path)
    proc = _shell(f'$BCE compute {path} --json | {reader}; echo "status=${{PIPESTATUS:-}}"', tmp_path)
    assert "Traceback" not in proc.stderr and "BrokenPipe" not in proc.stderr
    assert proc.stderr == ""
    # Without the shell's pipe: the status itself (141 = 128 + SIGPIPE, as a killed tool).
    p = subprocess.Popen([sys.executable, str(MAIN), "compute", str(path)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path)
    p.stdout.close()
    err = p.stderr.read().decode()
    assert p.wait(timeout=60) in (0, 141) and err == ""


def test_a_full_disk_on_stdout_is_one_line(tmp_path):
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    proc = _shell(f"$BCE compute {_big(tmp_path)} --json > /dev/full", tmp_path)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "No space left" in lines[0] and "Traceback" not in proc.stderr


def test_a_closed_stdout_is_one_line(tmp_path):
    proc = _shell(f"$BCE compute {_big(tmp_path)} >&-", tmp_path)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "standard output" in lines[0], proc.stderr


def test_dash_reads_standard_input(tmp_path):
    path = csv_file(tmp_path)
    for command in (f"$BCE compute - --json < {path}", f"cat {path} | $BCE compute - --json",
                    f"cat {path} | $BCE compute /dev/stdin --json"):
        proc = _shell(command, tmp_path)
        assert proc.returncode == 0, (command, proc.stderr)
        assert json.loads(proc.stdout)["loss"] == pytest.approx(sk(Y, P), rel=1e-12), command
    empty = _shell("$BCE compute - < /dev/null", tmp_path)
    assert empty.returncode == 2 and empty.stderr.strip() == "bce-lab: error: stdin: is empty"


def test_a_fifo_does_not_hang(tmp_path):
    fifo = tmp_path / "in.csv"
    os.mkfifo(fifo)
    proc = _shell(f"cat {csv_file(tmp_path, 'src.csv')} > {fifo} & $BCE compute {fifo} --json; wait",
                  tmp_path, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["n"] == len(Y)


@pytest.mark.parametrize("args", [["--chunk-rows", "0"], ["--chunk-rows", "x"], ["--policy"],
                                  ["--nope"]])
def test_usage_errors_are_one_line(tmp_path, capsys, args):
    with pytest.raises(SystemExit) as exc:
        main(["compute", str(csv_file(tmp_path)), *args])
    assert exc.value.code == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.strip().splitlines()) == 1 and "usage" not in err
    assert "--help" in err


def test_a_newline_in_the_file_name_keeps_the_error_on_one_line(tmp_path, capsys):
    line = run_fail(capsys, write(tmp_path, "a\nb.csv", "foo,bar\n1,2\n"))
    assert "a\\nb.csv" in line


# ---------------------------------------------------------------------------------------------
# Reading in blocks: --chunk-rows, the progress bar on a terminal, Ctrl+C
# ---------------------------------------------------------------------------------------------


def _rows_csv(tmp_path, name, n, seed):
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.3).astype(int)
    p = rng.random(n)
    return write(tmp_path, name, "actual,predicted\n" + "".join(f"{a},{b!r}\n" for a, b in zip(y, p.tolist())))


def test_chunk_rows_must_be_positive(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["compute", "x.csv", "--chunk-rows", "0"])
    assert exc.value.code == 2
    assert "--chunk-rows" in capsys.readouterr().err


class _Terminal:
    """A stderr that says it is a terminal and records what is written."""

    def __init__(self):
        self.text = ""

    def isatty(self):
        return True

    def write(self, s):
        self.text += s

    def flush(self):
        pass


def test_progress_bar_on_a_terminal_only_on_stderr(tmp_path, monkeypatch, capsys):
    from functools import partial

    from bce_gui import cli

    path = _rows_csv(tmp_path, "bar.csv", 300, seed=14)
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setattr(cli, "ProgressBar", partial(cli.ProgressBar, delay=0.0, interval=0.0))
    assert main(["compute", str(path), "--json", "--chunk-rows", "50"]) == 0
    out = capsys.readouterr().out
    assert json.loads(out)["n"] == 300 and "\r" not in out and "[" not in out.split('"')[0]
    assert "\r[" in terminal.text and "300 rows" in terminal.text and "100%" in terminal.text
    assert terminal.text.endswith("\r")  # erased at the end
    last = terminal.text.rsplit("\r", 2)[-2]
    assert last.strip() == ""


def test_progress_bar_format():
    from bce_gui import cli

    terminal = _Terminal()
    now = [100.0]
    bar = cli.ProgressBar(terminal, delay=0.5, interval=0.1)
    bar._clock = lambda: now[0]
    bar.t0 = 100.0
    bar(0.1, 10)
    assert terminal.text == ""  # nothing for a run shorter than the delay
    now[0] = 101.2
    bar(0.45, 4_500_000)
    assert terminal.text == "\r[#########...........]  45%  4.5e6 rows  1.2 s"
    now[0] = 101.25
    bar(0.5, 5_000_000)
    assert terminal.text.count("\r") == 1  # at most ten redraws a second
    bar.clear()
    assert terminal.text.endswith("\r" + " " * 46 + "\r")


def test_ctrl_c_exits_130_with_one_line(tmp_path, monkeypatch, capsys):
    import bce_gui.core.stream as stream

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(stream, "stream_compute", interrupted)
    assert main(["compute", str(write(tmp_path, "c.csv", "actual,predicted\n1,0.5\n")), "--json"]) == 130
    out, err = capsys.readouterr()
    assert out == "" and err == "bce-lab: interrupted\n"


# --------------------------------------------------------------------------------------------
# The statistics (issue 11)
# --------------------------------------------------------------------------------------------


def _model_file(tmp_path, n=400, weighted=False):
    """A real-shaped model's predictions: skewed, over-confident, labels drawn from the truth."""
    rng = np.random.default_rng(11)
    truth = rng.beta(0.6, 1.6, n)
    y = (rng.random(n) < truth).astype(float)
    p = np.round(expit(1.3 * (np.log(truth) - np.log1p(-truth))), 3)  # rounded: ties
    w = rng.gamma(2.0, 0.5, n) if weighted else None
    return csv_file(tmp_path, y=y, p=p, w=w), y, p, w


@pytest.mark.parametrize("weighted", [False, True])
def test_json_statistics_match_sklearn(tmp_path, capsys, weighted):
    from sklearn.metrics import accuracy_score, brier_score_loss, roc_auc_score

    path, y, p, w = _model_file(tmp_path, weighted=weighted)
    _, out, _ = run_json(capsys, path, "--threshold", "0.3")
    assert out["brier"] == pytest.approx(brier_score_loss(y, p, sample_weight=w), rel=1e-12)
    assert out["auc"] == pytest.approx(roc_auc_score(y, p, sample_weight=w), rel=1e-12)
    assert out["accuracy"] == pytest.approx(accuracy_score(y, p >= 0.3, sample_weight=w), rel=1e-12)
    assert out["threshold"] == 0.3
    assert out["by_policy"]["sklearn"] == pytest.approx(sk(y, p, sample_weight=w), rel=1e-12)
    # ECE as the issue defines it: 10 bins of p, Σ_b (W_b / W) |mean y_b − mean p_b|.
    ww = np.ones_like(y) if w is None else w
    b = np.minimum((p * 10).astype(int), 9)
    ece = sum(abs(np.sum(ww[b == k] * (y[b == k] - p[b == k]))) for k in range(10)) / ww.sum()
    assert out["ece"] == pytest.approx(ece, rel=1e-12)
    low, high = out["ci95"]
    assert low < out["loss"] < high
    d = out["decomposition"]
    assert d["miscalibration"] - d["discrimination"] + d["uncertainty"] == pytest.approx(
        out["loss"], rel=1e-12)
    assert d["uncertainty"] == pytest.approx(out["baseline_loss"], rel=1e-12)
    assert 0 < out["worst_share"]["1%"] < out["worst_share"]["10%"] < 1
    assert out["not_defined"] == {}


def test_bootstrap_and_seed_options(tmp_path, capsys):
    path, *_ = _model_file(tmp_path)
    _, a, _ = run_json(capsys, path, "--bootstrap", "300", "--seed", "7")
    _, b, _ = run_json(capsys, path, "--bootstrap", "300", "--seed", "7")
    _, c, _ = run_json(capsys, path, "--bootstrap", "300", "--seed", "8")
    assert a["ci95"] == b["ci95"] != c["ci95"]  # seeded: the same data and seed, the same interval
    assert "300 resamples, seed 7" in a["methods"]["ci95"]
    _, none, _ = run_json(capsys, path, "--bootstrap", "0")
    assert none["ci95"] is None and "no resamples" in none["not_defined"]["ci95"]


def test_no_stats_gives_the_loss_keys_only(tmp_path, capsys):
    path, *_ = _model_file(tmp_path)
    _, full, _ = run_json(capsys, path)
    _, plain, _ = run_json(capsys, path, "--no-stats")
    added = {"brier", "auc", "accuracy", "threshold", "ece", "ci95", "worst_share",
             "decomposition", "by_policy", "not_defined", "methods"}
    assert set(full) - set(plain) == added
    assert {k: full[k] for k in plain} == plain
    assert main(["compute", str(path), "--no-stats"]) == 0
    assert "ROC AUC" not in capsys.readouterr().out


def test_statistics_not_defined_say_why(tmp_path, capsys):
    path = csv_file(tmp_path, y=np.array([1.0, 1.0, 1.0]), p=np.array([0.2, 0.0, 0.9]))
    _, out, _ = run_json(capsys, path)
    assert out["auc"] is None and "only class 1" in out["not_defined"]["auc"]
    assert out["ci95"] is None and "infinite" in out["not_defined"]["ci95"]
    assert out["by_policy"]["exact"] == "inf"
    assert out["by_policy"]["sklearn"] == pytest.approx(sk([1, 1, 1], [0.2, 0.0, 0.9]), rel=1e-12)
    assert main(["compute", str(path)]) == 0
    text = capsys.readouterr().out
    assert "ROC AUC not defined: only class 1 is present" in text
    assert "recalibrating would make it finite" in text
    assert "nan" not in text.lower()


def test_human_summary_prints_the_statistics(tmp_path, capsys):
    path, y, p, _ = _model_file(tmp_path)
    assert main(["compute", str(path)]) == 0
    text = capsys.readouterr().out
    assert f"ROC AUC {__import__('sklearn.metrics', fromlist=['x']).roc_auc_score(y, p):.4g}" in text
    for words in ("Brier", "accuracy", "at p >= 0.5", "ECE", "95% interval", "1000 resamples",
                  "worst 1% of rows", "miscalibration", "recalibrating could lower the loss by at "
                  "most", "conventions  exact"):
        assert words in text, words
    # every loss-scale line names its unit, as the loss and the interval do
    for line in text.splitlines():
        if line.lstrip().startswith(("decomposed", "recalibrating", "conventions")):
            assert line.rstrip().endswith(("nats", "nats (CORP)")), line


@pytest.mark.parametrize("args", [["--threshold", "1.5"], ["--threshold", "x"],
                                  ["--bootstrap", "-1"], ["--seed", "a"]])
def test_bad_statistics_options_are_one_line(tmp_path, capsys, args):
    path, *_ = _model_file(tmp_path, n=20)
    with pytest.raises(SystemExit) as exc:  # argparse's usage error: one line, status 2
        main(["compute", str(path), *args])
    assert exc.value.code == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.strip().splitlines()) == 1
    assert err.startswith("bce-lab compute: error: ") and args[0] in err


# --------------------------------------------------------------------------------------------
# Parquet, data sets and the Dask engine
# --------------------------------------------------------------------------------------------


def _parts(tmp_path, n_parts=3, n=400):
    import polars as pl

    rng = np.random.default_rng(5)
    folder = tmp_path / "parts"
    folder.mkdir()
    frames = []
    for k in range(n_parts):
        frame = pl.DataFrame({"actual": (rng.random(n) < 0.4).astype(np.int64),
                              "predicted": rng.random(n), "weight": rng.random(n) * 2})
        frame.write_parquet(folder / f"part-{k}.parquet")
        frames.append(frame)
    whole = pl.concat(frames)
    return folder, whole


def test_parquet_data_sets_and_globs_match_sklearn(tmp_path, capsys):
    folder, whole = _parts(tmp_path)
    y, p, w = (whole[c].to_numpy() for c in ("actual", "predicted", "weight"))
    expected = sk(y, p, sample_weight=w)
    files = sorted(str(f) for f in folder.glob("*.parquet"))  # a glob the shell expanded
    for args in ([folder], [str(folder / "part-*.parquet")], files, [files[0]]):
        code, s, _ = run_json(capsys, *args)
        if len(args) == 1 and args[0] == files[0]:
            assert s["n"] == 400
        else:
            assert s["loss"] == pytest.approx(expected, rel=1e-12) and s["n"] == 1200


def test_engine_options_need_the_dask_engine(tmp_path, capsys):
    path = csv_file(tmp_path)
    assert run_fail(capsys, path, "--workers", "2") == "bce-lab: error: --workers needs --engine dask"
    assert run_fail(capsys, path, "--scheduler", "tcp://127.0.0.1:1") == \
        "bce-lab: error: --scheduler needs --engine dask"


def test_without_dask_the_engine_says_how_to_install_it_in_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    line = run_fail(capsys, csv_file(tmp_path), "--engine", "dask")
    assert line == ("bce-lab: error: --engine dask needs Dask, which is not installed: "
                    "pip install 'bce-lab[cluster]'")


@pytest.mark.slow
def test_the_dask_engine_prints_what_the_local_engine_prints(tmp_path, capsys):
    pytest.importorskip("distributed")
    folder, _ = _parts(tmp_path)
    _, local, _ = run_json(capsys, folder, "--policy", "torch")
    _, dask, _ = run_json(capsys, folder, "--policy", "torch", "--engine", "dask", "--workers", "2")
    assert dask == local


def test_the_summary_names_the_columns_it_read(tmp_path, capsys):
    """scikit-learn's y_pred (a class) beside y_proba: the probability is read, the summary
    says which columns, and a warning names the other candidate."""
    path = write(tmp_path, "sk.csv", "y_true,y_pred,y_proba\n1,1,0.9\n0,0,0.2\n1,0,0.4\n0,0,0.3\n")
    assert main(["compute", str(path)]) == 0
    out, err = capsys.readouterr()
    assert "  columns      actual 'y_true', predicted 'y_proba'\n" in out
    assert "'y_pred' could also be the predicted probability; 'y_proba' was used" in err
    _code, summary, _err = run_json(capsys, path)
    assert summary["loss"] == pytest.approx(0.40036743569623084, rel=1e-14)  # sklearn's log_loss
    assert summary["columns"] == {"actual": "y_true", "predicted": "y_proba"}
    multi = ROOT / "resources" / "examples" / "multiclass_example.csv"
    assert main(["compute", str(multi)]) == 0
    out, _err = capsys.readouterr()
    assert "  columns      actual 'Actual', predicted 'p_apple', 'p_banana', 'p_cherry'\n" in out


@pytest.mark.parametrize("policy, words, binary_words", [
    ("torch", "NLLLoss", "binary_cross_entropy"),
    ("keras", "CategoricalCrossentropy", "BinaryCrossentropy"),
])
def test_a_k_class_file_names_the_k_class_convention(tmp_path, capsys, policy, words, binary_words):
    """compute's policy_description (and its summary line) for a K-class file is the library's
    K-class loss, not its binary one; a binary file keeps the binary words."""
    multi = tmp_path / "k.csv"
    multi.write_text("actual,p_a,p_b,p_c\na,0.7,0.2,0.1\nb,0.2,0.5,0.3\nc,0.1,0.1,0.8\n")
    binary = tmp_path / "b.csv"
    binary.write_text("actual,predicted\n1,0.8\n0,0.3\n")
    _, out, _ = run_json(capsys, multi, "--policy", policy)
    assert words in out["policy_description"] and binary_words not in out["policy_description"]
    assert main(["compute", str(multi), "--policy", policy]) == 0
    assert words in capsys.readouterr().out
    _, out, _ = run_json(capsys, binary, "--policy", policy)
    assert binary_words in out["policy_description"]
