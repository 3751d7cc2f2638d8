"""End to end: the real program, started as a process on the offscreen platform."""

import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _env(tmp_path, **extra):
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        BCE_LAB_REPORT_READY="1",
        XDG_CONFIG_HOME=str(tmp_path / "config"),  # QSettings writes here, not to the user's
        HOME=str(tmp_path),
        **extra,
    )
    return env


def test_main_py_shows_window_and_exits_cleanly_on_sigterm(tmp_path):
    proc = subprocess.Popen(
        [sys.executable, "main.py"], cwd=ROOT, env=_env(tmp_path),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        line = proc.stdout.readline()  # blocks until the window is shown (or the process dies)
        assert line.startswith("ready: "), (line, proc.stderr.read() if proc.poll() is not None else "")
        assert "BCE Lab" in line and "Worked example" in line
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    # A clean exit saved the window state to the settings file.
    settings = list((tmp_path / "config").rglob("*.conf"))
    assert settings, "settings were not written on exit"
    assert "geometry" in settings[0].read_text()


def test_main_py_opens_a_file_given_on_the_command_line(tmp_path):
    data = tmp_path / "preds.csv"
    data.write_text("id,actual,predicted\na,1,0.8\nb,0,0.3\n", encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "main.py", str(data)], cwd=ROOT, env=_env(tmp_path),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        line = proc.stdout.readline()
        assert line.startswith("ready: preds.csv"), line
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0


def test_without_display_the_app_says_so_in_one_line(tmp_path):
    env = _env(tmp_path)
    for var in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"):
        env.pop(var, None)
    res = subprocess.run([sys.executable, "main.py"], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=60)
    assert res.returncode == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and "no display" in lines[0] and "compute" in lines[0]
