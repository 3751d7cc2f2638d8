"""Validation of each cell, evaluation of a dataset, and the summary built from it.

Expected losses are written out here with ``math``; reasons are checked per cell.
"""

from __future__ import annotations

import copy
import json
import math

import numpy as np
import pytest

from bce_gui.core.dataset import Dataset, NumericColumn
from bce_gui.core.evaluate import evaluate
from bce_gui.core.loss import LossOptions
from bce_gui.core.policies import make_policy
from bce_gui.core.summary import summary_dict
from bce_gui.core.validation import Reason, validate

NAN = math.nan
INF = math.inf


def col(values, text=None) -> NumericColumn:
    return NumericColumn(np.asarray(values, dtype=np.float64), dict(text or {}))


def bce(y: float, p: float) -> float:
    """Textbook loss of one row with a hard label."""
    return -math.log(p) if y == 1.0 else -math.log1p(-p)


def entropy(q: float) -> float:
    return -(q * math.log(q) + (1.0 - q) * math.log(1.0 - q))


EXACT = LossOptions(policy=make_policy("exact"))


# A dataset with one problem per row; rows 0, 7 and 8 are fine.
#   row: actual      predicted      weight
ROWS = [
    (1.0, 0.9, 1.0),  # 0 ok
    (NAN, 0.5, 1.0),  # 1 actual missing
    (1.0, NAN, 1.0),  # 2 predicted "abc" (text)
    (0.0, 1.5, 1.0),  # 3 probability outside [0, 1]
    (2.0, 0.5, 1.0),  # 4 label not 0/1
    (1.0, 0.3, -1.0),  # 5 negative weight
    (0.0, 0.2, INF),  # 6 infinite weight
    (0.0, 0.4, 2.0),  # 7 ok
    (1.0, 0.7, 0.5),  # 8 ok
    (NAN, NAN, NAN),  # 9 all three missing; actual is "x?" text
]
VALID_ROWS = [0, 7, 8]


def mixed_dataset() -> Dataset:
    y, p, w = (list(c) for c in zip(*ROWS))
    return Dataset.from_roles(
        actual=col(y, {9: "x?"}),
        predicted=col(p, {2: "abc"}),
        weight=col(w),
        column_names={"actual": "label", "predicted": "score", "weight": "w"},
    )


# --------------------------------------------------------------------------------------------
# Reasons per cell
# --------------------------------------------------------------------------------------------


def test_reason_per_cell():
    v = validate(mixed_dataset())
    expected = {
        ("actual", 1): Reason.MISSING,
        ("predicted", 2): Reason.NOT_A_NUMBER,
        ("predicted", 3): Reason.PROBABILITY_RANGE,
        ("actual", 4): Reason.LABEL,
        ("weight", 5): Reason.NEGATIVE_WEIGHT,
        ("weight", 6): Reason.NOT_FINITE,
        ("actual", 9): Reason.NOT_A_NUMBER,
        ("predicted", 9): Reason.MISSING,
        ("weight", 9): Reason.MISSING,
    }
    for role in ("actual", "predicted", "weight"):
        for row in range(len(ROWS)):
            assert v.reason(role, row) == expected.get((role, row), Reason.OK), (role, row)
    assert list(np.flatnonzero(v.valid)) == VALID_ROWS
    assert v.n_invalid == len(ROWS) - len(VALID_ROWS)
    assert list(v.invalid_rows()) == [r for r in range(len(ROWS)) if r not in VALID_ROWS]


def test_reason_messages_are_distinct_and_explained():
    messages = [r.message for r in Reason if r != Reason.OK]
    assert all(messages) and len(set(messages)) == len(messages)
    assert Reason.OK.message == ""


def test_issues_carry_the_typed_text_and_column_name():
    ds = mixed_dataset()
    issues = validate(ds).issues(ds)
    by_cell = {(i.row, i.role): i for i in issues}
    assert by_cell[(2, "predicted")].value == "abc"
    assert by_cell[(2, "predicted")].column == "score"
    assert by_cell[(2, "predicted")].reason == Reason.NOT_A_NUMBER.message
    assert by_cell[(1, "actual")].value == ""
    assert by_cell[(1, "actual")].reason == Reason.MISSING.message
    assert by_cell[(3, "predicted")].value == "1.5"
    assert by_cell[(4, "actual")].value == "2"
    assert by_cell[(5, "weight")].value == "-1"
    assert by_cell[(6, "weight")].value == "inf"
    assert by_cell[(9, "actual")].value == "x?"
    # Row order, then column order (actual, predicted, weight).
    assert [(i.row, i.role) for i in issues] == sorted(
        by_cell, key=lambda k: (k[0], ("actual", "predicted", "weight").index(k[1]))
    )
    assert validate(ds).issues(ds, limit=3) == issues[:3]


def test_logits_reject_only_non_finite_values():
    z = [1000.0, -1e300, INF, -INF, NAN, 1.5, -7.0]
    ds = Dataset.from_roles(actual=col([1, 0, 1, 0, 1, 0, 1]), predicted=col(z, {4: "n/a"}))
    v = validate(ds, logits=True)
    reasons = [v.reason("predicted", i) for i in range(len(z))]
    assert reasons == [
        Reason.OK,
        Reason.OK,
        Reason.NOT_FINITE,
        Reason.NOT_FINITE,
        Reason.NOT_A_NUMBER,
        Reason.OK,  # 1.5 is a fine logit ...
        Reason.OK,
    ]
    # ... but not a probability.
    assert validate(ds, logits=False).reason("predicted", 5) == Reason.PROBABILITY_RANGE
    assert validate(ds, logits=False).reason("predicted", 2) == Reason.PROBABILITY_RANGE


def test_soft_labels_accept_fractions_inside_unit_interval_only():
    y = [0.3, 1.2, -0.1, 0.0, 1.0, 2.0]
    ds = Dataset.from_roles(actual=col(y), predicted=col([0.5] * len(y)))
    soft = validate(ds, soft_labels=True)
    assert [soft.reason("actual", i) for i in range(len(y))] == [
        Reason.OK,
        Reason.SOFT_LABEL_RANGE,
        Reason.SOFT_LABEL_RANGE,
        Reason.OK,
        Reason.OK,
        Reason.SOFT_LABEL_RANGE,
    ]
    hard = validate(ds)
    assert hard.reason("actual", 0) == Reason.LABEL
    assert hard.reason("actual", 3) == Reason.OK and hard.reason("actual", 4) == Reason.OK


def test_weight_checks():
    w = [0.0, 1e300, -0.5, INF, -INF, NAN]
    ds = Dataset.from_roles(actual=col([1] * 6), predicted=col([0.5] * 6), weight=col(w))
    v = validate(ds)
    assert [v.reason("weight", i) for i in range(6)] == [
        Reason.OK,  # weight 0 is allowed (the row simply does not count)
        Reason.OK,
        Reason.NEGATIVE_WEIGHT,
        Reason.NOT_FINITE,
        Reason.NOT_FINITE,
        Reason.MISSING,
    ]


# --------------------------------------------------------------------------------------------
# Evaluation
# --------------------------------------------------------------------------------------------


def test_invalid_rows_are_excluded_and_counted():
    ds = mixed_dataset()
    ev = evaluate(ds, EXACT)
    assert ev.validity.n_invalid == 7
    assert ev.totals.n == 3
    # Σ w·loss / Σ w over rows 0, 7, 8 only.
    num = math.fsum(ROWS[r][2] * bce(ROWS[r][0], ROWS[r][1]) for r in VALID_ROWS)
    den = math.fsum(ROWS[r][2] for r in VALID_ROWS)
    assert ev.totals.mean == pytest.approx(num / den, rel=1e-14)
    assert ev.totals.sum_weight == den
    assert np.all(np.isnan(ev.loss[[r for r in range(len(ROWS)) if r not in VALID_ROWS]]))
    for r in VALID_ROWS:
        assert ev.loss[r] == pytest.approx(bce(ROWS[r][0], ROWS[r][1]), rel=1e-15)


def test_validation_and_evaluation_never_modify_values():
    ds = mixed_dataset()
    before = {
        role: (getattr(ds, role).values.copy(), copy.deepcopy(getattr(ds, role).text))
        for role in ("actual", "predicted", "weight")
    }
    validate(ds)
    ev = evaluate(ds, LossOptions(policy=make_policy("sklearn")))
    summary_dict(ds, ev)
    evaluate(ds, LossOptions(policy=make_policy("torch"), logits=True))
    evaluate(ds, LossOptions(policy=make_policy("keras"), soft_labels=True, label_smoothing=0.1))
    for role, (values, text) in before.items():
        column = getattr(ds, role)
        assert np.array_equal(column.values, values, equal_nan=True), role
        assert column.text == text, role
    # The loss column is a new array, not a view of an input column.
    for role in ("actual", "predicted", "weight"):
        assert not np.shares_memory(ev.loss, getattr(ds, role).values)


def test_worst_rows_are_valid_rows_by_decreasing_loss():
    y = [1, 0, 2, 1, 0, 1, 0]
    p = [0.9, 0.8, 0.0001, 0.05, 0.3, 0.6, 0.99]  # row 2 would be huge, but its label is bad
    ds = Dataset.from_arrays(y, p)
    ev = evaluate(ds, EXACT)
    losses = {i: bce(y[i], p[i]) for i in range(len(y)) if i != 2}
    ranked = sorted(losses, key=lambda i: -losses[i])
    assert list(ev.worst_rows(3)) == ranked[:3]
    assert list(ev.worst_rows(100)) == ranked  # never more than the valid rows
    assert 2 not in ev.worst_rows(100)
    empty = evaluate(Dataset.from_arrays([5, 7], [0.5, 0.5]), EXACT)
    assert empty.worst_rows(3).size == 0


def test_infinite_rows():
    y = [1, 0, 1, 0, 1]
    p = [0.0, 0.5, 0.5, 1.0, 0.0]
    ds = Dataset.from_arrays(y, p)
    ev = evaluate(ds, EXACT)
    assert list(ev.infinite_rows()) == [0, 3, 4]
    assert list(ev.infinite_rows(limit=2)) == [0, 3]
    assert ev.totals.n_infinite == 3
    assert ev.totals.mean == INF
    assert list(ev.worst_rows(3)) == [0, 3, 4]
    # Under a clipping convention nothing is infinite.
    clipped = evaluate(ds, LossOptions(policy=make_policy("sklearn")))
    assert clipped.infinite_rows().size == 0 and math.isfinite(clipped.totals.mean)


def test_infinite_row_with_zero_weight_is_not_reported_as_infinite():
    ds = Dataset.from_arrays([1, 1, 0], [0.0, 0.5, 1.0], weights=[0.0, 1.0, 2.0])
    ev = evaluate(ds, EXACT)
    assert ev.totals.n_infinite == 1
    assert list(ev.infinite_rows()) == [2]
    assert len(ev.infinite_rows()) == ev.totals.n_infinite


# --------------------------------------------------------------------------------------------
# Summary
# --------------------------------------------------------------------------------------------


def test_summary_infinite_loss_is_a_string_and_json_safe():
    ds = Dataset.from_arrays([1, 0, 1, 0], [0.0, 0.2, 0.7, 0.1])
    s = summary_dict(ds, evaluate(ds, EXACT))
    assert s["loss"] == "inf"
    assert s["loss_bits"] == "inf"
    assert s["sum_loss"] == "inf"
    assert s["skill"] == "-inf"
    assert s["n_infinite"] == 1
    assert s["infinite_rows"] == [2]  # data row 0 under a header row
    json.dumps(s, allow_nan=False)  # no bare Infinity/NaN in the output


def test_summary_finite_values_and_baseline():
    y = [1, 0, 0, 1, 0, 0, 0, 1, 0, 0]
    p = [0.8, 0.3, 0.1, 0.6, 0.2, 0.4, 0.05, 0.9, 0.5, 0.15]
    ds = Dataset.from_arrays(y, p)
    s = summary_dict(ds, evaluate(ds, EXACT), source="data.csv")
    mean = math.fsum(bce(a, b) for a, b in zip(y, p)) / len(y)
    assert s["loss"] == pytest.approx(mean, rel=1e-14)
    assert s["loss_bits"] == pytest.approx(mean / math.log(2), rel=1e-14)
    assert s["n"] == 10 and s["n_invalid"] == 0 and s["invalid"] == []
    assert s["invalid_truncated"] is False
    assert s["base_rate"] == pytest.approx(0.3, rel=1e-15)
    assert s["baseline_loss"] == pytest.approx(entropy(0.3), rel=1e-14)
    assert s["baseline_bits"] == pytest.approx(entropy(0.3) / math.log(2), rel=1e-14)
    assert s["skill"] == pytest.approx(1.0 - mean / entropy(0.3), rel=1e-13)
    assert s["policy"] == "exact" and s["weighted"] is False and s["source"] == "data.csv"
    json.dumps(s, allow_nan=False)


def test_summary_weighted_baseline():
    y = [1, 0, 1, 0]
    p = [0.7, 0.2, 0.6, 0.4]
    w = [3.0, 1.0, 0.5, 2.0]
    ds = Dataset.from_arrays(y, p, weights=w)
    s = summary_dict(ds, evaluate(ds, EXACT))
    q = (3.0 + 0.5) / 6.5
    mean = math.fsum(wi * bce(a, b) for a, b, wi in zip(y, p, w)) / 6.5
    assert s["base_rate"] == pytest.approx(q, rel=1e-15)
    assert s["baseline_loss"] == pytest.approx(entropy(q), rel=1e-14)
    assert s["loss"] == pytest.approx(mean, rel=1e-14)
    assert s["skill"] == pytest.approx(1.0 - mean / entropy(q), rel=1e-13)
    assert s["sum_weight"] == 6.5 and s["weighted"] is True


def test_summary_one_class_has_zero_baseline_and_no_skill():
    ds = Dataset.from_arrays([1, 1, 1], [0.9, 0.8, 0.7])
    s = summary_dict(ds, evaluate(ds, EXACT))
    assert s["base_rate"] == 1.0
    assert s["baseline_loss"] == 0.0
    assert s["skill"] is None  # loss / 0 is undefined: NaN is written as null


def test_summary_rows_are_spreadsheet_rows():
    ds = mixed_dataset()
    s = summary_dict(ds, evaluate(ds, EXACT))
    invalid_data_rows = [r for r in range(len(ROWS)) if r not in VALID_ROWS]
    # Header is row 1, so data row i is row i + 2.
    assert sorted({e["row"] for e in s["invalid"]}) == [r + 2 for r in invalid_data_rows]
    first = s["invalid"][0]
    assert first == {"row": 3, "column": "label", "value": "", "reason": Reason.MISSING.message}
    abc = next(e for e in s["invalid"] if e["value"] == "abc")
    assert abc["row"] == 4 and abc["column"] == "score"
    assert s["n_invalid"] == 7 and s["n"] == 3

    # With source_rows (e.g. blank lines or a filter in the file), those numbers are used.
    ds.source_rows = np.array([10, 12, 13, 17, 18, 20, 21, 25, 30, 31])
    s = summary_dict(ds, evaluate(ds, EXACT))
    assert sorted({e["row"] for e in s["invalid"]}) == [
        int(ds.source_rows[r]) for r in invalid_data_rows
    ]
    inf_ds = Dataset.from_arrays([1, 0, 1], [0.5, 1.0, 0.0])
    inf_ds.source_rows = np.array([5, 9, 40])
    assert summary_dict(inf_ds, evaluate(inf_ds, EXACT))["infinite_rows"] == [9, 40]


def test_summary_invalid_list_is_capped_but_n_invalid_is_exact():
    n = 50
    y = np.where(np.arange(n) % 2 == 0, 7.0, 1.0)  # 25 rows with a bad label
    p = np.full(n, 0.5)
    p[1] = 3.0  # one more bad row (a bad probability)
    p[0] = -1.0  # a second bad cell on an already bad row
    ds = Dataset.from_arrays(y, p)
    ev = evaluate(ds, EXACT)
    s = summary_dict(ds, ev, invalid_limit=10)
    assert s["n_invalid"] == 26
    assert len(s["invalid"]) == 10
    assert s["invalid_truncated"] is True
    assert s["invalid"][0]["row"] == s["invalid"][1]["row"] == 2  # both bad cells of row 0
    assert s["n"] == 24
    assert s["loss"] == pytest.approx(math.log(2.0), rel=1e-15)
    full = summary_dict(ds, ev, invalid_limit=1000)
    assert len(full["invalid"]) == 27 and full["invalid_truncated"] is False


def test_summary_not_truncated_when_issues_exactly_fill_the_limit():
    ds = Dataset.from_arrays([1, 3, 1, 3], [0.5, 0.5, 0.5, 0.5])
    ev = evaluate(ds, EXACT)
    exact = summary_dict(ds, ev, invalid_limit=2)
    assert len(exact["invalid"]) == 2 and exact["invalid_truncated"] is False
    short = summary_dict(ds, ev, invalid_limit=1)
    assert len(short["invalid"]) == 1 and short["invalid_truncated"] is True
