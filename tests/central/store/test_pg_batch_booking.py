"""PostgreSQL's batched booking statement (central/store/pg_batch_booking.py).

Many rows land in ONE statement here (`_book_batch` called with them, or threads released
together through the worker's batcher): the last seats of a slot, one citizen several times, a
citizen whose booking another transaction commits while the batch waits. Each row's outcome is
checked against the rule the statement must keep (arrival order within a slot, first row of a
citizen), a hypothesis test puts the boundary (free seats vs rows) through many shapes, and
the database's own counts must agree afterwards.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from central.errors import AlreadyBooked, SlotFull
from central.store import NewBooking, PostgresStore, Site, Slot
from kiosk.dates import BANGKOK
from tests.central.sealing import TEST_SEALER
from tests.central.served import together
from tests.central.store.records import new_booking

pytestmark = pytest.mark.postgres

NOW = datetime(2021, 6, 1, 10, 0, tzinfo=BANGKOK)
SITE = Site("s1", "ที่หนึ่ง", "One", "-", "-", "-", "-")


def _slots(capacities: dict[str, int]) -> list[Slot]:
    return [
        Slot(slot_id, "s1", "2021-06-03", f"{9 + i:02d}:00", f"{9 + i:02d}:30", capacity, 0)
        for i, (slot_id, capacity) in enumerate(capacities.items())
    ]


@pytest.fixture
def store(pg_databases) -> Iterator[PostgresStore]:
    url = pg_databases.new()
    opened = PostgresStore(url, max_size=16, sealer=TEST_SEALER)
    opened.put_sites([SITE], _slots({"hot": 5, "other": 50}), "v")
    yield opened
    opened.close()
    pg_databases.drop(url)


def _new(n: int, **kw) -> NewBooking:
    return new_booking(n, NOW, **kw)


def _figures(store: PostgresStore) -> dict[str, int]:
    q = store._conn().execute
    return {
        "bookings": q("SELECT COUNT(*) FROM bookings").fetchone()[0],
        "seats": q("SELECT COALESCE(SUM(booked), 0) FROM slots").fetchone()[0],
        "references": q("SELECT COUNT(*) FROM issued_references").fetchone()[0],
        "claims": q("SELECT COUNT(*) FROM requests_in_flight").fetchone()[0],
    }


def _clean(store: PostgresStore) -> None:
    report = store.capacity_report()
    assert {k: v for k, v in report.items() if k != "active_bookings" and v} == {}


def test_one_batch_gives_the_last_seats_in_arrival_order_and_one_to_a_citizen(store):
    store.book(_new(100), NOW, site=SITE)  # 4 seats left on "hot"
    now = datetime.now(tz=BANGKOK)
    for n in range(12):
        assert store.claim_request(f"b-{n}", now, timedelta(seconds=15))
    items = [(_new(n), NOW, True) for n in range(6)]  # six for the four last seats
    items += [(_new(n, citizen="same", slot="other"), NOW, True) for n in range(6, 9)]
    items += [(_new(n, slot="other"), NOW, True) for n in range(9, 12)]
    rows = store._book_batch(items)
    made = [None if r is None else r["slot_id"] for r in rows]
    assert made == ["hot"] * 4 + [None, None] + ["other", None, None] + ["other"] * 3
    # Each 201 shows the slot as its own booking left it, in arrival order.
    assert [r["booked"] for r in rows[:4]] == [2, 3, 4, 5]
    assert [rows[i]["booked"] for i in (6, 9, 10, 11)] == [1, 2, 3, 4]
    assert len({r["reference"] for r in rows if r is not None}) == 8
    # The claims of the rows booked ended with them; the others' stay for the general path.
    assert _figures(store) == {"bookings": 9, "seats": 9, "references": 9, "claims": 4}
    _clean(store)


def test_a_row_committed_elsewhere_meanwhile_skips_that_row_only(store):
    """Another worker's transaction holds an uncommitted active booking of citizen "x": the
    batch's INSERT waits on the partial unique index, and when the other commits, that row is
    skipped (no unique violation for the whole statement) and the rest are booked."""
    other = psycopg.connect(store.url, autocommit=False)
    try:
        other.execute("UPDATE slots SET booked = booked + 1 WHERE slot_id = 'other'")
        other.execute(
            "INSERT INTO issued_references(reference, source, issued_at) "
            "VALUES ('R-OTHER', 'booking', %s)",
            (NOW.isoformat(),),
        )
        other.execute(
            "INSERT INTO bookings(booking_id, reference, citizen_key, status, slot_id, channel, "
            "terminal_id, masked_cid, card_json, phone, occupation_code, answers_json, "
            "claimed_decision_json, decision_json, fingerprint, confirmed_at, created_at, "
            "updated_at) VALUES ('elsewhere', 'R-OTHER', 'x', 'confirmed', 'other', 'web', 't', "
            "'m', '{}', '-', 'o', '{}', '{}', '{}', 'f', 'n', 'n', 'n')"
        )
        items = [(_new(1), NOW, False), (_new(2, citizen="x"), NOW, False), (_new(3), NOW, False)]
        out: list[object] = []
        batch = threading.Thread(target=lambda: out.append(store._book_batch(items)))
        batch.start()
        batch.join(1.0)
        assert batch.is_alive()  # waiting for the other transaction on the unique index
        other.commit()
        batch.join(30)
    finally:
        other.close()
    (rows,) = out
    assert [r is not None for r in rows] == [True, False, True]  # type: ignore[union-attr]
    assert store.slot("hot").booked == 2 and store.slot("other").booked == 1
    _clean(store)


def test_threads_released_together_share_batches_and_keep_every_invariant(store):
    """24 writer threads at once through `book` (the path of central/fast_bookings.py): the
    five seats of "hot" for 16 citizens and one citizen eight times on "other"."""
    calls: list[Callable[[], object]] = [
        lambda n=n: store.book(_new(n), NOW, site=SITE) for n in range(16)
    ]
    calls += [
        lambda n=n: store.book(_new(n, citizen="same", slot="other"), NOW, site=SITE)
        for n in range(16, 24)
    ]
    results = together(calls)
    hot, same = results[:16], results[16:]
    assert sum(isinstance(r, tuple) for r in hot) == 5
    assert all(isinstance(r, SlotFull) for r in hot if not isinstance(r, tuple))
    assert sum(isinstance(r, tuple) for r in same) == 1
    assert all(isinstance(r, AlreadyBooked) for r in same if not isinstance(r, tuple))
    assert max(store.bookings_batch.sizes) > 1  # some of them did share one statement
    _clean(store)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    capacity=st.integers(0, 4),
    before=st.integers(0, 4),
    rows=st.lists(st.tuples(st.sampled_from("ab"), st.integers(0, 5)), min_size=1, max_size=10),
)
def test_each_row_is_booked_as_if_the_rows_had_come_one_after_the_other(
    store, capacity, before, rows
):
    """The boundary: k rows for f free seats. Rows of a citizen already holding a booking, or
    after the first row of their citizen, are left to the general path (None); of the rest
    the first f of each slot in arrival order are booked."""
    with store._write() as c:
        c.execute("TRUNCATE bookings, issued_references, requests_in_flight CASCADE")
        c.execute("DELETE FROM slots")
    store.put_sites([SITE], _slots({"a": capacity, "b": 3}), "v")
    for n in range(min(before, capacity)):
        store.book(_new(1000 + n, citizen=f"c{n}", slot="a"), NOW, site=SITE)
    items = [
        (_new(i, citizen=f"c{who}", slot=slot), NOW, False) for i, (slot, who) in enumerate(rows)
    ]
    booked = store._book_batch(items)
    free = {"a": capacity - min(before, capacity), "b": 3}
    holders = {f"c{n}" for n in range(min(before, capacity))}
    expected = []
    for new, _, _ in items:
        ok = new.citizen_key not in holders and free[new.slot_id] > 0
        if new.citizen_key not in holders:
            holders.add(new.citizen_key)  # a later row of this citizen is not tried
        if ok:
            free[new.slot_id] -= 1
        expected.append(ok)
    assert [r is not None for r in booked] == expected
    _clean(store)


def test_one_batch_of_context_reads_claims_once_per_key_and_only_with_a_token(store):
    """The claim + token + context read of pg_batch_context for rows landing in ONE statement:
    the same key twice (the first claims, the second is in flight), a wrong token (no claim,
    no terminal), a key claimed elsewhere and not expired (not claimed), and one expired
    (taken over)."""
    token = store.issue_token("t1", "store-1", "kiosk", NOW)
    now = datetime.now(tz=BANGKOK)
    ttl = timedelta(seconds=15)
    assert store.claim_request("held", now, ttl)
    assert store.claim_request("stale", now - timedelta(minutes=1), ttl)
    keys = ["k1", "k1", "k2", "held", "stale", "k3"]
    tokens = [token, token, "wrong", token, token, token]
    items = [
        (key, "kiosk", "o", "hot", f"c-{key}", (now, ttl), tok)
        for key, tok in zip(keys, tokens, strict=True)
    ]
    contexts = store._read_batch(items)
    assert [c.claimed for c in contexts] == [True, False, False, False, True, True]
    assert [c.terminal is not None for c in contexts] == [True, True, False, True, True, True]
    assert contexts[0].slot is not None and contexts[0].slot.slot_id == "hot"
    assert contexts[0].site == SITE
    # What the single statement reads for the same request, field for field (k3: claimed).
    store.batch_contexts = False
    single = store.booking_context("k4", "kiosk", "o", "hot", "c-k3", (now, ttl), token)
    assert single == contexts[5]
    q = store._conn().execute
    claimed = {r[0] for r in q("SELECT idempotency_key FROM requests_in_flight").fetchall()}
    assert claimed == {"k1", "held", "stale", "k3", "k4"}
