"""Where the planner finds an unknown word as the asker typed it: exactly where the word's own regular expression
finds it (a whole word, any case, read from the question's runs of letters without compiling a pattern per word)."""

import random
import re

import pytest

from assistant.planner.fallback import (_NAMING_BEFORE, _PLACE_BEFORE, _as_typed, _possessive, _said_after,
                                        _starts_sentence)


def _regex_as_typed(question, word):
    match = re.search(r"\b" + re.escape(word) + r"\b", question, flags=re.IGNORECASE)
    return match.group(0) if match else None


def _regex_possessive(question, word):
    return bool(re.search(r"\b" + re.escape(word) + r"(?:'s|’s|'|’)(?!\w)", question, flags=re.IGNORECASE))


def _regex_starts_sentence(question, typed):
    return bool(re.match(r"^\W*" + re.escape(typed) + r"\b", question)) or bool(
        re.search(r"[.?!]\s+" + re.escape(typed) + r"\b", question))


def _regex_place(question, typed):
    return bool(re.search(r"\b(?:based in|located in|headquartered in|in|from)\s+" + re.escape(typed) + r"\b",
                          question, re.IGNORECASE))


def _regex_named(question, typed):
    return bool(re.search(r"\b(?:for|at|of|about|from)\s+" + re.escape(typed) + r"\s+\w", question, re.IGNORECASE))


@pytest.mark.parametrize(("question", "word", "typed"), [
    ("What is Globex's NRR?", "globex", "Globex"),
    ("nrr for acme_corp", "acme", None),  # an underscore joins a word
    ("NRR of INITECH and initech", "initech", "INITECH"),  # the first, as typed
    ("health of the Kelvin sign K account", "k", "K"),  # beyond ASCII, the regex decides
    ("q3.5 nrr", "q3.5", "q3.5"),
])
def test_a_word_is_found_as_typed(question, word, typed):
    assert _as_typed(question, word) == typed


def test_possessives_places_and_sentence_starts():
    assert _possessive("is ACME'S health ok", "acme") and _possessive("globex' nrr", "globex")
    assert not _possessive("acme's", "acm") and not _possessive("acme'sx", "acme")
    assert _said_after("customers based in   Germany", "Germany", _PLACE_BEFORE)
    assert not _said_after("customers within germany", "germany", _PLACE_BEFORE)
    assert _said_after("mrr for northwind traders", "northwind", _NAMING_BEFORE, then_a_word=True)
    assert not _said_after("mrr for northwind", "northwind", _NAMING_BEFORE, then_a_word=True)
    assert _starts_sentence("  Globex: nrr?", "Globex") and _starts_sentence("ok. Globex nrr", "Globex")
    assert not _starts_sentence("nrr of Globex", "Globex") and not _starts_sentence("globex nrr", "Globex")


def test_every_reading_agrees_with_the_words_own_regular_expression():
    rnd = random.Random(13)
    pieces = ["acme", "Acme", "ACME", "acme's", "ACME'S", "acme'", "acme’s", "acme_x", "in", "from", "based in", "for",
              "at", "of", "about", "located  in", "within", "Globex", ".", "?", "!", " ", "\n", "'s", "'", "é", "İ",
              "\u212a", "ſ", "q3", "Q3", "-", "FROM", "co", "kacme"]
    words = ["acme", "Acme", "ACME", "globex", "Globex", "q3", "co", "in", "s", "k", "acme.co", "x%"]
    for _ in range(3000):
        question = "".join(rnd.choice(pieces) + rnd.choice(["", " ", ", "]) for _ in range(rnd.randint(1, 8)))
        word = rnd.choice(words)
        assert _as_typed(question, word) == _regex_as_typed(question, word), (question, word)
        assert _possessive(question, word) == _regex_possessive(question, word), (question, word)
        assert _starts_sentence(question, word) == _regex_starts_sentence(question, word), (question, word)
        assert _said_after(question, word, _PLACE_BEFORE) == _regex_place(question, word), (question, word)
        assert _said_after(question, word, _NAMING_BEFORE, then_a_word=True) == _regex_named(question, word), \
            (question, word)
