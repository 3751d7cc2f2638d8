"""Give freed memory back to the operating system (glibc), so the app's footprint follows its data.

glibc serves large allocations from its heap once big blocks have been freed (its mmap threshold
rises dynamically), and memory in the heap is not returned when numpy frees a temporary array.
After a large file is loaded, hundreds of megabytes of temporaries would stay charged to the app.
Fixing the threshold makes every large array an ``mmap`` of its own, returned when freed; a trim
after big operations hands back the rest. Elsewhere (macOS, Windows, musl) these are no-ops.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD_BYTES = 1 << 20

_libc = None


def _glibc():
    global _libc
    if _libc is None:
        _libc = False
        if sys.platform.startswith("linux"):
            try:
                lib = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
                lib.mallopt  # noqa: B018 - glibc only
                lib.malloc_trim  # noqa: B018
                _libc = lib
            except (OSError, AttributeError):
                _libc = False
    return _libc


def tune_allocator() -> bool:
    """Allocations of 1 MiB and more get their own mapping (returned to the OS when freed)."""
    lib = _glibc()
    return bool(lib) and lib.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES) == 1


def trim() -> None:
    """Return free heap memory to the OS (after a load, a large delete, a new document)."""
    lib = _glibc()
    if lib:
        lib.malloc_trim(0)


def rss_bytes() -> int | None:
    """This process's resident memory now (Linux; None elsewhere), for the benchmarks."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None
