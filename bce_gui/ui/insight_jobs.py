"""The statistics of the open table, kept up to date off the GUI thread (a "statistics" job).

:class:`InsightController` follows the document: every change that can move a number (an
edit, a paste, new data, other options; they all end with ``totalsChanged``) makes the shown
statistics stale, cancels a computation still running and, after a short pause that coalesces a
burst of edits, starts a new one on a worker thread (``jobs.py``). The columns are captured on
the GUI thread as references (:class:`~bce_gui.core.metrics.table.ModelColumns`): the worker
copies the valid rows, so edits made meanwhile cannot tear what it reads, and a computation
overtaken by an edit is dropped. Views subscribe to :attr:`updated`; none computes anything.

Other features build on it: :meth:`compute_now` (an export that needs the numbers at once),
:meth:`bin_rows` (a reliability-diagram bin's rows) and :attr:`settings`.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal

from ..core.metrics.table import MetricsSettings, ModelColumns, TableInsight, table_insight
from .document import Document
from .jobs import JobContext, Jobs

#: A burst of edits (typing, undo held down) starts one computation, this long after the last.
DELAY_MS = 60
JOB_KIND = "statistics"


class InsightController(QObject):
    """The statistics of the document's first model, recomputed in the background."""

    #: New statistics (a :class:`~bce_gui.core.metrics.table.TableInsight`) for the table as
    #: it is now.
    updated = Signal(object)
    #: The table changed: the statistics shown are about to be replaced.
    stale = Signal()
    #: A computation is running (True) or none is (False).
    busyChanged = Signal(bool)
    #: Progress of the running computation: fraction done and what it is computing.
    progress = Signal(float, str)

    def __init__(self, doc: Document, jobs: Jobs, parent: QObject | None = None,
                 settings: MetricsSettings | None = None) -> None:
        super().__init__(parent)
        self.doc = doc
        self.jobs = jobs
        self.settings = settings or MetricsSettings()
        #: The latest statistics (None before the first computation ends).
        self.result: TableInsight | None = None
        #: True when :attr:`result` is for the table as it is now.
        self.current = False
        self._busy = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DELAY_MS)
        self._timer.timeout.connect(self._start)
        doc.totalsChanged.connect(self.schedule)
        self.schedule()

    # -- following the document ---------------------------------------------------------------

    def schedule(self) -> None:
        """The table changed: drop what is running, compute again after a short pause."""
        self.current = False
        self.jobs.cancel(JOB_KIND)
        self.stale.emit()
        self._timer.start()

    def set_threshold(self, threshold: float) -> None:
        """The accuracy's threshold (class 1 when p >= threshold)."""
        if threshold != self.settings.threshold:
            self.settings = replace(self.settings, threshold=float(threshold))
            self.schedule()

    def _columns(self) -> ModelColumns:
        return ModelColumns.of(self.doc.dataset, self.doc.live)

    def _start(self) -> None:
        columns, settings = self._columns(), self.settings

        def run(ctx: JobContext) -> TableInsight:
            return table_insight(columns, settings, progress=ctx.progress)

        self._set_busy(True)
        self.jobs.submit(JOB_KIND, run, done=self._done, progress=self.progress.emit,
                         ended=self._ended)

    def _done(self, result: TableInsight) -> None:
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

    @property
    def busy(self) -> bool:
        return self._busy

    # -- for exports and tests ----------------------------------------------------------------

    def compute_now(self) -> TableInsight:
        """The statistics of the table as it is now, computed on this thread if the ones shown
        are stale (a report exports what the table says, not what it said)."""
        if not self.current or self.result is None:
            self._timer.stop()
            self.jobs.cancel(JOB_KIND)
            self._done(table_insight(self._columns(), self.settings))
            self._ended()
        return self.result

    def wait(self, ms: int = 30_000) -> bool:
        """Start a pending computation at once and block until it has been delivered (scripts
        and benchmarks; the window never waits)."""
        if self._timer.isActive():
            self._timer.stop()
            self._start()
        return self.jobs.wait(ms)

    def bin_rows(self, b: int) -> np.ndarray:
        """The table rows in bin ``b`` of the reliability diagram (the table as it is now)."""
        return self._columns().calibration_bin_rows(b)
