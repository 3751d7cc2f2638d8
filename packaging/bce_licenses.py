"""Gather the licences of everything a bundle contains, at build time.

Used by ``bce-lab.spec`` after PyInstaller's analysis: the Python distributions whose modules
were bundled (found from the analysis, not from a hand-kept list), the Python runtime, the
PyInstaller bootloader and, where dpkg knows them, the system libraries that were copied in.
Writes ``components.json`` and the licence texts into one folder, which the spec bundles as
``resources/licenses`` and the About dialog reads. Runs with the standard library only.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import sysconfig
from importlib import metadata
from pathlib import Path

from bce_gui.licences import licence_expression

HERE = Path(__file__).resolve().parent
KEPT = HERE / "licenses"  # texts kept in the repository for distributions that ship none

#: Distributions whose wheels carry no licence text: texts kept in packaging/licenses.
FALLBACK_TEXTS = {
    "bce-lab": ["BCE-Lab-MIT.txt"],
    "pyside6-essentials": ["LGPL-3.0.txt", "GPL-3.0.txt"],
    "shiboken6": ["LGPL-3.0.txt", "GPL-3.0.txt"],
}
NOTES = {
    "pyside6-essentials": "Qt for Python and the Qt libraries, used under the LGPL-3.0 as separate, "
    "replaceable shared libraries. Qt includes third-party code under permissive licences "
    "(listed in Qt's documentation, 'Licenses Used in Qt').",
    "shiboken6": "Qt for Python's binding generator runtime, used under the LGPL-3.0.",
    "pyinstaller": "Only the bootloader (the small program that starts the bundle) is included; "
    "its licence (GPL-2.0-or-later with the bootloader exception) allows any licence for the "
    "bundled program.",
}
LICENCE_NAME = re.compile(r"(LICEN[CS]E|COPYING|NOTICE|AUTHORS)", re.I)


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def distributions_for(top_level_names: set[str]) -> list[str]:
    """Distribution names providing any of these top-level modules/packages."""
    mapping = metadata.packages_distributions()
    found: set[str] = set()
    for top in top_level_names:
        for dist in mapping.get(top, []):
            found.add(dist)
    return sorted(found, key=str.lower)


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name)


def _copy_text(src: Path, out: Path, folder: str, rel_name: str, used: set[str]) -> str | None:
    try:
        data = src.read_bytes()
    except OSError:
        return None
    name = _safe(rel_name)
    while f"{folder}/{name}" in used:
        name = "_" + name
    rel = f"{folder}/{name}"
    used.add(rel)
    (out / folder).mkdir(parents=True, exist_ok=True)
    (out / rel).write_bytes(data)
    return rel


def python_component(out: Path, used: set[str]) -> dict:
    files = []
    for cand in (Path(sysconfig.get_paths()["stdlib"]) / "LICENSE.txt", Path(sys.base_prefix) / "LICENSE.txt"):
        if cand.is_file():
            rel = _copy_text(cand, out, "python", "LICENSE.txt", used)
            if rel:
                files.append(rel)
            break
    return {
        "name": "Python",
        "version": sys.version.split()[0],
        "license": "PSF-2.0",
        "summary": "The Python interpreter and standard library, bundled so no Python is needed.",
        "homepage": "https://www.python.org/",
        "files": files,
    }


def dist_component(dist_name: str, out: Path, used: set[str]) -> dict:
    dist = metadata.distribution(dist_name)
    meta = dist.metadata
    name = meta["Name"]
    key = _norm(name)
    folder = _safe(key)
    files = []
    for f in dist.files or []:
        parts = Path(str(f)).parts
        in_dist_info = parts and parts[0].endswith(".dist-info")
        if not in_dist_info:
            continue
        if "licenses" in parts or LICENCE_NAME.search(parts[-1]):
            rel_name = "_".join(parts[2:] if len(parts) > 2 and parts[1] == "licenses" else parts[1:])
            rel = _copy_text(Path(str(f.locate())), out, folder, rel_name, used)
            if rel:
                files.append(rel)
    if not files:
        for text in FALLBACK_TEXTS.get(key, []):
            rel = _copy_text(KEPT / text, out, folder, text, used)
            if rel:
                files.append(rel)
    home = meta.get("Home-page") or ""
    for url in meta.get_all("Project-URL") or []:
        label, _, link = url.partition(",")
        if not home or label.strip().lower() in ("homepage", "home", "source"):
            home = home or link.strip()
    entry = {
        "name": name,
        "version": dist.version,
        "license": licence_expression(meta),
        "summary": (meta.get("Summary") or "").strip(),
        "homepage": home.strip(),
        "files": files,
    }
    if key in NOTES:
        entry["note"] = NOTES[key]
    return entry


def _dpkg_owner(path: Path) -> str | None:
    for cand in dict.fromkeys((str(path), str(path.resolve()))):
        try:
            proc = subprocess.run(["dpkg", "-S", cand], capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            return None
        if proc.returncode == 0 and proc.stdout:
            return proc.stdout.split(":", 1)[0].strip()
    # Debian's merged /usr: /lib/x86_64-linux-gnu is recorded as /usr/lib/... or the other way.
    text = str(path)
    alt = text[4:] if text.startswith("/usr/lib/") else ("/usr" + text if text.startswith("/lib/") else None)
    if alt:
        proc = subprocess.run(["dpkg", "-S", alt], capture_output=True, text=True, timeout=30)
        if proc.returncode == 0 and proc.stdout:
            return proc.stdout.split(":", 1)[0].strip()
    return None


def system_components(binary_sources: list[str], out: Path, used: set[str]) -> list[dict]:
    """Debian packages that the bundled system libraries came from, with their copyright files."""
    if not sys.platform.startswith("linux") or not shutil.which("dpkg"):
        return []
    owners: dict[str, list[str]] = {}
    for src in binary_sources:
        p = Path(src)
        if not (str(p).startswith(("/usr/", "/lib"))):
            continue
        pkg = _dpkg_owner(p)
        if pkg:
            owners.setdefault(pkg, []).append(p.name)
    comps = []
    for pkg, libs in sorted(owners.items()):
        proc = subprocess.run(
            ["dpkg-query", "-W", "-f=${Version}", pkg], capture_output=True, text=True, timeout=30
        )
        files = []
        copyright_file = Path("/usr/share/doc") / pkg / "copyright"
        if copyright_file.is_file():
            rel = _copy_text(copyright_file, out, f"system/{_safe(pkg)}", "copyright", used)
            if rel:
                files.append(rel)
        comps.append({
            "name": pkg,
            "version": proc.stdout.strip(),
            "license": "see copyright file",
            "summary": "System library bundled from Debian: " + ", ".join(sorted(set(libs))),
            "homepage": "",
            "files": files,
        })
    return comps


def gather(top_level_names: set[str], binary_sources: list[str], out: Path) -> list[dict]:
    """Write ``components.json`` and licence texts into ``out``; return the components."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    used: set[str] = set()
    dists = distributions_for(top_level_names)
    names = {_norm(d) for d in dists}
    comps = []
    if "bce-lab" not in names:
        dists.insert(0, "bce-lab")
    # The app first, then its libraries alphabetically, then the runtime and the bootloader.
    dists.sort(key=lambda d: (_norm(d) != "bce-lab", d.lower()))
    for d in dists:
        comps.append(dist_component(d, out, used))
    comps.append(python_component(out, used))
    try:
        comps.append(dist_component("pyinstaller", out, used))
        comps[-1]["name"] = "PyInstaller bootloader"
        comps[-1]["license"] = "GPL-2.0-or-later WITH Bootloader-exception"
    except metadata.PackageNotFoundError:
        pass
    comps += system_components(binary_sources, out, used)
    (out / "components.json").write_text(json.dumps(comps, indent=1), encoding="utf-8")
    return comps


def project_version(pyproject: Path) -> str:
    """``[project] version`` of pyproject.toml."""
    import tomllib

    with open(pyproject, "rb") as fh:
        return tomllib.load(fh)["project"]["version"]
