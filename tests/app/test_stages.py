"""staged(): the first stage at once, each stage the work reports while it runs, then its result."""

from __future__ import annotations

import threading

import pytest

from assistant.app.stages import Stage, staged


def test_the_first_stage_comes_before_the_work_starts_then_its_stages_then_the_result():
    started, release = threading.Event(), threading.Event()

    def work(report):
        started.set()
        release.wait(5)
        report("running")
        return 42

    steps = staged(work, "reading")
    assert next(steps) == Stage("reading") and not started.is_set()
    release.set()
    assert list(steps) == [Stage("running"), 42]


def test_the_stages_are_shown_while_the_work_is_still_running():
    reported, finish = threading.Event(), threading.Event()

    def work(report):
        report("running")
        reported.set()
        finish.wait(5)
        return "done"

    steps = staged(work, "reading")
    assert [next(steps), next(steps)] == [Stage("reading"), Stage("running")]
    assert reported.is_set() and not finish.is_set()
    finish.set()
    assert list(steps) == ["done"]


def test_the_works_exception_is_raised_to_the_caller():
    def work(report):
        raise RuntimeError("planner exploded")

    with pytest.raises(RuntimeError, match="planner exploded"):
        list(staged(work, "reading"))
