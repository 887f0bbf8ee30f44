"""Build a warehouse from a user's own files: `<table>.csv` or `<table>.parquet` per contract table.

An offline admin command, so its DuckDB connection reads files (the chat app's hardened
connection never does). The warehouse is built in a temporary file beside the target, checked
there with `data check`'s rules, and renamed into place only when it passes, so a failed load
leaves nothing behind and never touches the warehouse it would have replaced.
Columns are matched by name, cast explicitly to the contract's types, and every value that
does not cast is reported with its file, column and an example before anything is inserted.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from data import contract
from data.check import (
    Problem,
    check_warehouse,
    count_with_example,
    first_line,
    format_row,
    quote_identifier,
    quote_literal,
    struct_of,
)

FORMATS = {".csv": "read_csv", ".parquet": "read_parquet"}


@dataclass(frozen=True)
class LoadedTable:
    table: str
    source: str  # the file's name
    rows: int


@dataclass
class LoadReport:
    """What a load did: tables loaded, notes worth knowing, and problems (any problem means not ok)."""

    source_dir: Path
    out: Path
    loaded: list[LoadedTable] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    written: bool = False

    @property
    def ok(self) -> bool:
        return self.written and not self.problems

    def summary(self) -> str:
        lines = []
        if self.loaded:
            lines.append(f"{'Loaded' if self.written else 'Read, but not written,'} from {self.source_dir}:")
            width = max(len(t.table) for t in self.loaded)
            lines += [f"  {t.table:<{width}}  {t.rows:>12,} rows  from {t.source}" for t in self.loaded]
        lines += [f"Note: {note}" for note in self.notes]
        lines += [f"Problem: {problem.line()}" for problem in self.problems]
        if not self.written:
            kept = "; the file already there is unchanged" if self.out.is_file() else ""
            lines.append(f"Nothing written to {self.out}{kept}.")
        else:
            lines.append(f"Wrote {self.out}; it satisfies the warehouse contract.")
        return "\n".join(lines)


def load_warehouse(source_dir: str | os.PathLike, out: str | os.PathLike, replace: bool = False) -> LoadReport:
    """Build the DuckDB warehouse `out` from the CSV/Parquet files in `source_dir`, checked before it lands.

    The warehouse is built and fully checked in a temporary file beside `out` and renamed over
    it only when it satisfies the contract, so an existing `out` is never changed by a load
    that fails, however it fails.
    """
    report = LoadReport(Path(source_dir), Path(out))
    if not report.source_dir.is_dir():
        report.problems.append(Problem(str(report.source_dir), "is not a folder of CSV or Parquet files"))
        return report
    if _is_an_input(report.out, report.source_dir):
        report.problems.append(Problem(str(report.out), f"is {report.source_dir} or one of its files; "
                                                        "name a DuckDB file outside what is loaded"))
        return report
    if report.out.is_dir():
        report.problems.append(Problem(str(report.out), "is a folder; name the DuckDB file to write"))
        return report
    if report.out.exists() and not replace:
        report.problems.append(Problem(str(report.out), "already exists; pass --replace to overwrite it"))
        return report
    sources = _find_sources(report)
    if report.problems:
        return report

    target = report.out.resolve()  # through a symlink: the file it names is replaced, not the link
    partial = target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.loading")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _build(partial, sources, report)
        if not report.problems:
            report.problems += check_warehouse(partial)
        if not report.problems:
            os.replace(partial, target)
            report.written = True
    except (OSError, duckdb.IOException) as error:
        report.problems.append(Problem(str(report.out), f"cannot be written ({first_line(error)})"))
    finally:  # on every way out, KeyboardInterrupt included
        _remove(partial)
    return report


def _is_an_input(out: Path, source_dir: Path) -> bool:
    """Whether `out` is, by any path, link or hard link, the source folder or a file in it."""
    try:
        inputs = [source_dir, *source_dir.iterdir()]
    except OSError:  # reported when the sources are listed
        inputs = [source_dir]
    real = os.path.realpath(out)
    return any(os.path.realpath(path) == real or _same_file(out, path) for path in inputs)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:  # a missing file, a broken link or a loop names no file
        return False


def _build(path: Path, sources: dict[str, Path], report: LoadReport) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute("SET TimeZone = 'UTC'")  # instants are UTC; Parquet TIMESTAMPTZ converts to it
        con.execute("SET enable_progress_bar = false")  # the report is the output
        con.execute(contract.ddl())
        for table, source in sources.items():
            _load_table(con, contract.table(table), source, report)
        if "warehouse_meta" not in sources and not report.problems:
            _derive_as_of_date(con, report)


def _find_sources(report: LoadReport) -> dict[str, Path]:
    """The file for each contract table; missing tables and unknown files become notes."""
    try:
        entries = sorted(report.source_dir.iterdir())
    except OSError as error:
        report.problems.append(Problem(str(report.source_dir), f"cannot be listed ({error.strerror or error})"))
        return {}
    candidates = [p for p in entries if p.suffix.lower() in FORMATS]
    for path in candidates:
        if not path.is_file():  # a folder, a broken link or a link loop under a table's file name
            report.problems.append(Problem(path.name, "is not a readable file"))
        elif not os.access(path, os.R_OK):
            report.problems.append(Problem(path.name, "cannot be read (permission denied)"))
    files = [p for p in candidates if p.is_file()]
    by_table: dict[str, list[Path]] = {}
    for path in files:
        by_table.setdefault(path.stem.lower(), []).append(path)
    sources = {}
    for table in contract.tables():
        found = by_table.pop(table, [])
        if len(found) > 1:
            names = " and ".join(p.name for p in found)
            report.problems.append(Problem(table, f"both {names} found; keep one"))
        elif found:
            sources[table] = found[0]
        elif table != "warehouse_meta":
            report.notes.append(f"{table}: no {table}.csv or {table}.parquet; the table is left empty")
    for paths in by_table.values():
        report.notes.append(f"{', '.join(p.name for p in paths)}: not a contract table; ignored")
    return sources


def _load_table(con: duckdb.DuckDBPyConnection, table: contract.Table, path: Path, report: LoadReport) -> None:
    reader = FORMATS[path.suffix.lower()]
    options = ", header = true, all_varchar = true" if reader == "read_csv" else ""
    read = f"{reader}({quote_literal(str(path))}{options})"
    try:
        file_columns = [row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {read}").fetchall()]
    except duckdb.Error as error:
        report.problems.append(Problem(path.name, f"cannot be read ({first_line(error)})"))
        return
    by_name = {name.strip().lower(): name for name in file_columns}
    matched = {c.name: by_name.pop(c.name) for c in table.columns if c.name in by_name}
    if by_name:
        report.notes.append(f"{path.name}: extra column(s) {', '.join(by_name.values())} ignored")
    missing = [c for c in table.columns if c.name not in matched]
    required = [c.name for c in missing if not c.nullable]
    if required:
        report.problems.append(Problem(path.name, f"missing column(s) {', '.join(required)}"))
        return
    if missing:
        report.notes.append(f"{path.name}: no column(s) {', '.join(c.name for c in missing)}; filled with NULL")

    # The file's columns under their contract names, as read (text for CSV).
    columns = [c for c in table.columns if c.name in matched]
    renamed = ", ".join(f"{quote_identifier(matched[c.name])} AS {quote_identifier(c.name)}" for c in columns)
    source = quote_identifier(f"source_{table.name}")
    con.execute(f"CREATE TEMP VIEW {source} AS SELECT {renamed} FROM {read}")
    try:
        uncastable = _values_that_do_not_cast(con, source, table, columns, path)
    except duckdb.Error as error:  # e.g. a malformed line past what the CSV sniffer sampled
        uncastable = [Problem(path.name, f"cannot be read ({first_line(error)})")]
    report.problems += uncastable
    if not uncastable:
        names = ", ".join(quote_identifier(c.name) for c in columns)
        casts = ", ".join(f"CAST({quote_identifier(c.name)} AS {c.type})" for c in columns)
        try:
            con.execute(f"INSERT INTO {table.name} ({names}) SELECT {casts} FROM {source}")
            (rows,) = con.execute(f"SELECT count(*) FROM {table.name}").fetchone()
            report.loaded.append(LoadedTable(table.name, path.name, rows))
        except duckdb.Error as error:
            report.problems.append(Problem(path.name, f"cannot be loaded into {table.name} ({first_line(error)})"))
    con.execute(f"DROP VIEW {source}")


def _values_that_do_not_cast(con, source: str, table: contract.Table, columns: list[contract.Column],
                             path: Path) -> list[Problem]:
    """In one scan, each column's values that are present but not of the contract type."""
    key = (table.primary_key,) if any(c.name == table.primary_key for c in columns) else ()
    tests = [
        (f"{quote_identifier(c.name)} IS NOT NULL AND TRY_CAST({quote_identifier(c.name)} AS {c.type}) IS NULL",
         struct_of(key + (c.name,)))
        for c in columns
    ]
    return [
        Problem(f"{path.name}, column {c.name}",
                f"{n:,} {'value is' if n == 1 else 'values are'} not {c.type}, e.g. {format_row(example)}")
        for c, (n, example) in zip(columns, count_with_example(con, source, tests))
        if n
    ]


def _derive_as_of_date(con: duckdb.DuckDBPyConnection, report: LoadReport) -> None:
    """Without warehouse_meta, as_of_date is the last day the activity or MRR data covers."""
    (as_of,) = con.execute(
        "SELECT greatest((SELECT max(activity_date) FROM user_activity_daily), "
        "(SELECT last_day(max(month)) FROM account_mrr_monthly))"
    ).fetchone()
    if as_of is None:
        report.problems.append(Problem(
            "warehouse_meta",
            "no warehouse_meta file, and no user_activity_daily or account_mrr_monthly rows to take "
            "as_of_date from; add warehouse_meta.csv with key,value and a row as_of_date,YYYY-MM-DD",
        ))
        return
    con.execute("INSERT INTO warehouse_meta VALUES ('as_of_date', ?)", [as_of.isoformat()])
    report.notes.append(
        f"warehouse_meta: no file; as_of_date set to {as_of.isoformat()}, "
        "the last day covered by user_activity_daily and account_mrr_monthly"
    )


def _remove(path: Path) -> None:
    for leftover in (path, path.with_name(path.name + ".wal")):
        if leftover.is_file():
            leftover.unlink()
