"""Save keeps a file's dialect; Save As and the results export offer one that suits the locale."""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest
from PySide6.QtCore import QLocale, Qt

from bce_gui.core.dataset import Dataset

LOAD_TIMEOUT_MS = 20_000
GERMAN_EXCEL = "ID;Tatsächlich;Vorhersage\r\nKöln;1;0,94\r\nMünchen;0;0,1\r\nBonn;1;0,5\r\n"


@pytest.fixture
def german():
    before = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.German, QLocale.Country.Germany))
    yield
    QLocale.setDefault(before)


def open_file(w, qtbot, path) -> None:
    with qtbot.waitSignal(w.files.loadFinished, timeout=LOAD_TIMEOUT_MS) as blocker:
        assert w.files.open_path(str(path), ask=False, confirm_import=False)
    assert blocker.args == [True]


def german_file(tmp_path):
    src = tmp_path / "de.csv"
    src.write_bytes(GERMAN_EXCEL.replace("Tatsächlich", "actual").replace("Vorhersage", "p")
                    .encode("cp1252"))
    return src


def set_cell(w, row: int, key: str, text: str) -> None:
    m = w.model
    assert m.setData(m.index(row, m.column_of(key)), text, Qt.ItemDataRole.EditRole)


def rows_of(raw: bytes, delimiter: str, encoding: str = "utf-8-sig") -> list[list[str]]:
    return list(csv.reader(io.StringIO(raw.decode(encoding), newline=""), delimiter=delimiter))


def test_ctrl_s_keeps_delimiter_decimal_mark_encoding_and_line_ends(window, qtbot, tmp_path, dialogs):
    """Saving rewrote a ';', decimal-comma file as ',' and '.' without a word."""
    w = window
    src = german_file(tmp_path)
    original = src.read_bytes()
    open_file(w, qtbot, src)
    set_cell(w, 1, "predicted", "0.25")  # typed with a point: saved with the file's comma
    qtbot.keyClick(w.obs_view, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert dialogs.of("save") == [] and dialogs.of("warning") == []
    assert src.read_bytes() == original.replace(b"0,1\r\n", b"0,25\r\n")
    message = w.statusBar().currentMessage()
    assert "semicolon-separated, decimal comma, Windows-1252, CRLF" in message


def test_save_as_offers_the_files_dialect_first_and_writes_utf8_with_a_bom(window, qtbot, tmp_path, dialogs):
    w = window
    src = german_file(tmp_path)
    open_file(w, qtbot, src)
    out = tmp_path / "copy.csv"
    dialogs.answer("save", str(out))  # the first file type offered
    assert w.files.save_as()
    offered = dialogs.of("save")[0].filters.split(";;")
    assert offered[0] == "CSV, semicolon-separated, decimal comma (*.csv)"
    assert "CSV, comma-separated, decimal point (*.csv)" in offered and "Excel workbook (*.xlsx)" in offered
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Köln is not ASCII: Excel needs the BOM to see UTF-8
    assert rows_of(raw, ";")[1] == ["Köln", "1", "0,94"]
    assert raw.count(b"\r\n") == 4  # the file's line ends

    plain = tmp_path / "plain.csv"
    dialogs.answer("save", (str(plain), "comma-separated"))  # the other dialect, chosen
    assert w.files.save_as()
    assert rows_of(plain.read_bytes(), ",")[1] == ["Köln", "1", "0.94"]
    # ... and Ctrl+S keeps that one now.
    set_cell(w, 0, "predicted", "0,5")
    assert w.files.save()
    assert rows_of(plain.read_bytes(), ",")[1] == ["Köln", "1", "0.5"]


@pytest.mark.parametrize("locale_decimal", [",", "."])
def test_save_as_default_follows_the_locale(locale_decimal, window, qtbot, tmp_path, dialogs, request):
    if locale_decimal == ",":
        request.getfixturevalue("german")
    w = window
    w.set_number_format("system")
    out = tmp_path / "new.csv"
    dialogs.answer("save", str(out))
    assert w.files.save_as()
    raw = out.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")  # the worked example is ASCII: no BOM needed
    if locale_decimal == ",":
        assert rows_of(raw, ";")[1] == ["ID1", "1", "0,94"]
    else:
        assert rows_of(raw, ",")[1] == ["ID1", "1", "0.94"]


def test_results_export_suits_a_german_excel(german, window, qtbot, tmp_path, dialogs):
    w = window
    w.doc.set_dataset(Dataset.from_arrays([1, 0], [0.94, 0.25], ids=["東京", "الرياض"]))
    out = tmp_path / "results.csv"
    dialogs.answer("save", str(out))
    w.actions["export_results"].trigger()
    assert dialogs.of("save")[0].filters.split(";;")[0].startswith("CSV, semicolon-separated")
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = rows_of(raw, ";")
    assert [r[0] for r in rows[1:]] == ["東京", "الرياض"]
    assert [r[2] for r in rows[1:]] == ["0,94", "0,25"]
    losses = [float(r[5].replace(",", ".")) for r in rows[1:]]
    np.testing.assert_allclose(losses, [-np.log(0.94), -np.log(0.75)], rtol=1e-15)
    assert "decimal comma" in w.statusBar().currentMessage()

    english = tmp_path / "results-en.csv"
    dialogs.answer("save", (str(english), "comma-separated"))
    w.actions["export_results"].trigger()
    rows = rows_of(english.read_bytes(), ",")
    assert [r[2] for r in rows[1:]] == ["0.94", "0.25"]
