"""One question's deadline: the time left for everything an answer does, from planning to rendering.

A `Deadline` is a point on a monotonic clock. Every stage of an answer (plan, compile, guard,
row-level security, each query, the narrative) asks it for the time left or checks it between
steps; the runner gives DuckDB only the time left, so no stage starts a fresh allowance.
Pure: the clock is passed in (tests use a fake one), nothing here sleeps or starts threads.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

Clock = Callable[[], float]


class DeadlineExceeded(Exception):
    """The question used its time; `sentence` is the one line the user reads."""

    def __init__(self, deadline: Deadline, stage: str = ""):
        self.deadline, self.stage = deadline, stage
        super().__init__(deadline.sentence())

    @property
    def sentence(self) -> str:
        return str(self)


@dataclass(frozen=True)
class Deadline:
    """The instant by which a question must be answered (`ends` on `clock`), and the allowance it was given."""

    ends: float
    allowance: float
    clock: Clock = field(default=time.monotonic, compare=False, repr=False)

    @classmethod
    def after(cls, seconds: float, clock: Clock = time.monotonic) -> Deadline:
        """A deadline `seconds` from now."""
        return cls(clock() + seconds, seconds, clock)

    def seconds_left(self) -> float:
        """The time left, never below 0."""
        return max(0.0, self.ends - self.clock())

    @property
    def expired(self) -> bool:
        return self.seconds_left() <= 0

    def check(self, stage: str = "") -> None:
        """Raise DeadlineExceeded when no time is left (`stage` says where, for the analyst)."""
        if self.expired:
            raise DeadlineExceeded(self, stage)

    def within(self, seconds: float) -> Deadline:
        """This deadline, or one `seconds` from now when that is sooner (one step's own cap inside the question's)."""
        sooner = self.clock() + seconds
        return self if self.ends <= sooner else Deadline(sooner, seconds, self.clock)

    def sentence(self) -> str:
        """What the user reads when the time is up."""
        return (f"The question took longer than its {self.allowance:g}-second limit and was stopped; ask for less at "
                "once (a shorter period, a coarser grain or fewer breakdowns).")
