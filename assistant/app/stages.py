"""A slow call on a worker thread whose stages are reported as they happen: what a streaming chat handler
shows while a question is answered ("Reading the question…", then "Running the query…")."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Stage:
    """What the work is doing now, in words for the person waiting."""

    text: str


@dataclass(frozen=True)
class _Done:
    value: object = None
    error: BaseException | None = None


def staged(work: Callable[[Callable[[str], None]], T], first: str) -> Iterator[Stage | T]:
    """Yield Stage(first) at once, a Stage for each text `work` reports through the callback it is given,
    then what `work` returned (its exception is raised here instead)."""
    events: queue.SimpleQueue[Stage | _Done] = queue.SimpleQueue()

    def run() -> None:
        try:
            events.put(_Done(work(lambda text: events.put(Stage(text)))))
        except BaseException as error:  # noqa: BLE001 — handed to the waiting generator, which raises it
            events.put(_Done(error=error))

    yield Stage(first)
    threading.Thread(target=run, name="staged-work", daemon=True).start()
    while isinstance(event := events.get(), Stage):
        yield event
    if event.error is not None:
        raise event.error
    yield event.value  # type: ignore[misc]
