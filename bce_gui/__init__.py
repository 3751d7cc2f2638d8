"""BCE Lab: compute, inspect and explain binary cross-entropy (log loss), offline."""

from __future__ import annotations


def _version() -> str:
    try:
        from importlib.metadata import PackageNotFoundError, version

        return version("bce-lab")
    except Exception:  # not installed (running from a source tree or a frozen bundle)
        return _pyproject_version()


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
