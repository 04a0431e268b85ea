"""Sustained booking throughput of the reference central on loopback, and an overbooking check.

Starts `kiosk-central serve` (uvicorn, SQLite WAL, synchronous=FULL unless told) on 127.0.0.1, then
drives it with N concurrent clients (worker processes x threads, persistent HTTP/1.1 connections)
for a fixed time. Every request books a new citizen; a share of them aims at a few "hot" slots so
that seats run out under contention. At the end it checks the database: no slot holds more active
bookings than its capacity, every slot's counter equals its active bookings, no citizen has two,
and the number of 201 answers equals the bookings stored.

    .venv/bin/python bench/central_load.py [--seconds 20] [--processes 2] [--threads 16]
        [--hot-share 0.1] [--capacity 200] [--synchronous FULL]

Budget (DESIGN §9): over 500 bookings/s sustained on 2 cores, zero overbooking. Client and server
share the machine's cores, so the figure is a lower bound for the server alone.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing as mp
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-c", "from central.cli import main; raise SystemExit(main())"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_cid(n: int) -> str:
    from kiosk.card.cid import check_digit

    first12 = f"3{n:011d}"
    return first12 + str(check_digit(first12))


def bodies(worker: int, count: int, slots: list[str], hot: list[str], hot_share: float):
    from kiosk.dates import today_bangkok
    from kiosk.demo_people import demo_person

    base = demo_person("bangkok", today_bangkok()).card
    rng = random.Random(worker)
    now = datetime.now().astimezone().isoformat(timespec="seconds")
    for i in range(count):
        booking_id = str(uuid.uuid4())
        slot = rng.choice(hot) if rng.random() < hot_share else rng.choice(slots)
        body = {
            "booking_id": booking_id,
            "channel": "kiosk",
            "slot_id": slot,
            "citizen": {**base, "cid": make_cid(worker * 10_000_000 + i)},
            "phone": "0812345678",
            "occupation": {"code": "company-employee", "other": None},
            "answers": {"conditions": [], "works_in_bangkok": None},
            "decision": {
                "rule_set": "bkk-thairuamjai-2021-05-27",
                "route": "book",
                "code": "bangkok-resident",
            },
            "confirmed_at": now,
        }
        yield booking_id, json.dumps(body).encode()


def client_thread(args) -> list[tuple[float, int]]:
    port, token, worker, seconds, slots, hot, hot_share, start_at = args
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    results: list[tuple[float, int]] = []
    gen = bodies(worker, 10_000_000, slots, hot, hot_share)
    prepared = [next(gen) for _ in range(200)]
    while time.time() < start_at:
        time.sleep(0.001)
    deadline = start_at + seconds
    i = 0
    while time.time() < deadline:
        if i >= len(prepared):
            prepared.extend(next(gen) for _ in range(200))
        booking_id, payload = prepared[i]
        i += 1
        headers = {
            "Authorization": f"Bearer {token}",
            "Idempotency-Key": booking_id,
            "Content-Type": "application/json",
        }
        t = time.perf_counter()
        try:
            conn.request("POST", "/v1/bookings", body=payload, headers=headers)
            response = conn.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            status = 0
        results.append((time.perf_counter() - t, status))
    conn.close()
    return results


def client_process(args) -> list[tuple[float, int]]:
    from concurrent.futures import ThreadPoolExecutor

    port, token, worker, threads, seconds, slots, hot, hot_share, start_at = args
    jobs = [
        (port, token, worker * 1000 + t, seconds, slots, hot, hot_share, start_at)
        for t in range(threads)
    ]
    with ThreadPoolExecutor(threads) as pool:
        out: list[tuple[float, int]] = []
        for part in pool.map(client_thread, jobs):
            out.extend(part)
    return out


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))] if values else float("nan")


def start_server(
    tmp: Path, db: Path, args: argparse.Namespace
) -> tuple[subprocess.Popen, int, str]:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    token = subprocess.run(
        [*CLI, "token", "--db", str(db), "--terminal", "bench"],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout.strip()
    command = [
        *CLI,
        "serve",
        "--db",
        str(db),
        "--port",
        str(port),
        "--demo",
        "--always-open",
        "--capacity",
        str(args.capacity),
        "--no-access-log",
        "--log-level",
        "warning",
        "--max-in-flight",
        "1024",
        "--synchronous",
        args.synchronous,
    ]
    with (tmp / "server.log").open("wb") as log:
        server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=log)
    deadline = time.monotonic() + 20
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server, port, token
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise SystemExit("the central did not start") from None
            time.sleep(0.05)


def run(args: argparse.Namespace) -> tuple[list[tuple[float, int]], dict[str, int], int, list[int]]:
    """Serve, drive, stop; answer (results, capacity report, bookings before, hot slots booked)."""
    from central.store import SqliteStore

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        server, port, token = start_server(Path(tmp), db, args)
        store = SqliteStore(db)
        try:
            tomorrow = (datetime.now().astimezone() + timedelta(days=1)).date()
            slots = [
                s.slot_id
                for site in store.sites()
                for s in store.slots(site.site_id, tomorrow, tomorrow + timedelta(days=12))
            ]
            hot = slots[: args.hot_slots]
            before = store.capacity_report()["active_bookings"]
            start_at = time.time() + 2.0
            jobs = [
                (port, token, p, args.threads, args.seconds, slots, hot, args.hot_share, start_at)
                for p in range(args.processes)
            ]
            with mp.get_context("spawn").Pool(args.processes) as pool:
                results = [r for part in pool.map(client_process, jobs) for r in part]
        except BaseException:
            sys.stderr.write((Path(tmp) / "server.log").read_text(errors="replace")[-3000:])
            raise
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        report = store.capacity_report()
        hot_booked = [store.slot(s).booked for s in hot]
        store.close()
    return results, report, before, hot_booked


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--hot-share", type=float, default=0.1)
    parser.add_argument("--hot-slots", type=int, default=3)
    parser.add_argument("--capacity", type=int, default=200)
    parser.add_argument("--synchronous", default="FULL", choices=("FULL", "NORMAL"))
    args = parser.parse_args()
    results, report, before, hot_booked = run(args)

    by_status: dict[int, int] = {}
    for _, status in results:
        by_status[status] = by_status.get(status, 0) + 1
    created = [t for t, s in results if s == 201]
    all_ms = [t * 1000 for t, _ in results]
    ok_ms = [t * 1000 for t in created]
    stored = report["active_bookings"] - before
    print(
        f"reference central, SQLite synchronous={args.synchronous}, {os.cpu_count()} cores "
        "shared by server and clients"
    )
    print(
        f"clients: {args.processes * args.threads} ({args.processes} processes x {args.threads} "
        f"threads), {args.seconds:.0f} s, {args.hot_share:.0%} of requests on {args.hot_slots} "
        f"hot slots of {args.capacity} seats"
    )
    print(f"requests: {len(results)}  by status: {dict(sorted(by_status.items()))}")
    print(
        f"bookings created: {len(created)}  ->  {len(created) / args.seconds:.0f} bookings/s "
        f"sustained; all requests {len(results) / args.seconds:.0f}/s"
    )
    print(
        f"latency of 201s: p50 {pct(ok_ms, 0.5):.1f} ms  p95 {pct(ok_ms, 0.95):.1f} ms  "
        f"p99 {pct(ok_ms, 0.99):.1f} ms;  all requests p50 {pct(all_ms, 0.5):.1f} ms  "
        f"p95 {pct(all_ms, 0.95):.1f} ms  mean {statistics.fmean(all_ms):.1f} ms"
    )
    print(f"hot slots booked: {hot_booked} (capacity {args.capacity} each)")
    ok = (
        report["overbooked_slots"] == 0
        and report["counter_mismatches"] == 0
        and report["citizens_with_two_active"] == 0
        and stored == len(created)
        and all(b <= args.capacity for b in hot_booked)
    )
    print(
        f"overbooking check: overbooked slots {report['overbooked_slots']}, counter mismatches "
        f"{report['counter_mismatches']}, citizens with two active "
        f"{report['citizens_with_two_active']}, stored {stored} vs 201s {len(created)}  ->  "
        f"{'OK' if ok else 'FAILED'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
