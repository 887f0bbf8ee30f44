"""The one locked-down way to open a warehouse file read-only, for every command that reads one.

`data check`, `data summary` and the assistant's runner all use `hardened_config`: DuckDB
refuses two configurations for one file in a process, and a file that is not a DuckDB
database (SQLite, Parquet, text) must never make DuckDB fetch or load an extension for it.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from data.paths import WarehouseUnreadable

DEFAULT_MEMORY_LIMIT = "1GB"
DEFAULT_THREADS = 2

# Leading bytes of files people mistake for a DuckDB database, and what to say about each.
_OTHER_FORMATS: tuple[tuple[bytes, str], ...] = (
    (b"SQLite format 3\x00", "is a SQLite database, not DuckDB"),
    (b"PAR1", "is a Parquet file, not a DuckDB database; load it with `cs-assistant data load`"),
)


def hardened_config(memory_limit: str = DEFAULT_MEMORY_LIMIT, threads: int = DEFAULT_THREADS) -> dict[str, object]:
    """The DuckDB connect config that locks a connection down: no files, no extensions, no SET."""
    return {
        "enable_external_access": False,
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
        "allow_community_extensions": False,
        "python_enable_replacements": False,  # an unknown table name must not find a Python variable
        "memory_limit": memory_limit,
        "threads": threads,
        # Freed memory goes back to the system: without it a stopped query's gigabytes of strings stay held.
        "allocator_background_threads": True,
        "lock_configuration": True,
    }


def open_read_only(path: str | os.PathLike) -> duckdb.DuckDBPyConnection:
    """Open a DuckDB file read-only with the hardened config, or raise WarehouseUnreadable in one line."""
    path = Path(path)
    if not path.exists():
        if path.is_symlink():
            raise WarehouseUnreadable(f"{path} is a symbolic link to no file (a loop or a missing target)")
        raise WarehouseUnreadable(f"{path} does not exist")
    if not path.is_file():
        raise WarehouseUnreadable(f"{path} is not a file")
    try:
        with path.open("rb") as file:
            head = file.read(16)
    except OSError as error:
        raise WarehouseUnreadable(f"{path} cannot be read ({error.strerror or error})") from None
    for magic, what in _OTHER_FORMATS:
        if head.startswith(magic):
            raise WarehouseUnreadable(f"{path} {what}")
    try:
        return duckdb.connect(str(path), read_only=True, config=hardened_config())
    except duckdb.Error as error:
        raise WarehouseUnreadable.from_error(path, error) from None
