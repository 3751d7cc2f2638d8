"""One way to run work off the GUI thread: loading, sorting, autosaving, background statistics.

:class:`Jobs` runs a function on a worker thread of its own :class:`QThreadPool` and delivers
the result on the GUI thread. Each job has a *kind* ("load", "sort", "autosave", ...): starting a
job of a kind makes the running one of that kind stale (its cancel flag is set, and its result,
if it still arrives, is dropped), so a view never shows the answer to an old question. A job
reports progress and polls for cancellation through the :class:`JobContext` it is given.

Qt's thread pools: https://doc.qt.io/qt-6/qthreadpool.html (a result crosses back to the GUI
thread through a queued signal, https://doc.qt.io/qt-6/threads-qobject.html).
"""

from __future__ import annotations

import itertools
import sys
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, Signal


class JobCancelled(Exception):
    """Raised inside a job (by :meth:`JobContext.check`) when it was cancelled or superseded."""


class JobContext:
    """What a running job sees: its cancel flag and a way to report progress."""

    def __init__(self, relay: "_Relay", job_id: int) -> None:
        self._relay = relay
        self._id = job_id
        self._cancel = threading.Event()
        self._ended = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        """Raise :class:`JobCancelled` if the job should stop."""
        if self._cancel.is_set():
            raise JobCancelled()

    def progress(self, fraction: float, text: str = "") -> None:
        """Report progress (from the worker thread); raises :class:`JobCancelled` if cancelled."""
        self.check()
        self._relay.progress.emit(self._id, float(fraction), text)


class _Relay(QObject):
    """Carries a worker's results back to the GUI thread (queued connections)."""

    progress = Signal(int, float, str)
    finished = Signal(int, object, object)  # job id, result, exception (or None)


class _Runnable(QRunnable):
    def __init__(self, fn: Callable[[JobContext], Any], ctx: JobContext, relay: _Relay,
                 job_id: int) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._fn, self._ctx, self._relay, self._id = fn, ctx, relay, job_id

    def run(self) -> None:
        try:
            result, error = self._fn(self._ctx), None
        except BaseException as exc:  # noqa: BLE001 - handed to the GUI thread, never lost
            result, error = None, exc
        try:
            self._relay.finished.emit(self._id, result, error)
        finally:
            self._ctx._ended.set()


class Job:
    """A submitted job: cancel it, or ask whether it is still the current one of its kind."""

    def __init__(self, jobs: "Jobs", kind: str, job_id: int, ctx: JobContext) -> None:
        self._jobs, self.kind, self.id, self.context = jobs, kind, job_id, ctx

    def cancel(self) -> None:
        self.context.cancel()

    @property
    def current(self) -> bool:
        return self._jobs._current.get(self.kind) == self.id

    @property
    def running(self) -> bool:
        return self.id in self._jobs._callbacks

    def wait(self, timeout_s: float | None = None) -> bool:
        """Block until this job's function has returned (its outcome is delivered later, on the
        GUI thread's event loop). For closing: "finish writing before the window goes"."""
        return self.context._ended.wait(timeout_s)


class Jobs(QObject):
    """Background jobs by kind; results and progress arrive on the GUI thread."""

    #: The set of running jobs changed (a status bar shows "Sorting…" while a sort runs).
    busyChanged = Signal()

    def __init__(self, parent: QObject | None = None, max_threads: int = 2) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._relay = _Relay(self)
        self._relay.progress.connect(self._on_progress)
        self._relay.finished.connect(self._on_finished)
        self._ids = itertools.count(1)
        self._current: dict[str, int] = {}
        self._contexts: dict[int, JobContext] = {}
        self._callbacks: dict[int, tuple[str, Callable | None, Callable | None, Callable | None,
                                         Callable | None]] = {}
        app = QCoreApplication.instance()
        if app is not None:
            # Quitting while a job runs must not tear Python down under it: cancel and wait.
            app.aboutToQuit.connect(self.shutdown)

    def submit(self, kind: str, fn: Callable[[JobContext], Any], *,
               done: Callable[[Any], None] | None = None,
               failed: Callable[[BaseException], None] | None = None,
               progress: Callable[[float, str], None] | None = None,
               ended: Callable[[], None] | None = None,
               supersede: bool = True) -> Job:
        """Run ``fn(context)`` on a worker thread.

        ``done(result)`` or ``failed(exception)`` is called on the GUI thread when it ends, unless
        a newer job of the same kind was submitted since (``supersede``: the older one is then
        cancelled and its outcome dropped). A job that raised :class:`JobCancelled` calls neither.
        ``ended()`` is called on the GUI thread after that in every case, a dropped outcome
        included (a status bar hides its progress bar).
        """
        job_id = next(self._ids)
        if supersede and kind in self._current:
            old = self._contexts.get(self._current[kind])
            if old is not None:
                old.cancel()
        ctx = JobContext(self._relay, job_id)
        self._current[kind] = job_id
        self._contexts[job_id] = ctx
        self._callbacks[job_id] = (kind, done, failed, progress, ended)
        self._pool.start(_Runnable(fn, ctx, self._relay, job_id))
        self.busyChanged.emit()
        return Job(self, kind, job_id, ctx)

    def cancel(self, kind: str) -> None:
        """Cancel the current job of a kind (its outcome is dropped)."""
        job_id = self._current.pop(kind, None)
        if job_id is not None and job_id in self._contexts:
            self._contexts[job_id].cancel()

    def is_running(self, kind: str) -> bool:
        job_id = self._current.get(kind)
        return job_id is not None and job_id in self._callbacks

    def _on_progress(self, job_id: int, fraction: float, text: str) -> None:
        entry = self._callbacks.get(job_id)
        if entry is None or self._current.get(entry[0]) != job_id or entry[3] is None:
            return
        entry[3](fraction, text)

    def _on_finished(self, job_id: int, result: Any, error: BaseException | None) -> None:
        entry = self._callbacks.pop(job_id, None)
        ctx = self._contexts.pop(job_id, None)
        if entry is None:
            return
        kind, done, failed, _progress, ended = entry
        current = self._current.get(kind) == job_id
        if current:
            del self._current[kind]
        self.busyChanged.emit()
        try:
            if not current or (ctx is not None and ctx.cancelled) or isinstance(error, JobCancelled):
                return
            if error is None:
                if done is not None:
                    done(result)
            elif failed is not None:
                failed(error)
            else:
                sys.excepthook(type(error), error, error.__traceback__)
        finally:
            if ended is not None:
                ended()

    def wait(self, ms: int = 30_000) -> bool:
        """Block until every running job has ended, then deliver their outcomes (scripts,
        benchmarks and tests; the window never waits)."""
        ok = self._pool.waitForDone(ms)
        QCoreApplication.sendPostedEvents(self)
        return ok

    def shutdown(self) -> None:
        for ctx in self._contexts.values():
            ctx.cancel()
        self._pool.waitForDone()
