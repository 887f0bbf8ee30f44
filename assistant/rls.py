"""Row-level security: rewrite a checked query so a CSM sees only their own book.

For a CSM every reference to an account-scoped relation is replaced, in the AST, by a
filtered sub-query that keeps the reference's alias:

    (SELECT * FROM tickets WHERE account_id IN
        (SELECT account_id FROM accounts WHERE csm_id = '<id>')) AS t

so no alias, sub-query, CTE, join, UNION or window can reach another CSM's rows: whatever
the query does, every row it reads has already been filtered. What a CSM sees:

- `accounts`: the accounts whose `csm_id` is theirs;
- every relation with an `account_id` column (usage, tickets, surveys, health, renewals,
  meetings, MRR, …): rows of those accounts. `trials` rows carry an account only once
  converted, so a CSM sees only the converted trials of their accounts;
- `csms`: only their own row;
- `features` and `warehouse_meta`: everything (reference data, no customer in it);
- anything else, e.g. `spend_monthly` (company spend by department) or a view with neither
  `account_id` nor `csm_id`: nothing; the query is refused. Company spend is not part of a
  book, and a total computed "for my book" from it would be wrong, so refusing is the safe
  choice.

Leaders and analysts see everything; their queries pass through unchanged.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from enum import Enum

from sqlglot import exp

from assistant.guard import Verdict
from assistant.viewer import Viewer
from semantic_layer.compile import render_sql

BOOK_RELATION = "accounts"
SHARED_REFERENCE = frozenset({"features", "warehouse_meta"})
# Arguments of a table reference that also apply to the sub-query replacing it.
_CARRIED_ARGS = ("pivots", "sample", "joins", "laterals")


class Access(Enum):
    """What a CSM may read of one relation."""

    EVERYTHING = "everything"
    BOOK = "the CSM's own accounts"
    OWN_ROW = "the CSM's own row"
    ACCOUNT_ROWS = "rows of the CSM's accounts"
    NOTHING = "nothing"


def access_for(relation: str, columns: Collection[str]) -> Access:
    """What a CSM may read of a relation, decided by its name and columns."""
    if relation == BOOK_RELATION:
        return Access.BOOK
    if relation in SHARED_REFERENCE:
        return Access.EVERYTHING
    if "account_id" in columns:
        return Access.ACCOUNT_ROWS
    if "csm_id" in columns:
        return Access.OWN_ROW
    return Access.NOTHING


def _csm_is(csm_id: str) -> exp.EQ:
    return exp.EQ(this=exp.column("csm_id"), expression=exp.Literal.string(csm_id))


def _select_where(relation: str, condition: exp.Expression, column: str = "*") -> exp.Select:
    projection = exp.Star() if column == "*" else exp.column(column)
    return exp.Select(expressions=[projection]).from_(exp.to_table(relation)).where(condition)


def book_filter(relation: str, access: Access, csm_id: str) -> exp.Select:
    """The sub-query a CSM reads instead of `relation`."""
    if access is Access.ACCOUNT_ROWS:
        book = _select_where(BOOK_RELATION, _csm_is(csm_id), "account_id")
        return _select_where(relation, exp.In(this=exp.column("account_id"), query=exp.Subquery(this=book)))
    return _select_where(relation, _csm_is(csm_id))


def restrict(query: exp.Query, viewer: Viewer, relations: Mapping[str, Collection[str]],
             sql: str | None = None) -> Verdict:
    """The query as `viewer` may run it: unchanged for leaders and analysts, filtered (on a copy) for a CSM.

    `relations` is the guard's allowlist (relation → columns); a table reference that is not
    in it is refused for a CSM, since its scope is unknown. `sql` is the query's DuckDB text when
    the caller has it, so a leader's query is not rendered again.
    """
    if viewer.sees_all_accounts:
        return Verdict(True, sql=sql or render_sql(query), expression=query)
    query = query.copy()
    allowed = {name.lower(): tuple(c.lower() for c in cols) for name, cols in relations.items()}
    # A name that is both a CTE and a relation is filtered as the relation: safe either way
    # (the guard renames such CTEs first, so this only over-filters unguarded input).
    ctes = {cte.alias_or_name.lower() for cte in query.find_all(exp.CTE)} - set(allowed)
    tables = [t for t in query.find_all(exp.Table) if not isinstance(t.this, exp.Func)]
    scoped = False
    for table in tables:
        name = table.name.lower()
        if name in ctes and not table.db:
            continue
        access = access_for(name, allowed[name]) if name in allowed else Access.NOTHING
        if access is Access.NOTHING:
            return Verdict.refuse(
                f"'{table.name}' is not part of a CSM's book; leaders and analysts can ask about it.",
                f"relation {name} has no account_id or csm_id column; refused for CSM {viewer.csm_id}",
            )
        if access is Access.EVERYTHING:
            continue
        scoped = True
        replacement = exp.Subquery(
            this=book_filter(name, access, viewer.csm_id),
            alias=table.args.get("alias") or exp.TableAlias(this=exp.to_identifier(table.name)),
        )
        for key in _CARRIED_ARGS:
            if table.args.get(key):
                replacement.set(key, table.args[key])
        table.replace(replacement)
    notes = (f"Results cover only {viewer.describe()}.",) if scoped else ()
    return Verdict(True, sql=render_sql(query), expression=query, notes=notes)
