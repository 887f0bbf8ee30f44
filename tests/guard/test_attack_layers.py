"""The generated attack suite (tests/guard/attacks.py), each layer alone.

The guard refuses every harmful statement of every class, each in well under a second; the
hardened connection, sent statements with the guard bypassed, reads and writes no file and
leaves the warehouse and a canary file as they were; row-level security, with no guard in
front, never shows CSM c1 another book's ids or names, nor a whole-table total. Each check
is also shown to fail where its layer is missing.
"""

from __future__ import annotations

from collections import Counter

import duckdb
import pytest

from assistant.viewer import Viewer
from guard.attacks import (
    CLASSES,
    CONNECTION_CLASSES,
    attack_files,
    connection_layer,
    generate,
    guard_layer,
    rls_layer,
    sample,
    sha256,
)

# The least each class generates; the total of harmful classes must reach 5,000.
AT_LEAST = {"file_read": 900, "file_write": 300, "state_change": 450, "metadata": 700, "sql_in_strings": 500,
            "wall_clock": 90, "dos": 250, "obfuscated": 900, "smuggled": 800, "cross_book": 1000}
HARMFUL = tuple(kind for kind in CLASSES if kind != "cross_book")


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    warehouse, canary, out = attack_files(tmp_path_factory.mktemp("attacks"))
    before = sha256(warehouse), sha256(canary)
    yield warehouse, canary, out
    assert (sha256(warehouse), sha256(canary)) == before
    assert list(out.iterdir()) == []


@pytest.fixture(scope="module")
def attacks(files):
    _, canary, out = files
    return generate(canary=str(canary), out=str(out))


def test_the_generator_is_deterministic_and_covers_every_class(attacks, files):
    _, canary, out = files
    assert generate(canary=str(canary), out=str(out)) == attacks
    counts = Counter(a.kind for a in attacks)
    assert set(counts) == set(CLASSES)
    for kind, least in AT_LEAST.items():
        assert counts[kind] >= least, (kind, counts[kind])
    assert sum(counts[kind] for kind in HARMFUL) >= 5_000
    assert len({a.sql for a in attacks}) >= 0.95 * len(attacks)  # variations, not copies


def test_the_guard_alone_refuses_every_harmful_statement_within_a_second(attacks, demo_policy):
    figures = guard_layer(attacks, demo_policy)
    for kind in HARMFUL:
        assert figures.stopped[kind] == figures.sent[kind] >= AT_LEAST[kind], (kind, figures.examples.get(kind))
        assert figures.slowest[kind] < 1.0, (kind, figures.slowest[kind])
    assert sum(figures.leaked.values()) == 0


def test_the_hardened_connection_alone_reads_and_writes_no_file_and_changes_nothing(attacks, files):
    warehouse, canary, out = files
    figures = connection_layer(sample(attacks, 40, CONNECTION_CLASSES), warehouse, canary, out)
    assert set(figures.sent) == set(CONNECTION_CLASSES)
    assert sum(figures.leaked.values()) == 0, figures.examples
    for kind in ("file_read", "file_write"):  # DuckDB refuses every one of these by itself
        assert figures.stopped[kind] == figures.sent[kind] == 40, kind


def test_the_connection_check_sees_a_file_read_or_write_when_the_connection_is_not_hardened(tmp_path):
    warehouse, canary, out = attack_files(tmp_path)
    local = [a for a in generate(canary=str(canary), out=str(out))  # local files only: no network in tests
             if str(tmp_path) in a.sql and "://" not in a.sql]
    # Writable and with file access, but still no extension downloads.
    config = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
    figures = connection_layer(sample(local, 30, ("file_read", "file_write")), warehouse, canary, out,
                               connect=lambda path: duckdb.connect(str(path), config=config))
    assert figures.leaked["file_read"] > 0 and figures.leaked["file_write"] > 0


def test_row_level_security_alone_never_shows_another_book(attacks, files):
    warehouse, _, _ = files
    cross_book = [a for a in attacks if a.kind == "cross_book"]
    figures = rls_layer(cross_book, warehouse)
    assert figures.leaked["cross_book"] == 0, figures.examples
    assert figures.sent["cross_book"] - figures.stopped["cross_book"] >= 0.9 * len(cross_book)  # they ran


def test_the_book_check_sees_other_books_when_nothing_filters_them(attacks, files):
    warehouse, _, _ = files
    cross_book = sample(attacks, 200, ("cross_book",))
    figures = rls_layer(cross_book, warehouse, Viewer.leader())
    assert figures.leaked["cross_book"] >= 0.5 * len(cross_book)
