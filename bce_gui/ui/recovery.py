"""Recovery files that belong to one running instance of the app.

Every instance autosaves into a folder of its own under the recovery folder, which it owns with
a lock file (Qt's QLockFile: the process id and host, so a lock left by a crash is recognised as
stale). At start, only the folders no living instance owns are offered for restoring: a second
window never offers the first one's live autosave as a crash, and answering "No" deletes only a
dead instance's files.

Folder layout::

    recovery/<pid>-<random>/owner.lock      held while the instance runs
    recovery/<pid>-<random>/recovery.csv    the unsaved table
    recovery/<pid>-<random>/recovery.json   what it belongs to (file, options, time)
    recovery/recovery.{csv,json}            left by versions before the lock (no owner)
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QLockFile

LOCK_NAME = "owner.lock"
DATA_NAME = "recovery.csv"
META_NAME = "recovery.json"


def _lock(folder: Path) -> QLockFile:
    lock = QLockFile(str(folder / LOCK_NAME))
    # Stale only when its process is gone: a window left open for hours keeps its lock.
    lock.setStaleLockTime(0)
    return lock


@dataclass
class Orphan:
    """A dead instance's recovery folder, locked by us while we decide what to do with it."""

    folder: Path
    meta: dict
    lock: QLockFile | None
    #: Left by a version before per-instance folders: its files lie in the recovery folder itself.
    legacy: bool = False

    @property
    def data(self) -> Path:
        return self.folder / DATA_NAME

    def discard(self) -> None:
        """Delete its files (the user declined them, or they were restored and saved again)."""
        for name in (DATA_NAME, META_NAME):
            try:
                os.unlink(self.folder / name)
            except OSError:
                pass  # offered again next time, which is harmless
        self.release(remove_folder=True)

    def release(self, remove_folder: bool = False) -> None:
        if self.lock is not None:
            self.lock.unlock()
            self.lock = None
        if remove_folder and not self.legacy:
            shutil.rmtree(self.folder, ignore_errors=True)


class RecoveryStore:
    """This instance's recovery folder (created and locked at the first autosave), and the
    folders dead instances left behind. ``base`` gives the recovery folder (looked up each time:
    tests and the About dialog point it elsewhere)."""

    def __init__(self, base: Callable[[], Path]) -> None:
        self._base = base
        self._folder: Path | None = None
        self._lock: QLockFile | None = None

    @property
    def folder(self) -> Path | None:
        """This instance's folder, once it has written something."""
        return self._folder

    def own_folder(self) -> Path:
        """The folder this instance writes to, created and locked on first use."""
        if self._folder is None:
            base = self._base()
            base.mkdir(parents=True, exist_ok=True)
            folder = base / f"{os.getpid()}-{secrets.token_hex(4)}"
            folder.mkdir()
            lock = _lock(folder)
            if not lock.tryLock(0):
                raise OSError(f"cannot lock the recovery folder {folder}")
            self._folder, self._lock = folder, lock
        return self._folder

    def remove_files(self) -> None:
        """Nothing unsaved any more: delete what this instance wrote (it keeps its folder)."""
        if self._folder is None:
            return
        for name in (META_NAME, DATA_NAME):
            try:
                os.unlink(self._folder / name)
            except FileNotFoundError:
                pass
            except OSError:
                pass  # a stale recovery file is offered again next time, which is harmless

    def has_files(self) -> bool:
        return self._folder is not None and (self._folder / META_NAME).exists()

    def close(self, keep_files: bool) -> None:
        """The instance ends: unlock its folder. ``keep_files`` (unsaved work written at a
        SIGTERM): the folder stays, and the next start offers it; else it goes."""
        if self._folder is None:
            return
        if not keep_files:
            self.remove_files()
        if self._lock is not None:
            self._lock.unlock()
            self._lock = None
        if not keep_files:
            shutil.rmtree(self._folder, ignore_errors=True)
        self._folder = None

    def orphans(self) -> list[Orphan]:
        """Folders with recovery files that no living instance owns, newest first, each locked
        for us until it is restored, discarded or released."""
        base = self._base()
        if not base.is_dir():
            return []
        found: list[Orphan] = []
        candidates = [p for p in base.iterdir() if p.is_dir() and p != self._folder]
        for folder in candidates:
            if not (folder / META_NAME).exists() or not (folder / DATA_NAME).exists():
                continue
            lock = _lock(folder)
            if not lock.tryLock(0):
                continue  # a living instance's own autosave
            meta = _read_meta(folder / META_NAME)
            if meta is None:
                lock.unlock()
                continue
            found.append(Orphan(folder, meta, lock))
        if (base / META_NAME).exists() and (base / DATA_NAME).exists():
            meta = _read_meta(base / META_NAME)
            if meta is not None:  # written by a version before the per-instance folders
                found.append(Orphan(base, meta, None, legacy=True))
        found.sort(key=lambda o: -float(o.meta.get("saved_at", 0) or 0))
        return found


def _read_meta(path: Path) -> dict | None:
    try:
        meta = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return meta if isinstance(meta, dict) else None
