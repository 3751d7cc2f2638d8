"""The window in multi-class mode: the worked K-class example one click away, a table with one
column per class, edits, paste and undo, the renormalise setting, the summary's per-class
breakdown, the plot's one curve, save / export / report / recovery, and the import preview's
class ↔ column mapping.

Expected numbers are computed here from the example's own numbers (numpy), never read from the
app.
"""

from __future__ import annotations

import csv
import json
import math

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialogButtonBox

from bce_gui.core.io import ReadOptions, preview_table, read_table
from bce_gui.core.formatting import fmt_number, fmt_result
from bce_gui.ui.import_dialog import ImportDialog
from tests.ui.qa_data import QA_MC_CSV

CLASSES = ["apple", "banana", "cherry"]
COLUMNS = ["p_apple", "p_banana", "p_cherry"]
IDS = [f"F{i}" for i in range(1, 13)]
ACTUAL = ["apple", "banana", "cherry"] * 4
P = np.array([
    [0.80, 0.15, 0.05], [0.10, 0.85, 0.05], [0.05, 0.15, 0.80], [0.60, 0.30, 0.10],
    [0.30, 0.60, 0.10], [0.20, 0.20, 0.60], [0.90, 0.05, 0.05], [0.25, 0.50, 0.25],
    [0.10, 0.70, 0.20], [0.40, 0.40, 0.20], [0.05, 0.90, 0.05], [0.15, 0.10, 0.75],
])
Y = np.array([CLASSES.index(a) for a in ACTUAL])
LOADED = 20_000


def expected_loss(p=P, y=Y) -> float:
    return float(-np.mean(np.log(p[np.arange(len(y)), y])))


@pytest.fixture
def mc(window, qtbot):
    """The window with the multi-class example, loaded from the Help menu as a user does."""
    w = window
    help_menu = next(a.menu() for a in w.menuBar().actions() if a.text() == "&Help")
    action = w.actions["example_multiclass"]
    assert action in help_menu.actions()
    action.trigger()
    assert w.doc.categorical and len(w.doc) == 12
    return w


def col(w, key) -> int:
    c = w.model.column_of(key)
    assert c >= 0, key
    return c


def cell(w, row, key, role=Qt.ItemDataRole.DisplayRole):
    return w.model.data(w.model.index(row, col(w, key)), role)


def test_the_example_is_one_click_away_and_shown_per_class(mc):
    w = mc
    titles = [c.title for c in w.model.columns]
    assert titles[:5] == ["ID", "Actual", "p(apple)", "p(banana)", "p(cherry)"]
    assert titles[5:] == ["p(actual)", "ln p(actual)", "Row loss", "Share", "Note"]
    assert [cell(w, r, "actual") for r in range(12)] == ACTUAL
    q = P[np.arange(12), Y]
    for r in (0, 8, 9):
        assert float(cell(w, r, "corrected", Qt.ItemDataRole.ToolTipRole)) == pytest.approx(q[r], rel=1e-15)
        assert float(cell(w, r, "loss", Qt.ItemDataRole.ToolTipRole)) == pytest.approx(-math.log(q[r]), rel=1e-15)
    assert w.summary.loss_text() == fmt_result(expected_loss())
    assert "categorical cross-entropy, 3 classes" in w.summary.caption.text()
    assert w.summary.formula_label.text().startswith("−(1/N) Σ ln p̂ᵢ,yᵢ = −(1/12)")
    assert "class shares" in w.summary.meaning_label.text()
    assert f"{math.log(3):.4g}" in w.summary.meaning_label.text()  # the entropy of 1/3 each
    breakdown = w.summary.class_table.text()
    for k, name in enumerate(CLASSES):
        mine = -np.log(P[Y == k, k])
        assert name in breakdown and f"{mine.mean():.4g}" in breakdown
    assert w.windowTitle().startswith("Multi-class example")
    # The plot: one curve, the points coloured by class (an entry per class in the legend).
    labels = [label.text for _sample, label in w.plot.legend.items]
    assert "−ln(q): every class" in labels and "actual cherry" in labels
    assert not any("1 − p" in t for t in labels)
    drawn = sum(len(it.data) for it in w.plot.class_points)
    assert drawn == 12 and len(w.plot.points1.data) == 0
    x, y = w.plot.class_points[2].getData()  # cherry
    np.testing.assert_allclose(sorted(x), sorted(P[Y == 2, 2]), rtol=1e-15)
    np.testing.assert_allclose(y, -np.log(x), rtol=1e-12)


def test_editing_a_class_probability_updates_the_row_and_the_loss_and_undo(mc, qtbot):
    w = mc
    row = 8  # F9: cherry, p(cherry) = 0.2
    index = w.model.index(row, col(w, "p_cherry"))
    assert w.model.setData(index, "0.5")
    p = P.copy()
    p[row, 2] = 0.5
    assert float(cell(w, row, "loss", Qt.ItemDataRole.ToolTipRole)) == pytest.approx(-math.log(0.5), rel=1e-15)
    assert w.summary.loss_text() == fmt_result(expected_loss(p))
    # The row no longer sums to 1: used as given and noted, as scikit-learn does.
    assert cell(w, row, "note").startswith("the probabilities sum to 1.3, not 1 (used as given)")
    assert "1 row's probabilities do not sum to 1" in w.summary.sums_label.text()
    qtbot.keyClick(w.obs_view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # Undo
    assert w.doc.dataset.cell_text("p_cherry", row) == "0.2"
    assert w.summary.loss_text() == fmt_result(expected_loss())
    assert cell(w, row, "note") is None and not w.summary.sums_label.isVisibleTo(w)


def test_renormalise_setting_divides_rows_by_their_sum(mc, qtbot):
    w = mc
    w.model.setData(w.model.index(8, col(w, "p_cherry")), "0.5")
    p = P.copy()
    p[8, 2] = 0.5
    box = w.settings_panel.renormalize
    assert box.isVisibleTo(w) and not w.settings_panel.soft.isEnabled()
    box.click()
    assert w.doc.options.renormalize
    q = p / p.sum(axis=1, keepdims=True)
    assert w.summary.loss_text() == fmt_result(expected_loss(q))
    assert "renormalised" in cell(w, 8, "note")
    w.actions["undo"].trigger()  # the setting is one undo step
    assert not w.doc.options.renormalize and not box.isChecked()


def test_a_label_that_is_no_class_excludes_the_row_and_says_why(mc):
    w = mc
    w.model.setData(w.model.index(0, col(w, "actual")), "pear")
    assert cell(w, 0, "note") == "excluded: Actual not a class"
    assert "no prediction column for this class" in cell(w, 0, "actual", Qt.ItemDataRole.ToolTipRole)
    keep = np.arange(12) != 0
    assert w.summary.loss_text() == fmt_result(expected_loss(P[keep], Y[keep]))
    w.model.setData(w.model.index(0, col(w, "actual")), "banana")  # another class: its column
    y = Y.copy()
    y[0] = 1
    assert w.summary.loss_text() == fmt_result(expected_loss(P, y))


def test_paste_into_class_columns_and_undo(mc, qtbot):
    w = mc
    view = w.obs_view
    start = w.model.index(0, col(w, "p_apple"))
    view.selectionModel().setCurrentIndex(start, view.selectionModel().SelectionFlag.ClearAndSelect)
    QGuiApplication.clipboard().setText("0.5\t0.25\t0.25\n0.2\t0.6\t0.2\n")
    qtbot.keyClick(view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    p = P.copy()
    p[0] = [0.5, 0.25, 0.25]
    p[1] = [0.2, 0.6, 0.2]
    assert [w.doc.dataset.cell_text(c, 1) for c in COLUMNS] == ["0.2", "0.6", "0.2"]
    assert w.summary.loss_text() == fmt_result(expected_loss(p))
    w.actions["undo"].trigger()  # one step
    assert [w.doc.dataset.cell_text(c, 0) for c in COLUMNS] == ["0.8", "0.15", "0.05"]
    assert w.summary.loss_text() == fmt_result(expected_loss())


def test_a_block_too_wide_names_the_class_column_by_its_title(mc, qtbot, dialogs):
    """A QA run: the warning said 'from the p_banana column on' while the table's column is
    titled 'p(banana)'."""
    w = mc
    view = w.obs_view
    start = w.model.index(0, col(w, "p_banana"))
    view.selectionModel().setCurrentIndex(start, view.selectionModel().SelectionFlag.ClearAndSelect)
    QGuiApplication.clipboard().setText("0.5\t0.25\t0.25\n")
    qtbot.keyClick(view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    (warning,) = dialogs.of("warning")
    assert "from the p(banana) column on the table has only 2" in warning.text
    assert "p_banana" not in warning.text
    assert w.doc.undo_stack.count() == 0


def test_pasting_rows_with_a_header_appends_them_with_text_labels(mc, qtbot):
    w = mc
    view = w.obs_view
    view.selectionModel().clear()
    view.setCurrentIndex(w.model.index(-1, -1))
    QGuiApplication.clipboard().setText("ID\tActual\tp_cherry\tp_apple\tp_banana\n"
                                        "F13\tbanana\t0.1\t0.2\t0.7\n")
    w.paste()
    assert len(w.doc) == 13
    ds = w.doc.dataset
    assert [ds.cell_text(k, 12) for k in ("id", "actual", *COLUMNS)] == ["F13", "banana", "0.2", "0.7", "0.1"]
    p = np.vstack([P, [0.2, 0.7, 0.1]])
    assert w.summary.loss_text() == fmt_result(expected_loss(p, np.append(Y, 1)))
    w.actions["undo"].trigger()
    assert len(w.doc) == 12


def test_save_keeps_the_class_columns_and_export_and_report_say_per_class(mc, tmp_path, dialogs):
    w = mc
    w.model.setData(w.model.index(2, col(w, "p_cherry")), "0.7")
    saved = tmp_path / "fruit.csv"
    dialogs.answer("save", str(saved))
    assert w.files.save()
    with open(saved, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["ID", "Actual", *COLUMNS]
    assert rows[3] == ["F3", "cherry", "0.05", "0.15", "0.7"]
    again, _ = read_table(saved)
    assert again.schema.task.classes == tuple(CLASSES) and again.schema.model.columns == tuple(COLUMNS)

    results = tmp_path / "results.csv"
    assert w.files.export_results(str(results))
    with open(results, newline="", encoding="utf-8-sig") as fh:
        table = list(csv.DictReader(fh))
    assert list(table[0])[:5] == ["id", "actual", *COLUMNS]
    assert table[2]["status"].startswith("valid; the probabilities sum to 0.9")
    assert float(table[8]["corrected_probability"]) == 0.2

    summary = tmp_path / "summary.json"
    assert w.files.export_summary(str(summary))
    data = json.loads(summary.read_text())
    assert data["task"] == "categorical" and data["classes"] == CLASSES
    assert data["n_sum_not_one"] == 1 and data["sum_not_one"][0]["row"] == 4

    report = tmp_path / "report.html"
    assert w.files.export_report(w.plot, str(report))
    page = report.read_text(encoding="utf-8")
    assert "Per class" in page and "3 classes" in page and "p̂ᵢ,yᵢ" in page


def test_recovery_brings_back_the_classes(mc, tmp_path, monkeypatch):
    import bce_gui.ui.files as files_mod

    w = mc
    monkeypatch.setattr(files_mod, "recovery_dir", lambda: tmp_path / "recovery")
    w.model.setData(w.model.index(0, col(w, "actual")), "cherry")
    meta_path = w.files.write_recovery()
    meta = json.loads(meta_path.read_text())
    options = files_mod._recovery_read_options(meta["columns"], meta["schema"])
    back, _ = read_table(meta_path.parent / files_mod.DATA_NAME, options)
    assert back.schema.task.classes == tuple(CLASSES)
    assert back.cell_text("actual", 0) == "cherry" and back.schema.model.columns == tuple(COLUMNS)


def test_import_preview_shows_and_fixes_the_class_mapping(tmp_path, qtbot):
    src = tmp_path / "scores.csv"
    src.write_text("species,p_a,p_b,other\nx,0.3,0.7,0.1\ny,0.6,0.4,0.9\n")
    dialog = ImportDialog(str(src), preview_table(src), ReadOptions())
    qtbot.addWidget(dialog)
    # No actual column by name, per-class columns by name: multi-class, the mapping shown.
    assert dialog.multi_class
    assert dialog.classes_edit.text() == "a, b"
    assert [b.currentData() for b in dialog.class_boxes] == ["p_a", "p_b"]
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()  # no actual column yet
    dialog.role_boxes["actual"].setCurrentIndex(dialog.role_boxes["actual"].findData("species"))
    assert ok.isEnabled(), dialog.message.text()
    # The labels are x and y: the user renames the classes (each keeps its column) ...
    dialog.classes_edit.setText("x, y")
    dialog.classes_edit.editingFinished.emit()
    assert [b.currentData() for b in dialog.class_boxes] == ["p_a", "p_b"]
    # ... and fixes a column: p_a holds y's probability, "other" x's.
    dialog.class_boxes[1].setCurrentIndex(dialog.class_boxes[1].findData("p_a"))
    assert not ok.isEnabled() and "only one role or class" in dialog.message.text()
    dialog.class_boxes[0].setCurrentIndex(dialog.class_boxes[0].findData("other"))
    assert ok.isEnabled(), dialog.message.text()
    ds, _ = read_table(src, dialog.read_options())
    assert ds.schema.task.classes == ("x", "y") and ds.schema.model.columns == ("other", "p_a")
    assert "p_b" in ds.extras
    # A third class needs a column.
    dialog.classes_edit.setText("x, y, z")
    dialog.classes_edit.editingFinished.emit()
    assert len(dialog.class_boxes) == 3 and not ok.isEnabled()


def test_pos_weight_from_a_binary_file_is_turned_off_for_k_classes(window, qtbot):
    from dataclasses import replace

    w = window
    w.set_options(replace(w.doc.options, logits=True, pos_weight=2.0))
    w.actions["example_multiclass"].trigger()
    assert w.doc.options.pos_weight is None and w.doc.turned_off == ["pos_weight"]
    assert not w.settings_panel.pos_weight.isEnabled()


def big_categorical(n, k, seed=5):
    from bce_gui.core.dataset import Dataset, NumericColumn
    from bce_gui.core.schema import Schema

    rng = np.random.default_rng(seed)
    y = rng.integers(0, k, n)
    p = rng.dirichlet(np.ones(k), n)
    cols = {"y": NumericColumn.from_floats(y)}
    cols.update({f"p_{c}": NumericColumn.from_floats(p[:, c]) for c in range(k)})
    ds = Dataset(cols, Schema.categorical(list(range(k)), "y", tuple(f"p_{c}" for c in range(k))))
    return ds, y, p


def test_past_20000_points_the_plot_draws_a_density_of_q(window, qtbot):
    from bce_gui.ui.penalty_plot import BINS, MAX_POINTS

    w = window
    ds, y, p = big_categorical(MAX_POINTS + 5000, 4)
    w.doc.set_dataset(ds, None)
    w.plot.refresh()
    assert w.plot.density_mode
    q = p[np.arange(len(y)), y]
    expected = np.bincount(np.minimum((q * BINS).astype(int), BINS - 1), minlength=BINS)
    np.testing.assert_array_equal(w.plot._counts[:BINS], expected)
    assert w.plot._counts[BINS:].sum() == 0  # one curve: one set of bins
    x, h = w.plot.density1.getData()
    np.testing.assert_allclose(h, -np.log(x), rtol=1e-12)  # every mark on −ln q
    # An edit moves its row between bins (O(1)), and the worst rows stay exact points.
    row = int(np.argmax(q))
    old_bin = min(int(q[row] * BINS), BINS - 1)
    w.model.setData(w.model.index(row, w.model.column_of(f"p_{y[row]}")), "0.0105")
    assert w.plot._counts[old_bin] == expected[old_bin] - 1
    assert w.plot._counts[10] == expected[10] + 1
    exact = sum(len(it.data) for it in w.plot.class_points)
    assert 0 < exact <= 300 + 200


def test_more_than_eight_classes_repeat_the_palette_and_the_tooltip_names_the_class(window):
    w = window
    ds, y, p = big_categorical(60, 11)
    w.doc.set_dataset(ds, None)
    w.plot.refresh()
    labels = [label.text for _s, label in w.plot.legend.items]
    assert "classes 1, 9, … (hover)" in labels and len([t for t in labels if "hover" in t]) == 8
    row = int(np.flatnonzero(y == 9)[0])  # class 9 is drawn by the second item, as class 1
    item = w.plot.class_points[9 % 8]
    assert row in item.data["data"].tolist()
    tip = w.plot._tip(0, 0, row)
    assert "actual class 9" in tip and f"q = p(actual class) = {p[row, 9]:.6g}"[:20] in tip
    assert "… 1 more classes" in tip  # ten classes listed, then the count of the rest


def test_opening_a_multi_class_file_loads_it_in_the_background(window, qtbot, tmp_path):
    from dataclasses import replace

    w = window
    w.set_options(replace(w.doc.options, soft_labels=True))  # carried over from a binary file
    src = tmp_path / "k.csv"
    src.write_text("id,label,p_x,p_y\na,x,0.9,0.1\nb,y,0.4,0.6\nc,y,0.3,0.7\n")
    with qtbot.waitSignal(w.files.loadFinished, timeout=LOADED) as blocker:
        assert w.files.open_path(str(src), ask=False)
    assert blocker.args == [True]
    assert w.doc.categorical and w.doc.dataset.schema.task.classes == ("x", "y")
    assert not w.doc.options.soft_labels  # binary only: turned off, and the status bar says so
    assert "soft labels turned off" in w.statusBar().currentMessage()
    assert w.summary.loss_text() == fmt_result(-np.mean(np.log([0.9, 0.6, 0.7])))


# --------------------------------------------------------------------------------------------
# The statistics views in K-class mode (issue 11 after the merge with issue 10)
# --------------------------------------------------------------------------------------------


def fresh_insight(qtbot, w):
    qtbot.waitUntil(lambda: w.insight.current and not w.insight.busy, timeout=10_000)
    return w.insight.result.insight


def edited(qtbot, w, row: int, cells: dict[str, str]):
    """Type ``cells`` (class column -> text) into one row, as a user does, and return the
    statistics of the edited table once they are computed."""
    fresh_insight(qtbot, w)
    with qtbot.waitSignal(w.insight.updated, timeout=10_000):
        m = w.model
        for key, text in cells.items():
            assert m.setData(m.index(row, col(w, key)), text)
    return fresh_insight(qtbot, w)


def test_the_statistics_views_show_the_k_class_forms(mc, qtbot):
    from sklearn.metrics import roc_auc_score

    w = mc
    ins = fresh_insight(qtbot, w)
    onehot = np.eye(3)[Y]
    assert ins.brier.value == pytest.approx(np.mean(np.sum((P - onehot) ** 2, axis=1)), rel=1e-12)
    assert ins.auc.value == pytest.approx(roc_auc_score(Y, P, multi_class="ovr"), rel=1e-12)
    assert ins.accuracy.value == pytest.approx(np.mean(P.argmax(axis=1) == Y), rel=1e-12)
    conf, right = P.max(axis=1), (P.argmax(axis=1) == Y).astype(float)
    b = np.minimum((conf * 10).astype(int), 9)
    ece = sum(abs(np.sum(right[b == k] - conf[b == k])) for k in range(10)) / len(Y)
    assert ins.ece.value == pytest.approx(ece, rel=1e-12)
    s = w.statistics
    assert s.titles["brier"].text() == "Brier score (summed over classes)"
    assert s.titles["auc"].text() == "ROC AUC (one-vs-rest, macro)"
    assert s.titles["ece"].text() == "Expected calibration error (top-label)"
    assert s.values["brier"].text() == fmt_result(ins.brier.value, 4)
    assert s.threshold.isHidden() and s.threshold_label.isHidden()  # the most probable class
    assert s.values["decomposition"].text() == "not defined"
    assert "binary tasks only" in s.notes["decomposition"].text()
    # The calibration diagram: top-label, no CORP curve, and its legend says only what is drawn.
    cal = w.calibration
    assert "binary tasks only" in cal.note.text() and cal.view.step_x.size == 0
    legend = [label.text for _sample, label in cal.legend.items]
    assert legend == ["perfectly calibrated", "accuracy, per bin of confidence (bars: rows)"]
    assert "Confidence of the most probable class" in cal.item.getAxis("bottom").labelText
    # The conventions, each from the K-class engine; scikit-learn's as its own log_loss gives it.
    from sklearn.metrics import log_loss

    assert w.parity.values["exact"].text() == f"{fmt_number(ins.loss, 7)} nats"
    assert w.parity.values["sklearn"].text() == f"{fmt_number(log_loss(Y, P), 7)} nats"
    assert all(v.text().endswith(" nats") for v in w.parity.values.values())
    assert any("agree with the exact loss" in t for t in w.parity.sentences())
    texts = ([s.text(k) for k in s.values] + [v.text() for v in w.parity.values.values()]
             + w.parity.sentences() + [cal.note.text(), w.loss_histogram.note.text(),
                                       w.summary.guide_note.text()])
    for text in texts:
        assert "nan" not in text.lower().replace("nats", ""), text


def test_k_class_statistics_follow_an_edit(mc, qtbot):
    # F9 (cherry) predicted banana 0.7: now cherry 0.7, the most probable class is right
    ins = edited(qtbot, mc, 8, {"p_banana": "0.2", "p_cherry": "0.7"})
    p = P.copy()
    p[8] = [0.1, 0.2, 0.7]
    assert ins.accuracy.value == pytest.approx(np.mean(p.argmax(axis=1) == Y), rel=1e-12)
    assert ins.brier.value == pytest.approx(np.mean(np.sum((p - np.eye(3)[Y]) ** 2, 1)),
                                            rel=1e-12)


def test_the_k_class_report_says_top_label_and_binary_only(mc, qtbot, tmp_path, monkeypatch):
    import bce_gui.ui.files as files_mod

    monkeypatch.setattr(files_mod, "recovery_dir", lambda: tmp_path / "recovery")
    page = tmp_path / "r.html"
    assert mc.files.export_report(mc.plot, str(page))
    html = page.read_text("utf-8")
    for words in ("Per class", "Brier score (summed over classes)", "ROC AUC (one-vs-rest, macro)",
                  "(top-label)", "Bin of confidence", "No CORP curve: it is computed for binary "
                  "tasks only", "scikit-learn and PyTorch agree with the exact loss"):
        assert words in html, words
    import re

    assert not re.search(r"\bnan\b", html, re.IGNORECASE)


def test_the_guide_bar_does_not_write_a_tick_under_the_baseline_marker(mc):
    g = mc.summary.guide
    assert g.view.baseline_text == "1.099"  # ln 3, just past the 1.00 boundary
    assert g.shown_ticks() == [0, 1, 2]  # 0.05, 0.20, 0.30; "1.00" would sit under the marker


def test_empty_calibration_bins_draw_no_bar(mc, qtbot):
    fresh_insight(qtbot, mc)
    cal = mc.calibration
    # Three classes: the top class's p is at least 1/3, so bins [0, 0.3) are empty.
    assert cal.view.counts[:3].tolist() == [0, 0, 0]
    drawn = np.asarray(cal.bars.opts["x"])
    assert drawn.size == int(np.count_nonzero(cal.view.counts)) and drawn.min() > 0.3


def test_k_class_conventions_name_a_zero_probability_row_and_select_it(mc, qtbot):
    """F2 (banana) edited to p(banana) = 0: the exact and PyTorch losses are infinite, scikit-learn
    and Keras clip; the sentence's button selects F2 in the table."""
    w = mc
    edited(qtbot, w, 1, {"p_apple": "0.95", "p_banana": "0"})
    assert w.parity.values["exact"].text() == "∞ nats"
    assert w.parity.values["torch"].text() == "∞ nats"
    from sklearn.metrics import log_loss

    p = P.copy()
    p[1] = [0.95, 0.0, 0.05]
    sk = log_loss(Y, np.clip(p, 2.220446049250313e-16, 1.0), labels=[0, 1, 2])
    assert w.parity.values["sklearn"].text() == f"{fmt_number(sk, 7)} nats"
    first = w.parity.sentences()[0]
    assert first.startswith("1 row has p = 0 for its actual class: the exact loss is infinite")
    assert "PyTorch's NLLLoss takes its log as given, so it is infinite there too" in first
    qtbot.mouseClick(w.parity.row_buttons[0], Qt.MouseButton.LeftButton)
    assert w.tables.selected_data_rows().tolist() == [1]


def test_the_threshold_comes_back_with_a_binary_table(mc, qtbot):
    w = mc
    fresh_insight(qtbot, w)
    assert w.statistics.threshold.isHidden()
    w.load_example()  # the binary worked example
    fresh_insight(qtbot, w)
    assert not w.statistics.threshold.isHidden() and not w.statistics.threshold_label.isHidden()
    assert w.statistics.threshold.isEnabled()


def test_the_guide_states_the_loss_and_the_baseline_as_the_summary_does(window, qtbot, tmp_path):
    """The marker read "no skill 1.1" and the sentence "already scores 1.1 nats" while the
    baseline sentence beside them said 1.097 (QA, its 3-class file; the loss's marker 3.47
    under a loss of 3.471): the guide gives both to the summary's digits."""
    w = window
    src = tmp_path / "mc.csv"
    src.write_text(QA_MC_CSV, encoding="utf-8")
    with qtbot.waitSignal(w.files.loadFinished, timeout=LOADED):
        assert w.files.open_path(str(src), ask=False, confirm_import=False)
    y = np.array([0, 1, 2, 0, 1, 2, 2, 0, 1, 2, 0])
    weights = np.array([1, 2, 1, 1.5, 1, 0.5, 1, 1, 1, 2, 1])
    shares = np.bincount(y, weights=weights) / weights.sum()
    entropy = float(-(shares * np.log(shares)).sum())  # the no-skill loss: 1.097 nats
    view = w.summary.guide.view
    assert view.baseline_text == f"{entropy:.4g}" == "1.097"
    assert f": {view.baseline_text} nats. " in w.summary.meaning_label.text()
    assert f"already scores {view.baseline_text} nats" in w.summary.guide_note.text()
    assert view.loss_text == w.summary.loss_text() == "0.583"
    m = w.model
    assert m.setData(m.index(0, m.column_of("p_cat")), "0.001")  # r1's loss: 6.9 nats
    p_actual = np.array([0.001, 0.8, 0.6, 0.5, 0.3, 0.9, 0.4, 0.9, 0.7, 0.5, 0.6])
    loss = float((weights * -np.log(p_actual)).sum() / weights.sum())
    qtbot.waitUntil(lambda: w.summary.loss_text() == f"{loss:.4g}" == "1.034")
    assert w.summary.guide.view.loss_text == w.summary.loss_text()


@pytest.mark.parametrize("by", ["shortcut", "menu"])
def test_a_header_as_the_table_shows_it_pastes_into_its_columns(mc, qtbot, by):
    """The table's own titles (p(apple), not the file's p_apple) name their columns: every
    probability lands, nothing is "not used"."""
    w = mc
    view = w.obs_view
    view.selectionModel().clear()
    view.setCurrentIndex(w.model.index(-1, -1))
    QGuiApplication.clipboard().setText("ID\tActual\tp(apple)\tp(banana)\tp(cherry)\n"
                                        "F13\tbanana\t0.2\t0.7\t0.1\n")
    if by == "shortcut":
        qtbot.keyClick(view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    else:
        edit = next(a.menu() for a in w.menuBar().actions() if a.text() == "&Edit")
        next(a for a in edit.actions() if a.text() == "&Paste").trigger()
    ds = w.doc.dataset
    assert len(ds) == 13
    assert [ds.cell_text(k, 12) for k in ("id", "actual", *COLUMNS)] == ["F13", "banana", "0.2", "0.7", "0.1"]
    assert "not used" not in w.statusBar().currentMessage()
    p = np.vstack([P, [0.2, 0.7, 0.1]])
    assert w.summary.loss_text() == fmt_result(expected_loss(p, np.append(Y, 1)))


def test_headers_read_off_the_table_paste_back_in_any_order(mc, qtbot):
    """A header row made of the table's column titles as its header shows them (another
    model's columns too, "Model 2: p(apple)"), shuffled, pastes every cell into its column."""
    w = mc
    w.model_actions.add_model_column(w.model_actions.copy_choice())
    m = w.model
    inputs = [c for c in range(m.columnCount()) if not m.columns[c].result]
    titles = [m.headerData(c, Qt.Orientation.Horizontal) for c in inputs]
    assert "p(apple)" in titles and "Model 2: p(cherry)" in titles
    values = {m.columns[c].key: f"0.{k + 1}" for k, c in enumerate(inputs)}
    values.update(id="F13", actual="cherry")
    order = inputs[::-1]
    QGuiApplication.clipboard().setText(
        "\t".join(m.headerData(c, Qt.Orientation.Horizontal) for c in order) + "\n"
        + "\t".join(values[m.columns[c].key] for c in order) + "\n")
    w.obs_view.selectionModel().clear()
    qtbot.keyClick(w.obs_view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    ds = w.doc.dataset
    assert len(ds) == 13
    assert {m.columns[c].key: ds.cell_text(m.columns[c].key, 12) for c in inputs} == values
    assert "not used" not in w.statusBar().currentMessage()
