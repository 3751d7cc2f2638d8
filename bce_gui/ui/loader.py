"""Reading a file off the GUI thread, with progress and cancellation: a "load" job (``jobs.py``)."""

from __future__ import annotations

import sys
from dataclasses import replace
from typing import Callable

from PySide6.QtCore import QObject, Signal

from ..core.io import ReadCancelled, ReadOptions, TableReadError, read_table
from .jobs import Job, JobCancelled, JobContext, Jobs


class FileLoad(QObject):
    """One load, run as a job. Emits ``loaded``/``failed``/``cancelled`` on the GUI thread, then
    ``finished`` in every case."""

    progress = Signal(float, str)
    loaded = Signal(object, object)  # (Dataset, ImportInfo)
    failed = Signal(str)
    cancelled = Signal()
    finished = Signal()

    def __init__(self, path: str, options: ReadOptions, parent: QObject | None = None,
                 prepare: Callable[[object], object] | None = None, jobs: Jobs | None = None,
                 read: Callable[[str, ReadOptions], tuple] | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self.options = options
        #: How the file becomes (dataset, info): the whole table (``read_table``), or the
        #: summary of a data set too large for it (whose sample is the dataset).
        self.read = read or read_table
        #: Work on the loaded dataset that should also stay off the GUI thread (the first
        #: evaluation of every row); its result is ``prepared``.
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
        try:
            dataset, info = self.read(self.path, opts)
            ctx.check()
            if self.prepare is not None:
                opts.report(0.95, "Computing the losses")
                self.prepared = self.prepare(dataset)
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
