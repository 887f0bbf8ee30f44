"""Summaries of an eval run: accuracy overall and per category, latency, and every miss.

`summarize` is pure over the results; `terminal_report` and `markdown_report` render it.
A miss shows what the planner did (its route, interpretation and SemanticQuery) and the
first rows of both sides, so a reader can tell a planner mistake from a wrong expectation.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from assistant.answer import format_table
from evals.run import CaseResult

SHOWN_ROWS = 5


def percentile(values: Sequence[float], p: float) -> float | None:
    """The nearest-rank `p`-th percentile (0 < p <= 100) of `values`; None when there are none."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


@dataclass(frozen=True)
class Tally:
    """Cases and passes under one label."""

    label: str
    cases: int
    passed: int

    @property
    def accuracy(self) -> float:
        return 100.0 * self.passed / self.cases if self.cases else 0.0


@dataclass(frozen=True)
class Summary:
    """What a run measured."""

    overall: Tally
    categories: tuple[Tally, ...]
    p50_ms: float | None
    p95_ms: float | None
    misses: tuple[CaseResult, ...]
    harness_errors: tuple[CaseResult, ...]
    planner: str


def summarize(results: Sequence[CaseResult], planner: str = "rules") -> Summary:
    """Accuracy overall and per category (families first, then shapes and traits), latency percentiles."""
    labels: dict[str, list[CaseResult]] = {}
    kinds: dict[str, int] = {}  # 0 family, 1 shape, 2+ traits: the position in Case.categories
    for result in results:
        for kind, label in enumerate(result.case.categories):
            labels.setdefault(label, []).append(result)
            kinds[label] = min(kind, kinds.get(label, kind))
    order = sorted(labels, key=lambda label: (min(kinds[label], 2), label))
    categories = tuple(Tally(label, len(labels[label]), sum(r.passed for r in labels[label])) for label in order)
    latencies = [r.latency_ms for r in results if r.latency_ms is not None]
    return Summary(
        overall=Tally("overall", len(results), sum(r.passed for r in results)),
        categories=categories,
        p50_ms=percentile(latencies, 50),
        p95_ms=percentile(latencies, 95),
        misses=tuple(r for r in results if not r.passed and not r.harness_error),
        harness_errors=tuple(r for r in results if r.harness_error),
        planner=planner,
    )


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:,.1f} ms"


def _tally_rows(summary: Summary) -> list[list[str]]:
    return [[t.label, str(t.cases), str(t.passed), f"{t.accuracy:.1f}%"] for t in (summary.overall, *summary.categories)]


def _rows(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    shown = format_table(list(columns), [list(r) for r in rows[:SHOWN_ROWS]])
    more = f"\n… {len(rows) - SHOWN_ROWS} more row(s)" if len(rows) > SHOWN_ROWS else ""
    return shown + more


def _miss_facts(result: CaseResult) -> list[tuple[str, str]]:
    """(label, text) pairs describing one miss, shared by both renderings."""
    case, answer = result.case, result.answer
    facts = [("question", case.question), ("categories", ", ".join(case.categories)), ("why", result.reason)]
    if case.conversation:
        facts.append(("after", " → ".join(case.conversation)))
    if not case.viewer.sees_all_accounts:
        facts.append(("viewer", f"CSM {case.viewer.csm_id}"))
    if answer is not None:
        facts += [("status", f"{answer.status} ({answer.planner or 'no planner'}"
                             f"{'; ' + answer.route_reason if answer.route_reason else ''})"),
                  ("message", answer.message)]
        if answer.interpretation:
            facts.append(("interpretation", answer.interpretation))
        if answer.query is not None:
            facts.append(("query", json.dumps(answer.query, default=str)))
    return facts


def _tables(result: CaseResult) -> list[tuple[str, str]]:
    tables = []
    if result.expected is not None:
        tables.append((f"expected ({len(result.expected.rows)} rows)", _rows(result.expected.columns, result.expected.rows)))
    answer = result.answer
    if answer is not None and answer.columns:
        tables.append((f"answer ({len(answer.rows)} rows)", _rows(answer.columns, answer.rows)))
    return tables


def terminal_report(summary: Summary, show_misses: bool = True) -> str:
    """The accuracy table, latency and (optionally) the misses, as plain text."""
    lines = [f"Execution accuracy ({summary.planner} planner): {summary.overall.passed}/{summary.overall.cases} "
             f"= {summary.overall.accuracy:.1f}%",
             f"Latency per question: p50 {_ms(summary.p50_ms)}, p95 {_ms(summary.p95_ms)}", "",
             format_table(["category", "cases", "passed", "accuracy"], _tally_rows(summary))]
    for result in summary.harness_errors:
        lines.append(f"HARNESS ERROR {result.case.file}: {result.case.id}: {result.harness_error}")
    if show_misses and summary.misses:
        lines += ["", f"{len(summary.misses)} miss(es):"]
        for result in summary.misses:
            lines += ["", f"✗ {result.case.id}", *[f"  {label}: {text}" for label, text in _miss_facts(result)]]
            for title, table in _tables(result):
                lines += [f"  {title}:", *["    " + line for line in table.splitlines()]]
    return "\n".join(lines)


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown_report(summary: Summary) -> str:
    """The same content as Markdown: summary table, then one section per miss."""
    lines = [f"# Evaluation report: {summary.planner} planner", "",
             f"Execution accuracy **{summary.overall.accuracy:.1f}%** "
             f"({summary.overall.passed} of {summary.overall.cases} cases); "
             f"latency per question p50 {_ms(summary.p50_ms)}, p95 {_ms(summary.p95_ms)}.", "",
             "| category | cases | passed | accuracy |", "|---|---:|---:|---:|",
             *[f"| {' | '.join(_md_cell(c) for c in row)} |" for row in _tally_rows(summary)]]
    if summary.harness_errors:
        lines += ["", "## Harness errors", ""]
        lines += [f"- `{r.case.file}` `{r.case.id}`: {_md_cell(r.harness_error)}" for r in summary.harness_errors]
    lines += ["", f"## Misses ({len(summary.misses)})"]
    if not summary.misses:
        lines += ["", "None."]
    for result in summary.misses:
        lines += ["", f"### `{result.case.id}` ({result.case.file})", ""]
        lines += [f"- **{label}**: {_md_cell(text)}" for label, text in _miss_facts(result)]
        for title, table in _tables(result):
            lines += ["", f"{title}:", "", "```", table, "```"]
    return "\n".join(lines) + "\n"
