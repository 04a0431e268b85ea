"""PostgreSQL restarted under load behind `serve --workers 2` (issue 12).

The test starts a PostgreSQL cluster of its own (scripts/postgres with its own KIOSK_PG_DIR and
KIOSK_PG_PORT; the shared cluster of the other tests is never touched), serves on it with two
workers and books from threads without pause. Then the database goes away twice:

1. `pg_ctl stop -m immediate` (a crash: no shutdown checkpoint, clients cut mid-transaction),
   down for longer than a request waits for a connection, then started again;
2. `pg_ctl restart -m fast` (an operator's restart).

Meanwhile every answer is 201 or a clear 503 database-unavailable in Thai and English with
Retry-After; service resumes without restarting the central (the same worker processes); every
201 is in the database; every request answered 503, sent again as a terminal does, is booked
once, never refused as still in flight; and the counters still equal a recount (nothing
half-written)."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from central.store.postgres import POOL_WAIT, PostgresStore
from tests.central.sealing import sealer_of
from tests.central.served import ROOT, Load, free_port, serve

pytestmark = pytest.mark.postgres

#: Seconds down: well over the POOL_WAIT a request may wait for a connection before its 503.
OUTAGE = 2 * POOL_WAIT + 2


def _bindir() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    if not found:
        pytest.skip("no PostgreSQL server binaries")
    return found[-1].parent


def _as_owner(*argv: str) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *argv] if os.getuid() == 0 else list(argv)


class PrivateCluster:
    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="kiosk-pg-restart-"))
        self.port = free_port()
        env = {**os.environ, "KIOSK_PG_DIR": str(self.dir), "KIOSK_PG_PORT": str(self.port)}
        done = subprocess.run(
            [str(ROOT / "scripts" / "postgres")], env=env, capture_output=True, text=True,
            timeout=120, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            shutil.rmtree(self.dir, ignore_errors=True)
            if os.environ.get("KIOSK_REQUIRE_PG") == "1":
                pytest.fail(f"a private PostgreSQL cluster did not start: {done.stderr}")
            pytest.skip(f"a private PostgreSQL cluster did not start: {done.stderr}")
        self.url = done.stdout.strip().splitlines()[-1]
        assert f":{self.port}/" in self.url  # its own, never the shared cluster's

    def pg_ctl(self, *args: str) -> None:
        subprocess.run(
            _as_owner(str(_bindir() / "pg_ctl"), "-D", str(self.dir / "data"),
                      "-l", str(self.dir / "server.log"), *args),
            check=True, capture_output=True, timeout=60,
        )  # fmt: skip

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # unless already down
            self.pg_ctl("stop", "-m", "immediate", "-w")
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def private_cluster():
    _bindir()
    cluster = PrivateCluster()
    yield cluster
    cluster.remove()


def _until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.1)


def test_postgresql_restarted_under_load(private_cluster, tmp_path):
    served = serve(private_cluster.url, tmp_path, "--verify-interval", "1", capacity=2000)
    try:
        workers = sorted(served.wait_for_workers())
        load = Load(served, threads=6).start()

        def booked_since(t: float) -> int:
            return sum(1 for a in load.answers if a.status == 201 and a.started > t)

        _until(lambda: booked_since(0) >= 100, 60, "no load")
        down_at = time.time()
        private_cluster.pg_ctl("stop", "-m", "immediate", "-w")
        time.sleep(OUTAGE)
        up_at = time.time()
        private_cluster.pg_ctl("start", "-w", "-t", "60")
        _until(lambda: booked_since(up_at) >= 100, 60, "service did not resume after the crash")
        restart_at = time.time()
        private_cluster.pg_ctl("restart", "-m", "fast", "-w", "-t", "60")
        restarted_at = time.time()
        _until(lambda: booked_since(restarted_at) >= 100, 60, "no service after the restart")
        answers = load.stop()
        assert sorted(served.wait_for_workers()) == workers  # the same processes throughout
        assert served.process.poll() is None

        refused = [a for a in answers if a.status == 503]
        for a in answers:
            assert a.status in (201, 503), (a.status, a.error, a.json, a.started - down_at)
        # The crash: requests made while the database was down got clear 503s, in time.
        during = [a for a in refused if down_at < a.started < up_at - POOL_WAIT]
        assert during, [
            (a.status, round(a.started - down_at, 2), round(a.ended - down_at, 2), a.error)
            for a in answers
            if a.ended > down_at and a.started < up_at + 1
        ]
        for a in refused:
            assert a.json["code"] == "database-unavailable", a.json
            assert a.json["th"] and a.json["en"] and a.json["status"] == 503
            assert a.retry_after is not None and int(a.retry_after) > 0
            # One wait for a connection at most: once a request has waited in vain, the
            # others are told at once until the pool has a connection again (postgres.py).
            assert a.ended - a.started < POOL_WAIT + 3, "a hang, not an answer"
        # (a request made in the last POOL_WAIT seconds of the outage may wait and be booked)
        assert not [
            a for a in answers if a.status == 201 and down_at + 1 < a.started < up_at - POOL_WAIT
        ]
        print(f"\n{len(answers)} requests: {sum(a.status == 201 for a in answers)} booked, "
              f"{len(refused)} answered 503 ({len(during)} while down); restart -m fast at "
              f"+{restart_at - down_at:.1f} s; 503 answered in "
              f"{min(a.ended - a.started for a in refused):.2f}-"
              f"{max(a.ended - a.started for a in refused):.2f} s")  # fmt: skip

        store = PostgresStore(private_cluster.url, max_size=2, sealer=sealer_of(served.keys))
        try:
            for a in answers:
                if a.status == 201:
                    stored = store.booking_by_id(a.body["booking_id"])
                    assert stored is not None and stored.reference == a.json["reference"]
            again_codes: list[int] = []
            for a in refused:  # the terminal sends it again, with the same key
                again = served.book(a.body)
                again_codes.append(again.status_code)
                # 201: the attempt had written nothing; 200: it had, and its answer was lost.
                # Never 409 request-in-flight: a claim the outage kept was released once the
                # database was back (Central.release).
                assert again.status_code in (200, 201), again.text
                stored = store.booking_by_id(a.body["booking_id"])
                assert stored is not None and stored.reference == again.json()["reference"]
            print(f"503s sent again: {again_codes.count(201)} booked now, "
                  f"{again_codes.count(200)} had been booked")  # fmt: skip
            report = store.capacity_report()
        finally:
            store.close()
        assert {k: v for k, v in report.items() if k != "active_bookings" and v} == {}, report
    finally:
        served.stop()
