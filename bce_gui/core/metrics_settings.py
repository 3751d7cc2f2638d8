"""What the statistics depend on beyond the data and the loss options, and their defaults.

A module of its own, outside :mod:`bce_gui.core.metrics` and importing nothing: the command
line and the streamed pass name the settings before any statistic is computed (or without any:
``compute --no-stats``), and the statistics' modules are imported only where they run (a
streamed ``compute`` imports them on its block worker while the first block is parsed).
"""

from __future__ import annotations

from dataclasses import dataclass

#: The accuracy's threshold: class 1 when p >= it.
DEFAULT_THRESHOLD = 0.5
#: Resamples of the bootstrap interval, and its seed.
N_RESAMPLES = 1000
DEFAULT_SEED = 0
#: Redraws of the CORP curve's consistency band.
BAND_RESAMPLES = 100


@dataclass(frozen=True)
class MetricsSettings:
    """What the statistics depend on beyond the data and the loss options."""

    threshold: float = DEFAULT_THRESHOLD
    n_resamples: int = N_RESAMPLES
    seed: int = DEFAULT_SEED
    band_resamples: int = BAND_RESAMPLES
