"""Exact running sums, so that one edit in a large table updates the total in O(1).

:class:`ExactSum` keeps Shewchuk's non-overlapping partials (the algorithm behind
``math.fsum``): adding and later subtracting the same float leaves the total exactly as it was,
however many edits happen in between. A plain ``total += new - old`` would drift.
"""

from __future__ import annotations

import math

import numpy as np


class ExactSum:
    """A sum of floats that supports exact addition and removal of terms."""

    __slots__ = ("_partials",)

    def __init__(self, value: float = 0.0) -> None:
        self._partials: list[float] = []
        if value:
            self.add(value)

    def add(self, x: float) -> None:
        """Add one finite float exactly."""
        x = float(x)
        partials = self._partials
        i = 0
        for y in partials:
            if abs(x) < abs(y):
                x, y = y, x
            hi = x + y
            lo = y - (hi - x)
            if lo:
                partials[i] = lo
                i += 1
            x = hi
        partials[i:] = [x]

    def sub(self, x: float) -> None:
        self.add(-float(x))

    def add_array(self, values: np.ndarray) -> None:
        """Add many terms: exactly, term by term, for an edit-sized array; a large one (a
        rebuild) enters as its sum rounded to a few ulps.

        Adding the rounded sum of a small block was not enough: removing one large term of it
        later (a row with weight 1e6 edited back) left the block's rounding error in the total.
        """
        if values.size < 4096:
            for x in values.tolist():
                self.add(x)
        else:
            self.add(_fsum_large(values))

    def sub_array(self, values: np.ndarray) -> None:
        if values.size < 4096:
            for x in values.tolist():
                self.add(-x)
        else:
            self.sub(_fsum_large(values))

    @property
    def value(self) -> float:
        return math.fsum(self._partials)

    def __float__(self) -> float:
        return self.value


def _fsum_large(values: np.ndarray) -> float:
    """Sum of a large array, within a few ulps of fsum but at numpy speed (pairwise blocks)."""
    v = np.ascontiguousarray(values, dtype=np.float64)
    block = 1 << 16
    if v.size <= block:
        return math.fsum(v.tolist())
    # Each block's pairwise sum has relative error ~1e-16 * log2(block); fsum of the block sums.
    n_full = v.size // block * block
    sums = np.add.reduce(v[:n_full].reshape(-1, block), axis=1).tolist()
    if n_full < v.size:
        sums.append(float(np.add.reduce(v[n_full:])))
    return math.fsum(sums)
