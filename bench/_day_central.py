"""The server side of bench/day_one.py: a private PostgreSQL cluster, `kiosk-central serve
--workers N` on it (stopped hard for the outage, started again on the same port), the CPU
those processes spend, and the SMS gateway's fake when this build has one.

The outage stops the central's processes (SIGKILL to the whole process group: a crash, not a
graceful shutdown), not PostgreSQL: DESIGN's "central outage" is the API being unreachable for
the terminals (connections refused), which is what the breaker and the journal are for. A
database that is down behind a running API answers 503 database-unavailable instead: another
path, tested by the PostgreSQL store's own restart test.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-c", "from central.cli import main; raise SystemExit(main())"]
TICK = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float, alive=lambda: True) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and alive():
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return True
        except OSError:
            time.sleep(0.05)
    return False


class PrivateCluster:
    """A PostgreSQL cluster of our own (scripts/postgres in a temporary directory on a free
    port), so the bench never loads or restarts the shared one the tests use."""

    def __init__(self, base: Path) -> None:
        self.dir = base / "pg"
        self.port = free_port()
        self.env = {**os.environ, "KIOSK_PG_DIR": str(self.dir), "KIOSK_PG_PORT": str(self.port)}
        out = subprocess.run(
            [str(ROOT / "scripts" / "postgres")],
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        if out.returncode != 0:
            raise SystemExit(f"day_one: the private PostgreSQL did not start: {out.stderr}")
        admin = out.stdout.strip().splitlines()[-1]
        import psycopg

        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute("CREATE DATABASE dayone")
        self.url = admin.rsplit("/", 1)[0] + "/dayone"

    def postmaster_pid(self) -> int:
        return int((self.dir / "data" / "postmaster.pid").read_text().split()[0])

    def stop(self) -> None:
        bindir = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
        cmd = [str(bindir / "pg_ctl"), "-D", str(self.dir / "data"), "-m", "fast", "-w", "stop"]
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        subprocess.run(cmd, capture_output=True, timeout=60, check=False)
        shutil.rmtree(self.dir, ignore_errors=True)


def cli(*args: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([*CLI, *args], capture_output=True, text=True, env=env, check=False)
    if out.returncode != 0:
        raise SystemExit(f"kiosk-central {args[0]} failed: {out.stderr[-2000:]}")
    return out.stdout.strip()


class CentralProcess:
    """`kiosk-central serve` on one port, started again on the same port after a crash."""

    def __init__(self, base: Path, url: str, args: list[str]) -> None:
        self.base, self.url, self.args = base, url, args
        self.port = free_port()
        self.proc: subprocess.Popen | None = None
        self.log = base / "central.log"

    def start(self) -> None:
        command = [
            *CLI,
            *("serve", "--db", self.url, "--keys-dir", str(self.base / "keys")),
            *("--port", str(self.port), "--no-access-log", "--log-level", "warning"),
            *self.args,
        ]
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                command, env=env, stdout=log, stderr=log, start_new_session=True
            )
        if not wait_for_port(self.port, 60, lambda: self.proc.poll() is None):
            self.kill()
            tail = self.log.read_text(errors="replace")[-3000:]
            raise SystemExit(f"day_one: the central did not start:\n{tail}")

    def pids(self) -> list[int]:
        """The serve process and its workers (uvicorn's children)."""
        if self.proc is None:
            return []
        return [self.proc.pid, *children(self.proc.pid)]

    def kill(self) -> None:
        if self.proc is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)
            self.proc = None

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=20)
        self.kill()


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def proc_times(pid: int) -> tuple[float, float] | None:
    """(utime + stime, cutime + cstime) of a process, in seconds; None once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    own = (int(fields[11]) + int(fields[12])) / TICK
    reaped = (int(fields[13]) + int(fields[14])) / TICK
    return own, reaped


class CpuMeter:
    """CPU seconds of the central (every serve process and worker) and of PostgreSQL (the
    postmaster, its live children, and what its exited children spent: cutime/cstime), read
    from /proc as bench/central_load.py does. A process killed between two samples keeps its
    last reading, so a crash loses at most one sampling interval of its CPU."""

    def __init__(self, central: CentralProcess, postmaster: int) -> None:
        self.central = central
        self.postmaster = postmaster
        self.api_seen: dict[int, float] = {}
        self.pg_last = 0.0

    def sample(self) -> tuple[float, float]:
        for pid in self.central.pids():
            times = proc_times(pid)
            if times is not None:
                self.api_seen[pid] = max(self.api_seen.get(pid, 0.0), times[0])
        api = sum(self.api_seen.values())
        pm = proc_times(self.postmaster)
        if pm is not None:
            live = [proc_times(c) for c in children(self.postmaster)]
            self.pg_last = pm[0] + pm[1] + sum(t[0] for t in live if t is not None)
        return api, self.pg_last


class Sms:
    """The outbox's fake gateway (central.notify.fake_gateway.FakeGateway, on a loopback port in
    this process) and the serve flags that point the central at it, when this build has the
    outbox; `available` False otherwise."""

    def __init__(self, base: Path) -> None:
        self.available = importlib.util.find_spec("central.notify") is not None
        self.gateway = None
        self.flags: list[str] = []
        if not self.available:
            return
        import secrets

        from central.notify.fake_gateway import FakeGateway

        token = secrets.token_urlsafe(16)
        token_file = base / "sms-token"
        token_file.touch(mode=0o600)
        token_file.write_text(token)
        self.gateway = FakeGateway(token=token).start()
        self.flags = ["--sms-gateway-url", self.gateway.url, "--sms-token-file", str(token_file)]

    def messages(self) -> list[dict]:
        """`GET /messages` of the fake: every message it accepted."""
        assert self.gateway is not None
        url = self.gateway.url.rsplit("/", 1)[0] + "/messages"
        with urllib.request.urlopen(url, timeout=10) as r:
            return json.loads(r.read())

    def stop(self) -> None:
        if self.gateway is not None:
            self.gateway.stop()


class Sampler(threading.Thread):
    """CPU of the server processes and of the whole machine, every `every` wall seconds."""

    def __init__(self, meter: CpuMeter, every: float, t0: float) -> None:
        super().__init__(daemon=True)
        self.meter, self.every, self.t0 = meter, every, t0
        self.samples: list[tuple[float, float, float, float]] = []  # t, api, pg, machine busy
        self.halt = threading.Event()
        self.lock = threading.Lock()

    def take(self) -> None:
        with self.lock:
            api, pg = self.meter.sample()
            self.samples.append((time.monotonic() - self.t0, api, pg, machine_busy()))

    def run(self) -> None:
        while not self.halt.wait(self.every):
            self.take()


def machine_busy() -> float:
    """CPU seconds all cores have been busy since boot (user, nice, system, irq, softirq)."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    return sum(int(fields[i]) for i in (0, 1, 2, 5, 6)) / os.sysconf("SC_CLK_TCK")
