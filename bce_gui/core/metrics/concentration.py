"""Where the loss concentrates: the share of the total carried by the worst rows.

Why: a mean hides whether the loss is spread evenly or comes from a few confidently wrong
rows (one row at p = 0.0001 for its class costs 9.2 nats, as much as 13 rows at p = 0.5). If
the worst 1% of rows carry half the loss, those rows are what to look at: a label error, a leak,
a data-entry slip. The worst rows are returned so the window can select them in the table.

What: rows are ranked by what they add to the total, w·loss (loss alone when unweighted); the
worst 1% are the ⌈N/100⌉ rows at the top (⌈N/10⌉ for 10%), and their share is their sum over the
total Σ w·loss. Ties at the cut do not change the share (tied rows add the same). With rows of
infinite loss the share is not defined (they carry all of it); with a total of 0 neither.
O(N): a partition, not a sort; only the listed worst rows are sorted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .columns import HUGE_WEIGHTS, NO_ROWS, huge_weights
from .keyed import KeyedSums
from .result import Stat

SHARES = (0.01, 0.10)
WORST_LISTED = 100


@dataclass(frozen=True)
class Concentration:
    """``share[f]``: the share of the total loss carried by the worst ⌈f·N⌉ rows (f = 0.01,
    0.10); ``worst_rows``: indices of the worst rows (into the arrays given), worst first, with
    their ``worst_contributions`` (w·loss); ``n_infinite`` rows of infinite loss (listed first)."""

    share: dict[float, Stat]
    worst_rows: np.ndarray
    worst_contributions: np.ndarray
    n_infinite: int = 0

    def share_label(self, fraction: float) -> str:
        """"1%" / "10%": the key ``compute --json`` uses."""
        return f"{fraction * 100:g}%"


def rows_in(fraction: float, n: int) -> int:
    """How many rows "the worst ``fraction``" of ``n`` rows is: at least one."""
    return min(n, max(1, math.ceil(fraction * n - 1e-9)))


def _infinite_reason(n_inf: int) -> str:
    if n_inf == 1:
        return "not defined: 1 row has an infinite loss and carries all of it"
    return f"not defined: {n_inf:,} rows have an infinite loss and carry all of it"


def _contributions(losses: np.ndarray, weights: np.ndarray | None) -> np.ndarray:
    if weights is None:
        return losses
    w = np.asarray(weights, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        return np.where(w > 0, w * losses, 0.0)  # a weight-0 row adds nothing, even if infinite


def concentration(losses, weights=None, *, shares=SHARES, worst: int = WORST_LISTED
                  ) -> Concentration:
    """Shares of the total loss carried by the worst rows, and the worst rows themselves."""
    if huge_weights(weights):
        return Concentration({f: Stat.undefined(HUGE_WEIGHTS) for f in shares},
                             np.zeros(0, dtype=np.int64), np.zeros(0), 0)
    c = _contributions(np.asarray(losses, dtype=np.float64).ravel(), weights)
    n = c.size
    infinite = np.isinf(c)
    n_inf = int(np.count_nonzero(infinite))
    worst_idx = _worst(c, min(worst, n))
    if n == 0:
        return Concentration({f: Stat.undefined(NO_ROWS) for f in shares}, worst_idx,
                             c[worst_idx], 0)
    if n_inf:
        reason = _infinite_reason(n_inf)
        return Concentration({f: Stat.undefined(reason) for f in shares}, worst_idx,
                             c[worst_idx], n_inf)
    total = float(np.sum(c))
    out: dict[float, Stat] = {}
    top = c
    # Largest share first: the worst 1% are among the worst 10%, so each cut partitions only
    # what the previous one kept.
    for f in sorted(shares, reverse=True):
        if not total > 0:
            out[f] = Stat.undefined("not defined: the total loss is 0")
            continue
        k = rows_in(f, n)
        if k < top.size:
            top = np.partition(top, top.size - k)[top.size - k:]
        out[f] = Stat.of(min(float(np.sum(top)) / total, 1.0))
    return Concentration({f: out[f] for f in shares}, worst_idx, c[worst_idx], n_inf)


def _worst(c: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k largest values, largest first; among equal values (at the cut too),
    lower indices first."""
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    n = c.size
    key = np.where(np.isnan(c), -np.inf, c)
    if k < n:
        cut = np.partition(key, n - k)[n - k]
        above = np.flatnonzero(key > cut)
        idx = np.concatenate((above, np.flatnonzero(key == cut)[:k - above.size]))
    else:
        idx = np.arange(n)
    order = np.lexsort((idx, -key[idx]))
    return idx[order].astype(np.int64)


_SHIFT = np.uint64(46)  # 6 mantissa bits: bins 1/64 of their lower edge wide
_N_KEYS = 1 << 17  # non-negative values: 11 exponent bits and 6 mantissa bits


class ShareHistogram:
    """The worst-rows shares of streamed blocks, from a fine histogram of the contributions.

    ``update(losses, weights)`` adds rows, ``merge`` another histogram, ``result()`` gives the
    shares like :func:`concentration` (without the row list). The rows at the cut are taken at
    their bin's mean, so a share is off by at most the spread of that one bin (1/64 of its
    values, times the rows taken from it, over the total); counts merge exactly.
    """

    def __init__(self, shares=SHARES) -> None:
        self.shares = tuple(shares)
        self.sums = KeyedSums({"count": np.int64, "total": np.float64}, _N_KEYS)
        self.n_infinite = 0
        #: Weights past HUGE_WEIGHT were given: the shares say so, as :func:`concentration`
        #: does for rows in memory (nothing of theirs is summed).
        self.huge = False

    def update(self, losses, weights=None) -> "ShareHistogram":
        if self.huge or huge_weights(weights):
            self.huge = True
            return self
        c = _contributions(np.asarray(losses, dtype=np.float64).ravel(), weights)
        if c.size == 0:
            return self
        inf = ~np.isfinite(c)
        if inf.any():
            self.n_infinite += int(np.count_nonzero(np.isinf(c)))
            c = np.where(inf, 0.0, c)
        key = (np.maximum(c, 0.0).view(np.uint64) >> _SHIFT).astype(np.int64)
        lo, hi = int(key.min()), int(key.max()) + 1
        k = key - lo if lo else key
        self.sums.add(lo, count=np.bincount(k, minlength=hi - lo),
                      total=np.bincount(k, weights=c, minlength=hi - lo))
        return self

    def add_bins(self, bins) -> bool:
        """Add unweighted rows binned by :func:`~.bootstrap.bin_values` (the contribution of
        an unweighted row is its loss, binned by the same key); False, adding nothing, when a
        key lies outside the non-negative values (a negative loss: use :meth:`update`)."""
        if bins.lo + bins.count.size > _N_KEYS:
            return False
        if bins.count.size:
            self.sums.add(bins.lo, count=bins.count, total=bins.sum)
        self.n_infinite += bins.n_inf
        return True

    def merge(self, other: "ShareHistogram") -> "ShareHistogram":
        self.sums.merge(other.sums)
        self.n_infinite += other.n_infinite
        self.huge |= other.huge
        return self

    def result(self) -> dict[float, Stat]:
        if self.huge:
            return {f: Stat.undefined(HUGE_WEIGHTS) for f in self.shares}
        count, total = self.sums["count"], self.sums["total"]
        n = int(count.sum())
        if n == 0:
            return {f: Stat.undefined(NO_ROWS) for f in self.shares}
        if self.n_infinite:
            reason = _infinite_reason(self.n_infinite)
            return {f: Stat.undefined(reason) for f in self.shares}
        nz = np.flatnonzero(count)[::-1]  # largest values first
        counts, sums = count[nz], total[nz]
        grand = float(sums.sum())
        out: dict[float, Stat] = {}
        for f in self.shares:
            if not grand > 0:
                out[f] = Stat.undefined("not defined: the total loss is 0")
                continue
            k = rows_in(f, n)
            cum = np.cumsum(counts)
            b = int(np.searchsorted(cum, k))  # the bin holding the k-th worst row
            above = float(sums[:b].sum())
            taken = k - (int(cum[b - 1]) if b else 0)
            part = sums[b] * taken / counts[b]
            out[f] = Stat.of(min((above + part) / grand, 1.0))
        return out
