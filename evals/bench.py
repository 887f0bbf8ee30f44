"""Latency benchmarks over the eval questions: a measurement, never a pass/fail test.

Each benchmark is a function from a `BenchContext` to `Measurement`s, registered by name in
`BENCHES`; `cs-assistant bench` runs the chosen ones and prints one table (or JSON) with the
machine's load average. A ratio against bare DuckDB is always taken from PAIRED samples:
the same question's answer and baseline run back to back (A B A B …), one ratio per pair,
and the p50/p95 are over those ratios, so a noisy neighbour slows both halves of a pair
instead of skewing one pool against the other.

    planning  the rule planner alone: question → SemanticQuery (no SQL runs)
    answer    whole answers through Assistant.ask with the query caches off (cache=False),
              each paired with bare DuckDB running exactly the statements that answer sent
              (`answer.statements`) on a cursor of the same connection; queries per answer
    repeat    the same question asked again with the caches on: what a repeated question or
              a starter button costs (the render only), with the cache hits counted
    cold      a new process: `cs-assistant ask` paired with `python -c` importing duckdb and
              running the same statements on the same file; not run unless asked
    chat-load N users asking through the chat app's endpoint on loopback for T seconds
              (assistant/app/load.py); not run unless asked, since it takes T seconds
    peer      our SQL and boring-semantic-layer's for the same five metrics, paired on bare
              DuckDB (evals/peer.py; needs the separate peer venv); not run unless asked
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from assistant.answer import format_table
from evals.cases import Case

COLD_QUESTIONS = ("nrr last quarter", "open tickets by priority", "mrr by segment by month this year")


@dataclass(frozen=True)
class BenchSettings:
    """How often each call runs: `warmup` untimed, then `repeats` timed (pairs, for the paired benches)."""

    repeats: int = 3
    warmup: int = 1
    users: int = 20  # chat-load: simulated users at once
    seconds: float = 60.0  # chat-load: how long they keep asking
    limit: int | None = None  # at most this many questions, spread evenly over the set (large warehouses)

    def __post_init__(self) -> None:
        if self.repeats < 1 or self.warmup < 0:
            raise ValueError("repeats must be at least 1 and warmup at least 0")
        if self.users < 1 or self.seconds <= 0:
            raise ValueError("users must be at least 1 and seconds above 0")
        if self.limit is not None and self.limit < 1:
            raise ValueError("limit must be at least 1")


@dataclass(frozen=True)
class Measurement:
    """Latency samples of one kind of call in milliseconds; for a paired bench, each pair's ratio too."""

    name: str
    description: str
    samples_ms: tuple[float, ...]
    failures: tuple[str, ...] = ()  # requests that failed (chat-load), each described
    ratios: tuple[float, ...] = ()  # paired benches: this call's time over its baseline's, one per pair
    counts: dict[str, float | str] = field(default_factory=dict)  # other figures: queries per answer, cache hits

    @property
    def p50(self) -> float | None:
        return percentile(self.samples_ms, 50)

    @property
    def p95(self) -> float | None:
        return percentile(self.samples_ms, 95)

    @property
    def mean(self) -> float | None:
        return statistics.fmean(self.samples_ms) if self.samples_ms else None

    @property
    def ratio_p50(self) -> float | None:
        return percentile(self.ratios, 50)

    @property
    def ratio_p95(self) -> float | None:
        return percentile(self.ratios, 95)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "description": self.description, "samples": len(self.samples_ms),
                "p50_ms": self.p50, "p95_ms": self.p95, "mean_ms": self.mean, "failed": len(self.failures),
                "failures": list(self.failures[:20]), "pairs": len(self.ratios), "ratio_p50": self.ratio_p50,
                "ratio_p95": self.ratio_p95, "counts": dict(self.counts)}


@dataclass
class BenchContext:
    """What a benchmark may use: the assistant under test (query caches off), one with them on
    (`cached`, for `repeat`), the questions, the settings, and the command that starts the CLI."""

    assistant: Any  # assistant.service.Assistant
    cases: Sequence[Case]
    settings: BenchSettings = field(default_factory=BenchSettings)
    cached: Any = None  # an Assistant with its caches on; None when `repeat` is not run
    warehouse: str | None = None  # the file, for benches that start processes of their own
    cli: Sequence[str] = (sys.executable, "-m", "assistant.cli")

    @property
    def standalone(self) -> list[Case]:
        """Cases that are one question on their own (follow-ups need their conversation), at most `limit`."""
        cases = [c for c in self.cases if not c.conversation]
        return spread(cases, self.settings.limit)


def percentile(values: Sequence[float], p: float) -> float | None:
    """evals.report's nearest-rank percentile, imported when first used: that module loads the planner, and
    the CLI reads this registry on every start."""
    from evals.report import percentile as nearest_rank

    return nearest_rank(values, p)


def spread(items: Sequence[Any], limit: int | None) -> list[Any]:
    """At most `limit` of `items`, evenly spaced and in order (every family, not just the first)."""
    if limit is None or len(items) <= limit:
        return list(items)
    return [items[i * len(items) // limit] for i in range(limit)]


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def timed(call: Callable[[], object], settings: BenchSettings) -> list[float]:
    """`call` run `warmup` times untimed, then `repeats` times; the timed runs in milliseconds."""
    for _ in range(settings.warmup):
        call()
    samples = []
    for _ in range(settings.repeats):
        start = time.perf_counter()
        call()
        samples.append(_ms(start))
    return samples


def paired(call: Callable[[], object], baseline: Callable[[object], object],
           settings: BenchSettings) -> list[tuple[float, float]]:
    """(call ms, baseline ms) pairs, interleaved A B A B …, after `warmup` untimed pairs; each baseline is
    handed what its own call returned (an answer's statements are the baseline's SQL)."""
    for _ in range(settings.warmup):
        baseline(call())
    pairs = []
    for _ in range(settings.repeats):
        start = time.perf_counter()
        result = call()
        a = _ms(start)
        start = time.perf_counter()
        baseline(result)
        pairs.append((a, _ms(start)))
    return pairs


def pair_ratios(pairs: Sequence[tuple[float, float]]) -> tuple[float, ...]:
    """Each pair's first time over its second (pairs with a zero baseline are left out)."""
    return tuple(a / b for a, b in pairs if b > 0)


def planning_latency(context: BenchContext) -> list[Measurement]:
    """The rule planner alone, per question."""
    from assistant.planner import plan_question

    samples: list[float] = []
    for case in context.standalone:
        planner_context = context.assistant.context_for(case.viewer)
        samples += timed(lambda case=case: plan_question(case.question, planner_context, case.viewer, None),
                         context.settings)
    return [Measurement("planning", "rule planner: question to SemanticQuery", tuple(samples))]


def run_statements(con, statements: Sequence[str]) -> int:
    """Bare DuckDB: each statement on a fresh cursor of `con`, every row fetched; the rows fetched in all."""
    fetched = 0
    for sql in statements:
        cursor = con.cursor()
        try:
            fetched += len(cursor.execute(sql).fetchall())
        finally:
            cursor.close()
    return fetched


def _answered(answer) -> bool:
    return str(answer.status) == "answered" and bool(answer.statements)


def answer_latency(context: BenchContext) -> list[Measurement]:
    """Whole answers (caches off), each paired with bare DuckDB running the statements that answer sent.

    RuntimeError when a timed answer sent no statement: a cache answered it, and the pair would time nothing."""
    assistant = context.assistant
    con = assistant.runner.con

    def baseline(answer) -> int:
        if not answer.statements:
            raise RuntimeError(f"{answer.question!r} was answered without a query: the answer bench needs an "
                               "assistant with its query caches off")
        return run_statements(con, answer.statements)

    pairs: list[tuple[float, float]] = []
    queries: list[int] = []
    unpaired = 0
    for case in context.standalone:
        first = assistant.ask(case.question, case.viewer)
        if not _answered(first):
            unpaired += 1  # a clarification or refusal sends nothing to pair with
            continue
        queries.append(len(first.statements))
        pairs += paired(lambda case=case: assistant.ask(case.question, case.viewer), baseline, context.settings)
    counts = {"questions paired": len(queries), "questions not answered (unpaired)": unpaired}
    if queries:
        counts |= {"queries per answer, mean": statistics.fmean(queries), "queries per answer, max": max(queries)}
    return [Measurement("answer", "whole answer, caches off: plan, compile, guard, RLS, run, narrative",
                        tuple(a for a, _ in pairs), ratios=pair_ratios(pairs), counts=counts),
            Measurement("baseline", "bare DuckDB: the statements each answer sent, on a cursor",
                        tuple(b for _, b in pairs))]


def repeat_latency(context: BenchContext) -> list[Measurement]:
    """A question asked again with the caches on: the first ask fills them, the timed ones should hit.

    A hit is a repeat that sent no statement to DuckDB (`answer.statements` empty) and gave the same rows."""
    assistant = context.cached
    if assistant is None:
        raise ValueError("the repeat bench needs an assistant with its caches on (BenchContext.cached)")
    samples: list[float] = []
    hits = 0
    before = assistant.cache_stats()
    for case in context.standalone:
        first = assistant.ask(case.question, case.viewer)
        if str(first.status) != "answered":
            continue
        for _ in range(context.settings.repeats):
            start = time.perf_counter()
            again = assistant.ask(case.question, case.viewer)
            samples.append(_ms(start))
            hits += again.rows == first.rows and not again.statements
    after = assistant.cache_stats()
    counts = {"repeats": len(samples), "cache hits (no query sent)": hits}
    counts |= {f"{kind} cache hits / misses": f"{after[kind]['hits'] - before[kind]['hits']} / "
                                               f"{after[kind]['misses'] - before[kind]['misses']}"
               for kind in ("plans", "compiled", "results") if kind in after}
    return [Measurement("repeat", "the same question again, caches on: render only when the caches hit",
                        tuple(samples), counts=counts)]


# A bare process on the same file: the interpreter, duckdb's import and the statements, nothing else.
_BARE = """
import json, sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
for sql in json.loads(sys.argv[2]):
    con.execute(sql).fetchall()
"""


def _process(command: Sequence[str], env: dict[str, str]) -> Callable[[], object]:
    def run() -> object:
        done = subprocess.run(list(command), env=env, capture_output=True, text=True, timeout=300)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command[:4])} … exited {done.returncode}: {done.stderr.strip()[-300:]}")
        return done

    return run


def _without_model(env: dict[str, str]) -> dict[str, str]:
    """The environment with no OPENAI_* variable: a cold start as it is without a model."""
    return {k: v for k, v in env.items() if not k.startswith("OPENAI_")}


def cold_latency(context: BenchContext) -> list[Measurement]:
    """A fresh `cs-assistant ask` process, paired with a fresh python + duckdb running the same statements."""
    if context.warehouse is None:
        raise ValueError("the cold bench needs the warehouse file (BenchContext.warehouse)")
    env = _without_model(dict(os.environ))
    pairs: list[tuple[float, float]] = []
    for question in COLD_QUESTIONS:
        answer = context.assistant.ask(question, None)
        if not _answered(answer):
            continue
        ask = _process([*context.cli, "ask", question, "--warehouse", context.warehouse], env)
        bare = _process([sys.executable, "-c", _BARE, context.warehouse, json.dumps(answer.statements)], env)
        pairs += paired(ask, lambda _: bare(), context.settings)
    questions = "; ".join(COLD_QUESTIONS)
    return [Measurement("cold", f"new process: cs-assistant ask ({questions})", tuple(a for a, _ in pairs),
                        ratios=pair_ratios(pairs)),
            Measurement("cold-baseline", "new process: python -c, import duckdb, run the same statements",
                        tuple(b for _, b in pairs))]


def chat_load_latency(context: BenchContext) -> list[Measurement]:
    """`users` simulated chat sessions on loopback for `seconds`, asking the eval questions in turn."""
    from assistant.app.load import chat_load

    settings = context.settings
    result = chat_load(context.assistant, [case.question for case in context.standalone],
                       users=settings.users, seconds=settings.seconds)
    what = f"chat app on 127.0.0.1: {result.users} users for {result.seconds:g} s, queue concurrency {result.concurrency}"
    return [Measurement("chat-load", what, result.samples_ms, result.failures)]


def peer_latency(context: BenchContext) -> list[Measurement]:
    """Our SQL against boring-semantic-layer's for the same five metrics, paired on bare DuckDB."""
    from evals.peer import peer_measurements

    return peer_measurements(context)


BENCHES: dict[str, Callable[[BenchContext], list[Measurement]]] = {
    "planning": planning_latency,
    "answer": answer_latency,
    "repeat": repeat_latency,
    "cold": cold_latency,
    "chat-load": chat_load_latency,
    "peer": peer_latency,
}
# What `cs-assistant bench` runs when no --bench is named: the quick ones.
DEFAULT_BENCHES = ("planning", "answer", "repeat")


def chosen_benches(names: Sequence[str] | None = None) -> list[str]:
    """The benchmarks to run, in registry order (the default ones when none is named)."""
    unknown = sorted(set(names or ()) - set(BENCHES))
    if unknown:
        raise ValueError(f"unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(BENCHES)}")
    chosen = names or DEFAULT_BENCHES
    return [name for name in BENCHES if name in chosen]


def run_benches(context: BenchContext, names: Sequence[str] | None = None) -> list[Measurement]:
    """The chosen benchmarks (the default ones when none is named), in registry order."""
    return [m for name in chosen_benches(names) for m in BENCHES[name](context)]


def ratios(measurements: Sequence[Measurement]) -> dict[str, float]:
    """Each paired bench's p50 and p95 over its per-pair ratios against its baseline."""
    found = {}
    for m in measurements:
        if m.ratios:
            found[f"{m.name}/baseline p50 (paired)"] = m.ratio_p50
            found[f"{m.name}/baseline p95 (paired)"] = m.ratio_p95
    return found


def load_average() -> tuple[float, float, float] | None:
    """The machine's 1, 5 and 15 minute load averages (None where the OS has none): noise to read beside a figure."""
    try:
        return os.getloadavg()
    except OSError:
        return None


def _num(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def _count(value: float | str) -> str:
    if isinstance(value, str):
        return value
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def _load_line(load: tuple[float, float, float] | None) -> str:
    return "load average: unknown" if load is None else "load average: " + " ".join(f"{x:.2f}" for x in load)


def bench_table(measurements: Sequence[Measurement], settings: BenchSettings,
                load: tuple[float, float, float] | None = None) -> str:
    """The measurements as a text table, then their counts, the paired ratios and the load average."""
    rows = [[m.name, str(len(m.samples_ms)), str(len(m.failures)), _num(m.p50), _num(m.p95), _num(m.mean),
             _num(m.ratio_p50), _num(m.ratio_p95), m.description] for m in measurements]
    lines = [f"{settings.repeats} timed run(s) (pairs) per question after {settings.warmup} warm-up run(s); "
             "milliseconds; ratios over paired samples.", "",
             format_table(["bench", "samples", "failed", "p50", "p95", "mean", "ratio p50", "ratio p95", "what"],
                          rows)]
    lines += [f"failed: {failure}" for m in measurements for failure in m.failures[:5]]
    lines += [f"{m.name}: {what}: {_count(value)}" for m in measurements for what, value in m.counts.items()]
    lines += [f"{name}: {value:.2f}×" for name, value in ratios(measurements).items()]
    lines.append(_load_line(load))
    return "\n".join(lines)


def bench_json(measurements: Sequence[Measurement], settings: BenchSettings,
               load: tuple[float, float, float] | None = None) -> str:
    """The same as one JSON object."""
    return json.dumps({"repeats": settings.repeats, "warmup": settings.warmup, "limit": settings.limit,
                       "load_average": list(load) if load else None,
                       "measurements": [m.to_dict() for m in measurements], "ratios": ratios(measurements)}, indent=2)
