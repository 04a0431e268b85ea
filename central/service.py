"""The running central: store, keys, clock, and the one thread that writes.

All writes go through a single writer thread. SQLite admits one writer at a time anyway; letting
many threads contend for it makes each loser sleep in SQLite's busy handler (1, 2, 5, 10, ... ms),
which turns a burst of bookings into a latency cliff. One writer in process serialises them in
order with no sleeping; reads (WAL) run beside it without waiting. On PostgreSQL the same one
writer thread runs per process; `serve --workers N` runs N processes whose transactions overlap
in the database (central/store/postgres.py says how the invariants still hold).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar

from central import demo_data
from central.errors import RequestInFlight
from central.keys import ServerKeys
from central.notify.gateway import HttpJsonGateway
from central.notify.sender import Sender
from central.settings import Settings
from central.store import PostgresStore, open_store
from kiosk.dates import today_bangkok

T = TypeVar("T")

#: A request in flight longer than this (wall clock) is taken as abandoned by a killed process.
IN_FLIGHT_TTL = timedelta(minutes=2)
log = logging.getLogger("central")


class Central:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.keys = ServerKeys.load_or_create(settings.keys_path)
        self.store = open_store(settings.db, synchronous=settings.synchronous)
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="central-writer")
        #: Idempotency keys of booking requests being processed now (409 request-in-flight):
        #: in this process for SQLite (its central is one process), in the database for
        #: PostgreSQL, where several processes serve one database (`serve --workers`).
        self.in_flight: set[str] = set()
        self._shared_in_flight = isinstance(self.store, PostgresStore)
        self._stop = threading.Event()
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

    def now(self) -> datetime:
        return self.settings.clock()

    def today(self) -> date:
        return today_bangkok(self.now())

    async def write(self, fn: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._writer, fn)

    def start(self) -> None:
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
        if self._notifier is not None:
            self._notifier.join(timeout=self.settings.sms_timeout + 5)
        self._writer.shutdown(wait=True)
        self.store.close()
