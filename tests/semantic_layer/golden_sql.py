"""Golden SQL files: compare compiled SQL with a reviewed file, or rewrite it on request.

A mismatch fails with a unified diff. Only with UPDATE_GOLDEN=1 are files (re)written, and
then the diff is shown as a warning in pytest's summary so the change is seen, never swallowed.
"""

from __future__ import annotations

import difflib
import os
import warnings
from pathlib import Path

import pytest

GOLDEN_DIR = Path(__file__).with_name("golden")
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


def golden_text(name: str, query_json: str, explanation: str, sql: str) -> str:
    explained = "\n".join(f"--   {line}" for line in explanation.splitlines())
    return f"-- case: {name}\n-- query: {query_json}\n-- explanation:\n{explained}\n{sql}\n"


def check_golden(name: str, text: str) -> None:
    """Fail (with a diff) unless golden/<name>.sql holds `text`; with UPDATE_GOLDEN=1, rewrite it."""
    path = GOLDEN_DIR / f"{name}.sql"
    expected = path.read_text() if path.exists() else ""
    if expected == text:
        return
    diff = "".join(difflib.unified_diff(expected.splitlines(True), text.splitlines(True), f"golden/{name}.sql", "compiled"))
    if UPDATE:
        path.write_text(text)
        warnings.warn(f"rewrote golden/{name}.sql:\n{diff}", stacklevel=2)  # shown in pytest's summary
        return
    if not expected:
        pytest.fail(f"no golden file golden/{name}.sql; run with UPDATE_GOLDEN=1, then read and commit it")
    pytest.fail(f"compiled SQL differs from golden/{name}.sql (UPDATE_GOLDEN=1 rewrites it):\n{diff}")
