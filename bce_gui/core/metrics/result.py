"""What a statistic returns: a number, or the reason there is none.

A statistic that cannot be computed for the data at hand (an AUC with one class only, an
accuracy on soft labels, anything over rows whose weights sum to 0) is neither NaN nor an
exception: it is a :class:`Stat` without a value and with a sentence saying why, which the
window shows as "not defined", the report prints, and ``compute --json`` writes as ``null``
beside the reason. :class:`Interval` does the same for a pair of bounds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from ..formatting import json_number


@dataclass(frozen=True)
class Stat:
    """A statistic's value, or (``value`` None) the reason it is not defined.

    Build one with :meth:`of` or :meth:`undefined`. ``of`` refuses to store NaN: a NaN that
    reaches it means the input held one, and that is said instead.
    """

    value: float | None = None
    reason: str = ""

    @classmethod
    def of(cls, value: float) -> "Stat":
        """A defined value (±inf allowed: an infinite loss is a result, not a failure)."""
        value = float(value)
        if math.isnan(value):
            return cls(None, "not a number: the input holds a missing or invalid value")
        return cls(value, "")

    @classmethod
    def undefined(cls, reason: str) -> "Stat":
        return cls(None, reason)

    @property
    def defined(self) -> bool:
        return self.value is not None

    def __float__(self) -> float:
        return self.value if self.value is not None else math.nan

    def scaled(self, factor: float) -> "Stat":
        """The value times ``factor`` (a loss's reduction: see ``LossTotals.scale``)."""
        return self if self.value is None or factor == 1.0 else Stat.of(self.value * factor)

    def json(self) -> float | str | None:
        """The value as ``compute --json`` writes it (inf as "inf"); None when not defined."""
        return json_number(self.value) if self.value is not None else None


@dataclass(frozen=True)
class Interval:
    """A confidence interval [low, high], or (bounds None) the reason there is none.

    ``method`` names how it was computed (for the report and ``--help``); ``level`` is its
    nominal coverage, ``n_resamples`` and ``seed`` make it reproducible.
    """

    low: float | None
    high: float | None
    reason: str = ""
    level: float = 0.95
    n_resamples: int = 0
    seed: int | None = None
    method: str = ""

    @classmethod
    def undefined(cls, reason: str, **kw) -> "Interval":
        return cls(None, None, reason, **kw)

    @property
    def defined(self) -> bool:
        return self.low is not None and self.high is not None

    def scaled(self, factor: float) -> "Interval":
        """The bounds times ``factor`` (> 0: a loss's reduction, see ``LossTotals.scale``)."""
        if not self.defined or factor == 1.0:
            return self
        return replace(self, low=self.low * factor, high=self.high * factor)

    def negated(self) -> "Interval":
        """The interval of the negated quantity: [−high, −low] (the same resamples)."""
        if not self.defined:
            return self
        return replace(self, low=-self.high, high=-self.low)

    def json(self) -> list | None:
        """``[low, high]`` as ``compute --json`` writes it; None when not defined."""
        if not self.defined:
            return None
        return [json_number(self.low), json_number(self.high)]
