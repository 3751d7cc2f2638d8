"""Help > About: the version, the licences of the components BCE Lab is built from, and where the
settings and recovery files live.

In an installed bundle the component list and licence texts come from ``resources/licenses``,
written at build time from exactly what was bundled (``packaging/bce_licenses.py``). Run from
source, they are read from the installed distributions' metadata (importlib.metadata).
"""

from __future__ import annotations

import json
import platform
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QSettings, QSize, Qt, qVersion
from PySide6.QtGui import QGuiApplication, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from .. import __version__
from ..licences import licence_expression
from ..resources import resource_path
from .files import recovery_dir
from .widgets import fit_dialog, scrolling

#: Distribution names as pip normalises them.
APP_DIST = "bce-lab"
LICENCE_FILE = re.compile(r"(LICEN[CS]E|COPYING|NOTICE)", re.I)


@dataclass
class Component:
    name: str
    version: str
    license: str
    summary: str = ""
    homepage: str = ""
    note: str = ""
    #: (label, path) of each licence text.
    texts: list[tuple[str, Path]] = field(default_factory=list)

    def licence_text(self) -> str:
        parts = []
        for label, path in self.texts:
            try:
                body = path.read_text("utf-8", errors="replace")
            except OSError as exc:
                body = f"(cannot read {path}: {exc})"
            parts.append(f"===== {label} =====\n{body.rstrip()}\n")
        return "\n".join(parts)


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _bundled_list() -> Path | None:
    try:
        listing = resource_path("licenses", "components.json")
    except FileNotFoundError:
        return None
    return listing if listing.is_file() else None


def _from_bundle(listing: Path) -> list[Component]:
    base = listing.parent
    comps = []
    for entry in json.loads(listing.read_text("utf-8")):
        comps.append(Component(
            name=entry["name"], version=entry.get("version", ""), license=entry.get("license", ""),
            summary=entry.get("summary", ""), homepage=entry.get("homepage", ""), note=entry.get("note", ""),
            texts=[(rel.split("/")[-1], base / rel) for rel in entry.get("files", [])],
        ))
    return comps


def _runtime_closure() -> list[str]:
    """BCE Lab and the distributions it needs at run time (extras and markers respected)."""
    from importlib import metadata

    try:
        from packaging.requirements import Requirement
    except ImportError:  # pragma: no cover - packaging comes with pip/setuptools
        Requirement = None  # noqa: N806

    seen: dict[str, str] = {}
    todo = [APP_DIST]
    while todo:
        name = todo.pop()
        key = _norm(name)
        if key in seen:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        seen[key] = dist.metadata["Name"]
        for req in dist.requires or []:
            if Requirement is not None:
                try:
                    parsed = Requirement(req)
                except Exception:  # noqa: BLE001 - an odd requirement string: skip it
                    continue
                if parsed.marker is not None and not parsed.marker.evaluate({"extra": ""}):
                    continue
                todo.append(parsed.name)
            elif "extra ==" not in req:
                todo.append(re.split(r"[\s;<>=!~\[(]", req, maxsplit=1)[0])
    return list(seen.values())


def _repo_licence_texts() -> Path | None:
    here = Path(__file__).resolve().parents[2] / "packaging" / "licenses"
    return here if here.is_dir() else None


def _from_metadata() -> list[Component]:
    from importlib import metadata

    fallback = {
        APP_DIST: ["BCE-Lab-MIT.txt"],
        "pyside6-essentials": ["LGPL-3.0.txt", "GPL-3.0.txt"],
        "shiboken6": ["LGPL-3.0.txt", "GPL-3.0.txt"],
    }
    kept = _repo_licence_texts()
    comps = []
    for name in _runtime_closure():
        dist = metadata.distribution(name)
        meta = dist.metadata
        texts = []
        for f in dist.files or []:
            parts = Path(str(f)).parts
            if parts and parts[0].endswith(".dist-info") and ("licenses" in parts or LICENCE_FILE.search(parts[-1])):
                texts.append((parts[-1], Path(str(f.locate()))))
        if not texts and kept is not None:
            texts = [(t, kept / t) for t in fallback.get(_norm(name), []) if (kept / t).is_file()]
        comps.append(Component(
            name=meta["Name"], version=dist.version,
            license="MIT" if _norm(name) == APP_DIST and not meta.get("License-Expression") else licence_expression(meta),
            summary=(meta.get("Summary") or "").strip(), texts=texts,
        ))
    comps.sort(key=lambda c: (_norm(c.name) != APP_DIST, c.name.lower()))
    import sysconfig

    py_licence = Path(sysconfig.get_paths()["stdlib"]) / "LICENSE.txt"
    comps.append(Component(
        name="Python", version=platform.python_version(), license="PSF-2.0",
        summary="The Python interpreter and standard library.",
        texts=[("LICENSE.txt", py_licence)] if py_licence.is_file() else [],
    ))
    return comps


def bundled_components() -> list[Component]:
    """What BCE Lab is built from, with licences: from the bundle, else from the environment."""
    listing = _bundled_list()
    if listing is not None:
        try:
            return _from_bundle(listing)
        except (OSError, ValueError, KeyError):
            pass
    return _from_metadata()


def file_locations(settings: QSettings) -> dict[str, str]:
    return {
        "Settings file": settings.fileName(),
        "Recovery folder": str(recovery_dir()),
    }


class AboutDialog(QDialog):
    """Version, credits and licences, and where BCE Lab keeps its files; a Copy button."""

    def __init__(self, settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle("About BCE Lab")
        self.settings = settings
        self.components = bundled_components()
        self.locations = file_locations(settings)

        header = QHBoxLayout()
        logo = QLabel()
        for name in ("bce-lab-128.png", "bce-lab.svg"):
            try:
                pix = QPixmap(str(resource_path("icons", name)))
            except FileNotFoundError:
                pix = QPixmap()
            if not pix.isNull():
                logo.setPixmap(pix.scaled(72, 72, Qt.AspectRatioMode.KeepAspectRatio,
                                          Qt.TransformationMode.SmoothTransformation))
                break
        header.addWidget(logo, 0, Qt.AlignmentFlag.AlignTop)
        self.title = QLabel(
            f"<h2>BCE Lab {__version__}</h2>"
            "<p>Compute, inspect and explain binary cross-entropy (log loss), offline.</p>"
            f"<p>MIT licence. Python {platform.python_version()}, Qt {qVersion()}, "
            f"{'installed bundle' if getattr(sys, 'frozen', False) else 'run from Python'} "
            f"on {platform.system() or sys.platform}.</p>"
        )
        self.title.setObjectName("aboutVersion")
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        header.addWidget(self.title, 1)

        where = QGroupBox("Where BCE Lab keeps your files")
        form = QFormLayout(where)
        self.path_fields: dict[str, QLineEdit] = {}
        for label, value in self.locations.items():
            edit = QLineEdit(value)
            edit.setReadOnly(True)
            edit.setObjectName("settingsPath" if label.startswith("Settings") else "recoveryPath")
            edit.setAccessibleName(label)
            edit.setCursorPosition(0)
            form.addRow(label, edit)
            self.path_fields[label] = edit

        comps_box = QGroupBox("Components and their licences")
        self.table = QTableWidget(len(self.components), 3)
        self.table.setObjectName("components")
        self.table.setAccessibleName("Bundled components")
        self.table.setHorizontalHeaderLabels(["Component", "Version", "Licence"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # read-only: Tab goes on to the licence text
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        for row, comp in enumerate(self.components):
            shown = "BCE Lab" if _norm(comp.name) == APP_DIST else comp.name
            for col, text in enumerate((shown, comp.version, comp.license)):
                item = QTableWidgetItem(text)
                item.setToolTip(comp.summary or text)
                self.table.setItem(row, col, item)
        hdr = self.table.horizontalHeader()
        hdr.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        hdr.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        hdr.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.licence = QPlainTextEdit()
        self.licence.setObjectName("licenceText")
        self.licence.setAccessibleName("Licence text")
        self.licence.setReadOnly(True)
        self.licence.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.licence)
        box_layout = QVBoxLayout(comps_box)
        box_layout.addWidget(split)
        self.table.currentCellChanged.connect(lambda row, *_: self.show_component(row))

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton("&Copy")
        self.copy_button.setObjectName("copyButton")
        self.copy_button.setToolTip("Copy the version, file locations and component list")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy_to_clipboard)
        buttons.rejected.connect(self.reject)

        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 0, 0)
        body_layout.addLayout(header)
        body_layout.addWidget(where)
        body_layout.addWidget(comps_box, 1)
        # On a small screen (or at a large scale) the body scrolls: Close and Copy stay in view.
        layout = QVBoxLayout(self)
        layout.addWidget(scrolling(body, "About BCE Lab"), 1)
        layout.addWidget(buttons)
        fit_dialog(self, QSize(720, 640))
        if self.components:
            self.table.selectRow(0)
            self.show_component(0)

    def show_component(self, row: int) -> None:
        if not 0 <= row < len(self.components):
            return
        comp = self.components[row]
        lines = [f"{comp.name} {comp.version}", f"Licence: {comp.license}"]
        if comp.summary:
            lines.append(comp.summary)
        if comp.note:
            lines.append(comp.note)
        if comp.homepage:
            lines.append(comp.homepage)
        text = comp.licence_text()
        self.licence.setPlainText("\n".join(lines) + "\n\n" + (text or "(no licence text shipped)"))

    def report_text(self) -> str:
        lines = [
            f"BCE Lab {__version__}",
            f"Python {platform.python_version()}, Qt {qVersion()}, {platform.platform()}",
        ]
        lines += [f"{label}: {value}" for label, value in self.locations.items()]
        lines.append("Components:")
        lines += [f"  {c.name} {c.version} ({c.license})" for c in self.components]
        return "\n".join(lines) + "\n"

    def copy_to_clipboard(self) -> None:
        QGuiApplication.clipboard().setText(self.report_text())
        self.copy_button.setText("Copied")
