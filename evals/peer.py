"""`cs-assistant bench --bench peer`: our SQL against boring-semantic-layer's for five metrics.

boring-semantic-layer (BSL) is built on ibis, which pins its own sqlglot, so it lives in a
separate venv (the `[peer]` extra, installed only there; README "Speed"), and
`evals/peer_models.py` runs in that venv's Python: it writes the same five metrics in BSL
and prints their SQL, rows and its own end-to-end times. Here each pair of SQL texts runs
on bare DuckDB on a cursor of the assistant's connection, ours and theirs back to back
(A B A B …), after checking that both return the same rows, so a ratio compares two
answers to one question.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tomllib
import venv
from pathlib import Path

from evals.bench import BenchContext, Measurement, pair_ratios, paired, run_statements, timed

PEER_PYTHON_ENV = "CS_PEER_PYTHON"
PEER_VENV = Path(__file__).resolve().parents[1] / ".venv-peer"
PEER_SCRIPT = Path(__file__).with_name("peer_models.py")
# Each of peer_models.queries, and the question that asks it of our assistant.
QUESTIONS = {
    "mrr by month": "mrr by month this year",
    "mrr by segment by month": "mrr by segment by month this year",
    "ticket volume by month": "tickets opened by month this year",
    "open tickets by priority": "open tickets by priority",
    "csat by month": "csat by month this year",
}
INSTALL = (".venv/bin/python -m evals.peer --install makes it with the [peer] extra's packages "
           f"(or set {PEER_PYTHON_ENV} to a Python that has boring-semantic-layer)")
PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def peer_python() -> Path:
    """The peer venv's interpreter: $CS_PEER_PYTHON, else .venv-peer/bin/python; ValueError saying how to make it."""
    path = Path(os.environ.get(PEER_PYTHON_ENV) or PEER_VENV / "bin" / "python")
    if not path.exists():
        raise ValueError(f"the peer bench needs boring-semantic-layer in its own venv, and {path} does not exist: "
                         f"{INSTALL}")
    return path


def peer_results(warehouse: str, repeats: int) -> dict:
    """What evals/peer_models.py prints for `warehouse`: per metric its SQL, columns, rows and end-to-end ms."""
    done = subprocess.run([str(peer_python()), str(PEER_SCRIPT), warehouse, str(repeats)],
                          capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"boring-semantic-layer failed ({PEER_SCRIPT.name}): {done.stderr.strip()[-400:]}")
    return json.loads(done.stdout)


# The peer's column names that differ from ours; its last column is the metric's value, as ours is.
OUR_COLUMN = {"month": "period_start", "priority": "ticket_priority"}


def _keyed(columns: list[str], rows: list[list], key_columns: list[str]) -> set[tuple]:
    """Rows as (values of `key_columns`..., the value rounded), zero values left out: our grid lists every
    period and group, the peer only those that have rows."""
    where = [columns.index(c) for c in key_columns]
    found = set()
    for row in rows:
        value = row[-1]
        if value is None or float(value) == 0:
            continue
        found.add((*(str(row[i])[:10] for i in where), round(float(value), 6)))
    return found


def same_rows(ours: tuple[list[str], list[list]], theirs: tuple[list[str], list[list]]) -> bool:
    """Whether two results hold the same non-zero values for the same groups (order aside): the peer's
    columns matched to ours by OUR_COLUMN, every group column of ours among them, and the period too unless
    ours holds only one (a snapshot such as open tickets now)."""
    their_keys = theirs[0][:-1]
    our_keys = [OUR_COLUMN.get(c, c) for c in their_keys]
    our_groups = {c for c in ours[0][:-1] if c != "period_end"}
    if ("period_start" in our_groups and "period_start" not in our_keys
            and len({row[ours[0].index("period_start")] for row in ours[1]}) <= 1):
        our_groups.discard("period_start")
    if set(our_keys) != our_groups:
        return False
    return _keyed(*ours, our_keys) == _keyed(*theirs, their_keys)


def peer_measurements(context: BenchContext) -> list[Measurement]:
    """For each metric: our SQL and the peer's, paired on bare DuckDB; the same rows checked first."""
    if context.warehouse is None:
        raise ValueError("the peer bench needs the warehouse file (BenchContext.warehouse)")
    peer = peer_results(context.warehouse, context.settings.repeats)
    # context.assistant has its caches off: our end-to-end times are whole answers, never a cached one
    return [m for name, question in QUESTIONS.items() for m in _compare(context, name, question, peer.get(name))]


def _compare(context: BenchContext, name: str, question: str, theirs: dict | None) -> list[Measurement]:
    """One metric: our answer's rows checked against the peer's, then both SQL texts paired on bare DuckDB."""
    answer = context.assistant.ask(question, None)
    if str(answer.status) != "answered" or not answer.statements or theirs is None:
        raise RuntimeError(f"the peer bench's question {question!r} was not answered: {answer.message}")
    if not same_rows((answer.columns, answer.rows), (theirs["columns"], theirs["rows"])):
        raise RuntimeError(f"{name}: boring-semantic-layer's rows differ from ours, so their times do not compare")
    con = context.assistant.runner.con
    ours_sql, their_sql = answer.statements[0], theirs["sql"]
    pairs = paired(lambda: run_statements(con, [ours_sql]), lambda _: run_statements(con, [their_sql]),
                   context.settings)
    ours_e2e = timed(lambda: context.assistant.ask(question, None), context.settings)
    counts = {"ours end to end p50 ms (whole answer)": statistics.median(ours_e2e),
              "peer end to end p50 ms (build, render, run through ibis)": statistics.median(theirs["e2e_ms"])}
    return [Measurement(f"peer: {name}", f"our SQL for {question!r} on bare DuckDB",
                        tuple(a for a, _ in pairs), ratios=pair_ratios(pairs), counts=counts),
            Measurement(f"peer-baseline: {name}", "boring-semantic-layer's SQL, same rows, bare DuckDB",
                        tuple(b for _, b in pairs))]


def peer_requirements(pyproject: Path = PYPROJECT) -> list[str]:
    """The `[peer]` extra's requirements, as pyproject.toml declares them."""
    with pyproject.open("rb") as file:
        return list(tomllib.load(file)["project"]["optional-dependencies"]["peer"])


def install(folder: Path = PEER_VENV) -> Path:
    """Make the peer venv in `folder` with only the [peer] extra's packages, never our package: ibis pins a
    sqlglot that our constraints exclude, so the two cannot share one venv. Returns its Python."""
    venv.create(folder, with_pip=True, clear=False)
    python = folder / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--disable-pip-version-check", "--quiet",
                    *peer_requirements()], check=True)
    return python


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m evals.peer", description="The peer bench's own venv.")
    parser.add_argument("--install", action="store_true", help="make the peer venv with the [peer] extra")
    parser.add_argument("--venv", type=Path, default=PEER_VENV, help=f"where (default: {PEER_VENV})")
    arguments = parser.parse_args()
    if not arguments.install:
        parser.print_help()
        sys.exit(2)
    print(f"peer venv ready: {install(arguments.venv)}; run: cs-assistant bench --bench peer "
          f"(with {PEER_PYTHON_ENV}={arguments.venv / 'bin' / 'python'} unless it is {PEER_VENV})")
