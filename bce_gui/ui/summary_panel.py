"""The summary: the final loss in large type, the formula with its numbers, and what it means."""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QVBoxLayout, QWidget

from ..core.explain import (
    active_options,
    baseline_text,
    categorical_baseline_text,
    formula_text,
    options_sentence,
    reduction_text,
    sums_text,
    weighted_rows,
)
from ..core.formatting import fmt_count, fmt_number, fmt_result, one_line, with_units
from ..core.metrics.view import guide_bar
from ..core.summary_view import class_rows, scored_rows_note, shown_loss
from . import theme
from .class_table import ClassTable
from .document import Document
from .guide_bar import GuideBarWidget


#: K classes: the per-class breakdown lists at most this many classes (the export has all).
MAX_CLASS_ROWS = 12
#: The infinite-loss note names its rows by ID, each cut to this many characters.
ID_MAX_CHARS = 20


def _short_id(name: str) -> str:
    """An ID of at most ID_MAX_CHARS characters, cut in its middle: IDs often differ only at
    their end ("…_x0", "…_x1")."""
    name = one_line(name)
    if len(name) <= ID_MAX_CHARS:
        return name
    head = (ID_MAX_CHARS - 1) // 2
    return name[:head] + "…" + name[-(ID_MAX_CHARS - 1 - head):]


class SummaryPanel(QFrame):
    """Reads the document's live totals; never computes a loss itself."""

    CAPTION = "Log loss (binary cross-entropy)"

    #: The user asked to switch to a clipping convention (its name).
    switchPolicyRequested = Signal(str)
    #: The user asked to see these data rows (the ones making the loss infinite).
    showRowsRequested = Signal(object)
    #: What the panel says changed (its height may have to change with it).
    contentChanged = Signal()

    def __init__(self, doc: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = doc
        self.units = "nats"
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName("Loss summary")

        self.caption = QLabel(self.CAPTION)
        self.loss_label = QLabel()
        self.loss_label.setObjectName("lossValue")
        self.loss_label.setAccessibleName("Final loss")
        font = self.loss_label.font()
        font.setPointSizeF(font.pointSizeF() * 2.6)
        font.setBold(True)
        self.loss_label.setFont(font)
        self.loss_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.unit_label = QLabel()
        self.counts_label = QLabel()
        self.counts_label.setWordWrap(True)
        self.caption.setWordWrap(True)
        self.formula_label = QLabel()
        self.formula_label.setAccessibleName("Formula")
        self.formula_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.formula_label.setWordWrap(True)
        self.formula_label.setTextFormat(Qt.TextFormat.PlainText)
        self.other_units_label = QLabel()
        self.meaning_label = QLabel()
        self.meaning_label.setWordWrap(True)
        # The articles' rough scale, with this loss and the no-skill baseline on it (issue 11).
        self.guide = GuideBarWidget()
        self.guide_note = QLabel()
        self.guide_note.setObjectName("guideNote")
        self.guide_note.setWordWrap(True)
        self.guide_note.setTextFormat(Qt.TextFormat.PlainText)
        self.policy_label = QLabel()
        self.policy_label.setWordWrap(True)
        self.policy_label.setTextFormat(Qt.TextFormat.PlainText)
        self.options_label = QLabel()
        self.options_label.setObjectName("optionsNote")
        self.options_label.setWordWrap(True)
        self.sums_label = QLabel()  # K classes: rows whose probabilities do not sum to 1
        self.sums_label.setWordWrap(True)
        self.sums_label.setTextFormat(Qt.TextFormat.PlainText)
        # K classes: the per-class breakdown, its long class names cut (never widening the window)
        self.class_table = ClassTable(MAX_CLASS_ROWS)
        self.infinite_label = QLabel()
        self.infinite_label.setWordWrap(True)
        self.infinite_label.setTextFormat(Qt.TextFormat.PlainText)  # it shows IDs from the file
        self._apply_colours()
        self.clip_button = QPushButton("Use scikit-learn clipping")
        self.clip_button.setToolTip("Clip probabilities to [ε, 1 − ε] as sklearn.metrics.log_loss does")
        self.clip_button.clicked.connect(lambda: self.switchPolicyRequested.emit("sklearn"))
        self.show_inf_button = QPushButton("Show these rows")
        self.show_inf_button.clicked.connect(
            lambda: self.showRowsRequested.emit(self.doc.live.snapshot().infinite_rows())
        )

        for label in (self.caption, self.counts_label, self.formula_label, self.meaning_label,
                      self.guide_note, self.policy_label, self.options_label, self.infinite_label,
                      self.sums_label):
            if label.wordWrap():
                # A wrapped label's own minimum is a comfortable reading width (up to ~400 px),
                # which would keep the tables narrow: let it wrap down to a narrow column.
                label.setMinimumWidth(120)
        layout = QVBoxLayout(self)
        for w in (self.caption, self.loss_label, self.unit_label, self.counts_label,
                  self.formula_label, self.other_units_label, self.meaning_label, self.guide,
                  self.guide_note, self.class_table, self.sums_label, self.infinite_label,
                  self.clip_button, self.show_inf_button, self.policy_label,
                  self.options_label):
            layout.addWidget(w, 0, Qt.AlignmentFlag.AlignLeft if isinstance(w, QPushButton) else Qt.AlignmentFlag(0))
        layout.addStretch(1)

        # Every change the summary shows (an edit, new data, other options, a weight column)
        # ends with totalsChanged: one refresh per change.
        doc.totalsChanged.connect(self.refresh)
        self.refresh()

    def set_units(self, units: str) -> None:
        self.units = units
        self.refresh()

    def _apply_colours(self) -> None:
        """Captions and the warning in colours of the palette in force (light or dark)."""
        palette = self.palette()
        for label in (self.caption, self.policy_label, self.guide_note):
            theme.set_text_colour(label, theme.muted_text(palette))
        theme.set_text_colour(self.infinite_label, theme.warning_text(palette))
        theme.set_text_colour(self.sums_label, theme.warning_text(palette))

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._apply_colours()

    def loss_text(self) -> str:
        return self.loss_label.text()

    def refresh(self) -> None:
        t = self.doc.live.totals
        opts = self.doc.options
        categorical = self.doc.categorical
        n_invalid = self.doc.live.n_invalid
        k = self.doc.dataset.schema.task.n_classes
        self.caption.setText(f"Log loss (categorical cross-entropy, {k} classes)" if categorical
                             else "Log loss (binary cross-entropy)")
        shown = shown_loss(t, self.units)
        if shown.empty:
            self.loss_label.setText("—")
            self.unit_label.setText("no valid observations yet")
        else:
            self.loss_label.setText(fmt_result(shown.value))
            self.unit_label.setText(f"{shown.units} per observation")
        # A screen reader reads the name: it must carry the value, not only say what it is.
        self.loss_label.setAccessibleName(f"Final loss: {self.loss_label.text()} {self.unit_label.text()}")
        # Other models' missing predictions leave rows out of this loss too: say so, or the
        # loss seems to jump after a join for no reason.
        scored = scored_rows_note(self.doc.dataset, self.doc.live.validity, t.n) if n_invalid else ""
        self.counts_label.setText(
            f"N used: <b>{fmt_count(t.n)}</b> &nbsp;·&nbsp; invalid (excluded): <b>{fmt_count(n_invalid)}</b>"
            + (" &nbsp;·&nbsp; weighted" if self.doc.has_weight else "")
            + (f"<br>{html.escape(scored)}" if scored else "")
        )
        self.formula_label.setText(formula_text(t, opts, categorical=categorical,
                                                weighted=weighted_rows(self.doc.dataset, opts)))
        self.formula_label.setAccessibleName(f"Formula: {self.formula_label.text()}")
        if shown.finite:
            self.other_units_label.setText(f"= {with_units(fmt_number(shown.other, 4), shown.other_units)}")
            self.meaning_label.setText(categorical_baseline_text(t, self.units) if categorical
                                       else baseline_text(t, opts, self.units))
        else:
            self.other_units_label.setText("")
            self.meaning_label.setText("")
        bar = guide_bar(t, opts, self.units)
        self.guide.set_view(bar)
        self.guide.setVisible(bar.loss is not None)
        self.guide_note.setText(bar.sentence)
        self.guide_note.setVisible(bar.loss is not None and bool(bar.sentence))
        self._refresh_classes(categorical)
        inf = t.n_infinite > 0
        self.infinite_label.setVisible(inf)
        self.clip_button.setVisible(inf)
        self.show_inf_button.setVisible(inf)
        if inf:
            rows = self.doc.live.snapshot().infinite_rows(limit=8)
            ds = self.doc.dataset
            whole = [ds.cell_text("id", int(r)) or f"row {int(r) + 1}" for r in rows]
            # A long ID cannot wrap: cut, it keeps the note from running past the summary's edge
            # (every line of it was cut there); whole in the tooltip.
            names = ", ".join(_short_id(name) for name in whole)
            self.infinite_label.setToolTip("\n".join(whole) if names != ", ".join(whole) else "")
            more = "" if t.n_infinite <= rows.size else f" and {t.n_infinite - rows.size} more"
            verb = "gives" if t.n_infinite == 1 else "give"
            self.infinite_label.setText(
                f"The loss is infinite: {names}{more} {verb} probability 0 to the class that "
                "actually happened, and ln 0 = −∞. Clip probabilities to get a finite number."
            )
        self.policy_label.setText(
            f"Convention: {opts.policy.label}. {opts.policy.describe(not self.doc.categorical)} "
            f"{reduction_text(opts)}"
        )
        extras = active_options(opts, self.doc.has_weight)
        self.options_label.setText(f"Options: {options_sentence(extras)}" if extras else "")
        self.options_label.setVisible(bool(extras))
        for label in (self.other_units_label, self.meaning_label, self.class_table, self.sums_label):
            label.setVisible(bool(label.text()))  # no blank gap above the infinite-loss note
        self.contentChanged.emit()

    def _refresh_classes(self, categorical: bool) -> None:
        """K classes: each class's rows, mean loss and share of the total (the core's numbers),
        and what happened to rows whose probabilities do not sum to 1."""
        if not categorical or not self.doc.live.totals.n:
            self.class_table.set_rows([], self.units)
            self.sums_label.setText("")
            return
        live = self.doc.live
        self.class_table.set_rows(class_rows(self.doc.dataset.schema.task.classes, live.acc.breakdown(),
                                             live.totals, self.units), self.units)
        v = live.validity
        self.sums_label.setText(sums_text(v.n_off_sum, v.renormalized))
