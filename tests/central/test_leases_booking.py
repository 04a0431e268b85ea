"""Lease-backed POST /v1/bookings over real HTTP, and public availability beside held seats."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

import requests

from kiosk.dates import BANGKOK
from kiosk.keys import x25519_public_from_b64
from kiosk.sealing import seal
from kiosk.signing import canonical
from tests.central.conftest import booking_body, citizen, lease_booking, refresh_leases
from tests.central.test_bookings_create import _problem

DAY3 = [("scg-bang-sue", "2021-06-03")]


def _leases(c, terminal="kiosk-1", recent=DAY3):
    r = refresh_leases(c, terminal, recent=recent)
    assert r.status_code == 200, r.text
    return r.json()["leases"]


def test_a_lease_backed_booking_turns_the_held_seat_into_the_booking(central):
    lease = _leases(central)[0]
    document = lease["document"]
    store = central.central.store
    before = store.slot(document["slot_id"])
    body = lease_booking(booking_body(citizen(1), "placeholder"), lease, 1)
    r = central.book(body)
    assert r.status_code == 201, r.text
    assert r.json()["reference"] == document["references"][1]
    after = store.slot(document["slot_id"])
    assert (after.booked, after.held) == (before.booked + 1, before.held - 1)
    again = central.book(body)
    assert again.status_code == 200 and again.json() == r.json()
    plain = {k: v for k, v in body.items() if k != "lease"}
    assert central.book(plain).status_code == 200  # the lease is not part of the fingerprint
    report = store.capacity_report()
    assert report["held_mismatches"] == report["lease_references_misused"] == 0


def test_a_sealed_replay_carries_the_lease_beside_the_box(central):
    config = requests.get(central.url("/v1/config"), headers=central.auth(), timeout=10).json()
    public = x25519_public_from_b64(config["keys"]["journal_sealing"]["public"])
    lease = _leases(central)[0]
    plain = booking_body(citizen(2), lease["document"]["slot_id"])
    box = seal(canonical(plain), public, ("booking:" + plain["booking_id"]).encode())
    sealed = {
        "booking_id": plain["booking_id"],
        "sealed": box,
        "lease": lease_booking(plain, lease)["lease"],
    }
    r = central.book(sealed)
    assert r.status_code == 201, r.text
    assert r.json()["reference"] == lease["document"]["references"][0]


def test_no_capacity_check_for_a_held_seat_even_when_the_slot_is_sold_out(make_central):
    c = make_central(demo_capacity=10, lease_share=0.5)
    lease = _leases(c)[0]
    slot_id = lease["document"]["slot_id"]
    seats = lease["document"]["seats"]
    sold = 0
    for n in range(20):  # the public takes everything not held
        r = c.book(booking_body(citizen(100 + n), slot_id, channel="web"), terminal="web-1")
        sold += r.status_code == 201
    assert sold == 10 - c.central.store.slot(slot_id).held
    r = c.book(booking_body(citizen(200 + n), slot_id, channel="web"), terminal="web-1")
    _problem(r, 409, "slot-full")
    for seat in range(seats):
        r = c.book(lease_booking(booking_body(citizen(300 + seat), "x"), lease, seat))
        assert r.status_code == 201, r.text
    slot = c.central.store.slot(slot_id)
    assert slot.booked == slot.capacity - slot.held


def test_public_availability_excludes_held_seats_until_the_slot_starts(make_central):
    c = make_central(demo_capacity=10, lease_share=0.5)
    lease = _leases(c)[0]
    document = lease["document"]
    store = c.central.store

    def available():
        slots = requests.get(
            c.url(f"/v1/sites/{document['site_id']}/slots"),
            params={"from": document["date"], "to": document["date"]},
            headers=c.auth(),
            timeout=10,
        ).json()["slots"]
        return next(s["available"] for s in slots if s["slot_id"] == document["slot_id"])

    assert available() == 10 - store.slot(document["slot_id"]).held
    start = datetime.fromisoformat(f"{document['date']}T{document['start']}")
    c.clock.now = start.replace(tzinfo=BANGKOK, minute=10)
    assert available() == 10  # held seats stopped counting at the start
    assert store.slot(document["slot_id"]).held > 0  # not yet released: lazily, at the next write


#: In kiosk hours and before the use_until (2021-06-02 10:00) of a lease on 2021-06-03 09:00.
OFFLINE_AT = datetime(2021, 6, 2, 9, 30, tzinfo=BANGKOK)


def _day3(c):
    return next(e for e in _leases(c) if e["document"]["slot_id"] == "scg-bang-sue-20210603-0900")


def _started(c, lease, minute=10):
    document = lease["document"]
    assert document["slot_id"] == "scg-bang-sue-20210603-0900", document
    c.clock.now = datetime(2021, 6, 3, 9, minute, tzinfo=BANGKOK)


def test_a_booking_for_a_started_slot_first_releases_its_holds(make_central):
    c = make_central(demo_capacity=10, lease_share=0.5)
    lease = _day3(c)
    slot_id = lease["document"]["slot_id"]
    store = c.central.store
    free = 10 - store.slot(slot_id).held
    for n in range(free):
        r = c.book(booking_body(citizen(100 + n), slot_id, channel="web"), terminal="web-1")
        assert r.status_code == 201
    _started(c, lease)
    # the slot has started but not ended: still bookable, and the held seats count no more
    late = booking_body(citizen(150), slot_id, channel="web", confirmed_at=c.clock.now)
    r = c.book(late, terminal="web-1")
    assert r.status_code == 201, r.text
    slot = store.slot(slot_id)
    assert (slot.held, slot.booked) == (0, free + 1)
    report = store.capacity_report()
    assert report["held_mismatches"] == report["terminal_held_mismatches"] == 0


def test_a_started_slot_replay_is_booked_when_a_seat_is_free(make_central):
    c = make_central(demo_capacity=10, lease_share=0.5)
    lease = _day3(c)
    document = lease["document"]
    _started(c, lease, 5)
    offline = booking_body(citizen(1), "x", confirmed_at=OFFLINE_AT)
    r = c.book(lease_booking(offline, lease, 0))
    assert r.status_code == 201, r.text
    assert r.json()["reference"] == document["references"][0]
    slot = c.central.store.slot(document["slot_id"])
    assert (slot.booked, slot.held) == (1, 0)  # the holds were released, the seat taken free
    assert c.central.store.capacity_report()["held_mismatches"] == 0


def test_a_started_slot_replay_with_no_free_seat_is_lease_expired(make_central):
    c = make_central(demo_capacity=10, lease_share=0.5)
    lease = _day3(c)
    document = lease["document"]
    _started(c, lease, 5)
    for n in range(10):  # the public takes every seat, held ones included (they stopped counting)
        body = booking_body(citizen(100 + n), document["slot_id"], channel="web")
        body["confirmed_at"] = c.clock.now.isoformat()
        assert c.book(body, terminal="web-1").status_code == 201
    offline = booking_body(citizen(1), "x", confirmed_at=OFFLINE_AT)
    body = _problem(c.book(lease_booking(offline, lease, 0)), 409, "lease-expired")
    assert body["lease_id"] == document["lease_id"]
    assert c.central.store.slot(document["slot_id"]).booked == 10


def test_already_booked_gives_the_seat_back(central):
    lease = _leases(central)[0]
    document = lease["document"]
    person = citizen(5)
    web = booking_body(person, central.slot_id(site="iconsiam"), channel="web")
    assert central.book(web, terminal="web-1").status_code == 201
    store = central.central.store
    held = store.slot(document["slot_id"]).held
    r = central.book(lease_booking(booking_body(person, "x"), lease, 0))
    body = _problem(r, 409, "already-booked")
    assert body["reference"] != document["references"][0]
    assert store.slot(document["slot_id"]).held == held - 1
    assert store.slot(document["slot_id"]).booked == 0
    assert store.capacity_report()["held_mismatches"] == 0


def test_lease_invalid_refusals(central, caplog):
    lease = _leases(central)[0]
    other = _leases(central, "kiosk-2")[0]
    document = lease["document"]

    def send(body, terminal="kiosk-1"):
        return _problem(central.book(body, terminal=terminal), 409, "lease-invalid")

    base = booking_body(citizen(20), "x")
    unknown = lease_booking(base, lease)
    unknown["lease"] = {**unknown["lease"], "lease_id": str(uuid.uuid4())}
    send(unknown)
    wrong_ref = lease_booking(base, lease)
    wrong_ref["lease"] = {**wrong_ref["lease"], "reference": other["document"]["references"][0]}
    send(wrong_ref)
    wrong_slot = {**lease_booking(base, lease), "slot_id": other["document"]["slot_id"]}
    if wrong_slot["slot_id"] != document["slot_id"]:
        send(wrong_slot)
    with caplog.at_level(logging.WARNING, logger="central"):
        send(lease_booking(base, other))  # kiosk-1 names kiosk-2's lease
    assert any("of terminal kiosk-2: refused" in m for m in caplog.messages)
    assert all(base["citizen"]["cid"] not in m for m in caplog.messages)
    first = central.book(lease_booking(base, lease, 0))
    assert first.status_code == 201, first.text
    # the same reference from another booking id (another citizen): refused, not a second seat
    send(lease_booking(booking_body(citizen(21), "x"), lease, 0))
    assert central.central.store.capacity_report()["lease_references_misused"] == 0


def test_confirmed_after_use_until_and_grace_is_lease_expired(central):
    lease = next(
        e for e in _leases(central) if e["document"]["use_until"] == "2021-06-02T10:00:00+07:00"
    )
    central.clock.now = datetime(2021, 6, 2, 10, 30, tzinfo=BANGKOK)
    in_grace = booking_body(
        citizen(30), "x", confirmed_at=datetime(2021, 6, 2, 10, 4, tzinfo=BANGKOK)
    )
    assert central.book(lease_booking(in_grace, lease, 0)).status_code == 201
    late = booking_body(citizen(31), "x", confirmed_at=datetime(2021, 6, 2, 10, 6, tzinfo=BANGKOK))
    store = central.central.store
    held = store.slot(lease["document"]["slot_id"]).held
    _problem(central.book(lease_booking(late, lease, 1)), 409, "lease-expired")
    assert store.slot(lease["document"]["slot_id"]).held == held - 1  # the seat went back
