"""Layering: the core (bce_gui.core) never touches Qt or pyqtgraph.

Two independent checks: importing every core module in a fresh interpreter loads no Qt module,
and no core source file contains an import of one (which also catches imports inside functions
that a plain import would not run).
"""

from __future__ import annotations

import ast
import json
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORE = ROOT / "bce_gui" / "core"
FORBIDDEN = ("PySide6", "PySide2", "PyQt5", "PyQt6", "pyqtgraph", "shiboken6", "QtCore", "QtGui", "QtWidgets", "qtpy")


def core_modules() -> list[str]:
    names = [f"bce_gui.core.{m.name}" for m in pkgutil.iter_modules([str(CORE)])]
    return ["bce_gui.core", *sorted(names)]


def core_sources() -> list[Path]:
    return sorted(CORE.rglob("*.py"))


def test_core_has_modules():
    modules = core_modules()
    # Guard the guard: an empty list would make the tests below pass vacuously.
    for expected in ("io", "columns", "dataset", "loss", "evaluate", "validation"):
        assert f"bce_gui.core.{expected}" in modules


def test_importing_every_core_module_loads_no_qt():
    script = (
        "import importlib, json, sys\n"
        f"for name in {core_modules()!r}:\n"
        "    importlib.import_module(name)\n"
        f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r})\n"
        "print(json.dumps(bad))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == []


def test_command_line_module_loads_no_qt():
    script = (
        "import json, sys\n"
        "import bce_gui.cli, bce_gui.launch, bce_gui.__main__\n"
        f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r})\n"
        "print(json.dumps(bad))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == []


def _imported_names(tree: ast.AST) -> list[str]:
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.append(node.module or "")
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.Call):
            # importlib.import_module("PySide6") / __import__("pyqtgraph")
            func = node.func
            fname = getattr(func, "attr", None) or getattr(func, "id", None)
            if fname in ("import_module", "__import__") and node.args:
                arg = node.args[0]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    names.append(arg.value)
    return names


@pytest.mark.parametrize("path", core_sources(), ids=lambda p: p.name)
def test_core_source_imports_no_qt(path):
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source, filename=str(path))
    for name in _imported_names(tree):
        parts = set(name.split("."))
        assert not parts & set(FORBIDDEN), f"{path.name} imports {name}"
    # A plain-text scan too, for import statements in strings handed to exec and the like.
    pattern = re.compile(r"^\s*(from|import)\s+[\w.]*(PySide6|pyqtgraph|QtCore)", re.M)
    match = pattern.search(source)
    assert match is None, f"{path.name}: {match.group(0).strip() if match else ''}"


def test_the_static_scan_would_catch_a_qt_import():
    tree = ast.parse(
        "def f():\n"
        "    from PySide6.QtCore import QObject\n"
        "    import pyqtgraph as pg\n"
        "    importlib.import_module('PySide6.QtWidgets')\n"
    )
    names = _imported_names(tree)
    assert "PySide6.QtCore" in names and "pyqtgraph" in names and "PySide6.QtWidgets" in names
