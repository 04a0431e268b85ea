"""The SMS of a queued booking the central refused in the route, before any store write.

A refusal the store decides (slot full, already booked, a lease expired) is written with its
outbox row in the store's transaction. Refusals decided in the route (channel hours,
eligibility, a passed or unknown slot) have no other transaction to be part of: the one here
decides nothing else, and the row's `event_id` (`<booking_id>:refused`) is the same as the
store's, so whichever comes first is the only one.
"""

from __future__ import annotations

import logging

from central.errors import AlreadyBooked, CentralError
from central.models import BookingIn
from central.service import Central

log = logging.getLogger("central.bookings")

#: Refusals that do not settle a queued booking: the terminal sends it again later (or the
#: central failed), so the customer has nothing to hear yet; `idempotency-key-reused` is a
#: terminal bug about a booking that exists, for the technician, not the customer.
_NOT_FINAL = frozenset({"request-in-flight", "idempotency-key-reused"})


async def announce_refusal(central: Central, booking: BookingIn, exc: CentralError) -> None:
    """The SMS row of a queued booking the central refused. A refusal the store decides
    (slot full, already booked, lease expired) was written with it in the store's transaction;
    the insert here then finds it and writes nothing. Refusals decided here (hours, eligibility,
    a passed slot) have no other transaction to be part of: this one decides nothing else."""
    if exc.code in _NOT_FINAL or exc.status >= 500 or exc.status == 429:
        return
    other = exc.extra.get("reference") if isinstance(exc, AlreadyBooked) else None
    now = central.now()
    try:
        await central.write(
            lambda: central.store.notify_refusal(
                booking.booking_id, booking.phone, booking.slot_id, now, other
            )
        )
    except Exception:
        log.exception("could not write the refusal SMS of booking %s", booking.booking_id)
