"""The console's records under real concurrency (threads released together by a barrier), on
both stores: failures arriving at once are each counted; a sign-in code is spent once."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from central.console import sessions
from tests.central.conftest import RunningCentral

THREADS = 8


def _together(calls):
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        barrier.wait()
        try:
            results[i] = call()
        except BaseException as exc:  # noqa: BLE001 - the result of that call
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_failures_at_once_are_each_counted(central: RunningCentral) -> None:
    store, now = central.central.store, central.clock.now
    lock = lambda n: sessions.lockout(n, sessions.FREE_PER_NAME)  # noqa: E731
    results = _together(
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
    results = _together([lambda: store.spend_signin_code(code, now)] * THREADS)
    assert sorted(results, key=str) == [None] * (THREADS - 1) + [f"p{attempt}"]
