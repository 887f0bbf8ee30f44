"""Sign-in: as slow for an unknown name as for a real one, backing off after failures per name and per
address without hashing, and every attempt logged without its password."""

from __future__ import annotations

import logging
import statistics
import threading
import time

import pytest

import assistant.app.signin as signin
from assistant.app.signin import ACCEPTED, FREE, REFUSED, REJECTED, SignIn, backoff_s
from assistant.app.users import User, hash_password
from assistant.viewer import Viewer

CHEAP = 1_000  # iterations of the test users' hashes; the dummy for unknown names has the real cost


class Clock:
    def __init__(self):
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def users(iterations: int = CHEAP) -> dict[str, User]:
    return {name: User(name, hash_password(f"pw-{name}", iterations=iterations), Viewer.leader())
            for name in ("ann", "bob")}


@pytest.fixture
def hashes(monkeypatch):
    """Counts the passwords actually hashed."""
    count = {"n": 0}
    real = signin.verify_password

    def counting(password, stored):
        count["n"] += 1
        return real(password, stored)

    monkeypatch.setattr(signin, "verify_password", counting)
    return count


def test_a_wrong_password_takes_as_long_for_an_unknown_name_as_for_a_real_user():
    check = SignIn(users(iterations=signin.ITERATIONS)).attempt

    def seconds(name: str) -> float:
        start = time.perf_counter()
        assert not check(name, "wrong", address=f"10.0.0.{len(name)}-{time.perf_counter()}")
        return time.perf_counter() - start

    real = statistics.median(seconds("ann") for _ in range(3))
    unknown = statistics.median(seconds("nobody") for _ in range(3))
    assert 0.6 < unknown / real < 1.6, (real, unknown)


def test_the_back_off_doubles_from_base_to_cap():
    assert [backoff_s(n, 1.0, 10.0) for n in range(FREE + 6)] == [0] * FREE + [1, 2, 4, 8, 10, 10]


def test_after_five_failures_a_name_is_refused_without_hashing_until_its_wait_is_over(hashes):
    clock = Clock()
    check = SignIn(users(), clock=clock).attempt
    for i in range(FREE):
        assert not check("ann", "wrong", address=f"a{i}")
    assert hashes["n"] == FREE
    assert not check("ann", "pw-ann", address="elsewhere")  # even the right password waits
    assert hashes["n"] == FREE
    clock.now += signin.BASE_S
    assert not check("ann", "wrong", address="a9")  # one more failure: the wait doubles
    clock.now += signin.BASE_S
    assert not check("ann", "pw-ann", address="elsewhere")
    clock.now += signin.BASE_S
    assert check("ann", "pw-ann", address="elsewhere")
    assert check("bob", "pw-bob", address="a0")  # another name from an address that failed only once


def test_many_names_from_one_address_back_off_the_address(hashes):
    clock = Clock()
    check = SignIn(users(), clock=clock).attempt
    for i in range(FREE):
        assert not check(f"guess{i}", "wrong", address="10.0.0.9")
    assert not check("bob", "pw-bob", address="10.0.0.9")
    assert check("bob", "pw-bob", address="10.0.0.10")
    assert hashes["n"] == FREE + 1


def test_a_success_clears_the_count():
    clock = Clock()
    check = SignIn(users(), clock=clock).attempt
    for _ in range(FREE - 1):
        assert not check("ann", "wrong", address="x")
    assert check("ann", "pw-ann", address="x")
    assert not check("ann", "wrong", address="x") and check("ann", "pw-ann", address="x")


def test_concurrent_guesses_cannot_slip_in_before_failures_are_counted(hashes):
    check = SignIn(users(iterations=20_000), clock=Clock()).attempt
    start = threading.Barrier(30)

    def guess():
        start.wait()
        check("ann", "wrong", address="flood")

    threads = [threading.Thread(target=guess) for _ in range(30)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert hashes["n"] <= FREE


def test_people_signing_in_at_once_from_one_address_are_all_let_in(hashes):
    # An office behind one address at nine o'clock is not a flood: only failures count, never attempts in flight.
    people = {f"p{i}": User(f"p{i}", hash_password(f"pw{i}", iterations=CHEAP), Viewer.leader()) for i in range(20)}
    check = SignIn(people, clock=Clock()).attempt
    start = threading.Barrier(len(people))
    accepted = []

    def sign_in(name):
        start.wait()
        accepted.append(check(name, "pw" + name[1:], address="office"))

    threads = [threading.Thread(target=sign_in, args=(name,)) for name in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert accepted == [True] * len(people) and hashes["n"] == len(people)


def test_every_attempt_is_logged_with_name_address_and_outcome_but_never_the_password(caplog):
    check = SignIn(users(), clock=Clock()).attempt
    with caplog.at_level(logging.INFO, logger=signin.log.name):
        check("ann", "pw-ann", address="1.2.3.4")
        for _ in range(FREE + 1):
            check("ann", "s3cret-guess", address="1.2.3.4")
        check("mallory", "s3cret-guess", address="5.6.7.8")
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == FREE + 3
    assert lines[0] == f"sign-in {ACCEPTED}: user 'ann' from 1.2.3.4"
    assert lines[1] == f"sign-in {REJECTED}: user 'ann' from 1.2.3.4"
    assert lines[FREE + 1] == f"sign-in {REFUSED}: user 'ann' from 1.2.3.4"
    assert lines[-1] == f"sign-in {REJECTED}: user 'mallory' from 5.6.7.8 (no such user)"
    assert not any("s3cret" in line or "pw-ann" in line for line in lines)


def test_the_gradio_hook_is_a_coroutine_function_so_gradio_awaits_it():
    # Gradio calls a non-coroutine hook without awaiting: a coroutine object would be a "true" sign-in.
    import asyncio
    import inspect

    sign_in = SignIn(users(), clock=Clock())
    assert inspect.iscoroutinefunction(sign_in.check)
    assert asyncio.run(sign_in.check("ann", "pw-ann")) is True
    assert asyncio.run(sign_in.check("ann", "wrong")) is False
