"""Where the warehouse lives: `--warehouse PATH`, else `$CS_WAREHOUSE`, else the demo file."""

from __future__ import annotations

import os
from pathlib import Path

DEMO_WAREHOUSE = Path(__file__).with_name("warehouse.duckdb")
WAREHOUSE_ENV = "CS_WAREHOUSE"


def resolve_warehouse(path: str | os.PathLike | None = None) -> Path:
    """The warehouse a command should use: the explicit path, the environment, or the demo."""
    if path:
        return Path(path)
    env = os.environ.get(WAREHOUSE_ENV)
    return Path(env) if env else DEMO_WAREHOUSE


class WarehouseUnreadable(Exception):
    """The path is not a DuckDB file that can be opened read-only; the message is one line for the user."""

    @classmethod
    def from_error(cls, path: str | os.PathLike, error: Exception) -> WarehouseUnreadable:
        """The one-line reason for a DuckDB error raised while opening `path`."""
        return cls(f"{path} cannot be opened as a DuckDB database ({str(error).splitlines()[0]})")
