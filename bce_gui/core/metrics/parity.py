"""Why libraries disagree: the same rows' loss under each library's convention, explained.

Why: an analyst who gets 0.1834 from scikit-learn and 0.1851 from PyTorch on the same
predictions wants to know which is right and why they differ. Usually a few rows at p = 0 or
p = 1 explain it (each library keeps log(0) out of the loss its own way), and sometimes
float32 arithmetic. This module computes the loss under every convention side by side, with
the engine's own functions (:func:`bce_gui.core.loss.row_losses`, nothing recomputed here), and
says in plain sentences where each difference comes from:

* rows whose actual class has probability exactly 0 (p = 0 for class 1, p = 1 for class 0):
  infinite under the exact convention, clipped or capped by the libraries, with what each such
  row costs under each;
* rows with a tiny but non-zero probability for their class that a library clips
  (scikit-learn below 2.2e-16, PyTorch's log cap at −100 below 3.7e-44, Keras below 1e-7) and
  rows Keras clips within 1e-7 of certainty;
* Keras' float32 arithmetic: from which significant digit its loss differs.

Every loss a sentence gives is kept in nats and written in the reader's unit, named
(:meth:`Parity.in_units`: "each costs 36.0 nats", "each costs 52 bits"), as the window's units
setting and the report ask.

The detailed sentences need hard labels and probabilities (they speak of "p for class 1");
with logits, soft or smoothed labels the sentences say how many rows each library changes and
by how much at most.

K classes (:func:`categorical_parity`): the same comparison for the categorical cross-entropy,
each convention computed by the K-class engine (:mod:`bce_gui.core.multiclass`, whose module
docstring says what each library does), from the predictions as the file gives them. The causes
differ from the binary ones: PyTorch's ``NLLLoss`` caps no log (p = 0 for the actual class is
infinite there too), and Keras divides every row by its sum before clipping, so rows whose
probabilities do not sum to 1 are a cause of their own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ..formatting import fmt_number, fmt_result, localize, with_units
from ..loss import LossOptions, OptionsError, row_losses, to_units, totals
from ..policies import FLOAT64_EPS, KERAS_EPSILON, TORCH_LOG_FLOOR, make_policy
from .columns import HUGE_WEIGHTS, columns, huge_weights
from .result import Stat

POLICIES = ("exact", "sklearn", "torch", "keras")
LABELS = {"exact": "exact", "sklearn": "scikit-learn", "torch": "PyTorch", "keras": "Keras"}
#: Why K classes given without their predictions as read get no comparison (every caller in
#: the app gives them; a script calling :func:`parity` with an (n, K) matrix meets this).
BINARY_ONLY = ("K classes: the conventions are compared from the predictions as the table holds "
               "them (categorical_parity), which were not given")
#: Two float64 losses closer than this (relative) are the same number, rounding aside.
_SAME = 1e-12


def policy_options(options: LossOptions,
                   categorical: bool = False) -> dict[str, LossOptions | OptionsError]:
    """The chosen options under each convention, or why that convention refuses them
    (``categorical``: also as the K-class engine checks them)."""
    if categorical:  # (a binary file's compute never imports the K-class engine)
        from ..multiclass import check_options

    out: dict[str, LossOptions | OptionsError] = {}
    for name in POLICIES:
        try:
            out[name] = LossOptions(policy=make_policy(name), logits=options.logits,
                                    label_smoothing=options.label_smoothing,
                                    pos_weight=options.pos_weight,
                                    soft_labels=options.soft_labels, reduction=options.reduction,
                                    renormalize=options.renormalize)
            if categorical:
                check_options(out[name])
        except OptionsError as err:
            out[name] = err
    return out


@dataclass(frozen=True)
class Cost:
    """Row losses inside a sentence, kept in nats (the smallest and the largest) and written in
    the reader's unit: with ``rows`` (how many rows they are) "it costs 36.0 nats", "each costs
    36.0 nats" or "they cost 12.1 to 36.0 nats"; without, the span alone: "12.1 to 36.0 nats".
    Whether the span is one number is decided in the unit shown (3 significant digits)."""

    lo: float
    hi: float
    rows: int = 0

    @classmethod
    def of(cls, values: np.ndarray, rows: bool = False) -> "Cost":
        return cls(float(np.min(values)), float(np.max(values)), int(values.size) if rows else 0)

    def text(self, units: str) -> str:
        lo, hi = _cost(to_units(self.lo, units)), _cost(to_units(self.hi, units))
        span = with_units(lo if lo == hi else f"{lo} to {hi}", units)
        if not self.rows:
            return span
        if self.rows == 1:
            return f"it costs {span}"
        return f"each costs {span}" if lo == hi else f"they cost {span}"


@dataclass(frozen=True)
class Digits:
    """Keras' float32 loss against the exact one (both in nats), from which significant digit
    they differ in the unit shown: "the 8th significant digit differs (0.18340012 nats against
    0.18340031 nats exactly)"."""

    keras: float
    exact: float

    def text(self, units: str) -> str:
        keras, exact = to_units(self.keras, units), to_units(self.exact, units)
        k = agreeing_digits(keras, exact)
        shown = min(k + 1, 17)
        return (f"the {_ordinal(k + 1)} significant digit differs "
                f"({with_units(localize(f'{keras:#.{shown}g}'), units)} against "
                f"{with_units(localize(f'{exact:#.{shown}g}'), units)} exactly)")


#: A sentence as computed: its text, or its text in parts with the losses (:class:`Cost`,
#: :class:`Digits`) to be written once the unit is known.
Said = str | tuple


def in_units(said: Said, units: str) -> str:
    """A sentence as computed (:data:`Said`), its losses written in ``units``."""
    if isinstance(said, str):
        return said
    return "".join(part if isinstance(part, str) else part.text(units) for part in said)


@dataclass(frozen=True)
class Parity:
    """The mean loss per convention (``loss["exact"]``, ``["sklearn"]``, ``["torch"]``,
    ``["keras"]``, in nats), one sentence per difference (``said``: its losses kept in nats,
    written in a unit by :meth:`in_units`), and the rows behind each sentence (``rows[key]``:
    indices into the arrays given) so the window can select them."""

    loss: dict[str, Stat]
    said: list[Said] = field(default_factory=list)
    rows: dict[str, np.ndarray] = field(default_factory=dict)
    #: For each sentence, the key of its rows in ``rows`` (None: a sentence about no rows).
    sentence_rows: list[str | None] = field(default_factory=list)

    @classmethod
    def undefined(cls, reason: str = BINARY_ONLY) -> "Parity":
        """No convention compared, for one reason."""
        return cls({k: Stat.undefined(reason) for k in POLICIES})

    def in_units(self, units: str = "nats") -> list[str]:
        """The sentences, their losses in ``units`` ("nats" or "bits"), the unit named."""
        return [in_units(said, units) for said in self.said]

    @property
    def sentences(self) -> list[str]:
        """The sentences in nats."""
        return self.in_units("nats")

    def explained(self, units: str = "nats") -> list[tuple[str, np.ndarray | None]]:
        """Each sentence (losses in ``units``) with the rows it speaks of (None: no rows)."""
        keys = self.sentence_rows or [None] * len(self.said)
        return [(text, self.rows.get(key) if key else None)
                for text, key in zip(self.in_units(units), keys)]


def _rows(n: int) -> str:
    return f"{n:,} row has" if n == 1 else f"{n:,} rows have"


def _their(n: int) -> str:
    return "its" if n == 1 else "their"


def _cost(x: float) -> str:
    """A number with 3 significant digits: 36.0, 16.1, 100, 764, 1.19e-07."""
    return fmt_number(x, 3) if abs(x) >= 100 else fmt_result(x, 3)


def _span(values: np.ndarray) -> str:
    """'0.900', or '0.900 to 1.10' when the values differ at 3 significant digits (not losses:
    those are :class:`Cost`)."""
    lo, hi = _cost(float(np.min(values))), _cost(float(np.max(values)))
    return lo if lo == hi else f"{lo} to {hi}"


def _each(values: np.ndarray) -> Cost:
    """Rows' losses as 'it costs 36.0 nats', 'each costs …' or 'they cost 12.1 to 36.0 nats'."""
    return Cost.of(values, rows=True)


def _losses(values: np.ndarray) -> Cost:
    """Rows' losses as '36.0 nats' or '12.1 to 36.0 nats'."""
    return Cost.of(values)


def _joined(parts: list[tuple], sep: str = "; ") -> tuple:
    """Clauses (each a tuple of text and costs) one after another, ``sep`` between them."""
    out: list = []
    for k, part in enumerate(parts):
        out += ([sep] if k else []) + list(part)
    return tuple(out)


def _ordinal(k: int) -> str:
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix}"


def agreeing_digits(a: float, b: float) -> int:
    """How many significant digits a and b share when both are rounded to them (17 if equal)."""
    if a == b:
        return 17
    for k in range(1, 18):
        if float(f"{a:.{k - 1}e}") != float(f"{b:.{k - 1}e}"):
            return k - 1
    return 17


def parity(actual, predicted, weights=None, *, logits: bool = False,
           label_smoothing: float = 0.0, pos_weight: float | None = None,
           soft_labels: bool = False, reduction: str | None = None,
           known: dict[str, np.ndarray] | None = None) -> Parity:
    """The loss of valid binary rows under exact, scikit-learn, PyTorch and Keras conventions,
    with a sentence for each difference (see the module docstring). Each mean is reduced as
    its library does by default (Σw·l/Σw for scikit-learn, Σw·l/N for PyTorch and Keras), or
    as ``reduction`` says when the user chose one.

    ``known``: row losses the caller already has under some of these conventions (with the
    same options), by convention name; they are used instead of being computed again.
    """
    cols = columns(actual, predicted, weights)
    if cols.categorical:
        return Parity.undefined()
    if problem := cols.problem():
        return Parity.undefined(problem)
    y, x, w = cols.y, cols.p, cols.w
    try:
        choices = policy_options(LossOptions(logits=logits, label_smoothing=label_smoothing,
                                             pos_weight=pos_weight, soft_labels=soft_labels,
                                             reduction=reduction))
    except OptionsError as err:  # (refused whatever the convention)
        choices = dict.fromkeys(POLICIES, err)
    losses: dict[str, np.ndarray] = {}
    means: dict[str, Stat] = {}
    for name, opts in choices.items():
        if isinstance(opts, OptionsError):
            means[name] = Stat.undefined(str(opts))
            continue
        losses[name] = (known or {}).get(name)
        if losses[name] is None:
            losses[name] = row_losses(y, x, opts)
        means[name] = Stat.of(totals(losses[name], y, w, options=opts).mean)
    counted = np.ones(cols.n, dtype=bool) if w is None else w > 0
    plain = (not logits and label_smoothing == 0.0 and pos_weight is None
             and cols.hard_labels() and "exact" in losses)
    if plain:
        sentences, rows, keys = _plain_sentences(y, x, w, counted, losses, means,
                                                 _keras_reduction(choices))
    else:
        sentences, rows, keys = _generic_sentences(counted, losses, means)
    _reduction_sentence((sentences, rows, keys), choices, w)
    return Parity(means, sentences, rows, keys)


def _keras_reduction(choices: dict) -> str:
    opts = choices.get("keras")
    return opts.reduction_used if isinstance(opts, LossOptions) else "weighted-mean"


def _reduction_sentence(said, choices: dict, w: np.ndarray | None) -> None:
    """With weights, the libraries' default reductions differ (scikit-learn divides Σw·l by
    Σw, PyTorch and Keras by N): said first, since it moves the whole loss, not a few rows."""
    if w is None:
        return
    by: dict[str, list[str]] = {}
    for name, opts in choices.items():
        if isinstance(opts, LossOptions):
            by.setdefault(opts.reduction_used, []).append(LABELS[name])
    try:
        n, total = int(w.size), float(math.fsum(w.tolist()))
    except OverflowError:  # (weights past the largest float: the statistics say so)
        return
    if len(by) < 2 or not n or not total > 0 or total == n:
        return
    divides = {"weighted-mean": f"by the sum of the weights (Σw = {total:.6g})",
               "mean": f"by the number of rows (N = {n:,})", "sum": "by nothing (the sum)"}
    parts = [f"{_names(names)} {'divide' if len(names) > 1 else 'divides'} Σw·l "
             f"{divides[how]}" for how, names in by.items()]
    sentences, _rows_said, keys = said
    sentences.insert(0, "With weights, the libraries reduce differently: " + "; ".join(parts)
                     + ", so their losses differ by that factor for the same row losses "
                     "(one reduction for all, in the settings or --reduction, compares the "
                     "conventions alone).")
    keys.insert(0, None)


def _names(labels: list[str]) -> str:
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


# --------------------------------------------------------------------------------------------
# Hard labels and probabilities: the causes, by name
# --------------------------------------------------------------------------------------------


def _plain_sentences(y, p, w, counted, losses, means, keras_reduction: str = "weighted-mean"):
    sentences: list[Said] = []
    keys: list[str | None] = []
    rows: dict[str, np.ndarray] = {}
    one = (y == 1.0) & counted
    zero = (y == 0.0) & counted
    with np.errstate(invalid="ignore"):
        # The probability of the actual class as the exact convention sees it: p or 1 - p.
        q = np.where(y == 1.0, p, 1.0 - p)
    have = [n for n in ("sklearn", "torch", "keras") if n in losses]

    for key, mask, what in (("p0_class1", one & (p == 0.0), "p = 0 for class 1"),
                            ("p1_class0", zero & (p == 1.0), "p = 1 for class 0")):
        n = int(np.count_nonzero(mask))
        if not n:
            continue
        rows[key] = np.flatnonzero(mask)
        clip_what = "p" if key == "p0_class1" else "1 − p"
        parts = []
        for name in have:
            cost = _each(losses[name][mask])
            if name == "sklearn":
                parts.append((f"scikit-learn clips {clip_what} to {fmt_number(FLOAT64_EPS, 2)} "
                              "and ", cost))
            elif name == "torch":
                parts.append((f"PyTorch caps each log at −{-TORCH_LOG_FLOOR:g}, so ", cost))
            else:
                bound = "1e-7" if key == "p0_class1" else "1 − 1e-7"
                parts.append((f"Keras clips p to {bound} in float32, so ", cost))
        sentences.append((f"{_rows(n)} {what}: the exact loss is infinite; ", *_joined(parts),
                          "."))
        keys.append(key)

    finite = counted & (q > 0.0)
    tiny = {
        "sklearn": (finite & (q < FLOAT64_EPS), fmt_number(FLOAT64_EPS, 2),
                    f"scikit-learn raises it to {fmt_number(FLOAT64_EPS, 2)}"),
        "torch": (finite & (q < math.exp(TORCH_LOG_FLOOR)), fmt_number(math.exp(TORCH_LOG_FLOOR), 2),
                  "PyTorch caps the log at −100"),
        "keras": (finite & (q < KERAS_EPSILON), "1e-7", "Keras clips it to 1e-7"),
    }
    said = (sentences, rows, keys)
    _tiny_sentences(said, {name: tiny[name] for name in have}, losses)
    if "keras" in losses:
        near_one = counted & (q > 1.0 - KERAS_EPSILON)
        _near_one_sentence(said, near_one, losses)
        keras_clipped = (counted & (q < KERAS_EPSILON)) | near_one
        digits = _float32_sentence(losses, w, counted & ~keras_clipped,
                                   clipped=bool(keras_clipped.any()), reduction=keras_reduction)
        sentences.extend(digits)
        keys.extend([None] * len(digits))
    _agree_sentence(said, means)
    return sentences, rows, keys


def _tiny_sentences(said, tiny: dict, losses) -> None:
    """Per library, the rows whose actual class's probability is below its bound but above 0:
    ``tiny[name]`` = (mask, the bound as written, what the library does)."""
    sentences, rows, keys = said
    for name, (mask, bound, action) in tiny.items():
        n = int(np.count_nonzero(mask))
        if not n:
            continue
        rows[f"{name}_tiny"] = np.flatnonzero(mask)
        keys.append(f"{name}_tiny")
        sentences.append((
            f"{_rows(n)} a probability below {bound} (but above 0) for {_their(n)} actual class: "
            f"{action}, so ", _each(losses[name][mask]), " instead of ",
            _losses(losses["exact"][mask]), "."))


def _near_one_sentence(said, near_one: np.ndarray, losses) -> None:
    """The rows whose actual class's probability is within 1e-7 of 1, which Keras clips."""
    sentences, rows, keys = said
    n = int(np.count_nonzero(near_one))
    if n:
        rows["keras_near_one"] = np.flatnonzero(near_one)
        keys.append("keras_near_one")
        sentences.append((
            f"{_rows(n)} a probability within 1e-7 of 1 for {_their(n)} actual class: Keras clips "
            "it to 1 − 1e-7, so ", _each(losses["keras"][near_one]), " instead of ",
            _losses(losses["exact"][near_one]), "."))


def _agree_sentence(said, means) -> None:
    """When scikit-learn and PyTorch give the exact loss, say why (nothing reaches a bound)."""
    sentences, _rows_said, keys = said
    agree = [LABELS[n] for n in ("sklearn", "torch") if n in means and means[n].defined
             and _same(means[n].value, means["exact"].value)]
    if len(agree) == 2:
        sentences.append(
            "scikit-learn and PyTorch agree with the exact loss: no row has a probability for "
            f"its actual class below {fmt_number(FLOAT64_EPS, 2)}, where scikit-learn starts "
            "clipping.")
        keys.append(None)


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return False
    if a == b:
        return True
    if not (math.isfinite(a) and math.isfinite(b)):
        return False
    return abs(a - b) <= _SAME * max(abs(a), abs(b))


def _float32_sentence(losses, w, rows: np.ndarray, clipped: bool,
                      reduction: str = "weighted-mean") -> list:
    """Keras against exact on the rows Keras does not clip: the float32 digit (both reduced
    as Keras' loss is, so that without clipped rows Keras' number is the one shown)."""
    if not rows.any():
        return []
    if w is not None:  # rows of weight 0 add nothing but count in a mean over rows
        rows = rows | (w == 0.0)
    ww = None if w is None else w[rows]
    how = LossOptions(reduction=reduction)
    keras = totals(losses["keras"][rows], np.zeros(int(rows.sum())), ww, options=how).mean
    exact = totals(losses["exact"][rows], np.zeros(int(rows.sum())), ww, options=how).mean
    if not (math.isfinite(keras) and math.isfinite(exact)) or keras == exact:
        return []
    where = "on the rows it does not clip, " if clipped else ""
    return [_digit_sentence(keras, exact, where)]


def _digit_sentence(keras: float, exact: float, where: str = "") -> tuple:
    """'Keras computes in float32: the 8th significant digit differs (… nats against … nats
    exactly).' (the digit counted in the unit shown)."""
    return (f"Keras computes in float32: {where}", Digits(keras, exact), ".")


# --------------------------------------------------------------------------------------------
# Logits, soft or smoothed labels: how many rows each library changes
# --------------------------------------------------------------------------------------------


def _generic_sentences(counted, losses, means, descriptions: dict[str, str] | None = None):
    sentences: list[Said] = []
    keys: list[str | None] = []
    rows: dict[str, np.ndarray] = {}
    if "exact" not in losses:
        return sentences, rows, keys
    exact = losses["exact"]
    for name in ("sklearn", "torch", "keras"):
        if name not in losses or not means[name].defined:
            continue
        other = losses[name]
        with np.errstate(invalid="ignore"):
            diff = np.abs(other - exact)
            # A change is what exceeds rounding: float64's (through a sigmoid and a log) for
            # scikit-learn and PyTorch, float32's for Keras (told apart below), at the scale
            # of the row's loss or of one nat, whichever is larger (a row losing 1e-22 nats
            # instead of 0 changes nothing that can be shown).
            scale = np.maximum(np.abs(exact), 1.0)
            changed = counted & ~(diff <= (1e-5 if name == "keras" else _SAME) * scale)
        n = int(np.count_nonzero(changed))
        if n:
            rows[f"{name}_changed"] = np.flatnonzero(changed)
            keys.append(f"{name}_changed")
            largest = float(np.max(diff[changed]))
            what = (descriptions or {}).get(name) or make_policy(name).description
            sentences.append((f"{LABELS[name]} changes {n:,} row{'s' if n != 1 else ''}, the "
                              "largest by ", Cost(largest, largest), f". {what}"))
        a, b = means[name].value, means["exact"].value
        if name == "keras" and a != b and math.isfinite(a) and math.isfinite(b):
            sentences.append(_digit_sentence(a, b))
            keys.append(None)
    return sentences, rows, keys


# --------------------------------------------------------------------------------------------
# K classes
# --------------------------------------------------------------------------------------------

#: What each library does to K-class predictions, for the sentences about logits or smoothing.
CATEGORICAL_DESCRIPTIONS = {
    "sklearn": "scikit-learn clips each probability to [2.2e-16, 1 − 2.2e-16] (logits through "
               "a softmax first).",
    "torch": "PyTorch takes the log of each probability as given (NLLLoss), or its own "
             "log-softmax of logits (CrossEntropyLoss).",
    "keras": "Keras divides each row by its sum and clips it to [1e-7, 1 − 1e-7], in float32.",
}


def categorical_parity(actual, predictions, weights=None, *, options: LossOptions | None = None,
                       known: dict[str, np.ndarray] | None = None) -> Parity:
    """The K-class loss of valid rows under exact, scikit-learn, PyTorch and Keras conventions,
    with a sentence for each difference. ``actual``: class indices 0..K-1; ``predictions``: the
    (n, K) predictions as the file gives them (probabilities, or logits with
    ``options.logits``), not renormalised or clipped; ``options``: the user's (label smoothing,
    renormalisation, logits and reduction carry over to every convention). Each mean is reduced
    as its library does by default, or as ``options.reduction`` says. ``known``: row losses
    already computed under some conventions (by name), used instead of computing them again.
    """
    from ..accumulate import Accumulator
    from ..multiclass import categorical_row_losses

    options = options or LossOptions()
    y = np.asarray(actual, dtype=np.int64).ravel()
    x = np.asarray(predictions, dtype=np.float64)
    w = None if weights is None else np.asarray(weights, dtype=np.float64).ravel()
    n = y.size
    if x.ndim != 2 or x.shape[0] != n or x.shape[1] < 2:
        raise ValueError("K-class parity needs an (n, K) prediction matrix, K >= 2")
    if n == 0:
        return Parity.undefined("there are no valid rows")
    if huge_weights(w):  # (as the binary comparison: Columns.problem)
        return Parity.undefined(HUGE_WEIGHTS)
    if w is not None and not float(np.sum(w)) > 0:
        return Parity.undefined("the weights of the valid rows sum to 0")
    losses: dict[str, np.ndarray] = {}
    means: dict[str, Stat] = {}
    choices = policy_options(options, categorical=True)
    for name, opts in choices.items():
        if isinstance(opts, OptionsError):
            means[name] = Stat.undefined(f"{LABELS[name]} cannot be combined with these options")
            continue
        got = (known or {}).get(name)
        losses[name] = got if got is not None else categorical_row_losses(y, x, opts)
        acc = Accumulator(n_classes=x.shape[1], weighted=w is not None, by_class=False)
        acc.update(losses[name], y, w)
        means[name] = Stat.of(acc.result(opts).mean)
    counted = np.ones(n, dtype=bool) if w is None else w > 0
    if not options.logits and options.label_smoothing == 0.0 and "exact" in losses:
        sentences, rows, keys = _categorical_sentences(y, x, counted, losses, means, w,
                                                       options.renormalize,
                                                       _keras_reduction(choices))
    else:
        sentences, rows, keys = _generic_sentences(counted, losses, means,
                                                   CATEGORICAL_DESCRIPTIONS)
    _reduction_sentence((sentences, rows, keys), choices, w)
    return Parity(means, sentences, rows, keys)


def _categorical_sentences(y, x, counted, losses, means, w, renormalize: bool,
                           keras_reduction: str = "weighted-mean"):
    from ..multiclass import SUM_TOLERANCE, _gather, _scale, row_sums

    sentences: list[Said] = []
    keys: list[str | None] = []
    rows: dict[str, np.ndarray] = {}
    sums = row_sums(x)
    # The probability of the actual class as the exact convention takes it (the engine's own
    # gather and renormalisation).
    q, _no_class = _gather(x, y)
    scale = _scale(x, renormalize, sums)
    if scale is not None:
        q = q / scale
    with np.errstate(invalid="ignore"):
        off_sum = counted & ~(np.abs(sums - 1.0) <= SUM_TOLERANCE)
    have = [name for name in ("sklearn", "torch", "keras") if name in losses]

    zero = counted & (q == 0.0)
    n_zero = int(np.count_nonzero(zero))
    if n_zero:
        rows["p0_actual"] = np.flatnonzero(zero)
        parts = []
        for name in have:
            cost = _each(losses[name][zero])
            if name == "sklearn":
                parts.append((f"scikit-learn clips it to {fmt_number(FLOAT64_EPS, 2)} and ", cost))
            elif name == "torch":
                if np.isinf(losses[name][zero]).all():
                    are = "it is" if n_zero == 1 else "they are"
                    parts.append((f"PyTorch's NLLLoss takes its log as given, so {are} infinite "
                                  "there too",))
                else:
                    parts.append(("PyTorch: ", cost))
            else:
                parts.append(("Keras clips it to 1e-7 in float32, so ", cost))
        sentences.append((f"{_rows(n_zero)} p = 0 for {_their(n_zero)} actual class: the exact "
                          "loss is infinite", *(("; ", *_joined(parts)) if parts else ()), "."))
        keys.append("p0_actual")

    finite = counted & (q > 0.0)
    tiny = {
        "sklearn": (finite & (q < FLOAT64_EPS), fmt_number(FLOAT64_EPS, 2),
                    f"scikit-learn raises it to {fmt_number(FLOAT64_EPS, 2)}"),
        "keras": (finite & (q < KERAS_EPSILON), "1e-7", "Keras clips it to 1e-7"),
    }
    said = (sentences, rows, keys)
    _tiny_sentences(said, {name: tiny[name] for name in ("sklearn", "keras") if name in losses},
                    losses)
    if "keras" in losses:
        near_one = counted & (q > 1.0 - KERAS_EPSILON) & np.isfinite(q)
        _near_one_sentence(said, near_one, losses)
        scaled = np.zeros_like(off_sum) if renormalize else off_sum  # (Keras' own division)
        m = int(np.count_nonzero(scaled))
        if m:
            rows["keras_sum"] = np.flatnonzero(scaled)
            keys.append("keras_sum")
            others = [LABELS[name] for name in ("exact", "sklearn", "torch") if name in losses]
            listed = _names(others)
            whose = "1 row's probabilities do" if m == 1 else f"{m:,} rows' probabilities do"
            sentences.append((
                f"{whose} not sum to 1 (sum {_span(sums[scaled])}): Keras divides each row by "
                f"its sum; {listed} take the actual class's probability as given. Keras' loss "
                f"of {'that row' if m == 1 else 'those rows'}: ", _losses(losses["keras"][scaled]),
                ", against ", _losses(losses["exact"][scaled]), " exactly."))
        clipped = (finite & (q < KERAS_EPSILON)) | near_one | zero
        digits = _float32_sentence(losses, w, counted & ~clipped & ~scaled,
                                   clipped=bool((clipped | scaled).any()),
                                   reduction=keras_reduction)
        sentences.extend(digits)
        keys.extend([None] * len(digits))
    _agree_sentence(said, means)
    return sentences, rows, keys
