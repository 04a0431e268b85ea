"""The console's counts at the store (central/store/stats.py), on both backends, from bookings
and leases made over real HTTP at instants the test chooses with the central's clock."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta

import requests

from central.store.stats import day_bounds
from kiosk.dates import BANGKOK
from kiosk.keys import x25519_public_from_b64
from kiosk.sealing import seal
from kiosk.signing import canonical
from tests.central.conftest import T0, booking_body, citizen, lease_booking, refresh_leases

DAY = T0.date()  # 2021-06-01
DAY3 = [("scg-bang-sue", "2021-06-03")]


def _at(c, hour: int, minute: int = 0, day: date = DAY) -> None:
    c.clock.now = datetime(day.year, day.month, day.day, hour, minute, tzinfo=BANGKOK)


def _plain(c, n: int, *, terminal: str = "kiosk-1", channel: str = "kiosk") -> dict:
    """An online booking, confirmed at 10:00 the day before (inside every channel's hours)."""
    now = c.clock.now
    confirmed = datetime(now.year, now.month, now.day, 10, tzinfo=BANGKOK) - timedelta(days=1)
    body = booking_body(citizen(n), c.slot_id(days=3), channel=channel, confirmed_at=confirmed)
    r = c.book(body, terminal)
    assert r.status_code == 201, r.text
    return r.json()


def _sealed(c, n: int, *, extra: dict | None = None, slot_id: str | None = None) -> dict:
    """A booking the terminal queued in its journal and replays now (confirmed at 17:00 the
    day before, inside kiosk hours)."""
    config = requests.get(c.url("/v1/config"), headers=c.auth(), timeout=10).json()
    public = x25519_public_from_b64(config["keys"]["journal_sealing"]["public"])
    confirmed = datetime(DAY.year, DAY.month, DAY.day, 17, 0, tzinfo=BANGKOK) - timedelta(1)
    plain = booking_body(citizen(n), slot_id or c.slot_id(days=3), confirmed_at=confirmed)
    box = seal(canonical(plain), public, ("booking:" + plain["booking_id"]).encode())
    r = c.book({"booking_id": plain["booking_id"], "sealed": box, **(extra or {})})
    assert r.status_code == 201, r.text
    return r.json()


def _direct_hours(store, day: date) -> Counter:
    """(hour, channel, cancelled) counted in Python from every booking row."""
    start, end = day_bounds(day)
    rows = store._conn().execute("SELECT channel, status, created_at FROM bookings").fetchall()
    out: Counter = Counter()
    for r in rows:
        made = datetime.fromisoformat(r["created_at"]).astimezone(BANGKOK)
        if made.date() == day:
            out[(made.hour, r["channel"], r["status"] == "cancelled")] += 1
    assert all(start <= r["created_at"] < end for r in rows if r["created_at"][:10] == str(day))
    return out


def test_bookings_per_hour_count_each_booking_in_the_hour_the_central_received_it(central):
    c = central
    c.central.store.issue_token("app-1", "app", "app", c.clock.now)
    app = c.central.store.issue_token("app-2", "app", "app", c.clock.now)
    c.tokens["app-2"] = app
    lease = next(
        e
        for e in refresh_leases(c, recent=DAY3).json()["leases"]
        if e["document"]["slot_id"] == "scg-bang-sue-20210603-0900"
    )
    _at(c, 23, 59, DAY - timedelta(1))  # the day before: not counted
    _sealed(c, 1)
    _at(c, 0, 0)  # midnight opens the day
    _sealed(c, 2)
    _at(c, 9, 5)
    _plain(c, 3)
    _plain(c, 4, terminal="kiosk-2")
    _at(c, 9, 59)
    _plain(c, 5, terminal="web-1", channel="web")
    _at(c, 10, 30)
    plain = booking_body(citizen(6), "x")
    r = c.book(lease_booking(plain, lease), "kiosk-1")
    assert r.status_code == 201, r.text
    _plain(c, 7, terminal="app-2", channel="app")
    cancelled = _plain(c, 8, terminal="web-1", channel="web")
    _at(c, 23, 59)
    _plain(c, 9)
    _at(c, 0, 0, DAY + timedelta(1))  # the next day: not counted
    _plain(c, 10)
    store = c.central.store
    booking = store.booking_by_reference(cancelled["reference"])
    store.cancel(booking.reference, booking.citizen_key, None, c.clock.now)

    got = {(h.hour, h.series, h.cancelled): h.count for h in store.bookings_by_hour(DAY)}
    assert got == {
        (0, "kiosk-replayed", False): 1,
        (9, "kiosk-online", False): 2,
        (9, "web", False): 1,
        (10, "kiosk-replayed", False): 1,  # from the lease seat
        (10, "app", False): 1,
        (10, "web", False): 1,  # the demo's seeded booking, written when the central started
        (10, "web", True): 1,
        (23, "kiosk-online", False): 1,
    }
    direct = _direct_hours(store, DAY)
    by_channel: Counter = Counter()
    for (hour, series, was_cancelled), n in got.items():
        channel = "kiosk" if series.startswith("kiosk-") else series
        by_channel[(hour, channel, was_cancelled)] += n
    assert by_channel == direct
    assert sum(got.values()) == 9
    # the day before and after hold their own bookings only
    assert {(h.hour, h.series) for h in store.bookings_by_hour(DAY - timedelta(1))} == {
        (23, "kiosk-replayed")
    }
    assert {(h.hour, h.series) for h in store.bookings_by_hour(DAY + timedelta(1))} == {
        (0, "kiosk-online")
    }
    assert store.bookings_by_hour(DAY + timedelta(2)) == []


def test_fill_by_day_sums_equal_the_sums_over_slots(make_central):
    c = make_central(demo_capacity=20, lease_share=0.5)
    refresh_leases(c, recent=DAY3)
    refresh_leases(c, "kiosk-2", recent=[("scg-bang-sue", "2021-06-04")])
    for n in range(6):
        _plain(c, 100 + n, terminal="kiosk-1" if n % 2 else "kiosk-2")
    store = c.central.store
    first, last = DAY - timedelta(1), DAY + timedelta(13)
    days = store.fill_by_day(first, last)
    rows = (
        store._conn()
        .execute(
            "SELECT site_id, date, capacity, booked, held FROM slots WHERE date BETWEEN ? AND ?",
            (first.isoformat(), last.isoformat()),
        )
        .fetchall()
    )
    want: dict = {}
    for r in rows:
        k = (r["site_id"], r["date"])
        cap, booked, held, n = want.get(k, (0, 0, 0, 0))
        want[k] = (cap + r["capacity"], booked + r["booked"], held + r["held"], n + 1)
    assert {(d.site_id, d.date): (d.capacity, d.booked, d.held, d.slots) for d in days} == want
    assert sum(d.booked for d in days) == 6 + 1  # and the demo's seeded booking
    assert sum(d.held for d in days) > 0
    one = store.fill_by_day(first, last, "scg-bang-sue")
    assert one == [d for d in days if d.site_id == "scg-bang-sue"]
    assert sum(d.held for d in one) == sum(d.held for d in days)  # every lease is at that site
    assert store.fill_by_day(first, last, "no-such-site") == []
    assert store.fill_by_day(last, first) == []


def test_leases_now_per_terminal_and_site_with_a_revoked_terminal_shown(make_central):
    c = make_central(demo_capacity=20, lease_share=0.5)
    one = refresh_leases(c, recent=DAY3).json()["leases"]
    two = refresh_leases(c, "kiosk-2", recent=DAY3).json()["leases"]
    assert one and two
    store = c.central.store
    # kiosk-1 spends one seat offline and replays it: that seat is booked, no longer held
    body = lease_booking(booking_body(citizen(200), "x"), one[0])
    assert c.book(body).status_code == 201
    assert store.revoke("kiosk-2", c.clock.now)

    rows = {t.terminal_id: t for t in store.terminal_leases(c.clock.now)}
    report = {t["terminal_id"]: t for t in store.lease_report(c.clock.now)["terminals"]}
    assert set(rows) == {"kiosk-1", "kiosk-2"}
    for tid, row in rows.items():
        assert row.held + row.spent == report[tid]["seats"]
        assert row.leases == report[tid]["leases"]
        assert row.expired == 0
    assert rows["kiosk-2"].revoked_at is not None and rows["kiosk-1"].revoked_at is None
    assert rows["kiosk-1"].store == "store-1"
    sites = store.site_leases(c.clock.now)
    held_slots = sum(s["held"] for s in store.lease_report(c.clock.now)["slots"])
    assert sum(s.held for s in sites) == held_slots == sum(r.held + r.spent for r in rows.values())
    assert all(0 < s.max_slot_share <= 0.5 for s in sites)

    # an hour before use_until: expiring; after it: expired (held until the next refresh)
    until = min(datetime.fromisoformat(e["document"]["use_until"]) for e in one)
    c.clock.now = until - timedelta(minutes=30)
    assert store.terminal_leases(c.clock.now)[0].expiring >= 1
    c.clock.now = until + timedelta(minutes=1)
    assert store.terminal_leases(c.clock.now)[0].expired >= 1
    # once every leased slot has started, nothing counts (whether released yet or not)
    last = max((e["document"]["date"], e["document"]["start"]) for e in one + two)
    c.clock.now = datetime.fromisoformat(f"{last[0]}T{last[1]}+07:00") - timedelta(minutes=1)
    assert store.terminal_leases(c.clock.now) and store.site_leases(c.clock.now)
    c.clock.advance(minutes=1)
    assert store.terminal_leases(c.clock.now) == []
    assert store.site_leases(c.clock.now) == []
