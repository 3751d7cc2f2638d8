"""The statistics beside the loss, each with its one-line explanation (issue 11).

Brier score, ROC AUC, accuracy at an adjustable threshold, expected calibration error, the 95%
bootstrap interval of the loss, where the loss concentrates (with the worst rows a click away
in the table) and where it comes from (the CORP decomposition and its sentence). The lines and
their words come from :func:`bce_gui.core.metrics.view.statistic_lines`; a statistic that is
not defined reads "not defined" with the reason. The panel computes nothing.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton,
                               QScrollArea, QVBoxLayout, QWidget)

from ..core.formatting import count_text
from ..core.metrics.scores import DEFAULT_THRESHOLD
from ..core.metrics.table import TableInsight
from ..core.metrics.view import statistic_lines
from . import theme
from .numbers import NumberSpinBox

#: The lines, in the order statistic_lines gives them.
KEYS = ("brier", "auc", "accuracy", "ece", "ci95", "worst_share", "decomposition")


class BusyNote(QLabel):
    """"Updating… 40% (AUC)" while the statistics are computed, hidden otherwise."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Statistics being computed")
        self.hide()

    def set_busy(self, busy: bool) -> None:
        self.setVisible(busy)
        if busy and not self.text():
            self.setText("Updating…")
        if not busy:
            self.setText("")

    def set_progress(self, fraction: float, what: str) -> None:
        self.setText(f"Updating… {int(fraction * 100)}% ({what})" if what else "Updating…")


class StatisticsPanel(QScrollArea):
    """Shows a :class:`~bce_gui.core.metrics.table.TableInsight`; asks for rows and a threshold."""

    #: The user asked to see these table rows (the worst ones).
    showRowsRequested = Signal(object)
    #: The user chose another threshold for the accuracy.
    thresholdChanged = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statisticsPanel")
        self.setAccessibleName("Statistics")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.units = "nats"
        self.result: TableInsight | None = None
        self._worst = np.zeros(0, dtype=np.int64)

        body = QWidget()
        outer = QVBoxLayout(body)
        self.busy = BusyNote()
        outer.addWidget(self.busy)
        self.controls = QHBoxLayout()
        outer.addLayout(self.controls)
        grid = QGridLayout()
        grid.setColumnStretch(1, 1)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(2)
        self.titles: dict[str, QLabel] = {}
        self.values: dict[str, QLabel] = {}
        self.notes: dict[str, QLabel] = {}
        for i, key in enumerate(KEYS):
            title, value, note = QLabel(), QLabel(), QLabel()
            font = title.font()
            font.setBold(True)
            title.setFont(font)
            value.setObjectName(f"stat_{key}")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            note.setWordWrap(True)
            note.setMinimumWidth(120)
            for label in (title, value, note):
                label.setTextFormat(Qt.TextFormat.PlainText)
            grid.addWidget(title, 2 * i, 0)
            grid.addWidget(value, 2 * i, 1)
            grid.addWidget(note, 2 * i + 1, 0, 1, 2)
            grid.setRowMinimumHeight(2 * i + 1, 0)
            self.titles[key], self.values[key], self.notes[key] = title, value, note
        outer.addLayout(grid)
        # The accuracy's threshold, and the worst rows a click away.
        controls = self.controls
        self.threshold_label = QLabel("Accuracy &threshold:")
        self.threshold = NumberSpinBox()
        self.threshold.setRange(0.0, 1.0)
        self.threshold.setDecimals(3)
        self.threshold.setSingleStep(0.05)
        self.threshold.setValue(DEFAULT_THRESHOLD)
        # (its size hint is a digit or two wide: room for 0.125 and the arrows, as in Settings)
        self.threshold.setMinimumWidth(self.threshold.fontMetrics().horizontalAdvance("0.0000") + 30)
        self.threshold.setAccessibleName("Accuracy threshold")
        self.threshold.setToolTip("A row is predicted as class 1 when p ≥ this threshold")
        self.threshold_label.setBuddy(self.threshold)
        self.threshold.valueChanged.connect(self.thresholdChanged.emit)
        self.worst_button = QPushButton("Select the worst rows")
        self.worst_button.setToolTip("Select the rows that carry the most loss, in the table")
        self.worst_button.clicked.connect(lambda: self.showRowsRequested.emit(self._worst))
        self.worst_button.setEnabled(False)
        controls.addWidget(self.threshold_label)
        controls.addWidget(self.threshold)
        controls.addStretch(1)
        controls.addWidget(self.worst_button)
        outer.addStretch(1)
        self.setWidget(body)
        self._apply_colours()

    def _apply_colours(self) -> None:
        muted = theme.muted_text(self.palette())
        for note in self.notes.values():
            theme.set_text_colour(note, muted)

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._apply_colours()

    # -- showing ------------------------------------------------------------------------------

    def set_units(self, units: str) -> None:
        self.units = units
        self.refresh()

    def set_result(self, result: TableInsight) -> None:
        self.result = result
        self.refresh()

    def set_stale(self) -> None:
        """The table changed: the rows listed may have moved, so they cannot be selected."""
        self.worst_button.setEnabled(False)

    def refresh(self) -> None:
        if self.result is None:
            return
        ins = self.result.insight
        for line in statistic_lines(ins, self.units):
            if line.key not in self.values:
                continue
            self.titles[line.key].setText(line.title)
            self.values[line.key].setText(line.value)
            self.values[line.key].setAccessibleName(f"{line.title}: {line.value}")
            self.notes[line.key].setText(line.explanation)
        self._worst = self.result.worst_rows(0.01)
        self.worst_button.setText(f"Select the {count_text(self._worst.size, 'worst row')}"
                                  if self._worst.size else "Select the worst rows")
        self.worst_button.setEnabled(bool(self._worst.size))
        # K classes: the most probable class is the prediction, there is no threshold to set.
        for widget in (self.threshold_label, self.threshold):
            widget.setHidden(ins.threshold is None)

    def text(self, key: str) -> str:
        """What a line shows (for tests and screen readers): "Title: value — explanation"."""
        return f"{self.titles[key].text()}: {self.values[key].text()} — {self.notes[key].text()}"
