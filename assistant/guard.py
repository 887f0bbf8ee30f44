"""The SQL guard: decide whether one statement may run, and make it safe to run.

Pure functions over sqlglot ASTs in the DuckDB dialect. `check_sql` accepts exactly one
read-only SELECT (WITH, UNION and friends included) over an allowlist of relations, calling
only an allowlist of functions, within limits on its size, and refuses everything else with
a reason a person can read. It never raises for bad input: every outcome is a `Verdict`.
The runner opens DuckDB hardened as well; the guard is the first wall, not the only one.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from rapidfuzz import process
from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import SqlglotError
from sqlglot.optimizer.qualify import qualify
from sqlglot.tokens import Token, TokenType

from data import contract
from semantic_layer.fragments import column_refs
from semantic_layer.joins import join_path
from semantic_layer.periods import SPINE

if TYPE_CHECKING:
    from semantic_layer.catalog import Catalog
    from semantic_layer.model import Measure

DEFAULT_ROW_LIMIT = 10_000
# Products of relations (or generated series) above this many rows are refused as unbounded.
DEFAULT_MAX_ROWS = 50_000_000
# Size assumed for a relation whose row count the policy does not know: large, to stay safe.
UNKNOWN_ROWS = 1_000_000
# Rows assumed to come out of a DISTINCT or GROUP BY: an aggregate collapses its input (segments,
# categories, months), and the guard cannot see column cardinalities. The size check is a guard
# against accidental cartesian products of raw tables; the per-query timeout and memory limit
# bound the rare grouping that stays large.
GROUPED_ROWS = 10_000
MAX_SQL_CHARS = 100_000
# Size limits on the statement itself, checked before the costly steps: tokens before parsing,
# nodes and SELECTs before the tree is copied or qualified. The largest compiled semantic query
# (six metrics by week) has about 2,500 nodes and 18 SELECTs; DuckDB's planning time grows
# faster than linearly in the number of sub-queries (600 scalar sub-queries take 35 s to EXPLAIN).
MAX_TOKENS = 20_000
MAX_NODES = 10_000
MAX_SELECTS = 100
MAX_LITERAL_CHARS = 10_000
MAX_NUMBER_DIGITS = 38  # DECIMAL's widest precision
MAX_REPEAT = MAX_LITERAL_CHARS  # a built value as long as the longest literal the guard reads
MAX_DEPTH = 120  # deeper trees are an attack, and would exhaust the generator's recursion

# --- functions --------------------------------------------------------------------------
# Every function a query may call, by the name DuckDB runs: the accepted SQL is rendered for
# DuckDB, so a typed sqlglot node (exp.TimestampTrunc, exp.Explode, ...) is judged by the name
# it renders to (DATE_TRUNC, UNNEST). All are read-only functions of the rows the query reads;
# none reads a file, the catalogue, the session, table-wide statistics or SQL in a string.
ALLOWED_FUNCTIONS = frozenset({
    # aggregates
    "count", "count_if", "sum", "avg", "mean", "min", "max", "median", "mode", "quantile", "quantile_cont",
    "quantile_disc", "percentile_cont", "percentile_disc", "approx_quantile", "approx_count_distinct",
    "stddev", "stddev_samp", "stddev_pop", "variance", "var_samp", "var_pop", "corr", "covar_pop", "covar_samp",
    "kurtosis", "skewness", "product", "bool_and", "bool_or", "any_value", "first", "last", "arg_max",
    "arg_min", "max_by", "min_by", "array_agg", "list", "string_agg", "listagg", "group_concat", "histogram",
    "entropy",
    # window functions
    "row_number", "rank", "dense_rank", "percent_rank", "cume_dist", "ntile", "lag", "lead", "first_value",
    "last_value", "nth_value",
    # conditionals and casts
    "coalesce", "ifnull", "nullif", "if", "greatest", "least", "cast", "try_cast", "exists",
    # numbers
    "abs", "sign", "ceil", "ceiling", "floor", "round", "trunc", "sqrt", "cbrt", "power", "pow", "exp", "ln",
    "log", "log2", "log10", "mod", "pi", "isnan", "isinf", "isfinite", "even", "gcd", "lcm", "degrees",
    "radians", "sin", "cos", "tan", "asin", "acos", "atan", "atan2", "random",
    # text
    "lower", "upper", "lcase", "ucase", "length", "len", "char_length", "strlen", "trim", "ltrim", "rtrim",
    "substring", "substr", "left", "right", "concat", "concat_ws", "replace", "translate", "reverse",
    "split_part", "string_split", "str_split", "starts_with", "ends_with", "prefix", "suffix", "contains",
    "strpos", "instr", "position", "lpad", "rpad", "repeat", "regexp_matches", "regexp_full_match",
    "regexp_replace", "regexp_extract", "printf", "format", "ascii", "chr", "md5", "hash", "levenshtein",
    "damerau_levenshtein", "jaro_winkler_similarity", "jaccard", "strip_accents",
    # dates and times
    "date_trunc", "datetrunc", "date_part", "datepart", "extract", "date_diff", "datediff", "date_sub",
    "datesub", "date_add", "age", "time_bucket", "year", "month", "day", "quarter", "week", "weekofyear",
    "weekday", "dayofweek", "dayofmonth", "dayofyear", "isodow", "isoyear", "yearweek", "hour", "minute",
    "second", "epoch", "epoch_ms", "to_timestamp", "make_date", "make_timestamp", "make_time", "last_day",
    "dayname", "monthname", "strftime", "strptime", "try_strptime", "to_days", "to_weeks", "to_months",
    "to_years", "to_hours", "to_minutes", "to_seconds",
    # lists, structs and series
    "unnest", "generate_series", "range", "list_value", "array_length", "array_contains", "list_contains",
    "list_has", "list_distinct", "list_sort", "list_transform", "list_filter", "list_extract", "array_extract",
    "list_slice", "array_slice", "array_to_string", "flatten", "struct_pack", "struct_extract", "row",
})
# The functions that may stand in FROM as a table.
TABLE_FUNCTIONS = frozenset({"range", "generate_series", "unnest"})
# Nodes that sqlglot types as functions but DuckDB reads as syntax: operators, CASE, [..], {..}.
_SYNTAX_FUNCTIONS = (exp.Binary, exp.Unary, exp.Case, exp.If, exp.Array, exp.Struct, exp.DateAdd, exp.DateSub,
                     exp.JSONExtract, exp.JSONExtractScalar)
_WALL_CLOCK_NODES = (exp.CurrentDate, exp.CurrentTimestamp, exp.CurrentTime, exp.Localtimestamp)
_CALLED_NAME = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*\(")

# Why a function off the allowlist is refused, for the families a person recognises: the
# allowlist decides, these only word the reason. (prefixes, names, reason with {name})
_REFUSED_FAMILIES: tuple[tuple[tuple[str, ...], frozenset[str], str], ...] = (
    (("read_", "parquet_", "iceberg_", "delta_", "sqlite_", "postgres_", "mysql_"),
     frozenset({"glob", "sniff_csv", "csv_scan", "parquet_scan", "arrow_scan", "load_aws_credentials"}),
     "Reading files or URLs is not allowed ({name})."),
    (("duckdb_", "pragma_", "pg_"), frozenset(), "The system catalogue is not open to questions ({name})."),
    ((), frozenset({"stats", "json_serialize_plan", "estimated_size", "database_size", "approx_database_size"}),
     "The function {name}() is not open to questions: it reads table-wide metadata."),
    ((), frozenset({"query", "query_table", "json_execute_serialized_sql", "json_deserialize_sql",
                    "json_serialize_sql", "list_aggregate", "list_aggr", "aggregate", "array_aggregate",
                    "array_aggr", "list_apply", "apply"}),
     "Running SQL or functions named in a string is not allowed ({name})."),
    ((), frozenset({"now", "get_current_timestamp", "transaction_timestamp", "get_current_time",
                    "current_localtimestamp", "today", "current_date", "current_time", "current_timestamp"}),
     "Dates must count from the warehouse's as-of date (warehouse_meta.as_of_date), not today's clock."),
    (("current_",),
     frozenset({"getenv", "getvariable", "which_secret", "checkpoint", "force_checkpoint", "nextval", "currval",
                "setseed", "enable_logging", "disable_logging", "truncate_duckdb_logs", "version", "platform",
                "user", "session_user", "in_search_path", "error"}),
     "Reading or changing the session's settings is not allowed ({name})."),
)
_CATALOGUE_PREFIXES = ("duckdb_", "pragma_", "pg_")
_CATALOGUE_SCHEMAS = frozenset({"information_schema", "pg_catalog"})
_CATALOGUE_TABLES = frozenset({"sqlite_master", "sqlite_schema", "sqlite_temp_master"})

_DUCKDB = Dialect.get_or_raise("duckdb")

# Statement kinds a person recognises, for the refusal sentence.
_STATEMENT_WORDS: tuple[tuple[type[exp.Expression], str], ...] = (
    (exp.Insert, "INSERT changes data"),
    (exp.Update, "UPDATE changes data"),
    (exp.Delete, "DELETE changes data"),
    (exp.Merge, "MERGE changes data"),
    (exp.Create, "CREATE changes the database"),
    (exp.Drop, "DROP changes the database"),
    (exp.Alter, "ALTER changes the database"),
    (exp.Copy, "COPY reads or writes files"),
    (exp.Attach, "ATTACH opens another database"),
    (exp.Detach, "DETACH closes a database"),
    (exp.Install, "INSTALL adds extensions"),
    (exp.Pragma, "PRAGMA reads or changes settings"),
    (exp.Set, "SET changes settings"),
    (exp.Use, "USE switches the database"),
    (exp.Transaction, "transactions are not needed to read"),
    (exp.Commit, "transactions are not needed to read"),
    (exp.Rollback, "transactions are not needed to read"),
    (exp.Describe, "DESCRIBE reads the catalogue"),
    (exp.Summarize, "SUMMARIZE is not a SELECT"),
)


# Anything that is a statement of its own has no place inside a query.
_STATEMENT_NODES = (exp.DDL, exp.DML, exp.Command, *(kind for kind, _ in _STATEMENT_WORDS))


class _QuietFallbackWarnings(logging.Filter):
    # sqlglot logs a warning when it falls back to a generic Command; the guard refuses
    # Commands with its own reason, so the warning would only be noise on the terminal.
    def filter(self, record: logging.LogRecord) -> bool:
        return "Falling back to parsing as a 'Command'" not in record.getMessage()


logging.getLogger("sqlglot").addFilter(_QuietFallbackWarnings())


class _Refusal(Exception):
    """Internal: unwinds the checks to `check_expression`, which turns it into a Verdict."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class Verdict:
    """The guard's answer: the accepted SQL with notes, or a refusal with its reason."""

    accepted: bool
    sql: str | None = None
    expression: exp.Query | None = None
    notes: tuple[str, ...] = ()
    reason: str = ""  # one sentence a CSM understands
    detail: str = ""  # technical detail for an analyst

    @classmethod
    def refuse(cls, reason: str, detail: str = "") -> Verdict:
        """A refusal: the reason for the user, the detail for an analyst."""
        return cls(accepted=False, reason=reason, detail=detail)


@cache
def contract_relations() -> dict[str, tuple[str, ...]]:
    """The default allowlist: every contract table and its columns."""
    return {name: table.column_names for name, table in contract.tables().items()}


@dataclass(frozen=True)
class GuardPolicy:
    """What the guard allows. `relations` maps a relation name to its columns."""

    relations: Mapping[str, Collection[str]] = field(default_factory=contract_relations)
    row_limit: int = DEFAULT_ROW_LIMIT
    table_rows: Mapping[str, int] = field(default_factory=dict)  # estimated sizes, by relation
    max_rows: int | None = DEFAULT_MAX_ROWS  # None: no size check (tests of the timeout use it)

    def __post_init__(self) -> None:
        # DuckDB resolves names case-insensitively, quoted or not; so does the guard.
        object.__setattr__(self, "relations", {k.lower(): tuple(c.lower() for c in v) for k, v in self.relations.items()})
        object.__setattr__(self, "table_rows", {k.lower(): v for k, v in self.table_rows.items()})

    def with_relations(self, extra: Mapping[str, Collection[str]]) -> GuardPolicy:
        """This policy with more relations allowed (the semantic layer adds its views)."""
        return replace(self, relations={**self.relations, **extra})


def check_sql(sql: object, policy: GuardPolicy | None = None) -> Verdict:
    """Accept exactly one read-only SELECT over allowed relations, or say why not."""
    if not isinstance(sql, str) or not sql.strip():
        return Verdict.refuse("There is no SQL statement to run.", f"got {type(sql).__name__} {sql!r:.40}")
    if len(sql) > MAX_SQL_CHARS:
        return Verdict.refuse("The query is too long to check.", f"{len(sql)} characters; the limit is {MAX_SQL_CHARS}")
    try:
        tokens = _DUCKDB.tokenize(sql)
        _check_token_counts(tokens)
        parsed = _DUCKDB.parser().parse(tokens, sql)
    except _Refusal as refusal:
        return Verdict.refuse(refusal.reason, refusal.detail)
    except RecursionError:
        return Verdict.refuse("The query is nested too deeply to check.", "parser recursion limit reached")
    except (SqlglotError, ValueError) as error:
        return Verdict.refuse("The query could not be read as DuckDB SQL.", _one_line(error))
    statements = [s for s in parsed if s is not None and not isinstance(s, exp.Semicolon)]
    if not statements:
        return Verdict.refuse("There is no SQL statement to run.", "only comments or semicolons")
    if len(statements) > 1:
        kinds = ", ".join(_statement_kind(s) for s in statements)
        return Verdict.refuse(
            f"Only one statement can run at a time; this text holds {len(statements)}.", f"statements: {kinds}"
        )
    return check_expression(statements[0], policy)


def _check_token_counts(tokens: list[Token]) -> None:
    # Counted on tokens, before parsing, so an oversized statement is refused in milliseconds.
    if len(tokens) > MAX_TOKENS:
        raise _Refusal("The query is too large to check; ask for fewer things at once.",
                       f"{len(tokens):,} tokens; the limit is {MAX_TOKENS:,}")
    selects = sum(1 for token in tokens if token.token_type is TokenType.SELECT)
    if selects > MAX_SELECTS:
        raise _Refusal("The query has too many sub-queries to run; ask for fewer things at once.",
                       f"{selects} SELECTs; the limit is {MAX_SELECTS}")


def check_expression(expression: exp.Expression, policy: GuardPolicy | None = None) -> Verdict:
    """`check_sql` for a statement that is already an AST (e.g. a compiled semantic query).

    The expression is not modified; the accepted one is a checked copy with a LIMIT.
    """
    policy = policy or GuardPolicy()
    try:
        if not isinstance(expression, exp.Query):
            raise _Refusal(_statement_refusal(expression), f"statement type {type(expression).__name__}")
        _check_tree_size(expression)  # before the copy: a huge tree must cost no more than counting to the limit
        query = expression.copy()
        _check_nodes(query, policy)
        relations = _resolve_tables(query, policy)
        _check_sizes(query, policy)
        _check_columns(query, policy, relations)
        notes = _apply_limit(query, policy.row_limit)
        return Verdict(True, sql=query.sql(dialect="duckdb", pretty=True), expression=query, notes=notes)
    except _Refusal as refusal:
        return Verdict.refuse(refusal.reason, refusal.detail)
    except RecursionError:
        return Verdict.refuse("The query is nested too deeply to check.", "recursion limit reached while checking")


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split())[:300]


def _statement_kind(statement: exp.Expression) -> str:
    """The statement's leading keyword, e.g. DROP or CHECKPOINT."""
    if isinstance(statement, exp.Command):
        return str(statement.this).upper()
    text = statement.sql(dialect="duckdb").split(maxsplit=1)
    return text[0].upper() if text else type(statement).__name__.upper()


def _statement_refusal(statement: exp.Expression) -> str:
    for kind, words in _STATEMENT_WORDS:
        if isinstance(statement, kind):
            return f"Only read-only SELECT queries can run; {words}."
    kind = _statement_kind(statement)
    return f"Only read-only SELECT queries can run, not {kind if re.fullmatch(r'[A-Z_]+', kind) else 'this statement'}."


def _check_tree_size(query: exp.Expression) -> None:
    """Refuse a tree too deep, too large or with too many SELECTs, stopping at the first limit passed."""
    stack, nodes, selects = [(query, 1)], 0, 0
    while stack:
        node, depth = stack.pop()
        nodes += 1
        selects += isinstance(node, exp.Select)
        if depth > MAX_DEPTH:
            raise _Refusal("The query is nested too deeply to check.", f"expression depth exceeds {MAX_DEPTH}")
        if nodes > MAX_NODES:
            raise _Refusal("The query is too large to check; ask for fewer things at once.",
                           f"more than {MAX_NODES:,} expression nodes")
        if selects > MAX_SELECTS:
            raise _Refusal("The query has too many sub-queries to run; ask for fewer things at once.",
                           f"more than {MAX_SELECTS} SELECTs")
        stack.extend((child, depth + 1) for child in node.iter_expressions())


def _stub(value: object) -> object:
    # Small leaves decide how a node renders (a unit, a type) and are copied, since a node adopts
    # its arguments; anything larger is replaced, so naming a function costs the same whatever
    # its arguments hold, and equal stubs share one cached rendering.
    if isinstance(value, list):
        return [_stub(item) for item in value]
    if isinstance(value, (exp.Literal, exp.DataType, exp.Var, exp.Identifier)):
        return value.copy()
    if isinstance(value, exp.Expression):
        return exp.column("_")
    return value


@lru_cache(maxsize=4096)
def _rendered_name(stub: exp.Func) -> str:
    match = _CALLED_NAME.match(stub.sql(dialect="duckdb"))
    return match.group(1).lower() if match else ""


def function_name(func: exp.Func) -> str:
    """The name DuckDB runs for a function node, lower-case; '' for syntax (operators, CASE, [..])."""
    if isinstance(func, (exp.Anonymous, exp.AnonymousAggFunc)):
        return func.name.lower()
    try:
        return _rendered_name(type(func)(**{key: _stub(value) for key, value in func.args.items()}))
    except (SqlglotError, ValueError, TypeError, AttributeError):
        match = _CALLED_NAME.match(func.sql(dialect="duckdb"))
        return match.group(1).lower() if match else ""


def _function_refusal(name: str) -> str:
    for prefixes, names, reason in _REFUSED_FAMILIES:
        if name in names or name.startswith(prefixes or ("\0",)):
            return reason.format(name=name)
    suggestion = _closest(name, ALLOWED_FUNCTIONS)
    reason = f"The function {name}() is not open to questions; a query may call only everyday read-only functions"
    return reason + (f"; did you mean {suggestion}()?" if suggestion else ".")


# Functions that build text: a value's size is bounded by what they are given, so nested and concatenated
# builders multiply and add (repeat(repeat('x', 10000), 100) is a megabyte a row).
_BUILDERS = (exp.Repeat, exp.Pad, exp.DPipe, exp.Concat)
_WIDTH_FORMATS = frozenset({"printf", "format"})
# A column's value of unknown length, for the bound: the warehouse's text columns are names and labels.
_COLUMN_CHARS = 100


def _built_chars(node: exp.Expression) -> int:
    """An upper bound on the characters `node` evaluates to, for the text builders; a small default otherwise."""
    if isinstance(node, exp.Literal):
        return len(str(node.this))
    if isinstance(node, exp.Repeat):
        times = _literal_int(node.args.get("times"), None)
        return _built_chars(node.this) * (MAX_REPEAT + 1 if times is None else max(times, 0))
    if isinstance(node, exp.Pad):
        length = _literal_int(node.args.get("expression"), None)
        return MAX_REPEAT + 1 if length is None else max(length, 0)
    if isinstance(node, exp.DPipe):
        return _built_chars(node.this) + _built_chars(node.expression)
    if isinstance(node, exp.Concat):
        return sum(_built_chars(part) for part in node.expressions)
    if isinstance(node, exp.Paren):
        return _built_chars(node.this)
    return _COLUMN_CHARS


def _check_built(node: exp.Expression) -> None:
    built = _built_chars(node)
    if built > MAX_REPEAT:
        what = node.sql(dialect="duckdb")[:60]
        raise _Refusal("The query builds a value too large to return.",
                       f"{what} builds up to {built:,} characters; the limit is {MAX_REPEAT:,}")


def _check_widths(func: exp.Func, name: str) -> None:
    """printf/format pad to the widths their pattern names: the pattern must be written out, its widths small."""
    pattern = func.this if isinstance(func, exp.Format) else (func.expressions or [None])[0]
    if not (isinstance(pattern, exp.Literal) and pattern.is_string):
        raise _Refusal(f"The pattern of {name}() must be written out as text.", f"{name}() with a computed pattern")
    widest = max((int(n) for n in re.findall(r"\d+", str(pattern.this))), default=0)
    if widest > MAX_REPEAT:
        raise _Refusal("The query builds a value too large to return.", f"{name}() pads to {widest:,} characters")


def _check_function(func: exp.Func, policy: GuardPolicy) -> None:
    if isinstance(func, _WALL_CLOCK_NODES):  # CURRENT_DATE and friends render as keywords, not calls
        raise _Refusal(_function_refusal("current_date"), f"{type(func).__name__} node")
    name = function_name(func)
    if not name:
        if not isinstance(func, _SYNTAX_FUNCTIONS):
            raise _Refusal("The query uses an expression that is not open to questions.",
                           f"{type(func).__name__} renders as {func.sql(dialect='duckdb')[:60]}")
    elif name not in ALLOWED_FUNCTIONS or not name.isascii():
        raise _Refusal(_function_refusal(name), f"function {name}() is not on the allowlist")
    if name in _WIDTH_FORMATS:
        _check_widths(func, name)
    if isinstance(func, exp.GenerateSeries) and policy.max_rows is not None:
        size = _series_size(func)
        if size is not None and size > policy.max_rows:
            raise _Refusal("The query would generate too many rows to run.", f"series of {size:,} rows")


def _check_nodes(query: exp.Query, policy: GuardPolicy) -> None:
    for node in query.walk():
        if isinstance(node, _STATEMENT_NODES):
            raise _Refusal(_statement_refusal(node), f"nested {type(node).__name__} inside the query")
        if isinstance(node, exp.Into):
            raise _Refusal("Only read-only SELECT queries can run; SELECT … INTO writes a table.", "INTO clause")
        if isinstance(node, (exp.Placeholder, exp.Parameter, exp.SessionParameter)):
            raise _Refusal("The query has parameters or variables; write the values into it.", node.sql("duckdb"))
        if isinstance(node, exp.With) and node.args.get("recursive"):
            raise _Refusal("Recursive queries are not allowed; they can run without end.", "WITH RECURSIVE")
        if isinstance(node, exp.Literal):
            _check_literal(node)
        if isinstance(node, _BUILDERS):  # || is an operator, not a function
            _check_built(node)
        if isinstance(node, exp.Func):
            _check_function(node, policy)


def _check_literal(literal: exp.Literal) -> None:
    text = str(literal.this)
    if literal.is_string and len(text) > MAX_LITERAL_CHARS:
        raise _Refusal("The query holds a text value too long to check.", f"string literal of {len(text)} characters")
    if not literal.is_string and (len(re.sub(r"\D", "", text)) > MAX_NUMBER_DIGITS or _overflows(text)):
        raise _Refusal("The query holds a number too large to use.", f"numeric literal {text[:40]}")


def _overflows(number: str) -> bool:
    try:
        return math.isinf(float(number))
    except ValueError:
        return False


def _literal_int(node: exp.Expression | None, default: int | None) -> int | None:
    if isinstance(node, exp.Neg) and isinstance(node.this, exp.Literal):
        value = _literal_int(node.this, None)
        return default if value is None else -value
    if isinstance(node, exp.Literal) and not node.is_string:
        try:
            return int(float(node.this))
        except (ValueError, OverflowError):
            return default
    return default


def _series_size(series: exp.GenerateSeries) -> int | None:
    start = _literal_int(series.args.get("start"), None)
    end = _literal_int(series.args.get("end"), None)
    step = _literal_int(series.args.get("step"), 1) if series.args.get("step") else 1
    if start is None or end is None or not step:
        return None
    return max(0, (end - start) // step + 1)


# --- relations --------------------------------------------------------------------------


def _cte_name_for(name: str, taken: Collection[str]) -> str:
    candidate, n = f"{name}_cte", 1
    while candidate.lower() in taken:
        n += 1
        candidate = f"{name}_cte{n}"
    return candidate


def _resolve_tables(query: exp.Query, policy: GuardPolicy) -> set[str]:
    """Check every table reference; rename CTEs that shadow a relation. Returns relations used.

    DuckDB resolves a name to the nearest CTE in scope, except inside that CTE's own body
    (WITH RECURSIVE is refused). A CTE named like a relation is renamed, so that after the
    guard a relation's name always means the relation; row-level security relies on that.
    """
    used: set[str] = set()
    taken = set(policy.relations) | {c.alias_or_name.lower() for c in query.find_all(exp.CTE)}

    def visit(node: exp.Expression, visible: dict[str, str]) -> None:
        with_ = node.args.get("with_")
        if isinstance(with_, exp.With):
            visible = dict(visible)
            for cte in with_.expressions:
                visit(cte.this, visible)
                name = new = cte.alias_or_name
                if name.lower() in policy.relations:
                    new = _cte_name_for(name, taken)
                    taken.add(new.lower())
                    cte.set("alias", exp.TableAlias(this=exp.to_identifier(new), columns=cte.args["alias"].columns))
                visible[name.lower()] = visible[new.lower()] = new
        if isinstance(node, exp.Table):
            _visit_table(node, visible, policy, used)
        for key, child in node.args.items():
            if key == "with_":
                continue
            for item in child if isinstance(child, list) else [child]:
                if isinstance(item, exp.Expression):
                    visit(item, visible)

    visit(query, {})
    return used


def _visit_table(table: exp.Table, visible: dict[str, str], policy: GuardPolicy, used: set[str]) -> None:
    if isinstance(table.this, exp.Func):
        name = function_name(table.this)  # already checked as a function by _check_nodes
        if name not in TABLE_FUNCTIONS:
            raise _Refusal(f"Only range(), generate_series() and unnest() can be read as tables, not {name}().",
                           f"table function {name}()")
        return
    name = table.name
    lower = name.lower()
    if table.args.get("when") or table.args.get("version") or table.args.get("changes"):
        raise _Refusal("Time-travel reads are not allowed.", table.sql("duckdb"))
    if table.catalog or (table.db and table.db.lower() != "main"):
        if table.db.lower() in _CATALOGUE_SCHEMAS or table.catalog.lower() in _CATALOGUE_SCHEMAS:
            raise _Refusal("The system catalogue is not open to questions.", f"relation {table.sql('duckdb')}")
        raise _Refusal(
            f"Write table names without a database or schema ({table.sql('duckdb')}).", "only the main schema is open"
        )
    if not table.db and lower in visible:
        if visible[lower] != name:
            table.set("this", exp.to_identifier(visible[lower]))
            if not table.alias:
                table.set("alias", exp.TableAlias(this=exp.to_identifier(name)))
        return
    if lower in policy.relations and name.isascii():  # Python folds some non-ASCII letters to ASCII
        used.add(lower)
        return
    raise _Refusal(_unknown_relation_reason(name, policy), f"relation {table.sql('duckdb')} is not in the allowlist")


def _unknown_relation_reason(name: str, policy: GuardPolicy) -> str:
    lower = name.lower()
    if lower.startswith(_CATALOGUE_PREFIXES) or lower in _CATALOGUE_TABLES or lower in _CATALOGUE_SCHEMAS:
        return f"The system catalogue is not open to questions ({name})."
    if any(ch in name for ch in "/\\:") or re.search(r"\.(csv|parquet|json|txt|tsv|gz|db|duckdb)$", lower):
        return f"Reading files or URLs is not allowed ({name})."
    reason = f"There is no table called '{name}'"
    if not name.isascii():
        reason += " (it contains look-alike non-ASCII letters)"
    suggestion = _closest(name, policy.relations)
    return reason + (f"; did you mean '{suggestion}'?" if suggestion else ".")


def _closest(name: str, choices: Collection[str]) -> str | None:
    match = process.extractOne(name.lower(), list(choices), score_cutoff=60)
    return match[0] if match else None


# --- size -------------------------------------------------------------------------------


def _check_sizes(query: exp.Query, policy: GuardPolicy) -> None:
    if policy.max_rows is None:
        return
    ctes = {cte.alias_or_name.lower(): cte.this for cte in query.find_all(exp.CTE)}
    estimator = _Estimator(policy, ctes)
    for select in query.find_all(exp.Select):
        estimator.select_rows(select, refuse_above=policy.max_rows)


class _Estimator:
    """Upper-bound row estimates, enough to tell a cross product of large relations."""

    def __init__(self, policy: GuardPolicy, ctes: Mapping[str, exp.Expression]):
        self.policy = policy
        self.ctes = ctes
        self.memo: dict[str, int] = {}

    def rows(self, node: exp.Expression) -> int:
        if isinstance(node, exp.Subquery):
            return self.rows(node.this)
        if isinstance(node, exp.Select):
            return self.select_rows(node)
        if isinstance(node, exp.SetOperation):
            return self.rows(node.left) + self.rows(node.right)
        if isinstance(node, exp.Values):
            return len(node.expressions)
        if isinstance(node, exp.Table):
            return self.table_rows(node)
        return UNKNOWN_ROWS

    def table_rows(self, table: exp.Table) -> int:
        if isinstance(table.this, exp.GenerateSeries):
            size = _series_size(table.this)
            return UNKNOWN_ROWS if size is None else size
        name = table.name.lower()
        if name in self.ctes and not table.db:
            if name not in self.memo:
                self.memo[name] = UNKNOWN_ROWS  # a guard against self-reference while computing
                self.memo[name] = self.rows(self.ctes[name])
            return self.memo[name]
        return self.policy.table_rows.get(name, UNKNOWN_ROWS)

    def select_rows(self, select: exp.Select, refuse_above: int | None = None) -> int:
        from_ = select.args.get("from_")
        sources = ([from_.this] if from_ else []) + [j.this for j in select.args.get("joins") or []]
        if not sources:
            rows = 1
        else:
            rows = self._joined_rows(select, sources, refuse_above)
        limit = select.args.get("limit")
        if isinstance(limit, exp.Limit):
            rows = min(rows, _literal_int(limit.expression, rows))
        if not select.args.get("group") and any(
            agg.find_ancestor(exp.Window, exp.Select) is select for e in select.expressions for agg in e.find_all(exp.AggFunc)
        ):
            rows = 1
        elif select.args.get("group") or select.args.get("distinct"):
            rows = min(rows, GROUPED_ROWS)
        return rows

    def _joined_rows(self, select: exp.Select, sources: list[exp.Expression], refuse_above: int | None) -> int:
        names = [(s.alias_or_name or "").lower() for s in sources]
        parent = list(range(len(sources)))

        def find(i: int) -> int:
            while parent[i] != i:
                i = parent[i]
            return i

        def union(i: int, j: int) -> None:
            parent[find(i)] = find(j)

        def referenced(condition: exp.Expression) -> set[int] | None:
            # None when a column is unqualified: which source it belongs to cannot be told.
            columns = list(condition.find_all(exp.Column))
            if any(not c.table for c in columns):
                return None
            return {names.index(c.table.lower()) for c in columns if c.table.lower() in names}

        for i, join in enumerate(select.args.get("joins") or [], start=1):
            on = join.args.get("on")
            implicit = isinstance(join.this, (exp.Unnest, exp.Lateral)) or join.args.get("using") or join.method
            if implicit or join.kind in ("SEMI", "ANTI", "ASOF"):
                union(i, i - 1)
            elif on is not None:
                linked = referenced(on)
                for j in {i - 1} if linked is None else linked - {i} if i in linked else set():
                    union(i, j)
        where = select.args.get("where")
        for eq in where.find_all(exp.EQ) if where else []:
            if eq.this.find(exp.Column) and eq.expression.find(exp.Column):
                linked = referenced(eq)
                for j in range(len(sources)) if linked is None else linked:
                    union(j, 0 if linked is None else min(linked))
        components: dict[int, list[int]] = {}
        for i in range(len(sources)):
            components.setdefault(find(i), []).append(i)
        total = 1
        for members in components.values():
            total *= max(self.rows(sources[i]) for i in members)
        if refuse_above is not None and len(components) > 1 and total > refuse_above:
            tables = " × ".join(sources[members[0]].sql("duckdb") for members in components.values())
            raise _Refusal(
                "The query joins large tables without a join condition, which would produce too many rows.",
                f"cross product {tables} ≈ {total:,} rows (limit {refuse_above:,})",
            )
        return total


# --- columns ----------------------------------------------------------------------------


_UNRESOLVED = re.compile(r"Column '([^']+)' could not be resolved|Unknown column: (\S+)")


def _check_columns(query: exp.Query, policy: GuardPolicy, used: set[str]) -> None:
    schema = {name: {column: "VARCHAR" for column in columns} for name, columns in policy.relations.items()}
    try:
        qualify(query.copy(), schema=schema, dialect="duckdb", validate_qualify_columns=True)
    except SqlglotError as error:
        match = _UNRESOLVED.search(str(error))
        if not match:
            raise _Refusal("The query's columns could not be checked.", _one_line(error)) from None
        column = (match.group(1) or match.group(2)).strip('"')
        candidates = {c for name in used for c in policy.relations[name]}
        if column.lower() in candidates:
            reason = f"The column '{column}' is ambiguous or not available where the query uses it; prefix it with its table's alias."
            raise _Refusal(reason, _one_line(error)) from None
        suggestion = _closest(column, candidates)
        where = ", ".join(sorted(used)) or "the query's tables"
        reason = f"There is no column '{column}' in {where}"
        raise _Refusal(reason + (f"; did you mean '{suggestion}'?" if suggestion else "."), _one_line(error)) from None


# --- limit ------------------------------------------------------------------------------


def _apply_limit(query: exp.Query, row_limit: int) -> tuple[str, ...]:
    limit = query.args.get("limit")
    if limit is None:
        query.set("limit", exp.Limit(expression=exp.Literal.number(row_limit)))
        return (f"Added LIMIT {row_limit:,}: the query had no row limit.",)
    value = _literal_int(limit.expression, None) if isinstance(limit, exp.Limit) else None
    if value is None:
        raise _Refusal("The query's LIMIT must be a plain number.", limit.sql("duckdb"))
    if value > row_limit:
        limit.set("expression", exp.Literal.number(row_limit))
        return (f"Lowered LIMIT {value:,} to {row_limit:,}, the most rows an answer returns.",)
    return ()



# --- the governed path ------------------------------------------------------------------


def apply_limit(query: exp.Query, row_limit: int) -> tuple[str, ...]:
    """Give `query` (changed in place) a LIMIT of at most `row_limit`; the notes saying what was changed."""
    try:
        return _apply_limit(query, row_limit)
    except _Refusal as refusal:
        raise ValueError(refusal.reason) from None


def within_limit(query: exp.Query, row_limit: int) -> bool:
    """Whether the query's own LIMIT is a plain number of at most `row_limit`."""
    limit = query.args.get("limit")
    value = _literal_int(limit.expression, None) if isinstance(limit, exp.Limit) else None
    return value is not None and value <= row_limit


def catalogue_columns(catalog: Catalog) -> dict[str, set[str]]:
    """Every table, and its columns, that SQL compiled from `catalog` can read: a source's table whole, the columns
    its signals', dimensions' and metrics' fragments name, and the join keys that reach a table from where it is used.

    The compiler emits table references only from these fragments (its CTEs and spine are its own names), so a
    catalogue whose columns are all allowlisted compiles only to allowlisted SQL.
    """
    used: dict[str, set[str]] = {}

    def join(home: str, target: str) -> None:
        used.setdefault(target, set())
        for fk in join_path(home, target) or ():
            used.setdefault(fk.table, set()).add(fk.column)
            used.setdefault(fk.ref_table, set()).add(fk.ref_column)

    def read(home: str, text: str | None, made: Collection[str] = ()) -> None:
        # `made`: names the compiler gives a source's rows itself (a movement's base_mrr, a rollup's signals)
        used.setdefault(home, set())
        for table, column in column_refs(text) if text else ():
            if table in (None, home) and column not in made:
                used[home].add(column)
            elif table not in (None, home, SPINE):
                join(home, table)
                used[table].add(column)

    def measures(home: str, parts: Iterable[Measure | None], made: Collection[str] = ()) -> None:
        for measure in filter(None, parts):
            read(home, measure.expr, made)
            read(home, measure.filter, made)

    for source in catalog.sources.values():
        # a keyed source's first step selects every column of its table (semantic_layer.aggregate)
        used[source.table] = set(contract.tables()[source.table].column_names)
        for text in (source.time, source.end_time, source.key, source.value):
            read(source.table, text)
        for signal in source.signals:
            join(source.table, signal.table)
            for text in (signal.time, source.key, signal.per):
                read(signal.table, text)
            measures(signal.table, signal.inner.values())
            # per key and `per`, the columns aggregate the inner values, not the table's columns
            measures(signal.table, () if signal.per else signal.columns.values())
    for dimension in catalog.dimensions.values():
        for table, text in ((dimension.table, dimension.column), *dimension.alternates.items()):
            read(table, text)
    for metric in catalog.metrics.values():
        source = catalog.sources.get(metric.source or "")
        if source is None:
            continue  # derived from other metrics: their fragments are read on their own
        made = (*(source.columns or ()), *(c for s in source.signals for c in s.columns))
        thresholds = metric.thresholds
        for text in (metric.where, *(thresholds.values.values() if thresholds else ()),
                     thresholds.otherwise if thresholds else None):
            read(source.table, text, made)
        ratio = metric.ratio
        measures(source.table, (metric.measure, ratio.numerator if ratio else None,
                                ratio.denominator if ratio else None), made)
        splits = (*metric.dimensions, *((thresholds.dimension,) if thresholds else ()), source.cohort, source.each)
        for name in filter(None, splits):
            dimension = catalog.dimensions.get(name)
            if dimension is not None:
                join(source.table, dimension.table)
                for table in dimension.alternates:
                    join(source.table, table)
    return used


def outside_allowlist(catalog: Catalog, policy: GuardPolicy) -> list[str]:
    """'table' or 'table.column' for everything `catalog` can read that `policy` does not allow, sorted; [] when
    SQL compiled from it may run without the full guard (checked once, when an assistant starts)."""
    outside = []
    for table, columns in sorted(catalogue_columns(catalog).items()):
        allowed = policy.relations.get(table.lower())
        if allowed is None:
            outside.append(table)
        else:
            outside += [f"{table}.{column}" for column in sorted(columns) if column.lower() not in allowed]
    return outside
