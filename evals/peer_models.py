"""The peer's side of `cs-assistant bench --bench peer`: five metrics written in boring-semantic-layer.

Run by the separate peer venv's Python (boring-semantic-layer is built on ibis, which pins
its own sqlglot, so it never shares our venv), never imported by our code or tests:

    .venv-peer/bin/python evals/peer_models.py WAREHOUSE [REPEATS]

prints one JSON object: for each metric the SQL the peer generates, the rows it returns and
its own end-to-end times (build the query, render SQL, execute through ibis) in ms. Each
metric means what ours does (semantic_layer/catalog): see `evals/peer.py` for the questions
they are paired with.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time

import ibis
from boring_semantic_layer import to_semantic_table

FIRST, LAST = dt.date(2026, 1, 1), dt.date(2026, 10, 31)  # "this year" on the demo warehouse (as of 2026-10-31)


def models(con):
    """The semantic tables: MRR by account month (with the account's segment), tickets, CSAT surveys."""
    mrr_rows, accounts = con.table("account_mrr_monthly"), con.table("accounts")
    mrr = (to_semantic_table(mrr_rows.join(accounts, mrr_rows.account_id == accounts.account_id), name="mrr")
           .with_dimensions(month=lambda t: t.month, segment=lambda t: t.segment)
           .with_measures(mrr=lambda t: t.mrr.sum()))
    tickets = (to_semantic_table(con.table("tickets"), name="tickets")
               .with_dimensions(month=lambda t: t.opened_at.cast("date").truncate("M"), priority=lambda t: t.priority)
               .with_measures(ticket_volume=lambda t: t.count()))
    csat = (to_semantic_table(con.table("survey_responses").filter(lambda t: t.survey_type == "csat"), name="csat")
            .with_dimensions(month=lambda t: t.responded_at.cast("date").truncate("M"))
            .with_measures(csat=lambda t: (t.score >= 4).sum() * 100.0 / t.count()))
    return mrr, tickets, csat


def queries(con) -> dict:
    """The five queries, each built afresh (building is part of the peer's end-to-end time)."""
    mrr, tickets, csat = models(con)
    in_year = (lambda t: (t.month >= FIRST) & (t.month <= LAST))
    opened_in_year = (lambda t: (t.opened_at.cast("date") >= FIRST) & (t.opened_at.cast("date") <= LAST))
    open_at_end = (lambda t: (t.opened_at.cast("date") <= LAST)
                   & (t.resolved_at.isnull() | (t.resolved_at.cast("date") > LAST)))
    answered_in_year = (lambda t: (t.responded_at.cast("date") >= FIRST) & (t.responded_at.cast("date") <= LAST))
    return {
        "mrr by month": mrr.filter(in_year).group_by("month").aggregate("mrr"),
        "mrr by segment by month": mrr.filter(in_year).group_by("month", "segment").aggregate("mrr"),
        "ticket volume by month": tickets.filter(opened_in_year).group_by("month").aggregate("ticket_volume"),
        "open tickets by priority": tickets.filter(open_at_end).group_by("priority").aggregate("ticket_volume"),
        "csat by month": csat.filter(answered_in_year).group_by("month").aggregate("csat"),
    }


def _cell(value):
    """A JSON-safe cell: dates as ISO text, decimals and numpy numbers as floats."""
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    if hasattr(value, "item"):
        value = value.item()
    return value if isinstance(value, (str, int, float, type(None))) else float(value)


def main(warehouse: str, repeats: int = 3) -> dict:
    con = ibis.duckdb.connect(warehouse, read_only=True)
    found = {}
    for name, query in queries(con).items():
        frame = query.execute()
        found[name] = {"sql": query.sql(), "columns": list(frame.columns),
                       "rows": [[_cell(v) for v in row] for row in frame.itertuples(index=False)], "e2e_ms": []}
    for _ in range(repeats):
        for name in found:
            start = time.perf_counter()
            query = queries(con)[name]
            query.sql()
            query.execute()
            found[name]["e2e_ms"].append((time.perf_counter() - start) * 1000)
    return found


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 3)))
