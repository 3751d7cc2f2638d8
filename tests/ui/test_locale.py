"""Numbers in a German locale: one decimal mark everywhere, and number fields that read both.

The locale is set with ``QLocale.setDefault`` (as a German desktop sets it through LANG). Every
expected loss is computed here with the formula written out, not taken from the app.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QApplication

# The worked example (resources/examples/worked_example.csv).
EX_Y = np.array([1, 0, 1, 0, 1, 1, 0, 0, 1, 0], dtype=float)
EX_P = np.array([0.94, 0.10, 0.83, 0.17, 0.89, 0.94, 0.24, 0.56, 0.82, 0.12])
R = Qt.ItemDataRole


def smoothed_loss(a: float) -> float:
    """Keras' label smoothing: y becomes y(1 − a) + a/2; then the mean cross-entropy."""
    y = EX_Y * (1 - a) + a / 2
    return float(np.mean(-(y * np.log(EX_P) + (1 - y) * np.log(1 - EX_P))))


def clipped_loss(eps: float) -> float:
    p = np.clip(EX_P, eps, 1 - eps)
    return float(np.mean(-(EX_Y * np.log(p) + (1 - EX_Y) * np.log(1 - p))))


@pytest.fixture
def german():
    before = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.German, QLocale.Country.Germany))
    yield
    QLocale.setDefault(before)


def type_into(qtbot, widget, text: str) -> None:
    """Focus a field, replace its text by typing, and press Enter (as a person does)."""
    widget.setFocus()
    edit = widget.lineEdit() if hasattr(widget, "lineEdit") else widget
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def cell(w, row: int, key: str, role=R.DisplayRole):
    return w.model.data(w.model.index(row, w.model.column_of(key)), role)


def test_german_locale_shows_one_decimal_mark_everywhere(german, window):
    w = window
    assert cell(w, 5, "predicted") == "0,94"  # the table
    assert cell(w, 7, "corrected") == "0,44"
    assert w.summary.loss_text() == "0,214"  # the summary and its formula
    assert "−2,140" in w.summary.formula_label.text()
    assert w.settings_panel.smoothing.text() == "0"
    w.settings_panel.smoothing.setValue(0.25)
    assert w.settings_panel.smoothing.text() == "0,25"  # the spin boxes agree with the table


@pytest.mark.parametrize("typed", ["0.1", "0,1"])
def test_label_smoothing_reads_either_decimal_mark(german, window, qtbot, typed):
    """In German Qt read '0.1' as 1,000 (a thousands separator) and computed the wrong loss."""
    w = window
    type_into(qtbot, w.settings_panel.smoothing, typed)
    assert w.doc.options.label_smoothing == 0.1
    assert w.doc.live.totals.mean == pytest.approx(smoothed_loss(0.1), rel=1e-12)
    assert w.summary.loss_text() == f"{smoothed_loss(0.1):.4g}".replace(".", ",")
    assert w.settings_panel.error.text() == ""


@pytest.mark.parametrize("typed", ["0.001", "0,001"])
def test_custom_epsilon_reads_either_decimal_mark(german, window, qtbot, typed):
    """In German the field's validator refused '0.001' without a word; the summary kept 1e-07."""
    w = window
    panel = w.settings_panel
    panel.policy.setCurrentIndex(panel.policy.findData("custom"))
    type_into(qtbot, panel.eps, typed)
    assert w.doc.options.policy.eps == 0.001
    assert w.doc.live.totals.mean == pytest.approx(clipped_loss(0.001), rel=1e-12)
    assert w.doc.options.policy.label == "Custom epsilon (0,001)"  # for people: German
    assert panel.error.text() == ""


def test_number_fields_say_when_they_cannot_read_the_text(german, window, qtbot):
    w = window
    panel = w.settings_panel
    type_into(qtbot, panel.smoothing, "0.1")
    before = w.doc.options
    type_into(qtbot, panel.smoothing, "1.000,5")  # thousands separator and decimal comma
    assert w.doc.options == before  # nothing guessed
    assert panel.error.text().startswith("Label smoothing: “1.000,5” has both ‘.’ and ‘,’")
    assert "0,1 is kept" in panel.error.text()
    assert panel.smoothing.value() == 0.1
    type_into(qtbot, panel.smoothing, "1,5")  # out of range: said, not clipped to 1
    assert "outside 0 to 1" in panel.error.text() and w.doc.options == before

    panel.policy.setCurrentIndex(panel.policy.findData("custom"))
    custom = w.doc.options
    type_into(qtbot, panel.eps, "abc")
    assert panel.error.text() == "Epsilon: “abc” is not a number"
    assert w.doc.options == custom
    type_into(qtbot, panel.eps, "0,01")
    assert panel.error.text() == "" and w.doc.options.policy.eps == 0.01


def test_cells_typed_with_a_decimal_comma_and_edited_exactly(german, window, qtbot):
    w = window
    view = w.obs_view
    index = w.model.index(2, w.model.column_of("predicted"))
    view.setCurrentIndex(index)
    view.setFocus()
    qtbot.keyClicks(view, "0")
    editor = QApplication.focusWidget()
    qtbot.keyClicks(editor, ",5")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: w.doc.dataset.predicted.values[2] == 0.5)
    assert cell(w, 2, "predicted") == "0,5"
    # A saved formula's result with float noise shows as a spreadsheet shows it; editing
    # shows (and so keeps) the exact value.
    w.doc.dataset.predicted.values[3] = 0.05 + 0.81
    assert cell(w, 3, "predicted") == "0,86"
    assert cell(w, 3, "predicted", R.EditRole) == "0,8600000000000001"


def test_english_option_and_it_is_remembered(german, window, make_window):
    w = window
    assert w.actions["numbers_system"].isChecked()
    assert "de_DE" in w.actions["numbers_system"].text()
    w.actions["numbers_english"].trigger()
    assert cell(w, 5, "predicted") == "0.94"
    assert w.summary.loss_text() == "0.214"
    assert w.settings_panel.smoothing.text() == "0"
    w.settings_panel.smoothing.setValue(0.25)
    assert w.settings_panel.smoothing.text() == "0.25"
    w.close()
    again = make_window()
    assert again.actions["numbers_english"].isChecked()
    assert cell(again, 5, "predicted") == "0.94"


def test_counts_and_plot_ticks_follow_the_locale(german, window):
    w = window
    from bce_gui.core.dataset import Dataset

    n = 12_345
    rng = np.random.default_rng(1)
    w.doc.set_dataset(Dataset.from_arrays((rng.random(n) < 0.5).astype(float), rng.uniform(0.01, 0.99, n)))
    assert w.row_count.text() == "12.345 rows"
    assert "N used: <b>12.345</b>" in w.summary.counts_label.text()
    axis = w.plot.plot.getPlotItem().getAxis("bottom")
    assert axis.tickStrings([0.2, 0.4], 1.0, 0.2) == ["0,2", "0,4"]
    assert not math.isnan(w.doc.live.totals.mean)


def test_log_axes_write_their_ticks_as_plain_numbers(german, window, qtbot):
    """0.001 … 1, 10, 100 (pyqtgraph wrote 10 as "10¹" beside "1"), in the window's number
    style; the penalty curve's log axis, the histogram's count axis and the compare scatter."""
    from bce_gui.core.formatting import log_tick_texts

    assert log_tick_texts([-3, -1, 0, 1, 2, math.log10(2)]) == ["0.001", "0.1", "1", "10", "100", "2"]
    assert log_tick_texts([-6, 6]) == ["10⁻⁶", "10⁶"]
    w = window
    w.plot.set_log_axis(True)
    left = w.plot.plot.getPlotItem().getAxis("left")
    assert left.logMode and left.tickStrings([-1.0, 0.0, 1.0], 1.0, 1.0) == ["0,1", "1", "10"]
    from bce_gui.ui.compare_view import LossScatterPlot

    scatter = LossScatterPlot()
    qtbot.addWidget(scatter)
    axis = scatter.plot.getPlotItem().getAxis("left")
    assert axis.logMode and axis.tickStrings([-2.0, 1.0], 1.0, 1.0) == ["0,01", "10"]


def test_a_conventions_epsilon_is_shown_with_the_decimal_mark_in_use(german, window):
    w = window
    panel = w.settings_panel
    panel.policy.setCurrentIndex(panel.policy.findData("sklearn"))
    assert panel.eps.text() == "2,22e-16" and not panel.eps.isEnabled()
    w.actions["numbers_english"].trigger()
    assert panel.eps.text() == "2.22e-16"


def test_a_point_grouped_thousand_is_refused_in_a_number_field(german, window, qtbot):
    """A German reader typing 1.000 means a thousand: it set a label smoothing of 1 with no
    word. Refused as 1,000 is in English; a plain 0.35 is still a decimal."""
    w = window
    panel = w.settings_panel
    before = w.doc.options
    type_into(qtbot, panel.smoothing, "1.000")
    assert w.doc.options == before and panel.smoothing.value() == 0
    assert panel.error.text() == ("Label smoothing: “1.000” could be a thousand or one: "
                                  "type 1000 or 1,000; 0 is kept")
    type_into(qtbot, panel.smoothing, "0.35")
    assert w.doc.options.label_smoothing == 0.35 and panel.error.text() == ""
    assert w.doc.live.totals.mean == pytest.approx(smoothed_loss(0.35), rel=1e-12)
    w.actions["numbers_english"].trigger()  # with '.' as the decimal mark 1.000 is one
    type_into(qtbot, panel.smoothing, "1.000")
    assert w.doc.options.label_smoothing == 1.0 and panel.error.text() == ""


def test_a_point_grouped_thousand_pasted_is_kept_as_text_and_reported(german, window, qtbot):
    """Pasting 1.000 into Predicted gave a valid 1 (p = 1 for class 1, a loss of 0)."""
    from PySide6.QtGui import QGuiApplication

    w = window
    m = w.model
    column = m.column_of("predicted")
    w.obs_view.setCurrentIndex(m.index(0, column))
    w.obs_view.setFocus()
    QGuiApplication.clipboard().setText("1.000\n0.35\n")
    qtbot.keyClick(w.obs_view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    ds = w.doc.dataset
    assert ds.cell_text("predicted", 0) == "1.000" and math.isnan(ds.predicted.values[0])
    assert ds.predicted.values[1] == 0.35
    assert cell(w, 0, "predicted") == "1.000" and cell(w, 1, "predicted") == "0,35"
    note = cell(w, 0, "note")
    assert note.startswith("excluded") and "not a number" in note
    # row 0 is left out; row 1 (class 0) now has p = 0.35
    y, p = EX_Y[1:], EX_P[1:].copy()
    p[0] = 0.35
    expected = float(np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p))))
    assert w.doc.live.totals.mean == pytest.approx(expected, rel=1e-12)


def test_sentences_with_numbers_use_the_decimal_mark_in_use(german, window, qtbot, tmp_path):
    """Sentences wrote their numbers with '.' beside a table in German: the decomposition
    ("at most 0.214 nats"), the Brier and AUC notes ("0.5 scores 0.25"), Keras' float32 digit,
    the report's band limits, the convention and the epsilon error. A summary's JSON stays C."""
    import json
    import re

    w = window
    qtbot.waitUntil(lambda: w.insight.current and not w.insight.busy, timeout=10_000)
    stats = w.statistics
    # no decimal point left in any sentence (a count's '.' groups, 1.000 resamples, is German)
    shown = [stats.text(k) for k in stats.values] + w.parity.sentences()
    assert not [t for t in shown if re.search(r"\d\.\d(?!\d\d\D)", t)]
    # CORP: MCB = the loss, DSC = UNC = ln 2 for the worked example (ranked perfectly)
    loss = float(np.mean(-(EX_Y * np.log(EX_P) + (1 - EX_Y) * np.log(1 - EX_P))))
    assert (f"Recalibrating could lower the loss by at most {loss:.3f} nats".replace(".", ",")
            in stats.text("decomposition"))
    assert "no-skill 0,693 nats." in stats.text("decomposition")
    assert "always predicting 0,5 scores 0,25." in stats.text("brier")
    assert ": 0,5 is chance, 1 a perfect ranking." in stats.text("auc")
    keras = next(t for t in w.parity.sentences() if t.startswith("Keras computes in float32"))
    assert re.search(r"significant digit differs \(0,2140\d+ nats against 0,2140\d+ nats exactly\)",
                     keras)

    page = tmp_path / "r.html"
    assert w.files.export_report(w.plot, str(page))
    html = page.read_text("utf-8")
    assert "(up to 0,05; 0,20; 0,30; 1,00)." in html
    assert re.search(r"Recalibrating could lower the loss by at most 0,214 nats", html)

    panel = w.settings_panel
    panel.policy.setCurrentIndex(panel.policy.findData("custom"))
    type_into(qtbot, panel.eps, "0,001")
    assert "clipped to [0,001; 1 - 0,001]." in w.summary.policy_label.text()
    type_into(qtbot, panel.eps, "0,75")
    assert panel.error.text() == "epsilon must be greater than 0 and less than 0,5, not 0,75"
    assert w.doc.options.policy.eps == 0.001
    summary = tmp_path / "s.json"
    assert w.files.export_summary(str(summary))
    assert (json.loads(summary.read_text("utf-8"))["policy_description"]
            == "The probability of each class is clipped to [0.001, 1 - 0.001].")
