"""Latency benchmarks over the eval questions: a measurement, never a pass/fail test.

Each benchmark is a function from a `BenchContext` to `Measurement`s, registered by name in
`BENCHES`; `cs-assistant bench` runs the chosen ones and prints one table (or JSON). A new
benchmark (issue 7's chat load test: N users on loopback for T seconds) is one more function
in the registry. Every timed call is repeated `repeats` times after `warmup` untimed calls,
so caches and first-use costs do not count.

    planning  the rule planner alone: question → SemanticQuery (no SQL runs)
    answer    whole answers through Assistant.ask (plan, compile, guard, RLS, run, narrative),
              and a baseline in the same run: the same compiled SQL executed directly on a
              cursor of the same DuckDB connection, without guard, RLS or narrative
    chat-load N users asking through the chat app's endpoint on loopback for T seconds
              (assistant/app/load.py); not run unless asked, since it takes T seconds
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from assistant.answer import format_table
from evals.cases import Case
from evals.report import percentile


@dataclass(frozen=True)
class BenchSettings:
    """How often each call runs: `warmup` untimed, then `repeats` timed."""

    repeats: int = 3
    warmup: int = 1
    users: int = 20  # chat-load: simulated users at once
    seconds: float = 60.0  # chat-load: how long they keep asking

    def __post_init__(self) -> None:
        if self.repeats < 1 or self.warmup < 0:
            raise ValueError("repeats must be at least 1 and warmup at least 0")
        if self.users < 1 or self.seconds <= 0:
            raise ValueError("users must be at least 1 and seconds above 0")


@dataclass(frozen=True)
class Measurement:
    """Latency samples of one kind of call, in milliseconds."""

    name: str
    description: str
    samples_ms: tuple[float, ...]
    failures: tuple[str, ...] = ()  # requests that failed (chat-load), each described

    @property
    def p50(self) -> float | None:
        return percentile(self.samples_ms, 50)

    @property
    def p95(self) -> float | None:
        return percentile(self.samples_ms, 95)

    @property
    def mean(self) -> float | None:
        return statistics.fmean(self.samples_ms) if self.samples_ms else None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "description": self.description, "samples": len(self.samples_ms),
                "p50_ms": self.p50, "p95_ms": self.p95, "mean_ms": self.mean, "failed": len(self.failures),
                "failures": list(self.failures[:20])}


@dataclass
class BenchContext:
    """What a benchmark may use: the assistant under test, the questions, the repeat settings."""

    assistant: Any  # assistant.service.Assistant
    cases: Sequence[Case]
    settings: BenchSettings = field(default_factory=BenchSettings)

    @property
    def standalone(self) -> list[Case]:
        """Cases that are one question on their own (follow-ups need their conversation)."""
        return [c for c in self.cases if not c.conversation]


def timed(call: Callable[[], object], settings: BenchSettings) -> list[float]:
    """`call` run `warmup` times untimed, then `repeats` times; the timed runs in milliseconds."""
    for _ in range(settings.warmup):
        call()
    samples = []
    for _ in range(settings.repeats):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def planning_latency(context: BenchContext) -> list[Measurement]:
    """The rule planner alone, per question."""
    from assistant.planner import plan_question

    planner_context = context.assistant.context
    samples: list[float] = []
    for case in context.standalone:
        samples += timed(lambda case=case: plan_question(case.question, planner_context, case.viewer, None),
                         context.settings)
    return [Measurement("planning", "rule planner: question to SemanticQuery", tuple(samples))]


def _direct(con, sql: str) -> Callable[[], object]:
    def run() -> object:
        cursor = con.cursor()
        try:
            return cursor.execute(sql).fetchall()
        finally:
            cursor.close()

    return run


def answer_latency(context: BenchContext) -> list[Measurement]:
    """Whole answers, and the baseline: their compiled SQL straight on DuckDB."""
    from semantic_layer.compile import compile_query
    from semantic_layer.query import SemanticQuery

    assistant = context.assistant
    answers: list[float] = []
    baseline: list[float] = []
    for case in context.standalone:
        answers += timed(lambda case=case: assistant.ask(case.question, case.viewer), context.settings)
        answer = assistant.ask(case.question, case.viewer)
        if str(answer.status) == "answered" and answer.query is not None:
            sql = compile_query(SemanticQuery.model_validate(answer.query), assistant.catalog).sql()
            baseline += timed(_direct(assistant.runner.con, sql), context.settings)
    return [Measurement("answer", "whole answer: plan, compile, guard, RLS, run, narrative", tuple(answers)),
            Measurement("baseline", "the same compiled SQL run directly on DuckDB", tuple(baseline))]


def chat_load_latency(context: BenchContext) -> list[Measurement]:
    """`users` simulated chat sessions on loopback for `seconds`, asking the eval questions in turn."""
    from assistant.app.load import chat_load

    settings = context.settings
    result = chat_load(context.assistant, [case.question for case in context.standalone],
                       users=settings.users, seconds=settings.seconds)
    what = f"chat app on 127.0.0.1: {result.users} users for {result.seconds:g} s, queue concurrency {result.concurrency}"
    return [Measurement("chat-load", what, result.samples_ms, result.failures)]


BENCHES: dict[str, Callable[[BenchContext], list[Measurement]]] = {
    "planning": planning_latency,
    "answer": answer_latency,
    "chat-load": chat_load_latency,
}
# What `cs-assistant bench` runs when no --bench is named: the quick ones.
DEFAULT_BENCHES = ("planning", "answer")


def run_benches(context: BenchContext, names: Sequence[str] | None = None) -> list[Measurement]:
    """The chosen benchmarks (all by default), in registry order."""
    unknown = sorted(set(names or ()) - set(BENCHES))
    if unknown:
        raise ValueError(f"unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(BENCHES)}")
    chosen = names or DEFAULT_BENCHES
    return [m for name, bench in BENCHES.items() if name in chosen for m in bench(context)]


def ratios(measurements: Sequence[Measurement]) -> dict[str, float]:
    """Whole answer against the bare-DuckDB baseline, at p50 and p95, when both were measured."""
    by_name = {m.name: m for m in measurements}
    answer, base = by_name.get("answer"), by_name.get("baseline")
    if answer is None or base is None or not base.samples_ms or not answer.samples_ms:
        return {}
    return {"answer/baseline p50": answer.p50 / base.p50, "answer/baseline p95": answer.p95 / base.p95}


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:,.2f}"


def bench_table(measurements: Sequence[Measurement], settings: BenchSettings) -> str:
    """The measurements as a text table, then the ratios."""
    rows = [[m.name, str(len(m.samples_ms)), str(len(m.failures)), _ms(m.p50), _ms(m.p95), _ms(m.mean), m.description]
            for m in measurements]
    lines = [f"{settings.repeats} timed run(s) per question after {settings.warmup} warm-up run(s); milliseconds.", "",
             format_table(["bench", "samples", "failed", "p50", "p95", "mean", "what"], rows)]
    lines += [f"failed: {failure}" for m in measurements for failure in m.failures[:5]]
    lines += [f"{name}: {value:.2f}×" for name, value in ratios(measurements).items()]
    return "\n".join(lines)


def bench_json(measurements: Sequence[Measurement], settings: BenchSettings) -> str:
    """The same as one JSON object."""
    return json.dumps({"repeats": settings.repeats, "warmup": settings.warmup,
                       "measurements": [m.to_dict() for m in measurements], "ratios": ratios(measurements)}, indent=2)
