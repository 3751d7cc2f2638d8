"""Start the window, or explain in one line why it cannot start."""

from __future__ import annotations

import os
import sys


def display_problem() -> str | None:
    """Why no window can be shown here, or None if a display (or a headless platform) is set."""
    if os.environ.get("QT_QPA_PLATFORM"):
        return None
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        return "no display found (neither DISPLAY nor WAYLAND_DISPLAY is set)"
    return None


def launch_gui(argv: list[str]) -> int:
    problem = display_problem()
    if problem:
        print(
            f"bce-lab: cannot open the window: {problem}; "
            "to compute a loss without a window run: bce-lab compute FILE (or python main.py compute FILE)",
            file=sys.stderr,
        )
        return 2
    try:
        from .ui.app import run
    except ImportError as exc:
        print(f"bce-lab: cannot open the window: Qt is not available ({exc})", file=sys.stderr)
        return 2
    return run(argv)
