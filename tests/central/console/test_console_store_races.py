"""The console's records under real concurrency (threads released together by a barrier), on
both stores: attempts arriving at once are each counted and none passes a lock; a sign-in code
is spent once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from central.console import sessions
from tests.central.conftest import RunningCentral
from tests.central.served import together

THREADS = 8


def test_attempts_at_once_are_each_counted_and_none_passes_the_lock(
    central: RunningCentral,
) -> None:
    store, now = central.central.store, central.clock.now
    free = sessions.FREE_PER_NAME
    lock = lambda n: sessions.lockout(n, free)  # noqa: E731
    results = together(
        [lambda: store.charge_login_attempt("user:x", now, timedelta(hours=1), lock)] * THREADS
    )
    assert all(not isinstance(r, BaseException) for r in results), results
    counted = [r for r in results if not r.refused]
    assert sorted(r.failures for r in counted) == list(range(1, free + 1))
    assert len(results) - len(counted) == THREADS - free  # the rest met the lock
    kept = store.login_failures(["user:x"])["user:x"]
    assert kept.failures == free
    assert kept.locked_until == now + sessions.lockout(free, free)


def test_a_refund_gives_back_the_attempt_and_only_the_lock_it_set(
    central: RunningCentral,
) -> None:
    store, clock = central.central.store, central.clock
    lock = lambda n: sessions.lockout(n, 2)  # noqa: E731
    first = store.charge_login_attempt("ip:a", clock.now, timedelta(hours=1), lock)
    second = store.charge_login_attempt("ip:a", clock.now, timedelta(hours=1), lock)
    assert (first.failures, second.failures) == (1, 2) and second.locked_until is not None
    store.refund_login_attempt(second)
    kept = store.login_failures(["ip:a"])["ip:a"]
    assert (kept.failures, kept.locked_until) == (1, None)
    # a lock another attempt set after ours is not lifted by our refund
    again = store.charge_login_attempt("ip:a", clock.now, timedelta(hours=1), lock)
    clock.advance(seconds=sessions.MAX_LOCK.total_seconds() + 1)
    later = store.charge_login_attempt("ip:a", clock.now, timedelta(hours=1), lock)
    store.refund_login_attempt(again)
    kept = store.login_failures(["ip:a"])["ip:a"]
    assert kept.failures == 2 and kept.locked_until == later.locked_until is not None


@pytest.mark.parametrize("attempt", range(3))
def test_a_sign_in_code_is_spent_once(central: RunningCentral, attempt: int) -> None:
    store, now = central.central.store, central.clock.now
    store.add_operator(f"p{attempt}", "technician", "scrypt$1$1$1$AA==$AA==", now)
    code = store.new_signin_code(f"p{attempt}", now, timedelta(minutes=10))
    results = together([lambda: store.spend_signin_code(code, now)] * THREADS)
    assert sorted(results, key=str) == [None] * (THREADS - 1) + [f"p{attempt}"]
