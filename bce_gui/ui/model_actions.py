"""Putting several models' predictions in one table (issue 12): the window's two actions.

* **Add model column** (Edit menu): another model's probabilities in a column of their own,
  either a copy of Predicted (K classes: of the first model's K class columns), to paste or
  type them over, or to see what a change of the model's predictions does, or (binary) a
  column the file already has that can be a model (read as numbers: a file with several
  predicted columns; a column of notes is neither offered nor taken, and a typo's row is named);
* **Join predictions by ID** (File menu): a predictions file (``id, predicted``, or ``id,
  p_<class>`` for K classes) matched to the table's IDs exactly; missing and extra IDs are
  counted and listed, IDs that differ only in case or spaces are named and not matched, a
  duplicate ID is an error naming it.

Each is one undo step (:class:`~.commands.ReplaceTableCommand`): Undo puts the table back as it
was, Save writes every model column. The table is built by the core
(:func:`~bce_gui.core.compare.add_models`, :func:`~bce_gui.core.join.join_into`).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget

from ..core.class_labels import label_text
from ..core.compare import (CompareError, ModelColumnCheck, add_models, check_model_column,
                            with_model_copy)
from ..core.join import JoinError, join_into, joined_report
from . import commands
from .document import Document
from .jobs import Jobs

NEW_COLUMN = "A copy of Predicted (paste or type the other model's predictions over it)"
JOIN_JOB = "join"
#: The rows of each extra column looked at to decide whether to offer it as a model (a quick
#: look; a column offered that turns out mostly text is refused with a message when chosen).
OFFER_ROWS = 10_000
JOIN_FILTER = "Tables (*.csv *.tsv *.tab *.txt *.xlsx *.xls *.ods);;All files (*)"


class ModelActions:
    """The slots of the two actions, for one window and its document."""

    def __init__(self, window: QWidget, doc: Document, status, jobs: Jobs) -> None:
        self.window = window
        self.doc = doc
        self.jobs = jobs  # a join reads its file on a worker
        #: A join is being read (True from the start until its outcome has been shown).
        self.joining = False
        self.status = status  # shows a message in the status bar

    def copy_choice(self) -> str:
        """The first choice, saying what is copied: Predicted, or the K class columns."""
        schema = self.doc.dataset.schema
        if schema.task.is_binary:
            return NEW_COLUMN
        logits = self.doc.options.logits
        titles = [f"{'z' if logits else 'p'}({label_text(c)})" for c in schema.task.classes]
        listed = ", ".join(titles[:4]) + (", …" if len(titles) > 4 else "")
        return (f"A copy of the current model's {len(titles)} {'logit' if logits else 'probability'} "
                f"columns, {listed} (paste or type the other model's over them)")

    def _extras_checked(self) -> list[ModelColumnCheck]:
        """(Binary) the table's extra columns, each looked at (its first rows) as a model."""
        if self.doc.categorical:
            return []
        ds, logits = self.doc.dataset, self.doc.options.logits
        return [check_model_column(ds, name, logits, OFFER_ROWS) for name in ds.extras]

    def column_choices(self, checks: list[ModelColumnCheck] | None = None) -> list[str]:
        """What "Add model column" offers: a copy, then (binary) the table's extra columns that
        can be a model (mostly predictions under the settings: not notes, not ages); a K-class
        model needs K columns, which a predictions file joined by ID brings."""
        checks = self._extras_checked() if checks is None else checks
        return [self.copy_choice(), *(c.column for c in checks if c.can_be_model)]

    def add_model_column(self, choice: str | None = None) -> bool:
        if choice is None:
            compared = "Predicted" if not self.doc.categorical else "the current model"
            checks = self._extras_checked()
            left = [c.column for c in checks if not c.can_be_model]
            what = "logits" if self.doc.options.logits else "probabilities"
            note = (f"\n(Not offered, mostly not {what}: {', '.join(left[:5])}"
                    f"{', …' if len(left) > 5 else ''}.)" if left else "")
            choice, ok = QInputDialog.getItem(
                self.window, "Add model column",
                f"Predictions of another model, compared with {compared} on the same rows:{note}",
                self.column_choices(checks), 0, False)
            if not ok or not choice:
                return False
        logits = self.doc.options.logits
        copy = choice in (NEW_COLUMN, self.copy_choice())
        try:
            table = (with_model_copy(self.doc.dataset) if copy
                     else add_models(self.doc.dataset, [choice], logits=logits))
        except CompareError as exc:
            QMessageBox.warning(self.window, "Add model column", str(exc).replace("--compare ", ""))
            return False
        name = table.schema.models[-1].name
        if (joined := self.doc.join_report()) is not None:
            self.doc.note_join(table, joined)  # the files joined before are still joined
        commands.replace_table(self.doc, table, f"Add model column {name}")
        msg = f"Added model column {name}: the Compare tab (Ctrl+8) compares the models"
        # (a copy is as valid as what it copies; a column of the file may hold a typo or two)
        found = "" if copy else check_model_column(table, name, logits).sentence(table)
        self.status(f"{msg}. {found[0].upper()}{found[1:]}" if found else msg)
        return True

    def join_predictions(self, path: str | None = None) -> bool:
        """Ask for a predictions file and join it by ID. The file is read and matched on a
        worker (a large file would freeze the window); the join lands as one undo step when
        it is done, unless the table's data changed meanwhile (then nothing changes, and it
        says so). A change of settings meanwhile is no reason to refuse: the join matched the
        data, and the settings are not data (:attr:`Document.data_state` moves only with a
        data command, and comes back with its undo). Returns whether a join was started."""
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self.window, "Join predictions by ID", "",
                                                  JOIN_FILTER)
            if not path:
                return False
        dataset, state = self.doc.dataset, self.doc.data_state

        def run(_ctx):
            return join_into(dataset, path)

        def done(result) -> None:
            if self.doc.dataset is not dataset or self.doc.data_state is not state:
                QMessageBox.warning(self.window, "Join predictions by ID",
                                    f"The table changed while {Path(path).name} was read: nothing "
                                    "was joined. Join it again to match the table as it is now.")
                return
            self._joined(path, *result)

        def failed(exc: BaseException) -> None:
            text = str(exc) if isinstance(exc, JoinError) else f"{Path(path).name}: {exc}"
            QMessageBox.warning(self.window, "Join predictions by ID", text)

        def ended() -> None:
            self.joining = False

        self.status(f"Reading {Path(path).name} to join it by ID…")
        self.joining = True
        self.jobs.submit(JOIN_JOB, run, done=done, failed=failed, ended=ended)
        return True

    def _joined(self, path: str, table, match) -> None:
        self.doc.note_join(table, joined_report(self.doc.join_report(), self.doc.dataset,
                                                self.doc.source_path, match))
        commands.replace_table(self.doc, table, f"Join {Path(path).name} by ID")
        found = match.sentences("the table")
        summary = match.headline()
        if found:
            QMessageBox.information(self.window, "Join predictions by ID",
                                    summary + ".\n\n" + "\n\n".join(found))
        self.status(summary)
