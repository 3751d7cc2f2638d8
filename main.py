"""BCE Lab launcher: ``python main.py`` opens the window, ``python main.py compute FILE`` computes."""

import sys

if sys.argv[1:2] == ["compute"]:
    # A command that ends at once: no cyclic garbage collection from here on, the imports
    # included (see bce_gui.cli.run_and_exit).
    import gc

    gc.disable()

from bce_gui.cli import run_and_exit

if __name__ == "__main__":
    run_and_exit(sys.argv[1:])
