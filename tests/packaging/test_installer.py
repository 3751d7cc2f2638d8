"""The installer, end to end: `make package`, the .deb's contents, the installed program.

Builds once per session (about 5 minutes: PyInstaller, then xz compression of the .deb) into
build/test-package/, then:
* reads the package with dpkg-deb (control fields, version, files, icons, maintainer scripts);
* unpacks it into a scratch root and runs the program from there, in an environment with no
  Python, virtualenv or PYTHONPATH (env -i): `compute` gives the textbook loss, the window shows;
* when run as root (CI is), really installs it with dpkg -i, runs the launcher from the PATH,
  removes it with dpkg --purge and checks that nothing is left.
A build that cannot work on this machine is a failure, not a skip.
"""

from __future__ import annotations

import configparser
import csv
import json
import math
import os
import queue
import re
import shutil
import signal
import struct
import subprocess
import sys
import threading
import time
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "build" / "test-package"
EXAMPLE = ROOT / "resources" / "examples" / "worked_example.csv"
ICON_SIZES = (16, 32, 48, 64, 128, 256, 512)
BUILD_TIMEOUT = 40 * 60
READY_TIMEOUT = 60

pytestmark = [pytest.mark.slow, pytest.mark.timeout(BUILD_TIMEOUT + 15 * 60)]


def project_version() -> str:
    with open(ROOT / "pyproject.toml", "rb") as fh:
        return tomllib.load(fh)["project"]["version"]


def textbook_loss(path: Path) -> float:
    """−(1/N) Σ [y ln p + (1 − y) ln(1 − p)], straight from the file."""
    terms = []
    with open(path, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            y, p = float(row["Actual"]), float(row["Predicted"])
            terms.append(y * math.log(p) + (1 - y) * math.log(1 - p))
    return -math.fsum(terms) / len(terms)


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    """What a user's session might have, and nothing of this test's Python or venv."""
    home.mkdir(parents=True, exist_ok=True)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    env.update(extra)
    return env


def run(cmd, **kw) -> subprocess.CompletedProcess:
    kw.setdefault("capture_output", True)
    kw.setdefault("text", True)
    kw.setdefault("timeout", 120)
    return subprocess.run([str(c) for c in cmd], **kw)


# -- the build, once -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def exclusive():
    """One session at a time builds into build/test-package/ and installs with dpkg: another
    test run in the same tree (or a second engineer's `make test`) waits here for its turn."""
    import fcntl

    OUT.parent.mkdir(parents=True, exist_ok=True)
    with open(OUT.parent / "test-package.lock", "w") as lock:
        deadline = time.monotonic() + BUILD_TIMEOUT
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                assert time.monotonic() < deadline, "another test run held the package build lock too long"
                time.sleep(2)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture(scope="module")
def package(exclusive) -> dict:
    """`make package` into build/test-package/: the bundle folder and the .deb."""
    assert shutil.which("make"), "make is needed to build the package"
    assert shutil.which("dpkg-deb"), "dpkg-deb is needed to build the .deb"
    dist, work = OUT / "dist", OUT / "work"
    if dist.exists():
        shutil.rmtree(dist)
    OUT.mkdir(parents=True, exist_ok=True)
    log = OUT / "build.log"
    cmd = ["make", "-C", str(ROOT), "package", f"PACKAGE_ARGS=--dist {dist} --work {work}"]
    if sys.prefix != sys.base_prefix:  # the venv running these tests is the one to build from
        cmd.append(f"VENV={sys.prefix}")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTEST_CURRENT_TEST", "MAKEFLAGS", "MFLAGS")}
    started = time.monotonic()
    with open(log, "w", encoding="utf-8") as fh:
        proc = subprocess.run(cmd, stdout=fh, stderr=subprocess.STDOUT, env=env, timeout=BUILD_TIMEOUT)
    took = time.monotonic() - started
    text = log.read_text("utf-8", errors="replace")
    assert proc.returncode == 0, f"make package failed ({proc.returncode}); end of {log}:\n{text[-4000:]}"
    debs = sorted(dist.glob("bce-lab_*.deb"))
    assert len(debs) == 1, (debs, text[-2000:])
    print(f"\nmake package took {took:.0f} s; bundle {du_mib(dist / 'bce-lab'):.0f} MiB, "
          f".deb {debs[0].stat().st_size / 2**20:.0f} MiB")
    return {"bundle": dist / "bce-lab", "deb": debs[0], "log": text}


def du_mib(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink()) / 2**20


@pytest.fixture(scope="module")
def contents(package) -> dict[str, str]:
    """Path in the package → its `dpkg-deb --contents` line."""
    proc = run(["dpkg-deb", "--contents", package["deb"]])
    assert proc.returncode == 0, proc.stderr
    lines = {}
    for line in proc.stdout.splitlines():
        m = re.match(r"\S+\s+\S+\s+\d+\s+\S+\s+\S+\s+\./(.*?)(?: -> .*)?$", line)
        assert m, line
        lines["/" + m.group(1).rstrip("/")] = line
    return lines


@pytest.fixture(scope="module")
def scratch_root(package, tmp_path_factory) -> Path:
    """The package's files unpacked into an empty folder, as dpkg would place them under /."""
    root = tmp_path_factory.mktemp("root")
    proc = run(["dpkg-deb", "-x", package["deb"], root], timeout=600)
    assert proc.returncode == 0, proc.stderr
    return root


# -- the package as a file ---------------------------------------------------------------------


def test_control_fields_name_the_version_in_pyproject(package):
    proc = run(["dpkg-deb", "--field", package["deb"]])
    assert proc.returncode == 0, proc.stderr
    fields = dict(re.findall(r"^([A-Za-z-]+): (.*)$", proc.stdout, re.M))
    assert fields["Package"] == "bce-lab"
    assert fields["Version"] == project_version()
    arch = run(["dpkg", "--print-architecture"]).stdout.strip()
    assert fields["Architecture"] == arch
    assert package["deb"].name == f"bce-lab_{project_version()}_{arch}.deb"
    assert fields["Depends"].startswith("libc6 (>= "), fields["Depends"]
    assert int(fields["Installed-Size"]) > 10_000
    assert "python3" not in fields["Depends"], "the bundle must not need the system's Python"
    info = run(["dpkg-deb", "--info", package["deb"]]).stdout
    assert "postinst" in info and "postrm" in info


def test_files_go_under_opt_with_launcher_menu_entry_and_icons(contents):
    paths = set(contents)
    assert "/opt/bce-lab/bce-lab" in paths
    assert contents["/opt/bce-lab/bce-lab"].startswith("-rwxr-xr-x root/root")
    assert "/usr/bin/bce-lab" in paths
    assert contents["/usr/bin/bce-lab"].startswith("l") and "-> ../../opt/bce-lab/bce-lab" in contents["/usr/bin/bce-lab"]
    assert "/usr/share/applications/bce-lab.desktop" in paths
    for size in ICON_SIZES:
        assert f"/usr/share/icons/hicolor/{size}x{size}/apps/bce-lab.png" in paths
    assert "/usr/share/icons/hicolor/scalable/apps/bce-lab.svg" in paths
    assert "/usr/share/doc/bce-lab/copyright" in paths
    for p in paths:
        assert p in ("/", "/usr") or p.startswith(("/opt", "/usr/bin", "/usr/share")), f"unexpected file {p}"
    for p, line in contents.items():
        assert " root/root " in line, f"not owned by root: {line}"
    # Resources the program looks for through resource_path().
    assert "/opt/bce-lab/_internal/resources/examples/worked_example.csv" in paths
    assert "/opt/bce-lab/_internal/resources/icons/bce-lab.svg" in paths
    assert "/opt/bce-lab/_internal/resources/licenses/components.json" in paths


def test_bundle_leaves_out_what_the_app_does_not_use(contents):
    inside = "\n".join(p for p in contents if p.startswith("/opt/bce-lab/_internal/"))
    for unwanted in ("QtWebEngine", "Qt6Qml", "Qt6Quick", "Qt6Network", "Qt6Multimedia", "Qt63D",
                     "QtQml", "QtQuick", "QtNetwork", "/translations/", "tkinter", "/pandas/",
                     "/sklearn/", "/scipy/", "/pyarrow/", "/pytest", "/hypothesis/", "/PyInstaller/",
                     "libgtk", "libcairo", "libreadline"):
        assert unwanted not in inside, f"{unwanted} is bundled but never used"
    # ... and keeps what it does use.
    for needed in ("libQt6Widgets", "libQt6Svg", "platforms/libqxcb.so", "platforms/libqoffscreen.so",
                   "platforms/libqwayland.so", "iconengines/libqsvgicon.so", "libpython3"):
        assert needed in inside, f"{needed} is missing from the bundle"


def test_maintainer_scripts_are_sound_shell_and_clean_up(package, tmp_path):
    control = tmp_path / "DEBIAN"
    proc = run(["dpkg-deb", "--control", package["deb"], control])
    assert proc.returncode == 0, proc.stderr
    for name in ("postinst", "postrm"):
        script = control / name
        assert os.access(script, os.X_OK), f"{name} is not executable"
        assert script.read_text().startswith("#!/bin/sh\n")
        check = run(["sh", "-n", script])
        assert check.returncode == 0, check.stderr
    postrm = (control / "postrm").read_text()
    assert "rm -rf /opt/bce-lab" in postrm and "remove|purge)" in postrm
    # Each user's settings and recovery files are theirs: never removed by the package.
    assert "$HOME" not in postrm and "/home" not in postrm


# -- the unpacked files ---------------------------------------------------------------------------


def test_desktop_entry_starts_the_launcher_with_the_icon(scratch_root):
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str
    parser.read(scratch_root / "usr/share/applications/bce-lab.desktop", encoding="utf-8")
    entry = parser["Desktop Entry"]
    assert entry["Type"] == "Application"
    assert entry["Name"] == "BCE Lab"
    assert entry["Exec"].split()[0] == "bce-lab"
    assert entry["Icon"] == "bce-lab"
    assert entry["Terminal"] == "false"
    assert entry["Categories"].endswith(";")
    assert "text/csv" in entry["MimeType"]


def test_icons_are_pngs_of_their_sizes(scratch_root):
    for size in ICON_SIZES:
        data = (scratch_root / f"usr/share/icons/hicolor/{size}x{size}/apps/bce-lab.png").read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = struct.unpack(">II", data[16:24])
        assert (width, height) == (size, size)


def test_licences_of_bundled_components_are_included(scratch_root):
    base = scratch_root / "opt/bce-lab/_internal/resources/licenses"
    comps = json.loads((base / "components.json").read_text("utf-8"))
    by_name = {c["name"].lower().replace("_", "-"): c for c in comps}
    for name in ("bce-lab", "pyside6-essentials", "shiboken6", "numpy", "polars", "pyqtgraph",
                 "fastexcel", "xlsxwriter", "python", "pyinstaller bootloader"):
        assert name in by_name, f"{name} missing from the licences: {sorted(by_name)}"
        comp = by_name[name]
        assert comp["license"], comp
        assert comp["files"], f"no licence text for {name}"
        for rel in comp["files"]:
            assert (base / rel).is_file() and (base / rel).stat().st_size > 100, rel
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in "".join(
        (base / rel).read_text("utf-8", errors="replace") for rel in by_name["pyside6-essentials"]["files"])
    names = {c["name"] for c in comps}
    assert not names & {"pandas", "scipy", "scikit-learn", "pytest", "hypothesis"}, names


def check_compute(launcher: Path | str, home: Path, cwd: Path) -> None:
    """`compute` from the installed launcher gives the textbook loss of the worked example."""
    expected = textbook_loss(EXAMPLE)
    assert round(expected, 3) == 0.214
    proc = run([launcher, "compute", EXAMPLE, "--json"], env=clean_env(home), cwd=cwd)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["n"] == 10 and result["n_invalid"] == 0
    assert math.isclose(result["loss"], expected, rel_tol=1e-9), (result["loss"], expected)
    assert "Traceback" not in proc.stderr


def wait_for_ready(launcher: Path | str, home: Path, cwd: Path) -> tuple[str, float]:
    """Start the window; return its "ready:" line and the seconds it took. Closes it with SIGTERM."""
    env = clean_env(home, BCE_LAB_REPORT_READY="1")
    started = time.monotonic()
    proc = subprocess.Popen([str(launcher)], env=env, cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    out_lines: queue.Queue = queue.Queue()
    err_lines: list[str] = []
    readers = [
        threading.Thread(target=lambda: [out_lines.put(ln) for ln in proc.stdout], daemon=True),
        threading.Thread(target=lambda: err_lines.extend(proc.stderr), daemon=True),
    ]
    for t in readers:
        t.start()
    line, took = "", None
    try:
        deadline = started + READY_TIMEOUT
        while time.monotonic() < deadline:
            try:
                line = out_lines.get(timeout=0.05)
            except queue.Empty:
                if proc.poll() is not None and out_lines.empty():
                    break
                continue
            if line.startswith("ready: "):
                took = time.monotonic() - started
                break
        if took is None:
            proc.kill()
            proc.wait(timeout=30)
            for t in readers:
                t.join(timeout=5)
            pytest.fail(f"no 'ready:' line within {READY_TIMEOUT} s (exit {proc.returncode}); "
                        f"last line {line!r}; stderr:\n{''.join(err_lines)[-3000:]}")
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)
    for t in readers:
        t.join(timeout=5)
    err = "".join(err_lines)
    assert proc.returncode == 0, err
    assert "Traceback" not in err, err
    return line.strip(), took


def test_unpacked_program_computes_the_worked_example_without_python(scratch_root, tmp_path):
    check_compute(scratch_root / "usr/bin/bce-lab", tmp_path / "home", tmp_path)


def test_unpacked_program_reads_spreadsheets(scratch_root, tmp_path):
    """fastexcel (a stripped Rust extension in the bundle) reads .xlsx."""
    import xlsxwriter

    book_path = tmp_path / "example.xlsx"
    book = xlsxwriter.Workbook(str(book_path))
    sheet = book.add_worksheet("Validation")
    with open(EXAMPLE, newline="", encoding="utf-8") as fh:
        for r, row in enumerate(csv.reader(fh)):
            for c, value in enumerate(row):
                sheet.write(r, c, value if r == 0 or c == 0 else float(value))
    book.close()
    proc = run([scratch_root / "usr/bin/bce-lab", "compute", book_path, "--json"],
               env=clean_env(tmp_path / "home"), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert math.isclose(json.loads(proc.stdout)["loss"], textbook_loss(EXAMPLE), rel_tol=1e-9)


def test_unpacked_program_reports_the_pyproject_version(scratch_root, tmp_path):
    proc = run([scratch_root / "usr/bin/bce-lab", "--version"], env=clean_env(tmp_path / "home"), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"BCE Lab {project_version()}"


def test_unpacked_program_shows_its_window(scratch_root, tmp_path):
    home = tmp_path / "home"
    line, took = wait_for_ready(scratch_root / "usr/bin/bce-lab", home, tmp_path)
    assert line == "ready: Worked example — BCE Lab", line
    print(f"\nwindow ready {took:.2f} s after start")
    # A clean exit wrote the settings in the (scratch) home folder.
    assert list((home / ".config").rglob("*.conf")), "settings were not written on exit"


# -- a real installation (root only) --------------------------------------------------------------


def _installed(name: str) -> bool:
    proc = run(["dpkg-query", "-W", "-f=${Status}", name])
    return proc.returncode == 0 and "install ok installed" in proc.stdout


def test_dpkg_installs_runs_and_removes_cleanly(package, tmp_path):
    if os.geteuid() != 0:
        pytest.skip("installing with dpkg needs root (CI runs as root); the unpacked-root tests above ran")
    if run(["dpkg-query", "-W", "bce-lab"]).returncode == 0:
        # Left by an interrupted run (or installed by hand): start from a machine without it.
        print("\nbce-lab was installed before this test; purging it first")
        purged = run(["dpkg", "--purge", "bce-lab"], timeout=600)
        assert purged.returncode == 0, purged.stdout + purged.stderr
    assert not Path("/opt/bce-lab").exists(), "/opt/bce-lab exists but no package owns it"
    left = ["/opt/bce-lab", "/usr/bin/bce-lab", "/usr/share/applications/bce-lab.desktop",
            "/usr/share/doc/bce-lab", "/usr/share/icons/hicolor/scalable/apps/bce-lab.svg",
            *(f"/usr/share/icons/hicolor/{s}x{s}/apps/bce-lab.png" for s in ICON_SIZES)]
    try:
        proc = run(["dpkg", "-i", package["deb"]], timeout=900,
                   env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert _installed("bce-lab")
        version = run(["dpkg-query", "-W", "-f=${Version}", "bce-lab"]).stdout
        assert version == project_version()
        for p in left:
            assert os.path.lexists(p), f"{p} was not installed"
        launcher = shutil.which("bce-lab", path="/usr/bin:/bin")
        assert launcher == "/usr/bin/bce-lab"
        assert os.path.realpath(launcher) == "/opt/bce-lab/bce-lab"
        # Started by name from the PATH, as a user would.
        check_compute("bce-lab", tmp_path / "home", tmp_path)
        line, _took = wait_for_ready("bce-lab", tmp_path / "home", tmp_path)
        assert line.startswith("ready: ") and "BCE Lab" in line
    finally:
        removal = run(["dpkg", "--purge", "bce-lab"], timeout=600)
    assert removal.returncode == 0, removal.stdout + removal.stderr
    assert not _installed("bce-lab")
    for p in left:
        assert not os.path.lexists(p), f"{p} is left after removal"
    listed = run(["dpkg", "-L", "bce-lab"])
    assert listed.returncode != 0, "dpkg still lists files of bce-lab"
