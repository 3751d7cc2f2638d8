"""BlockTotals: pieces of a table evaluated apart (blocks, slices, partitions on workers, sent
pickled) and merged in order give the totals and row lists of one evaluation of the whole,
for a binary table with weights and for K classes and several models alike."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from bce_gui.core.blocks import BlockTotals
from bce_gui.core.dataset import Dataset, NumericColumn
from bce_gui.core.evaluate import evaluate
from bce_gui.core.large import subset
from bce_gui.core.loss import LossOptions
from bce_gui.core.policies import make_policy
from bce_gui.core.schema import Schema


def categorical(n=900, k=4, seed=5) -> Dataset:
    """K classes, two models, weights, a label that is no class and a zero probability."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, k, n)
    columns = {"label": NumericColumn(values=labels.astype(float) * 10)}
    models = {}
    for m in ("a", "b"):
        p = rng.dirichlet(np.ones(k), n)
        names = tuple(f"{m}_{c}" for c in range(k))
        for c, name in enumerate(names):
            columns[name] = NumericColumn(values=p[:, c])
        models[m] = names
    columns["label"].values[7] = 55.0  # no class: invalid
    columns["a_0"].values[labels == 0] = np.where(np.arange((labels == 0).sum()) == 3, 0.0,
                                                   columns["a_0"].values[labels == 0])
    columns["w"] = NumericColumn(values=rng.random(n) * 2)
    schema = Schema.categorical([10 * c for c in range(k)], "label", models, weight="w")
    return Dataset(columns, schema)


def binary(n=900, seed=6) -> Dataset:
    rng = np.random.default_rng(seed)
    p = rng.random(n)
    p[::50] = 0.0
    return Dataset.from_arrays((rng.random(n) < 0.4).astype(float), p, weights=rng.random(n))


@pytest.mark.parametrize("make", [categorical, binary])
@pytest.mark.parametrize("options", [LossOptions(), LossOptions(policy=make_policy("sklearn"))])
def test_pieces_merged_in_order_are_the_whole(make, options):
    dataset = make()
    whole = BlockTotals()
    whole.add(dataset, options)
    cuts = [0, 1, 250, 251, 700, len(dataset)]
    pieces = []
    for a, b in zip(cuts[:-1], cuts[1:]):
        piece = BlockTotals()
        piece.add(subset(dataset, np.arange(a, b)), options)
        pieces.append(pickle.loads(pickle.dumps(piece)))  # as a worker returns it
    merged = BlockTotals()
    for piece in pieces:
        merged.merge(piece)
    assert merged.accumulator.results(options) == whole.accumulator.results(options)
    assert merged.report == whole.report and merged.rows == len(dataset)
    assert merged.summary(options) == whole.summary(options)
    ev = evaluate(dataset, options)
    assert merged.accumulator.results(options) == ev.model_totals()
