"""sqlglot nodes built directly: no SQL text parsed, no tree copied.

sqlglot's builder methods parse their string arguments (`.from_("t")`, `join_type="left"`,
`.with_("name", ...)`) and by default deep-copy the whole statement on every call, which made
compiling a question cost more than running it. The compiler builds its statements from these
helpers and the builders called with `copy=False`, so each node is placed exactly once: a node
that is needed in two places is copied where it is placed the second time.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlglot import exp

DATE = exp.DataType.Type.DATE


def col(name: str, table: str | None = None) -> exp.Column:
    """The column `name`, qualified with `table` when given."""
    return exp.column(name, table=table)


def table(name: str, alias: str | None = None) -> exp.Table:
    """The table (or CTE) `name`, aliased when `alias` is given."""
    node = exp.Table(this=exp.to_identifier(name))
    if alias:
        node.set("alias", exp.TableAlias(this=exp.to_identifier(alias)))
    return node


def alias(expression: exp.Expression, name: str) -> exp.Alias:
    """`expression AS name`, the expression placed as it is."""
    return exp.Alias(this=expression, alias=exp.to_identifier(name))


def select(*expressions: exp.Expression) -> exp.Select:
    """A SELECT of `expressions`, placed as they are."""
    return exp.Select(expressions=list(expressions))


def join(statement: exp.Select, source: exp.Expression | str, on: exp.Expression | None = None,
         side: str | None = None, kind: str | None = None) -> exp.Select:
    """`statement` with a JOIN of `source` (a table name, a table or a subquery) appended: `side` LEFT, `kind` CROSS."""
    node = exp.Join(this=table(source) if isinstance(source, str) else source)
    for key, value in (("on", on), ("side", side), ("kind", kind)):
        if value is not None:
            node.set(key, value)
    statement.append("joins", node)
    return statement


def left_join(statement: exp.Select, source: exp.Expression | str, on: exp.Expression) -> exp.Select:
    """`statement` LEFT JOIN `source` ON `on`."""
    return join(statement, source, on, side="LEFT")


def cross_join(statement: exp.Select, source: exp.Expression) -> exp.Select:
    """`statement` CROSS JOIN `source`."""
    return join(statement, source, kind="CROSS")


def from_(statement: exp.Select, source: exp.Expression | str) -> exp.Select:
    """`statement` reading FROM `source` (a table name, a table or a subquery)."""
    statement.set("from_", exp.From(this=table(source) if isinstance(source, str) else source))
    return statement


def with_ctes(statement: exp.Select, ctes: Mapping[str, exp.Select]) -> exp.Select:
    """`statement` preceded by WITH the named CTEs, in order."""
    statement.set("with_", exp.With(expressions=[exp.CTE(this=body, alias=exp.TableAlias(this=exp.to_identifier(name)))
                                                 for name, body in ctes.items()]))
    return statement


def as_date(expression: exp.Expression) -> exp.Cast:
    """CAST(`expression` AS DATE), the expression placed as it is."""
    return exp.Cast(this=expression, to=exp.DataType(this=DATE))


def all_of(*conditions: exp.Expression) -> exp.Expression:
    """The conditions joined with AND, placed as they are."""
    return exp.and_(*conditions, copy=False)


def any_of(*conditions: exp.Expression) -> exp.Expression:
    """The conditions joined with OR, placed as they are."""
    return exp.or_(*conditions, copy=False)
