"""Reading observation tables: CSV, TSV and spreadsheets (.xlsx, .xls, .ods).

The public face of the readers: what the window, the command line and the tests use.
"""

from .decode import spooled
from .errors import MESSAGE_LIMIT, NoDataRows, ReadCancelled, TableReadError
from .options import ImportInfo, ReadOptions
from .read import (
    Preview,
    load_frame,
    map_frame,
    preview_table,
    read_table,
)
from .sniff import MAX_COLUMNS
from .spreadsheets import SPREADSHEET_SUFFIXES
