"""Exact sums of floats that can be added to, taken from and merged, in any order.

:class:`ExactSum` holds the exact sum of every finite float added to it as one Python integer in
units of 2^-1074 (the smallest subnormal double), so

* the result does not depend on the order or grouping of the terms: a file read whole, read in
  blocks, edited cell by cell or split over the partitions of a cluster gives the same last digit;
* taking a term out again (an edit, an undo) leaves exactly what was there before it;
* the value is rounded to a float once, correctly (``int / int`` rounds correctly in Python).

Non-finite terms are counted (+inf, -inf, NaN), never summed, so they can be taken out too.

Large arrays are added a cache-sized block at a time by error-free extraction (Rump, Ogita and
Oishi, "Accurate floating-point summation", 2008): a power of two σ splits every term into a high
part, whose sum over the block is exact in floating point, and an exact remainder, which the
next, smaller σ splits again until nothing remains. That is four ufunc passes per level and
about three levels for a block of losses, 2 to 3 ns a term; the few blocks it cannot take
(inf or NaN, terms near the largest float, remainders still left after a few levels) go
through ``np.bincount`` over the terms' exponents (about 15 ns a term). Small arrays (an edit)
are added term by term through ``as_integer_ratio``.
"""

from __future__ import annotations

import math

import numpy as np

_SCALE_BITS = 1074
_U52 = np.uint64(52)
_U26 = np.uint64(26)
_M26 = np.uint64((1 << 26) - 1)
_SUB = 1 << 15  # terms per step of the binned sum: its temporaries stay in cache
#: Terms per block of the extraction: the block and its remainder stay in the cache.
EXTRACT_BLOCK = 1 << 14
_EXTRACT_LOG2 = 14  # ⌈log2 EXTRACT_BLOCK⌉
#: Levels of extraction before a block's remainder goes to the binned sum.
EXTRACT_LEVELS = 5
_MAX_CALL = 1 << 26  # per-bin float sums of 26-bit integers stay exact below 2^53 terms
#: Blocks with a term this large (or inf, NaN) are binned: σ = 2^(m + 15) must stay finite.
_EXTRACT_TOP = 2.0 ** (1023 - _EXTRACT_LOG2 - 2)
#: Below this many terms, adding one at a time is quicker than binning.
SMALL = 256


class ExactSum:
    """The exact sum of any number of floats; add, subtract and merge keep it exact."""

    __slots__ = ("_int", "_pos_inf", "_neg_inf", "_nan")

    def __init__(self, value: float = 0.0) -> None:
        self._int = 0
        self._pos_inf = 0
        self._neg_inf = 0
        self._nan = 0
        if value:
            self.add(value)

    # -- adding and taking out ----------------------------------------------------------------

    def add(self, x: float, sign: int = 1) -> None:
        """Add (``sign`` = 1) or take out (-1) one float exactly."""
        x = float(x)
        if math.isfinite(x):
            num, den = x.as_integer_ratio()  # den is a power of two, at most 2^1074
            self._int += sign * num * ((1 << _SCALE_BITS) // den)
        elif math.isnan(x):
            self._nan += sign
        elif x > 0:
            self._pos_inf += sign
        else:
            self._neg_inf += sign

    def sub(self, x: float) -> None:
        self.add(x, -1)

    def add_int(self, k: int, sign: int = 1) -> None:
        """Add an integer exactly (e.g. a count of rows, each weighing 1)."""
        self._int += sign * (int(k) << _SCALE_BITS)

    def add_array(self, values, sign: int = 1) -> None:
        """Add (or with ``sign`` = -1 take out) every element of an array, exactly."""
        v = np.ascontiguousarray(values, dtype=np.float64).ravel()
        if v.size < SMALL:
            for x in v.tolist():
                self.add(x, sign)
            return
        self._add_extracted(v, sign)

    def sub_array(self, values) -> None:
        self.add_array(values, -1)

    def merge(self, other: "ExactSum", sign: int = 1) -> None:
        """Add another sum's terms (a block, a partition) to this one."""
        self._int += sign * other._int
        self._pos_inf += sign * other._pos_inf
        self._neg_inf += sign * other._neg_inf
        self._nan += sign * other._nan

    def copy(self) -> "ExactSum":
        out = ExactSum()
        out.merge(self)
        return out

    def _add_extracted(self, v: np.ndarray, sign: int) -> None:
        """Add ``v`` a block at a time by error-free extraction (see the module docstring).

        For a block of n ≤ 2^14 terms whose largest magnitude is below 2^m, take
        σ = 2^(m + 15) ≥ 2n·2^m. Each term r splits exactly into q = fl(fl(σ + r) − σ) and
        r − q (Sterbenz: fl(σ + r) lies in [σ/2, 2σ]; r − q is the rounding error of σ + r,
        a float). Every q is a multiple of 2^-53·σ and |Σ q| < σ, so each partial sum of the
        q is a float and ``np.sum`` adds them exactly in whatever order it likes; the
        remainders are below 2^-53·σ and go to the next level. A level's sum is one float,
        added to the integer total exactly.
        """
        total = 0
        r = np.empty(min(EXTRACT_BLOCK, v.size))
        q = np.empty_like(r)
        for start in range(0, v.size, EXTRACT_BLOCK):
            block = v[start:start + EXTRACT_BLOCK]
            k = block.size
            rb, qb = r[:k], q[:k]
            top = max(float(block.max()), -float(block.min()))
            if not top < _EXTRACT_TOP:  # inf, NaN, or too close to the largest float
                self._add_binned(block, sign)
                continue
            if top == 0.0:
                continue
            src = block  # the first level reads the terms themselves, later ones the remainders
            for _ in range(EXTRACT_LEVELS):
                sigma = math.ldexp(1.0, math.frexp(top)[1] + _EXTRACT_LOG2 + 1)
                np.add(src, sigma, out=qb)
                np.subtract(qb, sigma, out=qb)  # the high parts, exactly
                np.subtract(src, qb, out=rb)  # the remainders, exactly
                src = rb
                level = float(np.add.reduce(qb))  # exact: see above
                if level:
                    num, den = level.as_integer_ratio()
                    total += num * ((1 << _SCALE_BITS) // den)
                if not rb.any():
                    top = 0.0
                    break
                top = math.ldexp(sigma, -53)  # the remainders are below this
            if top:
                self._add_binned(rb, sign)
        self._int += sign * total

    def _add_binned(self, v: np.ndarray, sign: int) -> None:
        for start in range(0, v.size, _MAX_CALL):
            self._add_binned_call(v[start:start + _MAX_CALL], sign)

    def _add_binned_call(self, v: np.ndarray, sign: int) -> None:
        """Each term is m·2^e with an integer m of 53 bits: bin the terms by (sign, e) and sum
        the implicit bit, the high and the low 26 bits of m per bin with ``np.bincount``
        (integers far below 2^53, so these float sums are exact); then combine the bins in
        Python integers."""
        bits = v.view(np.uint64)
        hi = np.zeros(4096)
        lo = np.zeros(4096)
        count = np.zeros(4096, dtype=np.int64)
        n_sub = min(_SUB, v.size)
        ex = np.empty(n_sub, dtype=np.uint64)
        part = np.empty(n_sub, dtype=np.uint64)
        fpart = np.empty(n_sub, dtype=np.float64)
        for s in range(0, v.size, _SUB):
            b = bits[s:s + _SUB]
            k = b.size
            e = np.right_shift(b, _U52, out=ex[:k])  # sign and biased exponent: 0 .. 4095
            idx = e.view(np.int64)
            count += np.bincount(idx, minlength=4096)
            f = fpart[:k]
            f[...] = np.bitwise_and(b, _M26, out=part[:k])
            lo += np.bincount(idx, weights=f, minlength=4096)
            np.right_shift(b, _U26, out=part[:k])
            f[...] = np.bitwise_and(part[:k], _M26, out=part[:k])
            hi += np.bincount(idx, weights=f, minlength=4096)
        total = 0
        for i in np.flatnonzero(count).tolist():
            biased = i & 0x7FF
            if biased == 0x7FF:  # inf or NaN: counted below
                continue
            m = (int(hi[i]) << 26) + int(lo[i])
            if biased:
                m += int(count[i]) << 52  # the implicit leading bit of normal numbers
            m <<= max(biased, 1) - 1  # value = m · 2^(max(e, 1) - 1075) = (m << ...) · 2^-1074
            total += -m if i & 0x800 else m
        self._int += sign * total
        if count[0x7FF] or count[0xFFF]:
            special = v[~np.isfinite(v)]
            n_nan = int(np.count_nonzero(np.isnan(special)))
            n_pos = int(np.count_nonzero(special == np.inf))
            self._nan += sign * n_nan
            self._pos_inf += sign * n_pos
            self._neg_inf += sign * (special.size - n_nan - n_pos)

    # -- the value ----------------------------------------------------------------------------

    @property
    def n_nonfinite(self) -> int:
        return self._pos_inf + self._neg_inf + self._nan

    @property
    def value(self) -> float:
        """The exact sum rounded once to the nearest float (inf/NaN as float arithmetic gives)."""
        if self._nan or (self._pos_inf and self._neg_inf):
            return math.nan
        if self._pos_inf:
            return math.inf
        if self._neg_inf:
            return -math.inf
        try:
            return self._int / (1 << _SCALE_BITS)
        except OverflowError:
            return math.inf if self._int > 0 else -math.inf

    def __float__(self) -> float:
        return self.value

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ExactSum):
            return NotImplemented
        return (self._int, self._pos_inf, self._neg_inf, self._nan) == (
            other._int, other._pos_inf, other._neg_inf, other._nan)

    def __repr__(self) -> str:
        return f"ExactSum({self.value!r})"

    # -- pickling (partial sums travel from cluster workers) ----------------------------------

    def __getstate__(self):
        return (self._int, self._pos_inf, self._neg_inf, self._nan)

    def __setstate__(self, state) -> None:
        self._int, self._pos_inf, self._neg_inf, self._nan = state


def exact_sum(values) -> float:
    """The correctly rounded sum of an array (whatever the order of its elements)."""
    s = ExactSum()
    s.add_array(values)
    return s.value
