"""Help > About: version, component licences, where settings and recovery files live, Copy."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtGui import QGuiApplication

from bce_gui import __version__
from bce_gui.ui import about_dialog
from bce_gui.ui.about_dialog import AboutDialog, bundled_components
from bce_gui.ui.files import recovery_dir

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def settings(tmp_path, qapp):
    QCoreApplication.setOrganizationName("BCE Lab")
    QCoreApplication.setApplicationName("BCE Lab")
    return QSettings(str(tmp_path / "bce-lab.conf"), QSettings.Format.IniFormat)


def test_version_is_pyprojects():
    with open(ROOT / "pyproject.toml", "rb") as fh:
        assert __version__ == tomllib.load(fh)["project"]["version"]


def test_dialog_shows_version_paths_and_licences(qtbot, settings):
    dialog = AboutDialog(settings)
    qtbot.addWidget(dialog)
    assert f"BCE Lab {__version__}" in dialog.title.text()
    assert dialog.path_fields["Settings file"].text() == settings.fileName()
    assert dialog.path_fields["Recovery folder"].text() == str(recovery_dir())
    names = [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())]
    assert names[0] == "BCE Lab"
    lowered = {n.lower().replace("_", "-") for n in names}
    for needed in ("pyside6-essentials", "numpy", "polars", "pyqtgraph", "python"):
        assert needed in lowered, names
    for r in range(dialog.table.rowCount()):
        assert dialog.table.item(r, 2).text(), f"no licence for {names[r]}"
    # Selecting a component shows its licence text.
    row = [n.lower() for n in names].index("numpy")
    dialog.table.selectRow(row)
    text = dialog.licence.toPlainText()
    assert text.startswith("numpy ") and "Licence: BSD" in text
    assert "Redistribution and use in source and binary forms" in text
    qt_row = [n.lower().replace("_", "-") for n in names].index("pyside6-essentials")
    dialog.table.selectRow(qt_row)
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in dialog.licence.toPlainText()


def test_copy_puts_version_and_paths_on_the_clipboard(qtbot, settings):
    dialog = AboutDialog(settings)
    qtbot.addWidget(dialog)
    dialog.copy_button.click()
    copied = QGuiApplication.clipboard().text()
    assert copied.startswith(f"BCE Lab {__version__}\n")
    assert f"Settings file: {settings.fileName()}" in copied
    assert f"Recovery folder: {recovery_dir()}" in copied
    assert "numpy" in copied and "(LGPL-3.0-only" in copied


def test_bundle_listing_is_read_when_present(tmp_path, monkeypatch):
    """In the installed bundle the list comes from resources/licenses/components.json."""
    licences = tmp_path / "licenses"
    (licences / "numpy").mkdir(parents=True)
    (licences / "numpy" / "LICENSE.txt").write_text("numpy licence text", encoding="utf-8")
    (licences / "components.json").write_text(json.dumps([
        {"name": "numpy", "version": "9.9", "license": "BSD-3-Clause", "files": ["numpy/LICENSE.txt"]},
    ]), encoding="utf-8")
    monkeypatch.setattr(about_dialog, "resource_path", lambda *parts: tmp_path.joinpath(*parts))
    comps = bundled_components()
    assert [(c.name, c.version, c.license) for c in comps] == [("numpy", "9.9", "BSD-3-Clause")]
    assert "numpy licence text" in comps[0].licence_text()


def test_help_about_opens_the_dialog_without_blocking(qtbot, settings):
    from bce_gui.ui.main_window import MainWindow

    window = MainWindow(settings, load_example=False)
    qtbot.addWidget(window)
    window.about()  # returns at once: the dialog is window-modal, not a nested event loop
    dialog = window.about_dialog
    assert isinstance(dialog, AboutDialog) and dialog.isVisible()
    assert dialog.parent() is window
    dialog.close()
