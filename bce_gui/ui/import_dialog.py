"""The import preview: the first rows as they will be read, what was detected, and overrides."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core.class_labels import ClassesError, label_text, parse_classes
from ..core.columns import REQUIRED_ROLES
from ..core.io import Preview, ReadOptions, TableReadError, preview_table
from ..core.io.class_columns import suggested_class_columns
from ..core.schema import ACTUAL, ID, PREDICTED, ROLE_TITLES, WEIGHT
from .widgets import ElidedLabel, fit_dialog, scrolling

DELIMITERS = [(",", "Comma ( , )"), (";", "Semicolon ( ; )"), ("\t", "Tab"), ("|", "Pipe ( | )")]
DECIMALS = [(".", "Point (0.94)"), (",", "Comma (0,94)")]
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"]
#: The roles a column can be given here, each with its label and whether a table needs it.
ROLES = [(role, "Actual class" if role == ACTUAL else ROLE_TITLES[role], role in REQUIRED_ROLES)
         for role in (ACTUAL, PREDICTED, WEIGHT, ID)]
NONE = "(none)"
BINARY, MULTI = "binary", "multi"


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
        self.task = QComboBox()
        self.task.addItem("Binary: one predicted column", BINARY)
        self.task.addItem("Multi-class: one column per class", MULTI)
        self.task.setAccessibleName("Task")
        mform.addRow("&Task:", self.task)
        for role, label, required in ROLES:
            box = QComboBox()
            box.setAccessibleName(f"{label} column")
            self.role_boxes[role] = box
            mform.addRow(f"{label}{'' if required else ' (optional)'}:", box)
            box.currentIndexChanged.connect(self._check)
        self.mapping_form = mform
        # K classes: the classes in order, and the column of each (class ↔ column).
        self.classes_edit = QLineEdit()
        self.classes_edit.setMinimumWidth(self.classes_edit.fontMetrics().horizontalAdvance("0" * 22))
        self.classes_edit.setAccessibleName("Classes, in order")
        self.classes_edit.setToolTip("The class labels as the actual column writes them, "
                                     "comma-separated, in order (e.g. setosa, versicolor, virginica)")
        self.classes_box = QGroupBox("Classes and their columns")
        self.classes_form = QFormLayout(self.classes_box)
        self.classes_form.addRow("C&lasses:", self.classes_edit)
        self.class_boxes: list[QComboBox] = []
        self.classes_edit.editingFinished.connect(self._classes_edited)
        self.task.currentIndexChanged.connect(self._task_changed)

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
        top.addWidget(self.classes_box)
        # The file's name, cut in its middle where the dialog is narrower (whole in the tooltip).
        self.path_label = ElidedLabel(path, mode=Qt.TextElideMode.ElideMiddle)
        font = self.path_label.font()
        font.setBold(True)
        self.path_label.setFont(font)
        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 0, 0)
        body_layout.addWidget(self.path_label)
        body_layout.addLayout(top)
        body_layout.addWidget(self.table, 1)
        body_layout.addWidget(self.message)
        # On a small screen (or at a large scale) the body scrolls: Import and Cancel stay in view.
        layout = QVBoxLayout(self)
        layout.addWidget(scrolling(body, "Import settings and preview"), 1)
        layout.addWidget(self.buttons)
        fit_dialog(self, QSize(820, 560))

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

        found = preview.class_columns
        if found is None and PREDICTED not in preview.mapping:  # no binary column: per-class ones?
            found = suggested_class_columns(preview)
        self.task.blockSignals(True)
        self.task.setCurrentIndex(1 if found is not None else 0)
        self.task.blockSignals(False)
        self._show_classes(found)

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

    # -- K classes ----------------------------------------------------------------------------

    @property
    def multi_class(self) -> bool:
        return self.task.currentData() == MULTI

    def _task_changed(self) -> None:
        if self.multi_class and not self.class_boxes:
            self._show_classes(suggested_class_columns(self.preview))
        self._show_classes_box()
        self._check()

    def _show_classes_box(self) -> None:
        multi = self.multi_class
        self.classes_box.setVisible(multi)
        self.mapping_form.setRowVisible(self.role_boxes[PREDICTED], not multi)

    def _show_classes(self, found) -> None:
        """The classes and the column of each (a detected mapping, or empty)."""
        classes = found.classes if found is not None else ()
        columns = found.columns if found is not None else ()
        self.classes_edit.setText(", ".join(label_text(c) for c in classes))
        self._class_rows(classes, columns)
        self._show_classes_box()

    def _class_rows(self, classes, columns) -> None:
        self._shown_classes = tuple(classes)
        while self.classes_form.rowCount() > 1:
            self.classes_form.removeRow(1)
        self.class_boxes = []
        for k, c in enumerate(classes):
            box = QComboBox()
            box.addItem(NONE, "")
            for h in self.preview.headers:
                box.addItem(h, h)
            if k < len(columns):
                box.setCurrentIndex(max(0, box.findData(columns[k])))
            box.setAccessibleName(f"Column of class {label_text(c)}")
            box.currentIndexChanged.connect(self._check)
            self.classes_form.addRow(f"{label_text(c)}:", box)
            self.class_boxes.append(box)

    def _classes_edited(self) -> None:
        """New class list: as many classes as before are renamed, keeping their columns;
        otherwise each class keeps its column and a new one gets the column named for it."""
        try:
            classes = parse_classes(self.classes_edit.text())
        except ClassesError:
            self._check()
            return
        columns = [b.currentData() or "" for b in self.class_boxes]
        if len(classes) != len(self._shown_classes):
            old = dict(zip(self._shown_classes, columns))
            suggested = suggested_class_columns(self.preview, classes)
            named = dict(zip(suggested.classes, suggested.columns)) if suggested else {}
            columns = [old.get(c) or named.get(c, "") for c in classes]
        self._class_rows(classes, columns)
        self._check()

    def _classes_or_empty(self) -> tuple:
        try:
            return parse_classes(self.classes_edit.text())
        except ClassesError:
            return ()

    def class_mapping(self) -> tuple[tuple, tuple[str, ...]] | None:
        """(classes, their columns) chosen for K classes, or None."""
        if not self.multi_class:
            return None
        return self._classes_or_empty(), tuple(b.currentData() or "" for b in self.class_boxes)

    # -- the result -----------------------------------------------------------------------------

    def mapping(self) -> dict[str, str]:
        return {role: box.currentData() for role, box in self.role_boxes.items()
                if box.currentData() and not (self.multi_class and role == PREDICTED)}

    def _check(self) -> None:
        m = self.mapping()
        problem = None
        if self.multi_class:
            problem = self._class_problem(m)
        elif "actual" not in m or "predicted" not in m:
            problem = self.preview.problem or "Choose the actual and the predicted columns."
        elif len(set(m.values())) != len(m):
            problem = "Each column can have only one role."
        note = "" if problem or self.multi_class else "\n".join(
            [*self.preview.info.class_problems,
             *(f"{choice.sentence}." for role, choice in self.preview.column_choices.items()
               if m.get(role) == choice.used)])  # (while still that column)
        self.message.setText(problem or note)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(problem is None)

    def _class_problem(self, m: dict[str, str]) -> str | None:
        try:
            classes = parse_classes(self.classes_edit.text())
        except ClassesError as exc:
            return f"Classes: {exc}."
        if "actual" not in m:
            return "Choose the actual column."
        columns = [b.currentData() for b in self.class_boxes]
        if len(columns) != len(classes) or not all(columns):
            return "Choose the column of every class."
        used = list(m.values()) + columns
        if len(set(used)) != len(used):
            return "Each column can have only one role or class."
        return None

    def read_options(self) -> ReadOptions:
        """What the user confirmed, ready for :func:`read_table`."""
        chosen = self.class_mapping()
        if chosen is None:
            return replace(self._detection_options(), columns=self.mapping())
        classes, columns = chosen
        return replace(self._detection_options(), columns=self.mapping(), classes=classes,
                       proba_columns=columns)
