"""What the assistant learns from a warehouse at start-up is kept on disk and used again only while its inputs are
unchanged: the same file and catalogue hit; a rewritten file, another catalogue object or a tampered entry miss.
The tiny warehouse's names (Acme … Gale) and as-of date are written in its fixture."""

from __future__ import annotations

import os
import shutil
from datetime import date

import duckdb
import pytest

from assistant.learned import learned_digest, learned_store
from assistant.service import Assistant
from guard.attacks import build_tiny_warehouse
from semantic_layer.catalog import catalog_digest, default_catalog


@pytest.fixture
def store_dir(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("CS_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def tiny(tmp_path):
    path = tmp_path / "tiny.duckdb"
    build_tiny_warehouse(path)
    return path


@pytest.fixture
def builds(monkeypatch):
    """How many times start-up facts were read from the warehouse (a store hit reads none)."""
    count = []
    real = Assistant._as_of
    monkeypatch.setattr(Assistant, "_as_of", lambda self: count.append(1) or real(self))
    return count


def _ask_names(assistant: Assistant) -> set[str]:
    answer = assistant.ask("mrr by account")
    return {row[answer.columns.index("account_name")] for row in answer.rows}


def test_a_second_start_on_the_same_warehouse_reads_nothing_and_answers_the_same(store_dir, tiny, builds):
    with Assistant(tiny) as first:
        names, values, as_of = _ask_names(first), first.entity_values, first.as_of
    with Assistant(tiny) as second:
        assert builds == [1], "the second start came from the store"
        assert second.entity_values == values and second.as_of == as_of
        assert _ask_names(second) == names == {"Acme", "Birch", "Cobalt", "Dune", "Ember", "Fjord", "Gale"}


def test_a_rewritten_warehouse_is_learned_again(store_dir, tiny, builds):
    Assistant(tiny).close()
    with duckdb.connect(str(tiny)) as con:
        con.execute("UPDATE accounts SET name = 'Azure' WHERE name = 'Acme'")
    with Assistant(tiny) as again:
        assert builds == [1, 1] and "Azure" in _ask_names(again) and "Acme" not in _ask_names(again)


def test_a_copy_elsewhere_is_another_warehouse(store_dir, tiny, tmp_path, builds):
    Assistant(tiny).close()
    copy = tmp_path / "copy.duckdb"
    shutil.copy2(tiny, copy)
    Assistant(copy).close()
    assert builds == [1, 1]


def test_another_catalogue_object_never_uses_the_store(store_dir, tiny, builds):
    Assistant(tiny).close()
    Assistant(tiny, catalog=default_catalog()).close()  # no digest for a catalogue handed in: learned afresh
    assert builds == [1, 1]


def test_a_tampered_entry_is_ignored_and_rebuilt(store_dir, tiny, builds):
    Assistant(tiny).close()
    entry = learned_store().path(learned_digest(catalog_digest(), tiny))
    blob = bytearray(entry.read_bytes())
    blob[-1] ^= 0xFF
    entry.write_bytes(bytes(blob))
    with Assistant(tiny) as rebuilt:
        assert builds == [1, 1] and rebuilt.as_of == date(2026, 10, 31)


def test_a_store_in_a_folder_others_may_write_is_not_used(store_dir, tiny, builds):
    store_dir.mkdir(mode=0o700)
    os.chmod(store_dir, 0o777)
    Assistant(tiny).close()
    Assistant(tiny).close()
    assert builds == [1, 1] and not list(store_dir.glob("learned-*"))
