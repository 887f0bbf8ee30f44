"""The semantic layer: every CS metric defined once, compiled to readable, correct SQL.

The pipeline, one module per step:
    catalog/*.yaml   the definitions: sources, dimensions, metrics (data, not code)
    catalog.py       YAML → frozen models (model.py) → Catalog; validate.py lists every problem
    query.py         SemanticQuery: metrics, dimensions, filters, time range, grain, comparison
    periods.py       calendar arithmetic against an explicit as_of date (no wall clock)
    plan.py          a query resolved against the catalogue, refused early with a clear error
    compile.py       the plan as one sqlglot tree: periods → sources → grid → results
    aggregate.py     the per-source CTEs: rows placed in periods, joined to dimensions, aggregated
    explain.py       the plain-English account of what was computed
    describe.py      the catalogue as text (`cs-assistant metrics`)

Typical use:
    >>> from semantic_layer.compile import compile_query
    >>> from semantic_layer.periods import calendar_period
    >>> from semantic_layer.query import SemanticQuery
    >>> compiled = compile_query(SemanticQuery(metrics=["nrr"], time_range=calendar_period("2025-Q3")))
    >>> compiled.columns
    ('period_start', 'period_end', 'nrr')
    >>> compiled.explanation.splitlines()[1]
    'Period: Q3 2025 (2025-07-01 to 2025-09-30).'
"""
