"""Values of indexed dimensions, for matching names in questions ("Enterprise", "Dana Lee").

Labels come from the data, never from code: a user's own warehouse may call its segments
anything. The SQL is built here; running it is the caller's (an edge of the system).
"""

from __future__ import annotations

from sqlglot import exp

from semantic_layer.catalog import Catalog
from semantic_layer.fragments import bind
from semantic_layer.model import Dimension


def indexed_dimensions(catalog: Catalog) -> list[Dimension]:
    """The dimensions whose values a planner should learn for entity matching."""
    return [d for d in catalog.dimensions.values() if d.indexed]


def values_query(dimension: Dimension) -> exp.Select:
    """SELECT DISTINCT of the dimension's non-NULL values, sorted."""
    value = bind(dimension.column, dimension.table)
    return (
        exp.select(value.as_("value"))
        .distinct()
        .from_(dimension.table)
        .where(exp.Not(this=exp.Is(this=value.copy(), expression=exp.Null())))
        .order_by(exp.column("value"))
    )


def all_values_query(dimensions: list[Dimension]) -> exp.Select:
    """One row, one column per dimension (named by it): the list of its values as `values_query` reads them, in its
    order; one statement instead of one per dimension."""
    columns = []
    for dimension in dimensions:
        distinct = values_query(dimension)
        distinct.set("order", None)
        # LIST(value ORDER BY value): DuckDB's ordered aggregate, each column keeping its own type
        values = exp.select(exp.func("LIST", exp.Order(this=exp.column("value"),
                                                        expressions=[exp.Ordered(this=exp.column("value"))])))
        columns.append(exp.Subquery(this=values.from_(distinct.subquery("v"))).as_(dimension.name))
    return exp.select(*columns)
