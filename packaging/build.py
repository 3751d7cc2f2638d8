"""Build BCE Lab's self-contained bundle, and on Linux its .deb package.

    python packaging/build.py                 # what `make package` runs (after setting up .venv)
    python packaging/build.py --no-deb        # the bundle only

Steps: render the icons if the SVG changed, run PyInstaller on ``packaging/bce-lab.spec`` into
``dist/bce-lab/`` (one folder: the program, Python, Qt and the libraries), then
* on Linux, ``dist/bce-lab_<version>_<arch>.deb``: the bundle under /opt/bce-lab, the launcher
  /usr/bin/bce-lab, the menu entry, icons at every size, and the licences;
* on Windows and macOS, ``dist/bce-lab-<version>-<platform>.zip`` of the bundle (the folder,
  or "BCE Lab.app"). These are not built or tested by this project.

The version is pyproject.toml's ``[project] version``. Nothing here downloads anything.
Standard library only (PyInstaller is run as ``python -m PyInstaller``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import bce_licenses  # noqa: E402
import render_icons  # noqa: E402

NAME = "bce-lab"
SPEC = HERE / "bce-lab.spec"
LINUX = HERE / "linux"
ICON_SIZES = render_icons.SIZES

#: Libraries the bundle may need from the system but this machine lacks: their Debian packages.
KNOWN_PACKAGES = {
    "libwayland-client.so.0": "libwayland-client0",
    "libwayland-cursor.so.0": "libwayland-cursor0",
    "libwayland-egl.so.1": "libwayland-egl1",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libGLX.so.0": "libglx0",
    "libGLdispatch.so.0": "libglvnd0",
    "libOpenGL.so.0": "libopengl0",
    "libxcb.so.1": "libxcb1",
    "libdrm.so.2": "libdrm2",
}


def say(msg: str) -> None:
    print(f"package: {msg}", flush=True)


def debian_version(version: str) -> str:
    """PEP 440 to Debian: pre-releases sort before the release (1.0rc1 -> 1.0~rc1)."""
    v = re.sub(r"\.?(a|b|rc|alpha|beta|dev)(\d*)", r"~\1\2", version)
    return v


def du_bytes(path: Path) -> int:
    total = 0
    for p in path.rglob("*"):
        if p.is_file() and not p.is_symlink():
            total += p.stat().st_size
    return total


# -- the bundle -----------------------------------------------------------------------------------


def build_bundle(dist: Path, work: Path) -> Path:
    if render_icons.stale():
        say("rendering icons from resources/icons/bce-lab.svg")
        render_icons.render()
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        raise SystemExit(
            "package: PyInstaller is missing; run `make package`, or "
            f"{sys.executable} -m pip install -e '.[package]'"
        )
    env = dict(os.environ, BCE_LAB_PACKAGE_WORK=str(work))
    cmd = [
        sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
        "--distpath", str(dist), "--workpath", str(work / "pyinstaller"), str(SPEC),
    ]
    say("building the bundle with PyInstaller (about a minute)")
    subprocess.run(cmd, check=True, env=env, cwd=ROOT)
    bundle = dist / NAME
    if not bundle.is_dir():
        raise SystemExit(f"package: PyInstaller made no {bundle}")
    return bundle


# -- the Debian package ---------------------------------------------------------------------------


def deb_arch() -> str:
    if shutil.which("dpkg"):
        out = subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True)
        if out.returncode == 0 and out.stdout.strip():
            return out.stdout.strip()
    return {"x86_64": "amd64", "aarch64": "arm64", "armv7l": "armhf"}.get(platform.machine(), platform.machine())


def _is_elf(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(4) == b"\x7fELF"
    except OSError:
        return False


def system_dependencies(bundle: Path) -> tuple[list[str], list[str]]:
    """Debian packages of the libraries the bundle takes from the system (Depends), and those only
    the Wayland plugins need (Recommends: without them the app still runs, through X11/XWayland)."""
    internal = bundle / "_internal"
    lib_path = ":".join(str(p) for p in (internal, internal / "PySide6" / "Qt" / "lib"))
    env = dict(os.environ, LD_LIBRARY_PATH=lib_path)
    core: set[str] = set()
    wayland: set[str] = set()
    for f in sorted(bundle.rglob("*")):
        if not f.is_file() or f.is_symlink() or not _is_elf(f):
            continue
        proc = subprocess.run(["ldd", str(f)], capture_output=True, text=True, env=env)
        group = wayland if "wayland" in str(f.relative_to(bundle)).lower() or "WlShell" in f.name else core
        for line in proc.stdout.splitlines():
            m = re.match(r"\s*(\S+)\s+=>\s+(\S+)", line)
            if not m:
                continue
            name, where = m.groups()
            if where.startswith(str(bundle)):
                continue
            group.add(f"{name}\t{where}")
    glibc = (os.confstr("CS_GNU_LIBC_VERSION") or "glibc 2.31").split()[-1]

    def packages(entries: set[str]) -> set[str]:
        pkgs = set()
        for entry in entries:
            name, where = entry.split("\t")
            pkg = None
            if where != "not":
                pkg = bce_licenses._dpkg_owner(Path(where))
            pkg = pkg or KNOWN_PACKAGES.get(name)
            if pkg:
                pkgs.add(pkg.split(":")[0])
            else:
                say(f"warning: no Debian package known for {name} ({where})")
        return pkgs

    core_pkgs = packages(core)
    wl_pkgs = packages(wayland) - core_pkgs
    core_pkgs.discard("libc6")
    depends = [f"libc6 (>= {glibc})", *sorted(core_pkgs)]
    return depends, sorted(wl_pkgs)


def _copy_tree(src: Path, dst: Path) -> None:
    """Copy with hard links where possible (same file system, much faster), keeping symlinks."""
    def link_or_copy(s, d):
        try:
            os.link(s, d)
        except OSError:
            shutil.copy2(s, d)
    shutil.copytree(src, dst, symlinks=True, copy_function=link_or_copy)


def copyright_file(bundle: Path, version: str) -> str:
    listing = bundle / "_internal" / "resources" / "licenses" / "components.json"
    comps = json.loads(listing.read_text("utf-8")) if listing.is_file() else []
    lines = [
        "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/",
        "Upstream-Name: BCE Lab",
        "",
        "Files: *",
        "Copyright: 2026 BCE Lab team",
        "License: MIT",
        "",
        "Comment:",
        f" BCE Lab {version} bundles the following components under /opt/bce-lab. Their licence",
        " texts are in /opt/bce-lab/_internal/resources/licenses/ and in the app's About dialog.",
        " .",
    ]
    for c in comps:
        lines.append(f" {c['name']} {c['version']}: {c['license']}")
    lines.append("")
    mit = (HERE / "licenses" / "BCE-Lab-MIT.txt").read_text("utf-8")
    lines.append("License: MIT")
    lines += [" " + (ln if ln.strip() else ".") for ln in mit.strip().splitlines()]
    return "\n".join(lines) + "\n"


def build_deb(bundle: Path, dist: Path, work: Path, version: str) -> Path:
    if not shutil.which("dpkg-deb"):
        raise SystemExit("package: dpkg-deb is missing (Debian package dpkg); cannot make the .deb")
    deb_version = debian_version(version)
    arch = deb_arch()
    stage = work / "deb"
    if stage.exists():
        shutil.rmtree(stage)
    say("staging the .deb")
    _copy_tree(bundle, stage / "opt" / NAME)
    usr = stage / "usr"
    (usr / "bin").mkdir(parents=True)
    # Relative, so that it also works in a root unpacked elsewhere (dpkg-deb -x).
    os.symlink(f"../../opt/{NAME}/{NAME}", usr / "bin" / NAME)
    apps = usr / "share" / "applications"
    apps.mkdir(parents=True)
    shutil.copy2(LINUX / "bce-lab.desktop", apps / f"{NAME}.desktop")
    icons_src = ROOT / "resources" / "icons"
    for size in ICON_SIZES:
        d = usr / "share" / "icons" / "hicolor" / f"{size}x{size}" / "apps"
        d.mkdir(parents=True)
        shutil.copy2(icons_src / f"bce-lab-{size}.png", d / f"{NAME}.png")
    d = usr / "share" / "icons" / "hicolor" / "scalable" / "apps"
    d.mkdir(parents=True)
    shutil.copy2(icons_src / "bce-lab.svg", d / f"{NAME}.svg")
    doc = usr / "share" / "doc" / NAME
    doc.mkdir(parents=True)
    (doc / "copyright").write_text(copyright_file(bundle, version), encoding="utf-8")

    depends, recommends = system_dependencies(bundle)
    installed_kib = (du_bytes(stage) + 1023) // 1024
    control = (LINUX / "control.in").read_text("utf-8")
    fields = {
        "@VERSION@": deb_version,
        "@ARCH@": arch,
        "@MAINTAINER@": os.environ.get("BCE_LAB_MAINTAINER", "BCE Lab team <bce-lab@example.org>"),
        "@INSTALLED_SIZE@": str(installed_kib),
        "@DEPENDS@": ", ".join(depends),
        "@RECOMMENDS@": ", ".join(recommends),
    }
    for key, value in fields.items():
        control = control.replace(key, value)
    control = "\n".join(ln for ln in control.splitlines() if not re.fullmatch(r"[A-Za-z-]+:\s*", ln)) + "\n"
    debian = stage / "DEBIAN"
    debian.mkdir()
    (debian / "control").write_text(control, encoding="utf-8")
    for script in ("postinst", "postrm"):
        shutil.copy2(LINUX / script, debian / script)
        (debian / script).chmod(0o755)
    # Files readable by all, programs and folders executable by all (whatever this umask was).
    for p in stage.rglob("*"):
        if p.is_symlink():
            continue
        mode = p.stat().st_mode
        p.chmod(0o755 if p.is_dir() or mode & 0o111 else 0o644)

    out = dist / f"{NAME}_{deb_version}_{arch}.deb"
    for old in dist.glob(f"{NAME}_*.deb"):
        old.unlink()
    say(f"writing {out.name} (xz, a minute or two)")
    subprocess.run(
        ["dpkg-deb", "--root-owner-group", "-Zxz", "--build", str(stage), str(out)],
        check=True, stdout=subprocess.DEVNULL,
    )
    shutil.rmtree(stage)
    return out


# -- Windows and macOS -----------------------------------------------------------------------------


def build_archive(dist: Path, version: str) -> Path:
    system = {"win32": "windows", "darwin": "macos"}.get(sys.platform, sys.platform)
    base = dist / f"{NAME}-{version}-{system}-{platform.machine().lower()}"
    root = dist / ("BCE Lab.app" if sys.platform == "darwin" else NAME)
    say(f"archiving {root.name}")
    return Path(shutil.make_archive(str(base), "zip", root_dir=dist, base_dir=root.name))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="output folder (default dist/)")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "package",
                        help="scratch folder (default build/package/)")
    parser.add_argument("--no-deb", action="store_true", help="Linux: build the bundle only")
    args = parser.parse_args(argv)
    dist, work = args.dist.resolve(), args.work.resolve()
    dist.mkdir(parents=True, exist_ok=True)
    work.mkdir(parents=True, exist_ok=True)
    version = bce_licenses.project_version(ROOT / "pyproject.toml")
    say(f"BCE Lab {version} for {sys.platform} ({platform.machine()})")

    t0 = time.monotonic()
    bundle = build_bundle(dist, work)
    say(f"bundle: {bundle} ({du_bytes(bundle) / 2**20:.0f} MB) in {time.monotonic() - t0:.0f} s")
    if sys.platform.startswith("linux"):
        if not args.no_deb:
            t1 = time.monotonic()
            deb = build_deb(bundle, dist, work, version)
            say(f"package: {deb} ({deb.stat().st_size / 2**20:.0f} MB) in {time.monotonic() - t1:.0f} s")
    else:
        archive = build_archive(dist, version)
        say(f"archive: {archive} ({archive.stat().st_size / 2**20:.0f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
