"""`data check` and `data summary` on every kind of broken file: one line, never a traceback, never a download.

Each file is made by hand from the tiny valid warehouse (cut short, bytes damaged, another
format under a .duckdb name, ...). Checking must leave each file as it was.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3

import duckdb
import pytest
from fixtures.tiny_warehouse import build_tiny_warehouse

from assistant.cli import main
from data.connection import hardened_config


@pytest.fixture(scope="module")
def valid_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("valid") / "tiny.duckdb"
    build_tiny_warehouse(path)
    return path


def _cut(valid, path, size):
    path.write_bytes(valid.read_bytes()[:size])


def _damaged(valid, path):
    # Every byte after the file's headers (its first 12 KiB) inverted: the catalogue and every block.
    data = valid.read_bytes()
    path.write_bytes(data[:12288] + bytes(b ^ 0xFF for b in data[12288:]))


def _damaged_data(valid, path):
    # The second half inverted: the file opens, and a scan reaches a block that fails its checksum.
    data = valid.read_bytes()
    half = len(data) // 2
    path.write_bytes(data[:half] + bytes(b ^ 0xFF for b in data[half:]))


def _sqlite(valid, path):
    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE accounts (account_id TEXT)")


def _parquet(valid, path):
    with duckdb.connect() as con:
        con.execute(f"COPY (SELECT 'A001' AS account_id) TO '{path}' (FORMAT parquet)")


def _csv(valid, path):
    path.write_text("account_id,name\nA001,Northwind Logistics\n")


def _stale_wal(valid, path):
    shutil.copy(valid, path)
    path.with_name(path.name + ".wal").write_bytes(b"\x00garbage left by a crash" * 64)


def _loop(valid, path):
    path.symlink_to(path)


def _dangling(valid, path):
    path.symlink_to(path.with_name("gone.duckdb"))


BROKEN = {
    "empty file": lambda valid, path: path.write_bytes(b""),
    "text file": lambda valid, path: path.write_text("hello\n" * 100),
    "zeros": lambda valid, path: path.write_bytes(bytes(65536)),
    "cut inside the header": lambda valid, path: _cut(valid, path, 100),
    "cut after the headers": lambda valid, path: _cut(valid, path, 12288),
    "cut in half": lambda valid, path: _cut(valid, path, valid.stat().st_size // 2),
    "damaged catalogue": _damaged,
    "damaged data blocks": _damaged_data,
    "SQLite database": _sqlite,
    "Parquet renamed .duckdb": _parquet,
    "CSV renamed .duckdb": _csv,
    "a directory": lambda valid, path: path.mkdir(),
    "symlink loop": _loop,
    "dangling symlink": _dangling,
    "missing file": lambda valid, path: None,
}

# Files that still are the valid warehouse: a stale WAL beside a read-only open is not replayed into it.
STILL_VALID = {"stale WAL beside it": _stale_wal}


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


@pytest.mark.parametrize("make", BROKEN.values(), ids=BROKEN.keys())
def test_data_check_says_one_line(valid_file, tmp_path, capsys, make):
    path = tmp_path / "broken.duckdb"
    make(valid_file, path)
    before = _digest(path)
    assert main(["data", "check", str(path)]) == 1
    out, err = capsys.readouterr()
    assert out.count("\n") == 1 and out.startswith(f"{path}: "), out
    assert "Traceback" not in out + err
    assert err == f"1 problem(s) found in {path}.\n"
    assert _digest(path) == before


@pytest.mark.parametrize("make", BROKEN.values(), ids=BROKEN.keys())
def test_data_summary_says_one_line(valid_file, tmp_path, capsys, make):
    path = tmp_path / "broken.duckdb"
    make(valid_file, path)
    assert main(["data", "summary", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1 and err.startswith(f"cs-assistant: {path} "), err


@pytest.mark.parametrize("make", STILL_VALID.values(), ids=STILL_VALID.keys())
def test_a_file_that_is_still_valid_passes(valid_file, tmp_path, capsys, make):
    path = tmp_path / "tiny.duckdb"
    make(valid_file, path)
    assert main(["data", "check", str(path)]) == 0
    assert capsys.readouterr().out == f"{path} satisfies the warehouse contract.\n"
    assert _digest(path) == _digest(valid_file)


@pytest.mark.parametrize(("make", "reason"), [
    (_sqlite, "is a SQLite database, not DuckDB"),
    (_parquet, "is a Parquet file, not a DuckDB database; load it with `cs-assistant data load`"),
])
def test_another_format_is_named(valid_file, tmp_path, capsys, make, reason):
    path = tmp_path / "other.duckdb"
    make(valid_file, path)
    assert main(["data", "check", str(path)]) == 1
    assert capsys.readouterr().out == f"{path}: {reason}\n"


def test_the_hardened_config_alone_refuses_the_sqlite_extension(valid_file, tmp_path):
    # Without the file-type check in front, DuckDB itself would fetch and load sqlite_scanner;
    # the config it is opened with forbids both.
    path = tmp_path / "other.duckdb"
    _sqlite(valid_file, path)
    with pytest.raises(duckdb.Error, match="disabled through configuration"):
        duckdb.connect(str(path), read_only=True, config=hardened_config())


def test_the_hardened_config_reads_no_files(valid_file, tmp_path):
    csv = tmp_path / "accounts.csv"
    _csv(valid_file, csv)
    with duckdb.connect(str(valid_file), read_only=True, config=hardened_config()) as con:
        with pytest.raises(duckdb.Error, match="disabled"):
            con.execute(f"SELECT * FROM read_csv('{csv}')").fetchall()
        with pytest.raises(duckdb.Error, match="locked"):
            con.execute("SET enable_external_access = true")
