"""``compute --engine dask``: the partitions of a data set evaluated on a Dask cluster.

Each partition (:mod:`.partitions`) is one task running
:func:`~bce_gui.core.partitions.evaluate_partition`, the function the single-machine path runs,
so a worker computes exactly what one machine would for those rows and returns a
:class:`~bce_gui.core.blocks.BlockTotals` (exact partial sums, counts, at most 1000 listed rows).
The client merges them in partition order: the result equals the single-machine result to the
last digit, whatever the number of workers and the order the tasks finish in.

Without an address a local cluster is started (worker processes on this machine, one thread
each: numpy and polars release the GIL, but a process per core keeps the Python parts apart
too); with one, the client connects to that scheduler, whose workers must be able to read the
paths (a shared folder, or URLs their file systems know) and have bce-lab installed. Dask is
an optional extra (``pip install 'bce-lab[cluster]'``); nothing else imports it.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from .blocks import BlockTotals
from .io import NoDataRows, ReadOptions
from .io.datasets import Part, is_url, resolve
from .loss import LossOptions
from .metrics_settings import MetricsSettings
from .partitions import PARTITION_ROWS, Partition, check_parts, evaluate_partition, merge_in_order, plan

INSTALL_HINT = "pip install 'bce-lab[cluster]'"
#: How long the client waits for a scheduler to answer (seconds).
CONNECT_TIMEOUT = 15

Progress = Callable[[float, int], None]


class ClusterError(Exception):
    """The cluster cannot be used (Dask missing, no scheduler at the address); one sentence."""


def dask_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("distributed") is not None


def _distributed():
    try:
        import distributed
    except ImportError:
        raise ClusterError(f"--engine dask needs Dask, which is not installed: {INSTALL_HINT}") from None
    return distributed


def start_client(scheduler: str | None = None, workers: int | None = None):
    """A Dask client: connected to ``scheduler``, or to a new local cluster of ``workers``
    processes (default: one per core). The caller closes it (and its local cluster)."""
    distributed = _distributed()
    if scheduler:
        try:
            return distributed.Client(scheduler, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ClusterError(f"cannot reach the Dask scheduler at {scheduler} ({exc})") from None
    n = workers or os.cpu_count() or 1
    cluster = distributed.LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                       dashboard_address=None, silence_logs=logging.ERROR)
    return distributed.Client(cluster)


def cluster_compute(source: str | os.PathLike | list, options: LossOptions,
                    read_options: ReadOptions | None = None, *, scheduler: str | None = None,
                    workers: int | None = None, chunk_rows: int | None = None,
                    progress: Progress | None = None, label: str | None = None,
                    rows_per_partition: int = PARTITION_ROWS, client=None,
                    metrics: MetricsSettings | None = None):
    """The ``compute`` summary of a file or data set, its partitions evaluated on a Dask
    cluster (a :class:`~bce_gui.core.stream.StreamResult`). ``progress(fraction, rows)`` is
    called as partitions finish. A KeyboardInterrupt cancels the tasks and is raised again.
    ``client``: an existing Dask client to use (left open). ``metrics``: the statistics too,
    each worker's accumulator returned with its totals and merged in partition order."""
    from .stream import StreamResult

    read_options = replace(read_options or ReadOptions(), progress=None, is_cancelled=None)
    data = resolve(source)
    check_parts(data, read_options)
    partitions = [_for_workers(p) for p in plan(data, rows_per_partition)]
    own = client is None
    if own:
        client = start_client(scheduler, workers)
    try:
        results = _run(client, partitions, options, read_options, chunk_rows, progress, metrics)
    finally:
        if own:
            _close(client)
    blocks = merge_in_order(results)
    s = label or str(source)
    if blocks.empty:
        raise NoDataRows(s, "has no data rows" if data.several else "has a header but no data rows")
    return StreamResult(summary=blocks.summary(options, s, read_options.classes is not None),
                        totals=blocks.totals(options),
                        streamed=True, n_chunks=blocks.n_blocks, blocks=blocks,
                        insight=blocks.insight(options))


def _for_workers(partition: Partition) -> Partition:
    """The partition with an absolute path (a worker's working folder is not ours)."""
    part = partition.part
    if is_url(part.path):
        return partition
    return replace(partition, part=Part(str(Path(part.path).resolve()), part.kind, part.label))


def _run(client, partitions: list[Partition], options, read_options, chunk_rows,
         progress: Progress | None, metrics: MetricsSettings | None = None
         ) -> dict[int, BlockTotals]:
    distributed = _distributed()
    token = uuid.uuid4().hex[:8]
    futures = {
        client.submit(evaluate_partition, p, options, read_options, chunk_rows=chunk_rows,
                      metrics=metrics, key=f"bce-lab-{token}-{p.index}", pure=False): p
        for p in partitions
    }
    total = sum(p.weight for p in partitions) or 1.0
    done = 0.0
    rows = 0
    results: dict[int, BlockTotals] = {}
    try:
        for future in distributed.as_completed(list(futures)):
            partition = futures[future]
            part_totals = future.result()  # (a worker's TableReadError is raised here)
            results[partition.index] = part_totals
            done += partition.weight
            rows += part_totals.rows
            if progress is not None:
                progress(min(1.0, done / total), rows)
    except BaseException:
        # Ctrl+C, or one partition failed: the others are not wanted any more.
        client.cancel(list(futures), force=True)
        raise
    return results


def _close(client) -> None:
    cluster = getattr(client, "cluster", None)
    try:
        client.close()
    finally:
        if cluster is not None:
            cluster.close()
