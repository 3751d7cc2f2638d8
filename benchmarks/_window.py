"""Helpers for the benchmarks that drive the real window (offscreen): build it, feed it a table,
open a file through the real loader and wait for the loss to be shown, measure event-loop stalls.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402


def make_window(load_example: bool = True):
    """(app, window) on a throw-away settings file, shown at a typical size."""
    from PySide6.QtCore import QSettings

    from bce_gui.ui.app import make_app
    from bce_gui.ui.main_window import MainWindow

    app = make_app([])
    ini = Path(tempfile.gettempdir()) / f"bce_bench_{os.getpid()}.ini"
    settings = QSettings(str(ini), QSettings.Format.IniFormat)
    settings.clear()
    w = MainWindow(settings, load_example=load_example)
    w.resize(1400, 860)
    w.show()
    spin(app, 0.2)
    return app, w


def spin(app, seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.002)


def wait_until(app, condition, timeout: float = 600.0) -> float:
    """Turn the event loop until ``condition()``; returns the seconds it took."""
    t0 = time.perf_counter()
    while not condition():
        if time.perf_counter() - t0 > timeout:
            raise TimeoutError("condition not reached")
        app.processEvents()
        time.sleep(0.001)
    return time.perf_counter() - t0


def wait_in_loop(app, condition, timeout: float = 600.0) -> float:
    """Like :func:`wait_until`, but the GUI thread sleeps in the event loop between events, as
    it does under ``app.exec()`` (a 5 ms timer wakes it to look at ``condition``), instead of
    polling: a thread that polls a thousand times a second takes the GIL from background work."""
    from PySide6.QtCore import QEventLoop, QTimer

    tick = QTimer()
    tick.start(5)
    t0 = time.perf_counter()
    try:
        while not condition():
            if time.perf_counter() - t0 > timeout:
                raise TimeoutError("condition not reached")
            app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
    finally:
        tick.stop()
    return time.perf_counter() - t0


def idle(w) -> bool:
    """The window has nothing left to do for its last change: no load, no sort, no plot redraw."""
    return w.files.load is None and not w.model.sorting and not w.plot.refresh_pending


def big_table(n: int, invalid_fraction: float = 0.0, seed: int = 7):
    """A dataset of n rows with IDs "ID<k>", ~30% class 1, a few rows invalid if asked."""
    from bce_gui.core.dataset import TEXT, Dataset

    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.3).astype(np.float64)
    p = np.clip(rng.beta(2.0, 5.0, n) + 0.4 * y, 1e-6, 1 - 1e-6)
    if invalid_fraction:
        bad = rng.random(n) < invalid_fraction
        p[bad] = 1.5  # outside [0, 1]: excluded and reported
    ids = np.char.add("ID", np.arange(n).astype(str)).astype(TEXT)
    return Dataset.from_arrays(y, p, ids=ids)


def open_file(app, w, path: Path, timeout: float = 600.0) -> tuple[float, bool]:
    """Open ``path`` like File → Open does; seconds until the loss of the new table is shown."""
    done: list[bool] = []
    w.files.loadFinished.connect(done.append)
    t0 = time.perf_counter()
    w.files.open_path(str(path), ask=False, confirm_import=False)
    wait_until(app, lambda: bool(done), timeout)
    app.processEvents()  # the summary and table repaint on this turn
    seconds = time.perf_counter() - t0
    w.files.loadFinished.disconnect(done.append)
    return seconds, done[0]


class PaintWatch:
    """The moments a widget was painted (an event filter): when a value was on screen."""

    def __init__(self, widget) -> None:
        from PySide6.QtCore import QEvent, QObject

        class _Filter(QObject):
            def eventFilter(inner, obj, event):  # noqa: N802, N805 (Qt name)
                if event.type() == QEvent.Type.Paint:
                    self.times.append((time.perf_counter(), widget.text()))
                return False

        self.times: list[tuple[float, str]] = []
        self.widget = widget
        self._filter = _Filter()
        widget.installEventFilter(self._filter)

    def first_after(self, t0: float, text: str | None = None) -> float | None:
        """The first paint after ``t0`` (showing ``text``, if given)."""
        return next((t for t, shown in self.times if t >= t0 and (text is None or shown == text)), None)

    def close(self) -> None:
        self.widget.removeEventFilter(self._filter)


def open_and_show(app, w, path: Path, timeout: float = 600.0) -> tuple[float, float, bool]:
    """Open ``path`` like File → Open does; (seconds until the new loss was painted in the
    summary, seconds until the window is idle again: table, plot and any sort done, ok). The
    loss shown before must differ from the file's (else its label is not painted again)."""
    watch = PaintWatch(w.summary.loss_label)
    done: list[bool] = []
    w.files.loadFinished.connect(done.append)
    t0 = time.perf_counter()
    w.files.open_path(str(path), ask=False, confirm_import=False)
    wait_in_loop(app, lambda: bool(done), timeout)
    wait_in_loop(app, lambda: idle(w), timeout)
    idle_s = time.perf_counter() - t0
    text = w.summary.loss_text()
    wait_in_loop(app, lambda: watch.first_after(t0, text) is not None, 10.0)  # (a paint still queued)
    shown = watch.first_after(t0, text)
    watch.close()
    w.files.loadFinished.disconnect(done.append)
    return shown - t0, idle_s, done[0]


class StallMeter:
    """Measures the longest gap between ticks of a 5 ms timer: how long the event loop froze."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.timer = QTimer()
        self.timer.setInterval(5)
        self.timer.timeout.connect(self._tick)
        self.last = None
        self.longest = 0.0

    def _tick(self) -> None:
        now = time.perf_counter()
        if self.last is not None:
            self.longest = max(self.longest, now - self.last)
        self.last = now

    def start(self) -> "StallMeter":
        self.last, self.longest = time.perf_counter(), 0.0
        self.timer.start()
        return self

    def stop(self) -> float:
        self.timer.stop()
        return self.longest
