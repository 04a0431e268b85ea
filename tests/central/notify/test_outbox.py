"""Outbox rows over real HTTP, on both stores: one per event, in the change's transaction."""

from __future__ import annotations

from datetime import timedelta

import pytest
import requests

from central.store import bookings as store_bookings
from tests.central.conftest import T0, booking_body, citizen
from tests.central.notify.conftest import rows, sealed_body
from tests.central.test_bookings_create import replace_cid


def _events(c):
    return [(n.event, n.reference) for n in rows(c)]


def test_a_queued_booking_confirmed_on_replay_writes_one_row_however_often_it_is_retried(central):
    body = booking_body(central.person("bangkok"), central.slot_id(), phone="0812345678")
    sealed = sealed_body(central, body)
    first = central.book(sealed)
    assert first.status_code == 201, first.text
    ref = first.json()["reference"]
    for _ in range(3):  # the terminal lost the answer and sends it again
        assert central.book(sealed).status_code == 200
    [row] = rows(central)
    assert (row.event_id, row.event, row.reference, row.state) == (
        f"{ref}:confirmed",
        "confirmed",
        ref,
        "pending",
    )
    assert row.phone == "0812345678"
    assert ref in row.text and "เอสซีจี บางซื่อ" in row.text and "11:00" in row.text
    assert row.to_json()["phone"] == "081-XXX-5678"


def test_an_ordinary_kiosk_booking_sends_nothing_and_a_web_booking_sends_booked(central):
    assert central.book(booking_body(citizen(1), central.slot_id())).status_code == 201
    assert rows(central) == []
    body = booking_body(citizen(2), central.slot_id(), channel="web")
    web = central.book(body, "web-1")
    assert web.status_code == 201, web.text
    assert central.book(body, "web-1").status_code == 200  # the same Idempotency-Key again
    assert _events(central) == [("booked", web.json()["reference"])]


def test_a_failed_booking_writes_no_row(central):
    body = booking_body(central.person("bangkok"), central.slot_id())
    assert central.book(body).status_code == 201
    # the same key with another body (422), and another key for a booked citizen (409), plain
    assert central.book({**body, "phone": "0899999999"}).status_code == 422
    again = booking_body(central.person("bangkok"), central.slot_id(days=2))
    assert central.book(again).status_code == 409
    assert rows(central) == []


def test_a_queued_booking_refused_slot_full_has_its_row_and_no_booking(make_central):
    c = make_central(demo_capacity=1)
    slot = c.slot_id()
    assert c.book(booking_body(citizen(1), slot)).status_code == 201
    queued = booking_body(citizen(2), slot, phone="0898765432")
    for _ in range(2):  # refused, and refused again when sent again: one row
        r = c.book(sealed_body(c, queued))
        assert r.status_code == 409 and r.json()["code"] == "slot-full"
    assert c.central.store.booking_by_id(queued["booking_id"]) is None
    [row] = rows(c)
    assert (row.event_id, row.event, row.reference) == (
        f"{queued['booking_id']}:refused",
        "refused",
        None,
    )
    assert row.phone == "0898765432" and "จองไม่สำเร็จ" in row.text and "11:00" in row.text
    assert c.central.store.slot(slot).booked == 1


def test_a_queued_booking_of_someone_already_booked_names_their_booking(central):
    first = central.book(booking_body(central.person("bangkok"), central.slot_id()))
    queued = booking_body(central.person("bangkok"), central.slot_id(days=2))
    r = central.book(sealed_body(central, queued))
    assert r.status_code == 409 and r.json()["code"] == "already-booked"
    assert _events(central) == [("already-booked", first.json()["reference"])]


def test_a_queued_booking_refused_outside_hours_has_its_row(central):
    late = (T0 - timedelta(days=1)).replace(hour=18, minute=30)
    queued = booking_body(central.person("bangkok"), central.slot_id(), confirmed_at=late)
    r = central.book(sealed_body(central, queued))
    assert r.status_code == 403 and r.json()["code"] == "outside-hours"
    [row] = rows(central)
    assert row.event == "refused" and row.event_id == f"{queued['booking_id']}:refused"


def test_a_plain_booking_whose_answer_was_lost_then_replayed_queued_is_announced_once(central):
    body = booking_body(central.person("bangkok"), central.slot_id())
    ref = central.book(body).json()["reference"]  # committed; the terminal did not hear it
    assert rows(central) == []
    for _ in range(2):
        assert central.book(sealed_body(central, body)).status_code == 200
    assert _events(central) == [("confirmed", ref)]


def test_pending_verification_then_the_registry_settles_it(central):
    registered = central.person("nonthaburi")
    unregistered = replace_cid(registered, 77)
    refs = []
    for person in (registered, unregistered):
        body = booking_body(
            person, central.slot_id(), route="book-provisional", code="registry-unverified"
        )
        r = central.book(sealed_body(central, body))
        assert r.status_code == 201, r.text
        refs.append(r.json()["reference"])
    assert central.central.store.verify_pending(central.clock.now) == (1, 1)
    assert central.central.store.verify_pending(central.clock.now) == (0, 0)
    assert sorted(_events(central)) == sorted(
        [
            ("pending", refs[0]),
            ("pending", refs[1]),
            ("verified", refs[0]),
            ("not-verified", refs[1]),
        ]
    )


def test_a_change_of_slot_or_phone_and_a_cancel_are_announced_an_occupation_change_is_not(
    central,
):
    person = central.person("bangkok")
    booking = central.book(booking_body(person, central.slot_id())).json()
    ref, cid = booking["reference"], person.card["cid"]

    def patch(body, version):
        return requests.patch(
            central.url(f"/v1/bookings/{ref}"),
            json={"cid": cid, **body},
            headers={**central.auth(), "If-Match": f'"{version}"'},
            timeout=10,
        )

    assert patch({"occupation": {"code": "student", "other": None}}, 1).status_code == 200
    assert rows(central) == []
    assert patch({"slot_id": central.slot_id(days=3)}, 2).status_code == 200
    assert patch({"phone": "0866666666"}, 3).status_code == 200
    cancel = requests.delete(
        central.url(f"/v1/bookings/{ref}"), json={"cid": cid}, headers=central.auth(), timeout=10
    )
    assert cancel.status_code == 200
    again = requests.delete(
        central.url(f"/v1/bookings/{ref}"), json={"cid": cid}, headers=central.auth(), timeout=10
    )
    assert again.status_code == 200  # cancelled again: answered as it is, announced once
    got = rows(central)
    assert [(n.event_id, n.event) for n in got] == [
        (f"{ref}:changed:3", "changed"),
        (f"{ref}:changed:4", "changed"),
        (f"{ref}:cancelled", "cancelled"),
    ]
    assert got[1].phone == "0866666666"  # the new number hears of its booking


@pytest.mark.parametrize("fast_path", [False, True], ids=["plain", "claim-released-in-it"])
def test_the_row_is_in_the_bookings_transaction_a_failure_after_it_leaves_neither(
    central, monkeypatch, fast_path
):
    """Also on the booking path as the route runs it (`fast_path`): the claim in flight ended
    and the answer built in the booking's transaction (on PostgreSQL `pg_writes`' one
    statement), the outbox row written after it: a failure then undoes all of it."""
    real = store_bookings.enqueue_for

    def write_then_fail(*args, **kwargs):
        real(*args, **kwargs)
        raise RuntimeError("the process fails after writing the outbox row")

    monkeypatch.setattr(store_bookings, "enqueue_for", write_then_fail)
    store = central.central.store
    body = booking_body(central.person("bangkok"), central.slot_id())
    key, now, ttl = body["booking_id"], central.clock.now, timedelta(seconds=15)
    options = {}
    if fast_path:
        assert store.claim_request(key, now, ttl)
        options = {"release_claim": True, "site": store.site(store.slot(central.slot_id()).site_id)}
    with pytest.raises(RuntimeError):
        store.book(store_bookings_new(central, body), now, **options)
    assert rows(central) == []
    assert store.booking_by_id(key) is None
    assert store.slot(central.slot_id()).booked == 0
    if fast_path:  # the claim's DELETE was rolled back with the rest: still in flight
        assert not store.claim_request(key, now, ttl)
        store.release_request(key)
    monkeypatch.setattr(store_bookings, "enqueue_for", real)
    created, booking = store.book(store_bookings_new(central, body), now, **options)
    assert created and [(n.event, n.reference) for n in rows(central)] == [
        ("confirmed", booking.reference)
    ]


def store_bookings_new(central, body):
    """The NewBooking the route would make of a queued `body` (the store's own input)."""
    from central.store import NewBooking

    return NewBooking(
        booking_id=body["booking_id"],
        citizen_key=central.central.keys.citizen_key(body["citizen"]["cid"]),
        status="confirmed",
        slot_id=body["slot_id"],
        channel="kiosk",
        terminal_id="kiosk-1",
        masked_cid="1-2345-XXXXX-XX-3",
        card=body["citizen"],
        phone=body["phone"],
        occupation_code="company-employee",
        occupation_other=None,
        answers=body["answers"],
        claimed_decision=body["decision"],
        decision=body["decision"],
        fingerprint="f",
        confirmed_at=body["confirmed_at"],
        queued=True,
    )
