"""How a read fails: one exception type whose text is one sentence naming the file.

Every reader raises :class:`TableReadError` (or its :class:`NoDataRows`) with a human sentence;
the window shows it, the command line prints it. :class:`ReadCancelled` is not a failure: the
caller asked to stop.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..formatting import one_line

#: The longest message a read error carries (file text quoted in it is cut to fit).
MESSAGE_LIMIT = 600


class TableReadError(Exception):
    """A file that cannot be read as observations; ``str(err)`` is one sentence for the user:
    one line (control characters in a file name or a cell are shown escaped), at most
    :data:`MESSAGE_LIMIT` characters."""

    def __init__(self, path: str | os.PathLike | None, message: str):
        self.path = None if path is None else str(path)
        self.reason = one_line(message, MESSAGE_LIMIT)
        where = f"{one_line(Path(self.path).name, 200)}: " if self.path else ""
        super().__init__(f"{where}{self.reason}")

    def __reduce__(self):
        # (a cluster worker's error reaches the client pickled: rebuilt from what it was made of)
        return (self.__class__, (self.path, self.reason))


class NoDataRows(TableReadError):
    """Every row is blank (a header-only file, or a block of blank lines when streaming)."""


class ReadCancelled(Exception):
    """The caller cancelled a read; nothing was changed."""


def first_line_of(exc: Exception) -> str:
    """The first line of what an exception from polars or fastexcel says (its type's name if
    it says nothing), to quote in a one-sentence message."""
    text = str(exc).strip().splitlines()
    return text[0] if text else exc.__class__.__name__
