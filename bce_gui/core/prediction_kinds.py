"""What the predicted values look like: probabilities, logits, or predicted classes.

A binary model's predicted column should hold the probability of class 1 (or, with logits, the
log-odds). Two other things are common in real files and give a number that means nothing: logits
read as probabilities (most rows then fall outside [0, 1] and are dropped as invalid), and hard
0/1 predictions read as probabilities (every mistake costs an infinite loss, or the clip's bound).
:class:`PredictionKinds` counts what tells them apart over whole columns, merges like the loss
accumulator (blocks, parts, partitions), and :meth:`PredictionKinds.warnings` says what it sees
in one sentence each, for the summary of ``compute`` (the window asks instead:
:func:`~bce_gui.core.explain.input_kind_hint`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Under "probabilities", at least this share of the numbers outside [0, 1] suggests logits (a
#: few stray values are reported as invalid rows instead).
LOGIT_SHARE = 0.25
#: The summary's warnings speak from this many numbers on (a few rows prove little; the
#: window's question, which the user answers, comes at any size).
MIN_VALUES = 10


@dataclass
class PredictionKinds:
    """Counts over predicted values: ``n`` finite numbers, ``outside`` [0, 1] of them,
    ``hard`` exactly 0 or 1."""

    n: int = 0
    outside: int = 0
    hard: int = 0

    @classmethod
    def of(cls, values: np.ndarray) -> "PredictionKinds":
        return cls().add(values)

    def add(self, values: np.ndarray) -> "PredictionKinds":
        v = values
        finite = np.isfinite(v)
        with np.errstate(invalid="ignore"):  # (NaN compares False)
            self.n += int(np.count_nonzero(finite))
            self.outside += int(np.count_nonzero(((v < 0.0) | (v > 1.0)) & finite))
            self.hard += int(np.count_nonzero((v == 0.0) | (v == 1.0)))
        return self

    def merge(self, other: "PredictionKinds") -> "PredictionKinds":
        self.n += other.n
        self.outside += other.outside
        self.hard += other.hard
        return self

    @property
    def look_like_logits(self) -> bool:
        return self.n > 0 and self.outside >= LOGIT_SHARE * self.n

    @property
    def all_probabilities(self) -> bool:
        return self.n > 0 and self.outside == 0

    @property
    def all_hard(self) -> bool:
        return self.n > 0 and self.hard == self.n

    def warnings(self, logits: bool) -> dict[str, str]:
        """One sentence per contradiction with how the values are read (``logits``), keyed
        as the summary's other warnings are."""
        n = self.n
        if n < MIN_VALUES:
            return {}
        if logits:
            if self.all_probabilities:
                return {"kind:probabilities": (
                    f"every predicted value ({n:,}) lies between 0 and 1, as probabilities do, "
                    "but they are read as logits (--logits): without it they are read as "
                    "probabilities")}
            return {}
        if self.look_like_logits:
            return {"kind:logits": (
                f"{self.outside:,} of the {n:,} predicted values ({self.outside / n:.0%}) lie "
                "outside [0, 1], which probabilities cannot: they look like logits (log-odds), "
                "and as probabilities those rows are invalid (--logits reads them as logits)")}
        if self.all_hard:
            return {"kind:hard": (
                f"every one of the {n:,} predicted values is 0 or 1: these look like predicted "
                "classes, not probabilities, and the log loss of a class is infinite (or the "
                "clip's bound) for every mistake; the probability of class 1 is what it needs "
                "(another column? --predicted-column names it)")}
        return {}
