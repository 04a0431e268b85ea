"""Races over real HTTP against `serve --workers 2` on PostgreSQL (issue 12).

Every request travels on a connection of its own and the threads are released together by a
barrier, so the kernel hands the connections to both workers: each test shows from the
`X-Central-Worker` header that both answered. Afterwards the slot counters must equal a
recount of the bookings (`capacity_report`)."""

from __future__ import annotations

import pytest

from central.store.postgres import PostgresStore
from tests.central.conftest import booking_body, citizen
from tests.central.served import WORKER, serve, together
from tests.central.test_bookings_create import _problem

pytestmark = pytest.mark.postgres

CAPACITY = 3


@pytest.fixture(scope="module")
def cluster(pg_databases, tmp_path_factory):
    url = pg_databases.new()
    served = serve(url, tmp_path_factory.mktemp("workers"), "--verify-interval", "0",
                   capacity=CAPACITY)  # fmt: skip
    yield served
    served.stop()
    pg_databases.drop(url)


def _report(url: str) -> dict[str, int]:
    store = PostgresStore(url, max_size=1)
    try:
        return store.capacity_report()
    finally:
        store.close()


def _agrees(url: str) -> None:
    """Every counter equals its recount; no slot over capacity; no citizen twice."""
    report = _report(url)
    assert {k: v for k, v in report.items() if k != "active_bookings" and v} == {}, report


def _slot_row(url: str, slot: str) -> tuple[int, int, int]:
    store = PostgresStore(url, max_size=1)
    try:
        s = store.slot(slot)
        assert s is not None
        return s.booked, s.held, s.capacity
    finally:
        store.close()


def _both_workers(cluster, answers) -> None:
    answered_by = {int(r.headers[WORKER]) for r in answers}
    assert answered_by == set(cluster.worker_pids()), answered_by


def test_the_last_seats_of_a_slot_go_to_exactly_capacity_citizens(cluster):
    for round_, hour in enumerate((11, 12, 13)):  # three races (10:00 holds a demo booking)
        slot = f"scg-bang-sue-20210602-{hour:02d}00"
        bodies = [booking_body(citizen(1000 + 100 * round_ + n), slot) for n in range(24)]
        answers = together([lambda b=b: cluster.book(b) for b in bodies])
        codes = sorted(r.status_code for r in answers)
        assert codes == [201] * CAPACITY + [409] * (24 - CAPACITY), sorted(
            (r.status_code, r.json().get("code")) for r in answers
        )
        for r in answers:
            if r.status_code == 409:
                _problem(r, 409, "slot-full")
        _both_workers(cluster, answers)
        assert _slot_row(cluster.url, slot) == (CAPACITY, 0, CAPACITY)
    _agrees(cluster.url)


def test_one_citizen_from_the_kiosk_and_the_web_at_once_gets_one_booking(cluster):
    answers = []
    for n in range(8):
        slot = f"scg-bang-sue-2021060{3 + n // 4}-{11 + n % 4}00"  # a slot each, never full
        person = citizen(2000 + n)
        kiosk = booking_body(person, slot, channel="kiosk")
        web = booking_body(person, slot, channel="web")
        pair = together([
            lambda k=kiosk: cluster.book(k, terminal="kiosk-1", channel="kiosk"),
            lambda w=web: cluster.book(w, terminal="web-1", channel="web"),
        ])  # fmt: skip
        assert sorted(r.status_code for r in pair) == [201, 409], [r.text for r in pair]
        refused = next(r for r in pair if r.status_code == 409)
        booked = next(r for r in pair if r.status_code == 201)
        problem = _problem(refused, 409, "already-booked")
        assert booked.json()["reference"] in problem["en"]
        answers.extend(pair)
    _both_workers(cluster, answers)
    _agrees(cluster.url)


def test_one_idempotency_key_sent_to_two_workers_at_once_books_once(cluster):
    answers = []
    for n in range(8):
        slot = f"central-lardprao-2021060{3 + n // 4}-{11 + n % 4}00"
        body = booking_body(citizen(3000 + n), slot)
        same = together([lambda b=body: cluster.book(b) for _ in range(4)])
        created = [r for r in same if r.status_code == 201]
        assert len(created) == 1, [r.text for r in same]
        reference = created[0].json()["reference"]
        for r in same:
            if r.status_code == 409:
                _problem(r, 409, "request-in-flight")
                assert r.headers["retry-after"]
            elif r is not created[0]:  # the stored booking replayed, never a second one
                assert r.status_code == 200, r.text
                assert r.json()["reference"] == reference
        answers.extend(same)
    _both_workers(cluster, answers)
    report = _report(cluster.url)
    assert report["citizens_with_two_active"] == 0
    _agrees(cluster.url)
