"""search_catalog's ranking: the metric a question names comes first, typos and plurals included."""

from __future__ import annotations

import pytest

from assistant.planner.candidates import CatalogIndex, words
from semantic_layer.catalog import default_catalog


@pytest.fixture(scope="module")
def index():
    return CatalogIndex(default_catalog())


@pytest.mark.parametrize("text, first", [
    ("net revenue retention", "nrr"),
    ("What is our NRR?", "nrr"),
    ("gross retension last quarter", "grr"),  # a typo
    ("seat utilisation", "seat_utilization"),  # British spelling
    ("which accounts renew in the next 90 days", "renewals_due"),  # "renew" begins "renewal"
    ("time to value", "ttv_median_days"),
    ("tickets by category", "ticket_category"),
])
def test_the_named_entry_ranks_first(index, text, first):
    assert index.search(text)[0].entry.name == first


def test_a_question_finds_both_its_metric_and_its_dimension(index):
    names = {h.entry.name: h.kind for h in index.search("NPS by region")[:2]}
    assert names == {"nps": "metric", "region": "dimension"}


def test_unrelated_words_find_nothing(index):
    assert index.search("weather in paris tomorrow") == []


def test_words_drop_stop_words_and_plurals():
    assert words("What are the renewals of our accounts?") == ["renew", "account"]
