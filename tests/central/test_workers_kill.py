"""A worker of `serve --workers 2` SIGKILLed under load (issue 12).

Every booking answered 201 is in the database, whichever worker answered it; no request the
other worker took fails; the requests lost with the killed worker are at most those it held at
that instant, and each of them, sent again with its Idempotency-Key as a terminal does, ends
booked exactly once (after at most IN_FLIGHT_TTL of 409 request-in-flight: the dead worker's
claims are no longer extended). uvicorn's supervisor (0.54) notices the dead worker within
about half a second and starts a replacement, which then serves too."""

from __future__ import annotations

import os
import signal
import time

import pytest

from central.service import IN_FLIGHT_TTL
from central.store.postgres import PostgresStore
from tests.central.sealing import sealer_of
from tests.central.served import Load, serve

pytestmark = pytest.mark.postgres

THREADS = 6


@pytest.fixture
def database(pg_databases):
    url = pg_databases.new()
    yield url
    pg_databases.drop(url)


def _until(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        assert time.monotonic() < deadline, what
        time.sleep(0.1)
    return value


def test_a_worker_killed_under_load_loses_no_answered_booking(database, tmp_path):
    served = serve(database, tmp_path, "--verify-interval", "0", capacity=1000)
    try:
        victim, survivor = served.wait_for_workers()
        load = Load(served, threads=THREADS).start()
        _until(lambda: load.count() >= 150, 60, "no load")
        killed_at = time.time()
        os.kill(victim, signal.SIGKILL)
        # The supervisor replaces the dead worker; the load goes on meanwhile.
        replacement = _until(
            lambda: [p for p in served.worker_pids() if p not in (victim, survivor)], 30,
            "uvicorn's supervisor started no replacement worker",
        )[0]  # fmt: skip
        _until(lambda: any(a.worker == replacement for a in load.answers), 30,
               "the replacement never answered")  # fmt: skip
        answered_at_kill = sum(1 for a in load.answers if a.ended < killed_at)
        _until(lambda: load.count() >= answered_at_kill + 300, 60, "the load stalled")
        answers = load.stop()
        assert served.process.poll() is None  # the central itself never went down

        assert {a.worker for a in answers if a.status} == {victim, survivor, replacement}
        survivors = [a for a in answers if a.worker == survivor]
        assert survivors and {a.status for a in survivors} == {201}  # none of its requests failed
        assert any(a.started > killed_at for a in survivors)  # and it served on after the kill
        for a in answers:  # a status is 201 or no answer at all: nothing else went wrong
            assert a.status in (201, None), (a.status, a.json)
        lost = [a for a in answers if a.status is None]
        assert len(lost) <= THREADS, [a.error for a in lost]  # at most one request per thread
        assert all(a.started <= killed_at <= a.ended for a in lost), "lost a request not in flight"

        store = PostgresStore(database, max_size=2, sealer=sealer_of(served.keys))
        try:
            for a in answers:
                if a.status == 201:  # on a slip in a customer's hand: stored, as answered
                    stored = store.booking_by_id(a.body["booking_id"])
                    assert stored is not None and stored.reference == a.json["reference"]
            # A terminal sends an unanswered request again with the same key, backing off
            # while it is 409 request-in-flight: the dead worker's claims are no longer
            # extended (Central's heartbeat), so they expire within IN_FLIGHT_TTL; then it is
            # booked once (201), or found booked (200) if the worker had stored it.
            retried = []
            give_up = time.monotonic() + IN_FLIGHT_TTL.total_seconds() + 10
            for a in lost:
                while (again := served.book(a.body)).status_code == 409:
                    assert again.json()["code"] == "request-in-flight", again.text
                    assert time.monotonic() < give_up, "a dead worker's claim never expired"
                    time.sleep(0.5)
                retried.append(again.status_code)
                assert again.status_code in (200, 201), again.text
                stored = store.booking_by_id(a.body["booking_id"])
                assert stored is not None and stored.reference == again.json()["reference"]
            waited = time.time() - killed_at
            report = store.capacity_report()
            print(
                f"\n{len(answers)} requests, {len(lost)} lost with the killed worker, "
                f"sent again: {sorted(retried)}, the last {waited:.1f} s after the kill; "
                f"{len(survivors)} answered by the survivor"
            )
        finally:
            store.close()
        assert report["active_bookings"] >= sum(1 for a in answers if a.status == 201)
        assert {k: v for k, v in report.items() if k != "active_bookings" and v} == {}, report
        assert "died" in served.log_text()  # the supervisor said so
    finally:
        served.stop()
