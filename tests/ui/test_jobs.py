"""The one background-work helper: results on the GUI thread, superseded jobs dropped, cancel."""

from __future__ import annotations

import threading

import pytest

from bce_gui.ui.jobs import JobCancelled, Jobs


@pytest.fixture
def jobs(qapp):
    j = Jobs()
    yield j
    j.shutdown()


def test_result_arrives_on_the_gui_thread(jobs, qtbot):
    seen = []
    jobs.submit("sum", lambda ctx: (sum(range(1000)), threading.current_thread()),
                done=lambda r: seen.append((r, threading.current_thread())))
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    (value, worker), gui = seen[0]
    assert value == 499500
    assert worker is not threading.main_thread() and gui is threading.main_thread()
    assert not jobs.is_running("sum")


def test_a_newer_job_of_the_same_kind_supersedes_the_older(jobs, qtbot):
    release = threading.Event()
    seen, cancelled = [], []

    def slow(ctx):
        release.wait(5)
        cancelled.append(ctx.cancelled)
        ctx.check()
        return "old"

    old = jobs.submit("sort", slow, done=seen.append)
    new = jobs.submit("sort", lambda ctx: "new", done=seen.append)
    assert old.context.cancelled and not new.context.cancelled
    release.set()
    assert jobs.wait(5000)
    qtbot.waitUntil(lambda: not old.running and not new.running, timeout=5000)
    assert seen == ["new"] and cancelled == [True]


def test_failure_goes_to_failed_and_cancel_drops_the_outcome(jobs, qtbot):
    errors, results = [], []

    def boom(ctx):
        raise ValueError("bad cell")

    jobs.submit("load", boom, done=results.append, failed=errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert isinstance(errors[0], ValueError) and not results

    release = threading.Event()
    job = jobs.submit("load", lambda ctx: release.wait(5) or "late", done=results.append)
    jobs.cancel("load")
    release.set()
    assert jobs.wait(5000)
    qtbot.waitUntil(lambda: not job.running, timeout=5000)
    assert results == []


def test_progress_is_delivered_and_cancel_stops_the_work(jobs, qtbot):
    steps, started = [], threading.Event()
    stop = threading.Event()

    def work(ctx):
        for i in range(1000):
            ctx.progress(i / 1000, f"step {i}")
            started.set()
            if stop.wait(0.001):
                pass
        return "finished"

    job = jobs.submit("stats", work, progress=lambda f, t: steps.append(t))
    qtbot.waitUntil(lambda: bool(steps), timeout=5000)
    job.cancel()
    stop.set()
    assert jobs.wait(5000)
    assert steps[0] == "step 0"
    with pytest.raises(JobCancelled):
        job.context.check()


def test_ended_is_called_in_every_case_after_the_outcome(jobs, qtbot):
    seen = []
    jobs.submit("a", lambda ctx: 1, done=lambda r: seen.append(("done", r)), ended=lambda: seen.append("ended"))
    jobs.submit("b", lambda ctx: 1 / 0, failed=lambda e: seen.append(type(e).__name__),
                ended=lambda: seen.append("ended"))
    release = threading.Event()
    old = jobs.submit("c", lambda ctx: release.wait(5), done=seen.append, ended=lambda: seen.append("old ended"))
    jobs.submit("c", lambda ctx: "new", ended=lambda: seen.append("new ended"))  # supersedes
    release.set()
    assert jobs.wait(5000)
    qtbot.waitUntil(lambda: len(seen) == 6, timeout=5000)
    # each "ended" right after its job's outcome; the superseded job ends without one
    assert seen[seen.index(("done", 1)) + 1] == "ended"
    assert seen[seen.index("ZeroDivisionError") + 1] == "ended"
    assert "old ended" in seen and "new ended" in seen and not old.running
    assert True not in seen  # the superseded job's result was dropped


def test_job_wait_blocks_until_its_function_returned(jobs):
    release, finished = threading.Event(), []

    def work(ctx):
        release.wait(5)
        finished.append(True)

    job = jobs.submit("write", work)
    assert job.wait(0) is False
    release.set()
    assert job.wait(5) is True and finished == [True]
    jobs.wait(5000)


def test_a_load_is_a_job_that_can_be_cancelled(qtbot, tmp_path):
    """The loader on the jobs helper: a cancelled read says so and ends; the data is not sent."""
    from bce_gui.core.io import ReadOptions
    from bce_gui.ui.loader import FileLoad

    path = tmp_path / "big.csv"
    path.write_text("actual,predicted\n" + "1,0.5\n0,0.25\n" * 200_000, encoding="utf-8")
    jobs = Jobs()
    load = FileLoad(str(path), ReadOptions(), jobs=jobs)
    events = []
    for name in ("loaded", "failed", "cancelled", "finished"):
        getattr(load, name).connect(lambda *_a, n=name: events.append(n))
    load.start()
    load.cancel()
    with qtbot.waitSignal(load.finished, timeout=20_000):
        pass
    assert events == ["cancelled", "finished"]
    # The same file, not cancelled: loaded, then finished.
    again = FileLoad(str(path), ReadOptions(), jobs=jobs)
    got = []
    again.loaded.connect(lambda ds, info: got.append(len(ds)))
    with qtbot.waitSignal(again.finished, timeout=20_000):
        again.start()
    assert got == [400_000]
    jobs.shutdown()


def test_a_file_that_cannot_be_read_fails_with_its_message(qtbot, tmp_path):
    from bce_gui.core.io import ReadOptions
    from bce_gui.ui.loader import FileLoad

    load = FileLoad(str(tmp_path / "missing.csv"), ReadOptions())
    messages = []
    load.failed.connect(messages.append)
    with qtbot.waitSignal(load.finished, timeout=10_000):
        load.start()
    assert len(messages) == 1 and "missing.csv" in messages[0]
