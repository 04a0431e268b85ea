"""A real `kiosk-central serve --workers N` subprocess on PostgreSQL, for the tests of issue 12.

The server runs as it does in production: uvicorn's supervisor binds one loopback socket on a
free port and spawns N worker processes accepting on it. Its log (stderr) goes to a file the
test can read while it runs; each worker adds `X-Central-Worker: <pid>` to its answers
(central.workers), so a test can show which workers answered. Tokens are issued straight in the
database the server uses, at the server's instant (`--now T0`).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from central.store.postgres import PostgresStore
from tests.central.conftest import T0

ROOT = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-c", "from central.cli import main; raise SystemExit(main())"]
WORKER = "x-central-worker"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def children(pid: int) -> list[int]:
    """The worker processes uvicorn's supervisor `pid` runs now."""
    try:
        found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except FileNotFoundError:
        return []
    workers = []
    for c in found:
        try:
            cmdline = Path(f"/proc/{c}/cmdline").read_bytes().decode(errors="replace")
        except FileNotFoundError:
            continue
        if "spawn_main" in cmdline:
            workers.append(int(c))
    return workers


@dataclass
class Served:
    base: str
    url: str
    keys: Path
    process: subprocess.Popen[bytes]
    log: Path
    workers: int
    tokens: dict[str, str] = field(default_factory=dict)

    def worker_pids(self) -> list[int]:
        return children(self.process.pid)

    def wait_for_workers(self, count: int | None = None, timeout: float = 30) -> list[int]:
        """The worker pids once `count` (default: all) of them answer on the socket.

        A worker process exists well before it accepts (it still imports the app), and on a
        loaded machine the last one can take seconds: a race test released before then finds
        only one worker answering. So each must have answered a request (new connections,
        `X-Central-Worker`) before this returns."""
        count = count or self.workers
        deadline = time.monotonic() + timeout
        answered: set[int] = set()
        while True:
            pids = self.worker_pids()
            if len(pids) >= count and len(answered & set(pids)) >= count:
                return pids
            assert self.process.poll() is None, self.log_text()
            assert time.monotonic() < deadline, (
                f"{count} workers did not start answering: {pids}, answered {answered}"
            )
            for r in together([self._ask_config] * 6):  # at once: an idle worker takes some
                if isinstance(r, requests.Response) and WORKER in r.headers:
                    answered.add(int(r.headers[WORKER]))
            time.sleep(0.05)

    def _ask_config(self) -> requests.Response:
        return requests.get(self.base + "/v1/config", headers={"Connection": "close"}, timeout=5)

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    def token(self, terminal: str, channel: str = "kiosk", store: str | None = None) -> str:
        if terminal not in self.tokens:
            db = PostgresStore(self.url, max_size=1)
            try:
                self.tokens[terminal] = db.issue_token(terminal, store or terminal, channel, T0)
            finally:
                db.close()
        return self.tokens[terminal]

    def auth(self, terminal: str = "kiosk-1", channel: str = "kiosk") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(terminal, channel)}"}

    def book(
        self, body: dict[str, Any], terminal: str = "kiosk-1", channel: str = "kiosk", **kw: Any
    ) -> requests.Response:
        """POST /v1/bookings on a connection of its own (no session: the kernel picks the
        worker for each new connection)."""
        headers = {**self.auth(terminal, channel), "Idempotency-Key": body["booking_id"]}
        kw.setdefault("timeout", 60)
        return requests.post(self.base + "/v1/bookings", json=body, headers=headers, **kw)

    def stop(self) -> None:
        workers = self.worker_pids()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for pid in workers:  # never leave a worker behind (a SIGTERM ends them all)
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def serve(
    url: str,
    tmp_path: Path,
    *flags: str,
    workers: int = 2,
    capacity: int = 50,
    always_open: bool = True,
    at: str = T0.isoformat(),
) -> Served:
    """`serve --db url --workers N --demo --always-open --now T0` on a free loopback port,
    answering, with all its workers up. `always_open=False` keeps the default hours; `at=""`
    leaves the clock to the flags (`--clock-file`)."""
    keys = tmp_path / "keys"
    port = free_port()
    log = tmp_path / f"serve-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*CLI, "serve", "--db", url, "--keys-dir", str(keys), "--port", str(port),
             "--workers", str(workers), "--demo", "--capacity", str(capacity), "--no-access-log",
             *(["--always-open"] if always_open else []), *(["--now", at] if at else []),
             *flags],
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.DEVNULL,
            stderr=out,
        )  # fmt: skip
    served = Served(f"http://127.0.0.1:{port}", url, keys, process, log, workers)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(served.base + "/v1/config", timeout=2).status_code == 401:
                    break
            except requests.ConnectionError:
                pass
            assert process.poll() is None, served.log_text()
            assert time.monotonic() < deadline, "the central did not start: " + served.log_text()
            time.sleep(0.1)
        served.wait_for_workers()
        # Before any race: a new token replaces the old one, so none is issued mid-race.
        for terminal, channel in (("kiosk-1", "kiosk"), ("kiosk-2", "kiosk"), ("web-1", "web")):
            served.token(terminal, channel)
    except BaseException:
        served.stop()
        raise
    return served


def together(calls: Sequence[Callable[[], Any]], timeout: float = 90) -> list[Any]:
    """Run `calls` in threads released at once by a barrier; their results in order (an
    exception a call raised is its result)."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        barrier.wait()
        try:
            results[i] = call()
        except Exception as exc:  # noqa: BLE001 - the test looks at it
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
        assert not t.is_alive(), "a request never returned"
    return results


@dataclass
class Answer:
    """One booking request of a load run: the body sent, and the answer or the failure."""

    body: dict[str, Any]
    started: float
    ended: float
    status: int | None = None  # None: no HTTP answer (the connection failed)
    worker: int | None = None
    json: Any = None
    retry_after: str | None = None
    error: str | None = None


class Load:
    """Threads booking made-up citizens through `served` without pause, each request on a new
    connection, until `stop()`; every request and its answer is kept in `answers`.

    Citizens are numbered from `first` (one each, never twice), spread over the hourly slots
    (09:00-15:00) of `sites` on 2 June, so the slots do not fill up and a refusal is a fault."""

    def __init__(
        self,
        served: Served,
        *,
        threads: int = 6,
        first: int = 10_000,
        sites: Sequence[str] = ("scg-bang-sue", "central-lardprao", "mall-bangkapi"),
        timeout: float = 30,
    ) -> None:
        from tests.central.conftest import booking_body, citizen

        self.served = served
        self.answers: list[Answer] = []
        self._lock = threading.Lock()
        self._next = first
        self._stop = threading.Event()
        self._timeout = timeout
        self._sites = sites
        self._body = booking_body
        self._citizen = citizen
        self._threads = [threading.Thread(target=self._run, daemon=True) for _ in range(threads)]

    def _new_body(self) -> dict[str, Any]:
        with self._lock:
            n = self._next
            self._next += 1
        site = self._sites[n % len(self._sites)]
        slot = f"{site}-20210602-{9 + n % 7:02d}00"
        return self._body(self._citizen(n), slot)

    def _run(self) -> None:
        while not self._stop.is_set():
            body = self._new_body()
            answer = Answer(body, time.time(), 0.0)
            try:
                r = self.served.book(body, timeout=self._timeout)
                answer.status = r.status_code
                answer.worker = int(r.headers[WORKER]) if WORKER in r.headers else None
                answer.json = r.json()
                answer.retry_after = r.headers.get("retry-after")
            except requests.RequestException as exc:
                answer.error = type(exc).__name__
            answer.ended = time.time()
            with self._lock:
                self.answers.append(answer)

    def start(self) -> Load:
        for t in self._threads:
            t.start()
        return self

    def stop(self) -> list[Answer]:
        self._stop.set()
        for t in self._threads:
            t.join(self._timeout + 10)
            assert not t.is_alive(), "a load thread never returned"
        return list(self.answers)

    def count(self) -> int:
        with self._lock:
            return len(self.answers)
