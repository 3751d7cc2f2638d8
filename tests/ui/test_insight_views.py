"""The statistics in the window (issue 11): computed off the GUI thread, shown with their
explanations, live with every edit, linked to the table, and never a NaN on screen.

Values are checked against scikit-learn or the definitions written out here, never against
numbers copied from the app's own output.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QKeySequence
from sklearn.metrics import accuracy_score, brier_score_loss, log_loss, roc_auc_score

from bce_gui.core.dataset import Dataset
from bce_gui.core.formatting import fmt_result
from bce_gui.ui.main_window import VIEW_TABS

# The worked example: ID1..ID10.
Y = np.array([1, 0, 1, 0, 1, 1, 0, 0, 1, 0], dtype=float)
P = np.array([0.94, 0.1, 0.83, 0.17, 0.89, 0.94, 0.24, 0.56, 0.82, 0.12])


def fresh(qtbot, w, timeout=10_000):
    """Wait until the statistics shown are those of the table as it is now."""
    qtbot.waitUntil(lambda: w.insight.current and not w.insight.busy, timeout=timeout)
    return w.insight.result.insight


def edit(w, row: int, key: str, text: str) -> None:
    m = w.model
    assert m.setData(m.index(row, m.column_of(key)), text)


def panel_texts(w) -> list[str]:
    s, par = w.statistics, w.parity
    return ([s.text(k) for k in s.values] + [v.text() for v in par.values.values()]
            + par.sentences() + [w.calibration.note.text(), w.loss_histogram.note.text(),
                                 w.summary.guide_note.text()])


def test_statistics_match_sklearn_with_their_explanations(window, qtbot):
    w = window
    ins = fresh(qtbot, w)
    assert ins.brier.value == pytest.approx(brier_score_loss(Y, P), rel=1e-12)
    assert ins.auc.value == pytest.approx(roc_auc_score(Y, P), rel=1e-12)
    assert ins.accuracy.value == pytest.approx(accuracy_score(Y, P >= 0.5), rel=1e-12)
    s = w.statistics
    assert s.values["brier"].text() == fmt_result(brier_score_loss(Y, P), 4)
    assert s.values["accuracy"].text() == "90.0%"
    for key in s.values:  # every statistic has its one-line explanation
        assert len(s.notes[key].text()) > 30, key
    assert "Recalibrating could lower the loss by at most" in s.text("decomposition")
    assert "1,000 resamples" in s.text("ci95")
    for key, value in w.parity.values.items():
        assert value.text().startswith(f"{log_loss(Y, P):.7g}"[:8]), key  # no row is clipped
    assert any("Keras computes in float32" in t for t in w.parity.sentences())


def test_an_edit_updates_every_view(window, qtbot):
    w = window
    fresh(qtbot, w)
    before_x = w.calibration.points.getData()[0].copy()
    with qtbot.waitSignal(w.insight.updated, timeout=10_000):
        edit(w, 7, "predicted", "0.05")  # ID8, class 0: now a confident right answer
    ins = fresh(qtbot, w)
    p = P.copy()
    p[7] = 0.05
    assert ins.brier.value == pytest.approx(brier_score_loss(Y, p), rel=1e-12)
    assert w.statistics.values["brier"].text() == fmt_result(brier_score_loss(Y, p), 4)
    assert ins.ci95.high < 0.3636  # the worst row is gone: the interval narrows
    assert ins.auc.value == pytest.approx(roc_auc_score(Y, p), rel=1e-12)
    xs, _ys = w.calibration.points.getData()
    assert xs.tolist() != before_x.tolist()  # ID8 moved from bin [0.5, 0.6) to [0, 0.1)
    # bin [0, 0.1) now holds ID8: its observed frequency of class 1 is 0
    assert 0 in w.calibration.view.bins and w.calibration.view.counts[0] == 1
    assert w.loss_histogram.view.counts.sum() == 10
    # an edit that makes rows invalid leaves them out of every statistic
    with qtbot.waitSignal(w.insight.updated, timeout=10_000):
        edit(w, 0, "predicted", "abc")
    ins = fresh(qtbot, w)
    assert ins.n == 9 and ins.brier.value == pytest.approx(brier_score_loss(Y[1:], p[1:]))


def test_a_burst_of_edits_shows_the_last_table(window, qtbot):
    """Computations overtaken by later edits are dropped: what is shown is the table now."""
    w = window
    fresh(qtbot, w)
    p = P.copy()
    for k, value in enumerate((0.3, 0.4, 0.5, 0.6, 0.7)):
        edit(w, 2, "predicted", str(value))
        qtbot.wait(k * 25)  # some computations start, some are overtaken before they end
        p[2] = value
    ins = fresh(qtbot, w)
    assert ins.brier.value == pytest.approx(brier_score_loss(Y, p), rel=1e-12)


def test_not_defined_is_said_in_words(window, qtbot):
    w = window
    fresh(qtbot, w)
    for row in np.flatnonzero(Y == 0):
        edit(w, int(row), "actual", "1")  # one class only: no AUC
    ins = fresh(qtbot, w)
    assert not ins.auc.defined
    assert w.statistics.values["auc"].text() == "not defined"
    assert "only class 1 is present" in w.statistics.notes["auc"].text().lower()
    # An infinite loss: no interval, no worst-rows share; the reasons are shown.
    edit(w, 0, "predicted", "0")
    fresh(qtbot, w)
    s = w.statistics
    assert s.values["ci95"].text() == "not defined" and "infinite" in s.notes["ci95"].text()
    assert s.values["worst_share"].text() == "not defined"
    for text in panel_texts(w):
        assert "nan" not in text.lower().replace("nats", ""), text
    assert not w.summary.guide.isVisible()  # an infinite loss is off the scale


def test_threshold_changes_the_accuracy(window, qtbot):
    w = window
    fresh(qtbot, w)
    with qtbot.waitSignal(w.insight.updated, timeout=10_000):
        w.statistics.threshold.setValue(0.2)
    ins = fresh(qtbot, w)
    assert ins.threshold == 0.2
    assert ins.accuracy.value == pytest.approx(accuracy_score(Y, P >= 0.2), rel=1e-12)
    assert w.statistics.titles["accuracy"].text() == "Accuracy at p ≥ 0.2"


def bin_point(w, b: int) -> QPoint:
    """Where bin b's bar is on the screen of the calibration plot's view."""
    vb = w.calibration.item.getViewBox()
    v = w.calibration.view
    scene = vb.mapViewToScene(pg_point(v.bar_center[b], 0.05))
    return w.calibration.plot.mapFromScene(scene)


def pg_point(x, y):
    from PySide6.QtCore import QPointF

    return QPointF(float(x), float(y))


def test_clicking_a_bin_selects_its_rows(window, qtbot):
    w = window
    fresh(qtbot, w)
    w.show_view("calibration")
    qtbot.waitUntil(lambda: w.calibration.isVisible())
    qtbot.wait(50)  # the plot lays itself out
    b = 8  # p in [0.8, 0.9): ID3, ID5, ID9
    qtbot.mouseClick(w.calibration.plot.viewport(), Qt.MouseButton.LeftButton, pos=bin_point(w, b))
    expected = np.flatnonzero((P >= 0.8) & (P < 0.9))
    assert sorted(w.tables.selected_data_rows().tolist()) == expected.tolist()
    assert w.calibration.selected_bin == b
    assert "3 rows" in w.statusBar().currentMessage()
    # a bin without rows selects nothing and says nothing
    w.calibration.click_bin(3)
    assert w.calibration.selected_bin == b


def test_worst_rows_are_a_click_away(window, qtbot):
    w = window
    fresh(qtbot, w)
    w.invalid_only.setChecked(True)  # the worst rows are valid: the filter makes way
    w.show_view("statistics")
    qtbot.mouseClick(w.statistics.worst_button, Qt.MouseButton.LeftButton)
    losses = -np.log(np.where(Y == 1, P, 1 - P))
    assert w.tables.selected_data_rows().tolist() == [int(np.argmax(losses))]  # ID8
    assert not w.invalid_only.isChecked()


def test_parity_sentences_show_their_rows(make_window, qtbot):
    ds = Dataset.from_arrays([1, 0, 1, 0, 1], [0.0, 0.2, 0.7, 1e-300 * 0 + 0.4, 1e-20],
                             ids=["a", "b", "c", "d", "e"])
    w = make_window(load_example=False)
    w.doc.set_dataset(ds, None)
    fresh(qtbot, w)
    sentences = w.parity.sentences()
    assert any(s.startswith("1 row has p = 0 for class 1: the exact loss is infinite") for s in sentences)
    assert any("below 2.2e-16 (but above 0)" in s for s in sentences)
    assert w.parity.values["exact"].text() == "∞ nats"
    sk = log_loss([1, 0, 1, 0, 1], [0.0, 0.2, 0.7, 0.4, 1e-20])
    assert w.parity.values["sklearn"].text().startswith(f"{sk:.7g}"[:7])
    assert len(w.parity.row_buttons) >= 2
    qtbot.mouseClick(w.parity.row_buttons[0], Qt.MouseButton.LeftButton)
    assert w.tables.selected_data_rows().tolist() == [0]  # the p = 0 row


@pytest.mark.parametrize("by", ["shortcut", "menu"])
def test_each_view_has_its_shortcut(window, qtbot, by):
    w = window
    for key, (title, keys) in VIEW_TABS.items():
        act = w.actions[f"view_{key}"]
        assert act.shortcut() == QKeySequence(keys)
        if by == "shortcut":
            seq = QKeySequence(keys)[0]
            qtbot.keyClick(w.obs_view, seq.key(), seq.keyboardModifiers())
        else:
            act.trigger()
        assert w.views.currentWidget() is w.view_pages[key]
        assert w.views.tabText(w.views.currentIndex()) == title


def test_units_follow_the_setting(window, qtbot):
    w = window
    ins = fresh(qtbot, w)
    w.set_units("bits")
    low = ins.ci95.low / math.log(2)
    assert w.statistics.values["ci95"].text().startswith(fmt_result(low, 4))
    assert w.statistics.values["ci95"].text().endswith("bits")
    assert w.loss_histogram.item.getAxis("bottom").labelText == "Row loss (bits)"


def test_the_guide_bar_places_the_loss(window, qtbot):
    w = window
    g = w.summary.guide
    assert g.isVisible() and g.view.labels[g.view.band] == "fair"  # 0.214 is in 0.20..0.30
    assert "0.214" in g.view.caption and "fair" in g.view.caption
    assert g.view.loss < g.view.baseline  # the model beats the no-skill 0.693
    assert "base rate" in w.summary.guide_note.text()


def test_the_report_has_the_statistics_and_their_plots(window, qtbot, tmp_path, monkeypatch):
    import bce_gui.ui.files as files_mod

    monkeypatch.setattr(files_mod, "recovery_dir", lambda: tmp_path / "recovery")
    w = window
    edit(w, 7, "predicted", "0.05")  # the statistics shown are stale: the report computes them
    page = tmp_path / "r.html"
    assert w.files.export_report(w.plot, str(page))
    html = page.read_text("utf-8")
    p = P.copy()
    p[7] = 0.05
    assert fmt_result(brier_score_loss(Y, p), 4) in html
    for words in ("What the number means", "Statistics", "Calibration", "Row losses",
                  "Conventions: why libraries disagree", "Recalibrating could lower the loss"):
        assert words in html, words
    assert html.count("data:image/png;base64,") == 3  # penalty curve, calibration, histogram
    pdf = tmp_path / "r.pdf"
    assert w.files.export_report(w.plot, str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF-")


def test_the_threshold_box_shows_its_whole_value(window, qtbot):
    w = window
    w.show_view("statistics")
    spin = w.statistics.threshold
    qtbot.waitUntil(lambda: spin.isVisible())
    spin.setValue(0.125)
    edit_width = spin.lineEdit().width()
    assert edit_width >= spin.fontMetrics().horizontalAdvance(spin.text())
