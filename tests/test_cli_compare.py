"""``compute --compare`` and ``compute --labels``: several models on the same rows.

Each model's loss is checked against scikit-learn's ``log_loss`` on two real models'
out-of-fold predictions (logistic regression and naive Bayes, see tests/core/_compare_data.py),
the difference against the two losses, and the JSON's ``compare`` against the shape the issue
gives (an object for one other model, a list for several, in the order given).
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score

from bce_gui.cli import main
from tests.core._compare_data import binary_pair, multiclass_pair, write_labels_and_predictions

COMPARE_KEYS = {"column", "loss", "difference", "ci95", "better_share", "n"}


def run(capsys, *args):
    code = main(["compute", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def one_file(tmp_path, y, preds: dict, extra: str = ""):
    names = list(preds)
    lines = ["actual," + ",".join(names)]
    for i in range(len(y)):
        lines.append(f"{int(y[i])}," + ",".join(repr(float(preds[n][i])) for n in names))
    path = tmp_path / "models.csv"
    path.write_text("\n".join(lines) + "\n" + extra)
    return path


def test_compare_one_column_gives_an_object_with_the_issue_keys(tmp_path, capsys):
    y, preds = binary_pair()
    path = one_file(tmp_path, y, preds)
    code, out, err = run(capsys, path, "--predicted-column", "logreg", "--compare", "bayes",
                         "--json")
    assert code == 0, err
    s = json.loads(out)
    c = s["compare"]
    assert isinstance(c, dict) and set(c) == COMPARE_KEYS
    ref, other = log_loss(y, preds["logreg"]), log_loss(y, preds["bayes"])
    assert s["loss"] == pytest.approx(ref, rel=1e-12)
    assert c["column"] == "bayes" and c["n"] == len(y)
    assert c["loss"] == pytest.approx(other, rel=1e-12)
    assert c["difference"] == pytest.approx(other - ref, rel=1e-12)
    low, high = c["ci95"]
    assert low < c["difference"] < high
    better = np.mean(-np.log(np.where(y == 1, preds["bayes"], 1 - preds["bayes"]))
                     < -np.log(np.where(y == 1, preds["logreg"], 1 - preds["logreg"])))
    assert c["better_share"] == pytest.approx(better)
    board = {m["column"]: m for m in s["leaderboard"]}
    for name, p in preds.items():
        assert board[name]["loss"] == pytest.approx(log_loss(y, p), rel=1e-12)
        assert board[name]["brier"] == pytest.approx(brier_score_loss(y, p), rel=1e-12)
        assert board[name]["auc"] == pytest.approx(roc_auc_score(y, p), rel=1e-12)
    assert [m["loss"] for m in s["leaderboard"]] == sorted(m["loss"] for m in s["leaderboard"])


def test_compare_several_columns_gives_a_list_in_the_order_given(tmp_path, capsys):
    y, preds = binary_pair()
    p3 = np.clip(preds["logreg"] * 0.9 + 0.05, 0, 1)
    path = one_file(tmp_path, y, {**preds, "shrunk": p3})
    code, out, err = run(capsys, path, "--predicted-column", "logreg", "--compare", "shrunk",
                         "--compare", "bayes", "--json")
    assert code == 0, err
    c = json.loads(out)["compare"]
    assert isinstance(c, list) and [x["column"] for x in c] == ["shrunk", "bayes"]
    assert all(set(x) == COMPARE_KEYS for x in c)
    assert c[0]["difference"] == pytest.approx(log_loss(y, p3) - log_loss(y, preds["logreg"]),
                                               rel=1e-12)


def test_human_summary_prints_the_leaderboard_and_the_differences(tmp_path, capsys):
    y, preds = binary_pair()
    path = one_file(tmp_path, y, preds)
    code, out, err = run(capsys, path, "--predicted-column", "logreg", "--compare", "bayes")
    assert code == 0, err
    board = [line for line in out.splitlines() if line.startswith("  leaderboard")]
    assert board and "Brier" in board[0] and "AUC" in board[0] and "ECE" in board[0]
    assert "logreg (reference)" in out
    assert "bayes - logreg = " in out and "95% interval" in out
    # the losses' unit is named: the leaderboard's column and the difference
    assert "loss (nats)" in board[0]
    diff = next(line for line in out.splitlines() if "bayes - logreg = " in line)
    assert diff.split(" = ")[1].split(" (")[0].endswith(" nats")


def test_labels_and_prediction_files_are_joined_by_id(tmp_path, capsys):
    y, preds = binary_pair()
    labels, paths = write_labels_and_predictions(tmp_path, y, preds)
    # the second file in another row order: the join goes by ID, not by position
    lines = paths[1].read_text().splitlines()
    paths[1].write_text("\n".join([lines[0], *reversed(lines[1:])]) + "\n")
    code, out, err = run(capsys, "--labels", labels, *paths, "--json")
    assert code == 0, err
    s = json.loads(out)
    assert s["loss"] == pytest.approx(log_loss(y, preds["logreg"]), rel=1e-12)
    assert s["compare"]["column"] == "bayes"
    assert s["compare"]["loss"] == pytest.approx(log_loss(y, preds["bayes"]), rel=1e-12)
    assert s["join"]["files"][1]["matched"] == len(y)


def test_multiclass_prediction_files(tmp_path, capsys):
    y, preds = multiclass_pair()
    labels, paths = write_labels_and_predictions(tmp_path, y, preds)
    code, out, err = run(capsys, "--labels", labels, *paths, "--json")
    assert code == 0, err
    s = json.loads(out)
    ref, other = log_loss(y, preds["logreg"]), log_loss(y, preds["bayes"])
    assert s["loss"] == pytest.approx(ref, rel=1e-12)
    assert s["compare"]["loss"] == pytest.approx(other, rel=1e-12)
    assert s["compare"]["difference"] == pytest.approx(other - ref, rel=1e-10)
    board = {m["column"]: m for m in s["leaderboard"]}
    assert board["bayes"]["auc"] == pytest.approx(
        roc_auc_score(y, preds["bayes"], multi_class="ovr"), rel=1e-12)


def test_missing_and_extra_ids_are_warned_and_listed(tmp_path, capsys):
    labels = tmp_path / "labels.csv"
    labels.write_text("id,actual\na,1\nb,0\nc,1\n")
    pa = tmp_path / "a.csv"
    pa.write_text("id,p\na,0.9\nb,0.2\nc,0.7\n")
    pb = tmp_path / "b.csv"
    pb.write_text("id,p\na,0.8\nc,0.6\nzz,0.5\n")
    code, out, err = run(capsys, "--labels", labels, pa, pb, "--json")
    assert code == 0, err
    s = json.loads(out)
    f = s["join"]["files"][1]
    assert (f["missing"], f["missing_ids"], f["extra"], f["extra_ids"]) == (1, ["b"], 1, ["zz"])
    assert "b.csv: 1 ID of labels.csv has no prediction ('b')" in err
    assert "'zz'" in err
    assert s["compare"]["n"] == 2  # rows a and c: every model scored on the same rows
    assert s["n_invalid"] == 2


@pytest.mark.parametrize("args, message", [
    (["--compare", "nope"], "--compare nope: there is no column 'nope'"),
    (["--compare", "logreg"], "already the predicted column"),
])
def test_bad_compare_column_is_one_line(tmp_path, capsys, args, message):
    y, preds = binary_pair()
    path = one_file(tmp_path, y, preds)
    code, out, err = run(capsys, path, "--predicted-column", "logreg", *args)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and message in err


def test_a_column_of_notes_or_of_logits_as_probabilities_is_refused(tmp_path, capsys):
    """A text column would leave every row out (the loss NaN); so would numbers that are no
    probabilities, unless --logits reads them as logits."""
    path = tmp_path / "notes.csv"
    path.write_text("id,actual,predicted,comment,z\n" + "".join(
        f"r{i},{i % 2},0.{i + 2},note {i},{i - 2}\n" for i in range(5)))
    code, out, err = run(capsys, path, "--compare", "comment")
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1
    assert "column 'comment' cannot be a model: 0 of its 5 non-empty cells are probabilities" in err
    assert "row 1 (ID r0): 'note 0', not a number" in err
    code, out, err = run(capsys, path, "--compare", "z")
    assert code == 2 and "column 'z' cannot be a model: 2 of its 5" in err
    code, out, err = run(capsys, path, "--compare", "z", "--logits", "--json")
    assert code == 0 and json.loads(out)["compare"]["column"] == "z"


def test_duplicate_ids_are_one_line_naming_them(tmp_path, capsys):
    labels = tmp_path / "labels.csv"
    labels.write_text("id,actual\na,1\nb,0\n")
    pa = tmp_path / "a.csv"
    pa.write_text("id,p\na,0.9\nb,0.2\na,0.7\n")
    code, out, err = run(capsys, "--labels", labels, pa)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1
    assert "a.csv: duplicate IDs: 'a' (rows 2, 4)" in err


def test_no_id_matches_says_what_was_found(tmp_path, capsys):
    labels = tmp_path / "labels.csv"
    labels.write_text("id,actual\nA1,1\nB2,0\n")
    pa = tmp_path / "a.csv"
    pa.write_text("id,p\na1,0.9\n b2 ,0.2\n")
    code, out, err = run(capsys, "--labels", labels, pa)
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "no ID of a.csv is in labels.csv" in err and "'A1' ~ 'a1'" in err


def test_compare_with_several_files_or_with_labels_is_refused(tmp_path, capsys):
    y, preds = binary_pair()
    path = one_file(tmp_path, y, preds)
    code, _out, err = run(capsys, path, path, "--predicted-column", "logreg", "--compare", "bayes")
    assert code == 2 and "--compare compares columns of one FILE" in err
    code, _out, err = run(capsys, "--labels", path, path, "--compare", "bayes")
    assert code == 2 and "with --labels each predictions file is a model" in err


def test_without_compare_the_loss_is_the_predicted_columns_and_a_note_names_the_others(tmp_path, capsys):
    """A file saved with several models: compute gives the predicted column's loss as always
    (its output depends on its options, not on a guess) and a note on stderr names the other
    models' columns and the options that compare them. A score beyond [0, 1] is not named."""
    y, preds = binary_pair()
    path = tmp_path / "saved.csv"
    lines = ["id,actual,predicted,Model 2,score"]
    for i in range(len(y)):
        lines.append(f"r{i},{int(y[i])},{float(preds['logreg'][i])!r},{float(preds['bayes'][i])!r},{3.0 * i}")
    path.write_text("\n".join(lines) + "\n")
    code, out, err = run(capsys, path, "--json")
    assert code == 0, err
    s = json.loads(out)
    assert s["loss"] == pytest.approx(log_loss(y, preds["logreg"]), rel=1e-12) and "compare" not in s
    assert ("bce-lab: note: 'Model 2' looks like another model's probabilities; the loss is the "
            "predicted column's, and --compare 'Model 2' compares them") in err
    assert "score" not in err.split("note:")[1]
    code, out, err = run(capsys, path, "--compare", "Model 2", "--json")
    assert code == 0 and "note:" not in err
    assert json.loads(out)["compare"]["loss"] == pytest.approx(log_loss(y, preds["bayes"]), rel=1e-12)
    # a file without such columns: no note
    code, out, err = run(capsys, one_file(tmp_path, y, {"logreg": preds["logreg"]}),
                         "--predicted-column", "logreg")
    assert code == 0 and "note:" not in err


def test_the_interval_does_not_depend_on_which_column_is_the_reference(capsys):
    """``--predicted-column A --compare B`` and ``--predicted-column B --compare A`` give
    mirrored intervals and the same verdict (the QA's file: one said 'better', the other 'the
    interval holds 0')."""
    from pathlib import Path

    path = Path(__file__).parent / "reference" / "qa_two_models.csv"
    outputs = {}
    for ref, other in (("predicted", "model_b"), ("model_b", "predicted")):
        code, out, err = run(capsys, path, "--predicted-column", ref, "--compare", other, "--json")
        assert code == 0, err
        outputs[ref] = json.loads(out)["compare"]
        code, text, err = run(capsys, path, "--predicted-column", ref, "--compare", other)
        outputs[ref]["verdict"] = text.split("compared", 1)[1].split(";")[1].split(")")[0]
    a, b = outputs["predicted"], outputs["model_b"]
    assert a["difference"] == -b["difference"]
    assert b["ci95"] == [-a["ci95"][1], -a["ci95"][0]]
    flipped = {" better": " worse", " worse": " better"}
    assert flipped.get(a["verdict"], a["verdict"]) == b["verdict"]
