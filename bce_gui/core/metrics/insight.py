"""Every statistic of one model at once: what the window, the report and ``compute`` show.

Why: the views, the report and ``compute --json`` all show the same statistics; computing them
in one call shares the work (one sort of the predictions serves the AUC and the isotonic fit;
the row losses are computed once) and gives every consumer the same numbers.

:func:`insight` takes the valid rows in memory; :class:`MetricsAccumulator` takes a streamed
file block by block (or a cluster's partitions) and gives the statistics that stream (Brier,
accuracy, ECE and its bins, AUC and the decomposition exact while the rows fit and from a fine
histogram beyond, the bootstrap interval and the worst-rows shares from fine histograms).
:func:`to_json` writes either as the keys ``compute --json`` gains.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ..accumulate import Accumulator
from ..loss import LossOptions, OptionsError, rescales, row_losses
from .auc import AucAccumulator, roc_auc
from .bootstrap import DEFAULT_SEED, N_RESAMPLES, HistogramBootstrap, bin_values, bootstrap_ci
from .calibration import ReliabilityBins
from .columns import HUGE_WEIGHTS, columns, huge_weights, rank
from .concentration import SHARES, WORST_LISTED, Concentration, ShareHistogram, concentration
from .corp import BAND_RESAMPLES, CorpCurve, Decomposition, corp
from .guide import Guide, Histogram, guide, loss_histogram
from .parity import POLICIES, Parity, categorical_parity, parity, policy_options
from .result import Interval, Stat
from .scores import DEFAULT_THRESHOLD, ScoreAccumulator, scores


@dataclass(frozen=True)
class Insight:
    """The statistics of one model's valid rows (see the submodules for each one's meaning).

    ``loss`` is the mean loss under the chosen convention (nats), ``baseline`` the no-skill
    loss. ``decomposition`` decomposes ``loss`` when the convention only clips (no label
    smoothing or pos_weight), else the exact log loss. Fields a streamed file cannot give
    (the CORP curve, the parity panel, the worst rows, the histogram) are None there.
    """

    n: int
    loss: float
    baseline: float
    brier: Stat
    auc: Stat
    accuracy: Stat
    threshold: float | None
    calibration: ReliabilityBins
    ci95: Interval
    worst_share: dict[float, Stat]
    decomposition: Decomposition
    guide: Guide
    concentration: Concentration | None = None
    corp: CorpCurve | None = None
    parity: Parity | None = None
    histogram: Histogram | None = None
    notes: dict[str, str] = field(default_factory=dict)
    #: The rows carry sample weights: the Brier score, the accuracy, the AUC and the ECE are
    #: shares and means of the weight, not of the rows (their explanations say so).
    weighted: bool = False

    @property
    def ece(self) -> Stat:
        return self.calibration.ece

    @property
    def categorical(self) -> bool:
        """K classes: the multi-class forms (Brier summed over classes, one-vs-rest macro AUC,
        accuracy of the most probable class, top-label ECE)."""
        return bool(self.calibration.top_label)

    def json(self) -> dict:
        return to_json(self)


def probabilities(predicted: np.ndarray, logits: bool) -> np.ndarray:
    """Class-1 probabilities from the predictions (the logistic function of logits)."""
    x = np.asarray(predicted, dtype=np.float64)
    return np.exp(-np.logaddexp(0.0, -x)) if logits else x


def insight(actual, predicted, weights=None, *, options: LossOptions | None = None,
            losses: np.ndarray | None = None, threshold: float = DEFAULT_THRESHOLD,
            n_resamples: int = N_RESAMPLES, seed: int = DEFAULT_SEED,
            band_resamples: int = BAND_RESAMPLES, worst: int = WORST_LISTED,
            progress: Callable[[float, str], None] | None = None,
            raw: np.ndarray | None = None) -> Insight:
    """All statistics of one model's valid rows.

    Binary: ``actual`` labels in [0, 1], ``predicted`` the class-1 column (probabilities, or
    logits with ``options.logits``). K classes: class indices and an (n, K) probability array,
    with ``losses`` (the rows' loss from the K-class engine) required, and ``raw``: the (n, K)
    predictions as the file gives them (before any softmax or renormalisation), which the
    conventions' comparison starts from (without it, the comparison is not made). ``losses``:
    the rows' loss under ``options`` when the caller has them (computed here otherwise).

    ``progress(fraction, what)`` is called before each statistic (a background job reports it,
    and stops there by raising when it is cancelled).
    """
    step = progress or (lambda _fraction, _what: None)
    options = options or LossOptions()
    cols = columns(actual, predicted, weights)
    y, x, w = cols.y, cols.p, cols.w
    if losses is None:
        if cols.categorical:
            raise ValueError("K-class statistics need the rows' losses from the loss engine")
        losses = row_losses(y, x, options)
    losses = np.asarray(losses, dtype=np.float64)
    p = x if cols.categorical else probabilities(x, options.logits)

    # The loss and its baseline from the one accumulator, reduced as the options say.
    acc = Accumulator(n_classes=cols.n_classes if cols.categorical else 2,
                      weighted=w is not None, by_class=False)
    acc.update(losses, y, w)
    t = acc.result(options)
    loss, baseline = t.mean, t.baseline
    scale = _Scale(t.scale, options.reduction_used)
    base_rate = None if cols.categorical else t.base_rate
    step(0.0, "sorting the predictions")
    ranked = None if cols.categorical else rank(cols)  # one sort for the AUC and the isotonic fit

    step(0.15, "Brier score, accuracy, calibration")
    sc = scores(y, p, w, threshold)
    step(0.2, "AUC")
    auc = roc_auc(y, x, w, ranked=ranked)
    step(0.3, "bootstrap interval")
    ci = bootstrap_ci(losses, w, n_resamples=n_resamples, seed=seed)
    step(0.4, "worst rows")
    conc = concentration(losses, w, worst=worst)
    plain = options.label_smoothing == 0.0 and options.pos_weight is None
    step(0.45, "decomposition and CORP curve")
    c = corp(y, x, w, logits=options.logits, losses=losses if plain else None, ranked=ranked,
             band_resamples=band_resamples, seed=seed)
    step(0.7, "conventions")
    if cols.categorical and raw is not None:
        par = categorical_parity(y, raw, w, options=options, known={options.policy.name: losses})
    else:  # (K classes without their predictions as read: it says why it compares nothing)
        par = parity(y, x, w, logits=options.logits, label_smoothing=options.label_smoothing,
                     reduction=options.reduction,
                     pos_weight=options.pos_weight, soft_labels=options.soft_labels,
                     known={options.policy.name: losses})
    step(0.95, "histogram of row losses")
    notes = scale.notes()
    if not plain:
        notes["decomposition"] = ("label smoothing or pos_weight changes what is scored, so the "
                                  "exact log loss is decomposed")
    return Insight(
        n=cols.n, loss=loss, baseline=baseline, brier=sc.brier, auc=auc, accuracy=sc.accuracy,
        threshold=sc.threshold, calibration=sc.calibration, ci95=scale.of(ci),
        worst_share=conc.share, decomposition=scale.of(c.decomposition),
        guide=_guide(loss, baseline, base_rate, scale),
        concentration=conc, corp=c.curve, parity=par, histogram=loss_histogram(losses),
        notes=notes, weighted=w is not None,
    )


class _Scale:
    """A loss reduced by ``sum`` (or ``mean`` with weights) is the weighted mean loss per row
    times a factor (``LossTotals.scale``): the interval and the decomposition, which are the
    mean per row's, are multiplied by it to be on the loss's scale, and the guide's bar (a scale
    of the loss per row) places the loss divided by it."""

    def __init__(self, factor: float, reduction: str) -> None:
        self.factor, self.reduction = factor, reduction
        #: (a factor of 0 or NaN: weights summing to 0, where these statistics are not defined)
        self.applies = rescales(factor)

    def of(self, stat):
        return stat.scaled(self.factor) if self.applies else stat

    def per_row(self, value: float) -> float:
        return value / self.factor if self.applies else value

    def notes(self) -> dict[str, str]:
        if not self.applies:
            return {}
        what = "Σ w" if self.reduction == "sum" else "Σ w / N"
        return {"scale": f"the reduction '{self.reduction}' multiplies the mean loss per row by "
                         f"{what} = {self.factor:.6g}: so are the interval and the decomposition "
                         f"(the guide places the mean per row)"}


def _guide(loss: float, baseline: float, base_rate: float | None, scale: _Scale):
    """The guide's bar is a scale of the loss per row (see :class:`_Scale`)."""
    baseline = scale.per_row(baseline)
    return guide(scale.per_row(loss), baseline if math.isfinite(baseline) else None, base_rate)


# --------------------------------------------------------------------------------------------
# Streaming
# --------------------------------------------------------------------------------------------


class MetricsAccumulator:
    """The statistics that stream, for a file read block by block or a cluster's partitions.

    ``update(actual, predicted, losses, weights)`` adds one block's valid rows (``losses``: the
    rows' loss under ``options``, as the loss accumulator got them; ``weights`` count only when
    the accumulator is ``weighted``); ``merge`` adds
    another accumulator's; ``result(loss, baseline, base_rate)`` gives an :class:`Insight`
    from the totals the loss accumulator holds. Merged partitions give one pass's numbers
    (counts exactly, float sums to rounding).
    """

    def __init__(self, *, options: LossOptions | None = None, weighted: bool = False,
                 threshold: float = DEFAULT_THRESHOLD, n_resamples: int = N_RESAMPLES,
                 seed: int = DEFAULT_SEED, exact_limit: int | None = None) -> None:
        self.options = options or LossOptions()
        self.logits = self.options.logits
        self.weighted = weighted
        self.scores = ScoreAccumulator(threshold)
        self.auc = (AucAccumulator(self.logits) if exact_limit is None
                    else AucAccumulator(self.logits, exact_limit))
        self.bootstrap = HistogramBootstrap(weighted, n_resamples, seed)
        self.shares = ShareHistogram(SHARES)
        #: Per convention, the exact totals of its row losses (None: not compared, e.g. K
        #: classes given without their predictions as read). The chosen convention has none:
        #: its totals are the loss accumulator's, given to result(). K classes: made at the
        #: first block, which says how many classes there are.
        self._categorical = False
        self.by_policy: dict[str, Accumulator] | None = self._policy_totals(2)
        #: Weights past HUGE_WEIGHT were given: every statistic says so, as :func:`insight`
        #: does for rows in memory (each accumulator below stops summing; so do the
        #: conventions' totals, whose weighted sums could overflow too).
        self.huge = False
        #: Called once with this accumulator as soon as the next update has binned its rows'
        #: losses (before its other statistics): a stream starts its interval's resamples
        #: there (:meth:`~.bootstrap.HistogramBootstrap.draw_ahead`).
        self.on_binned: Callable[["MetricsAccumulator"], None] | None = None

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state.pop("interval_ahead", None)  # (a stream's thread: it does not travel)
        state["on_binned"] = None
        return state

    def update(self, actual, predicted, losses, weights=None,
               raw: np.ndarray | None = None) -> "MetricsAccumulator":
        """Add one block's valid rows (K classes: ``predicted`` as the statistics read them,
        ``raw`` as the file gives them, for the conventions' comparison)."""
        cols = columns(actual, predicted, weights)
        w = cols.w if self.weighted else None
        self.huge = self.huge or huge_weights(w)
        policies = None
        if cols.categorical:
            if raw is None or self.by_policy is None:
                self.by_policy = None
            elif cols.n and not self.huge:
                if not self._categorical:  # the first block: K is known now
                    self._categorical = True
                    self.by_policy = self._policy_totals(cols.p.shape[1])
                policies = _beside(cols.n, self._add_policies, cols.y,
                                   np.asarray(raw, dtype=np.float64), w)
        elif self.by_policy is not None and cols.n and not self.huge:
            # The other conventions' losses and exact sums on the loss engine's worker while
            # this thread does the rest (numpy lets go of the GIL in its loops: two cores).
            policies = _beside(cols.n, self._add_policies, cols.y, cols.p, w)
        if w is None:  # one binning of the row losses for the interval and the shares
            bins = bin_values(losses)
            self.bootstrap.add_bins(bins)
            if not self.shares.add_bins(bins):
                self.shares.update(losses)
        else:
            self.bootstrap.update(losses, w)
            self.shares.update(losses, w)
        if self.on_binned is not None:  # (once: see the attribute)
            hook, self.on_binned = self.on_binned, None
            hook(self)
        p = cols.p if cols.categorical else probabilities(cols.p, self.logits)
        hard = cols.hard_labels()
        self.scores.update(cols.y, p, w, hard=hard)
        self.auc.update(cols.y, cols.p, w, hard=hard)
        if policies is not None:
            policies.result()
        return self

    def _policy_totals(self, n_classes: int) -> dict[str, Accumulator]:
        """Empty totals for each convention other than the chosen one (and not refusing it)."""
        return {name: Accumulator(n_classes=n_classes, weighted=self.weighted, by_class=False)
                for name, o in policy_options(self.options, self._categorical).items()
                if isinstance(o, LossOptions) and o != self.options}

    def _add_policies(self, y: np.ndarray, x: np.ndarray, w: np.ndarray | None) -> None:
        """Each other convention's row losses into its exact totals, on this one thread (it
        runs on the loss engine's pool already, whose split of large blocks over that pool
        could wait on itself): the same row losses as the engines give, row by row (binary:
        :func:`~bce_gui.core.loss.row_losses`; K classes, ``x`` the predictions as read:
        :func:`~bce_gui.core.multiclass.categorical_row_losses`)."""
        from ..loss import _row_losses_serial

        if self._categorical:  # (a binary file never imports the K-class engine)
            from ..multiclass import _row_losses_serial as _categorical_serial
        out = None if self._categorical else np.empty(x.size)
        for name, opts in policy_options(self.options, self._categorical).items():
            if name not in self.by_policy:
                continue
            if self._categorical:
                losses = _categorical_serial(y, x, opts, opts.renormalize, None)
            else:
                _row_losses_serial(y, x, opts, out)
                losses = out
            self.by_policy[name].update(losses, y, w)

    def merge(self, other: "MetricsAccumulator") -> "MetricsAccumulator":
        self.huge |= other.huge
        self.scores.merge(other.scores)
        self.auc.merge(other.auc)
        self.bootstrap.merge(other.bootstrap)
        self.shares.merge(other.shares)
        if self.by_policy is None or other.by_policy is None:
            self.by_policy = None
        elif other._categorical and not self._categorical:  # (this one is still empty)
            self._categorical = True
            self.by_policy = {}
            for name, acc in other.by_policy.items():
                self.by_policy[name] = Accumulator(n_classes=acc.n_classes, weighted=acc.weighted,
                                                   by_class=False).merge(acc)
        elif other._categorical or not self._categorical:
            for name, acc in other.by_policy.items():
                self.by_policy[name].merge(acc)
        return self

    def result(self, loss: float, baseline: float, base_rate: float | None = None,
               scale: float = 1.0) -> Insight:
        """The statistics, given the loss, the no-skill loss, (binary) the base rate and the
        reduction's ``scale`` (``LossTotals.scale``) from the loss accumulator (of the same
        rows, under the same options)."""
        from concurrent.futures import ThreadPoolExecutor

        scale = _Scale(scale, self.options.reduction_used)
        row_loss = scale.per_row(loss)
        # The resamples and the sort behind the AUC and the decomposition are the two long
        # parts; numpy lets go of the GIL in both, so they run side by side on two cores.
        with ThreadPoolExecutor(1) as pool:
            resampled = pool.submit(self.bootstrap.result)
            auc = self.auc.result()
            decomposition = self.auc.decomposition(None if math.isnan(row_loss) else row_loss)
            ci = resampled.result()
        sc = self.scores.result()
        notes = {"auc": auc.method, "ci95": ci.method, **scale.notes()}
        return Insight(
            n=self.scores.n, loss=loss, baseline=baseline, brier=sc.brier, auc=auc.auc,
            accuracy=sc.accuracy, threshold=sc.threshold, calibration=sc.calibration,
            ci95=scale.of(ci), worst_share=self.shares.result(),
            decomposition=scale.of(decomposition), guide=_guide(loss, baseline, base_rate, scale),
            parity=self._parity(sc, loss), notes=notes, weighted=self.weighted,
        )

    def _parity(self, sc, loss: float) -> Parity:
        if self.by_policy is None:
            return Parity.undefined()
        if self.huge:
            return Parity.undefined(HUGE_WEIGHTS)
        out = {}
        for name, opts in policy_options(self.options, self._categorical).items():
            if isinstance(opts, OptionsError):
                out[name] = Stat.undefined(f"{name} cannot be combined with these options")
                continue
            mean = loss if opts == self.options else self.by_policy[name].result(opts).mean
            out[name] = Stat.of(mean) if not math.isnan(mean) else sc.brier  # (no rows, or
            # weights summing to 0: the Brier score says why)
        return Parity(out)


class _Done:
    """A job already done (what :func:`_beside` gives when it ran the job itself)."""

    def result(self) -> None:
        return None


def _beside(n: int, job, *args):
    """Start ``job(*args)`` on the loss engine's worker threads when the rows are many (the
    caller collects it with ``result()``, which raises its error), else run it here."""
    from ..loss import PARALLEL_MIN_ROWS, _executor, _workers

    if n < PARALLEL_MIN_ROWS or _workers() < 2:
        job(*args)
        return _Done()
    return _executor().submit(job, *args)


# --------------------------------------------------------------------------------------------
# compute --json
# --------------------------------------------------------------------------------------------


def _share_key(f: float) -> str:
    return f"{f * 100:g}%"


def to_json(ins: Insight) -> dict:
    """The keys ``compute --json`` gains (issue 11), JSON-safe: inf as "inf", a statistic that
    is not defined as null with its reason under ``not_defined`` (keyed by the same name, dotted
    for nested keys)."""
    reasons: dict[str, str] = {}

    def stat(key: str, s: Stat):
        if not s.defined:
            reasons[key] = s.reason
        return s.json()

    out = {
        "brier": stat("brier", ins.brier),
        "auc": stat("auc", ins.auc),
        "accuracy": stat("accuracy", ins.accuracy),
        "threshold": ins.threshold,
        "ece": stat("ece", ins.ece),
        "ci95": ins.ci95.json(),
        "worst_share": {_share_key(f): stat(f"worst_share.{_share_key(f)}", s)
                        for f, s in ins.worst_share.items()},
        "decomposition": {
            "miscalibration": stat("decomposition.miscalibration",
                                   ins.decomposition.miscalibration),
            "discrimination": stat("decomposition.discrimination",
                                   ins.decomposition.discrimination),
            "uncertainty": stat("decomposition.uncertainty", ins.decomposition.uncertainty),
        },
    }
    if not ins.ci95.defined:
        reasons["ci95"] = ins.ci95.reason
    if ins.parity is not None:
        out["by_policy"] = {k: stat(f"by_policy.{k}", ins.parity.loss[k]) for k in POLICIES}
    out["not_defined"] = reasons
    return out
