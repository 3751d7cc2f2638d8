"""Comparing models in the window (issue 12): several prediction columns in one table (a model
column added, another column of the file, predictions joined by ID), the Compare tab computed
off the GUI thread, its rows linked to the table and the penalty curve, undo and save keeping
every model column, and the report's leaderboard.

Values are checked against scikit-learn, never against numbers copied from the app's output.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMessageBox
from sklearn.metrics import log_loss

from bce_gui.core.dataset import Dataset, NumericColumn
from bce_gui.core.formatting import fmt_number, fmt_result
from bce_gui.core.schema import Schema
from bce_gui.ui.model_actions import NEW_COLUMN

# The worked example: ID1..ID10.
Y = np.array([1, 0, 1, 0, 1, 1, 0, 0, 1, 0], dtype=float)
P = np.array([0.94, 0.1, 0.83, 0.17, 0.89, 0.94, 0.24, 0.56, 0.82, 0.12])
IDS = [f"ID{i}" for i in range(1, 11)]


def press(qtbot, w, keys: str) -> None:
    seq = QKeySequence(keys)[0]
    qtbot.keyClick(w.obs_view, seq.key(), seq.keyboardModifiers())


def fresh(qtbot, w, timeout=10_000):
    """Wait until the comparison shown is that of the table as it is now."""
    qtbot.waitUntil(lambda: w.compare.current and not w.compare._busy, timeout=timeout)
    return w.compare.result


def edit(w, row: int, key: str, text: str) -> None:
    m = w.model
    assert m.setData(m.index(row, m.column_of(key)), text)


def predictions_file(tmp_path, rows, name="other.csv"):
    path = tmp_path / name
    path.write_text("id,predicted\n" + "".join(f"{i},{p}\n" for i, p in rows))
    return path


def joined(qtbot, w) -> None:
    """Wait until a join (read on a worker) has landed or said why not."""
    qtbot.waitUntil(lambda: not w.model_actions.joining, timeout=10_000)


@pytest.mark.parametrize("by", ["shortcut", "menu"])
def test_add_model_column_then_undo(window, qtbot, dialogs, by):
    w = window
    dialogs.answer("item", NEW_COLUMN)
    if by == "shortcut":
        assert w.actions["add_model"].shortcut() == QKeySequence("Ctrl+Shift+M")
        press(qtbot, w, "Ctrl+Shift+M")
    else:
        w.actions["add_model"].trigger()
    assert dialogs.of("item") and w.doc.n_models == 2
    col = w.model.column_of("Model 2")
    assert col > 0 and w.model.columns[col].editable
    assert w.model.data(w.model.index(0, col)) == "0.94"  # a copy of Predicted to paste over
    r = fresh(qtbot, w)
    assert r.differences[0].difference.value == 0.0
    w.doc.undo_stack.undo()
    assert w.doc.n_models == 1 and w.model.column_of("Model 2") == -1
    r = fresh(qtbot, w)
    assert r is None and w.compare_view.empty.isVisibleTo(w.compare_view)


def test_an_edit_of_the_model_column_updates_the_comparison(window, qtbot, dialogs):
    w = window
    w.model_actions.add_model_column(NEW_COLUMN)
    fresh(qtbot, w)
    edit(w, 7, "Model 2", "0.05")  # ID8, class 0: the second model is right where Predicted is not
    r = fresh(qtbot, w)
    p2 = P.copy()
    p2[7] = 0.05
    d = r.differences[0]
    assert d.difference.value == pytest.approx(log_loss(Y, p2) - log_loss(Y, P), rel=1e-12)
    assert d.better_share.value == pytest.approx(0.1)
    assert d.rows[0] == 7  # the largest |Δ row loss|
    w.compare_view.set_result(r)
    assert w.compare_view.leaderboard.item(0, 0).text() == "Model 2"
    assert w.compare_view.leaderboard.item(1, 0).text() == "Predicted (reference)"
    assert w.compare_view.leaderboard.item(0, 1).text() == fmt_number(log_loss(Y, p2), 4)


def test_a_column_of_the_file_becomes_a_model(make_window, qtbot, tmp_path, dialogs):
    path = tmp_path / "two.csv"
    b = np.clip(P + 0.05, 0, 1)
    path.write_text("id,actual,predicted,model_b\n" + "".join(
        f"{i},{int(y)},{p},{q!r}\n" for i, y, p, q in zip(IDS, Y, P, b.tolist())))
    w = make_window(load_example=False)
    assert w.files.open_path(str(path), ask=False)
    qtbot.waitUntil(lambda: len(w.doc) == 10, timeout=10_000)
    dialogs.answer("item", "model_b")
    w.actions["add_model"].trigger()
    assert "model_b" in dialogs.of("item")[0].filters.split(";;")
    r = fresh(qtbot, w)
    assert r.models[1].column == "model_b"
    assert r.models[1].loss == pytest.approx(log_loss(Y, b), rel=1e-12)
    # Save keeps every model column; the file reads back with both
    out = tmp_path / "saved.csv"
    dialogs.answer("save", str(out))
    assert w.files.save_as()
    text = out.read_text()
    assert text.splitlines()[0] == "id,actual,predicted,model_b"
    assert text.splitlines()[1].split(",")[3] == repr(float(b[0]))


def test_join_predictions_by_id_with_the_shortcut(window, qtbot, tmp_path, dialogs):
    w = window
    other = np.array([0.9, 0.2, 0.7, 0.3, 0.6, 0.8, 0.4, 0.3, 0.9])  # ID1..ID9, shuffled below
    rows = [(IDS[i], other[i]) for i in (8, 3, 0, 5, 1, 7, 2, 6, 4)]
    rows.append(("ID99", 0.5))  # not in the table
    dialogs.answer("open", str(predictions_file(tmp_path, rows)))
    assert w.actions["join"].shortcut() == QKeySequence("Ctrl+Shift+J")
    press(qtbot, w, "Ctrl+Shift+J")
    joined(qtbot, w)
    assert w.doc.n_models == 2 and len(w.doc) == 11
    info = dialogs.of("information")[-1].text
    assert "9 of the table's 10 rows matched (9 of the file's 10 IDs)" in info
    assert "1 ID of the table has no prediction ('ID10')" in info
    assert "1 ID is not in the table ('ID99')" in info
    r = fresh(qtbot, w)
    assert r.n == 9  # ID10 (no prediction) and ID99 (no actual) are left out of both
    assert r.models[1].loss == pytest.approx(log_loss(Y[:9], other), rel=1e-12)
    assert r.models[0].loss == pytest.approx(log_loss(Y[:9], P[:9]), rel=1e-12)
    w.doc.undo_stack.undo()
    assert w.doc.n_models == 1 and len(w.doc) == 10


def test_a_join_that_leaves_table_rows_without_a_prediction_says_so(window, qtbot, tmp_path,
                                                                     dialogs):
    """A QA run: a 2-row predictions file joined into the 10-row example said '2 of 2 IDs
    matched' while 8 rows got no prediction and every model was scored on 2 rows."""
    w = window
    dialogs.answer("open", str(predictions_file(tmp_path, [("ID1", 0.9), ("ID2", 0.2)])))
    press(qtbot, w, "Ctrl+Shift+J")
    joined(qtbot, w)
    info = dialogs.of("information")[-1].text
    headline = "Joined other.csv as model other: 2 of the table's 10 rows matched"
    assert info.startswith(headline + " (2 of the file's 2 IDs).")
    assert "8 IDs of the table have no prediction" in info
    assert "every model is scored on the 2 rows all models have" in info
    assert w.statusBar().currentMessage().startswith(headline)
    assert fresh(qtbot, w).n == 2
    # The summary's loss is now of 2 rows (the first model's too): it says why
    assert w.summary.loss_text() == fmt_result(log_loss(Y[:2], P[:2], labels=[0, 1]))
    counts = w.summary.counts_label.text()
    assert "N used: <b>2</b>" in counts
    assert ("Scored on the 2 rows every model has (8 rows have no usable prediction from "
            "other)") in counts
    w.doc.undo_stack.undo()
    assert "Scored on" not in w.summary.counts_label.text()


def test_join_refuses_duplicate_ids_and_says_so(window, qtbot, tmp_path, dialogs):
    w = window
    path = predictions_file(tmp_path, [("ID1", 0.5), ("ID2", 0.4), ("ID1", 0.6)])
    dialogs.answer("open", str(path))
    w.actions["join"].trigger()
    joined(qtbot, w)
    assert w.doc.n_models == 1
    assert "duplicate IDs: 'ID1' (rows 2, 4)" in dialogs.of("warning")[-1].text


def test_join_names_ids_that_differ_only_in_case(window, qtbot, tmp_path, dialogs):
    w = window
    rows = [(i.lower() if i == "ID3" else i, 0.5) for i in IDS]
    w.model_actions.join_predictions(str(predictions_file(tmp_path, rows)))
    joined(qtbot, w)
    info = dialogs.of("information")[-1].text
    assert "'ID3' ~ 'id3'" in info and "NOT matched" in info


def test_reference_choice_flips_the_difference(window, qtbot, dialogs):
    w = window
    w.model_actions.add_model_column(NEW_COLUMN)
    edit(w, 7, "Model 2", "0.05")
    r = fresh(qtbot, w)
    before = r.differences[0].difference.value
    w.compare_view.reference.setCurrentIndex(1)
    r = fresh(qtbot, w)
    assert r.reference == 1 and r.differences[0].column == "Predicted"
    assert r.differences[0].difference.value == pytest.approx(-before, rel=1e-12)


def test_the_reference_button_does_not_change_the_verdict(make_window, qtbot, dialogs):
    """The QA's file: 'model_b is better' with Predicted as the reference turned into 'the
    difference could be 0' with model_b as the reference. The interval shown is now the mirror
    and the sentence says the same either way."""
    from pathlib import Path

    w = make_window(load_example=False)
    path = Path(__file__).parents[1] / "reference" / "qa_two_models.csv"
    assert w.files.open_path(str(path), ask=False)
    qtbot.waitUntil(lambda: len(w.doc) == 300, timeout=10_000)
    dialogs.answer("item", "model_b")
    w.actions["add_model"].trigger()
    first = fresh(qtbot, w).differences[0]
    qtbot.waitUntil(lambda: "model_b −" in w.compare_view.sentences.text())
    said_first = w.compare_view.sentences.text()
    w.compare_view.reference.setCurrentIndex(1)
    qtbot.waitUntil(lambda: w.compare.result.reference == 1 and not w.compare._busy,
                    timeout=10_000)
    second = w.compare.result.differences[0]
    qtbot.waitUntil(lambda: "− model_b" in w.compare_view.sentences.text())
    said_second = w.compare_view.sentences.text()
    assert (second.ci95.low, second.ci95.high) == (-first.ci95.high, -first.ci95.low)
    if "could be 0" in said_first:
        assert "could be 0" in said_second
    else:
        assert ("is better than" in said_first) == ("is worse than" in said_second)


def test_a_disagreeing_row_is_selected_and_shown_on_the_penalty_curve(window, qtbot, dialogs):
    w = window
    w.model_actions.add_model_column(NEW_COLUMN)
    edit(w, 7, "Model 2", "0.05")
    fresh(qtbot, w)
    view = w.compare_view
    assert view.disagree.item(0, 1).text() == "ID8"
    view.disagree.selectRow(0)
    assert w.tables.selected_data_rows().tolist() == [7]
    x, y = w.plot.pair_points_shown()
    assert x.tolist() == [0.56, 0.05]
    np.testing.assert_allclose(y, [-math.log(1 - 0.56), -math.log(1 - 0.05)], rtol=1e-12)
    w.tables.select_data_rows([])
    assert w.plot.pair_points_shown()[0].size == 0


def test_the_scatter_draws_a_density_at_scale(make_window, qtbot):
    w = make_window(load_example=False)
    n = 30_000
    rng = np.random.default_rng(0)
    y = (rng.random(n) < 0.4).astype(float)
    a, b = rng.uniform(0.01, 0.99, n), rng.uniform(0.01, 0.99, n)
    ds = Dataset({"actual": NumericColumn(y), "a": NumericColumn(a), "b": NumericColumn(b)},
                 Schema.binary("actual", ("a", "b")))
    w.doc.set_dataset(ds)
    r = fresh(qtbot, w, timeout=30_000)
    assert r.n == n
    view = w.compare_view
    view.set_result(r)
    s = view.scatter.scatter
    assert s.density and s.counts.sum() == n
    assert view.scatter.points.data.size == s.x.size  # one mark per non-empty cell


def test_paste_into_the_model_column(window, qtbot, dialogs, monkeypatch):
    from PySide6.QtWidgets import QApplication

    w = window
    w.model_actions.add_model_column(NEW_COLUMN)
    col = w.model.column_of("Model 2")
    w.obs_view.setCurrentIndex(w.model.index(0, col))
    QApplication.clipboard().setText("0.5\n0.5\n")
    w.paste()
    assert w.doc.dataset.columns["Model 2"].values[:3].tolist() == [0.5, 0.5, 0.83]
    r = fresh(qtbot, w)
    p2 = P.copy()
    p2[:2] = 0.5
    assert r.models[1].loss == pytest.approx(log_loss(Y, p2), rel=1e-12)


def test_the_report_has_the_leaderboard_and_the_differences(window, qtbot, tmp_path,
                                                           monkeypatch, dialogs):
    import bce_gui.ui.files as files_mod

    monkeypatch.setattr(files_mod, "recovery_dir", lambda: tmp_path / "recovery")
    w = window
    w.model_actions.add_model_column(NEW_COLUMN)
    edit(w, 7, "Model 2", "0.05")  # stale comparison: the report computes it
    page = tmp_path / "r.html"
    assert w.files.export_report(w.plot, str(page))
    html = page.read_text("utf-8")
    p2 = P.copy()
    p2[7] = 0.05
    for words in ("Models compared", "Against the reference, Predicted", "Model 2 − Predicted = ", "Better on",
                  fmt_number(log_loss(Y, p2), 4), fmt_number(log_loss(Y, p2) - log_loss(Y, P), 4)):
        assert words in html, words


def test_join_a_k_class_predictions_file(make_window, qtbot, tmp_path, dialogs):
    from bce_gui.ui.main_window import load_multiclass_example

    w = make_window(load_example=False)
    ds = load_multiclass_example()
    w.doc.set_dataset(ds)
    classes = ds.schema.task.classes
    ids = ds.ids.tolist()
    path = tmp_path / "uniform.csv"
    k = len(classes)
    # columns in another order than the table's: matched by class name
    path.write_text("id," + ",".join(f"p_{c}" for c in reversed(classes)) + "\n"
                    + "".join(f"{i}," + ",".join([repr(1 / k)] * k) + "\n" for i in reversed(ids)))
    dialogs.answer("open", str(path))
    w.actions["join"].trigger()  # (its shortcut: test_join_predictions_by_id_with_the_shortcut)
    joined(qtbot, w)
    assert w.doc.n_models == 2
    r = fresh(qtbot, w)
    assert r.models[1].loss == pytest.approx(math.log(k), rel=1e-12)
    first = w.doc.live.totals.mean
    assert r.differences[0].difference.value == pytest.approx(math.log(k) - first, rel=1e-12)
    # The joined model's class columns are in the table, titled by model and class, editable
    m = w.model
    model = w.doc.dataset.schema.models[1]
    titles = [m.headerData(i, Qt.Orientation.Horizontal) for i in range(m.columnCount())]
    from bce_gui.core.class_labels import label_text

    for c, name in zip(classes, model.columns):
        assert f"{model.name}: p({label_text(c)})" in titles
    col = m.column_of(model.columns[0])
    row = ids.index(ids[0])
    assert float(m.data(m.index(row, col))) == pytest.approx(1 / k, rel=1e-4)
    y0 = int(w.doc.live.labels[row])
    # give the actual class of row 1 all the probability under the second model: its row loss 0
    for j, name in enumerate(model.columns):
        assert m.setData(m.index(row, m.column_of(name)), "1" if j == y0 else "0")
    r = fresh(qtbot, w)
    n = len(ids)
    assert r.models[1].loss == pytest.approx(math.log(k) * (n - 1) / n, rel=1e-12)
    for _ in model.columns:
        w.doc.undo_stack.undo()
    r = fresh(qtbot, w)
    assert r.models[1].loss == pytest.approx(math.log(k), rel=1e-12)


@pytest.mark.parametrize("table", ["file", "k classes"])
def test_the_first_model_is_called_predicted_as_the_table_titles_it(make_window, qtbot, tmp_path,
                                                                    monkeypatch, dialogs, table):
    """A QA run: the reference was 'Predicted' for the worked example but 'predicted' (the
    file's column, or a K-class model's name) for files: the Compare tab, the report and the
    penalty curve now call it as the table does."""
    import bce_gui.ui.files as files_mod
    from pathlib import Path

    from bce_gui.core.compare import row_points

    monkeypatch.setattr(files_mod, "recovery_dir", lambda: tmp_path / "recovery")
    w = make_window(load_example=False)
    if table == "file":
        path = Path(__file__).parents[1] / "reference" / "qa_two_models.csv"
        assert w.files.open_path(str(path), ask=False)
        qtbot.waitUntil(lambda: len(w.doc) == 300, timeout=10_000)
        dialogs.answer("item", "model_b")
        w.actions["add_model"].trigger()
        other = "model_b"
    else:
        from bce_gui.ui.main_window import load_multiclass_example

        w.doc.set_dataset(load_multiclass_example())
        w.model_actions.add_model_column(NEW_COLUMN)
        other = w.doc.dataset.schema.models[1].name
    assert w.doc.dataset.schema.models[0].name == "predicted"  # the file's, or the K-class default
    r = fresh(qtbot, w)
    assert [m.column for m in r.models] == ["Predicted", other]
    qtbot.waitUntil(lambda: f"{other} − Predicted" in w.compare_view.sentences.text())
    board = [w.compare_view.leaderboard.item(i, 0).text() for i in range(2)]
    assert "Predicted (reference)" in board
    page = tmp_path / "r.html"
    assert w.files.export_report(w.plot, str(page))
    html = page.read_text("utf-8")
    assert "Against the reference, Predicted" in html and f"{other} − Predicted = " in html
    assert "predicted" not in html.split("Models compared", 1)[1].split("</table>", 1)[0]
    if table == "file":
        points = row_points(w.doc.dataset, w.doc.options, w.doc.live.losses, 0)
        assert [name for name, _x, _y in points] == ["Predicted", "model_b"]


def test_add_model_column_to_a_k_class_table_copies_its_class_columns(window, qtbot, dialogs):
    """The dialog offered "A copy of Predicted" for three probability columns, and choosing it
    said a K-class model cannot be added so: it copies the K columns now, and says so."""
    from bce_gui.core.class_labels import label_text
    from bce_gui.ui.main_window import load_multiclass_example

    w = window
    w.actions["example_multiclass"].trigger()
    ds = load_multiclass_example()  # the same table, to compare with
    first = [label_text(c) for c in ds.schema.task.classes]
    choices = w.model_actions.column_choices()
    assert choices == [w.model_actions.copy_choice()]  # (an extra column is no K-class model)
    assert choices[0].startswith(
        f"A copy of the current model's 3 probability columns, p({first[0]}), p({first[1]}), "
        f"p({first[2]})")
    dialogs.answer("item", choices[0])
    press(qtbot, w, "Ctrl+Shift+M")
    (asked,) = dialogs.of("item")
    assert "compared with the current model" in asked.text and not dialogs.of("warning")
    assert w.doc.n_models == 2
    model = w.doc.dataset.schema.models[1]
    assert model.columns == tuple(f"{model.name}_{c}" for c in ds.schema.models[0].columns)
    titles = [w.model.headerData(i, Qt.Orientation.Horizontal) for i in range(w.model.columnCount())]
    assert [f"{model.name}: p({c})" in titles for c in first] == [True] * 3
    r = fresh(qtbot, w)
    assert r.differences[0].difference.value == 0.0
    # Type another model over the copy: its loss is scikit-learn's for those probabilities
    y = w.doc.live.labels.astype(int)
    probs = np.column_stack([ds.columns[c].values for c in ds.schema.models[0].columns])
    for j, name in enumerate(model.columns):
        edit(w, 0, name, "1" if j == y[0] else "0")
    probs[0] = np.eye(3)[y[0]]
    r = fresh(qtbot, w)
    assert r.models[1].loss == pytest.approx(log_loss(y, probs, labels=[0, 1, 2]), rel=1e-12)
    for _ in range(4):  # three cells, then the model
        w.doc.undo_stack.undo()
    assert w.doc.n_models == 1 and w.doc.dataset.schema.models[0].columns == ds.schema.models[0].columns


def test_a_join_is_read_off_the_gui_thread_and_dropped_if_the_table_changed(window, qtbot, tmp_path, dialogs):
    import threading

    from bce_gui.ui import model_actions

    w = window
    rows = [(i, 0.5) for i in IDS]
    threads = []
    gate = threading.Event()
    real = model_actions.join_into

    def slow_join(dataset, path):
        threads.append(threading.current_thread())
        gate.wait(10)
        return real(dataset, path)

    model_actions.join_into = slow_join
    try:
        w.model_actions.join_predictions(str(predictions_file(tmp_path, rows)))
        assert w.model_actions.joining and w.doc.n_models == 1  # the window answers meanwhile
        edit(w, 0, "predicted", "0.5")  # the table changes while the file is read
        gate.set()
        joined(qtbot, w)
    finally:
        model_actions.join_into = real
    assert threads and threads[0] is not threading.main_thread()
    assert w.doc.n_models == 1  # nothing joined onto a table the file was not matched with
    assert "The table changed while" in dialogs.of("warning")[-1].text
    w.model_actions.join_predictions(str(predictions_file(tmp_path, rows)))
    joined(qtbot, w)
    assert w.doc.n_models == 2


def set_units(w, qtbot, units: str) -> None:
    """Choose the units as the user does: in the settings panel's box."""
    box = w.settings_panel.units
    box.setCurrentIndex(box.findData(units))
    assert w.model.units == units and w.compare_view.units == units


def test_the_compare_tab_follows_the_units_nats_bits_nats(window, qtbot, dialogs):
    """Found by the team: in bits the Compare tab still showed its losses, intervals, Δ row
    losses, sentences and scatter axes in nats, under headers that named no unit. Switched with
    the comparison showing, every loss of the tab follows at once (no new comparison needed);
    Brier, AUC, ECE and the share of rows are not losses and stay as they are."""
    w = window
    w.model_actions.add_model_column(NEW_COLUMN)
    edit(w, 7, "Model 2", "0.05")  # ID8, class 0
    r = fresh(qtbot, w)
    view = w.compare_view
    qtbot.waitUntil(lambda: view.result is r, timeout=5000)
    w.show_view("compare")
    p2 = P.copy()
    p2[7] = 0.05
    loss = {"Model 2": log_loss(Y, p2), "Predicted (reference)": log_loss(Y, P)}
    delta_id8 = -math.log(1 - 0.05) + math.log(1 - 0.56)  # Model 2 − Predicted on ID8

    def header(table, col):
        return table.horizontalHeaderItem(col).text()

    def shown(units: str, unit: float, other: str):
        lb, df, dis = view.leaderboard, view.differences, view.disagree
        assert header(lb, 1) == f"Loss ({units})"
        assert header(df, 1) == f"Δ loss vs reference ({units})"
        assert header(dis, 2) == f"Δ row loss ({units})"
        for row in range(2):
            name = lb.item(row, 0).text()
            assert lb.item(row, 1).text() == fmt_number(loss[name] / unit, 4)
            m = next(m for m in r.models if name.startswith(m.column))
            assert lb.item(row, 2).text() == (f"{fmt_number(m.ci95.low / unit, 3)} to "
                                              f"{fmt_number(m.ci95.high / unit, 3)}")
            assert lb.item(row, 3).text() == fmt_number(m.brier.value, 4)  # not a loss
        d = r.differences[0]
        diff = (loss["Model 2"] - loss["Predicted (reference)"]) / unit
        assert df.item(0, 1).text() == fmt_number(diff, 4)
        assert df.item(0, 2).text() == (f"{fmt_number(d.ci95.low / unit, 3)} to "
                                        f"{fmt_number(d.ci95.high / unit, 3)}")
        assert df.item(0, 3).text() == f"{fmt_number(10.0, 3)}% of rows"
        assert (dis.item(0, 1).text(), dis.item(0, 2).text()) == ("ID8", fmt_number(delta_id8 / unit, 4))
        text = view.sentences.text()
        assert text.startswith(f"Model 2 − Predicted = {fmt_number(diff, 4)} {units} (95% interval ")
        assert other not in text
        item = view.scatter.item
        assert item.getAxis("bottom").labelText == f"Row loss of Predicted ({units})"
        assert item.getAxis("left").labelText == f"Row loss of Model 2 ({units})"
        s = view.scatter.scatter
        assert s.units == units and 10 ** s.y[7] == pytest.approx(-math.log(1 - 0.05) / unit, rel=1e-9)

    shown("nats", 1.0, "bits")
    set_units(w, qtbot, "bits")
    assert w.compare.result is r  # the same comparison, shown in other units
    shown("bits", math.log(2), "nats")
    set_units(w, qtbot, "nats")
    shown("nats", 1.0, "bits")


def test_a_settings_change_while_the_file_is_read_does_not_refuse_the_join(window, qtbot, tmp_path,
                                                                           dialogs):
    """Found by the team: a join was refused ("The table changed while ... was read") when only
    a setting changed meanwhile, because the undo stack moved. A setting is not the data: the
    join lands, under the settings now in force. (A data edit still refuses it: see
    test_a_join_is_read_off_the_gui_thread_and_dropped_if_the_table_changed.)"""
    import threading

    from bce_gui.ui import model_actions

    w = window
    rows = [(i, 0.5) for i in IDS]
    gate = threading.Event()
    real = model_actions.join_into

    def slow_join(dataset, path):
        gate.wait(10)
        return real(dataset, path)

    model_actions.join_into = slow_join
    try:
        w.model_actions.join_predictions(str(predictions_file(tmp_path, rows)))
        assert w.model_actions.joining
        steps = w.doc.undo_stack.index()
        w.switch_policy("sklearn")  # a setting changes while the file is read
        assert w.doc.undo_stack.index() == steps + 1 and w.doc.options.policy.name == "sklearn"
        gate.set()
        joined(qtbot, w)
    finally:
        model_actions.join_into = real
    assert not [c for c in dialogs.of("warning") if "changed while" in c.text]
    assert w.doc.n_models == 2 and w.doc.options.policy.name == "sklearn"
    r = fresh(qtbot, w)
    assert r.models[1].loss == pytest.approx(math.log(2), rel=1e-12)
    # undo takes the join back, then the setting
    w.doc.undo_stack.undo()
    assert w.doc.n_models == 1 and w.doc.options.policy.name == "sklearn"
    w.doc.undo_stack.undo()
    assert w.doc.options.policy.name != "sklearn"


def notes_file(tmp_path):
    """The QA's table: a comment column of text, and a second model's column with one typo."""
    path = tmp_path / "notes.csv"
    b = np.clip(P + 0.05, 0, 1)
    cells = [repr(float(q)) for q in b]
    cells[4] = "0..9"  # ID5: a typo
    path.write_text("id,actual,predicted,comment,model_b\n" + "".join(
        f"{i},{int(y)},{p},note {k + 1},{q}\n" for k, (i, y, p, q) in enumerate(zip(IDS, Y, P, cells))))
    return path, b


@pytest.mark.parametrize("by", ["shortcut", "menu"])
def test_a_text_column_is_not_offered_as_a_model_and_a_typo_is_named(make_window, qtbot, tmp_path,
                                                                     dialogs, by):
    path, b = notes_file(tmp_path)
    w = make_window(load_example=False)
    assert w.files.open_path(str(path), ask=False)
    qtbot.waitUntil(lambda: len(w.doc) == 10, timeout=10_000)
    assert set(w.doc.dataset.extras) == {"comment", "model_b"}
    dialogs.answer("item", "model_b")
    if by == "shortcut":
        press(qtbot, w, "Ctrl+Shift+M")
    else:
        edit = next(a.menu() for a in w.menuBar().actions() if a.text() == "&Edit")
        next(a for a in edit.actions() if a is w.actions["add_model"]).trigger()
    asked = dialogs.of("item")[0]
    assert asked.filters.split(";;") == [NEW_COLUMN, "model_b"]
    assert "Not offered, mostly not probabilities: comment" in asked.text
    assert w.doc.n_models == 2
    assert w.statusBar().currentMessage().endswith(
        "1 cell is not a probability in [0, 1], so its row is left out: row 5 (ID ID5): '0..9', "
        "not a number")
    r = fresh(qtbot, w)
    keep = np.arange(10) != 4  # every model is scored on the rows all can be scored on
    assert r.models[1].loss == pytest.approx(log_loss(Y[keep], b[keep]), rel=1e-12)
    assert r.models[0].loss == pytest.approx(log_loss(Y[keep], P[keep]), rel=1e-12)


def test_a_text_column_reached_another_way_is_refused_and_nothing_changes(make_window, qtbot,
                                                                          tmp_path, dialogs):
    path, _ = notes_file(tmp_path)
    w = make_window(load_example=False)
    assert w.files.open_path(str(path), ask=False)
    qtbot.waitUntil(lambda: len(w.doc) == 10, timeout=10_000)
    steps = w.doc.undo_stack.count()
    assert not w.model_actions.add_model_column("comment")
    warning = dialogs.of("warning")[-1]
    assert warning.title == "Add model column" and warning.text.startswith(
        "comment: column 'comment' cannot be a model: 0 of its 10 non-empty cells are "
        "probabilities in [0, 1] (row 1 (ID ID1): 'note 1', not a number; …)")
    assert w.doc.n_models == 1 and w.doc.undo_stack.count() == steps
    assert w.doc.live.totals.mean == pytest.approx(log_loss(Y, P), rel=1e-12)


def test_logits_offer_columns_of_any_finite_numbers(make_window, qtbot, tmp_path, dialogs):
    path = tmp_path / "logits.csv"
    z = np.log(P / (1 - P))
    path.write_text("id,actual,logit,z_b,comment\n" + "".join(
        f"{i},{int(y)},{a!r},{a + 0.5!r},n{i}\n" for i, y, a in zip(IDS, Y, z.tolist())))
    w = make_window(load_example=False)
    dialogs.answer("question", QMessageBox.StandardButton.Yes)  # "Read them as logits?"
    assert w.files.open_path(str(path), ask=False)
    qtbot.waitUntil(lambda: len(w.doc) == 10 and w.doc.options.logits, timeout=10_000)
    assert w.model_actions.column_choices()[1:] == ["z_b"]
    assert w.model_actions.add_model_column("z_b")
    assert fresh(qtbot, w).models[1].loss == pytest.approx(log_loss(Y, 1 / (1 + np.exp(-(z + 0.5)))),
                                                           rel=1e-9)


def test_the_results_export_has_every_model_and_names_the_missing_prediction(window, qtbot, tmp_path, dialogs):
    """Found by QA: after a join that left ID3 without a prediction, Ctrl+Shift+R wrote
    "predicted: missing value" for ID3 (whose Predicted is 0.83) and no column of the joined
    model. The status names the joined column; its predictions and row losses are exported."""
    import csv

    w = window
    other = {IDS[i]: v for i, v in enumerate([0.8, 0.3, None, 0.1, 0.7, 0.6, 0.2, 0.4, 0.9, 0.05])}
    path = predictions_file(tmp_path, [(i, v) for i, v in other.items() if v is not None], "pred_b.csv")
    w.model_actions.join_predictions(str(path))
    joined(qtbot, w)
    assert w.doc.n_models == 2
    out = tmp_path / "results.csv"
    dialogs.answer("save", str(out))
    press(qtbot, w, "Ctrl+Shift+R")
    with open(out, newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0])[-4:] == ["pred_b", "pred_b_row_loss", "pred_b_row_loss_bits", "status"]
    id3 = rows[2]
    assert id3["id"] == "ID3" and id3["predicted"] == "0.83" and id3["pred_b"] == ""
    assert id3["status"] == "pred_b: missing value"
    note = w.model.data(w.model.index(2, w.model.column_of("note")))
    assert "pred_b" in note  # the window's Note says the same
    for r, y in zip(rows, Y):
        if r["id"] == "ID3":
            continue
        q = other[r["id"]] if y == 1 else 1 - other[r["id"]]
        assert float(r["pred_b"]) == other[r["id"]]
        assert float(r["pred_b_row_loss"]) == pytest.approx(-math.log(q), rel=1e-15)
        assert float(r["pred_b_row_loss_bits"]) == pytest.approx(-math.log2(q), rel=1e-15)
    valid = [i for i in range(10) if i != 2]
    assert np.mean([float(rows[i]["pred_b_row_loss"]) for i in valid]) == pytest.approx(
        log_loss(Y[valid], [other[IDS[i]] for i in valid]), rel=1e-12)


# Keys of a summary that differ between the window and compute for a good reason: the file
# the summary is of (the window's table, compute's labels file).
DIFFERING_KEYS = {"source"}


def test_the_summary_export_of_two_columns_is_compute_json_with_compare(make_window, qtbot, tmp_path,
                                                                        dialogs, capsys):
    """Found by QA: with two models, File → Export summary wrote no compare or leaderboard,
    though it follows compute --json's schema. It is now compute's summary, key for key."""
    from bce_gui.cli import main

    path = tmp_path / "two.csv"
    b = np.array([0.8, 0.3, 0.6, 0.1, 0.7, 0.6, 0.2, 0.4, 0.9, 0.05])
    path.write_text("id,actual,predicted,model_b\n" + "".join(
        f"{i},{int(y)},{p},{q}\n" for i, y, p, q in zip(IDS, Y, P, b)))
    w = make_window(load_example=False)
    assert w.files.open_path(str(path), ask=False)
    qtbot.waitUntil(lambda: len(w.doc) == 10, timeout=10_000)
    w.model_actions.add_model_column("model_b")
    out = tmp_path / "summary.json"
    dialogs.answer("save", str(out))
    w.actions["export_summary"].trigger()
    exported = json.loads(out.read_text("utf-8"))
    capsys.readouterr()
    assert main(["compute", str(path), "--compare", "model_b", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert set(exported) == set(printed)
    assert {k: v for k, v in exported.items() if k not in DIFFERING_KEYS} == {
        k: v for k, v in printed.items() if k not in DIFFERING_KEYS}
    assert exported["reference"] == "predicted"
    d = exported["compare"]
    assert d["column"] == "model_b"
    assert d["difference"] == pytest.approx(log_loss(Y, b) - log_loss(Y, P), rel=1e-12)
    assert [m["column"] for m in exported["leaderboard"]] == ["predicted", "model_b"]


def test_the_summary_export_after_a_join_is_compute_labels_json(window, qtbot, tmp_path, dialogs, capsys):
    """A table with its predictions (column pred_a) joined with pred_b.csv by ID in the window,
    against compute --labels labels.csv pred_a.csv pred_b.csv: the same comparison, and the
    join of pred_b.csv said alike (the window's table takes the labels file's place)."""
    from bce_gui.cli import main
    from bce_gui.core.dataset import text_array

    w = window
    table = tmp_path / "table.csv"
    table.write_text("id,actual,pred_a\n" + "".join(f"{i},{int(y)},{p}\n" for i, y, p in zip(IDS, Y, P)))
    w.doc.set_dataset(Dataset({"id": text_array(IDS), "actual": NumericColumn(Y.copy()),
                               "pred_a": NumericColumn(P.copy())},
                              Schema.binary("actual", "pred_a", id="id")), str(table))
    labels = tmp_path / "labels.csv"
    labels.write_text("id,actual\n" + "".join(f"{i},{int(y)}\n" for i, y in zip(IDS, Y)))
    pred_a = predictions_file(tmp_path, list(zip(IDS, P)), "pred_a.csv")
    other = [(i, v) for i, v in zip(IDS, [0.8, 0.3, 0.6, 0.1, 0.7, 0.6, 0.2, 0.4, 0.9, 0.05]) if i != "ID3"]
    pred_b = predictions_file(tmp_path, other + [("ID99", 0.5)], "pred_b.csv")
    w.model_actions.join_predictions(str(pred_b))
    joined(qtbot, w)
    assert w.doc.n_models == 2 and len(w.doc) == 11
    out = tmp_path / "summary.json"
    assert w.files.export_summary(str(out))
    exported = json.loads(out.read_text("utf-8"))
    capsys.readouterr()
    assert main(["compute", "--labels", str(labels), str(pred_a), str(pred_b), "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    for key in ("reference", "compare", "leaderboard", "loss", "n", "n_invalid"):
        assert exported[key] == printed[key], key
    assert exported["compare"]["column"] == "pred_b" and exported["n"] == 9
    join, cli_join = exported["join"], printed["join"]
    assert join["labels"] == str(table) and join["id_column"] == cli_join["id_column"] == "id"
    assert join["rows"] == cli_join["rows"] == 10
    assert join["files"] == cli_join["files"][1:]  # pred_a.csv is the window's table itself
    assert join["files"][0]["missing_ids"] == ["ID3"] and join["files"][0]["extra_ids"] == ["ID99"]
    # Undo takes the join back, and with it the summary's join and comparison.
    w.doc.undo_stack.undo()
    assert w.files.export_summary(str(out))
    assert not {"join", "compare", "leaderboard"} & set(json.loads(out.read_text("utf-8")))
    w.doc.undo_stack.redo()
    assert w.files.export_summary(str(out))
    assert json.loads(out.read_text("utf-8"))["join"] == join
    # A model column added after the join: pred_b.csv is still joined.
    w.model_actions.add_model_column(NEW_COLUMN)
    assert w.files.export_summary(str(out))
    again = json.loads(out.read_text("utf-8"))
    assert again["join"] == join and len(again["leaderboard"]) == 3


# -- a table saved with several models, opened again ---------------------------------------------


def opened(qtbot, w, path) -> None:
    with qtbot.waitSignal(w.files.loadFinished, timeout=20_000):
        assert w.files.open_path(str(path), ask=False, confirm_import=False)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_saved_comparison_opens_again_as_a_comparison(window, qtbot, tmp_path, dialogs, fmt):
    """Three models saved (Edit → Add model column twice) open again as three models in one
    question and one undo step; the Compare tab shows them with their losses; the document is
    still the file as saved (nothing to save); Undo reads them as extra columns again."""
    from PySide6.QtWidgets import QMessageBox

    w = window
    w.model_actions.add_model_column(NEW_COLUMN)
    w.model_actions.add_model_column(NEW_COLUMN)
    p2, p3 = np.clip(P + 0.05, 0, 1), P.copy()
    p3[7] = 0.05
    for row in range(10):
        edit(w, row, "Model 2", repr(float(p2[row])))
    edit(w, 7, "Model 3", "0.05")
    out = tmp_path / f"three.{fmt}"
    dialogs.answer("save", (str(out), "Excel" if fmt == "xlsx" else "comma-separated"))
    assert w.files.save_as()
    asked = len(dialogs.of("question"))
    dialogs.answer("question", QMessageBox.StandardButton.Yes)
    opened(qtbot, w, out)
    question = dialogs.of("question")[asked:]
    assert [q.title for q in question] == ["Compare as models?"]
    assert "Model 2 and Model 3 hold probabilities" in question[0].text
    assert [m.columns for m in w.doc.dataset.schema.models] == [("Predicted",), ("Model 2",), ("Model 3",)]
    assert not w.doc.modified and not w.isWindowModified()
    assert "compared with Predicted as models" in w.statusBar().currentMessage()
    r = fresh(qtbot, w)
    losses = {m.column: m.loss for m in r.models}
    for name, p in (("Predicted", P), ("Model 2", p2), ("Model 3", p3)):
        assert losses[name] == pytest.approx(log_loss(Y, p), rel=1e-12)
    w.compare_view.set_result(r)
    board = w.compare_view.leaderboard
    assert board.rowCount() == 3
    assert {board.item(i, 0).text().removesuffix(" (reference)") for i in range(3)} == {
        "Predicted", "Model 2", "Model 3"}
    assert not w.compare_view.empty.isVisibleTo(w.compare_view)
    assert w.doc.undo_stack.undoText() == "Compare Model 2 and Model 3 as models"
    w.doc.undo_stack.undo()
    assert w.doc.n_models == 1 and list(w.doc.dataset.extras) == ["Model 2", "Model 3"]
    assert not w.doc.modified
    assert fresh(qtbot, w) is None and w.compare_view.empty.isVisibleTo(w.compare_view)
    w.doc.undo_stack.redo()
    assert w.doc.n_models == 3


def test_reopened_models_declined_stay_extra_columns(make_window, qtbot, tmp_path, dialogs):
    path = tmp_path / "two.csv"
    path.write_text("id,actual,predicted,model_b\n" + "".join(
        f"{i},{int(y)},{p},{q}\n" for i, y, p, q in zip(IDS, Y, P, P[::-1])))
    w = make_window(load_example=False)
    opened(qtbot, w, path)  # (the stub answers No)
    assert [q.title for q in dialogs.of("question")] == ["Compare as models?"]
    assert "model_b holds probabilities" in dialogs.of("question")[0].text
    assert w.doc.n_models == 1 and list(w.doc.dataset.extras) == ["model_b"]
    assert w.doc.undo_stack.count() == 0
    assert ("model_b looks like another model's probabilities: Edit → Add model column compares"
            in w.statusBar().currentMessage())


def test_extra_columns_of_other_numbers_are_not_asked_about(make_window, qtbot, tmp_path, dialogs):
    """A score beyond [0, 1], a count and text are no model: opened as today, nothing asked."""
    path = tmp_path / "extras.csv"
    score = [3.5, 0.2, -1.0, 0.9, 12.0, 0.1, 0.4, 2.2, 0.0, 0.5]
    path.write_text("id,actual,predicted,score,count,note\n" + "".join(
        f"{i},{int(y)},{p},{s},{k},n{k}\n" for k, (i, y, p, s) in enumerate(zip(IDS, Y, P, score))))
    w = make_window(load_example=False)
    opened(qtbot, w, path)
    assert dialogs.of("question") == []
    assert w.doc.n_models == 1 and list(w.doc.dataset.extras) == ["score", "count", "note"]
    assert w.doc.dataset.extras["score"].tolist()[:3] == ["3.5", "0.2", "-1.0"]
    assert w.doc.undo_stack.count() == 0 and "probabilities" not in w.statusBar().currentMessage()


def test_a_k_class_table_saved_with_two_models_opens_with_both(make_window, qtbot, tmp_path, dialogs):
    from PySide6.QtWidgets import QMessageBox

    path = tmp_path / "k.csv"
    path.write_text("id,label,p_x,p_y,Model 2_p_x,Model 2_p_y\n"
                    "a,x,0.9,0.1,0.6,0.4\nb,y,0.4,0.6,0.3,0.7\nc,y,0.3,0.7,0.5,0.5\n")
    w = make_window(load_example=False)
    dialogs.answer("question", QMessageBox.StandardButton.Yes)
    opened(qtbot, w, path)
    assert "Model 2 has a column of probabilities per class" in dialogs.of("question")[0].text
    assert [m.columns for m in w.doc.dataset.schema.models] == [
        ("p_x", "p_y"), ("Model 2_p_x", "Model 2_p_y")]
    r = fresh(qtbot, w)
    y = [0, 1, 1]
    assert [m.loss for m in r.models] == [
        pytest.approx(log_loss(y, [[0.9, 0.1], [0.4, 0.6], [0.3, 0.7]]), rel=1e-12),
        pytest.approx(log_loss(y, [[0.6, 0.4], [0.3, 0.7], [0.5, 0.5]]), rel=1e-12)]
