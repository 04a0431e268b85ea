"""The floor under the central's CPU per booking on this machine, measured: what the parts the
booking path is made of cost when they do nothing else.

- HTTP: a bare ASGI app (bench/_floor_app.py: read the body, answer a fixed 201) under
  `uvicorn --workers 2 --loop uvloop --http httptools`, driven by the same clients as
  bench/central_load.py (same booking bodies, same persistent connections): the server's CPU
  per request with no framework, no validation and no database.
- PostgreSQL: from THREADS threads, each on its own connection, autocommit statements against a
  private cluster: `SELECT 1` (a round trip, no write), a one-row INSERT (a round trip and a
  commit with its WAL flush), and the same into an UNLOGGED table (a commit without a flush):
  the client's CPU (psycopg) and the cluster's CPU per statement.

    .venv/bin/python bench/floor.py [--seconds 8] [--statements 20000]

The booking path cannot cost less than one HTTP request plus its statements; docs/
central-performance.md compares these figures with the booking's.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server_cpu import TreeSample, free_port, private_cluster
from central_load import _cpu_self, client_process

HERE = Path(__file__).resolve().parent


def http_floor(args) -> str:
    port = free_port()
    command = [
        sys.executable, "-m", "uvicorn", "_floor_app:app", "--app-dir", str(HERE),
        "--port", str(port), "--workers", "2", "--loop", "uvloop", "--http", "httptools",
        "--no-access-log", "--log-level", "warning",
    ]  # fmt: skip
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(3)
        start_at = time.time() + 4.0
        jobs = [
            (port, "none", p, args.threads, args.seconds, ["slot"], ["slot"], 0.0, start_at)
            for p in range(args.processes)
        ]
        with mp.get_context("spawn").Pool(args.processes) as pool:
            pending = pool.map_async(client_process, jobs)
            while time.time() < start_at:
                time.sleep(0.001)
            s0 = TreeSample.take(server.pid)
            parts = pending.get()
            s1 = TreeSample.take(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=20)
    done = sum(1 for part, _ in parts for _, status in part if status == 201)
    cpu = s1.seconds_since(s0)
    client = sum(c for _, c in parts)
    return (
        f"bare ASGI under uvicorn, 2 workers: {done / args.seconds:.0f} requests/s, server CPU "
        f"{cpu / done * 1000:.3f} ms per request (clients {client / done * 1000:.3f} ms)"
    )


def pg_floor(args, url: str, postmaster: int, sql: str, params) -> tuple[float, float]:
    import psycopg

    per_thread = args.statements // args.pg_threads
    conns = [psycopg.connect(url, autocommit=True) for _ in range(args.pg_threads)]
    barrier = threading.Barrier(args.pg_threads + 1)

    def run(conn) -> None:
        barrier.wait()
        for _ in range(per_thread):
            conn.execute(sql, params).fetchall()

    threads = [threading.Thread(target=run, args=(c,)) for c in conns]
    for t in threads:
        t.start()
    p0, c0 = TreeSample.take(postmaster), _cpu_self()
    barrier.wait()
    for t in threads:
        t.join()
    p1, c1 = TreeSample.take(postmaster), _cpu_self()
    for c in conns:
        c.close()
    n = per_thread * args.pg_threads
    return (c1 - c0) / n * 1e6, p1.seconds_since(p0) / n * 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=8, help="length of the HTTP run")
    parser.add_argument("--processes", type=int, default=2, help="client processes (HTTP)")
    parser.add_argument("--threads", type=int, default=16, help="client threads per process")
    parser.add_argument("--statements", type=int, default=20000, help="statements per PG test")
    parser.add_argument("--pg-threads", type=int, default=8, help="PostgreSQL client threads")
    args = parser.parse_args()
    print(http_floor(args), flush=True)
    import psycopg

    with private_cluster() as cluster:
        url = cluster.database("kiosk_floor")
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("CREATE TABLE floor (id bigserial PRIMARY KEY, v text NOT NULL)")
            conn.execute(
                "CREATE UNLOGGED TABLE floor_u (id bigserial PRIMARY KEY, v text NOT NULL)"
            )
        for name, sql, params in (
            ("SELECT 1 (round trip, no write)", "SELECT 1", ()),
            (
                "one-row INSERT (round trip + commit)",
                "INSERT INTO floor(v) VALUES (%s) RETURNING id",
                ("x",),
            ),
            (
                "one-row INSERT, UNLOGGED table (no WAL flush)",
                "INSERT INTO floor_u(v) VALUES (%s) RETURNING id",
                ("x",),
            ),
        ):
            client, server = pg_floor(args, url, cluster.postmaster(), sql, params)
            print(
                f"PostgreSQL {name}, {args.pg_threads} threads: client (psycopg) "
                f"{client:.0f} us, cluster {server:.0f} us of CPU per statement",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
