"""The summary's per-class breakdown (K classes): each class's rows, mean loss and share of the
loss, laid out so that it never widens the summary, and with it the window.

A rich-text table in one label cannot wrap: 30-character class names made the summary 481 px
wide at least, and the window 1142 px on a 1024 px screen. Here each cell is a label of a grid:
a class name is cut with "…" where there is no room (the whole name in its tooltip, and in what a
screen reader hears), and the column titles wrap at their spaces.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QSizePolicy, QWidget

from ..core.formatting import fmt_count, fmt_number, fmt_percent
from ..core.summary_view import ClassRow
from .widgets import ElidedLabel

#: A class name keeps at least this many characters' room before it is elided.
NAME_MIN_CHARS = 6


class ClassTable(QWidget):
    """Class | Rows | Mean loss | Share of loss, one row per class, at most ``max_rows`` rows
    and a line saying how many more there are."""

    def __init__(self, max_rows: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Per-class breakdown")
        self.max_rows = max_rows
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(self.fontMetrics().horizontalAdvance("M"))
        self.grid.setVerticalSpacing(1)
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        self.headers = [self._title("Class", Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom)]
        self.headers += [self._title(text, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom)
                         for text in ("Rows", "Mean loss", "Share of loss")]
        for col, label in enumerate(self.headers):
            self.grid.addWidget(label, 0, col)
        self.rows: list[tuple[ElidedLabel, QLabel, QLabel, QLabel]] = []
        name_min = self.fontMetrics().horizontalAdvance("M" * NAME_MIN_CHARS)
        for r in range(max_rows):
            name = ElidedLabel()
            # Its whole width when there is room; cut, down to NAME_MIN_CHARS, where there is not.
            name.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
            name.setMinimumWidth(name_min)
            cells = (name, *(QLabel() for _ in range(3)))
            for col, cell in enumerate(cells):
                if col:
                    cell.setAlignment(right)
                self.grid.addWidget(cell, r + 1, col)
            self.rows.append(cells)
        self.more = QLabel()
        self.more.setWordWrap(True)
        self.more.setMinimumWidth(name_min)
        self.grid.addWidget(self.more, max_rows + 1, 0, 1, 4)
        # What is left of the summary's width stays empty, right of the table.
        self.grid.setColumnStretch(4, 1)

    def _title(self, text: str, align: Qt.AlignmentFlag) -> QLabel:
        label = QLabel(text)
        label.setWordWrap(True)  # "Mean loss (nats)" on two lines in a narrow summary
        label.setAlignment(align)
        font = label.font()
        font.setBold(True)
        label.setFont(font)
        return label

    def set_rows(self, rows: list[ClassRow], units: str) -> None:
        """Show ``rows`` (the first ``max_rows`` of them); an empty list empties the table."""
        self.headers[2].setText(f"Mean loss ({units})")
        for r, cells in enumerate(self.rows):
            shown = r < len(rows)
            if shown:
                row = rows[r]
                texts = (row.label, fmt_count(row.rows), fmt_number(row.mean, 4) if row.rows else "—",
                         fmt_percent(row.share, 1) or "—")
                for cell, text in zip(cells, texts):
                    cell.setText(text)
            for cell in cells:
                cell.setVisible(shown)
        hidden = len(rows) - self.max_rows
        self.more.setText(f"… {hidden} more classes (File → Export → Summary lists them all)"
                          if hidden > 0 else "")
        self.more.setVisible(hidden > 0)
        self.setAccessibleDescription(self.text())

    def text(self) -> str:
        """The table as plain text, a line per row, tab between cells (names whole)."""
        lines = ["\t".join(h.text() for h in self.headers)]
        lines += ["\t".join(cell.text() for cell in cells) for cells in self.rows if cells[0].isVisibleTo(self)]
        if self.more.text():
            lines.append(self.more.text())
        return "\n".join(lines) if len(lines) > 1 else ""

    def name_labels(self) -> list[ElidedLabel]:
        """The shown class names' labels (their text and tooltip are the whole name)."""
        return [cells[0] for cells in self.rows if cells[0].isVisibleTo(self)]
