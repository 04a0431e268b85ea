"""The registry check job runs in one worker of the cluster at a time (issue 12).

Two real workers on PostgreSQL both run the verification loop; the advisory lock
(`store.exclusive`) lets one run at a time. Each run logs its worker and its start and end, and
the hidden `--verify-hold` keeps a run's lock long enough that, without the lock, runs of the
two workers would overlap. When the worker holding the lock is killed, another takes over."""

from __future__ import annotations

import itertools
import os
import re
import signal
import time

import psycopg
import pytest

from central.keys import ServerKeys
from central.store.postgres import PostgresStore
from tests.central.conftest import booking_body, citizen
from tests.central.served import serve

pytestmark = pytest.mark.postgres

RUN = re.compile(
    r"registry check in worker (\d+) from ([\d.]+) to ([\d.]+): (\d+) confirmed, (\d+) cancelled"
)


def _runs(served) -> list[tuple[int, float, float, int, int]]:
    return [
        (int(pid), float(a), float(b), int(c), int(d))
        for pid, a, b, c, d in RUN.findall(served.log_text())
    ]


def _provisional(served, n: int, *, registered: bool, hour: int = 11) -> str:
    """A pending-verification booking of made-up citizen `n` (in the registry or not)."""
    person = citizen(n, like="nonthaburi")
    if registered:
        keys = ServerKeys.load_or_create(served.keys)
        store = PostgresStore(served.url, max_size=1)
        try:
            store.put_registry(keys.citizen_key(person.card["cid"]), "social-security")
        finally:
            store.close()
    body = booking_body(
        person,
        f"scg-bang-sue-20210602-{hour}00",
        route="book-provisional",
        code="registry-unverified",
    )
    answer = served.book(body)
    assert answer.status_code == 201, answer.text
    assert answer.json()["status"] == "pending-verification"
    return body["booking_id"]


def _statuses(url: str, ids: list[str]) -> dict[str, tuple[str, int]]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT booking_id, status, version FROM bookings WHERE booking_id = ANY(%s)", (ids,)
        ).fetchall()
    return {r[0]: (r[1], r[2]) for r in rows}


def _lock_holder(url: str) -> int | None:
    """The pid in the application name of the session holding the job's advisory lock."""
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a USING (pid) "
            "WHERE l.locktype = 'advisory' AND l.granted AND a.datname = current_database()"
        ).fetchone()
    if row is None:
        return None
    match = re.fullmatch(r"kiosk-central pid (\d+)", row[0])
    assert match, row
    return int(match.group(1))


@pytest.fixture
def database(pg_databases):
    url = pg_databases.new()
    yield url
    pg_databases.drop(url)


def test_runs_in_two_workers_never_overlap_and_settle_each_booking_once(database, tmp_path):
    served = serve(
        database, tmp_path, "--verify-interval", "0.2", "--verify-hold", "0.4",
        "--log-level", "debug",
    )  # fmt: skip
    try:
        pids = set(served.wait_for_workers())
        ids, registered = [], []
        for batch in range(4):  # arriving over a few runs
            for k in range(4):
                n = 4000 + 10 * batch + k
                ids.append(_provisional(served, n, registered=k < 3, hour=11 + k))
                registered.extend([ids[-1]] if k < 3 else [])
            time.sleep(0.7)
        deadline = time.monotonic() + 30  # a run's line comes after its lock is let go
        while len({r[0] for r in _runs(served)}) < 2 or sum(
            r[3] + r[4] for r in _runs(served)
        ) < len(ids):
            assert time.monotonic() < deadline, served.log_text()[-3000:]
            time.sleep(0.2)
        time.sleep(1.0)  # more runs, which must find nothing left to settle
        runs = sorted(_runs(served), key=lambda r: r[1])
    finally:
        served.stop()
    assert {pid for pid, *_ in runs} == pids, runs  # both workers ran the job, in turns
    for earlier, later in itertools.pairwise(runs):
        assert earlier[2] <= later[1], f"runs overlap: {earlier} and {later}"
    assert sum(r[3] for r in runs) == len(registered) == 12  # each settled exactly once
    assert sum(r[4] for r in runs) == len(ids) - len(registered) == 4
    statuses = _statuses(database, ids)
    for booking_id, (status, version) in statuses.items():
        assert status == ("confirmed" if booking_id in registered else "cancelled")
        assert version == 2, (booking_id, status, version)  # one change, never two


def test_when_the_worker_holding_the_job_dies_another_takes_it_over(database, tmp_path):
    # Every run keeps the lock for ten minutes: only the death of its worker ends it.
    served = serve(database, tmp_path, "--verify-interval", "0.2", "--verify-hold", "600")
    try:
        pids = served.wait_for_workers()
        deadline = time.monotonic() + 20
        while (holder := _lock_holder(database)) is None:
            assert time.monotonic() < deadline, "no worker took the job's lock"
            time.sleep(0.1)
        assert holder in pids
        waiting = _provisional(served, 4100, registered=True)
        time.sleep(2)  # ten passes of the other worker: none may run while the lock is held
        assert _statuses(database, [waiting])[waiting] == ("pending-verification", 1)
        assert _lock_holder(database) == holder
        os.kill(holder, signal.SIGKILL)
        deadline = time.monotonic() + 20
        while _statuses(database, [waiting])[waiting][0] == "pending-verification":
            assert time.monotonic() < deadline, "no worker took the job over"
            time.sleep(0.1)
        taken_over_by = _lock_holder(database)
        assert taken_over_by is not None and taken_over_by != holder
        assert _statuses(database, [waiting])[waiting] == ("confirmed", 2)
        assert taken_over_by in served.wait_for_workers()
    finally:
        served.stop()
