"""A private on-disk store of pickled start-up work, signed so that nothing but this user's own entries loads.

What costs a cold start most is pure work over inputs that rarely change: the validated
catalogue (over its YAML files) and the planner's vocabulary (over the catalogue and the
warehouse's names). Each is kept here under a name derived from a hash of its inputs, so a
changed input is simply a miss. An entry is read only when it sits in a folder this user
owns and nobody else may write, carries an HMAC-SHA256 signature made with this user's
random key, and names only classes of the modules its reader allows: anything else is
ignored (never unpickled) and rebuilt by the caller. A store that cannot be made (a
read-only home, a foreign folder) is not used, and a failed write only costs the next start.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import os
import pickle
import secrets
import stat
import tempfile
from collections.abc import Collection
from pathlib import Path
from typing import Any

CACHE_DIR_ENV = "CS_CACHE_DIR"  # where start-up work is kept (default: ~/.cache/cs-assistant)
_SIGNATURE = hashlib.sha256().digest_size


def cache_dir() -> Path:
    """The folder for this project's caches: $CS_CACHE_DIR, else $XDG_CACHE_HOME/cs-assistant or ~/.cache/cs-assistant."""
    if os.environ.get(CACHE_DIR_ENV):
        return Path(os.environ[CACHE_DIR_ENV])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "cs-assistant"


def _private_folder(folder: Path) -> bool:
    """Whether `folder` is a directory of this user's that nobody else may write into (else: no cache)."""
    try:
        info = folder.lstat()
    except OSError:
        return False
    return (stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid()
            and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH))


def _signing_key(folder: Path) -> bytes | None:
    """This user's random key for signing entries (made on first use, readable by the user only)."""
    path = folder / "key"
    try:
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
            out.write(secrets.token_bytes(32))
    except FileExistsError:
        pass
    except OSError:
        return None
    try:
        info = path.lstat()
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
            return None
        key = path.read_bytes()
    except OSError:
        return None
    return key if len(key) == 32 else None


class _Unpickler(pickle.Unpickler):
    """Unpickles only classes of the allowed modules: a second wall behind the signature, so even a signed entry
    cannot name a function to call (entries are dataclasses, pydantic models, enums and plain containers)."""

    def __init__(self, payload: bytes, modules: Collection[str]):
        super().__init__(io.BytesIO(payload))
        self.modules = frozenset(modules)

    def find_class(self, module: str, name: str):
        if module not in self.modules:
            raise pickle.UnpicklingError(f"a cache entry may not hold {module}.{name}")
        found = super().find_class(module, name)
        if not isinstance(found, type):
            raise pickle.UnpicklingError(f"a cache entry may not hold {module}.{name}")
        return found


class SignedStore:
    """Entries of one kind (`kind-<digest>.pickle`) in the private cache folder; only the newest of a kind is kept."""

    def __init__(self, kind: str, modules: Collection[str], folder: Path | None = None):
        self.kind, self.modules = kind, tuple(modules)
        self.folder = cache_dir() if folder is None else folder
        try:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError:
            pass
        self.key = _signing_key(self.folder) if _private_folder(self.folder) else None

    def path(self, digest: str) -> Path:
        """Where the entry for inputs hashed to `digest` lives."""
        return self.folder / f"{self.kind}-{digest}.pickle"

    def read(self, digest: str, expected: type) -> Any | None:
        """The `expected` object stored for `digest`, when its signature matches; None for anything else."""
        if self.key is None:
            return None
        try:
            blob = self.path(digest).read_bytes()
        except OSError:
            return None
        signature, payload = blob[:_SIGNATURE], blob[_SIGNATURE:]
        if not hmac.compare_digest(signature, hmac.digest(self.key, payload, "sha256")):
            return None
        try:
            value = _Unpickler(payload, self.modules).load()
        except Exception:  # noqa: BLE001 - a signed entry that still does not load is rebuilt, whatever broke it
            return None
        return value if isinstance(value, expected) else None

    def write(self, digest: str, value: Any) -> None:
        """Sign and write `value` atomically, and drop older entries of this kind."""
        if self.key is None:
            return
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        path = self.path(digest)
        try:
            handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=f".{self.kind}-")
        except OSError:
            return
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(hmac.digest(self.key, payload, "sha256") + payload)
            os.replace(temporary, path)
        except OSError:
            Path(temporary).unlink(missing_ok=True)
            return
        for old in self.folder.glob(f"{self.kind}-*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)


def code_digest(*folders: Path) -> hashlib._Hash:
    """A running hash of the Python files of `folders` (the code a stored object is made of): names, sizes, bytes."""
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(folder.glob("*.py")):
            digest.update(f"\0{path.parent.name}/{path.name}\0{path.stat().st_size}\0".encode())
            digest.update(path.read_bytes())
    return digest
