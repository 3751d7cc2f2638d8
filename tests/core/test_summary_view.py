"""core.summary_view: the summary's loss in the units chosen, and in the other unit."""

from __future__ import annotations

import math

import pytest

from bce_gui.core.loss import LossTotals
from bce_gui.core.summary_view import shown_loss


def totals(n=4, sum_loss=4 * math.log(2), sum_weight=4.0, n_infinite=0):
    return LossTotals.from_sums(n=n, sum_weight=sum_weight, sum_loss=sum_loss, n_infinite=n_infinite,
                                class_weights=(sum_weight - 2.0, 2.0))


def test_nats_and_bits():
    t = totals()  # mean ln 2 nats = 1 bit
    nats, bits = shown_loss(t, "nats"), shown_loss(t, "bits")
    assert (nats.value, nats.units, nats.other_units) == (pytest.approx(math.log(2)), "nats", "bits")
    assert nats.other == pytest.approx(1.0, rel=1e-15)
    assert bits.value == pytest.approx(1.0, rel=1e-15) and bits.units == "bits"
    assert bits.other == pytest.approx(math.log(2), rel=1e-15) and bits.other_units == "nats"
    assert nats.finite and not nats.empty


def test_infinite_and_empty():
    inf = shown_loss(totals(n_infinite=1), "bits")
    assert inf.value == math.inf and not inf.finite and not inf.empty
    empty = shown_loss(totals(n=0, sum_loss=0.0, sum_weight=0.0), "nats")
    assert empty.empty and not empty.finite and math.isnan(empty.value)


def test_unknown_units():
    with pytest.raises(ValueError):
        shown_loss(totals(), "decibels")


def test_one_class_that_counts_has_no_baseline_anywhere():
    """Class 0 only on a row of weight 0: the summary says there is no baseline, and the guide
    neither places a "no skill 0" mark nor calls a constant prediction "great"."""
    import numpy as np

    from bce_gui.core.dataset import Dataset
    from bce_gui.core.evaluate import evaluate
    from bce_gui.core.explain import ONE_CLASS, baseline_text
    from bce_gui.core.loss import LossOptions
    from bce_gui.core.metrics import insight
    from bce_gui.core.metrics.view import guide_bar

    ds = Dataset.from_arrays([1, 1, 0], [0.9, 0.4, 0.05], [1.0, 1.0, 0.0])
    t = evaluate(ds, LossOptions()).totals
    assert t.baseline == 0.0 and baseline_text(t, LossOptions()) == ONE_CLASS
    bar = guide_bar(t)
    assert bar.baseline is None and bar.baseline_text == "" and bar.loss is not None
    assert "one class" in bar.sentence and "great" not in bar.sentence
    ins = insight(np.array([1, 1, 0.0]), np.array([0.9, 0.4, 0.05]), np.array([1.0, 1.0, 0.0]))
    assert ins.guide.sentence == bar.sentence


def test_ten_rows_or_fewer_name_the_worst_row_once():
    """Of 10 rows the worst 1% and the worst 10% are the same row: said once, not as two
    shares that happen to be equal; from 11 rows on, both shares."""
    import numpy as np

    from bce_gui.core.metrics import insight
    from bce_gui.core.metrics.concentration import rows_in
    from bce_gui.core.metrics.view import statistic_lines

    assert [rows_in(0.10, n) for n in (1, 10, 11, 100)] == [1, 1, 2, 10]
    rng = np.random.default_rng(2)
    for n, expected in ((10, "the worst row carries "), (40, "1% carry ")):
        y = (rng.random(n) < 0.5).astype(float)
        p = rng.uniform(0.05, 0.95, n)
        line = {s.key: s for s in statistic_lines(insight(y, p))}["worst_share"]
        assert line.value.startswith(expected), (n, line.value)
        assert ("same row" in line.explanation) == (n == 10)


def test_the_guide_places_a_summed_or_weighted_mean_loss_per_row():
    from bce_gui.core.dataset import Dataset
    from bce_gui.core.evaluate import evaluate
    from bce_gui.core.loss import LossOptions
    from bce_gui.core.metrics.view import guide_bar

    ds = Dataset.from_arrays([1, 0, 1, 0, 1, 1, 0, 0, 1, 0],
                             [0.94, 0.1, 0.83, 0.17, 0.89, 0.94, 0.24, 0.56, 0.82, 0.12],
                             [1, 2, 1, 1, 3, 1, 1, 1, 0.5, 1])
    per_row = guide_bar(evaluate(ds, LossOptions()).totals)
    for reduction in ("sum", "mean"):
        bar = guide_bar(evaluate(ds, LossOptions(reduction=reduction)).totals)
        assert bar.loss == pytest.approx(per_row.loss, rel=1e-12), reduction
        assert bar.baseline == pytest.approx(per_row.baseline, rel=1e-12), reduction
        assert bar.loss_text == per_row.loss_text and bar.band == per_row.band
        assert bar.caption.startswith("The loss per row (Σw·l/Σw), ")
    assert per_row.caption.startswith("This loss, ")


def test_statistics_explanations_say_weight_when_the_rows_are_weighted():
    """QA: "Accuracy: share of rows ..." read 76.9% on a weighted file whose share of rows is
    81.8%. With weights the explanations name the weight; in memory and streamed alike."""
    import numpy as np

    from bce_gui.core.dataset import Dataset, NumericColumn, text_array
    from bce_gui.core.evaluate import evaluate
    from bce_gui.core.loss import LossOptions
    from bce_gui.core.metrics import insight
    from bce_gui.core.metrics.table import ModelColumns, summary_statistics, table_insight
    from bce_gui.core.metrics.view import statistic_lines
    from bce_gui.core.schema import Schema

    def lines(ins):
        return {s.key: s for s in statistic_lines(ins)}

    y = np.array([1, 0, 1, 0, 1, 0, 1, 1.0])
    p = np.array([0.8, 0.3, 0.4, 0.1, 0.9, 0.6, 0.7, 0.2])
    w = np.array([1, 2, 0.5, 1, 0, 3, 1, 1.25])
    plain, weighted = lines(insight(y, p)), lines(insight(y, p, w))
    assert plain["accuracy"].value == "62.5%" and weighted["accuracy"].value == "51.3%"  # 5 of 9.75
    assert plain["accuracy"].explanation.startswith("Share of rows whose predicted class")
    assert weighted["accuracy"].explanation.startswith("Share of the weight on rows whose")
    assert plain["brier"].explanation.startswith("Mean squared gap")
    assert weighted["brier"].explanation.startswith("Weighted mean squared gap")
    assert "each pair counting its two weights" in weighted["auc"].explanation
    assert "weight" not in plain["auc"].explanation
    assert plain["ece"].explanation.endswith("(weighted by the rows in each).")
    assert "each bin counts as much as its rows' weight" in weighted["ece"].explanation
    ds = Dataset.from_arrays(y, p, w)
    streamed = lines(summary_statistics(ds, evaluate(ds, LossOptions()))[0])
    assert {k: (s.value, s.explanation) for k, s in streamed.items() if k != "ci95"} == \
        {k: (s.value, s.explanation) for k, s in weighted.items() if k != "ci95"}

    # QA's three-class file: 10 of 13 weight right (76.9%), 9 of 11 rows (81.8%).
    labels = ["cat", "dog", "bird", "cat", "dog", "bird", "bird", "cat", "dog", "bird", "cat"]
    probs = np.array([[0.35, 0.2, 0.1], [0.1, 0.8, 0.1], [0.2, 0.2, 0.6], [0.5, 0.3, 0.1],
                      [0.3, 0.3, 0.3], [0.05, 0.05, 0.9], [0.3, 0.3, 0.4], [0.9, 0.05, 0.05],
                      [0.2, 0.7, 0.2], [0, 0.5, 0.5], [0.6, 0.2, 0.2]])
    classes = ("cat", "dog", "bird")
    for weights, value, share in (([1, 2, 1, 1.5, 1, 0.5, 1, 1, 1, 2, 1], "76.9%", "Share of the weight on rows"),
                                  (None, "81.8%", "Share of rows")):
        cols = {"label": text_array(labels)}
        cols.update({c: NumericColumn.from_floats(probs[:, k]) for k, c in enumerate(classes)})
        if weights is not None:
            cols["w"] = NumericColumn.from_floats(weights)
        ds = Dataset(cols, Schema.categorical(classes, "label", classes,
                                              weight=None if weights is None else "w"))
        got = lines(table_insight(ModelColumns.of(ds, evaluate(ds, LossOptions()))).insight)
        assert got["accuracy"].value == value
        assert got["accuracy"].explanation == f"{share} whose most probable class is the actual one."
        assert ("(each counting its weight)" in got["brier"].explanation) == (weights is not None)


def _two_models(first, second, actual=(1, 0, 1, 0, 1)):
    import numpy as np

    from bce_gui.core.dataset import Dataset, NumericColumn
    from bce_gui.core.schema import Schema

    cols = {"actual": NumericColumn(np.asarray(actual, float)),
            "predicted": NumericColumn(np.asarray(first, float)),
            "model_b": NumericColumn(np.asarray(second, float))}
    return Dataset(cols, Schema.binary("actual", ("predicted", "model_b")))


def test_the_rows_other_models_leave_out_are_said():
    """The first model's loss is of the rows every model has: when a second model's missing
    predictions leave rows out, the summary says so (a QA run saw the loss drop after a join
    with no hint why)."""
    from bce_gui.core.evaluate import evaluate
    from bce_gui.core.loss import LossOptions
    from bce_gui.core.summary_view import scored_rows_note

    nan = float("nan")
    ds = _two_models([0.9, 0.2, 0.8, 0.3, nan], [0.7, nan, nan, 1.5, 0.6])
    ev = evaluate(ds, LossOptions())
    assert ev.totals.n == 1
    # row 5 lacks the first model's prediction: it is no other model's doing
    assert scored_rows_note(ds, ev.validity, ev.totals.n) == (
        "Scored on the 1 row every model has (3 rows have no usable prediction from model_b)")
    whole = _two_models([0.9, 0.2, 0.8, 0.3, nan], [0.7, 0.1, 0.9, 0.2, nan])
    ev = evaluate(whole, LossOptions())
    assert scored_rows_note(whole, ev.validity, ev.totals.n) == ""  # only the first model's gap
    one = _two_models([0.9, nan, 0.8, 0.3, 0.6], [0.7, 0.1, 0.9, 0.2, 0.6])
    one = type(one)(one.columns, one.schema.with_models(one.schema.models[:1]))
    ev = evaluate(one, LossOptions())
    assert scored_rows_note(one, ev.validity, ev.totals.n) == ""  # one model


def test_the_rows_another_k_class_model_leaves_out_are_said():
    import numpy as np

    from bce_gui.core.dataset import Dataset, NumericColumn
    from bce_gui.core.evaluate import evaluate
    from bce_gui.core.loss import LossOptions
    from bce_gui.core.schema import Schema
    from bce_gui.core.summary_view import scored_rows_note

    p = np.array([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.2, 0.2, 0.6], [0.3, 0.3, 0.4]])
    q = p.copy()
    q[1:3] = np.nan  # the second model has no prediction for rows 2 and 3
    cols = {"label": NumericColumn(np.array([0.0, 1.0, 2.0, 2.0]))}
    cols.update({f"a_{k}": NumericColumn(p[:, k]) for k in range(3)})
    cols.update({f"b_{k}": NumericColumn(q[:, k]) for k in range(3)})
    schema = Schema.categorical((0, 1, 2), "label", {"first": ("a_0", "a_1", "a_2"),
                                                     "second": ("b_0", "b_1", "b_2")})
    ds = Dataset(cols, schema)
    ev = evaluate(ds, LossOptions())
    assert ev.totals.n == 2
    assert scored_rows_note(ds, ev.validity, ev.totals.n) == (
        "Scored on the 2 rows every model has (2 rows have no usable prediction from second)")
