"""The grant policy at the store, as properties over capacity, bookings and terminals."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from central.store import LeasePolicy, PostgresStore, Site, Slot, SqliteStore
from kiosk.dates import BANGKOK
from kiosk.leases import sign_lease, verify_lease
from tests.central.conftest import fresh_stores

NOW = datetime(2021, 6, 1, 10, 0, tzinfo=BANGKOK)
KEY = ed25519.Ed25519PrivateKey.generate()
SITE = Site("s1", "ที่หนึ่ง", "One", "-", "-", "-", "-")
#: 21:00 today is under 12 h away (never leased); the rest are candidates.
STARTS = [("2021-06-01", "21:00"), ("2021-06-02", "09:00"), ("2021-06-02", "14:00"),
          ("2021-06-03", "09:00")]  # fmt: skip


#: Every table a grant writes, emptied between hypothesis examples on PostgreSQL (one database
#: per test: creating one per example would cost more than the examples).
_TABLES = "sites, slots, bookings, terminals, leases, lease_seats, issued_references, terminal_keys"

Fresh = Callable[[], contextlib.AbstractContextManager[SqliteStore | PostgresStore]]


@pytest.fixture
def fresh(backend: str, new_db: Callable[[], str | None]) -> Iterator[Fresh]:
    """An empty migrated store of the test's backend, once per hypothesis example."""
    yield fresh_stores(new_db(), _TABLES)


def _store(store: SqliteStore | PostgresStore, capacity: int, booked: list[int]):
    slots = [
        Slot(f"s1-{d.replace('-', '')}-{t.replace(':', '')}", "s1", d, t, "23:59", capacity, 0)
        for d, t in STARTS
    ]
    store.put_sites([SITE], slots, "v")
    with store._write() as c:
        for slot, n in zip(slots, booked, strict=True):
            c.execute("UPDATE slots SET booked = ? WHERE slot_id = ?", (n, slot.slot_id))
    return store


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    capacity=st.integers(0, 40),
    booked_share=st.lists(st.floats(0, 1), min_size=4, max_size=4),
    terminals=st.integers(1, 6),
    share=st.sampled_from([0.0, 0.05, 0.1, 0.29, 0.5, 1.0]),
    per_terminal=st.integers(0, 8),
    per_slot=st.integers(1, 4),
)
def test_grants_stay_within_every_limit_and_take_what_the_limits_allow(
    fresh, capacity, booked_share, terminals, share, per_terminal, per_slot
):
    booked = [int(capacity * b) for b in booked_share]
    policy = LeasePolicy(share=share, seats_per_terminal=per_terminal, seats_per_slot=per_slot)
    with fresh() as empty:
        store = _store(empty, capacity, booked)
        names = [f"t{n}" for n in range(terminals)]
        for name in names:
            store.issue_token(name, name, "kiosk", NOW)

        def refresh(name):
            return store.refresh_leases(
                name,
                held=[],
                spent=[],
                recent=[("s1", "2021-06-02")],
                now=NOW,
                policy=policy,
                sign=lambda d: sign_lease(d, KEY),
            )

        first = {name: refresh(name) for name in names}
        again = {name: refresh(name) for name in names}
        assert all(again[n].leases == first[n].leases and not again[n].granted for n in names)

        share_cap = capacity * round(share * 1_000_000) // 1_000_000
        slots = {s.slot_id: s for s in store.slots("s1", NOW.date(), NOW.date() + timedelta(3))}
        c = store._conn()
        mine = {
            (r[0], r[1]): r[2]
            for r in c.execute(
                "SELECT terminal_id, slot_id, count(*) FROM lease_seats GROUP BY 1, 2"
            )
        }
        for slot in slots.values():
            assert slot.booked + slot.held <= slot.capacity
            assert slot.held <= share_cap
        assert slots["s1-20210601-2100"].held == 0  # under 12 h away
        for name in names:
            leases = [verify_lease(e, KEY.public_key(), name) for e in first[name].leases]
            seats = sum(lease.seats for lease in leases)
            assert seats <= per_terminal
            for lease in leases:
                start = datetime.fromisoformat(f"{lease.date}T{lease.start}").replace(
                    tzinfo=BANGKOK
                )
                assert start > NOW + policy.lead
                assert lease.use_until == min(NOW + policy.life, start - policy.lead)
            if seats < per_terminal:  # it got less than its allowance: every slot was at a limit
                for slot_id, slot in slots.items():
                    if slot_id == "s1-20210601-2100":
                        continue
                    assert (
                        slot.held >= share_cap
                        or slot.booked + slot.held >= slot.capacity
                        or mine.get((name, slot_id), 0) >= per_slot
                    ), (name, slot)
        report = store.capacity_report()
        assert report["held_mismatches"] == report["terminal_held_mismatches"] == 0
