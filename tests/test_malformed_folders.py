"""`data load --replace` over a good warehouse, from a folder that is wrong in one way: the good one survives.

For each malformed folder the command exits non-zero, prints every problem on a line of its
own (the expected one among them), says nothing was written, leaves the good warehouse
byte-identical (sha256) and leaves no temporary file beside it. The good warehouse is the
generator's small scale, built once for the module; each folder is the tiny hand-written
warehouse exported to CSV, then broken by hand.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from fixtures.tiny_warehouse import build_tiny_warehouse

from assistant.cli import main
from data import contract
from data.generate import generate_warehouse


@pytest.fixture(scope="module")
def good_warehouse(tmp_path_factory):
    path = tmp_path_factory.mktemp("good") / "warehouse.duckdb"
    generate_warehouse(path, scale="small", seed=3, progress=False)
    return path


@pytest.fixture(scope="module")
def good_digest(good_warehouse):
    return _digest(good_warehouse)


@pytest.fixture(scope="module")
def tiny_folders(tmp_path_factory):
    """The tiny warehouse as one folder of CSV files and one of Parquet files."""
    root = tmp_path_factory.mktemp("tiny")
    with duckdb.connect() as con:
        build_tiny_warehouse(con)
        for fmt, options in (("csv", "FORMAT csv, HEADER"), ("parquet", "FORMAT parquet")):
            (root / fmt).mkdir()
            for table in contract.tables():
                con.execute(f"COPY {table} TO '{root / fmt / f'{table}.{fmt}'}' ({options})")
    return root


# --- ways to break a folder of CSV files ------------------------------------------------------


def edit(table: str, change: Callable[[str], str]) -> Callable[[Path], None]:
    """Rewrite `<table>.csv` as text."""
    def apply(src: Path) -> None:
        path = src / f"{table}.csv"
        path.write_text(change(path.read_text()), encoding="utf-8")
    return apply


def edit_bytes(table: str, change: Callable[[bytes], bytes]) -> Callable[[Path], None]:
    def apply(src: Path) -> None:
        path = src / f"{table}.csv"
        path.write_bytes(change(path.read_bytes()))
    return apply


def replace_value(table: str, old: str, new: str) -> Callable[[Path], None]:
    """Replace the first occurrence of `old` in `<table>.csv`."""
    def change(text: str) -> str:
        assert old in text, f"{old!r} is not in {table}.csv"
        return text.replace(old, new, 1)
    return edit(table, change)


def remove(name: str) -> Callable[[Path], None]:
    return lambda src: (src / name).unlink()


def rename(name: str, to: str) -> Callable[[Path], None]:
    return lambda src: (src / name).rename(src / to)


def as_parquet(table: str, query: str) -> Callable[[Path], None]:
    """Replace `<table>.csv` by a Parquet file of `query` over it."""
    def apply(src: Path) -> None:
        csv = src / f"{table}.csv"
        with duckdb.connect() as con:
            con.execute(f"CREATE TABLE {table} AS FROM read_csv('{csv}', all_varchar = true)")
            con.execute(f"COPY ({query}) TO '{src / f'{table}.parquet'}' (FORMAT parquet)")
        csv.unlink()
    return apply


def cut_half(name: str) -> Callable[[Path], None]:
    def apply(src: Path) -> None:
        data = (src / name).read_bytes()
        (src / name).write_bytes(data[: len(data) // 2])
    return apply


def symlink(name: str, target: str) -> Callable[[Path], None]:
    """Make `name` a link to `target` in the folder (itself for a loop, a missing file for a dangling link)."""
    def apply(src: Path) -> None:
        (src / name).unlink()
        (src / name).symlink_to(src / target)
    return apply


def header_only(table: str) -> Callable[[Path], None]:
    return edit(table, lambda text: text.splitlines(keepends=True)[0])


def empty(table: str) -> Callable[[Path], None]:
    return edit(table, lambda text: "")


@dataclass(frozen=True)
class Case:
    name: str
    breaks: Callable[[Path], None]
    expected: str  # the start of one problem line the command must print
    parquet: bool = False  # start from the Parquet folder instead of the CSV one


ORPHAN_USERS = "users.account_id: 6 rows with no matching accounts.account_id"

CASES = [
    # Files that cannot be read as what their name says.
    Case("truncated CSV", cut_half("accounts.csv"), "accounts.csv"),
    Case("truncated Parquet", cut_half("accounts.parquet"), "accounts.parquet: cannot be read", parquet=True),
    Case("Parquet of zero bytes", lambda src: (src / "csms.parquet").write_bytes(b""), "csms.parquet: cannot be read",
         parquet=True),
    Case("binary file named .csv", lambda src: (src / "csms.csv").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8),
         "csms.csv"),
    Case("CSV named .parquet", rename("csms.csv", "csms.parquet"), "csms.parquet: cannot be read"),
    Case("non-UTF-8 text", edit_bytes("accounts", lambda b: b.replace(b"Bluebird Dental", "Bluebird Dentál".encode("latin-1"))), "accounts.csv: cannot be read"),
    Case("NUL bytes in a number", edit_bytes("accounts", lambda b: b.replace(b",250\n", b",2\x0050\n")),
         "accounts.csv, column seats_purchased: 1 value is not INTEGER"),
    Case("huge field", replace_value("features", "reports,true,", "reports,true," + "x" * 3_000_000), "features.csv: cannot be read"),
    # The sniffer then reads the header as one column, so no contract column is found.
    Case("unterminated quote", edit("tickets", lambda text: text + '"T999,A001\n'), "tickets.csv: missing column(s) ticket_id"),
    Case("a row with more fields than the header", edit("csms", lambda text: text + "C09,A,b@x,Growth,EMEA,2024-01-01,extra,more\n"),
         "csms.csv"),
    Case("empty CSV", empty("accounts"), "accounts.csv"),
    Case("wrong delimiter in the header", edit("users", lambda text: text.replace(",", ";", 4)), "users.csv: missing column(s)"),
    # Tables and columns.
    Case("missing accounts table", remove("accounts.csv"), ORPHAN_USERS),
    Case("misspelt table name", rename("accounts.csv", "acounts.csv"), ORPHAN_USERS),
    Case("header only", header_only("accounts"), ORPHAN_USERS),
    Case("two files for one table", lambda src: shutil.copy(src / "csms.csv", src / "CSMS.csv"),
         "csms: both"),
    Case("missing required column", edit("tickets", lambda text: "\n".join(
        ",".join(field for i, field in enumerate(line.split(",")) if i != 0) for line in text.splitlines()) + "\n"),
         "tickets.csv: missing column(s) ticket_id"),
    Case("Parquet with the wrong schema", as_parquet("csms", "SELECT csm_id AS id, name AS full_name FROM csms"),
         "csms.parquet: missing column(s)"),
    Case("Parquet with a wrong type", as_parquet("accounts", "SELECT * REPLACE ('many' AS seats_purchased) FROM accounts"),
         "accounts.parquet, column seats_purchased: 4 values are not INTEGER"),
    Case("text in a number column", replace_value("accounts", ",250", ",two hundred fifty"),
         "accounts.csv, column seats_purchased: 1 value is not INTEGER"),
    Case("a date in another format", replace_value("meetings", "2026-07-22", "22/07/2026"),
         "meetings.csv, column meeting_date: 1 value is not DATE"),
    Case("money that is not a number", edit("account_mrr_monthly", lambda text: text.replace("20000.0", "twenty thousand", 1)),
         "account_mrr_monthly.csv, column mrr: 1 value is not DECIMAL(14,2)"),
    Case("NULL in a required column", replace_value("accounts", "Healthcare", ""),
         "accounts.csv: cannot be loaded into accounts (Constraint Error: NOT NULL constraint failed: accounts.industry)"),
    # Keys.
    Case("duplicate primary key", edit("features", lambda text: text + text.splitlines(keepends=True)[1]),
         "features.csv: cannot be loaded into features (Constraint Error"),
    Case("duplicate grain key", edit("account_mrr_monthly", lambda text: text + "A001,2026-10-01,1.00\n"),
         "account_mrr_monthly (account_id, month): 1 duplicate key over 2 rows"),
    Case("duplicate unique name", replace_value("accounts", "Kestrel Analytics", "Bluebird Dental"),
         "accounts.csv: cannot be loaded into accounts (Constraint Error: PRIMARY KEY or UNIQUE constraint violation: "
         'duplicate key "Bluebird Dental")'),
    Case("orphan foreign key", replace_value("tickets", "T004,A001,", "T004,A999,"),
         "tickets.account_id: 1 row with no matching accounts.account_id"),
    # Values the contract or plausibility rules out.
    Case("a meeting in 2099", replace_value("meetings", "2026-07-22", "2099-07-22"),
         "meetings.meeting_date: 1 row after as_of_date 2026-10-31"),
    Case("an MRR month in 2099", edit("account_mrr_monthly", lambda text: text.replace("A002,2026-07-01", "A002,2099-07-01")),
         "account_mrr_monthly.month: 1 row after as_of_date 2026-10-31, e.g. account_id='A002', month=2099-07-01"),
    Case("negative seats", replace_value("accounts", ",250", ",-250"),
         "accounts.seats_purchased: 1 row below 0, e.g. account_id='A001', seats_purchased=-250"),
    Case("negative minutes active", replace_value("user_activity_daily", ",95,", ",-95,"),
         "user_activity_daily.minutes_active: 1 row below 0"),
    Case("as_of_date in 2099", replace_value("warehouse_meta", "2026-10-31", "2099-10-31"),
         "warehouse_meta.as_of_date: 2099-10-31 is after the last day the data covers"),
    Case("as_of_date before the data", replace_value("warehouse_meta", "2026-10-31", "1999-10-31"),
         "warehouse_meta.as_of_date: 1999-10-31 is before the data starts"),
    Case("as_of_date not a date", replace_value("warehouse_meta", "2026-10-31", "yesterday"),
         "warehouse_meta.as_of_date: value 'yesterday' is not a date"),
    Case("as_of_date missing", header_only("warehouse_meta"), "warehouse_meta.as_of_date: no row with key 'as_of_date'"),
    Case("unknown ticket status", replace_value("tickets", ",1,resolved\n", ",1,closed\n"),
         "tickets.status: 1 row outside open, pending, resolved"),
    Case("NPS of 11", edit("survey_responses", lambda text: text.replace("R001,A001,U002,nps,9,", "R001,A001,U002,nps,11,")),
         "survey_responses (survey_type, score): 1 row with a score outside its survey type's scale"),
    Case("health score above 100", edit("health_scores_weekly", lambda text: _first_score(text, "150.0")),
         "health_scores_weekly.health_score: 1 row outside 0-100"),
    Case("a week that does not start on Monday", edit("health_scores_weekly", lambda text: text.replace(",2026-10-26,", ",2026-10-25,", 1)),
         "health_scores_weekly.week_start: 1 row with a week_start that is not a Monday"),
    Case("negative MRR", edit("account_mrr_monthly", lambda text: text.replace(",450.0", ",-450.0", 1)),
         "account_mrr_monthly.mrr: 1 row with non-positive MRR"),
    # Folders and links.
    Case("symlink loop", symlink("csms.csv", "csms.csv"),
         "csms.csv: is not a readable file"),
    Case("dangling symlink", symlink("csms.csv", "gone.csv"),
         "csms.csv: is not a readable file"),
    Case("a folder named like a table", lambda src: (src / "csms.csv").unlink() or (src / "csms.csv").mkdir(),
         "csms.csv: is not a readable file"),
    Case("an empty folder", lambda src: [p.unlink() for p in src.iterdir()],
         "warehouse_meta: no warehouse_meta file, and no user_activity_daily or account_mrr_monthly rows"),
]


def _first_score(text: str, score: str) -> str:
    """health_scores_weekly.csv with the first row's health_score (its third field) set to `score`."""
    header, first, *rest = text.splitlines(keepends=True)
    fields = first.split(",")
    fields[2] = score
    return "".join([header, ",".join(fields), *rest])


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _load(src: Path, out: Path, capsys) -> tuple[int, list[str]]:
    code = main(["data", "load", "--from", str(src), "--out", str(out), "--replace"])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    return code, captured.out.splitlines()


@pytest.fixture
def setting(good_warehouse, tiny_folders, tmp_path):
    """A copy of the good warehouse to load over, and a fresh folder to break."""
    target = tmp_path / "target" / "warehouse.duckdb"
    target.parent.mkdir()
    shutil.copy(good_warehouse, target)

    def folder(parquet: bool = False) -> Path:
        src = tmp_path / "src"
        shutil.copytree(tiny_folders / ("parquet" if parquet else "csv"), src)
        return src

    return target, folder


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_a_malformed_folder_leaves_the_good_warehouse_as_it_was(setting, good_digest, capsys, case):
    target, folder = setting
    src = folder(case.parquet)
    case.breaks(src)
    code, lines = _load(src, target, capsys)
    problems = [line.removeprefix("Problem: ") for line in lines if line.startswith("Problem: ")]
    assert code == 1
    assert any(p.startswith(case.expected) for p in problems), "\n".join(lines)
    # Every line is one of the report's kinds: no message runs onto a second line.
    kinds = ("Read, but not written, from ", "  ", "Note: ", "Problem: ", "Nothing written to ")
    assert all(line.startswith(kinds) for line in lines), "\n".join(lines)
    assert lines[-1] == f"Nothing written to {target}; the file already there is unchanged."
    assert _digest(target) == good_digest
    assert sorted(p.name for p in target.parent.iterdir()) == ["warehouse.duckdb"]  # no temporary file left


def test_the_unbroken_folders_do_load(setting, capsys):
    # The control: each folder as exported replaces the good warehouse, so a case fails for its break alone.
    target, folder = setting
    for parquet in (False, True):
        src = folder(parquet)
        code, lines = _load(src, target, capsys)
        assert code == 0, "\n".join(lines)
        assert lines[-1] == f"Wrote {target}; it satisfies the warehouse contract."
        shutil.rmtree(src)
    with duckdb.connect(str(target), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM accounts").fetchone() == (4,)


# --- an output that is one of the inputs -------------------------------------------------------

OUTPUTS_THAT_ARE_INPUTS: dict[str, Callable[[Path, Path], Path]] = {
    "an input file": lambda src, tmp: src / "accounts.csv",
    "the input folder": lambda src, tmp: src,
    "a relative path to an input file": lambda src, tmp: Path(os.path.relpath(src / "csms.csv")),
    "a path through '..' to an input file": lambda src, tmp: src / ".." / src.name / "users.csv",
    "a symlink to an input file": lambda src, tmp: _link(tmp / "out.duckdb", src / "accounts.csv"),
    "a hard link to an input file": lambda src, tmp: _hard_link(tmp / "out.duckdb", src / "accounts.csv"),
    "a symlink to the input folder": lambda src, tmp: _link(tmp / "out", src),
}


def _link(link: Path, target: Path) -> Path:
    link.symlink_to(target)
    return link


def _hard_link(link: Path, target: Path) -> Path:
    os.link(target, link)
    return link


@pytest.mark.parametrize("make_out", OUTPUTS_THAT_ARE_INPUTS.values(), ids=OUTPUTS_THAT_ARE_INPUTS.keys())
def test_an_output_that_is_an_input_is_refused(setting, tmp_path, capsys, make_out):
    _, folder = setting
    src = folder()
    before = {p.name: _digest(p) for p in src.iterdir()}
    out = make_out(src, tmp_path)
    code, lines = _load(src, out, capsys)
    assert code == 1
    assert lines[0] == f"Problem: {out}: is {src} or one of its files; name a DuckDB file outside what is loaded"
    assert {p.name: _digest(p) for p in src.iterdir()} == before
