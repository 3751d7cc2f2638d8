"""Reading observation tables: CSV, TSV and spreadsheets (.xlsx, .xlsm, .xls, .ods).

The parsing itself is done by polars' CSV reader and by calamine (through fastexcel): robust,
fast, well-kept readers. This package decides what they cannot: the encoding, the delimiter, the
decimal mark, whether there is a header, and which column is which. Every cell is read as text
first and converted to numbers afterwards, so a cell such as ``abc`` in a number column is kept
(and reported), never dropped or turned into a silent 0. Every failure is a
:class:`TableReadError` carrying one sentence that names the file.

One job per module, in the order a file goes through them:

* :mod:`.decode` — opening, spooling a pipe, reading bytes, refusing binary, decoding to UTF-8;
* :mod:`.sniff` — delimiter, header and the lines above the table of a delimited text;
* :mod:`.text_tables` — delimited text parsed by polars into a frame of text columns;
* :mod:`.spreadsheets` — a sheet read by calamine into the same kind of frame
  (:mod:`.xlsx_cells`: the .xlsx cells calamine reads as empty);
* :mod:`.to_dataset` — a frame to a :class:`~bce_gui.core.dataset.Dataset`;
* :mod:`.read` — the entry points below; :mod:`.errors` and :mod:`.options` — the shared types.

The streamed path (:mod:`bce_gui.core.stream`) uses the modules' functions directly.
"""

from .decode import spooled
from .errors import MESSAGE_LIMIT, NoDataRows, ReadCancelled, TableReadError
from .options import ImportInfo, ReadOptions
from .read import Preview, load_frame, preview_table, read_table, read_table_while, warm_up
from .sniff import MAX_COLUMNS
from .spreadsheets import SPREADSHEET_SUFFIXES
from .to_dataset import map_frame

__all__ = [
    "MAX_COLUMNS", "MESSAGE_LIMIT", "SPREADSHEET_SUFFIXES", "ImportInfo", "NoDataRows", "Preview",
    "ReadCancelled", "ReadOptions", "TableReadError", "load_frame", "map_frame", "preview_table",
    "read_table", "read_table_while", "spooled", "warm_up",
]
