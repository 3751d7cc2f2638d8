"""Comparing models on the same rows (core/compare.py), against scikit-learn on two real
models' out-of-fold predictions, against a plain row-by-row paired bootstrap, and for the
paired interval's coverage on simulated pairs with a known difference."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score

from bce_gui.core.compare import (
    CompareError, ComparisonColumns, add_models, check_model_column, compare, difference_cells,
    difference_header, disagreement_cells, disagreement_header, largest_disagreements,
    leaderboard_cells, leaderboard_header, loss_scatter, row_points)
from bce_gui.core.formatting import fmt_number
from bce_gui.core.dataset import Dataset, NumericColumn, text_array
from bce_gui.core.evaluate import evaluate
from bce_gui.core.loss import LossOptions
from bce_gui.core.metrics.table import MetricsSettings
from bce_gui.core.policies import make_policy
from bce_gui.core.schema import Schema

from _compare_data import binary_pair, multiclass_pair


def binary_table(y, preds: dict, w=None) -> Dataset:
    cols = {"actual": NumericColumn(np.asarray(y, float))}
    cols.update({k: NumericColumn(np.asarray(v, float)) for k, v in preds.items()})
    if w is not None:
        cols["w"] = NumericColumn(np.asarray(w, float))
    return Dataset(cols, Schema.binary("actual", tuple(preds), weight="w" if w is not None else None))


def categorical_table(y, preds: dict) -> Dataset:
    cols = {"label": NumericColumn(np.asarray(y, float))}
    models = {}
    for name, p in preds.items():
        models[name] = tuple(f"{name}_p_{k}" for k in range(p.shape[1]))
        cols.update({c: NumericColumn(p[:, k]) for k, c in enumerate(models[name])})
    return Dataset(cols, Schema.categorical((0, 1, 2), "label", models))


def run(ds, options=None, reference=0, **kw):
    ev = evaluate(ds, options or LossOptions())
    return compare(ComparisonColumns.of(ds, ev), reference, MetricsSettings(**kw))


def ece_by_definition(y, p, bins=10):
    b = np.minimum((p * bins).astype(int), bins - 1)
    return sum(np.sum(b == k) / y.size * abs(y[b == k].mean() - p[b == k].mean())
               for k in range(bins) if np.any(b == k))


def test_binary_leaderboard_and_difference_agree_with_scikit_learn():
    y, preds = binary_pair()
    c = run(binary_table(y, preds))
    by = {m.column: m for m in c.models}
    for name, p in preds.items():
        m = by[name]
        assert m.loss == pytest.approx(log_loss(y, p), rel=1e-12)
        assert m.brier.value == pytest.approx(brier_score_loss(y, p), rel=1e-12)
        assert m.auc.value == pytest.approx(roc_auc_score(y, p), rel=1e-12)
        assert m.ece.value == pytest.approx(ece_by_definition(y, p), rel=1e-9)
        assert m.ci95.low < m.loss < m.ci95.high and m.n == y.size
    d = c.differences[0]
    assert (d.column, d.reference) == ("bayes", "logreg")
    assert d.difference.value == pytest.approx(log_loss(y, preds["bayes"]) - log_loss(y, preds["logreg"]),
                                               rel=1e-12)
    assert [m.column for m in c.leaderboard] == sorted(preds, key=lambda k: log_loss(y, preds[k]))


def test_k_class_leaderboard_agrees_with_scikit_learn():
    y, preds = multiclass_pair()
    c = run(categorical_table(y, preds))
    onehot = np.eye(3)[y]
    for m, (name, p) in zip(c.models, preds.items()):
        assert m.column == name
        assert m.loss == pytest.approx(log_loss(y, p), rel=1e-12)
        assert m.auc.value == pytest.approx(roc_auc_score(y, p, multi_class="ovr"), rel=1e-12)
        assert m.brier.value == pytest.approx(np.mean(np.sum((p - onehot) ** 2, axis=1)), rel=1e-12)
    d = c.differences[0]
    assert d.difference.value == pytest.approx(log_loss(y, preds["bayes"]) - log_loss(y, preds["logreg"]),
                                               rel=1e-10)


def row_loss(y, p):
    return -np.log(np.where(y == 1, p, 1 - p))


def test_paired_interval_matches_a_plain_paired_row_bootstrap():
    """The same resampled rows for both models: the interval of the mean Δ as the textbook
    paired bootstrap gives it (to Monte-Carlo accuracy)."""
    y, preds = binary_pair()
    a, b = row_loss(y, preds["logreg"]), row_loss(y, preds["bayes"])
    c = run(binary_table(y, preds), n_resamples=4000, seed=3)
    d = c.differences[0]
    rng = np.random.default_rng(11)
    idx = rng.integers(0, y.size, size=(4000, y.size))
    means = (b[idx] - a[idx]).mean(axis=1)  # the same rows idx for both models
    low, high = np.percentile(means, [2.5, 97.5])
    width = high - low
    assert d.ci95.low == pytest.approx(low, abs=0.06 * width)
    assert d.ci95.high == pytest.approx(high, abs=0.06 * width)
    # ... and much narrower than two unpaired intervals would suggest
    unpaired = [np.percentile(x[idx].mean(axis=1), [2.5, 97.5]) for x in (a, b)]
    assert width < (unpaired[0][1] - unpaired[0][0]) + (unpaired[1][1] - unpaired[1][0])


def test_better_share_and_disagreements():
    y, preds = binary_pair()
    a, b = row_loss(y, preds["logreg"]), row_loss(y, preds["bayes"])
    c = run(binary_table(y, preds))
    d = c.differences[0]
    assert d.better_share.value == pytest.approx(np.mean(b < a))
    assert d.worse_share.value == pytest.approx(np.mean(b > a))
    order = np.argsort(-np.abs(b - a), kind="stable")[:100]
    assert d.rows.tolist() == order.tolist()
    np.testing.assert_allclose(d.deltas, (b - a)[order], rtol=1e-12)


def test_weighted_shares_and_difference():
    y, preds = binary_pair()
    w = np.random.default_rng(0).gamma(2.0, 0.5, y.size)
    c = run(binary_table(y, preds, w))
    a, b = row_loss(y, preds["logreg"]), row_loss(y, preds["bayes"])
    d = c.differences[0]
    assert d.difference.value == pytest.approx(
        log_loss(y, preds["bayes"], sample_weight=w) - log_loss(y, preds["logreg"], sample_weight=w),
        rel=1e-12)
    assert d.better_share.value == pytest.approx(w[b < a].sum() / w.sum())
    # (a share of the weight, said so where it is shown)
    from bce_gui.core.compare import difference_cells

    assert c.weighted and difference_cells(c)[0][3].endswith("% of the weight")
    assert difference_cells(run(binary_table(y, preds)))[0][3].endswith("% of rows")


def test_reference_other_than_the_first_and_sign_of_the_difference():
    y, preds = binary_pair()
    c = run(binary_table(y, preds), reference=1)
    d = c.differences[0]
    assert (d.column, d.reference) == ("logreg", "bayes")
    assert d.difference.value == pytest.approx(log_loss(y, preds["logreg"]) - log_loss(y, preds["bayes"]),
                                               rel=1e-12)
    assert d.difference.value < 0 and d.ci95.high < 0
    assert "logreg is better than bayes" in d.sentence()


QA_FILE = Path(__file__).parents[1] / "reference" / "qa_two_models.csv"


def _mirrored_verdicts(one: str, other: str, a: str, b: str) -> bool:
    """The two sentences say the same thing from each side."""
    return ((f"{a} is better than {b}" in one and f"{b} is worse than {a}" in other)
            or (f"{a} is worse than {b}" in one and f"{b} is better than {a}" in other)
            or ("could be 0" in one and "could be 0" in other))


@pytest.mark.parametrize("source", ["qa file", "logreg and bayes"])
def test_the_reference_choice_mirrors_the_interval_and_keeps_the_verdict(source):
    """A QA run found 'model_b is better' with predicted as reference and 'the difference
    could be 0' with model_b as reference: the interval of b − a is exactly the mirror of that
    of a − b, and the two sentences agree."""
    if source == "qa file":
        from bce_gui.core.io import read_table

        ds = add_models(read_table(QA_FILE)[0], ["model_b"])
    else:
        y, preds = binary_pair()
        ds = binary_table(y, preds)
    names = ds.schema.models[0].name, ds.schema.models[1].name
    d0 = run(ds, reference=0).differences[0]
    d1 = run(ds, reference=1).differences[0]
    assert d0.difference.value == -d1.difference.value
    assert (d1.ci95.low, d1.ci95.high) == (-d0.ci95.high, -d0.ci95.low)
    assert _mirrored_verdicts(d0.sentence(), d1.sentence(), names[1], names[0])


def test_rows_invalid_for_one_model_are_left_out_for_both():
    y = np.array([1, 0, 1, 0, 1.0])
    pa = np.array([0.9, 0.2, 0.6, 0.3, 0.8])
    pb = np.array([0.8, 0.1, np.nan, 0.4, 1.5])  # two rows invalid in model b only
    c = run(binary_table(y, {"a": pa, "b": pb}))
    assert c.n == 3 and c.index.tolist() == [0, 1, 3]
    assert c.models[0].loss == pytest.approx(log_loss(y[[0, 1, 3]], pa[[0, 1, 3]]))


def test_infinite_losses_say_why_instead_of_nan():
    y = np.array([1, 0, 1, 0.0])
    pa = np.array([0.0, 0.2, 0.6, 0.3])   # row 0: probability 0 for class 1 -> inf
    pb = np.array([0.0, 0.1, 0.7, 0.4])
    c = run(binary_table(y, {"a": pa, "b": pb}))
    d = c.differences[0]
    assert d.difference.value is None and "both losses are infinite" in d.difference.reason
    assert not d.ci95.defined and d.ci95.reason
    assert d.json()["difference"] is None and d.json()["ci95"] is None
    c = run(binary_table(y, {"a": pa, "b": pb}), options=LossOptions(policy=make_policy("sklearn")))
    assert math.isfinite(c.differences[0].difference.value)


def test_largest_disagreements_puts_infinite_first_and_skips_nan():
    d = np.array([0.1, -np.inf, np.nan, -0.5, 0.5, np.inf])
    assert largest_disagreements(d, 4).tolist() == [1, 5, 3, 4]


def test_compare_json_is_an_object_for_one_and_a_list_for_several():
    y, preds = binary_pair()
    one = run(binary_table(y, preds)).compare_json()
    assert isinstance(one, dict) and set(one) == {"column", "loss", "difference", "ci95",
                                                  "better_share", "n"}
    three = run(binary_table(y, {**preds, "c": np.clip(preds["logreg"], 0.05, 0.95)})).compare_json()
    assert isinstance(three, list) and [x["column"] for x in three] == ["bayes", "c"]


def test_add_models_reads_extra_text_columns_as_numbers():
    ds = Dataset.from_arrays([1, 0, 1], [0.8, 0.3, 0.6], ids=["a", "b", "c"])
    ds.extras["other"] = np.array(["0.7", "x", "0,5"], dtype=object)
    out = add_models(ds, ["OTHER"])
    col = out.columns["other"]
    assert col.values[[0, 2]].tolist() == [0.7, 0.5] and col.text == {1: "x"}
    assert [m.columns for m in out.schema.models] == [("Predicted",), ("other",)]
    with pytest.raises(CompareError, match="already the actual column"):
        add_models(ds, ["Actual"])
    with pytest.raises(CompareError, match="there is no column 'nope'"):
        add_models(ds, ["nope"])


def notes_table() -> Dataset:
    ds = Dataset.from_arrays([1, 0, 1, 0, 1], [0.8, 0.3, 0.6, 0.2, 0.9], ids=list("abcde"))
    ds.extras["comment"] = text_array([f"note {i}" for i in range(1, 6)])
    ds.extras["typo"] = text_array(["0.7", "0.2", "O.4", "", "0.95"])
    ds.extras["age"] = text_array(["34", "56", "0.5", "22", "41"])
    ds.extras["empty"] = text_array([""] * 5)
    return ds


def test_which_columns_can_be_a_model():
    """Mostly predictions under the settings: a typo leaves a column one, notes or ages do not
    (every row, or most, would leave the loss)."""
    ds = notes_table()
    got = {n: check_model_column(ds, n) for n in ds.extras}
    assert {n: (c.n_cells, c.n_usable, c.can_be_model) for n, c in got.items()} == {
        "comment": (5, 0, False), "typo": (4, 3, True), "age": (5, 1, False), "empty": (0, 0, False)}
    assert got["typo"].problems == ((2, "O.4", "not a number"),)
    assert got["age"].problems[0] == (0, "34", "probability outside [0, 1]")
    # as logits, ages are numbers a model could give; notes are not
    assert check_model_column(ds, "age", logits=True).can_be_model
    assert not check_model_column(ds, "comment", logits=True).can_be_model
    # a quick look at the first rows
    assert check_model_column(ds, "typo", limit=2).n_cells == 2


def test_add_models_refuses_a_column_that_cannot_be_a_model_and_names_the_typos():
    ds = notes_table()
    with pytest.raises(CompareError, match=r"--compare comment: column 'comment' cannot be a "
                       r"model: 0 of its 5 non-empty cells are probabilities in \[0, 1\] \(row 1 "
                       r"\(ID a\): 'note 1', not a number; …\)"):
        add_models(ds, ["comment"])
    with pytest.raises(CompareError, match="column 'empty' is empty"):
        add_models(ds, ["empty"])
    with pytest.raises(CompareError, match="1 of its 5 non-empty cells"):
        add_models(ds, ["age"])
    assert add_models(ds, ["age"], logits=True).schema.models[1].columns == ("age",)
    out = add_models(ds, ["typo"])
    assert check_model_column(out, "typo").sentence(out) == (
        "1 cell is not a probability in [0, 1], so its row is left out: row 3 (ID c): 'O.4', not a number")
    assert check_model_column(out, "Predicted").sentence(out) == ""


def test_scatter_points_then_density():
    y, preds = binary_pair()
    c = run(binary_table(y, preds))
    s = loss_scatter(c, 0, 1)
    assert not s.density and s.x.size == y.size
    np.testing.assert_allclose(10 ** s.x, np.clip(row_loss(y, preds["logreg"]), 1e-4, 100), rtol=1e-9)
    dense = loss_scatter(c, 0, 1, max_points=100, bins=30)
    assert dense.density and dense.counts.sum() == y.size and dense.x.size <= 900


LN2 = math.log(2)


def test_cells_in_bits_are_the_nats_over_ln2_and_the_headers_say_so():
    """Found by the team: in bits the Compare tab and the report still showed the losses, their
    intervals and the Δ row losses in nats, under headers that named no unit. The losses are
    scikit-learn's here; Brier, AUC, ECE and the shares are not losses: the same in bits."""
    y, preds = binary_pair()
    a, b = row_loss(y, preds["logreg"]), row_loss(y, preds["bayes"])
    ds = binary_table(y, preds)
    c = run(ds)
    by = {m.column: m for m in c.models}
    nats, bits = leaderboard_cells(c, "nats"), leaderboard_cells(c, "bits")
    for row_n, row_b in zip(nats, bits):
        name = row_b[0].removesuffix(" (reference)")
        m = by[name]
        assert row_n[1] == fmt_number(log_loss(y, preds[name]), 4)
        assert row_b[1] == fmt_number(log_loss(y, preds[name]) / LN2, 4)
        assert row_b[2] == (f"{fmt_number(m.ci95.low / LN2, 3)} to "
                            f"{fmt_number(m.ci95.high / LN2, 3)}")
        assert row_b[3:] == row_n[3:]  # Brier, AUC, ECE
    d = c.differences[0]
    true_d = log_loss(y, preds["bayes"]) - log_loss(y, preds["logreg"])
    (diff_n,), (diff_b,) = difference_cells(c, "nats"), difference_cells(c, "bits")
    assert diff_n[1] == fmt_number(true_d, 4) and diff_b[1] == fmt_number(true_d / LN2, 4)
    assert diff_b[2] == f"{fmt_number(d.ci95.low / LN2, 3)} to {fmt_number(d.ci95.high / LN2, 3)}"
    assert diff_b[3] == diff_n[3]  # the share of rows
    order = np.argsort(-np.abs(b - a), kind="stable")[:5]
    assert [(r, t) for r, _i, t in disagreement_cells(ds, d, 5, units="bits")] == [
        (int(r), fmt_number((b - a)[r] / LN2, 4)) for r in order]
    assert [t for _r, _i, t in disagreement_cells(ds, d, 5)] == [
        fmt_number((b - a)[r], 4) for r in order]
    for units in ("nats", "bits"):
        assert leaderboard_header(units)[1] == f"Loss ({units})"
        assert difference_header(units)[1] == f"Δ loss vs reference ({units})"
        assert disagreement_header(units)[2] == f"Δ row loss ({units})"
    with pytest.raises(ValueError, match="nats or bits"):
        leaderboard_cells(c, "bans")
    # compute --json stays in nats whatever the window shows
    assert c.compare_json()["difference"] == pytest.approx(true_d, rel=1e-12)


def test_the_sentence_names_the_unit_of_its_numbers():
    y, preds = binary_pair()
    d = run(binary_table(y, preds), reference=1).differences[0]
    true_d = log_loss(y, preds["logreg"]) - log_loss(y, preds["bayes"])
    nats, bits = d.sentence(), d.sentence("bits")
    assert nats == (f"logreg − bayes = {fmt_number(true_d, 4)} nats (95% interval "
                    f"{fmt_number(d.ci95.low, 3)} to {fmt_number(d.ci95.high, 3)} nats): "
                    "logreg is better than bayes")
    assert bits == (f"logreg − bayes = {fmt_number(true_d / LN2, 4)} bits (95% interval "
                    f"{fmt_number(d.ci95.low / LN2, 3)} to {fmt_number(d.ci95.high / LN2, 3)} "
                    "bits): logreg is better than bayes")
    no_ci = run(binary_table(y, preds), n_resamples=0).differences[0]
    assert no_ci.sentence("bits").startswith(
        f"bayes − logreg = {fmt_number(-true_d / LN2, 4)} bits; no interval")


def test_the_scatter_in_bits():
    y, preds = binary_pair()
    c = run(binary_table(y, preds))
    s = loss_scatter(c, 0, 1, units="bits")
    assert s.units == "bits" and loss_scatter(c, 0, 1).units == "nats"
    np.testing.assert_allclose(10 ** s.x, np.clip(row_loss(y, preds["logreg"]) / LN2, 1e-4, 100),
                               rtol=1e-9)
    np.testing.assert_allclose(10 ** s.y, np.clip(row_loss(y, preds["bayes"]) / LN2, 1e-4, 100),
                               rtol=1e-9)


def test_row_points_place_each_model_on_the_curve():
    ds = binary_table(np.array([1.0, 0.0]), {"a": np.array([0.8, 0.3]), "b": np.array([0.4, 0.1])})
    ev = evaluate(ds, LossOptions())
    pts = row_points(ds, ev.options, ev.losses, 0)
    # named as the window's table titles them: the first model is "Predicted" (column "a")
    assert [(n, x) for n, x, _l in pts] == [("Predicted", 0.8), ("b", 0.4)]
    assert pts[0][2] == pytest.approx(-math.log(0.8)) and pts[1][2] == pytest.approx(-math.log(0.4))


@pytest.mark.slow
def test_paired_interval_coverage_on_simulated_pairs_with_a_known_difference():
    """About 95% of the paired intervals hold the true difference of mean loss (E[Δ] = 0.05)."""
    n, seeds, hits = 200, 300, 0
    for seed in range(seeds):
        rng = np.random.default_rng(seed)
        a = rng.gamma(2.0, 0.25, n)                 # E[a] = 0.5
        b = a * rng.uniform(0.8, 1.4, n)            # E[b − a] = 0.5 · 0.1 = 0.05
        y = (rng.random(n) < 0.5).astype(float)
        cols = ComparisonColumns(LossOptions(), ("a", "b"), y, ((np.full(n, 0.5),),) * 2,
                                 (a, b), np.ones(n, bool))
        d = compare(cols, 0, MetricsSettings(n_resamples=1000, seed=seed)).differences[0]
        hits += d.ci95.low <= 0.05 <= d.ci95.high
    assert 0.92 <= hits / seeds <= 0.98


def test_a_model_copy_of_a_k_class_table_copies_its_class_columns(tmp_path):
    from bce_gui.core.compare import with_model_copy
    from bce_gui.core.io import read_table

    path = tmp_path / "k.csv"
    path.write_text("y,p_a,p_b,Model 2_p_a\na,0.7,0.3,x\nb,0.2,0.8,y\n")  # a name already taken
    ds, _ = read_table(path, None)
    out = with_model_copy(ds)
    model = out.schema.models[1]
    assert (model.name, model.columns) == ("Model 2 (2)", ("Model 2 (2)_p_a", "Model 2 (2)_p_b"))
    for first, copy in zip(ds.schema.models[0].columns, model.columns):
        assert out.columns[copy].values.tolist() == ds.columns[first].values.tolist()
        assert out.columns[copy] is not ds.columns[first]  # a copy: editing it leaves the first
    assert out.header_order[-2:] == list(model.columns) and len(ds.schema.models) == 1
    y = np.array([0, 1])
    probs = np.array([[0.7, 0.3], [0.2, 0.8]])
    losses = [t.mean for t in evaluate(out, LossOptions(policy=make_policy("sklearn"))).model_totals()]
    assert losses == [pytest.approx(log_loss(y, probs), rel=1e-12)] * 2


def test_a_table_saved_with_several_models_reads_back_with_them(tmp_path):
    """Saved, a table's models after the first come back as extra columns (a CSV says nothing
    of roles): models_in_extras finds them, with_models makes them models again, and the losses
    are those of the models saved. A score beyond [0, 1], a count and text are left alone."""
    from bce_gui.core.compare import models_in_extras, with_model_copy, with_models
    from bce_gui.core.io import read_table
    from bce_gui.core.io_write import write_table

    y = [1, 0, 1, 0]
    ds = Dataset.from_arrays(y, [0.8, 0.3, 0.6, 0.1], ids=["a", "b", "c", "d"])
    ds = add_models(ds, [])  # (one model)
    ds.extras["b"] = np.array(["0.7", "0.4", "0.9", "0.2"], dtype=object)
    ds.extras["score"] = np.array(["3.5", "0.2", "-1", "0.9"], dtype=object)
    ds.extras["count"] = np.array(["3", "12", "7", "0"], dtype=object)
    ds.extras["note"] = np.array(["x", "y", "", "z"], dtype=object)
    ds = with_model_copy(add_models(ds, ["b"]))  # three models: Predicted, b, Model 3
    ds.columns["Model 3"].values[:] = [0.6, 0.5, 0.7, 0.3]
    path = tmp_path / "three.csv"
    write_table(ds, path)
    back, _ = read_table(path)
    assert len(back.schema.models) == 1
    found = models_in_extras(back)
    assert [(m.name, m.columns) for m in found] == [("b", ("b",)), ("Model 3", ("Model 3",))]
    out = with_models(back, found)
    assert [m.columns for m in out.schema.models] == [("Predicted",), ("b",), ("Model 3",)]
    assert list(out.extras) == ["score", "count", "note"]
    losses = [t.mean for t in evaluate(out, LossOptions(policy=make_policy("sklearn"))).model_totals()]
    for loss, p in zip(losses, ([0.8, 0.3, 0.6, 0.1], [0.7, 0.4, 0.9, 0.2], [0.6, 0.5, 0.7, 0.3])):
        assert loss == pytest.approx(log_loss(y, p), rel=1e-12)
    assert with_models(out, found) is out  # already models: nothing to add


def test_a_k_class_table_saved_with_two_models_reads_back_with_both(tmp_path):
    from bce_gui.core.compare import models_in_extras, with_model_copy, with_models
    from bce_gui.core.io import read_table
    from bce_gui.core.io_write import write_table

    path = tmp_path / "k.csv"
    path.write_text("y,p_a,p_b,w_p_a,other_p_a\na,0.7,0.3,5,0.1\nb,0.2,0.8,6,0.9\n")
    ds, _ = read_table(path, None)
    assert models_in_extras(ds) == []  # w_p_a is no probability; other_p_b is missing
    ds = with_model_copy(ds)
    ds.columns["Model 2_p_a"].values[:] = [0.6, 0.4]
    ds.columns["Model 2_p_b"].values[:] = [0.4, 0.6]
    write_table(ds, tmp_path / "k2.csv")
    back, _ = read_table(tmp_path / "k2.csv", None)
    found = models_in_extras(back)
    assert [(m.name, m.columns) for m in found] == [("Model 2", ("Model 2_p_a", "Model 2_p_b"))]
    out = with_models(back, found)
    losses = [t.mean for t in evaluate(out, LossOptions(policy=make_policy("sklearn"))).model_totals()]
    assert losses == [pytest.approx(log_loss([0, 1], [[0.7, 0.3], [0.2, 0.8]]), rel=1e-12),
                      pytest.approx(log_loss([0, 1], [[0.6, 0.4], [0.4, 0.6]]), rel=1e-12)]
    assert list(out.extras) == ["w_p_a", "other_p_a"]
