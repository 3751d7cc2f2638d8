"""Create the QApplication and the main window; quit cleanly on SIGTERM/SIGINT."""

from __future__ import annotations

import os
import signal
import sys
import traceback

from PySide6.QtCore import QCoreApplication, QSettings, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from ..core import memory
from .plain_text import rich_text

ORGANIZATION = "BCE Lab"
APPLICATION = "BCE Lab"
READY_ENV = "BCE_LAB_REPORT_READY"


def make_app(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    memory.tune_allocator()
    if app is None:
        app = QApplication([sys.argv[0], *(argv or [])])
    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(APPLICATION)
    app.setApplicationDisplayName(APPLICATION)
    return app


def install_quit_on_signals(app: QApplication, window) -> QTimer:
    """SIGTERM and Ctrl+C close the window without asking: settings are saved, and unsaved work
    is written to the recovery folder for the next start to offer (a question would wait for
    nobody during a logout or shutdown)."""

    def handler(_signum, _frame):
        window.close_for_signal()
        app.quit()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)
    # Python runs signal handlers only between bytecodes: wake the interpreter regularly.
    timer = QTimer(app)
    timer.timeout.connect(lambda: None)
    timer.start(200)
    return timer


def install_excepthook(window) -> None:
    """An unexpected error shows a dialog with copyable details and autosaves the work."""

    def hook(exc_type, exc, tb):
        details = "".join(traceback.format_exception(exc_type, exc, tb))
        sys.__stderr__.write(details)
        saved = None
        try:
            saved = window.files.write_recovery()
        except Exception as rec_exc:  # noqa: BLE001 - the report below must still appear
            sys.__stderr__.write(f"recovery file not written: {rec_exc}\n")
        box = QMessageBox(window)
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle("Unexpected error")
        box.setText("BCE Lab hit an unexpected error. Your data is still open; please save it.")
        note = f"\n\nUnsaved work was also written to {saved.parent}." if saved else ""
        box.setInformativeText(rich_text(f"{exc_type.__name__}: {exc}{note}"))
        box.setDetailedText(details)
        box.exec()

    sys.excepthook = hook


def run(argv: list[str]) -> int:
    app = make_app(argv)
    from .main_window import MainWindow

    files = [a for a in app.arguments()[1:] if not a.startswith("-")]
    window = MainWindow(QSettings(), load_example=not files)
    install_excepthook(window)
    _timer = install_quit_on_signals(app, window)  # noqa: F841 - kept alive until exit
    window.show()

    def report_ready(*_args) -> None:
        if os.environ.get(READY_ENV):
            print(f"ready: {window.windowTitle().replace('[*]', '')}", flush=True)

    def start() -> None:
        restored = window.files.offer_recovery()
        if files and not restored:
            window.files.loadFinished.connect(report_ready)
            if window.open_path(files[0]):
                return
            window.load_example()
        report_ready()

    QTimer.singleShot(0, start)
    return app.exec()
