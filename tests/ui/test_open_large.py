"""Opening a file leaves no pass over its rows to the GUI thread (issue 16).

Whatever takes a pass over every row (the evaluation, the plot's points, the probabilities-or-logits
check, the text columns, counting invalid rows) runs on the load's thread; the GUI thread swaps
the table in, and frees the one it replaces on a worker too. The expected numbers come from the
data written here (the losses by the formula), not from the app.
"""

from __future__ import annotations

import gc
import math
import subprocess
import sys
import threading
import weakref

import numpy as np
import pytest

import bce_gui.core.live as live_mod
import bce_gui.ui.files as files_mod
import bce_gui.ui.loader as loader_mod
import bce_gui.ui.penalty_plot as penalty_plot
from bce_gui.core.io import to_dataset
from bce_gui.core.penalty import bin_codes
from bce_gui.core.validation import Validity

LOAD_TIMEOUT_MS = 30_000


def write_table(path, n: int, seed: int = 4):
    """n rows (ID, actual, predicted); returns the losses by the formula."""
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.4).astype(int)
    p = rng.uniform(0.01, 0.99, n)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write("id,actual,predicted\n")
        fh.write("".join(f"r{i},{a},{b!r}\n" for i, (a, b) in enumerate(zip(y.tolist(), p.tolist()))))
    return np.array([-math.log(b) if a == 1 else -math.log1p(-b) for a, b in zip(y, p)])


def open_and_wait(w, qtbot, path) -> None:
    with qtbot.waitSignal(w.files.loadFinished, timeout=LOAD_TIMEOUT_MS) as blocker:
        assert w.files.open_path(str(path), ask=False, confirm_import=False)
    assert blocker.args == [True]
    qtbot.waitUntil(lambda: not w.plot.refresh_pending, timeout=LOAD_TIMEOUT_MS)


@pytest.fixture
def passes(monkeypatch):
    """Every pass over the rows, by function, with whether it ran on the GUI thread."""
    seen: list[tuple[str, bool]] = []

    def spy(name, fn):
        def wrapped(*args, **kwargs):
            seen.append((name, threading.current_thread() is threading.main_thread()))
            return fn(*args, **kwargs)
        return wrapped

    monkeypatch.setattr(live_mod.LiveEvaluation, "rebuild", spy("evaluation", live_mod.LiveEvaluation.rebuild))
    monkeypatch.setattr(penalty_plot, "plot_points", spy("plot points", penalty_plot.plot_points))
    monkeypatch.setattr(loader_mod, "input_kind_hint", spy("input kind", loader_mod.input_kind_hint))
    monkeypatch.setattr(files_mod, "input_kind_hint", spy("input kind", files_mod.input_kind_hint))
    monkeypatch.setattr(to_dataset, "text_column", spy("text column", to_dataset.text_column))
    monkeypatch.setattr(Validity, "n_invalid", property(spy("count invalid", Validity.n_invalid.fget)))
    return seen


def test_opening_a_file_leaves_no_pass_over_the_rows_to_the_gui_thread(window, qtbot, tmp_path, passes):
    w = window
    n = penalty_plot.MAX_POINTS + 5_000  # the plot draws a density
    losses = write_table(tmp_path / "big.csv", n)
    passes.clear()
    open_and_wait(w, qtbot, tmp_path / "big.csv")
    assert {name for name, _gui in passes} >= {"evaluation", "plot points", "input kind", "text column"}
    assert [name for name, gui in passes if gui] == []
    # ... and what the window shows is that work's result: the file's loss, its points.
    assert w.doc.live.totals.mean == pytest.approx(float(np.mean(losses)), rel=1e-12)
    assert w.plot.density_mode and w.plot._points is w.doc.first_points
    assert int(w.plot._counts.sum()) == n
    assert float(w.summary.loss_text()) == pytest.approx(float(np.mean(losses)), abs=5e-5)  # (4 digits)


def test_other_units_keep_the_points_and_an_edit_makes_new_ones(window, qtbot, tmp_path, passes):
    w = window
    write_table(tmp_path / "big.csv", penalty_plot.MAX_POINTS + 100)
    open_and_wait(w, qtbot, tmp_path / "big.csv")
    passes.clear()
    w.set_units("bits")
    assert [name for name, _gui in passes if name == "plot points"] == []
    top_nats = w.doc.first_points.top("nats")
    assert w.plot._y_top == pytest.approx(max(top_nats / math.log(2) * 1.15, 5.0), rel=1e-12)
    w.model.setData(w.model.index(0, w.model.column_of("predicted")), "0.001")
    w.set_units("nats")  # the evaluation changed since: the points are computed again, right
    assert [name for name, _gui in passes if name == "plot points"] == ["plot points"]
    src = w.doc.rows()
    codes = bin_codes(src, slice(None), penalty_plot.BINS)
    np.testing.assert_array_equal(w.plot._counts, np.bincount(codes[codes >= 0], minlength=2 * penalty_plot.BINS))


def test_the_replaced_table_is_freed_on_a_worker(window, qtbot, tmp_path, monkeypatch):
    w = window
    write_table(tmp_path / "a.csv", 3_000, seed=1)
    write_table(tmp_path / "b.csv", 2_000, seed=2)
    open_and_wait(w, qtbot, tmp_path / "a.csv")
    old = weakref.ref(w.doc.dataset)
    freed_on = []
    free = files_mod._free
    monkeypatch.setattr(files_mod, "_free", lambda retired: (freed_on.append(threading.current_thread()),
                                                             free(retired)))
    open_and_wait(w, qtbot, tmp_path / "b.csv")
    w.jobs.wait()
    gc.collect()
    assert freed_on and freed_on[0] is not threading.main_thread()
    assert old() is None and len(w.doc) == 2_000


def test_a_table_in_its_own_order_is_not_laid_out_again_when_another_opens(window, qtbot, tmp_path):
    w = window
    write_table(tmp_path / "a.csv", 500)
    layouts = []
    w.model.layoutChanged.connect(lambda *_: layouts.append(1))
    open_and_wait(w, qtbot, tmp_path / "a.csv")
    assert layouts == []  # (a model reset, not a relayout of the table being replaced)
    w.model.sort(w.model.column_of("loss"))
    qtbot.waitUntil(lambda: not w.model.sorting)
    layouts.clear()
    open_and_wait(w, qtbot, tmp_path / "a.csv")
    assert w.model.sort_state is None and not w.model.is_permuted  # the new table in its order


@pytest.mark.slow
def test_the_reader_library_is_imported_in_the_background_after_start():
    """A fresh window: polars is not imported on the GUI thread at start, and is there soon after
    (imported by a background job), so the first Open does not wait for it."""
    script = (
        "import os, sys, threading, time\n"
        "os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
        "from PySide6.QtCore import QSettings\n"
        "from bce_gui.ui.app import make_app\n"
        "import bce_gui.ui.files as files\n"
        "from bce_gui.ui.main_window import MainWindow\n"
        "threads = []\n"
        "warm = files.warm_up\n"
        "files.warm_up = lambda: (threads.append(threading.current_thread() is threading.main_thread()), warm())\n"
        "app = make_app([])\n"
        "w = MainWindow(QSettings(sys.argv[1], QSettings.Format.IniFormat), load_example=True)\n"
        "w.show()\n"
        "before = 'polars' in sys.modules\n"
        "end = time.time() + 20\n"
        "while not threads and time.time() < end:\n"
        "    app.processEvents(); time.sleep(0.01)\n"
        "w.jobs.wait()\n"
        "print(before, threads, 'polars' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", script, "/tmp/bce_warm_up_test.ini"], capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "False [False] True"


def test_a_load_cancelled_during_the_first_view_stops_at_the_next_step(qtbot, tmp_path, monkeypatch):
    from bce_gui.core.io import ReadOptions
    from bce_gui.core.loss import LossOptions

    write_table(tmp_path / "t.csv", 2_000)
    load = loader_mod.FileLoad(str(tmp_path / "t.csv"), ReadOptions(),
                               prepare=lambda ds, check: loader_mod.first_view(ds, LossOptions(), "t", check))
    evaluate = loader_mod.LiveEvaluation
    placed = []

    def evaluate_then_cancel(dataset, options):
        live = evaluate(dataset, options)
        load.cancel()  # (the user presses Cancel while the rows are being evaluated)
        return live

    monkeypatch.setattr(loader_mod, "LiveEvaluation", evaluate_then_cancel)
    monkeypatch.setattr(loader_mod, "points_of", lambda *args: placed.append(args))
    loaded = []
    load.loaded.connect(lambda *args: loaded.append(args))
    with qtbot.waitSignal(load.cancelled, timeout=LOAD_TIMEOUT_MS):
        load.start()
    load.wait()
    assert placed == [] and loaded == []
