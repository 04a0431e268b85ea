"""Queued lease-backed bookings: one made from its lease announces nothing (the slip already
says confirmed, with the final reference); one the central refuses is announced, in the
transaction that gives the seat back."""

from __future__ import annotations

from datetime import datetime

from kiosk.dates import BANGKOK
from tests.central.conftest import booking_body, citizen, refresh_leases
from tests.central.notify.conftest import rows, sealed_body

DAY3 = [("scg-bang-sue", "2021-06-03")]


def _leases(c):
    r = refresh_leases(c, "kiosk-1", recent=DAY3)
    assert r.status_code == 200, r.text
    return r.json()["leases"]


def _sealed_from_lease(c, person, lease, seat, **kw):
    document = lease["document"]
    plain = booking_body(person, document["slot_id"], **kw)
    sealed = sealed_body(c, plain)
    sealed["lease"] = {"lease_id": document["lease_id"], "reference": document["references"][seat]}
    return plain, sealed


def test_a_queued_booking_made_from_its_lease_sends_nothing(central):
    lease = _leases(central)[0]
    _, sealed = _sealed_from_lease(central, citizen(1), lease, 0)
    r = central.book(sealed)
    assert r.status_code == 201, r.text
    assert r.json()["reference"] == lease["document"]["references"][0]
    assert rows(central) == []


def test_a_queued_lease_booking_refused_as_expired_is_announced_with_the_seat_given_back(
    central,
):
    lease = next(
        e for e in _leases(central) if e["document"]["use_until"] == "2021-06-02T10:00:00+07:00"
    )
    central.clock.now = datetime(2021, 6, 2, 10, 30, tzinfo=BANGKOK)
    late = datetime(2021, 6, 2, 10, 6, tzinfo=BANGKOK)
    plain, sealed = _sealed_from_lease(central, citizen(31), lease, 1, confirmed_at=late)
    store = central.central.store
    held = store.slot(lease["document"]["slot_id"]).held
    for _ in range(2):
        r = central.book(sealed)
        assert r.status_code == 409 and r.json()["code"] == "lease-expired", r.text
    assert store.slot(lease["document"]["slot_id"]).held == held - 1
    [row] = rows(central)
    assert (row.event_id, row.event, row.reference) == (
        f"{plain['booking_id']}:refused",
        "refused",
        None,
    )
