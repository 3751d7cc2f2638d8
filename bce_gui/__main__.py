"""``python -m bce_gui`` and the ``bce-lab`` console script."""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:2] == ["compute"]:
        from . import prepare_compute_process

        prepare_compute_process()  # (before the imports: see cli.run_and_exit)
    from .cli import run_and_exit

    run_and_exit(sys.argv[1:])


def gui_main() -> int:
    from .launch import launch_gui

    return launch_gui(sys.argv[1:])


if __name__ == "__main__":
    main()
