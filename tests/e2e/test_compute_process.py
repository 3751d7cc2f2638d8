"""``compute`` as a real process on files read in blocks: its JSON equals the in-memory result,
Ctrl+C ends it with status 130 and one line, and its memory stays flat as the file grows.

(The streamed arithmetic itself is tested in tests/core/test_stream.py; the command's options in
tests/test_cli.py.)
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from bce_gui.core.evaluate import evaluate
from bce_gui.core.io import ReadOptions, read_table
from bce_gui.core.loss import LossOptions
from bce_gui.core.policies import make_policy
from bce_gui.core.summary import summary_dict

ROOT = Path(__file__).resolve().parents[2]
MAIN = ROOT / "main.py"
READ = ReadOptions(load_ids=False, load_extras=False)  # what compute reads
FLOAT_KEYS = {"loss", "loss_bits", "sum_loss", "sum_weight", "base_rate", "baseline_loss", "baseline_bits",
              "skill"}


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def table(rows, header="actual,predicted"):
    return "\n".join([header, *(",".join(map(str, r)) for r in rows)]) + "\n"


def in_memory(path, options):
    dataset, _ = read_table(path, READ)
    return summary_dict(dataset, evaluate(dataset, options), source=str(path))


def in_memory_statistics(path, options) -> dict:
    from bce_gui.core.metrics.table import summary_statistics

    dataset, _ = read_table(path, READ)
    return summary_statistics(dataset, evaluate(dataset, options))[1]


def close(got: dict, want: dict, where: str) -> None:
    """Every key of ``want`` in ``got``: floats to 1e-12, the rest equal."""
    for key, value in want.items():
        if isinstance(value, dict):
            close(got[key], value, f"{where}.{key}")
        elif isinstance(value, float):
            assert got[key] == pytest.approx(value, rel=1e-12), f"{where}.{key}"
        elif isinstance(value, list) and value and isinstance(value[0], float):
            assert got[key] == pytest.approx(value, rel=1e-12), f"{where}.{key}"
        else:
            assert got[key] == value, f"{where}.{key}"


def test_chunk_rows_json_equals_the_in_memory_json(tmp_path):
    text = "id,actual,predicted,weight\n" + "\n".join(
        f"u{i},{i % 2},{(i % 19) / 20 + 0.01},{'x' if i % 97 == 3 else (i % 5) / 2}"
        for i in range(1500)
    ) + "\n"
    path = write(tmp_path, "cli.csv", text)
    proc = subprocess.run(
        [sys.executable, str(MAIN), "compute", str(path), "--json", "--chunk-rows", "100",
         "--policy", "sklearn"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout)
    options = LossOptions(policy=make_policy("sklearn"))
    expected = in_memory(path, options)
    stats = in_memory_statistics(path, options)  # issue 11: the statistics' keys
    assert got.keys() == expected.keys() | stats.keys()
    for key, want in expected.items():
        if key in FLOAT_KEYS and isinstance(want, float):
            assert got[key] == pytest.approx(want, rel=1e-12, abs=1e-300), key
        else:
            assert got[key] == want, key
    close(got, stats, "statistics")  # merged block by block: float sums to rounding
    # Not a terminal: no progress bar, only the warning about the invalid rows.
    assert proc.stderr.count("\n") == 1 and "warning: 16 invalid" in proc.stderr
    assert "\r" not in proc.stderr


@pytest.mark.skipif(not Path("/proc/self/fd").exists(), reason="needs /proc")
def test_ctrl_c_in_a_real_process(tmp_path):
    path = write(tmp_path, "slow.csv", table([(i % 2, 0.25) for i in range(200_000)]))
    proc = subprocess.Popen(
        [sys.executable, str(MAIN), "compute", str(path), "--chunk-rows", "1"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # interrupt once the file is being read
            try:
                fds = os.listdir(f"/proc/{proc.pid}/fd")
                if any(os.readlink(f"/proc/{proc.pid}/fd/{fd}") == str(path) for fd in fds):
                    break
            except OSError:
                pass
            time.sleep(0.02)
        time.sleep(0.2)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 130, err
    assert out == "" and err == "bce-lab: interrupted\n"


# --------------------------------------------------------------------------------------------
# Memory stays flat as the file grows
# --------------------------------------------------------------------------------------------


# A child's ru_maxrss counts the memory of the process it was forked from (until its exec), so
# a large pytest process would hide the figure: a small launcher spawns the measured process.
_LAUNCH = (
    "import os, sys; pid = os.posix_spawn(sys.executable, [sys.executable, *sys.argv[1:]], "
    "dict(os.environ)); _, status, ru = os.wait4(pid, 0); "
    "print('PEAK', os.waitstatus_to_exitcode(status), ru.ru_maxrss, file=sys.stderr)"
)


def _peak_rss_mb(args) -> float:
    """Peak resident memory (MB) of ``python ARGS``, from wait4's rusage in a small launcher."""
    proc = subprocess.run(
        [sys.executable, "-S", "-c", _LAUNCH, *args], cwd=ROOT, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, text=True, timeout=120,
    )
    tag, code, kib = proc.stderr.strip().splitlines()[-1].split()
    assert tag == "PEAK" and code == "0", proc.stderr
    return int(kib) / 1024  # KiB on Linux


def _big_csv(path: Path, n: int) -> Path:
    import polars as pl

    rng = np.random.default_rng(n)
    pl.DataFrame({
        "actual": (rng.random(n) < 0.3).astype(np.int8),
        "predicted": rng.random(n),
    }).write_csv(path)
    return path


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ru_maxrss in KiB: Linux")
def test_memory_stays_flat_as_the_file_grows(tmp_path):
    small = _big_csv(tmp_path / "small.csv", 600_000)
    big = _big_csv(tmp_path / "big.csv", 2_400_000)
    assert big.stat().st_size > 40 << 20
    # The loss alone (--no-stats): flat. The statistics keep the rows for an exact AUC and
    # decomposition up to 4,194,304 rows, then go over to a fixed-size histogram (compute
    # --help says so): their memory grows with the rows up to that point, by design.
    args = ["compute", "--json", "--chunk-rows", "100000", "--no-stats"]
    peaks = {}
    for name, path in (("small", small), ("big", big)):
        peaks[name] = min(_peak_rss_mb([str(MAIN), args[0], str(path), *args[1:]]) for _ in range(2))
    assert peaks["big"] - peaks["small"] < 30, peaks



# Runs a launcher's compute start (without the command), then imports numpy and reports.
PROBES = {
    "main.py": "import runpy, sys\nsys.argv = [{main!r}, 'compute']\n"
               "runpy.run_path({main!r}, run_name='launcher')\n",  # (not __main__: no run)
    "__main__": "import sys, types\nsys.argv = ['bce-lab', 'compute']\n"
                "sys.modules['bce_gui.cli'] = types.SimpleNamespace(run_and_exit=lambda argv: None)\n"
                "import bce_gui.__main__\nbce_gui.__main__.main()\n",
}
REPORT = ("import gc, os, numpy\n"
          "print(gc.isenabled(), os.environ.get('OPENBLAS_NUM_THREADS'), "
          "len(os.listdir('/proc/self/task')))\n")


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="counts threads through /proc")
@pytest.mark.parametrize("launcher", sorted(PROBES))
def test_a_compute_process_starts_no_blas_threads_and_no_gc(tmp_path, launcher):
    """Before numpy is imported, a compute process (main.py, or ``python -m bce_gui`` and the
    console script) turns the garbage collector off and asks OpenBLAS for one thread (its idle
    threads spin on the cores the read and the statistics need); numpy then starts no thread.
    A user's own OPENBLAS_NUM_THREADS wins."""
    code = PROBES[launcher].format(main=str(MAIN)) + REPORT
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    env["PYTHONPATH"] = str(ROOT)

    def run() -> list[str]:
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                             text=True, cwd=tmp_path, timeout=120)
        assert out.returncode == 0, out.stderr
        return out.stdout.split()

    assert run() == ["False", "1", "1"]  # numpy imported, no BLAS thread beside the main one
    env["OPENBLAS_NUM_THREADS"] = "2"
    gc_on, blas, threads = run()
    assert (gc_on, blas) == ("False", "2") and int(threads) > 1  # (the probe can tell)
