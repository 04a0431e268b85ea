"""PostgreSQL: an ordinary booking with room to spare in one statement, one round trip.

The general booking transaction (`BookingsStore.book`) is BEGIN, the lookup by key and by
citizen, the seat UPDATE, the INSERT of reference, booking and claim release (`pg_writes`) and
COMMIT: five round trips, ~110 us of client CPU each through the pool. When the booking goes
through, all of it fits in one statement of data-modifying CTEs run in autocommit, which is a
transaction of its own: the seat is taken only when the lookup finds no booking under this key
and no active booking of this citizen, the reference only when the seat was taken, the booking
only under that reference, the claim released only when the booking was inserted.

Every invariant stays in the database: the conditional `UPDATE` (re-checked by PostgreSQL on the
newest row version under READ COMMITTED), the CHECK on `booked + held <= capacity`, the partial
unique index on the citizen's active booking and the unique references. A twin request or a
reference collision that gets past the lookup fails the statement with a unique violation,
which rolls all of it back and runs `book` again (`PgConnections._retrying`), as the general
path does.

Whenever the statement books nothing (a replay, the citizen already booked, no free seat, a
slot whose started holds must be released first) it has written nothing, and the general
transaction runs and decides, so every refusal and replay is the general path's, word for word.
A booking that announces itself (an SMS outbox row: web, app, queued) or whose site was not read
takes the general path too.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from central import references
from central.store.bookings import BOOKING_COLUMNS, booking_values, written
from central.store.connection import Connections, iso
from central.store.notifications import creation_event
from central.store.records import Booking, NewBooking, Site
from central.store.sites import slot_row

_FOUND = (
    "WITH found AS (SELECT 1 FROM bookings WHERE booking_id = ? "
    "OR (citizen_key = ? AND status != 'cancelled')), "
)
_SEAT = (
    "seat AS (UPDATE slots SET booked = booked + 1 WHERE slot_id = ? "
    "AND booked + held < capacity AND NOT EXISTS (SELECT 1 FROM found) "
    'RETURNING slot_id, site_id, date, start, "end", capacity, booked, held), '
)
# No ON CONFLICT: a reference already issued (1 in 2e10) fails the statement, and `book` is run
# again with another one (a unique violation, as for a twin).
_REF = (
    "ref AS (INSERT INTO issued_references(reference, source, issued_at) "
    "SELECT ?, 'booking', ? FROM seat RETURNING reference), "
)
_SELECT = ", ".join(
    "ref.reference" if column.strip() == "reference" else "?"
    for column in BOOKING_COLUMNS.split(",")
)
_INSERT = (
    f"ins AS (INSERT INTO bookings({BOOKING_COLUMNS}) SELECT {_SELECT} FROM ref "  # noqa: S608
    "RETURNING reference) "
)
_GONE = (
    ", gone AS (DELETE FROM requests_in_flight WHERE idempotency_key = ? "
    "AND EXISTS (SELECT 1 FROM ins)) "
)
_RESULT = "SELECT ins.reference, seat.* FROM ins, seat"


def one_statement(release: bool) -> str:
    """The fast path's SQL (with `release`, also ending the request's claim in flight)."""
    sql = _FOUND + _SEAT + _REF + _INSERT + (_GONE if release else "") + _RESULT
    return sql.replace("?", "%s")  # psycopg's placeholders; the SQL has no other `?` or `%`


_SQL = {release: one_statement(release) for release in (False, True)}


def fast_path_applies(new: NewBooking, site: Site | None) -> bool:
    """Whether `book` may try the one statement: the booking writes no outbox row and its
    answer can be built from what is written (the site was read to judge it)."""
    silent = not new.announce or creation_event(new.queued, new.channel, new.status) is None
    return silent and site is not None


class PgOneStatementBooking(Connections):
    """Placed before `BookingsStore` in `PostgresStore`'s bases; `super().book` is its."""

    def book(
        self,
        new: NewBooking,
        now: datetime,
        *,
        release_claim: bool = False,
        site: Site | None = None,
    ) -> tuple[bool, Booking]:
        """`BookingsStore.book`, in one round trip when the booking goes through (module
        docstring); otherwise, or when it does not apply, the general transaction."""
        if fast_path_applies(new, site):
            made = self._book_in_one_statement(new, now, release_claim)
            if made is not None and site is not None and made["site_id"] == site.site_id:
                return True, written(new, made["reference"], iso(now), slot_row(made), site)
            if made is not None:  # pragma: no cover - a slot moved to another site meanwhile
                booking = self.booking_by_id(new.booking_id)
                assert booking is not None
                return True, booking
        return super().book(  # type: ignore[misc]
            new, now, release_claim=release_claim, site=site
        )

    def _book_in_one_statement(self, new: NewBooking, now: datetime, release: bool) -> Any:
        stamp = iso(now)
        reference = references.new_reference()
        values = [
            v for i, v in enumerate(booking_values(new, reference, stamp, self.sealer)) if i != 1
        ]
        params = (
            new.booking_id,
            new.citizen_key,
            new.slot_id,
            reference,
            stamp,
            *values,
            *((new.booking_id,) if release else ()),
        )
        with self._connection() as conn:  # type: ignore[attr-defined]
            rows = conn.execute(_SQL[release], params).fetchall()
        return rows[0] if rows else None
