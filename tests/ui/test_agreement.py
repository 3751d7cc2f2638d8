"""The table, the plot's tooltips and the summary show one set of numbers, under every convention
and every kind of label: the values the window shows are read back from its text and compared
with the core's own evaluation (``core.evaluate``) of the same rows.

The table's tooltip gives every digit, the plot's tooltip 6 significant digits, the summary 4;
each is compared at its own precision.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from PySide6.QtCore import Qt

from bce_gui.core.dataset import Dataset
from bce_gui.core.evaluate import evaluate, terms_for_rows
from bce_gui.core.loss import LossOptions
from bce_gui.core.policies import make_policy

CONVENTIONS = {
    "exact": make_policy("exact"),
    "sklearn": make_policy("sklearn"),
    "torch": make_policy("torch"),
    "keras": make_policy("keras"),
    "custom eps": make_policy("custom", 1e-3),
}
#: Per kind of label: (actual, predicted, options other than the convention). Extreme rows
#: included: p = 0 and 1 for the wrong class (clipped or infinite), a logit of ±40.
LABELS = {
    "hard": ([1, 0, 1, 0, 1, 0], [0.8, 0.3, 0.0, 1.0, 0.999999, 1e-12], {}),
    "soft": ([0.3, 1, 0, 0.7, 0.5], [0.8, 0.6, 0.1, 0.0, 0.5], {"soft_labels": True}),
    "smoothing": ([1, 0, 1, 0, 1], [0.8, 0.3, 0.0, 0.95, 0.5], {"label_smoothing": 0.1}),
    "logits": ([1, 0, 1, 0, 1], [2.0, -1.5, -40.0, 40.0, 0.0], {"logits": True}),
    "pos_weight": ([1, 0, 1, 0, 1], [2.0, -1.5, -40.0, 0.3, 0.0], {"logits": True, "pos_weight": 3.0}),
}


def read_number(text: str) -> float:
    """A number as the window writes it (true minus sign, ∞) back to a float."""
    return float(text.strip().replace("−", "-").replace("∞", "inf").rstrip("%"))


def table_values(w, data_row: int) -> dict[str, float]:
    m = w.model
    index = lambda key: m.index(m.view_row(data_row), m.column_of(key))  # noqa: E731
    out = {}
    for key in ("corrected", "ln", "loss"):
        shown = m.data(index(key), Qt.ItemDataRole.DisplayRole)
        assert shown != "—", (key, data_row)
        out[key] = read_number(m.data(index(key), Qt.ItemDataRole.ToolTipRole))  # every digit
    return out


def tooltip_values(w) -> dict[int, dict[str, float]]:
    """What hovering each drawn point shows (the scatter items' own tooltip function)."""
    out = {}
    for item in (w.plot.points1, w.plot.points0):
        for point in item.points():
            text = item.opts["tip"](x=point.pos().x(), y=point.pos().y(), data=point.data())
            fields = dict(re.findall(r"^(corrected p|ln\(corrected p\)|row loss) = (\S+)", text, re.M))
            out[int(point.data())] = {"corrected": read_number(fields["corrected p"]),
                                      "ln": read_number(fields["ln(corrected p)"]),
                                      "loss": read_number(fields["row loss"])}
    return out


def close(shown: float, expected: float, rel: float) -> bool:
    if math.isinf(expected) or math.isnan(expected):
        return shown == expected or (math.isnan(shown) and math.isnan(expected))
    return shown == pytest.approx(expected, rel=rel, abs=1e-300)


@pytest.mark.parametrize("convention", CONVENTIONS)
@pytest.mark.parametrize("units", ["nats", "bits"])
def test_table_tooltip_and_summary_agree_with_the_core(window, qtbot, convention, units):
    w = window
    w.set_units(units)
    scale = math.log(2.0) if units == "bits" else 1.0
    for label, (y, p, extra) in LABELS.items():
        options = LossOptions(policy=CONVENTIONS[convention], **extra)
        dataset = Dataset.from_arrays(y, p, ids=[f"r{i}" for i in range(len(y))])
        w.doc.set_dataset(dataset)
        w.set_options(options)
        w.plot.refresh()
        core = evaluate(dataset, options)
        terms = terms_for_rows(dataset, options, slice(None))
        expected = {r: {"corrected": terms.corrected[r], "ln": terms.ln_corrected[r],
                        "loss": core.loss[r] / scale} for r in range(len(y))}
        tips = tooltip_values(w)
        assert sorted(tips) == list(range(len(y))), (label, "every row is drawn")
        for r in range(len(y)):
            table = table_values(w, r)
            for key in ("corrected", "ln", "loss"):
                want = float(expected[r][key])
                assert close(table[key], want, 1e-15), (label, r, key, "table", table[key], want)
                assert close(tips[r][key], want, 6e-6), (label, r, key, "tooltip", tips[r][key], want)
        loss = core.totals.mean / scale
        summary = read_number(w.summary.loss_label.text())
        assert close(summary, loss, 6e-4), (label, "summary", summary, loss)
        assert w.summary.unit_label.text() == f"{units} per observation"
        w.doc.undo_stack.clear()
