"""Find what a question mentions: catalogue terms, numbers and grammar words, in order.

Longest match first, left to right, over the words left once time phrases are taken out;
words no term explains get one typo-tolerant try against the catalogue's own terms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.planner.lexicon import STOPWORDS, Lexicon, Sense, normalize, stem, tokens


@dataclass(frozen=True)
class Mention:
    """A run of words `start`..`end` (token positions) and what it may mean."""

    start: int
    end: int
    text: str
    senses: tuple[Sense, ...] = ()
    fuzzy: bool = False

    def kinds(self) -> set[str]:
        return {s.kind for s in self.senses}


@dataclass(frozen=True)
class Words:
    """A question cut into tokens, with the catalogue mentions found among them."""

    tokens: tuple[str, ...]
    mentions: tuple[Mention, ...]
    used: frozenset[int]  # token positions a mention explains

    def unused(self, also_used: set[int] = frozenset()) -> list[str]:
        """Content words nothing explained (stop words, numbers and signs are not content)."""
        return [t for i, t in enumerate(self.tokens)
                if i not in self.used and i not in also_used and t not in STOPWORDS and not _is_number(t)
                and re.search(r"[a-z]", t)]

    def has(self, *words: str) -> bool:
        return any(w in self.tokens for w in words)

    def index(self, word: str) -> int | None:
        return self.tokens.index(word) if word in self.tokens else None


def _is_number(token: str) -> bool:
    return bool(re.fullmatch(r"\d+(?:\.\d+)?%?", token))


def blank_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with the characters of `spans` replaced by ' | ' so no term runs across them."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
        chars[start] = "|"
    return "".join(chars)


def find_mentions(text: str, lexicon: Lexicon, grammar: frozenset[str] = frozenset()) -> Words:
    """The mentions in normalized `text`; `grammar` words are never matched as typos."""
    words = [t for t in tokens(text)] if "|" not in text else _tokens_with_breaks(text)
    stems = [stem(w) for w in words]
    mentions: list[Mention] = []
    used: set[int] = set()
    i = 0
    while i < len(words):
        for n in range(min(lexicon.longest, len(words) - i), 0, -1):
            if "|" in words[i:i + n]:
                continue
            senses = lexicon.lookup(stems[i:i + n])
            if senses and not (n == 1 and words[i] in STOPWORDS and not any(s.exact and s.kind != "value" for s in senses)):
                mentions.append(Mention(i, i + n, " ".join(words[i:i + n]), tuple(senses)))
                used.update(range(i, i + n))
                i += n
                break
        else:
            i += 1
    mentions += _typos(words, stems, used, lexicon, grammar)
    mentions.sort(key=lambda m: m.start)
    clean = tuple(w for w in words)
    return Words(clean, tuple(mentions), frozenset(used))


def _tokens_with_breaks(text: str) -> list[str]:
    out: list[str] = []
    for part in text.split("|"):
        out += tokens(part)
        out.append("|")
    return out[:-1]


def _typos(words: list[str], stems: list[str], used: set[int], lexicon: Lexicon, grammar: frozenset[str]) -> list[Mention]:
    """Mentions for runs of unexplained content words that are a typo away from a term."""
    found: list[Mention] = []

    def free(i: int) -> bool:
        w = words[i]
        return i not in used and w != "|" and w not in STOPWORDS and w not in grammar and not _is_number(w) \
            and bool(re.search(r"[a-z]", w))

    for n in (3, 2, 1):
        for i in range(len(words) - n + 1):
            span = range(i, i + n)
            if not all(free(j) for j in span):
                continue
            match = lexicon.closest(stems[i:i + n])
            if match is None:
                continue
            term, _ = match
            found.append(Mention(i, i + n, " ".join(words[i:i + n]), tuple(lexicon.terms[term]), fuzzy=True))
            used.update(span)
    return found


def question_text(question: str) -> str:
    """The question as the planner reads it."""
    return normalize(question)
