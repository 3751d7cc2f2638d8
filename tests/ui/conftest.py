"""Fixtures for the window tests: a real MainWindow on a throw-away settings file.

No modal dialog may ever block a test: ``dialogs`` (used by every window test) replaces
``QMessageBox``'s static functions and the file dialogs with a stub that records each call and
answers from a queue the test fills (``dialogs.answer(...)``). Without a queued answer, a question
is answered with its "leave without keeping" choice (Discard, else No, else Cancel) and a file
dialog with "cancelled", so a test that forgets to answer cannot hang: it sees the recorded call.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars  # noqa: F401  (see below)
import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from bce_gui.ui.main_window import MainWindow

# polars is imported here, before any window: a window imports it on a worker soon after it
# starts (ui/files.py warm-up), and scikit-learn, which tests call on the GUI thread, peeks at
# sys.modules["polars"] without the import lock, so it could meet the module half-imported.

SB = QMessageBox.StandardButton


@dataclass
class DialogCall:
    kind: str  # "question", "warning", "information", "critical", "about", "open", "save",
    # "folder", "item"
    title: str
    text: str
    filters: str = ""  # a file dialog's file types, ";;"-separated, as offered
    selected_filter: str = ""  # file dialogs: the filter chosen when the dialog opens


@dataclass
class DialogStub:
    calls: list[DialogCall] = field(default_factory=list)
    queued: dict[str, list] = field(default_factory=dict)

    def answer(self, kind: str, value) -> None:
        """Queue the answer for the next ``kind`` dialog (a StandardButton, or a path for files;
        ``(path, text)`` also chooses the first file type containing ``text``)."""
        self.queued.setdefault(kind, []).append(value)

    def of(self, kind: str) -> list[DialogCall]:
        return [c for c in self.calls if c.kind == kind]

    def _next(self, kind: str, default):
        queue = self.queued.get(kind)
        return queue.pop(0) if queue else default

    # -- replacements -----------------------------------------------------------------------

    def _box(self, kind: str):
        def show(parent, title, text, buttons=SB.Ok, default=SB.NoButton):
            self.calls.append(DialogCall(kind, title, text))
            fallback = SB.Ok
            for choice in (SB.Discard, SB.No, SB.Cancel, SB.Ok):
                if buttons & choice:
                    fallback = choice
                    break
            return self._next(kind, fallback)

        return show

    def _about(self, parent, title, text):
        self.calls.append(DialogCall("about", title, text))

    def _item(self, parent, title, label, items, current=0, editable=True, *args, **kwargs):
        """QInputDialog.getItem: the queued answer (an item's text), else cancelled."""
        self.calls.append(DialogCall("item", title, label, ";;".join(items)))
        answer = self._next("item", None)
        return (answer, True) if answer is not None else ("", False)

    def _file(self, kind: str):
        def ask(parent=None, caption="", directory="", filter="", *args, **kwargs):
            selected = args[0] if args else kwargs.get("selectedFilter", "")
            self.calls.append(DialogCall(kind, caption, directory, filter, selected))
            answer = self._next(kind, "")
            path, wanted = answer if isinstance(answer, tuple) else (answer, None)
            types = filter.split(";;")
            chosen = next((t for t in types if wanted and wanted in t), selected or types[0])
            return (str(path), chosen if path else "")

        return ask

    def _folder(self, parent=None, caption="", directory="", *args, **kwargs):
        self.calls.append(DialogCall("folder", caption, directory))
        return str(self._next("folder", ""))


@pytest.fixture(autouse=True)
def dialogs(monkeypatch) -> DialogStub:
    stub = DialogStub()
    for kind in ("question", "warning", "information", "critical"):
        monkeypatch.setattr(QMessageBox, kind, staticmethod(stub._box(kind)))
    monkeypatch.setattr(QMessageBox, "about", staticmethod(stub._about))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(stub._file("open")))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(stub._file("save")))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(stub._folder))
    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(stub._item))
    return stub


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
        # The offscreen screen is 800x600, where a first start maximises the window: the tests
        # drive it at the size it has on a desktop screen (layout tests choose their own).
        if w.isMaximized():
            w.showNormal()
            w.resize(1400, 860)
        w.activateWindow()
        return w

    return make


@pytest.fixture
def window(make_window):
    """The window as on first launch: the worked example (10 rows, loss 0.214) loaded."""
    w = make_window()
    assert len(w.doc) == 10
    return w


@pytest.fixture
def recovery_folder(tmp_path, monkeypatch):
    """Autosave and recovery go to the test's folder, never to the user's data folder (a
    module that opens or saves files uses it for every test: ``pytestmark``)."""
    from bce_gui.ui import files as files_mod

    folder = tmp_path / "recovery-data" / "recovery"
    monkeypatch.setattr(files_mod, "recovery_dir", lambda: folder)
    return folder
