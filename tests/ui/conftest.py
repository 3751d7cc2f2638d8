"""Fixtures for the window tests: a real MainWindow on a throw-away settings file."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from bce_gui.ui.main_window import MainWindow


@pytest.fixture
def settings_path(tmp_path):
    """An ini file of the test's own: the user's real settings are never read or written."""
    return tmp_path / "settings.ini"


@pytest.fixture
def make_window(qtbot, settings_path):
    """Build (and show) windows on the test's settings file; qtbot closes them afterwards."""

    def make(**kwargs) -> MainWindow:
        settings = QSettings(str(settings_path), QSettings.Format.IniFormat)
        w = MainWindow(settings, **kwargs)
        qtbot.addWidget(w)
        w.show()
        qtbot.waitExposed(w)
        w.activateWindow()
        return w

    return make


@pytest.fixture
def window(make_window):
    """The window as on first launch: the worked example (10 rows, loss 0.214) loaded."""
    w = make_window()
    assert len(w.doc) == 10
    return w
