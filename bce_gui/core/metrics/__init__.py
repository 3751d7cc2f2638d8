"""Statistics beyond the loss, Qt-free and vectorised over whole columns (issue 11).

What the window, the report and ``compute --json`` show beside the loss, each in its module
with the why and the what in its docstring:

* :mod:`.scores` — Brier score and accuracy at a threshold (as scikit-learn);
* :mod:`.auc` — ROC AUC (as scikit-learn: ties and weights; one-vs-rest macro for K classes);
* :mod:`.calibration` — the expected calibration error and the reliability diagram's bins;
* :mod:`.bootstrap` — the 95% percentile bootstrap interval of the loss, single and paired;
* :mod:`.concentration` — the share of the loss carried by the worst 1% and 10% of rows;
* :mod:`.corp` — the CORP decomposition (miscalibration − discrimination + uncertainty), the
  CORP curve and its consistency band (:mod:`.isotonic`: pool-adjacent-violators);
* :mod:`.parity` — the loss under exact, scikit-learn, PyTorch and Keras conventions, explained;
* :mod:`.guide` — the articles' rough scale and the histogram of row losses;
* :mod:`.insight` — all of them in one call (:func:`insight`), for streamed blocks
  (:class:`MetricsAccumulator`), and as ``compute --json`` keys (:func:`to_json`).

A statistic that is not defined for the data (one class only for an AUC, soft labels for an
accuracy) is a :class:`Stat` carrying the reason, never NaN and never an exception. Where a
streaming form exists it has ``update`` / ``merge`` / ``result``, like the loss accumulator.
Inputs are the valid rows only (see :mod:`.columns`).
"""

from .auc import AucAccumulator, AucResult, roc_auc
from .bootstrap import (HistogramBootstrap, PoissonBootstrap, bootstrap_ci,
                        paired_bootstrap_ci)
from .calibration import CalibrationBins, ReliabilityBins, bin_index, ece, reliability
from .concentration import Concentration, ShareHistogram, concentration
from .corp import Corp, CorpCurve, Decomposition, corp, decomposition
from .guide import Guide, Histogram, guide, loss_histogram
from .insight import Insight, MetricsAccumulator, insight, probabilities, to_json
from .isotonic import isotonic_fit
from .parity import Parity, parity
from .result import Interval, Stat
from .scores import ScoreAccumulator, Scores, accuracy, brier, scores

__all__ = [
    "AucAccumulator", "AucResult", "CalibrationBins", "Concentration", "Corp", "CorpCurve",
    "Decomposition", "Guide", "Histogram", "HistogramBootstrap", "Insight", "Interval",
    "MetricsAccumulator", "Parity", "PoissonBootstrap", "ReliabilityBins", "ScoreAccumulator",
    "Scores", "ShareHistogram", "Stat", "accuracy", "bin_index", "bootstrap_ci", "brier",
    "concentration", "corp", "decomposition", "ece", "guide", "insight", "isotonic_fit",
    "loss_histogram", "paired_bootstrap_ci", "parity", "probabilities", "reliability",
    "roc_auc", "scores", "to_json",
]
