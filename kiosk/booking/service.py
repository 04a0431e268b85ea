"""Making a booking: journal first, then the central, and an honest answer either way.

The order is the guarantee (DESIGN §6): the booking is committed to the journal before the
customer is told anything and before anything is printed. If the central answers within the
deadline the customer hears "confirmed" or the reason it was refused; if not, "queued", and the
replay worker sends it later under the same idempotency key. While the breaker is open the
central is not even tried, so a customer never waits for a timeout that is known to come.

Seat leases (DESIGN §11, docs/leases.md): when the central was provably not reached (the breaker
open, no connection, or 429/503), a seat this terminal holds for the slot is spent in the
booking's own journal transaction and the customer is told "confirmed" with the lease's final
reference (`confirmed_by="terminal"`). When the request may have reached the central (a read
timeout, a broken answer), the central may hold the booking under a reference of its own, so
the booking is queued and no seat is spent. Online, a lease is never spent.
"""

from __future__ import annotations

import functools
import logging
import random
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ed25519

from kiosk import signing
from kiosk.booking.cid_hash import cid_key
from kiosk.booking.errors import (
    AlreadyQueued,
    CentralRejected,
    CentralUnavailable,
    JournalError,
    NotBookable,
    OutsideHours,
)
from kiosk.booking.model import (
    BOOKABLE_ROUTES,
    BookingOutcome,
    BookingRequest,
    Occupation,
    Site,
    Slot,
)
from kiosk.booking.outcome import kept_extra, verdict
from kiosk.booking.phone import normalise
from kiosk.booking.ports import Central, Journal, JournalRecord
from kiosk.card.model import Card
from kiosk.eligibility import Answers, Decision
from kiosk.hours import ChannelHours
from kiosk.leases import make_slip_code

log = logging.getLogger(__name__)

#: DESIGN §9: the first booking after the central dies is queued within 3 s.
ONLINE_DEADLINE = 2.5
#: How long a sender owns a booking it is sending (sync/worker.py uses the same).
LEASE_SECONDS = 30.0

Sealer = Callable[[bytes, bytes], Mapping[str, Any]]


def aad(booking_id: str) -> bytes:
    """Associated data of a sealed booking: the box opens only as this booking."""
    return f"booking:{booking_id}".encode()


class BookingService:
    def __init__(
        self,
        journal: Journal,
        central: Central,
        *,
        seal: Sealer,
        cid_secret: bytes,
        clock: Callable[[], datetime],
        terminal: Mapping[str, str],
        deadline: float = ONLINE_DEADLINE,
        hours: ChannelHours | None = None,
        terminal_key: ed25519.Ed25519PrivateKey | None = None,
    ) -> None:
        """`terminal_key`: the terminal's own Ed25519 key, which signs the slip code of a
        booking confirmed from a lease; without it no booking is confirmed at the terminal
        (a slip the central cannot check would be worth less than an honest "queued")."""
        self.journal = journal
        self.central = central
        self._seal = seal
        self._secret = cid_secret
        self._clock = clock
        self.terminal = dict(terminal)
        self.deadline = deadline
        self.hours = hours
        self.terminal_key = terminal_key

    def book(
        self,
        card: Card,
        answers: Answers,
        decision: Decision,
        site: Site,
        slot: Slot,
        phone: str,
        occupation: Occupation,
    ) -> BookingOutcome:
        if decision.route not in BOOKABLE_ROUTES:
            raise NotBookable(decision.route, decision.code)
        phone = normalise(phone)
        confirmed_at = self._clock()
        if self.hours is not None and not self.hours.is_open(confirmed_at):
            # queueing it would only print a slip the central is bound to refuse
            raise OutsideHours(self.hours.opens, self.hours.closes)
        key = cid_key(self._secret, card.cid)
        waiting = self.journal.queued_for(key)
        if waiting is not None:
            raise AlreadyQueued(waiting)
        request = BookingRequest(
            booking_id=BookingRequest.new_id(),
            card=card,
            answers=answers,
            decision=decision,
            site=site,
            slot=slot,
            phone=phone,
            occupation=occupation,
            confirmed_at=confirmed_at,
        )
        body = request.body()
        record = JournalRecord(
            booking_id=request.booking_id,
            finalized_at=request.confirmed_at,
            site_id=site.id,
            slot_id=slot.id,
            slot_date=slot.date,
            slot_start=slot.start,
            slot_end=slot.end,
            cid_key=key,
            sealed=self._seal(signing.canonical(body), aad(request.booking_id)),
            slip={
                "site": site.to_json(),
                "route": decision.route,
                "code": decision.code,
                "rule_set": decision.rule_set,
                "terminal": self.terminal,
            },
        )
        self.journal.add(record)  # JournalError propagates: nothing is booked, nothing is said
        # No digit of the ID here, not even the masked form: the log lives on the terminal's
        # disk beside the journal, and six known digits would cut a thief's search through the
        # journal's slow hash from ~10^12 candidates to ~10^6 (docs/journal-privacy.md).
        log.info("booking %s journaled", request.booking_id)
        return self._send(request, body)

    def _send(self, request: BookingRequest, body: Mapping[str, Any]) -> BookingOutcome:
        booking_id = request.booking_id
        if self.central.is_open():  # not even tried: provably not reached
            offline = self._confirm_offline(request)
            return offline or BookingOutcome("queued", booking_id, code="central-offline")
        try:
            claimed = self.journal.claim(booking_id, LEASE_SECONDS)
        except JournalError as exc:  # the booking is committed: it will be replayed, so say so
            log.error("journal claim failed after the booking was committed: %s", exc.code)
            return BookingOutcome("queued", booking_id, code=exc.code)
        if not claimed:
            return BookingOutcome("queued", booking_id, code="replay-in-progress")
        try:
            result = self.central.book(body, booking_id=booking_id, deadline=self.deadline)
        except CentralUnavailable as exc:
            if not exc.may_have_reached:
                offline = self._confirm_offline(request, claimed=True)  # our `sending` row
                if offline is not None:
                    return offline
            self._release(booking_id, exc.code, exc.retry_after)
            return BookingOutcome("queued", booking_id, code=exc.code)
        except CentralRejected as exc:
            kind = verdict(exc.code)
            if kind == "retry":
                self._release(booking_id, exc.code, None)
                return BookingOutcome("queued", booking_id, code=exc.code)
            extra = kept_extra(exc.problem)
            # the customer reads the refusal on the screen now: no notice owed at the next visit
            settle = functools.partial(self.journal.settle, seen=True)
            self._safely(settle, booking_id, kind, exc.code, exc.detail, extra)
            return BookingOutcome(
                "rejected", booking_id, code=exc.code, detail=exc.detail, extra=extra
            )
        reference = str(result["reference"])
        status = str(result["status"])
        if status == "cancelled":  # a replayed key whose booking was cancelled since
            code = str(result.get("cancel_reason") or "cancelled")
            settle = functools.partial(self.journal.settle, seen=True)
            self._safely(
                settle,
                booking_id,
                "rejected",
                code,
                "cancelled at the central",
                {"reference": reference},
            )
            return BookingOutcome("rejected", booking_id, reference=reference, code=code)
        self._safely(self.journal.confirm, booking_id, reference, status)
        return BookingOutcome(
            "confirmed",
            booking_id,
            reference=reference,
            central_status=status,
            confirmed_by="central",
        )

    def _confirm_offline(
        self, request: BookingRequest, *, claimed: bool = False
    ) -> BookingOutcome | None:
        """Spend a seat lease for this booking, if the terminal holds one usable now (by the
        central-corrected clock); None when it cannot (no key, no seat, the journal failed)."""
        key = self.terminal_key
        if key is None:
            return None

        def sign(reference: str, lease_id: str) -> str:
            return make_slip_code(
                reference=reference,
                slot_id=request.slot.id,
                lease_id=lease_id,
                confirmed_at=request.confirmed_at,
                terminal_key=key,
            ).text()

        try:
            spent = self.journal.confirm_offline(
                request.booking_id, request.slot.id, self._clock(), sign, claimed=claimed
            )
        except JournalError as exc:  # the booking is committed as queued: it will be sent
            log.error("confirming from a lease failed: %s", exc.code)
            return None
        if spent is None:
            return None
        lease_id, reference, slip_code = spent
        log.info("booking %s confirmed at the terminal from lease %s", request.booking_id, lease_id)
        return BookingOutcome(
            "confirmed",
            request.booking_id,
            reference=reference,
            code="central-offline",
            confirmed_by="terminal",
            lease_id=lease_id,
            slip_code=slip_code,
        )

    def _release(self, booking_id: str, error: str, retry_after: float | None) -> None:
        delay = retry_after if retry_after is not None else random.uniform(1, 5)  # noqa: S311
        self._safely(self.journal.release, booking_id, error, delay)

    def _safely(self, fn: Callable[..., None], *args: Any) -> None:
        """Record what the central said; if the journal fails now, the booking still stands.

        The row stays in `sending`; its lease runs out and the replay asks the central again, which
        answers the same booking under the same key. The kiosk learns of the failing journal from
        the next write and goes out of service then.
        """
        try:
            fn(*args)
        except JournalError:
            log.exception("journal update failed after the central answered; replay will repair")
