"""`kiosk-central serve --workers 2` on PostgreSQL: two real server processes on one socket.

A retry of a booking that is still being processed gets 409 request-in-flight whichever worker
it reaches (the claim is a row in the database, not a set in one process), and citizens racing
for the last seats of a slot through both workers get exactly the capacity."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg
import pytest
import requests

from central.cli import main
from tests.central.conftest import T0, booking_body, citizen
from tests.central.test_cli import _free_port

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-c", "from central.cli import main; raise SystemExit(main())"]
SLOT = "scg-bang-sue-20210602-1100"


def _workers(pid: int) -> list[int]:
    """The worker processes uvicorn's supervisor `pid` started."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [
        int(c)
        for c in children
        if "spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes().decode(errors="replace")
    ]


@pytest.fixture
def two_workers(pg_databases, tmp_path):
    url = pg_databases.new()
    keys = str(tmp_path / "keys")
    port = _free_port()
    server = subprocess.Popen(
        [*CLI, "serve", "--db", url, "--keys-dir", keys, "--port", str(port), "--workers", "2",
         "--demo", "--capacity", "3", "--always-open", "--now", T0.isoformat(),
         "--booking-delay", "0.8", "--verify-interval", "0", "--no-access-log"],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(base + "/v1/config", timeout=2).status_code == 401:
                    break
            except requests.ConnectionError:
                pass
            assert server.poll() is None, server.stderr.read().decode()
            assert time.monotonic() < deadline, "the central did not start"
            time.sleep(0.1)
        while len(_workers(server.pid)) < 2:  # both up before the test counts on them
            assert time.monotonic() < deadline, "the workers did not start"
            time.sleep(0.1)
        yield base, url, keys, server
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        pg_databases.drop(url)


def _token(url: str, keys: str, capsys) -> str:
    assert main(["token", "--db", url, "--keys-dir", keys, "--terminal", "k1"]) == 0
    return capsys.readouterr().out.strip()


def test_workers_need_postgresql(tmp_path, capsys):
    assert main(["serve", "--db", str(tmp_path / "c.db"), "--workers", "2"]) == 2
    assert "needs a postgresql://" in capsys.readouterr().err


def test_a_retry_reaching_either_worker_while_the_first_runs_is_409(two_workers, capsys):
    base, url, keys, server = two_workers
    assert len(_workers(server.pid)) == 2
    headers = {"Authorization": f"Bearer {_token(url, keys, capsys)}"}
    body = booking_body(citizen(1), SLOT)
    headers = {**headers, "Idempotency-Key": body["booking_id"]}
    first: list[requests.Response] = []
    sender = threading.Thread(
        target=lambda: first.append(
            requests.post(base + "/v1/bookings", json=body, headers=headers, timeout=30)
        )
    )
    sender.start()
    time.sleep(0.3)
    with psycopg.connect(url) as conn:  # the claim is in the database, for every worker
        keys_in_flight = conn.execute("SELECT idempotency_key FROM requests_in_flight").fetchall()
    assert keys_in_flight == [(body["booking_id"],)]
    # Each retry on a new connection: the kernel hands connections to both workers.
    retries = [
        requests.post(base + "/v1/bookings", json=body, headers=headers, timeout=30)
        for _ in range(8)
    ]
    sender.join()
    assert first[0].status_code == 201, first[0].text
    assert [r.status_code for r in retries] == [409] * 8, [r.text for r in retries]
    assert {r.json()["code"] for r in retries} == {"request-in-flight"}
    again = requests.post(base + "/v1/bookings", json=body, headers=headers, timeout=30)
    assert again.status_code == 200 and again.json()["reference"] == first[0].json()["reference"]
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT count(*) FROM requests_in_flight").fetchone()[0] == 0


def test_citizens_racing_through_two_workers_get_exactly_the_capacity(two_workers, capsys):
    base, url, keys, _ = two_workers
    token = _token(url, keys, capsys)
    bodies = [booking_body(citizen(n), SLOT) for n in range(10, 22)]
    barrier = threading.Barrier(len(bodies))
    answers: list[requests.Response] = []

    def book(body):
        barrier.wait()
        headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": body["booking_id"]}
        answers.append(requests.post(base + "/v1/bookings", json=body, headers=headers, timeout=60))

    threads = [threading.Thread(target=book, args=(b,)) for b in bodies]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    codes = sorted(r.status_code for r in answers)
    assert codes == [201] * 3 + [409] * 9, [r.text for r in answers]
    assert {r.json()["code"] for r in answers if r.status_code == 409} == {"slot-full"}
    with psycopg.connect(url) as conn:
        booked, held, capacity = conn.execute(
            "SELECT booked, held, capacity FROM slots WHERE slot_id = %s", (SLOT,)
        ).fetchone()
        active = conn.execute(
            "SELECT count(*) FROM bookings WHERE slot_id = %s AND status != 'cancelled'", (SLOT,)
        ).fetchone()[0]
    assert (booked, held, capacity, active) == (3, 0, 3, 3)
