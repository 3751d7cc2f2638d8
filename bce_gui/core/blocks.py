"""The totals of a table read in pieces: blocks of a streamed file, slices of a Parquet file, the
parts of a data set, the partitions a cluster evaluates.

Each piece becomes a :class:`~bce_gui.core.dataset.Dataset` and is evaluated by
:func:`~bce_gui.core.evaluate.evaluate`, the function the window and ``compute`` use for a whole
file; :class:`BlockTotals` keeps only what merges: the piece's exact
:class:`~bce_gui.core.accumulate.Accumulator` and its :class:`~bce_gui.core.accumulate.RowReport`
(the first invalid cells and infinite rows, exact counts). Pieces merged in row order give, to
the last digit, the totals of one pass over everything: the sums are exact and order-free, the
counts integers, and the lists are cut at the same place. A ``BlockTotals`` pickles, so a cluster
worker returns one and the client merges them with :meth:`BlockTotals.merge`.

With ``metrics_settings`` (``compute`` without ``--no-stats``), each piece's valid rows of the
first model also fill a :class:`~bce_gui.core.metrics.MetricsAccumulator` (the statistics of
issue 11), merged the same way, so a streamed file, a data set and a cluster's partitions give
the statistics of one file (counts exactly, float sums to rounding; see the accumulator).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from .accumulate import Accumulator, RowReport
from .dataset import Dataset
from .evaluate import LIST_LIMIT, Evaluation, evaluate
from .loss import LossOptions, LossTotals
from .metrics_settings import MetricsSettings
from .schema import Task
from .prediction_kinds import PredictionKinds
from .summary import column_roles

if TYPE_CHECKING:  # (the statistics' modules are imported where they run: see add_evaluation)
    from .metrics.insight import Insight, MetricsAccumulator

#: Called with each evaluated piece (the window's summary of a large data set collects its
#: worst rows and statistics this way); it runs where the piece was evaluated.
Visit = Callable[[Dataset, Evaluation], None]


@dataclass
class BlockTotals:
    """The merged aggregates of evaluated pieces of one table (see the module docstring).

    ``name``: for a data set of several files, the file these pieces come from (each listed
    row then names it). ``rows`` counts the data rows read (blank ones excluded)."""

    name: str | None = None
    accumulator: Accumulator | None = None
    report: RowReport = field(default_factory=lambda: RowReport(limit=LIST_LIMIT))
    weighted: bool = False
    #: The task of the pieces (their schema's; the first piece with rows decides it).
    task: Task | None = None
    #: The columns each role was read from (the first piece's: see summary.column_roles).
    columns: dict | None = None
    #: What the first model's predicted values look like (binary tasks; see the summary).
    kinds: PredictionKinds = field(default_factory=PredictionKinds)
    rows: int = 0
    n_blocks: int = 0
    #: Things worth a look, one sentence each, keyed as ImportInfo.warnings keys them.
    warnings: dict[str, str] = field(default_factory=dict)
    #: What the statistics depend on (None: the loss only, no statistics kept).
    metrics_settings: MetricsSettings | None = None
    #: The statistics of the first model's valid rows, merged as ``accumulator`` is.
    metrics: MetricsAccumulator | None = None
    #: The statistics last computed from ``metrics`` (options, Insight): the bootstrap and the
    #: sort behind them run once for the summary and the caller.
    _insight: tuple | None = field(default=None, repr=False, compare=False)

    def add(self, dataset: Dataset, options: LossOptions, visit: Visit | None = None,
            room: int | None = None, on_binned=None) -> Evaluation:
        """Evaluate one piece (its rows come after those added before) and keep its totals.
        ``room``: how many rows the lists of the totals this piece will be merged into still
        take (rows beyond are counted, not looked up); by default, these totals' own room.
        ``on_binned``: see :attr:`~.metrics.insight.MetricsAccumulator.on_binned`."""
        ev = evaluate(dataset, options)
        self.add_evaluation(dataset, ev, room, on_binned)
        if visit is not None:
            visit(dataset, ev)
        return ev

    def room(self) -> int:
        """How many more rows the longest-free of the row lists takes."""
        report = self.report
        return max(report.limit - len(report.issues),
                   report.limit - len(report.infinite_rows[0]),
                   report.limit - len(report.off_sum), 0)

    def add_evaluation(self, dataset: Dataset, ev: Evaluation, room: int | None = None,
                       on_binned=None) -> None:
        self.n_blocks += 1
        self.rows += len(dataset)
        if self.accumulator is None:
            self.accumulator = ev.accumulator.copy()
            self.weighted = dataset.weight is not None
            self.task = dataset.schema.task
            self.columns = column_roles(dataset.schema)  # (the summary's "columns")
        else:
            self.accumulator.merge(ev.accumulator)
        if dataset.schema.task.is_binary:
            self.kinds.add(dataset.predicted.values)
        if self.metrics_settings is not None:
            from .metrics.table import ModelColumns, add_rows, new_metrics_accumulator

            block = new_metrics_accumulator(ev.options, dataset.weight is not None,
                                            self.metrics_settings)
            block.on_binned = on_binned
            add_rows(block, ModelColumns.of(dataset, ev))
            block.on_binned = None
            if self.metrics is None:
                self.metrics = block
            else:
                self.metrics.merge(block)
            self._insight = None
        # Only as many rows as the lists still have room for are looked up (row numbers cost).
        piece = ev.row_report(dataset, limit=self.room() if room is None else room)
        if self.name is not None:
            piece.name_file(self.name)
        self.report.merge(piece)

    def merge(self, other: "BlockTotals") -> "BlockTotals":
        """Add the totals of pieces that come after these (a later part or partition)."""
        if other.accumulator is not None:
            if self.accumulator is None:
                self.accumulator = other.accumulator.copy()
                self.weighted = other.weighted
                self.task = other.task
                self.columns = other.columns
            else:
                self.accumulator.merge(other.accumulator)
        if other.metrics is not None:
            # (taken over, not copied: ``other`` is a finished piece nobody adds to again)
            if self.metrics is None:
                self.metrics = other.metrics
            else:
                self.metrics.merge(other.metrics)
            self.metrics_settings = self.metrics_settings or other.metrics_settings
            self._insight = None
        self.report.merge(other.report)
        self.kinds.merge(other.kinds)
        self.rows += other.rows
        self.n_blocks += other.n_blocks
        for key, text in other.warnings.items():
            self.warnings.setdefault(key, text)
        return self

    @property
    def empty(self) -> bool:
        return self.accumulator is None

    def totals(self, options: LossOptions) -> LossTotals:
        return self.accumulator.result(options)

    def summary(self, options: LossOptions, source: str | None = None,
                classes_given: bool = False) -> dict:
        """The ``compute --json`` summary of everything merged (K classes: raises as
        :func:`check_classes_present` does, ``classes_given`` meaning ``--classes``), with the
        statistics' keys when they were kept."""
        from .summary import build_summary

        check_classes_present(self.accumulator, self.task, options, classes_given)

        acc = self.accumulator
        binary = self.task is None or self.task.is_binary
        out = build_summary(options, self.totals(options), self.report, weighted=self.weighted,
                            source=source, warnings=list(self.warnings.values()),
                            task=self.task, breakdown=None if binary else acc.breakdown(),
                            columns=self.columns, kinds=self.kinds if binary else None)
        out.update(self.statistics_keys(options))
        return out

    def insight(self, options: LossOptions) -> Insight | None:
        """The statistics of the rows merged (None when none were kept), with the loss, the
        baseline and the base rate of the loss accumulator's totals."""
        if self.metrics is None or self.accumulator is None:
            return None
        if self._insight is None or self._insight[0] != options:
            from .metrics.table import streamed_insight

            self._insight = (options, streamed_insight(self.metrics, self.totals(options)))
        return self._insight[1]

    def statistics_keys(self, options: LossOptions) -> dict:
        """The keys the statistics add to ``compute --json`` ({} when none were kept)."""
        ins = self.insight(options)
        if ins is None:
            return {}
        from .metrics.table import statistics_json

        return statistics_json(ins, self.metrics_settings)


def check_classes_present(totals_acc, task, options: LossOptions, classes_given: bool) -> None:
    """scikit-learn's ``log_loss`` refuses a class that never occurs in the actual column
    unless ``labels=`` lists every class: under the sklearn convention without ``--classes``,
    ``compute`` says so (raises :class:`~bce_gui.core.class_labels.ClassesError`)."""
    if task is None or task.is_binary:
        return
    from .multiclass import require_every_class

    rows = np.asarray([b["rows"] for b in totals_acc.breakdown()], dtype=np.int64)
    index = np.repeat(np.arange(rows.size), np.minimum(rows, 1))  # one row per class present
    require_every_class(index, task.classes, options, classes_given)
