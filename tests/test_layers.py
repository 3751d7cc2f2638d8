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


# ---------------------------------------------------------------------------------------------
# The ui computes no loss: no logarithms, exponentials, unit conversions or shares in bce_gui/ui
# ---------------------------------------------------------------------------------------------

UI = ROOT / "bce_gui" / "ui"

#: numpy functions the ui may call: building, indexing, masking, ordering and counting arrays
#: (which points to draw, which rows a view shows). Anything else (np.log, np.exp, np.logaddexp,
#: np.power, np.divide, np.clip, np.mean, ...) is arithmetic on values and belongs in the core.
UI_NUMPY_ALLOWED = {
    # arrays and their types
    "ndarray", "asarray", "array", "atleast_1d", "empty", "zeros", "ones", "full", "arange", "linspace",
    "int16", "int32", "int64", "float64", "bool_", "inf", "nan", "errstate",
    # indices and masks
    "where", "flatnonzero", "nonzero", "unique", "union1d", "concatenate", "diff", "minimum",
    "isnan", "isfinite", "isinf", "isposinf", "array_equal",
    # ordering and picking (the worst rows to draw exactly, the row under a click)
    "sort", "argsort", "argpartition", "argmax", "max", "min",
    # counting rows per density bin
    "count_nonzero", "bincount", "add.at", "subtract.at",
}
#: math functions the ui may call: pixel sizes and tests for special values.
UI_MATH_ALLOWED = {"ceil", "floor", "isfinite", "isnan", "isinf", "inf", "nan"}
#: Core names the ui must not import: per-row numbers come from core.row_values, the summary's
#: from core.summary_view, both already in the chosen units.
UI_CORE_FORBIDDEN = {"to_units", "LN2", "row_terms", "row_losses", "terms_for_rows", "class_log_probs"}


def ui_sources() -> list[Path]:
    return sorted(UI.rglob("*.py"))


def _dotted(node: ast.AST) -> str | None:
    """"np.add.at" for the expression np.add.at (None for anything but names and attributes)."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def ui_math_uses(tree: ast.AST) -> list[str]:
    """Every use of numpy or math outside the allowed lists, and every forbidden core import."""
    numpy_names, math_names = {"np", "numpy"}, {"math"}
    bad: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "numpy":
                    numpy_names.add(alias.asname or "numpy")
                if alias.name == "math":
                    math_names.add(alias.asname or "math")
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            for alias in node.names:
                if module in ("numpy", "math") and alias.name not in (
                        UI_NUMPY_ALLOWED if module == "numpy" else UI_MATH_ALLOWED):
                    bad.append(f"from {module} import {alias.name}")
                if alias.name in UI_CORE_FORBIDDEN:
                    bad.append(f"from {'.' * node.level}{module} import {alias.name}")
        elif isinstance(node, ast.Attribute) and not isinstance(getattr(node, "parent", None), ast.Attribute):
            name = _dotted(node)
            if name is None:
                continue
            head, _, rest = name.partition(".")
            if head in numpy_names and rest and rest not in UI_NUMPY_ALLOWED:
                bad.append(name)
            elif head in math_names and rest and rest not in UI_MATH_ALLOWED:
                bad.append(name)
            elif rest and rest.split(".")[-1] in UI_CORE_FORBIDDEN:
                bad.append(name)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            right = _dotted(node.right) or ""
            if right.split(".")[-1] in UI_CORE_FORBIDDEN:
                bad.append(f"… / {right}")
    return bad


def _parse_with_parents(source: str) -> ast.AST:
    tree = ast.parse(source)
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            child.parent = node
    return tree


def test_ui_has_modules():
    names = {p.stem for p in ui_sources()}
    assert {"table_model", "summary_panel", "penalty_plot", "main_window"} <= names


@pytest.mark.parametrize("path", ui_sources(), ids=lambda p: p.name)
def test_ui_computes_no_loss(path):
    tree = _parse_with_parents(path.read_text(encoding="utf-8"))
    assert ui_math_uses(tree) == [], f"{path.name}: compute these in bce_gui/core"


@pytest.mark.parametrize("snippet", [
    "import numpy as np\nx = np.log(p)",
    "import numpy as np\nx = -np.log1p(-p)",
    "import numpy as np\nx = np.exp(-np.logaddexp(0.0, -z))",
    "import numpy\nx = numpy.log2(p)",
    "import numpy as np\nx = np.clip(p, 1e-7, 1 - 1e-7)",
    "import math\nx = math.log(p)",
    "import math\nbits = loss / math.log(2)",
    "from numpy import log1p\nx = log1p(p)",
    "from ..core.loss import LN2\nbits = loss / LN2",
    "from ..core.loss import to_units\nbits = to_units(loss, 'bits')",
    "from ..core import loss\nbits = x / loss.LN2",
    "from ..core.evaluate import terms_for_rows",
])
def test_the_ui_scan_would_catch_loss_arithmetic(snippet):
    assert ui_math_uses(_parse_with_parents(snippet)) != []


@pytest.mark.parametrize("snippet", [
    "import numpy as np\nrows = np.flatnonzero(np.isnan(loss))",
    "import numpy as np\nworst = np.argpartition(keyed, keyed.size - 300)[keyed.size - 300:]",
    "import numpy as np\nnp.add.at(counts, codes[codes >= 0], 1)",
    "import math\nwidth = math.ceil(w * ratio)",
])
def test_the_ui_scan_lets_structural_numpy_pass(snippet):
    assert ui_math_uses(_parse_with_parents(snippet)) == []
