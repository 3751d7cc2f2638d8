"""Reading the number: the articles' rough scale, and the distribution of row losses.

Why: analysts new to the log loss ask "is 0.35 good?". Articles answer with a rough scale
(< 0.05 great, < 0.20 good, > 0.30 not ideal, > 1.00 very poor); the guide draws it as a labelled
bar with the current loss on it, and says in one sentence why such a scale can mislead: what
is achievable depends on the base rate (always predicting a 2% base rate already scores 0.098,
"good"; a 50% base rate scores 0.693, "not ideal"), so the no-skill baseline beside it matters
more. The histogram of row losses shows whether the loss is a little on every row or a lot on
a few.

What: :func:`guide` gives the bands (in nats, the scale's unit), the band the loss falls in and
the sentence; :func:`loss_histogram` the bin edges and row counts (equal-width bins from 0 to
the largest finite loss; their number grows with the rows, as the cube root, from 10 to 512,
so a million rows get fine bins; a log-scaled count axis is the view's choice), and the rows of
infinite loss counted apart.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..formatting import fmt_loss, fmt_number, fmt_percent, with_units
from ..loss import to_units

#: (upper bound in nats, label): the articles' scale; 0.20 to 0.30 they leave unnamed.
BANDS = ((0.05, "great"), (0.20, "good"), (0.30, "fair"), (1.00, "not ideal"),
         (math.inf, "very poor"))


@dataclass(frozen=True)
class Guide:
    """The scale's bands (``edges``: 0, 0.05, 0.20, 0.30, 1.00, inf; ``labels`` between them),
    the loss placed on it (``band``: its index; None when there is no loss to place), and
    ``sentence``: why the base rate matters."""

    edges: tuple[float, ...]
    labels: tuple[str, ...]
    loss: float | None
    band: int | None
    sentence: str

    @property
    def label(self) -> str:
        return self.labels[self.band] if self.band is not None else ""


def band_of(loss: float) -> int | None:
    """Index of the band a loss (nats) falls in: < 0.05 great, < 0.20 good, up to 0.30 fair,
    up to 1.00 not ideal, above very poor (an infinite loss is very poor)."""
    if loss is None or math.isnan(loss) or loss < 0:
        return None
    if loss < 0.05:
        return 0
    if loss < 0.20:
        return 1
    if loss <= 0.30:
        return 2
    if loss <= 1.00:
        return 3
    return 4


def scale_position(loss: float | None) -> float | None:
    """Where a loss (nats) sits along the guide's bar, 0 at the left end and 1 at the right:
    each band is one fifth of the bar (the bands span 0.05 to 0.70 nats, so a bar to scale
    would squeeze "great" into a sliver); within a band the loss is placed in proportion, and
    in the last, open band at 1 − 1/loss of it (2 nats half-way, ∞ at the end)."""
    if loss is None or math.isnan(loss) or loss < 0:
        return None
    edges = (0.0,) + tuple(b for b, _ in BANDS)
    width = 1.0 / len(BANDS)
    band = band_of(loss)
    lo, hi = edges[band], edges[band + 1]
    if math.isinf(hi):
        inside = 1.0 if math.isinf(loss) else 1.0 - lo / loss
    else:
        inside = (loss - lo) / (hi - lo)
    return min(1.0, max(0.0, (band + min(max(inside, 0.0), 1.0)) * width))


def guide(loss: float | None, baseline: float | None = None,
          base_rate: float | None = None, units: str = "nats") -> Guide:
    """Place a loss (nats) on the articles' scale, and say why the base rate matters.

    ``baseline``: the no-skill loss (nats; always predicting the base rate, or the class
    shares); ``base_rate``: the share of class 1 (binary; None for K classes); ``units``: the
    sentence gives the baseline in these ("nats" or "bits").
    """
    edges = (0.0,) + tuple(b for b, _ in BANDS)
    labels = tuple(label for _, label in BANDS)
    band = band_of(loss) if loss is not None else None
    sentence = (f"The scale ignores the base rate: what a loss of {fmt_number(0.2)} means depends "
                "on how rare the class is.")
    if baseline == 0.0:  # one class only: nothing to judge against (the summary says so too)
        sentence = ("The scale ignores the base rate; here every row that counts is of one "
                    "class, so there is no no-skill baseline to judge the loss against.")
    elif baseline is not None and math.isfinite(baseline):
        b_band = band_of(baseline)
        where = f" ({labels[b_band]} on this scale)" if b_band is not None else ""
        scores = with_units(fmt_loss(to_units(baseline, units)), units)
        if base_rate is not None and math.isfinite(base_rate):
            rate = fmt_percent(base_rate, 1 if 0 < base_rate < 0.1 or 0.9 < base_rate < 1 else 0)
            sentence = (f"The scale ignores the base rate: with {rate} of rows in class 1, "
                        f"always predicting {rate} already scores {scores}"
                        f"{where}, so judge the loss against that no-skill baseline.")
        else:
            sentence = ("The scale ignores the base rates: always predicting each class's share "
                        f"already scores {scores}{where}, so judge the loss "
                        "against that no-skill baseline.")
    return Guide(edges, labels, loss, band, sentence)


@dataclass(frozen=True)
class Histogram:
    """Row losses binned: ``counts[i]`` rows with edges[i] <= loss < edges[i+1] (the last bin
    includes its right edge); ``n_infinite`` rows of infinite loss, not in any bin."""

    edges: np.ndarray
    counts: np.ndarray
    n_infinite: int = 0


def default_bins(n: int) -> int:
    """Bins for n rows: 2·n^(1/3) (Rice's rule), at least 10 and at most 512."""
    return int(min(512, max(10, math.ceil(2.0 * n ** (1.0 / 3.0))))) if n > 0 else 10


def loss_histogram(losses, bins: int | None = None) -> Histogram:
    """Equal-width bins of the finite row losses from 0 to the largest (rows, not weights)."""
    x = np.asarray(losses, dtype=np.float64).ravel()
    finite = np.isfinite(x)
    n_inf = int(np.count_nonzero(np.isinf(x)))
    if not finite.all():
        x = x[finite]
    nb = bins or default_bins(x.size)
    top = float(x.max()) if x.size else 1.0
    if not top > 1e-300:  # (nothing, zeros, or losses so tiny that no bin would have a width)
        top = 1.0
    counts, edges = np.histogram(x, bins=nb, range=(0.0, top))
    return Histogram(edges, counts.astype(np.int64), n_inf)
