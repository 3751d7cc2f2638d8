"""The import preview: the first rows as they will be read, what was detected, and overrides."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core.columns import REQUIRED_ROLES
from ..core.io import Preview, ReadOptions, TableReadError, preview_table
from ..core.schema import ACTUAL, ID, PREDICTED, ROLE_TITLES, WEIGHT

DELIMITERS = [(",", "Comma ( , )"), (";", "Semicolon ( ; )"), ("\t", "Tab"), ("|", "Pipe ( | )")]
DECIMALS = [(".", "Point (0.94)"), (",", "Comma (0,94)")]
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"]
#: The roles a column can be given here, each with its label and whether a table needs it.
ROLES = [(role, "Actual class" if role == ACTUAL else ROLE_TITLES[role], role in REQUIRED_ROLES)
         for role in (ACTUAL, PREDICTED, WEIGHT, ID)]
NONE = "(none)"


class ImportDialog(QDialog):
    """Shows a :class:`Preview` and lets the user override detection and the column mapping."""

    def __init__(self, path: str, preview: Preview, options: ReadOptions,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import preview")
        self.setAccessibleName("Import preview")
        self.path = path
        self.preview = preview
        self.base_options = options
        info = preview.info
        self.is_text = info.format in ("csv", "tsv")

        self.delimiter = QComboBox()
        for value, label in DELIMITERS:
            self.delimiter.addItem(label, value)
        self.decimal = QComboBox()
        for value, label in DECIMALS:
            self.decimal.addItem(label, value)
        self.encoding = QComboBox()
        self.encoding.addItems(ENCODINGS)
        self.header = QCheckBox("First row holds column names")
        detect = QGroupBox("Detected (change anything that is wrong)")
        form = QFormLayout(detect)
        form.addRow("&Delimiter:", self.delimiter)
        form.addRow("D&ecimal mark:", self.decimal)
        form.addRow("E&ncoding:", self.encoding)
        form.addRow("", self.header)
        for w in (self.delimiter, self.encoding):
            w.setEnabled(self.is_text)

        self.role_boxes: dict[str, QComboBox] = {}
        mapping = QGroupBox("Columns")
        mform = QFormLayout(mapping)
        for role, label, required in ROLES:
            box = QComboBox()
            box.setAccessibleName(f"{label} column")
            self.role_boxes[role] = box
            mform.addRow(f"{label}{'' if required else ' (optional)'}:", box)
            box.currentIndexChanged.connect(self._check)

        self.table = QTableWidget()
        self.table.setAccessibleName("Preview of the first rows")
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # read-only: Tab goes on to the buttons
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)  # it quotes the file's headers
        self.message.setStyleSheet("color: #a40000;")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Import")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        top = QHBoxLayout()
        top.addWidget(detect)
        top.addWidget(mapping)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"<b>{path}</b>"))
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.resize(820, 560)

        self._show(preview)
        for sig in (self.delimiter.currentIndexChanged, self.decimal.currentIndexChanged,
                    self.encoding.currentIndexChanged, self.header.toggled):
            sig.connect(self._reload)

    # -- state --------------------------------------------------------------------------------

    def _show(self, preview: Preview) -> None:
        self.preview = preview
        info = preview.info
        widgets = (self.delimiter, self.decimal, self.encoding, self.header)
        for w in widgets:
            w.blockSignals(True)
        if info.delimiter is not None:
            self.delimiter.setCurrentIndex(max(0, self.delimiter.findData(info.delimiter)))
        self.decimal.setCurrentIndex(max(0, self.decimal.findData(info.decimal)))
        enc = info.encoding or "utf-8"
        if self.encoding.findText(enc) < 0:
            self.encoding.addItem(enc)
        self.encoding.setCurrentText(enc)
        self.header.setChecked(info.has_header)
        for w in widgets:
            w.blockSignals(False)

        for role, _label, required in ROLES:
            box = self.role_boxes[role]
            box.blockSignals(True)
            box.clear()
            if not required:
                box.addItem(NONE, "")
            for h in preview.headers:
                box.addItem(h, h)
            chosen = preview.mapping.get(role)
            box.setCurrentIndex(box.findData(chosen) if chosen else (0 if not required else -1))
            box.blockSignals(False)

        self.table.clear()
        self.table.setColumnCount(len(preview.headers))
        self.table.setRowCount(len(preview.rows))
        self.table.setHorizontalHeaderLabels(preview.headers)
        for i, row in enumerate(preview.rows):
            for j, cell in enumerate(row):
                self.table.setItem(i, j, QTableWidgetItem(cell))
        self._check()

    def _reload(self) -> None:
        try:
            preview = preview_table(self.path, self._detection_options())
        except TableReadError as exc:
            self.message.setText(str(exc))
            self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
            return
        self._show(preview)

    def _detection_options(self) -> ReadOptions:
        return replace(
            self.base_options,
            delimiter=self.delimiter.currentData() if self.is_text else None,
            decimal=self.decimal.currentData(),
            encoding=self.encoding.currentText() if self.is_text else None,
            header=self.header.isChecked(),
            columns={},
        )

    def mapping(self) -> dict[str, str]:
        return {role: box.currentData() for role, box in self.role_boxes.items()
                if box.currentData()}

    def _check(self) -> None:
        m = self.mapping()
        problem = None
        if "actual" not in m or "predicted" not in m:
            problem = self.preview.problem or "Choose the actual and the predicted columns."
        elif len(set(m.values())) != len(m):
            problem = "Each column can have only one role."
        self.message.setText(problem or "")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(problem is None)

    def read_options(self) -> ReadOptions:
        """What the user confirmed, ready for :func:`read_table`."""
        return replace(self._detection_options(), columns=self.mapping())
