"""Which model's predictions are better on the same rows, and is the difference real.

Why: an analyst with two models rarely asks "what is the loss" but "is B better than A on these
rows, and by how much". The two losses are *paired* (the same rows, the same labels), so the
question is answered by the row-by-row differences, not by two separate intervals.

What, for the models of one table (its schema's models, scored on the rows every model can be
scored on: a row invalid for one model is left out for all):

* the **leaderboard**: each model's loss under the options, its 95% bootstrap interval, the
  Brier score, ROC AUC and ECE (:mod:`~bce_gui.core.metrics`), sorted by loss;
* for each other model against the **reference**: the paired difference of mean loss
  (other − reference: negative means the other model is better) with a paired bootstrap 95%
  interval (:func:`~bce_gui.core.metrics.paired_bootstrap_ci`: each resample takes the same
  rows for both models), and the share of rows where the other model's row loss is lower;
* the rows where the two disagree most (largest |Δ row loss|), as table rows;
* the row losses of two models side by side for a scatter (:func:`loss_scatter`: the points,
  or at scale a 2-D histogram on log axes).

The comparison holds its losses in nats (``compute --json`` writes them so); what the window
and the report show (:func:`leaderboard_cells`, :func:`difference_cells`,
:func:`disagreement_cells`, :meth:`PairedDifference.sentence`, :func:`loss_scatter`) is in the
units asked for, "nats" or "bits", and says which. Brier, AUC, ECE and the shares of rows are
not losses: no unit.

Binary and K classes alike: the row losses come from the one loss engine (the evaluation), the
statistics from :mod:`~bce_gui.core.metrics`. The difference is of the losses as reduced under
the options; its interval, like the loss's own (``ci95``), is that of the weighted mean
Σw·Δ/Σw (the same number without weights, or under the weighted mean).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .formatting import json_number
from .loss import LossOptions, LossTotals, rescales, to_units
from .metrics.auc import roc_auc
from .metrics.bootstrap import bootstrap_ci, paired_bootstrap_ci
from .metrics.insight import probabilities
from .metrics.result import Interval, Stat
from .metrics.scores import scores
from .metrics.table import MetricsSettings
from .schema import PREDICTED, ROLE_TITLES

#: Rows listed where two models disagree most.
DISAGREEMENTS = 100
#: Up to this many rows a scatter draws every row; beyond, a 2-D histogram.
SCATTER_POINTS = 20_000
#: The 2-D histogram's bins per axis, and its log10 range of row loss (smaller losses, and 0,
#: are drawn in the lowest bin, larger ones and ∞ in the highest).
SCATTER_BINS = 120
SCATTER_RANGE = (-4.0, 2.0)


@dataclass(frozen=True)
class ComparisonColumns:
    """Every model's columns of a table and of its evaluation, as read at one moment
    (references, as :class:`~bce_gui.core.metrics.table.ModelColumns`: a background job copies
    the valid rows it reads).

    ``labels``: binary, the actual column; K classes, the class index of each row.
    ``predicted[m]``: model m's prediction columns; ``losses[m]``: its row losses (NaN where
    excluded); ``valid``: the rows every model is scored on.
    """

    options: LossOptions
    names: tuple[str, ...]
    labels: np.ndarray
    predicted: tuple[tuple[np.ndarray, ...], ...]
    losses: tuple[np.ndarray, ...]
    valid: np.ndarray
    weight: np.ndarray | None = None

    @classmethod
    def of(cls, dataset, evaluation, titled: bool = False) -> "ComparisonColumns":
        """From a dataset and its evaluation (an :class:`~bce_gui.core.evaluate.Evaluation` or
        the window's :class:`~bce_gui.core.live.LiveEvaluation`); ``titled``: the models named
        as the window's table titles them (:func:`display_names`)."""
        from .evaluate import evaluated_labels, evaluated_losses

        schema = dataset.schema
        losses = evaluated_losses(evaluation)
        return cls(options=evaluation.options, names=tuple(display_names(schema, titled)),
                   labels=evaluated_labels(dataset, evaluation),
                   predicted=tuple(tuple(dataset.columns[c].values for c in m.columns)
                                   for m in schema.models),
                   losses=tuple(losses), valid=evaluation.validity.valid,
                   weight=dataset.weights)

    @property
    def n_models(self) -> int:
        return len(self.names)


def display_names(schema, titled: bool = False) -> list[str]:
    """What a model is called: its column (binary), or its name (K classes, whose model has one
    column per class), as ``compute`` names it (the columns its command line names).

    ``titled``: as the window's table titles the models (its Compare tab, report and penalty
    curve): the first model "Predicted" whatever its file column is called ("predicted",
    "prob"), the others as above, so that a model has one name whether it came from the worked
    example or a file."""
    if schema.task.is_binary:
        names = [m.columns[0] for m in schema.models]
    else:
        names = [m.name for m in schema.models]
    if titled and names and ROLE_TITLES[PREDICTED] not in names[1:]:  # (else two "Predicted")
        names[0] = ROLE_TITLES[PREDICTED]
    return names


@dataclass(frozen=True)
class ModelScore:
    """One model's line of the leaderboard. ``index``: the model's place in the schema."""

    index: int
    column: str
    loss: float
    ci95: Interval
    brier: Stat
    auc: Stat
    ece: Stat
    n: int

    def json(self) -> dict:
        def stat(s: Stat):
            return s.json()

        return {"column": self.column, "loss": json_number(self.loss), "ci95": self.ci95.json(),
                "brier": stat(self.brier), "auc": stat(self.auc), "ece": stat(self.ece),
                "n": self.n}


@dataclass(frozen=True)
class PairedDifference:
    """Another model against the reference on the same rows.

    ``difference`` = its loss − the reference's (negative: this model is better); ``ci95`` the
    paired bootstrap interval of it; ``better_share`` / ``worse_share``: the share of rows
    (weighted by the sample weights where given) where this model's row loss is lower / higher
    than the reference's (ties, both ∞ included, are neither). ``rows``: the table rows where
    the two disagree most, largest |Δ row loss| first, and ``deltas`` their Δ (this − reference).
    """

    index: int
    column: str
    reference: str
    loss: float
    reference_loss: float
    difference: Stat
    ci95: Interval
    better_share: Stat
    worse_share: Stat
    n: int
    rows: np.ndarray
    deltas: np.ndarray

    def json(self) -> dict:
        """The object ``compute --json`` writes under ``compare``."""
        return {"column": self.column, "loss": json_number(self.loss),
                "difference": self.difference.json(), "ci95": self.ci95.json(),
                "better_share": self.better_share.json(), "n": self.n}

    def sentence(self, units: str = "nats") -> str:
        """One plain sentence on what the interval says, the difference in ``units``."""
        from .formatting import fmt_number, with_units

        d = self.difference
        if not d.defined:
            return f"{self.column} against {self.reference}: {d.reason}"
        value = with_units(fmt_number(to_units(d.value, _checked(units)), 4), units)
        if not self.ci95.defined:
            return (f"{self.column} − {self.reference} = {value}; "
                    f"no interval: {self.ci95.reason}")
        ci = interval_in_units(self.ci95, units)
        span = f"95% interval {fmt_number(ci.low, 3)} to {fmt_number(ci.high, 3)} {units}"
        low, high = self.ci95.low, self.ci95.high
        if high < 0:
            verdict = f"{self.column} is better than {self.reference}"
        elif low > 0:
            verdict = f"{self.column} is worse than {self.reference}"
        else:
            verdict = "the difference could be 0 (the interval holds 0)"
        return f"{self.column} − {self.reference} = {value} ({span}): {verdict}"


@dataclass(frozen=True)
class Comparison:
    """The models of a table compared (see the module docstring)."""

    models: tuple[ModelScore, ...]
    reference: int
    differences: tuple[PairedDifference, ...]
    n: int
    settings: MetricsSettings
    options: LossOptions
    #: The table row of each row the comparison scored (the valid rows).
    index: np.ndarray
    #: Each model's row losses over those rows (nats), for the scatter (:func:`loss_scatter`
    #: gives them in the units shown).
    row_losses: tuple[np.ndarray, ...]
    #: Sample weights were given: the shares of rows are shares of the weight.
    weighted: bool = False

    @property
    def leaderboard(self) -> list[ModelScore]:
        """The models sorted by loss, lowest first (an infinite or undefined loss last; ties
        keep the table's order)."""
        def key(m: ModelScore):
            return (math.isnan(m.loss), m.loss if not math.isnan(m.loss) else 0.0, m.index)

        return sorted(self.models, key=key)

    def difference(self, index: int) -> PairedDifference | None:
        """The paired difference of model ``index`` against the reference."""
        return next((d for d in self.differences if d.index == index), None)

    def compare_json(self):
        """``compute --json``'s ``compare``: an object for one other model, a list for several
        (in the order the models were given)."""
        out = [d.json() for d in self.differences]
        return out[0] if len(out) == 1 else out

    def leaderboard_json(self) -> list[dict]:
        return [m.json() for m in self.leaderboard]


def _valid_rows(columns: ComparisonColumns):
    valid = np.array(columns.valid, dtype=bool)
    n = valid.size
    index = np.flatnonzero(valid)

    def take(a):
        return np.asarray(a)[:n][valid]

    y = take(columns.labels)
    w = None if columns.weight is None else take(columns.weight)
    preds = []
    for cols in columns.predicted:
        preds.append(take(cols[0]) if len(cols) == 1 else np.column_stack([take(c) for c in cols]))
    losses = [take(l) for l in columns.losses]
    return index, y, preds, losses, w


def _totals(losses: np.ndarray, y: np.ndarray, w, options: LossOptions, n_classes: int) -> LossTotals:
    from .accumulate import Accumulator

    acc = Accumulator(n_classes=n_classes, weighted=w is not None, by_class=False)
    acc.update(losses, y, w)
    return acc.result(options)


def _shares(d: np.ndarray, w) -> tuple[Stat, Stat]:
    better, worse = d < 0, d > 0  # NaN (∞ − ∞) is neither
    if w is None:
        n = d.size
        if n == 0:
            none = Stat.undefined("not defined: there are no rows to compare")
            return none, none
        return Stat.of(np.count_nonzero(better) / n), Stat.of(np.count_nonzero(worse) / n)
    total = float(np.sum(w))
    if not total > 0:
        none = Stat.undefined("not defined: the weights of the rows sum to 0")
        return none, none
    return Stat.of(float(np.sum(w[better])) / total), Stat.of(float(np.sum(w[worse])) / total)


def largest_disagreements(d: np.ndarray, k: int = DISAGREEMENTS) -> np.ndarray:
    """Positions of the k largest |d| (∞ first; NaN, where both losses are ∞, never), largest
    first, ties in row order."""
    size = np.where(np.isnan(d), -1.0, np.abs(d))
    k = min(k, int(np.count_nonzero(size >= 0)))
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    part = np.argpartition(-size, k - 1)[:k] if k < size.size else np.arange(size.size)
    return part[np.lexsort((part, -size[part]))]


def _on_loss_scale(ci: Interval, totals) -> Interval:
    """A bootstrap interval of the weighted mean per row on the scale of the loss it is shown
    beside: times the reduction's factor (``LossTotals.scale``: Σ w for ``sum``, Σ w / N for
    ``mean``; every model has the same rows and weights, so the same factor)."""
    factor = totals.scale
    return ci.scaled(factor) if rescales(factor) else ci


def compare(columns: ComparisonColumns, reference: int = 0,
            settings: MetricsSettings | None = None, *, top: int = DISAGREEMENTS,
            progress: Callable[[float, str], None] | None = None) -> Comparison:
    """Every model of ``columns`` scored on the same valid rows, and each other model against
    model ``reference`` (see the module docstring)."""
    settings = settings or MetricsSettings()
    step = progress or (lambda _f, _what: None)
    if not 0 <= reference < columns.n_models:
        raise ValueError(f"there is no model {reference}")
    index, y, preds, losses, w = _valid_rows(columns)
    options = columns.options
    categorical = preds[0].ndim == 2
    n_classes = preds[0].shape[1] if categorical else 2
    y_stat = y.astype(np.int64) if categorical else y
    scores_out = []
    totals = []
    for m, (name, p, loss) in enumerate(zip(columns.names, preds, losses)):
        step(m / (2 * columns.n_models), f"statistics of {name}")
        t = _totals(loss, y_stat, w, options, n_classes)
        totals.append(t)
        prob = p if categorical else probabilities(p, options.logits)
        sc = scores(y_stat, prob, w, settings.threshold)
        auc = roc_auc(y_stat, p, w)
        ci = (_on_loss_scale(bootstrap_ci(loss, w, n_resamples=settings.n_resamples,
                                          seed=settings.seed), t)
              if settings.n_resamples else Interval.undefined("no interval: --bootstrap 0"))
        scores_out.append(ModelScore(m, name, t.mean, ci, sc.brier, auc, sc.calibration.ece,
                                     t.n))
    diffs = []
    ref = losses[reference]
    for m in range(columns.n_models):
        if m == reference:
            continue
        step(0.5 + m / (2 * columns.n_models), f"{columns.names[m]} against the reference")
        with np.errstate(invalid="ignore"):
            d = losses[m] - ref
        a, b = totals[m].mean, totals[reference].mean
        if math.isinf(a) and math.isinf(b):
            diff = Stat.undefined("not defined: both losses are infinite (rows of probability 0 "
                                  "for the actual class)")
        else:
            diff = Stat.of(a - b)
        ci = (_on_loss_scale(paired_bootstrap_ci(losses[m], ref, w,
                                                 n_resamples=settings.n_resamples,
                                                 seed=settings.seed), totals[m])
              if settings.n_resamples else Interval.undefined("no interval: --bootstrap 0"))
        better, worse = _shares(d, w)
        top_rows = largest_disagreements(d, top)
        diffs.append(PairedDifference(
            m, columns.names[m], columns.names[reference], a, b, diff, ci, better, worse,
            int(d.size), index[top_rows], d[top_rows]))
    return Comparison(tuple(scores_out), reference, tuple(diffs), int(y.size), settings,
                      options, index, tuple(losses), weighted=w is not None)


def comparison_json(dataset, evaluation, settings: MetricsSettings | None = None,
                    join=None) -> dict:
    """The keys ``compute --json`` adds to a summary when it compares models, for ``dataset``
    and its evaluation: ``reference`` (the first model: the summary's own numbers are its),
    ``compare`` (:meth:`Comparison.compare_json`), ``leaderboard`` and, for tables joined by
    ID, ``join`` (``join``: a :class:`~bce_gui.core.join.JoinReport`). Empty when no row can
    be scored. ``compute`` and the window's summary export both call this: they agree."""
    if evaluation.totals.n == 0:
        return {}
    result = compare(ComparisonColumns.of(dataset, evaluation), 0, settings)
    out = {"reference": result.models[0].column, "compare": result.compare_json(),
           "leaderboard": result.leaderboard_json()}
    if join is not None:
        out["join"] = join.json()
    return out


# --------------------------------------------------------------------------------------------
# What the views draw
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scatter:
    """Row loss of model A (x) against model B (y), in ``units``, on log10 axes.

    Few rows: ``x``, ``y`` (log10 of each row's loss, clamped to :data:`SCATTER_RANGE`) and
    ``rows`` (the table rows). Many: the non-empty cells of a 2-D histogram, ``x``, ``y`` their
    centres and ``counts`` their rows (``rows`` None).
    """

    x: np.ndarray
    y: np.ndarray
    rows: np.ndarray | None
    counts: np.ndarray | None
    n: int
    low: float = SCATTER_RANGE[0]
    high: float = SCATTER_RANGE[1]
    units: str = "nats"

    @property
    def density(self) -> bool:
        return self.counts is not None


def _log_loss_axis(loss: np.ndarray, low: float, high: float) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        v = np.log10(loss)
    v = np.where(np.isnan(v), low, v)
    return np.clip(v, low, high)


def loss_scatter(comparison: Comparison, a: int, b: int, max_points: int = SCATTER_POINTS,
                 bins: int = SCATTER_BINS, units: str = "nats") -> Scatter:
    """Model ``a``'s row losses against model ``b``'s, over the rows compared, in ``units``
    (the axes' range, :data:`SCATTER_RANGE`, is of the losses in those units)."""
    low, high = SCATTER_RANGE
    la = to_units(comparison.row_losses[a], _checked(units))
    lb = to_units(comparison.row_losses[b], units)
    x, y = _log_loss_axis(la, low, high), _log_loss_axis(lb, low, high)
    n = int(x.size)
    if n <= max_points:
        return Scatter(x, y, comparison.index, None, n, units=units)
    counts, xe, ye = np.histogram2d(x, y, bins=bins, range=[[low, high], [low, high]])
    i, j = np.nonzero(counts)
    xc = (xe[i] + xe[i + 1]) / 2
    yc = (ye[j] + ye[j + 1]) / 2
    return Scatter(xc, yc, None, counts[i, j].astype(np.int64), n, units=units)


def row_points(dataset, options: LossOptions, losses, row: int, models=None,
               units: str = "nats") -> list[tuple[str, float, float]]:
    """Where the penalty curve draws row ``row`` for each model: (model, p of class 1, row loss
    in ``units``; the models named as the table titles them); binary tables only (a K-class row
    has no place on the two curves)."""
    from .penalty import probability_of_class1

    schema = dataset.schema
    if not schema.task.is_binary:
        return []
    names = display_names(schema, titled=True)
    out = []
    for m in (range(len(schema.models)) if models is None else models):
        x = float(probability_of_class1(
            np.asarray([dataset.columns[schema.models[m].columns[0]].values[row]]), options)[0])
        out.append((names[m], x, float(to_units(float(losses[m][row]), units))))
    return out


# --------------------------------------------------------------------------------------------
# More models in one table
# --------------------------------------------------------------------------------------------


class CompareError(ValueError):
    """A column cannot be compared (absent, already a role, not numbers); ``str`` says which."""


def _probability_like(cells, sample: int) -> bool:
    """The first ``sample`` non-empty cells of a text column are all probabilities (numbers
    in [0, 1]); an empty column is not."""
    from .dataset import parse_cells

    texts = [t for t in (str(c).strip() for c in cells[:4 * sample].tolist()) if t][:sample]
    if not texts:
        return False
    values = parse_cells(texts).values
    with np.errstate(invalid="ignore"):
        return bool(np.all((values >= 0.0) & (values <= 1.0)))


def prediction_like_extras(dataset, sample: int = 200) -> list[str]:
    """The extra columns that look like another model's predictions: their first ``sample``
    non-empty cells are all probabilities (numbers in [0, 1]). A table saved with several
    models reads back with the others as extra columns. Binary tables only (K-class models
    have a column per class: see :func:`models_in_extras`)."""
    if not dataset.schema.task.is_binary:
        return []
    return [name for name, cells in dataset.extras.items() if _probability_like(cells, sample)]


def models_in_extras(dataset, sample: int = 200) -> list:
    """The further models that a table's extra columns look like, as :class:`~.schema.Model`
    entries in the table's order: a table saved with several models reads back with the
    models after the first as extra columns, since a CSV or a sheet says nothing of roles.

    Binary: one model per column of :func:`prediction_like_extras`, named by its column.
    K classes: one model per name N whose columns ``N_<c>``, for every class column c of the
    first model (as "Add model column" and "Join predictions by ID" name them), are all extra
    columns of probabilities. Columns of other numbers (a score, a count) or text are left
    alone: they are not predictions. :func:`with_models` adds what this finds."""
    from .schema import Model

    schema = dataset.schema
    if schema.task.is_binary:
        return [Model(name, (name,)) for name in prediction_like_extras(dataset, sample)]
    extras = dataset.extras
    first = schema.models[0].columns
    suffix = "_" + first[0]
    out = []
    for name in list(extras):
        if not name.endswith(suffix) or len(name) == len(suffix):
            continue
        model = name[:-len(suffix)]
        cols = tuple(f"{model}_{c}" for c in first)
        if all(c in extras and _probability_like(extras[c], sample) for c in cols):
            out.append(Model(model, cols))
    return out


#: Problem cells a :class:`ModelColumnCheck` names (the first ones, in row order).
CHECK_NAMED = 3


@dataclass(frozen=True)
class ModelColumnCheck:
    """Whether a column can be a model: how many of its non-empty cells are predictions under
    the settings (probabilities in [0, 1], or finite numbers as logits), and the first cells
    that are not, as (row, text, why).

    A column can be a model when more than half of its non-empty cells are predictions: an
    analyst's column of probabilities with a typo or two is one (the typos' rows are left out
    and named), a column of notes or of ages is not (every row, or most, would leave the loss).
    """

    column: str
    logits: bool
    n_cells: int
    n_usable: int
    problems: tuple[tuple[int, str, str], ...]

    @property
    def can_be_model(self) -> bool:
        return 2 * self.n_usable > self.n_cells

    @property
    def n_problems(self) -> int:
        return self.n_cells - self.n_usable

    def _what(self, plural: bool = True) -> str:
        if self.logits:
            return "finite numbers (logits)" if plural else "a finite number (logit)"
        return "probabilities in [0, 1]" if plural else "a probability in [0, 1]"

    def _named(self, dataset, limit: int = CHECK_NAMED) -> str:
        named = []
        for row, text, why in self.problems[:limit]:
            ident = dataset.id_text(row) if dataset.ids is not None else ""
            where = f"row {row + 1}" + (f" (ID {ident})" if ident else "")
            named.append(f"{where}: {text!r}, {why}")
        more = "; …" if self.n_problems > len(named) else ""
        return "; ".join(named) + more

    def refusal(self, dataset) -> str:
        """Why the column cannot be a model (when :attr:`can_be_model` is False)."""
        if not self.n_cells:
            return f"column {self.column!r} is empty: it holds no predictions"
        return (f"column {self.column!r} cannot be a model: {self.n_usable:,} of its "
                f"{self.n_cells:,} non-empty cells are {self._what()} ({self._named(dataset, 1)}). "
                "A model's column holds its predicted "
                + ("logit" if self.logits else "probability of class 1") + " for each row")

    def sentence(self, dataset) -> str:
        """The cells of a model's column whose rows are left out, named by row ("" if none)."""
        n = self.n_problems
        if not n:
            return ""
        cells = f"1 cell is not {self._what(False)}" if n == 1 else f"{n:,} cells are not {self._what()}"
        return f"{cells}, so {'its row is' if n == 1 else 'their rows are'} left out: {self._named(dataset)}"


def check_model_column(dataset, name: str, logits: bool = False,
                       limit: int | None = None) -> ModelColumnCheck:
    """How far column ``name`` of ``dataset`` (text, or numbers) can be a model's predictions,
    read as :func:`add_models` reads it; ``limit``: look at the first rows only (a quick look,
    to offer the columns of a large table)."""
    return check_column(dataset.columns[name], name, logits, limit)


def check_column(col, name: str, logits: bool = False, limit: int | None = None) -> ModelColumnCheck:
    """:func:`check_model_column` of a column (a text array or a NumericColumn)."""
    from .dataset import NumericColumn, parse_cells
    from .validation import Reason, validate_predicted

    if isinstance(col, NumericColumn):
        if limit is not None:
            col = NumericColumn(col.values[:limit], {i: t for i, t in col.text.items() if i < limit})
    else:
        cells = parse_cells([str(t) for t in col[:limit].tolist()])
        col = NumericColumn(cells.values, cells.text)
    codes = validate_predicted(col, logits)
    filled = codes != Reason.MISSING
    bad = np.flatnonzero(filled & (codes != Reason.OK))[:CHECK_NAMED].tolist()
    return ModelColumnCheck(name, logits, int(np.count_nonzero(filled)),
                            int(np.count_nonzero(codes == Reason.OK)),
                            tuple((r, col.cell_text(r), Reason(int(codes[r])).message) for r in bad))


def add_models(dataset, columns, logits: bool = False):
    """The table with each of ``columns`` (extra text columns of a binary table, e.g. a second
    model's probabilities) read as numbers and added as one more model, in the order given.

    Cells that are not numbers are kept as typed (and reported as invalid, as in the first
    model's column). Raises :class:`CompareError` naming the column when it is absent, already
    a role's, or cannot be a model (:class:`ModelColumnCheck`: mostly text, or numbers that
    are no predictions under the settings, ``logits`` or probabilities), which would leave
    every row, or most, out of the loss.
    """
    from dataclasses import replace

    from .columns import ColumnError, resolve_column
    from .dataset import Dataset, NumericColumn, parse_cells
    from .schema import Model

    schema = dataset.schema
    if not schema.task.is_binary:
        raise CompareError("a K-class table's models each have one column per class: join "
                           "their predictions files by ID (--labels) instead")
    names = list(dataset.columns)
    new_columns = dict(dataset.columns)
    models = list(schema.models)
    for requested in columns:
        try:
            name = resolve_column(requested, names)
        except ColumnError as exc:
            raise CompareError(f"--compare {requested}: {exc}") from None
        role = schema.role_of(name)
        if role is not None or any(m.columns == (name,) for m in models):
            raise CompareError(f"--compare {requested}: column {name!r} is already the {role or 'predicted'} "
                               "column; name another model's column")
        col = new_columns[name]
        if not isinstance(col, NumericColumn):
            cells = parse_cells([str(t) for t in col.tolist()])
            col = NumericColumn(cells.values, cells.text)
        new_columns[name] = col
        check = check_column(col, name, logits)
        if not check.can_be_model:
            raise CompareError(f"--compare {requested}: {check.refusal(dataset)}")
        models.append(Model(name, (name,)))
    return Dataset(new_columns, replace(schema, models=tuple(models)),
                   source_rows=dataset.source_rows, first_row=dataset.first_row,
                   header_order=dataset.header_order, row_problems=dataset.row_problems)


def restore_models(dataset, models):
    """The table with the models after the first as they were (``models``: the
    ``Schema.to_dict()["models"]`` of a table written earlier, e.g. for recovery), each model's
    columns read as numbers. A model whose columns are not all in the table is skipped (its
    columns stay as they are): a file changed since must still open. Binary and K classes."""
    from .schema import Model

    wanted = []
    for entry in list(models or [])[1:]:
        try:
            wanted.append(Model(str(entry["name"]), tuple(str(c) for c in entry["columns"])))
        except (KeyError, TypeError):
            continue
    return with_models(dataset, wanted)


def with_models(dataset, models):
    """The table with ``models`` (:class:`~.schema.Model` entries, e.g. from
    :func:`models_in_extras`) added after its own, each model's columns read as numbers (cells
    that are not numbers are kept as typed, and reported as invalid). A model whose columns
    are not all extra columns of the table, or not one per class, is skipped. Binary and K
    classes; the table itself if nothing is added."""
    from dataclasses import replace

    from .dataset import Dataset, NumericColumn, parse_cells
    from .schema import Model

    schema = dataset.schema
    new_columns = dict(dataset.columns)
    kept = list(schema.models)
    taken = {c for m in kept for c in m.columns} | {n for n in (schema.actual, schema.weight, schema.id) if n}
    k = 1 if schema.task.is_binary else schema.task.n_classes
    for model in models:
        name, cols = model.name, tuple(model.columns)
        if len(cols) != k or any(c not in new_columns or c in taken for c in cols):
            continue
        for c in cols:
            col = new_columns[c]
            if not isinstance(col, NumericColumn):
                cells = parse_cells([str(t) for t in col.tolist()])
                new_columns[c] = NumericColumn(cells.values, cells.text)
        taken.update(cols)
        kept.append(Model(name, cols))
    if len(kept) == len(schema.models):
        return dataset
    return Dataset(new_columns, replace(schema, models=tuple(kept)),
                   source_rows=dataset.source_rows, first_row=dataset.first_row,
                   header_order=dataset.header_order, row_problems=dataset.row_problems)


def with_model_copy(dataset, name: str | None = None):
    """The table with one more model: a copy of the first model's column (named ``name``, or
    "Model 2", "Model 3", ...), or for K classes of its K class columns (``<name>_<column>``,
    as a joined predictions file's are named), to paste or type another model's predictions
    over, or to change and see what the change does (the same model before and after). A copy,
    not empty columns: an empty cell is invalid, and every row would leave the loss."""
    from dataclasses import replace

    from .dataset import Dataset, NumericColumn
    from .schema import Model

    k = len(dataset.schema.models) + 1
    base = name or f"Model {k}"
    name, j = base, 2
    first = dataset.schema.models[0].columns
    binary = dataset.schema.task.is_binary

    def names_for(model: str) -> tuple[str, ...]:
        return (model,) if binary else tuple(f"{model}_{c}" for c in first)

    taken = {m.name for m in dataset.schema.models}
    while name in taken or any(c in dataset.columns for c in names_for(name)):
        name, j = f"{base} ({j})", j + 1
    columns = dict(dataset.columns)
    for source, new in zip(first, names_for(name)):
        col = dataset.columns[source]
        columns[new] = NumericColumn(col.values.copy(), dict(col.text))
    schema = dataset.schema
    header = None if dataset.header_order is None else [*dataset.header_order, *names_for(name)]
    return Dataset(columns, replace(schema, models=schema.models + (Model(name, names_for(name)),)),
                   source_rows=dataset.source_rows, first_row=dataset.first_row,
                   header_order=header, row_problems=dataset.row_problems)


# --------------------------------------------------------------------------------------------
# Words and numbers as the window and the report show them
# --------------------------------------------------------------------------------------------

def leaderboard_header(units: str = "nats") -> tuple[str, ...]:
    """The leaderboard's column titles: the loss and its interval in ``units``."""
    return ("Model", f"Loss ({_checked(units)})", "95% interval", "Brier", "AUC", "ECE")


def difference_header(units: str = "nats") -> tuple[str, ...]:
    """The paired differences' column titles: Δ loss and its interval in ``units``."""
    return ("Model", f"Δ loss vs reference ({_checked(units)})", "95% interval (paired)",
            "Better on")


def disagreement_header(units: str = "nats") -> tuple[str, ...]:
    """The disagreeing rows' column titles: Δ row loss in ``units``."""
    return ("Row", "ID", f"Δ row loss ({_checked(units)})")


def _checked(units: str) -> str:
    if units not in ("nats", "bits"):
        raise ValueError(f"units must be nats or bits, not {units!r}")
    return units


def interval_in_units(ci: Interval, units: str) -> Interval:
    """An interval of a loss (nats) in ``units``."""
    return ci.scaled(to_units(1.0, _checked(units)))


def _loss(value: float | None, units: str) -> float | None:
    return None if value is None else to_units(value, units)


def _num(value: float | None, digits: int = 4) -> str:
    from .formatting import fmt_number

    if value is None:
        return "not defined"
    return fmt_number(value, digits)


def _interval(ci: Interval, digits: int = 3) -> str:
    if not ci.defined:
        return "not defined"
    return f"{_num(ci.low, digits)} to {_num(ci.high, digits)}"


def leaderboard_cells(comparison: Comparison, units: str = "nats") -> list[tuple[str, ...]]:
    """The leaderboard's rows, lowest loss first (the reference marked); the loss and its
    interval in ``units`` (:func:`leaderboard_header`)."""
    _checked(units)
    ref = comparison.models[comparison.reference].column
    out = []
    for m in comparison.leaderboard:
        name = m.column + (" (reference)" if m.column == ref else "")
        out.append((name, _num(_loss(m.loss, units)), _interval(interval_in_units(m.ci95, units)),
                    _num(m.brier.value), _num(m.auc.value), _num(m.ece.value)))
    return out


def difference_cells(comparison: Comparison, units: str = "nats") -> list[tuple[str, ...]]:
    """Each other model against the reference: Δ loss and its paired interval in ``units``
    (:func:`difference_header`), the share of rows where it is better."""
    _checked(units)
    out = []
    for d in comparison.differences:
        share = d.better_share
        of = "of the weight" if comparison.weighted else "of rows"
        better = ("not defined" if not share.defined
                  else f"{_num(share.value * 100.0, 3)}% {of}")
        out.append((d.column, _num(_loss(d.difference.value, units)),
                    _interval(interval_in_units(d.ci95, units)), better))
    return out


def undefined_reasons(comparison: Comparison) -> list[str]:
    """Why a number of the comparison reads "not defined", one sentence each (no repeats)."""
    seen: list[str] = []
    for m in comparison.models:
        for s in (m.brier, m.auc, m.ece):
            if not s.defined and s.reason and f"{m.column}: {s.reason}" not in seen:
                seen.append(f"{m.column}: {s.reason}")
        if not m.ci95.defined and m.ci95.reason:
            seen.append(f"{m.column}: {m.ci95.reason}")
    for d in comparison.differences:
        for s in (d.difference,):
            if not s.defined:
                seen.append(f"{d.column}: {s.reason}")
        if not d.ci95.defined and d.ci95.reason:
            seen.append(f"{d.column} − {d.reference}: {d.ci95.reason}")
    return seen


def disagreement_cells(dataset, difference: PairedDifference, limit: int = DISAGREEMENTS,
                       units: str = "nats") -> list[tuple[int, str, str]]:
    """(table row, ID, Δ row loss in ``units``) of the rows where the two models disagree
    most (:func:`disagreement_header`)."""
    from .formatting import fmt_number

    _checked(units)
    out = []
    n = len(dataset)
    for row, delta in zip(difference.rows[:limit].tolist(), difference.deltas[:limit].tolist()):
        if row < n:
            out.append((row, dataset.id_text(row), fmt_number(to_units(delta, units), 4)))
    return out


def scatter_levels(scatter: Scatter, levels: int) -> np.ndarray:
    """The size class (0 .. levels - 1) of each density mark of a scatter (as the penalty
    curve sizes its marks: by the log of the count)."""
    from .penalty import density_levels

    if scatter.counts is None:
        return np.zeros(scatter.x.size, dtype=int)
    return density_levels(scatter.counts, levels)
