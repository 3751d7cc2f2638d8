"""Reading a file off the GUI thread, with progress and cancellation: a "load" job (``jobs.py``).

Everything the window shows first that takes a pass over the rows is made on the load's thread
too (:func:`first_view`): when the table arrives, the GUI thread only swaps it in.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, replace
from typing import Callable

from PySide6.QtCore import QObject, Signal

from ..core.dataset import Dataset
from ..core.explain import InputKindHint, input_kind_hint
from ..core.io import ReadCancelled, ReadOptions, TableReadError, read_table, read_table_while
from ..core.live import LiveEvaluation
from ..core.loss import LossOptions
from ..core.multiclass import options_for_task
from ..core.penalty import PlotPoints
from ..core.row_values import EvaluatedRows
from .jobs import Job, JobCancelled, JobContext, Jobs
from .penalty_plot import points_of


@dataclass
class FirstView:
    """What the window shows first of a table just read, made under ``options`` on the load's
    thread: the evaluation of every row, where the plot draws them, and whether the predicted
    values look like the other kind (probabilities or logits)."""

    options: LossOptions
    live: LiveEvaluation
    points: PlotPoints
    hint: InputKindHint | None


def first_view(dataset: Dataset, options: LossOptions, name: str,
               check: Callable[[], None] | None = None) -> FirstView:
    """(On the load's thread: core computations only, on a table no one else sees yet.)
    ``check`` is called between the steps (it raises to stop: a cancelled load)."""
    check = check or (lambda: None)
    options = options_for_task(options, dataset.schema.task)[0]  # (K classes: binary-only off)
    live = LiveEvaluation(dataset, options)
    check()
    points = points_of(EvaluatedRows.of(dataset, live), live.version)
    check()
    return FirstView(options=options, live=live, points=points,
                     hint=input_kind_hint(dataset, options, name))


class FileLoad(QObject):
    """One load, run as a job. Emits ``loaded``/``failed``/``cancelled`` on the GUI thread, then
    ``finished`` in every case."""

    progress = Signal(float, str)
    loaded = Signal(object, object)  # (Dataset, ImportInfo)
    failed = Signal(str)
    cancelled = Signal()
    finished = Signal()

    def __init__(self, path: str, options: ReadOptions, parent: QObject | None = None,
                 prepare: Callable[[object, Callable[[], None]], object] | None = None,
                 jobs: Jobs | None = None,
                 read: Callable[[str, ReadOptions], tuple] | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self.options = options
        #: How the file becomes (dataset, info): the whole table (``read_table``), or the
        #: summary of a data set too large for it (whose sample is the dataset).
        self.read = read or read_table
        #: Work on the loaded dataset that should also stay off the GUI thread (the first
        #: evaluation of every row: :func:`first_view`), called with the dataset and a check
        #: that raises once the load is cancelled; its result is ``prepared``.
        self.prepare = prepare
        self.prepared = None
        self.jobs = jobs if jobs is not None else Jobs(self)
        self.job: Job | None = None
        self._outcome = False

    def start(self) -> None:
        self.job = self.jobs.submit("load", self._run, done=self._done, failed=self._failed,
                                    progress=self.progress.emit, ended=self._ended)

    def _run(self, ctx: JobContext):
        """On the worker thread: read, then prepare; (dataset, info) or an error as text."""

        def progress(fraction: float, message: str) -> None:
            if not ctx.cancelled:
                try:
                    ctx.progress(fraction, message)
                except JobCancelled:
                    pass  # the reader sees it at its next is_cancelled()

        opts = replace(self.options, progress=progress, is_cancelled=lambda: ctx.cancelled)

        def prepare(dataset):
            opts.report(0.9, "Computing the losses")
            return self.prepare(dataset, ctx.check)

        try:
            if self.prepare is None or self.read is not read_table:
                dataset, info = self.read(self.path, opts)
                ctx.check()
                if self.prepare is not None:
                    self.prepared = prepare(dataset)
            else:  # (while the text columns are converted: two cores at work)
                dataset, info, self.prepared = read_table_while(self.path, opts, prepare)
            ctx.check()
        except ReadCancelled:
            raise JobCancelled() from None
        except TableReadError as exc:
            return None, str(exc)
        except MemoryError:
            return None, f"{self.path}: not enough memory to load this file"
        return (dataset, info), None

    def _done(self, outcome) -> None:
        self._outcome = True
        loaded, error = outcome
        if error is not None:
            self.failed.emit(error)
        else:
            self.loaded.emit(*loaded)

    def _failed(self, error: BaseException) -> None:
        """Not a file problem but a bug: reported as one (the app's error dialog)."""
        self._outcome = True
        sys.excepthook(type(error), error, error.__traceback__)

    def _ended(self) -> None:
        if not self._outcome:
            self.cancelled.emit()
        self.finished.emit()

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()

    def stop(self) -> None:
        """Cancel and wait until the read has stopped (closing the window, quitting)."""
        self.cancel()
        self.wait()

    def wait(self, ms: int = 30_000) -> bool:
        return self.job is None or self.job.wait(ms / 1000)
