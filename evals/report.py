"""Summaries of an eval run: the three outcomes overall and per category, per set, side by side.

`summarize` is pure over one set's results; `terminal_report` and `markdown_report` render
one or more sets (dev and the held-out batches) side by side. Each set says how many cases
were correct, declined and confidently wrong, and of the answers it gave (the confident
ones), how many were correct. A miss shows what the planner did (its route, interpretation
and SemanticQuery) and the first rows of both sides, so a reader can tell a planner mistake
from a wrong expectation; confidently wrong misses come first.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from assistant.answer import format_table
from assistant.planner.plan import CONFIDENT
from evals.run import CaseResult, Outcome

SHOWN_ROWS = 5


def percentile(values: Sequence[float], p: float) -> float | None:
    """The nearest-rank `p`-th percentile (0 < p <= 100) of `values`; None when there are none."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def _share(part: int, whole: int) -> float:
    return 100.0 * part / whole if whole else 0.0


@dataclass(frozen=True)
class Tally:
    """The outcomes of the cases under one label."""

    label: str
    cases: int
    correct: int
    declined: int
    wrong: int
    answered: int = 0  # cases the assistant answered with rows: its confident answers
    answered_correct: int = 0

    @property
    def accuracy(self) -> float:
        return _share(self.correct, self.cases)

    @property
    def declined_pct(self) -> float:
        return _share(self.declined, self.cases)

    @property
    def wrong_pct(self) -> float:
        return _share(self.wrong, self.cases)

    @property
    def confident_precision(self) -> float | None:
        """Of the confident answers, the share that was correct; None when there was none."""
        return _share(self.answered_correct, self.answered) if self.answered else None


def tally(label: str, results: Sequence[CaseResult]) -> Tally:
    """Count the three outcomes, and the confident answers and how many of them were right."""
    counts = {o: sum(1 for r in results if r.outcome is o) for o in Outcome}
    answered = [r for r in results if r.confident]
    return Tally(label, len(results), counts[Outcome.correct], counts[Outcome.declined], counts[Outcome.wrong],
                 len(answered), sum(1 for r in answered if r.passed))


CONFIDENCE_BINS = (0.0, 0.2, 0.4, CONFIDENT, 0.8, 1.0001)  # the rules answer on their own from CONFIDENT


@dataclass(frozen=True)
class Bin:
    """Cases whose planner confidence fell in [low, high): how many, and the outcomes."""

    low: float
    high: float
    cases: int
    correct: int
    wrong: int


def calibration(results: Sequence[CaseResult]) -> tuple[Bin, ...]:
    """Outcomes per band of the planner's confidence: the higher the band, the more of it should be correct."""
    scored = [r for r in results if r.answer is not None and r.answer.confidence is not None]
    bins = []
    for low, high in zip(CONFIDENCE_BINS, CONFIDENCE_BINS[1:]):
        inside = [r for r in scored if low <= r.answer.confidence < high]
        bins.append(Bin(low, min(high, 1.0), len(inside), sum(1 for r in inside if r.outcome is Outcome.correct),
                        sum(1 for r in inside if r.outcome is Outcome.wrong)))
    return tuple(bins)


@dataclass(frozen=True)
class Summary:
    """What a run measured on one eval set."""

    overall: Tally
    categories: tuple[Tally, ...]
    p50_ms: float | None
    p95_ms: float | None
    misses: tuple[CaseResult, ...]
    harness_errors: tuple[CaseResult, ...]
    planner: str
    name: str = "dev"
    bins: tuple[Bin, ...] = ()


def summarize(results: Sequence[CaseResult], planner: str = "rules", name: str = "dev") -> Summary:
    """Outcomes overall and per category (families first, then shapes and traits), latency percentiles."""
    counted = [r for r in results if not r.harness_error]
    labels: dict[str, list[CaseResult]] = {}
    kinds: dict[str, int] = {}  # 0 family, 1 shape, 2+ traits: the position in Case.categories
    for result in counted:
        for kind, label in enumerate(result.case.categories):
            labels.setdefault(label, []).append(result)
            kinds[label] = min(kind, kinds.get(label, kind))
    order = sorted(labels, key=lambda label: (min(kinds[label], 2), label))
    latencies = [r.latency_ms for r in counted if r.latency_ms is not None]
    misses = sorted((r for r in counted if not r.passed), key=lambda r: r.outcome is not Outcome.wrong)
    return Summary(
        overall=tally("overall", counted),
        categories=tuple(tally(label, labels[label]) for label in order),
        p50_ms=percentile(latencies, 50),
        p95_ms=percentile(latencies, 95),
        misses=tuple(misses),
        harness_errors=tuple(r for r in results if r.harness_error),
        planner=planner,
        name=name,
        bins=calibration(counted),
    )


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:,.1f} ms"


def headline(summary: Summary) -> str:
    """One line: the three outcomes of a set, and how often its confident answers were right."""
    t = summary.overall
    precision = "no confident answers" if t.confident_precision is None else \
        f"of {t.answered} confident answers {t.confident_precision:.1f}% correct"
    return (f"{summary.name}: {t.correct}/{t.cases} correct ({t.accuracy:.1f}%), {t.declined} declined "
            f"({t.declined_pct:.1f}%), {t.wrong} confidently wrong ({t.wrong_pct:.1f}%); {precision}; "
            f"latency p50 {_ms(summary.p50_ms)}, p95 {_ms(summary.p95_ms)}")


def _side_by_side(summaries: Sequence[Summary]) -> tuple[list[str], list[list[str]]]:
    """Columns and rows of the category table: for each set its cases and the share of each outcome."""
    header = ["category"]
    for s in summaries:
        header += [f"{s.name} cases", "correct", "declined", "wrong"]
    labels = ["overall"] + list(dict.fromkeys(t.label for s in summaries for t in s.categories))
    rows = []
    for label in labels:
        row = [label]
        for s in summaries:
            found = s.overall if label == "overall" else next((t for t in s.categories if t.label == label), None)
            row += ["", "", "", ""] if found is None else [
                str(found.cases), f"{found.accuracy:.1f}%", f"{found.declined_pct:.1f}%", f"{found.wrong_pct:.1f}%"]
        rows.append(row)
    return header, rows


def _rows(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    shown = format_table(list(columns), [list(r) for r in rows[:SHOWN_ROWS]])
    more = f"\n… {len(rows) - SHOWN_ROWS} more row(s)" if len(rows) > SHOWN_ROWS else ""
    return shown + more


def _miss_facts(result: CaseResult) -> list[tuple[str, str]]:
    """(label, text) pairs describing one miss, shared by both renderings."""
    case, answer = result.case, result.answer
    facts = [("question", case.question), ("outcome", result.outcome.value), ("categories", ", ".join(case.categories)),
             ("why", result.reason)]
    if case.conversation:
        facts.append(("after", " → ".join(case.conversation)))
    if not case.viewer.sees_all_accounts:
        facts.append(("viewer", f"CSM {case.viewer.csm_id}"))
    if answer is not None:
        confidence = "" if answer.confidence is None else f"; confidence {answer.confidence:.2f}"
        facts += [("status", f"{answer.status} ({answer.planner or 'no planner'}"
                             f"{'; ' + answer.route_reason if answer.route_reason else ''}{confidence})"),
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


_MARK = {Outcome.wrong: "✗", Outcome.declined: "?"}


def terminal_report(summaries: Summary | Sequence[Summary], show_misses: bool = True) -> str:
    """The outcome table of every set side by side, a headline per set and (optionally) the misses, as plain text."""
    summaries = [summaries] if isinstance(summaries, Summary) else list(summaries)
    lines = [f"Eval ({summaries[0].planner} planner)", *[headline(s) for s in summaries], "",
             format_table(*_side_by_side(summaries))]
    for summary in summaries:
        for result in summary.harness_errors:
            lines.append(f"HARNESS ERROR {summary.name} {result.case.file}: {result.case.id}: {result.harness_error}")
    for summary in summaries if show_misses else []:
        if not summary.misses:
            continue
        lines += ["", f"{summary.name}: {len(summary.misses)} miss(es), confidently wrong first:"]
        for result in summary.misses:
            lines += ["", f"{_MARK[result.outcome]} {result.case.id}",
                      *[f"  {label}: {text}" for label, text in _miss_facts(result)]]
            for title, table in _tables(result):
                lines += [f"  {title}:", *["    " + line for line in table.splitlines()]]
    return "\n".join(lines)


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown_report(summaries: Summary | Sequence[Summary]) -> str:
    """The same content as Markdown: headlines, the side-by-side table, then one section per miss and set."""
    summaries = [summaries] if isinstance(summaries, Summary) else list(summaries)
    header, rows = _side_by_side(summaries)
    lines = [f"# Evaluation report: {summaries[0].planner} planner", "",
             "Outcomes: **correct**; **declined** (asked back or said it cannot answer); **confidently wrong** "
             "(answered with rows that are not the expected ones, or answered what it should have declined).", "",
             *[f"- {headline(s)}" for s in summaries], "",
             "| " + " | ".join(header) + " |", "|---|" + "---:|" * (len(header) - 1),
             *[f"| {' | '.join(_md_cell(c) for c in row)} |" for row in rows]]
    lines += ["", "## Confidence and outcomes", "",
              "The planner's confidence for each case, in bands, and how the cases in each band ended "
              f"(answered by the rules from {CONFIDENT:.1f}; below, asked back or sent to the agent).", "",
              "| set | confidence | cases | correct | confidently wrong |", "|---|---|---:|---:|---:|"]
    lines += [f"| {s.name} | {b.low:.1f}–{b.high:.1f} | {b.cases} | {_share(b.correct, b.cases):.1f}% | "
              f"{_share(b.wrong, b.cases):.1f}% |" for s in summaries for b in s.bins if b.cases]
    for summary in summaries:
        if summary.harness_errors:
            lines += ["", f"## Harness errors ({summary.name})", ""]
            lines += [f"- `{r.case.file}` `{r.case.id}`: {_md_cell(r.harness_error)}" for r in summary.harness_errors]
    for summary in summaries:
        lines += ["", f"## Misses: {summary.name} ({len(summary.misses)})"]
        if not summary.misses:
            lines += ["", "None."]
        for result in summary.misses:
            lines += ["", f"### {_MARK[result.outcome]} `{result.case.id}` ({result.case.file})", ""]
            lines += [f"- **{label}**: {_md_cell(text)}" for label, text in _miss_facts(result)]
            for title, table in _tables(result):
                lines += ["", f"{title}:", "", "```", table, "```"]
    return "\n".join(lines) + "\n"
