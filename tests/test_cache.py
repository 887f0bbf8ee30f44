"""The assistant's caches: bounded, switched off by CS_CACHE=off, never shared across viewer scopes, and missed
when the warehouse file changes. Answers are checked against the tiny warehouse's hand-counted MRR (its header:
October 2026 a1 100, a2 200, a3 300, a4 1000, a5 50, a6 400, a7 7; c1 owns a1-a3, c2 a4-a5, c3 a6)."""

from __future__ import annotations

import os
import shutil
import threading
from datetime import date
from decimal import Decimal

import pytest

from assistant.cache import LRU, Caches, WarehouseIdentity, enabled_by_environment, scope
from assistant.service import Assistant
from assistant.viewer import Viewer
from guard.attacks import build_tiny_warehouse

MRR_BY_ACCOUNT = "mrr by account"
LEADERS_MRR = {"Acme": 100, "Birch": 200, "Cobalt": 300, "Dune": 1000, "Ember": 50, "Fjord": 400, "Gale": 7}
C1_MRR = {"Acme": 100, "Birch": 200, "Cobalt": 300}


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return build_tiny_warehouse(tmp_path_factory.mktemp("cache") / "tiny.duckdb")


@pytest.fixture
def assistant(tiny):
    with Assistant(tiny, cache=True) as fresh:
        yield fresh


def _mrr(answer) -> dict[str, float]:
    name, mrr = answer.columns.index("account_name"), answer.columns.index("mrr")
    return {row[name]: float(row[mrr]) for row in answer.rows}


def test_an_lru_counts_hits_and_misses_and_evicts_the_least_recently_used():
    cache = LRU(entries=2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # a is now the most recently used
    cache.put("c", 3)  # so b goes
    assert (cache.get("b"), cache.get("a"), cache.get("c")) == (None, 1, 3)
    assert cache.stats() == {"hits": 3, "misses": 1, "entries": 2, "bytes": 0}


def test_an_lru_holds_about_its_bytes_and_never_a_value_larger_than_them():
    cache = LRU(entries=100, max_bytes=10, size=len)
    cache.put("a", "xxxx")
    cache.put("b", "yyyy")
    cache.put("c", "zzzz")  # 12 bytes: the oldest goes
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (None, "yyyy", "zzzz")
    assert cache.stats()["bytes"] == 8
    cache.put("huge", "w" * 11)
    assert cache.get("huge") is None and len(cache) == 2


def test_an_lru_shared_by_threads_stays_within_its_bound():
    cache = LRU(entries=50)

    def work(n: int) -> None:
        for i in range(500):
            cache.put((n, i), i)
            cache.get((n, i - 1))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stats = cache.stats()
    assert stats["entries"] == 50 and stats["hits"] + stats["misses"] == 2000


def test_cs_cache_off_in_the_environment_turns_the_caches_off(tiny, monkeypatch):
    assert enabled_by_environment({}) and not enabled_by_environment({"CS_CACHE": "off"})
    monkeypatch.setenv("CS_CACHE", "off")
    with Assistant(tiny) as uncached:
        first, again = uncached.ask(MRR_BY_ACCOUNT), uncached.ask(MRR_BY_ACCOUNT)
        stats = uncached.cache_stats()
    assert _mrr(first) == _mrr(again) == LEADERS_MRR
    assert again.statements and "execute" in again.timings_ms  # the whole path ran again
    assert not stats["enabled"] and all(stats[k]["entries"] == 0 for k in Caches.KINDS)


def test_a_repeated_question_is_a_fresh_copy_with_its_own_timings_and_no_query_sent(assistant):
    first = assistant.ask(MRR_BY_ACCOUNT)
    first.rows[0][-1] = Decimal("-1")  # a caller changing its answer changes nobody else's
    first.warnings.append("changed by the caller")
    again = assistant.ask(MRR_BY_ACCOUNT)
    assert _mrr(again) == LEADERS_MRR and "changed by the caller" not in again.warnings
    assert again.statements == [] and "execute" not in again.timings_ms and "cache" in again.timings_ms
    assert again.follow_ups == first.follow_ups and again.message == first.message
    stats = assistant.cache_stats()
    assert stats["results"]["hits"] >= 1 and stats["plans"]["hits"] == 1 and stats["follow_ups"]["hits"] == 1


def test_a_csm_never_gets_a_leaders_kept_rows_nor_another_csms(assistant):
    assert _mrr(assistant.ask(MRR_BY_ACCOUNT)) == LEADERS_MRR
    c1 = assistant.ask(MRR_BY_ACCOUNT, Viewer.csm("c1"))
    assert _mrr(c1) == C1_MRR and c1.statements  # run, not served from the leader's result
    assert _mrr(assistant.ask(MRR_BY_ACCOUNT, Viewer.csm("c2"))) == {"Dune": 1000, "Ember": 50}
    assert _mrr(assistant.ask(MRR_BY_ACCOUNT, Viewer.csm("c1"))) == C1_MRR
    assert _mrr(assistant.ask(MRR_BY_ACCOUNT, Viewer.analyst())) == LEADERS_MRR
    assert scope(Viewer.leader()) == scope(Viewer.analyst()) != scope(Viewer.csm("c1")) != scope(Viewer.csm("c2"))


def test_a_changed_warehouse_file_misses(tiny, tmp_path):
    path = tmp_path / "copy.duckdb"
    shutil.copyfile(tiny, path)
    with Assistant(path, cache=True) as assistant:
        assistant.ask(MRR_BY_ACCOUNT)
        kept = assistant.ask(MRR_BY_ACCOUNT)
        assert kept.statements == []
        before = WarehouseIdentity.of(path, assistant.as_of)
        stat = os.stat(path)
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
        assert WarehouseIdentity.of(path, assistant.as_of) != before
        rerun = assistant.ask(MRR_BY_ACCOUNT)
    assert rerun.statements and _mrr(rerun) == LEADERS_MRR


def test_a_bigger_file_is_another_warehouse(tiny, tmp_path):
    path = tmp_path / "grown.duckdb"
    shutil.copyfile(tiny, path)
    before = WarehouseIdentity.of(path, date(2026, 10, 31))
    stat = os.stat(path)
    with open(path, "ab") as grown:
        grown.write(b"\0" * 4096)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # the same mtime: the size alone tells
    assert WarehouseIdentity.of(path, date(2026, 10, 31)) != before
