"""The running central: store, keys, clock, and the threads that write.

SQLite: all writes go through a single writer thread. SQLite admits one writer at a time anyway;
letting many threads contend for it makes each loser sleep in SQLite's busy handler (1, 2, 5,
10, ... ms), which turns a burst of bookings into a latency cliff. One writer in process
serialises them in order with no sleeping; reads (WAL, a local file) run beside it on the event
loop without waiting.

PostgreSQL: writes run on `PG_WRITERS` threads and the booking path's reads on `PG_READERS`
threads. A commit waits for its WAL flush; with one writer per process the flushes were taken
one at a time, so bookings/s was one over the disk's flush time, while concurrent commits share
a flush (group commit). And a read is a round trip to another process: done on the event loop
it stopped every other request for its duration. Transactions of several threads overlap as
those of `serve --workers N` do (central/store/postgres.py says how the invariants hold).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar

from central import demo_data
from central.errors import RequestInFlight, StoreError
from central.keys import ServerKeys
from central.notify.gateway import HttpJsonGateway
from central.notify.sender import Sender
from central.settings import Settings
from central.store import PostgresStore, open_store
from central.store.booking_context import BookingContext
from kiosk.dates import today_bangkok

T = TypeVar("T")

#: A claim not extended for this long (wall clock) is taken as abandoned by a killed process:
#: each process extends the claims of its requests in flight every IN_FLIGHT_HEARTBEAT
#: seconds, so a retry of a request lost with a SIGKILLed worker waits this long at most,
#: and a slow request keeps its claim however long it takes.
IN_FLIGHT_TTL = timedelta(seconds=15)
IN_FLIGHT_HEARTBEAT = 4.0
#: The name of the registry check job's lock (one worker of the cluster runs it at a time).
VERIFY_JOB = "registry-check"
#: Seconds between attempts to release claims the database was away for.
RELEASE_RETRY_SECONDS = 0.5
#: PostgreSQL: threads for writes, and for the booking path's reads (within the pool's 16).
PG_WRITERS = 8
PG_READERS = 4
log = logging.getLogger("central")


@dataclass
class Flight:
    """A booking request in flight: what was read for it, and whether its claim is shared by
    every server process (PostgreSQL) and was already ended by the booking's transaction."""

    context: BookingContext
    shared: bool
    released: bool = False


class Central:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.keys = ServerKeys.load_or_create(settings.keys_path)
        self.store = open_store(
            settings.db, synchronous=settings.synchronous, sealer=self.keys.field_sealer()
        )
        shared = isinstance(self.store, PostgresStore)
        self._writer = ThreadPoolExecutor(
            max_workers=PG_WRITERS if shared else 1, thread_name_prefix="central-writer"
        )
        self._reader = (
            ThreadPoolExecutor(max_workers=PG_READERS, thread_name_prefix="central-reader")
            if shared
            else None
        )
        #: Idempotency keys of booking requests being processed now (409 request-in-flight):
        #: in this process for SQLite (its central is one process), in the database for
        #: PostgreSQL, where several processes serve one database (`serve --workers`).
        self.in_flight: set[str] = set()
        self._shared_in_flight = shared
        self._stop = threading.Event()
        #: Claims whose release failed (the database away), released again in the background.
        self._unreleased: set[str] = set()
        self._unreleased_lock = threading.Lock()
        self._releaser: threading.Thread | None = None
        #: The claims this process holds now (how many requests of each key), for the
        #: heartbeat that keeps them alive.
        self._claims: dict[str, int] = {}
        self._heartbeat: threading.Thread | None = None
        self._verifier: threading.Thread | None = None
        self._notifier: threading.Thread | None = None
        if settings.demo and demo_data.seed(
            self.store, self.keys, self.now(), self.today(), capacity=settings.demo_capacity
        ):
            log.info("seeded the demo data")

    @contextlib.contextmanager
    def request_in_flight(self, key: str) -> Iterator[None]:
        """Hold `key` as in flight while the block runs; RequestInFlight if it already is."""
        if self._shared_in_flight:
            try:
                claimed = self.store.claim_request(key, datetime.now(tz=UTC), IN_FLIGHT_TTL)
            except StoreError:
                # The database may have stored the claim and gone before saying so (a restart
                # mid-statement): release it once it is back, or the retry would be refused.
                self.release_later_on(key)
                raise
            if not claimed:
                raise RequestInFlight()
            self.hold_claim(key)
            try:
                yield
            finally:
                self.drop_claim(key)
                self.release(key)
            return
        if key in self.in_flight:
            raise RequestInFlight()
        self.in_flight.add(key)
        try:
            yield
        finally:
            self.in_flight.discard(key)

    @contextlib.asynccontextmanager
    async def booking_in_flight(
        self, key: str, channel: str, occupation: str, slot_id: str, citizen_key: str
    ) -> AsyncIterator[Flight]:
        """Hold the booking request `key` in flight while the block runs (RequestInFlight if it
        already is) and read what judging it needs (`Store.booking_context`).

        On PostgreSQL the claim and the read are one statement, and a booking made ends the
        claim in its own transaction when the block says so (`Flight.released`); otherwise
        the claim is ended when the block ends, as `request_in_flight` does.
        """
        if not self._shared_in_flight:
            with self.request_in_flight(key):
                yield Flight(
                    self.store.booking_context(key, channel, occupation, slot_id, citizen_key),
                    shared=False,
                )
            return
        claim = (datetime.now(tz=UTC), IN_FLIGHT_TTL)
        try:
            context = await self.read(
                lambda: self.store.booking_context(
                    key, channel, occupation, slot_id, citizen_key, claim=claim
                )
            )
        except StoreError:
            # As in `request_in_flight`: the claim may have been stored before the database
            # went away; release it once it is back, or the terminal's retry would be refused.
            self.release_later_on(key)
            raise
        if not context.claimed:
            raise RequestInFlight()
        self.hold_claim(key)
        flight = Flight(context, shared=True)
        try:
            yield flight
        finally:
            self.drop_claim(key)
            if not flight.released:
                await self.read(lambda: self.release(key))

    def hold_claim(self, key: str) -> None:
        """Count a claim this process holds, for the heartbeat that keeps it alive."""
        with self._unreleased_lock:
            self._claims[key] = self._claims.get(key, 0) + 1

    def drop_claim(self, key: str) -> None:
        with self._unreleased_lock:
            self._claims[key] -= 1
            if not self._claims[key]:
                del self._claims[key]

    def release(self, key: str) -> None:
        """Let go of a request's claim; if the database is away (the reason the request is
        failing, usually), keep trying in the background instead of leaving the claim to
        expire: until it goes, the terminal's retry of that booking is refused 409
        request-in-flight by every worker, for up to IN_FLIGHT_TTL.

        Released late, a claim may by then be another attempt's (a retry that claimed the
        key after the database came back): that attempt loses only its 409 guard; the
        booking id's uniqueness in the database still makes a second attempt a replay."""
        try:
            self.store.release_request(key)
        except StoreError:
            self.release_later_on(key)

    def release_later_on(self, key: str) -> None:
        with self._unreleased_lock:
            self._unreleased.add(key)
            if self._releaser is None:
                self._releaser = threading.Thread(
                    target=self._release_later, name="central-releaser", daemon=True
                )
                self._releaser.start()

    def _release_later(self) -> None:
        while not self._stop.wait(RELEASE_RETRY_SECONDS):
            with self._unreleased_lock:
                keys = sorted(self._unreleased)
                if not keys:
                    self._releaser = None  # the next failed release starts another
                    return
            for key in keys:
                try:
                    self.store.release_request(key)
                except StoreError:
                    break  # still away: all of them next time
                with self._unreleased_lock:
                    self._unreleased.discard(key)

    def _extend_claims(self) -> None:
        while not self._stop.wait(IN_FLIGHT_HEARTBEAT):
            with self._unreleased_lock:
                keys = sorted(self._claims)
            try:
                self.store.extend_requests(keys, datetime.now(tz=UTC), IN_FLIGHT_TTL)
            except StoreError:
                log.warning("could not extend %d request claim(s); trying again", len(keys))

    def now(self) -> datetime:
        return self.settings.clock()

    def today(self) -> date:
        return today_bangkok(self.now())

    async def write(self, fn: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._writer, fn)

    async def read(self, fn: Callable[[], T]) -> T:
        """Run the read `fn` off the event loop when it is a round trip (PostgreSQL); a SQLite
        read of a local file is quicker than the hand-off to a thread."""
        if self._reader is None:
            return fn()
        return await asyncio.get_running_loop().run_in_executor(self._reader, fn)

    def start(self) -> None:
        if self._shared_in_flight and self._heartbeat is None:
            self._heartbeat = threading.Thread(
                target=self._extend_claims, name="central-heartbeat", daemon=True
            )
            self._heartbeat.start()
        if self.settings.verify_interval > 0 and self._verifier is None:
            self._verifier = threading.Thread(
                target=self._verify_loop, name="central-verifier", daemon=True
            )
            self._verifier.start()
        self.start_notifier()

    def start_notifier(self) -> None:
        """The SMS sender in this process (each `serve` worker runs one; claims in the
        database keep them from sending a row twice). One log line says when none runs."""
        if self._notifier is not None:
            return
        if not self.settings.notify:
            log.info("SMS sender off (--no-notify): outbox rows wait for `kiosk-central notify`")
            return
        if not self.settings.sms_gateway_url:
            log.info("no SMS gateway configured (--sms-gateway-url): SMS rows stay pending")
            return
        gateway = HttpJsonGateway(
            self.settings.sms_gateway_url, self.settings.sms_token, self.settings.sms_timeout
        )
        sender = Sender(self.store, gateway, self.now, send_timeout=self.settings.sms_timeout)
        self._notifier = threading.Thread(
            target=sender.run,
            args=(self.settings.notify_interval, self._stop),
            name="central-notifier",
            daemon=True,
        )
        self._notifier.start()
        log.info("SMS sender started, every %.1f s", self.settings.notify_interval)

    def _verify_loop(self) -> None:
        while not self._stop.wait(self.settings.verify_interval):
            try:
                self.verify_once()
            except StoreError as exc:  # the database away: said once a pass, no traceback
                log.warning("registry check skipped: %s", exc.en)
            except Exception:  # keep verifying; the next pass retries
                log.exception("verifying pending bookings failed")

    def verify_once(self) -> tuple[int, int] | None:
        """One pass of the registry check job, if no other worker of the cluster is running it
        (`store.exclusive`: an advisory lock on PostgreSQL); None when another one is.

        Each run it does is logged with its worker and its start and end (wall clock, which
        the workers of one machine share), so an operator, and the test of the lock, can see
        that runs never overlap and which worker ran them: at INFO when it settled a booking,
        else at DEBUG (`serve --log-level debug`), not to fill the log every few seconds."""
        with self.store.exclusive(VERIFY_JOB) as mine:
            if not mine:
                return None
            started = time.time()
            confirmed, cancelled = self._writer.submit(
                self.store.verify_pending, self.now()
            ).result()
            if self.settings.verify_hold:  # TEST ONLY: keep the lock so overlaps would show
                self._stop.wait(self.settings.verify_hold)
            log.log(
                logging.INFO if confirmed or cancelled else logging.DEBUG,
                "registry check in worker %d from %.6f to %.6f: %d confirmed, %d cancelled",
                os.getpid(), started, time.time(), confirmed, cancelled,
            )  # fmt: skip
            return confirmed, cancelled

    def close(self) -> None:
        self._stop.set()
        for thread in (self._verifier, self._heartbeat):
            if thread is not None:
                thread.join(timeout=5)
        if self._notifier is not None:
            self._notifier.join(timeout=self.settings.sms_timeout + 5)
        self._writer.shutdown(wait=True)
        if self._reader is not None:
            self._reader.shutdown(wait=True)
        self.store.close()
