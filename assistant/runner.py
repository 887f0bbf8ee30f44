"""The hardened runner: the only way a question's SQL reaches DuckDB.

Every statement goes through the guard (`assistant.guard`) and row-level security
(`assistant.rls`) before it runs, on a connection opened read-only with external access,
extension loading and configuration changes switched off. Each query runs on its own
cursor of one shared connection, under a timer that interrupts it when the question's
deadline passes (planning included: DuckDB's binder and optimizer stop on an interrupt
too); the connection stays usable for the next question. Results are fetched in chunks
under a row cap and a byte cap. Failures, a deadline and a lack of memory come back as
Answers, not raises.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb
from sqlglot import exp

from assistant.answer import Answer, Status
from assistant.deadline import Deadline
from assistant.guard import (
    DEFAULT_ROW_LIMIT, GuardPolicy, Verdict, apply_limit, check_expression, check_sql, within_limit,
)
from assistant.rls import restrict
from assistant.viewer import Viewer
from data.connection import DEFAULT_MEMORY_LIMIT, DEFAULT_THREADS, hardened_config
from data.paths import WarehouseUnreadable

DEFAULT_TIMEOUT_S = 10.0
# What one answer may hold in memory: far above any table a person reads (10,000 rows of a few
# dozen columns are a few MB), far below the memory a process has, so a result of huge strings is cut.
DEFAULT_MAX_RESULT_BYTES = 50_000_000
INTERRUPT_GRACE_S = 0.8  # DuckDB stops within ~0.5 s of an interrupt while executing
FETCH_ROWS = 500  # rows per fetch: the byte cap is checked after each chunk
_CELL_BYTES = 16  # a number, date or NULL in a fetched row, roughly


@dataclass(frozen=True)
class RunnerSettings:
    """Resource limits for one runner (and every connection it opens)."""

    timeout_s: float = DEFAULT_TIMEOUT_S
    row_limit: int = DEFAULT_ROW_LIMIT
    memory_limit: str = DEFAULT_MEMORY_LIMIT
    threads: int = DEFAULT_THREADS
    max_result_bytes: int = DEFAULT_MAX_RESULT_BYTES

    def deadline(self) -> Deadline:
        """A fresh deadline for one question: `timeout_s` from now."""
        return Deadline.after(self.timeout_s)

    def duckdb_config(self) -> dict[str, object]:
        """The DuckDB connect config that locks a connection down (the one data check and summary use)."""
        return hardened_config(self.memory_limit, self.threads)


def connect_hardened(path: str | os.PathLike, settings: RunnerSettings | None = None) -> duckdb.DuckDBPyConnection:
    """Open the warehouse read-only with external access, extensions and SET locked out."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no warehouse at {path}; build one with `cs-assistant data generate`")
    try:
        return duckdb.connect(str(path), read_only=True, config=(settings or RunnerSettings()).duckdb_config())
    except duckdb.Error as error:
        raise WarehouseUnreadable.from_error(path, error) from None


def _table_sizes(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    # Fixed metadata read at start-up, never question text: sizes let the guard tell a cross join is unbounded.
    cursor = con.cursor()
    try:
        return dict(cursor.execute("SELECT table_name, estimated_size FROM duckdb_tables()").fetchall())
    finally:
        cursor.close()


def _ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 2)


class Runner:
    """Runs SQL for a viewer through guard, row-level security and a hardened connection."""

    def __init__(self, path: str | os.PathLike, settings: RunnerSettings | None = None, policy: GuardPolicy | None = None):
        self.settings = settings or RunnerSettings()
        self.con = connect_hardened(path, self.settings)
        base = policy or GuardPolicy()
        # Sizes given in the policy win (tests judge cross joins at demo scale on a tiny file).
        self.policy = replace(base, row_limit=self.settings.row_limit, table_rows=base.table_rows or _table_sizes(self.con))

    def __enter__(self) -> Runner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the shared connection (and with it every cursor)."""
        self.con.close()

    def run(self, sql: str, viewer: Viewer, question: str | None = None, deadline: Deadline | None = None) -> Answer:
        """Check, restrict and run one freehand statement by `deadline` (the settings' timeout from now when
        None); every outcome is an Answer."""
        deadline = deadline or self.settings.deadline()
        start = time.perf_counter()
        verdict = check_sql(sql, self.policy)
        return self._run_checked(verdict, viewer, question if question is not None else str(sql), sql, _ms(start),
                                 deadline)

    def run_expression(self, expression: exp.Expression, viewer: Viewer, question: str,
                       deadline: Deadline | None = None) -> Answer:
        """`run` for a freehand query that is already an AST: the full guard, then RLS."""
        deadline = deadline or self.settings.deadline()
        start = time.perf_counter()
        verdict = check_expression(expression, self.policy)
        return self._run_checked(verdict, viewer, question, expression, _ms(start), deadline)

    def run_compiled(self, tree: exp.Select, viewer: Viewer, question: str, deadline: Deadline | None = None,
                     sql: str | None = None) -> Answer:
        """Run a tree the semantic layer compiled from a catalogue `outside_allowlist` found nothing in: no guard
        (it reads only allowlisted columns by construction), the row cap and RLS, rendered once. `sql` is the
        tree's DuckDB text when the caller has it; the tree itself is never changed."""
        deadline = deadline or self.settings.deadline()
        start = time.perf_counter()
        cap, notes = self.settings.row_limit, ()
        limit = tree.args.get("limit")
        if limit is not None and not within_limit(tree, cap):  # rare: a top N above the cap
            tree, sql = tree.copy(), None
            notes = apply_limit(tree, cap)
        restricted = restrict(tree, viewer, self.policy.relations, sql)
        timings = {"rls": _ms(start)}
        if not restricted.accepted:
            return Answer(question, Status.REFUSED, restricted.reason, detail=restricted.detail, timings_ms=timings)
        # without a LIMIT of its own the statement is a SELECT whose text ends where a LIMIT goes
        statement = restricted.sql if limit is not None else f"{restricted.sql}\nLIMIT {cap}"
        answer = self._execute(statement, question, deadline)
        answer.warnings = [*notes, *restricted.notes, *answer.warnings]
        answer.timings_ms = {**timings, **answer.timings_ms}
        return answer

    def _run_checked(self, verdict: Verdict, viewer: Viewer, question: str, original: object, guard_ms: float,
                     deadline: Deadline) -> Answer:
        timings = {"guard": guard_ms}
        if not verdict.accepted:
            shown = original.sql(dialect="duckdb") if isinstance(original, exp.Expression) else str(original)
            return Answer(question, Status.REFUSED, verdict.reason, sql=shown, detail=verdict.detail,
                          timings_ms=timings)
        if deadline.expired:
            return late(question, deadline, "after the guard", sql=verdict.sql, timings_ms=timings)
        start = time.perf_counter()
        restricted = restrict(verdict.expression, viewer, self.policy.relations)
        timings["rls"] = _ms(start)
        if not restricted.accepted:
            return Answer(question, Status.REFUSED, restricted.reason, sql=verdict.sql, detail=restricted.detail,
                          timings_ms=timings)
        answer = self._execute(restricted.sql, question, deadline)
        answer.warnings = [*verdict.notes, *restricted.notes, *answer.warnings]
        answer.timings_ms = {**timings, **answer.timings_ms}
        return answer

    def _execute(self, sql: str, question: str, deadline: Deadline) -> Answer:
        """Run SQL that already passed guard and RLS, on a fresh cursor, stopped when `deadline` passes or the
        settings' timeout, whichever comes first; the Answer's `statements` is that SQL once it was sent."""
        deadline = deadline.within(self.settings.timeout_s)
        if deadline.expired:
            return late(question, deadline, "before the query", sql=sql)
        answer = self._send(sql, question, deadline)
        answer.statements = [sql]
        return answer

    def _send(self, sql: str, question: str, deadline: Deadline) -> Answer:
        start = time.perf_counter()
        # The query runs in a worker and this thread keeps the time, outside the work: at the deadline it
        # interrupts DuckDB, and if DuckDB does not stop (its planner ignores interrupts on some statements)
        # the answer is given anyway and the worker closes the cursor when DuckDB returns.
        job = _Query(self.con.cursor(), sql, self._fetch)
        threading.Thread(target=job.run, name="query", daemon=True).start()
        timed_out = not job.done.wait(deadline.seconds_left())
        if timed_out:
            job.cursor.interrupt()
            if not job.wait_or_abandon(INTERRUPT_GRACE_S):
                return late(question, deadline, "during the query; DuckDB did not stop on the interrupt and "
                            "finishes in the background", sql=sql, timings_ms={"execute": _ms(start)})
        _release(job.cursor, job.error is None and job.cut is None)
        timings = {"execute": _ms(start)}
        error = job.error
        if isinstance(error, duckdb.InterruptException):
            if timed_out:
                return late(question, deadline, f"during the query: {error}", sql=sql, timings_ms=timings)
            return Answer(question, Status.ERROR, "The query was interrupted.", sql=sql, detail=str(error),
                          timings_ms=timings)
        if isinstance(error, (MemoryError, duckdb.OutOfMemoryException)):
            return out_of_memory(question, error, sql=sql, timings_ms=timings)
        if isinstance(error, duckdb.Error):
            return Answer(question, Status.ERROR, "The database could not run the query.", sql=sql,
                          detail=" ".join(str(error).split()), timings_ms=timings)
        if error is not None:
            raise error
        rows = job.rows
        count = f"{len(rows):,} row{'s' if len(rows) != 1 else ''}"
        return Answer(question, Status.ANSWERED, f"The query returned {count}.", sql=sql, columns=job.columns,
                      rows=rows, warnings=[job.cut] if job.cut else [], timings_ms=timings)

    def _fetch(self, cursor: duckdb.DuckDBPyConnection) -> tuple[list[list], str | None]:
        """The result's rows, in chunks, up to the row cap and the byte cap; and the sentence saying it was cut."""
        cap, budget = self.settings.row_limit, self.settings.max_result_bytes
        rows: list[list] = []
        held = 0
        while len(rows) <= cap:
            chunk = cursor.fetchmany(min(FETCH_ROWS, cap + 1 - len(rows)))
            if not chunk:
                return rows, None
            for row in chunk:
                held += row_bytes(row)
                if held > budget:
                    return rows, (f"Showing the first {len(rows):,} rows: the result passed the "
                                  f"{budget / 1_000_000:g} MB an answer may hold.")
                rows.append(list(row))
        return rows[:cap], f"Showing the first {cap:,} rows only."


class _Query:
    """One statement's execution on its own cursor, run in a worker thread; its rows or its error."""

    def __init__(self, cursor: duckdb.DuckDBPyConnection, sql: str,
                 fetch: Callable[[duckdb.DuckDBPyConnection], tuple[list[list], str | None]]):
        self.cursor, self.sql, self.fetch = cursor, sql, fetch
        self.done = threading.Event()
        self.columns: list[str] = []
        self.rows: list[list] = []
        self.cut: str | None = None
        self.error: BaseException | None = None
        self._abandoned = False
        self._lock = threading.Lock()

    def run(self) -> None:
        try:
            self.cursor.execute(self.sql)
            self.columns = [d[0] for d in self.cursor.description or []]
            self.rows, self.cut = self.fetch(self.cursor)
        except BaseException as error:  # noqa: BLE001 — MemoryError too: the waiting thread turns it into an Answer
            self.error = error
        with self._lock:
            self.done.set()
            abandoned = self._abandoned
        if abandoned:
            self.rows = []
            self.cursor.close()

    def wait_or_abandon(self, seconds: float) -> bool:
        """Wait `seconds` more; False, and the worker closes the cursor itself, when the query is still running."""
        self.done.wait(seconds)
        with self._lock:
            self._abandoned = not self.done.is_set()
            return not self._abandoned


def _release(cursor: duckdb.DuckDBPyConnection, finished: bool) -> None:
    """Close the cursor; one whose result was cut short or stopped is interrupted and closed in the background,
    since closing a live result first finishes the chunk being built (seconds, for a chunk of huge values)."""
    if finished:
        cursor.close()
        return
    cursor.interrupt()
    threading.Thread(target=cursor.close, name="close-cut-result", daemon=True).start()


def row_bytes(row: tuple) -> int:
    """Roughly what a fetched row holds in memory: its strings and bytes in full, other values a few bytes each."""
    return sum(sys.getsizeof(v) if isinstance(v, (str, bytes, bytearray)) else _CELL_BYTES for v in row)


def late(question: str, deadline: Deadline, where: str, **fields: object) -> Answer:
    """The one-line Answer for a question past its deadline; `where` (for the analyst) says at which step."""
    return Answer(question, Status.ERROR, deadline.sentence(), detail=f"deadline passed {where}", **fields)


def out_of_memory(question: str, error: BaseException, **fields: object) -> Answer:
    """The one-line Answer for a question that ran out of memory: the process lives on."""
    return Answer(question, Status.ERROR, "The answer needed more memory than a question may use, so it was stopped; "
                  "ask for fewer rows or shorter values.", detail=f"{type(error).__name__}: {error}"[:500], **fields)
