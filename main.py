"""BCE Lab launcher: ``python main.py`` opens the window, ``python main.py compute FILE`` computes."""

import sys

if sys.argv[1:2] == ["compute"]:
    # A command that ends at once (see bce_gui.prepare_compute_process), before numpy's import.
    from bce_gui import prepare_compute_process

    prepare_compute_process()

from bce_gui.cli import run_and_exit

if __name__ == "__main__":
    run_and_exit(sys.argv[1:])
