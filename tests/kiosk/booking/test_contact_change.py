"""kiosk.booking.contact_change through the real HTTP client to the reference central on
loopback: If-Match sent, the 412 carrying the booking as it now stands, and a lost answer whose
retry meets our own new version counted as done (but a different change elsewhere never is)."""

from __future__ import annotations

import pytest
import requests

from kiosk.booking.contact_change import (
    ChangedElsewhere,
    ChangeNeedsConnection,
    NoBooking,
    NothingToChange,
    change_contact,
    find_booking,
)
from kiosk.booking.model import Occupation
from sync.client import CentralClient
from tests.central.conftest import citizen
from tests.sync.conftest import central  # noqa: F401  (fixture)

NEW = "0898765432"


@pytest.fixture
def client(central):  # noqa: F811
    c = CentralClient(central.base_url, central.tokens["kiosk-1"])
    yield c
    c.close()


def patch(central, booking, **fields):  # noqa: F811
    """A change made elsewhere (the website), at the version the kiosk saw."""
    cid = central.person("booked").card["cid"]
    return requests.patch(
        central.url(f"/v1/bookings/{booking['reference']}"),
        json={"cid": cid, **fields},
        headers={**central.auth(), "If-Match": str(booking["version"])},
        timeout=10,
    )


def test_the_change_is_made_at_the_version_seen(central, client):  # noqa: F811
    cid = central.person("booked").card["cid"]
    seen = find_booking(client, cid, 5)
    out = change_contact(client, cid, seen, phone=NEW, occupation=Occupation("student"), deadline=5)
    assert out["version"] == seen["version"] + 1 and out["phone"] == "089-XXX-5432"
    assert out["occupation"] == {"code": "student", "other": None}
    with pytest.raises(ChangedElsewhere):  # the old version is spent
        change_contact(client, cid, seen, phone="0611111111", occupation=None, deadline=5)


def test_412_carries_the_booking_as_it_now_stands(central, client):  # noqa: F811
    cid = central.person("booked").card["cid"]
    seen = find_booking(client, cid, 5)
    assert patch(central, seen, phone="0622222222").status_code == 200  # another number
    with pytest.raises(ChangedElsewhere) as caught:
        change_contact(client, cid, seen, phone=NEW, occupation=None, deadline=5)
    assert caught.value.current["version"] == seen["version"] + 1
    assert caught.value.current["phone"] == "062-XXX-2222"
    assert caught.value.code == "version-mismatch" and caught.value.th and caught.value.en


def test_our_own_change_whose_answer_was_lost_counts_as_done(central, client):  # noqa: F811
    cid = central.person("booked").card["cid"]
    seen = find_booking(client, cid, 5)
    assert patch(central, seen, phone=NEW).status_code == 200  # it landed; the answer did not
    out = change_contact(client, cid, seen, phone=NEW, occupation=None, deadline=5)
    assert out["version"] == seen["version"] + 1 and out["phone"] == "089-XXX-5432"


def test_no_booking_nothing_to_change_and_no_connection(central, client):  # noqa: F811
    with pytest.raises(NoBooking):
        find_booking(client, citizen(9).card["cid"], 5)
    cid = central.person("booked").card["cid"]
    seen = find_booking(client, cid, 5)
    with pytest.raises(NothingToChange):
        change_contact(client, cid, seen, phone=None, occupation=None, deadline=5)
    dead = CentralClient("http://127.0.0.1:9", central.tokens["kiosk-1"])
    try:
        with pytest.raises(ChangeNeedsConnection):
            change_contact(dead, cid, seen, phone=NEW, occupation=None, deadline=2)
        with pytest.raises(ChangeNeedsConnection):
            find_booking(dead, cid, 2)
    finally:
        dead.close()
