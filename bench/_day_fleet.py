"""The simulated clients of bench/day_one.py: store terminals with an offline queue, and web and
app users. All run as coroutines in one process (bench/_day_http.py says why).

A terminal is a faithful in-memory model of `sync/` (a real journal file per terminal would
cost 2,000 SQLite files and fsyncs on the two cores the central is measured on): the customer's
booking goes out plain with the kiosk's 2.5 s deadline and the client's two retries (honouring
Retry-After when it fits the deadline); when the central is not reached it is queued, sealed
to the central's key as the journal keeps it, and replayed oldest first under the same
Idempotency-Key, with the worker's rules: the real `CircuitBreaker` (the replay makes the
trials), the real full-jitter backoff, Retry-After holding the whole terminal, a refusal settled
by the real `verdict` table. Terminal timers (breaker wait, backoff, idle tick) are divided by
the time compression, so they keep their length in the simulated day; the central's
Retry-After and the 2.5 s/10 s deadlines are not, since they are about the central's real speed.

Web and app users send the plain booking, wait out a 429/503's Retry-After (or a minute or two
of the day when the central is unreachable), take the first alternative of a `slot-full`, and
give up after six tries.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections import Counter, deque
from dataclasses import dataclass, field

from _day_bodies import Bodies, alternative, plain
from _day_curve import Scale, is_cut
from _day_http import Connection, Reply, Unreachable

from kiosk.booking.outcome import verdict
from sync.backoff import full_jitter, retry_after
from sync.breaker import CircuitBreaker

ONLINE_DEADLINE = 2.5  # kiosk/booking/service.py
SEND_DEADLINE = 10.0  # sync/worker.py
CLIENT_RETRIES = 2  # sync/client.py
REFUSED = (429, 503)
RETRYABLE = (429, 500, 502, 503, 504)


@dataclass
class Request:
    sent: float  # wall seconds since the day opened
    latency: float
    status: int  # 0: sent, no answer in time; -1: could not connect
    channel: str
    kind: str  # "online" (a customer waiting), "replay", "web"


@dataclass
class Recorder:
    t0: float
    requests: list[Request] = field(default_factory=list)
    #: booking id -> (wall seconds, channel, status answered) of every 201/200 answer: each
    #: must be active in the database at the end.
    created: dict[str, tuple[float, str, str]] = field(default_factory=dict)
    outcomes: Counter = field(default_factory=Counter)
    in_flight: int = 0
    #: per interval index: the most requests in flight at once.
    peak_in_flight: Counter = field(default_factory=Counter)
    interval: float = 10.0

    def now(self) -> float:
        return time.monotonic() - self.t0

    def begin(self) -> float:
        self.in_flight += 1
        i = int(self.now() // self.interval)
        self.peak_in_flight[i] = max(self.peak_in_flight[i], self.in_flight)
        return time.monotonic()

    def end(self, started: float, status: int, channel: str, kind: str) -> None:
        self.in_flight -= 1
        self.requests.append(
            Request(started - self.t0, time.monotonic() - started, status, channel, kind)
        )


def status_of(reply: Reply) -> str:
    body = reply.json()
    return str(body.get("status")) if isinstance(body, dict) else "?"


class Fleet:
    """Everything the clients share: the central's address, the clock, the figures."""

    def __init__(self, port: int, scale: Scale, bodies: Bodies, seed: int, interval: float):
        self.port = port
        self.scale = scale
        self.bodies = bodies
        self.rng = random.Random(seed)
        self.rec = Recorder(time.monotonic(), interval=interval)
        self.t0_epoch = time.time()
        self.lines_restored = False  # the end of the day: every terminal's line is back
        self.stopping = False
        self.terminals: list[Terminal] = []
        self.backlog: set[str] | None = None  # queued when the outage ended
        self.backlog_size = 0
        self.backlog_drained_at: float | None = None
        self.behind_cut_lines = 0  # queued at the outage's end at terminals whose line was cut
        self.channel_tokens: dict[str, str] = {}
        self.tasks: set[asyncio.Task] = set()
        self.background: set[asyncio.Task] = set()
        self.queue_samples: dict[int, int] = {}  # interval index -> queued at its end

    async def sample_queues(self) -> None:
        while not self.stopping:
            await asyncio.sleep(self.rec.interval / 4)
            self.queue_samples[int(self.rec.now() // self.rec.interval)] = self.queued()

    def spawn(self, coro, *, background: bool = False) -> None:
        """Run a client; a client that fails is counted by its exception, never silent.
        `background`: runs all day (a replay loop), so the end of the day does not wait on it."""
        task = asyncio.ensure_future(self._guarded(coro))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        if background:
            self.background.add(task)
            task.add_done_callback(self.background.discard)

    async def _guarded(self, coro) -> None:
        try:
            await coro
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001  a bench bug must show in the figures
            self.rec.outcomes[f"client error: {type(exc).__name__}: {exc}"[:120]] += 1

    def hour(self) -> float:
        return self.scale.day_minutes(self.rec.now()) / 60

    def settled(self, booking_id: str) -> None:
        if self.backlog is not None and booking_id in self.backlog:
            self.backlog.discard(booking_id)
            if not self.backlog and self.backlog_drained_at is None:
                self.backlog_drained_at = self.rec.now()

    def mark_backlog(self) -> None:
        """The central is back: from now on, how long until every queued booking is settled."""
        up = [t for t in self.terminals if t.line_up()]
        self.backlog = {q[0] for t in up for q in t.queue} | {t.sending for t in up if t.sending}
        self.behind_cut_lines = sum(len(t.queue) for t in self.terminals if not t.line_up())
        self.backlog_size = len(self.backlog)
        if not self.backlog:
            self.backlog_drained_at = self.rec.now()

    def queued(self) -> int:
        return sum(len(t.queue) for t in self.terminals)

    async def post(
        self, conn: Connection, body: bytes, headers: dict, deadline: float, channel: str, kind: str
    ) -> Reply:
        started = self.rec.begin()
        status = 0  # sent, and no answer in time (or a bench error)
        try:
            reply = await conn.post("/v1/bookings", body, headers, max(0.05, deadline))
            status = reply.status
            return reply
        except Unreachable as exc:
            status = 0 if exc.reached else -1  # -1: never connected
            raise
        finally:
            self.rec.end(started, status, channel, kind)


class Terminal:
    def __init__(self, fleet: Fleet, index: int, token: str, cuts: list[tuple[float, float]]):
        self.fleet = fleet
        self.index = index
        self.cuts = cuts
        self.headers = {"Authorization": f"Bearer {token}"}
        # The kiosk's client pools connections: the counter and the replay never share one.
        self.conn = Connection("127.0.0.1", fleet.port)
        self.replay_conn = Connection("127.0.0.1", fleet.port)
        k = fleet.scale.compression
        self.k = k
        self.breaker = CircuitBreaker(fail_max=3, reset_timeout=15.0 / k)
        self.queue: deque[tuple[str, bytes]] = deque()
        self.sending: str | None = None
        self.attempt = 0
        self.not_before = 0.0
        self.wake = asyncio.Event()
        self.counter = asyncio.Lock()  # one customer at a time at a kiosk
        self.rng = random.Random(index)
        self._problem: dict | None = None

    def line_up(self) -> bool:
        return self.fleet.lines_restored or not is_cut(self.cuts, self.fleet.hour())

    async def request(self, key: str, body: bytes, deadline: float, kind: str) -> Reply:
        """sync/client.py's `request`: up to three attempts within `deadline`; raises
        Unreachable (breaker failure counted) or returns the central's answer."""
        conn = self.replay_conn if kind == "replay" else self.conn
        end = time.monotonic() + deadline
        last: Unreachable | None = None
        for attempt in range(1, CLIENT_RETRIES + 2):
            remaining = end - time.monotonic()
            if remaining <= 0.01:
                break
            wait = full_jitter(attempt, base=0.1, cap=1.0, rnd=self.rng)
            if not self.line_up():
                self.breaker.failure()
                last = Unreachable("line cut", reached=False)
                self.fleet.rec.outcomes["line-cut attempts"] += 1
            else:
                headers = {**self.headers, "Idempotency-Key": key}
                try:
                    reply = await self.fleet.post(conn, body, headers, remaining, "kiosk", kind)
                except Unreachable as exc:
                    self.breaker.failure()
                    last = exc
                else:
                    if reply.status not in RETRYABLE:
                        self.breaker.success()
                        return reply
                    self.breaker.failure()
                    last = Unreachable(f"{reply.status}", reached=reply.status not in REFUSED)
                    last.retry_after = retry_after(reply.headers.get("retry-after"))
                    wait = last.retry_after if last.retry_after is not None else wait
            if attempt > CLIENT_RETRIES or wait >= end - time.monotonic():
                break
            await asyncio.sleep(wait)
        raise last or Unreachable("no time left", reached=False)

    async def customer(self, person: int, duplicate_web_at: float | None) -> None:
        async with self.counter:
            body = self.fleet.bodies.body(person, "kiosk")
            if duplicate_web_at is not None:
                asyncio.get_running_loop().call_later(
                    duplicate_web_at, self.fleet.spawn, web_user(self.fleet, person, "web")
                )
            for _choice in range(2):
                outcome = await self._online(body)
                if outcome != "slot-full":
                    return
                alt = alternative(self._problem)
                if alt is None:
                    break
                body = self.fleet.bodies.body(person, "kiosk", alt)
            self.fleet.rec.outcomes["kiosk refused online: slot-full"] += 1

    async def _online(self, body: dict) -> str:
        outcomes = self.fleet.rec.outcomes
        key = body["booking_id"]
        if self.breaker.is_open():
            self._enqueue(body)
            outcomes["kiosk queued: breaker open"] += 1
            return "queued"
        try:
            reply = await self.request(key, plain(body), ONLINE_DEADLINE, "online")
        except Unreachable as exc:
            self._enqueue(body)
            outcomes[f"kiosk queued: {'line cut' if str(exc) == 'line cut' else 'no answer'}"] += 1
            return "queued"
        if reply.status in (200, 201):
            self.fleet.rec.created[key] = (self.fleet.rec.now(), "kiosk", status_of(reply))
            outcomes["kiosk booked online"] += 1
            return "booked"
        self._problem = reply.json()
        code = (self._problem or {}).get("code", str(reply.status))
        if code == "slot-full":
            return code
        if verdict(code) == "retry":  # request-in-flight: the journal keeps it and replays
            self._enqueue(body)
            outcomes["kiosk queued: request-in-flight"] += 1
            return "queued"
        outcomes[f"kiosk refused online: {code}"] += 1
        return code

    def _enqueue(self, body: dict) -> None:
        self.queue.append((body["booking_id"], self.fleet.bodies.sealed(body)))
        self.wake.set()

    async def replay(self) -> None:
        """sync/worker.py's loop: oldest first, one trial while the breaker is open, the whole
        terminal held by a Retry-After or backoff."""
        while not self.fleet.stopping:
            now = time.monotonic()
            wait = 0.0
            if not self.queue:
                wait = 1.0  # the journal's idle poll, here a wake-up on every enqueue
            elif self.not_before > now:
                wait = self.not_before - now
            elif self.breaker.is_open() and not self.breaker.allow_trial():
                wait = max(0.05, self.breaker.seconds_until_trial())
            if wait > 0:
                self.wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.wake.wait(), wait)
                continue
            try:
                await self._send_oldest()
            except Exception as exc:  # noqa: BLE001  the worker never dies of a bad moment
                self.fleet.rec.outcomes[f"replay error: {type(exc).__name__}"] += 1
                await asyncio.sleep(1.0 / self.k)
            finally:
                self.breaker.abandon_trial()

    async def _send_oldest(self) -> None:
        key, body = self.queue.popleft()
        self.sending = key
        outcomes = self.fleet.rec.outcomes
        try:
            reply = await self.request(key, body, SEND_DEADLINE, "replay")
        except Unreachable as exc:
            self.queue.appendleft((key, body))
            self.attempt += 1
            ra = exc.retry_after
            delay = (
                ra
                if ra is not None
                else full_jitter(self.attempt, base=1.0 / self.k, cap=300.0 / self.k, rnd=self.rng)
            )
            self.not_before = max(self.not_before, time.monotonic() + delay)
            return
        except BaseException:
            self.queue.appendleft((key, body))  # nothing is dropped from a journal
            raise
        finally:
            self.sending = None
        if reply.status in (200, 201):
            self.fleet.rec.created[key] = (self.fleet.rec.now(), "kiosk", status_of(reply))
            outcomes["replay confirmed"] += 1
            self.attempt = 0
        else:
            code = (reply.json() or {}).get("code", str(reply.status))
            if verdict(code) == "retry":
                self.queue.append((key, body))
                self.not_before = time.monotonic() + full_jitter(1, cap=5 / self.k, rnd=self.rng)
                return
            outcomes[f"replay {verdict(code)}: {code}"] += 1
        self.fleet.settled(key)


async def web_user(fleet: Fleet, person: int, channel: str | None = None) -> None:
    """One person on the web site or in the app, booking through the channel's token."""
    rng = fleet.rng
    channel = channel or ("web" if rng.random() < 0.55 else "app")
    headers = {"Authorization": f"Bearer {fleet.channel_tokens[channel]}"}
    conn = Connection("127.0.0.1", fleet.port)
    body = fleet.bodies.body(person, channel)
    outcomes = fleet.rec.outcomes
    try:
        for _try in range(6):
            try:
                reply = await fleet.post(
                    conn,
                    plain(body),
                    {**headers, "Idempotency-Key": body["booking_id"]},
                    10.0,
                    channel,
                    "web",
                )
            except Unreachable:  # the site does not load: come back in a while
                await asyncio.sleep(fleet.scale.wall(rng.uniform(2, 20)))
                continue
            if reply.status in (200, 201):
                fleet.rec.created[body["booking_id"]] = (fleet.rec.now(), channel, status_of(reply))
                outcomes[f"{channel} booked"] += 1
                return
            if reply.status in RETRYABLE:
                ra = retry_after(reply.headers.get("retry-after"))
                await asyncio.sleep(ra if ra is not None else fleet.scale.wall(rng.uniform(1, 3)))
                continue
            problem = reply.json() or {}
            code = problem.get("code", str(reply.status))
            if code == "slot-full" and (alt := alternative(problem)):
                body = fleet.bodies.body(person, channel, alt)
                continue
            if code == "request-in-flight":
                await asyncio.sleep(1.0)
                continue
            outcomes[f"{channel} refused: {code}"] += 1
            return
        outcomes[f"{channel} gave up after 6 tries"] += 1
    finally:
        conn.close()
