"""A question's deadline: time left on an injected clock, one sentence when it passes, and a step's own
cap never extending the question's."""

from __future__ import annotations

import pytest

from assistant.deadline import Deadline, DeadlineExceeded


class FakeClock:
    def __init__(self, now: float = 100.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_time_left_counts_down_on_the_clock_and_stops_at_zero():
    clock = FakeClock()
    deadline = Deadline.after(10, clock)
    assert deadline.seconds_left() == 10
    clock.now += 7.5
    assert deadline.seconds_left() == 2.5 and not deadline.expired
    clock.now += 5
    assert deadline.seconds_left() == 0 and deadline.expired


def test_check_passes_in_time_and_raises_one_sentence_after():
    clock = FakeClock()
    deadline = Deadline.after(10, clock)
    deadline.check("before the query")
    clock.now += 10
    with pytest.raises(DeadlineExceeded) as raised:
        deadline.check("after planning")
    assert raised.value.stage == "after planning"
    assert raised.value.sentence == ("The question took longer than its 10-second limit and was stopped; ask for "
                                     "less at once (a shorter period, a coarser grain or fewer breakdowns).")
    assert "\n" not in raised.value.sentence


def test_a_steps_own_cap_applies_only_when_sooner_than_the_question():
    clock = FakeClock()
    question = Deadline.after(90, clock)
    step = question.within(10)
    assert step.seconds_left() == 10 and step.allowance == 10
    clock.now += 85  # 5 s of the question left: a new step gets those, not a fresh 10 s
    late_step = question.within(10)
    assert late_step is question and late_step.seconds_left() == 5
