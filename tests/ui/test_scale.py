"""Large-table behaviour, exercised on small tables by lowering the thresholds.

The background sort (past ``ASYNC_SORT_ROWS``) and the density plot (past ``MAX_POINTS``) are
the paths ten-million-row tables take; here they run on a few hundred rows so that every
expected number can be computed independently in the test.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from bce_gui.core.dataset import Dataset
from bce_gui.ui import commands, penalty_plot, table_model


def losses_of(y: np.ndarray, p: np.ndarray) -> np.ndarray:
    """-ln P(actual class), written out per row (no app code)."""
    return np.array([-math.log(pi) if yi == 1 else -math.log1p(-pi) for yi, pi in zip(y, p)])


def random_table(n: int, seed: int = 3) -> tuple[np.ndarray, np.ndarray, list[str]]:
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.4).astype(float)
    p = rng.uniform(0.001, 0.999, n)
    return y, p, [f"r{i}" for i in range(n)]


def click_header(qtbot, view, column: int) -> None:
    header = view.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))


# ---------------------------------------------------------------------------------------------
# Background sort
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def async_sort(monkeypatch):
    monkeypatch.setattr(table_model, "ASYNC_SORT_ROWS", 10)


def test_sort_runs_in_background_with_busy_indicator(window, qtbot, async_sort):
    w = window
    y, p, ids = random_table(300)
    w.doc.set_dataset(Dataset.from_arrays(y, p, ids=ids))
    loss_col = w.model.column_of("loss")
    seen = []
    w.model.busyChanged.connect(seen.append)

    click_header(qtbot, w.res_view, loss_col)
    assert seen and seen[0] == "Sorting 300 rows…"
    assert w.model.sorting
    qtbot.waitUntil(lambda: not w.model.sorting, timeout=10_000)
    assert seen[-1] == ""
    assert not w.busy_label.isVisible() and not w.busy_bar.isVisible()
    order = [w.model.data_row(v) for v in range(w.model.rowCount())]
    assert order == list(np.argsort(losses_of(y, p)))  # distinct losses: one right order
    # The view shows the rows in that order: the first row's ID is the smallest loss's.
    first = w.model.data(w.model.index(0, w.model.column_of("id")))
    assert first == ids[int(np.argmin(losses_of(y, p)))]


def test_busy_indicator_is_shown_while_sorting(window, qtbot, async_sort):
    w = window
    y, p, ids = random_table(200)
    w.doc.set_dataset(Dataset.from_arrays(y, p, ids=ids))
    w.model.sort(w.model.column_of("predicted"), Qt.SortOrder.DescendingOrder)
    assert w.busy_label.isVisible() and w.busy_bar.isVisible()
    assert "Sorting 200 rows" in w.busy_label.text()
    qtbot.waitUntil(lambda: not w.model.sorting, timeout=10_000)
    assert [w.model.data_row(v) for v in range(200)] == list(np.argsort(-p))


def test_rows_inserted_during_a_background_sort_are_sorted_too(window, qtbot, async_sort):
    w = window
    y, p, ids = random_table(150)
    w.doc.set_dataset(Dataset.from_arrays(y, p, ids=ids))
    w.model.sort(w.model.column_of("predicted"), Qt.SortOrder.AscendingOrder)
    assert w.model.sorting
    # Before the sort's result arrives, a row is appended (undoable, as from the menu).
    commands.insert_rows(w.doc, len(w.doc), 1)
    commands.edit_cells(w.doc, [(150, "actual", "1"), (150, "predicted", "0.0005")], "new row")
    qtbot.waitUntil(lambda: w.model.rowCount() == 151 and not w.model.sorting, timeout=5000)
    order = [w.model.data_row(v) for v in range(151)]
    assert sorted(order) == list(range(151))  # a permutation of all rows, the new one included
    values = w.doc.dataset.predicted.values
    # Sorted when the sort ran; the new row was appended to the view (rows are not re-sorted
    # under the user's hands after a change) or sorted in, but no row of the old order is lost.
    old = [r for r in order if r != 150]
    assert old == list(np.argsort(p))
    assert values[150] == 0.0005


def test_deleting_rows_during_a_background_sort_drops_the_stale_order(window, qtbot, async_sort):
    w = window
    y, p, ids = random_table(120)
    w.doc.set_dataset(Dataset.from_arrays(y, p, ids=ids))
    w.model.sort(w.model.column_of("predicted"), Qt.SortOrder.AscendingOrder)
    commands.delete_rows(w.doc, np.arange(0, 120, 2))  # every other row
    qtbot.waitUntil(lambda: not w.model.sorting, timeout=10_000)
    kept = p[1::2]
    assert w.model.rowCount() == 60
    assert [w.model.data_row(v) for v in range(60)] == list(np.argsort(kept))


# ---------------------------------------------------------------------------------------------
# Density plot
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def dense(monkeypatch):
    monkeypatch.setattr(penalty_plot, "MAX_POINTS", 50)
    monkeypatch.setattr(penalty_plot, "WORST_EXACT", 7)


def expected_counts(y: np.ndarray, p: np.ndarray, bins: int) -> np.ndarray:
    """Per class, how many rows have p in [k/bins, (k+1)/bins): class 1 first, then class 0."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    c1, _ = np.histogram(p[y == 1], bins=edges)
    c0, _ = np.histogram(p[y == 0], bins=edges)
    return np.concatenate([c1, c0])


def exact_rows(plot) -> set[int]:
    return {int(pt.data()) for item in (plot.points1, plot.points0) for pt in item.points()}


def test_density_counts_worst_rows_exact_and_edits_move_rows_between_bins(window, qtbot, dense):
    w, plot = window, window.plot
    y, p, ids = random_table(400)
    w.doc.set_dataset(Dataset.from_arrays(y, p, ids=ids))
    plot.refresh()
    assert plot.density_mode
    bins = penalty_plot.BINS
    assert np.array_equal(plot._counts, expected_counts(y, p, bins))
    assert "400 points drawn as" in plot.note.text()
    worst = set(np.argsort(-losses_of(y, p))[:7].tolist())
    assert exact_rows(plot) == worst
    # The density marks sit on the curves, one per non-empty bin.
    marks = len(plot.density1.points()) + len(plot.density0.points())
    assert marks == int(np.count_nonzero(expected_counts(y, p, bins)))
    for pt in plot.density1.points():
        x = pt.pos().x()
        assert pt.pos().y() == pytest.approx(-math.log(x), rel=1e-9)

    # Edit one row's p: its count moves from the old bin to the new one, no full recount.
    row = int(np.argmin(losses_of(y, p)))  # a row that is not among the worst
    col = w.model.column_of("predicted")
    calls = []
    original_refresh = plot.refresh
    plot.refresh = lambda: (calls.append(1), original_refresh())[1]
    w.model.setData(w.model.index(row, col), "0.0123")
    qtbot.waitUntil(lambda: not plot.refresh_pending, timeout=2000)
    assert calls == []  # incremental: the full refresh did not run
    p2 = p.copy()
    p2[row] = 0.0123
    assert np.array_equal(plot._counts, expected_counts(y, p2, bins))
    assert row in exact_rows(plot)  # the edited row is drawn exactly
    pts = [pt for item in (plot.points1, plot.points0) for pt in item.points() if int(pt.data()) == row]
    expected_loss = -math.log(0.0123) if y[row] == 1 else -math.log1p(-0.0123)
    assert pts[0].pos().x() == 0.0123
    assert pts[0].pos().y() == pytest.approx(expected_loss, rel=1e-12)

    # Making a row invalid removes it from the counts.
    w.model.setData(w.model.index(row, w.model.column_of("actual")), "maybe")
    qtbot.waitUntil(lambda: not plot.refresh_pending, timeout=2000)
    keep = np.ones(400, bool)
    keep[row] = False
    assert np.array_equal(plot._counts, expected_counts(y[keep], p2[keep], bins))


def test_clicking_a_density_mark_selects_the_worst_row_in_its_bin(window, qtbot, dense):
    w, plot = window, window.plot
    y, p, ids = random_table(500, seed=11)
    w.doc.set_dataset(Dataset.from_arrays(y, p, ids=ids))
    plot.refresh()
    mark = max(plot.density0.points(), key=lambda pt: pt.pos().x())  # class 0, highest p
    lo = math.floor(mark.pos().x() * penalty_plot.BINS) / penalty_plot.BINS
    in_bin = np.flatnonzero((y == 0) & (p >= lo) & (p < lo + 1 / penalty_plot.BINS))
    assert in_bin.size >= 1
    expected = int(in_bin[np.argmax(p[in_bin])])  # class 0: the loss grows with p
    noun = "row" if in_bin.size == 1 else "rows"  # "1 row", never "1 rows"
    assert f"{in_bin.size} {noun} of actual class 0" in plot._tip(mark.pos().x(), mark.pos().y(), mark.data())
    with qtbot.waitSignal(plot.rowClicked, timeout=2000) as clicked:
        plot.density0.sigClicked.emit(plot.density0, [mark], None)
    assert clicked.args == [expected]
    assert list(w.tables.selected_data_rows()) == [expected]
    x, yy = plot.selected_points()
    assert list(x) == [p[expected]]
    assert yy[0] == pytest.approx(-math.log1p(-p[expected]), rel=1e-12)


def test_small_tables_draw_every_point_and_no_density(window, dense):
    w, plot = window, window.plot
    y, p, ids = random_table(40)
    w.doc.set_dataset(Dataset.from_arrays(y, p, ids=ids))
    plot.refresh()
    assert not plot.density_mode
    assert exact_rows(plot) == set(range(40))
    assert len(plot.density1.points()) == len(plot.density0.points()) == 0
    assert plot.note.text() == ""


# ---------------------------------------------------------------------------------------------
# Loading: the first evaluation runs off the GUI thread
# ---------------------------------------------------------------------------------------------


def test_load_evaluates_rows_on_the_worker_thread(qtbot, tmp_path):
    import threading

    from bce_gui.core.io import ReadOptions
    from bce_gui.core.live import LiveEvaluation
    from bce_gui.core.loss import LossOptions
    from bce_gui.ui.loader import FileLoad

    path = tmp_path / "t.csv"
    path.write_text("id,actual,predicted\na,1,0.8\nb,0,0.3\nc,1,oops\n", encoding="utf-8")
    threads = []

    def prepare(ds, _check):
        threads.append(threading.get_ident())
        return LiveEvaluation(ds, LossOptions())

    load = FileLoad(str(path), ReadOptions(), prepare=prepare)
    with qtbot.waitSignal(load.loaded, timeout=10_000) as got:
        load.start()
    load.wait()
    assert threads and threads[0] != threading.get_ident()
    live = load.prepared
    assert live.dataset is got.args[0]
    expected = (-math.log(0.8) - math.log1p(-0.3)) / 2  # row c is excluded (not a number)
    assert live.totals.mean == pytest.approx(expected, rel=1e-15)
    assert live.totals.n == 2


def test_document_rebuilds_an_evaluation_made_with_other_options(window):
    from bce_gui.core.live import LiveEvaluation
    from bce_gui.core.loss import LossOptions

    y, p, ids = random_table(30)
    ds = Dataset.from_arrays(y, p, ids=ids)
    from bce_gui.core.policies import make_policy

    stale = LiveEvaluation(ds, LossOptions(policy=make_policy("torch"), logits=True))
    window.doc.set_dataset(ds, None, live=stale)
    assert window.doc.live is not stale
    assert window.doc.live.totals.mean == pytest.approx(float(np.mean(losses_of(y, p))), rel=1e-12)
    fresh = LiveEvaluation(ds, window.doc.options)
    window.doc.set_dataset(ds, None, live=fresh)
    assert window.doc.live is fresh


# ---------------------------------------------------------------------------------------------
# Autosave of a big table: written on a worker thread
# ---------------------------------------------------------------------------------------------


def test_big_table_autosave_runs_in_background_and_saving_discards_it(window, qtbot, tmp_path, monkeypatch):
    import csv
    import threading

    from bce_gui.ui import files as files_mod

    folder = tmp_path / "recovery"
    monkeypatch.setattr(files_mod, "recovery_dir", lambda: folder)
    monkeypatch.setattr(files_mod, "BACKGROUND_AUTOSAVE_ROWS", 10)
    writers = []
    real_write_table = files_mod.write_table

    def spy(dataset, path, *args, **kwargs):
        writers.append(threading.current_thread() is threading.main_thread())
        return real_write_table(dataset, path, *args, **kwargs)

    monkeypatch.setattr(files_mod, "write_table", spy)
    w = window
    y, p, ids = random_table(50)
    w.doc.set_dataset(Dataset.from_arrays(y, p, ids=ids))
    w.model.setData(w.model.index(4, w.model.column_of("predicted")), "0.375")
    own = lambda name: w.files.recovery.folder / name if w.files.recovery.folder else folder / name  # noqa: E731
    qtbot.waitUntil(lambda: own("recovery.json").exists(), timeout=10_000)
    assert writers == [False]  # written off the GUI thread
    with open(own("recovery.csv"), newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert len(rows) == 51 and rows[5][0] == "r4" and float(rows[5][2]) == 0.375

    # Saving makes the autosave unwanted: it is removed (also if a write was still running).
    target = tmp_path / "saved.csv"
    w.files._write(str(target))
    assert not w.doc.modified
    qtbot.waitUntil(lambda: not own("recovery.json").exists(), timeout=5000)
    assert not own("recovery.csv").exists()
