"""The replay worker: drains the journal into the central, oldest first, exactly once.

Exactly once is the central's idempotency key (the booking id) plus this loop never marking a
booking confirmed before the central said so. A crash anywhere (before the send, after the central
committed but before the journal did, in the middle of a write) leaves the row `queued` or
`sending`; either way it is sent again, and the central answers the same booking.

The worker is also the breaker's only trial-maker: while the central is down it waits for the
breaker's timeout (or the Retry-After it was given), then sends one booking as the trial.

Seat leases (docs/leases.md): bookings confirmed at the terminal go first, with their
`lease: {lease_id, reference}`; then the plain queue; then, when any lease-backed booking was
settled in the pass, the lease refresh (spent, held, recent), so the central returns the seats
at once and tops the terminal up. A lease-backed booking the central refuses (already-booked,
lease-invalid, lease-expired) becomes a conflict or rejection owed to the customer as a notice
at the next card read. A central that answers a lease-backed booking with a reference other
than the lease's is not believed: the slip's reference is kept, the booking is recorded as a
conflict `reference-mismatch` (a notice for the customer, a failure for the technician).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from kiosk.booking.errors import (
    CentralRejected,
    CentralUnavailable,
    JournalError,
    TerminalUnauthorized,
)
from kiosk.booking.outcome import kept_extra, verdict
from kiosk.booking.service import LEASE_SECONDS
from sync.backoff import full_jitter
from sync.client import CentralClient
from sync.crash import crash_point as _crash_point
from sync.journal import PENDING, Entry, SqliteJournal

log = logging.getLogger(__name__)

SEND_DEADLINE = 10.0


@dataclass
class SyncStatus:
    counts: dict[str, int] = field(default_factory=dict)
    oldest_pending_age: float | None = None
    last_success: datetime | None = None
    last_error: str | None = None
    last_error_at: datetime | None = None
    breaker: str = "closed"
    running: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "counts": self.counts,
            "oldest_pending_age_seconds": self.oldest_pending_age,
            "last_success": self.last_success.isoformat() if self.last_success else None,
            "last_error": self.last_error,
            "last_error_at": self.last_error_at.isoformat() if self.last_error_at else None,
            "breaker": self.breaker,
            "running": self.running,
        }


class ReplayWorker:
    def __init__(
        self,
        journal_factory: Callable[[], SqliteJournal],
        client: CentralClient,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        on_change: Callable[[SyncStatus], None] | None = None,
        idle_seconds: float = 2.0,
        refresh_leases: Callable[[SqliteJournal], object] | None = None,
    ) -> None:
        """`refresh_leases`: the terminal's lease refresh (sync.cache), called after a pass
        that settled lease-backed bookings."""
        self._journal_factory = journal_factory
        self.client = client
        self._clock = clock
        self._on_change = on_change or (lambda s: None)
        self.idle_seconds = idle_seconds
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._status = SyncStatus()
        self._lock = threading.Lock()
        self._attempt = 0  # consecutive failures, for backoff between trials
        #: Monotonic time before which nothing is sent: Retry-After and backoff hold the whole
        #: terminal, so that a busy central is not asked again by the next booking in the queue.
        self._not_before = 0.0
        self._force = False
        self._refresh_leases = refresh_leases

    # lifecycle -------------------------------------------------------------------------------

    def start(self) -> ReplayWorker:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="replay", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 15.0) -> None:
        """Stop after the booking in flight, if any; never abandons a half-recorded result."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def wake(self, *, now: bool = False) -> None:
        """Something was queued: look now rather than at the next idle tick.

        `now=True` is a person asking ("sync now"): every queued booking is due at once, and
        the backoff and the breaker's wait are cut short for one try.
        """
        if now:
            self._force = True
        self._wake.set()

    def status(self) -> SyncStatus:
        with self._lock:
            return SyncStatus(**vars(self._status))

    # loop ------------------------------------------------------------------------------------

    def _run(self) -> None:
        """Never dies of a bad moment: a failing iteration is noted, waited out and retried."""
        journal: SqliteJournal | None = None
        with self._lock:
            self._status.running = True
        failures = 0
        try:
            while not self._stop.is_set():
                try:
                    if journal is None:
                        journal = self._journal_factory()
                    self.run_once(journal)
                    failures = 0
                    wait = self._pause(journal)
                except JournalError as exc:
                    failures += 1
                    self._note_error(exc.code)
                    log.error("replay: %s; retrying", exc.en)
                    if journal is not None:
                        journal.close()
                    journal, wait = None, full_jitter(failures, base=1, cap=60)
                except Exception:  # a bug must not silently end replay for the whole day
                    failures += 1
                    self._note_error("replay-error")
                    log.exception("replay iteration failed; retrying")
                    wait = full_jitter(failures, base=1, cap=60)
                self._wake.wait(wait)
                self._wake.clear()
        finally:
            with self._lock:
                self._status.running = False
            if journal is not None:
                journal.close()

    def _pause(self, journal: SqliteJournal) -> float:
        held = self._not_before - time.monotonic()
        if held > 0:
            return held
        if self.client.breaker.is_open():
            return max(0.05, self.client.breaker.seconds_until_trial())
        next_due = journal.next_due_utc()
        if next_due is None:
            return self.idle_seconds
        due = datetime.fromisoformat(next_due)
        if due.tzinfo is None:
            due = due.replace(tzinfo=UTC)
        wait = (due - self._clock()).total_seconds()
        return min(self.idle_seconds, max(0.0, wait))

    def run_once(self, journal: SqliteJournal, limit: int = 200) -> int:
        """Send what is due now; returns how many bookings reached a final state."""
        if self._force:
            self._force = False
            self._not_before = 0.0
            self.client.breaker.expire()
            journal.retry_now()
        settled = 0
        leased = 0
        for entry in journal.due(limit):
            if self._stop.is_set() or time.monotonic() < self._not_before:
                break
            if not self.client.breaker.allow_trial():
                break
            try:
                result = self._send(journal, entry)
            finally:
                # a trial that sent nothing (the booking was taken by the counter, or the send
                # failed before any request) must not leave the breaker waiting for it forever
                self.client.breaker.abandon_trial()
            if result == "unavailable":
                break
            settled += result == "settled"
            leased += result == "settled" and entry.lease_id is not None
        if leased and self._refresh_leases is not None:
            try:
                self._refresh_leases(journal)
            except Exception as exc:  # noqa: BLE001  the next cache refresh tries again
                log.warning("lease refresh after replay failed: %s", getattr(exc, "code", exc))
        journal.purge()  # what the central has confirmed long enough ago (journal_privacy)
        self._refresh(journal)
        return settled

    def run_until_empty(self, journal: SqliteJournal, timeout: float) -> bool:
        """Keep going until nothing is pending (True) or `timeout` seconds pass (False)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            self.run_once(journal)
            counts = journal.counts()
            if not any(counts[state] for state in PENDING):
                return True
            time.sleep(min(self._pause(journal), max(0.0, end - time.monotonic()), 0.5))
        return False

    def _send(self, journal: SqliteJournal, entry: Entry) -> str:
        if not journal.claim(entry.booking_id, LEASE_SECONDS):
            return "skipped"  # someone else (the counter) is sending it
        _crash_point("after-claim")
        # Send the row as it is now that we own it, not as due() saw it: the counter may have
        # confirmed it from a lease in between, and a lease-backed booking sent without its
        # lease would be booked under another reference than the slip's, or refused as full.
        entry = journal.get(entry.booking_id) or entry
        lease = (
            {"lease_id": entry.lease_id, "reference": entry.reference}
            if entry.lease_id is not None and entry.reference
            else None
        )
        try:
            reply = self.client.book_sealed(
                entry.booking_id, entry.sealed, deadline=SEND_DEADLINE, lease=lease
            )
        except CentralUnavailable as exc:
            self._attempt += 1
            if isinstance(exc, TerminalUnauthorized):
                delay = 60.0  # nothing changes until a technician re-enrols the terminal
            elif exc.retry_after is not None:
                delay = exc.retry_after
            else:
                delay = full_jitter(self._attempt)
            journal.release(entry.booking_id, exc.code, delay)
            self._hold(delay)  # the whole terminal waits, not only this booking
            self._note_error(exc.code)
            return "unavailable"
        except CentralRejected as exc:
            kind = verdict(exc.code)
            if kind == "retry":
                journal.release(entry.booking_id, exc.code, full_jitter(1, cap=5))
                return "retry"
            _crash_point("after-send")
            journal.settle(entry.booking_id, kind, exc.code, exc.detail, kept_extra(exc.problem))
            self._note_success()
            return "settled"
        _crash_point("after-send")
        if lease is not None and reply["reference"] != lease["reference"]:
            self._mismatch(journal, entry, reply)
        elif reply["status"] == "cancelled":  # cancelled at the central since it was first sent
            journal.settle(
                entry.booking_id,
                "rejected",
                str(reply.get("cancel_reason") or "cancelled"),
                "cancelled at the central",
                {"reference": reply["reference"]},
            )
        else:
            journal.confirm(entry.booking_id, reply["reference"], reply["status"])
        self._attempt = 0
        self._note_success()
        return "settled"

    def _mismatch(self, journal: SqliteJournal, entry: Entry, reply: dict[str, Any]) -> None:
        """The central booked a lease-backed booking under another reference than the lease's.

        Its word would put a reference on record that the customer's slip does not carry, so it
        is not taken: the slip's reference stays, the central's is kept beside it, and the
        booking ends as a conflict the customer is told of at the next card read and the
        technician sees (kiosk doctor fails on it). Sending again would get the same answer.
        """
        log.error(
            "booking %s: the central answered reference %s for lease %s seat %s; kept the lease's",
            entry.booking_id,
            reply["reference"],
            entry.lease_id,
            entry.reference,
        )
        journal.settle(
            entry.booking_id,
            "conflict",
            "reference-mismatch",
            "the central booked this lease-backed booking under another reference",
            {"central_reference": reply["reference"], "central_status": reply["status"]},
            keep_reference=True,
        )
        self._note_error("reference-mismatch")

    def _hold(self, seconds: float) -> None:
        self._not_before = max(self._not_before, time.monotonic() + seconds)

    # status ----------------------------------------------------------------------------------

    def _note_success(self) -> None:
        with self._lock:
            self._status.last_success = self._clock()

    def _note_error(self, code: str) -> None:
        with self._lock:
            self._status.last_error, self._status.last_error_at = code, self._clock()

    def _refresh(self, journal: SqliteJournal) -> None:
        counts = journal.counts()
        oldest = journal.oldest_pending()
        age = None
        if oldest is not None:
            age = (self._clock() - datetime.fromisoformat(oldest.created_utc)).total_seconds()
        with self._lock:
            self._status.counts = counts
            self._status.oldest_pending_age = age
            self._status.breaker = self.client.breaker.state
            snapshot = SyncStatus(**vars(self._status))
        self._on_change(snapshot)
