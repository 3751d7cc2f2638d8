"""The statistics beside a loss reduced by ``sum`` (or by ``mean`` with weights) are on that
loss's scale: the bootstrap interval and the CORP decomposition are the weighted mean per row's
times the reduction's factor (``LossTotals.scale``: Σ w, or Σ w / N), so the loss lies in its
interval and its three terms add up to it; the guide's bar, a scale of the loss per row, places
the mean per row. The same in memory, streamed, and in a comparison of models."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bce_gui.core.compare import ComparisonColumns, compare
from bce_gui.core.dataset import Dataset, NumericColumn
from bce_gui.core.evaluate import evaluate
from bce_gui.core.loss import LossOptions, row_losses
from bce_gui.core.metrics import insight
from bce_gui.core.metrics.table import MetricsSettings, statistics_json
from bce_gui.core.metrics.view import statistic_lines
from bce_gui.core.policies import make_policy
from bce_gui.core.schema import Schema
from bce_gui.core.stream import stream_compute

RNG = np.random.default_rng(11)
N = 400
Y = (RNG.random(N) < 0.4).astype(float)
P = np.clip(0.25 + 0.5 * Y + RNG.normal(0, 0.2, N), 0.01, 0.99)
W = RNG.uniform(0.2, 3.0, N)


def stats(reduction, w=None, policy="exact"):
    opts = LossOptions(policy=make_policy(policy), reduction=reduction)
    losses = row_losses(Y, P, opts)
    return insight(Y, P, w, options=opts, losses=losses)


def terms(ins):
    d = ins.decomposition
    return d.miscalibration.value, d.discrimination.value, d.uncertainty.value


@pytest.mark.parametrize("w, reduction, factor", [
    (None, "sum", N),
    (W, "sum", float(W.sum())),
    (W, "mean", float(W.sum()) / N),
])
def test_interval_and_decomposition_are_on_the_reduced_losss_scale(w, reduction, factor):
    per_row = stats("weighted-mean", w)
    reduced = stats(reduction, w)
    assert reduced.loss == pytest.approx(per_row.loss * factor, rel=1e-12)
    assert reduced.ci95.low == pytest.approx(per_row.ci95.low * factor, rel=1e-12)
    assert reduced.ci95.high == pytest.approx(per_row.ci95.high * factor, rel=1e-12)
    assert reduced.ci95.low < reduced.loss < reduced.ci95.high
    mcb, dsc, unc = terms(reduced)
    assert mcb - dsc + unc == pytest.approx(reduced.loss, rel=1e-9)
    for a, b in zip(terms(reduced), terms(per_row)):
        assert a == pytest.approx(b * factor, rel=1e-12)
    # The guide's bar places the loss per row, whatever the reduction.
    assert reduced.guide.loss == pytest.approx(per_row.guide.loss, rel=1e-12)
    assert reduced.guide.band == per_row.guide.band
    note = statistics_json(reduced)["methods"]["scale"]
    assert f"'{reduction}'" in note and f"{factor:.6g}" in note
    assert "scale" not in statistics_json(per_row)["methods"]
    # The window's Statistics tab says it under the interval.
    ci_line = {line.key: line for line in statistic_lines(reduced)}["ci95"]
    assert f"{factor:.6g}" in ci_line.explanation
    assert "Σ w" not in {line.key: line for line in statistic_lines(per_row)}["ci95"].explanation


def test_the_default_reduction_changes_nothing():
    """Without weights the torch mean is the weighted mean: no factor, no note."""
    plain, torch = stats("weighted-mean", policy="torch"), stats(None, policy="torch")
    assert LossOptions(policy=make_policy("torch")).reduction_used == "mean"
    assert torch.ci95 == plain.ci95 and torch.decomposition == plain.decomposition
    assert "scale" not in torch.notes


def _write(path, w=None):
    head = "actual,predicted" + (",weight" if w is not None else "")
    rows = [f"{a:g},{p!r}" + (f",{c!r}" if w is not None else "")
            for a, p, c in zip(Y, P.tolist(), (w if w is not None else Y).tolist())]
    path.write_text(head + "\n" + "\n".join(rows) + "\n")
    return path


@pytest.mark.parametrize("chunk_rows", [None, 97])
def test_streamed_statistics_are_scaled_like_in_memory(tmp_path, chunk_rows):
    path = _write(tmp_path / "w.csv", W)
    out = {}
    for reduction in ("weighted-mean", "sum"):
        opts = LossOptions(reduction=reduction)
        r = stream_compute(path, opts, chunk_rows=chunk_rows, metrics=MetricsSettings())
        out[reduction] = r.summary
    factor = float(math.fsum(W.tolist()))
    per_row, total = out["weighted-mean"], out["sum"]
    assert total["loss"] == pytest.approx(per_row["loss"] * factor, rel=1e-12)
    assert total["ci95"] == pytest.approx([v * factor for v in per_row["ci95"]], rel=1e-12)
    assert total["ci95"][0] < total["loss"] < total["ci95"][1]
    d = total["decomposition"]
    assert d["miscalibration"] - d["discrimination"] + d["uncertainty"] == pytest.approx(
        total["loss"], rel=1e-6)
    for key in ("miscalibration", "discrimination", "uncertainty"):
        assert d[key] == pytest.approx(per_row["decomposition"][key] * factor, rel=1e-9)
    assert "'sum'" in total["methods"]["scale"] and "scale" not in per_row["methods"]


def test_a_comparison_under_sum_has_its_intervals_on_the_same_scale():
    b = np.clip(P + RNG.normal(0, 0.1, N), 0.01, 0.99)
    cols = {"actual": NumericColumn(Y), "A": NumericColumn(P), "B": NumericColumn(b)}
    ds = Dataset(cols, Schema.binary("actual", ("A", "B")))
    runs = {}
    for reduction in ("weighted-mean", "sum"):
        opts = LossOptions(reduction=reduction)
        runs[reduction] = compare(ComparisonColumns.of(ds, evaluate(ds, opts)), 0, MetricsSettings())
    per_row, total = runs["weighted-mean"], runs["sum"]
    for m, m1 in zip(total.models, per_row.models):
        assert m.loss == pytest.approx(m1.loss * N, rel=1e-12)
        assert m.ci95.low < m.loss < m.ci95.high
        assert (m.ci95.low, m.ci95.high) == pytest.approx((m1.ci95.low * N, m1.ci95.high * N), rel=1e-12)
    d, d1 = total.differences[0], per_row.differences[0]
    assert d.difference.value == pytest.approx(d1.difference.value * N, rel=1e-9)
    assert (d.ci95.low, d.ci95.high) == pytest.approx((d1.ci95.low * N, d1.ci95.high * N), rel=1e-12)
