"""SQL fragments of the catalogue (expressions, filters) as sqlglot trees.

The catalogue writes small DuckDB-dialect expressions such as `score >= 4` or
`accounts.contract_start`; these helpers parse them once and hand out fresh copies, list
the columns they use, and point their columns at the aliases of a compiled query.
"""

from __future__ import annotations

from functools import cache

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError


class FragmentError(ValueError):
    """A catalogue fragment that is not a single SQL expression."""


@cache
def _parsed(text: str) -> exp.Expression:
    try:
        tree = sqlglot.parse_one(text, read="duckdb")
    except ParseError as error:
        raise FragmentError(f"cannot parse {text!r}: {error.errors[0]['description']}") from None
    if isinstance(tree, (exp.Query, exp.Command)) or tree.find(exp.Query):
        raise FragmentError(f"{text!r} must be an expression, not a statement or subquery")
    return tree


def parse_fragment(text: str) -> exp.Expression:
    """A fresh sqlglot tree for `text`; FragmentError when it is not one expression."""
    return _parsed(text).copy()


def column_refs(text: str) -> list[tuple[str | None, str]]:
    """(table or None, column) for every column `text` uses, in order of appearance."""
    return list(_column_refs(text))


@cache
def _column_refs(text: str) -> tuple[tuple[str | None, str], ...]:
    # reads the cached tree without copying it: the planner asks this of every derived metric per question
    return tuple((c.table or None, c.name) for c in _parsed(text).find_all(exp.Column))


def bind(text: str, default: str, aliases: dict[str, str] | None = None) -> exp.Expression:
    """`text` parsed, with unqualified columns on `default` and table names mapped by `aliases`."""
    tree = parse_fragment(text)
    for column in tree.find_all(exp.Column):
        table = column.table or default
        column.set("table", exp.to_identifier((aliases or {}).get(table, table)))
    return tree
