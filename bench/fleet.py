"""Fleet health at day-one scale (DESIGN §9, §13): 13,000 terminals reporting every 60 s, and the
console's reads over them.

    .venv/bin/python bench/fleet.py [--db sqlite|postgres] [--terminals 13000] [--seconds 20]
        [--rate 217] [--workers N] [--unseeded] [--profile DIR]

Enrols `--terminals` kiosk terminals (and their stores, and, unless `--unseeded`, every
terminal's latest report: the steady state) straight into a new database, a SQLite file or a
database on a private PostgreSQL cluster of its own (bench/_server_cpu.py: nothing else runs on
it, so its CPU is the reports'), starts a real `kiosk-central serve` on 127.0.0.1, and sends
`PUT /v1/terminals/me/health` reports from them in turn at `--rate` per second (13,000 / 60 s =
217/s) from client threads with keep-alive connections. It prints the central's CPU per report
(API processes and, on PostgreSQL, the cluster's processes apart, /proc), the share of one
core that 13,000 terminals at 60 s cost (budget: under 20 %), PostgreSQL statements and
transactions per report (pg_stat_statements), then the server time of the console's reads
(`central.fleet_reads.overview()` / `terminals()`, in this process, median of 7; budget for the
overview: under 300 ms) and of the console's pages over HTTP with a signed-in session.
`--profile DIR` samples the server with py-spy while it runs.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import _profile
from _fleet_seed import enrol, report, time_console, time_reads, token
from _server_cpu import TreeSample, private_cluster, start_serve

ROOT = Path(__file__).resolve().parent.parent
DBNAME = "fleet"


def serve(db: str, tmp: Path, workers: int) -> tuple[subprocess.Popen, int]:
    args = ["--db", db, "--keys-dir", str(tmp / "keys")]
    args += ["--no-access-log", "--log-level", "warning", "--max-in-flight", "1024"]
    if workers > 1:
        args += ["--workers", str(workers)]
    return start_serve(tmp, args, token(0), workers)


def drive(port: int, n: int, rate: float, seconds: float, threads: int) -> tuple[int, dict]:
    """Send `rate * seconds` reports, terminal after terminal, at `rate`; (sent, statuses)."""
    total = int(rate * seconds)
    counter = iter(range(total))
    lock = threading.Lock()
    statuses: dict[int, int] = {}
    start = time.monotonic()
    bodies = [report(i) for i in range(n)]

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while True:
            with lock:
                k = next(counter, None)
            if k is None:
                return
            if (wait := start + k / rate - time.monotonic()) > 0:
                time.sleep(wait)
            i = k % n
            headers = {"Authorization": f"Bearer {token(i)}", "Content-Type": "application/json"}
            conn.request("PUT", "/v1/terminals/me/health", body=bodies[i], headers=headers)
            r = conn.getresponse()
            r.read()
            with lock:
                statuses[r.status] = statuses.get(r.status, 0) + 1

    pool = [threading.Thread(target=client) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return total, statuses


def main() -> int:  # noqa: PLR0915 - one linear measurement script
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite", help="the store")
    p.add_argument("--terminals", type=int, default=13_000, help="terminals enrolled")
    p.add_argument("--seconds", type=float, default=20.0, help="how long to send reports")
    p.add_argument("--rate", type=float, default=217.0, help="reports per second")
    p.add_argument("--threads", type=int, default=32, help="client threads (keep-alive each)")
    p.add_argument("--workers", type=int, default=1, help="server processes (PostgreSQL)")
    p.add_argument(
        "--unseeded",
        action="store_true",
        help="no latest report first: every report of the window is a terminal's first",
    )
    p.add_argument("--profile", type=Path, metavar="DIR", help="py-spy the server into DIR")
    args = p.parse_args()
    with contextlib.ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        cluster = stack.enter_context(private_cluster()) if args.db == "postgres" else None
        db = cluster.database(DBNAME) if cluster else str(tmp / "central.db")
        enrol(db, args.terminals, seed=not args.unseeded)
        server, port = serve(db, tmp, args.workers)
        try:
            if cluster:
                cluster.statements(DBNAME, reset=True)
                xacts = cluster.transactions(DBNAME)
                p0 = TreeSample.take(cluster.postmaster())
            s0 = TreeSample.take(server.pid)
            spy = None
            if args.profile:
                args.profile.mkdir(parents=True, exist_ok=True)
                raw = args.profile / f"fleet-{args.db}.txt"
                spy = _profile.start(server.pid, raw, args.seconds)
            t0 = time.monotonic()
            total, statuses = drive(port, args.terminals, args.rate, args.seconds, args.threads)
            elapsed = time.monotonic() - t0
            api = TreeSample.take(server.pid).seconds_since(s0)
            pg = TreeSample.take(cluster.postmaster()).seconds_since(p0) if cluster else 0.0
            if cluster:
                statements = cluster.statements(DBNAME)
                transactions = cluster.transactions(DBNAME) - xacts
            if spy is not None:
                spy.wait(timeout=60)
            pages = time_console(db, port)
        finally:
            server.terminate()
            server.wait(timeout=30)
        per = (api + pg) / total
        print(f"store: {args.db}, {args.workers} server process(es), {args.terminals} terminals")
        print(f"reports: {total} in {elapsed:.1f} s ({total / elapsed:.0f}/s), statuses {statuses}")
        print(
            f"central CPU per report: {per * 1000:.2f} ms (API {api / total * 1000:.2f} ms"
            + (f" + PostgreSQL {pg / total * 1000:.2f} ms)" if cluster else ")")
        )
        print(
            f"13,000 terminals every 60 s = {13_000 / 60:.0f}/s: "
            f"{per * 13_000 / 60 * 100:.1f} % of one core (budget: under 20 %)"
        )
        if cluster:
            calls = sum(
                n for n, q in statements if not q.lstrip().upper().startswith(("BEGIN", "COMMIT"))
            )
            print(
                f"PostgreSQL per report: {calls / total:.2f} statements (BEGIN/COMMIT not "
                f"counted), {transactions / total:.2f} transactions"
            )
            for n, q in statements[:8]:
                print(f"  {n:>7}  {' '.join(q.split())[:110]}")
        if spy is not None:
            print(_profile.top(raw))
        print("server time of the console's reads, in this process (median of 7):")
        for name, ms, figure in time_reads(db):
            print(f"  {name:<45} {ms:8.1f} ms  ({figure})")
        if pages:
            print("console pages over HTTP, signed in (median and worst of 7):")
        for path, median, worst in pages:
            print(f"  {path:<60} {median:8.1f} ms  (worst {worst:.1f} ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
