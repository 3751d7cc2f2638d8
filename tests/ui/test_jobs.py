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
