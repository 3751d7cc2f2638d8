"""The statistics of issue 11 wherever ``compute`` reads rows: one CSV read in blocks, a Parquet
file read in slices, a folder or glob of parts, pieces merged as a cluster's workers return them
(pickled), and K-class files (Brier summed over classes, one-vs-rest macro AUC, the most
probable class's accuracy, top-label ECE; the decomposition and the conventions binary only,
with the reason). Values are checked against scikit-learn or the definitions written out here.
"""

from __future__ import annotations

import json
import pickle

import numpy as np
import polars as pl
import pytest
from _metrics_data import breast_cancer_oof, multiclass_oof
from sklearn.metrics import accuracy_score, brier_score_loss, log_loss, roc_auc_score

from bce_gui.cli import main
from bce_gui.core.blocks import BlockTotals
from bce_gui.core.dataset import Dataset, NumericColumn
from bce_gui.core.io import ReadOptions
from bce_gui.core.large import subset
from bce_gui.core.loss import LossOptions
from bce_gui.core.metrics.table import MetricsSettings
from bce_gui.core.multiclass import categorical_log_loss
from bce_gui.core.partitions import compute_source
from bce_gui.core.policies import make_policy
from bce_gui.core.schema import Schema

READ = ReadOptions(load_ids=False, load_extras=False)
SETTINGS = MetricsSettings(n_resamples=300, seed=4)
#: The keys the statistics add to compute --json.
KEYS = {"brier", "auc", "accuracy", "threshold", "ece", "ci95", "worst_share", "decomposition",
        "by_policy", "not_defined", "methods"}
FLOATS = ("brier", "auc", "accuracy", "ece")


def run_json(capsys, *args) -> dict:
    assert main(["compute", *map(str, args), "--json", "--bootstrap", "300", "--seed", "4"]) == 0
    return json.loads(capsys.readouterr().out)


def same_statistics(a: dict, b: dict, rel: float = 1e-12) -> None:
    """The statistics' keys of two summaries: the same keys, the same numbers (float sums
    merged in another order may differ in the last digits)."""
    assert KEYS <= set(a) and KEYS <= set(b)
    for key in FLOATS:
        assert (a[key] is None) == (b[key] is None), key
        if a[key] is not None:
            assert a[key] == pytest.approx(b[key], rel=rel), key
    assert a["not_defined"] == b["not_defined"]
    assert a["threshold"] == b["threshold"] and a["methods"] == b["methods"]
    for key in ("ci95", "worst_share", "decomposition", "by_policy"):
        close(a[key], b[key], rel, key)


def close(a, b, rel: float, where: str) -> None:
    """JSON values equal, their floats to ``rel`` (None and "inf" exactly)."""
    if isinstance(a, dict):
        assert a.keys() == b.keys(), where
        for k in a:
            close(a[k], b[k], rel, f"{where}.{k}")
    elif isinstance(a, list):
        assert len(a) == len(b), where
        for i, (x, z) in enumerate(zip(a, b)):
            close(x, z, rel, f"{where}[{i}]")
    elif isinstance(a, float) and isinstance(b, float):
        assert a == pytest.approx(b, rel=rel), where
    else:
        assert a == b, where


def top_label_ece(y: np.ndarray, P: np.ndarray) -> float:
    """The issue's ECE over the most probable class's p: 10 equal bins, the last with 1.0."""
    conf = P.max(axis=1)
    right = (P.argmax(axis=1) == y).astype(float)
    b = np.minimum((conf * 10).astype(int), 9)
    return sum(abs(np.sum(right[b == k] - conf[b == k])) for k in range(10)) / len(y)


# --------------------------------------------------------------------------------------------
# Binary: Parquet, data sets, pieces merged as from workers
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def breast(tmp_path_factory):
    """The breast-cancer out-of-fold predictions with weights and an invalid cell: one CSV, one
    Parquet file, a folder of three Parquet parts and three CSV parts."""
    y, p = breast_cancer_oof()
    w = np.random.default_rng(3).gamma(2.0, 0.5, y.size)
    tmp = tmp_path_factory.mktemp("breast")
    cells = [repr(float(v)) for v in p]
    cells[17] = "n/a"  # an invalid row: excluded from the loss and from the statistics
    frame = pl.DataFrame({"actual": y.astype(np.int64), "predicted": cells, "weight": w})
    frame.write_csv(tmp / "all.csv")
    frame.write_parquet(tmp / "all.parquet", row_group_size=100)
    (tmp / "pq").mkdir()
    (tmp / "csv").mkdir()
    cuts = [0, 150, 400, y.size]
    for k, (a, b) in enumerate(zip(cuts[:-1], cuts[1:])):
        frame[a:b].write_parquet(tmp / "pq" / f"part-{k}.parquet")
        frame[a:b].write_csv(tmp / "csv" / f"part-{k}.csv")
    keep = np.arange(y.size) != 17
    return tmp, (y[keep], p[keep], w[keep])


def test_parquet_folders_and_globs_give_the_statistics_of_one_file(breast, capsys):
    tmp, (y, p, w) = breast
    one = run_json(capsys, tmp / "all.csv")
    assert one["brier"] == pytest.approx(brier_score_loss(y, p, sample_weight=w), rel=1e-12)
    assert one["auc"] == pytest.approx(roc_auc_score(y, p, sample_weight=w), rel=1e-12)
    for source in (tmp / "all.parquet", tmp / "pq", tmp / "pq" / "part-*.parquet", tmp / "csv",
                   tmp / "csv" / "*.csv"):
        got = run_json(capsys, source)
        assert got["loss"] == pytest.approx(one["loss"], rel=1e-15), source
        same_statistics(got, one)
    # Slices of 50 rows: many pieces merged, the same statistics.
    sliced = compute_source(tmp / "all.parquet", LossOptions(), READ, chunk_rows=50,
                            metrics=SETTINGS)
    assert sliced.n_chunks > 5
    same_statistics(sliced.summary, compute_source(tmp / "all.csv", LossOptions(), READ,
                                                   metrics=SETTINGS).summary)


def test_without_statistics_the_data_set_summary_has_the_loss_keys_only(breast):
    tmp, _ = breast
    plain = compute_source(tmp / "pq", LossOptions(), READ)
    full = compute_source(tmp / "pq", LossOptions(), READ, metrics=SETTINGS)
    assert plain.insight is None and full.insight is not None
    assert set(full.summary) - set(plain.summary) == KEYS
    assert {k: full.summary[k] for k in plain.summary} == plain.summary


def categorical(n=600, k=4, seed=5) -> Dataset:
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, k, n)
    columns = {"label": NumericColumn(values=labels.astype(float))}
    p = rng.dirichlet(np.ones(k), n)
    names = tuple(f"p_{c}" for c in range(k))
    for c, name in enumerate(names):
        columns[name] = NumericColumn(values=p[:, c])
    columns["label"].values[7] = 55.0  # no class: invalid
    columns["w"] = NumericColumn(values=rng.random(n) * 2)
    return Dataset(columns, Schema.categorical(list(range(k)), "label", {"m": names}, weight="w"))


def binary(n=600, seed=6) -> Dataset:
    rng = np.random.default_rng(seed)
    p = rng.random(n)
    p[::50] = 0.0
    return Dataset.from_arrays((rng.random(n) < 0.4).astype(float), p, weights=rng.random(n))


@pytest.mark.parametrize("make", [categorical, binary])
@pytest.mark.parametrize("options", [LossOptions(), LossOptions(policy=make_policy("sklearn"))])
def test_pieces_pickled_and_merged_give_the_statistics_of_the_whole(make, options):
    """What the Dask engine does: each worker's BlockTotals (with its statistics) pickled back
    and merged in partition order."""
    dataset = make()
    whole = BlockTotals(metrics_settings=SETTINGS)
    whole.add(dataset, options)
    cuts = [0, 1, 250, 251, 500, len(dataset)]
    merged = BlockTotals()  # (as merge_in_order starts: no settings of its own)
    for a, b in zip(cuts[:-1], cuts[1:]):
        piece = BlockTotals(metrics_settings=SETTINGS)
        piece.add(subset(dataset, np.arange(a, b)), options)
        merged.merge(pickle.loads(pickle.dumps(piece)))
    same_statistics(merged.statistics_keys(options), whole.statistics_keys(options))
    base = {k: v for k, v in whole.summary(options).items() if k not in KEYS}
    assert {k: v for k, v in merged.summary(options).items() if k not in KEYS} == base


# --------------------------------------------------------------------------------------------
# K classes
# --------------------------------------------------------------------------------------------


def class_file(tmp_path, y, P, name="k.csv", logits=False):
    k = P.shape[1]
    values = np.log(P) + 0.7 if logits else P  # logits: any constant per row gives the softmax
    lines = ["actual," + ",".join(f"p_c{c}" for c in range(k))]
    lines += [f"c{int(a)}," + ",".join(repr(float(v)) for v in row) for a, row in zip(y, values)]
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize("dataset", ["wine", "iris"])
def test_k_class_statistics_match_sklearn_and_the_definitions(tmp_path, capsys, dataset):
    y, P = multiclass_oof(dataset)
    out = run_json(capsys, class_file(tmp_path, y, P))
    onehot = np.eye(P.shape[1])[y]
    assert out["brier"] == pytest.approx(np.mean(np.sum((P - onehot) ** 2, axis=1)), rel=1e-12)
    assert out["brier"] == pytest.approx(brier_score_loss(y, P), rel=1e-12)  # sklearn >= 1.7
    assert out["auc"] == pytest.approx(roc_auc_score(y, P, multi_class="ovr", average="macro"),
                                       rel=1e-12)
    assert out["accuracy"] == pytest.approx(accuracy_score(y, P.argmax(axis=1)), rel=1e-12)
    assert out["threshold"] is None
    assert out["ece"] == pytest.approx(top_label_ece(y, P), rel=1e-12)
    low, high = out["ci95"]
    assert low < out["loss"] < high
    # No reference for the K-class decomposition: null, with its reason, never NaN.
    assert set(out["decomposition"].values()) == {None}
    assert "binary tasks only" in out["not_defined"]["decomposition.miscalibration"]
    # The conventions: the chosen one is the loss; scikit-learn's is its own log_loss, live;
    # PyTorch's and Keras' the K-class engine's (tested against the libraries' reference values
    # in tests/core/test_multiclass_reference.py).
    assert out["by_policy"]["exact"] == out["loss"]
    assert out["by_policy"]["sklearn"] == pytest.approx(
        log_loss(y, P, labels=list(range(P.shape[1]))), rel=1e-12)
    for name in ("torch", "keras"):
        assert out["by_policy"][name] == pytest.approx(
            categorical_log_loss(y, P, policy=name), rel=1e-12)
    assert not any(key.startswith("by_policy") for key in out["not_defined"])
    assert "one-vs-rest" in out["methods"]["auc"] and "top-label" in out["methods"]["ece"]
    assert "summed over the classes" in out["methods"]["brier"]


def test_k_class_logits_are_read_through_the_softmax(tmp_path, capsys):
    y, P = multiclass_oof("wine")
    probabilities = run_json(capsys, class_file(tmp_path, y, P))
    logits = run_json(capsys, class_file(tmp_path, y, P, "z.csv", logits=True), "--logits")
    for key in FLOATS:
        assert logits[key] == pytest.approx(probabilities[key], rel=1e-9), key


def test_k_class_renormalised_rows_are_what_the_statistics_read(tmp_path, capsys):
    y, P = multiclass_oof("iris")
    scaled = P * np.where(np.arange(len(y)) % 3 == 0, 0.8, 1.0)[:, None]  # rows summing to 0.8
    got = run_json(capsys, class_file(tmp_path, y, scaled), "--renormalize")
    assert got["n"] == len(y) and got["n_renormalized"] == 50
    assert got["brier"] == pytest.approx(brier_score_loss(y, P), rel=1e-9)
    assert got["ece"] == pytest.approx(top_label_ece(y, P), rel=1e-9)


def test_k_class_statistics_stream_and_merge(tmp_path):
    y, P = multiclass_oof("wine")
    path = class_file(tmp_path, y, P)
    whole = compute_source(path, LossOptions(), READ, metrics=SETTINGS)
    blocks = compute_source(path, LossOptions(), READ, chunk_rows=7, metrics=SETTINGS)
    assert blocks.n_chunks > 20
    same_statistics(blocks.summary, whole.summary)


def test_two_class_columns_give_statistics_not_a_crash(tmp_path, capsys):
    """p_0, p_1 is a K = 2 table (the binary loss): the statistics read it in the K-class form,
    whose AUC is the binary one when the rows sum to 1."""
    y, p = breast_cancer_oof()
    P = np.column_stack([1 - p, p])
    path = tmp_path / "k2.csv"
    path.write_text("actual,p_0,p_1\n" + "".join(
        f"{int(a)},{float(1 - v)!r},{float(v)!r}\n" for a, v in zip(y, p)))
    out = run_json(capsys, path)
    assert out["auc"] == pytest.approx(roc_auc_score(y, p), rel=1e-9)
    assert out["brier"] == pytest.approx(np.mean(np.sum((P - np.eye(2)[y.astype(int)]) ** 2, 1)),
                                         rel=1e-12)
    assert "binary tasks only" in out["not_defined"]["decomposition.miscalibration"]
    blocks = compute_source(path, LossOptions(), READ, chunk_rows=50, metrics=SETTINGS)
    same_statistics(blocks.summary, compute_source(path, LossOptions(), READ,
                                                   metrics=SETTINGS).summary)


def test_the_human_summary_names_the_k_class_forms(tmp_path, capsys):
    y, P = multiclass_oof("iris")
    assert main(["compute", str(class_file(tmp_path, y, P))]) == 0
    text = capsys.readouterr().out
    for words in ("per class", "Brier (summed over classes)", "ROC AUC (one-vs-rest, macro)",
                  "accuracy (most probable class)", "ECE (top-label)", "95% interval",
                  "decomposed   the decomposition is computed for binary tasks only",
                  "conventions  exact "):
        assert words in text, words
    assert "nan" not in text.lower()


# --------------------------------------------------------------------------------------------
# The interval drawn ahead by a stream's last block
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("weighted", [False, True])
def test_a_streams_interval_drawn_ahead_is_the_interval_of_its_rows(tmp_path, monkeypatch,
                                                                    weighted):
    """A CSV read in many blocks draws its interval as soon as the last block's losses are
    binned, from the histogram the blocks will make; it is taken only for those very rows,
    and it is the interval the merged histogram gives when drawn afresh."""
    from bce_gui.core.metrics.bootstrap import HistogramBootstrap
    from bce_gui.core.stream import stream_compute

    rng = np.random.default_rng(16)
    n = 30_000
    frame = pl.DataFrame({"actual": (rng.random(n) < 0.3).astype(np.int64),
                          "predicted": rng.random(n), "weight": rng.gamma(2.0, 0.5, n)})
    if not weighted:
        frame = frame.drop("weight")
    frame.write_csv(tmp_path / "rows.csv")
    adopted = []
    adopt = HistogramBootstrap.adopt
    monkeypatch.setattr(HistogramBootstrap, "adopt",
                        lambda self, *a: adopted.append(adopt(self, *a)) or adopted[-1])
    got = stream_compute(tmp_path / "rows.csv", LossOptions(), READ, block_bytes=40_000,
                         metrics=SETTINGS)
    assert got.n_chunks > 10 and adopted == [True]
    afresh = got.blocks.metrics.bootstrap.copy().result()
    assert got.summary["ci95"] == [afresh.low, afresh.high]
    # a histogram with other rows keeps its own interval
    other = got.blocks.metrics.bootstrap.copy()
    assert not other.adopt(HistogramBootstrap(weighted), None)
    assert other.result().low == afresh.low
