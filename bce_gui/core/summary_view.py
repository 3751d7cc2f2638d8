"""The summary panel's numbers, in the units the user chose, computed here so the panel only
shows them: the loss in large type, the same loss in the other unit, and whether it is a number
to compare with a baseline at all."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .formatting import fmt_count
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


@dataclass(frozen=True)
class ClassRow:
    """One line of a K-class summary's per-class breakdown, in the units shown."""

    label: str
    rows: int
    mean: float  # mean loss in the units (inf with an infinite row, NaN without rows)
    share: float  # of the total loss (NaN when the total is infinite or 0)
    class_share: float  # of the rows (of the weight, when weighted): the base rate


def class_rows(classes, breakdown: list[dict], totals: LossTotals, units: str = "nats") -> list[ClassRow]:
    """The per-class breakdown (:meth:`~bce_gui.core.accumulate.Accumulator.breakdown`) of a
    K-class evaluation, one :class:`ClassRow` per class in the task's order."""
    from .class_labels import label_text
    from .loss import to_units

    shares = totals.class_shares or (math.nan,) * len(breakdown)
    return [ClassRow(label_text(c), int(b["rows"]), to_units(b["mean_loss"], units), b["share"], q)
            for c, b, q in zip(classes, breakdown, shares)]


def scored_rows_note(dataset, validity, n_used: int) -> str:
    """One line when models after the first leave rows out of the loss shown (every model is
    scored on the same rows, so a row without a usable prediction from another model counts for
    none): "Scored on the 2 rows every model has (10 rows have no usable prediction from
    model_b)".
    '' with one model, or when no row is left out only because of another model."""
    from .compare import display_names

    models = dataset.schema.models
    if len(models) < 2 or validity.valid.all():
        return ""
    others = [set(m.columns) for m in models[1:]]
    theirs = set().union(*others)
    codes = validity.codes
    fine = np.ones(validity.valid.size, dtype=bool)  # every cell but the other models' usable
    for name, c in codes.items():
        if name not in theirs:
            fine &= c == 0
    lacking = []
    for name, columns in zip(display_names(dataset.schema, titled=True)[1:], others):
        bad = np.zeros_like(fine)
        for c in columns:
            if c in codes:
                bad |= codes[c] != 0
        k = int(np.count_nonzero(fine & bad))
        if k:
            lacking.append(f"{fmt_count(k)} {'row has' if k == 1 else 'rows have'} no usable "
                           f"prediction from {name}")
    if not lacking:
        return ""
    rows = "row" if n_used == 1 else "rows"
    return f"Scored on the {fmt_count(n_used)} {rows} every model has ({'; '.join(lacking)})"
