"""Races over real HTTP that land many bookings in ONE batched statement (PostgreSQL).

central/store/pg_batch_context.py and pg_batch_booking.py send the reads and the bookings of
a worker's requests in flight as one statement each. Here requests released together by a
barrier fill the worker's writer threads at once, so batches of several rows form (checked on
the batchers' sizes), and the answers must be those of requests taken one at a time: the last
seats of a slot to exactly as many, one booking to a citizen on many terminals, one effect per
Idempotency-Key.
"""

from __future__ import annotations

import pytest

from tests.central.conftest import booking_body, citizen
from tests.central.served import together

pytestmark = pytest.mark.parametrize(
    "backend", [pytest.param("postgres", marks=pytest.mark.postgres)]
)


@pytest.fixture(autouse=True, params=[False, True], ids=["contexts-single", "contexts-batched"])
def batch_contexts(request, monkeypatch):
    """Both ways: the context reads batched too (off by default, pg_batch_context), or not."""
    from central.store import PostgresStore

    monkeypatch.setattr(PostgresStore, "batch_contexts", request.param)
    return request.param


def _contexts_batched(c) -> int:
    return max(c.central.store.contexts_batch.sizes, default=0)


def _clean(c) -> None:
    report = c.central.store.capacity_report()
    assert {k: v for k, v in report.items() if k != "active_bookings" and v} == {}


def test_the_last_seats_of_a_slot_in_batches_go_to_exactly_as_many(make_central, batch_contexts):
    capacity, clients = 6, 32
    c = make_central(demo_capacity=capacity)
    slot = c.slot_id(days=3, hour=9)
    bodies = [booking_body(citizen(n), slot) for n in range(clients)]
    results = together(
        [lambda b=b, n=n: c.book(b, terminal=f"kiosk-{1 + n % 2}") for n, b in enumerate(bodies)]
    )
    codes = [r.status_code for r in results]
    assert codes.count(201) == capacity, codes
    assert all(r.json()["code"] == "slot-full" for r in results if r.status_code == 409)
    assert codes.count(409) == clients - capacity
    assert c.central.store.slot(slot).booked == capacity
    assert max(c.central.store.bookings_batch.sizes) > 1, c.central.store.bookings_batch.sizes
    assert (_contexts_batched(c) > 1) == batch_contexts
    _clean(c)


def test_one_citizen_on_many_terminals_in_batches_gets_one_booking(make_central, batch_contexts):
    c = make_central()
    person, clients = citizen(7), 16
    bodies = [booking_body(person, c.slot_id(hour=9 + n % 6)) for n in range(clients)]
    results = together(
        [lambda b=b, n=n: c.book(b, terminal=f"kiosk-{1 + n % 2}") for n, b in enumerate(bodies)]
    )
    codes = sorted(r.status_code for r in results)
    assert codes == [201] + [409] * (clients - 1), [r.text for r in results]
    winner = next(r for r in results if r.status_code == 201).json()
    for r in results:
        if r.status_code == 409:
            assert r.json()["code"] == "already-booked"
            assert r.json()["reference"] == winner["reference"]
    assert (_contexts_batched(c) > 1) == batch_contexts
    _clean(c)


def test_one_idempotency_key_many_times_in_a_batch_is_one_booking(make_central):
    c = make_central()
    body = booking_body(citizen(8), c.slot_id(hour=10))
    before = c.central.store.slot(c.slot_id(hour=10)).booked  # the demo data has bookings
    others = [booking_body(citizen(200 + n), c.slot_id(hour=11)) for n in range(12)]
    calls = [lambda: c.book(body) for _ in range(8)]
    calls += [lambda b=b: c.book(b, terminal="kiosk-2") for b in others]
    results = together(calls)
    same, rest = results[:8], results[8:]
    assert sorted(r.status_code for r in same).count(201) == 1, [r.text for r in same]
    for r in same:
        assert r.status_code in (200, 201, 409), r.text
        if r.status_code == 409:
            assert r.json()["code"] == "request-in-flight"
    assert {r.json()["reference"] for r in same if r.status_code in (200, 201)} == {
        next(r for r in same if r.status_code == 201).json()["reference"]
    }
    assert all(r.status_code == 201 for r in rest)
    assert c.central.store.slot(c.slot_id(hour=10)).booked == before + 1
    assert (
        c.central.store._conn().execute("SELECT COUNT(*) FROM requests_in_flight").fetchone()[0]
        == 0
    )
    _clean(c)
