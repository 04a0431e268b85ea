"""Writers racing at the store itself, on both backends: threads released together by a barrier,
each with its own connection and transaction. Over HTTP the central funnels writes through one
writer thread; here nothing does, so on PostgreSQL the transactions really overlap (READ
COMMITTED) and the conditional UPDATEs, row locks and retries are what keeps the invariants."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519

from central.errors import (
    AlreadyBooked,
    BookingCancelled,
    CentralError,
    SlotFull,
    VersionMismatch,
)
from central.store import LeasePolicy, NewBooking, PostgresStore, Site, Slot, SqliteStore
from kiosk.dates import BANGKOK
from kiosk.leases import sign_lease
from tests.central.sealing import TEST_SEALER
from tests.central.served import together
from tests.central.store.records import new_booking

NOW = datetime(2021, 6, 1, 10, 0, tzinfo=BANGKOK)
KEY = ed25519.Ed25519PrivateKey.generate()
THREADS = 12


@pytest.fixture
def store(
    backend: str, new_db: Callable[[], str | None], tmp_path: Path
) -> Iterator[SqliteStore | PostgresStore]:
    url = new_db()
    opened = (
        SqliteStore(tmp_path / "c.db")
        if url is None
        else PostgresStore(url, max_size=16, sealer=TEST_SEALER)
    )
    opened.put_sites(
        [Site("s1", "ที่หนึ่ง", "One", "-", "-", "-", "-")],
        [
            Slot("hot", "s1", "2021-06-03", "09:00", "09:30", 5, 0),
            Slot("other", "s1", "2021-06-03", "10:00", "10:30", 50, 0),
        ],
        "v",
    )
    yield opened
    opened.close()


def _new(n: int, **kw) -> NewBooking:
    return new_booking(n, NOW, **kw)


def _clean(store) -> None:
    report = store.capacity_report()
    assert {k: v for k, v in report.items() if k != "active_bookings" and v} == {}


def test_citizens_racing_for_five_seats_get_exactly_five(store):
    results = together([lambda n=n: store.book(_new(n), NOW) for n in range(THREADS)])
    booked = [r for r in results if isinstance(r, tuple)]
    assert len(booked) == 5
    assert all(isinstance(r, SlotFull) for r in results if not isinstance(r, tuple))
    assert store.slot("hot").booked == 5
    _clean(store)


def test_one_citizen_on_many_terminals_at_once_gets_one_booking(store):
    results = together(
        [lambda n=n: store.book(_new(n, citizen="same", slot="other"), NOW) for n in range(8)]
    )
    assert sum(isinstance(r, tuple) for r in results) == 1
    assert all(isinstance(r, AlreadyBooked) for r in results if not isinstance(r, tuple))
    assert store.capacity_report()["active_bookings"] == 1
    _clean(store)


def test_one_request_retried_at_once_is_one_booking_and_replays(store):
    results = together([lambda: store.book(_new(1, booking_id="same"), NOW) for _ in range(8)])
    assert all(isinstance(r, tuple) for r in results), results
    assert sum(created for created, _ in results) == 1
    assert len({b.reference for _, b in results}) == 1
    assert store.slot("hot").booked == 1
    _clean(store)


def test_changes_and_cancels_of_one_booking_racing_move_its_seat_once(store):
    _, booking = store.book(_new(1), NOW)
    calls: list[Callable[[], Any]] = []
    for _ in range(4):
        calls.append(
            lambda: store.change(
                booking.reference, "c-1", booking.version, {"slot_id": "other"}, NOW
            )
        )
        calls.append(lambda: store.cancel(booking.reference, "c-1", booking.version, NOW))
    results = together(calls)
    winners = [r for r in results if not isinstance(r, Exception)]
    assert len(winners) >= 1
    losers = [r for r in results if isinstance(r, Exception)]
    assert all(isinstance(r, VersionMismatch | BookingCancelled) for r in losers), losers
    # The one write that won moved or freed the seat once; a cancel answered after the first
    # cancel is the cancelled booking as it is.
    final = store.booking_by_id(booking.booking_id)
    hot, other = store.slot("hot"), store.slot("other")
    if final.status == "cancelled":
        assert hot.booked + other.booked == 0
    else:
        assert (hot.booked, other.booked) == (0, 1)
    _clean(store)


def test_one_terminal_refreshing_from_many_threads_stays_within_its_allowance(store):
    store.issue_token("t1", "store", "kiosk", NOW)
    policy = LeasePolicy(share=1.0, seats_per_terminal=6, seats_per_slot=2)

    def refresh():
        return store.refresh_leases(
            "t1",
            held=[],
            spent=[],
            recent=[("s1", "2021-06-03")],
            now=NOW,
            policy=policy,
            sign=lambda d: sign_lease(d, KEY),
        )

    results = together([refresh for _ in range(8)])
    assert not [r for r in results if isinstance(r, Exception)], results
    per_slot = store._conn().execute(
        "SELECT slot_id, count(*) AS n FROM lease_seats WHERE state = 'held' GROUP BY slot_id"
    )
    counts = {r["slot_id"]: r["n"] for r in per_slot}
    assert all(n <= 2 for n in counts.values()), counts
    assert sum(counts.values()) <= 6
    _clean(store)


def test_web_bookings_and_lease_refreshes_on_one_hot_slot_never_overbook(store):
    for t in ("t1", "t2", "t3"):
        store.issue_token(t, t, "kiosk", NOW)
    policy = LeasePolicy(share=1.0, seats_per_terminal=3, seats_per_slot=2)

    def refresh(t):
        return store.refresh_leases(
            t, held=[], spent=[], recent=[("s1", "2021-06-03")], now=NOW + timedelta(0),
            policy=policy, sign=lambda d: sign_lease(d, KEY),
        )  # fmt: skip

    calls: list[Callable[[], Any]] = [lambda n=n: store.book(_new(n), NOW) for n in range(6)]
    calls += [lambda t=t: refresh(t) for t in ("t1", "t2", "t3")]
    results = together(calls)
    assert all(not isinstance(r, Exception) or isinstance(r, CentralError) for r in results)
    hot = store.slot("hot")
    assert hot.booked + hot.held <= hot.capacity
    _clean(store)


def test_a_request_key_is_claimed_by_exactly_one_of_many_at_once_and_expires(store):
    now = datetime(2026, 1, 1, tzinfo=BANGKOK)
    ttl = timedelta(minutes=2)
    claims = together([lambda: store.claim_request("key-1", now, ttl) for _ in range(THREADS)])
    assert sorted(claims) == [False] * (THREADS - 1) + [True]
    assert not store.claim_request("key-1", now + ttl - timedelta(seconds=1), ttl)
    # A process killed while holding it never releases it: after the ttl it is claimed again.
    assert store.claim_request("key-1", now + ttl + timedelta(seconds=1), ttl)
    store.release_request("key-1")
    assert store.claim_request("key-1", now, ttl)
