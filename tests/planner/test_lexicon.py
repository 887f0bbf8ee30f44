"""The planner's vocabulary: one normaliser, terms from names and synonyms only, no accidental ambiguity."""

from __future__ import annotations

import pytest

from assistant.planner.lexicon import build_lexicon
from assistant.planner.normalize import key, normalize, stem
from semantic_layer.catalog import default_catalog


def test_no_two_metrics_share_a_term_unless_the_catalogue_declares_it_ambiguous():
    catalog = default_catalog()
    lexicon = build_lexicon(catalog, {})
    declared = {key(t.name): set(t.means) for t in catalog.ambiguous_terms.values()}
    clashes = {}
    for term, senses in lexicon.terms.items():
        for kind in ("metric", "dimension"):
            names = {s.name for s in senses if s.kind == kind}
            if len(names) > 1 and names != declared.get(term):
                clashes[" ".join(term)] = sorted(names)
    assert not clashes, f"terms meaning several {kind}s without being declared ambiguous: {clashes}"


def test_labels_and_descriptions_are_not_matched():
    catalog = default_catalog()
    lexicon = build_lexicon(catalog, {})
    label_only = [m.label for m in catalog.metrics.values()
                  if key(m.label) in lexicon.terms and not any(key(p) == key(m.label)
                                                              for p in (m.name.replace("_", " "), *m.synonyms))]
    assert label_only == []  # a label found only because it is also a synonym or the name


@pytest.mark.parametrize(("a", "b"), [("renewals", "renewing"), ("renewal", "renew"), ("meetings", "meeting"),
                                      ("dropped", "drop"), ("qbrs", "qbr"), ("rated", "rate")])
def test_inflections_meet(a, b):
    assert stem(a) == stem(b)


def test_an_event_and_a_state_do_not_meet():
    assert key("tickets opened") != key("tickets open")


@pytest.mark.parametrize(("text", "read"), [
    ("accounts that haven't had a QBR", "accounts that have not had a qbr"),
    ("health dropped 20+ points", "health dropped 20 or more points"),
    ("renewals over $50k", "renewals over 50000"),
    ("my accts w/ 3+ urgent tix", "my accounts with 3 or more urgent tickets"),
    ("Maria's book", "maria book"),
])
def test_normalize_spells_out_what_people_shorten(text, read):
    assert normalize(text) == read
