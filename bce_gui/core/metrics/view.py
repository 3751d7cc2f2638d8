"""What the statistics' views show, computed and worded here so the views only display it.

Why: the window's panels and plots, and the report, show the same statistics with the same
words; the numbers are converted to the units shown and formatted here (``bce_gui/ui`` does no
arithmetic), and a statistic that is not defined becomes "not defined" and its reason, never a
NaN on screen.

* :func:`guide_bar`: the articles' scale as a bar of five labelled bands, with the loss and the
  no-skill baseline placed on it, and the sentence on the base rate;
* :func:`statistic_lines`: one line per statistic (title, value, one-line explanation);
* :func:`parity_view`: the loss under each convention side by side, and the sentences;
* :func:`reliability_view`: the reliability diagram (bins, their counts as bars, the CORP step
  curve and its consistency band);
* :func:`histogram_view`: the histogram of row losses on a log-scaled count axis.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field

import numpy as np

from ..formatting import (count_text, fmt_count, fmt_loss, fmt_number, fmt_percent, fmt_result,
                          localize, with_units)
from ..loss import LossOptions, LossTotals, rescales, to_units
from .concentration import rows_in
from .corp import Decomposition
from .guide import BANDS, guide, scale_position
from .insight import Insight
from .parity import LABELS, POLICIES, Parity
from .result import Stat

NOT_DEFINED = "not defined"
#: The guide's band colours from good to poor (Okabe–Ito's bluish green, a light green, yellow,
#: orange and vermillion): told apart without red–green vision by lightness as well as hue.
BAND_COLOURS = ("#009E73", "#9AD1A6", "#F0E442", "#E69F00", "#D55E00")


def _reason(stat) -> str:
    """A reason as a sentence of its own: "only class 1 is present, ..." → capitalised."""
    text = (stat.reason or "no value").split("not defined: ", 1)[-1]
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _in_units(stat: Stat, units: str) -> Stat:
    return stat if not stat.defined else Stat(to_units(stat.value, units))


# --------------------------------------------------------------------------------------------
# The guide
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GuideBar:
    """The scale as a bar: ``labels`` of the five bands, each a fifth of the bar, ``ticks`` the
    loss at the four inner boundaries (the scale's 0.05, 0.20, 0.30 and 1.00 nats, in the units
    shown); the loss and the baseline as positions along the bar (0..1; None when there is
    nothing to place), with their texts in the units shown; ``sentence``: why the base rate
    matters; ``caption``: where the loss falls, in words."""

    labels: tuple[str, ...]
    ticks: tuple[str, ...]
    loss: float | None
    loss_text: str
    baseline: float | None
    baseline_text: str
    band: int | None
    caption: str
    sentence: str

    @property
    def n_bands(self) -> int:
        return len(self.labels)

    def band_of_position(self, position: float | None) -> int | None:
        """The band a position along the bar falls in (the last for the right end)."""
        if position is None:
            return None
        return min(int(position * self.n_bands), self.n_bands - 1)


def guide_bar(totals: LossTotals, options: LossOptions | None = None, units: str = "nats") -> GuideBar:
    """The guide for the loss of ``totals``, its numbers in ``units`` ("nats", the scale's own,
    or "bits"); the bands stay where they are. The scale is one of a loss per row: a loss
    reduced by ``sum`` (or by ``mean`` with weights) is placed as the weighted mean per row it
    scales (``LossTotals.scale``), and the caption says so."""
    options = options or LossOptions()
    labels = tuple(label for _, label in BANDS)
    ticks = tuple(localize(f"{b:.2f}") if units == "nats" else fmt_result(to_units(b, units), 3)
                  for b, _ in BANDS[:-1])
    if totals.n == 0 or math.isnan(totals.mean):
        return GuideBar(labels, ticks, None, "", None, "", None,
                        "No loss yet to place on the scale.", "")
    if math.isinf(totals.mean):
        return GuideBar(labels, ticks, None, "", None, "", None,
                        "An infinite loss is off the scale.", "")
    factor = totals.scale
    scaled = rescales(factor)
    if totals.reduction != "weighted-mean" and not scaled and factor != 1.0:
        return GuideBar(labels, ticks, None, "", None, "", None,
                        "The scale is for a loss per row; with weights summing to 0 there is "
                        "none to place.", "")
    mean = totals.mean / factor if scaled else totals.mean
    base = totals.baseline / factor if scaled else totals.baseline
    binary = len(totals.class_shares) == 2
    finite = base if math.isfinite(base) else None
    g = guide(mean, finite, totals.base_rate if binary else None, units)
    # (a baseline of 0, one class only, is no no-skill loss to place: see explain.ONE_CLASS)
    baseline = finite if finite else None
    loss_text = fmt_loss(to_units(mean, units))  # (as the summary states the loss)
    what = "The loss per row (Σw·l/Σw)" if scaled else "This loss"
    caption = (f"{what}, {with_units(loss_text, units)}, is “{g.label}” on the articles' rough scale."
               if g.band is not None else "")
    return GuideBar(labels, ticks, scale_position(mean), loss_text,
                    scale_position(baseline), fmt_loss(to_units(baseline, units))
                    if baseline is not None else "", g.band, caption, g.sentence)


# --------------------------------------------------------------------------------------------
# The statistics, one line each
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatLine:
    """One statistic: ``title``, ``value`` as shown ("not defined" when there is none),
    ``explanation`` (one line; the reason when not defined)."""

    key: str
    title: str
    value: str
    explanation: str
    defined: bool = True


def _line(key: str, title: str, stat: Stat, text: str, explanation: str) -> StatLine:
    if not stat.defined:
        return StatLine(key, title, NOT_DEFINED, _reason(stat), False)
    return StatLine(key, title, text, explanation)


def statistic_lines(ins: Insight, units: str = "nats") -> list[StatLine]:
    """The statistics panel's lines (and the report's), in the order they are read. With
    weights (``ins.weighted``) the explanations say what the numbers are: shares and means of
    the weight, pairs counted by their weights (as scikit-learn's ``sample_weight``)."""
    weighted = ins.weighted
    if ins.categorical:  # the multi-class forms
        lines = [
            _line("brier", "Brier score (summed over classes)", ins.brier,
                  fmt_result(float(ins.brier), 4),
                  "Squared gaps between each class's p and 1 for the actual class, 0 for the "
                  "others, added over the classes and averaged over rows"
                  + (" (each counting its weight)" if weighted else "") + ": 0 is perfect, 2 "
                  "the worst."),
            _line("auc", "ROC AUC (one-vs-rest, macro)", ins.auc, fmt_result(float(ins.auc), 4),
                  "For each class, how often its rows get a higher p of that class than the "
                  "other rows do" + (" (each pair counting its two weights)" if weighted else "")
                  + f"; the mean over classes: {localize('0.5')} is chance, 1 a perfect ranking."),
        ]
    else:
        lines = [
            _line("brier", "Brier score", ins.brier, fmt_result(float(ins.brier), 4),
                  ("Weighted mean" if weighted else "Mean") + " squared gap between p and the "
                  f"actual class: 0 is perfect; always predicting {localize('0.5')} scores "
                  f"{localize('0.25')}."),
            _line("auc", "ROC AUC", ins.auc, fmt_result(float(ins.auc), 4),
                  "How often a class-1 row gets a higher p than a class-0 row"
                  + (" (each pair counting its two weights)" if weighted else "")
                  + f": {localize('0.5')} is chance, 1 a perfect ranking. Calibration does not "
                  "change it."),
        ]
    share = "Share of the weight on rows" if weighted else "Share of rows"
    if ins.threshold is not None:
        at = fmt_number(ins.threshold, 3)
        lines.append(_line("accuracy", f"Accuracy at p ≥ {at}", ins.accuracy,
                           fmt_percent(float(ins.accuracy), 1),
                           f"{share} whose predicted class (1 when p ≥ {at}) is the actual "
                           "one. It moves with the threshold; the loss does not."))
    else:
        lines.append(_line("accuracy", "Accuracy", ins.accuracy, fmt_percent(float(ins.accuracy), 1),
                           f"{share} whose most probable class is the actual one."))
    what = "the top class's p" if ins.calibration.top_label else "p"
    title = "Expected calibration error" + (" (top-label)" if ins.categorical else "")
    lines.append(_line("ece", title, ins.ece, fmt_result(float(ins.ece), 3),
                       f"Average gap between {what} and how often the class actually occurred, "
                       "over 10 equal bins of p "
                       + ("(both weighted; each bin counts as much as its rows' weight)." if weighted
                          else "(weighted by the rows in each).")))
    ci = ins.ci95
    if ci.defined:
        n = fmt_count(ci.n_resamples)
        lines.append(StatLine("ci95", "95% interval of the loss",
                              f"{fmt_result(to_units(ci.low, units), 4)} to "
                              f"{fmt_result(to_units(ci.high, units), 4)} {units}",
                              f"Where the loss would fall on 95% of samples like this one "
                              f"(percentile bootstrap, {n} resamples, seed {ci.seed})."
                              + _scale_note(ins)))
    else:
        lines.append(StatLine("ci95", "95% interval of the loss", NOT_DEFINED,
                              _reason(Stat.undefined(ci.reason.split("no interval: ", 1)[-1])),
                              False))
    shares = ins.worst_share
    first, second = shares.get(0.01), shares.get(0.10)
    if first is not None and first.defined and second is not None and second.defined:
        k = rows_in(0.01, ins.n)
        if k == rows_in(0.10, ins.n) and first.value == second.value:  # (ten rows or fewer)
            what = "the worst row carries" if k == 1 else f"the worst {k} rows carry"
            lines.append(StatLine("worst_share", "Worst rows",
                                  f"{what} {fmt_percent(first.value, 1)}",
                                  f"Share of the total loss it takes: of {fmt_count(ins.n)} rows, "
                                  "the worst 1% and the worst 10% are the same "
                                  f"{'row' if k == 1 else f'{k} rows'}"
                                  + (" (ranked by weight × loss)" if ins.weighted else "")
                                  + "; a large share means a few "
                                  "confident mistakes dominate."))
        else:
            lines.append(StatLine("worst_share", "Worst rows",
                                  f"1% carry {fmt_percent(first.value, 1)}, 10% carry "
                                  f"{fmt_percent(second.value, 1)}",
                                  "Share of the total loss carried by the worst 1% and 10% of "
                                  "rows" + (" (ranked by weight × loss)" if ins.weighted else "")
                                  + ": a large share means a few confident mistakes dominate."))
    else:
        bad = first if first is not None and not first.defined else second
        lines.append(StatLine("worst_share", "Worst rows", NOT_DEFINED,
                              _reason(bad or Stat.undefined("")), False))
    d = ins.decomposition
    if d.defined:
        lines.append(StatLine(
            "decomposition", "Where the loss comes from",
            f"{fmt_result(to_units(d.miscalibration.value, units), 3)} − "
            f"{fmt_result(to_units(d.discrimination.value, units), 3)} + "
            f"{fmt_result(to_units(d.uncertainty.value, units), 3)}",
            "Miscalibration − discrimination + uncertainty (CORP). "
            + decomposition_sentence(d, units)))
    else:
        lines.append(StatLine("decomposition", "Where the loss comes from", NOT_DEFINED,
                              _reason(d.miscalibration), False))
    return lines


def _scale_note(ins) -> str:
    """A loss reduced by sum (or mean with weights): how the interval and the decomposition
    were put on its scale (see ``insight._Scale``)."""
    note = ins.notes.get("scale")
    return f" {note[0].upper()}{note[1:]}." if note else ""


def decomposition_sentence(d: Decomposition, units: str = "nats") -> str:
    """"Recalibrating could lower the loss by at most 0.023; ...", in ``units``."""
    if not d.defined:
        return _reason(d.miscalibration)
    shown = dataclasses.replace(
        d, miscalibration=_in_units(d.miscalibration, units),
        discrimination=_in_units(d.discrimination, units),
        uncertainty=_in_units(d.uncertainty, units), recalibrated=_in_units(d.recalibrated, units))
    return shown.sentence(2, units)


# --------------------------------------------------------------------------------------------
# Conventions
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParityRow:
    key: str
    label: str
    value: str
    chosen: bool
    defined: bool = True


@dataclass(frozen=True)
class ParityView:
    """The loss under each convention (``rows``), and each difference explained
    (``sentences``: the text and the rows it speaks of, indices among the valid rows)."""

    rows: list[ParityRow]
    sentences: list[tuple[str, np.ndarray | None]] = field(default_factory=list)


def parity_view(parity: Parity | None, chosen: str = "exact", units: str = "nats") -> ParityView:
    if parity is None:
        return ParityView([ParityRow(k, LABELS[k], NOT_DEFINED, k == chosen, False)
                           for k in POLICIES])
    rows = []
    for k in POLICIES:
        s = parity.loss[k]
        if s.defined:
            rows.append(ParityRow(k, LABELS[k], f"{fmt_number(to_units(s.value, units), 7)}",
                                  k == chosen))
        else:
            rows.append(ParityRow(k, LABELS[k], NOT_DEFINED, k == chosen, False))
    reasons = {_reason(parity.loss[k]) for k in POLICIES if not parity.loss[k].defined}
    sentences = list(parity.explained(units))
    if not sentences and not reasons:
        sentences = [("All four conventions give the same loss for these rows.", None)]
    if len(reasons) == 1 and all(not parity.loss[k].defined for k in POLICIES):
        sentences = [(reasons.pop(), None)]
    elif reasons:
        sentences += [(r, None) for r in sorted(reasons)]
    return ParityView(rows, sentences)


# --------------------------------------------------------------------------------------------
# The reliability diagram
# --------------------------------------------------------------------------------------------

#: The count bars take at most this share of the diagram's height (a histogram along its foot).
BAR_SHARE = 0.2


@dataclass(frozen=True)
class ReliabilityView:
    """The reliability diagram: one point per non-empty bin at (mean p, observed frequency)
    (``bins`` their indices), every bin's row count as a bar along the foot (``bar_*``), the
    CORP curve as a step line and its consistency band (empty when not computed), and texts."""

    x: np.ndarray
    y: np.ndarray
    bins: np.ndarray
    bar_center: np.ndarray
    bar_height: np.ndarray
    bar_width: float
    counts: np.ndarray
    edges: np.ndarray
    step_x: np.ndarray
    step_y: np.ndarray
    band_x: np.ndarray
    band_low: np.ndarray
    band_high: np.ndarray
    ece_text: str
    x_title: str
    y_title: str
    band_text: str
    tips: list[str]
    #: The legend's words for the points (per bin of p, or of the top class's confidence).
    points_label: str = "observed, per bin of p (bars: rows)"
    #: Why there is no CORP curve, when there is none ("" when there is one or no rows).
    curve_note: str = ""

    def tip(self, b: int) -> str:
        return self.tips[b] if 0 <= b < len(self.tips) else ""


def reliability_view(ins: Insight) -> ReliabilityView:
    r = ins.calibration
    edges = np.asarray(r.edges, dtype=np.float64)
    counts = np.asarray(r.count, dtype=np.int64)
    filled = np.flatnonzero((counts > 0) & np.isfinite(r.observed) & np.isfinite(r.mean_predicted))
    top = max(int(counts.max()) if counts.size else 0, 1)
    top_label = r.top_label
    ece = (f"ECE {fmt_result(float(ins.ece), 3)}" if ins.ece.defined
           else f"ECE not defined: {_reason(ins.ece)}")
    tips = []
    what, observed = ("confidence", "accuracy") if top_label else ("p", "observed")
    for b in range(counts.size):
        where = f"{what} in [{fmt_number(edges[b], 2)}, {fmt_number(edges[b + 1], 2)}" + (
            "]" if b == counts.size - 1 else ")")
        if counts[b]:
            tips.append(f"{where}: {count_text(int(counts[b]), 'row')}, mean {what} "
                        f"{fmt_number(r.mean_predicted[b], 3)}, {observed} "
                        f"{fmt_number(r.observed[b], 3)}. Click to select these rows.")
        else:
            tips.append(f"{where}: no rows.")
    c = ins.corp
    empty = np.zeros(0)
    if c is not None:
        sx, sy = c.step_xy()
        band = (c.band_x, c.band_low, c.band_high)
        band_text = (f"{fmt_percent(c.band_level)} consistency band: where the CORP curve of a "
                     f"calibrated model falls ({c.band_resamples} redraws)"
                     if c.band_x.size else "")
    else:
        sx = sy = empty
        band = (empty, empty, empty)
        band_text = ""
    return ReliabilityView(
        x=np.asarray(r.mean_predicted)[filled], y=np.asarray(r.observed)[filled], bins=filled,
        bar_center=(edges[:-1] + edges[1:]) / 2, bar_height=counts / top * BAR_SHARE,
        bar_width=float(edges[1] - edges[0]) * 0.9, counts=counts, edges=edges,
        step_x=sx, step_y=sy, band_x=band[0], band_low=band[1], band_high=band[2],
        ece_text=ece,
        x_title=("Confidence of the most probable class" if top_label
                 else "Predicted probability of class 1 (mean p per bin)"),
        y_title="Observed accuracy" if top_label else "Observed frequency of class 1",
        band_text=band_text, tips=tips,
        points_label=("accuracy, per bin of confidence (bars: rows)" if top_label
                      else "observed, per bin of p (bars: rows)"),
        curve_note=("no CORP curve: it is computed for binary tasks only"
                    if c is None and top_label else ""),
    )


# --------------------------------------------------------------------------------------------
# The histogram of row losses
# --------------------------------------------------------------------------------------------

#: Where the bars start on the log-scaled count axis (log10 of 0.8 rows): a bin of one row
#: still has a bar.
LOG_BOTTOM = math.log10(0.8)


@dataclass(frozen=True)
class HistogramView:
    """Bars from ``left`` to ``right`` (the loss, in units), ``height`` log10 of the row count
    (pyqtgraph's log axis draws y at log10 y; an empty bin has no bar: NaN) from ``bottom``;
    the mean loss (``mean``, in units, None when not finite) to mark; the view's extent
    (``right_end``, ``top``); ``note`` mentions the rows of infinite loss, which have no bar."""

    left: np.ndarray
    right: np.ndarray
    height: np.ndarray
    counts: np.ndarray
    bottom: float
    top: float
    right_end: float
    mean: float | None
    mean_text: str
    x_title: str
    note: str

    def bar_at(self, x: float) -> int | None:
        """The bar under a loss ``x`` (None outside the bars)."""
        if not self.left.size or not (self.left[0] <= x <= self.right[-1]):
            return None
        return int(min(np.searchsorted(self.right, x, side="left"), self.left.size - 1))

    def tip(self, i: int, units: str) -> str:
        return (f"{count_text(int(self.counts[i]), 'row')} with a loss from "
                f"{fmt_number(self.left[i], 3)} to {fmt_number(self.right[i], 3)} {units}")


def histogram_view(ins: Insight, units: str = "nats") -> HistogramView:
    """The histogram of an :class:`Insight`'s row losses (empty for a streamed file)."""
    h = ins.histogram
    title = f"Row loss ({units})"
    if h is None:
        empty = np.zeros(0)
        return HistogramView(empty, empty, empty, np.zeros(0, dtype=np.int64), LOG_BOTTOM, 1.0,
                             1.0, None, "", title, "")
    edges = to_units(np.asarray(h.edges, dtype=np.float64), units)
    counts = np.asarray(h.counts, dtype=np.int64)
    with np.errstate(divide="ignore"):
        height = np.where(counts > 0, np.log10(np.maximum(counts, 1)), np.nan)
    notes = []
    if h.n_infinite:
        notes.append(f"{count_text(h.n_infinite, 'row')} with an infinite loss "
                     f"{'is' if h.n_infinite == 1 else 'are'} not drawn")
    mean = to_units(ins.loss, units) if math.isfinite(ins.loss) else None
    top = float(np.nanmax(height)) if counts.any() else 0.0
    if counts.any():
        notes.insert(0, f"{count_text(int(counts.sum()), 'row')} in {len(counts)} bins of equal "
                        "width; counts on a log scale")
    return HistogramView(edges[:-1], edges[1:], height, counts, LOG_BOTTOM, max(top, 0.5) + 0.15,
                         float(edges[-1]), mean,
                         f"mean {fmt_result(mean, 3)}" if mean is not None else "", title,
                         "; ".join(notes) + ("." if notes else ""))
