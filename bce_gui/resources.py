"""Find files under ``resources/``: in a source tree, an installed package, or a frozen bundle."""

from __future__ import annotations

import sys
from pathlib import Path


def resources_dir() -> Path:
    """The folder holding icons, example data and the .desktop entry."""
    candidates = []
    bundle = getattr(sys, "_MEIPASS", None)  # PyInstaller's unpack folder
    if bundle:
        candidates.append(Path(bundle) / "resources")
    here = Path(__file__).resolve().parent
    candidates += [here.parent / "resources", here / "resources"]
    for c in candidates:
        if c.is_dir():
            return c
    raise FileNotFoundError("BCE Lab's resources folder is missing from this installation")


def resource_path(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


def worked_example_path() -> Path:
    return resource_path("examples", "worked_example.csv")


def multiclass_example_path() -> Path:
    """Twelve fruit photos, three classes (apple, banana, cherry): the worked K-class example."""
    return resource_path("examples", "multiclass_example.csv")
