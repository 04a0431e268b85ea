"""Races over real HTTP: many terminals at once never overbook and never double-book."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from tests.central.conftest import booking_body, citizen


def test_many_clients_for_the_last_seats_end_with_exactly_the_capacity(make_central):
    capacity, clients = 5, 40
    c = make_central(demo_capacity=capacity)
    slot = c.slot_id(days=3, hour=9)
    bodies = [booking_body(citizen(n), slot) for n in range(clients)]
    barrier = __import__("threading").Barrier(clients)

    def book(body):
        barrier.wait()
        return c.book(body, terminal="kiosk-1" if body["citizen"]["cid"][-2] < "5" else "kiosk-2")

    with ThreadPoolExecutor(clients) as pool:
        results = list(pool.map(book, bodies))
    codes = sorted(r.status_code for r in results)
    assert codes.count(201) == capacity, codes
    assert codes.count(409) == clients - capacity
    assert all(r.json()["code"] == "slot-full" for r in results if r.status_code == 409)
    store = c.central.store
    assert store.slot(slot).booked == capacity
    report = store.capacity_report()
    assert report["overbooked_slots"] == report["counter_mismatches"] == 0


def test_the_same_citizen_from_two_channels_at_once_ends_with_one_booking(make_central):
    c = make_central()
    rounds = 10
    for n in range(rounds):
        person = citizen(100 + n)
        kiosk = booking_body(person, c.slot_id(hour=12))
        web = booking_body(person, c.slot_id(site="iconsiam", hour=12), channel="web")
        barrier = __import__("threading").Barrier(2)

        def send(body, terminal, barrier=barrier):
            barrier.wait()
            return c.book(body, terminal=terminal)

        with ThreadPoolExecutor(2) as pool:
            a = pool.submit(send, kiosk, "kiosk-1")
            b = pool.submit(send, web, "web-1")
            results = [a.result(), b.result()]
        codes = sorted(r.status_code for r in results)
        assert codes == [201, 409], [r.text for r in results]
        winner = next(r for r in results if r.status_code == 201).json()
        loser = next(r for r in results if r.status_code == 409).json()
        assert loser["code"] == "already-booked" and loser["reference"] == winner["reference"]
    report = c.central.store.capacity_report()
    assert report["citizens_with_two_active"] == 0 and report["counter_mismatches"] == 0
    assert (
        c.central.store.slot(c.slot_id(hour=12)).booked
        + c.central.store.slot(c.slot_id(site="iconsiam", hour=12)).booked
        == rounds
    )
