"""POST /v1/bookings over real HTTP: idempotency, sealed replays, refusals and their codes."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta

import requests

from kiosk.keys import x25519_public_from_b64
from kiosk.sealing import seal
from kiosk.signing import canonical
from tests.central.conftest import T0, booking_body, citizen

#: Also run against `serve --workers 2` on PostgreSQL (tests/central/conftest.py).
CONTRACT_ON_WORKERS = True

PROBLEM = "application/problem+json"


def _problem(r: requests.Response, status: int, code: str) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith(PROBLEM)
    body = r.json()
    assert body["code"] == code and body["status"] == status
    assert body["type"].endswith(code) and body["title"] and body["detail"]
    assert body["th"] and body["en"]
    return body


def test_new_booking_is_201_and_the_same_request_again_is_200_with_the_same_booking(central):
    body = booking_body(central.person("bangkok"), central.slot_id())
    first = central.book(body)
    assert first.status_code == 201, first.text
    again = central.book(body)
    assert again.status_code == 200
    assert again.json() == first.json()
    b = first.json()
    assert b["status"] == "confirmed" and b["booking_id"] == body["booking_id"]
    assert b["slot_id"] == body["slot_id"] and b["site_id"] == "scg-bang-sue"
    assert (b["date"], b["start"], b["end"]) == ("2021-06-02", "11:00", "12:00")
    assert b["version"] == 1 and first.headers["etag"] == '"1"'
    assert b["site"]["name_en"] == "SCG Bang Sue" and b["site"]["district_th"] == "เขตบางซื่อ"
    cid = body["citizen"]["cid"]
    assert b["masked_cid"] == f"{cid[0]}-{cid[1:5]}-XXXXX-XX-{cid[12]}"
    assert central.central.store.slot(body["slot_id"]).booked == 1


def test_reference_is_readable_and_unambiguous(central):
    refs = set()
    for n in range(20):
        r = central.book(booking_body(citizen(n), central.slot_id()))
        assert r.status_code == 201
        refs.add(r.json()["reference"])
    assert len(refs) == 20
    for ref in refs:
        assert ref.startswith("TRJ-") and len(ref) == 13
        assert not set(ref[4:].replace("-", "")) & set("0O1IL")


def test_a_sealed_replay_is_the_same_request_as_the_plain_one(central):
    config = requests.get(central.url("/v1/config"), headers=central.auth(), timeout=10).json()
    public = x25519_public_from_b64(config["keys"]["journal_sealing"]["public"])
    body = booking_body(central.person("bangkok"), central.slot_id())
    box = seal(canonical(body), public, ("booking:" + body["booking_id"]).encode())
    sealed = {"booking_id": body["booking_id"], "sealed": box}
    first = central.book(sealed)
    assert first.status_code == 201, first.text
    assert central.book(body).status_code == 200  # plain after sealed: same canonical body
    again = central.book({"booking_id": body["booking_id"], "sealed": box})
    assert again.status_code == 200 and again.json()["reference"] == first.json()["reference"]


def test_a_plain_booking_replayed_sealed_is_the_same_booking(central):
    config = requests.get(central.url("/v1/config"), headers=central.auth(), timeout=10).json()
    public = x25519_public_from_b64(config["keys"]["journal_sealing"]["public"])
    body = booking_body(central.person("bangkok"), central.slot_id())
    first = central.book(body)
    box = seal(canonical(body), public, ("booking:" + body["booking_id"]).encode())
    again = central.book({"booking_id": body["booking_id"], "sealed": box})
    assert (first.status_code, again.status_code) == (201, 200)


def test_a_sealed_box_moved_to_another_booking_or_tampered_is_refused(central):
    config = requests.get(central.url("/v1/config"), headers=central.auth(), timeout=10).json()
    public = x25519_public_from_b64(config["keys"]["journal_sealing"]["public"])
    body = booking_body(central.person("bangkok"), central.slot_id())
    box = seal(canonical(body), public, ("booking:" + body["booking_id"]).encode())
    other = str(uuid.uuid4())
    _problem(central.book({"booking_id": other, "sealed": box}), 422, "bad-seal")
    box["ct"] = box["ct"][:-6] + ("AAAAAA" if not box["ct"].endswith("AAAAAA") else "BBBBBB")
    _problem(central.book({"booking_id": body["booking_id"], "sealed": box}), 422, "bad-seal")
    assert central.central.store.slot(body["slot_id"]).booked == 0


def test_same_key_with_a_changed_body_is_422(central):
    body = booking_body(central.person("bangkok"), central.slot_id())
    assert central.book(body).status_code == 201
    changed = {**body, "phone": "0899999999"}
    _problem(central.book(changed), 422, "idempotency-key-reused")


def test_missing_or_mismatched_idempotency_key_is_400(central):
    body = booking_body(central.person("bangkok"), central.slot_id())
    r = requests.post(central.url("/v1/bookings"), json=body, headers=central.auth(), timeout=10)
    _problem(r, 400, "idempotency-key-missing")
    _problem(central.book(body, key=str(uuid.uuid4())), 400, "idempotency-key-mismatch")
    assert central.central.store.booking_by_id(body["booking_id"]) is None


def test_replay_returns_the_current_state_even_after_cancel_and_after_seven_days(central):
    person = central.person("bangkok")
    body = booking_body(person, central.slot_id(days=10))
    ref = central.book(body).json()["reference"]
    r = requests.delete(
        central.url(f"/v1/bookings/{ref}"),
        json={"cid": person.card["cid"]},
        headers=central.auth(),
        timeout=10,
    )
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    central.clock.advance(days=8)  # past the 7-day window and past many slots
    again = central.book(body)
    assert again.status_code == 200
    assert again.json()["status"] == "cancelled" and again.json()["version"] == 2


def test_confirmations_too_old_in_the_future_or_outside_hours_are_403(central):
    person = central.person("bangkok")
    cases = [
        (T0 - timedelta(days=7, minutes=1), "too-old"),
        (T0 + timedelta(minutes=6), "future"),
        (T0.replace(hour=18, minute=0), "future"),  # also after 18:00 but later than now
        (T0.replace(hour=8, minute=59) - timedelta(days=1), "closed"),
        ((T0 - timedelta(days=1)).replace(hour=18, minute=0), "closed"),  # kiosk closes 18:00
    ]
    for confirmed_at, reason in cases:
        body = booking_body(person, central.slot_id(), confirmed_at=confirmed_at)
        problem = _problem(central.book(body), 403, "outside-hours")
        assert problem["reason"] == reason, (confirmed_at, problem)
    assert central.central.store.slot(central.slot_id()).booked == 0


def test_a_kiosk_booking_confirmed_yesterday_evening_within_hours_replays_after_hours(central):
    central.clock.now = T0.replace(hour=23, minute=30)  # store closed now
    confirmed = (T0 - timedelta(days=1)).replace(hour=17, minute=59)
    body = booking_body(central.person("bangkok"), central.slot_id(), confirmed_at=confirmed)
    assert central.book(body).status_code == 201


def test_small_clock_skew_is_tolerated(central):
    body = booking_body(
        central.person("bangkok"), central.slot_id(), confirmed_at=T0 + timedelta(minutes=4)
    )
    assert central.book(body).status_code == 201


def test_web_channel_books_until_22_but_the_store_channel_not(central):
    central.clock.now = T0.replace(hour=21, minute=0)
    late = T0.replace(hour=20, minute=30)
    web = booking_body(citizen(1), central.slot_id(), channel="web", confirmed_at=late)
    assert central.book(web, terminal="web-1").status_code == 201
    kiosk = booking_body(citizen(2), central.slot_id(), confirmed_at=late)
    _problem(central.book(kiosk), 403, "outside-hours")


def test_a_terminal_cannot_book_through_another_channel(central):
    body = booking_body(central.person("bangkok"), central.slot_id(), channel="web")
    _problem(central.book(body), 403, "channel-not-allowed")


def test_another_active_booking_from_another_channel_is_409_with_its_reference(central):
    person = central.person("bangkok")
    web = central.book(
        booking_body(person, central.slot_id(), channel="web"), terminal="web-1"
    ).json()
    kiosk = booking_body(person, central.slot_id(site="iconsiam"))
    problem = _problem(central.book(kiosk), 409, "already-booked")
    assert problem["reference"] == web["reference"]
    assert (
        problem["booking"]["slot_id"] == web["slot_id"] and problem["booking"]["channel"] == "web"
    )
    assert central.central.store.slot(central.slot_id(site="iconsiam")).booked == 0


def test_the_demo_person_booked_already_has_a_booking(central):
    person = central.person("booked")
    problem = _problem(central.book(booking_body(person, central.slot_id())), 409, "already-booked")
    assert problem["reference"].startswith("TRJ-")


def test_a_full_slot_is_409_with_nearby_open_alternatives(make_central):
    c = make_central(demo_capacity=2)
    slot = c.slot_id(days=2, hour=11)
    for n in range(2):
        assert c.book(booking_body(citizen(n), slot)).status_code == 201
    problem = _problem(c.book(booking_body(citizen(9), slot)), 409, "slot-full")
    alternatives = problem["alternatives"]
    assert problem["slot_id"] == slot and alternatives
    assert slot not in {a["slot_id"] for a in alternatives}
    assert all(a["available"] > 0 for a in alternatives)
    same_site = [a for a in alternatives if a["site_id"] == "scg-bang-sue"]
    other_sites = [a for a in alternatives if a["site_id"] != "scg-bang-sue"]
    assert same_site and other_sites
    # nearest first: an hour either side on the same day
    assert same_site[0]["date"] == "2021-06-03" and same_site[0]["start"] in ("10:00", "12:00")
    assert other_sites[0]["date"] == "2021-06-03" and other_sites[0]["start"] == "11:00"
    assert c.central.store.slot(slot).booked == 2


def test_a_slot_that_has_passed_is_refused_with_alternatives(central):
    body = booking_body(central.person("bangkok"), central.slot_id(days=0, hour=9))
    problem = _problem(central.book(body), 409, "slot-passed")
    assert problem["alternatives"]
    assert all((a["date"], a["start"]) > ("2021-06-01", "10:00") for a in problem["alternatives"])


def test_unknown_slot_is_422(central):
    body = booking_body(central.person("bangkok"), "nowhere-20210602-1000")
    _problem(central.book(body), 422, "unknown-slot")


def test_a_concurrent_request_with_the_same_key_is_409_in_flight(make_central):
    c = make_central(booking_delay=0.6)
    body = booking_body(c.person("bangkok"), c.slot_id())
    results: list[requests.Response] = []

    def send() -> None:
        results.append(c.book(body))

    first = threading.Thread(target=send)
    first.start()
    threading.Event().wait(0.2)
    second = c.book(body)
    first.join()
    assert results[0].status_code == 201
    _problem(second, 409, "request-in-flight")
    assert second.headers["retry-after"]
    assert c.book(body).status_code == 200  # and once it is done, the replay answers


def test_the_central_rechecks_eligibility(central):
    teen = central.person("teen")
    problem = _problem(central.book(booking_body(teen, central.slot_id())), 422, "ineligible")
    assert problem["decision"]["route"] == "ineligible"
    assert problem["decision"]["code"] == "under-18"
    diabetes = central.person("diabetes")
    problem = _problem(central.book(booking_body(diabetes, central.slot_id())), 422, "ineligible")
    assert problem["decision"]["code"] == "chronic-condition"
    assert central.central.store.slot(central.slot_id()).booked == 0


def test_an_unknown_rule_set_is_422(central):
    body = booking_body(central.person("bangkok"), central.slot_id())
    body["decision"]["rule_set"] = "made-up-2099"
    _problem(central.book(body), 422, "unknown-rule-set")


def test_a_provisional_booking_is_pending_then_settled_by_the_registry(central):
    registered = central.person("nonthaburi")  # in the demo registry
    unregistered = replace_cid(registered, 77)
    slot = central.slot_id()
    ok = central.book(
        booking_body(registered, slot, route="book-provisional", code="registry-unverified")
    )
    no = central.book(
        booking_body(unregistered, slot, route="book-provisional", code="registry-unverified")
    )
    assert ok.json()["status"] == no.json()["status"] == "pending-verification"
    assert central.central.store.slot(slot).booked == 2
    assert central.central.store.verify_pending(central.clock.now) == (1, 1)
    lookup = requests.post(
        central.url("/v1/bookings/lookup"),
        json={"cid": registered.card["cid"]},
        headers=central.auth(),
        timeout=10,
    )
    assert lookup.json()["status"] == "confirmed" and lookup.json()["version"] == 2
    cancelled = central.central.store.booking_by_id(no.json()["booking_id"])
    assert cancelled.status == "cancelled" and cancelled.cancel_reason == "not-in-registry"
    assert central.central.store.slot(slot).booked == 1


def test_a_definite_works_in_bangkok_decision_needs_the_registry(central):
    registered = central.person("nonthaburi")
    assert (
        central.book(
            booking_body(registered, central.slot_id(), code="works-in-bangkok")
        ).status_code
        == 201
    )
    stranger = replace_cid(registered, 78)
    problem = _problem(
        central.book(booking_body(stranger, central.slot_id(), code="works-in-bangkok")),
        422,
        "ineligible",
    )
    assert problem["decision"]["code"] == "not-in-registry"


def test_an_invalid_card_is_422_naming_the_field(central):
    body = booking_body(central.person("bangkok"), central.slot_id())
    body["citizen"]["birth_date_be"] = "25301399"
    problem = _problem(central.book(body), 422, "invalid-card")
    assert problem["field"] == "birth_date"


def test_occupation_other_needs_its_text(central):
    body = booking_body(central.person("bangkok"), central.slot_id())
    body["occupation"] = {"code": "other", "other": None}
    _problem(central.book(body), 422, "invalid-occupation")
    body["occupation"] = {"code": "other", "other": "ช่างตัดผม"}
    r = central.book(body)
    assert r.status_code == 201 and r.json()["occupation"] == {"code": "other", "other": "ช่างตัดผม"}


def replace_cid(person, n):
    from dataclasses import replace

    from kiosk.card.cid import check_digit

    first12 = f"1{n:011d}"
    return replace(person, card={**person.card, "cid": first12 + str(check_digit(first12))})


def test_answers_the_rules_still_need_are_422_answers_incomplete(central):
    body = booking_body(
        central.person("nonthaburi"),
        central.slot_id(),
        route="book-provisional",
        code="registry-unverified",
    )
    body["answers"]["works_in_bangkok"] = None
    problem = _problem(central.book(body), 422, "answers-incomplete")
    assert problem["decision"]["route"] == "ask" and problem["decision"]["ask"]
