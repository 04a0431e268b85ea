"""A minimal `NewBooking` for the store's own tests (races, batches): only the fields a test
varies (booking id, citizen, slot) differ; the rest are the smallest valid values."""

from __future__ import annotations

from datetime import datetime

from central.store.records import NewBooking


def new_booking(
    n: int,
    now: datetime,
    *,
    citizen: str | None = None,
    booking_id: str | None = None,
    slot: str = "hot",
) -> NewBooking:
    return NewBooking(
        booking_id=booking_id or f"b-{n}",
        citizen_key=citizen or f"c-{n}",
        status="confirmed",
        slot_id=slot,
        channel="kiosk",
        terminal_id="t1",
        masked_cid="x-xxxx-xxxxx-xx-x",
        card={},
        phone="-",
        occupation_code="o",
        occupation_other=None,
        answers={},
        claimed_decision={},
        decision={},
        fingerprint="f",
        confirmed_at=now.isoformat(),
    )
