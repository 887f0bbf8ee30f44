"""The hardened runner: the only way a question's SQL reaches DuckDB.

Every statement goes through the guard (`assistant.guard`) and row-level security
(`assistant.rls`) before it runs, on a connection opened read-only with external access,
extension loading and configuration changes switched off. Each query runs on its own
cursor of one shared connection, under a timer that interrupts it at the timeout; the
connection stays usable for the next question. Failures come back as Answers, not raises.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb
from sqlglot import exp

from assistant.answer import Answer, Status
from assistant.guard import DEFAULT_ROW_LIMIT, GuardPolicy, Verdict, check_expression, check_sql
from assistant.rls import restrict
from assistant.viewer import Viewer
from data.connection import DEFAULT_MEMORY_LIMIT, DEFAULT_THREADS, hardened_config
from data.paths import WarehouseUnreadable

DEFAULT_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class RunnerSettings:
    """Resource limits for one runner (and every connection it opens)."""

    timeout_s: float = DEFAULT_TIMEOUT_S
    row_limit: int = DEFAULT_ROW_LIMIT
    memory_limit: str = DEFAULT_MEMORY_LIMIT
    threads: int = DEFAULT_THREADS

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

    def run(self, sql: str, viewer: Viewer, question: str | None = None) -> Answer:
        """Check, restrict and run one freehand statement; every outcome is an Answer."""
        start = time.perf_counter()
        verdict = check_sql(sql, self.policy)
        return self._run_checked(verdict, viewer, question if question is not None else str(sql), sql, _ms(start))

    def run_expression(self, expression: exp.Expression, viewer: Viewer, question: str) -> Answer:
        """`run` for a query that is already an AST, e.g. one the semantic layer compiled."""
        start = time.perf_counter()
        verdict = check_expression(expression, self.policy)
        return self._run_checked(verdict, viewer, question, expression.sql(dialect="duckdb"), _ms(start))

    def _run_checked(self, verdict: Verdict, viewer: Viewer, question: str, original: object, guard_ms: float) -> Answer:
        timings = {"guard": guard_ms}
        if not verdict.accepted:
            return Answer(question, Status.REFUSED, verdict.reason, sql=str(original), detail=verdict.detail,
                          timings_ms=timings)
        start = time.perf_counter()
        restricted = restrict(verdict.expression, viewer, self.policy.relations)
        timings["rls"] = _ms(start)
        if not restricted.accepted:
            return Answer(question, Status.REFUSED, restricted.reason, sql=verdict.sql, detail=restricted.detail,
                          timings_ms=timings)
        answer = self._execute(restricted.sql, question)
        answer.warnings = [*verdict.notes, *restricted.notes, *answer.warnings]
        answer.timings_ms = {**timings, **answer.timings_ms}
        return answer

    def _execute(self, sql: str, question: str) -> Answer:
        """Run SQL that already passed guard and RLS, on a fresh cursor, under the timeout."""
        start = time.perf_counter()
        cursor = self.con.cursor()
        timed_out = threading.Event()

        def stop() -> None:
            timed_out.set()
            cursor.interrupt()

        timer = threading.Timer(self.settings.timeout_s, stop)
        timer.start()
        try:
            cursor.execute(sql)
            rows = cursor.fetchmany(self.settings.row_limit + 1)
            columns = [d[0] for d in cursor.description or []]
        except duckdb.InterruptException as error:
            message = (f"The query took longer than {self.settings.timeout_s:g} s and was stopped."
                       if timed_out.is_set() else "The query was interrupted.")
            return Answer(question, Status.ERROR, message, sql=sql, detail=str(error),
                          timings_ms={"execute": _ms(start)})
        except duckdb.Error as error:
            return Answer(question, Status.ERROR, "The database could not run the query.", sql=sql,
                          detail=" ".join(str(error).split()), timings_ms={"execute": _ms(start)})
        finally:
            timer.cancel()
            cursor.close()
        warnings = []
        if len(rows) > self.settings.row_limit:
            rows = rows[: self.settings.row_limit]
            warnings.append(f"Showing the first {self.settings.row_limit:,} rows only.")
        count = f"{len(rows):,} row{'s' if len(rows) != 1 else ''}"
        return Answer(question, Status.ANSWERED, f"The query returned {count}.", sql=sql, columns=columns,
                      rows=[list(r) for r in rows], warnings=warnings, timings_ms={"execute": _ms(start)})
