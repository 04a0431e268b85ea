"""The console's records under real concurrency (threads released together by a barrier), on
both stores: failures arriving at once are each counted; a sign-in code is spent once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from central.console import sessions
from tests.central.conftest import RunningCentral
from tests.central.served import together

THREADS = 8


def test_failures_at_once_are_each_counted(central: RunningCentral) -> None:
    store, now = central.central.store, central.clock.now
    lock = lambda n: sessions.lockout(n, sessions.FREE_PER_NAME)  # noqa: E731
    results = together(
        [lambda: store.record_login_failure("user:x", now, timedelta(hours=1), lock)] * THREADS
    )
    assert all(not isinstance(r, BaseException) for r in results), results
    assert sorted(r.failures for r in results) == list(range(1, THREADS + 1))
    kept = store.login_failures(["user:x"])["user:x"]
    assert kept.failures == THREADS
    assert kept.locked_until == now + sessions.lockout(THREADS, sessions.FREE_PER_NAME)


@pytest.mark.parametrize("attempt", range(3))
def test_a_sign_in_code_is_spent_once(central: RunningCentral, attempt: int) -> None:
    store, now = central.central.store, central.clock.now
    store.add_operator(f"p{attempt}", "technician", "scrypt$1$1$1$AA==$AA==", now)
    code = store.new_signin_code(f"p{attempt}", now, timedelta(minutes=10))
    results = together([lambda: store.spend_signin_code(code, now)] * THREADS)
    assert sorted(results, key=str) == [None] * (THREADS - 1) + [f"p{attempt}"]
