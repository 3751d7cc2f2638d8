"""What the penalty plot draws, computed here so the plot only displays it.

K classes (a categorical table): each observation is drawn at (q, its row loss), q being the
probability the model gave to its actual class as the loss uses it (after renormalising or
clipping; the softmax of the logits), and there is one curve, −ln q, for every K: a row's point
lies on it whatever its class, and the points are coloured by class.

Each observation is drawn at (p, its row loss): p is the predicted probability of class 1 (the
sigmoid of the logit under the logits option) and the height is the very loss the table and the
summary use, under every option (convention, logits, label smoothing, pos_weight). The two curves
are the losses a class-1 and a class-0 row would have at each p under the same options, so a
point always sits on its class's curve and its tooltip says the height it is drawn at.
"""

from __future__ import annotations

import math

import numpy as np

from .dataset import Dataset
from .formatting import count_text, fmt_number, localize
from .loss import LossOptions, row_losses, row_terms, to_units

#: Where the curves bend hardest they are sampled densely; below this distance from 0 and 1 only
#: if a point or the convention's clipping lies there.
CURVE_EDGE = 1e-12
#: On a log-scaled axis a loss of exactly 0 (p = 1 for a class-1 row) is drawn at the bottom.
LOG_FLOOR = 1e-16


def probability_of_class1(predicted: np.ndarray, options: LossOptions) -> np.ndarray:
    """The x of each point: p itself, or sigmoid(z) for logits (stable for |z| up to 1e308)."""
    x = np.asarray(predicted, dtype=np.float64)
    if not options.logits:
        return x
    with np.errstate(over="ignore"):
        return np.exp(-np.logaddexp(0.0, -x))


def class_losses(predicted: np.ndarray, options: LossOptions) -> tuple[np.ndarray, np.ndarray]:
    """(loss of a class-1 row, loss of a class-0 row) at each predicted value, in nats, by the
    engine itself: clipping, float32 (Keras), smoothing and pos_weight included."""
    x = np.asarray(predicted, dtype=np.float64)
    return row_losses(np.ones_like(x), x, options), row_losses(np.zeros_like(x), x, options)


def _logit(p: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore"):
        return np.log(p) - np.log1p(-p)


def curves(options: LossOptions, units: str = "nats",
           extreme: float | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(x, class-1 loss, class-0 loss) along the penalty curves, in ``units``.

    The curves reach as far as the points do: down to the convention's clipping (scikit-learn's
    ε = 2.2e-16 puts a p = 0 row at 36.04 nats) and to ``extreme``, the most extreme prediction
    drawn (the smallest min(p, 1 − p) for probabilities, the largest |z| for logits).
    Values that are not finite (ln 0 under the exact convention) are left out (NaN).
    """
    low = CURVE_EDGE
    eps = options.policy.eps
    if eps is not None:
        low = min(low, eps / 2)  # past the clip, where the curve is flat
    if extreme is not None and not options.logits and 0.0 < extreme < low:
        low = extreme
    decades = max(1, int(math.ceil(-math.log10(low))))
    edge = np.logspace(-decades, -1, 12 * decades)
    p = np.unique(np.concatenate([[0.0], edge, np.linspace(0.1, 0.9, 161), 1.0 - edge, [1.0]]))
    if options.logits:
        z = _logit(p[(p > 0) & (p < 1)])
        if extreme is not None and math.isfinite(extreme) and extreme > z.max():
            far = np.linspace(z.max(), extreme, 200)
            z = np.unique(np.concatenate([-far, z, far]))
        predicted = z
        x = probability_of_class1(z, options)
    else:
        predicted = x = p
    l1, l0 = class_losses(predicted, options)
    l1 = np.where(np.isfinite(l1), to_units(l1, units), np.nan)
    l0 = np.where(np.isfinite(l0), to_units(l0, units), np.nan)
    return x, l1, l0


def extreme_prediction(predicted: np.ndarray, options: LossOptions) -> float | None:
    """The most extreme of these predictions, as :func:`curves` takes it (None if none)."""
    v = np.asarray(predicted, dtype=np.float64)
    v = v[np.isfinite(v)]
    if not v.size:
        return None
    if options.logits:
        return float(np.max(np.abs(v)))
    d = np.minimum(v, 1.0 - v)
    d = d[d > 0]
    return float(d.min()) if d.size else None


def bin_heights(centres: np.ndarray, options: LossOptions, units: str) -> tuple[np.ndarray, np.ndarray]:
    """Heights of density marks at bin centres of p: (class 1, class 0), on the curves."""
    c = np.asarray(centres, dtype=np.float64)
    predicted = _logit(c) if options.logits else c
    l1, l0 = class_losses(predicted, options)
    return to_units(l1, units), to_units(l0, units)


def log_coordinates(y: np.ndarray, floor: float = LOG_FLOOR) -> np.ndarray:
    """Where a log-scaled axis draws these heights (pyqtgraph's log mode draws y at log10 y):
    heights at or below ``floor`` (a loss of 0) at the floor, NaN kept, +inf kept."""
    y = np.asarray(y, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(np.isnan(y), np.nan, np.log10(np.maximum(y, floor)))


def lowest_positive(y: np.ndarray, default: float) -> float:
    """The smallest finite positive height (the bottom of a log-scaled view)."""
    y = np.asarray(y, dtype=np.float64)
    ok = np.isfinite(y) & (y > 0)
    return float(y[ok].min()) if ok.any() else default


def point_tip(dataset: Dataset, options: LossOptions, row: int, loss: float, units: str) -> str:
    """The tooltip of one observation's point: what the table shows for its row, and the height
    it is drawn at (its row loss, in ``units``)."""
    y = float(dataset.actual.values[row])
    pred = float(dataset.predicted.values[row])
    terms = row_terms(np.array([y]), np.array([pred]), options)
    p = float(probability_of_class1(np.array([pred]), options)[0])
    who = dataset.cell_text("id", row) or f"row {row + 1}"
    lines = [f"ID {who}" if dataset.cell_text("id", row) else who,
             f"actual class {fmt_number(y)}"]
    if options.logits:
        lines.append(f"logit = {fmt_number(pred, 6)}, p = {fmt_number(p, 6)}")
    else:
        lines.append(f"p = {fmt_number(p, 6)}")
    lines += [f"corrected p = {fmt_number(terms.corrected[0], 6)}",
              f"ln(corrected p) = {fmt_number(terms.ln_corrected[0], 6)}",
              f"row loss = {fmt_number(to_units(loss, units), 6)} {units}"]
    if options.pos_weight is not None and y == 1.0:
        lines[-1] += f" (pos_weight {fmt_number(options.pos_weight)} × −ln)"
    return "\n".join(lines)


def bin_tip(count: int, cls: int, low: float, high: float) -> str:
    """The tooltip of a density mark."""
    return (f"{count_text(count, 'row')} of actual class {cls}\n"
            f"with p in [{localize(f'{low:.3f}')}, {localize(f'{high:.3f}')})\n"
            "click: select the worst of them")


def density_levels(counts: np.ndarray, levels: int) -> np.ndarray:
    """The size class (0 .. levels - 1) of each density mark: ⌈levels · ln(1 + count) / ln(1 +
    largest count)⌉ - 1, so a bin of one row is drawn small and the fullest bin largest, and a
    count ten times another's is a step or two larger, not ten times the size."""
    counts = np.asarray(counts, dtype=np.float64)
    if not counts.size:
        return np.empty(0, dtype=int)
    biggest = max(float(counts.max()), 1.0)
    level = np.ceil(np.log1p(counts) / np.log1p(biggest) * levels).astype(int)
    return np.clip(level, 1, levels) - 1


# --------------------------------------------------------------------------------------------
# K classes
# --------------------------------------------------------------------------------------------


def _curve_options(options: LossOptions) -> LossOptions:
    """The options the −ln q curve is drawn with: q is a probability already (renormalised,
    clipped or the softmax), so only the convention's clipping and float32 remain."""
    from dataclasses import replace

    return replace(options, logits=False, label_smoothing=0.0, renormalize=False)


def categorical_losses(q: np.ndarray, options: LossOptions) -> np.ndarray:
    """The loss (nats) of a row whose actual class has probability q, by the engine."""
    from .multiclass import categorical_row_losses

    q = np.asarray(q, dtype=np.float64)
    matrix = np.column_stack([q, 1.0 - q])
    return categorical_row_losses(np.zeros(q.size, dtype=np.int64), matrix, _curve_options(options))


def categorical_curve(options: LossOptions, units: str = "nats",
                      extreme: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(q, loss) along the one K-class curve, in ``units``, reaching down to the smallest q
    drawn (``extreme``) and to the convention's clipping; a loss that is not finite is NaN."""
    low = CURVE_EDGE
    eps = options.policy.eps
    if eps is not None:
        low = min(low, eps / 2)
    if extreme is not None and 0.0 < extreme < low:
        low = extreme
    decades = max(1, int(math.ceil(-math.log10(low))))
    q = np.unique(np.concatenate([[0.0], np.logspace(-decades, -1, 12 * decades),
                                  np.linspace(0.1, 1.0, 181)]))
    y = categorical_losses(q, options)
    return q, np.where(np.isfinite(y), to_units(y, units), np.nan)


def categorical_bin_heights(centres: np.ndarray, options: LossOptions, units: str) -> np.ndarray:
    """Heights of K-class density marks at bin centres of q, on the one curve, in ``units``."""
    return to_units(categorical_losses(centres, options), units)


def smallest_probability(q: np.ndarray) -> float | None:
    """The smallest positive q drawn (how far down the curve must reach), None if none."""
    v = np.asarray(q, dtype=np.float64)
    v = v[np.isfinite(v) & (v > 0)]
    return float(v.min()) if v.size else None


def actual_class_probability(loss: np.ndarray) -> np.ndarray:
    """Where K-class rows are drawn along q: e^(−row loss), the probability of the actual class
    as the loss used it (equal to the table's p(actual) to the last digit or so; with label
    smoothing it is what the table shows too), NaN for a row without a loss."""
    with np.errstate(over="ignore", invalid="ignore"):
        return np.exp(-np.asarray(loss, dtype=np.float64))


def categorical_point_tip(dataset: Dataset, options: LossOptions, row: int, corrected: float,
                          ln_corrected: float, loss: float, units: str, note: str = "",
                          max_classes: int = 10) -> str:
    """The tooltip of a K-class observation's point: its ID, actual class, the probabilities of
    (the first ``max_classes``) classes, q, ln q and the row loss it is drawn at."""
    from .class_labels import label_text

    schema = dataset.schema
    who = dataset.cell_text("id", row) or f"row {row + 1}"
    lines = [f"ID {who}" if dataset.cell_text("id", row) else who,
             f"actual class {dataset.cell_text(schema.actual, row)}"]
    for c, name in list(zip(schema.task.classes, schema.model.columns))[:max_classes]:
        word = "logit" if options.logits else "p"
        lines.append(f"  {word}({label_text(c)}) = {dataset.columns[name].display_text(row)}")
    if len(schema.model.columns) > max_classes:
        lines.append(f"  … {len(schema.model.columns) - max_classes} more classes")
    lines += [f"q = p(actual class) = {fmt_number(corrected, 6)}",
              f"ln q = {fmt_number(ln_corrected, 6)}",
              f"row loss = {fmt_number(to_units(loss, units), 6)} {units}"]
    if note:
        lines.append(note)
    return "\n".join(lines)


def categorical_bin_tip(count: int, low: float, high: float) -> str:
    """The tooltip of a K-class density mark (rows of every class whose q is in the bin)."""
    return (f"{count_text(count, 'row')} with q (the actual class's probability) in "
            f"[{localize(f'{low:.3f}')}, {localize(f'{high:.3f}')})\n"
            "click: select the worst of them")
