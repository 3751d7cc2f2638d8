"""What a screen reader hears: every control is named, every shown number is in what it reads.

The tree of the window's widgets is walked as an assistive technology sees it (through
``QAccessible``): each visible interactive widget must have a name, and each visible widget that
shows a number must expose that number in its accessible name, description or value.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QProgressBar,
    QScrollBar,
    QWidget,
)

from bce_gui.core.dataset import Dataset
from bce_gui.ui import penalty_plot

NUMBER = re.compile(r"\d+(?:[.,]\d+)*(?:e[−+-]?\d+)?")
INTERACTIVE = (QAbstractButton, QAbstractSpinBox, QComboBox, QLineEdit, QAbstractItemView,
               QAbstractScrollArea, QProgressBar)


def accessible_texts(widget: QWidget) -> tuple[str, str]:
    """(name, everything read: name, description and value)."""
    iface = QAccessible.queryAccessibleInterface(widget)
    assert iface is not None, widget
    T = QAccessible.Text
    name = iface.text(T.Name)
    return name, " ".join((name, iface.text(T.Description), iface.text(T.Value)))


def internal(widget: QWidget) -> bool:
    """Parts of a compound widget that assistive technology reaches through their owner."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, (QAbstractSpinBox, QComboBox)):
            return True
        if isinstance(parent, QAbstractScrollArea) and isinstance(widget, QScrollBar):
            return True
        parent = parent.parentWidget()
    return isinstance(widget, QScrollBar)


def walk_problems(window) -> list[str]:
    problems = []
    for widget in window.findChildren(QWidget):
        if not widget.isVisibleTo(window) or internal(widget):
            continue
        name, heard = accessible_texts(widget)
        kind = f"{type(widget).__name__} {widget.objectName() or ''}".strip()
        interactive = isinstance(widget, INTERACTIVE) and widget.focusPolicy() != widget.focusPolicy().NoFocus
        if interactive and not name.strip():
            problems.append(f"{kind}: no accessible name")
        if isinstance(widget, QLabel) and not widget.buddy():
            shown = widget.text()
            if "<" in shown:  # rich text: compare what is shown, not the markup
                shown = re.sub(r"<[^>]+>", "", shown).replace("&nbsp;", " ")
            for number in NUMBER.findall(shown):
                if number not in heard:
                    problems.append(f"{kind} shows {number!r} but reads {heard!r}")
    return problems


def test_the_worked_example_is_heard_with_its_numbers(window):
    w = window
    assert walk_problems(w) == []
    name, _ = accessible_texts(w.summary.loss_label)
    assert name == "Final loss: 0.214 nats per observation"
    name, _ = accessible_texts(w.summary.formula_label)
    assert name.startswith("Formula: ") and "(1/10)(−2.140) = 0.214" in name


def test_an_infinite_loss_and_its_buttons_are_heard(window):
    w = window
    w.doc.set_dataset(Dataset.from_arrays([1, 0, 1], [0.0, 0.3, 0.8], ids=["a", "b", "c"]))
    assert w.summary.clip_button.isVisibleTo(w)
    assert walk_problems(w) == []
    assert accessible_texts(w.summary.loss_label)[0] == "Final loss: ∞ nats per observation"


def test_the_density_plot_note_and_table_corner_are_heard(window, monkeypatch):
    monkeypatch.setattr(penalty_plot, "MAX_POINTS", 50)
    w = window
    rng = np.random.default_rng(2)
    w.doc.set_dataset(Dataset.from_arrays((rng.random(400) < 0.5).astype(float), rng.uniform(0.01, 0.99, 400)))
    w.plot.refresh()
    assert w.plot.density_mode and w.plot.note.text()
    assert walk_problems(w) == []
    corner = w.obs_view.findChild(QAbstractButton)
    assert accessible_texts(corner)[0] == "Select all cells"


def test_the_tab_bar_of_the_plots_is_named(window):
    """Tab lands on the tab bar, which had no accessible name (found by a QA pass). Qt's own
    accessible tab list is named after its current tab whatever the widget's name, inside the
    tab widget "Plots and statistics"; each tab reads its title and its shortcut."""
    w = window
    bar = w.views.tabBar()
    assert bar.accessibleName() == "Plots and statistics tabs"
    iface = QAccessible.queryAccessibleInterface(bar)
    assert iface.parent().text(QAccessible.Text.Name) == "Plots and statistics"
    tabs = [iface.child(i) for i in range(iface.childCount())]
    heard = [(t.text(QAccessible.Text.Name), t.text(QAccessible.Text.Description)) for t in tabs]
    assert ("Compare", "Compare (Ctrl+8)") in heard and ("Penalty curve", "Penalty curve (Ctrl+3)") in heard


@pytest.mark.parametrize("units", ["bits"])
def test_the_loss_is_heard_in_the_units_shown(window, units):
    w = window
    w.set_units(units)
    assert accessible_texts(w.summary.loss_label)[0] == "Final loss: 0.3087 bits per observation"
    assert walk_problems(w) == []


def test_the_about_and_import_dialogs_are_heard(window, tmp_path, qtbot):
    w = window
    w.about()
    qtbot.waitExposed(w.about_dialog)
    assert walk_problems(w.about_dialog) == []
    w.about_dialog.close()

    from bce_gui.core.io import ReadOptions, preview_table
    from bce_gui.ui.import_dialog import ImportDialog

    src = tmp_path / "de.csv"
    src.write_text("a;b\n1;0,94\n0;0,1\n", encoding="utf-8")
    dialog = ImportDialog(str(src), preview_table(src, ReadOptions()), ReadOptions(), w)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert walk_problems(dialog) == []
