"""What a booking is made of, and what comes back.

The request body is exactly the central's contract (DESIGN §5, issue 4); the booking id is made on
the terminal, before anything is sent, because it is also the idempotency key: a booking replayed
from the journal a week later must be recognised as the same booking.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from kiosk.card.model import Card
from kiosk.eligibility import Answers, Decision

BOOKABLE_ROUTES = ("book", "book-provisional")
Status = Literal["confirmed", "queued", "rejected"]
ConfirmedBy = Literal["central", "terminal"]


@dataclass(frozen=True, slots=True)
class Site:
    id: str
    name_th: str
    name_en: str
    address_th: str = ""
    address_en: str = ""
    district_th: str = ""
    district_en: str = ""

    def to_json(self) -> dict[str, str]:
        return {k: getattr(self, k) for k in self.__slots__}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Site:
        """From the central's `SiteOut` (`site_id`, ...) or this class's own JSON (`id`, ...)."""
        values = {k: str(data.get(k) or "") for k in cls.__slots__}
        values["id"] = str(data.get("site_id") or data.get("id") or "")
        return cls(**values)


@dataclass(frozen=True, slots=True)
class Slot:
    id: str
    site_id: str
    date: str  # YYYY-MM-DD, Asia/Bangkok
    start: str  # HH:MM
    end: str
    capacity: int = 0
    remaining: int = 0

    @property
    def full(self) -> bool:
        return self.remaining <= 0

    def to_json(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__slots__}


@dataclass(frozen=True, slots=True)
class Occupation:
    code: str
    other: str | None = None

    def to_json(self) -> dict[str, str | None]:
        return {"code": self.code, "other": self.other}


@dataclass(frozen=True)
class BookingRequest:
    """Everything the central needs, fixed at the moment the customer confirmed."""

    booking_id: str
    card: Card
    answers: Answers
    decision: Decision
    site: Site
    slot: Slot
    phone: str
    occupation: Occupation
    confirmed_at: datetime
    channel: str = "kiosk"

    def __repr__(self) -> str:
        return f"BookingRequest({self.booking_id}, {self.card!r}, slot={self.slot.id})"

    @staticmethod
    def new_id() -> str:
        return str(uuid.uuid4())

    def body(self) -> dict[str, Any]:
        """The POST /v1/bookings body."""
        conditions = sorted(self.answers.conditions) if self.answers.conditions else []
        return {
            "booking_id": self.booking_id,
            "channel": self.channel,
            "slot_id": self.slot.id,
            "citizen": self.card.to_json(),
            "phone": self.phone,
            "occupation": self.occupation.to_json(),
            "answers": {
                "conditions": conditions,
                "works_in_bangkok": self.answers.works_in_bangkok,
            },
            "decision": {
                "rule_set": self.decision.rule_set,
                "route": self.decision.route,
                "code": self.decision.code,
            },
            "confirmed_at": self.confirmed_at.isoformat(timespec="seconds"),
        }


@dataclass(frozen=True)
class BookingOutcome:
    """What the customer is told, and what the slip says."""

    status: Status
    booking_id: str
    reference: str | None = None
    #: Why, for queued (the central was unreachable) or rejected (the central's problem code).
    code: str | None = None
    #: For confirmed: "confirmed" or "pending-verification" (registry still to be checked).
    central_status: str | None = None
    detail: str | None = None
    #: slot-full: other open slots the central suggests. already-booked: that booking's reference.
    extra: Mapping[str, Any] = field(default_factory=dict)
    #: For confirmed: "central" (the central said so) or "terminal" (confirmed offline from a
    #: seat lease, DESIGN §11; the reference is the lease's, final, honoured on reconnect).
    confirmed_by: ConfirmedBy | None = None
    #: For a booking confirmed at the terminal: the lease the seat came from.
    lease_id: str | None = None
    #: For a booking confirmed at the terminal: the slip's QR text (kiosk.leases.SlipCode),
    #: which `kiosk-central check-slip` verifies.
    slip_code: str | None = None

    @property
    def offline_confirmed(self) -> bool:
        return self.status == "confirmed" and self.confirmed_by == "terminal"

    def to_json(self) -> dict[str, Any]:
        """What `kiosk book --json` prints."""
        return {
            "status": self.status,
            "confirmed_by": self.confirmed_by,
            "booking_id": self.booking_id,
            "reference": self.reference,
            "code": self.code,
        }
