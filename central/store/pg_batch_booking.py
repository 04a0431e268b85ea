"""PostgreSQL: the one-statement bookings of a worker's writer threads sent as ONE statement.

`pg_booking`'s statement books one row per round trip and per commit. Under load a worker's
writer threads run several at once; `batching.Batcher` gathers those that arrive while a batch
runs and this module sends them as one statement over arrays (one commit, one WAL flush), and
hands each caller its own row's outcome: the booking made, or None when the statement booked
nothing for it, in which case the caller runs the general transaction alone (a replay, key
reused, already booked, no free seat, a started slot whose holds must be released), exactly as
`pg_booking` does when its statement books nothing.

A row's trouble must not fail the others, so the statement decides per row without raising:

- a row is tried only if no booking holds its key and the citizen has no active booking (read
  in the statement's snapshot), and only the first row of a citizen or key in the batch;
- the batch's slots are locked (`FOR UPDATE`, in slot order, so two batches cannot deadlock on
  them) and read anew; the k-th row of a slot is booked only if the slot has k free seats then,
  so the seat UPDATE adds at most the free seats and never meets the CHECK;
- the booking INSERT is `ON CONFLICT DO NOTHING`: a booking under the same key or an active one
  of the same citizen committed by another worker after the snapshot (the partial unique index
  and the primary key still decide, waiting for the other transaction) skips that row only;
  the seats taken are counted from the rows actually inserted;
- only a reference already issued (1 in 2e10, the issued_references key) fails the statement;
  then every caller's `book` runs again (`PgConnections._retrying`), as in `pg_booking`.

The invariants stay where they were (the CHECK, the unique indexes, the conditional seat
count); what the batch adds is the per-slot count in one UPDATE. Each 201 carries the slot as
that row's own booking left it (`available` as if the rows had booked one after the other, in
arrival order), so an answer does not depend on what else was in its batch.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from central import references
from central.sealed_fields import FieldSealer
from central.store.batching import Batcher
from central.store.bookings import BOOKING_COLUMNS, booking_values
from central.store.connection import Connections, iso
from central.store.records import NewBooking

_COLUMNS = [c.strip() for c in BOOKING_COLUMNS.split(",")]
# Binary parameters (`%b`): psycopg's text format escapes every array element with a regular
# expression (the card and answers are JSON, full of quotes), which py-spy put at ~10 % of a
# worker's samples; binary arrays take no escaping (180 -> 134 us for a batch of 3, in a loop).
_ARRAYS = ", ".join("%b::text[]" for _ in _COLUMNS)
_SQL = (
    f"WITH req AS MATERIALIZED (SELECT * FROM unnest({_ARRAYS}) WITH ORDINALITY "  # noqa: S608
    f"AS r({BOOKING_COLUMNS}, ord)), "
    "fresh AS (SELECT r.* FROM req r WHERE r.ord = (SELECT min(q.ord) FROM req q "
    "WHERE q.citizen_key = r.citizen_key OR q.booking_id = r.booking_id) "
    "AND NOT EXISTS (SELECT 1 FROM bookings b WHERE b.booking_id = r.booking_id "
    "OR (b.citizen_key = r.citizen_key AND b.status != 'cancelled'))), "
    "locked AS MATERIALIZED (SELECT slot_id, capacity - booked - held AS free FROM slots "
    "WHERE slot_id IN (SELECT slot_id FROM fresh) ORDER BY slot_id FOR UPDATE), "
    "granted AS (SELECT f.* FROM (SELECT fresh.*, row_number() OVER "
    "(PARTITION BY slot_id ORDER BY ord) AS rank FROM fresh) f "
    "JOIN locked l ON l.slot_id = f.slot_id WHERE f.rank <= l.free), "
    f"ins AS (INSERT INTO bookings({BOOKING_COLUMNS}) SELECT {BOOKING_COLUMNS} FROM granted "
    "ORDER BY citizen_key ON CONFLICT DO NOTHING RETURNING booking_id, reference, slot_id), "
    "ref AS (INSERT INTO issued_references(reference, source, issued_at) "
    "SELECT i.reference, 'booking', r.created_at FROM ins i JOIN req r USING (booking_id)), "
    "taken AS (SELECT slot_id, count(*) AS n FROM ins GROUP BY slot_id), "
    "seat AS (UPDATE slots s SET booked = s.booked + t.n FROM taken t "
    'WHERE s.slot_id = t.slot_id RETURNING s.slot_id, s.site_id, s.date, s.start, s."end", '
    "s.capacity, s.booked, s.held), "
    "gone AS (DELETE FROM requests_in_flight WHERE idempotency_key = ANY(%b::text[]) "
    "AND idempotency_key IN (SELECT booking_id FROM ins)) "
    'SELECT r.ord, i.reference, s.slot_id, s.site_id, s.date, s.start, s."end", s.capacity, '
    "s.booked - count(*) OVER w + row_number() OVER (w ORDER BY r.ord) AS booked, s.held "
    "FROM ins i JOIN req r USING (booking_id) JOIN seat s ON s.slot_id = i.slot_id "
    "WINDOW w AS (PARTITION BY i.slot_id)"
)

#: One booking of a batch: what `pg_booking` would have booked alone.
Item = tuple[NewBooking, datetime, bool]


def batch_params(items: Sequence[Item], sealer: FieldSealer) -> tuple[list[Any], ...]:
    """The statement's parameters: one array per booking column, then the keys whose claim
    in flight ends with their booking."""
    rows = [
        booking_values(new, references.new_reference(), iso(now), sealer) for new, now, _ in items
    ]
    columns = tuple(list(column) for column in zip(*rows, strict=True))
    release = [new.booking_id for new, _, release in items if release]
    return (*columns, release)


class PgBatchBooking(Connections):
    """Placed before `PgOneStatementBooking` in `PostgresStore`'s bases: its one statement
    goes through the worker's batch."""

    #: Off only to compare with the unbatched statement in tests and benches.
    batch_bookings = True
    _batcher_lock = threading.Lock()

    @property
    def bookings_batch(self) -> Batcher[Item, Any]:
        batcher = self.__dict__.get("_bookings_batch")
        if batcher is None:
            with self._batcher_lock:
                batcher = self.__dict__.setdefault("_bookings_batch", Batcher(self._book_batch))
        return batcher

    def _book_in_one_statement(self, new: NewBooking, now: datetime, release: bool) -> Any:
        if not self.batch_bookings:
            return super()._book_in_one_statement(new, now, release)  # type: ignore[misc]
        return self.bookings_batch.submit((new, now, release))

    def _book_batch(self, items: Sequence[Item]) -> list[Any]:
        """Each item's row as `pg_booking`'s statement returns it (`reference` and the slot's
        columns), or None when nothing was booked for it; one statement, one commit."""
        with self._connection() as conn:  # type: ignore[attr-defined]
            rows = conn.execute(_SQL, batch_params(items, self.sealer), prepare=True).fetchall()
        made: list[Any] = [None] * len(items)
        for row in rows:
            made[row["ord"] - 1] = row
        return made
