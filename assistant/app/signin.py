"""Sign-in checks for the chat app: the same work for a known and an unknown name, a back-off after
failed attempts per username and per client address, and every attempt in the log.

`SignIn.attempt` is the decision (no Gradio): a name or address in its back-off window is refused
BEFORE any hashing, so a flood of wrong passwords costs almost no CPU; an unknown name is checked
against a dummy hash of the same cost, so the answer takes as long as for a real user. After FREE
failures in a row, each further failure doubles the wait (BASE_S, 2·BASE_S, … up to CAP_S); while
One password is hashed at a time (PBKDF2 is ~100 ms of a core), so sign-ins never take both cores
from the questions being answered; the back-off is decided again once an attempt's turn comes, after
the attempts before it are counted, so concurrent guesses cannot slip in, while people signing in at
once from one address (an office) are not taken for a flood. A success clears the name and the address.

`SignIn.check` is Gradio's `auth=` callable, async so the hashing runs on a worker thread and never
on the server's event loop; Gradio passes no request to it, so `ClientAddress` (an ASGI middleware
given to the app) notes each request's client address for it.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from assistant.app.users import ITERATIONS, User, hash_password, verify_password

log = logging.getLogger(__name__)

FREE = 5  # failures in a row before the back-off starts
BASE_S = 1.0
CAP_S = 300.0
MAX_TRACKED = 10_000  # names and addresses remembered; the least recently failed are forgotten first
ACCEPTED, REJECTED, REFUSED = "accepted", "rejected", "refused (backing off)"
UNKNOWN_ADDRESS = "unknown"

_address: contextvars.ContextVar[str] = contextvars.ContextVar("client_address", default=UNKNOWN_ADDRESS)


class ClientAddress:
    """ASGI middleware: the client address of the request being served, for `SignIn` to read."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope.get("type") == "http" and scope.get("client"):
            _address.set(str(scope["client"][0]))
        await self.app(scope, receive, send)


@dataclass
class _Record:
    failures: int = 0
    until: float = 0.0  # refused before this time on the clock


def backoff_s(failures: int, base_s: float = BASE_S, cap_s: float = CAP_S) -> float:
    """How long attempts wait after `failures` failures in a row: nothing up to FREE, then doubling, capped."""
    if failures < FREE:
        return 0.0
    return min(cap_s, base_s * 2 ** (failures - FREE))


class SignIn:
    """Checks a username and password against `users` with back-off and logging; see the module."""

    def __init__(self, users: Mapping[str, User], clock: Callable[[], float] = time.monotonic,
                 base_s: float = BASE_S, cap_s: float = CAP_S, logger: logging.Logger = log):
        self.users, self.clock, self.base_s, self.cap_s, self.log = users, clock, base_s, cap_s, logger
        self._dummy = hash_password("not a password of anyone", iterations=ITERATIONS)
        self._records: OrderedDict[tuple[str, str], _Record] = OrderedDict()
        self._lock = threading.Lock()
        self._hashing = threading.Semaphore(1)

    def _keys(self, username: str, address: str) -> tuple[tuple[str, str], ...]:
        return ("user", username), ("address", address)

    def _record(self, key: tuple[str, str]) -> _Record:
        record = self._records.pop(key, None) or _Record()
        self._records[key] = record
        while len(self._records) > MAX_TRACKED:
            self._records.popitem(last=False)
        return record

    def _admit(self, username: str, address: str) -> bool:
        """Whether neither the name nor the address is in its back-off window now."""
        with self._lock:
            now = self.clock()
            return not any(self._record(key).until > now for key in self._keys(username, address))

    def _settle(self, username: str, address: str, ok: bool) -> None:
        with self._lock:
            now = self.clock()
            for key in self._keys(username, address):
                record = self._record(key)
                if ok:
                    record.failures, record.until = 0, 0.0
                else:
                    record.failures += 1
                    record.until = now + backoff_s(record.failures, self.base_s, self.cap_s)

    def attempt(self, username: str, password: str, address: str = UNKNOWN_ADDRESS) -> bool:
        """Whether `username` signs in with `password` from `address` now; refused without hashing while
        the name or the address is backing off. Logs the outcome (never the password)."""
        ok, refused = False, not self._admit(username, address)  # refused at once, without waiting to hash
        if not refused:
            with self._hashing:
                refused = not self._admit(username, address)  # the attempts ahead of this one are counted now
                if not refused:
                    user = self.users.get(username)
                    # the same work whether or not the user exists
                    matches = verify_password(password, user.password_hash if user is not None else self._dummy)
                    ok = user is not None and matches
                    self._settle(username, address, ok)
        if refused:
            self.log.warning("sign-in %s: user %r from %s", REFUSED, username, address)
            return False
        if ok:
            self.log.info("sign-in %s: user %r from %s", ACCEPTED, username, address)
        else:
            self.log.warning("sign-in %s: user %r from %s%s", REJECTED, username, address,
                             "" if username in self.users else " (no such user)")
        return ok

    async def check(self, username: str, password: str) -> bool:
        """Gradio's `auth=` hook: `attempt` on a worker thread, with the address `ClientAddress` noted.
        A coroutine *method*: Gradio awaits only what `inspect.iscoroutinefunction` says is one, and an
        object with an async `__call__` is not, so its un-awaited coroutine would pass as true."""
        return await asyncio.to_thread(self.attempt, username, password, _address.get())
