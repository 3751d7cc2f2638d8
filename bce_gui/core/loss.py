"""The binary cross-entropy engine: whole numpy columns in, per-row terms and totals out.

Every function here is vectorised over rows; nothing loops in Python. The arithmetic is chosen so
that extreme but legal inputs stay exact:

* the class-0 term is ``log1p(-p)`` to within one unit in the last place: ``log(1 - p)``
  loses every digit when p is tiny (1 - 1e-20 rounds to 1), so the kernel takes ``log`` of
  fl(1 - p) and adds the exact rounding error of 1 - p back (see ``_hard_block``): as exact
  as ``log1p`` at the speed of ``log``;
* logits use ``logaddexp(0, -z)``, i.e. ``-log(sigmoid(z))`` without forming sigmoid(z), so a
  logit of -1000 for a class-1 row costs exactly 1000 nats instead of overflowing to inf;
* p = 0 for a class-1 row (or p = 1 for a class-0 row) gives ``inf`` honestly under the
  ``exact`` convention; the other conventions reproduce their library's clipping bit for bit.

The engine speaks in terms of "the log-probability of the actual class", which is also what a
multi-class extension needs (one column per class instead of p and 1 - p).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np

from .formatting import localize
from .policies import KERAS_EPSILON, TORCH_LOG_FLOOR, ClipPolicy, make_policy

LN2 = math.log(2.0)


def to_units(nats, units: str):
    """A loss in nats expressed in ``units`` ("nats" or "bits"); numbers or arrays."""
    return nats / LN2 if units == "bits" else nats


class OptionsError(ValueError):
    """Loss options that cannot be combined or are out of range."""


#: How the row losses become one number (the libraries' names for each in the descriptions):
#: ``weighted-mean`` Σ w·l / Σ w (scikit-learn's ``log_loss``, Keras' ``mean_with_sample_weight``),
#: ``mean`` Σ w·l / N (PyTorch's default ``reduction='mean'``, Keras' default
#: ``sum_over_batch_size``), ``sum`` Σ w·l (``normalize=False``, ``reduction='sum'``).
#: Without weights the two means are the same number.
REDUCTIONS = ("weighted-mean", "mean", "sum")
REDUCTION_DESCRIPTIONS = {
    "weighted-mean": "weighted mean, Σw·l/Σw",
    "mean": "mean over rows of w·l, Σw·l/N",
    "sum": "sum of w·l, Σw·l",
}


def default_reduction(policy_name: str) -> str:
    """The reduction each convention's library applies by default."""
    return "mean" if policy_name in ("torch", "keras") else "weighted-mean"


@dataclass(frozen=True)
class LossOptions:
    """How predictions are read and which convention turns them into a loss.

    ``reduction`` None means the convention's own library default (:func:`default_reduction`);
    :attr:`reduction_used` is the one in force. ``renormalize`` (K classes only): rows whose
    probabilities do not sum to 1 are divided by their sum first, as Keras does (by default
    they are used as given, as scikit-learn 1.9 does); a binary table has nothing to sum.
    """

    policy: ClipPolicy = field(default_factory=make_policy)
    logits: bool = False
    label_smoothing: float = 0.0
    pos_weight: float | None = None
    soft_labels: bool = False
    reduction: str | None = None
    renormalize: bool = False

    def __post_init__(self) -> None:
        if self.reduction is not None and self.reduction not in REDUCTIONS:
            raise OptionsError(
                f"unknown reduction {self.reduction!r}; choose one of: {', '.join(REDUCTIONS)}"
            )
        if not (0.0 <= self.label_smoothing <= 1.0) or math.isnan(self.label_smoothing):
            raise OptionsError(
                f"label smoothing must be between 0 and 1, not {localize(f'{self.label_smoothing:g}')}"
            )
        if self.pos_weight is not None:
            if not self.logits:
                raise OptionsError("pos_weight applies to logits only (as in PyTorch); add --logits")
            if not (math.isfinite(self.pos_weight) and self.pos_weight > 0):
                raise OptionsError("pos_weight must be a positive number, "
                                   f"not {localize(f'{self.pos_weight:g}')}")

    @property
    def reduction_used(self) -> str:
        """The reduction in force: the one chosen, else the convention's default."""
        return self.reduction or default_reduction(self.policy.name)

    @property
    def hard_labels(self) -> bool:
        """True when every valid label is exactly 0 or 1 and no smoothing moves it."""
        return not self.soft_labels and self.label_smoothing == 0.0

    # -- one plain form for settings, recovery files and JSON --------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The options as plain values, keys :data:`OPTION_KEYS`: ``eps`` is the epsilon the
        convention clips with (None for ``exact`` and ``torch``), ``reduction`` None for the
        convention's default. :meth:`from_dict` gives back an equal ``LossOptions``."""
        return {
            "policy": self.policy.name,
            "eps": self.policy.eps,
            "logits": self.logits,
            "label_smoothing": self.label_smoothing,
            "pos_weight": self.pos_weight,
            "soft_labels": self.soft_labels,
            "reduction": self.reduction,
            "renormalize": self.renormalize,
        }

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> "LossOptions":
        """Options from :meth:`to_dict`'s form; a missing key (or None) takes its default.

        Values may also be text, as a settings file keeps them ("true", "0.1", "" for none).
        ``eps`` counts only for the ``custom`` convention (the others have their own).
        Raises :class:`OptionsError` (a ``ValueError``) naming the value it cannot read.
        """
        def get(key: str):
            value = values.get(key)
            return None if value is None or (isinstance(value, str) and not value.strip()) else value

        policy_name = str(get("policy") or "exact")
        eps = _option_float("eps", get("eps")) if policy_name.strip().lower() == "custom" else None
        try:
            policy = make_policy(policy_name, eps)
        except ValueError as exc:
            raise OptionsError(str(exc)) from None
        pos_weight = get("pos_weight")
        reduction = get("reduction")
        return cls(
            policy=policy,
            logits=_option_bool("logits", get("logits")),
            label_smoothing=_option_float("label_smoothing", get("label_smoothing")) or 0.0,
            pos_weight=None if pos_weight is None else _option_float("pos_weight", pos_weight),
            soft_labels=_option_bool("soft_labels", get("soft_labels")),
            reduction=None if reduction is None else str(reduction),
            renormalize=_option_bool("renormalize", get("renormalize")),
        )


#: The keys of :meth:`LossOptions.to_dict`, in order.
OPTION_KEYS = ("policy", "eps", "logits", "label_smoothing", "pos_weight", "soft_labels", "reduction",
               "renormalize")


def _option_bool(key: str, value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    text = str(value).strip().lower()
    if text in ("true", "1", "yes", "on"):
        return True
    if text in ("false", "0", "no", "off"):
        return False
    raise OptionsError(f"{key}: expected true or false, not {value!r}")


def _option_float(key: str, value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise OptionsError(f"{key}: expected a number, not {value!r}")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise OptionsError(f"{key}: expected a number, not {value!r}") from None


# --------------------------------------------------------------------------------------------
# Log-probabilities of each class under a convention
# --------------------------------------------------------------------------------------------


def _quiet() -> np.errstate:
    # log(0) = -inf and NaN rows are expected here; they are reported, not warned about.
    return np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore")


def class_log_probs(predicted: np.ndarray, options: LossOptions) -> tuple[np.ndarray, np.ndarray]:
    """Return (ln P(class 1), ln P(class 0)) per row, as the chosen convention computes them."""
    x = np.asarray(predicted, dtype=np.float64)
    policy = options.policy
    with _quiet():
        if policy.name == "keras":
            return _keras_log_probs(x, options.logits)
        if options.logits:
            if policy.name == "exact":
                # -log(1 + e^-z) and -log(1 + e^z): exact for any finite z.
                return -np.logaddexp(0.0, -x), -np.logaddexp(0.0, x)
            if policy.name == "torch":
                # As torch.nn.functional.binary_cross_entropy_with_logits (float64), which
                # forms the class-0 loss as z - log_sigmoid(z): the subtraction cancels, so a
                # class-0 row with z = -50 costs exactly 0 in torch, not log1p(e^-50) = 1.9e-22.
                ls = _torch_log_sigmoid(x)
                return ls, ls - x
            x = _sigmoid(x)  # scikit-learn and custom clipping act on probabilities
        if policy.name == "exact":
            # ln(1 − p) as the loss kernel computes it (the same bits as a row's loss).
            return np.log(x), np.negative(_exact_hard_losses(np.zeros_like(x), x, False))
        if policy.name == "torch":
            # torch clamps each log term at -100 (aten binary_cross_entropy).
            return (
                np.maximum(np.log(x), TORCH_LOG_FLOOR),
                np.maximum(np.log1p(-x), TORCH_LOG_FLOOR),
            )
        # sklearn / custom: clip p and (1 - p, rounded as sklearn forms it) to [eps, 1 - eps].
        eps = policy.eps
        return np.log(np.clip(x, eps, 1.0 - eps)), np.log(np.clip(1.0 - x, eps, 1.0 - eps))


def _sigmoid(z: np.ndarray) -> np.ndarray:
    """Numerically stable logistic function."""
    return np.exp(-np.logaddexp(0.0, -z))


def _torch_log_sigmoid(z: np.ndarray) -> np.ndarray:
    """torch.nn.functional.logsigmoid as aten computes it: min(z, 0) - log1p(exp(-|z|)).

    Works in the dtype of ``z`` (float64 for the torch convention, float32 for Keras).
    """
    return np.minimum(z, z.dtype.type(0)) - np.log1p(np.exp(-np.abs(z)))


def _keras_log_probs(x: np.ndarray, logits: bool) -> tuple[np.ndarray, np.ndarray]:
    """Keras' default float32 arithmetic (float32 is why Keras differs in the 7th digit).

    Keras 3 (reference backend: torch) hands the float32 tensors to torch's BCE functions, so
    the logs are torch's: log_sigmoid for logits, log(c) and log1p(-c) for probabilities.
    """
    x32 = x.astype(np.float32)
    if logits:
        # binary_cross_entropy_with_logits: loss = (1 - y) z - log_sigmoid(z), in float32.
        # The class-0 term z - log_sigmoid(z) is formed by subtraction (it cancels to 0 for
        # z = -50, and loses digits for z = -5: 0.0067152977 instead of 0.0067153485).
        ls = _torch_log_sigmoid(x32)
        return ls.astype(np.float64), (ls - x32).astype(np.float64)
    # Keras 3 clips p to [eps, 1 - eps] in float32 and takes no eps inside the logs (Keras 2
    # did). The class-0 log is torch's log1p(-c), not log(1 - c): in float32, 1 - 1e-7 rounds
    # to 1 - 1.19e-7, which made a y=0, p=0 row cost 1.19e-7 instead of Keras' 1.0e-7, and
    # rows with small p lost up to 3e-5 relative accuracy.
    eps = np.float32(KERAS_EPSILON)
    one = np.float32(1.0)
    c = np.clip(x32, eps, one - eps)
    return np.log(c).astype(np.float64), np.log1p(-c).astype(np.float64)


def smoothed_labels(actual: np.ndarray, options: LossOptions) -> np.ndarray:
    """Labels after Keras-style smoothing: y * (1 - a) + a / 2."""
    y = np.asarray(actual, dtype=np.float64)
    a = options.label_smoothing
    if a == 0.0:
        return y
    if options.policy.name == "keras":
        y32 = y.astype(np.float32)
        return (y32 * np.float32(1.0 - a) + np.float32(0.5 * a)).astype(np.float64)
    return y * (1.0 - a) + 0.5 * a


# --------------------------------------------------------------------------------------------
# Per-row terms
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowTerms:
    """Per-row quantities, one array each, NaN where the inputs were NaN.

    ``corrected`` is the probability of the actual class as it enters the log (after clipping
    under a clipping convention); ``ln_corrected`` its natural log; ``loss`` the row's loss before
    sample weights (equal to -ln_corrected unless pos_weight weighs class-1 rows).
    """

    corrected: np.ndarray
    ln_corrected: np.ndarray
    loss: np.ndarray


PARALLEL_MIN_ROWS = 1 << 18
_pool = None


def _workers() -> int:
    return min(os.cpu_count() or 1, 8)


def _executor():
    global _pool
    if _pool is None:
        from concurrent.futures import ThreadPoolExecutor

        _pool = ThreadPoolExecutor(max_workers=_workers(), thread_name_prefix="bce-loss")
    return _pool


def row_losses(actual: np.ndarray, predicted: np.ndarray, options: LossOptions) -> np.ndarray:
    """Loss of each row, in nats (the fast path: no corrected probability is formed).

    Large columns are cut into one contiguous block per core; numpy releases the GIL inside
    its loops, so the blocks run in parallel and each row's result is bit-for-bit the same.
    """
    y = np.asarray(actual, dtype=np.float64)
    x = np.asarray(predicted, dtype=np.float64)
    n = x.size
    out = np.empty(n, dtype=np.float64)
    if n < PARALLEL_MIN_ROWS or _workers() < 2:
        _row_losses_serial(y, x, options, out)
        return out
    edges = np.linspace(0, n, _workers() + 1).astype(np.int64)
    futures = [_executor().submit(_row_losses_serial, y[a:b], x[a:b], options, out[a:b])
               for a, b in zip(edges[:-1], edges[1:])]
    for f in futures:
        f.result()
    return out


def _row_losses_serial(y: np.ndarray, x: np.ndarray, options: LossOptions, out: np.ndarray) -> None:
    if options.hard_labels and options.pos_weight is None:
        if options.policy.name == "exact":
            _exact_hard_losses(y, x, options.logits, out)
            return
        if not options.logits:
            _clipped_hard_losses(y, x, options.policy, out)
            return
    out[...] = _general_terms(y, x, options)[1]


#: Rows of a block of the loss kernel: its temporaries stay in the processor's cache.
KERNEL_BLOCK = 32768
_TINY = 5e-324  # the smallest subnormal: added to a divisor that is 0 only where the dividend is
#: Below this p, ln(1 − p) = −(p + p²/2 + p³/3) to within 2^-60 relative (the next term is p⁴/4).
_SERIES_BELOW = 2.0 ** -20


def _exact_hard_losses(y: np.ndarray, x: np.ndarray, logits: bool,
                       out: np.ndarray | None = None) -> np.ndarray:
    """-ln P(actual class) for 0/1 labels, computing one logarithm per row (into ``out``).

    Each row's loss depends on its own label and prediction only (never on the other rows of
    its block), so an edited row, a streamed block and a whole file give the same bits."""
    if out is None:
        out = np.empty(x.size, dtype=np.float64)
    if logits:
        with _quiet():
            # ln sigmoid(s z) with s = +1 for class 1, -1 for class 0.
            np.logaddexp(0.0, np.where(y == 1.0, -x, x), out=out)
        return out
    buffers = _KernelBuffers(min(KERNEL_BLOCK, x.size))
    with _quiet():
        for start in range(0, x.size, KERNEL_BLOCK):
            stop = min(start + KERNEL_BLOCK, x.size)
            _hard_block(y[start:stop], x[start:stop], out[start:stop], buffers)
    return out


class _KernelBuffers:
    __slots__ = ("q", "e", "c")

    def __init__(self, n: int) -> None:
        self.q, self.e, self.c = np.empty(n), np.empty(n), np.empty(n)


def _hard_block(y: np.ndarray, x: np.ndarray, out: np.ndarray, buf: _KernelBuffers) -> None:
    """One block of :func:`_exact_hard_losses` for probabilities: ``log`` of the actual class's
    probability, with an exact correction where 1 − p is not a float.

    Why: ``log1p(-p)`` is several times slower than ``log`` (numpy vectorises ``log`` only),
    and ``log(1 - p)`` alone loses every digit for a tiny p. Here, with c = 1 − y and
    t = (2y − 1)·p (exact: ±p), the argument q = fl(c + t) is p for class 1 and fl(1 − p) for
    class 0, and its rounding error e = (c + t) − q = t − (q − c) is exact (Fast2Sum: |c| ≥ |t|);
    e is 0 for class 1 and wherever 1 − p is a float (p ≥ 1/2, by Sterbenz). Then
    ln(c + t) = ln(q + e) = ln q + e/q, the neglected (e/q)²/2 being below 2^-107 relative.
    Every step is one ufunc over a cache-sized block, without branches or masks. The result
    agrees with ``-log1p(-p)`` bit for bit for class-1 rows and where 1 − p is a float, and
    within one unit in the last place otherwise (tests/core/test_loss_kernel.py).

    Rows whose label is not 0 or 1, or whose p is outside [0, 1] or NaN, are taken from
    :func:`_hard_losses_log1p`, which defines them.
    """
    k = x.size
    q, e, c = buf.q[:k], buf.e[:k], buf.c[:k]
    np.subtract(1.0, y, out=c)  # 1 for class 0, 0 for class 1
    np.multiply(y, c, out=e)  # y (1 − y): 0 exactly when y is 0 or 1; NaN is not 0
    odd_labels = bool(e.any())
    np.subtract(y, c, out=q)  # 2y − 1 = ±1
    np.multiply(q, x, out=e)  # t = ±p
    np.add(c, e, out=q)  # q = fl(c + t)
    np.subtract(q, c, out=c)
    np.subtract(e, c, out=e)  # e = t − (q − c): q's rounding error, exactly
    np.log(q, out=out)
    np.subtract(-_TINY, q, out=q)  # −q (q = 0 only where e = 0: 0/0 would be NaN)
    np.divide(e, q, out=e)
    np.subtract(e, out, out=out)  # −ln(q + e) = −ln q − e/q
    # With 0/1 labels, a p outside [0, 1] (or NaN) gives a negative loss or NaN here.
    if odd_labels or not out.min() >= 0.0:
        with np.errstate(invalid="ignore"):
            odd = (y * (1.0 - y) != 0.0) | ~((x >= 0.0) & (x <= 1.0))
        rows = np.flatnonzero(odd)
        out[rows] = _hard_losses_log1p(y[rows], x[rows])
    if np.fmin.reduce(x) < _SERIES_BELOW:  # (fmin: a NaN row must not hide the others)
        # Class-0 rows with a tiny p: np.log of a q this close to 1 is only faithful, and the
        # correction is a large part of the result. The series is correctly rounded but for
        # the one rounding of its sum.
        rows = np.flatnonzero((x > 0.0) & (x < _SERIES_BELOW) & (y == 0.0))
        p = x[rows]
        out[rows] = p + p * p * (0.5 + p / 3.0)


def _clipped_hard_losses(y: np.ndarray, x: np.ndarray, policy: ClipPolicy,
                         out: np.ndarray) -> np.ndarray:
    """The loss of each row under a clipping convention (scikit-learn, custom, PyTorch, Keras)
    for probabilities and labels that are classes: the same bits as :func:`_general_terms`,
    which forms both classes' logs for every row and then picks one, in fewer passes over a
    cache-sized block at a time (the statistics' parity panel computes three conventions for
    every row of a file).

    Per row, the log of the actual class's term is chosen exactly as ``_general_terms`` does
    (class 1 where y = 1, class 0 for any other label, NaN for a NaN label), with the same
    operations on the same values, so each row's result is identical, NaN rows included."""
    name = policy.name
    n = x.size
    keras = name == "keras"
    if keras:
        eps32, one = np.float32(KERAS_EPSILON), np.float32(1.0)
    with _quiet():
        for start in range(0, n, KERNEL_BLOCK):
            stop = min(start + KERNEL_BLOCK, n)
            yb, xb, ob = y[start:stop], x[start:stop], out[start:stop]
            is_one = yb == 1.0
            if keras:
                # float32: p clipped to [1e-7, 1 - 1e-7], log(c) for class 1, log1p(-c) for 0
                c = np.clip(xb.astype(np.float32), eps32, one - eps32)
                c0 = np.negative(c)
                np.log1p(c0, out=c0)
                np.log(c, out=c)
                ob[...] = np.where(is_one, c, c0)  # (float32 to float64: exact)
            elif name == "torch":
                # log(p) and log1p(-p), each clamped at -100
                c0 = np.negative(xb)
                np.log1p(c0, out=c0)
                np.maximum(np.where(is_one, np.log(xb), c0), TORCH_LOG_FLOOR, out=ob)
            else:
                # scikit-learn / custom: p, or 1 - p as float64 forms it, clipped to [eps, 1 - eps]
                eps = policy.eps
                q = np.where(is_one, xb, 1.0 - xb)
                np.log(np.clip(q, eps, 1.0 - eps, out=q), out=ob)
            if np.isnan(np.add.reduce(yb)):  # (a NaN label makes the sum NaN)
                ob[np.isnan(yb)] = np.nan
            np.negative(ob, out=ob)
    return out


def _hard_losses_log1p(y: np.ndarray, x: np.ndarray) -> np.ndarray:
    """The same losses with ``log1p(-p)`` for every class-0 row: the reference the fast kernel
    is tested against, and what any label other than 1 (class 0) or NaN (NaN) gives."""
    is_one = y == 1.0
    with _quiet():
        out = np.negative(x)
        np.log1p(out, out=out)  # in place: one row-sized buffer, not two
        np.log(x, out=out, where=is_one)
        np.negative(out, out=out)
        out[np.isnan(y)] = np.nan
        return out


def _general_terms(
    y: np.ndarray, x: np.ndarray, options: LossOptions
) -> tuple[np.ndarray, np.ndarray]:
    """(ln-term, loss) per row for any convention, soft labels, smoothing and pos_weight."""
    lp, l0 = class_log_probs(x, options)
    if options.logits and options.policy.name == "torch":
        return _torch_logit_terms(y, x, lp, l0, options)
    with _quiet():
        if options.hard_labels:
            is_one = y == 1.0
            ln_term = np.where(is_one, lp, l0)
            ln_term[np.isnan(y)] = np.nan
            if options.pos_weight is None:
                return ln_term, -ln_term
            return ln_term, -ln_term * np.where(is_one, options.pos_weight, 1.0)
        ys = smoothed_labels(y, options)
        # xlogy convention: a label weight of exactly 0 contributes 0 even against log(0) = -inf.
        t1 = np.where(ys == 0.0, 0.0, ys * lp)
        t0 = np.where(ys == 1.0, 0.0, (1.0 - ys) * l0)
        ln_term = t1 + t0
        if options.pos_weight is None:
            return ln_term, -ln_term
        return ln_term, -(options.pos_weight * t1 + t0)


def _torch_logit_terms(
    y: np.ndarray, x: np.ndarray, lp: np.ndarray, l0: np.ndarray, options: LossOptions
) -> tuple[np.ndarray, np.ndarray]:
    """(ln-term, loss) with the loss formed as torch's binary_cross_entropy_with_logits does.

    torch computes ``(1 - y) z - ((pos_weight - 1) y + 1) log_sigmoid(z)`` in one expression;
    regrouping it as ``-(pos_weight y ln p + (1 - y) ln(1 - p))`` is equal in exact arithmetic
    but rounds differently for soft labels and for pos_weight values such as 0.1, where
    (0.1 - 1) + 1 is not 0.1 in floating point. ``lp`` is torch's log_sigmoid(z).
    """
    ys = smoothed_labels(y, options)
    with _quiet():
        if options.pos_weight is None:
            loss = (1.0 - ys) * x - lp
        else:
            loss = (1.0 - ys) * x - ((options.pos_weight - 1.0) * ys + 1.0) * lp
        if options.hard_labels:
            ln_term = np.where(y == 1.0, lp, l0)
            ln_term[np.isnan(y)] = np.nan
        elif options.pos_weight is None:
            ln_term = -loss
        else:
            ln_term = ys * lp + (1.0 - ys) * l0
    return ln_term, loss


def row_terms(actual: np.ndarray, predicted: np.ndarray, options: LossOptions) -> RowTerms:
    """Corrected probability, its log and the loss of each row (for display and export)."""
    y = np.asarray(actual, dtype=np.float64)
    x = np.asarray(predicted, dtype=np.float64)
    ln_term, loss = _general_terms(y, x, options)
    with _quiet():
        corrected = _corrected_probability(y, x, ln_term, options)
    return RowTerms(corrected=corrected, ln_corrected=ln_term, loss=loss)


def _corrected_probability(
    y: np.ndarray, x: np.ndarray, ln_term: np.ndarray, options: LossOptions
) -> np.ndarray:
    """P(actual class) as it enters the log; for soft labels, exp(mean log), i.e. e^(-loss)."""
    if not options.hard_labels:
        return np.exp(ln_term)
    is_one = y == 1.0
    name = options.policy.name
    if options.logits and name in ("exact", "torch"):
        p1 = _sigmoid(x)
        p0 = _sigmoid(-x)
    elif name in ("exact", "torch"):
        p1, p0 = x, 1.0 - x
    else:
        # Clipped conventions: recover the clipped value the log actually saw.
        return np.exp(ln_term)
    out = np.where(is_one, p1, p0)
    out[np.isnan(y)] = np.nan
    return out


# --------------------------------------------------------------------------------------------
# Totals
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LossTotals:
    """The loss over the valid rows, and what it means against a no-skill baseline.

    This is the one place that turns the sums into the reported loss (:attr:`mean`), according
    to ``reduction``: the in-memory, live and streamed evaluations all build it with
    :meth:`from_sums`.
    """

    n: int
    sum_weight: float
    sum_loss: float
    n_infinite: int
    base_rate: float
    baseline: float
    reduction: str = "weighted-mean"
    #: The constant prediction the baseline makes: the base rate, unless pos_weight or label
    #: smoothing move the best constant (see :func:`no_skill`).
    baseline_prediction: float = math.nan
    #: Each class's share of the weight, in the task's class order (the base rates; for a
    #: binary task (1 − base rate, base rate)).
    class_shares: tuple[float, ...] = ()

    @classmethod
    def from_sums(cls, *, n: int, sum_weight: float, sum_loss: float, n_infinite: int,
                  class_weights: tuple[float, ...], options: "LossOptions | None" = None) -> "LossTotals":
        """Totals from the sums over the valid rows: Σ w·loss, Σ w, the weight of each class
        (``class_weights``; binary: class 0, class 1) and the counts. The accumulator
        (:mod:`~bce_gui.core.accumulate`) is the only caller.

        The base rates are each class's weight / Σ w (clamped to [0, 1] against rounding); the
        no-skill baseline is the loss of the best constant prediction under the same options as
        the loss (:func:`no_skill`), reduced the same way as the loss, so that the skill
        compares like with like. Without ``options``: the weighted mean and the plain entropy.
        """
        shares = tuple(_clamp01(c / sum_weight) if sum_weight > 0 else math.nan
                       for c in class_weights)
        reduction = options.reduction_used if options is not None else "weighted-mean"
        if len(shares) == 2:
            base_rate = shares[1]
            prediction, baseline = no_skill(base_rate, options)
        else:
            base_rate, prediction = math.nan, math.nan
            baseline = class_entropy(shares)
        scale = reduction_scale(reduction, n, sum_weight)
        return cls(
            n=n, sum_weight=sum_weight, sum_loss=math.inf if n_infinite else sum_loss,
            n_infinite=n_infinite, base_rate=base_rate, baseline=baseline * scale,
            reduction=reduction, baseline_prediction=prediction, class_shares=shares,
        )

    @property
    def mean(self) -> float:
        """The loss in nats, reduced as ``reduction`` says (inf if any counted row is infinite):
        Σ w·loss / Σ w, Σ w·loss / N, or Σ w·loss. NaN when it is undefined (no valid row, or
        weights adding up to 0 under the weighted mean, where scikit-learn raises)."""
        if self.n == 0:
            return math.nan
        if self.n_infinite:
            return math.inf
        if self.overflow is not None:
            return math.nan
        if self.reduction == "sum":
            return self.sum_loss
        if self.reduction == "mean":
            return self.sum_loss / self.n
        if self.sum_weight == 0.0:
            return math.nan
        return self.sum_loss / self.sum_weight

    @property
    def overflow(self) -> str | None:
        """Why the sums cannot give the loss: finite weights whose sum (or the sum of weight
        times loss) is past the largest float (the mean would read 0, or inf). None when they
        fit; the loss is then NaN and this is the reason said for it."""
        limit = ("more than the largest float (1.8e308): divide them by a constant, the "
                 "weighted mean does not change")
        if self.n and math.isinf(self.sum_weight):
            return f"the weights sum to {limit}"
        if self.n and math.isinf(self.sum_loss) and not self.n_infinite:
            return f"the weights times the losses sum to {limit}"
        return None

    @property
    def scale(self) -> float:
        """The loss over the weighted mean loss per row: 1 (``weighted-mean``), Σ w / N
        (``mean``) or Σ w (``sum``). Statistics defined on the mean per row (the interval, the
        decomposition) are multiplied by it to be on the loss's scale."""
        return reduction_scale(self.reduction, self.n, self.sum_weight)

    @property
    def mean_bits(self) -> float:
        """The loss in bits (nats / ln 2)."""
        return self.mean / LN2

    @property
    def baseline_bits(self) -> float:
        return self.baseline / LN2

    @property
    def skill(self) -> float:
        """1 - loss / baseline: 1 is perfect, 0 is no better than predicting the base rate."""
        m = self.mean
        if not math.isfinite(m):
            return -math.inf if m == math.inf else math.nan
        if not self.baseline:  # 0 (one class only) or NaN
            return math.nan
        return 1.0 - m / self.baseline


def reduction_scale(reduction: str, n: int, sum_weight: float) -> float:
    """What the reduction multiplies the weighted mean per row by (see ``LossTotals.scale``)."""
    return {"weighted-mean": 1.0,
            "mean": sum_weight / n if n else math.nan,
            "sum": sum_weight}[reduction]


def rescales(factor: float) -> bool:
    """A reduction's factor that puts per-row statistics on the loss's scale: not 1, and
    usable (0 or NaN: weights summing to 0, where those statistics are not defined)."""
    return factor != 1.0 and math.isfinite(factor) and factor > 0


def _clamp01(q: float) -> float:
    return min(max(q, 0.0), 1.0) if math.isfinite(q) else q


def class_entropy(shares) -> float:
    """-Σ q ln q in nats (0·ln 0 = 0): the loss of always predicting the class shares q."""
    total = 0.0
    for q in shares:
        if not (0.0 <= q <= 1.0):
            return math.nan
        if 0.0 < q < 1.0:
            total -= q * math.log(q)
    return total


def binary_entropy(q: float) -> float:
    """H(q) in nats, with 0·ln 0 = 0: the loss of always predicting the base rate q."""
    if not (0.0 <= q <= 1.0):
        return math.nan
    if q in (0.0, 1.0):
        return 0.0
    return -(q * math.log(q) + (1.0 - q) * math.log1p(-q))


def no_skill(base_rate: float, options: LossOptions | None = None) -> tuple[float, float]:
    """(p, loss): the constant prediction of a model without skill, and its mean loss, computed
    with the same options as the loss (convention, smoothing, pos_weight).

    Always predicting p costs −(A·ln P₁(p) + B·ln P₀(p)) a row on average, with A = pos_weight·ȳ
    and B = 1 − ȳ, ȳ the (weighted) mean label after smoothing; the best constant is
    p = A / (A + B). Without pos_weight and smoothing that is the base rate, and the loss its
    binary entropy.
    """
    if not (0.0 <= base_rate <= 1.0):
        return math.nan, math.nan
    if options is None or (options.pos_weight is None and options.label_smoothing == 0.0):
        a_, b_ = base_rate, 1.0 - base_rate
    else:
        ys = base_rate * (1.0 - options.label_smoothing) + 0.5 * options.label_smoothing
        a_, b_ = (options.pos_weight or 1.0) * ys, 1.0 - ys
    p = a_ / (a_ + b_)
    if a_ == 0.0 or b_ == 0.0 or options is None:
        return p, binary_entropy(p) * (a_ + b_)
    predicted = math.log(p) - math.log1p(-p) if options.logits else p
    lp, l0 = class_log_probs(np.array([predicted]), options)
    return p, -(a_ * float(lp[0]) + b_ * float(l0[0]))


def totals(
    loss: np.ndarray,
    actual: np.ndarray,
    weights: np.ndarray | None = None,
    valid: np.ndarray | None = None,
    options: LossOptions | None = None,
) -> LossTotals:
    """Aggregate per-row losses over the valid rows (rows with weight 0 contribute nothing),
    through the one exact accumulator. ``options``: those of the loss, for its reduction and
    no-skill baseline (None: the weighted mean and the plain binary entropy)."""
    from .accumulate import Accumulator

    loss = np.asarray(loss, dtype=np.float64)
    y = np.asarray(actual, dtype=np.float64)
    w = None if weights is None else np.asarray(weights, dtype=np.float64)
    if valid is not None and not valid.all():
        loss, y = loss[valid], y[valid]
        w = None if w is None else w[valid]
    acc = Accumulator(weighted=w is not None)
    acc.update(loss, y, w)
    return acc.result(options)


def log_loss(
    actual,
    predicted,
    weights=None,
    *,
    policy: str = "exact",
    eps: float | None = None,
    logits: bool = False,
    label_smoothing: float = 0.0,
    pos_weight: float | None = None,
    soft_labels: bool = False,
    reduction: str | None = None,
) -> float:
    """Binary cross-entropy of valid inputs in nats, reduced as the convention's library does
    (or as ``reduction`` says): a one-call convenience for scripts."""
    options = LossOptions(
        policy=make_policy(policy, eps),
        logits=logits,
        label_smoothing=label_smoothing,
        pos_weight=pos_weight,
        soft_labels=soft_labels,
        reduction=reduction,
    )
    y = np.asarray(actual, dtype=np.float64)
    x = np.asarray(predicted, dtype=np.float64)
    w = None if weights is None else np.asarray(weights, dtype=np.float64)
    return totals(row_losses(y, x, options), y, w, options=options).mean
