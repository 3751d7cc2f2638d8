"""Guard against the PySide6 6.12.0 / Python 3.11 crash (Fatal Python error: none_dealloc).

That release aborts the whole process after a few thousand calls of Qt methods that return
nothing; pytest then dies with exit code 134 and no message. Making 20,000 such calls here means a
regression (a bad pin, a bad wheel) fails loudly in this test instead of killing a random one.
"""

import sys

import PySide6
from PySide6.QtWidgets import QLabel


def test_pyside_version_is_not_the_crashing_one():
    version = tuple(int(x) for x in PySide6.__version__.split(".")[:2])
    if sys.version_info < (3, 12):
        assert version != (6, 12), f"PySide6 {PySide6.__version__} aborts on Python 3.11"


def test_twenty_thousand_void_calls(qtbot):
    label = QLabel()
    qtbot.addWidget(label)
    for i in range(20_000):
        label.setText(str(i))  # returns None: the call that used to crash
        label.resize(100 + i % 7, 20)
        label.update()
    assert label.text() == "19999"
    assert label.width() == 100 + 19_999 % 7
