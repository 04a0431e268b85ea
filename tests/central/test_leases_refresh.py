"""POST /v1/leases/refresh over real HTTP: grant within the policy, signed, idempotent, settle."""

from __future__ import annotations

from datetime import datetime, timedelta

import requests

from kiosk.dates import BANGKOK
from kiosk.keys import ed25519_public_from_b64
from kiosk.leases import verify_lease
from tests.central.conftest import T0, booking_body, citizen, lease_booking, refresh_leases

#: Also run against `serve --workers 2` on PostgreSQL (tests/central/conftest.py).
CONTRACT_ON_WORKERS = True

RECENT = [("scg-bang-sue", "2021-06-03"), ("iconsiam", "2021-06-04")]


def _lease_key(c):
    config = requests.get(c.url("/v1/config"), headers=c.auth(), timeout=10).json()
    return ed25519_public_from_b64(config["keys"]["lease_signing"]["public"])


def _start(document):
    return datetime.fromisoformat(f"{document['date']}T{document['start']}").replace(tzinfo=BANGKOK)


def test_a_refresh_grants_signed_leases_within_every_limit(central):
    r = refresh_leases(central, recent=RECENT)
    assert r.status_code == 200, r.text
    body = r.json()
    key = _lease_key(central)
    leases = [verify_lease(envelope, key, "kiosk-1") for envelope in body["leases"]]
    assert sum(lease.seats for lease in leases) == 6  # seats per terminal
    assert all(lease.seats <= 2 for lease in leases)  # spread: at most 2 per slot
    assert len({lease.slot_id for lease in leases}) == 3
    # the most recent choice first: both (site, day) pairs the terminal sent got a lease
    assert {(lease.site_id, lease.date) for lease in leases} >= set(RECENT)
    for lease in leases:
        start = _start(lease.document())
        assert start > T0 + timedelta(hours=12)
        assert lease.granted_at == T0
        assert lease.use_until == min(T0 + timedelta(hours=24), start - timedelta(hours=12))
    refs = [ref for lease in leases for ref in lease.references]
    assert len(set(refs)) == 6
    store = central.central.store
    for lease in leases:
        slot = store.slot(lease.slot_id)
        assert slot.held == lease.seats and slot.booked == 0
    assert body["released"] == []
    assert store.capacity_report()["held_mismatches"] == 0


def test_the_same_refresh_again_answers_the_same_leases_and_grants_nothing(central):
    first = refresh_leases(central, recent=RECENT).json()
    held = [envelope["document"]["lease_id"] for envelope in first["leases"]]
    again = refresh_leases(central, held=held, recent=RECENT).json()
    assert again["leases"] == first["leases"] and again["released"] == []
    lost = refresh_leases(central, recent=RECENT).json()  # the first answer never arrived
    assert lost["leases"] == first["leases"]
    assert central.central.store.lease_report(central.clock.now)["terminals"][0]["seats"] == 6


def test_no_lease_for_a_slot_less_than_the_lead_away(make_central):
    c = make_central(now=datetime(2021, 6, 1, 21, 30, tzinfo=BANGKOK))
    body = refresh_leases(c, recent=[("scg-bang-sue", "2021-06-02")]).json()
    slots = [envelope["document"]["slot_id"] for envelope in body["leases"]]
    assert "scg-bang-sue-20210602-0900" not in slots  # 11.5 h away
    assert "scg-bang-sue-20210602-1000" in slots  # 12.5 h away
    for envelope in body["leases"]:
        assert _start(envelope["document"]) > c.clock.now + timedelta(hours=12)


def test_share_of_capacity_and_terminals_together_stay_within_the_share(make_central):
    c = make_central(demo_capacity=20)  # 10 % of 20: two seats per slot in all terminals
    for terminal in ("kiosk-1", "kiosk-2"):
        refresh_leases(c, terminal, recent=[("scg-bang-sue", "2021-06-03")])
    store = c.central.store
    slots = store.slots("scg-bang-sue", T0.date(), T0.date() + timedelta(days=13))
    assert all(s.held <= 2 for s in slots)
    assert sum(s.held for s in slots) == 12


def test_a_terminal_without_history_gets_nothing_and_web_gets_no_leases(central):
    assert refresh_leases(central).json()["leases"] == []
    r = refresh_leases(central, "web-1", recent=RECENT)
    assert r.status_code == 403 and r.json()["code"] == "leases-not-for-channel"
    assert r.json()["th"] and r.json()["en"]


def test_the_centrals_own_record_of_the_terminals_bookings_counts_as_recent(central):
    slot = central.slot_id(site="mall-bangkapi", days=4, hour=14)
    assert central.book(booking_body(citizen(7), slot)).status_code == 201
    leases = refresh_leases(central).json()["leases"]
    assert leases and all(e["document"]["site_id"] == "mall-bangkapi" for e in leases)
    assert any(e["document"]["date"] == "2021-06-05" for e in leases)


def test_settling_returns_unspent_seats_and_keeps_spent_ones_until_booked(central):
    first = refresh_leases(central, recent=[("scg-bang-sue", "2021-06-02")]).json()
    # scg-bang-sue 2021-06-02 09:00: use_until = slot start - 12 h = 2021-06-01 21:00
    lease = next(
        e for e in first["leases"] if e["document"]["slot_id"] == "scg-bang-sue-20210602-0900"
    )
    document = lease["document"]
    assert document["use_until"] == "2021-06-01T21:00:00+07:00" and document["seats"] == 2
    spent_ref = document["references"][0]
    offline = booking_body(
        citizen(11), document["slot_id"], confirmed_at=datetime(2021, 6, 1, 17, tzinfo=BANGKOK)
    )
    central.clock.now = datetime(2021, 6, 1, 21, 30, tzinfo=BANGKOK)  # past use_until
    held = [e["document"]["lease_id"] for e in first["leases"]]
    spent = [
        {
            "lease_id": document["lease_id"],
            "reference": spent_ref,
            "booking_id": offline["booking_id"],
        }
    ]
    after = refresh_leases(central, held=held, spent=spent).json()
    assert document["lease_id"] in after["released"]
    assert document["lease_id"] not in [e["document"]["lease_id"] for e in after["leases"]]
    store = central.central.store
    assert store.slot(document["slot_id"]).held == 1  # the spent seat stays held
    # its booking arrives later (sent after hours would be judged by confirmed_at)
    central.clock.now = datetime(2021, 6, 2, 8, 0, tzinfo=BANGKOK)
    r = central.book(lease_booking(offline, lease, 0))
    assert r.status_code == 201, r.text
    assert r.json()["reference"] == spent_ref
    slot = store.slot(document["slot_id"])
    assert (slot.held, slot.booked) == (0, 1)
    assert store.capacity_report()["held_mismatches"] == 0


def test_a_started_slot_releases_its_seats_at_the_next_refresh(central):
    first = refresh_leases(central, recent=[("scg-bang-sue", "2021-06-02")]).json()
    slot_id = "scg-bang-sue-20210602-0900"
    assert central.central.store.slot(slot_id).held == 2
    central.clock.now = datetime(2021, 6, 2, 9, 5, tzinfo=BANGKOK)
    held = [e["document"]["lease_id"] for e in first["leases"]]
    after = refresh_leases(central, held=held).json()
    assert central.central.store.slot(slot_id).held == 0
    started = [
        e["document"]["lease_id"] for e in first["leases"] if e["document"]["slot_id"] == slot_id
    ]
    assert started and set(started) <= set(after["released"])
    assert all(e["document"]["slot_id"] != slot_id for e in after["leases"])
    report = central.central.store.capacity_report()
    assert report["held_mismatches"] == report["terminal_held_mismatches"] == 0


def test_unknown_held_ids_are_released_and_bad_bodies_are_422(central):
    r = refresh_leases(central, held=["not-a-lease"])
    assert r.status_code == 200 and r.json()["released"] == ["not-a-lease"]
    bad = requests.post(
        central.url("/v1/leases/refresh"),
        json={"held": [], "recent": [{"site_id": "x", "date": "tomorrow"}]},
        headers=central.auth(),
        timeout=10,
    )
    assert bad.status_code == 422 and bad.json()["code"] == "invalid-request"
    assert requests.post(central.url("/v1/leases/refresh"), json={}, timeout=10).status_code == 401


def test_seats_go_to_every_usual_site_before_a_second_day_of_one(central):
    """Customers lately went to one site on two days and to two other sites once: each of the
    three sites gets seats, so an offline customer at any of them can be confirmed."""
    recent = [
        ("scg-bang-sue", "2021-06-03"),
        ("scg-bang-sue", "2021-06-04"),
        ("iconsiam", "2021-06-03"),
        ("central-lardprao", "2021-06-05"),
    ]
    body = refresh_leases(central, recent=recent).json()
    seats: dict[str, int] = {}
    for envelope in body["leases"]:
        document = envelope["document"]
        seats[document["site_id"]] = seats.get(document["site_id"], 0) + document["seats"]
    assert seats == {"scg-bang-sue": 2, "iconsiam": 2, "central-lardprao": 2}
