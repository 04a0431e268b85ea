"""Sustained booking throughput of the central and its CPU per booking, on SQLite and PostgreSQL.

Starts `kiosk-central serve` on 127.0.0.1 and drives it with concurrent clients (processes x
threads, persistent HTTP/1.1 connections) for a fixed time. Every request books a new citizen.
Two workloads per configuration:

- spread: requests over all the demo's slots, a share of them (--hot-share) on a few hot slots
  of --capacity seats, so seats run out under contention (409 slot-full);
- hot: every request on ONE slot with room for all of them: contention on one hot row.

For each it prints bookings/s, latency p50/p95/p99, the share of 409/429/503/other answers, and
the CPU milliseconds per booking of ALL server processes together (the uvicorn parent and its
workers, and every process of the PostgreSQL cluster: postmaster, backends, background
workers), plus the clients' CPU (not counted, but it shares the cores). PostgreSQL runs in a
private cluster the bench starts and stops itself (bench/_server_cpu.py), so nobody else's
queries are counted; there it also counts statements and transactions per booking
(pg_stat_statements). At the end of every run it checks the database: no slot holds more active
bookings than its capacity, every slot's counter equals its active bookings, no citizen has two,
and the 201 answers equal the bookings stored.

    .venv/bin/python bench/central_load.py                 # the matrix: SQLite 1 worker,
                                                           # PostgreSQL 1 and 2 workers
    .venv/bin/python bench/central_load.py --db FILE       # one SQLite configuration
    .venv/bin/python bench/central_load.py --db postgres --workers 2    # private cluster
    .venv/bin/python bench/central_load.py --db postgresql://... --workers 2
        [--seconds 8] [--processes 2] [--threads 16] [--hot-share 0.1] [--capacity 200]
        [--workload spread|hot|both] [--statements]

With a postgresql:// URL the bench makes a fresh database `kiosk_bench` on that server (and
drops it after); the server's CPU is counted only if its data directory is on this machine
(and then everything that server does is counted).

Budget (DESIGN §9): CPU per booking, all server processes, under 1.0 ms; over 1,000 bookings/s
with 2 workers on 2 cores, hot slots included, zero overbooking. Client and server share the
machine's cores, so bookings/s is a lower bound for the server alone; CPU per booking is not.
Before -> after figures: docs/central-performance.md.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing as mp
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _profile
from _bodies import booking_body, make_cid
from _server_cpu import CLI, Cluster, TreeSample, private_cluster, start_serve

ROOT = Path(__file__).resolve().parent.parent
DBNAME = "kiosk_bench"
HOT_CAPACITY = 1_000_000


def bodies(worker: int, slots: list[str], hot: list[str], hot_share: float):
    from kiosk.dates import today_bangkok
    from kiosk.demo_people import demo_person

    base = demo_person("bangkok", today_bangkok()).card
    rng = random.Random(worker)
    now = datetime.now().astimezone().isoformat(timespec="seconds")
    i = 0
    while True:
        booking_id = str(uuid.uuid4())
        slot = rng.choice(hot) if rng.random() < hot_share else rng.choice(slots)
        citizen = {**base, "cid": make_cid(worker * 10_000_000 + i)}
        body = booking_body(booking_id, "kiosk", slot, citizen, confirmed_at=now)
        i += 1
        yield booking_id, json.dumps(body).encode()


def client_thread(args) -> list[tuple[float, int]]:
    port, token, worker, seconds, slots, hot, hot_share, start_at = args
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    results: list[tuple[float, int]] = []
    gen = bodies(worker, slots, hot, hot_share)
    prepared = [next(gen) for _ in range(300)]
    while time.time() < start_at:
        time.sleep(0.001)
    deadline = start_at + seconds
    i = 0
    while time.time() < deadline:
        if i >= len(prepared):
            prepared.extend(next(gen) for _ in range(100))
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


def _cpu_self() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def client_process(args) -> tuple[list[tuple[float, int]], float]:
    """The answers of this process's threads, and its CPU seconds while they ran."""
    from concurrent.futures import ThreadPoolExecutor

    port, token, worker, threads, seconds, slots, hot, hot_share, start_at = args
    jobs = [
        (port, token, worker * 1000 + t, seconds, slots, hot, hot_share, start_at)
        for t in range(threads)
    ]
    with ThreadPoolExecutor(threads) as pool:
        futures = [pool.submit(client_thread, job) for job in jobs]
        while time.time() < start_at:
            time.sleep(0.001)
        cpu = _cpu_self()
        out: list[tuple[float, int]] = []
        for f in futures:
            out.extend(f.result())
        cpu = _cpu_self() - cpu
    return out, cpu


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))] if values else float("nan")


@dataclass
class Config:
    backend: str  # "sqlite" or "postgres"
    workers: int
    workload: str  # "spread" or "hot"
    db: str = ""
    label: str = ""


@dataclass
class Outcome:
    config: Config
    seconds: float
    results: list[tuple[float, int]]
    server_cpu: float
    pg_cpu: float | None
    client_cpu: float
    report: dict[str, int]
    stored: int
    hot_booked: list[int]
    capacity: int
    statements: list[tuple[int, str]] = field(default_factory=list)
    transactions: int | None = None
    #: CPU seconds per second of all server processes while idle, measured before the run.
    idle: float = 0.0
    #: PostgreSQL's CPU seconds over the run per kind of process (backends, walwriter, ...).
    pg_kinds: dict[str, float] = field(default_factory=dict)

    @property
    def created(self) -> int:
        return sum(1 for _, s in self.results if s == 201)

    @property
    def ok(self) -> bool:
        r = self.report
        return (
            r["overbooked_slots"] == 0
            and r["counter_mismatches"] == 0
            and r["citizens_with_two_active"] == 0
            and self.stored == self.created
            and all(b <= self.capacity for b in self.hot_booked)
        )


def _serve(tmp: Path, config: Config, capacity: int, args) -> tuple[subprocess.Popen, int, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    db = ["--db", config.db, "--keys-dir", str(tmp / "keys")]
    token = subprocess.run(
        [*CLI, "token", *db, "--terminal", "bench"],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout.strip()
    args_ = [
        *db,
        "--demo",
        "--always-open",
        "--capacity",
        str(capacity),
        "--no-access-log",
        "--log-level",
        "warning",
        "--max-in-flight",
        "1024",
        "--synchronous",
        args.synchronous,
        "--workers",
        str(config.workers),
    ]
    server, port = start_serve(tmp, args_, token, config.workers)
    return server, port, token


def run_one(config: Config, args, cluster: Cluster | None) -> Outcome:
    from central.store import open_store

    capacity = HOT_CAPACITY if config.workload == "hot" else args.capacity
    with tempfile.TemporaryDirectory() as tmp:
        if config.backend == "sqlite":
            config.db = args.db if args.db and not args.db.startswith("postgres") else ""
            config.db = config.db or str(Path(tmp) / "bench.db")
        else:
            assert cluster is not None
            config.db = cluster.database(DBNAME)
        server, port, token = _serve(Path(tmp), config, capacity, args)
        store = open_store(config.db)
        try:
            tomorrow = (datetime.now().astimezone() + timedelta(days=1)).date()
            slots = [
                s.slot_id
                for site in store.sites()
                for s in store.slots(site.site_id, tomorrow, tomorrow + timedelta(days=12))
            ]
            if config.workload == "hot":
                hot, share = slots[:1], 1.0
            else:
                hot, share = slots[: args.hot_slots], args.hot_share
            before = store.capacity_report()["active_bookings"]
            if args.profile:
                args.profile.mkdir(parents=True, exist_ok=True)
                name = f"{config.backend}-{config.workers}w-{config.workload}.txt"
                args.profile_to = args.profile / name
            drive = _drive(port, token, slots, hot, share, args, server.pid, cluster)
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
    results, server_cpu, pg_cpu, client_cpu, statements, transactions, idle, pg_kinds = drive
    return Outcome(
        config,
        args.seconds,
        results,
        server_cpu,
        pg_cpu,
        client_cpu,
        report,
        report["active_bookings"] - before,
        hot_booked,
        capacity,
        statements,
        transactions,
        idle,
        pg_kinds,
    )


def _drive(port, token, slots, hot, share, args, server_pid, cluster):
    """Run the clients; (results, server CPU s, PostgreSQL CPU s or None, client CPU s,
    statements, transactions) over the time the clients ran."""
    start_at = time.time() + 4.0
    jobs = [
        (port, token, p, args.threads, args.seconds, slots, hot, share, start_at)
        for p in range(args.processes)
    ]
    with mp.get_context("spawn").Pool(args.processes) as pool:
        pending = pool.map_async(client_process, jobs)
        # the server's CPU while it serves nothing (pool upkeep, timers, the verifier loop,
        # PostgreSQL's background processes): part of every figure below, shown apart
        time.sleep(0.3)
        i0 = TreeSample.take(server_pid), TreeSample.take(cluster.postmaster()) if cluster else None
        idle_from = time.monotonic()
        while time.time() < start_at - 0.3:
            time.sleep(0.01)
        i1 = TreeSample.take(server_pid), TreeSample.take(cluster.postmaster()) if cluster else None
        idle = i1[0].seconds_since(i0[0]) + (i1[1].seconds_since(i0[1]) if cluster else 0.0)
        idle /= time.monotonic() - idle_from
        if cluster is not None:
            cluster.statements(DBNAME, reset=True)
            xacts = cluster.transactions(DBNAME)
        while time.time() < start_at:
            time.sleep(0.001)
        s0 = TreeSample.take(server_pid)
        p0 = TreeSample.take(cluster.postmaster()) if cluster else None
        spy = _profile.start(server_pid, args.profile_to, args.seconds) if args.profile else None
        parts = pending.get()
        s1 = TreeSample.take(server_pid)
        p1 = TreeSample.take(cluster.postmaster()) if cluster else None
    results = [r for part, _ in parts for r in part]
    client_cpu = sum(cpu for _, cpu in parts)
    statements, transactions = [], None
    if cluster is not None:
        statements = cluster.statements(DBNAME)
        transactions = cluster.transactions(DBNAME) - xacts
    pg_cpu = p1.seconds_since(p0) if p0 and p1 else None
    pg_kinds = p1.by_kind_since(p0) if p0 and p1 else {}
    if spy is not None:
        spy.wait(timeout=60)
    server = s1.seconds_since(s0)
    return results, server, pg_cpu, client_cpu, statements, transactions, idle, pg_kinds


def shares(results: list[tuple[float, int]]) -> str:
    n = len(results) or 1
    counts = {"201": 0, "409": 0, "429": 0, "503": 0, "other": 0}
    for _, s in results:
        counts[str(s) if str(s) in counts else "other"] += 1
    return "  ".join(f"{k} {v / n:.1%}" for k, v in counts.items())


def describe(o: Outcome, args) -> str:
    c = o.config
    created = o.created or 1
    ok_ms = [t * 1000 for t, s in o.results if s == 201]
    pg = o.pg_cpu or 0.0
    lines = [
        f"== {c.backend}, {c.workers} worker(s), workload {c.workload}"
        + (
            f" (all on one slot of {o.capacity:,} seats)"
            if c.workload == "hot"
            else f" ({args.hot_share:.0%} on {args.hot_slots} hot slots of {o.capacity} seats)"
        ),
        f"requests {len(o.results)} in {o.seconds:.0f} s; {shares(o.results)}",
        f"bookings/s {o.created / o.seconds:.0f}; latency of 201s p50 {pct(ok_ms, 0.5):.1f} ms "
        f"p95 {pct(ok_ms, 0.95):.1f} ms p99 {pct(ok_ms, 0.99):.1f} ms",
        f"server CPU per booking {(o.server_cpu + pg) * 1000 / created:.2f} ms "
        f"(API processes {o.server_cpu * 1000 / created:.2f}"
        + ("" if o.pg_cpu is None else f" + PostgreSQL {pg * 1000 / created:.2f}")
        + f"); clients {o.client_cpu * 1000 / created:.2f} ms (not counted)",
        f"of which idle upkeep {o.idle * o.seconds * 1000 / created:.2f} ms "
        f"({o.idle * 1000:.0f} ms CPU per second with no requests)",
    ]
    if o.pg_kinds:
        kinds = sorted(o.pg_kinds.items(), key=lambda kv: -kv[1])
        lines.append(
            "PostgreSQL CPU ms per booking by process: "
            + ", ".join(f"{k} {v * 1000 / created:.2f}" for k, v in kinds if v > 0)
        )
    if o.transactions is not None:
        calls = sum(n for n, _ in o.statements)
        lines.append(
            f"PostgreSQL per request: {calls / max(1, len(o.results)):.1f} statements, "
            f"{o.transactions / max(1, len(o.results)):.1f} transactions"
        )
        if args.statements:
            for n, query in o.statements[:16]:
                text = " ".join(query.split())[:100]
                lines.append(f"  {n / max(1, len(o.results)):5.2f}/req  {text}")
    r = o.report
    lines.append(
        f"check: overbooked slots {r['overbooked_slots']}, counter mismatches "
        f"{r['counter_mismatches']}, citizens with two active {r['citizens_with_two_active']}, "
        f"stored {o.stored} vs 201s {o.created}, hot slots booked {o.hot_booked}"
        f"  ->  {'OK' if o.ok else 'FAILED'}"
    )
    return "\n".join(lines)


def table(outcomes: list[Outcome]) -> str:
    head = (
        "| backend | workers | workload | bookings/s | p50 ms | p99 ms | 409 | 429+503 "
        "| server CPU ms/booking (API + PG) | of it idle | client CPU ms | statements/req "
        "| check |"
    )
    rows = [head, "|" + "---|" * 13]
    for o in outcomes:
        created = o.created or 1
        n = max(1, len(o.results))
        ok_ms = [t * 1000 for t, s in o.results if s == 201]
        s409 = sum(1 for _, s in o.results if s == 409) / n
        s5 = sum(1 for _, s in o.results if s in (429, 503)) / n
        pg = o.pg_cpu or 0.0
        stmts = "-" if o.transactions is None else f"{sum(c for c, _ in o.statements) / n:.1f}"
        rows.append(
            f"| {o.config.backend} | {o.config.workers} | {o.config.workload} "
            f"| {o.created / o.seconds:.0f} | {pct(ok_ms, 0.5):.1f} | {pct(ok_ms, 0.99):.1f} "
            f"| {s409:.1%} | {s5:.1%} | {(o.server_cpu + pg) * 1000 / created:.2f} "
            f"({o.server_cpu * 1000 / created:.2f} + {pg * 1000 / created:.2f}) "
            f"| {o.idle * o.seconds * 1000 / created:.2f} "
            f"| {o.client_cpu * 1000 / created:.2f} | {stmts} | {'OK' if o.ok else 'FAILED'} |"
        )
    return "\n".join(rows)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--db",
        help="a SQLite file, `postgres` (a private cluster) or a postgresql:// URL; "
        "without it the matrix: SQLite 1 worker, PostgreSQL 1 and 2 workers",
    )
    parser.add_argument("--workers", type=int, default=1, help="server processes (with --db)")
    parser.add_argument("--seconds", type=float, default=8, help="length of each run")
    parser.add_argument("--processes", type=int, default=2, help="client processes")
    parser.add_argument("--threads", type=int, default=16, help="client threads per process")
    parser.add_argument(
        "--hot-share", type=float, default=0.1, help="share of spread requests on hot slots"
    )
    parser.add_argument("--hot-slots", type=int, default=3, help="hot slots of the spread load")
    parser.add_argument("--capacity", type=int, default=200, help="seats per slot (spread)")
    parser.add_argument(
        "--workload",
        default="both",
        choices=("spread", "hot", "both"),
        help="spread slots, one hot slot, or both",
    )
    parser.add_argument(
        "--synchronous", default="FULL", choices=("FULL", "NORMAL"), help="SQLite synchronous"
    )
    parser.add_argument(
        "--statements", action="store_true", help="list PostgreSQL statements per request"
    )
    parser.add_argument(
        "--profile",
        type=Path,
        help="record the server with py-spy into this directory and print its top functions "
        "(costs CPU itself: CPU figures of a profiled run are not the budget's)",
    )
    return parser


def main() -> int:
    args = build_parser().parse_args()
    workloads = ("spread", "hot") if args.workload == "both" else (args.workload,)
    if args.db is None:
        combos = [("sqlite", 1), ("postgres", 1), ("postgres", 2)]
    elif args.db.startswith("postgres"):
        combos = [("postgres", args.workers)]
    else:
        if args.workers != 1:
            raise SystemExit("a SQLite central is one process: --workers 1")
        combos = [("sqlite", 1)]
    configs = [Config(b, w, wl) for b, w in combos for wl in workloads]
    print(
        f"{os.cpu_count()} cores shared by server and clients; clients "
        f"{args.processes} processes x {args.threads} threads; {args.seconds:.0f} s per run",
        flush=True,
    )
    outcomes: list[Outcome] = []
    needs_pg = any(c.backend == "postgres" for c in configs)
    url = args.db if args.db and args.db.startswith("postgresql://") else None
    with _cluster(needs_pg, url) as cluster:
        for config in configs:
            outcome = run_one(config, args, cluster if config.backend == "postgres" else None)
            outcomes.append(outcome)
            print(describe(outcome, args), flush=True)
            if args.profile and args.profile_to.exists():
                print(_profile.top(args.profile_to), flush=True)
    print()
    print(table(outcomes))
    return 0 if all(o.ok for o in outcomes) else 1


def _cluster(needed: bool, url: str | None):
    import contextlib

    if not needed:
        return contextlib.nullcontext(None)
    if url is None:
        return private_cluster()
    return contextlib.nullcontext(_existing_cluster(url))


def _existing_cluster(url: str) -> Cluster:
    """A server the caller gave: its CPU counts if its data directory is readable here."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        data = Path(conn.execute("SHOW data_directory").fetchone()[0])
    if not (data / "postmaster.pid").exists():
        raise SystemExit(f"{data} is not on this machine: its CPU cannot be counted")
    return Cluster(url, data)


if __name__ == "__main__":
    sys.exit(main())
