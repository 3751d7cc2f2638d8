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

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, QTimer, Signal


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


class FollowingJob(QObject):
    """A result of the document's table (statistics, a comparison) kept up to date on a worker.

    Every change that can move a number (they all end with the document's ``totalsChanged``)
    makes the result stale, cancels a computation still running and, after a short pause that
    coalesces a burst of edits, starts a new one as a job of kind :attr:`JOB_KIND`. A subclass
    says what to compute in :meth:`_task` and calls :meth:`_follow` at the end of its
    ``__init__``. Views subscribe to :attr:`updated`; none computes anything.
    """

    #: The new result, for the table as it is now.
    updated = Signal(object)
    #: The table changed: the result shown is about to be replaced.
    stale = Signal()
    #: A computation is running (True) or none is (False).
    busyChanged = Signal(bool)
    #: Progress of the running computation: fraction done and what it is computing.
    progress = Signal(float, str)

    JOB_KIND = ""
    #: A burst of edits (typing, undo held down) starts one computation, this long after the last.
    DELAY_MS = 60

    def __init__(self, doc, jobs: Jobs, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.doc = doc
        self.jobs = jobs
        #: The latest result (None before the first computation ends).
        self.result = None
        #: True when :attr:`result` is for the table as it is now.
        self.current = False
        self._busy = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(self.DELAY_MS)
        self._timer.timeout.connect(self._start)

    def _follow(self) -> None:
        """Start following the document (the subclass's own state is set by now)."""
        self.doc.totalsChanged.connect(self.schedule)
        self.schedule()

    def _task(self) -> Callable[..., Any] | None:
        """What to compute for the table as it is now, captured on the GUI thread: a function
        of an optional ``progress`` callback, run on a worker; None when there is nothing to
        compute (the result is then None)."""
        raise NotImplementedError

    def schedule(self) -> None:
        """The table changed: drop what is running, compute again after a short pause."""
        self.current = False
        self.jobs.cancel(self.JOB_KIND)
        self.stale.emit()
        self._timer.start()

    def _start(self) -> None:
        task = self._task()
        if task is None:
            self._done(None)
            return
        self._set_busy(True)
        self.jobs.submit(self.JOB_KIND, lambda ctx: task(progress=ctx.progress), done=self._done,
                         progress=self.progress.emit, ended=self._ended)

    def _done(self, result) -> None:
        self.result = result
        self.current = True
        self.updated.emit(result)

    def _ended(self) -> None:
        if not self.jobs.is_running(self.JOB_KIND) and not self._timer.isActive():
            self._set_busy(False)

    def _set_busy(self, busy: bool) -> None:
        if busy != self._busy:
            self._busy = busy
            self.busyChanged.emit(busy)

    @property
    def busy(self) -> bool:
        return self._busy

    def compute_now(self):
        """The result for the table as it is now, computed on this thread if the one shown is
        stale (a report exports what the table says, not what it said)."""
        if not self.current:
            self._timer.stop()
            self.jobs.cancel(self.JOB_KIND)
            task = self._task()
            self._done(task() if task is not None else None)
            self._ended()
        return self.result

    def wait(self, ms: int = 30_000) -> bool:
        """Start a pending computation at once and block until it has been delivered (scripts
        and benchmarks; the window never waits)."""
        if self._timer.isActive():
            self._timer.stop()
            self._start()
        return self.jobs.wait(ms)
