"""PostgreSQL: the end of a booking's transaction in one statement instead of three.

Issuing the reference (`issued_references`), inserting the booking and ending the request's
claim in flight are three statements in SQL both databases take (`BookingsStore._record_booking`),
each a round trip to PostgreSQL. PostgreSQL runs data-modifying statements in a WITH clause, so
here they are one: the booking is inserted from the reference row just issued, hence not at all
when that reference was already taken (a 1-in-2e10 collision: then another is drawn, as
`issue_reference` does). The same rows are written, in the same transaction, under the same
constraints.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from central import references
from central.errors import StoreError
from central.store.bookings import BOOKING_COLUMNS, booking_values
from central.store.connection import Connections, iso
from central.store.records import NewBooking

_SELECT = ", ".join(
    "ref.reference" if column.strip() == "reference" else "?"
    for column in BOOKING_COLUMNS.split(",")
)
_ISSUE = (
    "WITH ref AS (INSERT INTO issued_references(reference, source, issued_at) "
    "VALUES (?, 'booking', ?) ON CONFLICT(reference) DO NOTHING RETURNING reference)"
)
_GONE = ", gone AS (DELETE FROM requests_in_flight WHERE idempotency_key = ?)"
_INSERT = f" INSERT INTO bookings({BOOKING_COLUMNS}) SELECT {_SELECT} FROM ref"  # noqa: S608


class PgBookingWrites(Connections):
    def _record_booking(
        self, c: Any, new: NewBooking, now: datetime, stamp: str, release: bool
    ) -> str:
        sql = _ISSUE + (_GONE if release else "") + _INSERT
        for _attempt in range(5):
            reference = references.new_reference()
            values = [
                v
                for i, v in enumerate(booking_values(new, reference, stamp, self.sealer))
                if i != 1
            ]
            params = (reference, iso(now), *((new.booking_id,) if release else ()), *values)
            if c.execute(sql, params).rowcount == 1:
                return reference
        raise StoreError(  # pragma: no cover - five collisions in a row: a broken random source
            "could not draw a unique booking reference"
        )
