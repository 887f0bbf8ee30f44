"""Run eval cases through an assistant and judge each answer against its expected result.

For each case: replay its conversation in a fresh chat, ask the question as the case's
viewer, time that last ask, run the expected SQL on a cursor of a hardened connection (the
same DuckDB config as the assistant's, since DuckDB refuses two configs for one file in one
process), and compare. A case whose expected SQL fails is a harness error (the case set is
broken); an assistant that raises is a miss (the assistant is what is being measured).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

import duckdb

from assistant.answer import Answer
from assistant.conversation import Conversation
from assistant.viewer import Viewer
from evals.cases import Case
from evals.compare import Tolerance, Verdict, compare_status, compare_tables


class Asker(Protocol):
    """What the harness needs of an assistant: `Assistant.ask` (assistant/service.py)."""

    def ask(self, question: str, viewer: Viewer | None = None, conversation: Conversation | None = None) -> Answer: ...


@dataclass(frozen=True)
class Table:
    """A result table: column names and rows."""

    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]


@dataclass(frozen=True)
class CaseResult:
    """One case's outcome: pass or miss and why, the answer, the expected table, the latency."""

    case: Case
    passed: bool
    reason: str
    answer: Answer | None
    expected: Table | None
    latency_ms: float | None
    harness_error: str = ""


class ExpectedSqlError(Exception):
    """A case's expected SQL did not run: the case set is wrong, not the assistant."""


def expected_table(con: duckdb.DuckDBPyConnection, sql: str) -> Table:
    """Run one expected query on its own cursor of `con`."""
    cursor = con.cursor()
    try:
        cursor.execute(sql)
        rows = cursor.fetchall()
        return Table(tuple(d[0] for d in cursor.description or ()), tuple(tuple(r) for r in rows))
    except duckdb.Error as error:
        raise ExpectedSqlError(" ".join(str(error).split())) from None
    finally:
        cursor.close()


def ask_in_conversation(assistant: Asker, case: Case) -> tuple[Answer, float]:
    """Replay the case's earlier questions in a fresh chat, then ask it; the last ask's answer and milliseconds."""
    conversation = Conversation()
    for earlier in case.conversation:
        assistant.ask(earlier, case.viewer, conversation)
    start = time.perf_counter()
    answer = assistant.ask(case.question, case.viewer, conversation)
    return answer, (time.perf_counter() - start) * 1000


def judge(case: Case, answer: Answer, expected: Table | None) -> Verdict:
    """Status cases compare statuses; SQL cases need an answered status and the expected rows."""
    if case.status is not None:
        return compare_status(case.status.value, str(answer.status))
    if str(answer.status) != "answered":
        return Verdict(False, f"expected rows, the answer's status is {answer.status}: {answer.message}")
    return compare_tables(expected.columns, expected.rows, answer.columns, answer.rows, ordered=case.ordered,
                          tolerance=Tolerance(abs_tol=case.tolerance))


def run_case(case: Case, assistant: Asker, con: duckdb.DuckDBPyConnection) -> CaseResult:
    """Ask one case and judge it; never raises for the assistant's failures."""
    try:
        expected = expected_table(con, case.sql) if case.sql is not None else None
    except ExpectedSqlError as error:
        return CaseResult(case, False, "the expected SQL failed", None, None, None, harness_error=str(error))
    try:
        answer, latency = ask_in_conversation(assistant, case)
    except Exception as error:  # noqa: BLE001 - a crash of the system under test is a measured miss
        return CaseResult(case, False, f"the assistant raised {type(error).__name__}: {error}", None, expected, None)
    verdict = judge(case, answer, expected)
    return CaseResult(case, verdict.passed, verdict.reason, answer, expected, latency)


def run_cases(cases: Iterable[Case], assistant: Asker, con: duckdb.DuckDBPyConnection,
              progress: Callable[[CaseResult], None] | None = None) -> list[CaseResult]:
    """Every case in order; `progress` sees each result as it comes."""
    results = []
    for case in cases:
        result = run_case(case, assistant, con)
        results.append(result)
        if progress is not None:
            progress(result)
    return results


class AgentRouted:
    """Every question straight to the assistant's LLM agent (`--planner llm`), so the agent is measured alone."""

    def __init__(self, assistant):
        if assistant.agent is None:
            raise ValueError("--planner llm needs a model: set OPENAI_API_KEY (and OPENAI_BASE_URL, OPENAI_MODEL)")
        self.assistant = assistant

    def ask(self, question: str, viewer: Viewer | None = None, conversation: Conversation | None = None) -> Answer:
        from semantic_layer.query import SemanticQuery

        answer = self.assistant.agent.answer(question, viewer or Viewer.leader(), conversation, self.assistant)
        answer.planner = "llm"
        answer.route_reason = "--planner llm sends every question to the agent"
        if conversation is not None:
            conversation.add(question, answer.status,
                             SemanticQuery.model_validate(answer.query) if answer.query is not None else None)
        return answer
