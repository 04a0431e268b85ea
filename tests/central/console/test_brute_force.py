"""Sign-in brute force is slowed: from the FREE_PER_NAME-th failure for a name (FREE_PER_ADDRESS-th
from one address) the name (address) is refused for a growing time, even with the right password,
counted in the database (every worker sees the same count)."""

from __future__ import annotations

from datetime import timedelta

import requests
from hypothesis import given
from hypothesis import strategies as st

from central.console import sessions
from tests.central.console.conftest import PASSWORD, Browser, add_operator, csrf_of
from tests.central.served import together


@given(st.integers(min_value=1, max_value=200), st.integers(min_value=1, max_value=30))
def test_lockout_starts_at_the_free_th_failure_and_doubles(failures: int, free: int) -> None:
    wait = sessions.lockout(failures, free)
    if failures < free:
        assert wait is None
        return
    assert sessions.FIRST_LOCK <= wait <= sessions.MAX_LOCK
    if failures == free:
        assert wait == sessions.FIRST_LOCK
    following = sessions.lockout(failures + 1, free)
    assert following >= wait
    assert following == min(sessions.MAX_LOCK, 2 * wait)


def test_a_name_is_locked_after_its_free_failures_even_for_the_right_password(
    browser: Browser,
) -> None:
    add_operator(browser.c, "alice")
    for _ in range(sessions.FREE_PER_NAME):
        assert browser.login("alice", "wrong password").status_code == 401
    r = browser.login("alice", PASSWORD)
    assert r.status_code == 429
    assert "15" in r.text and "วินาที" in r.text
    assert "console_session" not in browser.session.cookies
    browser.c.clock.advance(seconds=sessions.FIRST_LOCK.total_seconds() + 1)
    # one more failure: locked twice as long
    assert browser.login("alice", "wrong again").status_code == 401
    assert browser.login("alice", PASSWORD).status_code == 429
    browser.c.clock.advance(seconds=sessions.FIRST_LOCK.total_seconds() + 1)
    assert browser.login("alice", PASSWORD).status_code == 429
    browser.c.clock.advance(seconds=sessions.FIRST_LOCK.total_seconds())
    assert browser.login("alice", PASSWORD).status_code == 303
    # the success cleared the name's count: a slip afterwards costs nothing
    browser.session.cookies.clear()
    assert browser.login("alice", "typo").status_code == 401
    assert browser.login("alice", PASSWORD).status_code == 303
    actions = [a.action for a in browser.c.central.store.audit_page(action="login-refused-locked")]
    assert len(actions) == 3


def test_one_address_trying_many_names_is_locked(browser: Browser) -> None:
    add_operator(browser.c, "alice")
    for i in range(sessions.FREE_PER_ADDRESS):
        assert browser.login(f"guess-{i}", "x").status_code == 401
    assert browser.login("alice", PASSWORD).status_code == 429


def test_failures_are_forgotten_after_a_quiet_hour(browser: Browser) -> None:
    add_operator(browser.c, "alice")
    for _ in range(sessions.FREE_PER_NAME - 1):
        assert browser.login("alice", "wrong").status_code == 401
    assert browser.login("alice", PASSWORD).status_code == 303
    browser.session.cookies.clear()
    for _ in range(sessions.FREE_PER_NAME - 1):
        assert browser.login("alice", "wrong").status_code == 401
    browser.c.clock.advance(seconds=(sessions.FORGET_AFTER + timedelta(seconds=1)).total_seconds())
    for _ in range(sessions.FREE_PER_NAME - 1):
        assert browser.login("alice", "wrong").status_code == 401
    assert browser.login("alice", PASSWORD).status_code == 303


def test_guesses_sent_in_parallel_meet_the_lock(browser: Browser) -> None:
    """Twelve wrong guesses released together, each from its own browser: only the first
    FREE_PER_NAME of them have their password checked (401); the others meet the lock their
    predecessors set (429), and then so does the right password."""
    add_operator(browser.c, "alice")
    guessers = []
    for _ in range(12):
        jar = Browser(browser.c, requests.Session())
        token = csrf_of(jar.get("/console/login").text)
        guessers.append((jar, token))
    results = together(
        [
            lambda jar=jar, token=token: (
                jar.post(
                    "/console/login",
                    {"csrf_token": token, "username": "alice", "password": "guess"},
                ).status_code
            )
            for jar, token in guessers
        ]
    )
    assert sorted(results) == [401] * sessions.FREE_PER_NAME + [429] * (12 - sessions.FREE_PER_NAME)
    assert browser.login("alice", PASSWORD).status_code == 429


def test_a_good_sign_in_gives_back_its_attempt_to_the_address(browser: Browser) -> None:
    """Nineteen failures from one address, then a good sign-in: the address is not locked by
    the good one (its attempt was counted first, then given back)."""
    add_operator(browser.c, "alice")
    for i in range(sessions.FREE_PER_ADDRESS - 1):
        assert browser.login(f"guess-{i}", "x").status_code == 401
    assert browser.login("alice", PASSWORD).status_code == 303
    other = Browser(browser.c, requests.Session())
    assert other.login("guess-last", "x").status_code == 401  # the 20th failure: now it locks
    assert other.login("alice", PASSWORD).status_code == 429


def test_forgotten_counts_are_deleted_at_the_next_sign_in(browser: Browser) -> None:
    add_operator(browser.c, "alice")
    for i in range(3):
        assert browser.login(f"sprayed-{i}", "x").status_code == 401
    store = browser.c.central.store
    keys = [sessions.name_key(f"sprayed-{i}") for i in range(3)]
    assert len(store.login_failures(keys)) == 3
    browser.c.clock.advance(seconds=sessions.FORGET_AFTER.total_seconds() - 60)
    assert browser.login("alice", PASSWORD).status_code == 303
    assert len(store.login_failures(keys)) == 3  # not forgotten yet: kept
    browser.c.clock.advance(seconds=120)
    browser.session.cookies.clear()
    assert browser.login("alice", PASSWORD).status_code == 303
    assert store.login_failures(keys) == {}
