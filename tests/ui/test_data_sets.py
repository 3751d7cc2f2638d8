"""The window and files beyond one CSV: Parquet, compressed text and folders of parts open in
the table; a data set with more rows than the table can hold opens as a summary of every row
plus a labelled, editable sample of the worst rows, and the file is never rewritten from it."""

from __future__ import annotations

import gzip

import numpy as np
import polars as pl
import pytest
from PySide6.QtCore import Qt

from bce_gui.core import large
from bce_gui.core.loss import LossOptions
from bce_gui.core.partitions import compute_source
from bce_gui.core.policies import make_policy


def frame(n: int, seed: int = 3) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    p = np.round(rng.random(n), 6)
    p[::97] = 0.999999
    return pl.DataFrame({"id": [f"r{i}" for i in range(n)],
                         "actual": (rng.random(n) < 0.3).astype(np.int64), "predicted": p})


def open_and_wait(window, qtbot, path) -> None:
    with qtbot.waitSignal(window.files.loadFinished, timeout=60_000) as blocker:
        assert window.files.open_path(str(path), ask=False)
    assert blocker.args == [True]


def test_parquet_and_compressed_csv_open_in_the_table(window, qtbot, tmp_path):
    df = frame(300)
    df.write_parquet(tmp_path / "d.parquet")
    df.write_csv(tmp_path / "d.csv")
    (tmp_path / "d.csv.gz").write_bytes(gzip.compress((tmp_path / "d.csv").read_bytes()))
    expected = compute_source(tmp_path / "d.csv", window.doc.options).totals.mean
    for name in ("d.parquet", "d.csv.gz"):
        open_and_wait(window, qtbot, tmp_path / name)
        assert len(window.doc) == 300 and window.doc.live.totals.mean == expected
        assert not window.data_set_dock.isVisible()


def test_save_never_writes_over_a_parquet_or_compressed_file(window, qtbot, dialogs, tmp_path):
    frame(50).write_parquet(tmp_path / "d.parquet")
    before = (tmp_path / "d.parquet").read_bytes()
    open_and_wait(window, qtbot, tmp_path / "d.parquet")
    window.doc.dataset.set_cell_text("predicted", 0, "0.5")  # (unsaved or not: Save asks where)
    dialogs.answer("save", "")  # cancelled
    window.actions["save"].trigger()
    assert dialogs.of("save") and dialogs.of("save")[-1].text.endswith("d.csv")
    assert (tmp_path / "d.parquet").read_bytes() == before


def test_a_folder_opens_through_its_action_and_shortcut(window, qtbot, dialogs, tmp_path):
    folder = tmp_path / "parts"
    folder.mkdir()
    for k in range(3):
        frame(40, seed=k).write_parquet(folder / f"part-{k}.parquet")
    for trigger in (lambda: window.actions["open_folder"].trigger(),
                    lambda: qtbot.keyClick(window, Qt.Key.Key_O,
                                           Qt.KeyboardModifier.ControlModifier
                                           | Qt.KeyboardModifier.AltModifier)):
        dialogs.answer("folder", str(folder))
        with qtbot.waitSignal(window.files.loadFinished, timeout=60_000):
            trigger()
        assert len(window.doc) == 120 and window.doc.source_path == str(folder)
    assert len(dialogs.of("folder")) == 2


@pytest.fixture
def small_limit(monkeypatch):
    """The table's limit lowered so that a small data set counts as too large, and a small sample."""
    monkeypatch.setattr(large, "TABLE_ROW_LIMIT", 1000)
    monkeypatch.setattr(large, "SAMPLE_ROWS", 25)
    original = large.summarize
    monkeypatch.setattr(large, "summarize",
                        lambda *a, **kw: original(*a, **{**kw, "sample_rows": 25}))


def test_a_data_set_past_the_tables_limit_opens_as_a_summary_and_a_sample(
        window, qtbot, dialogs, tmp_path, small_limit):
    folder = tmp_path / "big"
    folder.mkdir()
    for k in range(4):
        frame(800, seed=k).write_parquet(folder / f"part-{k}.parquet")
    window.set_options(LossOptions(policy=make_policy("sklearn")))
    open_and_wait(window, qtbot, folder)
    from bce_gui.core.metrics.table import MetricsSettings

    expected = compute_source(folder, window.doc.options, metrics=MetricsSettings())
    panel = window.data_set_panel
    assert window.data_set_dock.isVisible()
    # every row, to the last digit, the statistics included (compute's keys)
    assert panel.summary.summary == expected.summary and "brier" in expected.summary
    assert "3,200 rows" in panel.headline.text().replace("\u202f", ",").replace("\xa0", ",") \
        or "3200" in panel.headline.text()
    assert "sample" in panel.sample_note.text() and "never rewritten" in panel.sample_note.text()
    assert "Sample of big" in window.windowTitle()
    assert window.summary.caption.text() == "Log loss of the sample (the rows in the table)"
    # The table: the 25 worst rows, worst first, each naming its file and row.
    ds = window.doc.dataset
    assert len(ds) == 25 and window.doc.source_path is None
    losses = window.doc.live.loss
    assert list(losses) == sorted(losses, reverse=True)
    assert set(ds.columns["(file)"]) <= {f"part-{k}.parquet" for k in range(4)}
    assert panel.stats.text().startswith("Statistics: Brier")
    # Editable as a sample; Save goes to a new file, the parts stay as they were.
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    window.doc.dataset.set_cell_text("predicted", 0, "0.5")
    dialogs.answer("save", str(tmp_path / "sample.csv"))
    window.actions["save"].trigger()
    assert (tmp_path / "sample.csv").exists()
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    # Other settings: the numbers say which convention they are for, and offer a new pass.
    window.set_options(LossOptions())
    assert panel.stale.isVisibleTo(panel) and panel.recompute.isVisibleTo(panel)
    with qtbot.waitSignal(window.files.loadFinished, timeout=60_000):
        panel.recompute.click()
    assert panel.summary.summary == compute_source(folder, LossOptions(),
                                                   metrics=MetricsSettings()).summary
    assert not panel.stale.isVisibleTo(panel)
    # Another table: the summary goes.
    window.load_example()
    assert not window.data_set_dock.isVisible() and len(window.doc) == 10
    assert window.summary.caption.text() == "Log loss (binary cross-entropy)"


def test_the_summary_pass_can_be_cancelled(window, qtbot, tmp_path, small_limit):
    path = tmp_path / "big.parquet"
    frame(5000).write_parquet(path, row_group_size=500)
    window.files.start_load(str(path), __import__("bce_gui.core.io", fromlist=["ReadOptions"]).ReadOptions())
    with qtbot.waitSignal(window.files.loadFinished, timeout=60_000) as blocker:
        window.files.cancel_load()
    assert blocker.args == [False]
    assert len(window.doc) == 10 and not window.data_set_dock.isVisible()
