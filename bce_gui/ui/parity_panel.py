"""Why libraries disagree: the loss of the same rows under exact, scikit-learn, PyTorch and Keras
conventions side by side, and a plain sentence for each difference, with its rows a click away.

The numbers and sentences come from :func:`bce_gui.core.metrics.view.parity_view`.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton,
                               QScrollArea, QVBoxLayout, QWidget)

from ..core.metrics.parity import POLICIES
from ..core.metrics.table import TableInsight
from ..core.metrics.view import parity_view

#: Sentences shown with a "Show rows" button each; more are listed without one.
MAX_SENTENCES = 12


class ParityPanel(QScrollArea):
    """Shows the parity of a :class:`~bce_gui.core.metrics.table.TableInsight`."""

    #: The user asked to see these table rows (those behind a sentence).
    showRowsRequested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("parityPanel")
        self.setAccessibleName("Loss under each library's convention")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.units = "nats"
        self.result: TableInsight | None = None
        self.chosen = "exact"
        body = QWidget()
        self.layout_ = QVBoxLayout(body)
        intro = QLabel("The loss of these rows as each library computes it:")
        intro.setWordWrap(True)
        self.layout_.addWidget(intro)
        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        self.names: dict[str, QLabel] = {}
        self.values: dict[str, QLabel] = {}
        for i, key in enumerate(POLICIES):
            name, value = QLabel(), QLabel()
            value.setObjectName(f"parity_{key}")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(name, i, 0)
            grid.addWidget(value, i, 1)
            self.names[key], self.values[key] = name, value
        grid.setColumnStretch(2, 1)
        self.layout_.addLayout(grid)
        self.sentence_box = QVBoxLayout()
        self.layout_.addLayout(self.sentence_box)
        self.layout_.addStretch(1)
        self.setWidget(body)
        self.sentence_widget: QWidget | None = None
        self.sentence_labels: list[QLabel] = []
        self.row_buttons: list[QPushButton] = []

    def set_units(self, units: str) -> None:
        self.units = units
        self.refresh()

    def set_result(self, result: TableInsight) -> None:
        self.result = result
        self.chosen = result.options.policy.name
        self.refresh()

    def set_stale(self) -> None:
        for button in self.row_buttons:
            button.setEnabled(False)

    def refresh(self) -> None:
        if self.result is None:
            return
        view = parity_view(self.result.insight.parity, self.chosen, self.units)
        for row in view.rows:
            mark = " (in use)" if row.chosen else ""
            self.names[row.key].setText(f"{row.label}{mark}")
            font = self.names[row.key].font()
            font.setBold(row.chosen)
            self.names[row.key].setFont(font)
            self.values[row.key].setText(row.value + (f" {self.units}" if row.defined else ""))
            self.values[row.key].setAccessibleName(f"{row.label}: {row.value}")
        self._sentences(view.sentences)

    def _sentences(self, sentences) -> None:
        """One line per sentence (a new set of widgets: the sentences differ in number)."""
        if self.sentence_widget is not None:
            self.sentence_widget.deleteLater()
        self.sentence_widget = QWidget()
        box = QVBoxLayout(self.sentence_widget)
        box.setContentsMargins(0, 6, 0, 0)
        self.sentence_labels, self.row_buttons = [], []
        for k, (text, rows) in enumerate(sentences):
            line = QHBoxLayout()
            label = QLabel(text)
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setMinimumWidth(120)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            line.addWidget(label, 1)
            self.sentence_labels.append(label)
            if rows is not None and rows.size and k < MAX_SENTENCES:
                button = QPushButton("Show rows")
                button.setToolTip("Select these rows in the table")
                table_rows = self.result.table_rows(rows)
                button.clicked.connect(lambda _=False, r=table_rows: self.showRowsRequested.emit(r))
                line.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
                self.row_buttons.append(button)
            box.addLayout(line)
        self.sentence_box.addWidget(self.sentence_widget)

    def sentences(self) -> list[str]:
        return [label.text() for label in self.sentence_labels]

