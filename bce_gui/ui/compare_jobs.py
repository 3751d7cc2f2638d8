"""The comparison of the table's models, kept up to date off the GUI thread (a "compare" job).

:class:`CompareController` follows the document as :class:`~.insight_jobs.InsightController`
does: a change that can move a number makes the comparison stale, cancels a computation still
running and, after a short pause, starts a new one on a worker thread. The columns are captured
on the GUI thread as references (:class:`~bce_gui.core.compare.ComparisonColumns`); the worker
copies the valid rows. A table with one model has nothing to compare: :attr:`updated` then
carries None. Views subscribe to :attr:`updated`; none computes anything.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QObject

from ..core.compare import ComparisonColumns, compare
from ..core.metrics.table import MetricsSettings
from .document import Document
from .jobs import FollowingJob, Jobs

JOB_KIND = "compare"


class CompareController(FollowingJob):
    """The document's models compared against a reference model, in the background; ``result``
    is a :class:`~bce_gui.core.compare.Comparison` (None: fewer than two models)."""

    JOB_KIND = JOB_KIND

    def __init__(self, doc: Document, jobs: Jobs, parent: QObject | None = None,
                 settings: MetricsSettings | None = None) -> None:
        super().__init__(doc, jobs, parent)
        self.settings = settings or MetricsSettings()
        #: The model the others are compared with (its index in the schema).
        self.reference = 0
        self._follow()

    @property
    def active(self) -> bool:
        """The table holds several models."""
        return self.doc.n_models >= 2

    def schedule(self) -> None:
        if self.reference >= self.doc.n_models:
            self.reference = 0
        super().schedule()

    def set_reference(self, index: int) -> None:
        if index != self.reference and 0 <= index < self.doc.n_models:
            self.reference = index
            self.schedule()

    def set_threshold(self, threshold: float) -> None:
        if threshold != self.settings.threshold:
            self.settings = replace(self.settings, threshold=float(threshold))
            self.schedule()

    def _task(self):
        if not self.active:
            return None
        columns = ComparisonColumns.of(self.doc.dataset, self.doc.live, titled=True)
        settings, reference = self.settings, self.reference
        return lambda progress=None: compare(columns, reference, settings, progress=progress)
