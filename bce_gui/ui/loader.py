"""Reading a file off the GUI thread, with progress and cancellation."""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import Callable

from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal, Slot

from ..core.io import ReadCancelled, ReadOptions, TableReadError, read_table


class LoadWorker(QObject):
    """Runs :func:`read_table` in a worker thread; the result arrives by signal."""

    progress = Signal(float, str)
    loaded = Signal(object, object)  # (Dataset, ImportInfo)
    failed = Signal(str)
    cancelled = Signal()
    done = Signal()

    def __init__(self, path: str, options: ReadOptions,
                 prepare: Callable[[object], object] | None = None) -> None:
        super().__init__()
        self.path = path
        self.options = options
        #: Work on the loaded dataset that should also stay off the GUI thread (the first
        #: evaluation of every row); its result is ``prepared``.
        self.prepare = prepare
        self.prepared = None
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    @Slot()
    def run(self) -> None:
        opts = replace(self.options, progress=self.progress.emit, is_cancelled=self._cancel.is_set)
        try:
            dataset, info = read_table(self.path, opts)
            if self._cancel.is_set():
                raise ReadCancelled()
            if self.prepare is not None:
                opts.report(0.95, "Computing the losses")
                self.prepared = self.prepare(dataset)
                if self._cancel.is_set():
                    raise ReadCancelled()
        except ReadCancelled:
            self.cancelled.emit()
        except TableReadError as exc:
            self.failed.emit(str(exc))
        except MemoryError:
            self.failed.emit(f"{self.path}: not enough memory to load this file")
        else:
            self.loaded.emit(dataset, info)
        finally:
            self.done.emit()


class FileLoad(QObject):
    """One load in its own thread. Emits ``loaded``/``failed``/``cancelled`` on the GUI thread."""

    progress = Signal(float, str)
    loaded = Signal(object, object)
    failed = Signal(str)
    cancelled = Signal()
    finished = Signal()

    def __init__(self, path: str, options: ReadOptions, parent: QObject | None = None,
                 prepare: Callable[[object], object] | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self.thread = QThread(self)
        self.worker = LoadWorker(path, options, prepare)
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.run)
        self.worker.progress.connect(self.progress)
        self.worker.loaded.connect(self.loaded)
        self.worker.failed.connect(self.failed)
        self.worker.cancelled.connect(self.cancelled)
        self.worker.done.connect(self.thread.quit)
        self.thread.finished.connect(self.finished)
        app = QCoreApplication.instance()
        if app is not None:
            # Quitting mid-load (Quit, closing the window, SIGTERM) must not destroy the running
            # thread: Qt aborts the whole process ("QThread: Destroyed while thread is still
            # running"). Stop the read and wait for it instead.
            app.aboutToQuit.connect(self.stop)

    def start(self) -> None:
        self.thread.start()

    @property
    def prepared(self):
        """What ``prepare`` made of the loaded dataset (None without one)."""
        return self.worker.prepared

    def cancel(self) -> None:
        self.worker.cancel()

    def stop(self) -> None:
        """Cancel and wait until the thread has ended (closing the window, quitting)."""
        self.cancel()
        # worker.done reaches thread.quit through the GUI thread's event loop, which is not
        # running any more: end the thread's loop from here so that wait() returns.
        self.thread.quit()
        self.thread.wait()

    def wait(self, ms: int = 30_000) -> bool:
        return self.thread.wait(ms)
