"""The assistant's caches: a repeated question costs only its lookups, not its planning, SQL and queries.

Bounded, thread-safe least-recently-used maps, one per kind of thing kept: plan outcomes (by the
question's text, the viewer's scope and the conversation's last interpretation), compiled queries
(by the frozen SemanticQuery, the scope and the dialect), results (by those and the warehouse's
identity) and follow-up questions (by the query, its interpretation and the scope). Every key
holds the viewer's scope — "all" for leaders and analysts, the csm_id for a CSM —, so nothing
kept for one scope is served to another. `CS_CACHE=off` in the environment turns them all off.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from assistant.viewer import Viewer

ALL = "all"  # the scope of leaders and analysts: every account
DEFAULT_ENTRIES = 512
DEFAULT_RESULT_BYTES = 64_000_000  # results held at once, roughly: rows, SQL and the compiled tree they share
DEFAULT_COMPILED_BYTES = 32_000_000  # a compiled tree holds ~100 bytes per character of its SQL (150 KB to 1 MB)
_MISSING = object()


def scope(viewer: Viewer) -> str:
    """Whose rows a viewer sees, as a cache key: "all", or the CSM's id."""
    return ALL if viewer.sees_all_accounts else f"csm:{viewer.csm_id}"


def enabled_by_environment(environ: dict[str, str] | os._Environ = os.environ) -> bool:
    """False when CS_CACHE is "off" (or "0", "false", "no"): a benchmark times the whole path on every ask."""
    return environ.get("CS_CACHE", "on").strip().lower() not in ("off", "0", "false", "no")


@dataclass(frozen=True)
class WarehouseIdentity:
    """What a result depends on besides the query: the data's as-of date and the file as it is now."""

    as_of: date
    path: str
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, path: str | os.PathLike, as_of: date) -> WarehouseIdentity:
        """The identity of the warehouse file at `path` now (a rewritten file has another size or mtime)."""
        resolved = Path(path).resolve()
        stat = resolved.stat()
        return cls(as_of, str(resolved), stat.st_size, stat.st_mtime_ns)


class LRU:
    """At most `entries` values and about `max_bytes` of them (as `size` weighs each), the least recently used
    evicted first; safe to share between threads. Counts its hits and misses."""

    def __init__(self, entries: int = DEFAULT_ENTRIES, max_bytes: int | None = None,
                 size: Callable[[Any], int] = lambda value: 0):
        if entries < 1:
            raise ValueError("a cache holds at least one entry")
        self.entries, self.max_bytes, self.size = entries, max_bytes, size
        self.hits = self.misses = self.bytes = 0
        self._items: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: Hashable, default: Any = None) -> Any:
        """The value kept for `key` (now the most recently used), or `default`."""
        with self._lock:
            item = self._items.get(key, _MISSING)
            if item is _MISSING:
                self.misses += 1
                return default
            self._items.move_to_end(key)
            self.hits += 1
            return item[0]

    def put(self, key: Hashable, value: Any) -> None:
        """Keep `value` for `key`, evicting the least recently used beyond the bounds; a value larger than the
        whole byte bound is not kept."""
        weight = self.size(value)
        if self.max_bytes is not None and weight > self.max_bytes:
            return
        with self._lock:
            old = self._items.pop(key, None)
            self.bytes -= old[1] if old else 0
            self._items[key] = (value, weight)
            self.bytes += weight
            while len(self._items) > self.entries or (self.max_bytes is not None and self.bytes > self.max_bytes):
                _, (_, dropped) = self._items.popitem(last=False)
                self.bytes -= dropped

    def clear(self) -> None:
        """Forget every value (the counters stay)."""
        with self._lock:
            self._items.clear()
            self.bytes = 0

    def stats(self) -> dict[str, int]:
        """hits, misses, entries and approximate bytes held."""
        with self._lock:
            return {"hits": self.hits, "misses": self.misses, "entries": len(self._items), "bytes": self.bytes}


class Caches:
    """The assistant's caches, or none of them when `enabled` is False (every `get` misses, every `put` is dropped)."""

    KINDS = ("plans", "compiled", "results", "follow_ups")

    def __init__(self, enabled: bool = True, entries: int = DEFAULT_ENTRIES,
                 result_bytes: int = DEFAULT_RESULT_BYTES, result_size: Callable[[Any], int] = lambda value: 0,
                 compiled_bytes: int = DEFAULT_COMPILED_BYTES, compiled_size: Callable[[Any], int] = lambda value: 0):
        self.enabled = enabled
        self.plans = LRU(entries)
        self.compiled = LRU(entries, compiled_bytes, compiled_size)
        self.results = LRU(entries, result_bytes, result_size)
        self.follow_ups = LRU(entries)

    def get(self, kind: str, key: Hashable) -> Any:
        """The value of `kind` kept for `key`, or None (always None when the caches are off)."""
        return getattr(self, kind).get(key) if self.enabled else None

    def put(self, kind: str, key: Hashable, value: Any) -> None:
        """Keep `value` of `kind` for `key` (nothing, when the caches are off)."""
        if self.enabled:
            getattr(self, kind).put(key, value)

    def kept(self, kind: str, key: Hashable, make: Callable[[], Any]) -> Any:
        """The value of `kind` kept for `key`, else `make()` (an exception from it keeps nothing), kept from now on."""
        value = self.get(kind, key)
        if value is None:
            value = make()
            self.put(kind, key, value)
        return value

    def clear(self) -> None:
        """Forget everything kept."""
        for kind in self.KINDS:
            getattr(self, kind).clear()

    def stats(self) -> dict[str, Any]:
        """Per kind: hits, misses, entries and bytes; and whether the caches are on."""
        return {"enabled": self.enabled, **{kind: getattr(self, kind).stats() for kind in self.KINDS}}
