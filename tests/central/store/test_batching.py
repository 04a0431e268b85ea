"""The leader/follower batcher (central/store/batching.py) on its own: real threads released
together by a barrier, a `run` that takes time so that others gather behind it."""

from __future__ import annotations

import threading
import time

import pytest

from central.store.batching import Batcher


def _together(n: int, call) -> list[object]:
    barrier = threading.Barrier(n)
    out: list[object] = [None] * n

    def one(i: int) -> None:
        barrier.wait()
        try:
            out[i] = call(i)
        except Exception as exc:  # noqa: BLE001 - the test looks at what each got
            out[i] = exc

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
        assert not t.is_alive()
    return out


def test_each_caller_gets_its_own_outcome_and_later_callers_share_a_batch():
    running = threading.Lock()

    def run(items):
        assert running.acquire(blocking=False), "two batches ran at once"
        try:
            time.sleep(0.02)
            return [item * 10 for item in items]
        finally:
            running.release()

    batcher: Batcher[int, int] = Batcher(run)
    assert _together(24, batcher.submit) == [i * 10 for i in range(24)]
    assert sum(batcher.sizes) == 24
    assert max(batcher.sizes) > 1  # whoever came while the first batch ran went together
    assert batcher.submit(7) == 70  # alone afterwards: a batch of one, no wait
    assert batcher.sizes[-1] == 1


def test_a_failing_batch_fails_its_callers_only_and_the_next_batch_runs():
    calls: list[list[int]] = []

    def run(items):
        calls.append(list(items))
        time.sleep(0.02)
        if len(calls) == 1:
            raise ValueError("the first batch fails")
        return [-item for item in items]

    batcher: Batcher[int, int] = Batcher(run)
    out = _together(12, batcher.submit)
    failed = [i for i, r in enumerate(out) if isinstance(r, ValueError)]
    assert sorted(failed) == sorted(calls[0])
    assert all(out[i] == -i for i in range(12) if i not in failed)
    assert sorted(i for batch in calls for i in batch) == list(range(12))


def test_a_batch_is_at_most_its_limit():
    batcher: Batcher[int, int] = Batcher(lambda items: (time.sleep(0.02), list(items))[1], limit=4)
    assert _together(16, batcher.submit) == list(range(16))
    assert max(batcher.sizes) <= 4


@pytest.mark.parametrize("n", [1, 2])
def test_few_callers_wait_for_no_timer(n):
    batcher: Batcher[int, int] = Batcher(list)
    started = time.monotonic()
    assert _together(n, batcher.submit) == list(range(n))
    assert time.monotonic() - started < 1.0
