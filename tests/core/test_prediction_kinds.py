"""What the predicted values look like, said in the summary when it contradicts how they are
read: logits read as probabilities, probabilities read as logits, hard 0/1 predictions. The same
sentence in memory and streamed in blocks (the counts merge)."""

from __future__ import annotations

import numpy as np
import pytest

from bce_gui.core.io import ReadOptions, read_table
from bce_gui.core.evaluate import evaluate
from bce_gui.core.loss import LossOptions
from bce_gui.core.prediction_kinds import MIN_VALUES, PredictionKinds
from bce_gui.core.stream import stream_compute
from bce_gui.core.summary import summary_dict

RNG = np.random.default_rng(5)
Y = (RNG.random(40) < 0.5).astype(int)


def write(tmp_path, values, name="k.csv"):
    path = tmp_path / name
    path.write_text("actual,predicted\n" + "".join(f"{a},{v!r}\n" for a, v in zip(Y, values)))
    return path


def said(path, options=LossOptions()):
    ds, info = read_table(path, ReadOptions(load_ids=False, load_extras=False))
    whole = summary_dict(ds, evaluate(ds, options), warnings=list(info.warnings.values()))
    for chunk_rows in (None, 7):
        streamed = stream_compute(path, options, chunk_rows=chunk_rows).summary
        assert streamed["warnings"] == whole["warnings"]
    return [w for w in whole["warnings"] if "invalid row" not in w]


def test_logits_read_as_probabilities(tmp_path):
    z = RNG.normal(0, 3, Y.size).tolist()
    (text,) = said(write(tmp_path, z))
    outside = sum(1 for v in z if not 0 <= v <= 1)
    assert text.startswith(f"{outside:,} of the {Y.size} predicted values") and "--logits" in text
    assert said(write(tmp_path, z), LossOptions(logits=True)) == []


def test_probabilities_read_as_logits(tmp_path):
    p = RNG.uniform(0.01, 0.99, Y.size).tolist()
    assert said(write(tmp_path, p)) == []
    (text,) = said(write(tmp_path, p), LossOptions(logits=True))
    assert text.startswith(f"every predicted value ({Y.size}) lies between 0 and 1")


def test_hard_predictions(tmp_path):
    hard = [float(v) for v in (RNG.random(Y.size) < 0.5)]
    (text,) = said(write(tmp_path, hard))
    assert "0 or 1: these look like predicted classes" in text
    assert said(write(tmp_path, hard[:-1] + [0.5])) == []  # one probability: not all hard


def test_a_few_rows_prove_nothing(tmp_path):
    path = tmp_path / "few.csv"
    path.write_text("actual,predicted\n1,3.0\n0,-2.0\n1,1\n")
    assert MIN_VALUES > 3 and said(path) == []


def test_counts_merge_and_skip_what_is_not_a_finite_number():
    a = PredictionKinds.of(np.array([0.0, 1.0, np.nan, np.inf, 2.0]))
    assert (a.n, a.outside, a.hard) == (3, 1, 2)
    a.merge(PredictionKinds.of(np.array([0.5, -1.0])))
    assert (a.n, a.outside, a.hard) == (5, 2, 2)
