"""BCE Lab launcher: ``python main.py`` opens the window, ``python main.py compute FILE`` computes."""

import sys

from bce_gui.cli import main

if __name__ == "__main__":
    sys.exit(main())
