"""BCE Lab launcher: ``python main.py`` opens the window, ``python main.py compute FILE`` computes."""

import sys

from bce_gui.cli import run_and_exit

if __name__ == "__main__":
    run_and_exit(sys.argv[1:])
