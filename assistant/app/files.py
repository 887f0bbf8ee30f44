"""The files the chat app hands out (an answer's CSV): private, owned by a session, and short-lived.

Each file is created 0600 in its own 0700 folder under one 0700 root, and belongs to the session that
asked: it is removed when that session ends (sign-out, Clear, or the store dropping the session) or when
it is older than MAX_AGE_S on the injected clock, whichever comes first; `close` removes the root.
The root lies inside Gradio's cache folder, which `private_gradio_cache` makes private for the process:
Gradio serves a file already in its cache as it is, so no world-readable copy of an answer is made.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from pathlib import Path

MAX_AGE_S = 3_600
PRIVATE_DIR, PRIVATE_FILE = 0o700, 0o600


def private_gradio_cache() -> Path:
    """Gradio's cache folder for this process (GRADIO_TEMP_DIR), created private (0700) when unset (and
    removed at exit), made 0700 when set; call before the app's components are made, as each reads it once."""
    folder = os.environ.get("GRADIO_TEMP_DIR")
    if folder:
        Path(folder).mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
        os.chmod(folder, PRIVATE_DIR)
    else:
        folder = tempfile.mkdtemp(prefix="cs-assistant-gradio-")  # mkdtemp makes it 0700
        os.environ["GRADIO_TEMP_DIR"] = folder
        atexit.register(shutil.rmtree, folder, True)  # a folder of our own making goes with the process
    return Path(folder)


@dataclass(frozen=True)
class _Handed:
    owner: Hashable
    path: Path
    created: float


class AnswerFiles:
    """Files written for sessions under `root` (a private folder in Gradio's cache when None, made on the
    first write), removed with their session or after `max_age_s` on `clock`. Safe between threads."""

    def __init__(self, root: Path | None = None, max_age_s: float = MAX_AGE_S,
                 clock: Callable[[], float] = time.monotonic):
        self._root, self.max_age_s, self.clock = root, max_age_s, clock
        self._handed: list[_Handed] = []
        self._lock = threading.Lock()

    @property
    def root(self) -> Path:
        """The private folder all the files are in."""
        if self._root is None:
            self._root = Path(tempfile.mkdtemp(prefix="answers-", dir=private_gradio_cache()))
        self._root.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
        os.chmod(self._root, PRIVATE_DIR)
        return self._root

    def write(self, owner: Hashable, name: str, text: str) -> Path:
        """A new private file `name` holding `text` for `owner`; older files of anyone are swept first."""
        self.sweep()
        folder = Path(tempfile.mkdtemp(dir=self.root))
        path = folder / name
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            out.write(text)
        with self._lock:
            self._handed.append(_Handed(owner, path, self.clock()))
        return path

    def _remove(self, keep: Callable[[_Handed], bool]) -> int:
        with self._lock:
            gone = [h for h in self._handed if not keep(h)]
            self._handed = [h for h in self._handed if keep(h)]
        for handed in gone:
            shutil.rmtree(handed.path.parent, ignore_errors=True)
        return len(gone)

    def drop(self, owner: Hashable) -> int:
        """Remove every file of `owner` (its session ended); how many."""
        return self._remove(lambda h: h.owner != owner)

    def sweep(self) -> int:
        """Remove every file older than `max_age_s`; how many."""
        now = self.clock()
        return self._remove(lambda h: now - h.created < self.max_age_s)

    def owned(self, owner: Hashable) -> list[Path]:
        """The files `owner` has now."""
        with self._lock:
            return [h.path for h in self._handed if h.owner == owner]

    def close(self) -> None:
        """Remove every file and the root."""
        self._remove(lambda h: False)
        if self._root is not None:
            shutil.rmtree(self._root, ignore_errors=True)
