"""The central's PostgreSQL server going away mid-service: a clear 503 in Thai and English,
nothing half-recorded, and the same request booked once the database is back."""

from __future__ import annotations

import time
from datetime import timedelta
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


@pytest.mark.parametrize("backend", ["postgres"])
def test_a_claim_the_outage_kept_is_released_once_the_database_is_back(make_central, pg_databases):
    """A request that claimed its key, then lost the database, could not release the claim;
    it is released in the background, so the terminal's retry books at once rather than being
    refused 409 request-in-flight until the claim expires (IN_FLIGHT_TTL)."""
    import threading

    c = make_central(booking_delay=1.0)  # the request holds its claim for a second
    name = urlsplit(str(c.central.settings.db)).path.lstrip("/")
    body = booking_body(citizen(3), c.slot_id())
    answers: list[requests.Response] = []
    sender = threading.Thread(target=lambda: answers.append(c.book(body)))
    sender.start()
    deadline = time.monotonic() + 5
    while not _claimed(pg_databases.url, name, body["booking_id"]):
        assert time.monotonic() < deadline, "the request never claimed its key"
        time.sleep(0.02)
    _cut(pg_databases.url, name, allow=False)
    try:
        sender.join(4 * POOL_WAIT)
        _problem(answers[0], 503, "database-unavailable")
    finally:
        _cut(pg_databases.url, name, allow=True)
    deadline = time.monotonic() + 3 * POOL_WAIT
    while _claimed(pg_databases.url, name, body["booking_id"]):
        assert time.monotonic() < deadline, "the claim was never released"
        time.sleep(0.1)
    again = c.book(body)
    assert again.status_code == 201, again.text


def _claimed(admin_url: str, name: str, key: str) -> bool:
    from tests.pg_cluster import with_database

    with psycopg.connect(with_database(admin_url, name)) as conn:
        row = conn.execute(
            "SELECT 1 FROM requests_in_flight WHERE idempotency_key = %s", (key,)
        ).fetchone()
    return row is not None


@pytest.mark.parametrize("backend", ["postgres"])
def test_a_request_slower_than_the_claim_ttl_keeps_its_claim(make_central, monkeypatch):
    """The heartbeat extends the claims of requests still in flight: a retry of a slow one is
    409 request-in-flight however long it takes, not a second attempt beside it. (The TTL and
    the beat shortened here from 15 s / 4 s to 1 s / 0.2 s.)"""
    import threading

    from central import service

    monkeypatch.setattr(service, "IN_FLIGHT_TTL", timedelta(seconds=1))
    monkeypatch.setattr(service, "IN_FLIGHT_HEARTBEAT", 0.2)
    c = make_central(booking_delay=3.0)
    body = booking_body(citizen(4), c.slot_id())
    answers: list[requests.Response] = []
    sender = threading.Thread(target=lambda: answers.append(c.book(body)))
    sender.start()
    time.sleep(2.0)  # twice the TTL: without the heartbeat the claim would have expired
    _problem(c.book(body), 409, "request-in-flight")
    sender.join(10)
    assert answers[0].status_code == 201, answers[0].text


@pytest.mark.parametrize("backend", ["postgres"])
def test_health_reports_batched_while_the_database_is_gone_are_503_then_stored(
    make_central, pg_databases
):
    """The health endpoint's group commit (central/health_endpoint.py): when the batch's one
    write fails, every report in it hears 503 database-unavailable (none hangs, none gets a
    204 for a report that was not stored); the same reports sent again once the database is
    back are stored."""
    from tests.central.served import together
    from tests.central.test_health_api import report

    c = make_central()
    store, now = c.central.store, c.clock.now
    tokens = [store.issue_token(f"h-{i}", "store-1", "kiosk", now) for i in range(8)]
    name = urlsplit(str(c.central.settings.db)).path.lstrip("/")

    def put(i: int) -> requests.Response:
        return requests.put(
            c.url("/v1/terminals/me/health"),
            json=report(leases={"held": i, "spent": 0}),
            headers={"Authorization": f"Bearer {tokens[i]}"},
            timeout=30,
        )

    _cut(pg_databases.url, name, allow=False)
    try:
        answers = together([lambda i=i: put(i) for i in range(len(tokens))])
        for r in answers:
            problem = _problem(r, 503, "database-unavailable")
            assert problem["th"] and problem["en"]
    finally:
        _cut(pg_databases.url, name, allow=True)
    deadline = time.monotonic() + 4 * POOL_WAIT
    pending = set(range(len(tokens)))
    while pending and time.monotonic() < deadline:
        pending = {i for i in pending if put(i).status_code != 204}
        time.sleep(0.2)
    assert not pending
    latest = {r.terminal_id: r.report for r in store.fleet(now)}
    assert [latest[f"h-{i}"]["leases"]["held"] for i in range(len(tokens))] == list(range(8))
