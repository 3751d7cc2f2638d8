"""Tab-separated text, as spreadsheets put on the clipboard."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from .columns import SYNONYMS, headerless_names, normalise
from .dataset import parse_cell
from .schema import ROLE_ORDER


def parse_block(text: str) -> list[list[str]]:
    """Split clipboard text into rows of cells (tabs between cells, newlines between rows).

    Spreadsheets quote a cell that contains a tab or a newline; those quotes are honoured.
    Empty lines at the end are no rows: a spreadsheet's copy ends in one newline, and a blank
    line after it is noise, which would otherwise clear a cell (or add an empty row) under the
    block. (A copy of one column whose last cell is empty therefore pastes one row shorter; a
    wider copy's empty last row is a line of tabs, and stays a row.) An empty line inside the
    block is a row of one empty cell, as a spreadsheet pastes it. Text of nothing but newlines
    is one empty cell: what a spreadsheet copies from an empty cell.
    """
    if not text:
        return []
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _without_blank_tail(text)
    if "\t" not in text and "\n" not in text:
        # One cell. Unquote it only if it is one well-formed quoted field ("" or "a ""b"""),
        # as format_block writes it; any other text is kept exactly as it is.
        inner = text[1:-1]
        if len(text) >= 2 and text[0] == text[-1] == '"' and '"' not in inner.replace('""', ""):
            return [[inner.replace('""', '"')]]
        return [[text]]
    return [row if row else [""] for row in csv.reader(io.StringIO(text), delimiter="\t", quotechar='"')]


def _without_blank_tail(text: str) -> str:
    """The text without its last newlines and the empty or blank lines (spaces, no tab) among
    them; looks at the end only (a pasted block may hold a million lines)."""
    end = len(text)
    while (nl := text.rfind("\n", 0, end)) >= 0:
        last = text[nl + 1:end]
        if last.strip() or "\t" in last:
            break
        end = nl
    return text[:end]


def delimited_lines(block: list[list[str]]) -> str | None:
    """A one-column block whose every line holds the same two or more commas (or semicolons),
    as lines copied from a CSV in a text editor ("A,1,0.5"): the separator, else None. Such a
    paste puts each whole line into one cell; the window says how to paste rows instead (it
    does not split them itself: an ID such as "Smith, John" holds a comma too)."""
    if not block or any(len(r) != 1 for r in block):
        return None
    lines = [r[0] for r in block if r[0].strip()]
    for sep in (";", ","):
        counts = {line.count(sep) for line in lines}
        if lines and len(counts) == 1 and counts.pop() >= 2:
            return sep
    return None


def format_block(rows: list[list[str]]) -> str:
    """Rows of cells as tab-separated text that spreadsheets paste back cell by cell."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t", quotechar='"', lineterminator="\n",
                        quoting=csv.QUOTE_MINIMAL)
    for row in rows:
        if row == [""]:
            # csv writes a lone empty field as "" (so a reader can tell it from no row);
            # spreadsheets write an empty line, and paste the "" back as two quote marks.
            out.write("\n")
        else:
            writer.writerow(row)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# Where a pasted block goes
# ---------------------------------------------------------------------------------------------


class PasteError(ValueError):
    """A block that cannot go where it was pasted; the message says what to do instead."""


@dataclass
class PastePlan:
    """Where each column of a pasted block goes.

    ``columns`` maps a role (id, actual, predicted, weight) to the texts of its cells, one per
    block row; ``append`` says the rows are added at the end of the table (a block with a header
    row, or a paste below the last row); ``ignored`` names block columns that go nowhere.
    """

    columns: dict[str, list[str]]
    n_rows: int
    append: bool
    header: bool = False
    ignored: list[str] = field(default_factory=list)

    @property
    def roles(self) -> list[str]:
        return list(self.columns)


ROLE_NAMES = {"id": "ID", "actual": "Actual", "predicted": "Predicted", "weight": "Weight"}


def header_roles(cells: list[str], columns: list[str] | None = None,
                 titles: dict[str, str] | None = None) -> list[str | None] | None:
    """The role each cell of a header row names (None for a name not known), or None when the
    row is not a header: it names no known column, or it holds a number. ``columns``: the
    table's columns that are no role (K classes: the class columns), matched by name;
    ``titles``: the table's column titles as it shows them (title -> role or column), so a
    header copied from the table ("p(apple)", "Model 2: p(apple)") names its column."""
    known = {syn: role for role, syns in SYNONYMS.items() for syn in syns}
    known.update({normalise(t): key for t, key in (titles or {}).items()})
    known.update({normalise(c): c for c in columns or ()})
    names = [normalise(c) for c in cells]
    if any(parse_cell(c)[1] is None and c.strip() for c in cells):
        return None  # a number: data, not a header
    if not any(n in known for n in names):
        return None
    roles: list[str | None] = []
    for n in names:
        role = known.get(n)
        roles.append(role if role not in roles else None)  # a second "p" column goes nowhere
    return roles


def plan_paste(block: list[list[str]], shown_roles: list[str], start: int | None,
               titles: list[str] | None = None) -> PastePlan:
    """Decide where a block of cells goes.

    ``shown_roles``: the table's input columns in order; ``start``: the position in it of the
    selection's left column, or None when nothing is selected (a click below the last row);
    ``titles``: those columns' titles as the table shows them, in the same order.
    A block whose first row is a header is matched to the columns by name (a role's usual
    names, a column's own name, or its title in the table) and appended; a block
    pasted with nothing selected is appended, its columns read as a file without a header is
    ((actual, predicted) or (id, actual, predicted[, weight])); otherwise the block is written
    from the selection's top-left cell. Raises :class:`PasteError` when a block would lose
    columns only because it was pasted too far to the right, naming the column as ``titles``
    calls it (e.g. "p(apple)" for a class column).
    """
    if not block:
        return PastePlan({}, 0, False)
    width = max(len(r) for r in block)
    own = [k for k in shown_roles if k not in ROLE_ORDER]  # K classes: the class columns
    named = dict(zip(titles, shown_roles)) if titles else None
    header = header_roles(block[0], own, named) if len(block) >= 2 else None
    if header is not None:
        rows = block[1:]
        roles = header + [None] * (width - len(header))
        names = block[0] + [""] * (width - len(block[0]))
        ignored = [names[k] or f"column {k + 1}" for k, r in enumerate(roles) if r is None]
        append = True
    elif start is None and own:
        # K classes: the table's own columns in order, with or without the ID first.
        rows = block
        start_at = 1 if width == len(shown_roles) - 1 else 0
        roles = list(shown_roles[start_at:start_at + width]) + [None] * max(0, width - len(shown_roles))
        ignored = [f"column {k + 1}" for k, r in enumerate(roles) if r is None]
        append = True
    elif start is None:
        rows = block
        if width == 2:
            roles = headerless_names(2)
        else:
            roles = list(ROLE_ORDER[:width]) + [None] * max(0, width - len(ROLE_ORDER))
        ignored = [f"column {k + 1}" for k, r in enumerate(roles) if r is None]
        append = True
    else:
        rows = block
        room = len(shown_roles) - start
        if width > room and width <= len(shown_roles):
            key = shown_roles[start]
            first = (titles[start] if titles and start < len(titles) else None) or \
                ROLE_NAMES.get(key, key)
            raise PasteError(
                f"The clipboard holds {width} columns, but from the {first} column on the table has "
                f"only {room}. Select the cell where the block should start (the {ROLE_NAMES['id']} "
                "column for a block that starts with IDs) and paste again; nothing was changed.")
        roles = list(shown_roles[start:start + width]) + [None] * max(0, width - room)
        ignored = [f"column {k + 1}" for k, r in enumerate(roles) if r is None]
        append = False
    columns = {role: [r[k] if k < len(r) else "" for r in rows]
               for k, role in enumerate(roles) if role is not None}
    return PastePlan(columns, len(rows), append, header is not None, ignored)
