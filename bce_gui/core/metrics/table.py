"""The statistics of a table: from a dataset and its evaluation to :func:`insight` and back.

Why: the window, the report and ``compute`` all show the statistics of the same rows the loss
was computed on (the valid rows of one model), and the window must map what the statistics
point at (the worst rows, the rows behind a parity sentence, the rows of a calibration bin)
back to the table's rows. This module is that bridge, in one place:

* :class:`~bce_gui.core.metrics_settings.MetricsSettings` (defined there, light for the
  command line): what the user chooses (the accuracy's threshold, the bootstrap's resamples
  and seed);
* :class:`ModelColumns`: one model's columns and their evaluation *as read at one moment*
  (references, not copies: a background job reads them while the user keeps editing; an
  insertion or deletion replaces the arrays, never changes the ones captured);
* :func:`table_insight`: every statistic of those rows, with the table row of each
  (:class:`TableInsight`);
* :func:`new_metrics_accumulator` / :func:`add_rows`: the same for a file read block by block
  (``compute`` on a streamed file), merged like the loss accumulator;
* :func:`statistics_json`: the keys ``compute --json`` gains.

The loss, the baseline and the base rate always come from the loss accumulator's totals
(:func:`insight` builds them with the one accumulator; a stream passes its merged totals).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..loss import LossOptions, LossTotals
from .calibration import bin_index
from .columns import top_label, Columns
from .insight import Insight, MetricsAccumulator, insight, probabilities, to_json
from ..metrics_settings import MetricsSettings


@dataclass(frozen=True)
class ValidRows:
    """The valid rows of one model as the statistics take them: labels (binary: the label in
    [0, 1]; K classes: the class index), predictions (one column, or (n, K)), the rows' loss
    under the options, weights (None: unweighted), and ``index``: the table row of each."""

    y: np.ndarray
    p: np.ndarray
    losses: np.ndarray
    w: np.ndarray | None
    index: np.ndarray
    #: K classes: the (n, K) predictions as the table holds them (``p`` is what the
    #: statistics read: the softmax of logits, rows renormalised where the convention does);
    #: the conventions' comparison starts from these. None for a binary model.
    raw: np.ndarray | None = None


@dataclass(frozen=True)
class ModelColumns:
    """One model's columns of a table and of its evaluation, as read at one moment.

    ``labels``: binary, the actual column (labels in [0, 1]); K classes, the class index of
    each row (-1: no class). ``predicted``: the model's prediction columns (one, or K).
    ``loss``: the model's row losses (NaN where excluded); ``valid``: the rows counted.
    """

    options: LossOptions
    labels: np.ndarray
    predicted: tuple[np.ndarray, ...]
    loss: np.ndarray
    valid: np.ndarray
    weight: np.ndarray | None = None

    @classmethod
    def of(cls, dataset, evaluation, model: int = 0) -> "ModelColumns":
        """From a dataset and its :class:`~bce_gui.core.evaluate.Evaluation` or
        :class:`~bce_gui.core.live.LiveEvaluation` (whose labels are kept, so nothing is
        computed here: cheap on the window's thread)."""
        from ..evaluate import evaluated_labels, evaluated_losses

        cols = tuple(dataset.columns[c].values for c in dataset.schema.models[model].columns)
        return cls(options=evaluation.options, labels=evaluated_labels(dataset, evaluation),
                   predicted=cols, loss=evaluated_losses(evaluation)[model], valid=evaluation.validity.valid,
                   weight=dataset.weights)

    @property
    def binary(self) -> bool:
        return len(self.predicted) == 1

    @property
    def n_rows(self) -> int:
        return int(self.valid.size)

    def rows(self, copy: bool = True) -> ValidRows:
        """The valid rows: copies, safe from edits made while they are read (``copy=False``:
        the columns themselves when every row is valid, for data nobody edits)."""
        valid = np.array(self.valid, dtype=bool)
        n = valid.size
        everything = bool(valid.all())
        index = np.arange(n, dtype=np.int64) if everything else np.flatnonzero(valid)

        def take(a: np.ndarray, copy: bool = copy) -> np.ndarray:
            a = a[:n]
            if everything:
                return a.copy() if copy else a
            return a[valid]

        y = take(self.labels)
        # (column_stack makes the one copy of the class columns)
        raw = None if self.binary else np.column_stack([take(c, False) for c in self.predicted])
        p = take(self.predicted[0]) if self.binary else self._class_probabilities(raw)
        w = None if self.weight is None else take(self.weight)
        return ValidRows(y=y, p=p, losses=take(self.loss), w=w, index=index, raw=raw)

    def _class_probabilities(self, matrix: np.ndarray) -> np.ndarray:
        """K classes: the probabilities the statistics read (the softmax of logits, rows
        renormalised where the convention does; see
        :func:`~bce_gui.core.multiclass.class_probabilities`)."""
        from ..multiclass import class_probabilities

        return class_probabilities(matrix, self.options)

    def class1_probability(self) -> np.ndarray:
        """Per table row, the probability the calibration diagram bins it by: p of class 1
        (binary; the sigmoid of a logit), or the top-label confidence (K classes)."""
        if self.binary:
            return probabilities(self.predicted[0], self.options.logits)
        matrix = self._class_probabilities(np.column_stack([c[:self.n_rows]
                                                            for c in self.predicted]))
        _correct, conf = top_label(Columns(np.zeros(self.n_rows, dtype=np.int64), matrix))
        return conf

    def calibration_bin_rows(self, b: int, n_bins: int | None = None) -> np.ndarray:
        """The valid table rows in calibration bin ``b`` (as :func:`~.calibration.bin_index`
        places them): what a click on a bin of the reliability diagram selects."""
        p = self.class1_probability()
        kw = {} if n_bins is None else {"n_bins": n_bins}
        inside = (bin_index(np.where(self.valid, p, 0.0), **kw) == b) & self.valid
        return np.flatnonzero(inside)


@dataclass(frozen=True)
class TableInsight:
    """The statistics of a table's valid rows, and the table row of each of them.

    ``insight`` indexes rows among the valid rows (0..n-1); ``index[i]`` is the table row of
    valid row i. The helpers below give table rows.
    """

    insight: Insight
    index: np.ndarray
    settings: MetricsSettings
    options: LossOptions

    def table_rows(self, rows) -> np.ndarray:
        """Table rows of rows numbered among the valid rows."""
        return self.index[np.asarray(rows, dtype=np.int64)]

    def worst_rows(self, fraction: float | None = None) -> np.ndarray:
        """The worst rows listed by the concentration (worst first), as table rows; with
        ``fraction``, only as many as the worst ``fraction`` of rows (⌈fraction·N⌉, at most
        the rows listed)."""
        conc = self.insight.concentration
        if conc is None:
            return np.zeros(0, dtype=np.int64)
        rows = conc.worst_rows
        if fraction is not None:
            rows = rows[:worst_count(self.insight.n, fraction)]
        return self.table_rows(rows)

    def parity_rows(self, key: str) -> np.ndarray:
        """The table rows behind a parity sentence (``Parity.rows[key]``)."""
        par = self.insight.parity
        if par is None or key not in par.rows:
            return np.zeros(0, dtype=np.int64)
        return self.table_rows(par.rows[key])


def worst_count(n: int, fraction: float) -> int:
    """How many rows are the worst ``fraction`` of n rows: ⌈fraction·n⌉, at least 1."""
    import math

    return min(n, max(1, math.ceil(fraction * n - 1e-9))) if n else 0


def table_insight(columns: ModelColumns, settings: MetricsSettings | None = None,
                  progress: Callable[[float, str], None] | None = None) -> TableInsight:
    """Every statistic of one model's valid rows (see :func:`~.insight.insight`)."""
    settings = settings or MetricsSettings()
    r = columns.rows()
    ins = insight(r.y, r.p, r.w, options=columns.options, losses=r.losses,
                  threshold=settings.threshold, n_resamples=settings.n_resamples,
                  seed=settings.seed, band_resamples=settings.band_resamples,
                  progress=progress, raw=r.raw)
    return TableInsight(ins, r.index, settings, columns.options)


# --------------------------------------------------------------------------------------------
# Streamed files
# --------------------------------------------------------------------------------------------


def new_metrics_accumulator(options: LossOptions, weighted: bool,
                            settings: MetricsSettings | None = None) -> MetricsAccumulator:
    """An empty accumulator of the statistics that stream (see :class:`MetricsAccumulator`)."""
    settings = settings or MetricsSettings()
    return MetricsAccumulator(options=options, weighted=weighted, threshold=settings.threshold,
                              n_resamples=settings.n_resamples, seed=settings.seed)


def add_rows(acc: MetricsAccumulator, columns: ModelColumns) -> MetricsAccumulator:
    """Add one block's (or partition's) valid rows of one model."""
    r = columns.rows(copy=False)
    return acc.update(r.y, r.p, r.losses, r.w, raw=r.raw)


def streamed_insight(acc: MetricsAccumulator, totals: LossTotals) -> Insight:
    """The statistics of the rows added, with the loss, baseline and base rate of the loss
    accumulator's totals (of the same rows)."""
    base_rate = totals.base_rate if len(totals.class_shares) == 2 else None
    return acc.result(totals.mean, totals.baseline, base_rate, scale=totals.scale)


# --------------------------------------------------------------------------------------------
# compute --json
# --------------------------------------------------------------------------------------------


def summary_statistics(dataset, evaluation, settings: MetricsSettings | None = None
                       ) -> tuple[Insight, dict]:
    """The statistics of an evaluated table as ``compute --json`` gives them, through the same
    accumulator as a streamed file (one block): a spreadsheet, a summary exported from the
    window and a CSV read in blocks give the same keys and numbers."""
    settings = settings or MetricsSettings()
    acc = new_metrics_accumulator(evaluation.options, dataset.weight is not None, settings)
    add_rows(acc, ModelColumns.of(dataset, evaluation))
    ins = streamed_insight(acc, evaluation.totals)
    return ins, statistics_json(ins, settings)


#: How the statistics read K classes, as ``methods`` says in ``compute --json``.
MULTICLASS_FORMS = {
    "brier": "summed over the classes: mean of sum_k (p_k - [actual = k])^2 (0 to 2)",
    "auc": "one-vs-rest, unweighted mean over the classes (scikit-learn's multi_class='ovr', "
           "average='macro')",
    "accuracy": "the most probable class (no threshold)",
    "ece": "top-label: 10 equal bins of the most probable class's p, against how often that "
           "class was the actual one",
}


def statistics_json(ins: Insight, settings: MetricsSettings | None = None) -> dict:
    """The keys ``compute --json`` gains (:func:`~.insight.to_json`), and ``methods``: how the
    interval and the AUC were computed (resamples and seed included), so a result can be
    reproduced."""
    settings = settings or MetricsSettings()
    out = to_json(ins)
    ci = ins.ci95
    methods = {
        "ci95": f"{ci.method or 'percentile bootstrap'}; {ci.n_resamples or settings.n_resamples}"
                f" resamples, seed {settings.seed}",
        "auc": ins.notes.get("auc", "exact (all rows sorted)"),
    }
    for key in ("decomposition", "scale"):
        if key in ins.notes:
            methods[key] = ins.notes[key]
    if ins.categorical:
        methods = {**methods, **MULTICLASS_FORMS,
                   "auc": f"{MULTICLASS_FORMS['auc']}; {methods['auc']}"}
    out["methods"] = methods
    return out
