"""grammar.yaml: the closed-class words of asking, each in exactly one class."""

from __future__ import annotations

import collections

import pytest
import yaml

from assistant.planner.grammar import GRAMMAR_FILE, GrammarError, Word, build_grammar, entries, grammar


def test_no_word_or_phrase_is_in_two_classes():
    document = yaml.safe_load(GRAMMAR_FILE.read_text(encoding="utf-8"))
    classes = collections.defaultdict(set)
    for phrase, word_class in entries(document):
        classes[phrase].add(word_class)
    assert {p: sorted(c) for p, c in classes.items() if len(c) > 1} == {}


def test_a_word_in_two_classes_is_refused_at_load():
    with pytest.raises(GrammarError, match="'below' is in both less and more"):
        build_grammar({"classes": {"less": ["below"], "more": ["below"]}})


def test_a_bare_yes_or_no_must_be_quoted():
    with pytest.raises(GrammarError, match="quote it"):
        build_grammar(yaml.safe_load("classes: {negation: [no]}"))


def test_every_class_is_a_word_class_and_has_words():
    document = yaml.safe_load(GRAMMAR_FILE.read_text(encoding="utf-8"))
    assert set(document["classes"]) == {w.value for w in Word}
    assert all(document["classes"][w.value] for w in Word)


@pytest.mark.parametrize(("words", "expected"), [
    (["at", "least", "3"], (Word.at_least, 2)), (["least", "healthy"], (Word.worst, 2)), (["least"], (Word.lowest, 1)),
    (["how", "many"], (Word.count, 2)), (["broken", "down", "by"], (Word.group, 2)), (["vs"], (Word.versus, 1)),
])
def test_the_longest_phrase_wins(words, expected):
    assert grammar().classify(words, 0) == expected
