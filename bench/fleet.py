"""Fleet health at day-one scale (DESIGN §9, §13): 13,000 terminals reporting every 60 s.

    .venv/bin/python bench/fleet.py [--terminals 13000] [--seconds 20] [--rate 217]

Enrols `--terminals` kiosk terminals straight into a new SQLite database, starts a real
`kiosk-central serve` on 127.0.0.1, and sends `PUT /v1/terminals/me/health` reports from them
in turn at `--rate` per second (13,000 / 60 s = 217/s; the same total can be compressed by a
higher rate and fewer seconds) from client threads with keep-alive connections. It prints the
central's CPU per report (all server processes, /proc, bench/_server_cpu.py) and the share of
one core that 13,000 terminals at 60 s would cost (budget: under 20 %), then the server-side
time to list every terminal with its state and attention reasons (the future overview's query).
PostgreSQL is not measured by this version (see the issue note).
"""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _server_cpu import TreeSample, free_port

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-c", "from central.cli import main; raise SystemExit(main())"]


def report(i: int) -> bytes:
    return json.dumps(
        {
            "software": "0.14.0",
            "rule_set": "bkk-thairuamjai-2021-05-27",
            "interval_s": 60,
            "checks": [
                {"name": n, "status": "ok", "detail": ""}
                for n in ("card-reader", "printer", "journal", "queue", "disk", "leases")
            ],
            "queue": {"queued": i % 3, "sending": 0, "oldest_age_s": (i % 7) * 300 or None},
            "leases": {"held": 4, "spent": i % 2},
            "printer": {"state": "ok", "paper": ("ok", "near-end", "out")[i % 50 % 3]},
            "reader": "ok",
            "clock_offset_s": 0.3,
            "last_sync": "2021-06-01T10:00:00+07:00",
            "staff": {"requested": i % 97 == 0, "paused": False},
        }
    ).encode()


def enrol(db: Path, n: int) -> list[str]:
    from central.store import open_store
    from central.store.connection import hash_secret, iso

    store = open_store(db)
    now = iso(datetime.now(UTC))
    tokens = [f"bench-token-{i:05d}-" + "x" * 20 for i in range(n)]
    with store._write() as c:
        c.executemany(
            "INSERT INTO terminals(terminal_id, store, channel, token_hash, created_at) "
            "VALUES (?,?,?,?,?)",
            [
                (f"t-{i:05d}", f"store-{i % 2600:04d}", "kiosk", hash_secret(t), now)
                for i, t in enumerate(tokens)
            ],
        )
    store.close()
    return tokens


def seed(db: Path, n: int) -> None:
    """Every terminal's latest report as the measured window will send it again."""
    from central.store import open_store

    store = open_store(db)
    now = datetime.now(UTC)
    for i in range(n):
        store.put_health(f"t-{i:05d}", json.loads(report(i)), now)
    store.close()


def main() -> int:  # noqa: PLR0915 - one linear measurement script
    import argparse

    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--terminals", type=int, default=13_000, help="terminals enrolled")
    p.add_argument("--seconds", type=float, default=20.0, help="how long to send reports")
    p.add_argument("--rate", type=float, default=217.0, help="reports per second")
    p.add_argument("--threads", type=int, default=8, help="client threads")
    p.add_argument(
        "--steady",
        action="store_true",
        help="seed every terminal's latest report first (the steady state: unchanged reports)",
    )
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "central.db"
        tokens = enrol(db, args.terminals)
        if args.steady:
            seed(db, len(tokens))
        port = free_port()
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        server = subprocess.Popen(
            [
                *CLI,
                "serve",
                "--db",
                str(db),
                "--port",
                str(port),
                "--no-access-log",
                "--log-level",
                "warning",
                "--max-in-flight",
                "1024",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                    c.request("GET", "/v1/config", headers={"Authorization": f"Bearer {tokens[0]}"})
                    if c.getresponse().status == 200:
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("the central did not start")
                time.sleep(0.1)
            total = int(args.rate * args.seconds)
            counter = iter(range(total))
            lock = threading.Lock()
            statuses: dict[int, int] = {}
            start = time.monotonic()

            def client() -> None:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                while True:
                    with lock:
                        k = next(counter, None)
                    if k is None:
                        return
                    due = start + k / args.rate
                    if (wait := due - time.monotonic()) > 0:
                        time.sleep(wait)
                    i = k % len(tokens)
                    conn.request(
                        "PUT",
                        "/v1/terminals/me/health",
                        body=report(i),
                        headers={
                            "Authorization": f"Bearer {tokens[i]}",
                            "Content-Type": "application/json",
                        },
                    )
                    r = conn.getresponse()
                    r.read()
                    with lock:
                        statuses[r.status] = statuses.get(r.status, 0) + 1

            before = TreeSample.take(server.pid)
            threads = [threading.Thread(target=client) for _ in range(args.threads)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            elapsed = time.monotonic() - start
            cpu = TreeSample.take(server.pid).seconds_since(before)
        finally:
            server.terminate()
            server.wait(timeout=30)
        per = cpu / total
        print(f"reports: {total} in {elapsed:.1f} s ({total / elapsed:.0f}/s), statuses {statuses}")
        print(f"central CPU per report: {per * 1000:.2f} ms (all server processes)")
        print(
            f"13,000 terminals every 60 s = {13_000 / 60:.0f}/s: "
            f"{per * 13_000 / 60 * 100:.1f} % of one core (budget: under 20 %)"
        )
        from central.fleet_view import fleet_entries
        from central.store import open_store

        store = open_store(db)
        t0 = time.perf_counter()
        entries = fleet_entries(store, datetime.now(UTC))
        listed = time.perf_counter() - t0
        states = {
            s: sum(e.state == s for e in entries)
            for s in ("online", "stale", "offline", "never-seen")
        }
        print(
            f"list {len(entries)} terminals with state and attention: {listed * 1000:.0f} ms "
            f"({states})"
        )
        store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
