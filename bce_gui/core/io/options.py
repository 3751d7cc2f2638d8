"""What a read is asked to do (:class:`ReadOptions`) and what it found (:class:`ImportInfo`).

Both travel through every stage: the readers fill in an :class:`ImportInfo` as they detect the
encoding, the delimiter, the header and the columns; the import dialog shows it and hands the
user's corrections back as :class:`ReadOptions`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .errors import ReadCancelled


@dataclass
class ReadOptions:
    """What the caller knows better than detection. ``None`` means detect."""

    delimiter: str | None = None
    decimal: str | None = None
    encoding: str | None = None
    header: bool | None = None
    sheet: str | int | None = None
    columns: dict[str, str] = field(default_factory=dict)
    load_ids: bool = True
    load_extras: bool = True
    #: K classes: the class columns in order (``--proba-columns``; names or 1-based numbers) and
    #: the full class list in order (``--classes``); either one asks for the multi-class form.
    proba_columns: tuple[str, ...] | None = None
    classes: tuple[Any, ...] | None = None
    #: A class ↔ column mapping already decided (by the preview, or by a stream's first block):
    #: used as it is, without detection.
    class_columns: Any = None
    #: Read only the first rows (a preview); None reads everything.
    n_rows: int | None = None
    #: Called with (fraction done, what is happening); may be called from a worker thread.
    progress: Callable[[float, str], None] | None = field(default=None, repr=False, compare=False)
    #: Polled between stages; returning True abandons the read with :class:`ReadCancelled`.
    is_cancelled: Callable[[], bool] | None = field(default=None, repr=False, compare=False)

    def report(self, fraction: float, message: str) -> None:
        if self.is_cancelled is not None and self.is_cancelled():
            raise ReadCancelled()
        if self.progress is not None:
            self.progress(fraction, message)


@dataclass(frozen=True)
class ColumnChoice:
    """A role found by its column's name while other columns' names could be it too (y_pred
    beside y_proba): those columns, the one used, and the sentence saying so ("'y_pred' could
    also be the predicted probability; 'y_proba' was used"), which the import preview shows
    and ``compute``'s warning extends with how to choose another."""

    others: tuple[str, ...]
    used: str
    sentence: str


class RowWarning(str):
    """A warning that quotes one row of the file. As text it reads as ``compute`` prints it,
    the row numbered as a spreadsheet shows it (header = row 1: "label 'Cat' (row 12) was
    taken as class 'cat'..."); :meth:`saying` words the row otherwise, as the window does (the
    row of its table, counted from 1 below the header). A ``str``, so a warning stays one
    string wherever warnings are kept, merged or printed."""

    before: str
    row: int
    after: str

    def __new__(cls, before: str, row: int, after: str) -> RowWarning:
        self = super().__new__(cls, f"{before}row {int(row)}{after}")
        self.before, self.row, self.after = before, int(row), after
        return self

    def __reduce__(self):  # (a cluster worker's warnings reach the client pickled)
        return (RowWarning, (self.before, self.row, self.after))

    def saying(self, where: str) -> str:
        """The warning with ``where`` ("row 11", "file line 12") in place of "row N"."""
        return f"{self.before}{where}{self.after}"


@dataclass
class ImportInfo:
    """What was detected, so a preview dialog can show it and let the user override it."""

    path: str
    format: str
    encoding: str = "utf-8"
    delimiter: str | None = None
    decimal: str = "."
    has_header: bool = True
    sheet: str | None = None
    headers: list[str] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)
    #: K classes: the class ↔ column mapping (a :class:`~bce_gui.core.class_labels.ClassColumns`),
    #: None for a binary table; and why per-class columns were set aside or what else the file
    #: could be read as (for the preview).
    class_columns: Any = None
    class_problems: list[str] = field(default_factory=list)
    n_rows: int = 0
    n_blank_rows: int = 0
    #: Things worth a look that did not stop the read, one sentence each, keyed by column (the
    #: first occurrence per column: a stream shares this dict between its blocks); one that
    #: quotes a row is a :class:`RowWarning`.
    warnings: dict[str, str] = field(default_factory=dict)
    #: Per role found by its name beside other columns that could be it too, what was chosen
    #: (each also a warning, keyed ``COLUMN_CHOICE + role``: see ``to_dataset``).
    column_choices: dict[str, ColumnChoice] = field(default_factory=dict)
    # 1-based file line / sheet row of the header (or of the first data row without a header).
    # Leading blank lines are skipped by the readers, but a spreadsheet still counts them.
    first_line: int = 1
    #: "\r\n" or "\n", as the text's lines end (Save writes them back the same way).
    line_end: str = "\n"
