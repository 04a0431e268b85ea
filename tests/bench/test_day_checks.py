"""bench/day_one.py's end-of-day checks must see a broken database: fed one with a slot holding
more bookings than seats, a citizen with two active bookings and an answered booking the
central does not hold, they report each one; fed a sound one, nothing. On both backends."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from _day_checks import consistency, hottest_slots, sms_agree

from central.store import NewBooking, PostgresStore, Site, Slot, SqliteStore
from kiosk.dates import BANGKOK
from tests.central.sealing import TEST_SEALER

NOW = datetime(2021, 6, 1, 10, 0, tzinfo=BANGKOK)
COLUMNS = (
    "reference, citizen_key, status, slot_id, channel, terminal_id, masked_cid, card_json, "
    "phone, occupation_code, occupation_other, answers_json, claimed_decision_json, "
    "decision_json, fingerprint, confirmed_at, created_at, updated_at"
)


def _booking(n: int, slot: str) -> NewBooking:
    return NewBooking(
        booking_id=f"b-{n}",
        citizen_key=f"c-{n}",
        status="confirmed",
        slot_id=slot,
        channel="web",
        terminal_id="web-1",
        masked_cid="x-xxxx-xxxxx-xx-x",
        card={},
        phone="0812345678",
        occupation_code="company-employee",
        occupation_other=None,
        answers={},
        claimed_decision={},
        decision={},
        fingerprint=f"f-{n}",
        confirmed_at=NOW.isoformat(),
    )


def _db(new_db: Callable[[], str | None], tmp_path: Path) -> tuple[str, SqliteStore]:
    url = new_db()
    db = url or str(tmp_path / "central.db")
    store = PostgresStore(url, sealer=TEST_SEALER) if url else SqliteStore(Path(db))
    store.put_sites(
        [Site("s1", "ที่หนึ่ง", "One", "-", "-", "-", "-")],
        [
            Slot("hot", "s1", "2021-06-03", "09:00", "10:00", 1, 0),
            Slot("other", "s1", "2021-06-03", "10:00", "11:00", 5, 0),
        ],
        "v",
    )
    store.book(_booking(1, "hot"), NOW)
    store.book(_booking(2, "other"), NOW)
    return db, store


def _copy(store, booking_id: str, new_id: str, *, slot: str, citizen: str) -> None:
    """A booking row written behind the store's back: no seat taken, no constraint asked."""
    with store._write() as c:
        c.execute(
            f"INSERT INTO bookings (booking_id, {COLUMNS}) SELECT ?, reference || ?, ?, status, "
            "?, " + COLUMNS.split(", ", 4)[4] + " FROM bookings WHERE booking_id = ?",
            (new_id, new_id, citizen, slot, booking_id),
        )


def test_a_sound_day_passes(backend, new_db, tmp_path: Path) -> None:
    db, store = _db(new_db, tmp_path)
    store.close()
    checks = consistency(db, ["b-1", "b-2"])
    assert checks.failures() == []
    assert checks.report["active_bookings"] == 2 and len(checks.made_at) == 2
    assert hottest_slots(db)[0][1:] in ((1, 1), (1, 5))


def test_an_overbooked_slot_and_a_citizen_booked_twice_are_reported(
    backend, new_db, tmp_path: Path
) -> None:
    db, store = _db(new_db, tmp_path)
    _copy(store, "b-1", "b-extra", slot="hot", citizen="c-extra")  # hot: 2 bookings, 1 seat
    with store._write() as c:
        c.execute("DROP INDEX bookings_one_active_per_citizen")
    _copy(store, "b-2", "b-twice", slot="other", citizen="c-2")  # c-2 twice in "other"
    store.close()
    failures = consistency(db, ["b-1", "b-2", "b-extra", "b-twice"]).failures()
    assert "overbooked slots: 1" in failures
    assert "citizens with two active: 1" in failures
    assert "counter mismatches: 2" in failures  # neither copy took a seat


def test_an_answered_booking_the_central_lacks_is_reported(backend, new_db, tmp_path) -> None:
    db, store = _db(new_db, tmp_path)
    with store._write() as c:
        c.execute("UPDATE bookings SET status = 'cancelled' WHERE booking_id = 'b-2'")
    store.close()
    checks = consistency(db, ["b-1", "b-2", "b-never-stored"])
    assert checks.lost == ["b-never-stored"] and checks.cancelled == ["b-2"]
    # cancelled behind the store's back: its seat was never given back, which shows too
    assert checks.failures() == ["counter mismatches: 1", "bookings answered 201 but not held: 1"]


def test_the_sms_counts_agree_only_when_equal() -> None:
    by_event = {"confirmed": {"sent": 3, "pending": 1}, "rejected": {"sent": 2, "dead": 1}}
    assert sms_agree(by_event, 5)
    assert not sms_agree(by_event, 6) and not sms_agree(by_event, 4)
