"""Measure two ways to serve concurrent questions: a hardened connection per request, or
cursors of one shared connection (what `Runner` does).

    python -m assistant.runner_bench [--warehouse PATH] [--workers 4] [--requests 200]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from assistant.answer import Answer
from assistant.runner import Runner
from assistant.viewer import Viewer
from data.paths import resolve_warehouse

# A mix of what CSMs ask: a list, an aggregate, a join.
QUERIES = (
    "SELECT account_id, name, segment FROM accounts ORDER BY name",
    "SELECT count(*) AS open_tickets FROM tickets WHERE status <> 'resolved'",
    "SELECT a.name, avg(h.health_score) AS health FROM accounts a "
    "JOIN health_scores_weekly h ON h.account_id = a.account_id GROUP BY a.name ORDER BY health LIMIT 20",
)


@dataclass(frozen=True)
class Measurement:
    strategy: str
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float

    def line(self) -> str:
        rate = self.requests / self.seconds
        return (f"{self.strategy:<30} {self.requests} requests in {self.seconds:.2f} s "
                f"({rate:,.0f}/s), p50 {self.p50_ms:.1f} ms, p95 {self.p95_ms:.1f} ms")


def _measure(strategy: str, ask: Callable[[str, Viewer], Answer], jobs: list[tuple[str, Viewer]], workers: int) -> Measurement:
    latencies: list[float] = []

    def one(job: tuple[str, Viewer]) -> None:
        start = time.perf_counter()
        answer = ask(*job)
        latencies.append((time.perf_counter() - start) * 1000)
        if not answer.ok:
            raise RuntimeError(f"{answer.message} {answer.detail}")

    start = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(one, jobs))
    seconds = time.perf_counter() - start
    cuts = statistics.quantiles(latencies, n=20)
    return Measurement(strategy, len(jobs), seconds, statistics.median(latencies), cuts[18])


def compare_connection_strategies(path, workers: int = 4, requests: int = 200) -> list[Measurement]:
    """Serve the same concurrent CSM questions three ways and time them.

    DuckDB shares one database instance among the connections to a file that are open in
    a process, so "connection per request" is measured twice: with no other connection
    open (each request opens the file) and beside a long-lived one (it reuses the instance).
    """
    with Runner(path) as probe:
        settings, policy = probe.settings, probe.policy
        csm_ids = [row[0] for row in probe.run("SELECT csm_id FROM csms", Viewer.leader()).rows]
    jobs = [(QUERIES[i % len(QUERIES)], Viewer.csm(csm_ids[i % len(csm_ids)])) for i in range(requests)]

    def per_request(sql: str, viewer: Viewer) -> Answer:
        with Runner(path, settings, policy) as own:
            return own.run(sql, viewer)

    cold = _measure("connection per request, cold", per_request, jobs, workers)
    with Runner(path, settings, policy) as shared:
        return [
            cold,
            _measure("connection per request, warm", per_request, jobs, workers),
            _measure("cursors of one connection", shared.run, jobs, workers),
        ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", metavar="PATH")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    for measurement in compare_connection_strategies(resolve_warehouse(args.warehouse), args.workers, args.requests):
        print(measurement.line())


if __name__ == "__main__":
    main()
