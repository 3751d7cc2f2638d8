"""The Files feature in the real window: open, save, export, recent files, unsaved changes, autosave.

Every file a test opens is written here, by the test, from data the test holds; every expected
number (losses, corrected probabilities, worst rows) is computed here with
``sklearn.metrics.log_loss`` or the formula written out, never taken from the app. Saved files
are read back with the standard library's ``csv`` module and with openpyxl, not only with the
app's own importer. Dialogs are answered by the ``dialogs`` stub (tests/ui/conftest.py); the
import preview's ``exec`` is replaced by a click on its Import button.
"""

from __future__ import annotations

import csv
import gc
import json
import math
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QMessageBox
from sklearn.metrics import log_loss

from bce_gui.core.io import ReadOptions, preview_table, read_table
from bce_gui.ui.import_dialog import ImportDialog

SB = QMessageBox.StandardButton
LOAD_TIMEOUT_MS = 20_000

# The data every file shape below holds (rows in this order).
IDS = ["a1", "b2", "c3", "d4", "e5", "f6"]
Y = [1, 0, 1, 0, 1, 0]
P = [0.9, 0.2, 0.65, 0.35, 0.08, 0.5]


# ---------------------------------------------------------------------------------------------
# Independent references
# ---------------------------------------------------------------------------------------------


def sk_loss(y, p) -> float:
    return float(log_loss(np.asarray(y, float), np.asarray(p, float), labels=[0, 1]))


def corrected(y: float, p: float) -> float:
    return p if y == 1 else 1.0 - p


def fmt4(x: float) -> str:
    return f"{x:.4g}"


# ---------------------------------------------------------------------------------------------
# Fixtures and helpers
# ---------------------------------------------------------------------------------------------


pytestmark = pytest.mark.usefixtures("recovery_folder")  # (tests/ui/conftest.py)


@pytest.fixture
def import_dialogs(monkeypatch):
    """The import preview, answered by clicking its Import button; the dialogs shown are kept."""
    shown: list[ImportDialog] = []

    def exec_(self):
        shown.append(self)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert ok.isEnabled(), self.message.text()
        ok.click()
        return self.result()

    monkeypatch.setattr(ImportDialog, "exec", exec_)
    return shown


def open_via_menu(w, qtbot, dialogs, path) -> bool:
    """File → Open…, the file dialog answered with ``path``; waits for the background load."""
    dialogs.answer("open", str(path))
    with qtbot.waitSignal(w.files.loadFinished, timeout=LOAD_TIMEOUT_MS) as blocker:
        w.actions["open"].trigger()
    return blocker.args[0]


def open_quietly(w, qtbot, path) -> None:
    """Open without the menu (set-up for tests about something else)."""
    with qtbot.waitSignal(w.files.loadFinished, timeout=LOAD_TIMEOUT_MS) as blocker:
        assert w.files.open_path(str(path), ask=False, confirm_import=False)
    assert blocker.args == [True]


def set_cell(w, row: int, key: str, text: str) -> None:
    """Edit a cell through the model, as the table's editor does (one undo command)."""
    m = w.model
    assert m.setData(m.index(row, m.column_of(key)), text, Qt.ItemDataRole.EditRole)


def press(qtbot, w, key, modifiers=Qt.KeyboardModifier.ControlModifier) -> None:
    qtbot.keyClick(w.obs_view, key, modifiers)
    qtbot.keyRelease(w.obs_view, Qt.Key.Key_Control)


def snapshot(ds) -> dict:
    out = {"n": len(ds), "ids": None if ds.ids is None else [str(v) for v in ds.ids],
           "extras": {k: [str(v) for v in vals] for k, vals in ds.extras.items()}}
    for role in ("actual", "predicted", "weight"):
        c = getattr(ds, role)
        out[role] = None if c is None else (c.values.copy(), dict(c.text))
    return out


def assert_same(a: dict, b: dict) -> None:
    assert (a["n"], a["ids"], a["extras"]) == (b["n"], b["ids"], b["extras"])
    for role in ("actual", "predicted", "weight"):
        if a[role] is None or b[role] is None:
            assert a[role] is b[role] is None, role
            continue
        np.testing.assert_array_equal(a[role][0], b[role][0], err_msg=role)
        assert a[role][1] == b[role][1], role


def read_csv_rows(path, delimiter=",") -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh, delimiter=delimiter))


def num_text(x) -> str:
    """A number as a saved file spells it: shortest round-trip form, whole numbers without .0."""
    x = float(x)
    return str(int(x)) if x.is_integer() else repr(x)


def write_xlsx(path: Path, rows: list[list]) -> Path:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Data")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, str):
                ws.write_string(r, c, value)
            else:
                ws.write_number(r, c, value)
    wb.close()
    return path


# ---------------------------------------------------------------------------------------------
# The file shapes the importer supports
# ---------------------------------------------------------------------------------------------


def comma(x: float) -> str:
    return repr(x).replace(".", ",")


@dataclass
class Shape:
    name: str
    filename: str
    content: object  # bytes, or a callable(path) that writes the file
    confirm: bool  # detection had to guess: the import preview is shown
    ids: list[str] | None = None
    actual: list = field(default_factory=lambda: list(Y))
    predicted: list = field(default_factory=lambda: list(P))
    extras: dict = field(default_factory=dict)
    text: dict = field(default_factory=dict)  # role -> {row: typed text}

    def write(self, folder: Path) -> Path:
        path = folder / self.filename
        if callable(self.content):
            self.content(path)
        else:
            path.write_bytes(self.content)
        return path

    def valid_rows(self) -> list[int]:
        bad = {r for rows in self.text.values() for r in rows}
        return [i for i in range(len(self.actual)) if i not in bad]


def _lines(sep: str, fmt, header: list[str] | None, ids=IDS) -> str:
    out = [sep.join(header)] if header else []
    out += [sep.join([i, str(y), fmt(p)]) for i, y, p in zip(ids, Y, P)]
    return "\n".join(out) + "\n"


CP1252_IDS = ["José", "Zoë €", "Ærø", "façade", "naïve", "Œuvre"]
SEGMENTS = ["north", "south", "east", "west", "north", "east"]
COMMENTS = ["ok", "late, paid", "", "new", "vip \"gold\"", "ok"]


def _extras_csv() -> bytes:
    rows = [["id", "segment", "actual", "predicted", "comment"]]
    rows += [[i, s, str(y), repr(p), c] for i, s, y, p, c in zip(IDS, SEGMENTS, Y, P, COMMENTS)]
    lines = []
    for r in rows:
        lines.append(",".join(f'"{c.replace(chr(34), chr(34) * 2)}"' if ("," in c or '"' in c) else c for c in r))
    return ("\n".join(lines) + "\n").encode()


def _text_cells_csv() -> bytes:
    a = [str(y) for y in Y]
    p = [repr(x) for x in P]
    a[1] = "oops"
    p[3] = "high"
    return ("actual,predicted\n" + "".join(f"{x},{q}\n" for x, q in zip(a, p))).encode()


SHAPES = [
    Shape("csv", "plain.csv", _lines(",", repr, ["id", "actual", "predicted"]).encode(), False, IDS),
    Shape("tsv", "tabs.tsv", _lines("\t", repr, ["id", "actual", "predicted"]).encode(), False, IDS),
    Shape("semicolon-decimal-comma", "european.csv",
          _lines(";", comma, ["id", "actual", "predicted"]).encode(), True, IDS),
    Shape("utf16-excel-text", "excel-unicode.txt",
          _lines("\t", comma, ["id", "actual", "predicted"]).encode("utf-16"), True, IDS),
    Shape("cp1252", "windows.csv",
          _lines(",", repr, ["name", "actual", "predicted"], CP1252_IDS).encode("cp1252"), True, CP1252_IDS),
    Shape("no-header", "headerless.csv", _lines(",", repr, None).encode(), True, IDS),
    Shape("xlsx", "book.xlsx",
          lambda path: write_xlsx(path, [["id", "actual", "predicted", "group"]]
                                  + [[i, y, p, s] for i, y, p, s in zip(IDS, Y, P, SEGMENTS)]),
          False, IDS, extras={"group": SEGMENTS}),
    Shape("extra-columns", "extras.csv", _extras_csv(), False, IDS,
          extras={"segment": SEGMENTS, "comment": COMMENTS}),
    Shape("text-in-number-columns", "typos.csv", _text_cells_csv(), False, None,
          actual=[1, math.nan, 1, 0, 1, 0], predicted=[0.9, 0.2, 0.65, math.nan, 0.08, 0.5],
          text={"actual": {1: "oops"}, "predicted": {3: "high"}}),
]


@pytest.mark.parametrize("shape", SHAPES, ids=[s.name for s in SHAPES])
def test_open_each_file_shape_through_file_open(shape, tmp_path, window, qtbot, dialogs, import_dialogs):
    w = window
    path = shape.write(tmp_path)
    assert open_via_menu(w, qtbot, dialogs, path) is True
    assert [c.kind for c in dialogs.calls] == ["open"]  # no warning, no question
    assert len(import_dialogs) == (1 if shape.confirm else 0)

    ds = w.doc.dataset
    assert len(ds) == w.model.rowCount() == len(Y)
    assert (None if ds.ids is None else [str(v) for v in ds.ids]) == shape.ids
    np.testing.assert_array_equal(ds.actual.values, shape.actual)
    np.testing.assert_array_equal(ds.predicted.values, shape.predicted)
    assert ds.actual.text == shape.text.get("actual", {})
    assert ds.predicted.text == shape.text.get("predicted", {})
    assert {k: [str(v) for v in vals] for k, vals in ds.extras.items()} == shape.extras

    valid = shape.valid_rows()
    ref = sk_loss([Y[i] for i in valid], [P[i] for i in valid])
    assert w.doc.live.totals.n == len(valid)
    assert w.doc.live.totals.mean == pytest.approx(ref, rel=1e-12)
    assert w.summary.loss_text() == fmt4(ref)
    assert w.windowTitle() == f"{path.name}[*] — BCE Lab"
    assert not w.isWindowModified()
    assert w.files.recent()[0] == str(path.resolve())


def test_import_preview_itself_detects_overrides_and_maps_columns(tmp_path, qtbot):
    # Detected: semicolons and decimal commas, shown in the dialog's controls.
    eu = tmp_path / "eu.csv"
    eu.write_text(_lines(";", comma, ["id", "actual", "predicted"]))
    dialog = ImportDialog(str(eu), preview_table(eu), ReadOptions())
    qtbot.addWidget(dialog)
    assert dialog.delimiter.currentData() == ";" and dialog.decimal.currentData() == ","
    assert dialog.header.isChecked()
    assert dialog.mapping() == {"actual": "actual", "predicted": "predicted", "id": "id"}
    assert dialog.table.rowCount() == len(Y) and dialog.table.item(0, 2).text() == comma(P[0])
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    ds, _ = read_table(eu, dialog.read_options())
    np.testing.assert_array_equal(ds.predicted.values, P)

    # Unknown column names: no mapping, Import disabled until the user picks the columns.
    odd = tmp_path / "odd.csv"
    odd.write_text("confidence,clicked,who\n" + "".join(f"{p!r},{y},{i}\n" for i, y, p in zip(IDS, Y, P)))
    dialog = ImportDialog(str(odd), preview_table(odd), ReadOptions())
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled() and dialog.message.text()
    boxes = dialog.role_boxes
    boxes["actual"].setCurrentIndex(boxes["actual"].findData("clicked"))
    boxes["predicted"].setCurrentIndex(boxes["predicted"].findData("clicked"))
    assert not ok.isEnabled() and "only one role" in dialog.message.text()
    boxes["predicted"].setCurrentIndex(boxes["predicted"].findData("confidence"))
    boxes["id"].setCurrentIndex(boxes["id"].findData("who"))
    assert ok.isEnabled() and dialog.message.text() == ""
    dialog.accept()
    ds, _ = read_table(odd, dialog.read_options())
    np.testing.assert_array_equal(ds.actual.values, Y)
    np.testing.assert_array_equal(ds.predicted.values, P)
    assert [str(v) for v in ds.ids] == IDS

    # Header detection overridden: the first data row becomes the header, and back again.
    bare = tmp_path / "bare.csv"
    bare.write_text(_lines(",", repr, None))
    dialog = ImportDialog(str(bare), preview_table(bare), ReadOptions())
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not dialog.header.isChecked() and dialog.table.rowCount() == len(Y)
    dialog.header.setChecked(True)
    assert dialog.table.rowCount() == len(Y) - 1
    assert dialog.preview.headers == [IDS[0], str(Y[0]), repr(P[0])]
    assert not ok.isEnabled()  # "a1", "1", "0.9" name no actual/predicted column
    dialog.header.setChecked(False)
    assert dialog.table.rowCount() == len(Y) and ok.isEnabled()
    dialog.accept()
    ds, _ = read_table(bare, dialog.read_options())
    np.testing.assert_array_equal(ds.predicted.values, P)


def test_cancelling_the_import_preview_opens_nothing(tmp_path, window, qtbot, dialogs, monkeypatch):
    w = window
    before = snapshot(w.doc.dataset)
    shown = []

    def exec_(self):
        shown.append(self)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
        return self.result()

    monkeypatch.setattr(ImportDialog, "exec", exec_)
    path = SHAPES[2].write(tmp_path)  # semicolons and decimal commas: previewed
    dialogs.answer("open", str(path))
    with qtbot.assertNotEmitted(w.files.loadFinished, wait=200):
        w.actions["open"].trigger()
    assert len(shown) == 1 and w.files.load is None
    assert_same(snapshot(w.doc.dataset), before)
    assert w.windowTitle() == "Worked example[*] — BCE Lab"
    assert dialogs.of("warning") == []


# ---------------------------------------------------------------------------------------------
# Save and Save As: edit, write, reopen in a fresh window
# ---------------------------------------------------------------------------------------------

HEADER = ["id", "segment", "actual", "predicted", "comment"]


def edited_table() -> dict:
    """The extras file after the edits made by ``make_edits``: the expected saved content."""
    ids, y, p = list(IDS), list(Y), list(P)
    ids[0] = "A-1"
    p[2] = 0.7
    y[4] = 0
    return {"ids": ids, "y": y, "p": p, "p_text": {5: "about half"}}


def make_edits(w) -> None:
    set_cell(w, 0, "id", "A-1")
    set_cell(w, 2, "predicted", "0.7")
    set_cell(w, 4, "actual", "0")
    set_cell(w, 5, "predicted", "about half")  # typed text is kept (and excluded)


def expected_rows(t: dict) -> list[list[str]]:
    rows = [HEADER]
    for i in range(len(IDS)):
        pred = t["p_text"].get(i, num_text(t["p"][i]))
        rows.append([t["ids"][i], SEGMENTS[i], num_text(t["y"][i]), pred, COMMENTS[i]])
    return rows


def check_loss_of(w, t: dict) -> None:
    valid = [i for i in range(len(IDS)) if i not in t["p_text"]]
    ref = sk_loss([t["y"][i] for i in valid], [t["p"][i] for i in valid])
    assert w.doc.live.totals.n == len(valid)
    assert w.doc.live.totals.mean == pytest.approx(ref, rel=1e-12)
    assert w.summary.loss_text() == fmt4(ref)


@pytest.mark.parametrize("fmt", ["csv", "tsv", "xlsx"])
def test_edit_save_as_and_reopen_in_a_fresh_window(fmt, tmp_path, window, make_window, qtbot, dialogs):
    w = window
    src = tmp_path / "extras.csv"
    src.write_bytes(_extras_csv())
    original = src.read_bytes()
    assert open_via_menu(w, qtbot, dialogs, src)
    make_edits(w)
    t = edited_table()
    check_loss_of(w, t)
    assert w.isWindowModified()

    out = tmp_path / f"saved.{fmt}"
    dialogs.answer("save", str(out))
    w.actions["save_as"].trigger()
    assert dialogs.of("warning") == []
    assert src.read_bytes() == original  # Save As leaves the opened file alone
    assert w.doc.source_path == str(out)
    assert w.windowTitle() == f"saved.{fmt}[*] — BCE Lab" and not w.isWindowModified()

    # The file, read without the app: every column, in the original order, with the edits.
    if fmt == "xlsx":
        import openpyxl

        sheet = openpyxl.load_workbook(out, read_only=True).worksheets[0]
        cells = [list(r) for r in sheet.iter_rows(values_only=True)]
        assert cells[0] == HEADER
        for i, row in enumerate(cells[1:]):
            assert row[0] == t["ids"][i] and row[1] == SEGMENTS[i]
            assert row[2] == t["y"][i] and isinstance(row[2], (int, float))
            assert row[3] == t["p_text"].get(i, t["p"][i])
            assert row[4] == (COMMENTS[i] or None)
    else:
        assert read_csv_rows(out, "\t" if fmt == "tsv" else ",") == expected_rows(t)

    # Reopened in a fresh window: the same values, typed text and extra columns.
    w2 = make_window(load_example=False)
    assert open_via_menu(w2, qtbot, dialogs, out)
    ds = w2.doc.dataset
    assert [str(v) for v in ds.ids] == t["ids"]
    np.testing.assert_array_equal(ds.actual.values, t["y"])
    expected_p = [math.nan if i in t["p_text"] else t["p"][i] for i in range(len(IDS))]
    np.testing.assert_array_equal(ds.predicted.values, expected_p)
    assert ds.predicted.text == t["p_text"] and ds.actual.text == {}
    assert {k: [str(v) for v in vals] for k, vals in ds.extras.items()} == {
        "segment": SEGMENTS, "comment": COMMENTS}
    check_loss_of(w2, t)
    assert_same(snapshot(ds), snapshot(w.doc.dataset))


def test_ctrl_s_saves_in_place_without_asking(tmp_path, window, qtbot, dialogs):
    w = window
    src = tmp_path / "extras.csv"
    src.write_bytes(_extras_csv())
    assert open_via_menu(w, qtbot, dialogs, src)
    make_edits(w)
    assert w.isWindowModified()
    press(qtbot, w, Qt.Key.Key_S)
    assert dialogs.of("save") == [] and dialogs.of("warning") == []
    assert read_csv_rows(src) == expected_rows(edited_table())
    assert not w.isWindowModified() and not w.doc.modified
    assert w.windowTitle() == "extras.csv[*] — BCE Lab"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no temp file left


def test_save_of_a_workbook_not_written_by_the_app_asks_where(tmp_path, window, qtbot, dialogs):
    w = window
    book = SHAPES[6].write(tmp_path)  # written by xlsxwriter here, with an extra column
    original = book.read_bytes()
    assert open_via_menu(w, qtbot, dialogs, book)
    set_cell(w, 1, "predicted", "0.3")
    out = tmp_path / "mine.xlsx"
    dialogs.answer("save", str(out))
    press(qtbot, w, Qt.Key.Key_S)
    assert len(dialogs.of("save")) == 1  # Ctrl+S became Save As: the workbook is not replaced
    assert book.read_bytes() == original
    ds, _ = read_table(out)
    p = list(P)
    p[1] = 0.3
    np.testing.assert_array_equal(ds.predicted.values, p)
    assert [str(v) for v in ds.extras["group"]] == SEGMENTS
    # A workbook the app wrote itself is saved in place.
    set_cell(w, 1, "predicted", "0.25")
    press(qtbot, w, Qt.Key.Key_S)
    assert len(dialogs.of("save")) == 1
    p[1] = 0.25
    np.testing.assert_array_equal(read_table(out)[0].predicted.values, p)
    assert not w.isWindowModified()


def test_save_as_without_a_suffix_uses_the_chosen_type_and_cancel_writes_nothing(tmp_path, window, qtbot, dialogs):
    w = window
    set_cell(w, 0, "predicted", "0.5")
    # The dialog cancelled: nothing written, still modified.
    assert w.files.save_as() is False
    assert not [p for p in tmp_path.iterdir() if p.suffix in (".csv", ".tsv", ".xlsx")]
    assert w.isWindowModified()
    dialogs.answer("save", str(tmp_path / "plain"))  # the stub answers with the first filter: CSV
    assert w.files.save_as() is True
    assert w.doc.source_path == str(tmp_path / "plain.csv")
    rows = read_csv_rows(tmp_path / "plain.csv")
    assert rows[0] == ["ID", "Actual", "Predicted"] and rows[1] == ["ID1", "1", "0.5"]


@pytest.mark.parametrize("typed, chosen, saved, kind", [
    ("f1.csv", "Excel workbook", "f1.xlsx", "xlsx"),
    ("f2.csv", "TSV", "f2.tsv", "\t"),
    ("f5.txt", "TSV", "f5.tsv", "\t"),
    ("f3.tsv", "semicolon", "f3.csv", ";"),
    ("f4.xlsx", "semicolon", "f4.csv", ";"),
    ("data.v2", "TSV", "data.v2.tsv", "\t"),
])
def test_save_as_writes_the_file_type_chosen_under_its_extension(typed, chosen, saved, kind, tmp_path,
                                                                    window, qtbot, dialogs):
    """Found by QA: "Excel workbook" chosen while the name stayed f1.csv wrote a comma CSV (TSV
    with f2.csv or f5.txt too). The type chosen decides, and the file gets its extension; the
    window's title, its unsaved state, Recent files and the next Ctrl+S follow that name."""
    w = window
    set_cell(w, 0, "predicted", "0.5")
    dialogs.answer("save", (str(tmp_path / typed), chosen))
    press(qtbot, w, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert dialogs.of("save") and not dialogs.of("warning")
    out = tmp_path / saved
    assert not (tmp_path / typed).exists() and out.exists()
    if kind == "xlsx":
        again, _info = read_table(out)
        assert again.ids.tolist()[:2] == ["ID1", "ID2"] and again.predicted.values[0] == 0.5
        import openpyxl

        sheet = openpyxl.load_workbook(out).active
        assert [c.value for c in sheet[2]] == ["ID1", 1, 0.5]
    else:
        rows = read_csv_rows(out, kind)
        decimal = "," if kind == ";" else "."
        assert rows[0] == ["ID", "Actual", "Predicted"] and rows[1] == ["ID1", "1", "0" + decimal + "5"]
    assert w.doc.source_path == str(out)
    assert w.windowTitle() == f"{saved}[*] — BCE Lab" and not w.isWindowModified()
    assert w.files.recent()[0] == str(out.resolve())
    assert f"the name typed was {typed}" in w.statusBar().currentMessage()
    # Ctrl+S now saves that file in place, in its type.
    set_cell(w, 1, "predicted", "0.25")
    before = len(dialogs.of("save"))
    press(qtbot, w, Qt.Key.Key_S)
    assert len(dialogs.of("save")) == before and not w.isWindowModified()
    assert read_table(out)[0].predicted.values[1] == 0.25
    assert not (tmp_path / typed).exists()


def test_save_as_keeps_the_typed_extension_when_the_type_was_left_as_offered(tmp_path, window, dialogs):
    """The type the dialog opened with, left alone: the name typed decides (x.tsv is TSV)."""
    w = window
    dialogs.answer("save", str(tmp_path / "x.tsv"))
    assert w.files.save_as()
    assert w.doc.source_path == str(tmp_path / "x.tsv")
    assert read_csv_rows(tmp_path / "x.tsv", "\t")[1] == ["ID1", "1", "0.94"]
    assert "typed" not in w.statusBar().currentMessage()


def test_save_as_asks_before_replacing_a_file_under_the_chosen_types_name(tmp_path, window, dialogs):
    """The dialog asked about f1.csv, not f1.xlsx: a file of that name is not replaced unasked."""
    w = window
    existing = tmp_path / "f1.xlsx"
    existing.write_bytes(b"keep me")
    set_cell(w, 0, "predicted", "0.5")
    dialogs.answer("save", (str(tmp_path / "f1.csv"), "Excel workbook"))
    assert w.files.save_as() is False  # answered No (the stub's default)
    question = dialogs.of("question")[-1]
    assert "f1.xlsx already exists" in question.text
    assert existing.read_bytes() == b"keep me" and not (tmp_path / "f1.csv").exists()
    assert w.isWindowModified() and w.doc.source_path is None
    dialogs.answer("save", (str(tmp_path / "f1.csv"), "Excel workbook"))
    dialogs.answer("question", SB.Yes)
    assert w.files.save_as() is True
    assert read_table(existing)[0].predicted.values[0] == 0.5
    assert w.doc.source_path == str(existing) and not w.isWindowModified()


def test_path_for_type():
    from bce_gui.ui.files import path_for_type

    assert path_for_type("/d/a.csv", "xlsx", "csv") == "/d/a.xlsx"
    assert path_for_type("/d/a.csv", "xlsx", "xlsx") == "/d/a.csv"  # the type offered: the name decides
    assert path_for_type("/d/a.tab", "tsv", "csv") == "/d/a.tab"  # an extension of the type chosen
    assert path_for_type("/d/a.csv", "csv;", "csv") == "/d/a.csv"
    assert path_for_type("/d/a", "tsv", "csv") == "/d/a.tsv"
    assert path_for_type("/d/a", None, "csv") == "/d/a.csv"
    assert path_for_type("/d/a.ods", "xlsx", "csv") == "/d/a.xlsx"


def test_a_failed_save_warns_once_and_keeps_everything(tmp_path, window, qtbot, dialogs):
    w = window
    src = tmp_path / "extras.csv"
    src.write_bytes(_extras_csv())
    assert open_via_menu(w, qtbot, dialogs, src)
    set_cell(w, 0, "predicted", "0.6")
    target = tmp_path / "no-such-folder" / "out.csv"
    dialogs.answer("save", str(target))
    w.actions["save_as"].trigger()
    warnings = dialogs.of("warning")
    assert len(warnings) == 1 and "out.csv" in warnings[0].text and warnings[0].title == "Cannot save"
    assert not target.exists()
    assert w.doc.source_path == str(src) and w.isWindowModified()
    assert w.windowTitle() == "extras.csv[*] — BCE Lab"
    assert w.doc.dataset.predicted.values[0] == 0.6


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # zipfile's __del__
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_disk_full_while_saving_warns_and_keeps_file_and_work(fmt, tmp_path, window, qtbot, dialogs, monkeypatch):
    import errno
    import os

    import bce_gui.core.io_write as io_write

    w = window
    target = tmp_path / f"data.{fmt}"
    dialogs.answer("save", str(target))
    assert w.files.save_as()  # a file the app wrote itself, so Ctrl+S saves in place
    original = target.read_bytes()
    set_cell(w, 0, "predicted", "0.5")
    real_fdopen = os.fdopen

    class FullDisk:
        def __init__(self, fh):
            self._fh, self._left = fh, 60  # the table is about 150 bytes as CSV

        def write(self, data):
            data = bytes(data)
            if len(data) > self._left:
                self._fh.write(data[: self._left])
                self._left = 0
                raise OSError(errno.ENOSPC, "No space left on device")
            self._left -= len(data)
            return self._fh.write(data)

        def __getattr__(self, name):
            return getattr(self._fh, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self._fh.close()

    monkeypatch.setattr(io_write.os, "fdopen", lambda fd, *a, **k: FullDisk(real_fdopen(fd, *a, **k)))
    press(qtbot, w, Qt.Key.Key_S)
    gc.collect()  # xlsxwriter's abandoned ZipFile complains when collected: let it happen here
    warnings = dialogs.of("warning")
    assert len(warnings) == 1 and warnings[0].title == "Cannot save"
    assert f"data.{fmt}" in warnings[0].text and "No space left" in warnings[0].text
    assert target.read_bytes() == original
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
    assert w.isWindowModified() and w.doc.dataset.predicted.values[0] == 0.5
    # The question at close still protects the work: Cancel keeps the window open.
    dialogs.answer("question", SB.Cancel)
    assert w.close() is False


# ---------------------------------------------------------------------------------------------
# Files that cannot be read; cancelling a load
# ---------------------------------------------------------------------------------------------

UNREADABLE = [
    ("prose.txt", b"The quick brown fox.\nIt jumped over the lazy dog.\nThen it ran.\n"),
    ("empty.csv", b""),
    ("blank.csv", b"\n \n\t\n"),
    ("blob.csv", bytes(range(256)) * 64),
    ("fake.xlsx", b"PK\x03\x04 a zip's first bytes, then no workbook"),  # (text would be read)
    ("one-column.csv", b"score\n0.5\n0.7\n"),
]


@pytest.mark.parametrize(("name", "content"), UNREADABLE, ids=[n for n, _ in UNREADABLE])
def test_unreadable_file_warns_once_and_keeps_the_data(name, content, tmp_path, window, qtbot, dialogs):
    w = window
    set_cell(w, 0, "predicted", "0.5")  # unsaved work that must survive the failed open
    before = snapshot(w.doc.dataset)
    recent = w.files.recent()
    path = tmp_path / name
    path.write_bytes(content)
    dialogs.answer("question", SB.Discard)
    dialogs.answer("open", str(path))
    with qtbot.assertNotEmitted(w.files.loadFinished, wait=100):
        w.actions["open"].trigger()
    warnings = dialogs.of("warning")
    assert len(warnings) == 1, warnings
    assert name in warnings[0].text
    assert_same(snapshot(w.doc.dataset), before)
    assert w.windowTitle() == "Worked example[*] — BCE Lab" and w.isWindowModified()
    assert w.files.recent() == recent and w.files.load is None


def test_file_broken_after_the_preview_rows_fails_in_the_background(tmp_path, window, qtbot, dialogs):
    # The preview reads the first megabyte; a badly quoted field after it is found only by the
    # full read in the background.
    w = window
    before = snapshot(w.doc.dataset)
    block = "".join(f"r{i},{i % 2},0.{i % 9 + 1}\n" for i in range(1000)).encode()
    path = tmp_path / "broken.csv"
    with open(path, "wb") as fh:
        fh.write(b"id,actual,predicted\n" + block * 500 + b'late,1,"0.5"x\n' + block)
    assert path.stat().st_size > 5_000_000
    assert open_via_menu(w, qtbot, dialogs, path) is False
    warnings = dialogs.of("warning")
    assert len(warnings) == 1 and "broken.csv" in warnings[0].text and "line 500002" in warnings[0].text
    assert_same(snapshot(w.doc.dataset), before)
    assert w.doc.source_path is None and w.windowTitle() == "Worked example[*] — BCE Lab"
    assert str(path.resolve()) not in w.files.recent()


def test_row_with_too_many_fields_after_the_preview_rows_is_listed_as_invalid(tmp_path, window,
                                                                              qtbot, dialogs):
    """The window takes the same ragged-row rule as compute: the row is invalid, never shifted."""
    w = window
    block = "".join(f"r{i},{i % 2},0.{i % 9 + 1}\n" for i in range(1000)).encode()
    path = tmp_path / "ragged.csv"
    with open(path, "wb") as fh:
        fh.write(b"id,actual,predicted\n" + block * 500 + b"late,1,0.5,surprise\n" + block)
    assert open_via_menu(w, qtbot, dialogs, path) is True
    assert not dialogs.of("warning")
    doc = w.doc
    row = 500_000  # data row of the file's line 500002
    assert doc.dataset.row_problems == {row: "4 fields, header has 3"}
    assert not doc.live.valid[row] and doc.live.validity.n_invalid == 1
    assert doc.live.totals.n == 501_000
    note = w.model.data(w.model.index(row, w.model.column_of("note")))
    assert "4 fields, header has 3" in note
    # Deleting rows above it keeps the mark on its row.
    from bce_gui.ui.commands import RemoveRowsCommand
    doc.undo_stack.push(RemoveRowsCommand(doc, np.array([0, 1])))
    assert doc.dataset.row_problems == {row - 2: "4 fields, header has 3"}
    assert not doc.live.valid[row - 2]
    doc.undo_stack.undo()
    assert doc.dataset.row_problems == {row: "4 fields, header has 3"} and not doc.live.valid[row]


def big_csv(path: Path, rows: int = 2_500_000) -> Path:
    """A CSV of ``rows`` rows, built fast from a repeated block (about 18 bytes a row)."""
    block = "".join(f"{i},{i % 2},0.{(i * 7919) % 1000:03d}\n" for i in range(1000)).encode()
    with open(path, "wb") as fh:
        fh.write(b"id,actual,predicted\n")
        fh.write(block * (rows // 1000))
    return path


def test_cancel_a_large_load_keeps_the_old_data(tmp_path, window, qtbot, dialogs):
    w = window
    set_cell(w, 1, "predicted", "0.3")
    before = snapshot(w.doc.dataset)
    big = big_csv(tmp_path / "big.csv")
    with qtbot.waitSignal(w.files.loadFinished, timeout=LOAD_TIMEOUT_MS) as blocker:
        assert w.files.open_path(str(big), ask=False)
        assert w.files.cancel_button.isVisible() and w.files.progress.isVisible()
        # A second open while one is running is refused, not queued.
        assert w.files.open_path(str(big), ask=False) is False
        qtbot.mouseClick(w.files.cancel_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [False]
    assert dialogs.calls == []  # no warning: cancelling is not an error
    assert_same(snapshot(w.doc.dataset), before)
    assert w.isWindowModified() and w.doc.undo_stack.count() == 1  # the undo history survives
    assert w.windowTitle() == "Worked example[*] — BCE Lab"
    assert not w.files.cancel_button.isVisible() and not w.files.progress.isVisible()
    assert "cancelled" in w.statusBar().currentMessage()
    assert str(big.resolve()) not in w.files.recent()


def test_cancel_reloading_the_open_file_reports_failure_and_keeps_its_data(tmp_path, window, qtbot, dialogs):
    w = window
    path = tmp_path / "data.csv"
    path.write_text(_lines(",", repr, ["id", "actual", "predicted"]))
    open_quietly(w, qtbot, path)
    before = snapshot(w.doc.dataset)
    big_csv(path)  # the file grew on disk; the user reopens it, then cancels
    with qtbot.waitSignal(w.files.loadFinished, timeout=LOAD_TIMEOUT_MS) as blocker:
        assert w.files.open_path(str(path), ask=False)
        w.files.cancel_load()
    assert blocker.args == [False]
    assert dialogs.calls == []
    assert_same(snapshot(w.doc.dataset), before)
    assert w.doc.live.totals.mean == pytest.approx(sk_loss(Y, P), rel=1e-12)


# ---------------------------------------------------------------------------------------------
# Unsaved changes: New, Open, closing the window, Quit
# ---------------------------------------------------------------------------------------------

ACTIONS = {"new": "starting a new table", "open": "opening another file", "close": "closing", "quit": "closing"}


@pytest.mark.parametrize("answer", [SB.Save, SB.Discard, SB.Cancel], ids=["save", "discard", "cancel"])
@pytest.mark.parametrize("how", list(ACTIONS))
def test_unsaved_changes_prompt(how, answer, tmp_path, window, qtbot, dialogs):
    w = window
    path = tmp_path / "data.csv"
    path.write_text(_lines(",", repr, ["id", "actual", "predicted"]))
    original = path.read_bytes()
    other = tmp_path / "other.csv"
    other.write_text("actual,predicted\n1,0.75\n0,0.5\n")
    open_quietly(w, qtbot, path)
    set_cell(w, 3, "predicted", "0.45")
    assert w.isWindowModified()

    dialogs.answer("question", answer)
    dialogs.answer("open", str(other))
    proceeds = answer != SB.Cancel
    if how == "new":
        w.actions["new"].trigger()
    elif how == "open":
        if proceeds:
            with qtbot.waitSignal(w.files.loadFinished, timeout=LOAD_TIMEOUT_MS):
                w.actions["open"].trigger()
        else:
            w.actions["open"].trigger()
    elif how == "close":
        assert w.close() is proceeds
    else:
        w.actions["quit"].trigger()

    questions = dialogs.of("question")
    assert len(questions) == 1
    assert "data.csv" in questions[0].text and ACTIONS[how] in questions[0].text

    saved = read_csv_rows(path)
    if answer == SB.Save:
        expected = [["id", "actual", "predicted"]] + [[i, str(y), repr(p)] for i, y, p in zip(IDS, Y, P)]
        expected[4][2] = "0.45"  # the edit is on disk, nothing else changed
        assert saved == expected
    else:
        assert path.read_bytes() == original

    if not proceeds:
        assert w.isVisible() and w.isWindowModified()
        assert w.doc.source_path == str(path) and w.doc.dataset.predicted.values[3] == 0.45
        assert dialogs.of("open") == []
        return
    if how == "new":
        assert len(w.doc) == 1 and w.summary.loss_text() == "—" and w.windowTitle() == "Untitled[*] — BCE Lab"
    elif how == "open":
        assert w.doc.source_path == str(other)
        assert w.doc.live.totals.mean == pytest.approx(sk_loss([1, 0], [0.75, 0.5]), rel=1e-12)
    else:
        assert not w.isVisible()
    if how in ("new", "open") or answer == SB.Save:
        assert not w.isWindowModified()


def test_save_answer_on_an_untitled_table_asks_where_and_cancel_there_stops(window, qtbot, dialogs, tmp_path):
    w = window  # the worked example has no file
    set_cell(w, 0, "predicted", "0.5")
    dialogs.answer("question", SB.Save)
    assert w.close() is False  # Save → Save As → the file dialog cancelled: nothing is lost
    assert w.isVisible() and len(dialogs.of("save")) == 1
    dialogs.answer("question", SB.Save)
    dialogs.answer("save", str(tmp_path / "kept.csv"))
    assert w.close() is True
    rows = read_csv_rows(tmp_path / "kept.csv")
    assert rows[1] == ["ID1", "1", "0.5"] and len(rows) == 11


def test_no_prompt_without_changes(window, qtbot, dialogs):
    w = window
    set_cell(w, 0, "predicted", "0.5")
    w.doc.undo_stack.undo()  # back to the saved state: nothing to ask about
    assert not w.isWindowModified()
    w.actions["new"].trigger()
    assert dialogs.of("question") == [] and len(w.doc) == 1


# ---------------------------------------------------------------------------------------------
# Window title
# ---------------------------------------------------------------------------------------------


def test_title_shows_file_name_and_modified_marker(tmp_path, window, qtbot, dialogs):
    w = window
    assert w.windowTitle() == "Worked example[*] — BCE Lab" and not w.isWindowModified()
    path = tmp_path / "scores.csv"
    path.write_text(_lines(",", repr, ["id", "actual", "predicted"]))
    assert open_via_menu(w, qtbot, dialogs, path)
    assert w.windowTitle() == "scores.csv[*] — BCE Lab" and not w.isWindowModified()
    set_cell(w, 0, "predicted", "0.8")
    assert w.isWindowModified()
    w.doc.undo_stack.undo()
    assert not w.isWindowModified()
    w.doc.undo_stack.redo()
    assert w.isWindowModified()
    press(qtbot, w, Qt.Key.Key_S)
    assert not w.isWindowModified()
    set_cell(w, 1, "predicted", "0.1")
    dialogs.answer("save", str(tmp_path / "renamed.tsv"))
    w.actions["save_as"].trigger()
    assert w.windowTitle() == "renamed.tsv[*] — BCE Lab" and not w.isWindowModified()
    w.doc.undo_stack.undo()  # before the save point: modified again
    assert w.isWindowModified()


# ---------------------------------------------------------------------------------------------
# Exports
# ---------------------------------------------------------------------------------------------

BAD_ROW = 3  # its predicted cell holds text: excluded from the loss


@pytest.fixture
def scored(tmp_path, window, qtbot, dialogs):
    """The window showing scores.csv: IDS/Y/P with one typed-text probability."""
    path = tmp_path / "scores.csv"
    cells = [repr(p) for p in P]
    cells[BAD_ROW] = "high"
    path.write_text("id,actual,predicted\n" + "".join(f"{i},{y},{c}\n" for i, y, c in zip(IDS, Y, cells)))
    assert open_via_menu(window, qtbot, dialogs, path)
    return window, path


def valid_rows() -> list[int]:
    return [i for i in range(len(IDS)) if i != BAD_ROW]


def expected_loss() -> float:
    return sk_loss([Y[i] for i in valid_rows()], [P[i] for i in valid_rows()])


def export(w, dialogs, action: str, path: Path) -> None:
    dialogs.answer("save", str(path))
    modified = w.isWindowModified()
    w.actions[action].trigger()
    assert dialogs.of("warning") == []
    assert path.exists() and path.stat().st_size > 0
    # An export is not a save: the document, its file and its state are untouched.
    assert w.isWindowModified() == modified and w.doc.source_path.endswith("scores.csv")


def test_export_results_csv_matches_the_formulas(scored, tmp_path, dialogs):
    w, _src = scored
    out = tmp_path / "results.csv"
    export(w, dialogs, "export_results", out)
    assert dialogs.of("save")[0].text == str(tmp_path / "scores-results.csv")  # the suggested name
    with open(out, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == ["id", "actual", "predicted", "corrected_probability",
                                     "ln_corrected_probability", "row_loss", "row_loss_bits",
                                     "status"]
        rows = list(reader)
    assert [r["id"] for r in rows] == IDS
    for i, r in enumerate(rows):
        assert r["actual"] == str(Y[i])
        if i == BAD_ROW:
            assert r["predicted"] == "high"
            assert r["corrected_probability"] == r["ln_corrected_probability"] == r["row_loss"] == ""
            assert r["status"] != "valid" and "predicted" in r["status"]
            continue
        c = corrected(Y[i], P[i])
        assert r["predicted"] == repr(P[i]) and r["status"] == "valid"
        assert float(r["corrected_probability"]) == pytest.approx(c, rel=1e-15)
        assert float(r["ln_corrected_probability"]) == pytest.approx(math.log(c), rel=1e-12)
        assert float(r["row_loss"]) == pytest.approx(-math.log(c), rel=1e-12)
        assert float(r["row_loss_bits"]) == pytest.approx(-math.log2(c), rel=1e-12)
    mean = sum(float(r["row_loss"]) for r in rows if r["row_loss"]) / len(valid_rows())
    assert mean == pytest.approx(expected_loss(), rel=1e-12)


def test_results_say_an_infinite_row_as_the_table_does_and_open_again(window, qtbot, dialogs,
                                                                      tmp_path):
    """Found by the team: a row of infinite loss (p = 0 for its actual class) had the status
    ``valid`` in the results CSV, while the table's Note column says why its loss is infinite.
    The export says the same words, gives the loss in bits too, and opens again as the table."""
    w = window
    src = tmp_path / "scores.csv"
    src.write_text("id,actual,predicted\na,1,0.9\nb,1,0\nc,0,0.25\n", encoding="utf-8")
    assert open_via_menu(w, qtbot, dialogs, src)
    note = w.model.data(w.model.index(1, w.model.column_of("note")))
    assert note.startswith("infinite")
    out = tmp_path / "results.csv"
    export(w, dialogs, "export_results", out)
    with open(out, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["status"] for r in rows] == ["valid", f"valid; {note}", "valid"]
    assert float(rows[1]["row_loss"]) == float(rows[1]["row_loss_bits"]) == math.inf
    assert float(rows[2]["row_loss_bits"]) == pytest.approx(-math.log2(0.75), rel=1e-15)
    assert open_via_menu(w, qtbot, dialogs, out)
    assert w.doc.dataset.schema.model.columns == ("predicted",)
    assert w.doc.live.totals.mean == math.inf
    assert w.model.data(w.model.index(1, w.model.column_of("note"))) == note


def test_export_summary_json_has_the_schema_of_compute_json(scored, tmp_path, dialogs, capsys):
    from bce_gui import cli

    w, src = scored
    out = tmp_path / "summary.json"
    export(w, dialogs, "export_summary", out)
    exported = json.loads(out.read_text("utf-8"))
    capsys.readouterr()
    assert cli.main(["compute", str(src), "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert set(exported) == set(printed)
    assert exported == printed  # same file, same default options: the same summary
    assert exported["loss"] == pytest.approx(expected_loss(), rel=1e-12)
    assert exported["n"] == len(valid_rows()) and exported["n_invalid"] == 1
    assert exported["invalid"][0]["row"] == BAD_ROW + 2 and exported["invalid"][0]["value"] == "high"
    assert exported["source"] == str(src)


def test_export_plot_png_and_svg(scored, tmp_path, dialogs):
    w, _src = scored
    png = tmp_path / "curve.png"
    export(w, dialogs, "export_plot", png)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    image = QImage(str(png))
    assert not image.isNull()
    assert image.width() == 1200 and 100 < image.height() < 5000

    svg = tmp_path / "curve.svg"
    export(w, dialogs, "export_plot", svg)
    root = ET.parse(svg).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    size = w.plot.plot.size()
    assert root.get("viewBox").split() == ["0", "0", str(size.width()), str(size.height())]
    assert len(list(root.iter())) > 10  # something was drawn


def test_export_report_html_and_pdf(scored, tmp_path, dialogs):
    w, _src = scored
    page = tmp_path / "report.html"
    export(w, dialogs, "export_report", page)
    html = page.read_text("utf-8")
    loss = expected_loss()
    assert f"{loss:.4g} nats" in html  # to the precision the window shows
    assert "scores.csv" in html
    assert "data:image/png;base64," in html  # the plot is embedded: the page stands alone
    # The worst rows, largest row loss first, computed here from the formula.
    worst = sorted(valid_rows(), key=lambda i: math.log(corrected(Y[i], P[i])))
    section = html[html.index("worst rows"):]
    section = section[:section.index("</table>")]
    positions = [section.index(f"<td>{IDS[i]}</td>") for i in worst]
    assert positions == sorted(positions)
    assert f"<td>{IDS[BAD_ROW]}</td>" not in section
    assert f"{-math.log(corrected(Y[worst[0]], P[worst[0]])):.5g}" in section
    assert "Invalid rows (1" in html and "high" in html

    pdf = tmp_path / "report.pdf"
    export(w, dialogs, "export_report", pdf)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-") and b"%%EOF" in data[-64:]
    assert len(data) > 5000  # a page with the plot image, not an empty document


def test_export_failure_warns_naming_the_file(scored, tmp_path, dialogs):
    w, _src = scored
    dialogs.answer("save", str(tmp_path / "missing" / "results.csv"))
    w.actions["export_results"].trigger()
    warnings = dialogs.of("warning")
    assert len(warnings) == 1 and "results.csv" in warnings[0].text
    assert warnings[0].title == "Cannot export results"
    assert not (tmp_path / "missing").exists()


def test_cancelled_export_writes_nothing(scored, tmp_path, dialogs):
    w, _src = scored
    before = set(tmp_path.iterdir())
    for action in ("export_results", "export_summary", "export_plot", "export_report"):
        w.actions[action].trigger()  # no answer queued: the file dialog is cancelled
    assert len(dialogs.of("save")) == 4 and dialogs.of("warning") == []
    assert set(tmp_path.iterdir()) == before


# ---------------------------------------------------------------------------------------------
# Recent files
# ---------------------------------------------------------------------------------------------


def recent_entries(w) -> list[tuple[str, str]]:
    w.recent_menu.aboutToShow.emit()  # what showing the menu does
    return [(a.text(), a.toolTip()) for a in w.recent_menu.actions() if not a.isSeparator()]


def test_recent_files_menu_lists_opened_files_and_opens_them(tmp_path, window, make_window, qtbot, dialogs):
    w = window
    assert recent_entries(w)[0][0] == "(no recent files)"
    a = tmp_path / "a.csv"
    a.write_text(_lines(",", repr, ["id", "actual", "predicted"]))
    b = tmp_path / "b.csv"
    b.write_text("actual,predicted\n1,0.75\n0,0.5\n")
    assert open_via_menu(w, qtbot, dialogs, a)
    assert open_via_menu(w, qtbot, dialogs, b)
    entries = recent_entries(w)
    assert entries[:2] == [("&1 b.csv", str(b.resolve())), ("&2 a.csv", str(a.resolve()))]
    assert entries[2][0] == "&Clear list"

    # Opening from the menu asks about unsaved changes first, then opens.
    set_cell(w, 0, "predicted", "0.6")
    dialogs.answer("question", SB.Discard)
    item = next(act for act in w.recent_menu.actions() if act.text() == "&2 a.csv")
    with qtbot.waitSignal(w.files.loadFinished, timeout=LOAD_TIMEOUT_MS) as blocker:
        item.trigger()
    assert blocker.args == [True] and len(dialogs.of("question")) == 1
    assert w.doc.source_path == str(a.resolve())
    assert w.doc.live.totals.mean == pytest.approx(sk_loss(Y, P), rel=1e-12)
    assert [t for t, _ in recent_entries(w)[:2]] == ["&1 a.csv", "&2 b.csv"]

    # The list is kept in the settings: a new window shows it too.
    w2 = make_window(load_example=False)
    assert [t for t, _ in recent_entries(w2)[:2]] == ["&1 a.csv", "&2 b.csv"]

    # A recent file that has gone away: one warning, nothing changes.
    b.unlink()
    before = snapshot(w.doc.dataset)
    item = next(act for act in w.recent_menu.actions() if act.text() == "&2 b.csv")
    with qtbot.assertNotEmitted(w.files.loadFinished, wait=100):
        item.trigger()
    warnings = dialogs.of("warning")
    assert len(warnings) == 1 and "b.csv" in warnings[0].text
    assert_same(snapshot(w.doc.dataset), before)

    w.actions["clear_recent"].trigger()
    assert recent_entries(w)[0][0] == "(no recent files)"
    assert not w.recent_menu.actions()[0].isEnabled()


def test_recent_list_has_no_duplicates_and_at_most_eight(tmp_path, window):
    w = window
    paths = [tmp_path / f"f{i}.csv" for i in range(11)]
    for p in paths:
        w.files.add_recent(str(p))
    w.files.add_recent(str(paths[5]))
    expected = [paths[5], paths[10], paths[9], paths[8], paths[7], paths[6], paths[4], paths[3]]
    assert w.files.recent() == [str(p) for p in expected]


# ---------------------------------------------------------------------------------------------
# Autosave and recovery (in the process; tests/e2e/test_recovery.py kills a real one)
# ---------------------------------------------------------------------------------------------


def written(folder: Path, name: str) -> Path | None:
    """The recovery file ``name`` an instance wrote in its own folder under ``folder``, if any."""
    found = sorted(folder.glob(f"*/{name}"))
    assert len(found) <= 1, found
    return found[0] if found else None


def wait_for_autosave(qtbot, folder: Path) -> None:
    qtbot.waitUntil(lambda: bool(written(folder, "recovery.json") and written(folder, "recovery.csv")),
                    timeout=10_000)


def ends_without_cleaning_up(w) -> None:
    """The first window's process ends leaving its recovery files (as a crash or a SIGTERM
    does): its folder is no longer locked by a living instance."""
    w.files.close_recovery(keep=True)


def test_autosave_writes_recovery_and_saving_removes_it(tmp_path, window, qtbot, dialogs, recovery_folder):
    w = window
    path = tmp_path / "data.csv"
    path.write_text(_lines(",", repr, ["id", "actual", "predicted"]))
    open_quietly(w, qtbot, path)
    set_cell(w, 2, "predicted", "0.15")
    assert written(recovery_folder, "recovery.json") is None  # not at once: after a pause
    wait_for_autosave(qtbot, recovery_folder)
    assert written(recovery_folder, "recovery.csv").parent == w.files.recovery.folder  # its own
    rows = read_csv_rows(written(recovery_folder, "recovery.csv"))
    assert rows[3] == ["c3", "1", "0.15"] and len(rows) == 7
    meta = json.loads(written(recovery_folder, "recovery.json").read_text("utf-8"))
    assert meta["source_path"] == str(path) and meta["rows"] == 6
    assert path.read_text().splitlines()[3] == "c3,1,0.65"  # the file itself is not touched
    # Going back to the saved state needs no recovery.
    w.doc.undo_stack.undo()
    assert written(recovery_folder, "recovery.json") is None
    w.doc.undo_stack.redo()
    wait_for_autosave(qtbot, recovery_folder)
    press(qtbot, w, Qt.Key.Key_S)
    assert written(recovery_folder, "recovery.json") is None
    assert written(recovery_folder, "recovery.csv") is None


@pytest.mark.parametrize("answer", ["yes", "no", "unanswered"])
def test_next_start_offers_the_autosaved_work(answer, tmp_path, window, make_window, qtbot, dialogs,
                                              recovery_folder, monkeypatch):
    w = window
    path = tmp_path / "data.csv"
    path.write_text(_lines(",", repr, ["id", "actual", "predicted"]))
    open_quietly(w, qtbot, path)
    panel = w.settings_panel
    panel.policy.setCurrentIndex(panel.policy.findData("sklearn"))
    assert w.doc.options.policy.name == "sklearn"
    set_cell(w, 4, "predicted", "0")  # p = 0 for actual 1: finite only because sklearn clips
    set_cell(w, 0, "id", "first")
    wait_for_autosave(qtbot, recovery_folder)
    edited = snapshot(w.doc.dataset)
    ends_without_cleaning_up(w)

    # The next start (a new window on default settings) finds the autosaved work.
    w2 = make_window(load_example=False)
    if answer != "unanswered":
        dialogs.answer("question", SB.Yes if answer == "yes" else SB.No)
    restored = w2.files.offer_recovery()
    questions = dialogs.of("question")
    assert len(questions) == 1 and "data.csv" in questions[0].text and "6 rows" in questions[0].text
    assert questions[0].title == "Restore unsaved work?"
    if answer != "yes":  # an unanswered question is answered No by the stub
        assert restored is False
        assert written(recovery_folder, "recovery.json") is None
        assert len(w2.doc) == 0 and not w2.isWindowModified()
        return
    assert restored is True
    assert_same(snapshot(w2.doc.dataset), edited)
    assert w2.doc.source_path == str(path)
    assert w2.windowTitle() == "data.csv[*] — BCE Lab" and w2.isWindowModified()
    assert w2.doc.options.policy.name == "sklearn"
    assert w2.settings_panel.policy.currentData() == "sklearn"  # the panel shows what is used
    eps = np.finfo(np.float64).eps
    p = list(P)
    p[4] = 0.0
    ref = float(log_loss(Y, np.clip(p, eps, 1 - eps), labels=[0, 1]))
    assert w2.doc.live.totals.mean == pytest.approx(ref, rel=1e-12)
    # Saving the restored work writes the original file and ends the recovery.
    w2.activateWindow()  # Ctrl+S goes to the active window: this one, not the first
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w2)
    press(qtbot, w2, Qt.Key.Key_S)
    assert not w2.doc.modified
    assert read_csv_rows(path)[1] == ["first", "1", "0.9"] and read_csv_rows(path)[5] == ["e5", "1", "0"]
    assert written(recovery_folder, "recovery.json") is None


def test_work_on_a_file_with_columns_mapped_by_hand_is_restored(tmp_path, window, make_window, qtbot, dialogs,
                                                               recovery_folder, monkeypatch, import_dialogs):
    # Column names the importer does not know: the user maps them in the import preview.
    w = window
    path = tmp_path / "clicks.csv"
    path.write_text("confidence,clicked,who\n" + "".join(f"{p!r},{y},{i}\n" for i, y, p in zip(IDS, Y, P)))

    def exec_(self):
        import_dialogs.append(self)
        boxes = self.role_boxes
        for role, name in (("actual", "clicked"), ("predicted", "confidence"), ("id", "who")):
            boxes[role].setCurrentIndex(boxes[role].findData(name))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
        return self.result()

    monkeypatch.setattr(ImportDialog, "exec", exec_)
    assert open_via_menu(w, qtbot, dialogs, path)
    assert len(import_dialogs) == 1
    set_cell(w, 2, "predicted", "0.3")
    wait_for_autosave(qtbot, recovery_folder)
    edited = snapshot(w.doc.dataset)
    ends_without_cleaning_up(w)

    w2 = make_window(load_example=False)
    dialogs.answer("question", SB.Yes)
    assert w2.files.offer_recovery() is True
    assert dialogs.of("warning") == []
    assert_same(snapshot(w2.doc.dataset), edited)
    p = list(P)
    p[2] = 0.3
    assert w2.doc.live.totals.mean == pytest.approx(sk_loss(Y, p), rel=1e-12)


@pytest.mark.parametrize("name", ["old.xls", "calc.ods"])
def test_save_as_a_spreadsheet_type_the_app_cannot_write_is_refused(name, tmp_path, window, qtbot, dialogs):
    # Saving CSV text under a spreadsheet's name would give a file the app itself cannot open.
    w = window
    set_cell(w, 0, "predicted", "0.5")
    target = tmp_path / name
    dialogs.answer("save", str(target))
    assert w.files.save_as() is False
    warnings = dialogs.of("warning")
    assert len(warnings) == 1 and name in warnings[0].text and ".xlsx" in warnings[0].text
    assert not target.exists()
    assert w.isWindowModified() and w.doc.source_path is None


def test_ctrl_s_on_an_xls_workbook_never_overwrites_it_with_csv(tmp_path, window, qtbot, dialogs):
    # As if book.xls had been opened: Ctrl+S goes to Save As (a foreign workbook), which
    # suggests book.xlsx, a type it can write; typing the .xls name back must not replace the
    # workbook with CSV text.
    w = window
    book = tmp_path / "book.xls"
    book.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))  # an OLE2 (Excel 97) header
    original = book.read_bytes()
    w.doc.source_path = str(book)
    set_cell(w, 0, "predicted", "0.5")
    dialogs.answer("save", str(book))
    press(qtbot, w, Qt.Key.Key_S)
    assert dialogs.of("save")[0].text == str(book.with_suffix(".xlsx"))  # the suggested name
    assert dialogs.of("save")[0].selected_filter == "Excel workbook (*.xlsx)"
    assert len(dialogs.of("warning")) == 1
    assert book.read_bytes() == original
    assert w.isWindowModified()


@pytest.mark.parametrize("k_classes", [False, True])
def test_recovery_brings_back_every_model(k_classes, tmp_path, window, make_window, qtbot, dialogs,
                                          recovery_folder):
    """A table holding two models (issue 12) comes back from recovery with both models, not
    with the second model's columns as plain extra columns."""
    from bce_gui.ui.main_window import load_multiclass_example
    from bce_gui.ui.model_actions import NEW_COLUMN

    w = window
    if k_classes:
        w.doc.set_dataset(load_multiclass_example())
        ids = w.doc.dataset.ids.tolist()
        classes = w.doc.dataset.schema.task.classes
        other = tmp_path / "other.csv"
        other.write_text("id," + ",".join(f"p_{c}" for c in classes) + "\n"
                         + "".join(f"{i}," + ",".join(["0.25", "0.25", "0.5"]) + "\n" for i in ids))
        w.model_actions.join_predictions(str(other))
        qtbot.waitUntil(lambda: not w.model_actions.joining, timeout=10_000)
    else:
        w.model_actions.add_model_column(NEW_COLUMN)
    assert w.doc.n_models == 2
    models = w.doc.dataset.schema.models
    w.doc.mark_unsaved()  # unsaved work
    w.files.write_recovery()
    wait_for_autosave(qtbot, recovery_folder)
    ends_without_cleaning_up(w)
    w2 = make_window(load_example=False)
    dialogs.answer("question", SB.Yes)
    assert w2.files.offer_recovery()
    back = w2.doc.dataset.schema
    assert back.models == models and w2.doc.n_models == 2
    for m in models[1:]:
        for c in m.columns:
            np.testing.assert_array_equal(w2.doc.dataset.columns[c].values, w.doc.dataset.columns[c].values)


def test_import_preview_says_which_of_two_candidate_columns_it_took(tmp_path, qtbot):
    """y_pred (a class) beside y_proba: the preview opens, takes y_proba and says so; choosing
    y_pred instead is one click, and the note goes."""
    path = tmp_path / "sk.csv"
    path.write_text("y_true,y_pred,y_proba\n1,1,0.9\n0,0,0.2\n1,0,0.4\n0,0,0.3\n")
    preview = preview_table(path)
    assert preview.needs_confirmation
    dialog = ImportDialog(str(path), preview, ReadOptions())
    qtbot.addWidget(dialog)
    assert dialog.mapping() == {"actual": "y_true", "predicted": "y_proba"}
    assert dialog.message.text() == "'y_pred' could also be the predicted probability; 'y_proba' was used."
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert ok.isEnabled()
    boxes = dialog.role_boxes
    boxes["predicted"].setCurrentIndex(boxes["predicted"].findData("y_pred"))
    assert ok.isEnabled() and dialog.mapping()["predicted"] == "y_pred"
    assert dialog.message.text() == ""


def test_import_preview_note_comes_from_the_choice_not_the_warning(tmp_path, qtbot):
    """The preview's note is the detected choice's sentence (core data), not a cut of
    compute's warning: without the warning text the dialog says the same."""
    path = tmp_path / "sk.csv"
    path.write_text("y_true,y_pred,y_proba\n1,1,0.9\n0,0,0.2\n1,0,0.4\n0,0,0.3\n")
    preview = preview_table(path)
    preview.info.warnings.clear()
    dialog = ImportDialog(str(path), preview, ReadOptions())
    qtbot.addWidget(dialog)
    assert dialog.message.text() == "'y_pred' could also be the predicted probability; 'y_proba' was used."


def test_reopening_a_table_saved_with_several_models_says_how_to_compare_them(tmp_path, window, qtbot):
    """A second model's column reads back as an extra column: the status bar names it and the
    way to compare it (an extra column of text or of numbers beyond [0, 1] is not named)."""
    from bce_gui.core.compare import prediction_like_extras

    path = tmp_path / "models.csv"
    path.write_text("id,actual,predicted,Model 2,note,count\n"
                    "a,1,0.9,0.8,fine,3\nb,0,0.2,0.35,odd,12\nc,1,0.6,,fine,7\n")
    w = window
    with qtbot.waitSignal(w.files.loadFinished, timeout=20_000):
        assert w.files.open_path(str(path), ask=False, confirm_import=False)
    assert prediction_like_extras(w.doc.dataset) == ["Model 2"]
    message = w.statusBar().currentMessage()
    assert ("Model 2 looks like another model's probabilities: Edit → Add model column compares"
            in message)
    assert "note" not in message.split(";")[-1] and "count" not in message
