"""Saving safely (issue 15, items 8 and 9; issue 14, item 9): what a save does to the file system.

Permissions, symbolic links, read-only files, full disks, the temporary files of a save killed
half-way, and text that a spreadsheet would run as a formula.
"""

from __future__ import annotations

import errno
import os
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from bce_gui.core import io_write
from bce_gui.core.dataset import Dataset
from bce_gui.core.evaluate import evaluate
from bce_gui.core.io import ReadOptions, read_table
from bce_gui.core.io_write import (
    ReadOnlyFile,
    TableWriteError,
    atomic_write,
    current_umask,
    remove_stale_temps,
    write_results,
    write_summary_json,
    write_table,
)
from bce_gui.core.loss import LossOptions


def small() -> Dataset:
    ds = Dataset.from_arrays([1, 0], [0.9, 0.2], ids=["a", "b"])
    return ds


@pytest.fixture
def umask022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


# -- permissions -------------------------------------------------------------------------------


def test_umask_is_read_without_changing_it(umask022):
    assert current_umask() == 0o022
    os.umask(0o027)
    assert current_umask() == 0o027


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".xlsx"])
def test_new_files_follow_the_umask(tmp_path, umask022, suffix):
    target = tmp_path / f"new{suffix}"
    write_table(small(), target)
    assert mode(target) == 0o644  # (was 0600: the temporary file's private mode)
    os.umask(0o077)
    other = tmp_path / f"private{suffix}"
    write_table(small(), other)
    assert mode(other) == 0o600


def test_every_export_follows_the_umask(tmp_path, umask022):
    ds = small()
    ev = evaluate(ds, LossOptions())
    write_results(ds, ev, tmp_path / "r.csv")
    write_summary_json(ds, ev, tmp_path / "s.json")
    atomic_write(tmp_path / "p.png", lambda fh: fh.write(b"x"))
    for name in ("r.csv", "s.json", "p.png"):
        assert mode(tmp_path / name) == 0o644, name


def test_a_save_keeps_the_files_mode(tmp_path, umask022):
    target = tmp_path / "kept.csv"
    target.write_text("actual,predicted\n1,0.5\n")
    os.chmod(target, 0o640)
    write_table(small(), target)
    assert mode(target) == 0o640


# -- symbolic links ----------------------------------------------------------------------------


def test_saving_through_a_symlink_writes_its_target(tmp_path):
    real = tmp_path / "data" / "real.csv"
    real.parent.mkdir()
    real.write_text("actual,predicted\n1,0.5\n")
    os.chmod(real, 0o640)
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    write_table(small(), link)
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert read_table(real)[0].ids.tolist() == ["a", "b"]
    assert mode(real) == 0o640
    assert not list(tmp_path.glob(".link.csv.*")) and not list(real.parent.glob(".*.tmp"))


# -- read-only files ---------------------------------------------------------------------------


def test_a_read_only_file_is_not_replaced_without_being_asked(tmp_path):
    target = tmp_path / "ro.csv"
    target.write_text("actual,predicted\n1,0.5\n")
    os.chmod(target, 0o444)
    with pytest.raises(ReadOnlyFile, match="ro.csv: is read-only"):
        write_table(small(), target)
    assert target.read_text() == "actual,predicted\n1,0.5\n"
    write_table(small(), target, replace_read_only=True)
    assert read_table(target)[0].ids.tolist() == ["a", "b"] and mode(target) == 0o444


# -- a full disk -------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_full_disk_names_the_file(tmp_path, monkeypatch, suffix):
    target = tmp_path / f"full{suffix}"
    real_fsync = os.fsync

    def fsync(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(io_write.os, "fsync", fsync)
    with pytest.raises(TableWriteError) as err:
        write_table(small(), target)
    monkeypatch.setattr(io_write.os, "fsync", real_fsync)
    assert str(err.value) == f"full{suffix}: could not be written (No space left on device); no file was written"
    assert err.value.errno == errno.ENOSPC
    assert not list(tmp_path.iterdir())


def test_xlsx_on_a_full_disk_leaves_no_unraisable_noise(tmp_path, monkeypatch):
    """xlsxwriter used to write into the failing file itself; its ZipFile's clean-up then
    raised again ("Exception ignored in ZipFile.__del__")."""
    unraisable = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)

    class Full:
        def __init__(self, fh):
            self.fh = fh

        def write(self, data):
            raise OSError(errno.ENOSPC, "No space left on device")

        def __getattr__(self, name):
            return getattr(self.fh, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

    real_fdopen = os.fdopen
    monkeypatch.setattr(io_write.os, "fdopen", lambda fd, m: Full(real_fdopen(fd, m)))
    with pytest.raises(TableWriteError, match="No space left"):
        write_table(small(), tmp_path / "w.xlsx")
    import gc

    gc.collect()
    assert unraisable == []


# -- temporary files of killed saves -----------------------------------------------------------


def test_temporary_files_of_a_killed_save_are_removed_by_the_next_save(tmp_path):
    target = tmp_path / "obs.csv"
    script = textwrap.dedent(f"""
        import os, sys, time
        sys.path.insert(0, {str(Path(__file__).resolve().parents[2])!r})
        from bce_gui.core.io_write import atomic_write

        def write(fh):
            fh.write(b"x" * 1000)
            fh.flush()
            print("writing", flush=True)
            time.sleep(60)

        atomic_write({str(target)!r}, write)
    """)
    for _ in range(3):
        proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE)
        assert proc.stdout.readline().strip() == b"writing"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    # Each new save removed the one its killed predecessor left: one is left, not three.
    left = list(tmp_path.glob(".obs.csv.*.tmp"))
    assert len(left) == 1
    # A temporary file of a live process (this one) is never touched.
    mine = tmp_path / f".obs.csv.{os.getpid()}.abc.tmp"
    mine.write_bytes(b"")
    write_table(small(), target)
    assert sorted(tmp_path.iterdir()) == sorted([target, mine])
    assert remove_stale_temps(tmp_path, "obs.csv") == []


# -- text that runs as a formula in a spreadsheet ----------------------------------------------

FORMULAS = ["=cmd|' /C calc'!A0", '=HYPERLINK("http://x","y")', "@SUM(1)", "+1+1", "-2+3", "\tx"]


def formula_dataset() -> Dataset:
    n = len(FORMULAS)
    ds = Dataset.from_arrays([1] * n, [0.5] * n, ids=FORMULAS)
    ds.extras["=note"] = ds.ids.copy()
    ds.extras["margin"] = ds.ids.copy()
    ds.extras["margin"][:] = "-0.5"  # a negative number stays a number
    ds.set_cell_text("predicted", 0, "=1+1")
    return ds


def test_csv_saves_and_exports_prefix_formula_text(tmp_path):
    ds = formula_dataset()
    write_table(ds, tmp_path / "s.csv")
    back, _ = read_table(tmp_path / "s.csv", ReadOptions(columns={"id": "ID"}))
    assert back.ids.tolist() == ["'" + f for f in FORMULAS]
    assert back.extras["'=note"].tolist() == ["'" + f for f in FORMULAS]
    assert back.extras["margin"].tolist() == ["-0.5"] * len(FORMULAS)
    assert back.predicted.cell_text(0) == "'=1+1"
    write_results(ds, evaluate(ds, LossOptions()), tmp_path / "r.csv")
    import csv

    with open(tmp_path / "r.csv", newline="") as fh:
        rows = list(csv.reader(fh))[1:]
    assert [r[0] for r in rows] == ["'" + f for f in FORMULAS]
    assert rows[0][2] == "'=1+1"
    assert not any(cell[:1] in "=+@" for r in rows for cell in r if cell and not cell[1:2].isdigit())


def test_opting_out_keeps_the_text_as_typed(tmp_path):
    ds = formula_dataset()
    write_table(ds, tmp_path / "s.csv", guard_formulas=False)
    back, _ = read_table(tmp_path / "s.csv", ReadOptions(columns={"id": "ID"}))
    assert back.ids.tolist()[:5] == FORMULAS[:5]
    assert back.predicted.cell_text(0) == "=1+1"


def test_xlsx_keeps_formula_text_as_text(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    write_table(formula_dataset(), tmp_path / "s.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "s.xlsx").active
    assert ws["A2"].value == FORMULAS[0] and ws["A2"].data_type == "s"
