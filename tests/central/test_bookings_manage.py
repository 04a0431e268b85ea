"""Lookup, change (If-Match) and cancel over real HTTP; seats move and free atomically."""

from __future__ import annotations

import requests

from tests.central.conftest import booking_body, citizen
from tests.central.test_bookings_create import _problem

#: Also run against `serve --workers 2` on PostgreSQL (tests/central/conftest.py).
CONTRACT_ON_WORKERS = True


def _booked(c, person=None, **kw):
    person = person or c.person("bangkok")
    r = c.book(booking_body(person, kw.pop("slot", None) or c.slot_id(), **kw))
    assert r.status_code == 201, r.text
    return person, r.json()


def _patch(c, ref, body, version=None, terminal="kiosk-1"):
    headers = c.auth(terminal)
    if version is not None:
        headers["If-Match"] = version
    return requests.patch(c.url(f"/v1/bookings/{ref}"), json=body, headers=headers, timeout=10)


def _delete(c, ref, cid, version=None):
    headers = c.auth()
    if version is not None:
        headers["If-Match"] = version
    return requests.delete(
        c.url(f"/v1/bookings/{ref}"), json={"cid": cid}, headers=headers, timeout=10
    )


def _lookup(c, cid, terminal="kiosk-1"):
    return requests.post(
        c.url("/v1/bookings/lookup"), json={"cid": cid}, headers=c.auth(terminal), timeout=10
    )


def test_lookup_finds_the_active_booking_by_card_from_any_terminal(central):
    person, booking = _booked(central)
    found = _lookup(central, person.card["cid"], terminal="web-1")
    assert found.status_code == 200 and found.json() == booking
    assert found.headers["etag"] == '"1"'


def test_lookup_of_someone_without_a_booking_is_404(central):
    _problem(_lookup(central, citizen(5).card["cid"]), 404, "not-found")


def test_change_needs_if_match(central):
    person, booking = _booked(central)
    r = _patch(central, booking["reference"], {"cid": person.card["cid"], "phone": "0899999999"})
    _problem(r, 428, "precondition-required")


def test_change_with_a_stale_version_is_412_and_changes_nothing(central):
    person, booking = _booked(central)
    cid = person.card["cid"]
    ok = _patch(central, booking["reference"], {"cid": cid, "phone": "0899999999"}, '"1"')
    assert ok.status_code == 200 and ok.json()["version"] == 2 and ok.headers["etag"] == '"2"'
    stale = _patch(central, booking["reference"], {"cid": cid, "phone": "0811111111"}, "1")
    assert _problem(stale, 412, "version-mismatch")["current_version"] == 2
    assert _lookup(central, cid).json()["phone"] == "089-XXX-9999"  # masked in every answer


def test_change_slot_moves_the_seat(central):
    person, booking = _booked(central)
    old, new = booking["slot_id"], central.slot_id(site="iconsiam", days=3, hour=14)
    r = _patch(central, booking["reference"], {"cid": person.card["cid"], "slot_id": new}, "1")
    assert r.status_code == 200, r.text
    moved = r.json()
    assert (moved["slot_id"], moved["site_id"], moved["start"]) == (new, "iconsiam", "14:00")
    assert moved["reference"] == booking["reference"]
    store = central.central.store
    assert store.slot(old).booked == 0 and store.slot(new).booked == 1


def test_change_to_a_full_slot_is_409_and_keeps_the_old_seat(make_central):
    c = make_central(demo_capacity=1)
    full = c.slot_id(days=4, hour=9)
    _booked(c, citizen(1), slot=full)
    person, booking = _booked(c, citizen(2))
    r = _patch(c, booking["reference"], {"cid": person.card["cid"], "slot_id": full}, "1")
    assert _problem(r, 409, "slot-full")["alternatives"]
    store = c.central.store
    assert store.slot(full).booked == 1 and store.slot(booking["slot_id"]).booked == 1
    assert _lookup(c, person.card["cid"]).json()["version"] == 1


def test_change_with_another_card_is_404(central):
    _, booking = _booked(central)
    r = _patch(
        central, booking["reference"], {"cid": citizen(4).card["cid"], "phone": "0811111111"}, "1"
    )
    _problem(r, 404, "not-found")


def test_change_occupation_and_nothing_to_change(central):
    person, booking = _booked(central)
    cid = person.card["cid"]
    r = _patch(central, booking["reference"], {"cid": cid}, "1")
    _problem(r, 422, "nothing-to-change")
    r = _patch(
        central,
        booking["reference"],
        {"cid": cid, "occupation": {"code": "other", "other": "ไกด์"}},
        "1",
    )
    assert r.json()["occupation"] == {"code": "other", "other": "ไกด์"}


def test_cancel_frees_the_seat_and_allows_a_new_booking(central):
    person, booking = _booked(central)
    slot = booking["slot_id"]
    r = _delete(central, booking["reference"], person.card["cid"], version='"1"')
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    assert r.json()["cancel_reason"] == "cancelled-by-citizen"
    assert central.central.store.slot(slot).booked == 0
    _problem(_lookup(central, person.card["cid"]), 404, "not-found")
    again = _delete(central, booking["reference"], person.card["cid"])
    assert again.status_code == 200 and again.json()["version"] == 2  # idempotent, no double free
    assert central.central.store.slot(slot).booked == 0
    _booked(central, person)  # a new booking for the same citizen is now allowed


def test_cancel_with_a_stale_version_is_412(central):
    person, booking = _booked(central)
    _problem(
        _delete(central, booking["reference"], person.card["cid"], "7"), 412, "version-mismatch"
    )
    assert central.central.store.slot(booking["slot_id"]).booked == 1


def test_a_cancelled_booking_cannot_be_changed(central):
    person, booking = _booked(central)
    _delete(central, booking["reference"], person.card["cid"])
    r = _patch(
        central, booking["reference"], {"cid": person.card["cid"], "phone": "0811111111"}, "2"
    )
    _problem(r, 409, "booking-cancelled")


def test_a_reference_is_accepted_as_typed_and_a_mistyped_one_is_404(central):
    person, booking = _booked(central)
    typed = booking["reference"].lower().replace("-", " ")
    r = _patch(central, typed, {"cid": person.card["cid"], "phone": "0822222222"}, "1")
    assert r.status_code == 200
    ref = booking["reference"]
    wrong = ref[:-1] + ("2" if ref[-1] != "2" else "3")
    _problem(
        _patch(central, wrong, {"cid": person.card["cid"], "phone": "0822222222"}, "2"),
        404,
        "not-found",
    )
