"""End to end: unsaved work survives a crash of the real program, and a clean exit leaves nothing.

The program is started as a process (``bce_gui.cli.main``, exactly what ``python main.py FILE``
runs) on the offscreen platform, with HOME, XDG_CONFIG_HOME and XDG_DATA_HOME in the test's
folder, so the user's settings and recovery files are never read or touched. A small driver,
run with ``python -c``, acts inside the process (makes an edit, says what was restored) by
wrapping one method of the app, then calls ``main`` as ``main.py`` does; the edit itself goes
through the table model and the undo stack like a typed one. Questions ("Restore unsaved
work?", "Save the changes?") are the program's real message boxes: the driver watches for the
modal box on screen and clicks the button the test chose (``DRIVER_RESTORE``, ``DRIVER_AT_EXIT``),
as a user would, so nothing in the program knows it is under test. The crash is a SIGKILL from
outside: nothing in the process gets a chance to clean up.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 60  # seconds, for any one step of a process

IDS = ["a1", "b2", "c3", "d4"]
ACTUAL = ["1", "0", "1", "0"]
PREDICTED = ["0.9", "0.2", "0.65", "0.35"]
CSV_TEXT = "id,actual,predicted,note\n" + "".join(
    f"{i},{a},{p},n{k}\n" for k, (i, a, p) in enumerate(zip(IDS, ACTUAL, PREDICTED)))

DRIVER = r"""
import json, os, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from bce_gui.cli import main
from bce_gui.ui.files import FileController
from bce_gui.ui.main_window import MainWindow

mode, path = sys.argv[1], sys.argv[2]
SB = QMessageBox.StandardButton
BUTTONS = {"yes": SB.Yes, "no": SB.No, "save": SB.Save, "discard": SB.Discard}
ANSWERS = {"Restore unsaved work?": os.environ.get("DRIVER_RESTORE", ""),
           "Unsaved changes": os.environ.get("DRIVER_AT_EXIT", "discard")}


def report(tag, payload):
    print(tag + " " + json.dumps(payload), flush=True)


def answer_questions():
    # The program's own message box, open and modal: say what it asks, click the chosen button.
    box = QApplication.activeModalWidget()
    if not isinstance(box, QMessageBox) or not box.isVisible() or box.property("driverAnswered"):
        return
    box.setProperty("driverAnswered", True)
    report("asked", {"title": box.windowTitle(), "text": box.text()})
    wanted = ANSWERS.get(box.windowTitle())
    if wanted:
        box.button(BUTTONS[wanted]).click()


original_show = MainWindow.show


def show(self):
    original_show(self)
    self.driver_timer = QTimer(self)
    self.driver_timer.timeout.connect(answer_questions)
    self.driver_timer.start(20)


MainWindow.show = show


def dump(window):
    ds = window.doc.dataset
    return {
        "title": window.windowTitle(), "modified": window.isWindowModified(),
        "source": window.doc.source_path, "rows": len(ds),
        "ids": [ds.cell_text("id", i) for i in range(len(ds))],
        "actual": [ds.cell_text("actual", i) for i in range(len(ds))],
        "predicted": [ds.cell_text("predicted", i) for i in range(len(ds))],
        "extras": {k: [str(v) for v in vals] for k, vals in ds.extras.items()},
        "loss": window.doc.live.totals.mean,
    }


if mode == "edit":
    # Once the file given on the command line is open, edit two cells as typing would.
    original_open = MainWindow.open_path

    def open_path(self, p):
        def loaded(ok):
            m = self.model
            m.setData(m.index(1, m.column_of("predicted")), "0.42")
            m.setData(m.index(0, m.column_of("id")), "edited")
            report("edited", dump(self))

        self.files.loadFinished.connect(loaded)
        return original_open(self, p)

    MainWindow.open_path = open_path
elif mode == "restore":
    # Report what the start-up offer did.
    original_offer = FileController.offer_recovery

    def offer(self):
        restored = original_offer(self)
        report("restored" if restored else "not-restored", dump(self.window))
        if os.environ.get("DRIVER_CLOSE"):  # then close the window as the user does
            from PySide6.QtCore import QTimer

            QTimer.singleShot(300, self.window.close)
        return restored

    FileController.offer_recovery = offer
elif mode == "loading":
    # Say when the background load has started (the test then quits the program).
    original_start = FileController.start_load

    def start_load(self, p, options):
        original_start(self, p, options)
        report("loading", {"path": p})

    FileController.start_load = start_load

sys.exit(main([path]))
"""


def _env(tmp_path: Path, **extra) -> dict:
    env = dict(os.environ)
    for var in ("BCE_LAB_REPORT_READY", "PYTEST_CURRENT_TEST"):
        env.pop(var, None)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        HOME=str(tmp_path / "home"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        PYTHONPATH=str(ROOT),
        **extra,
    )
    return env


class App:
    """A started program; its output lines are collected by threads (never a blocking read)."""

    def __init__(self, args: list[str], env: dict) -> None:
        self.proc = subprocess.Popen([sys.executable, *args], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.out: list[str] = []
        self.err: list[str] = []
        self._threads = [threading.Thread(target=self._pump, args=(self.proc.stdout, self.out, True), daemon=True),
                         threading.Thread(target=self._pump, args=(self.proc.stderr, self.err, False), daemon=True)]
        for t in self._threads:
            t.start()

    def _pump(self, stream, into: list[str], announce: bool) -> None:
        for line in stream:
            into.append(line)
            if announce:
                self.lines.put(line.rstrip("\n"))
        if announce:
            self.lines.put(None)  # end of output

    def next_line(self, prefix: str, timeout: float = TIMEOUT) -> str:
        """The next stdout line starting with ``prefix`` (other lines are skipped), or fail."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            try:
                line = self.lines.get(timeout=max(0.0, left)) if left > 0 else None
            except queue.Empty:
                line = None
            if line is None:
                self.kill()
                pytest.fail(f"no {prefix!r} line from the app (exit {self.proc.returncode}); "
                            f"stdout:\n{''.join(self.out)}\nstderr:\n{''.join(self.err)}")
            if line.startswith(prefix):
                return line

    def _finish(self) -> None:
        try:
            self.proc.wait(timeout=TIMEOUT)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait(timeout=TIMEOUT)
            for t in self._threads:
                t.join(timeout=TIMEOUT)

    def kill(self) -> None:
        """SIGKILL: a crash, no clean-up runs in the program."""
        if self.proc.poll() is None:
            self.proc.kill()
        self._finish()

    def stop(self) -> int:
        """SIGTERM (the program closes its window the normal way); the exit status."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        self._finish()
        return self.proc.returncode

    @property
    def stderr(self) -> str:
        return "".join(self.err)


def _driver(mode: str, path: Path, env: dict) -> App:
    return App(["-c", DRIVER, mode, str(path)], env)


def _payload(line: str) -> dict:
    return json.loads(line.split(" ", 1)[1])


def _asked(app: App, title: str) -> list[dict]:
    """The questions with this title the program asked (and the driver answered)."""
    return [q for q in (_payload(line) for line in app.out if line.startswith("asked ")) if q["title"] == title]


def _recovery_files(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "data").rglob("recovery.*"))


def _wait_for(condition, timeout: float = TIMEOUT) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def _edit_and_crash(tmp_path: Path, data: Path) -> dict:
    """Start the app on ``data``, edit, wait for the autosave, SIGKILL it. The edited state."""
    app = _driver("edit", data, _env(tmp_path))
    try:
        edited = _payload(app.next_line("edited "))
        assert _wait_for(lambda: len(_recovery_files(tmp_path)) == 2), "no autosave within the timeout"
        assert [p.name for p in _recovery_files(tmp_path)] == ["recovery.csv", "recovery.json"]
    finally:
        app.kill()
    assert app.proc.returncode == -signal.SIGKILL
    assert len(_recovery_files(tmp_path)) == 2  # still there for the next start
    assert data.read_text() == CSV_TEXT  # the user's file was never written
    return edited


@pytest.mark.parametrize("at_exit", ["discard", "save", "sigterm"])
def test_edit_survives_a_kill_and_is_restored_at_the_next_start(at_exit, tmp_path):
    data = tmp_path / "preds.csv"
    data.write_text(CSV_TEXT)
    edited = _edit_and_crash(tmp_path, data)
    assert edited["ids"] == ["edited", *IDS[1:]] and edited["predicted"][1] == "0.42"
    assert edited["modified"] is True

    env = _env(tmp_path, DRIVER_RESTORE="yes", BCE_LAB_REPORT_READY="1", DRIVER_AT_EXIT=at_exit)
    if at_exit != "sigterm":
        env["DRIVER_CLOSE"] = "1"  # the user closes the window and is asked about the work
    app = _driver("restore", data, env)
    try:
        restored = _payload(app.next_line("restored "))
        ready = app.next_line("ready: ")
        # Exactly the edited table, still unsaved, still belonging to preds.csv.
        for key in ("ids", "actual", "predicted", "extras", "source", "rows"):
            assert restored[key] == edited[key], key
        assert restored["ids"] == ["edited", "b2", "c3", "d4"]
        assert restored["predicted"] == ["0.9", "0.42", "0.65", "0.35"]
        assert restored["extras"] == {"note": ["n0", "n1", "n2", "n3"]}
        assert restored["modified"] is True and restored["source"] == str(data)
        assert ready == "ready: preds.csv — BCE Lab"
    finally:
        if at_exit == "sigterm":
            code = app.stop()
        else:
            app._finish()  # the window closes itself, after the question
            code = app.proc.returncode
    assert code == 0, app.stderr
    assert "Traceback" not in app.stderr
    offered = _asked(app, "Restore unsaved work?")
    assert len(offered) == 1 and "preds.csv" in offered[0]["text"] and "4 rows" in offered[0]["text"]
    asked = _asked(app, "Unsaved changes")
    if at_exit == "sigterm":
        # No question waits for nobody: the unsaved work is in the recovery folder, the file
        # untouched, and the next start offers it again.
        assert asked == []
        files = _recovery_files(tmp_path)
        assert [p.name for p in files] == ["recovery.csv", "recovery.json"]
        rows = files[0].read_text("utf-8").splitlines()
        assert rows[1].startswith("edited,") and ",0.42" in rows[2]
        assert data.read_text() == CSV_TEXT
        again = _driver("restore", data, _env(tmp_path, DRIVER_RESTORE="yes", DRIVER_CLOSE="1"))
        try:
            restored = _payload(again.next_line("restored "))
        finally:
            again._finish()
        assert restored["ids"] == edited["ids"] and restored["predicted"] == edited["predicted"]
        return
    assert len(asked) == 1 and "preds.csv" in asked[0]["text"]
    assert _recovery_files(tmp_path) == []  # nothing left to recover after a clean exit
    if at_exit == "discard":
        assert data.read_text() == CSV_TEXT
    else:
        assert data.read_text() == CSV_TEXT.replace("a1,", "edited,").replace("0.2,", "0.42,")


def test_a_second_instance_leaves_a_running_ones_autosave_alone(tmp_path):
    """A running window's autosave is not a crash: another instance neither offers nor deletes
    it; once that window's process dies, the next start offers it."""
    data = tmp_path / "preds.csv"
    data.write_text(CSV_TEXT)
    first = _driver("edit", data, _env(tmp_path))
    try:
        edited = _payload(first.next_line("edited "))
        assert _wait_for(lambda: len(_recovery_files(tmp_path)) == 2), "no autosave within the timeout"
        # A second instance, told to discard anything it is offered: it is offered nothing.
        second = _driver("restore", data, _env(tmp_path, DRIVER_RESTORE="no"))
        try:
            second.next_line("not-restored ")
        finally:
            code = second.stop()
        assert code == 0, second.stderr
        assert _asked(second, "Restore unsaved work?") == []
        assert len(_recovery_files(tmp_path)) == 2  # the first one's autosave is still there
    finally:
        first.kill()
    third = _driver("restore", data, _env(tmp_path, DRIVER_RESTORE="yes", DRIVER_CLOSE="1"))
    try:
        restored = _payload(third.next_line("restored "))
    finally:
        third._finish()
    assert restored["ids"] == edited["ids"] and restored["predicted"] == edited["predicted"]


def test_declined_recovery_is_removed_and_the_file_opens_as_saved(tmp_path):
    data = tmp_path / "preds.csv"
    data.write_text(CSV_TEXT)
    _edit_and_crash(tmp_path, data)
    # Nothing wrapped: the driver only clicks No in the program's own question.
    app = _driver("plain", data, _env(tmp_path, DRIVER_RESTORE="no", BCE_LAB_REPORT_READY="1"))
    try:
        assert app.next_line("ready: ") == "ready: preds.csv — BCE Lab"
        assert _recovery_files(tmp_path) == []
    finally:
        code = app.stop()
    assert code == 0, app.stderr
    offered = _asked(app, "Restore unsaved work?")
    assert len(offered) == 1 and "preds.csv" in offered[0]["text"]
    assert data.read_text() == CSV_TEXT


def test_quitting_while_a_large_file_loads_exits_cleanly(tmp_path):
    big = tmp_path / "big.csv"
    block = "".join(f"{i},{i % 2},0.{(i * 7919) % 1000:03d}\n" for i in range(1000)).encode()
    with open(big, "wb") as fh:
        fh.write(b"id,actual,predicted\n" + block * 4000)  # 4e6 rows, about 70 MB
    app = _driver("loading", big, _env(tmp_path))
    try:
        app.next_line("loading ")
    finally:
        code = app.stop()  # SIGTERM while the file is still being read
    assert "QThread: Destroyed while thread" not in app.stderr
    assert code == 0, app.stderr
