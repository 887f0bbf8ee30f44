"""The closed-class words of asking (grammar.yaml) as data: each word or phrase → one `Word` class.

Loaded once. `Grammar.classify` finds the longest phrase at a position; nothing here names a
metric, a dimension or a value (those come from the catalogue and the data).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path

import yaml

GRAMMAR_FILE = Path(__file__).with_name("grammar.yaml")


class Word(StrEnum):
    """The classes of grammar.yaml."""

    filler = "filler"
    list = "list"
    show = "show"
    count = "count"
    share = "share"
    group = "group"
    less = "less"
    more = "more"
    at_least = "at_least"
    at_most = "at_most"
    equal = "equal"
    highest = "highest"
    lowest = "lowest"
    largest = "largest"
    smallest = "smallest"
    best = "best"
    worst = "worst"
    rank = "rank"
    first = "first"
    up = "up"
    down = "down"
    change = "change"
    why = "why"
    parts = "parts"
    mine = "mine"
    book = "book"
    having = "having"
    negation = "negation"
    those = "those"
    defining = "defining"
    exclusion = "exclusion"
    similar = "similar"
    versus = "versus"
    mean = "mean"
    median = "median"
    total = "total"
    verdict = "verdict"
    conjunction = "conjunction"
    all = "all"
    only = "only"
    recent = "recent"  # "the most recent": the latest figure, what the period gives anyway
    beyond = "beyond"  # "not just support": the value named is one of several, not a filter
    back = "back"  # narrowing the previous answer: "filter that to …"
    instead = "instead"
    new_topic = "new_topic"
    future = "future"
    advice = "advice"
    unit = "unit"
    choose = "choose"


COMPARING = frozenset({Word.less, Word.more, Word.at_least, Word.at_most, Word.equal})
RANKING = frozenset({Word.highest, Word.lowest, Word.largest, Word.smallest, Word.best, Word.worst})
SIZE = frozenset({Word.largest, Word.smallest})
MOVING = frozenset({Word.up, Word.down})
NEGATING = frozenset({Word.negation, Word.exclusion})


@dataclass(frozen=True)
class Grammar:
    """Phrases (tuples of words) → their class, plus the abbreviations expanded before matching."""

    phrases: dict[tuple[str, ...], Word]
    abbreviations: dict[str, str]
    longest: int

    def classify(self, words: list[str], at: int) -> tuple[Word, int] | None:
        """The class of the longest phrase starting at `at`, and its length in words."""
        for n in range(min(self.longest, len(words) - at), 0, -1):
            found = self.phrases.get(tuple(words[at:at + n]))
            if found is not None:
                return found, n
        return None

    def words_of(self, word_class: Word) -> frozenset[str]:
        """The single words of one class."""
        return frozenset(p[0] for p, c in self.phrases.items() if c is word_class and len(p) == 1)


class GrammarError(ValueError):
    """grammar.yaml is malformed: an unknown class, or a word in two classes."""


def entries(document: dict) -> list[tuple[str, Word]]:
    """Every (phrase, class) written in the grammar document, in order, duplicates included."""
    found = []
    for name, phrases in (document.get("classes") or {}).items():
        try:
            word_class = Word(name)
        except ValueError:
            raise GrammarError(f"grammar.yaml: unknown class {name!r}; classes are {', '.join(Word)}") from None
        for phrase in phrases:
            if not isinstance(phrase, str):  # YAML reads a bare no, yes, on as booleans
                raise GrammarError(f"grammar.yaml: {phrase!r} in {name} is not text; quote it")
            found.append((phrase, word_class))
    return found


def build_grammar(document: dict) -> Grammar:
    """The grammar of a parsed grammar.yaml; GrammarError when a phrase is in two classes."""
    phrases: dict[tuple[str, ...], Word] = {}
    for phrase, word_class in entries(document):
        words = tuple(phrase.split())
        if words in phrases and phrases[words] is not word_class:
            raise GrammarError(f"grammar.yaml: {phrase!r} is in both {phrases[words].value} and {word_class.value}")
        phrases[words] = word_class
    abbreviations = {str(k): str(v) for k, v in (document.get("abbreviations") or {}).items()}
    return Grammar(phrases, abbreviations, max(len(p) for p in phrases))


@cache
def grammar() -> Grammar:
    """The grammar of grammar.yaml, loaded once."""
    # libyaml when the wheel has it (~10x faster than pure-Python parsing: this runs on every cold start)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return build_grammar(yaml.load(GRAMMAR_FILE.read_text(encoding="utf-8"), Loader=loader))
