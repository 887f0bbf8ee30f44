"""Run eval cases through an assistant and judge each answer against its expected result.

Every case ends in one of three outcomes (`Outcome`): correct; declined (the assistant asked
back or said it cannot answer, when something else was expected); or confidently wrong (it
answered, and the rows are not the expected ones, or it answered a question it should have
declined). A confident wrong number is the worst outcome, so it is counted on its own.

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
from enum import StrEnum
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


class Outcome(StrEnum):
    """How one case ended."""

    correct = "correct"
    declined = "declined"
    wrong = "confidently wrong"


DECLINES = frozenset({"clarify", "unanswerable", "refused", "error"})
"""Statuses that give no number: the assistant asked back, could not answer, refused or reported a bug."""


@dataclass(frozen=True)
class CaseResult:
    """One case's outcome and why, the answer, the expected table, the latency."""

    case: Case
    outcome: Outcome
    reason: str
    answer: Answer | None
    expected: Table | None
    latency_ms: float | None
    harness_error: str = ""

    @property
    def passed(self) -> bool:
        return self.outcome is Outcome.correct

    @property
    def confident(self) -> bool:
        """The assistant gave an answer (a number or rows), i.e. it was confident enough to answer."""
        return self.answer is not None and str(self.answer.status) == "answered"


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


def judge(case: Case, answer: Answer, expected: Table | None) -> tuple[Outcome, Verdict]:
    """Status cases compare statuses; SQL cases need an answered status and the expected rows.

    Any answer with rows where a decline was expected, or with other rows than expected, is
    confidently wrong; a decline where rows (or another decline) were expected is declined.
    """
    status = str(answer.status)
    if case.status is not None:
        verdict = compare_status(case.status.value, status)
        if verdict.passed:
            return Outcome.correct, verdict
        return (Outcome.declined if status in DECLINES else Outcome.wrong), verdict
    if status != "answered":
        return Outcome.declined, Verdict(False, f"expected rows, the answer's status is {status}: {answer.message}")
    percent = {m["name"] for m in answer.metrics if m.get("unit") == "percent"}
    leading = (answer.query or {}).get("leading")  # the rows that answer; the rest rank the others for context
    rows = answer.rows[:leading] if leading else answer.rows
    verdict = compare_tables(expected.columns, expected.rows, answer.columns, rows, ordered=case.ordered,
                             tolerance=Tolerance(abs_tol=case.tolerance),
                             percent_columns=[j for j, c in enumerate(answer.columns) if c.split("__")[0] in percent])
    return (Outcome.correct if verdict.passed else Outcome.wrong), verdict


def run_case(case: Case, assistant: Asker, con: duckdb.DuckDBPyConnection) -> CaseResult:
    """Ask one case and judge it; never raises for the assistant's failures."""
    try:
        expected = expected_table(con, case.sql) if case.sql is not None else None
    except ExpectedSqlError as error:
        return CaseResult(case, Outcome.declined, "the expected SQL failed", None, None, None, harness_error=str(error))
    try:
        answer, latency = ask_in_conversation(assistant, case)
    except Exception as error:  # noqa: BLE001 - a crash of the system under test is a measured miss (no number shown)
        return CaseResult(case, Outcome.declined, f"the assistant raised {type(error).__name__}: {error}", None,
                          expected, None)
    outcome, verdict = judge(case, answer, expected)
    return CaseResult(case, outcome, verdict.reason, answer, expected, latency)


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
