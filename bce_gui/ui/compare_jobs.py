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

from PySide6.QtCore import QObject, QTimer, Signal

from ..core.compare import Comparison, ComparisonColumns, compare
from ..core.metrics.table import MetricsSettings
from .document import Document
from .jobs import JobContext, Jobs

DELAY_MS = 60
JOB_KIND = "compare"


class CompareController(QObject):
    """The document's models compared against a reference model, in the background."""

    #: A new :class:`~bce_gui.core.compare.Comparison` (None: fewer than two models).
    updated = Signal(object)
    stale = Signal()
    busyChanged = Signal(bool)
    progress = Signal(float, str)

    def __init__(self, doc: Document, jobs: Jobs, parent: QObject | None = None,
                 settings: MetricsSettings | None = None) -> None:
        super().__init__(parent)
        self.doc = doc
        self.jobs = jobs
        self.settings = settings or MetricsSettings()
        #: The model the others are compared with (its index in the schema).
        self.reference = 0
        self.result: Comparison | None = None
        self.current = False
        self._busy = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DELAY_MS)
        self._timer.timeout.connect(self._start)
        doc.totalsChanged.connect(self.schedule)
        self.schedule()

    @property
    def active(self) -> bool:
        """The table holds several models."""
        return self.doc.n_models >= 2

    def schedule(self) -> None:
        self.current = False
        self.jobs.cancel(JOB_KIND)
        if self.reference >= self.doc.n_models:
            self.reference = 0
        self.stale.emit()
        self._timer.start()

    def set_reference(self, index: int) -> None:
        if index != self.reference and 0 <= index < self.doc.n_models:
            self.reference = index
            self.schedule()

    def set_threshold(self, threshold: float) -> None:
        if threshold != self.settings.threshold:
            self.settings = replace(self.settings, threshold=float(threshold))
            self.schedule()

    def _columns(self) -> ComparisonColumns:
        return ComparisonColumns.of(self.doc.dataset, self.doc.live)

    def _start(self) -> None:
        if not self.active:
            self._done(None)
            return
        columns, settings, reference = self._columns(), self.settings, self.reference

        def run(ctx: JobContext) -> Comparison:
            return compare(columns, reference, settings, progress=ctx.progress)

        self._set_busy(True)
        self.jobs.submit(JOB_KIND, run, done=self._done, progress=self.progress.emit,
                         ended=self._ended)

    def _done(self, result: Comparison | None) -> None:
        self.result = result
        self.current = True
        self.updated.emit(result)

    def _ended(self) -> None:
        if not self.jobs.is_running(JOB_KIND) and not self._timer.isActive():
            self._set_busy(False)

    def _set_busy(self, busy: bool) -> None:
        if busy != self._busy:
            self._busy = busy
            self.busyChanged.emit(busy)

    def compute_now(self) -> Comparison | None:
        """The comparison of the table as it is now (a report exports what the table says)."""
        if not self.current:
            self._timer.stop()
            self.jobs.cancel(JOB_KIND)
            self._done(compare(self._columns(), self.reference, self.settings)
                       if self.active else None)
            self._ended()
        return self.result

    def wait(self, ms: int = 30_000) -> bool:
        """Start a pending computation at once and block until it is delivered (tests,
        scripts; the window never waits)."""
        if self._timer.isActive():
            self._timer.stop()
            self._start()
        return self.jobs.wait(ms)
