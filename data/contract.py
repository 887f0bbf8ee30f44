"""The warehouse contract as data, read from `data/schema.sql`.

`schema.sql` is the one place table and column names are written down; the generator, the
loader and the checker all take them from here, so they cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import sqlglot
from sqlglot import exp

SCHEMA_PATH = Path(__file__).with_name("schema.sql")


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # as DuckDB's information_schema names it, e.g. "VARCHAR", "DECIMAL(14,2)"
    nullable: bool


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    primary_key: str | None
    unique: tuple[str, ...] = ()

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"table {self.name!r} has no column {name!r}")


@dataclass(frozen=True)
class ForeignKey:
    table: str
    column: str
    ref_table: str
    ref_column: str


# Relationships the contract states ("csm_id NULL → csms") or implies by column name.
# Kept out of the DDL on purpose: enforcing them in DuckDB would slow bulk inserts of the
# large daily tables and make a user's partial load fail instead of being reported.
FOREIGN_KEYS: tuple[ForeignKey, ...] = tuple(
    ForeignKey(*fk)
    for fk in [
        ("accounts", "csm_id", "csms", "csm_id"),
        ("account_mrr_monthly", "account_id", "accounts", "account_id"),
        ("users", "account_id", "accounts", "account_id"),
        ("user_activity_daily", "user_id", "users", "user_id"),
        ("user_activity_daily", "account_id", "accounts", "account_id"),
        ("feature_usage_daily", "account_id", "accounts", "account_id"),
        ("feature_usage_daily", "user_id", "users", "user_id"),
        ("feature_usage_daily", "feature", "features", "feature"),
        ("tickets", "account_id", "accounts", "account_id"),
        ("tickets", "user_id", "users", "user_id"),
        ("survey_responses", "account_id", "accounts", "account_id"),
        ("survey_responses", "user_id", "users", "user_id"),
        ("survey_responses", "ticket_id", "tickets", "ticket_id"),
        ("health_scores_weekly", "account_id", "accounts", "account_id"),
        ("renewals", "account_id", "accounts", "account_id"),
        ("onboarding_milestones", "account_id", "accounts", "account_id"),
        ("meetings", "account_id", "accounts", "account_id"),
        ("meetings", "csm_id", "csms", "csm_id"),
        ("trials", "account_id", "accounts", "account_id"),
    ]
)


# sqlglot writes some DuckDB types by their aliases; information_schema uses these names.
_TYPE_ALIASES = {"TEXT": "VARCHAR", "INT": "INTEGER"}


def duckdb_type_name(kind: exp.DataType) -> str:
    """The name DuckDB's information_schema gives a type, e.g. VARCHAR or DECIMAL(14,2)."""
    text = kind.sql(dialect="duckdb").upper().replace(" ", "")
    return _TYPE_ALIASES.get(text, text)


def _parse_table(create: exp.Create) -> Table:
    schema = create.this
    name = schema.this.name
    columns: list[Column] = []
    primary_key = None
    unique: list[str] = []
    for col in schema.expressions:
        if not isinstance(col, exp.ColumnDef):
            continue
        kinds = [c.kind for c in col.constraints]
        nullable = not any(isinstance(k, (exp.NotNullColumnConstraint, exp.PrimaryKeyColumnConstraint)) for k in kinds)
        if any(isinstance(k, exp.PrimaryKeyColumnConstraint) for k in kinds):
            primary_key = col.name
        if any(isinstance(k, exp.UniqueColumnConstraint) for k in kinds):
            unique.append(col.name)
        columns.append(Column(col.name, duckdb_type_name(col.kind), nullable))
    return Table(name, tuple(columns), primary_key, tuple(unique))


@cache
def tables() -> dict[str, Table]:
    """Every contract table by name, in the dependency order of `schema.sql`."""
    statements = sqlglot.parse(SCHEMA_PATH.read_text(), read="duckdb")
    parsed = [_parse_table(s) for s in statements if isinstance(s, exp.Create)]
    return {t.name: t for t in parsed}


def table(name: str) -> Table:
    try:
        return tables()[name]
    except KeyError:
        raise KeyError(f"{name!r} is not a contract table; the tables are: {', '.join(tables())}") from None


def ddl() -> str:
    """The contract's DDL, ready to run on DuckDB."""
    return SCHEMA_PATH.read_text()
