"""The app's own error handling: an unexpected error autosaves the work and shows a dialog with
the details (tested with the dialog's exec replaced, as the dialogs fixture does for the others)."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QMessageBox

from bce_gui.ui import app
from bce_gui.ui import files as files_mod
from bce_gui.ui import commands


def test_an_unexpected_error_autosaves_and_shows_its_details(window, monkeypatch, tmp_path, capfd):
    monkeypatch.setattr(files_mod, "recovery_dir", lambda: tmp_path / "recovery")
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    shown = []

    def exec_(box):
        shown.append((box.windowTitle(), box.text(), box.informativeText(), box.detailedText()))
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    commands.edit_cells(window.doc, [(0, "id", "unsaved")])
    app.install_excepthook(window)
    try:
        raise RuntimeError("a bug")
    except RuntimeError:
        sys.excepthook(*sys.exc_info())
    assert len(shown) == 1
    title, text, info, details = shown[0]
    assert title == "Unexpected error" and "RuntimeError: a bug" in info
    assert "Traceback" in details and "raise RuntimeError" in details
    assert "Unsaved work was also written to" in info
    assert window.files.recovery.has_files()
    assert "RuntimeError: a bug" in capfd.readouterr().err
