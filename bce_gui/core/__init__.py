"""The Qt-free core: loss engine, dataset, validation, import and export.

Nothing in this package may import Qt or pyqtgraph (a test enforces it): the command line and
scripts use it directly, and the window is only one of its clients.
"""

from .dataset import Dataset, NumericColumn
from .evaluate import Evaluation, evaluate
from .loss import LossOptions, log_loss, row_losses, row_terms, totals
from .policies import ClipPolicy, make_policy

__all__ = [
    "ClipPolicy",
    "Dataset",
    "Evaluation",
    "LossOptions",
    "NumericColumn",
    "evaluate",
    "log_loss",
    "make_policy",
    "row_losses",
    "row_terms",
    "totals",
]
