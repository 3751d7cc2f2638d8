"""The walk-through (F1) and the formula line with weights: what they write is what was computed.

QA found the walk-through saying "−(1/N) Σ ln p̂" on a weighted table while its Result was the
weighted mean (1/Σw) Σ w·loss. Each test redoes the arithmetic as the page writes it and gets
the Result it prints, which scikit-learn's and PyTorch's reductions give.
"""

from __future__ import annotations

import html
import re

import numpy as np
import pytest
from sklearn.metrics import log_loss as sk_log_loss

from bce_gui.core.dataset import Dataset, NumericColumn, text_array
from bce_gui.core.evaluate import evaluate
from bce_gui.core.explain import formula_text, walkthrough_html
from bce_gui.core.formatting import fmt_result
from bce_gui.core.loss import REDUCTIONS, LossOptions
from bce_gui.core.policies import make_policy
from bce_gui.core.schema import Schema

Y = [1, 0, 1, 0, 1, 0, 1, 1]
P = [0.8, 0.3, 0.6, 0.1, 0.9, 0.4, 0.7, 0.2]
W = [1, 2, 0.5, 1, 0, 3, 1, 1.25]

#: QA's file /tmp/qa4/mc.csv: three classes, weights 0.5 to 2.
MC_LABELS = ["cat", "dog", "bird", "cat", "dog", "bird", "bird", "cat", "dog", "bird", "cat"]
MC_P = np.array([[0.35, 0.2, 0.1], [0.1, 0.8, 0.1], [0.2, 0.2, 0.6], [0.5, 0.3, 0.1],
                 [0.3, 0.3, 0.3], [0.05, 0.05, 0.9], [0.3, 0.3, 0.4], [0.9, 0.05, 0.05],
                 [0.2, 0.7, 0.2], [0, 0.5, 0.5], [0.6, 0.2, 0.2]])
MC_W = [1, 2, 1, 1.5, 1, 0.5, 1, 1, 1, 2, 1]
CLASSES = ("cat", "dog", "bird")


def mc_table() -> Dataset:
    cols = {"id": text_array([f"r{i + 1}" for i in range(11)]), "label": text_array(MC_LABELS),
            "weight": NumericColumn.from_floats(MC_W)}
    cols.update({f"p_{c}": NumericColumn.from_floats(MC_P[:, k]) for k, c in enumerate(CLASSES)})
    schema = Schema.categorical(CLASSES, "label", tuple(f"p_{c}" for c in CLASSES), id="id",
                                weight="weight")
    return Dataset(cols, schema)


def page_of(ds: Dataset, opts: LossOptions):
    ev = evaluate(ds, opts)
    page = walkthrough_html(ds, ev.loss, ev.validity.valid, ev.totals, ev.options)
    return ev, page


def text_of(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def number(text: str) -> float:
    return float(text.replace("−", "-"))


def result_line(page: str) -> str:
    return text_of(re.search(r"<p><b>Result\.</b>.*?</p>", page).group(0))


def redo(line: str) -> tuple[float, float | None, str]:
    """The Result's arithmetic as written: (the sum, the divisor or None, the loss written)."""
    m = re.search(r"= (?:\(1/([^)]+)\))?\(([^)]+)\) = (\S+)$", line)
    assert m, line
    return number(m.group(2)), None if m.group(1) is None else number(m.group(1)), m.group(3)


def test_binary_weighted_walkthrough_shows_the_weights_and_the_arithmetic_of_its_result():
    ds = Dataset.from_arrays(Y, P, W)
    ev, page = page_of(ds, LossOptions())
    text = text_of(page)
    assert "−(1/N)" not in text and "Average the logs" not in text
    assert "loss = (1/Σw) Σ w·loss" in text
    assert "<th>Weight w</th><th>w·loss</th>" in page
    # Each shown row's weight and w·loss, and the shown rows' sums (the 6 first rows).
    loss = -np.log(np.where(np.array(Y) == 1, P, 1 - np.array(P)))
    for w, wl in zip(W[:6], np.array(W[:6]) * loss[:6]):
        assert f"<td>{w:g}</td><td>{float(f'{wl:.4g}'):g}</td>" in page
    assert re.search(r"Sum of these 6 rows</i></td><td>7\.5</td><td>2\.83</td>", page)
    line = result_line(page)
    assert line.startswith("Result. Over all 8 valid rows, Σw = 9.75 and Σ w·loss = ")
    total, divisor, shown = redo(line)
    assert divisor == 9.75
    assert fmt_result(total / divisor) == shown == fmt_result(ev.totals.mean)
    assert ev.totals.mean == pytest.approx(sk_log_loss(Y, P, sample_weight=W), rel=1e-12)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_every_reduction_writes_the_formula_it_computes(reduction):
    """PyTorch's convention, each reduction: step 3 names it, the Result's sum and divisor give
    the loss it prints (Σw·l/Σw, Σw·l/N, Σw·l)."""
    ds = Dataset.from_arrays(Y, P, W)
    ev, page = page_of(ds, LossOptions(policy=make_policy("torch"), reduction=reduction))
    step = {"weighted-mean": "loss = (1/Σw) Σ w·loss.", "mean": "loss = (1/N) Σ w·loss.",
            "sum": "loss = Σ w·loss."}[reduction]
    assert step in text_of(page)
    total, divisor, shown = redo(result_line(page))
    assert divisor == {"weighted-mean": 9.75, "mean": 8, "sum": None}[reduction]
    assert fmt_result(total / (divisor or 1)) == shown == fmt_result(ev.totals.mean)
    sum_wl = float(np.dot(W, -np.log(np.where(np.array(Y) == 1, P, 1 - np.array(P)))))
    assert total == pytest.approx(sum_wl, rel=5e-4)


@pytest.mark.filterwarnings("ignore:The y_prob values do not sum to one")
def test_categorical_weighted_walkthrough_reproduces_its_result():
    """QA's three-class file (weights adding up to 13 over 11 rows)."""
    ds = mc_table()
    ev, page = page_of(ds, LossOptions(policy=make_policy("sklearn")))
    text = text_of(page)
    assert "Average the logs" not in text and "(1/Σw) Σ w·loss" in text
    assert "<th>Weight w</th><th>w·loss</th>" in page
    assert "<td>r2</td><td>dog</td><td>p_dog</td><td>0.8</td><td>−0.2231</td><td>2</td><td>0.4463</td>" in page
    total, divisor, shown = redo(result_line(page))
    assert divisor == 13
    assert fmt_result(total / divisor) == shown == fmt_result(ev.totals.mean)
    y = [CLASSES.index(c) for c in MC_LABELS]
    assert ev.totals.mean == pytest.approx(
        sk_log_loss(y, MC_P, sample_weight=MC_W, labels=[0, 1, 2]), rel=1e-12)
    ev, page = page_of(ds, LossOptions(policy=make_policy("torch")))  # Σ w·loss / N
    total, divisor, shown = redo(result_line(page))
    assert divisor == 11 and fmt_result(total / divisor) == shown == fmt_result(ev.totals.mean)


def test_pos_weight_without_weights_shows_each_rows_loss():
    ds = Dataset.from_arrays([1, 0, 1], [2.0, -1.0, 0.5])
    ev, page = page_of(ds, LossOptions(policy=make_policy("torch"), logits=True, pos_weight=2))
    assert "times pos_weight 2 when the actual class is 1 (no weight column: w = 1)" in text_of(page)
    assert "<th>Loss</th></tr>" in page and "Weight w" not in page
    total, divisor, shown = redo(result_line(page))
    assert divisor == 3 and fmt_result(total / divisor) == shown == fmt_result(ev.totals.mean)


def test_weights_adding_up_to_n_still_read_as_weights():
    """Weights 0.5 and 1.5 add up to N: the formula said −(1/N) Σ ln(corrected p) around Σ w·l."""
    ds = Dataset.from_arrays([1, 0], [0.8, 0.3], [0.5, 1.5])
    ev = evaluate(ds, LossOptions())
    assert formula_text(ev.totals, ev.options, weighted=True).startswith("(1/Σw) Σ w·loss = (1/2)(")
    assert "(1/Σw) Σ w·loss" in result_line(page_of(ds, LossOptions())[1])


def test_unweighted_formula_divides_to_the_loss_it_shows():
    """−(1/3)(−1.091) is 0.3637, not the loss 0.3635: the sum gets the digits it needs."""
    ds = Dataset.from_arrays([1, 0, 1], [0.8, 0.3, 0.6])
    ev, page = page_of(ds, LossOptions())
    line = result_line(page)
    assert line.startswith("Result. −(1/N) Σ ln(corrected p) = −(1/3)(")
    total, divisor, shown = redo(line.replace("= −(1/3)", "= (1/3)"))
    assert fmt_result(-total / divisor) == shown == fmt_result(ev.totals.mean) == "0.3635"
    assert "−(1/10)(−2.140) = 0.214" == formula_text(
        evaluate(Dataset.from_arrays([1] * 10, [np.exp(-0.214)] * 10), LossOptions()).totals,
        LossOptions()).split(" = ", 1)[1]


def test_unweighted_sum_says_it_is_a_sum():
    ds = Dataset.from_arrays([1, 0, 1], [0.8, 0.3, 0.6])
    ev, page = page_of(ds, LossOptions(reduction="sum"))
    text = text_of(page)
    assert "3. Negative sum." in text and "loss = −Σ ln(corrected p)." in text
    assert "(1/N)" not in text


def test_the_walkthrough_of_logits_takes_their_sigmoid_not_one_minus_the_logit():
    """With logits the table's corrected p is σ(z) for class 1 and 1 − σ(z) for class 0 (it
    read "1 − −1 = 0.7311", subtracting the logit), and its column is headed as a logit."""
    from bce_gui.core.loss import LossOptions

    ds = Dataset.from_arrays(actual=np.array([1.0, 0.0, 1.0]), predicted=np.array([2.0, -1.0, 0.5]))
    options = LossOptions(logits=True)
    ev = evaluate(ds, options)
    text = html.unescape(re.sub(r"<[^>]+>", " ", walkthrough_html(
        ds, ev.loss, ev.validity.valid, ev.totals, options)))
    assert "Logit z" in text and "p = σ(z)" in text
    sigmoid = 1.0 / (1.0 + np.exp(-np.array([2.0, -1.0, 0.5])))
    assert f"σ(2) = {sigmoid[0]:.4f}" in text
    assert f"1 − σ(−1) = {1 - sigmoid[1]:.4f}" in text
    assert "1 − −1" not in text
    plain = Dataset.from_arrays(actual=np.array([1.0, 0.0]), predicted=np.array([0.8, 0.3]))
    ev_p = evaluate(plain, LossOptions())  # (the probabilities' wording is unchanged)
    text = html.unescape(re.sub(r"<[^>]+>", " ", walkthrough_html(
        plain, ev_p.loss, ev_p.validity.valid, ev_p.totals, LossOptions())))
    assert "1 − 0.3 = 0.7" in text and "σ" not in text
