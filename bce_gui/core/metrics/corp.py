"""Where the loss comes from: the CORP decomposition, the CORP curve and its consistency band.

Why: a loss of 0.35 does not say whether the model ranks rows badly or ranks them well with
probabilities that are off. Dimitriadis, Gneiting & Jordan ("Stable reliability diagrams for
probabilistic classifiers", PNAS 2021) split any proper score into three parts, using the
isotonic recalibration of the predictions (CORP: Consistent, Optimally binned, Reproducible,
PAV-based):

    loss = miscalibration − discrimination + uncertainty

* **uncertainty** (UNC): the loss of always predicting the base rate, H(ȳ) — the no-skill
  baseline the summary already shows;
* **discrimination** (DSC): how far below that the *recalibrated* predictions get, i.e. what
  the model's ranking of the rows earns;
* **miscalibration** (MCB): loss − loss of the recalibrated predictions, i.e. what
  recalibration alone would save.

The recalibrated probability of a row is the isotonic (non-decreasing in p) regression of the
labels on p, by pool-adjacent-violators (:mod:`.isotonic`). Each fitted block b holds weight
W_b with class-1 share q_b, and its rows' log loss sums to W_b·H(q_b), so the recalibrated
loss is Σ_b W_b H(q_b) / W, computed over the blocks, not the rows. The numbers equal
``model_diagnostics.scoring.decompose(y, p, w, scoring_function=LogLoss())`` (model-diagnostics
1.5, the test reference; for soft labels its uncertainty excludes the labels' own entropy,
which ours, the cross-entropy of the base rate, includes). Binary only: no reference exists
for the K-class log loss.

The **CORP curve** is the recalibration as a step function of p (the reliability diagram
without bins). Its **consistency band** (90% by default) shows where the curve of a calibrated
model would fall by chance: labels are redrawn as y* ~ Bernoulli(p) (the model's own
probabilities taken as true), the isotonic fit repeated for each of ``band_resamples`` redraws,
seeded, and the pointwise 5% and 95% quantiles taken. Above 1,000 distinct values of p, the
redraws are made per group of neighbouring p of equal weight (1,000 groups: class-1 counts drawn
as Binomial(rows, mean p)), which keeps the band's cost independent of the number of rows; a
group is far narrower than an isotonic block at that size, so the band is unchanged to plotting
accuracy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ..formatting import localize
from ..loss import LossOptions, binary_entropy, row_losses
from .columns import Ranked, columns, rank
from .isotonic import fitted, pav, pool_ties
from .result import Stat
from ..metrics_settings import BAND_RESAMPLES

BAND_LEVEL = 0.90
BAND_MAX_GROUPS = 1000
BINARY_ONLY = ("the decomposition is computed for binary tasks only: no reference "
               "implementation of it exists for the K-class log loss")


@dataclass(frozen=True)
class Decomposition:
    """loss = miscalibration − discrimination + uncertainty, in nats (see the module docstring).

    ``recalibrated`` is the loss of the recalibrated predictions (uncertainty − discrimination).
    """

    score: Stat
    miscalibration: Stat
    discrimination: Stat
    uncertainty: Stat
    recalibrated: Stat = field(default_factory=lambda: Stat.undefined(""))

    @classmethod
    def undefined(cls, reason: str) -> "Decomposition":
        u = Stat.undefined(reason)
        return cls(u, u, u, u, u)

    @property
    def defined(self) -> bool:
        return self.miscalibration.defined

    def scaled(self, factor: float) -> "Decomposition":
        """Every term times ``factor`` (a loss's reduction: see ``LossTotals.scale``)."""
        if factor == 1.0:
            return self
        return Decomposition(*(s.scaled(factor) for s in (
            self.score, self.miscalibration, self.discrimination, self.uncertainty,
            self.recalibrated)))

    def sentence(self, digits: int = 2, units: str | None = None) -> str:
        """One sentence for the summary: what recalibration would save, what ranking earns
        (``units``: the unit the values are in, named after each; None: not named)."""
        if not self.defined:
            return f"Decomposition: {self.miscalibration.reason}."
        mcb, dsc, unc = (s.value for s in (self.miscalibration, self.discrimination,
                                           self.uncertainty))
        unit = f" {units}" if units else ""
        if math.isinf(mcb):
            return ("Some rows give the actual class a probability of 0, so the loss is infinite; "
                    "recalibrating would make it finite "
                    f"({_g(self.recalibrated.value, digits)}{unit}).")
        return (f"Recalibrating could lower the loss by at most {_g(mcb, digits)}{unit}; the "
                f"model's ranking of the rows earns {_g(dsc, digits)}{unit} below the no-skill "
                f"{_g(unc, digits)}{unit}.")


def _g(x: float, digits: int) -> str:
    """A number of the sentence, with the window's decimal mark (the command line's is '.')."""
    if x == 0:
        return "0"
    return localize(f"{x:.{digits}g}" if abs(x) < 1e-3 or abs(x) >= 1e4
                    else f"{x:.{max(digits, 1) + 1}f}")


@dataclass(frozen=True)
class CorpCurve:
    """The isotonic recalibration as a step function of p, and its consistency band.

    Block b spans predicted probabilities ``x_low[b]`` .. ``x_high[b]`` and recalibrates them
    to ``value[b]``. The band: at each ``band_x`` (a representative p), a calibrated model's
    CORP curve lies between ``band_low`` and ``band_high`` with probability ``band_level``.
    """

    x_low: np.ndarray
    x_high: np.ndarray
    value: np.ndarray
    weight: np.ndarray
    band_x: np.ndarray
    band_low: np.ndarray
    band_high: np.ndarray
    band_level: float = BAND_LEVEL
    band_resamples: int = 0
    seed: int | None = None
    band_grouped: bool = False

    def step_xy(self) -> tuple[np.ndarray, np.ndarray]:
        """(x, y) of the step line: each block's value held from its lowest p to the next
        block's lowest p (the last block to its highest p), the blocks joined by vertical jumps
        (the recalibration is a step function: it changes only where a block begins)."""
        ends = np.append(self.x_low[1:], self.x_high[-1:]) if self.x_low.size else self.x_high
        x = np.column_stack((self.x_low, ends)).ravel()
        y = np.repeat(self.value, 2)
        return x, y


@dataclass(frozen=True)
class Corp:
    decomposition: Decomposition
    curve: CorpCurve | None
    reason: str = ""


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return np.exp(-np.logaddexp(0.0, -z))


def _entropy(q: np.ndarray) -> np.ndarray:
    """H(q) per entry, from the loss engine: the exact loss of predicting q for soft label q."""
    return row_losses(q, q, LossOptions(soft_labels=True))


def corp(actual, predicted, weights=None, *, logits: bool = False,
         losses: np.ndarray | None = None, ranked: Ranked | None = None,
         band_resamples: int = BAND_RESAMPLES, band_level: float = BAND_LEVEL,
         seed: int = 0) -> Corp:
    """The CORP decomposition of the loss, the CORP curve and its consistency band.

    ``predicted``: probabilities of class 1 (or logits with ``logits=True``; the isotonic fit
    only uses their order, and the curve is drawn over the probabilities). ``losses``: the rows'
    loss under the convention shown (the exact log loss when None), whose mean is decomposed.
    ``ranked``: the rows sorted by ``predicted`` (:func:`~.columns.rank`), when the caller has
    them. ``band_resamples=0`` skips the band.
    """
    cols = columns(actual, predicted, weights)
    if cols.categorical:
        return Corp(Decomposition.undefined(BINARY_ONLY), None, BINARY_ONLY)
    if problem := cols.problem():
        return Corp(Decomposition.undefined(problem), None, problem)
    hard = cols.hard_labels()
    if losses is None:
        losses = row_losses(cols.y, cols.p, LossOptions(logits=logits, soft_labels=not hard))
    losses = np.asarray(losses, dtype=np.float64)

    r = ranked if ranked is not None else rank(cols)
    x, y = r.x, r.y
    if cols.w is None:
        w = None
        wy = y
        score_sum = float(np.sum(losses))
    else:
        w = r.w
        counted = w > 0  # zero-weight rows neither fit nor score
        if not counted.all():
            x, y, w = x[counted], y[counted], w[counted]
        wy = w * y
        with np.errstate(invalid="ignore"):
            score_sum = float(np.sum(np.where(cols.w > 0, cols.w * losses, 0.0)))
    if w is None:  # unweighted: a group's weight is its row count
        first, (gy,) = pool_ties(x, wy)
        gc = np.diff(np.append(first, x.size)).astype(np.float64)
        gw, total_w = gc, float(x.size)
    else:
        first, (gy, gw) = pool_ties(x, wy, w)
        gc = np.diff(np.append(first, x.size)).astype(np.float64)
        total_w = float(np.sum(w))
    starts, bs, bw = pav(gy, gw)
    q = np.clip(bs / bw, 0.0, 1.0)
    decomposition = decompose_blocks(bs, bw, score_sum / total_w)

    px = _sigmoid(x) if logits else x
    gp = px[first]
    last_group = np.append(starts[1:], first.size) - 1
    band = _band(gp, gc, gw, band_resamples, band_level, seed)
    curve = CorpCurve(
        x_low=gp[starts], x_high=gp[last_group], value=q, weight=bw,
        band_x=band[0], band_low=band[1], band_high=band[2], band_level=band_level,
        band_resamples=band_resamples, seed=seed, band_grouped=band[3],
    )
    return Corp(decomposition, curve)


def decompose_blocks(block_sums: np.ndarray, block_weights: np.ndarray,
                     score: float) -> Decomposition:
    """The decomposition from the isotonic blocks (Σw·y and Σw each) and the mean loss.

    Block b's rows all get q_b = Σw·y / Σw and their log loss sums to Σw · H(q_b), so the
    recalibrated loss is Σ_b Σw_b H(q_b) / W; the uncertainty is H(ȳ).
    """
    total_w = float(np.sum(block_weights))
    q = np.clip(block_sums / block_weights, 0.0, 1.0)
    recal = float(np.dot(block_weights, _entropy(q))) / total_w
    unc = binary_entropy(min(max(float(np.sum(block_sums)) / total_w, 0.0), 1.0))
    tol = 1e-12 * max(abs(unc), 1.0)  # rounding, not a saving: shown as 0
    mcb = score - recal
    dsc = unc - recal
    return Decomposition(
        score=Stat.of(score),
        miscalibration=Stat.of(0.0 if abs(mcb) < tol else mcb),
        discrimination=Stat.of(0.0 if abs(dsc) < tol else dsc),
        uncertainty=Stat.of(unc),
        recalibrated=Stat.of(recal),
    )


def decomposition(actual, predicted, weights=None, *, logits: bool = False,
                  losses: np.ndarray | None = None) -> Decomposition:
    """loss = miscalibration − discrimination + uncertainty for valid binary rows."""
    return corp(actual, predicted, weights, logits=logits, losses=losses,
                band_resamples=0).decomposition


def _band(p: np.ndarray, count: np.ndarray, weight: np.ndarray, resamples: int, level: float,
          seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    """(x, low, high, grouped) of the consistency band over tie groups with probability ``p``,
    ``count`` rows and total ``weight`` each (see the module docstring)."""
    empty = np.zeros(0)
    if resamples <= 0 or p.size == 0:
        return empty, empty, empty, False
    grouped = p.size > BAND_MAX_GROUPS
    if grouped:
        cum = np.cumsum(weight)
        cuts = np.searchsorted(cum, np.linspace(0.0, cum[-1], BAND_MAX_GROUPS + 1)[1:-1],
                               side="right")
        first = np.unique(np.concatenate(([0], cuts)))
        first = first[first < p.size]
        count = np.add.reduceat(count, first)
        wp = np.add.reduceat(weight * p, first)
        weight = np.add.reduceat(weight, first)
        p = wp / weight
    g = p.size
    rng = np.random.default_rng(seed)
    n_rows = np.rint(count).astype(np.int64)
    k = rng.binomial(np.broadcast_to(n_rows, (resamples, g)),
                     np.broadcast_to(np.clip(p, 0.0, 1.0), (resamples, g)))
    # Weighted rows: a redrawn class-1 row carries its group's mean weight.
    sums = (k * (weight / n_rows)).ravel()
    weights = np.broadcast_to(weight, (resamples, g)).ravel()
    starts, bs, bw = pav(sums, weights, segment_starts=np.arange(resamples) * g)
    fits = fitted(starts, bs, bw, sums.size).reshape(resamples, g)
    tail = (1.0 - level) / 2.0
    low, high = np.quantile(fits, [tail, 1.0 - tail], axis=0)
    return p, low, high, grouped
