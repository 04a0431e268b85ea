"""The booking path after its database work was cut down (docs/central-performance.md).

What judging a booking needs is read in one statement (`Store.booking_context`), on PostgreSQL
together with the claim of the request in flight; a booking made ends that claim in its own
transaction; the answer is serialised once. Nothing is cached, so what another process (another
`serve --workers` worker, the CLI) changes is seen by the very next request: these tests change
it through a second store opened on the same database, as another process would.
"""

from __future__ import annotations

import time
from datetime import date
from urllib.parse import urlsplit

import psycopg
import pytest
import requests

from central.hours import ChannelHours
from central.models import BookingOut
from central.store import Occupation, open_store
from central.store.postgres import FRESH
from tests.central.conftest import booking_body, citizen
from tests.central.test_bookings_create import _problem, replace_cid


def _other_process_store(c):
    """The same database through a store of its own, as another worker or the CLI has."""
    return open_store(c.central.settings.db)


def test_hours_changed_elsewhere_are_judged_on_the_next_booking(make_central):
    c = make_central()
    assert c.book(booking_body(citizen(1), c.slot_id())).status_code == 201
    other = _other_process_store(c)
    try:
        other.set_hours(ChannelHours("kiosk", "06:00", "07:00", date(2021, 5, 28)))
        _problem(c.book(booking_body(citizen(2), c.slot_id())), 403, "outside-hours")
        other.set_hours(ChannelHours("kiosk", "08:00", "20:00", date(2021, 5, 28)))
        assert c.book(booking_body(citizen(2), c.slot_id())).status_code == 201
    finally:
        other.close()


def test_occupations_changed_elsewhere_are_judged_on_the_next_booking(make_central):
    c = make_central()
    store = c.central.store
    kept = [o for o in store.occupations() if o.code != "company-employee"]
    other = _other_process_store(c)
    try:
        other.put_occupations(kept)
        _problem(c.book(booking_body(citizen(3), c.slot_id())), 422, "invalid-occupation")
        other.put_occupations([*kept, Occupation("company-employee", "พนักงาน", "Employee", False)])
        assert c.book(booking_body(citizen(3), c.slot_id())).status_code == 201
    finally:
        other.close()


def test_a_registry_entry_made_elsewhere_is_judged_on_the_next_booking(make_central):
    # someone who lives in Nonthaburi and works in Bangkok is bookable only if the registry
    # (social security) knows them
    c = make_central()
    stranger = replace_cid(c.person("nonthaburi"), 78)
    body = booking_body(stranger, c.slot_id(), code="works-in-bangkok")
    problem = _problem(c.book(body), 422, "ineligible")
    assert problem["decision"]["code"] == "not-in-registry"
    other = _other_process_store(c)
    try:
        other.put_registry(c.central.keys.citizen_key(stranger.card["cid"]), "social-security")
    finally:
        other.close()
    again = c.book(body)  # a refusal left nothing behind: judged again under the same key
    assert again.status_code == 201, again.text


def test_an_unknown_slot_and_a_passed_slot_are_judged_from_the_one_read(make_central):
    c = make_central()
    _problem(c.book(booking_body(citizen(4), "no-such-slot")), 422, "unknown-slot")
    passed = c.slot_id(days=0, hour=9)  # ended at 10:00, the test clock's now
    _problem(c.book(booking_body(citizen(4), passed)), 409, "slot-passed")


def _in_flight_rows(c) -> int:
    return c.central.store._conn().execute("SELECT COUNT(*) FROM requests_in_flight").fetchone()[0]


def test_no_claim_stays_in_flight_after_a_booking_a_replay_or_a_refusal(make_central):
    c = make_central(demo_capacity=1)
    body = booking_body(citizen(5), c.slot_id())
    made = c.book(body)
    assert made.status_code == 201
    assert _in_flight_rows(c) == 0  # ended in the booking's own transaction
    again = c.book(body)
    assert again.status_code == 200 and again.json()["reference"] == made.json()["reference"]
    full = c.book(booking_body(citizen(6), c.slot_id()))
    _problem(full, 409, "slot-full")
    twice = c.book(booking_body(citizen(5), c.slot_id(hour=13)))
    _problem(twice, 409, "already-booked")
    assert _in_flight_rows(c) == 0


def test_the_answer_is_the_documented_booking(make_central):
    c = make_central()
    r = c.book(booking_body(citizen(7), c.slot_id()))
    assert r.status_code == 201
    assert r.headers["content-type"] == "application/json"
    assert r.headers["etag"] == '"1"'
    assert r.headers["location"] == f"/v1/bookings/{r.json()['reference']}"
    answer = r.json()
    assert set(answer) == set(BookingOut.model_fields)
    assert BookingOut.model_validate(answer).model_dump(mode="json") == answer
    assert answer["phone"] != "0812345678"  # masked, as before


@pytest.mark.parametrize("backend", [pytest.param("postgres", marks=pytest.mark.postgres)])
def test_a_pooled_connection_idle_a_while_is_checked_and_replaced_not_used_dead(
    make_central, pg_databases
):
    c = make_central()
    assert c.book(booking_body(citizen(8), c.slot_id())).status_code == 201
    name = urlsplit(str(c.central.settings.db)).path.lstrip("/")
    with psycopg.connect(pg_databases.url, autocommit=True) as admin:
        killed = admin.execute(
            "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = %s",
            (name,),
        ).fetchone()[0]
    assert killed >= 1
    time.sleep(FRESH + 0.3)  # idle long enough to be checked before use
    r = c.book(booking_body(citizen(9), c.slot_id()))
    assert r.status_code == 201, r.text


def test_the_answer_of_a_booking_made_is_the_booking_as_stored(make_central):
    # the 201 is built from what was written, not read back: it must be what a lookup reads
    c = make_central()
    person = citizen(10)
    made = c.book(booking_body(person, c.slot_id(hour=14)))
    assert made.status_code == 201
    found = requests.post(
        c.url("/v1/bookings/lookup"), json={"cid": person.card["cid"]}, headers=c.auth(), timeout=30
    )
    assert found.status_code == 200
    assert made.json() == found.json()
    assert made.headers["etag"] == found.headers["etag"]
