"""Settings carry over from one file to the next: the window says so, and says when they clash.

Files are written here; losses are computed here with scikit-learn or the formula.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from PySide6.QtWidgets import QMessageBox
from sklearn.metrics import log_loss

from bce_gui.core.loss import LossOptions
from bce_gui.core.policies import make_policy

SB = QMessageBox.StandardButton
Y = [1, 0, 1, 0, 1, 0]
P = [0.9, 0.2, 0.65, 0.35, 0.08, 0.5]
Z = [2.2, -1.4, 0.6, -0.6, -2.4, 3.1]


pytestmark = pytest.mark.usefixtures("recovery_folder")  # (tests/ui/conftest.py)


def write(tmp_path, name, values) -> str:
    path = tmp_path / name
    path.write_text("id,actual,predicted\n" + "".join(f"r{i},{y},{v}\n" for i, (y, v) in enumerate(zip(Y, values))))
    return str(path)


def open_file(w, qtbot, path) -> None:
    with qtbot.waitSignal(w.files.loadFinished, timeout=20_000):
        assert w.files.open_path(path, ask=False, confirm_import=False)


def use(w, opts: LossOptions) -> None:
    w.set_options(opts)  # the settings panel follows the document
    w.doc.undo_stack.clear()


def test_probabilities_opened_under_logits_are_offered_as_probabilities(window, qtbot, dialogs, tmp_path):
    w = window
    use(w, LossOptions(logits=True, pos_weight=3.0))
    path = write(tmp_path, "probs.csv", P)
    dialogs.answer("question", SB.Yes)
    open_file(w, qtbot, path)
    asked = dialogs.of("question")
    assert len(asked) == 1
    assert "probs.csv" in asked[0].text and "between 0 and 1" in asked[0].text and "logits" in asked[0].text
    assert not w.doc.options.logits and w.doc.options.pos_weight is None
    assert w.settings_panel.input_kind.currentIndex() == 0
    assert w.doc.live.totals.mean == pytest.approx(log_loss(Y, P), rel=1e-12)
    assert not w.isWindowModified()  # the file as opened, read the right way
    w.doc.undo_stack.undo()  # and Undo goes back to what the settings were
    assert w.doc.options.logits and w.doc.options.pos_weight == 3.0


def test_declining_keeps_the_settings_and_the_status_bar_names_them(window, qtbot, dialogs, tmp_path):
    w = window
    use(w, LossOptions(policy=make_policy("keras"), logits=True))
    open_file(w, qtbot, write(tmp_path, "probs.csv", P))  # the stub answers No
    assert len(dialogs.of("question")) == 1
    assert w.doc.options.logits
    status = w.statusBar().currentMessage()
    assert "probs.csv" in status and "logits" in status


def test_logits_opened_as_probabilities_are_offered_as_logits(window, qtbot, dialogs, tmp_path):
    w = window
    dialogs.answer("question", SB.Yes)
    open_file(w, qtbot, write(tmp_path, "scores.csv", Z))
    asked = dialogs.of("question")
    assert len(asked) == 1 and "outside [0, 1]" in asked[0].text and "scores.csv" in asked[0].text
    assert w.doc.options.logits
    z = np.array(Z)
    ref = float(np.mean(np.logaddexp(0.0, np.where(np.array(Y) == 1, -z, z))))
    assert w.doc.live.totals.mean == pytest.approx(ref, rel=1e-12)


def test_matching_files_ask_nothing_and_non_default_settings_are_named(window, qtbot, dialogs, tmp_path):
    w = window
    open_file(w, qtbot, write(tmp_path, "probs.csv", P))
    assert dialogs.of("question") == []
    assert "settings" not in w.statusBar().currentMessage()  # all defaults: nothing to say
    use(w, LossOptions(policy=make_policy("sklearn"), label_smoothing=0.1))
    open_file(w, qtbot, write(tmp_path, "again.csv", P))
    assert dialogs.of("question") == []
    status = w.statusBar().currentMessage()
    assert "scikit-learn" in status and "label smoothing 0.1" in status
    # a few stray values outside [0, 1] are invalid rows, not a reason to ask
    few = list(P)
    few[0] = 1.7
    open_file(w, qtbot, write(tmp_path, "one_bad.csv", few))
    assert dialogs.of("question") == []
    assert math.isfinite(w.doc.live.totals.mean)
