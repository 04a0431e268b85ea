"""CPU time of the central's server processes, and a private PostgreSQL cluster to measure in.

Not a benchmark itself (the leading underscore keeps it apart): `central_load.py` and
`fleet.py` use it (and `start_serve`, the central in its own process).

Why a private cluster: the CPU of "all server processes" includes the PostgreSQL backends, and
on a shared machine the tests' cluster serves other people's queries too. A cluster of our own
(scripts/postgres with its own directory and port) runs nothing but the bench, so the CPU of its
postmaster and of every child of it is the database's share of the bookings.

How CPU is counted (Linux /proc/PID/stat, in clock ticks): utime+stime of every process of a
tree (the root and all its descendants) alive at the end, minus what the same processes had at
the start; plus the growth of the root's cutime+cstime, which is where the CPU of children that
ended (and were reaped) during the run goes (a backend whose connection closed, a worker that
exited).
"""

from __future__ import annotations

import contextlib
import http.client
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TICK = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


CLI = [sys.executable, "-c", "from central.cli import main; raise SystemExit(main())"]


def start_serve(
    tmp: Path, args: list[str], token: str, workers: int = 1
) -> tuple[subprocess.Popen, int]:
    """`kiosk-central serve ARGS --port P` in its own process (stderr to tmp/server.log), once
    `/v1/config` answers 200 for `token`; (process, port). Exits the bench with the server's
    log if it does not start within 30 s."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [*CLI, "serve", *args, "--port", str(port)]
    with (tmp / "server.log").open("wb") as log:
        server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=log)
    deadline = time.monotonic() + 30
    while True:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/v1/config", headers={"Authorization": f"Bearer {token}"})
            if conn.getresponse().status == 200:
                conn.close()
                # every worker up: uvicorn's workers accept on one socket; give them a moment
                time.sleep(0.5 * workers)
                return server, port
        except OSError:
            pass
        if time.monotonic() > deadline or server.poll() is not None:
            server.kill()
            sys.stderr.write((tmp / "server.log").read_text(errors="replace")[-3000:])
            raise SystemExit("the central did not start")
        time.sleep(0.1)


def _stat(pid: int) -> tuple[int, int, int] | None:
    """(ppid, utime+stime, cutime+cstime) of `pid` in ticks, None if it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # the command name (field 2) is in parentheses and may hold spaces
    fields = text[text.rindex(")") + 2 :].split()
    ppid = int(fields[1])
    own = int(fields[11]) + int(fields[12])
    children = int(fields[13]) + int(fields[14])
    return ppid, own, children


def _tree(root: int) -> dict[int, int]:
    """{pid: utime+stime} of `root` and all its descendants now."""
    parents: dict[int, int] = {}
    own: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            st = _stat(int(entry))
            if st is not None:
                parents[int(entry)], own[int(entry)] = st[0], st[1]
    keep = {root}
    changed = True
    while changed:
        changed = False
        for pid, ppid in parents.items():
            if ppid in keep and pid not in keep:
                keep.add(pid)
                changed = True
    return {pid: own[pid] for pid in keep if pid in own}


_BACKGROUND = (
    "walwriter", "checkpointer", "background writer", "autovacuum", "logical replication",
    "walsummarizer", "io worker", "archiver",
)  # fmt: skip


def _kind(pid: int) -> str:
    """What a PostgreSQL process is, from the title it sets (`postgres: walwriter`, ...):
    a background process by name, else a client's backend."""
    try:
        title = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    except OSError:
        return "ended"
    if not title.startswith("postgres: "):
        return "postmaster"
    rest = title.removeprefix("postgres: ")
    return next((k for k in _BACKGROUND if rest.startswith(k)), "backends")


@dataclass
class TreeSample:
    root: int
    own: dict[int, int]
    reaped: int

    @classmethod
    def take(cls, root: int) -> TreeSample:
        st = _stat(root)
        return cls(root, _tree(root), 0 if st is None else st[2])

    def by_kind_since(self, before: TreeSample) -> dict[str, float]:
        """CPU seconds since `before` per kind of PostgreSQL process (`_kind`); the CPU of
        children that ended in between is "ended"."""
        out: dict[str, float] = {}
        for pid, t in self.own.items():
            kind = _kind(pid)
            out[kind] = out.get(kind, 0.0) + (t - before.own.get(pid, 0)) / TICK
        if self.reaped != before.reaped:
            out["ended"] = out.get("ended", 0.0) + (self.reaped - before.reaped) / TICK
        return out

    def seconds_since(self, before: TreeSample) -> float:
        """CPU seconds the tree spent between `before` and this sample."""
        ticks = sum(t - before.own.get(pid, 0) for pid, t in self.own.items())
        ticks += self.reaped - before.reaped
        return ticks / TICK

    @property
    def processes(self) -> int:
        return len(self.own)


def _pg_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    if not found:
        raise SystemExit("no PostgreSQL server binaries (apt-get install postgresql)")
    return found[-1].parent


def _as_owner(*command: str) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.getuid() == 0 else list(command)


@dataclass
class Cluster:
    """A running private cluster: its admin URL, data directory and postmaster pid."""

    url: str
    data: Path

    def postmaster(self) -> int:
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def database(self, name: str) -> str:
        """A fresh, empty database `name` on this cluster; its URL."""
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
            with contextlib.suppress(psycopg.Error):
                conn.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        return self.url.rsplit("/", 1)[0] + "/" + name

    def statements(self, dbname: str, reset: bool = False) -> list[tuple[int, str]]:
        """(calls, query) of `dbname` from pg_stat_statements, most called first."""
        import psycopg

        try:
            with psycopg.connect(self.url, autocommit=True) as conn:
                if reset:
                    conn.execute("SELECT pg_stat_statements_reset()")
                    return []
                return conn.execute(
                    "SELECT s.calls, s.query FROM pg_stat_statements s JOIN pg_database d "
                    "ON d.oid = s.dbid WHERE d.datname = %s ORDER BY s.calls DESC",
                    (dbname,),
                ).fetchall()
        except psycopg.Error:  # a server without pg_stat_statements: no statement counts
            return []

    def transactions(self, dbname: str) -> int:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute("SELECT pg_stat_clear_snapshot()")
            row = conn.execute(
                "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = %s",
                (dbname,),
            ).fetchone()
        return int(row[0])


@contextlib.contextmanager
def private_cluster() -> Iterator[Cluster]:
    """Start a cluster of our own (scripts/postgres on a free port in a temporary directory,
    pg_stat_statements loaded), and stop and remove it afterwards."""
    base = Path(tempfile.mkdtemp(prefix="kiosk-bench-pg-"))
    port = free_port()
    env = {**os.environ, "KIOSK_PG_DIR": str(base), "KIOSK_PG_PORT": str(port)}
    data = base / "data"
    pg_ctl = str(_pg_bin() / "pg_ctl")
    try:
        url = subprocess.run(
            [str(ROOT / "scripts" / "postgres")],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if url.returncode != 0:
            raise SystemExit(f"the private PostgreSQL cluster did not start: {url.stderr}")
        # pg_stat_statements must be preloaded: one restart of our own cluster
        conf = data / "postgresql.conf"
        with conf.open("a") as f:
            f.write("shared_preload_libraries = 'pg_stat_statements'\n")
            f.write("pg_stat_statements.track_utility = on\n")
        subprocess.run(
            _as_owner(pg_ctl, "-D", str(data), "-l", str(base / "server.log"), "-w", "restart"),
            check=True,
            capture_output=True,
        )
        yield Cluster(url.stdout.strip().splitlines()[-1], data)
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run(
                _as_owner(pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop"),
                capture_output=True,
                check=False,
            )
        shutil.rmtree(base, ignore_errors=True)
