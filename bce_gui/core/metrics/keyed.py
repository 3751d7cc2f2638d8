"""Sums per bin of a fine histogram, holding only the bins a table reaches.

The bootstrap's and the worst-rows shares' histograms bin rows by the bits of their value
(2^17 or 2^18 possible bins, of which a table's losses fill a few hundred or thousand).
:class:`KeyedSums` keeps the window of bins from the lowest to the highest reached, grown as
rows come, so that a block's histogram and merging it cost what it holds, not the 2 to 8 MB
of every possible bin. Bins outside the window hold 0 (adding them changes no sum).
"""

from __future__ import annotations

import numpy as np


class KeyedSums:
    """Arrays of per-bin sums (``name -> dtype``) over bins ``lo`` to ``hi`` (exclusive) of
    bins 0 .. ``size`` - 1."""

    __slots__ = ("size", "lo", "hi", "arrays")

    def __init__(self, dtypes: dict[str, type], size: int) -> None:
        self.size = size
        self.lo = self.hi = 0
        self.arrays = {name: np.zeros(0, dtype=dtype) for name, dtype in dtypes.items()}

    def window(self, lo: int, hi: int) -> dict[str, np.ndarray]:
        """Views of bins ``lo`` .. ``hi`` - 1, the window grown to hold them."""
        if not 0 <= lo <= hi <= self.size:
            raise ValueError(f"bins {lo} to {hi} are outside 0 to {self.size}")
        if lo < hi and (lo < self.lo or hi > self.hi or self.lo == self.hi):
            new_lo, new_hi = (lo, hi) if self.lo == self.hi else (min(lo, self.lo), max(hi, self.hi))
            for name, old in self.arrays.items():
                grown = np.zeros(new_hi - new_lo, dtype=old.dtype)
                grown[self.lo - new_lo:self.hi - new_lo] = old
                self.arrays[name] = grown
            self.lo, self.hi = new_lo, new_hi
        return {name: a[lo - self.lo:hi - self.lo] for name, a in self.arrays.items()}

    def add(self, lo: int, **sums: np.ndarray) -> None:
        """Add per-bin sums of bins ``lo`` on (each array as long as the others)."""
        n = len(next(iter(sums.values())))
        view = self.window(lo, lo + n)
        for name, values in sums.items():
            view[name] += values

    def merge(self, other: "KeyedSums") -> None:
        if other.lo == other.hi:
            return
        view = self.window(other.lo, other.hi)
        for name, values in other.arrays.items():
            view[name] += values

    def nonzero(self, name: str) -> np.ndarray:
        """The bins whose ``name`` sum is not 0 (window positions: add :attr:`lo` for bins)."""
        return np.flatnonzero(self.arrays[name])

    def __getitem__(self, name: str) -> np.ndarray:
        """The window's sums of ``name`` (bins :attr:`lo` on)."""
        return self.arrays[name]

    def full(self, name: str) -> np.ndarray:
        """The sums of ``name`` over every bin 0 .. size - 1."""
        a = self.arrays[name]
        out = np.zeros(self.size, dtype=a.dtype)
        out[self.lo:self.hi] = a
        return out
