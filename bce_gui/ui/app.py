"""Create the QApplication and the main window."""

from __future__ import annotations

import sys

from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtWidgets import QApplication

ORGANIZATION = "BCE Lab"
APPLICATION = "BCE Lab"


def make_app(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication([sys.argv[0], *(argv or [])])
    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(APPLICATION)
    app.setApplicationDisplayName(APPLICATION)
    return app


def run(argv: list[str]) -> int:
    app = make_app(argv)
    from .main_window import MainWindow

    files = [a for a in app.arguments()[1:] if not a.startswith("-")]
    window = MainWindow(QSettings(), load_example=not files)
    if files and not window.open_path(files[0]):
        window.load_example()
    window.show()
    return app.exec()
