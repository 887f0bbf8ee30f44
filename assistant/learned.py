"""What an assistant learns from its warehouse at start-up, kept on disk between processes.

The as-of date, the values of indexed dimensions, each source's data range and the planner's
vocabulary built from them are pure functions of the warehouse file, the catalogue and the
code that reads them. Building them is most of a cold start (~0.5–1 s: the vocabulary
normalises every account and person name); loading them back is ~60 ms. They are kept in the
private, signed store of `semantic_layer.signed_store` under a hash of everything they depend
on: the catalogue's digest, the warehouse file as it is now (path, size, mtime, inode) and the
assistant's and planner's code and grammar. A rewritten warehouse or an edited catalogue is a
miss. The entry holds account and people names, as the warehouse does; the store is readable
by its user only.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from assistant.planner.lexicon import Lexicon
from semantic_layer.signed_store import SignedStore, code_digest

# What a stored entry may be made of: this module's dataclass, the lexicon's, and dates.
STORED_MODULES = ("assistant.learned", "assistant.planner.lexicon", "datetime")
_ASSISTANT = Path(__file__).parent


@dataclass(frozen=True)
class Learned:
    """The start-up facts of one warehouse under one catalogue."""

    as_of: date
    entity_values: dict[str, list[str]]
    data_ranges: dict[str, tuple[date, date]]
    lexicon: Lexicon


def learned_digest(catalog_digest: str, warehouse: str | os.PathLike) -> str:
    """A hash of what `Learned` depends on: the catalogue, the warehouse file as it is now, and the code."""
    path = Path(warehouse).resolve()
    info = path.stat()
    digest = code_digest(_ASSISTANT, _ASSISTANT / "planner")
    digest.update((_ASSISTANT / "planner" / "grammar.yaml").read_bytes())
    digest.update(f"\0{catalog_digest}\0{path}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_ino}".encode())
    return digest.hexdigest()


def learned_store(folder: Path | None = None) -> SignedStore:
    """The store of start-up facts (the project's cache folder unless `folder` is given)."""
    return SignedStore("learned", STORED_MODULES, folder)
