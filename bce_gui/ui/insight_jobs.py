"""The statistics of the open table, kept up to date off the GUI thread (a "statistics" job).

:class:`InsightController` follows the document: every change that can move a number (an
edit, a paste, new data, other options; they all end with ``totalsChanged``) makes the shown
statistics stale, cancels a computation still running and, after a short pause that coalesces a
burst of edits, starts a new one on a worker thread (``jobs.FollowingJob``, which the comparison
follows the document with too). The columns are captured on
the GUI thread as references (:class:`~bce_gui.core.metrics.table.ModelColumns`): the worker
copies the valid rows, so edits made meanwhile cannot tear what it reads, and a computation
overtaken by an edit is dropped. Views subscribe to :attr:`updated`; none computes anything.

Other features build on it: :meth:`compute_now` (an export that needs the numbers at once),
:meth:`bin_rows` (a reliability-diagram bin's rows) and :attr:`settings`.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from PySide6.QtCore import QObject

from ..core.metrics.table import MetricsSettings, ModelColumns, table_insight
from .document import Document
from .jobs import FollowingJob, Jobs

JOB_KIND = "statistics"


class InsightController(FollowingJob):
    """The statistics of the document's first model, recomputed in the background; ``result``
    is a :class:`~bce_gui.core.metrics.table.TableInsight`."""

    JOB_KIND = JOB_KIND

    def __init__(self, doc: Document, jobs: Jobs, parent: QObject | None = None,
                 settings: MetricsSettings | None = None) -> None:
        super().__init__(doc, jobs, parent)
        self.settings = settings or MetricsSettings()
        self._follow()

    def set_threshold(self, threshold: float) -> None:
        """The accuracy's threshold (class 1 when p >= threshold)."""
        if threshold != self.settings.threshold:
            self.settings = replace(self.settings, threshold=float(threshold))
            self.schedule()

    def _columns(self) -> ModelColumns:
        return ModelColumns.of(self.doc.dataset, self.doc.live)

    def _task(self):
        columns, settings = self._columns(), self.settings
        return lambda progress=None: table_insight(columns, settings, progress=progress)

    def bin_rows(self, b: int) -> np.ndarray:
        """The table rows in bin ``b`` of the reliability diagram (the table as it is now)."""
        return self._columns().calibration_bin_rows(b)
