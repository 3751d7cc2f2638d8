"""The summary panel's numbers, in the units the user chose, computed here so the panel only
shows them: the loss in large type, the same loss in the other unit, and whether it is a number
to compare with a baseline at all."""

from __future__ import annotations

import math
from dataclasses import dataclass

from .loss import LossTotals

UNITS = ("nats", "bits")


@dataclass(frozen=True)
class ShownLoss:
    """The final loss as the summary shows it.

    ``value`` is in ``units`` (NaN without a valid row, ∞ for an infinite loss); ``other`` is the
    same loss in ``other_units``. ``finite``: a finite number was computed (then the summary
    also shows the other unit and the baseline).
    """

    value: float
    units: str
    other: float
    other_units: str
    n: int

    @property
    def empty(self) -> bool:
        """No valid observation: nothing to show."""
        return self.n == 0

    @property
    def finite(self) -> bool:
        return self.n > 0 and math.isfinite(self.value)


def shown_loss(totals: LossTotals, units: str = "nats") -> ShownLoss:
    """The loss of ``totals`` in ``units`` and in the other unit (the totals' own nats and bits)."""
    if units not in UNITS:
        raise ValueError(f"units must be one of {', '.join(UNITS)}, not {units!r}")
    nats, bits = totals.mean, totals.mean_bits
    if units == "bits":
        return ShownLoss(bits, "bits", nats, "nats", totals.n)
    return ShownLoss(nats, "nats", bits, "bits", totals.n)
