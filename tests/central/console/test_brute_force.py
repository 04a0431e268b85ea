"""Sign-in brute force is slowed: from the FREE_PER_NAME-th failure for a name (FREE_PER_ADDRESS-th
from one address) the name (address) is refused for a growing time, even with the right password,
counted in the database (every worker sees the same count)."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from central.console import sessions
from tests.central.console.conftest import PASSWORD, Browser, add_operator


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
