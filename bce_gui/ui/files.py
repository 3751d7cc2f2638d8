"""Files in and out for the window: open, save, export, recent files, autosave and recovery.

Nothing here is lost by accident: every write is atomic (``core.io_write.atomic_write``), a
failed or cancelled open leaves the current data untouched, unsaved changes are asked about
before they would be discarded, and unsaved work is autosaved to a recovery file that the next
start offers to restore after a crash.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

from PySide6.QtCore import QBuffer, QIODevice, QObject, QSettings, QSize, QStandardPaths, QTimer, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressBar, QPushButton, QWidget

from ..core import memory
from ..core.dialect import CsvDialect, dialect_of, suggested_dialect, text_is_ascii
from ..core.formatting import number_style
from ..core.explain import input_kind_hint, settings_note
from ..core.io import SPREADSHEET_SUFFIXES, ReadOptions, TableReadError, preview_table, read_table, warm_up
from ..core.io_write import (
    ReadOnlyFile,
    TableWriteError,
    atomic_write,
    saved_headers,
    write_results,
    write_summary_json,
    write_table,
)
from ..core import large
from ..core.io.datasets import is_data_set
from ..core.loss import LossOptions
from ..core.compare import models_in_extras, restore_models, with_models
from ..core.report import Figure, report_html
from . import commands
from .document import Document
from .jobs import Job, Jobs
from .loader import FileLoad, FirstView, first_view
from .plain_text import rich_text
from .plot_image import png_bytes, svg_bytes
from .recovery import DATA_NAME, META_NAME, Orphan, RecoveryStore
from .report_pdf import page_size, pdf_writer, report_document

OPEN_FILTER = ("Tables (*.csv *.tsv *.tab *.txt *.xlsx *.xls *.ods *.parquet *.pq *.arrow *.feather "
               "*.gz *.zst);;All files (*)")
#: Files the window reads but never writes under their own name (Save goes to Save As).
FOREIGN_SUFFIXES = (*SPREADSHEET_SUFFIXES, ".txt", ".parquet", ".pq", ".parq", ".arrow", ".feather",
                    ".ipc", ".arrows", ".gz", ".gzip", ".zst", ".zstd")
#: Save As offers the dialect through the file type; the default (listed first) is the file's
#: own, else the one of the user's locale (a decimal comma goes with ';', as Excel expects).
SAVE_FILTERS = {
    "csv": "CSV, comma-separated, decimal point (*.csv)",
    "csv;": "CSV, semicolon-separated, decimal comma (*.csv)",
    "tsv": "TSV, tab-separated (*.tsv)",
    "xlsx": "Excel workbook (*.xlsx)",
}
RESULTS_FILTERS = {key: SAVE_FILTERS[key] for key in ("csv", "csv;")}
MAX_RECENT = 8
AUTOSAVE_DELAY_MS = 1500
#: After the window starts, the reader's library is imported in the background (``warm_up``).
WARM_UP_DELAY_MS = 300
#: From this many rows on, the autosave is written as a background job (a 1e6-row table takes
#: over a second to write: on the GUI thread the window would freeze after every pause in typing).
BACKGROUND_AUTOSAVE_ROWS = 100_000
#: Setting: true keeps text such as "=SUM(1)" as it is in saved CSV/TSV files (by default it is
#: saved as "'=SUM(1)", so that a spreadsheet opening the file shows it instead of running it).
KEEP_FORMULA_TEXT_KEY = "files/keep_formula_text"


def recovery_dir() -> Path:
    """Where autosaved work waits for a restart (the user's data folder, per platform)."""
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base or Path.home() / ".bce-lab") / "recovery"


class FileController(QObject):
    """File actions for one window and its document."""

    #: The document now shows this file (or None): for the title and the recent list.
    pathChanged = Signal(object)
    #: A background load finished (successfully or not); for tests and the status bar.
    loadFinished = Signal(bool)
    #: A background autosave could not be written (the message, for the status bar).
    autosaveFailed = Signal(str)
    #: A data set too large for the table was summarised (a core.large.LargeSummary); the
    #: document now holds its sample.
    largeOpened = Signal(object)

    def __init__(self, window: QWidget, doc: Document, settings: QSettings,
                 jobs: Jobs | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.doc = doc
        self.settings = settings
        #: Background work (loads, autosaves): the window's one helper.
        self.jobs = jobs if jobs is not None else Jobs(self)
        self.load: FileLoad | None = None
        #: What a report adds (the statistics and their plots): a callable returning
        #: ``{"insight": TableInsight, "units": str, "images": {name: PNG bytes}}``, set by the
        #: window; None: the report has the summary and the penalty curve only.
        self.report_extras = None
        #: The window's statistics (an InsightController): a summary export includes them, with
        #: the window's threshold, as ``compute --json`` would.
        self.insight = None
        self._load_ok = False
        #: The data set whose sample the document holds (None: the document is the table).
        self.sample_of: str | None = None
        self._written: set[str] = set()
        #: The dialect each CSV/TSV file was read or written in: Save keeps it.
        self._dialects: dict[str, CsvDialect] = {}
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setMaximumWidth(220)
        self.progress.setAccessibleName("Loading progress")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop loading; the current data stays as it is")
        self.cancel_button.clicked.connect(self.cancel_load)
        for w in (self.progress, self.cancel_button):
            window.statusBar().addPermanentWidget(w)
            w.hide()
        self._autosave = QTimer(self)
        self._autosave.setSingleShot(True)
        self._autosave.setInterval(AUTOSAVE_DELAY_MS)
        self._autosave.timeout.connect(self._autosave_now)
        self._autosave_job: Job | None = None
        #: Bumped whenever the recovery files become unwanted (saved, clean, closed): a
        #: background autosave that finishes afterwards removes what it wrote.
        self._recovery_generation = 0
        self._shut = False
        # This instance's own recovery folder, locked while it runs (recovery_dir() is looked
        # up each time: tests point it elsewhere).
        self.recovery = RecoveryStore(lambda: recovery_dir())
        self.autosaveFailed.connect(lambda text: self._status(f"Autosave failed: {text}"))
        doc.undo_stack.indexChanged.connect(self._changed)
        doc.modifiedChanged.connect(self._changed)
        doc.replaced.connect(self._forget_sample)
        # Importing polars takes half a second: on the GUI thread at the first Open, the
        # window would freeze that long. Done in the background, soon after the start.
        self._warm_timer = QTimer(self)
        self._warm_timer.setSingleShot(True)
        self._warm_timer.timeout.connect(self._warm_up)
        self._warm_timer.start(WARM_UP_DELAY_MS)

    def _warm_up(self) -> None:
        if not self._shut:
            self.jobs.submit("warm-up", lambda _ctx: warm_up())

    # -- helpers ------------------------------------------------------------------------------

    def _error(self, title: str, message: str) -> None:
        QMessageBox.warning(self.window, title, rich_text(message))  # (it quotes file text)

    def _status(self, text: str, ms: int = 5000) -> None:
        self.window.statusBar().showMessage(text, ms)

    @property
    def path(self) -> str | None:
        return self.doc.source_path

    # -- unsaved changes ----------------------------------------------------------------------

    def maybe_save(self, action: str = "continuing") -> bool:
        """Ask Save / Discard / Cancel when the data differs from the file (a change of settings
        alone does not: they are not in the file); True to go ahead."""
        if not self.doc.modified:
            return True
        name = Path(self.path).name if self.path else "this table"
        answer = QMessageBox.question(
            self.window, "Unsaved changes",
            rich_text(f"Save the changes to {name} before {action}?"),
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    # -- open ---------------------------------------------------------------------------------

    def open_dialog(self) -> None:
        if not self.maybe_save("opening another file"):
            return
        start = str(Path(self.path).parent) if self.path else str(self.settings.value("files/last_dir", ""))
        path, _ = QFileDialog.getOpenFileName(self.window, "Open observations", start, OPEN_FILTER)
        if path:
            self.open_path(path, ask=False)

    def open_folder_dialog(self) -> None:
        """A folder of part files (Parquet, Arrow, CSV, TSV) opened as one data set."""
        if not self.maybe_save("opening another file"):
            return
        start = str(self.settings.value("files/last_dir", ""))
        folder = QFileDialog.getExistingDirectory(self.window, "Open a folder of part files", start)
        if folder:
            self.open_path(folder, ask=False)

    def open_path(self, path: str, ask: bool = True, confirm_import: bool = True) -> bool:
        """Open ``path``: preview when detection needs a look, then load in the background.

        Returns False if nothing was started (cancelled, unreadable); the current data is kept.
        """
        if ask and not self.maybe_save("opening another file"):
            return False
        if self.load is not None:
            self._status("Still loading the previous file")
            return False
        options = ReadOptions()
        try:
            preview = preview_table(path, options)
        except TableReadError as exc:
            self._error("Cannot open file", str(exc))
            return False
        if confirm_import and preview.needs_confirmation:
            from .import_dialog import ImportDialog

            dialog = ImportDialog(path, preview, options, self.window)
            if dialog.exec() != ImportDialog.DialogCode.Accepted:
                return False
            options = dialog.read_options()
        self.start_load(path, options)
        return True

    def start_load(self, path: str, options: ReadOptions) -> None:
        if self._shut:  # the window closed (a SIGTERM while the file was being previewed)
            return
        self._load_ok = False
        doc_options = self.doc.options
        # More rows than the table can hold: one streaming pass makes the summary and the
        # sample instead (core/large.py).
        read = None
        if large.estimate_rows(path) > large.TABLE_ROW_LIMIT:
            read = _LargeRead(doc_options)
        # The first evaluation of every row, the plot's points and the probabilities-or-logits
        # check run on the load's thread too: at 1e7 rows they would otherwise freeze the window
        # for seconds when the table arrives.
        name = Path(path).name
        self.load = FileLoad(path, options, self,
                             prepare=lambda ds, check: first_view(ds, doc_options, name, check),
                             jobs=self.jobs, read=read)
        self.load.progress.connect(self._progress)
        self.load.loaded.connect(self._loaded)
        self.load.failed.connect(self._failed)
        self.load.cancelled.connect(self._cancelled)
        self.load.finished.connect(self._load_done)
        self.progress.setValue(0)
        self.progress.show()
        self.cancel_button.show()
        self._status(f"Loading {Path(path).name}…", 0)
        self.load.start()

    def cancel_load(self) -> None:
        if self.load is not None:
            self.load.cancel()

    def _progress(self, fraction: float, message: str) -> None:
        self.progress.setValue(int(fraction * 1000))
        self.progress.setFormat(f"{message} %p%")

    def _loaded(self, dataset, info) -> None:
        path = self.load.path
        self._load_ok = True
        self._hide_progress()  # the table is in: no "Computing the losses 90%" behind a dialog
        view: FirstView | None = self.load.prepared
        # The table shown until now is freed on a worker: at 1e7 rows that takes tens of
        # milliseconds (numpy frees each text cell), which the window would otherwise freeze for.
        retired = [self.doc.dataset, self.doc.live]
        if isinstance(self.load.read, _LargeRead):
            self._loaded_large(path, dataset, self.load.read.summary, view)
        else:
            self.sample_of = None
            self.doc.set_dataset(dataset, path, live=view and view.live, points=view and view.points)
        self.jobs.submit("free", lambda _ctx: _free(retired), supersede=False)
        if isinstance(self.load.read, _LargeRead):
            return
        self._remember_dialect(path, dialect_of(info))
        self.add_recent(path)
        self.settings.setValue("files/last_dir", str(Path(path).parent))
        note = f"; {info.n_blank_rows} blank row(s) skipped" if info.n_blank_rows else ""
        settings = settings_note(self.doc.options)  # they carried over from the last file
        note += f"; settings: {settings}" if settings else ""
        if self.doc.categorical:
            note += f"; {self.doc.dataset.schema.task.n_classes} classes"
        if self.doc.turned_off:
            note += f"; {' and '.join(self.doc.turned_off)} turned off (binary only)"
        self._status(f"Opened {Path(path).name}: {len(dataset):,} rows{note}", 15000)
        self.pathChanged.emit(path)
        warnings = large.window_warnings(info.warnings, dataset)  # rows as the table shows them
        if warnings:  # e.g. "1.000" in a file with decimal commas: said, not decided silently
            self._error("Check these numbers", "\n".join(warnings))
        self._offer_models(Path(path).name, f"{len(dataset):,} rows{note}")
        current = view is not None and view.options == self.doc.options
        self._check_input_kind(Path(path).name, view.hint if current else input_kind_hint(
            self.doc.dataset, self.doc.options, Path(path).name))

    def _forget_sample(self) -> None:
        self.sample_of = None  # (another table: _loaded_large sets it again for a sample)

    def _loaded_large(self, path: str, sample, summary, view: FirstView | None) -> None:
        """The sample of a data set too large for the table: shown, never saved over the file."""
        self.doc.set_dataset(sample, None, live=view and view.live, points=view and view.points)
        self.sample_of = path
        self.add_recent(path)
        self.settings.setValue("files/last_dir", str(Path(path).parent))
        self._status(f"{Path(path).name}: {summary.rows:,} rows, more than the table holds; the "
                     f"summary covers all of them, the table shows the {len(sample):,} worst as a "
                     "sample", 20000)
        self.largeOpened.emit(summary)
        self.pathChanged.emit(None)
        if summary.warnings:
            self._error("Check these numbers", "\n".join(summary.warnings))

    def _offer_models(self, name: str, opened: str) -> None:
        """A table saved with several models reads back with the models after the first as
        extra columns (a CSV or a sheet says nothing of roles). When extra columns look like
        further models' probabilities (``core.compare.models_in_extras``), ask once whether to
        compare them: Yes reads them all as models in one undo step. Columns of other numbers
        or of text are never asked about; No keeps them as extra columns, as opened."""
        models = models_in_extras(self.doc.dataset)
        if not models:
            return
        names = [m.name for m in models]
        if len(names) > 4:
            names = [*names[:3], f"{len(names) - 3} more"]
        listed = ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]
        one = len(models) == 1
        it, whose = ("it", "another model's") if one else ("them", "other models'")
        binary = self.doc.dataset.schema.task.is_binary
        reference = "Predicted" if binary else "the current model"
        held = (("holds" if one else "hold") + " probabilities" if binary
                else ("has" if one else "have") + " a column of probabilities per class")
        answer = QMessageBox.question(
            self.window, "Compare as models?",
            rich_text(f"{listed} {held}, as {whose} predictions would (a table "
                      "saved with several models reads back this way).\n\n"
                      f"Compare {it} with {reference}? Undo reads {it} as extra columns again."),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes)
        if answer != QMessageBox.StandardButton.Yes:
            how = "Edit → Add model column compares" if binary else "kept as extra columns"
            self._status(f"Opened {name}: {opened}; {listed} look{'s' if one else ''} like "
                         f"{whose} probabilities: {how}", 15000)
            return
        commands.read_as_models(self.doc, with_models(self.doc.dataset, models),
                                f"Compare {listed} as model{'' if one else 's'}")
        self._status(f"Opened {name}: {opened}; {listed} compared with {reference} as "
                     f"model{'' if one else 's'}: see the Compare tab (Ctrl+8); Undo reads {it} "
                     "as extra columns", 15000)

    def _check_input_kind(self, name: str, hint) -> None:
        """Say so when the file's values contradict "probabilities or logits" (``hint``), and
        offer to switch (one undo step; the file as opened stays unmodified)."""
        if hint is None:
            return
        answer = QMessageBox.question(self.window, "Probabilities or logits?", f"{hint.message}\n\n{hint.question}",
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.Yes)
        if answer != QMessageBox.StandardButton.Yes:
            self._status(f"{name}: {hint.message} Kept as they are.", 15000)
            return
        commands.set_options(self.doc, hint.options, "Read predictions as " + ("logits" if hint.options.logits
                                                                               else "probabilities"))
        self._status(f"Opened {name}: predicted values read as "
                     + ("logits" if hint.options.logits else "probabilities") + " (Undo goes back)", 15000)

    def _failed(self, message: str) -> None:
        self._hide_progress()
        self._status("Could not open the file")
        self._error("Cannot open file", message)

    def _cancelled(self) -> None:
        self._status("Loading cancelled; the data shown is unchanged")

    def _load_done(self) -> None:
        # Not "the document now shows load.path": reloading the open file and cancelling it
        # (or failing) leaves that true, yet nothing was loaded.
        ok = self._load_ok
        self.load.wait()
        self.load.deleteLater()
        self.load = None
        self._hide_progress()
        self.loadFinished.emit(ok)

    def _hide_progress(self) -> None:
        self.progress.hide()
        self.cancel_button.hide()

    # -- save ---------------------------------------------------------------------------------

    def save(self) -> bool:
        """Save to the current file; a workbook the app did not write itself goes to Save As,
        because saving would replace all of its sheets and formatting with one plain sheet."""
        path = self.path
        foreign = path and (Path(path).suffix.lower() in FOREIGN_SUFFIXES or Path(path).is_dir()
                            or is_data_set(path)) and path not in self._written
        if not path or foreign:
            return self.save_as()
        return self._write(path)

    def save_as(self) -> bool:
        suggested = self.path or str(Path(str(self.settings.value("files/last_dir", ""))) / "observations.csv")
        if self.path and (Path(self.path).is_dir() or is_data_set(self.path)):
            suggested = str(Path(self.path.rstrip("/*")).with_suffix(".csv"))
        if Path(suggested).suffix.lower() in (".gz", ".gzip", ".zst", ".zstd"):
            suggested = str(Path(suggested).with_suffix(""))  # data.csv.gz -> data.csv
        suffix = Path(suggested).suffix.lower()
        if suffix not in (".csv", ".tsv", ".tab", ".xlsx"):  # .xls, .ods, .txt: the nearest type it can write
            suffix = ".xlsx" if suffix in (".xls", ".ods") else ".csv"
            suggested = str(Path(suggested).with_suffix(suffix))
        filters = self._filters(SAVE_FILTERS, self.dialect)
        initial = filters["xlsx"] if suffix == ".xlsx" else (filters["tsv"] if suffix in (".tsv", ".tab")
                                                           else next(iter(filters.values())))
        path, chosen = QFileDialog.getSaveFileName(self.window, "Save observations", suggested,
                                                   ";;".join(filters.values()), initial)  # matches the name
        if not path:
            return False
        chosen_key = next((k for k, f in filters.items() if f == chosen), None)
        initial_key = next(k for k, f in filters.items() if f == initial)
        typed = path
        path = path_for_type(path, chosen_key, initial_key)
        if path != typed and Path(path).exists() and not self._replace_ok(path):
            return False  # (the dialog asked about the name typed, not this one)
        if Path(path).suffix.lower() in (".xls", ".ods"):
            # write_table would put CSV text under a spreadsheet's name: a file nobody can open.
            self._error("Cannot save", f"{Path(path).name}: BCE Lab saves CSV, TSV or Excel workbooks "
                                       f"(.xlsx), not {Path(path).suffix} files; choose one of those.")
            return False
        renamed = f"the type chosen; the name typed was {Path(typed).name}" if path != typed else ""
        return self._write(path, self._new_dialect(path, chosen_key), renamed)

    def _replace_ok(self, path: str) -> bool:
        answer = QMessageBox.question(
            self.window, "Replace file?",
            rich_text(f"{Path(path).name} already exists in {Path(path).parent}. Replace it?"),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    # -- dialects -----------------------------------------------------------------------------

    @property
    def dialect(self) -> CsvDialect | None:
        """The dialect the current file was read or saved in (None: a spreadsheet, or new)."""
        return self._dialects.get(self.path) if self.path else None

    def _remember_dialect(self, path: str | None, dialect: CsvDialect | None) -> None:
        if path and dialect is not None:
            self._dialects[path] = dialect
        elif path:
            self._dialects.pop(path, None)

    @staticmethod
    def _filters(filters: dict[str, str], current: CsvDialect | None) -> dict[str, str]:
        """``filters`` with the default first: the current file's dialect, else the locale's."""
        if current is not None and current.delimiter == "\t":
            first = "tsv"
        else:
            decimal = current.decimal if current is not None else number_style().decimal
            first = "csv;" if decimal == "," else "csv"
        first = first if first in filters else next(iter(filters))
        return {first: filters[first], **{k: v for k, v in filters.items() if k != first}}

    def _new_dialect(self, path: str, chosen_key: str | None) -> CsvDialect | None:
        """The dialect for a file saved under a new name: the file type chosen (its delimiter and
        decimal mark), UTF-8 with a BOM when the text is not ASCII, the current line ends."""
        suffix = Path(path).suffix.lower()
        if suffix in (".xlsx", ".xlsm"):
            return None
        current = self.dialect
        if suffix in (".tsv", ".tab"):
            fmt, decimal = "tsv", current.decimal if current is not None else number_style().decimal
        else:
            fmt = "csv"
            key = chosen_key if chosen_key in ("csv", "csv;") else next(iter(self._filters(RESULTS_FILTERS, None)))
            decimal = "," if key == "csv;" else "."
        return suggested_dialect(fmt, decimal, text_is_ascii(self.doc.dataset),
                                 current.line_end if current is not None else "\n")

    def _write(self, path: str, dialect: CsvDialect | None = None, note: str = "") -> bool:
        """Write the table to ``path`` (``note``: said in the status bar after the save)."""
        suffix = Path(path).suffix.lower()
        if suffix not in (".xlsx", ".xlsm"):
            dialect = dialect or self._dialects.get(path)
        else:
            dialect = None
        # Text that a spreadsheet would run as a formula is saved with a leading apostrophe,
        # unless the user opted out (setting files/keep_formula_text).
        guard = not self.settings.value(KEEP_FORMULA_TEXT_KEY, False, type=bool)
        try:
            try:
                write_table(self.doc.dataset, path, dialect=dialect, guard_formulas=guard)
            except ReadOnlyFile:
                answer = QMessageBox.question(
                    self.window, "Read-only file",
                    rich_text(f"{Path(path).name} is read-only. Replace it anyway?"),
                    QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                    QMessageBox.StandardButton.No,
                )
                if answer != QMessageBox.StandardButton.Yes:
                    return False
                write_table(self.doc.dataset, path, dialect=dialect, guard_formulas=guard,
                            replace_read_only=True)
        except (TableWriteError, OSError, *_xlsx_errors()) as exc:
            self._error("Cannot save", _naming(path, exc))
            return False
        self._remember_dialect(path, dialect)
        self._written.add(path)
        self.doc.source_path = path
        self.doc.mark_saved()
        self.add_recent(path)
        self.remove_recovery()
        said = ", ".join(t for t in (dialect.describe() if dialect else "", note) if t)
        self._status(f"Saved {Path(path).name}" + (f" ({said})" if said else ""))
        self.pathChanged.emit(path)
        return True

    # -- exports ------------------------------------------------------------------------------

    def _ask_path(self, title: str, suffix: str, filters: str) -> str | None:
        return self._ask_path_and_type(title, suffix, filters)[0]

    def _ask_path_and_type(self, title: str, suffix: str, filters: str) -> tuple[str | None, str]:
        """The path the user chose (with ``suffix`` added if it has none) and the file type."""
        stem = Path(self.path).stem if self.path else "bce-lab"
        folder = Path(self.path).parent if self.path else Path(str(self.settings.value("files/last_dir", "")))
        path, chosen = QFileDialog.getSaveFileName(self.window, title, str(folder / f"{stem}{suffix}"), filters)
        if path and not Path(path).suffix:
            path += suffix
        return path or None, chosen

    def _export(self, what: str, write, path: str | None, detail: str = "") -> bool:
        if not path:
            return False
        try:
            write(path)
        except (TableWriteError, OSError) as exc:
            self._error(f"Cannot export {what}", _naming(path, exc))
            return False
        self._status(f"Exported {what} to {Path(path).name}" + (f" ({detail})" if detail else ""))
        return True

    def export_results(self, path: str | None = None) -> bool:
        """Per-row results as CSV in the dialect chosen with the file type (default: the locale's)."""
        filters = self._filters(RESULTS_FILTERS, None)
        chosen = next(iter(filters.values()))
        if not path:
            path, chosen = self._ask_path_and_type("Export per-row results", "-results.csv",
                                                   ";;".join(filters.values()))
        key = next((k for k, f in filters.items() if f == chosen), next(iter(filters)))
        dialect = suggested_dialect("csv", "," if key == "csv;" else ".", text_is_ascii(self.doc.dataset))
        snap = self.doc.live.snapshot()
        return self._export("results", lambda p: write_results(self.doc.dataset, snap, p, dialect), path,
                            dialect.describe())

    def export_summary(self, path: str | None = None) -> bool:
        """The summary as ``compute --json`` gives it for the table: its statistics under the
        window's settings and, for several models, the comparison (``compare``,
        ``leaderboard``; ``join`` for predictions joined by ID) against the first model."""
        path = path or self._ask_path("Export summary", "-summary.json", "JSON (*.json)")
        snap = self.doc.live.snapshot()
        from ..core.metrics.table import MetricsSettings

        metrics = self.insight.settings if self.insight is not None else MetricsSettings()
        return self._export(
            "summary", lambda p: write_summary_json(self.doc.dataset, snap, p, source=self.path,
                                                    metrics=metrics, join=self.doc.join_report()),
            path)

    def export_plot(self, plot, path: str | None = None) -> bool:
        path = path or self._ask_path("Export plot", ".png", "PNG image (*.png);;SVG drawing (*.svg)")
        if not path:
            return False
        svg = Path(path).suffix.lower() == ".svg"
        return self._export("plot", lambda p: atomic_write(p, lambda fh: fh.write(plot_bytes(plot, svg))), path)

    def export_report(self, plot, path: str | None = None) -> bool:
        """``plot``: the window's PenaltyPlot; the report shows it without the selection ring
        (the window's state at the moment, not something the data says)."""
        path = path or self._ask_path("Export report", ".pdf", "PDF (*.pdf);;HTML page (*.html)")
        if not path:
            return False
        snap = self.doc.live.snapshot()
        source = Path(self.path).name if self.path else None
        png = plot_bytes(plot, svg=False)
        extras = self.report_extras() if self.report_extras is not None else {}
        images = extras.get("images", {})
        stats = dict(insight=extras.get("insight"), units=extras.get("units", "nats"),
                     comparison=extras.get("comparison"))
        if Path(path).suffix.lower() in (".html", ".htm"):
            page = report_html(self.doc.dataset, snap, source=source, plot=Figure.embedded(png),
                               images={k: Figure.embedded(v) for k, v in images.items()}, **stats)
            return self._export("report", lambda p: atomic_write(p, lambda fh: fh.write(page.encode("utf-8"))), path)
        page = report_html(self.doc.dataset, snap, source=source, plot=Figure.named("plot.png", png),
                           images={k: Figure.named(f"{k}.png", v) for k, v in images.items()}, **stats)
        pngs = {f"{k}.png": v for k, v in images.items()}
        return self._export("report", lambda p: atomic_write(
            p, lambda fh: fh.write(pdf_bytes(page, png, pngs))), path)

    # -- recent files -------------------------------------------------------------------------

    def recent(self) -> list[str]:
        value = self.settings.value("files/recent", [])
        if isinstance(value, str):
            value = [value]
        return [v for v in (value or []) if v]

    def add_recent(self, path: str) -> None:
        path = str(Path(path).resolve())
        items = [p for p in self.recent() if p != path]
        self.settings.setValue("files/recent", [path, *items][:MAX_RECENT])

    def clear_recent(self) -> None:
        self.settings.setValue("files/recent", [])

    # -- autosave and recovery ----------------------------------------------------------------

    def _changed(self, *_args) -> None:
        import shiboken6

        if not shiboken6.isValid(self.doc.undo_stack):  # emitted while the window is torn down
            return
        if not self.doc.modified:
            self._autosave.stop()
            self.remove_recovery()
        else:
            self._autosave.start()

    def write_recovery(self) -> Path | None:
        """Save unsaved work (data and settings) to the recovery folder, atomically, now."""
        job = self._recovery_job()
        if job is None:
            return None
        try:
            return job()
        except (TableWriteError, OSError) as exc:
            self._status(f"Autosave failed: {exc}")
            return None

    def _autosave_now(self) -> None:
        """The autosave timer fired: write here for small tables, as a background job for big ones."""
        if len(self.doc.dataset) < BACKGROUND_AUTOSAVE_ROWS:
            self.write_recovery()
            return
        if self._autosave_job is not None and not self._autosave_job.wait(0):
            self._autosave.start()  # the previous write is still going: try again later
            return
        write = self._recovery_job()
        if write is None:
            return
        generation = self._recovery_generation

        def run(_ctx) -> str:
            failure = ""
            try:
                write()
            except (TableWriteError, OSError, ValueError, IndexError) as exc:
                # ValueError/IndexError: rows inserted or deleted while writing; the edit
                # that did it has scheduled the next autosave.
                failure = str(exc)
            if generation != self._recovery_generation:
                # Saved or closed meanwhile: this copy is not wanted (removed here, on the
                # worker: the window may be gone before a result could reach it).
                self.remove_recovery()
            return failure

        self._autosave_job = self.jobs.submit("autosave", run, supersede=False,
                                              done=lambda failure: failure and self.autosaveFailed.emit(failure))

    def _recovery_job(self):
        """What to write, captured now on the GUI thread; the returned callable does the writing."""
        if not self.doc.modified:
            return None
        dataset, opts = self.doc.dataset, self.doc.options
        meta = {
            "source_path": self.path,
            "saved_at": time.time(),
            "rows": len(dataset),
            "columns": _saved_headers(dataset),
            "schema": dataset.schema.to_dict(),  # K classes: the class columns and the classes
            "dialect": self.dialect.to_dict() if self.dialect is not None else None,
            "options": opts.to_dict(),
        }

        folder = self.recovery.own_folder()

        def write() -> Path:
            # The app's own file, read back by the app: kept exactly as typed (no formula guard).
            write_table(dataset, folder / DATA_NAME, guard_formulas=False, replace_read_only=True)
            data = json.dumps(meta, indent=2).encode("utf-8")
            atomic_write(folder / META_NAME, lambda fh: fh.write(data))
            return folder / META_NAME

        return write

    def remove_recovery(self) -> None:
        """Nothing unsaved any more: this instance's recovery files go (never another's)."""
        if threading.current_thread() is threading.main_thread():
            self._recovery_generation += 1
        self.recovery.remove_files()

    def shut_down(self, keep_recovery: bool) -> None:
        """The window closes: a running load is stopped and waited for (Qt aborts the process
        if a running thread is destroyed at exit), no new one starts, and the recovery folder is
        closed (see :meth:`close_recovery`)."""
        self._shut = True
        if self.load is not None:
            self.load.stop()
        self.close_recovery(keep_recovery)

    def close_recovery(self, keep: bool) -> None:
        """The window closes: unlock this instance's recovery folder; ``keep`` its files (unsaved
        work written at a SIGTERM) for the next start to offer."""
        self._autosave.stop()
        if not keep:
            self._recovery_generation += 1  # a write still running removes what it wrote
        self.finish_autosave()
        self.recovery.close(keep_files=keep)

    def finish_autosave(self, timeout_s: float = 30.0) -> None:
        """Wait for an autosave running in the background (before writing or closing)."""
        if self._autosave_job is not None:
            self._autosave_job.wait(timeout_s)

    def offer_recovery(self) -> bool:
        """After a crash, offer to restore the autosaved work of instances that are no longer
        running (never a running window's own autosave), newest first. True when restored."""
        orphans = self.recovery.orphans()
        try:
            for k, orphan in enumerate(orphans):
                if self._offer(orphan, others=len(orphans) - k - 1):
                    return True
            return False
        finally:
            for orphan in orphans:
                orphan.release()  # not answered yet (one was restored): offered next time

    def _offer(self, orphan: Orphan, others: int) -> bool:
        meta = orphan.meta
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(meta.get("saved_at", 0)))
        name = Path(meta["source_path"]).name if meta.get("source_path") else "an unsaved table"
        more = f" ({others} more after this one.)" if others else ""
        answer = QMessageBox.question(
            self.window, "Restore unsaved work?",
            rich_text(f"BCE Lab did not close normally. Restore the unsaved changes to {name} "
                      f"({meta.get('rows', '?')} rows, autosaved {when})?{more}"),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes,
        )
        if answer != QMessageBox.StandardButton.Yes:
            orphan.discard()  # a dead instance's files, declined: only they go
            return False
        try:
            # The columns as written, by name: a file whose columns were mapped by hand in the
            # import preview has headers the importer would not recognise on its own.
            columns = meta.get("columns") if isinstance(meta.get("columns"), dict) else {}
            schema = meta.get("schema")
            dataset, _info = read_table(orphan.data, _recovery_read_options(columns, schema))
            if isinstance(schema, dict):  # the models after the first, as they were
                dataset = restore_models(dataset, schema.get("models"))
        except TableReadError as exc:
            self._error("Cannot restore", str(exc))
            return False
        try:
            stored = meta.get("options")
            options = LossOptions.from_dict(stored if isinstance(stored, dict) else {})
        except ValueError:
            options = self.doc.options
        self.doc.set_options(options)  # the settings panel follows the document
        self.doc.set_dataset(dataset, meta.get("source_path"))
        self._remember_dialect(self.path, CsvDialect.from_dict(meta.get("dialect")))
        self.doc.mark_unsaved()  # restored work is unsaved work
        # Now this instance's unsaved work: in its own recovery folder before the old one goes.
        if self.write_recovery() is not None:
            orphan.discard()
        self.pathChanged.emit(self.path)
        self._status("Unsaved work restored; save it to keep it")
        return True


#: The extensions each file type of Save As is written under (the first for a new name).
TYPE_SUFFIXES = {"csv": (".csv",), "csv;": (".csv",), "tsv": (".tsv", ".tab"), "xlsx": (".xlsx",)}
#: Extensions of tables that a file type chosen in Save As replaces (any other is kept, and
#: the type's extension added: "data.v2" -> "data.v2.csv").
_TABLE_SUFFIXES = (".csv", ".tsv", ".tab", ".txt", ".xlsx", ".xlsm", ".xls", ".ods")


def path_for_type(path: str, chosen: str | None, initial: str | None) -> str:
    """The name Save As writes: ``path`` as typed, with the extension of the file type
    ``chosen`` in the dialog (a key of SAVE_FILTERS) where they disagree.

    The type the dialog opened with (``initial``, that of the suggested name) left as it was,
    the name typed decides, as it always did ("x.tsv" is a TSV file). A type the user chose
    decides over the name: "f1.csv" with "Excel workbook" chosen is saved as f1.xlsx, a
    workbook, as desktop applications do (never a comma CSV under a workbook's type, or the
    other way round). A name without an extension gets the chosen type's."""
    suffixes = TYPE_SUFFIXES.get(chosen or "")
    suffix = Path(path).suffix.lower()
    if not suffix:
        return path + (suffixes or (".csv",))[0]
    if suffixes is None or chosen == initial or suffix in suffixes:
        return path
    if suffix in _TABLE_SUFFIXES:
        return str(Path(path).with_suffix(suffixes[0]))
    return path + suffixes[0]


def _free(retired: list) -> None:
    """Drop the last references to a table no longer shown, and give its memory back."""
    retired.clear()
    memory.trim()


class _LargeRead:
    """Reads a data set too large for the table as its summary (on the load's thread): the
    dataset handed on is the sample; the summary waits in ``summary``."""

    def __init__(self, options: LossOptions) -> None:
        self.options = options
        self.summary = None

    def __call__(self, path: str, opts: ReadOptions):
        from ..core.io import ImportInfo

        self.summary = large.summarize(path, self.options, opts, progress=opts.progress,
                                       is_cancelled=opts.is_cancelled)
        info = ImportInfo(path=path, format="data set")
        return self.summary.sample, info


def _recovery_read_options(columns: dict, schema) -> ReadOptions:
    """How to read a recovery file back: its columns by name, and for K classes the class
    columns and classes as they were (the file's own detection might decide otherwise)."""
    if isinstance(schema, dict) and schema.get("task") == "categorical":
        try:
            model = schema["models"][0]
            return ReadOptions(header=True, columns={k: v for k, v in columns.items() if k != "predicted"},
                               proba_columns=tuple(str(c) for c in model["columns"]),
                               classes=tuple(schema["classes"]))
        except (KeyError, IndexError, TypeError):
            pass  # an unreadable schema: read the file as its names say
    return ReadOptions(header=True, columns=columns)


def _saved_headers(dataset) -> dict[str, str]:
    """Role -> the header ``write_table`` gives that role's column."""
    return {key: header for key, header in saved_headers(dataset).items() if ":" not in key}


def _naming(path: str, exc: Exception) -> str:
    """The error as one sentence that names the file ("[Errno 28] No space left" does not)."""
    text = str(exc)
    name = Path(path).name
    return text if name in text else f"{name}: {text}"


def _xlsx_errors() -> tuple[type[Exception], ...]:
    """xlsxwriter's own errors: it reports a full disk or a failed write as FileCreateError, not
    OSError. (Evaluated only when a save fails, so xlsxwriter is not imported for nothing.)"""
    try:
        from xlsxwriter.exceptions import XlsxWriterException
    except ImportError:
        return ()
    return (XlsxWriterException,)


def plot_bytes(plot, svg: bool) -> bytes:
    """The window's :class:`~bce_gui.ui.penalty_plot.PenaltyPlot` as PNG or SVG bytes, drawn as
    a document shows it: light colours and no selection rings (whatever the window shows)."""
    with plot.exporting() as plot_widget:
        return _widget_bytes(plot_widget, svg)


def _widget_bytes(plot_widget, svg: bool) -> bytes:
    """The plot as PNG or SVG bytes, for atomic writing (see :mod:`plot_image`): PNG drawn
    1200 px wide at the widget's size (pyqtgraph's ImageExporter re-laid the plot out at that
    width, with a tiny legend beside huge axes)."""
    if svg:
        return svg_bytes(plot_widget, "BCE Lab penalty curve")
    return png_bytes(plot_widget)


def widget_png(view, size: tuple[int, int] = (720, 480)) -> bytes:
    """One of the statistics' plots (:mod:`insight_plots`) as PNG for the report: light colours,
    drawn at ``size`` whatever its tab shows (or whether it was ever shown)."""
    with view.exporting() as plot_widget:
        return png_bytes(plot_widget, QSize(*size))


def pdf_bytes(page_html: str, plot_png: bytes | None, images: dict[str, bytes] | None = None) -> bytes:
    """Render the report's HTML to PDF with Qt (QTextDocument + QPdfWriter), in memory, each
    heading on the page of what it heads (:mod:`.report_pdf`).

    ``plot_png`` is the image named ``plot.png`` in the page; ``images`` others, by name."""
    named = dict(images or {})
    if plot_png:
        named["plot.png"] = plot_png
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = pdf_writer(buffer)
    doc = report_document(page_html, named, page_size(writer))
    doc.print_(writer)
    del writer
    buffer.close()
    return bytes(buffer.data())
