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
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar

from central import demo_data
from central.errors import RequestInFlight
from central.keys import ServerKeys
from central.settings import Settings
from central.store import PostgresStore, open_store
from central.store.booking_context import BookingContext
from kiosk.dates import today_bangkok

T = TypeVar("T")

#: A request in flight longer than this (wall clock) is taken as abandoned by a killed process.
IN_FLIGHT_TTL = timedelta(minutes=2)
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
        self.store = open_store(settings.db, synchronous=settings.synchronous)
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
        self._verifier: threading.Thread | None = None
        if settings.demo and demo_data.seed(
            self.store, self.keys, self.now(), self.today(), capacity=settings.demo_capacity
        ):
            log.info("seeded the demo data")

    @contextlib.contextmanager
    def request_in_flight(self, key: str) -> Iterator[None]:
        """Hold `key` as in flight while the block runs; RequestInFlight if it already is."""
        if self._shared_in_flight:
            if not self.store.claim_request(key, datetime.now(tz=UTC), IN_FLIGHT_TTL):
                raise RequestInFlight()
            try:
                yield
            finally:
                self.store.release_request(key)
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
        context = await self.read(
            lambda: self.store.booking_context(
                key, channel, occupation, slot_id, citizen_key, claim=claim
            )
        )
        if not context.claimed:
            raise RequestInFlight()
        flight = Flight(context, shared=True)
        try:
            yield flight
        finally:
            if not flight.released:
                await self.read(lambda: self.store.release_request(key))

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
        if self.settings.verify_interval > 0 and self._verifier is None:
            self._verifier = threading.Thread(
                target=self._verify_loop, name="central-verifier", daemon=True
            )
            self._verifier.start()

    def _verify_loop(self) -> None:
        while not self._stop.wait(self.settings.verify_interval):
            try:
                confirmed, cancelled = self._writer.submit(
                    self.store.verify_pending, self.now()
                ).result()
            except Exception:  # keep verifying; the next pass retries
                log.exception("verifying pending bookings failed")
                continue
            if confirmed or cancelled:
                log.info("registry verification: %d confirmed, %d cancelled", confirmed, cancelled)

    def close(self) -> None:
        self._stop.set()
        if self._verifier is not None:
            self._verifier.join(timeout=5)
        self._writer.shutdown(wait=True)
        if self._reader is not None:
            self._reader.shutdown(wait=True)
        self.store.close()
