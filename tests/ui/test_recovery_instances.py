"""Each running instance owns its recovery files; a signal saves unsaved work without asking.

Two windows in one process stand for two instances (each holds its own lock); a window whose
recovery folder is no longer locked stands for one that died.
"""

from __future__ import annotations

import csv
import json

import pytest

import bce_gui.ui.files as files_mod

SB = files_mod.QMessageBox.StandardButton


@pytest.fixture(autouse=True)
def recovery_base(tmp_path, monkeypatch):
    base = tmp_path / "recovery"
    monkeypatch.setattr(files_mod, "recovery_dir", lambda: base)
    return base


def edit_and_autosave(w, qtbot, text="0.42") -> None:
    m = w.model
    m.setData(m.index(0, m.column_of("predicted")), text)
    qtbot.waitUntil(lambda: w.files.recovery.has_files(), timeout=10_000)


def saved_rows(folder) -> list[list[str]]:
    with open(folder / "recovery.csv", newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def test_a_second_instance_never_offers_or_deletes_a_running_ones_autosave(window, make_window, qtbot, dialogs,
                                                                         recovery_base):
    first = window
    edit_and_autosave(first, qtbot)
    folder = first.files.recovery.folder
    second = make_window(load_example=False)
    assert second.files.offer_recovery() is False
    assert dialogs.of("question") == []  # nothing to ask about: the first window is alive
    assert (folder / "recovery.json").exists() and saved_rows(folder)[1][2] == "0.42"
    # the second window's own autosave goes to a folder of its own
    second.new_document()
    edit_and_autosave(second, qtbot, "0.9")
    assert second.files.recovery.folder != folder
    assert saved_rows(folder)[1][2] == "0.42"
    # and closing the second (discarding its work) leaves the first one's alone
    second.close()
    assert (folder / "recovery.json").exists() and not second.files.recovery.has_files()


def test_answering_no_deletes_only_the_dead_instances_files(window, make_window, qtbot, dialogs, recovery_base):
    alive, dead = window, make_window()
    edit_and_autosave(alive, qtbot, "0.31")
    edit_and_autosave(dead, qtbot, "0.77")
    dead_folder, alive_folder = dead.files.recovery.folder, alive.files.recovery.folder
    dead.files.close_recovery(keep=True)  # its process ended without cleaning up
    third = make_window(load_example=False)
    assert third.files.offer_recovery() is False  # the stub answers No
    asked = dialogs.of("question")
    assert len(asked) == 1 and "10 rows" in asked[0].text
    assert not dead_folder.exists()
    assert saved_rows(alive_folder)[1][2] == "0.31"


def test_sigterm_with_unsaved_changes_writes_recovery_and_closes_without_asking(window, make_window, qtbot,
                                                                                dialogs, recovery_base):
    w = window
    m = w.model
    m.setData(m.index(1, m.column_of("predicted")), "0.55")  # no time for the autosave yet
    assert not w.files.recovery.has_files()
    w.close_for_signal()
    assert not w.isVisible()
    assert dialogs.of("question") == []
    folders = [p for p in recovery_base.iterdir() if p.is_dir()]
    assert len(folders) == 1 and not (folders[0] / "owner.lock").exists()  # released: offered next time
    assert saved_rows(folders[0])[2][2] == "0.55"
    assert json.loads((folders[0] / "recovery.json").read_text("utf-8"))["rows"] == 10
    # the next start offers it back
    dialogs.answer("question", SB.Yes)
    nxt = make_window(load_example=False)
    assert nxt.files.offer_recovery() is True
    assert nxt.doc.dataset.cell_text("predicted", 1) == "0.55" and nxt.isWindowModified()
    assert not folders[0].exists()  # now the new instance's own unsaved work, in its own folder
    assert nxt.files.recovery.has_files()


def test_sigterm_without_unsaved_changes_leaves_nothing(window, recovery_base, dialogs):
    window.close_for_signal()
    assert not window.isVisible() and dialogs.of("question") == []
    assert not recovery_base.exists() or not any(recovery_base.iterdir())
