"""Multi-class files end to end: the readers detect the form, ``compute`` (in memory and
streamed) gives scikit-learn's number, the JSON and the human summary carry the task, classes,
per-class breakdown and the rows not summing to 1.

Expected values come from scikit-learn (live, on a real model's out-of-fold probabilities), from
numpy/math on the arrays written to the files, or from the binary engine on the same numbers;
none from the code under test.
"""

from __future__ import annotations

import json
import math
import warnings

import numpy as np
import pytest
from sklearn.datasets import load_iris, load_wine
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss as sk_log_loss
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from bce_gui.cli import main
from bce_gui.core.class_labels import ClassesError
from bce_gui.core.evaluate import evaluate
from bce_gui.core.io import ReadOptions, TableReadError, preview_table, read_table
from bce_gui.core.live import LiveEvaluation
from bce_gui.core.loss import LossOptions
from bce_gui.core.policies import make_policy
from bce_gui.core.stream import stream_compute
from bce_gui.core.summary import summary_dict
from bce_gui.core.validation import Reason

READ = ReadOptions(load_ids=False, load_extras=False)


def opts(policy="exact", **kw) -> LossOptions:
    return LossOptions(policy=make_policy(policy), **kw)


def sk(y, p, **kw) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "do not sum to one" (tested below)
        return sk_log_loss(y, p, **kw)


def write_csv(tmp_path, name, header, rows) -> "Path":  # noqa: F821
    path = tmp_path / name
    lines = [",".join(header)] + [",".join(str(c) for c in r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def out_of_fold(loader, C=1.0):
    data = loader()
    model = make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=2000))
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    return data, cross_val_predict(model, data.data, data.target, cv=folds, method="predict_proba")


@pytest.fixture(scope="module")
def iris():
    return out_of_fold(load_iris)


@pytest.fixture(scope="module")
def wine():
    return out_of_fold(load_wine, C=100.0)


def species_file(tmp_path, iris, name="iris.csv", actual="label", prefix="p_"):
    data, proba = iris
    names = np.asarray(data.target_names)[data.target]
    header = ["id", actual, *(f"{prefix}{n}" for n in data.target_names)]
    rows = [(f"f{i}", n, *(repr(float(v)) for v in p)) for i, (n, p) in enumerate(zip(names, proba))]
    return write_csv(tmp_path, name, header, rows)


def run_json(capsys, *args) -> dict:
    code = main(["compute", *map(str, args), "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


def run_fail(capsys, *args) -> str:
    code = main(["compute", *map(str, args)])
    out, err = capsys.readouterr()
    assert code == 2 and out == "", (out, err)
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    return err.strip()


# --------------------------------------------------------------------------------------------
# A real model's out-of-fold probabilities, through a file, against scikit-learn live
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("policy", ["sklearn", "exact", "torch"])
def test_text_labels_and_detected_columns_give_sklearns_loss(tmp_path, capsys, iris, policy):
    data, proba = iris
    path = species_file(tmp_path, iris)
    s = run_json(capsys, path, "--policy", policy)
    names = np.asarray(data.target_names)[data.target]
    assert s["loss"] == pytest.approx(sk(names, proba, labels=list(data.target_names)), rel=1e-13)
    assert s["task"] == "categorical" and s["n_classes"] == 3
    assert s["classes"] == ["setosa", "versicolor", "virginica"]
    assert s["n"] == 150 and s["n_invalid"] == 0
    # Per class: rows, mean loss and share from the rows' own terms.
    loss = -np.log(proba[np.arange(150), data.target])
    for k, row in enumerate(s["class_breakdown"]):
        mine = loss[data.target == k]
        assert row["class"] == data.target_names[k] and row["rows"] == 50
        assert row["mean_loss"] == pytest.approx(mine.mean(), rel=1e-12)
        assert row["share"] == pytest.approx(mine.sum() / loss.sum(), rel=1e-12)
    assert s["class_shares"] == pytest.approx([1 / 3] * 3, rel=1e-15)
    assert s["baseline_loss"] == pytest.approx(math.log(3), rel=1e-15)  # entropy of the shares
    assert s["skill"] == pytest.approx(1 - s["loss"] / math.log(3), rel=1e-12)


def test_weighted_wine_with_numeric_labels_equals_sklearn(tmp_path, capsys, wine):
    data, proba = wine
    w = np.random.default_rng(3).random(len(data.target)) * 2
    rows = [(int(y), *(repr(float(v)) for v in p), repr(float(x)))
            for y, p, x in zip(data.target, proba, w)]
    path = write_csv(tmp_path, "wine.csv", ["y", "prob_0", "prob_1", "prob_2", "weight"], rows)
    s = run_json(capsys, path, "--policy", "sklearn")
    assert s["loss"] == pytest.approx(sk(data.target, proba, sample_weight=w), rel=1e-13)
    assert s["classes"] == [0, 1, 2] and s["weighted"]
    s = run_json(capsys, path, "--policy", "torch")  # PyTorch: Σw·l / N
    per_row = -np.log(proba[np.arange(len(w)), data.target])
    assert s["loss"] == pytest.approx(math.fsum((w * per_row).tolist()) / len(w), rel=1e-13)


def test_human_summary_prints_the_per_class_breakdown(tmp_path, capsys, iris):
    path = species_file(tmp_path, iris)
    assert main(["compute", str(path)]) == 0
    out = capsys.readouterr().out
    assert "classes      3: setosa, versicolor, virginica" in out
    assert "entropy" in out and "per class" in out
    for name in ("setosa", "versicolor", "virginica"):
        assert any(line.split()[:2] == [name, "50"] for line in out.splitlines())


# --------------------------------------------------------------------------------------------
# Detection and the class list
# --------------------------------------------------------------------------------------------


def test_detection_by_name_family_prefix_and_case(tmp_path):
    rows = [(0, 0.7, 0.2, 0.1), (2, 0.1, 0.1, 0.8)]
    for header in (["label", "P_class_0", "P_class_1", "P_class_2"],
                   ["target", "proba-0", "proba-1", "proba-2"],
                   ["y", "pred_0", "pred_1", "pred_2"]):
        ds, info = read_table(write_csv(tmp_path, "d.csv", header, rows))
        assert ds.schema.task.classes == (0, 1, 2), header
        assert ds.schema.model.columns == tuple(header[1:])
        assert info.class_columns.columns == tuple(header[1:])


def test_a_binary_predicted_column_wins_and_the_preview_asks(tmp_path):
    path = write_csv(tmp_path, "both.csv", ["actual", "predicted", "p_0", "p_1"],
                     [(1, 0.8, 0.2, 0.8), (0, 0.3, 0.7, 0.3)])
    ds, _ = read_table(path)
    assert ds.schema.task.is_binary and ds.schema.predicted == "predicted"
    preview = preview_table(path)
    assert preview.needs_confirmation
    assert "p_0, p_1" in preview.info.class_problems[0]
    # Asked for K classes, the same file is read with them ("predicted" becomes an extra).
    ds, _ = read_table(path, ReadOptions(proba_columns=("p_0", "p_1")))
    assert not ds.schema.task.is_binary and ds.schema.model.columns == ("p_0", "p_1")
    assert "predicted" in ds.extras


def test_compute_says_when_a_binary_reading_leaves_per_class_columns_aside(tmp_path, capsys):
    # compute has no preview to ask: the binary reading is said, with the option that reads
    # the file as K classes, on stderr and in the JSON's warnings (the window's preview asks).
    path = write_csv(tmp_path, "three.csv", ["actual", "predicted", "p_0", "p_1", "p_2"],
                     [(0, 0.2, 0.7, 0.2, 0.1), (1, 0.8, 0.1, 0.8, 0.1), (2, 0.5, 0.1, 0.4, 0.5)])
    s = run_json(capsys, path)
    assert "task" not in s and s["n_invalid"] == 1  # binary: the label 2 is an invalid row
    said = [w for w in s["warnings"] if "p_0, p_1, p_2" in w]
    assert len(said) == 1 and "--proba-columns p_0,p_1,p_2" in said[0] and "3 classes" in said[0]
    assert main(["compute", str(path)]) == 0
    err = capsys.readouterr().err
    assert "warning: columns p_0, p_1, p_2 hold one prediction per class" in err
    # Read as asked, the file has three classes and nothing to warn about.
    k = run_json(capsys, path, "--proba-columns", "p_0,p_1,p_2")
    assert k["task"] == "categorical" and k["n_invalid"] == 0 and k["warnings"] == []
    # The window's read keeps the sentence out of its after-load dialog (the preview asked).
    from bce_gui.core.large import window_warnings

    _ds, info = read_table(path)
    assert list(info.warnings) == ["(per-class columns)"] and window_warnings(info.warnings) == []


def test_a_label_matched_ignoring_case_is_warned_about_once(tmp_path, capsys):
    # "A" and "B" are taken as classes a and b (deliberately); compute says so, naming the first.
    rows = [("a", 0.7, 0.3), ("b", 0.2, 0.8), ("A", 0.1, 0.9), ("b", 0.4, 0.6), ("B", 0.5, 0.5)]
    path = write_csv(tmp_path, "case.csv", ["y", "p_a", "p_b"], rows)
    said = "label 'A' (row 4) was taken as class 'a': class labels are matched ignoring case"
    s = run_json(capsys, path)
    assert s["classes"] == ["a", "b"] and s["n_invalid"] == 0 and s["warnings"] == [said]
    assert s["loss"] == pytest.approx(sk(["a", "b", "a", "b", "b"], [r[1:] for r in rows]), rel=1e-12)
    assert main(["compute", str(path), "--no-stats"]) == 0
    assert capsys.readouterr().err == f"bce-lab: warning: {said}\n"
    for chunk_rows in (1, 2):  # streamed: the first block holding one names it
        got = stream_compute(path, opts(), READ, source="s", chunk_rows=chunk_rows).summary
        assert got["warnings"] == [said], chunk_rows
    # The classes given in another case: every label is matched so, the first one named.
    s = run_json(capsys, path, "--classes", "A,B")
    assert s["classes"] == ["A", "B"] and s["warnings"] == [
        "label 'a' (row 2) was taken as class 'A': class labels are matched ignoring case"]
    # Labels written as the classes: nothing to say.
    same = write_csv(tmp_path, "same.csv", ["y", "p_a", "p_b"], [("a", 0.7, 0.3), ("b", 0.2, 0.8)])
    assert run_json(capsys, same)["warnings"] == []


def test_classes_fix_the_order_and_name_a_class_never_present(tmp_path, capsys):
    rows = [(0, 0.6, 0.3, 0.1), (1, 0.2, 0.7, 0.1), (0, 0.5, 0.4, 0.1)]  # class 2 never occurs
    path = write_csv(tmp_path, "absent.csv", ["actual", "p_0", "p_1", "p_2"], rows)
    y = [0, 1, 0]
    p = np.array([r[1:] for r in rows])
    # scikit-learn refuses without labels=; so does compute under its convention, saying what to do.
    with pytest.raises(ValueError):
        sk_log_loss(y, p)
    msg = run_fail(capsys, path, "--policy", "sklearn")
    assert "class '2' never occurs" in msg and "--classes 0,1,2" in msg
    s = run_json(capsys, path, "--policy", "sklearn", "--classes", "0,1,2")
    assert s["loss"] == pytest.approx(sk(y, p, labels=[0, 1, 2]), rel=1e-15)
    assert s["class_breakdown"][2]["rows"] == 0 and s["class_breakdown"][2]["mean_loss"] is None
    # Another order: the same loss, the classes as given.
    s2 = run_json(capsys, path, "--classes", "2,0,1")
    assert s2["classes"] == [2, 0, 1] and s2["loss"] == pytest.approx(s["loss"], rel=1e-15)
    # The exact convention needs no class list (the columns name the classes).
    assert run_json(capsys, path)["loss"] == pytest.approx(s["loss"], rel=1e-15)


def test_proba_columns_with_classes_name_columns_of_any_name(tmp_path, capsys):
    rows = [("cat", 0.6, 0.3, 0.1), ("dog", 0.2, 0.7, 0.1), ("bird", 0.2, 0.2, 0.6)]
    path = write_csv(tmp_path, "any.csv", ["label", "a", "b", "c"], rows)
    p = np.array([r[1:] for r in rows])
    s = run_json(capsys, path, "--proba-columns", "a,b,c", "--classes", "cat,dog,bird")
    assert s["classes"] == ["cat", "dog", "bird"]
    # scikit-learn takes the columns in sorted label order (bird, cat, dog): c, a, b here.
    assert s["loss"] == pytest.approx(sk(["cat", "dog", "bird"], p[:, [2, 0, 1]]), rel=1e-15)
    msg = run_fail(capsys, path, "--proba-columns", "a,b,c")
    assert "cannot be read from its name" in msg and "--classes" in msg
    msg = run_fail(capsys, path, "--proba-columns", "a,b", "--classes", "cat,dog,bird")
    assert "2 columns but --classes 3 classes" in msg
    msg = run_fail(capsys, path, "--proba-columns", "a,b,c", "--classes", "cat,dog,bird",
                   "--predicted-column", "a")
    assert "both given" in msg


def test_two_columns_are_k2_and_give_the_binary_loss(tmp_path, capsys):
    rng = np.random.default_rng(5)
    y = (rng.random(400) < 0.4).astype(int)
    p1 = rng.random(400)
    p1[:3] = [1e-300, 1 - 1e-12, 0.5]
    kclass = write_csv(tmp_path, "k2.csv", ["actual", "p_0", "p_1"],
                       [(a, repr(float(1 - b)), repr(float(b))) for a, b in zip(y, p1)])
    binary = write_csv(tmp_path, "bin.csv", ["actual", "predicted"],
                       [(a, repr(float(b))) for a, b in zip(y, p1)])
    for policy in ("sklearn", "exact", "torch"):
        k = run_json(capsys, kclass, "--policy", policy)
        b = run_json(capsys, binary, "--policy", policy)
        assert k["task"] == "categorical" and k["n_classes"] == 2 and "task" not in b
        if policy == "sklearn":
            assert k["loss"] == b["loss"]  # bit for bit
        else:
            assert k["loss"] == pytest.approx(b["loss"], rel=1e-13)
        assert k["baseline_loss"] == pytest.approx(b["baseline_loss"], rel=1e-14)


def test_logits_of_plus_minus_1000_are_exact(tmp_path, capsys):
    rows = [(0, 1000, -1000, 0), (1, 1000, -1000, 0), (2, -1000, -1000, 1000)]
    path = write_csv(tmp_path, "z.csv", ["actual", "p_0", "p_1", "p_2"], rows)
    s = run_json(capsys, path, "--logits")
    # Row losses: 0, 2000 and 0 (the others' exp(-2000) and exp(-1000) vanish).
    assert s["sum_loss"] == 2000.0 and s["loss"] == pytest.approx(2000 / 3, rel=1e-15)


def test_p_zero_for_the_actual_class_is_infinite_and_named(tmp_path, capsys):
    path = write_csv(tmp_path, "zero.csv", ["actual", "p_a", "p_b"],
                     [("a", 0.5, 0.5), ("b", 1.0, 0.0)])
    s = run_json(capsys, path)
    assert s["loss"] == "inf" and s["infinite_rows"] == [3]
    s = run_json(capsys, path, "--policy", "sklearn")
    assert s["loss"] == pytest.approx(sk(["a", "b"], [[0.5, 0.5], [1.0, 0.0]]), rel=1e-15)


# --------------------------------------------------------------------------------------------
# Rows not summing to 1, invalid rows
# --------------------------------------------------------------------------------------------


def test_rows_not_summing_to_one_warned_with_row_and_sum_or_renormalised(tmp_path, capsys):
    rows = [(0, 0.5, 0.3, 0.1), (1, 0.2, 0.7, 0.1), (2, 0.3, 0.3, 0.6), (2, 0.2, 0.2, 0.6)]
    path = write_csv(tmp_path, "sums.csv", ["actual", "p_0", "p_1", "p_2"], rows)
    y = np.array([r[0] for r in rows])
    p = np.array([r[1:] for r in rows], dtype=float)
    code = main(["compute", str(path), "--json", "--policy", "sklearn"])
    out, err = capsys.readouterr()
    s = json.loads(out)
    assert code == 0
    assert s["loss"] == pytest.approx(sk(y, p), rel=1e-15)  # as given, as scikit-learn 1.9
    assert s["n_sum_not_one"] == 2 and s["n_renormalized"] == 0 and not s["renormalize"]
    assert s["sum_not_one"] == [{"row": 2, "sum": pytest.approx(0.9)},
                                {"row": 4, "sum": pytest.approx(1.2)}]
    assert "2 rows' probabilities do not sum to 1" in err and "row 2 (sum 0.9" in err
    s = run_json(capsys, path, "--renormalize")
    q = p / p.sum(axis=1, keepdims=True)
    assert s["loss"] == pytest.approx(-np.mean(np.log(q[np.arange(4), y])), rel=1e-14)
    assert s["renormalize"] and s["n_renormalized"] == 2
    # Keras renormalises whatever the setting (its CategoricalCrossentropy divides by the sum).
    assert run_json(capsys, path, "--policy", "keras")["n_renormalized"] == 2


def test_invalid_cells_are_named_with_row_and_column(tmp_path, capsys):
    rows = [("a", 0.5, 0.5), ("b", -0.1, 1.1), ("c", 0.5, 0.5), ("a", "x", 0.5), ("", 0.5, 0.5),
            ("b", 0.3, 0.7)]
    path = write_csv(tmp_path, "bad.csv", ["label", "p_a", "p_b"], rows)
    s = run_json(capsys, path)
    got = [(i["row"], i["column"], i["value"], i["reason"]) for i in s["invalid"]]
    assert got == [
        (3, "p_a", "-0.1", Reason.NEGATIVE_PROBABILITY.message),
        (3, "p_b", "1.1", Reason.PROBABILITY_ABOVE_ONE.message),
        (4, "label", "c", Reason.UNKNOWN_CLASS.message),
        (5, "p_a", "x", Reason.NOT_A_NUMBER.message),
        (6, "label", "", Reason.MISSING.message),
    ]
    assert s["n"] == 2 and s["n_invalid"] == 4  # rows 3, 4, 5, 6


def test_renormalising_a_row_summing_to_zero_excludes_it(tmp_path, capsys):
    path = write_csv(tmp_path, "z.csv", ["actual", "p_0", "p_1"], [(0, 0, 0), (1, 0.4, 0.6)])
    s = run_json(capsys, path, "--renormalize")
    assert s["invalid"] == [{"row": 2, "column": "p_0, p_1", "value": "0",
                             "reason": Reason.ZERO_SUM.message}]


def test_binary_only_options_are_refused_in_one_line(tmp_path, capsys):
    path = write_csv(tmp_path, "k.csv", ["actual", "p_0", "p_1", "p_2"], [(0, 0.5, 0.3, 0.2)])
    assert "pos_weight applies to binary logits only" in run_fail(
        capsys, path, "--logits", "--pos-weight", "2")
    assert "soft labels are binary only" in run_fail(capsys, path, "--soft-labels")


# --------------------------------------------------------------------------------------------
# Streamed = in memory, to the last digit; the live evaluation = a fresh one
# --------------------------------------------------------------------------------------------


def messy_file(tmp_path, n=3000, seed=11):
    rng = np.random.default_rng(seed)
    names = np.array(["red", "green", "blue", "grey"])
    y = rng.integers(0, 4, n)
    p = rng.dirichlet(np.ones(4), n)
    p[::37] *= 1.01  # rows not summing to 1
    w = rng.choice([0.0, 0.5, 1.0, 2.0], n)
    rows = []
    for i in range(n):
        cells = [names[y[i]], *(repr(float(v)) for v in p[i]), repr(float(w[i]))]
        if i % 211 == 5:
            cells[2] = "oops"
        if i % 307 == 9:
            cells[0] = "purple"
        rows.append(cells)
    path = write_csv(tmp_path, "messy.csv", ["label", "p_red", "p_green", "p_blue", "p_grey", "w"],
                     rows)
    return path


@pytest.mark.parametrize("options", [opts(), opts("sklearn"), opts("keras"),
                                     opts(renormalize=True), opts("torch", label_smoothing=0.1)],
                         ids=["exact", "sklearn", "keras", "renormalize", "torch-smoothing"])
def test_streamed_equals_in_memory_to_the_last_digit(tmp_path, options):
    path = messy_file(tmp_path, n=800)
    dataset, _ = read_table(path, READ)
    expected = summary_dict(dataset, evaluate(dataset, options), source="s")
    assert expected["n_invalid"] > 0 and expected["n_sum_not_one"] > 0
    for chunk_rows in (1, 7, 1000, None):
        got = stream_compute(path, options, READ, source="s", chunk_rows=chunk_rows).summary
        assert got == expected, chunk_rows


def test_live_edits_equal_a_fresh_evaluation(tmp_path):
    path = messy_file(tmp_path, n=400)
    dataset, _ = read_table(path)
    options = opts(renormalize=True)
    live = LiveEvaluation(dataset, options)
    edits = [("p_red", 3, "0.9"), ("label", 5, "blue"), ("label", 9, "purple"),
             ("p_blue", 10, "0"), ("p_grey", 11, "x"), ("w", 12, "3")]
    for column, row, text in edits:
        dataset.set_cell_text(column, row, text)
        live.rows_changed([row])
        fresh = evaluate(dataset, options)
        assert live.totals == fresh.totals
        np.testing.assert_array_equal(live.loss, fresh.loss)
        np.testing.assert_array_equal(live.validity.notes, fresh.validity.notes)
        assert live.acc.breakdown() == fresh.accumulator.breakdown()
    live.rows_removed([0, 1])
    dataset.delete_rows(np.array([0, 1]))
    assert live.totals == evaluate(dataset, options).totals


def test_text_labels_stay_text_and_numeric_ones_numbers(tmp_path):
    ds, _ = read_table(write_csv(tmp_path, "t.csv", ["label", "p_a", "p_b"], [("a", 0.5, 0.5)]))
    assert ds.cell_text("label", 0) == "a" and ds.schema.task.classes == ("a", "b")
    ds, _ = read_table(write_csv(tmp_path, "n.csv", ["label", "p_0", "p_1"], [("1", 0.5, 0.5)]))
    assert ds.actual.values.tolist() == [1.0]


def test_preview_shows_the_class_mapping(tmp_path, iris):
    preview = preview_table(species_file(tmp_path, iris))
    found = preview.class_columns
    assert found.classes == ("setosa", "versicolor", "virginica")
    assert found.columns == ("p_setosa", "p_versicolor", "p_virginica")
    assert not preview.needs_confirmation and preview.mapping["actual"] == "label"


def test_a_class_list_that_has_no_column_is_a_read_error(tmp_path):
    path = write_csv(tmp_path, "c.csv", ["actual", "p_0", "p_1"], [(0, 0.5, 0.5)])
    with pytest.raises(TableReadError, match="no column among p_0, p_1 for class '7'"):
        read_table(path, ReadOptions(classes=(0, 1, 7)))
    with pytest.raises(ClassesError):
        from bce_gui.core.class_labels import parse_classes

        parse_classes("a,,b")


def test_a_large_table_evaluated_in_blocks_equals_one_accumulation():
    """evaluate (and the live evaluation) add a K-class table's rows block by block while the
    next blocks' losses are computed: the totals, breakdown and losses are those of one
    accumulation of every row (exact sums: the blocks change no digit)."""
    from bce_gui.core.accumulate import PIPELINE_ROWS, Accumulator
    from bce_gui.core.dataset import Dataset, NumericColumn
    from bce_gui.core.multiclass import categorical_row_losses
    from bce_gui.core.schema import Schema

    rng = np.random.default_rng(3)
    n, k = 3 * PIPELINE_ROWS + 5, 4
    y = rng.integers(0, k, n)
    p = rng.dirichlet(np.ones(k), n)
    w = rng.random(n)
    p[::1000, 0] = -1.0  # invalid rows
    cols = {"y": NumericColumn.from_floats(y), "w": NumericColumn.from_floats(w)}
    cols.update({f"p_{c}": NumericColumn.from_floats(p[:, c]) for c in range(k)})
    ds = Dataset(cols, Schema.categorical(list(range(k)), "y", tuple(f"p_{c}" for c in range(k)),
                                          weight="w"))
    options = LossOptions()
    ev = evaluate(ds, options)
    live = LiveEvaluation(ds, options)
    ok = ev.validity.valid
    assert ok.sum() == n - len(range(0, n, 1000))
    loss = categorical_row_losses(y, p, options)
    acc = Accumulator(n_classes=k, weighted=True, by_class=True)
    acc.update(loss[ok], y[ok], w[ok])
    assert ev.totals == acc.result(options) == live.totals
    assert ev.accumulator.breakdown() == acc.breakdown() == live.acc.breakdown()
    np.testing.assert_array_equal(ev.loss, np.where(ok, loss, np.nan))
    np.testing.assert_array_equal(live.loss, ev.loss)


# --------------------------------------------------------------------------------------------
# The stored PyTorch and Keras values, through a file and compute
# --------------------------------------------------------------------------------------------


def _reference_cases():
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "reference" / "multiclass_reference.json"
    doc = json.loads(path.read_text(encoding="utf-8"))

    def decode(v):
        return float(v) if isinstance(v, str) and v in ("inf", "-inf", "nan") else v

    out = []
    for case in doc["cases"]:
        if case["weights"] is not None:
            continue  # (weighted reductions: tested on the engine in test_multiclass_reference)
        x = case["logits"] if case["logits"] is not None else case["probabilities"]
        if isinstance(x, str):
            x = doc["inputs"][x]
        out.append((case, [[decode(v) for v in row] for row in x]))
    return out


@pytest.mark.parametrize("case,x", _reference_cases(), ids=lambda c: c["name"] if isinstance(c, dict) else "")
def test_compute_gives_the_stored_torch_and_keras_values(tmp_path, capsys, case, x):
    k = case["n_classes"]
    header = ["actual", *(f"p_{c}" for c in range(k))]
    rows = [(y, *(repr(float(v)) for v in row)) for y, row in zip(case["y"], x)]
    path = write_csv(tmp_path, "ref.csv", header, rows)
    args = [path, "--policy", case["library"], "--classes", ",".join(map(str, range(k)))]
    if case["logits"] is not None:
        args.append("--logits")
    if case["label_smoothing"]:
        args += ["--label-smoothing", str(case["label_smoothing"])]
    s = run_json(capsys, *args)
    mean = case["mean"]
    if mean == "inf":
        assert s["loss"] == "inf"
    elif case["library"] == "torch":
        assert s["loss"] == pytest.approx(mean, rel=1e-12)
    else:
        assert s["loss"] == pytest.approx(mean, rel=1e-6)  # Keras: float32


def test_parquet_file_and_parts_folder_in_the_multi_class_form(tmp_path, iris, capsys):
    """The columnar readers find the K-class form as the CSV reader does (a Parquet file, and a
    folder of parts read partition by partition): scikit-learn's number to the last digit."""
    import polars as pl

    data, p = iris
    y = data.target
    frame = pl.DataFrame({"label": y, **{f"p_{k}": p[:, k] for k in range(p.shape[1])}})
    frame.write_parquet(tmp_path / "iris.parquet")
    parts = tmp_path / "parts"
    parts.mkdir()
    frame[:70].write_parquet(parts / "part-0.parquet")
    frame[70:].write_parquet(parts / "part-1.parquet")
    expected = sk(y, p)
    for source in (tmp_path / "iris.parquet", parts):
        out = run_json(capsys, source)
        assert out["task"] == "categorical" and out["classes"] == [0, 1, 2]
        assert out["loss"] == pytest.approx(expected, rel=1e-14)
