"""Who may sign in to the chat app, and as which viewer: the users file.

The users file is TOML, one `[[user]]` table per person:

    [[user]]
    username = "leila"
    password = "pbkdf2_sha256$200000$<salt hex>$<hash hex>"   # never the password itself
    role = "csm"                                              # leader | analyst | csm
    csm_id = "C005"                                           # only for a csm: their csms.csm_id

Make a password hash with

    .venv/bin/python -m assistant.app.users             # asks for the password twice
    echo -n 'secret' | .venv/bin/python -m assistant.app.users --stdin

The viewer of a session comes from the name the person signed in with, never from
anything typed in the chat. Checking a sign-in (back-off, logging) is `signin.py`.
"""

from __future__ import annotations

import argparse
import getpass
import hashlib
import hmac
import os
import secrets
import sys
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from assistant.viewer import Role, Viewer

SCHEME = "pbkdf2_sha256"
ITERATIONS = 200_000
_KEYS = {"username", "password", "role", "csm_id", "name"}


class UsersFileError(ValueError):
    """The users file cannot be used; the message names the file and the entry."""


@dataclass(frozen=True)
class User:
    """One person who may sign in: their name, password hash and the viewer they see data as."""

    username: str
    password_hash: str
    viewer: Viewer
    name: str = ""

    def describe(self) -> str:
        """'leila (CSM C005)' — for the header of the app."""
        who = f"CSM {self.viewer.csm_id}" if self.viewer.role is Role.CSM else self.viewer.role.value
        return f"{self.name or self.username} ({who})"


def hash_password(password: str, *, salt: bytes | None = None, iterations: int = ITERATIONS) -> str:
    """A salted PBKDF2-SHA256 hash in the form `pbkdf2_sha256$iterations$salt$hash` (hex)."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    return f"{SCHEME}${iterations}${salt.hex()}${digest.hex()}"


def verify_password(password: str, password_hash: str) -> bool:
    """Whether `password` matches the stored hash (constant-time comparison); False for a malformed hash."""
    try:
        scheme, iterations, salt, digest = password_hash.split("$")
        if scheme != SCHEME:
            return False
        expected = hashlib.pbkdf2_hmac("sha256", password.encode(), bytes.fromhex(salt), int(iterations))
    except ValueError:
        return False
    return hmac.compare_digest(expected.hex(), digest)


def _user(entry: Mapping[str, object], where: str) -> User:
    unknown = sorted(set(entry) - _KEYS)
    if unknown:
        raise UsersFileError(f"{where}: unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(_KEYS))}")
    missing = [k for k in ("username", "password", "role") if not isinstance(entry.get(k), str) or not entry[k]]
    if missing:
        raise UsersFileError(f"{where}: missing {', '.join(missing)}")
    if not str(entry["password"]).startswith(SCHEME + "$"):
        raise UsersFileError(f"{where}: password must be a {SCHEME} hash (python -m assistant.app.users makes one)")
    try:
        viewer = Viewer(Role(entry["role"]), entry.get("csm_id"))
    except ValueError as error:
        roles = ", ".join(r.value for r in Role)
        raise UsersFileError(f"{where}: {error} (role is one of {roles}; a csm needs csm_id)") from None
    return User(str(entry["username"]), str(entry["password"]), viewer, str(entry.get("name", "")))


def load_users(path: str | os.PathLike) -> dict[str, User]:
    """The users of a TOML users file by username; UsersFileError with file and entry when it is wrong."""
    path = Path(path)
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsersFileError(f"no users file at {path}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise UsersFileError(f"{path}: not valid TOML: {error}") from None
    entries = document.get("user")
    if not isinstance(entries, list) or not entries:
        raise UsersFileError(f"{path}: no [[user]] entries")
    users: dict[str, User] = {}
    for number, entry in enumerate(entries, start=1):
        user = _user(entry, f"{path}, user {number}")
        if user.username in users:
            raise UsersFileError(f"{path}, user {number}: username {user.username!r} appears twice")
        users[user.username] = user
    return users


def main(argv: list[str] | None = None) -> int:
    """Print the hash of a password read from the terminal (or stdin with --stdin) for a users file."""
    parser = argparse.ArgumentParser(prog="python -m assistant.app.users", description="hash a password for the users file")
    parser.add_argument("--stdin", action="store_true", help="read the password from standard input")
    args = parser.parse_args(argv)
    if args.stdin:
        password = sys.stdin.read().rstrip("\n")
    else:
        password = getpass.getpass("password: ")
        if getpass.getpass("again: ") != password:
            print("the two passwords differ", file=sys.stderr)
            return 2
    if not password:
        print("an empty password is not allowed", file=sys.stderr)
        return 2
    print(hash_password(password))
    return 0


if __name__ == "__main__":
    sys.exit(main())
