"""Categorical cross-entropy: K class columns in, per-row terms, validity and breakdowns out.

Log loss for K classes is the binary one seen through K columns: the corrected probability q of
a row is the probability the model gave to the row's actual class, and the loss is -(1/N) Σ ln q.
Everything here works on whole arrays (an (n, K) matrix of probabilities or logits and n class
indices 0..K-1, see :mod:`bce_gui.core.class_labels`); nothing loops over rows in Python.

Conventions, each equal to its library (the reference values in ``tests/reference`` come from
the real libraries; scikit-learn is compared live):

* ``exact``   -- no clipping: p = 0 for the actual class gives an infinite loss. Logits go
  through a log-softmax that adds ``log1p`` of the other classes' ``exp(z - max)``, so logits
  of ±1000 are exact and a confident right answer keeps its tiny loss (z = (50, 0): 1.9e-22).
* ``sklearn`` -- ``sklearn.metrics.log_loss(y, P, labels=...)`` (scikit-learn 1.9): each
  probability clipped to [eps, 1 - eps], eps = float64 machine epsilon; rows that do not sum
  to 1 are used as given (scikit-learn 1.9.1, installed here, only warns "The y_prob values do
  not sum to one" when a row sum is off by more than sqrt(eps) ≈ 1.5e-8, and raises for a value
  below 0 or above 1; scikit-learn up to 1.2 renormalised the rows). Logits are turned into
  probabilities by a softmax first, as the binary engine does with the sigmoid.
* ``torch``   -- ``torch.nn.CrossEntropyLoss`` for logits (its log-softmax, rounded as aten
  rounds it: ``(z - max) - log Σ exp(z - max)``); ``NLLLoss`` of ``log(p)`` for probabilities,
  which clamps nothing (unlike ``binary_cross_entropy``'s -100, so a K = 2 row with
  p < e^-100 for its class costs more than the binary torch convention says: inf for p = 0,
  where binary torch says 100). Label smoothing is ``CrossEntropyLoss(label_smoothing=a)``:
  ``(1 - a)·nll + (a/K)·(-Σ_k ln p_k)``. ``NLLLoss`` has no label smoothing; for probabilities
  the same formula is applied to ``log(p)``, which is what ``CrossEntropyLoss`` gives on
  ``log(P)`` when each row sums to 1 (``log_softmax(log P) = log P`` then).
* ``keras``   -- ``keras.losses.CategoricalCrossentropy`` (Keras 3; ``SparseCategorical...``
  gives the same number, it has no label smoothing): float32 arithmetic, every row divided by
  its sum, then clipped to [1e-7, 1 - 1e-7]; label smoothing y(1 - a) + a/K; ``from_logits``
  is torch's float32 log-softmax. Keras adds a row's K float32 values in the order of torch's
  vectorised reduction, which depends on the CPU; here they are added in float64 and rounded
  once, so a row loss is within one float32 step of Keras' (1.2e-7 absolute for a loss near 0),
  not bit for bit as the binary Keras convention is.
* ``custom``  -- like ``sklearn`` with the analyst's epsilon.

``renormalize`` (``--renormalize``) divides each row whose probabilities do not sum to 1 by
its sum before the convention acts (as Keras does to every row); rows summing to 1 within
:data:`SUM_TOLERANCE` are used exactly as given, so a well-formed file is untouched.

K = 2 (columns p_0, p_1) gives the binary engine's loss (:mod:`bce_gui.core.loss`, p = p_1):
bit for bit under ``sklearn`` and ``custom``; under ``exact`` with the same corrected
probability and a loss within 1.2e-16 (the file's p_0 = fl(1 - p) is logged, where the
binary engine takes ``log1p(-p)``); under ``torch`` likewise, except that binary torch clamps
a log at -100 where ``NLLLoss`` does not (p_y < e^-100); under ``keras`` with the actual
class's probability within one float32 step (``BinaryCrossentropy`` rounds p to float32 and
forms 1 - p from it, while ``CategoricalCrossentropy`` is handed p_0 itself, so a class-0 row
with p close to 1 differs in its 6th digit). Two logits (0, z) give the binary loss of z
within an ulp (``exact``, ``torch``); ``sklearn`` differs where the binary engine rounds
1 - sigmoid(z) (|z| > ~15), because the softmax forms each class's probability directly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np

from .class_labels import ClassesError, absent_classes, label_text
from .accumulate import Accumulator
from .loss import LN2, PARALLEL_MIN_ROWS, LossOptions, OptionsError, _executor, _workers, class_entropy
from .policies import KERAS_EPSILON, make_policy
from .validation import Issue, Reason, sum_note

#: A row's probabilities "sum to 1" when |sum - 1| <= SUM_TOLERANCE (relative to that 1).
SUM_TOLERANCE = 1e-6


# --------------------------------------------------------------------------------------------
# Reasons: validation.Reason holds the K-class codes too (NEGATIVE_PROBABILITY,
# PROBABILITY_ABOVE_ONE, UNKNOWN_CLASS, ZERO_SUM and the notes SUM_NOT_ONE, RENORMALIZED)
# --------------------------------------------------------------------------------------------


def reason_message(code: int) -> str:
    """The words for any code a K-class validity holds."""
    return Reason(int(code)).message


def sum_message(row_sum: float, renormalized: bool) -> str:
    """A note on a row whose probabilities do not sum to 1, with the sum."""
    return sum_note(row_sum, renormalized)


# --------------------------------------------------------------------------------------------
# Options
# --------------------------------------------------------------------------------------------


def check_options(options: LossOptions) -> None:
    """Refuse the binary-only options (raise :class:`~.loss.OptionsError` with the reason)."""
    if options.pos_weight is not None:
        raise OptionsError("pos_weight applies to binary logits only; with K classes, "
                           "PyTorch weighs classes with CrossEntropyLoss(weight=...) instead")
    if options.soft_labels:
        raise OptionsError("soft labels are binary only; a multi-class actual column holds "
                           "one class per row")


def options_for_task(options: LossOptions, task) -> tuple[LossOptions, list[str]]:
    """The options a table of ``task`` can be computed with: a K-class table turns off the
    binary-only ones (pos_weight, soft labels), which a window carries over from a binary
    file. Returns the options and what was turned off, in words (empty when nothing was)."""
    if task.is_binary:
        return options, []
    from dataclasses import replace

    off = []
    if options.pos_weight is not None:
        off.append("pos_weight")
    if options.soft_labels:
        off.append("soft labels")
    if not off:
        return options, []
    return replace(options, pos_weight=None, soft_labels=False), off


def renormalizes(options: LossOptions, renormalize: bool) -> bool:
    """Whether rows not summing to 1 are divided by their sum (asked for, or Keras' own)."""
    return not options.logits and (renormalize or options.policy.name == "keras")


def require_every_class(index: np.ndarray, classes: Sequence[Any], options: LossOptions,
                        classes_given: bool) -> None:
    """scikit-learn's ``log_loss`` refuses a class that never occurs in ``y_true`` unless
    ``labels=`` lists every class. Under the sklearn convention, without ``--classes``, say so
    as the user can act on it (raise :class:`~.class_labels.ClassesError`)."""
    if options.policy.name != "sklearn" or classes_given:
        return
    absent = absent_classes(index, classes)
    if absent:
        names = ", ".join(repr(label_text(c)) for c in absent)
        listed = ",".join(label_text(c) for c in classes)
        raise ClassesError(
            f"class {names} never occurs in the actual column; scikit-learn's log_loss needs "
            f"the full class list then: pass --classes {listed}")


# --------------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------------


@dataclass
class CategoricalValidity:
    """Reason codes per actual cell, per class cell and per row, the usable rows, and the rows
    whose probabilities do not sum to 1 (a note, not an exclusion).

    ``sums`` is each row's sum of probabilities (None for logits); ``off_sum`` marks the
    usable rows whose sum differs from 1 by more than :data:`SUM_TOLERANCE`; ``renormalized``
    says whether those rows are divided by their sum (``--renormalize`` or Keras) or used as
    given.
    """

    actual_codes: np.ndarray
    cell_codes: np.ndarray
    row_codes: np.ndarray
    valid: np.ndarray
    sums: np.ndarray | None
    off_sum: np.ndarray
    renormalized: bool

    @property
    def n_invalid(self) -> int:
        return int(self.valid.size - np.count_nonzero(self.valid))

    @property
    def all_valid(self) -> bool:
        return bool(self.valid.all())

    @property
    def n_off_sum(self) -> int:
        """Usable rows whose probabilities do not sum to 1 (renormalised or used as given)."""
        return int(np.count_nonzero(self.off_sum))

    def invalid_rows(self) -> np.ndarray:
        return np.flatnonzero(~self.valid)

    @property
    def note_codes(self) -> np.ndarray:
        """Per row: SUM_NOT_ONE or RENORMALIZED for the rows not summing to 1, else 0."""
        code = (Reason.RENORMALIZED if self.renormalized
                else Reason.SUM_NOT_ONE)
        return np.where(self.off_sum, np.uint8(code), np.uint8(0))

    def note(self, row: int) -> str:
        """The note a table shows for a usable row ('' when there is nothing to say)."""
        if not self.off_sum[row]:
            return ""
        return sum_message(float(self.sums[row]), self.renormalized)

    def sum_summary(self) -> str:
        """One line for the summary: which happened to rows not summing to 1, and how many."""
        n = self.n_off_sum
        if self.sums is None:
            return "logits: no sums to check"
        if n == 0:
            return "every row's probabilities sum to 1"
        rows = "row's" if n == 1 else "rows'"
        done = "were renormalised" if self.renormalized else "were used as given"
        return f"{n} {rows} probabilities did not sum to 1 and {done}"

    def issues(self, actual_column: str, columns: Sequence[str],
               cell_text: Callable[[str, int], str], limit: int | None = None) -> list[Issue]:
        """The unusable cells in row order (actual first, then the class columns), at most
        ``limit``; ``cell_text(column, row)`` gives a cell as the user sees it."""
        out: list[Issue] = []
        for row in self.invalid_rows().tolist():
            found: list[tuple[str, str, int]] = []
            if self.actual_codes[row]:
                found.append(("actual", actual_column, int(self.actual_codes[row])))
            for k in np.flatnonzero(self.cell_codes[row]).tolist():
                found.append(("predicted", columns[k], int(self.cell_codes[row, k])))
            if self.row_codes[row]:
                found.append(("predicted", ", ".join(columns), int(self.row_codes[row])))
            for role, column, code in found:
                value = ("0" if code == Reason.ZERO_SUM
                         else cell_text(column, row))
                out.append(Issue(row=row, role=role, column=column, value=value,
                                 reason=reason_message(code)))
                if limit is not None and len(out) >= limit:
                    return out
        return out

    def sum_warnings(self, limit: int | None = None) -> list[tuple[int, float, str]]:
        """(row, sum, message) for the first ``limit`` usable rows not summing to 1."""
        rows = np.flatnonzero(self.off_sum)
        if limit is not None:
            rows = rows[:limit]
        return [(r, float(self.sums[r]), sum_message(float(self.sums[r]), self.renormalized))
                for r in rows.tolist()]


def row_sums(predictions: np.ndarray) -> np.ndarray:
    """Each row's sum (NaN when a cell is NaN). ``einsum`` adds a row without the temporary
    and the strided pass of ``sum(axis=1)``: four times faster on a (1e6, 10) matrix."""
    x = np.asarray(predictions, dtype=np.float64)
    return np.einsum("ij->i", x)


def validate_categorical(
    predictions: np.ndarray,
    actual_codes: np.ndarray,
    options: LossOptions,
    *,
    renormalize: bool | None = None,
    text: Sequence[dict[int, str]] | None = None,
    sums: np.ndarray | None = None,
) -> CategoricalValidity:
    """Check every class cell of an (n, K) matrix and combine with the actual column's codes
    (from :func:`~.class_labels.class_indices`). Validation never changes a value.

    Probabilities must be numbers in [0, 1]; logits finite numbers. ``text`` holds, per class
    column, the cells that were not numbers (row → text), to tell an empty cell from text and
    from a formula. A usable row whose probabilities do not sum to 1 is noted, not excluded;
    when such rows are renormalised, one summing to 0 cannot be and is excluded.
    """
    check_options(options)
    renormalize = options.renormalize if renormalize is None else renormalize
    x = np.asarray(predictions, dtype=np.float64)
    n, k = x.shape
    if _all_in_range(x, options.logits):
        cell_codes = np.zeros((n, k), dtype=np.uint8)
        cells_ok = np.ones(n, dtype=bool)
    else:
        cell_codes = _cell_codes(x, options.logits, text)
        cells_ok = ~cell_codes.any(axis=1)
    actual_codes = np.asarray(actual_codes, dtype=np.uint8)
    usable = cells_ok & (actual_codes == 0)
    row_codes = np.zeros(n, dtype=np.uint8)
    renorm = renormalizes(options, renormalize)
    if options.logits:
        return CategoricalValidity(actual_codes, cell_codes, row_codes, usable, None,
                                   np.zeros(n, dtype=bool), False)
    s = row_sums(x) if sums is None else sums
    row_codes, off = sum_checks(usable, s, renorm)
    usable &= row_codes == 0
    return CategoricalValidity(actual_codes, cell_codes, row_codes, usable, s, off, renorm)


def sum_checks(usable: np.ndarray, sums: np.ndarray | None, renorm: bool):
    """(ZERO_SUM codes, rows not summing to 1) of the ``usable`` rows (every cell usable) from
    their ``sums`` (None for logits: nothing to sum); a zero sum is a code only when the rows
    are renormalised (``renorm``)."""
    n = usable.size
    row_codes = np.zeros(n, dtype=np.uint8)
    if sums is None:  # logits: nothing to sum
        return row_codes, np.zeros(n, dtype=bool)
    with np.errstate(invalid="ignore"):
        off = usable & (np.abs(sums - 1.0) > SUM_TOLERANCE)
    if renorm:
        zero = off & (sums == 0.0)
        if zero.any():
            row_codes[zero] = Reason.ZERO_SUM
            off &= ~zero
    return row_codes, off


def _all_in_range(x: np.ndarray, logits: bool) -> bool:
    """Every cell usable? Two reductions without temporaries (half the time of an elementwise
    test on a (1e6, 10) matrix); NaN propagates through min and max, failing both tests."""
    if x.size == 0:
        return True
    lo, hi = float(np.min(x)), float(np.max(x))
    if logits:
        return -math.inf < lo and hi < math.inf
    return lo >= 0.0 and hi <= 1.0


def _cell_codes(x: np.ndarray, logits: bool, text: Sequence[dict[int, str]] | None) -> np.ndarray:
    codes = np.zeros(x.shape, dtype=np.uint8)
    nan = np.isnan(x)
    codes[nan] = Reason.MISSING
    for k, cells in enumerate(text or ()):
        for row, t in cells.items():
            if nan[row, k]:
                codes[row, k] = Reason.FORMULA if t.startswith("=") else Reason.NOT_A_NUMBER
    with np.errstate(invalid="ignore"):
        if logits:
            codes[~nan & ~np.isfinite(x)] = Reason.NOT_FINITE
        else:
            codes[x < 0.0] = Reason.NEGATIVE_PROBABILITY
            codes[x > 1.0] = Reason.PROBABILITY_ABOVE_ONE
    return codes


# --------------------------------------------------------------------------------------------
# Log-probabilities under a convention
# --------------------------------------------------------------------------------------------


def _quiet() -> np.errstate:
    # log(0) = -inf, NaN rows and exp underflow are expected; they are reported, not warned.
    return np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore")


def _scale(x: np.ndarray, renormalize: bool, sums: np.ndarray | None) -> np.ndarray | None:
    """Per-row divisor under --renormalize: the sum for rows off by more than the tolerance,
    1 for the others (None when no row is touched)."""
    if not renormalize:
        return None
    s = row_sums(x) if sums is None else np.asarray(sums, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        off = np.abs(s - 1.0) > SUM_TOLERANCE
    if not off.any():
        return None
    return np.where(off, s, 1.0)


def _keras_probabilities(x: np.ndarray) -> np.ndarray:
    """Keras' float32 rows, divided by their sum: ``output / sum(output, axis=-1)``.

    The float32 sum is taken as the float64 sum of the float32 values, rounded once (Keras'
    own order of addition depends on torch's vectorisation; see the module docstring)."""
    x32, s = _keras_rows(x)
    with _quiet():
        return x32 / s[:, None]


def _keras_rows(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Keras' float32 rows and their float32 sums (see :func:`_keras_probabilities`)."""
    x32 = x.astype(np.float32)
    return x32, np.einsum("ij->i", x32.astype(np.float64)).astype(np.float32)


def _keras_clip(q32: np.ndarray) -> np.ndarray:
    # torch.clip(output, 1e-7, 1 - 1e-7) on float32: both bounds rounded to float32
    # (the upper one is 0.99999988079071044921875).
    return np.clip(q32, np.float32(KERAS_EPSILON), np.float32(1.0 - KERAS_EPSILON))


def _exact_log_softmax_parts(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(max, log1p(Σ_{k≠argmax} exp(z_k - max))) per row: ln p_k = (z_k - max) - tail.

    The largest logit's own term exp(0) = 1 is left out of the sum and added by log1p, so the
    tail keeps every digit when the other classes are far below (logaddexp's trick, for K
    classes). For K = 2 and z = (0, z1) it is the formula of the binary engine's logaddexp."""
    n = z.shape[0]
    rows = np.arange(n)
    top = np.argmax(z, axis=1)
    m = z[rows, top]
    with _quiet():
        e = np.exp(z - m[:, None])
        e[rows, top] = 0.0
        tail = np.log1p(np.einsum("ij->i", e))
    return m, tail


def _torch_log_softmax(z: np.ndarray) -> np.ndarray:
    """aten's log_softmax: (z - max) - log(Σ exp(z - max)), in the dtype of ``z``."""
    m = np.max(z, axis=1, keepdims=True)
    with _quiet():
        shifted = z - m
        if z.dtype == np.float32:
            s = np.einsum("ij->i", np.exp(shifted).astype(np.float64)).astype(np.float32)
        else:
            s = np.einsum("ij->i", np.exp(shifted))
        return shifted - np.log(s)[:, None]


def class_probabilities(predictions: np.ndarray, options: LossOptions) -> np.ndarray:
    """Every class's probability as the statistics read it, (n, K) float64: the softmax of
    logits; rows not summing to 1 divided by their sum where the convention renormalises
    (``--renormalize``, Keras), else as given. Not clipped: the Brier score, the AUC and the
    calibration read the model's probabilities, as scikit-learn does."""
    x = np.asarray(predictions, dtype=np.float64)
    with _quiet():
        if options.logits:
            m, tail = _exact_log_softmax_parts(x)
            return np.exp((x - m[:, None]) - tail[:, None])
        scale = _scale(x, renormalizes(options, options.renormalize), None)
        return x if scale is None else x / scale[:, None]


def categorical_log_probs(
    predictions: np.ndarray,
    options: LossOptions,
    *,
    renormalize: bool | None = None,
    sums: np.ndarray | None = None,
) -> np.ndarray:
    """ln of every class's probability, as the convention computes it, (n, K) float64.

    Under a clipping convention it is the log of the clipped value; under Keras it is float32
    arithmetic widened to float64. ``sums`` (the rows' sums, if already known) saves a pass.
    """
    check_options(options)
    renormalize = options.renormalize if renormalize is None else renormalize
    x = np.asarray(predictions, dtype=np.float64)
    name = options.policy.name
    with _quiet():
        if name == "keras":
            if options.logits:
                return _torch_log_softmax(x.astype(np.float32)).astype(np.float64)
            return np.log(_keras_clip(_keras_probabilities(x))).astype(np.float64)
        if options.logits:
            if name == "torch":
                return _torch_log_softmax(x)
            m, tail = _exact_log_softmax_parts(x)
            lp = (x - m[:, None]) - tail[:, None]
            if name == "exact":
                return lp
            p = np.exp(lp)  # sklearn / custom clip probabilities: the softmax
        else:
            scale = _scale(x, renormalize, sums)
            p = x if scale is None else x / scale[:, None]
            if name in ("exact", "torch"):
                return np.log(p)
        eps = options.policy.eps
        return np.log(np.clip(p, eps, 1.0 - eps))


# --------------------------------------------------------------------------------------------
# Per-row terms
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CategoricalTerms:
    """Per-row quantities, NaN where the class index is not 0..K-1 or the inputs were NaN.

    ``corrected`` is the probability of the actual class as it enters the log (after
    renormalising and clipping; the softmax for logits); ``ln_corrected`` its natural log;
    ``loss`` the row's loss before sample weights (-ln_corrected). With label smoothing the row
    loss mixes every class's log, and ``ln_corrected`` is -loss, ``corrected`` e^(-loss) (the
    geometric mean probability, as the binary engine shows soft labels).
    """

    corrected: np.ndarray
    ln_corrected: np.ndarray
    loss: np.ndarray


def _gather(x: np.ndarray, index: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """x[i, index[i]] for every row (one flat ``take``: 2x faster than x[arange, index]),
    and the mask of rows whose index is not a class (None when there are none)."""
    n, k = x.shape
    flat = np.arange(0, n * k, k, dtype=np.int64)
    flat += index
    q = np.take(x.reshape(-1), flat, mode="clip")
    bad = (index < 0) | (index >= k)
    return q, (bad if bad.any() else None)


def _actual_log_prob(
    y: np.ndarray, x: np.ndarray, options: LossOptions, renormalize: bool,
    sums: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """(q, ln q, rows without a class) for hard labels: only the actual class's column is
    logged (K times fewer logarithms than the whole matrix)."""
    name = options.policy.name
    with _quiet():
        if name == "keras" and not options.logits:
            # Only the actual class's share of its row: the same float32 division as the whole
            # matrix's, on the one element the loss reads.
            x32, s = _keras_rows(x)
            q32, bad = _gather(x32, y)
            q32 = _keras_clip(q32 / s)
            return q32.astype(np.float64), np.log(q32).astype(np.float64), bad
        if options.logits:
            if name == "keras":
                lp, bad = _gather(_torch_log_softmax(x.astype(np.float32)), y)
                lp = lp.astype(np.float64)
                return np.exp(lp), lp, bad
            if name == "torch":
                lp, bad = _gather(_torch_log_softmax(x), y)
                return np.exp(lp), lp, bad
            z, bad = _gather(x, y)
            m, tail = _exact_log_softmax_parts(x)
            lp = (z - m) - tail
            if name == "exact":
                return np.exp(lp), lp, bad
            q = np.exp(lp)
        else:
            q, bad = _gather(x, y)
            scale = _scale(x, renormalize, sums)
            if scale is not None:
                q /= scale
            if name in ("exact", "torch"):
                return q, np.log(q), bad
        eps = options.policy.eps
        q = np.clip(q, eps, 1.0 - eps)
        return q, np.log(q), bad


def _smoothed_loss(y: np.ndarray, x: np.ndarray, options: LossOptions, renormalize: bool,
                   sums: np.ndarray | None) -> tuple[np.ndarray, np.ndarray | None]:
    """Row loss with label smoothing a: targets y(1 - a) + a/K over every class."""
    a = options.label_smoothing
    lp = categorical_log_probs(x, options, renormalize=renormalize, sums=sums)
    n, k = lp.shape
    with _quiet():
        if options.policy.name == "keras":
            # Keras: targets y_true * (1 - a) + a / num_classes and their products with
            # log p in float32; the K products added in float64 and rounded once.
            off = np.float32(a) / np.float32(k)
            on = np.float32(1.0 - a) + off
            lp32 = lp.astype(np.float32)
            target = np.full((n, k), off, dtype=np.float32)
            target[np.arange(n), np.clip(y, 0, k - 1)] = on
            _, bad = _gather(lp32, y)
            prod = (target * lp32).astype(np.float64)
            return (-np.einsum("ij->i", prod)).astype(np.float32).astype(np.float64), bad
        # torch's cross_entropy with label_smoothing, term for term:
        # (1 - a) * nll + (-Σ_k lp_k) * (a / K).
        ly, bad = _gather(lp, y)
        return (1.0 - a) * (0.0 - ly) + (0.0 - np.einsum("ij->i", lp)) * (a / k), bad


def categorical_row_terms(
    actual: np.ndarray,
    predictions: np.ndarray,
    options: LossOptions,
    *,
    renormalize: bool | None = None,
    sums: np.ndarray | None = None,
) -> CategoricalTerms:
    """Corrected probability, its log and the loss of each row (for the table and exports).

    ``actual``: class indices 0..K-1 (anything else gives a NaN row); ``predictions``: (n, K)
    probabilities, or logits when ``options.logits``. Rows that validation rejects are not
    this function's concern: the caller masks them, as with the binary engine.
    """
    check_options(options)
    renormalize = options.renormalize if renormalize is None else renormalize
    y = np.asarray(actual, dtype=np.int64)
    x = np.ascontiguousarray(predictions, dtype=np.float64)
    if options.label_smoothing:
        loss, bad = _smoothed_loss(y, x, options, renormalize, sums)
        with _quiet():
            ln_q = 0.0 - loss
            q = np.exp(ln_q)
    else:
        q, ln_q, bad = _actual_log_prob(y, x, options, renormalize, sums)
        loss = 0.0 - ln_q  # not -ln_q: a certain right answer costs +0, not -0
    if bad is not None:
        for a in (q, ln_q, loss):
            a[bad] = np.nan
    return CategoricalTerms(corrected=q, ln_corrected=ln_q, loss=loss)


def categorical_row_losses(
    actual: np.ndarray,
    predictions: np.ndarray,
    options: LossOptions,
    *,
    renormalize: bool | None = None,
    sums: np.ndarray | None = None,
) -> np.ndarray:
    """Loss of each row in nats (the fast path for totals: exact or torch probabilities take
    one gather and one logarithm per row, in place).

    Large tables are cut into one block of rows per core, as the binary engine does; numpy
    releases the GIL in its loops, so the blocks run in parallel, and every row's loss is
    computed by the same operations whatever the block (bit for bit the same result)."""
    check_options(options)
    renormalize = options.renormalize if renormalize is None else renormalize
    n = int(np.shape(predictions)[0])
    if n >= PARALLEL_MIN_ROWS and _workers() > 1:
        y = np.asarray(actual, dtype=np.int64)
        x = np.asarray(predictions, dtype=np.float64)
        out = np.empty(n, dtype=np.float64)
        edges = np.linspace(0, n, _workers() + 1).astype(np.int64)

        def block(a: int, b: int) -> None:
            out[a:b] = _row_losses_serial(y[a:b], x[a:b], options, renormalize,
                                          None if sums is None else sums[a:b])

        futures = [_executor().submit(block, int(a), int(b)) for a, b in zip(edges[:-1], edges[1:])]
        for f in futures:
            f.result()
        return out
    return _row_losses_serial(actual, predictions, options, renormalize, sums)


def _row_losses_serial(actual, predictions, options: LossOptions, renormalize: bool,
                       sums: np.ndarray | None) -> np.ndarray:
    name = options.policy.name
    if (options.logits or options.label_smoothing or renormalize
            or name not in ("exact", "torch")):
        return categorical_row_terms(actual, predictions, options, renormalize=renormalize,
                                     sums=sums).loss
    y = np.asarray(actual, dtype=np.int64)
    x = np.ascontiguousarray(predictions, dtype=np.float64)
    out, bad = _gather(x, y)
    with _quiet():
        np.log(out, out=out)
        np.subtract(0.0, out, out=out)
    if bad is not None:
        out[bad] = np.nan
    return out


def categorical_log_loss(
    actual,
    predictions,
    weights=None,
    *,
    policy: str = "exact",
    eps: float | None = None,
    logits: bool = False,
    label_smoothing: float = 0.0,
    renormalize: bool | None = None,
) -> float:
    """Categorical cross-entropy in nats, reduced as the convention's library does (Σ w·loss /
    Σ w for scikit-learn and exact, Σ w·loss / N for PyTorch and Keras): a one-call convenience
    for scripts and tests; ``actual`` holds class indices. Nothing is validated here."""
    options = LossOptions(policy=make_policy(policy, eps), logits=logits,
                          label_smoothing=label_smoothing)
    loss = categorical_row_losses(actual, predictions, options, renormalize=renormalize)
    w = None if weights is None else np.asarray(weights, dtype=np.float64)
    acc = Accumulator(n_classes=np.shape(predictions)[1], weighted=w is not None, by_class=False)
    acc.update(loss, np.asarray(actual, dtype=np.int64), w)
    return acc.result(options).mean


# --------------------------------------------------------------------------------------------
# No-skill baseline and per-class breakdown
# --------------------------------------------------------------------------------------------


def _accumulated(index: np.ndarray, n_classes: int, weights, valid, loss=None,
                 by_class: bool = False) -> Accumulator:
    """The rows whose index is a class (and that are ``valid``) in an accumulator."""
    idx = np.asarray(index, dtype=np.int64)
    keep = (idx >= 0) & (idx < n_classes)
    if valid is not None:
        keep &= np.asarray(valid, dtype=bool)
    w = None if weights is None else np.asarray(weights, dtype=np.float64)[keep]
    rows = np.zeros(int(np.count_nonzero(keep))) if loss is None else np.asarray(loss, np.float64)[keep]
    acc = Accumulator(n_classes=n_classes, weighted=w is not None, by_class=by_class)
    acc.update(rows, idx[keep], w)
    return acc


def class_shares(index: np.ndarray, n_classes: int, weights: np.ndarray | None = None,
                 valid: np.ndarray | None = None) -> np.ndarray:
    """Each class's share of the rows (of the weight, when weighted): the base rates. Rows
    whose index is not a class, or not ``valid``, are left out. NaN when no weight remains."""
    return np.array(_accumulated(index, n_classes, weights, valid).class_shares())


def no_skill_baseline(index: np.ndarray, n_classes: int, weights: np.ndarray | None = None,
                      valid: np.ndarray | None = None) -> float:
    """The loss of a model that always predicts the class shares of these rows (nats)."""
    return class_entropy(class_shares(index, n_classes, weights, valid))


@dataclass(frozen=True)
class ClassBreakdown:
    """Per class: the rows, their weight (= rows when unweighted), Σ w·loss over the finite
    losses, the number of rows with an infinite loss (weight > 0), and the class's share of the
    total loss (NaN when the total is infinite or 0, as a row's share is)."""

    classes: tuple[Any, ...]
    rows: np.ndarray
    weight: np.ndarray
    sum_loss: np.ndarray
    n_infinite: np.ndarray
    share: np.ndarray

    @property
    def mean_loss(self) -> np.ndarray:
        """Each class's mean loss in nats (inf with an infinite row, NaN without rows)."""
        with _quiet():
            mean = np.where(self.weight > 0, self.sum_loss / self.weight, np.nan)
        mean[self.n_infinite > 0] = np.inf
        return mean

    def as_dicts(self, bits: bool = False) -> list[dict[str, Any]]:
        """One plain dict per class (for JSON and the summary): class, rows, weight, mean loss
        (in bits when ``bits``) and share."""
        mean = self.mean_loss / LN2 if bits else self.mean_loss
        return [
            {"class": c, "rows": int(self.rows[k]), "weight": float(self.weight[k]),
             "mean_loss": float(mean[k]), "share": float(self.share[k])}
            for k, c in enumerate(self.classes)
        ]


def class_breakdown(index: np.ndarray, loss: np.ndarray, classes: Sequence[Any],
                    weights: np.ndarray | None = None,
                    valid: np.ndarray | None = None) -> ClassBreakdown:
    """Rows, mean loss and share of the total per actual class, over the valid rows, from the
    accumulator's exact per-class sums (a weight-0 row adds nothing, even with an infinite loss,
    as in the totals)."""
    per_class = _accumulated(index, len(classes), weights, valid, loss, by_class=True).breakdown()

    def col(key, dtype=np.float64):
        return np.array([c[key] for c in per_class], dtype=dtype)

    return ClassBreakdown(tuple(classes), col("rows", np.int64), col("weight"), col("sum_loss"),
                          col("n_infinite", np.int64), col("share"))
