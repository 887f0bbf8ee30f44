"""The standing attack generator: thousands of hostile statements, by class, from templates
combined with seeded variations (a fixed seed, so every run sends the same statements).

Each layer is then tried alone (`tests/guard/test_attack_layers.py`):
- the guard (`check_sql`): must refuse every statement of every class except `cross_book`,
  whose statements are valid SQL that row-level security, not the guard, must stop;
- the hardened connection (`connect_hardened`, the guard bypassed): must never read a file,
  write one, or change the warehouse, whatever it is sent;
- row-level security and the connection (`restrict` on the parsed statement, no guard): a CSM
  must never see another book's ids or names, nor a whole-table count or sum.

`PYTHONPATH=tests .venv/bin/python -m guard.attacks` runs all three on every statement of
their classes and prints the figures per class.
"""

from __future__ import annotations

import hashlib
import itertools
import random
import re
import shutil
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import sqlglot
from sqlglot import exp

from assistant.guard import GuardPolicy, check_sql, contract_relations
from assistant.rls import restrict
from assistant.runner import RunnerSettings, connect_hardened
from assistant.viewer import Viewer
from data import contract

SEED = 12
TINY_WAREHOUSE_SQL = Path(__file__).with_name("tiny_warehouse.sql")
CANARY_TEXT = "canary-7f3a9c"  # written into the canary file; no result may ever contain it
RELATIONS = contract_relations()
CLASSES = ("file_read", "file_write", "state_change", "metadata", "sql_in_strings", "wall_clock", "dos",
           "obfuscated", "smuggled", "cross_book")

# What a CSM c1 of the tiny warehouse must never see (tiny_warehouse.sql's header): other
# books' account, ticket, trial and CSM ids, names and e-mails.
OTHER_BOOKS = re.compile(r"\b(a[4-7]|c[23]|t([4-9]|10)|tr[12]|m[23]|Dune|Ember|Fjord|Gale|Ben Okoro|Chlo\w* Martin|"
                         r"ben@example\.com|chloe@example\.com)\b")
# (aggregate, relation, value over the whole table, value over c1's book), read off tiny_warehouse.sql.
WHOLE_TABLE = [
    ("count(*)", "accounts", 7, 3), ("count(*)", "tickets", 10, 3), ("count(*)", "csms", 3, 1),
    ("sum(mrr)", "account_mrr_monthly", 3047, 690), ("count(DISTINCT csm_id)", "accounts", 3, 1),
    ("count(*)", "account_mrr_monthly", 9, 4), ("count(*)", "meetings", 3, 1), ("count(*)", "trials", 3, 1),
]


@dataclass(frozen=True)
class Attack:
    """One hostile statement and the class it was generated for."""

    kind: str
    sql: str
    whole_table: float | None = None  # for cross_book aggregates: the whole table's value, never to be shown


def _wrappers(source: str) -> list[str]:
    """Places a hostile table expression can hide in a query."""
    return [
        f"SELECT * FROM {source}",
        f"SELECT * FROM accounts, {source}",
        f"SELECT * FROM (SELECT * FROM {source}) AS s",
        f"WITH f AS (SELECT * FROM {source}) SELECT * FROM f",
        f"SELECT account_id FROM accounts UNION ALL SELECT CAST(1 AS VARCHAR) FROM {source}",
        f"SELECT (SELECT count(*) FROM {source}) AS n",
        f"SELECT name FROM accounts WHERE EXISTS (SELECT 1 FROM {source})",
        f"FROM {source}",
    ]


def _scalar_wrappers(call: str) -> list[str]:
    """Places a hostile scalar call can hide in a query."""
    return [
        f"SELECT {call}",
        f"SELECT {call} AS x FROM accounts",
        f"SELECT name FROM accounts WHERE CAST({call} AS VARCHAR) IS NOT NULL",
        f"SELECT count(*) FROM accounts GROUP BY {call}",
        f"WITH m AS (SELECT {call} AS v FROM accounts) SELECT * FROM m",
        f"SELECT coalesce(NULL, {call})",
    ]


def _file_read(canary: str) -> Iterator[str]:
    readers = ["read_csv", "read_csv_auto", "read_parquet", "read_json", "read_json_auto", "read_ndjson", "read_text",
               "read_blob", "read_xlsx", "glob", "sniff_csv", "parquet_metadata", "parquet_schema", "parquet_scan",
               "iceberg_scan", "delta_scan", "sqlite_scan"]
    paths = [canary, "/etc/passwd", "https://evil.example/x.csv", "s3://bucket/k.parquet", "~/.ssh/id_rsa",
             str(Path(canary).parent / "*")]
    for reader, path, wrapper in itertools.product(readers, paths, range(8)):
        args = f"'{path}', 't'" if reader == "sqlite_scan" else f"'{path}'"
        yield _wrappers(f"{reader}({args})")[wrapper]
    for path, wrapper in itertools.product(paths, range(8)):
        yield _wrappers(f"'{path}'")[wrapper]
        yield _wrappers(f'"{path}"')[wrapper]
    for reader, path in itertools.product(readers[:9], paths):
        yield f"SELECT {reader}('{path}')"


def _file_write(out: str) -> Iterator[str]:
    relations = sorted(RELATIONS)
    for relation, fmt, name in itertools.product(relations, ["csv", "parquet", "json"], ["a", "b"]):
        path = f"{out}/{relation}_{name}.{fmt}"
        yield f"COPY {relation} TO '{path}'"
        yield f"COPY (SELECT * FROM {relation}) TO '{path}' (FORMAT {fmt})"
        yield f"COPY {relation} FROM '{path}'"
    for fmt in ["csv", "parquet"]:
        yield f"EXPORT DATABASE '{out}/dump_{fmt}' (FORMAT {fmt})"
        yield f"IMPORT DATABASE '{out}/dump_{fmt}'"
    for relation in relations:
        yield f"SELECT * FROM {relation}; COPY {relation} TO '{out}/{relation}.csv'"
        yield f"CREATE TABLE stolen_{relation} AS SELECT * FROM {relation}"


def _state_change(out: str) -> Iterator[str]:
    templates = [
        "DROP TABLE {r}", "DROP TABLE IF EXISTS {r} CASCADE", "DROP VIEW IF EXISTS {r}", "DELETE FROM {r}",
        "DELETE FROM {r} WHERE true", "UPDATE {r} SET {c} = NULL", "INSERT INTO {r} SELECT * FROM {r}",
        "TRUNCATE {r}", "ALTER TABLE {r} ADD COLUMN pwned INTEGER", "ALTER TABLE {r} RENAME TO {r}_old",
        "ALTER TABLE {r} DROP COLUMN {c}", "CREATE TABLE {r}_copy AS SELECT * FROM {r}",
        "CREATE TEMP TABLE {r} AS SELECT * FROM {r} WHERE false", "CREATE OR REPLACE VIEW {r}_v AS SELECT * FROM {r}",
        "CREATE TEMP VIEW {r} AS SELECT * FROM {r} LIMIT 0", "CREATE INDEX idx_{r} ON {r} ({c})",
        "COMMENT ON TABLE {r} IS 'pwned'", "WITH gone AS (DELETE FROM {r} RETURNING *) SELECT * FROM gone",
        "SELECT * INTO {r}_backup FROM {r}", "MERGE INTO {r} USING {r} AS s ON false WHEN NOT MATCHED THEN INSERT *",
        "VACUUM ANALYZE {r}", "ANALYZE {r}", "INSERT OR REPLACE INTO {r} SELECT * FROM {r}",
    ]
    for relation, template in itertools.product(sorted(RELATIONS), templates):
        yield template.format(r=relation, c=RELATIONS[relation][0])
    settings = ["enable_external_access", "lock_configuration", "threads", "memory_limit", "access_mode",
                "allow_community_extensions", "autoinstall_known_extensions", "temp_directory"]
    for setting, value in itertools.product(settings, ["true", "'1'", "64"]):
        yield f"SET {setting} = {value}"
        yield f"SET GLOBAL {setting} = {value}"
        yield f"RESET {setting}"
    for word in ["CHECKPOINT", "FORCE CHECKPOINT", "VACUUM", "BEGIN TRANSACTION", "COMMIT", "ROLLBACK", "RESET ALL",
                 "INSTALL httpfs", "LOAD httpfs", "FORCE INSTALL httpfs", "INSTALL evil FROM community",
                 f"ATTACH '{out}/evil.duckdb' AS evil", "ATTACH ':memory:' AS scratch", "DETACH evil", "USE memory",
                 "CREATE SEQUENCE s", "CREATE MACRO m(x) AS x", "CREATE SCHEMA shadow", "CREATE TYPE mood AS ENUM ('a')",
                 "CREATE SECRET s (TYPE s3, KEY_ID 'k', SECRET 's')", "SET VARIABLE v = 1", "CALL pragma_version()",
                 "PRAGMA enable_profiling", "PRAGMA database_list", "PRAGMA show_tables", "PRAGMA threads = 1",
                 "SELECT nextval('s')", "SELECT setseed(0.5)", "SELECT checkpoint()", "SELECT enable_logging()"]:
        yield word


def _metadata() -> Iterator[str]:
    for relation in sorted(RELATIONS):
        for column in RELATIONS[relation]:
            yield f"SELECT stats({column}) FROM {relation}"
            yield f"SELECT stats(x.{column}) FROM {relation} AS x"
            yield f"SELECT {column}, stats({column}) FROM {relation} LIMIT 1"
            yield f"SELECT json_serialize_plan('SELECT {column} FROM {relation}')"
    catalogue = ["duckdb_tables()", "duckdb_columns()", "duckdb_settings()", "duckdb_databases()", "duckdb_functions()",
                 "duckdb_views()", "duckdb_indexes()", "duckdb_constraints()", "duckdb_dependencies()",
                 "duckdb_extensions()", "duckdb_secrets()", "duckdb_memory()", "duckdb_temporary_files()",
                 "duckdb_schemas()", "duckdb_types()", "duckdb_sequences()", "duckdb_keywords()", "duckdb_tables",
                 "pragma_table_info('accounts')", "pragma_storage_info('accounts')", "pragma_database_size()",
                 "pragma_version()", "pragma_show('accounts')", "pragma_metadata_info()", "information_schema.tables",
                 "information_schema.columns", "information_schema.schemata", "pg_catalog.pg_tables", "sqlite_master",
                 "system.main.duckdb_tables", "main.duckdb_settings()", "temp.information_schema.tables"]
    for source, wrapper in itertools.product(catalogue, range(8)):
        yield _wrappers(source)[wrapper]
    calls = ["current_setting('threads')", "current_setting('access_mode')", "version()", "platform()",
             "current_database()", "current_schema()", "current_user", "user", "session_user", "getenv('HOME')",
             "getvariable('v')", "which_secret('s3://b/k', 's3')", "current_schemas(true)", "estimated_size",
             "database_size()", "in_search_path('memory', 'main')"]
    for call, wrapper in itertools.product(calls, range(6)):
        yield _scalar_wrappers(call)[wrapper]


def _sql_in_strings() -> Iterator[str]:
    inner = ["SELECT * FROM accounts", "SELECT count(*) FROM spend_monthly", "SELECT * FROM read_csv(''/etc/passwd'')",
             "SELECT * FROM duckdb_settings()", "SELECT stats(csm_id) FROM accounts", "DROP TABLE accounts",
             "SELECT csm_id FROM accounts WHERE csm_id = ''c2''", "COPY accounts TO ''x.csv''", "SELECT 1"]
    for statement in inner:
        for wrapper in range(8):
            yield _wrappers(f"query('{statement}')")[wrapper]
        for call in [f"json_execute_serialized_sql(json_serialize_sql('{statement}'))",
                     f"json_deserialize_sql(json_serialize_sql('{statement}'))", f"json_serialize_sql('{statement}')",
                     f"json_serialize_plan('{statement}')"]:
            for wrapper in range(6):
                yield _scalar_wrappers(call)[wrapper]
    for relation, wrapper in itertools.product(sorted(RELATIONS), range(8)):
        yield _wrappers(f"query_table('{relation}')")[wrapper]
        yield _wrappers(f"query_table(['{relation}', 'accounts'])")[wrapper]
    for function, aggregate in itertools.product(["list_aggregate", "list_aggr", "array_aggregate", "aggregate",
                                                  "list_apply"], ["'stats'", "'sum'", "'string_agg'", "'first'"]):
        yield f"SELECT {function}(list(account_id), {aggregate}) FROM accounts"


def _wall_clock() -> Iterator[str]:
    clocks = ["now()", "current_date", "current_timestamp", "today()", "get_current_timestamp()",
              "transaction_timestamp()", "current_time", "get_current_time()", "current_localtimestamp()",
              "localtimestamp"]
    for clock in clocks:
        yield from _scalar_wrappers(clock)
        yield f"SELECT account_id FROM renewals WHERE term_end < {clock}"
        yield f"SELECT date_diff('day', contract_start, {clock}) FROM accounts"
        yield f"SELECT * FROM tickets WHERE created_at > {clock} - INTERVAL 30 DAY"


def _nested(kind: str, depth: int) -> str:
    return {
        "parens": "SELECT " + "(" * depth + "1" + ")" * depth,
        "calls": "SELECT " + "abs(" * depth + "1" + ")" * depth,
        "not": "SELECT " + "NOT " * depth + "true",
        "case": "SELECT " + "CASE WHEN true THEN " * depth + "1" + " END" * depth,
        "array": "SELECT " + "[" * depth + "1" + "]" * depth,
        "subqueries": "SELECT * FROM " + "(SELECT * FROM " * depth + "accounts" + ") AS t" * depth,
        "union": "SELECT 1" + " UNION SELECT 1" * depth,
    }[kind]


def _dos(rng: random.Random) -> Iterator[str]:
    for size in [10**9, 10**12, 9223372036854775807, 10**11]:
        yield f"SELECT * FROM range({size})"
        yield f"SELECT * FROM generate_series(1, {size})"
        yield f"SELECT count(*) FROM range({size}) a"
        yield f"SELECT range({size})"
        yield f"SELECT * FROM range(0, {size}, 1)"
        yield f"SELECT * FROM range(100000000) a, range({size}) b"
    large = ["user_activity_daily", "feature_usage_daily", "users", "tickets", "health_scores_weekly",
             "survey_responses", "account_mrr_monthly", "meetings"]
    for left, right in itertools.combinations(large, 2):
        yield f"SELECT * FROM {left}, {right}"
        yield f"SELECT count(*) FROM {left} CROSS JOIN {right}"
        yield f"SELECT * FROM {left} a JOIN {right} b ON true"
        yield f"WITH x AS (SELECT * FROM {left}), y AS (SELECT * FROM {right}) SELECT count(*) FROM x, y"
    for size in [10**6 + 1, 10**7, 2 * 10**9]:
        yield f"SELECT repeat('x', {size}) FROM users"
        yield f"SELECT lpad('x', {size}, 'y') FROM accounts"
        yield f"SELECT rpad(name, {size}, 'y') FROM accounts"
    for kind in ["parens", "calls", "not", "case", "array", "subqueries", "union"]:
        for _ in range(12):
            yield _nested(kind, rng.randint(130, 400))
    for _ in range(24):
        count = rng.randint(101, 1200)
        yield "SELECT " + ", ".join(f"(SELECT count(*) FROM accounts WHERE seats_purchased > {i})" for i in range(count))
    for _ in range(8):
        terms = rng.randint(21_000, 30_000)
        yield "SELECT " + "1 + " * terms + "1"
    yield "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT * FROM r"
    yield "SELECT '" + "x" * 20_000 + "'"
    yield "SELECT " + "9" * 60


HOMOGLYPHS = {"a": "\u0430", "c": "\u0441", "e": "\u0435", "o": "\u043e", "p": "\u0440", "s": "\u0455",
              "k": "\u212a", "i": "\u0456", "x": "\u0445"}


def _obfuscate(sql: str, rng: random.Random) -> str:
    """One of several disguises of the same statement: case, quotes, look-alikes, invisible characters."""
    trick = rng.randrange(6)
    if trick == 0:
        return "".join(ch.upper() if rng.random() < 0.5 else ch.lower() for ch in sql)
    if trick == 1:  # quote every bare function name
        return re.sub(r"\b([a-z_]+)\(", r'"\1"(', sql)
    if trick == 2:  # one look-alike letter in one word of the statement
        words = [m for m in re.finditer(r"[a-z_]{4,}", sql) if any(ch in HOMOGLYPHS for ch in m.group())]
        if words:
            word = rng.choice(words)
            positions = [i for i in range(word.start(), word.end()) if sql[i] in HOMOGLYPHS]
            i = rng.choice(positions)
            return sql[:i] + HOMOGLYPHS[sql[i]] + sql[i + 1:]
        return sql.upper()
    if trick == 3:  # a zero-width space or a comment inside a word
        words = list(re.finditer(r"[A-Za-z_]{4,}", sql))
        word = rng.choice(words)
        cut = rng.randrange(word.start() + 1, word.end())
        return sql[:cut] + rng.choice(["\u200b", "/**/", "\u00ad"]) + sql[cut:]
    if trick == 4:  # full-width or odd whitespace between words
        return sql.replace(" ", rng.choice(["\u00a0", "\t", "\n", "\u3000", " /* x */ "]))
    return f"/* {rng.choice(['harmless', 'read-only', ';'])} */ {sql}"


def _smuggled(bad: list[str], rng: random.Random) -> Iterator[str]:
    innocent = ["SELECT 1", "SELECT name FROM accounts", "SELECT count(*) FROM tickets WHERE priority = 'high'",
                "WITH x AS (SELECT 1 AS y) SELECT * FROM x", "SELECT 'a;b' AS s"]
    separators = ["; ", ";", ";\n", " -- harmless\n; ", " /* ; */; ", " ;\t", ";;", "\n;\n", " ; BEGIN; ",
                  "\uff1b "]
    for prefix, separator in itertools.product(innocent, separators):
        for statement in rng.sample(bad, 16):
            yield prefix + separator + statement
    for statement in rng.sample(bad, 40):
        yield f"SELECT '/*'; {statement}; SELECT '*/'"
        yield f"-- only a comment\n{statement}"


def generate(seed: int = SEED, canary: str = "/etc/hostname", out: str = "/tmp/attack-out") -> list[Attack]:
    """Every attack statement, in a fixed order for a given seed and paths."""
    rng = random.Random(seed)
    by_class: dict[str, list[str]] = {
        "file_read": list(_file_read(canary)),
        "file_write": list(_file_write(out)),
        "state_change": list(_state_change(out)),
        "metadata": list(_metadata()),
        "sql_in_strings": list(_sql_in_strings()),
        "wall_clock": list(_wall_clock()),
        "dos": list(_dos(rng)),
    }
    short = [s for kind in ("file_read", "file_write", "state_change", "metadata", "sql_in_strings")
             for s in by_class[kind] if len(s) < 300]
    by_class["obfuscated"] = [_obfuscate(s, rng) for s in rng.sample(short, 900)]
    by_class["smuggled"] = list(_smuggled(short, rng))
    attacks = [Attack(kind, sql) for kind, statements in by_class.items() for sql in statements]
    return attacks + list(_cross_book())


def _cross_book() -> Iterator[Attack]:
    """Valid reads of other books: the guard may accept them; row-level security must filter them."""
    selections = [("account_id", "accounts"), ("name", "accounts"), ("csm_id", "csms"), ("email", "csms"),
                  ("account_id", "tickets"), ("ticket_id", "tickets"), ("account_id", "account_mrr_monthly"),
                  ("meeting_id", "meetings"), ("trial_id", "trials"), ("account_id", "trials")]
    predicates = ["", " WHERE csm_id = 'c2'", " WHERE account_id IN ('a4', 'a5', 'a6', 'a7')", " WHERE true OR false",
                  " WHERE account_id = 'a7'", " WHERE csm_id IS NULL OR csm_id <> 'c1'"]
    shapes = [
        "SELECT {c} FROM {r}{p}",
        "SELECT x.{c} FROM {r} AS x{p}",
        'SELECT "{C}" FROM "{R}"{p}',
        "SELECT {c} FROM main.{r}{p}",
        "WITH {r} AS (SELECT * FROM {r}) SELECT {c} FROM {r}{p}",
        "WITH accounts AS (SELECT * FROM {r}) SELECT {c} FROM accounts{p}",
        "SELECT {c} FROM (SELECT * FROM {r}) AS accounts{p}",
        "SELECT max({c}) FROM {r}{p}",
        "SELECT string_agg({c}, ',') FROM {r}{p}",
        "SELECT list({c}) FROM {r}{p}",
        "SELECT (SELECT max({c}) FROM {r}{p}) AS v",
        "SELECT {c} FROM {r}{p} UNION ALL SELECT account_id FROM accounts",
        "SELECT l.v FROM accounts, LATERAL (SELECT {c} AS v FROM {r}{p}) AS l",
        "FROM {r}{p} SELECT {c}",
        "SELECT arg_max({c}, {c}) FROM {r}{p}",
        "SELECT {c} FROM {r}{p} ORDER BY {c} DESC LIMIT 1",
    ]
    for (column, relation), predicate, shape in itertools.product(selections, predicates, shapes):
        if "csm_id" in predicate and "csm_id" not in RELATIONS[relation]:
            predicate = predicate.replace("csm_id", "'c2'")
        if "account_id" in predicate and "account_id" not in RELATIONS[relation]:
            predicate = predicate.replace("account_id", f"{column}")
        yield Attack("cross_book", shape.format(c=column, r=relation, p=predicate, C=column.upper(), R=relation.title()))
    for (aggregate, relation, whole, _), shape in itertools.product(WHOLE_TABLE, [
            "SELECT {a} FROM {r}", "SELECT (SELECT {a} FROM {r})", "WITH w AS (SELECT * FROM {r}) SELECT {a} FROM w",
            "SELECT {a} FROM (SELECT * FROM {r}) AS accounts", "SELECT {a} FROM main.{r}",
            "SELECT {a} OVER () FROM {r} LIMIT 1", "SELECT {a} FROM {r} AS csms"]):
        if "OVER" in shape and "DISTINCT" in aggregate:
            continue
        yield Attack("cross_book", shape.format(a=aggregate, r=relation), whole_table=whole)


# --- the layers --------------------------------------------------------------------------


@dataclass
class Figures:
    """Per class: statements sent, stopped by the layer, and harmful outcomes (must stay 0)."""

    sent: Counter
    stopped: Counter
    leaked: Counter
    examples: dict  # class → first leaked statement, for the failure message
    slowest: dict  # class → the longest one statement took in the layer, in seconds

    @classmethod
    def empty(cls) -> Figures:
        return cls(Counter(), Counter(), Counter(), {}, {})

    def record(self, kind: str, stopped: bool, leaked: bool, sql: str = "", seconds: float = 0.0) -> None:
        self.sent[kind] += 1
        self.slowest[kind] = max(self.slowest.get(kind, 0.0), seconds)
        self.stopped[kind] += stopped
        self.leaked[kind] += leaked
        if leaked:
            self.examples.setdefault(kind, sql)


def guard_layer(attacks: list[Attack], policy: GuardPolicy) -> Figures:
    """The guard alone: a harmful statement it accepts is a leak."""
    figures = Figures.empty()
    for attack in attacks:
        start = time.perf_counter()
        refused = not check_sql(attack.sql, policy).accepted
        figures.record(attack.kind, refused, not refused and attack.kind != "cross_book", attack.sql,
                       time.perf_counter() - start)
    return figures


def build_tiny_warehouse(path: Path) -> Path:
    """The tiny warehouse of tiny_warehouse.sql at `path`."""
    con = duckdb.connect(str(path))
    try:
        con.execute(contract.ddl())
        con.execute(TINY_WAREHOUSE_SQL.read_text())
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return path


def sha256(path: Path) -> str:
    """The file's checksum."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _run_raw(con: duckdb.DuckDBPyConnection, sql: str, timeout_s: float) -> list[tuple] | None:
    """Run on a fresh cursor under an interrupt; None when DuckDB refused or failed."""
    cursor = con.cursor()
    timer = threading.Timer(timeout_s, cursor.interrupt)
    timer.start()
    try:
        cursor.execute(sql)
        return cursor.fetchmany(50) if cursor.description else []
    except duckdb.Error:
        return None
    finally:
        timer.cancel()
        cursor.close()


def _mentions(rows: list[tuple], pattern: re.Pattern) -> bool:
    return any(pattern.search(str(cell)) for row in rows for cell in row)


def connection_layer(attacks: list[Attack], warehouse: Path, canary: Path, out: Path, timeout_s: float = 1.0,
                     connect: Callable[[Path], duckdb.DuckDBPyConnection] | None = None) -> Figures:
    """The hardened connection alone, the guard bypassed: no file read or written, no state changed.

    A leak: a result holding the canary's text, a new file in `out`, or a changed warehouse or
    canary checksum after the statement. `connect` replaces the hardened connection (to show that
    the checks see a leak when there is one).
    """
    figures = Figures.empty()
    before = (sha256(warehouse), sha256(canary))
    canary_text = re.compile(re.escape(CANARY_TEXT))
    with (connect or _hardened)(warehouse) as con:
        for attack in attacks:
            rows = _run_raw(con, attack.sql, timeout_s)
            leaked = (rows is not None and _mentions(rows, canary_text)) or any(out.iterdir()) \
                or (sha256(warehouse), sha256(canary)) != before
            figures.record(attack.kind, rows is None, leaked, attack.sql)
    return figures


def rls_layer(attacks: list[Attack], warehouse: Path, viewer: Viewer | None = None, timeout_s: float = 1.0) -> Figures:
    """Row-level security and the connection, no guard: CSM c1 never sees another book's values or a
    whole-table total. (OTHER_BOOKS and WHOLE_TABLE are written for c1; another `viewer`, e.g. a
    leader, shows that the checks see a leak when there is one.)"""
    figures = Figures.empty()
    viewer = viewer or Viewer.csm("c1")
    with _hardened(warehouse) as con:
        for attack in attacks:
            try:
                parsed = [s for s in sqlglot.parse(attack.sql, read="duckdb") if s is not None]
            except sqlglot.errors.SqlglotError:
                parsed = []
            if len(parsed) != 1 or not isinstance(parsed[0], exp.Query):
                figures.record(attack.kind, True, False)
                continue
            restricted = restrict(parsed[0], viewer, RELATIONS)
            rows = _run_raw(con, restricted.sql, timeout_s) if restricted.accepted else None
            leaked = rows is not None and (_mentions(rows, OTHER_BOOKS) or (
                attack.whole_table is not None and any(cell == attack.whole_table for row in rows for cell in row)))
            figures.record(attack.kind, rows is None, leaked, restricted.sql)
    return figures


def _hardened(warehouse: Path) -> duckdb.DuckDBPyConnection:
    return connect_hardened(warehouse, RunnerSettings(memory_limit="256MB", threads=1))


def sample(attacks: list[Attack], per_class: int, kinds: tuple[str, ...], seed: int = SEED) -> list[Attack]:
    """A fixed sample of up to `per_class` attacks of each of `kinds`."""
    rng = random.Random(seed)
    chosen = []
    for kind in kinds:
        of_kind = [a for a in attacks if a.kind == kind]
        chosen += rng.sample(of_kind, min(per_class, len(of_kind)))
    return chosen


# Classes the connection is the wall for (files and state); DoS is the runner's deadline's.
CONNECTION_CLASSES = ("file_read", "file_write", "state_change", "metadata", "sql_in_strings", "obfuscated", "smuggled")


def attack_files(folder: Path) -> tuple[Path, Path, Path]:
    """A throwaway tiny warehouse, a canary file and an empty output folder under `folder`."""
    warehouse = build_tiny_warehouse(folder / "tiny.duckdb")
    canary = folder / "canary.csv"
    canary.write_text(f"secret\n{CANARY_TEXT}\n")
    out = folder / "out"
    out.mkdir()
    return warehouse, canary, out


# The layer that must stop each class on its own; the others are reported, not required.
WALLS = {kind: ("guard",) for kind in CLASSES} | {
    kind: ("guard", "connection") for kind in ("file_read", "file_write", "state_change")} | {"cross_book": ("rls",)}


def main() -> None:
    """Run every layer on every statement of its classes and print the figures per class."""
    from guard.conftest import DEMO_SCALE_ROWS

    folder = Path(tempfile.mkdtemp(prefix="attacks-"))
    try:
        warehouse, canary, out = attack_files(folder)
        attacks = generate(canary=str(canary), out=str(out))
        layers = {
            "guard": guard_layer(attacks, GuardPolicy(table_rows=DEMO_SCALE_ROWS)),
            "connection": connection_layer([a for a in attacks if a.kind in CONNECTION_CLASSES], warehouse, canary, out),
            "rls": rls_layer([a for a in attacks if a.kind in ("cross_book", "metadata", "sql_in_strings")], warehouse),
        }
    finally:
        shutil.rmtree(folder)
    guard, connection, rls = layers.values()
    print(f"{'class':16}{'statements':>11}{'guard refused':>14}{'conn. sent':>11}{'conn. blocked':>14}"
          f"{'rls sent':>9}{'rls stopped':>12}{'leaked':>7}{'guard max s':>12}  wall")
    for kind in CLASSES:
        leaked = sum(layers[wall].leaked[kind] for wall in WALLS[kind])
        print(f"{kind:16}{guard.sent[kind]:>11}{guard.stopped[kind]:>14}{connection.sent[kind]:>11}"
              f"{connection.stopped[kind]:>14}{rls.sent[kind]:>9}{rls.stopped[kind]:>12}{leaked:>7}"
              f"{guard.slowest[kind]:>12.3f}  "
              f"{' + '.join(WALLS[kind])}")
    print(f"{'total':16}{sum(guard.sent.values()):>11}{sum(guard.stopped.values()):>14}")
    for kind in ("metadata", "sql_in_strings"):
        print(f"without the guard, row-level security alone would show other books' values for "
              f"{rls.leaked[kind]} of {rls.sent[kind]} {kind} statements")
    for name, figures in layers.items():
        for kind, sql in figures.examples.items():
            if name in WALLS[kind]:
                print(f"LEAK {name} {kind}: {sql[:200]!r}")


if __name__ == "__main__":
    main()
