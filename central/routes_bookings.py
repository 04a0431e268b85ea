"""Bookings: create (idempotent), look up, change and cancel.

The order of checks in `create` is deliberate. The idempotency key is looked at first, before the
hours, the eligibility or the slot, because a replay of a booking the central already holds must
get that booking back whatever has changed since (the 7-day window has passed, the slot is full
now, the rule set was withdrawn): the terminal may have lost the first answer, and the customer
already holds the slip. Only a request the central has not seen is judged.

Only bookings that were made are remembered under their key. A refused request (slot full,
outside hours, ineligible) leaves nothing behind, so sending it again is judged again: refusals
have no effect to repeat, and a terminal that gets `slot-full` books again under a new key anyway.

A lease-backed booking (`lease: {lease_id, reference}`, docs/leases.md) goes through the same
checks; only the last step differs: instead of taking a free seat it turns the seat its lease
holds into the booking under the lease's reference (`SqliteStore.book_from_lease`).

`request-in-flight` is detected in the server process on SQLite (whose central is one process)
and in the database on PostgreSQL (`requests_in_flight`), where `serve --workers N` runs several
processes: a retry reaching another worker while the first attempt runs gets 409 too. Either
way the database guarantees a single effect.
"""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Header, Request, Response
from pydantic import TypeAdapter, ValidationError

from central import eligibility, references
from central.auth import CentralDep, TerminalDep
from central.errors import (
    AlreadyBooked,
    BadRequest,
    CentralError,
    ChannelNotAllowed,
    IdempotencyKeyReused,
    Ineligible,
    InvalidRequest,
    LeaseExpired,
    LeaseInvalid,
    NotFound,
    OutsideHours,
    PreconditionRequired,
    SlotFull,
    SlotPassed,
    VersionMismatch,
)
from central.hours import judge
from central.models import (
    BookingIn,
    BookingOut,
    ChangeIn,
    CidIn,
    LeaseRefIn,
    OccupationIn,
    SealedBookingIn,
)
from central.notify.refusals import announce_refusal
from central.problems import responses
from central.service import Central, Flight
from central.store import Booking, LeaseClaim, NewBooking, Occupation, Slot, Terminal
from central.store.booking_context import BookingContext
from kiosk.card.errors import CardDataError
from kiosk.card.model import Card
from kiosk.dates import BANGKOK
from kiosk.sealing import SealError, unseal
from kiosk.signing import canonical

router = APIRouter(prefix="/v1", tags=["bookings"])
log = logging.getLogger("central.bookings")
_plain = TypeAdapter(BookingIn)

_BOOKING_200 = {"description": "The same booking again (idempotent replay)", "model": BookingOut}


def _answer(response: Response, booking: Booking) -> Response:
    """The booking as the JSON answer, with its version as the ETag.

    Serialised here, once: a returned dict would be validated again against `BookingOut` and
    encoded through `jsonable_encoder` by FastAPI (the model still documents the answer, and
    tests/central/test_openapi.py checks answers against it). `response` carries the status and
    headers the route set.
    """
    headers = dict(response.headers)
    headers.pop("content-length", None)
    headers["ETag"] = f'"{booking.version}"'
    return Response(
        answer_body(booking),
        status_code=response.status_code or 200,
        headers=headers,
        media_type="application/json",
    )


def answer_body(booking: Booking) -> bytes:
    """The JSON of a booking as every answer carries it (central/fast_bookings.py too)."""
    return json.dumps(booking.to_json(), ensure_ascii=False, separators=(",", ":")).encode()


def log_booked(result: Booking, terminal: Terminal, lease: LeaseRefIn | None) -> None:
    """The log line of a booking made (no personal data: reference, slot, channel, terminal)."""
    log.info(
        "booked %s slot %s channel %s terminal %s status %s%s",
        result.reference,
        result.slot.slot_id,
        result.channel,
        terminal.terminal_id,
        result.status,
        "" if lease is None else f" from lease {lease.lease_id}",
    )


def _unseal(central: Central, body: SealedBookingIn) -> tuple[dict[str, Any], BookingIn]:
    aad = ("booking:" + body.booking_id).encode()
    try:
        plain = json.loads(unseal(body.sealed.model_dump(), central.keys.journal_sealing, aad))
    except SealError as exc:
        raise InvalidRequest(exc.en, th=exc.th, code="bad-seal") from None
    except ValueError:
        raise InvalidRequest("the sealed box does not hold JSON", code="bad-seal") from None
    if not isinstance(plain, dict):
        raise InvalidRequest("the sealed box must hold a JSON object", code="bad-seal")
    try:
        booking = _plain.validate_python(plain)
    except ValidationError as exc:
        where = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()[:5]
        )
        raise InvalidRequest(f"The sealed booking does not match the contract: {where}") from None
    if booking.booking_id != body.booking_id:
        raise BadRequest(
            "The sealed booking's booking_id differs from the outer booking_id.",
            code="idempotency-key-mismatch",
        )
    return plain, booking


def _card(data: dict[str, Any]) -> Card:
    try:
        return Card.from_json(data)
    except CardDataError as exc:
        raise InvalidRequest(exc.en, th=exc.th, code="invalid-card", field=exc.field) from None


def _occupation(central: Central, occupation: OccupationIn) -> tuple[str, str | None]:
    known = {o.code: o for o in central.store.occupations()}
    return _judge_occupation(known.get(occupation.code), occupation)


def _judge_occupation(
    option: Occupation | None, occupation: OccupationIn
) -> tuple[str, str | None]:
    """The occupation as stored, or 400 invalid-occupation; `option` is the code's entry."""
    if option is None:
        raise InvalidRequest(
            f"Unknown occupation code {occupation.code!r}.",
            th="ไม่รู้จักอาชีพที่เลือก",
            code="invalid-occupation",
        )
    other = (occupation.other or "").strip() or None
    if option.free_text and other is None:
        raise InvalidRequest(
            "Occupation 'other' needs the occupation written in 'other'.",
            th="กรุณาระบุอาชีพ",
            code="invalid-occupation",
        )
    if not option.free_text and other is not None:
        raise InvalidRequest(
            f"Occupation {occupation.code!r} takes no free text.", code="invalid-occupation"
        )
    return option.code, other


def _open_slot(central: Central, slot_id: str, now: datetime) -> Slot:
    return _judge_slot(central, slot_id, central.store.slot(slot_id), now)


def _judge_slot(central: Central, slot_id: str, slot: Slot | None, now: datetime) -> Slot:
    """The slot if it has not ended; 400 unknown-slot or 409 slot-passed (with alternatives)."""
    if slot is None:
        raise InvalidRequest(f"No slot {slot_id!r}.", th="ไม่พบช่วงเวลาที่เลือก", code="unknown-slot")
    hh, mm = slot.end.split(":")
    ends = slot.starts_at().replace(hour=int(hh) % 24, minute=int(mm))
    if ends <= now:
        raise SlotPassed(slot_id, central.store.alternatives(slot, now))
    return slot


def _citizen_key(central: Central, plain: dict[str, Any]) -> str:
    """The citizen key of the body's CID as sent (judged later, with the card); "" if it is
    not even text, which no registry row has."""
    citizen = plain.get("citizen")
    cid = citizen.get("cid") if isinstance(citizen, dict) else None
    if not isinstance(cid, str) or not cid.isascii():
        return ""
    return central.keys.citizen_key(cid)


def _prepare(
    central: Central,
    terminal: Terminal,
    plain: dict[str, Any],
    booking: BookingIn,
    fingerprint: str,
    context: BookingContext,
    queued: bool,
) -> NewBooking:
    """Judge a request the central has not seen, in this order, on what `context` read."""
    now = central.now()
    if booking.channel != terminal.channel:
        raise ChannelNotAllowed(terminal.channel, booking.channel)
    card = _card(plain["citizen"])
    hours = context.hours
    if hours is None:
        raise OutsideHours(
            "closed",
            f"The {booking.channel} channel has no hours configured.",
            "ช่องทางนี้ยังไม่เปิดรับจอง",
        )
    judge(booking.confirmed_at, hours, now)
    occupation_code, occupation_other = _judge_occupation(context.occupation, booking.occupation)
    _judge_slot(central, booking.slot_id, context.slot, now)
    citizen_key = central.keys.citizen_key(card.cid)
    # A provisional decision was taken without the registry; re-check it the same way, and let
    # the registry settle it afterwards (pending-verification). A definite one is re-checked
    # with what the central's registry says.
    if booking.decision.route == "book-provisional":
        registry = "unknown"
    else:
        if citizen_key == context.citizen_key:
            registered = context.registered
        else:  # the card's CID differs from the body's text (never, unless the card is edited)
            registered = central.store.registered(citizen_key)
        registry = "yes" if registered else "no"
    try:
        decision = eligibility.recheck(
            booking.decision.rule_set,
            card,
            tuple(booking.answers.conditions),
            booking.answers.works_in_bangkok,
            registry,
            booking.confirmed_at.astimezone(BANGKOK).date(),
        )
    except eligibility.UnknownRuleSet:
        raise InvalidRequest(
            f"Unknown rule set {booking.decision.rule_set!r}.",
            th="ไม่รู้จักชุดเกณฑ์ที่ใช้ตัดสิน",
            code="unknown-rule-set",
        ) from None
    if decision.route == "ask":
        raise InvalidRequest(
            f"The answers are incomplete: the rules need {decision.ask!r}.",
            th="คำตอบไม่ครบ กรุณาตอบคำถามให้ครบ",
            code="answers-incomplete",
            decision=decision.to_json(),
        )
    if not decision.bookable:
        raise Ineligible(decision.to_json())
    if (decision.route, decision.code) != (booking.decision.route, booking.decision.code):
        # The citizen is eligible either way; the terminal's own evaluation differs (a bug or
        # an edited journal). Book on the central's decision and leave a trace for support.
        log.warning(
            "decision differs from terminal %s: claimed %s/%s, central %s/%s",
            terminal.terminal_id,
            booking.decision.route,
            booking.decision.code,
            decision.route,
            decision.code,
        )
    return NewBooking(
        booking_id=booking.booking_id,
        citizen_key=citizen_key,
        status="confirmed" if decision.route == "book" else "pending-verification",
        slot_id=booking.slot_id,
        channel=booking.channel,
        terminal_id=terminal.terminal_id,
        masked_cid=card.masked_cid,
        card=plain["citizen"],
        phone=booking.phone,
        occupation_code=occupation_code,
        occupation_other=occupation_other,
        answers=booking.answers.model_dump(),
        claimed_decision=booking.decision.model_dump(),
        decision=decision.to_json(),
        fingerprint=fingerprint,
        confirmed_at=booking.confirmed_at.isoformat(),
        queued=queued,
    )


async def _store(
    central: Central, new: NewBooking, lease: LeaseRefIn | None, flight: Flight
) -> tuple[bool, Booking]:
    """Take a free seat, or the seat the lease holds, in the one writer thread."""
    now = central.now()
    try:
        if lease is None:
            created, booking = await central.write(
                lambda: central.store.book(
                    new, now, release_claim=flight.shared, site=flight.context.site
                )
            )
            flight.released = created and flight.shared
            return created, booking
        claim = LeaseClaim(lease.lease_id, lease.reference)
        grace = central.settings.lease_grace
        return await central.write(lambda: central.store.book_from_lease(new, claim, now, grace))
    except (LeaseInvalid, LeaseExpired, AlreadyBooked) as exc:
        if lease is not None:
            # no personal data: the booking id, the terminal and the lease are not about a person
            log.warning(
                "lease-backed booking %s from terminal %s refused: %s (lease %s)",
                new.booking_id,
                new.terminal_id,
                exc.code,
                lease.lease_id,
            )
        raise
    except SlotFull:
        alternatives = await central.read(lambda: _alternatives(central, new.slot_id, now))
        raise SlotFull(new.slot_id, alternatives) from None


def _alternatives(central: Central, slot_id: str, now: datetime) -> list[dict[str, Any]]:
    slot = central.store.slot(slot_id)
    assert slot is not None
    return central.store.alternatives(slot, now)


async def _opened(
    central: Central, request: Request, body: BookingIn | SealedBookingIn
) -> tuple[dict[str, Any], BookingIn, LeaseRefIn | None]:
    """The plain booking, as a dict (what is fingerprinted) and as a model, and its lease."""
    if isinstance(body, SealedBookingIn):
        plain, booking = _unseal(central, body)
        lease = body.lease or booking.lease
    else:
        plain, booking = await request.json(), body
        lease = booking.lease
    # The lease travels beside the booking, not in it: the same booking sent again with or
    # without it is the same request.
    return {k: v for k, v in plain.items() if k != "lease"}, booking, lease


@router.post(
    "/bookings",
    status_code=201,
    response_model=BookingOut,
    responses={200: _BOOKING_200, **responses(400, 403, 409)},
)
async def create_booking(
    request: Request,
    response: Response,
    body: BookingIn | SealedBookingIn,
    central: CentralDep,
    terminal: TerminalDep,
    idempotency_key: Annotated[
        str | None,
        Header(alias="Idempotency-Key", description="The booking_id; never expires"),
    ] = None,
) -> Response:
    """Book a seat; 201 when new, 200 when the same key and body come again.

    The body is the plain booking or, from a terminal's journal, the same sealed to the central.
    """
    if idempotency_key is None:
        raise BadRequest(
            "An Idempotency-Key header (the booking_id) is required.",
            code="idempotency-key-missing",
        )
    # A sealed body comes from a terminal's journal: the booking was queued there, and the
    # customer left with a slip promising an SMS with the outcome (DESIGN §12).
    queued = isinstance(body, SealedBookingIn)
    plain, booking, lease = await _opened(central, request, body)
    if idempotency_key.strip('"') != booking.booking_id:
        raise BadRequest(
            "The Idempotency-Key header must equal the body's booking_id.",
            code="idempotency-key-mismatch",
        )
    key = booking.booking_id
    fingerprint = central.keys.fingerprint(canonical(plain))
    async with central.booking_in_flight(
        key, booking.channel, booking.occupation.code, booking.slot_id, _citizen_key(central, plain)
    ) as flight:
        if central.settings.booking_delay:
            await asyncio.sleep(central.settings.booking_delay)
        context = flight.context
        existing = None
        if context.replay:
            existing = await central.read(lambda: central.store.booking_by_id(key))
        if existing is None:
            try:
                new = _prepare(central, terminal, plain, booking, fingerprint, context, queued)
                created, result = await _store(central, new, lease, flight)
            except CentralError as exc:
                if queued:
                    await announce_refusal(central, booking, exc)
                raise
        else:
            # Same answer as the store would give, without taking the write lock.
            if existing.fingerprint != fingerprint:
                raise IdempotencyKeyReused()
            created, result = False, existing
            if queued:
                now = central.now()
                await central.write(lambda: central.store.notify_queued_replay(key, now))
    if created:
        log_booked(result, terminal, lease)
    response.status_code = 201 if created else 200
    response.headers["Location"] = f"/v1/bookings/{result.reference}"
    return _answer(response, result)


@router.post("/bookings/lookup", response_model=BookingOut, responses=responses(404))
async def lookup(body: CidIn, response: Response, central: CentralDep, _: TerminalDep) -> Response:
    """The citizen's active booking (confirmed or pending verification), found by ID card."""
    booking = central.store.active_booking(central.keys.citizen_key(body.cid))
    if booking is None:
        raise NotFound("This person has no active booking.", th="ไม่พบการจองของท่าน")
    return _answer(response, booking)


def _version(if_match: str | None, required: bool) -> int | None:
    if if_match is None:
        if required:
            raise PreconditionRequired()
        return None
    text = if_match.strip().removeprefix("W/").strip('"')
    if not text.isdigit():
        raise VersionMismatch(-1)
    return int(text)


def _reference(text: str) -> str:
    reference = references.normalise(text)
    if reference is None:
        raise NotFound(
            "No booking with this reference for this ID card.",
            th="ไม่พบการจองหมายเลขนี้สำหรับบัตรประชาชนใบนี้",
        )
    return reference


@router.patch(
    "/bookings/{reference}", response_model=BookingOut, responses=responses(404, 409, 412, 428)
)
async def change(
    reference: str,
    body: ChangeIn,
    response: Response,
    central: CentralDep,
    _: TerminalDep,
    if_match: Annotated[str | None, Header(alias="If-Match")] = None,
) -> Response:
    """Change slot, phone or occupation. The card must be present (`cid`); If-Match is the version.

    A slot change moves the seat atomically: the new seat is taken and the old one freed in one
    transaction, or nothing changes.
    """
    version = _version(if_match, required=True)
    assert version is not None
    ref = _reference(reference)
    now = central.now()
    changes: dict[str, Any] = {}
    if body.slot_id is not None:
        _open_slot(central, body.slot_id, now)
        changes["slot_id"] = body.slot_id
    if body.phone is not None:
        changes["phone"] = body.phone
    if body.occupation is not None:
        changes["occupation_code"], changes["occupation_other"] = _occupation(
            central, body.occupation
        )
    if not changes:
        raise InvalidRequest(
            "Nothing to change: give slot_id, phone or occupation.", code="nothing-to-change"
        )
    citizen_key = central.keys.citizen_key(body.cid)
    try:
        booking = await central.write(
            lambda: central.store.change(ref, citizen_key, version, changes, now)
        )
    except SlotFull:
        slot = central.store.slot(changes["slot_id"])
        assert slot is not None
        raise SlotFull(slot.slot_id, central.store.alternatives(slot, now)) from None
    log.info("changed %s to version %d", booking.reference, booking.version)
    return _answer(response, booking)


@router.delete("/bookings/{reference}", response_model=BookingOut, responses=responses(404, 412))
async def cancel(
    reference: str,
    body: CidIn,
    response: Response,
    central: CentralDep,
    _: TerminalDep,
    if_match: Annotated[str | None, Header(alias="If-Match")] = None,
) -> Response:
    """Cancel and free the seat. Cancelling again answers the cancelled booking (200)."""
    version = _version(if_match, required=False)
    ref = _reference(reference)
    citizen_key = central.keys.citizen_key(body.cid)
    now = central.now()
    booking = await central.write(lambda: central.store.cancel(ref, citizen_key, version, now))
    log.info("cancelled %s", booking.reference)
    return _answer(response, booking)
