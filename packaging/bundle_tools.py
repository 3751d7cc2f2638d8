"""Helpers for ``bce-lab.spec`` that keep the Linux bundle lean. Standard library plus PyInstaller.

* ``prune_unneeded_libraries``: after the spec drops Qt plugins the app never uses, the system and
  Qt libraries that only those plugins needed (GTK, cairo, Qt Network, ...) are left out too.
* ``strip_large_binaries``: big extension modules shipped with their symbol table (polars' Rust
  runtime carries 40 MB of it) are bundled as stripped copies. Libraries that auditwheel
  patched (``*.libs/``) and Qt's own are left alone.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

MIN_STRIP_BYTES = 4 * 1024 * 1024
#: Loaded with dlopen by the bootloader, not linked: never pruned.
ALWAYS_KEEP = ("libpython",)


def _dest(entry) -> str:
    return entry[0].replace("\\", "/")


def _is_shared_library_candidate(dest: str) -> bool:
    """Libraries PyInstaller pulled in as dependencies (bundle root and Qt's lib folder)."""
    return "/" not in dest or dest.startswith("PySide6/Qt/lib/")


def prune_unneeded_libraries(binaries: list) -> list:
    from PyInstaller.depend import bindepend

    roots = [b for b in binaries if not _is_shared_library_candidate(_dest(b))]
    needed: set[str] = set()
    for _dest_name, src, _kind in roots:
        try:
            needed |= {name for name, _path in bindepend.get_imports(src)}  # transitive (ldd)
        except Exception as exc:  # noqa: BLE001 - cannot tell: keep everything
            print(f"bundle_tools: dependency scan failed on {src} ({exc}); keeping all libraries")
            return binaries
    kept, dropped = [], []
    for entry in binaries:
        dest = _dest(entry)
        name = dest.rsplit("/", 1)[-1]
        if (not _is_shared_library_candidate(dest) or name in needed
                or name.startswith(ALWAYS_KEEP)):
            kept.append(entry)
        else:
            dropped.append(name)
    if dropped:
        print(f"bundle_tools: left out {len(dropped)} libraries no bundled module needs: "
              + ", ".join(sorted(dropped)))
    return kept


def strip_large_binaries(binaries: list, work: Path) -> list:
    strip = shutil.which("strip")
    if not strip:
        return binaries
    out = []
    saved = 0
    for entry in binaries:
        dest, src, kind = entry
        d = dest.replace("\\", "/")
        try:
            size = os.path.getsize(src)
        except OSError:
            out.append(entry)
            continue
        if size < MIN_STRIP_BYTES or ".libs/" in d or d.startswith("PySide6/"):
            out.append(entry)
            continue
        target = work / d
        target.parent.mkdir(parents=True, exist_ok=True)
        if not (target.exists() and target.stat().st_mtime >= os.path.getmtime(src)):
            proc = subprocess.run([strip, "--strip-unneeded", "-o", str(target), src],
                                  capture_output=True, text=True)
            if proc.returncode != 0:
                print(f"bundle_tools: strip failed on {src}: {proc.stderr.strip()}")
                out.append(entry)
                continue
        new_size = target.stat().st_size
        if size - new_size < 1024 * 1024:
            out.append(entry)
            continue
        saved += size - new_size
        out.append((dest, str(target), kind))
    if saved:
        print(f"bundle_tools: stripping symbol tables saved {saved / 2**20:.0f} MB")
    return out


def drop_dangling_symlinks(datas: list, binaries: list) -> list:
    """PyInstaller records symbolic links (kind SYMLINK) to libraries; drop those whose library
    was left out above, so the bundle holds no broken links."""
    present = {_dest(b) for b in binaries} | {_dest(d) for d in datas if d[2] != "SYMLINK"}
    kept = []
    for entry in datas:
        if entry[2] == "SYMLINK":
            dest = _dest(entry)
            target = os.path.normpath(os.path.join(os.path.dirname(dest), entry[1])).replace("\\", "/")
            if target not in present:
                continue
        kept.append(entry)
    return kept
