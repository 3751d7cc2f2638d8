"""Writing files: observations (CSV, TSV, .xlsx), per-row results, the JSON summary.

Every write is atomic: the bytes go to a temporary file in the destination folder, which is
flushed to disk and then renamed over the destination. A crash, a full disk or an exception in
the middle of a save leaves the previous file exactly as it was.
"""

from __future__ import annotations

import json
import os
import stat
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import numpy as np

from .columns import unique_names
from .dataset import Dataset, NumericColumn
from .schema import ROLE_TITLES
from .dialect import CsvDialect
from .evaluate import Evaluation, evaluated_losses, terms_for_rows
from .formatting import one_line
from .loss import to_units
from .row_values import INFINITE_NOTE
from .summary import summary_dict

XLSX_MAX_ROWS = 1_048_575  # Excel's limit, less the header row


class TableWriteError(OSError):
    """A file could not be written; ``str(err)`` is one sentence for the user, naming the file.
    (An OSError, with the cause's ``errno`` when there is one.)"""

    def __init__(self, path: str | os.PathLike, message: str, errno: int | None = None):
        self.path = str(path)
        super().__init__(f"{one_line(Path(path).name, 200)}: {message}")
        self.errno = errno

    def __str__(self) -> str:
        return self.args[0]


class ReadOnlyFile(TableWriteError):
    """The destination exists and is read-only: the caller asks before replacing it."""


TEMP_SUFFIX = ".tmp"
#: A temporary file of an older version (no process id in its name) is removed when older.
_STALE_SECONDS = 600


def atomic_write(path: str | os.PathLike, write: Callable[[IO[bytes]], None], *,
                 replace_read_only: bool = False) -> None:
    """Call ``write(fh)`` on a temporary file beside ``path``, then rename it over ``path``.

    * Through a symbolic link, the link's target is replaced (the link stays a link).
    * The file keeps the permissions it had; a new file gets those the user's umask gives
      (0644 with umask 022), not the temporary file's private 0600.
    * A read-only file raises :class:`ReadOnlyFile` unless ``replace_read_only``.
    * A failed write (a full disk, say) raises :class:`TableWriteError` naming the file; the
      previous file is untouched and the temporary file removed.
    * Temporary files of this kind left by a process that died mid-save (SIGKILL) are removed.
    """
    path = Path(path)
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    folder = target.parent if str(target.parent) else Path(".")
    try:
        existing = os.stat(target)
    except FileNotFoundError:
        existing = None
    except OSError as exc:
        raise TableWriteError(path, f"cannot be written ({exc.strerror or exc})") from None
    if existing is not None and not replace_read_only and _read_only(target, existing):
        raise ReadOnlyFile(path, "is read-only")
    remove_stale_temps(folder, target.name)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}.", suffix=TEMP_SUFFIX,
                                   dir=folder)
    except OSError as exc:
        raise TableWriteError(path, f"cannot write in {folder} ({exc.strerror or exc})") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        mode = stat.S_IMODE(existing.st_mode) if existing is not None else 0o666 & ~current_umask()
        try:
            os.chmod(tmp, mode)
        except OSError:
            pass  # (a file system without permissions, e.g. FAT): the rename still saves the data
        os.replace(tmp, target)
    except TableWriteError:
        _unlink(tmp)
        raise
    except OSError as exc:
        _unlink(tmp)
        kept = "the file on disk is unchanged" if existing is not None else "no file was written"
        raise TableWriteError(
            path, f"could not be written ({exc.strerror or exc}); {kept}", exc.errno
        ) from None
    except BaseException:
        _unlink(tmp)
        raise


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _read_only(path: Path, st: os.stat_result) -> bool:
    """No write permission for anyone, or none for this user (root may write anything, so
    the mode bits decide for root)."""
    if not st.st_mode & 0o222:
        return True
    return hasattr(os, "geteuid") and os.geteuid() != 0 and not os.access(path, os.W_OK)


def current_umask() -> int:
    """The process's umask, read without changing it where the system says it (Linux)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    with _UMASK_LOCK:  # elsewhere: set and restore it (briefly process-wide)
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


_UMASK_LOCK = threading.Lock()


def remove_stale_temps(folder: Path, name: str) -> list[Path]:
    """Remove the temporary files ``.NAME.<pid>.<random>.tmp`` of saves of ``name`` whose
    process is gone (killed mid-save), and nameless-pid ones of older versions after 10 minutes.
    Returns what was removed."""
    removed = []
    prefix = f".{name}."
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if not (entry.name.startswith(prefix) and entry.name.endswith(TEMP_SUFFIX)):
            continue
        middle = entry.name[len(prefix):-len(TEMP_SUFFIX)]
        pid_text = middle.split(".", 1)[0] if "." in middle else ""
        try:
            if pid_text.isdigit():
                if int(pid_text) == os.getpid() or _alive(int(pid_text)):
                    continue
            elif time.time() - entry.stat(follow_symlinks=False).st_mtime < _STALE_SECONDS:
                continue
            os.unlink(entry.path)
            removed.append(Path(entry.path))
        except OSError:
            continue
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


# --------------------------------------------------------------------------------------------
# Spreadsheet formulas in text cells (CSV injection)
# --------------------------------------------------------------------------------------------

#: A text cell starting with one of these is run as a formula by spreadsheet programs
#: (OWASP, "CSV Injection"): ``=HYPERLINK(...)``, ``@SUM(1)``, ``+1+1``, ``-2+3``.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _looks_like_formula(text: str) -> bool:
    if not text or text[0] not in FORMULA_STARTS:
        return False
    try:
        float(text)
    except ValueError:
        return True
    return False  # a number such as -0.5 or +1e-3 is data, not a formula


def guard_formula(text: str | None) -> str | None:
    """``'=cmd`` for ``=cmd``: the leading apostrophe makes a spreadsheet show the text."""
    return "'" + text if text and _looks_like_formula(text) else text


def _guard_cells(cells: list[str | None]) -> list[str | None]:
    return [guard_formula(c) for c in cells]


def _guard_text_column(column: np.ndarray) -> np.ndarray:
    """The same on a numpy text column, checking in Python only the cells that start like a
    formula (few, in real data)."""
    starts = np.zeros(column.size, dtype=bool)
    for ch in FORMULA_STARTS:
        starts |= np.strings.startswith(column, ch)
    if not starts.any():
        return column
    out = column.copy()
    for i in np.flatnonzero(starts).tolist():
        out[i] = guard_formula(str(column[i]))
    return out


# --------------------------------------------------------------------------------------------
# Observations
# --------------------------------------------------------------------------------------------


def numeric_text(column: NumericColumn, decimal: str = ".",
                 guard_formulas: bool = False) -> list[str | None]:
    """A numeric column as the text cells a file holds: exact, with typed text kept.

    Numbers are written in their shortest round-trip form (0.94, not 0.93999999999999995), whole
    numbers without ".0" (labels stay 0 and 1), empty cells as None, typed text as typed.
    ``decimal`` is the decimal mark of the numbers (typed text keeps its own).
    """
    import polars as pl

    series = (
        pl.Series(column.values, dtype=pl.Float64)
        .fill_nan(None)
        .cast(pl.Utf8)
        .str.replace(r"^(-?\d+)\.0$", "${1}")
    )
    if decimal != ".":
        series = series.str.replace(".", decimal, literal=True)
    text = series.to_list()
    for row, typed in column.text.items():
        text[row] = guard_formula(typed) if guard_formulas else typed
    return text


def table_columns(dataset: Dataset, guard_formulas: bool = False,
                  decimal: str = ".") -> list[tuple[str, str, list[str]]]:
    """(key, header, cells) of every column to save, in the file's original order where known.

    ``key`` is a role (id, actual, predicted, weight) or ``extra:<name>``. ``guard_formulas``
    prefixes text that a spreadsheet would run as a formula with an apostrophe (headers too);
    numbers are written with the decimal mark ``decimal``.
    """
    named = dataset.header_order is not None
    headers = saved_headers(dataset)
    text = _guard_text_column if guard_formulas else (lambda column: column)

    def cells(name: str) -> list[str | None]:
        col = dataset.columns[name]
        if isinstance(col, NumericColumn):
            return numeric_text(col, decimal, guard_formulas)
        return _text_cells(text(col))

    cols = {key: (header, cells(_column_name(dataset, key))) for key, header in headers.items()}

    order = list(cols)
    if named:
        by_header = {header: key for key, (header, _cells) in cols.items()}
        order = [by_header.pop(h) for h in dataset.header_order if h in by_header]
        for key in cols:  # columns the file did not have, e.g. a weight column added in the app
            if key not in order:
                after = order.index("predicted") + 1 if key == "weight" else len(order)
                order.insert(after, key)
    out = [(key, *cols[key]) for key in order]
    if guard_formulas:
        out = [(key, guard_formula(header), cells) for key, header, cells in out]
    return out


def _column_key(dataset: Dataset, name: str) -> str:
    """A saved column's key: its role for the ID, actual, first prediction and weight columns,
    ``extra:<name>`` for a column without a role, ``column:<name>`` for other predictions."""
    role = dataset.schema.role_of(name)
    if role is None:
        return f"extra:{name}"
    return role if dataset.name_of(role) == name else f"column:{name}"


def _column_name(dataset: Dataset, key: str) -> str:
    """The name of the dataset's column a :func:`_column_key` names."""
    return key.split(":", 1)[1] if ":" in key else dataset.name_of(key)


def saved_headers(dataset: Dataset) -> dict[str, str]:
    """Key (see :func:`_column_key`) -> the header a save writes, for the roles' columns (ID,
    actual, predictions, weight) then the extra ones: a column's name, or in a table without a
    header its role's title (the models after the first keep their names: "Predicted" again
    would read back as "Predicted_1", the model's name lost)."""
    named = dataset.header_order is not None
    out = {}
    for role, name in dataset.schema.roles():
        key = _column_key(dataset, name)
        out[key] = name if named or key.startswith("column:") else ROLE_TITLES[role]
    for name in dataset.extras:
        out[_column_key(dataset, name)] = name
    return out


def write_table(dataset: Dataset, path: str | os.PathLike, fmt: str | None = None,
                dialect: CsvDialect | None = None, *,
                guard_formulas: bool = True, replace_read_only: bool = False) -> None:
    """Save observations as CSV, TSV or .xlsx (chosen by ``fmt`` or the file's extension).

    ``dialect``: the delimiter, decimal mark, encoding and line ends of CSV or TSV text (default
    UTF-8 with ``,`` or a tab, a decimal point and LF). In CSV and TSV, text that a spreadsheet
    would run as a formula (``=HYPERLINK(...)``) is written with a leading apostrophe unless
    ``guard_formulas`` is False (the app's own recovery files, or a user who opted out). An
    .xlsx cell holds such text as text: nothing to guard.
    """
    path = Path(path)
    fmt = (fmt or _format_for(path)).lower()
    if dialect is not None and fmt != "xlsx":
        columns = table_columns(dataset, guard_formulas, dialect.decimal)
        atomic_write(path, lambda fh: _write_in_dialect(fh, columns, dialect, path),
                     replace_read_only=replace_read_only)
        return
    if fmt == "xlsx":
        if len(dataset) > XLSX_MAX_ROWS:
            raise TableWriteError(path, f"has {len(dataset):,} rows; .xlsx holds at most {XLSX_MAX_ROWS:,}")
        columns = table_columns(dataset)
        data = _xlsx_bytes(path, columns, dataset)
        atomic_write(path, lambda fh: fh.write(data), replace_read_only=replace_read_only)
        return
    columns = table_columns(dataset, guard_formulas)
    delimiter = "\t" if fmt == "tsv" else ","
    atomic_write(path, lambda fh: _write_delimited(fh, columns, delimiter),
                 replace_read_only=replace_read_only)


def _xlsx_bytes(path: Path, columns, dataset: Dataset) -> bytes:
    """The workbook in memory (at most ~1e6 rows): xlsxwriter writing straight into a file that
    fails (a full disk) left a ZipFile whose clean-up raised again ("Exception ignored in
    ZipFile.__del__"); the bytes are then written by :func:`atomic_write`."""
    import io

    from xlsxwriter.exceptions import XlsxWriterException

    buffer = io.BytesIO()
    try:
        _write_xlsx(buffer, columns, dataset)
    except (XlsxWriterException, OSError) as exc:
        raise TableWriteError(path, f"could not be written ({one_line(str(exc), 200)})") from None
    return buffer.getvalue()


def _format_for(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".tsv", ".tab"):
        return "tsv"
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    return "csv"


def _text_cells(column: np.ndarray) -> list[str | None]:
    """A text column's cells for writing: None for an empty cell (written as nothing)."""
    return [v or None for v in column.tolist()]


def _write_delimited(fh: IO[bytes], columns: list[tuple[str, list[str]]], delimiter: str,
                     line_end: str = "\n") -> None:
    import polars as pl

    frame = pl.DataFrame({f"c{i}": cells for i, (_k, _h, cells) in enumerate(columns)},
                         schema={f"c{i}": pl.Utf8 for i in range(len(columns))})
    frame.columns = unique_names([header for _k, header, _cells in columns])
    frame.write_csv(fh, separator=delimiter, quote_style="necessary", line_terminator=line_end)


def _write_in_dialect(fh: IO[bytes], columns, dialect: CsvDialect, path: Path) -> None:
    """Delimited text in ``dialect``'s delimiter, line ends and encoding (numbers in ``columns``
    already carry its decimal mark). UTF-8 is written straight through; another encoding is
    converted, and a character it cannot hold is an error naming its line, never a '?'."""
    codec = dialect.encoding.lower().replace("_", "-")
    if codec in ("utf-8", "utf8", "utf-8-sig"):
        if codec == "utf-8-sig":
            fh.write(b"\xef\xbb\xbf")
        _write_delimited(fh, columns, dialect.delimiter, dialect.line_end)
        return
    import io

    buffer = io.BytesIO()
    _write_delimited(buffer, columns, dialect.delimiter, dialect.line_end)
    text = buffer.getvalue().decode("utf-8")
    del buffer
    try:
        fh.write(text.encode(dialect.encoding))
    except UnicodeEncodeError as exc:
        line = text.count("\n", 0, exc.start) + 1
        raise TableWriteError(
            path, f"line {line} has “{text[exc.start:exc.end]}”, which the file's encoding "
                  f"({dialect.encoding}) cannot hold; save it as UTF-8 with Save As") from None
    except LookupError:
        raise TableWriteError(path, f"unknown encoding {dialect.encoding!r}") from None


def _exact_worksheet_class():
    """An xlsxwriter worksheet that writes every number exactly.

    xlsxwriter writes numbers with 16 significant digits ("%.16G"), which is not enough to
    round-trip every double: 0.1 + 0.2 (0.30000000000000004) would be saved as 0.3. Where the
    16-digit text does not read back as the same double, write the shortest exact text instead.
    """
    from xlsxwriter.worksheet import Worksheet

    class ExactWorksheet(Worksheet):
        def _xml_number_element(self, number, attributes=[]):  # noqa: B006 - xlsxwriter's signature
            text = f"{number:.16G}"
            if float(text) != number:
                text = repr(float(number))
            attr = "".join(f' {key}="{self._escape_attributes(value)}"' for key, value in attributes)
            self.fh.write(f"<c{attr}><v>{text}</v></c>")

    return ExactWorksheet


def _write_xlsx(fh: IO[bytes], columns: list[tuple[str, str, list[str]]], dataset: Dataset) -> None:
    """Numbers as numbers (exact to the last bit), typed text as text, in Excel's streaming
    (constant memory) mode."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(fh, {"constant_memory": True, "strings_to_numbers": False,
                                  "nan_inf_to_errors": True})
    ws = wb.add_worksheet("Observations", worksheet_class=_exact_worksheet_class())
    bold = wb.add_format({"bold": True})
    numeric = [col if isinstance(col := dataset.columns[_column_name(dataset, key)], NumericColumn) else None
               for key, _h, _c in columns]
    for j, (_key, header, _cells) in enumerate(columns):
        ws.write_string(0, j, header, bold)
    for i in range(len(dataset)):
        for j, (_key, _header, cells) in enumerate(columns):
            col = numeric[j]
            if col is not None and i not in col.text and not np.isnan(col.values[i]):
                ws.write_number(i + 1, j, float(col.values[i]))
            elif cells[i]:
                ws.write_string(i + 1, j, cells[i])
    wb.close()


# --------------------------------------------------------------------------------------------
# Results and summary
# --------------------------------------------------------------------------------------------

#: ``row_loss`` is in nats, as ``loss`` is in the summary (and ``compute --json``), and
#: ``row_loss_bits`` in bits, as ``loss_bits`` is. A table of several models has, before
#: ``status``, each other model's prediction (its column's name) and ``<model>_row_loss`` and
#: ``<model>_row_loss_bits`` (see :func:`write_results`).
RESULT_HEADERS = ["id", "actual", "predicted", "corrected_probability", "ln_corrected_probability",
                  "row_loss", "row_loss_bits", "status"]


def write_results(dataset: Dataset, evaluation: Evaluation, path: str | os.PathLike,
                  dialect: CsvDialect | None = None) -> None:
    """The per-row table: inputs, corrected probability, its log, the row loss in nats and in
    bits, and the status: ``valid``, ``valid; infinite: p = 0 for the actual class`` for a row
    that counts with an infinite loss (the window's Note column), or why the row is excluded,
    naming the column (``pred_b: missing value``).

    The columns are the first model's (the reference of a comparison); each other model adds
    its prediction under its column's name (K classes: its class columns) and its row loss as
    ``<model>_row_loss`` (nats) and ``<model>_row_loss_bits``, ``<model>`` being the name the
    Compare tab and ``compute --json`` give it. Every model is scored on the same rows: a row
    one model cannot be scored on is excluded for all of them.

    ``dialect``: delimiter, decimal mark and line ends (a spreadsheet in a decimal-comma locale
    wants ``;`` and ``,``); its encoding is UTF-8, with a BOM if it says ``utf-8-sig``.
    """
    dialect = dialect or CsvDialect()
    import polars as pl

    terms = terms_for_rows(dataset, evaluation.options, slice(None))
    valid = evaluation.validity.valid
    status = np.full(len(dataset), "valid", dtype=object)
    for issue in evaluation.validity.issues(dataset):
        current = status[issue.row]
        text = f"{_status_column(dataset, issue)}: {issue.reason}"
        status[issue.row] = text if current == "valid" else f"{current}; {text}"

    def num(values: np.ndarray) -> pl.Series:
        return pl.Series(np.where(valid, values, np.nan)).fill_nan(None)

    # An export for spreadsheets: text that would run as a formula gets an apostrophe.
    ids = (_guard_text_column(dataset.ids).tolist() if dataset.ids is not None
           else [str(i + 1) for i in range(len(dataset))])
    if dataset.schema.task.is_binary:
        inputs = {
            "actual": numeric_text(dataset.actual, dialect.decimal, guard_formulas=True),
            "predicted": numeric_text(dataset.predicted, dialect.decimal, guard_formulas=True),
        }
    else:
        inputs = _class_inputs(dataset, dialect.decimal)
        for row in evaluation.validity.off_sum_rows().tolist():  # a note, the row is used
            status[row] = f"valid; {evaluation.validity.note(row)}"
    with np.errstate(invalid="ignore"):
        infinite = valid & np.isinf(evaluation.loss)
    for row in np.flatnonzero(infinite).tolist():  # counted, and the loss is infinite
        status[row] = f"valid; {INFINITE_NOTE}" + status[row][len("valid"):]
    columns = {
        "id": ids,
        **inputs,
        "corrected_probability": num(terms.corrected),
        "ln_corrected_probability": num(terms.ln_corrected),
        "row_loss": num(evaluation.loss),
        "row_loss_bits": num(to_units(evaluation.loss, "bits")),
    }
    others = _other_models(dataset, evaluated_losses(evaluation), {*columns, "status"}, dialect.decimal)
    columns.update({name: num(v) if isinstance(v, np.ndarray) else v for name, v in others.items()})
    columns["status"] = status.tolist()
    frame = pl.DataFrame(columns)
    atomic_write(path, lambda fh: frame.write_csv(
        fh, float_precision=None, separator=dialect.delimiter, line_terminator=dialect.line_end,
        decimal_comma=dialect.decimal == ",", include_bom=dialect.encoding.lower() == "utf-8-sig"))


def _status_column(dataset: Dataset, issue) -> str:
    """The column a status names: ``actual`` and (binary) ``predicted`` as the export heads
    them, any other column by its name (another model's, a class column, the weight), a
    problem of the whole row or of a K-class row's sum by its role."""
    schema = dataset.schema
    if issue.column not in dataset.columns:  # "(whole row)", or a row's probabilities together
        return issue.role
    if issue.column == schema.actual:
        return "actual"
    if schema.task.is_binary and issue.column == schema.model.columns[0]:
        return "predicted"
    return issue.column


def _other_models(dataset: Dataset, losses: list[np.ndarray], taken: set[str],
                  decimal: str) -> dict[str, list | np.ndarray]:
    """The results' columns of each model after the first: its prediction cells as typed (K
    classes: each class column) and its row losses in nats and bits (arrays), by header."""
    from .compare import display_names

    schema = dataset.schema
    out: dict[str, list | np.ndarray] = {}

    def free(name: str) -> str:
        key = name if name not in taken else f"{name}_input"
        taken.add(key)
        return key

    for model, name, loss in list(zip(schema.models, display_names(schema), losses))[1:]:
        for column in model.columns:
            out[free(column)] = numeric_text(dataset.columns[column], decimal, guard_formulas=True)
        loss = np.asarray(loss, dtype=np.float64)
        out[free(f"{name}_row_loss")] = loss
        out[free(f"{name}_row_loss_bits")] = to_units(loss, "bits")
    return out


def _class_inputs(dataset: Dataset, decimal: str) -> dict[str, list]:
    """K classes: the actual class as written and each class column, under its own name (the
    keys ``actual`` and the class columns' names; a name already taken gets a suffix)."""
    schema = dataset.schema
    actual = dataset.columns[schema.actual]
    out = {"actual": numeric_text(actual, decimal, guard_formulas=True)
           if isinstance(actual, NumericColumn) else _text_cells(_guard_text_column(actual))}
    taken = set(RESULT_HEADERS)
    for name in schema.model.columns:
        key = name if name not in taken else f"{name}_input"
        taken.add(key)
        out[key] = numeric_text(dataset.columns[name], decimal, guard_formulas=True)
    return out


def write_summary_json(dataset: Dataset, evaluation: Evaluation, path: str | os.PathLike,
                       source: str | None = None, metrics=None, join=None) -> dict[str, Any]:
    """The summary in the schema of ``compute --json``; with ``metrics`` (a
    :class:`~bce_gui.core.metrics.table.MetricsSettings`), its statistics too, as ``compute``
    gives them. A table of several models adds the comparison's keys as ``compute --compare``
    and ``--labels`` give them (:func:`~bce_gui.core.compare.comparison_json`; ``join``: how
    the table was joined by ID, a :class:`~bce_gui.core.join.JoinReport`)."""
    summary = summary_dict(dataset, evaluation, source=source)
    if metrics is not None:
        from .metrics.table import summary_statistics

        summary.update(summary_statistics(dataset, evaluation, metrics)[1])
    if len(dataset.schema.models) > 1 or join is not None:
        from .compare import comparison_json
        from .metrics.table import MetricsSettings

        summary.update(comparison_json(dataset, evaluation, metrics or MetricsSettings(), join))
    data = (json.dumps(summary, indent=2, allow_nan=False) + "\n").encode("utf-8")
    atomic_write(path, lambda fh: fh.write(data))
    return summary
