"""How sure the loss is: a 95% percentile bootstrap interval of the mean loss.

Why: a loss measured on 170 rows and one measured on a million deserve different confidence;
the interval says how much the number would move on another sample of rows like these.

What: the percentile bootstrap of the (weighted) mean Σ w·x / Σ w over rows resampled with
replacement: 1,000 resamples by default, seeded (the same data and seed give the same
interval), the 2.5% and 97.5% quantiles of the resampled means (``np.percentile``'s linear
interpolation). With rows of infinite loss the mean is infinite and there is no interval; the
result says so. ``paired_bootstrap_ci`` resamples the same rows for two models and bounds the
difference of their mean losses (the mean of the row-by-row differences).

How, quickly: resampling a million rows a thousand times reads 10^9 rows. Instead the rows go
into a fine histogram of their values (:class:`HistogramBootstrap`): the bins are the values'
floating-point binades cut into 64 (each bin 1/64 of its lower edge wide: 1.6%; neighbours
are merged pairwise when more than 512 are occupied), and each bin keeps its row count and
exact first and second moments (Σw, Σw·x and their squares and product). A resample draws how
many rows come from each bin (a multinomial over the bins,
exactly as resampling rows does), takes each bin's rows at their exact mean, and adds the
spread *within* the bins as one normal term with the exact within-bin covariance. With
distinct values and few rows every row is its own bin and this *is* the plain bootstrap; with
many rows the within-bin part is a sum of many small independent terms, so the interval
matches the plain bootstrap's to Monte-Carlo accuracy (tested) at a cost independent of the
rows: about 50 ms for 1,000 resamples, against 13 s for the plain bootstrap of a million rows
on the same machine (benchmarks/bench_metrics.py). The histogram merges by addition, so
streamed blocks and cluster partitions give the interval of one pass (equal to rounding of the
bin sums).

:class:`PoissonBootstrap` is the textbook online method: each row appears in resample r a
Poisson(1) number of times, drawn from a hash of (seed, the row's global index, r), so any split
of the rows into blocks or partitions draws the same counts. It costs O(rows × resamples)
(6.5 s per million rows in benchmarks/bench_metrics.py), so the app uses the histogram; it is
kept as the textbook reference the histogram is checked against on streamed data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .keyed import KeyedSums
from .columns import HUGE_WEIGHTS, huge_weights
from .result import Interval
from ..metrics_settings import DEFAULT_SEED, N_RESAMPLES

LEVEL = 0.95
_MANTISSA_BITS = 6
_SHIFT = np.uint64(52 - _MANTISSA_BITS)
_N_KEYS = 1 << (12 + _MANTISSA_BITS)  # sign, 11 exponent bits, the top mantissa bits
#: Above this many occupied bins, neighbouring bins are merged pairwise until fewer remain (the
#: within-bin moments stay exact, so only the normal term grows). The multinomial draws cost
#: resamples × bins; 512 keeps them near 50 ms with no loss of accuracy (tested).
MAX_BINS = 512
METHOD = "percentile bootstrap over a fine histogram of row values (multinomial resampling)"
POISSON_METHOD = "Poisson bootstrap with per-row counts hashed from the row index"


def _infinite_reason(n_inf: int, n_nan: int, what: str) -> str:
    if n_nan:
        rows = "row has" if n_nan == 1 else "rows have"
        return (f"no interval: {n_nan} {rows} an infinite loss under both models, so their "
                "difference is undefined")
    rows = "row has" if n_inf == 1 else "rows have"
    return (f"no interval: {n_inf} {rows} an infinite {what}, so the mean is infinite and so "
            "is that of nearly every resample")


@dataclass(frozen=True)
class ValueBins:
    """One block of unweighted values binned by their floating-point binade cut into 64 (the
    key of a value: its bits shifted right by 46, sign and exponent and the top 6 mantissa
    bits): per key from ``lo`` on, the rows, Σx and Σx² (bincount's sums, in row order).
    Non-finite values are counted (``n_nan``, ``n_inf``) and binned as 0. The bootstrap's
    histogram and the worst-rows shares' (:class:`~.concentration.ShareHistogram`) bin rows
    the same way, so one binning of the row losses serves both."""

    lo: int
    count: np.ndarray
    sum: np.ndarray
    sum_sq: np.ndarray
    n_nan: int = 0
    n_inf: int = 0


def bin_values(values: np.ndarray) -> ValueBins:
    """Bin one block of unweighted values (see :class:`ValueBins`)."""
    x = np.asarray(values, dtype=np.float64).ravel()
    n_nan = n_inf = 0
    finite = np.isfinite(x)
    if not finite.all():
        n_nan = int(np.count_nonzero(np.isnan(x)))
        n_inf = int(np.count_nonzero(np.isinf(x)))
        x = np.where(finite, x, 0.0)
    if x.size == 0:
        return ValueBins(0, np.zeros(0, dtype=np.int64), np.zeros(0), np.zeros(0))
    k = (x.view(np.uint64) >> _SHIFT).view(np.int64)  # (below 2^18: the same numbers)
    lo, hi = int(k.min()), int(k.max()) + 1
    if lo:
        k -= lo
    size = hi - lo
    return ValueBins(lo, np.bincount(k, minlength=size), np.bincount(k, weights=x, minlength=size),
                     np.bincount(k, weights=x * x, minlength=size), n_nan, n_inf)


class HistogramBootstrap:
    """A mergeable histogram of row values (losses, or paired differences) and the percentile
    bootstrap interval of their weighted mean (see the module docstring).

    ``update(values, weights)`` adds rows; ``merge`` another histogram's rows; ``result()``
    draws the resamples (seeded) and returns an :class:`~.result.Interval`.
    """

    def __init__(self, weighted: bool = False, n_resamples: int = N_RESAMPLES,
                 seed: int = DEFAULT_SEED, level: float = LEVEL, what: str = "loss") -> None:
        self.weighted = weighted
        self.n_resamples = int(n_resamples)
        self.seed = seed
        self.level = float(level)
        self.what = what
        self.n_inf = 0
        self.n_nan = 0
        #: Weights past HUGE_WEIGHT were given: their squares would overflow, so nothing of
        #: theirs is summed and the interval says why (as the one of rows in memory does).
        self.huge = False
        # Per bin: the rows, Σw·x and Σ(w·x)² (and Σw, Σw², Σw·(w·x) when weighted).
        names = {"count": np.int64, "sb": np.float64, "sbb": np.float64}
        if weighted:
            names.update(sa=np.float64, saa=np.float64, sab=np.float64)
        self.sums = KeyedSums(names, _N_KEYS)
        #: The future of this histogram's interval drawn ahead (:meth:`adopt`), if any.
        self._ready = None

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["_ready"] = None  # (a thread's future does not travel: drawn again if needed)
        return state

    # -- adding rows --------------------------------------------------------------------------

    def update(self, values, weights=None) -> "HistogramBootstrap":
        x = np.asarray(values, dtype=np.float64).ravel()
        if x.size == 0:
            return self
        self._ready = None
        if not self.weighted:
            return self.add_bins(bin_values(x))
        if weights is None:
            raise ValueError("a weighted bootstrap needs the rows' weights")
        w = np.asarray(weights, dtype=np.float64).ravel()
        if w.shape != x.shape:
            raise ValueError("values and weights differ in length")
        if self.huge or huge_weights(w):  # (nothing more to sum: see result())
            self.huge = True
            return self
        finite = np.isfinite(x)
        if not finite.all():
            bad = ~finite & (w > 0)  # a weight-0 row adds nothing
            self.n_nan += int(np.count_nonzero(np.isnan(x) & bad))
            self.n_inf += int(np.count_nonzero(np.isinf(x) & bad))
            x = np.where(finite, x, 0.0)
        key = (x.view(np.uint64) >> _SHIFT).astype(np.int64)
        lo, hi = int(key.min()), int(key.max()) + 1
        k = key - lo if lo else key
        size = hi - lo
        wx = w * x
        self.sums.add(lo, count=np.bincount(k, minlength=size),
                      sa=np.bincount(k, weights=w, minlength=size),
                      saa=np.bincount(k, weights=w * w, minlength=size),
                      sab=np.bincount(k, weights=w * wx, minlength=size),
                      sb=np.bincount(k, weights=wx, minlength=size),
                      sbb=np.bincount(k, weights=wx * wx, minlength=size))
        return self

    def add_bins(self, bins: "ValueBins") -> "HistogramBootstrap":
        """Add unweighted rows already binned by :func:`bin_values`."""
        if self.weighted:
            raise ValueError("a weighted bootstrap needs the rows' weights")
        self._ready = None
        self.n_nan += bins.n_nan
        self.n_inf += bins.n_inf
        if bins.count.size:
            self.sums.add(bins.lo, count=bins.count, sb=bins.sum, sbb=bins.sum_sq)
        return self

    def merge(self, other: "HistogramBootstrap") -> "HistogramBootstrap":
        if other.weighted != self.weighted:
            raise ValueError("cannot merge weighted and unweighted histograms")
        self._ready = None
        self.n_inf += other.n_inf
        self.n_nan += other.n_nan
        self.huge |= other.huge
        self.sums.merge(other.sums)
        return self

    def copy(self) -> "HistogramBootstrap":
        out = HistogramBootstrap(self.weighted, self.n_resamples, self.seed, self.level,
                                 self.what)
        return out.merge(self)

    def draw_ahead(self):
        """Start drawing this histogram's interval on a thread of its own; returns the future
        of its :meth:`result`. For a stream, which knows its last block's losses before that
        block's other statistics: the resamples take the same time whatever the rows, and run
        meanwhile (see :meth:`adopt`)."""
        return _ahead_pool().submit(self.result)

    def adopt(self, drawn: "HistogramBootstrap", interval) -> bool:
        """Take ``interval`` (the future of ``drawn.result()``) as this histogram's, if it
        holds exactly the rows ``drawn`` holds (the same bins, sums and settings: the interval
        is a function of them alone); any later change drops it. Returns whether it did."""
        mine, theirs = self.sums, drawn.sums
        same = ((self.weighted, self.n_resamples, self.seed, self.level, self.what,
                 self.n_inf, self.n_nan, self.huge, mine.lo, mine.hi)
                == (drawn.weighted, drawn.n_resamples, drawn.seed, drawn.level, drawn.what,
                    drawn.n_inf, drawn.n_nan, drawn.huge, theirs.lo, theirs.hi)
                and all(np.array_equal(mine[k], theirs[k]) for k in mine.arrays))
        self._ready = interval if same else None
        return same

    @property
    def n(self) -> int:
        return int(self.sums["count"].sum())

    def _kw(self) -> dict:
        return dict(level=self.level, n_resamples=self.n_resamples, seed=self.seed,
                    method=METHOD)

    # -- the interval -------------------------------------------------------------------------

    def bins(self) -> dict[str, np.ndarray]:
        """The occupied bins (at most :data:`MAX_BINS`), in increasing key order: row count and
        per-row means and (co)variances of w and w·x within each bin."""
        h = self.sums
        nz = h.nonzero("count")
        cols = {"c": h["count"][nz].astype(np.float64), "b": h["sb"][nz], "bb": h["sbb"][nz]}
        if self.weighted:
            cols.update(a=h["sa"][nz], aa=h["saa"][nz], ab=h["sab"][nz])
        keys = nz + h.lo
        while keys.size > MAX_BINS:  # merge neighbouring bins: key >> 1
            keys = keys >> 1
            first = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
            keys = keys[first]
            cols = {name: np.add.reduceat(v, first) for name, v in cols.items()}
        c = cols["c"]
        out = {"c": c, "mb": cols["b"] / c, "vb": np.maximum(cols["bb"] / c - (cols["b"] / c) ** 2, 0.0)}
        if self.weighted:
            ma = cols["a"] / c
            out.update(ma=ma, va=np.maximum(cols["aa"] / c - ma * ma, 0.0),
                       cab=cols["ab"] / c - ma * out["mb"])
        else:
            out.update(ma=np.ones_like(c), va=np.zeros_like(c), cab=np.zeros_like(c))
        return out

    def resampled_means(self) -> np.ndarray:
        """The weighted mean of each of the ``n_resamples`` resamples (seeded)."""
        b = self.bins()
        n = int(b["c"].sum())
        rng = np.random.default_rng(self.seed)
        r = self.n_resamples
        # numpy's multinomial wants Σ pvals[:-1] <= 1 exactly; dividing counts by n can exceed
        # it by an ulp, which the last category absorbs.
        pvals = b["c"] / n
        pvals = np.minimum(pvals, 1.0)
        pvals[-1] = max(0.0, 1.0 - float(np.sum(pvals[:-1])))
        out = np.empty(r)
        chunk = max(1, (1 << 22) // max(pvals.size, 1))  # bound the (resamples × bins) matrix
        for s in range(0, r, chunk):
            k = _multinomial(rng, n, pvals, min(chunk, r - s))
            mean_a, mean_b = k @ b["ma"], k @ b["mb"]
            var_a, cov_ab, var_b = k @ b["va"], k @ b["cab"], k @ b["vb"]
            z = rng.standard_normal((2, k.shape[0]))
            # Bivariate normal (Σw, Σw·x) within-bin term, by a 2x2 Cholesky per resample.
            sd_a = np.sqrt(var_a)
            with np.errstate(invalid="ignore", divide="ignore"):
                slope = np.where(sd_a > 0, cov_ab / sd_a, 0.0)
            rest = np.sqrt(np.maximum(var_b - slope * slope, 0.0))
            sum_a = mean_a + sd_a * z[0]
            sum_b = mean_b + slope * z[0] + rest * z[1]
            with np.errstate(invalid="ignore", divide="ignore"):
                out[s:s + k.shape[0]] = sum_b / sum_a
        return out

    def result(self) -> Interval:
        if self._ready is not None:
            return self._ready.result()
        if self.huge:
            return Interval.undefined(f"no interval: {HUGE_WEIGHTS}", **self._kw())
        if self.n_inf or self.n_nan:
            return Interval.undefined(_infinite_reason(self.n_inf, self.n_nan, self.what),
                                      **self._kw())
        if self.n == 0:
            return Interval.undefined("no interval: there are no valid rows", **self._kw())
        if self.weighted and not float(self.sums["sa"].sum()) > 0:
            return Interval.undefined("no interval: the weights of the valid rows sum to 0",
                                      **self._kw())
        if self.n_resamples < 1:
            return Interval.undefined("no interval: no resamples were asked for", **self._kw())
        means = self.resampled_means()
        tail = 100.0 * (1.0 - self.level) / 2.0
        means = means[np.isfinite(means)]  # a resample of only weight-0 rows has no mean
        if means.size == 0:
            return Interval.undefined("no interval: every resample drew only rows of weight 0",
                                      **self._kw())
        low, high = percentiles(means, (tail, 100.0 - tail))
        return Interval(low, high, **self._kw())


#: Resamples drawn by one call of numpy's multinomial, which holds the GIL while it draws: in
#: pieces of about half a millisecond, so that the threads computing the other statistics
#: beside the bootstrap (the AUC's sort, the isotonic fit) are not kept waiting for the draw.
_DRAW = 16
_AHEAD = None


def _ahead_pool():
    """The thread that draws intervals ahead (:meth:`HistogramBootstrap.draw_ahead`)."""
    global _AHEAD
    if _AHEAD is None:
        from concurrent.futures import ThreadPoolExecutor

        _AHEAD = ThreadPoolExecutor(1, thread_name_prefix="bce-bootstrap")
    return _AHEAD


def _multinomial(rng: np.random.Generator, n: int, pvals: np.ndarray, size: int) -> np.ndarray:
    """``rng.multinomial(n, pvals, size)`` as float64, drawn in pieces of :data:`_DRAW`
    resamples: the generator draws them one after another either way, so the counts are the
    same numbers (tested)."""
    out = np.empty((size, pvals.size))
    for s in range(0, size, _DRAW):
        m = min(_DRAW, size - s)
        out[s:s + m] = rng.multinomial(n, pvals, size=m)
    return out


def percentiles(values: np.ndarray, pcts) -> list[float]:
    """``np.percentile(values, pcts)`` (its default linear interpolation) for finite values,
    with the same arithmetic, so the same numbers (tested), without the partition by
    ``np.unique`` that makes numpy import numpy.ma (15 ms, once) for two order statistics of a
    thousand means."""
    v = np.sort(np.asarray(values, dtype=np.float64).ravel())
    n = v.size
    out = []
    for pct in pcts:
        index = (n - 1) * (pct / 100.0)
        if index >= n - 1:
            out.append(float(v[-1]))
            continue
        below = max(math.floor(index), 0)
        gamma = index - below
        a, b = float(v[below]), float(v[below + 1])
        diff = b - a
        out.append(b - diff * (1 - gamma) if gamma >= 0.5 else a + diff * gamma)
    return out


def bootstrap_ci(losses, weights=None, *, n_resamples: int = N_RESAMPLES,
                 seed: int = DEFAULT_SEED, level: float = LEVEL) -> Interval:
    """The percentile bootstrap interval of the (weighted) mean row loss."""
    h = HistogramBootstrap(weights is not None, n_resamples, seed, level)
    return h.update(losses, weights).result()


def paired_bootstrap_ci(losses_a, losses_b, weights=None, *, n_resamples: int = N_RESAMPLES,
                        seed: int = DEFAULT_SEED, level: float = LEVEL) -> Interval:
    """The interval of mean loss of model A − mean loss of model B on the same rows.

    Each resample takes the same rows for both models, so the interval is that of the mean
    row-by-row difference (the two means share their weights, so the difference of means is
    the mean of the differences).

    Antisymmetric exactly: ``paired_bootstrap_ci(b, a)`` is ``paired_bootstrap_ci(a, b)``
    negated, [−high, −low], so which model is the reference cannot change the verdict. The
    histogram's bins are ordered by their floating-point keys, in which negative values follow
    positive ones, so the seeded draws of d and of −d differ; the resamples are therefore drawn
    for one orientation of the pair, chosen from the rows alone (the one whose first nonzero
    finite row difference is positive), and the other orientation's interval is its mirror.
    """
    a = np.asarray(losses_a, dtype=np.float64)
    b = np.asarray(losses_b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError("the two models' losses differ in length")
    with np.errstate(invalid="ignore"):
        d = a - b
        nonzero = np.flatnonzero(np.isfinite(d) & (d != 0))
        flip = nonzero.size > 0 and d.flat[nonzero[0]] < 0
        if flip:
            d = b - a  # (exactly −d, with +0 where a == b, as a − b has)
    h = HistogramBootstrap(weights is not None, n_resamples, seed, level,
                           what="loss under one model only")
    ci = h.update(d, weights).result()
    return ci.negated() if flip else ci


# --------------------------------------------------------------------------------------------
# The Poisson bootstrap (per-row counts from a counter-based hash)
# --------------------------------------------------------------------------------------------

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_S30, _S27, _S31 = np.uint64(30), np.uint64(27), np.uint64(31)


def _splitmix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: a bijective mix of 64-bit counters into uniform bits."""
    x = x ^ (x >> _S30)
    x *= _M1
    x ^= x >> _S27
    x *= _M2
    x ^= x >> _S31
    return x


def _poisson_table() -> np.ndarray:
    """Poisson(1) by inversion of a 16-bit uniform: table[u] = k (CDF quantised to 2^-16)."""
    cdf, term, k = [], math.exp(-1.0), 0
    total = 0.0
    while total < 1.0 - 2.0 ** -17 and k < 12:
        total += term
        cdf.append(total)
        k += 1
        term /= k
    edges = np.rint(np.asarray(cdf) * 65536.0).astype(np.int64)
    return np.searchsorted(edges, np.arange(65536), side="right").astype(np.uint8)


_POISSON: np.ndarray | None = None  # (made on first use: a Python loop, 3 ms)


def _poisson() -> np.ndarray:
    global _POISSON
    if _POISSON is None:
        _POISSON = _poisson_table()
    return _POISSON


class PoissonBootstrap:
    """The online Poisson bootstrap of a weighted mean (see the module docstring).

    ``update(values, weights, first_row)``: rows ``first_row``, ``first_row + 1``, ... of the
    whole table (their global indices seed their counts); ``merge``, ``result`` as the
    histogram's.
    """

    _BLOCK = 2048

    def __init__(self, n_resamples: int = N_RESAMPLES, seed: int = DEFAULT_SEED,
                 level: float = LEVEL) -> None:
        self.n_resamples = int(n_resamples)
        self.seed = seed
        self.level = float(level)
        self.n = 0
        self.n_inf = 0
        self.sum_w = np.zeros(self.n_resamples)
        self.sum_wx = np.zeros(self.n_resamples)
        self._seed_mix = _splitmix(np.array([seed & 0xFFFFFFFFFFFFFFFF], dtype=np.uint64))[0]

    def counts(self, rows: np.ndarray) -> np.ndarray:
        """Each row's count in each resample: an (n_rows, n_resamples) uint8 array."""
        r = self.n_resamples
        words = (r + 3) // 4
        with np.errstate(over="ignore"):
            base = _splitmix(rows.astype(np.uint64) * _GOLDEN ^ self._seed_mix)
            h = _splitmix(base[:, None] + np.arange(1, words + 1, dtype=np.uint64) * _GOLDEN)
        u = h.view(np.uint16).reshape(rows.size, words * 4)[:, :r]
        return _poisson()[u]

    def update(self, values, weights=None, first_row: int = 0) -> "PoissonBootstrap":
        x = np.asarray(values, dtype=np.float64).ravel()
        w = np.ones(x.size) if weights is None else np.asarray(weights, dtype=np.float64)
        counted = w > 0
        self.n_inf += int(np.count_nonzero(~np.isfinite(x) & counted))
        wx = np.where(counted, w * np.where(np.isfinite(x), x, 0.0), 0.0)
        self.n += x.size
        for s in range(0, x.size, self._BLOCK):
            e = min(s + self._BLOCK, x.size)
            k = self.counts(np.arange(first_row + s, first_row + e, dtype=np.uint64))
            k = k.astype(np.float64)
            self.sum_w += w[s:e] @ k if weights is not None else k.sum(0)
            self.sum_wx += wx[s:e] @ k
        return self

    def merge(self, other: "PoissonBootstrap") -> "PoissonBootstrap":
        if (other.n_resamples, other.seed) != (self.n_resamples, self.seed):
            raise ValueError("cannot merge Poisson bootstraps with other resamples or seeds")
        self.n += other.n
        self.n_inf += other.n_inf
        self.sum_w += other.sum_w
        self.sum_wx += other.sum_wx
        return self

    def result(self) -> Interval:
        kw = dict(level=self.level, n_resamples=self.n_resamples, seed=self.seed,
                  method=POISSON_METHOD)
        if self.n_inf:
            return Interval.undefined(_infinite_reason(self.n_inf, 0, "loss"), **kw)
        if self.n == 0:
            return Interval.undefined("no interval: there are no valid rows", **kw)
        ok = self.sum_w > 0
        if not ok.any():
            return Interval.undefined("no interval: the weights of the valid rows sum to 0", **kw)
        means = self.sum_wx[ok] / self.sum_w[ok]
        tail = 100.0 * (1.0 - self.level) / 2.0
        low, high = percentiles(means, (tail, 100.0 - tail))
        return Interval(low, high, **kw)
