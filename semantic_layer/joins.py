"""Which contract tables a table can reach without fan-out, and the joins that reach them.

Joins follow the contract's foreign keys from the referencing table to the referenced one
only (many-to-one), so joining never multiplies a source's rows: a ticket reaches its
account and that account's CSM, never the account's other tickets.
"""

from __future__ import annotations

from collections import deque
from functools import cache

from data.contract import FOREIGN_KEYS, ForeignKey


@cache
def join_path(start: str, target: str) -> tuple[ForeignKey, ...] | None:
    """The shortest chain of many-to-one joins from `start` to `target`; () if equal, None if unreachable."""
    paths: dict[str, tuple[ForeignKey, ...]] = {start: ()}
    queue = deque([start])
    while queue:
        table = queue.popleft()
        if table == target:
            return paths[table]
        for fk in FOREIGN_KEYS:
            if fk.table == table and fk.ref_table not in paths:
                paths[fk.ref_table] = paths[table] + (fk,)
                queue.append(fk.ref_table)
    return None


def reachable(start: str, target: str) -> bool:
    return join_path(start, target) is not None
