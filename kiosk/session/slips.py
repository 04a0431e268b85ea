"""Slip data (the printer's JSON contract, printer/slip_data.py) from what the session knows.

Built here, in the domain, because what a slip may say about a person is a privacy decision:
only the masked citizen ID and the name, never the full ID, the phone or the address.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from kiosk.booking.model import BookingOutcome, Site, Slot
from kiosk.card.model import Card
from kiosk.eligibility import Decision

log = logging.getLogger(__name__)


def citizen(card: Card) -> dict[str, str]:
    return {
        "masked_cid": card.masked_cid,
        "name_th": card.name_th.display(thai=True),
        "name_en": card.name_en.display(thai=False),
    }


def booking_slip(
    outcome: BookingOutcome,
    card: Card,
    site: Site,
    slot: Slot,
    terminal: Mapping[str, str],
    confirmed_at: datetime | None = None,
) -> dict[str, Any]:
    slip: dict[str, Any] = {
        "status": outcome.status,
        "booking_id": outcome.booking_id,
        "reference": outcome.reference,
        "code": outcome.code if outcome.status == "rejected" else None,
        "citizen": citizen(card),
        "site": site.to_json(),
        "slot": {"id": slot.id, "date": slot.date, "start": slot.start, "end": slot.end},
        "terminal": dict(terminal),
    }
    if outcome.central_status:
        slip["central_status"] = outcome.central_status
    if outcome.status == "confirmed":
        slip.update(_confirmed_by(outcome.confirmed_by, outcome.slip_code))
    if confirmed_at is not None:
        slip["confirmed_at"] = confirmed_at.isoformat(timespec="seconds")
    return slip


def _confirmed_by(by: str | None, slip_code: str | None) -> dict[str, Any]:
    """Who confirmed the booking, for the slip; the QR of one confirmed at the terminal carries
    its signed slip code.

    Without its code (never, by the contract) the slip still prints, confirmed with the plain
    reference in the QR, which the central honours once the booking reaches it: a customer who
    has a confirmed seat must not leave without a slip.
    """
    if by == "terminal":
        if slip_code:
            return {"confirmed_by": "terminal", "slip_code": slip_code}
        log.warning("a booking confirmed at the terminal has no slip code: printed without it")
        return {}
    return {"confirmed_by": by} if by == "central" else {}


def decision_slip(decision: Decision, card: Card, terminal: Mapping[str, str]) -> dict[str, Any]:
    return {
        "kind": "decision",
        "decision": {
            "route": decision.route,
            "code": decision.code,
            "message": decision.message.to_json(),
            "rule_set": decision.rule_set,
        },
        "citizen": citizen(card),
        "terminal": dict(terminal),
    }


def existing_slip(
    booking: Mapping[str, Any], card: Card, terminal: Mapping[str, str]
) -> dict[str, Any]:
    """A reprint of a booking the central (or the journal) holds.

    One confirmed at this terminal from a lease and not yet acknowledged by the central is
    reprinted as it was first printed: confirmed, with its slip code in the QR.
    """
    status = "queued" if booking.get("status") == "queued" else "confirmed"
    site = booking.get("site") or {"id": booking.get("site_id", "")}
    extra: dict[str, Any] = {}
    if status == "confirmed":
        by, code = booking.get("confirmed_by"), booking.get("slip_code")
        extra = _confirmed_by(str(by) if by else None, str(code) if code else None)
    return {
        **extra,
        "status": status,
        "booking_id": str(booking.get("booking_id") or ""),
        "reference": booking.get("reference") if status == "confirmed" else None,
        "code": None,
        "citizen": citizen(card),
        "site": Site.from_json(site).to_json(),
        "slot": {
            "id": str(booking.get("slot_id") or ""),
            "date": str(booking.get("date") or ""),
            "start": str(booking.get("start") or "")[:5],
            "end": str(booking.get("end") or "")[:5],
        },
        "terminal": dict(terminal),
    }
