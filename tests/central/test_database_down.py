"""The central's PostgreSQL server going away mid-service: a clear 503 in Thai and English,
nothing half-recorded, and the same request booked once the database is back."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import psycopg
import pytest
import requests

from central.store.postgres import POOL_WAIT
from tests.central.conftest import booking_body, citizen
from tests.central.test_bookings_create import _problem

pytestmark = pytest.mark.postgres


def _cut(admin_url: str, name: str, allow: bool) -> None:
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {str(allow).lower()}')
        if not allow:  # and every connection the central holds dies, as in a server restart
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (name,),
            )


@pytest.mark.parametrize("backend", ["postgres"])
def test_a_database_that_goes_away_is_503_and_the_retry_books_once_it_is_back(
    make_central, pg_databases
):
    c = make_central()
    name = urlsplit(str(c.central.settings.db)).path.lstrip("/")
    assert c.book(booking_body(citizen(1), c.slot_id())).status_code == 201
    body = booking_body(citizen(2), c.slot_id())
    _cut(pg_databases.url, name, allow=False)
    try:
        for _ in range(3):  # whichever pooled connection each request gets, all are dead
            started = time.monotonic()
            problem = _problem(c.book(body), 503, "database-unavailable")
            assert problem["th"] and problem["en"]
            assert time.monotonic() - started < POOL_WAIT + 3  # an answer, not a hang
        lookup = requests.post(
            c.url("/v1/bookings/lookup"), json={"cid": citizen(1).card["cid"]},
            headers=c.auth(), timeout=30,
        )  # fmt: skip
        _problem(lookup, 503, "database-unavailable")
        assert lookup.headers["retry-after"] == "5"
    finally:
        _cut(pg_databases.url, name, allow=True)
    # The terminal sends the same request again until it gets an answer (sync's back-off).
    deadline = time.monotonic() + 4 * POOL_WAIT
    while (again := c.book(body)).status_code == 503 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert again.status_code == 201, again.text  # nothing of the failed attempts was kept
    store = c.central.store
    assert store.slot(c.slot_id()).booked == 2
    report = store.capacity_report()
    assert {k: v for k, v in report.items() if k != "active_bookings" and v} == {}
