"""Reading observation tables: CSV, TSV and spreadsheets (.xlsx, .xls, .ods).

The public face of the readers: what the window, the command line and the tests use.
"""

from .read import (
    MAX_COLUMNS,
    MESSAGE_LIMIT,
    SPREADSHEET_SUFFIXES,
    ImportInfo,
    NoDataRows,
    Preview,
    ReadCancelled,
    ReadOptions,
    TableReadError,
    load_frame,
    map_frame,
    preview_table,
    read_table,
    spooled,
)
