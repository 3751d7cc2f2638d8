"""BCE Lab: compute, inspect and explain binary cross-entropy (log loss), offline."""

from __future__ import annotations

import os as _os

# polars allocates with its own jemalloc, which by default keeps freed pages for ~10 s: right
# after a large file is read, the app would look 50 bytes per row heavier than it is. Returning
# them at once costs nothing measurable here (benchmarks/bench_memory.py). A user's own setting wins.
_os.environ.setdefault("_RJEM_MALLOC_CONF", "dirty_decay_ms:0,muzzy_decay_ms:0")


def prepare_compute_process() -> None:
    """Called first in a process that runs ``compute`` (before numpy is imported): a command
    that ends at once. No cyclic garbage collection from here on, the imports included (see
    :func:`bce_gui.cli.run_and_exit`); numpy's OpenBLAS with one thread: at import it starts a
    thread per core that spins waiting for work, and compute does no linear algebra that needs
    them (15% of a 1e6-row compute's processor time, taken from polars and the statistics'
    workers). A user's own setting wins."""
    import gc

    gc.disable()
    _os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def _version() -> str:
    """The version in pyproject.toml (source tree), else the installed package's metadata.

    pyproject.toml is read first because importlib.metadata costs ~80 ms at start-up.
    """
    found = _pyproject_version()
    if found != "0+unknown":
        return found
    try:
        from importlib.metadata import PackageNotFoundError, version

        return version("bce-lab")
    except (ImportError, PackageNotFoundError):
        return found


def _pyproject_version() -> str:
    import re
    from pathlib import Path

    pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
    try:
        match = re.search(r'^version\s*=\s*"([^"]+)"', pyproject.read_text("utf-8"), re.M)
    except OSError:
        match = None
    return match.group(1) if match else "0+unknown"


__version__ = _version()
