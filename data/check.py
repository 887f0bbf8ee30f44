"""Check any DuckDB file against the warehouse contract, and report every problem at once.

The file is opened read-only: checking never changes it. Validation is a list of small
rules (dbt-semantic-interfaces style); each takes the opened warehouse and returns its
problems, so a user sees all of them in one run. Each rule runs one aggregate query per
table it looks at, and finds its example row with `min(...) FILTER (WHERE ...)` in the
same scan, so a check stays a few full scans even on a table of tens of millions of rows.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from pathlib import Path

import duckdb
from tqdm import tqdm

from data import contract
from data.connection import open_read_only
from data.paths import WarehouseUnreadable


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a warehouse: where (table.column or file) and what, with an example."""

    where: str
    message: str

    def line(self) -> str:
        return f"{self.where}: {self.message}"


def at(table: str, columns: Iterable[str] = ()) -> str:
    """How a problem names its place: `table`, `table.column` or `table (a, b)`."""
    columns = tuple(columns)
    if not columns:
        return table
    if len(columns) == 1:
        return f"{table}.{columns[0]}"
    return f"{table} ({', '.join(columns)})"


# Closed sets the metrics depend on: a renewal rate needs `renewed`, NPS needs `nps`, TTV needs
# `first_value`, open tickets need `resolved`, CAC/CRC need the departments. Labels a team
# chooses for itself (segment, industry, region, plan, channel, category, team, service
# model) are learnt from the data and not checked. tests/test_contract.py compares these
# sets with the contract document.
CLOSED_SETS: dict[tuple[str, str], tuple[str, ...]] = {
    ("users", "role"): ("admin", "member", "viewer", "executive"),
    ("tickets", "priority"): ("low", "normal", "high", "urgent"),
    ("tickets", "status"): ("open", "pending", "resolved"),
    ("survey_responses", "survey_type"): ("nps", "csat", "ces"),
    ("survey_responses", "touchpoint"): ("relationship", "onboarding", "support", "qbr", "training"),
    ("renewals", "outcome"): ("renewed", "churned", "pending"),
    ("onboarding_milestones", "milestone"): ("kickoff", "admin_setup", "integration", "training", "first_value"),
    ("meetings", "meeting_type"): ("qbr", "check-in", "training", "executive-review"),
    ("spend_monthly", "department"): ("customer_success", "sales", "marketing"),
}

# Score scale of each survey type (inclusive), from the contract.
SURVEY_SCALES: dict[str, tuple[int, int]] = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}

# The grain of the tables without a primary key, as the contract states it: at most one row each.
GRAINS: dict[str, tuple[str, ...]] = {
    "account_mrr_monthly": ("account_id", "month"),
    "user_activity_daily": ("user_id", "activity_date"),
    "feature_usage_daily": ("account_id", "user_id", "activity_date", "feature"),
    "health_scores_weekly": ("account_id", "week_start"),
    "onboarding_milestones": ("account_id", "milestone"),
    "spend_monthly": ("month", "department"),
}

# Dates and instants of things that happened, so none is after as_of_date (the last complete
# day of data). The other date columns are scheduled and may lie ahead: a renewal's term_end,
# a milestone's due_on. tests/test_contract.py checks every date column is in one of the two.
HAPPENED: dict[str, tuple[str, ...]] = {
    "csms": ("hired_on",),
    "accounts": ("contract_start", "churned_on"),
    "account_mrr_monthly": ("month",),
    "users": ("created_on", "deactivated_on"),
    "user_activity_daily": ("activity_date",),
    "feature_usage_daily": ("activity_date",),
    "tickets": ("opened_at", "first_response_at", "resolved_at"),
    "survey_responses": ("responded_at",),
    "health_scores_weekly": ("week_start",),
    "renewals": ("closed_on",),
    "onboarding_milestones": ("completed_on",),
    "meetings": ("meeting_date",),
    "trials": ("started_on", "converted_on"),
    "spend_monthly": ("month",),
}
SCHEDULED: dict[str, tuple[str, ...]] = {"renewals": ("term_end",), "onboarding_milestones": ("due_on",)}

# How many days past its own date a row's period runs: a month to its last day, a week to Sunday.
_PERIOD_END = {"month": "last_day({col})", "week_start": "{col} + 6"}

# Counts and amounts that cannot be negative. MRR (positive), contacts_to_resolve (at least 1)
# and scores (their scales) have rules of their own.
NON_NEGATIVE: dict[str, tuple[str, ...]] = {
    "accounts": ("seats_purchased",),
    "user_activity_daily": ("sessions", "minutes_active", "core_actions"),
    "feature_usage_daily": ("events",),
    "renewals": ("arr_up_for_renewal", "renewed_arr"),
    "spend_monthly": ("amount",),
}


@dataclass(frozen=True)
class DataRange:
    """The first day a happened column holds and the last day the data covers, with where each is."""

    first: dt.date
    first_at: str
    last: dt.date
    last_at: str


# Types a user's own DuckDB file may use in place of the contract's, because every query
# gives the same answer on them: any signed integer width holds the same whole numbers, and
# any DECIMAL with two decimal places holds the same cents (DuckDB widens sums to
# DECIMAL(38,2) either way). FLOAT for DOUBLE, DOUBLE for money, or TIMESTAMP WITH TIME
# ZONE for TIMESTAMP would change answers (rounding, session time zone) and are refused.
_INTEGER_TYPES = frozenset({"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT"})


def type_is_compatible(actual: str, expected: str) -> bool:
    """Whether a column of type `actual` answers every query as the contract's `expected` would."""
    if actual == expected:
        return True
    if expected in _INTEGER_TYPES:
        return actual in _INTEGER_TYPES
    if expected.startswith("DECIMAL("):
        return actual.startswith("DECIMAL(") and actual.endswith(",2)")
    return False


@dataclass
class Warehouse:
    """An open warehouse and the tables and column types it actually has."""

    con: duckdb.DuckDBPyConnection

    @cached_property
    def columns(self) -> dict[str, dict[str, str]]:
        """table → column → DuckDB type, names lower-cased (DuckDB resolves them case-insensitively)."""
        rows = self.con.execute(
            "SELECT lower(table_name), lower(column_name), data_type FROM information_schema.columns "
            "WHERE table_catalog = current_database() AND table_schema = 'main' "
            "ORDER BY table_name, ordinal_position"
        ).fetchall()
        found: dict[str, dict[str, str]] = {}
        for table, column, data_type in rows:
            found.setdefault(table, {})[column] = data_type
        return found

    def usable(self, table: str, *columns: str) -> bool:
        """The table exists and has these columns with contract-compatible types."""
        have = self.columns.get(table)
        if have is None:
            return False
        spec = contract.table(table)
        return all(c in have and type_is_compatible(have[c], spec.column(c).type) for c in columns)

    @cached_property
    def as_of_values(self) -> list[str] | None:
        """Every as_of_date value in warehouse_meta, or None when the table is not usable."""
        if not self.usable("warehouse_meta", "key", "value"):
            return None
        return [v for (v,) in self.con.execute("SELECT value FROM warehouse_meta WHERE key = 'as_of_date'").fetchall()]

    @property
    def as_of(self) -> dt.date | None:
        """The as_of_date when there is exactly one and it is a date (the as_of_date rule reports the rest)."""
        values = self.as_of_values
        return parse_date(values[0]) if values and len(values) == 1 else None

    @cached_property
    def data_range(self) -> DataRange | None:
        """From the earliest happened date to the last day the data covers; None without such rows."""
        first: tuple[dt.date, str] | None = None
        last: tuple[dt.date, str] | None = None
        for table, columns in HAPPENED.items():
            columns = tuple(c for c in columns if self.usable(table, c))
            if not columns:
                continue
            select = ", ".join(
                f"min(CAST({quote_identifier(c)} AS DATE)), "
                f"max({_PERIOD_END.get(c, '{col}').format(col=f'CAST({quote_identifier(c)} AS DATE)')})"
                for c in columns
            )
            found = self.con.execute(f"SELECT {select} FROM {quote_identifier(table)}").fetchone()
            for i, column in enumerate(columns):
                low, high = found[2 * i], found[2 * i + 1]
                if low is not None and (first is None or low < first[0]):
                    first = (low, at(table, [column]))
                if high is not None and (last is None or high > last[0]):
                    last = (high, at(table, [column]))
        if first is None or last is None:
            return None
        return DataRange(first[0], first[1], last[0], last[1])

    def key(self, table: str) -> tuple[str, ...]:
        """The columns that identify a row of `table`, for showing an example of it."""
        spec = contract.table(table)
        key = (spec.primary_key,) if spec.primary_key else GRAINS.get(table, ())
        return tuple(c for c in key if c in self.columns.get(table, {}))


# --- formatting ---------------------------------------------------------------------------


def format_value(value: object) -> str:
    """A value as a user would type it: 'A0042', 2025-03-01, -10.00, NULL."""
    if value is None:
        return "NULL"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, Decimal, bool, int, float)):
        return str(value)
    return repr(value)


def format_row(row: dict) -> str:
    return ", ".join(f"{name}={format_value(value)}" for name, value in row.items())


def _rows(n: int) -> str:
    return f"{n:,} row" if n == 1 else f"{n:,} rows"


def quote_identifier(name: str) -> str:
    """A name as a quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def quote_literal(text: str) -> str:
    """Text as a SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def struct_of(columns: Iterable[str]) -> str:
    """SQL for a struct of these columns (each once), to pick an example row with min()."""
    fields = ", ".join(f"{quote_identifier(c)} := {quote_identifier(c)}" for c in dict.fromkeys(columns))
    return f"struct_pack({fields})"


def _sql_list(values: Iterable[str]) -> str:
    return ", ".join(quote_literal(v) for v in values)


# --- the one query shape the row rules share -------------------------------------------------


def count_with_example(con: duckdb.DuckDBPyConnection, source: str, tests: list[tuple[str, str]]) -> list[tuple]:
    """For each (condition, example expression): rows of `source` matching it and the least example.

    All conditions are counted in one scan of `source`.
    """
    select = ", ".join(f"count(*) FILTER (WHERE {where}), min({example}) FILTER (WHERE {where})"
                       for where, example in tests)
    found = con.execute(f"SELECT {select} FROM {source}").fetchone()
    return [(found[2 * i], found[2 * i + 1]) for i in range(len(tests))]


@dataclass(frozen=True)
class RowTest:
    """Rows of a table that break a rule: `where` is true for a bad row."""

    table: str
    columns: tuple[str, ...]  # where the problem is reported; also shown in the example
    where: str
    message: str  # completes "N rows ...", e.g. "with non-positive MRR"


def failing_rows(wh: Warehouse, table: str, tests: list[RowTest]) -> list[Problem]:
    """Run all tests on `table` in one scan; a problem per failing test, with its first bad row."""
    found = count_with_example(
        wh.con, quote_identifier(table), [(t.where, struct_of(wh.key(table) + t.columns)) for t in tests]
    )
    return [
        Problem(at(table, test.columns), f"{_rows(n)} {test.message}, e.g. {format_row(example)}")
        for test, (n, example) in zip(tests, found)
        if n
    ]


def row_test(wh: Warehouse, table: str, columns: tuple[str, ...], where: str, message: str) -> list[RowTest]:
    """The test, or none when its columns are missing or mistyped (already reported)."""
    return [RowTest(table, columns, where, message)] if wh.usable(table, *columns) else []


# --- row rules: each says which rows are wrong; they run together, one scan per table ---------

RowRule = Callable[[Warehouse], Iterable[RowTest]]


def nulls_in_required_columns(wh: Warehouse) -> Iterator[RowTest]:
    for t in contract.tables().values():
        for c in t.columns:
            if not c.nullable:
                yield from row_test(wh, t.name, (c.name,), f"{quote_identifier(c.name)} IS NULL", "with NULL")


def non_positive_mrr(wh: Warehouse) -> list[RowTest]:
    # A month without revenue has no row, so a row of zero or less is a mistake.
    return row_test(wh, "account_mrr_monthly", ("mrr",), "mrr <= 0", "with non-positive MRR")


def months_not_on_the_first(wh: Warehouse) -> Iterator[RowTest]:
    for t in contract.tables().values():
        if "month" in t.column_names:
            yield from row_test(wh, t.name, ("month",), "day(month) <> 1", "not on the first day of the month")


def weeks_not_starting_on_monday(wh: Warehouse) -> list[RowTest]:
    return row_test(wh, "health_scores_weekly", ("week_start",), "isodow(week_start) <> 1",
                    "with a week_start that is not a Monday")


def health_scores_out_of_range(wh: Warehouse) -> Iterator[RowTest]:
    # Every score column is DOUBLE 0-100. NaN sorts above every number in DuckDB, so it is caught too.
    for c in contract.table("health_scores_weekly").columns:
        if c.type == "DOUBLE":
            where = f"NOT ({quote_identifier(c.name)} BETWEEN 0 AND 100)"
            yield from row_test(wh, "health_scores_weekly", (c.name,), where, "outside 0-100")


def survey_scores_off_their_scale(wh: Warehouse) -> list[RowTest]:
    # Unknown survey types pass here; values_outside_closed_sets reports them.
    on_scale = " ".join(f"WHEN '{kind}' THEN score BETWEEN {lo} AND {hi}" for kind, (lo, hi) in SURVEY_SCALES.items())
    scales = ", ".join(f"{kind} {lo}-{hi}" for kind, (lo, hi) in SURVEY_SCALES.items())
    where = f"NOT (CASE survey_type {on_scale} ELSE true END)"
    return row_test(wh, "survey_responses", ("survey_type", "score"), where,
                    f"with a score outside its survey type's scale ({scales})")


def values_outside_closed_sets(wh: Warehouse) -> Iterator[RowTest]:
    for (table, column), allowed in CLOSED_SETS.items():
        where = f"{quote_identifier(column)} NOT IN ({_sql_list(allowed)})"
        yield from row_test(wh, table, (column,), where, f"outside {', '.join(allowed)}")


def resolved_tickets_without_contacts(wh: Warehouse) -> list[RowTest]:
    # First contact resolution divides by resolved tickets and needs their contact counts.
    return row_test(wh, "tickets", ("status", "contacts_to_resolve"),
                    "status = 'resolved' AND contacts_to_resolve IS NULL", "resolved with NULL contacts_to_resolve")


def contacts_below_one(wh: Warehouse) -> list[RowTest]:
    return row_test(wh, "tickets", ("contacts_to_resolve",), "contacts_to_resolve < 1",
                    "with contacts_to_resolve below 1")


def ticket_times_out_of_order(wh: Warehouse) -> Iterator[RowTest]:
    for later in ("first_response_at", "resolved_at"):
        yield from row_test(wh, "tickets", ("opened_at", later), f"{later} < opened_at",
                            f"with {later} before opened_at")


def happened_after_as_of(wh: Warehouse) -> Iterator[RowTest]:
    # Against an as_of_date before all the data, every row would be "after" it; as_of_date says so once.
    if wh.as_of is None or wh.data_range is None or wh.as_of < wh.data_range.first:
        return
    for table, columns in HAPPENED.items():
        for c in columns:
            yield from row_test(wh, table, (c,), f"CAST({quote_identifier(c)} AS DATE) > DATE '{wh.as_of.isoformat()}'",
                                f"after as_of_date {wh.as_of.isoformat()}")


def negative_counts(wh: Warehouse) -> Iterator[RowTest]:
    for table, columns in NON_NEGATIVE.items():
        for c in columns:
            yield from row_test(wh, table, (c,), f"{quote_identifier(c)} < 0", "below 0")


ROW_RULES: tuple[RowRule, ...] = (
    nulls_in_required_columns,
    non_positive_mrr,
    months_not_on_the_first,
    weeks_not_starting_on_monday,
    health_scores_out_of_range,
    survey_scores_off_their_scale,
    values_outside_closed_sets,
    resolved_tickets_without_contacts,
    contacts_below_one,
    ticket_times_out_of_order,
    happened_after_as_of,
    negative_counts,
)


def row_rules(wh: Warehouse) -> list[Problem]:
    """Every row rule, batched so each table is scanned once."""
    by_table: dict[str, list[RowTest]] = {}
    for rule in ROW_RULES:
        for test in rule(wh):
            by_table.setdefault(test.table, []).append(test)
    return [p for table, tests in by_table.items() for p in failing_rows(wh, table, tests)]


# --- table rules: each runs its own queries ---------------------------------------------------

Rule = Callable[[Warehouse], list[Problem]]


def missing_tables(wh: Warehouse) -> list[Problem]:
    return [Problem(name, "table is missing") for name in contract.tables() if name not in wh.columns]


def missing_columns(wh: Warehouse) -> list[Problem]:
    return [
        Problem(at(t.name, [c.name]), "column is missing")
        for t in contract.tables().values()
        if t.name in wh.columns
        for c in t.columns
        if c.name not in wh.columns[t.name]
    ]


def wrong_types(wh: Warehouse) -> list[Problem]:
    problems = []
    for t in contract.tables().values():
        have = wh.columns.get(t.name, {})
        for c in t.columns:
            if c.name in have and not type_is_compatible(have[c.name], c.type):
                problems.append(Problem(at(t.name, [c.name]), f"type is {have[c.name]}, the contract says {c.type}"))
    return problems


def duplicate_keys(wh: Warehouse) -> list[Problem]:
    """Primary keys, UNIQUE columns and the stated grains of the other tables."""
    keys = [(t.name, (t.primary_key,)) for t in contract.tables().values() if t.primary_key]
    keys += [(t.name, (c,)) for t in contract.tables().values() for c in t.unique]
    keys += list(GRAINS.items())
    problems = []
    for table, columns in keys:
        if not wh.usable(table, *columns):
            continue
        cols = ", ".join(quote_identifier(c) for c in columns)
        n_keys, n_rows, example = wh.con.execute(
            f"SELECT count(*), sum(n), min({struct_of(columns)}) FROM "
            f"(SELECT {cols}, count(*) AS n FROM {quote_identifier(table)} GROUP BY {cols} HAVING count(*) > 1)"
        ).fetchone()
        if n_keys:
            what = ("value" if len(columns) == 1 else "key") + ("" if n_keys == 1 else "s")
            problems.append(Problem(
                at(table, columns), f"{n_keys:,} duplicate {what} over {_rows(n_rows)}, e.g. {format_row(example)}"
            ))
    return problems


def orphan_foreign_keys(wh: Warehouse) -> list[Problem]:
    """Values with no matching row in the referenced table; one scan per referencing table."""
    by_table: dict[str, list[contract.ForeignKey]] = {}
    for fk in contract.FOREIGN_KEYS:
        if wh.usable(fk.table, fk.column) and wh.usable(fk.ref_table, fk.ref_column):
            by_table.setdefault(fk.table, []).append(fk)
    problems = []
    for table, fks in by_table.items():
        # DISTINCT keeps a duplicated referenced key (reported elsewhere) from multiplying rows.
        joins = " ".join(
            f"LEFT JOIN (SELECT DISTINCT {quote_identifier(fk.ref_column)} AS ref FROM {quote_identifier(fk.ref_table)})"
            f" AS ref_{i} ON ref_{i}.ref = {quote_identifier(fk.column)}"
            for i, fk in enumerate(fks)
        )
        tests = [
            (f"{quote_identifier(fk.column)} IS NOT NULL AND ref_{i}.ref IS NULL", struct_of(wh.key(table) + (fk.column,)))
            for i, fk in enumerate(fks)
        ]
        found = count_with_example(wh.con, f"{quote_identifier(table)} {joins}", tests)
        problems += [
            Problem(at(table, [fk.column]),
                    f"{_rows(n)} with no matching {fk.ref_table}.{fk.ref_column}, e.g. {format_row(example)}")
            for fk, (n, example) in zip(fks, found)
            if n
        ]
    return problems


def as_of_date(wh: Warehouse) -> list[Problem]:
    values = wh.as_of_values
    if values is None:
        return []
    where = at("warehouse_meta", ["as_of_date"])
    if not values:
        return [Problem(where, "no row with key 'as_of_date'; add one holding the last complete day of data, "
                               "e.g. key='as_of_date', value='2026-10-31'")]
    problems = [
        Problem(where, f"value {format_value(v)} is not a date; write it as YYYY-MM-DD")
        for v in values
        if parse_date(v) is None
    ]
    return problems + as_of_outside_the_data(wh)


def as_of_outside_the_data(wh: Warehouse) -> list[Problem]:
    """as_of_date is the last complete day of data: not before the data starts, not after it ends."""
    span = wh.data_range
    if wh.as_of is None or span is None:
        return []
    where, as_of = at("warehouse_meta", ["as_of_date"]), wh.as_of.isoformat()
    if wh.as_of < span.first:
        return [Problem(where, f"{as_of} is before the data starts ({span.first.isoformat()} in {span.first_at}); "
                               "it must be the last complete day of data")]
    if wh.as_of > span.last:
        return [Problem(where, f"{as_of} is after the last day the data covers ({span.last.isoformat()} in "
                               f"{span.last_at}); it must be the last complete day of data")]
    return []


def parse_date(text: str | None) -> dt.date | None:
    """A date written YYYY-MM-DD, or None for anything else (other ISO forms included)."""
    if text is None or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:  # e.g. 2026-02-30
        return None


RULES: tuple[Rule, ...] = (
    missing_tables,
    missing_columns,
    wrong_types,
    duplicate_keys,
    orphan_foreign_keys,
    as_of_date,
    row_rules,
)


def check_connection(con: duckdb.DuckDBPyConnection, progress: bool = False) -> list[Problem]:
    """Every contract problem in an open warehouse, rule by rule (a progress bar on a terminal if asked)."""
    wh = Warehouse(con)
    rules = tqdm(RULES, desc="Checking warehouse", unit="rule", leave=False, file=sys.stderr, disable=None if progress else True)
    return [problem for rule in rules for problem in rule(wh)]


def check_warehouse(path: str | os.PathLike, progress: bool = False) -> list[Problem]:
    """Every contract problem in the DuckDB file at `path`; an unreadable file is one problem."""
    try:
        con = open_read_only(path)
    except WarehouseUnreadable as error:
        return [Problem(str(path), str(error).removeprefix(f"{path} "))]
    with con:
        try:
            return check_connection(con, progress)
        except duckdb.Error as error:  # e.g. a damaged block found while scanning
            return [Problem(str(path), f"cannot be read ({first_line(error)})")]


def first_line(error: Exception) -> str:
    """An error's first line, for a one-line message."""
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
