"""Entry point of the frozen BCE Lab (PyInstaller): the same dispatch as ``main.py``.

``bce-lab`` opens the window; ``bce-lab compute FILE`` computes from the command line.
"""

import sys

from bce_gui.cli import run_and_exit

if __name__ == "__main__":
    run_and_exit(sys.argv[1:])
