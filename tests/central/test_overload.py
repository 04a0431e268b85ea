"""Overload: beyond the in-flight bound the central answers 503 with Retry-After at once."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests

from tests.central.conftest import booking_body, citizen


def test_a_burst_beyond_the_bound_gets_503_with_retry_after_and_never_hangs(make_central):
    c = make_central(max_in_flight=4, booking_delay=1.0, retry_after_seconds=3)
    clients = 16
    barrier = threading.Barrier(clients)

    def book(n):
        barrier.wait()
        started = time.monotonic()
        r = c.book(booking_body(citizen(n), c.slot_id()))
        return r, time.monotonic() - started

    with ThreadPoolExecutor(clients) as pool:
        results = list(pool.map(book, range(clients)))
    admitted = [r for r, _ in results if r.status_code == 201]
    refused = [(r, t) for r, t in results if r.status_code == 503]
    assert len(admitted) + len(refused) == clients
    assert 1 <= len(admitted) <= 4 and len(refused) >= clients - 4
    for r, elapsed in refused:
        assert r.headers["retry-after"] == "3"
        assert r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["code"] == "overloaded"
        assert elapsed < 0.9  # refused at once, not after waiting for a turn
    # once the burst has passed, the central serves again
    assert c.book(booking_body(citizen(99), c.slot_id())).status_code == 201
    assert requests.get(c.url("/v1/sites"), headers=c.auth(), timeout=5).status_code == 200
