"""POST /v1/bookings on PostgreSQL without FastAPI's machinery: one parse, one thread hand-off.

Through FastAPI's router a booking was: the body parsed and the `BookingIn | SealedBookingIn`
union validated by the dependency solver, the bearer token read in a statement of its own on a
reader thread, the claim in flight and the context read on a reader thread, the write on a
writer thread, and the answer built through a sub-response. Round 2's profile put half of the
API process's CPU there, outside the booking itself (docs/central-performance.md).

This pure ASGI middleware, mounted inside the admission limit and before the router, takes the
ordinary case: a plain (not sealed) booking without a lease, with `Content-Type:
application/json`, `Authorization: Bearer <token>` and an `Idempotency-Key` equal to its
`booking_id`. The body is parsed once and validated with the route's own models; then ONE hand-off
to a writer thread runs the context statement (which now also reads the terminal holding the
token, and claims the request only if one does: `BookingContextStore.booking_context(token=)`),
the route's own pure decisions (`routes_bookings._prepare`, in the route's order) and the
store's `book`; the answer is the route's JSON, bytes for bytes, with the same headers.

Everything else goes to FastAPI's route unchanged (the body is handed on as it came): sealed
(queued) and lease-backed bookings, bodies that do not validate (so a 422 is FastAPI's own),
a missing or odd `Authorization` or `Idempotency-Key` (so the route's order of 401 and 400
holds), SQLite (whose reads are quicker than a hand-off), and `Settings.fast_bookings` off
(tests/central/test_fast_bookings.py runs the same requests both ways and compares answers,
headers and rows). The invariants are where they were: in the database and in `book`.
"""

from __future__ import annotations

import json
import logging
import time
from datetime import UTC, datetime
from typing import Any

from pydantic import TypeAdapter, ValidationError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from central import problems
from central.errors import (
    CentralError,
    IdempotencyKeyReused,
    RequestInFlight,
    SlotFull,
    StoreError,
    Unauthorized,
)
from central.models import BookingIn, SealedBookingIn
from central.routes_bookings import _alternatives, _citizen_key, _prepare, answer_body, log_booked
from central.service import IN_FLIGHT_TTL, Central
from central.store import Booking, PostgresStore, Terminal
from kiosk.signing import canonical

log = logging.getLogger("central.bookings")
_body = TypeAdapter(BookingIn | SealedBookingIn)
PATH = "/v1/bookings"


class FastBookings:
    def __init__(self, app: ASGIApp, *, central: Central) -> None:
        self.app = app
        self.central = central
        self.enabled = central.settings.fast_bookings and isinstance(central.store, PostgresStore)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not (
            self.enabled
            and scope["type"] == "http"
            and scope["path"] == PATH
            and scope["method"] == "POST"
        ):
            await self.app(scope, receive, send)
            return
        body, complete = await _read(receive)
        request = _plain_request(scope, body) if complete else None
        if request is None:
            await self.app(scope, _replaying(body, complete, receive), send)
            return
        token, plain, booking = request
        central = self.central
        fingerprint = central.keys.fingerprint(canonical(plain))
        try:
            created, result, terminal = await central.write(
                lambda: book(central, token, plain, booking, fingerprint)
            )
        except CentralError as exc:
            await problems.from_error(exc)(scope, receive, send)
            return
        except StoreError as exc:
            await problems.database_unavailable(exc)(scope, receive, send)
            return
        if created:
            log_booked(result, terminal, None)
        await _send_answer(send, result, 201 if created else 200)


def book(
    central: Central, token: str, plain: dict[str, Any], booking: BookingIn, fingerprint: str
) -> tuple[bool, Booking, Terminal]:
    """The route's `create_booking` for a plain booking without a lease, on one thread: claim
    and read (one statement), judge, book; the claim ends in the booking's transaction when
    one is made, else here, as `Central.booking_in_flight` does."""
    key, store = booking.booking_id, central.store
    claim = (datetime.now(tz=UTC), IN_FLIGHT_TTL)
    try:
        context = store.booking_context(
            key,
            booking.channel,
            booking.occupation.code,
            booking.slot_id,
            _citizen_key(central, plain),
            claim=claim,
            token=token,
        )
    except StoreError:
        central.release_later_on(key)  # it may have been claimed before the database went
        raise
    if context.terminal is None:
        raise Unauthorized()  # and nothing was claimed
    if not context.claimed:
        raise RequestInFlight()
    central.hold_claim(key)
    released = False
    try:
        if central.settings.booking_delay:  # TEST ONLY: hold the claim, on this thread
            time.sleep(central.settings.booking_delay)
        existing = store.booking_by_id(key) if context.replay else None
        if existing is not None:
            if existing.fingerprint != fingerprint:
                raise IdempotencyKeyReused()
            return False, existing, context.terminal
        new = _prepare(central, context.terminal, plain, booking, fingerprint, context, False)
        now = central.now()
        try:
            created, result = store.book(new, now, release_claim=True, site=context.site)
        except SlotFull:
            raise SlotFull(new.slot_id, _alternatives(central, new.slot_id, now)) from None
        released = created
        return created, result, context.terminal
    finally:
        central.drop_claim(key)
        if not released:
            central.release(key)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return None


def _plain_request(scope: Scope, body: bytes) -> tuple[str, dict[str, Any], BookingIn] | None:
    """(token, the body as fingerprinted, the booking) when this is the ordinary case the module
    docstring names; None to let the route answer."""
    content_type = _header(scope, b"content-type")
    if content_type is None or content_type.split(";")[0].strip().lower() != "application/json":
        return None
    scheme, _, token = (_header(scope, b"authorization") or "").partition(" ")
    token = token.strip()
    key = _header(scope, b"idempotency-key")
    if scheme.lower() != "bearer" or not token or key is None:
        return None
    try:
        plain = json.loads(body)
        booking = _body.validate_python(plain)
    except (ValueError, ValidationError, RecursionError):
        # RecursionError: JSON nested a few thousand deep (found by fuzz/booking.py); the
        # route answers it with its own 400, here it would have been a bare 500
        return None
    if not isinstance(booking, BookingIn) or booking.lease is not None:
        return None
    if key.strip('"') != booking.booking_id:
        return None
    return token, {k: v for k, v in plain.items() if k != "lease"}, booking


async def _read(receive: Receive) -> tuple[bytes, bool]:
    """The body, and whether all of it came (False: the client went away first)."""
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), False
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks), True


def _replaying(body: bytes, complete: bool, receive: Receive) -> Receive:
    """A `receive` that gives the app the body already read, then what the client sends."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            if not complete:
                return {"type": "http.disconnect"}
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _send_answer(send: Send, booking: Booking, status: int) -> None:
    """The route's answer (`routes_bookings._answer`): same body, same headers, same order."""
    body = answer_body(booking)
    headers = [
        (b"location", f"/v1/bookings/{booking.reference}".encode()),
        (b"etag", f'"{booking.version}"'.encode()),
        (b"content-length", str(len(body)).encode()),
        (b"content-type", b"application/json"),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
