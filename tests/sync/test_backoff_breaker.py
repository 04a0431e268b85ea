import random
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from sync.backoff import MAX_RETRY_AFTER, full_jitter, retry_after
from sync.breaker import CircuitBreaker


@given(st.integers(min_value=1, max_value=60), st.floats(0.01, 5), st.floats(1, 600))
def test_full_jitter_stays_between_zero_and_the_capped_exponential(attempt, base, cap):
    wait = full_jitter(attempt, base=base, cap=cap, rnd=random.Random(attempt))
    assert 0 <= wait <= min(cap, base * 2 ** (attempt - 1))


def test_full_jitter_actually_spreads():
    rnd = random.Random(1)
    waits = {round(full_jitter(5, rnd=rnd), 3) for _ in range(50)}
    assert len(waits) > 40


def test_retry_after_forms():
    now = datetime(2021, 5, 28, 3, 0, 0, tzinfo=UTC)
    assert retry_after("7") == 7.0
    assert retry_after("Fri, 28 May 2021 03:00:30 GMT", now) == 30.0
    assert retry_after("Fri, 28 May 2021 02:00:00 GMT", now) == 0.0
    assert retry_after("99999") == MAX_RETRY_AFTER
    assert retry_after("soon") is None
    assert retry_after(None) is None


class Clock:
    def __init__(self):
        self.t = 0.0

    def __call__(self):
        return self.t


def test_breaker_opens_after_consecutive_failures_and_trials_after_the_timeout():
    clock = Clock()
    b = CircuitBreaker(fail_max=3, reset_timeout=10, clock=clock)
    b.failure()
    b.failure()
    b.success()  # not consecutive any more
    b.failure()
    b.failure()
    assert b.state == "closed"
    b.failure()
    assert b.state == "open" and b.is_open()
    assert not b.allow_trial()
    clock.t = 10
    assert b.state == "half-open"
    assert b.allow_trial()
    assert not b.allow_trial()  # one trial at a time
    assert b.is_open()  # customers still do not wait on the trial
    b.failure()
    assert b.state == "open"
    clock.t = 20
    assert b.allow_trial()
    b.success()
    assert b.state == "closed" and not b.is_open()
