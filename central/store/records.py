"""What the store hands to the routes: plain frozen records, no database handles.

The routes, the CLI and the benches see only these, so a second implementation of the `Store`
protocol (PostgreSQL, issue 12) returns the same objects and nothing above the store changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from kiosk.booking.phone import masked as masked_phone
from kiosk.dates import BANGKOK

#: Booking states that hold a seat (and count as the citizen's one active booking).
ACTIVE = ("confirmed", "pending-verification")


def slot_key(now: datetime) -> str:
    """`now` as the text a slot's `date || 'T' || start` is compared with in SQL.

    Slots are stored as a Bangkok date and an HH:MM start; this lets a query ask "has this slot
    started?" without a date function that differs between SQLite and PostgreSQL.
    """
    return now.astimezone(BANGKOK).strftime("%Y-%m-%dT%H:%M")


@dataclass(frozen=True)
class Site:
    site_id: str
    name_th: str
    name_en: str
    address_th: str
    address_en: str
    district_th: str
    district_en: str
    position: int = 0

    def to_json(self) -> dict[str, str]:
        return {
            "site_id": self.site_id,
            "name_th": self.name_th,
            "name_en": self.name_en,
            "address_th": self.address_th,
            "address_en": self.address_en,
            "district_th": self.district_th,
            "district_en": self.district_en,
        }


@dataclass(frozen=True)
class Slot:
    slot_id: str
    site_id: str
    date: str
    start: str
    end: str
    capacity: int
    booked: int
    #: Seats held by terminals' leases and not yet booked (DESIGN §11). They stop counting once
    #: the slot has started, whether or not the store has released them yet.
    held: int = 0

    def starts_at(self) -> datetime:
        hh, mm = self.start.split(":")
        return datetime.fromisoformat(self.date).replace(
            hour=int(hh), minute=int(mm), tzinfo=BANGKOK
        )

    def started(self, now: datetime) -> bool:
        return f"{self.date}T{self.start}" <= slot_key(now)

    def held_at(self, now: datetime | None) -> int:
        """Held seats that still count at `now` (all of them when `now` is not given)."""
        return 0 if now is not None and self.started(now) else self.held

    def available_at(self, now: datetime | None) -> int:
        """What the public may still book: capacity - booked - held (while held counts)."""
        return max(0, self.capacity - self.booked - self.held_at(now))

    @property
    def available(self) -> int:
        return self.available_at(None)

    def to_json(self, now: datetime | None = None) -> dict[str, Any]:
        return {
            "slot_id": self.slot_id,
            "site_id": self.site_id,
            "date": self.date,
            "start": self.start,
            "end": self.end,
            "capacity": self.capacity,
            "available": self.available_at(now),
        }


@dataclass(frozen=True)
class Occupation:
    code: str
    label_th: str
    label_en: str
    free_text: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "th": self.label_th,
            "en": self.label_en,
            "free_text": self.free_text,
        }


@dataclass(frozen=True)
class Terminal:
    terminal_id: str
    store: str
    channel: str


@dataclass(frozen=True)
class NewBooking:
    """A booking the routes have validated and re-checked, ready to take a seat."""

    booking_id: str
    citizen_key: str
    status: str
    slot_id: str
    channel: str
    terminal_id: str
    masked_cid: str
    card: dict[str, Any]
    phone: str
    occupation_code: str
    occupation_other: str | None
    answers: dict[str, Any]
    claimed_decision: dict[str, Any]
    decision: dict[str, Any]
    fingerprint: str
    confirmed_at: str
    #: Sent from a terminal's journal (the sealed body): the customer left with a slip saying
    #: "queued, confirmation by SMS", so the outcome, confirmed or refused, is announced.
    queued: bool = False
    #: False for data loaded rather than booked (the demo's seed): no SMS at all.
    announce: bool = True


@dataclass(frozen=True)
class Booking:
    booking_id: str
    reference: str
    status: str
    slot: Slot
    site: Site
    channel: str
    terminal_id: str
    masked_cid: str
    phone: str
    occupation_code: str
    occupation_other: str | None
    confirmed_at: str
    created_at: str
    updated_at: str
    cancel_reason: str | None
    version: int
    fingerprint: str = field(repr=False)
    citizen_key: str = field(repr=False)

    @property
    def active(self) -> bool:
        return self.status in ACTIVE

    def to_json(self) -> dict[str, Any]:
        return {
            "reference": self.reference,
            "status": self.status,
            "booking_id": self.booking_id,
            "site_id": self.site.site_id,
            "slot_id": self.slot.slot_id,
            "date": self.slot.date,
            "start": self.slot.start,
            "end": self.slot.end,
            "version": self.version,
            "site": self.site.to_json(),
            "channel": self.channel,
            "masked_cid": self.masked_cid,
            # masked: a terminal shows a customer their own number to recognise, never the
            # whole of it (an already-booked problem travels to another terminal's journal)
            "phone": masked_phone(self.phone),
            "occupation": {"code": self.occupation_code, "other": self.occupation_other},
            "confirmed_at": self.confirmed_at,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "cancel_reason": self.cancel_reason,
        }
