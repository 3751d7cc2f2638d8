"""``compute --engine dask`` on a real local Dask cluster (two worker processes): each partition
evaluated by the single-machine function, the partial sums merged on the client, the result
equal to one machine's to the last digit; errors and Ctrl+C cancel the tasks."""

from __future__ import annotations

import sys
import time

import numpy as np
import polars as pl
import pytest

from bce_gui.core.io import ReadOptions, TableReadError
from bce_gui.core.loss import LossOptions
from bce_gui.core.partitions import compute_source
from bce_gui.core.policies import make_policy

distributed = pytest.importorskip("distributed")
from bce_gui.core import cluster  # noqa: E402

pytestmark = pytest.mark.slow

READ = ReadOptions(load_ids=False, load_extras=False)


@pytest.fixture(scope="module")
def client():
    c = cluster.start_client(workers=2)
    yield c
    cluster._close(c)


@pytest.fixture(scope="module")
def data_set(tmp_path_factory):
    """Parquet parts with weights, invalid cells, p = 0 rows; and the same as CSV parts."""
    tmp = tmp_path_factory.mktemp("cluster")
    rng = np.random.default_rng(11)
    folders = {"parquet": tmp / "pq", "csv": tmp / "csv"}
    for f in folders.values():
        f.mkdir()
    for k in range(4):
        n = 5000 + 37 * k
        p = rng.random(n).astype(object)
        p[::307] = 0.0
        p[::1201] = "n/a"
        df = pl.DataFrame({"actual": (rng.random(n) < 0.3).astype(np.int64),
                           "predicted": [str(v) for v in p],
                           "weight": rng.choice([0.0, 0.5, 1.0, 3.0], n)})
        df.write_parquet(folders["parquet"] / f"part-{k}.parquet", row_group_size=999)
        df.write_csv(folders["csv"] / f"part-{k}.csv")
    return folders


OPTIONS = [LossOptions(), LossOptions(policy=make_policy("sklearn")),
           LossOptions(policy=make_policy("torch")), LossOptions(policy=make_policy("keras")),
           LossOptions(policy=make_policy("custom", 1e-4), reduction="sum")]


@pytest.mark.parametrize("kind", ["parquet", "csv"])
def test_the_cluster_gives_the_single_machine_result_to_the_last_digit(client, data_set, kind):
    for options in OPTIONS:
        local = compute_source(data_set[kind], options, READ).summary
        seen = []
        # Small partitions (1500 rows of Parquet), so that tasks finish out of order.
        remote = cluster.cluster_compute(data_set[kind], options, READ, client=client,
                                         rows_per_partition=1500,
                                         progress=lambda f, rows: seen.append((f, rows))).summary
        assert remote == local  # every key: sums, counts, the invalid and infinite lists
        assert seen[-1] == (1.0, local["n"] + local["n_invalid"])
        assert [f for f, _ in seen] == sorted(f for f, _ in seen)
    assert local["n_invalid"] > 4 and local["invalid"][0]["file"] == "part-0." + kind


@pytest.mark.parametrize("kind", ["parquet", "csv"])
def test_the_cluster_gives_the_single_machine_statistics(client, data_set, kind):
    """Each worker returns its partitions' statistics accumulator with the sums; merged in
    partition order they give the single-machine statistics (float sums to rounding)."""
    from bce_gui.core.metrics.table import MetricsSettings

    settings = MetricsSettings(n_resamples=200, seed=9)
    options = LossOptions(policy=make_policy("sklearn"))
    local = compute_source(data_set[kind], options, READ, metrics=settings).summary
    remote = cluster.cluster_compute(data_set[kind], options, READ, client=client,
                                     rows_per_partition=1500, metrics=settings).summary
    assert set(remote) == set(local) and "brier" in local and local["not_defined"] == {}
    assert local["by_policy"]["exact"] == "inf"  # (p = 0 rows: the exact loss is infinite)

    def close(a, b, where):
        if isinstance(a, dict):
            assert a.keys() == b.keys(), where
            for k in a:
                close(a[k], b[k], f"{where}.{k}")
        elif isinstance(a, list):
            assert len(a) == len(b), where
            for x, z in zip(a, b):
                close(x, z, where)
        elif isinstance(a, float) and isinstance(b, float):
            assert a == pytest.approx(b, rel=1e-12), where
        else:
            assert a == b, where

    close(remote, local, "summary")


def test_huge_weights_on_the_cluster_say_what_one_machine_says(client, tmp_path):
    """A weight past 1e150 in one partition of several: the workers' statistics merged on the
    client say why nothing is defined, as one machine does (which squared no weight either:
    see tests/core/test_stream.py)."""
    from bce_gui.core.metrics.columns import HUGE_WEIGHTS
    from bce_gui.core.metrics.table import MetricsSettings

    for k, w in enumerate(([1.0, 1.0], [2.0, 1e200], [1.0, 1.0])):
        pl.DataFrame({"actual": [1, 0], "predicted": [0.9, 0.2 + 0.1 * k],
                      "weight": w}).write_parquet(tmp_path / f"part-{k}.parquet")
    settings = MetricsSettings(n_resamples=100)
    local = compute_source(tmp_path, LossOptions(), READ, metrics=settings).summary
    remote = cluster.cluster_compute(tmp_path, LossOptions(), READ, client=client,
                                     rows_per_partition=1, metrics=settings).summary
    assert remote == local
    assert len(local["not_defined"]) == 14
    assert all(HUGE_WEIGHTS in why for why in local["not_defined"].values())


def test_a_worker_error_reaches_the_client_as_the_same_error(client, tmp_path):
    pl.DataFrame({"actual": [1], "predicted": [0.5]}).write_parquet(tmp_path / "a.parquet")
    (tmp_path / "b.parquet").write_bytes(b"PAR1" + b"\0" * 64)
    with pytest.raises(TableReadError, match="b.parquet"):
        cluster.cluster_compute(tmp_path, LossOptions(), READ, client=client)


def test_ctrl_c_cancels_the_tasks(client, data_set):
    def interrupt(fraction, rows):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        cluster.cluster_compute(data_set["parquet"], LossOptions(), READ, client=client,
                                rows_per_partition=500, progress=interrupt)
    deadline = time.monotonic() + 30
    while client.run_on_scheduler(lambda dask_scheduler: len(dask_scheduler.tasks)):
        assert time.monotonic() < deadline, "the cancelled tasks are still on the scheduler"
        client.run_on_scheduler(lambda dask_scheduler: None)  # (a round trip, not a sleep)


def test_without_dask_the_engine_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed -> ImportError
    with pytest.raises(cluster.ClusterError) as err:
        cluster.start_client()
    assert str(err.value) == ("--engine dask needs Dask, which is not installed: "
                              "pip install 'bce-lab[cluster]'")
