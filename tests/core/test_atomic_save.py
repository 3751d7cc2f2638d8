"""Interrupted saves: whatever goes wrong in the middle, the previous file stays byte-for-byte.

The failures are made real where possible: the real writers (polars for CSV/TSV, xlsxwriter for
.xlsx) write into a file handle that accepts only part of the bytes and then reports a full disk,
exactly as the operating system would; and the steps after the write (fsync, the rename) are
made to fail. After each failure the destination must hold its old bytes and the folder must
hold no temporary file.
"""

from __future__ import annotations

import errno
import gc
import os

import numpy as np
import pytest

import bce_gui.core.io_write as io_write
from bce_gui.core.dataset import Dataset
from bce_gui.core.io import read_table
from bce_gui.core.io_write import atomic_write, write_table

N = 2000


def dataset(seed: int) -> Dataset:
    rng = np.random.default_rng(seed)
    y = (rng.random(N) < 0.4).astype(float)
    p = rng.random(N)
    return Dataset.from_arrays(y, p, ids=[f"row{i}" for i in range(N)])


class FullDisk:
    """A file handle that takes ``limit`` bytes, then fails like a full disk (ENOSPC)."""

    def __init__(self, fh, limit: int, error: BaseException | None = None) -> None:
        self._fh = fh
        self._left = limit
        self._error = error
        self.written = 0

    def write(self, data) -> int:
        data = bytes(data)
        if len(data) > self._left:
            self._fh.write(data[: self._left])
            self.written += self._left
            self._left = 0
            raise self._error or OSError(errno.ENOSPC, "No space left on device")
        self._left -= len(data)
        self.written += len(data)
        return self._fh.write(data)

    def __getattr__(self, name):
        return getattr(self._fh, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self._fh.close()


@pytest.fixture
def full_disk(monkeypatch):
    """Make the next atomic write's temporary file accept only ``limit`` bytes."""
    handles: list[FullDisk] = []
    real_fdopen = os.fdopen

    def install(limit: int, error: BaseException | None = None) -> list[FullDisk]:
        def fdopen(fd, *args, **kwargs):
            handle = FullDisk(real_fdopen(fd, *args, **kwargs), limit, error)
            handles.append(handle)
            return handle

        monkeypatch.setattr(io_write.os, "fdopen", fdopen)
        return handles

    return install


def listing(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def saved_original(tmp_path, suffix: str):
    """A file saved by the app, its bytes, and the values it holds."""
    target = tmp_path / f"observations{suffix}"
    ds = dataset(1)
    write_table(ds, target)
    return target, target.read_bytes(), ds


def assert_untouched(target, original: bytes, ds: Dataset) -> None:
    assert target.read_bytes() == original
    assert listing(target.parent) == [target.name]  # no temporary file left behind
    back, _info = read_table(target)
    np.testing.assert_array_equal(back.predicted.values, ds.predicted.values)


def half_size(suffix: str, tmp_path) -> int:
    """Half the size of the new content: the write fails in its middle."""
    probe = tmp_path / "probe" / f"new{suffix}"
    probe.parent.mkdir()
    write_table(dataset(2), probe)
    size = probe.stat().st_size
    probe.unlink()
    probe.parent.rmdir()
    return size // 2


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # zipfile's __del__
@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".xlsx"])
@pytest.mark.parametrize("where", ["start", "middle", "end"])
def test_disk_full_during_write_table_keeps_the_original(suffix, where, tmp_path, full_disk):
    target, original, ds = saved_original(tmp_path, suffix)
    half = half_size(suffix, tmp_path)
    limit = {"start": 0, "middle": half, "end": 2 * half - 1}[where]
    handles = full_disk(limit)
    with pytest.raises(Exception) as err:  # noqa: PT011 - the type is checked below
        write_table(dataset(2), target)
    # polars passes the OSError through; xlsxwriter wraps it in its FileCreateError.
    assert "No space left on device" in str(err.value)
    assert len(handles) == 1 and handles[0].written == limit  # it really was cut off there
    del err
    gc.collect()  # xlsxwriter's abandoned ZipFile complains when collected: let it happen here
    assert_untouched(target, original, ds)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_failing_fsync_keeps_the_original(suffix, tmp_path, monkeypatch):
    target, original, ds = saved_original(tmp_path, suffix)
    calls = []

    def fsync(fd):
        calls.append(fd)
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(io_write.os, "fsync", fsync)
    with pytest.raises(OSError, match="Input/output error"):
        write_table(dataset(2), target)
    assert len(calls) == 1  # the new bytes were complete; only making them durable failed
    assert_untouched(target, original, ds)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_failing_rename_keeps_the_original(suffix, tmp_path, monkeypatch):
    target, original, ds = saved_original(tmp_path, suffix)
    renames = []

    def replace(src, dst):
        renames.append((os.path.basename(src), os.path.basename(dst)))
        assert os.path.getsize(src) > 0  # the complete new file was there, waiting
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(io_write.os, "replace", replace)
    # An OSError that names the file (the error from os.replace alone did not).
    with pytest.raises(OSError, match=f"{target.name}: could not be written .Permission denied") as err:
        write_table(dataset(2), target)
    assert err.value.errno == errno.EACCES
    assert len(renames) == 1 and renames[0][1] == target.name
    assert renames[0][0].startswith(f".{target.name}.") and renames[0][0].endswith(".tmp")
    assert_untouched(target, original, ds)


def test_ctrl_c_in_the_middle_of_a_save_keeps_the_original(tmp_path):
    # KeyboardInterrupt is not an Exception: the clean-up must still run (and re-raise it).
    target, original, ds = saved_original(tmp_path, ".csv")
    content = b"id,actual,predicted\n" + b"x,1,0.5\n" * 1000

    def writer(fh):
        fh.write(content[: len(content) // 2])
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, writer)
    assert_untouched(target, original, ds)


def test_atomic_write_half_then_raise_keeps_the_original(tmp_path):
    target = tmp_path / "report.html"
    original = "<html>old report</html>".encode()
    target.write_bytes(original)

    def writer(fh):
        fh.write(b"<html>new report, first half")
        fh.flush()
        raise ValueError("the second half could not be rendered")

    with pytest.raises(ValueError):
        atomic_write(target, writer)
    assert target.read_bytes() == original
    assert listing(tmp_path) == ["report.html"]


def test_a_failed_first_save_creates_no_file(tmp_path, full_disk):
    full_disk(100)
    with pytest.raises(OSError):
        write_table(dataset(2), tmp_path / "new.csv")
    assert listing(tmp_path) == []


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # zipfile's __del__
def test_the_next_save_after_a_failure_succeeds(tmp_path, monkeypatch, full_disk):
    target, original, ds = saved_original(tmp_path, ".xlsx")
    full_disk(1000)
    with pytest.raises(Exception):  # noqa: B017, PT011 - any failure; the point is what follows
        write_table(dataset(2), target)
    gc.collect()
    monkeypatch.undo()
    new = dataset(3)
    write_table(new, target)
    assert listing(tmp_path) == [target.name] and target.read_bytes() != original
    back, _info = read_table(target)
    np.testing.assert_array_equal(back.predicted.values, new.predicted.values)
    np.testing.assert_array_equal(back.actual.values, new.actual.values)
